//! The certificate PDF: A4 landscape or portrait, Chinese text in the embedded CJK font
//! (subset to the glyphs used on saving), the fields the type prints, and the QR code drawn as
//! vector rectangles. The QR text is also written into the PDF's metadata (Subject), so the
//! offline checker can read it from the file when it cannot rasterize the page.

use super::qr;
use crate::pdf::font::{self, Metrics};
use chrono::{Datelike, NaiveDate};
use printpdf::{
    Color, CurTransMat, FontId, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, TextRenderingMode,
    WindingOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    /// 297 × 210 mm.
    Landscape,
    /// 210 × 297 mm.
    Portrait,
}

impl Orientation {
    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Orientation> {
        match s {
            "landscape" => Some(Self::Landscape),
            "portrait" => Some(Self::Portrait),
            _ => None,
        }
    }
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Landscape => "landscape",
            Self::Portrait => "portrait",
        }
    }
}

/// A field a certificate type can print, in the order the type lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 姓名.
    Name,
    /// 身份证号 (masked).
    IdNumber,
    /// 证书编号.
    Number,
    /// 职业/培训项目.
    Course,
    /// 等级.
    Level,
    /// 成绩/结果.
    Result,
    /// 期次.
    Session,
    /// 发证日期.
    IssuedOn,
    /// 有效期至.
    ExpiresOn,
    /// 发证机构.
    Issuer,
    /// 考核成绩: 理论知识 N 分　操作技能 N 分, for an assessment with a practical part (as a
    /// 专项职业能力证书 prints them); nothing otherwise.
    PartScores,
}

impl Field {
    /// Every field, in the default order.
    pub const ALL: [Field; 11] = [
        Field::Name,
        Field::IdNumber,
        Field::Number,
        Field::Course,
        Field::Level,
        Field::Result,
        Field::Session,
        Field::IssuedOn,
        Field::ExpiresOn,
        Field::Issuer,
        Field::PartScores,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::IdNumber => "id_number",
            Self::Number => "number",
            Self::Course => "course",
            Self::Level => "level",
            Self::Result => "result",
            Self::Session => "session",
            Self::IssuedOn => "issued_on",
            Self::ExpiresOn => "expires_on",
            Self::Issuer => "issuer",
            Self::PartScores => "part_scores",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|f| f.code() == s.trim())
    }

    fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Name => ("姓　　名", "Name"),
            Self::IdNumber => ("身份证号", "ID No."),
            Self::Number => ("证书编号", "Certificate No."),
            Self::Course => ("培训项目", "Course"),
            Self::Level => ("等　　级", "Level"),
            Self::Result => ("考核结果", "Result"),
            Self::Session => ("期　　次", "Session"),
            Self::IssuedOn => ("发证日期", "Date of issue"),
            Self::ExpiresOn => ("有效期至", "Valid until"),
            Self::Issuer => ("发证机构", "Issuer"),
            Self::PartScores => ("考核成绩", "Scores"),
        }
    }
}

/// Everything printed on one certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateView {
    /// Title.
    pub title: String,
    /// English title (may be empty).
    pub title_en: String,
    /// Body text with the placeholders filled in.
    pub wording: String,
    /// The holder's full name.
    pub holder_name: String,
    /// Masked ID number.
    pub id_masked: Option<String>,
    /// Certificate number.
    pub number: String,
    /// Course.
    pub course: String,
    /// Level (may be empty: not printed).
    pub level: String,
    /// Result.
    pub result: String,
    /// Session label.
    pub session_label: String,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Expiry date.
    pub expires_on: Option<NaiveDate>,
    /// Issuer.
    pub issuer_name: String,
    /// The QR text.
    pub qr_text: String,
    /// Orientation.
    pub orientation: Orientation,
    /// Accent colour (0–1 RGB).
    pub accent: (f32, f32, f32),
    /// Printed fields, in order.
    pub fields: Vec<Field>,
    /// The theory score (points), printed with the practical one.
    pub theory_score: Option<f64>,
    /// The practical part's score out of 100, for an assessment with one.
    pub practical_score: Option<f64>,
}

/// Why a certificate could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// A character the font has no glyph for (would print as a blank box).
    #[error("the certificate font has no glyph for {0:?} (U+{1:04X})")]
    MissingGlyph(char, u32),
    /// The QR text does not fit.
    #[error("{0}")]
    QrTooLarge(String),
    /// The compiled-in font could not be parsed.
    #[error("the certificate font could not be loaded")]
    NoFont,
}

/// A date as printed: 2026年12月1日.
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Parses `#RRGGBB` into 0–1 RGB.
pub fn parse_colour(s: &str) -> Option<(f32, f32, f32)> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let c = |i: usize| {
        u8::from_str_radix(&h[i..i + 2], 16)
            .ok()
            .map(|v| f32::from(v) / 255.0)
    };
    Some((c(0)?, c(2)?, c(4)?))
}

struct Page<'a> {
    ops: Vec<Op>,
    font: FontId,
    m: &'a Metrics,
}

fn rgb(c: (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

const INK: (f32, f32, f32) = (0.1, 0.1, 0.1);
const GREY: (f32, f32, f32) = (0.42, 0.42, 0.42);

fn pt(mm: f32) -> Pt {
    Mm(mm).into()
}

impl Page<'_> {
    /// Text with its left edge at x (mm) and baseline at y (mm).
    fn text(
        &mut self,
        s: &str,
        x_mm: f32,
        y_mm: f32,
        size: f32,
        colour: (f32, f32, f32),
        bold: bool,
    ) {
        if s.is_empty() {
            return;
        }
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor { col: rgb(colour) });
        if bold {
            // One weight is embedded; a thin outline in the same colour thickens the title.
            self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
            self.ops.push(Op::SetOutlineThickness {
                pt: Pt(size / 30.0),
            });
            self.ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::FillStroke,
            });
        }
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetTextCursor {
            pos: Point {
                x: pt(x_mm),
                y: pt(y_mm),
            },
        });
        self.ops.push(Op::SetFont {
            font: PdfFontHandle::External(self.font.clone()),
            size: Pt(size),
        });
        self.ops.push(Op::ShowText {
            items: vec![TextItem::Text(s.to_string())],
        });
        self.ops.push(Op::EndTextSection);
        self.ops.push(Op::RestoreGraphicsState);
    }

    fn width_mm(&self, s: &str, size: f32) -> f32 {
        self.m.width(s, size) * 25.4 / 72.0
    }

    fn centred(
        &mut self,
        s: &str,
        centre_mm: f32,
        y_mm: f32,
        size: f32,
        colour: (f32, f32, f32),
        bold: bool,
    ) {
        let w = self.width_mm(s, size);
        self.text(s, centre_mm - w / 2.0, y_mm, size, colour, bold);
    }

    fn right(&mut self, s: &str, right_mm: f32, y_mm: f32, size: f32, colour: (f32, f32, f32)) {
        let w = self.width_mm(s, size);
        self.text(s, right_mm - w, y_mm, size, colour, false);
    }

    fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, colour: (f32, f32, f32)) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![ring(x, y, w, h)],
                mode: PaintMode::Stroke,
                winding_order: WindingOrder::NonZero,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// The QR code with its lower-left corner at (x, y) mm, `size` mm wide including a
    /// four-module quiet zone. Drawn in module units under a scaling matrix, so the
    /// coordinates are small integers (short to write, quick to compress).
    fn qr(&mut self, m: &qr::Matrix, x: f32, y: f32, size: f32) {
        let modules = m.width as f32 + 8.0;
        let unit = pt(size / modules).0;
        let top = m.width as f32 + 4.0;
        let rings = m
            .rectangles()
            .into_iter()
            .map(|(row, col, w, h)| {
                let (x0, y0) = (4.0 + col as f32, top - (row + h) as f32);
                let p = |x: f32, y: f32| LinePoint {
                    p: Point { x: Pt(x), y: Pt(y) },
                    bezier: false,
                };
                let (w, h) = (w as f32, h as f32);
                PolygonRing {
                    points: vec![p(x0, y0), p(x0 + w, y0), p(x0 + w, y0 + h), p(x0, y0 + h)],
                }
            })
            .collect();
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw([unit, 0.0, 0.0, unit, pt(x).0, pt(y).0]),
        });
        self.ops.push(Op::SetFillColor {
            col: rgb((0.0, 0.0, 0.0)),
        });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }
}

fn ring(x: f32, y: f32, w: f32, h: f32) -> PolygonRing {
    let p = |x: f32, y: f32| LinePoint {
        p: Point { x: pt(x), y: pt(y) },
        bezier: false,
    };
    PolygonRing {
        points: vec![p(x, y), p(x + w, y), p(x + w, y + h), p(x, y + h)],
    }
}

/// Breaks a paragraph into lines no wider than `max_mm`, between any two characters (as
/// Chinese text breaks) but never before closing punctuation.
fn wrap(m: &Metrics, text: &str, size: f32, max_mm: f32) -> Vec<String> {
    let max_pt = max_mm * 72.0 / 25.4;
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut width = 0.0;
        for c in para.chars() {
            let w = m.char_width(c, size);
            let closing = "，。、；：？！）》」』”’,.;:?!)".contains(c);
            if width + w > max_pt && !line.is_empty() && !closing {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
            }
            line.push(c);
            width += w;
        }
        lines.push(line);
    }
    lines
}

/// Both parts' scores as a 专项职业能力证书 prints them.
pub fn part_scores(theory: f64, practical: f64) -> String {
    format!(
        "理论知识 {} 分　操作技能 {} 分",
        score_text(theory),
        score_text(practical)
    )
}

/// A score as printed: one decimal at most.
pub fn score_text(score: f64) -> String {
    let s = format!("{score:.1}");
    s.trim_end_matches(".0").to_string()
}

impl CertificateView {
    fn value(&self, f: Field) -> Option<String> {
        let v = match f {
            Field::Name => self.holder_name.clone(),
            Field::IdNumber => self.id_masked.clone()?,
            Field::Number => self.number.clone(),
            Field::Course => self.course.clone(),
            Field::Level => self.level.clone(),
            Field::Result => self.result.clone(),
            Field::Session => self.session_label.clone(),
            Field::IssuedOn => date_zh(self.issued_on),
            Field::ExpiresOn => match self.expires_on {
                Some(d) => date_zh(d),
                None => "长期有效 No expiry".into(),
            },
            Field::Issuer => self.issuer_name.clone(),
            Field::PartScores => part_scores(self.theory_score?, self.practical_score?),
        };
        (!v.trim().is_empty()).then_some(v)
    }

    /// Every text the page prints, for the glyph check.
    fn texts(&self) -> Vec<String> {
        let mut t = vec![
            self.title.clone(),
            self.title_en.clone(),
            self.wording.clone(),
            self.issuer_name.clone(),
            date_zh(self.issued_on),
            "扫码验证 Scan to verify".into(),
        ];
        for f in &self.fields {
            let (zh, en) = f.label();
            t.push(format!("{zh}{en}"));
            t.extend(self.value(*f));
        }
        t
    }
}

/// Renders one certificate to PDF bytes.
pub fn render(v: &CertificateView) -> Result<Vec<u8>, RenderError> {
    let font = font::font().ok_or(RenderError::NoFont)?;
    let m = Metrics::of(font);
    for t in v.texts() {
        if let Some(c) = m.missing(&t) {
            return Err(RenderError::MissingGlyph(c, u32::from(c)));
        }
    }
    let code = qr::matrix(&v.qr_text).map_err(|e| RenderError::QrTooLarge(e.to_string()))?;
    let (w, h): (f32, f32) = match v.orientation {
        Orientation::Landscape => (297.0, 210.0),
        Orientation::Portrait => (210.0, 297.0),
    };
    let landscape = v.orientation == Orientation::Landscape;
    let mut doc = PdfDocument::new(&format!("{} {}", v.title, v.number));
    let font_id = doc.add_font(font);
    let mut page = Page {
        ops: Vec::with_capacity(256),
        font: font_id,
        m: &m,
    };
    page.frame(9.0, 9.0, w - 18.0, h - 18.0, 2.4, v.accent);
    page.frame(12.5, 12.5, w - 25.0, h - 25.0, 0.6, v.accent);

    let margin = if landscape { 34.0 } else { 24.0 };
    let mut y = h - if landscape { 40.0 } else { 48.0 };
    let title_size: f32 = if landscape { 30.0 } else { 24.0 };
    // A long title is shrunk to fit between the frames.
    let title_size = title_size.min((w - 2.0 * margin) / page.width_mm(&v.title, 1.0));
    page.centred(&v.title, w / 2.0, y, title_size, v.accent, true);
    y -= 11.0;
    page.centred(&v.title_en, w / 2.0, y, 12.0, GREY, false);
    y -= 14.0;
    let body = 13.0;
    for line in wrap(&m, &v.wording, body, w - 2.0 * margin) {
        page.text(&line, margin, y, body, INK, false);
        y -= 7.5;
    }
    y -= 4.0;

    let qr_size = 40.0;
    let qr_x = w - margin - qr_size + 4.0;
    let qr_y = 19.0;
    let label_x = margin;
    let value_x = margin + 48.0;
    let row = if landscape { 9.0 } else { 11.0 };
    for f in &v.fields {
        let Some(value) = v.value(*f) else {
            continue;
        };
        let (zh, en) = f.label();
        page.text(zh, label_x, y, 12.0, GREY, false);
        page.text(en, label_x + 21.0, y, 8.0, GREY, false);
        page.text(&value, value_x, y, 14.0, INK, false);
        y -= row;
    }

    // Issuer and date above the QR code, right-aligned, where a seal is usually put.
    let right = w - margin;
    page.right(&v.issuer_name, right, qr_y + qr_size + 16.0, 13.0, INK);
    page.right(
        &date_zh(v.issued_on),
        right,
        qr_y + qr_size + 8.0,
        12.0,
        INK,
    );
    page.qr(&code, qr_x - 4.0, qr_y, qr_size);
    page.centred(
        "扫码验证 Scan to verify",
        qr_x - 4.0 + qr_size / 2.0,
        qr_y - 2.0,
        8.0,
        GREY,
        false,
    );

    let pdf_page = PdfPage::new(Mm(w), Mm(h), page.ops);
    let info = &mut doc.metadata.info;
    info.author = v.issuer_name.clone();
    info.creator = "exam-platform".into();
    info.producer = "exam-platform (printpdf)".into();
    info.subject = v.qr_text.clone();
    info.keywords = vec!["exam-certificate".into(), v.number.clone()];
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(vec![pdf_page]).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        },
        &mut warnings,
    );
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> CertificateView {
        CertificateView {
            title: "广东省安防从业人员继续教育培训合格证".into(),
            title_en: "Certificate of Continuing Education for Security Practitioners".into(),
            wording: "张三丰同志参加安防从业人员继续教育培训，经考核成绩合格，特发此证。".into(),
            holder_name: "张三丰".into(),
            id_masked: Some("440106********123X".into()),
            number: "GDAF2026000123".into(),
            course: "安防从业人员继续教育培训".into(),
            level: String::new(),
            result: "合格".into(),
            session_label: "第七十四期 广州站".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            expires_on: NaiveDate::from_ymd_opt(2029, 12, 1),
            issuer_name: "广东省安全技术防范协会".into(),
            qr_text: format!("HTTP://127.0.0.1:8080/V/{}", "A".repeat(176)),
            orientation: Orientation::Landscape,
            accent: (0.55, 0.0, 0.0),
            fields: Field::ALL.to_vec(),
            theory_score: Some(86.0),
            practical_score: None,
        }
    }

    #[test]
    fn a_certificate_renders_as_a_small_pdf_in_both_orientations() {
        for o in [Orientation::Landscape, Orientation::Portrait] {
            let mut v = sample();
            v.orientation = o;
            let pdf = render(&v).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
            assert!(pdf.len() < 100_000, "{} bytes", pdf.len());
        }
    }

    #[test]
    fn a_name_the_font_cannot_print_is_refused_not_printed_as_boxes() {
        let mut v = sample();
        v.holder_name = "张𠀀".into();
        assert_eq!(render(&v), Err(RenderError::MissingGlyph('𠀀', 0x20000)));
    }

    #[test]
    fn long_wording_wraps_within_the_width() {
        let m = Metrics::of(font::font().unwrap());
        let lines = wrap(&m, &"安全技术防范".repeat(30), 13.0, 200.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(m.width(l, 13.0) * 25.4 / 72.0 <= 200.0 + 5.0);
        }
        assert_eq!(lines.concat(), "安全技术防范".repeat(30));
    }

    #[test]
    fn both_parts_scores_are_printed_only_for_an_assessment_with_a_practical_part() {
        let mut v = sample();
        assert_eq!(v.value(Field::PartScores), None);
        v.practical_score = Some(78.5);
        assert_eq!(
            v.value(Field::PartScores).as_deref(),
            Some("理论知识 86 分　操作技能 78.5 分")
        );
        assert!(render(&v).unwrap().starts_with(b"%PDF-"));
        assert_eq!(Field::parse("part_scores"), Some(Field::PartScores));
    }

    #[test]
    fn colours_parse_from_hex() {
        assert_eq!(parse_colour("#FF0000"), Some((1.0, 0.0, 0.0)));
        assert_eq!(parse_colour("red"), None);
        assert_eq!(parse_colour("#12345"), None);
    }
}
