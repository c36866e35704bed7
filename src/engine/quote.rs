//! `quote`: the passages a quotation comes from, one quote or a file of them on one view of the
//! index.

use crate::index::IndexError;
use crate::search::quote::{self, QuoteRequest, QuoteResults};
use crate::search::SearchError;

use super::Engine;

/// One quote of a batch file, and what was found for it.
#[derive(Debug)]
pub struct QuoteBatchResult {
    /// The quote's `id` (JSON lines), else its line number.
    pub id: String,
    /// 1-based line of the file.
    pub line: usize,
    pub quote: String,
    pub outcome: Result<QuoteResults, SearchError>,
}

impl Engine {
    /// The passages that hold `request.quote`, or something close to it, with the differences.
    pub fn quote(&self, request: &QuoteRequest) -> Result<QuoteResults, SearchError> {
        quote::quote(&self.session()?, request)
    }

    /// Every quote of a batch file, in file order, each as `template` says (its limit, filters
    /// and options): one quote a line, or JSON lines `{"id": ..., "quote": ...}` (`query` is
    /// read where `quote` is missing, as in a search batch); blank lines and `#` comments are
    /// skipped. A line that is no quote comes back as an error in its place.
    pub fn quote_batch(
        &self,
        text: &str,
        template: &QuoteRequest,
    ) -> Result<Vec<QuoteBatchResult>, IndexError> {
        let session = self.session()?;
        let mut results = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let (id, quote_text) = match parse_line(trimmed) {
                Ok(parsed) => parsed,
                Err(message) => {
                    results.push(QuoteBatchResult {
                        id: (i + 1).to_string(),
                        line: i + 1,
                        quote: trimmed.to_owned(),
                        outcome: Err(SearchError::Query(crate::search::QueryError {
                            message,
                            column: 1,
                        })),
                    });
                    continue;
                }
            };
            let request = QuoteRequest {
                quote: quote_text.clone(),
                ..template.clone()
            };
            results.push(QuoteBatchResult {
                id: id.unwrap_or_else(|| (i + 1).to_string()),
                line: i + 1,
                quote: quote_text,
                outcome: quote::quote(&session, &request),
            });
        }
        Ok(results)
    }
}

/// A batch line: a JSON object with `quote` (and `id`), or the quote itself.
fn parse_line(line: &str) -> Result<(Option<String>, String), String> {
    if !line.starts_with('{') {
        return Ok((None, line.to_owned()));
    }
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let quote = value
        .get("quote")
        .or_else(|| value.get("query"))
        .and_then(|q| q.as_str())
        .ok_or("a JSON line needs a `quote` string")?
        .to_owned();
    let id = value.get("id").map(|id| match id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    Ok((id, quote))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_lines_are_quotes_or_json_objects() {
        assert_eq!(parse_line("we shall").unwrap(), (None, "we shall".into()));
        assert_eq!(
            parse_line(r#"{"id": 7, "quote": "we shall"}"#).unwrap(),
            (Some("7".into()), "we shall".into())
        );
        assert!(parse_line(r#"{"id": "a"}"#).is_err());
    }
}
