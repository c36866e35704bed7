//! `--explain` in words: how each part of the query was understood and what each matched part
//! of a hit added. The engine hands over data ([`Note`], [`MatchedPart`]); this is the one place
//! that turns it into the sentences the text and JSON outputs show.

use crate::search::compile::score::Adjustment;
use crate::search::compile::{Alternative, Why};
use crate::search::{MatchedPart, Note};

/// A note in words: `snapback → snapback (as typed) | "snap back" (split compound)`.
pub fn note(note: &Note) -> String {
    match note {
        Note::StopWords { words } => format!("stop words left out: {}", words.join(", ")),
        Note::Leaf {
            label,
            excluded,
            alternatives,
        } => {
            let shown: Vec<String> = alternatives.iter().map(alternative).collect();
            format!(
                "{}{label} → {}",
                if *excluded { "excluded: " } else { "" },
                shown.join(" | ")
            )
        }
        Note::NoIndexedWord { label } => format!("{label} → no indexed word matches"),
        Note::MostWords { required, of } => format!(
            "a long query: passages need {required} of its {of} words, not all (the best have all)"
        ),
        Note::Fallback => {
            "no passage has every word: ranked by any of them (the any-word fallback)".to_owned()
        }
        Note::Similar { passage_id, terms } => {
            let terms: Vec<String> = terms.iter().map(|(t, w)| format!("{t} ({w:.2})")).collect();
            format!(
                "like {passage_id}, by its distinctive words: {}",
                terms.join(", ")
            )
        }
    }
}

/// A matched part in words: `text: sanction (as typed) → 4.210`.
pub fn matched_part(part: &MatchedPart) -> String {
    format!(
        "{}: {} → {:.3}",
        part.field.name(),
        alternative(&part.alternative),
        part.score
    )
}

/// An adjustment in words: `× 0.30: reference matter (footnotes, references, links)`.
pub fn adjustment(adjustment: &Adjustment) -> String {
    let what = match adjustment {
        Adjustment::Reference => "reference matter (footnotes, a reference list, links)",
        Adjustment::HeadingOnly => "matched only in the title or section",
    };
    format!("× {:.2}: {what}", adjustment.factor())
}

/// One alternative in words: `"snap back" (split compound)`.
pub fn alternative(a: &Alternative) -> String {
    let words: Vec<String> = a
        .sequence
        .iter()
        .map(|alts| match alts.len() {
            0 => String::new(),
            1 => alts[0].clone(),
            n if n <= 6 => format!("({})", alts.join("|")),
            n => format!("({}|… {n} words)", alts[..5].join("|")),
        })
        .collect();
    let text = if words.len() > 1 {
        let slop = if a.slop > 0 {
            format!("~{}", a.slop)
        } else {
            String::new()
        };
        format!("\"{}\"{slop}", words.join(" "))
    } else {
        words.concat()
    };
    format!("{text} ({})", why(&a.why, a.sequence.len()))
}

fn why(why: &Why, positions: usize) -> String {
    match why {
        Why::AsTyped => "as typed".to_owned(),
        Why::ExactForms if positions == 1 => "exact form".to_owned(),
        Why::ExactForms => "exact forms".to_owned(),
        Why::JoinedCompound => "joined compound".to_owned(),
        Why::SplitCompound => "split compound".to_owned(),
        Why::Alias { name } => format!("alias `{name}`"),
        Why::Prefix => "words starting so".to_owned(),
        Why::Fuzzy { distance } => format!(
            "within {distance} edit{}",
            if *distance == 1 { "" } else { "s" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_read_as_sentences() {
        let leaf = Note::Leaf {
            label: "snapback".into(),
            excluded: false,
            alternatives: vec![
                Alternative {
                    sequence: vec![vec!["snapback".into()]],
                    slop: 0,
                    why: Why::AsTyped,
                },
                Alternative {
                    sequence: vec![vec!["snap".into()], vec!["back".into()]],
                    slop: 0,
                    why: Why::SplitCompound,
                },
            ],
        };
        assert_eq!(
            note(&leaf),
            "snapback → snapback (as typed) | \"snap back\" (split compound)"
        );
        let prefix = Alternative {
            sequence: vec![(0..9).map(|i| format!("w{i}")).collect()],
            slop: 0,
            why: Why::Prefix,
        };
        assert_eq!(
            alternative(&prefix),
            "(w0|w1|w2|w3|w4|… 9 words) (words starting so)"
        );
        assert_eq!(
            note(&Note::StopWords {
                words: vec!["the".into(), "of".into()]
            }),
            "stop words left out: the, of"
        );
    }
}
