//! Exam blueprints: how many questions of which bank, category, kind and difficulty a paper holds,
//! and whether a pool of questions can fill them. Pure logic, no database.
//!
//! A [`Blueprint`] is a list of [`Section`]s, each a list of [`Cell`]s. A cell fixes a count per
//! (bank × category × kind × difficulty band); the drawing in [`super::paper`] picks that many
//! questions at random among the cell's candidates.
//!
//! **Overlapping cells.** Cells may overlap (e.g. `法规` and `法规/条例`). Cells are filled in
//! blueprint order (section by section, cell by cell) and a question taken by an earlier cell is
//! not available to a later one. Because the earlier cells pick at random, [`feasibility`] counts
//! the worst case: a cell's available questions are its candidates minus as many of them as the
//! earlier cells could possibly take (each earlier cell takes at most `min(its count, its overlap
//! with this cell)`). So a blueprint that passes [`feasibility`] can never run short in a draw, and
//! a blueprint with a broad cell before a narrow one is best written narrow cell first.

use crate::bank::model::QuestionKind;
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Tolerance used when a blueprint leaves it out: how far, in difficulty levels, a paper's
/// expected difficulty may stray from the target.
pub const DEFAULT_TOLERANCE: f64 = 0.3;
/// Most points one question may be worth.
pub const MAX_POINTS: f64 = 100.0;
/// Lowest difficulty level.
pub const MIN_LEVEL: u8 = 1;
/// Highest difficulty level.
pub const MAX_LEVEL: u8 = 5;

/// The plan of a randomized paper. Build one with serde and check it with [`Blueprint::parse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Blueprint {
    /// The sections, in paper order.
    pub sections: Vec<Section>,
    /// Expected difficulty (mean of the drawn questions' difficulties, 1–5) a paper should have;
    /// `None` accepts any paper.
    #[serde(default)]
    pub target_difficulty: Option<f64>,
    /// How far a paper's expected difficulty may stray from the target before it is redrawn.
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// How measured difficulty and exposure weigh in the draw (defaults when left out).
    #[serde(default)]
    pub draw: DrawSettings,
}

/// How the draw weighs measured difficulty and exposure. See [`crate::exam::paper`] for how
/// each is used and [`crate::analytics::shrinkage`] for the prior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DrawSettings {
    /// How many responses the author's difficulty counts as when measured facility is shrunk
    /// toward it (0 trusts any measurement fully).
    #[serde(default = "default_prior_weight")]
    pub prior_weight: f64,
    /// At most this many papers per period may hold a question; a question over its cap is
    /// drawn only when its cell would otherwise be short. `None`: no cap.
    #[serde(default)]
    pub exposure_cap: Option<u32>,
    /// The period exposure is counted over, in days (1–3650).
    #[serde(default = "default_exposure_period")]
    pub exposure_period_days: u32,
    /// Within a cell, draw questions exposed more than the cell's average less often.
    #[serde(default = "default_true")]
    pub prefer_less_exposed: bool,
}

impl Default for DrawSettings {
    fn default() -> Self {
        DrawSettings {
            prior_weight: default_prior_weight(),
            exposure_cap: None,
            exposure_period_days: default_exposure_period(),
            prefer_less_exposed: true,
        }
    }
}

/// Exposure is counted over the last 30 days unless a blueprint says otherwise.
pub const DEFAULT_EXPOSURE_PERIOD_DAYS: u32 = 30;

fn default_prior_weight() -> f64 {
    crate::analytics::shrinkage::DEFAULT_PRIOR_WEIGHT
}
fn default_exposure_period() -> u32 {
    DEFAULT_EXPOSURE_PERIOD_DAYS
}

/// One part of a paper (e.g. 一、单项选择题).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Section {
    /// The heading shown to candidates.
    #[serde(default)]
    pub title: String,
    /// What the section draws, in order.
    pub cells: Vec<Cell>,
    /// Whether the section's questions appear in random order (`true` when left out); otherwise
    /// they keep cell order.
    #[serde(default = "default_true")]
    pub shuffle_questions: bool,
}

/// One cell of the blueprint: `count` questions of one kind from one bank, optionally one
/// category subtree, within a difficulty band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Cell {
    /// The bank's code.
    pub bank: String,
    /// A category path prefix, levels joined by `/`: matches that category and everything below
    /// it (`法规` matches `法规` and `法规/条例`, not `法规类`). `None` matches the whole bank.
    #[serde(default)]
    pub category: Option<String>,
    /// The kind of question.
    pub kind: QuestionKind,
    /// Lowest difficulty level drawn, 1–5 (1 when left out).
    #[serde(default = "default_min_level")]
    pub min_difficulty: u8,
    /// Highest difficulty level drawn, 1–5 (5 when left out).
    #[serde(default = "default_max_level")]
    pub max_difficulty: u8,
    /// How many questions the cell draws.
    pub count: usize,
    /// Points each drawn question is worth in this paper.
    pub points: f64,
}

fn default_tolerance() -> f64 {
    DEFAULT_TOLERANCE
}
fn default_true() -> bool {
    true
}
fn default_min_level() -> u8 {
    MIN_LEVEL
}
fn default_max_level() -> u8 {
    MAX_LEVEL
}

/// Why a blueprint is not usable. Each variant has a stable code. Section and cell indices are
/// 0-based; the messages count from 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BlueprintError {
    /// The blueprint has no section.
    #[error("a blueprint needs at least one section")]
    NoSections,
    /// A section has no cell.
    #[error("section {} has no cells", .section + 1)]
    EmptySection {
        /// The section.
        section: usize,
    },
    /// A cell names no bank.
    #[error("section {}, cell {}: the bank code is empty", .section + 1, .cell + 1)]
    EmptyBank {
        /// The section.
        section: usize,
        /// The cell within the section.
        cell: usize,
    },
    /// A cell draws no question.
    #[error("section {}, cell {}: the count must be at least 1", .section + 1, .cell + 1)]
    ZeroCount {
        /// The section.
        section: usize,
        /// The cell within the section.
        cell: usize,
    },
    /// Points not a finite number above 0 and at most 100.
    #[error("section {}, cell {}: points must be more than 0 and at most 100, found {points}", .section + 1, .cell + 1)]
    BadPoints {
        /// The section.
        section: usize,
        /// The cell within the section.
        cell: usize,
        /// The points given.
        points: f64,
    },
    /// A difficulty band outside 1–5 or with min above max.
    #[error("section {}, cell {}: difficulty must satisfy 1 ≤ min ≤ max ≤ 5, found {min}–{max}", .section + 1, .cell + 1)]
    BadDifficultyRange {
        /// The section.
        section: usize,
        /// The cell within the section.
        cell: usize,
        /// The lowest level given.
        min: u8,
        /// The highest level given.
        max: u8,
    },
    /// A tolerance that is negative or not a number.
    #[error("the tolerance must be a number of at least 0, found {0}")]
    BadTolerance(f64),
    /// A target difficulty outside 1.0–5.0.
    #[error("the target difficulty must be from 1.0 to 5.0, found {0}")]
    BadTarget(f64),
    /// A prior weight, exposure cap or period out of range.
    #[error(
        "draw settings: the prior weight must be a number of at least 0, the exposure cap at least 1 and the period 1–3650 days"
    )]
    BadDrawSettings,
}

impl BlueprintError {
    /// Stable snake_case code for reports and API errors.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NoSections => ErrorCode::NoSections,
            Self::EmptySection { .. } => ErrorCode::EmptySection,
            Self::EmptyBank { .. } => ErrorCode::EmptyBank,
            Self::ZeroCount { .. } => ErrorCode::ZeroCount,
            Self::BadPoints { .. } => ErrorCode::BadPoints,
            Self::BadDifficultyRange { .. } => ErrorCode::BadDifficultyRange,
            Self::BadTolerance(_) => ErrorCode::BadTolerance,
            Self::BadTarget(_) => ErrorCode::BadTarget,
            Self::BadDrawSettings => ErrorCode::BadDrawSettings,
        }
    }

    /// The reason in Chinese and English (sections and cells counted from 1).
    pub fn text(&self) -> crate::error::Text {
        let at = |s: usize, c: usize| format!("第 {} 部分第 {} 行", s + 1, c + 1);
        let zh = match self {
            Self::NoSections => "组卷规则至少需要一个部分".to_string(),
            Self::EmptySection { section } => format!("第 {} 部分没有抽题行", section + 1),
            Self::EmptyBank { section, cell } => format!("{}：没有选择题库", at(*section, *cell)),
            Self::ZeroCount { section, cell } => {
                format!("{}：题数至少为 1", at(*section, *cell))
            }
            Self::BadPoints {
                section,
                cell,
                points,
            } => format!(
                "{}：每题分值须大于 0 且不超过 100，现为 {points}",
                at(*section, *cell)
            ),
            Self::BadDifficultyRange {
                section,
                cell,
                min,
                max,
            } => format!(
                "{}：难度范围须满足 1 ≤ 最低 ≤ 最高 ≤ 5，现为 {min}–{max}",
                at(*section, *cell)
            ),
            Self::BadTolerance(t) => format!("容差须为不小于 0 的数，现为 {t}"),
            Self::BadTarget(t) => format!("目标难度须为 1.0 至 5.0，现为 {t}"),
            Self::BadDrawSettings => {
                "抽题设置：先验权重须为不小于 0 的数，曝光上限至少为 1，统计周期须为 1–3650 天"
                    .to_string()
            }
        };
        crate::error::Text::new(zh, self.to_string())
    }
}

/// Normalizes a category path: trims every level, drops empty levels, joins with `/`.
pub fn normalize_category(path: &str) -> String {
    path.split('/')
        .map(str::trim)
        .filter(|level| !level.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `category` (a full path) is `prefix` or lies below it. An empty prefix matches all.
pub fn category_matches(prefix: &str, category: &str) -> bool {
    prefix.is_empty()
        || category
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The difficulty level (1–5) of a difficulty on the 1–5 scale: rounded to the nearest level
/// (halves round up) and clamped to 1–5. `None` for NaN or infinities.
pub fn difficulty_level(difficulty: f64) -> Option<u8> {
    difficulty.is_finite().then(|| {
        difficulty
            .round()
            .clamp(f64::from(MIN_LEVEL), f64::from(MAX_LEVEL)) as u8
    })
}

impl Blueprint {
    /// Normalizes a blueprint (trimmed titles and bank codes, normalized category paths, an empty
    /// category read as none) and checks it. Fails with the first problem.
    pub fn parse(mut raw: Blueprint) -> Result<Blueprint, BlueprintError> {
        for section in &mut raw.sections {
            section.title = section.title.trim().to_string();
            for cell in &mut section.cells {
                cell.bank = cell.bank.trim().to_string();
                cell.category = cell
                    .category
                    .as_deref()
                    .map(normalize_category)
                    .filter(|c| !c.is_empty());
            }
        }
        raw.validate()?;
        Ok(raw)
    }

    /// Checks a blueprint without changing it. Fails with the first problem.
    pub fn validate(&self) -> Result<(), BlueprintError> {
        if self.sections.is_empty() {
            return Err(BlueprintError::NoSections);
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(BlueprintError::BadTolerance(self.tolerance));
        }
        if let Some(target) = self.target_difficulty
            && !(1.0..=5.0).contains(&target)
        {
            return Err(BlueprintError::BadTarget(target));
        }
        let d = &self.draw;
        if !(d.prior_weight.is_finite() && d.prior_weight >= 0.0)
            || d.exposure_cap == Some(0)
            || !(1..=3650).contains(&d.exposure_period_days)
        {
            return Err(BlueprintError::BadDrawSettings);
        }
        for (s, section) in self.sections.iter().enumerate() {
            if section.cells.is_empty() {
                return Err(BlueprintError::EmptySection { section: s });
            }
            for (c, cell) in section.cells.iter().enumerate() {
                if cell.bank.trim().is_empty() {
                    return Err(BlueprintError::EmptyBank {
                        section: s,
                        cell: c,
                    });
                }
                if cell.count == 0 {
                    return Err(BlueprintError::ZeroCount {
                        section: s,
                        cell: c,
                    });
                }
                if !(cell.points.is_finite() && cell.points > 0.0 && cell.points <= MAX_POINTS) {
                    return Err(BlueprintError::BadPoints {
                        section: s,
                        cell: c,
                        points: cell.points,
                    });
                }
                if !(MIN_LEVEL <= cell.min_difficulty
                    && cell.min_difficulty <= cell.max_difficulty
                    && cell.max_difficulty <= MAX_LEVEL)
                {
                    return Err(BlueprintError::BadDifficultyRange {
                        section: s,
                        cell: c,
                        min: cell.min_difficulty,
                        max: cell.max_difficulty,
                    });
                }
            }
        }
        Ok(())
    }

    /// Every cell with its section and cell index, in blueprint (= filling) order.
    pub fn cells(&self) -> impl Iterator<Item = (usize, usize, &Cell)> {
        self.sections.iter().enumerate().flat_map(|(s, section)| {
            section
                .cells
                .iter()
                .enumerate()
                .map(move |(c, cell)| (s, c, cell))
        })
    }

    /// How many questions a paper holds.
    pub fn total_count(&self) -> usize {
        self.cells().map(|(_, _, cell)| cell.count).sum()
    }

    /// How many points a paper is worth: Σ count × points over the cells.
    pub fn total_points(&self) -> f64 {
        self.cells()
            .map(|(_, _, cell)| cell.count as f64 * cell.points)
            .sum()
    }
}

impl Cell {
    /// Whether a pool item is a candidate for this cell: same bank and kind, category within the
    /// prefix, difficulty level (see [`difficulty_level`]) within the band.
    pub fn matches(&self, item: &PoolItem) -> bool {
        item.bank == self.bank
            && item.kind == self.kind
            && self
                .category
                .as_deref()
                .is_none_or(|prefix| category_matches(prefix, &item.category))
            && difficulty_level(item.difficulty)
                .is_some_and(|level| self.min_difficulty <= level && level <= self.max_difficulty)
    }
}

/// One drawable question: its current version with what the blueprint selects on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PoolItem {
    /// The id of the question version that would be shown.
    pub version_id: i32,
    /// The id of the question (stable across versions).
    pub question_id: i32,
    /// The code of the bank the question belongs to.
    pub bank: String,
    /// The full category path, levels joined by `/` (e.g. `法规/条例`).
    pub category: String,
    /// The kind of question.
    pub kind: QuestionKind,
    /// Difficulty on the 1–5 scale: the author's, or a measured difficulty mapped onto 1–5 by the
    /// caller. Cells select on its rounded level; parallel papers average the value itself.
    pub difficulty: f64,
    /// Number of options (0 for kinds without options).
    pub option_count: usize,
    /// What real responses say about this version, read when the session's pool was frozen;
    /// none when it was never measured (and in pools frozen before measuring existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<PoolMeasure>,
    /// Papers this question was on in the blueprint's exposure period before the freeze.
    #[serde(default)]
    pub exposure: u32,
}

/// Measured figures of a pool item, as frozen with the pool.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PoolMeasure {
    /// Responses the figures rest on.
    pub responses: u32,
    /// Observed facility, 0–1.
    pub facility: f64,
    /// Rasch difficulty in logits, when calibrated.
    #[serde(default)]
    pub rasch_b: Option<f64>,
    /// Its standard error.
    #[serde(default)]
    pub rasch_se: Option<f64>,
}

/// A cell the pool cannot fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Shortage {
    /// The section (0-based).
    pub section: usize,
    /// The cell within the section (0-based).
    pub cell: usize,
    /// Questions the cell draws.
    pub needed: usize,
    /// Questions surely left for it once earlier cells have drawn (see the module docs).
    pub available: usize,
}

/// Every cell of `blueprint` that `pool` cannot fill, in blueprint order; empty when every draw
/// will succeed. Overlapping cells are counted in the worst case, as the module docs explain.
/// A question present with several versions counts once.
pub fn feasibility(blueprint: &Blueprint, pool: &[PoolItem]) -> Vec<Shortage> {
    let canonical = canonical_pool(pool);
    let candidates = cell_candidates(blueprint, pool, &canonical);
    shortages(blueprint, &candidates)
}

/// The pool reduced to one item per question (the highest version id wins), as indices into
/// `pool` sorted by question id. Sorting makes everything downstream independent of the order
/// the caller listed the pool in.
pub(crate) fn canonical_pool(pool: &[PoolItem]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pool.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (&pool[a], &pool[b]);
        a.question_id
            .cmp(&b.question_id)
            .then(b.version_id.cmp(&a.version_id))
    });
    order.dedup_by(|later, earlier| pool[*later].question_id == pool[*earlier].question_id);
    order
}

/// Per cell, in blueprint order, the positions in `canonical` of its candidates, ascending.
pub(crate) fn cell_candidates(
    blueprint: &Blueprint,
    pool: &[PoolItem],
    canonical: &[usize],
) -> Vec<Vec<u32>> {
    blueprint
        .cells()
        .map(|(_, _, cell)| {
            canonical
                .iter()
                .enumerate()
                .filter(|&(_, &i)| cell.matches(&pool[i]))
                .map(|(pos, _)| pos as u32)
                .collect()
        })
        .collect()
}

/// The worst-case shortages given each cell's candidates (flattened in blueprint order).
pub(crate) fn shortages(blueprint: &Blueprint, candidates: &[Vec<u32>]) -> Vec<Shortage> {
    let cells: Vec<(usize, usize, usize)> = blueprint
        .cells()
        .map(|(s, c, cell)| (s, c, cell.count))
        .collect();
    let mut out = Vec::new();
    for (k, &(section, cell, needed)) in cells.iter().enumerate() {
        let mine = &candidates[k];
        let taken: usize = (0..k)
            .map(|j| cells[j].2.min(sorted_overlap(&candidates[j], mine)))
            .sum();
        let available = mine.len().saturating_sub(taken);
        if available < needed {
            out.push(Shortage {
                section,
                cell,
                needed,
                available,
            });
        }
    }
    out
}

/// Size of the intersection of two ascending lists.
fn sorted_overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(category: Option<&str>, count: usize) -> Cell {
        Cell {
            bank: "SEC".into(),
            category: category.map(str::to_string),
            kind: QuestionKind::Single,
            min_difficulty: 1,
            max_difficulty: 5,
            count,
            points: 1.0,
        }
    }

    fn blueprint(cells: Vec<Cell>) -> Blueprint {
        Blueprint {
            sections: vec![Section {
                title: "一、单项选择题".into(),
                cells,
                shuffle_questions: true,
            }],
            target_difficulty: None,
            tolerance: DEFAULT_TOLERANCE,
            draw: DrawSettings::default(),
        }
    }

    fn item(id: i32, category: &str) -> PoolItem {
        PoolItem {
            version_id: 1000 + id,
            question_id: id,
            bank: "SEC".into(),
            category: category.into(),
            kind: QuestionKind::Single,
            difficulty: 3.0,
            option_count: 4,
            measured: None,
            exposure: 0,
        }
    }

    #[test]
    fn a_valid_blueprint_parses_and_totals_its_points() {
        let mut bp = blueprint(vec![cell(Some("法规"), 10), cell(None, 5)]);
        bp.sections[0].cells[1].points = 2.5;
        bp.target_difficulty = Some(3.0);
        let bp = Blueprint::parse(bp).unwrap();
        assert_eq!(bp.total_count(), 15);
        assert_eq!(bp.total_points(), 22.5);
    }

    #[test]
    fn a_blueprint_without_sections_is_refused() {
        let mut bp = blueprint(vec![cell(None, 1)]);
        bp.sections.clear();
        assert_eq!(
            Blueprint::parse(bp).unwrap_err().code(),
            ErrorCode::NoSections
        );
    }

    #[test]
    fn a_section_without_cells_is_refused() {
        let err = Blueprint::parse(blueprint(vec![])).unwrap_err();
        assert_eq!(err, BlueprintError::EmptySection { section: 0 });
        assert_eq!(err.code(), ErrorCode::EmptySection);
    }

    #[test]
    fn a_cell_with_count_zero_is_refused_and_named() {
        let err = Blueprint::parse(blueprint(vec![cell(None, 1), cell(None, 0)])).unwrap_err();
        assert_eq!(
            err,
            BlueprintError::ZeroCount {
                section: 0,
                cell: 1
            }
        );
        assert_eq!(
            err.to_string(),
            "section 1, cell 2: the count must be at least 1"
        );
    }

    #[test]
    fn a_cell_without_a_bank_is_refused() {
        let mut c = cell(None, 1);
        c.bank = "  ".into();
        assert_eq!(
            Blueprint::parse(blueprint(vec![c])).unwrap_err().code(),
            ErrorCode::EmptyBank
        );
    }

    #[test]
    fn points_must_be_above_zero_and_at_most_one_hundred() {
        for bad in [0.0, -1.0, 100.5, f64::NAN, f64::INFINITY] {
            let mut c = cell(None, 1);
            c.points = bad;
            let err = Blueprint::parse(blueprint(vec![c])).unwrap_err();
            assert_eq!(err.code(), ErrorCode::BadPoints, "{bad}");
        }
        let mut c = cell(None, 1);
        c.points = 100.0;
        assert!(Blueprint::parse(blueprint(vec![c])).is_ok());
    }

    #[test]
    fn difficulty_bands_must_lie_within_one_to_five_and_not_be_reversed() {
        for (min, max) in [(0, 3), (2, 6), (4, 3)] {
            let mut c = cell(None, 1);
            c.min_difficulty = min;
            c.max_difficulty = max;
            let err = Blueprint::parse(blueprint(vec![c])).unwrap_err();
            assert_eq!(err.code(), ErrorCode::BadDifficultyRange, "{min}–{max}");
        }
    }

    #[test]
    fn a_negative_tolerance_and_a_target_off_the_scale_are_refused() {
        let mut bp = blueprint(vec![cell(None, 1)]);
        bp.tolerance = -0.1;
        assert_eq!(
            Blueprint::parse(bp).unwrap_err().code(),
            ErrorCode::BadTolerance
        );
        for bad in [0.9, 5.1, f64::NAN] {
            let mut bp = blueprint(vec![cell(None, 1)]);
            bp.target_difficulty = Some(bad);
            assert_eq!(
                Blueprint::parse(bp).unwrap_err().code(),
                ErrorCode::BadTarget
            );
        }
        let mut bp = blueprint(vec![cell(None, 1)]);
        bp.target_difficulty = Some(5.0);
        bp.tolerance = 0.0;
        assert!(Blueprint::parse(bp).is_ok());
    }

    #[test]
    fn parsing_normalizes_category_paths_and_reads_an_empty_one_as_none() {
        let bp = blueprint(vec![cell(Some(" 法规 / 条例/ "), 1), cell(Some(" / "), 1)]);
        let bp = Blueprint::parse(bp).unwrap();
        assert_eq!(
            bp.sections[0].cells[0].category.as_deref(),
            Some("法规/条例")
        );
        assert_eq!(bp.sections[0].cells[1].category, None);
    }

    #[test]
    fn a_category_prefix_matches_itself_and_below_but_not_a_longer_name() {
        assert!(category_matches("法规", "法规"));
        assert!(category_matches("法规", "法规/条例"));
        assert!(category_matches("法规/条例", "法规/条例/保安员"));
        assert!(!category_matches("法规", "法规类"));
        assert!(!category_matches("法规/条例", "法规"));
        assert!(category_matches("", "任何"));
    }

    #[test]
    fn difficulties_select_on_their_nearest_level() {
        assert_eq!(difficulty_level(2.49), Some(2));
        assert_eq!(difficulty_level(2.5), Some(3));
        assert_eq!(difficulty_level(0.2), Some(1));
        assert_eq!(difficulty_level(7.0), Some(5));
        assert_eq!(difficulty_level(f64::NAN), None);
        let mut c = cell(None, 1);
        c.min_difficulty = 3;
        c.max_difficulty = 4;
        let mut i = item(1, "法规");
        for (d, ok) in [(2.4, false), (2.5, true), (4.49, true), (4.5, false)] {
            i.difficulty = d;
            assert_eq!(c.matches(&i), ok, "{d}");
        }
    }

    #[test]
    fn a_cell_matches_only_its_bank_and_kind() {
        let c = cell(None, 1);
        let mut i = item(1, "法规");
        assert!(c.matches(&i));
        i.kind = QuestionKind::Multiple;
        assert!(!c.matches(&i));
        i.kind = QuestionKind::Single;
        i.bank = "OTHER".into();
        assert!(!c.matches(&i));
    }

    #[test]
    fn feasibility_names_the_short_cell_and_by_how_many() {
        let pool: Vec<PoolItem> = (0..3).map(|i| item(i, "法规/条例")).collect();
        let bp = blueprint(vec![cell(Some("法规"), 2), cell(Some("技能"), 4)]);
        assert_eq!(
            feasibility(&bp, &pool),
            vec![Shortage {
                section: 0,
                cell: 1,
                needed: 4,
                available: 0
            }]
        );
        let bp = blueprint(vec![cell(Some("法规"), 5)]);
        assert_eq!(
            feasibility(&bp, &pool),
            vec![Shortage {
                section: 0,
                cell: 0,
                needed: 5,
                available: 3
            }]
        );
    }

    #[test]
    fn feasibility_counts_what_an_earlier_overlapping_cell_may_take() {
        // 3 under 法规/条例, 2 elsewhere under 法规. The broad cell first may take all 3 条例
        // questions, so the narrow cell after it is short by 2 in the worst case.
        let mut pool: Vec<PoolItem> = (0..3).map(|i| item(i, "法规/条例")).collect();
        pool.extend((3..5).map(|i| item(i, "法规/办法")));
        let bp = blueprint(vec![cell(Some("法规"), 3), cell(Some("法规/条例"), 2)]);
        assert_eq!(
            feasibility(&bp, &pool),
            vec![Shortage {
                section: 0,
                cell: 1,
                needed: 2,
                available: 0
            }]
        );
    }

    #[test]
    fn putting_the_narrower_overlapping_cell_first_makes_the_blueprint_feasible() {
        let mut pool: Vec<PoolItem> = (0..3).map(|i| item(i, "法规/条例")).collect();
        pool.extend((3..5).map(|i| item(i, "法规/办法")));
        let bp = blueprint(vec![cell(Some("法规/条例"), 2), cell(Some("法规"), 3)]);
        assert!(feasibility(&bp, &pool).is_empty());
        // One more from the broad cell would be too many: 5 candidates, 2 may be gone.
        let bp = blueprint(vec![cell(Some("法规/条例"), 2), cell(Some("法规"), 4)]);
        assert_eq!(
            feasibility(&bp, &pool),
            vec![Shortage {
                section: 0,
                cell: 1,
                needed: 4,
                available: 3
            }]
        );
    }

    #[test]
    fn overlap_is_counted_across_sections() {
        let pool: Vec<PoolItem> = (0..4).map(|i| item(i, "法规")).collect();
        let mut bp = blueprint(vec![cell(None, 3)]);
        bp.sections.push(Section {
            title: "二".into(),
            cells: vec![cell(Some("法规"), 2)],
            shuffle_questions: false,
        });
        assert_eq!(
            feasibility(&bp, &pool),
            vec![Shortage {
                section: 1,
                cell: 0,
                needed: 2,
                available: 1
            }]
        );
    }

    #[test]
    fn a_question_listed_with_several_versions_counts_once() {
        let mut pool = vec![item(1, "法规"), item(2, "法规")];
        let mut newer = item(1, "法规");
        newer.version_id = 5000;
        pool.push(newer);
        let bp = blueprint(vec![cell(None, 3)]);
        assert_eq!(feasibility(&bp, &pool)[0].available, 2);
        let canonical = canonical_pool(&pool);
        assert_eq!(canonical, vec![2, 1]);
    }

    #[test]
    fn a_blueprint_reads_from_json_with_defaults() {
        let raw = r#"{"sections":[{"title":"判断","cells":[
            {"bank":"SEC","category":"法规","kind":"true_false","count":10,"points":1}]}]}"#;
        let bp = Blueprint::parse(serde_json::from_str(raw).unwrap()).unwrap();
        let c = &bp.sections[0].cells[0];
        assert_eq!((c.min_difficulty, c.max_difficulty), (1, 5));
        assert!(bp.sections[0].shuffle_questions);
        assert_eq!(bp.target_difficulty, None);
        assert_eq!(bp.tolerance, DEFAULT_TOLERANCE);
        let again: Blueprint = serde_json::from_str(&serde_json::to_string(&bp).unwrap()).unwrap();
        assert_eq!(again, bp);
    }
}
