//! Conflicts of interest: a judge never marks a candidate from their own employer or school.
//! The judge's `users.affiliation` is compared with the candidate's `candidates.employer` after
//! both are normalised, so `广州 某某 科技` and `广州某某科技`, or `ＡＢＣ Ltd` and `abc ltd`, are the
//! same; an empty affiliation conflicts with nothing.

/// The form two affiliations are compared in: full-width ASCII folded to half-width, lower
/// case, every whitespace character (inner ones too, the ideographic space included) removed.
pub fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            // Full-width forms of the ASCII printable characters.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a judge with this affiliation may not mark a candidate with this employer.
pub fn conflicts(affiliation: &str, employer: &str) -> bool {
    let a = normalise(affiliation);
    !a.is_empty() && a == normalise(employer)
}

/// The judges of `panel` (id, affiliation) who may mark a candidate with this employer: the
/// panel one short (or more) for a candidate from a judge's own employer.
pub fn markers(panel: &[(i32, String)], employer: &str) -> Vec<i32> {
    panel
        .iter()
        .filter(|(_, aff)| !conflicts(aff, employer))
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_employer_written_with_spaces_or_full_width_letters_or_another_case_conflicts() {
        assert!(conflicts("广州 某某 科技", "广州某某科技"));
        assert!(conflicts("ＡＢＣ　Ltd", " abc ltd "));
        assert!(conflicts("Guangzhou  Polytechnic", "guangzhoupolytechnic"));
    }

    #[test]
    fn an_empty_affiliation_conflicts_with_nothing_not_even_an_empty_employer() {
        assert!(!conflicts("", ""));
        assert!(!conflicts("  ", "某公司"));
        assert!(!conflicts("　", "　"));
    }

    #[test]
    fn different_employers_do_not_conflict() {
        assert!(!conflicts("广州某某科技", "深圳某某科技"));
        assert!(!conflicts("abc", "abcd"));
    }

    #[test]
    fn a_candidate_from_a_judges_employer_leaves_the_panel_one_short() {
        let panel = vec![
            (5, "广州安防".to_string()),
            (6, "".to_string()),
            (7, "深圳安防".to_string()),
        ];
        assert_eq!(markers(&panel, "广州 安防"), vec![6, 7]);
        assert_eq!(markers(&panel, "佛山"), vec![5, 6, 7]);
    }
}
