//! Runs a tfplugin6 provider service as a go-plugin gRPC server: listener, TLS,
//! the go-plugin side services, and shutdown.

use std::io::{self, Write as _};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::grpc::{self, RoutesBuilder};
use super::handshake::{handshake_line, reattach_line, LaunchEnv, LaunchError};
pub use super::listen::PluginConn;
use super::listen::{BindError, PluginListener};
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
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Launch(e) => e.fmt(f),
            ServeError::ClientCert(e) => write!(f, "PLUGIN_CLIENT_CERT: {e}"),
            ServeError::Tls(e) => write!(f, "TLS: {e}"),
            ServeError::Io { doing, source } => write!(f, "{doing}: {source}"),
            ServeError::NoFreePort { min, max } => write!(f, "no free port between {min} and {max}"),
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
            let listener = PluginListener::for_terraform(env).await.map_err(|e| match e {
                BindError::Launch(e) => ServeError::Launch(e),
                BindError::Io(source) => ServeError::Io { doing: "listening", source },
                BindError::NoFreePort { min, max } => ServeError::NoFreePort { min, max },
            })?;
            let addr = listener.local_addr().map_err(io_error("reading the listening address"))?;
            match &env.client_cert {
                Some(pem) => {
                    let client_der = tls::pem_certificate_der(pem).map_err(ServeError::ClientCert)?;
                    let identity = tls::generate_identity()?;
                    let config = identity.mtls_server_config(client_der)?;
                    let line = handshake_line(&addr, Some(&identity.cert_der));
                    (listener, Some(TlsAcceptor::from(Arc::new(config))), line)
                }
                None => (listener, None, handshake_line(&addr, None)),
            }
        }
        Launch::Debug { provider_address } => {
            let (listener, addr) = PluginListener::tcp_any_port().await.map_err(io_error("listening"))?;
            let text = format!(
                "Provider started in debug mode. To attach Terraform, export this in the shell that runs terraform:\n\n\texport {}\n\nStop the provider with Ctrl-C.",
                reattach_line(provider_address, addr)
            );
            (listener, None, text)
        }
    };

    let (incoming, accepting) = accept_loop(listener, acceptor, shutdown_rx.clone());
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
    let routes = RoutesBuilder::default()
        .add(provider_svc)
        .add(GrpcControllerServer::new(side.clone()))
        .add(GrpcStdioServer::new(side.clone()))
        .add(GrpcBrokerServer::new(side.clone()))
        .add(HealthServer::new(side))
        .build();
    // Graceful shutdown waits for open streams; Terraform expects the process to be
    // gone within a couple of seconds of Shutdown, so cap the wait.
    let mut deadline = shutdown_rx.clone();
    tokio::select! {
        () = grpc::serve(incoming, routes, shutdown_rx) => {}
        _ = async move {
            let _ = deadline.wait_for(|s| *s).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        } => {}
    }
    // The accept loop ends with the shutdown and drops the listener, removing a Unix
    // socket's file; waited for here, so that it is gone when `serve` returns even if
    // the process then ends without dropping its runtime.
    let _ = accepting.await;
    tracing::debug!("plugin server stopped");
    Ok(())
}

/// Accepts connections and completes TLS handshakes off the accept path; the task
/// ends, dropping the listener, when `shutdown` turns true.
fn accept_loop(
    listener: PluginListener,
    acceptor: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) -> (ReceiverStream<io::Result<PluginConn>>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(16);
    let task = tokio::spawn(async move {
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
            match &acceptor {
                None => {
                    if tx.send(Ok(PluginConn::new(stream))).await.is_err() {
                        break;
                    }
                }
                Some(acceptor) => {
                    let (acceptor, tx) = (acceptor.clone(), tx.clone());
                    tokio::spawn(async move {
                        match acceptor.accept(stream).await {
                            Ok(tls) => {
                                let _ = tx.send(Ok(PluginConn::new(tls))).await;
                            }
                            Err(e) => tracing::warn!(%peer, error = %e, "refused a gRPC client: TLS handshake failed"),
                        }
                    });
                }
            }
        }
        // The listener (and a Unix socket's file) goes with this task.
        drop(listener);
    });
    (ReceiverStream::new(rx), task)
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

    /// A plain connection is handed to the server as accepted; after the shutdown the
    /// accept loop ends and the listener is closed.
    #[tokio::test]
    async fn accepted_connections_reach_the_server_until_shutdown() {
        let (listener, addr) = PluginListener::tcp_any_port().await.unwrap();
        let (tx, rx) = watch::channel(false);
        let (mut incoming, accepting) = accept_loop(listener, None, rx);
        let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut client, b"PRI").await.unwrap();
        let mut conn = incoming.next().await.unwrap().unwrap();
        let mut got = [0u8; 3];
        tokio::io::AsyncReadExt::read_exact(&mut conn, &mut got).await.unwrap();
        assert_eq!(&got, b"PRI");

        tx.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), accepting).await.unwrap().unwrap();
        assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "the listener is closed");
    }
}
