//! Waiting for a notebook to reach a status, noticing the change fast but politely:
//! a first look after a quarter second, a steady quick poll while transitions
//! usually finish, then a backoff for the long ones.

use std::future::Future;
use std::time::{Duration, Instant};

use super::error::{human_duration, ApiError};
use super::types::{Notebook, Status};
use super::Client;
use crate::ids::NotebookId;

/// When to look again.
#[derive(Clone, Copy, Debug)]
pub struct PollSchedule {
    /// Before the first look.
    pub first: Duration,
    /// Between looks during `fast_for`.
    pub fast_interval: Duration,
    /// How long the fast looks go on.
    pub fast_for: Duration,
    /// Each later interval is the previous one times `growth`, up to `max_interval`.
    pub growth: f64,
    /// The longest interval between looks.
    pub max_interval: Duration,
}

impl Default for PollSchedule {
    /// At most four requests a second, and only for the first four seconds; after a
    /// minute, one every five seconds. The official Go provider waits 10 s before its
    /// first look and then up to 10 s between looks.
    fn default() -> Self {
        PollSchedule {
            first: Duration::from_millis(250),
            fast_interval: Duration::from_millis(250),
            fast_for: Duration::from_secs(4),
            growth: 1.5,
            max_interval: Duration::from_secs(5),
        }
    }
}

impl PollSchedule {
    /// The pause after a look made `elapsed` into the wait, given the last pause.
    pub fn next(&self, elapsed: Duration, last: Option<Duration>) -> Duration {
        match last {
            None => self.first,
            Some(_) if elapsed < self.fast_for => self.fast_interval,
            Some(prev) => prev.mul_f64(self.growth).clamp(self.fast_interval, self.max_interval),
        }
    }
}

/// A pause spread by ±20% at random (`unit` in [0, 1)), so the looks of many waits
/// started together do not arrive together.
pub fn jittered(pause: Duration, unit: f64) -> Duration {
    pause.mul_f64(0.8 + 0.4 * unit.clamp(0.0, 1.0))
}

/// Between looks while the API is unavailable: the looks' own retries already
/// press; the wait adds no more than one look every few seconds.
const TROUBLED_PAUSE: Duration = Duration::from_secs(3);
/// How often a wait in trouble says so.
const TROUBLE_REPORT_EVERY: Duration = Duration::from_secs(10);

/// Looks that fail with passing trouble: since when, and the last failure.
#[derive(Debug)]
struct Trouble {
    since: Instant,
    last: String,
    reported: Option<Instant>,
}

impl Trouble {
    fn describe(&self) -> String {
        format!("the API has been unavailable for {} ({})", human_duration(self.since.elapsed()), self.last)
    }
}

/// What one look at the awaited object found.
#[derive(Debug)]
pub enum Seen<T> {
    /// The wait is over.
    Reached(T),
    /// Not yet; `status` is shown in progress logs and in a timeout error.
    Waiting { status: String },
}

/// The log of a wait's progress: a line when the status changes, and every 15 s.
struct Progress<'a> {
    object: &'a str,
    wanted: &'a str,
    started: Instant,
    last_status: Option<String>,
    last_report: Instant,
}

impl Progress<'_> {
    fn saw(&mut self, status: &str) {
        if self.last_status.as_deref() != Some(status) || self.last_report.elapsed() >= Duration::from_secs(15) {
            tracing::info!(object = self.object, status, elapsed = %human_duration(self.started.elapsed()), wanted = self.wanted, "waiting");
            self.last_report = Instant::now();
        }
        self.last_status = Some(status.to_string());
    }
}

impl Client {
    /// The one wait loop: looks at `object` with `look` on the [`PollSchedule`]
    /// (each pause spread by jitter) until it answers `Seen::Reached`, a failure
    /// that is not passing (a failed status, a broken answer), the `timeout` passes
    /// ([`ApiError::Timeout`] naming the last status seen, and the trouble of the
    /// last looks if they failed) or the client is cancelled
    /// ([`ApiError::Cancelled`]). Passing trouble — throttling, an API unavailable or
    /// unreachable for a while ([`ApiError::is_transient`]) — does not end the wait:
    /// it is reported in the progress log and waited through until the deadline.
    pub async fn wait_until<T, F, Fut>(
        &self,
        object: &str,
        wanted: &str,
        timeout: Duration,
        mut look: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Seen<T>, ApiError>>,
    {
        let schedule = self.config().poll;
        let started = Instant::now();
        let deadline = started.checked_add(timeout).unwrap_or(started);
        let mut pause: Option<Duration> = None;
        let mut progress = Progress { object, wanted, started, last_status: None, last_report: started };
        let mut trouble: Option<Trouble> = None;
        let mut looks = 0u32;
        loop {
            let mut next = schedule.next(started.elapsed(), pause);
            pause = Some(next);
            if trouble.is_some() {
                next = next.max(TROUBLED_PAUSE);
            }
            let next = jittered(next, super::retry::random_unit());
            let wake = Instant::now().checked_add(next).unwrap_or(deadline).min(deadline);
            let cancelled = |status: Option<String>| ApiError::Cancelled { status, waited: started.elapsed() };
            tokio::select! {
                _ = tokio::time::sleep_until(wake.into()) => {}
                _ = self.cancel_token().cancelled() => return Err(cancelled(progress.last_status)),
            }
            looks += 1;
            match look().await {
                Ok(Seen::Reached(t)) => {
                    tracing::info!(object, elapsed = %human_duration(started.elapsed()), looks, wanted, "wait over");
                    return Ok(t);
                }
                Ok(Seen::Waiting { status }) => {
                    if let Some(t) = trouble.take() {
                        tracing::info!(object, after = %human_duration(t.since.elapsed()), "the API answers again");
                    }
                    progress.saw(&status);
                }
                Err(ApiError::Cancelled { .. }) => return Err(cancelled(progress.last_status)),
                Err(e) if e.is_transient() => {
                    let now = Instant::now();
                    let t = trouble.get_or_insert(Trouble { since: now, last: String::new(), reported: None });
                    t.last = e.brief();
                    if t.reported.is_none_or(|r| now.saturating_duration_since(r) >= TROUBLE_REPORT_EVERY) {
                        t.reported = Some(now);
                        tracing::warn!(
                            object,
                            wanted,
                            "the API is unavailable since {} ({}), still waiting",
                            human_duration(t.since.elapsed()),
                            t.last
                        );
                    }
                }
                Err(e) => return Err(e),
            }
            if Instant::now() >= deadline {
                return Err(ApiError::Timeout {
                    object: object.to_string(),
                    status: progress.last_status.clone().unwrap_or_else(|| "unknown".into()),
                    waited: started.elapsed(),
                    wanted: wanted.to_string(),
                    trouble: trouble.as_ref().map(Trouble::describe),
                });
            }
        }
    }

    /// Waits until notebook `id` has one of the `wanted` statuses; fails at once when
    /// it reaches a failure status instead, and after `timeout`.
    pub async fn wait_for_status(
        &self,
        id: &NotebookId,
        wanted: &[Status],
        timeout: Duration,
    ) -> Result<Notebook, ApiError> {
        let names = wanted.iter().map(Status::as_str).collect::<Vec<_>>().join(" or ");
        self.wait_until(&notebook_label(id), &names, timeout, || async {
            let n = self.get_notebook(id).await?;
            if wanted.contains(&n.status) {
                return Ok(Seen::Reached(n));
            }
            failed_or_waiting(id, n)
        })
        .await
    }

    /// Waits until notebook `id` is not in a transition; returns it as it then is.
    pub async fn wait_settled(&self, id: &NotebookId, timeout: Duration) -> Result<Notebook, ApiError> {
        self.wait_until(&notebook_label(id), "settled (not in a transition)", timeout, || async {
            let n = self.get_notebook(id).await?;
            if n.status.is_transitional() {
                Ok(Seen::Waiting { status: n.status.as_str().to_string() })
            } else {
                Ok(Seen::Reached(n))
            }
        })
        .await
    }

    /// Waits until notebook `id`'s volume is no longer `INITIALIZING`, `RESIZING` or
    /// `DELETING` (as the official provider does after growing storage).
    pub async fn wait_volume_settled(&self, id: &NotebookId, timeout: Duration) -> Result<Notebook, ApiError> {
        self.wait_until(&format!("the volume of notebook {id}"), "ready", timeout, || async {
            let n = self.get_notebook(id).await?;
            match n.volume.as_ref().filter(|v| v.is_busy()).and_then(|v| v.status.clone()) {
                Some(status) => Ok(Seen::Waiting { status: status.to_string() }),
                None => Ok(Seen::Reached(n)),
            }
        })
        .await
    }

    /// Waits until notebook `id` is gone.
    pub async fn wait_gone(&self, id: &NotebookId, timeout: Duration) -> Result<(), ApiError> {
        self.wait_until(&notebook_label(id), "deleted", timeout, || async {
            match self.get_notebook(id).await {
                Err(e) if e.is_not_found() => Ok(Seen::Reached(())),
                Err(e) => Err(e),
                Ok(n) if n.status == Status::Deleted => Ok(Seen::Reached(())),
                Ok(n) => failed_or_waiting(id, n),
            }
        })
        .await
    }
}

fn notebook_label(id: &NotebookId) -> String {
    format!("notebook {id}")
}

/// A notebook in a failed status ends the wait with its `fail_reason`.
fn failed_or_waiting<T>(id: &NotebookId, n: Notebook) -> Result<Seen<T>, ApiError> {
    if n.status.is_failure() {
        return Err(ApiError::Failed {
            object: notebook_label(id),
            status: n.status.as_str().to_string(),
            reason: n.fail_reason.unwrap_or_default(),
        });
    }
    Ok(Seen::Waiting { status: n.status.as_str().to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_is_quick_then_backs_off() {
        let s = PollSchedule::default();
        let mut t = Duration::ZERO;
        let mut last = None;
        let mut looks = Vec::new();
        while t < Duration::from_secs(120) {
            let d = s.next(t, last);
            last = Some(d);
            t += d;
            looks.push(t);
        }
        assert_eq!(looks[0], Duration::from_millis(250));
        // A 2 s transition is seen within a quarter second of its end, with few looks.
        let seen = looks.iter().position(|x| *x >= Duration::from_secs(2)).unwrap();
        assert!(looks[seen] <= Duration::from_millis(2250));
        assert!(seen < 10);
        // Never more than 4 looks a second, and one per 5 s in the long run.
        assert!(looks.windows(2).all(|w| w[1] - w[0] >= Duration::from_millis(250)));
        assert_eq!(looks[looks.len() - 1] - looks[looks.len() - 2], Duration::from_secs(5));
        assert!(looks.len() < 50, "{} looks in two minutes", looks.len());
    }
}
