//! The analyzer: how text becomes index terms. The same word analysis runs at ingest, on query
//! words and over passage text for highlights, so a highlight is exactly what matched.
//!
//! Words are split on Unicode word boundaries (UAX #29) with byte offsets into the original text,
//! and normalised inside the tokenizer (tantivy has no character-filter stage):
//! - Unicode compatibility forms (NFKC), lower case, diacritics folded to ASCII (`Zürich` →
//!   `zurich`), apostrophe variants, possessives (`Iran’s` → `iran`);
//! - dotted acronyms lose their dots (`U.S.`, `U. S.`, `U.S .` → `us`);
//! - each word is indexed as its English (Porter2) stem **and**, when different, its exact form on
//!   the same position (Lucene's keyword-repeat), so `sanction` finds `sanctions` while
//!   `=sanctions` finds only the literal form, without a second field;
//! - acronyms keep their case in an extra term (`US` → `US` beside `us`): written in capitals in
//!   mixed-case text (two or three characters: `US`, `UN`, `E3`) or with dots anywhere (`U.S.`),
//!   so a query for `US` does not find the pronoun `us`. All-caps text (a TIME 1963 cable) marks
//!   only its dotted acronyms;
//! - hyphenated compounds are also indexed joined, on the position of their first part
//!   (`snap-back` → `snap`, `back`, and `snapback`).
//!
//! Stems are cached: a corpus repeats the same few thousand words.
//!
//! For comparing two texts word for word (`dossier quote`), [`WordAnalyzer::spelling_stem`]
//! also brings British and American spellings to one form ([`spelling`]).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::tokenizer::{
    AsciiFoldingFilter, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

pub mod spelling;
pub use spelling::american_spelling;

/// The name the analyzer is registered under in the schema.
pub const ANALYZER_NAME: &str = "dossier_en";
/// The analyzer of titles and sections: the same words and stems, without the exact forms (a
/// title repeats on every passage of its document; exact matching is for the text).
pub const HEADING_ANALYZER_NAME: &str = "dossier_en_heading";

/// The characters that join the parts of a compound (`snap-back`): hyphen-minus, hyphen and
/// non-breaking hyphen. Dashes (`–`, `—`) and slashes separate words.
pub const HYPHENS: &[char] = &['-', '‐', '‑'];

/// Words longer than this (in bytes) are not indexed: they are never words an analyst types.
const MAX_WORD_BYTES: usize = 64;

/// Scratch words an analyzer keeps between texts (a longer text's are let go).
const SCRATCH_WORDS: usize = 4096;

/// Words remembered per analyzer before the caches start over (bounds memory on odd corpora).
const CACHE_WORDS: usize = 200_000;

/// A word of a text, analysed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub position: usize,
    pub start: usize,
    pub end: usize,
    /// Lower case, folded to ASCII, without possessive or acronym dots.
    pub exact: String,
    /// The English stem of `exact`.
    pub stem: String,
    /// For acronyms: the upper-case term (`US`).
    pub acronym: Option<String>,
    /// Joined to the previous word by a hyphen (`back` in `snap-back`).
    pub hyphen_before: bool,
    /// Written with dots (`U.S.`): an acronym in any text, capitals or not.
    pub dotted: bool,
}

impl Word {
    /// The term a query searches for this word. Dots make an acronym in any query; capitals
    /// only where the query is not written in capitals throughout.
    pub fn query_term(self, form: QueryForm) -> String {
        match (form, self.acronym) {
            (QueryForm::Stem { acronyms }, Some(acronym)) if acronyms || self.dotted => acronym,
            (QueryForm::Stem { .. }, _) => self.stem,
            (QueryForm::Exact, Some(acronym)) => acronym,
            (QueryForm::Exact, None) => self.exact,
        }
    }

    /// An English function word (`the`, `of`, `what`), common to nearly every passage and so no
    /// help in ranking. `US` and `U.S.` (the acronym) are not stop words; `us` is.
    pub fn is_stopword(&self) -> bool {
        let letters = self.exact.bytes().all(|b| b.is_ascii_lowercase());
        letters
            && STOPWORDS.binary_search(&self.exact.as_str()).is_ok()
            && !self
                .acronym
                .as_deref()
                .is_some_and(|a| ACRONYMS_NOT_STOPWORDS.contains(&a))
    }
}

/// English function words: common to nearly every passage, so no help in ranking.
pub const STOPWORDS: &[&str] = &[
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

/// Acronyms whose lower-case form is a stop word but which name something (`US`, the country,
/// beside `us`, the pronoun).
const ACRONYMS_NOT_STOPWORDS: &[&str] = &["US"];

/// Which of the index's analyses a text gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    /// The passage text's: stems, acronyms, compounds and exact forms.
    Text,
    /// A title's or section's: the same without exact forms.
    Heading,
}

/// A term of the index analysis, with where it sits (several terms can share a position).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    pub term: String,
    pub position: usize,
    pub start: usize,
    pub end: usize,
}

/// Which form of each query word to search for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryForm {
    /// The stem (`sanctions` → `sanction`), or the acronym term for an acronym.
    Stem {
        /// Whether capitals mark acronyms (not when the whole query is in capitals).
        acronyms: bool,
    },
    /// The exact form (`=sanctions`).
    Exact,
}

/// Word analysis with its caches; one per thread.
#[derive(Clone, Default)]
pub struct WordAnalyzer {
    stems: StemCache,
    folds: Cache,
    /// Scratch words (and their strings) reused by [`WordAnalyzer::tokens_where`] from text to
    /// text: highlighting a page of passages allocates them once, not per passage.
    scratch: Vec<Word>,
}

/// Words to their stems or folded forms. Keys are short and our own, so a fast
/// non-cryptographic hash (FxHash's multiply-rotate, eight bytes at a time) serves better than
/// the default SipHash.
type Cache = HashMap<String, String, BuildHasherDefault<FxHasher>>;

/// Words to their stems, both held in the table itself: looking a word up compares bytes in
/// the entry rather than following a pointer to each key and stem (at a corpus's 100,000 and
/// more words, those pointers were a cache miss per word). Longer words are stemmed uncached.
type StemCache = HashMap<Short, Short, BuildHasherDefault<FxHasher>>;

/// A string of up to [`Short::MAX`] bytes stored inline: its bytes, then its length.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Short([u8; Short::MAX + 1]);

impl Short {
    const MAX: usize = 23;

    fn new(s: &str) -> Option<Short> {
        let bytes = s.as_bytes();
        if bytes.len() > Short::MAX {
            return None;
        }
        let mut inline = [0u8; Short::MAX + 1];
        inline[..bytes.len()].copy_from_slice(bytes);
        inline[Short::MAX] = bytes.len() as u8;
        Some(Short(inline))
    }

    fn as_str(&self) -> &str {
        let len = usize::from(self.0[Short::MAX]);
        std::str::from_utf8(&self.0[..len]).expect("made from a str")
    }
}

#[derive(Default)]
struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordAnalyzer {
    /// The words of `text`, analysed, in order, into `out[..n]`; returns `n`. The entries of
    /// `out` (and their strings) are reused from text to text.
    pub fn words(&mut self, text: &str, out: &mut Vec<Word>) -> usize {
        self.words_stemming(text, out, None)
    }

    /// [`WordAnalyzer::words`], with stems computed only for the words that can stem to one of
    /// `only`'s terms (see [`StemKeys`]); other words keep their exact form as their stem.
    fn words_stemming(
        &mut self,
        text: &str,
        out: &mut Vec<Word>,
        only: Option<&StemKeys>,
    ) -> usize {
        if self.stems.len() > CACHE_WORDS {
            self.stems.clear();
        }
        if self.folds.len() > CACHE_WORDS {
            self.folds.clear();
        }
        let all_caps = is_all_caps(text);
        let mut n = 0;
        let mut prev_end = 0usize;
        // The last word was a single letter followed by a dot (`U.` of `U. S.`).
        let mut prev_initial = false;
        for (start, segment) in words(text) {
            let end = start + segment.len();
            let gap = &text[prev_end.min(start)..start];
            let is_initial = segment.len() <= 4
                && text[end..].starts_with('.')
                && segment.chars().count() == 1
                && segment
                    .chars()
                    .all(|c| c.is_alphabetic() && c.is_uppercase());
            // `U. S.`: a second initial right after the first joins it into one acronym.
            if is_initial && prev_initial && n > 0 && matches!(gap, "." | ". ") {
                let last = &mut out[n - 1];
                let first = last.exact.to_uppercase();
                let acronym = last.acronym.get_or_insert(first);
                acronym.push_str(&segment.to_uppercase());
                last.end = end;
                last.dotted = true;
                last.exact.push_str(&segment.to_lowercase());
                last.stem.clone_from(&last.exact);
                prev_end = end;
                continue;
            }
            prev_initial = is_initial;
            if n == out.len() {
                out.push(Word::default());
            }
            let hyphen_before = n > 0 && gap.chars().count() == 1 && gap.starts_with(HYPHENS);
            let w = &mut out[n];
            w.exact.clear();
            normalize_word(segment, &mut w.exact);
            if !w.exact.is_ascii() {
                let folded = self.fold(&w.exact);
                w.exact = folded;
            }
            prev_end = end;
            if w.exact.is_empty() || w.exact.len() > MAX_WORD_BYTES {
                continue;
            }
            w.acronym = if segment.contains('.') && is_dotted_acronym(segment.trim_end_matches('.'))
            {
                Some(w.exact.to_uppercase())
            } else if !all_caps && is_capital_acronym(segment) {
                Some(segment.to_uppercase())
            } else {
                None
            };
            w.stem.clear();
            if w.acronym.is_some()
                || w.exact.bytes().all(|b| b.is_ascii_digit())
                || only.is_some_and(|keys| !keys.may_stem_to(&w.exact))
            {
                w.stem.push_str(&w.exact);
            } else {
                stem_into(&mut self.stems, &w.exact, &mut w.stem);
            }
            w.position = n;
            w.start = start;
            w.end = end;
            w.hyphen_before = hyphen_before;
            w.dotted = segment.contains('.');
            n += 1;
        }
        n
    }

    /// The terms of `text` as the index holds them: every word's stem, its exact form and
    /// acronym term when different, and joined hyphenated compounds.
    pub fn index_tokens(&mut self, text: &str) -> Vec<AnalyzedToken> {
        self.tokens_where(text, Analysis::Text, &|_| true)
    }

    /// The terms of a title or section as the index holds them (the heading analyzer: stems,
    /// acronym terms and joined compounds, no exact forms).
    pub fn heading_tokens(&mut self, text: &str) -> Vec<AnalyzedToken> {
        self.tokens_where(text, Analysis::Heading, &|_| true)
    }

    /// The terms of `text` under `analysis` for which `keep` holds (only those are copied out:
    /// highlighting keeps the few terms its query asks for).
    pub fn tokens_where(
        &mut self,
        text: &str,
        analysis: Analysis,
        keep: &dyn Fn(&str) -> bool,
    ) -> Vec<AnalyzedToken> {
        self.tokens_kept(text, analysis, keep, None)
    }

    /// The tokens of `text` under `analysis` whose term is one of `terms` (what highlighting
    /// asks for), `keys` being [`StemKeys::of`] them: words that cannot stem to any of them are
    /// not stemmed at all.
    pub(crate) fn tokens_among(
        &mut self,
        text: &str,
        analysis: Analysis,
        terms: &HashSet<&str>,
        keys: Option<&StemKeys>,
    ) -> Vec<AnalyzedToken> {
        // A term is only looked up when it begins as one of `terms` does.
        let keep = |t: &str| keys.is_none_or(|k| k.may_be(t)) && terms.contains(t);
        self.tokens_kept(text, analysis, &keep, keys)
    }

    fn tokens_kept(
        &mut self,
        text: &str,
        analysis: Analysis,
        keep: &dyn Fn(&str) -> bool,
        only: Option<&StemKeys>,
    ) -> Vec<AnalyzedToken> {
        let mut words = std::mem::take(&mut self.scratch);
        let n = self.words_stemming(text, &mut words, only);
        let mut out = Vec::new();
        let exact_forms = analysis == Analysis::Text;
        self.emit_index_tokens(
            &words[..n],
            exact_forms,
            &mut |term, position, start, end| {
                if keep(term) {
                    out.push(AnalyzedToken {
                        term: term.to_owned(),
                        position,
                        start,
                        end,
                    });
                }
            },
        );
        if words.len() <= SCRATCH_WORDS {
            self.scratch = words;
        }
        out
    }

    fn emit_index_tokens(
        &mut self,
        words: &[Word],
        exact_forms: bool,
        emit: &mut dyn FnMut(&str, usize, usize, usize),
    ) {
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            emit(&w.stem, w.position, w.start, w.end);
            if exact_forms && w.exact != w.stem {
                emit(&w.exact, w.position, w.start, w.end);
            }
            if let Some(acronym) = &w.acronym {
                emit(acronym, w.position, w.start, w.end);
            }
            // A compound ends here: also index it joined, on its first part's position.
            let next_joins = words.get(i + 1).is_some_and(|n| n.hyphen_before);
            if !next_joins && w.hyphen_before {
                let first = (0..i).rev().find(|&k| !words[k].hyphen_before).unwrap_or(0);
                let joined: String = words[first..=i].iter().map(|p| p.exact.as_str()).collect();
                if joined.len() <= MAX_WORD_BYTES {
                    let stem = self.stem(&joined);
                    let (position, start) = (words[first].position, words[first].start);
                    emit(&stem, position, start, w.end);
                    if exact_forms && stem != joined {
                        emit(&joined, position, start, w.end);
                    }
                }
            }
            i += 1;
        }
    }

    /// The words of `text`, analysed (a query word, phrase or name).
    pub fn analyze(&mut self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        let n = self.words(text, &mut words);
        words.truncate(n);
        words
    }

    /// The terms to search for the words of `text`: one position per word, with the terms
    /// accepted there.
    pub fn query_terms(&mut self, text: &str, form: QueryForm) -> Vec<Vec<String>> {
        self.analyze(text)
            .into_iter()
            .map(|w| vec![w.query_term(form)])
            .collect()
    }

    /// Whether a query word, as typed, is a stop word: one word, written without punctuation
    /// or apostrophes (`and,` and `it's` are kept), that [`Word::is_stopword`] names.
    pub fn is_stopword(&mut self, typed: &str) -> bool {
        let words = self.analyze(typed);
        match words.as_slice() {
            [w] => {
                w.start == 0
                    && w.end == typed.len()
                    && w.exact.len() == typed.len()
                    && w.is_stopword()
            }
            _ => false,
        }
    }

    /// The exact (unstemmed) forms of the words of `text`, for prefixes and fuzzy matching.
    pub fn exact_forms(&mut self, text: &str) -> Vec<String> {
        self.analyze(text).into_iter().map(|w| w.exact).collect()
    }

    /// A 64-bit hash of the exact form of each word of `text`, in order, into `out` (cleared
    /// first): the words [`WordAnalyzer::words`] finds, with the same [`Word::exact`] forms
    /// (case, diacritics, apostrophes and acronym dots folded; punctuation and whitespace are
    /// not words), computed without stems or acronym terms. Near-copy signatures shingle these
    /// (`index::copies`). Fixed hashing: the same text gives the same hashes in every run.
    pub fn exact_hashes(&mut self, text: &str, out: &mut Vec<u64>) {
        out.clear();
        let mut state = ExactState::default();
        if text.is_ascii() {
            // In ASCII text whitespace never joins anything: the whole text is one run.
            self.ascii_exact_hashes(text, 0, text.len(), &mut state, out);
            return;
        }
        // Elsewhere whitespace cuts the text into runs that segment on their own (as in
        // `words`). Most of such a text is ASCII still: up to the ASCII space before its next
        // non-ASCII character it takes the same fast path; from there to the ASCII space after
        // that character, run by run.
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let Some(wide) = bytes[at..].iter().position(|&b| b >= 0x80) else {
                self.ascii_exact_hashes(text, at, bytes.len(), &mut state, out);
                break;
            };
            let wide = at + wide;
            let run_start = bytes[at..wide]
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(at, |space| at + space);
            self.ascii_exact_hashes(text, at, run_start, &mut state, out);
            let run_end = bytes[wide..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(bytes.len(), |space| wide + space);
            self.runs_exact_hashes(text, run_start, run_end, &mut state, out);
            at = run_end;
        }
    }

    /// [`WordAnalyzer::exact_hashes`] of `text[from..to]` run by run (`from` and `to` at
    /// whitespace or the ends of the text).
    fn runs_exact_hashes(
        &mut self,
        text: &str,
        from: usize,
        to: usize,
        state: &mut ExactState,
        out: &mut Vec<u64>,
    ) {
        let base = text.as_ptr() as usize;
        for run in text[from..to].split_whitespace() {
            let offset = run.as_ptr() as usize - base;
            if run.is_ascii() {
                self.ascii_exact_hashes(text, offset, offset + run.len(), state, out);
            } else {
                for (at, segment) in run
                    .split_word_bound_indices()
                    .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
                {
                    self.exact_hash(text, offset + at, segment, state, out);
                }
            }
        }
    }

    /// [`WordAnalyzer::exact_hashes`] of the ASCII run `text[from..to]` (the rules of
    /// `ascii_words`). Most words are plain (letters and digits between separators that join
    /// nothing): those are found 64 bytes at a time from bit masks of the bytes' classes and
    /// hashed at once, and so are single letters and digits (except the second initial of
    /// `U. S.`); a word that may be anything else (an underscore, a joining `.` `'` `:` `,`
    /// `;`, a word reaching the end of the 64 bytes) is read by
    /// [`WordAnalyzer::ascii_exact_word`], byte by byte, as before.
    fn ascii_exact_hashes(
        &mut self,
        text: &str,
        from: usize,
        to: usize,
        state: &mut ExactState,
        out: &mut Vec<u64>,
    ) {
        let bytes = &text.as_bytes()[..to];
        let mut at = from;
        while at + 64 <= bytes.len() {
            let block: &[u8; 64] = bytes[at..at + 64].try_into().expect("64 bytes");
            let (alnum, special) = classes(block);
            let mut pending = alnum;
            // Where the words read so far end; the next block starts at `next`.
            let mut cursor = at;
            let mut next = at + 64;
            while pending != 0 {
                let s = pending.trailing_zeros() as usize;
                if s >= 48 {
                    // Left to the next block, which starts before it: a word that starts in
                    // the first three quarters of a block rarely reaches its end.
                    next = cursor.max(at + s - 1);
                    break;
                }
                let run = (alnum >> s).trailing_ones() as usize;
                let e = s + run;
                // Anything that may not be a plain word of two letters or more is read the
                // slow way, from the end of the last word (an underscore before it is part of
                // it); so is a word that may go on past the block.
                if e >= 63
                    || (special >> e & 1 == 1 && alnum >> (e + 1) & 1 == 1)
                    || block[e] == b'_'
                    || (at + s > from && bytes[at + s - 1] == b'_')
                {
                    let end = self.ascii_exact_word(text, cursor, bytes, state, out);
                    if end >= at + 63 {
                        next = end;
                        break;
                    }
                    // Still inside the block: its masks go on serving.
                    cursor = end;
                    pending &= !0u64 << (end - at);
                    continue;
                }
                if run == 1 {
                    // A single letter or digit: an initial of `U. S.`, perhaps.
                    let b = block[s];
                    let initial =
                        b.is_ascii_uppercase() && text.as_bytes().get(at + e) == Some(&b'.');
                    if initial && state.prev_initial {
                        self.exact_hash(text, at + s, &text[at + s..at + e], state, out);
                    } else {
                        // What `exact_hash` does with it.
                        state.prev_initial = initial;
                        state.prev_end = at + e;
                        state.form.clear();
                        state.form.push(char::from(b.to_ascii_lowercase()));
                        out.push(hash_form(&[b.to_ascii_lowercase()]));
                    }
                } else {
                    state.prev_initial = false;
                    state.prev_end = at + e;
                    out.push(hash_lower_at(bytes, at + s, at + e));
                }
                cursor = at + e;
                pending &= !0u64 << e;
            }
            at = next;
        }
        while at < bytes.len() {
            at = self.ascii_exact_word(text, at, bytes, state, out);
        }
    }

    /// The word of the ASCII `bytes` at or after `i` (the rules of `ascii_words`), hashed into
    /// `out`; where the scan stopped.
    fn ascii_exact_word(
        &mut self,
        text: &str,
        mut i: usize,
        bytes: &[u8],
        state: &mut ExactState,
        out: &mut Vec<u64>,
    ) -> usize {
        while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() && bytes[i] != b'_' {
            i += 1;
        }
        if i >= bytes.len() {
            return i;
        }
        let start = i;
        let mut plain = bytes[i] != b'_';
        i += 1;
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            if c == b'_' {
                plain = false;
                i += 1;
                continue;
            }
            if ascii_joins(bytes[i - 1], c, bytes.get(i + 1).copied()) {
                plain = false;
                i += 2;
            } else {
                break;
            }
        }
        let segment = &bytes[start..i];
        if plain && segment.len() > 1 && segment.len() <= MAX_WORD_BYTES {
            state.prev_initial = false;
            state.prev_end = i;
            out.push(hash_lower(segment));
        } else if segment.iter().any(u8::is_ascii_alphanumeric) {
            self.exact_hash(text, start, &text[start..i], state, out);
        }
        i
    }

    /// One word of [`WordAnalyzer::exact_hashes`]: the rules of [`WordAnalyzer::words`] for
    /// the exact form.
    fn exact_hash(
        &mut self,
        text: &str,
        start: usize,
        segment: &str,
        state: &mut ExactState,
        out: &mut Vec<u64>,
    ) {
        let end = start + segment.len();
        let bytes = segment.as_bytes();
        // The common case: ASCII letters and digits, lower-cased by setting one bit.
        if bytes.len() > 1 && bytes.len() <= MAX_WORD_BYTES {
            let mut lower = [0u8; MAX_WORD_BYTES];
            let mut plain = true;
            for (l, &b) in lower.iter_mut().zip(bytes) {
                plain &= b.is_ascii_alphanumeric();
                *l = b | 0x20;
            }
            if plain {
                state.prev_initial = false;
                state.prev_end = end;
                out.push(hash_form(&lower[..bytes.len()]));
                return;
            }
        }
        let gap = &text[state.prev_end.min(start)..start];
        let is_initial = segment.len() <= 4
            && text[end..].starts_with('.')
            && segment.chars().count() == 1
            && segment
                .chars()
                .all(|c| c.is_alphabetic() && c.is_uppercase());
        // `U. S.`: one word, as in `words`.
        if is_initial && state.prev_initial && !out.is_empty() && matches!(gap, "." | ". ") {
            state.form.push_str(&segment.to_lowercase());
            *out.last_mut().expect("a word before") = hash_form(state.form.as_bytes());
            state.prev_end = end;
            return;
        }
        state.prev_initial = is_initial;
        state.prev_end = end;
        state.form.clear();
        normalize_word(segment, &mut state.form);
        if !state.form.is_ascii() {
            state.form = self.fold(&state.form);
        }
        if state.form.is_empty() || state.form.len() > MAX_WORD_BYTES {
            return;
        }
        out.push(hash_form(state.form.as_bytes()));
    }

    /// The English (Porter2) stem of a lower-case word, cached.
    pub fn stem(&mut self, word: &str) -> String {
        let mut stem = String::new();
        stem_into(&mut self.stems, word, &mut stem);
        stem
    }

    /// Compatibility forms composed (NFKC: `ﬁ` → `fi`, full-width letters) and diacritics folded
    /// to ASCII as tantivy's ASCII folding does (`ü` → `u`, `ß` → `ss`, `ø` → `o`).
    fn fold(&mut self, word: &str) -> String {
        if let Some(folded) = self.folds.get(word) {
            return folded.clone();
        }
        let composed: String = word.nfkc().flat_map(char::to_lowercase).collect();
        let mut folder = TextAnalyzer::builder(RawTokenizer::default())
            .filter(AsciiFoldingFilter)
            .build();
        let mut stream = folder.token_stream(&composed);
        let folded = if stream.advance() {
            stream.token().text.clone()
        } else {
            composed.clone()
        };
        self.folds.insert(word.to_owned(), folded.clone());
        folded
    }
}

impl WordAnalyzer {
    /// The form a word shares with its other spellings, for comparing two texts: the stem of its
    /// American spelling (`favour`, `favored` → `favor`; `organisation` → `organ`). Numbers and
    /// acronyms are their exact forms (`US` and `us` alike: case is not compared).
    pub fn spelling_stem(&mut self, word: &Word) -> String {
        if word.acronym.is_some() || word.exact.bytes().all(|b| b.is_ascii_digit()) {
            return word.exact.clone();
        }
        match american_spelling(&word.exact) {
            std::borrow::Cow::Borrowed(same) if same == word.exact => word.stem.clone(),
            american => self.stem(&american),
        }
    }
}

thread_local! {
    /// A warm analyzer per thread: a search's or a quote's words are mostly words earlier ones
    /// on the thread had, so their stems are cached.
    static WARM: std::cell::RefCell<WordAnalyzer> = std::cell::RefCell::default();
}

impl WordAnalyzer {
    /// This thread's warm analyzer, taken (the thread's slot holds a fresh one meanwhile, so a
    /// nested taker is never refused); give it back with [`WordAnalyzer::give_back`].
    pub fn take_warm() -> WordAnalyzer {
        WARM.with(|a| std::mem::take(&mut *a.borrow_mut()))
    }

    /// Returns an analyzer taken with [`WordAnalyzer::take_warm`], caches and all.
    pub fn give_back(self) {
        WARM.with(|a| *a.borrow_mut() = self);
    }
}

/// Where [`WordAnalyzer::exact_hashes`] is in a text.
#[derive(Default)]
struct ExactState {
    prev_end: usize,
    /// The last word was a single capital followed by a dot (`U.` of `U. S.`).
    prev_initial: bool,
    /// The last word's exact form, when it was not plain ASCII.
    form: String,
}

/// The classes of 64 ASCII bytes as bit masks (bit `i` for byte `i`): letters and digits, and
/// the bytes that may join or start a word (`_ . \' : , ;`). Where the CPU has AVX2, 32 bytes
/// to an instruction, with the same results.
fn classes(block: &[u8; 64]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { classes_avx2(block) };
    }
    classes_portable(block)
}

fn classes_portable(block: &[u8; 64]) -> (u64, u64) {
    let (mut alnum, mut special) = (0u64, 0u64);
    for (i, &b) in block.iter().enumerate() {
        alnum |= u64::from(b.is_ascii_alphanumeric()) << i;
        special |= u64::from(matches!(b, b'_' | b'.' | b'\'' | b':' | b',' | b';')) << i;
    }
    (alnum, special)
}

/// [`classes_portable`] in AVX2 compares. The bytes are ASCII, below 0x80: signed compares
/// order them as unsigned ones do.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn classes_avx2(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let (mut alnum, mut special) = (0u64, 0u64);
    for half in 0..2 {
        // SAFETY: 32 bytes at 0 or 32 of a 64-byte array; an unaligned load.
        let v = unsafe { _mm256_loadu_si256(block.as_ptr().add(32 * half).cast()) };
        let lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        let letter = _mm256_and_si256(
            _mm256_cmpgt_epi8(lower, _mm256_set1_epi8(b'a' as i8 - 1)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(b'z' as i8 + 1), lower),
        );
        let digit = _mm256_and_si256(
            _mm256_cmpgt_epi8(v, _mm256_set1_epi8(b'0' as i8 - 1)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(b'9' as i8 + 1), v),
        );
        let mut joiner = _mm256_setzero_si256();
        for c in [b'_', b'.', b'\'', b':', b',', b';'] {
            joiner = _mm256_or_si256(joiner, _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8)));
        }
        let shift = 32 * half;
        alnum |= u64::from(_mm256_movemask_epi8(_mm256_or_si256(letter, digit)) as u32) << shift;
        special |= u64::from(_mm256_movemask_epi8(joiner) as u32) << shift;
    }
    (alnum, special)
}

/// [`hash_form`] of an ASCII word of letters and digits, lower-cased on the way (setting one
/// bit lower-cases a letter and leaves a digit as it is).
fn hash_lower(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x5851_f42d_4c95_7f2d ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) | 0x2020_2020_2020_2020;
        h = (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        for (l, &b) in last.iter_mut().zip(rest) {
            *l = b | 0x20;
        }
        h = (h ^ u64::from_le_bytes(last)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    finish_hash(h)
}

/// [`hash_lower`] of `bytes[start..end]`, reading eight bytes at a time past the word's end
/// where `bytes` goes on (the bytes past the end masked off).
#[inline]
fn hash_lower_at(bytes: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    if start + len.next_multiple_of(8) > bytes.len() {
        return hash_lower(&bytes[start..end]);
    }
    let mut h: u64 = 0x5851_f42d_4c95_7f2d ^ len as u64;
    let mut at = start;
    while at + 8 <= end {
        let w = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
            | 0x2020_2020_2020_2020;
        h = (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        at += 8;
    }
    if at < end {
        let keep = (1u64 << (8 * (end - at))) - 1;
        let w = (u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
            | 0x2020_2020_2020_2020)
            & keep;
        h = (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    finish_hash(h)
}

/// The hash of a word's exact form: its bytes eight at a time, each word mixed by multiplication
/// (fixed seeds), then the splitmix64 finaliser, so every bit of the result depends on every
/// byte.
fn hash_form(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x5851_f42d_4c95_7f2d ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        h = (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(last)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    finish_hash(h)
}

/// The splitmix64 finaliser.
fn finish_hash(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The first two bytes of a set of terms: the English stemmer changes only the ends of words
/// (suffixes, a final `y`) and leaves every word of fewer than three letters alone, so a word of
/// ASCII letters keeps its first two bytes in its stem (but for `dying`, `lying` and `tying`,
/// whose stems are `die`, `lie` and `tie`), and a word whose first two bytes begin none of the
/// terms cannot stem to any of them.
pub(crate) struct StemKeys(Vec<[u8; 2]>);

impl StemKeys {
    /// `None` when some term is too short to have a key (every word may stem to it).
    pub(crate) fn of<'t>(terms: impl IntoIterator<Item = &'t str>) -> Option<StemKeys> {
        let mut keys = Vec::new();
        for term in terms {
            let &[a, b, ..] = term.as_bytes() else {
                return None;
            };
            let key = [a.to_ascii_lowercase(), b.to_ascii_lowercase()];
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        Some(StemKeys(keys))
    }

    /// Whether `term` may be one of the terms: it begins as one of them does.
    pub(crate) fn may_be(&self, term: &str) -> bool {
        match term.as_bytes() {
            &[a, b, ..] => self
                .0
                .contains(&[a.to_ascii_lowercase(), b.to_ascii_lowercase()]),
            _ => true,
        }
    }

    /// Whether the stem of `word` (lower case, as analysed) may be one of the terms.
    pub(crate) fn may_stem_to(&self, word: &str) -> bool {
        match word.as_bytes() {
            &[a, b, ..] if word.is_ascii() => {
                self.0.contains(&[a, b]) || (b == b'y' && self.0.contains(&[a, b'i']))
            }
            _ => true,
        }
    }
}

/// Appends the stem of `word` to `out`, from the cache when it can.
fn stem_into(cache: &mut StemCache, word: &str, out: &mut String) {
    let key = Short::new(word);
    if let Some(stem) = key.as_ref().and_then(|k| cache.get(k)) {
        out.push_str(stem.as_str());
        return;
    }
    let stem = frostem::Stemmer::new(frostem::Algorithm::English).stem(word);
    out.push_str(&stem);
    if let (Some(key), Some(stem)) = (key, Short::new(&stem)) {
        cache.insert(key, stem);
    }
}

/// Text written in capitals throughout, where capitals are no sign of acronyms: hardly any
/// lower-case letters among many capitals (a TIME 1963 cable), or three words or more without
/// a lower-case letter (`KENNEDY PRESSURE ON DIEM`). The one rule for passages, headings and
/// queries alike.
pub fn is_all_caps(text: &str) -> bool {
    let (mut upper, mut lower) = (0usize, 0usize);
    if text.is_ascii() {
        for b in text.bytes() {
            upper += usize::from(b.is_ascii_uppercase());
            lower += usize::from(b.is_ascii_lowercase());
        }
    } else {
        for c in text.chars() {
            upper += usize::from(c.is_uppercase());
            lower += usize::from(c.is_lowercase());
        }
    }
    if upper >= 20 && lower * 10 <= upper {
        return true;
    }
    lower == 0
        && upper > 0
        && text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .nth(2)
            .is_some()
}

/// `US`, `UN`, `E3`: two or three capitals (digits allowed) with at least one letter.
fn is_capital_acronym(word: &str) -> bool {
    if word.len() > 12 {
        return false;
    }
    let n = word.chars().count();
    (2..=3).contains(&n)
        && word.chars().any(char::is_alphabetic)
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || (c.is_alphabetic() && c.is_uppercase()))
}

/// `U.S`, `U.S.S.R`: single letters joined by dots.
fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.')
        && word
            .split('.')
            .all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic))
}

/// The index analyzer, for tantivy.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::from(IndexTokenizer {
        exact_forms: true,
        ..IndexTokenizer::default()
    })
}

/// The analyzer of titles and sections (no exact forms).
pub fn heading_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(IndexTokenizer::default())
}

/// The tantivy tokenizer of the index: [`WordAnalyzer::index_tokens`] as a token stream.
#[derive(Clone, Default)]
pub struct IndexTokenizer {
    exact_forms: bool,
    analyzer: WordAnalyzer,
    words: Vec<Word>,
    tokens: Vec<Token>,
    len: usize,
}

/// The token stream of [`IndexTokenizer`].
pub struct IndexTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for IndexTokenizer {
    type TokenStream<'a> = IndexTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> IndexTokenStream<'a> {
        let mut words = std::mem::take(&mut self.words);
        let n = self.analyzer.words(text, &mut words);
        self.len = 0;
        let (tokens, len) = (&mut self.tokens, &mut self.len);
        self.analyzer.emit_index_tokens(
            &words[..n],
            self.exact_forms,
            &mut |term, position, start, end| {
                if *len == tokens.len() {
                    tokens.push(Token::default());
                }
                let token = &mut tokens[*len];
                token.text.clear();
                token.text.push_str(term);
                token.position = position;
                token.offset_from = start;
                token.offset_to = end;
                token.position_length = 1;
                *len += 1;
            },
        );
        self.words = words;
        IndexTokenStream {
            tokens: &mut self.tokens[..self.len],
            next: 0,
        }
    }
}

impl TokenStream for IndexTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The words of `text` (UAX #29 word segments holding a letter or digit) with their byte
/// offsets. Whitespace always separates words, so each whitespace-free run is segmented on its
/// own: pure-ASCII runs (nearly all of them, and a whole ASCII text at once) by a scanner that
/// applies the same rules much faster, the others by `unicode-segmentation`.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    // In ASCII text whitespace never joins anything: the whole text segments as its runs do.
    if text.is_ascii() {
        return Either::Left(ascii_words(text));
    }
    let base = text.as_ptr() as usize;
    Either::Right(text.split_whitespace().flat_map(move |run| {
        let offset = run.as_ptr() as usize - base;
        let segments = if run.is_ascii() {
            Either::Left(ascii_words(run))
        } else {
            Either::Right(
                run.split_word_bound_indices()
                    .filter(|(_, w)| w.chars().any(char::is_alphanumeric)),
            )
        };
        segments.map(move |(at, w)| (offset + at, w))
    }))
}

/// One of two iterators of the same items, without boxing either.
enum Either<A, B> {
    Left(A),
    Right(B),
}

impl<T, A: Iterator<Item = T>, B: Iterator<Item = T>> Iterator for Either<A, B> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        match self {
            Either::Left(a) => a.next(),
            Either::Right(b) => b.next(),
        }
    }
}

/// UAX #29 word segmentation restricted to ASCII text without whitespace: letters and digits
/// run together; `.` `'` `:` join letters (`U.S`, `don't`), `.` `,` `;` `'` join digits
/// (`3.5`, `1,000`), `_` joins anything. Segments without a letter or digit are left out.
fn ascii_words(run: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let bytes = run.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() && bytes[i] != b'_' {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        i += 1;
        while i < bytes.len() {
            let (prev, c) = (bytes[i - 1], bytes[i]);
            if c.is_ascii_alphanumeric() || c == b'_' {
                i += 1;
                continue;
            }
            if ascii_joins(prev, c, bytes.get(i + 1).copied()) {
                i += 2;
            } else {
                break;
            }
        }
        Some((start, &run[start..i]))
    })
    .filter(|(_, w)| w.bytes().any(|b| b.is_ascii_alphanumeric()))
}

/// Whether `c`, between `prev` and `next`, joins them into one word (the rule of
/// [`ascii_words`]): `.` `\'` `:` between letters, `.` `,` `;` `\'` between digits.
fn ascii_joins(prev: u8, c: u8, next: Option<u8>) -> bool {
    let joins_letters = prev.is_ascii_alphabetic()
        && matches!(c, b'.' | b'\'' | b':')
        && next.is_some_and(|n| n.is_ascii_alphabetic());
    let joins_digits = prev.is_ascii_digit()
        && matches!(c, b'.' | b',' | b';' | b'\'')
        && next.is_some_and(|n| n.is_ascii_digit());
    joins_letters || joins_digits
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '′' | '`' | '´')
}

/// Lower-cases one word into `out` and removes what does not change its meaning: possessive
/// `'s`, other apostrophes (`Khamene'i` → `khamenei`), and the dots of a dotted acronym
/// (`U.S` → `us`). Dots elsewhere (`3.5`, `un.org`) are kept.
fn normalize_word(word: &str, out: &mut String) {
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
        return;
    }
    let mut word: &str = word;
    // Possessive: Iran's, Iran’s, States'.
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if stem.chars().any(char::is_alphanumeric) {
                word = stem;
            }
            break;
        }
    }
    let word = word.trim_end_matches(is_apostrophe);
    let dotted = is_dotted_acronym(word);
    out.extend(
        word.chars()
            .filter(|&c| !(is_apostrophe(c) || (dotted && c == '.')))
            .flat_map(char::to_lowercase),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_the_same_from_the_cache_and_for_words_too_long_for_it() {
        let mut analyzer = WordAnalyzer::default();
        let long = "internationalisationalisations"; // 30 bytes: never cached
        for word in ["sanctions", "sanctions", "ﬁnance", long, long, "a", ""] {
            let direct = frostem::Stemmer::new(frostem::Algorithm::English).stem(word);
            assert_eq!(analyzer.stem(word), direct, "{word}");
        }
        assert_eq!(Short::new("snapback").expect("short").as_str(), "snapback");
        assert!(Short::new(long).is_none());
        assert!(analyzer.stems.len() <= 4);
    }

    /// Every word of `text` that `StemKeys` would take to be unable to stem to its own stem.
    fn stems_that_change_their_start(text: &str) -> Vec<(String, String)> {
        let mut analyzer = WordAnalyzer::default();
        let mut words = Vec::new();
        let n = analyzer.words(text, &mut words);
        words[..n]
            .iter()
            .filter(|w| w.acronym.is_none() && w.exact.is_ascii() && w.exact.len() >= 2)
            .filter(|w| {
                let keys = StemKeys::of([w.stem.as_str()]);
                !keys.is_some_and(|k| k.may_stem_to(&w.exact))
            })
            .map(|w| (w.exact.clone(), w.stem.clone()))
            .collect()
    }

    /// What highlighting relies on to skip stemming (`StemKeys`). Over every word of the
    /// fixtures, and of the file `DOSSIER_STEM_CHECK` names when set (a one-off check over a
    /// whole corpus: `DOSSIER_STEM_CHECK=words.txt cargo test stems_keep`).
    #[test]
    fn stems_keep_their_words_first_two_bytes() {
        let tricky = "dying lying tying skies skis idly gently ugly early only singly news \
            ies ied sses ties cries eed agreed proceeding y yes yelled ay ays is as us";
        assert_eq!(stems_that_change_their_start(tricky), []);
        let mut texts = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixtures are readable") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
        if let Some(file) = std::env::var_os("DOSSIER_STEM_CHECK") {
            texts.push(std::fs::read_to_string(file).expect("DOSSIER_STEM_CHECK is readable"));
        }
        assert!(texts.len() > 10);
        for text in &texts {
            assert_eq!(stems_that_change_their_start(text), []);
        }
        let keys = StemKeys::of(["sanction", "US"]).expect("long enough");
        assert!(keys.may_stem_to("sanctions") && keys.may_stem_to("usa"));
        assert!(!keys.may_stem_to("pressure") && keys.may_stem_to("é"));
        assert!(keys.may_be("US") && keys.may_be("sanction") && !keys.may_be("UN"));
        assert!(StemKeys::of(["a"]).is_none());
    }

    fn index_terms(text: &str) -> Vec<(String, usize)> {
        WordAnalyzer::default()
            .index_tokens(text)
            .into_iter()
            .map(|t| (t.term, t.position))
            .collect()
    }

    fn stems(text: &str) -> Vec<String> {
        WordAnalyzer::default()
            .query_terms(text, QueryForm::Stem { acronyms: true })
            .into_iter()
            .map(|mut alts| alts.remove(0))
            .collect()
    }

    #[test]
    fn words_are_lowercased_stemmed_folded_with_their_exact_forms() {
        assert_eq!(
            stems("Sanctions sanctioned in Zürich"),
            ["sanction", "sanction", "in", "zurich"]
        );
        let terms = index_terms("Sanctions");
        assert_eq!(terms, [("sanction".into(), 0), ("sanctions".into(), 0)]);
        assert_eq!(
            index_terms("Iran"),
            [("iran".into(), 0)],
            "no duplicate when the stem is the word"
        );
    }

    #[test]
    fn compatibility_forms_and_diacritics() {
        assert_eq!(stems("ﬁnance"), stems("finance"));
        assert_eq!(stems("Aráqchí"), stems("Araqchi"));
        assert_eq!(stems("Straße"), ["strass"]);
    }

    #[test]
    fn possessives_and_curly_apostrophes() {
        assert_eq!(stems("Iran’s"), stems("Iran's"));
        assert_eq!(stems("Iran’s"), ["iran"]);
        assert_eq!(stems("Khamene'i"), ["khamenei"]);
    }

    #[test]
    fn acronyms_keep_their_capitals_beside_the_word() {
        for text in ["U.S. policy", "U. S. policy", "US policy"] {
            let terms = index_terms(text);
            assert!(terms.contains(&("US".into(), 0)), "{text}: {terms:?}");
            assert!(terms.contains(&("us".into(), 0)), "{text}: {terms:?}");
        }
        let pronoun = index_terms("let us go");
        assert!(!pronoun.iter().any(|(t, _)| t == "US"), "{pronoun:?}");
        // All-caps text: only dotted acronyms are acronyms.
        let caps = index_terms("THE U.S . FIRST PROPOSED TO HELP US AND NATO");
        assert!(caps.contains(&("US".into(), 1)), "{caps:?}");
        assert_eq!(
            caps.iter().filter(|(t, _)| t == "US").count(),
            1,
            "{caps:?}"
        );
        assert_eq!(stems("3.5 percent"), ["3.5", "percent"]);
    }

    #[test]
    fn hyphenated_compounds_are_also_indexed_joined() {
        let terms = index_terms("the snap-back clause");
        assert!(terms.contains(&("snap".into(), 1)));
        assert!(terms.contains(&("back".into(), 2)));
        assert!(terms.contains(&("snapback".into(), 1)), "{terms:?}");
        assert!(terms.contains(&("clause".into(), 3)));
        // Dashes are not hyphens.
        let dashed = index_terms("Iran–US talks");
        assert!(!dashed.iter().any(|(t, _)| t == "iranus"), "{dashed:?}");
        let three = index_terms("state-of-the-art");
        assert!(
            three
                .iter()
                .any(|(t, p)| t.starts_with("stateoftheart") && *p == 0),
            "{three:?}"
        );
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "The IRGC’s commanders — “snapback”.";
        let tokens = WordAnalyzer::default().index_tokens(text);
        assert_eq!(&text[tokens[1].start..tokens[1].end], "IRGC’s");
        assert!(tokens
            .iter()
            .all(|t| text.is_char_boundary(t.start) && text.is_char_boundary(t.end)));
    }

    #[test]
    fn punctuation_and_dashes_separate_words() {
        assert_eq!(stems("snap-back"), ["snap", "back"]);
        assert_eq!(stems("Iran–US"), ["iran", "US"]);
        assert_eq!(stems("Iran/US"), ["iran", "US"]);
        assert!(stems("— … !").is_empty());
    }

    /// Index side and query side agree on every word rule: a query for a text finds that text.
    /// Each row: a text, whether it is written in capitals throughout, and which of its words
    /// are stop words.
    #[test]
    fn index_side_and_query_side_agree_on_every_rule() {
        let rows: &[(&str, bool, &[&str])] = &[
            // Acronyms: capitals in mixed-case text, dots anywhere; the pronoun is a word.
            ("US sanctions on the UN", false, &["on", "the"]),
            ("let us go", false, &["us"]),
            ("U.S. policy and U. S. aid", false, &["and"]),
            // All caps: capitals mark nothing but dotted acronyms.
            ("KENNEDY PRESSURE ON DIEM", true, &["ON"]),
            // `US` in capitals is never a stop word, not even in a text in capitals.
            (
                "THE U.S . FIRST PROPOSED TO HELP US AND NATO IN THE WAR",
                true,
                &["THE", "TO", "AND", "IN", "THE"],
            ),
            ("US UK", false, &[]),
            // Hyphens join compounds; dashes and slashes separate words.
            ("the snap-back clause", false, &["the"]),
            ("Iran–US talks and Iran/US ties", false, &["and"]),
            // Apostrophes and possessives.
            ("Iran’s and Khamene'i's words", false, &["and"]),
        ];
        for &(text, caps, stopwords) in rows {
            assert_eq!(is_all_caps(text), caps, "all caps: {text}");
            let mut analyzer = WordAnalyzer::default();
            let index = analyzer.index_tokens(text);
            let words = analyzer.analyze(text);
            for w in &words {
                let term = w.clone().query_term(QueryForm::Stem { acronyms: !caps });
                assert!(
                    index
                        .iter()
                        .any(|t| t.term == term && t.position == w.position),
                    "{text}: the query term {term} of `{}` is not indexed there: {index:?}",
                    &text[w.start..w.end]
                );
            }
            // In capitals throughout, a plain word is no acronym on either side.
            if caps {
                for w in words.iter().filter(|w| !w.dotted) {
                    let upper = w.exact.to_uppercase();
                    assert!(
                        !index
                            .iter()
                            .any(|t| t.term == upper && t.position == w.position),
                        "{text}: `{upper}` indexed as an acronym"
                    );
                }
            }
            // Stop words are decided on each word alone, as a query word is.
            let stops: Vec<&str> = words
                .iter()
                .map(|w| &text[w.start..w.end])
                .filter(|typed| analyzer.is_stopword(typed))
                .collect();
            assert_eq!(stops, stopwords, "stop words of {text}");
            assert!(!analyzer.is_stopword("and,") && !analyzer.is_stopword("it's"));
        }
    }

    /// The exact-form hashes are the hashes of [`WordAnalyzer::words`]' exact forms, on random
    /// text (ASCII and not) and on the rules' corner cases.
    #[test]
    fn exact_hashes_are_the_hashes_of_the_exact_forms() {
        let alphabet: Vec<char> = "aZx09 .,:;'_-/\n!?()\"’–éUSÆﬁ\u{a0}".chars().collect();
        let mut next = crate::testing::lcg(0x4a5b);
        let mut texts: Vec<String> = vec![
            "U. S. policy and the U.S. Navy".into(),
            "Iran’s and Khamene'i's words, ZÜRICH and Zürich".into(),
            "snap-back 3.5 percent, 1,000 men; don't".into(),
            format!("{} end", "x".repeat(70)),
            "The U. S. and the U.K. said a word on A. B. Smith's plan; ".repeat(5),
        ];
        // Long texts too (the ASCII path reads 64 bytes at a time), mostly of plain words and
        // spaces with the odd joiner, underscore or non-ASCII letter, so that every kind of
        // word falls across a block's edge somewhere.
        let prose: Vec<char> = "abcdeXYZ09 abcde fghij  ._'_:,;-\né".chars().collect();
        for i in 0..8_000 {
            let (alphabet, len) = if i % 2 == 0 {
                (&alphabet, next() % 40)
            } else {
                (&prose, next() % 400)
            };
            texts.push(
                (0..len)
                    .map(|_| {
                        let r = next();
                        // Plain letters nine times out of ten in prose.
                        if i % 2 == 1 && !r.is_multiple_of(10) {
                            alphabet[(r / 10) % 17]
                        } else {
                            alphabet[r % alphabet.len()]
                        }
                    })
                    .collect(),
            );
        }
        let mut analyzer = WordAnalyzer::default();
        let mut hashes = Vec::new();
        for text in &texts {
            analyzer.exact_hashes(text, &mut hashes);
            let expected: Vec<u64> = analyzer
                .analyze(text)
                .iter()
                .map(|w| hash_form(w.exact.as_bytes()))
                .collect();
            assert_eq!(hashes, expected, "on {text:?}");
        }
    }

    /// The ASCII fast path of [`words`] agrees with `unicode-segmentation` everywhere.
    #[test]
    fn word_segmentation_matches_uax29_on_random_text() {
        // The second alphabet is ASCII throughout: whole texts take the ASCII path.
        let alphabets: [Vec<char>; 2] = [
            "aZx09 .,:;'_-/\n!?()\"’–éU".chars().collect(),
            "aZx09 .,:;'_-/\n\t!?()\"U".chars().collect(),
        ];
        let mut next = crate::testing::lcg(0x5eed);
        for i in 0..40_000 {
            let alphabet = &alphabets[i % 2];
            let len = next() % 24;
            let text: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            let reference: Vec<(usize, &str)> = text
                .split_word_bound_indices()
                .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
                .collect();
            let fast: Vec<(usize, &str)> = words(&text).collect();
            assert_eq!(fast, reference, "on {text:?}");
            // And the analyzer never panics or points outside the text.
            for t in WordAnalyzer::default().index_tokens(&text) {
                assert!(t.start < t.end && t.end <= text.len(), "{text:?}: {t:?}");
            }
        }
    }
}
