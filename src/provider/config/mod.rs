//! The `provider "modelarts"` block: its schema — the official Huawei Cloud
//! provider's arguments under the same names, with the same environment variables
//! (`HW_*`, then `OS_*`), so its block ports by renaming — and how configuration and
//! environment combine into [`Settings`].
//!
//! - `settings`: the block decoded into `ProviderModel` (once every value is known),
//!   then each setting resolved with its environment fallbacks;
//! - `profile`: KooCLI's shared config file;
//! - `endpoints`: where each service answers (`cloud`, `auth_url`, `endpoints`).

pub mod endpoints;
mod profile;
mod settings;
mod signin;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::duration;
use crate::framework::validators::{Check, IntRange, OneOf};
use crate::framework::{Attribute, Block, NestedBlock, Schema};
use crate::protocol::{Type, Value};

pub use settings::{resolve, Settings};
pub use signin::IamSignIn;

/// The provider block, decoded once every value in it is known (an unknown one is
/// reported at its attribute first: the provider is configured with known values
/// only, so `Option` loses nothing here). It names every attribute once
/// (`ProviderModel::REGION`); `settings` resolves each with its environment
/// fallbacks ([`ENV_FALLBACKS`]).
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct ProviderModel {
    region: Option<String>,
    access_key: Option<String>,
    secret_key: Option<String>,
    security_token: Option<String>,
    token: Option<String>,
    user_name: Option<String>,
    user_id: Option<String>,
    password: Option<String>,
    project_id: Option<String>,
    project_name: Option<String>,
    domain_id: Option<String>,
    domain_name: Option<String>,
    shared_config_file: Option<String>,
    profile: Option<String>,
    auth_url: Option<String>,
    cloud: Option<String>,
    insecure: Option<bool>,
    cacert_file: Option<String>,
    cert: Option<String>,
    key: Option<String>,
    enterprise_project_id: Option<String>,
    signing_algorithm: Option<String>,
    endpoints: Option<BTreeMap<String, String>>,
    endpoint: Option<String>,
    request_timeout: Option<String>,
    max_retries: Option<i64>,
    max_requests_per_second: Option<f64>,
    /// Blocks are empty lists in a configuration; `None` where a caller sends null.
    assume_role: Option<Vec<AssumeRoleModel>>,
    assume_role_with_oidc: Option<Vec<OidcModel>>,
    ignore_tags: Option<Vec<String>>,
    default_tags: Option<BTreeMap<String, String>>,
}

/// An `assume_role` block.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct AssumeRoleModel {
    agency_name: String,
    domain_name: Option<String>,
    domain_id: Option<String>,
    duration: Option<i64>,
}

/// The `assume_role_with_oidc` block.
#[derive(Clone, Debug, Default, tfplugin::Model)]
pub(crate) struct OidcModel {
    agency_name: String,
    domain_id: String,
    duration: Option<i64>,
    idp_id: String,
    id_token: Option<String>,
    id_token_file: Option<String>,
}

/// Retries of a failed API call when `max_retries` is not set.
pub const DEFAULT_MAX_RETRIES: i64 = 5;
/// How long one API call may take when `request_timeout` is not set.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_REQUEST_TIMEOUT: Duration = Duration::from_secs(3600);

/// The signing algorithms of the official provider (`signing_algorithm`), and the
/// ones this provider signs with.
pub const SIGNING_ALGORITHMS: &[&str] = &["HmacSHA256", "HmacSM3", "EcdsaP256SHA256", "SM2SM3"];
/// The algorithms implemented here.
pub const SUPPORTED_SIGNING_ALGORITHMS: &[&str] = &["HmacSHA256", "HmacSM3"];

fn check_request_timeout(v: &Value) -> Result<(), String> {
    let Some(s) = v.as_str() else { return Ok(()) };
    let d = duration::parse(s)?;
    if d < Duration::from_secs(1) || d > MAX_REQUEST_TIMEOUT {
        return Err(format!("{s:?} is outside the allowed 1s to 1h"));
    }
    Ok(())
}

fn check_rate(v: &Value) -> Result<(), String> {
    match v {
        Value::Number(n) if !(n.as_f64() > 0.0 && n.as_f64() <= 100_000.0) => {
            Err(format!("{} is not a rate: give a number of requests a second above 0", n.as_f64()))
        }
        _ => Ok(()),
    }
}

fn check_signing_algorithm(v: &Value) -> Result<(), String> {
    match v.as_str() {
        Some(a) if SIGNING_ALGORITHMS.contains(&a) && !SUPPORTED_SIGNING_ALGORITHMS.contains(&a) => Err(format!(
            "{a:?} is an algorithm of the official provider that this provider does not sign with yet: use {}",
            SUPPORTED_SIGNING_ALGORITHMS.join(" or ")
        )),
        _ => Ok(()),
    }
}

/// Every attribute of the provider block, with the environment variables it falls
/// back to, in order (the official provider's: `HW_*` first, then `OS_*`).
pub const ENV_FALLBACKS: &[(&str, &[&str])] = &[
    (ProviderModel::REGION, &["HW_REGION_NAME", "OS_REGION_NAME"]),
    (ProviderModel::ACCESS_KEY, &["HW_ACCESS_KEY", "OS_ACCESS_KEY"]),
    (ProviderModel::SECRET_KEY, &["HW_SECRET_KEY", "OS_SECRET_KEY"]),
    (ProviderModel::SECURITY_TOKEN, &["HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN"]),
    (ProviderModel::TOKEN, &["HW_AUTH_TOKEN", "OS_AUTH_TOKEN"]),
    (ProviderModel::USER_NAME, &["HW_USER_NAME", "OS_USERNAME"]),
    (ProviderModel::USER_ID, &["HW_USER_ID", "OS_USER_ID"]),
    (ProviderModel::PASSWORD, &["HW_USER_PASSWORD", "OS_PASSWORD"]),
    (ProviderModel::PROJECT_ID, &["HW_PROJECT_ID", "OS_PROJECT_ID"]),
    (ProviderModel::PROJECT_NAME, &["HW_PROJECT_NAME", "OS_PROJECT_NAME"]),
    (ProviderModel::DOMAIN_ID, &["HW_DOMAIN_ID", "OS_DOMAIN_ID", "OS_USER_DOMAIN_ID", "OS_PROJECT_DOMAIN_ID"]),
    (
        ProviderModel::DOMAIN_NAME,
        &["HW_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME"],
    ),
    (ProviderModel::AUTH_URL, &["HW_AUTH_URL", "OS_AUTH_URL"]),
    (ProviderModel::CLOUD, &["HW_CLOUD"]),
    (ProviderModel::INSECURE, &["HW_INSECURE", "OS_INSECURE"]),
    (ProviderModel::CACERT_FILE, &["HW_CACERT_FILE", "OS_CACERT"]),
    (ProviderModel::CERT, &["HW_CERT", "OS_CERT"]),
    (ProviderModel::KEY, &["HW_KEY", "OS_KEY"]),
    (ProviderModel::MAX_RETRIES, &["HW_MAX_RETRIES"]),
    (ProviderModel::ENTERPRISE_PROJECT_ID, &["HW_ENTERPRISE_PROJECT_ID"]),
    (ProviderModel::SIGNING_ALGORITHM, &["HW_SIGNING_ALGORITHM"]),
    (ProviderModel::ENDPOINT, &["HW_MODELARTS_ENDPOINT"]),
    (ProviderModel::SHARED_CONFIG_FILE, &["HW_SHARED_CONFIG_FILE"]),
    (ProviderModel::PROFILE, &["HW_PROFILE"]),
];

/// Where a value came from: the block (`in_block`: the block sets it), or an
/// environment variable.
pub(super) fn origin(in_block: bool, attr: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    if in_block {
        return format!("`{attr}` in the provider block");
    }
    let names = ENV_FALLBACKS.iter().find(|(a, _)| *a == attr).map_or(&[][..], |(_, e)| *e);
    names.iter().find(|n| env(n).is_some_and(|v| !v.trim().is_empty())).map_or_else(String::new, |n| n.to_string())
}

/// The environment variables of `attr`, as the docs name them.
pub(crate) fn env_names(attr: &str) -> String {
    let names = ENV_FALLBACKS.iter().find(|(a, _)| *a == attr).map_or(&[][..], |(_, e)| *e);
    names.join(", then ")
}

/// An optional string argument with its environment fallbacks in the description.
fn arg(name: &'static str, what: &str) -> Attribute {
    let env = env_names(name);
    let text = if env.is_empty() { what.to_string() } else { format!("{what} Falls back to {env}.") };
    Attribute::string(name).optional().describe(text)
}

/// The provider block's schema.
pub fn schema() -> Schema {
    let endpoints = Attribute::of_type(ProviderModel::ENDPOINTS, Type::map(Type::String))
        .optional()
        .describe("Base URLs of the services, by service name, as in the official provider: `modelarts`, `iam` (as `auth_url`) and `sts` (the security token service of `assume_role` with a domain). `https://` is added to a value without a scheme; `{region}` is replaced by the region served.")
        .validate(Check { check: check_endpoints_map, description: "a map of service names to URLs" });
    let root = Block::new("The ModelArts provider manages Huawei Cloud ModelArts notebook instances. Its arguments are the official Huawei Cloud provider's, with the same environment variables (`HW_*`, then `OS_*`): a `provider \"huaweicloud\"` block ports by renaming it.")
        .attr(arg(ProviderModel::REGION, "Region of the ModelArts service, e.g. `cn-north-4`."))
        .attr(arg(ProviderModel::ACCESS_KEY, "Access key (AK) used to sign requests; set together with `secret_key`."))
        .attr(arg(ProviderModel::SECRET_KEY, "Secret key (SK) used to sign requests.").sensitive())
        .attr(arg(ProviderModel::SECURITY_TOKEN, "Security token of temporary keys, sent as `X-Security-Token`.").sensitive())
        .attr(arg(ProviderModel::TOKEN, "An IAM token (`X-Subject-Token` of IAM's token call) sent as `X-Auth-Token` instead of signing; it wins over keys and password, as in the official provider. A token is scoped to one project and lives 24 hours: it serves the provider's region only, and is not renewed.").sensitive())
        .attr(arg(ProviderModel::USER_NAME, "Sign in as this IAM user with `password` when no keys are set (the official provider's order: `token`, keys, password, then the instance metadata service). Needs the account: `domain_name` or `domain_id`."))
        .attr(arg(ProviderModel::USER_ID, "Sign in as the IAM user of this ID with `password` (instead of `user_name`)."))
        .attr(arg(ProviderModel::PASSWORD, "The password of `user_name` or `user_id`: IAM gives a token for each project served, sent as `X-Auth-Token` and fetched again before it expires. Accounts with login protection (MFA) need keys instead.").sensitive())
        .attr(arg(ProviderModel::PROJECT_ID, "ID of the project the notebooks belong to. When omitted, the project named `project_name` (else the region) is looked up through IAM (`auth_url`) once per region."))
        .attr(arg(ProviderModel::PROJECT_NAME, "Name of the project to look up when `project_id` is not set; the region's name when omitted (the region's default project)."))
        .attr(arg(ProviderModel::DOMAIN_ID, "ID of the account (domain). Used by `assume_role` with a domain, as in the official provider."))
        .attr(arg(ProviderModel::DOMAIN_NAME, "Name of the account (domain): with `user_name`, the account the user belongs to."))
        .attr(arg(ProviderModel::SHARED_CONFIG_FILE, "KooCLI's shared config file (`~` is the home directory). Read when it or `profile` is set; `~/.hcloud/config.json` (`%USERPROFILE%\\.hcloud\\config.json` on Windows) when only `profile` is. The profile's keys replace `access_key`, `secret_key` and `security_token`; its region, project and account override when set. Keys must be stored unencrypted (`hcloud configure set --cli-auth-encrypt=false`), as for the official provider."))
        .attr(arg(ProviderModel::PROFILE, "The profile of the shared config file to use; the file's `current` profile when omitted. Profiles in mode `AKSK` and `SSO` are read, and a profile's agency (`agencyName`) is assumed with its keys; an `ecsAgency` profile takes its keys from the instance metadata service."))
        .attr(arg(ProviderModel::AUTH_URL, "The IAM endpoint, e.g. `https://iam.cn-north-4.myhuaweicloud.com/v3`: where projects are looked up. Defaults to `https://iam.{region}.{cloud}/v3`.").validate(Check { check: check_endpoint, description: "an `http://` or `https://` URL" }))
        .attr(arg(ProviderModel::CLOUD, "The domain of the public endpoints: `myhuaweicloud.com`, or `myhuaweicloud.eu` when the region begins with `eu-west-1` (the European site, e.g. `eu-west-101`)."))
        .attr(Attribute::bool(ProviderModel::INSECURE).optional().describe(format!("Skip TLS certificate verification of every endpoint. Defaults to `false`. Falls back to {}.", env_names(ProviderModel::INSECURE))))
        .attr(arg(ProviderModel::CACERT_FILE, "A PEM file of CA certificates to trust besides the system's (a private cloud's CA, or an inspecting proxy's)."))
        .attr(arg(ProviderModel::CERT, "A PEM file of the client certificate to present to endpoints that ask for one (mutual TLS); set together with `key`."))
        .attr(arg(ProviderModel::KEY, "A PEM file of the client certificate's private key; set together with `cert`."))
        .attr(arg(ProviderModel::ENTERPRISE_PROJECT_ID, "The official provider's default enterprise project. Accepted so its block ports, and unused: the notebook API has no enterprise project."))
        .attr(arg(ProviderModel::SIGNING_ALGORITHM, "How requests are signed: `HmacSHA256` (the default, `SDK-HMAC-SHA256`) or `HmacSM3` (`SDK-HMAC-SM3`, SM3 in place of SHA-256). The official provider's `EcdsaP256SHA256` and `SM2SM3` are refused at plan time: this provider does not sign with them yet.").validate(OneOf(SIGNING_ALGORITHMS)).validate(Check { check: check_signing_algorithm, description: "a signing algorithm this provider supports" }))
        .attr(endpoints)
        .attr(
            arg(ProviderModel::ENDPOINT, "Base URL of the ModelArts API (scheme, host and optional port), e.g. a private cloud's or the local `modelarts-sim`; `{region}` is replaced by the region. The same as `endpoints.modelarts` (set one of them, or both alike). Defaults to `https://modelarts.{region}.{cloud}`.")
                .validate(Check { check: check_endpoint, description: "an `http://` or `https://` URL" }),
        )
        .attr(
            Attribute::string(ProviderModel::REQUEST_TIMEOUT)
                .optional()
                .describe("How long one API request may take, from connecting until the last byte of the answer, such as `\"60s\"` or `\"2m\"`. An answer that trickles in slower is abandoned (and retried when that is safe). Defaults to `60s`.")
                .validate(Check { check: check_request_timeout, description: "a duration from `1s` to `1h`" }),
        )
        .attr(
            Attribute::number(ProviderModel::MAX_RETRIES)
                .optional()
                .describe(format!("How many times a throttled (429), unavailable (502, 503, 504) or unreachable request is retried (within an operation's timeout, such trouble is retried until the timeout). Defaults to `5`. Falls back to {}.", env_names(ProviderModel::MAX_RETRIES)))
                .validate(IntRange(0, 100)),
        )
        .attr(
            Attribute::number(ProviderModel::MAX_REQUESTS_PER_SECOND)
                .optional()
                .describe("Never send more than this many API requests a second, for an account whose rate limit is known. Without it the provider paces itself: after the API throttles a request (HTTP 429), every request slows down and the rate recovers gradually.")
                .validate(Check { check: check_rate, description: "a positive number of requests a second" }),
        )
        .block(NestedBlock::list(
            ProviderModel::ASSUME_ROLE,
            0,
            0,
            Block::new("Act through an agency: the keys configured (or the metadata service's) ask IAM for the agency's temporary keys, which sign every request and are fetched again before they expire. Several blocks form a chain, each assumed with the keys of the one before, as in the official provider. Without a block, HW_ASSUME_ROLE_AGENCY_NAME (with HW_ASSUME_ROLE_DOMAIN_NAME, HW_ASSUME_ROLE_DOMAIN_ID, HW_ASSUME_ROLE_DURATION) sets one.")
                .attr(Attribute::string(AssumeRoleModel::AGENCY_NAME).required().describe("The agency's name."))
                .attr(Attribute::string(AssumeRoleModel::DOMAIN_NAME).optional().describe("The account (domain) that created the agency, by name: IAM's `securitytokens` call is used."))
                .attr(Attribute::string(AssumeRoleModel::DOMAIN_ID).optional().describe("The account (domain) that created the agency, by ID: STS's `v5/agencies/assume` call is used (at `endpoints.sts`, by default `https://sts.{region}.{cloud}`)."))
                .attr(Attribute::number(AssumeRoleModel::DURATION).optional().describe("How long the agency's keys live, in seconds: 900 to 86400. When omitted, STS's default, or 12 hours from IAM (what the official provider always asks there).").validate(IntRange(900, 86_400))),
        ))
        .block(NestedBlock::list(
            ProviderModel::ASSUME_ROLE_WITH_OIDC,
            0,
            1,
            Block::new("Sign in with an OpenID Connect ID token, as CI systems issue them, instead of long-lived keys (as in the official provider): IAM exchanges the token (of identity provider `idp_id`) for temporary keys, with which the agency `agency_name` of account `domain_id` is then assumed. The keys are fetched again before they expire, the token file read again each time. Without a block, the HW_ASSUME_ROLE_* variables with HW_ASSUME_ROLE_IDP_ID set one.")
                .attr(Attribute::string(OidcModel::AGENCY_NAME).required().describe("The agency to act through."))
                .attr(Attribute::string(OidcModel::DOMAIN_ID).required().describe("The account (domain) that created the agency, by ID."))
                .attr(Attribute::number(OidcModel::DURATION).optional().describe("How long the agency's keys live, in seconds: 900 to 86400; STS's default when omitted.").validate(IntRange(900, 86_400)))
                .attr(Attribute::string(OidcModel::IDP_ID).required().describe("The ID of the identity provider configured in IAM."))
                .attr(Attribute::string(OidcModel::ID_TOKEN).optional().sensitive().describe("The ID token itself. Set exactly one of `id_token` and `id_token_file`."))
                .attr(Attribute::string(OidcModel::ID_TOKEN_FILE).optional().describe("A file holding the ID token (read again at every exchange). Set exactly one of `id_token` and `id_token_file`.")),
        ))
        .attr(
            Attribute::of_type(ProviderModel::IGNORE_TAGS, Type::list(Type::String))
                .optional()
                .describe("Tag keys managed by something else (a tag policy, a cost tool), as the official provider's `ignore_tags`: a notebook's tags with these keys are never read back (no drift), changed or deleted. A notebook's `tags` and `default_tags` may not name them (refused at plan time), so the provider never fights over a key."),
        )
        .attr(
            Attribute::of_type(ProviderModel::DEFAULT_TAGS, Type::map(Type::String))
                .optional()
                .describe("Tags every notebook of this provider gets, as the official provider's `default_tags` (a map): merged under each notebook's own `tags` (a notebook's tag wins over a default tag of the same key); each notebook's `tags_all` shows the result. The API's rules for keys and values apply, as for a notebook's `tags`.")
                .validate(Check { check: crate::provider::notebook::tags::check_tags, description: "tags the API accepts" }),
        );
    Schema::new(0, root)
}

/// The services `endpoints` may name.
pub const ENDPOINT_SERVICES: &[&str] = &["modelarts", "iam", "sts"];

fn check_endpoints_map(v: &Value) -> Result<(), String> {
    let Value::Map(m) = v else { return Ok(()) };
    for (service, url) in m {
        if !ENDPOINT_SERVICES.contains(&service.as_str()) {
            return Err(format!(
                "{service:?} is not a service this provider calls: it uses {}",
                ENDPOINT_SERVICES.join(", ")
            ));
        }
        if let Some(u) = url.as_str() {
            check_endpoint(&Value::from(endpoints::with_scheme(u).as_str())).map_err(|e| format!("{service}: {e}"))?;
        }
    }
    Ok(())
}

/// Checks an endpoint value: an https (or, for a simulator, http) URL with a host.
pub fn check_endpoint(v: &Value) -> Result<(), String> {
    let Some(s) = v.as_str() else { return Ok(()) };
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).ok_or_else(|| {
        format!("{s:?} is not a URL: it must start with https:// (or http:// for a local simulator).")
    })?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains('@') {
        return Err(format!("{s:?} has no valid host."));
    }
    if let Some((_, port)) = host.rsplit_once(':').filter(|_| !host.ends_with(']')) {
        if port.parse::<u16>().is_err() {
            return Err(format!("{s:?} has an invalid port {port:?}."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_and_the_schema_agree() {
        use crate::framework::{model::agree, TfType};
        assert_eq!(agree(&schema().ty(), &ProviderModel::tf_type()), Ok(()));
    }

    #[test]
    fn endpoint_must_be_a_url() {
        assert!(check_endpoint(&"http://127.0.0.1:8080".into()).is_ok());
        assert!(check_endpoint(&"https://modelarts.example.com/".into()).is_ok());
        assert!(check_endpoint(&"ftp://x".into()).is_err());
        assert!(check_endpoint(&"http://".into()).is_err());
        assert!(check_endpoint(&"http://host:99999".into()).is_err());
        assert!(check_endpoint(&"modelarts.example.com".into()).is_err());
    }

    #[test]
    fn the_endpoints_map_names_known_services() {
        let map = |k: &str, v: &str| Value::Map([(k.to_string(), Value::from(v))].into());
        assert!(check_endpoints_map(&map("modelarts", "modelarts.private.example.com")).is_ok(), "a scheme is added");
        assert!(check_endpoints_map(&map("ecs", "https://x")).unwrap_err().contains("modelarts, iam, sts"));
        assert!(check_endpoints_map(&map("iam", "https://host:99999")).is_err());
    }

    #[test]
    fn unsupported_signing_algorithms_are_named() {
        assert!(check_signing_algorithm(&"HmacSHA256".into()).is_ok());
        assert!(check_signing_algorithm(&"HmacSM3".into()).is_ok());
        assert!(check_signing_algorithm(&"SM2SM3".into()).unwrap_err().contains("does not sign with yet"));
    }
}
