//! Reading a session roster (名单): the columns 姓名, 身份证号, 工作单位, 手机 (and optionally 考场)
//! as keepers export them, one checked candidate per row.

use super::identity::IdNumber;
use crate::bank::format::{FormatError, Skip};
use crate::error::ErrorCode;

/// A candidate as a roster row gives it, checked.
#[derive(Debug, Clone)]
pub struct NewCandidate {
    /// Name.
    pub name: String,
    /// ID number (checked).
    pub id_number: IdNumber,
    /// Employer (工作单位).
    pub employer: String,
    /// Mobile phone.
    pub phone: String,
    /// The room wanted, by name; the next free seat anywhere when absent.
    pub room: Option<String>,
}

/// One row of the roster: the candidate, or why the row was skipped.
#[derive(Debug, Clone)]
pub struct RosterRow {
    /// Line (CSV) or row (XLSX).
    pub line: usize,
    /// The name on the row, or `row N`.
    pub ident: String,
    /// The candidate or the reason.
    pub result: Result<NewCandidate, Skip>,
}

const NAME: &[&str] = &["姓名", "name"];
const ID: &[&str] = &["身份证号", "身份证号码", "证件号码", "身份证", "id_number"];
const EMPLOYER: &[&str] = &["工作单位", "单位", "单位名称", "employer"];
const PHONE: &[&str] = &["手机", "手机号", "手机号码", "联系电话", "电话", "phone"];
const ROOM: &[&str] = &["考场", "room"];

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h = h.trim().trim_end_matches('*').trim();
        names.iter().any(|n| h.eq_ignore_ascii_case(n))
    })
}

/// Checks a candidate's fields (used for rows and for single entries).
pub fn check(
    name: &str,
    id_number: &str,
    employer: &str,
    phone: &str,
    room: Option<&str>,
) -> Result<NewCandidate, Skip> {
    // A roster file is text from outside like any request: no control characters (see `input`).
    for (field, en, text) in [
        ("姓名", "the name", name),
        ("工作单位", "the employer", employer),
        ("考场", "the room", room.unwrap_or("")),
    ] {
        if let Some(c) = crate::input::first_forbidden(text) {
            return Err(Skip::new(
                ErrorCode::ControlCharacter,
                format!("{field}中含有控制字符 U+{:04X}", c as u32),
                format!(
                    "{en} ({field}) holds the control character U+{:04X}",
                    c as u32
                ),
            ));
        }
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(Skip::new(
            ErrorCode::InvalidName,
            "姓名须为 1–50 个字",
            "a name needs 1–50 characters",
        ));
    }
    let id_number = IdNumber::parse(id_number).map_err(|e| Skip::text(e.code(), e.text()))?;
    let phone = phone.trim();
    let phone_ok = phone.is_empty()
        || ((5..=20).contains(&phone.len())
            && phone
                .chars()
                .all(|c| c.is_ascii_digit() || "+- ".contains(c)));
    if !phone_ok {
        return Err(Skip::new(
            ErrorCode::InvalidPhone,
            format!("手机“{phone}”不是有效的电话号码"),
            format!("the phone {phone:?} (手机) is not a phone number"),
        ));
    }
    let employer = employer.trim();
    if employer.chars().count() > 200 {
        return Err(Skip::new(
            ErrorCode::InvalidEmployer,
            "工作单位超过 200 个字",
            "the employer (工作单位) is longer than 200 characters",
        ));
    }
    Ok(NewCandidate {
        name: name.to_string(),
        id_number,
        employer: employer.to_string(),
        phone: phone.to_string(),
        room: room
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string),
    })
}

/// Reads a roster file (XLSX, or CSV in UTF-8 or GBK) into checked rows.
pub fn read(bytes: &[u8], xlsx: bool) -> Result<Vec<RosterRow>, FormatError> {
    parse(crate::bank::format::sheet::rows(bytes, xlsx)?)
}

/// Reads rows (header first) into candidates. The header is the first row naming 姓名 and
/// 身份证号; a file without one is refused as a whole.
pub fn parse(rows: Vec<(usize, Vec<String>)>) -> Result<Vec<RosterRow>, FormatError> {
    let mut iter = rows.into_iter();
    let (name_col, id_col, employer_col, phone_col, room_col) = loop {
        let Some((_, header)) = iter.next() else {
            return Err(FormatError::new(
                ErrorCode::MissingColumn,
                "没有找到含“姓名”和“身份证号”的表头行",
                "no header row with 姓名 and 身份证号 was found",
            ));
        };
        if let (Some(n), Some(i)) = (find(&header, NAME), find(&header, ID)) {
            break (
                n,
                i,
                find(&header, EMPLOYER),
                find(&header, PHONE),
                find(&header, ROOM),
            );
        }
    };
    let cell = |cells: &[String], i: Option<usize>| -> String {
        i.and_then(|i| cells.get(i)).cloned().unwrap_or_default()
    };
    Ok(iter
        .map(|(line, cells)| {
            let name = cell(&cells, Some(name_col));
            RosterRow {
                line,
                ident: if name.trim().is_empty() {
                    format!("row {line}")
                } else {
                    name.trim().to_string()
                },
                result: check(
                    &name,
                    &cell(&cells, Some(id_col)),
                    &cell(&cells, employer_col),
                    &cell(&cells, phone_col),
                    room_col.map(|_| cell(&cells, room_col)).as_deref(),
                ),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (line, cells.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn rows_under_the_chinese_header_become_checked_candidates() {
        let rows = vec![
            row(1, &["第七十四期培训名单"]),
            row(2, &["序号", "姓名", "身份证号", "工作单位", "手机"]),
            row(
                3,
                &[
                    "1",
                    "张三",
                    "11010519491231002X",
                    "广州某安防公司",
                    "13800138000",
                ],
            ),
            row(4, &["2", "李四", "110105194912310021", "某单位", ""]),
            row(5, &["3", "", "11010519491231002X", "", ""]),
            row(6, &["4", "王五", "11010519491231002X", "", "call me"]),
        ];
        let out = parse(rows).unwrap();
        assert_eq!(out.len(), 4);
        let ok = out[0].result.as_ref().unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.employer.as_str()),
            ("张三", "广州某安防公司")
        );
        assert_eq!(ok.id_number.masked(), "110105********002X");
        assert_eq!(
            out[1].result.as_ref().unwrap_err().code,
            ErrorCode::BadCheckDigit
        );
        assert_eq!(out[2].ident, "row 5");
        assert_eq!(
            out[2].result.as_ref().unwrap_err().code,
            ErrorCode::InvalidName
        );
        assert_eq!(
            out[3].result.as_ref().unwrap_err().code,
            ErrorCode::InvalidPhone
        );
    }

    #[test]
    fn a_row_with_a_control_character_is_skipped_with_its_code() {
        let out = parse(vec![
            row(1, &["姓名", "身份证号", "工作单位"]),
            row(2, &["张\u{0}三", "11010519491231002X", ""]),
            row(3, &["李四", "11010519491231002X", "某\u{1b}单位"]),
        ])
        .unwrap();
        for r in &out {
            assert_eq!(
                r.result.as_ref().unwrap_err().code,
                ErrorCode::ControlCharacter
            );
        }
    }

    #[test]
    fn a_roster_without_the_required_header_is_refused() {
        let err = parse(vec![row(1, &["名字", "证号"]), row(2, &["张三", "x"])]).unwrap_err();
        assert_eq!(err.code, ErrorCode::MissingColumn);
    }

    #[test]
    fn every_roster_row_error_reads_in_chinese_without_english_left_in_it() {
        use crate::error::{english_run, has_cjk};
        let long = "单".repeat(201);
        let rows = [
            ("张\u{7}三", "11010519491231002X", "", "", None),
            ("", "11010519491231002X", "", "", None),
            ("张三", "1101051949123100", "", "", None),
            ("张三", "11010519491231002A", "", "", None),
            ("张三", "110105194912310021", "", "", None),
            ("张三", "110105189912310027", "", "", None),
            ("张三", "990105194912310026", "", "", None),
            ("张三", "11010519491231002X", "", "call me", None),
            ("张三", "11010519491231002X", long.as_str(), "", None),
            ("张三", "11010519491231002X", "", "", Some("一\u{1b}")),
        ];
        for (name, id, employer, phone, room) in rows {
            let skip = check(name, id, employer, phone, room).unwrap_err();
            let zh = &skip.reason_zh;
            assert!(has_cjk(zh), "{skip:?}");
            assert_eq!(english_run(zh), None, "{skip:?}");
            assert!(!skip.reason.is_empty(), "{skip:?}");
        }
        let header = parse(vec![row(1, &["名字"])]).unwrap_err();
        assert!(has_cjk(&header.message_zh) && english_run(&header.message_zh).is_none());
    }
}
