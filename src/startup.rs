//! Building the application: database, migrations, secrets, first admin, shipped banks, HTTP.

use crate::auth::limiter::LoginGuard;
use crate::auth::service::StaffLogins;
use crate::auth::token::JwtKeys;
use crate::auth::{repo as auth_repo, service as auth_service};
use crate::bank::service as bank_service;
use crate::certificate::issuer::Issuer;
use crate::config::Config;
use crate::state::AppState;
use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use rand::RngCore;
use sea_orm::DatabaseConnection;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

/// A built, not yet running, server.
pub struct Application {
    port: u16,
    tls: bool,
    server: Server,
    /// With `HTTP_REDIRECT_BIND`: the plain-HTTP server that sends everyone to HTTPS, and its port.
    redirect: Option<(u16, Server)>,
    state: AppState,
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartupError(pub String);

impl From<sea_orm::DbErr> for StartupError {
    fn from(e: sea_orm::DbErr) -> Self {
        StartupError(format!("database: {e}"))
    }
}

impl From<crate::error::AppError> for StartupError {
    fn from(e: crate::error::AppError) -> Self {
        StartupError(e.message)
    }
}

/// Opens the database, applies migrations, finishes or undoes interrupted imports and makes
/// the first admin: all a command that only reads or writes data needs (no autosave writer, no
/// live bus, no listener).
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, StartupError> {
    let db = crate::db::connect_with(
        &config.database_url,
        config.db_pool,
        std::time::Duration::from_millis(config.db_busy_timeout_ms),
    )
    .await?;
    // Imports a stop interrupted are finished or undone before anyone can see half of one.
    let min_age = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => std::time::Duration::from_secs(600),
        _ => std::time::Duration::ZERO,
    };
    let recovered = bank_service::recover_imports(&db, min_age).await?;
    if recovered > 0 {
        tracing::warn!("finished or undid {recovered} interrupted import(s)");
    }
    if let Some(pw) = auth_service::ensure_admin(&db, config.admin_password.as_deref()).await?
        && config.announce
    {
        println!("Created the first account: username admin, password {pw}");
        println!(
            "(shown once; change it after logging in, or set ADMIN_PASSWORD before the first start)"
        );
    }
    Ok(db)
}

/// Everything a server needs: the database as [`open_database`] leaves it, the token secret,
/// and the runtime pieces (call inside the runtime: it starts the autosave writer and, on
/// PostgreSQL, the live-bus listener).
pub async fn prepare(config: &Config) -> Result<AppState, StartupError> {
    let db = open_database(config).await?;
    let secret = match std::env::var("JWT_SECRET").ok().filter(|s| s.len() >= 32) {
        Some(s) => s,
        None => {
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            // Kept in the database so restarts and sibling instances share it.
            auth_repo::setting_or_insert(&db, "jwt_secret", &hex::encode(bytes)).await?
        }
    };
    let lockout = Duration::from_secs(config.login_lockout_seconds);
    let bus = crate::live::Bus::start(&db);
    let keys = Arc::new(JwtKeys::new(secret.as_bytes()));
    Ok(AppState {
        exams: Arc::new(crate::exam::attempt::ExamRuntime::start(
            &db,
            LoginGuard::for_candidates(config.login_max_failures, lockout),
            bus.clone(),
        )),
        live: Arc::new(crate::proctor::live::Live::new(bus.clone())),
        boards: {
            let hub = Arc::new(crate::competition::scoreboard_live::BoardHub::new(bus));
            hub.start_timer(db.clone());
            hub
        },
        db,
        config: Arc::new(config.clone()),
        staff: Arc::new(StaffLogins {
            keys: keys.clone(),
            limiter: LoginGuard::for_staff(config.login_max_failures, lockout),
            token_minutes: config.staff_token_minutes,
            session_seconds: config.staff_session_seconds,
        }),
        keys,
        appellants: Arc::new(LoginGuard::for_candidates(
            config.login_max_failures,
            lockout,
        )),
        issuer: Arc::new(Issuer::from_config(config)),
    })
}

impl Application {
    /// Prepares everything and binds the listener (port 0 picks a free port).
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        // A bad certificate or key stops the start before anything is opened.
        let tls = match &config.tls {
            Some(files) => Some(
                crate::tls::load::server_config(&files.cert, &files.key).map_err(StartupError)?,
            ),
            None => None,
        };
        let state = prepare(&config).await?;
        if let Some(dir) = &config.bank_dir {
            if dir.is_dir() {
                let loaded = bank_service::load_shipped(&state.db, dir).await?;
                for l in loaded {
                    let r = &l.report;
                    tracing::info!(
                        "bank {} from {}: {} new, {} updated, {} unchanged, {} skipped",
                        r.bank,
                        l.file,
                        r.imported,
                        r.updated,
                        r.unchanged,
                        r.skipped
                    );
                    if config.announce && (r.imported > 0 || r.updated > 0 || r.skipped > 0) {
                        println!(
                            "Loaded bank {} from {}: {} new, {} updated, {} unchanged, {} skipped",
                            r.bank, l.file, r.imported, r.updated, r.unchanged, r.skipped
                        );
                    }
                }
            } else {
                tracing::warn!(
                    "bank folder {} not found; no shipped banks loaded",
                    dir.display()
                );
            }
        }
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| StartupError(format!("cannot listen on {}: {e}", config.bind)))?;
        let port = listener
            .local_addr()
            .map_err(|e| StartupError(e.to_string()))?
            .port();
        let mut state = state;
        // Port 0 picked a free port: a certificate address taken from the bind uses the real one.
        let bound = match config.bind.rfind(':') {
            Some(i) => format!("{}:{port}", &config.bind[..i]),
            None => config.bind.clone(),
        };
        state.issuer = std::sync::Arc::new(Issuer::for_bind(&config, &bound));
        // Attempts closed at time-up earn their certificates as a candidate's own submit does.
        let (db, issuer) = (state.db.clone(), state.issuer.clone());
        crate::exam::attempt::spawn_sweeper(state.db.clone(), state.exams.clone(), move |done| {
            let (db, issuer) = (db.clone(), issuer.clone());
            async move { crate::certificate::issue::issue_for_finished(&db, &issuer, &done).await }
        });
        let data = web::Data::new(state.clone());
        let max_upload = config.max_upload_bytes;
        let edge = crate::http::edge::Edge {
            body_grace: Duration::from_secs(config.body_grace_seconds),
        };
        let server = HttpServer::new(move || {
            let app = App::new()
                .app_data(data.clone())
                .wrap(actix_web::middleware::from_fn(move |req, next| {
                    crate::http::edge::check(edge, req, next)
                }))
                .wrap(actix_web::middleware::Compress::default())
                // Outermost, so the edge's own answers are traced too.
                .wrap(actix_web::middleware::from_fn(crate::http::trace::request));
            crate::http::routes(app, max_upload)
        })
        // The head of a request must arrive within 5 s (bodies: `http::edge` cuts off a slow
        // one), and a connection being closed gets 2 s to finish before it is dropped.
        .client_request_timeout(Duration::from_secs(5))
        .client_disconnect_timeout(Duration::from_secs(2));
        let is_tls = tls.is_some();
        let server = match tls {
            Some(tls) => server.listen_rustls_0_23(listener, tls),
            None => server.listen(listener),
        }
        .map_err(|e| StartupError(e.to_string()))?
        .run();
        let redirect = match (&config.http_redirect_bind, &config.tls) {
            (Some(bind), Some(files)) => Some(redirect_server(bind, port, &files.cert)?),
            _ => None,
        };
        Ok(Application {
            port,
            tls: is_tls,
            server,
            redirect,
            state,
        })
    }

    /// `https` when it serves TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls { "https" } else { "http" }
    }

    /// The port of the plain-HTTP redirect to HTTPS, when there is one.
    pub fn redirect_port(&self) -> Option<u16> {
        self.redirect.as_ref().map(|(port, _)| *port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (for tests and subcommands).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        match self.redirect {
            Some((_, redirect)) => {
                futures_util::future::try_join(self.server, redirect).await?;
                Ok(())
            }
            None => self.server.await,
        }
    }
}

/// The venue CA as `exam-platform tls` leaves it beside the server certificate (`ca.der.crt`),
/// when it is there: the redirect server hands it out so a tablet can install it before it
/// trusts HTTPS.
pub const VENUE_CA_FILE: &str = "ca.der.crt";

/// A plain-HTTP server on `bind` that answers every request with a 308 to the same host and
/// path over HTTPS on `tls_port`, except `/ca.der.crt`: the venue CA beside `cert` (when there)
/// for tablets to download and install. Returns its port and the server.
fn redirect_server(
    bind: &str,
    tls_port: u16,
    cert: &std::path::Path,
) -> Result<(u16, Server), StartupError> {
    let ca = cert
        .parent()
        .map(|dir| dir.join(VENUE_CA_FILE))
        .and_then(|p| std::fs::read(p).ok())
        .map(web::Bytes::from);
    let listener = TcpListener::bind(bind)
        .map_err(|e| StartupError(format!("无法监听 cannot listen on {bind}: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| StartupError(e.to_string()))?
        .port();
    let server = HttpServer::new(move || {
        let ca = ca.clone();
        App::new().default_service(web::to(move |req: actix_web::HttpRequest| {
            let ca = ca.clone();
            async move {
                if let Some(ca) = ca.filter(|_| req.path() == format!("/{VENUE_CA_FILE}")) {
                    return actix_web::HttpResponse::Ok()
                        .content_type("application/x-x509-ca-cert")
                        .insert_header((
                            "content-disposition",
                            format!("attachment; filename=\"{VENUE_CA_FILE}\""),
                        ))
                        .body(ca);
                }
                let host = req.connection_info().host().to_string();
                actix_web::HttpResponse::PermanentRedirect()
                    .insert_header(("location", https_location(&host, tls_port, &req)))
                    .finish()
            }
        }))
    })
    .workers(1)
    .client_request_timeout(Duration::from_secs(5))
    .listen(listener)
    .map_err(|e| StartupError(e.to_string()))?
    .run();
    Ok((port, server))
}

/// Where a plain-HTTP request for `host` (as its Host header says, maybe with a port) goes:
/// the same host and path on HTTPS at `tls_port` (no port when it is 443).
fn https_location(host: &str, tls_port: u16, req: &actix_web::HttpRequest) -> String {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6
            .split_once(']')
            .map_or(host, |(ip, _)| &host[..ip.len() + 2]),
        None => host.split(':').next().unwrap_or(host),
    };
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    if tls_port == 443 {
        format!("https://{name}{path}")
    } else {
        format!("https://{name}:{tls_port}{path}")
    }
}
