//! From the parsed query to a tantivy query, in three parts:
//! - [`expand`]: each leaf as the alternatives it can match (data, tested on a fake index);
//! - [`score`]: the scoring policy (fields and their weights, the weight of common words);
//! - this module: the tantivy query built from the expression and its alternatives, with the
//!   [`Matcher`]s for highlights, the [`ScoredPart`]s for `--explain` and a [`Note`] per leaf
//!   saying how it was understood.
//!
//! Stop words, all-caps and acronyms are the analyzer's rules; this module only asks.

pub mod adjust;
pub mod expand;
pub mod score;
pub mod term;
pub(crate) mod union;

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, EmptyQuery, EnableScoring, FuzzyTermQuery,
    Occur as TOccur, PhraseQuery, Query,
};
use tantivy::schema::Field;
use tantivy::{DocSet, Term, TERMINATED};

use super::aliases::{AliasTable, MAX_NAME_WORDS};
use super::filter::{Filter, FilterError};
use super::highlight::Matcher;
use super::query::{Leaf, LeafKind, Occur, QueryError, QueryExpr, Scope};
use super::stats::CachedStats;
use super::SearchError;
use crate::index::analyzer::is_all_caps;
use crate::index::Fields;
pub use expand::{Alternative, Expander, TermStats, Why, MAX_FUZZY_TERMS, MAX_PREFIX_TERMS};
use score::{idf_weight, scope_fields, FieldKind};
use term::WeightedTerm;

/// Whether plain clauses of the top-level conjunction are all required or any suffices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    #[default]
    All,
    Any,
}

/// How query words are read.
#[derive(Debug, Clone, Copy)]
pub struct CompileOptions<'a> {
    /// Alias groups to expand names with (`None`: `--no-aliases`).
    pub aliases: Option<&'a AliasTable>,
    /// Every word in its exact form (`--exact`).
    pub exact: bool,
}

/// A query of this many plain words or more (stop words aside) needs most of them, not all, in
/// the default all-words mode: a question (`what did Israel say about the Iran deal?`) has
/// words that a passage answering it need not repeat (`say`). Shorter keyword queries need
/// every word.
pub const MOST_WORDS_FROM: usize = 4;

/// How many of a long query's `words` a passage needs: three in four, rounded up (3 of 4, 4 of
/// 5, 5 of 6, 6 of 8, 8 of 10).
pub fn words_required(words: usize) -> usize {
    (3 * words).div_ceil(4)
}

/// How one part of the query was understood: data for `--explain` (the printers put it in
/// words).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// Plain stop words were left out of the query.
    StopWords { words: Vec<String> },
    /// A leaf (word, phrase, name, prefix, fuzzy word) and the alternatives it matches.
    Leaf {
        label: String,
        excluded: bool,
        alternatives: Vec<Alternative>,
    },
    /// A prefix or fuzzy word that no indexed word matches.
    NoIndexedWord { label: String },
    /// A long query: passages need `required` of its `of` plain words, not all.
    MostWords { required: usize, of: usize },
    /// No passage had every word: ranked by any of them.
    Fallback,
    /// More like a passage: the distinctive words chosen from it, with their weights.
    Similar {
        passage_id: String,
        terms: Vec<(String, f32)>,
    },
}

/// A compiled query, the matchers for its highlights and how its leaves were understood.
pub struct Compiled {
    pub query: Box<dyn Query>,
    /// The matchers of the passage text, its title and its section.
    pub matchers: FieldMatchers,
    pub notes: Vec<Note>,
    /// Every scored part (one alternative in one field), for `--explain`.
    pub parts: Vec<ScoredPart>,
    /// A long query that needs most of its plain words: (required, of).
    pub required_words: Option<(usize, usize)>,
    /// Whether the query searches passages' text and their headings alike, so that a passage
    /// matching only through its headings is scaled down (see [`adjust`]).
    pub heading_only_counts_less: bool,
}

/// The positive parts of a query as [`Matcher`]s, per field they search: what lights up in a
/// hit's text, title and section.
#[derive(Debug, Clone, Default)]
pub struct FieldMatchers {
    pub text: Vec<Matcher>,
    pub title: Vec<Matcher>,
    pub section: Vec<Matcher>,
}

impl FieldMatchers {
    fn of(&mut self, kind: FieldKind) -> &mut Vec<Matcher> {
        match kind {
            FieldKind::Body => &mut self.text,
            FieldKind::Title => &mut self.title,
            FieldKind::Section => &mut self.section,
        }
    }
}

/// One alternative of one leaf in one field, and its weight in the whole query.
pub struct ScoredPart {
    pub field: FieldKind,
    pub alternative: Alternative,
    pub query: Box<dyn Query>,
    pub weight: f32,
}

/// The term statistics of a searcher, for expansion.
struct SearcherStats<'a> {
    stats: CachedStats<'a>,
    fields: Fields,
}

impl SearcherStats<'_> {
    fn field(&self, kind: FieldKind) -> Field {
        match kind {
            FieldKind::Body => self.fields.body,
            FieldKind::Title => self.fields.title,
            FieldKind::Section => self.fields.section,
        }
    }
}

impl TermStats for SearcherStats<'_> {
    fn num_docs(&self) -> u64 {
        self.stats.searcher.num_docs()
    }

    fn body_doc_freq(&self, term: &str) -> u64 {
        self.stats
            .doc_freq(&Term::from_field_text(self.fields.body, term))
    }

    fn body_has_phrase(&self, a: &str, b: &str) -> bool {
        let phrase = PhraseQuery::new(vec![
            Term::from_field_text(self.fields.body, a),
            Term::from_field_text(self.fields.body, b),
        ]);
        // The first match answers: the phrase is not counted through the whole index.
        let Ok(weight) = phrase.weight(EnableScoring::disabled_from_searcher(self.stats.searcher))
        else {
            return false;
        };
        self.stats.searcher.segment_readers().iter().any(|segment| {
            weight.scorer(segment, 1.0).is_ok_and(|mut matches| {
                let alive = segment.alive_bitset();
                let mut doc = matches.doc();
                while doc != TERMINATED && alive.is_some_and(|a| !a.is_alive(doc)) {
                    doc = matches.advance();
                }
                doc != TERMINATED
            })
        })
    }

    fn scan_terms(
        &self,
        kind: FieldKind,
        prefix: Option<&str>,
        accept: &dyn Fn(&str) -> bool,
    ) -> Vec<(String, u64)> {
        let field = self.field(kind);
        let mut found = Vec::new();
        for segment in self.stats.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let range = inverted.terms().range();
            let range = match prefix {
                Some(p) => range.ge(p.as_bytes()),
                None => range,
            };
            let Ok(mut stream) = range.into_stream() else {
                continue;
            };
            while stream.advance() {
                if prefix.is_some_and(|p| !stream.key().starts_with(p.as_bytes())) {
                    break;
                }
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if accept(term) {
                    found.push((term.to_owned(), u64::from(stream.value().doc_freq)));
                }
            }
        }
        found
    }

    fn near_terms(&self, kind: FieldKind, word: &str, distance: u8) -> Vec<(String, u64)> {
        let field = self.field(kind);
        let query = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
        let mut found = Vec::new();
        for segment in self.stats.searcher.segment_readers() {
            let (Ok(inverted), Ok(automaton)) = (segment.inverted_index(field), query.automaton())
            else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    found.push((term.to_owned(), u64::from(stream.value().doc_freq)));
                }
            }
        }
        // Terms found in several segments count once, with all their passages.
        found.sort();
        found.dedup_by(|b, a| {
            let same = a.0 == b.0;
            if same {
                a.1 += b.1;
            }
            same
        });
        found
    }
}

pub struct Compiler<'a> {
    fields: Fields,
    meta_keys: &'a BTreeSet<String>,
    expander: Expander<'a, SearcherStats<'a>>,
    matchers: FieldMatchers,
    notes: Vec<Note>,
    parts: Vec<ScoredPart>,
    /// The queries of the positive parts that search the passage text.
    text_parts: Vec<Box<dyn Query>>,
    /// Whether a positive part searches the text and the headings together.
    searches_headings: bool,
    /// Set while the root conjunction, in the all-words mode, may need most words only.
    most_at_root: bool,
    required_words: Option<(usize, usize)>,
}

impl<'a> Compiler<'a> {
    pub fn new(
        stats: CachedStats<'a>,
        fields: Fields,
        meta_keys: &'a BTreeSet<String>,
        options: CompileOptions<'a>,
    ) -> Compiler<'a> {
        let stats = SearcherStats { stats, fields };
        Compiler {
            fields,
            meta_keys,
            expander: Expander::new(stats, options.aliases, options.exact),
            matchers: FieldMatchers::default(),
            notes: Vec::new(),
            parts: Vec::new(),
            text_parts: Vec::new(),
            searches_headings: false,
            most_at_root: false,
            required_words: None,
        }
    }

    /// Compiles `expr` with the `filters` given beside it; `None` when nothing in it analyzes
    /// to a searchable word or a filter.
    pub fn compile(
        mut self,
        expr: &QueryExpr,
        filters: &[Filter],
        mode: MatchMode,
    ) -> Result<Option<Compiled>, SearchError> {
        // Capitals mark acronyms, unless the query's words are written in capitals throughout.
        self.expander.acronyms = !is_all_caps(&expr.words_text());
        self.most_at_root = mode == MatchMode::All
            && matches!(
                expr,
                QueryExpr::And {
                    explicit: false,
                    ..
                }
            );
        let Some(query) = self.expr(expr, mode, false)? else {
            return Ok(None);
        };
        let heading_only_counts_less = self.searches_headings && !self.text_parts.is_empty();
        let text =
            heading_only_counts_less.then(|| union::union(std::mem::take(&mut self.text_parts)));
        let query: Box<dyn Query> = Box::new(adjust::Adjusted { inner: query, text });
        let query = if filters.is_empty() {
            query
        } else {
            let mut clauses = vec![(TOccur::Must, query)];
            for filter in filters {
                clauses.push((TOccur::Must, filter.query(&self.fields, self.meta_keys)?));
            }
            Box::new(BooleanQuery::new(clauses))
        };
        Ok(Some(Compiled {
            query,
            matchers: self.matchers,
            notes: self.notes,
            parts: self.parts,
            required_words: self.required_words,
            heading_only_counts_less,
        }))
    }

    fn expr(
        &mut self,
        expr: &QueryExpr,
        mode: MatchMode,
        negated: bool,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        Ok(match expr {
            QueryExpr::Leaf(leaf) => self.leaf(leaf, negated)?,
            QueryExpr::Or(alternatives) => {
                let mut subs = Vec::new();
                for a in alternatives {
                    subs.extend(self.expr(a, MatchMode::All, negated)?);
                }
                match subs.len() {
                    0 => None,
                    1 => subs.pop(),
                    _ => Some(union::union(subs)),
                }
            }
            QueryExpr::And { clauses, .. } => {
                // Only the query's own top-level words (the first conjunction compiled) can
                // need most of them rather than all.
                let most = std::mem::take(&mut self.most_at_root);
                let clauses = self.without_stopwords(clauses);
                let clauses = clauses.as_slice();
                let mut subs = Vec::new();
                // Which of `subs` are plain words (or a name of several).
                let mut plain = Vec::new();
                let mut i = 0;
                while i < clauses.len() {
                    let (occur, clause) = &clauses[i];
                    // A name of several words (`Islamic Revolutionary Guard Corps`, unquoted).
                    if let Some((q, used)) = self.alias_run(&clauses[i..], negated) {
                        subs.push((occur_of(*occur, mode, false), q));
                        plain.push(true);
                        i += used;
                        continue;
                    }
                    i += 1;
                    let excluded = *occur == Occur::Exclude;
                    let Some(q) = self.expr(clause, MatchMode::All, negated || excluded)? else {
                        continue;
                    };
                    let q: Box<dyn Query> = if excluded {
                        Box::new(adjust::Excluded(q))
                    } else {
                        q
                    };
                    // Filters stay required in the any-word fallback.
                    let is_filter = matches!(
                        clause,
                        QueryExpr::Leaf(Leaf {
                            kind: LeafKind::Filter { .. },
                            ..
                        })
                    );
                    subs.push((occur_of(*occur, mode, is_filter), q));
                    plain.push(
                        *occur == Occur::Default
                            && matches!(
                                clause,
                                QueryExpr::Leaf(Leaf {
                                    kind: LeafKind::Word(_),
                                    ..
                                })
                            ),
                    );
                }
                if subs.iter().all(|(o, _)| *o == TOccur::MustNot) {
                    return Ok(None);
                }
                let words = plain.iter().filter(|&&p| p).count();
                if most && words >= MOST_WORDS_FROM {
                    let required = words_required(words);
                    for ((occur, _), _) in subs.iter_mut().zip(&plain).filter(|(_, &p)| p) {
                        *occur = TOccur::Should;
                    }
                    self.notes.push(Note::MostWords {
                        required,
                        of: words,
                    });
                    self.required_words = Some((required, words));
                    return Ok(Some(Box::new(BooleanQuery::with_minimum_required_clauses(
                        subs, required,
                    ))));
                }
                Some(Box::new(BooleanQuery::new(subs)))
            }
        })
    }

    /// The clauses without plain stop words (the analyzer says which), which match nearly
    /// every passage and only blur the ranking; kept when the query is nothing but stop words.
    /// Quoted phrases keep theirs.
    fn without_stopwords(&mut self, clauses: &[(Occur, QueryExpr)]) -> Vec<(Occur, QueryExpr)> {
        let stopword: Vec<bool> = clauses
            .iter()
            .map(|clause| match clause {
                (
                    Occur::Default,
                    QueryExpr::Leaf(Leaf {
                        kind: LeafKind::Word(w),
                        exact: false,
                        ..
                    }),
                ) => self.expander.is_stopword(w),
                _ => false,
            })
            .collect();
        if stopword.iter().all(|&s| s) {
            return clauses.to_vec();
        }
        let dropped: Vec<String> = clauses
            .iter()
            .zip(&stopword)
            .filter(|(_, &s)| s)
            .filter_map(|((_, e), _)| match e {
                QueryExpr::Leaf(Leaf {
                    kind: LeafKind::Word(w),
                    ..
                }) => Some(w.clone()),
                _ => None,
            })
            .collect();
        if !dropped.is_empty() {
            self.notes.push(Note::StopWords { words: dropped });
        }
        clauses
            .iter()
            .zip(&stopword)
            .filter(|(_, &s)| !s)
            .map(|(c, _)| c.clone())
            .collect()
    }

    /// The longest run (two words or more) of plain words opening `clauses` that is a name of
    /// an alias group: matched as its words, or as any other name of the group; with how many
    /// clauses it used.
    fn alias_run(
        &mut self,
        clauses: &[(Occur, QueryExpr)],
        negated: bool,
    ) -> Option<(Box<dyn Query>, usize)> {
        let mut words = Vec::new();
        for (occur, clause) in clauses.iter().take(MAX_NAME_WORDS) {
            match (occur, clause) {
                (
                    Occur::Default,
                    QueryExpr::Leaf(Leaf {
                        kind: LeafKind::Word(w),
                        scope: Scope::All,
                        exact: false,
                        ..
                    }),
                ) => words.push(w.as_str()),
                _ => break,
            }
        }
        for len in (2..=words.len()).rev() {
            let text = words[..len].join(" ");
            let Some(alternatives) = self.expander.name(&text) else {
                continue;
            };
            // The words keep their own matching and scoring (a passage may use them apart);
            // the group's other names are another way to match, adding their best score.
            let mut words_query = Vec::new();
            for (_, clause) in &clauses[..len] {
                if let QueryExpr::Leaf(leaf) = clause {
                    if let Ok(Some(q)) = self.leaf(leaf, negated) {
                        words_query.push((TOccur::Must, q));
                    }
                }
            }
            let mut either: Vec<Box<dyn Query>> = Vec::new();
            if !words_query.is_empty() {
                either.push(Box::new(BooleanQuery::new(words_query)));
            }
            if !alternatives.is_empty() {
                either.push(self.alternatives_query(&text, Scope::All, alternatives, negated));
            }
            let q: Box<dyn Query> = match either.len() {
                1 => either.pop().expect("one"),
                _ => union::union(either),
            };
            return Some((q, len));
        }
        None
    }

    fn leaf(&mut self, leaf: &Leaf, negated: bool) -> Result<Option<Box<dyn Query>>, QueryError> {
        let exact = leaf.exact;
        let (label, alternatives) = match &leaf.kind {
            LeafKind::Filter { key, value } => {
                let error = |e: FilterError| QueryError {
                    message: e.to_string(),
                    column: leaf.column,
                };
                let filter = Filter::parse(key, value).map_err(error)?;
                return filter
                    .query(&self.fields, self.meta_keys)
                    .map(Some)
                    .map_err(error);
            }
            LeafKind::Word(word) => (word.clone(), self.expander.word(word, exact)),
            LeafKind::Phrase { text, slop } => (
                format!("\"{text}\""),
                self.expander.phrase(text, *slop, exact),
            ),
            LeafKind::Prefix(prefix) => (
                format!("{prefix}*"),
                self.expander.prefix(leaf.scope, prefix),
            ),
            LeafKind::Fuzzy { word, distance } => (
                format!("{word}~{distance}"),
                self.expander.fuzzy(word, *distance),
            ),
        };
        let Some(alternatives) = alternatives else {
            // Only punctuation: nothing to search for.
            return Ok(None);
        };
        if alternatives.is_empty() {
            // A prefix or fuzzy word nothing in the index is near.
            self.notes.push(Note::NoIndexedWord { label });
            return Ok(Some(Box::new(EmptyQuery)));
        }
        // A quoted phrase asks for that text: it matches the passage itself, not the headings
        // above it (`section:"..."` and `title:"..."` search those).
        let scope = match (&leaf.kind, leaf.scope) {
            (LeafKind::Phrase { .. }, Scope::All) => Scope::Body,
            (_, scope) => scope,
        };
        Ok(Some(self.alternatives_query(
            &label,
            scope,
            alternatives,
            negated,
        )))
    }

    /// One query for all the ways a leaf can match (the best one counts), its matchers and its
    /// note.
    fn alternatives_query(
        &mut self,
        label: &str,
        scope: Scope,
        alternatives: Vec<Alternative>,
        negated: bool,
    ) -> Box<dyn Query> {
        let mut per_alternative: Vec<Box<dyn Query>> = Vec::new();
        for alt in &alternatives {
            let mut per_field: Vec<Box<dyn Query>> = Vec::new();
            for &(kind, boost) in scope_fields(scope) {
                // A field that holds none of the terms is not searched (nor counted as
                // searched: a query whose headings cannot match needs no text check).
                let Some(q) =
                    self.sequence_query(self.expander_field(kind), &alt.sequence, alt.slop)
                else {
                    continue;
                };
                if !negated {
                    if kind == FieldKind::Body {
                        self.text_parts.push(q.box_clone());
                    } else if scope == Scope::All {
                        self.searches_headings = true;
                    }
                    self.parts.push(ScoredPart {
                        field: kind,
                        alternative: alt.clone(),
                        query: q.box_clone(),
                        weight: boost,
                    });
                }
                per_field.push(term::with_field_weight(q, boost));
            }
            match per_field.len() {
                0 => {}
                1 => per_alternative.push(per_field.pop().expect("one field")),
                _ => per_alternative.push(union::union(per_field)),
            }
        }
        if !negated {
            for &(kind, _) in scope_fields(scope) {
                for alt in &alternatives {
                    self.matchers.of(kind).push(Matcher {
                        sequence: alt
                            .sequence
                            .iter()
                            .map(|alts| alts.iter().cloned().collect::<HashSet<_>>())
                            .collect(),
                        slop: alt.slop,
                    });
                }
            }
        }
        self.notes.push(Note::Leaf {
            label: label.to_owned(),
            excluded: negated,
            alternatives,
        });
        match per_alternative.len() {
            0 => Box::new(EmptyQuery),
            1 => per_alternative.pop().expect("one alternative"),
            _ => union::disjunction_max(per_alternative),
        }
    }

    fn expander_field(&self, kind: FieldKind) -> Field {
        self.expander.stats().field(kind)
    }

    fn sequence_query(
        &self,
        field: Field,
        sequence: &[Vec<String>],
        slop: u32,
    ) -> Option<Box<dyn Query>> {
        let stats = self.expander.stats();
        // The passages BM25 counts (deleted ones included, as in the terms' frequencies): a
        // word in every live passage would otherwise be in more passages than there are, and
        // weigh less than nothing.
        let total = Bm25StatisticsProvider::total_num_docs(&stats.stats)
            .unwrap_or_else(|_| stats.stats.searcher.num_docs());
        sequence_query_with(field, sequence, slop, &|term| {
            let n = stats.stats.doc_freq(term);
            (n > 0).then(|| idf_weight(total, n))
        })
    }
}

/// For a query that found nothing: each word of it (not an excluded one) that the index does
/// not know, as the byte range of the word in `query` and the indexed word to put there (see
/// [`Expander::correction`]).
pub fn corrections(
    stats: CachedStats<'_>,
    fields: Fields,
    query: &str,
    expr: &QueryExpr,
) -> Vec<(usize, usize, String)> {
    fn words<'e>(expr: &'e QueryExpr, out: &mut Vec<&'e Leaf>) {
        match expr {
            QueryExpr::Leaf(
                leaf @ Leaf {
                    kind: LeafKind::Word(_),
                    ..
                },
            ) => out.push(leaf),
            QueryExpr::Leaf(_) => {}
            QueryExpr::Or(alternatives) => alternatives.iter().for_each(|a| words(a, out)),
            QueryExpr::And { clauses, .. } => clauses
                .iter()
                .filter(|(occur, _)| *occur != Occur::Exclude)
                .for_each(|(_, c)| words(c, out)),
        }
    }
    let mut leaves = Vec::new();
    words(expr, &mut leaves);
    let stats = SearcherStats { stats, fields };
    let mut expander = Expander::new(stats, None, false);
    let mut found = Vec::new();
    for leaf in leaves {
        let LeafKind::Word(word) = &leaf.kind else {
            continue;
        };
        let Some((at, _)) = query.char_indices().nth(leaf.column.saturating_sub(1)) else {
            continue;
        };
        if !query[at..].starts_with(word.as_str()) {
            continue;
        }
        if let Some((start, end, replacement)) = expander.correction(word) {
            found.push((at + start, at + end, replacement));
        }
    }
    found
}

/// How a clause takes part in its conjunction under a match mode.
fn occur_of(occur: Occur, mode: MatchMode, is_filter: bool) -> TOccur {
    match (occur, mode) {
        (Occur::Exclude, _) => TOccur::MustNot,
        (Occur::Require, _) | (Occur::Default, MatchMode::All) => TOccur::Must,
        (Occur::Default, MatchMode::Any) if is_filter => TOccur::Must,
        (Occur::Default, MatchMode::Any) => TOccur::Should,
    }
}

/// One field's query for a sequence of positions, each with its alternative terms. `weight`
/// gives a term's weight, or `None` when no passage holds it in this field: a term or phrase
/// that cannot match builds no scorer (a word's title and section alternatives rarely exist,
/// and each would cost a term look-up per segment and every search); `None` when nothing in
/// the field can match.
fn sequence_query_with(
    field: Field,
    sequence: &[Vec<String>],
    slop: u32,
    weight: &dyn Fn(&Term) -> Option<f32>,
) -> Option<Box<dyn Query>> {
    let mut queries: Vec<Box<dyn Query>> = if sequence.len() == 1 {
        sequence[0]
            .iter()
            .filter_map(|t| {
                let term = Term::from_field_text(field, t);
                let w = weight(&term)?;
                Some(Box::new(WeightedTerm::new(term, w)) as Box<dyn Query>)
            })
            .collect()
    } else {
        // Alternatives only ever sit at the last position (a prefix): one phrase per
        // alternative, the leading words shared (and checked once).
        let (last, leading) = sequence.split_last().expect("sequence has 2+ positions");
        let leading: Vec<(usize, Term)> = leading
            .iter()
            .enumerate()
            .map(|(i, alts)| (i, Term::from_field_text(field, &alts[0])))
            .collect();
        if leading.iter().any(|(_, t)| weight(t).is_none()) {
            return None;
        }
        last.iter()
            .filter_map(|alt| {
                let term = Term::from_field_text(field, alt);
                weight(&term)?;
                let mut terms = leading.clone();
                terms.push((leading.len(), term));
                Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)) as Box<dyn Query>)
            })
            .collect()
    };
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(union::union(queries)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields of the terms a compiled query searches (its scorers), for `query` over one
    /// brief whose title is `Snapback, explained`.
    fn searched_fields(query: &str) -> std::collections::BTreeSet<&'static str> {
        use crate::index::DossierIndex;
        use crate::search::{SearchRequest, SearchSession};
        let text = "Snapback, explained\n\nThe E3 triggered the snapback mechanism.\n";
        let index = DossierIndex::create_in_ram();
        crate::testing::upsert(&index, &[("brief.txt", text)]);
        let fields = *index.fields();
        let session = SearchSession::new(&index).unwrap();
        let matching = session
            .matching_query(&SearchRequest::new(query, 10))
            .unwrap()
            .unwrap();
        assert_eq!(matching.total, 1, "{query}");
        let mut found = std::collections::BTreeSet::new();
        matching.query.query_terms(&mut |term, _| {
            let f = term.field();
            found.insert(if f == fields.body {
                "text"
            } else if f == fields.title {
                "title"
            } else if f == fields.section {
                "section"
            } else {
                "other"
            });
        });
        found
    }

    #[test]
    fn terms_a_field_does_not_hold_build_no_scorer_there() {
        // `mechanism` is in the text only: its title and section alternatives are left out.
        assert_eq!(searched_fields("mechanism"), ["text"].into());
        assert_eq!(searched_fields("\"snapback mechanism\""), ["text"].into());
        // `snapback` is in the title too; no passage has a section.
        assert_eq!(searched_fields("snapback"), ["text", "title"].into());
        assert_eq!(
            searched_fields("snapback mechanism"),
            ["text", "title"].into()
        );
    }

    #[test]
    fn a_word_in_every_passage_scores_above_zero_once_passages_are_deleted() {
        use crate::index::DossierIndex;
        use crate::search::{SearchRequest, SearchSession};
        use crate::testing::{delete_passages, upsert};
        // `council` in every passage, once to three times.
        let mut text = String::new();
        for i in 0..40 {
            let council = ["council"; 3][..1 + i % 3].join(" ");
            text.push_str(&format!("The {council} met on day {i} of the session.\n\n"));
        }
        let index = DossierIndex::create_in_ram();
        upsert(&index, &[("minutes.txt", &text)]);
        // A third of the passages deleted: the term's frequency still counts them (until a
        // merge), the live passages do not.
        let seqs: Vec<u64> = (1..=40).filter(|s| s % 3 == 1).collect();
        delete_passages(&index, &seqs);
        let session = SearchSession::new(&index).unwrap();
        let results = session.search(&SearchRequest::new("council", 40)).unwrap();
        assert_eq!(results.total_hits, 26);
        assert!(
            results.hits.iter().all(|h| h.score > 0.0),
            "{:?}",
            results.hits[0].score
        );
        // More of the word ranks higher, not lower.
        let top: Vec<(f32, &str)> = results
            .hits
            .iter()
            .take(4)
            .map(|h| (h.score, h.passage.text.as_str()))
            .collect();
        assert!(top[0].1.contains("council council council"), "{top:?}");
    }

    #[test]
    fn long_queries_need_three_words_in_four() {
        let required: Vec<usize> = (MOST_WORDS_FROM..=10).map(words_required).collect();
        assert_eq!(required, [3, 4, 5, 6, 6, 7, 8]);
    }
}
