//! Connections: straight to the endpoint, through a CONNECT tunnel of an HTTPS
//! proxy, or to an HTTP forward proxy, the way reqwest 0.13 made them for this
//! crate before (its `connect.rs`, `ConnectorService::connect_with_maybe_proxy` and
//! `connect_via_proxy`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, USER_AGENT};
use http::uri::{Scheme, Uri};
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tower_service::Service;

use super::error::{BoxError, TimedOut};

/// A TCP connection, with TLS when its scheme (the endpoint's or the proxy's) is https.
type Tcp = MaybeHttpsStream<TokioIo<TcpStream>>;

/// Makes the connections of one transport; cheap to clone (the pool clones it).
#[derive(Clone)]
pub(crate) struct Connector {
    /// To the endpoint, or to an HTTP forward proxy (TLS by the URI's scheme).
    direct: HttpsConnector<HttpConnector>,
    /// To an HTTPS proxy that tunnels: TLS without ALPN, which is the tunnelled
    /// connection's business.
    to_proxy: HttpsConnector<HttpConnector>,
    /// The endpoint's TLS inside a tunnel.
    tunnelled: tokio_rustls::TlsConnector,
    proxies: Option<Arc<Matcher>>,
    /// Over the whole connection: DNS, TCP, the proxy's answer and TLS.
    connect_timeout: Option<Duration>,
    /// Sent on CONNECT too, as reqwest did.
    user_agent: Option<HeaderValue>,
}

impl Connector {
    pub(crate) fn new(
        tls: rustls::ClientConfig,
        proxies: Option<Arc<Matcher>>,
        connect_timeout: Option<Duration>,
        user_agent: Option<HeaderValue>,
    ) -> Connector {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        // Per address tried; the whole connection's limit is `connect_timeout` below.
        tcp.set_connect_timeout(connect_timeout);
        // reqwest's defaults: a peer gone silent is noticed within about a minute.
        tcp.set_keepalive(Some(Duration::from_secs(15)));
        tcp.set_keepalive_interval(Some(Duration::from_secs(15)));
        tcp.set_keepalive_retries(Some(3));
        #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
        tcp.set_tcp_user_timeout(Some(Duration::from_secs(30)));
        let mut proxy_tls = tls.clone();
        proxy_tls.alpn_protocols.clear();
        let tls = Arc::new(tls);
        Connector {
            direct: HttpsConnector::from((tcp.clone(), tls.clone())),
            to_proxy: HttpsConnector::from((tcp, Arc::new(proxy_tls))),
            tunnelled: tokio_rustls::TlsConnector::from(tls),
            proxies,
            connect_timeout,
            user_agent,
        }
    }

    async fn connect(self, dst: Uri) -> Result<Conn, BoxError> {
        let Some(proxy) = self.proxies.as_ref().and_then(|m| m.intercept(&dst)) else {
            return Ok(Conn { io: Io::Direct(call(self.direct, dst).await?), proxied: false });
        };
        if dst.scheme() != Some(&Scheme::HTTPS) {
            // An http:// endpoint through an HTTP proxy: the request goes to the proxy
            // with its absolute URI (hyper-util writes that form for a proxied connection).
            return Ok(Conn { io: Io::Direct(call(self.direct, proxy.uri().clone()).await?), proxied: true });
        }
        let mut tunnel = Tunnel::new(proxy.uri().clone(), self.to_proxy);
        if let Some(auth) = proxy.basic_auth() {
            tunnel = tunnel.with_auth(auth.clone());
        }
        if let Some(agent) = self.user_agent {
            let mut headers = HeaderMap::new();
            headers.insert(USER_AGENT, agent);
            tunnel = tunnel.with_headers(headers);
        }
        let name = server_name(&dst)?;
        let through = call(tunnel, dst).await?;
        let tls = self.tunnelled.connect(name, TokioIo::new(through)).await?;
        Ok(Conn { io: Io::Tunnelled(Box::new(TokioIo::new(tls))), proxied: false })
    }
}

/// A service's answer for `dst`, once it is ready.
async fn call<S>(mut service: S, dst: Uri) -> Result<S::Response, BoxError>
where
    S: Service<Uri>,
    S::Error: Into<BoxError>,
{
    std::future::poll_fn(|cx| service.poll_ready(cx)).await.map_err(Into::into)?;
    service.call(dst).await.map_err(Into::into)
}

/// The name TLS checks the certificate against: the URI's host, an IPv6 address
/// without its brackets.
fn server_name(dst: &Uri) -> Result<ServerName<'static>, BoxError> {
    let host = dst.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    Ok(ServerName::try_from(host.to_string())?)
}

impl Service<Uri> for Connector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // Each call clones what it needs; nothing here is ever busy.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let limit = self.connect_timeout;
        let connecting = self.clone().connect(dst);
        Box::pin(async move {
            match limit {
                Some(limit) => tokio::time::timeout(limit, connecting).await.map_err(|_| BoxError::from(TimedOut))?,
                None => connecting.await,
            }
        })
    }
}

/// One connection of the pool.
pub(crate) struct Conn {
    io: Io,
    /// An HTTP forward proxy's connection: requests carry their absolute URI.
    proxied: bool,
}

// hyper moves a connection once, into its own task, so the size is not copied
// per request; the rare tunnel (TLS inside TLS when the proxy is https) is boxed.
#[allow(clippy::large_enum_variant)]
enum Io {
    Direct(Tcp),
    Tunnelled(Box<TokioIo<tokio_rustls::client::TlsStream<TokioIo<Tcp>>>>),
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new().proxy(self.proxied)
    }
}

impl Read for Conn {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Direct(io) => Pin::new(io).poll_read(cx, buf),
            Io::Tunnelled(io) => Pin::new(&mut **io).poll_read(cx, buf),
        }
    }
}

impl Write for Conn {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().io {
            Io::Direct(io) => Pin::new(io).poll_write(cx, buf),
            Io::Tunnelled(io) => Pin::new(&mut **io).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().io {
            Io::Direct(io) => Pin::new(io).poll_write_vectored(cx, bufs),
            Io::Tunnelled(io) => Pin::new(&mut **io).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match &self.io {
            Io::Direct(io) => io.is_write_vectored(),
            Io::Tunnelled(io) => io.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Direct(io) => Pin::new(io).poll_flush(cx),
            Io::Tunnelled(io) => Pin::new(&mut **io).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            Io::Direct(io) => Pin::new(io).poll_shutdown(cx),
            Io::Tunnelled(io) => Pin::new(&mut **io).poll_shutdown(cx),
        }
    }
}
