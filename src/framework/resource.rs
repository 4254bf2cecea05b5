//! The traits a provider implements: [`Provider`], [`Resource`] and [`DataSource`],
//! and what each call receives.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;

use crate::cancel::CancelToken;
use crate::protocol::{AttributePath, Diagnostics, Value};

use super::guard::Checkpoint;
use super::schema::Schema;

/// What the provider's `configure` produced, shared with every resource call.
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// Per-call context: the configured provider data and the provider-wide
/// cancellation token that StopProvider trips.
#[derive(Clone)]
pub struct CallContext {
    pub cancel: CancelToken,
    data: Option<ProviderData>,
    checkpoint: Checkpoint,
}

impl CallContext {
    pub fn new(cancel: CancelToken, data: Option<ProviderData>) -> Self {
        CallContext { cancel, data, checkpoint: Checkpoint::default() }
    }

    /// The same context, recording into `checkpoint`.
    pub fn with_checkpoint(mut self, checkpoint: Checkpoint) -> Self {
        self.checkpoint = checkpoint;
        self
    }

    /// Records the state an apply has reached (call it the moment a remote object
    /// exists): whatever happens next, even a panic, Terraform is given this state.
    pub fn record_state(&self, state: &Value) {
        self.checkpoint.record(state);
    }

    /// The configured provider data as `T`, or an error diagnostic when the provider
    /// was not configured (e.g. its configuration had errors).
    pub fn data<T: Send + Sync + 'static>(&self) -> Result<&T, Diagnostics> {
        match self.data.as_deref().and_then(|d| d.downcast_ref::<T>()) {
            Some(t) => Ok(t),
            None => {
                let mut d = Diagnostics::new();
                d.error(
                    "Provider not configured",
                    "The provider's configuration was not applied (see the errors about the provider block).",
                );
                Err(d)
            }
        }
    }
}

#[async_trait]
pub trait Provider: Send + Sync + 'static {
    fn schema(&self) -> Schema;

    /// Checks beyond the attributes' own validators.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Builds what resources will share (e.g. an API client) from the provider block.
    async fn configure(&self, config: &Value, diags: &mut Diagnostics) -> Option<ProviderData>;

    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>>;
}

/// A plan being made: the framework has applied defaults and the schema's plan
/// modifiers to `planned`; the resource may refine it.
pub struct PlanChange<'a> {
    /// Null when the resource is being created.
    pub prior: &'a Value,
    pub config: &'a Value,
    pub planned: Value,
    pub requires_replace: Vec<AttributePath>,
    pub diags: Diagnostics,
}

/// The result of create, update or read: the state to record (None = gone) and diagnostics.
pub struct Outcome {
    pub state: Option<Value>,
    pub diags: Diagnostics,
    /// New private data for the resource (opaque to Terraform); `None` keeps what it had.
    pub private: Option<Vec<u8>>,
}

impl Outcome {
    pub fn ok(state: Value) -> Self {
        Outcome { state: Some(state), diags: Diagnostics::new(), private: None }
    }

    pub fn gone() -> Self {
        Outcome { state: None, diags: Diagnostics::new(), private: None }
    }

    pub fn failed(state: Option<Value>, diags: Diagnostics) -> Self {
        Outcome { state, diags, private: None }
    }

    pub fn with_private(mut self, private: Vec<u8>) -> Self {
        self.private = Some(private);
        self
    }
}

/// State moved in by a `moved` block, with private data for the first read after it.
pub struct Moved {
    pub state: Value,
    pub private: Vec<u8>,
}

/// A request to move state from another resource type (the `moved` block).
pub struct MoveRequest {
    pub source_provider_address: String,
    pub source_type_name: String,
    pub source_schema_version: i64,
    pub source_state_json: Vec<u8>,
}

#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The full type name, e.g. `modelarts_notebook`.
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Refines a plan for an update or create (not called for destroy).
    async fn modify_plan(&self, _ctx: &CallContext, _plan: &mut PlanChange<'_>) {}

    async fn create(&self, ctx: &CallContext, planned: &Value, config: &Value) -> Outcome;

    /// Reads the resource; `private` is the resource's private data (empty when none).
    async fn read(&self, ctx: &CallContext, current: &Value, private: &[u8]) -> Outcome;

    async fn update(&self, ctx: &CallContext, prior: &Value, planned: &Value, config: &Value) -> Outcome;

    async fn delete(&self, ctx: &CallContext, prior: &Value) -> Diagnostics;

    /// The state to start from when importing `id`; Terraform reads it right after.
    async fn import(&self, ctx: &CallContext, id: &str) -> Outcome;

    /// Upgrades state written with an older schema version. The default accepts
    /// only the current version.
    fn upgrade_state(&self, version: i64, _json: &serde_json::Value) -> Result<Value, Diagnostics> {
        let mut d = Diagnostics::new();
        d.error(
            "Unsupported state version",
            format!("State was written with schema version {version}, which this provider version cannot read."),
        );
        Err(d)
    }

    /// Accepts state moved from another resource type (a `moved` block); `None`
    /// when the source is not supported.
    /// Terraform calls this before the provider is configured.
    async fn move_state(&self, _ctx: &CallContext, _req: &MoveRequest) -> Option<Result<Moved, Diagnostics>> {
        None
    }
}

#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    async fn read(&self, ctx: &CallContext, config: &Value) -> Outcome;
}
