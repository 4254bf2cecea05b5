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
//!   HW_ACCESS_KEY=... HW_SECRET_KEY=... cargo test --test e2e acceptance -- --test-threads=1
//! ```

use std::time::Duration;

use crate::common::sim::SimProcess;
use crate::common::{Workdir, REQUIRED_PROVIDERS};
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
            let sim = SimProcess::start(&crate::common::scenario::quick_transitions_and(&["--resize-seconds", "0.3"]));
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

/// One step of the lifecycle: what the configuration asks for.
#[derive(Clone)]
struct Wanted {
    name: String,
    size: i64,
    running: bool,
    /// The second flavor (`MODELARTS_ACCEPTANCE_FLAVOR_2`) instead of the first.
    second_flavor: bool,
    auto_stop: Option<&'static str>,
    /// An OBS path mounted with `modelarts_notebook_mount_storage`.
    mount: Option<String>,
}

fn config(target: &Target, w: &Wanted) -> String {
    let flavor = if w.second_flavor {
        env("MODELARTS_ACCEPTANCE_FLAVOR_2").unwrap_or_else(|| "modelarts.vm.cpu.8u".into())
    } else {
        env("MODELARTS_ACCEPTANCE_FLAVOR").unwrap_or_else(|| "modelarts.vm.cpu.2u".into())
    };
    let image = env("MODELARTS_ACCEPTANCE_IMAGE").unwrap_or_else(|| "e1a07296-22a8-4f05-8bc8-e936c8e54090".into());
    let auto_stop = w.auto_stop.map_or_else(String::new, |d| format!("  auto_stop {{\n    duration = \"{d}\"\n  }}\n"));
    let mount = w.mount.as_ref().map_or_else(String::new, |path| {
        format!(
            "\nresource \"modelarts_notebook_mount_storage\" \"acc\" {{\n  notebook_id           = modelarts_notebook.acc.id\n  storage_path          = \"{path}\"\n  local_mount_directory = \"/data/tfacc/\"\n}}\n"
        )
    });
    format!(
        "{REQUIRED_PROVIDERS}{}\nresource \"modelarts_notebook\" \"acc\" {{\n  name      = \"{}\"\n  flavor_id = \"{flavor}\"\n  image_id  = \"{image}\"\n  running   = {}\n  volume {{\n    type = \"EVS\"\n    size = {}\n  }}\n{auto_stop}  timeouts {{\n    create = \"30m\"\n    update = \"30m\"\n  }}\n}}\n{mount}",
        target.provider_block(),
        w.name,
        w.running,
        w.size,
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
    // On the real cloud the mount needs a bucket of the tester's: MODELARTS_ACCEPTANCE_OBS_PATH.
    let obs_path = match &target {
        Target::Cloud { .. } => env("MODELARTS_ACCEPTANCE_OBS_PATH"),
        Target::Sim { .. } => Some("obs://tfacc-bucket/data/".to_string()),
    };
    let mut w =
        Wanted { name: name.clone(), size: 5, running: true, second_flavor: false, auto_stop: None, mount: None };
    let step = |w: &Wanted| {
        wd.write("main.tf", &config(&target, w));
        apply_then_no_changes(&wd);
    };
    step(&w);
    w.name = format!("{name}-2");
    step(&w);
    // Storage grows while the notebook runs.
    w.size = 10;
    step(&w);
    // Auto-stop on a running notebook: a lease renew; its numbers must not drift
    // across the stop and the start that follow.
    w.auto_stop = Some("2h");
    step(&w);
    w.running = false;
    step(&w);
    w.running = true;
    step(&w);
    // A flavor change: stop, update, start.
    w.second_flavor = true;
    step(&w);
    w.mount = obs_path.clone();
    step(&w);
    // Import: forgotten, then found again by its ID with nothing to change.
    let id = wd.state_attr("modelarts_notebook.acc", "id").as_str().expect("the notebook's id").to_string();
    wd.ok(&["state", "rm", "modelarts_notebook.acc"]);
    wd.ok(&["import", "modelarts_notebook.acc", &id]);
    // Only the timeouts are not in the cloud: applied without a call (the writes
    // below have none), then nothing is left to change.
    let plan = wd.ok(&["plan", "-no-color"]);
    let text = plan.flat();
    assert!(
        text.contains("+ timeouts {") && text.contains("0 to add, 1 to change, 0 to destroy") && !text.contains("-> "),
        "{}",
        plan.all()
    );
    apply_then_no_changes(&wd);
    wd.ok(&["destroy", "-auto-approve"]);
    if let Some(writes) = target.writes() {
        assert_eq!(
            writes,
            [
                "create",
                "update",
                "update",
                "lease_renew",
                "stop",
                "start",
                "stop",
                "update",
                "start",
                "storage_mount",
                "storage_unmount",
                "delete"
            ]
        );
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
        let mut ours = crate::common::scenario::cpu_notebook_request(&unique_name());
        ours.duration = Some(-1);
        client.create_notebook(&ours).await.unwrap();
        client.create_notebook(&crate::common::scenario::cpu_notebook_request("someone-elses")).await.unwrap();
    }
    let swept = sweep(target.client()).await;
    if let Target::Sim { sim, .. } = &target {
        assert_eq!(swept.len(), 1, "{swept:?}");
        let names: Vec<String> = sim.notebooks().into_iter().map(|n| n.name).collect();
        assert_eq!(names, ["someone-elses"]);
    }
}
