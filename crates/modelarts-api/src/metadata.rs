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
use serde::Deserialize;

use super::credentials::{KeySource, Keys, V3Credential};
use super::error::ApiError;

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
    http: reqwest::Client,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SecurityKey {
    credential: Option<V3Credential>,
}

impl MetadataService {
    /// The service at `base` (e.g. [`DEFAULT_METADATA_URL`]).
    pub fn new(base: &str) -> Result<MetadataService, ApiError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| ApiError::Credentials { detail: format!("cannot build an HTTP client: {e}") })?;
        Ok(MetadataService { base: base.trim_end_matches('/').to_string(), http })
    }

    fn unreachable(&self, what: &str, cause: String) -> ApiError {
        ApiError::Credentials {
            detail: format!(
                "the instance metadata service at {} could not give keys ({what}, {TRIES} tries): {cause}",
                self.base
            ),
        }
    }

    /// The session token, when the service gives one.
    async fn session_token(&self) -> Result<Option<String>, ApiError> {
        let url = format!("{}/meta-data/latest/api/token", self.base);
        let mut last = String::new();
        for attempt in 0..TRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            match self.http.put(&url).header("X-Metadata-Token-Ttl-Seconds", TOKEN_TTL_SECS).send().await {
                Ok(r) if r.status().is_success() => {
                    let token = r.text().await.unwrap_or_default().trim().to_string();
                    return Ok(Some(token).filter(|t| !t.is_empty()));
                }
                // Services without session tokens: the keys are read without one.
                Ok(r) if matches!(r.status().as_u16(), 404 | 405 | 503) => return Ok(None),
                Ok(r) => last = format!("HTTP {}", r.status().as_u16()),
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
        let url = format!("{}/openstack/latest/securitykey", self.base);
        let mut last = String::new();
        for attempt in 0..TRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            let mut req = self.http.get(&url);
            if let Some(t) = &token {
                req = req.header("X-Metadata-Token", t);
            }
            let answer = match req.send().await {
                Ok(r) if r.status().is_success() => r.bytes().await,
                Ok(r) => {
                    last = format!("HTTP {}", r.status().as_u16());
                    continue;
                }
                Err(e) => {
                    last = e.to_string();
                    continue;
                }
            };
            let body = answer.map_err(|e| self.unreachable("GET /openstack/latest/securitykey", e.to_string()))?;
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
