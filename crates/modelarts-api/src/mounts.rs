//! Storage mounted into a running notebook ("dynamic storage"): the SDK's
//! `AttachDynamicStorage`, `ShowDynamicStorage`, `DetachDynamicStorage` and
//! `ListDynamicStorages` calls, and the waits that follow them.

use std::time::Duration;

use http::Method;
use serde::Serialize;

use super::enums::{MountCategory, MountStatus};
use super::error::ApiError;
use super::types::{Mount, Page};
use super::wait::Seen;
use super::{Call, Client};
use crate::enums::{StringEnum, Word};
use crate::ids::{MountId, NotebookId};

/// The mount request (SDK `DataVolumesReq`): `category`, `uri`, `mount_path` (and
/// `efs_id` for SFS Turbo) — nothing else; there is no read-only option (that
/// exists only on the create/update `data_volumes`, SDK `VolumeMountRequest`).
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
pub struct MountRequest {
    /// `OBS`, `OBSFS` or `EFS`.
    pub category: Word<MountCategory>,
    /// A sub-directory of `/data/`, ending in `/`.
    pub mount_path: String,
    /// `obs://bucket/dir/`, or an SFS Turbo share path.
    pub uri: String,
    /// The SFS Turbo file system, for `EFS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub efs_id: Option<String>,
}

/// At most this many storages are mounted into one notebook (the official
/// provider's docs of `huaweicloud_modelarts_notebook_mount_storage`: "A maximum of
/// 10 storages can be mounted"; the SDK states no limit).
pub const MAX_MOUNTS_PER_NOTEBOOK: usize = 10;

impl ApiError {
    /// Whether a look at a mount (or the wait for its unmount) found it gone: not
    /// found, or `ModelArts.6357`, which the official provider reads as "gone" for
    /// mounts (its `notebookNotFoundErrCodes`: 6309, 6357, 6404, on a mount's read
    /// and while waiting for an unmount).
    pub fn means_mount_gone(&self) -> bool {
        self.is_not_found() || self.code_is(super::codes::ErrorCode::Busy)
    }
}

fn mount_label(notebook: &NotebookId, mount: &MountId) -> String {
    format!("storage mount {mount} of notebook {notebook}")
}

impl Client {
    /// Mounts storage into running notebook `notebook`; the answer is `MOUNTING`.
    pub async fn mount_storage(&self, notebook: &NotebookId, req: &MountRequest) -> Result<Mount, ApiError> {
        self.call(Call::new(Method::POST, format!("notebooks/{notebook}/storage")).json(req)).await
    }

    /// One mount of notebook `notebook`.
    pub async fn get_mount(&self, notebook: &NotebookId, mount: &MountId) -> Result<Mount, ApiError> {
        self.call(Call::new(Method::GET, format!("notebooks/{notebook}/storage/{mount}"))).await
    }

    /// Unmounts; the answer is `UNMOUNTING`, and the mount is gone later.
    pub async fn unmount_storage(&self, notebook: &NotebookId, mount: &MountId) -> Result<(), ApiError> {
        self.execute(&Call::new(Method::DELETE, format!("notebooks/{notebook}/storage/{mount}"))).await.map(|_| ())
    }

    /// The storage mounted into notebook `id` (`GET .../notebooks/{id}/storage`).
    pub async fn list_mounts(&self, id: &NotebookId) -> Result<Vec<Mount>, ApiError> {
        let page: Page<Mount> = self.call(Call::new(Method::GET, format!("notebooks/{id}/storage"))).await?;
        Ok(page.into_items())
    }

    /// Waits until the mount is `MOUNTED`; `MOUNT_FAILED` ends the wait with the
    /// API's `failure_reason`.
    pub async fn wait_mounted(
        &self,
        notebook: &NotebookId,
        mount: &MountId,
        timeout: Duration,
    ) -> Result<Mount, ApiError> {
        let object = mount_label(notebook, mount);
        self.wait_until(&object, MountStatus::Mounted.as_str(), timeout, || async {
            let m = self.get_mount(notebook, mount).await?;
            match m.status.as_ref().and_then(Word::known) {
                Some(MountStatus::Mounted) => Ok(Seen::Reached(m)),
                Some(status @ (MountStatus::MountFailed | MountStatus::Unmounted)) => Err(ApiError::Failed {
                    object: object.clone(),
                    status: status.as_str().to_string(),
                    reason: m.failure_reason.unwrap_or_default(),
                }),
                _ => Ok(Seen::Waiting { status: m.status.map_or_else(|| "unknown".into(), |s| s.to_string()) }),
            }
        })
        .await
    }

    /// Waits until the mount is gone (not found, or `UNMOUNTED`); `UNMOUNT_FAILED`
    /// ends the wait with the API's `failure_reason`.
    pub async fn wait_unmounted(
        &self,
        notebook: &NotebookId,
        mount: &MountId,
        timeout: Duration,
    ) -> Result<(), ApiError> {
        let object = mount_label(notebook, mount);
        self.wait_until(&object, "unmounted", timeout, || async {
            let m = match self.get_mount(notebook, mount).await {
                Err(e) if e.means_mount_gone() => return Ok(Seen::Reached(())),
                other => other?,
            };
            match m.status.as_ref().and_then(Word::known) {
                Some(MountStatus::Unmounted) => Ok(Seen::Reached(())),
                Some(MountStatus::UnmountFailed) => Err(ApiError::Failed {
                    object: object.clone(),
                    status: MountStatus::UnmountFailed.as_str().to_string(),
                    reason: m.failure_reason.unwrap_or_default(),
                }),
                _ => Ok(Seen::Waiting { status: m.status.map_or_else(|| "unknown".into(), |s| s.to_string()) }),
            }
        })
        .await
    }
}
