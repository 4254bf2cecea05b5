//! Resources written against their model: each operation takes the decoded model
//! and returns a `Result` — the new state, or a [`Failure`] that carries, beside
//! its diagnostics, the state of whatever exists now — so `?` works throughout and
//! nothing is written into a response by hand.
//!
//! A [`ModelResource`] is served through [`Typed`], which implements [`Resource`](crate::framework::Resource):
//! it decodes the request's values into the model (a value that does not fit is an
//! error at its attribute), hands the configured provider data over as the
//! resource's own [`ModelResource::Data`] type, and turns the result into the
//! response. What a resource does beyond the lifecycle (import, `moved` blocks,
//! identity, ...) stays on the capability traits of [`super::resource`], which the
//! resource implements itself and returns from the same `as_...` methods.
//!
//! Planning stays on values ([`ModelResource::modify_plan`]): there, "known after
//! apply" matters for every attribute, and a model with `Option` fields would lose it.
//!
//! A data source is written the same way: a [`ModelDataSource`] reads its
//! configuration as its model and returns its state, served by [`TypedDataSource`].
//! A [`ModelProvider`] names the type its configure makes, and lists what it serves
//! through [`Served`], which takes a typed resource only for that type: the data a
//! resource expects and the data the provider makes agree at compile time.

mod data_source;
mod provider;
mod resource;

pub use data_source::{ModelDataSource, TypedDataSource};
pub use provider::{ModelProvider, Served, TypedProvider};
pub use resource::{ModelResource, Typed};

use std::marker::PhantomData;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;

use crate::protocol::{AttributePath, Diagnostics, Value};

use super::context::CallContext;
use super::model::{decode, FromValue, IntoValue, ModelError};

/// Why an operation did not succeed, and what exists after it.
#[derive(Debug)]
pub struct Failure<M> {
    /// What went wrong; at least one error.
    pub diagnostics: Diagnostics,
    /// What the state should say now.
    pub remains: Remains<M>,
}

/// What exists after a failed operation.
#[derive(Debug, Default)]
pub enum Remains<M> {
    /// What Terraform had: the prior state (an update, a read), or for a create
    /// whatever was recorded with [`Ctx::record`] (nothing, if nothing was).
    #[default]
    AsBefore,
    /// The object as it is now: something was made or changed before the failure
    /// (Terraform keeps it, tainted after a create).
    Now(M),
    /// The object no longer exists (found deleted outside Terraform).
    Gone,
}

impl<M> Failure<M> {
    /// A failure with one error that changed nothing.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Failure { diagnostics: Diagnostics::with_error(summary, detail), remains: Remains::AsBefore }
    }

    /// The same failure, with `state` as what exists now.
    pub fn with_state(mut self, state: M) -> Self {
        self.remains = Remains::Now(state);
        self
    }

    /// The same failure, having found the object gone.
    pub fn gone(mut self) -> Self {
        self.remains = Remains::Gone;
        self
    }
}

impl<M> From<Diagnostics> for Failure<M> {
    fn from(diagnostics: Diagnostics) -> Self {
        Failure { diagnostics, remains: Remains::AsBefore }
    }
}

impl<M> From<ModelError> for Failure<M> {
    fn from(e: ModelError) -> Self {
        Failure { diagnostics: e.into(), remains: Remains::AsBefore }
    }
}

/// What an operation of a [`ModelResource`] receives besides its model: the
/// provider's configured data as `D`, the cancellation StopProvider trips, the
/// apply checkpoint, and a place for warnings an operation that succeeds still
/// reports.
#[derive(Debug)]
pub struct Ctx<'a, D> {
    call: &'a CallContext,
    config: Option<&'a Value>,
    warnings: Mutex<Diagnostics>,
    data: PhantomData<fn() -> D>,
}

impl<'a, D: Send + Sync + 'static> Ctx<'a, D> {
    /// The context of one call.
    pub fn new(call: &'a CallContext) -> Self {
        Ctx { call, config: None, warnings: Mutex::new(Diagnostics::new()), data: PhantomData }
    }

    /// The same context, with the configuration of a create or an update.
    pub(crate) fn with_config(mut self, config: &'a Value) -> Self {
        self.config = Some(config);
        self
    }

    /// The resource's configuration as written, in a create or an update (`None`
    /// in the others): where a plan cannot tell "not set" from "unchanged", such as
    /// an optional attribute that keeps its state when left out.
    pub fn config(&self) -> Option<&'a Value> {
        self.config
    }

    /// The configured provider data, or the error that the provider was not
    /// configured (its block had errors).
    pub fn data(&self) -> Result<&'a D, Diagnostics> {
        self.call.data::<D>()
    }

    /// Tripped by StopProvider (Ctrl-C in Terraform): waits end promptly.
    pub fn cancel(&self) -> &CancellationToken {
        &self.call.cancel
    }

    /// The untyped context, for code shared with resources written on [`Resource`](crate::framework::Resource).
    pub fn call(&self) -> &'a CallContext {
        self.call
    }

    /// Records the state an apply has reached (call it the moment a remote object
    /// exists): whatever happens next, even a panic, Terraform is given this state.
    pub fn record<M: IntoValue + Clone>(&self, state: &M) {
        self.call.record_state(&state.clone().into_value());
    }

    /// Forgets the recorded state, once the object it named has been removed again.
    pub fn forget(&self) {
        self.call.forget_state();
    }

    /// A warning reported with the operation's result, whether it succeeds or not.
    pub fn warn(&self, summary: impl Into<String>, detail: impl Into<String>) {
        if let Ok(mut w) = self.warnings.lock() {
            w.warning(summary, detail);
        }
    }

    /// A warning at an attribute, reported with the operation's result.
    pub fn warn_at(&self, path: AttributePath, summary: impl Into<String>, detail: impl Into<String>) {
        if let Ok(mut w) = self.warnings.lock() {
            w.warning_at(path, summary, detail);
        }
    }

    /// The warnings given so far.
    pub(crate) fn take_warnings(&self) -> Diagnostics {
        self.warnings.lock().map(|mut w| std::mem::take(&mut *w)).unwrap_or_default()
    }
}

/// Decodes an operation's value, as an error diagnostic naming the attribute.
pub(crate) fn model_of<M: FromValue>(v: &Value, what: &str) -> Result<M, Diagnostics> {
    decode(v).map_err(|e| e.to_diagnostics(&format!("Unexpected {what}")))
}

/// Writes a result into a response's state and diagnostics: on failure the state
/// is what the failure says remains; `keep` is what was there before.
pub(crate) fn settle<M: IntoValue>(
    result: Result<Option<M>, Failure<M>>,
    warnings: Diagnostics,
    state: &mut Option<Value>,
    diagnostics: &mut Diagnostics,
    keep: Option<Value>,
) {
    diagnostics.extend(warnings);
    match result {
        Ok(m) => *state = m.map(IntoValue::into_value),
        Err(f) => {
            diagnostics.extend(f.diagnostics);
            *state = match f.remains {
                Remains::AsBefore => keep,
                Remains::Now(m) => Some(m.into_value()),
                Remains::Gone => None,
            };
        }
    }
}
