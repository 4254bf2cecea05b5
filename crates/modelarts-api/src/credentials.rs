//! Where a client's keys come from: fixed keys (the provider block, the
//! environment, a profile), or temporary keys fetched from a [`KeySource`] — the
//! instance metadata service of an ECS or CCE node — and fetched again before they
//! expire, one fetch at a time however many requests are in flight, so no request
//! is ever signed with an expired key.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use serde::Deserialize;

use super::error::ApiError;
use crate::timefmt::{self, now_millis};

/// A key pair, and its security token and expiry when temporary. `Debug` hides the
/// secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct Keys {
    /// The access key (AK).
    pub access_key: String,
    /// The secret key (SK).
    pub secret_key: String,
    /// The security token of temporary keys (`X-Security-Token`).
    pub security_token: Option<String>,
    /// When temporary keys expire, in milliseconds since the epoch.
    pub expires_at_ms: Option<i64>,
    /// When they were fetched, in milliseconds since the epoch.
    pub fetched_at_ms: i64,
    /// An IAM token (`X-Auth-Token`) used instead of signing with the keys (password
    /// or token sign-in); the keys are empty then.
    pub auth_token: Option<String>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("security_token", &self.security_token.as_ref().map(|_| "<redacted>"))
            .field("expires_at_ms", &self.expires_at_ms)
            .field("auth_token", &self.auth_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Temporary keys as IAM v3 and the instance metadata service write them:
/// `{"access", "secret", "securitytoken", "expires_at"}` (the official provider's
/// `auth.go` and the SDKs' metadata accessor read the same fields).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct V3Credential {
    access: String,
    secret: String,
    securitytoken: String,
    expires_at: String,
}

// Holds a secret key and a security token: only the access key and expiry print.
impl std::fmt::Debug for V3Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("V3Credential")
            .field("access", &self.access)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl V3Credential {
    /// The keys; `None` when the answer has no key pair.
    pub fn into_keys(self) -> Option<Keys> {
        Keys::temporary(self.access, self.secret, self.securitytoken, &self.expires_at)
    }
}

/// Temporary keys are fetched again when less than this is left of them (the
/// official provider refetches with 10 minutes left)...
const REFRESH_WITH_LEFT: Duration = Duration::from_secs(600);

impl Keys {
    /// Fixed keys, which never expire.
    pub fn fixed(access_key: &str, secret_key: &str, security_token: Option<&str>) -> Keys {
        Keys {
            access_key: access_key.to_string(),
            secret_key: secret_key.to_string(),
            security_token: security_token.map(str::to_string),
            expires_at_ms: None,
            fetched_at_ms: 0,
            auth_token: None,
        }
    }

    /// The keys as messages name them: the access key's first characters, or
    /// `(an IAM token)`.
    pub fn hint(&self) -> String {
        match &self.auth_token {
            Some(_) => "(an IAM token)".to_string(),
            None => super::key_hint(&self.access_key),
        }
    }

    /// Temporary keys as an answer gives them, expiring at RFC 3339 `expires`;
    /// `None` when the answer has no key pair.
    pub fn temporary(access: String, secret: String, token: String, expires: &str) -> Option<Keys> {
        if access.is_empty() || secret.is_empty() {
            return None;
        }
        Some(Keys {
            access_key: access,
            secret_key: secret,
            security_token: Some(token).filter(|t| !t.is_empty()),
            expires_at_ms: timefmt::parse_rfc3339(expires),
            fetched_at_ms: now_millis(),
            auth_token: None,
        })
    }

    /// An IAM token, used as it is (`expires_at_ms`: when it stops being valid).
    pub fn token(token: &str, expires_at_ms: Option<i64>) -> Keys {
        Keys {
            access_key: String::new(),
            secret_key: String::new(),
            security_token: None,
            expires_at_ms,
            fetched_at_ms: now_millis(),
            auth_token: Some(token.to_string()),
        }
    }

    /// Whether these keys are still good to sign with at `now_ms`: fixed keys always;
    /// temporary ones until 10 minutes before they expire — or, for keys that live
    /// less than half an hour, until a third of their life is left.
    pub fn fresh_at(&self, now_ms: i64) -> bool {
        let Some(expires) = self.expires_at_ms else { return true };
        let life = expires.saturating_sub(self.fetched_at_ms).max(0);
        let margin = (REFRESH_WITH_LEFT.as_millis() as i64).min(life / 3);
        now_ms < expires.saturating_sub(margin)
    }
}

/// Something that hands out temporary keys.
#[async_trait]
pub trait KeySource: Send + Sync + fmt::Debug {
    /// Fresh keys.
    async fn fetch(&self) -> Result<Keys, ApiError>;

    /// What it is, for messages and logs: `the instance metadata service at http://…`.
    fn describe(&self) -> String;
}

/// A client's keys: fixed, or from a source and kept fresh.
#[derive(Debug)]
pub struct Credentials {
    fixed: Option<Keys>,
    source: Option<Arc<dyn KeySource>>,
    cached: std::sync::Mutex<Option<Keys>>,
    /// One fetch at a time; the others wait for its keys.
    refreshing: tokio::sync::Mutex<()>,
}

impl Credentials {
    /// Fixed keys.
    pub fn fixed(keys: Keys) -> Credentials {
        Credentials { fixed: Some(keys), source: None, cached: Default::default(), refreshing: Default::default() }
    }

    /// Keys from `source`, fetched on first use and again before they expire.
    pub fn from_source(source: Arc<dyn KeySource>) -> Credentials {
        Credentials { fixed: None, source: Some(source), cached: Default::default(), refreshing: Default::default() }
    }

    /// What the keys come from, for messages.
    pub fn describe(&self) -> String {
        self.source.as_ref().map_or_else(String::new, |s| s.describe())
    }

    /// The access key of fixed keys (`None` for a source's, which change).
    pub fn fixed_access_key(&self) -> Option<&str> {
        self.fixed.as_ref().map(|k| k.access_key.as_str())
    }

    fn cached_fresh(&self) -> Option<Keys> {
        let cached = self.cached.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cached.as_ref().filter(|k| k.fresh_at(now_millis())).cloned()
    }

    /// Keys good to sign with now.
    pub async fn current(&self) -> Result<Keys, ApiError> {
        if let Some(k) = &self.fixed {
            return Ok(k.clone());
        }
        if let Some(k) = self.cached_fresh() {
            return Ok(k);
        }
        let Some(source) = &self.source else {
            return Err(ApiError::Credentials { detail: "no keys are configured".into() });
        };
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(k) = self.cached_fresh() {
            return Ok(k);
        }
        let keys = source.fetch().await?;
        tracing::info!(
            access_key = %keys.hint(),
            expires_at = %keys.expires_at_ms.and_then(crate::timefmt::rfc3339).unwrap_or_default(),
            source = %source.describe(),
            "temporary keys fetched"
        );
        *self.cached.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(keys.clone());
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Counting {
        fetched: AtomicUsize,
        life_ms: i64,
    }

    #[async_trait]
    impl KeySource for Counting {
        async fn fetch(&self) -> Result<Keys, ApiError> {
            let n = self.fetched.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            let now = now_millis();
            Ok(Keys {
                access_key: format!("TEMPKEY{n:04}"),
                secret_key: "s".into(),
                security_token: Some("t".into()),
                expires_at_ms: Some(now + self.life_ms),
                fetched_at_ms: now,
                auth_token: None,
            })
        }

        fn describe(&self) -> String {
            "a counting source".into()
        }
    }

    #[test]
    fn keys_are_fetched_again_before_they_expire() {
        let k = |life_ms: i64| Keys {
            expires_at_ms: Some(1_000_000 + life_ms),
            fetched_at_ms: 1_000_000,
            ..Keys::fixed("a", "b", None)
        };
        let hour = k(3_600_000);
        assert!(hour.fresh_at(1_000_000 + 2_999_000), "more than 10 minutes left");
        assert!(!hour.fresh_at(1_000_000 + 3_000_001), "10 minutes left: fetch again");
        let short = k(6_000);
        assert!(short.fresh_at(1_000_000 + 3_900) && !short.fresh_at(1_000_000 + 4_001), "a third of a short life");
        assert!(Keys::fixed("a", "b", None).fresh_at(i64::MAX));
        let shown = format!("{:?}", Keys::fixed("a", "s3cr3t-value", Some("t0ken-value")));
        assert!(!shown.contains("s3cr3t-value") && !shown.contains("t0ken-value"), "{shown}");
    }

    #[tokio::test]
    async fn one_fetch_however_many_requests_wait() {
        let source = Arc::new(Counting { fetched: AtomicUsize::new(0), life_ms: 60_000 });
        let creds = Arc::new(Credentials::from_source(source.clone()));
        let waits: Vec<_> = (0..20)
            .map(|_| {
                let c = creds.clone();
                tokio::spawn(async move { c.current().await.unwrap().access_key })
            })
            .collect();
        for w in waits {
            assert_eq!(w.await.unwrap(), "TEMPKEY0000");
        }
        assert_eq!(source.fetched.load(Ordering::SeqCst), 1);
    }
}
