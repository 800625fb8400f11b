//! The rustls configuration for one registry: which roots to trust, which client certificate to
//! present, and whether verification is skipped because the user asked for it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_name, ResolvesClientCert, WebPkiServerVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::sign::CertifiedKey;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, OtherError, RootCertStore,
    SignatureScheme,
};

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
            .with_custom_certificate_verifier(Arc::new(Verifier::Anything))
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Verifier::Roots {
                webpki: OnceLock::new(),
                trusted: ca_file_certs(ca_files)?,
            }))
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

/// The certificates of the CA files named for this registry, read now: a file that is missing
/// or holds none is the user's mistake to hear of before anything is sent.
fn ca_file_certs(ca_files: &[PathBuf]) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    let mut certs = Vec::new();
    for path in ca_files {
        let found = load_certs(path).map_err(|_| match std::fs::metadata(path) {
            Err(source) => TlsConfigError::CaFile {
                path: path.clone(),
                source,
            },
            Ok(_) => TlsConfigError::CaFileEmpty(path.clone()),
        })?;
        certs.extend(found);
    }
    Ok(certs)
}

/// The system's roots plus the CA files' certificates: a private CA adds to the system roots
/// rather than replacing them, so a registry behind a public certificate keeps working.
fn verifier(trusted: &[CertificateDer<'static>]) -> Option<Arc<WebPkiServerVerifier>> {
    let mut store = RootCertStore::empty();
    // Unreadable entries in the system bundle are skipped, as every TLS client does.
    store.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    store.add_parsable_certificates(trusted.iter().cloned());
    // Fails only for an empty store.
    WebPkiServerVerifier::builder(Arc::new(store)).build().ok()
}

/// A machine with no CA certificates at all (a scratch container) and no CA file given.
#[derive(Debug)]
struct NoTrustAnchors;

impl std::fmt::Display for NoTrustAnchors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("this machine has no CA certificates to check it with (install ca-certificates, or point SSL_CERT_FILE at a bundle)")
    }
}

impl std::error::Error for NoTrustAnchors {}

/// Whether a certificate was refused because nothing is trusted at all.
pub fn is_no_trust_anchors(other: &OtherError) -> bool {
    other.0.downcast_ref::<NoTrustAnchors>().is_some()
}

/// How a server's certificate is judged. Signatures are checked either way, so the handshake
/// itself stays sound.
#[derive(Debug)]
enum Verifier {
    /// `--insecure`: the user chose to trust whatever answers; only the chain of trust is
    /// skipped.
    Anything,
    /// WebPKI verification, plus the self-signed registry certificate docker's guide makes
    /// (`openssl req -x509 …`, which marks it a CA) and then trusts as its own CA in certs.d.
    /// WebPKI refuses a CA certificate as a server's ("CaUsedAsEndEntity"); Go, curl and
    /// OpenSSL accept a server certificate the user trusted as such. So does this, for exactly
    /// the certificates of --ca-file and certs.d (`trusted`), still checking its dates (WebPKI
    /// checked them before it stopped at the CA flag) and the host name.
    ///
    /// The roots are read at the first certificate to check: a command that speaks only plain
    /// HTTP never reads the system's bundle (some 300 files here), nor needs one.
    Roots {
        webpki: OnceLock<Option<Arc<WebPkiServerVerifier>>>,
        trusted: Vec<CertificateDer<'static>>,
    },
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Verifier::Roots { webpki, trusted } = self else {
            return Ok(ServerCertVerified::assertion());
        };
        let webpki = webpki
            .get_or_init(|| verifier(trusted))
            .as_deref()
            .ok_or_else(|| {
                let none = OtherError(Arc::new(NoTrustAnchors));
                rustls::Error::InvalidCertificate(CertificateError::Other(none))
            })?;
        let verdict =
            webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        match verdict {
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(other)))
                if is_ca_used_as_end_entity(&other)
                    && trusted.iter().any(|t| t.as_ref() == end_entity.as_ref()) =>
            {
                verify_server_name(&ParsedCertificate::try_from(end_entity)?, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            verdict => verdict,
        }
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

/// WebPKI's refusal of a CA certificate as a server's, which rustls passes on as "other".
pub fn is_ca_used_as_end_entity(other: &OtherError) -> bool {
    matches!(
        other.0.downcast_ref::<webpki::Error>(),
        Some(webpki::Error::CaUsedAsEndEntity)
    )
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

fn algorithms() -> rustls::crypto::WebPkiSupportedAlgorithms {
    rustls::crypto::ring::default_provider().signature_verification_algorithms
}
