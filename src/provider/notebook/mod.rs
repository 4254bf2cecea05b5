//! The `modelarts_notebook` resource.
//!
//! - [`schema`]: the attribute table;
//! - [`changes`]: how each change is applied (the status it needs, replace, power);
//! - [`plan`]: plan-time checks, computed values, the steps apply will take;
//! - [`steps`]: a diff turned into API steps with the fewest starts and stops;
//! - [`execute`]: the steps run, and the power state restored after a failure;
//! - [`power`]: start, stop, update and delete with the API's error codes handled;
//! - [`model`]: plans read as a wanted notebook, API answers written as state;
//! - [`diagnose`]: API errors as diagnostics at the attribute to blame;
//! - [`preflight`]: plan-time checks of a new flavor and image with the API;
//! - [`lifecycle`]: create, read, update, delete, import;
//! - [`moved`]: `moved` blocks from the official provider.

pub mod changes;
pub mod diagnose;
pub mod execute;
pub mod lifecycle;
pub mod model;
pub mod moved;
pub mod plan;
pub mod power;
pub mod preflight;
pub mod schema;
pub mod steps;

use async_trait::async_trait;

use crate::framework::{CallContext, MoveRequest, Moved, Outcome, PlanChange, Resource, Schema};
use crate::protocol::{Diagnostics, Severity, Value};

use super::configured::{client, Configured};

pub struct NotebookResource;

/// The region a notebook's value names (`None`: the provider's).
fn region_of(v: &Value) -> Option<&str> {
    v.attr("region").as_str()
}

#[async_trait]
impl Resource for NotebookResource {
    fn type_name(&self) -> &'static str {
        "modelarts_notebook"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        plan::validate(config, diags);
    }

    async fn modify_plan(&self, ctx: &CallContext, change: &mut PlanChange<'_>) {
        plan::modify(change);
        let Ok(configured) = ctx.data::<Configured>() else { return };
        // A new notebook without a region of its own goes to the provider's.
        if change.prior.is_null()
            && change.planned.attr("region").is_unknown()
            && change.config.attr("region").is_null()
        {
            change.planned.set_attr("region", Value::from(configured.region.as_str()));
        }
        // Doomed flavors and images fail here, at plan time.
        let region = region_of(&change.planned).map(String::from);
        match configured.client_for(region.as_deref(), ctx).await {
            Ok(api) => preflight::check(&api, &configured.preflight_for(region.as_deref()), change).await,
            Err(d) => change.diags.extend(d),
        }
        // A plan that fails says why, and nothing about restarts it will not make.
        if change.diags.has_errors() {
            change.diags.0.retain(|d| d.severity == Severity::Error);
        }
    }

    async fn create(&self, ctx: &CallContext, planned: &Value, config: &Value) -> Outcome {
        match client(ctx, region_of(planned)).await {
            Ok(api) => lifecycle::create(&api, ctx, planned, config).await,
            Err(d) => Outcome::failed(None, d),
        }
    }

    async fn read(&self, ctx: &CallContext, current: &Value, _private: &[u8]) -> Outcome {
        let configured = match ctx.data::<Configured>() {
            Ok(c) => c,
            Err(d) => return Outcome::failed(Some(current.clone()), d),
        };
        // A state from before `region` existed (or moved in without one) is in the provider's region.
        let mut current = current.clone();
        if region_of(&current).is_none() {
            current.set_attr("region", Value::from(configured.region.as_str()));
        }
        match configured.client_for(region_of(&current), ctx).await {
            Ok(api) => lifecycle::read(&api, &current).await,
            Err(d) => Outcome::failed(Some(current), d),
        }
    }

    async fn update(&self, ctx: &CallContext, prior: &Value, planned: &Value, config: &Value) -> Outcome {
        match client(ctx, region_of(prior)).await {
            Ok(api) => lifecycle::update(&api, prior, planned, config).await,
            Err(d) => Outcome::failed(Some(prior.clone()), d),
        }
    }

    async fn delete(&self, ctx: &CallContext, prior: &Value) -> Diagnostics {
        match client(ctx, region_of(prior)).await {
            Ok(api) => lifecycle::delete(&api, prior).await,
            Err(d) => d,
        }
    }

    async fn move_state(&self, _ctx: &CallContext, req: &MoveRequest) -> Option<Result<Moved, Diagnostics>> {
        moved::move_state(req, &schema::schema().ty())
    }

    async fn import(&self, ctx: &CallContext, id: &str) -> Outcome {
        let configured = match ctx.data::<Configured>() {
            Ok(c) => c,
            Err(d) => return Outcome::failed(None, d),
        };
        // `ID` imports from the provider's region, `REGION/ID` from another.
        let (region, id) = match id.split_once('/') {
            Some((region, id)) if !region.is_empty() => (region, id),
            _ => (configured.region.as_str(), id),
        };
        match configured.client_for(Some(region), ctx).await {
            Ok(api) => {
                let mut out = lifecycle::import(&api, id).await;
                if let Some(state) = out.state.as_mut() {
                    state.set_attr("region", Value::from(region));
                }
                out
            }
            Err(d) => Outcome::failed(None, d),
        }
    }
}
