//! A statistics report as an XLSX workbook (items, options, test and sessions sheets) and as a
//! PDF (a landscape A4 table in the embedded CJK font, with the score histogram drawn as bars).

use super::store::{ItemRow, Report};
use crate::error::{AppError, AppResult};
use crate::pdf::font::{self, Metrics};
use printpdf::{
    Color, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

/// The item table's columns (Chinese / English) as staff read them.
pub const ITEM_COLUMNS: [&str; 14] = [
    "题库 Bank",
    "题号 Item",
    "题型 Kind",
    "状态 Status",
    "作答数 n",
    "难度 p",
    "标准差 SD",
    "题总相关 r",
    "区分度 D",
    "区分效率 DE",
    "未答率 Omit",
    "Rasch b",
    "场次 Sessions",
    "标记 Flags",
];

fn opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into())
}

/// One item as text cells, in [`ITEM_COLUMNS`] order.
pub fn item_cells(r: &ItemRow) -> Vec<String> {
    let s = &r.stats;
    vec![
        r.bank.clone(),
        r.ident.clone(),
        r.kind.clone(),
        r.status.clone(),
        s.n.to_string(),
        format!("{:.3}", s.facility),
        format!("{:.3}", s.sd),
        opt(s.item_rest_r),
        opt(s.upper_lower_d),
        opt(s.discriminative_efficiency),
        format!("{:.3}", s.omission_rate),
        opt(r.calibration.as_ref().map(|c| c.b)),
        r.sessions.to_string(),
        r.flags
            .iter()
            .map(|f| f.zh.clone())
            .collect::<Vec<_>>()
            .join("；"),
    ]
}

fn scope_zh(scope: &str) -> &'static str {
    match scope {
        "session" => "场次",
        "exam" => "考试",
        _ => "题库",
    }
}

fn source_zh(source: &str) -> &'static str {
    match source {
        "stored" => "已保存（成绩发布时计算）",
        "live" => "实时计算（未保存）",
        _ => "多场次合并",
    }
}

/// The report as an XLSX workbook: 题目统计 (numbers as numbers, so staff sort), 选项分析,
/// 试卷统计 and, for exams and banks, 各场次.
pub fn to_xlsx(r: &Report) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let e = AppError::internal;
    {
        let sheet = book.add_worksheet();
        sheet.set_name("题目统计").map_err(e)?;
        for (j, h) in ITEM_COLUMNS.iter().enumerate() {
            sheet.write_string(0, j as u16, *h).map_err(e)?;
        }
        for (i, row) in r.items.iter().enumerate() {
            for (j, cell) in item_cells(row).iter().enumerate() {
                let (y, x) = (i as u32 + 1, j as u16);
                match cell.parse::<f64>() {
                    Ok(v) if (4..=12).contains(&j) => sheet.write_number(y, x, v).map_err(e)?,
                    _ => sheet.write_string(y, x, cell).map_err(e)?,
                };
            }
        }
    }
    {
        let sheet = book.add_worksheet();
        sheet.set_name("选项分析").map_err(e)?;
        let head = [
            "题号 Item",
            "选项 Option",
            "答案 Key",
            "选择率 Overall",
            "低分组 Lower",
            "中间组 Middle",
            "高分组 Upper",
        ];
        for (j, h) in head.iter().enumerate() {
            sheet.write_string(0, j as u16, *h).map_err(e)?;
        }
        let mut y = 1u32;
        for row in &r.items {
            for o in &row.stats.options {
                sheet.write_string(y, 0, &row.ident).map_err(e)?;
                sheet
                    .write_string(y, 1, option_label(o.index).to_string())
                    .map_err(e)?;
                sheet
                    .write_string(y, 2, if o.key { "✓" } else { "" })
                    .map_err(e)?;
                for (x, v) in [(3, o.overall), (4, o.lower), (5, o.middle), (6, o.upper)] {
                    sheet.write_number(y, x, v).map_err(e)?;
                }
                y += 1;
            }
        }
    }
    {
        let sheet = book.add_worksheet();
        sheet.set_name("试卷统计").map_err(e)?;
        let mut y = 0u32;
        for (k, v) in summary(r) {
            sheet.write_string(y, 0, k).map_err(e)?;
            sheet.write_string(y, 1, v).map_err(e)?;
            y += 1;
        }
        if let Some(t) = &r.test {
            y += 1;
            sheet
                .write_string(y, 0, "分数段 Score band (%)")
                .map_err(e)?;
            sheet.write_string(y, 1, "人数 Count").map_err(e)?;
            for b in &t.histogram {
                y += 1;
                sheet
                    .write_string(y, 0, format!("{:.0}–{:.0}", b.from, b.to))
                    .map_err(e)?;
                sheet.write_number(y, 1, b.count as f64).map_err(e)?;
            }
        }
    }
    if !r.sessions.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("各场次").map_err(e)?;
        let head = [
            "场次 Session",
            "人数 Persons",
            "平均分% Mean",
            "标准差% SD",
            "Alpha",
            "SEM%",
        ];
        for (j, h) in head.iter().enumerate() {
            sheet.write_string(0, j as u16, *h).map_err(e)?;
        }
        for (i, s) in r.sessions.iter().enumerate() {
            let y = i as u32 + 1;
            sheet.write_string(y, 0, &s.title).map_err(e)?;
            sheet.write_number(y, 1, s.test.persons as f64).map_err(e)?;
            sheet.write_number(y, 2, s.test.mean).map_err(e)?;
            sheet.write_number(y, 3, s.test.sd).map_err(e)?;
            if let Some(a) = s.test.alpha {
                sheet.write_number(y, 4, a).map_err(e)?;
            }
            if let Some(v) = s.test.sem {
                sheet.write_number(y, 5, v).map_err(e)?;
            }
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}

/// A time as staff read it: Beijing time (UTC+8), to the minute.
fn beijing(t: chrono::DateTime<chrono::Utc>) -> String {
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(tz) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        None => t.to_rfc3339(),
    }
}

fn option_label(i: u8) -> char {
    crate::bank::model::option_label(i as usize)
}

/// The report's heading figures as (label, value) pairs.
pub fn summary(r: &Report) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "范围 Scope".to_string(),
            format!("{}：{}", scope_zh(&r.scope), r.title),
        ),
        ("来源 Source".into(), source_zh(&r.source).into()),
        ("计算时间 Computed".into(), beijing(r.computed_at)),
        ("题目数 Items".into(), r.items.len().to_string()),
        (
            "被标记 Flagged".into(),
            r.items
                .iter()
                .filter(|i| !i.flags.is_empty())
                .count()
                .to_string(),
        ),
    ];
    if let Some(t) = &r.test {
        out.extend([
            ("人数 Persons".to_string(), t.persons.to_string()),
            ("平均分 Mean (%)".into(), format!("{:.1}", t.mean)),
            ("标准差 SD (%)".into(), format!("{:.1}", t.sd)),
            (
                "最低/最高 Min/Max (%)".into(),
                format!("{:.1} / {:.1}", t.min, t.max),
            ),
            ("信度 Alpha (KR-20)".into(), opt(t.alpha)),
            ("SEM (%)".into(), opt(t.sem)),
        ]);
    }
    if r.pending > 0 {
        out.push((
            "待阅卷未计入 Waiting for marks".into(),
            r.pending.to_string(),
        ));
    }
    if r.terminated > 0 {
        out.push(("违纪终止未计入 Terminated".into(), r.terminated.to_string()));
    }
    out
}

const PAGE_W: f32 = 297.0;
const PAGE_H: f32 = 210.0;
const MARGIN: f32 = 12.0;
const PT_MM: f32 = 25.4 / 72.0;
/// Column widths in mm for [`ITEM_COLUMNS`] (they add up to the landscape page's width).
const WIDTHS: [f32; 14] = [
    13.0, 20.0, 15.0, 15.0, 13.0, 14.0, 14.0, 16.0, 14.0, 16.0, 15.0, 15.0, 13.0, 70.0,
];

struct Pages {
    font: printpdf::FontId,
    m: Metrics,
    pages: Vec<PdfPage>,
    ops: Vec<Op>,
    y: f32,
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point {
            x: Mm(x).into(),
            y: Mm(y).into(),
        },
        bezier: false,
    }
}

impl Pages {
    fn new_page(&mut self) {
        self.pages.push(PdfPage::new(
            Mm(PAGE_W),
            Mm(PAGE_H),
            std::mem::take(&mut self.ops),
        ));
        self.y = PAGE_H - MARGIN;
    }

    fn room(&mut self, mm: f32) {
        if self.y - mm < MARGIN {
            self.new_page();
        }
    }

    /// `s` at (x, y), cut to `width` mm; characters the font lacks print as "?".
    fn text(&mut self, s: &str, x: f32, y: f32, size: f32, width: f32) {
        let mut out = String::new();
        let mut w = 0.0;
        for c in s.chars() {
            let c = if c.is_whitespace() || self.m.missing(&c.to_string()).is_none() {
                c
            } else {
                '?'
            };
            let cw = self.m.char_width(c, size) * PT_MM;
            if w + cw > width {
                out.push('…');
                break;
            }
            out.push(c);
            w += cw;
        }
        if out.is_empty() {
            return;
        }
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor {
                col: rgb(0.1, 0.1, 0.1),
            },
            Op::StartTextSection,
            Op::SetTextCursor {
                pos: Point {
                    x: Mm(x).into(),
                    y: Mm(y).into(),
                },
            },
            Op::SetFont {
                font: PdfFontHandle::External(self.font.clone()),
                size: Pt(size),
            },
            Op::ShowText {
                items: vec![TextItem::Text(out)],
            },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Color) {
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: fill },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing {
                        points: vec![
                            point(x, y),
                            point(x + w, y),
                            point(x + w, y + h),
                            point(x, y + h),
                        ],
                    }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    fn line_of_text(&mut self, s: &str, size: f32) {
        let step = size * 1.5 * PT_MM;
        self.room(step);
        self.y -= step;
        let y = self.y;
        self.text(s, MARGIN, y, size, PAGE_W - 2.0 * MARGIN);
    }

    fn row(&mut self, cells: &[String], header: bool) {
        let size = 7.5;
        let step = 5.0;
        if self.y - step < MARGIN {
            self.new_page();
        }
        self.y -= step;
        if header {
            let y = self.y - 1.3;
            self.rect(MARGIN, y, PAGE_W - 2.0 * MARGIN, step, rgb(0.88, 0.9, 0.95));
        }
        let mut x = MARGIN + 1.0;
        let y = self.y;
        for (cell, w) in cells.iter().zip(WIDTHS) {
            self.text(cell, x, y, size, w - 2.0);
            x += w;
        }
    }
}

/// The report as a PDF: heading figures, the score histogram as bars, and the item table
/// (repeating its header on each page).
pub fn to_pdf(r: &Report) -> AppResult<Vec<u8>> {
    let f =
        font::font().ok_or_else(|| AppError::internal("the embedded font could not be read"))?;
    let mut doc = PdfDocument::new("题目分析 Item analysis");
    let id = doc.add_font(f);
    let mut p = Pages {
        font: id,
        m: Metrics::of(f),
        pages: Vec::new(),
        ops: Vec::new(),
        y: PAGE_H - MARGIN,
    };
    p.line_of_text("题目与试卷统计 Item and test statistics", 14.0);
    for (k, v) in summary(r) {
        p.line_of_text(&format!("{k}：{v}"), 9.0);
    }
    if let Some(t) = r.test.as_ref().filter(|t| !t.histogram.is_empty()) {
        let height = 30.0;
        p.room(height + 10.0);
        p.y -= 4.0;
        let top = p.y;
        let base = top - height;
        let most = t
            .histogram
            .iter()
            .map(|b| b.count)
            .max()
            .unwrap_or(1)
            .max(1) as f32;
        let bar = (120.0 / t.histogram.len() as f32).min(12.0);
        for (i, b) in t.histogram.iter().enumerate() {
            let h = height * b.count as f32 / most;
            let x = MARGIN + i as f32 * bar;
            p.rect(x, base, bar - 0.8, h.max(0.2), rgb(0.26, 0.45, 0.75));
            if b.count > 0 {
                p.text(&b.count.to_string(), x, base + h + 0.8, 6.0, bar);
            }
            if i % 2 == 0 {
                p.text(&format!("{:.0}", b.from), x, base - 3.0, 6.0, bar * 2.0);
            }
        }
        p.text(
            &format!(
                "分数分布（%） Score distribution   alpha = {}   SEM = {}",
                opt(t.alpha),
                opt(t.sem)
            ),
            MARGIN + 130.0,
            top - 4.0,
            8.0,
            130.0,
        );
        p.y = base - 5.0;
    }
    let header: Vec<String> = ITEM_COLUMNS.iter().map(|s| s.to_string()).collect();
    p.row(&header, true);
    let mut first_page = p.pages.len();
    for item in &r.items {
        if p.pages.len() != first_page {
            first_page = p.pages.len();
            p.row(&header, true);
        }
        p.row(&item_cells(item), false);
    }
    if !r.sessions.is_empty() {
        p.line_of_text("", 9.0);
        p.line_of_text("各场次 Sessions", 11.0);
        for s in &r.sessions {
            p.line_of_text(
                &format!(
                    "{}：{} 人，平均 {:.1}%，标准差 {:.1}%，alpha = {}，SEM = {}",
                    s.title,
                    s.test.persons,
                    s.test.mean,
                    s.test.sd,
                    opt(s.test.alpha),
                    opt(s.test.sem)
                ),
                8.5,
            );
        }
    }
    p.new_page();
    let mut warnings = Vec::new();
    Ok(doc.with_pages(p.pages).save(
        &PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        },
        &mut warnings,
    ))
}
