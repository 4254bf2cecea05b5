//! The `provider "modelarts"` block: its schema, and how configuration and the
//! official Huawei Cloud provider's environment variables combine into settings.

use std::time::Duration;

use crate::duration;
use crate::framework::validators::{Check, IntRange};
use std::collections::BTreeMap;

use crate::framework::{Attribute, Block, NestedBlock, Schema};
use crate::protocol::{AttributePath, Diagnostics, Type, Value};

/// Retries of a failed API call when `max_retries` is not set.
pub const DEFAULT_MAX_RETRIES: i64 = 5;
/// How long one API call may take when `request_timeout` is not set.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_REQUEST_TIMEOUT: Duration = Duration::from_secs(3600);

fn check_request_timeout(v: &Value) -> Result<(), String> {
    let Some(s) = v.as_str() else { return Ok(()) };
    let d = duration::parse(s)?;
    if d < Duration::from_secs(1) || d > MAX_REQUEST_TIMEOUT {
        return Err(format!("{s:?} is outside the allowed 1s to 1h"));
    }
    Ok(())
}

/// Every attribute of the provider block, with the environment variable it falls back to.
pub const ENV_FALLBACKS: &[(&str, &str)] = &[
    ("region", "HW_REGION_NAME"),
    ("project_id", "HW_PROJECT_ID"),
    ("access_key", "HW_ACCESS_KEY"),
    ("secret_key", "HW_SECRET_KEY"),
    ("security_token", "HW_SECURITY_TOKEN"),
    ("endpoint", "HW_MODELARTS_ENDPOINT"),
];

/// The provider block's schema.
pub fn schema() -> Schema {
    Schema::new(
        0,
        Block::new("The ModelArts provider manages Huawei Cloud ModelArts notebook instances. Every setting can also come from the environment variables of the official Huawei Cloud provider.")
            .attr(Attribute::string("region").optional().describe("Region of the ModelArts service, e.g. `cn-north-4`. Falls back to `HW_REGION_NAME`."))
            .attr(Attribute::string("project_id").optional().describe("ID of the project the notebooks belong to. Falls back to `HW_PROJECT_ID`."))
            .attr(Attribute::string("access_key").optional().describe("Access key (AK) used to sign requests. Falls back to `HW_ACCESS_KEY`."))
            .attr(Attribute::string("secret_key").optional().sensitive().describe("Secret key (SK) used to sign requests. Falls back to `HW_SECRET_KEY`."))
            .attr(Attribute::string("security_token").optional().sensitive().describe("Security token of temporary credentials, sent as `X-Security-Token`. Falls back to `HW_SECURITY_TOKEN`."))
            .attr(
                Attribute::string("endpoint")
                    .optional()
                    .describe("Base URL of the ModelArts API (scheme, host and optional port), e.g. a private cloud's or the local `modelarts-sim`; `{region}` in it is replaced by the region (that of a resource with a `region` of its own too). Falls back to `HW_MODELARTS_ENDPOINT`; defaults to `https://modelarts.{region}.myhuaweicloud.com`. A region other than the provider's has its project looked up by name through IAM, at this endpoint when it is set and at `https://iam.myhuaweicloud.com` otherwise.")
                    .validate(Check { check: check_endpoint, description: "an `http://` or `https://` URL" }),
            )
            .attr(Attribute::bool("insecure").optional().describe("Skip TLS certificate verification of the endpoint. Defaults to `false`."))
            .attr(
                Attribute::string("request_timeout")
                    .optional()
                    .describe("How long one API request may take, from connecting until the last byte of the answer, such as `\"60s\"` or `\"2m\"`. An answer that trickles in slower is abandoned (and retried when that is safe). Defaults to `60s`.")
                    .validate(Check { check: check_request_timeout, description: "a duration from `1s` to `1h`" }),
            )
            .attr(
                Attribute::number("max_retries")
                    .optional()
                    .describe("How many times a throttled (429), unavailable (502, 503, 504) or unreachable request is retried. Defaults to `5`.")
                    .validate(IntRange(0, 100)),
            )
            .attr(
                Attribute::number("max_requests_per_second")
                    .optional()
                    .describe("Never send more than this many API requests a second, for an account whose rate limit is known. Without it the provider paces itself: after the API throttles a request (HTTP 429), every request slows down and the rate recovers gradually.")
                    .validate(Check { check: check_rate, description: "a positive number of requests a second" }),
            )
            .block(NestedBlock::single(
                "default_tags",
                Block::new("Tags every notebook of this provider gets, as the AWS provider's `default_tags`: merged under each notebook's own `tags` (a notebook's tag wins over a default tag of the same key); each notebook's `tags_all` shows the result.")
                    .attr(
                        Attribute::of_type("tags", Type::map(Type::String))
                            .optional()
                            .describe("The default tags. The API's rules for keys and values apply, as for a notebook's `tags`.")
                            .validate(Check { check: crate::provider::notebook::tags::check_tags, description: "tags the API accepts" }),
                    ),
            )),
    )
}

fn check_rate(v: &Value) -> Result<(), String> {
    match v {
        Value::Number(n) if !(n.as_f64() > 0.0 && n.as_f64() <= 100_000.0) => {
            Err(format!("{} is not a rate: give a number of requests a second above 0", n.as_f64()))
        }
        _ => Ok(()),
    }
}

/// The `default_tags` block's tags (none when absent; unknown ones are reported).
fn default_tags(config: &Value, diags: &mut Diagnostics) -> BTreeMap<String, String> {
    let tags = config.attr("default_tags").attr("tags");
    if !tags.is_wholly_known() {
        diags.error_at(
            AttributePath::attr("default_tags").then_attr("tags"),
            "Provider attribute default_tags is not known yet",
            "The provider block's settings must be known before planning; they cannot depend on resources that do not exist yet.",
        );
        return BTreeMap::new();
    }
    match tags {
        Value::Map(m) => m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect(),
        _ => BTreeMap::new(),
    }
}

/// Resolved provider settings. Debug output hides the secrets.
#[derive(Clone)]
pub struct Settings {
    /// The region (`region` or `HW_REGION_NAME`).
    pub region: String,
    /// The project in that region (`project_id` or `HW_PROJECT_ID`).
    pub project_id: String,
    /// The access key (`access_key` or `HW_ACCESS_KEY`).
    pub access_key: String,
    /// The secret key (`secret_key` or `HW_SECRET_KEY`); never logged.
    pub secret_key: String,
    /// The security token of temporary credentials (`security_token` or `HW_SECURITY_TOKEN`); never logged.
    pub security_token: Option<String>,
    /// The API's base URL for the region.
    pub endpoint: String,
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// Retries of a failed API call.
    pub max_retries: u32,
    /// How long one API call may take.
    pub request_timeout: Duration,
    /// Which setting chose the endpoint, for errors that cannot reach it.
    pub endpoint_origin: String,
    /// The endpoint as configured, `{region}` not yet filled in (`None`: the
    /// regions' public endpoints).
    pub endpoint_template: Option<String>,
    /// Tags every notebook gets (`default_tags`).
    pub default_tags: BTreeMap<String, String>,
    /// The most requests a second (`max_requests_per_second`).
    pub max_requests_per_second: Option<f64>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("security_token", &self.security_token.as_ref().map(|_| "<redacted>"))
            .field("endpoint", &self.endpoint)
            .field("insecure", &self.insecure)
            .field("max_retries", &self.max_retries)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

/// Checks an `endpoint` value: an https (or, for a simulator, http) URL with a host.
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

/// Combines the configuration with the environment (`env` looks a variable up).
/// Unknown values (from resources not yet created) are reported: the provider must
/// be configured with known values.
pub fn resolve(config: &Value, env: &dyn Fn(&str) -> Option<String>, diags: &mut Diagnostics) -> Option<Settings> {
    let mut get = |attr: &str| -> Option<String> {
        let v = config.attr(attr);
        if v.is_unknown() {
            diags.error_at(
                AttributePath::attr(attr),
                format!("Provider attribute {attr} is not known yet"),
                "The provider block's settings must be known before planning; they cannot depend on resources that do not exist yet.",
            );
            return None;
        }
        let env_name = ENV_FALLBACKS.iter().find(|(a, _)| *a == attr).map(|(_, e)| *e);
        v.as_str().map(str::to_string).or_else(|| env_name.and_then(env)).filter(|s| !s.trim().is_empty())
    };
    let region = get("region");
    let project_id = get("project_id");
    let access_key = get("access_key");
    let secret_key = get("secret_key");
    let security_token = get("security_token");
    let endpoint = get("endpoint");
    for (attr, value) in
        [("region", &region), ("project_id", &project_id), ("access_key", &access_key), ("secret_key", &secret_key)]
    {
        if value.is_none() && !config.attr(attr).is_unknown() {
            let env = ENV_FALLBACKS.iter().find(|(a, _)| *a == attr).map_or("", |(_, e)| *e);
            diags.error_at(
                AttributePath::attr(attr),
                format!("Missing provider setting {attr}"),
                format!("Set {attr} in the provider \"modelarts\" block, or the environment variable {env}."),
            );
        }
    }
    if let Some(e) = &endpoint {
        if let Err(msg) = check_endpoint(&Value::from(e.as_str())) {
            diags.error_at(AttributePath::attr("endpoint"), "Invalid endpoint", msg);
        }
    }
    let max_retries = match config.attr("max_retries") {
        Value::Null => DEFAULT_MAX_RETRIES,
        v => match v.as_i64() {
            Some(n) if (0..=100).contains(&n) => n,
            _ => {
                diags.error_at(
                    AttributePath::attr("max_retries"),
                    "Invalid max_retries",
                    "max_retries must be a whole number from 0 to 100.",
                );
                DEFAULT_MAX_RETRIES
            }
        },
    };
    let default_tags = default_tags(config, diags);
    let request_timeout = match config.attr("request_timeout").as_str() {
        None => DEFAULT_REQUEST_TIMEOUT,
        Some(s) => match check_request_timeout(&Value::from(s)).and_then(|()| duration::parse(s).map_err(String::from))
        {
            Ok(d) => d,
            Err(e) => {
                diags.error_at(AttributePath::attr("request_timeout"), "Invalid request_timeout", e);
                DEFAULT_REQUEST_TIMEOUT
            }
        },
    };
    if diags.has_errors() {
        return None;
    }
    let region = region?;
    let from = |attr: &str, env: &str| {
        if config.attr(attr).as_str().is_some() {
            format!("`{attr}` in the provider block")
        } else {
            env.to_string()
        }
    };
    let endpoint_origin = match &endpoint {
        Some(_) => format!("The endpoint comes from {}.", from("endpoint", "HW_MODELARTS_ENDPOINT")),
        None => format!(
            "The endpoint is the one of region {region:?} (from {}): check the region's name (they read like cn-north-4), or set `endpoint` or HW_MODELARTS_ENDPOINT to use another endpoint.",
            from("region", "HW_REGION_NAME")
        ),
    };
    let endpoint_template = endpoint.map(|e| e.trim_end_matches('/').to_string());
    let endpoint = match &endpoint_template {
        Some(t) => t.replace("{region}", &region),
        None => format!("https://modelarts.{region}.myhuaweicloud.com"),
    };
    Some(Settings {
        region,
        project_id: project_id?,
        access_key: access_key?,
        secret_key: secret_key?,
        security_token,
        endpoint,
        insecure: config.attr("insecure").as_bool().unwrap_or(false),
        max_retries: max_retries as u32,
        request_timeout,
        endpoint_origin,
        endpoint_template,
        default_tags,
        max_requests_per_second: match config.attr("max_requests_per_second") {
            Value::Number(n) if n.as_f64() > 0.0 => Some(n.as_f64()),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, Value)]) -> Value {
        let s = schema();
        let names = s.block.attributes.iter().map(|a| a.name).chain(s.block.blocks.iter().map(|b| b.name));
        let mut v = Value::object(names.map(|n| (n, Value::Null)));
        for (k, x) in pairs {
            v.set_attr(k, x.clone());
        }
        v
    }

    #[test]
    fn config_overrides_env_and_env_fills_gaps() {
        let env = |k: &str| match k {
            "HW_REGION_NAME" => Some("cn-north-4".to_string()),
            "HW_PROJECT_ID" => Some("env-project".to_string()),
            "HW_ACCESS_KEY" => Some("AK".to_string()),
            "HW_SECRET_KEY" => Some("SK".to_string()),
            _ => None,
        };
        let mut d = Diagnostics::new();
        let s = resolve(&cfg(&[("project_id", "p1".into())]), &env, &mut d).unwrap();
        assert!(d.is_empty());
        assert_eq!(s.project_id, "p1");
        assert_eq!(s.region, "cn-north-4");
        assert_eq!(s.endpoint, "https://modelarts.cn-north-4.myhuaweicloud.com");
        assert_eq!(s.max_retries, 5);
        assert_eq!(s.request_timeout, Duration::from_secs(60));
        assert_eq!(
            s.endpoint_origin,
            "The endpoint is the one of region \"cn-north-4\" (from HW_REGION_NAME): check the region's name (they read like cn-north-4), or set `endpoint` or HW_MODELARTS_ENDPOINT to use another endpoint."
        );
        assert!(!format!("{s:?}").contains("SK\""));
    }

    #[test]
    fn missing_settings_name_attribute_and_env_var() {
        let mut d = Diagnostics::new();
        assert!(resolve(&cfg(&[("region", "r".into())]), &|_| None, &mut d).is_none());
        let text: Vec<String> = d.iter().map(|x| x.to_string()).collect();
        assert_eq!(d.0.len(), 3, "{text:?}");
        assert!(text.iter().any(|t| t.contains("secret_key") && t.contains("HW_SECRET_KEY")));
        assert_eq!(d.0[0].path, Some(AttributePath::attr("project_id")));
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
}
