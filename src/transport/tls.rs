//! The rustls configuration for one registry: which roots to trust, which client certificate to
//! present, and whether verification is skipped because the user asked for it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::ResolvesClientCert;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// A client certificate and its key; both may be the same PEM file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsConfigError {
    #[error("cannot read CA file {}: {source}", path.display())]
    CaFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("CA file {} holds no PEM or DER certificate", .0.display())]
    CaFileEmpty(PathBuf),
    #[error("cannot load client certificate {}: {reason}", path.display())]
    ClientCert { path: PathBuf, reason: String },
}

/// Installs ring as rustls' provider once per process; rustls refuses to pick one itself when
/// more than one could be compiled in.
pub fn ensure_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Set once a server asked for a client certificate that we do not have. That request is the
/// one reliable sign of a registry that wants mutual TLS: its refusal afterwards reaches us as
/// an alert, a reset or a plain close, depending on timing.
#[derive(Debug, Clone, Default)]
pub struct CertRequested(Arc<AtomicBool>);

impl CertRequested {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Presents no certificate, but notes that one was asked for.
#[derive(Debug)]
struct NoClientCert(CertRequested);

impl ResolvesClientCert for NoClientCert {
    fn resolve(
        &self,
        _issuers: &[&[u8]],
        _schemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.0 .0.store(true, Ordering::Relaxed);
        None
    }

    fn has_certs(&self) -> bool {
        false
    }
}

/// The configuration, and (without a client certificate) whether a server asked for one.
pub fn client_config(
    ca_files: &[PathBuf],
    client_cert: Option<&ClientCert>,
    insecure: bool,
) -> Result<(ClientConfig, CertRequested), TlsConfigError> {
    let requested = CertRequested::default();
    ensure_crypto_provider();
    let builder = ClientConfig::builder();
    let builder = if insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(SkipVerification))
    } else {
        builder.with_root_certificates(roots(ca_files)?)
    };
    let mut config = match client_cert {
        Some(cc) => {
            let chain = load_certs(&cc.cert).map_err(|reason| TlsConfigError::ClientCert {
                path: cc.cert.clone(),
                reason,
            })?;
            let key =
                PrivateKeyDer::from_pem_file(&cc.key).map_err(|e| TlsConfigError::ClientCert {
                    path: cc.key.clone(),
                    reason: e.to_string(),
                })?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| TlsConfigError::ClientCert {
                    path: cc.cert.clone(),
                    reason: e.to_string(),
                })?
        }
        None => builder.with_client_cert_resolver(Arc::new(NoClientCert(requested.clone()))),
    };
    // HTTP/1.1 only, as docker speaks to registries: over HTTP/2, distribution spends far more
    // CPU per blob byte (measured over TLS: a 512 MiB pull 0.80 s instead of 0.52 s, a push
    // 1.4 s instead of 1.1 s), and blobs gain nothing from multiplexing.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((config, requested))
}

/// The system's roots plus the CA files named for this registry: a private CA adds to the
/// system roots rather than replacing them, so a registry behind a public certificate keeps working.
fn roots(ca_files: &[PathBuf]) -> Result<RootCertStore, TlsConfigError> {
    let mut store = RootCertStore::empty();
    // Unreadable entries in the system bundle are skipped, as every TLS client does.
    let native = rustls_native_certs::load_native_certs();
    store.add_parsable_certificates(native.certs);
    for path in ca_files {
        let certs = load_certs(path).map_err(|_| match std::fs::metadata(path) {
            Err(source) => TlsConfigError::CaFile {
                path: path.clone(),
                source,
            },
            Ok(_) => TlsConfigError::CaFileEmpty(path.clone()),
        })?;
        store.add_parsable_certificates(certs);
    }
    Ok(store)
}

/// PEM certificates, or a single DER one (Windows-made `.crt` files often are DER).
fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let pem: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .filter_map(Result::ok)
        .collect();
    if !pem.is_empty() {
        return Ok(pem);
    }
    if bytes.first() == Some(&0x30) {
        return Ok(vec![CertificateDer::from(bytes)]);
    }
    Err("no certificate found".into())
}

/// `--insecure`: the user chose to trust whatever answers. Signatures are still checked so the
/// handshake itself stays sound; only the chain of trust is skipped.
#[derive(Debug)]
struct SkipVerification;

impl ServerCertVerifier for SkipVerification {
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
        rustls::crypto::verify_tls12_signature(message, cert, dss, &algorithms())
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &algorithms())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        algorithms().supported_schemes()
    }
}

fn algorithms() -> rustls::crypto::WebPkiSupportedAlgorithms {
    rustls::crypto::ring::default_provider().signature_verification_algorithms
}
