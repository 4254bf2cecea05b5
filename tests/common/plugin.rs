//! Starts the provider binary the way Terraform does (handshake env, AutoMTLS) and
//! connects a tonic client generated from the same `proto/`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use modelarts_provider::proto::plugin::grpc_controller_client::GrpcControllerClient;
use modelarts_provider::proto::tfplugin6::provider_client::ProviderClient;
use modelarts_provider::protocol::handshake::MAGIC_COOKIE_VALUE;
use modelarts_provider::protocol::tls;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tonic::transport::{Channel, Endpoint, Uri};

use super::provider_bin;

/// A client identity like Terraform's: a self-signed ECDSA P-521 certificate.
pub struct ClientIdentity {
    pub cert_der: Vec<u8>,
    pub cert_pem: String,
    key_der: Vec<u8>,
}

pub fn client_identity() -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages =
        vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth, rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.self_signed(&key).unwrap();
    ClientIdentity { cert_der: cert.der().to_vec(), cert_pem: cert.pem(), key_der: key.serialize_der() }
}

pub struct Plugin {
    pub child: Child,
    /// The handshake's network: `unix` (a socket's path) or `tcp` (host:port).
    pub network: String,
    pub addr: String,
    pub server_cert_der: Vec<u8>,
}

/// Launches the plugin with Terraform's environment and reads its handshake line.
pub fn launch(client: Option<&ClientIdentity>, versions: &str, extra_env: &[(&str, &str)]) -> Result<Plugin, String> {
    let mut cmd = Command::new(provider_bin());
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", versions)
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(c) = client {
        cmd.env("PLUGIN_CLIENT_CERT", &c.cert_pem);
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).map_err(|e| e.to_string())?;
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    if parts.len() != 6 {
        let status = child.wait().map_err(|e| e.to_string())?;
        let mut err = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).ok();
        return Err(format!("no handshake (exit {status}): {line:?} {err}"));
    }
    assert_eq!(&parts[..2], &["1", "6"], "{line}");
    assert!(["unix", "tcp"].contains(&parts[2]), "{line}");
    assert_eq!(parts[4], "grpc");
    use base64::Engine;
    let server_cert_der = base64::engine::general_purpose::STANDARD_NO_PAD.decode(parts[5]).unwrap_or_default();
    Ok(Plugin { child, network: parts[2].to_string(), addr: parts[3].to_string(), server_cert_der })
}

impl Plugin {
    /// A gRPC channel over TLS, trusting exactly the announced server certificate and
    /// presenting `identity` (or no certificate at all).
    pub async fn channel(&self, identity: Option<&ClientIdentity>) -> Result<Channel, String> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(self.server_cert_der.clone())).map_err(|e| e.to_string())?;
        let builder = rustls::ClientConfig::builder_with_provider(tls::crypto_provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots);
        let mut config = match identity {
            Some(id) => builder
                .with_client_auth_cert(
                    vec![CertificateDer::from(id.cert_der.clone())],
                    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key_der.clone())),
                )
                .map_err(|e| e.to_string())?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"h2".to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let (unix, addr) = (self.network == "unix", self.addr.clone());
        // The URI only names the channel; the connector dials the announced address.
        Endpoint::try_from("http://localhost")
            .unwrap()
            .connect_with_connector(tower::service_fn(move |_: Uri| {
                let (connector, addr) = (connector.clone(), addr.clone());
                let name = ServerName::try_from("localhost").unwrap();
                async move {
                    #[cfg(unix)]
                    if unix {
                        let socket = tokio::net::UnixStream::connect(&addr).await?;
                        let io: Box<dyn Io> = Box::new(connector.connect(name, socket).await?);
                        return Ok::<_, std::io::Error>(TokioIo::new(io));
                    }
                    #[cfg(not(unix))]
                    let _ = unix;
                    let tcp = tokio::net::TcpStream::connect(&addr).await?;
                    let io: Box<dyn Io> = Box::new(connector.connect(name, tcp).await?);
                    Ok::<_, std::io::Error>(TokioIo::new(io))
                }
            }))
            .await
            .map_err(|e| format!("{e:?}"))
    }

    pub async fn provider(&self, identity: &ClientIdentity) -> ProviderClient<Channel> {
        ProviderClient::new(self.channel(Some(identity)).await.expect("connect"))
    }

    pub async fn shutdown(&mut self, identity: &ClientIdentity) -> std::process::ExitStatus {
        let mut ctl = GrpcControllerClient::new(self.channel(Some(identity)).await.expect("connect"));
        ctl.shutdown(modelarts_provider::proto::plugin::Empty {}).await.expect("shutdown rpc");
        self.wait_exit(Duration::from_secs(5)).expect("plugin did not exit after Shutdown")
    }

    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(s)) = self.child.try_wait() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// A TLS stream over TCP or a Unix socket.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> Io for T {}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
