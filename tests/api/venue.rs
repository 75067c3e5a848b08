//! The venue network: `exam-platform tls` makes a CA and a server certificate, the server
//! serves HTTPS with them (and redirects plain HTTP there), refuses a key that is not the
//! certificate's, warns on a network address without TLS, and the demo says where tablets go,
//! Chinese first, in Beijing time.

use crate::support::shipped_banks;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_exam-platform");

/// A server binary that is killed when dropped, and what it printed.
struct Running {
    child: Child,
    lines: Receiver<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn start(subcommand: &str, dir: &Path, env: &[(&str, String)]) -> Running {
        let mut cmd = Command::new(BIN);
        cmd.arg(subcommand)
            .env("BIND", "127.0.0.1:0")
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.join("t.db").display()),
            )
            .env("ADMIN_PASSWORD", "venue-admin-pw")
            .env("BANK_DIR", shipped_banks())
            .env("RUST_LOG", "error")
            .env_remove("TLS_CERT")
            .env_remove("TLS_KEY")
            .env_remove("HTTP_REDIRECT_BIND")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start the server binary");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Running { child, lines }
    }

    /// The lines printed up to and including the first one starting with `last`.
    fn until(&self, last: &str) -> Vec<String> {
        let mut out = vec![];
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no line starting {last:?} after {out:#?}"));
            let done = line.starts_with(last);
            out.push(line);
            if done {
                return out;
            }
        }
    }
}

fn listening(lines: &[String]) -> String {
    lines
        .iter()
        .find_map(|l| l.strip_prefix("Listening on "))
        .and_then(|r| r.split_whitespace().next())
        .expect("a Listening on line")
        .to_string()
}

fn make_tls(dir: &Path, hosts: &[&str]) -> String {
    let mut cmd = Command::new(BIN);
    cmd.arg("tls").arg("--out").arg(dir);
    for h in hosts {
        cmd.arg("--host").arg(h);
    }
    let out = cmd.output().expect("run exam-platform tls");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn tls_env(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("TLS_CERT", dir.join("server.crt").display().to_string()),
        ("TLS_KEY", dir.join("server.key").display().to_string()),
    ]
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_tls_command_keeps_its_ca_and_says_what_to_install_chinese_first() {
    let dir = tempfile::tempdir().unwrap();
    let first = make_tls(dir.path(), &["exam.venue.test", "192.168.1.10"]);
    for f in ["ca.crt", "ca.der.crt", "ca.key", "server.crt", "server.key"] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.path().join("ca.key")), 0o600);
        assert_eq!(mode(&dir.path().join("server.key")), 0o600);
    }
    let zh = first.find("一、在每台平板电脑上安装根证书").expect(&first);
    let en = first.find("1. Install the CA").expect(&first);
    assert!(zh < en, "Chinese first:\n{first}");
    assert!(
        first.contains("设置 → 安全 → 加密与凭据 → 安装证书 → CA 证书"),
        "{first}"
    );
    assert!(first.contains("证书信任设置"), "{first}");
    assert!(first.contains("BIND=0.0.0.0:8443"), "{first}");
    assert!(first.contains("https://192.168.1.10:8443/"), "{first}");
    assert!(first.contains("新生成"), "{first}");

    let ca = std::fs::read(dir.path().join("ca.crt")).unwrap();
    let server = std::fs::read(dir.path().join("server.crt")).unwrap();
    let again = make_tls(dir.path(), &["exam.venue.test"]);
    assert!(again.contains("沿用上次生成的"), "{again}");
    assert_eq!(
        std::fs::read(dir.path().join("ca.crt")).unwrap(),
        ca,
        "the CA is kept"
    );
    assert_ne!(
        std::fs::read(dir.path().join("server.crt")).unwrap(),
        server
    );

    let bad = Command::new(BIN)
        .args(["tls", "--host", "https://exam.venue.test:8443", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("不要写 http://") && err.contains("without http://"),
        "{err}"
    );
}

#[tokio::test]
async fn with_tls_cert_and_key_the_server_speaks_https_and_redirects_plain_http_there() {
    let tls = tempfile::tempdir().unwrap();
    make_tls(tls.path(), &["exam.venue.test", "127.0.0.1"]);
    let db = tempfile::tempdir().unwrap();
    let mut env = tls_env(tls.path());
    env.push(("HTTP_REDIRECT_BIND", "127.0.0.1:0".into()));
    let server = Running::start("serve", db.path(), &env);
    let lines = server.until("数据库 Database");
    let base = listening(&lines);
    assert!(base.starts_with("https://127.0.0.1:"), "{lines:#?}");
    assert!(
        !lines.iter().any(|l| l.contains("注意")),
        "no warning on loopback: {lines:#?}"
    );
    let port: u16 = base.rsplit(':').next().unwrap().parse().unwrap();

    let ca =
        reqwest::Certificate::from_pem(&std::fs::read(tls.path().join("ca.crt")).unwrap()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(ca)
        .resolve("exam.venue.test", ([127, 0, 0, 1], port).into())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for url in [
        format!("https://exam.venue.test:{port}/api/health"),
        format!("{base}/api/health"),
    ] {
        let r = client.get(&url).send().await.expect(&url);
        assert_eq!(r.status(), 200, "{url}");
        assert_eq!(r.version(), reqwest::Version::HTTP_11, "{url}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
    // A client that does not trust the venue CA is refused.
    let stranger = reqwest::Client::builder().build().unwrap();
    assert!(
        stranger
            .get(format!("{base}/api/health"))
            .send()
            .await
            .is_err()
    );

    let redirect_line = lines
        .iter()
        .find(|l| l.starts_with("Plain HTTP on http://127.0.0.1:"))
        .expect("the redirect is announced");
    let rport = redirect_line
        .trim_start_matches("Plain HTTP on http://127.0.0.1:")
        .split_whitespace()
        .next()
        .unwrap();
    let r = client
        .get(format!("http://exam.venue.test:{rport}/console?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(
        r.headers()["location"],
        format!("https://exam.venue.test:{port}/console?x=1").as_str()
    );
    // The venue CA, for tablets to install before they trust HTTPS, over plain HTTP.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("/ca.der.crt 下载考点根证书")),
        "{lines:#?}"
    );
    let r = client
        .get(format!("http://127.0.0.1:{rport}/ca.der.crt"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-x509-ca-cert");
    let served = r.bytes().await.unwrap();
    assert_eq!(
        served.as_ref(),
        std::fs::read(tls.path().join("ca.der.crt"))
            .unwrap()
            .as_slice()
    );
}

#[test]
fn a_key_that_is_not_the_certificates_stops_the_start_with_a_reason_in_both_languages() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    make_tls(a.path(), &["exam.venue.test"]);
    make_tls(b.path(), &["exam.venue.test"]);
    let db = tempfile::tempdir().unwrap();
    let run = |env: &[(&str, String)]| {
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .env("BIND", "127.0.0.1:0")
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", db.path().join("t.db").display()),
            )
            .env("BANK_DIR", "")
            .env_remove("HTTP_REDIRECT_BIND");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(!out.status.success(), "the server must not start");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let err = run(&[
        (
            "TLS_CERT",
            a.path().join("server.crt").display().to_string(),
        ),
        ("TLS_KEY", b.path().join("server.key").display().to_string()),
    ]);
    assert!(
        err.contains("不匹配") && err.contains("does not belong"),
        "{err}"
    );
    let err = run(&[
        (
            "TLS_CERT",
            a.path().join("server.key").display().to_string(),
        ),
        ("TLS_KEY", a.path().join("server.key").display().to_string()),
    ]);
    assert!(
        err.contains("没有证书") && err.contains("no certificate"),
        "{err}"
    );
    let err = run(&[(
        "TLS_CERT",
        a.path().join("server.crt").display().to_string(),
    )]);
    assert!(
        err.contains("必须同时设置") && err.contains("together"),
        "{err}"
    );
}

#[test]
fn plain_http_on_a_network_address_warns_that_offline_reload_will_not_work() {
    let db = tempfile::tempdir().unwrap();
    let server = Running::start("serve", db.path(), &[("BIND", "0.0.0.0:0".into())]);
    let lines = server.until("数据库 Database").join("\n");
    let zh = lines.find("注意：服务器在网络地址").expect(&lines);
    let en = lines.find("Warning: serving plain HTTP").expect(&lines);
    assert!(zh < en, "{lines}");
    assert!(lines.contains("exam-platform tls"), "{lines}");
    assert!(
        lines.contains("Tablets and other computers open: http://"),
        "{lines}"
    );
    let open = lines
        .lines()
        .find(|l| l.starts_with("Tablets and other computers open"))
        .unwrap();
    if !exam_platform::tls::host::local_ipv4s().is_empty() {
        assert!(!open.contains("127.0.0.1"), "{open}");
        assert!(!open.contains("0.0.0.0"), "{open}");
    }
}

#[test]
fn the_demo_speaks_chinese_first_in_beijing_time_and_keeps_its_machine_readable_lines() {
    let db = tempfile::tempdir().unwrap();
    let server = Running::start("demo", db.path(), &[]);
    let lines = server.until("Sit the exam");
    let text = lines.join("\n");
    assert!(listening(&lines).starts_with("http://127.0.0.1:"), "{text}");
    assert!(!text.contains("注意"), "no warning on loopback: {text}");
    let zh = text.find("演示：").expect(&text);
    let en = text.find("Demo: ").expect(&text);
    assert!(zh < en, "{text}");
    assert!(
        text.contains("（北京时间）") && text.contains("Beijing time (UTC+8)"),
        "{text}"
    );
    assert!(
        !text.contains(" UTC\n") && !text.ends_with(" UTC"),
        "{text}"
    );
    assert!(text.contains("考生作答：在平板电脑"), "{text}");
    let rows = lines
        .iter()
        .filter(|l| l.trim_start().starts_with('K') && l.starts_with("  "))
        .count();
    assert_eq!(rows, 10, "{text}");
    let sit = lines.last().unwrap();
    assert!(
        sit.starts_with("Sit the exam: open http://127.0.0.1:"),
        "{sit}"
    );
}
