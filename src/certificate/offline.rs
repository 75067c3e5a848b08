//! Offline checking, for the `cert-verify` command: a QR text, or a certificate PDF (its
//! printed QR code read with `pdftoppm` and `zbarimg` when they are installed, and the copy in
//! its metadata), against a published keys file and, if given, a status list file. No server.

use super::status::StatusList;
use super::verify::{self, KeysDocument, StatusAnswer, Verification};
use chrono::NaiveDate;
use std::path::Path;
use std::process::Command;

/// Checks one QR text offline. Without a status list (or with one that does not verify, or
/// is older than the certificate) the status is reported as not checked.
pub fn check(
    text: &str,
    keys: &KeysDocument,
    list: Option<&StatusList>,
    today: NaiveDate,
) -> Verification {
    verify::verify(text, keys, today, |p| {
        let Some(list) = list else {
            return StatusAnswer::Unknown(
                "no status list given (--status FILE): revocation could not be checked".into(),
            );
        };
        let Some((k, vk)) = keys.key(list.key_id) else {
            return StatusAnswer::Unknown(format!(
                "the status list is signed with key {}, which the keys file does not hold",
                list.key_id
            ));
        };
        if k.revoked_at.is_some() {
            return StatusAnswer::Unknown(format!(
                "the status list is signed with key {}, which is revoked",
                k.id
            ));
        }
        match list.verify(&vk) {
            Err(e) => StatusAnswer::Unknown(format!("{e}: not used")),
            Ok(v) => match v.get(p.status_index) {
                Some(s) => StatusAnswer::Known(s, v.updated_at),
                None => StatusAnswer::Unknown(format!(
                    "the status list (as of {}) is older than this certificate; fetch a newer one",
                    v.updated_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )),
            },
        }
    })
}

/// The QR text copy in a certificate PDF's metadata (the document's Subject).
pub fn metadata_text(pdf: &[u8]) -> Option<String> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    let info = doc.trailer.get(b"Info").ok()?;
    let dict = match info {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        lopdf::Object::Dictionary(d) => d,
        _ => return None,
    };
    let bytes = dict.get(b"Subject").ok()?.as_str().ok()?;
    let text = if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).ok()?
    } else {
        String::from_utf8(bytes.to_vec()).ok()?
    };
    (!text.is_empty()).then_some(text)
}

/// Reads the printed QR code(s) of a PDF's first page: `pdftoppm -r 300` then `zbarimg`.
/// `Err` says why it could not (tools missing, unreadable page).
pub fn printed_texts(pdf_path: &Path) -> Result<Vec<String>, String> {
    for tool in ["pdftoppm", "zbarimg"] {
        if Command::new(tool).arg("-h").output().is_err() {
            return Err(format!(
                "{tool} is not installed (apt-get install poppler-utils zbar-tools)"
            ));
        }
    }
    let dir = std::env::temp_dir().join(format!(
        "cert-verify-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let prefix = dir.join("page");
    let out = Command::new("pdftoppm")
        .args(["-r", "300", "-f", "1", "-l", "1", "-png", "-singlefile"])
        .arg(pdf_path)
        .arg(&prefix)
        .output()
        .map_err(|e| e.to_string());
    let png = prefix.with_extension("png");
    let result = match out {
        Ok(o) if o.status.success() => Command::new("zbarimg")
            .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
            .arg(&png)
            .output()
            .map_err(|e| e.to_string())
            .and_then(|o| {
                let text = String::from_utf8_lossy(&o.stdout).to_string();
                let codes: Vec<String> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
                if codes.is_empty() {
                    Err("zbarimg found no QR code on the page".to_string())
                } else {
                    Ok(codes)
                }
            }),
        Ok(o) => Err(format!(
            "pdftoppm could not render the PDF: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(e),
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::payload::{self, Payload};
    use crate::certificate::status::{self, Status};
    use crate::certificate::verify::{CheckResult, Outcome, PublishedKey};
    use base64::Engine;
    use chrono::Utc;
    use ed25519_dalek::SigningKey;

    #[test]
    fn offline_status_comes_from_a_signed_list_and_a_forged_list_is_not_used() {
        let k = SigningKey::from_bytes(&[4; 32]);
        let keys = KeysDocument {
            issuer: "x".into(),
            public_url: "http://x".into(),
            keys: vec![PublishedKey {
                id: 1,
                algorithm: "Ed25519".into(),
                public_key: base64::engine::general_purpose::STANDARD
                    .encode(k.verifying_key().to_bytes()),
                created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
                retired_at: None,
                revoked_at: None,
                revoke_reason: None,
            }],
            types: Default::default(),
        };
        let p = Payload {
            key_id: 1,
            type_code: "T".into(),
            number: "T2026000001".into(),
            holder: "张*".into(),
            id_masked: None,
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            expires_on: None,
            status_index: 2,
        };
        let text = payload::url("http://x", &p.sign(&k).unwrap());
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let list = status::sign("x", Utc::now(), 3, vec![(2, Status::Revoked)], 1, &k);
        assert_eq!(
            check(&text, &keys, Some(&list), today).outcome,
            Outcome::Revoked
        );
        let forged = status::sign(
            "x",
            Utc::now(),
            3,
            vec![],
            1,
            &SigningKey::from_bytes(&[5; 32]),
        );
        let v = check(&text, &keys, Some(&forged), today);
        assert_eq!(v.outcome, Outcome::Valid);
        assert!(!v.complete);
        let old = status::sign("x", Utc::now(), 2, vec![], 1, &k);
        let v = check(&text, &keys, Some(&old), today);
        assert!(v.checks.iter().any(|c| c.name == "status"
            && c.result == CheckResult::NotChecked
            && c.detail.contains("older")));
    }
}
