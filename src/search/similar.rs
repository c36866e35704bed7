//! Similar passages ("more like this"): the passage's own distinctive words — its stems weighted
//! by how often it uses them and how rare they are in the index — searched as one disjunction,
//! other documents by default.

use std::collections::{HashMap, HashSet};

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::compile::{Compiled, FieldMatchers, Note};
use super::highlight::Matcher;
use super::{SearchError, SearchRequest, SearchResults, SearchSession};
use crate::index::analyzer::WordAnalyzer;
use crate::model::Passage;

/// Distinctive words used at most.
pub const MAX_TERMS: usize = 25;
/// Words shorter than this (in bytes) are never chosen.
const MIN_TERM_BYTES: usize = 3;

impl SearchSession<'_> {
    /// Passages like `passage`: `request` gives the page, filters and options (its query text is
    /// not read); with `same_document`, passages of its own document count too (never itself).
    pub fn similar(
        &self,
        passage: &Passage,
        request: &SearchRequest,
        same_document: bool,
    ) -> Result<SearchResults, SearchError> {
        let fields = *self.index.fields();
        let mut analyzer = WordAnalyzer::default();
        let mut tf: HashMap<String, u32> = HashMap::new();
        for w in analyzer.analyze(&passage.text) {
            let typed = &passage.text[w.start..w.end];
            if w.stem.len() < MIN_TERM_BYTES
                || w.stem.bytes().all(|b| b.is_ascii_digit())
                || analyzer.is_stopword(typed)
                || w.is_stopword()
            {
                continue;
            }
            *tf.entry(w.stem).or_default() += 1;
        }
        let total = self.searcher.num_docs().max(1) as f64;
        let mut weighted: Vec<(String, f32)> = tf
            .into_iter()
            .filter_map(|(term, n)| {
                let df = self
                    .searcher
                    .doc_freq(&Term::from_field_text(fields.body, &term))
                    .unwrap_or(0);
                // A word only this passage has says nothing about others.
                if df <= 1 {
                    return None;
                }
                let idf = ((total - df as f64 + 0.5) / (df as f64 + 0.5)).ln();
                (idf > 0.0).then(|| (term, ((1.0 + f64::from(n).ln()) * idf) as f32))
            })
            .collect();
        weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        weighted.truncate(MAX_TERMS);
        let notes = vec![Note::Similar {
            passage_id: passage.passage_id.clone(),
            terms: weighted.clone(),
        }];
        if weighted.is_empty() {
            return Ok(SearchResults {
                query: passage.passage_id.clone(),
                total_hits: 0,
                fallback: false,
                required_words: None,
                suggestions: Vec::new(),
                understood: notes,
                explained: request.options.explain,
                total_documents: None,
                hits: Vec::new(),
            });
        }
        let max = weighted[0].1.max(f32::EPSILON);
        let words: Vec<(Occur, Box<dyn Query>)> = weighted
            .iter()
            .map(|(term, w)| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(fields.body, term),
                    IndexRecordOption::WithFreqs,
                ));
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(q, w / max)) as Box<dyn Query>,
                )
            })
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(words)))];
        let exclude = if same_document {
            // Only the passage itself: the document's other passages stay.
            None
        } else {
            Some(Term::from_field_text(fields.doc_id, &passage.doc_id))
        };
        if let Some(term) = exclude {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        for filter in &request.filters {
            clauses.push((Occur::Must, filter.query(&fields, &self.meta_keys)?));
        }
        let matchers = FieldMatchers {
            text: weighted
                .iter()
                .map(|(term, _)| Matcher {
                    sequence: vec![HashSet::from([term.clone()])],
                    slop: 0,
                })
                .collect(),
            ..FieldMatchers::default()
        };
        let compiled = Compiled {
            query: Box::new(BooleanQuery::new(clauses)),
            matchers,
            notes,
            parts: Vec::new(),
            required_words: None,
            heading_only_counts_less: false,
        };
        // One more than the page, so the passage itself can be dropped from it.
        let page = SearchRequest {
            limit: request.limit + 1,
            ..request.clone()
        };
        let ranked = self.collect(&page, compiled)?;
        let mut hits = self.hits(&page, &ranked)?;
        hits.retain(|h| h.passage.passage_id != passage.passage_id);
        hits.truncate(request.limit);
        for (i, hit) in hits.iter_mut().enumerate() {
            hit.rank = request.offset + i + 1;
        }
        // With its own document searched, the passage matches itself: it is not a hit.
        let itself = usize::from(same_document);
        Ok(SearchResults {
            query: passage.passage_id.clone(),
            total_hits: ranked.total.saturating_sub(itself),
            fallback: false,
            required_words: None,
            suggestions: Vec::new(),
            understood: ranked.compiled.notes,
            explained: request.options.explain,
            total_documents: None,
            hits,
        })
    }
}
