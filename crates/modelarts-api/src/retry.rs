//! When and how long to wait before retrying a request.

use std::time::Duration;

/// Exponential backoff with "equal jitter": half the step is fixed, half random, so
/// clients that failed together do not retry together.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    /// The first retry's delay (before jitter).
    pub base: Duration,
    /// No delay is longer than this.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_millis(500), cap: Duration::from_secs(20) }
    }
}

/// Never honour a Retry-After longer than this: a misbehaving server must not park a
/// Terraform run for hours.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

impl Backoff {
    /// The delay before retry number `attempt` (0 for the first retry); `unit` in [0, 1).
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let step = self.base.saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX)).min(self.cap);
        let half = step / 2;
        half + half.mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// The pause a `Retry-After` header asks for, capped at [`MAX_RETRY_AFTER`]: either
/// delta-seconds (`120`, also `1.5`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00
/// GMT`, relative to `now_ms`). Anything else — negative, not a number, not UTF-8,
/// absurdly large (`1e20` is capped, not converted) — is `None`, and backoff applies.
pub fn parse_retry_after(value: &[u8], now_ms: i64) -> Option<Duration> {
    let text = std::str::from_utf8(value).ok()?.trim();
    let cap = MAX_RETRY_AFTER.as_secs_f64();
    let secs = match text.parse::<f64>() {
        Ok(secs) => secs,
        Err(_) => {
            let at = crate::timefmt::parse_http_date(text)?;
            // A date in the past means "now".
            (at.saturating_sub(now_ms).max(0) as f64) / 1000.0
        }
    };
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Duration::try_from_secs_f64(secs.min(cap)).ok()
}

/// A uniform random number in [0, 1).
pub fn random_unit() -> f64 {
    use aws_lc_rs::rand::{SecureRandom, SystemRandom};
    let mut b = [0u8; 8];
    if SystemRandom::new().fill(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps_with_jitter_in_the_upper_half() {
        let b = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        assert_eq!(b.delay(0, 0.0), Duration::from_millis(50));
        assert_eq!(b.delay(0, 1.0), Duration::from_millis(100));
        assert_eq!(b.delay(2, 0.0), Duration::from_millis(200));
        assert_eq!(b.delay(10, 1.0), Duration::from_secs(1));
        assert_eq!(b.delay(40, 0.5), Duration::from_millis(750));
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = crate::timefmt::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        let p = |v: &str| parse_retry_after(v.as_bytes(), now);
        assert_eq!(p("2"), Some(Duration::from_secs(2)));
        assert_eq!(p(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(p("99999"), Some(MAX_RETRY_AFTER));
        assert_eq!(p("1e20"), Some(MAX_RETRY_AFTER), "clamped before converting");
        assert_eq!(p("1e400"), None, "infinite");
        assert_eq!(p("NaN"), None);
        assert_eq!(p("-1"), None);
        assert_eq!(p("Wed, 21 Oct 2015 07:28:30 GMT"), Some(Duration::from_secs(30)));
        assert_eq!(p("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO), "a date in the past");
        assert_eq!(p("Thu, 21 Oct 2100 07:28:00 GMT"), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after(b"\xff\xfe", now), None);
        assert_eq!(p("soon"), None);
    }

    #[test]
    fn random_unit_is_in_range() {
        for _ in 0..100 {
            let u = random_unit();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
