//! `tls`: a certificate the venue's tablets trust, for a venue without a public name. Makes (or
//! keeps) a local CA in the output folder and signs a server certificate for the given
//! addresses and names; tells, in Chinese then English, what to install and how to start.

use exam_platform::tls::ca::{LocalCa, to_time};
use exam_platform::tls::host::{Host, local_ipv4s};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files written in the output folder.
const CA_CERT: &str = "ca.crt";
const CA_DER: &str = "ca.der.crt";
const CA_KEY: &str = "ca.key";
const SERVER_CERT: &str = "server.crt";
const SERVER_KEY: &str = "server.key";

/// Runs `exam-platform tls --host … -o DIR --port PORT`.
pub fn run(hosts: &[String], out: &Path, port: u16) -> Result<(), String> {
    let mut parsed = hosts
        .iter()
        .map(|h| Host::parse(h))
        .collect::<Result<Vec<_>, _>>()?;
    if parsed.is_empty() {
        parsed = local_ipv4s()
            .into_iter()
            .map(|ip| Host::Ip(ip.into()))
            .collect();
        if parsed.is_empty() {
            return Err("找不到本机的局域网地址，请用 --host 指定 / \
                 found no LAN address of this machine; give one with --host"
                .into());
        }
        let list = join(&parsed);
        println!("未指定 --host，使用本机的网络地址：{list}");
        println!("No --host given: using this machine's network addresses: {list}");
        println!();
    }
    parsed.sort();
    parsed.dedup();
    std::fs::create_dir_all(out).map_err(|e| {
        format!(
            "无法创建目录 {d}：{e} / cannot create the folder {d}: {e}",
            d = out.display()
        )
    })?;
    let now = to_time(chrono::Utc::now());
    let (ca, kept) = ca(out, now)?;
    let server = ca.issue_server(&parsed, now)?;
    write(&out.join(SERVER_KEY), server.key_pem.as_bytes(), true)?;
    write(&out.join(SERVER_CERT), server.chain_pem.as_bytes(), false)?;

    let d = |f: &str| out.join(f).display().to_string();
    let list = join(&parsed);
    let until = format!(
        "{}-{:02}-{:02}",
        server.not_after.year(),
        u8::from(server.not_after.month()),
        server.not_after.day()
    );
    // The address to open: a network IP (works without DNS), else a name, else what was given.
    let url_host = parsed
        .iter()
        .find(|h| matches!(h, Host::Ip(ip) if !ip.is_loopback()))
        .or_else(|| parsed.iter().find(|h| matches!(h, Host::Dns(_))))
        .unwrap_or(&parsed[0]);
    let url = if port == 443 {
        format!("https://{url_host}/")
    } else {
        format!("https://{url_host}:{port}/")
    };
    let env = format!(
        "TLS_CERT={} TLS_KEY={} BIND=0.0.0.0:{port} exam-platform serve",
        d(SERVER_CERT),
        d(SERVER_KEY)
    );
    println!("考点证书已写入 {}：", out.display());
    if kept {
        println!("  {CA_CERT}、{CA_DER}  考点根证书（沿用上次生成的；已安装它的平板电脑无需重装）");
    } else {
        println!("  {CA_CERT}、{CA_DER}  考点根证书（新生成；每台平板电脑安装一次）");
    }
    println!("  {CA_KEY}  根证书私钥：只留在本机，不要拷给任何人");
    println!("  {SERVER_CERT}、{SERVER_KEY}  服务器证书，适用于 {list}，有效期至 {until}");
    println!();
    println!("一、在每台平板电脑上安装根证书 {}（只需一次）：", d(CA_DER));
    println!(
        "   安卓：把文件拷到平板电脑，设置 → 安全 → 加密与凭据 → 安装证书 → CA 证书，选择 {CA_DER}"
    );
    println!(
        "   iPad：用“隔空投送”或邮件发送该文件并打开，设置 → 已下载描述文件 → 安装；\
         再到 设置 → 通用 → 关于本机 → 证书信任设置，打开对该根证书的完全信任"
    );
    println!(
        "   （或者启动时加上 HTTP_REDIRECT_BIND=0.0.0.0:80，平板电脑即可在浏览器打开 http://{url_host}/{CA_DER} 下载）"
    );
    println!("二、这样启动服务器：");
    println!("   {env}");
    println!("   平板电脑打开 {url}（断网时刷新页面也能继续作答）");
    println!();
    println!("The venue's certificates are in {}:", out.display());
    if kept {
        println!(
            "  {CA_CERT}, {CA_DER}  the venue CA (kept from an earlier run: tablets that have it need nothing new)"
        );
    } else {
        println!("  {CA_CERT}, {CA_DER}  the venue CA (new: install it once on every tablet)");
    }
    println!("  {CA_KEY}  the CA's private key: keep it on this machine, give it to no one");
    println!(
        "  {SERVER_CERT}, {SERVER_KEY}  the server certificate for {list}, valid until {until}"
    );
    println!();
    println!("1. Install the CA {} on every tablet (once):", d(CA_DER));
    println!(
        "   Android: copy the file to the tablet, Settings → Security → Encryption & credentials → Install a certificate → CA certificate, pick {CA_DER}"
    );
    println!(
        "   iPad: AirDrop or mail the file and open it, Settings → Profile Downloaded → Install; \
         then Settings → General → About → Certificate Trust Settings, turn on full trust for the CA"
    );
    println!(
        "   (or start with HTTP_REDIRECT_BIND=0.0.0.0:80 too, and tablets download it at http://{url_host}/{CA_DER})"
    );
    println!("2. Start the server with:");
    println!("   {env}");
    println!("   Tablets open {url} (reloading while the network is down keeps the exam)");
    Ok(())
}

fn join(hosts: &[Host]) -> String {
    hosts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The CA kept in `out`, or a new one written there; true when kept.
fn ca(out: &Path, now: time::OffsetDateTime) -> Result<(LocalCa, bool), String> {
    let (cert, key) = (out.join(CA_CERT), out.join(CA_KEY));
    match (cert.exists(), key.exists()) {
        (true, true) => {
            let read = |p: &PathBuf| {
                std::fs::read_to_string(p).map_err(|e| {
                    format!("无法读取 {f}：{e} / cannot read {f}: {e}", f = p.display())
                })
            };
            let ca = LocalCa::from_pem(&read(&cert)?, &read(&key)?)?;
            // Written again in case it was lost: the same certificate.
            write(&out.join(CA_DER), &ca.cert_der()?, false)?;
            Ok((ca, true))
        }
        (false, false) => {
            let ca = LocalCa::new(now)?;
            write(&key, ca.key_pem().as_bytes(), true)?;
            write(&cert, ca.cert_pem().as_bytes(), false)?;
            write(&out.join(CA_DER), &ca.cert_der()?, false)?;
            Ok((ca, false))
        }
        _ => Err(format!(
            "{c} 和 {k} 只剩其一：请找回缺少的文件，或删除两者重新生成（平板电脑需重新安装根证书） / \
             only one of {c} and {k} is there: restore the other, or delete both to make a new CA \
             (the tablets then install the new one)",
            c = cert.display(),
            k = key.display()
        )),
    }
}

/// Writes a file whole; a secret one (a private key) readable by its owner only (0600).
fn write(path: &Path, bytes: &[u8], secret: bool) -> Result<(), String> {
    let fail = |e: std::io::Error| {
        format!(
            "无法写入 {p}：{e} / cannot write {p}: {e}",
            p = path.display()
        )
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // An existing file keeps its mode on open: narrow it first.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
        }
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = options.open(path).map_err(fail)?;
    f.write_all(bytes).map_err(fail)?;
    f.sync_all().map_err(fail)
}
