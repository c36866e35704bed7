//! dossier: full-text search over geopolitical commentary that answers with ranked passages and
//! exact citations.
//!
//! The pipeline, one module per stage (arrows only point down it):
//!
//! ```text
//! ingest  files → Document { Passage (lines, bytes, section) }
//! index   schema + analyzer, add / replace / remove, atomic commits
//! search  query → tantivy query → ranked hits → highlights
//! batch   many queries in parallel on one view of the index; eval scores runs on qrels
//! output  hits → text | json | jsonl | csv | tsv | trec | markdown (printing lives here only)
//! ```
//!
//! ```
//! use dossier::{index::DossierIndex, ingest, search};
//! use std::path::Path;
//!
//! let doc = ingest::document_from_bytes(
//!     Path::new("brief.txt"),
//!     ingest::Format::Text,
//!     "Snapback, explained\n\nThe E3 triggered the snapback mechanism.\n".as_bytes(),
//!     &ingest::ReadOptions::default(),
//! ).unwrap().0;
//! let index = DossierIndex::create_in_ram();
//! let mut updater = index.updater().unwrap();
//! updater.upsert(&doc).unwrap();
//! updater.commit().unwrap();
//!
//! let request = search::SearchRequest::new("snapback", 10);
//! let results = search::search(&index, &request).unwrap();
//! assert_eq!(results.hits[0].passage.line_start, 3);
//! assert_eq!(results.hits[0].highlights, vec![(21, 29)]);
//! ```

pub mod batch;
pub mod engine;
pub mod eval;
pub mod index;
pub mod ingest;
pub mod model;
pub mod output;
pub mod search;

/// Helpers shared by the unit tests.
#[cfg(test)]
pub(crate) mod testing {
    /// A deterministic pseudo-random stream (a 64-bit LCG) for the random-input tests: the
    /// same seed gives the same inputs on every run, so a failure can be reproduced.
    pub(crate) fn lcg(mut seed: u64) -> impl FnMut() -> usize {
        move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        }
    }

    /// The passage texts a reader or the chunker produced, in order.
    pub(crate) fn texts(chunked: &crate::ingest::chunk::Chunked) -> Vec<&str> {
        chunked.chunks.iter().map(|c| c.text.as_str()).collect()
    }
}
