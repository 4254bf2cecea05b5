//! The ModelArts notebook API's JSON shapes, shared by the client and the simulator.
//! Unknown fields are ignored; absent or null optional fields decode as empty.
//!
//! Field names and enums come from the official Python SDK's models
//! (`huaweicloudsdkmodelarts/v1/model/`: `NotebookCreateRequest`,
//! `NotebookUpdateRequest`, `VolumeMountRequest`, `CustomHooks`, `LeaseReq`,
//! `ShowNotebookResponse`, ...). A few fields the SDK's current models lack are
//! documented elsewhere, and are marked where they are declared: the SSH
//! endpoint's `allowed_access_ips` (the public API pages in `seeds/`, and the
//! official Go provider's SDK, `golangsdk` `EndpointsReq`), and the instance's own
//! `create_at` / `update_at` (`golangsdk` `Notebook`, read by the official provider).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A null or absent value decodes as the type's default.
fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A notebook's status. Statuses this client does not know are kept as `Other`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Status {
    /// `INIT`: being set up.
    Init,
    /// `CREATING`.
    Creating,
    /// `STARTING`.
    Starting,
    /// `STOPPING`.
    Stopping,
    /// `DELETING`.
    Deleting,
    /// `RUNNING`.
    Running,
    /// `STOPPED`.
    Stopped,
    /// `SNAPSHOTTING`: an image is being saved from it.
    Snapshotting,
    /// `CREATE_FAILED`.
    CreateFailed,
    /// `START_FAILED`.
    StartFailed,
    /// `DELETE_FAILED`.
    DeleteFailed,
    /// `ERROR`.
    Error,
    /// `DELETED`.
    Deleted,
    /// `FROZEN`.
    Frozen,
    /// No status in the answer.
    #[default]
    Unknown,
    /// A status this client does not know, as the API wrote it.
    Other(String),
}

const STATUS_NAMES: &[(Status, &str)] = &[
    (Status::Init, "INIT"),
    (Status::Creating, "CREATING"),
    (Status::Starting, "STARTING"),
    (Status::Stopping, "STOPPING"),
    (Status::Deleting, "DELETING"),
    (Status::Running, "RUNNING"),
    (Status::Stopped, "STOPPED"),
    (Status::Snapshotting, "SNAPSHOTTING"),
    (Status::CreateFailed, "CREATE_FAILED"),
    (Status::StartFailed, "START_FAILED"),
    (Status::DeleteFailed, "DELETE_FAILED"),
    (Status::Error, "ERROR"),
    (Status::Deleted, "DELETED"),
    (Status::Frozen, "FROZEN"),
];

impl Status {
    /// The status called `s` by the API.
    pub fn parse(s: &str) -> Status {
        STATUS_NAMES.iter().find(|(_, n)| *n == s).map_or_else(
            || if s.is_empty() { Status::Unknown } else { Status::Other(s.to_string()) },
            |(st, _)| st.clone(),
        )
    }

    /// The API's name of the status.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Other(s) => s,
            Status::Unknown => "",
            known => STATUS_NAMES.iter().find(|(st, _)| st == known).map_or("", |(_, n)| n),
        }
    }

    /// On its way somewhere: wait before acting on the instance.
    pub fn is_transitional(&self) -> bool {
        matches!(
            self,
            Status::Init
                | Status::Creating
                | Status::Starting
                | Status::Stopping
                | Status::Deleting
                | Status::Snapshotting
        )
    }

    /// A failed end state: waiting longer will not help.
    pub fn is_failure(&self) -> bool {
        matches!(self, Status::Error | Status::CreateFailed | Status::StartFailed | Status::DeleteFailed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if *self == Status::Unknown { "(none)" } else { self.as_str() })
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Status::parse(&nullable::<D, String>(d)?))
    }
}

/// A secret string (the notebook web UI's token): never shown by `Debug`, never
/// echoed by a decode error, whatever its JSON type.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Secret(s),
            _ => Secret::default(),
        })
    }
}

/// The image of an instance (SDK `Image` of `NotebookResp`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct NotebookImage {
    /// The image's ID.
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    /// The image's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where the image is in SWR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swr_path: Option<String>,
    /// The image's tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// `BUILD_IN` or `DEDICATED`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// An instance's auto-stop (SDK `Lease`); times in milliseconds since the epoch.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Lease {
    /// When the lease began; `duration` counts from here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_at: Option<i64>,
    /// Milliseconds from `create_at` until auto-stop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Whether auto-stop is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable: Option<bool>,
    /// `TIMING` or `IDLE`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// When the lease last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_at: Option<i64>,
}

/// The volume of an instance (SDK `VolumeRes`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct VolumeRes {
    /// `EVS`, `EFS`, `OBS` or `OBSFS`.
    #[serde(deserialize_with = "nullable")]
    pub category: String,
    /// The dedicated EFS file system's ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `MANAGED`, or `DEDICATED` (EFS only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership: Option<String>,
    /// GB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
    /// Where the volume is mounted in the notebook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
    /// A dedicated EFS share path, or an OBS path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// What is happening to the volume: `RESIZING` while an EVS volume grows (the
    /// instance stays usable); absent when nothing is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// Volume statuses during which the next change must wait (the official provider
/// waits them out after growing storage).
pub const VOLUME_BUSY_STATUSES: &[&str] = &["INITIALIZING", "RESIZING", "DELETING"];

impl VolumeRes {
    /// Whether something is happening to the volume (a resize, ...).
    pub fn is_busy(&self) -> bool {
        self.status.as_deref().is_some_and(|s| VOLUME_BUSY_STATUSES.contains(&s))
    }
}

/// An access endpoint of an instance (SDK `EndpointsRes`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct EndpointRes {
    /// The service, e.g. `SSH`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The development service, e.g. `SSH` or `NOTEBOOK`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev_service: Option<String>,
    /// The SSH key pairs' names.
    #[serde(alias = "ssh_keys", deserialize_with = "nullable")]
    pub key_pair_names: Vec<String>,
    /// Documented on the public API pages and read by the official provider; not in
    /// the SDK's current `EndpointsRes`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub allowed_access_ips: Vec<String>,
    /// The instance's private IP address for the endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

/// The dedicated resource pool of an instance (SDK `Pool`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct PoolRef {
    /// The pool's ID.
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    /// The pool's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A notebook instance, as show / create / update / start / stop answer it.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(default)]
pub struct Notebook {
    /// The notebook's ID (a UUID).
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    /// The notebook's name.
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// The notebook's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The flavor's ID, e.g. `modelarts.vm.cpu.2u`.
    #[serde(deserialize_with = "nullable")]
    pub flavor: String,
    /// Where the notebook is in its life.
    pub status: Status,
    /// Why it failed, for a failed status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
    /// The image it runs.
    #[serde(deserialize_with = "nullable")]
    pub image: NotebookImage,
    /// Its auto-stop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease: Option<Lease>,
    /// The web UI's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The web UI's access token (SDK: the token used for authentication); never printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// Its storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeRes>,
    /// Its access endpoints (SSH).
    #[serde(deserialize_with = "nullable")]
    pub endpoints: Vec<EndpointRes>,
    /// The workspace it belongs to (`0`: the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The dedicated resource pool it runs in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolRef>,
    /// `NOTEBOOK` (billed) or `DEFAULT` (the free CodeLab one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// Milliseconds since the epoch. Not in the SDK's `ShowNotebookResponse`; the
    /// official provider reads them (`golangsdk` `Notebook.CreateAt` / `UpdateAt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_at: Option<i64>,
    /// Milliseconds since the epoch, of the last change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_at: Option<i64>,
}

impl Notebook {
    /// The SSH endpoint, if the instance has one.
    pub fn ssh_endpoint(&self) -> Option<&EndpointRes> {
        self.endpoints.iter().find(|e| e.service.as_deref() == Some("SSH") || e.dev_service.as_deref() == Some("SSH"))
    }
}

/// Storage at create (SDK `VolumeMountRequest`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct VolumeReq {
    /// `EVS`, `EFS`, `OBS` or `OBSFS`.
    pub category: String,
    /// `MANAGED`, or `DEDICATED` (EFS only).
    pub ownership: String,
    /// GB, EVS only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
    /// A dedicated EFS share path, or an OBS / OBSFS path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// A dedicated EFS file system's ID (a UUID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the volume is mounted; the API's default is `/home/ma-user/work/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
}

/// The SSH endpoint in create and update (SDK `EndpointsReq`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct EndpointReq {
    /// `SSH`.
    pub service: String,
    /// The SSH key pairs' names.
    #[serde(deserialize_with = "nullable")]
    pub key_pair_names: Vec<String>,
    /// Addresses allowed to reach the endpoint; absent means all. Documented on the
    /// public API pages (`seeds/update-notebook.txt`, "EndpointsReq") and sent by the
    /// official provider; the SDK's current `EndpointsReq` lacks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_access_ips: Option<Vec<String>>,
}

/// Auto-stop: `duration` in milliseconds from now, `type` TIMING or IDLE (SDK `LeaseReq`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct LeaseReq {
    /// Milliseconds until auto-stop.
    pub duration: i64,
    /// `TIMING` or `IDLE`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The `duration` that turns auto-stop off, at create and at start (the official
/// provider sends it at every create and start).
pub const AUTO_STOP_OFF: i64 = -1;

/// One startup script (SDK `Config` of `ContainerHooks`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct HookConfig {
    /// `COMMAND`: the command text, base64-encoded; `SCRIPT`: an absolute path in the container.
    pub script: String,
    /// `COMMAND` or `SCRIPT` (the API's default).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `BLOCK` (synchronous) or `ASYNC` (the API's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// SDK `ContainerHooks`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ContainerHooks {
    /// Runs before the notebook starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_start: Option<HookConfig>,
    /// Runs after the notebook started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_start: Option<HookConfig>,
}

/// Startup scripts, at create and in an update (SDK `CustomHooks`). The instance
/// answers never carry them.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CustomHooks {
    /// The scripts, by when they run.
    pub container_hooks: ContainerHooks,
}

/// The create body (SDK `NotebookCreateRequest`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CreateNotebook {
    /// The notebook's name.
    pub name: String,
    /// The notebook's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The flavor's ID.
    pub flavor: String,
    /// The image's ID.
    pub image_id: String,
    /// Its storage.
    pub volume: VolumeReq,
    /// The SSH endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<EndpointReq>>,
    /// The workspace (`0`: the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The dedicated resource pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_id: Option<String>,
    /// Startup scripts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hooks: Option<CustomHooks>,
    /// Auto-stop on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease: Option<LeaseReq>,
    /// [`AUTO_STOP_OFF`] turns auto-stop off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// `NOTEBOOK` (billed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
}

/// The update (PUT) body (SDK `NotebookUpdateRequest`): only what changes is sent.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct UpdateNotebook {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new flavor (the notebook must be stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flavor: Option<String>,
    /// A new image (the notebook must be stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// A larger EVS volume, in GB (the notebook must be running).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_new_size: Option<i64>,
    /// New SSH addresses (the notebook must be stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<EndpointReq>>,
    /// New startup scripts (the notebook must be stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hooks: Option<CustomHooks>,
}

impl UpdateNotebook {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == UpdateNotebook::default()
    }
}

/// A flavor's GPUs (SDK `GPUInfo`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct GpuInfo {
    /// How many GPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<i64>,
    /// Memory per GPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_memory: Option<String>,
    /// The GPU model.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// How a flavor is billed (SDK `BillingInfo`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct BillingInfo {
    /// The billing code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Billing units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_num: Option<i64>,
}

/// A notebook flavor (SDK `NotebookFlavor`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Flavor {
    /// The flavor's ID, e.g. `modelarts.vm.cpu.2u`.
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    /// The flavor's name.
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// `x86_64` or `aarch64` (lower case in the SDK's `NotebookFlavor`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// `CPU`, `GPU` or `ASCEND`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The flavor's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Older answers carry it (`golangsdk` `Flavor`); the SDK's model does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// Whether it is free of charge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free: Option<bool>,
    /// No capacity left for it now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sold_out: Option<bool>,
    /// vCPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<i64>,
    /// Memory in MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// Its GPUs, for a GPU flavor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<GpuInfo>,
    /// How it is billed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing: Option<BillingInfo>,
    /// Storage types it supports: `EVS`, `EFS`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub storages: Vec<String>,
}

/// An image (SDK `ImageResponse`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Image {
    /// The image's ID.
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    /// The image's name.
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// Where the image is in SWR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swr_path: Option<String>,
    /// The image's tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// `BUILD_IN` or `DEDICATED`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `X86_64` or `AARCH64` (upper case in the SDK's `ImageResponse`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// What the image is for: `COMMON`, `INFERENCE`, `TRAIN`, `DEV` or `UNKNOWN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    /// The image's status, e.g. `ACTIVE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Flavor categories it runs on: `CPU`, `GPU`, `ASCEND`.
    #[serde(deserialize_with = "nullable")]
    pub resource_categories: Vec<String>,
    /// Ways to reach a notebook of it: `NOTEBOOK`, `SSH` (from the instance's
    /// `Image`; the official provider's images data source reads them).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub dev_services: Vec<String>,
    /// The image's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `PRIVATE` or `PUBLIC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    /// The workspace it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The SWR organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Storage mounted into a running notebook (SDK `DataVolumesRes`,
/// `ShowDynamicStorageResponse`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Mount {
    /// The mount's ID.
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    /// `OBS`, `OBSFS` or `EFS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The storage path, e.g. `obs://bucket/dir/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Where it is mounted, a sub-directory of `/data/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
    /// `MOUNTING`, `MOUNTED`, `MOUNT_FAILED`, `UNMOUNTING`, `UNMOUNT_FAILED`, `UNMOUNTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Why a mount failed (status `MOUNT_FAILED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// The EFS file system's ID, for an EFS mount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub efs_id: Option<String>,
    /// `STATIC` or `DYNAMIC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_type: Option<String>,
}

/// One page of a list call.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(default, bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// The page's number.
    #[serde(deserialize_with = "nullable")]
    pub current: i64,
    /// The page's items.
    #[serde(deserialize_with = "nullable")]
    pub data: Vec<T>,
    /// How many pages there are.
    #[serde(deserialize_with = "nullable")]
    pub pages: i64,
    /// Items per page.
    #[serde(deserialize_with = "nullable")]
    pub size: i64,
    /// How many items there are in all.
    #[serde(deserialize_with = "nullable")]
    pub total: i64,
    /// The flavors call may carry its list here instead of (or as well as) in `data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flavors: Option<Vec<T>>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { current: 0, data: Vec::new(), pages: 0, size: 0, total: 0, flavors: None }
    }
}

impl<T> Page<T> {
    /// The page's items, from `data` or `flavors`.
    pub fn into_items(self) -> Vec<T> {
        match self.flavors {
            Some(f) if self.data.is_empty() => f,
            _ => self.data,
        }
    }
}

/// The switchable-flavors answer; some regions name the list `data`.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(default)]
pub struct SwitchableFlavors {
    /// The flavors, in regions that call the list this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flavors: Option<Vec<Flavor>>,
    /// The flavors, in regions that call the list this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<Flavor>>,
}

impl SwitchableFlavors {
    /// The flavors, from whichever field has them.
    pub fn into_list(self) -> Vec<Flavor> {
        self.flavors.or(self.data).unwrap_or_default()
    }
}

/// The API's error body.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
#[serde(default)]
pub struct ErrorBody {
    /// The API's error code, e.g. `ModelArts.6357`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The API's error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_seed_pages_example_and_ignores_unknown_fields() {
        let j = r#"{
          "description": "api-test", "feature": "NOTEBOOK", "flavor": "modelarts.vm.cpu.2u",
          "id": "f9937afa-4451-42db-a76b-72d624749f66",
          "image": {"description": "d", "id": "e1a07296-22a8-4f05-8bc8-e936c8e54090",
            "name": "notebook2.0-mul-kernel-cpu-cp36", "swr_path": "swr.xxxxx.com/atelier/x:3.3.2", "tag": "3.3.2-release_v1", "type": "BUILD_IN"},
          "lease": {"create_at": 1638841744515, "duration": 6327212, "enable": true, "type": "TIMING", "update_at": 1638844471727},
          "name": "notebooks_test", "status": "STARTING", "token": "5cc60e8b-8772-7690-efd6-a5874ca387c0",
          "url": "https://authoring/lab", "volume": {"category": "EFS", "ownership": "MANAGED", "mount_path": "/home/ma-user/work/", "capacity": 50},
          "workspace_id": "0", "brand_new_field": {"x": 1}, "endpoints": null, "action_progress": []
        }"#;
        let n: Notebook = serde_json::from_str(j).unwrap();
        assert_eq!(n.status, Status::Starting);
        assert_eq!(n.image.kind.as_deref(), Some("BUILD_IN"));
        assert_eq!(n.volume.as_ref().unwrap().capacity, Some(50));
        assert_eq!(n.lease.as_ref().unwrap().duration, Some(6327212));
        assert!(n.endpoints.is_empty());
        assert!(!format!("{n:?}").contains("5cc60e8b"), "the token never shows in Debug output");
    }

    #[test]
    fn minimal_and_odd_bodies() {
        let n: Notebook =
            serde_json::from_str(r#"{"id":"x","status":"SOMETHING_NEW","token":42,"name":null}"#).unwrap();
        assert_eq!(n.status, Status::Other("SOMETHING_NEW".into()));
        assert_eq!(n.token, Some(Secret::default()));
        assert_eq!(n.name, "");
        let e: EndpointRes = serde_json::from_str(r#"{"service":"SSH","ssh_keys":["k"],"uri":"1.2.3.4:22"}"#).unwrap();
        assert_eq!(e.key_pair_names, vec!["k"]);
        let s: SwitchableFlavors = serde_json::from_str(r#"{"data":[{"id":"a"}]}"#).unwrap();
        assert_eq!(s.into_list()[0].id, "a");
    }

    #[test]
    fn status_names_round_trip() {
        for (st, name) in STATUS_NAMES {
            assert_eq!(Status::parse(name), *st);
            assert_eq!(st.as_str(), *name);
        }
        assert!(Status::Stopping.is_transitional());
        assert!(Status::StartFailed.is_failure());
        assert!(!Status::Running.is_transitional());
    }

    #[test]
    fn update_body_sends_only_changes() {
        let u = UpdateNotebook { flavor: Some("f".into()), ..Default::default() };
        assert_eq!(serde_json::to_string(&u).unwrap(), r#"{"flavor":"f"}"#);
        assert!(UpdateNotebook::default().is_empty());
    }
}
