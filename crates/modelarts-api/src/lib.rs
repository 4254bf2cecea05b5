//! Layer 2 (the `modelarts-api` crate): the ModelArts notebook REST client — signing, typed calls, errors,
//! retries and waiting. Knows nothing about Terraform.
//!
//! One [`Client`] is shared by everything: it is cheap to clone and keeps a pool of
//! keep-alive connections.
//!
//! Nothing from outside — an HTTP answer, a header, a credentials file — may panic
//! it: outside tests, indexing, unwrapping and `panic!` are refused by the lints
//! below (with a reasoned `allow` where a case is provably safe).
#![warn(missing_debug_implementations)]
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod assume;
mod call;
pub mod codes;
mod config;
pub mod credentials;
pub mod enums;
pub mod error;
mod http;
pub mod ids;
pub mod images;
pub mod limits;
pub mod metadata;
pub mod mounts;
pub mod notebooks;
pub mod oidc;
pub mod pacing;
pub mod password;
pub mod power;
pub mod retry;
mod send;
pub mod signer;
pub mod tags;
pub mod timefmt;
mod transport;
pub mod types;
mod uri;
pub mod wait;
pub mod words;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ::http::{Method, StatusCode};
use url::Url;

use tokio_util::sync::CancellationToken;

use send::SendError;

pub use call::Call;
pub use config::{ClientConfig, ClientConfigError, DEFAULT_MAX_ANSWER_BYTES};
pub use error::{human_duration, ApiError, CredentialRefusal, Tried};
pub use retry::Backoff;
pub use transport::BuildError;
pub use wait::PollSchedule;

/// The most writes in flight at once per client ([`Inner::writes`]).
const WRITES_IN_FLIGHT: usize = 8;

/// How long a call riding out an outage (past `max_retries`, within its deadline)
/// waits between tries, at most (spread by jitter).
const OUTAGE_RETRY_EVERY: Duration = Duration::from_secs(4);

/// How often a call retrying past `max_retries` within its deadline says so.
const TROUBLE_REPORT_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Inner {
    http: transport::Transport,
    /// The endpoint, for each request's URI.
    origin: uri::Origin,
    /// `Host` as sent and signed: host, plus the port when it is not the scheme's default.
    host: String,
    /// Path prefix of the endpoint plus `/v1/{project_id}/`.
    root: String,
    /// Path prefix of the endpoint plus `/`.
    prefix: String,
    config: ClientConfig,
    /// Shared by every client of this endpoint and access key ([`pacing`]).
    pacer: Arc<pacing::Pacer>,
    /// The keys requests are signed with.
    credentials: Arc<credentials::Credentials>,
    /// Writes (POST, PUT, PATCH, DELETE) in flight at once are at most
    /// [`WRITES_IN_FLIGHT`]: a large apply does not open with a wall of creates that
    /// an account's rate limit would mostly refuse, before the pacer has learned it.
    writes: tokio::sync::Semaphore,
    /// Whether the endpoint has answered at all: until it has, a connection that
    /// fails is more likely a wrong endpoint than an outage, and is not retried
    /// beyond `max_retries` even within a deadline.
    answered: std::sync::atomic::AtomicBool,
    /// The last secret key signed with, prepared ([`signer::SigningKey`]): keys
    /// change only when temporary ones are fetched again.
    signing_key: std::sync::Mutex<Option<CachedKey>>,
}

/// A prepared signing key and the secret it was made from. `Debug` hides the secret.
struct CachedKey {
    secret_key: String,
    key: Arc<signer::SigningKey>,
}

impl std::fmt::Debug for CachedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedKey").field("key", &self.key).finish_non_exhaustive()
    }
}

/// A ModelArts API client. Calls observe the client's cancellation token, if any,
/// and retry passing failures until the client's deadline, if it has one.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
    cancel: CancellationToken,
    /// Passing failures (429, 503, unreachable) are retried until this moment,
    /// beyond `max_retries` ([`Client::until`]).
    deadline: Option<Instant>,
}

impl Client {
    /// A client for `config`'s endpoint and project.
    pub fn new(config: ClientConfig) -> Result<Client, ClientConfigError> {
        let base = Url::parse(&config.endpoint)
            .map_err(|source| ClientConfigError::Endpoint { endpoint: config.endpoint.clone(), source })?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(ClientConfigError::NotHttp { endpoint: config.endpoint.clone() });
        }
        let host = match base.port() {
            Some(p) => format!("{}:{p}", base.host_str().unwrap_or_default()),
            None => base.host_str().unwrap_or_default().to_string(),
        };
        let prefix = format!("{}/", base.path().trim_end_matches('/'));
        let root = format!("{prefix}v1/{}/", config.project_id);
        let http = http::client(&config, base.scheme() == "http")?;
        let credentials = config.credentials.clone().unwrap_or_else(|| {
            let keys =
                credentials::Keys::fixed(&config.access_key, &config.secret_key, config.security_token.as_deref());
            Arc::new(credentials::Credentials::fixed(keys))
        });
        // Temporary keys change; their source stays the same account.
        let account = credentials.fixed_access_key().map_or_else(|| credentials.describe(), str::to_string);
        let pacer = pacing::shared(&config.endpoint, &account, config.max_requests_per_second);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                origin: uri::Origin::new(base),
                host,
                root,
                prefix,
                config,
                pacer,
                credentials,
                writes: tokio::sync::Semaphore::new(WRITES_IN_FLIGHT),
                answered: Default::default(),
                signing_key: Default::default(),
            }),
            cancel: CancellationToken::new(),
            deadline: None,
        })
    }

    /// The same client (same connection pool) observing `cancel`.
    pub fn with_cancel(&self, cancel: CancellationToken) -> Client {
        Client { inner: self.inner.clone(), cancel, deadline: self.deadline }
    }

    /// The same client, retrying passing failures (throttled, unavailable,
    /// unreachable) until `deadline` rather than `max_retries` times: an operation
    /// with a timeout rides out an outage within it. A refusal that was not accepted
    /// is safe to send again; an answer lost to an outage is resolved by the caller
    /// as before ([`ApiError::Ambiguous`]).
    pub fn until(&self, deadline: Instant) -> Client {
        Client { deadline: Some(deadline), ..self.clone() }
    }

    /// The moment this client stops retrying passing failures, if it has one.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The configuration the client was made from.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Whether this client's calls have been cancelled (StopProvider, Ctrl-C).
    pub fn cancel_requested(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Sends a call with signing and retries; returns the 2xx body.
    pub async fn execute(&self, call: &Call) -> Result<Vec<u8>, ApiError> {
        let path = self.path_of(call);
        let method = call.method.as_str();
        let max = self.inner.config.max_retries;
        let started = Instant::now();
        let mut attempt = 0u32;
        let mut last_report: Option<Instant> = None;
        let cancelled = || ApiError::Cancelled { status: None, waited: started.elapsed() };
        loop {
            // A write waits for its turn first, then for the pacer: a write let
            // through by a refusal of another consults the pacer that refusal slowed.
            let permit = if call.method == Method::GET {
                None
            } else {
                tokio::select! {
                    p = self.inner.writes.acquire() => p.ok(),
                    _ = self.cancel.cancelled() => return Err(cancelled()),
                }
            };
            let pace = self.inner.pacer.reserve();
            if !pace.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(pace) => {}
                    _ = self.cancel.cancelled() => return Err(cancelled()),
                }
            }
            // Fresh keys for every attempt: temporary ones are fetched again before
            // they expire, so a long operation never sends an expired key.
            let keys = self.inner.credentials.current().await?;
            let outcome = self.send_once(call, &path, &keys).await;
            drop(permit);
            if outcome.is_ok() {
                self.inner.answered.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            match &outcome {
                Ok(answer) if answer.status == StatusCode::TOO_MANY_REQUESTS => {
                    self.inner.pacer.throttled(answer.retry_after)
                }
                Ok(_) => self.inner.pacer.answered(),
                Err(_) => {}
            }
            let (retryable, retry_after, err) = match outcome {
                Ok(answer) if answer.status.is_success() => {
                    tracing::debug!(method, path = %path, status = answer.status.as_u16(), attempt, elapsed_ms = started.elapsed().as_millis() as u64, "api call");
                    return Ok(answer.body);
                }
                Ok(answer) if answer.status.is_redirection() => {
                    // An API client never needs a redirect, and following one would send
                    // the signed request (and X-Security-Token) to another host.
                    return Err(ApiError::Redirected {
                        method: method.into(),
                        path,
                        status: answer.status.as_u16(),
                        location: answer.location.map(|l| error::truncate(&l, 300)),
                        endpoint: self.inner.config.endpoint.clone(),
                    });
                }
                Ok(answer) => {
                    let code = answer.status.as_u16();
                    let err =
                        self.refused_credentials(ApiError::from_response(method, &path, code, &answer.body), &keys);
                    tracing::debug!(method, path = %path, status = code, attempt, error = %err, "api call failed");
                    match code {
                        429 | 503 => (true, answer.retry_after, err),
                        // A gateway error may hide a request the backend did process.
                        502 | 504 if call.idempotent() => (true, answer.retry_after, err),
                        502 | 504 => {
                            return Err(ApiError::Ambiguous {
                                method: method.into(),
                                path,
                                cause: format!("HTTP {code} from the gateway"),
                            });
                        }
                        _ => return Err(err),
                    }
                }
                Err(SendError::Cancelled) => {
                    return Err(ApiError::Cancelled { status: None, waited: started.elapsed() })
                }
                Err(SendError::TooLarge { status }) => {
                    return Err(ApiError::Decode {
                        method: method.into(),
                        path,
                        status: status.as_u16(),
                        cause: format!(
                            "the answer is larger than the {} limit, so it was not read",
                            human_bytes(self.inner.config.max_answer_bytes)
                        ),
                    });
                }
                Err(SendError::NotSent(cause)) => {
                    tracing::debug!(method, path = %path, attempt, cause = %cause, "api call could not connect");
                    (true, None, self.unreachable(method, &path, cause, attempt, started))
                }
                Err(SendError::Definitive(cause)) => {
                    tracing::debug!(method, path = %path, cause = %cause, "api call cannot succeed by trying again");
                    let mut err = self.unreachable(method, &path, cause, attempt, started);
                    if let ApiError::Transport { tried, .. } = &mut err {
                        tried.definitive = true;
                    }
                    return Err(err);
                }
                Err(SendError::AnswerLost { status, cause }) => {
                    tracing::debug!(method, path = %path, attempt, cause = %cause, "api call lost its answer");
                    if !call.idempotent() {
                        let cause = match status {
                            Some(s) => format!("HTTP {} arrived, then its body did not: {cause}", s.as_u16()),
                            None => cause,
                        };
                        return Err(ApiError::Ambiguous { method: method.into(), path, cause });
                    }
                    (true, None, self.unreachable(method, &path, cause, attempt, started))
                }
            };
            let mut delay =
                retry_after.unwrap_or_else(|| self.inner.config.backoff.delay(attempt, retry::random_unit()));
            if attempt >= max && retry_after.is_none() {
                // Riding out an outage: look every few seconds, so the work goes on
                // soon after the API is back (a Retry-After is still honoured).
                delay = delay.min(OUTAGE_RETRY_EVERY.mul_f64(0.8 + 0.4 * retry::random_unit()));
            }
            // Within a deadline, passing trouble is retried until it would pass; a
            // connection failure only once the endpoint has answered (an outage, not
            // a wrong endpoint).
            let outage = err.is_transient()
                && (!matches!(err, ApiError::Transport { .. })
                    || self.inner.answered.load(std::sync::atomic::Ordering::Relaxed));
            let within_deadline = outage && self.deadline.is_some_and(|d| Instant::now() + delay < d);
            if !retryable || (attempt >= max && !within_deadline) {
                return Err(err);
            }
            if attempt >= max && last_report.is_none_or(|r: Instant| r.elapsed() >= TROUBLE_REPORT_EVERY) {
                last_report = Some(Instant::now());
                tracing::warn!(method, path = %path, "the API is unavailable since {} ({}), still waiting", human_duration(started.elapsed()), err.brief());
            }
            tracing::info!(method, path = %path, attempt = attempt + 1, max_retries = max, delay_ms = delay.as_millis() as u64, reason = %err, "retrying API call");
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = self.cancel.cancelled() => return Err(ApiError::Cancelled { status: None, waited: started.elapsed() }),
            }
            attempt += 1;
        }
    }

    /// A transport failure after `attempt` retries, naming the endpoint and the
    /// setting that chose it.
    fn unreachable(&self, method: &str, path: &str, cause: String, attempt: u32, started: Instant) -> ApiError {
        ApiError::Transport {
            method: method.into(),
            path: path.into(),
            cause,
            tried: Box::new(Tried {
                endpoint: self.inner.config.endpoint.clone(),
                attempts: attempt + 1,
                elapsed: started.elapsed(),
                origin: self.inner.config.endpoint_origin.clone(),
                definitive: false,
            }),
        }
    }

    /// A refusal of the credentials (401, or 403 with an `APIGW.03xx` code) becomes
    /// [`ApiError::Unauthorized`], naming the access key and the endpoint.
    fn refused_credentials(&self, e: ApiError, keys: &credentials::Keys) -> ApiError {
        match e {
            ApiError::Api { method, path, status, code, message }
                if status == 401 || (status == 403 && code.as_deref().is_some_and(|c| c.starts_with("APIGW.03"))) =>
            {
                ApiError::Unauthorized(Box::new(CredentialRefusal {
                    method,
                    path,
                    status,
                    code,
                    message,
                    endpoint: self.inner.config.endpoint.clone(),
                    access_key: keys.hint(),
                    origin: match self.inner.credentials.describe() {
                        from_source if !from_source.is_empty() => from_source,
                        _ => self.inner.config.credentials_origin.clone(),
                    },
                }))
            }
            other => other,
        }
    }

    /// The full path of `call`, as errors name it.
    pub fn path_of(&self, call: &Call) -> String {
        let base = if call.outside_project { &self.inner.prefix } else { &self.inner.root };
        format!("{base}{}", call.path)
    }

    /// Decodes a 2xx body; a value of the wrong type is reported with its JSON path.
    pub fn decode<T: serde::de::DeserializeOwned>(&self, call: &Call, body: &[u8]) -> Result<T, ApiError> {
        let failed = |cause: String| ApiError::Decode {
            method: call.method.to_string(),
            path: self.path_of(call),
            status: 200,
            cause,
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(failed("empty body".to_string()));
        }
        // Most answers decode: read them plainly, and only a failure again with the
        // path tracked (which costs a third of the decoding: every key is kept).
        // Text checked as UTF-8 once, whole, is read without checking each string again.
        let plain = match std::str::from_utf8(body) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(body),
        };
        if let Ok(value) = plain {
            return Ok(value);
        }
        let mut de = serde_json::Deserializer::from_slice(body);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let at = e.path().to_string();
            let inner = e.into_inner();
            if at == "." || inner.is_eof() || inner.is_syntax() {
                failed(inner.to_string())
            } else {
                failed(format!("at {at}: {inner}"))
            }
        })?;
        de.end().map_err(|e| failed(e.to_string()))?;
        Ok(value)
    }
}

/// An access key shortened for messages: `SIMA…EY`.
pub fn key_hint(access_key: &str) -> String {
    let chars: Vec<char> = access_key.chars().collect();
    if chars.len() <= 8 {
        return "(a short access key)".to_string();
    }
    let head: String = chars.iter().take(4).collect();
    let tail: String = chars.iter().skip(chars.len() - 2).collect();
    format!("{head}…{tail}")
}

/// `16 MiB`, `512 KiB`, `100 bytes`.
fn human_bytes(n: usize) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}
