//! Configurations written for the official provider's `huaweicloud_modelarts_notebook`
//! and its data sources, renamed, against `modelarts-sim` (the cases its acceptance
//! tests cover); doomed changes refused at plan time at their attribute with
//! nothing written; a dead endpoint and refused credentials named.

use crate::common::scenario::{Scenario, CPU_IMAGE};

const FAST: &[&str] =
    &["--create-seconds", "0.3", "--start-seconds", "0.3", "--stop-seconds", "0.3", "--delete-seconds", "0.3"];
const WRITES: &[&str] = &["create", "update", "delete", "start", "stop", "lease_renew"];
const GPU_IMAGE: &str = "3b8c7a2e-5f1d-4c9e-9a47-2d6f0e1b8c35";

fn writes_since(s: &Scenario, mark: usize) -> Vec<String> {
    s.sim.ops_since(mark, false).into_iter().filter(|o| WRITES.contains(&o.as_str())).collect()
}

/// The secrets the simulator issued as temporary keys (secret keys and security tokens).
fn issued_secrets(s: &Scenario) -> Vec<String> {
    let issued = s.sim.control("GET", "/_sim/issued", None);
    let keys = issued.as_array().cloned().unwrap_or_default();
    keys.iter()
        .flat_map(|k| [k["secret"].as_str(), k["securitytoken"].as_str()])
        .map(|v| v.unwrap_or_default().to_string())
        .collect()
}

/// Asserts that no secret appears in the trace log at `log`, in `output` or in the
/// state file.
fn assert_kept_secret(s: &Scenario, log: &std::path::Path, output: &str, secrets: &[String]) {
    let trace = std::fs::read_to_string(log).unwrap_or_default();
    let state = std::fs::read_to_string(s.wd.path().join("terraform.tfstate")).unwrap_or_default();
    assert!(!trace.is_empty(), "the trace log was written");
    assert!(!secrets.is_empty() && secrets.iter().all(|x| !x.is_empty()), "secrets to look for");
    for secret in secrets {
        let leaked = [("the trace log", trace.as_str()), ("the output", output), ("the state", state.as_str())];
        for (place, text) in leaked {
            assert!(!text.contains(secret.as_str()), "a secret reached {place}");
        }
    }
}

/// The official documentation's example, with the type renamed.
fn official_example(name: &str, extra: &str) -> String {
    format!(
        r#"
resource "modelarts_notebook" "notebook" {{
  name      = "{name}"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "{CPU_IMAGE}"
{extra}
  volume {{
    type = "EFS"
  }}
}}
"#
    )
}

#[test]
fn a_managed_efs_notebook_is_created_renamed_imported_and_destroyed() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&official_example("efs_notebook", ""));
    s.apply();
    let id = s.state_attr("modelarts_notebook.notebook", "id").as_str().unwrap().to_string();
    assert_eq!(s.state_attr("modelarts_notebook.notebook", "region"), "sim-region-1");
    assert_eq!(s.state_attr("modelarts_notebook.notebook", "auto_stop_enabled"), false);
    assert_eq!(s.state_attr("modelarts_notebook.notebook", "mount_storages"), serde_json::json!([]));
    s.config(&official_example("efs_notebook_renamed", ""));
    let m = s.mark();
    s.apply();
    assert_eq!(writes_since(&s, m), ["update"]);
    s.wd.ok(&["state", "rm", "modelarts_notebook.notebook"]);
    s.wd.ok(&["import", "modelarts_notebook.notebook", &id]);
    s.assert_no_changes();
    s.wd.ok(&["destroy", "-auto-approve"]);
    assert!(s.sim.notebooks().is_empty());
}

#[test]
fn a_dedicated_efs_volume_in_a_pool() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(&format!(
        r#"
resource "modelarts_notebook" "test" {{
  name      = "dedicated"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "{CPU_IMAGE}"
  pool_id   = "pool-0001"
  key_pair  = "kp-official"

  volume {{
    type      = "EFS"
    ownership = "DEDICATED"
    id        = "280a8bd5-03e2-4a5c-bea1-83d81e75bc53"
    uri       = "192.168.0.3:/share"
  }}
}}
"#
    ));
    let m = s.mark();
    s.apply();
    let create = s.sim.calls()[m..].iter().find(|c| c.op == "create").unwrap().body.clone();
    assert_eq!(create["pool_id"], "pool-0001");
    assert_eq!(create["volume"]["id"], "280a8bd5-03e2-4a5c-bea1-83d81e75bc53");
    assert_eq!(s.state_attr("modelarts_notebook.test", "pool_name"), "pool-pool-0001");
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn a_resource_level_region_uses_that_regions_endpoint_and_project() {
    let Some(s) = Scenario::new(&[
        "--create-seconds",
        "0.3",
        "--delete-seconds",
        "0.3",
        "--project",
        "sim-region-2=sim-project-2",
    ]) else {
        return;
    };
    s.config(&format!(
        r#"
resource "modelarts_notebook" "far" {{
  region    = "sim-region-2"
  name      = "far-away"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "{CPU_IMAGE}"
  volume {{
    type = "EVS"
  }}
}}
data "modelarts_notebook_flavors" "far" {{
  region = "sim-region-2"
}}
"#
    ));
    let m = s.mark();
    s.apply();
    let calls = s.sim.calls();
    let create = calls[m..].iter().find(|c| c.op == "create").unwrap();
    assert_eq!(create.path, "/v1/sim-project-2/notebooks", "the other region's project");
    assert!(
        calls[m..].iter().any(|c| c.path == "/v3/projects" && c.query == "name=sim-region-2"),
        "looked up through IAM"
    );
    assert_eq!(s.state_attr("modelarts_notebook.far", "region"), "sim-region-2");
    let id = s.state_attr("modelarts_notebook.far", "id").as_str().unwrap().to_string();
    // Updated and imported in its region (`REGION/ID`), with empty plans in between.
    s.wd.write("main.tf", &s.wd.read_config().replace("far-away", "farther-away"));
    let m = s.mark();
    s.apply();
    let update = s.sim.calls()[m..].iter().find(|c| c.op == "update").unwrap().clone();
    assert_eq!(update.path, format!("/v1/sim-project-2/notebooks/{id}"));
    s.wd.ok(&["state", "rm", "modelarts_notebook.far"]);
    s.wd.ok(&["import", "modelarts_notebook.far", &format!("sim-region-2/{id}")]);
    s.assert_no_changes();
    // Moving it to the provider's region is a replacement.
    s.wd.write(
        "main.tf",
        &s.wd.read_config().replace("region    = \"sim-region-2\"\n  name", "region    = \"sim-region-1\"\n  name"),
    );
    let plan = s.wd.ok(&["plan"]);
    assert!(plan.flat().contains("must be replaced") && plan.flat().contains("region"), "{}", plan.all());
    s.wd.ok(&["destroy", "-auto-approve"]);
    assert!(s.sim.notebooks().is_empty());
}

#[test]
fn images_by_cpu_arch_as_the_official_data_source_test_asks() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(
        r#"
data "modelarts_notebook_images" "test" {
  cpu_arch = "x86_64"
}
output "image_categories" {
  value = [for i in data.modelarts_notebook_images.test.images : join(",", i.resource_categories)]
}
output "statuses" {
  value = distinct([for i in data.modelarts_notebook_images.test.images : i.status])
}
output "dev_services" {
  value = distinct(flatten([for i in data.modelarts_notebook_images.test.images : i.dev_services]))
}
"#,
    );
    s.wd.ok(&["apply", "-auto-approve"]);
    let out = s.wd.ok(&["output", "-json"]);
    let o: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(o["image_categories"]["value"].as_array().unwrap().len(), 3, "the three x86 images: {o}");
    assert_eq!(o["statuses"]["value"], serde_json::json!(["ACTIVE"]));
    assert_eq!(o["dev_services"]["value"], serde_json::json!(["NOTEBOOK", "SSH"]));
}

#[test]
fn doomed_flavors_and_images_fail_at_plan_time_at_their_attribute() {
    let Some(s) = Scenario::new(FAST) else { return };
    let nb = |flavor: &str, image: &str| {
        format!(
            "resource \"modelarts_notebook\" \"nb\" {{\n  name      = \"doomed\"\n  flavor_id = \"{flavor}\"\n  image_id  = \"{image}\"\n  volume {{\n    type = \"EVS\"\n  }}\n}}\n"
        )
    };
    for (flavor, image, expected, line) in [
        (
            "modelarts.vm.cpu.2x",
            CPU_IMAGE,
            "Flavor \"modelarts.vm.cpu.2x\" does not exist in this region. Did you mean \"modelarts.vm.cpu.2u\"?",
            "flavor_id = \"modelarts.vm.cpu.2x\"",
        ),
        (
            "modelarts.vm.gpu.v100",
            GPU_IMAGE,
            "Flavor \"modelarts.vm.gpu.v100\" is sold out",
            "flavor_id = \"modelarts.vm.gpu.v100\"",
        ),
        (
            "modelarts.vm.cpu.2u",
            "e1a07296-22a8-4f05-8bc8-e936c8e54091",
            "Image \"e1a07296-22a8-4f05-8bc8-e936c8e54091\" does not exist in this project and region",
            "image_id = \"e1a07296-22a8-4f05-8bc8-e936c8e54091\"",
        ),
        (
            "modelarts.vm.cpu.2u",
            GPU_IMAGE,
            "runs on GPU flavors, not CPU, so it cannot run on flavor modelarts.vm.cpu.2u",
            "image_id = \"3b8c7a2e",
        ),
    ] {
        s.config(&nb(flavor, image));
        let m = s.mark();
        let out = s.wd.fails(&["plan"]);
        let text = out.flat();
        assert!(text.contains(expected), "{flavor} {image}: {}", out.all());
        assert!(text.contains(line), "at the attribute: {}", out.all());
        assert!(writes_since(&s, m).is_empty());
    }
    // The image check also explains what fits.
    s.config(&nb("modelarts.vm.cpu.2u", GPU_IMAGE));
    let out = s.wd.fails(&["plan"]);
    assert!(
        out.flat().contains(&format!("Images that fit it: 7d0e4f6a-91c2-4b3e-8f5d-6a2c1e9b0f47, {CPU_IMAGE}")),
        "{}",
        out.all()
    );
}

#[test]
fn a_dead_endpoint_and_a_wrong_secret_key_are_named() {
    let Some(s) = Scenario::new(FAST) else { return };
    // A wrong secret key: the plan's first API call reveals it.
    s.config(&official_example("creds", ""));
    s.wd.write("main.tf", &s.wd.read_config().replace("sim-secret-key", "not-the-secret"));
    let out = s.wd.fails(&["plan"]);
    assert!(
        out.flat()
            .contains("the API refused the access key SIMA…EY (from `access_key` in the provider block) for endpoint"),
        "{}",
        out.all()
    );
    assert!(!out.flat().contains("not-the-secret"));
    // A dead endpoint: a warning at plan time, an error naming it at apply.
    s.provider_settings("max_retries = 1");
    s.config(&official_example("dead", ""));
    let dead = "http://127.0.0.1:9";
    s.wd.write("main.tf", &s.wd.read_config().replace(&s.sim.url, dead));
    let plan = s.wd.ok(&["plan"]);
    assert!(plan.flat().contains("Could not check the flavor and image with the API"), "{}", plan.all());
    let out = s.wd.fails(&["apply", "-auto-approve"]);
    let text = out.flat();
    assert!(
        text.contains(&format!("could not reach {dead} (2 attempts over"))
            && text.contains("The endpoint comes from `endpoint` in the provider block"),
        "{}",
        out.all()
    );
}

#[test]
fn the_official_provider_block_ports_by_renaming() {
    let Some(s) = Scenario::new(FAST) else { return };
    // A team's `provider "huaweicloud"` block, renamed: no project_id (looked up
    // through IAM by the region's name), the endpoints map, an enterprise project.
    let block = |extra: &str| {
        format!(
            r#"
provider "modelarts" {{
  region                = "sim-region-1"
  access_key            = "SIMACCESSKEY"
  secret_key            = "sim-secret-key"
  enterprise_project_id = "0"
  max_retries           = 3
  endpoints = {{
    modelarts = "{url}"
    iam       = "{url}/v3"
  }}
{extra}
}}
"#,
            url = s.sim.url
        )
    };
    let body = official_example("ported", "");
    s.wd.write("main.tf", &format!("{}{}{body}", crate::common::REQUIRED_PROVIDERS, block("")));
    let m = s.mark();
    s.apply();
    let calls = s.sim.calls();
    let lookups = calls[m..].iter().filter(|c| c.path == "/v3/projects").count();
    let providers = 3; // the plan's, the apply's and the plan after it
    assert!(lookups >= 1 && lookups <= providers, "once per provider process: {lookups}");
    assert!(calls[m..].iter().any(|c| c.path == "/v3/projects" && c.query == "name=sim-region-1"));
    let create = calls[m..].iter().find(|c| c.op == "create").unwrap();
    assert_eq!(create.path, "/v1/sim-project/notebooks", "the project IAM named");
    // A project name IAM does not know: a plan-time error naming it.
    s.wd.write(
        "main.tf",
        &format!("{}{}{body}", crate::common::REQUIRED_PROVIDERS, block("  project_name = \"no-such-project\"")),
    );
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(
        out.flat().contains("knows no project named \"no-such-project\"") && out.flat().contains("/v3"),
        "{}",
        out.all()
    );
    // endpoint (this provider's own name) and endpoints.modelarts must agree.
    s.wd.write(
        "main.tf",
        &format!(
            "{}{}{body}",
            crate::common::REQUIRED_PROVIDERS,
            block("  endpoint = \"https://elsewhere.example.com\"")
        ),
    );
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("endpoint and endpoints.modelarts differ"), "{}", out.all());
    // An algorithm of the official provider not implemented here: refused at plan time.
    s.wd.write(
        "main.tf",
        &format!("{}{}{body}", crate::common::REQUIRED_PROVIDERS, block("  signing_algorithm = \"SM2SM3\"")),
    );
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("does not sign with yet"), "{}", out.all());
    // HmacSM3 signs with SDK-HMAC-SM3, which the gateway verifies (vectors of the
    // official SDK's SM3Signer in crates/modelarts-api/tests/sdk/).
    s.wd.write(
        "main.tf",
        &format!("{}{}{body}", crate::common::REQUIRED_PROVIDERS, block("  signing_algorithm = \"HmacSM3\"")),
    );
    let m = s.mark();
    s.assert_no_changes();
    let signed: Vec<Option<String>> = s.sim.calls()[m..].iter().map(|c| c.signed_with.clone()).collect();
    assert!(!signed.is_empty() && signed.iter().all(|a| a.as_deref() == Some("SDK-HMAC-SM3")), "{signed:?}");
    assert!(s.sim.calls()[m..].iter().all(|c| c.response != 401));
    s.wd.write("main.tf", &format!("{}{}{body}", crate::common::REQUIRED_PROVIDERS, block("")));
    let m = s.mark();
    s.wd.ok(&["destroy", "-auto-approve"]);
    assert!(s.sim.calls()[m..].iter().all(|c| c.signed_with.as_deref() == Some("SDK-HMAC-SHA256")));
}

#[test]
fn keys_from_koocli_s_shared_config_file_by_hw_profile() {
    let Some(mut s) = Scenario::new(FAST) else { return };
    let file = s.wd.path().join("hcloud-config.json");
    std::fs::write(
        &file,
        serde_json::json!({"current": "default", "profiles": [
            {"name": "default", "mode": "AKSK", "accessKeyId": "WRONGACCESSKEY01", "secretAccessKey": "wrong", "region": "sim-region-1", "projectId": "sim-project"},
            {"name": "ci", "mode": "AKSK", "accessKeyId": "SIMACCESSKEY", "secretAccessKey": "sim-secret-key",
             "region": "sim-region-1", "projectId": "sim-project"}
        ]})
        .to_string(),
    )
    .unwrap();
    // The block's keys are wrong: the profile's replace them, as in the official provider.
    let block = format!(
        "{}\nprovider \"modelarts\" {{\n  access_key         = \"BLOCKKEY\"\n  secret_key         = \"not-the-secret\"\n  shared_config_file = \"{}\"\n  endpoint           = \"{}\"\n  max_retries        = 1\n}}\n",
        crate::common::REQUIRED_PROVIDERS,
        file.display(),
        s.sim.url
    );
    let body = official_example("from-profile", "");
    s.wd.write("main.tf", &format!("{block}{body}"));
    s.wd.set_env("HW_PROFILE", "ci");
    let m = s.mark();
    s.apply();
    assert!(s.sim.calls()[m..].iter().any(|c| c.op == "create" && c.response == 200));
    assert!(s.sim.calls()[m..].iter().all(|c| c.response != 401), "every call signed with the profile's key");
    assert!(s.sim.calls()[m..].iter().all(|c| c.access_key.as_deref() == Some("SIMACCESSKEY")), "not BLOCKKEY");
    // The default profile's keys are refused, and the error says where they came from.
    s.wd.set_env("HW_PROFILE", "default");
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(
        out.flat().contains("the API refused the access key WRON…01 (from profile \"default\" of"),
        "{}",
        out.all()
    );
    // A profile the file does not have: a plan-time error naming it and the file.
    s.wd.set_env("HW_PROFILE", "nope");
    let out = s.wd.fails(&["plan", "-no-color"]);
    let text = out.flat();
    assert!(text.contains("no profile named \"nope\"") && text.contains("hcloud-config.json"), "{}", out.all());
    s.wd.set_env("HW_PROFILE", "ci");
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn keys_from_the_instance_metadata_service_are_fetched_again_before_they_expire() {
    // A node with an agency and no keys configured; the API takes only temporary
    // keys, which live 4 s, while the apply takes longer.
    let Some(mut s) = Scenario::new(&[
        "--create-seconds",
        "7",
        "--delete-seconds",
        "0.3",
        "--refuse-permanent-keys",
        "--temporary-key-seconds",
        "4",
    ]) else {
        return;
    };
    let url = s.sim.url.clone();
    s.wd.set_env("HW_METADATA_URL", &url);
    let log = s.wd.path().join("trace.log");
    s.wd.set_env("TF_LOG_PROVIDER", "TRACE");
    s.wd.set_env("TF_LOG_PATH", log.to_str().unwrap());
    let block = format!(
        "{}\nprovider \"modelarts\" {{\n  region      = \"sim-region-1\"\n  endpoint    = \"{url}\"\n  max_retries = 1\n}}\n",
        crate::common::REQUIRED_PROVIDERS
    );
    s.wd.write("main.tf", &format!("{block}{}", official_example("from-metadata", "")));
    let m = s.mark();
    let out = s.wd.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.success, "{}", out.all());
    let calls = s.sim.calls();
    let api_calls: Vec<_> = calls[m..]
        .iter()
        .filter(|c| !c.op.is_empty() && !c.op.starts_with("metadata_") && c.op != "iam_projects")
        .collect();
    assert!(api_calls.iter().any(|c| c.op == "create" && c.response == 200));
    assert!(api_calls.iter().all(|c| c.response != 401), "never an expired or refused key");
    assert!(
        api_calls.iter().all(|c| c.access_key.as_deref().is_some_and(|k| k != "SIMACCESSKEY")),
        "every ModelArts call signed with temporary keys"
    );
    let fetches = calls[m..].iter().filter(|c| c.op == "metadata_securitykey").count();
    let keys_used: std::collections::BTreeSet<_> = api_calls.iter().filter_map(|c| c.access_key.clone()).collect();
    assert!(keys_used.len() >= 2, "the keys were fetched again during the long apply ({fetches} fetches)");
    // No secret the metadata service handed out reaches the log, the output or the state.
    let trace = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(trace.contains("temporary keys fetched"), "the trace log was written");
    assert_kept_secret(&s, &log, &out.all(), &issued_secrets(&s));
    s.wd.set_env("TF_LOG_PROVIDER", "");
    s.wd.ok(&["destroy", "-auto-approve"]);

    // No keys anywhere and no metadata service: one error listing every source tried.
    s.wd.set_env("HW_METADATA_URL", "http://127.0.0.1:9");
    let out = s.wd.fails(&["plan", "-no-color"]);
    let text = out.flat();
    assert!(
        text.contains("No usable credentials")
            && text.contains("no keys in the provider block")
            && text.contains("no shared config file")
            && text.contains("the instance metadata service at http://127.0.0.1:9 could not give keys"),
        "{}",
        out.all()
    );
}

#[test]
fn a_chain_of_two_agencies_signs_every_call_and_the_project_is_looked_up_by_region() {
    let Some(s) = Scenario::new(&[
        "--create-seconds",
        "0.3",
        "--delete-seconds",
        "0.3",
        "--refuse-permanent-keys",
        "--agency",
        "ops-agency",
        "--agency",
        "prod-agency",
    ]) else {
        return;
    };
    let block = |second_agency: &str| {
        format!(
            r#"{}
provider "modelarts" {{
  region      = "sim-region-1"
  access_key  = "SIMACCESSKEY"
  secret_key  = "sim-secret-key"
  endpoint    = "{}"
  max_retries = 1
  assume_role {{
    agency_name = "ops-agency"
    domain_name = "team-account"
  }}
  assume_role {{
    agency_name = "{second_agency}"
    domain_id   = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    duration    = 900
  }}
}}
"#,
            crate::common::REQUIRED_PROVIDERS,
            s.sim.url
        )
    };
    let body = official_example("through-agencies", "");
    s.wd.write("main.tf", &format!("{}{body}", block("prod-agency")));
    let m = s.mark();
    s.apply();
    let calls = s.sim.calls()[m..].to_vec();
    // The first agency is assumed with the permanent keys (IAM v3), the second with
    // the first's keys (STS v5): a chain.
    let v3: Vec<_> = calls.iter().filter(|c| c.op == "iam_assume_role").collect();
    let v5: Vec<_> = calls.iter().filter(|c| c.op == "sts_assume_agency").collect();
    assert!(!v3.is_empty() && v3.len() == v5.len(), "once per provider process: {} and {}", v3.len(), v5.len());
    assert!(v3.iter().all(|c| c.access_key.as_deref() == Some("SIMACCESSKEY") && c.response == 201));
    assert!(v3.iter().all(|c| c.body["auth"]["identity"]["assume_role"]["domain_name"] == "team-account"));
    assert!(v5.iter().all(|c| c.access_key.as_deref().is_some_and(|k| k != "SIMACCESSKEY") && c.response == 200));
    assert!(v5.iter().all(|c| c.body["agency_urn"] == "iam::0f1e2d3c4b5a69788796a5b4c3d2e1f0:agency:prod-agency"));
    // As the official provider asks: 12 hours from IAM v3, the configured duration and
    // a session named after the agency from STS v5.
    assert!(v3.iter().all(|c| c.body["auth"]["identity"]["assume_role"]["duration_seconds"] == 43200));
    assert!(v5.iter().all(|c| c.body["duration_seconds"] == 900 && c.body["agency_session_name"] == "prod-agency"));
    // Every ModelArts call, and the project lookup by the region's name, is signed with
    // the second agency's keys (the STS call issues the second key of each process).
    let issued: Vec<String> = s
        .sim
        .control("GET", "/_sim/issued", None)
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["access"].as_str().unwrap().to_string())
        .collect();
    let from_second = |key: &str| issued.iter().position(|k| k == key).is_some_and(|i| i % 2 == 1);
    let signed: Vec<_> = calls.iter().filter(|c| !c.op.contains("assume")).collect();
    assert!(signed.iter().any(|c| c.op == "iam_projects" && c.query == "name=sim-region-1"), "looked up by region");
    assert!(signed.iter().any(|c| c.op == "create" && c.response == 200));
    assert!(
        signed.iter().all(|c| c.access_key.as_deref().is_some_and(from_second) && c.response != 401),
        "{:?}",
        signed.iter().map(|c| (c.op.clone(), c.access_key.clone(), c.response)).collect::<Vec<_>>()
    );
    // An agency IAM will not let be assumed: configuring fails, naming it.
    s.wd.write("main.tf", &format!("{}{body}", block("nope-agency")));
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(
        out.flat().contains("Cannot assume the agency") && out.flat().contains("agency \"nope-agency\""),
        "{}",
        out.all()
    );
    s.wd.write("main.tf", &format!("{}{body}", block("prod-agency")));
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn ci_without_long_lived_keys_signs_in_with_an_oidc_token_file() {
    const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.ci-run-4711-id-token.c2lnbmF0dXJl";
    let Some(mut s) = Scenario::new(&[
        "--create-seconds",
        "0.3",
        "--delete-seconds",
        "0.3",
        "--refuse-permanent-keys",
        "--agency",
        "ci-agency",
        "--oidc-idp",
        "github-actions",
        "--oidc-id-token",
        ID_TOKEN,
    ]) else {
        return;
    };
    let token_file = s.wd.path().join("id-token");
    std::fs::write(&token_file, format!("{ID_TOKEN}\n")).unwrap();
    let log = s.wd.path().join("trace.log");
    s.wd.set_env("TF_LOG_PROVIDER", "TRACE");
    s.wd.set_env("TF_LOG_PATH", log.to_str().unwrap());
    // No keys anywhere: only the token file.
    let block = format!(
        r#"{}
provider "modelarts" {{
  region      = "sim-region-1"
  project_id  = "sim-project"
  endpoint    = "{}"
  max_retries = 1
  assume_role_with_oidc {{
    agency_name   = "ci-agency"
    domain_id     = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    idp_id        = "github-actions"
    id_token_file = "{}"
  }}
}}
"#,
        crate::common::REQUIRED_PROVIDERS,
        s.sim.url,
        token_file.display()
    );
    let body = official_example("from-ci", "");
    s.wd.write("main.tf", &format!("{block}{body}"));
    let m = s.mark();
    let out = s.wd.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.success, "{}", out.all());
    let calls = s.sim.calls()[m..].to_vec();
    let ops: Vec<&str> = calls.iter().map(|c| c.op.as_str()).collect();
    // The exchange (unsigned), then the agency assumed with its keys, then the API.
    let first = |op: &str| ops.iter().position(|o| *o == op).unwrap_or_else(|| panic!("no {op}: {ops:?}"));
    assert!(first("iam_id_token") < first("iam_assume_role") && first("iam_assume_role") < first("sts_assume_agency"));
    assert!(calls.iter().filter(|c| c.op == "iam_id_token").all(|c| c.access_key.is_none() && c.response == 201));
    assert!(calls.iter().filter(|c| c.op == "iam_assume_role").all(|c| c.access_key.is_none() && c.response == 201));
    assert!(calls.iter().filter(|c| c.op == "sts_assume_agency").all(|c| c.access_key.is_some() && c.response == 200));
    let api: Vec<_> = calls.iter().filter(|c| !c.op.starts_with("iam_") && !c.op.starts_with("sts_")).collect();
    assert!(api.iter().any(|c| c.op == "create" && c.response == 200));
    assert!(api.iter().all(|c| c.access_key.as_deref().is_some_and(|k| k != "SIMACCESSKEY") && c.response != 401));
    // The ID token and every issued secret stay out of the trace log, the output and the state.
    let mut secrets = vec![ID_TOKEN.to_string()];
    secrets.extend(issued_secrets(&s));
    assert_kept_secret(&s, &log, &out.all(), &secrets);
    // A token the identity provider did not issue: a plan-time error at the block.
    std::fs::write(&token_file, "not-the-token").unwrap();
    s.wd.set_env("TF_LOG_PROVIDER", "");
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("Cannot sign in with the OIDC token"), "{}", out.all());
    std::fs::write(&token_file, ID_TOKEN).unwrap();
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn a_user_signs_in_with_a_password_and_each_project_gets_its_own_token() {
    const PASSWORD: &str = "Pa55:w0rd-of-the-deployer";
    // Only IAM tokens work on the API; they live 4 s while the create takes longer.
    let Some(mut s) = Scenario::new(&[
        "--create-seconds",
        "6",
        "--delete-seconds",
        "0.3",
        "--refuse-permanent-keys",
        "--temporary-key-seconds",
        "4",
        "--project",
        "sim-region-2=sim-project-2",
        "--user",
        &format!("deployer:{PASSWORD}"),
    ]) else {
        return;
    };
    let url = s.sim.url.clone();
    let log = s.wd.path().join("trace.log");
    s.wd.set_env("TF_LOG_PROVIDER", "TRACE");
    s.wd.set_env("TF_LOG_PATH", log.to_str().unwrap());
    s.wd.set_env("HW_USER_PASSWORD", PASSWORD);
    // The official block's password sign-in, renamed; no keys, no project_id.
    let block = format!(
        r#"{}
provider "modelarts" {{
  region      = "sim-region-1"
  user_name   = "deployer"
  domain_name = "acme"
  endpoint    = "{url}"
  auth_url    = "{url}/v3"
  max_retries = 1
}}
"#,
        crate::common::REQUIRED_PROVIDERS
    );
    let far = format!(
        r#"
resource "modelarts_notebook" "far" {{
  region    = "sim-region-2"
  name      = "far-away"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "{CPU_IMAGE}"
  volume {{
    type = "EVS"
  }}
}}
"#
    );
    s.wd.write("main.tf", &format!("{block}{}{far}", official_example("by-password", "")));
    let m = s.mark();
    let out = s.wd.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(out.success, "{}", out.all());
    let calls = s.sim.calls()[m..].to_vec();
    let sign_ins: Vec<_> = calls.iter().filter(|c| c.op == "iam_password_token").collect();
    assert!(sign_ins.iter().all(|c| c.response == 201 && c.access_key.is_none()), "unsigned sign-ins");
    assert!(sign_ins.len() >= 3, "one token per project, and one fetched again during the long create");
    let api: Vec<_> = calls.iter().filter(|c| !c.op.starts_with("iam_")).collect();
    assert!(api.iter().all(|c| c.signed_with.as_deref() == Some("X-Auth-Token") && c.response != 401), "{api:?}");
    let creates: Vec<&str> = api.iter().filter(|c| c.op == "create").map(|c| c.path.as_str()).collect();
    assert_eq!(creates.len(), 2);
    assert!(creates.contains(&"/v1/sim-project/notebooks") && creates.contains(&"/v1/sim-project-2/notebooks"));
    // Each token is its project's: the simulator refuses a token of another project.
    let tokens = s.sim.control("GET", "/_sim/auth-tokens", None);
    let projects: std::collections::BTreeSet<&str> =
        tokens.as_array().unwrap().iter().map(|t| t["project_id"].as_str().unwrap()).collect();
    assert_eq!(projects, ["sim-project", "sim-project-2"].into_iter().collect());
    // Neither the password nor any token reaches the log, the output or the state.
    let trace = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(trace.contains("temporary keys fetched"), "the trace log was written");
    let mut secrets = vec![PASSWORD.to_string()];
    secrets.extend(tokens.as_array().unwrap().iter().map(|t| t["token"].as_str().unwrap().to_string()));
    assert_kept_secret(&s, &log, &out.all(), &secrets);
    s.wd.set_env("TF_LOG_PROVIDER", "");

    // A token given as it is (HW_AUTH_TOKEN) wins over the password: no sign-in.
    let token = s
        .sim
        .control("GET", "/_sim/auth-tokens", None)
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|t| t["project_id"] == "sim-project")
        .map(|t| t["token"].as_str().unwrap().to_string())
        .unwrap();
    s.wd.write("main.tf", &format!("{block}{}", official_example("by-password", "")));
    s.wd.set_env("HW_AUTH_TOKEN", &token);
    let m = s.mark();
    let out = s.wd.run(&["plan", "-no-color", "-target", "modelarts_notebook.notebook"]);
    assert!(out.success, "{}", out.all());
    let calls = s.sim.calls()[m..].to_vec();
    assert!(calls.iter().all(|c| c.op != "iam_password_token"), "the token was used as it is");
    assert!(calls
        .iter()
        .any(|c| c.op == "show" && c.signed_with.as_deref() == Some("X-Auth-Token") && c.response == 200));
    s.wd.set_env("HW_AUTH_TOKEN", "");

    // A wrong password: a plan-time error at `password` naming the user, not the password.
    s.wd.set_env("HW_USER_PASSWORD", "not-the-password");
    let out = s.wd.fails(&["plan", "-no-color"]);
    let text = out.flat();
    assert!(
        text.contains("Cannot sign in with the password")
            && text.contains("user \"deployer\"")
            && !text.contains("not-the-password"),
        "{}",
        out.all()
    );
    // A user name without its account: refused before anything is sent.
    s.wd.set_env("HW_USER_PASSWORD", PASSWORD);
    s.wd.write(
        "main.tf",
        &format!("{}{}{far}", block.replace("  domain_name = \"acme\"\n", ""), official_example("by-password", "")),
    );
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("Missing provider setting domain_name"), "{}", out.all());
    s.wd.write("main.tf", &format!("{block}{}{far}", official_example("by-password", "")));
    s.wd.ok(&["destroy", "-auto-approve"]);
    assert!(s.sim.notebooks().is_empty());
}
