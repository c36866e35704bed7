//! Reference matter: footnotes, endnotes, reference lists and runs of links. They repeat the
//! words of the text they support (a footnote cites "The Strait of Hormuz in Brief" to back a
//! sentence about the Strait of Hormuz) without saying anything themselves, so they are marked
//! at ingest and ranked below the body text (see `search::compile::score::REFERENCE_WEIGHT`).
//!
//! A passage is reference matter when it sits under a reference heading (`Footnotes`, `Notes`,
//! `References`, `External links`, ...), or when links make up a good part of its text.

/// Headings of reference matter, compared in lower case without numbering and punctuation.
const REFERENCE_HEADINGS: &[&str] = &[
    "footnotes",
    "endnotes",
    "notes",
    "notes and references",
    "references",
    "references and notes",
    "sources",
    "sources and notes",
    "source notes",
    "bibliography",
    "select bibliography",
    "works cited",
    "citations",
    "further reading",
    "external links",
];

/// A passage whose links (URLs) make up at least this share of its characters is a run of
/// references, whatever its heading.
pub const LINK_SHARE: f64 = 0.25;

/// Whether a heading names reference matter (`Footnotes`, `7. References`, `NOTES:`).
pub fn is_reference_heading(heading: &str) -> bool {
    let words: Vec<String> = heading
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    REFERENCE_HEADINGS.contains(&words.join(" ").as_str())
}

/// The share of the characters of `text` that are in links (`https://…`, `www.…`).
pub fn link_share(text: &str) -> f64 {
    // Most passages have no link at all: a link has `://` or a `www.`, and a text without
    // either has none (a scan for two bytes, not a look at every word).
    if !text.contains("://") && !has_www(text) {
        return 0.0;
    }
    let total = text.chars().filter(|c| !c.is_whitespace()).count();
    if total == 0 {
        return 0.0;
    }
    let linked: usize = text
        .split_whitespace()
        .map(|token| token.trim_start_matches(['(', '<', '[', '"', '“', '\'']))
        .filter(|token| {
            let starts = |prefix: &str| {
                token
                    .as_bytes()
                    .get(..prefix.len())
                    .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
            };
            starts("http://") || starts("https://") || starts("www.")
        })
        .map(|token| token.chars().count())
        .sum();
    linked as f64 / total as f64
}

/// Whether `text` has a `www.` in any case.
fn has_www(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices('.').any(|(i, _)| {
        i >= 3
            && bytes[i - 3..i]
                .iter()
                .all(|b| b.eq_ignore_ascii_case(&b'w'))
    })
}

/// Whether a passage under `section` with this text is reference matter.
pub fn is_reference(section: Option<&str>, text: &str) -> bool {
    section.is_some_and(is_reference_heading) || link_share(text) >= LINK_SHARE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_headings_are_known_whatever_their_numbering() {
        for heading in [
            "Footnotes",
            "7. References",
            "NOTES:",
            "External links",
            "Further Reading",
        ] {
            assert!(is_reference_heading(heading), "{heading}");
        }
        for heading in [
            "Notes on the Ceasefire",
            "Literature",
            "Introduction",
            "Sources of Tension",
        ] {
            assert!(!is_reference_heading(heading), "{heading}");
        }
    }

    #[test]
    fn link_runs_are_references_and_prose_with_a_link_is_not() {
        let footnotes = "| 4. | Weilun Soon, \"Shipowners Eye Hormuz Truce,\" gCaptain.com, April 8, 2026, https://gcaptain.com/shipowners-eye-hormuz-truce-with-800-vessels-still-trapped/. | 5. | Maritime Executive, April 7, 2026, https://maritime-executive.com/article/iran-confirms-two-week-ceasefire-and-a-limited-reopening-of-hormuz.";
        assert!(is_reference(None, footnotes), "{}", link_share(footnotes));
        let prose = "Before the conflict began, the Strait was open to ship traffic from every country; about 130 ships crossed each day, according to the UN's trade agency (see https://unctad.org/publication/x).";
        assert!(!is_reference(None, prose), "{}", link_share(prose));
        assert!(is_reference(
            Some("Footnotes"),
            "Harbor mines are devices that explode."
        ));
        assert_eq!(link_share(""), 0.0);
        assert!(link_share("see WwW.un.org") > 0.5);
        assert!(link_share("see HTTPS://un.org") > 0.5);
        assert_eq!(link_share("a www, not a link: awww. ww.x"), 0.0);
    }

    /// The share as first written: every word lower-cased and looked at.
    fn link_share_word_by_word(text: &str) -> f64 {
        let total = text.chars().filter(|c| !c.is_whitespace()).count();
        if total == 0 {
            return 0.0;
        }
        let linked: usize = text
            .split_whitespace()
            .map(|token| token.trim_start_matches(['(', '<', '[', '"', '“', '\'']))
            .filter(|token| {
                let lower = token.get(..8).unwrap_or(token).to_ascii_lowercase();
                lower.starts_with("http://")
                    || lower.starts_with("https://")
                    || lower.starts_with("www.")
            })
            .map(|token| token.chars().count())
            .sum();
        linked as f64 / total as f64
    }

    proptest::proptest! {
        #[test]
        fn the_share_is_the_word_by_word_share(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[a-zA-Z.,:/]{0,9}").unwrap(),
                    proptest::string::string_regex("[(<\"“']?(https?://|HTTP://|wWw\\.|www|ww\\.)[a-zé/.]{0,8}").unwrap(),
                    proptest::string::string_regex("[é“ \t\n]{0,3}").unwrap(),
                ],
                0..12,
            )
        ) {
            let text = words.join(" ");
            proptest::prop_assert_eq!(link_share(&text), link_share_word_by_word(&text), "{:?}", text);
        }
    }
}
