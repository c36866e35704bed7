//! Quotations: "did X really say this?" A quotation from a news piece, trimmed with `…`, a word
//! or two changed or dropped, respelled, repunctuated, leads to the passages that hold it or
//! something close to it, with the differences.
//!
//! Two steps:
//! 1. **Candidates**: the passages that hold the quote's rarest words (a disjunction of their
//!    index terms, ranked by BM25), with the search's filters.
//! 2. **Alignment**: the quote's words against each candidate's words, in order (Gotoh's affine
//!    gaps: a run of dropped words costs less than as many separate ones). Words are compared as
//!    the index analyzer reads them, with British and American spellings brought to one form
//!    ([`WordAnalyzer::spelling_stem`]): case, punctuation, curly quotes, possessives,
//!    inflections and spellings never make a difference; two names of one alias group
//!    (`Qaddafi`, `Gaddafi`; `United States`, `US`) align as one step. The alignment is global in
//!    the quote (every quote word is matched, changed or added) and local in the passage (it may
//!    start and end anywhere); at a `…` of the quote it may skip any stretch of the passage for
//!    free, so each piece matches in order with gaps between.
//!
//! A quote that runs from the end of one passage into the next (a paragraph boundary, or a long
//! paragraph split at a sentence) is aligned against the two passages joined, when the best
//! alignment in one stops at its edge with quote words left over; the hit is the passage where
//! the quote starts, and [`QuoteHit::continues`] the one it runs on into.
//!
//! Coverage is the share of the quote's words found in order (same word, or another form of
//! it). The differences are the aligned pairs that are not the same word: changed words, words
//! the quote adds, source words it drops without a `…`, and variants (another form of the same
//! word, shown but not counted against coverage).

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

use super::aliases::{AliasTable, MAX_NAME_WORDS};
use super::{Filter, Hit, QueryError, SearchError, SearchSession};
use crate::index::analyzer::{is_all_caps, QueryForm, Word, WordAnalyzer};
use crate::index::IndexError;
use crate::model::Passage;

/// At most this many of the quote's words (the rarest) retrieve candidates.
pub const MAX_RETRIEVAL_TERMS: usize = 16;
/// Words of a shingle: a run of the quote's words retrieved as a phrase.
const SHINGLE: usize = 3;
/// At most this many shingles (the rarest, not overlapping) retrieve candidates.
const MAX_SHINGLES: usize = 8;
/// The longest quote read, in words.
pub const MAX_QUOTE_WORDS: usize = 1_000;

/// What a matched stop word counts for, against 1 for any other word.
const STOPWORD_WEIGHT: f32 = 0.5;
/// What another form of the same word counts for, as a share of the word.
const VARIANT_SHARE: f32 = 0.9;
/// The cost of one word changed into another.
const CHANGE_COST: f32 = 0.6;
/// A run of quote words the source does not have: opening it, and each word (by its weight).
const ADD_OPEN: f32 = 0.5;
const ADD_EACH: f32 = 0.3;
/// A run of source words the quote leaves out (without a `…`): opening it, and each word.
const DROP_OPEN: f32 = 0.5;
const DROP_EACH: f32 = 0.1;
/// Quote words left over at an edge of a passage that make the next (or previous) passage worth
/// aligning too.
const RUN_ON_WORDS: usize = 2;

/// A quotation to look for.
#[derive(Debug, Clone)]
pub struct QuoteRequest {
    pub quote: String,
    /// Filters as for a search (`--source`, `--since`, `--until`, `--where`).
    pub filters: Vec<Filter>,
    pub limit: usize,
    pub options: QuoteOptions,
}

impl QuoteRequest {
    /// The best `limit` passages for `quote`, with default options.
    pub fn new(quote: impl Into<String>, limit: usize) -> QuoteRequest {
        QuoteRequest {
            quote: quote.into(),
            filters: Vec::new(),
            limit,
            options: QuoteOptions::default(),
        }
    }
}

/// How a quotation is looked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteOptions {
    /// Align names through the alias table (`--no-aliases` turns it off).
    pub aliases: bool,
    /// Passages with a smaller share of the quote's words are not hits.
    pub min_coverage: f32,
    /// How many candidate passages are aligned.
    pub candidates: usize,
}

impl Default for QuoteOptions {
    fn default() -> QuoteOptions {
        QuoteOptions {
            aliases: true,
            min_coverage: 0.5,
            candidates: 100,
        }
    }
}

/// How a quote and its source differ at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// Quote words where the source has other words.
    Changed,
    /// Quote words the source does not have (`source` is empty).
    Added,
    /// Source words the quote leaves out without marking it with `…` (`quote` is empty).
    Dropped,
    /// The same word in another form: inflection, spelling, another name of an alias group.
    Variant,
}

/// One difference: the quote's words and the source's, as written (either may be empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub quote: String,
    pub source: String,
    pub kind: DifferenceKind,
}

/// The passage a quote runs on into, with the part of it that matched.
#[derive(Debug, Clone)]
pub struct Continuation {
    pub passage: Passage,
    pub highlights: Vec<(usize, usize)>,
}

/// A passage that holds the quote, or something close to it.
#[derive(Debug, Clone)]
pub struct QuoteHit {
    /// Rank, alignment score, the passage, and the matched span of each piece of the quote as
    /// highlights.
    pub hit: Hit,
    /// Share of the quote's words found in order (0..1).
    pub coverage: f32,
    /// Where quote and source differ, in quote order.
    pub differences: Vec<Difference>,
    /// The next passage, when the quote runs on into it.
    pub continues: Option<Continuation>,
}

/// The answer to a [`QuoteRequest`].
#[derive(Debug, Clone)]
pub struct QuoteResults {
    pub quote: String,
    /// Words of the quote (what coverage counts).
    pub words: usize,
    /// Candidate passages with at least the minimum coverage (not just this page).
    pub total_hits: usize,
    pub hits: Vec<QuoteHit>,
    /// How long the search took.
    pub took: std::time::Duration,
}

/// Looks for `request.quote` in the session's index.
pub fn quote(
    session: &SearchSession<'_>,
    request: &QuoteRequest,
) -> Result<QuoteResults, SearchError> {
    let started = std::time::Instant::now();
    let options = request.options;
    let aliases = options.aliases.then_some(&*session.aliases);
    let mut words = Words::new(aliases);
    let quote = words.quote(&request.quote);
    if quote.tokens.is_empty() {
        return Err(QueryError {
            message: "the quote has no words to look for (only punctuation or symbols)".into(),
            column: 1,
        }
        .into());
    }
    if quote.tokens.len() > MAX_QUOTE_WORDS {
        return Err(QueryError {
            message: format!(
                "the quote has {} words; at most {MAX_QUOTE_WORDS} are read",
                quote.tokens.len()
            ),
            column: 1,
        }
        .into());
    }
    let candidates = candidates(session, request, &quote)?;
    let mut aligner = Aligner::default();
    let mut found: Vec<Found> = Vec::new();
    for (rank, &(bm25, addr)) in candidates.iter().enumerate() {
        let passage = session.index.load_passage(&session.searcher, addr)?;
        let text = words.text(&passage.text, &quote, 0);
        let alignment = aligner.align(&quote, &text);
        let mut best = Found {
            window: vec![passage],
            text,
            alignment,
            bm25,
            rank,
        };
        // A quote left over at an edge may run on into the neighbouring passage.
        let (lead, trail) = best.alignment.unmatched_edges(best.text.tokens.len());
        for (before, left_over) in [(true, lead), (false, trail)] {
            if left_over < RUN_ON_WORDS || best.window.len() > 1 {
                continue;
            }
            let doc_id = best.window[0].doc_id.clone();
            let Some(neighbour) = neighbour(session, addr, &doc_id, before)? else {
                continue;
            };
            let (first, second) = if before {
                (neighbour, best.window[0].clone())
            } else {
                (best.window[0].clone(), neighbour)
            };
            let mut joined = words.text(&first.text, &quote, 0);
            joined.append(words.text(&second.text, &quote, 1));
            let alignment = aligner.align(&quote, &joined);
            if alignment.score > best.alignment.score && alignment.uses_both(&joined) {
                best = Found {
                    window: vec![first, second],
                    text: joined,
                    alignment,
                    bm25,
                    rank,
                };
            }
        }
        found.push(best);
    }
    // Best first; among equals, the retrieval's order.
    found.sort_by(|a, b| {
        b.alignment
            .score
            .total_cmp(&a.alignment.score)
            .then(b.bm25.total_cmp(&a.bm25))
            .then(a.rank.cmp(&b.rank))
    });
    let mut seen = std::collections::HashSet::new();
    let mut hits = Vec::new();
    let mut total = 0;
    for f in found {
        let coverage = f.alignment.coverage(quote.tokens.len());
        if coverage < options.min_coverage || coverage == 0.0 {
            continue;
        }
        if !seen.insert(f.window[0].passage_id.clone()) {
            continue;
        }
        total += 1;
        if hits.len() < request.limit {
            hits.push(f.into_hit(&quote, &request.quote, hits.len() + 1, coverage));
        }
    }
    Ok(QuoteResults {
        quote: request.quote.clone(),
        words: quote.tokens.len(),
        total_hits: total,
        hits,
        took: started.elapsed(),
    })
}

/// A candidate with its best alignment (on its own, or joined to a neighbour).
struct Found {
    /// The passage, and the next one when the quote runs on into it.
    window: Vec<Passage>,
    text: Text,
    alignment: Alignment,
    bm25: f32,
    rank: usize,
}

impl Found {
    fn into_hit(self, quote: &Text, quote_text: &str, rank: usize, coverage: f32) -> QuoteHit {
        let mut highlights = [Vec::new(), Vec::new()];
        for (owner, start, end) in self.alignment.spans(&self.text) {
            highlights[owner].push((start, end));
        }
        let differences = self
            .alignment
            .differences(quote, quote_text, &self.text, &self.window);
        let mut window = self.window.into_iter();
        let passage = window.next().expect("a window has a passage");
        let [first, second] = highlights;
        let continues = window.next().map(|passage| Continuation {
            passage,
            highlights: second,
        });
        QuoteHit {
            hit: Hit {
                rank,
                score: (self.alignment.score * 1000.0).round() / 1000.0,
                passage,
                highlights: first,
                title_highlights: Vec::new(),
                section_highlights: Vec::new(),
                explanation: None,
                group: None,
                copies: None,
            },
            coverage,
            differences,
            continues,
        }
    }
}

/// The candidates: passages with the quote's rarest words, by BM25; and passages with runs of
/// its words as they stand (its rarest [`SHINGLE`]-word phrases: a quote of common words, such
/// as a greeting every speech makes, is found by its wording); with the filters. In order:
/// those of both, then the others, each with its BM25 score for the words.
fn candidates(
    session: &SearchSession<'_>,
    request: &QuoteRequest,
    quote: &Text,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let fields = *session.index.fields();
    let mut doc_freqs: HashMap<&str, u64> = HashMap::new();
    for t in quote
        .retrieval
        .iter()
        .chain(quote.shingles.iter().flatten())
    {
        doc_freqs.entry(t).or_insert_with(|| {
            session
                .searcher
                .doc_freq(&Term::from_field_text(fields.body, t))
                .unwrap_or(0)
        });
    }
    let mut rare: Vec<(u64, &str)> = doc_freqs
        .iter()
        .filter(|(t, _)| quote.retrieval.iter().any(|r| r == *t))
        .map(|(t, df)| (*df, *t))
        .filter(|(df, _)| *df > 0)
        .collect();
    rare.sort();
    rare.truncate(MAX_RETRIEVAL_TERMS);
    if rare.is_empty() {
        return Ok(Vec::new());
    }
    let term_query = |t: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(fields.body, t),
            IndexRecordOption::WithFreqs,
        ))
    };
    let words = BooleanQuery::new(
        rare.iter()
            .map(|(_, t)| (Occur::Should, term_query(t)))
            .collect(),
    );
    // The rarest shingles, none overlapping another.
    let mut by_rarity: Vec<(u64, usize)> = quote
        .shingles
        .iter()
        .enumerate()
        .map(|(i, sh)| {
            (
                sh.iter().map(|t| doc_freqs[t.as_str()]).min().unwrap_or(0),
                i,
            )
        })
        .filter(|(df, _)| *df > 0)
        .collect();
    by_rarity.sort();
    let mut chosen: Vec<usize> = Vec::new();
    for (_, i) in by_rarity {
        if chosen.len() == MAX_SHINGLES {
            break;
        }
        if chosen.iter().all(|&c| c.abs_diff(i) >= SHINGLE) {
            chosen.push(i);
        }
    }
    let filtered = |query: Box<dyn Query>| -> Result<Box<dyn Query>, SearchError> {
        if request.filters.is_empty() {
            return Ok(query);
        }
        let mut clauses = vec![(Occur::Must, query)];
        for filter in &request.filters {
            clauses.push((Occur::Must, filter.query(&fields, &session.meta_keys)?));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    };
    let limit = request.options.candidates.max(1);
    let mut found = session
        .searcher
        .search(
            &filtered(Box::new(words))?,
            &super::top_passages(session.index, limit, 0),
        )
        .map_err(|e| index_error(session, e))?;
    // The shingles' passages, by the rarity of the shingles each holds (a phrase of common
    // words can be rare, and one with a rare word common: `post-2015 development`).
    let total = session.searcher.num_docs().max(1) as f32;
    let mut worded: HashMap<DocAddress, f32> = HashMap::new();
    for &i in &chosen {
        let terms = quote.shingles[i]
            .iter()
            .map(|t| Term::from_field_text(fields.body, t))
            .collect();
        let docs = session
            .searcher
            .search(
                &filtered(Box::new(PhraseQuery::new(terms)))?,
                &DocSetCollector,
            )
            .map_err(|e| index_error(session, e))?;
        let rarity = (total / docs.len().max(1) as f32).ln().max(0.0);
        for doc in docs {
            *worded.entry(doc).or_default() += rarity;
        }
    }
    let known: std::collections::HashSet<DocAddress> = found.iter().map(|&(_, a)| a).collect();
    let mut worded: Vec<(f32, DocAddress)> = worded
        .into_iter()
        .filter(|(a, _)| !known.contains(a))
        .map(|(a, score)| (score, a))
        .collect();
    worded.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    worded.truncate(limit / 2 + 1);
    found.extend(worded.into_iter().map(|(_, a)| (0.0, a)));
    Ok(found)
}

/// The passage before or after the one at `addr` (of document `doc_id`) in its document.
fn neighbour(
    session: &SearchSession<'_>,
    addr: DocAddress,
    doc_id: &str,
    before: bool,
) -> Result<Option<Passage>, SearchError> {
    let fields = *session.index.fields();
    let seq = session
        .searcher
        .segment_reader(addr.segment_ord)
        .fast_fields()
        .u64("seq")
        .ok()
        .and_then(|column| column.first(addr.doc_id));
    let Some(seq) = seq else {
        return Ok(None);
    };
    let seq = if before { seq - 1 } else { seq + 1 };
    if seq == 0 {
        return Ok(None);
    }
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.doc_id, doc_id),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(fields.seq, seq),
                IndexRecordOption::Basic,
            )),
        ),
    ]);
    let top = session
        .searcher
        .search(&query, &TopDocs::with_limit(1).order_by_score())
        .map_err(|e| index_error(session, e))?;
    match top.first() {
        Some(&(_, at)) => Ok(Some(session.index.load_passage(&session.searcher, at)?)),
        None => Ok(None),
    }
}

fn index_error(session: &SearchSession<'_>, source: tantivy::TantivyError) -> IndexError {
    IndexError::Tantivy {
        dir: session.index.display_dir(),
        source,
    }
}

// ---------------------------------------------------------------------------------------------
// Words as the alignment compares them

/// One word: what it is compared by, where it is.
#[derive(Debug, Clone, Copy)]
struct Token {
    /// Its spelling stem, interned: two words are the same word when their keys are equal.
    key: u32,
    /// Its exact form, interned: the same word in another form is a variant.
    form: u32,
    /// Which text of a window (0, or 1 for the passage a quote runs on into).
    owner: usize,
    start: usize,
    end: usize,
    weight: f32,
}

/// A run of words that is a name of an alias group: tokens `start..end`.
#[derive(Debug, Clone, Copy)]
struct Name {
    start: usize,
    end: usize,
    group: usize,
}

/// A text as tokens, with its names and (for a quote) where its `…` are.
#[derive(Debug, Default)]
struct Text {
    tokens: Vec<Token>,
    names: Vec<Name>,
    /// `gap_after[i]`: an ellipsis stands between token `i - 1` and token `i` (length n + 1).
    gap_after: Vec<bool>,
    /// For a quote: the index terms of its words, to retrieve candidates by.
    retrieval: Vec<String>,
    /// For a quote: the index terms of each run of [`SHINGLE`] words (no `…` inside), to
    /// retrieve candidates by as phrases.
    shingles: Vec<Vec<String>>,
    /// For a quote: the alias groups its names belong to.
    groups: Vec<usize>,
}

impl Text {
    /// Appends the tokens of another text of the window.
    fn append(&mut self, other: Text) {
        let shift = self.tokens.len();
        self.tokens.extend(other.tokens);
        self.names.extend(other.names.into_iter().map(|n| Name {
            start: n.start + shift,
            end: n.end + shift,
            group: n.group,
        }));
    }
}

/// Turns quotes and passages into tokens, with the analyzer and an interner shared by both.
struct Words<'a> {
    analyzer: WordAnalyzer,
    aliases: Option<&'a AliasTable>,
    ids: HashMap<String, u32>,
    words: Vec<Word>,
}

impl<'a> Words<'a> {
    fn new(aliases: Option<&'a AliasTable>) -> Words<'a> {
        Words {
            // A candidate's words are mostly words other quotes' candidates had.
            analyzer: WordAnalyzer::take_warm(),
            aliases,
            ids: HashMap::new(),
            words: Vec::new(),
        }
    }

    /// The quote: its tokens, names, ellipses and retrieval terms.
    fn quote(&mut self, quote: &str) -> Text {
        let mut text = self.tokens(quote, 0, None);
        let ellipses = ellipses(quote);
        text.gap_after = vec![false; text.tokens.len() + 1];
        for i in 1..text.tokens.len() {
            let (before, after) = (text.tokens[i - 1].end, text.tokens[i].start);
            text.gap_after[i] = ellipses.iter().any(|&at| at >= before && at < after);
        }
        let acronyms = !is_all_caps(quote);
        let n = self.analyzer.words(quote, &mut self.words);
        let form = QueryForm::Stem { acronyms };
        let content: Vec<&Word> = self.words[..n]
            .iter()
            .filter(|w| !w.is_stopword())
            .collect();
        let chosen: Vec<&Word> = if content.is_empty() {
            self.words[..n].iter().collect()
        } else {
            content
        };
        let mut retrieval: Vec<String> = chosen
            .into_iter()
            .map(|w| w.clone().query_term(form))
            .collect();
        // The American spelling's stem too: a source in American spelling holds that one.
        for w in &self.words[..n] {
            if !w.is_stopword() {
                let american = self.analyzer.spelling_stem(w);
                if american != w.stem && w.acronym.is_none() {
                    retrieval.push(american);
                }
            }
        }
        text.retrieval = retrieval;
        let terms: Vec<String> = self.words[..n]
            .iter()
            .map(|w| w.clone().query_term(form))
            .collect();
        text.shingles = (0..n.saturating_sub(SHINGLE - 1))
            .filter(|&i| !(i + 1..i + SHINGLE).any(|k| text.gap_after[k]))
            .map(|i| terms[i..i + SHINGLE].to_vec())
            .collect();
        text.groups = text.names.iter().map(|n| n.group).collect();
        text.groups.sort_unstable();
        text.groups.dedup();
        text
    }

    /// A passage's text, as tokens of `owner`; names only of the quote's groups.
    fn text(&mut self, passage: &str, quote: &Text, owner: usize) -> Text {
        self.tokens(passage, owner, Some(&quote.groups))
    }

    /// The tokens of `text`, and its names (of `groups` only, when given; none when empty).
    fn tokens(&mut self, text: &str, owner: usize, groups: Option<&[usize]>) -> Text {
        let n = self.analyzer.words(text, &mut self.words);
        let mut out = Text {
            tokens: Vec::with_capacity(n),
            ..Text::default()
        };
        for w in &self.words[..n] {
            let key = self.analyzer.spelling_stem(w);
            out.tokens.push(Token {
                key: intern(&mut self.ids, &key),
                form: intern(&mut self.ids, &w.exact),
                owner,
                start: w.start,
                end: w.end,
                weight: if w.is_stopword() {
                    STOPWORD_WEIGHT
                } else {
                    1.0
                },
            });
        }
        let Some(table) = self.aliases else {
            return out;
        };
        if groups.is_some_and(<[usize]>::is_empty) {
            return out;
        }
        let acronyms = !is_all_caps(text);
        let terms: Vec<String> = self.words[..n]
            .iter()
            .map(|w| w.clone().query_term(QueryForm::Stem { acronyms }))
            .collect();
        for start in 0..n {
            for len in 1..=MAX_NAME_WORDS.min(n - start) {
                let Some(group) = table.group_of(&terms[start..start + len], acronyms) else {
                    continue;
                };
                if groups.is_none_or(|g| g.binary_search(&group).is_ok()) {
                    out.names.push(Name {
                        start,
                        end: start + len,
                        group,
                    });
                }
            }
        }
        out
    }
}

/// The number of a string in `ids`, given the first time it is seen.
fn intern(ids: &mut HashMap<String, u32>, s: &str) -> u32 {
    if let Some(&id) = ids.get(s) {
        return id;
    }
    let id = ids.len() as u32;
    ids.insert(s.to_owned(), id);
    id
}

impl Drop for Words<'_> {
    fn drop(&mut self) {
        std::mem::take(&mut self.analyzer).give_back();
    }
}

/// Byte offsets of the ellipses of a quote: `…`, `...`, `. . .` (brackets around them go with
/// them as punctuation).
fn ellipses(text: &str) -> Vec<usize> {
    let mut at = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if text[i..].starts_with('…') {
            at.push(i);
            i += '…'.len_utf8();
        } else if text[i..].starts_with("...") {
            at.push(i);
            i += 3;
            while i < bytes.len() && bytes[i] == b'.' {
                i += 1;
            }
        } else if text[i..].starts_with(". . .") {
            at.push(i);
            i += 5;
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    at
}

// ---------------------------------------------------------------------------------------------
// The alignment

/// One step of an alignment, with token indices into the quote (`q`) and the text (`t`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Same {
        q: usize,
        t: usize,
    },
    Variant {
        q: usize,
        t: usize,
    },
    Changed {
        q: usize,
        t: usize,
    },
    /// A quote word the text does not have.
    Added {
        q: usize,
    },
    /// A text word the quote leaves out.
    Dropped {
        t: usize,
    },
    /// Names of one alias group: quote tokens `q.0..q.1`, text tokens `t.0..t.1`.
    Name {
        q: (usize, usize),
        t: (usize, usize),
    },
    /// The quote's `…`: the text between is skipped.
    Ellipsis,
}

/// The best alignment of a quote with a text.
#[derive(Debug, Clone, Default)]
struct Alignment {
    score: f32,
    steps: Vec<Step>,
}

impl Alignment {
    /// Share of the quote's `n` words found (same words, variants, names).
    fn coverage(&self, n: usize) -> f32 {
        let found: usize = self
            .steps
            .iter()
            .map(|s| match s {
                Step::Same { .. } | Step::Variant { .. } => 1,
                Step::Name { q, .. } => q.1 - q.0,
                _ => 0,
            })
            .sum();
        if n == 0 {
            return 0.0;
        }
        ((found as f32 / n as f32) * 1000.0).round() / 1000.0
    }

    /// Quote words left unmatched before the text's first word (when the alignment starts at
    /// the text's first words) and after its last (when it ends at the text's last words).
    fn unmatched_edges(&self, text_len: usize) -> (usize, usize) {
        let aligned: Vec<usize> = self.steps.iter().filter_map(text_index).collect();
        let (Some(&first), Some(&last)) = (aligned.first(), aligned.last()) else {
            return (0, 0);
        };
        let added = |steps: &mut dyn Iterator<Item = &Step>| {
            steps
                .take_while(|s| text_index(s).is_none())
                .filter(|s| matches!(s, Step::Added { .. }))
                .count()
        };
        let lead = if first <= 2 {
            added(&mut self.steps.iter())
        } else {
            0
        };
        let trail = if last + 3 >= text_len {
            added(&mut self.steps.iter().rev())
        } else {
            0
        };
        (lead, trail)
    }

    /// Whether at least [`RUN_ON_WORDS`] quote words matched in each text of a window.
    fn uses_both(&self, text: &Text) -> bool {
        let mut matched = [0, 0];
        for s in &self.steps {
            if let Step::Same { t, .. } | Step::Variant { t, .. } = s {
                matched[text.tokens[*t].owner] += 1;
            }
        }
        matched[0] >= RUN_ON_WORDS && matched[1] >= RUN_ON_WORDS
    }

    /// The matched span of each piece of the quote, per text of the window: (owner, start, end).
    fn spans(&self, text: &Text) -> Vec<(usize, usize, usize)> {
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        let mut piece_start = true;
        for s in &self.steps {
            let range = match *s {
                Step::Ellipsis => {
                    piece_start = true;
                    continue;
                }
                Step::Same { t, .. } | Step::Variant { t, .. } | Step::Changed { t, .. } => {
                    (t, t + 1)
                }
                Step::Name { t, .. } => t,
                Step::Dropped { .. } | Step::Added { .. } => continue,
            };
            for i in range.0..range.1 {
                let tok = text.tokens[i];
                match spans.last_mut() {
                    Some(last) if !piece_start && last.0 == tok.owner => last.2 = tok.end,
                    _ => spans.push((tok.owner, tok.start, tok.end)),
                }
                piece_start = false;
            }
        }
        spans
    }

    /// The differences, in quote order.
    fn differences(
        &self,
        quote: &Text,
        quote_text: &str,
        text: &Text,
        window: &[Passage],
    ) -> Vec<Difference> {
        let mut out = Vec::new();
        let mut q_run: Vec<usize> = Vec::new();
        let mut t_run: Vec<usize> = Vec::new();
        let quote_words = |from: usize, to: usize| -> String {
            quote_text[quote.tokens[from].start..quote.tokens[to].end].to_owned()
        };
        let source_words = |from: usize, to: usize| -> String {
            let (a, b) = (text.tokens[from], text.tokens[to]);
            if a.owner == b.owner {
                window[a.owner].text[a.start..b.end].to_owned()
            } else {
                format!(
                    "{} {}",
                    &window[a.owner].text[a.start..],
                    &window[b.owner].text[..b.end]
                )
            }
        };
        let flush = |q_run: &mut Vec<usize>, t_run: &mut Vec<usize>, out: &mut Vec<_>| {
            if q_run.is_empty() && t_run.is_empty() {
                return;
            }
            let kind = match (q_run.is_empty(), t_run.is_empty()) {
                (false, false) => DifferenceKind::Changed,
                (false, true) => DifferenceKind::Added,
                _ => DifferenceKind::Dropped,
            };
            let quote = match (q_run.first(), q_run.last()) {
                (Some(&a), Some(&b)) => quote_words(a, b),
                _ => String::new(),
            };
            let source = match (t_run.first(), t_run.last()) {
                (Some(&a), Some(&b)) => source_words(a, b),
                _ => String::new(),
            };
            out.push(Difference {
                kind,
                quote,
                source,
            });
            q_run.clear();
            t_run.clear();
        };
        for s in &self.steps {
            match *s {
                Step::Same { .. } | Step::Ellipsis => flush(&mut q_run, &mut t_run, &mut out),
                Step::Variant { q, t } => {
                    flush(&mut q_run, &mut t_run, &mut out);
                    out.push(Difference {
                        kind: DifferenceKind::Variant,
                        quote: quote_words(q, q),
                        source: source_words(t, t),
                    });
                }
                Step::Name { q, t } => {
                    flush(&mut q_run, &mut t_run, &mut out);
                    let same = (q.1 - q.0 == t.1 - t.0)
                        && (0..q.1 - q.0)
                            .all(|k| quote.tokens[q.0 + k].form == text.tokens[t.0 + k].form);
                    if !same {
                        out.push(Difference {
                            kind: DifferenceKind::Variant,
                            quote: quote_words(q.0, q.1 - 1),
                            source: source_words(t.0, t.1 - 1),
                        });
                    }
                }
                Step::Changed { q, t } => {
                    q_run.push(q);
                    t_run.push(t);
                }
                Step::Added { q } => q_run.push(q),
                Step::Dropped { t } => t_run.push(t),
            }
        }
        flush(&mut q_run, &mut t_run, &mut out);
        out
    }
}

/// The text token a step aligns a quote word with, if any.
fn text_index(step: &Step) -> Option<usize> {
    match *step {
        Step::Same { t, .. } | Step::Variant { t, .. } | Step::Changed { t, .. } => Some(t),
        Step::Name { t, .. } => Some(t.1 - 1),
        _ => None,
    }
}

const NONE: f32 = f32::NEG_INFINITY;

/// Where a cell's best value came from.
const FROM_DIAGONAL: u8 = 0;
const FROM_NAME: u8 = 1;
const FROM_BEST: u8 = 2;
const FROM_SAME_STATE: u8 = 3;
const FROM_MATCH: u8 = 4;
const FROM_ADD: u8 = 5;
/// `best` cells: which state holds the best value, or the cell to the left (after a `…`), or
/// the start of the alignment (row 0).
const STATE_MATCH: u8 = 0;
const STATE_DROP: u8 = 1;
const STATE_ADD: u8 = 2;
const LEFT: u8 = 3;
const START: u8 = 4;

/// The alignment's matrices, kept from one candidate to the next.
#[derive(Default)]
struct Aligner {
    /// Best score with the last step aligning quote word i-1 with text word j-1 (or a name).
    matched: Vec<f32>,
    /// ... with the last step dropping text word j-1.
    dropped: Vec<f32>,
    /// ... with the last step adding quote word i-1.
    added: Vec<f32>,
    /// The best of the three (after a `…`: the best so far in the row).
    best: Vec<f32>,
    matched_from: Vec<u8>,
    dropped_from: Vec<u8>,
    added_from: Vec<u8>,
    best_from: Vec<u8>,
    /// For cells reached by a name: the cell the name started at.
    name_from: HashMap<usize, (usize, usize)>,
}

impl Aligner {
    // A dynamic program over cells (i, j): indices read clearer than iterators here.
    #[allow(clippy::needless_range_loop)]
    fn align(&mut self, quote: &Text, text: &Text) -> Alignment {
        let (n, m) = (quote.tokens.len(), text.tokens.len());
        let width = m + 1;
        let cells = (n + 1) * width;
        for v in [
            &mut self.matched,
            &mut self.dropped,
            &mut self.added,
            &mut self.best,
        ] {
            v.clear();
            v.resize(cells, NONE);
        }
        for v in [
            &mut self.matched_from,
            &mut self.dropped_from,
            &mut self.added_from,
            &mut self.best_from,
        ] {
            v.clear();
            v.resize(cells, 0);
        }
        self.name_from.clear();
        // Names ending at each token, of the quote and of the text (only groups both have).
        let mut quote_names: Vec<Vec<Name>> = vec![Vec::new(); n + 1];
        for name in &quote.names {
            let crosses_gap = (name.start + 1..name.end).any(|i| quote.gap_after[i]);
            if !crosses_gap {
                quote_names[name.end].push(*name);
            }
        }
        let mut text_names: Vec<Vec<Name>> = vec![Vec::new(); m + 1];
        if !quote.names.is_empty() {
            for name in &text.names {
                text_names[name.end].push(*name);
            }
        }
        for j in 0..=m {
            self.best[j] = 0.0;
            self.best_from[j] = START;
        }
        for i in 1..=n {
            let q = quote.tokens[i - 1];
            let add_each = ADD_EACH * q.weight;
            let after_gap = quote.gap_after[i - 1];
            for j in 0..=m {
                let at = i * width + j;
                // Quote word i-1 against text word j-1, or a name ending at both.
                let mut matched = NONE;
                let mut matched_from = FROM_DIAGONAL;
                if j >= 1 {
                    let t = text.tokens[j - 1];
                    let gain = if q.key != t.key {
                        -CHANGE_COST
                    } else if q.form == t.form {
                        q.weight
                    } else {
                        VARIANT_SHARE * q.weight
                    };
                    matched = self.best[at - width - 1] + gain;
                    for qn in &quote_names[i] {
                        for tn in &text_names[j] {
                            if tn.group != qn.group {
                                continue;
                            }
                            let words: f32 = quote.tokens[qn.start..qn.end]
                                .iter()
                                .map(|t| t.weight)
                                .sum();
                            let v = self.best[qn.start * width + tn.start] + VARIANT_SHARE * words;
                            if v > matched {
                                matched = v;
                                matched_from = FROM_NAME;
                                self.name_from.insert(at, (qn.start, tn.start));
                            }
                        }
                    }
                }
                self.matched[at] = matched;
                self.matched_from[at] = matched_from;
                // Quote word i-1 added.
                let open = self.best[at - width] - ADD_OPEN - add_each;
                let extend = if after_gap {
                    NONE
                } else {
                    self.added[at - width] - add_each
                };
                let (added, added_from) = if extend > open {
                    (extend, FROM_SAME_STATE)
                } else {
                    (open, FROM_BEST)
                };
                self.added[at] = added;
                self.added_from[at] = added_from;
                // Text word j-1 dropped.
                let mut dropped = NONE;
                let mut dropped_from = FROM_SAME_STATE;
                if j >= 1 {
                    let extend = self.dropped[at - 1] - DROP_EACH;
                    let from_match = self.matched[at - 1] - DROP_OPEN - DROP_EACH;
                    let from_add = self.added[at - 1] - DROP_OPEN - DROP_EACH;
                    dropped = extend;
                    if from_match > dropped {
                        dropped = from_match;
                        dropped_from = FROM_MATCH;
                    }
                    if from_add > dropped {
                        dropped = from_add;
                        dropped_from = FROM_ADD;
                    }
                }
                self.dropped[at] = dropped;
                self.dropped_from[at] = dropped_from;
                let (mut best, mut from) = (matched, STATE_MATCH);
                if dropped > best {
                    (best, from) = (dropped, STATE_DROP);
                }
                if added > best {
                    (best, from) = (added, STATE_ADD);
                }
                self.best[at] = best;
                self.best_from[at] = from;
            }
            // After a `…`, any stretch of the text may be skipped for nothing.
            if i < n && quote.gap_after[i] {
                for j in 1..=m {
                    let at = i * width + j;
                    if self.best[at - 1] > self.best[at] {
                        self.best[at] = self.best[at - 1];
                        self.best_from[at] = LEFT;
                    }
                }
            }
        }
        // The alignment may end anywhere in the text.
        let (mut j, mut score) = (0, NONE);
        for k in 0..=m {
            let v = self.best[n * width + k];
            if v > score {
                (j, score) = (k, v);
            }
        }
        let steps = self.trace(quote, n, j, width);
        Alignment { score, steps }
    }

    /// The steps of the best alignment ending at (n, j), in quote order.
    fn trace(&self, quote: &Text, n: usize, mut j: usize, width: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut i = n;
        // None: resolve the best cell at (i, j) first.
        let mut state: Option<u8> = None;
        loop {
            let at = i * width + j;
            let current = match state {
                Some(s) => s,
                None => match self.best_from[at] {
                    START => break,
                    LEFT => {
                        j -= 1;
                        continue;
                    }
                    s => {
                        if i < n && quote.gap_after[i] {
                            steps.push(Step::Ellipsis);
                        }
                        s
                    }
                },
            };
            match current {
                STATE_MATCH => {
                    if self.matched_from[at] == FROM_NAME {
                        let (qs, ts) = self.name_from[&at];
                        steps.push(Step::Name {
                            q: (qs, i),
                            t: (ts, j),
                        });
                        (i, j) = (qs, ts);
                    } else {
                        let (q, t) = (i - 1, j - 1);
                        steps.push(self.diagonal_step(quote, q, t, at, width));
                        (i, j) = (q, t);
                    }
                    state = None;
                }
                STATE_ADD => {
                    steps.push(Step::Added { q: i - 1 });
                    state = match self.added_from[at] {
                        FROM_SAME_STATE => Some(STATE_ADD),
                        _ => None,
                    };
                    i -= 1;
                }
                _ => {
                    steps.push(Step::Dropped { t: j - 1 });
                    state = Some(match self.dropped_from[at] {
                        FROM_MATCH => STATE_MATCH,
                        FROM_ADD => STATE_ADD,
                        _ => STATE_DROP,
                    });
                    j -= 1;
                }
            }
        }
        steps.reverse();
        steps
    }

    /// What the diagonal step into `at` was: the same word, a variant or a change (read back
    /// from the score it added).
    fn diagonal_step(&self, quote: &Text, q: usize, t: usize, at: usize, width: usize) -> Step {
        let gain = self.matched[at] - self.best[at - width - 1];
        let weight = quote.tokens[q].weight;
        if gain < 0.0 {
            Step::Changed { q, t }
        } else if (gain - weight).abs() < 1e-4 {
            Step::Same { q, t }
        } else {
            Step::Variant { q, t }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Aligns `quote` with `source` as the search does (with the shipped aliases).
    fn align(quote: &str, source: &str) -> (Alignment, Text, Text) {
        let table = AliasTable::builtin();
        let mut words = Words::new(Some(&table));
        let q = words.quote(quote);
        let t = words.text(source, &q, 0);
        let alignment = Aligner::default().align(&q, &t);
        (alignment, q, t)
    }

    fn differences(quote: &str, source: &str) -> (f32, Vec<(DifferenceKind, String, String)>) {
        let (alignment, q, t) = align(quote, source);
        let passage = Passage {
            passage_id: "p#1".into(),
            doc_id: "p".into(),
            title: String::new(),
            section: None,
            paragraph: 1,
            part: None,
            source_paragraph: None,
            path: "p".into(),
            line_start: 1,
            line_end: 1,
            byte_start: 0,
            byte_end: 0,
            field: None,
            meta: Default::default(),
            text: source.into(),
            reference: false,
        };
        let diffs = alignment
            .differences(&q, quote, &t, &[passage])
            .into_iter()
            .map(|d| (d.kind, d.quote, d.source))
            .collect();
        (alignment.coverage(q.tokens.len()), diffs)
    }

    const SOURCE: &str = "We favour dialogue. The Organisation must act now, before the \
        crisis deepens, and Qaddafi's regime must answer to the United States.";

    #[test]
    fn the_exact_words_align_whole() {
        let (coverage, diffs) = differences("The Organisation must act now", SOURCE);
        assert_eq!(coverage, 1.0);
        assert!(diffs.is_empty(), "{diffs:?}");
    }

    #[test]
    fn case_punctuation_and_curly_quotes_make_no_difference() {
        let (coverage, diffs) = differences("“the organisation MUST act, now”", SOURCE);
        assert_eq!(coverage, 1.0);
        assert!(diffs.is_empty(), "{diffs:?}");
    }

    #[test]
    fn an_ellipsis_skips_the_source_between_its_pieces() {
        let (coverage, diffs) = differences(
            "The Organisation must act now … and Qaddafi's regime must answer",
            SOURCE,
        );
        assert_eq!(coverage, 1.0);
        assert!(diffs.is_empty(), "{diffs:?}");
        let (alignment, _, t) = align("We favour dialogue... must act now", SOURCE);
        let spans: Vec<&str> = alignment
            .spans(&t)
            .into_iter()
            .map(|(_, s, e)| &SOURCE[s..e])
            .collect();
        assert_eq!(spans, ["We favour dialogue", "must act now"]);
    }

    #[test]
    fn changed_added_and_dropped_words_are_differences() {
        let (coverage, diffs) = differences("The Organisation should act now", SOURCE);
        assert_eq!(coverage, 0.8);
        assert_eq!(
            diffs,
            [(DifferenceKind::Changed, "should".into(), "must".into())]
        );
        let (_, diffs) = differences("The Organisation must act right now", SOURCE);
        assert_eq!(diffs, [(DifferenceKind::Added, "right".into(), "".into())]);
        let (coverage, diffs) = differences(
            "The Organisation must act now, before the crisis and Qaddafi's regime must answer",
            SOURCE,
        );
        assert_eq!(coverage, 1.0);
        assert_eq!(
            diffs,
            [(DifferenceKind::Dropped, "".into(), "deepens".into())]
        );
    }

    #[test]
    fn spellings_inflections_and_names_are_variants() {
        let (coverage, diffs) = differences("we favor dialog. the organization must act", SOURCE);
        assert_eq!(coverage, 1.0);
        assert_eq!(
            diffs,
            [
                (DifferenceKind::Variant, "favor".into(), "favour".into()),
                (DifferenceKind::Variant, "dialog".into(), "dialogue".into()),
                (
                    DifferenceKind::Variant,
                    "organization".into(),
                    "Organisation".into()
                ),
            ]
        );
        let (coverage, diffs) = differences("Gaddafi's regime must answer to the US", SOURCE);
        assert_eq!(coverage, 1.0);
        assert_eq!(
            diffs,
            [
                (
                    DifferenceKind::Variant,
                    "Gaddafi's".into(),
                    "Qaddafi's".into()
                ),
                (DifferenceKind::Variant, "US".into(), "United States".into()),
            ]
        );
    }

    #[test]
    fn ellipses_are_found_in_their_forms() {
        assert_eq!(ellipses("a … b ... c . . . d [...] e"), [2, 8, 14, 23]);
        assert!(ellipses("U.S. policy. Next").is_empty());
    }
}
