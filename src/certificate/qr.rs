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
    /// The dark modules as rectangles `(row, column, width, height)` in module units: runs of
    /// dark modules per row, merged with identical runs in the rows below. Drawing these takes
    /// about a third of the rectangles one-per-run would, which keeps the page small and fast.
    pub fn rectangles(&self) -> Vec<(usize, usize, usize, usize)> {
        let mut done: Vec<(usize, usize, usize, usize)> = Vec::new();
        // Rectangles still growing downwards: (column, width) → index in `done`.
        let mut open: std::collections::HashMap<(usize, usize), usize> =
            std::collections::HashMap::new();
        for row in 0..self.width {
            let mut next = std::collections::HashMap::new();
            let mut col = 0;
            while col < self.width {
                if !self.dark[row * self.width + col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < self.width && self.dark[row * self.width + col] {
                    col += 1;
                }
                let run = (start, col - start);
                match open.get(&run) {
                    Some(&i) => {
                        done[i].3 += 1;
                        next.insert(run, i);
                    }
                    None => {
                        done.push((row, start, run.1, 1));
                        next.insert(run, done.len() - 1);
                    }
                }
            }
            open = next;
        }
        done
    }

    /// The code as a standalone SVG image with a 4-module quiet zone, `size` CSS pixels wide
    /// (printed admission tickets show the login address this way).
    pub fn svg(&self, size: u32) -> String {
        let side = self.width + 8;
        let mut path = String::new();
        for (row, col, w, h) in self.rectangles() {
            path.push_str(&format!("M{} {}h{}v{}h-{}z", col + 4, row + 4, w, h, w));
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" \
             viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>"
        )
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
        // The rectangles cover exactly the dark modules, each once.
        let mut covered = vec![false; m.dark.len()];
        for (row, col, w, h) in m.rectangles() {
            for r in row..row + h {
                for c in col..col + w {
                    assert!(!covered[r * m.width + c], "overlap at {r},{c}");
                    covered[r * m.width + c] = true;
                }
            }
        }
        assert_eq!(covered, m.dark);
        assert!(matrix(&"A".repeat(400)).is_err());
    }
}
