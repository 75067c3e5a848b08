//! The final fixture: a competition with one event, two groups (职工组 Z, 学生组 X), a theory
//! stage run by the practical fixture's session (its exam is the final's too) and a practical
//! final with a 加密裁判 and a supervisor; accepted finalists inserted with the competition's
//! entities (no registration HTTP needed); the final prepared and its practical part set (one
//! camera task, three judges) over HTTP as organisers would.

use super::{PracticalEvent, PracticalSpec, id_number};
use chrono::Utc;
use exam_platform::competition::entity::{
    competition, conflict, contestant, event, group, stage, stage_entry,
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Database, DatabaseConnection, Set};
use serde_json::{Value, json};

/// A finalist (or, with `finalist` false, an accepted contestant who did not qualify).
#[derive(Clone, Debug)]
pub struct Finalist {
    pub id: i32,
    pub number: String,
    pub id_number: String,
    #[allow(dead_code)] // for the results tests that rank by group
    pub group: i32,
}

/// A key holder, logged in.
#[derive(Clone, Debug)]
pub struct Holder {
    pub id: i64,
    pub token: String,
}

/// What [`final_fixture`] made.
pub struct FinalFixture {
    pub e: PracticalEvent,
    pub db: DatabaseConnection,
    pub competition: i32,
    pub stage: i32,
    pub session: i64,
    pub tasks: Vec<i64>,
    pub encryptor: Holder,
    pub supervisor: Holder,
    pub finalists: Vec<Finalist>,
    /// Accepted but not qualified for the final.
    pub outsider: Finalist,
}

/// The final's passphrases in the tests.
pub const ENCRYPTOR_PASS: &str = "一次加密口令-2026";
pub const SUPERVISOR_PASS: &str = "二次加密口令-2026";

async fn holder(e: &PracticalEvent, username: &str, roles: &[&str]) -> Holder {
    let r = e
        .app
        .post_json(
            &e.admin,
            "/api/users",
            &json!({"username": username, "password": "a-good-password", "roles": roles,
                    "display_name": username}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "user {username}");
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    Holder {
        id,
        token: e.app.login(username, "a-good-password").await,
    }
}

/// Organisation and trainer of each finalist; the first `z` are 职工组, the rest 学生组.
pub async fn final_fixture(people: &[(&str, &str)], z: usize) -> FinalFixture {
    let e = PracticalSpec {
        employers: vec![],
        check_in: false,
        ..PracticalSpec::camera(&[])
    }
    .create()
    .await;
    let encryptor = holder(&e, "encryptor", &["judge"]).await;
    let supervisor = holder(&e, "supervisor", &["supervisor"]).await;
    let db = Database::connect(&e.app.database_url).await.unwrap();
    let now = Utc::now();
    let c = competition::ActiveModel {
        name: Set("平安城市-智慧守护 智能安防职业技能竞赛".into()),
        code: Set("PACS26".into()),
        held_on: Set(now),
        theory_cap: Set(0.3),
        schools: Set("[]".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let ev = event::ActiveModel {
        competition_id: Set(c.id),
        position: Set(0),
        name: Set("视频监控系统安装与调试".into()),
        code: Set("A".into()),
        kind: Set("individual".into()),
        team_size: Set(1),
        team_score: Set("sum".into()),
        tie_chain: Set("[]".into()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let mut groups = vec![];
    for (i, (name, code)) in [("职工组", "Z"), ("学生组", "X")].iter().enumerate() {
        groups.push(
            group::ActiveModel {
                competition_id: Set(c.id),
                position: Set(i as i32),
                name: Set(name.to_string()),
                code: Set(code.to_string()),
                rules: Set("{}".into()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap(),
        );
    }
    let mk_stage = |position: i32, name: &str, kind: &str, weight: f64, session: Option<i32>| {
        stage::ActiveModel {
            event_id: Set(ev.id),
            position: Set(position),
            name: Set(name.to_string()),
            kind: Set(kind.to_string()),
            weight: Set(weight),
            session_id: Set(session),
            cut_kind: Set("none".into()),
            cut_value: Set(0.0),
            cut_confirmed_at: Set(None),
            cut_confirmed_by: Set(None),
            encryptor_id: Set((kind == "practical").then_some(encryptor.id as i32)),
            supervisor_id: Set((kind == "practical").then_some(supervisor.id as i32)),
            recheck_top: Set(10),
            recheck_share: Set(0.15),
            recheck_error_limit: Set(0.05),
            ..Default::default()
        }
    };
    mk_stage(0, "理论初赛", "theory", 0.3, Some(e.session as i32))
        .insert(&db)
        .await
        .unwrap();
    let fin = mk_stage(1, "实操决赛", "practical", 0.7, None)
        .insert(&db)
        .await
        .unwrap();
    let mut finalists = vec![];
    for (i, (org, trainer)) in people.iter().chain([&("某公司", "")]).enumerate() {
        let g = if i < z { &groups[0] } else { &groups[1] };
        let number = format!("PACS26-A{}{:04}", g.code, i + 1);
        let idn = id_number("19950101", 600 + i as u32);
        let row = contestant::ActiveModel {
            competition_id: Set(c.id),
            event_id: Set(ev.id),
            group_id: Set(g.id),
            team_id: Set(None),
            name: Set(format!("选手{i}")),
            id_number: Set(idn.clone()),
            phone: Set("13800000000".into()),
            organisation: Set(org.to_string()),
            org_kind: Set(if i < z { "employer" } else { "school" }.into()),
            leader: Set("领队".into()),
            trainer: Set(trainer.to_string()),
            status: Set("accepted".into()),
            reason: Set(String::new()),
            number: Set(Some(number.clone())),
            registered_at: Set(now),
            registered_by: Set(None),
            reviewed_at: Set(Some(now)),
            reviewed_by: Set(None),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        let f = Finalist {
            id: row.id,
            number,
            id_number: idn,
            group: g.id,
        };
        if i < people.len() {
            stage_entry::ActiveModel {
                stage_id: Set(fin.id),
                contestant_id: Set(row.id),
                candidate_id: Set(None),
                qualified_at: Set(Some(now)),
            }
            .insert(&db)
            .await
            .unwrap();
        }
        finalists.push(f);
    }
    let outsider = finalists.pop().unwrap();
    let r = e
        .app
        .post_json(
            &e.admin,
            &format!("/api/competitions/stages/{}/prepare", fin.id),
            &json!({"starts_at": now - chrono::Duration::hours(1),
                    "ends_at": now + chrono::Duration::hours(5), "venue": "广州赛场"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "prepare");
    let session = r.json::<Value>().await.unwrap()["session_id"]
        .as_i64()
        .unwrap();
    // The final's practical part: the theory session's camera task, the same three judges.
    let theory_part: Value = e
        .app
        .get_json(&e.admin, &format!("/api/sessions/{}/practical", e.session))
        .await;
    let q = theory_part["tasks"][0]["question_id"].clone();
    let judges: Vec<i64> = e.judges.iter().map(|j| j.id).collect();
    let r = e
        .app
        .put_json(
            &e.admin,
            &format!("/api/sessions/{session}/practical"),
            &json!({"stations": 4, "slots": 0, "slot_minutes": 90, "first_slot_at": null,
                "draw_mode": "check_in", "pass_line": 60,
                "tasks": [{"question_id": q, "weight": 1.0, "aggregation": "mean", "spread": 3.0,
                           "judges": judges, "head_judge": judges[0]}]}),
        )
        .await;
    let status = r.status();
    assert_eq!(
        status,
        StatusCode::OK,
        "final part: {}",
        r.text().await.unwrap()
    );
    let part: Value = e
        .app
        .get_json(&e.admin, &format!("/api/sessions/{session}/practical"))
        .await;
    let tasks = part["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    FinalFixture {
        e,
        db,
        competition: c.id,
        stage: fin.id,
        session,
        tasks,
        encryptor,
        supervisor,
        finalists,
        outsider,
    }
}

impl FinalFixture {
    /// `/api/competitions/stages/{stage}/{rest}`.
    pub fn path(&self, rest: &str) -> String {
        format!("/api/competitions/stages/{}/{rest}", self.stage)
    }

    /// Both holders take their seals.
    pub async fn take_seals(&self) {
        for (h, pass) in [
            (&self.encryptor, ENCRYPTOR_PASS),
            (&self.supervisor, SUPERVISOR_PASS),
        ] {
            let r = self
                .e
                .app
                .post_json(&h.token, &self.path("seal"), &json!({"passphrase": pass}))
                .await;
            assert_eq!(r.status(), StatusCode::OK, "seal");
        }
    }

    /// Checks finalist `i` in; the door's answer.
    pub async fn check_in(&self, i: usize) -> Value {
        let f = &self.finalists[i];
        let r = self
            .e
            .app
            .post_json(
                &self.e.admin,
                &self.path("checkin"),
                &json!({"number": f.number, "id_number": f.id_number}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "check-in {i}");
        r.json().await.unwrap()
    }

    /// Declares a conflict of a judge with a contestant.
    pub async fn declare(&self, judge: i64, contestant: i32) {
        conflict::ActiveModel {
            competition_id: Set(self.competition),
            judge_id: Set(judge as i32),
            contestant_id: Set(contestant),
            note: Set("亲属".into()),
            created_at: Set(Utc::now()),
            created_by: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap();
    }
}
