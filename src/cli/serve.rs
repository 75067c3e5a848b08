//! `serve` and `demo`: the server, and the server on a fresh demo database.

use super::config;
use exam_platform::config::Config;
use exam_platform::exam::demo;
use exam_platform::startup::Application;
use std::path::PathBuf;

pub async fn serve(config: Config) -> Result<(), String> {
    let app = Application::build(config.clone())
        .await
        .map_err(|e| e.to_string())?;
    announce(&config, &app);
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

/// Prints where the server listens; returns the `host:port` to reach it at.
fn announce(config: &Config, app: &Application) -> String {
    let host = config
        .bind
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or("127.0.0.1");
    println!(
        "Listening on http://{host}:{}  (API: /api, OpenAPI: /api/openapi.json)",
        app.port()
    );
    println!("Database: {}", super::redact(&config.database_url));
    format!("{host}:{}", app.port())
}

pub async fn demo() -> Result<(), String> {
    let mut config = config()?;
    let fresh = std::env::var("DATABASE_URL").is_err();
    if fresh {
        let path = PathBuf::from("data/demo.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        config.database_url = format!("sqlite://{}", path.display());
    }
    if config.admin_password.is_none() {
        config.admin_password = Some("demo-admin".into());
    }
    let app = Application::build(config.clone())
        .await
        .map_err(|e| e.to_string())?;
    // Made before serving, so the printed tickets work from the first request.
    let d = demo::ensure(&app.state().db, chrono::Utc::now())
        .await
        .map_err(|e| format!("cannot create the demo data: {}: {}", e.code, e.message))?;
    let addr = announce(&config, &app);
    let pw = config.admin_password.clone().unwrap_or_default();
    println!();
    println!(
        "Demo: {} database, shipped banks loaded, staff login admin / {pw}",
        if fresh { "fresh" } else { "existing" }
    );
    println!(
        "Exam {} (id {}); session {} {} {} (id {}{}), open until {} UTC",
        demo::EXAM_NAME,
        d.exam_id,
        demo::SESSION_NAME,
        demo::SESSION_NUMBER,
        demo::SESSION_VENUE,
        d.session_id,
        if d.created {
            ""
        } else {
            ", from an earlier start"
        },
        d.ends_at.format("%Y-%m-%d %H:%M")
    );
    if d.ends_at <= chrono::Utc::now() {
        println!("  (its window has closed: candidates can no longer start; use a fresh database)");
    }
    println!();
    println!("  ticket          ID number            name  room      seat");
    for c in &d.candidates {
        println!(
            "  {:<15} {:<20} {}  {}  {:>3}",
            c.ticket, c.id_number, c.name, c.room, c.seat
        );
    }
    println!();
    println!(
        "Sit the exam: open http://{addr}/ on a tablet (or a browser window of tablet size) and log in with a ticket and ID number."
    );
    println!("Watch the room and mark: the staff console at http://{addr}/console (admin / {pw}).");
    println!("Or over the API, e.g. with curl:");
    println!(
        "  POST /api/candidate/login {{\"ticket\",\"id_number\"}} → token, attempt_id; then with -H 'authorization: Bearer <token>'"
    );
    println!(
        "  GET /api/attempts/{{id}}/paper, PUT /api/attempts/{{id}}/answers/{{question_id}} {{\"response\":…,\"seq\":1}}, POST /api/attempts/{{id}}/submit\n  (request and response shapes: /api/openapi.json)"
    );
    println!(
        "Staff: curl -s -X POST http://{addr}/api/auth/login -H 'content-type: application/json' \\"
    );
    println!("        -d '{{\"username\":\"admin\",\"password\":\"{pw}\"}}'");
    println!(
        "       then GET /api/sessions/{}/candidates or /api/questions?bank=VID with -H 'authorization: Bearer <token>'",
        d.session_id
    );
    app.run_until_stopped().await.map_err(|e| e.to_string())
}
