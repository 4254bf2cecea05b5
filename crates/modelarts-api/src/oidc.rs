//! Temporary keys for an OpenID Connect identity (`assume_role_with_oidc`: CI
//! without long-lived keys), as the official provider gets them (its
//! `huaweicloud/config/auth.go`, `getSubjectTokenByIdp`, `getSecurityTokenByIdp`):
//! `POST /v3.0/OS-AUTH/id-token/tokens` with header `X-Idp-Id` and body
//! `{"auth": {"id_token": {"id": ID_TOKEN}}}` answers 201 with an IAM token in
//! `X-Subject-Token`; `POST /v3.0/OS-CREDENTIAL/securitytokens` with
//! `{"auth": {"identity": {"methods": ["token"], "token": {"id": TOKEN}}}}` answers
//! 201 with `{"credential": {access, secret, securitytoken, expires_at}}`. Neither
//! call is signed. A token file is read again at every fetch, so a CI system that
//! rotates it is followed.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;

use super::credentials::{KeySource, Keys, V3Credential};
use super::error::ApiError;

/// Where the OIDC ID token comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum IdToken {
    /// The token itself (`id_token`).
    Literal(String),
    /// A file holding it (`id_token_file`).
    File(PathBuf),
}

impl std::fmt::Debug for IdToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdToken::Literal(_) => f.write_str("IdToken::Literal(<redacted>)"),
            IdToken::File(p) => f.debug_tuple("IdToken::File").field(p).finish(),
        }
    }
}

/// The exchange of an ID token for temporary keys, at IAM's root.
#[derive(Debug)]
pub struct OidcExchange {
    iam: String,
    idp_id: String,
    token: IdToken,
    http: reqwest::Client,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Answer {
    credential: V3Credential,
}

impl OidcExchange {
    /// The exchange at IAM's root `iam` (`https://iam.{region}.{cloud}`) for identity
    /// provider `idp_id`; `ca_pem` and `insecure` as the provider's TLS settings.
    pub fn new(
        iam: &str,
        idp_id: &str,
        token: IdToken,
        ca_pem: Option<&[u8]>,
        insecure: bool,
    ) -> Result<OidcExchange, ApiError> {
        Ok(OidcExchange {
            iam: iam.trim_end_matches('/').to_string(),
            idp_id: idp_id.to_string(),
            token,
            http: iam_http(ca_pem, insecure)?,
        })
    }

    fn failed(&self, step: &str, cause: impl std::fmt::Display) -> ApiError {
        ApiError::Credentials { detail: format!("{} failed at {step}: {cause}", self.describe()) }
    }

    fn id_token(&self) -> Result<String, ApiError> {
        match &self.token {
            IdToken::Literal(t) => Ok(t.trim().to_string()),
            IdToken::File(p) => std::fs::read_to_string(p)
                .map(|t| t.trim().to_string())
                .map_err(|e| self.failed("reading id_token_file", format!("{}: {e}", p.display()))),
        }
    }
}

#[async_trait]
impl KeySource for OidcExchange {
    async fn fetch(&self) -> Result<Keys, ApiError> {
        let id_token = self.id_token()?;
        let step = "POST /v3.0/OS-AUTH/id-token/tokens";
        let r = self
            .http
            .post(format!("{}/v3.0/OS-AUTH/id-token/tokens", self.iam))
            .header("X-Idp-Id", &self.idp_id)
            .header("Content-Type", "application/json;charset=UTF-8")
            .body(json!({"auth": {"id_token": {"id": id_token}}}).to_string())
            .send()
            .await
            .map_err(|e| self.failed(step, e))?;
        if r.status().as_u16() != 201 {
            return Err(self.failed(step, format!("HTTP {}", r.status().as_u16())));
        }
        let subject = r
            .headers()
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| self.failed(step, "the answer has no X-Subject-Token"))?;
        let step = "POST /v3.0/OS-CREDENTIAL/securitytokens";
        let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": subject}}}});
        let r = self
            .http
            .post(format!("{}/v3.0/OS-CREDENTIAL/securitytokens", self.iam))
            .header("Content-Type", "application/json;charset=UTF-8")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| self.failed(step, e))?;
        if r.status().as_u16() != 201 {
            return Err(self.failed(step, format!("HTTP {}", r.status().as_u16())));
        }
        let bytes = r.bytes().await.map_err(|e| self.failed(step, e))?;
        let answer = serde_json::from_slice::<Answer>(&bytes).map_err(|e| self.failed(step, e))?;
        answer.credential.into_keys().ok_or_else(|| self.failed(step, "the answer has no keys"))
    }

    fn describe(&self) -> String {
        format!("the OIDC exchange of identity provider {:?} at {}", self.idp_id, self.iam)
    }
}

/// An HTTP client for IAM's unsigned sign-in calls, with the provider's TLS settings
/// (`ca_pem`: CA certificates to trust besides the system's; `insecure`: no
/// verification); it follows no redirect, as the API client does not.
pub fn iam_http(ca_pem: Option<&[u8]>, insecure: bool) -> Result<reqwest::Client, ApiError> {
    let fail = |e: reqwest::Error| ApiError::Credentials { detail: format!("cannot build an HTTP client: {e}") };
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .danger_accept_invalid_certs(insecure);
    if let Some(pem) = ca_pem {
        for cert in reqwest::Certificate::from_pem_bundle(pem).map_err(fail)? {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(fail)
}
