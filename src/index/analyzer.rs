//! The analyzer: how text becomes index terms. The same analyzer runs at ingest, on query words
//! and over passage text for highlights, so a highlight is exactly what matched.
//!
//! [`WordTokenizer`] splits on Unicode word boundaries (UAX #29, `unicode-segmentation`), keeps
//! byte offsets into the original text, and normalises inside the tokenizer (tantivy has no
//! character-filter stage): lower case, apostrophe variants, possessive `'s`, dotted acronyms
//! (`U.S.` → `us`). Then tantivy's ASCII folding (`Zürich` → `zurich`) and the English stemmer.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream,
    Tokenizer,
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
        .filter(Stemmer::new(Language::English))
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
    tokens: Vec<Token>,
}

/// The token stream of [`WordTokenizer`]: the words of one text, already normalised.
pub struct WordTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.tokens.clear();
        let mut position = 0;
        for (start, word) in text.split_word_bound_indices() {
            if !word.chars().any(char::is_alphanumeric) {
                continue;
            }
            let normalized = normalize_word(word);
            if normalized.is_empty() {
                continue;
            }
            self.tokens.push(Token {
                offset_from: start,
                offset_to: start + word.len(),
                position,
                text: normalized,
                position_length: 1,
            });
            position += 1;
        }
        WordTokenStream {
            tokens: &mut self.tokens,
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

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '′' | '`' | '´')
}

/// Lower-cases one word and removes what does not change its meaning: possessive `'s`, other
/// apostrophes (`Khamene'i` → `khamenei`), and the dots of a dotted acronym (`U.S` → `us`).
/// Dots elsewhere (`3.5`, `un.org`) are kept.
fn normalize_word(word: &str) -> String {
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
    word.chars()
        .filter(|&c| !(is_apostrophe(c) || (is_dotted_acronym && c == '.')))
        .flat_map(char::to_lowercase)
        .collect()
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

    #[test]
    fn punctuation_and_hyphens_separate_words() {
        assert_eq!(terms("snap-back"), ["snap", "back"]);
        assert_eq!(terms("Iran–US"), ["iran", "us"]);
        assert!(terms("— … !").is_empty());
    }
}
