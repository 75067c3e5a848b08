//! Bounds on what a ZIP upload (an XLSX workbook, a QTI content package) unpacks to, checked
//! before any reader holds an entry in memory: a 0.41 MB workbook whose one shared string
//! inflates to 400 MiB took the server to 1.8 GB.
//!
//! Every entry is inflated once into nothing, counting the bytes it really gives (a ZIP can
//! declare a small size and inflate to far more), and its declared size is checked too.

use super::FormatError;
use crate::error::ErrorCode;
use std::io::{Cursor, Read};

/// Limits for one kind of archive.
#[derive(Debug, Clone, Copy)]
pub struct ZipLimits {
    /// Most bytes one entry may unpack to.
    pub entry: u64,
    /// Most bytes all entries together may unpack to.
    pub total: u64,
    /// Most entries.
    pub entries: usize,
    /// Most text bytes one XML record (a shared string `<si>`, a cell `<c>`) may hold: Excel
    /// itself keeps a cell to 32,767 characters, about 100 KB as escaped UTF-8.
    pub record_text: u64,
}

/// An XLSX workbook (bank or roster). A 50,000-question bank (`gen-bank --questions 50000
/// --format xlsx`, 3.5 MB) unpacks to 30 MB: sheet 24 MB, shared strings 6 MB; real Chinese
/// texts make the shared strings several times larger. The limits leave twice that room and
/// keep what the spreadsheet reader can be made to hold bounded.
pub const XLSX: ZipLimits = ZipLimits {
    entry: 64 * 1024 * 1024,
    total: 128 * 1024 * 1024,
    entries: 10_000,
    record_text: 1024 * 1024,
};

/// A QTI content package: item files are small, but a package carries one per question and
/// images, so many entries and a larger total are allowed; no single XML file may be large.
pub const QTI: ZipLimits = ZipLimits {
    entry: 64 * 1024 * 1024,
    total: 256 * 1024 * 1024,
    entries: 200_000,
    record_text: u64::MAX,
};

fn too_large(zh: String, en: String) -> FormatError {
    FormatError::new(ErrorCode::FileTooLargeUnpacked, zh, en)
}

/// Checks every entry of a ZIP archive against `limits`. An archive that cannot be opened
/// passes: the reader that opens it next reports it in its own words.
pub fn check(bytes: &[u8], limits: &ZipLimits) -> Result<(), FormatError> {
    let too_many = |n: u64| {
        too_large(
            format!("压缩包内有 {n} 个文件，最多 {} 个", limits.entries),
            format!(
                "the archive holds {n} files; at most {} are allowed",
                limits.entries
            ),
        )
    };
    // Opening an archive reads its whole directory into memory (a few hundred bytes per
    // entry): a 64 MiB upload of empty entries would take hundreds of megabytes, so the count
    // its footer declares is checked first.
    let declared = declared_entries(bytes);
    if declared > limits.entries as u64 {
        return Err(too_many(declared));
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if archive.len() > limits.entries {
        return Err(too_many(archive.len() as u64));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let name = entry.name().to_string();
        let declared = entry.size();
        let over = |size: u64| {
            let mib = limits.entry / (1024 * 1024);
            let (zh_size, en_size) = if size == u64::MAX {
                (String::new(), String::new())
            } else {
                (format!("（{size} 字节）"), format!(", {size} bytes"))
            };
            too_large(
                format!("压缩包内的 {name} 解压后超过 {mib} MiB{zh_size}"),
                format!("the archive's {name} unpacks to more than {mib} MiB{en_size}"),
            )
        };
        if declared > limits.entry {
            return Err(over(declared));
        }
        let xml = name.to_ascii_lowercase().ends_with(".xml");
        let mut scan = RecordScan::new(limits.record_text);
        let mut counted = 0u64;
        let mut buf = [0u8; 64 * 1024];
        // Reading stops one byte past the limit: an entry that lies about its size is caught
        // by what it gives, not by what it says.
        let mut reader = entry.take(limits.entry + 1);
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                // A damaged entry: its reader will say so when it opens it.
                Err(_) => break,
            };
            counted += n as u64;
            if counted > limits.entry {
                return Err(over(u64::MAX));
            }
            if xml && !scan.feed(&buf[..n]) {
                let kib = limits.record_text / 1024;
                return Err(too_large(
                    format!("压缩包内的 {name} 有一段文字超过 {kib} KiB"),
                    format!("a text in the archive's {name} is longer than {kib} KiB"),
                ));
            }
        }
        total += counted;
        if total > limits.total {
            let mib = limits.total / (1024 * 1024);
            return Err(too_large(
                format!("压缩包解压后超过 {mib} MiB"),
                format!("the archive unpacks to more than {mib} MiB"),
            ));
        }
    }
    Ok(())
}

/// The largest entry count that any end-of-central-directory record near the end of the
/// archive declares (ZIP64 ones included): the ZIP reader trusts one of them and reads that
/// many directory entries.
fn declared_entries(bytes: &[u8]) -> u64 {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const EOCD64: [u8; 4] = [0x50, 0x4b, 0x06, 0x06];
    // The footer is 22 bytes plus a comment of at most 65,535; ZIP64 records sit just before.
    let from = bytes.len().saturating_sub(22 + 65_535 + 56 + 20);
    let tail = &bytes[from..];
    let u16_at = |b: &[u8], i: usize| {
        b.get(i..i + 2)
            .map_or(0, |v| u64::from(u16::from_le_bytes([v[0], v[1]])))
    };
    let u64_at = |b: &[u8], i: usize| {
        b.get(i..i + 8)
            .and_then(|v| v.try_into().ok())
            .map_or(0, u64::from_le_bytes)
    };
    let mut most = 0;
    for i in 0..tail.len().saturating_sub(3) {
        if tail[i..i + 4] == EOCD {
            most = most.max(u16_at(tail, i + 8)).max(u16_at(tail, i + 10));
        } else if tail[i..i + 4] == EOCD64 {
            most = most.max(u64_at(tail, i + 24)).max(u64_at(tail, i + 32));
        }
    }
    // A ZIP64 footer can also sit far from the end, pointed at by its locator.
    for i in 0..tail.len().saturating_sub(19) {
        if tail[i..i + 4] == [0x50, 0x4b, 0x06, 0x07] {
            let at = usize::try_from(u64_at(tail, i + 8)).unwrap_or(usize::MAX);
            if bytes.get(at..at + 4) == Some(&EOCD64[..]) {
                most = most.max(u64_at(bytes, at + 24)).max(u64_at(bytes, at + 32));
            }
        }
    }
    most
}

/// Counts the text bytes of each XML record: a shared string (`<si>…</si>`) or a cell
/// (`<c>…</c>`), namespace prefixes aside; text outside records is not counted. Streams: no
/// entry is held.
struct RecordScan {
    limit: u64,
    in_tag: bool,
    /// The tag in progress closes an element (`</…`).
    closing: bool,
    /// The last byte seen inside the tag in progress (`/` before `>` closes it at once).
    last: u8,
    /// The first bytes of the tag's local name, enough to tell `si` and `c` from the rest.
    name: [u8; 3],
    name_len: usize,
    name_done: bool,
    in_record: bool,
    text: u64,
}

impl RecordScan {
    fn new(limit: u64) -> RecordScan {
        RecordScan {
            limit,
            in_tag: false,
            closing: false,
            last: 0,
            name: [0; 3],
            name_len: 0,
            name_done: false,
            in_record: false,
            text: 0,
        }
    }

    /// Whether the record in progress is still within the limit after these bytes.
    fn feed(&mut self, bytes: &[u8]) -> bool {
        if self.limit == u64::MAX {
            return true;
        }
        for &b in bytes {
            if !self.in_tag {
                if b == b'<' {
                    self.in_tag = true;
                    self.closing = false;
                    self.last = 0;
                    self.name_len = 0;
                    self.name_done = false;
                } else if self.in_record {
                    self.text += 1;
                    if self.text > self.limit {
                        return false;
                    }
                }
                continue;
            }
            if b == b'>' {
                self.in_tag = false;
                let name = &self.name[..self.name_len];
                if name == b"si" || name == b"c" {
                    if self.closing {
                        self.in_record = false;
                    } else if self.last != b'/' {
                        self.in_record = true;
                        self.text = 0;
                    }
                }
                continue;
            }
            if !self.name_done {
                match b {
                    b'/' if self.last == 0 => self.closing = true,
                    b':' => self.name_len = 0,
                    b' ' | b'\t' | b'\r' | b'\n' | b'/' => self.name_done = true,
                    _ if self.name_len < self.name.len() => {
                        self.name[self.name_len] = b;
                        self.name_len += 1;
                    }
                    // Longer than `si` or `c`: not a record.
                    _ => self.name_done = true,
                }
            }
            self.last = b;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    const SMALL: ZipLimits = ZipLimits {
        entry: 1000,
        total: 1500,
        entries: 3,
        record_text: 100,
    };

    #[test]
    fn entries_within_the_limits_pass() {
        let ok = zip(&[
            (
                "a.xml",
                b"<sst><si><t>short</t></si><si><t>also short</t></si></sst>",
            ),
            ("b.bin", &[7u8; 900]),
        ]);
        check(&ok, &SMALL).unwrap();
    }

    #[test]
    fn an_entry_a_total_or_a_count_over_the_limits_is_refused() {
        let big = zip(&[("a.bin", &[0u8; 1001])]);
        assert_eq!(
            check(&big, &SMALL).unwrap_err().code,
            ErrorCode::FileTooLargeUnpacked
        );
        let total = zip(&[("a.bin", &[0u8; 800]), ("b.bin", &[0u8; 800])]);
        assert!(check(&total, &SMALL).is_err());
        let many = zip(&[("a", b""), ("b", b""), ("c", b""), ("d", b"")]);
        assert!(check(&many, &SMALL).is_err());
    }

    #[test]
    fn one_long_shared_string_is_refused_however_it_is_split() {
        let long = format!("<sst><si><t>{}</t></si></sst>", "x".repeat(101));
        assert!(check(&zip(&[("s.xml", long.as_bytes())]), &SMALL).is_err());
        let runs = format!(
            "<sst><si><r><t>{}</t></r><r><t>{}</t></r></si></sst>",
            "x".repeat(60),
            "y".repeat(60)
        );
        assert!(check(&zip(&[("s.xml", runs.as_bytes())]), &SMALL).is_err());
        let cells = format!(
            "<x:sheetData><x:c r=\"A1\"><x:v>{}</x:v></x:c><x:c r=\"A2\"><x:v>{}</x:v></x:c></x:sheetData>",
            "1".repeat(90),
            "2".repeat(90)
        );
        check(&zip(&[("s.xml", cells.as_bytes())]), &SMALL).unwrap();
    }

    #[test]
    fn an_archive_declaring_more_entries_than_allowed_is_refused_before_it_is_opened() {
        let mut bytes = zip(&[("a", b"")]);
        let eocd = bytes
            .windows(4)
            .rposition(|w| w == [0x50, 0x4b, 0x05, 0x06])
            .unwrap();
        assert_eq!(declared_entries(&bytes), 1);
        bytes[eocd + 8..eocd + 12].copy_from_slice(&[0xff, 0xfe, 0xff, 0xfe]);
        assert_eq!(declared_entries(&bytes), 0xfeff);
        let err = check(&bytes, &SMALL).unwrap_err();
        assert_eq!(err.code, ErrorCode::FileTooLargeUnpacked);
        assert!(err.message.contains("65279"), "{}", err.message);
    }

    #[test]
    fn an_entry_that_lies_about_its_size_is_measured_by_what_it_gives() {
        let mut bytes = zip(&[("a.bin", &[0u8; 5000])]);
        // Patch the declared uncompressed size (local header at 22, central directory entry at
        // 24 after its signature) down to 10 bytes.
        let lie = 10u32.to_le_bytes();
        bytes[22..26].copy_from_slice(&lie);
        let cd = bytes
            .windows(4)
            .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
            .unwrap();
        bytes[cd + 24..cd + 28].copy_from_slice(&lie);
        let err = check(&bytes, &SMALL).unwrap_err();
        assert_eq!(err.code, ErrorCode::FileTooLargeUnpacked);
    }
}
