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
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::Request;
use http_body_util::Full;
use serde::Deserialize;
use serde_json::json;

use super::credentials::{KeySource, Keys, V3Credential};
use super::error::ApiError;
use crate::transport::{Failure, Fetched, Proxies, Roots, Settings, Transport};
use crate::DEFAULT_MAX_ANSWER_BYTES;

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
    http: Transport,
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
            http: iam_http(iam, ca_pem, insecure)?,
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
        let body = json!({"auth": {"id_token": {"id": id_token}}}).to_string();
        let url = format!("{}/v3.0/OS-AUTH/id-token/tokens", self.iam);
        let r = post_json(&self.http, &url, &[("X-Idp-Id", &self.idp_id)], body, Some(201))
            .await
            .map_err(|e| self.failed(step, e))?;
        if r.head.status.as_u16() != 201 {
            return Err(self.failed(step, format!("HTTP {}", r.head.status.as_u16())));
        }
        let subject = r
            .head
            .headers
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| self.failed(step, "the answer has no X-Subject-Token"))?;
        let step = "POST /v3.0/OS-CREDENTIAL/securitytokens";
        let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": subject}}}}).to_string();
        let url = format!("{}/v3.0/OS-CREDENTIAL/securitytokens", self.iam);
        let r = post_json(&self.http, &url, &[], body, Some(201)).await.map_err(|e| self.failed(step, e))?;
        if r.head.status.as_u16() != 201 {
            return Err(self.failed(step, format!("HTTP {}", r.head.status.as_u16())));
        }
        let bytes = r.body;
        let answer = serde_json::from_slice::<Answer>(&bytes).map_err(|e| self.failed(step, e))?;
        answer.credential.into_keys().ok_or_else(|| self.failed(step, "the answer has no keys"))
    }

    fn describe(&self) -> String {
        format!("the OIDC exchange of identity provider {:?} at {}", self.idp_id, self.iam)
    }
}

/// The transport for IAM's unsigned sign-in calls, with the provider's TLS settings
/// (`ca_pem`: CA certificates to trust besides the system's; `insecure`: no
/// verification), proxies from the environment, and a 30-second limit per call. An
/// `http://` IAM (a simulator) trusts no roots but `ca_pem`'s, as the API client.
pub(crate) fn iam_http(iam: &str, ca_pem: Option<&[u8]>, insecure: bool) -> Result<Transport, ApiError> {
    let roots = match iam.starts_with("http://") {
        true => Roots::Only(ca_pem),
        false => Roots::Platform { extra: ca_pem },
    };
    Transport::new(Settings {
        roots,
        identity_pem: None,
        insecure,
        request_timeout: Duration::from_secs(30),
        connect_timeout: None,
        pool_idle: Duration::from_secs(90),
        user_agent: None,
        proxies: Proxies::FromEnvironment,
    })
    .map_err(|e| ApiError::Credentials { detail: format!("cannot build an HTTP client: {e}") })
}

/// `POST url` with a JSON `body` and `headers`; the answer whatever its status. A
/// body lost after the head arrived is an error of its own when the status is
/// `expected` or none is (otherwise the status says enough).
pub(crate) async fn post_json(
    http: &Transport,
    url: &str,
    headers: &[(&str, &str)],
    body: String,
    expected: Option<u16>,
) -> Result<Fetched, String> {
    let mut req = Request::post(url).header(CONTENT_TYPE, "application/json;charset=UTF-8");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let req = req.body(Full::new(Bytes::from(body))).map_err(|e| format!("the request cannot be sent: {e}"))?;
    match http.fetch(req, DEFAULT_MAX_ANSWER_BYTES).await {
        Ok(answer) => Ok(answer),
        Err(Failure::Body { status, .. } | Failure::TooLarge { status })
            if expected.is_some_and(|x| x != status.as_u16()) =>
        {
            Err(format!("HTTP {}", status.as_u16()))
        }
        Err(e) => Err(e.to_string()),
    }
}
