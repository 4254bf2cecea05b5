//! An end-to-end scenario: a terraform working directory wired to the built
//! provider and to a `modelarts-sim` of its own.

use super::sim::SimProcess;
use super::{TfOutput, Workdir, REQUIRED_PROVIDERS};

pub const CPU_IMAGE: &str = "e1a07296-22a8-4f05-8bc8-e936c8e54090";
/// Simulator flags for quick transitions: 0.3 s to create, start, stop, delete, mount.
pub const QUICK_TRANSITIONS: &[&str] = &[
    "--create-seconds",
    "0.3",
    "--start-seconds",
    "0.3",
    "--stop-seconds",
    "0.3",
    "--delete-seconds",
    "0.3",
    "--mount-seconds",
    "0.3",
];
/// [`QUICK_TRANSITIONS`] plus more simulator flags (e.g. a volume resize time).
pub fn quick_transitions_and(more: &[&'static str]) -> Vec<&'static str> {
    [QUICK_TRANSITIONS, more].concat()
}

pub const CPU_IMAGE_2: &str = "7d0e4f6a-91c2-4b3e-8f5d-6a2c1e9b0f47";

/// An API create request for a small CPU notebook (10 GB EVS), for tests that
/// make notebooks behind Terraform's back.
pub fn cpu_notebook_request(name: &str) -> modelarts_provider::client::types::CreateNotebook {
    use modelarts_provider::client::types::{CreateNotebook, VolumeReq};
    CreateNotebook {
        name: name.into(),
        flavor: "modelarts.vm.cpu.2u".into(),
        image_id: CPU_IMAGE.into(),
        volume: VolumeReq {
            category: "EVS".into(),
            ownership: "MANAGED".into(),
            capacity: Some(10),
            ..Default::default()
        },
        ..Default::default()
    }
}

pub struct Scenario {
    pub wd: Workdir,
    pub sim: SimProcess,
    /// Extra lines for the provider block (e.g. `max_retries = 10`).
    pub provider_extra: std::cell::RefCell<String>,
}

impl Scenario {
    /// `None` when terraform is missing outside CI.
    pub fn new(sim_args: &[&str]) -> Option<Scenario> {
        Some(Scenario::with_workdir(Workdir::new()?, sim_args))
    }

    /// A scenario run by Terraform 1.15 (`None` when it is missing outside CI).
    pub fn on_terraform_1_15(sim_args: &[&str]) -> Option<Scenario> {
        Some(Scenario::with_workdir(Workdir::with_terraform(super::terraform_1_15()?), sim_args))
    }

    fn with_workdir(wd: Workdir, sim_args: &[&str]) -> Scenario {
        let sim = SimProcess::start(sim_args);
        Scenario { wd, sim, provider_extra: std::cell::RefCell::new("max_retries = 3".into()) }
    }

    /// A client of this scenario's simulator, to make notebooks behind Terraform's back.
    pub fn api(&self) -> modelarts_provider::client::Client {
        use modelarts_provider::client::{Client, ClientConfig};
        Client::new(ClientConfig::new(&self.sim.url, "sim-project", "SIMACCESSKEY", "sim-secret-key")).unwrap()
    }

    /// Notebooks made through the API, as in the console, each waited for until
    /// RUNNING; their IDs in order.
    pub fn made_behind_terraforms_back(&self, names: &[&str]) -> Vec<String> {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let api = self.api();
        rt.block_on(async {
            let mut ids = Vec::new();
            for name in names {
                let n = api.create_notebook(&cpu_notebook_request(name)).await.unwrap();
                let running = [modelarts_provider::client::types::Status::Running];
                api.wait_for_status(&n.id, &running, std::time::Duration::from_secs(30)).await.unwrap();
                ids.push(n.id.into_string());
            }
            ids
        })
    }

    /// A provider block pointed at this scenario's simulator.
    pub fn provider_block(&self) -> String {
        format!(
            r#"
provider "modelarts" {{
  region      = "sim-region-1"
  project_id  = "sim-project"
  access_key  = "SIMACCESSKEY"
  secret_key  = "sim-secret-key"
  endpoint    = "{}"
  {}
}}
"#,
            self.sim.url,
            self.provider_extra.borrow().as_str()
        )
    }

    /// Sets extra provider block lines; without any, `max_retries = 3`.
    pub fn provider_settings(&self, lines: &str) {
        *self.provider_extra.borrow_mut() = lines.to_string();
    }

    /// Writes `main.tf`: required_providers, the provider block, then `body`.
    pub fn config(&self, body: &str) {
        self.wd.write("main.tf", &format!("{REQUIRED_PROVIDERS}{}{body}", self.provider_block()));
    }

    /// Number of API calls made so far (a mark for `ops_since`).
    pub fn mark(&self) -> usize {
        self.sim.calls().len()
    }

    /// Applies, then checks that a second plan shows no changes.
    pub fn apply(&self) -> TfOutput {
        let out = self.wd.ok(&["apply", "-auto-approve"]);
        self.assert_no_changes();
        out
    }

    pub fn assert_no_changes(&self) {
        let plan = self.wd.run(&["plan", "-detailed-exitcode", "-out=check.tfplan"]);
        if !plan.success {
            panic!(
                "the plan after apply is not empty:\n{}\nchanges: {}",
                plan.all(),
                self.planned_changes("check.tfplan")
            );
        }
        assert!(plan.flat().contains("No changes."), "{}", plan.all());
    }

    /// The attributes a saved plan changes, as `attr: before -> after` lines.
    pub fn planned_changes(&self, plan_file: &str) -> String {
        let out = self.wd.run(&["show", "-json", plan_file]);
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&out.stdout) else { return out.all() };
        let mut lines = Vec::new();
        for rc in json["resource_changes"].as_array().cloned().unwrap_or_default() {
            let (before, after) = (&rc["change"]["before"], &rc["change"]["after"]);
            let mut keys: Vec<String> =
                before.as_object().into_iter().chain(after.as_object()).flat_map(|m| m.keys().cloned()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                if before[&k] != after[&k] {
                    lines.push(format!(
                        "{} {k}: {} -> {} (unknown after: {})",
                        rc["address"], before[&k], after[&k], rc["change"]["after_unknown"][&k]
                    ));
                }
            }
        }
        lines.join("\n")
    }

    pub fn state_attr(&self, address: &str, attr: &str) -> serde_json::Value {
        self.wd.state_attr(address, attr)
    }
}

/// A notebook resource block.
pub fn notebook(name: &str, extra: &str) -> String {
    notebook_with("nb", name, "modelarts.vm.cpu.2u", CPU_IMAGE, 10, extra)
}

pub fn notebook_with(label: &str, name: &str, flavor: &str, image: &str, size: i64, extra: &str) -> String {
    format!(
        r#"
resource "modelarts_notebook" "{label}" {{
  name      = "{name}"
  flavor_id = "{flavor}"
  image_id  = "{image}"
  volume {{
    type = "EVS"
    size = {size}
  }}
{extra}
}}
"#
    )
}
