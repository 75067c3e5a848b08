//! The browser app: the tablet exam client at `/`, the staff console at `/console`, the judges'
//! tablet app at `/judge`, the public appeal page at `/appeal`, their assets under `/assets/`, and the service worker that keeps the
//! app shells for offline reloads.
//! The files live in frontend/ and are compiled into the release binary (read from disk in
//! debug builds), so nothing needs building or installing.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};

#[derive(rust_embed::RustEmbed)]
#[folder = "frontend/"]
struct Files;

/// Only the app's own origin; no outside fonts, scripts or frames (venues may have no internet).
/// Frames may show the app's own blobs: the console's certificate preview is a PDF blob.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   connect-src 'self'; frame-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; \
                   form-action 'self'";

fn serve(path: &str) -> HttpResponse {
    match Files::get(path) {
        Some(f) => {
            let mime = f.metadata.mimetype().to_string();
            // Always revalidate: a venue must get a fixed app at once; the service worker
            // keeps a copy for offline reloads.
            HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, mime))
                .insert_header((CACHE_CONTROL, "no-cache"))
                .insert_header((CONTENT_SECURITY_POLICY, CSP))
                .body(f.data.into_owned())
        }
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found"),
    }
}

/// The tablet exam client.
pub async fn candidate() -> HttpResponse {
    serve("index.html")
}

/// The staff console.
pub async fn console() -> HttpResponse {
    serve("console.html")
}

/// The judges' tablet app (practical marking).
pub async fn judge() -> HttpResponse {
    serve("judge.html")
}

/// The public appeal page (申诉): contestants and team leaders file and follow appeals.
pub async fn appeal() -> HttpResponse {
    serve("appeal.html")
}

/// The public scoreboard (成绩大屏), `/board?c=<competition code>`.
pub async fn board() -> HttpResponse {
    serve("board.html")
}

/// The service worker, served from the root so its scope is the whole app.
pub async fn service_worker() -> HttpResponse {
    serve("sw.js")
}

/// The app's icon, for browsers that ask for `/favicon.ico` whatever the page links.
pub async fn favicon() -> HttpResponse {
    serve("assets/favicon.svg")
}

/// A file under frontend/assets/.
pub async fn asset(req: HttpRequest) -> HttpResponse {
    let tail = req.match_info().query("tail");
    if tail.split('/').any(|p| p == ".." || p.is_empty()) {
        return HttpResponse::NotFound().finish();
    }
    serve(&format!("assets/{tail}"))
}

/// Registers the app's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(candidate))
        .route("/console", web::get().to(console))
        .route("/judge", web::get().to(judge))
        .route("/appeal", web::get().to(appeal))
        .route("/board", web::get().to(board))
        .route("/sw.js", web::get().to(service_worker))
        .route("/favicon.ico", web::get().to(favicon))
        .route("/assets/{tail:.*}", web::get().to(asset));
}
