//! The provider driven by the real terraform CLI: schema, validate, plan, and
//! attaching to a provider started with --debug.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{Workdir, REQUIRED_PROVIDERS};

const PROVIDER_BLOCK: &str = r#"
provider "modelarts" {
  region     = "cn-north-4"
  project_id = "p"
  access_key = "AK"
  secret_key = "SK"
}
"#;

#[test]
fn terraform_reads_the_provider_schema() {
    let Some(wd) = Workdir::new() else { return };
    wd.write("main.tf", &format!("{REQUIRED_PROVIDERS}{PROVIDER_BLOCK}"));
    let out = wd.ok(&["providers", "schema", "-json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("schema json");
    let provider = &json["provider_schemas"]["registry.terraform.io/modelarts/modelarts"]["provider"]["block"];
    let attrs = provider["attributes"].as_object().expect("provider attributes");
    let mut names: Vec<&String> = attrs.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "access_key",
            "auth_url",
            "cacert_file",
            "cert",
            "cloud",
            "default_tags",
            "domain_id",
            "domain_name",
            "endpoint",
            "endpoints",
            "enterprise_project_id",
            "ignore_tags",
            "insecure",
            "key",
            "max_requests_per_second",
            "max_retries",
            "password",
            "profile",
            "project_id",
            "project_name",
            "region",
            "request_timeout",
            "secret_key",
            "security_token",
            "shared_config_file",
            "signing_algorithm",
            "token",
            "user_id",
            "user_name"
        ]
    );
    for (name, a) in attrs {
        assert_eq!(a["optional"], true, "{name} is optional");
        let sensitive = a["sensitive"].as_bool().unwrap_or(false);
        assert_eq!(
            sensitive,
            ["secret_key", "security_token", "password", "token"].contains(&name.as_str()),
            "{name} sensitivity"
        );
    }
    assert_eq!(attrs["insecure"]["type"], "bool");
    assert_eq!(attrs["max_retries"]["type"], "number");
    let mut blocks: Vec<&String> = provider["block_types"].as_object().expect("block types").keys().collect();
    blocks.sort();
    assert_eq!(blocks, ["assume_role", "assume_role_with_oidc"]);
    assert_eq!(provider["block_types"]["assume_role"]["nesting_mode"], "list");
    assert_eq!(provider["block_types"]["assume_role_with_oidc"]["max_items"], 1);
    assert_eq!(provider["block_types"]["assume_role_with_oidc"]["block"]["attributes"]["id_token"]["sensitive"], true);
    // default_tags is a map, as in the official provider.
    assert_eq!(attrs["default_tags"]["type"], serde_json::json!(["map", "string"]));
    // ignore_tags is a list of keys, as in the official provider.
    assert_eq!(attrs["ignore_tags"]["type"], serde_json::json!(["list", "string"]));
}

#[test]
fn validate_and_plan_an_empty_configuration() {
    let Some(wd) = Workdir::new() else { return };
    wd.write("main.tf", &format!("{REQUIRED_PROVIDERS}{PROVIDER_BLOCK}"));
    let v = wd.ok(&["validate"]);
    assert!(v.flat().contains("The configuration is valid"), "{}", v.all());
    let p = wd.ok(&["plan"]);
    assert!(p.flat().contains("No changes."), "{}", p.all());
}

#[test]
fn debug_mode_prints_a_working_reattach_line() {
    let Some(wd) = Workdir::new() else { return };
    wd.write("main.tf", &format!("{REQUIRED_PROVIDERS}{PROVIDER_BLOCK}"));
    let mut child = Command::new(crate::common::PROVIDER_BIN)
        .arg("--debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut reattach = None;
    for _ in 0..10 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.trim().strip_prefix("export TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_string());
            break;
        }
    }
    let reattach = reattach.expect("a reattach line");
    // No dev_overrides: Terraform must reach the provider through the reattach line alone.
    let mut cmd = wd.command(&["plan", "-no-color"]);
    cmd.env("TF_CLI_CONFIG_FILE", "/dev/null").env("TF_REATTACH_PROVIDERS", &reattach);
    let out = crate::common::TfOutput::from(cmd.output().unwrap());
    let _ = child.kill();
    let _ = child.wait();
    assert!(out.success, "{}", out.all());
    assert!(out.flat().contains("No changes."), "{}", out.all());
}
