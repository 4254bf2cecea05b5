//! Start, stop, update and delete with the API's error codes handled as the error
//! table says they should be ([`ErrorCode`]), each followed by the wait for its
//! outcome — what a notebook resource and a power action alike need:
//!
//! | answer | start | stop | update | delete |
//! |---|---|---|---|---|
//! | 6305 already running | done | look and decide | — | — |
//! | 6307 already stopped | look and decide | done | — | — |
//! | 6306 / 6308 starting / stopping | wait until settled, then go on | same | same | same |
//! | 6357 busy | look (wait for the status and the volume to settle), then decide | same | same | same |
//! | 6304 stop before delete | — | — | — | stop, wait, delete |
//! | not found | error | error | error | done |
//!
//! A lost answer is settled by looking at the notebook.

use std::time::{Duration, Instant};

use crate::codes::ErrorCode;
use crate::error::human_duration;
use crate::ids::NotebookId;
use crate::types::{LeaseReq, Notebook, Status, UpdateNotebook};
use crate::{ApiError, Client};

/// How many times a call is sent again after the notebook settled.
const ATTEMPTS: usize = 3;

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Whether `e` says "the instance is busy or on its way": wait, then decide.
fn in_the_way(e: &ApiError) -> bool {
    matches!(e.known_code(), Some(ErrorCode::Starting | ErrorCode::Stopping | ErrorCode::Busy))
}

/// Waits until the notebook is out of any transition and its volume is not resizing.
pub async fn settle(api: &Client, id: &NotebookId, deadline: Instant) -> Result<Notebook, ApiError> {
    let n = api.wait_settled(id, remaining(deadline)).await?;
    if n.volume.as_ref().is_some_and(|v| v.is_busy()) {
        return api.wait_volume_settled(id, remaining(deadline)).await;
    }
    Ok(n)
}

/// A start or a stop as data: the first two columns of the table above.
struct Transition {
    /// `start` / `stop`, for the logs.
    verb: &'static str,
    /// The status it ends in.
    target: Status,
    /// The code that says it is already done (6305 for a start, 6307 for a stop).
    done: ErrorCode,
    /// The code that says the notebook is the other way (look and decide).
    opposite: ErrorCode,
    /// Settled in these statuses, the call is sent again.
    again_from: &'static [Status],
}

const START: Transition = Transition {
    verb: "start",
    target: Status::Running,
    done: ErrorCode::AlreadyRunning,
    opposite: ErrorCode::AlreadyStopped,
    again_from: &[Status::Stopped, Status::StartFailed],
};

const STOP: Transition = Transition {
    verb: "stop",
    target: Status::Stopped,
    done: ErrorCode::AlreadyStopped,
    opposite: ErrorCode::AlreadyRunning,
    again_from: &[Status::Running],
};

/// Starts notebook `id` with `auto_stop` (`None`: off) and waits for RUNNING.
pub async fn start(
    api: &Client,
    id: &NotebookId,
    auto_stop: Option<&LeaseReq>,
    deadline: Instant,
) -> Result<Notebook, ApiError> {
    transition(api, id, deadline, &START, || api.start_notebook(id, auto_stop)).await
}

/// Stops notebook `id` and waits for STOPPED.
pub async fn stop(api: &Client, id: &NotebookId, deadline: Instant) -> Result<Notebook, ApiError> {
    transition(api, id, deadline, &STOP, || api.stop_notebook(id)).await
}

/// Sends `t` (`send`) as the table says, then waits for its status.
async fn transition<F, Fut>(
    api: &Client,
    id: &NotebookId,
    deadline: Instant,
    t: &Transition,
    send: F,
) -> Result<Notebook, ApiError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Notebook, ApiError>>,
{
    let started = Instant::now();
    for attempt in 1..=ATTEMPTS {
        match send().await {
            Ok(_) => break,
            Err(e) if e.is_ambiguous() => {
                tracing::warn!(notebook = %id, error = %e, "{} answer lost; checking the notebook", t.verb);
                break;
            }
            Err(e) if e.code_is(t.done) => {
                tracing::info!(notebook = %id, "the notebook is already {}", t.target);
                break;
            }
            Err(e) if in_the_way(&e) || e.code_is(t.opposite) => {
                let n = settle(api, id, deadline).await?;
                if n.status == t.target {
                    return Ok(n);
                }
                if !(t.again_from.contains(&n.status) && attempt < ATTEMPTS) {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
    }
    let nb = api.wait_for_status(id, std::slice::from_ref(&t.target), remaining(deadline)).await?;
    tracing::info!(notebook = %id, took = %human_duration(started.elapsed()), "notebook {}", t.target);
    Ok(nb)
}

/// One PUT; when the notebook is in the way (in a transition, its volume resizing),
/// it waits for it to settle and sends the PUT again.
pub async fn update(
    api: &Client,
    id: &NotebookId,
    body: &UpdateNotebook,
    deadline: Instant,
) -> Result<Notebook, ApiError> {
    let mut attempt = 1;
    loop {
        match api.update_notebook(id, body).await {
            Err(e) if in_the_way(&e) && attempt < ATTEMPTS => {
                tracing::info!(notebook = %id, error = %e, "the notebook is busy; waiting to send the update again");
                settle(api, id, deadline).await?;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Deletes notebook `id` and waits until it is gone; already gone is success.
pub async fn delete(api: &Client, id: &NotebookId, deadline: Instant) -> Result<(), ApiError> {
    for attempt in 1..=ATTEMPTS {
        match api.delete_notebook(id).await {
            Ok(()) => break,
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) if e.is_ambiguous() => break,
            Err(e) if e.code_is(ErrorCode::StopBeforeDelete) && attempt < ATTEMPTS => {
                tracing::info!(notebook = %id, "the API asks for a stop before the delete");
                stop(api, id, deadline).await?;
            }
            Err(e) if in_the_way(&e) && attempt < ATTEMPTS => match settle(api, id, deadline).await {
                Err(gone) if gone.is_not_found() => return Ok(()),
                Err(other) => return Err(other),
                Ok(n) if n.status == Status::Deleting => break,
                Ok(_) => {}
            },
            Err(e) => return Err(e),
        }
    }
    api.wait_gone(id, remaining(deadline)).await
}
