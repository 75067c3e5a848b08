//! Competition results over HTTP: the cut confirmed once, the recheck's selection (top 10 and a
//! seeded sample that re-derives) with differences and the re-mark trigger, and the ranking
//! refused on unlocked scores and before decryption, then a tie broken by the chain.

use crate::support::{FULL, LOW, ScoredCompetition, error_code};
use exam_platform::competition::entity::{stage, stage_entry};
use exam_platform::competition::recheck::{Reason, group_seed, select};
use exam_platform::exam::entity::attempt::{self, AttemptStatus, SubmittedBy};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Distinct entries per candidate (all 12 practical scores differ).
fn entries(i: usize) -> [f64; 4] {
    let m = if i < 6 { 1.0 } else { 0.0 };
    let r = i % 6;
    [m, [0.0, 3.0, 10.0][r % 3], [3.0, 2.0][r / 3], 0.0]
}

#[tokio::test]
async fn ranking_is_refused_on_unlocked_scores_and_before_decryption_then_a_tie_goes_by_module() {
    let c = ScoredCompetition::create(2, &["modules"]).await;
    let app = &c.e.app;
    // Equal practical scores (80 each) from opposite task scores.
    c.mark(0, 0, &FULL).await;
    c.mark(1, 0, &LOW).await;
    c.mark(0, 1, &LOW).await;
    c.mark(1, 1, &FULL).await;
    let path = c.url(&format!("/events/{}/ranking?group={}", c.event, c.group));
    let r = app.get(&c.e.admin, &path).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "scores_not_locked".into())
    );
    c.lock().await;
    let r = app.get(&c.e.admin, &path).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "not_decrypted".into())
    );
    c.decrypt().await;
    let v: Value = app.get_json(&c.e.admin, &path).await;
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["total"], rows[1]["total"], "a tie on total: {v}");
    assert_eq!(rows[0]["contestant_id"], c.contestants[0]);
    assert_eq!(
        (rows[0]["rank"].as_u64(), rows[1]["rank"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(rows[1]["above"], json!({"by": "module", "index": 0}));
    assert_eq!(rows[1]["note_zh"], "同分，按模块1成绩排序");
    for (suffix, kind) in [
        ("ranking.xlsx", "spreadsheetml"),
        ("ranking.pdf", "application/pdf"),
    ] {
        let r = app
            .get(
                &c.e.admin,
                &c.url(&format!("/events/{}/{suffix}?group={}", c.event, c.group)),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{suffix}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.contains(kind), "{ct}");
    }
    // A judge is not an organiser.
    let r = app.get(c.e.judge(1), &path).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_recheck_takes_the_top_ten_and_a_seeded_sample_and_too_many_differences_reopen_every_task()
 {
    let c = ScoredCompetition::create(12, &[]).await;
    let app = &c.e.app;
    let checker = app.user_with_roles("recheck.a", &["supervisor"]).await;
    for i in 0..12 {
        c.mark(0, i, &entries(i)).await;
        c.mark(1, i, &entries(i)).await;
    }
    let path = c.url(&format!("/stages/{}/recheck", c.stage));
    let r = app.post_json(&checker, &path, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "scores_not_locked".into())
    );
    c.lock().await;
    let r = app.post_json(&checker, &path, &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let chosen = v["candidates"].as_array().unwrap();
    let top = chosen.iter().filter(|x| x["reason"] == "top").count();
    let sample = chosen.iter().filter(|x| x["reason"] == "sample").count();
    // Ten on top, ⌈15 % of the other 2⌉ = 1 drawn.
    assert_eq!((top, sample), (10, 1), "{v}");
    // The recorded seed re-derives the selection.
    let seed: u64 = v["seed"].as_str().unwrap().parse().unwrap();
    let results = exam_platform::practical::score::session_results(&c.db, c.e.session as i32)
        .await
        .unwrap();
    let scores: Vec<(i32, f64)> = results
        .rows
        .iter()
        .map(|r| (r.candidate_id, r.score))
        .collect();
    let code_of: HashMap<i64, &str> = (0..12)
        .map(|i| (c.e.candidates[i].id, c.e.code(i)))
        .collect();
    let derived: Vec<(String, &str)> = select(&scores, 10, 0.15, group_seed(seed, c.group))
        .into_iter()
        .map(|(k, r)| {
            (
                code_of[&(k as i64)].to_string(),
                if r == Reason::Top { "top" } else { "sample" },
            )
        })
        .collect();
    let mut shown: Vec<(String, &str)> = chosen
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_string(),
                x["reason"].as_str().unwrap(),
            )
        })
        .collect();
    let mut derived = derived;
    derived.sort();
    shown.sort();
    assert_eq!(shown, derived);
    // Codes only: no names anywhere in the recheck.
    assert!(!v.to_string().contains("选手"));
    let r = app.post_json(&checker, &path, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "recheck_pending".into())
    );
    let r = app
        .post_json(&checker, &format!("{path}/finish"), &json!({}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "recheck_pending".into())
    );
    // A judge is not on the recheck team.
    let r = app
        .put_json(
            c.e.judge(0),
            &format!("{path}/entries"),
            &json!({"code": c.e.code(0),
            "task_id": c.e.tasks[0], "judge_id": c.e.judges[0].id, "entries": []}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Re-enter every selected sheet; four sheets differ (4 / 66 > 5 %).
    let index: HashMap<&str, usize> = (0..12).map(|i| (c.e.code(i), i)).collect();
    let mut wrong = 0;
    for x in chosen {
        let code = x["code"].as_str().unwrap();
        let i = index[code];
        for s in x["sheets"].as_array().unwrap() {
            let mut e = entries(i);
            if wrong < 4 && s["judge_id"] == c.e.judges[1].id {
                e[2] = if e[2] == 3.0 { 2.0 } else { 3.0 };
                wrong += 1;
            }
            let body = json!({"code": code, "task_id": s["task_id"], "judge_id": s["judge_id"],
                "entries": e.iter().enumerate().map(|(a, v)| json!({"aspect": a, "entry": v})).collect::<Vec<_>>()});
            for _ in 0..2 {
                // Entering a sheet again replaces it.
                let r = app
                    .put_json(&checker, &format!("{path}/entries"), &body)
                    .await;
                assert_eq!(r.status(), StatusCode::OK);
            }
        }
    }
    let v: Value = app.get_json(&checker, &path).await;
    assert_eq!(v["differences"].as_array().unwrap().len(), 4);
    let r = app
        .post_json(&checker, &format!("{path}/finish"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "remark");
    assert_eq!(
        (v["sheets"].as_i64(), v["wrong_sheets"].as_i64()),
        (Some(66), Some(4))
    );
    // Every task is open again for re-marking, so there is no ranking.
    let board: Value = app
        .get_json(
            c.e.judge(0),
            &format!("/api/judging/tasks/{}", c.e.tasks[0]),
        )
        .await;
    assert!(board["locked_at"].is_null(), "{board}");
    c.decrypt().await;
    let r = app
        .get(
            &c.e.admin,
            &c.url(&format!("/events/{}/ranking?group={}", c.event, c.group)),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "scores_not_locked".into())
    );
}

#[tokio::test]
async fn the_cut_waits_for_the_theory_to_end_and_is_confirmed_once() {
    let c = ScoredCompetition::create(2, &[]).await;
    let app = &c.e.app;
    // A theory preliminary before the final, run on the fixture's session (nobody sat it).
    let theory = stage::ActiveModel {
        event_id: Set(c.event),
        position: Set(-1),
        name: Set("理论初赛".into()),
        kind: Set("theory".into()),
        weight: Set(0.3),
        session_id: Set(Some(c.e.session as i32)),
        cut_kind: Set("none".into()),
        cut_value: Set(0.0),
        recheck_top: Set(10),
        recheck_share: Set(0.15),
        recheck_error_limit: Set(0.05),
        ..Default::default()
    }
    .insert(&c.db)
    .await
    .unwrap();
    // The cut is set on the stage it admits to: the final.
    c.db.execute_unprepared(&format!(
        "UPDATE competition_stages SET cut_kind = 'top_n', cut_value = 1.0 WHERE id = {}",
        c.stage
    ))
    .await
    .unwrap();
    for (k, cand) in c.contestants.iter().zip(&c.e.candidates) {
        stage_entry::Entity::insert(stage_entry::ActiveModel {
            stage_id: Set(theory.id),
            contestant_id: Set(*k),
            candidate_id: Set(Some(cand.id as i32)),
            qualified_at: Set(None),
        })
        .exec_without_returning(&c.db)
        .await
        .unwrap();
    }
    let path = c.url(&format!("/stages/{}/cut", theory.id));
    let v: Value = app.get_json(&c.e.admin, &path).await;
    assert_eq!(v["ready"], false);
    assert_eq!(v["next_stage_id"], c.stage);
    let r = app.post_json(&c.e.admin, &path, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "cut_not_ready".into())
    );
    // The session ends: everyone who did not sit is absent and does not advance.
    c.db.execute_unprepared(&format!(
        "UPDATE exam_sessions SET ends_at = starts_at WHERE id = {}",
        c.e.session
    ))
    .await
    .unwrap();
    let r = app.post_json(&c.e.admin, &path, &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert!(v["confirmed_at"].is_string());
    assert_eq!(v["groups"][0]["advancing"], 0);
    let r = app.post_json(&c.e.admin, &path, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "cut_confirmed".into())
    );
    let r = app.get(&c.e.admin, &format!("{path}.pdf")).await;
    assert_eq!(r.status(), StatusCode::OK);
    // A judge may not confirm.
    let r = app.post_json(c.e.judge(0), &path, &json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn everyone_tied_at_a_top_n_cut_advances_to_the_final() {
    let c = ScoredCompetition::create(3, &[]).await;
    let app = &c.e.app;
    let theory = stage::ActiveModel {
        event_id: Set(c.event),
        position: Set(-1),
        name: Set("理论初赛".into()),
        kind: Set("theory".into()),
        weight: Set(0.3),
        session_id: Set(Some(c.e.session as i32)),
        cut_kind: Set("none".into()),
        cut_value: Set(0.0),
        recheck_top: Set(10),
        recheck_share: Set(0.15),
        recheck_error_limit: Set(0.05),
        ..Default::default()
    }
    .insert(&c.db)
    .await
    .unwrap();
    // The cut is set on the stage it admits to: the final.
    c.db.execute_unprepared(&format!(
        "UPDATE competition_stages SET cut_kind = 'top_n', cut_value = 2.0 WHERE id = {}",
        c.stage
    ))
    .await
    .unwrap();
    // Theory scores 45/50, 40/50, 40/50 (90, 80, 80 out of 100): the second place is shared.
    for (i, (k, cand)) in c.contestants.iter().zip(&c.e.candidates).enumerate() {
        stage_entry::Entity::insert(stage_entry::ActiveModel {
            stage_id: Set(theory.id),
            contestant_id: Set(*k),
            candidate_id: Set(Some(cand.id as i32)),
            qualified_at: Set(None),
        })
        .exec_without_returning(&c.db)
        .await
        .unwrap();
        attempt::ActiveModel {
            session_id: Set(c.e.session as i32),
            candidate_id: Set(cand.id as i32),
            number: Set(1),
            status: Set(AttemptStatus::Submitted),
            seed: Set(1),
            algorithm_version: Set(1),
            paper: Set("{}".into()),
            device_gen: Set(0),
            started_ms: Set(0),
            limit_ms: Set(1_800_000),
            extension_ms: Set(0),
            paused_ms: Set(0),
            paused_since_ms: Set(None),
            deadline_ms: Set(1_800_000),
            last_save_ms: Set(None),
            submitted_ms: Set(Some(1_200_000)),
            submitted_by: Set(Some(SubmittedBy::Candidate)),
            score: Set(Some(if i == 0 { 45.0 } else { 40.0 })),
            max_score: Set(50.0),
            passed: Set(Some(true)),
            pending_marks: Set(0),
            result: Set(None),
            last_seen_ms: Set(None),
            question_count: Set(4),
            ..Default::default()
        }
        .insert(&c.db)
        .await
        .unwrap();
    }
    c.db.execute_unprepared(&format!(
        "UPDATE exam_sessions SET ends_at = starts_at WHERE id = {}",
        c.e.session
    ))
    .await
    .unwrap();
    let path = c.url(&format!("/stages/{}/cut", theory.id));
    let r = app.post_json(&c.e.admin, &path, &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let rows = v["groups"][0]["rows"].as_array().unwrap();
    let ranks: Vec<(f64, u64, bool)> = rows
        .iter()
        .map(|r| {
            (
                r["score"].as_f64().unwrap(),
                r["rank"].as_u64().unwrap(),
                r["advances"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        vec![(90.0, 1, true), (80.0, 2, true), (80.0, 2, true)]
    );
    let admitted = stage_entry::Entity::find()
        .all(&c.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.stage_id == c.stage && e.qualified_at.is_some())
        .count();
    assert_eq!(admitted, 3);
}
