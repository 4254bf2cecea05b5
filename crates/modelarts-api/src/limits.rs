//! The API's documented limits on notebook settings, from the official SDK's model
//! descriptions (`NotebookCreateRequest`, `VolumeMountRequest`, `LeaseReq`,
//! `CustomHooks`) and the public API pages *Updating a Notebook Instance* and
//! *Starting a Notebook Instance* (`docs/development/modelarts-api.md`). The provider checks them at
//! plan time; the simulator enforces the same rules with its own code (`sim::rules`).

/// Storage: EVS volumes from 5 GB (the API's default) and grow up to 4096 GB
/// (`storage_new_size`: "maximum 4096"; `VolumeRes.capacity`).
pub const MAX_STORAGE_GB: i64 = 4096;
pub const MIN_STORAGE_GB: i64 = 5;
/// Auto-stop (lease) duration bounds, in milliseconds: 1 hour to 72 hours
/// (`LeaseReq.duration`: 3600000-259200000, default 3600000).
pub const MIN_LEASE_MS: i64 = 3_600_000;
pub const MAX_LEASE_MS: i64 = 259_200_000;
/// `NotebookCreateRequest.name`: up to 128 characters.
pub const MAX_NAME_CHARS: usize = 128;
/// `NotebookCreateRequest.description`: up to 512 characters, none of `<>`.
pub const MAX_DESCRIPTION_CHARS: usize = 512;
/// At most this many addresses may reach the SSH endpoint (`EndpointsReq.allowed_access_ips`
/// on the update page: "A maximum of five public IP addresses").
pub const MAX_ALLOWED_IPS: usize = 5;
/// `VolumeMountRequest.uri`: up to 1024 characters.
pub const MAX_VOLUME_URI_CHARS: usize = 1024;

/// Characters a description may not contain.
pub const DESCRIPTION_FORBIDDEN: &[char] = &['<', '>'];

/// Letters (Latin or Chinese), digits, `-` and `_` (`NotebookCreateRequest.name`:
/// "大小写字母、数字、中划线、下划线和中文").
pub fn name_char_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || is_chinese(c)
}

/// CJK Unified Ideographs and Extension A.
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// At most 512 characters, none of `<>`.
pub fn check_description(d: &str) -> Result<(), String> {
    let n = d.chars().count();
    if n > MAX_DESCRIPTION_CHARS {
        return Err(format!("the description may be at most {MAX_DESCRIPTION_CHARS} characters long (it is {n})"));
    }
    if let Some(c) = d.chars().find(|c| DESCRIPTION_FORBIDDEN.contains(c)) {
        return Err(format!("the description may not contain {c:?} (neither < nor >)"));
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

/// A UUID in its canonical 8-4-4-4-12 hex form (a dedicated EFS file system's `id`).
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An IPv4 address, or an IPv4 CIDR block (`10.0.0.0/8`), as `allowed_access_ips` takes them.
pub fn check_access_ip(s: &str) -> Result<(), String> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    if addr.parse::<std::net::Ipv4Addr>().is_err() {
        return Err(format!(
            "{s:?} is not an IPv4 address or CIDR block (such as \"203.0.113.7\" or \"203.0.113.0/24\")"
        ));
    }
    if let Some(p) = prefix {
        match p.parse::<u8>() {
            Ok(bits) if bits <= 32 && !p.starts_with('+') => {}
            _ => return Err(format!("{s:?} has an invalid prefix length {p:?} (0 to 32)")),
        }
    }
    Ok(())
}

/// `0` (the default workspace) or 32 lower-case letters and digits.
pub fn check_workspace_id(s: &str) -> Result<(), String> {
    if s == "0" || (s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())) {
        Ok(())
    } else {
        Err(format!("{s:?} is not a workspace ID: \"0\" (the default workspace) or 32 lower-case letters and digits"))
    }
}

/// `DataVolumesReq.mount_path` and `uri`: "up to 256 characters".
pub const MAX_MOUNT_TEXT_CHARS: usize = 256;

/// Where dynamic storage may be mounted: a sub-directory of `/data/` ending in `/`
/// (SDK `DataVolumesReq.mount_path`; the official provider checks
/// `^/data/[a-zA-Z0-9_-]*/$`, and a name is needed for a sub-directory).
pub fn check_mount_path(p: &str) -> Result<(), String> {
    let name = p.strip_prefix("/data/").and_then(|rest| rest.strip_suffix('/'));
    match name {
        Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => Ok(()),
        _ => Err(format!(
            "{p:?} is not a sub-directory of /data/ ending in / (such as \"/data/dir1/\"; letters, digits, - and _)"
        )),
    }
}

/// An OBS directory as dynamic storage takes it: `obs://bucket/dir/`, ending in `/`
/// (SDK `DataVolumesReq.uri`, e.g. `obs://modelarts/notebook/`).
pub fn check_obs_directory(p: &str) -> Result<(), String> {
    let rest = p.strip_prefix("obs://").unwrap_or_default();
    let bucket = rest.split('/').next().unwrap_or_default();
    if bucket.is_empty() || !p.ends_with('/') || p.chars().count() > MAX_MOUNT_TEXT_CHARS {
        return Err(format!(
            "{p:?} is not an OBS directory: obs://BUCKET/PATH/, ending in / (such as \"obs://my-bucket/data/\"), at most {MAX_MOUNT_TEXT_CHARS} characters"
        ));
    }
    Ok(())
}

/// A saved image's name (SDK `ImageCreateReq.name`): up to 128 lower-case letters,
/// digits, `-`, `_` and `.`, beginning and ending with a letter or digit.
pub fn check_image_name(s: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.');
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if s.len() > 128 || !s.chars().all(allowed) || !edge(s.chars().next()) || !edge(s.chars().last()) {
        return Err(format!("{s:?} is not an image name: up to 128 lower-case letters, digits, '-', '_' and '.', beginning and ending with a letter or digit"));
    }
    Ok(())
}

/// An SWR organization (SDK `ImageCreateReq.namespace`): up to 64 letters, digits,
/// `-`, `_` and `.`, beginning with a lower-case letter.
pub fn check_image_namespace(s: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if s.len() > 64 || !s.chars().all(allowed) || !s.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
        return Err(format!("{s:?} is not an SWR organization: up to 64 letters, digits, '-', '_' and '.', beginning with a lower-case letter"));
    }
    Ok(())
}

/// An image tag (SDK `ImageCreateReq.tag`): 1 to 64 letters, digits, `-`, `_` and `.`.
pub fn check_image_tag(s: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if s.is_empty() || s.len() > 64 || !s.chars().all(allowed) {
        return Err(format!("{s:?} is not an image tag: 1 to 64 letters, digits, '-', '_' and '.'"));
    }
    Ok(())
}

/// A tag's key and value, by SDK `TmsTag`: the key 1 to 128 characters — letters of
/// any language, digits, spaces and `_ . : = + - @` — neither beginning nor ending
/// with a space nor beginning with `_sys_` (the cloud's own tags); the value up to
/// 255 characters, `/` allowed too.
pub fn check_tag(key: &str, value: &str) -> Result<(), String> {
    const KEY_EXTRA: &str = "_.:=+-@ ";
    const VALUE_EXTRA: &str = "_.:/=+-@ ";
    let n = key.chars().count();
    if n == 0 || n > 128 {
        return Err(format!("tag key {key:?} has {n} characters; a key has 1 to 128"));
    }
    if key.starts_with(' ') || key.ends_with(' ') {
        return Err(format!("tag key {key:?} begins or ends with a space"));
    }
    if key.starts_with(SYSTEM_TAG_PREFIX) {
        return Err(format!("tag key {key:?} begins with {SYSTEM_TAG_PREFIX}, which is kept for the cloud's own tags"));
    }
    if let Some(c) = key.chars().find(|c| !c.is_alphanumeric() && !KEY_EXTRA.contains(*c)) {
        return Err(format!("tag key {key:?} has {c:?}; a key has letters, digits, spaces and _ . : = + - @ (no /)"));
    }
    if value.chars().count() > 255 {
        return Err(format!("the value of tag {key:?} is longer than 255 characters"));
    }
    if let Some(c) = value.chars().find(|c| !c.is_alphanumeric() && !VALUE_EXTRA.contains(*c)) {
        return Err(format!(
            "the value of tag {key:?} has {c:?}; a value has letters, digits, spaces and _ . : / = + - @"
        ));
    }
    Ok(())
}

/// Keys the cloud keeps for its own tags (SDK `TmsTag.key`: "must not begin with
/// `_sys_`"): never the user's to set, so never managed or shown as drift.
pub const SYSTEM_TAG_PREFIX: &str = "_sys_";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_organizations_and_tags() {
        assert!(check_image_name("my-env_1.0").is_ok());
        for bad in ["", "My-env", "-env", "env-", "a b", &"a".repeat(129)] {
            assert!(check_image_name(bad).is_err(), "{bad}");
        }
        assert!(check_image_namespace("team-a.Images_1").is_ok());
        for bad in ["", "Team", "1team", "te am", &"a".repeat(65)] {
            assert!(check_image_namespace(bad).is_err(), "{bad}");
        }
        assert!(check_image_tag("V1.0-rc_2").is_ok());
        for bad in ["", "v 1", "v:1", &"a".repeat(65)] {
            assert!(check_image_tag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mount_paths_and_obs_directories() {
        assert!(check_mount_path("/data/dir1/").is_ok());
        for bad in ["/data/", "/data/dir1", "/home/dir1/", "/data/a/b/", "/data/a b/"] {
            assert!(check_mount_path(bad).is_err(), "{bad}");
        }
        assert!(check_obs_directory("obs://bucket/dir/").is_ok());
        assert!(check_obs_directory("obs://bucket/").is_ok());
        for bad in ["obs://bucket/dir", "s3://bucket/dir/", "obs:///dir/", "obs://", "/data/x/"] {
            assert!(check_obs_directory(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_descriptions() {
        assert!(check_description("fine, really & a/b").is_ok());
        assert!(check_description("a<b").is_err());
        assert!(check_description(&"x".repeat(513)).is_err());
        assert!(check_lease_ms(3_600_000).is_ok());
        assert!(check_lease_ms(3_599_999).is_err());
        assert!(check_lease_ms(259_200_001).is_err());
    }

    #[test]
    fn addresses_uuids_and_workspaces() {
        for ok in ["1.2.3.4", "10.0.0.0/8", "0.0.0.0/0", "203.0.113.7/32"] {
            assert!(check_access_ip(ok).is_ok(), "{ok}");
        }
        for bad in ["10.1.1", "1.2.3.4/33", "1.2.3.4/", "::1", "1.2.3.4/+8", "host.example", ""] {
            assert!(check_access_ip(bad).is_err(), "{bad}");
        }
        assert!(is_uuid("280a8bd5-03e2-4a5c-bea1-83d81e75bc53"));
        assert!(!is_uuid("280a8bd5-03e2-4a5c-bea1-83d81e75bc5"));
        assert!(!is_uuid("280a8bd503e24a5cbea183d81e75bc53"));
        assert!(check_workspace_id("0").is_ok());
        assert!(check_workspace_id("0123456789abcdef0123456789abcdef").is_ok());
        assert!(check_workspace_id("default").is_err());
    }
}
