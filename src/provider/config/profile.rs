//! The shared config file of KooCLI (`hcloud`), `~/.hcloud/config.json`, as the
//! official provider reads it (`huaweicloud/config/hc_config.go`): the file of
//! `shared_config_file` (else `$HOME/.hcloud/config.json`, `%USERPROFILE%` on
//! Windows), its profile `profile` (else the file's `current`); the profile's keys
//! replace those of the block and the environment, its `region`, `projectId`,
//! `domainId`, `agencyName` and `agencyDomainName` override when set (an agency is
//! then assumed with the profile's keys). `mode` `SSO` keeps its keys in `ssoAuth.stsToken`;
//! `ecsAgency` has none (the instance metadata service gives them). KooCLI must be
//! configured with `--cli-auth-encrypt=false` for the keys to be readable (the
//! official provider's docs ask the same).

use std::path::PathBuf;

use serde::Deserialize;

/// What a profile gives.
#[derive(Clone, Default, PartialEq)]
pub(super) struct ProfileSettings {
    /// `profile "NAME" of FILE`, for messages.
    pub source: String,
    /// The access key, when the profile has keys.
    pub access_key: Option<String>,
    /// The secret key; never printed.
    pub secret_key: Option<String>,
    /// The security token of temporary keys; never printed.
    pub security_token: Option<String>,
    /// The region, when set.
    pub region: Option<String>,
    /// The project, when set.
    pub project_id: Option<String>,
    /// The account, when set.
    pub domain_id: Option<String>,
    /// The agency to act through (`agencyName`), when set.
    pub agency_name: Option<String>,
    /// The account that created it (`agencyDomainName`).
    pub agency_domain_name: Option<String>,
    /// Mode `ecsAgency`: keys from the instance metadata service.
    pub from_metadata: bool,
}

impl std::fmt::Debug for ProfileSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileSettings")
            .field("source", &self.source)
            .field("access_key", &self.access_key)
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfigFile {
    current: Option<String>,
    profiles: Vec<Profile>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Profile {
    name: String,
    mode: String,
    access_key_id: String,
    secret_access_key: String,
    security_token: String,
    region: String,
    project_id: String,
    domain_id: String,
    agency_name: String,
    agency_domain_name: String,
    sso_auth: Option<SsoAuth>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SsoAuth {
    sts_token: Option<StsToken>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct StsToken {
    access_key_id: String,
    secret_access_key: String,
    security_token: String,
}

fn some(s: String) -> Option<String> {
    Some(s).filter(|s| !s.trim().is_empty())
}

/// The file to read: `shared_config_file` (`~` expanded), else KooCLI's default.
fn path_of(file: Option<&str>) -> Result<PathBuf, String> {
    let home = crate::platform::home_dir;
    match file {
        Some(f) => Ok(match f.strip_prefix("~/").or_else(|| f.strip_prefix("~\\")) {
            Some(rest) => home().ok_or("the home directory is not known (HOME is not set)")?.join(rest),
            None => PathBuf::from(f),
        }),
        None => {
            Ok(home().ok_or("the home directory is not known (HOME is not set)")?.join(".hcloud").join("config.json"))
        }
    }
}

/// The settings of profile `profile` (else the file's current one) of `file` (else
/// KooCLI's default file).
pub(super) fn load(file: Option<&str>, profile: Option<&str>) -> Result<ProfileSettings, String> {
    let path = path_of(file)?;
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("the shared config file {shown} cannot be read: {e}"))?;
    let parsed: ConfigFile = serde_json::from_str(&text)
        .map_err(|e| format!("the shared config file {shown} is not KooCLI's JSON format: {e}"))?;
    let wanted = profile.map(str::to_string).or(parsed.current.clone()).unwrap_or_else(|| "default".into());
    let Some(p) = parsed.profiles.into_iter().find(|p| p.name == wanted) else {
        return Err(format!("the shared config file {shown} has no profile named {wanted:?}"));
    };
    let source = format!("profile {wanted:?} of {shown}");
    let (access_key, secret_key, security_token) = match p.mode.as_str() {
        "SSO" => {
            let t = p.sso_auth.and_then(|s| s.sts_token).unwrap_or_default();
            (some(t.access_key_id), some(t.secret_access_key), some(t.security_token))
        }
        // No keys of its own: the instance metadata service gives them.
        "ecsAgency" => (None, None, None),
        _ => (some(p.access_key_id), some(p.secret_access_key), some(p.security_token)),
    };

    if access_key.is_some() != secret_key.is_some() {
        return Err(format!("{source} has an access key without its secret key, or the reverse"));
    }
    Ok(ProfileSettings {
        source,
        access_key,
        secret_key,
        security_token,
        region: some(p.region),
        project_id: some(p.project_id),
        domain_id: some(p.domain_id),
        from_metadata: p.mode == "ecsAgency",
        agency_name: some(p.agency_name),
        agency_domain_name: some(p.agency_domain_name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(json: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), json).unwrap();
        f
    }

    const KOOCLI: &str = r#"{"current": "default", "profiles": [
        {"name": "default", "mode": "AKSK", "accessKeyId": "AK1", "secretAccessKey": "SK1", "region": "cn-north-4", "projectId": ""},
        {"name": "ci", "mode": "AKSK", "accessKeyId": "AK2", "secretAccessKey": "SK2", "securityToken": "", "projectId": "p2"},
        {"name": "sso", "mode": "SSO", "ssoAuth": {"stsToken": {"accessKeyId": "AK3", "secretAccessKey": "SK3", "securityToken": "T3"}}},
        {"name": "node", "mode": "ecsAgency"},
        {"name": "agent", "mode": "AKSK", "accessKeyId": "AK4", "secretAccessKey": "SK4", "agencyName": "deployer", "agencyDomainName": "owner"}
    ]}"#;

    #[test]
    fn the_current_profile_or_the_named_one() {
        let f = file(KOOCLI);
        let path = f.path().to_str().unwrap();
        let current = load(Some(path), None).unwrap();
        assert_eq!((current.access_key.as_deref(), current.region.as_deref()), (Some("AK1"), Some("cn-north-4")));
        assert_eq!(current.project_id, None, "an empty value overrides nothing");
        let ci = load(Some(path), Some("ci")).unwrap();
        assert_eq!(
            (ci.access_key.as_deref(), ci.project_id.as_deref(), ci.security_token),
            (Some("AK2"), Some("p2"), None)
        );
        assert!(ci.source.starts_with("profile \"ci\" of "));
        let sso = load(Some(path), Some("sso")).unwrap();
        assert_eq!((sso.access_key.as_deref(), sso.security_token.as_deref()), (Some("AK3"), Some("T3")));
        assert!(!format!("{sso:?}").contains("SK3") && !format!("{sso:?}").contains("T3"));
        let agent = load(Some(path), Some("agent")).unwrap();
        assert_eq!(
            (agent.agency_name.as_deref(), agent.agency_domain_name.as_deref()),
            (Some("deployer"), Some("owner"))
        );
    }

    #[test]
    fn what_cannot_be_used_names_the_profile_and_the_file() {
        let f = file(KOOCLI);
        let path = f.path().to_str().unwrap();
        let e = load(Some(path), Some("nope")).unwrap_err();
        assert!(e.contains("no profile named \"nope\"") && e.contains(path), "{e}");
        let node = load(Some(path), Some("node")).unwrap();
        assert!(node.from_metadata && node.access_key.is_none(), "ecsAgency: keys from the metadata service");
        assert!(load(Some("/nonexistent/config.json"), None).unwrap_err().contains("cannot be read"));
        let broken = file("not json");
        assert!(load(broken.path().to_str(), None).unwrap_err().contains("KooCLI's JSON format"));
    }
}
