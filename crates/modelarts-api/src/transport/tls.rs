//! The TLS side of the transport: which certificates are trusted, which identity
//! is shown, which protocols are offered. The same choices reqwest 0.13 made for
//! this crate before (its `async_impl/client.rs`, `ClientBuilder::build` with the
//! `rustls` feature), so a `cacert_file`, a client certificate or `insecure` means
//! what it meant.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{PemObject, SectionKind};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use super::error::BuildError;

/// Which certificates a server's chain must lead to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Roots<'a> {
    /// The platform's trust store (through `rustls-platform-verifier`, which asks the
    /// OS on macOS and Windows and reads the system's roots elsewhere), plus these
    /// PEM certificates (`cacert_file`).
    Platform { extra: Option<&'a [u8]> },
    /// Only these PEM certificates, usually none: for a client whose endpoint is
    /// `http://`, so that no TLS ever happens and the system's roots, a tenth of a
    /// small launch to load, are never read.
    Only(Option<&'a [u8]>),
}

/// The rustls configuration for connections to the endpoint: `roots` unless
/// `insecure` (which verifies nothing), `identity_pem` shown when the server asks,
/// HTTP/1.1 offered by ALPN (the only version this client speaks).
pub(crate) fn client_config(
    roots: Roots<'_>,
    identity_pem: Option<&[u8]>,
    insecure: bool,
) -> Result<ClientConfig, BuildError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(BuildError::Tls)?;
    let builder = if insecure {
        let schemes = provider.signature_verification_algorithms.supported_schemes();
        builder.dangerous().with_custom_certificate_verifier(Arc::new(NoVerifier { schemes }))
    } else {
        match roots {
            Roots::Only(pem) => {
                let mut store = rustls::RootCertStore::empty();
                for cert in certificates(pem)? {
                    store.add(cert).map_err(BuildError::Tls)?;
                }
                builder.with_root_certificates(store)
            }
            Roots::Platform { extra: None } => builder.dangerous().with_custom_certificate_verifier(Arc::new(
                rustls_platform_verifier::Verifier::new(provider.clone()).map_err(BuildError::Tls)?,
            )),
            Roots::Platform { extra } => builder.dangerous().with_custom_certificate_verifier(Arc::new(
                rustls_platform_verifier::Verifier::new_with_extra_roots(certificates(extra)?, provider.clone())
                    .map_err(BuildError::Tls)?,
            )),
        }
    };
    let mut config = match identity_pem {
        Some(pem) => {
            let (chain, key) = identity(pem)?;
            builder.with_client_auth_cert(chain, key).map_err(BuildError::Tls)?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The process's default crypto provider if one is installed, aws-lc-rs otherwise
/// (reqwest's rule), made once.
fn provider() -> Arc<CryptoProvider> {
    static MADE: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    MADE.get_or_init(|| {
        CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
    })
    .clone()
}

/// Every certificate of a PEM bundle; one that cannot be read fails the whole.
fn certificates(pem: Option<&[u8]>) -> Result<Vec<CertificateDer<'static>>, BuildError> {
    let Some(pem) = pem else { return Ok(Vec::new()) };
    CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| BuildError::Pem { what: "CA certificates", detail: e.to_string() })
}

/// A client identity from PEM: its certificates in order (the chain) and its
/// private key (PKCS#8, PKCS#1 or SEC1; the last one wins, as reqwest's
/// `Identity::from_pem`).
fn identity(pem: &[u8]) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), BuildError> {
    let invalid = |detail: String| BuildError::Pem { what: "client identity", detail };
    let mut chain = Vec::new();
    let mut key = None;
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem) {
        let (kind, der) = section.map_err(|e| invalid(e.to_string()))?;
        match kind {
            SectionKind::Certificate => chain.push(CertificateDer::from(der)),
            SectionKind::PrivateKey => key = Some(PrivateKeyDer::Pkcs8(der.into())),
            SectionKind::RsaPrivateKey => key = Some(PrivateKeyDer::Pkcs1(der.into())),
            SectionKind::EcPrivateKey => key = Some(PrivateKeyDer::Sec1(der.into())),
            other => return Err(invalid(format!("unexpected PEM section {other:?}"))),
        }
    }
    match key {
        Some(key) if !chain.is_empty() => Ok((chain, key)),
        _ => Err(invalid("a certificate and a private key are both needed".into())),
    }
}

/// `insecure`: any certificate passes, but the handshake's signatures are still
/// checked against it, with the schemes the provider knows.
#[derive(Debug)]
struct NoVerifier {
    schemes: Vec<SignatureScheme>,
}

impl ServerCertVerifier for NoVerifier {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &provider().signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &provider().signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}
