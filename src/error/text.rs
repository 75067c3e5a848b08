//! A sentence for people in both of the platform's languages. Chinese comes first everywhere a
//! person reads it; English stays in the API's `message` fields for compatibility.

use std::fmt;

/// One sentence in Chinese and in English.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    /// 中文.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A text from its Chinese and English wording.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// Both texts with the same prefix, e.g. a file name or a position.
    pub fn prefixed(self, zh: &str, en: &str) -> Text {
        Text {
            zh: format!("{zh}{}", self.zh),
            en: format!("{en}{}", self.en),
        }
    }
}

impl fmt::Display for Text {
    /// Chinese, then English in parentheses (for logs and the command line).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.zh == self.en {
            f.write_str(&self.zh)
        } else {
            write!(f, "{} ({})", self.zh, self.en)
        }
    }
}

/// True when `s` holds a Chinese character.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
    })
}

/// The first run of three or more English words in `s` (an untranslated sentence fragment), if
/// any. A word is a run of ASCII letters; words belong to one run while only spaces and the
/// punctuation of an English sentence stand between them. A file's own label ("E"), a format's
/// name ("CSV", "UTF-8") or a code point ("U+0007") next to Chinese text is no such run.
pub fn english_run(s: &str) -> Option<String> {
    let mut run: Vec<&str> = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic()) {
        let gap = &rest[..start];
        if !gap
            .chars()
            .all(|c| matches!(c, ' ' | ',' | '\'' | '-' | '.'))
        {
            if run.len() >= 3 {
                break;
            }
            run.clear();
        }
        let len = rest[start..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len() - start);
        run.push(&rest[start..start + len]);
        rest = &rest[start + len..];
    }
    (run.len() >= 3).then(|| run.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_recognised() {
        assert!(has_cjk("身份证号校验位不符"));
        assert!(!has_cjk("the ID number"));
    }

    #[test]
    fn a_run_of_three_english_words_is_found_and_labels_pass() {
        assert!(english_run("身份证号: the ID number's check").is_some());
        assert_eq!(english_run("答案 E 不是本题的选项（共 A–D）"), None);
        assert_eq!(english_run("第 3 行：CSV 文件的 UTF-8 编码有误"), None);
        assert_eq!(english_run("row 2"), None);
    }
}
