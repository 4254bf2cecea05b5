//! The examples, the install script and the release script, end to end.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::scenario::Scenario;
use crate::common::REQUIRED_PROVIDERS;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const FAST: &[&str] =
    &["--create-seconds", "0.2", "--start-seconds", "0.2", "--stop-seconds", "0.2", "--delete-seconds", "0.2"];

/// The HW_* environment that points the provider at the scenario's simulator.
fn sim_env(s: &mut Scenario) {
    let url = s.sim.url.clone();
    for (k, v) in [
        ("HW_REGION_NAME", "sim-region-1"),
        ("HW_PROJECT_ID", "sim-project"),
        ("HW_ACCESS_KEY", "SIMACCESSKEY"),
        ("HW_SECRET_KEY", "sim-secret-key"),
        ("HW_MODELARTS_ENDPOINT", url.as_str()),
    ] {
        s.wd.set_env(k, v);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn gpu_example_passes_its_terraform_tests() {
    let Some(mut s) = Scenario::new(FAST) else { return };
    sim_env(&mut s);
    copy_dir(&Path::new(ROOT).join("examples/gpu-notebook"), s.wd.path());
    let out = s.wd.ok(&["test"]);
    assert!(out.flat().contains("Success! 3 passed, 0 failed."), "{}", out.all());
    // terraform test cleans up after itself.
    assert!(s.sim.notebooks().is_empty());
    let flavors =
        s.sim.calls().iter().filter(|c| c.op == "create").map(|c| c.body["flavor"].clone()).collect::<Vec<_>>();
    assert_eq!(flavors, vec![serde_json::json!("modelarts.vm.gpu.t4")]);
}

#[test]
fn resource_and_provider_examples_work() {
    let Some(mut s) = Scenario::new(FAST) else { return };
    sim_env(&mut s);
    let resource =
        std::fs::read_to_string(Path::new(ROOT).join("examples/resources/modelarts_notebook/resource.tf")).unwrap();
    s.wd.write("main.tf", &format!("{REQUIRED_PROVIDERS}\nprovider \"modelarts\" {{}}\n{resource}"));
    s.apply();
    let import =
        std::fs::read_to_string(Path::new(ROOT).join("examples/resources/modelarts_notebook/import.sh")).unwrap();
    assert!(import.contains("terraform import modelarts_notebook.dev "));
    s.wd.ok(&["destroy", "-auto-approve"]);

    let provider = std::fs::read_to_string(Path::new(ROOT).join("examples/provider/provider.tf")).unwrap();
    s.wd.write("main.tf", &provider);
    let v = s.wd.ok(&["validate"]);
    assert!(v.flat().contains("The configuration is valid"), "{}", v.all());
}

#[test]
fn install_script_makes_plain_terraform_init_work() {
    let Some(mut s) = Scenario::new(FAST) else { return };
    sim_env(&mut s);
    let home = tempfile::tempdir().unwrap();
    let status = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/install.sh"))
        .env("HOME", home.path())
        .env("PROVIDER_BINARY", crate::common::PROVIDER_BIN)
        .status()
        .unwrap();
    assert!(status.success());
    let version = env!("CARGO_PKG_VERSION");
    assert!(home.path().join(".terraform.d/plugins/registry.terraform.io/modelarts/modelarts").join(version).is_dir());

    // No CLI configuration at all: Terraform finds the provider in its implied local mirror.
    s.wd.set_env("HOME", home.path().to_str().unwrap());
    s.wd.set_env("TF_CLI_CONFIG_FILE", home.path().join("no-such.tfrc").to_str().unwrap());
    copy_dir(&Path::new(ROOT).join("examples/quickstart"), s.wd.path());
    std::fs::remove_file(s.wd.path().join("run.sh")).unwrap();
    let init = s.wd.ok(&["init", "-no-color"]);
    assert!(init.flat().contains(&format!("Installed modelarts/modelarts v{version}")), "{}", init.all());
    let apply = s.wd.ok(&["apply", "-auto-approve", "-no-color"]);
    assert!(!apply.flat().contains("development overrides"), "{}", apply.all());
    assert!(apply.flat().contains("Apply complete! Resources: 1 added"), "{}", apply.all());
    s.wd.ok(&["destroy", "-auto-approve", "-no-color"]);
}

#[test]
fn release_script_builds_the_registry_layout() {
    let dist = tempfile::tempdir().unwrap();
    let status = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/release.sh"))
        .env("PROVIDER_BINARY", crate::common::PROVIDER_BIN)
        .env("DIST_DIR", dist.path())
        .status()
        .unwrap();
    assert!(status.success());
    let version = env!("CARGO_PKG_VERSION");
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    let zip_name = format!("terraform-provider-modelarts_{version}_{}_{arch}.zip", std::env::consts::OS);
    let zip = std::fs::read(dist.path().join(&zip_name)).expect("the zip");
    assert_eq!(&zip[..4], b"PK\x03\x04");
    let inner = format!("terraform-provider-modelarts_v{version}");
    assert!(zip.windows(inner.len()).any(|w| w == inner.as_bytes()), "the zip holds {inner}");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dist.path().join(format!("terraform-provider-modelarts_{version}_manifest.json")))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["metadata"]["protocol_versions"], serde_json::json!(["6.0"]));
    let sums = std::fs::read_to_string(dist.path().join(format!("terraform-provider-modelarts_{version}_SHA256SUMS")))
        .unwrap();
    let expected = modelarts_provider::client::signer::sha256_hex(&zip);
    assert!(sums.lines().any(|l| l == format!("{expected}  {zip_name}")), "{sums}");
    assert_eq!(sums.lines().count(), 2);
}

/// Every docs page's example is a complete configuration (with `required_providers`
/// and a provider block) that terraform validates as it is.
#[test]
fn every_docs_example_is_complete_and_valid() {
    let mut pages: Vec<PathBuf> = Vec::new();
    let mut dirs = vec![Path::new(ROOT).join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            match path.extension() {
                None if path.is_dir() => dirs.push(path),
                Some(e) if e == "md" => pages.push(path),
                _ => {}
            }
        }
    }
    pages.sort();
    let (mut with_example, mut checked) = (0, Vec::new());
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let Some(usage) = text.split("## Example Usage").nth(1) else { continue };
        with_example += 1;
        let usage = usage.split("<!-- BEGIN GENERATED").next().unwrap();
        let blocks: Vec<&str> = usage.split("```hcl\n").skip(1).filter_map(|b| b.split("\n```").next()).collect();
        let name = page.strip_prefix(ROOT).unwrap().display().to_string();
        let example = blocks.first().unwrap_or_else(|| panic!("{name} has no HCL example"));
        assert!(example.contains("required_providers"), "{name}'s example declares the provider source");
        // Actions and list resources need Terraform 1.14+; the rest runs on the machine's.
        let needs_1_14 = name.contains("/actions/") || name.contains("/list-resources/");
        let wd = if needs_1_14 {
            crate::common::terraform_1_15().map(crate::common::Workdir::with_terraform)
        } else {
            crate::common::Workdir::new()
        };
        let Some(wd) = wd else { continue };
        wd.write("main.tf", example);
        let mut validate = vec!["validate"];
        if name.contains("/list-resources/") {
            wd.write("notebooks.tfquery.hcl", blocks.get(1).expect("the list block follows the configuration"));
            validate.push("-query");
        }
        let out = wd.run(&validate);
        assert!(out.success, "{name}'s example does not validate:\n{example}\n{}", out.all());
        checked.push(name);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        assert_eq!(checked.len(), with_example, "every page with an example was checked: {checked:?}");
    }
}
