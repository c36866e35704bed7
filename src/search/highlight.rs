//! Highlights: the byte ranges of a passage's text that the query matched, found by running the
//! index's analysis over the text and replaying the query's [`Matcher`]s on its terms.
//!
//! tantivy's snippet generator lights up every query term wherever it occurs (a phrase query
//! also marks lone words of it); here a phrase marks only its own occurrences, and aliases,
//! compounds, prefixes and fuzzy words mark what they matched.

use std::collections::HashSet;

use crate::index::analyzer::{Analysis, AnalyzedToken, StemKeys, WordAnalyzer};

/// One positive part of the query that can match passage text: a sequence of positions, each
/// with the terms accepted there, and how far apart the positions may drift (`"a b"~2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub sequence: Vec<HashSet<String>>,
    pub slop: u32,
}

/// The matchers of one field of a query, with the terms they ask for gathered once per search
/// rather than once per passage.
pub struct Highlighter<'m> {
    matchers: &'m [Matcher],
    terms: HashSet<&'m str>,
    keys: Option<StemKeys>,
}

impl<'m> Highlighter<'m> {
    pub fn new(matchers: &'m [Matcher]) -> Highlighter<'m> {
        let terms: HashSet<&str> = matchers
            .iter()
            .flat_map(|m| m.sequence.iter().flatten())
            .map(String::as_str)
            .collect();
        let keys = StemKeys::of(terms.iter().copied());
        Highlighter {
            matchers,
            terms,
            keys,
        }
    }

    /// The sorted, merged byte ranges of `text` (analysed as `analysis` says) matched. Only the
    /// terms the matchers ask for are kept from the analysis.
    pub fn ranges(
        &self,
        analyzer: &mut WordAnalyzer,
        text: &str,
        analysis: Analysis,
    ) -> Vec<(usize, usize)> {
        if self.matchers.is_empty() || text.is_empty() {
            return Vec::new();
        }
        let tokens = analyzer.tokens_among(text, analysis, &self.terms, self.keys.as_ref());
        highlight(&tokens, self.matchers)
    }
}

/// The sorted, merged byte ranges of `tokens` (the index analysis of one text, several terms
/// per position) matched by `matchers`.
pub fn highlight(tokens: &[AnalyzedToken], matchers: &[Matcher]) -> Vec<(usize, usize)> {
    if matchers.is_empty() {
        return Vec::new();
    }
    // The tokens by position (a stable sort: at one position, in the order of `tokens`).
    let mut at: Vec<&AnalyzedToken> = tokens.iter().collect();
    at.sort_by_key(|t| t.position);
    let find = |position: usize, terms: &HashSet<String>| -> Option<&AnalyzedToken> {
        let from = at.partition_point(|t| t.position < position);
        at[from..]
            .iter()
            .take_while(|t| t.position == position)
            .copied()
            .find(|t| terms.contains(&t.term))
    };
    let mut ranges = Vec::new();
    for matcher in matchers {
        let Some(first_terms) = matcher.sequence.first() else {
            continue;
        };
        for first in tokens.iter().filter(|t| first_terms.contains(&t.term)) {
            if matcher.sequence.len() == 1 {
                ranges.push((first.start, first.end));
                continue;
            }
            if matcher.slop == 0 {
                // A phrase is one highlight, covering the words and what lies between.
                let rest: Option<Vec<&AnalyzedToken>> = matcher.sequence[1..]
                    .iter()
                    .enumerate()
                    .map(|(k, terms)| find(first.position + k + 1, terms))
                    .collect();
                if let Some(rest) = rest {
                    let end = rest.iter().map(|t| t.end).max().unwrap_or(first.end);
                    ranges.push((first.start, end.max(first.end)));
                }
                continue;
            }
            // In order, drifting apart by at most `slop` positions in total; each word is its
            // own highlight (what lies between did not match).
            let mut chosen = vec![first];
            let mut budget = matcher.slop as usize;
            for terms in &matcher.sequence[1..] {
                let prev = chosen.last().expect("at least the first").position;
                let found =
                    (prev + 1..=prev + 1 + budget).find_map(|p| find(p, terms).map(|t| (p, t)));
                match found {
                    Some((p, t)) => {
                        budget -= p - prev - 1;
                        chosen.push(t);
                    }
                    None => break,
                }
            }
            if chosen.len() == matcher.sequence.len() {
                ranges.extend(chosen.iter().map(|t| (t.start, t.end)));
            }
        }
    }
    merge(ranges)
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
    use crate::index::analyzer::{QueryForm, WordAnalyzer};

    fn matcher(text: &str, slop: u32) -> Matcher {
        Matcher {
            sequence: WordAnalyzer::default()
                .query_terms(text, QueryForm::Stem { acronyms: true })
                .into_iter()
                .map(|alts| alts.into_iter().collect())
                .collect(),
            slop,
        }
    }

    fn lit<'t>(text: &'t str, matchers: &[Matcher]) -> Vec<&'t str> {
        let tokens = WordAnalyzer::default().index_tokens(text);
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
            lit(text, &[matcher("maximum pressure", 0)]),
            ["Maximum pressure", "maximum   pressure"]
        );
    }

    #[test]
    fn words_light_up_in_every_inflection() {
        assert_eq!(
            lit("Sanctions were sanctioned.", &[matcher("sanction", 0)]),
            ["Sanctions", "sanctioned"]
        );
    }

    #[test]
    fn compounds_and_acronyms_light_up_whole() {
        assert_eq!(
            lit("the snap-back clause", &[matcher("snapback", 0)]),
            ["snap-back"]
        );
        assert_eq!(lit("U. S. forces and us", &[matcher("US", 0)]), ["U. S"]);
    }

    #[test]
    fn sloppy_phrases_mark_their_words() {
        let text = "maximum economic pressure, and pressure alone";
        assert_eq!(
            lit(text, &[matcher("maximum pressure", 1)]),
            ["maximum", "pressure"]
        );
        assert!(lit(text, &[matcher("maximum alone", 1)]).is_empty());
    }

    #[test]
    fn overlapping_ranges_merge() {
        assert_eq!(merge(vec![(5, 9), (0, 3), (2, 6)]), [(0, 9)]);
    }
}
