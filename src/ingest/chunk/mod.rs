//! The paragraph chunker: turns the text of one document into headings and paragraph passages,
//! each with the exact lines and bytes it occupies in the source.
//!
//! Pure functions over `&str`: no I/O, no index.
//! - [`layout`] decides which lines make a paragraph in plain text (blank-line, one per line,
//!   hard-wrapped, mixed) and drops page furniture; [`super::markdown`] does the same for
//!   Markdown;
//! - a heading is not a passage: it becomes the `section` of the passages that follow it. In
//!   plain text a line needs evidence to be one: its own shape (`heading`: short, title-like, no
//!   sentence running through it) and the document's agreement ([`layout`]); when in doubt it
//!   is text, since a false heading takes a sentence's words out of the passage text;
//! - the title is the first Markdown heading, or the first line of a text file when it reads as
//!   a title; it is not a passage either, unless it is all the text there is;
//! - interface debris ("Was this news useful?") is dropped (see [`super::debris`]);
//! - the `paragraph` module joins a paragraph's lines (undoing end-of-line hyphenation), takes off the
//!   source's paragraph number (`22.\t…`), and cuts a paragraph longer than
//!   [`ChunkOptions::max_chars`] into parts at sentence boundaries.
//!
//! Offsets: `byte_start..byte_end` run from the first to the last character of the passage's
//! text in the source; the lines cited are the lines those bytes are on.

mod heading;
pub mod layout;
mod paragraph;
pub mod reference;

use super::debris::{self, is_debris};
use crate::model::normalize_whitespace;
pub use heading::{find_dateline, is_masthead, is_title_like, looks_like_heading};
pub use layout::Layout;
use paragraph::{join, paragraph_number, source_range, split_parts, Vocabulary};

/// Bumped whenever a change to the chunker can cut the same file differently: documents indexed
/// by an older chunker are then re-indexed by the next ingest even though their bytes are the same.
pub const CHUNKER_VERSION: u32 = 7;

/// Default longest passage, in characters.
pub const DEFAULT_MAX_CHARS: usize = 1500;

/// Longest line (in characters) that can be a title.
const MAX_TITLE_CHARS: usize = 160;

/// Settings of the chunker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkOptions {
    /// A paragraph longer than this (in characters) is split at sentence boundaries.
    pub max_chars: usize,
}

impl Default for ChunkOptions {
    fn default() -> ChunkOptions {
        ChunkOptions {
            max_chars: DEFAULT_MAX_CHARS,
        }
    }
}

/// A passage found in the source, before it gets its document identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub section: Option<String>,
    /// 1-based paragraph number in the document (parts of a split paragraph share it).
    pub paragraph: u64,
    /// 1-based part number when the paragraph was split, else `None`.
    pub part: Option<u32>,
    /// The number the source itself gives the paragraph (`22.\t…`), if any.
    pub source_paragraph: Option<String>,
    pub line_start: u64,
    pub line_end: u64,
    pub byte_start: u64,
    pub byte_end: u64,
    pub text: String,
    /// Reference matter (a footnote, a reference list, a run of links): see [`mod@reference`].
    pub reference: bool,
}

/// What the chunker makes of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunked {
    pub title: Option<String>,
    pub layout: Layout,
    pub chunks: Vec<Chunk>,
}

/// One source line: the byte range of its content (line terminator and a leading byte-order
/// mark excluded).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    start: usize,
    end: usize,
}

/// A piece of a paragraph: a range of the source text, with the text it stands for when that
/// is not the source slice itself (HTML entities, Markdown escapes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    /// `None`: the text is `source[start..end]`.
    pub text: Option<String>,
    /// A line break (or a block-internal separator) comes before this piece.
    pub break_before: bool,
}

impl Piece {
    /// A line (or part of one) of the source, taken as it is.
    pub fn raw(start: usize, end: usize) -> Piece {
        Piece {
            start,
            end,
            text: None,
            break_before: true,
        }
    }
}

/// What a reader finds in a document, in order.
#[derive(Debug)]
pub enum Unit {
    /// Not a passage: the section of what follows.
    Heading {
        text: String,
    },
    Paragraph(Vec<Piece>),
}

/// Splits a plain-text document into its title, headings and passages.
///
/// The first line is the title when it reads as one and stands apart from the body; it is not a
/// passage, unless it is all the text there is (a one-line note is its own passage).
pub fn chunk_text(text: &str, options: &ChunkOptions) -> Chunked {
    chunk_plain(text, options, TitleRule::FirstLine)
}

/// Splits the text of a feed record. When the record gives its own `title`, the text's first
/// line is only taken off as the title when it repeats that title; anything else in the text is
/// the record's to index. Without one, the first line is read as in [`chunk_text`].
pub fn chunk_record(text: &str, options: &ChunkOptions, title: Option<&str>) -> Chunked {
    match title {
        Some(title) => chunk_plain(text, options, TitleRule::Given(title)),
        None => chunk_text(text, options),
    }
}

/// Where the title of a plain text comes from.
#[derive(Clone, Copy)]
enum TitleRule<'a> {
    /// The first line, when it reads as a title.
    FirstLine,
    /// Given by the source; a first line that repeats it is not a passage.
    Given(&'a str),
}

fn chunk_plain(text: &str, options: &ChunkOptions, rule: TitleRule) -> Chunked {
    let lines = split_lines(text);
    let (layout, mut units) =
        layout::text_units(text, &lines, matches!(rule, TitleRule::FirstLine));
    let first_line = |unit: &Unit| -> Option<String> {
        match unit {
            Unit::Heading { text } => Some(text.clone()),
            Unit::Paragraph(pieces) if pieces.len() == 1 && is_alone(text, &pieces[0]) => {
                Some(normalize_whitespace(&text[pieces[0].start..pieces[0].end]))
            }
            Unit::Paragraph(_) => None,
        }
    };
    let candidate = units.first().and_then(first_line);
    let title = match rule {
        TitleRule::FirstLine => candidate.filter(|line| reads_as_title(line)),
        TitleRule::Given(given) => candidate.filter(|line| same_title(line, given)),
    };
    let has_body = units
        .iter()
        .skip(1)
        .any(|u| matches!(u, Unit::Paragraph(_)));
    if title.is_some() && has_body {
        units.remove(0);
    }
    let mut chunked = assemble(text, units, layout, options, true);
    chunked.title = match rule {
        TitleRule::FirstLine => title,
        TitleRule::Given(_) => None,
    };
    chunked
}

/// Whether a line repeats a title (whitespace and case aside).
fn same_title(line: &str, title: &str) -> bool {
    normalize_whitespace(line).to_lowercase() == normalize_whitespace(title).to_lowercase()
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let bytes = text.as_bytes();
    while start <= bytes.len() {
        let end_of_line = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| start + i);
        let next = end_of_line.map_or(bytes.len() + 1, |i| i + 1);
        let mut end = end_of_line.unwrap_or(bytes.len());
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        if end_of_line.is_some() || start < bytes.len() {
            // Page furniture glued to the start of the line is not text.
            let skip = debris::furniture_prefix(&text[start..end]);
            lines.push(Line {
                start: start + skip,
                end,
            });
        }
        start = next;
    }
    lines
}

fn segment(line: &Line) -> Piece {
    Piece::raw(line.start, line.end)
}

/// Whether a line ends a sentence (closing quotes and brackets aside).
pub fn ends_sentence(line: &str) -> bool {
    let stripped = line
        .trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']', '»']);
    matches!(
        stripped.chars().last(),
        Some('.' | '!' | '?' | ':' | ';' | '…')
    )
}

/// The first line of a plain-text file reads as a title when it stands alone and does not end
/// like a sentence fragment (a question mark is fine: many titles are questions).
fn reads_as_title(line: &str) -> bool {
    let line = line.trim();
    let chars = line.chars().count();
    if chars == 0 || chars > MAX_TITLE_CHARS || !line.chars().any(char::is_alphabetic) {
        return false;
    }
    let stripped = line.trim_end_matches(['"', '”', '’', '\'', ')']);
    !matches!(stripped.chars().last(), Some('.' | ',' | ';' | ':'))
}

/// A one-line paragraph followed by a blank line (or the end of the text): the first line of a
/// text file only reads as a title when it stands apart from the body.
fn is_alone(text: &str, segment: &Piece) -> bool {
    let rest = &text[segment.end..];
    let rest = rest.strip_prefix('\r').unwrap_or(rest);
    match rest.strip_prefix('\n') {
        None => rest.trim().is_empty(),
        Some(after) => {
            let next_line = after.split('\n').next().unwrap_or("");
            next_line.trim().is_empty()
        }
    }
}

/// Turns a reader's units into passages: sections from headings, paragraph numbers, joined
/// text (mending line-end hyphens when `dehyphenate`), debris dropped, long paragraphs split.
/// The title is left to the reader.
pub fn assemble(
    text: &str,
    units: Vec<Unit>,
    layout: Layout,
    options: &ChunkOptions,
    dehyphenate: bool,
) -> Chunked {
    // Source paragraph numbers: `22.<TAB>` always; `22. ` when the document numbers at least
    // three paragraphs that way.
    let first_raw = |pieces: &[Piece]| -> Option<(String, usize)> {
        let first = pieces.first().filter(|p| p.text.is_none())?;
        paragraph_number(&text[first.start..first.end], true)
    };
    let numbered_with_space = units
        .iter()
        .filter(|u| matches!(u, Unit::Paragraph(p) if first_raw(p).is_some()))
        .count()
        >= 3;
    let vocabulary = (dehyphenate && (text.contains("-\n") || text.contains("-\r\n")))
        .then(|| Vocabulary::of(text));
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |byte: usize| line_starts.partition_point(|&s| s <= byte) as u64;

    let mut chunks = Vec::new();
    let mut section: Option<String> = None;
    let mut paragraph = 0u64;
    for unit in units {
        let mut pieces = match unit {
            Unit::Heading { text: heading } => {
                section = Some(heading);
                continue;
            }
            Unit::Paragraph(pieces) if pieces.is_empty() => continue,
            Unit::Paragraph(pieces) => pieces,
        };
        let number = pieces
            .first()
            .filter(|p| p.text.is_none())
            .and_then(|p| paragraph_number(&text[p.start..p.end], numbered_with_space));
        let source_paragraph = number.map(|(number, marker)| {
            pieces[0].start += marker;
            number
        });
        let joined = join(text, &pieces, vocabulary.as_ref());
        if joined.is_empty() || is_debris(&joined.text) {
            continue;
        }
        paragraph += 1;
        let parts = split_parts(&joined.text, options.max_chars);
        let split = parts.len() > 1;
        for (i, (start, end)) in parts.into_iter().enumerate() {
            let (byte_start, byte_end) = source_range(text, &joined, start, end);
            let text = &joined.text[start..end];
            chunks.push(Chunk {
                reference: reference::is_reference(section.as_deref(), text),
                section: section.clone(),
                paragraph,
                part: split.then_some(i as u32 + 1),
                source_paragraph: source_paragraph.clone(),
                line_start: line_of(byte_start),
                line_end: line_of(byte_end.saturating_sub(1).max(byte_start)),
                byte_start: byte_start as u64,
                byte_end: byte_end as u64,
                text: text.to_owned(),
            });
        }
    }
    Chunked {
        title: None,
        layout,
        chunks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::texts;

    fn chunk_default(src: &str) -> Chunked {
        chunk_text(src, &ChunkOptions::default())
    }

    /// Every chunk's lines hold its bytes, and its bytes hold its text: the same words in the
    /// same order, allowing for dropped page furniture, paragraph numbers and undone
    /// end-of-line hyphens.
    fn assert_exact(source: &str, chunked: &Chunked) {
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect()
        };
        for c in &chunked.chunks {
            let slice = &source[c.byte_start as usize..c.byte_end as usize];
            let kept: String = slice
                .lines()
                .filter(|l| !crate::ingest::debris::is_page_furniture(l))
                .collect::<Vec<_>>()
                .join("\n");
            assert_eq!(squash(&kept), squash(&c.text), "bytes of {c:?}");
            let line_of = |byte: usize| line_starts.partition_point(|&s| s <= byte) as u64;
            assert_eq!(
                line_of(c.byte_start as usize),
                c.line_start,
                "line_start of {c:?}"
            );
            assert_eq!(
                line_of(c.byte_end as usize - 1),
                c.line_end,
                "line_end of {c:?}"
            );
        }
    }

    #[test]
    fn blank_line_paragraphs_with_title_and_headings() {
        let src = "Will Iran Retreat?\n\nFirst paragraph, about power.\n\nSecond one\nwrapped over lines.\n\nThe Timing of War\n\nThird paragraph.\n\nWas this news useful?\n";
        let c = chunk_default(src);
        assert_eq!(c.layout, Layout::BlankLine);
        assert_eq!(c.title.as_deref(), Some("Will Iran Retreat?"));
        assert_eq!(
            texts(&c),
            [
                "First paragraph, about power.",
                "Second one wrapped over lines.",
                "Third paragraph."
            ]
        );
        assert_eq!(c.chunks[0].section, None);
        assert_eq!(c.chunks[2].section.as_deref(), Some("The Timing of War"));
        assert_eq!((c.chunks[1].line_start, c.chunks[1].line_end), (5, 6));
        assert_exact(src, &c);
    }

    #[test]
    fn long_lines_without_blank_lines_are_one_paragraph_each() {
        let para = |w: &str| format!("{} ends here.", w.repeat(30));
        let src = format!(
            "Title Line\n\n{}\n{}\nShort Heading Here\n{}",
            para("Alpha "),
            para("Beta "),
            para("Gamma ")
        );
        let c = chunk_default(&src);
        assert_eq!(c.layout, Layout::LinePerParagraph);
        assert_eq!(c.title.as_deref(), Some("Title Line"));
        assert_eq!(c.chunks.len(), 3);
        assert_eq!(c.chunks[1].line_start, 4);
        assert_eq!(c.chunks[2].line_start, 6);
        assert_eq!(c.chunks[2].section.as_deref(), Some("Short Heading Here"));
        assert!(c.chunks[0].text.starts_with("Alpha"));
        assert_exact(&src, &c);
    }

    #[test]
    fn numbered_paragraphs_keep_their_source_number_out_of_the_text() {
        let long = "The peoples of the world know this, and they expect the Assembly to act on it without delay. ".repeat(2);
        let src = format!("21.\t{long}\n22.\t{long}\n");
        let c = chunk_default(&src);
        assert_eq!(c.chunks.len(), 2);
        assert_eq!(c.chunks[1].source_paragraph.as_deref(), Some("22"));
        assert_eq!(c.chunks[1].paragraph, 2);
        assert!(c.chunks[1].text.starts_with("The peoples"));
        assert_eq!(&src[c.chunks[1].byte_start as usize..][..3], "The");
        assert_exact(&src, &c);
    }

    #[test]
    fn a_paragraph_cut_by_a_page_break_is_rejoined() {
        let long = "The Council must act on what it has decided, and it must act now. ".repeat(3);
        let src = format!(
            "{long}\n{long}Just imagine what Iran will do after those sanctions are\n15-29658 27/55\n\nA/70/PV.22 01/10/2015\nlifted, he said. {long}\n{long}\n"
        );
        let c = chunk_default(&src);
        assert_eq!(c.layout, Layout::LinePerParagraph);
        assert_eq!(c.chunks.len(), 3, "{:#?}", texts(&c));
        assert!(c.chunks[1].text.contains("sanctions are lifted, he said."));
        assert!(!c.chunks[1].text.contains("27/55") && !c.chunks[1].text.contains("PV.22"));
        assert_eq!((c.chunks[1].line_start, c.chunks[1].line_end), (2, 6));
        assert_exact(&src, &c);
    }

    #[test]
    fn hard_wrapped_text_is_rebuilt_into_paragraphs() {
        let src = "\
In the aftermath of Hurricane Katrina, my fellow
citizens have experienced the compassion of the United
Nations. I want to thank the Secretary-General for his
inter-
national leadership in our time of need.
In moments of tumultuous historical change, leaders
must become architects of a better world and build
8

institutions that reflect our unique moment in
history. It is those institutions that enable citizens
of conviction to lead us.
 Sixty years ago was just such a time of change,
when the United Nations was founded on principles
that have stood the test of time in every region.
";
        let c = chunk_default(src);
        assert!(
            matches!(c.layout, Layout::HardWrapped { .. }),
            "{:?}",
            c.layout
        );
        assert_eq!(c.chunks.len(), 3, "{:#?}", texts(&c));
        assert!(c.chunks[0]
            .text
            .ends_with("for his international leadership in our time of need."));
        assert!(c.chunks[1].text.contains("build institutions that reflect"));
        assert!(!c.chunks[1].text.contains(" 8 "));
        assert!(c.chunks[2].text.starts_with("Sixty years ago"));
        assert_eq!((c.chunks[1].line_start, c.chunks[1].line_end), (6, 12));
        assert_exact(src, &c);
    }

    #[test]
    fn a_form_feed_is_a_page_break_not_a_paragraph_break() {
        let src = "\
The Assembly met to consider the report of the
Council on the situation in the region and the
\u{c}measures that the members had taken since then.
It adjourned late in the evening after a long and
difficult debate about the future of the mission.
";
        let c = chunk_default(src);
        assert!(matches!(c.layout, Layout::BlankLine), "{:?}", c.layout);
        assert_eq!(c.chunks.len(), 1, "{:#?}", texts(&c));
        assert!(c.chunks[0].text.contains("and the measures that"));
        assert_exact(src, &c);
    }

    #[test]
    fn long_paragraphs_become_numbered_parts_with_exact_citations() {
        let sentence =
            "Sanctions relief was promised, and each side accused the other of bad faith. ";
        let src = format!(
            "Short opening paragraph.\n\n{}\n",
            sentence.repeat(40).trim_end()
        );
        let c = chunk_text(&src, &ChunkOptions { max_chars: 500 });
        let parts: Vec<&Chunk> = c.chunks.iter().filter(|c| c.paragraph == 2).collect();
        assert!(parts.len() >= 7, "{} parts", parts.len());
        for (i, part) in parts.iter().enumerate() {
            assert_eq!(part.part, Some(i as u32 + 1));
            assert!(part.text.chars().count() <= 500);
            assert!(part.text.ends_with('.'));
        }
        assert_eq!(c.chunks[0].part, None);
        assert_exact(&src, &c);
    }

    #[test]
    fn first_line_glued_to_the_body_is_not_a_title() {
        let src = "The sanctions were renewed on Monday\nafter a long debate.\n";
        let c = chunk_default(src);
        assert_eq!(c.title, None);
        assert_eq!(texts(&c).len(), 1);
    }

    #[test]
    fn sentence_first_line_is_not_a_title() {
        let src = "This opening sentence ends with a full stop.\n\nAnother paragraph.\n";
        let c = chunk_default(src);
        assert_eq!(c.title, None);
        assert_eq!(c.chunks.len(), 2);
    }

    #[test]
    fn crlf_and_bom_keep_exact_offsets() {
        let src = "\u{feff}Title\r\n\r\nOne paragraph\r\nwrapped.\r\n\r\nTwo.\r\n";
        let c = chunk_default(src);
        assert_eq!(c.title.as_deref(), Some("Title"));
        assert_eq!(texts(&c), ["One paragraph wrapped.", "Two."]);
        assert_exact(src, &c);
    }

    #[test]
    fn interface_debris_and_page_numbers_never_become_passages() {
        let src = "Title\n\nThe talks resumed in Muscat.\n\n12\n\nShare this article\n\nListen\n\nThe envoy left.\n";
        let c = chunk_default(src);
        assert_eq!(
            texts(&c),
            ["The talks resumed in Muscat.", "The envoy left."]
        );
    }

    /// The chunk whose text starts with `start`, and the source text it cites.
    fn cited<'s>(src: &'s str, c: &'s Chunked, start: &str) -> (&'s Chunk, &'s str) {
        let chunk = c
            .chunks
            .iter()
            .find(|c| c.text.starts_with(start))
            .unwrap_or_else(|| panic!("no passage starts with {start:?}: {:#?}", texts(c)));
        (
            chunk,
            &src[chunk.byte_start as usize..chunk.byte_end as usize],
        )
    }

    /// A transcript with stray blank lines inside sentences (USA_79_2024): no line of it is a
    /// heading, and the words on both sides of a stray break are one passage.
    #[test]
    fn a_stray_blank_line_inside_a_sentence_is_no_heading_and_no_paragraph_break() {
        let src = "United States of America — UN General Debate 2024\n\nIn the 1980s, I spoke out against apartheid in South Africa, and then I\n\nwatched the racist regime fall.\n\nIn the 1990s, I worked to hold MiloSevic accountable for war crimes. He was\n\nheld accountable.\n\n250 innocents taken hostage.\n\nI’ve met with the families of those hostages. I’ve grieved with them. They’re\n\ngoing through hell.\n\nThen I came to the presidency in another moment in a crisis and\n\nuncertainty. I believed America had to look forward.\n";
        let c = chunk_default(src);
        assert_eq!(
            c.title.as_deref(),
            Some("United States of America — UN General Debate 2024")
        );
        assert!(c.chunks.iter().all(|c| c.section.is_none()), "{c:#?}");
        assert_eq!(
            texts(&c),
            [
                "In the 1980s, I spoke out against apartheid in South Africa, and then I watched the racist regime fall.",
                "In the 1990s, I worked to hold MiloSevic accountable for war crimes. He was held accountable.",
                "250 innocents taken hostage.",
                "I’ve met with the families of those hostages. I’ve grieved with them. They’re going through hell.",
                "Then I came to the presidency in another moment in a crisis and uncertainty. I believed America had to look forward.",
            ]
        );
        let (hostages, cited_text) = cited(src, &c, "I’ve met");
        assert_eq!((hostages.line_start, hostages.line_end), (13, 15));
        assert!(cited_text.starts_with("I’ve met with the families of those hostages."));
        assert!(cited_text.ends_with("going through hell."));
        assert_exact(src, &c);
    }

    /// One paragraph per line (CUB_73_2018): a line cut after "former" goes on in the next one.
    #[test]
    fn a_line_cut_after_a_word_that_needs_more_is_no_heading() {
        let src = "Cuba — UN General Debate 2018\n\nWe likewise reject the attempts to destabilize the Government of Nicaragua, a peaceful country that has made remarkable social and economic progress and improved security for its citizens.\nWe denounce the political imprisonment of former\nPresident  Luiz Inácio Lula  da Silva  and  the decision\nto prevent the people from voting for Brazil’s most popular leader and electing him to the presidency.\nWe stand in solidarity with the Caribbean nations demanding legitimate reparations for the horrific legacy of slavery as well as the fair, special and differential treatment they deserve.\n";
        let c = chunk_default(src);
        assert_eq!(c.layout, Layout::LinePerParagraph);
        assert_eq!(c.chunks.len(), 3, "{:#?}", texts(&c));
        assert!(c.chunks.iter().all(|c| c.section.is_none()));
        let (lula, cited_text) = cited(src, &c, "We denounce");
        assert_eq!(
            lula.text,
            "We denounce the political imprisonment of former President Luiz Inácio Lula da Silva and the decision to prevent the people from voting for Brazil’s most popular leader and electing him to the presidency."
        );
        assert_eq!((lula.line_start, lula.line_end), (4, 6));
        assert!(cited_text.starts_with("We denounce") && cited_text.ends_with("presidency."));
        assert_exact(src, &c);
    }

    /// Hard-wrapped (USA_60_2005): a short line of heading shape, alone in a long speech, goes back
    /// into its paragraph.
    #[test]
    fn a_lone_heading_shaped_line_in_a_speech_is_text() {
        let filler = "The Assembly must act on what it has decided, and it\nmust act now, before the window for reform closes.\n";
        let src = format!(
            "{}The many goals we share are great indeed. And\nthe United Nations has a major role to play in their\nachievement. But for this institution to become an\nengine of change in the twenty-first century, it must\nnow change itself. The United Nations must launch a\nlasting revolution of reform.\nThe United Nations summit declaration\n(resolution 60/1), which every head of State endorsed\nthis week, expresses a global consensus on the fact that\nreform is imperative. I want to thank former General\nAssembly President Ping for his hard work.\n{}",
            filler.repeat(8),
            filler.repeat(8)
        );
        let c = chunk_default(&src);
        assert!(
            matches!(c.layout, Layout::HardWrapped { .. }),
            "{:?}",
            c.layout
        );
        assert!(
            c.chunks.iter().all(|c| c.section.is_none()),
            "{:#?}",
            texts(&c)
        );
        let (summit, cited_text) = cited(&src, &c, "The United Nations summit");
        assert!(summit.text.starts_with(
            "The United Nations summit declaration (resolution 60/1), which every head"
        ));
        assert_eq!((summit.line_start, summit.line_end), (23, 27));
        assert!(cited_text.ends_with("Ping for his hard work."));
        assert_exact(&src, &c);
    }

    /// Salutations (IRN_75_2020) and a closing line (IRN_79_2024) are text, and a quotation
    /// announced by a colon (ISR_79_2024) is no heading.
    #[test]
    fn salutations_closing_lines_and_quotations_are_text() {
        let long = "I am delighted to congratulate you, as the representative of our fraternal neighbour, on your well-deserved election as the President of the Assembly.";
        let src = format!(
            "Iran — UN General Debate 2020\n\nMr. President\n{long}\nExcellencies\n{long}\n{long}\nAs the book of Samuel says in the Bible:\n\"נֵַ֣צַח יִשְׂרֵָ֔אֵ֔ל לֹ֥אֹ יְשֵַׁ֖רֵּ֖ר\"\n{long}\n{long}\n{long}\nThank You Mr. President\n"
        );
        let c = chunk_default(&src);
        assert_eq!(c.layout, Layout::LinePerParagraph);
        assert!(c.chunks.iter().all(|c| c.section.is_none()), "{c:#?}");
        let all = texts(&c).join(" ");
        for line in [
            "Mr. President",
            "Excellencies",
            "נֵַ֣צַח",
            "Thank You Mr. President",
        ] {
            assert!(all.contains(line), "{line:?} is lost: {all}");
        }
        let (last, cited_text) = cited(&src, &c, "Thank You");
        assert_eq!((last.line_start, last.line_end), (13, 13));
        assert_eq!(cited_text, "Thank You Mr. President");
        assert_exact(&src, &c);
    }

    /// Real headings keep their place: a commentary with several, or a short note with one
    /// title-like heading; a long text with a single one is read as having none.
    #[test]
    fn headings_need_the_documents_agreement() {
        let para = |i: usize| format!("Paragraph {i} of the analysis, which ends here.\n\n");
        let body: String = (1..=14).map(para).collect();
        let two = format!("A Timeline of Coercion\n\n{}The First Campaign\n\n{body}The Return of the Policy\n\n{}", para(0), para(15));
        let c = chunk_default(&two);
        assert_eq!(c.chunks[0].section, None);
        assert_eq!(c.chunks[1].section.as_deref(), Some("The First Campaign"));
        assert_eq!(
            c.chunks[15].section.as_deref(),
            Some("The Return of the Policy")
        );
        assert_eq!(c.chunks.len(), 16);

        let lone = format!(
            "A Timeline of Coercion\n\n{}The First Campaign\n\n{body}",
            para(0)
        );
        let c = chunk_default(&lone);
        assert!(c.chunks.iter().all(|c| c.section.is_none()));
        let (heading, cited_text) = cited(&lone, &c, "The First Campaign");
        assert_eq!(heading.text, "The First Campaign");
        assert_eq!(cited_text, "The First Campaign");
        assert_eq!(heading.line_start, 5);

        let short = "Notes\n\nThe talks resumed.\n\nThe Timing of War\n\nThey ended.\n";
        let c = chunk_default(short);
        assert_eq!(c.chunks[1].section.as_deref(), Some("The Timing of War"));
        // A sentence-case line, alone, is not enough evidence.
        let c =
            chunk_default("Notes\n\nThe talks resumed.\n\nThe timing of the war\n\nThey ended.\n");
        assert_eq!(
            texts(&c),
            ["The talks resumed.", "The timing of the war", "They ended."]
        );
    }

    /// A text of one short line is that line: the title and its only passage.
    #[test]
    fn a_one_line_text_is_its_own_passage() {
        let src = "Iran rejects new sanctions on oil\n";
        let c = chunk_default(src);
        assert_eq!(
            c.title.as_deref(),
            Some("Iran rejects new sanctions on oil")
        );
        assert_eq!(texts(&c), ["Iran rejects new sanctions on oil"]);
        assert_eq!((c.chunks[0].byte_start, c.chunks[0].byte_end), (0, 33));
        assert_eq!((c.chunks[0].line_start, c.chunks[0].line_end), (1, 1));
        assert_eq!(c.chunks[0].section, None);
        // Nor is a heading with nothing after it lost.
        let c = chunk_default("Wire\n\nIran Rejects New Sanctions\n");
        assert_eq!(c.title.as_deref(), Some("Wire"));
        assert_eq!(texts(&c), ["Iran Rejects New Sanctions"]);
    }

    /// A feed record with a title of its own keeps its first line, unless it repeats the title.
    #[test]
    fn a_records_first_line_is_text_unless_it_repeats_the_title() {
        let options = ChunkOptions::default();
        let c = chunk_record("Iran rejects new sanctions on oil", &options, Some("Wire"));
        assert_eq!(c.title, None);
        assert_eq!(texts(&c), ["Iran rejects new sanctions on oil"]);
        let c = chunk_record(
            "Wire\n\nIran rejects new sanctions.",
            &options,
            Some("wire"),
        );
        assert_eq!(texts(&c), ["Iran rejects new sanctions."]);
        let c = chunk_record("Oil Embargo\n\nIran rejects new sanctions.", &options, None);
        assert_eq!(c.title.as_deref(), Some("Oil Embargo"));
    }

    /// Whatever a file holds, the chunker never panics and every citation lies inside it.
    #[test]
    fn random_text_never_panics_and_cites_inside_the_text() {
        let pieces = [
            "word ",
            "Word. ",
            "\n",
            "\n\n",
            "  ",
            "\t",
            "-\n",
            "12.\t",
            "7 10-54833\n",
            "Title\n",
            "é",
            "’s ",
            "A. ",
            "U.S. ",
            "\u{c}",
            "—",
            "Was this news useful?\n",
            "x".repeat(120).leak(),
        ];
        let mut next = crate::testing::lcg(0xc0ffee);
        for _ in 0..3_000 {
            let n = next() % 40;
            let text: String = (0..n).map(|_| pieces[next() % pieces.len()]).collect();
            let options = ChunkOptions {
                max_chars: 1 + next() % 200,
            };
            for c in chunk_text(&text, &options).chunks {
                assert!(
                    c.byte_start < c.byte_end && c.byte_end as usize <= text.len(),
                    "{text:?}: {c:?}"
                );
                assert!(c.line_start <= c.line_end, "{text:?}: {c:?}");
                assert!(!c.text.is_empty());
            }
        }
    }

    #[test]
    fn empty_and_blank_texts_have_no_chunks() {
        assert!(chunk_default("").chunks.is_empty());
        assert!(chunk_default("\n \n\t\n").chunks.is_empty());
    }
}
