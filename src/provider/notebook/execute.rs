//! Runs the steps of an update ([`super::steps`]) on a notebook, and never leaves it
//! in a power state the plan did not ask for: when a step fails after a start or a
//! stop, the notebook is taken back to the power state it should end in before the
//! error is reported.

use std::time::Instant;

use crate::client::codes::ErrorCode;
use crate::client::ids::NotebookId;
use crate::client::types::{LeaseReq, Notebook, Status};
use crate::client::{ApiError, Client};

use super::changes::Needs;
use super::steps::{Power, Step};
use crate::client::power;

/// What an execution may do, and by when.
#[derive(Debug)]
pub(crate) struct Run<'a> {
    pub id: &'a NotebookId,
    /// Where the notebook is now, and where it should end.
    pub now: Power,
    pub end: Power,
    /// The auto-stop every start carries (`None`: off).
    pub auto_stop: Option<&'a LeaseReq>,
    /// May the notebook be started or stopped only to make a change?
    pub allow_stopping: bool,
    pub deadline: Instant,
    /// The update's whole timeout: a restore after a failure gets as long again, so
    /// a notebook is not left down because the update's own time ran out.
    pub timeout: std::time::Duration,
}

/// What went wrong, and what the notebook looked like last.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: String,
    /// The API's refusal, when an API call failed.
    pub api: Option<ApiError>,
    pub notebook: Option<Notebook>,
}

/// Why a step failed.
enum StepError {
    Api(ApiError),
    /// Refused before anything was changed, with the reason.
    Refused(String),
}

impl From<ApiError> for StepError {
    fn from(e: ApiError) -> Self {
        StepError::Api(e)
    }
}

/// Runs `steps`; returns the notebook as the last step saw it.
pub(crate) async fn execute(api: &Client, run: &Run<'_>, steps: &[Step]) -> Result<Option<Notebook>, Failure> {
    let mut last: Option<Notebook> = None;
    let mut power = run.now;
    let mut transitioned = false;
    for step in steps {
        tracing::info!(notebook = %run.id, step = ?step_name(step), "applying");
        match run_step(api, run, step, power).await {
            Ok(nb) => {
                match step {
                    Step::Stop => power = Power::Stopped,
                    Step::Start(_) => power = Power::Running,
                    _ => {}
                }
                if matches!(step, Step::Stop | Step::Start(_)) {
                    transitioned = true;
                }
                if let Some(nb) = nb {
                    if nb.status == Status::Running || nb.status == Status::Stopped {
                        power = Power::of(nb.status == Status::Running);
                    }
                    last = Some(nb);
                }
            }
            Err(e) => {
                let cancelled = matches!(e, StepError::Api(ApiError::Cancelled { .. }));
                let api_error = match &e {
                    StepError::Api(a) => Some(a.clone()),
                    StepError::Refused(_) => None,
                };
                let mut error = describe_failure(step, &e);
                // Never leave a notebook in a power state it should not end in because a
                // step failed after a start or a stop (unless the failure was that very
                // transition, or the user interrupted).
                let failed_transition = matches!(step, Step::Start(_) | Step::Stop);
                if transitioned && !cancelled && !failed_transition && power != run.end {
                    let deadline = Instant::now().checked_add(run.timeout).unwrap_or(run.deadline);
                    let restored = match run.end {
                        Power::Running => power::start(api, run.id, run.auto_stop, deadline).await,
                        Power::Stopped => power::stop(api, run.id, deadline).await,
                    };
                    match restored {
                        Ok(nb) => {
                            error.push_str(match run.end {
                                Power::Running => " The notebook was started again on its previous configuration.",
                                Power::Stopped => " The notebook was stopped again.",
                            });
                            last = Some(nb);
                        }
                        Err(e2) => error.push_str(&format!(" Bringing it back to {:?} also failed: {e2}.", run.end)),
                    }
                }
                return Err(Failure { error, api: api_error, notebook: last });
            }
        }
    }
    Ok(last)
}

async fn run_step(api: &Client, run: &Run<'_>, step: &Step, power: Power) -> Result<Option<Notebook>, StepError> {
    let id = run.id;
    match step {
        Step::CheckFlavor(flavor) => {
            let options = api.switchable_flavors(id).await?;
            if options.iter().any(|f| &f.id == flavor) {
                return Ok(None);
            }
            let names: Vec<&str> = options.iter().map(|f| f.id.as_str()).collect();
            Err(StepError::Refused(format!(
                "Notebook {id} cannot switch to flavor {flavor}; it can switch to: {}. Nothing was changed.",
                if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
            )))
        }
        Step::Update { update, needs } => match power::update(api, id, &update.body, run.deadline).await {
            Ok(nb) => Ok(Some(nb)),
            // A rename refused because the notebook is stopped: start it, rename it,
            // stop it again (the plan said this may happen).
            Err(e) if *needs == Needs::AnyStatus && power == Power::Stopped && refused_for_status(&e) => {
                if !run.allow_stopping {
                    return Err(StepError::Refused(format!(
                        "The API refused to change {} of stopped notebook {id} ({e}), and allow_stopping_for_update = false forbids starting it for that. Start it (running = true) or allow it.",
                        update.fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
                    )));
                }
                tracing::info!(notebook = %id, error = %e, "the API changes this only on a running notebook: starting it briefly");
                power::start(api, id, run.auto_stop, run.deadline).await?;
                let updated = power::update(api, id, &update.body, run.deadline).await;
                let stopped = power::stop(api, id, run.deadline).await;
                let nb = updated?;
                Ok(Some(stopped.unwrap_or(nb)))
            }
            Err(e) => Err(e.into()),
        },
        Step::WaitForVolume => Ok(Some(api.wait_volume_settled(id, remaining(run.deadline)).await?)),
        Step::Stop => Ok(Some(power::stop(api, id, run.deadline).await?)),
        Step::Start(lease) => Ok(Some(power::start(api, id, lease.as_ref(), run.deadline).await?)),
        Step::RenewLease(l) => {
            api.renew_lease(id, l).await?;
            Ok(None)
        }
    }
}

fn remaining(deadline: Instant) -> std::time::Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// The answers the API gives for a change it takes only in another status.
fn refused_for_status(e: &ApiError) -> bool {
    matches!(e.known_code(), Some(ErrorCode::AlreadyStopped | ErrorCode::Busy))
}

fn step_name(step: &Step) -> &'static str {
    match step {
        Step::CheckFlavor(_) => "check that the notebook can switch to the new flavor",
        Step::Update { needs: Needs::AnyStatus, .. } => "update",
        Step::Update { needs: Needs::Running, .. } => "update (running)",
        Step::Update { needs: Needs::Stopped, .. } => "update (stopped)",
        Step::WaitForVolume => "wait for the volume",
        Step::Stop => "stop",
        Step::Start(_) => "start",
        Step::RenewLease(_) => "renew auto-stop",
    }
}

fn describe_failure(step: &Step, e: &StepError) -> String {
    let e = match e {
        StepError::Refused(reason) => return reason.clone(),
        StepError::Api(e) => e,
    };
    let what = match step {
        Step::CheckFlavor(f) => return format!("Checking whether the notebook can switch to flavor {f} failed: {e}."),
        Step::Update { .. } => "Updating the notebook",
        Step::WaitForVolume => "Waiting for the volume to finish resizing",
        Step::Stop => "Stopping the notebook",
        Step::Start(_) => "Starting the notebook",
        Step::RenewLease(_) => "Renewing the notebook's auto-stop",
    };
    format!("{what} failed: {e}.")
}
