//! Banks and questions over HTTP: shipped banks, browsing, search, editing as versions.

use crate::support::{TestApp, error_code, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn single(ident: &str) -> Value {
    json!({
        "ident": ident,
        "kind": "single",
        "category": ["法规", "保安服务管理条例"],
        "stem": "保安员应当年满多少周岁？",
        "options": ["16", "18", "20", "22"],
        "key": {"type": "choice", "correct": [1]},
        "points": 2,
        "difficulty": 2,
        "explanation": "《保安服务管理条例》第十六条：年满18周岁。",
        "source": "《保安服务管理条例》第十六条",
        "tags": ["保安员"]
    })
}

#[tokio::test]
async fn the_shipped_banks_load_with_every_question_and_a_restart_does_not_duplicate_them() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let banks = app.get_json(&t, "/api/banks").await;
    let banks = banks.as_array().unwrap();
    let codes: Vec<&str> = banks.iter().map(|b| b["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["ACC", "LAW", "PRA", "STD", "VID"]);
    let total: i64 = banks.iter().map(|b| b["questions"].as_i64().unwrap()).sum();
    // Retired questions stay in the files (old attempts keep resolving them) and are counted
    // above; the banks must still offer 300 questions that can be drawn.
    let active = |query: &str| {
        let url = format!("/api/questions?status=active&per_page=1{query}");
        let (app, t) = (&app, &t);
        async move { app.get_json(t, &url).await["total"].as_i64().unwrap() }
    };
    let drawable = active("").await;
    assert!(drawable >= 300, "only {drawable} active shipped questions");
    // The practical bank holds a few long tasks; the theory banks many questions.
    for b in banks.iter().filter(|b| b["code"] != "PRA") {
        let code = b["code"].as_str().unwrap();
        let n = active(&format!("&bank={code}")).await;
        assert!(n >= 50, "{code} has only {n} active questions");
    }
    // Every objective kind and some short answers are represented.
    for kind in [
        "single",
        "multiple",
        "true_false",
        "fill",
        "short",
        "practical",
    ] {
        let n = app
            .get_json(&t, &format!("/api/questions?kind={kind}&per_page=1"))
            .await["total"]
            .as_u64()
            .unwrap();
        assert!(n > 0, "no {kind} questions shipped");
    }
    // Restart on the same database: nothing new, nothing duplicated, no new versions.
    let again = TestApp::start(app.config.clone()).await;
    let t2 = again.admin().await;
    let banks2 = again.get_json(&t2, "/api/banks").await;
    let total2: i64 = banks2
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["questions"].as_i64().unwrap())
        .sum();
    assert_eq!(total, total2);
    let page = again
        .get_json(&t2, "/api/questions?bank=LAW&per_page=500")
        .await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["version"] == 1)
    );
}

/// A shipped bank file with two questions; `retired` marks the second as retired, `drop_first`
/// leaves the first out of the file.
fn ship_file(retired: bool, drop_first: bool) -> String {
    let q = |ident: &str, stem: &str, status: &str| {
        format!(
            "[[question]]\nid = \"{ident}\"\ntype = \"single\"\nstem = \"{stem}\"\n\
             options = [\"16\", \"18\", \"20\", \"22\"]\nanswer = \"B\"\n\
             explanation = \"第十六条\"\nsource = \"《保安服务管理条例》第十六条\"\n{status}\n"
        )
    };
    let mut out = String::from("[bank]\ncode = \"SHIP\"\nname = \"试运行题库\"\n\n");
    if !drop_first {
        out += &q("SHIP-1", "保安员应当年满多少周岁？", "");
    }
    let status = if retired { "status = \"retired\"" } else { "" };
    out += &q("SHIP-2", "申领保安员证应当年满多少周岁？", status);
    out
}

/// Whether an exam of `n` single-choice questions from SHIP can be drawn.
async fn ship_feasible(app: &TestApp, t: &str, n: usize) -> bool {
    let body = json!({"name": "x", "time_limit_minutes": 10, "pass_line": 0,
        "blueprint": {"sections": [{"cells": [{"bank": "SHIP", "kind": "single", "count": n, "points": 1}]}]}});
    let f: Value = app
        .post_json(t, "/api/exams/check", &body)
        .await
        .json()
        .await
        .unwrap();
    f["feasible"].as_bool().unwrap()
}

#[tokio::test]
async fn a_question_retired_in_its_file_leaves_the_draw_and_keeps_its_old_version() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ship.toml");
    std::fs::write(&file, ship_file(false, false)).unwrap();
    let app = TestApp::spawn_with(|c| c.bank_dir = Some(dir.path().into())).await;
    let t = app.admin().await;
    assert!(ship_feasible(&app, &t, 2).await);

    // The editor retires SHIP-2 in the file; the next start stores that as version 2.
    std::fs::write(&file, ship_file(true, false)).unwrap();
    let again = TestApp::start(app.config.clone()).await;
    let t = again.admin().await;
    assert!(!ship_feasible(&again, &t, 2).await);
    assert!(ship_feasible(&again, &t, 1).await);
    let page = again
        .get_json(&t, "/api/questions?bank=SHIP&per_page=10")
        .await;
    let items = page["items"].as_array().unwrap();
    let ship2 = items.iter().find(|q| q["ident"] == "SHIP-2").unwrap();
    assert_eq!(ship2["status"], "retired");
    let id = ship2["id"].as_i64().unwrap();
    let now = again.get_json(&t, &format!("/api/questions/{id}")).await;
    assert_eq!(now["version"], 2);
    // What an old attempt saw is still there.
    let old = again
        .get_json(&t, &format!("/api/questions/{id}/versions/1"))
        .await;
    assert_eq!(old["body"]["status"], "active");
    assert_eq!(old["body"]["stem"], "申领保安员证应当年满多少周岁？");

    // Leaving a question out of the file does not take it out of the draw: that is why the
    // shipped banks retire questions instead of deleting them.
    std::fs::write(&file, ship_file(true, true)).unwrap();
    let third = TestApp::start(app.config.clone()).await;
    let t = third.admin().await;
    let active = third
        .get_json(&t, "/api/questions?bank=SHIP&status=active")
        .await;
    assert_eq!(active["total"], 1);
    assert_eq!(active["items"][0]["ident"], "SHIP-1");
}

#[tokio::test]
async fn every_shipped_question_has_a_source_and_an_explanation() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let page = app.get_json(&t, "/api/questions?per_page=500").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, page["total"].as_u64().unwrap());
    for q in items {
        let full = app
            .get_json(&t, &format!("/api/questions/{}", q["id"]))
            .await;
        let b = &full["body"];
        assert!(
            !b["source"].as_str().unwrap_or("").is_empty(),
            "{} has no source",
            b["ident"]
        );
        assert!(
            !b["explanation"].as_str().unwrap_or("").is_empty(),
            "{} has no explanation",
            b["ident"]
        );
    }
}

#[tokio::test]
async fn an_author_browses_the_category_tree_and_searches_questions() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.user_with_roles("liu.author", &["author"]).await;
    let tree = app.get_json(&t, "/api/banks/VID/categories").await;
    let top = tree.as_array().unwrap();
    assert!(!top.is_empty());
    let sum: i64 = top.iter().map(|c| c["questions"].as_i64().unwrap()).sum();
    assert_eq!(sum as u64, app.count(&t, "VID").await);
    let first = &top[0];
    let path = first["path"].as_str().unwrap();
    let in_cat = app
        .get_json(
            &t,
            &format!(
                "/api/questions?bank=VID&category={}&per_page=1",
                urlencode(path)
            ),
        )
        .await;
    assert_eq!(
        in_cat["total"].as_i64().unwrap(),
        first["questions"].as_i64().unwrap()
    );
    let hits = app
        .get_json(&t, &format!("/api/questions?q={}", urlencode("保安")))
        .await;
    assert!(hits["total"].as_u64().unwrap() > 0);
    for q in hits["items"].as_array().unwrap() {
        let s = q["stem"].as_str().unwrap();
        let id = q["ident"].as_str().unwrap();
        assert!(s.contains("保安") || id.contains("保安"), "{s}");
    }
    let r = app.get(&t, "/api/questions?kind=essay").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "unknown_kind".into())
    );
    let r = app.get(&t, "/api/banks/NOPE/categories").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "bank_not_found".into())
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn editing_a_question_makes_a_new_version_and_the_old_one_stays_readable() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "LAWX").await;
    let r = app
        .post_json(&t, "/api/banks/LAWX/questions", &single("LAWX-1"))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["version"], 1);

    let mut edited = single("LAWX-1");
    edited["stem"] = json!("依据《保安服务管理条例》，保安员应当年满多少周岁？");
    let r = app
        .put_json(
            &t,
            &format!("/api/questions/{id}"),
            &json!({"expected_version": 1, "body": edited}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v2: Value = r.json().await.unwrap();
    assert_eq!(v2["version"], 2);

    let old = app
        .get_json(&t, &format!("/api/questions/{id}/versions/1"))
        .await;
    assert_eq!(old["body"]["stem"], "保安员应当年满多少周岁？");
    assert_eq!(old["current_version"], 2);
    let history = app
        .get_json(&t, &format!("/api/questions/{id}/versions"))
        .await;
    assert_eq!(history.as_array().unwrap().len(), 2);

    // An editor working from version 1 is told the question moved on; nothing changes.
    let r = app
        .put_json(
            &t,
            &format!("/api/questions/{id}"),
            &json!({"expected_version": 1, "body": single("LAWX-1")}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "version_conflict".into())
    );
    // Saving the same content again makes no new version.
    let r = app
        .put_json(
            &t,
            &format!("/api/questions/{id}"),
            &json!({"body": edited}),
        )
        .await;
    let same: Value = r.json().await.unwrap();
    assert_eq!(same["version"], 2);
}

#[tokio::test]
async fn retiring_a_question_changes_its_status_not_its_version_and_is_audited() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "RET").await;
    let created: Value = app
        .post_json(&t, "/api/banks/RET/questions", &single("RET-1"))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let r = app
        .post_json(
            &t,
            &format!("/api/questions/{id}/status"),
            &json!({"status": "retired"}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["body"]["status"], "retired");
    // The status lives on the question, not in a new content version (issue 16).
    assert_eq!(v["version"], 1);
    let active = app
        .get_json(&t, "/api/questions?bank=RET&status=active")
        .await;
    assert_eq!(active["total"], 0);
    let log = app.get_json(&t, "/api/audit?target_type=question").await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"question.create") && actions.contains(&"question.retire"));
}

#[tokio::test]
async fn a_question_whose_key_does_not_match_its_options_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "BAD").await;
    let mut q = single("BAD-1");
    q["key"] = json!({"type": "choice", "correct": [7]});
    let r = app.post_json(&t, "/api/banks/BAD/questions", &q).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "invalid_question");
    assert_eq!(v["error"]["details"]["reason"], "key_out_of_range");
    let mut q = single("BAD-2");
    q["kind"] = json!("true_false");
    let r = app.post_json(&t, "/api/banks/BAD/questions", &q).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut q = single("BAD-3");
    q["difficulty"] = json!(9);
    let r = app.post_json(&t, "/api/banks/BAD/questions", &q).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_json(&t, "/api/banks/BAD/questions", &json!({"kind": "single"}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into())
    );
    assert_eq!(app.count(&t, "BAD").await, 0);
}

#[tokio::test]
async fn a_duplicate_identifier_or_bank_code_is_refused_with_409() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "DUP").await;
    assert_eq!(
        app.post_json(&t, "/api/banks/DUP/questions", &single("DUP-1"))
            .await
            .status(),
        StatusCode::CREATED
    );
    let r = app
        .post_json(&t, "/api/banks/DUP/questions", &single("DUP-1"))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "identifier_exists".into())
    );
    let r = app
        .post_json(&t, "/api/banks", &json!({"code": "dup", "name": "again"}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "bank_exists".into())
    );
    let r = app
        .post_json(&t, "/api/banks", &json!({"code": "有 空格", "name": "x"}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_bank_code".into())
    );
    assert_eq!(app.count(&t, "DUP").await, 1);
}

#[tokio::test]
async fn an_uploaded_image_is_served_and_usable_in_a_stem() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "IMG").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRfake-image-bytes".to_vec();
    let r = app.post_bytes(&t, "/api/media", png.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let m: Value = r.json().await.unwrap();
    let url = m["url"].as_str().unwrap().to_string();
    let served = app.client.get(app.url(&url)).send().await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
    let mut q = single("IMG-1");
    q["stem"] = json!(format!("看图作答 ![监控画面]({url})"));
    assert_eq!(
        app.post_json(&t, "/api/banks/IMG/questions", &q)
            .await
            .status(),
        StatusCode::CREATED
    );
    let mut q = single("IMG-2");
    q["stem"] = json!(format!("看图 ![x](/api/media/{})", "0".repeat(64)));
    let r = app.post_json(&t, "/api/banks/IMG/questions", &q).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_image".into())
    );
    let r = app
        .post_bytes(&t, "/api/media", b"<script>alert(1)</script>".to_vec())
        .await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_image".into()
        )
    );
}

/// The review's finding on SQLite: eight parallel edits answered seven 500s "database is locked".
/// Staff writes of every kind sent at once must queue and all succeed, on both databases; only a
/// true conflict (two editors of the same version of one question) is refused, with 409.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_staff_edits_queue_and_all_succeed_and_only_a_true_conflict_is_refused() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    app.create_bank(&t, "PAR").await;
    let mut ids = vec![];
    for i in 0..8 {
        let r = app
            .post_json(&t, "/api/banks/PAR/questions", &single(&format!("PAR-{i}")))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let exam = json!({"name": "并发编辑", "time_limit_minutes": 30, "pass_line": 1,
        "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "single", "count": 5, "points": 1}]}]}});
    let r = app.post_json(&t, "/api/exams", &exam).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let exam_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let now = chrono::Utc::now();
    let r = app
        .post_json(
            &t,
            "/api/sessions",
            &json!({"exam_id": exam_id, "name": "并发场次",
            "starts_at": now, "ends_at": now + chrono::Duration::hours(2),
            "rooms": [{"name": "第一考场", "seats": 50}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let sid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // Eight of each at once: exam edits, question edits, bank creates, candidates added.
    let mut requests: Vec<(&str, String, Value)> = vec![];
    for i in 0..8u32 {
        let mut e = exam.clone();
        e["name"] = json!(format!("并发编辑 {i}"));
        requests.push((
            "PUT",
            format!("/api/exams/{exam_id}"),
            json!({"definition": e}),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        let mut body = single(&format!("PAR-{i}"));
        body["stem"] = json!(format!("保安员应当年满多少周岁？（第{i}版）"));
        requests.push((
            "PUT",
            format!("/api/questions/{id}"),
            json!({"expected_version": 1, "body": body}),
        ));
    }
    for i in 0..8u32 {
        requests.push((
            "POST",
            "/api/banks".into(),
            json!({"code": format!("PAR{i}"), "name": format!("并发题库{i}")}),
        ));
    }
    for i in 0..8u32 {
        requests.push((
            "POST",
            format!("/api/sessions/{sid}/candidates"),
            json!({"name": format!("考生{i}"), "id_number": id_number("19900101", 300 + i)}),
        ));
    }
    let (app_ref, t_ref) = (&app, &t);
    let requests = requests.into_iter().map(|(method, path, body)| async move {
        if method == "PUT" {
            app_ref.put_json(t_ref, &path, &body).await
        } else {
            app_ref.post_json(t_ref, &path, &body).await
        }
    });
    let mut failures = vec![];
    for r in futures_util::future::join_all(requests).await {
        if !r.status().is_success() {
            let status = r.status();
            failures.push(format!("{status}: {}", r.text().await.unwrap_or_default()));
        }
    }
    assert_eq!(failures, Vec::<String>::new(), "every edit succeeds");
    assert_eq!(
        app.get_json(&t, &format!("/api/sessions/{sid}/candidates"))
            .await
            .as_array()
            .unwrap()
            .len(),
        8
    );

    // Two editors of the same version of one question: one wins, the other is told (409).
    let path = format!("/api/questions/{}", ids[0]);
    let edits = (0..2).map(|i| {
        let mut body = single("PAR-0");
        body["stem"] = json!(format!("同时编辑 {i}"));
        let path = &path;
        async move {
            app_ref
                .put_json(t_ref, path, &json!({"expected_version": 2, "body": body}))
                .await
        }
    });
    let mut statuses: Vec<u16> = futures_util::future::join_all(edits)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    statuses.sort();
    assert_eq!(statuses, vec![200, 409]);
}

/// Another process holding SQLite's write lock (a backup tool, a second server on the same file)
/// made writes answer 500. They wait for the lock up to the busy timeout, then answer 503
/// `server_busy` with Retry-After and change nothing; once the lock is gone they succeed.
#[tokio::test]
async fn a_database_locked_by_another_process_answers_503_server_busy_and_changes_nothing() {
    if std::env::var("TEST_POSTGRES_URL").is_ok() {
        eprintln!("SQLite only: PostgreSQL has no file lock to hold");
        return;
    }
    let app = TestApp::spawn_with(|c| c.db_busy_timeout_ms = 300).await;
    let t = app.admin().await;
    // Another program's connection (not ours, so outside this process's queue of writers)
    // takes the write lock and keeps it.
    use sea_orm::ConnectionTrait;
    let mut opts = sea_orm::ConnectOptions::new(app.database_url.clone());
    opts.max_connections(1).min_connections(1);
    let other = sea_orm::Database::connect(opts).await.unwrap();
    other.execute_unprepared("BEGIN IMMEDIATE").await.unwrap();

    let r = app
        .post_json(&t, "/api/banks", &json!({"code": "HELD", "name": "被锁"}))
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().get("retry-after").is_some());
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "server_busy");

    other.execute_unprepared("ROLLBACK").await.unwrap();
    let r = app.get(&t, "/api/banks/HELD").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "nothing was written");
    let r = app
        .post_json(&t, "/api/banks", &json!({"code": "HELD", "name": "被锁"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

/// A big import is written in short transactions (so candidates' saves get the write lock in
/// between) into a hidden staging bank first. A stop in the middle must never leave half a file
/// visible: at the next start, an import whose questions were all written and checked is
/// finished, and any other is removed with the categories it made.
#[tokio::test]
async fn an_import_interrupted_by_a_stop_is_finished_or_undone_at_the_next_start() {
    use exam_platform::bank::{model, repo};
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "HALF").await;
    app.create_bank(&t, "DONE").await;
    let db = exam_platform::db::connect(&app.database_url, 1)
        .await
        .unwrap();
    let half = repo::bank_by_code(&db, "HALF").await.unwrap().unwrap();
    let done = repo::bank_by_code(&db, "DONE").await.unwrap().unwrap();
    let question = |ident: &str| {
        let body: model::QuestionBody = serde_json::from_value(single(ident)).unwrap();
        model::Question::parse(body).unwrap()
    };
    // What a stop leaves: one import still writing (with a category it made), one publishing.
    let cats = repo::ensure_categories(&db, half.id, [vec!["半途".to_string()]])
        .await
        .unwrap();
    let writing = repo::create_staging(
        &db,
        &repo::Staging {
            target: half.id,
            state: repo::StagingState::Staging,
            categories: cats.values().copied().collect(),
        },
    )
    .await
    .unwrap();
    let staged: Vec<_> = (0..3).map(|i| question(&format!("HALF-{i}"))).collect();
    repo::insert_questions(&db, writing.id, &staged, &cats, None, false, &|_| {})
        .await
        .unwrap();
    let publishing = repo::create_staging(
        &db,
        &repo::Staging {
            target: done.id,
            state: repo::StagingState::Publishing,
            categories: vec![],
        },
    )
    .await
    .unwrap();
    let staged: Vec<_> = (0..4).map(|i| question(&format!("DONE-{i}"))).collect();
    repo::insert_questions(
        &db,
        publishing.id,
        &staged,
        &std::collections::HashMap::new(),
        None,
        false,
        &|_| {},
    )
    .await
    .unwrap();
    // Nobody sees staged questions, nor the hidden banks.
    assert_eq!(app.count(&t, "HALF").await, 0);
    let all = app.get_json(&t, "/api/questions?q=HALF-").await;
    assert_eq!(all["total"], 0, "{all}");
    let banks = app.get_json(&t, "/api/banks").await;
    assert_eq!(banks.as_array().unwrap().len(), 2, "{banks}");
    // Both stopped an hour ago (on PostgreSQL a fresh staging may belong to another instance).
    use sea_orm::ConnectionTrait;
    let hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    db.execute_raw(exam_platform::db::stmt(
        &db,
        "UPDATE banks SET updated_at = ? WHERE id IN (?, ?)",
        [hour_ago.into(), writing.id.into(), publishing.id.into()],
    ))
    .await
    .unwrap();
    db.close().await.ok();

    // The next start.
    let app = TestApp::start(app.config.clone()).await;
    let t = app.admin().await;
    assert_eq!(
        app.count(&t, "HALF").await,
        0,
        "the unfinished import is undone"
    );
    let tree = app.get_json(&t, "/api/banks/HALF/categories").await;
    assert!(
        !tree.to_string().contains("半途"),
        "and the category it made is gone: {tree}"
    );
    assert_eq!(
        app.count(&t, "DONE").await,
        4,
        "the checked import is finished"
    );
    let banks = app.get_json(&t, "/api/banks").await;
    assert_eq!(banks.as_array().unwrap().len(), 2);
}
