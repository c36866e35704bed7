//! `show`: one passage with its neighbours, found by what `search` prints.
//!
//! A passage can be named three ways: its id (`doc#7`, `doc#12.2`), the citation of the text
//! output (`path:17`, `path:17-19 ¶7 — Title`, for a feed `feed.jsonl:243 ¶35`), or a file and
//! paragraph (`path ¶7`).

use crate::index::{DossierIndex, IndexError};
use crate::model::Passage;

/// How a passage is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassageRef {
    /// `<doc_id>#<paragraph>[.<part>]`.
    Id { doc_id: String, number: String },
    /// A line of a file (the start of a citation), with the paragraph when it is given.
    Line {
        path: String,
        line: u64,
        number: Option<String>,
    },
    /// A paragraph of a file: `path ¶7`.
    Paragraph { path: String, number: String },
}

/// A passage and its neighbours in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub passage: Passage,
    pub before: Vec<Passage>,
    pub after: Vec<Passage>,
}

/// Why a passage could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum ShowError {
    #[error(
        "`{0}` names no passage: give a passage id (`<doc_id>#<paragraph>`, as in the JSON), \
         a citation as search prints it (`path:LINE`, `path:LINE ¶N`) or `path ¶N`"
    )]
    BadReference(String),
    #[error("no document `{doc_id}` in the index at {index}")]
    NoDocument { doc_id: String, index: String },
    #[error("no ingested file `{path}` in the index at {index}")]
    NoFile { path: String, index: String },
    #[error("document `{doc_id}` has passages 1–{last}, not {number}")]
    NoPassage {
        doc_id: String,
        last: String,
        number: String,
    },
    #[error("`{path}` has no passage at line {line}{}", number.as_ref().map(|n| format!(" ¶{n}")).unwrap_or_default())]
    NoPassageAtLine {
        path: String,
        line: u64,
        number: Option<String>,
    },
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl PassageRef {
    /// Reads a passage reference; `None` when it is none of the three forms.
    pub fn parse(text: &str) -> Option<PassageRef> {
        let text = text.trim();
        // A whole citation line: what comes after ` — ` is the title.
        let text = text.split(" — ").next().unwrap_or(text).trim();
        if let Some((head, number)) = text.split_once(" ¶") {
            let number = paragraph_number(number)?;
            return Some(match line_of(head.trim()) {
                Some((path, line)) => PassageRef::Line {
                    path,
                    line,
                    number: Some(number),
                },
                None => PassageRef::Paragraph {
                    path: head.trim().to_owned(),
                    number,
                },
            });
        }
        if let Some((path, line)) = line_of(text) {
            return Some(PassageRef::Line {
                path,
                line,
                number: None,
            });
        }
        let (doc_id, number) = text.rsplit_once('#')?;
        if doc_id.is_empty() || number.is_empty() {
            return None;
        }
        Some(PassageRef::Id {
            doc_id: doc_id.to_owned(),
            number: number.to_owned(),
        })
    }
}

/// `7`, `12.2` (a `(source ¶N)` after it is dropped).
fn paragraph_number(text: &str) -> Option<String> {
    let number = text.split_whitespace().next()?;
    let valid = number
        .split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    valid.then(|| number.to_owned())
}

/// `path:17` or `path:17-19`: the path and the first line.
fn line_of(text: &str) -> Option<(String, u64)> {
    let (path, lines) = text.rsplit_once(':')?;
    let first = lines.split('-').next()?;
    let line = first.parse::<u64>().ok()?;
    (!path.is_empty()).then(|| (path.to_owned(), line))
}

pub(super) fn show(
    index: &DossierIndex,
    reference: &str,
    context: usize,
) -> Result<Shown, ShowError> {
    let parsed = PassageRef::parse(reference)
        .ok_or_else(|| ShowError::BadReference(reference.to_owned()))?;
    let (passages, at) = match &parsed {
        PassageRef::Id { doc_id, number } => {
            let passages = index.passages_of(doc_id)?;
            let Some(at) = passages.iter().position(|p| p.number() == *number) else {
                return Err(match passages.last() {
                    None => ShowError::NoDocument {
                        doc_id: doc_id.clone(),
                        index: index.display_dir(),
                    },
                    Some(last) => ShowError::NoPassage {
                        doc_id: doc_id.clone(),
                        last: last.number(),
                        number: number.clone(),
                    },
                });
            };
            (passages, at)
        }
        PassageRef::Line { path, line, number } => {
            let file = file_passages(index, path)?;
            let at = file.iter().position(|p| {
                (p.line_start..=p.line_end).contains(line)
                    && number.as_ref().is_none_or(|n| p.number() == *n)
            });
            let Some(at) = at else {
                return Err(ShowError::NoPassageAtLine {
                    path: path.clone(),
                    line: *line,
                    number: number.clone(),
                });
            };
            let doc_id = file[at].doc_id.clone();
            let number = file[at].number();
            let passages = index.passages_of(&doc_id)?;
            let at = passages
                .iter()
                .position(|p| p.number() == number)
                .unwrap_or(0);
            (passages, at)
        }
        PassageRef::Paragraph { path, number } => {
            let file = file_passages(index, path)?;
            let doc_id = file[0].doc_id.clone();
            let passages = index.passages_of(&doc_id)?;
            let Some(at) = passages.iter().position(|p| p.number() == *number) else {
                let last = passages.last().map(Passage::number).unwrap_or_default();
                return Err(ShowError::NoPassage {
                    doc_id,
                    last,
                    number: number.clone(),
                });
            };
            (passages, at)
        }
    };
    let before = passages[at.saturating_sub(context)..at].to_vec();
    let after = passages[at + 1..(at + 1 + context).min(passages.len())].to_vec();
    Ok(Shown {
        passage: passages[at].clone(),
        before,
        after,
    })
}

/// The passages of an ingested file (not empty), by the path as printed.
fn file_passages(index: &DossierIndex, path: &str) -> Result<Vec<Passage>, ShowError> {
    let normalized = crate::ingest::doc_id_for(std::path::Path::new(path));
    let passages = index.passages_of_path(&normalized)?;
    if passages.is_empty() {
        return Err(ShowError::NoFile {
            path: path.to_owned(),
            index: index.display_dir(),
        });
    }
    Ok(passages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(doc: &str, n: &str) -> Option<PassageRef> {
        Some(PassageRef::Id {
            doc_id: doc.into(),
            number: n.into(),
        })
    }

    #[test]
    fn references_are_ids_citations_or_paragraphs() {
        assert_eq!(PassageRef::parse("a/b.txt#7"), id("a/b.txt", "7"));
        assert_eq!(PassageRef::parse("feed:rec#12.2"), id("feed:rec", "12.2"));
        assert_eq!(
            PassageRef::parse("fixtures/seed/x.txt:17"),
            Some(PassageRef::Line {
                path: "fixtures/seed/x.txt".into(),
                line: 17,
                number: None
            })
        );
        assert_eq!(
            PassageRef::parse("feed.jsonl:243-244 ¶35 (source ¶3) — Title › Section · UN, 2017"),
            Some(PassageRef::Line {
                path: "feed.jsonl".into(),
                line: 243,
                number: Some("35".into())
            })
        );
        assert_eq!(
            PassageRef::parse("notes/brief.txt ¶2"),
            Some(PassageRef::Paragraph {
                path: "notes/brief.txt".into(),
                number: "2".into()
            })
        );
        assert_eq!(PassageRef::parse("no-hash-here"), None);
        assert_eq!(PassageRef::parse("doc#"), None);
    }
}
