//! The ranking's collector: the best passages by score, and passages of equal score in ingest
//! order (by serial, lowest first), so that a ranking never depends on how the index happens to
//! be cut into segments: a rebuild of the same documents ranks them the same way.
//!
//! A passage's serial is read only when it decides something: for the passages a segment
//! keeps in the end, and for those whose score ties with the last passage kept so far. A
//! passage entering the running on its score alone does not need it: tantivy's collector
//! ordered by `(score, serial)` reads it for every match, and a common word matches most of the
//! index.

use std::cmp::Ordering;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::columns::{ColumnCache, SegmentColumns};

/// The `limit` best passages after the first `offset` (see the module docs).
pub(crate) struct TopPassages<'a> {
    limit: usize,
    offset: usize,
    columns: &'a ColumnCache,
}

impl<'a> TopPassages<'a> {
    pub(crate) fn new(limit: usize, offset: usize, columns: &'a ColumnCache) -> TopPassages<'a> {
        TopPassages {
            limit,
            offset,
            columns,
        }
    }

    /// Passages a segment keeps: the page and everything before it.
    fn keep(&self) -> usize {
        self.limit.saturating_add(self.offset).max(1)
    }
}

/// A passage in the running.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    score: Score,
    serial: u64,
    addr: DocAddress,
}

/// Best first: the higher score, then the lower serial.
fn better(a: &Candidate, b: &Candidate) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.serial.cmp(&b.serial))
}

impl Collector for TopPassages<'_> {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = TopPassagesOfSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<TopPassagesOfSegment> {
        Ok(TopPassagesOfSegment {
            ord,
            columns: self.columns.of(segment)?,
            keep: self.keep(),
            buffer: Vec::new(),
            threshold: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Candidate>>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<Candidate> = fruits.into_iter().flatten().collect();
        all.sort_unstable_by(better);
        Ok(all
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|c| (c.score, c.addr))
            .collect())
    }
}

/// [`TopPassages`] in one segment: a buffer of up to twice the passages kept, cut back to
/// those when full (a selection, not a sort), after which only a passage better than the
/// last one kept can enter.
pub(crate) struct TopPassagesOfSegment {
    ord: SegmentOrdinal,
    columns: Arc<SegmentColumns>,
    keep: usize,
    buffer: Vec<Pending>,
    /// The score and serial of the last passage kept at the last cut.
    threshold: Option<(Score, u64)>,
}

/// A passage in a segment's running; its serial is read when a tie needs it.
#[derive(Debug, Clone, Copy)]
struct Pending {
    score: Score,
    serial: Option<u64>,
    doc: DocId,
}

impl TopPassagesOfSegment {
    /// The score below which no passage can enter any more (that of the last passage kept at
    /// the last cut), once there is one; a passage of this score still can, by its serial.
    pub(crate) fn entry_score(&self) -> Option<Score> {
        self.threshold.map(|(score, _)| score)
    }

    fn serial(&self, doc: DocId) -> u64 {
        self.columns.serial.first(doc).unwrap_or(u64::MAX)
    }

    /// Reads the serial of every pending passage `which` selects that has none yet.
    fn read_serials(&mut self, which: impl Fn(&Pending) -> bool) {
        for i in 0..self.buffer.len() {
            let p = self.buffer[i];
            if p.serial.is_none() && which(&p) {
                self.buffer[i].serial = Some(self.serial(p.doc));
            }
        }
    }

    fn cut(&mut self) {
        let last = self.keep - 1;
        // By score first: only the passages tied with the last one kept need their serial.
        self.buffer
            .select_nth_unstable_by(last, |a, b| b.score.total_cmp(&a.score));
        let at = self.buffer[last].score;
        self.read_serials(|p| p.score.total_cmp(&at) == Ordering::Equal);
        // Ties with `at` are ordered by serial; any other tie falls on one side of the cut
        // whole, so how it is ordered does not matter here.
        self.buffer.select_nth_unstable_by(last, better_pending);
        self.buffer.truncate(self.keep);
        let worst = self.buffer[last];
        self.threshold = Some((worst.score, worst.serial.unwrap_or(u64::MAX)));
    }
}

/// [`better`] for passages whose serial may be unread (any tie that matters has it read).
fn better_pending(a: &Pending, b: &Pending) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.serial.cmp(&b.serial))
}

impl SegmentCollector for TopPassagesOfSegment {
    type Fruit = Vec<Candidate>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let serial = match self.threshold {
            None => None,
            Some((at, last)) => match score.total_cmp(&at) {
                Ordering::Less => return,
                Ordering::Greater => None,
                Ordering::Equal => {
                    let serial = self.serial(doc);
                    if serial >= last {
                        return;
                    }
                    Some(serial)
                }
            },
        };
        self.buffer.push(Pending { score, serial, doc });
        if self.buffer.len() >= self.keep.saturating_mul(2) {
            self.cut();
        }
    }

    fn harvest(mut self) -> Vec<Candidate> {
        if self.buffer.len() > self.keep {
            self.cut();
        }
        self.read_serials(|_| true);
        let ord = self.ord;
        let mut out: Vec<Candidate> = self
            .buffer
            .into_iter()
            .map(|p| Candidate {
                score: p.score,
                serial: p.serial.unwrap_or(u64::MAX),
                addr: DocAddress::new(ord, p.doc),
            })
            .collect();
        out.sort_unstable_by(better);
        out
    }
}
