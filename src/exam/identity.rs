//! Candidate identity: the resident ID number and the admission ticket number, as types that can
//! only hold valid values (parse, don't validate).

use crate::bank::model::full_to_half;
use crate::error::{ErrorCode, Text};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Weights of the first 17 digits in the ID check digit (GB 11643-1999, ISO 7064 MOD 11-2).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each value of the weighted sum mod 11.
const ID_CHECK: [u8; 11] = *b"10X98765432";

/// Province-level codes an ID number may start with (first two digits):
///
/// - 11–15: 北京 天津 河北 山西 内蒙古
/// - 21–23: 辽宁 吉林 黑龙江
/// - 31–37: 上海 江苏 浙江 安徽 福建 江西 山东
/// - 41–46: 河南 湖北 湖南 广东 广西 海南
/// - 50–54: 重庆 四川 贵州 云南 西藏
/// - 61–65: 陕西 甘肃 青海 宁夏 新疆
/// - 71: 台湾
/// - 81, 82: 香港, 澳门 (also the residence permits of Hong Kong and Macao residents)
/// - 83: residence permits of Taiwan residents
/// - 91: foreigners' permanent residence ID cards (2023 format, same 18-character layout)
pub const ID_REGIONS: [RegionRange; 11] = [
    (11, 15),
    (21, 23),
    (31, 37),
    (41, 46),
    (50, 54),
    (61, 65),
    (71, 71),
    (81, 81),
    (82, 82),
    (83, 83),
    (91, 91),
];

/// An inclusive range of two-digit region codes.
pub type RegionRange = (u8, u8);

/// Why a text is not a valid ID number. Never carries the number itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not 18 characters after trimming (15-digit first-generation numbers are not accepted).
    #[error("an ID number has 18 characters, found {0}")]
    WrongLength(usize),
    /// A character other than a digit, or other than a digit or X in the last place.
    #[error("character {0} of the ID number is not allowed there")]
    BadCharacter(usize),
    /// The check character does not match the first 17 digits (a typo).
    #[error("the ID number's check character does not match; check for a typo")]
    BadCheckDigit,
    /// The birth date (characters 7–14) is not a real date between 1900-01-01 and today.
    #[error("the ID number's birth date is not a real date between 1900 and today")]
    BadBirthDate,
    /// The first two digits are not a known region code.
    #[error("the ID number's region code is not known")]
    BadRegion,
}

impl IdError {
    /// Stable snake_case code for API errors.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::WrongLength(_) => ErrorCode::WrongLength,
            Self::BadCharacter(_) => ErrorCode::BadCharacter,
            Self::BadCheckDigit => ErrorCode::BadCheckDigit,
            Self::BadBirthDate => ErrorCode::BadBirthDate,
            Self::BadRegion => ErrorCode::BadRegion,
        }
    }

    /// The reason in Chinese and English.
    pub fn text(&self) -> Text {
        let zh = match self {
            Self::WrongLength(n) => format!("身份证号应为 18 位，现为 {n} 位"),
            Self::BadCharacter(i) => format!("身份证号第 {i} 位的字符不正确"),
            Self::BadCheckDigit => "身份证号校验位不符，请检查是否输错".to_string(),
            Self::BadBirthDate => "身份证号中的出生日期不是 1900 年至今的有效日期".to_string(),
            Self::BadRegion => "身份证号的地区代码不存在".to_string(),
        };
        Text::new(zh, self.to_string())
    }
}

/// The check character (`0`–`9` or `X`) for the first 17 digits of an ID number, or `None` if
/// `first17` is not exactly 17 ASCII digits.
///
/// Sum of digit × weight with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; the check character
/// is `"10X98765432"[sum mod 11]`.
pub fn id_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(ID_CHECK[(sum % 11) as usize]))
}

/// A Chinese resident ID number (居民身份证号码, GB 11643-1999) that passed every check.
///
/// Holds the 18 characters with an uppercase `X`. [`Display`](fmt::Display) and
/// [`Debug`](fmt::Debug) show only the masked form, and there is deliberately no `Serialize`:
/// use [`IdNumber::as_str`] to store it and [`IdNumber::masked`] to show it.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses an ID number, checking against today's local date for the birth date.
    /// See [`IdNumber::parse_on`].
    pub fn parse(s: &str) -> Result<IdNumber, IdError> {
        Self::parse_on(s, chrono::Local::now().date_naive())
    }

    /// Parses an ID number as of `today`. Surrounding whitespace is trimmed and full-width
    /// digits and `Ｘ` are read as half-width; a lowercase `x` is stored as `X`.
    ///
    /// Checks, in this order (the first failure is reported): 18 characters
    /// (`wrong_length`); 17 digits then a digit or X (`bad_character`); the check character
    /// (`bad_check_digit`, checked early because a typo is the likeliest mistake); the region
    /// code, see [`ID_REGIONS`] (`bad_region`); the birth date in characters 7–14, `YYYYMMDD`,
    /// a real date from 1900-01-01 to `today` (`bad_birth_date`).
    pub fn parse_on(s: &str, today: NaiveDate) -> Result<IdNumber, IdError> {
        let text: String = s
            .trim()
            .chars()
            .map(|c| full_to_half(c).to_ascii_uppercase())
            .collect();
        let count = text.chars().count();
        if count != 18 {
            return Err(IdError::WrongLength(count));
        }
        for (i, c) in text.chars().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && c == 'X');
            if !ok {
                return Err(IdError::BadCharacter(i + 1));
            }
        }
        // All 18 characters are ASCII from here on, so byte slicing is safe.
        if id_check_char(&text[..17]) != text[17..].chars().next() {
            return Err(IdError::BadCheckDigit);
        }
        let region: u8 = text[..2].parse().map_err(|_| IdError::BadRegion)?;
        if !ID_REGIONS
            .iter()
            .any(|&(lo, hi)| (lo..=hi).contains(&region))
        {
            return Err(IdError::BadRegion);
        }
        let birth = birth_date_of(&text).ok_or(IdError::BadBirthDate)?;
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).ok_or(IdError::BadBirthDate)?;
        if birth < earliest || birth > today {
            return Err(IdError::BadBirthDate);
        }
        Ok(IdNumber(text))
    }

    /// The full 18 characters, for storage. Never log this.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with the middle hidden: the first 6 and last 4 characters kept, e.g.
    /// `440106********123X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// The birth date in characters 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        // Checked by parse; the fallback is unreachable.
        birth_date_of(&self.0).unwrap_or_default()
    }
}

/// Reads `YYYYMMDD` from characters 7–14 of an 18-character ASCII ID number.
fn birth_date_of(text: &str) -> Option<NaiveDate> {
    let digits = text.get(6..14)?;
    let year: i32 = digits[..4].parse().ok()?;
    let month: u32 = digits[4..6].parse().ok()?;
    let day: u32 = digits[6..].parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    // Guards against a lenient parser; from_ymd_opt already refuses 2023-02-30.
    (date.year() == year).then_some(date)
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

impl FromStr for IdNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

/// Shortest ticket number accepted.
pub const TICKET_MIN_LEN: usize = 6;
/// Longest ticket number accepted.
pub const TICKET_MAX_LEN: usize = 20;
/// Fewest digits of the serial in a generated ticket (zero-padded up to this).
pub const TICKET_SERIAL_DIGITS: usize = 5;

/// Why a text is not a valid ticket number, or a prefix cannot make one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    /// Fewer than 6 or more than 20 characters after trimming.
    #[error("a ticket number has {TICKET_MIN_LEN} to {TICKET_MAX_LEN} characters, found {0}")]
    WrongLength(usize),
    /// A character other than A–Z or 0–9 (1-based position).
    #[error("character {0} of the ticket number is not a letter A–Z or a digit")]
    BadCharacter(usize),
    /// A ticket of the generated shape whose check letter does not match (a typo).
    #[error("the ticket number's check letter does not match; check for a typo")]
    BadCheckCharacter,
    /// A prefix with characters other than A–Z/0–9, or too long for the serial to fit in 20.
    #[error("the ticket prefix must be A–Z and 0–9 and leave room for the serial")]
    BadPrefix,
}

impl TicketError {
    /// Stable snake_case code for API errors.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::WrongLength(_) => ErrorCode::WrongLength,
            Self::BadCharacter(_) => ErrorCode::BadCharacter,
            Self::BadCheckCharacter => ErrorCode::BadCheckCharacter,
            Self::BadPrefix => ErrorCode::BadPrefix,
        }
    }

    /// The reason in Chinese and English.
    pub fn text(&self) -> Text {
        let zh = match self {
            Self::WrongLength(n) => format!(
                "准考证号格式不正确：应为 {TICKET_MIN_LEN} 至 {TICKET_MAX_LEN} 位，现为 {n} 位"
            ),
            Self::BadCharacter(i) => {
                format!("准考证号格式不正确：第 {i} 位不是字母 A–Z 或数字")
            }
            Self::BadCheckCharacter => "准考证号校验字母不符，请检查是否输错".to_string(),
            Self::BadPrefix => "准考证号前缀只能用 A–Z 和 0–9，且须为序号留出位置".to_string(),
        };
        Text::new(zh, self.to_string())
    }
}

/// An admission ticket number (准考证号): 6 to 20 characters, A–Z and 0–9.
///
/// # Generated tickets and their check letter
///
/// [`TicketNumber::generate`] writes `PREFIX` + serial (zero-padded to at least 5 digits) + one
/// check letter, e.g. `BA2024` + `00042` + check → `BA202400042?`. The check letter is computed
/// over every character before it (prefix and serial):
///
/// 1. value each character: `0`–`9` → 0–9, `A`–`Z` → 10–35;
/// 2. weight the characters 3, 1, 3, 1, … starting from the one just before the check letter
///    and moving left;
/// 3. the check letter is `A` + (sum of value × weight) mod 26.
///
/// Both weights are odd and prime to 26, so every single mistyped digit and every swap of two
/// adjacent digits changes the letter.
///
/// [`TicketNumber::parse`] verifies the check letter whenever the ticket has the generated
/// shape: it ends with a letter preceded by at least 5 digits. Any other ticket (all digits, as
/// most external 准考证号 are, or ending in fewer digits) is accepted on length and characters
/// alone. An imported ticket that happens to have the generated shape must carry a valid check
/// letter, which is the price of catching typos before a database lookup.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketNumber(String);

impl TicketNumber {
    /// Parses a ticket number: trimmed, full-width forms read as half-width, letters uppercased;
    /// 6–20 characters of A–Z and 0–9; the check letter verified when the ticket has the
    /// generated shape (see the type's documentation).
    pub fn parse(s: &str) -> Result<TicketNumber, TicketError> {
        let text: String = s
            .trim()
            .chars()
            .map(|c| full_to_half(c).to_ascii_uppercase())
            .collect();
        let count = text.chars().count();
        if !(TICKET_MIN_LEN..=TICKET_MAX_LEN).contains(&count) {
            return Err(TicketError::WrongLength(count));
        }
        if let Some(i) = text
            .chars()
            .position(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
        {
            return Err(TicketError::BadCharacter(i + 1));
        }
        if has_generated_shape(&text) {
            let (body, check) = text.split_at(text.len() - 1);
            if !check.starts_with(ticket_check_char(body)) {
                return Err(TicketError::BadCheckCharacter);
            }
        }
        Ok(TicketNumber(text))
    }

    /// Makes a ticket number: `prefix` (trimmed, full-width read as half-width, uppercased;
    /// A–Z and 0–9 only, may be empty) + `serial` zero-padded to at least 5 digits + check
    /// letter. Fails with `bad_prefix` if the prefix has other characters or the whole would
    /// exceed 20 characters (a prefix of up to 14 characters always fits a serial below 100000).
    pub fn generate(prefix: &str, serial: u32) -> Result<TicketNumber, TicketError> {
        let prefix: String = prefix
            .trim()
            .chars()
            .map(|c| full_to_half(c).to_ascii_uppercase())
            .collect();
        if !prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return Err(TicketError::BadPrefix);
        }
        let body = format!("{prefix}{serial:0width$}", width = TICKET_SERIAL_DIGITS);
        if body.len() + 1 > TICKET_MAX_LEN {
            return Err(TicketError::BadPrefix);
        }
        let check = ticket_check_char(&body);
        Ok(TicketNumber(format!("{body}{check}")))
    }

    /// The ticket number, for storage and display.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether an uppercase A–Z/0–9 ticket ends with a letter preceded by at least 5 digits.
fn has_generated_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes.split_last() {
        Some((last, rest)) if last.is_ascii_uppercase() => {
            rest.iter().rev().take_while(|b| b.is_ascii_digit()).count() >= TICKET_SERIAL_DIGITS
        }
        _ => false,
    }
}

/// The check letter for the body of a generated ticket (uppercase A–Z/0–9): `A` + (Σ value ×
/// weight) mod 26, with values 0–9 for digits and 10–35 for A–Z and weights 3, 1, 3, 1, … from
/// the right. Other characters count 0 (they never reach here).
pub fn ticket_check_char(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let value = match b {
                b'0'..=b'9' => u32::from(b - b'0'),
                b'A'..=b'Z' => u32::from(b - b'A') + 10,
                _ => 0,
            };
            let weight = if i % 2 == 0 { 3 } else { 1 };
            value * weight
        })
        .sum();
    char::from(b'A' + (sum % 26) as u8)
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TicketNumber {
    type Err = TicketError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for TicketNumber {
    type Error = TicketError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<TicketNumber> for String {
    fn from(t: TicketNumber) -> String {
        t.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2025, 6, 1)
    }

    /// A valid ID number built from its first 17 digits.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", id_check_char(first17).unwrap())
    }

    fn id_err(s: &str) -> IdError {
        IdNumber::parse_on(s, today()).unwrap_err()
    }

    // --- ID numbers ---

    #[test]
    fn the_public_example_number_is_valid() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), day(1949, 12, 31));
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
    }

    #[test]
    fn a_number_built_with_the_computed_check_digit_parses() {
        let s = with_check("44010619900307123");
        let id = IdNumber::parse_on(&s, today()).unwrap();
        assert_eq!(id.as_str(), s);
        assert_eq!(id.birth_date(), day(1990, 3, 7));
    }

    #[test]
    fn the_check_digit_follows_the_weights_and_the_mod_11_table() {
        // 4·7+4·9+0·10+1·5+0·8+6·4+1·2+9·1+9·6+0·3+0·7+3·9+0·10+7·5+1·8+2·4+3·2 = 242;
        // 242 mod 11 = 0 → "10X98765432"[0] = '1'.
        assert_eq!(id_check_char("44010619900307123"), Some('1'));
        assert_eq!(id_check_char("4401061990030712"), None);
        assert_eq!(id_check_char("4401061990030712A"), None);
    }

    #[test]
    fn a_lowercase_x_is_accepted_and_stored_uppercase() {
        let id = IdNumber::parse_on("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn full_width_digits_and_surrounding_spaces_are_accepted() {
        let id =
            IdNumber::parse_on("  １１０１０５１９４９１２３１００２Ｘ\u{3000}", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn flipping_one_digit_gives_bad_check_digit() {
        let err = id_err("11010519491231012X");
        assert_eq!(err, IdError::BadCheckDigit);
        assert_eq!(err.code(), ErrorCode::BadCheckDigit);
    }

    #[test]
    fn swapping_two_adjacent_digits_gives_bad_check_digit() {
        assert_eq!(id_err("11010519492131002X"), IdError::BadCheckDigit);
    }

    #[test]
    fn a_number_of_the_wrong_length_is_refused() {
        assert_eq!(id_err("110105194912310"), IdError::WrongLength(15));
        assert_eq!(id_err("11010519491231002X1"), IdError::WrongLength(19));
        assert_eq!(id_err(""), IdError::WrongLength(0));
        assert_eq!(id_err("110105194912310").code(), ErrorCode::WrongLength);
    }

    #[test]
    fn a_letter_among_the_digits_is_a_bad_character() {
        let err = id_err("1101051949123100AX");
        assert_eq!(err, IdError::BadCharacter(17));
        assert_eq!(err.code(), ErrorCode::BadCharacter);
        // X is only allowed last.
        assert_eq!(id_err("X10105194912310020"), IdError::BadCharacter(1));
        // A space inside is not trimmed away.
        assert_eq!(id_err("110105 9491231002X"), IdError::BadCharacter(7));
    }

    #[test]
    fn the_thirtieth_of_february_is_a_bad_birth_date() {
        let err = id_err(&with_check("44010620230230123"));
        assert_eq!(err, IdError::BadBirthDate);
        assert_eq!(err.code(), ErrorCode::BadBirthDate);
    }

    #[test]
    fn a_birth_date_before_1900_or_after_today_is_refused() {
        assert_eq!(
            id_err(&with_check("44010618991231123")),
            IdError::BadBirthDate
        );
        assert!(IdNumber::parse_on(&with_check("44010619000101123"), today()).is_ok());
        assert!(IdNumber::parse_on(&with_check("44010620250601123"), today()).is_ok());
        assert_eq!(
            id_err(&with_check("44010620250602123")),
            IdError::BadBirthDate
        );
        assert_eq!(
            id_err(&with_check("44010619901301123")),
            IdError::BadBirthDate
        );
    }

    #[test]
    fn an_unknown_region_code_is_refused() {
        for region in [
            "00", "10", "16", "20", "24", "38", "47", "55", "66", "72", "84", "99",
        ] {
            let err = id_err(&with_check(&format!("{region}010619900307123")));
            assert_eq!(err, IdError::BadRegion, "region {region}");
            assert_eq!(err.code(), ErrorCode::BadRegion);
        }
    }

    #[test]
    fn every_listed_region_code_is_accepted() {
        for region in [
            11, 15, 21, 23, 31, 37, 41, 46, 50, 54, 61, 65, 71, 81, 82, 83, 91,
        ] {
            let s = with_check(&format!("{region}010619900307123"));
            assert!(IdNumber::parse_on(&s, today()).is_ok(), "region {region}");
        }
    }

    #[test]
    fn the_masked_form_keeps_the_first_six_and_last_four() {
        let id = IdNumber::parse_on("11010519491231002X", today()).unwrap();
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(id.masked().chars().count(), 18);
    }

    #[test]
    fn display_and_debug_never_show_the_full_number() {
        let id = IdNumber::parse_on("11010519491231002X", today()).unwrap();
        assert_eq!(id.to_string(), "110105********002X");
        let debug = format!("{id:?}");
        assert!(!debug.contains("19491231"), "{debug}");
        assert!(debug.contains("110105********002X"), "{debug}");
        assert!(!format!("{:?}", Some(&id)).contains("19491231"));
    }

    #[test]
    fn an_id_number_deserializes_through_parse() {
        let id: IdNumber = serde_json::from_str(r#""11010519491231002x""#).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert!(serde_json::from_str::<IdNumber>(r#""11010519491231012X""#).is_err());
    }

    #[test]
    fn errors_do_not_contain_the_number() {
        let err = id_err("11010519491231012X");
        assert!(!err.to_string().contains("1949"));
    }

    // --- tickets ---

    #[test]
    fn a_generated_ticket_is_prefix_padded_serial_and_check_letter() {
        let t = TicketNumber::generate("BA2024", 42).unwrap();
        let s = t.as_str();
        assert_eq!(s.len(), 12);
        assert!(s.starts_with("BA202400042"));
        assert_eq!(s.chars().last(), Some(ticket_check_char("BA202400042")));
        assert_eq!(TicketNumber::parse(s).unwrap(), t);
    }

    #[test]
    fn the_check_letter_follows_the_documented_weights() {
        // "00042" from the right: 2·3 + 4·1 + 0·3 + 0·1 + 0·3 = 10 → 'A' + 10 = 'K'.
        assert_eq!(ticket_check_char("00042"), 'K');
        // "A00001": 1·3 + 0 + 0 + 0 + 0 + A(10)·1 = 13 → 'N'.
        assert_eq!(ticket_check_char("A00001"), 'N');
        assert_eq!(TicketNumber::generate("", 42).unwrap().as_str(), "00042K");
        assert_eq!(TicketNumber::generate("a", 1).unwrap().as_str(), "A00001N");
    }

    #[test]
    fn every_single_digit_typo_in_a_generated_ticket_is_caught() {
        let t = TicketNumber::generate("GA2025", 31_415).unwrap();
        let s = t.as_str();
        for (i, c) in s.char_indices().filter(|(_, c)| c.is_ascii_digit()) {
            for d in ('0'..='9').filter(|&d| d != c) {
                let mut typo = s.to_string();
                typo.replace_range(i..i + 1, &d.to_string());
                assert_eq!(
                    TicketNumber::parse(&typo),
                    Err(TicketError::BadCheckCharacter),
                    "{typo}"
                );
            }
        }
    }

    #[test]
    fn swapping_adjacent_serial_digits_is_caught() {
        let t = TicketNumber::generate("KS", 12_345).unwrap();
        let mut chars: Vec<char> = t.as_str().chars().collect();
        chars.swap(3, 4);
        let swapped: String = chars.into_iter().collect();
        let err = TicketNumber::parse(&swapped).unwrap_err();
        assert_eq!(err, TicketError::BadCheckCharacter);
        assert_eq!(err.code(), ErrorCode::BadCheckCharacter);
    }

    #[test]
    fn a_wrong_check_letter_is_caught() {
        let t = TicketNumber::generate("BA2024", 7).unwrap();
        let s = t.as_str();
        let last = s.chars().last().unwrap();
        let other = if last == 'A' { 'B' } else { 'A' };
        let typo = format!("{}{other}", &s[..s.len() - 1]);
        assert_eq!(
            TicketNumber::parse(&typo),
            Err(TicketError::BadCheckCharacter)
        );
    }

    #[test]
    fn tickets_are_trimmed_uppercased_and_read_full_width() {
        let t = TicketNumber::generate("BA", 99).unwrap();
        let typed = format!("  {}  ", t.as_str().to_lowercase());
        assert_eq!(TicketNumber::parse(&typed).unwrap(), t);
        assert_eq!(
            TicketNumber::parse("ｂａ１２３４").unwrap().as_str(),
            "BA1234"
        );
    }

    #[test]
    fn all_digit_external_tickets_are_accepted_without_a_check() {
        assert_eq!(
            TicketNumber::parse("202512345678").unwrap().as_str(),
            "202512345678"
        );
        // Ends in a letter but with fewer than five digits before it: not the generated shape.
        assert!(TicketNumber::parse("ZK1234B").is_ok());
    }

    #[test]
    fn ticket_length_must_be_six_to_twenty() {
        assert_eq!(
            TicketNumber::parse("A1234"),
            Err(TicketError::WrongLength(5))
        );
        assert_eq!(
            TicketNumber::parse("A1234").unwrap_err().code(),
            ErrorCode::WrongLength
        );
        assert!(TicketNumber::parse("A12345").is_ok());
        assert!(TicketNumber::parse(&"1".repeat(20)).is_ok());
        assert_eq!(
            TicketNumber::parse(&"1".repeat(21)),
            Err(TicketError::WrongLength(21))
        );
    }

    #[test]
    fn punctuation_or_chinese_in_a_ticket_is_a_bad_character() {
        assert_eq!(
            TicketNumber::parse("BA-12345"),
            Err(TicketError::BadCharacter(3))
        );
        assert_eq!(
            TicketNumber::parse("考场123456"),
            Err(TicketError::BadCharacter(1))
        );
        assert_eq!(
            TicketNumber::parse("BA 12345").unwrap_err().code(),
            ErrorCode::BadCharacter
        );
    }

    #[test]
    fn a_prefix_that_is_bad_or_too_long_cannot_generate() {
        assert_eq!(
            TicketNumber::generate("BA-1", 1),
            Err(TicketError::BadPrefix)
        );
        assert!(TicketNumber::generate(&"A".repeat(14), 99_999).is_ok());
        assert_eq!(
            TicketNumber::generate(&"A".repeat(15), 1)
                .unwrap_err()
                .code(),
            ErrorCode::BadPrefix
        );
        // A serial past 99999 takes more digits and so more room.
        assert_eq!(
            TicketNumber::generate(&"A".repeat(14), 100_000),
            Err(TicketError::BadPrefix)
        );
    }

    #[test]
    fn large_serials_still_round_trip() {
        let t = TicketNumber::generate("", u32::MAX).unwrap();
        assert_eq!(t.as_str().len(), 11);
        assert_eq!(TicketNumber::parse(t.as_str()).unwrap(), t);
    }

    #[test]
    fn tickets_serialize_as_plain_strings_and_deserialize_through_parse() {
        let t = TicketNumber::generate("BA", 1).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, format!("\"{}\"", t.as_str()));
        assert_eq!(serde_json::from_str::<TicketNumber>(&json).unwrap(), t);
        assert!(serde_json::from_str::<TicketNumber>(r#""BA-1""#).is_err());
    }

    #[test]
    fn every_id_and_ticket_error_reads_in_chinese_without_english_left_in_it() {
        use crate::error::{english_run, has_cjk};
        let texts = [
            IdError::WrongLength(17).text(),
            IdError::BadCharacter(5).text(),
            IdError::BadCheckDigit.text(),
            IdError::BadBirthDate.text(),
            IdError::BadRegion.text(),
            TicketError::WrongLength(25).text(),
            TicketError::BadCharacter(3).text(),
            TicketError::BadCheckCharacter.text(),
            TicketError::BadPrefix.text(),
        ];
        for t in texts {
            assert!(has_cjk(&t.zh), "{t:?}");
            assert_eq!(english_run(&t.zh), None, "{t:?}");
            assert!(!t.en.is_empty() && !has_cjk(&t.en), "{t:?}");
        }
    }
}
