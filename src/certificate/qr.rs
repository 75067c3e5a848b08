//! The QR code of a certificate: its module matrix at error-correction level M, refused if it
//! would need a version above 10 (a scanner reads such a code at the printed size).

use qrcode::{Color, EcLevel, QrCode, Version};

/// Largest QR version allowed on a certificate.
pub const MAX_VERSION: i16 = 10;

/// A QR code as rows of dark (true) and light modules, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// The QR version.
    pub version: i16,
    /// Modules per side.
    pub width: usize,
    /// Row-major, `width * width` modules.
    pub dark: Vec<bool>,
}

/// Why a text cannot be a certificate's QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the QR text needs a code larger than version 10 at level M ({0})")]
pub struct TooLarge(pub String);

/// Encodes a text at level M (the encoder picks the smallest version and the densest modes:
/// an uppercase URL is alphanumeric throughout).
pub fn matrix(text: &str) -> Result<Matrix, TooLarge> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| TooLarge(e.to_string()))?;
    let version = match code.version() {
        Version::Normal(v) if v <= MAX_VERSION => v,
        v => return Err(TooLarge(format!("{v:?}"))),
    };
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok(Matrix {
        version,
        width,
        dark,
    })
}

impl Matrix {
    /// Runs of dark modules per row as `(row, first column, length)`, so the code is drawn
    /// as a few hundred rectangles rather than thousands.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if self.dark[row * self.width + col] {
                    let start = col;
                    while col < self.width && self.dark[row * self.width + col] {
                        col += 1;
                    }
                    out.push((row, start, col - start));
                } else {
                    col += 1;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_url_fits_and_a_huge_text_is_refused() {
        let url = format!("HTTPS://CERT.EXAMPLE.ORG/V/{}", "A".repeat(180));
        let m = matrix(&url).unwrap();
        assert!(m.version <= 10);
        assert_eq!(m.dark.len(), m.width * m.width);
        let dark: usize = m.runs().iter().map(|r| r.2).sum();
        assert_eq!(dark, m.dark.iter().filter(|d| **d).count());
        assert!(matrix(&"A".repeat(400)).is_err());
    }
}
