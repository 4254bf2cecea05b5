//! `modelarts_notebook_image_store`: a running notebook saved as an image (its
//! installed packages and files), to make new notebooks from. Attribute names are
//! the official provider's `huaweicloud_modelarts_notebook_image_store`; the calls
//! are the SDK's `CreateImage` (`POST .../notebooks/{id}/create-image`, "the instance
//! must be running") and `ShowImage`. As in the official provider, destroying the
//! resource keeps the image (it only leaves the state), and every argument replaces
//! it: saving again makes a new image.

use std::time::Instant;

use async_trait::async_trait;

use crate::client::enums::ImageStatus;
use crate::client::ids::{ImageId, NotebookId};
use crate::client::images::SaveImageRequest;
use crate::client::types::{Image, Status};
use crate::client::{limits, ApiError, Client};
use crate::enums::Word;
use crate::framework::resource::{
    Capabilities, ModifyPlanRequest, ModifyPlanResponse, MoveStateRequest, MoveStateResponse, ResourceWithMoveState,
};
use crate::framework::timeouts::{self, Timeout};
use crate::framework::validators::Text;
use crate::framework::{Attribute, Block, CallContext, Ctx, Failure, ModelResource, Schema};
use crate::protocol::{AttributePath, Diagnostics, Type, Value};
use crate::timefmt;

use super::configured::Configured;
use super::diagnose::{api_error, Blame};
use super::official_state::{answer_move, OfficialState};
use super::running_notebook::NeedsRunning;

/// The official provider's type that `moved` blocks take over.
const OFFICIAL_TYPE: &str = "huaweicloud_modelarts_notebook_image_store";

/// Saving copies the notebook's whole environment; the official provider allows
/// 5 minutes, which a large environment can outlast.
const CREATE_TIMEOUT: Timeout = Timeout {
    operation: "create",
    default: "30m",
    covers: "Saving the image, until it is ACTIVE and the notebook runs again.",
};

/// Words of a refusal, and the attribute each points at.
const BLAME: &Blame = &[
    ("namespace", ImageStoreModel::NAMESPACE),
    ("tag", ImageStoreModel::TAG),
    ("description", ImageStoreModel::DESCRIPTION),
    ("workspace", ImageStoreModel::WORKSPACE_ID),
    ("name", ImageStoreModel::NAME),
];

/// An image is saved only from a running notebook.
const NEEDS_RUNNING: NeedsRunning = NeedsRunning {
    rule: "An image can be saved only from a running notebook",
    refusal: "Cannot save an image of this notebook",
    why: "saving an image needs it running",
    attr: ImageStoreModel::NOTEBOOK_ID,
};

pub(crate) fn schema() -> Schema {
    let arg = |name: &'static str| Attribute::string(name).requires_replace();
    let computed = |name: &'static str, what: &'static str| {
        Attribute::string(name).computed().use_state_for_unknown().describe(what)
    };
    let root = Block::new("A running notebook saved as an image in SWR — its installed packages and files — to make new notebooks from (`image_id`). While the image is saved the notebook is unusable (`SNAPSHOTTING`); then it runs again. Changing any argument saves a new image. Destroying the resource keeps the image: it only leaves the state, as in the official provider (delete the image in SWR or the ModelArts console).")
        .attr(Attribute::string(ImageStoreModel::ID).computed().use_state_for_unknown().describe("The image's ID, usable as a notebook's `image_id`."))
        .attr(arg(ImageStoreModel::REGION).optional_computed().use_state_for_unknown().describe("Region of the notebook: the provider's when omitted."))
        .attr(arg(ImageStoreModel::NOTEBOOK_ID).required().describe("ID of the running notebook to save."))
        .attr(arg(ImageStoreModel::NAME).required().describe("The image's name: up to 128 lower-case letters, digits, `-`, `_` and `.`, beginning and ending with a letter or digit.").validate(Text { check: limits::check_image_name, description: "an image name" }))
        .attr(arg(ImageStoreModel::NAMESPACE).required().describe("The SWR organization to save into (create and list them in the SWR console): up to 64 letters, digits, `-`, `_` and `.`, beginning with a lower-case letter.").validate(Text { check: limits::check_image_namespace, description: "an SWR organization" }))
        .attr(arg(ImageStoreModel::TAG).optional_computed().use_state_for_unknown().describe("The image's tag: up to 64 letters, digits, `-`, `_` and `.`. When omitted, the API's choice is recorded.").validate(Text { check: limits::check_image_tag, description: "an image tag" }))
        .attr(arg(ImageStoreModel::DESCRIPTION).optional().describe("The image's description: up to 512 characters, neither `<` nor `>`.").validate(Text { check: limits::check_description, description: "a description" }))
        .attr(arg(ImageStoreModel::WORKSPACE_ID).optional_computed().use_state_for_unknown().describe("Workspace of the image; the API's choice (the default workspace, `0`) when omitted.").validate(Text { check: limits::check_workspace_id, description: "a workspace ID" }))
        .attr(arg(ImageStoreModel::SWR_INSTANCE_ID).optional().describe("An SWR enterprise-edition repository to save into, instead of the shared SWR."))
        .attr(arg(ImageStoreModel::SWR_INSTANCE_DOMAIN).optional().describe("The domain of that enterprise-edition repository."))
        .attr(computed(ImageStoreModel::SWR_PATH, "Where the image is in SWR."))
        .attr(computed(ImageStoreModel::ARCH, "The processor architecture it runs on, as the API spells it (e.g. `X86_64`)."))
        .attr(computed(ImageStoreModel::ORIGIN, "How it was made: `IMAGE_SAVE` (saved from a notebook)."))
        .attr(Attribute::list_of(ImageStoreModel::RESOURCE_CATEGORIES, Type::String).computed().use_state_for_unknown().describe("The flavor categories it runs on: `CPU`, `GPU`, `ASCEND`."))
        .attr(computed(ImageStoreModel::SERVICE_TYPE, "What it is for: `COMMON`, `INFERENCE`, `TRAIN`, `DEV` or `UNKNOWN`."))
        .attr(computed(ImageStoreModel::VISIBILITY, "`PRIVATE` or `PUBLIC`."))
        .attr(computed(ImageStoreModel::STATUS, "The image's status: `ACTIVE` once saved."))
        .attr(computed(ImageStoreModel::TYPE, "`DEDICATED`: an image of the account's own."))
        .attr(computed(ImageStoreModel::CREATED_AT, "When it was saved (RFC 3339)."))
        .block(timeouts::block(&[CREATE_TIMEOUT]));
    Schema::new(0, root)
}

/// The resource's value: the model names the attributes (`ImageStoreModel::SWR_PATH`, ...).
#[derive(Clone, Debug, Default, PartialEq, tfplugin::Model)]
pub(crate) struct ImageStoreModel {
    pub id: Option<String>,
    pub region: Option<String>,
    pub notebook_id: String,
    pub name: String,
    pub namespace: String,
    pub tag: Option<String>,
    pub description: Option<String>,
    pub workspace_id: Option<String>,
    pub swr_instance_id: Option<String>,
    pub swr_instance_domain: Option<String>,
    pub swr_path: Option<String>,
    pub arch: Option<String>,
    pub origin: Option<String>,
    pub resource_categories: Option<Vec<String>>,
    pub service_type: Option<String>,
    pub visibility: Option<String>,
    pub status: Option<String>,
    #[tf(name = "type")]
    pub kind: Option<String>,
    pub created_at: Option<String>,
    pub timeouts: Value,
}

impl ImageStoreModel {
    /// This model with what the API reports about image `i`; what it leaves out
    /// (the SWR repository, an empty description) stays as configured.
    fn with(mut self, i: &Image) -> ImageStoreModel {
        self.id = Some(i.id.to_string());
        if !i.name.is_empty() {
            self.name = i.name.clone();
        }
        self.namespace = i.namespace.clone().unwrap_or(self.namespace);
        self.tag = i.tag.clone().or(self.tag);
        self.description = i.description.clone().filter(|d| !d.is_empty()).or(self.description);
        self.workspace_id = i.workspace_id.clone().or(self.workspace_id);
        self.swr_path = i.swr_path.clone();
        self.arch = i.arch.clone();
        self.origin = i.origin.as_ref().map(Word::to_string);
        self.resource_categories = Some(i.resource_categories.clone());
        self.service_type = i.service_type.clone();
        self.visibility = i.visibility.clone();
        self.status = i.status.as_ref().map(Word::to_string);
        self.kind = i.kind.clone();
        self.created_at = i.create_at.and_then(timefmt::rfc3339);
        self
    }
}

/// The model with its region filled in, and the client of that region.
async fn prepare(ctx: &Ctx<'_, Configured>, model: ImageStoreModel) -> Result<(ImageStoreModel, Client), Diagnostics> {
    let (api, region) = ctx.data()?.region_client(model.region.as_deref(), ctx.cancel()).await?;
    Ok((ImageStoreModel { region: Some(region.into_string()), ..model }, api))
}

/// `modelarts_notebook_image_store`.
#[derive(Debug)]
pub(crate) struct ImageStoreResource;

#[async_trait]
impl ModelResource for ImageStoreResource {
    type Model = ImageStoreModel;
    type Data = Configured;

    fn type_name(&self) -> &'static str {
        "modelarts_notebook_image_store"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    /// A new image's notebook is looked at now: a missing one fails the plan, a
    /// stopped one is pointed out; and the plan says the notebook pauses meanwhile.
    async fn modify_plan(&self, ctx: &CallContext, req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
        NEEDS_RUNNING.plan_create(ctx, req, resp).await;
        // Not when the notebook is already pointed out as stopped or missing.
        if req.state.is_null() && !resp.plan.is_null() && resp.diagnostics.is_empty() {
            let notebook = resp.plan.attr(ImageStoreModel::NOTEBOOK_ID).as_str().unwrap_or("the notebook").to_string();
            resp.diagnostics.warning_at(
                AttributePath::attr(ImageStoreModel::NOTEBOOK_ID),
                "The notebook pauses while its image is saved",
                format!("Apply saves {notebook} as an image: the notebook is unusable (SNAPSHOTTING) until the image is ACTIVE, then runs again, on the saved image; apply waits for both. The notebook's image_id keeps the configured image (current_image_id shows the saved one): nothing is put back."),
            );
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<'_, Configured>,
        plan: ImageStoreModel,
    ) -> Result<ImageStoreModel, Failure<ImageStoreModel>> {
        let (planned, api) = prepare(ctx, plan).await?;
        create(&api, ctx, planned).await
    }

    async fn read(
        &self,
        ctx: &Ctx<'_, Configured>,
        state: ImageStoreModel,
    ) -> Result<Option<ImageStoreModel>, Failure<ImageStoreModel>> {
        let (current, api) = prepare(ctx, state).await?;
        let Some(id) = current.id.as_deref().map(ImageId::from) else { return Ok(None) };
        match api.get_image(&id).await {
            // Deleted outside Terraform: so is this resource.
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(Failure::error("Failed to read the image", e.to_string())),
            Ok(i) if i.status.as_ref().is_some_and(|s| s.is(ImageStatus::Deleted)) => Ok(None),
            Ok(i) => Ok(Some(current.with(&i))),
        }
    }

    /// The image is kept: the resource only leaves the state.
    async fn delete(&self, ctx: &Ctx<'_, Configured>, state: ImageStoreModel) -> Result<(), Diagnostics> {
        let where_ = state.swr_path.or(state.id).unwrap_or_else(|| "the image".into());
        ctx.warn(
            "The saved image is kept",
            format!("{where_} stays in SWR and in ModelArts' images: destroying modelarts_notebook_image_store only removes it from the state, as the official provider does. Delete the image in the SWR or ModelArts console when it is no longer needed."),
        );
        Ok(())
    }

    fn capabilities(&self) -> Capabilities<'_> {
        Capabilities { move_state: Some(self), ..Capabilities::default() }
    }
}

#[async_trait]
impl ResourceWithMoveState for ImageStoreResource {
    /// From the official `huaweicloud_modelarts_notebook_image_store` (schema
    /// version 0), whose attributes these are: the image stays as it is.
    async fn move_state(&self, _: &CallContext, req: &MoveStateRequest<'_>, resp: &mut MoveStateResponse) {
        answer_move(req, resp, OFFICIAL_TYPE, from_official_state);
    }
}

/// The official state as this resource's; its `created_at` is RFC 3339 already, and
/// the first read fills in anything left out.
fn from_official_state(parsed: &serde_json::Value) -> Result<Value, Diagnostics> {
    let mut src = OfficialState::of(OFFICIAL_TYPE, parsed)?;
    let state = Value::object([
        (ImageStoreModel::ID, src.required(ImageStoreModel::ID)),
        (ImageStoreModel::REGION, src.optional(ImageStoreModel::REGION)),
        (ImageStoreModel::NOTEBOOK_ID, src.required(ImageStoreModel::NOTEBOOK_ID)),
        (ImageStoreModel::NAME, src.required(ImageStoreModel::NAME)),
        (ImageStoreModel::NAMESPACE, src.required(ImageStoreModel::NAMESPACE)),
        (ImageStoreModel::TAG, src.optional(ImageStoreModel::TAG)),
        (ImageStoreModel::DESCRIPTION, src.optional(ImageStoreModel::DESCRIPTION)),
        (ImageStoreModel::WORKSPACE_ID, src.optional(ImageStoreModel::WORKSPACE_ID)),
        (ImageStoreModel::SWR_INSTANCE_ID, src.optional(ImageStoreModel::SWR_INSTANCE_ID)),
        (ImageStoreModel::SWR_INSTANCE_DOMAIN, src.optional(ImageStoreModel::SWR_INSTANCE_DOMAIN)),
        (ImageStoreModel::SWR_PATH, src.optional(ImageStoreModel::SWR_PATH)),
        (ImageStoreModel::ARCH, src.optional(ImageStoreModel::ARCH)),
        (ImageStoreModel::ORIGIN, src.optional(ImageStoreModel::ORIGIN)),
        (ImageStoreModel::RESOURCE_CATEGORIES, src.strings(ImageStoreModel::RESOURCE_CATEGORIES)),
        (ImageStoreModel::SERVICE_TYPE, src.optional(ImageStoreModel::SERVICE_TYPE)),
        (ImageStoreModel::VISIBILITY, src.optional(ImageStoreModel::VISIBILITY)),
        (ImageStoreModel::STATUS, src.optional(ImageStoreModel::STATUS)),
        (ImageStoreModel::TYPE, src.optional(ImageStoreModel::TYPE)),
        (ImageStoreModel::CREATED_AT, src.optional(ImageStoreModel::CREATED_AT)),
        (ImageStoreModel::TIMEOUTS, Value::Null),
    ]);
    src.finish(state)
}

/// Saves the image, waits until it is `ACTIVE`, and for the notebook to run again.
async fn create(
    api: &Client,
    ctx: &Ctx<'_, Configured>,
    planned: ImageStoreModel,
) -> Result<ImageStoreModel, Failure<ImageStoreModel>> {
    let notebook = NotebookId::from(&planned.notebook_id);
    let deadline = Instant::now() + CREATE_TIMEOUT.of(&planned.timeouts);
    // Passing trouble (throttling, an outage) is ridden out within the timeout.
    let api = &api.until(deadline);
    NEEDS_RUNNING.wait_running(api, &notebook, deadline).await?;
    let request = SaveImageRequest {
        name: planned.name.clone(),
        namespace: planned.namespace.clone(),
        tag: planned.tag.clone(),
        description: planned.description.clone(),
        workspace_id: planned.workspace_id.clone(),
        swr_instance_id: planned.swr_instance_id.clone(),
        swr_instance_domain: planned.swr_instance_domain.clone(),
    };
    tracing::info!(notebook = %notebook, name = %request.name, "saving the notebook as an image");
    let saved = api.save_image(&notebook, &request).await.map_err(|e| {
        let sent = [
            ImageStoreModel::NAME,
            ImageStoreModel::NAMESPACE,
            ImageStoreModel::TAG,
            ImageStoreModel::DESCRIPTION,
            ImageStoreModel::WORKSPACE_ID,
        ];
        api_error("Failed to save the image", &e, &sent, BLAME)
    })?;
    // From here on the image exists: whatever happens next, it is in the state.
    let state = planned.with(&saved);
    ctx.record(&state);
    let left = deadline.saturating_duration_since(Instant::now());
    let image = match api.wait_image_saved(&saved.id, left).await {
        Ok(i) => i,
        Err(e) => {
            // Kept in the state (Terraform taints it, and the next apply saves again).
            let detail = match e {
                ApiError::Failed { status, reason, .. } => {
                    let reason = if reason.is_empty() { "the API gave no reason".to_string() } else { reason };
                    format!("Image {} of notebook {notebook} ended in {status}: {reason}.", saved.id)
                }
                e => format!(
                    "Image {} of notebook {notebook} is kept in the state (Terraform marks it tainted): {e}.",
                    saved.id
                ),
            };
            return Err(Failure::error("Saving the image did not finish", detail).with_state(state));
        }
    };
    // The notebook was unusable while saving; what follows may need it running.
    let left = deadline.saturating_duration_since(Instant::now());
    if let Err(e) = api.wait_for_status(&notebook, &[Status::Running], left).await {
        ctx.warn_at(
            AttributePath::attr(ImageStoreModel::NOTEBOOK_ID),
            "The notebook did not run again",
            format!("The image is saved, but notebook {notebook} did not return to RUNNING: {e}."),
        );
    }
    Ok(state.with(&image))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::{decode, IntoValue};

    #[test]
    fn the_model_covers_the_schema() {
        let s = schema();
        let mut names: Vec<&str> =
            s.block.attributes.iter().map(|a| a.name).chain(s.block.blocks.iter().map(|b| b.name)).collect();
        names.sort();
        let model = ImageStoreModel {
            notebook_id: "n".into(),
            name: "env".into(),
            namespace: "team".into(),
            ..Default::default()
        }
        .into_value();
        let Value::Object(m) = &model else { panic!("an object") };
        assert_eq!(m.keys().map(|k| k.as_str()).collect::<Vec<_>>(), names);
        assert!(crate::protocol::value::conforms(&model, &s.ty()).is_ok());
        let back: ImageStoreModel = decode(&model).unwrap();
        assert_eq!((back.notebook_id.as_str(), back.namespace.as_str()), ("n", "team"));
        use crate::framework::TfType;
        assert_eq!(crate::framework::model::agree(&s.ty(), &ImageStoreModel::tf_type()), Ok(()));
    }

    #[test]
    fn an_official_image_store_moves_with_every_counterpart() {
        let official = serde_json::json!({
            "id": "img-1", "region": "cn-north-4", "notebook_id": "nb-1", "name": "env", "namespace": "team",
            "tag": "v1", "description": "", "workspace_id": "0", "swr_path": "swr.cn-north-4.myhuaweicloud.com/team/env:v1",
            "arch": "X86_64", "origin": "IMAGE_SAVE", "resource_categories": ["CPU"], "service_type": "DEV",
            "visibility": "PRIVATE", "status": "ACTIVE", "type": "DEDICATED", "created_at": "2026-11-21T23:52:18Z",
            "enable_force_new": "false"
        });
        let v = from_official_state(&official).unwrap();
        assert!(crate::protocol::value::conforms(&v, &schema().ty()).is_ok());
        let m: ImageStoreModel = decode(&v).unwrap();
        assert_eq!((m.id.as_deref(), m.tag.as_deref(), m.description), (Some("img-1"), Some("v1"), None));
        assert_eq!(m.resource_categories, Some(vec!["CPU".to_string()]));
        let broken = serde_json::json!({"id": "img-1", "notebook_id": 5, "name": "env"});
        let text = format!("{:?}", from_official_state(&broken).unwrap_err());
        assert!(text.contains("notebook_id") && text.contains("namespace"), "{text}");
    }

    #[test]
    fn every_argument_saves_a_new_image() {
        let s = schema();
        for a in s.block.attributes.iter().filter(|a| a.mode != crate::framework::Mode::Computed) {
            assert!(a.requires_replace, "{} must replace the image", a.name);
        }
    }

    #[test]
    fn the_answer_fills_what_the_api_decides() {
        let planned = ImageStoreModel { name: "env".into(), namespace: "team".into(), ..Default::default() };
        let image = Image {
            id: "img-1".into(),
            name: "env".into(),
            tag: Some("latest".into()),
            status: Some("ACTIVE".into()),
            resource_categories: vec!["CPU".into()],
            workspace_id: Some("0".into()),
            create_at: Some(1_638_841_744_515),
            ..Default::default()
        };
        let m = planned.with(&image);
        assert_eq!(m.id.as_deref(), Some("img-1"));
        assert_eq!(m.tag.as_deref(), Some("latest"));
        assert_eq!(m.workspace_id.as_deref(), Some("0"));
        assert_eq!(m.resource_categories, Some(vec!["CPU".to_string()]));
        assert_eq!(m.created_at.as_deref(), Some("2021-12-07T01:49:04Z"));
        assert_eq!(m.namespace, "team", "kept when the answer leaves it out");
    }
}
