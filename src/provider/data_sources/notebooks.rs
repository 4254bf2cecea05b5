//! `data "modelarts_notebooks"`: every notebook that matches the list API's filters,
//! under the names of the official provider's `huaweicloud_modelarts_notebooks`, so a
//! configuration ports by renaming the type.
//!
//! Sources: the official provider's data source (its arguments, its attribute names
//! and that `name` matches fuzzily, as the API does) and SDK `ListNotebooksRequest`
//! (the query names: `flavor`, `image_id`, `id`, `billing`, ...) and `NotebookResp`.

use std::collections::BTreeMap;

use crate::client::notebooks::NotebookFilter;
use crate::client::types::{DataVolume, Notebook, VolumeRes};
use crate::framework::validators::{Check, OneOf, Text};
use crate::framework::{Attribute, Block, CallContext, NestedNesting, Schema};
use crate::protocol::{Diagnostics, Type, Value};
use crate::provider::notebook::listing::known_status;
use crate::provider::notebook::tags::{check_tags, tag_filter};
use crate::timefmt;

use super::{api, listing, region_attribute};

/// `data "modelarts_notebooks"`.
#[derive(Debug)]
pub struct NotebooksDataSource;

/// The filters (argument, description); `read` maps each to its query name.
const FILTERS: &[(&str, &str)] = &[
    ("notebook_id", "Only the notebook with this ID."),
    ("name", "Only notebooks whose name contains this text (the API matches names fuzzily, as in the official provider)."),
    ("status", "Only notebooks in this status, e.g. `RUNNING` or `STOPPED`."),
    ("feature", "Only notebooks of this kind: `NOTEBOOK` (billed instances; the API's default) or `DEFAULT` (the free CodeLab instance)."),
    ("workspace_id", "Only notebooks of this workspace. Without it, the default workspace (`0`) is listed, as the API does (SDK `ListNotebooksRequest.workspace_id` defaults to `0`): notebooks of other workspaces are listed by their workspace's ID."),
    ("flavor_id", "Only notebooks whose flavor matches this (the API matches flavors fuzzily)."),
    ("image_id", "Only notebooks made from this image."),
    ("billing", "Only notebooks billed this way: `COMPUTE`, `STORAGE` or `ALL`."),
];

/// A computed attribute of a listed notebook, with its description.
fn field(a: Attribute, description: &str) -> Attribute {
    a.computed().describe(description)
}

/// One notebook's attributes, as the official provider names them.
fn notebook_attributes() -> Vec<Attribute> {
    let string = |name: &'static str, description: &str| field(Attribute::string(name), description);
    let json = "JSON, as the API sent it.";
    vec![
        string("id", "The notebook's ID."),
        string("name", "Its name."),
        string("description", "Its description."),
        string("status", "Its status, e.g. `RUNNING`."),
        string("feature", "`NOTEBOOK` or `DEFAULT` (the free CodeLab instance)."),
        string("flavor_id", "Its flavor."),
        string("workspace_id", "Its workspace."),
        string("pool_id", "The dedicated resource pool it runs in, if any."),
        string("pool_name", "That pool's name."),
        string("image_id", "The image it runs."),
        string("image_name", "That image's name."),
        string("image_type", "That image's type."),
        string("image_swr_path", "That image's path in SWR."),
        string("url", "The URL of its web UI."),
        string("fail_reason", "Why it failed, when its status is a failure."),
        field(Attribute::bool("auto_stop_enabled"), "Whether auto-stop is on."),
        field(
            Attribute::number("lease_duration"),
            "The auto-stop duration in milliseconds, as the API counts it: from the lease's creation.",
        ),
        string("lease_type", "The auto-stop type: `TIMING` or `IDLE`."),
        string("key_pair", "The key pair of its SSH endpoint, if any."),
        string("ssh_uri", "The address of its SSH endpoint."),
        field(
            Attribute::list_of("allowed_access_ips", Type::String),
            "The addresses allowed to reach its SSH endpoint.",
        ),
        string("user_id", "The user who created it."),
        string("ip", "Its IP address."),
        string("jupyter_version", "Its JupyterLab version."),
        field(Attribute::list_of("billing_items", Type::String), "What it is billed for."),
        string("custom_spec", json),
        string("user_vpc", json),
        field(
            Attribute::nested(
                "volume",
                NestedNesting::List,
                vec![
                    string("type", "Storage type: `EVS`, `EFS`, `OBS` or `OBSFS`."),
                    string("ownership", "`MANAGED` or `DEDICATED`."),
                    field(Attribute::number("size"), "Capacity in GB."),
                    string("uri", "The storage's path, for `EFS`, `OBS` and `OBSFS`."),
                    string("id", "The dedicated file system's ID."),
                    string("mount_path", "Where it is mounted in the notebook."),
                ],
            ),
            "Its storage (one item).",
        ),
        field(
            Attribute::nested(
                "data_volumes",
                NestedNesting::List,
                vec![
                    string("type", "Storage type: `OBS`, `OBSFS` or `EFS`."),
                    string("mount_path", "Where it is mounted in the notebook."),
                    string("path", "The storage path."),
                    string("status", "The mount's status, e.g. `MOUNTED`."),
                    string("mount_type", "How it is mounted (the API's `mount_type`)."),
                ],
            ),
            "Storage mounted into the running notebook (`modelarts_notebook_mount_storage`).",
        ),
        field(Attribute::of_type("tags", Type::map(Type::String)), "Its tags."),
        string("created_at", "When it was made (RFC 3339), as the official provider reads it."),
        string("updated_at", "When it was last started (RFC 3339), from its lease, as the official provider reads it."),
    ]
}

/// One notebook's object type (the tests check values against it).
#[cfg(test)]
fn notebook_type() -> Type {
    Type::object(notebook_attributes().into_iter().map(|a| (a.name, a.ty)))
}

/// The data source's schema.
pub fn schema() -> Schema {
    let mut block = Block::new("Lists the notebooks that match the filters. Argument and attribute names follow the official provider's `huaweicloud_modelarts_notebooks`.")
        .attr(Attribute::string("id").computed().describe("An identifier of this query (its filters)."))
        .attr(region_attribute());
    for (name, description) in FILTERS {
        let mut a = Attribute::string(name).optional().describe(*description);
        a = match *name {
            "status" => a.validate(Text { check: known_status, description: "a notebook status" }),
            "feature" => a.validate(OneOf(&["NOTEBOOK", "DEFAULT"])),
            "billing" => a.validate(OneOf(&["COMPUTE", "STORAGE", "ALL"])),
            _ => a,
        };
        block = block.attr(a);
    }
    let block = block.attr(
        Attribute::of_type("tags", Type::map(Type::String))
            .optional()
            .describe("Only notebooks with every one of these tags (the API's `tags` filter). An addition: the official data source has no such filter.")
            .validate(Check { check: check_tags, description: "tags the API accepts" }),
    );
    Schema::new(
        0,
        block.attr(
            Attribute::nested("notebooks", NestedNesting::List, notebook_attributes())
                .computed()
                .describe("The notebooks, newest first."),
        ),
    )
}

listing_data_source!(NotebooksDataSource, "modelarts_notebooks");

async fn read(ctx: &CallContext, config: &Value) -> Result<Value, Diagnostics> {
    let (api, region) = api(ctx, config).await?;
    let arg = |name: &str| config.attr(name).as_str().map(String::from);
    let filter = NotebookFilter {
        id: arg("notebook_id"),
        name: arg("name"),
        status: arg("status"),
        feature: arg("feature"),
        workspace_id: arg("workspace_id"),
        flavor: arg("flavor_id"),
        image_id: arg("image_id"),
        billing: arg("billing"),
        pool_id: None,
        tags: tag_filter(config.attr("tags")),
    };
    let notebooks = api
        .list_notebooks(&filter)
        .await
        .map_err(|e| Diagnostics::with_error("Failed to list notebooks", e.to_string()))?;
    let mut key = FILTERS.iter().map(|(name, _)| arg(name).unwrap_or_else(|| "*".into())).collect::<Vec<_>>();
    key.extend(filter.tags.iter().map(|(k, v)| format!("{k}={v}")));
    let key = key.join(":");
    let items = notebooks.into_iter().map(notebook_value).collect();
    Ok(listing(config, &region, format!("notebooks:{key}"), "notebooks", items))
}

fn strings(v: Vec<String>) -> Value {
    Value::List(v.into_iter().map(Value::from).collect())
}

/// A JSON value the API sent, as the official provider shows it: compact JSON text.
fn json_text(v: Option<serde_json::Value>) -> Value {
    Value::opt_string(v.filter(|v| !v.is_null()).map(|v| v.to_string()))
}

fn volume_value(v: VolumeRes) -> Value {
    Value::object([
        ("type", Value::opt_string(Some(v.category).filter(|c| !c.is_empty()).map(|c| c.as_str().to_string()))),
        ("ownership", Value::opt_string(v.ownership.map(|w| w.to_string()))),
        ("size", v.capacity.map_or(Value::Null, Value::from)),
        ("uri", Value::opt_string(v.uri)),
        ("id", Value::opt_string(v.id)),
        ("mount_path", Value::opt_string(v.mount_path)),
    ])
}

fn data_volume_value(v: DataVolume) -> Value {
    Value::object([
        ("type", Value::opt_string(v.category.map(|c| c.to_string()))),
        ("mount_path", Value::opt_string(v.mount_path)),
        ("path", Value::opt_string(v.url)),
        ("status", Value::opt_string(v.status.map(|w| w.to_string()))),
        ("mount_type", Value::opt_string(v.mount_type)),
    ])
}

fn notebook_value(n: Notebook) -> Value {
    let ssh = n.ssh_endpoint().cloned().unwrap_or_default();
    let lease = n.lease.unwrap_or_default();
    let pool = n.pool.unwrap_or_default();
    let tags: BTreeMap<String, Value> = n.tags.into_iter().map(|t| (t.key, Value::from(t.value))).collect();
    let time = |ms: Option<i64>| Value::opt_string(ms.and_then(timefmt::rfc3339));
    Value::object([
        ("id", Value::from(n.id.into_string())),
        ("name", Value::from(n.name)),
        ("description", Value::opt_string(n.description)),
        ("status", Value::from(n.status.to_string())),
        ("feature", Value::opt_string(n.feature)),
        ("flavor_id", Value::from(n.flavor.into_string())),
        ("workspace_id", Value::opt_string(n.workspace_id)),
        ("pool_id", Value::opt_string(Some(pool.id).filter(|s| !s.is_empty()))),
        ("pool_name", Value::opt_string(pool.name)),
        ("image_id", Value::from(n.image.id.into_string())),
        ("image_name", Value::opt_string(n.image.name)),
        ("image_type", Value::opt_string(n.image.kind)),
        ("image_swr_path", Value::opt_string(n.image.swr_path)),
        ("url", Value::opt_string(n.url)),
        ("fail_reason", Value::opt_string(n.fail_reason)),
        ("auto_stop_enabled", lease.enable.map_or(Value::Null, Value::from)),
        ("lease_duration", lease.duration.map_or(Value::Null, Value::from)),
        ("lease_type", Value::opt_string(lease.kind.map(|w| w.to_string()))),
        ("key_pair", Value::opt_string(ssh.key_pair_names.first().cloned())),
        ("ssh_uri", Value::opt_string(ssh.uri)),
        ("allowed_access_ips", strings(ssh.allowed_access_ips)),
        ("user_id", Value::opt_string(n.user_id)),
        ("ip", Value::opt_string(n.ip)),
        ("jupyter_version", Value::opt_string(n.jupyter_version)),
        ("billing_items", strings(n.billing_items)),
        ("custom_spec", json_text(n.custom_spec)),
        ("user_vpc", json_text(n.user_vpc)),
        ("volume", Value::List(n.volume.into_iter().map(volume_value).collect())),
        ("data_volumes", Value::List(n.data_volumes.into_iter().map(data_volume_value).collect())),
        ("tags", Value::Map(tags)),
        // The list's items may lack the instance's own times (SDK `NotebookResp` has
        // none); the official data source reads the lease's, and so does this one.
        ("created_at", time(lease.create_at.or(n.create_at))),
        ("updated_at", time(lease.update_at.or(n.update_at))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::value::conforms;

    #[test]
    fn every_field_the_api_sends_reaches_its_attribute() {
        let n: Notebook = serde_json::from_value(serde_json::json!({
            "id": "n1", "name": "nb", "status": "RUNNING", "flavor": "modelarts.vm.cpu.2u",
            "image": {"id": "i1", "name": "img", "type": "BUILD_IN", "swr_path": "swr/x:1"},
            "lease": {"enable": true, "duration": 3600000, "type": "TIMING"},
            "pool": {"id": "p1", "name": "pool-1"},
            "endpoints": [{"service": "SSH", "key_pair_names": ["kp"], "uri": "1.2.3.4:22", "allowed_access_ips": ["10.0.0.0/8"]}],
            "volume": {"category": "EVS", "ownership": "MANAGED", "capacity": 5, "mount_path": "/home/ma-user/work/"},
            "data_volumes": [{"category": "OBS", "mount_path": "/data/x/", "url": "obs://b/x/", "status": "MOUNTED", "mount_type": "DYNAMIC"}],
            "tags": [{"key": "team", "value": "ml"}],
            "custom_spec": {"cpu": 2.0, "memory": 8.0, "arch": "x86_64"},
            "user_vpc": null,
            "billing_items": ["COMPUTE", "STORAGE"], "user_id": "u1", "ip": "192.168.0.7", "jupyter_version": "3.2",
            "create_at": 1_700_000_000_000_i64
        }))
        .unwrap();
        let v = notebook_value(n);
        conforms(&v, &notebook_type()).unwrap();
        assert_eq!(v.attr("pool_name").as_str(), Some("pool-1"));
        assert_eq!(v.attr("key_pair").as_str(), Some("kp"));
        assert_eq!(v.attr("allowed_access_ips").elements()[0].as_str(), Some("10.0.0.0/8"));
        assert_eq!(v.attr("lease_duration").as_i64(), Some(3_600_000));
        assert_eq!(v.attr("data_volumes").elements()[0].attr("path").as_str(), Some("obs://b/x/"));
        assert_eq!(v.attr("volume").elements()[0].attr("size").as_i64(), Some(5));
        assert_eq!(v.attr("tags"), &Value::Map(BTreeMap::from([("team".into(), Value::from("ml"))])));
        let spec: serde_json::Value = serde_json::from_str(v.attr("custom_spec").as_str().unwrap()).unwrap();
        assert_eq!(spec["arch"], "x86_64");
        assert!(v.attr("user_vpc").is_null());
        assert_eq!(v.attr("created_at").as_str(), Some("2023-11-14T22:13:20Z"));
    }

    #[test]
    fn a_bare_notebook_conforms_too() {
        let n: Notebook = serde_json::from_value(serde_json::json!({"id": "n", "status": "STOPPED"})).unwrap();
        conforms(&notebook_value(n), &notebook_type()).unwrap();
    }
}
