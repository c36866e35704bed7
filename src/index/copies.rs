//! Copies: syndicated and near-duplicate passages across documents ("is this one story or
//! twenty?").
//!
//! At ingest every passage of at least [`MIN_SHINGLES`] distinct word shingles (about twenty
//! words) gets a **signature**, computed from its words as the analyzer reads them (exact forms:
//! case, diacritics, punctuation and whitespace folded; see [`WordAnalyzer::exact_hashes`]):
//!
//! - its **shingles**: every run of [`SHINGLE_WORDS`] consecutive words, hashed;
//! - a **MinHash** of the shingle set under [`BANDS`] × [`ROWS`] fixed hash functions (a
//!   fixed-seed multiply-xorshift permutation each), cut into [`BANDS`] bands of [`ROWS`]
//!   values. Two passages share a band key with probability `1 - (1 - J^ROWS)^BANDS` for a
//!   Jaccard similarity `J` of their shingle sets (0.999 at 0.8, 0.91 at 0.6, 0.01 at 0.1):
//!   locality-sensitive hashing. The band keys are kept in a fast field (`copy_bands`, two to a
//!   value), which a later ingest reads into memory once to find its candidates among the
//!   committed passages; the passages of the current run, not searchable before the commit,
//!   are in the same in-memory map of band keys;
//! - a **sketch**: the [`SKETCH`] smallest shingle hashes (bottom-k; the whole set for a
//!   passage of up to [`SKETCH`] shingles), which estimates the Jaccard similarity of two
//!   passages and the containment of the smaller in the larger (exactly, when both are short).
//!
//! A candidate from another document is a **copy** when [`is_copy`] says so, by the [`RULES`]: a
//! high enough Jaccard similarity (a changed or dropped word, punctuation, small edits), or, for
//! passages of 30 shingles or more, the smaller contained in the larger (a truncated copy, or one
//! with a first sentence of its own). A passage joins the cluster of its most similar copy;
//! else it starts a cluster. A cluster's id is the **serial** (ingest order, unique in the
//! index) of its first member, the earliest ingested. Exact copies have the same shingle set, hence every band and a similarity
//! of 1: no separate digest is needed to find them.
//!
//! Short passages (under [`MIN_SHINGLES`] shingles: "Thank you, Mr. President.", addresses,
//! salutations) never fold, and neither do the near-formulaic openings of UN speeches ("I
//! congratulate you, Mr. President, on your election…"), which share a formula but stay below
//! the thresholds: different paragraphs that happen to begin alike.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, EnableScoring, Query};
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value;
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument, Term, TERMINATED};

use super::analyzer::WordAnalyzer;
use super::columns::{ColumnCache, SegmentColumns};
use super::{meta_term, typed, BucketField, BucketKey, DossierIndex, Fields, IndexError};
use crate::model::{Document, Passage};

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 3;
/// Distinct shingles a passage needs to have a signature at all (about twenty words); shorter
/// passages never fold.
pub const MIN_SHINGLES: usize = 18;
/// MinHash values per LSH band.
pub const ROWS: usize = 3;
/// LSH bands: band keys indexed per passage.
pub const BANDS: usize = 10;
/// Shingle hashes kept in a sketch.
pub const SKETCH: usize = 64;
/// When two passages are copies, by the shingles of the smaller: `(shingles, jaccard,
/// containment)`, a pair whose smaller passage has at least `shingles` is a pair of copies with
/// at least that Jaccard similarity of their shingle sets, or that containment (the share of
/// the smaller's shingles found in the larger: a truncated copy, or one with a first sentence
/// of its own). Short passages need more: a formula ("I congratulate Mr. Dennis Francis on his
/// election as President of the General Assembly at its seventy-eighth session") is often most
/// of a short paragraph, and contained in a longer one.
pub const RULES: [(u32, f64, f64); 3] = [(18, 0.8, 1.1), (30, 0.7, 0.9), (40, 0.7, 0.8)];

const HASHES: usize = BANDS * ROWS;
/// The permutations computed per shingle: [`HASHES`] rounded up to whole 8-lane vectors (the
/// extra ones are computed and not used).
const LANES: usize = HASHES.div_ceil(8) * 8;

/// splitmix64: the fixed-seed mixer every hash here comes from.
const fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seeds (xor) and odd multipliers of the MinHash permutations.
const PERMUTATIONS: ([u32; LANES], [u32; LANES]) = {
    let mut seeds = [0u32; LANES];
    let mut muls = [0u32; LANES];
    let mut i = 0;
    while i < LANES {
        let r = splitmix(0x636f_7069_6573 + i as u64);
        seeds[i] = r as u32;
        muls[i] = (r >> 32) as u32 | 1;
        i += 1;
    }
    (seeds, muls)
};

/// A passage's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Distinct shingles.
    pub shingles: u32,
    /// The smallest shingle hashes (their top 16 bits), ascending.
    pub sketch: Vec<u16>,
    /// The LSH band keys (32 bits each).
    pub bands: [u64; BANDS],
}

/// How alike two signatures are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Likeness {
    /// Estimated Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// Estimated share of the smaller passage's shingles found in the larger.
    pub containment: f64,
    /// Shingles of the smaller passage.
    pub smaller: u32,
}

/// Computes signatures; holds the analyzer's caches and scratch buffers.
#[derive(Default)]
pub struct Signer {
    analyzer: WordAnalyzer,
    words: Vec<u64>,
    shingles: Vec<u64>,
}

impl Signer {
    /// The signature of a passage text; `None` for a text under [`MIN_SHINGLES`] shingles.
    pub fn sign(&mut self, text: &str) -> Option<Signature> {
        self.analyzer.exact_hashes(text, &mut self.words);
        if self.words.len() < MIN_SHINGLES + SHINGLE_WORDS - 1 {
            return None;
        }
        self.shingles.clear();
        self.shingles.extend(
            self.words
                .windows(SHINGLE_WORDS)
                .map(|w| splitmix(w[0].rotate_left(42) ^ w[1].rotate_left(21) ^ w[2])),
        );
        self.shingles.sort_unstable();
        self.shingles.dedup();
        if self.shingles.len() < MIN_SHINGLES {
            return None;
        }
        let mins = min_hashes(&self.shingles);
        let mut bands = [0u64; BANDS];
        for (b, key) in bands.iter_mut().enumerate() {
            let mut h = splitmix(b as u64);
            for &m in &mins[b * ROWS..(b + 1) * ROWS] {
                h = splitmix(h ^ u64::from(m));
            }
            *key = h >> 32;
        }
        Some(Signature {
            shingles: self.shingles.len() as u32,
            sketch: {
                let mut sketch: Vec<u16> = self
                    .shingles
                    .iter()
                    .take(SKETCH)
                    .map(|&s| (s >> 48) as u16)
                    .collect();
                sketch.dedup();
                sketch
            },
            bands,
        })
    }
}

/// The MinHash of a shingle set: per permutation, the smallest permuted shingle. The hottest
/// loop of signing (every shingle under every permutation): where the CPU has AVX2 it runs
/// eight permutations to an instruction, with the same results.
fn min_hashes(shingles: &[u64]) -> [u32; LANES] {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { min_hashes_avx2(shingles) };
    }
    min_hashes_portable(shingles)
}

#[inline(always)]
fn min_hashes_portable(shingles: &[u64]) -> [u32; LANES] {
    let (seeds, muls) = &PERMUTATIONS;
    let mut mins = [u32::MAX; LANES];
    for &s in shingles {
        let x = s as u32;
        for i in 0..LANES {
            let y = (x ^ seeds[i]).wrapping_mul(muls[i]);
            mins[i] = mins[i].min(y ^ (y >> 16));
        }
    }
    mins
}

/// [`min_hashes_portable`] compiled for AVX2 (the compiler vectorises its inner loop).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn min_hashes_avx2(shingles: &[u64]) -> [u32; LANES] {
    min_hashes_portable(shingles)
}

/// How alike two passages are, from their sketches and shingle counts.
pub fn likeness(a: &[u16], a_shingles: u32, b: &[u16], b_shingles: u32) -> Likeness {
    // Jaccard: among the smallest hashes of the union, the share found in both (bottom-k).
    let (mut i, mut j, mut union, mut both) = (0, 0, 0usize, 0usize);
    while union < SKETCH && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), Some(_)) | (None, Some(_)) => j += 1,
            (Some(_), None) => i += 1,
            (None, None) => break,
        }
        union += 1;
    }
    let jaccard = if union == 0 {
        0.0
    } else {
        both as f64 / union as f64
    };
    // Containment of the smaller in the larger: the smaller's hashes up to the largest hash
    // the larger's sketch holds (all of them when that sketch is the whole set), and how many
    // of those the larger has.
    let (small, small_n, large, large_n) = if a_shingles <= b_shingles {
        (a, a_shingles, b, b_shingles)
    } else {
        (b, b_shingles, a, a_shingles)
    };
    let limit = if large.len() as u32 >= large_n {
        u16::MAX
    } else {
        large.last().copied().unwrap_or(u16::MAX)
    };
    let (mut seen, mut found, mut k) = (0usize, 0usize, 0usize);
    for &x in small.iter().take_while(|&&x| x <= limit) {
        seen += 1;
        while k < large.len() && large[k] < x {
            k += 1;
        }
        if large.get(k) == Some(&x) {
            found += 1;
        }
    }
    let containment = if seen == 0 {
        // No overlap of ranges to sample from: derive it from the Jaccard estimate.
        let inter = jaccard * f64::from(a_shingles + b_shingles) / (1.0 + jaccard);
        (inter / f64::from(small_n.max(1))).min(1.0)
    } else {
        found as f64 / seen as f64
    };
    Likeness {
        jaccard,
        containment,
        smaller: small_n,
    }
}

/// Whether two passages this alike are copies (see [`RULES`]).
pub fn is_copy(l: &Likeness) -> bool {
    RULES.iter().any(|&(shingles, jaccard, containment)| {
        l.smaller >= shingles && (l.jaccard >= jaccard || l.containment >= containment)
    })
}

/// What a passage gets at ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    /// Unique in the index, in ingest order.
    pub serial: u64,
    /// The serial of the cluster's first member (its own serial when it starts one).
    pub cluster: u64,
    /// The passage's band keys, 32 bits each (none for a passage without a signature).
    pub bands: Vec<u64>,
}

/// A passage of this run, as the in-memory map finds it.
struct Entry {
    cluster: u64,
    doc: u32,
    start: u32,
    len: u8,
    shingles: u32,
}

/// A committed passage looked at as a candidate, read once per run.
struct Seen {
    cluster: u64,
    doc_id: String,
    signature: Option<Signature>,
}

/// Marks a committed passage in the map.
const COMMITTED: u32 = 1 << 31;

/// A free slot of the band map (no holder is `u32::MAX`: entries and committed passages are
/// numbered below it).
const FREE: u64 = u64::MAX;

/// Band key → its first passage: an index into this run's entries, or, with [`COMMITTED`]
/// set, into the committed passages read as candidates.
///
/// One flat table probed linearly, a slot being the key and its holder in one word: a probe
/// is one cache line, and the map of a large corpus (ten keys a passage) is far bigger than
/// the cache, so that line is a miss. [`BandMap::prefetch`] asks for a document's lines
/// before they are probed, so that its misses overlap instead of following one another.
/// Band keys are hashes already: their high bits pick the slot, so that the slots hold the keys
/// in order (but for the few a probe wraps round), and growing the table is one pass through
/// the old table and one through the new, in order, instead of a miss per key.
struct BandMap {
    slots: Vec<u64>,
    len: usize,
}

impl BandMap {
    fn new() -> BandMap {
        BandMap {
            slots: vec![FREE; 1 << 16],
            len: 0,
        }
    }

    /// The slot `key` goes to first: its top bits, as many as a slot number has.
    fn home(&self, key: u32) -> usize {
        (u64::from(key) >> (32 - self.slots.len().trailing_zeros())) as usize
    }

    /// The slot holding `key`, or the free slot where it goes: from its home slot, the first
    /// that is either.
    fn probe(&self, key: u32) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i] != FREE && (self.slots[i] >> 32) as u32 != key {
            i = (i + 1) & mask;
        }
        i
    }

    /// Brings the slots of `keys` into the cache ahead of their probes.
    fn prefetch(&self, keys: &[u64]) {
        #[cfg(target_arch = "x86_64")]
        for &key in keys {
            let slot: *const u64 = &self.slots[self.home(key as u32)];
            // SAFETY: a prefetch is only a hint (it cannot fault), of an address inside the
            // table; SSE is part of every x86-64 CPU.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(slot.cast())
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = keys;
    }

    fn insert(&mut self, key: u64, holder: u32) {
        self.holder_or_insert(key, holder);
    }

    /// The first passage holding `key`, or `None` when there is none and `holder` now holds
    /// it: one probe of the map for both.
    fn holder_or_insert(&mut self, key: u64, holder: u32) -> Option<u32> {
        let key = key as u32;
        let i = self.probe(key);
        if self.slots[i] != FREE {
            return Some(self.slots[i] as u32);
        }
        self.slots[i] = u64::from(key) << 32 | u64::from(holder);
        self.len += 1;
        // At most 60% full: probes stay short.
        if self.len * 5 > self.slots.len() * 3 {
            self.rebuild(self.slots.len() * 2, |_| true);
        }
        None
    }

    /// The table at `capacity` slots, with only the slots `keep` keeps.
    fn rebuild(&mut self, capacity: usize, keep: impl Fn(u64) -> bool) {
        let old = std::mem::replace(&mut self.slots, vec![FREE; capacity]);
        self.len = 0;
        // The keys are distinct: each probe ends at a free slot.
        for slot in old.into_iter().filter(|&s| s != FREE && keep(s)) {
            let i = self.probe((slot >> 32) as u32);
            self.slots[i] = slot;
            self.len += 1;
        }
    }

    fn forget_committed(&mut self) {
        let capacity = self.slots.len();
        self.rebuild(capacity, |slot| slot as u32 & COMMITTED == 0);
    }
}

/// Finds each new passage's copies among the committed passages and this run's, through one
/// in-memory map of band keys (the committed passages' keys are read from their fast field the
/// first time a passage needs them), and assigns serials and clusters.
pub(super) struct CopyFinder {
    signer: Signer,
    next_serial: u64,
    docs: u32,
    bands: BandMap,
    entries: Vec<Entry>,
    sketches: Vec<u16>,
    /// The committed index, until its band keys are in the map (`None` when there is
    /// nothing committed to find).
    committed: Option<Searcher>,
    /// The committed index whose keys are in the map, and the passages they name.
    loaded: Option<Searcher>,
    committed_addrs: Vec<DocAddress>,
    seen: HashMap<DocAddress, Seen>,
    dir: String,
}

impl CopyFinder {
    pub(super) fn new(searcher: &Searcher, next_serial: u64, dir: &str) -> CopyFinder {
        CopyFinder {
            signer: Signer::default(),
            next_serial,
            docs: 0,
            bands: BandMap::new(),
            entries: Vec::new(),
            sketches: Vec::new(),
            committed: (searcher.num_docs() > 0).then(|| searcher.clone()),
            loaded: None,
            committed_addrs: Vec::new(),
            seen: HashMap::new(),
            dir: dir.to_owned(),
        }
    }

    /// The next serial (what the commit records).
    pub(super) fn next_serial(&self) -> u64 {
        self.next_serial
    }

    /// Nothing committed counts any more (a rebuild).
    pub(super) fn forget_committed(&mut self) {
        self.committed = None;
        if self.loaded.take().is_some() {
            self.bands.forget_committed();
            self.committed_addrs.clear();
        }
        self.seen.clear();
    }

    /// Puts the committed passages' band keys into the map (once per run).
    fn load_committed(&mut self) -> Result<(), IndexError> {
        let Some(searcher) = self.committed.take() else {
            return Ok(());
        };
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let column =
                segment
                    .fast_fields()
                    .u64("copy_bands")
                    .map_err(|source| IndexError::Tantivy {
                        dir: self.dir.clone(),
                        source,
                    })?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let holder = COMMITTED | self.committed_addrs.len() as u32;
                let mut any = false;
                // Two 32-bit band keys to a value.
                for pair in column.values_for_doc(doc) {
                    self.bands.insert(pair >> 32, holder);
                    self.bands.insert(pair & 0xffff_ffff, holder);
                    any = true;
                }
                if any {
                    self.committed_addrs.push(DocAddress::new(ord as u32, doc));
                }
            }
        }
        self.loaded = Some(searcher);
        Ok(())
    }

    /// Serials, clusters and band keys for the passages of `doc`, in order. Copies are looked
    /// for in other documents only.
    pub(super) fn assign(
        &mut self,
        doc: &Document,
        fields: &Fields,
    ) -> Result<Vec<Assigned>, IndexError> {
        let doc_index = self.docs;
        self.docs += 1;
        let mut out = Vec::with_capacity(doc.passages.len());
        // Without signatures (a benchmark-only build, benches/copies-cost.sh), every passage is
        // a short one: its own cluster.
        let signatures: Vec<Option<Signature>> = doc
            .passages
            .iter()
            .map(|passage| {
                if cfg!(feature = "bench-no-copy-signatures") {
                    None
                } else {
                    self.signer.sign(&passage.text)
                }
            })
            .collect();
        if self.committed.is_some() && signatures.iter().any(Option::is_some) {
            self.load_committed()?;
        }
        // The document's band keys are asked for all at once, well ahead of their probes.
        for signature in signatures.iter().flatten() {
            self.bands.prefetch(&signature.bands);
        }
        for signature in signatures {
            let serial = self.next_serial;
            self.next_serial += 1;
            let Some(signature) = signature else {
                out.push(Assigned {
                    serial,
                    cluster: serial,
                    bands: Vec::new(),
                });
                continue;
            };
            let mut best: Option<(f64, u64)> = None;
            let mut looked: Vec<u32> = Vec::new();
            // The entry this passage gets: a band key nobody holds yet is its own from this
            // probe on (the document's other passages skip it as their own document's).
            let e = self.entries.len() as u32;
            for &key in &signature.bands {
                let Some(holder) = self.bands.holder_or_insert(key, e) else {
                    continue;
                };
                if holder == e || looked.contains(&holder) {
                    continue;
                }
                looked.push(holder);
                let (like, cluster) = if holder & COMMITTED == 0 {
                    let entry = &self.entries[holder as usize];
                    if entry.doc == doc_index {
                        continue;
                    }
                    let start = entry.start as usize;
                    let sketch = &self.sketches[start..start + entry.len as usize];
                    (
                        likeness(
                            &signature.sketch,
                            signature.shingles,
                            sketch,
                            entry.shingles,
                        ),
                        entry.cluster,
                    )
                } else {
                    let addr = self.committed_addrs[(holder & !COMMITTED) as usize];
                    let Some(searcher) = &self.loaded else {
                        continue;
                    };
                    if !self.seen.contains_key(&addr) {
                        let seen =
                            read_candidate(searcher, fields, addr, &mut self.signer, &self.dir)?;
                        self.seen.insert(addr, seen);
                    }
                    let seen = &self.seen[&addr];
                    let Some(other) = seen
                        .signature
                        .as_ref()
                        .filter(|_| seen.doc_id != doc.doc_id)
                    else {
                        continue;
                    };
                    (
                        likeness(
                            &signature.sketch,
                            signature.shingles,
                            &other.sketch,
                            other.shingles,
                        ),
                        seen.cluster,
                    )
                };
                // The earliest cluster among the copies (the original's, as a rule: a copy of
                // a copy still joins the story it copies), the most alike first among equals.
                if is_copy(&like) {
                    let better = match best {
                        None => true,
                        Some((j, c)) => cluster < c || (cluster == c && like.jaccard > j),
                    };
                    if better {
                        best = Some((like.jaccard, cluster));
                    }
                }
            }
            let cluster = best.map_or(serial, |(_, cluster)| cluster);
            self.entries.push(Entry {
                cluster,
                doc: doc_index,
                start: self.sketches.len() as u32,
                len: signature.sketch.len() as u8,
                shingles: signature.shingles,
            });
            self.sketches.extend_from_slice(&signature.sketch);
            out.push(Assigned {
                serial,
                cluster,
                bands: signature.bands.to_vec(),
            });
        }
        Ok(out)
    }
}

/// A committed candidate's cluster, document and signature (from its stored text).
fn read_candidate(
    searcher: &Searcher,
    fields: &Fields,
    addr: DocAddress,
    signer: &mut Signer,
    dir: &str,
) -> Result<Seen, IndexError> {
    let doc: TantivyDocument = searcher.doc(addr).map_err(|source| IndexError::Tantivy {
        dir: dir.to_owned(),
        source,
    })?;
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let cluster = searcher
        .segment_reader(addr.segment_ord)
        .fast_fields()
        .u64("cluster")
        .ok()
        .and_then(|c| c.first(addr.doc_id))
        .unwrap_or(u64::MAX);
    Ok(Seen {
        cluster,
        doc_id: text(fields.doc_id),
        signature: signer.sign(&text(fields.body)),
    })
}

/// A passage as folding and trends see it: where it is, its cluster, its serial and its
/// document's date (seconds since 1970), from the fast fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub addr: DocAddress,
    pub cluster: u64,
    pub serial: u64,
    pub date: Option<i64>,
}

/// Collects the [`Member`]s among a query's matches.
struct Members<'c>(&'c ColumnCache);

struct SegmentMembers {
    ord: u32,
    columns: Arc<SegmentColumns>,
    out: Vec<Member>,
}

impl Collector for Members<'_> {
    type Fruit = Vec<Member>;
    type Child = SegmentMembers;

    fn for_segment(
        &self,
        ord: u32,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentMembers> {
        Ok(SegmentMembers {
            ord,
            columns: self.0.of(segment)?,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Member>>) -> tantivy::Result<Vec<Member>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMembers {
    type Fruit = Vec<Member>;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        self.out.push(self.columns.member(self.ord, doc));
    }

    fn harvest(self) -> Vec<Member> {
        self.out
    }
}

/// Reading copies back: clusters, their members, and the fast fields folding and trends read.
impl DossierIndex {
    /// The cluster and the serial of each passage at `addrs`, from the fast fields.
    pub fn copy_keys_of(
        &self,
        searcher: &Searcher,
        addrs: &[DocAddress],
    ) -> Result<Vec<(u64, u64)>, IndexError> {
        addrs
            .iter()
            .map(|addr| {
                let segment = searcher.segment_reader(addr.segment_ord);
                let columns = self.columns.of(segment).map_err(|e| self.error(e))?;
                let member = columns.member(addr.segment_ord, addr.doc_id);
                Ok((member.cluster, member.serial))
            })
            .collect()
    }

    /// Every passage `query` matches (of the clusters in `only`, when given), with its cluster
    /// and serial: one pass over the matches reading two fast fields, no stored text. With
    /// `only`, the clusters' own passages are the candidates (clusters of one passage are
    /// dropped by their document frequency): the query is only asked about those, by seeking
    /// its matches to each of them, not run over the whole index again.
    pub fn members(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        only: Option<&HashSet<u64>>,
    ) -> Result<Vec<Member>, IndexError> {
        let Some(only) = only else {
            return searcher
                .search(query, &Members(&self.columns))
                .map_err(|e| self.error(e));
        };
        let mut shared = Vec::new();
        for &cluster in only {
            let term = Term::from_field_u64(self.fields().cluster, cluster);
            if searcher.doc_freq(&term).map_err(|e| self.error(e))? > 1 {
                shared.push(term);
            }
        }
        if shared.is_empty() {
            return Ok(Vec::new());
        }
        self.members_among(searcher, query, &shared)
            .map_err(|e| self.error(e))
    }

    /// The passages of the clusters `terms` name that `query` matches.
    fn members_among(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        terms: &[Term],
    ) -> tantivy::Result<Vec<Member>> {
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut out = Vec::new();
        let mut candidates = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            candidates.clear();
            let postings = segment.inverted_index(self.fields().cluster)?;
            for term in terms {
                let Some(mut docs) = postings.read_postings(term, IndexRecordOption::Basic)? else {
                    continue;
                };
                while docs.doc() != TERMINATED {
                    if segment
                        .alive_bitset()
                        .is_none_or(|a| a.is_alive(docs.doc()))
                    {
                        candidates.push(docs.doc());
                    }
                    docs.advance();
                }
            }
            if candidates.is_empty() {
                continue;
            }
            candidates.sort_unstable();
            let columns = self.columns.of(segment)?;
            let mut matches = weight.scorer(segment, 1.0)?;
            for &doc in &candidates {
                let at = if matches.doc() < doc {
                    matches.seek(doc)
                } else {
                    matches.doc()
                };
                if at == TERMINATED {
                    break;
                }
                if at == doc {
                    out.push(columns.member(ord as u32, doc));
                }
            }
        }
        Ok(out)
    }

    /// The buckets (of a histogram over `field`) each passage at `addrs` is in: its year,
    /// month or day, or the values of a metadata key (none when its document has none).
    pub fn bucket_keys_of(
        &self,
        searcher: &Searcher,
        addrs: &[DocAddress],
        field: &BucketField,
    ) -> Result<Vec<Vec<BucketKey>>, IndexError> {
        let mut out = Vec::with_capacity(addrs.len());
        let prefix = match field {
            BucketField::Meta(key) => Some(meta_term(key, "")),
            _ => None,
        };
        let mut numbers: HashMap<u32, Column<i64>> = HashMap::new();
        let mut texts: HashMap<u32, Option<tantivy::columnar::StrColumn>> = HashMap::new();
        let mut value = String::new();
        for addr in addrs {
            let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
            let keys = match (field, &prefix) {
                (BucketField::Meta(_), Some(prefix)) => {
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        texts.entry(addr.segment_ord)
                    {
                        slot.insert(fast.str("meta").map_err(|e| self.error(e))?);
                    }
                    let Some(column) = &texts[&addr.segment_ord] else {
                        out.push(Vec::new());
                        continue;
                    };
                    let mut keys = Vec::new();
                    for ord in column.term_ords(addr.doc_id) {
                        value.clear();
                        column
                            .ord_to_str(ord, &mut value)
                            .map_err(|source| IndexError::Io {
                                dir: self.display_dir(),
                                source,
                            })?;
                        if let Some(v) = value.strip_prefix(prefix.as_str()) {
                            keys.push(match typed(v) {
                                serde_json::Value::Number(n) => {
                                    BucketKey::Number(n.as_i64().unwrap_or(0))
                                }
                                other => BucketKey::Text(other.as_str().unwrap_or("").to_owned()),
                            });
                        }
                    }
                    keys
                }
                _ => {
                    let name = match field {
                        BucketField::Year => "year",
                        BucketField::Month => "month",
                        _ => "day",
                    };
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        numbers.entry(addr.segment_ord)
                    {
                        slot.insert(fast.i64(name).map_err(|e| self.error(e))?);
                    }
                    numbers[&addr.segment_ord]
                        .first(addr.doc_id)
                        .map(BucketKey::Number)
                        .into_iter()
                        .collect()
                }
            };
            out.push(keys);
        }
        Ok(out)
    }

    /// Every cluster of two passages or more, each as its passages in ingest order, clusters in
    /// the order of their first members.
    pub fn copy_clusters(&self) -> Result<Vec<Vec<Passage>>, IndexError> {
        let searcher = self.searcher()?;
        let all = self.members(&searcher, &AllQuery, None)?;
        let mut by_cluster: std::collections::BTreeMap<u64, Vec<Member>> =
            std::collections::BTreeMap::new();
        for m in all {
            by_cluster.entry(m.cluster).or_default().push(m);
        }
        let mut out = Vec::new();
        for mut members in by_cluster.into_values().filter(|m| m.len() > 1) {
            members.sort_by_key(|m| m.serial);
            out.push(
                members
                    .into_iter()
                    .map(|m| self.load_passage(&searcher, m.addr))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(text: &str) -> Signature {
        Signer::default().sign(text).expect("long enough")
    }

    fn like(a: &str, b: &str) -> Likeness {
        let (a, b) = (sign(a), sign(b));
        likeness(&a.sketch, a.shingles, &b.sketch, b.shingles)
    }

    const WIRE: &str = "The foreign ministers of the three European countries said on Monday that \
        they had triggered the dispute mechanism of the nuclear agreement, a step that could lead \
        to the return of United Nations sanctions within weeks unless the talks in Vienna produce \
        a compromise that both sides can accept before the deadline set by the resolution.";

    #[test]
    fn min_hashes_are_the_same_on_every_cpu() {
        let shingles: Vec<u64> = (0..500u64).map(|i| splitmix(i * 7 + 3)).collect();
        for n in [1, 7, 18, 64, 500] {
            let expected = min_hashes_portable(&shingles[..n]);
            assert_eq!(min_hashes(&shingles[..n]), expected);
        }
        // The permutations themselves are unchanged: signatures stay comparable with those of
        // indexes already built.
        let first = min_hashes_portable(&shingles[..1]);
        let x = shingles[0] as u32;
        let y = (x ^ PERMUTATIONS.0[29]).wrapping_mul(PERMUTATIONS.1[29]);
        assert_eq!(first[29], y ^ (y >> 16));
    }

    #[test]
    fn copies_with_punctuation_and_case_changed_are_identical() {
        let edited = WIRE.to_uppercase().replace(',', " ;").replace(". ", "! ");
        assert_eq!(sign(WIRE), sign(&edited));
        let l = like(WIRE, &edited);
        assert_eq!(l.jaccard, 1.0);
        assert!(is_copy(&l));
    }

    const OTHER: &str = "The central bank raised its main interest rate by half a point on \
        Thursday, the third increase this year, saying that inflation had proved more persistent \
        than expected and that the labour market remained tight despite slower growth in the \
        second quarter and weaker exports to the largest trading partners of the country.";

    #[test]
    fn a_changed_word_still_folds_and_a_different_paragraph_does_not() {
        let changed = WIRE.replace("Monday", "Tuesday");
        let l = like(WIRE, &changed);
        assert!(is_copy(&l) && l.jaccard > 0.85, "{l:?}");
        let l = like(WIRE, OTHER);
        assert!(!is_copy(&l) && l.jaccard < 0.1, "{l:?}");
    }

    #[test]
    fn a_truncated_copy_is_contained() {
        let long = format!("{WIRE} {OTHER}");
        let cut: String = long.split(' ').take(80).collect::<Vec<_>>().join(" ");
        let l = like(&long, &cut);
        assert!(l.containment > 0.95 && l.jaccard < 0.8, "{l:?}");
        assert!(is_copy(&l));
    }

    #[test]
    fn short_texts_have_no_signature() {
        assert!(Signer::default()
            .sign("Thank you, Mr. President.")
            .is_none());
        assert!(Signer::default()
            .sign("I congratulate you, Mr. President, on your election.")
            .is_none());
    }

    #[test]
    fn formulaic_openings_do_not_fold() {
        let a = "I take this opportunity to congratulate you, Sir, on your election to the \
            presidency of the General Assembly at its fifty-second session.";
        let b = "I would like to congratulate you, Sir, on your election to the presidency of \
            the General Assembly at its fifty-second session.";
        let l = like(a, b);
        assert!(!is_copy(&l), "{l:?}");
    }

    /// The band map keeps each key's first holder through every growth of its table, and
    /// forgetting the committed passages keeps this run's.
    #[test]
    fn the_band_map_keeps_first_holders_as_it_grows() {
        let mut map = BandMap::new();
        let mut next = crate::testing::lcg(0xba5d);
        // Keys from the same mixer as real band keys, and some that collide in their low bits.
        let keys: Vec<u64> = (0..150_000u64)
            .map(|i| {
                if i % 7 == 0 {
                    (i << 20) & 0xffff_ffff
                } else {
                    splitmix(next() as u64) >> 32
                }
            })
            .collect();
        let mut first: HashMap<u64, u32> = HashMap::new();
        for (i, &key) in keys.iter().enumerate() {
            let holder = if i % 3 == 0 {
                COMMITTED | i as u32
            } else {
                i as u32
            };
            let expected = first.get(&key).copied();
            assert_eq!(map.holder_or_insert(key, holder), expected, "key {key:#x}");
            first.entry(key).or_insert(holder);
        }
        assert!(map.slots.len() >= 1 << 18, "the table grew");
        map.forget_committed();
        for (&key, &holder) in &first {
            let found = map.holder_or_insert(key, u32::MAX - 1);
            if holder & COMMITTED == 0 {
                assert_eq!(found, Some(holder));
            } else {
                assert_eq!(found, None, "a committed holder is forgotten");
            }
        }
    }

    /// The Jaccard estimate is exact for short passages and close for long ones.
    #[test]
    fn estimates_follow_the_true_similarity() {
        let mut next = crate::testing::lcg(7);
        let vocabulary: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        for _ in 0..200 {
            let n = 30 + next() % 200;
            let a: Vec<&str> = (0..n)
                .map(|_| vocabulary[next() % vocabulary.len()].as_str())
                .collect();
            let mut b = a.clone();
            for _ in 0..next() % (n / 3) {
                let at = next() % b.len();
                b[at] = vocabulary[next() % vocabulary.len()].as_str();
            }
            let (ta, tb) = (a.join(" "), b.join(" "));
            let shingles = |w: &[&str]| -> std::collections::HashSet<String> {
                w.windows(3).map(|s| s.join(" ")).collect()
            };
            let (sa, sb) = (shingles(&a), shingles(&b));
            let truth = sa.intersection(&sb).count() as f64 / sa.union(&sb).count() as f64;
            let l = like(&ta, &tb);
            let slack = if sa.len() + sb.len() <= SKETCH {
                0.02
            } else {
                0.25
            };
            assert!(
                (l.jaccard - truth).abs() <= slack,
                "{n} words: estimate {} for {truth}",
                l.jaccard
            );
        }
    }
}
