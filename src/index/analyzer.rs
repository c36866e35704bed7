//! The analyzer: how text becomes index terms. The same analyzer runs at ingest, on query words
//! and over passage text for highlights, so a highlight is exactly what matched.
//!
//! [`WordTokenizer`] splits on Unicode word boundaries (UAX #29, `unicode-segmentation`), keeps
//! byte offsets into the original text, and normalises inside the tokenizer (tantivy has no
//! character-filter stage): lower case, apostrophe variants, possessive `'s`, dotted acronyms
//! (`U.S.` → `us`). Then tantivy's ASCII folding (`Zürich` → `zurich`) and the English (Porter2)
//! stemmer, with a cache: a corpus repeats the same few thousand words, so most stems are looked
//! up rather than computed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::tokenizer::{
    AsciiFoldingFilter, RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use unicode_segmentation::UnicodeSegmentation;

/// The name the analyzer is registered under in the schema.
pub const ANALYZER_NAME: &str = "dossier_en";

/// Tokens longer than this (in bytes) are dropped: they are never words an analyst types.
const MAX_TOKEN_BYTES: usize = 64;

/// The full analyzer: words, normalised, folded to ASCII, stemmed.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build()
}

/// The analyzer without the stemmer: the normalised surface form of a word, used for prefixes.
pub fn normalizer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(AsciiFoldingFilter)
        .build()
}

/// A token as the rest of dossier uses it: the term and where it sits in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    pub term: String,
    pub position: usize,
    pub start: usize,
    pub end: usize,
}

/// Runs `analyzer` over `text` and collects its tokens.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<AnalyzedToken> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        out.push(AnalyzedToken {
            term: t.text.clone(),
            position: t.position,
            start: t.offset_from,
            end: t.offset_to,
        });
    }
    out
}

/// Splits text into words on Unicode word boundaries and normalises each word.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    /// Tokens of the current text; their `String`s are reused from text to text.
    tokens: Vec<Token>,
    len: usize,
}

/// The words of `text` (UAX #29 word segments holding a letter or digit) with their byte
/// offsets. Whitespace always separates words, so each whitespace-free run is segmented on its
/// own: pure-ASCII runs (nearly all of them) by [`ascii_words`], which applies the same rules
/// much faster, the others by `unicode-segmentation`.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let base = text.as_ptr() as usize;
    text.split_whitespace().flat_map(move |run| {
        let offset = run.as_ptr() as usize - base;
        let segments: Box<dyn Iterator<Item = (usize, &str)>> = if run.is_ascii() {
            Box::new(ascii_words(run))
        } else {
            Box::new(
                run.split_word_bound_indices()
                    .filter(|(_, w)| w.chars().any(char::is_alphanumeric)),
            )
        };
        segments.map(move |(at, w)| (offset + at, w))
    })
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
            let next = bytes.get(i + 1).copied();
            let joins_letters = prev.is_ascii_alphabetic()
                && matches!(c, b'.' | b'\'' | b':')
                && next.is_some_and(|n| n.is_ascii_alphabetic());
            let joins_digits = prev.is_ascii_digit()
                && matches!(c, b'.' | b',' | b';' | b'\'')
                && next.is_some_and(|n| n.is_ascii_digit());
            if joins_letters || joins_digits {
                i += 2;
            } else {
                break;
            }
        }
        Some((start, &run[start..i]))
    })
    .filter(|(_, w)| w.bytes().any(|b| b.is_ascii_alphanumeric()))
}

/// The token stream of [`WordTokenizer`]: the words of one text, already normalised.
pub struct WordTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.len = 0;
        for (start, word) in words(text) {
            if self.len == self.tokens.len() {
                self.tokens.push(Token::default());
            }
            let token = &mut self.tokens[self.len];
            token.text.clear();
            normalize_word(word, &mut token.text);
            if token.text.is_empty() {
                continue;
            }
            token.offset_from = start;
            token.offset_to = start + word.len();
            token.position = self.len;
            token.position_length = 1;
            self.len += 1;
        }
        WordTokenStream {
            tokens: &mut self.tokens[..self.len],
            next: 0,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
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

/// The English (Porter2) stemmer of tantivy's `en_stem`, remembering the stems it computed.
#[derive(Clone, Copy, Default)]
pub struct CachedStemmer;

/// Words remembered per analyzer before the cache starts over (bounds memory on odd corpora).
const STEM_CACHE_WORDS: usize = 200_000;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            cache: StemCache::default(),
        }
    }
}

/// [`CachedStemmer`] applied to a tokenizer.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    cache: StemCache,
}

/// Words to stems. Keys are short and trusted (our own tokens), so a fast non-cryptographic
/// hash (FNV-1a) serves better than the default SipHash.
type StemCache = HashMap<String, String, BuildHasherDefault<Fnv>>;

#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.cache.len() > STEM_CACHE_WORDS {
            self.cache.clear();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
        }
    }
}

/// The token stream of [`CachedStemmerFilter`].
pub struct CachedStemmerStream<'a, S> {
    tail: S,
    cache: &'a mut StemCache,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.cache.get(token.text.as_str()) {
            Some(stem) => {
                token.text.clear();
                token.text.push_str(stem);
            }
            None => {
                let stem = frostem::Stemmer::new(frostem::Algorithm::English)
                    .stem(&token.text)
                    .into_owned();
                self.cache
                    .insert(std::mem::take(&mut token.text), stem.clone());
                token.text = stem;
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
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
    let is_dotted_acronym = word.contains('.')
        && word
            .split('.')
            .all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic));
    out.extend(
        word.chars()
            .filter(|&c| !(is_apostrophe(c) || (is_dotted_acronym && c == '.')))
            .flat_map(char::to_lowercase),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyze(&mut analyzer(), text)
            .into_iter()
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn words_are_lowercased_stemmed_and_folded() {
        assert_eq!(
            terms("Sanctions sanctioned in Zürich"),
            ["sanction", "sanction", "in", "zurich"]
        );
    }

    #[test]
    fn possessives_and_curly_apostrophes() {
        assert_eq!(terms("Iran’s"), terms("Iran's"));
        assert_eq!(terms("Iran’s"), ["iran"]);
        assert_eq!(terms("Khamene'i"), ["khamenei"]);
    }

    #[test]
    fn dotted_acronyms_lose_their_dots_but_numbers_keep_them() {
        assert_eq!(terms("U.S. policy"), ["us", "polici"]);
        assert_eq!(terms("3.5 percent"), ["3.5", "percent"]);
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "The IRGC’s commanders — “snapback”.";
        for t in analyze(&mut analyzer(), text) {
            let original = &text[t.start..t.end];
            assert!(
                original.to_lowercase().starts_with(&t.term[..2]),
                "{original:?} for {t:?}"
            );
        }
        let tokens = analyze(&mut analyzer(), text);
        assert_eq!(&text[tokens[1].start..tokens[1].end], "IRGC’s");
        assert_eq!(
            tokens.iter().map(|t| t.position).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
    }

    /// The ASCII fast path of [`words`] agrees with `unicode-segmentation` everywhere.
    #[test]
    fn word_segmentation_matches_uax29_on_random_text() {
        let alphabet: Vec<char> = "aZx09 .,:;'_-/\n!?()\"’–éU".chars().collect();
        let mut seed: u64 = 0x5eed;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..20_000 {
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
        }
    }

    #[test]
    fn punctuation_and_hyphens_separate_words() {
        assert_eq!(terms("snap-back"), ["snap", "back"]);
        assert_eq!(terms("Iran–US"), ["iran", "us"]);
        assert!(terms("— … !").is_empty());
    }
}
