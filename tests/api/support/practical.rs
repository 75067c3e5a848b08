//! The practical fixture: a session with a theory exam and a practical part — tasks with
//! marking schemes in a bank, judges with affiliations on each task's panel and a head judge,
//! candidates with employers — everyone checked in (work codes and places drawn), made over
//! HTTP as staff would. Judging tests start here; so can the results and console tests.

use super::{TestApp, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The default scheme (10 points): a plain measurement (4), a banded measurement (2: ±2 mm
/// full, ±5 mm half), a judgement (4) and a deduction (1 per occurrence, at most 2) in two
/// sub-criteria.
pub fn camera_scheme() -> Value {
    json!([
        {"group": "A 安装", "text": "支架安装牢固", "points": 4},
        {"group": "A 安装", "text": "安装高度偏差", "points": 2,
         "kind": {"type": "measurement", "unit": "mm", "bands": [{"within": 2, "fraction": 1}, {"within": 5, "fraction": 0.5}]}},
        {"group": "B 调试", "text": "图像清晰度", "points": 4,
         "kind": {"type": "judgement", "descriptors": ["无图像", "模糊", "基本清晰", "清晰且构图合理"]}},
        {"group": "B 调试", "text": "带电接线", "points": 2, "kind": {"type": "deduction", "per": 1}}
    ])
}

/// One practical task of the fixture.
#[derive(Clone, Debug)]
pub struct TaskSpec {
    /// First line: the title.
    pub stem: String,
    /// The marking scheme (its point-giving aspects add up to `points`).
    pub scheme: Value,
    pub points: f64,
    pub weight: f64,
    pub aggregation: &'static str,
    pub spread: f64,
    /// Indexes into the fixture's judges.
    pub judges: Vec<usize>,
    /// Index into the fixture's judges.
    pub head: usize,
}

impl TaskSpec {
    /// The camera task (10 points, [`camera_scheme`]), mean, spread 1, weight 1.
    pub fn camera(judges: Vec<usize>, head: usize) -> TaskSpec {
        TaskSpec {
            stem: "前端摄像机安装与调试\n按图纸安装并调试一台网络摄像机".into(),
            scheme: camera_scheme(),
            points: 10.0,
            weight: 1.0,
            aggregation: "mean",
            spread: 1.0,
            judges,
            head,
        }
    }
}

/// What to make.
#[derive(Clone, Debug)]
pub struct PracticalSpec {
    /// One candidate per employer.
    pub employers: Vec<String>,
    /// (username, affiliation) per judge.
    pub judges: Vec<(String, String)>,
    pub tasks: Vec<TaskSpec>,
    pub stations: u32,
    /// Check everyone in (work codes and places).
    pub check_in: bool,
}

impl PracticalSpec {
    /// Three judges (the first from 广州示例安防, the second from a college, the third without
    /// an affiliation), one camera task with all three on its panel and the first as head,
    /// candidates with these employers.
    pub fn camera(employers: &[&str]) -> PracticalSpec {
        PracticalSpec {
            employers: employers.iter().map(|e| e.to_string()).collect(),
            judges: vec![
                ("judge.a".into(), "广州示例安防工程有限公司".into()),
                ("judge.b".into(), "某职业技术学院".into()),
                ("judge.c".into(), String::new()),
            ],
            tasks: vec![TaskSpec::camera(vec![0, 1, 2], 0)],
            stations: 4,
            check_in: true,
        }
    }
}

/// A judge of the fixture, logged in.
#[derive(Clone, Debug)]
pub struct JudgeLogin {
    pub id: i64,
    #[allow(dead_code)] // for the modules that log judges in again
    pub username: String,
    pub token: String,
}

/// A candidate of the fixture.
#[derive(Clone, Debug)]
pub struct PracticalCandidate {
    pub id: i64,
    pub ticket: String,
    pub id_number: String,
    pub name: String,
    #[allow(dead_code)] // for the modules that show employers
    pub employer: String,
    /// Work code once checked in.
    pub code: Option<String>,
}

/// A session with its practical part, made by [`PracticalSpec::create`].
pub struct PracticalEvent {
    pub app: TestApp,
    pub admin: String,
    pub session: i64,
    /// Practical task ids, in the spec's order.
    pub tasks: Vec<i64>,
    pub judges: Vec<JudgeLogin>,
    pub candidates: Vec<PracticalCandidate>,
}

impl PracticalEvent {
    /// Candidate `i`'s work code.
    pub fn code(&self, i: usize) -> &str {
        self.candidates[i].code.as_deref().expect("checked in")
    }

    /// Judge `i`'s token.
    pub fn judge(&self, i: usize) -> &str {
        &self.judges[i].token
    }

    /// The path of a candidate's sheet on a task.
    pub fn sheet(&self, task: usize, candidate: usize) -> String {
        format!(
            "/api/judging/tasks/{}/sheets/{}",
            self.tasks[task],
            self.code(candidate)
        )
    }

    /// Judge `j` saves `entry` for `aspect` of candidate `c` on task `t` with sequence `seq`.
    pub async fn mark(
        &self,
        j: usize,
        t: usize,
        c: usize,
        aspect: usize,
        entry: f64,
        seq: i64,
    ) -> reqwest::Response {
        self.app
            .put_json(
                self.judge(j),
                &format!("{}/marks/{aspect}", self.sheet(t, c)),
                &json!({"entry": entry, "seq": seq}),
            )
            .await
    }

    /// Judge `j` enters every aspect of candidate `c` on task `t` (asserting 200) and submits
    /// (returning the submit's response).
    pub async fn mark_all(
        &self,
        j: usize,
        t: usize,
        c: usize,
        entries: &[f64],
        first_seq: i64,
    ) -> reqwest::Response {
        for (a, e) in entries.iter().enumerate() {
            let r = self.mark(j, t, c, a, *e, first_seq + a as i64).await;
            assert_eq!(r.status(), StatusCode::OK, "judge {j} aspect {a}");
        }
        self.app
            .post_json(
                self.judge(j),
                &format!("{}/submit", self.sheet(t, c)),
                &json!({}),
            )
            .await
    }
}

impl PracticalSpec {
    /// Makes it all on a fresh app: a theory bank and exam, the practical tasks, the judges, the
    /// session and its candidates, the practical part, and (by default) everyone checked in.
    pub async fn create(self) -> PracticalEvent {
        let app = TestApp::spawn().await;
        let admin = app.admin().await;
        app.create_bank(&admin, "PTH").await;
        for i in 0..4 {
            let q = json!({"kind": "true_false", "stem": format!("理论题 {i}：说法正确吗？"),
                "key": {"type": "true_false", "value": true}});
            let r = app.post_json(&admin, "/api/banks/PTH/questions", &q).await;
            assert_eq!(r.status(), StatusCode::CREATED, "theory question");
        }
        let mut questions = vec![];
        for t in &self.tasks {
            let q = json!({"kind": "practical", "stem": t.stem, "points": t.points, "minutes": 60,
                "key": {"type": "open", "reference": ""}, "scheme": t.scheme,
                "equipment": [{"name": "网络摄像机", "quantity": 1, "unit": "台"}]});
            let r = app.post_json(&admin, "/api/banks/PTH/questions", &q).await;
            assert_eq!(r.status(), StatusCode::CREATED, "practical task");
            questions.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
        }
        let mut judges = vec![];
        for (username, affiliation) in &self.judges {
            let r = app
                .post_json(
                    &admin,
                    "/api/users",
                    &json!({"username": username, "password": "a-good-password",
                            "display_name": format!("考评员{username}"),
                            "roles": ["judge"], "affiliation": affiliation}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED, "judge {username}");
            let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
            judges.push(JudgeLogin {
                id,
                username: username.clone(),
                token: app.login(username, "a-good-password").await,
            });
        }
        let exam = json!({"name": "视频监控技术应用专项职业能力", "time_limit_minutes": 30, "pass_line": 2,
            "blueprint": {"sections": [{"cells": [{"bank": "PTH", "kind": "true_false", "count": 4, "points": 1}]}]}});
        let r = app.post_json(&admin, "/api/exams", &exam).await;
        assert_eq!(r.status(), StatusCode::CREATED, "exam");
        let exam_id = r.json::<Value>().await.unwrap()["id"].clone();
        let now = chrono::Utc::now();
        let r = app
            .post_json(
                &admin,
                "/api/sessions",
                &json!({"name": "视频监控技术应用专项职业能力考核", "number": "2026年第四季度", "venue": "广州站",
                    "exam_id": exam_id, "rooms": [{"name": "理论考场", "seats": 300}],
                    "starts_at": now - chrono::Duration::hours(1), "ends_at": now + chrono::Duration::hours(2)}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "session");
        let session = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let mut candidates = vec![];
        for (i, employer) in self.employers.iter().enumerate() {
            let name = format!("考生{i}");
            let id_number = id_number("19900101", 500 + i as u32);
            let r = app
                .post_json(
                    &admin,
                    &format!("/api/sessions/{session}/candidates"),
                    &json!({"name": name, "id_number": id_number, "employer": employer}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED, "candidate {i}");
            let c: Value = r.json().await.unwrap();
            candidates.push(PracticalCandidate {
                id: 0,
                ticket: c["ticket"].as_str().unwrap().to_string(),
                id_number,
                name,
                employer: employer.clone(),
                code: None,
            });
        }
        let listed: Value = app
            .get_json(&admin, &format!("/api/sessions/{session}/candidates"))
            .await;
        for c in &mut candidates {
            let row = listed
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["ticket"] == c.ticket.as_str())
                .expect("listed");
            c.id = row["id"].as_i64().unwrap();
        }
        let tasks: Vec<Value> = self
            .tasks
            .iter()
            .zip(&questions)
            .map(|(t, q)| {
                json!({"question_id": q, "weight": t.weight, "aggregation": t.aggregation,
                    "spread": t.spread, "judges": t.judges.iter().map(|j| judges[*j].id).collect::<Vec<_>>(),
                    "head_judge": judges[t.head].id})
            })
            .collect();
        let r = app
            .put_json(
                &admin,
                &format!("/api/sessions/{session}/practical"),
                &json!({"stations": self.stations, "slots": 0, "slot_minutes": 90,
                    "first_slot_at": null, "draw_mode": "check_in", "pass_line": 60, "tasks": tasks}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "practical part");
        let part: Value = r.json().await.unwrap();
        let tasks: Vec<i64> = part["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        if self.check_in {
            for c in &mut candidates {
                let r = app
                    .post_json(
                        &admin,
                        &format!("/api/sessions/{session}/practical/check-in"),
                        &json!({"ticket": c.ticket}),
                    )
                    .await;
                assert_eq!(r.status(), StatusCode::OK, "check-in {}", c.ticket);
                let v: Value = r.json().await.unwrap();
                c.code = Some(v["code"].as_str().unwrap().to_string());
            }
        }
        PracticalEvent {
            app,
            admin,
            session,
            tasks,
            judges,
            candidates,
        }
    }
}
