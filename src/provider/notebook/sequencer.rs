//! Turns a wanted notebook into API steps, and runs them: preflight checks first,
//! live changes next, then stop → one update → start for what needs a stopped
//! instance. A failure after the stop starts the notebook again (when it should
//! run) before the error is reported.

use std::time::{Duration, Instant};

use crate::client::error::human_duration;
use crate::client::types::{LeaseReq, Notebook, Status, UpdateNotebook};
use crate::client::{ApiError, Client};

use super::model::Spec;

#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Refuse a flavor the notebook cannot switch to, before touching anything.
    CheckFlavor(String),
    /// Changes the API takes whatever the status.
    UpdateLive(UpdateNotebook),
    Stop,
    /// Changes that need a STOPPED notebook, in one PUT.
    UpdateStopped(UpdateNotebook),
    Start(Option<LeaseReq>),
    RenewLease(LeaseReq),
}

/// The steps that take notebook `current` to `wanted`. `auto_stop_changed` says the
/// plan changes `auto_stop` (the API's lease may not echo it exactly).
pub fn plan_update(current: &Notebook, wanted: &Spec, auto_stop_changed: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut live = UpdateNotebook::default();
    if wanted.name != current.name {
        live.name = Some(wanted.name.clone());
    }
    let wanted_desc = wanted.description.clone().unwrap_or_default();
    if wanted_desc != current.description.clone().unwrap_or_default() {
        live.description = Some(wanted_desc);
    }

    let mut stopped = UpdateNotebook::default();
    if wanted.flavor_id != current.flavor {
        stopped.flavor = Some(wanted.flavor_id.clone());
        steps.push(Step::CheckFlavor(wanted.flavor_id.clone()));
    }
    if wanted.image_id != current.image.id {
        stopped.image_id = Some(wanted.image_id.clone());
    }
    let capacity = current.volume.as_ref().and_then(|v| v.capacity);
    if let Some(size) = wanted.volume.size.filter(|s| Some(*s) != capacity) {
        stopped.storage_new_size = Some(size);
    }
    let ssh = current.ssh_endpoint();
    let current_kp = ssh.and_then(|e| e.key_pair_names.first().cloned());
    let mut current_ips = ssh.map(|e| e.allowed_access_ips.clone()).unwrap_or_default();
    let mut wanted_ips = wanted.allowed_access_ips.clone();
    current_ips.sort();
    wanted_ips.sort();
    if current_kp != wanted.key_pair || (wanted.key_pair.is_some() && current_ips != wanted_ips) {
        stopped.endpoints = Some(wanted.endpoints());
    }

    if !live.is_empty() {
        steps.push(Step::UpdateLive(live));
    }
    let running_now = current.status == Status::Running;
    let want_running = wanted.running.unwrap_or(running_now);
    let mut starts = false;
    if !stopped.is_empty() {
        if running_now {
            steps.push(Step::Stop);
        }
        steps.push(Step::UpdateStopped(stopped));
        if want_running {
            steps.push(Step::Start(wanted.auto_stop.clone()));
            starts = true;
        }
    } else if want_running && !running_now {
        steps.push(Step::Start(wanted.auto_stop.clone()));
        starts = true;
    } else if !want_running && running_now {
        steps.push(Step::Stop);
    }
    if auto_stop_changed && want_running && !starts {
        if let Some(lease) = &wanted.auto_stop {
            steps.push(Step::RenewLease(lease.clone()));
        }
    }
    steps
}

/// What went wrong, and what the notebook looked like last.
pub struct Failure {
    pub error: String,
    pub notebook: Option<Notebook>,
}

/// Runs `steps` on notebook `id` within `timeout`.
pub async fn execute(api: &Client, id: &str, steps: &[Step], timeout: Duration) -> Result<Option<Notebook>, Failure> {
    let deadline = Instant::now() + timeout;
    let mut last: Option<Notebook> = None;
    let mut stopped_by_us = false;
    let restart_after = steps.iter().position(|s| *s == Step::Stop).and_then(|stop| {
        steps.get(stop..)?.iter().find_map(|s| if let Step::Start(l) = s { Some(l.clone()) } else { None })
    });
    for step in steps {
        tracing::info!(notebook = id, step = %step_name(step), "applying");
        let result = run_step(api, id, step, deadline).await;
        match result {
            Ok(nb) => {
                if *step == Step::Stop {
                    stopped_by_us = true;
                }
                if matches!(step, Step::Start(_)) {
                    stopped_by_us = false;
                }
                if nb.is_some() {
                    last = nb;
                }
            }
            Err(e) => {
                let mut error = describe_failure(step, &e);
                let cancelled = matches!(e, ApiError::Cancelled { .. });
                if let (true, false, Some(lease)) = (stopped_by_us, cancelled, &restart_after) {
                    // Never leave a notebook down because a step failed after we stopped it.
                    tracing::warn!(notebook = id, "starting the notebook again after a failed update");
                    match start_and_wait(api, id, lease.as_ref(), Instant::now() + timeout).await {
                        Ok(nb) => {
                            last = Some(nb);
                            error.push_str(" The notebook was started again on its previous configuration.");
                        }
                        Err(e2) => error.push_str(&format!(" Starting it again also failed: {e2}.")),
                    }
                }
                return Err(Failure { error, notebook: last });
            }
        }
    }
    Ok(last)
}

fn step_name(step: &Step) -> &'static str {
    match step {
        Step::CheckFlavor(_) => "check that the notebook can switch to the new flavor",
        Step::UpdateLive(_) => "update (no restart needed)",
        Step::Stop => "stop",
        Step::UpdateStopped(_) => "update (stopped)",
        Step::Start(_) => "start",
        Step::RenewLease(_) => "renew auto-stop",
    }
}

fn describe_failure(step: &Step, e: &ApiError) -> String {
    let what = match step {
        Step::CheckFlavor(f) => return format!("Checking flavor {f} failed: {e}."),
        Step::UpdateLive(_) | Step::UpdateStopped(_) => "Updating the notebook",
        Step::Stop => "Stopping the notebook",
        Step::Start(_) => "Starting the notebook",
        Step::RenewLease(_) => "Renewing the notebook's auto-stop",
    };
    format!("{what} failed: {e}.")
}

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

async fn run_step(api: &Client, id: &str, step: &Step, deadline: Instant) -> Result<Option<Notebook>, ApiError> {
    match step {
        Step::CheckFlavor(flavor) => {
            let options = api.switchable_flavors(id).await?;
            if options.iter().any(|f| &f.id == flavor) {
                return Ok(None);
            }
            let names: Vec<&str> = options.iter().map(|f| f.id.as_str()).collect();
            Err(ApiError::Api {
                method: "GET".into(),
                path: format!("notebooks/{id}/flavors"),
                status: 200,
                code: None,
                message: format!(
                    "the notebook cannot switch to flavor {flavor}; it can switch to: {}. Nothing was changed",
                    if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
                ),
            })
        }
        Step::UpdateLive(u) | Step::UpdateStopped(u) => api.update_notebook(id, u).await.map(Some),
        Step::Stop => stop_and_wait(api, id, deadline).await.map(Some),
        Step::Start(lease) => start_and_wait(api, id, lease.as_ref(), deadline).await.map(Some),
        Step::RenewLease(l) => api.renew_lease(id, l).await.map(|_| None),
    }
}

/// Stops and waits for STOPPED. A lost answer is settled by looking at the notebook.
pub async fn stop_and_wait(api: &Client, id: &str, deadline: Instant) -> Result<Notebook, ApiError> {
    let started = Instant::now();
    match api.stop_notebook(id).await {
        Ok(_) => {}
        Err(e) if e.is_ambiguous() => {
            tracing::warn!(notebook = id, error = %e, "stop answer lost; checking the notebook")
        }
        Err(e) => return Err(e),
    }
    let nb = api.wait_for_status(id, &[Status::Stopped], remaining(deadline)).await?;
    tracing::info!(notebook = id, took = %human_duration(started.elapsed()), "notebook stopped");
    Ok(nb)
}

/// Starts (with the auto-stop, if any) and waits for RUNNING.
pub async fn start_and_wait(
    api: &Client,
    id: &str,
    lease: Option<&LeaseReq>,
    deadline: Instant,
) -> Result<Notebook, ApiError> {
    let started = Instant::now();
    match api.start_notebook(id, lease).await {
        Ok(_) => {}
        Err(e) if e.is_ambiguous() => {
            tracing::warn!(notebook = id, error = %e, "start answer lost; checking the notebook")
        }
        Err(e) => return Err(e),
    }
    let nb = api.wait_for_status(id, &[Status::Running], remaining(deadline)).await?;
    tracing::info!(notebook = id, took = %human_duration(started.elapsed()), "notebook running");
    Ok(nb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::types::{NotebookImage, VolumeRes};
    use crate::provider::notebook::model::{Timeouts, VolumeSpec};

    fn current(status: Status) -> Notebook {
        Notebook {
            id: "n".into(),
            name: "nb".into(),
            flavor: "cpu.2u".into(),
            status,
            image: NotebookImage { id: "img".into(), ..Default::default() },
            volume: Some(VolumeRes { category: "EVS".into(), capacity: Some(10), ..Default::default() }),
            ..Default::default()
        }
    }

    fn wanted() -> Spec {
        Spec {
            name: "nb".into(),
            description: None,
            flavor_id: "cpu.2u".into(),
            image_id: "img".into(),
            volume: VolumeSpec { kind: "EVS".into(), ownership: "MANAGED".into(), uri: None, size: Some(10) },
            key_pair: None,
            allowed_access_ips: vec![],
            workspace_id: None,
            pool_id: None,
            running: Some(true),
            auto_stop: None,
            timeouts: Timeouts { create: Duration::ZERO, update: Duration::ZERO, delete: Duration::ZERO },
        }
    }

    #[test]
    fn a_rename_is_one_live_update() {
        let mut w = wanted();
        w.name = "renamed".into();
        assert_eq!(
            plan_update(&current(Status::Running), &w, false),
            vec![Step::UpdateLive(UpdateNotebook { name: Some("renamed".into()), ..Default::default() })]
        );
        assert!(plan_update(&current(Status::Running), &wanted(), false).is_empty());
    }

    #[test]
    fn a_flavor_change_checks_stops_updates_once_and_starts() {
        let mut w = wanted();
        w.flavor_id = "cpu.8u".into();
        w.volume.size = Some(20);
        w.name = "renamed".into();
        let steps = plan_update(&current(Status::Running), &w, false);
        assert_eq!(
            steps,
            vec![
                Step::CheckFlavor("cpu.8u".into()),
                Step::UpdateLive(UpdateNotebook { name: Some("renamed".into()), ..Default::default() }),
                Step::Stop,
                Step::UpdateStopped(UpdateNotebook {
                    flavor: Some("cpu.8u".into()),
                    storage_new_size: Some(20),
                    ..Default::default()
                }),
                Step::Start(None),
            ]
        );
    }

    #[test]
    fn power_state_rules() {
        let mut w = wanted();
        w.running = Some(false);
        assert_eq!(plan_update(&current(Status::Running), &w, false), vec![Step::Stop]);
        w.image_id = "img2".into();
        assert_eq!(
            plan_update(&current(Status::Stopped), &w, false),
            vec![Step::UpdateStopped(UpdateNotebook { image_id: Some("img2".into()), ..Default::default() })]
        );
        // Unmanaged power state: a stopped notebook stays stopped through an update.
        w.running = None;
        assert_eq!(plan_update(&current(Status::Stopped), &w, false).len(), 1);
        let mut w = wanted();
        w.auto_stop = Some(LeaseReq { duration: 7_200_000, kind: "TIMING".into() });
        assert_eq!(plan_update(&current(Status::Stopped), &w, true), vec![Step::Start(w.auto_stop.clone())]);
        assert_eq!(
            plan_update(&current(Status::Running), &w, true),
            vec![Step::RenewLease(w.auto_stop.clone().unwrap())]
        );
    }
}
