//! `cert-verify`, `cert-keys`, `cert-status` and `cert-issue`: certificates from the command
//! line (verification offline, without a server or database).

use super::{config, read_json};
use exam_platform::audit::Actor;
use exam_platform::certificate::issuer::Issuer;
use exam_platform::certificate::{keys, online};
use exam_platform::startup;
use sea_orm::DatabaseConnection;
use std::path::PathBuf;

pub fn verify(
    input: &str,
    keys_path: &std::path::Path,
    status_path: Option<&std::path::Path>,
    as_json: bool,
) -> Result<(), String> {
    use exam_platform::certificate::verify::{CheckResult, Outcome};
    use exam_platform::certificate::{offline, verify};
    let keys: verify::KeysDocument = read_json(keys_path, "published keys")?;
    let list: Option<exam_platform::certificate::status::StatusList> = status_path
        .map(|p| read_json(p, "status list"))
        .transpose()?;
    let path = std::path::Path::new(input);
    // What was read, from where, and what could not be read.
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    if path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {input}: {e}"))?;
        if bytes.starts_with(b"%PDF") {
            match offline::printed_texts(path) {
                Ok(codes) => {
                    for c in codes {
                        texts.push(("the printed QR code (pdftoppm + zbarimg)".into(), c));
                    }
                }
                Err(e) => notes.push(format!("could not read the printed QR code: {e}")),
            }
            match offline::metadata_text(&bytes) {
                Some(m) if texts.iter().any(|(_, t)| *t == m) => {
                    notes.push("the copy in the PDF's metadata matches the printed code".into())
                }
                Some(m) if texts.is_empty() => texts.push((
                    "the copy in the PDF's metadata (the printed code was not read)".into(),
                    m,
                )),
                Some(m) => {
                    notes.push("the copy in the PDF's metadata differs from the printed code; checking both".into());
                    texts.push(("the copy in the PDF's metadata".into(), m));
                }
                None => notes.push("the PDF's metadata holds no QR text".into()),
            }
        } else {
            let t = String::from_utf8_lossy(&bytes).trim().to_string();
            texts.push((format!("the file {input}"), t));
        }
    } else {
        texts.push(("the text given".into(), input.to_string()));
    }
    if texts.is_empty() {
        return Err(format!("no QR text found in {input}: {}", notes.join("; ")));
    }
    let today = verify::local_date(chrono::Utc::now());
    let mut all_valid = true;
    let mut out = Vec::new();
    for (source, text) in &texts {
        let v = offline::check(text, &keys, list.as_ref(), today);
        all_valid &= v.outcome == Outcome::Valid;
        out.push(serde_json::json!({"source": source, "text": text, "verification": v}));
        if as_json {
            continue;
        }
        println!("Checked {source}:");
        println!("  {text}");
        println!(
            "Verdict: {} {}{}",
            v.outcome.zh(),
            v.outcome.en(),
            v.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
        if let Some(p) = &v.certificate {
            println!(
                "  number {}  type {}{}  holder {}  ID {}",
                p.number,
                p.type_code,
                v.type_title
                    .as_deref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default(),
                p.holder,
                p.id_masked.as_deref().unwrap_or("-")
            );
            println!(
                "  issued {}  valid until {}  key {}  status index {}",
                p.issued_on,
                p.expires_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "no expiry".into()),
                p.key_id,
                p.status_index
            );
        }
        for c in &v.checks {
            let mark = match c.result {
                CheckResult::Passed => "checked, passed    ",
                CheckResult::Failed => "checked, FAILED    ",
                CheckResult::NotChecked => "could not check    ",
            };
            println!("  {mark} {:<24} {} · {}", c.name, c.detail_zh, c.detail);
        }
        if !v.complete {
            println!("  (not everything could be checked offline: see above)");
        }
    }
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"results": out, "notes": notes}))
                .map_err(|e| e.to_string())?
        );
    } else {
        for n in &notes {
            println!("Note: {n}");
        }
    }
    if all_valid {
        Ok(())
    } else {
        Err("the certificate is not valid (see the verdict above)".into())
    }
}

/// The database and the issuer the settings name: all the certificate commands need (no
/// autosave writer, no live bus).
async fn open() -> Result<(DatabaseConnection, Issuer), String> {
    let mut config = config()?;
    config.announce = false;
    let db = startup::open_database(&config)
        .await
        .map_err(|e| e.to_string())?;
    Ok((db, Issuer::from_config(&config)))
}

pub async fn keys(action: &str, output: Option<PathBuf>) -> Result<(), String> {
    let (db, issuer) = open().await?;
    match action {
        "list" => {
            let doc = online::keys_document(&db, &issuer)
                .await
                .map_err(|e| e.message)?;
            for k in &doc.keys {
                let state_text = match (k.revoked_at, k.retired_at) {
                    (Some(at), _) => format!(
                        "revoked {at} ({})",
                        k.revoke_reason.as_deref().unwrap_or("")
                    ),
                    (None, Some(at)) => format!("retired {at} (still verifies what it signed)"),
                    (None, None) => "current".to_string(),
                };
                println!(
                    "key {:>3}  created {}  {state_text}  {}",
                    k.id, k.created_at, k.public_key
                );
            }
            Ok(())
        }
        "rotate" => {
            let k = keys::rotate(&db, &Actor::system())
                .await
                .map_err(|e| e.message)?;
            println!(
                "key {} now signs new certificates; the previous key is retired and still verifies what it signed",
                k.id
            );
            Ok(())
        }
        "export" => {
            let out = output.ok_or("say where: cert-keys export -o keys.json")?;
            let doc = online::keys_document(&db, &issuer)
                .await
                .map_err(|e| e.message)?;
            let json = serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?;
            std::fs::write(&out, json)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            println!("wrote {} keys to {}", doc.keys.len(), out.display());
            Ok(())
        }
        other => Err(format!("cert-keys {other:?}: use list, rotate or export")),
    }
}

pub async fn status(output: PathBuf) -> Result<(), String> {
    let (db, issuer) = open().await?;
    let list = online::status_list(&db, &issuer)
        .await
        .map_err(|e| e.message)?;
    let json = serde_json::to_vec_pretty(&list).map_err(|e| e.to_string())?;
    std::fs::write(&output, json).map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!(
        "wrote the status list of {} certificates, as of {}, to {}",
        list.size,
        list.updated_at,
        output.display()
    );
    Ok(())
}

pub async fn issue(session: i32) -> Result<(), String> {
    let (db, issuer) = open().await?;
    let r = exam_platform::certificate::issue::issue_for_session(
        &db,
        &issuer,
        &Actor::system(),
        exam_platform::exam::session::SessionId(session),
    )
    .await
    .map_err(|e| format!("{}: {}", e.code, e.message))?;
    if r.certificate_type_id.is_none() {
        println!(
            "session {session} has no certificate type: nothing issued (PUT /api/sessions/{session}/certificate-type)"
        );
    } else {
        println!(
            "session {session}: {} issued, {} already issued, {} without a passing result",
            r.issued, r.already_issued, r.not_passed
        );
        for n in &r.numbers {
            println!("  {n}");
        }
    }
    Ok(())
}
