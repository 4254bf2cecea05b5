//! What the API gateway in front of ModelArts does to requests before the service
//! sees them, as public clouds behave for a while: an outage (every request answered
//! 503 for some seconds — a gateway restart, a regional hiccup) and a per-account
//! rate limit (a token bucket; a request without a token is answered 429
//! `APIGW.0308` with `Retry-After`, the throttling answer of the error table).

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// An outage: from request number `after` (counting from 1), every request is
/// answered 503 for `lasting`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outage {
    /// The request that starts it (1: the first).
    pub after: u64,
    /// How long it lasts.
    pub lasting: Duration,
}

/// A per-account rate limit: `per_second` tokens a second, at most `burst` saved up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Requests a second, sustained.
    pub per_second: f64,
    /// Requests that may come at once after a quiet moment.
    pub burst: f64,
}

/// The gateway's answer to a request it does not pass on.
#[derive(Debug, PartialEq)]
pub(crate) enum Refusal {
    /// 503: the service is unavailable.
    Unavailable,
    /// 429 `APIGW.0308`, with `Retry-After` in whole seconds.
    Throttled { retry_after_secs: u64 },
}

/// The gateway's state.
#[derive(Debug, Default)]
pub(crate) struct Gateway {
    outage: Option<Outage>,
    limit: Option<RateLimit>,
    requests: u64,
    /// When the outage under way ends.
    down_until: Option<Instant>,
    /// Each account's tokens, and when they were counted.
    buckets: HashMap<String, (f64, Instant)>,
}

impl Gateway {
    pub(crate) fn new(outage: Option<Outage>, limit: Option<RateLimit>) -> Self {
        Gateway { outage, limit, ..Default::default() }
    }

    /// Starts an outage now, lasting `lasting` (the control API).
    pub(crate) fn start_outage(&mut self, lasting: Duration) {
        self.down_until = Instant::now().checked_add(lasting);
    }

    /// Sets (or, with `None`, lifts) the rate limit (the control API).
    pub(crate) fn set_limit(&mut self, limit: Option<RateLimit>) {
        self.limit = limit;
        self.buckets.clear();
    }

    /// Whether a request of `account` passes, at `now`.
    pub(crate) fn admit(&mut self, account: &str, now: Instant) -> Result<(), Refusal> {
        self.requests += 1;
        if let Some(o) = self.outage.filter(|o| o.after == self.requests) {
            self.down_until = now.checked_add(o.lasting);
        }
        if self.down_until.is_some_and(|until| now < until) {
            return Err(Refusal::Unavailable);
        }
        let Some(limit) = self.limit else { return Ok(()) };
        let (tokens, at) = self.buckets.entry(account.to_string()).or_insert((limit.burst, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * limit.per_second).min(limit.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return Ok(());
        }
        // Whole seconds, as a gateway sends them: until a token is there.
        let wait = (1.0 - *tokens) / limit.per_second.max(f64::MIN_POSITIVE);
        Err(Refusal::Throttled { retry_after_secs: wait.ceil().max(1.0) as u64 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_starts_at_its_request_and_ends_on_time() {
        let mut g = Gateway::new(Some(Outage { after: 3, lasting: Duration::from_secs(10) }), None);
        let t0 = Instant::now();
        assert_eq!(g.admit("a", t0), Ok(()));
        assert_eq!(g.admit("a", t0), Ok(()));
        assert_eq!(g.admit("a", t0), Err(Refusal::Unavailable));
        assert_eq!(g.admit("b", t0 + Duration::from_secs(9)), Err(Refusal::Unavailable));
        assert_eq!(g.admit("a", t0 + Duration::from_secs(10)), Ok(()));
    }

    #[test]
    fn each_account_has_a_bucket_that_refills() {
        let mut g = Gateway::new(None, Some(RateLimit { per_second: 2.0, burst: 2.0 }));
        let t0 = Instant::now();
        assert_eq!(g.admit("a", t0), Ok(()));
        assert_eq!(g.admit("a", t0), Ok(()));
        assert_eq!(g.admit("a", t0), Err(Refusal::Throttled { retry_after_secs: 1 }));
        assert_eq!(g.admit("b", t0), Ok(()), "another account has its own");
        assert_eq!(g.admit("a", t0 + Duration::from_millis(500)), Ok(()), "one token back after half a second");
        assert!(g.admit("a", t0 + Duration::from_millis(500)).is_err());
    }
}
