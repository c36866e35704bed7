//! `--explain`: why a hit scored as it did, in words a reader can follow: the BM25 score each
//! part of the query (a word, phrase, alias or expansion in one field) gives the passage, and
//! the words of the text that matched.

use serde::Serialize;
use tantivy::query::EnableScoring;
use tantivy::{DocAddress, DocSet, Searcher};

use super::compile::score::{adjustments, Adjustment, FieldKind};
use super::compile::{Alternative, ScoredPart};
use crate::model::Passage;

/// The reasons for one hit's score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HitExplanation {
    /// The passage's score.
    pub score: f32,
    /// What matched, best contribution first (`text: sanction (as typed) → 4.210` in words).
    pub matched: Vec<MatchedPart>,
    /// The words of the passage text that matched (its highlights).
    pub in_text: Vec<String>,
    /// What scaled the score beside the matches (reference matter, a match in the headings
    /// only), each with its factor.
    pub adjustments: Vec<Adjustment>,
}

/// One part of the query that matched the hit, and what it added to the score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MatchedPart {
    pub field: FieldKind,
    pub alternative: Alternative,
    pub score: f32,
}

/// Explains the score of the hit at `addr` from the query's scored parts: what each matched
/// part adds (the best alternative of a leaf counts, the others are shown for reference), and
/// what scaled the sum (`heading_only_counts_less`: the query searched text and headings).
pub fn explain_hit(
    score: f32,
    parts: &[ScoredPart],
    heading_only_counts_less: bool,
    searcher: &Searcher,
    addr: DocAddress,
    passage: &Passage,
    highlights: &[(usize, usize)],
) -> HitExplanation {
    let mut matched: Vec<MatchedPart> = parts
        .iter()
        .filter_map(|part| {
            let value = part_score(part, searcher, addr)?;
            Some(MatchedPart {
                field: part.field,
                alternative: part.alternative.clone(),
                score: value * part.weight,
            })
        })
        .collect();
    matched.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut in_text: Vec<String> = highlights
        .iter()
        .map(|&(s, e)| passage.text[s..e].to_owned())
        .collect();
    in_text.dedup();
    let text_matched =
        heading_only_counts_less.then(|| matched.iter().any(|m| m.field == FieldKind::Body));
    HitExplanation {
        score,
        adjustments: adjustments(passage.reference, text_matched),
        matched,
        in_text,
    }
}

/// The BM25 score one part gives the document at `addr`, if it matches it.
fn part_score(part: &ScoredPart, searcher: &Searcher, addr: DocAddress) -> Option<f32> {
    let weight = part
        .query
        .weight(EnableScoring::enabled_from_searcher(searcher))
        .ok()?;
    let reader = searcher.segment_reader(addr.segment_ord);
    let mut scorer = weight.scorer(reader, 1.0).ok()?;
    // A scorer starts on its first document: it cannot seek back to an earlier one.
    if scorer.doc() > addr.doc_id || scorer.seek(addr.doc_id) != addr.doc_id {
        return None;
    }
    Some(scorer.score())
}
