//! The framework stands without ModelArts: `examples/files.rs`, a provider of text
//! files, driven through the real `terraform` binary — create, update in place,
//! drift, import, replace, destroy. Without terraform on PATH the test is skipped,
//! except under `CI=true`, where that fails it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The example's binary: cargo builds examples before it runs integration tests,
/// next to this test's own directory (`target/debug/examples/`).
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let debug = exe.parent().and_then(Path::parent).expect("target/debug");
    debug.join("examples").join(format!("files{}", std::env::consts::EXE_SUFFIX))
}

fn terraform_on_path() -> bool {
    let found = Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "terraform is not on PATH, and CI=true: end-to-end tests must not be skipped"
        );
        eprintln!("SKIPPED: terraform not found on PATH");
    }
    found
}

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn terraform(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new("terraform")
            .args(args)
            .arg("-no-color")
            .current_dir(self.dir.path().join("config"))
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .output()
            .expect("terraform runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (ok, text) = self.terraform(args);
        assert!(ok, "terraform {args:?} failed:\n{text}");
        text
    }

    fn configure(&self, file: &Path, content: &str) {
        let tf = format!(
            "terraform {{\n  required_providers {{\n    files = {{ source = \"example/files\" }}\n  }}\n}}\nresource \"files_file\" \"greeting\" {{\n  path    = \"{}\"\n  content = \"{content}\"\n}}\n",
            file.display().to_string().replace('\\', "/")
        );
        std::fs::write(self.dir.path().join("config/main.tf"), tf).unwrap();
    }
}

#[test]
fn a_provider_of_files_runs_through_terraform() {
    if !terraform_on_path() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("plugin");
    std::fs::create_dir_all(&plugin).unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let binary = plugin.join(format!("terraform-provider-files{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(example_binary(), &binary).expect("the example is built (cargo test builds examples)");
    let cli = format!(
        "provider_installation {{\n  dev_overrides {{\n    \"registry.terraform.io/example/files\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
        plugin.display().to_string().replace('\\', "/")
    );
    std::fs::write(dir.path().join("cli.tfrc"), cli).unwrap();
    let run = Run { dir };
    let file = run.dir.path().join("hello.txt");

    // Created.
    run.configure(&file, "hello");
    let out = run.ok(&["apply", "-auto-approve"]);
    assert!(out.contains("1 added"), "{out}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");

    // Changed in place: one change, no replacement.
    run.configure(&file, "hello again");
    let plan = run.ok(&["plan"]);
    assert!(plan.contains("1 to change, 0 to destroy"), "{plan}");
    run.ok(&["apply", "-auto-approve"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello again");

    // Changed outside Terraform: read shows it, apply puts it back.
    std::fs::write(&file, "edited by hand").unwrap();
    let plan = run.ok(&["plan"]);
    assert!(plan.contains("1 to change") && plan.contains("edited by hand"), "{plan}");
    // Deleted outside Terraform: drift, planned as a new file.
    std::fs::remove_file(&file).unwrap();
    let plan = run.ok(&["plan"]);
    assert!(plan.contains("1 to add"), "{plan}");
    run.ok(&["apply", "-auto-approve"]);

    // Imported by path, with nothing to change afterwards.
    run.ok(&["state", "rm", "files_file.greeting"]);
    run.ok(&["import", "files_file.greeting", &file.display().to_string()]);
    let plan = run.ok(&["plan", "-detailed-exitcode"]);
    assert!(plan.contains("No changes"), "{plan}");

    // A new path replaces the file; destroy removes it.
    let moved = run.dir.path().join("moved.txt");
    run.configure(&moved, "hello again");
    let plan = run.ok(&["plan"]);
    assert!(plan.contains("must be replaced") && plan.contains("1 to add, 0 to change, 1 to destroy"), "{plan}");
    run.ok(&["apply", "-auto-approve"]);
    assert!(!file.exists() && moved.exists());
    run.ok(&["destroy", "-auto-approve"]);
    assert!(!moved.exists());
}
