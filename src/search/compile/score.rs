//! The scoring policy: which fields a word searches, how much each counts, and how much a
//! word's rarity counts.

use crate::search::query::Scope;

/// The fields of a passage a query word can match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// The passage text.
    Body,
    Title,
    Section,
}

impl FieldKind {
    /// The name the explanations use (`text`, as the `text:` prefix).
    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Body => "text",
            FieldKind::Title => "title",
            FieldKind::Section => "section",
        }
    }
}

/// The passage body counts fully; title and section words count, but less (a title repeats on
/// every passage of its document).
pub const BODY_BOOST: f32 = 1.0;
pub const TITLE_BOOST: f32 = 0.3;
pub const SECTION_BOOST: f32 = 0.3;

/// The fields a leaf of `scope` searches, with their weights.
pub fn scope_fields(scope: Scope) -> &'static [(FieldKind, f32)] {
    match scope {
        Scope::All => &[
            (FieldKind::Body, BODY_BOOST),
            (FieldKind::Title, TITLE_BOOST),
            (FieldKind::Section, SECTION_BOOST),
        ],
        Scope::Body => &[(FieldKind::Body, 1.0)],
        Scope::Title => &[(FieldKind::Title, 1.0)],
        Scope::Section => &[(FieldKind::Section, 1.0)],
    }
}

/// Reference matter (footnotes, reference lists, runs of links; marked at ingest) repeats the
/// words of the text it supports: its score counts for this share, so it ranks below the text.
pub const REFERENCE_WEIGHT: f32 = 0.3;

/// A passage that matches only through its title or section (the heading matched, the passage
/// itself says nothing of it) counts for this share of its score, so a passage whose text matches
/// ranks above it at a similar score.
pub const HEADING_ONLY_WEIGHT: f32 = 0.6;

/// Why a passage's score was scaled, beside what its matches gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjustment {
    /// Reference matter: [`REFERENCE_WEIGHT`].
    Reference,
    /// Matched only in the title or section: [`HEADING_ONLY_WEIGHT`].
    HeadingOnly,
}

impl Adjustment {
    /// The factor the score is multiplied by.
    pub fn factor(self) -> f32 {
        match self {
            Adjustment::Reference => REFERENCE_WEIGHT,
            Adjustment::HeadingOnly => HEADING_ONLY_WEIGHT,
        }
    }
}

/// The adjustments of a passage: whether it is reference matter, and whether its text matched
/// when the query searched its text and its headings (`None`: the query did not search both).
pub fn adjustments(reference: bool, text_matched: Option<bool>) -> Vec<Adjustment> {
    let mut out = Vec::new();
    if reference {
        out.push(Adjustment::Reference);
    }
    if text_matched == Some(false) {
        out.push(Adjustment::HeadingOnly);
    }
    out
}

/// The product of the factors of [`adjustments`].
pub fn passage_factor(reference: bool, text_matched: Option<bool>) -> f32 {
    let mut factor = 1.0;
    if reference {
        factor *= REFERENCE_WEIGHT;
    }
    if text_matched == Some(false) {
        factor *= HEADING_ONLY_WEIGHT;
    }
    factor
}

/// What a word in half the passages or more still counts for (in idf units): a trace, so
/// passages with it still rank above those without.
pub const COMMON_WORD_FLOOR: f64 = 0.05;

/// BM25's classic idf, `ln((N - n + 0.5) / (n + 0.5))`, as a weight on tantivy's
/// `ln(1 + (N - n + 0.5) / (n + 0.5))`: the two agree on rare words, but a word in most
/// passages (`nations` in a UN corpus, `said` in news) then counts for almost nothing instead
/// of a steady amount, as in Lucene's classic scoring and SQLite FTS5. `total` passages,
/// `n` of them with the term.
pub fn idf_weight(total: u64, n: u64) -> f32 {
    if n == 0 || total == 0 {
        return 1.0;
    }
    let (total, n) = (total as f64, n as f64);
    let ratio = (total - n + 0.5) / (n + 0.5);
    let classic = ratio.ln().max(0.0) + COMMON_WORD_FLOOR;
    let tantivy = ratio.ln_1p();
    (classic / tantivy).min(1.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_words_keep_their_weight_and_common_ones_keep_a_trace() {
        assert!(
            (idf_weight(100_000, 3) - 1.0).abs() < 0.1,
            "rare: about tantivy's idf"
        );
        let common = idf_weight(100_000, 60_000);
        assert!(common > 0.0 && common < 0.2, "{common}");
        assert_eq!(idf_weight(0, 0), 1.0);
        assert_eq!(
            idf_weight(10, 0),
            1.0,
            "an unknown term keeps tantivy's weight"
        );
    }

    #[test]
    fn reference_matter_and_heading_only_matches_count_less() {
        assert_eq!(passage_factor(false, Some(true)), 1.0);
        assert_eq!(passage_factor(false, None), 1.0);
        assert_eq!(passage_factor(true, Some(true)), REFERENCE_WEIGHT);
        assert_eq!(passage_factor(false, Some(false)), HEADING_ONLY_WEIGHT);
        assert_eq!(
            adjustments(true, Some(false)),
            [Adjustment::Reference, Adjustment::HeadingOnly]
        );
        let product: f32 = adjustments(true, Some(false))
            .iter()
            .map(|a| a.factor())
            .product();
        assert_eq!(product, passage_factor(true, Some(false)));
    }

    #[test]
    fn phrases_and_fields_search_where_they_say() {
        assert_eq!(scope_fields(Scope::All).len(), 3);
        assert_eq!(scope_fields(Scope::Title), &[(FieldKind::Title, 1.0)]);
    }
}
