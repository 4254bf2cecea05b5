//! Runs a tfplugin6 provider service as a go-plugin gRPC server: listener, TLS,
//! the go-plugin side services, and shutdown.

use std::io::{self, Write as _};
use std::net::Ipv4Addr;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status};

use super::handshake::{handshake_line, reattach_line, LaunchEnv, LaunchError};
use super::tls::{self, TlsError};
use crate::proto::health::health_server::{Health, HealthServer};
use crate::proto::health::{health_check_response::ServingStatus, HealthCheckRequest, HealthCheckResponse};
use crate::proto::plugin::grpc_broker_server::{GrpcBroker, GrpcBrokerServer};
use crate::proto::plugin::grpc_controller_server::{GrpcController, GrpcControllerServer};
use crate::proto::plugin::grpc_stdio_server::{GrpcStdio, GrpcStdioServer};
use crate::proto::plugin::{ConnInfo, Empty, StdioData};
use crate::proto::tfplugin6::provider_server::{Provider, ProviderServer};

/// Largest gRPC message accepted or sent; Terraform's own limit is far above any
/// single resource's state, so this only guards against garbage.
const MAX_MESSAGE_BYTES: usize = 256 << 20;

/// Why the plugin could not serve.
#[derive(Debug)]
pub enum ServeError {
    /// Terraform's launch environment is unusable.
    Launch(LaunchError),
    /// `PLUGIN_CLIENT_CERT` holds no certificate.
    ClientCert(TlsError),
    /// The plugin's own certificate or TLS configuration.
    Tls(TlsError),
    /// Listening or writing the handshake line failed.
    Io {
        /// What was being done.
        doing: &'static str,
        /// The failure.
        source: io::Error,
    },
    /// No free port in the range Terraform gave.
    NoFreePort {
        /// The lowest port tried.
        min: u16,
        /// The highest port tried.
        max: u16,
    },
    /// The gRPC server stopped with an error.
    Transport(tonic::transport::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Launch(e) => e.fmt(f),
            ServeError::ClientCert(e) => write!(f, "PLUGIN_CLIENT_CERT: {e}"),
            ServeError::Tls(e) => write!(f, "TLS: {e}"),
            ServeError::Io { doing, source } => write!(f, "{doing}: {source}"),
            ServeError::NoFreePort { min, max } => write!(f, "no free port between {min} and {max}"),
            ServeError::Transport(e) => write!(f, "the gRPC server failed: {e}"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Launch(e) => Some(e),
            ServeError::ClientCert(e) | ServeError::Tls(e) => Some(e),
            ServeError::Io { source, .. } => Some(source),
            ServeError::NoFreePort { .. } => None,
            ServeError::Transport(e) => Some(e),
        }
    }
}

impl From<LaunchError> for ServeError {
    fn from(e: LaunchError) -> Self {
        ServeError::Launch(e)
    }
}

impl From<TlsError> for ServeError {
    fn from(e: TlsError) -> Self {
        ServeError::Tls(e)
    }
}

/// An I/O failure while `doing` something.
fn io_error(doing: &'static str) -> impl FnOnce(io::Error) -> ServeError {
    move |source| ServeError::Io { doing, source }
}

/// How the plugin was started.
#[derive(Debug)]
pub enum Launch {
    /// By Terraform, with the handshake environment.
    Terraform(LaunchEnv),
    /// By a developer with `--debug`: plain TCP, and a reattach line to export.
    Debug {
        /// The provider's registry address, for the reattach line.
        provider_address: String,
    },
}

/// Serves `provider` until Terraform calls `GRPCController.Shutdown` (or, in debug
/// mode, until the process is interrupted). Returns the process exit code.
pub async fn serve<P: Provider>(provider: P, launch: Launch) -> ExitCode {
    match run(provider, launch).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e}", program_name());
            ExitCode::FAILURE
        }
    }
}

/// The running executable's name, for messages (`terraform-provider-NAME`).
fn program_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "provider".to_string())
}

async fn run<P: Provider>(provider: P, launch: Launch) -> Result<(), ServeError> {
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let (listener, acceptor, announce) = match &launch {
        Launch::Terraform(env) => {
            env.negotiate_version()?;
            let listener = bind_in_range(env.port_range()?).await?;
            let addr = listener.local_addr().map_err(io_error("reading the listening address"))?;
            match &env.client_cert {
                Some(pem) => {
                    let client_der = tls::pem_certificate_der(pem).map_err(ServeError::ClientCert)?;
                    let identity = tls::generate_identity()?;
                    let config = identity.mtls_server_config(client_der)?;
                    let line = handshake_line(addr, Some(&identity.cert_der));
                    (listener, Some(TlsAcceptor::from(Arc::new(config))), line)
                }
                None => (listener, None, handshake_line(addr, None)),
            }
        }
        Launch::Debug { provider_address } => {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.map_err(io_error("listening"))?;
            let addr = listener.local_addr().map_err(io_error("reading the listening address"))?;
            let text = format!(
                "Provider started in debug mode. To attach Terraform, export this in the shell that runs terraform:\n\n\texport {}\n\nStop the provider with Ctrl-C.",
                reattach_line(provider_address, addr)
            );
            (listener, None, text)
        }
    };

    let incoming = accept_loop(listener, acceptor, shutdown_rx.clone());
    let debug = matches!(launch, Launch::Debug { .. });
    spawn_interrupt_watch(debug, shutdown_tx.clone());

    // One short line to the pipe Terraform reads, written in place: tokio's stdout
    // would start two blocking-pool threads for it in every launch.
    {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(format!("{announce}\n").as_bytes()).map_err(io_error("writing the handshake line"))?;
        stdout.flush().map_err(io_error("writing the handshake line"))?;
    }
    tracing::debug!(line = %announce, "plugin handshake sent");

    let provider_svc = ProviderServer::new(provider)
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let side = SideServices { shutdown_tx: shutdown_tx.clone(), shutdown_rx: shutdown_rx.clone() };
    let mut shutdown_wait = shutdown_rx.clone();
    let server = tonic::transport::Server::builder()
        .add_service(provider_svc)
        .add_service(GrpcControllerServer::new(side.clone()))
        .add_service(GrpcStdioServer::new(side.clone()))
        .add_service(GrpcBrokerServer::new(side.clone()))
        .add_service(HealthServer::new(side))
        .serve_with_incoming_shutdown(incoming, async move {
            let _ = shutdown_wait.wait_for(|s| *s).await;
        });
    // Graceful shutdown waits for open streams; Terraform expects the process to be
    // gone within a couple of seconds of Shutdown, so cap the wait.
    let mut deadline = shutdown_rx.clone();
    tokio::select! {
        r = server => r.map_err(ServeError::Transport)?,
        _ = async move {
            let _ = deadline.wait_for(|s| *s).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        } => {}
    }
    tracing::debug!("plugin server stopped");
    Ok(())
}

/// Binds 127.0.0.1 on a free port in `range`, starting at a random point so that
/// plugins started together do not race for the same ports.
// Platform: TCP on 127.0.0.1 everywhere — what go-plugin uses on Windows, and accepted
// by Terraform on Linux and macOS too (no Unix socket, so no path-length or
// permission differences between platforms).
async fn bind_in_range(range: Option<(u16, u16)>) -> Result<TcpListener, ServeError> {
    let Some((min, max)) = range else {
        return TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.map_err(io_error("listening"));
    };
    let span = u32::from(max - min) + 1;
    let start = (std::process::id().wrapping_mul(2_654_435_761)) % span;
    for i in 0..span {
        let port = min + ((start + i) % span) as u16;
        if let Ok(l) = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
            return Ok(l);
        }
    }
    Err(ServeError::NoFreePort { min, max })
}

/// Accepts connections, sets TCP_NODELAY (each RPC round otherwise waits on delayed
/// ACKs), and completes TLS handshakes off the accept path.
fn accept_loop(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) -> ReceiverStream<io::Result<PluginConn>> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                _ = shutdown.wait_for(|s| *s) => break,
            };
            let (stream, peer) = match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            };
            if let Err(e) = stream.set_nodelay(true) {
                tracing::warn!(error = %e, "could not set TCP_NODELAY");
            }
            match &acceptor {
                None => {
                    if tx.send(Ok(PluginConn::Plain(stream))).await.is_err() {
                        break;
                    }
                }
                Some(acceptor) => {
                    let (acceptor, tx) = (acceptor.clone(), tx.clone());
                    tokio::spawn(async move {
                        match acceptor.accept(stream).await {
                            Ok(tls) => {
                                let _ = tx.send(Ok(PluginConn::Tls(Box::new(tls)))).await;
                            }
                            Err(e) => tracing::warn!(%peer, error = %e, "refused a gRPC client: TLS handshake failed"),
                        }
                    });
                }
            }
        }
    });
    ReceiverStream::new(rx)
}

/// Terraform forwards Ctrl-C to the whole process group; like Go plugins, the
/// provider ignores it (Terraform asks it to stop via StopProvider instead). In debug
/// mode nobody else will stop it, so Ctrl-C shuts it down.
// Platform: `ctrl_c` is SIGINT on Unix and the console's Ctrl-C on Windows; nothing
// else is needed on either.
fn spawn_interrupt_watch(debug: bool, shutdown: watch::Sender<bool>) {
    tokio::spawn(async move {
        loop {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            if debug {
                let _ = shutdown.send(true);
                return;
            }
            tracing::debug!("interrupt received; waiting for Terraform to stop the provider");
        }
    });
}

/// One accepted connection, with or without TLS.
#[derive(Debug)]
pub enum PluginConn {
    /// Plain TCP (`--debug`).
    Plain(TcpStream),
    /// TLS (AutoMTLS, when Terraform launched the plugin).
    Tls(Box<TlsStream<TcpStream>>),
}

impl Connected for PluginConn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for PluginConn {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for PluginConn {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            PluginConn::Plain(s) => s.is_write_vectored(),
            PluginConn::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_flush(cx),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// go-plugin's controller, stdio and broker services, and the gRPC health check.
#[derive(Clone)]
struct SideServices {
    shutdown_tx: watch::Sender<bool>,
    shutdown_rx: watch::Receiver<bool>,
}

impl SideServices {
    /// A response stream that yields nothing and ends when the plugin shuts down.
    fn idle_stream<T: Send + 'static>(&self) -> ReceiverStream<Result<T, Status>> {
        let (tx, rx) = mpsc::channel(1);
        let mut shutdown = self.shutdown_rx.clone();
        tokio::spawn(async move {
            let _ = shutdown.wait_for(|s| *s).await;
            drop(tx);
        });
        ReceiverStream::new(rx)
    }
}

#[tonic::async_trait]
impl GrpcController for SideServices {
    async fn shutdown(&self, _: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("shutdown requested by Terraform");
        let _ = self.shutdown_tx.send(true);
        Ok(Response::new(Empty {}))
    }
}

#[tonic::async_trait]
impl GrpcStdio for SideServices {
    type StreamStdioStream = ReceiverStream<Result<StdioData, Status>>;

    /// The provider never writes to its own stdout after the handshake (logs go to
    /// stderr, which Terraform reads directly), so there is nothing to mirror.
    async fn stream_stdio(&self, _: Request<()>) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(self.idle_stream()))
    }
}

#[tonic::async_trait]
impl GrpcBroker for SideServices {
    type StartStreamStream = ReceiverStream<Result<ConnInfo, Status>>;

    async fn start_stream(
        &self,
        _: Request<tonic::Streaming<ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        Ok(Response::new(self.idle_stream()))
    }
}

#[tonic::async_trait]
impl Health for SideServices {
    async fn check(&self, _: Request<HealthCheckRequest>) -> Result<Response<HealthCheckResponse>, Status> {
        Ok(Response::new(HealthCheckResponse { status: ServingStatus::Serving as i32 }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_stream::StreamExt;

    /// Without TCP_NODELAY, every RPC round can wait ~40 ms on delayed ACKs.
    #[tokio::test]
    async fn accepted_sockets_have_nodelay() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (_tx, rx) = watch::channel(false);
        let mut incoming = accept_loop(listener, None, rx);
        let _client = TcpStream::connect(addr).await.unwrap();
        match incoming.next().await {
            Some(Ok(PluginConn::Plain(s))) => assert!(s.nodelay().unwrap()),
            _ => panic!("expected a plain connection"),
        }
    }

    #[tokio::test]
    async fn binds_within_the_port_range() {
        let l = bind_in_range(Some((20000, 20100))).await.unwrap();
        let port = l.local_addr().unwrap().port();
        assert!((20000..=20100).contains(&port));
        // A range whose only port is taken is an error, not a hang.
        let taken = l.local_addr().unwrap().port();
        assert!(bind_in_range(Some((taken, taken))).await.is_err());
    }
}
