//! Running provider code so that nothing it does can take the plugin down: each
//! RPC's work runs on a task of its own, and a panic there becomes an error
//! diagnostic naming the RPC. A [`Checkpoint`] carries what an apply had achieved
//! (a remote object that now exists) past such a failure, so the state Terraform
//! saves still records it.

use std::any::Any;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::protocol::{Diagnostics, Value};

/// Runs `fut` on its own task; a panic (or the task being cancelled) becomes an
/// error diagnostic that names `rpc`.
pub(crate) async fn guarded<T: Send + 'static>(
    rpc: &'static str,
    fut: impl Future<Output = T> + Send + 'static,
) -> Result<T, Diagnostics> {
    tokio::spawn(fut).await.map_err(|e| {
        let why = if e.is_panic() {
            format!("a bug in the provider stopped it ({})", panic_text(e.into_panic().as_ref()))
        } else {
            "its task was cancelled".to_string()
        };
        tracing::error!(rpc, reason = %why, "RPC failed");
        let mut d = Diagnostics::new();
        d.error(
            format!("The provider failed handling {rpc}"),
            format!("The provider could not finish {rpc}: {why}. Please report this with the provider's logs (TF_LOG_PROVIDER=debug)."),
        );
        d
    })
}

/// The message a panic carried, shortened.
pub(crate) fn panic_text(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}

/// What an apply has achieved so far, shared between the provider code and the
/// framework. A resource records a state the moment the remote object exists; if
/// the apply then fails in any way — even a panic — the framework returns that
/// state (with the error), so Terraform keeps the object (tainted) instead of
/// forgetting something that exists and costs money.
#[derive(Clone, Debug, Default)]
pub struct Checkpoint(Arc<Mutex<Option<Value>>>);

impl Checkpoint {
    /// Records `state` (unknown values become null: a saved state is wholly known).
    pub fn record(&self, state: &Value) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(state.clone().unknown_as_null());
        }
    }

    /// Forgets the recorded state: the object it named no longer exists.
    pub fn clear(&self) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = None;
        }
    }

    /// The last recorded state, if any.
    pub fn latest(&self) -> Option<Value> {
        self.0.lock().ok().and_then(|s| s.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_a_diagnostic_naming_the_rpc() {
        let d = guarded("PlanResourceChange", async { panic!("boom at step 3") }).await.map(|_: ()| ()).unwrap_err();
        let text = d.0[0].to_string();
        assert!(text.contains("PlanResourceChange") && text.contains("boom at step 3"), "{text}");
        assert_eq!(guarded("X", async { 7 }).await.unwrap(), 7);
    }

    #[test]
    fn checkpoints_keep_the_latest_known_state() {
        let c = Checkpoint::default();
        assert!(c.latest().is_none());
        c.record(&Value::object([("id", "n1".into()), ("status", Value::Unknown)]));
        let kept = c.clone().latest().unwrap();
        assert_eq!(kept.attr("id"), &Value::from("n1"));
        assert!(kept.attr("status").is_null());
        c.clear();
        assert!(c.latest().is_none());
    }

    #[test]
    fn panic_text_is_bounded() {
        let long: Box<dyn Any + Send> = Box::new("é".repeat(400));
        assert_eq!(panic_text(long.as_ref()).chars().count(), 301);
        let other: Box<dyn Any + Send> = Box::new(5u8);
        assert_eq!(panic_text(other.as_ref()), "no message");
    }
}
