//! Host names and addresses: what a certificate can name (an IP address or a DNS name), the
//! machine's own addresses a tablet can reach, and whether a bind address is loopback only.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// Something a server certificate names (a subject alternative name).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Host {
    /// An IP address, e.g. `192.168.1.10` (an IP SAN).
    Ip(IpAddr),
    /// A DNS name, e.g. `exam.venue.lan`, lowercase, without a trailing dot (a DNS SAN).
    Dns(String),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Dns(name) => f.write_str(name),
        }
    }
}

impl Host {
    /// Parses what a user typed after `--host`: an IPv4 or IPv6 address (brackets allowed) or a
    /// DNS name. Refused, with a reason in Chinese and English: an empty value, a URL or a
    /// port (`http://…`, `…:8443`), the unspecified address, a wildcard, and names that are not
    /// valid DNS names (or look like a mistyped IPv4 address, e.g. `192.168.1.300`).
    pub fn parse(raw: &str) -> Result<Host, String> {
        let s = raw.trim();
        let bad = |zh: &str, en: &str| Err(format!("--host {raw:?}：{zh} / {en}"));
        if s.is_empty() {
            return bad("主机不能为空", "the host is empty");
        }
        if s.contains("://") || s.contains('/') {
            return bad(
                "只写地址或名称，不要写 http:// 或路径",
                "give the address or name alone, without http:// or a path",
            );
        }
        let unbracketed = s
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .unwrap_or(s);
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            if ip.is_unspecified() {
                return bad(
                    "0.0.0.0 / :: 不是平板电脑可以访问的地址，请写本机的局域网地址",
                    "0.0.0.0 and :: are not addresses a tablet can open; give this machine's LAN address",
                );
            }
            return Ok(Host::Ip(ip));
        }
        if s.contains(':') {
            return bad(
                "不要写端口（证书与端口无关）",
                "leave out the port (a certificate does not name one)",
            );
        }
        let name = s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase();
        if name.len() > 253 {
            return bad(
                "名称过长（最多 253 个字符）",
                "the name is longer than 253 characters",
            );
        }
        let labels: Vec<&str> = name.split('.').collect();
        if labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        {
            return bad("不是有效的 IP 地址", "not a valid IP address");
        }
        for label in &labels {
            let ok = !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return bad(
                    "不是有效的主机名（只能用字母、数字、连字符和点）",
                    "not a valid host name (letters, digits, hyphens and dots only)",
                );
            }
        }
        Ok(Host::Dns(name))
    }
}

/// This machine's IPv4 addresses other than loopback and link-local (169.254.x.y), sorted:
/// the addresses a tablet on the venue network can open. Read from the network interfaces
/// (`if-addrs`), so it works on a venue network with no route to the internet.
pub fn local_ipv4s() -> Vec<Ipv4Addr> {
    let mut ips: Vec<Ipv4Addr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| match i.ip() {
            IpAddr::V4(ip) if !ip.is_loopback() && !ip.is_link_local() => Some(ip),
            _ => None,
        })
        .collect();
    ips.sort();
    ips.dedup();
    ips
}

/// The host part of a bind address (`0.0.0.0:8080` → `0.0.0.0`, `[::1]:8080` → `::1`).
pub fn bind_host(bind: &str) -> &str {
    let host = bind.rsplit_once(':').map(|(h, _)| h).unwrap_or(bind);
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Whether a bind address only accepts connections from this machine (`127.x.y.z`, `::1`,
/// `localhost`): then no tablet reaches it, and nothing needs HTTPS.
pub fn is_loopback_bind(bind: &str) -> bool {
    let host = bind_host(bind);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether a bind address listens on every interface (`0.0.0.0`, `::`).
pub fn is_unspecified_bind(bind: &str) -> bool {
    bind_host(bind)
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_unspecified())
}

/// The base addresses (`scheme://host:port`) a person should open to reach a server bound to
/// `bind` on `port`: each of this machine's LAN addresses when it listens on every interface
/// (loopback if it has none), else the bound host itself.
pub fn reachable_bases(bind: &str, scheme: &str, port: u16) -> Vec<String> {
    let hosts: Vec<String> = if is_unspecified_bind(bind) {
        let ips = local_ipv4s();
        if ips.is_empty() {
            vec!["127.0.0.1".to_string()]
        } else {
            ips.iter().map(ToString::to_string).collect()
        }
    } else {
        let host = bind_host(bind);
        vec![if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_string()
        }]
    };
    hosts
        .into_iter()
        .map(|h| format!("{scheme}://{h}:{port}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    #[test]
    fn addresses_become_ip_names_and_names_become_dns_names() {
        assert_eq!(
            Host::parse("192.168.1.10"),
            Ok(Host::Ip(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 10))))
        );
        assert_eq!(
            Host::parse(" [fe80::1] "),
            Ok(Host::Ip(IpAddr::V6("fe80::1".parse::<Ipv6Addr>().unwrap())))
        );
        assert_eq!(
            Host::parse("::1"),
            Ok(Host::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)))
        );
        assert_eq!(
            Host::parse("Exam.Venue.LAN."),
            Ok(Host::Dns("exam.venue.lan".into()))
        );
        assert_eq!(Host::parse("exam-1"), Ok(Host::Dns("exam-1".into())));
        assert_eq!(Host::Dns("a.b".into()).to_string(), "a.b");
        assert_eq!(Host::parse("::1").unwrap().to_string(), "[::1]");
    }

    #[test]
    fn urls_ports_wildcards_and_malformed_names_are_refused_in_both_languages() {
        for bad in [
            "",
            "  ",
            "https://exam.venue.lan",
            "exam.venue.lan/",
            "192.168.1.10:8443",
            "exam.venue.lan:8443",
            "0.0.0.0",
            "::",
            "*.venue.lan",
            "192.168.1.300",
            "-exam.lan",
            "exam-.lan",
            "exam..lan",
            "考试.lan",
            "exam_1.lan",
        ] {
            let err = Host::parse(bad).expect_err(bad);
            assert!(
                err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{bad}: {err}"
            );
            assert!(err.contains(" / "), "{bad}: {err}");
        }
        let long = format!("{}.lan", "a".repeat(64));
        assert!(Host::parse(&long).is_err());
    }

    #[test]
    fn loopback_binds_are_told_apart_from_network_binds() {
        assert!(is_loopback_bind("127.0.0.1:8080"));
        assert!(is_loopback_bind("127.0.0.2:0"));
        assert!(is_loopback_bind("[::1]:8080"));
        assert!(is_loopback_bind("localhost:8080"));
        assert!(!is_loopback_bind("0.0.0.0:8080"));
        assert!(!is_loopback_bind("[::]:8080"));
        assert!(!is_loopback_bind("192.168.1.10:8080"));
        assert!(is_unspecified_bind("0.0.0.0:80"));
        assert!(is_unspecified_bind("[::]:80"));
        assert!(!is_unspecified_bind("192.168.1.10:80"));
        assert_eq!(bind_host("[::1]:8080"), "::1");
    }

    #[test]
    fn a_server_on_every_interface_is_announced_at_its_lan_addresses_never_loopback() {
        let bases = reachable_bases("0.0.0.0:8443", "https", 8443);
        assert!(!bases.is_empty());
        for b in &bases {
            assert!(b.starts_with("https://") && b.ends_with(":8443"), "{b}");
        }
        if !local_ipv4s().is_empty() {
            assert!(bases.iter().all(|b| !b.contains("127.0.0.1")), "{bases:?}");
        }
        assert_eq!(
            reachable_bases("192.168.1.10:80", "http", 80),
            vec!["http://192.168.1.10:80"]
        );
        assert_eq!(
            reachable_bases("[::1]:80", "http", 80),
            vec!["http://[::1]:80"]
        );
    }
}
