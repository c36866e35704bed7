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
pub mod eval;
pub mod index;
pub mod ingest;
pub mod output;
pub mod passage;
pub mod search;
