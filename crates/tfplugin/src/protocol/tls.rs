//! go-plugin's AutoMTLS: Terraform hands the plugin its client certificate in
//! `PLUGIN_CLIENT_CERT`; the plugin makes a fresh self-signed server certificate,
//! announces it in the handshake line, and accepts only that one client.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};

/// Why a TLS identity or configuration could not be made.
#[derive(Debug)]
pub enum TlsError {
    /// Generating the key or the certificate failed.
    Certificate(rcgen::Error),
    /// rustls refused the configuration.
    Config(rustls::Error),
    /// The PEM document holds no readable certificate.
    Pem(rustls::pki_types::pem::Error),
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsError::Certificate(e) => write!(f, "could not make a certificate: {e}"),
            TlsError::Config(e) => write!(f, "could not configure TLS: {e}"),
            TlsError::Pem(e) => write!(f, "no readable CERTIFICATE block in PEM ({e})"),
        }
    }
}

impl std::error::Error for TlsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TlsError::Certificate(e) => Some(e),
            TlsError::Config(e) => Some(e),
            TlsError::Pem(e) => Some(e),
        }
    }
}

impl From<rcgen::Error> for TlsError {
    fn from(e: rcgen::Error) -> Self {
        TlsError::Certificate(e)
    }
}

impl From<rustls::Error> for TlsError {
    fn from(e: rustls::Error) -> Self {
        TlsError::Config(e)
    }
}

/// A server certificate made for this process, in DER and PEM, with its key.
pub struct ServerIdentity {
    /// The certificate, in DER, as announced in the handshake line.
    pub cert_der: Vec<u8>,
    cert_pem: String,
    key_der: Vec<u8>,
}

impl std::fmt::Debug for ServerIdentity {
    /// The certificate is public; the key is not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerIdentity").field("cert_der", &self.cert_der.len()).finish_non_exhaustive()
    }
}

/// The crypto provider used for every TLS endpoint in this crate: aws-lc-rs, which
/// (unlike ring) verifies ECDSA P-521, the curve of Terraform's client certificate.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Generates a self-signed certificate for `localhost`, the name go-plugin's client
/// verifies. go-plugin's client adds it to its roots and accepts it as its own chain;
/// unlike go-plugin's own certificates it is not marked as a CA, so that clients
/// built on webpki (which refuse a CA certificate as an end entity) accept it too.
pub fn generate_identity() -> Result<ServerIdentity, TlsError> {
    generate_identity_for(&["localhost".to_string()])
}

/// Generates a self-signed certificate for the given DNS names or IP addresses.
pub fn generate_identity_for(names: &[String]) -> Result<ServerIdentity, TlsError> {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
    };
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(names.to_vec())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, names.first().cloned().unwrap_or_default());
    dn.push(DnType::OrganizationName, "tfplugin");
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyAgreement];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(30)).into();
    params.not_after = (now + std::time::Duration::from_secs(30 * 365 * 24 * 3600)).into();
    let cert = params.self_signed(&key)?;
    Ok(ServerIdentity { cert_der: cert.der().to_vec(), cert_pem: cert.pem(), key_der: key.serialize_der() })
}

impl ServerIdentity {
    /// The certificate in PEM (go-plugin's handshake line carries it base64-encoded).
    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    fn chain(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        (
            vec![CertificateDer::from(self.cert_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone())),
        )
    }

    /// A TLS server config presenting this identity, accepting only `client_cert_der`.
    pub fn mtls_server_config(&self, client_cert_der: Vec<u8>) -> Result<ServerConfig, TlsError> {
        let provider = crypto_provider();
        let verifier = Arc::new(PinnedClientCert {
            expected: client_cert_der,
            algorithms: provider.signature_verification_algorithms,
        });
        let (chain, key) = self.chain();
        let mut cfg = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)?;
        cfg.alpn_protocols = vec![b"h2".to_vec()];
        // Terraform connects once per launch and never resumes a session (go-plugin's
        // client keeps no session cache), so tickets would be made, sent and dropped.
        cfg.send_tls13_tickets = 0;
        cfg.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
        Ok(cfg)
    }

    /// A TLS server config presenting this identity to any client (the simulator's HTTPS mode).
    pub fn server_config(&self) -> Result<ServerConfig, TlsError> {
        let (chain, key) = self.chain();
        let mut cfg = ServerConfig::builder_with_provider(crypto_provider())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(cfg)
    }
}

/// Decodes the first `CERTIFICATE` block of a PEM document to DER.
pub fn pem_certificate_der(pem: &str) -> Result<Vec<u8>, TlsError> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes()).map(|c| c.to_vec()).map_err(TlsError::Pem)
}

/// Trusts exactly one client certificate, byte for byte. Terraform's certificate is a
/// self-signed CA certificate, which path-building verifiers refuse as an end entity;
/// pinning is both simpler and stricter. The handshake signature is still verified,
/// so the client must hold the certificate's private key.
#[derive(Debug)]
struct PinnedClientCert {
    expected: Vec<u8>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_slice() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::General("client certificate is not the one Terraform announced".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip() {
        let id = generate_identity().unwrap();
        assert_eq!(pem_certificate_der(&id.cert_pem()).unwrap(), id.cert_der);
        assert!(pem_certificate_der("garbage").is_err());
        assert!(id.mtls_server_config(id.cert_der.clone()).is_ok());
    }

    /// Moves the TLS records `from` has to send into `to`; whether there were any.
    fn transfer(from: &mut rustls::Connection, to: &mut rustls::Connection) -> bool {
        let mut buf = Vec::new();
        while from.wants_write() {
            from.write_tls(&mut buf).unwrap();
        }
        if !buf.is_empty() {
            to.read_tls(&mut &buf[..]).unwrap();
            to.process_new_packets().unwrap();
        }
        !buf.is_empty()
    }

    /// Moves TLS records between two in-memory connections until both are quiet.
    fn exchange(client: &mut rustls::Connection, server: &mut rustls::Connection) {
        for _ in 0..10 {
            let sent = transfer(client, server);
            if !(transfer(server, client) || sent) {
                return;
            }
        }
        panic!("the handshake did not settle");
    }

    #[test]
    fn plugin_connections_are_never_resumed() {
        let (server_id, client_id) = (generate_identity().unwrap(), generate_identity().unwrap());
        let server_config = Arc::new(server_id.mtls_server_config(client_id.cert_der.clone()).unwrap());
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(server_id.cert_der.clone())).unwrap();
        let (chain, key) = client_id.chain();
        // A client that keeps sessions, as go-plugin's does not: it would resume the
        // second connection if the first had left it a ticket.
        let mut client_config = rustls::ClientConfig::builder_with_provider(crypto_provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .unwrap();
        client_config.alpn_protocols = vec![b"h2".to_vec()];
        let client_config = Arc::new(client_config);
        for _ in 0..2 {
            let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
            let mut client =
                rustls::Connection::from(rustls::ClientConnection::new(client_config.clone(), name).unwrap());
            let mut server = rustls::Connection::from(rustls::ServerConnection::new(server_config.clone()).unwrap());
            exchange(&mut client, &mut server);
            assert!(!client.is_handshaking() && !server.is_handshaking());
            assert_eq!(client.alpn_protocol(), Some(&b"h2"[..]));
            assert_eq!(client.handshake_kind(), Some(rustls::HandshakeKind::Full));
        }
    }
}
