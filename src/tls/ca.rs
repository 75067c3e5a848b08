//! A venue's own certificate authority and the server certificates it signs (`exam-platform
//! tls`). The CA is made once and kept, so the tablets install it once; each run signs a new
//! server certificate for the addresses and names given then.

use super::host::Host;
use rand::RngCore;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use time::{Duration, OffsetDateTime};

/// Days a server certificate is valid: the most Apple's and Google's browsers accept for a
/// certificate from a CA a user installed (825 days).
pub const SERVER_DAYS: i64 = 825;
/// Days the local CA is valid (ten years: the tablets install it once).
pub const CA_DAYS: i64 = 3650;

/// The venue's CA: its certificate (PEM) and its signing key.
pub struct LocalCa {
    cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// A server certificate signed by the local CA.
#[derive(Debug, Clone)]
pub struct ServerCert {
    /// The server certificate followed by the CA's (what `TLS_CERT` points to).
    pub chain_pem: String,
    /// Its private key (what `TLS_KEY` points to).
    pub key_pem: String,
    /// When it stops being valid.
    pub not_after: OffsetDateTime,
}

fn err(zh: &str, en: &str, e: impl std::fmt::Display) -> String {
    format!("{zh}：{e} / {en}: {e}")
}

fn random_serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    // A positive number: the top bit clear.
    bytes[0] &= 0x7f;
    SerialNumber::from_slice(&bytes)
}

/// An instant as the `time` crate (rcgen's) has it.
pub fn to_time(t: chrono::DateTime<chrono::Utc>) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl LocalCa {
    /// Makes a new CA (ECDSA P-256), valid from an hour before `now` for [`CA_DAYS`], allowed
    /// to sign server certificates only (path length 0). Its name carries the day it was made
    /// and a random tag, so two venues' CAs are told apart in a tablet's list.
    pub fn new(now: OffsetDateTime) -> Result<LocalCa, String> {
        let key = KeyPair::generate().map_err(|e| err("无法生成密钥", "cannot make a key", e))?;
        let mut params = CertificateParams::default();
        let mut tag = [0u8; 3];
        rand::rng().fill_bytes(&mut tag);
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CommonName,
            format!(
                "考试平台考点根证书 Exam venue CA {}-{:02}-{:02} {}",
                now.year(),
                u8::from(now.month()),
                now.day(),
                hex::encode(tag)
            ),
        );
        dn.push(DnType::OrganizationName, "考试平台 Exam platform");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = now - Duration::hours(1);
        params.not_after = now + Duration::days(CA_DAYS);
        params.serial_number = Some(random_serial());
        let cert = params
            .self_signed(&key)
            .map_err(|e| err("无法生成根证书", "cannot make the CA certificate", e))?;
        Ok(LocalCa {
            cert_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA kept from an earlier run: its certificate and key as written then.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<LocalCa, String> {
        let key = KeyPair::from_pem(key_pem)
            .map_err(|e| err("根证书私钥无法读取", "the CA key cannot be read", e))?;
        let issuer = Issuer::from_ca_cert_pem(cert_pem, key)
            .map_err(|e| err("根证书无法读取", "the CA certificate cannot be read", e))?;
        Ok(LocalCa {
            cert_pem: cert_pem.to_string(),
            issuer,
        })
    }

    /// The CA certificate, PEM (for `ca.crt` and the end of the server chain).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA certificate, DER (`ca.der.crt`, what Android and iPad install).
    pub fn cert_der(&self) -> Result<Vec<u8>, String> {
        CertificateDer::from_pem_slice(self.cert_pem.as_bytes())
            .map(|c| c.as_ref().to_vec())
            .map_err(|e| err("根证书无法读取", "the CA certificate cannot be read", e))
    }

    /// The CA's private key, PEM (`ca.key`; keep it to yourself).
    pub fn key_pem(&self) -> String {
        self.issuer.key().serialize_pem()
    }

    /// Signs a new server certificate (new key, ECDSA P-256) for `hosts`, valid from an hour
    /// before `now` for [`SERVER_DAYS`] (but never past the CA's own end).
    pub fn issue_server(&self, hosts: &[Host], now: OffsetDateTime) -> Result<ServerCert, String> {
        let Some(first) = hosts.first() else {
            return Err(
                "没有要写入证书的地址或名称 / no address or name to put in the certificate".into(),
            );
        };
        let key = KeyPair::generate().map_err(|e| err("无法生成密钥", "cannot make a key", e))?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, first.to_string());
        dn.push(DnType::OrganizationName, "考试平台 Exam platform");
        params.distinguished_name = dn;
        params.subject_alt_names = hosts
            .iter()
            .map(|h| match h {
                Host::Ip(ip) => Ok(SanType::IpAddress(*ip)),
                Host::Dns(name) => name
                    .clone()
                    .try_into()
                    .map(SanType::DnsName)
                    .map_err(|e| err("主机名无效", "invalid host name", e)),
            })
            .collect::<Result<_, String>>()?;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        params.not_before = now - Duration::hours(1);
        params.not_after = params.not_before + Duration::days(SERVER_DAYS);
        params.serial_number = Some(random_serial());
        let cert = params.signed_by(&key, &self.issuer).map_err(|e| {
            err(
                "无法签发服务器证书",
                "cannot sign the server certificate",
                e,
            )
        })?;
        Ok(ServerCert {
            chain_pem: format!("{}{}", cert.pem(), self.cert_pem),
            key_pem: key.serialize_pem(),
            not_after: params.not_after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::client::danger::ServerCertVerifier;
    use rustls_pki_types::{PrivateKeyDer, ServerName, UnixTime};
    use std::sync::Arc;

    fn now() -> OffsetDateTime {
        to_time(chrono::Utc::now())
    }

    fn hosts() -> Vec<Host> {
        vec![
            Host::parse("exam.venue.test").unwrap(),
            Host::parse("192.168.1.10").unwrap(),
        ]
    }

    /// Checks the chain as a browser would, trusting only `ca`.
    fn verify(ca: &LocalCa, chain_pem: &str, name: &str) -> Result<(), rustls::Error> {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(ca.cert_pem().as_bytes()).unwrap())
            .unwrap();
        let provider = crate::tls::provider();
        let verifier =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        let chain: Vec<CertificateDer> = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
        verifier
            .verify_server_cert(
                &chain[0],
                &chain[1..],
                &ServerName::try_from(name.to_string()).unwrap(),
                &[],
                UnixTime::now(),
            )
            .map(|_| ())
    }

    #[test]
    fn a_server_certificate_is_trusted_for_its_names_and_addresses_only() {
        let ca = LocalCa::new(now()).unwrap();
        let server = ca.issue_server(&hosts(), now()).unwrap();
        assert_eq!(server.chain_pem.matches("BEGIN CERTIFICATE").count(), 2);
        assert!(server.chain_pem.ends_with(ca.cert_pem()));
        verify(&ca, &server.chain_pem, "exam.venue.test").unwrap();
        verify(&ca, &server.chain_pem, "192.168.1.10").unwrap();
        assert!(verify(&ca, &server.chain_pem, "other.venue.test").is_err());
        assert!(verify(&ca, &server.chain_pem, "192.168.1.11").is_err());
        // Another venue's CA does not vouch for it.
        let other = LocalCa::new(now()).unwrap();
        assert!(verify(&other, &server.chain_pem, "exam.venue.test").is_err());
        // The key is the certificate's (tls::load refuses any other; tested there).
        let key = PrivateKeyDer::from_pem_slice(server.key_pem.as_bytes()).unwrap();
        let signing = crate::tls::provider()
            .key_provider
            .load_private_key(key)
            .unwrap();
        let certs = CertificateDer::pem_slice_iter(server.chain_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rustls::sign::CertifiedKey::new(certs, signing)
            .keys_match()
            .unwrap();
    }

    #[test]
    fn a_kept_ca_signs_certificates_the_tablets_already_trust() {
        let ca = LocalCa::new(now()).unwrap();
        let again = LocalCa::from_pem(ca.cert_pem(), &ca.key_pem()).unwrap();
        assert_eq!(again.cert_pem(), ca.cert_pem());
        let server = again.issue_server(&hosts(), now()).unwrap();
        verify(&ca, &server.chain_pem, "exam.venue.test").unwrap();
        assert!(LocalCa::from_pem(ca.cert_pem(), "not a key").is_err());
    }

    #[test]
    fn validity_is_within_what_browsers_accept_and_the_ca_signs_servers_only() {
        use x509_parser::prelude::*;
        let ca = LocalCa::new(now()).unwrap();
        let server = ca.issue_server(&hosts(), now()).unwrap();
        let der = CertificateDer::from_pem_slice(server.chain_pem.as_bytes()).unwrap();
        let (_, cert) = X509Certificate::from_der(der.as_ref()).unwrap();
        let v = cert.validity();
        let days = (v.not_after.timestamp() - v.not_before.timestamp()) / 86_400;
        assert!(days <= 825, "{days} days");
        assert!(!cert.is_ca());
        let eku = cert.extended_key_usage().unwrap().unwrap();
        assert!(eku.value.server_auth);
        let ca_der = ca.cert_der().unwrap();
        let (_, ca_cert) = X509Certificate::from_der(&ca_der).unwrap();
        let bc = ca_cert.basic_constraints().unwrap().unwrap();
        assert!(bc.value.ca);
        assert_eq!(bc.value.path_len_constraint, Some(0));
        assert!(ca.issue_server(&[], now()).is_err());
    }
}
