//! The little HTML that question formats carry (Moodle XML, GIFT `[html]`, QTI item bodies):
//! turned into the platform's plain text with `![alt](src)` images, and back.

/// Converts an HTML fragment to plain text: block elements become line breaks, `<img>` becomes
/// `![alt](src)`, every other tag is dropped and entities are decoded.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            out.push_str(&decode_entities(after));
            rest = "";
            break;
        };
        let tag = &after[1..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "br" => out.push('\n'),
            "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table"
            | "ul" | "ol" | "blockquote" | "pre"
                if !out.is_empty() && !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            "img" => {
                let src = attr(tag, "src").unwrap_or_default();
                let alt = attr(tag, "alt").unwrap_or_default();
                out.push_str(&format!("![{}]({})", alt, src));
            }
            _ => {}
        }
        rest = &after[gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    tidy(&out)
}

/// Collapses the runs of spaces and blank lines that HTML source formatting leaves behind.
fn tidy(s: &str) -> String {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads an attribute value from the inside of a tag (`img src="a.png" alt='x'`).
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or(""),
        };
        return Some(decode_entities(value));
    }
    None
}

/// Decodes the named entities that occur in practice and every numeric one.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &after[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "hellip" => Some('…'),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "times" => Some('×'),
                "deg" => Some('°'),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML or XML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Converts platform text back to HTML: escaped text, `<br>` for line breaks, `<img>` for
/// `![alt](src)`; `src` maps each image target to the URL to write.
pub fn from_text(text: &str, mut src: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    let mut plain_start = 0;
    let refs_text = text;
    let mut search = 0;
    while let Some(pos) = refs_text[search..].find("![") {
        let start = search + pos;
        let after = &refs_text[start + 2..];
        let parsed = after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        });
        match parsed {
            Some((close, te)) if !after[..close].contains('\n') => {
                out.push_str(&escape(&refs_text[plain_start..start]).replace('\n', "<br>"));
                let alt = &after[..close];
                let target = after[close + 2..te].trim();
                out.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\">",
                    escape(&src(target)),
                    escape(alt)
                ));
                plain_start = start + 2 + te + 1;
                search = plain_start;
            }
            _ => search = start + 2,
        }
    }
    out.push_str(&escape(&refs_text[plain_start..]).replace('\n', "<br>"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_become_lines_and_images_become_references() {
        let html = "<p>Look at the <b>text</b> &amp; picture.</p>\n<p><img src=\"images/sign.png\" alt=\"NEVER LEAVE\"/></p>";
        assert_eq!(
            to_text(html),
            "Look at the text & picture.\n![NEVER LEAVE](images/sign.png)"
        );
    }

    #[test]
    fn numeric_entities_are_decoded() {
        assert_eq!(
            decode_entities("&#20013;&#x6587;&nbsp;x &bogus; &"),
            "中文 x &bogus; &"
        );
    }

    #[test]
    fn text_goes_back_to_html_with_images() {
        let html = from_text("a < b\n![图](/api/media/ab)", |t| {
            format!("@@PLUGINFILE@@/{t}")
        });
        assert_eq!(
            html,
            "a &lt; b<br><img src=\"@@PLUGINFILE@@//api/media/ab\" alt=\"图\">"
        );
    }
}
