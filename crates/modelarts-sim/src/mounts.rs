//! Storage mounted into a running notebook ("dynamic storage mounts"), as the
//! evidence says the API treats it (`docs/development/modelarts-api.md`, "Dynamic storage
//! mounts"; SDK `DataVolumesReq` / `DataVolumesRes`; the official Go provider's
//! `huaweicloud_modelarts_notebook_mount_storage`): the notebook must be RUNNING;
//! the path is a sub-directory of `/data/` ending in `/`; an OBS path is
//! `obs://bucket/dir/`; a mount goes `MOUNTING` → `MOUNTED` (or `MOUNT_FAILED` with
//! a `failure_reason`), an unmount `UNMOUNTING` → gone.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value as J;

use super::records::MountRecord;
use super::reply::{bad_parameter, notebook, parse_body, refused, to_json, uuid_v4, Ctx, Refused};
use super::rules::{self, code};
use super::store::Ending;
use modelarts_api::enums::{MountCategory, MountStatus};
use modelarts_api::enums::{StringEnum, Word};
use modelarts_api::types::{Mount, Status};

/// The mount request (SDK `DataVolumesReq`; the AttachDynamicStorage API page;
/// golangsdk's `MountStorageOpts`): these keys and no other — there is no
/// read-only option, so a body with more is refused.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct MountRequest {
    category: String,
    mount_path: String,
    uri: String,
    efs_id: Option<String>,
}

/// "A maximum of 10 storages can be mounted" (the official provider's docs of
/// `huaweicloud_modelarts_notebook_mount_storage`).
const MOUNTS_PER_NOTEBOOK: usize = 10;

/// The category a mount reads back as: an OBS path is mounted as a parallel file
/// system (the API page's example sends `OBS` and answers `OBSFS`; the official
/// provider's docs and acceptance test expect `type = "OBSFS"`).
fn mounted_category(asked: &str) -> &str {
    if asked == MountCategory::Obs.as_str() {
        MountCategory::Obsfs.as_str()
    } else {
        asked
    }
}

fn mount_not_found<T>(id: &str) -> Result<T, Refused> {
    refused(404, code::DOES_NOT_EXIST, format!("The storage mount does not exist: {id}"))
}

pub(crate) fn mount(id: &str, body: &[u8], ctx: &mut Ctx<'_>, during: Duration) -> Result<J, Refused> {
    let req: MountRequest = parse_body(body)?;
    let ending = ctx.ending.clone();
    let r = notebook(ctx.store, ctx.project, id, false)?;
    if r.notebook.status != Status::Running {
        return bad_parameter(format!(
            "Parameter error: storage can be mounted only into a running instance; instance {id} is {}",
            r.notebook.status
        ));
    }
    if MountCategory::parse(&req.category).is_none() {
        return bad_parameter(format!(
            "Parameter error: category must be one of {}, not {:?}",
            MountCategory::NAMES.join(", "),
            req.category
        ));
    }
    if let Err(e) = rules::mount_path(&req.mount_path) {
        return bad_parameter(format!("Parameter error: mount_path {e}"));
    }
    if req.category != "EFS" {
        if let Err(e) = rules::obs_directory(&req.uri) {
            return bad_parameter(format!("Parameter error: uri {e}"));
        }
    }
    if req.category == "EFS" && req.efs_id.is_none() {
        return bad_parameter("Parameter error: an EFS mount needs efs_id");
    }
    if r.mounts.len() >= MOUNTS_PER_NOTEBOOK {
        return bad_parameter(format!(
            "Parameter error: at most {MOUNTS_PER_NOTEBOOK} storages can be mounted into an instance; instance {id} has {}",
            r.mounts.len()
        ));
    }
    if r.mounts.iter().any(|m| m.mount.mount_path.as_deref() == Some(req.mount_path.as_str())) {
        return bad_parameter(format!("Parameter error: {} is already a mount point of instance {id}", req.mount_path));
    }
    let mount = Mount {
        id: uuid_v4().into(),
        category: Some(Word::parse(mounted_category(&req.category))),
        uri: Some(req.uri),
        mount_path: Some(req.mount_path),
        status: Some(MountStatus::Mounting.into()),
        failure_reason: None,
        efs_id: req.efs_id,
        mount_type: Some("DYNAMIC".into()),
    };
    let (until, fail) = match ending {
        Ending::Normal => (Instant::now().checked_add(during), None),
        Ending::Error(reason) => (Instant::now().checked_add(during), Some(reason)),
        Ending::Stuck => (None, None),
    };
    r.mounts.push(MountRecord { mount: mount.clone(), until, in_transition: true, fail, removing: false });
    Ok(to_json(&mount))
}

pub(crate) fn show(id: &str, storage_id: &str, ctx: &mut Ctx<'_>) -> Result<J, Refused> {
    let r = notebook(ctx.store, ctx.project, id, false)?;
    match r.mounts.iter().find(|m| m.mount.id == storage_id) {
        Some(m) => Ok(to_json(&m.mount)),
        None => mount_not_found(storage_id),
    }
}

pub(crate) fn unmount(id: &str, storage_id: &str, ctx: &mut Ctx<'_>, during: Duration) -> Result<J, Refused> {
    let r = notebook(ctx.store, ctx.project, id, false)?;
    let Some(m) = r.mounts.iter_mut().find(|m| m.mount.id == storage_id) else {
        return mount_not_found(storage_id);
    };
    if m.removing {
        return refused(400, code::BUSY, format!("The storage mount {storage_id} is already being unmounted."));
    }
    m.mount.status = Some(MountStatus::Unmounting.into());
    m.removing = true;
    m.in_transition = true;
    m.until = Instant::now().checked_add(during);
    Ok(to_json(&m.mount))
}
