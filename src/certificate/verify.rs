//! Checking a certificate's QR text: the same pure function online (status from the registry)
//! and offline (status from a signed list file, or none), listing every check it ran and what
//! it could not check.

use super::payload::{self, Payload};
use super::status::Status;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One signing key as published at `/.well-known/exam-certificate-keys.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublishedKey {
    /// Key id (the payload carries it).
    pub id: u16,
    /// Always `Ed25519`.
    pub algorithm: String,
    /// The 32-byte public key, Base64.
    pub public_key: String,
    /// From when it signs.
    pub created_at: DateTime<Utc>,
    /// When a newer key replaced it (rotation): it signs nothing after this, and what it
    /// signed before stays valid.
    pub retired_at: Option<DateTime<Utc>>,
    /// When it was revoked (e.g. suspected compromise): nothing it signed is trusted.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
}

/// The published key document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeysDocument {
    /// Who publishes the certificates.
    pub issuer: String,
    /// The address QR codes point to.
    pub public_url: String,
    /// Every key ever used, newest last.
    pub keys: Vec<PublishedKey>,
    /// Certificate type titles by type code.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

impl KeysDocument {
    /// The key with this id, if published and well-formed.
    pub fn key(&self, id: u16) -> Option<(&PublishedKey, VerifyingKey)> {
        let k = self.keys.iter().find(|k| k.id == id)?;
        let bytes: [u8; 32] = B64.decode(&k.public_key).ok()?.try_into().ok()?;
        Some((k, VerifyingKey::from_bytes(&bytes).ok()?))
    }
}

/// The day (Beijing time, UTC+8) an instant falls on: certificates are dated that way.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// What the verdict is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Genuine and in force.
    Valid,
    /// Genuine, past its expiry date.
    Expired,
    /// Genuine, suspended.
    Suspended,
    /// Genuine, revoked.
    Revoked,
    /// Genuine, replaced by a corrected certificate.
    Superseded,
    /// Genuine and in force, but the scanned link points to another address than the issuer's
    /// (a copied code on a look-alike site, or a changed link): `points_to` says where.
    PointsElsewhere,
    /// Not a genuine certificate of this issuer (see the reason).
    NotValid,
}

impl Outcome {
    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Valid => "有效",
            Self::Expired => "已过期",
            Self::Suspended => "已暂停",
            Self::Revoked => "已撤销",
            Self::Superseded => "已被更正证书取代",
            Self::PointsElsewhere => "证书真实，但二维码指向其他网址",
            Self::NotValid => "无效",
        }
    }
    /// English label.
    pub fn en(self) -> &'static str {
        match self {
            Self::Valid => "Valid",
            Self::Expired => "Expired",
            Self::Suspended => "Suspended",
            Self::Revoked => "Revoked",
            Self::Superseded => "Superseded by a corrected certificate",
            Self::PointsElsewhere => "Genuine, but the code points to another address",
            Self::NotValid => "Not valid",
        }
    }
}

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// It passed.
    Passed,
    /// It failed.
    Failed,
    /// It could not be run (see the detail).
    NotChecked,
}

/// One check that was run (or could not be).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Check {
    /// `format`, `signature`, `key_valid_on_issue_date`, `status`, `dates` or `address`.
    pub name: &'static str,
    /// Chinese label.
    pub label_zh: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// The result.
    pub result: CheckResult,
    /// What was found, in English.
    pub detail: String,
    /// What was found, in Chinese (dates and times in Beijing time).
    pub detail_zh: String,
}

/// The verdict on one QR text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    /// The verdict.
    pub outcome: Outcome,
    /// Why it is not valid (a stable code), when it is not.
    pub reason: Option<String>,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// True when every check could be run (offline without a status list it is false).
    pub complete: bool,
    /// What the payload says (only when its signature is valid).
    pub certificate: Option<Payload>,
    /// The type's title, if the keys document names it.
    pub type_title: Option<String>,
    /// As of when the status is known (the status list's date offline; now online).
    pub status_as_of: Option<DateTime<Utc>>,
    /// The address the scanned link points to (when a whole link was given).
    pub points_to: Option<String>,
    /// The issuer's address, which a genuine code points to.
    pub issuer_address: String,
}

/// What a status source knows about a certificate.
#[derive(Debug, Clone)]
pub enum StatusAnswer {
    /// Its status, as of a time.
    Known(Status, DateTime<Utc>),
    /// The registry has no such certificate (online): not valid.
    NotFound,
    /// Cannot tell (offline without a usable list, or a list older than the certificate).
    Unknown(String),
}

fn check(
    name: &'static str,
    zh: &'static str,
    en: &'static str,
    result: CheckResult,
    detail_zh: impl Into<String>,
    detail: impl Into<String>,
) -> Check {
    Check {
        name,
        label_zh: zh,
        label_en: en,
        result,
        detail: detail.into(),
        detail_zh: detail_zh.into(),
    }
}

/// An instant as people here read it: Beijing time (UTC+8), to the minute, e.g.
/// `2026-12-06 18:03 北京时间` / `2026-12-06 18:03 Beijing time`.
pub fn beijing(t: DateTime<Utc>) -> (String, String) {
    let s = (t + chrono::Duration::hours(8))
        .naive_utc()
        .format("%Y-%m-%d %H:%M")
        .to_string();
    (format!("{s} 北京时间"), format!("{s} Beijing time"))
}

fn status_zh(s: Status) -> &'static str {
    match s {
        Status::Valid => "有效",
        Status::Suspended => "已暂停",
        Status::Revoked => "已撤销",
        Status::Superseded => "已被更正证书取代",
    }
}

fn not_valid(checks: Vec<Check>, reason: &str) -> Verification {
    Verification {
        outcome: Outcome::NotValid,
        reason: Some(reason.to_string()),
        checks,
        complete: true,
        certificate: None,
        type_title: None,
        status_as_of: None,
        points_to: None,
        issuer_address: String::new(),
    }
}

/// Checks a scanned QR text (a full URL, or only the payload after `/V/`) against the
/// published keys, asks `status` for the status of a certificate whose signature holds, and
/// compares the dates with `today`. Never panics; anything unreadable is `not_valid` with a
/// reason code.
pub fn verify(
    text: &str,
    keys: &KeysDocument,
    today: NaiveDate,
    status: impl FnOnce(&Payload) -> StatusAnswer,
) -> Verification {
    let mut v = check_text(text, keys, today, status);
    v.points_to = payload::split_url(text).ok().map(|(a, _)| a.to_string());
    v.issuer_address = keys.public_url.trim_end_matches('/').to_string();
    v
}

fn check_text(
    text: &str,
    keys: &KeysDocument,
    today: NaiveDate,
    status: impl FnOnce(&Payload) -> StatusAnswer,
) -> Verification {
    let mut checks = Vec::new();
    let (address, raw) = match payload::split_url(text) {
        Ok((a, p)) => (Some(a), p),
        // A bare payload (e.g. pasted from the page's URL) is accepted too.
        Err(payload::DecodeError::NotALink) if !text.trim().contains('/') => (None, text.trim()),
        Err(e) => {
            checks.push(check(
                "format",
                "格式",
                "Format",
                CheckResult::Failed,
                "二维码内容无法识别为证书",
                e.to_string(),
            ));
            return not_valid(checks, e.code());
        }
    };
    let signed = match payload::decode(raw) {
        Ok(s) => s,
        Err(e) => {
            checks.push(check(
                "format",
                "格式",
                "Format",
                CheckResult::Failed,
                "二维码内容无法识别为证书",
                e.to_string(),
            ));
            return not_valid(checks, e.code());
        }
    };
    checks.push(check(
        "format",
        "格式",
        "Format",
        CheckResult::Passed,
        "第 1 版证书数据格式",
        "a certificate payload of format version 1",
    ));
    let p = &signed.payload;
    let Some((key, vk)) = keys.key(p.key_id) else {
        checks.push(check(
            "signature",
            "签名",
            "Signature",
            CheckResult::Failed,
            format!("密钥 {} 不在已公布的公钥中", p.key_id),
            format!("key {} is not among the published keys", p.key_id),
        ));
        return not_valid(checks, "unknown_key");
    };
    if !signed.verify(&vk) {
        checks.push(check(
            "signature",
            "签名",
            "Signature",
            CheckResult::Failed,
            format!("签名与密钥 {} 不符：内容被改动或伪造", p.key_id),
            format!(
                "the signature does not match key {}: the text was changed or forged",
                p.key_id
            ),
        ));
        return not_valid(checks, "bad_signature");
    }
    checks.push(check(
        "signature",
        "签名",
        "Signature",
        CheckResult::Passed,
        format!("密钥 {} 的 Ed25519 签名", p.key_id),
        format!("Ed25519 signature by key {}", p.key_id),
    ));
    if let Some(at) = key.revoked_at {
        checks.push(check(
            "key_valid_on_issue_date",
            "签发日密钥有效",
            "Key valid on the issue date",
            CheckResult::Failed,
            format!(
                "密钥 {} 已于 {} 吊销{}",
                key.id,
                local_date(at),
                key.revoke_reason
                    .as_deref()
                    .map(|r| format!("：{r}"))
                    .unwrap_or_default()
            ),
            format!(
                "key {} was revoked on {}{}",
                key.id,
                local_date(at),
                key.revoke_reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
        ));
        return not_valid(checks, "key_revoked");
    }
    let from = local_date(key.created_at);
    let until = key.retired_at.map(local_date);
    if p.issued_on < from || until.is_some_and(|u| p.issued_on > u) {
        checks.push(check(
            "key_valid_on_issue_date",
            "签发日密钥有效",
            "Key valid on the issue date",
            CheckResult::Failed,
            format!(
                "密钥 {} 自 {from} 起签发{}，而证书的签发日期是 {}",
                key.id,
                until.map(|u| format!("至 {u}")).unwrap_or_default(),
                p.issued_on
            ),
            format!(
                "key {} signs from {from}{}, the certificate says it was issued on {}",
                key.id,
                until.map(|u| format!(" to {u}")).unwrap_or_default(),
                p.issued_on
            ),
        ));
        return not_valid(checks, "key_not_valid_on_issue_date");
    }
    checks.push(check(
        "key_valid_on_issue_date",
        "签发日密钥有效",
        "Key valid on the issue date",
        CheckResult::Passed,
        format!(
            "密钥 {} 自 {from} 起签发{}",
            key.id,
            until
                .map(|u| format!("至 {u}（已轮换）"))
                .unwrap_or_else(|| "（当前密钥）".into())
        ),
        format!(
            "key {} signs from {from}{}",
            key.id,
            until
                .map(|u| format!(" to {u} (since rotated)"))
                .unwrap_or_else(|| " (current key)".into())
        ),
    ));
    let mut complete = true;
    let mut status_as_of = None;
    let mut found = Status::Valid;
    match status(p) {
        StatusAnswer::Known(s, at) => {
            status_as_of = Some(at);
            found = s;
            checks.push(check(
                "status",
                "状态",
                "Status",
                if s == Status::Valid {
                    CheckResult::Passed
                } else {
                    CheckResult::Failed
                },
                format!("{}（截至 {}）", status_zh(s), beijing(at).0),
                format!("{} as of {}", s.code(), beijing(at).1),
            ));
        }
        StatusAnswer::NotFound => {
            checks.push(check(
                "status",
                "状态",
                "Status",
                CheckResult::Failed,
                format!("发证机构没有证书 {} 的记录", p.number),
                format!("the registry has no certificate {}", p.number),
            ));
            let mut v = not_valid(checks, "unknown_certificate");
            v.certificate = Some(p.clone());
            return v;
        }
        StatusAnswer::Unknown(why) => {
            complete = false;
            checks.push(check(
                "status",
                "状态",
                "Status",
                CheckResult::NotChecked,
                "无法确认证书状态（离线或状态列表过旧）",
                why,
            ));
        }
    }
    let mut outcome = match found {
        Status::Valid => Outcome::Valid,
        Status::Suspended => Outcome::Suspended,
        Status::Revoked => Outcome::Revoked,
        Status::Superseded => Outcome::Superseded,
    };
    let mut reason = None;
    if p.issued_on > today {
        checks.push(check(
            "dates",
            "日期",
            "Dates",
            CheckResult::Failed,
            format!("签发日期 {} 晚于今天（{today}）", p.issued_on),
            format!("issued on {}, which is after today ({today})", p.issued_on),
        ));
        outcome = Outcome::NotValid;
        reason = Some("issued_in_future".to_string());
    } else if let Some(e) = p.expires_on.filter(|e| *e < today) {
        checks.push(check(
            "dates",
            "日期",
            "Dates",
            CheckResult::Failed,
            format!("已于 {e} 过期"),
            format!("expired on {e}"),
        ));
        if outcome == Outcome::Valid {
            outcome = Outcome::Expired;
        }
    } else {
        checks.push(check(
            "dates",
            "日期",
            "Dates",
            CheckResult::Passed,
            match p.expires_on {
                Some(e) => format!("{} 签发，有效期至 {e}", p.issued_on),
                None => format!("{} 签发，长期有效", p.issued_on),
            },
            match p.expires_on {
                Some(e) => format!("issued on {}, valid until {e}", p.issued_on),
                None => format!("issued on {}, does not expire", p.issued_on),
            },
        ));
    }
    if let Some(a) = address {
        let ours = keys.public_url.trim_end_matches('/');
        checks.push(if a.eq_ignore_ascii_case(ours) {
            check(
                "address",
                "网址",
                "Address",
                CheckResult::Passed,
                format!("链接指向发证机构的网址 {ours}"),
                format!("the link points to the issuer's address {ours}"),
            )
        } else {
            // The signature makes the certificate genuine, but whoever follows this code lands
            // on another site, which may show anything: never a plain "valid" for it.
            if outcome == Outcome::Valid {
                outcome = Outcome::PointsElsewhere;
                reason = Some("foreign_address".to_string());
            }
            check(
                "address",
                "网址",
                "Address",
                CheckResult::Failed,
                format!("链接指向 {a}，不是发证机构的网址 {ours}"),
                format!("the link points to {a}, not to the issuer's address {ours}"),
            )
        });
    }
    Verification {
        outcome,
        reason,
        checks,
        complete,
        type_title: keys.types.get(&p.type_code).cloned(),
        certificate: Some(p.clone()),
        status_as_of,
        points_to: None,
        issuer_address: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn published(id: u16, k: &SigningKey, created: &str) -> PublishedKey {
        PublishedKey {
            id,
            algorithm: "Ed25519".into(),
            public_key: B64.encode(k.verifying_key().to_bytes()),
            created_at: t(created),
            retired_at: None,
            revoked_at: None,
            revoke_reason: None,
        }
    }

    fn doc(keys: Vec<PublishedKey>) -> KeysDocument {
        KeysDocument {
            issuer: "测试协会".into(),
            public_url: "https://cert.example.org".into(),
            keys,
            types: [("GDAF-JXJY".to_string(), "合格证".to_string())].into(),
        }
    }

    fn payload(key_id: u16, issued: (i32, u32, u32)) -> Payload {
        let issued_on = NaiveDate::from_ymd_opt(issued.0, issued.1, issued.2).unwrap();
        Payload {
            key_id,
            type_code: "GDAF-JXJY".into(),
            number: "GDAF2026000001".into(),
            holder: "张*".into(),
            id_masked: Some("440106********1234".into()),
            issued_on,
            expires_on: issued_on.checked_add_months(chrono::Months::new(36)),
            status_index: 0,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn live(s: Status) -> impl FnOnce(&Payload) -> StatusAnswer {
        move |_| StatusAnswer::Known(s, t("2026-12-05T00:00:00Z"))
    }

    #[test]
    fn a_genuine_certificate_in_force_is_valid_with_every_check_passed() {
        let k = SigningKey::from_bytes(&[1; 32]);
        let d = doc(vec![published(1, &k, "2026-01-01T00:00:00Z")]);
        let text = payload::url(&d.public_url, &payload(1, (2026, 12, 1)).sign(&k).unwrap());
        let v = verify(&text, &d, day(2026, 12, 5), live(Status::Valid));
        assert_eq!(v.outcome, Outcome::Valid);
        assert!(v.complete);
        assert!(
            v.checks.iter().all(|c| c.result == CheckResult::Passed),
            "{:?}",
            v.checks
        );
        assert_eq!(v.type_title.as_deref(), Some("合格证"));
    }

    #[test]
    fn each_status_and_expiry_gives_its_own_outcome() {
        let k = SigningKey::from_bytes(&[1; 32]);
        let d = doc(vec![published(1, &k, "2026-01-01T00:00:00Z")]);
        let text = payload(1, (2026, 12, 1)).sign(&k).unwrap();
        for (s, o) in [
            (Status::Revoked, Outcome::Revoked),
            (Status::Suspended, Outcome::Suspended),
            (Status::Superseded, Outcome::Superseded),
        ] {
            assert_eq!(verify(&text, &d, day(2026, 12, 5), live(s)).outcome, o);
        }
        let v = verify(&text, &d, day(2030, 1, 1), live(Status::Valid));
        assert_eq!(v.outcome, Outcome::Expired);
        let v = verify(&text, &d, day(2026, 11, 1), live(Status::Valid));
        assert_eq!(v.outcome, Outcome::NotValid);
        assert_eq!(v.reason.as_deref(), Some("issued_in_future"));
    }

    #[test]
    fn an_unknown_or_revoked_key_or_a_changed_text_is_not_valid_with_a_reason() {
        let k = SigningKey::from_bytes(&[1; 32]);
        let other = SigningKey::from_bytes(&[2; 32]);
        let d = doc(vec![published(1, &k, "2026-01-01T00:00:00Z")]);
        let today = day(2026, 12, 5);
        let forged = payload(1, (2026, 12, 1)).sign(&other).unwrap();
        let v = verify(&forged, &d, today, live(Status::Valid));
        assert_eq!(v.reason.as_deref(), Some("bad_signature"));
        assert!(
            v.certificate.is_none(),
            "a forged payload's fields are not shown"
        );
        let unknown = payload(9, (2026, 12, 1)).sign(&k).unwrap();
        assert_eq!(
            verify(&unknown, &d, today, live(Status::Valid))
                .reason
                .as_deref(),
            Some("unknown_key")
        );
        let mut revoked = d.clone();
        revoked.keys[0].revoked_at = Some(t("2026-12-03T00:00:00Z"));
        let text = payload(1, (2026, 12, 1)).sign(&k).unwrap();
        assert_eq!(
            verify(&text, &revoked, today, live(Status::Valid))
                .reason
                .as_deref(),
            Some("key_revoked")
        );
        for junk in ["", "HTTPS://X/V/", "HTTPS://X/V/!!!", "https://x/y", "AAAA"] {
            let v = verify(junk, &d, today, live(Status::Valid));
            assert_eq!(v.outcome, Outcome::NotValid, "{junk}");
            assert!(v.reason.is_some());
        }
    }

    #[test]
    fn a_rotated_key_stays_valid_for_what_it_signed_while_current() {
        let old = SigningKey::from_bytes(&[1; 32]);
        let new = SigningKey::from_bytes(&[2; 32]);
        let mut first = published(1, &old, "2026-01-01T00:00:00Z");
        first.retired_at = Some(t("2026-06-30T00:00:00Z"));
        let d = doc(vec![first, published(2, &new, "2026-06-30T00:00:00Z")]);
        let before = payload(1, (2026, 3, 1)).sign(&old).unwrap();
        assert_eq!(
            verify(&before, &d, day(2026, 12, 5), live(Status::Valid)).outcome,
            Outcome::Valid
        );
        // A certificate dated after the rotation cannot carry the old key's signature.
        let after = payload(1, (2026, 9, 1)).sign(&old).unwrap();
        assert_eq!(
            verify(&after, &d, day(2026, 12, 5), live(Status::Valid))
                .reason
                .as_deref(),
            Some("key_not_valid_on_issue_date")
        );
    }

    #[test]
    fn offline_without_a_status_list_says_the_status_was_not_checked() {
        let k = SigningKey::from_bytes(&[1; 32]);
        let d = doc(vec![published(1, &k, "2026-01-01T00:00:00Z")]);
        let text = payload(1, (2026, 12, 1)).sign(&k).unwrap();
        let v = verify(&text, &d, day(2026, 12, 5), |_| {
            StatusAnswer::Unknown("no status list given".into())
        });
        assert_eq!(v.outcome, Outcome::Valid);
        assert!(!v.complete);
        assert!(
            v.checks
                .iter()
                .any(|c| c.name == "status" && c.result == CheckResult::NotChecked)
        );
    }

    #[test]
    fn a_genuine_payload_behind_another_address_is_not_called_plainly_valid() {
        let k = SigningKey::from_bytes(&[1; 32]);
        let d = doc(vec![published(1, &k, "2026-01-01T00:00:00Z")]);
        let text = payload::url(
            "https://evil.example",
            &payload(1, (2026, 12, 1)).sign(&k).unwrap(),
        );
        let v = verify(&text, &d, day(2026, 12, 5), live(Status::Valid));
        assert_eq!(v.outcome, Outcome::PointsElsewhere, "never a plain valid");
        assert_eq!(v.reason.as_deref(), Some("foreign_address"));
        assert_eq!(v.points_to.as_deref(), Some("HTTPS://EVIL.EXAMPLE"));
        assert_eq!(v.issuer_address, "https://cert.example.org");
        assert!(
            v.certificate.is_some(),
            "the genuine fields are still shown"
        );
        assert!(
            v.checks
                .iter()
                .any(|c| c.name == "address" && c.result == CheckResult::Failed)
        );
        // A revoked one stays revoked: the address only adds to it.
        let v = verify(&text, &d, day(2026, 12, 5), live(Status::Revoked));
        assert_eq!(v.outcome, Outcome::Revoked);
        assert!(v.points_to.is_some());
    }
}
