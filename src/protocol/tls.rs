//! go-plugin's AutoMTLS: Terraform hands the plugin its client certificate in
//! `PLUGIN_CLIENT_CERT`; the plugin makes a fresh self-signed server certificate,
//! announces it in the handshake line, and accepts only that one client.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};

/// A server certificate made for this process, in DER, with its key.
pub struct ServerIdentity {
    pub cert_der: Vec<u8>,
    key_der: Vec<u8>,
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
pub fn generate_identity() -> Result<ServerIdentity, String> {
    generate_identity_for(&["localhost".to_string()])
}

/// Generates a self-signed certificate for the given DNS names or IP addresses.
pub fn generate_identity_for(names: &[String]) -> Result<ServerIdentity, String> {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
    };
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
    let mut params = CertificateParams::new(names.to_vec()).map_err(|e| e.to_string())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, names.first().cloned().unwrap_or_default());
    dn.push(DnType::OrganizationName, "terraform-provider-modelarts");
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyAgreement];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(30)).into();
    params.not_after = (now + std::time::Duration::from_secs(30 * 365 * 24 * 3600)).into();
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok(ServerIdentity { cert_der: cert.der().to_vec(), key_der: key.serialize_der() })
}

impl ServerIdentity {
    pub fn cert_pem(&self) -> String {
        pem_encode("CERTIFICATE", &self.cert_der)
    }

    pub fn key_pem(&self) -> String {
        pem_encode("PRIVATE KEY", &self.key_der)
    }

    fn chain(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        (
            vec![CertificateDer::from(self.cert_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone())),
        )
    }

    /// A TLS server config presenting this identity, accepting only `client_cert_der`.
    pub fn mtls_server_config(&self, client_cert_der: Vec<u8>) -> Result<ServerConfig, String> {
        let provider = crypto_provider();
        let verifier = Arc::new(PinnedClientCert {
            expected: client_cert_der,
            algorithms: provider.signature_verification_algorithms,
        });
        let (chain, key) = self.chain();
        let mut cfg = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .map_err(|e| e.to_string())?;
        cfg.alpn_protocols = vec![b"h2".to_vec()];
        Ok(cfg)
    }

    /// A TLS server config presenting this identity to any client (the simulator's HTTPS mode).
    pub fn server_config(&self) -> Result<ServerConfig, String> {
        let (chain, key) = self.chain();
        let mut cfg = ServerConfig::builder_with_provider(crypto_provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| e.to_string())?;
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(cfg)
    }
}

/// Decodes the first `CERTIFICATE` block of a PEM document to DER.
pub fn pem_certificate_der(pem: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let begin = "-----BEGIN CERTIFICATE-----";
    let end = "-----END CERTIFICATE-----";
    let start = pem.find(begin).ok_or("no CERTIFICATE block in PEM")? + begin.len();
    let stop = pem[start..].find(end).ok_or("unterminated CERTIFICATE block")? + start;
    let body: String = pem[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(body).map_err(|e| format!("bad base64 in PEM: {e}"))
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
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
}
