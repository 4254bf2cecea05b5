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
pub mod schema;
pub mod steps;

use async_trait::async_trait;

use crate::client::Client;
use crate::framework::{CallContext, MoveRequest, Moved, Outcome, PlanChange, Resource, Schema};
use crate::protocol::{Diagnostics, Value};

use super::Configured;

pub struct NotebookResource;

/// The configured client, observing StopProvider.
fn api(ctx: &CallContext) -> Result<Client, Diagnostics> {
    Ok(ctx.data::<Configured>()?.client.with_cancel(ctx.cancel.clone()))
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

    async fn modify_plan(&self, _ctx: &CallContext, change: &mut PlanChange<'_>) {
        plan::modify(change);
    }

    async fn create(&self, ctx: &CallContext, planned: &Value, config: &Value) -> Outcome {
        match api(ctx) {
            Ok(api) => lifecycle::create(&api, ctx, planned, config).await,
            Err(d) => Outcome::failed(None, d),
        }
    }

    async fn read(&self, ctx: &CallContext, current: &Value, private: &[u8]) -> Outcome {
        let configured = match ctx.data::<Configured>() {
            Ok(c) => c,
            Err(d) => return Outcome::failed(Some(current.clone()), d),
        };
        // A notebook moved in from another provider: now that the provider is
        // configured, check that it is in this provider's region.
        if let Err(d) = moved::check_region(private, &configured.region) {
            return Outcome::failed(Some(current.clone()), d);
        }
        let api = configured.client.with_cancel(ctx.cancel.clone());
        let out = lifecycle::read(&api, current).await;
        if private.is_empty() {
            out
        } else {
            out.with_private(Vec::new())
        }
    }

    async fn update(&self, ctx: &CallContext, prior: &Value, planned: &Value, config: &Value) -> Outcome {
        match api(ctx) {
            Ok(api) => lifecycle::update(&api, prior, planned, config).await,
            Err(d) => Outcome::failed(Some(prior.clone()), d),
        }
    }

    async fn delete(&self, ctx: &CallContext, prior: &Value) -> Diagnostics {
        match api(ctx) {
            Ok(api) => lifecycle::delete(&api, prior).await,
            Err(d) => d,
        }
    }

    async fn move_state(&self, _ctx: &CallContext, req: &MoveRequest) -> Option<Result<Moved, Diagnostics>> {
        moved::move_state(req, &schema::schema().ty())
    }

    async fn import(&self, ctx: &CallContext, id: &str) -> Outcome {
        match api(ctx) {
            Ok(api) => lifecycle::import(&api, id).await,
            Err(d) => Outcome::failed(None, d),
        }
    }
}
