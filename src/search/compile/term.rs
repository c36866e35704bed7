//! One term of one field with its weights: the scored part of a plain word in one field. A type
//! of its own (it builds the weight that `BoostQuery`s over a `TermQuery` build, so it scores
//! the same to the bit) so that a word's query can be recognised and ranked by block maxima
//! ([`crate::search::prune`]) rather than by scoring every passage that holds it.

use tantivy::query::{BoostQuery, EnableScoring, Query, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

/// `term` scored by BM25 times `weight` (the word's rarity weight) and `field_weight` (its
/// field's, [`super::score::scope_fields`]); 1 for none.
#[derive(Debug, Clone)]
pub struct WeightedTerm {
    pub term: Term,
    pub weight: f32,
    pub field_weight: f32,
}

impl WeightedTerm {
    /// A weight within a millionth of 1 counts as none, as the compiler has always had it.
    pub fn new(term: Term, weight: f32) -> WeightedTerm {
        let weight = if (weight - 1.0).abs() < 1e-6 {
            1.0
        } else {
            weight
        };
        WeightedTerm {
            term,
            weight,
            field_weight: 1.0,
        }
    }

    /// The factor BM25's weight is boosted by when scored: the weights as tantivy multiplies
    /// them through the boosts (each of them exact when the other is 1).
    pub fn boost(&self) -> f32 {
        self.field_weight * self.weight
    }
}

/// `query` weighted by `field_weight` (a field's weight): folded into a [`WeightedTerm`], or a
/// `BoostQuery` around anything else.
pub fn with_field_weight(mut query: Box<dyn Query>, field_weight: f32) -> Box<dyn Query> {
    if field_weight == 1.0 {
        return query;
    }
    if let Some(term) = query.downcast_mut::<WeightedTerm>() {
        term.field_weight = field_weight;
        return query;
    }
    Box::new(BoostQuery::new(query, field_weight))
}

impl Query for WeightedTerm {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let term: Box<dyn Query> = Box::new(TermQuery::new(
            self.term.clone(),
            IndexRecordOption::WithFreqs,
        ));
        let weighted = if self.weight == 1.0 {
            term
        } else {
            Box::new(BoostQuery::new(term, self.weight))
        };
        if self.field_weight == 1.0 {
            weighted.weight(enable_scoring)
        } else {
            BoostQuery::new(weighted, self.field_weight).weight(enable_scoring)
        }
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}
