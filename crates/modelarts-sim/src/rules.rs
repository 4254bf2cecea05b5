//! The API's rules as the simulator enforces them, written from the API notes
//! (`docs/development/modelarts-api.md`: "Errors", "Auto-stop", "Volume at create",
//! "Dynamic storage mounts", "Lists") and the official SDK's model descriptions
//! they cite — not imported from the client. The provider checks the same rules at
//! plan time with its own code (`client::limits`, `client::codes`): when the two
//! disagree, the end-to-end tests see the provider pass what the API refuses (or
//! the reverse), instead of both sides being wrong together.

/// Error codes of the public ModelArts error-code table ("Errors" in the notes).
pub(crate) mod code {
    /// Parameter error; the message names the parameter.
    pub(crate) const PARAMETER: &str = "ModelArts.0104";
    /// Already running (a start).
    pub(crate) const RUNNING_ALREADY: &str = "ModelArts.6305";
    /// Starting.
    pub(crate) const STARTING: &str = "ModelArts.6306";
    /// Already stopped (a stop).
    pub(crate) const STOPPED_ALREADY: &str = "ModelArts.6307";
    /// Stopping.
    pub(crate) const STOPPING: &str = "ModelArts.6308";
    /// No such instance.
    pub(crate) const NO_INSTANCE: &str = "ModelArts.6309";
    /// Busy, or already where the call would put it.
    pub(crate) const BUSY: &str = "ModelArts.6357";
    /// Does not exist (instances, mounts, images), HTTP 400 or 404.
    pub(crate) const DOES_NOT_EXIST: &str = "ModelArts.6404";
}

/// EVS capacity at create and growth, GB (SDK `VolumeMountRequest.capacity`, 5–4096,
/// default 5; the update page's `storage_new_size`, "maximum 4096").
pub(crate) const EVS_GB: std::ops::RangeInclusive<i64> = 5..=4096;
/// Auto-stop duration, ms (SDK `LeaseReq.duration`: 3,600,000–259,200,000, default
/// 3,600,000).
pub(crate) const LEASE_MS: std::ops::RangeInclusive<i64> = 3_600_000..=259_200_000;
/// Addresses that may reach the SSH endpoint (the update page: "a maximum of five").
pub(crate) const SSH_ADDRESSES: usize = 5;
/// `VolumeMountRequest.uri`, characters.
pub(crate) const VOLUME_URI_CHARS: usize = 1024;
/// The page sizes the list calls take ("Lists" in the notes).
pub(crate) const PAGE_SIZES: [usize; 3] = [10, 20, 50];

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// `NotebookCreateRequest.name`: 1–128 of Latin or Chinese letters, digits, `-`, `_`.
pub(crate) fn notebook_name(name: &str) -> Result<(), String> {
    let chinese = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c);
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || chinese(c);
    if name.is_empty() || too_long(name, 128) {
        Err(format!("name must have 1 to 128 characters: {name:?}"))
    } else if !name.chars().all(ok) {
        Err(format!("name has characters other than letters, digits, - and _: {name:?}"))
    } else {
        Ok(())
    }
}

/// `description`: at most 512 characters, no `<` or `>`.
pub(crate) fn description(d: &str) -> Result<(), String> {
    if too_long(d, 512) {
        Err("description is longer than 512 characters".into())
    } else if d.contains(['<', '>']) {
        Err("description may not contain < or >".into())
    } else {
        Ok(())
    }
}

/// `workspace_id`: `0` or 32 lower-case letters and digits.
pub(crate) fn workspace_id(w: &str) -> Result<(), String> {
    let id = w.len() == 32 && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if w == "0" || id {
        Ok(())
    } else {
        Err(format!("{w:?} is not 0 nor 32 lower-case letters and digits"))
    }
}

/// A lease duration in range.
pub(crate) fn lease_ms(ms: i64) -> Result<(), String> {
    if LEASE_MS.contains(&ms) {
        Ok(())
    } else {
        Err(format!("duration {ms} is outside {}..={} ms", LEASE_MS.start(), LEASE_MS.end()))
    }
}

/// An SSH address: IPv4, optionally with a CIDR prefix of 0–32.
pub(crate) fn ssh_address(s: &str) -> Result<(), String> {
    let mut parts = s.splitn(2, '/');
    let ip_ok = parts.next().is_some_and(|ip| ip.parse::<std::net::Ipv4Addr>().is_ok());
    let prefix_ok =
        parts.next().is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u8>().is_ok_and(|n| n <= 32));
    if ip_ok && prefix_ok {
        Ok(())
    } else {
        Err(format!("{s:?} is not an IPv4 address or CIDR block"))
    }
}

/// A dedicated file system's ID: a UUID, 8-4-4-4-12 hex digits.
pub(crate) fn uuid(s: &str) -> bool {
    let lens: Vec<usize> = s.split('-').map(str::len).collect();
    lens == [8, 4, 4, 4, 12] && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

/// A dynamic mount's `mount_path`: `/data/NAME/` with NAME of letters, digits,
/// `_`, `-` (the Go provider's `^/data/[a-zA-Z0-9_-]*/$`, a name needed).
pub(crate) fn mount_path(p: &str) -> Result<(), String> {
    let name = p.strip_prefix("/data/").and_then(|r| r.strip_suffix('/')).unwrap_or_default();
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok && !too_long(p, 256) {
        Ok(())
    } else {
        Err(format!("mount_path {p:?} must be a directory under /data/ ending in /"))
    }
}

/// An OBS directory for a mount: `obs://BUCKET/...` ending in `/`, at most 256 characters.
pub(crate) fn obs_directory(u: &str) -> Result<(), String> {
    let bucket = u.strip_prefix("obs://").and_then(|r| r.split('/').next()).unwrap_or_default();
    if !bucket.is_empty() && u.ends_with('/') && !too_long(u, 256) {
        Ok(())
    } else {
        Err(format!("uri {u:?} must be an OBS directory, obs://bucket/path/"))
    }
}

/// `ImageCreateReq.name`: up to 128 of `a-z 0-9 - _ .`, a letter or digit at each end.
pub(crate) fn image_name(s: &str) -> Result<(), String> {
    let end = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let ok = |c: char| end(c) || "-_.".contains(c);
    let ends = s.chars().next().is_some_and(end) && s.chars().last().is_some_and(end);
    if ends && s.len() <= 128 && s.chars().all(ok) {
        Ok(())
    } else {
        Err(format!("{s:?} is not a valid image name"))
    }
}

/// `ImageCreateReq.namespace`: up to 64 of letters, digits, `- _ .`, beginning with
/// a lower-case letter.
pub(crate) fn image_namespace(s: &str) -> Result<(), String> {
    let first = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if first && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        Ok(())
    } else {
        Err(format!("{s:?} is not a valid SWR organization"))
    }
}

/// `ImageCreateReq.tag`: 1–64 of letters, digits, `- _ .`.
pub(crate) fn image_tag(s: &str) -> Result<(), String> {
    if !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        Ok(())
    } else {
        Err(format!("{s:?} is not a valid image tag"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_at_their_edges() {
        assert!(notebook_name("nb-1_中文").is_ok() && notebook_name("").is_err() && notebook_name("a b").is_err());
        assert!(notebook_name(&"n".repeat(128)).is_ok() && notebook_name(&"n".repeat(129)).is_err());
        assert!(description("x").is_ok() && description("<b>").is_err() && description(&"d".repeat(513)).is_err());
        assert!(workspace_id("0").is_ok() && workspace_id(&"a1".repeat(16)).is_ok() && workspace_id("A").is_err());
        assert!(lease_ms(3_600_000).is_ok() && lease_ms(3_599_999).is_err() && lease_ms(259_200_001).is_err());
        assert!(ssh_address("10.0.0.0/8").is_ok() && ssh_address("10.0.0.1").is_ok());
        assert!(
            ssh_address("10.0.0.0/33").is_err() && ssh_address("10.0.0.0/+8").is_err() && ssh_address("x").is_err()
        );
        assert!(uuid("280a8bd5-03e2-4a5c-bea1-83d81e75bc53") && !uuid("280a8bd5"));
        assert!(mount_path("/data/d1/").is_ok() && mount_path("/data//").is_err() && mount_path("/home/x/").is_err());
        assert!(
            obs_directory("obs://b/d/").is_ok()
                && obs_directory("obs://b/d").is_err()
                && obs_directory("s3://b/").is_err()
        );
        assert!(image_name("my.img-1").is_ok() && image_name("-x").is_err() && image_name("Upper").is_err());
        assert!(image_namespace("org_1").is_ok() && image_namespace("1org").is_err());
        assert!(image_tag("v1.0").is_ok() && image_tag("").is_err());
    }
}
