//! Certificate numbers, their configurable pattern, and certificate type codes: types that can
//! only hold valid values.

use crate::error::ErrorCode;
use serde::Serialize;
use std::fmt;

/// Why a text is not a valid certificate number, type code or number pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NumberError {
    /// Stable snake_case code.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
}

fn err(code: ErrorCode, message: impl Into<String>) -> NumberError {
    NumberError {
        code,
        message: message.into(),
    }
}

fn allowed(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'
}

/// A certificate number (证书编号): 4–32 characters of `A-Z 0-9 -`, starting with a letter or
/// digit. Input is trimmed and uppercased, full-width characters read as half-width, so a
/// number typed from paper is found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CertificateNumber(String);

impl CertificateNumber {
    /// Parses a number.
    pub fn parse(s: &str) -> Result<CertificateNumber, NumberError> {
        let text: String = s
            .trim()
            .chars()
            .map(|c| crate::bank::model::full_to_half(c).to_ascii_uppercase())
            .collect();
        let n = text.chars().count();
        if !(4..=super::payload::MAX_NUMBER).contains(&n) {
            return Err(err(
                ErrorCode::InvalidCertificateNumber,
                "a certificate number has 4 to 32 characters",
            ));
        }
        if !text.chars().all(allowed) || text.starts_with('-') {
            return Err(err(
                ErrorCode::InvalidCertificateNumber,
                "a certificate number has only letters, digits and hyphens",
            ));
        }
        Ok(CertificateNumber(text))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A certificate type code (e.g. `GDAF-JXJY`): 1–16 characters of `A-Z 0-9 -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TypeCode(String);

impl TypeCode {
    /// Parses a code (trimmed, uppercased).
    pub fn parse(s: &str) -> Result<TypeCode, NumberError> {
        let text = s.trim().to_ascii_uppercase();
        if text.is_empty()
            || text.len() > super::payload::MAX_TYPE_CODE
            || !text.chars().all(allowed)
        {
            return Err(err(
                ErrorCode::InvalidTypeCode,
                "a type code has 1 to 16 letters, digits or hyphens",
            ));
        }
        Ok(TypeCode(text))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One piece of a number pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Issuer,
    Type,
    Year,
    Serial(usize),
}

/// How numbers of a type are made, e.g. `{issuer}{year}{serial:6}` → `GDAF2026000123`.
/// Placeholders: `{issuer}` (the type's issuer code), `{type}` (its type code), `{year}` (the
/// issue year, 4 digits) and `{serial:N}` (the serial, zero-padded to N digits, 3 ≤ N ≤ 9;
/// exactly once). Anything else must be `A-Z 0-9 -`. Serials count per issue year and per
/// rendered prefix, so two types sharing a pattern never collide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberPattern {
    text: String,
    pieces: Vec<Piece>,
}

impl NumberPattern {
    /// Parses a pattern.
    pub fn parse(s: &str) -> Result<NumberPattern, NumberError> {
        let bad = |m: &str| err(ErrorCode::InvalidNumberPattern, m.to_string());
        let mut pieces = Vec::new();
        let mut rest = s.trim();
        let mut serials = 0;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let end = after
                    .find('}')
                    .ok_or_else(|| bad("a placeholder is not closed with }"))?;
                let name = &after[..end];
                pieces.push(match name {
                    "issuer" => Piece::Issuer,
                    "type" => Piece::Type,
                    "year" => Piece::Year,
                    _ => match name.strip_prefix("serial:").map(str::parse::<usize>) {
                        Some(Ok(n)) if (3..=9).contains(&n) => {
                            serials += 1;
                            Piece::Serial(n)
                        }
                        Some(_) => return Err(bad("{serial:N} needs N from 3 to 9")),
                        None => {
                            return Err(bad(
                                "placeholders are {issuer}, {type}, {year} and {serial:N}",
                            ));
                        }
                    },
                });
                rest = &after[end + 1..];
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let lit = rest[..end].to_ascii_uppercase();
                if !lit.chars().all(allowed) {
                    return Err(bad(
                        "outside placeholders a pattern has only letters, digits and hyphens",
                    ));
                }
                pieces.push(Piece::Literal(lit));
                rest = &rest[end..];
            }
        }
        if serials != 1 {
            return Err(bad("a pattern has {serial:N} exactly once"));
        }
        let p = NumberPattern {
            text: s.trim().to_string(),
            pieces,
        };
        // What the codes add is checked when a type is saved (its codes are known then).
        let fixed = p.render("", "", 2026, 0).len();
        if fixed > super::payload::MAX_NUMBER || (!p.uses_codes() && fixed < 4) {
            return Err(bad("a pattern makes numbers of 4 to 32 characters"));
        }
        Ok(p)
    }

    /// True when the pattern uses the issuer or type code.
    pub fn uses_codes(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Issuer | Piece::Type))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The number for a serial. Serials wider than the padding are written in full.
    pub fn render(&self, issuer: &str, type_code: &str, year: i32, serial: u64) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(s) => s.clone(),
                Piece::Issuer => issuer.to_ascii_uppercase(),
                Piece::Type => type_code.to_ascii_uppercase(),
                Piece::Year => format!("{year:04}"),
                Piece::Serial(n) => format!("{serial:0n$}", n = *n),
            })
            .collect()
    }

    /// The counter key: the number with the serial left out, so serials count per prefix.
    pub fn counter_key(&self, issuer: &str, type_code: &str, year: i32) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Serial(_) => "#".to_string(),
                Piece::Literal(s) => s.clone(),
                Piece::Issuer => issuer.to_ascii_uppercase(),
                Piece::Type => type_code.to_ascii_uppercase(),
                Piece::Year => format!("{year:04}"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_trimmed_uppercased_and_read_from_full_width() {
        assert_eq!(
            CertificateNumber::parse(" gdaf2026000123 ")
                .unwrap()
                .as_str(),
            "GDAF2026000123"
        );
        assert_eq!(
            CertificateNumber::parse("ＧＤ２０２６-０１")
                .unwrap()
                .as_str(),
            "GD2026-01"
        );
        assert!(CertificateNumber::parse("abc").is_err());
        assert!(CertificateNumber::parse("GD 2026").is_err());
        assert!(CertificateNumber::parse("-GD2026").is_err());
        assert!(CertificateNumber::parse(&"A".repeat(33)).is_err());
        assert!(CertificateNumber::parse("证书2026").is_err());
    }

    #[test]
    fn a_pattern_renders_issuer_year_and_padded_serial() {
        let p = NumberPattern::parse("{issuer}{year}{serial:6}").unwrap();
        assert_eq!(p.render("gdaf", "X", 2026, 123), "GDAF2026000123");
        assert_eq!(p.render("GDAF", "X", 2026, 1_234_567), "GDAF20261234567");
        assert_eq!(p.counter_key("GDAF", "X", 2026), "GDAF2026#");
        let p = NumberPattern::parse("ZJ-{type}-{year}-{serial:4}").unwrap();
        assert_eq!(p.render("I", "VID", 2027, 5), "ZJ-VID-2027-0005");
    }

    #[test]
    fn patterns_without_one_serial_or_with_unknown_placeholders_are_refused() {
        for bad in [
            "{issuer}{year}",
            "{serial:6}{serial:6}",
            "{serial:2}",
            "{serial:10}",
            "{name}{serial:6}",
            "{issuer",
            "证{serial:6}",
            "A B{serial:6}",
        ] {
            assert_eq!(
                NumberPattern::parse(bad).unwrap_err().code,
                ErrorCode::InvalidNumberPattern,
                "{bad}"
            );
        }
    }

    #[test]
    fn type_codes_are_short_and_plain() {
        assert_eq!(TypeCode::parse("gdaf-jxjy").unwrap().as_str(), "GDAF-JXJY");
        assert!(TypeCode::parse("").is_err());
        assert!(TypeCode::parse("A_B").is_err());
        assert!(TypeCode::parse(&"A".repeat(17)).is_err());
    }
}
