//! The `modelarts_notebook` resource.
//!
//! - `schema`: the attribute table;
//! - `model`: the Terraform value as Rust structs (`#[derive(Model)]`), which name
//!   the attributes (`NotebookModel::FLAVOR_ID`, `VolumeModel::SIZE`);
//! - `spec`: the notebook a plan asks for, with the API's words as enums;
//! - `state`: API answers written as state;
//! - `changes`: how each change is applied (the status it needs, replace, power);
//! - `plan`: plan-time checks, computed values, the steps apply will take;
//! - `steps`: a diff turned into API steps with the fewest starts and stops;
//! - `execute`: the steps run, and the power state restored after a failure;
//! - `preflight`: plan-time checks of a new flavor and image with the API;
//! - `lifecycle`: create, read, update, delete, import;
//! - `moved`: `moved` blocks from the official provider;
//! - `identity`: the resource identity (`{ id, region }`, Terraform 1.12+);
//! - `listing`: the list resource of `terraform query` (Terraform 1.14+);
//! - `tags`: `tags`, the provider's `default_tags` and `tags_all`.

#[cfg(test)]
mod agreement;
pub(crate) mod changes;
pub(crate) mod diff;
pub(crate) mod execute;
pub(crate) mod identity;
pub(crate) mod lifecycle;
pub(crate) mod listing;
pub(crate) mod model;
pub(crate) mod moved;
pub(crate) mod plan;
pub(crate) mod preflight;
pub mod schema;
pub(crate) mod spec;
pub(crate) mod state;
pub(crate) mod steps;
pub(crate) mod tags;

use async_trait::async_trait;

use crate::client::ids::{NotebookId, Region};
use crate::client::Client;
use crate::framework::resource::{
    Capabilities, ImportStateRequest, ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, MoveStateRequest,
    MoveStateResponse, ResourceWithImportState, ResourceWithMoveState, ValidateConfigRequest, ValidateConfigResponse,
};
use crate::framework::{CallContext, Ctx, Failure, ModelResource, Schema};
use crate::protocol::{AttributePath, Diagnostics, Severity, Value};

use self::model::NotebookModel;
use self::spec::Spec;
use super::configured::Configured;

/// `modelarts_notebook`.
#[derive(Debug)]
pub(crate) struct NotebookResource;

/// What an apply works with: the notebook the plan asks for, and the client of
/// its region.
async fn prepare(
    ctx: &Ctx<'_, Configured>,
    planned: &NotebookModel,
    region: Option<&str>,
) -> Result<(Spec, Client), Diagnostics> {
    // `running` left out of the configuration is not managed: the plan keeps the
    // state's value then, so only the configuration tells.
    let running = ctx.config().and_then(|c| c.attr(NotebookModel::RUNNING).as_bool());
    let spec = Spec::from_plan(planned, running).map_err(|e| e.to_diagnostics("Unexpected notebook value"))?;
    let (api, _) = ctx.data()?.region_client(region, ctx.cancel()).await?;
    Ok((spec, api))
}

#[async_trait]
impl ModelResource for NotebookResource {
    type Model = NotebookModel;
    type Data = Configured;
    const UPDATES_IN_PLACE: bool = true;

    fn type_name(&self) -> &'static str {
        "modelarts_notebook"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn validate_config(&self, req: &ValidateConfigRequest<'_>, resp: &mut ValidateConfigResponse) {
        plan::validate(req.config, &mut resp.diagnostics);
    }

    /// The provider's own region goes unsaid, as in a hand-written block: the
    /// generated configuration then works under any provider block.
    fn generated_config(&self, ctx: &CallContext, mut config: Value) -> Value {
        let provider_region = ctx.data::<Configured>().ok().map(|c| c.region.as_str());
        if config.attr(NotebookModel::REGION).as_str().is_some_and(|r| Some(r) == provider_region) {
            config.set_attr(NotebookModel::REGION, Value::Null);
        }
        config
    }

    async fn modify_plan(&self, ctx: &CallContext, req: &ModifyPlanRequest<'_>, resp: &mut ModifyPlanResponse) {
        plan::modify(req, resp);
        let Ok(configured) = ctx.data::<Configured>() else { return };
        if !resp.plan.is_null() {
            let all = tags::planned_tags_all(&configured.default_tags, resp.plan.attr(NotebookModel::TAGS));
            resp.plan.set_attr(NotebookModel::TAGS_ALL, all);
            let (tags, at) = (req.config.attr(NotebookModel::TAGS), AttributePath::attr(NotebookModel::TAGS));
            resp.diagnostics.extend(tags::check_not_ignored(tags, &at, &configured.ignore_tags));
        }
        // A new notebook without a region of its own goes to the provider's.
        if req.state.is_null()
            && resp.plan.attr(NotebookModel::REGION).is_unknown()
            && req.config.attr(NotebookModel::REGION).is_null()
        {
            resp.plan.set_attr(NotebookModel::REGION, Value::from(configured.region.as_str()));
        }
        // Doomed flavors and images fail here, at plan time.
        let region = resp.plan.attr(NotebookModel::REGION).as_str().map(String::from);
        match configured.client_for(region.as_deref(), &ctx.cancel).await {
            Ok(api) => preflight::check(&api, &configured.preflight_for(region.as_deref()), req, resp).await,
            Err(d) => resp.diagnostics.extend(d),
        }
        // A plan that fails says why, and nothing about restarts it will not make.
        if resp.diagnostics.has_errors() {
            resp.diagnostics.0.retain(|d| d.severity == Severity::Error);
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<'_, Configured>,
        plan: NotebookModel,
    ) -> Result<NotebookModel, Failure<NotebookModel>> {
        let (spec, api) = prepare(ctx, &plan, plan.region.as_deref()).await?;
        lifecycle::create(&api, ctx, &plan, &spec).await
    }

    async fn read(
        &self,
        ctx: &Ctx<'_, Configured>,
        mut current: NotebookModel,
    ) -> Result<Option<NotebookModel>, Failure<NotebookModel>> {
        let configured = ctx.data()?;
        // A state from before `region` existed (or moved in without one) is in the provider's region.
        current.region.get_or_insert_with(|| configured.region.to_string());
        let api = configured.client_for(current.region.as_deref(), ctx.cancel()).await?;
        lifecycle::read(&api, &current).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_, Configured>,
        prior: NotebookModel,
        plan: NotebookModel,
    ) -> Result<NotebookModel, Failure<NotebookModel>> {
        let (spec, api) = prepare(ctx, &plan, prior.region.as_deref()).await?;
        lifecycle::update(&api, &prior, &plan, &spec).await
    }

    async fn delete(&self, ctx: &Ctx<'_, Configured>, prior: NotebookModel) -> Result<(), Diagnostics> {
        let (api, _) = ctx.data()?.region_client(prior.region.as_deref(), ctx.cancel()).await?;
        lifecycle::delete(&api, &prior).await
    }

    fn capabilities(&self) -> Capabilities<'_> {
        Capabilities { import_state: Some(self), move_state: Some(self), identity: Some(self), upgrade_state: None }
    }
}

#[async_trait]
impl ResourceWithImportState for NotebookResource {
    /// `ID` imports from the provider's region, `REGION/ID` from another.
    async fn import_state(&self, ctx: &CallContext, req: &ImportStateRequest<'_>, resp: &mut ImportStateResponse) {
        let configured = match ctx.data::<Configured>() {
            Ok(c) => c,
            Err(d) => return resp.diagnostics.extend(d),
        };
        let (region, id) = match req.id.split_once('/') {
            Some((region, id)) if !region.is_empty() => (Region::from(region), NotebookId::from(id)),
            _ => (configured.region.clone(), NotebookId::from(req.id)),
        };
        match configured.client_for(Some(region.as_str()), &ctx.cancel).await {
            Ok(api) => lifecycle::import(&api, &id, &region, &configured.default_tags, resp).await,
            Err(d) => resp.diagnostics.extend(d),
        }
    }
}

#[async_trait]
impl ResourceWithMoveState for NotebookResource {
    async fn move_state(&self, _ctx: &CallContext, req: &MoveStateRequest<'_>, resp: &mut MoveStateResponse) {
        match moved::move_state(req, &schema::schema().ty()) {
            Some(Ok(state)) => resp.state = Some(state),
            Some(Err(d)) => resp.diagnostics.extend(d),
            None => {}
        }
    }
}
