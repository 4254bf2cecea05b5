//! Waiting for a notebook to reach a status, noticing the change fast but politely:
//! a first look after a quarter second, a steady quick poll while transitions
//! usually finish, then a backoff for the long ones.

use std::time::{Duration, Instant};

use super::error::{human_duration, ApiError};
use super::types::{Notebook, Status};
use super::Client;

/// When to look again.
#[derive(Clone, Copy, Debug)]
pub struct PollSchedule {
    /// Before the first look.
    pub first: Duration,
    /// Between looks during `fast_for`.
    pub fast_interval: Duration,
    pub fast_for: Duration,
    /// Each later interval is the previous one times `growth`, up to `max_interval`.
    pub growth: f64,
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

/// What a wait is for.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// One of these statuses.
    AnyOf(&'a [Status]),
    /// Any status that is not a transition (RUNNING, STOPPED, a failure, ...).
    Settled,
    /// The notebook no longer exists.
    Gone,
}

impl Target<'_> {
    fn describe(&self) -> String {
        match self {
            Target::AnyOf(s) => s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" or "),
            Target::Settled => "settled (not in a transition)".into(),
            Target::Gone => "deleted".into(),
        }
    }
}

impl Client {
    /// Waits until notebook `id` has one of the `wanted` statuses; fails at once when
    /// it reaches a failure status instead, and after `timeout`.
    pub async fn wait_for_status(&self, id: &str, wanted: &[Status], timeout: Duration) -> Result<Notebook, ApiError> {
        self.wait(id, Target::AnyOf(wanted), timeout).await.map(|n| n.unwrap_or_default())
    }

    /// Waits until notebook `id` is not in a transition; returns it as it then is.
    pub async fn wait_settled(&self, id: &str, timeout: Duration) -> Result<Notebook, ApiError> {
        self.wait(id, Target::Settled, timeout).await.map(|n| n.unwrap_or_default())
    }

    /// Waits until notebook `id` is gone.
    pub async fn wait_gone(&self, id: &str, timeout: Duration) -> Result<(), ApiError> {
        self.wait(id, Target::Gone, timeout).await.map(|_| ())
    }

    /// The wait loop: `Ok(None)` only for [`Target::Gone`].
    pub async fn wait(&self, id: &str, target: Target<'_>, timeout: Duration) -> Result<Option<Notebook>, ApiError> {
        let schedule = self.config().poll;
        let started = Instant::now();
        let deadline = started + timeout;
        let mut pause: Option<Duration> = None;
        let mut last_status: Option<Status> = None;
        let mut last_report = started;
        let mut looks = 0u32;
        loop {
            let next = schedule.next(started.elapsed(), pause);
            pause = Some(next);
            let wake = (Instant::now() + next).min(deadline);
            tokio::select! {
                _ = tokio::time::sleep_until(wake.into()) => {}
                _ = self.cancel_token().cancelled() => {
                    return Err(ApiError::Cancelled { status: last_status, waited: started.elapsed() });
                }
            }
            looks += 1;
            let notebook = match self.get_notebook(id).await {
                Ok(n) => n,
                Err(e) if e.is_not_found() && matches!(target, Target::Gone) => {
                    tracing::info!(notebook = id, elapsed = %human_duration(started.elapsed()), looks, "notebook deleted");
                    return Ok(None);
                }
                Err(ApiError::Cancelled { .. }) => {
                    return Err(ApiError::Cancelled { status: last_status, waited: started.elapsed() })
                }
                Err(e) => return Err(e),
            };
            let status = notebook.status.clone();
            let done = match target {
                Target::AnyOf(wanted) => wanted.contains(&status),
                Target::Settled => !status.is_transitional(),
                Target::Gone => status == Status::Deleted,
            };
            if last_status.as_ref() != Some(&status) || last_report.elapsed() >= Duration::from_secs(15) {
                tracing::info!(notebook = id, status = %status, elapsed = %human_duration(started.elapsed()), wanted = %target.describe(), "waiting for notebook");
                last_report = Instant::now();
            }
            if done {
                tracing::info!(notebook = id, status = %status, elapsed = %human_duration(started.elapsed()), looks, "notebook reached the wanted status");
                return Ok(if matches!(target, Target::Gone) { None } else { Some(notebook) });
            }
            if status.is_failure() {
                return Err(ApiError::Failed {
                    id: id.to_string(),
                    status,
                    reason: notebook.fail_reason.unwrap_or_default(),
                });
            }
            last_status = Some(status.clone());
            if Instant::now() >= deadline {
                return Err(ApiError::Timeout {
                    id: id.to_string(),
                    status,
                    waited: started.elapsed(),
                    wanted: target.describe(),
                });
            }
        }
    }
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
