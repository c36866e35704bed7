//! dossier: full-text search over geopolitical commentary that answers with ranked passages and
//! exact citations.
//!
//! The library is layered; a module uses only the layers below it (checked by the test
//! `layering::modules_use_only_the_layers_below_them`, `cargo test layering`):
//!
//! ```text
//! server              the HTTP API and the page (a front end on the engine, like the CLI)
//! engine   output     front-end API (every CLI command and the server call the engine) | printers
//!   eval   watch      scores TREC runs on qrels | watch-lists: what is new since the last run
//!   batch             many queries in parallel on one view of the index
//!   search            query → tantivy query → ranked hits → highlights
//! ingest   index      files → Documents of Passages | schema, analyzer, writes, reads
//!   model             plain data: Passage, Document, Meta, Layout, Date, Period
//! ```
//!
//! `ingest` and `index` never use each other; `engine` and `output` never use each other;
//! printing and argument parsing live in the binary (`src/main.rs`, `src/commands/`) and in
//! `output` only.
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
pub mod server;
pub mod watch;

/// The layer rule of the module docs, checked on the source.
#[cfg(test)]
mod layering {
    use std::path::Path;

    /// Each top-level module and the modules it may use.
    const LAYERS: &[(&str, &[&str])] = &[
        ("model", &[]),
        ("ingest", &["model"]),
        ("index", &["model"]),
        ("search", &["model", "index"]),
        ("batch", &["model", "search"]),
        ("eval", &["model", "search", "batch"]),
        ("watch", &["model", "index", "search", "batch"]),
        (
            "engine",
            &[
                "model", "ingest", "index", "search", "batch", "eval", "watch",
            ],
        ),
        (
            "output",
            &["model", "index", "search", "batch", "eval", "watch"],
        ),
        (
            "server",
            &[
                "model", "index", "search", "batch", "eval", "watch", "engine", "output",
            ],
        ),
    ];

    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The top-level modules a line of code names as `crate::<module>`.
    fn uses(line: &str) -> Vec<&str> {
        line.match_indices("crate::")
            .map(|(at, _)| {
                let rest = &line[at + "crate::".len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .collect()
    }

    #[test]
    fn modules_use_only_the_layers_below_them() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut violations = Vec::new();
        for (module, allowed) in LAYERS {
            let mut files = Vec::new();
            let dir = src.join(module);
            if dir.is_dir() {
                sources(&dir, &mut files);
            } else {
                files.push(src.join(format!("{module}.rs")));
            }
            assert!(!files.is_empty(), "module {module} has sources");
            for file in files {
                let text = std::fs::read_to_string(&file).expect("a source file");
                // Unit tests below `#[cfg(test)]` may put layers together (an engine to test a
                // printer); the rule is for the library's own code.
                let code_lines = text.split("\n#[cfg(test)]\nmod tests").next().unwrap_or("");
                for (i, line) in code_lines.lines().enumerate() {
                    let code = line.trim_start();
                    if code.starts_with("//") {
                        continue;
                    }
                    if code.contains("super::super::super") || code.contains("dossier::") {
                        violations.push(format!("{}:{}: {code}", file.display(), i + 1));
                    }
                    for used in uses(code) {
                        if used != *module && used != "testing" && !allowed.contains(&used) {
                            violations.push(format!(
                                "{}:{}: {module} uses {used}",
                                file.display(),
                                i + 1
                            ));
                        }
                    }
                }
            }
        }
        assert!(violations.is_empty(), "{}", violations.join("\n"));
    }

    #[test]
    fn the_check_sees_a_use() {
        assert_eq!(
            uses("use crate::index::{DossierIndex, X}; crate::model::Passage"),
            ["index", "model"]
        );
    }
}

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

    /// Ingests the documents `(file name, text)` into `index` in one commit, each read as its
    /// extension says.
    pub(crate) fn upsert(index: &crate::index::DossierIndex, docs: &[(&str, &str)]) {
        let mut updater = index.updater().unwrap();
        for (name, text) in docs {
            let path = std::path::Path::new(name);
            let format = crate::ingest::format_for(path).expect("a known extension");
            let doc = crate::ingest::document_from_bytes(
                path,
                format,
                text.as_bytes(),
                &crate::ingest::ReadOptions::default(),
            )
            .unwrap()
            .0;
            updater.upsert(&doc).unwrap();
        }
        updater.commit().unwrap();
    }

    /// Deletes the passages numbered `seqs` (within their documents) of every document, in a
    /// commit of their own, and makes `index` see it: segments that keep deleted passages.
    pub(crate) fn delete_passages(index: &crate::index::DossierIndex, seqs: &[u64]) {
        let mut writer: tantivy::IndexWriter = index
            .tantivy()
            .writer_with_num_threads(1, 15_000_000)
            .unwrap();
        for &seq in seqs {
            writer.delete_term(tantivy::Term::from_field_u64(index.fields().seq, seq));
        }
        writer.commit().unwrap();
        index.refresh();
    }
}
