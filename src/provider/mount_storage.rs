//! `modelarts_notebook_mount_storage`: an OBS directory mounted into a running
//! notebook. Attribute names, the ID (`{notebook_id}/{mount_id}`) and the request
//! (category `OBS`) are the official provider's
//! `huaweicloud_modelarts_notebook_mount_storage`; the API's rules are in
//! `docs/development/modelarts-api.md`, "Dynamic storage mounts": the body is
//! `{category, uri, mount_path}` (no read-only option), an OBS path reads back as
//! `OBSFS` (a parallel file system), at most 10 mounts per notebook. Every argument
//! replaces the mount, so there is no in-place update.

use std::time::Instant;

use async_trait::async_trait;

use crate::client::codes::ErrorCode;
use crate::client::enums::{MountCategory, MountStatus};
use crate::client::ids::{MountId, NotebookId};
use crate::client::mounts::{MountRequest, MAX_MOUNTS_PER_NOTEBOOK};
use crate::client::types::Mount;
use crate::client::{limits, ApiError, Client};
use crate::enums::{StringEnum, Word};
use crate::framework::model::IntoValue;
use crate::framework::resource::{
    Capabilities, ImportStateRequest, ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, MoveStateRequest,
    MoveStateResponse, ResourceWithImportState, ResourceWithMoveState,
};
use crate::framework::timeouts::{self, Timeout};
use crate::framework::validators::Text;
use crate::framework::{Attribute, Block, CallContext, Ctx, Failure, ModelResource, Schema};
use crate::protocol::{AttributePath, Diagnostics, Value};

use super::configured::{client, Configured};
use super::diagnose::{api_error, Blame};
use super::official_state::{answer_move, OfficialState};
use super::running_notebook::NeedsRunning;

/// The official provider's type that `moved` blocks take over.
const OFFICIAL_TYPE: &str = "huaweicloud_modelarts_notebook_mount_storage";

const CREATE_TIMEOUT: Timeout =
    Timeout { operation: "create", default: "10m", covers: "Mounting, including the wait for MOUNTED." };
const DELETE_TIMEOUT: Timeout =
    Timeout { operation: "delete", default: "10m", covers: "Unmounting, including the wait until the mount is gone." };

/// Words of a refusal, and the attribute each points at.
const BLAME: &Blame = &[("mount_path", MountModel::LOCAL_MOUNT_DIRECTORY), ("uri", MountModel::STORAGE_PATH)];

pub(crate) fn schema() -> Schema {
    let root = Block::new("Storage mounted into a running notebook: an OBS directory appears as a local directory under `/data/`. The notebook must be running when the mount is made. Changing any argument replaces the mount (unmount, then mount again).")
        .attr(Attribute::string(MountModel::ID).computed().use_state_for_unknown().describe("`{notebook_id}/{mount_id}`, as in the official provider."))
        .attr(Attribute::string(MountModel::REGION).optional_computed().use_state_for_unknown().requires_replace().describe("Region of the notebook: the provider's when omitted."))
        .attr(Attribute::string(MountModel::NOTEBOOK_ID).required().requires_replace().describe("ID of the running notebook to mount into."))
        .attr(
            Attribute::string(MountModel::STORAGE_PATH)
                .required()
                .requires_replace()
                .describe("The OBS directory to mount, `obs://BUCKET/PATH/` (ending in `/`).")
                .validate(Text { check: limits::check_obs_directory, description: "an OBS directory, `obs://bucket/dir/`" }),
        )
        .attr(
            Attribute::string(MountModel::LOCAL_MOUNT_DIRECTORY)
                .required()
                .requires_replace()
                .describe("Where it appears in the notebook: a sub-directory of `/data/` ending in `/`, such as `/data/dir1/`.")
                .validate(Text { check: limits::check_mount_path, description: "a sub-directory of `/data/`, such as `/data/dir1/`" }),
        )
        .attr(Attribute::string(MountModel::MOUNT_ID).computed().use_state_for_unknown().describe("The mount's ID."))
        .attr(Attribute::string(MountModel::TYPE).computed().use_state_for_unknown().describe("The storage type the API reports: `OBSFS` for an OBS path (a parallel file system)."))
        .attr(Attribute::string(MountModel::STATUS).computed().use_state_for_unknown().describe("The mount's status: `MOUNTED` when all is well; a mount found `MOUNT_FAILED` is replaced at the next apply."))
        .block(timeouts::block(&[CREATE_TIMEOUT, DELETE_TIMEOUT]));
    Schema::new(0, root)
}

/// The resource's value: the model names the attributes (`MountModel::STORAGE_PATH`, ...).
#[derive(Clone, Debug, Default, PartialEq, tfplugin::Model)]
pub(crate) struct MountModel {
    pub id: Option<String>,
    pub region: Option<String>,
    pub notebook_id: String,
    pub storage_path: String,
    pub local_mount_directory: String,
    pub mount_id: Option<String>,
    #[tf(name = "type")]
    pub kind: Option<String>,
    pub status: Option<String>,
    pub timeouts: Value,
}

impl MountModel {
    /// This model with what the API reports about mount `m`.
    fn with(mut self, m: &Mount) -> MountModel {
        self.id = Some(format!("{}/{}", self.notebook_id, m.id));
        self.mount_id = Some(m.id.to_string());
        self.storage_path = m.uri.clone().unwrap_or(self.storage_path);
        self.local_mount_directory = m.mount_path.clone().unwrap_or(self.local_mount_directory);
        self.kind = m.category.as_ref().map(|c| c.to_string()).or(self.kind);
        self.status = m.status.as_ref().map(Word::to_string).or(self.status);
        self
    }
}

/// The model with its region filled in, and the client of that region.
async fn prepare(ctx: &Ctx<'_, Configured>, model: MountModel) -> Result<(MountModel, Client), Diagnostics> {
    let (api, region) = ctx.data()?.region_client(model.region.as_deref(), ctx.cancel()).await?;
    Ok((MountModel { region: Some(region.into_string()), ..model }, api))
}

/// A mount needs its notebook running.
const NEEDS_RUNNING: NeedsRunning = NeedsRunning {
    rule: "Storage can be mounted only into a running notebook",
    refusal: "Cannot mount into this notebook",
    why: "a mount needs it running",
    attr: MountModel::NOTEBOOK_ID,
};

/// `modelarts_notebook_mount_storage`.
#[derive(Debug)]
pub(crate) struct MountStorageResource;

#[async_trait]
impl ModelResource for MountStorageResource {
    type Model = MountModel;
    type Data = Configured;

    fn type_name(&self) -> &'static str {
        "modelarts_notebook_mount_storage"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    /// A mount found failed is replaced; a new mount's notebook is looked at now,
    /// so a missing notebook fails the plan and a stopped one is pointed out.
    async fn modify_plan(&self, ctx: &CallContext, req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
        let failed = [MountStatus::MountFailed.as_str(), MountStatus::UnmountFailed.as_str()];
        if req.state.attr(MountModel::STATUS).as_str().is_some_and(|s| failed.contains(&s)) {
            resp.plan.set_attr(MountModel::STATUS, Value::Unknown);
            resp.requires_replace.push(AttributePath::attr(MountModel::STATUS));
        }
        NEEDS_RUNNING.plan_create(ctx, req, resp).await;
        if req.state.is_null() && !resp.diagnostics.has_errors() {
            let notebook = resp.plan.attr(MountModel::NOTEBOOK_ID).as_str().map(NotebookId::from);
            if let (Some(notebook), Ok((api, _))) =
                (notebook, client(ctx, req.config.attr(MountModel::REGION).as_str()).await)
            {
                if let Err(full) = room_for_a_mount(&api, &notebook).await {
                    resp.diagnostics.error_at(
                        AttributePath::attr(MountModel::NOTEBOOK_ID),
                        "The notebook has no room for another mount",
                        full,
                    );
                }
            }
        }
    }

    async fn create(&self, ctx: &Ctx<'_, Configured>, plan: MountModel) -> Result<MountModel, Failure<MountModel>> {
        let (planned, api) = prepare(ctx, plan).await?;
        create(&api, ctx, planned).await
    }

    async fn read(
        &self,
        ctx: &Ctx<'_, Configured>,
        state: MountModel,
    ) -> Result<Option<MountModel>, Failure<MountModel>> {
        let (current, api) = prepare(ctx, state).await?;
        let Some(mount_id) = current.mount_id.as_deref().map(MountId::from) else { return Ok(None) };
        let notebook = NotebookId::from(&current.notebook_id);
        let looked = match api.get_mount(&notebook, &mount_id).await {
            // `ModelArts.6357` is "gone" to the official provider, but also "busy": the
            // notebook's list of mounts decides, so a busy moment loses no mount.
            Err(e) if e.code_is(ErrorCode::Busy) => match api.list_mounts(&notebook).await {
                Ok(mounts) => mounts.into_iter().find(|m| m.id == mount_id).ok_or(e),
                Err(listing) => Err(listing),
            },
            other => other,
        };
        match looked {
            // The notebook or the mount is gone: so is this resource.
            Err(e) if e.means_mount_gone() => Ok(None),
            Err(e) => Err(Failure::error("Failed to read the storage mount", e.to_string())),
            Ok(m) if m.status.as_ref().is_some_and(|s| s.is(MountStatus::Unmounted)) => Ok(None),
            Ok(m) => Ok(Some(current.with(&m))),
        }
    }

    async fn delete(&self, ctx: &Ctx<'_, Configured>, state: MountModel) -> Result<(), Diagnostics> {
        let (prior, api) = prepare(ctx, state).await?;
        let Some(mount_id) = prior.mount_id.as_deref().map(MountId::from) else { return Ok(()) };
        let notebook = NotebookId::from(&prior.notebook_id);
        unmount(&api, &notebook, &mount_id, &prior.timeouts)
            .await
            .map_err(|e| Diagnostics::with_error("Failed to unmount the storage", e.to_string()))
    }

    fn capabilities(&self) -> Capabilities<'_> {
        Capabilities { import_state: Some(self), move_state: Some(self), ..Capabilities::default() }
    }
}

/// Unmounts and waits until the mount is gone; one already gone is fine.
async fn unmount(api: &Client, notebook: &NotebookId, mount_id: &MountId, timeouts: &Value) -> Result<(), ApiError> {
    tracing::info!(notebook = %notebook, mount = %mount_id, "unmounting storage");
    let timeout = DELETE_TIMEOUT.of(timeouts);
    let api = &api.until(Instant::now() + timeout);
    match api.unmount_storage(notebook, mount_id).await {
        Err(e) if e.is_not_found() => return Ok(()),
        other => other?,
    }
    api.wait_unmounted(notebook, mount_id, timeout).await
}

/// `Err` with why, when `notebook` already has the most mounts the API allows;
/// `Ok` too when its mounts cannot be listed now (the mount itself then tells).
async fn room_for_a_mount(api: &Client, notebook: &NotebookId) -> Result<(), String> {
    match api.list_mounts(notebook).await {
        Ok(mounts) if mounts.len() >= MAX_MOUNTS_PER_NOTEBOOK => Err(format!(
            "Notebook {notebook} already has {} storage mounts, and at most {MAX_MOUNTS_PER_NOTEBOOK} can be mounted into one notebook: unmount one first.",
            mounts.len()
        )),
        _ => Ok(()),
    }
}

/// Mounts the storage and waits for `MOUNTED`; a mount that fails is removed again.
async fn create(
    api: &Client,
    ctx: &Ctx<'_, Configured>,
    planned: MountModel,
) -> Result<MountModel, Failure<MountModel>> {
    let notebook = NotebookId::from(&planned.notebook_id);
    let deadline = Instant::now() + CREATE_TIMEOUT.of(&planned.timeouts);
    // Passing trouble (throttling, an outage) is ridden out within the timeout.
    let api = &api.until(deadline);
    // The notebook must be running (a starting one is waited for).
    NEEDS_RUNNING.wait_running(api, &notebook, deadline).await?;
    if let Err(full) = room_for_a_mount(api, &notebook).await {
        let at = AttributePath::attr(MountModel::NOTEBOOK_ID);
        return Err(Diagnostics::with_error_at(at, "The notebook has no room for another mount", full).into());
    }
    let request = MountRequest {
        category: MountCategory::Obs.into(),
        mount_path: planned.local_mount_directory.clone(),
        uri: planned.storage_path.clone(),
        efs_id: None,
    };
    tracing::info!(notebook = %notebook, path = %request.mount_path, "mounting storage");
    let mounted = api.mount_storage(&notebook, &request).await.map_err(|e| {
        let sent = [MountModel::LOCAL_MOUNT_DIRECTORY, MountModel::STORAGE_PATH];
        api_error("Failed to mount the storage", &e, &sent, BLAME)
    })?;
    // From here on the mount exists: whatever happens next, it is in the state.
    let what = format!("Mounting {} at {}", planned.storage_path, planned.local_mount_directory);
    let timeouts = planned.timeouts.clone();
    let state = planned.with(&mounted);
    ctx.record(&state);
    let left = deadline.saturating_duration_since(Instant::now());
    match api.wait_mounted(&notebook, &mounted.id, left).await {
        Ok(m) => Ok(state.with(&m)),
        Err(ApiError::Failed { status, reason, .. }) => {
            // Nothing is left behind: the failed mount is removed again.
            let removed = unmount(api, &notebook, &mounted.id, &timeouts).await;
            let reason = if reason.is_empty() { "the API gave no reason".to_string() } else { reason };
            let detail = match &removed {
                Ok(()) => format!("{what} ended in {status}: {reason}. The failed mount was removed."),
                Err(e) => format!("{what} ended in {status}: {reason}. Removing the failed mount failed too ({e}); it is kept in the state, and the next apply replaces it."),
            };
            let failure = Failure::error("Failed to mount the storage", detail);
            match removed {
                Ok(()) => {
                    ctx.forget();
                    Err(failure)
                }
                Err(_) => Err(failure.with_state(state)),
            }
        }
        // Kept in the state (Terraform taints it): never a mount nobody knows about.
        Err(e) => Err(Failure::error(
            "Storage mount did not finish",
            format!(
                "Mount {} of notebook {notebook} is kept in the state (Terraform marks it tainted): {e}.",
                mounted.id
            ),
        )
        .with_state(state)),
    }
}

#[async_trait]
impl ResourceWithMoveState for MountStorageResource {
    /// From the official `huaweicloud_modelarts_notebook_mount_storage` (schema
    /// version 0), whose attributes these are.
    async fn move_state(&self, _: &CallContext, req: &MoveStateRequest<'_>, resp: &mut MoveStateResponse) {
        answer_move(req, resp, OFFICIAL_TYPE, from_official_state);
    }
}

fn from_official_state(parsed: &serde_json::Value) -> Result<Value, Diagnostics> {
    let mut src = OfficialState::of(OFFICIAL_TYPE, parsed)?;
    let id = src.required(MountModel::ID);
    // The official ID is `{notebook_id}/{mount_id}`; `mount_id` repeats its second half.
    let mount_id = match src.optional(MountModel::MOUNT_ID) {
        Value::Null => id.as_str().and_then(|i| i.split_once('/')).map_or(Value::Null, |(_, m)| Value::from(m)),
        v => v,
    };
    if mount_id.is_null() {
        src.missing(MountModel::MOUNT_ID);
    }
    let state = Value::object([
        (MountModel::ID, id),
        (MountModel::REGION, src.optional(MountModel::REGION)),
        (MountModel::NOTEBOOK_ID, src.required(MountModel::NOTEBOOK_ID)),
        (MountModel::STORAGE_PATH, src.required(MountModel::STORAGE_PATH)),
        (MountModel::LOCAL_MOUNT_DIRECTORY, src.required(MountModel::LOCAL_MOUNT_DIRECTORY)),
        (MountModel::MOUNT_ID, mount_id),
        (MountModel::TYPE, src.optional(MountModel::TYPE)),
        (MountModel::STATUS, src.optional(MountModel::STATUS)),
        (MountModel::TIMEOUTS, Value::Null),
    ]);
    src.finish(state)
}

#[async_trait]
impl ResourceWithImportState for MountStorageResource {
    /// `NOTEBOOK_ID/MOUNT_ID`, as in the official provider, or `REGION/NOTEBOOK_ID/MOUNT_ID`.
    async fn import_state(&self, ctx: &CallContext, req: &ImportStateRequest<'_>, resp: &mut ImportStateResponse) {
        let parts: Vec<&str> = req.id.split('/').collect();
        let (region, notebook, mount) = match parts.as_slice() {
            [n, m] if !n.is_empty() && !m.is_empty() => (None, *n, *m),
            [r, n, m] if !r.is_empty() && !n.is_empty() && !m.is_empty() => (Some(*r), *n, *m),
            _ => {
                return resp.diagnostics.error(
                    "Invalid import ID",
                    format!("{:?} is not NOTEBOOK_ID/MOUNT_ID (or REGION/NOTEBOOK_ID/MOUNT_ID).", req.id),
                )
            }
        };
        let (api, region) = match client(ctx, region).await {
            Ok(c) => c,
            Err(d) => return resp.diagnostics.extend(d),
        };
        match api.get_mount(&notebook.into(), &mount.into()).await {
            Ok(m) => {
                let base = MountModel {
                    region: Some(region.into_string()),
                    notebook_id: notebook.to_string(),
                    ..Default::default()
                };
                resp.state = Some(base.with(&m).into_value());
            }
            Err(e) if e.is_not_found() => resp.diagnostics.error(
                "Cannot import the storage mount",
                format!("Notebook {notebook} has no storage mount {mount:?} in region {region}."),
            ),
            Err(e) => resp.diagnostics.error("Cannot import the storage mount", e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::decode;

    #[test]
    fn the_model_covers_the_schema() {
        let s = schema();
        let mut names: Vec<&str> =
            s.block.attributes.iter().map(|a| a.name).chain(s.block.blocks.iter().map(|b| b.name)).collect();
        names.sort();
        let model = MountModel { notebook_id: "n".into(), ..Default::default() }.into_value();
        let Value::Object(m) = &model else { panic!("an object") };
        assert_eq!(m.keys().map(|k| k.as_str()).collect::<Vec<_>>(), names);
        assert!(crate::protocol::value::conforms(&model, &s.ty()).is_ok());
        let back: MountModel = decode(&model).unwrap();
        assert_eq!(back.notebook_id, "n");
        use crate::framework::TfType;
        assert_eq!(crate::framework::model::agree(&s.ty(), &MountModel::tf_type()), Ok(()));
    }

    #[test]
    fn an_official_mount_moves_with_every_counterpart() {
        let official = serde_json::json!({
            "id": "nb-1/m-1", "region": "cn-north-4", "notebook_id": "nb-1", "storage_path": "obs://b/d/",
            "local_mount_directory": "/data/d/", "type": "OBS", "mount_id": "m-1", "status": "MOUNTED"
        });
        let v = from_official_state(&official).unwrap();
        assert!(crate::protocol::value::conforms(&v, &schema().ty()).is_ok());
        let m: MountModel = decode(&v).unwrap();
        assert_eq!((m.mount_id.as_deref(), m.region.as_deref()), (Some("m-1"), Some("cn-north-4")));
        let mut no_mount_id = official.clone();
        no_mount_id["mount_id"] = serde_json::json!("");
        assert_eq!(from_official_state(&no_mount_id).unwrap().attr(MountModel::MOUNT_ID), &Value::from("m-1"));
        let broken = serde_json::json!({"id": "x", "notebook_id": 5, "storage_path": "obs://b/d/"});
        let e = from_official_state(&broken).unwrap_err();
        let text = format!("{e:?}");
        assert!(
            text.contains("notebook_id") && text.contains("local_mount_directory") && text.contains("mount_id"),
            "{text}"
        );
    }

    #[test]
    fn every_argument_replaces_the_mount() {
        // Without an in-place update, only Terraform-side settings may change in place.
        let s = schema();
        for a in s.block.attributes.iter().filter(|a| a.mode != crate::framework::Mode::Computed) {
            assert!(a.requires_replace, "{} must replace the mount", a.name);
        }
    }
}
