//! The transport against servers and proxies on loopback: what each received
//! (request heads, CONNECT lines, connections) and what the transport answered.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;

/// What a loopback server saw: connections accepted and each request's head.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    heads: Mutex<Vec<String>>,
}

impl Seen {
    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

/// Reads up to the end of a head (`\r\n\r\n`); `None` at end of stream.
async fn read_head(io: &mut (impl AsyncRead + Unpin)) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if io.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Serves one connection: each request's head is recorded and answered with
/// `answer(head)` (raw bytes: a whole response, or a part of one followed by a stall).
async fn serve_connection(mut io: impl AsyncRead + AsyncWrite + Unpin, seen: Arc<Seen>, answer: fn(&str) -> Vec<u8>) {
    while let Some(head) = read_head(&mut io).await {
        seen.heads.lock().unwrap().push(head.clone());
        if io.write_all(&answer(&head)).await.is_err() {
            return;
        }
    }
}

/// An HTTP/1.1 server on loopback; its address.
async fn http_server(answer: fn(&str) -> Vec<u8>) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Seen::default());
    let seen2 = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen2.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve_connection(stream, seen2.clone(), answer));
        }
    });
    (addr, seen)
}

fn hello(_: &str) -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".to_vec()
}

fn settings<'a>(roots: Roots<'a>, proxies: Proxies) -> Settings<'a> {
    Settings {
        roots,
        identity_pem: None,
        insecure: false,
        request_timeout: Duration::from_secs(10),
        connect_timeout: Some(Duration::from_secs(5)),
        pool_idle: Duration::from_secs(60),
        user_agent: Some("tests/1"),
        proxies,
    }
}

fn get(uri: &str) -> Request<Full<Bytes>> {
    Request::get(uri).body(Full::default()).unwrap()
}

fn request_error(f: Failure) -> Error {
    match f {
        Failure::Request(e) => e,
        other => panic!("expected a request failure, got {other:?}"),
    }
}

#[tokio::test]
async fn requests_share_a_kept_alive_connection_and_carry_the_default_headers() {
    let (addr, seen) = http_server(hello).await;
    let t = Transport::new(settings(Roots::Only(None), Proxies::Off)).unwrap();
    for _ in 0..2 {
        let got = t.fetch(get(&format!("http://{addr}/v1/p/notebooks?limit=1")), 1 << 20).await.unwrap();
        assert_eq!(got.head.status, StatusCode::OK);
        assert_eq!(got.body, b"hello");
    }
    let mut own = get(&format!("http://{addr}/x"));
    own.headers_mut().insert(USER_AGENT, HeaderValue::from_static("mine"));
    t.fetch(own, 1 << 20).await.unwrap();
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1, "one connection for all three");
    let heads = seen.heads();
    assert!(heads[0].starts_with("GET /v1/p/notebooks?limit=1 HTTP/1.1\r\n"), "{}", heads[0]);
    assert!(heads[0].contains(&format!("host: {addr}\r\n")), "{}", heads[0]);
    assert!(heads[0].contains("accept: */*\r\n") && heads[0].contains("user-agent: tests/1\r\n"), "{}", heads[0]);
    assert!(heads[2].contains("user-agent: mine\r\n") && !heads[2].contains("tests/1"), "{}", heads[2]);
}

#[tokio::test]
async fn an_answer_over_the_limit_is_refused_by_its_length_or_as_it_streams() {
    fn declared(_: &str) -> Vec<u8> {
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".to_vec()
    }
    fn chunked(_: &str) -> Vec<u8> {
        b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n".to_vec()
    }
    let t = Transport::new(settings(Roots::Only(None), Proxies::Off)).unwrap();
    let (addr, _) = http_server(declared).await;
    let f = t.fetch(get(&format!("http://{addr}/")), 10).await.unwrap_err();
    assert!(matches!(f, Failure::TooLarge { status: StatusCode::OK }), "{f:?}");
    let (addr, _) = http_server(chunked).await;
    let f = t.fetch(get(&format!("http://{addr}/")), 20).await.unwrap_err();
    assert!(matches!(f, Failure::TooLarge { status: StatusCode::SERVICE_UNAVAILABLE }), "{f:?}");
    let whole = t.fetch(get(&format!("http://{addr}/")), 24).await.unwrap();
    assert_eq!(whole.body, b"123456781234567812345678");
}

#[tokio::test]
async fn the_request_timeout_covers_the_body() {
    fn trickle(_: &str) -> Vec<u8> {
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab".to_vec()
    }
    let (addr, _) = http_server(trickle).await;
    let t = Transport::new(Settings {
        request_timeout: Duration::from_millis(300),
        ..settings(Roots::Only(None), Proxies::Off)
    })
    .unwrap();
    match t.fetch(get(&format!("http://{addr}/")), 1 << 20).await.unwrap_err() {
        Failure::Body { status, error } => {
            assert_eq!(status, StatusCode::OK);
            assert!(error.is_timeout() && !error.is_connect());
            assert_eq!(error.to_string(), "timed out: operation timed out");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_refused_port_and_a_silent_proxy_fail_while_connecting() {
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let t = Transport::new(settings(Roots::Only(None), Proxies::Off)).unwrap();
    let e = request_error(t.fetch(get(&format!("http://127.0.0.1:{port}/")), 1 << 20).await.unwrap_err());
    assert!(e.is_connect() && !e.is_timeout() && !e.is_tls(), "{e}");
    assert!(e.to_string().starts_with("connection failed: client error (Connect): tcp connect error"), "{e}");

    // A proxy that accepts and never answers the CONNECT: the connect timeout ends it.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let t = Transport::new(Settings {
        connect_timeout: Some(Duration::from_millis(300)),
        ..settings(Roots::Only(None), Proxies::Given(Box::new(Matcher::builder().https(proxy).build())))
    })
    .unwrap();
    let e = request_error(t.fetch(get("https://endpoint.example/"), 1 << 20).await.unwrap_err());
    assert!(e.is_connect() && e.is_timeout(), "{e}");
    assert_eq!(e.to_string(), "timed out: client error (Connect): operation timed out");
}

#[tokio::test]
async fn an_http_endpoint_through_a_forward_proxy_is_asked_for_in_absolute_form() {
    let (proxy, seen) = http_server(hello).await;
    let matcher = Matcher::builder().http(format!("http://deployer:s%3Acret@{proxy}")).build();
    let t = Transport::new(settings(Roots::Only(None), Proxies::Given(Box::new(matcher)))).unwrap();
    let got = t.fetch(get("http://endpoint.example:8080/v1/p?x=1"), 1 << 20).await.unwrap();
    assert_eq!(got.body, b"hello");
    let head = &seen.heads()[0];
    assert!(head.starts_with("GET http://endpoint.example:8080/v1/p?x=1 HTTP/1.1\r\n"), "{head}");
    // "deployer:s:cret", percent-decoded, in Basic.
    assert!(head.contains("proxy-authorization: Basic ZGVwbG95ZXI6czpjcmV0\r\n"), "{head}");
}

/// A CA and a certificate for `localhost` signed by it; the CA's PEM and the
/// server's TLS configuration (asking for a client certificate from the CA when `mtls`).
fn pki(mtls: bool) -> (String, Arc<rustls::ServerConfig>, rcgen::CertifiedIssuer<'static, rcgen::KeyPair>) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "transport tests CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap()).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap().signed_by(&key, &ca).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder =
        rustls::ServerConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions().unwrap();
    let builder = if mtls {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.der().clone()).unwrap();
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider).build().unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config =
        builder.with_single_cert(vec![leaf.der().clone()], PrivateKeyDer::Pkcs8(key.serialize_der().into())).unwrap();
    (ca.pem(), Arc::new(config), ca)
}

use rustls::pki_types::PrivateKeyDer;

/// An HTTPS server on loopback answering `hello`; its port.
async fn https_server(config: Arc<rustls::ServerConfig>) -> (u16, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Seen::default());
    let seen2 = seen.clone();
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen2.connections.fetch_add(1, Ordering::SeqCst);
            let (acceptor, seen) = (acceptor.clone(), seen2.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(stream).await {
                    serve_connection(tls, seen, hello).await;
                }
            });
        }
    });
    (port, seen)
}

/// A CONNECT proxy on loopback (behind TLS with `tls`: an `https://` proxy): records
/// each CONNECT's head (after TLS, preceded by the ALPN protocol the client offered),
/// then joins the two ends.
async fn connect_proxy(tls: Option<Arc<rustls::ServerConfig>>) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Seen::default());
    let seen2 = seen.clone();
    let acceptor = tls.clone().map(tokio_rustls::TlsAcceptor::from);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen2.connections.fetch_add(1, Ordering::SeqCst);
            let (acceptor, seen) = (acceptor.clone(), seen2.clone());
            tokio::spawn(async move {
                match acceptor {
                    None => join_tunnel(stream, seen, String::new()).await,
                    Some(acceptor) => {
                        let client = acceptor.accept(stream).await.unwrap();
                        let alpn = client.get_ref().1.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned());
                        join_tunnel(client, seen, format!("alpn={alpn:?}\r\n")).await
                    }
                }
            });
        }
    });
    let scheme = if tls.is_some() { "https" } else { "http" };
    (format!("{scheme}://localhost:{port}"), seen)
}

/// Reads a CONNECT, records it after `note`, and joins the client to its target.
async fn join_tunnel(mut client: impl AsyncRead + AsyncWrite + Unpin, seen: Arc<Seen>, note: String) {
    let head = read_head(&mut client).await.unwrap();
    seen.heads.lock().unwrap().push(format!("{note}{head}"));
    let target = head.split(' ').nth(1).unwrap().replace("localhost", "127.0.0.1");
    let mut upstream = TcpStream::connect(target).await.unwrap();
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.unwrap();
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

#[tokio::test]
async fn https_goes_through_the_proxys_tunnel_unless_no_proxy_names_the_host() {
    let (ca_pem, config, _ca) = pki(false);
    let (port, server) = https_server(config).await;
    let (proxy, tunnels) = connect_proxy(None).await;
    let with_auth = proxy.replace("http://", "http://deployer:pw@");
    let roots = Roots::Platform { extra: Some(ca_pem.as_bytes()) };
    let through = Matcher::builder().https(with_auth.clone()).build();
    let t = Transport::new(settings(roots, Proxies::Given(Box::new(through)))).unwrap();
    for _ in 0..2 {
        let got = t.fetch(get(&format!("https://localhost:{port}/v1")), 1 << 20).await.unwrap();
        assert_eq!(got.body, b"hello");
    }
    assert_eq!(tunnels.connections.load(Ordering::SeqCst), 1, "one tunnel, kept alive");
    let connect = &tunnels.heads()[0];
    assert!(connect.starts_with(&format!("CONNECT localhost:{port} HTTP/1.1\r\n")), "{connect}");
    assert!(connect.contains("proxy-authorization: Basic ZGVwbG95ZXI6cHc=\r\n"), "{connect}");
    assert!(connect.contains("user-agent: tests/1\r\n"), "{connect}");
    // Inside the tunnel the request is in origin form, without the proxy's credentials.
    let inner = &server.heads()[0];
    assert!(inner.starts_with("GET /v1 HTTP/1.1\r\n") && !inner.contains("proxy-authorization"), "{inner}");

    let bypass = Matcher::builder().https(with_auth).no("example.org, LOCALHOST").build();
    let t = Transport::new(settings(roots, Proxies::Given(Box::new(bypass)))).unwrap();
    t.fetch(get(&format!("https://localhost:{port}/v1")), 1 << 20).await.unwrap();
    assert_eq!(tunnels.connections.load(Ordering::SeqCst), 1, "NO_PROXY: straight to the host");
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_https_proxy_carries_the_endpoints_tls_inside_its_own() {
    let (ca_pem, config, _ca) = pki(false);
    let (port, server) = https_server(config.clone()).await;
    let mut proxy_config = (*config).clone();
    proxy_config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let (proxy, tunnels) = connect_proxy(Some(Arc::new(proxy_config))).await;
    let roots = Roots::Platform { extra: Some(ca_pem.as_bytes()) };
    let matcher = Matcher::builder().https(proxy).build();
    let t = Transport::new(settings(roots, Proxies::Given(Box::new(matcher)))).unwrap();
    let got = t.fetch(get(&format!("https://localhost:{port}/inner")), 1 << 20).await.unwrap();
    assert_eq!(got.body, b"hello");
    let connect = &tunnels.heads()[0];
    // No ALPN towards the proxy: the protocol inside the tunnel is the endpoint's business.
    assert!(connect.starts_with(&format!("alpn=None\r\nCONNECT localhost:{port} HTTP/1.1\r\n")), "{connect}");
    assert!(server.heads()[0].starts_with("GET /inner HTTP/1.1\r\n"));
}

#[tokio::test]
async fn certificates_are_checked_against_the_given_roots_unless_insecure() {
    let (ca_pem, config, _ca) = pki(false);
    let (port, _) = https_server(config).await;
    let url = format!("https://localhost:{port}/");

    let untrusted = Transport::new(settings(Roots::Platform { extra: None }, Proxies::Off)).unwrap();
    let e = request_error(untrusted.fetch(get(&url), 1 << 20).await.unwrap_err());
    assert!(e.is_connect() && e.is_tls(), "{e}");
    assert!(e.to_string().contains("invalid peer certificate"), "{e}");
    // An http:// endpoint's transport trusts nothing at all.
    let none = Transport::new(settings(Roots::Only(None), Proxies::Off)).unwrap();
    assert!(request_error(none.fetch(get(&url), 1 << 20).await.unwrap_err()).is_tls());

    let trusted = Transport::new(settings(Roots::Platform { extra: Some(ca_pem.as_bytes()) }, Proxies::Off)).unwrap();
    assert_eq!(trusted.fetch(get(&url), 1 << 20).await.unwrap().body, b"hello");
    let insecure =
        Transport::new(Settings { insecure: true, ..settings(Roots::Platform { extra: None }, Proxies::Off) }).unwrap();
    assert_eq!(insecure.fetch(get(&url), 1 << 20).await.unwrap().body, b"hello");

    let garbage = Settings {
        identity_pem: None,
        ..settings(Roots::Platform { extra: Some(b"-----BEGIN CERTIFICATE-----\nnot base64!\n") }, Proxies::Off)
    };
    let e = Transport::new(garbage).unwrap_err();
    assert!(e.to_string().starts_with("the CA certificates are not valid PEM"), "{e}");
}

#[tokio::test]
async fn a_client_certificate_is_shown_when_the_server_asks() {
    let (ca_pem, config, ca) = pki(true);
    let (port, _) = https_server(config).await;
    let url = format!("https://localhost:{port}/");
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["runner".to_string()]).unwrap().signed_by(&key, &ca).unwrap();
    let identity = format!("{}{}", cert.pem(), key.serialize_pem());
    let roots = Roots::Platform { extra: Some(ca_pem.as_bytes()) };

    let with =
        Transport::new(Settings { identity_pem: Some(identity.as_bytes()), ..settings(roots, Proxies::Off) }).unwrap();
    assert_eq!(with.fetch(get(&url), 1 << 20).await.unwrap().body, b"hello");
    let without = Transport::new(settings(roots, Proxies::Off)).unwrap();
    assert!(without.fetch(get(&url), 1 << 20).await.is_err());

    let only_a_key = key.serialize_pem();
    let e = Transport::new(Settings { identity_pem: Some(only_a_key.as_bytes()), ..settings(roots, Proxies::Off) })
        .unwrap_err();
    assert!(e.to_string().contains("a certificate and a private key are both needed"), "{e}");
}
