//! What the API answers about a notebook instance and the storage mounted into it.

use serde::{Deserialize, Serialize};

use super::{lenient, nullable, Secret, Status};
use crate::enums::{
    ImageOrigin, LeaseType, MountCategory, MountStatus, NotebookFeature, Ownership, VolumeCategory, VolumeStatus, Word,
};
use crate::ids::{FlavorId, ImageId, MountId, NotebookId};

/// The image of an instance (SDK `Image` of `NotebookResp`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct NotebookImage {
    /// The image's ID.
    #[serde(deserialize_with = "nullable")]
    pub id: ImageId,
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
    /// How the image was made: `IMAGE_SAVE` when saved from a notebook, `CUSTOMIZE`
    /// when built by a user (SDK `Image.origin`). After a save, the notebook runs
    /// the saved image, and this says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Word<ImageOrigin>>,
}

impl NotebookImage {
    /// Whether the notebook runs an image saved from a notebook (`origin` is
    /// `IMAGE_SAVE`; `None` when the answer does not say).
    pub fn is_saved(&self) -> Option<bool> {
        self.origin.as_ref().map(|o| o.is(ImageOrigin::ImageSave))
    }
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
    pub kind: Option<Word<LeaseType>>,
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
    pub category: Word<VolumeCategory>,
    /// The dedicated EFS file system's ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `MANAGED`, or `DEDICATED` (EFS only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership: Option<Word<Ownership>>,
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
    pub status: Option<Word<VolumeStatus>>,
}

impl VolumeRes {
    /// Whether something is happening to the volume that the next change must wait
    /// out (a resize, ...): one of the [`VolumeStatus`] words.
    pub fn is_busy(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.known().is_some())
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
    pub id: NotebookId,
    /// The notebook's name.
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    /// The notebook's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The flavor's ID, e.g. `modelarts.vm.cpu.2u`.
    #[serde(deserialize_with = "nullable")]
    pub flavor: FlavorId,
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
    pub feature: Option<Word<NotebookFeature>>,
    /// Milliseconds since the epoch. Not in the SDK's `ShowNotebookResponse`; the
    /// official provider reads them (`golangsdk` `Notebook.CreateAt` / `UpdateAt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_at: Option<i64>,
    /// Milliseconds since the epoch, of the last change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_at: Option<i64>,
    /// The owner's user ID (SDK `NotebookResp.user_id`).
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The IP address of the node it runs on (SDK `NotebookResp.ip`).
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// The JupyterLab version (SDK `NotebookResp.jupyter_version`).
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub jupyter_version: Option<String>,
    /// What is billed, e.g. `COMPUTE`, `STORAGE` (SDK `NotebookResp.billing_items`).
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Vec::is_empty")]
    pub billing_items: Vec<String>,
    /// Extra storage (SDK `NotebookResp.data_volumes`, of `VolumeResponse`).
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Vec::is_empty")]
    pub data_volumes: Vec<DataVolume>,
    /// Its tags (SDK `NotebookResp.tags`, of `TmsTagResponse`): acted on, so read strictly.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// The custom flavor of a dedicated pool (SDK `NotebookCustomSpecRep`), kept as
    /// the API sent it: only shown, never interpreted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_spec: Option<serde_json::Value>,
    /// The user's VPC it is attached to (SDK `UserVpcResponse`), kept as the API sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_vpc: Option<serde_json::Value>,
}

/// Extra storage of an instance (SDK `VolumeResponse`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct DataVolume {
    /// The storage type, e.g. `OBS`, `EFS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Word<VolumeCategory>>,
    /// Where it is mounted in the notebook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
    /// Where the data comes from, e.g. `obs://bucket/dir/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The mount's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Word<MountStatus>>,
    /// `STATIC` or `DYNAMIC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_type: Option<String>,
}

/// A tag of an instance (SDK `TmsTagResponse`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Tag {
    /// The tag's key.
    #[serde(deserialize_with = "nullable")]
    pub key: String,
    /// The tag's value.
    #[serde(deserialize_with = "nullable")]
    pub value: String,
}

impl Notebook {
    /// Its tags as a map (a key listed twice keeps its last value).
    pub fn tag_map(&self) -> std::collections::BTreeMap<String, String> {
        self.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect()
    }

    /// The SSH endpoint, if the instance has one.
    pub fn ssh_endpoint(&self) -> Option<&EndpointRes> {
        self.endpoints.iter().find(|e| e.service.as_deref() == Some("SSH") || e.dev_service.as_deref() == Some("SSH"))
    }
}

/// Storage mounted into a running notebook (SDK `DataVolumesRes`,
/// `ShowDynamicStorageResponse`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Mount {
    /// The mount's ID.
    #[serde(deserialize_with = "nullable")]
    pub id: MountId,
    /// `OBS`, `OBSFS` or `EFS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Word<MountCategory>>,
    /// The storage path, e.g. `obs://bucket/dir/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Where it is mounted, a sub-directory of `/data/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
    /// `MOUNTING`, `MOUNTED`, `MOUNT_FAILED`, `UNMOUNTING`, `UNMOUNT_FAILED`, `UNMOUNTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Word<MountStatus>>,
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
