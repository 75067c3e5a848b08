//! How keys and blanks are written in text: option letters, true/false words, full-width
//! characters, blank markers.

/// The option letter for an index: 0 → 'A'.
pub fn option_label(index: usize) -> char {
    (b'A' + (index.min(25)) as u8) as char
}

/// The index for an option letter ('A' or 'a' → 0), if it is one of A–H.
pub fn option_index(label: char) -> Option<usize> {
    let up = label.to_ascii_uppercase();
    (('A'..='H').contains(&up)).then(|| (up as u8 - b'A') as usize)
}

/// Parses a key written as letters ("B", "ACD", "A,C,D", "A、C") into ascending indices.
pub fn parse_letters(s: &str) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；' | '|') {
            continue;
        }
        let c = full_to_half(c);
        out.push(option_index(c)?);
    }
    out.sort_unstable();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

/// Reads a true/false key the ways bank keepers write it.
pub fn parse_true_false(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "t" | "对" | "正确" | "√" | "✓" | "✔" | "是" | "y" | "yes" | "1" => {
            Some(true)
        }
        "false" | "f" | "错" | "错误" | "×" | "✗" | "✘" | "x" | "否" | "n" | "no" | "0" => {
            Some(false)
        }
        _ => None,
    }
}

/// Maps a full-width ASCII character (Ａ, １, ，) to its half-width form.
pub fn full_to_half(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Counts the blank markers (runs of three or more underscores) in a stem.
pub fn count_blanks(stem: &str) -> usize {
    let mut count = 0;
    let mut run = 0;
    for c in stem.chars().chain(std::iter::once('\0')) {
        if c == '_' {
            run += 1;
        } else {
            if run >= 3 {
                count += 1;
            }
            run = 0;
        }
    }
    count
}
