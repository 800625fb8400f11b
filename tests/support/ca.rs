//! The test certificate authority: one ECDSA P-256 CA that signs every server certificate of the
//! bed and the certificate of the token service's RSA signing key (the JWT `x5c` header).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SubjectPublicKeyInfo,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

use super::BoxError;

/// The names every server certificate of the bed is valid for (the last one is reached
/// through `proxy::HttpProxy`).
pub const SERVER_NAMES: &[&str] = &["127.0.0.1", "localhost", "::1", super::proxy::PROXIED_NAME];

pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    /// PEM of the CA certificate.
    pub pem: String,
}

/// A certificate and its private key, in the shapes the servers want.
pub struct ServerCert {
    pub cert_pem: String,
    pub key_pem: String,
    pub cert_der: CertificateDer<'static>,
    pub key_der: PrivateKeyDer<'static>,
}

fn validity(params: &mut CertificateParams) {
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(365);
}

impl TestCa {
    pub fn new() -> Result<Self, BoxError> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, "regctl test CA");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "regctl test bed");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        validity(&mut params);
        let key = KeyPair::generate()?; // ECDSA P-256
        let cert = params.self_signed(&key)?;
        Ok(TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// A TLS server certificate for [`SERVER_NAMES`] with a fresh ECDSA key.
    pub fn server_cert(&self) -> Result<ServerCert, BoxError> {
        let names: Vec<String> = SERVER_NAMES.iter().map(|s| s.to_string()).collect();
        let mut params = CertificateParams::new(names)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "regctl test server");
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        validity(&mut params);
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(ServerCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().clone(),
            key_der: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        })
    }

    /// A client certificate (for mutual TLS) with a fresh ECDSA key.
    pub fn client_cert(&self) -> Result<ServerCert, BoxError> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, "regctl test client");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        validity(&mut params);
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(ServerCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().clone(),
            key_der: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        })
    }

    /// A certificate (DER) for a public key held elsewhere (the token service's RSA key), given
    /// as a DER SubjectPublicKeyInfo.
    pub fn signing_cert(&self, spki_der: &[u8], common_name: &str) -> Result<Vec<u8>, BoxError> {
        let spki = SubjectPublicKeyInfo::from_der(spki_der)?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        validity(&mut params);
        let cert = params.signed_by(&spki, &self.issuer)?;
        Ok(cert.der().to_vec())
    }
}
