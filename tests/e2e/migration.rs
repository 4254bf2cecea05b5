//! Moving notebooks from the official provider's `huaweicloud_modelarts_notebook`
//! (and their mounts from its `huaweicloud_modelarts_notebook_mount_storage`)
//! without recreating them: `moved` blocks (MoveResourceState), and the
//! `state rm` + `import {}` path. A stand-in for the official provider
//! (examples/terraform-provider-huaweicloud.rs, built by `cargo test`) provides the
//! source schema.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::scenario::{cpu_notebook_request, Scenario, CPU_IMAGE};
use modelarts_provider::client::types::{Notebook, Status};
use modelarts_provider::client::{Client, ClientConfig};
use modelarts_provider::timefmt;

fn stand_in_dir() -> PathBuf {
    let dir = Path::new(crate::common::PROVIDER_BIN).parent().unwrap().join("examples");
    assert!(
        dir.join("terraform-provider-huaweicloud").is_file(),
        "cargo test builds the stand-in example; missing in {}",
        dir.display()
    );
    dir
}

async fn notebook_in(s: &Scenario) -> Notebook {
    let api = Client::new(ClientConfig::new(&s.sim.url, "sim-project", "SIMACCESSKEY", "sim-secret-key")).unwrap();
    let n = api.create_notebook(&cpu_notebook_request("legacy")).await.unwrap();
    api.wait_for_status(&n.id, &[Status::Running], Duration::from_secs(10)).await.unwrap()
}

fn go_time(ms: Option<i64>) -> String {
    timefmt::go_utc(ms.unwrap_or(0)).unwrap()
}

/// The official provider's state for `n`, as it writes it.
fn official_attributes(n: &Notebook) -> serde_json::Value {
    let vol = n.volume.clone().unwrap_or_default();
    serde_json::json!({
        "id": n.id, "region": "sim-region-1", "name": n.name, "flavor_id": n.flavor, "image_id": n.image.id,
        "description": "", "key_pair": "", "allowed_access_ips": [], "pool_id": "", "workspace_id": "0",
        "auto_stop_enabled": false, "status": n.status.as_str(), "image_name": n.image.name, "image_swr_path": n.image.swr_path,
        "image_type": n.image.kind, "created_at": go_time(n.create_at), "updated_at": go_time(n.update_at), "pool_name": "",
        "url": n.url, "ssh_uri": "", "mount_storages": [],
        "volume": [{"type": vol.category, "ownership": vol.ownership, "size": vol.capacity, "uri": "", "mount_path": vol.mount_path}]
    })
}

fn write_state(s: &Scenario, attributes: serde_json::Value, schema_version: i64) {
    write_official_state(s, "huaweicloud_modelarts_notebook", attributes, schema_version);
}

/// A state holding one `type_name.x` of the official provider.
fn write_official_state(s: &Scenario, type_name: &str, attributes: serde_json::Value, schema_version: i64) {
    let state = serde_json::json!({
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "5d1c9b7e-6f0a-4c2e-9a1b-3e8f7d6c5b4a", "outputs": {},
        "resources": [{
            "mode": "managed", "type": type_name, "name": "x",
            "provider": "provider[\"registry.terraform.io/huaweicloud/huaweicloud\"]",
            "instances": [{"schema_version": schema_version, "attributes": attributes, "sensitive_attributes": []}]
        }],
        "check_results": null
    });
    s.wd.write("terraform.tfstate", &serde_json::to_string_pretty(&state).unwrap());
}

fn new_resource(extra: &str) -> String {
    format!(
        r#"
resource "modelarts_notebook" "x" {{
  name      = "legacy"
  flavor_id = "modelarts.vm.cpu.2u"
  image_id  = "{CPU_IMAGE}"
  volume {{
    type = "EVS"
    size = 10
  }}
}}
{extra}
"#
    )
}

fn config(s: &Scenario, body: &str) {
    s.wd.write(
        "main.tf",
        &format!(
            "terraform {{\n  required_providers {{\n    modelarts   = {{ source = \"modelarts/modelarts\" }}\n    huaweicloud = {{ source = \"huaweicloud/huaweicloud\" }}\n  }}\n}}\nprovider \"huaweicloud\" {{\n  region = \"sim-region-1\"\n}}\n{}{body}",
            s.provider_block()
        ),
    );
}

const MOVED: &str = "moved {\n  from = huaweicloud_modelarts_notebook.x\n  to   = modelarts_notebook.x\n}\n";
const CHANGES: &[&str] = &["create", "delete", "stop", "start", "update", "lease_renew"];

fn scenario() -> Option<Scenario> {
    let s = Scenario::new(&["--create-seconds", "0.2"])?;
    s.wd.dev_overrides(&[
        ("registry.terraform.io/modelarts/modelarts", Path::new(crate::common::PROVIDER_BIN).parent().unwrap()),
        ("registry.terraform.io/huaweicloud/huaweicloud", &stand_in_dir()),
    ]);
    Some(s)
}

#[tokio::test]
async fn a_moved_block_takes_over_without_replacement() {
    let Some(s) = scenario() else { return };
    let n = notebook_in(&s).await;
    write_state(&s, official_attributes(&n), 0);
    config(&s, &new_resource(MOVED));
    let m = s.mark();
    let plan = s.wd.ok(&["plan"]);
    let text = plan.flat();
    assert!(text.contains("# huaweicloud_modelarts_notebook.x has moved to modelarts_notebook.x"), "{}", plan.all());
    assert!(text.contains("Plan: 0 to add, 0 to change, 0 to destroy."), "no replacement: {}", plan.all());
    s.apply();
    assert_eq!(s.state_attr("modelarts_notebook.x", "id"), n.id.as_str());
    assert_eq!(s.state_attr("modelarts_notebook.x", "created_at"), timefmt::rfc3339(n.create_at.unwrap()).unwrap());
    assert_eq!(s.state_attr("modelarts_notebook.x", "running"), true);
    let changes: Vec<String> =
        s.sim.ops_since(m, false).into_iter().filter(|o| CHANGES.contains(&o.as_str())).collect();
    assert!(changes.is_empty(), "the simulator saw {changes:?}");
    assert_eq!(s.sim.notebooks().len(), 1);
}

#[tokio::test]
async fn malformed_source_states_are_diagnostics() {
    let Some(s) = scenario() else { return };
    let n = notebook_in(&s).await;
    config(&s, &new_resource(MOVED));

    let mut no_id = official_attributes(&n);
    no_id.as_object_mut().unwrap().remove("id");
    write_state(&s, no_id, 0);
    let out = s.wd.fails(&["plan"]);
    assert!(out.flat().contains("has no id, so there is no notebook to move"), "{}", out.all());

    // The notebook stays in its region: a region this account has no project in is named.
    let mut wrong = official_attributes(&n);
    wrong["region"] = serde_json::json!("another-region");
    write_state(&s, wrong, 0);
    let out = s.wd.fails(&["plan"]);
    assert!(
        out.flat().contains("Cannot reach region \"another-region\"") && out.flat().contains("knows no project named"),
        "{}",
        out.all()
    );

    // A state written by a newer official provider (schema version 1).
    write_state(&s, official_attributes(&n), 1);
    let out = s.wd.fails(&["plan"]);
    assert!(out.flat().contains("Unsupported source schema version"), "{}", out.all());

    let mut types = official_attributes(&n);
    types["volume"] = serde_json::json!("20 GB");
    write_state(&s, types, 0);
    let out = s.wd.fails(&["plan"]);
    assert!(
        out.flat().contains(
            "Attribute volume of the huaweicloud_modelarts_notebook state is a string, not a list of one object"
        ),
        "{}",
        out.all()
    );
}

/// Timestamps a proxy or an old state file may carry: a multi-byte character where a
/// digit belongs, an impossible date. The move plans without a crash, and the
/// times are read again from the API.
#[tokio::test]
async fn a_moved_state_with_malformed_timestamps_plans_without_a_crash() {
    let Some(s) = scenario() else { return };
    let n = notebook_in(&s).await;
    let mut attrs = official_attributes(&n);
    attrs["created_at"] = serde_json::json!("2026-11-21 23:52:18+0\u{e9}0 UTC");
    attrs["updated_at"] = serde_json::json!("2026-02-31 00:00:00 UTC");
    write_state(&s, attrs, 0);
    config(&s, &new_resource(MOVED));
    let plan = s.wd.ok(&["plan"]);
    let text = plan.flat();
    assert!(text.contains("has moved to modelarts_notebook.x"), "{}", plan.all());
    assert!(!text.contains("internal error") && !text.contains("failed handling"), "{}", plan.all());
    s.apply();
    assert_eq!(s.state_attr("modelarts_notebook.x", "created_at"), timefmt::rfc3339(n.create_at.unwrap()).unwrap());
}

#[tokio::test]
async fn state_rm_and_an_import_block() {
    let Some(s) = scenario() else { return };
    let n = notebook_in(&s).await;
    write_state(&s, official_attributes(&n), 0);
    config(&s, &new_resource(""));
    s.wd.ok(&["state", "rm", "huaweicloud_modelarts_notebook.x"]);
    config(&s, &new_resource(&format!("import {{\n  to = modelarts_notebook.x\n  id = \"{}\"\n}}\n", n.id)));
    let m = s.mark();
    let plan = s.wd.ok(&["plan"]);
    assert!(plan.flat().contains("1 to import, 0 to add, 0 to change, 0 to destroy"), "{}", plan.all());
    s.apply();
    let changes: Vec<String> =
        s.sim.ops_since(m, false).into_iter().filter(|o| CHANGES.contains(&o.as_str())).collect();
    assert!(changes.is_empty(), "{changes:?}");
}

/// A mount made by the official provider moves too: nothing is unmounted or mounted
/// again, and the next plan is empty.
#[tokio::test]
async fn a_moved_mount_takes_over_without_remounting() {
    use modelarts_provider::client::mounts::MountRequest;
    let Some(s) = scenario() else { return };
    let n = notebook_in(&s).await;
    let api = Client::new(ClientConfig::new(&s.sim.url, "sim-project", "SIMACCESSKEY", "sim-secret-key")).unwrap();
    let request = MountRequest {
        category: "OBS".into(),
        mount_path: "/data/shared/".into(),
        uri: "obs://team-bucket/datasets/".into(),
        efs_id: None,
    };
    let made = api.mount_storage(&n.id, &request).await.unwrap();
    let mount = api.wait_mounted(&n.id, &made.id, Duration::from_secs(10)).await.unwrap();
    write_official_state(
        &s,
        "huaweicloud_modelarts_notebook_mount_storage",
        serde_json::json!({
            "id": format!("{}/{}", n.id, mount.id), "region": "sim-region-1", "notebook_id": n.id,
            "storage_path": "obs://team-bucket/datasets/", "local_mount_directory": "/data/shared/",
            "type": "OBSFS", "mount_id": mount.id, "status": "MOUNTED"
        }),
        0,
    );
    config(
        &s,
        &format!(
            "resource \"modelarts_notebook_mount_storage\" \"x\" {{\n  notebook_id = \"{}\"\n  storage_path = \"obs://team-bucket/datasets/\"\n  local_mount_directory = \"/data/shared/\"\n}}\nmoved {{\n  from = huaweicloud_modelarts_notebook_mount_storage.x\n  to   = modelarts_notebook_mount_storage.x\n}}\n",
            n.id
        ),
    );
    let m = s.mark();
    let plan = s.wd.ok(&["plan"]);
    let text = plan.flat();
    assert!(
        text.contains(
            "# huaweicloud_modelarts_notebook_mount_storage.x has moved to modelarts_notebook_mount_storage.x"
        ),
        "{}",
        plan.all()
    );
    assert!(text.contains("Plan: 0 to add, 0 to change, 0 to destroy."), "no remount: {}", plan.all());
    s.apply();
    assert_eq!(s.state_attr("modelarts_notebook_mount_storage.x", "mount_id"), mount.id.as_str());
    assert_eq!(s.state_attr("modelarts_notebook_mount_storage.x", "type"), "OBSFS");
    let writes: Vec<String> = s
        .sim
        .ops_since(m, false)
        .into_iter()
        .filter(|o| o == "storage_mount" || o == "storage_unmount" || CHANGES.contains(&o.as_str()))
        .collect();
    assert!(writes.is_empty(), "the simulator saw {writes:?}");

    // A source state without the mount's paths is refused, naming them.
    write_official_state(
        &s,
        "huaweicloud_modelarts_notebook_mount_storage",
        serde_json::json!({"id": format!("{}/{}", n.id, mount.id), "notebook_id": n.id, "mount_id": mount.id}),
        0,
    );
    let out = s.wd.fails(&["plan"]);
    assert!(
        out.flat().contains("The huaweicloud_modelarts_notebook_mount_storage state has no storage_path"),
        "{}",
        out.all()
    );
}

/// An image the official provider saved moves too: nothing is saved again, and the
/// next plan is empty.
#[tokio::test]
async fn a_moved_image_store_takes_over_without_saving_again() {
    use modelarts_provider::client::images::SaveImageRequest;
    let Some(s) = scenario() else { return };
    let n = notebook_in(&s).await;
    let api = Client::new(ClientConfig::new(&s.sim.url, "sim-project", "SIMACCESSKEY", "sim-secret-key")).unwrap();
    let request =
        SaveImageRequest { name: "env".into(), namespace: "team".into(), tag: Some("v1".into()), ..Default::default() };
    let made = api.save_image(&n.id, &request).await.unwrap();
    let image = api.wait_image_saved(&made.id, Duration::from_secs(10)).await.unwrap();
    write_official_state(
        &s,
        "huaweicloud_modelarts_notebook_image_store",
        serde_json::json!({
            "id": image.id, "region": "sim-region-1", "notebook_id": n.id, "name": "env", "namespace": "team",
            "tag": "v1", "description": "", "workspace_id": "0", "swr_path": image.swr_path, "arch": image.arch,
            "origin": "IMAGE_SAVE", "resource_categories": ["CPU"], "service_type": image.service_type,
            "visibility": "PRIVATE", "status": "ACTIVE", "type": "DEDICATED", "created_at": "2026-11-21T23:52:18Z",
            "enable_force_new": ""
        }),
        0,
    );
    config(
        &s,
        &format!(
            "resource \"modelarts_notebook_image_store\" \"x\" {{\n  notebook_id = \"{}\"\n  name = \"env\"\n  namespace = \"team\"\n  tag = \"v1\"\n}}\nmoved {{\n  from = huaweicloud_modelarts_notebook_image_store.x\n  to   = modelarts_notebook_image_store.x\n}}\n",
            n.id
        ),
    );
    let m = s.mark();
    let plan = s.wd.ok(&["plan"]);
    let text = plan.flat();
    assert!(
        text.contains("# huaweicloud_modelarts_notebook_image_store.x has moved to modelarts_notebook_image_store.x"),
        "{}",
        plan.all()
    );
    assert!(text.contains("Plan: 0 to add, 0 to change, 0 to destroy."), "not saved again: {}", plan.all());
    s.apply();
    assert_eq!(s.state_attr("modelarts_notebook_image_store.x", "id"), image.id.as_str());
    let writes: Vec<String> =
        s.sim.ops_since(m, false).into_iter().filter(|o| o == "save_image" || CHANGES.contains(&o.as_str())).collect();
    assert!(writes.is_empty(), "the simulator saw {writes:?}");
    s.assert_no_changes();
}
