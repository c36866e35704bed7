//! Highlights: the byte ranges of a passage's text that the query matched, found by running the
//! index's analyzer over the text and replaying the query's [`Matcher`]s on its tokens.
//!
//! tantivy's snippet generator lights up every query term wherever it occurs (a phrase query
//! also marks lone words of it); here a phrase marks only its own occurrences.

use std::collections::HashSet;

use crate::index::analyzer::AnalyzedToken;

/// One positive part of the query that can match passage text: a sequence of positions, each
/// with the terms accepted there, and how far apart the positions may drift (`"a b"~2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub sequence: Vec<HashSet<String>>,
    pub slop: u32,
}

/// The sorted, merged byte ranges of `tokens` (analyzed from one text) matched by `matchers`.
pub fn highlight(tokens: &[AnalyzedToken], matchers: &[Matcher]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    for matcher in matchers {
        match matcher.sequence.len() {
            0 => {}
            1 => ranges.extend(
                tokens
                    .iter()
                    .filter(|t| matcher.sequence[0].contains(&t.term))
                    .map(|t| (t.start, t.end)),
            ),
            _ if matcher.slop == 0 => {
                for window in tokens.windows(matcher.sequence.len()) {
                    let consecutive = window
                        .windows(2)
                        .all(|w| w[1].position == w[0].position + 1);
                    if consecutive
                        && window
                            .iter()
                            .zip(&matcher.sequence)
                            .all(|(t, alts)| alts.contains(&t.term))
                    {
                        // A phrase is one highlight, covering the words and what lies between.
                        ranges.push((window[0].start, window[window.len() - 1].end));
                    }
                }
            }
            _ => ranges.extend(sloppy_matches(tokens, matcher)),
        }
    }
    merge(ranges)
}

/// In-order occurrences whose positions drift apart by at most `slop` in total; each word of an
/// occurrence is its own highlight (what lies between did not match).
fn sloppy_matches(tokens: &[AnalyzedToken], matcher: &Matcher) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, first) in tokens.iter().enumerate() {
        if !matcher.sequence[0].contains(&first.term) {
            continue;
        }
        let mut chosen = vec![first];
        let mut budget = matcher.slop as usize;
        let mut next = i + 1;
        for alts in &matcher.sequence[1..] {
            let prev = chosen.last().expect("at least the first").position;
            let found = tokens[next..]
                .iter()
                .enumerate()
                .take_while(|(_, t)| t.position <= prev + 1 + budget)
                .find(|(_, t)| alts.contains(&t.term));
            match found {
                Some((k, t)) => {
                    budget -= t.position - prev - 1;
                    chosen.push(t);
                    next += k + 1;
                }
                None => break,
            }
        }
        if chosen.len() == matcher.sequence.len() {
            out.extend(chosen.iter().map(|t| (t.start, t.end)));
        }
    }
    out
}

fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analyzer::{analyze, analyzer};

    fn matcher(words: &[&str], slop: u32) -> Matcher {
        Matcher {
            sequence: words
                .iter()
                .map(|w| HashSet::from([analyze(&mut analyzer(), w)[0].term.clone()]))
                .collect(),
            slop,
        }
    }

    fn lit<'t>(text: &'t str, matchers: &[Matcher]) -> Vec<&'t str> {
        let tokens = analyze(&mut analyzer(), text);
        highlight(&tokens, matchers)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn a_phrase_lights_up_only_where_it_occurs() {
        let text =
            "Maximum pressure returned; the pressure was at its maximum. Under maximum   pressure.";
        assert_eq!(
            lit(text, &[matcher(&["maximum", "pressure"], 0)]),
            ["Maximum pressure", "maximum   pressure"]
        );
    }

    #[test]
    fn words_light_up_in_every_inflection() {
        assert_eq!(
            lit("Sanctions were sanctioned.", &[matcher(&["sanction"], 0)]),
            ["Sanctions", "sanctioned"]
        );
    }

    #[test]
    fn sloppy_phrases_mark_their_words() {
        let text = "maximum economic pressure, and pressure alone";
        assert_eq!(
            lit(text, &[matcher(&["maximum", "pressure"], 1)]),
            ["maximum", "pressure"]
        );
        assert!(lit(text, &[matcher(&["maximum", "alone"], 1)]).is_empty());
    }

    #[test]
    fn overlapping_ranges_merge() {
        assert_eq!(merge(vec![(5, 9), (0, 3), (2, 6)]), [(0, 9)]);
    }
}
