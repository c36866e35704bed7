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
    fn phrases_and_fields_search_where_they_say() {
        assert_eq!(scope_fields(Scope::All).len(), 3);
        assert_eq!(scope_fields(Scope::Title), &[(FieldKind::Title, 1.0)]);
    }
}
