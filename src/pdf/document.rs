//! A plain paginated text document in the platform's embedded CJK font (the certificates'
//! font, subset on save), for reports staff print or file.

use super::font::{self, Metrics};
use printpdf::{
    Color, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rgb, TextItem,
};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 15.0;
const PT_MM: f32 = 0.3528;

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The compiled-in font did not parse.
    #[error("the embedded font could not be read")]
    NoFont,
}

/// Lays out `lines` (text, size in points, indent in mm) on A4 pages, wrapping long lines and
/// starting new pages as needed; characters the font lacks print as "?".
pub fn text_document(title: &str, lines: &[(String, f32, f32)]) -> Result<Vec<u8>, PdfError> {
    let font = font::font().ok_or(PdfError::NoFont)?;
    let m = Metrics::of(font);
    let mut doc = PdfDocument::new(title);
    let id = doc.add_font(font);
    let mut pages = Vec::new();
    let mut ops: Vec<Op> = Vec::new();
    let mut y = PAGE_H - MARGIN;
    let black = Color::Rgb(Rgb {
        r: 0.1,
        g: 0.1,
        b: 0.1,
        icc_profile: None,
    });
    for (text, size, indent) in lines {
        let clean: String = text
            .chars()
            .map(|c| {
                if c.is_whitespace() || m.missing(&c.to_string()).is_none() {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        let width = PAGE_W - 2.0 * MARGIN - indent;
        for piece in wrap(&m, &clean, *size, width) {
            let step = size * 1.45 * PT_MM;
            if y - step < MARGIN {
                pages.push(PdfPage::new(
                    Mm(PAGE_W),
                    Mm(PAGE_H),
                    std::mem::take(&mut ops),
                ));
                y = PAGE_H - MARGIN;
            }
            y -= step;
            if piece.is_empty() {
                continue;
            }
            ops.extend([
                Op::SaveGraphicsState,
                Op::SetFillColor { col: black.clone() },
                Op::StartTextSection,
                Op::SetTextCursor {
                    pos: Point {
                        x: Mm(MARGIN + indent).into(),
                        y: Mm(y).into(),
                    },
                },
                Op::SetFont {
                    font: PdfFontHandle::External(id.clone()),
                    size: Pt(*size),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(piece)],
                },
                Op::EndTextSection,
                Op::RestoreGraphicsState,
            ]);
        }
    }
    pages.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
    let mut warnings = Vec::new();
    Ok(doc.with_pages(pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        },
        &mut warnings,
    ))
}

/// Breaks a line into pieces no wider than `width_mm`; an empty line stays one empty piece.
fn wrap(m: &Metrics, text: &str, size: f32, width_mm: f32) -> Vec<String> {
    let max = width_mm / PT_MM;
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = m.char_width(c, size);
        if w + cw > max && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            w = 0.0;
        }
        cur.push(c);
        w += cw;
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_report_spreads_over_pages_and_is_a_pdf() {
        let lines: Vec<(String, f32, f32)> = (0..200)
            .map(|i| (format!("第{i}行 考生张伟 切出页面 window_blur"), 10.0, 4.0))
            .collect();
        let pdf = text_document("考场报告", &lines).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.matches("/Type /Page\n").count() + text.matches("/Type/Page").count() >= 1);
    }

    #[test]
    fn long_lines_wrap_within_the_page() {
        let font = font::font().unwrap();
        let m = Metrics::of(font);
        let pieces = wrap(&m, &"监考记录".repeat(60), 10.0, 180.0);
        assert!(pieces.len() > 1);
        assert!(pieces.iter().all(|p| m.width(p, 10.0) * PT_MM <= 180.5));
    }
}
