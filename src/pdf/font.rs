//! The CJK font certificates and reports are printed in, compiled into the binary (see `font/README.md`
//! for its source and `font/OFL.txt` for its license) and parsed once per process.

use printpdf::ParsedFont;
use std::sync::LazyLock;

/// The font file: Noto Serif CJK SC Regular, cut to the characters a certificate may need.
pub static FONT_BYTES: &[u8] = include_bytes!("font/NotoSerifCJKsc-Regular.subset.otf");

static FONT: LazyLock<Option<ParsedFont>> =
    LazyLock::new(|| ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new()));

/// The parsed font, or `None` if the compiled-in file could not be parsed (a build defect,
/// reported as an internal error by the renderer, never a panic).
pub fn font() -> Option<&'static ParsedFont> {
    FONT.as_ref()
}

/// Metrics for measuring text in the font.
pub struct Metrics {
    font: &'static ParsedFont,
    units_per_em: f32,
}

impl Metrics {
    /// Metrics of the certificate font.
    pub fn of(font: &'static ParsedFont) -> Metrics {
        let upem = font.font_metrics.units_per_em;
        Metrics {
            font,
            units_per_em: if upem == 0 { 1000.0 } else { f32::from(upem) },
        }
    }

    /// The first character the font cannot draw, if any.
    pub fn missing(&self, text: &str) -> Option<char> {
        text.chars()
            .find(|c| !c.is_whitespace() && self.font.lookup_glyph_index(u32::from(*c)).is_none())
    }

    /// Width in points of one character at `size` points.
    pub fn char_width(&self, c: char, size: f32) -> f32 {
        match self.font.lookup_glyph_index(u32::from(c)) {
            Some(g) => f32::from(self.font.get_horizontal_advance(g)) / self.units_per_em * size,
            None => size * 0.5,
        }
    }

    /// Width in points of a text at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width(c, size)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_font_parses_and_covers_chinese_latin_and_punctuation() {
        let f = font().expect("font parses");
        let m = Metrics::of(f);
        assert_eq!(
            m.missing("广东省安防从业人员继续教育培训合格证 No. 2026：（合格）"),
            None
        );
        // CJK Extension B is outside the cut.
        assert_eq!(m.missing("张𠀀"), Some('𠀀'));
        assert!(m.width("证书", 10.0) > 19.0 && m.width("证书", 10.0) < 21.0);
    }
}
