//! Checking a body: the size limits every reader applies early, then [`Question::parse`], which
//! normalizes a body and makes it a question or says why not.

use super::scheme::MAX_EQUIPMENT;
use super::{
    AspectKind, Field, JUDGEMENT_LEVELS, Key, MAX_OPTIONS, Question, QuestionBody, QuestionError,
    QuestionKind, check_scheme, count_blanks, limits, option_label, scheme_sum,
};

/// Trims a string where it is, without copying it (a hostile text may be tens of megabytes).
fn trim_in_place(s: &mut String) {
    let end = s.trim_end().len();
    s.truncate(end);
    let start = s.len() - s.trim_start().len();
    s.drain(..start);
}

/// Checks every text and list of a body against [`limits`]. Fails with the first one over.
/// Texts count as trimmed and empty list entries not at all, as [`Question::parse`] keeps them,
/// so a reader may check a body before it is parsed.
pub fn check_limits(body: &QuestionBody) -> Result<(), QuestionError> {
    let mut total = 0usize;
    let mut text = |field: Field, s: &str, limit: usize| {
        let s = s.trim();
        // Counting stops just past the limit, so a huge text costs no more than a small one.
        let found = if s.len() <= limit {
            s.chars().count()
        } else {
            s.chars().take(limit + 1).count()
        };
        if found > limit {
            return Err(QuestionError::FieldTooLong {
                field,
                limit,
                found: s.chars().count(),
            });
        }
        total += found;
        Ok(())
    };
    let count = |field: Field, n: usize, limit: usize| {
        if n > limit {
            Err(QuestionError::TooManyEntries {
                field,
                limit,
                found: n,
            })
        } else {
            Ok(())
        }
    };
    text(Field::Stem, &body.stem, limits::STEM)?;
    for (i, o) in body.options.iter().enumerate() {
        text(Field::Option(i), o, limits::OPTION)?;
    }
    text(Field::Explanation, &body.explanation, limits::EXPLANATION)?;
    text(Field::Rubric, &body.rubric, limits::RUBRIC)?;
    text(Field::Source, &body.source, limits::SOURCE)?;
    let filled = |list: &[String]| list.iter().filter(|s| !s.trim().is_empty()).count();
    count(
        Field::Category,
        filled(&body.category),
        limits::CATEGORY_DEPTH,
    )?;
    for c in &body.category {
        text(Field::Category, c, limits::CATEGORY)?;
    }
    count(Field::Tags, filled(&body.tags), limits::TAGS)?;
    for t in &body.tags {
        text(Field::Tags, t, limits::TAG)?;
    }
    count(Field::Scheme, body.scheme.len(), limits::ASPECTS)?;
    for a in &body.scheme {
        text(Field::Scheme, &a.text, limits::ASPECT)?;
        text(Field::Scheme, &a.group, limits::CATEGORY)?;
        if let AspectKind::Judgement { descriptors } = &a.kind {
            count(Field::Scheme, descriptors.len(), JUDGEMENT_LEVELS)?;
            for d in descriptors {
                text(Field::Scheme, d, limits::ASPECT)?;
            }
        }
        if let AspectKind::Measurement { unit, .. } = &a.kind {
            text(Field::Scheme, unit, limits::TAG)?;
        }
    }
    count(Field::Equipment, body.equipment.len(), MAX_EQUIPMENT)?;
    for e in &body.equipment {
        text(Field::Equipment, &e.name, limits::OPTION)?;
        text(Field::Equipment, &e.spec, limits::OPTION)?;
        text(Field::Equipment, &e.unit, limits::TAG)?;
    }
    match &body.key {
        Key::Open { reference } => text(Field::Reference, reference, limits::REFERENCE)?,
        Key::Blanks { accepted } => {
            count(Field::Accepted, accepted.len(), limits::BLANKS)?;
            for blank in accepted {
                count(Field::Accepted, filled(blank), limits::BLANKS)?;
                for a in blank {
                    text(Field::Accepted, a, limits::ACCEPTED)?;
                }
            }
        }
        Key::Choice { .. } | Key::TrueFalse { .. } => {}
    }
    if total > limits::ITEM {
        return Err(QuestionError::ItemTooLarge {
            limit: limits::ITEM,
            found: total,
        });
    }
    Ok(())
}

impl Question {
    /// Checks a body and normalizes it (trimmed texts, sorted key). Fails with the first problem.
    pub fn parse(mut body: QuestionBody) -> Result<Question, QuestionError> {
        for s in [
            &mut body.ident,
            &mut body.stem,
            &mut body.explanation,
            &mut body.source,
            &mut body.rubric,
        ] {
            trim_in_place(s);
        }
        for s in body
            .category
            .iter_mut()
            .chain(body.tags.iter_mut())
            .chain(body.options.iter_mut())
        {
            trim_in_place(s);
        }
        body.category.retain(|c| !c.is_empty());
        body.tags.retain(|t| !t.is_empty());
        if let Key::Open { reference } = &mut body.key {
            trim_in_place(reference);
        }
        check_limits(&body)?;
        if !body.ident.is_empty()
            && (body.ident.chars().count() > 64
                || body
                    .ident
                    .chars()
                    .any(|c| c.is_whitespace() || c == '/' || c == '\\' || c.is_control()))
        {
            return Err(QuestionError::BadIdent(body.ident));
        }
        if body.stem.is_empty() {
            return Err(QuestionError::EmptyStem);
        }
        if !(body.points.is_finite() && body.points > 0.0 && body.points <= 100.0) {
            return Err(QuestionError::BadPoints(body.points));
        }
        if !(1..=5).contains(&body.difficulty) {
            return Err(QuestionError::BadDifficulty(body.difficulty));
        }
        let kind = body.kind;
        match (&mut body.key, kind) {
            (Key::Choice { correct }, QuestionKind::Single | QuestionKind::Multiple) => {
                check_options(&body.options)?;
                correct.sort_unstable();
                correct.dedup();
                if let Some(&bad) = correct.iter().find(|&&i| i >= body.options.len()) {
                    return Err(QuestionError::KeyOutOfRange(bad));
                }
                if kind == QuestionKind::Single && correct.len() != 1 {
                    return Err(QuestionError::SingleNeedsOneCorrect(correct.len()));
                }
                if correct.is_empty() {
                    return Err(QuestionError::NoCorrectOption);
                }
            }
            (Key::TrueFalse { .. }, QuestionKind::TrueFalse) => no_options(&body.options, kind)?,
            (Key::Blanks { accepted }, QuestionKind::Fill) => {
                no_options(&body.options, kind)?;
                for blank in accepted.iter_mut() {
                    for a in blank.iter_mut() {
                        *a = a.trim().to_string();
                    }
                    blank.retain(|a| !a.is_empty());
                    blank.dedup();
                }
                if accepted.is_empty() || accepted.iter().any(|b| b.is_empty()) {
                    return Err(QuestionError::EmptyBlank);
                }
                let markers = count_blanks(&body.stem);
                if !(markers == accepted.len() || (markers == 0 && accepted.len() == 1)) {
                    return Err(QuestionError::BlankCountMismatch {
                        markers,
                        blanks: accepted.len(),
                    });
                }
            }
            (Key::Open { reference }, QuestionKind::Short | QuestionKind::Practical) => {
                no_options(&body.options, kind)?;
                *reference = reference.trim().to_string();
                if kind == QuestionKind::Practical {
                    check_scheme(&body.scheme, &body.equipment, body.minutes)
                        .map_err(QuestionError::Scheme)?;
                }
                if kind == QuestionKind::Practical && !body.scheme.is_empty() {
                    let sum = scheme_sum(&body.scheme);
                    if (sum - body.points).abs() > 1e-6 {
                        return Err(QuestionError::SchemeMismatch {
                            scheme: sum,
                            points: body.points,
                        });
                    }
                }
            }
            (_, kind) => return Err(QuestionError::KeyKindMismatch(kind)),
        }
        Ok(Question(body))
    }
}

fn check_options(options: &[String]) -> Result<(), QuestionError> {
    if options.len() < 2 {
        return Err(QuestionError::TooFewOptions(options.len()));
    }
    if options.len() > MAX_OPTIONS {
        return Err(QuestionError::TooManyOptions(options.len()));
    }
    for (i, o) in options.iter().enumerate() {
        if o.is_empty() {
            return Err(QuestionError::EmptyOption(option_label(i)));
        }
        if let Some(j) = options[..i].iter().position(|p| p == o) {
            return Err(QuestionError::DuplicateOption(
                option_label(j),
                option_label(i),
            ));
        }
    }
    Ok(())
}

fn no_options(options: &[String], kind: QuestionKind) -> Result<(), QuestionError> {
    if options.is_empty() {
        Ok(())
    } else {
        Err(QuestionError::UnexpectedOptions(kind))
    }
}
