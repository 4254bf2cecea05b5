//! Calendar arithmetic for the few timestamp formats this crate reads and writes
//! (RFC 3339, the signing date `YYYYMMDDTHHMMSSZ`, Go's `2006-01-02 15:04:05 MST`),
//! all in UTC.

use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

/// Days since 1970-01-01 to a (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Civil {
    pub fn from_unix_millis(ms: i64) -> Civil {
        let days = ms.div_euclid(86_400_000);
        let rem = ms.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3_600_000) as u32,
            minute: (rem / 60_000 % 60) as u32,
            second: (rem / 1000 % 60) as u32,
            millis: (rem % 1000) as u32,
        }
    }

    pub fn to_unix_millis(self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400_000
            + i64::from(self.hour) * 3_600_000
            + i64::from(self.minute) * 60_000
            + i64::from(self.second) * 1000
            + i64::from(self.millis)
    }

    /// `2026-11-21T23:52:18Z` (seconds precision, as the API's times are shown).
    pub fn rfc3339(self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `20261121T235218Z`, the `X-Sdk-Date` format.
    pub fn sdk_date(self) -> String {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

pub fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// RFC 3339 with microseconds, as hclog writes `@timestamp`.
pub fn log_timestamp(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let c = Civil::from_unix_millis(d.as_millis() as i64);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        d.subsec_micros()
    )
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn checked(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<Civil> {
    let ok = (1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && minute < 60 && second < 61;
    ok.then_some(Civil { year, month, day, hour, minute, second, millis: 0 })
}

/// Parses `YYYYMMDDTHHMMSSZ`.
pub fn parse_sdk_date(s: &str) -> Option<Civil> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    checked(
        i64::from(num(&s[0..4])?),
        num(&s[4..6])?,
        num(&s[6..8])?,
        num(&s[9..11])?,
        num(&s[11..13])?,
        num(&s[13..15])?,
    )
}

/// Parses `YYYY-MM-DDTHH:MM:SS` followed by `Z`, `±HH:MM`, or fractional seconds then
/// one of those; returns UTC.
pub fn parse_rfc3339(s: &str) -> Option<Civil> {
    if s.len() < 20 || !s.is_char_boundary(19) {
        return None;
    }
    let (head, mut tail) = s.split_at(19);
    let hb = head.as_bytes();
    if hb[4] != b'-' || hb[7] != b'-' || (hb[10] != b'T' && hb[10] != b't') || hb[13] != b':' || hb[16] != b':' {
        return None;
    }
    let mut c = checked(
        i64::from(num(&head[0..4])?),
        num(&head[5..7])?,
        num(&head[8..10])?,
        num(&head[11..13])?,
        num(&head[14..16])?,
        num(&head[17..19])?,
    )?;
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let ms: String = frac[..digits].chars().chain("000".chars()).take(3).collect();
        c.millis = num(&ms)?;
        tail = &frac[digits..];
    }
    let offset_min: i64 = match tail {
        "Z" | "z" => 0,
        t if t.len() == 6 && (t.starts_with('+') || t.starts_with('-')) && &t[3..4] == ":" => {
            let m = i64::from(num(&t[1..3])?) * 60 + i64::from(num(&t[4..6])?);
            if t.starts_with('-') {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    Some(Civil::from_unix_millis(c.to_unix_millis() - offset_min * 60_000))
}

/// Parses Go's `2006-01-02 15:04:05 MST` layout as written for UTC times (`UTC` or
/// `GMT` as the zone; `+0000` too).
pub fn parse_go_utc(s: &str) -> Option<Civil> {
    let (datetime, zone) = s.rsplit_once(' ')?;
    if !matches!(zone, "UTC" | "GMT" | "Z" | "+0000") {
        return None;
    }
    parse_rfc3339(&format!("{}Z", datetime.replacen(' ', "T", 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_unix_millis() {
        for ms in [0i64, 1_638_841_744_515, 951_782_400_000, 4_102_444_800_000, -86_400_000] {
            assert_eq!(Civil::from_unix_millis(ms).to_unix_millis(), ms);
        }
        let c = Civil::from_unix_millis(1_638_841_744_515);
        assert_eq!(c.rfc3339(), "2021-12-07T01:49:04Z");
        assert_eq!(c.sdk_date(), "20211207T014904Z");
    }

    #[test]
    fn parses_the_formats() {
        assert_eq!(parse_sdk_date("20261121T235218Z").unwrap().rfc3339(), "2026-11-21T23:52:18Z");
        assert!(parse_sdk_date("20261321T235218Z").is_none());
        assert!(parse_sdk_date("2026112T235218Z").is_none());
        assert_eq!(parse_rfc3339("2026-11-21T23:52:18Z").unwrap().rfc3339(), "2026-11-21T23:52:18Z");
        assert_eq!(parse_rfc3339("2026-11-22T01:52:18.5+02:00").unwrap().rfc3339(), "2026-11-21T23:52:18Z");
        assert!(parse_rfc3339("2026-11-21 23:52:18Z").is_none());
        assert!(parse_rfc3339("2026-11-21T23:52:18").is_none());
        assert_eq!(parse_go_utc("2026-11-21 23:52:18 UTC").unwrap().rfc3339(), "2026-11-21T23:52:18Z");
        assert!(parse_go_utc("2026-11-21 23:52:18 CST").is_none());
        assert!(parse_go_utc("garbage").is_none());
        assert!(parse_rfc3339("2026-11-21T23:52:1\u{e9}Z").is_none());
    }
}
