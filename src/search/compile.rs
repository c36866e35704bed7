//! From the parsed query to a tantivy query, with the analyzer the index was built with.
//!
//! Each leaf becomes one or more alternatives, each a sequence of positions with the terms
//! accepted there, searched as terms or phrases and combined by their best match:
//! - the words as typed (stems, or exact forms for `=word`; acronym terms for capitals);
//! - a hyphenated word or two-word phrase also as its joined form when the index has it
//!   (`snap-back`, `"snap back"` → `snapback`), and a rare word also split in two when the index
//!   has both halves (`snapback` → `"snap back"`);
//! - the other names of its alias group (`IRGC` → `Islamic Revolutionary Guard Corps`, ...);
//! - a prefix or a fuzzy word as the indexed words it stands for.
//!
//! Every positive alternative that can match the passage body is also a [`Matcher`], so
//! highlights show exactly what was searched for; and every leaf leaves a note of how it was
//! understood, for `--explain`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, Occur as TOccur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::aliases::{AliasTable, MAX_NAME_WORDS};
use super::filter::{Filter, FilterError};
use super::highlight::Matcher;
use super::query::{Leaf, LeafKind, Occur, QueryError, QueryExpr, Scope};
use super::SearchError;
use crate::index::analyzer::{QueryForm, WordAnalyzer};
use crate::index::{Fields, BODY_BOOST, SECTION_BOOST, TITLE_BOOST};

/// At most this many indexed words stand in for one `prefix*` (the most frequent ones).
pub const MAX_PREFIX_TERMS: usize = 256;
/// At most this many indexed words stand in for one `word~N`.
pub const MAX_FUZZY_TERMS: usize = 64;

/// Whether plain clauses of the top-level conjunction are all required or any suffices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchMode {
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

/// A compiled query, the matchers for its highlights and how its leaves were understood.
pub struct Compiled {
    pub query: Box<dyn Query>,
    pub matchers: Vec<Matcher>,
    pub notes: Vec<String>,
    /// Every scored part (one alternative in one field), for `--explain`.
    pub parts: Vec<ScoredPart>,
}

/// One alternative of one leaf in one field, and its weight in the whole query.
pub struct ScoredPart {
    pub label: String,
    pub query: Box<dyn Query>,
    pub weight: f32,
}

/// One way a leaf can match: positions with their accepted terms, and why.
#[derive(Debug, Clone)]
struct Alternative {
    sequence: Vec<Vec<String>>,
    slop: u32,
    why: String,
}

pub struct Compiler<'a> {
    searcher: &'a Searcher,
    fields: Fields,
    meta_keys: &'a BTreeSet<String>,
    options: CompileOptions<'a>,
    analyzer: WordAnalyzer,
    /// Capitals mark acronyms, unless the whole query is written in capitals.
    acronyms: bool,
    matchers: Vec<Matcher>,
    notes: Vec<String>,
    parts: Vec<ScoredPart>,
}

impl<'a> Compiler<'a> {
    pub fn new(
        searcher: &'a Searcher,
        fields: Fields,
        meta_keys: &'a BTreeSet<String>,
        options: CompileOptions<'a>,
    ) -> Compiler<'a> {
        Compiler {
            searcher,
            fields,
            meta_keys,
            options,
            analyzer: WordAnalyzer::default(),
            acronyms: true,
            matchers: Vec::new(),
            notes: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// Compiles `expr` (the query `text`) with the `filters` given beside it; `None` when
    /// nothing in it analyzes to a searchable word or a filter.
    pub fn compile(
        mut self,
        text: &str,
        expr: &QueryExpr,
        filters: &[Filter],
        mode: MatchMode,
    ) -> Result<Option<Compiled>, SearchError> {
        self.acronyms = !is_all_caps_query(text);
        let Some(query) = self.expr(expr, mode, false)? else {
            return Ok(None);
        };
        let query = if filters.is_empty() {
            query
        } else {
            let mut clauses = vec![(TOccur::Must, query)];
            for filter in filters {
                let q = filter.query(&self.fields, self.meta_keys)?;
                clauses.push((TOccur::Must, q));
            }
            Box::new(BooleanQuery::new(clauses))
        };
        Ok(Some(Compiled {
            query,
            matchers: self.matchers,
            notes: self.notes,
            parts: self.parts,
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
                    _ => Some(Box::new(BooleanQuery::union(subs))),
                }
            }
            QueryExpr::And { clauses, .. } => {
                let clauses = self.without_stopwords(clauses);
                let clauses = clauses.as_slice();
                let mut subs = Vec::new();
                let mut i = 0;
                while i < clauses.len() {
                    let (occur, clause) = &clauses[i];
                    // A name of several words (`Islamic Revolutionary Guard Corps`, unquoted).
                    if let Some((q, used)) = self.alias_run(&clauses[i..], negated) {
                        subs.push((self.occur(*occur, mode, false), q));
                        i += used;
                        continue;
                    }
                    i += 1;
                    let excluded = *occur == Occur::Exclude;
                    let Some(q) = self.expr(clause, MatchMode::All, negated || excluded)? else {
                        continue;
                    };
                    // Filters stay required in the any-word fallback.
                    let is_filter = matches!(
                        clause,
                        QueryExpr::Leaf(Leaf {
                            kind: LeafKind::Filter { .. },
                            ..
                        })
                    );
                    subs.push((self.occur(*occur, mode, is_filter), q));
                }
                if subs.iter().all(|(o, _)| *o == TOccur::MustNot) {
                    return Ok(None);
                }
                Some(Box::new(BooleanQuery::new(subs)))
            }
        })
    }

    /// The clauses without plain stop words (`the`, `of`, `what`), which match nearly every
    /// passage and only blur the ranking; kept when the query is nothing but stop words.
    /// Quoted phrases keep theirs.
    fn without_stopwords(&mut self, clauses: &[(Occur, QueryExpr)]) -> Vec<(Occur, QueryExpr)> {
        let is_stopword = |clause: &(Occur, QueryExpr)| {
            matches!(clause, (Occur::Default, QueryExpr::Leaf(Leaf { kind: LeafKind::Word(w), exact: false, .. }))
                if is_stopword(w))
        };
        if clauses.iter().all(is_stopword) {
            return clauses.to_vec();
        }
        let dropped: Vec<&str> = clauses
            .iter()
            .filter(|c| is_stopword(c))
            .filter_map(|(_, e)| match e {
                QueryExpr::Leaf(Leaf {
                    kind: LeafKind::Word(w),
                    ..
                }) => Some(w.as_str()),
                _ => None,
            })
            .collect();
        if !dropped.is_empty() {
            self.notes
                .push(format!("stop words left out: {}", dropped.join(", ")));
        }
        clauses
            .iter()
            .filter(|c| !is_stopword(c))
            .cloned()
            .collect()
    }

    fn occur(&self, occur: Occur, mode: MatchMode, is_filter: bool) -> TOccur {
        match (occur, mode) {
            (Occur::Exclude, _) => TOccur::MustNot,
            (Occur::Require, _) | (Occur::Default, MatchMode::All) => TOccur::Must,
            (Occur::Default, MatchMode::Any) if is_filter => TOccur::Must,
            (Occur::Default, MatchMode::Any) => TOccur::Should,
        }
    }

    /// The longest run (two words or more) of plain words opening `clauses` that is a name of
    /// an alias group: matched as its words, or as any other name of the group; with how many
    /// clauses it used.
    fn alias_run(
        &mut self,
        clauses: &[(Occur, QueryExpr)],
        negated: bool,
    ) -> Option<(Box<dyn Query>, usize)> {
        let table = self.options.aliases?;
        if self.options.exact {
            return None;
        }
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
            let terms = self.terms(&text, false);
            let Some(names) = table.lookup(&flatten(&terms), self.acronyms) else {
                continue;
            };
            let names = names.to_vec();
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
            let mut alternatives = Vec::new();
            self.add_names(&names, &text, &mut alternatives);
            let mut either: Vec<Box<dyn Query>> = Vec::new();
            if !words_query.is_empty() {
                either.push(Box::new(BooleanQuery::new(words_query)));
            }
            if !alternatives.is_empty() {
                either.push(self.alternatives_query(&text, Scope::All, alternatives, negated));
            }
            let q: Box<dyn Query> = match either.len() {
                1 => either.pop().expect("one"),
                _ => Box::new(BooleanQuery::union(either)),
            };
            return Some((q, len));
        }
        None
    }

    fn scope_fields(&self, scope: Scope) -> Vec<(Field, f32)> {
        let f = &self.fields;
        match scope {
            Scope::All => vec![
                (f.body, BODY_BOOST),
                (f.title, TITLE_BOOST),
                (f.section, SECTION_BOOST),
            ],
            Scope::Body => vec![(f.body, 1.0)],
            Scope::Title => vec![(f.title, 1.0)],
            Scope::Section => vec![(f.section, 1.0)],
        }
    }

    /// The positions of `text` with their terms (stems or exact forms).
    fn terms(&mut self, text: &str, exact: bool) -> Vec<Vec<String>> {
        let form = if exact || self.options.exact {
            QueryForm::Exact
        } else {
            QueryForm::Stem {
                acronyms: self.acronyms,
            }
        };
        self.analyzer.query_terms(text, form)
    }

    fn leaf(&mut self, leaf: &Leaf, negated: bool) -> Result<Option<Box<dyn Query>>, QueryError> {
        let exact = leaf.exact || self.options.exact;
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
            LeafKind::Word(word) => (word.clone(), self.word_alternatives(word, exact)),
            LeafKind::Phrase { text, slop } => (
                format!("\"{text}\""),
                self.phrase_alternatives(text, *slop, exact),
            ),
            LeafKind::Prefix(prefix) => (
                format!("{prefix}*"),
                self.prefix_alternatives(leaf.scope, prefix),
            ),
            LeafKind::Fuzzy { word, distance } => (
                format!("{word}~{distance}"),
                self.fuzzy_alternatives(word, *distance),
            ),
        };
        let Some(alternatives) = alternatives else {
            // Only punctuation: nothing to search for.
            return Ok(None);
        };
        if alternatives.is_empty() {
            // A prefix or fuzzy word nothing in the index is near.
            self.notes
                .push(format!("{label} → no indexed word matches"));
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
        self.notes.push(describe(label, &alternatives, negated));
        let mut per_alternative: Vec<Box<dyn Query>> = Vec::new();
        for alt in &alternatives {
            let mut per_field: Vec<Box<dyn Query>> = Vec::new();
            for (field, boost) in self.scope_fields(scope) {
                let q = self.sequence_query(field, &alt.sequence, alt.slop);
                if !negated {
                    let field_name = match field {
                        f if f == self.fields.title => "title",
                        f if f == self.fields.section => "section",
                        _ => "text",
                    };
                    self.parts.push(ScoredPart {
                        label: format!("{field_name}: {}", describe_alternative(alt)),
                        query: q.box_clone(),
                        weight: boost,
                    });
                }
                per_field.push(if boost == 1.0 {
                    q
                } else {
                    Box::new(BoostQuery::new(q, boost))
                });
            }
            per_alternative.push(if per_field.len() == 1 {
                per_field.pop().expect("one field")
            } else {
                Box::new(BooleanQuery::union(per_field))
            });
        }
        if !negated && matches!(scope, Scope::All | Scope::Body) {
            for alt in alternatives {
                self.matchers.push(Matcher {
                    sequence: alt
                        .sequence
                        .into_iter()
                        .map(|alts| alts.into_iter().collect::<HashSet<_>>())
                        .collect(),
                    slop: alt.slop,
                });
            }
        }
        if per_alternative.len() == 1 {
            per_alternative.pop().expect("one alternative")
        } else {
            Box::new(DisjunctionMaxQuery::new(per_alternative))
        }
    }

    /// `None` when the word has nothing to search for.
    fn word_alternatives(&mut self, word: &str, exact: bool) -> Option<Vec<Alternative>> {
        let terms = self.terms(word, exact);
        if terms.is_empty() {
            return None;
        }
        let mut alternatives = vec![Alternative {
            sequence: terms.clone(),
            slop: 0,
            why: if exact { "exact form" } else { "as typed" }.into(),
        }];
        if exact {
            return Some(alternatives);
        }
        let exacts = self.analyzer.exact_forms(word);
        if terms.len() >= 2 && word.contains(['-', '‐', '‑']) {
            // `snap-back` → also `snapback`, when the index has it.
            self.add_joined_alternative(&exacts.concat(), &mut alternatives);
        } else if terms.len() == 1 {
            // `snapback` → also `snap back`, when the word is rare and its halves are not.
            if let Some((a, b)) = self.split_compound(&exacts[0], &terms[0][0]) {
                alternatives.push(Alternative {
                    sequence: vec![vec![a], vec![b]],
                    slop: 0,
                    why: "split compound".into(),
                });
            }
        }
        self.add_alias_alternatives(&terms, word, &mut alternatives);
        Some(alternatives)
    }

    fn phrase_alternatives(
        &mut self,
        text: &str,
        slop: u32,
        exact: bool,
    ) -> Option<Vec<Alternative>> {
        let terms = self.terms(text, exact);
        if terms.is_empty() {
            return None;
        }
        let mut alternatives = vec![Alternative {
            sequence: terms.clone(),
            slop,
            why: if exact { "exact forms" } else { "as typed" }.into(),
        }];
        if exact {
            return Some(alternatives);
        }
        if terms.len() == 2 {
            // `"snap back"` → also `snapback`, when the index has it.
            let joined = self.analyzer.exact_forms(text).concat();
            self.add_joined_alternative(&joined, &mut alternatives);
        }
        self.add_alias_alternatives(&terms, text, &mut alternatives);
        Some(alternatives)
    }

    /// A compound's joined form (`snapback`), when the index has it.
    fn add_joined_alternative(&mut self, joined: &str, alternatives: &mut Vec<Alternative>) {
        let joined = self.analyzer.stem(joined);
        if self.body_df(&joined) > 0 {
            alternatives.push(Alternative {
                sequence: vec![vec![joined]],
                slop: 0,
                why: "joined compound".into(),
            });
        }
    }

    /// The other names of the alias group whose name has these terms, if any.
    fn add_alias_alternatives(
        &mut self,
        terms: &[Vec<String>],
        typed: &str,
        alternatives: &mut Vec<Alternative>,
    ) {
        let Some(table) = self.options.aliases else {
            return;
        };
        let Some(names) = table.lookup(&flatten(terms), self.acronyms) else {
            return;
        };
        self.add_names(names, typed, alternatives);
    }

    fn add_names(&mut self, names: &[String], typed: &str, alternatives: &mut Vec<Alternative>) {
        let typed_terms = flatten(&self.terms(typed, false));
        for name in names {
            // The table writes names as they are written: its capitals are acronyms.
            let sequence = self
                .analyzer
                .query_terms(name, QueryForm::Stem { acronyms: true });
            if sequence.is_empty() || flatten(&sequence) == typed_terms {
                continue;
            }
            if alternatives.iter().any(|a| a.sequence == sequence) {
                continue;
            }
            alternatives.push(Alternative {
                sequence,
                slop: 0,
                why: format!("alias `{name}`"),
            });
        }
    }

    /// `snap-ba*`: the leading words as typed, the last one expanded through the index.
    fn prefix_alternatives(&mut self, scope: Scope, prefix: &str) -> Option<Vec<Alternative>> {
        let mut exacts = self.analyzer.exact_forms(prefix);
        let last = exacts.pop()?;
        let mut sequence: Vec<Vec<String>> =
            exacts.iter().map(|w| vec![self.analyzer.stem(w)]).collect();
        let expansion = self.expand(scope, MAX_PREFIX_TERMS, Some(&last), |term| {
            term.starts_with(last.as_str())
        });
        if expansion.is_empty() {
            return Some(Vec::new());
        }
        sequence.push(expansion);
        Some(vec![Alternative {
            sequence,
            slop: 0,
            why: "words starting so".into(),
        }])
    }

    /// `Ghalibaff~1`: the indexed words within `distance` edits of the word's exact form.
    fn fuzzy_alternatives(&mut self, word: &str, distance: u8) -> Option<Vec<Alternative>> {
        let exact = self.analyzer.exact_forms(word).pop()?;
        let expansion = self.expand(Scope::Body, MAX_FUZZY_TERMS, None, |term| {
            term.len().abs_diff(exact.len()) <= usize::from(distance)
                && edit_distance(term, &exact) <= usize::from(distance)
        });
        if expansion.is_empty() {
            return Some(Vec::new());
        }
        Some(vec![Alternative {
            sequence: vec![expansion],
            slop: 0,
            why: format!(
                "within {distance} edit{}",
                if distance == 1 { "" } else { "s" }
            ),
        }])
    }

    /// The indexed words of the scope's fields for which `accept` holds, the most frequent
    /// first, at most `limit` of them; with a `prefix`, only the words starting with it are
    /// read from the dictionary. Acronym terms (capitals) are never expansions.
    fn expand(
        &self,
        scope: Scope,
        limit: usize,
        prefix: Option<&str>,
        accept: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut doc_freqs: BTreeMap<String, u64> = BTreeMap::new();
        for (field, _) in self.scope_fields(scope) {
            for segment in self.searcher.segment_readers() {
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
                    if !term.bytes().any(|b| b.is_ascii_uppercase()) && accept(term) {
                        *doc_freqs.entry(term.to_owned()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        let mut terms: Vec<(String, u64)> = doc_freqs.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(limit);
        terms.into_iter().map(|(t, _)| t).collect()
    }

    fn sequence_query(&self, field: Field, sequence: &[Vec<String>], slop: u32) -> Box<dyn Query> {
        sequence_query_with(field, sequence, slop, &|term| self.idf_weight(term))
    }

    /// BM25's classic idf, `ln((N - n + 0.5) / (n + 0.5))`, as a weight on tantivy's
    /// `ln(1 + (N - n + 0.5) / (n + 0.5))`: the two agree on rare words, but a word in most
    /// passages (`nations` in a UN corpus, `said` in news) then counts for almost nothing
    /// instead of a steady amount, as in Lucene's classic scoring and SQLite FTS5.
    fn idf_weight(&self, term: &Term) -> f32 {
        let total = self.searcher.num_docs() as f64;
        let n = self.searcher.doc_freq(term).unwrap_or(0) as f64;
        if n == 0.0 || total == 0.0 {
            return 1.0;
        }
        let ratio = (total - n + 0.5) / (n + 0.5);
        let classic = ratio.ln().max(0.0) + COMMON_WORD_FLOOR;
        let tantivy = ratio.ln_1p();
        (classic / tantivy).min(1.0) as f32
    }

    fn body_df(&self, term: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(self.fields.body, term))
            .unwrap_or(0)
    }

    /// Two indexed words that a rare word is made of and that the index has side by side
    /// (`snapback` → `snap back`), the most common such pair; `None` when the word is common
    /// itself (in more than one passage in a thousand, and more than five) or has no such
    /// halves. Halves are at least three letters.
    fn split_compound(&mut self, exact: &str, stem: &str) -> Option<(String, String)> {
        if exact.len() < 6 || !exact.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let rare = (self.searcher.num_docs() / 1000).max(5);
        if self.body_df(stem) > rare {
            return None;
        }
        let mut candidates: Vec<(u64, String, String)> = Vec::new();
        for i in 3..=exact.len() - 3 {
            let (a, b) = exact.split_at(i);
            let weaker = self.body_df(a).min(self.body_df(b));
            if weaker > 0 {
                candidates.push((weaker, self.analyzer.stem(a), self.analyzer.stem(b)));
            }
        }
        candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
        candidates.into_iter().find_map(|(_, a, b)| {
            let phrase = PhraseQuery::new(vec![
                Term::from_field_text(self.fields.body, &a),
                Term::from_field_text(self.fields.body, &b),
            ]);
            let found = self
                .searcher
                .search(&phrase, &tantivy::collector::Count)
                .unwrap_or(0);
            (found > 0).then_some((a, b))
        })
    }
}

/// What a word in half the passages or more still counts for (in idf units): a trace, so
/// passages with it still rank above those without.
const COMMON_WORD_FLOOR: f64 = 0.05;

/// English function words: common to nearly every passage, so no help in ranking.
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "done", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him",
    "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "me", "might", "more",
    "most", "must", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
    "other", "others", "our", "ours", "out", "over", "own", "same", "shall", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these",
    "they", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "us", "very",
    "was", "we", "were", "what", "when", "where", "whether", "which", "while", "who", "whom",
    "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours",
];

/// A plain word (letters only, any case) that is a stop word. `U.S.`, `US` in capitals inside a
/// mixed-case query and quoted words are never stop words.
fn is_stopword(word: &str) -> bool {
    if !word
        .chars()
        .all(|c| c.is_alphabetic() || c == '\'' || c == '’')
    {
        return false;
    }
    let lower = word.to_lowercase();
    let is_capital_acronym = word.chars().count() <= 3
        && word.chars().all(char::is_uppercase)
        && word.chars().count() >= 2;
    STOPWORDS.binary_search(&lower.as_str()).is_ok() && !(is_capital_acronym && lower == "us")
}

fn flatten(sequence: &[Vec<String>]) -> Vec<String> {
    sequence
        .iter()
        .filter_map(|alts| alts.first().cloned())
        .collect()
}

/// A query written in capitals throughout (three words or more, no lower case): capitals are
/// then no sign of acronyms.
fn is_all_caps_query(text: &str) -> bool {
    let words = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    words >= 3 && !text.chars().any(char::is_lowercase)
}

/// How a leaf was understood, in words: `snapback → snapback | "snap back" (split compound)`.
fn describe(label: &str, alternatives: &[Alternative], negated: bool) -> String {
    let shown: Vec<String> = alternatives.iter().map(describe_alternative).collect();
    format!(
        "{}{label} → {}",
        if negated { "excluded: " } else { "" },
        shown.join(" | ")
    )
}

/// One alternative in words: `"snap back" (split compound)`.
fn describe_alternative(a: &Alternative) -> String {
    let words: Vec<String> = a
        .sequence
        .iter()
        .map(|alts| match alts.len() {
            0 => String::new(),
            1 => alts[0].clone(),
            n if n <= 6 => format!("({})", alts.join("|")),
            n => format!("({}|… {n} words)", alts[..5].join("|")),
        })
        .collect();
    let text = if words.len() > 1 {
        let slop = if a.slop > 0 {
            format!("~{}", a.slop)
        } else {
            String::new()
        };
        format!("\"{}\"{slop}", words.join(" "))
    } else {
        words.concat()
    };
    format!("{text} ({})", a.why)
}

/// Damerau-Levenshtein distance (optimal string alignment: a swap of neighbours is one edit), as
/// tantivy's fuzzy queries count.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// One field's query for a sequence of positions, each with its alternative terms.
fn sequence_query_with(
    field: Field,
    sequence: &[Vec<String>],
    slop: u32,
    weight: &dyn Fn(&Term) -> f32,
) -> Box<dyn Query> {
    let term_query = |t: &str| -> Box<dyn Query> {
        let term = Term::from_field_text(field, t);
        let w = weight(&term);
        let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
        if (w - 1.0).abs() < 1e-6 {
            q
        } else {
            Box::new(BoostQuery::new(q, w))
        }
    };
    if sequence.len() == 1 {
        let mut terms: Vec<Box<dyn Query>> = sequence[0].iter().map(|t| term_query(t)).collect();
        return if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Box::new(BooleanQuery::union(terms))
        };
    }
    // Alternatives only ever sit at the last position (a prefix): one phrase per alternative.
    let (last, leading) = sequence.split_last().expect("sequence has 2+ positions");
    let phrases: Vec<Box<dyn Query>> = last
        .iter()
        .map(|alt| {
            let terms = leading
                .iter()
                .map(|alts| alts[0].as_str())
                .chain(std::iter::once(alt.as_str()))
                .enumerate()
                .map(|(i, t)| (i, Term::from_field_text(field, t)))
                .collect();
            Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)) as Box<dyn Query>
        })
        .collect();
    if phrases.len() == 1 {
        phrases.into_iter().next().expect("one phrase")
    } else {
        Box::new(BooleanQuery::union(phrases))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances_count_swaps_as_one() {
        assert_eq!(edit_distance("ghalibaff", "ghalibaf"), 1);
        assert_eq!(edit_distance("araqchi", "araghchi"), 2);
        assert_eq!(edit_distance("sanctoin", "sanction"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn stopwords_are_sorted_for_lookup() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stopword("The") && is_stopword("what"));
        assert!(!is_stopword("U.S") && !is_stopword("sanctions"));
    }

    #[test]
    fn all_caps_queries_are_recognised() {
        assert!(is_all_caps_query("KENNEDY ADMINISTRATION PRESSURE ON DIEM"));
        assert!(!is_all_caps_query("US sanctions"));
        assert!(!is_all_caps_query("US UK"));
    }
}
