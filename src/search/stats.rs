//! Term statistics remembered for a session: a query's terms are looked up several times (to
//! choose its expansions, to weigh its parts, and by tantivy's BM25 weights), and a batch or a
//! server asks about the same terms again and again. Each look-up walks every segment's term
//! dictionary; a session's view of the index never changes, so the answers are kept.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Terms remembered before the cache starts over (bounds memory on a long session).
const MAX_TERMS: usize = 100_000;

/// Document frequencies and field token counts of one searcher, as they are asked for.
#[derive(Default)]
pub struct TermStats {
    doc_freqs: Mutex<HashMap<Term, u64>>,
    tokens: Mutex<HashMap<Field, u64>>,
}

impl TermStats {
    /// Statistics of `searcher` through this cache (it must only ever see that searcher).
    pub fn of<'s>(&'s self, searcher: &'s Searcher) -> CachedStats<'s> {
        CachedStats {
            searcher,
            cache: self,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every step leaves the maps consistent: a panic elsewhere leaves them usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A searcher's statistics, remembered in a [`TermStats`].
#[derive(Clone, Copy)]
pub struct CachedStats<'s> {
    pub searcher: &'s Searcher,
    cache: &'s TermStats,
}

impl CachedStats<'_> {
    /// Passages holding `term` (0 on a read error: the term then weighs as unknown).
    pub fn doc_freq(&self, term: &Term) -> u64 {
        Bm25StatisticsProvider::doc_freq(self, term).unwrap_or(0)
    }
}

impl Bm25StatisticsProvider for CachedStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(&n) = lock(&self.cache.tokens).get(&field) {
            return Ok(n);
        }
        let n = Bm25StatisticsProvider::total_num_tokens(self.searcher, field)?;
        lock(&self.cache.tokens).insert(field, n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        // The searcher's own figure (deleted passages included, as in its document
        // frequencies), not `num_docs`: scores stay tantivy's.
        Bm25StatisticsProvider::total_num_docs(self.searcher)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = lock(&self.cache.doc_freqs).get(term) {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        let mut map = lock(&self.cache.doc_freqs);
        if map.len() >= MAX_TERMS {
            map.clear();
        }
        map.insert(term.clone(), n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    #[test]
    fn the_cache_answers_as_the_searcher_does_with_deleted_passages() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in ["snapback sanctions", "maximum pressure", "snapback again"] {
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        writer.delete_term(Term::from_field_text(body, "again"));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let cache = TermStats::default();
        let cached = cache.of(&searcher);
        let term = Term::from_field_text(body, "snapback");
        for _ in 0..2 {
            // Deleted passages still count in tantivy's BM25 statistics.
            assert_eq!(cached.total_num_docs().unwrap(), 3);
            assert_eq!(
                cached.total_num_docs().unwrap(),
                Bm25StatisticsProvider::total_num_docs(&searcher).unwrap()
            );
            assert_eq!(cached.doc_freq(&term), searcher.doc_freq(&term).unwrap());
            assert_eq!(
                cached.total_num_tokens(body).unwrap(),
                Bm25StatisticsProvider::total_num_tokens(&searcher, body).unwrap()
            );
        }
        assert_eq!(searcher.num_docs(), 2);
    }
}
