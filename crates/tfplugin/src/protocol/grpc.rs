//! The plugin's gRPC services on hyper's HTTP/2 server, routed by service name.
//!
//! tonic's own server puts every call through an axum router and a stack of tower
//! layers (timeouts, body boxing, request mapping) meant for servers with many
//! routes and clients; a plugin has five services and one client. Dispatching on
//! the service's name in the path and handing the request to tonic's generated
//! service is all the routing a call needs. The layers made a tenth of the
//! allocations of a plan's planning launch (valgrind's DHAT, 100 notebooks: about
//! 6,100 of 60,900, gone with them).

use std::convert::Infallible;
use std::future::Future;
use std::pin::{pin, Pin};

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_stream::{Stream, StreamExt};
use tonic::body::Body;
use tonic::codegen::http;
use tonic::server::NamedService;

use super::listen::PluginConn;

type HttpRequest = http::Request<Incoming>;
type HttpResponse = http::Response<Body>;
type CallFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, Infallible>> + Send>>;

/// A gRPC service as tonic generates it: cloned per call, answering every request.
pub(crate) trait GrpcService:
    tonic::codegen::Service<HttpRequest, Response = HttpResponse, Error = Infallible, Future = CallFuture>
    + NamedService
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> GrpcService for S where
    S: tonic::codegen::Service<HttpRequest, Response = HttpResponse, Error = Infallible, Future = CallFuture>
        + NamedService
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// One route: a service's name and how to call it.
struct Route {
    /// `package.Service`, as the path's first segment names it.
    name: &'static str,
    call: Box<dyn Fn(HttpRequest) -> CallFuture + Send + Sync>,
}

/// The services a connection serves, found by the path `/package.Service/Method`.
#[derive(Clone)]
pub(crate) struct Routes(std::sync::Arc<Vec<Route>>);

/// Collects the services of [`Routes`].
#[derive(Default)]
pub(crate) struct RoutesBuilder(Vec<Route>);

impl RoutesBuilder {
    /// Serves `service` under its name.
    pub(crate) fn add<S: GrpcService>(mut self, service: S) -> Self {
        // tonic's services take `&mut self` and are ready at once; a clone per call
        // is a reference count (the implementation is behind an `Arc`).
        self.0.push(Route { name: S::NAME, call: Box::new(move |req| service.clone().call(req)) });
        self
    }

    pub(crate) fn build(self) -> Routes {
        Routes(std::sync::Arc::new(self.0))
    }
}

impl Routes {
    /// The route of `path`, if its service is served.
    fn find(&self, path: &str) -> Option<&Route> {
        let service = path.strip_prefix('/')?.split('/').next()?;
        self.0.iter().find(|r| r.name == service)
    }
}

impl hyper::service::Service<HttpRequest> for Routes {
    type Response = HttpResponse;
    type Error = Infallible;
    type Future = CallFuture;

    fn call(&self, req: HttpRequest) -> Self::Future {
        match self.find(req.uri().path()) {
            Some(route) => (route.call)(req),
            None => {
                let status = tonic::Status::unimplemented(format!("no service serves {}", req.uri().path()));
                Box::pin(std::future::ready(Ok(status.into_http())))
            }
        }
    }
}

/// Serves every connection `incoming` yields until `shutdown` turns true; then each
/// connection stops taking calls (HTTP/2 GOAWAY) and finishes the ones under way.
pub(crate) async fn serve(
    mut incoming: impl Stream<Item = std::io::Result<PluginConn>> + Unpin,
    routes: Routes,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        let next = tokio::select! {
            next = incoming.next() => next,
            _ = shutdown.wait_for(|s| *s) => break,
        };
        match next {
            Some(Ok(conn)) => {
                connections.spawn(serve_connection(conn, routes.clone(), shutdown.clone()));
            }
            Some(Err(e)) => tracing::warn!(error = %e, "a connection failed before serving"),
            None => break,
        }
    }
    while connections.join_next().await.is_some() {}
}

/// Serves one connection's HTTP/2 streams, each call its own task.
async fn serve_connection(conn: PluginConn, routes: Routes, mut shutdown: watch::Receiver<bool>) {
    let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    // As tonic's server: no limit on concurrent calls (hyper's own default is 200;
    // Terraform's `-parallelism` bounds them). The other settings are hyper's
    // defaults, as under tonic. A `grpc-timeout` a client sends is not enforced
    // (tonic's layer for it is gone): an operation is bounded by its own timeouts
    // and by StopProvider.
    builder.max_concurrent_streams(None);
    // No `date` header: a gRPC client reads none (go-grpc's servers, those of every
    // Go provider, send none), and hyper formatted and encoded it into every answer.
    builder.auto_date_header(false);
    let mut connection = pin!(builder.serve_connection(TokioIo::new(conn), routes));
    let ended = tokio::select! {
        result = connection.as_mut() => Some(result),
        _ = shutdown.wait_for(|s| *s) => None,
    };
    let result = match ended {
        Some(result) => result,
        None => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "a gRPC connection ended with an error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::health::health_client::HealthClient;
    use crate::proto::health::health_server::{Health, HealthServer};
    use crate::proto::health::{health_check_response::ServingStatus, HealthCheckRequest, HealthCheckResponse};
    use tokio_stream::wrappers::TcpListenerStream;

    #[derive(Clone)]
    struct Serving;

    #[tonic::async_trait]
    impl Health for Serving {
        async fn check(
            &self,
            _: tonic::Request<HealthCheckRequest>,
        ) -> Result<tonic::Response<HealthCheckResponse>, tonic::Status> {
            Ok(tonic::Response::new(HealthCheckResponse { status: ServingStatus::Serving as i32 }))
        }
    }

    /// A call reaches the service its path names; a path of no served service is
    /// answered `UNIMPLEMENTED`, as gRPC servers do; answers carry no `date` header;
    /// shutdown ends the server.
    #[tokio::test]
    async fn calls_reach_the_named_service_until_shutdown() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let incoming = TcpListenerStream::new(listener).map(|c| c.map(PluginConn::new));
        let (stop, stopped) = watch::channel(false);
        let server =
            tokio::spawn(serve(incoming, RoutesBuilder::default().add(HealthServer::new(Serving)).build(), stopped));

        let channel = tonic::transport::Endpoint::new(format!("http://{addr}")).unwrap().connect().await.unwrap();
        let answer = HealthClient::new(channel.clone()).check(HealthCheckRequest { service: String::new() }).await;
        let answer = answer.unwrap();
        assert!(answer.metadata().get("date").is_none(), "{:?}", answer.metadata());
        assert_eq!(answer.metadata().get("content-type").unwrap(), "application/grpc");
        assert_eq!(answer.into_inner().status, ServingStatus::Serving as i32);

        let mut raw = tonic::client::Grpc::new(channel);
        raw.ready().await.unwrap();
        let path = http::uri::PathAndQuery::from_static("/nothing.Here/Call");
        let codec = tonic_prost::ProstCodec::<HealthCheckRequest, HealthCheckResponse>::default();
        let refused = raw.unary(tonic::Request::new(HealthCheckRequest { service: String::new() }), path, codec).await;
        let status = refused.unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unimplemented, "{status:?}");
        assert!(status.message().contains("/nothing.Here/Call"), "{status:?}");

        stop.send(true).unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(5), server).await.unwrap().unwrap();
    }
}
