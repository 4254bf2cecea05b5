//! The API's documented limits on notebook settings. The provider checks them at
//! plan time; the simulator enforces them as the API does.

/// Storage: EVS volumes grow up to this many GB.
pub const MAX_STORAGE_GB: i64 = 4096;
pub const MIN_STORAGE_GB: i64 = 5;
/// Auto-stop (lease) duration bounds, in milliseconds: 1 hour to 72 hours.
pub const MIN_LEASE_MS: i64 = 3_600_000;
pub const MAX_LEASE_MS: i64 = 259_200_000;
pub const MAX_NAME_CHARS: usize = 128;
pub const MAX_DESCRIPTION_CHARS: usize = 512;
/// At most this many addresses may reach the SSH endpoint.
pub const MAX_ALLOWED_IPS: usize = 5;

pub const VOLUME_CATEGORIES: &[&str] = &["EVS", "EFS", "SFS", "OBS", "OBSFS"];
pub const OWNERSHIPS: &[&str] = &["MANAGED", "DEDICATED"];
pub const LEASE_TYPES: &[&str] = &["TIMING", "IDLE"];
/// Characters a description may not contain.
pub const DESCRIPTION_FORBIDDEN: &[char] = &['&', '<', '>', '"', '\'', '/'];

pub fn name_char_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// 1–128 letters, digits, `-` or `_`.
pub fn check_name(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS {
        return Err(format!("the name must be 1 to {MAX_NAME_CHARS} characters long (it is {n})"));
    }
    if let Some(c) = name.chars().find(|c| !name_char_allowed(*c)) {
        return Err(format!("the name may contain only letters, digits, '-' and '_', not {c:?}"));
    }
    Ok(())
}

/// At most 512 characters, none of `&<>"'/`.
pub fn check_description(d: &str) -> Result<(), String> {
    let n = d.chars().count();
    if n > MAX_DESCRIPTION_CHARS {
        return Err(format!("the description may be at most {MAX_DESCRIPTION_CHARS} characters long (it is {n})"));
    }
    if let Some(c) = d.chars().find(|c| DESCRIPTION_FORBIDDEN.contains(c)) {
        return Err(format!("the description may not contain {c:?} (none of & < > \" ' /)"));
    }
    Ok(())
}

pub fn check_lease_ms(ms: i64) -> Result<(), String> {
    if (MIN_LEASE_MS..=MAX_LEASE_MS).contains(&ms) {
        Ok(())
    } else {
        Err(format!(
            "the auto-stop duration must be from 1 hour to 72 hours ({MIN_LEASE_MS} to {MAX_LEASE_MS} ms), not {ms} ms"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_descriptions() {
        assert!(check_name("nb-1_a").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name(&"a".repeat(129)).is_err());
        assert!(check_name(&"a".repeat(128)).is_ok());
        assert!(check_name("a b").is_err());
        assert!(check_description("fine, really").is_ok());
        assert!(check_description("a/b").is_err());
        assert!(check_description(&"x".repeat(513)).is_err());
        assert!(check_lease_ms(3_600_000).is_ok());
        assert!(check_lease_ms(3_599_999).is_err());
        assert!(check_lease_ms(259_200_001).is_err());
    }
}
