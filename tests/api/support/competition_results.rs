//! The results fixture: a competition whose one event's practical final is the practical
//! fixture's session (two camera tasks, three judges, candidates checked in), made by inserting
//! the competition rows through the lead's entities — no registration or check-in HTTP needed.
//! `decrypt` stands in for part B's ceremony by filling the anonymous mapping table.

use super::{PracticalEvent, PracticalSpec, TaskSpec};
use exam_platform::competition::entity::{competition, contestant, event, group, stage};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database, DatabaseConnection};
use serde_json::json;

/// A competition with one individual event, one group and a practical final.
pub struct ScoredCompetition {
    pub e: PracticalEvent,
    pub db: DatabaseConnection,
    pub event: i32,
    pub group: i32,
    pub stage: i32,
    /// One contestant per practical candidate, in the same order.
    pub contestants: Vec<i32>,
}

/// Full marks on the camera scheme (10 points: 100).
pub const FULL: [f64; 4] = [1.0, 0.0, 3.0, 0.0];
/// 6 points (60): the plain measurement missed, the rest full.
pub const LOW: [f64; 4] = [0.0, 0.0, 3.0, 0.0];

impl ScoredCompetition {
    /// `n` contestants with distinct employers, two camera tasks (judges 0–2, head 0), the tie
    /// chain `chain`.
    pub async fn create(n: usize, chain: &[&str]) -> ScoredCompetition {
        let employers: Vec<String> = (0..n).map(|i| format!("示例单位{i}")).collect();
        let refs: Vec<&str> = employers.iter().map(String::as_str).collect();
        let mut spec = PracticalSpec::camera(&refs);
        let mut second = TaskSpec::camera(vec![0, 1, 2], 0);
        second.stem = "入侵报警系统调试\n调试一套入侵报警系统".into();
        spec.tasks.push(second);
        spec.stations = n.max(1) as u32;
        let e = spec.create().await;
        let db = Database::connect(&e.app.database_url).await.expect("db");
        let now = chrono::Utc::now();
        let c = competition::ActiveModel {
            name: Set("平安城市-智慧守护".into()),
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
        .expect("competition");
        let ev = event::ActiveModel {
            competition_id: Set(c.id),
            position: Set(0),
            name: Set("视频监控系统安装与调试".into()),
            code: Set("A".into()),
            kind: Set("individual".into()),
            team_size: Set(1),
            team_score: Set("sum".into()),
            tie_chain: Set(serde_json::to_string(chain).unwrap()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("event");
        let g = group::ActiveModel {
            competition_id: Set(c.id),
            position: Set(0),
            name: Set("职工组".into()),
            code: Set("Z".into()),
            rules: Set("{}".into()),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("group");
        let s = stage::ActiveModel {
            event_id: Set(ev.id),
            position: Set(0),
            name: Set("实操决赛".into()),
            kind: Set("practical".into()),
            weight: Set(1.0),
            session_id: Set(Some(e.session as i32)),
            cut_kind: Set("none".into()),
            cut_value: Set(0.0),
            recheck_top: Set(10),
            recheck_share: Set(0.15),
            recheck_error_limit: Set(0.05),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("stage");
        let mut contestants = vec![];
        for (i, cand) in e.candidates.iter().enumerate() {
            let k = contestant::ActiveModel {
                competition_id: Set(c.id),
                event_id: Set(ev.id),
                group_id: Set(g.id),
                team_id: Set(None),
                name: Set(format!("选手{i}")),
                id_number: Set(cand.id_number.clone()),
                phone: Set(String::new()),
                organisation: Set(employers[i].clone()),
                org_kind: Set("employer".into()),
                leader: Set(String::new()),
                trainer: Set(String::new()),
                status: Set("accepted".into()),
                reason: Set(String::new()),
                number: Set(Some(format!("PACS26-AZ{:04}", i + 1))),
                registered_at: Set(now),
                registered_by: Set(None),
                reviewed_at: Set(Some(now)),
                reviewed_by: Set(None),
                ..Default::default()
            }
            .insert(&db)
            .await
            .expect("contestant");
            contestants.push(k.id);
            db.execute_raw(sea_orm::Statement::from_sql_and_values(
                db.get_database_backend(),
                if db.get_database_backend() == sea_orm::DbBackend::Postgres {
                    "INSERT INTO competition_anon (candidate_id, stage_id, group_id) VALUES ($1, $2, $3)"
                } else {
                    "INSERT INTO competition_anon (candidate_id, stage_id, group_id) VALUES (?, ?, ?)"
                },
                [(cand.id as i32).into(), s.id.into(), g.id.into()],
            ))
            .await
            .expect("anon row");
        }
        ScoredCompetition {
            e,
            db,
            event: ev.id,
            group: g.id,
            stage: s.id,
            contestants,
        }
    }

    /// Every judge marks candidate `c` on task `t` with `entries` and submits.
    pub async fn mark(&self, t: usize, c: usize, entries: &[f64; 4]) {
        for j in 0..3 {
            let r = self
                .e
                .mark_all(j, t, c, entries, 1000 + (t * 100 + c * 10) as i64)
                .await;
            assert_eq!(
                r.status(),
                StatusCode::OK,
                "judge {j} task {t} candidate {c}"
            );
        }
    }

    /// The head judge signs every task off.
    pub async fn lock(&self) {
        for t in &self.e.tasks {
            let r = self
                .e
                .app
                .post_json(
                    self.e.judge(0),
                    &format!("/api/judging/tasks/{t}/sign-off"),
                    &json!({}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "sign-off {t}");
        }
    }

    /// Stands in for the decryption ceremony (tested on its own in competition_final): both
    /// layers marked open and every anonymous candidate mapped to its contestant.
    pub async fn decrypt(&self) {
        for layer in [1, 2] {
            self.db
                .execute_unprepared(&format!(
                    "INSERT INTO competition_seals (stage_id, layer, holder_id, public_key, \
                     wrapped_key, created_at, opened_at) VALUES ({}, {layer}, 1, '', '', \
                     CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    self.stage
                ))
                .await
                .expect("open layer");
        }
        for (cand, k) in self.e.candidates.iter().zip(&self.contestants) {
            self.db
                .execute_unprepared(&format!(
                    "UPDATE competition_anon SET contestant_id = {k} WHERE candidate_id = {}",
                    cand.id
                ))
                .await
                .expect("decrypt");
        }
    }

    /// `path` under `/api/competitions`.
    pub fn url(&self, path: &str) -> String {
        format!("/api/competitions{path}")
    }
}
