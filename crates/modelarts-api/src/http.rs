//! The HTTP clients under the API clients: one per set of TLS settings in a
//! process, shared by every API client (each region's, IAM's, an agency's).

use std::collections::HashMap;
use std::time::Duration;

use super::{ClientConfig, ClientConfigError};

/// What an HTTP client is built from: clients alike share one (and its
/// connection pool and TLS roots).
#[derive(Clone, PartialEq, Eq, Hash)]
struct HttpSettings {
    ca_pem: Option<Vec<u8>>,
    identity_pem: Option<Vec<u8>>,
    insecure: bool,
    request_timeout: Duration,
    plain_http: bool,
}

/// The HTTP client for `config`'s settings, built once per process and shared:
/// building one loads and parses the system's root certificates, a tenth of a
/// plan's launch when done for every client. An `http://` endpoint (a simulator,
/// a private gateway) needs no roots at all: its client trusts none.
pub(super) fn client(config: &ClientConfig, plain_http: bool) -> Result<reqwest::Client, ClientConfigError> {
    static BUILT: std::sync::OnceLock<std::sync::Mutex<HashMap<HttpSettings, reqwest::Client>>> =
        std::sync::OnceLock::new();
    let settings = HttpSettings {
        ca_pem: config.ca_pem.clone(),
        identity_pem: config.identity_pem.clone(),
        insecure: config.insecure,
        request_timeout: config.request_timeout,
        plain_http,
    };
    let built = BUILT.get_or_init(Default::default);
    if let Some(client) = built.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&settings) {
        return Ok(client.clone());
    }
    let mut builder = reqwest::Client::builder();
    if plain_http {
        // Never used to verify anything: no TLS happens on this client (a redirect,
        // which could lead elsewhere, is refused).
        builder = builder.tls_certs_only(std::iter::empty());
    }
    if let Some(pem) = &settings.ca_pem {
        for cert in reqwest::Certificate::from_pem_bundle(pem).map_err(ClientConfigError::Http)? {
            builder = builder.add_root_certificate(cert);
        }
    }
    if let Some(pem) = &settings.identity_pem {
        builder = builder.identity(reqwest::Identity::from_pem(pem).map_err(ClientConfigError::Http)?);
    }
    let client = builder
        .timeout(settings.request_timeout)
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        .danger_accept_invalid_certs(settings.insecure)
        // Never followed: a redirect is an error naming where it pointed.
        .redirect(reqwest::redirect::Policy::none())
        // Retries are ours (`retry.rs`, with the API's own rules). reqwest's layer only
        // ever retries HTTP/2 refusals, and this client speaks HTTP/1.1; by default it
        // still copied every request's method, URI, headers and extensions in case it
        // would (callgrind: 1% of a 100-notebook plan's planning launch). With no
        // retry allowed it copies nothing.
        .retry(reqwest::retry::never().max_retries_per_request(0))
        .user_agent(concat!("terraform-provider-modelarts/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(ClientConfigError::Http)?;
    built.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(settings, client.clone());
    Ok(client)
}
