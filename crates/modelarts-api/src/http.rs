//! The HTTP transports under the API clients: one per set of TLS settings in a
//! process, shared by every API client (each region's, IAM's, an agency's).

use std::collections::HashMap;
use std::time::Duration;

use super::transport::{Proxies, Roots, Settings, Transport};
use super::{ClientConfig, ClientConfigError};

/// What a transport is built from: clients alike share one (and its connection
/// pool and TLS roots).
#[derive(Clone, PartialEq, Eq, Hash)]
struct HttpSettings {
    ca_pem: Option<Vec<u8>>,
    identity_pem: Option<Vec<u8>>,
    insecure: bool,
    request_timeout: Duration,
    plain_http: bool,
}

/// The transport for `config`'s settings, built once per process and shared:
/// building one loads and parses the system's root certificates, a tenth of a
/// plan's launch when done for every client. An `http://` endpoint (a simulator,
/// a private gateway) needs no roots at all: its transport trusts none but
/// `cacert_file`'s, and never reads the system's.
pub(super) fn client(config: &ClientConfig, plain_http: bool) -> Result<Transport, ClientConfigError> {
    static BUILT: std::sync::OnceLock<std::sync::Mutex<HashMap<HttpSettings, Transport>>> = std::sync::OnceLock::new();
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
    let roots = match plain_http {
        true => Roots::Only(settings.ca_pem.as_deref()),
        false => Roots::Platform { extra: settings.ca_pem.as_deref() },
    };
    let transport = Transport::new(Settings {
        roots,
        identity_pem: settings.identity_pem.as_deref(),
        insecure: settings.insecure,
        request_timeout: settings.request_timeout,
        connect_timeout: Some(Duration::from_secs(10)),
        pool_idle: Duration::from_secs(60),
        user_agent: Some(concat!("terraform-provider-modelarts/", env!("CARGO_PKG_VERSION"))),
        proxies: Proxies::FromEnvironment,
    })
    .map_err(ClientConfigError::Http)?;
    built.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(settings, transport.clone());
    Ok(transport)
}
