//! `action "modelarts_notebook_power"`: start, stop or restart a notebook as a
//! day-two operation (Terraform 1.14+), e.g. `terraform apply
//! -invoke=action.modelarts_notebook_power.tonight`, or from a resource's
//! `lifecycle { action_trigger { ... } }`.
//!
//! It waits until the notebook is in the wanted status, reporting progress, and
//! it is idempotent: stopping a stopped notebook succeeds at once. The API calls
//! and their error codes are handled as for the resource, by the client's
//! `power` module (`modelarts_api::power`), which both use.
//! An action does not change any resource's state: when it stops a notebook
//! whose configuration says `running = true`, the next plan shows that as drift.

use std::future::Future;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::client::enums::LeaseType;
use crate::client::ids::NotebookId;
use crate::client::types::{LeaseReq, Notebook, Status};
use crate::client::{ApiError, Client};
use crate::duration;
use crate::enums::StringEnum;
use crate::framework::action::{Action, InvokeRequest, InvokeResponse, PlanRequest, PlanResponse, Progress};
use crate::framework::model::decode;
use crate::framework::validators::{Check, OneOf, Text};
use crate::framework::{Attribute, Block, CallContext, Schema};
use crate::protocol::{AttributePath, Diagnostics, Value};
use modelarts_api::string_enum;

use super::configured::client;
use super::diagnose::notebook_not_found;
use super::notebook::schema::check_auto_stop_duration;
use crate::client::power;

string_enum! {
    /// What the action does.
    pub(crate) enum PowerAction { Start = "start", Stop = "stop", Restart = "restart" }
}

/// How long an invocation may take when `timeout` is not set.
const DEFAULT_TIMEOUT: &str = "30m";
/// How often a long wait reports that it is still waiting.
const PROGRESS_EVERY: Duration = Duration::from_secs(15);

/// `modelarts_notebook_power`.
#[derive(Debug)]
pub(crate) struct NotebookPowerAction;

fn check_timeout(s: &str) -> Result<(), String> {
    duration::parse(s).map(|_| ()).map_err(String::from)
}

pub(crate) fn schema() -> Schema {
    Schema::new(
        0,
        Block::new("Starts, stops or restarts a notebook, and waits until it is there. Invoke it with `terraform apply -invoke=action.modelarts_notebook_power.NAME`, or from a resource's `lifecycle { action_trigger { ... } }` (Terraform 1.14+). It is idempotent: stopping a stopped notebook succeeds without a call. The action does not change Terraform's state: stopping a notebook whose `modelarts_notebook` says `running = true` shows as drift at the next plan, by design — use `running` for the power state you want kept, and this action for one-off operations.")
            .attr(Attribute::string(PowerModel::NOTEBOOK_ID).required().describe("The notebook's ID."))
            .attr(Attribute::string(PowerModel::POWER_ACTION).required().describe("`start`, `stop` or `restart` (a running notebook is stopped, then started; a stopped one is started).").validate(OneOf(PowerAction::NAMES)))
            .attr(Attribute::string(PowerModel::AUTO_STOP_DURATION).optional().describe("For `start` and `restart`: stop the notebook automatically after this long (`1h` to `72h`). Without it auto-stop is off, as for the resource.").validate(Check { check: check_auto_stop_duration, description: "a duration from `1h` to `72h`" }))
            .attr(Attribute::string(PowerModel::REGION).optional().describe("The notebook's region; the provider's when omitted."))
            .attr(Attribute::string(PowerModel::TIMEOUT).optional().describe("How long the action may take, e.g. `45m`. Defaults to `30m`.").validate(Text { check: check_timeout, description: "a duration such as `30m`" })),
    )
}

/// The action's configuration, as written.
#[derive(Clone, Debug, Default, tfplugin::Model)]
struct PowerModel {
    notebook_id: String,
    power_action: String,
    auto_stop_duration: Option<String>,
    region: Option<String>,
    timeout: Option<String>,
}

/// The action's configuration, checked.
struct Config {
    notebook_id: String,
    action: PowerAction,
    auto_stop: Option<LeaseReq>,
    region: Option<String>,
    timeout: Duration,
}

fn config_of(v: &Value) -> Result<Config, Diagnostics> {
    let m: PowerModel = decode(v).map_err(|e| e.to_diagnostics("Invalid configuration"))?;
    let bad = |name: &str, detail: String| {
        Diagnostics::with_error_at(AttributePath::attr(name), format!("Invalid {name}"), detail)
    };
    let action = PowerAction::parse(&m.power_action).ok_or_else(|| {
        let word = &m.power_action;
        bad(PowerModel::POWER_ACTION, format!("{word:?} is not one of {}", PowerAction::NAMES.join(", ")))
    })?;
    let auto_stop = match &m.auto_stop_duration {
        Some(s) => {
            let d = duration::parse(s).map_err(|e| bad(PowerModel::AUTO_STOP_DURATION, e.to_string()))?;
            let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
            Some(LeaseReq { duration: ms, kind: LeaseType::Timing.into() })
        }
        None => None,
    };
    let timeout = duration::parse(m.timeout.as_deref().unwrap_or(DEFAULT_TIMEOUT))
        .map_err(|e| bad(PowerModel::TIMEOUT, e.to_string()))?;
    Ok(Config { notebook_id: m.notebook_id, action, auto_stop, region: m.region, timeout })
}

/// Runs `work`, reporting every [`PROGRESS_EVERY`] that it is still `doing`.
async fn reporting<T>(progress: &Progress, doing: &str, work: impl Future<Output = T>) -> T {
    let started = Instant::now();
    tokio::pin!(work);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
    loop {
        tokio::select! {
            out = &mut work => return out,
            _ = ticks.tick() => progress.report(format!("Still {doing} ({}s so far)", started.elapsed().as_secs())),
        }
    }
}

async fn run(api: &Client, c: &Config, progress: &Progress) -> Result<Notebook, ApiError> {
    let deadline = Instant::now() + c.timeout;
    // Passing trouble (throttling, an outage) is ridden out within the timeout.
    let api = &api.until(deadline);
    let id = &NotebookId::from(&c.notebook_id);
    let mut n = api.get_notebook(id).await?;
    let label = format!("notebook {:?} ({id})", n.name);
    if n.status.is_transitional() {
        progress.report(format!("The {label} is {}; waiting until it settles", n.status));
        n = reporting(progress, "waiting", power::settle(api, id, deadline)).await?;
    }
    // Futures do nothing until awaited: only the arm taken calls the API.
    let start = power::start(api, id, c.auto_stop.as_ref(), deadline);
    let stop = power::stop(api, id, deadline);
    match (c.action, &n.status) {
        (PowerAction::Start, Status::Running) | (PowerAction::Stop, Status::Stopped) => {
            progress.report(format!("The {label} is already {}; nothing to do", n.status));
            Ok(n)
        }
        (PowerAction::Stop, _) => step(progress, "Stopping", &label, stop).await,
        (PowerAction::Restart, Status::Running) => {
            step(progress, "Stopping", &label, stop).await?;
            step(progress, "Starting", &label, start).await
        }
        (PowerAction::Start | PowerAction::Restart, _) => step(progress, "Starting", &label, start).await,
    }
}

/// One start or stop, announced, with progress while it waits.
async fn step(
    progress: &Progress,
    doing: &str,
    label: &str,
    work: impl Future<Output = Result<Notebook, ApiError>>,
) -> Result<Notebook, ApiError> {
    progress.report(format!("{doing} the {label}"));
    reporting(progress, &doing.to_lowercase(), work).await
}

#[async_trait]
impl Action for NotebookPowerAction {
    fn type_name(&self) -> &'static str {
        "modelarts_notebook_power"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    /// A known notebook ID must name a notebook (an unknown one is made in the same apply).
    async fn plan(&self, ctx: &CallContext, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
        let Some(id) = req.config.attr(PowerModel::NOTEBOOK_ID).as_str() else { return };
        let (api, region) = match client(ctx, req.config.attr(PowerModel::REGION).as_str()).await {
            Ok(c) => c,
            Err(d) => return resp.diagnostics.extend(d),
        };
        match api.get_notebook(&id.into()).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {
                resp.diagnostics.extend(notebook_not_found(PowerModel::NOTEBOOK_ID, id, &region))
            }
            Err(e) => resp.diagnostics.warning("Could not check the notebook", e.to_string()),
        }
    }

    async fn invoke(&self, ctx: &CallContext, req: &InvokeRequest<'_>, progress: &Progress, resp: &mut InvokeResponse) {
        let c = match config_of(req.config) {
            Ok(c) => c,
            Err(d) => return resp.diagnostics.extend(d),
        };
        let api = match client(ctx, c.region.as_deref()).await {
            Ok((api, _)) => api,
            Err(d) => return resp.diagnostics.extend(d),
        };
        let started = Instant::now();
        match run(&api, &c, progress).await {
            Ok(n) => {
                progress.report(format!("The notebook {:?} is {} ({}s)", n.name, n.status, started.elapsed().as_secs()))
            }
            Err(e) => resp.diagnostics.error(format!("Cannot {} the notebook", c.action.as_str()), e.to_string()),
        }
    }
}
