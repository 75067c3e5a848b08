//! The candidates file, and one candidate's task: log in, fetch the paper, save on schedule,
//! send tablet events, maybe submit, timing every request.

use crate::http::{status_label, transport_label};
use crate::plan::{BLUR_RING, PHASE_COUNT, Phase, Plan};
use chrono::Utc;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// One candidate's credentials from the candidates file.
pub(crate) struct Credentials {
    pub(crate) ticket: String,
    pub(crate) id_number: String,
}

/// The candidates of the file (the first `want` of them) and the session they sit, when the
/// file names it (files written before the `session` column have none).
pub(crate) fn read_candidates(
    path: &Path,
    want: Option<usize>,
) -> Result<(Vec<Credentials>, Option<i32>), String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (run `loadgen setup` first)",
            path.display()
        )
    })?;
    let mut out = Vec::new();
    let mut session = None;
    for record in reader.records() {
        let r = record.map_err(|e| format!("{}: {e}", path.display()))?;
        if out.is_empty() {
            session = r.get(4).and_then(|s| s.trim().parse::<i32>().ok());
        }
        match (r.get(0), r.get(1)) {
            (Some(t), Some(i)) if !t.is_empty() && !i.is_empty() => out.push(Credentials {
                ticket: t.to_string(),
                id_number: i.to_string(),
            }),
            _ => {
                return Err(format!(
                    "{}: a row lacks ticket or id_number",
                    path.display()
                ));
            }
        }
        if want.is_some_and(|n| out.len() >= n) {
            break;
        }
    }
    match want {
        Some(n) if out.len() < n => Err(format!(
            "{} holds {} candidates, {n} asked for (run setup with --candidates {n})",
            path.display(),
            out.len()
        )),
        _ if out.is_empty() => Err(format!("{} holds no candidates", path.display())),
        _ => Ok((out, session)),
    }
}

/// What one task measured: per phase (completion ms since t0, latency µs) of every request.
pub(crate) struct Local {
    pub(crate) rec: [Vec<(u32, u32)>; PHASE_COUNT],
    pub(crate) ready_ms: Option<u32>,
    pub(crate) not_applied: u64,
}

/// One question of the paper, as much as a save needs.
struct PaperQuestion {
    pub(crate) id: i64,
    pub(crate) kind: Kind,
    options: Box<[Box<str>]>,
    blanks: usize,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Single,
    Multiple,
    TrueFalse,
    Fill,
    Short,
    Practical,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct LoginReply {
    pub(crate) token: String,
    pub(crate) attempt_id: i64,
    #[serde(default)]
    pub(crate) attempt: Option<AttemptSeqs>,
}

#[derive(Deserialize)]
struct AttemptSeqs {
    #[serde(default)]
    answers: Vec<SavedSeq>,
}

#[derive(Deserialize)]
struct SavedSeq {
    #[serde(default)]
    pub(crate) seq: u64,
}

#[derive(Deserialize)]
struct PaperReply {
    pub(crate) questions: Vec<PaperQuestionReply>,
}

#[derive(Deserialize)]
struct PaperQuestionReply {
    pub(crate) id: i64,
    pub(crate) kind: Kind,
    #[serde(default)]
    options: Vec<OptionReply>,
    #[serde(default)]
    blanks: usize,
}

#[derive(Deserialize)]
struct OptionReply {
    pub(crate) id: String,
}

#[derive(Deserialize)]
struct SaveReply {
    #[serde(default = "yes")]
    pub(crate) applied: bool,
}

fn yes() -> bool {
    true
}

/// A save's body, serialized from borrowed data so a save allocates little beyond the body.
#[derive(Serialize)]
struct SaveBody<'a> {
    response: Answer<'a>,
    pub(crate) seq: u64,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Answer<'a> {
    Choice { selected: Vec<&'a str> },
    TrueFalse { value: bool },
    Blanks { values: Vec<&'static str> },
    Text { text: &'static str },
}

const BLANK_ANSWERS: [&str; 6] = ["摄像机", "交换机", "100", "GB 50348", "光纤", "H.265"];
const TEXT_ANSWERS: [&str; 3] = [
    "应先检查供电与网络连接，再核对设备配置与录像计划，最后复核存储容量与保存周期。",
    "依据相关标准对系统进行检测与验收，记录检测结果并形成报告。",
    "合成答案：用于压力测试的简答内容，不代表任何真实作答。",
];

fn answer<'a>(q: &'a PaperQuestion, rng: &mut SmallRng) -> Answer<'a> {
    let pick = move |rng: &mut SmallRng| &*q.options[rng.random_range(0..q.options.len())];
    match q.kind {
        Kind::Single if !q.options.is_empty() => Answer::Choice {
            selected: vec![pick(rng)],
        },
        Kind::Multiple if !q.options.is_empty() => {
            let mut selected: Vec<&str> = q
                .options
                .iter()
                .filter(|_| rng.random_bool(0.5))
                .map(|o| &**o)
                .collect();
            if selected.is_empty() {
                selected.push(pick(rng));
            }
            Answer::Choice { selected }
        }
        Kind::Single | Kind::Multiple => Answer::Choice { selected: vec![] },
        Kind::TrueFalse => Answer::TrueFalse {
            value: rng.random_bool(0.5),
        },
        Kind::Fill => Answer::Blanks {
            values: (0..q.blanks.max(1))
                .map(|_| BLANK_ANSWERS[rng.random_range(0..BLANK_ANSWERS.len())])
                .collect(),
        },
        Kind::Short | Kind::Practical | Kind::Other => Answer::Text {
            text: TEXT_ANSWERS[rng.random_range(0..TEXT_ANSWERS.len())],
        },
    }
}

/// Result of one timed request: the status and body, or the transport failure's label.
type Sent = Result<(StatusCode, Vec<u8>, Option<Duration>), String>;

/// Sends a request, reads the whole body (so the connection goes back to the pool) and records
/// its latency; failures go to the error log.
async fn timed(plan: &Plan, local: &mut Local, phase: Phase, req: reqwest::RequestBuilder) -> Sent {
    let sent = Instant::now();
    let result = async {
        let resp = req.send().await?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        // Bytes into Vec is free when the buffer is not shared, which it is not here.
        let body = Vec::from(resp.bytes().await?);
        Ok::<_, reqwest::Error>((status, body, retry_after))
    }
    .await;
    let done = Instant::now();
    let latency = done
        .duration_since(sent)
        .as_micros()
        .min(u128::from(u32::MAX)) as u32;
    local.rec[phase as usize].push((plan.ms(done), latency));
    match result {
        Ok((status, body, retry)) => {
            if !status.is_success() {
                plan.error(phase, done, status_label(status, &body));
            }
            Ok((status, body, retry))
        }
        Err(e) => {
            let label = transport_label(&e);
            plan.error(phase, done, label.clone());
            Err(label)
        }
    }
}

/// One candidate: log in, fetch the paper, save on schedule until the end, maybe submit.
pub(crate) async fn candidate(index: usize, cred: Credentials, plan: Arc<Plan>) -> Local {
    // Events a task may send, to size their latency vectors once.
    let run_s = plan.end.saturating_duration_since(plan.t0).as_secs_f64();
    let events_hint = |every: Option<Duration>| {
        every.map_or(0, |t| (run_s / t.as_secs_f64()).ceil() as usize + 1)
    };
    let mut local = Local {
        rec: [
            Vec::with_capacity(1),
            Vec::with_capacity(1),
            Vec::with_capacity(plan.saves_hint),
            Vec::with_capacity(usize::from(plan.submit)),
            Vec::with_capacity(events_hint(plan.heartbeat)),
            Vec::with_capacity(events_hint(plan.focus)),
            Vec::new(),
        ],
        ready_ms: None,
        not_applied: 0,
    };
    let base = &plan.bases[index % plan.bases.len()];
    let mut rng =
        SmallRng::seed_from_u64(plan.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // Event offsets come from their own generator, so answers and save times stay as without.
    let mut event_rng = SmallRng::seed_from_u64(
        plan.seed ^ 0x5EED_E7E7 ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03),
    );
    // Candidate i logs in at its share of the ramp, and submits at the same share after the end.
    let ramp_offset = plan.ramp.mul_f64(index as f64 / plan.n as f64);
    tokio::time::sleep_until((plan.t0 + ramp_offset).into()).await;

    let login_body =
        match serde_json::to_vec(&json!({"ticket": cred.ticket, "id_number": cred.id_number})) {
            Ok(b) => b,
            Err(_) => return local,
        };
    let login_url = format!("{base}/api/candidate/login");
    let mut tries = 0;
    let reply: LoginReply = loop {
        tries += 1;
        let req = plan
            .client
            .post(&login_url)
            .header(CONTENT_TYPE, "application/json")
            .body(login_body.clone());
        match timed(&plan, &mut local, Phase::Login, req).await {
            Ok((StatusCode::OK, body, _)) => match serde_json::from_slice(&body) {
                Ok(r) => break r,
                Err(_) => {
                    plan.error(Phase::Login, Instant::now(), "200 unreadable_reply".into());
                    return local;
                }
            },
            // The limiter asks to come back later: do, a few times, while the run lasts.
            Ok((StatusCode::TOO_MANY_REQUESTS, _, retry)) if tries < 10 => {
                let wait = retry
                    .unwrap_or(Duration::from_secs(1))
                    .min(Duration::from_secs(30));
                if Instant::now() + wait >= plan.end {
                    return local;
                }
                tokio::time::sleep(wait).await;
            }
            _ => return local,
        }
    };
    // A repeated run resumes the same attempt: continue its sequence so saves are applied.
    let mut seq = reply
        .attempt
        .map(|a| a.answers.iter().map(|s| s.seq).max().unwrap_or(0))
        .unwrap_or(0);
    let auth = match HeaderValue::from_str(&format!("Bearer {}", reply.token)) {
        Ok(h) => h,
        Err(_) => {
            plan.error(Phase::Login, Instant::now(), "200 unusable_token".into());
            return local;
        }
    };
    let attempt = format!("{base}/api/attempts/{}", reply.attempt_id);

    let req = plan
        .client
        .get(format!("{attempt}/paper"))
        .header(AUTHORIZATION, auth.clone());
    let paper: Vec<PaperQuestion> = match timed(&plan, &mut local, Phase::Paper, req).await {
        Ok((StatusCode::OK, body, _)) => match serde_json::from_slice::<PaperReply>(&body) {
            Ok(p) if !p.questions.is_empty() => p
                .questions
                .into_iter()
                .map(|q| PaperQuestion {
                    id: q.id,
                    kind: q.kind,
                    options: q
                        .options
                        .into_iter()
                        .map(|o| o.id.into_boxed_str())
                        .collect(),
                    blanks: q.blanks,
                })
                .collect(),
            _ => {
                plan.error(
                    Phase::Paper,
                    Instant::now(),
                    "200 unreadable_or_empty_paper".into(),
                );
                return local;
            }
        },
        _ => return local,
    };
    local.ready_ms = Some(plan.ms(Instant::now()));

    // Saves, heartbeats and blurs, each on its own grid: a fixed random offset within the
    // interval spreads candidates evenly over it. One request at a time per candidate.
    let offset: f64 = rng.random();
    let heartbeat_offset: f64 = event_rng.random();
    let blur_offset: f64 = event_rng.random();
    let answers = format!("{attempt}/answers/");
    let events = format!("{attempt}/events");
    let mut url = String::with_capacity(answers.len() + 20);
    let now = Instant::now();
    let mut next_save = plan.next_save(now, offset);
    let mut next_heartbeat = plan.next_tick(plan.heartbeat, heartbeat_offset, now);
    let mut next_blur = plan.next_tick(plan.focus, blur_offset, now);
    loop {
        // The earliest due; saves first on a tie.
        let due = [
            (next_save, Phase::Save),
            (next_heartbeat, Phase::Heartbeat),
            (next_blur, Phase::Blur),
        ]
        .into_iter()
        .filter_map(|(at, what)| at.map(|at| (at, what)))
        .min_by_key(|&(at, _)| at);
        let Some((at, what)) = due else {
            break;
        };
        tokio::time::sleep_until(at.into()).await;
        match what {
            Phase::Heartbeat => {
                let _ = send_event(&plan, &mut local, Phase::Heartbeat, &events, &auth).await;
                next_heartbeat = plan.next_tick(plan.heartbeat, heartbeat_offset, Instant::now());
                continue;
            }
            Phase::Blur => {
                // Remember when the k-th blur left before sending it: a watcher may see it on
                // the room view before this request returns.
                let slot = &plan.shared.blurs[index];
                let k = slot.count.load(Ordering::Relaxed) + 1;
                slot.sent_ns[k as usize % BLUR_RING]
                    .store(plan.shared.ns(Instant::now()), Ordering::Relaxed);
                slot.count.store(k, Ordering::Release);
                if let Ok((status, _, _)) =
                    send_event(&plan, &mut local, Phase::Blur, &events, &auth).await
                    && !status.is_success()
                {
                    // Refused, so not stored: it will never show. (A transport failure may
                    // have been stored, so it stays counted: lost if it never shows.)
                    slot.count.store(k - 1, Ordering::Release);
                }
                next_blur = plan.next_tick(plan.focus, blur_offset, Instant::now());
                continue;
            }
            _ => {}
        }
        let q = &paper[rng.random_range(0..paper.len())];
        seq += 1;
        let body = match serde_json::to_vec(&SaveBody {
            response: answer(q, &mut rng),
            seq,
        }) {
            Ok(b) => b,
            Err(_) => break,
        };
        url.clear();
        url.push_str(&answers);
        let _ = write!(url, "{}", q.id);
        let req = plan
            .client
            .put(url.as_str())
            .header(AUTHORIZATION, auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        if let Ok((StatusCode::OK, body, _)) = timed(&plan, &mut local, Phase::Save, req).await
            && serde_json::from_slice::<SaveReply>(&body).is_ok_and(|r| !r.applied)
        {
            local.not_applied += 1;
        }
        next_save = plan.next_save(Instant::now(), offset);
    }

    if plan.submit {
        // With no ramp everyone submits at the end at once, like a time-up.
        tokio::time::sleep_until((plan.end + ramp_offset).into()).await;
        let req = plan
            .client
            .post(format!("{attempt}/submit"))
            .header(AUTHORIZATION, auth)
            .header(CONTENT_TYPE, "application/json")
            .body("{}");
        let _ = timed(&plan, &mut local, Phase::Submit, req).await;
    }
    local
}

/// Reports one tablet event of `phase`'s kind (heartbeat or window blur), stamped with this
/// machine's clock as the tablet's.
async fn send_event(
    plan: &Plan,
    local: &mut Local,
    phase: Phase,
    url: &str,
    auth: &HeaderValue,
) -> Sent {
    let kind = if phase == Phase::Blur {
        "window_blur"
    } else {
        "heartbeat"
    };
    let at = Utc::now().timestamp_millis();
    let body = format!(r#"{{"events":[{{"kind":"{kind}","at":{at}}}]}}"#);
    let req = plan
        .client
        .post(url)
        .header(AUTHORIZATION, auth.clone())
        .header(CONTENT_TYPE, "application/json")
        .body(body);
    timed(plan, local, phase, req).await
}
