//! Ranking a word's query by block maxima: the same page, scores and count as scoring every
//! passage that holds the word, with most of them never scored.
//!
//! A word's query is a sum of weighted terms, one per field that holds it (the text, the title,
//! the section), or the best of such sums when the word has other forms (aliases, spellings,
//! compounds that are one word), under the score adjustment; words joined by `OR` are the sum
//! of theirs. A term's postings come in blocks of 128 passages,
//! and tantivy stores beside each block the (length, frequency) pair that scores highest in it.
//! The passages are taken in windows that end where the first of the terms' current blocks
//! ends; once the page is full, a window whose best possible score (the blocks' bounds, summed
//! or taken at best as the query combines the terms) is below the score a passage needs to
//! enter is skipped: its passages are counted
//! (the count stays exact) but not scored. A common word holds tens of thousands of passages,
//! and the page needs ten.
//!
//! The stored pair is the best under the segment's own average field length, while scores use
//! the whole index's ([`Bm25Weight::for_terms`] over the searcher's statistics). For any
//! passage, BM25's length part under one average is within the ratio of the two averages of
//! the part under the other (its denominator is `tf + k1 * (1 - b + b * len / avg)`), so the
//! pair's score times `max(q, 1/q)`, `q` the ratio of the averages, bounds every passage of
//! the block; a thousandth more covers rounding. The score adjustments
//! ([`super::compile::adjust`]) only scale scores down, so a bound on the sum bounds the
//! adjusted score too.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::fastfield::AliveBitSet;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, Query};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TERMINATED};

use super::compile::adjust::{reference_flags, Adjusted};
use super::compile::score::passage_factor;
use super::compile::term::WeightedTerm;
use super::compile::union::TermTree;
use super::top::{TopPassages, TopPassagesOfSegment};

/// A query that can be ranked by block maxima: its terms as the query combines them, and which
/// of the terms are the passage text's, when the adjustment checks that the text matched.
pub(crate) struct Plan<'q> {
    tree: TermTree<'q>,
    text: Option<Vec<&'q WeightedTerm>>,
}

/// The plan of `query` when the whole query is made of weighted terms and this module's unions
/// under the score adjustment (no filter, phrase, prefix or required word), the text check, if
/// any, asking for some of those same terms.
pub(crate) fn plan(query: &dyn Query) -> Option<Plan<'_>> {
    let adjusted = query.downcast_ref::<Adjusted>()?;
    let tree = TermTree::of(&*adjusted.inner)?;
    let text = match &adjusted.text {
        None => None,
        Some(text) => {
            let text = match TermTree::of(&**text)? {
                TermTree::Max(_) => return None,
                sum => sum.terms(),
            };
            // Every term of the check must be one of the query's, to know where it matches.
            let terms = tree.terms();
            if !text.iter().all(|t| terms.iter().any(|q| q.term == t.term)) {
                return None;
            }
            Some(text)
        }
    };
    Some(Plan { tree, text })
}

/// A ranking by block maxima.
pub(crate) struct Pruned {
    /// The page: (score, passage), best first.
    pub top: Vec<(Score, DocAddress)>,
    /// How many live passages match.
    pub total: usize,
    /// How many of them were scored (the rest were in blocks that could not reach the page).
    #[cfg_attr(not(test), allow(dead_code))]
    pub scored: usize,
}

/// The page `top` collects for `plan`, and how many live passages match: what the query's
/// ordinary scoring gives, to the bit; `None` when a term weighs less than nothing, which
/// block maxima cannot bound, or its field keeps no frequencies (the query is then scored the
/// ordinary way; neither happens with the compiler's queries on dossier's schema).
pub(crate) fn rank(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    top: &TopPassages<'_>,
    plan: &Plan<'_>,
) -> tantivy::Result<Option<Pruned>> {
    let docs = stats.total_num_docs()?;
    let mut terms = Vec::new();
    for term in plan.tree.terms() {
        let field = term.term.field();
        // Block maxima and scores need the terms' frequencies (every text field keeps them).
        let has_freqs = searcher
            .schema()
            .get_field_entry(field)
            .field_type()
            .get_index_record_option()
            .is_some_and(|option| option.has_freq());
        if !has_freqs {
            return Ok(None);
        }
        // As tantivy's term weight: statistics of the whole view, the weights as the boost.
        let bm25 =
            Bm25Weight::for_terms(stats, std::slice::from_ref(&term.term))?.boost_by(term.boost());
        // A weight below zero (the compiler's rarity weights are above it) would make a
        // block's best pair its worst: such a term is scored the ordinary way.
        let best = bm25.max_score();
        if best.is_nan() || best < 0.0 {
            return Ok(None);
        }
        let average = if docs == 0 {
            0.0
        } else {
            stats.total_num_tokens(field)? as Score / docs as Score
        };
        terms.push(TermScoring {
            term,
            bm25,
            average,
            text: plan
                .text
                .as_ref()
                .is_some_and(|text| text.iter().any(|t| t.term == term.term)),
        });
    }
    let query = QueryScoring {
        terms,
        program: steps(&plan.tree),
        checks_text: plan.text.is_some(),
    };
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    let (mut total, mut scored) = (0, 0);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut segment = top.for_segment(ord as u32, reader)?;
        let (count, scores) = rank_segment(reader, &query, &mut segment)?;
        total += count;
        scored += scores;
        fruits.push(segment.harvest());
    }
    Ok(Some(Pruned {
        top: top.merge_fruits(fruits)?,
        total,
        scored,
    }))
}

/// A step of a [`TermTree`]'s score, the tree taken children first: a term's score, or the
/// sum or best of the last `n` results (in order).
#[derive(Debug, Clone, Copy)]
enum Step {
    Term(usize),
    Sum(usize),
    Max(usize),
}

/// The steps that score `tree`, its terms numbered depth first.
fn steps(tree: &TermTree<'_>) -> Vec<Step> {
    fn push(tree: &TermTree<'_>, next: &mut usize, out: &mut Vec<Step>) {
        match tree {
            TermTree::Term(_) => {
                out.push(Step::Term(*next));
                *next += 1;
            }
            TermTree::Sum(children) | TermTree::Max(children) => {
                for child in children {
                    push(child, next, out);
                }
                out.push(match tree {
                    TermTree::Sum(_) => Step::Sum(children.len()),
                    _ => Step::Max(children.len()),
                });
            }
        }
    }
    let mut out = Vec::new();
    push(tree, &mut 0, &mut out);
    out
}

/// What scores a plan's query in every segment, made once per query.
struct QueryScoring<'q> {
    /// The terms, depth first, as the program numbers them.
    terms: Vec<TermScoring<'q>>,
    program: Vec<Step>,
    /// Whether the adjustment checks that the passage text matched.
    checks_text: bool,
}

/// One term's weight and the view's average length of its field.
struct TermScoring<'q> {
    term: &'q WeightedTerm,
    bm25: Bm25Weight,
    average: Score,
    /// Whether the term is the passage text's (for the adjustment's text check).
    text: bool,
}

/// One term's postings in one segment, a block at a time.
struct Cursor<'w> {
    postings: BlockSegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: &'w Bm25Weight,
    slack: Score,
    /// The next passage's place in the current block.
    at: usize,
    /// Passages in the blocks before the current one.
    before: u32,
    doc_freq: u32,
    /// Whether the term is the passage text's (for the adjustment's text check).
    text: bool,
}

impl Cursor<'_> {
    /// The passage the cursor is on, if any is left.
    fn doc(&self) -> Option<DocId> {
        self.postings.docs().get(self.at).copied()
    }

    /// The last passage of the current block, if any passage is left.
    fn block_end(&self) -> Option<DocId> {
        self.doc()?;
        self.postings.docs().last().copied()
    }

    fn bound(&mut self) -> Score {
        self.postings.block_max_score(&self.fieldnorms, self.bm25) * self.slack
    }

    fn score(&self) -> Score {
        let doc = self.postings.docs()[self.at];
        let freq = self.postings.freqs()[self.at];
        self.bm25.score(self.fieldnorms.fieldnorm_id(doc), freq)
    }

    /// Moves past the current passage (to the next block after the last of one; past the
    /// last block, [`Cursor::doc`] is `None`).
    fn next(&mut self) {
        self.at += 1;
        let len = self.postings.docs().len();
        if self.at == len && self.before + (len as u32) < self.doc_freq {
            self.before += len as u32;
            self.at = 0;
            self.postings.advance();
        }
    }
}

/// Collects the passages of one segment that can enter the page; returns how many live
/// passages match there, and how many of them were scored.
fn rank_segment(
    reader: &SegmentReader,
    query: &QueryScoring<'_>,
    top: &mut TopPassagesOfSegment,
) -> tantivy::Result<(usize, usize)> {
    // One cursor a term of the tree, depth first; none for a term the segment lacks.
    let mut cursors = Vec::with_capacity(query.terms.len());
    for scoring in &query.terms {
        let term = scoring.term;
        let field = term.term.field();
        let inverted = reader.inverted_index(field)?;
        let Some(info) = inverted.get_term_info(&term.term)? else {
            cursors.push(None);
            continue;
        };
        let fieldnorms = match reader.fieldnorms_readers().get_field(field)? {
            Some(fieldnorms) => fieldnorms,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        cursors.push(Some(Cursor {
            postings: inverted
                .read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?,
            fieldnorms,
            bm25: &scoring.bm25,
            slack: bound_slack(
                inverted.total_num_tokens(),
                reader.max_doc(),
                scoring.average,
            ),
            at: 0,
            before: 0,
            doc_freq: info.doc_freq,
            text: scoring.text,
        }));
    }
    let reference = reference_flags(reader);
    let reference = reference.as_deref();
    let alive = reader.alive_bitset();
    let checks_text = query.checks_text;
    if cursors.iter().flatten().count() == 1 {
        // One term in this segment: its score is the query's (a sum or best of one, scores
        // being at least 0).
        let cursor = cursors.iter_mut().flatten().next().expect("one cursor");
        return Ok(rank_one(cursor, reference, alive, checks_text, top));
    }
    // The passage each cursor is on (`TERMINATED`: none left), kept beside the cursors.
    let mut heads: Vec<DocId> = cursors
        .iter()
        .map(|c| c.as_ref().and_then(Cursor::doc).unwrap_or(TERMINATED))
        .collect();
    let mut stack = Vec::with_capacity(query.program.len());
    let (mut count, mut scored) = (0, 0);
    // A window at a time: up to the end of the first current block to end.
    while let Some(end) = cursors.iter().flatten().filter_map(Cursor::block_end).min() {
        let skip = match top.entry_score() {
            Some(entry) => {
                let bound = run(&query.program, &mut stack, |i| match &mut cursors[i] {
                    Some(cursor) if heads[i] <= end => Some(cursor.bound()),
                    _ => None,
                });
                bound.unwrap_or(0.0) < entry
            }
            None => false,
        };
        // The window's passages in order, each scored as the query's unions would.
        loop {
            let doc = heads.iter().copied().min().unwrap_or(TERMINATED);
            if doc > end {
                break;
            }
            let score = if skip {
                None
            } else {
                run(&query.program, &mut stack, |i| {
                    (heads[i] == doc).then(|| cursors[i].as_ref().map_or(0.0, Cursor::score))
                })
            };
            let mut text_matched = false;
            for (cursor, head) in cursors.iter_mut().zip(heads.iter_mut()) {
                if *head == doc {
                    let cursor = cursor.as_mut().expect("a head has its cursor");
                    text_matched |= cursor.text;
                    cursor.next();
                    *head = cursor.doc().unwrap_or(TERMINATED);
                }
            }
            if alive.is_some_and(|alive| !alive.is_alive(doc)) {
                continue;
            }
            count += 1;
            if let Some(score) = score {
                scored += 1;
                let reference = reference.is_some_and(|c| c.get_val(doc) == 1);
                let factor = passage_factor(reference, checks_text.then_some(text_matched));
                top.collect(doc, score * factor);
            }
        }
    }
    Ok((count, scored))
}

/// [`rank_segment`] for a segment where one term of the query has passages, a block at a time;
/// returns how many live passages match and how many were scored.
fn rank_one(
    cursor: &mut Cursor<'_>,
    reference: Option<&dyn ColumnValues<u64>>,
    alive: Option<&AliveBitSet>,
    checks_text: bool,
    top: &mut TopPassagesOfSegment,
) -> (usize, usize) {
    let text_matched = checks_text.then_some(cursor.text);
    let (mut count, mut scored) = (0, 0);
    loop {
        let skip = top
            .entry_score()
            .is_some_and(|entry| cursor.bound() < entry);
        let docs = cursor.postings.docs();
        if skip {
            count += match alive {
                None => docs.len(),
                Some(alive) => docs.iter().filter(|&&doc| alive.is_alive(doc)).count(),
            };
        } else {
            for (&doc, &freq) in docs.iter().zip(cursor.postings.freqs()) {
                if alive.is_some_and(|alive| !alive.is_alive(doc)) {
                    continue;
                }
                count += 1;
                scored += 1;
                let score = cursor.bm25.score(cursor.fieldnorms.fieldnorm_id(doc), freq);
                let reference = reference.is_some_and(|c| c.get_val(doc) == 1);
                top.collect(doc, score * passage_factor(reference, text_matched));
            }
        }
        cursor.before += docs.len() as u32;
        if docs.is_empty() || cursor.before >= cursor.doc_freq {
            return (count, scored);
        }
        cursor.postings.advance();
    }
}

/// Runs `program` on the values `term` gives its terms (`None`: the term does not take part):
/// a sum adds, from 0 and in order, the results that are there; a best takes the greatest of
/// them, from 0 (both as the unions of [`super::compile::union`] do); `None` when no term
/// takes part. `stack` is scratch space.
fn run(
    program: &[Step],
    stack: &mut Vec<Option<Score>>,
    mut term: impl FnMut(usize) -> Option<Score>,
) -> Option<Score> {
    stack.clear();
    for &step in program {
        match step {
            Step::Term(i) => stack.push(term(i)),
            Step::Sum(n) | Step::Max(n) => {
                let from = stack.len() - n;
                let mut result: Option<Score> = None;
                for value in stack[from..].iter().flatten() {
                    let so_far = result.unwrap_or(0.0);
                    result = Some(match step {
                        Step::Sum(_) => so_far + value,
                        _ => Score::max(*value, so_far),
                    });
                }
                stack.truncate(from);
                stack.push(result);
            }
        }
    }
    stack.pop().flatten()
}

/// How much a block's stored best score is widened to bound every passage of the block (see
/// the module docs): `max(q, 1/q)` for `q` the ratio of the segment's average field length
/// (`tokens` over `docs`) to the view's `average`, and a thousandth more.
fn bound_slack(tokens: u64, docs: u32, average: Score) -> Score {
    let segment = if docs == 0 {
        0.0
    } else {
        tokens as Score / docs as Score
    };
    let ratio = if segment > 0.0 && average > 0.0 {
        let q = segment / average;
        q.max(1.0 / q)
    } else {
        // No averages to compare: no block is ever skipped.
        Score::INFINITY
    };
    ratio * 1.001
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;

    use super::*;
    use crate::index::DossierIndex;
    use crate::search::{top_passages, SearchRequest, SearchSession};
    use crate::testing::{delete_passages, upsert};

    /// A text of `paragraphs` paragraphs, some with `sanctions` (up to four times), of lengths
    /// that vary with `seed` (each document its own average length, so that the segments'
    /// averages differ), some repeated word for word (ties).
    fn text(seed: usize, paragraphs: usize) -> String {
        let filler = "the council met again to weigh the measures before it";
        let mut out = if seed == 0 {
            "# Sanctions review\n\n".to_owned()
        } else {
            format!("# Review {seed}\n\n")
        };
        for i in 0..paragraphs {
            if i % 120 == 0 {
                out.push_str(&format!("## Sanctions round {i}\n\n"));
            } else if i % 60 == 0 {
                out.push_str(&format!("## Round {i}\n\n"));
            }
            let k = (i * 7 + seed * 13) % 11;
            if k < 6 {
                for _ in 0..=(k % 4) {
                    out.push_str("sanctions ");
                }
            }
            for _ in 0..=((i * 3 + seed) % (2 + seed % 5)) {
                out.push_str(filler);
                out.push(' ');
            }
            // `embargo`: often in a few short passages at each document's start, once in
            // every other passage after them (the page is all early passages).
            if i < 16 {
                out.push_str("embargo embargo embargo embargo embargo embargo. ");
            } else if i % 2 == 0 {
                out.push_str("embargo ");
            }
            let label = if i % 3 == 0 { "item" } else { "entry" };
            out.push_str(&format!("{label} {} of {}.\n\n", i % 9, seed % 3));
        }
        out
    }

    #[test]
    fn block_maxima_rank_and_count_as_scoring_every_passage() {
        let index = DossierIndex::create_in_ram();
        // One segment a document, of different average lengths.
        for seed in 0..5 {
            upsert(
                &index,
                &[(&format!("doc{seed}.md"), &text(seed, 700 + 97 * seed))],
            );
        }
        // Some passages of every document deleted (their segments stay, with deletions).
        delete_passages(&index, &[1, 3, 4, 5, 130, 200, 201]);
        let session = SearchSession::new(&index).unwrap();
        let searcher = session.searcher();
        assert!(searcher.segment_readers().len() >= 5);
        assert!(searcher
            .segment_readers()
            .iter()
            .any(|r| r.alive_bitset().is_some()));
        let stats = session.stats();
        // A word in the text, the title and sections (with the heading-only adjustment), a
        // word in the text only, and words joined by OR.
        for (q, least) in [
            ("sanctions", 1500),
            ("measures", 3500),
            ("measures OR item", 3500),
            ("sanctions OR item", 2000),
            ("sanction*", 1500),
            ("embargo", 1800),
            ("entr* OR sanctions", 2500),
        ] {
            let query = session
                .matching_query(&SearchRequest::new(q, 10))
                .unwrap()
                .unwrap()
                .query;
            let plan = plan(&*query).expect("a word's terms");
            for (limit, offset) in [(1, 0), (10, 0), (10, 40), (50, 0), (128, 3), (5000, 0)] {
                let top = top_passages(&index, limit, offset);
                let (expected, expected_count) = searcher
                    .search_with_statistics_provider(&*query, &(top, Count), &stats)
                    .unwrap();
                let top = top_passages(&index, limit, offset);
                let pruned = rank(searcher, &stats, &top, &plan)
                    .unwrap()
                    .expect("ranked by block maxima");
                assert!(expected_count > least, "{q}: {expected_count}");
                assert_eq!(
                    pruned.total, expected_count,
                    "{q}: limit {limit}, offset {offset}"
                );
                assert_eq!(pruned.top, expected, "{q}: limit {limit}, offset {offset}");
                // A short page of `embargo` leaves most passages unscored.
                if q == "embargo" && limit + offset <= 10 {
                    assert!(pruned.scored * 2 < pruned.total, "{q}: {}", pruned.scored);
                }
            }
        }
        // The headings took part: `sanctions` searched three fields, with the text check.
        let query = session
            .matching_query(&SearchRequest::new("sanctions", 10))
            .unwrap()
            .unwrap()
            .query;
        let plan = plan(&*query).unwrap();
        assert_eq!(plan.tree.terms().len(), 3);
        assert_eq!(plan.text.map(|t| t.len()), Some(1));
    }

    #[test]
    fn a_block_is_bounded_under_the_whole_index_average_length() {
        // Short passages in one segment, long ones in another: the first segment's average
        // passage is far shorter than the index's. There, a block's stored best pair (one
        // `sanctions` in a short passage) is not the best under the index's average, where
        // three in a longer passage score higher: a bound without the ratio of the averages
        // would skip the later blocks and miss their passages.
        let mut short = String::new();
        for i in 0..1024 {
            short.push_str(&match (i < 512, i % 2) {
                (_, 0) => format!("Sanctions lifted {i}.\n\n"),
                (true, _) => format!("Sanctions and sanctions were discussed at length {i}.\n\n"),
                (false, _) => format!(
                    "Sanctions, sanctions and sanctions were discussed at length by the \
                     council today and again tomorrow in the great hall with delegates {i}.\n\n"
                ),
            });
        }
        let filler = "the assembly heard the delegates of many nations speak of peace ";
        let mut long = String::new();
        for i in 0..600 {
            long.push_str(&format!("Sanctions {i} {}.\n\n", filler.repeat(12)));
        }
        let index = DossierIndex::create_in_ram();
        upsert(&index, &[("short.md", &short)]);
        upsert(&index, &[("long.md", &long)]);
        let session = SearchSession::new(&index).unwrap();
        let searcher = session.searcher();
        let query = session
            .matching_query(&SearchRequest::new("sanctions", 10))
            .unwrap()
            .unwrap()
            .query;
        let plan = plan(&*query).expect("a word's terms");
        let stats = session.stats();
        let (expected, _) = searcher
            .search_with_statistics_provider(&*query, &(top_passages(&index, 10, 0), Count), &stats)
            .unwrap();
        let pruned = rank(searcher, &stats, &top_passages(&index, 10, 0), &plan)
            .unwrap()
            .unwrap();
        assert_eq!(pruned.total, 1624);
        assert_eq!(pruned.top, expected);
        // The best are the passages with three `sanctions`, all in the later blocks.
        let first = index.load_passage(searcher, expected[0].1).unwrap();
        assert!(
            first.text.starts_with("Sanctions, sanctions and"),
            "{}",
            first.text
        );
        assert!(first.paragraph > 512, "{}", first.paragraph);
    }

    #[test]
    fn only_words_and_their_forms_are_ranked_by_block_maxima() {
        let index = DossierIndex::create_in_ram();
        upsert(&index, &[("brief.md", &text(3, 50))]);
        let session = SearchSession::new(&index).unwrap();
        let lone = |q: &str| {
            let query = session
                .matching_query(&SearchRequest::new(q, 10))
                .unwrap()
                .unwrap()
                .query;
            plan(&*query).is_some()
        };
        assert!(lone("sanctions"));
        assert!(lone("sanctions OR council"));
        assert!(!lone("sanctions council"));
        assert!(!lone("\"council met\""));
        assert!(!lone("sanctions -council"));
        // A prefix's words are the best of its terms.
        assert!(lone("sanction*"));
        assert!(lone("sanction* OR item"));
    }

    #[test]
    fn the_bound_widens_by_the_ratio_of_average_lengths() {
        assert!((bound_slack(100, 10, 10.0) - 1.001).abs() < 1e-6);
        assert!((bound_slack(200, 10, 10.0) - 2.002).abs() < 1e-5);
        assert!((bound_slack(50, 10, 10.0) - 2.002).abs() < 1e-5);
        assert!(bound_slack(0, 10, 10.0).is_infinite());
        assert!(bound_slack(10, 0, 10.0).is_infinite());
    }
}
