//! What the resources that act on a running notebook (a storage mount, a saved
//! image) check about it: at plan time whether it exists and runs, at apply that it
//! runs (waiting for one on its way there).

use std::time::Instant;

use crate::client::ids::NotebookId;
use crate::client::types::Status;
use crate::client::{ApiError, Client};
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};
use crate::framework::CallContext;
use crate::protocol::{AttributePath, Diagnostics, Value};

use super::configured::client;

/// The attribute both resources name their region by, as the official provider's do.
const REGION: &str = "region";

/// What needs the notebook running, in words.
#[derive(Debug)]
pub(crate) struct NeedsRunning {
    /// The rule: "Storage can be mounted only into a running notebook".
    pub rule: &'static str,
    /// The error's summary when the notebook cannot be used: "Cannot mount into this notebook".
    pub refusal: &'static str,
    /// Why `running = true` is needed: "a mount needs it running".
    pub why: &'static str,
    /// The attribute naming the notebook.
    pub attr: &'static str,
}

impl NeedsRunning {
    /// Why a notebook in `status` cannot be used.
    pub(crate) fn not_running(&self, id: &str, status: &Status) -> String {
        format!(
            "{}, and notebook {id} is {status}. If this configuration manages it with running = false, set running = true on its modelarts_notebook ({}); otherwise start it, and apply again.",
            self.rule, self.why
        )
    }

    /// At plan time, for an object to be made: `region` is the provider's when not
    /// set, and the notebook is looked at ([`Self::check_at_plan`]).
    pub(crate) async fn plan_create(
        &self,
        ctx: &CallContext,
        req: &ModifyPlanRequest<'_>,
        resp: &mut ModifyPlanResponse,
    ) {
        if !req.state.is_null() {
            return;
        }
        let Some(notebook) = resp.plan.attr(self.attr).as_str().map(String::from) else { return };
        let Ok((api, region)) = client(ctx, req.config.attr(REGION).as_str()).await else { return };
        if resp.plan.attr(REGION).is_unknown() {
            resp.plan.set_attr(REGION, Value::from(region.into_string()));
        }
        self.check_at_plan(&api, &NotebookId::from(notebook), &mut resp.diagnostics).await;
    }

    /// At plan time: a missing notebook (or refused credentials) is an error, one
    /// that is not running a warning; other failures only a log line (apply tells).
    async fn check_at_plan(&self, api: &Client, notebook: &NotebookId, diags: &mut Diagnostics) {
        let at = AttributePath::attr(self.attr);
        match api.get_notebook(notebook).await {
            Ok(n) if n.status == Status::Running || n.status.is_transitional() => {}
            Ok(n) => {
                diags.warning_at(at, "The notebook is not running", self.not_running(notebook.as_str(), &n.status))
            }
            Err(e @ (ApiError::NotFound { .. } | ApiError::Unauthorized(_))) => {
                diags.error_at(at, self.refusal, e.to_string());
            }
            Err(e) => tracing::warn!(notebook = %notebook, error = %e, "could not look at the notebook at plan time"),
        }
    }

    /// At apply: the notebook runs, after a wait (until `deadline`) when it is on its
    /// way; otherwise an error at the notebook's attribute.
    pub(crate) async fn wait_running(
        &self,
        api: &Client,
        notebook: &NotebookId,
        deadline: Instant,
    ) -> Result<(), Diagnostics> {
        let status = match api.get_notebook(notebook).await {
            Ok(n) if n.status.is_transitional() && n.status != Status::Stopping => {
                let left = deadline.saturating_duration_since(Instant::now());
                api.wait_for_status(notebook, &[Status::Running], left).await.map(|n| n.status)
            }
            other => other.map(|n| n.status),
        };
        let at = AttributePath::attr(self.attr);
        let mut d = Diagnostics::default();
        match status {
            Ok(Status::Running) => return Ok(()),
            Ok(s) => d.error_at(at, "The notebook is not running", self.not_running(notebook.as_str(), &s)),
            Err(e) => d.error_at(at, self.refusal, e.to_string()),
        }
        Err(d)
    }
}
