//! Acceptance tests: the notebook lifecycle through terraform against a real
//! ModelArts endpoint when `MODELARTS_ACCEPTANCE=1` (with the usual `HW_*`
//! variables), and against `modelarts-sim` otherwise — CI runs them there, so they
//! cannot rot. Notebooks are named `tfacc-…`; every one is destroyed at the end,
//! and the sweeper deletes any a failed run left behind.
//!
//! With real credentials (see the README, "Acceptance tests"):
//!
//! ```sh
//! MODELARTS_ACCEPTANCE=1 HW_REGION_NAME=cn-north-4 HW_PROJECT_ID=... \
//!   HW_ACCESS_KEY=... HW_SECRET_KEY=... cargo test --test acceptance -- --test-threads=1
//! ```

mod common;

use std::time::Duration;

use common::sim::SimProcess;
use common::{Workdir, REQUIRED_PROVIDERS};
use modelarts_provider::client::notebooks::NotebookFilter;
use modelarts_provider::client::{Client, ClientConfig};

const PREFIX: &str = "tfacc-";

/// Where the tests run: the real cloud, or a simulator of their own.
enum Target {
    Cloud { provider_block: String, client: Client },
    Sim { sim: SimProcess, client: Client },
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

impl Target {
    fn new() -> Target {
        if env("MODELARTS_ACCEPTANCE").as_deref() == Some("1") {
            let need = |k: &str| env(k).unwrap_or_else(|| panic!("MODELARTS_ACCEPTANCE=1 needs {k}"));
            let region = need("HW_REGION_NAME");
            let endpoint =
                env("HW_MODELARTS_ENDPOINT").unwrap_or_else(|| format!("https://modelarts.{region}.myhuaweicloud.com"));
            let mut config =
                ClientConfig::new(&endpoint, &need("HW_PROJECT_ID"), &need("HW_ACCESS_KEY"), &need("HW_SECRET_KEY"));
            config.security_token = env("HW_SECURITY_TOKEN");
            let client = Client::new(config).expect("client");
            // The provider reads the HW_* variables itself.
            Target::Cloud { provider_block: "provider \"modelarts\" {}\n".into(), client }
        } else {
            let sim = SimProcess::start(&common::scenario::quick_transitions_and(&["--resize-seconds", "0.3"]));
            let client = Client::new(ClientConfig::new(&sim.url, "sim-project", "SIMACCESSKEY", "sim-secret-key"))
                .expect("client");
            Target::Sim { sim, client }
        }
    }

    fn provider_block(&self) -> String {
        match self {
            Target::Cloud { provider_block, .. } => provider_block.clone(),
            Target::Sim { sim, .. } => format!(
                "provider \"modelarts\" {{\n  region = \"sim-region-1\"\n  project_id = \"sim-project\"\n  access_key = \"SIMACCESSKEY\"\n  secret_key = \"sim-secret-key\"\n  endpoint = \"{}\"\n}}\n",
                sim.url
            ),
        }
    }

    fn client(&self) -> &Client {
        match self {
            Target::Cloud { client, .. } | Target::Sim { client, .. } => client,
        }
    }

    /// The write calls the simulator saw (none are known on the real cloud).
    fn writes(&self) -> Option<Vec<String>> {
        match self {
            Target::Cloud { .. } => None,
            Target::Sim { sim, .. } => Some(sim.ops_since(0, false)),
        }
    }
}

/// A name no other run uses.
fn unique_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().subsec_nanos();
    format!("{PREFIX}{}-{nanos:08x}", std::process::id())
}

fn config(target: &Target, name: &str, size: i64, running: bool) -> String {
    let flavor = env("MODELARTS_ACCEPTANCE_FLAVOR").unwrap_or_else(|| "modelarts.vm.cpu.2u".into());
    let image = env("MODELARTS_ACCEPTANCE_IMAGE").unwrap_or_else(|| "e1a07296-22a8-4f05-8bc8-e936c8e54090".into());
    format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"modelarts_notebook\" \"acc\" {{\n  name      = \"{name}\"\n  flavor_id = \"{flavor}\"\n  image_id  = \"{image}\"\n  running   = {running}\n  volume {{\n    type = \"EVS\"\n    size = {size}\n  }}\n  timeouts {{\n    create = \"30m\"\n    update = \"30m\"\n  }}\n}}\n",
        target.provider_block()
    )
}

fn apply_then_no_changes(wd: &Workdir) {
    wd.ok(&["apply", "-auto-approve"]);
    let plan = wd.ok(&["plan", "-detailed-exitcode"]);
    assert!(plan.flat().contains("No changes."), "{}", plan.all());
}

/// Deletes every notebook whose name starts with `tfacc-`, and waits until they are gone.
async fn sweep(client: &Client) -> Vec<String> {
    let leftovers = client
        .list_notebooks(&NotebookFilter { name: Some(PREFIX.into()), ..Default::default() })
        .await
        .expect("list notebooks");
    let mut swept = Vec::new();
    for n in leftovers.into_iter().filter(|n| n.name.starts_with(PREFIX)) {
        match client.delete_notebook(&n.id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => continue,
            Err(e) => panic!("sweeping {} ({}): {e}", n.name, n.id),
        }
        client.wait_gone(&n.id, Duration::from_secs(900)).await.expect("wait for the sweep");
        swept.push(n.name);
    }
    swept
}

#[tokio::test(flavor = "multi_thread")]
async fn lifecycle() {
    let Some(wd) = Workdir::new() else { return };
    let target = Target::new();
    let name = unique_name();
    wd.write("main.tf", &config(&target, &name, 5, true));
    apply_then_no_changes(&wd);
    wd.write("main.tf", &config(&target, &format!("{name}-2"), 5, true));
    apply_then_no_changes(&wd);
    // Storage grows while the notebook runs.
    wd.write("main.tf", &config(&target, &format!("{name}-2"), 10, true));
    apply_then_no_changes(&wd);
    wd.write("main.tf", &config(&target, &format!("{name}-2"), 10, false));
    apply_then_no_changes(&wd);
    wd.write("main.tf", &config(&target, &format!("{name}-2"), 10, true));
    apply_then_no_changes(&wd);
    wd.ok(&["destroy", "-auto-approve"]);
    if let Some(writes) = target.writes() {
        assert_eq!(writes, ["create", "update", "update", "stop", "start", "delete"]);
    }
    let left = target
        .client()
        .list_notebooks(&NotebookFilter { name: Some(name.clone()), ..Default::default() })
        .await
        .expect("list");
    assert!(left.iter().all(|n| !n.name.starts_with(&name)), "the notebook is gone");
}

#[tokio::test(flavor = "multi_thread")]
async fn sweeper_deletes_leftover_acceptance_notebooks() {
    let target = Target::new();
    if let Target::Sim { .. } = &target {
        // A leftover of a failed run, and a notebook that is not ours.
        let client = target.client();
        let mut ours = common::scenario::cpu_notebook_request(&unique_name());
        ours.duration = Some(-1);
        client.create_notebook(&ours).await.unwrap();
        client.create_notebook(&common::scenario::cpu_notebook_request("someone-elses")).await.unwrap();
    }
    let swept = sweep(target.client()).await;
    if let Target::Sim { sim, .. } = &target {
        assert_eq!(swept.len(), 1, "{swept:?}");
        let names: Vec<String> = sim.notebooks().into_iter().map(|n| n.name).collect();
        assert_eq!(names, ["someone-elses"]);
    }
}
