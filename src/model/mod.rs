//! Plain data at the bottom of the library, shared by every stage: a [`Document`] read from a
//! file, the [`Passage`]s it is cut into, their [`Meta`]data, the [`Layout`] the chunker read, and
//! the [`Date`]s and [`Period`]s of documents and filters.
//!
//! A passage is the unit analysts read, cite and paste. Its citation fields (`path`, lines and
//! bytes) always point at the real text in the real source file. Nothing in this module knows
//! about reading files, tantivy, the CLI or output formats, and it imports nothing from the rest
//! of the crate.

pub mod date;
pub mod layout;
pub mod meta;

pub use date::{Date, Period, Precision};
pub use layout::Layout;
pub use meta::Meta;

/// One paragraph-sized passage with its exact citation. (Its JSON form is
/// `output::json::PassageJson`, the documented wire format.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Passage {
    /// `<doc_id>#<paragraph>` or `<doc_id>#<paragraph>.<part>`: unique in the index, stable
    /// across re-ingests of the same file.
    pub passage_id: String,
    /// The document this passage belongs to.
    pub doc_id: String,
    /// The document title.
    pub title: String,
    /// The heading this passage sits under, if any.
    pub section: Option<String>,
    /// 1-based position of the paragraph in its document, in document order.
    pub paragraph: u64,
    /// When a long paragraph was split at sentence boundaries: the 1-based part (`¶12.2`).
    pub part: Option<u32>,
    /// The number the source gives the paragraph itself (`"22"` for `22.<TAB>…`), if any.
    pub source_paragraph: Option<String>,
    /// The source file, as given to `dossier ingest` (normalised).
    pub path: String,
    /// First line of the passage in the source file (1-based).
    pub line_start: u64,
    /// Last line of the passage in the source file (1-based, inclusive).
    pub line_end: u64,
    /// Byte offset in the source file where the passage starts.
    pub byte_start: u64,
    /// Byte offset in the source file where the passage ends (exclusive).
    pub byte_end: u64,
    /// For a feed record: the record field that `byte_start..byte_end` count in (the lines are
    /// then the record's line in the file); `None` when the offsets count in the file itself.
    pub field: Option<String>,
    /// The document's metadata (source, author, date, year, url, tags, and any other key),
    /// shared by all passages of the document.
    pub meta: std::sync::Arc<Meta>,
    /// The passage text with its whitespace normalised (runs of whitespace, including line
    /// breaks, become one space).
    pub text: String,
    /// Reference matter: a footnote, an entry of a reference list, a run of links. It repeats
    /// the words of the text it supports, so it ranks below the body text.
    pub reference: bool,
}

impl Passage {
    /// `12` or `12.2`: the paragraph and, for a split paragraph, the part.
    pub fn number(&self) -> String {
        passage_number(self.paragraph, self.part)
    }
}

/// `<doc_id>#12` or `<doc_id>#12.2`: a passage's id, from its document and number.
pub fn passage_id(doc_id: &str, paragraph: u64, part: Option<u32>) -> String {
    format!("{doc_id}#{}", passage_number(paragraph, part))
}

/// `12` or `12.2`: how passages are numbered in ids and citations.
pub fn passage_number(paragraph: u64, part: Option<u32>) -> String {
    match part {
        Some(part) => format!("{paragraph}.{part}"),
        None => paragraph.to_string(),
    }
}

/// A source document, chunked and ready to be indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Stable identifier: the path as given, normalised (see `ingest::doc_id_for`), or a
    /// feed record's id.
    pub doc_id: String,
    /// The file the passages cite.
    pub path: String,
    /// The title read from the document (or its file name when it has none).
    pub title: String,
    /// Digest of the document's bytes and of the settings that cut it: the same version means
    /// nothing to re-index.
    pub version: String,
    /// Metadata, copied to every passage.
    pub meta: Meta,
    /// Size of the source in bytes.
    pub bytes: u64,
    /// How the chunker read the document's layout.
    pub layout: Layout,
    /// The passages in document order.
    pub passages: Vec<Passage>,
}

/// Collapses every run of whitespace (spaces, tabs, line breaks) into one space and trims the
/// ends. Passage text is stored and searched in this form.
pub fn normalize_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(
            normalize_whitespace("  a\tb\r\n\n c  "),
            "a b c",
            "tabs, CRLF and blank lines all become single spaces"
        );
        assert_eq!(normalize_whitespace(" \n "), "");
    }
}
