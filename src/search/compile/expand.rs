//! Expansion: each query word, phrase, prefix or fuzzy word as the alternatives it can match,
//! as plain data. What the index holds is asked through [`TermStats`], so the rules can be
//! tested against a small fake of an index.
//!
//! - the words as typed (stems, or exact forms for `=word`; acronym terms for capitals);
//! - a hyphenated word or two-word phrase also as its joined form when the index has it
//!   (`snap-back`, `"snap back"` → `snapback`), and a rare word also split in two when the index
//!   has both halves side by side (`snapback` → `"snap back"`);
//! - the other names of its alias group (`IRGC` → `Islamic Revolutionary Guard Corps`, ...);
//! - a prefix or a fuzzy word as the indexed words it stands for.

use std::collections::BTreeMap;

use serde::Serialize;

use super::score::{scope_fields, FieldKind};
use crate::index::analyzer::{QueryForm, Word, WordAnalyzer};
use crate::search::aliases::AliasTable;
use crate::search::query::Scope;

/// At most this many indexed words stand in for one `prefix*` (the most frequent ones).
pub const MAX_PREFIX_TERMS: usize = 256;
/// At most this many indexed words stand in for one `word~N`.
pub const MAX_FUZZY_TERMS: usize = 64;

/// What the index knows about its terms, as expansion needs it.
pub trait TermStats {
    /// Passages in the index.
    fn num_docs(&self) -> u64;
    /// Passages whose text holds `term`.
    fn body_doc_freq(&self, term: &str) -> u64;
    /// Whether some passage text holds `a` right before `b`.
    fn body_has_phrase(&self, a: &str, b: &str) -> bool;
    /// The indexed terms of `field` (starting with `prefix`, when given) that `accept` takes,
    /// with the passages holding each.
    fn scan_terms(
        &self,
        field: FieldKind,
        prefix: Option<&str>,
        accept: &dyn Fn(&str) -> bool,
    ) -> Vec<(String, u64)>;

    /// The indexed terms of `field` within `distance` edits of `word` (a swap of two
    /// neighbouring letters is one edit; see [`edit_distance`]), with the passages holding
    /// each. By default a scan of every term; an index answers it from its term dictionary
    /// with an automaton instead, so that `~2` on every word of a long query stays fast.
    fn near_terms(&self, field: FieldKind, word: &str, distance: u8) -> Vec<(String, u64)> {
        let max = usize::from(distance);
        self.scan_terms(field, None, &|term| {
            term.len().abs_diff(word.len()) <= 4 * max && edit_distance(term, word) <= max
        })
    }
}

impl<T: TermStats + ?Sized> TermStats for &T {
    fn num_docs(&self) -> u64 {
        (**self).num_docs()
    }
    fn body_doc_freq(&self, term: &str) -> u64 {
        (**self).body_doc_freq(term)
    }
    fn body_has_phrase(&self, a: &str, b: &str) -> bool {
        (**self).body_has_phrase(a, b)
    }
    fn scan_terms(
        &self,
        field: FieldKind,
        prefix: Option<&str>,
        accept: &dyn Fn(&str) -> bool,
    ) -> Vec<(String, u64)> {
        (**self).scan_terms(field, prefix, accept)
    }
    fn near_terms(&self, field: FieldKind, word: &str, distance: u8) -> Vec<(String, u64)> {
        (**self).near_terms(field, word, distance)
    }
}

/// Why an alternative is a way to match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// The words as typed (their stems).
    AsTyped,
    /// `=word` or `--exact`: the exact forms.
    ExactForms,
    /// A hyphenated word or two-word phrase as one word (`snapback`).
    JoinedCompound,
    /// A rare word as the two words it is made of (`snap back`).
    SplitCompound,
    /// Another name of the word's alias group.
    Alias { name: String },
    /// The indexed words starting with a prefix.
    Prefix,
    /// The indexed words within some edits.
    Fuzzy { distance: u8 },
}

/// One way a leaf can match: positions with their accepted terms, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternative {
    pub sequence: Vec<Vec<String>>,
    pub slop: u32,
    pub why: Why,
}

impl Alternative {
    fn new(sequence: Vec<Vec<String>>, slop: u32, why: Why) -> Alternative {
        Alternative {
            sequence,
            slop,
            why,
        }
    }
}

/// Expands query words into their alternatives.
pub struct Expander<'a, S: TermStats> {
    stats: S,
    aliases: Option<&'a AliasTable>,
    /// Every word in its exact form (`--exact`).
    exact: bool,
    /// Capitals mark acronyms (not in a query written in capitals throughout).
    pub acronyms: bool,
    analyzer: WordAnalyzer,
}

impl<'a, S: TermStats> Expander<'a, S> {
    pub fn new(stats: S, aliases: Option<&'a AliasTable>, exact: bool) -> Expander<'a, S> {
        Expander {
            stats,
            aliases,
            exact,
            acronyms: true,
            analyzer: WordAnalyzer::default(),
        }
    }

    /// The index's term statistics.
    pub fn stats(&self) -> &S {
        &self.stats
    }

    /// The analysed words of a query word or phrase.
    pub fn analyze(&mut self, text: &str) -> Vec<Word> {
        self.analyzer.analyze(text)
    }

    /// The positions of `words` with their terms (stems, or exact forms).
    fn terms(&self, words: &[Word], exact: bool) -> Vec<Vec<String>> {
        let form = if exact || self.exact {
            QueryForm::Exact
        } else {
            QueryForm::Stem {
                acronyms: self.acronyms,
            }
        };
        words
            .iter()
            .map(|w| vec![w.clone().query_term(form)])
            .collect()
    }

    /// A word as typed; `None` when it has nothing to search for (only punctuation).
    pub fn word(&mut self, word: &str, exact: bool) -> Option<Vec<Alternative>> {
        let words = self.analyze(word);
        let terms = self.terms(&words, exact);
        if terms.is_empty() {
            return None;
        }
        let exact = exact || self.exact;
        let why = if exact { Why::ExactForms } else { Why::AsTyped };
        let mut alternatives = vec![Alternative::new(terms.clone(), 0, why)];
        if exact {
            return Some(alternatives);
        }
        if terms.len() >= 2 && words.iter().any(|w| w.hyphen_before) {
            // `snap-back` → also `snapback`, when the index has it.
            let joined: String = words.iter().map(|w| w.exact.as_str()).collect();
            self.add_joined(&joined, &mut alternatives);
        } else if terms.len() == 1 {
            // `snapback` → also `snap back`, when the word is rare and its halves are not.
            if let Some((a, b)) = self.split_compound(&words[0].exact, &terms[0][0]) {
                alternatives.push(Alternative::new(
                    vec![vec![a], vec![b]],
                    0,
                    Why::SplitCompound,
                ));
            }
        }
        self.add_aliases(&terms, word, &mut alternatives);
        Some(alternatives)
    }

    /// A quoted phrase; `None` when it has nothing to search for.
    pub fn phrase(&mut self, text: &str, slop: u32, exact: bool) -> Option<Vec<Alternative>> {
        let words = self.analyze(text);
        let terms = self.terms(&words, exact);
        if terms.is_empty() {
            return None;
        }
        let exact = exact || self.exact;
        let why = if exact { Why::ExactForms } else { Why::AsTyped };
        let mut alternatives = vec![Alternative::new(terms.clone(), slop, why)];
        if exact {
            return Some(alternatives);
        }
        if terms.len() == 2 {
            // `"snap back"` → also `snapback`, when the index has it.
            let joined: String = words.iter().map(|w| w.exact.as_str()).collect();
            self.add_joined(&joined, &mut alternatives);
        }
        self.add_aliases(&terms, text, &mut alternatives);
        Some(alternatives)
    }

    /// The other names of the alias group named by `words` (two words or more, as typed), if
    /// the words are a name of one.
    pub fn name(&mut self, text: &str) -> Option<Vec<Alternative>> {
        let table = self.aliases?;
        if self.exact {
            return None;
        }
        let words = self.analyze(text);
        let terms = self.terms(&words, false);
        let names = table.lookup(&flatten(&terms), self.acronyms)?.to_vec();
        let mut alternatives = Vec::new();
        self.add_names(&names, text, &mut alternatives);
        Some(alternatives)
    }

    /// `snap-ba*`: the leading words as typed, the last one expanded through the index; an
    /// empty list when no indexed word starts so.
    pub fn prefix(&mut self, scope: Scope, prefix: &str) -> Option<Vec<Alternative>> {
        let mut exacts: Vec<String> = self.analyze(prefix).into_iter().map(|w| w.exact).collect();
        let last = exacts.pop()?;
        let mut sequence: Vec<Vec<String>> =
            exacts.iter().map(|w| vec![self.analyzer.stem(w)]).collect();
        let expansion = self.scan(scope, MAX_PREFIX_TERMS, Some(&last), &|term| {
            term.starts_with(last.as_str())
        });
        if expansion.is_empty() {
            return Some(Vec::new());
        }
        sequence.push(expansion);
        Some(vec![Alternative::new(sequence, 0, Why::Prefix)])
    }

    /// `Ghalibaff~1`: the indexed words within `distance` edits of the word's exact form; an
    /// empty list when none is.
    pub fn fuzzy(&mut self, word: &str, distance: u8) -> Option<Vec<Alternative>> {
        let exact = self.analyze(word).pop()?.exact;
        let expansion = self.near(&exact, distance);
        if expansion.is_empty() {
            return Some(Vec::new());
        }
        Some(vec![Alternative::new(
            vec![expansion],
            0,
            Why::Fuzzy { distance },
        )])
    }

    /// For a query word the index does not know (in no passage's text, title or section): the
    /// byte range of the word in `typed` (punctuation around it aside) and the indexed word to
    /// put there, the most frequent one within one edit (two for a word of six letters or
    /// more), the fewest edits first. `None` for a known word, an acronym, a number, a word of
    /// fewer than four letters, or one nothing in the index is near.
    pub fn correction(&mut self, typed: &str) -> Option<(usize, usize, String)> {
        let words = self.analyze(typed);
        let [word] = words.as_slice() else {
            return None;
        };
        let letters = word.exact.chars().count();
        if letters < 4 || word.acronym.is_some() || !word.exact.chars().all(char::is_alphabetic) {
            return None;
        }
        if self.known(&word.stem) || self.known(&word.exact) {
            return None;
        }
        let max = if letters >= 6 { 2 } else { 1 };
        let exact = word.exact.clone();
        let near = self.near(&exact, max as u8);
        // `near` is the most frequent first: the first at the fewest edits.
        let best = (1..=max).find_map(|d| {
            near.iter()
                .find(|term| edit_distance(term, &exact) == d)
                .cloned()
        })?;
        Some((word.start, word.end, best))
    }

    /// Whether the index has `term` in some passage's text, title or section.
    fn known(&self, term: &str) -> bool {
        self.stats.body_doc_freq(term) > 0
            || [FieldKind::Title, FieldKind::Section].iter().any(|&field| {
                !self
                    .stats
                    .scan_terms(field, Some(term), &|t| t == term)
                    .is_empty()
            })
    }

    /// Whether a plain query word is a stop word (analysed alone: `US` is not, `us` is).
    pub fn is_stopword(&mut self, word: &str) -> bool {
        self.analyzer.is_stopword(word)
    }

    /// A compound's joined form (`snapback`), when the index has it.
    fn add_joined(&mut self, joined: &str, alternatives: &mut Vec<Alternative>) {
        let joined = self.analyzer.stem(joined);
        if self.stats.body_doc_freq(&joined) > 0 {
            alternatives.push(Alternative::new(vec![vec![joined]], 0, Why::JoinedCompound));
        }
    }

    /// The other names of the alias group whose name has these terms, if any.
    fn add_aliases(
        &mut self,
        terms: &[Vec<String>],
        typed: &str,
        alternatives: &mut Vec<Alternative>,
    ) {
        let Some(table) = self.aliases else {
            return;
        };
        let Some(names) = table.lookup(&flatten(terms), self.acronyms) else {
            return;
        };
        self.add_names(names, typed, alternatives);
    }

    fn add_names(&mut self, names: &[String], typed: &str, alternatives: &mut Vec<Alternative>) {
        let typed_words = self.analyze(typed);
        let typed_terms = flatten(&self.terms(&typed_words, false));
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
            alternatives.push(Alternative::new(
                sequence,
                0,
                Why::Alias { name: name.clone() },
            ));
        }
    }

    /// The indexed words of the scope's fields for which `accept` holds, the most frequent
    /// first, at most `limit` of them. Acronym terms (capitals) are never expansions.
    /// The [`MAX_FUZZY_TERMS`] most frequent indexed words of the passage text within
    /// `distance` edits of `exact`.
    fn near(&self, exact: &str, distance: u8) -> Vec<String> {
        let mut terms: Vec<(String, u64)> = self
            .stats
            .near_terms(FieldKind::Body, exact, distance)
            .into_iter()
            .filter(|(term, _)| !term.bytes().any(|b| b.is_ascii_uppercase()))
            .collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(MAX_FUZZY_TERMS);
        terms.into_iter().map(|(t, _)| t).collect()
    }

    fn scan(
        &self,
        scope: Scope,
        limit: usize,
        prefix: Option<&str>,
        accept: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut doc_freqs: BTreeMap<String, u64> = BTreeMap::new();
        let accept_word =
            |term: &str| !term.bytes().any(|b| b.is_ascii_uppercase()) && accept(term);
        for &(field, _) in scope_fields(scope) {
            for (term, df) in self.stats.scan_terms(field, prefix, &accept_word) {
                *doc_freqs.entry(term).or_default() += df;
            }
        }
        let mut terms: Vec<(String, u64)> = doc_freqs.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(limit);
        terms.into_iter().map(|(t, _)| t).collect()
    }

    /// Two indexed words that a rare word is made of and that the index has side by side
    /// (`snapback` → `snap back`), the most common such pair; `None` when the word is common
    /// itself (in more than one passage in a thousand, and more than five) or has no such
    /// halves. Halves are at least three letters.
    fn split_compound(&mut self, exact: &str, stem: &str) -> Option<(String, String)> {
        if exact.len() < 6 || !exact.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let rare = (self.stats.num_docs() / 1000).max(5);
        if self.stats.body_doc_freq(stem) > rare {
            return None;
        }
        let mut candidates: Vec<(u64, String, String)> = Vec::new();
        for i in 3..=exact.len() - 3 {
            let (a, b) = exact.split_at(i);
            let weaker = self.stats.body_doc_freq(a).min(self.stats.body_doc_freq(b));
            if weaker > 0 {
                candidates.push((weaker, self.analyzer.stem(a), self.analyzer.stem(b)));
            }
        }
        candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
        candidates
            .into_iter()
            .find(|(_, a, b)| self.stats.body_has_phrase(a, b))
            .map(|(_, a, b)| (a, b))
    }
}

/// The first term of each position.
pub fn flatten(sequence: &[Vec<String>]) -> Vec<String> {
    sequence
        .iter()
        .filter_map(|alts| alts.first().cloned())
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake index: body terms with their passage counts, and the pairs that stand side by
    /// side somewhere.
    struct Fake {
        num_docs: u64,
        body: BTreeMap<String, u64>,
        phrases: Vec<(String, String)>,
    }

    impl Fake {
        fn new(num_docs: u64, body: &[(&str, u64)], phrases: &[(&str, &str)]) -> Fake {
            Fake {
                num_docs,
                body: body.iter().map(|(t, n)| (t.to_string(), *n)).collect(),
                phrases: phrases
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
            }
        }
    }

    impl TermStats for Fake {
        fn num_docs(&self) -> u64 {
            self.num_docs
        }
        fn body_doc_freq(&self, term: &str) -> u64 {
            self.body.get(term).copied().unwrap_or(0)
        }
        fn body_has_phrase(&self, a: &str, b: &str) -> bool {
            self.phrases.iter().any(|(x, y)| x == a && y == b)
        }
        fn scan_terms(
            &self,
            field: FieldKind,
            prefix: Option<&str>,
            accept: &dyn Fn(&str) -> bool,
        ) -> Vec<(String, u64)> {
            if field != FieldKind::Body {
                return Vec::new();
            }
            self.body
                .iter()
                .filter(|(t, _)| prefix.is_none_or(|p| t.starts_with(p)) && accept(t))
                .map(|(t, n)| (t.clone(), *n))
                .collect()
        }
    }

    fn whys(alternatives: &[Alternative]) -> Vec<&Why> {
        alternatives.iter().map(|a| &a.why).collect()
    }

    /// The expansion rules, one row each: what the query says, what the index holds, and the
    /// alternatives that come out.
    #[test]
    fn each_word_expands_into_what_the_index_can_match() {
        let fake = Fake::new(
            10_000,
            &[
                ("snapback", 3),
                ("snap", 40),
                ("back", 900),
                ("sanction", 300),
                ("sanctions", 250),
                ("sanctioned", 20),
                ("ghalibaf", 2),
                ("irgc", 12),
            ],
            &[("snap", "back")],
        );
        let aliases = AliasTable::builtin();
        let mut x = Expander::new(&fake, Some(&aliases), false);

        let snapback = x.word("snapback", false).unwrap();
        assert_eq!(whys(&snapback)[..2], [&Why::AsTyped, &Why::SplitCompound]);
        assert_eq!(snapback[1].sequence, [["snap"], ["back"]]);

        let hyphenated = x.word("snap-back", false).unwrap();
        assert_eq!(hyphenated[0].sequence, [["snap"], ["back"]]);
        assert_eq!(hyphenated[1].why, Why::JoinedCompound);
        assert_eq!(hyphenated[1].sequence, [["snapback"]]);

        let phrase = x.phrase("snap back", 0, false).unwrap();
        assert_eq!(whys(&phrase)[..2], [&Why::AsTyped, &Why::JoinedCompound]);

        let exact = x.word("sanctions", true).unwrap();
        assert_eq!(whys(&exact), [&Why::ExactForms]);
        assert_eq!(exact[0].sequence, [["sanctions"]]);
        assert_eq!(
            x.word("sanctions", false).unwrap()[0].sequence,
            [["sanction"]]
        );

        let prefix = x.prefix(Scope::All, "sanct").unwrap();
        assert_eq!(
            prefix[0].sequence,
            [["sanction", "sanctions", "sanctioned"]],
            "most frequent first"
        );
        assert!(x.prefix(Scope::All, "zzz").unwrap().is_empty());

        let fuzzy = x.fuzzy("Ghalibaff", 1).unwrap();
        assert_eq!(fuzzy[0].sequence, [["ghalibaf"]]);
        assert_eq!(fuzzy[0].why, Why::Fuzzy { distance: 1 });

        let irgc = x.word("IRGC", false).unwrap();
        assert_eq!(irgc[0].sequence, [["irgc"]], "four capitals: a word");
        assert_eq!(
            x.word("US", false).unwrap()[0].sequence,
            [["US"]],
            "two capitals: the acronym term"
        );
        assert!(
            irgc.iter()
                .any(|a| matches!(&a.why, Why::Alias { name } if name.contains("Revolutionary"))),
            "{irgc:?}"
        );
        assert!(
            x.word("—", false).is_none(),
            "punctuation: nothing to search"
        );
    }

    #[test]
    fn common_words_are_not_split_and_stop_words_are_known() {
        let fake = Fake::new(
            1_000,
            &[("background", 500), ("back", 600), ("ground", 300)],
            &[("back", "ground")],
        );
        let mut x = Expander::new(&fake, None, false);
        assert_eq!(whys(&x.word("background", false).unwrap()), [&Why::AsTyped]);
        assert!(x.is_stopword("The") && x.is_stopword("us"));
        assert!(!x.is_stopword("US") && !x.is_stopword("U.S.") && !x.is_stopword("sanctions"));
    }

    /// "Did you mean": an unknown word becomes the most frequent indexed word near it.
    #[test]
    fn unknown_words_are_corrected_from_the_index() {
        let fake = Fake::new(
            10_000,
            &[
                ("ghalibaf", 2),
                ("sanction", 300),
                ("sanctions", 250),
                ("sanctity", 3),
                ("iran", 900),
                ("iraq", 400),
            ],
            &[],
        );
        let mut x = Expander::new(&fake, None, false);
        assert_eq!(
            x.correction("ghalibaff"),
            Some((0, 9, "ghalibaf".to_owned()))
        );
        assert_eq!(
            x.correction("Ghalibaff?"),
            Some((0, 9, "ghalibaf".to_owned())),
            "punctuation stays out of the range"
        );
        // One edit beats two, then the more frequent word wins.
        assert_eq!(x.correction("sanctoins").unwrap().2, "sanctions");
        assert_eq!(x.correction("sancton").unwrap().2, "sanction");
        assert_eq!(x.correction("irna").unwrap().2, "iran");
        // Known words, short words, acronyms and numbers have no correction.
        for word in ["sanctions", "Iran", "irn", "IRGC", "1979", "zzzzzzzz"] {
            assert_eq!(x.correction(word), None, "{word}");
        }
    }

    #[test]
    fn edit_distances_count_swaps_as_one() {
        assert_eq!(edit_distance("ghalibaff", "ghalibaf"), 1);
        assert_eq!(edit_distance("araqchi", "araghchi"), 2);
        assert_eq!(edit_distance("sanctoin", "sanction"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
