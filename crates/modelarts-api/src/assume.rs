//! Temporary keys of an agency (`assume_role`), as the official provider gets them
//! (`huaweicloud/config/config.go`, golangsdk): without the agency's account ID, IAM's
//! `POST /v3.0/OS-CREDENTIAL/securitytokens` with method `assume_role`
//! (`{agency_name, domain_name, duration_seconds}`) answers
//! `{"credential": {access, secret, securitytoken, expires_at}}`; with it, STS's
//! `POST /v5/agencies/assume` (`{agency_urn: "iam::{domain_id}:agency:{name}",
//! agency_session_name, duration_seconds}`) answers `{"credentials":
//! {access_key_id, secret_access_key, security_token, expiration}}`. Either is signed
//! with the keys before it — a chain of agencies is a chain of such sources — and
//! fetched again before the keys expire.

use async_trait::async_trait;
use http::Method;
use serde::Deserialize;
use serde_json::json;

use super::credentials::{KeySource, Keys, V3Credential};
use super::error::ApiError;
use super::{Call, Client};

/// How long an agency's keys from IAM v3 live when no duration is given: the official
/// provider always asks for 12 hours there (its `assumeRoleDuration`).
const V3_DEFAULT_SECONDS: u32 = 12 * 60 * 60;

/// One agency to assume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agency {
    /// The agency's name.
    pub name: String,
    /// The account that created it, by name (IAM v3).
    pub domain_name: Option<String>,
    /// The account that created it, by ID: the STS v5 call is used then.
    pub domain_id: Option<String>,
    /// How long the keys live, in seconds; the API's default (STS) or 12 hours (IAM
    /// v3, as the official provider asks) when `None`.
    pub duration_secs: Option<u32>,
}

/// Keys of `agency`, asked for with `caller` (a client of IAM, or of STS with a
/// `domain_id`, signing with the keys before them).
#[derive(Debug)]
pub struct AssumeRole {
    agency: Agency,
    caller: Client,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct V3Answer {
    credential: V3Credential,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct V5Answer {
    credentials: V5Credentials,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct V5Credentials {
    access_key_id: String,
    secret_access_key: String,
    security_token: String,
    expiration: String,
}

impl AssumeRole {
    /// Keys of `agency`; `caller` is a client of IAM's root (`https://iam.{region}.{cloud}`)
    /// or, when the agency has a `domain_id`, of STS.
    pub fn new(agency: Agency, caller: Client) -> AssumeRole {
        AssumeRole { agency, caller }
    }

    fn no_keys(&self) -> ApiError {
        ApiError::Credentials { detail: format!("{} answered no keys", self.describe()) }
    }
}

#[async_trait]
impl KeySource for AssumeRole {
    async fn fetch(&self) -> Result<Keys, ApiError> {
        let a = &self.agency;
        let explain = |e: ApiError| ApiError::Credentials { detail: format!("{} failed: {e}", self.describe()) };
        match &a.domain_id {
            None => {
                let seconds = a.duration_secs.unwrap_or(V3_DEFAULT_SECONDS);
                let assume = match &a.domain_name {
                    Some(d) => json!({"agency_name": a.name, "domain_name": d, "duration_seconds": seconds}),
                    None => json!({"agency_name": a.name, "duration_seconds": seconds}),
                };
                let body = json!({"auth": {"identity": {"methods": ["assume_role"], "assume_role": assume}}});
                let call = Call::outside_project(Method::POST, "v3.0/OS-CREDENTIAL/securitytokens").json(&body);
                let answer: V3Answer = self.caller.call(call).await.map_err(explain)?;
                answer.credential.into_keys().ok_or_else(|| self.no_keys())
            }
            Some(domain_id) => {
                // The session is named after the agency, as the official provider names it.
                let urn = format!("iam::{domain_id}:agency:{}", a.name);
                let body = match a.duration_secs {
                    Some(d) => json!({"agency_urn": urn, "agency_session_name": a.name, "duration_seconds": d}),
                    None => json!({"agency_urn": urn, "agency_session_name": a.name}),
                };
                let call = Call::outside_project(Method::POST, "v5/agencies/assume").json(&body);
                let answer: V5Answer = self.caller.call(call).await.map_err(explain)?;
                let c = answer.credentials;
                Keys::temporary(c.access_key_id, c.secret_access_key, c.security_token, &c.expiration)
                    .ok_or_else(|| self.no_keys())
            }
        }
    }

    fn describe(&self) -> String {
        let a = &self.agency;
        match (&a.domain_id, &a.domain_name) {
            (Some(id), _) => format!("agency {:?} of account {id} (STS at {})", a.name, self.caller.config().endpoint),
            (None, Some(name)) => {
                format!("agency {:?} of account {name:?} (IAM at {})", a.name, self.caller.config().endpoint)
            }
            (None, None) => format!("agency {:?} (IAM at {})", a.name, self.caller.config().endpoint),
        }
    }
}
