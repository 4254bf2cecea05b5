//! What every provider call receives besides its request: the configured
//! provider's data, the cancellation StopProvider trips, and the apply checkpoint.

use std::any::Any;
use std::sync::Arc;

use crate::protocol::{Diagnostics, Value};
use tokio_util::sync::CancellationToken;

use super::guard::Checkpoint;

/// What the provider's `configure` produced, shared with every resource call.
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// Per-call context: the configured provider data and the provider-wide
/// cancellation token that StopProvider trips.
#[derive(Clone)]
pub struct CallContext {
    /// Tripped by StopProvider (Ctrl-C in Terraform): waits end promptly.
    pub cancel: CancellationToken,
    data: Option<ProviderData>,
    checkpoint: Checkpoint,
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("cancelled", &self.cancel.is_cancelled())
            .field("configured", &self.data.is_some())
            .finish_non_exhaustive()
    }
}

impl CallContext {
    /// A context with the provider's data (`None` before ConfigureProvider).
    pub fn new(cancel: CancellationToken, data: Option<ProviderData>) -> Self {
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

    /// Forgets the recorded state, once the object it named has been removed again
    /// (a create that cleans up after itself).
    pub fn forget_state(&self) {
        self.checkpoint.clear();
    }

    /// The configured provider data as `T`, or an error diagnostic when the provider
    /// was not configured (e.g. its configuration had errors).
    pub fn data<T: Send + Sync + 'static>(&self) -> Result<&T, Diagnostics> {
        match self.data.as_deref().and_then(|d| d.downcast_ref::<T>()) {
            Some(t) => Ok(t),
            None => Err(Diagnostics::with_error(
                "Provider not configured",
                "The provider's configuration was not applied (see the errors about the provider block).",
            )),
        }
    }
}
