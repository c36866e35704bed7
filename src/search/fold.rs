//! Folding copies: a passage syndicated by many outlets (or repeated, near enough, by another
//! document) is one result, not twenty.
//!
//! Passages of one copy cluster (see `index::copies`: assigned at ingest) fold under the
//! best-ranked of them: it is the hit, the others are its [`Copies`], and they are neither hits
//! of their own nor counted against the page (more hits are fetched until the page is full, as
//! grouping by document does). Its copies are every other matching passage of the cluster, not
//! only those near it in the ranking, listed earliest-dated first (undated last, then in ingest
//! order). `total_hits` still counts passages. [`SearchOptions::fold`](super::SearchOptions::fold)
//! off shows every copy as a hit of its own.

use std::collections::{BTreeMap, HashMap, HashSet};

use tantivy::query::{BooleanQuery, Occur, TermSetQuery};
use tantivy::{DocAddress, Term};

use super::SearchSession;
use super::{Hit, MatchMode, QueryExpr, Ranked, SearchError, SearchRequest};
use crate::index::copies::Member;
use crate::index::{BucketField, BucketKey};
use crate::model::Passage;

/// A bucket's copy clusters: cluster → its members as (serial, document id), in ingest order.
type ClusterMembers<'a> = HashMap<u64, Vec<(u64, &'a str)>>;

/// Copies listed per hit (all are counted).
pub const MAX_LISTED: usize = 50;

/// The most passages a folded ranking fetches to fill its page.
const MAX_FETCH: usize = 100_000;

/// How many passages of the ranking folding looks at first to fill the page of `request`
/// (twice the page and its offset: most passages have no copy above them).
pub(super) fn first_fetch(request: &SearchRequest) -> usize {
    ((request.offset + request.limit) * 2).clamp(50, MAX_FETCH)
}

/// The other matching passages of a hit's copy cluster, folded under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Copies {
    /// How many there are (all of them, not only those listed).
    pub total: usize,
    /// Up to [`MAX_LISTED`] of them, earliest-dated first (then in ingest order).
    pub passages: Vec<Passage>,
}

impl SearchSession<'_> {
    /// The page of hits with copies folded under the best-ranked passage of their cluster;
    /// `ranked` holds the first [`first_fetch`] passages of the ranking.
    pub(super) fn folded_hits(
        &self,
        request: &SearchRequest,
        expr: &QueryExpr,
        mode: MatchMode,
        ranked: &Ranked,
    ) -> Result<Vec<Hit>, SearchError> {
        let wanted = request.offset + request.limit;
        let mut fetch = first_fetch(request);
        let mut fetched = ranked.top.clone();
        let top = loop {
            let fetched_all = fetched.len() < fetch;
            let folded = self.fold_ranked(fetched)?;
            if folded.len() >= wanted || fetched_all || fetch >= MAX_FETCH {
                break folded;
            }
            fetch = (fetch * 4).min(MAX_FETCH);
            let Some(more) = self.rank(&request.first(fetch), expr, mode)? else {
                return Ok(Vec::new());
            };
            fetched = more.top;
        };
        let mut lighting = super::Lighting::new(&ranked.compiled.matchers);
        let mut hits = Vec::new();
        let mut placed = Vec::new();
        for (i, &(score, addr, cluster)) in top
            .iter()
            .enumerate()
            .skip(request.offset)
            .take(request.limit)
        {
            hits.push(self.hit(request, ranked, score, addr, i + 1, &mut lighting)?);
            placed.push((addr, cluster));
        }
        let copies = self.copies_of(ranked, &placed)?;
        for (hit, copies) in hits.iter_mut().zip(copies) {
            hit.copies = copies;
        }
        Ok(hits)
    }

    /// `top` (in rank order) without the passages of a cluster already seen higher up, each with
    /// its cluster.
    pub(super) fn fold_ranked(
        &self,
        top: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<(f32, DocAddress, u64)>, SearchError> {
        let addrs: Vec<DocAddress> = top.iter().map(|&(_, a)| a).collect();
        let keys = self.index.copy_keys_of(&self.searcher, &addrs)?;
        let mut seen = HashSet::with_capacity(top.len());
        Ok(top
            .into_iter()
            .zip(keys)
            .filter(|(_, (cluster, _))| seen.insert(*cluster))
            .map(|((score, addr), (cluster, _))| (score, addr, cluster))
            .collect())
    }

    /// For each placed passage (its address and cluster), the other matching passages of its
    /// cluster: one pass over the query's matches for all of them.
    pub(super) fn copies_of(
        &self,
        ranked: &Ranked,
        placed: &[(DocAddress, u64)],
    ) -> Result<Vec<Option<Copies>>, SearchError> {
        if placed.is_empty() {
            return Ok(Vec::new());
        }
        let clusters: HashSet<u64> = placed.iter().map(|&(_, c)| c).collect();
        let members =
            self.index
                .members(&self.searcher, &*ranked.compiled.query, Some(&clusters))?;
        let mut by_cluster: HashMap<u64, Vec<Member>> = HashMap::new();
        for m in members {
            by_cluster.entry(m.cluster).or_default().push(m);
        }
        let mut out = Vec::with_capacity(placed.len());
        for &(addr, cluster) in placed {
            let mut others: Vec<Member> = by_cluster
                .get(&cluster)
                .map(|m| m.iter().filter(|m| m.addr != addr).copied().collect())
                .unwrap_or_default();
            if others.is_empty() {
                out.push(None);
                continue;
            }
            others.sort_by_key(|m| (m.date.is_none(), m.date, m.serial));
            let passages = others
                .iter()
                .take(MAX_LISTED)
                .map(|m| self.index.load_passage(&self.searcher, m.addr))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Some(Copies {
                total: others.len(),
                passages,
            }));
        }
        Ok(out)
    }

    /// Grouped hits: the copies of each hit and of each passage of its group, `placed` holding
    /// their addresses in that order.
    pub(super) fn fold_into_groups(
        &self,
        ranked: &Ranked,
        hits: &mut [Hit],
        placed: &[DocAddress],
    ) -> Result<(), SearchError> {
        let keys = self.index.copy_keys_of(&self.searcher, placed)?;
        let placed: Vec<(DocAddress, u64)> = placed
            .iter()
            .zip(keys)
            .map(|(&addr, (cluster, _))| (addr, cluster))
            .collect();
        let mut copies = self.copies_of(ranked, &placed)?.into_iter();
        for hit in hits {
            hit.copies = copies.next().flatten();
            if let Some(group) = &mut hit.group {
                for passage in &mut group.passages {
                    passage.copies = copies.next().flatten();
                }
            }
        }
        Ok(())
    }

    /// Trend counts with each copy cluster counted once per bucket (`counts` are the plain
    /// histogram's documents and passages per bucket, among the passages `matching` matches).
    ///
    /// In a bucket, a cluster's matching passages are represented by the earliest ingested of
    /// them; the others are copies. A bucket's **passages** count each cluster once, and its
    /// **documents** leave out every document whose matching passages in the bucket are all
    /// copies of passages of earlier-ingested documents of the same bucket. A bucket with no
    /// copies keeps its counts.
    pub(super) fn count_copies_once(
        &self,
        matching: &dyn tantivy::query::Query,
        field: &BucketField,
        counts: &mut BTreeMap<BucketKey, (u64, u64)>,
    ) -> Result<(), SearchError> {
        let members = self.index.members(&self.searcher, matching, None)?;
        let mut sizes: HashMap<u64, usize> = HashMap::new();
        for m in &members {
            *sizes.entry(m.cluster).or_default() += 1;
        }
        let copied: Vec<Member> = members
            .into_iter()
            .filter(|m| sizes[&m.cluster] > 1)
            .collect();
        if copied.is_empty() {
            return Ok(());
        }
        let addrs: Vec<DocAddress> = copied.iter().map(|m| m.addr).collect();
        let buckets = self.index.bucket_keys_of(&self.searcher, &addrs, field)?;
        let doc_ids = self.index.doc_ids(&self.searcher, &addrs)?;
        // Per bucket and cluster, the members in ingest order.
        let mut by_bucket: BTreeMap<&BucketKey, ClusterMembers> = BTreeMap::new();
        for ((m, keys), doc_id) in copied.iter().zip(&buckets).zip(&doc_ids) {
            for key in keys {
                by_bucket
                    .entry(key)
                    .or_default()
                    .entry(m.cluster)
                    .or_default()
                    .push((m.serial, doc_id.as_str()));
            }
        }
        // A document is left out of a bucket when none of its matching passages there is the
        // first of its cluster: those documents, with the copies they hold.
        let mut doubtful: BTreeMap<&BucketKey, HashMap<&str, usize>> = BTreeMap::new();
        let mut firsts: BTreeMap<&BucketKey, HashSet<&str>> = BTreeMap::new();
        for (&key, clusters) in &mut by_bucket {
            let mut extra = 0u64;
            for members in clusters.values_mut() {
                members.sort_unstable();
                extra += members.len() as u64 - 1;
                firsts.entry(key).or_default().insert(members[0].1);
                for &(_, doc) in &members[1..] {
                    *doubtful.entry(key).or_default().entry(doc).or_default() += 1;
                }
            }
            if let Some(count) = counts.get_mut(key) {
                count.1 = count.1.saturating_sub(extra);
            }
        }
        if doubtful.is_empty() {
            return Ok(());
        }
        // The matching passages of the doubtful documents, per bucket: a document with any
        // passage that is not a copy still counts.
        let docs: HashSet<&str> = doubtful.values().flat_map(|d| d.keys().copied()).collect();
        let query = BooleanQuery::new(vec![
            (Occur::Must, matching.box_clone()),
            (
                Occur::Must,
                Box::new(TermSetQuery::new(
                    docs.iter()
                        .map(|d| Term::from_field_text(self.index.fields().doc_id, d)),
                )),
            ),
        ]);
        let theirs = self.index.members(&self.searcher, &query, None)?;
        let their_addrs: Vec<DocAddress> = theirs.iter().map(|m| m.addr).collect();
        let their_buckets = self
            .index
            .bucket_keys_of(&self.searcher, &their_addrs, field)?;
        let their_docs = self.index.doc_ids(&self.searcher, &their_addrs)?;
        let mut matched: BTreeMap<(&BucketKey, &str), usize> = BTreeMap::new();
        for (keys, doc) in their_buckets.iter().zip(&their_docs) {
            for key in keys {
                *matched.entry((key, doc.as_str())).or_default() += 1;
            }
        }
        for (key, docs) in &doubtful {
            let mut left_out = 0u64;
            for (doc, copies) in docs {
                let first_somewhere = firsts.get(key).is_some_and(|f| f.contains(doc));
                let all = matched.get(&(*key, *doc)).copied().unwrap_or(0);
                if !first_somewhere && *copies >= all {
                    left_out += 1;
                }
            }
            if let Some(count) = counts.get_mut(*key) {
                count.0 = count.0.saturating_sub(left_out);
            }
        }
        Ok(())
    }
}
