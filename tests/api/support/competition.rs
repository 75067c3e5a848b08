//! A competition fixture: the provincial 平安城市-智慧守护 competition with an individual event
//! (theory 0.3 → practical 0.7) and a team event of three, a 职工组 for employees of 18 and over
//! and a 学生组 for students of a registered school aged 25 at most.

use super::app::{TestApp, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The school registered for the 学生组.
pub const SCHOOL: &str = "广东安防职业技术学院";

/// What the fixture made.
pub struct Competition {
    pub id: i64,
    /// The individual event (code A).
    pub event: i64,
    /// The team event (code T, three members).
    pub team_event: i64,
    /// 职工组 (code Z).
    pub employees: i64,
    /// 学生组 (code X).
    pub students: i64,
    /// The individual event's stages: theory, practical.
    pub stages: Vec<i64>,
}

async fn created(r: reqwest::Response, what: &str) -> Value {
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::CREATED, "{what}: {body}");
    body
}

/// The stage list of theory `t` and practical `p` weights (the final takes the top 10).
pub fn stage_list(t: f64, p: f64) -> Value {
    json!([
        {"name": "理论初赛", "kind": "theory", "weight": t},
        {"name": "实操决赛", "kind": "practical", "weight": p, "cut_kind": "top_n", "cut_value": 10}
    ])
}

impl Competition {
    /// Makes the competition as `token` (an organiser).
    pub async fn create(app: &TestApp, token: &str) -> Competition {
        let c = created(
            app.post_json(
                token,
                "/api/competitions",
                &json!({"name": "平安城市-智慧守护 智能安防职业技能竞赛", "code": "pacs26",
                        "held_on": "2026-12-10T01:00:00Z", "schools": [SCHOOL]}),
            )
            .await,
            "competition",
        )
        .await;
        let id = c["id"].as_i64().unwrap();
        let event = created(
            app.post_json(
                token,
                &format!("/api/competitions/{id}/events"),
                &json!({"name": "视频监控系统安装与调试", "code": "A", "kind": "individual"}),
            )
            .await,
            "event",
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let team_event = created(
            app.post_json(
                token,
                &format!("/api/competitions/{id}/events"),
                &json!({"name": "入侵报警系统设计", "code": "T", "kind": "team", "team_size": 3,
                        "team_score": "sum"}),
            )
            .await,
            "team event",
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let employees = created(
            app.post_json(
                token,
                &format!("/api/competitions/{id}/groups"),
                &json!({"name": "职工组", "code": "Z", "rules": {"org_kind": "employer", "min_age": 18}}),
            )
            .await,
            "employees",
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let students = created(
            app.post_json(
                token,
                &format!("/api/competitions/{id}/groups"),
                &json!({"name": "学生组", "code": "X",
                        "rules": {"org_kind": "school", "registered_school": true, "max_age": 25}}),
            )
            .await,
            "students",
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let r = app
            .put_json(
                token,
                &format!("/api/competitions/events/{event}/stages"),
                &stage_list(0.3, 0.7),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let e: Value = r.json().await.unwrap();
        let stages = e["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        Competition {
            id,
            event,
            team_event,
            employees,
            students,
            stages,
        }
    }

    /// An employee registration body for the individual event (born 1985, seq `seq`).
    pub fn employee(&self, name: &str, seq: u32) -> Value {
        json!({"event_id": self.event, "group_id": self.employees, "name": name,
               "id_number": id_number("19850312", seq), "phone": "13800138000",
               "organisation": "广州市某安防科技有限公司", "leader": "王领队"})
    }

    /// A student registration body for the individual event (born 2004, seq `seq`).
    pub fn student(&self, name: &str, seq: u32, school: &str) -> Value {
        json!({"event_id": self.event, "group_id": self.students, "name": name,
               "id_number": id_number("20040501", seq), "organisation": school,
               "trainer": "陈老师"})
    }

    /// Registers and returns the response.
    pub async fn register(&self, app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
        app.post_json(
            token,
            &format!("/api/competitions/{}/registrations", self.id),
            body,
        )
        .await
    }

    /// Registers `body` and accepts it; returns the registration with its number.
    pub async fn accepted(&self, app: &TestApp, token: &str, body: &Value) -> Value {
        let r = created(self.register(app, token, body).await, "registration").await;
        let rid = r["id"].as_i64().unwrap();
        let out = app
            .post_json(
                token,
                &format!("/api/competitions/registrations/{rid}/review"),
                &json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(out.status(), StatusCode::OK);
        out.json::<Value>().await.unwrap()[0].clone()
    }

    /// The registrations list (query after `?`).
    pub async fn list(&self, app: &TestApp, token: &str, query: &str) -> Value {
        app.get_json(
            token,
            &format!("/api/competitions/{}/registrations?{query}", self.id),
        )
        .await
    }
}

/// An XLSX file of these rows under the given header.
pub fn xlsx(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(0, j as u16, *h).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            sheet
                .write_string(i as u32 + 1, j as u16, cell.as_str())
                .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}
