//! `modelarts_notebook_mount_storage` end to end through terraform against
//! `modelarts-sim`: mount, import, unmount before the notebook goes, bad paths at
//! plan time, a stopped notebook explained, a failed mount removed again, and a
//! mount changed outside Terraform.

use crate::common::scenario::{notebook, Scenario, QUICK_TRANSITIONS};
use serde_json::json;

const FAST: &[&str] = QUICK_TRANSITIONS;
const MOUNT: &str = "modelarts_notebook_mount_storage.data";

fn mount(extra: &str) -> String {
    format!(
        r#"
resource "modelarts_notebook_mount_storage" "data" {{
  notebook_id           = modelarts_notebook.nb.id
  storage_path          = "obs://team-bucket/datasets/"
  local_mount_directory = "/data/datasets/"
{extra}
}}
"#
    )
}

fn config(s: &Scenario, notebook_extra: &str, mount_extra: &str) {
    s.config(&format!("{}{}", notebook("with-data", notebook_extra), mount(mount_extra)));
}

/// The storage calls since `mark`, as `op status_before response`.
fn storage_calls(s: &Scenario, mark: usize) -> Vec<String> {
    s.sim.calls()[mark..]
        .iter()
        .filter(|c| c.op.starts_with("storage_") && c.op != "storage_show" && c.op != "storage_list")
        .map(|c| format!("{} {} {}", c.op, c.status_before.as_deref().unwrap_or("-"), c.response))
        .collect()
}

fn string_attr(s: &Scenario, attr: &str) -> String {
    s.state_attr(MOUNT, attr).as_str().unwrap_or_default().to_string()
}

#[test]
fn mounts_imports_and_unmounts_before_the_notebook_is_destroyed() {
    let Some(s) = Scenario::new(FAST) else { return };
    config(&s, "", "");
    let m = s.mark();
    s.apply();
    let calls = s.sim.calls();
    let post = calls[m..].iter().find(|c| c.op == "storage_mount").expect("a mount request");
    assert_eq!(
        post.body,
        json!({"category": "OBS", "mount_path": "/data/datasets/", "uri": "obs://team-bucket/datasets/"}),
        "the official provider's request: exactly the three keys of the SDK's DataVolumesReq"
    );
    assert_eq!(post.status_before.as_deref(), Some("RUNNING"), "mounted into the running notebook");
    let nb = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    let mount_id = string_attr(&s, "mount_id");
    assert_eq!(string_attr(&s, "id"), format!("{nb}/{mount_id}"));
    assert_eq!(string_attr(&s, "status"), "MOUNTED");
    assert_eq!(string_attr(&s, "type"), "OBSFS", "an OBS path is mounted as a parallel file system");
    assert_eq!(string_attr(&s, "region"), "sim-region-1");
    let listed = s.sim.control("GET", &format!("/_sim/notebooks/{nb}/storage"), None);
    assert_eq!(listed[0]["status"], "MOUNTED");
    // The notebook lists it among its mounts after a refresh.
    s.wd.ok(&["apply", "-refresh-only", "-auto-approve"]);
    let listed = s.state_attr("modelarts_notebook.nb", "mount_storages");
    assert_eq!(listed[0]["id"], mount_id.as_str());
    assert_eq!(listed[0]["type"], "OBSFS");
    assert_eq!(listed[0]["path"], "obs://team-bucket/datasets/");

    // Imported with the official provider's ID: nothing to change.
    s.wd.ok(&["state", "rm", MOUNT]);
    s.wd.ok(&["import", MOUNT, &format!("{nb}/{mount_id}")]);
    s.assert_no_changes();

    // ModelArts.6357 ("busy", and "gone" to the official provider) on a refresh:
    // the notebook's list of mounts still has it, so it stays.
    let busy = json!({"op": "storage_show", "kind": "reply", "status": 400, "code": "ModelArts.6357", "message": "The instance is busy.", "times": 1});
    s.sim.control("POST", "/_sim/faults", Some(busy.clone()));
    s.wd.ok(&["apply", "-refresh-only", "-auto-approve"]);
    assert_eq!(string_attr(&s, "mount_id"), mount_id, "kept through a busy answer");

    // Destroy: the mount goes first, from the running notebook, and is waited for;
    // ModelArts.6357 while waiting for the unmount means it is gone, as in the
    // official provider.
    s.sim.control("POST", "/_sim/faults", Some(busy));
    let m = s.mark();
    s.wd.ok(&["destroy", "-auto-approve", "-refresh=false"]);
    let ops: Vec<String> = s.sim.ops_since(m, false);
    assert_eq!(ops.first().map(String::as_str), Some("storage_unmount"), "{ops:?}");
    let unmount = ops.iter().position(|o| o == "storage_unmount").unwrap();
    let delete = ops.iter().position(|o| o == "delete").unwrap();
    assert!(unmount < delete, "{ops:?}");
    let calls = s.sim.calls();
    let looks: Vec<u16> = calls[m..].iter().filter(|c| c.op == "storage_show").map(|c| c.response).collect();
    assert_eq!(looks, [400], "the 6357 answer ended the wait: {looks:?}");
    assert!(s.sim.notebooks().is_empty());
}

#[test]
fn read_only_is_not_an_argument_and_the_eleventh_mount_is_refused_at_plan_time() {
    let Some(s) = Scenario::new(FAST) else { return };
    config(&s, "", "");
    s.apply();
    // The mount API has no read-only option: a configuration asking for one fails.
    config(&s, "", "  read_only = true");
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(out.flat().contains("An argument named \"read_only\" is not expected here"), "{}", out.all());

    // Nine more mounts made behind Terraform's back: the notebook is full.
    let nb = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    let api = s.api();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use modelarts_provider::client::mounts::MountRequest;
        for i in 0..9 {
            let req = MountRequest {
                category: "OBS".into(),
                mount_path: format!("/data/extra{i}/"),
                uri: format!("obs://team-bucket/extra{i}/"),
                efs_id: None,
            };
            api.mount_storage(&nb.as_str().into(), &req).await.unwrap();
        }
    });
    s.config(&format!(
        "{}{}{}",
        notebook("with-data", ""),
        mount(""),
        r#"
resource "modelarts_notebook_mount_storage" "eleventh" {
  notebook_id           = modelarts_notebook.nb.id
  storage_path          = "obs://team-bucket/more/"
  local_mount_directory = "/data/more/"
}
"#
    ));
    let m = s.mark();
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(
        out.flat().contains("The notebook has no room for another mount")
            && out.flat().contains("already has 10 storage mounts, and at most 10 can be mounted"),
        "{}",
        out.all()
    );
    assert!(out.flat().contains("modelarts_notebook_mount_storage.eleventh"), "{}", out.all());
    assert!(storage_calls(&s, m).is_empty(), "nothing written: {:?}", storage_calls(&s, m));
    // The simulator enforces the limit too (the API's own rule).
    let refused = rt.block_on(api.mount_storage(
        &nb.as_str().into(),
        &modelarts_provider::client::mounts::MountRequest {
            category: "OBS".into(),
            mount_path: "/data/more/".into(),
            uri: "obs://team-bucket/more/".into(),
            efs_id: None,
        },
    ));
    assert!(refused.unwrap_err().to_string().contains("at most 10 storages"));
}

#[test]
fn a_default_mount_sends_exactly_the_official_request_and_imports_cleanly() {
    let Some(s) = Scenario::new(FAST) else { return };
    config(&s, "", "");
    let m = s.mark();
    s.apply();
    let post = s.sim.calls()[m..].iter().find(|c| c.op == "storage_mount").cloned().unwrap();
    assert_eq!(
        post.body,
        json!({"category": "OBS", "mount_path": "/data/datasets/", "uri": "obs://team-bucket/datasets/"})
    );
    let id = string_attr(&s, "id");
    s.wd.ok(&["state", "rm", MOUNT]);
    let bad = s.wd.fails(&["import", MOUNT, "not-an-id"]);
    assert!(bad.flat().contains("NOTEBOOK_ID/MOUNT_ID"), "{}", bad.all());
    let (nb, _) = id.split_once('/').unwrap();
    let missing = s.wd.fails(&["import", MOUNT, &format!("{nb}/no-such-mount")]);
    assert!(missing.flat().contains("has no storage mount"), "{}", missing.all());
    s.wd.ok(&["import", MOUNT, &id]);
    s.assert_no_changes();
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn bad_paths_fail_at_plan_time_at_their_attribute() {
    let Some(s) = Scenario::new(FAST) else { return };
    let cases = [
        (
            "/home/ma-user/data/",
            "obs://team-bucket/datasets/",
            "local_mount_directory",
            "not a sub-directory of /data/",
        ),
        ("/data/datasets", "obs://team-bucket/datasets/", "local_mount_directory", "ending in /"),
        ("/data/datasets/", "obs://team-bucket/datasets", "storage_path", "not an OBS directory"),
        ("/data/datasets/", "s3://team-bucket/datasets/", "storage_path", "not an OBS directory"),
    ];
    for (dir, path, attr, words) in cases {
        s.config(&format!(
            r#"
resource "modelarts_notebook_mount_storage" "bad" {{
  notebook_id           = "0b4bd3ad-6a1b-4d12-8a0c-5c1a2b3c4d5e"
  storage_path          = "{path}"
  local_mount_directory = "{dir}"
}}
"#
        ));
        let m = s.mark();
        let out = s.wd.fails(&["plan", "-no-color"]);
        let text = out.flat();
        assert!(
            text.contains(&format!("Invalid value for {attr}")) && text.contains(words),
            "{dir} {path}: {}",
            out.all()
        );
        assert!(s.sim.ops_since(m, false).is_empty(), "nothing is written");
    }
}

#[test]
fn a_missing_notebook_fails_the_plan_and_a_stopped_one_is_explained() {
    let Some(s) = Scenario::new(FAST) else { return };
    s.config(
        r#"
resource "modelarts_notebook_mount_storage" "data" {
  notebook_id           = "0b4bd3ad-6a1b-4d12-8a0c-5c1a2b3c4d5e"
  storage_path          = "obs://team-bucket/datasets/"
  local_mount_directory = "/data/datasets/"
}
"#,
    );
    let out = s.wd.fails(&["plan", "-no-color"]);
    assert!(
        out.flat().contains("Cannot mount into this notebook") && out.flat().contains("notebook_id"),
        "{}",
        out.all()
    );

    // A notebook this configuration keeps stopped: the apply says what to do, and
    // mounts nothing.
    config(&s, "  running = false", "");
    let m = s.mark();
    let out = s.wd.fails(&["apply", "-auto-approve", "-no-color"]);
    let text = out.flat();
    assert!(text.contains("The notebook is not running") && text.contains("STOPPED"), "{}", out.all());
    assert!(text.contains("set running = true"), "{}", out.all());
    assert!(storage_calls(&s, m).is_empty(), "{:?}", storage_calls(&s, m));
    // The next plan points it out at plan time, at notebook_id.
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(plan.flat().contains("Warning: The notebook is not running"), "{}", plan.all());
    // Starting it is all it takes.
    config(&s, "  running = true", "");
    let m = s.mark();
    s.apply();
    assert_eq!(storage_calls(&s, m), ["storage_mount RUNNING 200"]);
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn a_failed_mount_is_removed_and_reported_with_the_apis_reason() {
    let Some(s) = Scenario::new(FAST) else { return };
    config(&s, "", "");
    s.sim.control(
        "POST",
        "/_sim/faults",
        Some(json!({"op": "storage_mount", "kind": "transition_error", "reason": "OBS bucket team-bucket does not exist", "times": 1})),
    );
    let m = s.mark();
    let out = s.wd.fails(&["apply", "-auto-approve", "-no-color"]);
    let text = out.flat();
    assert!(text.contains("MOUNT_FAILED: OBS bucket team-bucket does not exist"), "{}", out.all());
    assert!(text.contains("The failed mount was removed"), "{}", out.all());
    assert_eq!(storage_calls(&s, m), ["storage_mount RUNNING 200", "storage_unmount RUNNING 200"]);
    let nb = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    assert_eq!(s.sim.control("GET", &format!("/_sim/notebooks/{nb}/storage"), None), json!([]), "nothing left behind");
    let list = s.wd.ok(&["state", "list"]);
    assert!(!list.flat().contains(MOUNT), "{}", list.all());
    // The next apply mounts it.
    s.apply();
    assert_eq!(string_attr(&s, "status"), "MOUNTED");
    s.wd.ok(&["destroy", "-auto-approve"]);
}

#[test]
fn a_mount_changed_outside_terraform_is_planned_again() {
    let Some(s) = Scenario::new(FAST) else { return };
    config(&s, "", "");
    s.apply();
    let nb = s.state_attr("modelarts_notebook.nb", "id").as_str().unwrap().to_string();
    let mount_id = string_attr(&s, "mount_id");
    // Found failed: replaced (unmounted, then mounted again).
    s.sim.control(
        "PATCH",
        &format!("/_sim/notebooks/{nb}/storage/{mount_id}"),
        Some(json!({"status": "MOUNT_FAILED", "failure_reason": "the OBS token expired"})),
    );
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(plan.flat().contains("1 to add, 0 to change, 1 to destroy"), "{}", plan.all());
    assert!(plan.flat().contains("forces replacement"), "{}", plan.all());
    let m = s.mark();
    s.apply();
    assert_eq!(storage_calls(&s, m), ["storage_unmount RUNNING 200", "storage_mount RUNNING 200"]);
    // Removed outside: gone from the state, and mounted again.
    let mount_id = string_attr(&s, "mount_id");
    s.sim.control("DELETE", &format!("/_sim/notebooks/{nb}/storage/{mount_id}"), None);
    let plan = s.wd.ok(&["plan", "-no-color"]);
    assert!(plan.flat().contains("1 to add, 0 to change, 0 to destroy"), "{}", plan.all());
    s.apply();
    // A changed path replaces it.
    s.wd.write("main.tf", &s.wd.read_config().replace("/data/datasets/", "/data/training/"));
    let m = s.mark();
    s.apply();
    assert_eq!(storage_calls(&s, m), ["storage_unmount RUNNING 200", "storage_mount RUNNING 200"]);
    assert_eq!(string_attr(&s, "local_mount_directory"), "/data/training/");
    s.wd.ok(&["destroy", "-auto-approve"]);
    assert!(s.sim.notebooks().is_empty());
}
