//! The HTTP transport under every client of this crate (the API's, IAM's, the
//! metadata service's): HTTP/1.1 over a pool of keep-alive connections, TLS by
//! rustls, proxies from the environment, a time limit over the whole exchange and a
//! size limit on the answer. Nothing else: redirects are never followed (a 3xx comes
//! back as it is) and retries are the callers' (`retry.rs`, with the API's own rules).
//!
//! It replaced reqwest (docs/development/http-transport.md): the same hyper-util
//! client, connector, TLS and proxy choices underneath, without the layers this crate
//! never used, whose URL re-parsing cost 7.6% of a 100-notebook plan's planning launch.

mod connect;
mod error;
mod tls;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, PROXY_AUTHORIZATION, USER_AGENT};
use http::uri::Scheme;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Body;
use hyper_util::client::legacy::Client;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioTimer};

pub use error::BuildError;
pub(crate) use error::{Error, Stage};
pub(crate) use tls::Roots;

/// Where requests go through a proxy.
#[derive(Debug)]
pub(crate) enum Proxies {
    /// Never (the metadata service, a link-local address).
    Off,
    /// As `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` say (upper case
    /// first), read when the transport is made; none at all when `REQUEST_METHOD`
    /// is set (a CGI program's `HTTP_PROXY` may come from a request's header).
    FromEnvironment,
    /// These (tests: the process's environment is shared by parallel tests).
    #[cfg(test)]
    Given(Box<Matcher>),
}

/// What a transport is made from.
#[derive(Debug)]
pub(crate) struct Settings<'a> {
    pub(crate) roots: Roots<'a>,
    /// A client certificate and its key, in PEM.
    pub(crate) identity_pem: Option<&'a [u8]>,
    /// Verify no certificate (`insecure`).
    pub(crate) insecure: bool,
    /// Over the whole exchange: connecting, sending, and reading the answer's body.
    pub(crate) request_timeout: Duration,
    pub(crate) connect_timeout: Option<Duration>,
    /// How long an unused connection stays open for the next request.
    pub(crate) pool_idle: Duration,
    pub(crate) user_agent: Option<&'static str>,
    pub(crate) proxies: Proxies,
}

/// A pooled HTTP/1.1 client; clones share the pool.
#[derive(Clone)]
pub(crate) struct Transport {
    shared: Arc<Shared>,
}

struct Shared {
    client: Client<connect::Connector, Full<Bytes>>,
    timeout: Duration,
    user_agent: Option<HeaderValue>,
    proxies: Option<Arc<Matcher>>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").field("timeout", &self.shared.timeout).finish_non_exhaustive()
    }
}

/// An answer, its body read whole.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub(crate) head: http::response::Parts,
    pub(crate) body: Vec<u8>,
}

/// Why an exchange gave no whole answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No answer's head arrived (connecting failed, or sending, or waiting).
    Request(Error),
    /// The answer (by its `Content-Length`, or as it streamed) is larger than the limit.
    TooLarge { status: StatusCode },
    /// The head arrived, its body did not.
    Body { status: StatusCode, error: Error },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Request(e) | Failure::Body { error: e, .. } => e.fmt(f),
            Failure::TooLarge { status } => write!(f, "the answer to HTTP {} is too large", status.as_u16()),
        }
    }
}

impl Transport {
    pub(crate) fn new(settings: Settings<'_>) -> Result<Transport, BuildError> {
        let tls = tls::client_config(settings.roots, settings.identity_pem, settings.insecure)?;
        let proxies = match settings.proxies {
            Proxies::Off => None,
            Proxies::FromEnvironment => Some(Arc::new(Matcher::from_env())),
            #[cfg(test)]
            Proxies::Given(m) => Some(Arc::new(*m)),
        };
        let user_agent = settings.user_agent.map(HeaderValue::from_static);
        let connector = connect::Connector::new(tls, proxies.clone(), settings.connect_timeout, user_agent.clone());
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(settings.pool_idle)
            .pool_timer(TokioTimer::new())
            .build(connector);
        Ok(Transport { shared: Arc::new(Shared { client, timeout: settings.request_timeout, user_agent, proxies }) })
    }

    /// Sends `req` and reads its answer whole, refusing one larger than `limit`
    /// bytes, all within the request timeout. `Accept: */*` and the user agent are
    /// added unless `req` has its own.
    pub(crate) async fn fetch(&self, mut req: Request<Full<Bytes>>, limit: usize) -> Result<Fetched, Failure> {
        let shared = &*self.shared;
        let headers = req.headers_mut();
        headers.entry(ACCEPT).or_insert_with(|| HeaderValue::from_static("*/*"));
        if let Some(agent) = &shared.user_agent {
            headers.entry(USER_AGENT).or_insert_with(|| agent.clone());
        }
        // An http:// request through a forward proxy shows the proxy its credentials;
        // an https:// one shows them on the tunnel's CONNECT instead (`connect.rs`).
        if req.uri().scheme() == Some(&Scheme::HTTP) && !req.headers().contains_key(PROXY_AUTHORIZATION) {
            let auth = shared.proxies.as_ref().and_then(|m| m.intercept(req.uri())?.basic_auth().cloned());
            if let Some(auth) = auth {
                req.headers_mut().insert(PROXY_AUTHORIZATION, auth);
            }
        }
        let deadline = tokio::time::sleep(shared.timeout);
        tokio::pin!(deadline);
        let answer = tokio::select! {
            answer = shared.client.request(req) => answer.map_err(|e| Failure::Request(Error::new(Stage::Request, e)))?,
            _ = &mut deadline => return Err(Failure::Request(Error::new(Stage::Request, error::TimedOut))),
        };
        let (head, mut incoming) = answer.into_parts();
        let status = head.status;
        if incoming.size_hint().exact().is_some_and(|n| n > limit as u64) {
            return Err(Failure::TooLarge { status });
        }
        // Read frame by frame, so a huge or endless answer is refused without being held.
        let mut body = Vec::new();
        loop {
            let frame = tokio::select! {
                frame = incoming.frame() => frame,
                _ = &mut deadline => return Err(Failure::Body { status, error: Error::new(Stage::Body, error::TimedOut) }),
            };
            match frame {
                None => break,
                Some(Err(e)) => return Err(Failure::Body { status, error: Error::new(Stage::Body, e) }),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        if body.len() + data.len() > limit {
                            return Err(Failure::TooLarge { status });
                        }
                        body.extend_from_slice(&data);
                    }
                }
            }
        }
        Ok(Fetched { head, body })
    }
}
