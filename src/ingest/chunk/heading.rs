//! What a heading looks like on its own line: short, title-like, and not a piece of a sentence.
//!
//! A line that a stray line break cut out of a sentence ("We denounce the political imprisonment
//! of former", "In the 1990s, I worked to hold Milosevic accountable for war crimes. He") has
//! the length of a heading but not its shape: it ends on a word that needs a continuation, or a
//! sentence ends inside it and another begins. A salutation ("Mr. President", "Excellencies") or a
//! quotation on a line of its own is not a heading either. When in doubt a line is text: a lost
//! heading costs a section label, a false one costs the words of a sentence.
//!
//! This is the evidence a single line gives; the plain-text layouts add what the document around
//! it says (see `layout::rejected_headings`).

/// Longest line (in characters) that can be a heading.
const MAX_HEADING_CHARS: usize = 120;
/// Most words in a heading; a heading of more than [`MAX_SENTENCE_CASE_WORDS`] must be title-like.
const MAX_HEADING_WORDS: usize = 16;
const MAX_SENTENCE_CASE_WORDS: usize = 10;

/// Words a heading never ends on, written in lower case: articles, prepositions, conjunctions,
/// auxiliaries, possessives and the like, which leave the sentence hanging ("the establishment
/// of a", "a moment in a crisis and", "the position of my"), and lead-ins to a list ("issues
/// include").
const HANGING_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "with",
    "into",
    "onto",
    "upon",
    "about",
    "over",
    "under",
    "between",
    "among",
    "against",
    "through",
    "toward",
    "towards",
    "as",
    "than",
    "via",
    "per",
    "within",
    "without",
    "across",
    "during",
    "since",
    "until",
    "and",
    "or",
    "but",
    "nor",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "because",
    "if",
    "while",
    "whether",
    "although",
    "though",
    "where",
    "when",
    "whereas",
    "my",
    "our",
    "your",
    "his",
    "her",
    "its",
    "their",
    "this",
    "these",
    "those",
    "we",
    "he",
    "she",
    "they",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "do",
    "does",
    "did",
    "former",
    "very",
    "such",
    "include",
    "includes",
    "including",
    "namely",
    "not",
];

/// First words of a sentence rather than of a heading, when the line is not title-like ("We
/// express our full", "Allow me to congratulate").
const SENTENCE_OPENERS: &[&str] = &[
    "i", "we", "he", "she", "they", "you", "it", "allow", "permit", "let",
];

/// Relative pronouns that, in lower case inside a line, make it a clause of a sentence.
const CLAUSE_WORDS: &[&str] = &["which", "who", "whom", "whose"];

/// Words a dot follows without ending a sentence (`Mr. President`, `Gen. Salehi`, `No. 5`).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "mt", "no", "nos", "vol", "gen", "sen", "rep", "gov", "prof",
    "capt", "col", "lt", "adm", "sgt", "jr", "sr", "vs", "etc", "inc", "ltd", "corp", "co", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "art", "para",
    "fig", "pp", "ch", "sec", "op", "cit", "al", "ed", "eds", "approx", "dept", "univ", "ft",
];

/// Forms of address that open a speech or a part of one: text, not headings.
const SALUTATIONS: &[&str] = &[
    "mr president",
    "madam president",
    "madame president",
    "mr chairman",
    "madam chair",
    "mr secretary-general",
    "mr secretary general",
    "excellencies",
    "your excellency",
    "your excellencies",
    "your majesty",
    "your majesties",
    "your highness",
    "your royal highness",
    "ladies and gentlemen",
    "distinguished delegates",
    "distinguished guests",
    "distinguished colleagues",
    "dear colleagues",
    "dear friends",
    "my friends",
    "friends",
    "colleagues",
    "thank you",
    "thank you very much",
];

/// How an address to the Assembly opens, whatever follows ("Your Excellency Antonio Guterres",
/// "Mr President, Mr Secretary-General, Excellencies").
const SALUTATION_OPENERS: &[&str] = &[
    "mr president",
    "madam president",
    "madame president",
    "mr secretary-general",
    "mr secretary general",
    "excellencies",
    "your excellency",
    "your excellencies",
    "your majesty",
    "your majesties",
    "your highness",
    "your highnesses",
    "your royal highness",
    "ladies and gentlemen",
    "distinguished delegates",
    "distinguished guests",
];

/// A paragraph numbered this high (`142. I am addressing…`) is a numbered paragraph, not a
/// numbered section, unless what follows the number is title-like.
const MIN_PARAGRAPH_NUMBER: u32 = 10;

/// Small words that stay lower case in a title ("Return of the Policy").
const MINOR_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "for", "of", "in", "on", "at", "to", "by", "up",
    "as", "from", "with", "into", "over", "via", "vs", "per", "than", "after", "before", "about",
    "among", "between", "against", "under", "without", "within", "through", "toward", "towards",
    "amid", "upon", "de", "la", "le", "du", "des", "van", "von", "al",
];

/// Words that introduce the date of a page (`Updated April 9, 2026`), and the metadata key the
/// date is for.
const DATELINE_MARKERS: &[(&str, &str)] = &[
    ("last updated", "updated"),
    ("updated", "updated"),
    ("published", "published"),
    ("posted", "published"),
];

/// A short line that does not end a sentence, does not hang on a word that needs a continuation,
/// holds no sentence end of its own, is not a dateline, and starts like a heading.
pub fn looks_like_heading(line: &str) -> bool {
    let line = line.trim();
    let Some(first) = line.chars().next() else {
        return false;
    };
    // The cheap tests first: most lines of a text are far too long to be headings.
    if line.len() > 4 * MAX_HEADING_CHARS || line.chars().count() > MAX_HEADING_CHARS {
        return false;
    }
    if !(first.is_uppercase() || first.is_numeric() || "\"“‘'".contains(first)) {
        return false;
    }
    if line.split_whitespace().nth(MAX_HEADING_WORDS).is_some() {
        return false;
    }
    if !line.chars().any(char::is_alphabetic) || ends_with_closing_punctuation(line) {
        return false;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    // A comma followed by a lower-case word is sentence syntax ("Last week, Major General
    // Salehi, the Commander of Iran’s Army, proclaimed" is a paragraph cut by a page break);
    // headings list capitalised items ("War in Suspension, Sanctions in Priority").
    let comma_clause = line
        .match_indices(", ")
        .any(|(i, _)| line[i + 2..].chars().next().is_some_and(char::is_lowercase));
    if comma_clause {
        return false;
    }
    if hangs(&words) || has_inner_sentence_end(&words) || has_clause(&words) {
        return false;
    }
    if is_numbered_paragraph(&words) || opens_a_sentence(line, &words) {
        return false;
    }
    if is_salutation(line) || is_quotation(line) || is_dateline(line) {
        return false;
    }
    words.len() <= MAX_SENTENCE_CASE_WORDS || is_title_like(line)
}

/// Whether the line ends with closing punctuation (a sentence end, a comma, a dash), looking past
/// closing quotes and brackets and trailing footnote marks (`development. *`).
fn ends_with_closing_punctuation(line: &str) -> bool {
    let stripped = line
        .trim_end_matches(['*', '†', '‡', ' ', '\t'])
        .trim_end_matches(['"', '”', '’', '\'', ')', ']']);
    let last = stripped.chars().last();
    matches!(
        last,
        Some('.' | ',' | ';' | ':' | '!' | '?' | '…' | '-' | '–' | '—')
    )
}

/// The word a token stands for, without the punctuation around it.
fn core(token: &str) -> &str {
    token.trim_matches(|c: char| !c.is_alphanumeric())
}

/// The last word is one that leaves the sentence hanging, written in lower case; or the line is
/// that one word ("The").
fn hangs(words: &[&str]) -> bool {
    match words {
        [] => false,
        [only] => HANGING_WORDS.contains(&core(only).to_lowercase().as_str()),
        [.., last] => HANGING_WORDS.contains(&core(last)),
    }
}

/// A line that is not title-like and opens like a sentence ("We favour", "Allow me to").
fn opens_a_sentence(line: &str, words: &[&str]) -> bool {
    let first = words.first().map(|w| core(w).to_lowercase());
    first.is_some_and(|w| SENTENCE_OPENERS.contains(&w.as_str())) && !is_title_like(line)
}

/// A sentence ends inside the line and another starts ("… for war crimes. He"): a word (not an
/// abbreviation, an initial, a number or a numeral) ends with a full stop and a word follows.
/// (A question mark inside a title is common: "Why Now? The Case for Talks".)
fn has_inner_sentence_end(words: &[&str]) -> bool {
    words[..words.len().saturating_sub(1)].iter().any(|token| {
        let token = token.trim_end_matches(['"', '”', '’', '\'', ')', ']']);
        let Some(stem) = token.strip_suffix('.') else {
            return false;
        };
        let stem = stem.trim_start_matches(|c: char| !c.is_alphanumeric());
        let is_abbreviation = stem.contains('.')
            || stem.chars().count() <= 1
            || stem.chars().all(|c| c.is_ascii_digit())
            || is_roman_numeral(stem)
            || ABBREVIATIONS.contains(&stem.to_lowercase().as_str());
        !is_abbreviation
    })
}

fn is_roman_numeral(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| "IVXLC".contains(c))
}

/// A lower-case relative pronoun after the first word: a clause ("issues on which Members of
/// Congress could engage").
fn has_clause(words: &[&str]) -> bool {
    words
        .iter()
        .skip(1)
        .any(|w| CLAUSE_WORDS.contains(&core(w)))
}

/// A form of address on its own line.
fn is_salutation(line: &str) -> bool {
    let lower = line
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
        .to_lowercase()
        .replace('.', "");
    let lower = crate::model::normalize_whitespace(&lower);
    SALUTATIONS.contains(&lower.as_str())
        || SALUTATION_OPENERS.iter().any(|opener| {
            lower
                .strip_prefix(opener)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ',']))
        })
}

/// The first line of a numbered paragraph (`142. I am addressing this General`).
fn is_numbered_paragraph(words: &[&str]) -> bool {
    let Some((first, rest)) = words.split_first() else {
        return false;
    };
    let number = first.strip_suffix('.').and_then(|n| n.parse::<u32>().ok());
    number.is_some_and(|n| n >= MIN_PARAGRAPH_NUMBER) && !is_title_like(&rest.join(" "))
}

/// A line wholly in quotation marks: a quotation, not a heading.
fn is_quotation(line: &str) -> bool {
    let opens = line.starts_with(['"', '“', '‘', '«']);
    let closes = line
        .trim_end_matches(['*', ' '])
        .ends_with(['"', '”', '’', '»']);
    opens && closes
}

/// A line that gives a date (`April 9, 2026`, `Updated April 9, 2026`): a dateline, not a heading.
fn is_dateline(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let after_marker = DATELINE_MARKERS
        .iter()
        .find_map(|(marker, _)| lower.strip_prefix(marker))
        .map_or(0, |rest| line.len() - rest.len());
    dated_at(line, after_marker).is_some()
}

/// The date a page gives with a marker (`Updated April 9, 2026`, `Published: 9 April 2026`,
/// also glued to the text before it, as converted pages have it: `…ProductionUpdated April 9,
/// 2026`), and the metadata key it is for (`updated`, `published`).
pub fn find_dateline(text: &str) -> Option<(&'static str, crate::model::Date)> {
    let lower = text.to_ascii_lowercase();
    DATELINE_MARKERS.iter().find_map(|(marker, key)| {
        lower
            .match_indices(marker)
            .find_map(|(at, _)| dated_at(text, at + marker.len()))
            .map(|date| (*key, date))
    })
}

/// The masthead a converted report page prints above its text: the document's `title` with
/// its date glued to it, an optional dateline marker between them and the report's number in
/// parentheses after it (`Iran and Nuclear Weapons ProductionUpdated April 9, 2026 (IF12106)`,
/// `The Strait of Hormuz in Brief: …ShippersApril 10, 2026 (R48903)`). Case, apostrophes and
/// spaces do not matter; anything else after the date does (then the line is text).
pub fn is_masthead(line: &str, title: &str) -> bool {
    fn fold(text: &str) -> String {
        let text = text.replace(['’', '‘'], "'");
        crate::model::normalize_whitespace(&text).to_lowercase()
    }
    let (line, title) = (fold(line), fold(title));
    if title.is_empty() {
        return false;
    }
    let Some(rest) = line.strip_prefix(&title) else {
        return false;
    };
    let rest = rest.trim_start();
    let rest = DATELINE_MARKERS
        .iter()
        .find_map(|(marker, _)| rest.strip_prefix(marker))
        .unwrap_or(rest);
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let Some((_, used)) = crate::model::Period::parse_prefix(rest) else {
        return false;
    };
    let after = rest[used..].trim();
    after.is_empty()
        || (after.starts_with('(')
            && after.ends_with(')')
            && after.len() <= 40
            && !after[1..after.len() - 1].contains(['(', ')']))
}

/// A date (a day or a month) at byte `at` of `text`, after an optional `on`, colon or spaces.
fn dated_at(text: &str, at: usize) -> Option<crate::model::Date> {
    use crate::model::{Period, Precision};
    let rest = text.get(at..)?;
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let rest = rest.strip_prefix("on ").unwrap_or(rest).trim_start();
    let (period, _) = Period::parse_prefix(rest)?;
    (period.precision != Precision::Year).then_some(period.start)
}

/// Title-like: every word that matters is capitalised ("The Return of the Policy"), or the line
/// is in capitals ("CRS PRODUCT"), or it is numbered like a section ("2. Background").
pub fn is_title_like(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    let numbered = first
        .trim_end_matches(['.', ')'])
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || "IVXLC".contains(c))
        && first.ends_with(['.', ')']);
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    if numbered || (letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())) {
        return !letters.is_empty();
    }
    let mut content = words
        .iter()
        .map(|w| core(w))
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .filter(|w| !MINOR_WORDS.contains(&w.to_lowercase().as_str()))
        .peekable();
    content.peek().is_some() && content.all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastheads_are_the_title_with_its_date() {
        let title = "Iran and Nuclear Weapons Production";
        for line in [
            "Iran and Nuclear Weapons ProductionUpdated April 9, 2026 (IF12106)",
            "Iran and Nuclear Weapons Production Updated: April 9, 2026",
            "IRAN AND NUCLEAR WEAPONS PRODUCTIONApril 9, 2026             (IF12106)",
        ] {
            assert!(is_masthead(line, title), "{line:?}");
        }
        assert!(is_masthead(
            "Russia's Nuclear WeaponsUpdated April 22, 2026 (IF12672)",
            "Russia’s Nuclear Weapons"
        ));
        for line in [
            "Iran and Nuclear Weapons Production",
            "Iran and Nuclear Weapons Production began in April 9, 2026.",
            "Iran and Nuclear Weapons ProductionUpdated April 9, 2026 (IF12106) and more",
            "Iran and Nuclear Weapons ProductionUpdated in 2026",
        ] {
            assert!(!is_masthead(line, title), "{line:?}");
        }
    }

    #[test]
    fn headings_need_the_shape_of_a_heading() {
        for heading in [
            "Peace From the Barrel of a Gun: Trump’s Narrative of Coercive Diplomacy",
            "Return of Maximum Pressure: War in Suspension, Sanctions in Priority",
            "The Timing of War",
            "Assessment",
            "Issues for Congress",
            "U.S.-Iran Ceasefire",
            "2. Background",
            "12. Outlook and Recommendations",
            "We the Peoples",
            "It Is Time",
            "CRS PRODUCT (LIBRARY OF CONGRESS)",
            "What changed",
        ] {
            assert!(looks_like_heading(heading), "{heading:?}");
        }
        for text in [
            "Was this news useful?",
            "and then it continued",
            "12",
            "Last week, Major General Salehi, the Commander of Iran’s Army, proclaimed",
            &"Word ".repeat(20),
        ] {
            assert!(!looks_like_heading(text), "{text:?}");
        }
    }

    /// The fragments the UN General Debate sample made sections of, each cut by a stray line
    /// break, and its salutations.
    #[test]
    fn sentence_fragments_and_salutations_are_not_headings() {
        for fragment in [
            "We denounce the political imprisonment of former",
            "In the 1990s, I worked to hold MiloSevic accountable for war crimes. He",
            "In the 1990s, I worked to hold MiloSevic accountable for war crimes. He was",
            "China supports the establishment of a",
            "I’ve met with the families of those hostages. I’ve grieved with them. They’re",
            "Then I came to the presidency in another moment in a crisis and",
            "Having reaffirmed the position of my",
            "I stand here today as",
            "We are at a time fraught with challenges. The coronavirus disease",
            "And restoring our commitment to international development.  * ",
            "Issues of potential disagreement or contention include",
            "Possible issues on which Members of Congress could engage include",
            "I know — I know many look at the world today and see difficulties and react",
            "\"נֵַ֣צַח יִשְׂרֵָ֔אֵ֔ל לֹ֥אֹ יְשֵַׁ֖רֵּ֖ר\"",
            "Mr. President",
            "Excellencies",
            "Ladies and Gentlemen",
            "Updated April 9, 2026",
            "April 9, 2026",
            "Your Excellency Antonio Guterres, Secretary General of the United",
            "Mr President, Mr Secretary-General, Excellencies, Ladies and Gentlemen",
            "Mr. President UN Secretary-General Excellencies Distinguished Delegates",
            "142. I am addressing this General",
            "The",
            "We express our full",
            "Allow me to congratulate",
        ] {
            assert!(!looks_like_heading(fragment), "{fragment:?}");
        }
    }

    #[test]
    fn datelines_give_dates() {
        let found = |t: &str| find_dateline(t).map(|(k, d)| (k, d.to_string()));
        assert_eq!(
            found("ListenIran and Nuclear Weapons ProductionUpdated April 9, 2026 (IF12106)"),
            Some(("updated", "2026-04-09".into()))
        );
        assert_eq!(
            found("Published: 9 April 2026"),
            Some(("published", "2026-04-09".into()))
        );
        assert_eq!(
            found("Posted on Sept. 17, 2023 by staff"),
            Some(("published", "2023-09-17".into()))
        );
        assert_eq!(found("The report was updated often."), None);
        assert_eq!(found("Updated 2026"), None, "a year alone is too little");
    }

    #[test]
    fn title_like_lines() {
        assert!(is_title_like("The Return of the Policy"));
        assert!(is_title_like("CRS PRODUCT"));
        assert!(is_title_like("IV. Outlook"));
        assert!(!is_title_like("The United Nations summit declaration"));
        assert!(!is_title_like("Of major importance in the Millennium"));
    }
}
