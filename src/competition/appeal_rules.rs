//! The rules of an appeal (申诉) that must be right, as pure functions: when one may be filed
//! (the provisional window), how many per contestant and stage, what the grounds and the
//! attachments may be (type sniffed from the bytes, never trusted from the name).

pub use super::{AppealStatus, Outcome};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest grounds, in characters.
pub const MAX_GROUNDS: usize = 2000;
/// Longest decision reason, in characters.
pub const MAX_REASON: usize = 1000;
/// Most attachments on one appeal.
pub const MAX_FILES: usize = 3;
/// Largest attachment, in bytes (a phone photo, scaled; a one-page scan).
pub const MAX_FILE_BYTES: usize = 200 * 1024;
/// Appeals allowed per contestant per stage before staff grant more.
pub const FREE_APPEALS: u64 = 1;

impl AppealStatus {
    /// Whether the arbitration group has decided it.
    pub fn decided(self) -> bool {
        matches!(self, AppealStatus::Upheld | AppealStatus::Rejected)
    }

    /// 中文.
    pub fn zh(self) -> &'static str {
        match self {
            AppealStatus::Filed => "已提交",
            AppealStatus::UnderReview => "审查中",
            AppealStatus::Upheld => "申诉成立",
            AppealStatus::Rejected => "申诉不成立",
        }
    }
}

impl Outcome {
    /// The status it leaves the appeal in.
    pub fn status(self) -> AppealStatus {
        match self {
            Outcome::Upheld => AppealStatus::Upheld,
            Outcome::Rejected => AppealStatus::Rejected,
        }
    }
}

/// The provisional publication an appeal is filed against, as far as the window goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Published {
    /// Nothing published for the event × group.
    Nothing,
    /// Provisional, with the window's close (none: no window).
    Provisional(Option<DateTime<Utc>>),
    /// Final already.
    Final,
}

/// Why an appeal cannot be filed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowRefusal {
    /// No provisional results yet.
    NotPublished,
    /// The results are final.
    AlreadyFinal,
    /// The window has closed (or there was none).
    AppealWindowClosed,
}

/// Whether an appeal may be filed at `now`: only while provisional results are published and
/// their window is open (the close itself is already late).
pub fn window(p: Published, now: DateTime<Utc>) -> Result<(), WindowRefusal> {
    match p {
        Published::Nothing => Err(WindowRefusal::NotPublished),
        Published::Final => Err(WindowRefusal::AlreadyFinal),
        Published::Provisional(Some(closes)) if now < closes => Ok(()),
        Published::Provisional(_) => Err(WindowRefusal::AppealWindowClosed),
    }
}

/// Whether one more appeal fits: `filed` so far for the contestant and stage, `granted` extra
/// ones allowed by staff.
pub fn within_limit(filed: u64, granted: u64) -> bool {
    filed < FREE_APPEALS + granted
}

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRefusal {
    /// Nothing but blanks.
    Empty,
    /// Longer than allowed.
    TooLong,
}

/// A text as given, trimmed, between 1 and `max` characters.
pub fn clean_text(s: &str, max: usize) -> Result<String, TextRefusal> {
    let s = s.trim();
    if s.is_empty() {
        Err(TextRefusal::Empty)
    } else if s.chars().count() > max {
        Err(TextRefusal::TooLong)
    } else {
        Ok(s.to_string())
    }
}

/// The media type of an attachment from its first bytes: PNG, JPEG, WebP or PDF; anything
/// else is refused whatever its name says.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Why an attachment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefusal {
    /// More than [`MAX_FILES`].
    TooMany,
    /// Larger than [`MAX_FILE_BYTES`] (or empty).
    TooLarge,
    /// Not an image or a PDF.
    Type,
}

/// Checks attachments' count, sizes and types; gives each one's media type.
pub fn check_files(files: &[&[u8]]) -> Result<Vec<&'static str>, (usize, FileRefusal)> {
    if files.len() > MAX_FILES {
        return Err((MAX_FILES, FileRefusal::TooMany));
    }
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if f.is_empty() || f.len() > MAX_FILE_BYTES {
                return Err((i, FileRefusal::TooLarge));
            }
            sniff(f).ok_or((i, FileRefusal::Type))
        })
        .collect()
}

/// A file name as shown: the last path part, control characters dropped, at most 100
/// characters, `附件` when nothing is left.
pub fn file_name(s: &str) -> String {
    let base = s.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() {
        "附件".into()
    } else {
        clean
    }
}

/// A one-line summary of grounds for the register: the first `n` characters, line breaks
/// folded.
pub fn summary(grounds: &str, n: usize) -> String {
    let one: String = grounds.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > n {
        format!("{}…", one.chars().take(n).collect::<String>())
    } else {
        one
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn an_appeal_fits_only_while_the_provisional_window_is_open() {
        let now = Utc::now();
        let open = Published::Provisional(Some(now + Duration::minutes(1)));
        assert_eq!(window(open, now), Ok(()));
        assert_eq!(
            window(Published::Provisional(Some(now)), now),
            Err(WindowRefusal::AppealWindowClosed)
        );
        assert_eq!(
            window(Published::Provisional(None), now),
            Err(WindowRefusal::AppealWindowClosed)
        );
        assert_eq!(
            window(Published::Nothing, now),
            Err(WindowRefusal::NotPublished)
        );
        assert_eq!(
            window(Published::Final, now),
            Err(WindowRefusal::AlreadyFinal)
        );
    }

    #[test]
    fn one_appeal_per_stage_unless_staff_grant_more() {
        assert!(within_limit(0, 0));
        assert!(!within_limit(1, 0));
        assert!(within_limit(1, 1));
        assert!(!within_limit(2, 1));
    }

    #[test]
    fn grounds_are_trimmed_and_refused_when_blank_or_too_long() {
        assert_eq!(clean_text("  分数有误 ", 10), Ok("分数有误".into()));
        assert_eq!(clean_text(" \n\t", 10), Err(TextRefusal::Empty));
        assert_eq!(clean_text(&"错".repeat(11), 10), Err(TextRefusal::TooLong));
        assert!(clean_text(&"错".repeat(10), 10).is_ok());
    }

    #[test]
    fn attachments_are_typed_by_their_bytes_not_their_names() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\0"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn attachments_are_limited_in_count_and_size() {
        let png = b"\x89PNG\r\n\x1a\nrest".as_slice();
        assert_eq!(check_files(&[png]), Ok(vec!["image/png"]));
        assert_eq!(
            check_files(&[png, png, png, png]),
            Err((MAX_FILES, FileRefusal::TooMany))
        );
        let big = [b"%PDF-".as_slice(), &vec![0u8; MAX_FILE_BYTES]].concat();
        assert_eq!(check_files(&[png, &big]), Err((1, FileRefusal::TooLarge)));
        assert_eq!(
            check_files(&[b"".as_slice()]),
            Err((0, FileRefusal::TooLarge))
        );
        assert_eq!(
            check_files(&[b"GIF89a".as_slice()]),
            Err((0, FileRefusal::Type))
        );
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(file_name("C:\\照片\\现场.jpg"), "现场.jpg");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("a\u{0}b\"c.png"), "abc.png");
        assert_eq!(file_name("  "), "附件");
    }

    #[test]
    fn a_summary_folds_lines_and_cuts_long_grounds() {
        assert_eq!(summary("第一行\n第二行", 20), "第一行 第二行");
        assert_eq!(summary("一二三四五", 3), "一二三…");
    }

    #[test]
    fn statuses_read_back_and_only_decisions_count_as_decided() {
        for s in AppealStatus::ALL {
            assert_eq!(AppealStatus::parse(s.as_str()), Some(*s));
        }
        assert!(AppealStatus::Upheld.decided() && AppealStatus::Rejected.decided());
        assert!(!AppealStatus::Filed.decided() && !AppealStatus::UnderReview.decided());
        assert_eq!(
            Outcome::parse("upheld").map(Outcome::status),
            Some(AppealStatus::Upheld)
        );
        assert_eq!(Outcome::parse("maybe"), None);
    }
}
