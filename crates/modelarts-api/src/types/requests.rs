//! What the client sends: the create and update bodies and their parts.

use serde::{Deserialize, Serialize};

use super::nullable;
use crate::enums::{HookMode, HookType, LeaseType, NotebookFeature, Ownership, VolumeCategory, Word};
use crate::ids::{FlavorId, ImageId};

/// Storage at create (SDK `VolumeMountRequest`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct VolumeReq {
    /// `EVS`, `EFS`, `OBS` or `OBSFS`.
    pub category: Word<VolumeCategory>,
    /// `MANAGED`, or `DEDICATED` (EFS only).
    pub ownership: Word<Ownership>,
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
    /// public API page *Updating a Notebook Instance* (table "EndpointsReq") and sent by the
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
    pub kind: Word<LeaseType>,
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
    pub kind: Option<Word<HookType>>,
    /// `BLOCK` (synchronous) or `ASYNC` (the API's default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Word<HookMode>>,
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
    pub flavor: FlavorId,
    /// The image's ID.
    pub image_id: ImageId,
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
    pub feature: Option<Word<NotebookFeature>>,
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
    pub flavor: Option<FlavorId>,
    /// A new image (the notebook must be stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<ImageId>,
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
