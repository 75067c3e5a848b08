//! Settings from environment variables, with defaults that make `cargo run` work as is.

use std::path::PathBuf;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`BIND`, default `127.0.0.1:8080`; port 0 picks a free one).
    pub bind: String,
    /// Database URL (`DATABASE_URL`): `sqlite://…` (default `sqlite://data/exam.db`) or `postgres://…`.
    pub database_url: String,
    /// Password for the first `admin` account (`ADMIN_PASSWORD`); random and printed once if unset.
    pub admin_password: Option<String>,
    /// Folder of shipped banks loaded at start (`BANK_DIR`, default `question-bank`); `None` loads none.
    pub bank_dir: Option<PathBuf>,
    /// Largest accepted request body, e.g. an import file (`MAX_UPLOAD_BYTES`, default 64 MiB).
    pub max_upload_bytes: usize,
    /// Lifetime of a staff token in minutes (`STAFF_TOKEN_MINUTES`, default 60).
    pub staff_token_minutes: i64,
    /// Longest a staff login lasts through refreshes, in seconds (`STAFF_SESSION_HOURS` × 3600,
    /// default 12 hours); after it the user logs in again.
    pub staff_session_seconds: i64,
    /// Failed logins on one name from one address before that pair has to wait
    /// (`LOGIN_MAX_FAILURES`, default 5); see `auth::limiter`.
    pub login_max_failures: u32,
    /// The longest wait of a pair, in seconds; also how long it takes to forgive one failure
    /// (`LOGIN_LOCKOUT_SECONDS`, default 300).
    pub login_lockout_seconds: u64,
    /// Database connection pool size (`DB_POOL`, default 16).
    pub db_pool: u32,
    /// How long a SQLite writer waits for the write lock (held by another writer or another
    /// process) before the request is answered 503 `server_busy` (`DB_BUSY_TIMEOUT_MS`, default
    /// 10000).
    pub db_busy_timeout_ms: u64,
    /// Print the admin password to stdout on first start (off in tests).
    pub announce: bool,
    /// The public address certificate QR codes point to (`CERT_PUBLIC_URL`); printed in
    /// uppercase, so keep it short. Unset: on a loopback bind the server's own address, else
    /// none, and issuing refuses (see `certificate::issuer`).
    pub cert_public_url: Option<String>,
    /// Who publishes the certificate keys and status list (`CERT_ISSUER`).
    pub cert_issuer: String,
    /// Failed certificate lookups (number + name) per address before a lockout
    /// (`CERT_LOOKUP_MAX_FAILURES`, default 10).
    pub cert_lookup_max_failures: u32,
    /// How long a lookup lockout lasts, in seconds (`CERT_LOOKUP_LOCKOUT_SECONDS`, default 600).
    pub cert_lookup_lockout_seconds: u64,
    /// Seconds a request body may take before it must average 16 KiB/s, or it is cut off with
    /// 408 (`BODY_GRACE_SECONDS`, default 20).
    pub body_grace_seconds: u64,
    /// HTTPS: the certificate chain and its private key, PEM files (`TLS_CERT`, `TLS_KEY`; both
    /// or neither). `None` serves plain HTTP.
    pub tls: Option<TlsFiles>,
    /// With TLS, also answer plain HTTP at this address with a 308 to the HTTPS one
    /// (`HTTP_REDIRECT_BIND`, e.g. `0.0.0.0:80`), so a tablet typing the bare address lands on HTTPS.
    pub http_redirect_bind: Option<String>,
}

/// The PEM files HTTPS is served with (see `tls::load`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The server certificate followed by any intermediates (`TLS_CERT`).
    pub cert: PathBuf,
    /// The server's private key (`TLS_KEY`).
    pub key: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/exam.db".into(),
            admin_password: None,
            bank_dir: Some(PathBuf::from("question-bank")),
            max_upload_bytes: 64 * 1024 * 1024,
            staff_token_minutes: 60,
            staff_session_seconds: 12 * 3600,
            login_max_failures: 5,
            login_lockout_seconds: 300,
            db_pool: 16,
            db_busy_timeout_ms: 10_000,
            announce: true,
            cert_public_url: None,
            cert_issuer: "考试与技能竞赛平台 Exam platform".into(),
            cert_lookup_max_failures: 10,
            cert_lookup_lockout_seconds: 600,
            body_grace_seconds: 20,
            tls: None,
            http_redirect_bind: None,
        }
    }
}

impl Config {
    /// Reads the environment over the defaults. A malformed number is an error, not a silent default.
    pub fn from_env() -> Result<Config, String> {
        let mut c = Config::default();
        if let Ok(v) = std::env::var("BIND") {
            c.bind = v;
        }
        if let Ok(v) = std::env::var("DATABASE_URL") {
            c.database_url = v;
        }
        c.admin_password = std::env::var("ADMIN_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty());
        if let Ok(v) = std::env::var("BANK_DIR") {
            c.bank_dir = (!v.is_empty()).then(|| PathBuf::from(v));
        }
        fn num<T: std::str::FromStr>(name: &str, into: &mut T) -> Result<(), String> {
            if let Ok(v) = std::env::var(name) {
                *into = v
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name}={v:?} is not a valid number"))?;
            }
            Ok(())
        }
        num("MAX_UPLOAD_BYTES", &mut c.max_upload_bytes)?;
        num("STAFF_TOKEN_MINUTES", &mut c.staff_token_minutes)?;
        let mut hours = c.staff_session_seconds / 3600;
        num("STAFF_SESSION_HOURS", &mut hours)?;
        if hours < 1 {
            return Err(format!("STAFF_SESSION_HOURS={hours} must be at least 1"));
        }
        c.staff_session_seconds = hours.saturating_mul(3600);
        num("LOGIN_MAX_FAILURES", &mut c.login_max_failures)?;
        num("LOGIN_LOCKOUT_SECONDS", &mut c.login_lockout_seconds)?;
        num("DB_POOL", &mut c.db_pool)?;
        num("DB_BUSY_TIMEOUT_MS", &mut c.db_busy_timeout_ms)?;
        if let Ok(v) = std::env::var("CERT_PUBLIC_URL")
            && !v.trim().is_empty()
        {
            let v = v.trim().trim_end_matches('/').to_string();
            if !(v.starts_with("http://") || v.starts_with("https://")) {
                return Err(format!(
                    "CERT_PUBLIC_URL={v:?} 不是 http(s) 地址 · is not an http(s) address"
                ));
            }
            c.cert_public_url = Some(v);
        }
        if let Ok(v) = std::env::var("CERT_ISSUER").map(|v| v.trim().to_string())
            && !v.is_empty()
        {
            c.cert_issuer = v;
        }
        num("CERT_LOOKUP_MAX_FAILURES", &mut c.cert_lookup_max_failures)?;
        num(
            "CERT_LOOKUP_LOCKOUT_SECONDS",
            &mut c.cert_lookup_lockout_seconds,
        )?;
        num("BODY_GRACE_SECONDS", &mut c.body_grace_seconds)?;
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        (c.tls, c.http_redirect_bind) =
            tls_settings(var("TLS_CERT"), var("TLS_KEY"), var("HTTP_REDIRECT_BIND"))?;
        Ok(c)
    }
}

/// `TLS_CERT`, `TLS_KEY` and `HTTP_REDIRECT_BIND` as settings: the two files come together, and
/// a redirect to HTTPS needs HTTPS.
fn tls_settings(
    cert: Option<String>,
    key: Option<String>,
    redirect: Option<String>,
) -> Result<(Option<TlsFiles>, Option<String>), String> {
    let tls = match (cert, key) {
        (Some(cert), Some(key)) => Some(TlsFiles {
            cert: PathBuf::from(cert.trim()),
            key: PathBuf::from(key.trim()),
        }),
        (None, None) => None,
        _ => {
            return Err("TLS_CERT 和 TLS_KEY 必须同时设置（或都不设置） / \
                 TLS_CERT and TLS_KEY must be set together (or neither)"
                .into());
        }
    };
    if redirect.is_some() && tls.is_none() {
        return Err("HTTP_REDIRECT_BIND 需要同时设置 TLS_CERT 和 TLS_KEY / \
             HTTP_REDIRECT_BIND needs TLS_CERT and TLS_KEY"
            .into());
    }
    Ok((tls, redirect.map(|r| r.trim().to_string())))
}

#[cfg(test)]
mod tls_tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn tls_files_come_in_pairs_and_a_redirect_needs_them() {
        assert_eq!(tls_settings(None, None, None), Ok((None, None)));
        let (tls, redirect) = tls_settings(
            s("data/tls/server.crt"),
            s("data/tls/server.key"),
            s("0.0.0.0:80"),
        )
        .unwrap();
        assert_eq!(
            tls,
            Some(TlsFiles {
                cert: "data/tls/server.crt".into(),
                key: "data/tls/server.key".into()
            })
        );
        assert_eq!(redirect.as_deref(), Some("0.0.0.0:80"));
        for (cert, key, redirect) in [
            (s("a.crt"), None, None),
            (None, s("a.key"), None),
            (None, None, s("0.0.0.0:80")),
        ] {
            let e = tls_settings(cert, key, redirect).unwrap_err();
            assert!(e.contains("必须") || e.contains("需要"), "{e}");
            assert!(
                e.contains("TLS_CERT and TLS_KEY") || e.contains("needs"),
                "{e}"
            );
        }
    }
}
