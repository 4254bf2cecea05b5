//! The simulator's HTTP/1.1 server. It runs its own accept loop (rather than a
//! framework's) for two things a test double needs: optional TLS, and closing a
//! connection without an answer after the work is done ("the answer was lost").

use std::convert::Infallible;
use std::sync::Arc;

use std::time::Duration;

use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Bytes, Frame, Incoming as Body};
use hyper::header::HeaderValue;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::IntervalStream;
use tokio_stream::StreamExt;

use super::{Incoming, Reply, SimState};

const MAX_BODY: usize = 1 << 20;

pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<SimState>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let (stream, _) = tokio::select! {
            a = listener.accept() => match a {
                Ok(a) => a,
                Err(_) => continue,
            },
            _ = shutdown.wait_for(|s| *s) => return,
        };
        let _ = stream.set_nodelay(true);
        let (state, tls, shutdown) = (state.clone(), tls.clone(), shutdown.clone());
        tokio::spawn(async move {
            match tls {
                Some(acceptor) => {
                    if let Ok(s) = acceptor.accept(stream).await {
                        connection(TokioIo::new(s), state, shutdown).await;
                    }
                }
                None => connection(TokioIo::new(stream), state, shutdown).await,
            }
        });
    }
}

async fn connection<IO>(io: TokioIo<IO>, state: Arc<SimState>, mut shutdown: watch::Receiver<bool>)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let lose_answer = Arc::new(Notify::new());
    let signal = lose_answer.clone();
    let service = service_fn(move |req: Request<Body>| {
        let (state, signal) = (state.clone(), signal.clone());
        async move { Ok::<_, Infallible>(respond(&state, req, &signal).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(io, service);
    tokio::select! {
        _ = conn => {}
        // Dropping the connection mid-request closes the socket without an answer.
        _ = lose_answer.notified() => {}
        _ = shutdown.wait_for(|s| *s) => {}
    }
}

/// An answer's body: all at once, or (for the endless-body fault) a stream.
type AnswerBody = UnsyncBoxBody<Bytes, Infallible>;

async fn respond(state: &SimState, req: Request<Body>, lose_answer: &Notify) -> Response<AnswerBody> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => return build(Reply::error(413, "APIGW.0201", "Request entity too large")),
    };
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let incoming = Incoming {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        raw_query: parts.uri.query().unwrap_or_default().to_string(),
        headers,
        body,
    };
    let reply = state.handle(incoming).await;
    if reply.drop_connection {
        lose_answer.notify_one();
        std::future::pending::<()>().await;
    }
    build(reply)
}

/// A pause between the bytes of an endless body: slow enough to cost nothing,
/// fast enough that only a total request timeout ends it.
const TRICKLE: Duration = Duration::from_millis(200);

fn build(reply: Reply) -> Response<AnswerBody> {
    let mut r = Response::builder().status(reply.status).header("content-type", reply.content_type);
    for (name, value) in &reply.headers {
        if let Ok(v) = HeaderValue::from_bytes(value) {
            r = r.header(*name, v);
        }
    }
    let head = Bytes::from(reply.body);
    let body = if reply.endless {
        let first = tokio_stream::once(Ok::<_, Infallible>(Frame::data(head)));
        let trickle =
            IntervalStream::new(tokio::time::interval(TRICKLE)).map(|_| Ok(Frame::data(Bytes::from_static(b" "))));
        StreamBody::new(first.chain(trickle)).boxed_unsync()
    } else {
        Full::new(head).boxed_unsync()
    };
    r.body(body).unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed_unsync()))
}
