//! From the parsed query to a tantivy query, with the analyzer the index was built with.
//!
//! While compiling, every positive leaf that can match the passage body also yields a
//! [`Matcher`], so highlights are computed from exactly what the query searched for: a phrase
//! lights up as a phrase, a prefix as the words it expanded to, and an excluded word never.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, Occur as TOccur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::filter::Filter;
use super::highlight::Matcher;
use super::query::{Leaf, LeafKind, Occur, QueryError, QueryExpr, Scope};
use crate::index::analyzer::{analyze, analyzer, normalizer};
use crate::index::{Fields, BODY_BOOST, SECTION_BOOST, TITLE_BOOST};

/// At most this many indexed words stand in for one `prefix*` (the most frequent ones).
pub const MAX_PREFIX_TERMS: usize = 256;

/// Whether plain clauses of the top-level conjunction are all required or any suffices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchMode {
    All,
    Any,
}

/// A compiled query and the matchers for its highlights.
pub struct Compiled {
    pub query: Box<dyn Query>,
    pub matchers: Vec<Matcher>,
}

pub struct Compiler<'a> {
    searcher: &'a Searcher,
    fields: Fields,
    meta_keys: &'a BTreeSet<String>,
    analyzer: TextAnalyzer,
    normalizer: TextAnalyzer,
    matchers: Vec<Matcher>,
}

impl<'a> Compiler<'a> {
    pub fn new(
        searcher: &'a Searcher,
        fields: Fields,
        meta_keys: &'a BTreeSet<String>,
    ) -> Compiler<'a> {
        Compiler {
            searcher,
            fields,
            meta_keys,
            analyzer: analyzer(),
            normalizer: normalizer(),
            matchers: Vec::new(),
        }
    }

    /// Compiles `expr` with the `filters` given beside it; `None` when nothing in it analyzes
    /// to a searchable word or a filter.
    pub fn compile(
        mut self,
        expr: &QueryExpr,
        filters: &[Filter],
        mode: MatchMode,
    ) -> Result<Option<Compiled>, QueryError> {
        let Some(query) = self.expr(expr, mode, false)? else {
            return Ok(None);
        };
        let query = if filters.is_empty() {
            query
        } else {
            let mut clauses = vec![(TOccur::Must, query)];
            for filter in filters {
                let q = filter
                    .query(&self.fields, self.meta_keys)
                    // Column 0: the problem is in a filter option, not in the query text.
                    .map_err(|message| QueryError { message, column: 0 })?;
                clauses.push((TOccur::Must, q));
            }
            Box::new(BooleanQuery::new(clauses))
        };
        Ok(Some(Compiled {
            query,
            matchers: self.matchers,
        }))
    }

    fn expr(
        &mut self,
        expr: &QueryExpr,
        mode: MatchMode,
        negated: bool,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        Ok(match expr {
            QueryExpr::Leaf(leaf) => self.leaf(leaf, negated)?,
            QueryExpr::Or(alternatives) => {
                let mut subs = Vec::new();
                for a in alternatives {
                    subs.extend(self.expr(a, MatchMode::All, negated)?);
                }
                match subs.len() {
                    0 => None,
                    1 => subs.pop(),
                    _ => Some(Box::new(BooleanQuery::union(subs))),
                }
            }
            QueryExpr::And { clauses, .. } => {
                let mut subs = Vec::new();
                for (occur, clause) in clauses {
                    let excluded = *occur == Occur::Exclude;
                    let Some(q) = self.expr(clause, MatchMode::All, negated || excluded)? else {
                        continue;
                    };
                    // Filters stay required in the any-word fallback.
                    let is_filter = matches!(
                        clause,
                        QueryExpr::Leaf(Leaf {
                            kind: LeafKind::Filter { .. },
                            ..
                        })
                    );
                    let occur = match (occur, mode) {
                        (Occur::Exclude, _) => TOccur::MustNot,
                        (Occur::Require, _) | (Occur::Default, MatchMode::All) => TOccur::Must,
                        (Occur::Default, MatchMode::Any) if is_filter => TOccur::Must,
                        (Occur::Default, MatchMode::Any) => TOccur::Should,
                    };
                    subs.push((occur, q));
                }
                if subs.iter().all(|(o, _)| *o == TOccur::MustNot) {
                    return Ok(None);
                }
                Some(Box::new(BooleanQuery::new(subs)))
            }
        })
    }

    fn scope_fields(&self, scope: Scope) -> Vec<(Field, f32)> {
        let f = &self.fields;
        match scope {
            Scope::All => vec![
                (f.body, BODY_BOOST),
                (f.title, TITLE_BOOST),
                (f.section, SECTION_BOOST),
            ],
            Scope::Body => vec![(f.body, 1.0)],
            Scope::Title => vec![(f.title, 1.0)],
            Scope::Section => vec![(f.section, 1.0)],
        }
    }

    fn leaf(&mut self, leaf: &Leaf, negated: bool) -> Result<Option<Box<dyn Query>>, QueryError> {
        let (sequence, slop) = match &leaf.kind {
            LeafKind::Filter { key, value } => {
                let error = |message| QueryError {
                    message,
                    column: leaf.column,
                };
                let filter = Filter::parse(key, value).map_err(error)?;
                return filter
                    .query(&self.fields, self.meta_keys)
                    .map(Some)
                    .map_err(error);
            }
            LeafKind::Word(word) => (self.terms(word), 0),
            LeafKind::Phrase { text, slop } => (self.terms(text), *slop),
            LeafKind::Prefix(prefix) => (self.prefix_sequence(leaf.scope, prefix), 0),
        };
        if sequence.is_empty() || sequence.iter().any(Vec::is_empty) {
            // A word made only of punctuation, or a prefix nothing in the index starts with.
            if matches!(leaf.kind, LeafKind::Prefix(_)) && !sequence.is_empty() {
                return Ok(Some(Box::new(EmptyQuery)));
            }
            return Ok(None);
        }
        // A quoted phrase asks for that text: it matches the passage itself, not the headings
        // above it (`section:"..."` and `title:"..."` search those).
        let scope = match (&leaf.kind, leaf.scope) {
            (LeafKind::Phrase { .. }, Scope::All) => Scope::Body,
            (_, scope) => scope,
        };
        let mut per_field: Vec<Box<dyn Query>> = Vec::new();
        for (field, boost) in self.scope_fields(scope) {
            let q = sequence_query(field, &sequence, slop);
            per_field.push(if boost == 1.0 {
                q
            } else {
                Box::new(BoostQuery::new(q, boost))
            });
        }
        if !negated && matches!(scope, Scope::All | Scope::Body) {
            self.matchers.push(Matcher {
                sequence: sequence
                    .into_iter()
                    .map(|alts| alts.into_iter().collect::<HashSet<_>>())
                    .collect(),
                slop,
            });
        }
        Ok(Some(if per_field.len() == 1 {
            per_field.pop().expect("one field")
        } else {
            Box::new(BooleanQuery::union(per_field))
        }))
    }

    /// The analyzed terms of `text`, one alternative each.
    fn terms(&mut self, text: &str) -> Vec<Vec<String>> {
        analyze(&mut self.analyzer, text)
            .into_iter()
            .map(|t| vec![t.term])
            .collect()
    }

    /// `snap-ba*`: the leading words as typed, the last one expanded through the index.
    fn prefix_sequence(&mut self, scope: Scope, prefix: &str) -> Vec<Vec<String>> {
        let mut surface = analyze(&mut self.normalizer, prefix);
        let Some(last) = surface.pop() else {
            return Vec::new();
        };
        let mut sequence: Vec<Vec<String>> = surface
            .iter()
            .map(|t| self.terms(&t.term).into_iter().flatten().collect())
            .collect();
        sequence.push(self.expand_prefix(scope, &last.term));
        sequence
    }

    /// The indexed terms a normalised prefix stands for. Indexed terms are stems, and a stem
    /// may be shorter than the prefix typed (`negotiat*` is indexed as `negoti…`), so the
    /// dictionary is scanned from the longest common prefix of the word and its own stem.
    fn expand_prefix(&mut self, scope: Scope, prefix: &str) -> Vec<String> {
        let stem = analyze(&mut self.analyzer, prefix)
            .into_iter()
            .next()
            .map_or_else(|| prefix.to_owned(), |t| t.term);
        let common = common_prefix(prefix, &stem);
        let start = if common.chars().count() >= 2 {
            common
        } else {
            prefix
        };
        let mut doc_freqs: BTreeMap<String, u64> = BTreeMap::new();
        for (field, _) in self.scope_fields(scope) {
            for segment in self.searcher.segment_readers() {
                let Ok(inverted) = segment.inverted_index(field) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().range().ge(start.as_bytes()).into_stream()
                else {
                    continue;
                };
                while stream.advance() {
                    let key = stream.key();
                    if !key.starts_with(start.as_bytes()) {
                        break;
                    }
                    if let Ok(term) = std::str::from_utf8(key) {
                        *doc_freqs.entry(term.to_owned()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        let mut terms: Vec<(String, u64)> = doc_freqs.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(MAX_PREFIX_TERMS);
        terms.into_iter().map(|(t, _)| t).collect()
    }
}

fn common_prefix<'s>(a: &'s str, b: &str) -> &'s str {
    let len = a
        .char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map_or(0, |((i, x), _)| i + x.len_utf8());
    &a[..len]
}

/// One field's query for a sequence of positions, each with its alternative terms.
fn sequence_query(field: Field, sequence: &[Vec<String>], slop: u32) -> Box<dyn Query> {
    if sequence.len() == 1 {
        let mut terms: Vec<Box<dyn Query>> = sequence[0]
            .iter()
            .map(|t| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect();
        return if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Box::new(BooleanQuery::union(terms))
        };
    }
    // Alternatives only ever sit at the last position (a prefix): one phrase per alternative.
    let (last, leading) = sequence.split_last().expect("sequence has 2+ positions");
    let phrases: Vec<Box<dyn Query>> = last
        .iter()
        .map(|alt| {
            let terms = leading
                .iter()
                .map(|alts| alts[0].as_str())
                .chain(std::iter::once(alt.as_str()))
                .enumerate()
                .map(|(i, t)| (i, Term::from_field_text(field, t)))
                .collect();
            Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)) as Box<dyn Query>
        })
        .collect();
    if phrases.len() == 1 {
        phrases.into_iter().next().expect("one phrase")
    } else {
        Box::new(BooleanQuery::union(phrases))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_is_char_safe() {
        assert_eq!(common_prefix("negotiat", "negoti"), "negoti");
        assert_eq!(common_prefix("zürich", "zurich"), "z");
        assert_eq!(common_prefix("snap", "snap"), "snap");
    }
}
