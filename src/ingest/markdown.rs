//! Markdown, read with a real CommonMark parser (pulldown-cmark, with its source offsets).
//!
//! - YAML (`---`) or TOML (`+++`) front matter gives the title and metadata; a header of
//!   `**Key:** value` lines at the very top (as in converted report pages) is metadata too, and
//!   so is a dateline (`Updated April 9, 2026`, `Published: 9 April 2026`) in the first lines
//!   (outside sentences of prose, which keep their dates to themselves); a key such as `publication_date`, `published` or `updated` gives the
//!   document its `date` when none is given (see [`meta::date_from_aliases`]);
//! - `#` headings become sections (the first one is the title when front matter has none);
//! - paragraphs, list items, block quotes, code blocks and table rows are passages, with inline
//!   markup removed (link text kept) and each word cited at its place in the file;
//! - link-only lines (site navigation, "Share", "Download PDF") and interface debris are dropped.

use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use super::chunk::{
    assemble, ends_sentence, find_dateline, is_masthead, looks_like_heading, ChunkOptions, Chunked,
    Layout, Piece, Unit,
};
use super::debris::is_debris;
use crate::model::meta::{self, Meta};
use crate::model::normalize_whitespace;

/// A dateline (`Updated April 9, 2026`) is metadata in the first lines of a page only.
const DATELINE_LINES: usize = 60;

/// A paragraph made mostly of links (at least this share of its characters) is navigation.
const LINK_DENSITY: f64 = 0.7;

/// The title, metadata and passages of a Markdown document.
pub fn read(text: &str, options: &ChunkOptions) -> (Chunked, Meta) {
    let mut reader = Reader::new(text);
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        reader.event(event, range);
    }
    reader.flush(Block::Paragraph);
    let Reader {
        mut units,
        mut meta,
        front_title,
        ..
    } = reader;

    // The title: front matter's, else the first heading (consumed when it opens the document).
    let title = front_title.or_else(|| {
        let first = units
            .iter()
            .position(|u| matches!(u, Unit::Heading { .. }))?;
        let Unit::Heading { text } = &units[first] else {
            unreachable!("found a heading")
        };
        let title = text.clone();
        if first == 0 {
            units.remove(0);
        }
        Some(title)
    });
    meta::date_from_aliases(&mut meta);
    let mut chunked = assemble(text, units, Layout::Markdown, options, false);
    chunked.title = title;
    (chunked, std::mem::take(&mut meta))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Paragraph,
    Other,
}

struct Reader<'t> {
    text: &'t str,
    units: Vec<Unit>,
    meta: Meta,
    front_title: Option<String>,
    pieces: Vec<Piece>,
    heading: Option<Vec<Piece>>,
    break_next: bool,
    link_depth: usize,
    links: usize,
    link_chars: usize,
    image_depth: usize,
    metadata: Option<(MetadataBlockKind, String)>,
    seen_passage: bool,
    /// The byte offset where each line of `text` starts, to find a line by binary search (a
    /// count of newlines per block would make a page of many blocks quadratic).
    line_starts: Vec<usize>,
    /// The link being read: where its pieces start and where its source ends (`…](url)`).
    open_link: Option<(usize, usize)>,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str) -> Reader<'t> {
        Reader {
            text,
            units: Vec::new(),
            meta: Meta::new(),
            front_title: None,
            pieces: Vec::new(),
            heading: None,
            break_next: false,
            link_depth: 0,
            links: 0,
            link_chars: 0,
            image_depth: 0,
            metadata: None,
            seen_passage: false,
            line_starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(at, _)| at + 1))
                .collect(),
            open_link: None,
        }
    }

    /// The 1-based line of byte `at`.
    fn line_at(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= at)
    }

    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        if let Some((_, buffer)) = &mut self.metadata {
            match event {
                Event::Text(t) => buffer.push_str(&t),
                Event::End(TagEnd::MetadataBlock(_)) => {
                    let (kind, buffer) = self.metadata.take().expect("inside metadata");
                    self.front_matter(kind, &buffer);
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) if self.image_depth == 0 => {
                self.text_piece(&t, range);
            }
            Event::SoftBreak | Event::HardBreak => self.break_next = true,
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: std::ops::Range<usize>) {
        match tag {
            Tag::Heading { .. } => {
                self.flush(Block::Paragraph);
                self.heading = Some(Vec::new());
            }
            Tag::Item | Tag::List(_) | Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::Table(_) => {
                self.flush(Block::Other);
            }
            Tag::TableCell => self.break_next = true,
            Tag::Link { .. } => {
                self.link_depth += 1;
                self.links += 1;
                let pieces = self.heading.as_ref().unwrap_or(&self.pieces).len();
                self.open_link = Some((pieces, range.end));
            }
            Tag::Image { .. } => self.image_depth += 1,
            Tag::MetadataBlock(kind) => self.metadata = Some((kind, String::new())),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                let mut pieces = self.heading.take().unwrap_or_default();
                strip_stray_delimiters(self.text, &mut pieces);
                let heading = self.pieces_text(&pieces);
                if !heading.is_empty() {
                    self.units.push(Unit::Heading { text: heading });
                }
            }
            TagEnd::Paragraph => self.flush(Block::Paragraph),
            TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::FootnoteDefinition => self.flush(Block::Other),
            TagEnd::Link => {
                self.link_depth = self.link_depth.saturating_sub(1);
                if let Some((first, end)) = self.open_link.take() {
                    self.drop_glued_debris_link(first, end);
                }
            }
            TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
            _ => {}
        }
    }

    fn text_piece(&mut self, text: &str, range: std::ops::Range<usize>) {
        let raw = self.text.get(range.clone()) == Some(text);
        let piece = Piece {
            start: range.start,
            end: range.end,
            text: (!raw).then(|| text.to_owned()),
            break_before: std::mem::take(&mut self.break_next),
        };
        if self.link_depth > 0 {
            self.link_chars += text.trim().chars().count();
        }
        match &mut self.heading {
            Some(heading) => heading.push(piece),
            None => self.pieces.push(piece),
        }
    }

    /// A link whose text is interface debris (`[Listen](…)`) glued to the text after it, as
    /// converted pages have it (`[Listen](…)Iran and Nuclear Weapons Production…`), is taken
    /// out: alone on its line it is dropped as debris anyway, and glued it would stay in the
    /// passage (`ListenIran and…`). A debris word linked inside a sentence (`[listen](…) to
    /// the speech`) has a space after it and stays.
    fn drop_glued_debris_link(&mut self, first: usize, end: usize) {
        let glued = self.text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        let pieces = self.heading.as_ref().unwrap_or(&self.pieces);
        if !glued || first >= pieces.len() {
            return;
        }
        let text = self.pieces_text(&pieces[first..]);
        if !is_debris(&text) {
            return;
        }
        let break_before = pieces[first].break_before;
        let pieces = self.heading.as_mut().unwrap_or(&mut self.pieces);
        pieces.truncate(first);
        self.break_next |= break_before;
    }

    /// Takes out of `pieces` every line that is the page's masthead: the document's title
    /// with its date glued to it (`Iran and Nuclear Weapons ProductionUpdated April 9, 2026
    /// (IF12106)`), which converted report pages print above the text (see
    /// [`is_masthead`]).
    fn drop_masthead_lines(&self, pieces: &mut Vec<Piece>) {
        let Some(title) = self.front_title.as_deref().or_else(|| {
            self.units.iter().find_map(|u| match u {
                Unit::Heading { text } => Some(text.as_str()),
                _ => None,
            })
        }) else {
            return;
        };
        let mut i = 0;
        while i < pieces.len() {
            let line = self.line_at(pieces[i].start);
            let end = pieces[i..]
                .iter()
                .position(|p| self.line_at(p.start) != line)
                .map_or(pieces.len(), |n| i + n);
            if is_masthead(&self.pieces_text(&pieces[i..end]), title) {
                let break_before = pieces[i].break_before;
                pieces.drain(i..end);
                if let Some(next) = pieces.get_mut(i) {
                    next.break_before |= break_before;
                }
            } else {
                i = end;
            }
        }
    }

    /// The rows of a pipe table that CommonMark did not read as one: a paragraph whose every
    /// line starts with `|` and has another `|` after it, with no delimiter row (`|---|`)
    /// under the first (the converted CRS pages' footnotes: `| 1. | United Nations…`). Each
    /// line is a row, its cells separated by spaces, as the rows of a real table are; `None`
    /// when the paragraph is not such a table. An escaped `\|` (or one in code) is text.
    fn pipe_rows(&self, pieces: &[Piece]) -> Option<Vec<Vec<Piece>>> {
        let first = self.line_at(pieces.first()?.start);
        let last = self.line_at(pieces.last()?.end.saturating_sub(1));
        for line in first..=last {
            let start = self.line_starts[line - 1];
            let end = self.line_starts.get(line).map_or(self.text.len(), |&e| e);
            let row = self.text[start..end].trim();
            if !(row.starts_with('|') && row[1..].contains('|')) {
                return None;
            }
        }
        let mut rows: Vec<Vec<Piece>> = Vec::new();
        let mut row_line = 0;
        for piece in pieces {
            let line = self.line_at(piece.start);
            if line != row_line || rows.is_empty() {
                rows.push(Vec::new());
                row_line = line;
            }
            let row = rows.last_mut().expect("a row");
            let mut cell_break = piece.break_before && !row.is_empty();
            let raw = piece.text.is_none();
            if !raw {
                row.push(Piece {
                    break_before: cell_break,
                    ..piece.clone()
                });
                continue;
            }
            let mut at = piece.start;
            for cell in self.text[piece.start..piece.end].split('|') {
                let (start, end) = (at, at + cell.len());
                at = end + 1;
                let start = start + (cell.len() - cell.trim_start().len());
                let end = end - (cell.len() - cell.trim_end().len());
                if start < end {
                    row.push(Piece {
                        start,
                        end,
                        text: None,
                        break_before: cell_break && !row.is_empty(),
                    });
                    cell_break = false;
                }
                cell_break |= at <= piece.end;
            }
        }
        rows.retain(|row| !row.is_empty());
        Some(rows)
    }

    fn pieces_text(&self, pieces: &[Piece]) -> String {
        let mut out = String::new();
        for p in pieces {
            if p.break_before {
                out.push(' ');
            }
            out.push_str(p.text.as_deref().unwrap_or(&self.text[p.start..p.end]));
        }
        normalize_whitespace(&out)
    }

    fn flush(&mut self, block: Block) {
        self.break_next = false;
        let mut pieces = std::mem::take(&mut self.pieces);
        strip_stray_delimiters(self.text, &mut pieces);
        let (links, link_chars) = (
            std::mem::take(&mut self.links),
            std::mem::take(&mut self.link_chars),
        );
        if pieces.is_empty() {
            return;
        }
        let text = self.pieces_text(&pieces);
        let chars = text.chars().count();
        if chars == 0 {
            return;
        }
        let prose = block == Block::Paragraph && ends_sentence(&text) && !text.starts_with('|');
        let line = self.line_at(pieces[0].start);
        if line <= DATELINE_LINES && !prose {
            self.dateline(&text);
            self.drop_masthead_lines(&mut pieces);
            if pieces.is_empty() {
                return;
            }
        }
        if links >= 2 && link_chars as f64 >= LINK_DENSITY * chars as f64 {
            return; // navigation
        }
        if !self.seen_passage && (is_debris(&text) || self.header_metadata(&pieces)) {
            return;
        }
        if block == Block::Paragraph {
            if let Some(rows) = self.pipe_rows(&pieces) {
                self.seen_passage = true;
                self.units.extend(rows.into_iter().map(Unit::Paragraph));
                return;
            }
        }
        let text = self.pieces_text(&pieces);
        let single_line = !self.text[pieces[0].start..pieces[pieces.len() - 1].end].contains('\n');
        if block == Block::Paragraph && single_line && looks_like_heading(&text) && links == 0 {
            self.units.push(Unit::Heading { text });
            return;
        }
        self.seen_passage = true;
        self.units.push(Unit::Paragraph(pieces));
    }

    /// A dateline near the top (`…Updated April 9, 2026 (IF12106)`): the date under its key
    /// (`updated`, `published`), unless the page gave that key already. The text stays a
    /// passage, unless it is the page's masthead (see [`Reader::drop_masthead_lines`]).
    fn dateline(&mut self, text: &str) {
        if let Some((key, date)) = find_dateline(text) {
            if !self.meta.contains_key(key) {
                meta::insert(&mut self.meta, key, Value::String(date.to_string()));
            }
        }
    }

    /// `**Report No.:** IN12678` lines opening a document: metadata, not text.
    fn header_metadata(&mut self, pieces: &[Piece]) -> bool {
        let start = self.text[..pieces[0].start]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = pieces[pieces.len() - 1].end;
        let end = self.text[end..]
            .find('\n')
            .map_or(self.text.len(), |i| end + i);
        let source = &self.text[start..end];
        let lines: Vec<&str> = source.lines().map(str::trim).collect();
        let pairs: Option<Vec<(String, String)>> = lines
            .iter()
            .map(|line| {
                // `**Key:** value`, or a table row `| **Key:** | value |`.
                let row = line.strip_prefix('|').map(str::trim_start);
                let rest = row.unwrap_or(line).strip_prefix("**")?;
                let (key, value) = rest.split_once(":**")?;
                let value = match row {
                    Some(_) => value.trim().strip_prefix('|')?.trim_end_matches('|'),
                    None => value,
                };
                let value = value.trim();
                (!key.is_empty() && !value.is_empty() && key.len() < 40)
                    .then(|| (key.trim().to_owned(), value.to_owned()))
            })
            .collect();
        let Some(pairs) = pairs.filter(|p| !p.is_empty()) else {
            return false;
        };
        for (key, value) in pairs {
            let key = if value.starts_with("http") && key.eq_ignore_ascii_case("source") {
                "url".to_owned()
            } else {
                key.to_lowercase()
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '_' })
                    .collect::<String>()
                    .trim_matches('_')
                    .to_owned()
            };
            meta::insert(&mut self.meta, &key, Value::String(value));
        }
        true
    }

    fn front_matter(&mut self, kind: MetadataBlockKind, block: &str) {
        let map = match kind {
            MetadataBlockKind::YamlStyle => yaml_map(block),
            MetadataBlockKind::PlusesStyle => toml_map(block),
        };
        for (key, value) in map {
            if key.eq_ignore_ascii_case("title") {
                if let Some(t) = value.as_str() {
                    self.front_title = Some(normalize_whitespace(t));
                }
                continue;
            }
            let key = match key.to_lowercase().as_str() {
                "source_url" | "link" | "permalink" | "canonical_url" => "url".to_owned(),
                "published_time" | "published" | "pubdate" | "date_published"
                    if !self.meta.contains_key("date") =>
                {
                    "date".to_owned()
                }
                "authors" | "byline" => "author".to_owned(),
                "keywords" | "categories" => "tags".to_owned(),
                other => other.to_owned(),
            };
            meta::insert(&mut self.meta, &key, value);
        }
    }
}

/// Takes out the emphasis markers CommonMark left as text because they could not pair up: a
/// closing `**` after a space (`**Strait of Hormuz. **Iran's`), an opening one before a space
/// (`War powers**. **Some`), `Iran*. *`, `_Stena Imperative _in`. The parser hands each such
/// marker over as a text event of its own, one character long (`pieces` of one `*` or `_` taken
/// as they are); a run of them is stray when it is two markers or more (`**`), or when the block
/// has another run of the same marker (a pair that failed to match). A lone `*` (`snap*`,
/// `2*3`, a footnote mark) stays: CommonMark shows it, and it was meant. Where a run stood
/// between a word or punctuation and the next word (`of****strategic`, `Fairfax,__container`)
/// a space takes its place. The other pieces keep their ranges, so citations still point at
/// the text itself.
fn strip_stray_delimiters(source: &str, pieces: &mut Vec<Piece>) {
    let marker = |p: &Piece| -> Option<u8> {
        let b = *source.as_bytes().get(p.start)?;
        (p.text.is_none() && p.end == p.start + 1 && (b == b'*' || b == b'_')).then_some(b)
    };
    // Runs of neighbouring marker pieces: (first piece, pieces, marker).
    let mut runs: Vec<(usize, usize, u8)> = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let Some(m) = marker(piece) else { continue };
        match runs.last_mut() {
            Some((first, len, prev))
                if *prev == m && *first + *len == i && pieces[i - 1].end == piece.start =>
            {
                *len += 1
            }
            _ => runs.push((i, 1, m)),
        }
    }
    if runs.is_empty() {
        return;
    }
    let paired = |m: u8| runs.iter().filter(|r| r.2 == m).count() >= 2;
    let stray: Vec<(usize, usize)> = runs
        .iter()
        .filter(|&&(_, len, m)| len >= 2 || paired(m))
        .map(|&(first, len, _)| (first, len))
        .collect();
    for &(first, len) in stray.iter().rev() {
        let (start, end) = (pieces[first].start, pieces[first + len - 1].end);
        let before = source[..start].chars().next_back();
        let after = source[end..].chars().next();
        let glued = before.is_some_and(|c| c.is_alphanumeric() || ",;:.!?".contains(c))
            && after.is_some_and(char::is_alphanumeric);
        let break_before = pieces[first].break_before;
        pieces.drain(first..first + len);
        if let Some(next) = pieces.get_mut(first) {
            next.break_before |= glued || break_before;
        }
    }
}

fn yaml_map(block: &str) -> Vec<(String, Value)> {
    use yaml_rust2::{Yaml, YamlLoader};
    fn to_json(y: &Yaml) -> Value {
        match y {
            Yaml::Real(r) => r.parse::<f64>().map(Value::from).unwrap_or(Value::Null),
            Yaml::Integer(i) => Value::from(*i),
            Yaml::String(s) => Value::String(s.clone()),
            Yaml::Boolean(b) => Value::Bool(*b),
            Yaml::Array(items) => Value::Array(items.iter().map(to_json).collect()),
            _ => Value::Null,
        }
    }
    let Ok(docs) = YamlLoader::load_from_str(block) else {
        return Vec::new();
    };
    let Some(Yaml::Hash(hash)) = docs.into_iter().next() else {
        return Vec::new();
    };
    hash.iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), to_json(v))))
        .collect()
}

fn toml_map(block: &str) -> Vec<(String, Value)> {
    let Ok(table) = block.parse::<toml::Table>() else {
        return Vec::new();
    };
    table
        .into_iter()
        .filter_map(|(k, v)| {
            let value = match v {
                toml::Value::Datetime(d) => Value::String(d.to_string()),
                other => serde_json::to_value(other).ok()?,
            };
            Some((k, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::texts;

    fn read_default(text: &str) -> (Chunked, Meta) {
        read(text, &ChunkOptions::default())
    }

    #[test]
    fn front_matter_headings_lists_and_inline_markup() {
        let src = "---\ntitle: 'Fact Sheet: Maximum Pressure'\ndate: '2025-02-04'\ntags: fact-sheets\nsource_url: https://example.gov/x\n---\n\n**RESTORING PRESSURE:** Today the *President* signed a [memorandum](https://x.y) on\nIran.\n\n## What It Does\n\n- first `item`\n- second item\n  continues\n\n> A quoted line.\n";
        let (c, meta) = read_default(src);
        assert_eq!(c.title.as_deref(), Some("Fact Sheet: Maximum Pressure"));
        assert_eq!(meta["date"], "2025-02-04");
        assert_eq!(meta["year"], 2025);
        assert_eq!(meta["url"], "https://example.gov/x");
        assert_eq!(meta["tags"], serde_json::json!(["fact-sheets"]));
        assert_eq!(
            texts(&c),
            [
                "RESTORING PRESSURE: Today the President signed a memorandum on Iran.",
                "first item",
                "second item continues",
                "A quoted line."
            ]
        );
        assert_eq!(c.chunks[1].section.as_deref(), Some("What It Does"));
        // Citations: the first passage starts at its first word and ends after `Iran.`, on
        // lines 8-9.
        let first = &c.chunks[0];
        assert_eq!(&src[first.byte_start as usize..][..9], "RESTORING");
        assert!(src[..first.byte_end as usize].ends_with("\nIran."));
        assert_eq!((first.line_start, first.line_end), (8, 9));
    }

    #[test]
    fn report_headers_navigation_and_plain_headings() {
        let src = "# U.S.-Iran Ceasefire\n\n**Report No.:** IN12678\n**Source:** https://www.congress.gov/x\n\n---\n[Citation](https://a)[Subscribe](https://b)[Share/Save](https://c)\n\nAssessment\n\nAs of April 9, no text has been released.\n\n[Listen](https://r)\n";
        let (c, meta) = read_default(src);
        assert_eq!(c.title.as_deref(), Some("U.S.-Iran Ceasefire"));
        assert_eq!(meta["report_no"], "IN12678");
        assert_eq!(meta["url"], "https://www.congress.gov/x");
        assert_eq!(texts(&c), ["As of April 9, no text has been released."]);
        assert_eq!(c.chunks[0].section.as_deref(), Some("Assessment"));
    }

    /// CRS pages print their dates as `**Publication Date:** 04/09/2026` (month/day) and as an
    /// `Updated April 9, 2026` glued to the title line; either gives `date` and `year`.
    #[test]
    fn printed_dates_give_the_date() {
        let src = "# Iran and Nuclear Weapons Production\n\n**Report No.:** IF12106\n**Publication Date:** 04/09/2026\n\n[Listen](https://r)Iran and Nuclear Weapons ProductionUpdated April 9, 2026             (IF12106)\n\nBackground\n\nIran has enriched uranium since 2006.\n";
        let (c, meta) = read_default(src);
        assert_eq!(meta["date"], "2026-04-09");
        assert_eq!(meta["year"], 2026);
        assert_eq!(meta["publication_date"], "04/09/2026", "kept as printed");
        assert_eq!(meta["updated"], "2026-04-09");
        // The masthead the date came from (the title and its date, behind a glued `Listen`)
        // is no passage.
        assert_eq!(texts(&c), ["Iran has enriched uranium since 2006."]);
        assert_eq!(c.chunks[0].section.as_deref(), Some("Background"));

        // Only the dateline: the update date is the date.
        let (_, meta) = read_default("# Ceasefire\n\n- [April 8, 2026 (IN12678 - Version: 1)](https://v)\n[Listen](https://r)U.S.-Iran CeasefireUpdated April 9, 2026 (IN12678)\n\nOn April 7, 2026, the two sides agreed, and the text was updated on May 1, 2026.\n");
        assert_eq!(meta["date"], "2026-04-09");
        assert_eq!(meta["year"], 2026);
        // Front matter under another name, in words.
        let (_, meta) = read_default("---\npublished: 9 April 2026\n---\n\nText.\n");
        assert_eq!(meta["date"], "2026-04-09");
        let (_, meta) = read_default("---\nupdated: Sept. 17, 2023\n---\n\nText.\n");
        assert_eq!(meta["updated"], "Sept. 17, 2023");
        assert_eq!(meta["date"], "2023-09-17");
        assert_eq!(meta["year"], 2023);
    }

    /// Emphasis CommonMark could not pair (a space before the closing marker) leaves its
    /// asterisks as text: they are taken out, the text between them stays, and the citation
    /// still starts at the first word.
    #[test]
    fn stray_emphasis_markers_are_taken_out() {
        let src = "# T\n\n- **Strait of Hormuz. **Iran's disruption of shipping.\n\nWar powers**. **Some Members.\n\n<span>Sec. 2. Pressure on Iran*. *</span> (a) The Secretary.\n\nA triad of****strategic vehicles; the _Fairfax_,__container ships and _Stena Imperative _in the fleet.\n\nSearch snap* and snake_case, \\*escaped\\*.\n\nIt is 2*3.\n\n## **Heading **here\n\nText.\n";
        let (c, _) = read_default(src);
        assert_eq!(
            texts(&c),
            [
                "Strait of Hormuz. Iran's disruption of shipping.",
                "War powers. Some Members.",
                "Sec. 2. Pressure on Iran. (a) The Secretary.",
                "A triad of strategic vehicles; the Fairfax, container ships and Stena Imperative in the fleet.",
                "Search snap* and snake_case, *escaped*.",
                "It is 2*3.",
                "Text.",
            ]
        );
        assert_eq!(c.chunks[6].section.as_deref(), Some("Heading here"));
        let first = &c.chunks[0];
        assert!(src[first.byte_start as usize..].starts_with("Strait of Hormuz."));
        assert!(src[..first.byte_end as usize].ends_with("shipping."));
    }

    #[test]
    fn toml_front_matter() {
        let src = "+++\ntitle = \"Notes\"\nauthor = \"A. Analyst\"\ndate = 2024-05-01\n+++\n\nBody text here.\n";
        let (c, meta) = read_default(src);
        assert_eq!(c.title.as_deref(), Some("Notes"));
        assert_eq!(meta["author"], "A. Analyst");
        assert_eq!(meta["date"], "2024-05-01");
        assert_eq!(texts(&c), ["Body text here."]);
    }
}
