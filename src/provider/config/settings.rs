//! The provider block and the environment resolved into [`Settings`]: each value
//! from the block, else the first environment variable set of its fallbacks
//! ([`super::ENV_FALLBACKS`]), as the official provider resolves them (its
//! `provider.go`: `HW_*` first, then `OS_*`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use crate::duration;
use crate::framework::model::decode;
use crate::protocol::{AttributePath, Diagnostics, Value};

use super::endpoints::{default_cloud, with_scheme, Endpoints};
use super::profile;
use super::signin::{agencies, oidc, password_login, IamSignIn};
use super::{
    check_endpoint, check_request_timeout, origin, ProviderModel, DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT,
    ENV_FALLBACKS,
};
use crate::client::assume::Agency;
use crate::client::ids::Region;
use crate::client::oidc::IdToken;

/// Resolved provider settings. Debug output hides the secrets.
#[derive(Clone)]
pub struct Settings {
    /// The region (`region`, `HW_REGION_NAME`, `OS_REGION_NAME`).
    pub region: Region,
    /// The project in that region; `None`: looked up through IAM by `project_name`
    /// (else the region's name).
    pub project_id: Option<String>,
    /// The project's name to look up (`project_name`).
    pub project_name: Option<String>,
    /// The account (`domain_id`).
    pub domain_id: Option<String>,
    /// The account's name (`domain_name`).
    pub domain_name: Option<String>,
    /// Temporary keys from the instance metadata service at this URL, when no keys
    /// are configured (`HW_METADATA_URL`, else `http://169.254.169.254`); then
    /// `access_key` and `secret_key` are empty.
    pub metadata_url: Option<String>,
    /// Why the metadata service is asked: the sources tried before it, for the error
    /// when it cannot give keys either.
    pub tried: Vec<String>,
    /// The access key.
    pub access_key: String,
    /// The secret key; never logged.
    pub secret_key: String,
    /// The security token of temporary keys; never logged.
    pub security_token: Option<String>,
    /// Where each service answers.
    pub endpoints: Endpoints,
    /// The ModelArts endpoint of the provider's region.
    pub endpoint: String,
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// CA certificates to trust besides the system's (`cacert_file`), PEM.
    pub cacert_pem: Option<Vec<u8>>,
    /// The client certificate and its key (`cert`, `key`), PEM.
    pub identity_pem: Option<Vec<u8>>,
    /// Retries of a failed API call.
    pub max_retries: u32,
    /// How long one API call may take.
    pub request_timeout: Duration,
    /// Which setting chose the endpoint, for errors that cannot reach it.
    pub endpoint_origin: String,
    /// Tags every notebook gets (`default_tags`).
    pub default_tags: BTreeMap<String, String>,
    /// Tag keys managed elsewhere (`ignore_tags`): never read, changed or deleted.
    pub ignore_tags: BTreeSet<String>,
    /// The most requests a second (`max_requests_per_second`).
    pub max_requests_per_second: Option<f64>,
    /// The official provider's enterprise project (accepted, unused).
    pub enterprise_project_id: Option<String>,
    /// How requests are signed (`signing_algorithm`).
    pub algorithm: crate::client::signer::Algorithm,
    /// The agencies to act through, in order (`assume_role`).
    pub agencies: Vec<Agency>,
    /// An OIDC identity to sign in with (`assume_role_with_oidc`): its identity
    /// provider and token; its agency is the first of `agencies`.
    pub oidc: Option<(String, IdToken)>,
    /// An IAM token instead of keys (`token`, or `password` when no keys are set).
    pub sign_in: Option<IamSignIn>,
    /// Where the keys came from (`` `access_key` in the provider block ``,
    /// `HW_ACCESS_KEY`, `profile "ci" of FILE`), for a refusal of them.
    pub credentials_origin: String,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("project_name", &self.project_name)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("security_token", &self.security_token.as_ref().map(|_| "<redacted>"))
            .field("endpoint", &self.endpoint)
            .field("endpoints", &self.endpoints)
            .field("insecure", &self.insecure)
            .field("max_retries", &self.max_retries)
            .field("request_timeout", &self.request_timeout)
            .field("sign_in", &self.sign_in)
            .finish_non_exhaustive()
    }
}

/// The block decoded, once every value in it is known: one that depends on a
/// resource not created yet is reported at its attribute, since the provider is
/// configured with known values only (and a setting read as unset would quietly
/// fall back to the environment or a default).
fn known_model(config: &Value, diags: &mut Diagnostics) -> Option<ProviderModel> {
    const WHY: &str = "The provider block's settings must be known before planning; they cannot depend on resources that do not exist yet.";
    let unknown: Vec<&str> = match config {
        Value::Object(attrs) => {
            attrs.iter().filter(|(_, v)| !v.is_wholly_known()).map(|(name, _)| name.as_str()).collect()
        }
        Value::Unknown => {
            diags.error("The provider block is not known yet", WHY);
            return None;
        }
        _ => Vec::new(),
    };
    for attr in &unknown {
        diags.error_at(AttributePath::attr(attr), format!("Provider attribute {attr} is not known yet"), WHY);
    }
    if !unknown.is_empty() {
        return None;
    }
    match decode::<ProviderModel>(config) {
        Ok(model) => Some(model),
        Err(e) => {
            diags.extend(e.to_diagnostics("Invalid provider block"));
            None
        }
    }
}

/// A setting: the block's value, else the first of its environment fallbacks that
/// is set; blank is none (a blank value in the block too: it is not replaced).
fn setting(block: Option<String>, attr: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let names = ENV_FALLBACKS.iter().find(|(a, _)| *a == attr).map_or(&[][..], |(_, e)| *e);
    block
        .or_else(|| names.iter().find_map(|n| env(n).filter(|s| !s.trim().is_empty())))
        .filter(|s| !s.trim().is_empty())
}

/// The `ignore_tags` keys; a key that is also one of `defaults` is an error (the
/// provider would both set it and leave it alone).
fn ignore_tags(keys: Vec<String>, defaults: &BTreeMap<String, String>, diags: &mut Diagnostics) -> BTreeSet<String> {
    let keys: BTreeSet<String> = keys.into_iter().collect();
    for key in keys.iter().filter(|k| defaults.contains_key(*k)) {
        diags.error_at(
            AttributePath::attr(ProviderModel::DEFAULT_TAGS).then_key(key),
            "A default tag is ignored",
            format!("Tag key {key:?} is in both default_tags and ignore_tags: the provider cannot both set it and leave it alone. Remove it from one of them."),
        );
    }
    keys
}

/// A boolean from the block or the environment (`true`/`1`, as the official provider reads them).
fn flag(text: Option<String>) -> bool {
    text.is_some_and(|t| matches!(t.trim().to_ascii_lowercase().as_str(), "true" | "1"))
}

/// Combines the configuration with the environment (`env` looks a variable up).
pub fn resolve(config: &Value, env: &dyn Fn(&str) -> Option<String>, diags: &mut Diagnostics) -> Option<Settings> {
    let m = known_model(config, diags)?;
    let get = |block: &Option<String>, attr: &str| setting(block.clone(), attr, env);
    let mut region = get(&m.region, ProviderModel::REGION);
    let mut project_id = get(&m.project_id, ProviderModel::PROJECT_ID);
    let project_name = get(&m.project_name, ProviderModel::PROJECT_NAME);
    let mut domain_id = get(&m.domain_id, ProviderModel::DOMAIN_ID);
    let domain_name = get(&m.domain_name, ProviderModel::DOMAIN_NAME);
    let mut access_key = get(&m.access_key, ProviderModel::ACCESS_KEY);
    let mut secret_key = get(&m.secret_key, ProviderModel::SECRET_KEY);
    let mut security_token = get(&m.security_token, ProviderModel::SECURITY_TOKEN);
    let token = get(&m.token, ProviderModel::TOKEN);
    let user_name = get(&m.user_name, ProviderModel::USER_NAME);
    let user_id = get(&m.user_id, ProviderModel::USER_ID);
    let password = get(&m.password, ProviderModel::PASSWORD);
    let shared_config_file = get(&m.shared_config_file, ProviderModel::SHARED_CONFIG_FILE);
    let profile_name = get(&m.profile, ProviderModel::PROFILE);
    let endpoint = get(&m.endpoint, ProviderModel::ENDPOINT).map(|e| with_scheme(&e));
    let auth_url = get(&m.auth_url, ProviderModel::AUTH_URL).map(|e| with_scheme(&e));
    let cloud = get(&m.cloud, ProviderModel::CLOUD);
    let insecure = flag(setting(m.insecure.map(|b| b.to_string()), ProviderModel::INSECURE, env));
    let cacert_file = get(&m.cacert_file, ProviderModel::CACERT_FILE);
    let cert_file = get(&m.cert, ProviderModel::CERT);
    let key_file = get(&m.key, ProviderModel::KEY);
    let enterprise_project_id = get(&m.enterprise_project_id, ProviderModel::ENTERPRISE_PROJECT_ID);
    let max_retries_text = setting(m.max_retries.map(|n| n.to_string()), ProviderModel::MAX_RETRIES, env);
    let signing_algorithm = get(&m.signing_algorithm, ProviderModel::SIGNING_ALGORITHM);
    // Where a setting came from, for the errors that name it.
    let origin = |block: &Option<String>, attr: &str| origin(block.is_some(), attr, env);
    let mut credentials_origin = origin(&m.access_key, ProviderModel::ACCESS_KEY);
    let mut profile_failed = false;
    let mut profile_agency: Option<Agency> = None;
    let mut profile_metadata = false;
    // The shared config file, when asked for: its keys replace the block's and the
    // environment's; its region, project and account override when set.
    if shared_config_file.is_some() || profile_name.is_some() {
        match profile::load(shared_config_file.as_deref(), profile_name.as_deref()) {
            Ok(p) => {
                if p.access_key.is_some() {
                    (access_key, secret_key, security_token) = (p.access_key, p.secret_key, p.security_token);
                    credentials_origin = p.source.clone();
                } else if p.from_metadata {
                    // Mode ecsAgency: the node's keys, whatever the block says.
                    (access_key, secret_key, security_token) = (None, None, None);
                    profile_metadata = true;
                }
                region = p.region.or(region);
                project_id = p.project_id.or(project_id);
                domain_id = p.domain_id.or(domain_id);
                profile_agency = p.agency_name.map(|name| Agency {
                    name,
                    domain_name: p.agency_domain_name,
                    domain_id: None,
                    duration_secs: None,
                });
            }
            Err(e) => {
                profile_failed = true;
                let at =
                    if profile_name.is_some() { ProviderModel::PROFILE } else { ProviderModel::SHARED_CONFIG_FILE };
                diags.error_at(AttributePath::attr(at), "Cannot use the shared config file", e);
            }
        }
    }
    // The official order (its auth.go, `buildClient`): a token, keys, a password,
    // then the instance metadata service.
    let keys_set = access_key.is_some() || secret_key.is_some();
    let sign_in = match (token, keys_set) {
        (Some(t), _) => {
            credentials_origin = origin(&m.token, ProviderModel::TOKEN);
            Some(IamSignIn::Token(t))
        }
        (None, true) => None,
        (None, false) => {
            password_login(&m, env, user_name, user_id, password, domain_id.clone(), domain_name.clone(), diags).map(
                |login| {
                    credentials_origin = origin(&m.password, ProviderModel::PASSWORD);
                    IamSignIn::Password(login)
                },
            )
        }
    };
    if sign_in.is_some() {
        (access_key, secret_key, security_token) = (None, None, None);
    }
    // With no keys anywhere, the instance metadata service gives temporary ones (an
    // ECS or CCE node with an agency), as the official provider and SDKs do.
    let with_oidc = m.assume_role_with_oidc.as_ref().is_some_and(|blocks| !blocks.is_empty())
        || env("HW_ASSUME_ROLE_IDP_ID").is_some_and(|v| !v.trim().is_empty());
    let no_keys = access_key.is_none() && secret_key.is_none() && !profile_failed && !with_oidc && sign_in.is_none();
    let metadata_url = no_keys.then(|| {
        env("HW_METADATA_URL")
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| crate::client::metadata::DEFAULT_METADATA_URL.to_string())
    });
    let tried = if profile_metadata {
        vec![format!(
            "the profile is in mode ecsAgency ({})",
            profile_name.as_deref().map_or("the current profile".to_string(), |p| format!("profile {p:?}"))
        )]
    } else if no_keys {
        vec![
            "no token (token, HW_AUTH_TOKEN or OS_AUTH_TOKEN)".to_string(),
            "no keys in the provider block (access_key, secret_key) or the environment (HW_ACCESS_KEY or OS_ACCESS_KEY, HW_SECRET_KEY or OS_SECRET_KEY)".to_string(),
            "no password sign-in (password with user_name or user_id, or HW_USER_PASSWORD with HW_USER_NAME or HW_USER_ID)".to_string(),
            if shared_config_file.is_none() && profile_name.is_none() {
                "no shared config file (shared_config_file, profile, HW_SHARED_CONFIG_FILE and HW_PROFILE are not set)".to_string()
            } else {
                "the shared config file's profile has no keys".to_string()
            },
        ]
    } else {
        Vec::new()
    };
    for (attr, value) in [
        (ProviderModel::REGION, &region),
        (ProviderModel::ACCESS_KEY, &access_key),
        (ProviderModel::SECRET_KEY, &secret_key),
    ] {
        let keys_needed = !no_keys && !with_oidc && sign_in.is_none();
        if value.is_none() && !profile_failed && (attr == ProviderModel::REGION || keys_needed) {
            diags.error_at(
                AttributePath::attr(attr),
                format!("Missing provider setting {attr}"),
                format!(
                    "Set {attr} in the provider \"modelarts\" block, or the environment variable {}.",
                    super::env_names(attr).replace(", then ", " or ")
                ),
            );
        }
    }
    if let Some(a) = &signing_algorithm {
        if let Err(e) = super::check_signing_algorithm(&Value::from(a.as_str())) {
            diags.error_at(AttributePath::attr(ProviderModel::SIGNING_ALGORITHM), "Unsupported signing algorithm", e);
        }
    }
    let map: BTreeMap<String, String> =
        m.endpoints.iter().flatten().map(|(service, url)| (service.clone(), with_scheme(url))).collect();
    // `endpoint` is this provider's own name for `endpoints.modelarts`.
    let modelarts = match (endpoint, map.get("modelarts")) {
        (Some(e), Some(url)) if e.trim_end_matches('/') != url => {
            diags.error_at(
                AttributePath::attr(ProviderModel::ENDPOINT),
                "endpoint and endpoints.modelarts differ",
                format!(
                    "endpoint ({e}, from {}) and endpoints.modelarts ({url}) name the same thing: set one of them.",
                    origin(&m.endpoint, ProviderModel::ENDPOINT)
                ),
            );
            None
        }
        (e, url) => e.map(|e| e.trim_end_matches('/').to_string()).or_else(|| url.cloned()),
    };
    let iam = auth_url.map(|a| a.trim_end_matches('/').to_string()).or_else(|| map.get("iam").cloned());
    for (attr, url) in [(ProviderModel::ENDPOINT, &modelarts), (ProviderModel::AUTH_URL, &iam)] {
        if let Some(Err(msg)) = url.as_ref().map(|u| check_endpoint(&Value::from(u.as_str()))) {
            diags.error_at(AttributePath::attr(attr), "Invalid endpoint", msg);
        }
    }
    let max_retries = match max_retries_text {
        None => DEFAULT_MAX_RETRIES,
        Some(t) => match t.trim().parse::<f64>() {
            Ok(n) if n.fract() == 0.0 && (0.0..=100.0).contains(&n) => n as i64,
            _ => {
                diags.error_at(
                    AttributePath::attr(ProviderModel::MAX_RETRIES),
                    "Invalid max_retries",
                    format!("max_retries must be a whole number from 0 to 100, not {t:?}."),
                );
                DEFAULT_MAX_RETRIES
            }
        },
    };
    let request_timeout = match m.request_timeout.as_deref() {
        None => DEFAULT_REQUEST_TIMEOUT,
        Some(s) => match check_request_timeout(&Value::from(s)).and_then(|()| duration::parse(s).map_err(String::from))
        {
            Ok(d) => d,
            Err(e) => {
                diags.error_at(AttributePath::attr(ProviderModel::REQUEST_TIMEOUT), "Invalid request_timeout", e);
                DEFAULT_REQUEST_TIMEOUT
            }
        },
    };
    let cacert_pem = cacert_file.and_then(|path| match read_ca_file(&path) {
        Ok(pem) => Some(pem),
        Err(e) => {
            diags.error_at(AttributePath::attr(ProviderModel::CACERT_FILE), "Cannot use cacert_file", e);
            None
        }
    });
    let identity_pem = match (cert_file, key_file) {
        (None, None) => None,
        (Some(cert), Some(key)) => match (read_pem(&cert, "CERTIFICATE"), read_pem(&key, "PRIVATE KEY")) {
            (Ok(mut pem), Ok(key)) => {
                pem.push(b'\n');
                pem.extend(key);
                Some(pem)
            }
            (Err(e), _) | (_, Err(e)) => {
                diags.error_at(AttributePath::attr(ProviderModel::CERT), "Cannot use the client certificate", e);
                None
            }
        },
        (cert, _) => {
            let missing = if cert.is_some() { ProviderModel::KEY } else { ProviderModel::CERT };
            diags.error_at(
                AttributePath::attr(missing),
                format!("Missing provider setting {missing}"),
                "A client certificate needs both cert and key (OS_CERT, OS_KEY).",
            );
            None
        }
    };
    let default_tags = m.default_tags.clone().unwrap_or_default();
    let ignore_tags = ignore_tags(m.ignore_tags.clone().unwrap_or_default(), &default_tags, diags);
    let oidc_setting = oidc(m.assume_role_with_oidc.iter().flatten().next(), env, diags);
    let mut agencies = match &oidc_setting {
        Some((_, agency)) => vec![agency.clone()],
        None => agencies(m.assume_role.as_deref().unwrap_or_default(), env, diags),
    };
    // A profile's agency, when no assume_role names one (the profile overrides, as in
    // the official provider's hc_config.go).
    if agencies.is_empty() {
        agencies.extend(profile_agency);
    }
    if diags.has_errors() {
        return None;
    }
    let region = Region::from(region?);
    let cloud = cloud.unwrap_or_else(|| default_cloud(&region).to_string());
    let endpoint_origin = match &modelarts {
        Some(_) if map.contains_key("modelarts") && origin(&m.endpoint, ProviderModel::ENDPOINT).is_empty() => {
            "The endpoint comes from `endpoints.modelarts` in the provider block.".to_string()
        }
        Some(_) => format!("The endpoint comes from {}.", origin(&m.endpoint, ProviderModel::ENDPOINT)),
        None => format!(
            "The endpoint is the one of region {region:?} (from {}) on {cloud}: check the region's name (they read like cn-north-4), or set endpoints.modelarts (or endpoint, HW_MODELARTS_ENDPOINT) to use another endpoint.",
            origin(&m.region, ProviderModel::REGION)
        ),
    };
    let endpoints = Endpoints { cloud, modelarts, iam, sts: map.get("sts").cloned() };
    Some(Settings {
        endpoint: endpoints.modelarts_for(&region),
        region,
        project_id,
        project_name,
        domain_id,
        domain_name,
        access_key: access_key.unwrap_or_default(),
        secret_key: secret_key.unwrap_or_default(),
        security_token,
        metadata_url,
        tried,
        endpoints,
        insecure,
        cacert_pem,
        identity_pem,
        max_retries: max_retries as u32,
        request_timeout,
        endpoint_origin,
        default_tags,
        ignore_tags,
        max_requests_per_second: m.max_requests_per_second.filter(|rate| *rate > 0.0),
        enterprise_project_id,
        credentials_origin,
        sign_in,
        agencies,
        oidc: oidc_setting.map(|(o, _)| o),
        algorithm: match signing_algorithm.as_deref() {
            Some("HmacSM3") => crate::client::signer::Algorithm::HmacSm3,
            _ => crate::client::signer::Algorithm::HmacSha256,
        },
    })
}

/// The CA certificates of `cacert_file`, PEM with at least one certificate.
fn read_ca_file(path: &str) -> Result<Vec<u8>, String> {
    read_pem(path, "CERTIFICATE")
}

/// A PEM file (`~` expanded) holding at least one block whose label ends in `label`
/// (`CERTIFICATE`; `PRIVATE KEY` for `RSA PRIVATE KEY`, `EC PRIVATE KEY`, ...).
fn read_pem(path: &str, label: &str) -> Result<Vec<u8>, String> {
    let expanded = match path.strip_prefix("~/") {
        Some(rest) => crate::platform::home_dir().map_or_else(|| PathBuf::from(path), |h| h.join(rest)),
        None => PathBuf::from(path),
    };
    let pem = std::fs::read(&expanded).map_err(|e| format!("{}: {e}", expanded.display()))?;
    let text = String::from_utf8_lossy(&pem);
    let has_block =
        text.lines().any(|l| l.starts_with("-----BEGIN ") && l.trim_end().ends_with(&format!("{label}-----")));
    if !has_block {
        return Err(format!("{} holds no PEM {label} (-----BEGIN … {label}-----).", expanded.display()));
    }
    Ok(pem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::config::schema;

    fn cfg(pairs: &[(&str, Value)]) -> Value {
        let s = schema();
        let names = s.block.attributes.iter().map(|a| a.name).chain(s.block.blocks.iter().map(|b| b.name));
        let mut v = Value::object(names.map(|n| (n, Value::Null)));
        for (k, x) in pairs {
            v.set_attr(k, x.clone());
        }
        v
    }

    fn keys() -> Vec<(&'static str, Value)> {
        vec![("access_key", "AK".into()), ("secret_key", "SK".into())]
    }

    #[test]
    fn config_overrides_env_and_env_fills_gaps_hw_before_os() {
        let env = |k: &str| match k {
            "HW_REGION_NAME" => Some("cn-north-4".to_string()),
            "OS_REGION_NAME" => Some("ignored".to_string()),
            "OS_PROJECT_ID" => Some("os-project".to_string()),
            "HW_ACCESS_KEY" => Some("AK".to_string()),
            "OS_SECRET_KEY" => Some("SK".to_string()),
            "HW_MAX_RETRIES" => Some("7".to_string()),
            _ => None,
        };
        let mut d = Diagnostics::new();
        let s = resolve(&cfg(&[]), &env, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!((s.region.as_str(), s.project_id.as_deref()), ("cn-north-4", Some("os-project")));
        assert_eq!((s.access_key.as_str(), s.secret_key.as_str()), ("AK", "SK"));
        assert_eq!(s.endpoint, "https://modelarts.cn-north-4.myhuaweicloud.com");
        assert_eq!(s.max_retries, 7);
        assert_eq!(s.request_timeout, Duration::from_secs(60));
        assert_eq!(
            s.endpoint_origin,
            "The endpoint is the one of region \"cn-north-4\" (from HW_REGION_NAME) on myhuaweicloud.com: check the region's name (they read like cn-north-4), or set endpoints.modelarts (or endpoint, HW_MODELARTS_ENDPOINT) to use another endpoint."
        );
        assert!(!format!("{s:?}").contains("SK\""));
        let s = resolve(&cfg(&[("project_id", "p1".into())]), &env, &mut d).unwrap();
        assert_eq!(s.project_id.as_deref(), Some("p1"));
    }

    #[test]
    fn the_official_block_ports_eu_endpoints_and_the_endpoints_map() {
        let mut pairs = keys();
        pairs.push(("region", "eu-west-101".into()));
        let mut d = Diagnostics::new();
        let s = resolve(&cfg(&pairs), &|_| None, &mut d).unwrap();
        assert_eq!(s.endpoint, "https://modelarts.eu-west-101.myhuaweicloud.eu");
        assert_eq!(s.endpoints.iam_for(&Region::new("eu-west-101")), "https://iam.eu-west-101.myhuaweicloud.eu/v3");
        assert_eq!(s.project_id, None, "looked up through IAM");
        pairs.push((
            "endpoints",
            Value::Map([("modelarts".to_string(), Value::from("modelarts.private.example.com"))].into()),
        ));
        pairs.push(("auth_url", "https://iam.private.example.com/v3".into()));
        pairs.push(("enterprise_project_id", "0".into()));
        let s = resolve(&cfg(&pairs), &|_| None, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.endpoint, "https://modelarts.private.example.com");
        assert_eq!(s.endpoints.iam_for(&Region::new("eu-west-101")), "https://iam.private.example.com/v3");
        assert!(s.endpoint_origin.contains("endpoints.modelarts"), "{}", s.endpoint_origin);
        // endpoint is an alias: the same value is fine, another is an error.
        let mut same = pairs.clone();
        same.push(("endpoint", "https://modelarts.private.example.com/".into()));
        assert!(resolve(&cfg(&same), &|_| None, &mut d).is_some() && d.is_empty());
        let mut other = pairs.clone();
        other.push(("endpoint", "https://elsewhere.example.com".into()));
        assert!(resolve(&cfg(&other), &|_| None, &mut d).is_none());
        assert_eq!(d.0[0].path, Some(AttributePath::attr("endpoint")));
        assert!(d.0[0].detail.contains("set one of them"));
    }

    #[test]
    fn missing_settings_name_attribute_and_env_vars() {
        // A key without its secret: the other one is named.
        let mut d = Diagnostics::new();
        assert!(resolve(&cfg(&[("region", "r".into()), ("access_key", "AK".into())]), &|_| None, &mut d).is_none());
        let text: Vec<String> = d.iter().map(|x| x.to_string()).collect();
        assert_eq!(d.0.len(), 1, "{text:?}");
        assert!(text.iter().any(|t| t.contains("secret_key") && t.contains("HW_SECRET_KEY or OS_SECRET_KEY")));
        assert_eq!(d.0[0].path, Some(AttributePath::attr("secret_key")));
        // No keys at all: the metadata service, and what was tried before it.
        let mut d = Diagnostics::new();
        let env = |k: &str| (k == "HW_METADATA_URL").then(|| "http://127.0.0.1:9".to_string());
        let s = resolve(&cfg(&[("region", "r".into())]), &env, &mut d).unwrap();
        assert_eq!(s.metadata_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(s.tried.len(), 4, "token, keys, password, profile: {:?}", s.tried);
        // No region: named.
        assert!(resolve(&cfg(&[]), &|_| None, &mut d).is_none());
        assert_eq!(d.0[0].path, Some(AttributePath::attr("region")));
    }

    #[test]
    fn a_signing_algorithm_not_implemented_and_a_bad_ca_file_are_refused() {
        let mut pairs = keys();
        pairs.push(("region", "r".into()));
        pairs.push(("signing_algorithm", "SM2SM3".into()));
        pairs.push(("cacert_file", "/nonexistent/ca.pem".into()));
        let mut d = Diagnostics::new();
        assert!(resolve(&cfg(&pairs), &|_| None, &mut d).is_none());
        let paths: Vec<String> = d.iter().filter_map(|x| x.path.as_ref().map(|p| p.to_string())).collect();
        assert_eq!(paths, ["signing_algorithm", "cacert_file"]);
    }

    #[test]
    fn a_setting_not_known_yet_is_reported_at_its_attribute_not_read_as_unset() {
        // Each would otherwise be read as unset: the environment's region, no
        // endpoints, the default timeout, no ignored tags.
        let mut pairs = keys();
        pairs.push(("region", Value::Unknown));
        pairs.push(("endpoints", Value::Unknown));
        pairs.push(("request_timeout", Value::Unknown));
        pairs.push(("ignore_tags", Value::List(vec!["team".into(), Value::Unknown])));
        let env = |k: &str| (k == "HW_REGION_NAME").then(|| "cn-north-4".to_string());
        let mut d = Diagnostics::new();
        assert!(resolve(&cfg(&pairs), &env, &mut d).is_none());
        let paths: Vec<String> = d.iter().filter_map(|x| x.path.as_ref().map(|p| p.to_string())).collect();
        assert_eq!(paths, ["endpoints", "ignore_tags", "region", "request_timeout"]);
        assert!(d.iter().all(|x| x.summary.ends_with("is not known yet")), "{d:?}");
    }
}
