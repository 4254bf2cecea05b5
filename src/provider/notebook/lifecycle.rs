//! Create, read, update, delete and import of a notebook. Whatever happens, the
//! state returned matches what exists: a notebook that was created is always
//! recorded, even when a later wait fails.

use std::time::{Duration, Instant};

use crate::client::codes;
use crate::client::limits::MIN_LEASE_MS;
use crate::client::notebooks::NotebookFilter;
use crate::client::types::{CreateNotebook, EndpointReq, Lease, Notebook, Status, AUTO_STOP_OFF};
use crate::client::{ApiError, Client};
use crate::framework::{CallContext, Outcome};
use crate::protocol::{Diagnostics, Value};
use crate::timefmt::{self, now_millis};

use super::changes::path_of;
use super::diagnose::{api_error, blamed};
use super::execute::{execute, Run};
use super::model::{asked_duration_ms, auto_stop_block, mounts_value, state_from_api, timeouts, Spec};
use super::power;
use super::steps::{self, Changes, Power, Step};

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
        volume: spec.volume_request(),
        endpoints: (!endpoints.is_empty()).then_some(endpoints),
        workspace_id: spec.workspace_id.clone(),
        pool_id: spec.pool_id.clone(),
        hooks: spec.hooks.clone(),
        // Auto-stop on: the lease asked for; off: `duration: -1`, as the official
        // provider sends at every create (the API's default would be 1 hour).
        lease: spec.auto_stop.clone(),
        duration: spec.auto_stop.is_none().then_some(AUTO_STOP_OFF),
        feature: Some("NOTEBOOK".into()),
    }
}

/// The attributes a create request carries, to blame for a refusal.
const CREATE_ATTRIBUTES: &[&str] = &[
    "name",
    "description",
    "flavor_id",
    "image_id",
    "volume",
    "allowed_access_ips",
    "key_pair",
    "workspace_id",
    "pool_id",
    "hooks",
    "auto_stop",
];

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
        Err(e) => return Outcome::failed(None, api_error("Failed to create notebook", &e, CREATE_ATTRIBUTES)),
    };
    let id = created.id.clone();
    // From here on the notebook exists: whatever happens next, it is in the state.
    ctx.record_state(&state_from_api(&created, planned));
    crate::testhook::panic_point("after_create");
    let mut last = created;
    let result: Result<(), ApiError> = async {
        last = api.wait_for_status(&id, &[Status::Running], deadline.saturating_duration_since(Instant::now())).await?;
        if spec.running == Some(false) {
            last = power::stop(api, &id, deadline).await?;
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
        Ok(n) => {
            let mut state = state_from_api(&n, current);
            // As in the official provider, a failed listing of the mounts keeps what was known.
            match api.list_mounts(id).await {
                Ok(mounts) => state.set_attr("mount_storages", mounts_value(&mounts)),
                Err(e) => tracing::warn!(notebook = id, error = %e, "could not list the notebook's mounted storage"),
            }
            Outcome::ok(state)
        }
        Err(e) if e.is_not_found() => {
            tracing::info!(notebook = id, "notebook no longer exists; removing it from the state");
            Outcome::gone()
        }
        Err(e) => Outcome::failed(Some(current.clone()), error("Failed to read notebook", e.to_string())),
    }
}

/// What an update must change, found by comparing the notebook as the API reports
/// it with the plan; for what the API never reports (hooks) or reports in another
/// form (auto-stop), by comparing the prior state with the plan.
pub fn changes(current: &Notebook, prior: &Value, planned: &Value, spec: &Spec) -> Changes {
    let mut c = Changes::default();
    if spec.name != current.name {
        c.any.name = Some(spec.name.clone());
    }
    let wanted_desc = spec.description.clone().unwrap_or_default();
    if wanted_desc != current.description.clone().unwrap_or_default() {
        c.any.description = Some(wanted_desc);
    }
    let capacity = current.volume.as_ref().and_then(|v| v.capacity);
    if let Some(size) = spec.volume.size.filter(|s| spec.volume.kind == "EVS" && Some(*s) != capacity) {
        c.running.storage_new_size = Some(size);
    }
    if spec.flavor_id != current.flavor {
        c.stopped.flavor = Some(spec.flavor_id.clone());
    }
    if spec.image_id != current.image.id {
        c.stopped.image_id = Some(spec.image_id.clone());
    }
    if let (Some(kp), Some(ssh)) = (&spec.key_pair, current.ssh_endpoint()) {
        let mut now_ips = ssh.allowed_access_ips.clone();
        let mut wanted_ips = spec.allowed_access_ips.clone();
        now_ips.sort();
        wanted_ips.sort();
        if now_ips != wanted_ips {
            // The endpoint goes with its unchanged key pair, as the official provider sends it.
            c.stopped.endpoints = Some(vec![EndpointReq {
                service: "SSH".into(),
                key_pair_names: vec![kp.clone()],
                allowed_access_ips: Some(spec.allowed_access_ips.clone()),
            }]);
        }
    }
    if prior.attr("hooks") != planned.attr("hooks") {
        // Removing the block clears the scripts.
        c.stopped.hooks = Some(spec.hooks.clone().unwrap_or_default());
    }
    c.auto_stop_changed = prior.attr("auto_stop") != planned.attr("auto_stop");
    c
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
    if current.status.is_transitional() || current.volume.as_ref().is_some_and(|v| v.is_busy()) {
        tracing::info!(notebook = %id, status = %current.status, "waiting for the notebook to settle before changing it");
        match power::settle(api, &id, deadline).await {
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
    let now = Power::of(current.status == Status::Running);
    let end = spec.running.map_or(now, Power::of);
    let changes = changes(&current, prior, planned, &spec);
    let steps = steps::plan(&changes, now, end, spec.auto_stop.as_ref());
    tracing::debug!(notebook = %id, steps = ?steps, "update steps");
    if !spec.allow_stopping_for_update && steps::extra_transitions(&steps, now, end) > 0 {
        return Outcome::failed(
            Some(state_from_api(&current, prior)),
            error(
                "Update needs a restart that is not allowed",
                format!("Notebook {id} is {} now, and applying this change would {}; allow_stopping_for_update = false forbids that. Nothing was changed. Set running to stop or start it deliberately, or allow it.", current.status, steps::describe(&steps, now)),
            ),
        );
    }
    let run = Run {
        id: &id,
        now,
        end,
        auto_stop: spec.auto_stop.as_ref(),
        allow_stopping: spec.allow_stopping_for_update,
        deadline,
        timeout: spec.timeouts.update,
    };
    match execute(api, &run, &steps).await {
        Ok(last) => {
            let fallback = last.unwrap_or(current);
            let state = refresh_or(api, &id, &fallback, planned).await;
            Outcome::ok(state)
        }
        Err(failure) => {
            let fallback = failure.notebook.unwrap_or(current);
            // Record the progress made: the state matches the notebook as it is now.
            let state = refresh_or(api, &id, &fallback, prior).await;
            let sent: Vec<&str> = steps
                .iter()
                .filter_map(|s| match s {
                    Step::Update { body, .. } => Some(steps::attributes_of(body)),
                    _ => None,
                })
                .flatten()
                .collect();
            // The error points at the attribute the API's refusal names, or at the one
            // attribute the update changed.
            let named = failure
                .api
                .as_ref()
                .filter(|e| e.code() == Some(codes::PARAMETER_ERROR))
                .and_then(|e| blamed(e.message().unwrap_or_default(), &sent));
            let attr = named.or(match sent.as_slice() {
                [one] => Some(*one),
                _ => None,
            });
            let d = match attr {
                Some(attr) => {
                    let mut d = Diagnostics::new();
                    d.error_at(path_of(attr), "Failed to update notebook", failure.error);
                    d
                }
                None => error("Failed to update notebook", failure.error),
            };
            Outcome::failed(Some(state), d)
        }
    }
}

pub async fn delete(api: &Client, prior: &Value) -> Diagnostics {
    let Some(id) = prior.attr("id").as_str() else { return Diagnostics::new() };
    let deadline = Instant::now() + timeouts(prior).delete;
    tracing::info!(notebook = id, "deleting notebook");
    match power::delete(api, id, deadline).await {
        Ok(()) => Diagnostics::new(),
        Err(e) => error("Failed to delete notebook", e.to_string()),
    }
}

/// The lease every console start gets by default (1 h, TIMING): an imported notebook
/// with it is imported without `auto_stop`.
fn is_default_lease(l: &Lease) -> bool {
    asked_duration_ms(l) == Some(MIN_LEASE_MS) && l.kind.as_deref().is_none_or(|k| k == "TIMING")
}

/// Imports notebook `id`. An auto-stop other than the API's default is imported as
/// `auto_stop`, with the duration asked for at its last start; hooks cannot be read.
pub async fn import(api: &Client, id: &str) -> Outcome {
    match api.get_notebook(id).await {
        Ok(n) => {
            let mut carry = Value::object([("timeouts", Value::Null)]);
            if let Some(lease) = n.lease.as_ref().filter(|l| l.enable == Some(true) && !is_default_lease(l)) {
                let asked = asked_duration_ms(lease).unwrap_or(MIN_LEASE_MS);
                carry.set_attr("auto_stop", auto_stop_block(lease.kind.as_deref().unwrap_or("TIMING"), asked));
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
