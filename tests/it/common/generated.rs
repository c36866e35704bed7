//! A corpus of small generated documents in a temp dir, for the tests that kill, starve or race
//! writers: deterministic from a seed, edited between runs (documents changed, added, deleted),
//! and what an index of it must hold, read from the files by the same reader `dossier ingest`
//! uses (the passages a clean ingest of them writes).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dossier::index::DossierIndex;
use dossier::ingest::{find_sources, read_source, Item, ReadOptions};
use dossier::model::Passage;

/// A small deterministic random number generator (splitmix64): the tests need repeatable
/// choices, not good randomness.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo) as u64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Every passage of an index (or of a set of files), by file, in document order.
pub type Contents = BTreeMap<String, Vec<Passage>>;

/// Generated documents in `dir`, with the word every passage holds (`marker`).
pub struct Corpus {
    pub dir: PathBuf,
    rng: Rng,
    vocabulary: Vec<String>,
    next_file: usize,
    pub marker: &'static str,
}

impl Corpus {
    /// `documents` files of 3 to 7 paragraphs of 20 to 60 words in `dir` (created).
    pub fn new(dir: &Path, seed: u64, documents: usize) -> Corpus {
        std::fs::create_dir_all(dir).unwrap();
        let mut rng = Rng::new(seed);
        let vocabulary = (0..4000)
            .map(|_| {
                let len = rng.range(3, 10);
                (0..len)
                    .map(|_| (b'a' + rng.range(0, 26) as u8) as char)
                    .collect()
            })
            .collect();
        let mut corpus = Corpus {
            dir: dir.to_path_buf(),
            rng,
            vocabulary,
            next_file: 0,
            marker: "zebramark",
        };
        for _ in 0..documents {
            corpus.add();
        }
        corpus
    }

    fn text(&mut self, generation: usize) -> String {
        let mut text = format!("Generated document {}\n", self.next_file);
        for _ in 0..self.rng.range(3, 8) {
            text.push('\n');
            let words = self.rng.range(20, 60);
            let mut paragraph = vec![self.marker.to_owned(), format!("edition{generation}")];
            paragraph.extend((0..words).map(|_| self.vocabulary[self.rng.range(0, 4000)].clone()));
            text.push_str(&paragraph.join(" "));
            text.push_str(".\n");
        }
        text
    }

    /// Writes a new document; returns its path.
    pub fn add(&mut self) -> PathBuf {
        let path = self.dir.join(format!("doc{:04}.txt", self.next_file));
        let text = self.text(0);
        std::fs::write(&path, text).unwrap();
        self.next_file += 1;
        path
    }

    /// The documents now on disk, sorted.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    }

    /// One round of editing: about `share` of the documents rewritten (other paragraphs, so
    /// other passages), `added` new ones, `deleted` removed.
    pub fn edit(&mut self, share: f64, added: usize, deleted: usize, generation: usize) {
        let files = self.files();
        for file in &files {
            if self.rng.unit() < share {
                let text = self.text(generation);
                std::fs::write(file, text).unwrap();
            }
        }
        for _ in 0..deleted {
            let files = self.files();
            if files.len() > 1 {
                let victim = &files[self.rng.range(0, files.len())];
                std::fs::remove_file(victim).unwrap();
            }
        }
        for _ in 0..added {
            self.add();
        }
    }

    /// What an index of the documents on disk holds: their passages as `dossier ingest` reads
    /// them.
    pub fn expected(&self) -> Contents {
        let (sources, skips) = find_sources(std::slice::from_ref(&self.dir));
        assert!(skips.is_empty(), "{skips:?}");
        let options = ReadOptions::default();
        let mut contents = Contents::new();
        for source in &sources {
            let mut sink = |item: Item| -> Result<(), ()> {
                match item {
                    Item::Document(doc) => {
                        contents.insert(doc.doc_id.clone(), doc.passages.clone());
                    }
                    Item::Unchanged { .. } => unreachable!("nothing is indexed"),
                    Item::Skip(skip) => panic!("{skip:?}"),
                    Item::Warning { .. } => {}
                }
                Ok(())
            };
            read_source(source, &options, &mut |_, _| false, &mut sink).unwrap();
        }
        contents
    }
}

/// Everything an index holds, by file, read back through a fresh open of it; also checks that
/// no passage is there twice and that every passage is in its file's list.
pub fn contents(dir: &Path) -> Result<Contents, dossier::index::IndexError> {
    let index = DossierIndex::open(dir)?;
    let mut contents = Contents::new();
    let mut total = 0;
    for path in index.indexed_paths()? {
        let passages = index.passages_of_path(&path)?;
        let mut ids: Vec<&str> = passages.iter().map(|p| p.passage_id.as_str()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "a passage of {path} is indexed twice");
        total += passages.len();
        contents.insert(path, passages);
    }
    assert_eq!(
        index.stats()?.passages as usize,
        total,
        "passages that belong to no file"
    );
    Ok(contents)
}

/// Which of the states the index holds: `Some(0)` the first, `Some(1)` the second, `None`
/// neither (a document half written, missing or twice).
pub fn which(actual: &Contents, states: [&Contents; 2]) -> Option<usize> {
    states.iter().position(|s| *s == actual)
}

/// Says how two index contents differ, for a failure message.
pub fn difference(actual: &Contents, expected: &Contents) -> String {
    let mut out = Vec::new();
    for (path, passages) in expected {
        match actual.get(path) {
            None => out.push(format!("missing {path}")),
            Some(p) if p != passages => out.push(format!(
                "{path}: {} passages where {} are expected",
                p.len(),
                passages.len()
            )),
            Some(_) => {}
        }
    }
    for path in actual.keys() {
        if !expected.contains_key(path) {
            out.push(format!("unexpected {path}"));
        }
    }
    out.truncate(5);
    out.join("; ")
}

/// The files in an index directory that no commit uses: segment files of segments `meta.json`
/// does not name, temporary files. Empty after a clean run.
pub fn leftovers(dir: &Path) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
    let live: Vec<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let known = matches!(
            name.as_str(),
            "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock"
        );
        let stem = name.split('.').next().unwrap_or("");
        if !known && !live.iter().any(|id| id == stem) {
            out.push(name);
        }
    }
    out.sort();
    out
}
