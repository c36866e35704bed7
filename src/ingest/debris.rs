//! Interface debris: lines that web pages and feeds append to an article ("Was this news
//! useful?", "Share this article", ...) and that must never become a passage.
//!
//! The list is matched against a whole paragraph, case-insensitively, after whitespace
//! normalisation and with trailing punctuation ignored, so a real sentence that merely
//! contains one of these words is never dropped. Extend it by adding a line to [`DEBRIS`].

/// Whole-paragraph texts that are dropped wherever they stand alone.
pub const DEBRIS: &[&str] = &[
    "was this news useful",
    "was this article useful",
    "was this article helpful",
    "was this page helpful",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "share on x",
    "share",
    "listen",
    "listen to this article",
    "print",
    "print this page",
    "download pdf",
    "hide overview",
    "show overview",
    "read more",
    "related articles",
    "related stories",
    "advertisement",
    "subscribe",
    "subscribe to our newsletter",
    "sign up for our newsletter",
    "back to top",
    "comments",
    "leave a comment",
    "follow us",
    "copy link",
];

/// True when `paragraph` (already whitespace-normalised) is nothing but interface debris.
pub fn is_debris(paragraph: &str) -> bool {
    let trimmed = paragraph.trim_end_matches(|c: char| c.is_ascii_punctuation() || c == '…');
    if trimmed.len() > 40 {
        return false;
    }
    let lower = trimmed.to_lowercase();
    DEBRIS.iter().any(|d| *d == lower)
}

/// True when a line is page furniture left by PDF extraction: page numbers, dates, document
/// symbols and job numbers (`7 10-54833`, `15-29425 31/34`, `A/70/PV.15 28/09/2015`, `Page 4|6`,
/// `Page 2 of 6`), or a form feed. Such a line is never text, wherever it stands.
pub fn is_page_furniture(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() {
        return false;
    }
    is_page_label(line) || line.split_whitespace().all(is_furniture_token)
}

/// The length of page furniture glued to the start of a line of text (`16-29667 3/58 very
/// worrying.`, `30/56 16-29296 The …`): a UN job number and a page-of-pages, in either order,
/// and the spaces after them; 0 when the line does not start so.
pub fn furniture_prefix(line: &str) -> usize {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let job = |t: &str| {
        t.split_once('-')
            .is_some_and(|(a, b)| a.len() == 2 && b.len() == 5 && digits(a) && digits(b))
    };
    let pages = |t: &str| {
        t.split_once('/')
            .is_some_and(|(a, b)| a.len() <= 3 && b.len() <= 3 && digits(a) && digits(b))
    };
    let mut words = line.split_ascii_whitespace();
    let (Some(first), Some(second), Some(_)) = (words.next(), words.next(), words.next()) else {
        return 0;
    };
    if !((job(first) && pages(second)) || (pages(first) && job(second))) {
        return 0;
    }
    let after = line.find(second).map_or(0, |at| at + second.len());
    after + line[after..].len() - line[after..].trim_start().len()
}

/// `Page 4`, `Page 4|6`, `Page 4/6`, `Page 4 of 6`.
fn is_page_label(line: &str) -> bool {
    let Some(rest) = line
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("page "))
        .map(|_| &line[5..])
    else {
        return false;
    };
    let numbers: Vec<&str> = rest
        .split(|c: char| c == '|' || c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("of"))
        .collect();
    (1..=2).contains(&numbers.len())
        && numbers
            .iter()
            .all(|n| n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

fn is_furniture_token(token: &str) -> bool {
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = token.split(['/', '-', '.']).collect();
    // Page number, page x/y, date d/m/y, job number 10-54833.
    if parts.iter().all(|p| digits_only(p)) && parts.len() <= 3 && token.len() <= 10 {
        return true;
    }
    // UN document symbols: A/70/PV.15, S/PV.7000, A/RES/2231.
    let upper = token
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "/.-".contains(c));
    upper && (token.starts_with("A/") || token.starts_with("S/")) && token.contains("PV")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_glued_to_the_start_of_a_line_is_found() {
        let line = "16-29667 3/58 very worrying. The attacks on";
        assert_eq!(
            &line[furniture_prefix(line)..],
            "very worrying. The attacks on"
        );
        let other = "30/56 16-29296 just as the founding";
        assert_eq!(&other[furniture_prefix(other)..], "just as the founding");
        assert_eq!(
            furniture_prefix("15-29425 31/34"),
            0,
            "a line of furniture alone"
        );
        assert_eq!(furniture_prefix("In 2015-2016 3/4 of the budget"), 0);
        assert_eq!(furniture_prefix("1/2 of the 10-12345 votes"), 0);
    }

    #[test]
    fn page_furniture_is_recognised() {
        for line in [
            "7 10-54833",
            "15-29425 31/34",
            "A/70/PV.15 28/09/2015",
            "01/10/2015 A/70/PV.22",
            "12",
            "Page 4|6",
            "page 2 of 6",
        ] {
            assert!(is_page_furniture(line), "{line:?}");
        }
        for line in [
            "In 2015 the Council met.",
            "Part 2",
            "A/70/PV.22 said it first",
            "Page 4 of the report",
            "Pages",
            "",
        ] {
            assert!(!is_page_furniture(line), "{line:?}");
        }
    }

    #[test]
    fn known_debris_lines_are_recognised() {
        assert!(is_debris("Was this news useful?"));
        assert!(is_debris("SHARE THIS ARTICLE"));
        assert!(is_debris("Listen"));
    }

    #[test]
    fn sentences_containing_debris_words_are_kept() {
        assert!(!is_debris("Listen to the generals, he said."));
        assert!(!is_debris("Was this news useful to Tehran? Hardly."));
    }
}
