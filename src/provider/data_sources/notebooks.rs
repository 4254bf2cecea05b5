//! `data "modelarts_notebooks"`: every notebook that matches the list API's filters,
//! under the names of the official provider's `huaweicloud_modelarts_notebooks`, so a
//! configuration ports by renaming the type.
//!
//! Sources: the official provider's data source (its arguments, its attribute names
//! and that `name` matches fuzzily, as the API does) and SDK `ListNotebooksRequest`
//! (the query names: `flavor`, `image_id`, `id`, `billing`, ...) and `NotebookResp`.

use std::collections::BTreeMap;

use crate::client::enums::{BillingKind, NotebookFeature, StringEnum};
use crate::client::notebooks::NotebookFilter;
use crate::client::types::{DataVolume, Notebook, VolumeRes};
use crate::framework::validators::{Check, OneOf, Text};
use crate::framework::{Attribute, Block, Ctx, ModelDataSource, NestedNesting, Schema};
use crate::protocol::{Diagnostics, Type};
use crate::provider::configured::Configured;
use crate::provider::notebook::listing::known_status;
use crate::provider::notebook::tags::check_tags;
use crate::timefmt;

use super::region_attribute;

/// The data source's value: the filters, and the notebooks they found.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct NotebooksModel {
    id: Option<String>,
    region: Option<String>,
    notebook_id: Option<String>,
    name: Option<String>,
    status: Option<String>,
    feature: Option<String>,
    workspace_id: Option<String>,
    flavor_id: Option<String>,
    image_id: Option<String>,
    billing: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    notebooks: Option<Vec<ListedNotebook>>,
}

impl NotebooksModel {
    /// The filters' values, in the order of [`FILTERS`].
    fn filters(&self) -> [&Option<String>; 8] {
        [
            &self.notebook_id,
            &self.name,
            &self.status,
            &self.feature,
            &self.workspace_id,
            &self.flavor_id,
            &self.image_id,
            &self.billing,
        ]
    }
}

/// One notebook, as the official provider names its attributes.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct ListedNotebook {
    id: String,
    name: String,
    description: Option<String>,
    status: String,
    feature: Option<String>,
    flavor_id: String,
    workspace_id: Option<String>,
    pool_id: Option<String>,
    pool_name: Option<String>,
    image_id: String,
    image_name: Option<String>,
    image_type: Option<String>,
    image_swr_path: Option<String>,
    url: Option<String>,
    fail_reason: Option<String>,
    auto_stop_enabled: Option<bool>,
    lease_duration: Option<i64>,
    lease_type: Option<String>,
    key_pair: Option<String>,
    ssh_uri: Option<String>,
    allowed_access_ips: Vec<String>,
    user_id: Option<String>,
    ip: Option<String>,
    jupyter_version: Option<String>,
    billing_items: Vec<String>,
    custom_spec: Option<String>,
    user_vpc: Option<String>,
    volume: Vec<ListedVolume>,
    data_volumes: Vec<ListedDataVolume>,
    tags: BTreeMap<String, String>,
    created_at: Option<String>,
    updated_at: Option<String>,
}

/// A listed notebook's storage.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct ListedVolume {
    #[tf(name = "type")]
    kind: Option<String>,
    ownership: Option<String>,
    size: Option<i64>,
    uri: Option<String>,
    id: Option<String>,
    mount_path: Option<String>,
}

/// Storage mounted into a listed notebook.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct ListedDataVolume {
    #[tf(name = "type")]
    kind: Option<String>,
    mount_path: Option<String>,
    path: Option<String>,
    status: Option<String>,
    mount_type: Option<String>,
}

/// The filters (argument, description); `read` maps each to its query name.
const FILTERS: &[(&str, &str)] = &[
    (NotebooksModel::NOTEBOOK_ID, "Only the notebook with this ID."),
    (NotebooksModel::NAME, "Only notebooks whose name contains this text (the API matches names fuzzily, as in the official provider)."),
    (NotebooksModel::STATUS, "Only notebooks in this status, e.g. `RUNNING` or `STOPPED`."),
    (NotebooksModel::FEATURE, "Only notebooks of this kind: `NOTEBOOK` (billed instances; the API's default) or `DEFAULT` (the free CodeLab instance)."),
    (NotebooksModel::WORKSPACE_ID, "Only notebooks of this workspace. Without it, the default workspace (`0`) is listed, as the API does (SDK `ListNotebooksRequest.workspace_id` defaults to `0`): notebooks of other workspaces are listed by their workspace's ID."),
    (NotebooksModel::FLAVOR_ID, "Only notebooks whose flavor matches this (the API matches flavors fuzzily)."),
    (NotebooksModel::IMAGE_ID, "Only notebooks made from this image."),
    (NotebooksModel::BILLING, "Only notebooks billed this way: `COMPUTE`, `STORAGE` or `ALL`."),
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
        string(ListedNotebook::ID, "The notebook's ID."),
        string(ListedNotebook::NAME, "Its name."),
        string(ListedNotebook::DESCRIPTION, "Its description."),
        string(ListedNotebook::STATUS, "Its status, e.g. `RUNNING`."),
        string(ListedNotebook::FEATURE, "`NOTEBOOK` or `DEFAULT` (the free CodeLab instance)."),
        string(ListedNotebook::FLAVOR_ID, "Its flavor."),
        string(ListedNotebook::WORKSPACE_ID, "Its workspace."),
        string(ListedNotebook::POOL_ID, "The dedicated resource pool it runs in, if any."),
        string(ListedNotebook::POOL_NAME, "That pool's name."),
        string(ListedNotebook::IMAGE_ID, "The image it runs."),
        string(ListedNotebook::IMAGE_NAME, "That image's name."),
        string(ListedNotebook::IMAGE_TYPE, "That image's type."),
        string(ListedNotebook::IMAGE_SWR_PATH, "That image's path in SWR."),
        string(ListedNotebook::URL, "The URL of its web UI."),
        string(ListedNotebook::FAIL_REASON, "Why it failed, when its status is a failure."),
        field(Attribute::bool(ListedNotebook::AUTO_STOP_ENABLED), "Whether auto-stop is on."),
        field(
            Attribute::number(ListedNotebook::LEASE_DURATION),
            "The auto-stop duration in milliseconds, as the API counts it: from the lease's creation.",
        ),
        string(ListedNotebook::LEASE_TYPE, "The auto-stop type: `TIMING` or `IDLE`."),
        string(ListedNotebook::KEY_PAIR, "The key pair of its SSH endpoint, if any."),
        string(ListedNotebook::SSH_URI, "The address of its SSH endpoint."),
        field(
            Attribute::list_of(ListedNotebook::ALLOWED_ACCESS_IPS, Type::String),
            "The addresses allowed to reach its SSH endpoint.",
        ),
        string(ListedNotebook::USER_ID, "The user who created it."),
        string(ListedNotebook::IP, "Its IP address."),
        string(ListedNotebook::JUPYTER_VERSION, "Its JupyterLab version."),
        field(Attribute::list_of(ListedNotebook::BILLING_ITEMS, Type::String), "What it is billed for."),
        string(ListedNotebook::CUSTOM_SPEC, json),
        string(ListedNotebook::USER_VPC, json),
        field(
            Attribute::nested(
                ListedNotebook::VOLUME,
                NestedNesting::List,
                vec![
                    string(ListedVolume::TYPE, "Storage type: `EVS`, `EFS`, `OBS` or `OBSFS`."),
                    string(ListedVolume::OWNERSHIP, "`MANAGED` or `DEDICATED`."),
                    field(Attribute::number(ListedVolume::SIZE), "Capacity in GB."),
                    string(ListedVolume::URI, "The storage's path, for `EFS`, `OBS` and `OBSFS`."),
                    string(ListedVolume::ID, "The dedicated file system's ID."),
                    string(ListedVolume::MOUNT_PATH, "Where it is mounted in the notebook."),
                ],
            ),
            "Its storage (one item).",
        ),
        field(
            Attribute::nested(
                ListedNotebook::DATA_VOLUMES,
                NestedNesting::List,
                vec![
                    string(ListedDataVolume::TYPE, "Storage type: `OBS`, `OBSFS` or `EFS`."),
                    string(ListedDataVolume::MOUNT_PATH, "Where it is mounted in the notebook."),
                    string(ListedDataVolume::PATH, "The storage path."),
                    string(ListedDataVolume::STATUS, "The mount's status, e.g. `MOUNTED`."),
                    string(ListedDataVolume::MOUNT_TYPE, "How it is mounted (the API's `mount_type`)."),
                ],
            ),
            "Storage mounted into the running notebook (`modelarts_notebook_mount_storage`).",
        ),
        field(Attribute::of_type(ListedNotebook::TAGS, Type::map(Type::String)), "Its tags."),
        string(ListedNotebook::CREATED_AT, "When it was made (RFC 3339), as the official provider reads it."),
        string(
            ListedNotebook::UPDATED_AT,
            "When it was last started (RFC 3339), from its lease, as the official provider reads it.",
        ),
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
        .attr(Attribute::string(NotebooksModel::ID).computed().describe("An identifier of this query (its filters)."))
        .attr(region_attribute());
    for (name, description) in FILTERS {
        let mut a = Attribute::string(name).optional().describe(*description);
        a = match *name {
            NotebooksModel::STATUS => a.validate(Text { check: known_status, description: "a notebook status" }),
            NotebooksModel::FEATURE => a.validate(OneOf(NotebookFeature::NAMES)),
            NotebooksModel::BILLING => a.validate(OneOf(BillingKind::NAMES)),
            _ => a,
        };
        block = block.attr(a);
    }
    let block = block.attr(
        Attribute::of_type(NotebooksModel::TAGS, Type::map(Type::String))
            .optional()
            .describe("Only notebooks with every one of these tags (the API's `tags` filter). An addition: the official data source has no such filter.")
            .validate(Check { check: check_tags, description: "tags the API accepts" }),
    );
    Schema::new(
        0,
        block.attr(
            Attribute::nested(NotebooksModel::NOTEBOOKS, NestedNesting::List, notebook_attributes())
                .computed()
                .describe("The notebooks, newest first."),
        ),
    )
}

/// `data "modelarts_notebooks"`.
#[derive(Debug)]
pub(crate) struct NotebooksDataSource;

#[async_trait::async_trait]
impl ModelDataSource for NotebooksDataSource {
    type Model = NotebooksModel;
    type Data = Configured;

    fn type_name(&self) -> &'static str {
        "modelarts_notebooks"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Ctx<'_, Configured>, config: NotebooksModel) -> Result<NotebooksModel, Diagnostics> {
        let (api, region) = ctx.data()?.region_client(config.region.as_deref(), ctx.cancel()).await?;
        let filter = NotebookFilter {
            id: config.notebook_id.clone(),
            name: config.name.clone(),
            status: config.status.clone(),
            feature: config.feature.clone(),
            workspace_id: config.workspace_id.clone(),
            flavor: config.flavor_id.clone(),
            image_id: config.image_id.clone(),
            billing: config.billing.clone(),
            pool_id: None,
            tags: config.tags.clone().unwrap_or_default().into_iter().collect(),
        };
        let notebooks = api
            .list_notebooks(&filter)
            .await
            .map_err(|e| Diagnostics::with_error("Failed to list notebooks", e.to_string()))?;
        let mut key: Vec<String> = config.filters().map(|f| f.clone().unwrap_or_else(|| "*".into())).into();
        key.extend(filter.tags.iter().map(|(k, v)| format!("{k}={v}")));
        Ok(NotebooksModel {
            id: Some(format!("notebooks:{}", key.join(":"))),
            region: Some(region.into_string()),
            notebooks: Some(notebooks.into_iter().map(ListedNotebook::from).collect()),
            ..config
        })
    }
}

/// A JSON value the API sent, as the official provider shows it: compact JSON text.
fn json_text(v: Option<serde_json::Value>) -> Option<String> {
    v.filter(|v| !v.is_null()).map(|v| v.to_string())
}

impl From<VolumeRes> for ListedVolume {
    fn from(v: VolumeRes) -> Self {
        ListedVolume {
            kind: Some(v.category).filter(|c| !c.is_empty()).map(|c| c.to_string()),
            ownership: v.ownership.map(|w| w.to_string()),
            size: v.capacity,
            uri: v.uri,
            id: v.id,
            mount_path: v.mount_path,
        }
    }
}

impl From<DataVolume> for ListedDataVolume {
    fn from(v: DataVolume) -> Self {
        ListedDataVolume {
            kind: v.category.map(|c| c.to_string()),
            mount_path: v.mount_path,
            path: v.url,
            status: v.status.map(|w| w.to_string()),
            mount_type: v.mount_type,
        }
    }
}

impl From<Notebook> for ListedNotebook {
    fn from(n: Notebook) -> Self {
        let ssh = n.ssh_endpoint().cloned().unwrap_or_default();
        let lease = n.lease.unwrap_or_default();
        let pool = n.pool.unwrap_or_default();
        let time = |ms: Option<i64>| ms.and_then(timefmt::rfc3339);
        ListedNotebook {
            id: n.id.into_string(),
            name: n.name,
            description: n.description,
            status: n.status.to_string(),
            feature: n.feature.map(|f| f.to_string()),
            flavor_id: n.flavor.into_string(),
            workspace_id: n.workspace_id,
            pool_id: Some(pool.id).filter(|s| !s.is_empty()),
            pool_name: pool.name,
            image_id: n.image.id.into_string(),
            image_name: n.image.name,
            image_type: n.image.kind,
            image_swr_path: n.image.swr_path,
            url: n.url,
            fail_reason: n.fail_reason,
            auto_stop_enabled: lease.enable,
            lease_duration: lease.duration,
            lease_type: lease.kind.map(|w| w.to_string()),
            key_pair: ssh.key_pair_names.first().cloned(),
            ssh_uri: ssh.uri,
            allowed_access_ips: ssh.allowed_access_ips,
            user_id: n.user_id,
            ip: n.ip,
            jupyter_version: n.jupyter_version,
            billing_items: n.billing_items,
            custom_spec: json_text(n.custom_spec),
            user_vpc: json_text(n.user_vpc),
            volume: n.volume.into_iter().map(ListedVolume::from).collect(),
            data_volumes: n.data_volumes.into_iter().map(ListedDataVolume::from).collect(),
            tags: n.tags.into_iter().map(|t| (t.key, t.value)).collect(),
            // The list's items may lack the instance's own times (SDK `NotebookResp` has
            // none); the official data source reads the lease's, and so does this one.
            created_at: time(lease.create_at.or(n.create_at)),
            updated_at: time(lease.update_at.or(n.update_at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::agree;
    use crate::framework::{IntoValue, TfType};
    use crate::protocol::value::conforms;
    use crate::protocol::Value;

    #[test]
    fn the_model_and_the_schema_agree() {
        assert_eq!(agree(&schema().ty(), &NotebooksModel::tf_type()), Ok(()));
    }

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
        let v = ListedNotebook::from(n).into_value();
        conforms(&v, &notebook_type()).unwrap();
        assert_eq!(v.attr(ListedNotebook::POOL_NAME).as_str(), Some("pool-1"));
        assert_eq!(v.attr(ListedNotebook::KEY_PAIR).as_str(), Some("kp"));
        assert_eq!(v.attr(ListedNotebook::ALLOWED_ACCESS_IPS).elements()[0].as_str(), Some("10.0.0.0/8"));
        assert_eq!(v.attr(ListedNotebook::LEASE_DURATION).as_i64(), Some(3_600_000));
        assert_eq!(
            v.attr(ListedNotebook::DATA_VOLUMES).elements()[0].attr(ListedDataVolume::PATH).as_str(),
            Some("obs://b/x/")
        );
        assert_eq!(v.attr(ListedNotebook::VOLUME).elements()[0].attr(ListedVolume::SIZE).as_i64(), Some(5));
        assert_eq!(v.attr(ListedNotebook::TAGS), &Value::Map(BTreeMap::from([("team".into(), Value::from("ml"))])));
        let spec: serde_json::Value =
            serde_json::from_str(v.attr(ListedNotebook::CUSTOM_SPEC).as_str().unwrap()).unwrap();
        assert_eq!(spec["arch"], "x86_64");
        assert!(v.attr(ListedNotebook::USER_VPC).is_null());
        assert_eq!(v.attr(ListedNotebook::CREATED_AT).as_str(), Some("2023-11-14T22:13:20Z"));
    }

    #[test]
    fn a_bare_notebook_conforms_too() {
        let n: Notebook = serde_json::from_value(serde_json::json!({"id": "n", "status": "STOPPED"})).unwrap();
        conforms(&ListedNotebook::from(n).into_value(), &notebook_type()).unwrap();
    }
}
