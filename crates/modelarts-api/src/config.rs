//! What a [`Client`](crate::Client) is made from: its endpoint, project, keys and
//! limits, and why a configuration cannot make one.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::{credentials, signer, Backoff, PollSchedule};

/// Everything a client needs. Secrets are never printed by `Debug`.
#[derive(Clone)]
pub struct ClientConfig {
    /// Base URL: scheme, host, optional port and optional path prefix.
    pub endpoint: String,
    /// The project the calls are for (`X-Project-Id`, and the `{project_id}` of paths).
    pub project_id: String,
    /// The access key (AK) requests are signed with.
    pub access_key: String,
    /// The secret key (SK) requests are signed with; never printed.
    pub secret_key: String,
    /// The security token of temporary credentials (`X-Security-Token`); never printed.
    pub security_token: Option<String>,
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// CA certificates to trust besides the system's (PEM), e.g. a private cloud's.
    pub ca_pem: Option<Vec<u8>>,
    /// A client certificate and its private key (PEM, both in one buffer), for
    /// endpoints that ask for one (mutual TLS).
    pub identity_pem: Option<Vec<u8>>,
    /// Retries of a call that failed in a way worth retrying.
    pub max_retries: u32,
    /// How long one attempt may take, its answer read included.
    pub request_timeout: Duration,
    /// The delays between retries.
    pub backoff: Backoff,
    /// How often a wait looks at the awaited object.
    pub poll: PollSchedule,
    /// Answers larger than this are refused (an error naming the call), read without
    /// holding more than this in memory.
    pub max_answer_bytes: usize,
    /// Which setting chose `endpoint`, for errors that cannot reach it ("The
    /// endpoint comes from ...").
    pub endpoint_origin: String,
    /// Where the keys came from (`HW_ACCESS_KEY`, `profile "ci" of FILE`), named when
    /// the API refuses them.
    pub credentials_origin: String,
    /// Keys from a source (the instance metadata service), fetched again before they
    /// expire; `None`: the fixed `access_key`, `secret_key` and `security_token`.
    pub credentials: Option<Arc<credentials::Credentials>>,
    /// How requests are signed (`signing_algorithm`).
    pub algorithm: signer::Algorithm,
    /// Never send more requests a second than this (an account's known limit); the
    /// pacer slows down below it by itself when the API throttles.
    pub max_requests_per_second: Option<f64>,
    /// Tag keys managed by something else: left out of every notebook this client
    /// reads, and never changed or deleted by it.
    pub ignored_tag_keys: std::collections::BTreeSet<String>,
}

/// The default for [`ClientConfig::max_answer_bytes`]: far above any real answer.
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 16 << 20;

impl ClientConfig {
    /// A configuration with the defaults for everything but these.
    pub fn new(endpoint: &str, project_id: &str, access_key: &str, secret_key: &str) -> Self {
        ClientConfig {
            endpoint: endpoint.to_string(),
            project_id: project_id.to_string(),
            access_key: access_key.to_string(),
            secret_key: secret_key.to_string(),
            security_token: None,
            insecure: false,
            ca_pem: None,
            identity_pem: None,
            max_retries: 5,
            request_timeout: Duration::from_secs(60),
            backoff: Backoff::default(),
            poll: PollSchedule::default(),
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            endpoint_origin: String::new(),
            credentials_origin: String::new(),
            credentials: None,
            algorithm: signer::Algorithm::HmacSha256,
            max_requests_per_second: None,
            ignored_tag_keys: Default::default(),
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("endpoint", &self.endpoint)
            .field("project_id", &self.project_id)
            .field("access_key", &self.access_key)
            .field("insecure", &self.insecure)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// Why a client could not be made from its configuration.
#[derive(Debug)]
pub enum ClientConfigError {
    /// The endpoint is not a URL.
    Endpoint {
        /// The endpoint as configured.
        endpoint: String,
        /// Why it does not parse.
        source: <Url as std::str::FromStr>::Err,
    },
    /// The endpoint is a URL, but not an `http://` or `https://` one with a host.
    NotHttp {
        /// The endpoint as configured.
        endpoint: String,
    },
    /// The HTTP client could not be built (a PEM file, or TLS settings rustls refuses).
    Http(crate::transport::BuildError),
    /// The keys' source could not be set up.
    Credentials(String),
}

impl std::fmt::Display for ClientConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientConfigError::Endpoint { endpoint, source } => write!(f, "endpoint {endpoint:?}: {source}"),
            ClientConfigError::NotHttp { endpoint } => {
                write!(f, "endpoint {endpoint:?} must be an http:// or https:// URL with a host")
            }
            ClientConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
            ClientConfigError::Credentials(e) => write!(f, "cannot set up the keys: {e}"),
        }
    }
}

impl std::error::Error for ClientConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientConfigError::Endpoint { source, .. } => Some(source),
            ClientConfigError::NotHttp { .. } => None,
            ClientConfigError::Http(e) => Some(e),
            ClientConfigError::Credentials(_) => None,
        }
    }
}
