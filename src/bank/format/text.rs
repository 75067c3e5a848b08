//! Helpers shared by the readers and writers: text decoding, image references in stems,
//! line numbers.

use super::FormatError;
use crate::error::ErrorCode;
use std::borrow::Cow;

/// The URL prefix under which stored images are served; a stored stem refers to
/// `/api/media/<sha256>`.
pub const MEDIA_PREFIX: &str = "/api/media/";

/// Decodes a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or else GBK/GB18030 as
/// Excel and Notepad save on Chinese Windows. UTF-8 is borrowed, not copied: an upload may be
/// tens of megabytes.
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, FormatError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).map(Cow::Borrowed).map_err(|e| {
            FormatError::new(
                ErrorCode::BadEncoding,
                format!(
                    "文件标明为 UTF-8，但第 {} 个字节起不是有效的 UTF-8 文字",
                    e.valid_up_to() + 4
                ),
                format!("invalid UTF-8: {e}"),
            )
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, bad) = enc.decode(bytes);
        if bad {
            return Err(FormatError::new(
                ErrorCode::BadEncoding,
                "文件不是有效的 UTF-16 文字",
                "invalid UTF-16 text",
            ));
        }
        return Ok(text);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(s));
    }
    let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
    if bad {
        return Err(FormatError::new(
            ErrorCode::BadEncoding,
            "文件既不是 UTF-8 也不是 GBK/GB18030 编码的文字",
            "the file is neither UTF-8 nor GBK/GB18030 text",
        ));
    }
    Ok(text)
}

/// The 1-based line of a byte offset in a text.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Line numbers of increasing byte offsets in one pass (a reader asks in file order; asking
/// `line_of` for each item would rescan from the start every time).
pub struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    /// A counter at the start of a text.
    pub fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of a byte offset; cheap when offsets come in increasing order.
    pub fn line_at(&mut self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        if end < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.text.as_bytes()[self.offset..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = end;
        self.line
    }
}

/// An image reference `![alt](target)` found in a stem.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRef {
    /// The alt text.
    pub alt: String,
    /// The target: a name, a relative path, or `/api/media/<sha256>`.
    pub target: String,
}

/// Every `![alt](target)` in a text, in order.
pub fn image_refs(text: &str) -> Vec<ImageRef> {
    let mut out = Vec::new();
    map_image_refs(text, |r| {
        out.push(r.clone());
        None
    });
    out
}

/// Rewrites the targets of `![alt](target)` references; `f` returns the new target, or `None`
/// to keep the old one.
pub fn map_image_refs(text: &str, mut f: impl FnMut(&ImageRef) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("![") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let parsed = after.find("](").and_then(|close| {
            let target_start = close + 2;
            after[target_start..]
                .find(')')
                .map(|end| (close, target_start, target_start + end))
        });
        match parsed {
            Some((close, ts, te)) if !after[..close].contains('\n') => {
                let r = ImageRef {
                    alt: after[..close].to_string(),
                    target: after[ts..te].trim().to_string(),
                };
                let target = f(&r).unwrap_or_else(|| r.target.clone());
                out.push_str(&format!("![{}]({})", r.alt, target));
                rest = &after[te + 1..];
            }
            _ => {
                out.push_str("![");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The SHA-256 of a stored image, if the target is `/api/media/<sha256>`.
pub fn media_hash(target: &str) -> Option<&str> {
    let h = target.strip_prefix(MEDIA_PREFIX)?;
    (h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())).then_some(h)
}

/// The MIME type of an image by its file name, if it is an image type we keep.
pub fn image_mime(name: &str) -> Option<&'static str> {
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        _ => return None,
    })
}

/// The usual file extension for an image MIME type.
pub fn mime_extension(mime: &str) -> &'static str {
    match mime {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/svg+xml" => "svg",
        "image/webp" => "webp",
        "image/bmp" => "bmp",
        _ => "bin",
    }
}

/// The MIME type told by a file's first bytes, for images whose name says nothing.
pub fn sniff_image(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"GIF8") {
        Some("image/gif")
    } else if data.len() > 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else if data.starts_with(b"BM") {
        Some("image/bmp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_text_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("题型,题干");
        assert_eq!(decode_text(&bytes).unwrap(), "题型,题干");
    }

    #[test]
    fn a_utf8_bom_is_dropped() {
        assert_eq!(decode_text("\u{FEFF}题干".as_bytes()).unwrap(), "题干");
    }

    #[test]
    fn image_references_are_found_and_rewritten() {
        let stem = "看图 ![标志](images/sign.png) 回答 ![x] 不是图";
        let refs = image_refs(stem);
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].target, "images/sign.png");
        let out = map_image_refs(stem, |_| Some("/api/media/abc".into()));
        assert_eq!(out, "看图 ![标志](/api/media/abc) 回答 ![x] 不是图");
    }

    #[test]
    fn line_numbers_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        let mut c = LineCounter::new("a\nb\nc");
        assert_eq!(
            (c.line_at(0), c.line_at(2), c.line_at(4), c.line_at(1)),
            (1, 2, 3, 1)
        );
    }
}
