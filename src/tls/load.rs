//! Loading `TLS_CERT` / `TLS_KEY` (PEM files) into the server's TLS settings, with a clear
//! reason in Chinese and English when they cannot serve.

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

/// The TLS settings for a certificate chain file and its key file.
pub fn server_config(cert: &Path, key: &Path) -> Result<ServerConfig, String> {
    let read = |var: &str, path: &Path| {
        std::fs::read(path).map_err(|e| {
            format!(
                "无法读取 {var} 文件 {p}：{e} / cannot read the {var} file {p}: {e}",
                p = path.display()
            )
        })
    };
    let cert_pem = read("TLS_CERT", cert)?;
    let key_pem = read("TLS_KEY", key)?;
    server_config_from_pem(&cert_pem, &key_pem)
        .map_err(|e| format!("TLS_CERT={} TLS_KEY={}：{e}", cert.display(), key.display()))
}

/// The TLS settings for a PEM certificate chain (server first) and a PEM private key.
pub fn server_config_from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<ServerConfig, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| {
            format!("TLS_CERT 不是有效的 PEM 证书文件：{e} / TLS_CERT is not a valid PEM certificate file: {e}")
        })?;
    if certs.is_empty() {
        return Err(
            "TLS_CERT 中没有证书（应含 -----BEGIN CERTIFICATE-----） / TLS_CERT holds no certificate (expected -----BEGIN CERTIFICATE-----)"
                .into(),
        );
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| {
        format!(
            "TLS_KEY 中没有可用的私钥（PEM）：{e} / TLS_KEY holds no usable private key (PEM): {e}"
        )
    })?;
    server_config_from_der(certs, key)
}

/// The TLS settings for a parsed chain and key: TLS 1.2 and 1.3 with the `ring` provider,
/// HTTP/1.1 only (as the plain server). Refuses a key that is not the certificate's.
pub fn server_config_from_der(
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<ServerConfig, String> {
    let provider = super::provider();
    let signing_key = provider.key_provider.load_private_key(key).map_err(|e| {
        format!("TLS_KEY 的私钥无法使用：{e} / the TLS_KEY private key cannot be used: {e}")
    })?;
    let certified = rustls::sign::CertifiedKey::new(certs, signing_key);
    certified.keys_match().map_err(|e| {
        format!(
            "TLS_KEY 的私钥与 TLS_CERT 的证书不匹配：{e} / the TLS_KEY private key does not belong to the TLS_CERT certificate: {e}"
        )
    })?;
    // actix-web announces HTTP/1.1 over ALPN itself (HTTP/2 is not built in).
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS 设置无效：{e} / invalid TLS settings: {e}"))?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(Arc::new(
            certified,
        ))));
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::ca::{LocalCa, to_time};
    use crate::tls::host::Host;

    fn cert() -> crate::tls::ca::ServerCert {
        let now = to_time(chrono::Utc::now());
        let ca = LocalCa::new(now).unwrap();
        ca.issue_server(&[Host::parse("exam.venue.test").unwrap()], now)
            .unwrap()
    }

    #[test]
    fn a_chain_and_its_own_key_make_a_server() {
        let c = cert();
        server_config_from_pem(c.chain_pem.as_bytes(), c.key_pem.as_bytes()).unwrap();
    }

    #[test]
    fn a_key_of_another_certificate_is_refused_in_both_languages() {
        let (a, b) = (cert(), cert());
        let e = server_config_from_pem(a.chain_pem.as_bytes(), b.key_pem.as_bytes()).unwrap_err();
        assert!(e.contains("不匹配") && e.contains("does not belong"), "{e}");
    }

    #[test]
    fn files_without_certificates_or_keys_are_refused() {
        let c = cert();
        let e = server_config_from_pem(b"hello", c.key_pem.as_bytes()).unwrap_err();
        assert!(
            e.contains("没有证书") && e.contains("no certificate"),
            "{e}"
        );
        let e = server_config_from_pem(c.chain_pem.as_bytes(), b"hello").unwrap_err();
        assert!(e.contains("私钥") && e.contains("private key"), "{e}");
        let e = server_config_from_pem(c.key_pem.as_bytes(), c.key_pem.as_bytes()).unwrap_err();
        assert!(e.contains("no certificate"), "{e}");
        let missing = std::path::Path::new("/nonexistent/server.crt");
        let e = server_config(missing, missing).unwrap_err();
        assert!(e.contains("无法读取") && e.contains("cannot read"), "{e}");
    }
}
