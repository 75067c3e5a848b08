//! The public verification pages: server-rendered, phone-first HTML in Chinese with English,
//! no script, no outside fonts or styles (the page must work on any phone that scans a code).

use super::online::OnlineVerification;
use super::render::date_zh;
use super::verify::{CheckResult, Outcome};

/// Content-Security-Policy of the pages: nothing but their own inline style and form.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{margin:0;font-family:system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;background:#f4f1ec;color:#1d1d1d;line-height:1.5}\
main{max-width:34rem;margin:0 auto;padding:1rem}\
h1{font-size:1.15rem;margin:.5rem 0 1rem}\
.verdict{border-radius:.75rem;padding:1rem 1.1rem;color:#fff;margin-bottom:1rem}\
.verdict b{display:block;font-size:1.6rem}\
.valid{background:#1b7f3b}.expired{background:#8a6d00}.suspended{background:#b35c00}\
.revoked,.not_valid{background:#b3261e}.superseded{background:#5b4b8a}.elsewhere{background:#8a6d00}\
dl{background:#fff;border-radius:.75rem;padding:.5rem 1rem;margin:0 0 1rem}\
dt{color:#666;font-size:.8rem;margin-top:.6rem}dd{margin:0;font-size:1.05rem;overflow-wrap:anywhere}\
ul{list-style:none;padding:0;margin:0 0 1rem;background:#fff;border-radius:.75rem}\
li{padding:.6rem 1rem;border-top:1px solid #eee}li:first-child{border-top:0}\
.passed::before{content:'✓ ';color:#1b7f3b}.failed::before{content:'✗ ';color:#b3261e}\
.not_checked::before{content:'– ';color:#888}\
small{color:#666;display:block}\
form{background:#fff;border-radius:.75rem;padding:1rem}\
label{display:block;margin-top:.6rem;font-size:.9rem}\
input{width:100%;box-sizing:border-box;font-size:1.1rem;padding:.6rem;margin-top:.25rem;border:1px solid #bbb;border-radius:.5rem}\
button{margin-top:1rem;width:100%;font-size:1.1rem;padding:.75rem;border:0;border-radius:.5rem;background:#8b1a1a;color:#fff}\
.error{color:#b3261e;margin:.5rem 0}\
footer{color:#777;font-size:.8rem;margin-top:1.5rem}a{color:#8b1a1a}";

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}\
         <footer>证书查验 Certificate verification · <a href=\"/verify\">按编号和姓名查询 Look up by number and name</a> · \
         <a href=\"/result\">成绩查询 Result lookup</a> · \
         <a href=\"/.well-known/exam-certificate-keys.json\">公钥 Public keys</a></footer></main></body></html>",
        esc(title)
    )
}

fn outcome_class(o: Outcome) -> &'static str {
    match o {
        Outcome::Valid => "valid",
        Outcome::Expired => "expired",
        Outcome::Suspended => "suspended",
        Outcome::Revoked => "revoked",
        Outcome::Superseded => "superseded",
        Outcome::PointsElsewhere => "elsewhere",
        Outcome::NotValid => "not_valid",
    }
}

fn reason_text(code: &str) -> (&'static str, &'static str) {
    match code {
        "bad_signature" => (
            "签名不符：内容被改动或伪造",
            "The signature does not match: the text was changed or forged",
        ),
        "unknown_key" => (
            "签名密钥未公布",
            "Signed with a key the issuer never published",
        ),
        "key_revoked" => ("签名密钥已被吊销", "Signed with a key that was revoked"),
        "key_not_valid_on_issue_date" => (
            "签发日期不在密钥有效期内",
            "The signing key was not in use on the issue date",
        ),
        "unknown_certificate" => (
            "发证机构没有此证书记录",
            "The issuer has no record of this certificate",
        ),
        "issued_in_future" => ("签发日期晚于今天", "The issue date is after today"),
        "foreign_address" => (
            "二维码中的网址不是发证机构的网址，请勿相信该网址显示的内容",
            "The code's link is not the issuer's address: do not trust what that address shows",
        ),
        "not_a_certificate_link" => ("不是证书二维码", "Not a certificate code"),
        "payload_truncated" => ("二维码内容不完整", "The code's content is incomplete"),
        _ => ("二维码内容无法识别", "The code's content cannot be read"),
    }
}

/// The page for one verification.
pub fn verification(v: &OnlineVerification) -> String {
    let ver = &v.verification;
    let o = ver.outcome;
    let mut body = String::new();
    body.push_str("<h1>证书查验 · Certificate check</h1>");
    body.push_str(&format!(
        "<div class=\"verdict {}\"><b>{}</b>{}",
        outcome_class(o),
        esc(o.zh()),
        esc(o.en())
    ));
    if let Some(r) = &ver.reason {
        let (zh, en) = reason_text(r);
        body.push_str(&format!(
            "<small style=\"color:#fff\">{} · {}</small>",
            esc(zh),
            esc(en)
        ));
    }
    if let Some(to) = ver
        .points_to
        .as_ref()
        .filter(|to| !to.eq_ignore_ascii_case(&ver.issuer_address))
    {
        body.push_str(&format!(
            "<small style=\"color:#fff\">二维码指向 The code points to: {} · 发证机构网址 Issuer's address: {}</small>",
            esc(to),
            esc(&ver.issuer_address)
        ));
    }
    if let Some(n) = &v.superseded_by {
        body.push_str(&format!(
            "<small style=\"color:#fff\">更正后的证书编号 Corrected certificate: {}</small>",
            esc(n)
        ));
    }
    if let Some(at) = v.status_changed_at.filter(|_| {
        matches!(
            o,
            Outcome::Revoked | Outcome::Suspended | Outcome::Superseded
        )
    }) {
        body.push_str(&format!(
            "<small style=\"color:#fff\">自 Since {}</small>",
            esc(&date_zh(super::verify::local_date(at)))
        ));
    }
    body.push_str("</div>");
    if let Some(p) = &ver.certificate {
        body.push_str("<dl>");
        let title = v
            .type_title
            .clone()
            .or_else(|| ver.type_title.clone())
            .unwrap_or_else(|| p.type_code.clone());
        // The English title goes under the Chinese one (escaped here, so the row adds none).
        let type_html = match v.type_title_en.as_deref().filter(|e| !e.is_empty()) {
            Some(en) => format!("{}<small>{}</small>", esc(&title), esc(en)),
            None => esc(&title),
        };
        body.push_str(&format!("<dt>证书类型 Type</dt><dd>{type_html}</dd>"));
        let mut row = |zh: &str, en: &str, val: &str| {
            body.push_str(&format!(
                "<dt>{} {}</dt><dd>{}</dd>",
                esc(zh),
                esc(en),
                esc(val)
            ));
        };
        row("证书编号", "Certificate No.", &p.number);
        row("持证人", "Holder", &p.holder);
        if let Some(id) = &p.id_masked {
            row("身份证号", "ID No.", id);
        }
        if let Some(i) = &v.issuer_name {
            row("发证机构", "Issuer", i);
        }
        row("发证日期", "Date of issue", &date_zh(p.issued_on));
        row(
            "有效期至",
            "Valid until",
            &p.expires_on
                .map(date_zh)
                .unwrap_or_else(|| "长期有效 No expiry".into()),
        );
        body.push_str("</dl>");
    }
    body.push_str("<ul>");
    for c in &ver.checks {
        let (zh, en) = match c.result {
            CheckResult::Passed => ("通过", "passed"),
            CheckResult::Failed => ("未通过", "failed"),
            CheckResult::NotChecked => ("未检查", "not checked"),
        };
        let class = match c.result {
            CheckResult::Passed => "passed",
            CheckResult::Failed => "failed",
            CheckResult::NotChecked => "not_checked",
        };
        body.push_str(&format!(
            "<li class=\"{class}\">{} {} — {} {}<small>{}</small><small lang=\"en\">{}</small></li>",
            esc(c.label_zh),
            esc(c.label_en),
            zh,
            en,
            esc(&c.detail_zh),
            esc(&c.detail)
        ));
    }
    body.push_str("</ul>");
    shell(&format!("证书查验 {}", o.zh()), &body)
}

/// The lookup form (by number and name), with an error line when a lookup failed.
pub fn lookup_form(number: &str, name: &str, error: Option<&str>) -> String {
    let err = error
        .map(|e| format!("<p class=\"error\">{}</p>", esc(e)))
        .unwrap_or_default();
    shell(
        "证书查询 Certificate lookup",
        &format!(
            "<h1>证书查询 · Certificate lookup</h1>{err}<form method=\"get\" action=\"/verify\">\
             <label>证书编号 Certificate No.<input name=\"number\" value=\"{}\" autocomplete=\"off\" required></label>\
             <label>持证人姓名 Holder's full name<input name=\"name\" value=\"{}\" autocomplete=\"off\" required></label>\
             <button type=\"submit\">查询 Look up</button></form>",
            esc(number),
            esc(name)
        ),
    )
}

/// The public result lookup form (ticket or ID number, and full name), with an error line
/// when a lookup failed. Sent by POST, so an ID number never lands in an address or a log.
pub fn result_form(who: &str, name: &str, error: Option<&str>) -> String {
    let err = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    shell(
        "成绩查询 Result lookup",
        &format!(
            "<h1>成绩与证书查询 · Result and certificate lookup</h1>{err}\
             <p><small>考试结束或成绩公布后，凭准考证号（或身份证号）和姓名查询本人成绩与证书。\
             After the session has closed or results are released, look up your own result and \
             certificate with your ticket (or ID number) and full name.</small></p>\
             <form method=\"post\" action=\"/result\">\
             <label>准考证号或身份证号 Ticket or ID number<input name=\"who\" value=\"{}\" autocomplete=\"off\" required maxlength=\"40\"></label>\
             <label>姓名 Full name<input name=\"name\" value=\"{}\" autocomplete=\"off\" required maxlength=\"50\"></label>\
             <button type=\"submit\">查询 Look up</button></form>",
            esc(who),
            esc(name)
        ),
    )
}

fn standing_text(code: &str) -> &'static str {
    match code {
        "not_started" => "未开始 Not started",
        "absent" => "缺考 Absent",
        "in_progress" => "考试中 In progress",
        "paused" => "暂停 Paused",
        "submitted" => "已交卷，待阅卷 Submitted, being marked",
        "final" => "已出分 Final",
        "terminated" => "违纪终止 Ended for misconduct",
        _ => "—",
    }
}

/// The candidate's own results, one block per session.
pub fn result_list(results: &[super::result_lookup::PublicResult]) -> String {
    let mut body = String::from("<h1>成绩与证书查询 · Result and certificate lookup</h1>");
    for r in results {
        body.push_str("<dl data-test=\"public-result\">");
        let mut row = |zh: &str, en: &str, val: &str| {
            body.push_str(&format!(
                "<dt>{} {}</dt><dd>{}</dd>",
                esc(zh),
                esc(en),
                esc(val)
            ));
        };
        row(
            "场次",
            "Session",
            format!("{} {} {}", r.session, r.session_number, r.venue).trim(),
        );
        row(
            "考试日期",
            "Date",
            &date_zh(super::verify::local_date(r.starts_at)),
        );
        row("状态", "Status", standing_text(&r.status));
        if !r.released {
            row("成绩", "Score", "成绩尚未公布 Results not yet released");
        } else if let Some(score) = r.score {
            let num = |x: f64| {
                let t = format!("{x:.2}");
                t.trim_end_matches('0').trim_end_matches('.').to_string()
            };
            row(
                "成绩",
                "Score",
                &match r.max {
                    Some(m) => format!("{} / {}", num(score), num(m)),
                    None => num(score),
                },
            );
        }
        if let Some(p) = r.passed {
            row(
                "是否合格",
                "Result",
                if p {
                    "合格 Passed"
                } else {
                    "不合格 Not passed"
                },
            );
        }
        if let Some(c) = &r.certificate {
            row("证书编号", "Certificate No.", &c.number);
            let status = match c.status {
                super::status::Status::Valid => "有效 Valid",
                super::status::Status::Suspended => "已暂停 Suspended",
                super::status::Status::Revoked => "已撤销 Revoked",
                super::status::Status::Superseded => "已被取代 Superseded",
            };
            row("证书状态", "Certificate status", status);
            body.push_str(&format!(
                "<dt>查验 Verify</dt><dd><a href=\"{}\" data-test=\"public-result-verify\">查验此证书 Verify this certificate</a></dd>",
                esc(&verify_href(&c.verify_url))
            ));
        }
        body.push_str("</dl>");
    }
    body.push_str("<p><a href=\"/result\">再查一次 Look up again</a></p>");
    shell("成绩查询 Result lookup", &body)
}

/// The path of a certificate's verify page on this server (what follows the address in its
/// QR text), so the link works whatever address the candidate reached the server by.
fn verify_href(qr_text: &str) -> String {
    match super::payload::split_url(qr_text) {
        Ok((_, payload)) => format!("/V/{payload}"),
        Err(_) => "/verify".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        let page = lookup_form("<script>", "\"x", Some("<b>"));
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
    }
}
