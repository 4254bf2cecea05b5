//! How fast the client sends: one pacer per endpoint and access key, shared by every
//! request of the process, so a rate limit that throttles one request slows them all.
//!
//! The rule is that of the AWS SDKs' adaptive retry mode — a client-side token bucket
//! whose rate is cut when the service throttles and grows back while answers are
//! good — with the cut aimed at the limit itself: a service that throttles accepts
//! requests at its limit, so the rate accepted over the last second is the best
//! guess of it. Unlimited until the API throttles; then 95% of the rate it accepted
//! (at most one cut a second, so a burst of 429s from requests already in flight
//! counts once); growing back by a little with every good answer, so the limit is
//! probed now and then; unlimited again once far above any rate that was throttled.
//! A `Retry-After` pauses every request until it has passed. A configured cap
//! (`max_requests_per_second`) always applies.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The slowest the pacer goes after throttles.
const MIN_RATE: f64 = 0.5;
/// A throttle sets the rate to this share of the rate the API accepted.
const CUT: f64 = 0.95;
/// Throttles closer together than this count once.
const CUT_EVERY: Duration = Duration::from_secs(1);
/// Each good answer adds this many requests a second.
const GROWTH: f64 = 0.02;
/// How far back good answers are counted to measure the rate the API accepts.
const WINDOW: Duration = Duration::from_secs(1);
/// The pause after a throttle without `Retry-After`.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);

/// The pacing state of one endpoint and access key.
#[derive(Debug)]
pub struct Pacer {
    cap: Option<f64>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Requests a second; `None`: unlimited (no throttle seen lately).
    rate: Option<f64>,
    /// The rate set by the last throttle, to know when the limit is far behind.
    throttled_at_rate: f64,
    /// The earliest moment the next request may go.
    next_slot: Instant,
    /// No request goes before this (a `Retry-After`).
    paused_until: Instant,
    last_cut: Option<Instant>,
    /// Recent good answers, to measure the rate the API accepts.
    accepted: VecDeque<Instant>,
}

impl State {
    /// Good answers in the last [`WINDOW`], a second.
    fn accepted_rate(&mut self, now: Instant) -> f64 {
        while self.accepted.front().is_some_and(|t| now.saturating_duration_since(*t) > WINDOW) {
            self.accepted.pop_front();
        }
        self.accepted.len() as f64 / WINDOW.as_secs_f64()
    }
}

impl Pacer {
    /// A pacer never faster than `cap` requests a second, when given.
    pub fn new(cap: Option<f64>) -> Pacer {
        let now = Instant::now();
        Pacer {
            cap: cap.filter(|c| c.is_finite() && *c > 0.0),
            state: Mutex::new(State {
                rate: None,
                throttled_at_rate: 0.0,
                next_slot: now,
                paused_until: now,
                last_cut: None,
                accepted: VecDeque::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The rate requests go at now (`None`: unlimited).
    #[cfg(test)]
    pub fn rate(&self) -> Option<f64> {
        let state = self.lock();
        effective(state.rate, self.cap)
    }

    /// Reserves the next moment a request may go, and how long to wait for it.
    pub fn reserve(&self) -> Duration {
        let now = Instant::now();
        let mut s = self.lock();
        let mut at = now.max(s.paused_until);
        if let Some(rate) = effective(s.rate, self.cap) {
            at = at.max(s.next_slot);
            s.next_slot = at + Duration::from_secs_f64(1.0 / rate);
        }
        at.saturating_duration_since(now)
    }

    /// A request was throttled (HTTP 429): everyone slows down to just below the
    /// rate the API accepted, and waits `retry_after` (or a second) first.
    pub fn throttled(&self, retry_after: Option<Duration>) {
        let now = Instant::now();
        let mut s = self.lock();
        let pause = retry_after.unwrap_or(DEFAULT_PAUSE);
        if let Some(until) = now.checked_add(pause) {
            s.paused_until = s.paused_until.max(until);
        }
        if s.last_cut.is_some_and(|t| now.saturating_duration_since(t) < CUT_EVERY) {
            return;
        }
        let accepted = s.accepted_rate(now);
        let rate = (accepted * CUT).max(MIN_RATE);
        tracing::info!(rate = format!("{rate:.1}"), "the API throttled a request: slowing every request down");
        s.rate = Some(rate);
        s.throttled_at_rate = rate;
        s.last_cut = Some(now);
    }

    /// A request was answered without a throttle: the rate grows back a little.
    pub fn answered(&self) {
        let now = Instant::now();
        let mut s = self.lock();
        s.accepted.push_back(now);
        if let Some(rate) = s.rate {
            // Answers to requests sent before the throttle still arrive for a moment
            // (a refusal comes back faster than an acceptance): they are part of what
            // the API accepted, and raise the estimate made at the cut.
            let settling = s.last_cut.is_some_and(|t| now.saturating_duration_since(t) < CUT_EVERY);
            let estimate = s.accepted_rate(now) * CUT;
            let rate = if settling && estimate > rate {
                s.throttled_at_rate = s.throttled_at_rate.max(estimate);
                estimate
            } else {
                rate
            };
            let grown = rate + GROWTH;
            // Far above what was throttled: the limit is behind us.
            s.rate = (grown < 4.0 * s.throttled_at_rate.max(MIN_RATE)).then_some(grown);
        }
    }
}

fn effective(rate: Option<f64>, cap: Option<f64>) -> Option<f64> {
    match (rate, cap) {
        (Some(r), Some(c)) => Some(r.min(c)),
        (r, c) => r.or(c),
    }
}

/// The pacer of `endpoint` and `access_key` (with `cap`), made on first use and
/// shared by every client of the process that uses them.
pub fn shared(endpoint: &str, access_key: &str, cap: Option<f64>) -> Arc<Pacer> {
    /// Pacers by (endpoint, access key).
    type Pacers = HashMap<(String, String), Arc<Pacer>>;
    static PACERS: OnceLock<Mutex<Pacers>> = OnceLock::new();
    let mut map = PACERS.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let pacer = map.entry((endpoint.to_string(), access_key.to_string())).or_insert_with(|| Arc::new(Pacer::new(cap)));
    pacer.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_until_throttled_then_just_below_what_the_api_accepted() {
        let p = Pacer::new(None);
        for _ in 0..20 {
            assert_eq!(p.reserve(), Duration::ZERO, "no limit before a throttle");
        }
        // Eight of the twenty were accepted, then the API throttled.
        for _ in 0..8 {
            p.answered();
        }
        p.throttled(Some(Duration::ZERO));
        let cut = p.rate().expect("limited after a throttle");
        assert!((cut - 7.6).abs() < 0.01, "{cut}");
        p.throttled(Some(Duration::ZERO));
        assert_eq!(p.rate(), Some(cut), "a second 429 at once counts once");
        // Acceptances of requests sent before the cut raise the estimate.
        for _ in 0..4 {
            p.answered();
        }
        let settled = p.rate().unwrap();
        assert!((settled - 11.4).abs() < 0.05, "12 accepted in the second: {settled}");
        // Later, good answers grow it back, until the limit is far behind.
        p.lock().last_cut = Instant::now().checked_sub(CUT_EVERY);
        p.answered();
        assert!(p.rate().unwrap() > settled);
        for _ in 0..5000 {
            p.answered();
        }
        assert_eq!(p.rate(), None, "far above the throttled rate: unlimited again");
    }

    #[test]
    fn requests_are_spaced_by_the_rate_and_a_retry_after_pauses_all() {
        let p = Pacer::new(Some(4.0));
        let waits: Vec<Duration> = (0..3).map(|_| p.reserve()).collect();
        assert_eq!(waits[0], Duration::ZERO);
        assert!(waits[1] >= Duration::from_millis(240) && waits[2] >= Duration::from_millis(490), "{waits:?}");
        let q = Pacer::new(None);
        q.throttled(Some(Duration::from_secs(3)));
        assert!(q.reserve() >= Duration::from_millis(2900), "everyone waits out Retry-After");
        assert_eq!(q.rate(), Some(MIN_RATE), "nothing accepted yet: the slowest rate");
    }

    #[test]
    fn one_pacer_per_endpoint_and_key() {
        let a = shared("https://a.example", "AK1", None);
        assert!(Arc::ptr_eq(&a, &shared("https://a.example", "AK1", None)));
        assert!(!Arc::ptr_eq(&a, &shared("https://a.example", "AK2", None)));
    }
}
