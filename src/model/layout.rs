//! How a document lays out its paragraphs, as the chunker read it.

/// How a plain-text document lays out its paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// No text at all.
    Empty,
    BlankLine,
    LinePerParagraph,
    /// `wrap` is the estimated wrap width in characters.
    HardWrapped {
        wrap: usize,
    },
    Mixed {
        wrap: usize,
    },
    Markdown,
    Html,
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Layout::Empty => write!(f, "empty"),
            Layout::BlankLine => write!(f, "blank-line paragraphs"),
            Layout::LinePerParagraph => write!(f, "one paragraph per line"),
            Layout::HardWrapped { wrap } => write!(f, "hard-wrapped at ~{wrap} columns"),
            Layout::Mixed { wrap } => {
                write!(
                    f,
                    "mixed: blank-line paragraphs and text wrapped at ~{wrap} columns"
                )
            }
            Layout::Markdown => write!(f, "markdown"),
            Layout::Html => write!(f, "html"),
        }
    }
}
