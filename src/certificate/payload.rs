//! The signed payload a certificate's QR code carries, and the URL around it. Pure functions:
//! no database, no clock.
//!
//! Binary layout (version 1), then Base32 (RFC 4648 alphabet, no padding) so the whole URL stays
//! in the QR code's alphanumeric mode (`0-9 A-Z $%*+-./:` and space):
//!
//! | bytes | field |
//! |---|---|
//! | 1 | format version (1) |
//! | 2 | key id, big-endian |
//! | 1 + n | certificate type code (ASCII `A-Z 0-9 -`, n ≤ 16) |
//! | 1 + n | certificate number (ASCII `A-Z 0-9 -`, n ≤ 32) |
//! | 1 + n | holder's masked name (UTF-8, n ≤ 48) |
//! | 5 | masked ID number: the first 6 and last 4 characters as 10 nibbles (X = 0xA; all 0xF = none) |
//! | 2 | issue date, days since 2000-01-01 |
//! | 2 | expiry date, days since 2000-01-01; 0 = does not expire |
//! | 4 | index in the status list |
//! | 64 | Ed25519 signature over `SIGNING_CONTEXT` followed by every byte above |
//!
//! A typical payload is about 110 bytes, 176 Base32 characters; with a 30-character address the
//! URL needs QR version 9 at level M (version 10 holds 311 alphanumeric characters).

use chrono::{Days, NaiveDate};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;

/// The only format version this code writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// Prepended to the payload before signing, so a signature can never be replayed as one over
/// some other kind of message signed with the same key (e.g. the status list).
pub const SIGNING_CONTEXT: &[u8] = b"EXAM-CERT-V1\0";
/// The path segment between the issuer's address and the payload: short, to keep the QR small.
pub const URL_SEGMENT: &str = "/V/";
/// Longest type code.
pub const MAX_TYPE_CODE: usize = 16;
/// Longest certificate number.
pub const MAX_NUMBER: usize = 32;
/// Longest masked name, in bytes.
pub const MAX_NAME_BYTES: usize = 48;
/// Longest QR text accepted for decoding (anything longer is not ours).
pub const MAX_TEXT: usize = 600;

const SIGNATURE_LEN: usize = 64;

/// What a certificate's QR code says, before the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Payload {
    /// Id of the signing key.
    pub key_id: u16,
    /// Certificate type code.
    pub type_code: String,
    /// Certificate number.
    pub number: String,
    /// The holder's name, masked (e.g. 张*丰).
    pub holder: String,
    /// The holder's ID number, masked (e.g. 440106********123X), if known.
    pub id_masked: Option<String>,
    /// Issue date.
    #[schema(value_type = String)]
    pub issued_on: NaiveDate,
    /// Expiry date, if the certificate expires.
    #[schema(value_type = Option<String>)]
    pub expires_on: Option<NaiveDate>,
    /// Index in the status list.
    pub status_index: u32,
}

/// A payload with its signature, as decoded from a QR text (not yet checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The fields.
    pub payload: Payload,
    /// The signed bytes (everything before the signature).
    pub body: Vec<u8>,
    /// The signature.
    pub signature: [u8; SIGNATURE_LEN],
}

/// Why a QR text could not be read as a certificate payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The text has no `/V/` segment, so it is no certificate link of ours.
    #[error("the text is not a certificate link (no /V/ segment)")]
    NotALink,
    /// Longer than any payload we write.
    #[error("the text is too long to be a certificate link")]
    TooLong,
    /// A character outside the Base32 alphabet.
    #[error("the payload has a character that is not Base32")]
    BadCharacter,
    /// The bytes end before the fields do.
    #[error("the payload is truncated")]
    Truncated,
    /// Bytes after the signature.
    #[error("the payload has extra bytes after the signature")]
    TrailingBytes,
    /// A version this code does not know.
    #[error("the payload's format version {0} is not known")]
    UnknownVersion(u8),
    /// A field that breaks the format (bad characters, impossible date, too long).
    #[error("the payload's {0} field is malformed")]
    BadField(&'static str),
}

impl DecodeError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotALink => "not_a_certificate_link",
            Self::TooLong => "payload_too_long",
            Self::BadCharacter => "payload_bad_character",
            Self::Truncated => "payload_truncated",
            Self::TrailingBytes => "payload_trailing_bytes",
            Self::UnknownVersion(_) => "payload_unknown_version",
            Self::BadField(_) => "payload_bad_field",
        }
    }
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648 alphabet) without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes unpadded Base32; lowercase is accepted (some scanners lowercase URLs). Leftover bits
/// must be zero, so every byte string has exactly one encoding.
pub fn base32_decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'2'..=b'7' => c - b'2' + 26,
            _ => return Err(DecodeError::BadCharacter),
        };
        buffer = ((buffer << 5) | u32::from(v)) & 0xFFFF;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    // An encoder leaves fewer than 5 bits, all zero; anything else is a changed character.
    if bits >= 5 || (buffer & ((1 << bits) - 1)) != 0 {
        return Err(DecodeError::BadCharacter);
    }
    Ok(out)
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

/// Days since 2000-01-01 as two bytes; `None` outside 2000-01-02 ..= 2179.
fn date_to_u16(d: NaiveDate) -> Option<u16> {
    let days = d.signed_duration_since(epoch()).num_days();
    u16::try_from(days).ok().filter(|d| *d > 0)
}

fn u16_to_date(v: u16) -> Option<NaiveDate> {
    epoch().checked_add_days(Days::new(u64::from(v)))
}

fn code_ok(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

fn id_to_nibbles(masked: Option<&str>) -> Option<[u8; 5]> {
    let Some(m) = masked else {
        return Some([0xFF; 5]);
    };
    let chars: Vec<char> = m.chars().collect();
    if chars.len() != 18 {
        return None;
    }
    let kept: Vec<char> = chars[..6].iter().chain(&chars[14..]).copied().collect();
    let mut out = [0u8; 5];
    for (i, c) in kept.iter().enumerate() {
        let n = match c {
            '0'..='9' => *c as u8 - b'0',
            'X' if i == 9 => 0xA,
            _ => return None,
        };
        out[i / 2] |= if i % 2 == 0 { n << 4 } else { n };
    }
    Some(out)
}

fn nibbles_to_id(b: &[u8]) -> Result<Option<String>, DecodeError> {
    if b.iter().all(|x| *x == 0xFF) {
        return Ok(None);
    }
    let mut digits = String::with_capacity(10);
    for i in 0..10 {
        let n = if i % 2 == 0 {
            b[i / 2] >> 4
        } else {
            b[i / 2] & 15
        };
        digits.push(match n {
            0..=9 => char::from(b'0' + n),
            0xA if i == 9 => 'X',
            _ => return Err(DecodeError::BadField("id")),
        });
    }
    Ok(Some(format!("{}********{}", &digits[..6], &digits[6..])))
}

/// Why a payload could not be encoded (the issuing code checks these before signing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the certificate's {0} does not fit the QR payload")]
pub struct EncodeError(pub &'static str);

impl Payload {
    /// The bytes that get signed (without the context prefix).
    pub fn body(&self) -> Result<Vec<u8>, EncodeError> {
        if !code_ok(&self.type_code, MAX_TYPE_CODE) {
            return Err(EncodeError("type code"));
        }
        if !code_ok(&self.number, MAX_NUMBER) {
            return Err(EncodeError("number"));
        }
        if self.holder.is_empty() || self.holder.len() > MAX_NAME_BYTES {
            return Err(EncodeError("masked name"));
        }
        let id = id_to_nibbles(self.id_masked.as_deref()).ok_or(EncodeError("masked ID"))?;
        let issued = date_to_u16(self.issued_on).ok_or(EncodeError("issue date"))?;
        let expires = match self.expires_on {
            None => 0,
            Some(d) if d > self.issued_on => date_to_u16(d).ok_or(EncodeError("expiry date"))?,
            Some(_) => return Err(EncodeError("expiry date")),
        };
        let mut b = Vec::with_capacity(64);
        b.push(FORMAT_VERSION);
        b.extend_from_slice(&self.key_id.to_be_bytes());
        for s in [&self.type_code, &self.number, &self.holder] {
            b.push(s.len() as u8);
            b.extend_from_slice(s.as_bytes());
        }
        b.extend_from_slice(&id);
        b.extend_from_slice(&issued.to_be_bytes());
        b.extend_from_slice(&expires.to_be_bytes());
        b.extend_from_slice(&self.status_index.to_be_bytes());
        Ok(b)
    }

    /// Signs the payload and returns the Base32 text that goes after `/V/`.
    pub fn sign(&self, key: &SigningKey) -> Result<String, EncodeError> {
        let body = self.body()?;
        let signature = key.sign(&signing_input(&body));
        let mut all = body;
        all.extend_from_slice(&signature.to_bytes());
        Ok(base32_encode(&all))
    }
}

fn signing_input(body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIGNING_CONTEXT.len() + body.len());
    m.extend_from_slice(SIGNING_CONTEXT);
    m.extend_from_slice(body);
    m
}

/// A cursor that never reads past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.at.checked_add(n).ok_or(DecodeError::Truncated)?;
        let s = self.bytes.get(self.at..end).ok_or(DecodeError::Truncated)?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn text(&mut self, field: &'static str) -> Result<String, DecodeError> {
        let n = usize::from(self.u8()?);
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| DecodeError::BadField(field))
    }
}

/// Reads the Base32 payload (what follows `/V/`) into its fields and signature. Checks the
/// format only; the signature is checked by [`Signed::verify`].
pub fn decode(payload: &str) -> Result<Signed, DecodeError> {
    if payload.len() > MAX_TEXT {
        return Err(DecodeError::TooLong);
    }
    let bytes = base32_decode(payload)?;
    let mut r = Reader {
        bytes: &bytes,
        at: 0,
    };
    let version = r.u8()?;
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnknownVersion(version));
    }
    let key_id = r.u16()?;
    let type_code = r.text("type")?;
    if !code_ok(&type_code, MAX_TYPE_CODE) {
        return Err(DecodeError::BadField("type"));
    }
    let number = r.text("number")?;
    if !code_ok(&number, MAX_NUMBER) {
        return Err(DecodeError::BadField("number"));
    }
    let holder = r.text("holder")?;
    if holder.is_empty() || holder.chars().any(char::is_control) {
        return Err(DecodeError::BadField("holder"));
    }
    let id_masked = nibbles_to_id(r.take(5)?)?;
    let issued = r.u16()?;
    let issued_on = u16_to_date(issued)
        .filter(|_| issued > 0)
        .ok_or(DecodeError::BadField("issue date"))?;
    let expires_on = match r.u16()? {
        0 => None,
        e => Some(u16_to_date(e).ok_or(DecodeError::BadField("expiry date"))?),
    };
    let status_index = r.u32()?;
    let body = bytes[..r.at].to_vec();
    let sig = r.take(SIGNATURE_LEN)?;
    if r.at != bytes.len() {
        return Err(DecodeError::TrailingBytes);
    }
    let mut signature = [0u8; SIGNATURE_LEN];
    signature.copy_from_slice(sig);
    Ok(Signed {
        payload: Payload {
            key_id,
            type_code,
            number,
            holder,
            id_masked,
            issued_on,
            expires_on,
            status_index,
        },
        body,
        signature,
    })
}

impl Signed {
    /// True when the signature is a valid Ed25519 signature by `key` over the payload (strict
    /// verification: no malleable or small-order edge cases accepted).
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        let sig = Signature::from_bytes(&self.signature);
        key.verify_strict(&signing_input(&self.body), &sig).is_ok()
    }
}

/// The QR text: the issuer's public address in uppercase, `/V/` and the payload. Uppercase
/// keeps every character in the QR alphanumeric set (host names are case-insensitive, and
/// the server answers `/V/` in either case).
pub fn url(public_url: &str, payload: &str) -> String {
    format!(
        "{}{URL_SEGMENT}{payload}",
        public_url.trim_end_matches('/').to_ascii_uppercase()
    )
}

/// Splits a scanned text into the address before `/V/` and the payload after it.
pub fn split_url(text: &str) -> Result<(&str, &str), DecodeError> {
    let text = text.trim();
    if text.len() > MAX_TEXT {
        return Err(DecodeError::TooLong);
    }
    // The last /V/ wins: an address could itself contain one, a payload never does.
    let upper = text.to_ascii_uppercase();
    let at = upper.rfind(URL_SEGMENT).ok_or(DecodeError::NotALink)?;
    Ok((&text[..at], &text[at + URL_SEGMENT.len()..]))
}

/// True when every character is in the QR code's alphanumeric set.
pub fn is_qr_alphanumeric(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b" $%*+-./:".contains(&b))
}

/// A name with its middle hidden: 张三 → 张*, 张三丰 → 张*丰, 欧阳小明 → 欧**明; a one-character
/// name stays as it is. For Latin names, each word keeps its first letter.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    if name.is_ascii() && name.contains(' ') {
        return name
            .split_whitespace()
            .map(|w| {
                let mut c = w.chars();
                let first = c.next().map(String::from).unwrap_or_default();
                format!("{first}{}", "*".repeat(c.count()))
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 | 1 => name.to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.type_code, self.number, self.holder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn sample() -> Payload {
        Payload {
            key_id: 3,
            type_code: "GDAF-JXJY".into(),
            number: "GDAF2026000123".into(),
            holder: mask_name("张三丰"),
            id_masked: Some("440106********123X".into()),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            expires_on: NaiveDate::from_ymd_opt(2029, 12, 1),
            status_index: 41,
        }
    }

    #[test]
    fn base32_round_trips_every_length() {
        for n in 0..40 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let text = base32_encode(&bytes);
            assert!(is_qr_alphanumeric(&text));
            assert_eq!(base32_decode(&text).unwrap(), bytes, "length {n}");
        }
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
    }

    #[test]
    fn base32_refuses_characters_outside_the_alphabet_and_nonzero_leftover_bits() {
        assert_eq!(base32_decode("MZ1W"), Err(DecodeError::BadCharacter));
        assert_eq!(base32_decode("MZ=W"), Err(DecodeError::BadCharacter));
        // "MZ" encodes one byte with 2 leftover zero bits; "M3" sets them.
        assert!(base32_decode("MY").is_ok());
        assert_eq!(base32_decode("M3"), Err(DecodeError::BadCharacter));
        assert_eq!(base32_decode("M"), Err(DecodeError::BadCharacter));
    }

    #[test]
    fn a_signed_payload_decodes_to_the_same_fields_and_verifies() {
        let k = key();
        let text = sample().sign(&k).unwrap();
        let signed = decode(&text).unwrap();
        assert_eq!(signed.payload, sample());
        assert!(signed.verify(&k.verifying_key()));
        assert!(!signed.verify(&SigningKey::from_bytes(&[8u8; 32]).verifying_key()));
    }

    #[test]
    fn the_url_fits_qr_version_10_at_level_m_in_alphanumeric_mode() {
        let text = url(
            "https://cert.gdsafety-association.org.cn",
            &sample().sign(&key()).unwrap(),
        );
        assert!(is_qr_alphanumeric(&text), "{text}");
        // Version 10-M holds 311 alphanumeric characters.
        assert!(text.len() <= 311, "{} characters", text.len());
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
            .unwrap();
        match code.version() {
            qrcode::Version::Normal(v) => assert!(v <= 10, "version {v}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn changing_any_character_of_the_payload_is_never_valid() {
        let k = key();
        let text = sample().sign(&k).unwrap();
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        for i in 0..text.len() {
            for replacement in ["A", "7", "Q"] {
                let mut t = text.clone();
                if &t[i..i + 1] == replacement {
                    continue;
                }
                t.replace_range(i..i + 1, replacement);
                assert!(alphabet.contains(replacement));
                if let Ok(s) = decode(&t) {
                    assert!(!s.verify(&k.verifying_key()), "char {i} → {replacement}");
                }
            }
        }
    }

    #[test]
    fn flipping_any_bit_of_the_bytes_is_never_valid() {
        let k = key();
        let bytes = base32_decode(&sample().sign(&k).unwrap()).unwrap();
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                match decode(&base32_encode(&b)) {
                    Ok(s) => assert!(!s.verify(&k.verifying_key()), "byte {i} bit {bit}"),
                    Err(e) => assert!(!e.code().is_empty()),
                }
            }
        }
    }

    #[test]
    fn truncated_extended_and_garbage_texts_are_refused_without_panicking() {
        let text = sample().sign(&key()).unwrap();
        for n in 0..text.len() {
            assert!(decode(&text[..n]).is_err(), "prefix of {n}");
        }
        assert_eq!(
            decode(&format!("{text}AAAAAAAA")),
            Err(DecodeError::TrailingBytes)
        );
        for junk in [
            "",
            "hello world",
            "🙂🙂",
            "////",
            &"A".repeat(5000),
            "AAAAAAAA",
        ] {
            assert!(decode(junk).is_err(), "{junk}");
            let _ = split_url(junk);
        }
        // Deterministic pseudo-random garbage of every length.
        let mut x: u32 = 12345;
        for n in 0..300 {
            let s: String = (0..n)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(x >> 16) as usize % 32])
                })
                .collect();
            let _ = decode(&s);
        }
    }

    #[test]
    fn split_url_finds_the_payload_after_the_last_v_segment_in_any_case() {
        assert_eq!(
            split_url("HTTPS://X.ORG/V/ABC").unwrap(),
            ("HTTPS://X.ORG", "ABC")
        );
        assert_eq!(
            split_url(" https://x.org/v/abc \n").unwrap(),
            ("https://x.org", "abc")
        );
        assert_eq!(split_url("https://x.org/abc"), Err(DecodeError::NotALink));
    }

    #[test]
    fn fields_that_do_not_fit_are_refused_before_signing() {
        let mut p = sample();
        p.number = "gdaf-lower".into();
        assert_eq!(p.body(), Err(EncodeError("number")));
        let mut p = sample();
        p.id_masked = Some("440106****".into());
        assert_eq!(p.body(), Err(EncodeError("masked ID")));
        let mut p = sample();
        p.expires_on = Some(p.issued_on);
        assert_eq!(p.body(), Err(EncodeError("expiry date")));
        let mut p = sample();
        p.id_masked = None;
        p.expires_on = None;
        let s = decode(&p.sign(&key()).unwrap()).unwrap();
        assert_eq!(s.payload, p);
    }

    #[test]
    fn names_are_masked_in_the_middle() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张三丰"), "张*丰");
        assert_eq!(mask_name("欧阳小明"), "欧**明");
        assert_eq!(mask_name("李"), "李");
        assert_eq!(mask_name("John Smith"), "J*** S****");
    }
}
