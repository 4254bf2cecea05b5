//! Durations written as Terraform users write them (Go's style): `90m`, `4h`,
//! `1h30m`, `45s` — for `timeouts`, `auto_stop`, and messages.

use std::time::Duration;

/// Why a text is not a duration. `Display` is the message users see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// Nothing was written.
    Empty,
    /// The text does not start with a number.
    NotADuration(String),
    /// A number that does not parse, e.g. `1.2.3`.
    BadNumber {
        /// The whole text.
        text: String,
        /// The number in it.
        number: String,
    },
    /// A number without a unit.
    NoUnit(String),
    /// A unit other than `h`, `m`, `s` and `ms`.
    UnknownUnit {
        /// The whole text.
        text: String,
        /// The unit in it.
        unit: String,
    },
    /// More than about 31 years, or not finite.
    TooLong(String),
}

impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DurationError::Empty => f.write_str("an empty duration"),
            DurationError::NotADuration(s) => write!(f, "{s:?} is not a duration such as \"90m\", \"4h\" or \"1h30m\""),
            DurationError::BadNumber { text, number } => write!(f, "{text:?}: bad number {number:?}"),
            DurationError::NoUnit(s) => write!(f, "{s:?} needs a unit (h, m or s), e.g. \"90m\""),
            DurationError::UnknownUnit { text, unit } => write!(f, "{text:?}: unknown unit {unit:?} (use h, m or s)"),
            DurationError::TooLong(s) => write!(f, "{s:?} is too long"),
        }
    }
}

impl std::error::Error for DurationError {}

impl From<DurationError> for String {
    fn from(e: DurationError) -> String {
        e.to_string()
    }
}

/// Parses a sequence of `<number><unit>` with units `h`, `m`, `s` (and `ms`).
pub fn parse(s: &str) -> Result<Duration, DurationError> {
    let text = s.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return Err(DurationError::NotADuration(s.to_string()));
        }
        let number = &rest[..num_len];
        let value: f64 =
            number.parse().map_err(|_| DurationError::BadNumber { text: s.to_string(), number: number.to_string() })?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "" => return Err(DurationError::NoUnit(s.to_string())),
            other => return Err(DurationError::UnknownUnit { text: s.to_string(), unit: other.to_string() }),
        };
        total += value * seconds;
        rest = &rest[unit_len..];
    }
    if !total.is_finite() || total > 1e9 {
        return Err(DurationError::TooLong(s.to_string()));
    }
    Ok(Duration::from_secs_f64(total))
}

/// The shortest exact spelling: `4h`, `90m`, `1h30m`, `45s`.
pub fn format(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return "0s".into();
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        assert_eq!(parse("4h").unwrap(), Duration::from_secs(4 * 3600));
        assert_eq!(parse("90m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
        for bad in ["", "4", "h", "4x", "1h30", "-1h", "4 h"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(format(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format(Duration::from_secs(4 * 3600)), "4h");
        assert_eq!(format(Duration::from_secs(45)), "45s");
    }
}
