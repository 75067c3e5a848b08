//! The Aiken format: single-choice questions as plain text.
//!
//! ```text
//! 保安员应当年满多少周岁？
//! A. 16
//! B. 18
//! ANSWER: B
//! ```
//!
//! A question is one or more stem lines, option lines (`A. text` or `A) text`; `A．` `A、` `A）`
//! as Chinese keyboards type them are accepted too) and an `ANSWER: B` line (`答案：B` too), which
//! ends it. A question without an ANSWER line, with no options, or whose answer letter is not
//! among its options is an item skipped as `invalid_question`. A line straight after an option
//! that is neither an option nor the ANSWER line means the option wrapped onto a second line:
//! the question is skipped as `wrapped_option` (read on, it would import with a cut option or
//! as a wrong question); options not labelled A, B, C… in order are skipped as
//! `bad_option_labels`. Aiken has no titles or categories, so items are named `question N`.
//!
//! Writing: only single-choice questions can be written, and only the stem, options and key
//! survive (identifier, category, points, difficulty, explanation, source, tags and status are
//! lost, and so are spaces at the start or end of stem lines). Other kinds are left out, and so is a single-choice question the format cannot carry:
//! an option with a line break, or a stem line that would read as an option or an ANSWER line.

use super::text::decode_text;
use super::{FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip};
use crate::bank::model::{
    Key, Question, QuestionBody, QuestionKind, QuestionStatus, full_to_half, option_label,
};
use crate::error::ErrorCode;

/// A question being read: where it starts, its stem lines and its labelled options.
struct Pending {
    line: usize,
    stem: Vec<String>,
    options: Vec<(char, String)>,
    /// A line right after an option that is neither an option nor the ANSWER line: the
    /// option's text wrapped onto it (its label and the line).
    wrapped: Option<(char, String)>,
    /// Bytes of its lines; over [`MAX_ITEM_BYTES`] they are no longer kept.
    bytes: usize,
}

impl Pending {
    fn new(line: usize) -> Pending {
        Pending {
            line,
            stem: vec![],
            options: vec![],
            wrapped: None,
            bytes: 0,
        }
    }

    /// A line's text to keep: itself, or nothing once the question is over the size limit.
    fn keep(&mut self, t: &str) -> String {
        self.bytes += t.len() + 1;
        if self.bytes > MAX_ITEM_BYTES {
            String::new()
        } else {
            t.to_string()
        }
    }
}

/// Reads an option line (`A. text`, `B) text`, `C、text`): its label and text.
fn option_line(t: &str) -> Option<(char, &str)> {
    let mut chars = t.char_indices();
    let (_, first) = chars.next()?;
    let label = full_to_half(first);
    if !label.is_ascii_uppercase() {
        return None;
    }
    let (at, punct) = chars.next()?;
    let rest = &t[at + punct.len_utf8()..];
    match punct {
        '.' | ')' => {
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                Some((label, rest.trim()))
            } else {
                None
            }
        }
        '．' | '）' | '、' => Some((label, rest.trim())),
        _ => None,
    }
}

/// Reads an answer line (`ANSWER: B`, `答案：B`): what follows the colon.
fn answer_line(t: &str) -> Option<&str> {
    let rest = if t.len() >= 6 && t.is_char_boundary(6) && t[..6].eq_ignore_ascii_case("answer") {
        &t[6..]
    } else {
        t.strip_prefix("答案")?
    };
    let rest = rest.trim_start();
    rest.strip_prefix(':')
        .or_else(|| rest.strip_prefix('：'))
        .map(str::trim)
}

/// Makes an item out of a finished question and its answer text.
fn finish(p: Pending, answer: Option<&str>, n: usize) -> ParsedItem {
    let invalid = |zh: String, en: String| Err(Skip::new(ErrorCode::InvalidQuestion, zh, en));
    let warnings = Vec::new();
    let labels: String = p.options.iter().map(|(l, _)| *l).collect();
    let expected: String = (0..p.options.len()).map(option_label).collect();
    let result = match answer {
        // Reading on would give the question a wrong option text or key, or make the wrapped
        // text a question of its own.
        _ if p.bytes > MAX_ITEM_BYTES => Err(Skip::item_too_large(p.bytes)),
        _ if p.wrapped.is_some() => {
            let (label, text) = p.wrapped.unwrap_or_default();
            Err(Skip::new(
                ErrorCode::WrappedOption,
                format!(
                    "选项 {label} 之后的一行“{text}”既不是选项也不是 ANSWER 行：Aiken 的选项必须写在一行内（或上一题缺少 ANSWER 行）"
                ),
                format!(
                    "the line {text:?} after option {label} is neither an option nor the ANSWER line: an Aiken option must fit on one line, \
                     or the question before lacks its ANSWER line"
                ),
            ))
        }
        _ if !p.options.is_empty() && labels != expected => Err(Skip::new(
            ErrorCode::BadOptionLabels,
            format!("选项标号为 {labels}，应依次为 {expected}"),
            format!("options are labelled {labels}; Aiken options run {expected} in order"),
        )),
        _ if p.options.is_empty() && answer.is_none() => invalid(
            "本题既没有选项也没有 ANSWER 行".into(),
            "the question has no options and no ANSWER line".into(),
        ),
        _ if p.options.is_empty() => {
            invalid("本题没有选项".into(), "the question has no options".into())
        }
        None => invalid(
            "本题没有 ANSWER 行".into(),
            "the question has no ANSWER line".into(),
        ),
        Some(answer) => {
            // The letters at the start of the answer ("B", "B. 18", "A, C").
            let letters: Vec<char> = answer
                .chars()
                .map(full_to_half)
                .take_while(|c| {
                    c.is_ascii_alphabetic() || c.is_whitespace() || matches!(c, ',' | '、' | ';')
                })
                .filter(char::is_ascii_alphabetic)
                .collect();
            match letters.as_slice() {
                [] => invalid(
                    "ANSWER 行没有写选项字母".into(),
                    "the ANSWER line names no option letter".into(),
                ),
                [letter] => {
                    let letter = letter.to_ascii_uppercase();
                    match p.options.iter().position(|(l, _)| *l == letter) {
                        None => invalid(
                            format!(
                                "ANSWER 行写的是 {letter}，但本题没有选项 {letter}（选项为 {labels}）"
                            ),
                            format!(
                                "ANSWER: {letter} names an option the question does not have (its options are {labels})"
                            ),
                        ),
                        Some(index) => {
                            let stem = p.stem.join("\n").trim().to_string();
                            Ok(QuestionBody {
                                ident: String::new(),
                                kind: QuestionKind::Single,
                                category: vec![],
                                stem,
                                options: p.options.into_iter().map(|(_, t)| t).collect(),
                                key: Key::Choice {
                                    correct: vec![index],
                                },
                                rubric: String::new(),
                                scheme: vec![],
                                minutes: 0,
                                equipment: vec![],
                                points: 1.0,
                                difficulty: 3,
                                explanation: String::new(),
                                source: String::new(),
                                tags: vec![],
                                status: QuestionStatus::Active,
                            })
                        }
                    }
                }
                _ => invalid(
                    format!(
                        "ANSWER 行“{}”写了多个选项，但 Aiken 格式的题只有一个正确答案",
                        answer.trim()
                    ),
                    format!(
                        "ANSWER: {} names more than one option, but an Aiken question has exactly one right answer",
                        answer.trim()
                    ),
                ),
            }
        }
    };
    ParsedItem {
        ident: format!("question {n}"),
        line: Some(p.line),
        result,
        warnings,
    }
}

/// Reads an Aiken file (UTF-8 or GBK).
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let text = decode_text(bytes)?;
    let mut file = ParsedFile::default();
    let mut pending: Option<Pending> = None;
    // Whether the previous line was an option line (no blank line since).
    let mut after_option = false;
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim();
        if t.is_empty() {
            // A blank line inside a stem is kept as a paragraph break.
            if let Some(p) = pending.as_mut().filter(|p| p.options.is_empty()) {
                p.stem.push(String::new());
            }
            after_option = false;
            continue;
        }
        if let Some(answer) = answer_line(t) {
            let p = pending.take().unwrap_or_else(|| Pending::new(i + 1));
            let n = file.items.len() + 1;
            file.push(finish(p, Some(answer), n));
            after_option = false;
            continue;
        }
        if let Some((label, option)) = option_line(t) {
            let p = pending.get_or_insert_with(|| Pending::new(i + 1));
            let option = p.keep(option);
            p.options.push((label, option));
            after_option = true;
            continue;
        }
        match pending.as_mut() {
            Some(p) if p.options.is_empty() => {
                let line = p.keep(t);
                p.stem.push(line);
            }
            // Straight after an option: the option wrapped. The question is refused when its
            // ANSWER line comes; until then its lines stay with it.
            Some(p) if after_option => {
                if p.wrapped.is_none() {
                    let label = p.options.last().map_or('?', |(l, _)| *l);
                    let shown: String = t.chars().take(40).collect();
                    p.wrapped = Some((label, shown));
                }
            }
            _ => {
                if let Some(p) = pending.take() {
                    let n = file.items.len() + 1;
                    file.push(finish(p, None, n));
                }
                let mut p = Pending::new(i + 1);
                let line = p.keep(t);
                p.stem.push(line);
                pending = Some(p);
            }
        }
    }
    if let Some(p) = pending {
        let n = file.items.len() + 1;
        file.push(finish(p, None, n));
    }
    Ok(file)
}

/// Whether a single-choice question can be written as Aiken without being misread.
fn writable(q: &Question) -> bool {
    q.stem
        .lines()
        .map(str::trim)
        .all(|l| option_line(l).is_none() && answer_line(l).is_none())
        && q.options.iter().all(|o| !o.contains(['\n', '\r']))
}

/// Writes the single-choice questions as Aiken; every other question is left out (see the
/// module documentation).
pub fn write(questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    let mut out = String::new();
    for q in questions {
        let Key::Choice { correct } = &q.key else {
            continue;
        };
        let [answer] = correct.as_slice() else {
            continue;
        };
        if q.kind != QuestionKind::Single || !writable(q) {
            continue;
        }
        for line in q.stem.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        for (i, option) in q.options.iter().enumerate() {
            out.push_str(&format!("{}. {option}\n", option_label(i)));
        }
        out.push_str(&format!("ANSWER: {}\n\n", option_label(*answer)));
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "保安员应当年满多少周岁？
A. 16周岁
B. 18周岁
C) 20周岁
ANSWER: B

多行题干：
以下哪一项正确？
A．甲
B、乙
答案：A

没有答案的题
A. 一
B. 二

答案越界
A. 一
B. 二
ANSWER: E

Which two?
A. x
B. y
ANSWER: A, B
";

    fn body(item: &ParsedItem) -> &QuestionBody {
        item.result.as_ref().unwrap()
    }

    #[test]
    fn questions_read_with_their_options_key_and_line() {
        let f = read(SAMPLE.as_bytes()).unwrap();
        assert_eq!(f.items.len(), 5);
        let b = body(&f.items[0]);
        assert_eq!(b.kind, QuestionKind::Single);
        assert_eq!(b.stem, "保安员应当年满多少周岁？");
        assert_eq!(b.options, ["16周岁", "18周岁", "20周岁"]);
        assert_eq!(b.key, Key::Choice { correct: vec![1] });
        assert_eq!(f.items[0].ident, "question 1");
        assert_eq!(f.items[0].line, Some(1));
        assert!(Question::parse(b.clone()).is_ok());
    }

    #[test]
    fn a_stem_may_run_over_several_lines_and_chinese_punctuation_is_accepted() {
        let f = read(SAMPLE.as_bytes()).unwrap();
        let b = body(&f.items[1]);
        assert_eq!(b.stem, "多行题干：\n以下哪一项正确？");
        assert_eq!(b.options, ["甲", "乙"]);
        assert_eq!(b.key, Key::Choice { correct: vec![0] });
        assert_eq!(f.items[1].line, Some(7));
    }

    #[test]
    fn malformed_questions_are_items_skipped_with_a_reason_and_line() {
        let f = read(SAMPLE.as_bytes()).unwrap();
        let no_answer = f.items[2].result.as_ref().unwrap_err();
        assert_eq!(no_answer.code, ErrorCode::InvalidQuestion);
        assert!(
            no_answer.reason.contains("no ANSWER"),
            "{}",
            no_answer.reason
        );
        assert_eq!(f.items[2].line, Some(13));
        assert_eq!(f.items[2].ident, "question 3");
        let out_of_range = f.items[3].result.as_ref().unwrap_err();
        assert_eq!(out_of_range.code, ErrorCode::InvalidQuestion);
        assert!(out_of_range.reason.contains('E'));
        assert_eq!(f.items[3].line, Some(17));
        let two = f.items[4].result.as_ref().unwrap_err();
        assert_eq!(two.code, ErrorCode::InvalidQuestion);
    }

    #[test]
    fn a_question_cut_off_at_the_end_of_the_file_is_reported() {
        let f = read("题干\nA. 一\nB. 二\n".as_bytes()).unwrap();
        assert_eq!(f.items.len(), 1);
        assert_eq!(
            f.items[0].result.as_ref().unwrap_err().code,
            ErrorCode::InvalidQuestion
        );
    }

    #[test]
    fn a_gbk_encoded_file_with_chinese_text_reads_correctly() {
        let (bytes, _, _) = encoding_rs::GBK.encode(SAMPLE);
        assert!(std::str::from_utf8(&bytes).is_err());
        let f = read(&bytes).unwrap();
        assert_eq!(f.items.len(), 5);
        assert_eq!(body(&f.items[0]).stem, "保安员应当年满多少周岁？");
        assert_eq!(body(&f.items[1]).options, ["甲", "乙"]);
    }

    #[test]
    fn an_empty_file_has_no_items() {
        assert!(read(b"").unwrap().items.is_empty());
        assert!(read(b"\n\n").unwrap().items.is_empty());
    }

    fn question(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> Question {
        Question::parse(QuestionBody::new(kind, stem, options, key)).unwrap()
    }

    #[test]
    fn writing_then_reading_gives_the_same_single_choice_questions() {
        let single = question(
            QuestionKind::Single,
            "保安员应当年满多少周岁？\n\n请选择一项",
            &["16周岁", "18周岁", "20周岁"],
            Key::Choice { correct: vec![2] },
        );
        let multiple = question(
            QuestionKind::Multiple,
            "多选",
            &["甲", "乙"],
            Key::Choice {
                correct: vec![0, 1],
            },
        );
        let misleading = question(
            QuestionKind::Single,
            "第一行\nA. 像选项的一行",
            &["甲", "乙"],
            Key::Choice { correct: vec![0] },
        );
        let tf = question(
            QuestionKind::TrueFalse,
            "判断",
            &[],
            Key::TrueFalse { value: true },
        );
        let out = write(&[single.clone(), multiple, misleading, tf]).unwrap();
        let back: Vec<Question> = read(&out)
            .unwrap()
            .items
            .into_iter()
            .map(|i| Question::parse(i.result.unwrap()).unwrap())
            .collect();
        assert_eq!(back, vec![single]);
    }
}
