//! Which characters text from outside may hold. Control characters other than tab, line feed
//! and carriage return are refused everywhere text comes in (request paths, queries and JSON
//! bodies at the HTTP edge; imported files item by item): PostgreSQL cannot store NUL in text
//! at all (a 500 there, silently stored on SQLite), and the others are invisible on screen and
//! break CSV, XLSX and PDF output. One predicate, so both databases and every entry agree.

use serde_json::Value;

/// True for a character no text may hold: the C0 controls except tab, LF and CR, DEL, and the
/// C1 controls (U+0080–U+009F, which only appear in text decoded with the wrong encoding).
pub fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The first forbidden character of a text.
pub fn first_forbidden(s: &str) -> Option<char> {
    s.chars().find(|&c| forbidden(c))
}

/// A forbidden character found in structured input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Where: a JSON pointer (`/options/2`, `""` for the whole value), or a name.
    pub at: String,
    /// The character.
    pub char: char,
}

impl Found {
    /// The character as `U+0000`.
    pub fn code_point(&self) -> String {
        format!("U+{:04X}", self.char as u32)
    }
}

/// Whether a JSON text could decode to a string holding a forbidden character. Such a character
/// can only be written raw (a C0 byte, DEL, or C1 as UTF-8 `C2 80`–`C2 9F`) or as a `\u` escape;
/// a text with none of these needs no parse to be cleared, which keeps a second parse of every
/// body off the autosave path.
pub fn json_may_hold_forbidden(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        b'\\' => bytes.get(i + 1) == Some(&b'u'),
        0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        _ => false,
    })
}

/// The first forbidden character in any string or object key of a JSON value, depth first.
pub fn find_in_json(v: &Value) -> Option<Found> {
    fn walk(v: &Value, at: &mut String) -> Option<Found> {
        match v {
            Value::String(s) => first_forbidden(s).map(|char| Found {
                at: at.clone(),
                char,
            }),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                let found = walk(item, at);
                at.truncate(len);
                found
            }),
            Value::Object(map) => map.iter().find_map(|(k, item)| {
                let len = at.len();
                at.push('/');
                // JSON pointer escaping, so the place can be found again.
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                let found = first_forbidden(k)
                    .map(|char| Found {
                        at: at.clone(),
                        char,
                    })
                    .or_else(|| walk(item, at));
                at.truncate(len);
                found
            }),
            _ => None,
        }
    }
    walk(v, &mut String::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tab_and_line_breaks_pass_and_other_controls_do_not() {
        assert!(first_forbidden("第一行\n第二行\r\n\t缩进 ✓").is_none());
        for c in ['\0', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert_eq!(first_forbidden(&format!("题干{c}")), Some(c), "{c:?}");
        }
        assert!(!forbidden('\u{a0}'), "a no-break space is text");
    }

    #[test]
    fn only_json_that_could_hold_a_control_character_needs_a_closer_look() {
        for clean in [
            r#"{"response":{"type":"choice","selected":["a"]},"seq":3}"#,
            "{\"stem\": \"第一行\\n第二行\",\n\t\"x\": \"\u{a0}\"}",
            r#"{"path": "C:\\dir"}"#,
        ] {
            assert!(!json_may_hold_forbidden(clean.as_bytes()), "{clean}");
        }
        for suspect in [
            r#"{"a": "\u0000"}"#,
            r#"{"a": "\u00e9"}"#,
            "{\"a\": \"x\u{7f}\"}",
            "{\"a\": \"x\u{85}\"}",
            "{\"a\": \"x\u{1}\"}",
        ] {
            assert!(json_may_hold_forbidden(suspect.as_bytes()), "{suspect}");
        }
        // Whatever the shortcut clears, the full check clears too.
        for text in [r#"{"a":["x","y\\u"]}"#, r#"{"b":"\\\\"}"#] {
            let v: Value = serde_json::from_str(text).unwrap();
            assert!(json_may_hold_forbidden(text.as_bytes()) || find_in_json(&v).is_none());
        }
    }

    #[test]
    fn the_place_of_a_control_character_in_json_is_named_as_a_pointer() {
        let v = json!({"stem": "ok", "options": ["a", "b\u{0}"], "x/y": 1});
        assert_eq!(
            find_in_json(&v),
            Some(Found {
                at: "/options/1".into(),
                char: '\0'
            })
        );
        let v = json!({"k\u{1}": true});
        assert_eq!(find_in_json(&v).unwrap().at, "/k\u{1}");
        assert_eq!(
            find_in_json(&json!("\u{7f}")).unwrap().code_point(),
            "U+007F"
        );
        assert!(find_in_json(&json!({"a": [1, null, "正常\t文本"]})).is_none());
    }
}
