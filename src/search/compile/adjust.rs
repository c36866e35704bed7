//! The score adjustments that depend on the passage as a whole rather than on one query word
//! (the policy is in [`super::score`]): reference matter ranks below the text, and a passage that
//! matches only through its headings ranks below one whose text matches. A query wrapper, so the
//! adjusted score is the score every collector sees (the page, `--explain`, batch runs).

use std::sync::Arc;

use tantivy::columnar::{ColumnIndex, ColumnValues};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use super::score::passage_factor;
use crate::index::REFERENCE_FIELD;

/// `inner`, its scores adjusted per passage: reference matter scaled down, and when `text` is
/// given (the query's parts that search the passage text), passages that `text` does not match
/// scaled down too.
#[derive(Debug)]
pub struct Adjusted {
    pub inner: Box<dyn Query>,
    pub text: Option<Box<dyn Query>>,
}

impl Clone for Adjusted {
    fn clone(&self) -> Adjusted {
        Adjusted {
            inner: self.inner.box_clone(),
            text: self.text.as_ref().map(|q| q.box_clone()),
        }
    }
}

impl Query for Adjusted {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        // Only whether the text matches counts, not how well.
        let text = match &self.text {
            Some(q) => {
                Some(q.weight(EnableScoring::disabled_from_schema(enable_scoring.schema()))?)
            }
            None => None,
        };
        Ok(Box::new(AdjustedWeight { inner, text }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct AdjustedWeight {
    inner: Box<dyn Weight>,
    text: Option<Box<dyn Weight>>,
}

impl Weight for AdjustedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let text = match &self.text {
            Some(w) => Some(w.scorer(reader, 1.0)?),
            None => None,
        };
        Ok(Box::new(AdjustedScorer {
            inner,
            text,
            reference: reference_flags(reader),
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("adjusted score", scorer.score());
        explanation.add_detail(self.inner.explain(reader, doc)?);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.inner.for_each_no_score(reader, callback)
    }
}

/// The reference flag of every passage of a segment (1 for reference matter), by document.
/// Every passage has its flag: the values are read by document directly, without the column
/// index's look-up of where a document's values are (a tenth of a word query). An index
/// without the field (none in practice: the schema has it) adjusts nothing.
pub(crate) fn reference_flags(reader: &SegmentReader) -> Option<Arc<dyn ColumnValues<u64>>> {
    reader
        .fast_fields()
        .u64(REFERENCE_FIELD)
        .ok()
        .map(|column| match column.index {
            ColumnIndex::Full => column.values,
            _ => column.first_or_default_col(0),
        })
}

struct AdjustedScorer {
    inner: Box<dyn Scorer>,
    text: Option<Box<dyn Scorer>>,
    reference: Option<Arc<dyn ColumnValues<u64>>>,
}

impl DocSet for AdjustedScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for AdjustedScorer {
    fn score(&mut self) -> Score {
        let doc = self.inner.doc();
        let score = self.inner.score();
        let reference = self
            .reference
            .as_ref()
            .is_some_and(|column| column.get_val(doc) == 1);
        let text_matched = self.text.as_mut().map(|text| {
            if text.doc() < doc {
                text.seek(doc);
            }
            text.doc() == doc
        });
        score * passage_factor(reference, text_matched)
    }
}

/// An excluded part of a query (`-"snap back"`). tantivy 0.27's phrase scorer asserts, in debug
/// builds, that an exclusion never seeks it below its current document, which the exclusion's
/// "danger zone" seeks do (tantivy #2811); behind this wrapper the exclusion seeks the plain way
/// (`seek` only forward), which is correct for every scorer.
#[derive(Debug)]
pub struct Excluded(pub Box<dyn Query>);

impl Clone for Excluded {
    fn clone(&self) -> Excluded {
        Excluded(self.0.box_clone())
    }
}

impl Query for Excluded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(PlainSeek(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// A scorer with the default `seek_danger` (a plain forward `seek`).
struct PlainSeek(Box<dyn Scorer>);

impl DocSet for PlainSeek {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for PlainSeek {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
