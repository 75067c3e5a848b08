//! The scoreboard's (成绩大屏) pure rules: the rows of a section from the final's locked task
//! scores by marking code or from a published ranking, what a board serves at a given moment
//! (live, a snapshot to take, the snapshot, the reveal), and the award ceremony reveal (颁奖揭晓):
//! the steps from the frozen board to the final results and the board after any number of them.

use super::standings::Ranking;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

coded_enum! {
    /// What the public sees.
    BoardPhase {
        /// The board follows the results as they are locked and published.
        Live = "live",
        /// The snapshot taken at the freeze time (封榜).
        Frozen = "frozen",
        /// The award ceremony reveal is playing (颁奖揭晓).
        Reveal = "reveal",
    }
}

coded_enum! {
    /// Where a section's rows come from.
    SectionSource {
        /// Nothing to show yet (the final's marking codes are not final).
        Waiting = "waiting",
        /// Marking codes with their locked task scores: never a name, never a theory score.
        Codes = "codes",
        /// The provisional publication (公示).
        Provisional = "provisional",
        /// The final publication.
        Final = "final",
    }
}

/// One line of the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BoardRow {
    /// Stable within a section: `c:<marking code>` or `n:<参赛证号>`; the page moves rows by it.
    pub key: String,
    /// Rank from 1; none without a total.
    pub rank: Option<u32>,
    /// Shares the rank.
    pub shared: bool,
    /// The marking code, or the name (the team's name).
    pub label: String,
    /// Employer or school (empty for a code).
    pub organisation: String,
    /// A team's members.
    pub members: Vec<String>,
    /// One per column: task scores (codes) or stage scores (published); none while not locked.
    pub scores: Vec<Option<f64>>,
    /// The practical score over locked tasks (codes) or the weighted total (published).
    pub total: Option<f64>,
    /// Shown by the reveal (颁奖揭晓) already.
    #[serde(default)]
    pub revealed: bool,
}

/// One event × group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Section {
    /// The event (赛项).
    pub event_id: i32,
    /// Its name.
    pub event_name: String,
    /// The group (组别).
    pub group_id: i32,
    /// Its name.
    pub group_name: String,
    /// Where the rows come from.
    pub source: SectionSource,
    /// Column heads: the final's task titles (codes) or the stage names (published).
    pub columns: Vec<String>,
    /// In board order.
    pub rows: Vec<BoardRow>,
}

/// A locked-scores line of the final: a marking code and its scores per task (in task order).
#[derive(Debug, Clone, PartialEq)]
pub struct CodeScores {
    /// The marking code (二次加密号).
    pub code: String,
    /// Per task, in task order.
    pub tasks: Vec<f64>,
}

/// The final's task as the board sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardTask {
    /// Weight in the practical score.
    pub weight: f64,
    /// Locked at the moment the board is made for.
    pub locked: bool,
}

/// Competition ranking (1, 2, 2, 4) by total, higher first; lines without a total last, unranked.
/// Keeps the given order among equals.
fn rank_by_total(rows: &mut [BoardRow]) {
    rows.sort_by(|a, b| match (a.total, b.total) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let totals: Vec<Option<f64>> = rows.iter().map(|r| r.total).collect();
    for (i, r) in rows.iter_mut().enumerate() {
        let Some(t) = r.total else {
            r.rank = None;
            r.shared = false;
            continue;
        };
        let first = totals.iter().position(|x| *x == Some(t)).unwrap_or(i);
        r.rank = u32::try_from(first + 1).ok();
        r.shared = totals.iter().filter(|x| **x == Some(t)).count() > 1;
    }
}

/// The rows of a final before its results are published: each marking code with the scores of
/// the tasks locked so far (an unlocked task shows nothing), ranked on the practical score over
/// the locked tasks (an unlocked one counts 0); codes with nothing locked come last, by code.
pub fn code_rows(tasks: &[BoardTask], codes: &[CodeScores]) -> Vec<BoardRow> {
    let any_locked = tasks.iter().any(|t| t.locked);
    let mut sorted: Vec<&CodeScores> = codes.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    let mut rows: Vec<BoardRow> = sorted
        .into_iter()
        .map(|c| {
            let scores: Vec<Option<f64>> = tasks
                .iter()
                .enumerate()
                .map(|(i, t)| t.locked.then(|| c.tasks.get(i).copied().unwrap_or(0.0)))
                .collect();
            let weighted: Vec<(f64, f64)> = tasks
                .iter()
                .zip(&scores)
                .map(|(t, s)| (t.weight, s.unwrap_or(0.0)))
                .collect();
            BoardRow {
                key: format!("c:{}", c.code),
                rank: None,
                shared: false,
                label: c.code.clone(),
                organisation: String::new(),
                members: vec![],
                scores,
                total: any_locked.then(|| crate::practical::score::practical_score(&weighted)),
                revealed: false,
            }
        })
        .collect();
    rank_by_total(&mut rows);
    rows
}

/// The key of a published line: its 参赛证号 (members' numbers for a team).
pub fn published_key(number: &str) -> String {
    format!("n:{number}")
}

/// The columns and rows of a published ranking: names, organisations, stage scores and totals
/// as published (never recomputed).
pub fn published_rows(r: &Ranking) -> (Vec<String>, Vec<BoardRow>) {
    let columns = r.stages.iter().map(|s| s.name.clone()).collect();
    let rows = r
        .rows
        .iter()
        .map(|x| BoardRow {
            key: published_key(&x.number),
            rank: x.rank,
            shared: x.shared,
            label: x.name.clone(),
            organisation: x.organisation.clone(),
            members: x.members.clone(),
            scores: x.stages.clone(),
            total: x.total,
            revealed: false,
        })
        .collect();
    (columns, rows)
}

/// What a board serves at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serve {
    /// Live data (no freeze, or a freeze still to come).
    Live,
    /// The freeze time has passed and no snapshot exists yet: take it now, from the data as of
    /// this instant (the freeze time), whatever committed since.
    TakeSnapshot(DateTime<Utc>),
    /// The stored snapshot, byte for byte.
    Snapshot,
    /// The reveal in progress.
    Reveal,
}

/// The freeze rule: a reveal in progress wins, then a stored snapshot, then a freeze time that
/// has passed (snapshot due), else live.
pub fn serve(
    now: DateTime<Utc>,
    freeze_at: Option<DateTime<Utc>>,
    has_snapshot: bool,
    revealing: bool,
) -> Serve {
    if revealing {
        Serve::Reveal
    } else if has_snapshot {
        Serve::Snapshot
    } else {
        match freeze_at {
            Some(t) if t <= now => Serve::TakeSnapshot(t),
            _ => Serve::Live,
        }
    }
}

/// Whether something stamped `at` counts on a board made as of `as_of` (none: now, everything).
/// A snapshot is made as of the freeze time, so a lock or publication stamped after it never
/// enters the snapshot, however late the snapshot is actually taken.
pub fn counts(at: Option<DateTime<Utc>>, as_of: Option<DateTime<Utc>>) -> bool {
    match (at, as_of) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(t), Some(limit)) => t <= limit,
    }
}

/// The entity tag of a body: the same bytes always give the same tag, and nothing else goes in.
pub fn etag(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(bytes);
    let hex: String = d.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// One step of the reveal: a final line takes its final place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Step {
    /// The section (index into the board's sections).
    pub section: usize,
    /// Its final place (index in the section's final rows).
    pub place: usize,
    /// The final line, as published.
    pub row: BoardRow,
    /// The frozen lines it replaces (their keys as the public saw them): the same contestant's
    /// line, its members' code lines, and on a section's last step every line left over.
    pub replaces: Vec<String>,
}

/// The steps of one section, from the bottom of the final results up: each reveals one final
/// line and removes the frozen lines that belong to it. `owner` maps a frozen key to the final
/// key it belongs to (a marking code to its contestant's line once decrypted); a key missing
/// from it belongs to the final line with the same key. The last step also removes every
/// frozen line that belongs to no final line, so that after it the section is the final one.
pub fn reveal_steps(
    section: usize,
    frozen: &[BoardRow],
    final_: &[BoardRow],
    owner: &HashMap<String, String>,
) -> Vec<Step> {
    let owner_of = |k: &String| owner.get(k).unwrap_or(k).clone();
    let final_keys: HashSet<&String> = final_.iter().map(|r| &r.key).collect();
    let mut steps: Vec<Step> = final_
        .iter()
        .enumerate()
        .rev()
        .map(|(place, row)| Step {
            section,
            place,
            row: BoardRow {
                revealed: true,
                ..row.clone()
            },
            replaces: frozen
                .iter()
                .filter(|f| owner_of(&f.key) == row.key)
                .map(|f| f.key.clone())
                .collect(),
        })
        .collect();
    if let Some(last) = steps.last_mut() {
        last.replaces.extend(
            frozen
                .iter()
                .filter(|f| !final_keys.contains(&owner_of(&f.key)))
                .map(|f| f.key.clone()),
        );
    }
    steps
}

/// Every section's steps, section after section in board order. A final section without a
/// frozen counterpart (same event and group) starts from nothing.
pub fn reveal_plan(
    frozen: &[Section],
    final_: &[Section],
    owner: &HashMap<String, String>,
) -> Vec<Step> {
    final_
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            let before = frozen
                .iter()
                .find(|s| s.event_id == f.event_id && s.group_id == f.group_id)
                .map_or(&[][..], |s| &s.rows[..]);
            reveal_steps(i, before, &f.rows, owner)
        })
        .collect()
}

/// A section's lines after `steps` (its own, in order): the frozen lines not yet replaced, in
/// their frozen order, above the revealed final lines in final order. When the frozen lines
/// had other columns (task scores by code, the final shows stage scores) their scores and
/// totals are hidden: they would sit under the wrong heads.
pub fn apply(frozen: &Section, final_: &Section, steps: &[&Step]) -> Section {
    let same_columns = frozen.columns == final_.columns;
    let gone: HashSet<&String> = steps.iter().flat_map(|s| &s.replaces).collect();
    let mut rows: Vec<BoardRow> = frozen
        .rows
        .iter()
        .filter(|r| !gone.contains(&r.key))
        .map(|r| {
            let mut r = r.clone();
            r.revealed = false;
            if !same_columns {
                r.scores = vec![None; final_.columns.len()];
                r.total = None;
                r.rank = None;
                r.shared = false;
            }
            r
        })
        .collect();
    let mut shown: Vec<&Step> = steps.to_vec();
    shown.sort_by_key(|s| s.place);
    rows.extend(shown.iter().map(|s| s.row.clone()));
    let done = steps.len() == final_.rows.len();
    Section {
        source: if done { final_.source } else { frozen.source },
        columns: final_.columns.clone(),
        rows,
        ..final_.clone()
    }
}

/// The whole board's sections after the first `n` steps of `plan`.
pub fn apply_plan(frozen: &[Section], final_: &[Section], plan: &[Step], n: usize) -> Vec<Section> {
    let taken = &plan[..n.min(plan.len())];
    final_
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let empty = Section {
                source: SectionSource::Waiting,
                columns: f.columns.clone(),
                rows: vec![],
                ..f.clone()
            };
            let before = frozen
                .iter()
                .find(|s| s.event_id == f.event_id && s.group_id == f.group_id)
                .unwrap_or(&empty);
            let mine: Vec<&Step> = taken.iter().filter(|s| s.section == i).collect();
            apply(before, f, &mine)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(key: &str, total: Option<f64>) -> BoardRow {
        BoardRow {
            key: key.into(),
            rank: None,
            shared: false,
            label: key.trim_start_matches("n:").trim_start_matches("c:").into(),
            organisation: String::new(),
            members: vec![],
            scores: vec![total],
            total,
            revealed: false,
        }
    }

    fn section(source: SectionSource, columns: &[&str], rows: Vec<BoardRow>) -> Section {
        let mut rows = rows;
        rank_by_total(&mut rows);
        Section {
            event_id: 1,
            event_name: "赛项".into(),
            group_id: 1,
            group_name: "职工组".into(),
            source,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
        }
    }

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn code_rows_show_only_locked_tasks_and_rank_on_them() {
        let tasks = [
            BoardTask {
                weight: 1.0,
                locked: true,
            },
            BoardTask {
                weight: 1.0,
                locked: false,
            },
        ];
        let rows = code_rows(
            &tasks,
            &[
                CodeScores {
                    code: "B2".into(),
                    tasks: vec![60.0, 100.0],
                },
                CodeScores {
                    code: "A1".into(),
                    tasks: vec![80.0, 10.0],
                },
            ],
        );
        assert_eq!(rows[0].label, "A1");
        assert_eq!(rows[0].scores, vec![Some(80.0), None]);
        // The unlocked task counts 0, and its score is never shown.
        assert_eq!(rows[0].total, Some(40.0));
        assert_eq!(rows[1].rank, Some(2));
        assert_eq!(rows[1].key, "c:B2");
        assert!(rows.iter().all(|r| r.organisation.is_empty()));
    }

    #[test]
    fn code_rows_before_any_lock_have_no_total_or_rank_and_go_by_code() {
        let tasks = [BoardTask {
            weight: 1.0,
            locked: false,
        }];
        let rows = code_rows(
            &tasks,
            &[
                CodeScores {
                    code: "Z9".into(),
                    tasks: vec![99.0],
                },
                CodeScores {
                    code: "K3".into(),
                    tasks: vec![1.0],
                },
            ],
        );
        assert_eq!(
            rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
            ["K3", "Z9"]
        );
        assert!(rows.iter().all(|r| r.total.is_none() && r.rank.is_none()));
        assert!(rows.iter().all(|r| r.scores == vec![None]));
    }

    #[test]
    fn equal_totals_share_a_rank_and_the_next_rank_skips() {
        let mut rows = vec![
            row("a", Some(80.0)),
            row("b", Some(90.0)),
            row("c", Some(80.0)),
            row("d", None),
            row("e", Some(70.0)),
        ];
        rank_by_total(&mut rows);
        let ranks: Vec<Option<u32>> = rows.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, [Some(1), Some(2), Some(2), Some(4), None]);
        assert!(rows[1].shared && rows[2].shared && !rows[0].shared);
    }

    #[test]
    fn the_freeze_rule_takes_the_snapshot_as_of_the_freeze_time_once_it_has_passed() {
        assert_eq!(serve(t(0), None, false, false), Serve::Live);
        assert_eq!(serve(t(0), Some(t(10)), false, false), Serve::Live);
        assert_eq!(
            serve(t(10), Some(t(10)), false, false),
            Serve::TakeSnapshot(t(10))
        );
        // Late (the timer was slow, or a change came first): still as of the freeze time.
        assert_eq!(
            serve(t(500), Some(t(10)), false, false),
            Serve::TakeSnapshot(t(10))
        );
        assert_eq!(serve(t(500), Some(t(10)), true, false), Serve::Snapshot);
        assert_eq!(serve(t(500), Some(t(10)), true, true), Serve::Reveal);
    }

    #[test]
    fn a_lock_or_publication_after_the_freeze_time_never_counts_in_the_snapshot() {
        assert!(counts(Some(t(5)), Some(t(10))));
        assert!(counts(Some(t(10)), Some(t(10))));
        assert!(!counts(Some(t(11)), Some(t(10))));
        assert!(!counts(None, Some(t(10))));
        assert!(counts(Some(t(99)), None));
        assert!(!counts(None, None));
    }

    #[test]
    fn the_etag_depends_on_the_bytes_only() {
        assert_eq!(etag(b"abc"), etag(b"abc"));
        assert_ne!(etag(b"abc"), etag(b"abd"));
        assert!(etag(b"").starts_with('"') && etag(b"").ends_with('"'));
    }

    fn frozen_and_final() -> (Section, Section) {
        let frozen = section(
            SectionSource::Provisional,
            &["总分"],
            vec![
                row("n:1", Some(90.0)),
                row("n:2", Some(80.0)),
                row("n:3", Some(70.0)),
            ],
        );
        // An appeal moved 3 up to first place.
        let final_ = section(
            SectionSource::Final,
            &["总分"],
            vec![
                row("n:3", Some(95.0)),
                row("n:1", Some(90.0)),
                row("n:2", Some(80.0)),
            ],
        );
        (frozen, final_)
    }

    #[test]
    fn the_reveal_goes_from_the_bottom_of_the_final_results_up() {
        let (frozen, final_) = frozen_and_final();
        let steps = reveal_steps(0, &frozen.rows, &final_.rows, &HashMap::new());
        let order: Vec<(&str, usize)> = steps
            .iter()
            .map(|s| (s.row.key.as_str(), s.place))
            .collect();
        assert_eq!(order, [("n:2", 2), ("n:1", 1), ("n:3", 0)]);
        assert_eq!(steps[0].replaces, ["n:2"]);
        assert!(steps.iter().all(|s| s.row.revealed));
    }

    #[test]
    fn each_step_moves_one_line_to_its_final_place_under_the_unrevealed_ones() {
        let (frozen, final_) = frozen_and_final();
        let steps = reveal_steps(0, &frozen.rows, &final_.rows, &HashMap::new());
        let refs: Vec<&Step> = steps.iter().collect();
        let after0 = apply(&frozen, &final_, &refs[..0]);
        assert_eq!(after0.rows, frozen.rows);
        let after1 = apply(&frozen, &final_, &refs[..1]);
        let keys: Vec<&str> = after1.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["n:1", "n:3", "n:2"]);
        assert!(after1.rows[2].revealed && !after1.rows[0].revealed);
        // The unrevealed line still shows its frozen score.
        assert_eq!(after1.rows[1].total, Some(70.0));
        assert_eq!(after1.source, SectionSource::Provisional);
        let after2 = apply(&frozen, &final_, &refs[..2]);
        let keys: Vec<&str> = after2.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["n:3", "n:1", "n:2"]);
        assert!(!after2.rows[0].revealed);
    }

    #[test]
    fn after_the_last_step_the_section_is_the_final_one() {
        let (frozen, final_) = frozen_and_final();
        let steps = reveal_steps(0, &frozen.rows, &final_.rows, &HashMap::new());
        let refs: Vec<&Step> = steps.iter().collect();
        let done = apply(&frozen, &final_, &refs);
        assert_eq!(done.source, SectionSource::Final);
        let strip = |rows: &[BoardRow]| {
            rows.iter()
                .map(|r| BoardRow {
                    revealed: false,
                    ..r.clone()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&done.rows), strip(&final_.rows));
    }

    #[test]
    fn marking_codes_are_replaced_by_their_owners_line_and_lose_their_task_scores_meanwhile() {
        let frozen = section(
            SectionSource::Codes,
            &["任务一", "任务二"],
            vec![row("c:X", Some(60.0)), row("c:Y", Some(50.0))],
        );
        let final_ = section(
            SectionSource::Final,
            &["理论", "实操"],
            vec![row("n:7", Some(88.0)), row("n:8", Some(77.0))],
        );
        let owner: HashMap<String, String> = [
            ("c:X".to_string(), "n:8".to_string()),
            ("c:Y".to_string(), "n:7".to_string()),
        ]
        .into();
        let steps = reveal_steps(0, &frozen.rows, &final_.rows, &owner);
        assert_eq!(steps[0].row.key, "n:8");
        assert_eq!(steps[0].replaces, ["c:X"]);
        let refs: Vec<&Step> = steps.iter().collect();
        let mid = apply(&frozen, &final_, &refs[..1]);
        assert_eq!(mid.rows[0].key, "c:Y");
        assert_eq!(mid.rows[0].scores, vec![None, None]);
        assert_eq!(mid.rows[0].total, None);
        assert_eq!(mid.columns, final_.columns);
        // A code's owner is never shown before its step: the public rows keep the code's key.
        assert!(mid.rows.iter().all(|r| r.key != "n:7"));
    }

    #[test]
    fn a_team_replaces_every_member_code_in_one_step() {
        let frozen = section(
            SectionSource::Codes,
            &["任务"],
            vec![row("c:A", Some(60.0)), row("c:B", Some(50.0))],
        );
        let final_ = section(
            SectionSource::Final,
            &["实操"],
            vec![row("n:1、2", Some(110.0))],
        );
        let owner: HashMap<String, String> = [
            ("c:A".to_string(), "n:1、2".to_string()),
            ("c:B".to_string(), "n:1、2".to_string()),
        ]
        .into();
        let steps = reveal_steps(0, &frozen.rows, &final_.rows, &owner);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].replaces, ["c:A", "c:B"]);
    }

    #[test]
    fn frozen_lines_with_no_final_line_leave_at_the_last_step() {
        let frozen = section(
            SectionSource::Provisional,
            &["总分"],
            vec![row("n:1", Some(90.0)), row("n:9", Some(85.0))],
        );
        let final_ = section(
            SectionSource::Final,
            &["总分"],
            vec![row("n:1", Some(90.0))],
        );
        let steps = reveal_steps(0, &frozen.rows, &final_.rows, &HashMap::new());
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].replaces, ["n:1", "n:9"]);
    }

    #[test]
    fn a_final_line_never_on_the_frozen_board_is_simply_added() {
        let frozen = section(SectionSource::Waiting, &[], vec![]);
        let final_ = section(
            SectionSource::Final,
            &["总分"],
            vec![row("n:1", Some(90.0)), row("n:2", None)],
        );
        let steps = reveal_steps(0, &frozen.rows, &final_.rows, &HashMap::new());
        // The unranked line (absent) comes first, from the bottom.
        assert_eq!(steps[0].row.key, "n:2");
        assert!(steps.iter().all(|s| s.replaces.is_empty()));
        let refs: Vec<&Step> = steps.iter().collect();
        assert_eq!(apply(&frozen, &final_, &refs).rows.len(), 2);
    }

    #[test]
    fn an_empty_final_section_has_no_steps() {
        let frozen = section(SectionSource::Codes, &["任务"], vec![row("c:A", Some(1.0))]);
        let final_ = section(SectionSource::Final, &["实操"], vec![]);
        assert!(reveal_steps(0, &frozen.rows, &final_.rows, &HashMap::new()).is_empty());
    }

    #[test]
    fn the_plan_reveals_section_after_section_and_applies_to_each_its_own_steps() {
        let (frozen, final_) = frozen_and_final();
        let mut frozen2 = frozen.clone();
        frozen2.group_id = 2;
        let mut final2 = final_.clone();
        final2.group_id = 2;
        let frozen_all = vec![frozen.clone(), frozen2];
        let final_all = vec![final_.clone(), final2];
        let plan = reveal_plan(&frozen_all, &final_all, &HashMap::new());
        assert_eq!(plan.len(), 6);
        assert!(plan[..3].iter().all(|s| s.section == 0));
        assert!(plan[3..].iter().all(|s| s.section == 1));
        let board = apply_plan(&frozen_all, &final_all, &plan, 4);
        assert_eq!(board[0].source, SectionSource::Final);
        assert_eq!(board[1].source, SectionSource::Provisional);
        assert_eq!(board[1].rows.iter().filter(|r| r.revealed).count(), 1);
        // Beyond the end is the end.
        let end = apply_plan(&frozen_all, &final_all, &plan, 99);
        assert!(end.iter().all(|s| s.source == SectionSource::Final));
    }

    #[test]
    fn a_section_missing_from_the_frozen_board_starts_empty() {
        let (_, final_) = frozen_and_final();
        let plan = reveal_plan(&[], std::slice::from_ref(&final_), &HashMap::new());
        let board = apply_plan(&[], std::slice::from_ref(&final_), &plan, 1);
        assert_eq!(board[0].rows.len(), 1);
        assert_eq!(board[0].rows[0].key, "n:2");
    }
}
