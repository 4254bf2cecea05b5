//! Temporary keys from the instance metadata service of an ECS or CCE node with an
//! agency, as the official SDKs fetch them (Go SDK
//! `core/auth/internal/metadata_accessor.go`, Python SDK `auth/internal.py`):
//! `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds` gives a
//! session token (a 404, 405 or 503 means the service has none: go on without),
//! then `GET /openstack/latest/securitykey` gives
//! `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`. A 3-second
//! timeout per request, as the SDKs; no redirect is followed.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::{Method, Request};
use http_body_util::Full;
use serde::Deserialize;

use super::credentials::{KeySource, Keys, V3Credential};
use super::error::ApiError;
use crate::transport::{Failure, Fetched, Proxies, Roots, Settings, Transport};
use crate::DEFAULT_MAX_ANSWER_BYTES;

/// The metadata service's address on every ECS and CCE node.
pub const DEFAULT_METADATA_URL: &str = "http://169.254.169.254";
/// How long the session token may live, in seconds (the SDKs ask for 6 hours).
const TOKEN_TTL_SECS: &str = "21600";
/// Tries of each request before the service counts as unreachable.
const TRIES: u32 = 3;

/// The instance metadata service at a base URL.
#[derive(Debug)]
pub struct MetadataService {
    base: String,
    http: Transport,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SecurityKey {
    credential: Option<V3Credential>,
}

impl MetadataService {
    /// The service at `base` (e.g. [`DEFAULT_METADATA_URL`]).
    pub fn new(base: &str) -> Result<MetadataService, ApiError> {
        let base = base.trim_end_matches('/');
        // A link-local address: never through a proxy, and no roots to load for
        // the usual http:// one.
        let roots = match base.starts_with("https://") {
            true => Roots::Platform { extra: None },
            false => Roots::Only(None),
        };
        let http = Transport::new(Settings {
            roots,
            identity_pem: None,
            insecure: false,
            request_timeout: Duration::from_secs(3),
            connect_timeout: None,
            pool_idle: Duration::from_secs(90),
            user_agent: None,
            proxies: Proxies::Off,
        })
        .map_err(|e| ApiError::Credentials { detail: format!("cannot build an HTTP client: {e}") })?;
        Ok(MetadataService { base: base.to_string(), http })
    }

    fn unreachable(&self, what: &str, cause: String) -> ApiError {
        ApiError::Credentials {
            detail: format!(
                "the instance metadata service at {} could not give keys ({what}, {TRIES} tries): {cause}",
                self.base
            ),
        }
    }

    /// One request to the service at `path`; one that cannot be made (a base that is
    /// no URL, a token that is no header value) is an error no retry mends.
    fn request(
        &self,
        method: Method,
        path: &str,
        header: Option<(&str, &str)>,
    ) -> Result<Request<Full<Bytes>>, ApiError> {
        let what = format!("{method} {path}");
        let mut req = Request::builder().method(method).uri(format!("{}{path}", self.base));
        if let Some((name, value)) = header {
            req = req.header(name, value);
        }
        req.body(Full::default()).map_err(|e| ApiError::Credentials {
            detail: format!("the instance metadata service at {}: {what} cannot be sent: {e}", self.base),
        })
    }

    /// The session token, when the service gives one.
    async fn session_token(&self) -> Result<Option<String>, ApiError> {
        const PATH: &str = "/meta-data/latest/api/token";
        let mut last = String::new();
        for attempt in 0..TRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            let req = self.request(Method::PUT, PATH, Some(("X-Metadata-Token-Ttl-Seconds", TOKEN_TTL_SECS)))?;
            match self.http.fetch(req, DEFAULT_MAX_ANSWER_BYTES).await {
                Ok(r) if r.head.status.is_success() => {
                    let token = String::from_utf8_lossy(&r.body).trim().to_string();
                    return Ok(Some(token).filter(|t| !t.is_empty()));
                }
                // An answer whose body was lost: go on without a token, as before.
                Err(Failure::Body { status, .. } | Failure::TooLarge { status }) if status.is_success() => {
                    return Ok(None)
                }
                // Services without session tokens: the keys are read without one.
                Ok(Fetched { head, .. }) if matches!(head.status.as_u16(), 404 | 405 | 503) => return Ok(None),
                Err(Failure::Body { status, .. } | Failure::TooLarge { status })
                    if matches!(status.as_u16(), 404 | 405 | 503) =>
                {
                    return Ok(None)
                }
                Ok(r) => last = format!("HTTP {}", r.head.status.as_u16()),
                Err(e) => last = e.to_string(),
            }
        }
        Err(self.unreachable("PUT /meta-data/latest/api/token", last))
    }
}

#[async_trait]
impl KeySource for MetadataService {
    async fn fetch(&self) -> Result<Keys, ApiError> {
        let token = self.session_token().await?;
        const PATH: &str = "/openstack/latest/securitykey";
        let mut last = String::new();
        for attempt in 0..TRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            let req = self.request(Method::GET, PATH, token.as_deref().map(|t| ("X-Metadata-Token", t)))?;
            let body = match self.http.fetch(req, DEFAULT_MAX_ANSWER_BYTES).await {
                Ok(r) if r.head.status.is_success() => r.body,
                Ok(r) => {
                    last = format!("HTTP {}", r.head.status.as_u16());
                    continue;
                }
                Err(e @ (Failure::Body { status, .. } | Failure::TooLarge { status })) if status.is_success() => {
                    return Err(self.unreachable("GET /openstack/latest/securitykey", e.to_string()))
                }
                Err(e) => {
                    last = e.to_string();
                    continue;
                }
            };
            let parsed: SecurityKey = serde_json::from_slice(&body).map_err(|e| ApiError::Credentials {
                detail: format!(
                    "the instance metadata service at {} answered keys that cannot be read: {e}",
                    self.base
                ),
            })?;
            return parsed.credential.unwrap_or_default().into_keys().ok_or_else(|| ApiError::Credentials {
                detail: format!(
                    "the instance metadata service at {} gave no keys: does this node have an agency?",
                    self.base
                ),
            });
        }
        Err(self.unreachable("GET /openstack/latest/securitykey", last))
    }

    fn describe(&self) -> String {
        format!("the instance metadata service at {}", self.base)
    }
}
