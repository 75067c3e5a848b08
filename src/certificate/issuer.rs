//! Who issues this server's certificates and where they are verified: the issuer name on the
//! signed key document and status list, and the public address the QR codes point to.
//!
//! The address is `CERT_PUBLIC_URL` when set; otherwise, on a loopback bind (the demo, the
//! tests, one laptop), the server's own address; otherwise there is none. A certificate whose
//! code leads nowhere a phone can reach is worse than none, so issuing refuses while the address
//! is unset or a loopback one on a server others reach ([`Issuer::require_public_url`]).

use crate::config::Config;
use crate::error::{AppError, AppResult, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

/// Where the certificates' public address comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UrlSource {
    /// `CERT_PUBLIC_URL`.
    Setting,
    /// The server's own loopback address (nothing set, bound to loopback).
    Bind,
    /// Nowhere: nothing set and the server is reachable from other machines.
    None,
}

/// The issuer's published identity.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The issuer's name (`CERT_ISSUER`).
    pub name: String,
    /// The public verification address QR codes point to (empty when there is none).
    pub public_url: String,
    /// Where that address comes from.
    pub source: UrlSource,
    /// True when certificates may carry it.
    pub usable: bool,
}

/// True for a loopback host: `localhost`, `127.x.x.x`, `::1` (with or without brackets).
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The host of a bind address (`127.0.0.1:8080`, `[::1]:80`, `0.0.0.0:8443`).
fn bind_host(bind: &str) -> &str {
    match bind.rfind(':') {
        Some(i) if !bind[..i].is_empty() => &bind[..i],
        _ => bind,
    }
}

/// The host of an http(s) URL.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    if authority.starts_with('[') {
        return authority
            .split_once(']')
            .map(|(h, _)| &h[1..])
            .unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

impl Issuer {
    /// The issuer for a server bound to `bind` (its real port, when port 0 picked one), with
    /// `CERT_PUBLIC_URL` (`setting`) if set; `https` when the server itself speaks TLS.
    pub fn resolve(name: &str, setting: Option<&str>, bind: &str, https: bool) -> Issuer {
        let bind_loopback = is_loopback_host(bind_host(bind));
        let (public_url, source, usable) = match setting {
            Some(url) => (
                url.trim_end_matches('/').to_string(),
                UrlSource::Setting,
                bind_loopback || !is_loopback_host(url_host(url)),
            ),
            None if bind_loopback => (
                format!("{}://{bind}", if https { "https" } else { "http" }),
                UrlSource::Bind,
                true,
            ),
            None => (String::new(), UrlSource::None, false),
        };
        Issuer {
            name: name.to_string(),
            public_url,
            source,
            usable,
        }
    }

    /// The issuer named by the settings, for the address in `BIND`.
    pub fn from_config(config: &Config) -> Issuer {
        Self::for_bind(config, &config.bind)
    }

    /// The issuer named by the settings, for a server listening on `bind`.
    pub fn for_bind(config: &Config, bind: &str) -> Issuer {
        Self::resolve(
            &config.cert_issuer,
            config.cert_public_url.as_deref(),
            bind,
            config.tls.is_some(),
        )
    }

    /// The address certificates carry, or 409 `cert_public_url_unusable` while there is none
    /// a phone could reach.
    pub fn require_public_url(&self) -> AppResult<&str> {
        if self.usable {
            return Ok(&self.public_url);
        }
        Err(AppError::conflict(
            ErrorCode::CertPublicUrlUnusable,
            if self.public_url.is_empty() {
                "证书的查验网址未设置：请把 CERT_PUBLIC_URL 设为平板和手机能访问的地址 · \
                 certificates have no public address: set CERT_PUBLIC_URL to the address tablets \
                 and phones reach"
                    .to_string()
            } else {
                format!(
                    "证书的查验网址 {} 是本机地址，其他设备无法访问：请把 CERT_PUBLIC_URL 设为平板和手机能访问的地址 · \
                     the public address {} is this machine's loopback, which no other device \
                     reaches: set CERT_PUBLIC_URL to the address tablets and phones reach",
                    self.public_url, self.public_url
                )
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_server_without_a_setting_uses_its_own_address() {
        let i = Issuer::resolve("x", None, "127.0.0.1:8080", false);
        assert_eq!(i.public_url, "http://127.0.0.1:8080");
        assert_eq!(i.source, UrlSource::Bind);
        assert!(i.require_public_url().is_ok());
        let i = Issuer::resolve("x", None, "localhost:8443", true);
        assert_eq!(i.public_url, "https://localhost:8443");
    }

    #[test]
    fn a_venue_server_without_a_setting_has_no_address_and_refuses() {
        let i = Issuer::resolve("x", None, "0.0.0.0:8080", false);
        assert_eq!(i.source, UrlSource::None);
        assert_eq!(i.public_url, "");
        let e = i.require_public_url().unwrap_err();
        assert_eq!(e.code, ErrorCode::CertPublicUrlUnusable);
    }

    #[test]
    fn a_loopback_setting_on_a_venue_server_refuses_and_a_real_one_is_used() {
        let i = Issuer::resolve("x", Some("http://127.0.0.1:8080"), "0.0.0.0:8080", false);
        assert!(!i.usable);
        assert!(i.require_public_url().is_err());
        let i = Issuer::resolve("x", Some("http://[::1]:80/"), "192.168.1.10:80", false);
        assert!(!i.usable);
        let i = Issuer::resolve(
            "x",
            Some("https://cert.example.org/"),
            "0.0.0.0:8080",
            false,
        );
        assert_eq!(
            i.require_public_url().ok(),
            Some("https://cert.example.org")
        );
        let i = Issuer::resolve("x", Some("http://localhost:9"), "127.0.0.1:9", false);
        assert!(i.usable, "all on one machine: loopback is fine");
    }
}
