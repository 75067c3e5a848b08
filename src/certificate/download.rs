//! The PDF of a certificate, its file name, and a session's certificates as one ZIP.

use super::entity::{certificate, certificate_type};
use super::render::{self, CertificateView, Field, Orientation, RenderError};
use super::repo;
use super::status::Status;
use super::types::{TypeId, get_type, glyph_missing, invalid};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::session::SessionId;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;

fn view(c: &certificate::Model, t: &certificate_type::Model) -> CertificateView {
    let fill = |w: &str| {
        w.replace("{name}", &c.holder_name)
            .replace("{course}", &c.course)
            .replace("{level}", &c.level)
            .replace("{result}", &c.result)
            .replace("{session}", &c.session_label)
            .replace("{issued_on}", &render::date_zh(c.issued_on))
            .replace("{number}", &c.number)
    };
    CertificateView {
        title: t.title.clone(),
        title_en: t.title_en.clone(),
        wording: fill(&t.wording),
        holder_name: c.holder_name.clone(),
        id_masked: c.id_masked.clone(),
        number: c.number.clone(),
        course: c.course.clone(),
        level: c.level.clone(),
        result: c.result.clone(),
        session_label: c.session_label.clone(),
        issued_on: c.issued_on,
        expires_on: c.expires_on,
        issuer_name: t.issuer_name.clone(),
        qr_text: c.qr_text.clone(),
        orientation: Orientation::parse(&t.orientation).unwrap_or(Orientation::Landscape),
        accent: render::parse_colour(&t.accent).unwrap_or((0.55, 0.1, 0.1)),
        fields: t.fields.split(',').filter_map(Field::parse).collect(),
        theory_score: c.score,
        practical_score: c.practical_score,
    }
}

fn render_error(e: RenderError) -> AppError {
    match e {
        RenderError::MissingGlyph(c, _) => glyph_missing(c),
        RenderError::QrTooLarge(m) => invalid(ErrorCode::QrTooLarge, m),
        RenderError::NoFont => AppError::internal("the certificate font could not be loaded"),
    }
}

/// The PDF of a certificate (rendered off the async workers).
pub async fn pdf(db: &DatabaseConnection, c: &certificate::Model) -> AppResult<Vec<u8>> {
    let t = get_type(db, TypeId(c.type_id)).await?;
    let v = view(c, &t);
    tokio::task::spawn_blocking(move || render::render(&v))
        .await
        .map_err(AppError::internal)?
        .map_err(render_error)
}

/// A sample certificate of a type (saved or not), as the console's live preview shows it:
/// a made-up holder, the first number of this year, and a code of a real code's length
/// pointing to `public_url` (or a placeholder address when there is none yet).
pub async fn preview(t: certificate_type::Model, public_url: &str) -> AppResult<Vec<u8>> {
    let today = super::verify::local_date(chrono::Utc::now());
    let year = chrono::Datelike::year(&today);
    let number = super::number::NumberPattern::parse(&t.number_pattern)
        .map(|p| p.render(&t.issuer_code, &t.code, year, 1))
        .unwrap_or_default();
    let url = if public_url.is_empty() {
        "https://cert.example.org"
    } else {
        public_url
    };
    let session_label = "第一期 样例考点".to_string();
    let sample = certificate::Model {
        id: 0,
        number,
        issue_key: String::new(),
        type_id: t.id,
        session_id: None,
        candidate_id: None,
        attempt_id: None,
        holder_name: "张三".into(),
        id_masked: Some("440************012".into()),
        course: if t.course.is_empty() {
            "样例培训项目".into()
        } else {
            t.course.clone()
        },
        level: t.level.clone(),
        result: if t.show_score {
            "合格（92分）".into()
        } else {
            "合格".into()
        },
        score: Some(92.0),
        max_score: Some(100.0),
        practical_score: None,
        session_label,
        issued_on: today,
        expires_on: super::issue::expiry(&t, today),
        key_id: 1,
        status_index: 0,
        status: Status::Valid,
        status_reason: None,
        status_changed_at: None,
        replaces: None,
        superseded_by: None,
        qr_text: super::payload::url(url, &"Q".repeat(110)),
        issued_by: None,
        created_at: chrono::Utc::now(),
    };
    let v = view(&sample, &t);
    tokio::task::spawn_blocking(move || render::render(&v))
        .await
        .map_err(AppError::internal)?
        .map_err(render_error)
}

/// A file name for a certificate's PDF: its number and the holder's name.
pub fn file_name(c: &certificate::Model) -> String {
    let name: String = c
        .holder_name
        .chars()
        .filter(|ch| !ch.is_control() && !"/\\:*?\"<>|".contains(*ch))
        .collect();
    format!("{}-{}.pdf", c.number, name)
}

/// Streams the PDFs of a session's certificates in force (not revoked, not superseded) as a
/// ZIP: rendered one at a time on a blocking thread and written out as they come, so memory
/// stays flat however large the session.
pub async fn session_zip(
    db: &DatabaseConnection,
    session: SessionId,
) -> AppResult<tokio::sync::mpsc::Receiver<Result<Vec<u8>, String>>> {
    let certs: Vec<certificate::Model> = repo::of_session(db, session.0)
        .await?
        .into_iter()
        .filter(|c| c.status == Status::Valid || c.status == Status::Suspended)
        .collect();
    let mut types = HashMap::new();
    for c in &certs {
        if let std::collections::hash_map::Entry::Vacant(e) = types.entry(c.type_id) {
            e.insert(get_type(db, TypeId(c.type_id)).await?);
        }
    }
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    tokio::task::spawn_blocking(move || {
        let sink = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(64 * 1024),
        };
        let mut zip = zip::ZipWriter::new_stream(sink);
        // PDFs are compressed already.
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let run = || -> Result<(), String> {
            for c in &certs {
                let t = types.get(&c.type_id).ok_or("type vanished")?;
                let bytes =
                    render::render(&view(c, t)).map_err(|e| format!("{}: {e}", c.number))?;
                zip.start_file(file_name(c), opts)
                    .map_err(|e| e.to_string())?;
                std::io::Write::write_all(&mut zip, &bytes).map_err(|e| e.to_string())?;
            }
            let mut sink = zip.finish().map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut sink).map_err(|e| e.to_string())?;
            Ok(())
        };
        if let Err(e) = run() {
            tracing::error!("certificate ZIP of session {} failed: {e}", session.0);
            let _ = tx.blocking_send(Err(e));
        }
    });
    Ok(rx)
}

/// A `Write` that sends 64 KiB chunks down a channel (blocking when the client reads slowly).
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Vec<u8>, String>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(64 * 1024));
            self.tx
                .blocking_send(Ok(chunk))
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))?;
        }
        Ok(())
    }
}

/// The view of a certificate for rendering outside the service (the benchmark).
pub fn view_for(c: &certificate::Model, t: &certificate_type::Model) -> CertificateView {
    view(c, t)
}
