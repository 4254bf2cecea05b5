//! The timestamp formats this crate reads and writes, all in UTC, on top of the
//! `time` crate: RFC 3339 (state attributes, logs), the signing date
//! `YYYYMMDDTHHMMSSZ` (`X-Sdk-Date`), Go's `2006-01-02 15:04:05 MST` (the official
//! provider's state) and the HTTP-date of `Retry-After`.
//!
//! Times travel as milliseconds since the Unix epoch, as the API sends them. Every
//! parser answers `None` for anything that is not a real instant (`2026-02-31`, a
//! multi-byte character where a digit belongs, a year out of range); every
//! formatter answers `None` for milliseconds outside the years 1..9999.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

const SDK_DATE: &[BorrowedFormatItem<'_>] = format_description!("[year][month][day]T[hour][minute][second]Z");
const RFC3339_SECONDS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
const GO_DATETIME: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
/// The zone names the official provider writes for UTC times.
const GO_UTC_ZONES: &[&str] = &["UTC", "GMT", "Z", "+0000"];

/// Milliseconds since the epoch now (0 if the clock is before 1970).
pub fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn at_millis(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

fn millis_of(t: OffsetDateTime) -> Option<i64> {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// `2026-11-21T23:52:18Z` (seconds precision, as the API's times are shown).
pub fn rfc3339(ms: i64) -> Option<String> {
    at_millis(ms)?.format(RFC3339_SECONDS).ok()
}

/// `20261121T235218Z`, the `X-Sdk-Date` format.
pub fn sdk_date(ms: i64) -> Option<String> {
    at_millis(ms)?.format(SDK_DATE).ok()
}

/// `2026-11-21 23:52:18 UTC`, as the official provider writes times in its state.
pub fn go_utc(ms: i64) -> Option<String> {
    Some(format!("{} UTC", at_millis(ms)?.format(GO_DATETIME).ok()?))
}

/// Parses `YYYYMMDDTHHMMSSZ`.
pub fn parse_sdk_date(s: &str) -> Option<i64> {
    millis_of(PrimitiveDateTime::parse(s, SDK_DATE).ok()?.assume_utc())
}

/// Parses RFC 3339 (`2026-11-21T23:52:18Z`, fractions and offsets allowed).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    millis_of(OffsetDateTime::parse(s, &Rfc3339).ok()?.to_offset(UtcOffset::UTC))
}

/// Parses Go's `2006-01-02 15:04:05 MST` layout as written for UTC times (`UTC`,
/// `GMT`, `Z` or `+0000` as the zone); other zones are refused, since a zone name
/// alone does not say its offset.
pub fn parse_go_utc(s: &str) -> Option<i64> {
    let (datetime, zone) = s.rsplit_once(' ')?;
    if !GO_UTC_ZONES.contains(&zone) {
        return None;
    }
    millis_of(PrimitiveDateTime::parse(datetime, GO_DATETIME).ok()?.assume_utc())
}

/// Parses an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, RFC 9110's IMF-fixdate).
pub fn parse_http_date(s: &str) -> Option<i64> {
    millis_of(OffsetDateTime::parse(s.trim(), &Rfc2822).ok()?.to_offset(UtcOffset::UTC))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_CREATE_AT: i64 = 1_638_841_744_515;

    #[test]
    fn formats() {
        assert_eq!(rfc3339(SEED_CREATE_AT).as_deref(), Some("2021-12-07T01:49:04Z"));
        assert_eq!(sdk_date(SEED_CREATE_AT).as_deref(), Some("20211207T014904Z"));
        assert_eq!(go_utc(SEED_CREATE_AT).as_deref(), Some("2021-12-07 01:49:04 UTC"));
        assert_eq!(rfc3339(-86_400_000).as_deref(), Some("1969-12-31T00:00:00Z"));
        assert_eq!(rfc3339(i64::MAX), None, "out of range is None, not a panic");
        assert_eq!(rfc3339(i64::MIN), None);
    }

    #[test]
    fn parses_the_formats() {
        assert_eq!(parse_sdk_date("20211207T014904Z"), Some(SEED_CREATE_AT - 515));
        assert_eq!(parse_sdk_date("20261321T235218Z"), None);
        assert_eq!(parse_sdk_date("2026112T235218Z"), None);
        assert_eq!(parse_rfc3339("2021-12-07T01:49:04Z"), Some(SEED_CREATE_AT - 515));
        assert_eq!(parse_rfc3339("2021-12-07T03:49:04.515+02:00"), Some(SEED_CREATE_AT));
        // RFC 3339 allows a space for the T (its section 5.6 note); time accepts it too.
        assert_eq!(parse_rfc3339("2026-11-21 23:52:18Z"), parse_rfc3339("2026-11-21T23:52:18Z"));
        assert_eq!(parse_rfc3339("2026-11-21T23:52:18"), None);
        assert_eq!(parse_go_utc("2021-12-07 01:49:04 UTC"), Some(SEED_CREATE_AT - 515));
        assert_eq!(parse_go_utc("2026-11-21 23:52:18 CST"), None);
        assert_eq!(parse_go_utc("garbage"), None);
        assert_eq!(parse_http_date("Tue, 07 Dec 2021 01:49:04 GMT"), Some(SEED_CREATE_AT - 515));
        assert_eq!(parse_http_date("Tue, 07 Dec 2021 01:49:04"), None);
    }

    #[test]
    fn impossible_dates_and_multibyte_text_are_refused() {
        assert_eq!(parse_rfc3339("2026-02-31T00:00:00Z"), None, "no rolling into March");
        assert_eq!(parse_sdk_date("20260231T000000Z"), None);
        assert_eq!(parse_go_utc("2026-02-30 00:00:00 UTC"), None);
        assert_eq!(parse_rfc3339("2026-11-21T23:52:1\u{e9}Z"), None);
        assert_eq!(parse_rfc3339("2026-11-21T23:52:18+0\u{e9}0"), None);
        assert_eq!(parse_go_utc("2026-11-21 23:52:18+0\u{e9}0 UTC"), None);
        assert_eq!(parse_sdk_date("2026112\u{e9}T35218Z"), None);
        assert_eq!(parse_http_date("Wed, 31 Feb 2026 00:00:00 GMT"), None);
    }
}
