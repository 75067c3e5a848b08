//! The paper as it goes to a tablet, and answers as they come back. Pure.
//!
//! A delivered question carries its stem, its options in the candidate's shuffled order under
//! opaque ids, and its points; never the key, the explanation, the reference answer or the
//! rubric. An option's id is a keyed hash of the attempt's seed, the question and the option's
//! authored position, so it reveals neither the position nor anything shared between
//! candidates: two candidates comparing ids learn nothing.
//!
//! Answers come back in the tablet's terms ([`TabletResponse`], option ids) and are turned into
//! the scorer's [`Response`] (authored option indices) by [`to_response`], which also checks
//! their shape; [`to_tablet`] turns a stored answer back for a resuming tablet.

use super::paper::{Paper, PaperItem};
use super::scoring::{Response, ShapeError};
use crate::bank::model::{Question, QuestionKind, count_blanks};
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// One option as the tablet shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DeliveredOption {
    /// Opaque id to send back when the option is selected.
    pub id: String,
    /// The option's text.
    pub text: String,
}

/// One question as the tablet shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DeliveredQuestion {
    /// The question's id (what answers are saved under).
    pub id: i32,
    /// Its number on the paper, from 1.
    pub number: usize,
    /// The section (0-based).
    pub section: usize,
    /// Its kind.
    pub kind: QuestionKind,
    /// The stem (blanks as `___`, images as markdown links to /api/media).
    pub stem: String,
    /// Options in the candidate's order (choice questions only).
    pub options: Vec<DeliveredOption>,
    /// Number of blanks (fill questions only, else 0).
    pub blanks: usize,
    /// Points it is worth on this paper.
    pub points: f64,
}

/// An answer as the tablet sends it.
///
/// JSON: `{"type": "choice", "selected": ["k3f9a2c1"]}`, `{"type": "true_false", "value": true}`,
/// `{"type": "blanks", "values": ["…"]}`, `{"type": "text", "text": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TabletResponse {
    /// Selected options, by their opaque ids.
    Choice {
        /// Option ids; empty clears the answer.
        selected: Vec<String>,
    },
    /// A true/false answer.
    TrueFalse {
        /// The answer.
        value: bool,
    },
    /// One text per blank.
    Blanks {
        /// The blanks' texts in stem order.
        values: Vec<String>,
    },
    /// Free text.
    Text {
        /// The answer.
        text: String,
    },
}

/// Why an answer cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// An option id that is not one of this question's.
    #[error("option {0:?} is not an option of this question")]
    UnknownOption(String),
    /// The answer does not fit the question.
    #[error("{0}")]
    Shape(#[from] ShapeError),
}

impl AnswerError {
    /// Stable snake_case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownOption(_) => ErrorCode::UnknownOption,
            Self::Shape(e) => e.code(),
        }
    }
}

/// The opaque id of the option at authored position `original` of `question_id`, for a paper
/// drawn from `seed`: the first 8 bytes of SHA-256 over the three, in hex.
pub fn option_id(seed: u64, question_id: i32, original: usize) -> String {
    let mut h = Sha256::new();
    h.update(b"exam-option-v1");
    h.update(seed.to_le_bytes());
    h.update(question_id.to_le_bytes());
    h.update((original as u64).to_le_bytes());
    hex::encode(&h.finalize()[..8])
}

/// The question of one paper item as the tablet shows it.
pub fn deliver_item(seed: u64, number: usize, item: &PaperItem, q: &Question) -> DeliveredQuestion {
    let options = if matches!(q.kind, QuestionKind::Single | QuestionKind::Multiple) {
        display_order(item, q.options.len())
            .into_iter()
            .filter_map(|i| {
                q.options.get(i).map(|text| DeliveredOption {
                    id: option_id(seed, item.question_id, i),
                    text: text.clone(),
                })
            })
            .collect()
    } else {
        vec![]
    };
    DeliveredQuestion {
        id: item.question_id,
        number,
        section: item.section,
        kind: q.kind,
        stem: q.stem.clone(),
        options,
        blanks: if q.kind == QuestionKind::Fill {
            count_blanks(&q.stem)
        } else {
            0
        },
        points: item.points,
    }
}

/// The authored indices in display order: the paper's order when it fits the question, else
/// authored order (a paper always fits; this only keeps a damaged row from hiding options).
fn display_order(item: &PaperItem, n: usize) -> Vec<usize> {
    let mut seen = vec![false; n];
    let fits = item.option_order.len() == n
        && item
            .option_order
            .iter()
            .all(|&i| i < n && !std::mem::replace(&mut seen[i], true));
    if fits {
        item.option_order.clone()
    } else {
        (0..n).collect()
    }
}

/// The paper item for a question id, if the paper has it.
pub fn item_for(paper: &Paper, question_id: i32) -> Option<&PaperItem> {
    paper.items.iter().find(|i| i.question_id == question_id)
}

/// Turns a tablet's answer into the scorer's terms and checks its shape against the question.
pub fn to_response(
    seed: u64,
    item: &PaperItem,
    q: &Question,
    r: TabletResponse,
) -> Result<Response, AnswerError> {
    let response = match r {
        TabletResponse::Choice { selected } => {
            let ids: Vec<String> = (0..q.options.len())
                .map(|i| option_id(seed, item.question_id, i))
                .collect();
            let selected = selected
                .into_iter()
                .map(|s| {
                    ids.iter()
                        .position(|id| *id == s)
                        .ok_or(AnswerError::UnknownOption(s))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Response::Choice { selected }
        }
        TabletResponse::TrueFalse { value } => Response::TrueFalse { value },
        TabletResponse::Blanks { values } => Response::Blanks { values },
        TabletResponse::Text { text } => Response::Text { text },
    };
    response.check_shape(q)?;
    Ok(response)
}

/// Turns a stored answer back into the tablet's terms.
pub fn to_tablet(seed: u64, question_id: i32, r: &Response) -> TabletResponse {
    match r {
        Response::Choice { selected } => TabletResponse::Choice {
            selected: selected
                .iter()
                .map(|&i| option_id(seed, question_id, i))
                .collect(),
        },
        Response::TrueFalse { value } => TabletResponse::TrueFalse { value: *value },
        Response::Blanks { values } => TabletResponse::Blanks {
            values: values.clone(),
        },
        Response::Text { text } => TabletResponse::Text { text: text.clone() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::{Key, QuestionBody};

    fn single() -> Question {
        let mut b = QuestionBody::new(
            QuestionKind::Single,
            "GB 50348 的名称是？",
            &[
                "安全防范工程技术标准",
                "视频安防监控系统工程设计规范",
                "入侵报警",
                "出入口",
            ],
            Key::Choice { correct: vec![0] },
        );
        b.explanation = "解析：GB 50348-2018".into();
        Question::parse(b).unwrap()
    }

    fn item(order: Vec<usize>) -> PaperItem {
        PaperItem {
            section: 0,
            version_id: 11,
            question_id: 7,
            points: 2.0,
            option_order: order,
        }
    }

    #[test]
    fn a_delivered_question_shows_options_in_the_papers_order_without_the_key() {
        let q = single();
        let d = deliver_item(42, 1, &item(vec![2, 0, 3, 1]), &q);
        let texts: Vec<&str> = d.options.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "入侵报警",
                "安全防范工程技术标准",
                "出入口",
                "视频安防监控系统工程设计规范"
            ]
        );
        let json = serde_json::to_string(&d).unwrap();
        assert!(
            !json.contains("correct") && !json.contains("解析"),
            "{json}"
        );
        assert!(d.options.iter().all(|o| o.id.len() == 16));
    }

    #[test]
    fn option_ids_differ_between_papers_and_reveal_no_position() {
        assert_ne!(option_id(1, 7, 0), option_id(2, 7, 0));
        assert_ne!(option_id(1, 7, 0), option_id(1, 8, 0));
        assert_ne!(option_id(1, 7, 0), option_id(1, 7, 1));
        assert_eq!(option_id(1, 7, 0), option_id(1, 7, 0));
    }

    #[test]
    fn a_tablet_choice_maps_back_to_authored_indices_and_round_trips() {
        let q = single();
        let it = item(vec![2, 0, 3, 1]);
        let d = deliver_item(42, 1, &it, &q);
        let picked = d.options[1].id.clone();
        let r = to_response(
            42,
            &it,
            &q,
            TabletResponse::Choice {
                selected: vec![picked.clone()],
            },
        )
        .unwrap();
        assert_eq!(r, Response::Choice { selected: vec![0] });
        assert_eq!(
            to_tablet(42, 7, &r),
            TabletResponse::Choice {
                selected: vec![picked]
            }
        );
    }

    #[test]
    fn unknown_option_ids_and_wrong_shapes_are_refused_with_codes() {
        let q = single();
        let it = item(vec![0, 1, 2, 3]);
        let other_paper = option_id(43, 7, 0);
        let e = to_response(
            42,
            &it,
            &q,
            TabletResponse::Choice {
                selected: vec![other_paper],
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::UnknownOption);
        let e = to_response(42, &it, &q, TabletResponse::TrueFalse { value: true }).unwrap_err();
        assert_eq!(e.code(), ErrorCode::WrongResponseType);
        let two = vec![option_id(42, 7, 0), option_id(42, 7, 1)];
        let e = to_response(42, &it, &q, TabletResponse::Choice { selected: two }).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooManySelections);
    }

    #[test]
    fn a_fill_question_tells_the_tablet_how_many_blanks_and_no_answers() {
        let q = Question::parse(QuestionBody::new(
            QuestionKind::Fill,
            "视频图像信息保存期限不少于___日，重要部位不少于___日。",
            &[],
            Key::Blanks {
                accepted: vec![vec!["30".into()], vec!["90".into()]],
            },
        ))
        .unwrap();
        let d = deliver_item(1, 3, &item(vec![]), &q);
        assert_eq!(d.blanks, 2);
        assert!(d.options.is_empty());
        assert!(!serde_json::to_string(&d).unwrap().contains("\"90\""));
    }
}
