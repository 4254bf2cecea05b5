//! Signing in with a user's password, as the official provider does when no keys
//! are configured but `password` and `user_name` (or `user_id`) are (its
//! `huaweicloud/config/auth.go`, `buildClient`: token, then keys, then password,
//! then the metadata service). IAM's "Obtaining a User Token" call:
//! `POST /v3/auth/tokens` with
//! `{"auth": {"identity": {"methods": ["password"], "password": {"user": {...}}},
//! "scope": {"project": {...}}}}` answers 201 with the token in `X-Subject-Token`
//! and its expiry in `token.expires_at`. Every call then carries the token in
//! `X-Auth-Token` instead of a signature. A token is scoped to one project, so
//! each project gets a sign-in of its own; it lives 24 hours and is fetched again
//! before it expires like any temporary credential.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value as J};

use super::credentials::{KeySource, Keys};
use super::error::ApiError;
use crate::timefmt::{self, now_millis};

/// Who signs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum User {
    /// A user by name (`user_name`), within its account.
    Name(String),
    /// A user by ID (`user_id`).
    Id(String),
}

/// The account a user name belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Account {
    /// By name (`domain_name`).
    Name(String),
    /// By ID (`domain_id`).
    Id(String),
}

/// The project a token is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A project by ID.
    ProjectId(String),
    /// A project by name (a region's default project has the region's name).
    ProjectName(String),
}

/// A user's password sign-in. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Login {
    /// The user.
    pub user: User,
    /// The user's account; IAM needs it with a user name.
    pub account: Option<Account>,
    /// The password; never logged.
    pub password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("user", &self.user)
            .field("account", &self.account)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Login {
    /// The request body of IAM's token call for `scope`.
    pub fn body(&self, scope: &Scope) -> J {
        let mut user = serde_json::Map::new();
        match &self.user {
            User::Name(n) => user.insert("name".into(), json!(n)),
            User::Id(id) => user.insert("id".into(), json!(id)),
        };
        user.insert("password".into(), json!(self.password));
        if let Some(account) = &self.account {
            let domain = match account {
                Account::Name(n) => json!({"name": n}),
                Account::Id(id) => json!({"id": id}),
            };
            user.insert("domain".into(), domain);
        }
        let project = match scope {
            Scope::ProjectId(id) => json!({"id": id}),
            Scope::ProjectName(n) => json!({"name": n}),
        };
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": {"project": project},
        }})
    }
}

/// A project-scoped token got by password from IAM's root.
#[derive(Debug)]
pub struct PasswordSignIn {
    iam: String,
    login: Login,
    scope: Scope,
    http: crate::transport::Transport,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Answer {
    token: TokenInfo,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenInfo {
    expires_at: String,
}

impl PasswordSignIn {
    /// The sign-in of `login` at IAM's root `iam` (`https://iam.{region}.{cloud}`)
    /// for `scope`; `ca_pem` and `insecure` as the provider's TLS settings.
    pub fn new(
        iam: &str,
        login: Login,
        scope: Scope,
        ca_pem: Option<&[u8]>,
        insecure: bool,
    ) -> Result<PasswordSignIn, ApiError> {
        Ok(PasswordSignIn {
            iam: iam.trim_end_matches('/').to_string(),
            login,
            scope,
            http: super::oidc::iam_http(iam, ca_pem, insecure)?,
        })
    }

    fn failed(&self, cause: impl std::fmt::Display) -> ApiError {
        ApiError::Credentials { detail: format!("{} failed: {cause}", self.describe()) }
    }
}

#[async_trait]
impl KeySource for PasswordSignIn {
    async fn fetch(&self) -> Result<Keys, ApiError> {
        let url = format!("{}/v3/auth/tokens", self.iam);
        // Any status's body is read: IAM's error body names the cause.
        let r = super::oidc::post_json(&self.http, &url, &[], self.login.body(&self.scope).to_string(), None)
            .await
            .map_err(|e| self.failed(e))?;
        let status = r.head.status.as_u16();
        let subject = r.head.headers.get("x-subject-token").and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = r.body;
        if status != 201 {
            // IAM's error body names the cause (e.g. a wrong password); it never
            // repeats the password.
            let detail = serde_json::from_slice::<J>(&bytes)
                .ok()
                .and_then(|b| {
                    let code = b.pointer("/error/code").or_else(|| b.get("error_code")).map(J::to_string);
                    let msg = b.pointer("/error/message").or_else(|| b.get("error_msg")).and_then(J::as_str);
                    msg.map(|m| format!(" ({}{m})", code.map(|c| format!("{c}: ")).unwrap_or_default()))
                })
                .unwrap_or_default();
            return Err(self.failed(format!("HTTP {status}{detail}")));
        }
        let subject = subject.ok_or_else(|| self.failed("the answer has no X-Subject-Token"))?;
        let expires = serde_json::from_slice::<Answer>(&bytes).map(|a| a.token.expires_at).unwrap_or_default();
        let mut keys = Keys::token(&subject, timefmt::parse_rfc3339(&expires));
        keys.fetched_at_ms = now_millis();
        Ok(keys)
    }

    fn describe(&self) -> String {
        let user = match &self.login.user {
            User::Name(n) => format!("user {n:?}"),
            User::Id(id) => format!("user ID {id:?}"),
        };
        let scope = match &self.scope {
            Scope::ProjectId(id) => format!("project {id}"),
            Scope::ProjectName(n) => format!("project {n:?}"),
        };
        format!("the password sign-in of {user} for {scope} at {}/v3/auth/tokens", self.iam)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_names_user_account_and_project_as_iam_asks() {
        let login = Login {
            user: User::Name("deployer".into()),
            account: Some(Account::Name("acme".into())),
            password: "pw".into(),
        };
        let body = login.body(&Scope::ProjectName("cn-north-4".into()));
        assert_eq!(
            body,
            json!({"auth": {
                "identity": {"methods": ["password"], "password": {"user": {"name": "deployer", "password": "pw", "domain": {"name": "acme"}}}},
                "scope": {"project": {"name": "cn-north-4"}},
            }})
        );
        let by_id = Login { user: User::Id("u1".into()), account: None, password: "pw".into() };
        assert_eq!(
            by_id.body(&Scope::ProjectId("p1".into()))["auth"]["identity"]["password"]["user"],
            json!({"id": "u1", "password": "pw"})
        );
        assert!(!format!("{login:?}").contains("pw\""));
    }
}
