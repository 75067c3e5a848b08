//! Generated banks for benchmarks and load tests. Every question says it is synthetic, and the
//! bank is marked `synthetic = true` so it is never loaded from question-bank/.

use super::model::{Key, Question, QuestionBody, QuestionKind, QuestionStatus};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const TOPICS: [&str; 10] = [
    "法规",
    "标准",
    "前端设备",
    "传输网络",
    "存储",
    "平台",
    "入侵报警",
    "出入口控制",
    "检测验收",
    "故障排查",
];
const WORDS: [&str; 16] = [
    "摄像机",
    "镜头",
    "码流",
    "分辨率",
    "交换机",
    "存储",
    "硬盘",
    "平台",
    "报警",
    "联动",
    "门禁",
    "电源",
    "光纤",
    "网线",
    "录像",
    "解码器",
];

fn phrase(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| WORDS[rng.random_range(0..WORDS.len())])
        .collect::<Vec<_>>()
        .join("与")
}

/// `n` valid questions, the same for the same seed: about half single choice, a fifth multiple
/// choice, the rest true/false, fill-in and short answer, over 10 × 5 categories.
pub fn generate(n: usize, seed: u64) -> Vec<Question> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let roll = rng.random_range(0..100);
        let kind = match roll {
            0..50 => QuestionKind::Single,
            50..70 => QuestionKind::Multiple,
            70..85 => QuestionKind::TrueFalse,
            85..95 => QuestionKind::Fill,
            _ => QuestionKind::Short,
        };
        let topic = TOPICS[rng.random_range(0..TOPICS.len())];
        let sub = format!("{topic}专题{}", rng.random_range(1..=5));
        let mut stem = format!("【合成题 {i}】关于{}的说法，", phrase(&mut rng, 2));
        let (options, key) = match kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                let count = 4;
                let options: Vec<String> = (0..count)
                    .map(|o| format!("选项{o}：{}", phrase(&mut rng, 2)))
                    .collect();
                let correct = if kind == QuestionKind::Single {
                    vec![rng.random_range(0..count)]
                } else {
                    let mut c: Vec<usize> = (0..count).filter(|_| rng.random_bool(0.5)).collect();
                    if c.len() < 2 {
                        c = vec![0, 2];
                    }
                    c
                };
                stem.push_str("正确的是哪一项？");
                (options, Key::Choice { correct })
            }
            QuestionKind::TrueFalse => {
                stem.push_str("是否正确？");
                (
                    vec![],
                    Key::TrueFalse {
                        value: rng.random_bool(0.5),
                    },
                )
            }
            QuestionKind::Fill => {
                stem.push_str("应填写___。");
                (
                    vec![],
                    Key::Blanks {
                        accepted: vec![vec![phrase(&mut rng, 1)]],
                    },
                )
            }
            _ => {
                stem.push_str("请简要说明。");
                (
                    vec![],
                    Key::Open {
                        reference: phrase(&mut rng, 4),
                    },
                )
            }
        };
        let body = QuestionBody {
            ident: format!("SYN-{i:06}"),
            kind,
            category: vec![topic.to_string(), sub],
            stem,
            options,
            key,
            rubric: if kind == QuestionKind::Short {
                "要点齐全得满分".into()
            } else {
                String::new()
            },
            scheme: vec![],
            minutes: 0,
            equipment: vec![],
            points: if kind == QuestionKind::Short {
                5.0
            } else {
                1.0
            },
            difficulty: rng.random_range(1..=5),
            explanation: "合成数据，仅用于性能测试。".into(),
            source: "synthetic".into(),
            tags: vec!["synthetic".into()],
            status: QuestionStatus::Active,
        };
        if let Ok(q) = Question::parse(body) {
            out.push(q);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_makes_the_asked_number_of_valid_questions_repeatably() {
        let a = generate(500, 7);
        assert_eq!(a.len(), 500);
        assert_eq!(a, generate(500, 7));
        assert!(a.iter().all(|q| q.stem.contains("合成题")));
        for k in [
            QuestionKind::Single,
            QuestionKind::Multiple,
            QuestionKind::TrueFalse,
            QuestionKind::Fill,
            QuestionKind::Short,
        ] {
            assert!(a.iter().any(|q| q.kind == k), "{k} missing");
        }
    }
}
