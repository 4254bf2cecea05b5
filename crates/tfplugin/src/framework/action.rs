//! Actions (protocol 6.10, Terraform 1.14+): day-two operations run with
//! `terraform apply -invoke=action.TYPE.NAME` or from a resource's
//! `lifecycle { action_trigger { ... } }`. An action is planned (checked), then
//! invoked; while it runs it reports progress, which Terraform prints.

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::protocol::{Diagnostics, Value};

use super::context::CallContext;
use super::schema::Schema;

pub use super::validators::{ValidateConfigRequest, ValidateConfigResponse};

/// PlanAction: the action's configuration, possibly with unknown values.
#[derive(Debug)]
pub struct PlanRequest<'a> {
    /// The action's configuration.
    pub config: &'a Value,
}

/// What planning found wrong (or worth a warning).
#[derive(Debug, Default)]
pub struct PlanResponse {
    /// Problems found; errors stop the invocation before it starts.
    pub diagnostics: Diagnostics,
}

/// InvokeAction: the action's configuration, wholly known.
#[derive(Debug)]
pub struct InvokeRequest<'a> {
    /// The action's configuration, wholly known.
    pub config: &'a Value,
}

/// How the invocation ended: no error diagnostics means it succeeded.
#[derive(Debug, Default)]
pub struct InvokeResponse {
    /// How the invocation ended; errors fail the apply.
    pub diagnostics: Diagnostics,
}

/// Where an invocation reports progress; Terraform prints each message.
#[derive(Clone, Debug)]
pub struct Progress(mpsc::UnboundedSender<String>);

impl Progress {
    /// A progress channel and the receiving end the framework streams from.
    pub(crate) fn channel() -> (Progress, mpsc::UnboundedReceiver<String>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Progress(tx), rx)
    }

    /// Reports `message` (dropped silently when Terraform has stopped listening).
    pub fn report(&self, message: impl Into<String>) {
        let _ = self.0.send(message.into());
    }
}

/// An action type.
#[async_trait]
pub trait Action: Send + Sync + 'static {
    /// The full type name, e.g. `modelarts_notebook_power`.
    fn type_name(&self) -> &'static str;

    /// The action block's `config` schema.
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate_config(&self, _req: &ValidateConfigRequest<'_>, _resp: &mut ValidateConfigResponse) {}

    /// Checks before anything runs (at plan time).
    async fn plan(&self, _ctx: &CallContext, _req: &PlanRequest<'_>, _resp: &mut PlanResponse) {}

    /// Runs the action to its end, reporting progress on the way.
    async fn invoke(&self, ctx: &CallContext, req: &InvokeRequest<'_>, progress: &Progress, resp: &mut InvokeResponse);
}
