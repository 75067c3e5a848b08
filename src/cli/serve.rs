//! `serve` and `demo`: the server, and the server on a fresh demo database. Both say where
//! tablets reach them, Chinese first with English, and warn when a tablet on the venue network
//! would get plain HTTP (no offline reload without HTTPS).

use super::config;
use exam_platform::competition::demo::{self as competition_demo, CompetitionDemo};
use exam_platform::config::Config;
use exam_platform::exam::results::beijing_time;
use exam_platform::exam::{demo, demo_history};
use exam_platform::practical::demo as practical_demo;
use exam_platform::startup::Application;
use exam_platform::tls::host::{bind_host, is_loopback_bind, is_unspecified_bind, reachable_bases};
use std::path::PathBuf;

pub async fn serve(config: Config) -> Result<(), String> {
    let app = Application::build(config.clone())
        .await
        .map_err(|e| e.to_string())?;
    announce(&config, &app);
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

/// Prints where the server listens and, on a network address without TLS, the warning; returns
/// the base addresses (`scheme://host:port`) a tablet can open.
fn announce(config: &Config, app: &Application) -> Vec<String> {
    let scheme = app.scheme();
    let host = bind_host(&config.bind);
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let port = app.port();
    println!("服务已启动：{scheme}://{host}:{port}（接口 /api，接口文档 /api/openapi.json）");
    // The browser tests and tests/api read this line: keep its start.
    println!("Listening on {scheme}://{host}:{port}  (API: /api, OpenAPI: /api/openapi.json)");
    let bases = reachable_bases(&config.bind, scheme, port);
    if is_unspecified_bind(&config.bind) {
        let list = bases
            .iter()
            .map(|b| format!("{b}/"))
            .collect::<Vec<_>>()
            .join("  ");
        println!("平板电脑和其他电脑请打开：{list}");
        println!("Tablets and other computers open: {list}");
    }
    if let (Some(bind), Some(redirect)) = (&config.http_redirect_bind, app.redirect_port()) {
        let rhost = bind_host(bind);
        println!("HTTP 跳转：http://{rhost}:{redirect} 上的访问都转到 HTTPS（端口 {port}）");
        println!("Plain HTTP on http://{rhost}:{redirect} redirects to HTTPS (port {port})");
        let ca_beside = config
            .tls
            .as_ref()
            .and_then(|t| t.cert.parent())
            .map(|d| d.join(exam_platform::startup::VENUE_CA_FILE).is_file());
        if ca_beside == Some(true) {
            let file = exam_platform::startup::VENUE_CA_FILE;
            let at = reachable_bases(bind, "http", redirect)
                .iter()
                .map(|b| format!("{b}/{file}"))
                .collect::<Vec<_>>()
                .join("  ");
            println!("平板电脑可在浏览器打开 {at} 下载考点根证书并安装");
            println!("Tablets can download the venue CA to install at {at}");
        }
    }
    if scheme == "http" && !is_loopback_bind(&config.bind) {
        let warning = plain_http_warning(&config.bind);
        println!("{warning}");
        eprintln!("{warning}");
    }
    println!("数据库 Database: {}", super::redact(&config.database_url));
    bases
}

/// What a server on a network address without TLS says at start, Chinese then English.
fn plain_http_warning(bind: &str) -> String {
    format!(
        "注意：服务器在网络地址 {bind} 上以未加密的 HTTP 运行。平板电脑断网时刷新页面，会看到浏览器的错误页而不是考试\
         （离线作答需要 HTTPS：浏览器只在 HTTPS 下启用离线功能）。\
         解决办法：运行 `exam-platform tls` 生成证书，把根证书装到平板电脑上，再用它打印的 TLS_CERT=… TLS_KEY=… 启动。\n\
         Warning: serving plain HTTP on the network address {bind}. A tablet that reloads the page while the \
         network is down will show the browser's error page instead of the exam (offline use needs HTTPS: \
         browsers enable the service worker only there). To fix it, run `exam-platform tls` to make a \
         certificate, install its CA on the tablets, and start with the TLS_CERT=… TLS_KEY=… it prints."
    )
}

pub async fn demo() -> Result<(), String> {
    let mut config = config()?;
    let fresh = std::env::var("DATABASE_URL").is_err();
    if fresh {
        let path = PathBuf::from("data/demo.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        config.database_url = format!("sqlite://{}", path.display());
    }
    if config.admin_password.is_none() {
        config.admin_password = Some("demo-admin".into());
    }
    let app = Application::build(config.clone())
        .await
        .map_err(|e| e.to_string())?;
    // Made before serving, so the printed tickets work from the first request.
    let d = demo::ensure(&app.state().db, chrono::Utc::now())
        .await
        .map_err(|e| {
            format!(
                "无法创建演示数据 cannot create the demo data: {}: {}",
                e.code, e.message
            )
        })?;
    let bases = announce(&config, &app);
    let addr = bases.first().cloned().unwrap_or_default();
    let pw = config.admin_password.clone().unwrap_or_default();
    let until = beijing_time(d.ends_at);
    println!();
    println!(
        "演示：{}数据库，已载入自带题库，工作人员登录 admin / {pw}",
        if fresh { "全新" } else { "已有" }
    );
    println!(
        "Demo: {} database, shipped banks loaded, staff login admin / {pw}",
        if fresh { "fresh" } else { "existing" }
    );
    println!(
        "考试 {}（编号 {}）；场次 {} {} {}（编号 {}{}），开放至 {until}（北京时间）",
        demo::EXAM_NAME,
        d.exam_id,
        demo::SESSION_NAME,
        demo::SESSION_NUMBER,
        demo::SESSION_VENUE,
        d.session_id,
        if d.created {
            ""
        } else {
            "，上次启动时创建"
        },
    );
    println!(
        "Exam {} (id {}); session {} {} {} (id {}{}), open until {until} Beijing time (UTC+8)",
        demo::EXAM_NAME,
        d.exam_id,
        demo::SESSION_NAME,
        demo::SESSION_NUMBER,
        demo::SESSION_VENUE,
        d.session_id,
        if d.created {
            ""
        } else {
            ", from an earlier start"
        },
    );
    if d.ends_at <= chrono::Utc::now() {
        println!("  （考试时段已结束，考生无法再开始作答；请使用全新数据库）");
        println!("  (its window has closed: candidates can no longer start; use a fresh database)");
    }
    println!();
    println!("  准考证号 ticket    身份证号 ID number      姓名 name  考场 room  座位 seat");
    for c in &d.candidates {
        println!(
            "  {:<17} {:<23} {}  {}  {:>3}",
            c.ticket, c.id_number, c.name, c.room, c.seat
        );
    }
    // A past session (第七十三期) of ~200 simulated sittings, released with its statistics
    // stored, so item analytics has pooled figures and calibrations to show. The browser
    // tests, which do not need it, skip it with DEMO_HISTORY=0.
    if std::env::var("DEMO_HISTORY").as_deref() != Ok("0") {
        let state = app.state();
        let past = demo_history::ensure(&state.db, &state.exams, chrono::Utc::now())
            .await
            .map_err(|e| {
                format!(
                    "无法创建往期演示场次 cannot create the past demo session: {}: {}",
                    e.code, e.message
                )
            })?;
        println!();
        println!(
            "往期场次 {} {} {}（编号 {}）：{} 人已考完、成绩已发布，题目统计见控制台“题目分析” {addr}/console#/analytics",
            demo::SESSION_NAME,
            demo_history::SESSION_NUMBER,
            demo_history::SESSION_VENUE,
            past.session_id,
            past.sittings,
        );
        println!(
            "Past session {} (id {}): {} sittings finished and released; item statistics in the console under 题目分析 Item analysis, {addr}/console#/analytics",
            demo_history::SESSION_NUMBER,
            past.session_id,
            past.sittings,
        );
    }
    let pd = practical_demo::ensure(&app.state().db, chrono::Utc::now())
        .await
        .map_err(|e| {
            format!(
                "无法创建实操考核演示数据 cannot create the practical demo: {}: {}",
                e.code, e.message
            )
        })?;
    println!();
    println!(
        "实操考核：场次 {} {} {}（编号 {}），考评员平板打开 {addr}/judge，考评组长 {} / {jpw}，考评员 {} / {jpw}；全部考生已检录：",
        practical_demo::SESSION_NAME,
        practical_demo::SESSION_NUMBER,
        practical_demo::SESSION_VENUE,
        pd.session_id,
        practical_demo::JUDGES[0].0,
        practical_demo::JUDGES[1..]
            .iter()
            .map(|j| j.0)
            .collect::<Vec<_>>()
            .join("、"),
        jpw = practical_demo::JUDGE_PASSWORD,
    );
    println!(
        "Practical assessment: session {} (id {}); judges mark on {addr}/judge: head judge {} / {jpw}, judges {} / {jpw}; everyone is checked in:",
        practical_demo::SESSION_NAME,
        pd.session_id,
        practical_demo::JUDGES[0].0,
        practical_demo::JUDGES[1..]
            .iter()
            .map(|j| j.0)
            .collect::<Vec<_>>()
            .join(", "),
        jpw = practical_demo::JUDGE_PASSWORD,
    );
    for (ticket, name, code) in &pd.codes {
        println!("  · 检录号 work code {code}  {name}（{ticket}）");
    }
    // The competition demo sits a theory preliminary and marks a final through the services,
    // which takes a few seconds; the browser tests, which make their own, skip it.
    if std::env::var("DEMO_COMPETITION").as_deref() != Ok("0") {
        let state = app.state();
        let cd = competition_demo::ensure(&state.db, &state.exams, chrono::Utc::now())
            .await
            .map_err(|e| {
                format!(
                    "无法创建竞赛演示数据 cannot create the competition demo: {}: {}",
                    e.code, e.message
                )
            })?;
        print_competition(&addr, &cd);
    }
    println!();
    let tablet = bases.iter().map(|b| format!("{b}/")).collect::<Vec<_>>();
    println!(
        "考生作答：在平板电脑（或平板大小的浏览器窗口）上打开 {}，用准考证号和身份证号登录。",
        tablet.join(" 或 ")
    );
    println!("监考和阅卷：工作人员控制台 {addr}/console（admin / {pw}）。");
    println!("也可以直接调用接口（例如用 curl），见下方英文说明和 {addr}/api/openapi.json。");
    println!();
    // The browser tests wait for this line: every candidate row is printed before it.
    println!(
        "Sit the exam: open {} on a tablet (or a browser window of tablet size) and log in with a ticket and ID number.",
        tablet.join(" or ")
    );
    println!("Watch the room and mark: the staff console at {addr}/console (admin / {pw}).");
    println!("Or over the API, e.g. with curl:");
    println!(
        "  POST /api/candidate/login {{\"ticket\",\"id_number\"}} → token, attempt_id; then with -H 'authorization: Bearer <token>'"
    );
    println!(
        "  GET /api/attempts/{{id}}/paper, PUT /api/attempts/{{id}}/answers/{{question_id}} {{\"response\":…,\"seq\":1}}, POST /api/attempts/{{id}}/submit\n  (request and response shapes: /api/openapi.json)"
    );
    println!("Staff: curl -s -X POST {addr}/api/auth/login -H 'content-type: application/json' \\");
    println!("        -d '{{\"username\":\"admin\",\"password\":\"{pw}\"}}'");
    println!(
        "       then GET /api/sessions/{}/candidates or /api/questions?bank=VID with -H 'authorization: Bearer <token>'",
        d.session_id
    );
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

/// What is left to try in the demo competition, and who does it.
fn print_competition(addr: &str, cd: &CompetitionDemo) {
    let judges = competition_demo::JUDGES
        .iter()
        .map(|j| j.0)
        .collect::<Vec<_>>()
        .join("、");
    let [(enc, _, enc_pass), (sup, _, sup_pass)] = competition_demo::HOLDERS;
    let pw = competition_demo::PASSWORD;
    let (c, s) = (cd.competition_id, cd.final_stage);
    println!();
    println!(
        "竞赛：{}（编号 {c}{}）。理论初赛已考完、晋级名单已确认；实操决赛已检录、二次加密、五名裁判评分并由裁判长签字锁定，复核已录入。",
        competition_demo::NAME,
        if cd.created {
            ""
        } else {
            "，上次启动时创建"
        }
    );
    println!(
        "  接着在控制台 {addr}/console 依次：审核两条待审报名 → 完成复核（监督 {sup} / {pw}，竞赛密钥与检录 → 决赛阶段编号 {s}）→ 解密：先由监督 {sup} 用口令 {sup_pass} 解开二次加密，再由加密裁判 {enc} / {pw} 用口令 {enc_pass} 解开一次加密 → 查看排名。"
    );
    println!("  裁判（{judges}，密码 {pw}）可在 {addr}/judge 查看已锁定的评分表。");
    println!(
        "Competition: {} (id {c}); theory preliminary sat and cut confirmed; the final checked in, encrypted twice, marked by five judges, signed off, recheck entered.",
        competition_demo::NAME
    );
    println!(
        "  Then in the console: review the two pending registrations, finish the recheck (supervisor {sup} / {pw}), decrypt (supervisor {sup} with passphrase {sup_pass} first, then the encryption judge {enc} / {pw} with {enc_pass}), see the ranking. Final stage id {s}."
    );
    // Issue 15: results in public, appeals, the board and awards.
    let code = competition_demo::CODE;
    let [award, skill] = competition_demo::AWARD_TYPES;
    let (arb, leader, leader_code) = cd
        .appeals
        .clone()
        .unwrap_or_else(|| ("zhongcai".into(), "领队 何建国".into(), "?".into()));
    println!(
        "  公示、申诉与颁奖：成绩大屏 {addr}/board?c={code}；控制台 竞赛 → 成绩大屏 可封榜。竞赛 → 成绩公示 逐组发布公示成绩（申诉期）；申诉页 {addr}/appeal：「{leader}」（职工组领队）用访问码 {leader_code}，或选手用参赛证号 + 身份证号（报名列表）登录申诉；监督仲裁组 {arb} / {pw} 在 申诉仲裁 受理并裁决；申诉期结束后 确认最终成绩；成绩大屏 → 颁奖揭晓 逐步揭晓；竞赛 → 奖项与证书 评定奖项、颁发证书（{award} 获奖证书、{skill} 专项职业能力证书），证书二维码可扫码验证。"
    );
    println!(
        "  Results in public: the board at {addr}/board?c={code} (freeze it under 竞赛 → 成绩大屏); publish provisional results per group under 成绩公示; appeal at {addr}/appeal as 「{leader}」 with leader code {leader_code} or as a contestant (number + ID number); the arbitrator {arb} / {pw} decides under 申诉仲裁; make the results final once the window has closed; play the reveal on the board screen; evaluate awards and issue certificates ({award}, {skill}) under 奖项与证书 and verify one by its QR code."
    );
}
