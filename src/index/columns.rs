//! The fast-field columns that folding and trends read per passage, opened once per segment.
//!
//! Opening a column decodes its header (a block-wise linear codec reads a line per block of
//! 512 documents), which costs more than the few values a search reads from it: a session that
//! opened `serial` and `cluster` for every query spent a tenth of a cheap query there. Segments
//! never change once written, so their columns are kept by segment id for as long as the
//! segment is searched.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DateTime, DocAddress, DocId, SegmentReader};

use super::copies::Member;

/// A segment's columns.
pub struct SegmentColumns {
    pub cluster: Column<u64>,
    pub serial: Column<u64>,
    pub date: Column<DateTime>,
    /// 1 for reference matter (see `Passage::reference`).
    pub reference: Column<u64>,
}

impl SegmentColumns {
    /// The passage at `doc` of segment `ord` as folding and trends see it.
    pub fn member(&self, ord: u32, doc: DocId) -> Member {
        let serial = self.serial.first(doc).unwrap_or(u64::MAX);
        Member {
            addr: DocAddress::new(ord, doc),
            cluster: self.cluster.first(doc).unwrap_or(serial),
            serial,
            date: self.date.first(doc).map(|d| d.into_timestamp_secs()),
        }
    }
}

/// Segments kept before the cache starts over (merges retire segments; a long-running server
/// would otherwise keep the columns of every segment it ever saw).
const MAX_SEGMENTS: usize = 512;

/// Columns by segment, shared by every session of an index.
#[derive(Default)]
pub(crate) struct ColumnCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>,
}

impl ColumnCache {
    /// The columns of `segment`, opened on first use.
    pub(crate) fn of(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
        let id = segment.segment_id();
        if let Some(columns) = self.lock().get(&id) {
            return Ok(Arc::clone(columns));
        }
        let fast = segment.fast_fields();
        let columns = Arc::new(SegmentColumns {
            cluster: fast.u64("cluster")?,
            serial: fast.u64(super::SERIAL_FIELD)?,
            date: fast.date("date")?,
            reference: fast.u64(super::REFERENCE_FIELD)?,
        });
        let mut segments = self.lock();
        if segments.len() >= MAX_SEGMENTS {
            segments.clear();
        }
        segments.insert(id, Arc::clone(&columns));
        Ok(columns)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentColumns>>> {
        // The map is consistent at every step: a panic elsewhere leaves it usable.
        self.segments
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
