//! Competition registration import benchmark: a national-scale file of 5,000 registrations
//! (XLSX, the ten template columns, two groups, one event) imported over HTTP into the app on a
//! fresh SQLite file (in this process, as the API tests run it): every row checked (ID number,
//! phone, the group's eligibility rules with the age on the first day, duplicates in the event),
//! then stored in one transaction. Each run imports into a new competition; prints the median,
//! min and max of the whole request (upload, read, check, store), pending and accepted at once.
//!
//! Run: `cargo bench --bench competition_import` (ROWS=… sizes the file, RUNS=… the runs;
//! BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 runs it on PostgreSQL).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use exam_platform::config::Config;
use exam_platform::startup::Application;
use reqwest::Client;
use serde_json::{Value, json};
use std::time::Instant;

const ADMIN: &str = "bench-admin-password";

#[path = "support/mod.rs"]
mod support;
use support::env;

/// A valid ID number for the `i`-th registrant: a birth date between 1970 and 2003, a sequence.
fn id_number(i: usize) -> String {
    let base = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let birth = base + Duration::days((i / 900) as i64 * 7 + (i % 12) as i64);
    let body = format!("440106{}{:03}", birth.format("%Y%m%d"), i % 900);
    let check = exam_platform::exam::identity::id_check_char(&body).expect("17 digits");
    format!("{body}{check}")
}

fn workbook(rows: usize) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    let header = [
        "姓名",
        "身份证号",
        "手机号",
        "工作单位/学校",
        "单位类型",
        "赛项",
        "组别",
        "团队",
        "领队",
        "指导教师",
    ];
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(0, j as u16, *h).unwrap();
    }
    for i in 0..rows {
        let student = i % 5 == 0;
        let cells = [
            format!("选手{i:05}"),
            id_number(i),
            format!("139{:08}", i),
            if student {
                "全国安防职业技术学院".to_string()
            } else {
                format!("第{}安防工程有限公司", i % 300)
            },
            if student { "学校" } else { "单位" }.to_string(),
            "A".to_string(),
            if student { "学生组" } else { "职工组" }.to_string(),
            String::new(),
            format!("领队{}", i % 300),
            String::new(),
        ];
        for (j, c) in cells.iter().enumerate() {
            sheet.write_string(i as u32 + 1, j as u16, c).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn post(client: &Client, base: &str, token: &str, path: &str, body: Value) -> Value {
    let r = client
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "POST {path}: {status} {v}");
    v
}

/// A competition with one event and the two groups; returns its id.
async fn competition(client: &Client, base: &str, token: &str, run: usize) -> i64 {
    let c = post(
        client,
        base,
        token,
        "/api/competitions",
        json!({"name": format!("全国安防职业技能竞赛 {run}"), "code": format!("NAT{run}"),
               "held_on": "2026-12-10T01:00:00Z", "schools": ["全国安防职业技术学院"]}),
    )
    .await;
    let id = c["id"].as_i64().unwrap();
    post(
        client,
        base,
        token,
        &format!("/api/competitions/{id}/events"),
        json!({"name": "安全防范系统安装维护", "code": "A", "kind": "individual"}),
    )
    .await;
    post(
        client,
        base,
        token,
        &format!("/api/competitions/{id}/groups"),
        json!({"name": "职工组", "code": "Z", "rules": {"org_kind": "employer", "min_age": 18}}),
    )
    .await;
    post(
        client,
        base,
        token,
        &format!("/api/competitions/{id}/groups"),
        json!({"name": "学生组", "code": "X",
               "rules": {"org_kind": "school", "registered_school": true, "max_age": 60}}),
    )
    .await;
    id
}

fn stats(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    println!(
        "{label}: median {median:.0} ms, min {:.0} ms, max {:.0} ms over {} runs",
        ms[0],
        ms[ms.len() - 1],
        ms.len()
    );
}

async fn run(rows: usize, runs: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pg_drop = None;
    let url = match std::env::var("BENCH_POSTGRES_URL") {
        Ok(server) => {
            let server = server.trim_end_matches('/').to_string();
            let name = format!("exam_bench_competition_{}", std::process::id());
            pg_drop = Some((server.clone(), name.clone()));
            let admin = sea_orm::Database::connect(format!("{server}/postgres"))
                .await
                .expect("postgres");
            use sea_orm::ConnectionTrait;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .expect("drop");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create");
            format!("{server}/{name}")
        }
        Err(_) => format!("sqlite://{}", dir.path().join("bench.db").display()),
    };
    let config = Config {
        bind: "127.0.0.1:0".into(),
        database_url: url,
        admin_password: Some(ADMIN.into()),
        bank_dir: None,
        announce: false,
        ..Config::default()
    };
    let app = Application::build(config).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = Client::new();
    let login = post(
        &client,
        &base,
        "",
        "/api/auth/login",
        json!({"username": "admin", "password": ADMIN}),
    )
    .await;
    let token = login["token"].as_str().unwrap().to_string();
    let t = Instant::now();
    let file = workbook(rows);
    println!(
        "{rows} rows: workbook of {} KB generated in {} ms",
        file.len() / 1024,
        t.elapsed().as_millis()
    );
    for accept in [false, true] {
        let mut ms = Vec::with_capacity(runs);
        for r in 0..runs {
            let id = competition(&client, &base, &token, r + if accept { 100 } else { 0 }).await;
            let t = Instant::now();
            let resp = client
                .post(format!(
                    "{base}/api/competitions/{id}/registrations/import?format=xlsx&accept={accept}"
                ))
                .bearer_auth(&token)
                .header("content-type", "application/octet-stream")
                .body(file.clone())
                .send()
                .await
                .unwrap();
            let status = resp.status();
            let v: Value = resp.json().await.unwrap_or(Value::Null);
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(status.is_success(), "import: {status} {v}");
            assert_eq!(v["imported"].as_u64(), Some(rows as u64), "{v}");
        }
        let label = if accept {
            format!("import of {rows} rows, accepted at once (numbers given)")
        } else {
            format!("import of {rows} rows, pending")
        };
        stats(&label, ms);
    }
    if let Some((server, name)) = pg_drop
        && let Ok(admin) = sea_orm::Database::connect(format!("{server}/postgres")).await
    {
        use sea_orm::ConnectionTrait;
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(env("ROWS", 5000), env("RUNS", 5)));
}
