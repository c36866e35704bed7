//! Unions that seek cheaply. tantivy's union scorer buffers its children's matches a window of
//! 4,096 documents at a time, which is fast for a union read from start to end but slow for one
//! that is sought: in a conjunction (`"human rights" violations`), or as the text check of the
//! score adjustment, every seek into a new window scores all of the window's matches of every
//! child, phrases included. A query's unions are small (a word's fields, a leaf's alternatives):
//! this one keeps its children side by side and moves only those behind the target, so a
//! conjunction led by a rare word asks a phrase about that word's passages only.
//!
//! Scores are tantivy's to the bit: a sum (as a `BooleanQuery` of `Should` clauses) or the
//! maximum (as a `DisjunctionMaxQuery` without tie breaker), children added in their order.

use tantivy::query::{
    BooleanQuery, DisjunctionMaxQuery, EmptyScorer, EnableScoring, Explanation, Query, Scorer,
    Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::term::WeightedTerm;

/// Unions of more children than this are left to tantivy's (a prefix's many terms).
const MAX_CHILDREN: usize = 8;

/// How a union scores a document from its children's scores there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Combine {
    Sum,
    Max,
}

/// A document matches when any child does; scored by the sum of the children's scores.
pub fn union(children: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if children.len() > MAX_CHILDREN {
        return Box::new(BooleanQuery::union(children));
    }
    Box::new(Union {
        children,
        combine: Combine::Sum,
    })
}

/// A document matches when any child does; scored by the best child's score.
pub fn disjunction_max(children: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if children.len() > MAX_CHILDREN {
        return Box::new(DisjunctionMaxQuery::new(children));
    }
    Box::new(Union {
        children,
        combine: Combine::Max,
    })
}

/// A query made of [`WeightedTerm`]s and the unions of this module alone: a word's fields
/// (summed), a leaf's alternatives (the best counts), words joined by `OR` (summed).
#[derive(Debug)]
pub(crate) enum TermTree<'q> {
    Term(&'q WeightedTerm),
    /// Scored by the sum of the children that match, added in order.
    Sum(Vec<TermTree<'q>>),
    /// Scored by the best child that matches.
    Max(Vec<TermTree<'q>>),
}

impl<'q> TermTree<'q> {
    /// The tree of `query`, when it is one.
    pub(crate) fn of(query: &'q dyn Query) -> Option<TermTree<'q>> {
        if let Some(term) = query.downcast_ref::<WeightedTerm>() {
            return Some(TermTree::Term(term));
        }
        let union = query.downcast_ref::<Union>()?;
        let children = union
            .children
            .iter()
            .map(|child| TermTree::of(&**child))
            .collect::<Option<Vec<_>>>()?;
        Some(match union.combine {
            Combine::Sum => TermTree::Sum(children),
            Combine::Max => TermTree::Max(children),
        })
    }

    /// The terms, depth first (the order the unions take their children in).
    pub(crate) fn terms(&self) -> Vec<&'q WeightedTerm> {
        let mut out = Vec::new();
        self.collect_terms(&mut out);
        out
    }

    fn collect_terms(&self, out: &mut Vec<&'q WeightedTerm>) {
        match self {
            TermTree::Term(term) => out.push(term),
            TermTree::Sum(children) | TermTree::Max(children) => {
                children.iter().for_each(|c| c.collect_terms(out));
            }
        }
    }
}

#[derive(Debug)]
struct Union {
    children: Vec<Box<dyn Query>>,
    combine: Combine,
}

impl Clone for Union {
    fn clone(&self) -> Union {
        Union {
            children: self.children.iter().map(|q| q.box_clone()).collect(),
            combine: self.combine,
        }
    }
}

impl Query for Union {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let children = self
            .children
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(UnionWeight {
            children,
            combine: self.combine,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for child in &self.children {
            child.query_terms(visitor);
        }
    }
}

struct UnionWeight {
    children: Vec<Box<dyn Weight>>,
    combine: Combine,
}

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut children = Vec::with_capacity(self.children.len());
        for weight in &self.children {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                children.push(scorer);
            }
        }
        Ok(match children.len() {
            0 => Box::new(EmptyScorer),
            // One child scores alone as the union would (a sum or a maximum of one).
            1 => children.pop().expect("one child"),
            _ => {
                let docs = children.iter().map(|c| c.doc()).collect();
                let mut union = UnionScorer {
                    children,
                    docs,
                    doc: 0,
                    combine: self.combine,
                };
                union.doc = union.first();
                Box::new(union)
            }
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let label = match self.combine {
            Combine::Sum => "sum of",
            Combine::Max => "max of",
        };
        let mut explanation = Explanation::new(label, scorer.score());
        for child in &self.children {
            if let Ok(e) = child.explain(reader, doc) {
                explanation.add_detail(e);
            }
        }
        Ok(explanation)
    }
}

struct UnionScorer {
    /// Each positioned on its next match (none terminated when the union is built).
    children: Vec<Box<dyn Scorer>>,
    /// The document each child is on (`docs[i]` is `children[i].doc()`, kept here: a child
    /// moves only when the union moves it, and asking it costs a virtual call).
    docs: Vec<DocId>,
    doc: DocId,
    combine: Combine,
}

impl UnionScorer {
    /// The smallest document a child is on.
    fn first(&self) -> DocId {
        self.docs.iter().copied().min().unwrap_or(TERMINATED)
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for (child, doc) in self.children.iter_mut().zip(&mut self.docs) {
            if *doc == self.doc {
                *doc = child.advance();
            }
        }
        self.doc = self.first();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        for (child, doc) in self.children.iter_mut().zip(&mut self.docs) {
            if *doc < target {
                *doc = child.seek(target);
            }
        }
        self.doc = self.first();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.children
            .iter()
            .map(|c| c.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.children.iter().map(|c| c.cost()).sum()
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
        for (child, &at) in self.children.iter_mut().zip(&self.docs) {
            if at == doc {
                let score = child.score();
                max = Score::max(score, max);
                sum += score;
            }
        }
        match self.combine {
            Combine::Sum => sum,
            // tantivy's disjunction-max combiner, tie breaker 0.
            Combine::Max => max + (sum - max) * 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index};

    #[test]
    fn unions_match_and_score_as_tantivys_own() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let title = schema.add_text_field("title", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let texts = [
            "human rights violations were reported",
            "rights of the human person",
            "violations of the ceasefire",
            "human rights and human rights law",
            "nothing here",
        ];
        for (i, text) in (0..400).map(|i| (i, texts[i % texts.len()])) {
            let heading = if i % 7 == 0 { "violations" } else { "report" };
            writer
                .add_document(doc!(body => text, title => heading))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |f, t| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f, t),
                IndexRecordOption::WithFreqs,
            ))
        };
        let phrase = || -> Box<dyn Query> {
            Box::new(PhraseQuery::new(vec![
                Term::from_field_text(body, "human"),
                Term::from_field_text(body, "rights"),
            ]))
        };
        let ours = BooleanQuery::new(vec![
            (
                Occur::Must,
                disjunction_max(vec![phrase(), term(body, "law")]),
            ),
            (
                Occur::Must,
                union(vec![term(body, "violations"), term(title, "violations")]),
            ),
        ]);
        let theirs = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(DisjunctionMaxQuery::new(vec![phrase(), term(body, "law")])),
            ),
            (
                Occur::Must,
                Box::new(BooleanQuery::union(vec![
                    term(body, "violations"),
                    term(title, "violations"),
                ])),
            ),
        ]);
        let top = || TopDocs::with_limit(500).order_by_score();
        let (a, a_count) = searcher.search(&ours, &(top(), Count)).unwrap();
        let (b, b_count) = searcher.search(&theirs, &(top(), Count)).unwrap();
        assert!(a_count > 20, "{a_count}");
        assert_eq!(a_count, b_count);
        assert_eq!(a, b);
        // Sought directly, as the score adjustment does.
        let weight = ours
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .unwrap();
        let mut scorer = weight.scorer(searcher.segment_reader(0), 1.0).unwrap();
        let expected: Vec<DocId> = a.iter().map(|(_, d)| d.doc_id).collect();
        let mut sorted = expected.clone();
        sorted.sort_unstable();
        for target in (0..420).step_by(3) {
            if target < scorer.doc() {
                continue;
            }
            let next = sorted.iter().copied().find(|&d| d >= target);
            assert_eq!(scorer.seek(target), next.unwrap_or(TERMINATED), "{target}");
        }
    }
}
