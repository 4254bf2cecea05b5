//! Create, read, update, delete and import of a notebook. Whatever happens, the
//! state returned matches what exists: a notebook that was created is always
//! recorded, even when a later wait fails.

use std::time::{Duration, Instant};

use crate::client::notebooks::NotebookFilter;
use crate::client::types::{CreateNotebook, Notebook, Status, VolumeReq};
use crate::client::{ApiError, Client};
use crate::framework::{CallContext, Outcome};
use crate::protocol::{Diagnostics, Value};
use crate::timefmt::{self, now_millis};

use super::changes::{changed, Applied};
use super::model::{state_from_api, timeouts, Spec};
use super::sequencer::{execute, plan_update, stop_and_wait};

fn error(summary: &str, detail: impl Into<String>) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.error(summary, detail);
    d
}

/// How far the API's clock may be from ours when matching a lost create.
const CLOCK_SLACK_MS: i64 = 120_000;

fn create_request(spec: &Spec) -> CreateNotebook {
    let endpoints = spec.endpoints();
    CreateNotebook {
        name: spec.name.clone(),
        description: spec.description.clone(),
        flavor: spec.flavor_id.clone(),
        image_id: spec.image_id.clone(),
        volume: VolumeReq {
            category: spec.volume.kind.clone(),
            ownership: spec.volume.ownership.clone(),
            capacity: spec.volume.size,
            uri: spec.volume.uri.clone(),
            ..Default::default()
        },
        endpoints: (!endpoints.is_empty()).then_some(endpoints),
        workspace_id: spec.workspace_id.clone(),
        pool_id: spec.pool_id.clone(),
        lease: spec.auto_stop.clone(),
        feature: Some("NOTEBOOK".into()),
        ..Default::default()
    }
}

/// After a create whose answer was lost: the notebook of that name created since
/// the request began, if there is exactly one.
async fn recover_lost_create(api: &Client, name: &str, sent_at_ms: i64) -> Result<Notebook, String> {
    for attempt in 0..4 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
        }
        let listed = api
            .list_notebooks(&NotebookFilter { name: Some(name.to_string()), ..Default::default() })
            .await
            .map_err(|e| format!("listing notebooks named {name:?} failed too: {e}"))?;
        let matches: Vec<Notebook> = listed
            .into_iter()
            .filter(|n| n.name == name && n.create_at.is_none_or(|c| c >= sent_at_ms - CLOCK_SLACK_MS))
            .collect();
        match matches.len() {
            0 => continue,
            1 => return Ok(matches.into_iter().next().unwrap_or_default()),
            _ => {
                let ids: Vec<String> = matches.iter().map(|n| n.id.clone()).collect();
                return Err(format!("several notebooks named {name:?} were created since then ({}); the provider cannot tell which is its own", ids.join(", ")));
            }
        }
    }
    Err(format!("no notebook named {name:?} has appeared"))
}

pub async fn create(api: &Client, ctx: &CallContext, planned: &Value, config: &Value) -> Outcome {
    let spec = Spec::from_plan(planned, config);
    let deadline = Instant::now() + spec.timeouts.create;
    let sent_at = now_millis();
    tracing::info!(name = %spec.name, flavor = %spec.flavor_id, "creating notebook");
    let created = match api.create_notebook(&create_request(&spec)).await {
        Ok(n) => n,
        Err(e) if e.is_ambiguous() => {
            tracing::warn!(name = %spec.name, error = %e, "create answer lost; looking for the notebook it made");
            match recover_lost_create(api, &spec.name, sent_at).await {
                Ok(n) => {
                    tracing::info!(notebook = %n.id, "recovered the notebook made by the lost create");
                    n
                }
                Err(why) => {
                    let since = timefmt::rfc3339(sent_at).unwrap_or_default();
                    return Outcome::failed(
                        None,
                        error(
                            "Notebook may have been created",
                            format!("The create request was sent but its answer was lost ({e}), and {why}. A notebook named {:?} created after {since} may exist and keep costing money: check the ModelArts console and import it (terraform import) or delete it before applying again.", spec.name),
                        ),
                    );
                }
            }
        }
        Err(e) => return Outcome::failed(None, error("Failed to create notebook", e.to_string())),
    };
    let id = created.id.clone();
    // From here on the notebook exists: whatever happens next, it is in the state.
    ctx.record_state(&state_from_api(&created, planned));
    crate::testhook::panic_point("after_create");
    let mut last = created;
    let result: Result<(), ApiError> = async {
        last = api.wait_for_status(&id, &[Status::Running], deadline.saturating_duration_since(Instant::now())).await?;
        if spec.running == Some(false) {
            last = stop_and_wait(api, &id, deadline).await?;
        }
        last = api.get_notebook(&id).await?;
        Ok(())
    }
    .await;
    let state = state_from_api(&last, planned);
    match result {
        Ok(()) => Outcome::ok(state),
        // Recorded (and tainted by Terraform): never an orphan that keeps costing money.
        Err(e) => Outcome::failed(
            Some(refresh_or(api, &id, &last, planned).await),
            error(
                "Notebook created, but it did not become ready",
                format!("Notebook {id} was created and is kept in the state (Terraform marks it tainted): {e}."),
            ),
        ),
    }
}

/// The latest state of notebook `id`, or the last one seen if the API cannot tell now.
async fn refresh_or(api: &Client, id: &str, last: &Notebook, carry: &Value) -> Value {
    if api.cancel_requested() {
        return state_from_api(last, carry);
    }
    match api.get_notebook(id).await {
        Ok(n) => state_from_api(&n, carry),
        Err(_) => state_from_api(last, carry),
    }
}

pub async fn read(api: &Client, current: &Value) -> Outcome {
    let Some(id) = current.attr("id").as_str() else {
        return Outcome::gone();
    };
    match api.get_notebook(id).await {
        Ok(n) => Outcome::ok(state_from_api(&n, current)),
        Err(e) if e.is_not_found() => {
            tracing::info!(notebook = id, "notebook no longer exists; removing it from the state");
            Outcome::gone()
        }
        Err(e) => Outcome::failed(Some(current.clone()), error("Failed to read notebook", e.to_string())),
    }
}

pub async fn update(api: &Client, prior: &Value, planned: &Value, config: &Value) -> Outcome {
    let spec = Spec::from_plan(planned, config);
    let id = prior.attr("id").as_str().unwrap_or_default().to_string();
    let deadline = Instant::now() + spec.timeouts.update;
    let mut current = match api.get_notebook(&id).await {
        Ok(n) => n,
        Err(e) if e.is_not_found() => {
            return Outcome::failed(
                None,
                error(
                    "Notebook no longer exists",
                    format!("Notebook {id} was deleted outside Terraform; the next plan will create it again."),
                ),
            )
        }
        Err(e) => return Outcome::failed(Some(prior.clone()), error("Failed to update notebook", e.to_string())),
    };
    if current.status.is_transitional() {
        tracing::info!(notebook = %id, status = %current.status, "waiting for the notebook to settle before changing it");
        match api.wait_settled(&id, deadline.saturating_duration_since(Instant::now())).await {
            Ok(n) => current = n,
            Err(e) => {
                let state = state_from_api(&current, prior);
                return Outcome::failed(
                    Some(state),
                    error("Failed to update notebook", format!("It did not settle before the update: {e}.")),
                );
            }
        }
    }
    let auto_stop_changed = changed(prior, planned).iter().any(|r| r.applied == Applied::AutoStop);
    let steps = plan_update(&current, &spec, auto_stop_changed);
    tracing::debug!(notebook = %id, steps = ?steps, "update plan");
    match execute(api, &id, &steps, deadline.saturating_duration_since(Instant::now())).await {
        Ok(last) => {
            let fallback = last.unwrap_or(current);
            let state = refresh_or(api, &id, &fallback, planned).await;
            Outcome::ok(state)
        }
        Err(failure) => {
            let fallback = failure.notebook.unwrap_or(current);
            // Record the progress made: the state matches the notebook as it is now.
            let state = refresh_or(api, &id, &fallback, prior).await;
            Outcome::failed(Some(state), error("Failed to update notebook", failure.error))
        }
    }
}

pub async fn delete(api: &Client, prior: &Value) -> Diagnostics {
    let Some(id) = prior.attr("id").as_str() else { return Diagnostics::new() };
    let deadline = Instant::now() + timeouts(prior).delete;
    tracing::info!(notebook = id, "deleting notebook");
    let left = || deadline.saturating_duration_since(Instant::now());
    let result: Result<(), ApiError> = async {
        loop {
            match api.delete_notebook(id).await {
                Ok(()) => break,
                Err(e) if e.is_not_found() => return Ok(()),
                // Some regions refuse to delete a notebook in some states: settle it, stop it, try again.
                Err(e) if e.code() == Some("ModelArts.6573") => {
                    let n = api.get_notebook(id).await?;
                    match n.status {
                        Status::Deleting => break,
                        s if s.is_transitional() => {
                            api.wait_settled(id, left()).await?;
                        }
                        Status::Running => {
                            stop_and_wait(api, id, deadline).await?;
                        }
                        _ => return Err(e),
                    }
                }
                Err(e) if e.is_ambiguous() => break,
                Err(e) => return Err(e),
            }
        }
        api.wait_gone(id, left()).await
    }
    .await;
    match result {
        Ok(()) => Diagnostics::new(),
        Err(e) => error("Failed to delete notebook", e.to_string()),
    }
}

/// The lease every start without an explicit auto-stop gets (the start API's defaults).
fn is_default_lease(l: &crate::client::types::Lease) -> bool {
    l.duration == Some(crate::client::limits::MIN_LEASE_MS) && l.kind.as_deref().is_none_or(|k| k == "TIMING")
}

/// Imports notebook `id`. An auto-stop other than the API's default (1 h, TIMING,
/// which every start without one gets) is imported as `auto_stop`.
pub async fn import(api: &Client, id: &str) -> Outcome {
    match api.get_notebook(id).await {
        Ok(n) => {
            let mut carry = Value::object([("timeouts", Value::Null)]);
            if let Some(lease) = n.lease.as_ref().filter(|l| l.enable == Some(true) && !is_default_lease(l)) {
                let d = Duration::from_millis(lease.duration.unwrap_or(0).max(0) as u64);
                carry.set_attr(
                    "auto_stop",
                    Value::List(vec![Value::object([
                        ("type", Value::from(lease.kind.clone().unwrap_or_else(|| "TIMING".into()))),
                        ("duration", Value::from(crate::duration::format(d))),
                    ])]),
                );
            }
            Outcome::ok(state_from_api(&n, &carry))
        }
        Err(e) if e.is_not_found() => Outcome::failed(
            None,
            error("Cannot import notebook", format!("There is no notebook with ID {id:?} in this project and region.")),
        ),
        Err(e) => Outcome::failed(None, error("Cannot import notebook", e.to_string())),
    }
}
