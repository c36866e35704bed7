//! Batch runs: a file of queries (an analyst's watch-list, or a test collection's topics) run at
//! once, in parallel over all cores with one shared view of the index, results in input order.
//!
//! Input formats, from the extension or else the content:
//! - plain text: one query per line; `#` comments and blank lines ignored; the id is the line
//!   number;
//! - TSV: `id<TAB>query`;
//! - JSONL: `{"id", "query", "limit", "filters"}` where `filters` maps metadata keys to values
//!   (`"since"`/`"until"` for dates, `"year": "2015..2019"` for ranges).
//!
//! A query that cannot be read or run becomes an error result for that query alone.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::search::{Filter, SearchOptions, SearchRequest, SearchResults, SearchSession};

/// One query of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchQuery {
    pub id: String,
    pub query: String,
    /// Hits for this query (else the batch's limit).
    pub limit: Option<usize>,
    pub filters: Vec<Filter>,
    /// The line of the batch file it came from.
    pub line: usize,
}

/// A line of the batch file that is not a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub line: usize,
    pub id: String,
    /// The line as it was.
    pub text: String,
    pub message: String,
}

impl InputError {
    /// The error as a result in its place among the others.
    pub fn into_result(self) -> BatchResult {
        BatchResult {
            query: BatchQuery {
                id: self.id,
                query: self.text,
                limit: None,
                filters: Vec::new(),
                line: self.line,
            },
            outcome: Err(self.message),
        }
    }
}

/// The format of a batch file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Plain,
    Tsv,
    Jsonl,
}

/// Picks the format from the file name, else from the first line that is not a comment.
pub fn detect_format(name: Option<&str>, content: &str) -> InputFormat {
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("jsonl" | "ndjson") => return InputFormat::Jsonl,
        Some("tsv") => return InputFormat::Tsv,
        _ => {}
    }
    let first = content
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    match first {
        Some(l) if l.starts_with('{') => InputFormat::Jsonl,
        Some(l) if l.contains('\t') => InputFormat::Tsv,
        _ => InputFormat::Plain,
    }
}

/// Reads the queries of a batch file; lines that are not queries come back as errors.
pub fn parse_queries(content: &str, format: InputFormat) -> (Vec<BatchQuery>, Vec<InputError>) {
    let mut queries = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, raw) in content.lines().enumerate() {
        match parse_line(raw, i + 1, format, &mut seen) {
            Some(Ok(q)) => queries.push(q),
            Some(Err(e)) => errors.push(e),
            None => {}
        }
    }
    (queries, errors)
}

/// One line of a batch file (`line`, 1-based): a query, an error, or nothing (a blank line or
/// a comment). `seen` holds the ids of the queries so far (an id used twice is an error).
pub fn parse_line(
    raw: &str,
    line: usize,
    format: InputFormat,
    seen: &mut HashSet<String>,
) -> Option<Result<BatchQuery, InputError>> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || (format != InputFormat::Jsonl && trimmed.starts_with('#')) {
        return None;
    }
    let parsed = match format {
        InputFormat::Plain => Ok(BatchQuery {
            id: line.to_string(),
            query: trimmed.to_owned(),
            limit: None,
            filters: Vec::new(),
            line,
        }),
        InputFormat::Tsv => match raw.split_once('\t') {
            Some((id, query)) if !id.trim().is_empty() && !query.trim().is_empty() => {
                Ok(BatchQuery {
                    id: id.trim().to_owned(),
                    query: query.trim().to_owned(),
                    limit: None,
                    filters: Vec::new(),
                    line,
                })
            }
            _ => Err((line.to_string(), "expected `id<TAB>query`".to_owned())),
        },
        InputFormat::Jsonl => json_query(trimmed, line),
    };
    Some(match parsed {
        Ok(q) if !seen.insert(q.id.clone()) => Err(InputError {
            line,
            id: q.id.clone(),
            text: trimmed.to_owned(),
            message: format!("query id `{}` is used twice", q.id),
        }),
        Ok(q) => Ok(q),
        Err((id, message)) => Err(InputError {
            line,
            id,
            text: trimmed.to_owned(),
            message,
        }),
    })
}

/// The queries of a batch file read line by line, never the whole file at once (a file of a
/// million queries costs the memory of one block of them): each query or input error, in file
/// order. The format comes from the file name, else from its first line that is not a comment
/// (see [`detect_format`]).
pub struct QueryReader<R> {
    input: R,
    format: InputFormat,
    /// Lines read ahead to find the format, not yet handed out.
    ahead: std::collections::VecDeque<(usize, Vec<u8>)>,
    line: usize,
    seen: HashSet<String>,
}

impl<R: std::io::BufRead> QueryReader<R> {
    pub fn new(mut input: R, name: Option<&str>) -> std::io::Result<QueryReader<R>> {
        let mut ahead = std::collections::VecDeque::new();
        let mut line = 0;
        let mut first = String::new();
        loop {
            let mut raw = Vec::new();
            if input.read_until(b'\n', &mut raw)? == 0 {
                break;
            }
            line += 1;
            let text = String::from_utf8_lossy(&raw);
            let trimmed = text.trim();
            let significant = !trimmed.is_empty() && !trimmed.starts_with('#');
            if significant {
                first = trimmed.to_owned();
            }
            ahead.push_back((line, raw));
            if significant {
                break;
            }
        }
        Ok(QueryReader {
            input,
            format: detect_format(name, &first),
            ahead,
            line,
            seen: HashSet::new(),
        })
    }

    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// The next query or input error; `None` at the end of the file.
    pub fn next_query(&mut self) -> std::io::Result<Option<Result<BatchQuery, InputError>>> {
        loop {
            let (line, raw) = match self.ahead.pop_front() {
                Some(next) => next,
                None => {
                    let mut raw = Vec::new();
                    if self.input.read_until(b'\n', &mut raw)? == 0 {
                        return Ok(None);
                    }
                    self.line += 1;
                    (self.line, raw)
                }
            };
            let text = match String::from_utf8(raw) {
                Ok(text) => text,
                Err(e) => {
                    let text = String::from_utf8_lossy(e.as_bytes()).trim().to_owned();
                    return Ok(Some(Err(InputError {
                        line,
                        id: line.to_string(),
                        text,
                        message: "the line is not valid UTF-8".to_owned(),
                    })));
                }
            };
            let text = text.strip_suffix('\n').unwrap_or(&text);
            let text = text.strip_suffix('\r').unwrap_or(text);
            if let Some(parsed) = parse_line(text, line, self.format, &mut self.seen) {
                return Ok(Some(parsed));
            }
        }
    }
}

fn json_query(text: &str, line: usize) -> Result<BatchQuery, (String, String)> {
    let fallback_id = line.to_string();
    let value: Value = serde_json::from_str(text)
        .map_err(|e| (fallback_id.clone(), format!("invalid JSON: {e}")))?;
    let Value::Object(obj) = value else {
        return Err((fallback_id, "not a JSON object".into()));
    };
    let id = match obj.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        None => fallback_id.clone(),
        Some(_) => return Err((fallback_id, "`id` must be a string or a number".into())),
    };
    let Some(query) = obj.get("query").and_then(Value::as_str) else {
        return Err((id, "no `query` string".into()));
    };
    let limit = match obj.get("limit") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| (id.clone(), "`limit` must be a positive number".to_owned()))?
                as usize,
        ),
    };
    let mut filters = Vec::new();
    match obj.get("filters") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            let (mut since, mut until) = (None, None);
            for (key, value) in map {
                let value = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err((id, format!("filter `{key}` must be a string or a number"))),
                };
                match key.as_str() {
                    "since" => since = Some(value),
                    "until" => until = Some(value),
                    _ => filters
                        .push(Filter::parse(key, &value).map_err(|e| (id.clone(), e.to_string()))?),
                }
            }
            if since.is_some() || until.is_some() {
                filters.push(
                    Filter::date_range(since.as_deref(), until.as_deref())
                        .map_err(|e| (id.clone(), e.to_string()))?,
                );
            }
        }
        Some(_) => return Err((id, "`filters` must be an object of key: value".into())),
    }
    Ok(BatchQuery {
        id,
        query: query.to_owned(),
        limit,
        filters,
        line,
    })
}

/// Settings of a batch run.
#[derive(Debug, Clone, Copy)]
pub struct BatchOptions {
    /// Hits per query (a query's own `limit` wins).
    pub limit: usize,
    pub search: SearchOptions,
    /// Rank documents by their best passage: fetch enough passages for `limit` documents.
    pub per_document: bool,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

/// The outcome of one query.
#[derive(Debug)]
pub struct BatchResult {
    pub query: BatchQuery,
    pub outcome: Result<SearchResults, String>,
}

/// Runs every query, in parallel, and returns the results in input order.
pub fn run(
    session: &SearchSession,
    queries: Vec<BatchQuery>,
    options: &BatchOptions,
) -> Vec<BatchResult> {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .min(queries.len().max(1));
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<SearchResults, String>>> = Vec::new();
    slots.resize_with(queries.len(), || None);
    let results = std::sync::Mutex::new(slots);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(query) = queries.get(i) else {
                    break;
                };
                let outcome = run_one(session, query, options);
                results.lock().expect("no worker panics")[i] = Some(outcome);
            });
        }
    });
    let results = results.into_inner().expect("no worker panics");
    queries
        .into_iter()
        .zip(results)
        .map(|(query, outcome)| BatchResult {
            query,
            outcome: outcome.expect("every query ran"),
        })
        .collect()
}

fn run_one(
    session: &SearchSession,
    query: &BatchQuery,
    options: &BatchOptions,
) -> Result<SearchResults, String> {
    let limit = query.limit.unwrap_or(options.limit);
    let fetch = if options.per_document {
        limit.saturating_mul(10).max(100)
    } else {
        limit
    };
    let request = SearchRequest {
        query: query.query.clone(),
        filters: query.filters.clone(),
        limit: fetch,
        offset: 0,
        options: options.search,
    };
    let mut results = session.search(&request).map_err(|e| e.to_string())?;
    if options.per_document {
        // The best passage of each document, in rank order.
        let mut seen = HashSet::new();
        results
            .hits
            .retain(|h| seen.insert(h.passage.doc_id.clone()));
        results.hits.truncate(limit);
        for (i, hit) in results.hits.iter_mut().enumerate() {
            hit.rank = i + 1;
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_from_names_and_content() {
        assert_eq!(detect_format(Some("w.jsonl"), ""), InputFormat::Jsonl);
        assert_eq!(detect_format(Some("q.tsv"), "a b"), InputFormat::Tsv);
        assert_eq!(
            detect_format(None, "# watch\n{\"query\": \"x\"}"),
            InputFormat::Jsonl
        );
        assert_eq!(
            detect_format(Some("q.txt"), "u01\tsanctions"),
            InputFormat::Tsv
        );
        assert_eq!(
            detect_format(Some("-"), "snapback\n\"maximum pressure\""),
            InputFormat::Plain
        );
    }

    #[test]
    fn plain_tsv_and_jsonl_queries() {
        let (q, e) = parse_queries(
            "# watch-list\n\nsnapback\n\"maximum pressure\"\n",
            InputFormat::Plain,
        );
        assert!(e.is_empty());
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].id.as_str(), q[0].line), ("3", 3));

        let (q, e) = parse_queries("u1\tsanctions\nbroken line\nu1\tagain\n", InputFormat::Tsv);
        assert_eq!(q.len(), 1);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].line, 2);
        assert!(e[1].message.contains("used twice"));

        let jsonl = r#"{"id": "a", "query": "sanctions", "limit": 3, "filters": {"country": "IRN", "year": "2015..2019", "since": "2016"}}
{"id": 7, "query": "snapback"}
{"id": "b"}
not json"#;
        let (q, e) = parse_queries(jsonl, InputFormat::Jsonl);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].limit, Some(3));
        assert_eq!(q[0].filters.len(), 3);
        assert_eq!(q[1].id, "7");
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].line, e[0].id.as_str()), (3, "b"));
        assert!(e[1].message.starts_with("invalid JSON"));
    }

    /// Read as a stream, line by line, a batch file gives what it gives read whole; a line that
    /// is not UTF-8 is an error in its place, not the end of the run.
    #[test]
    fn the_query_reader_streams_what_parse_queries_reads() {
        let text = "# list\r\n\nu1\tsanctions\r\nbroken\nu1\tagain\nu2\tsnapback";
        let mut reader = QueryReader::new(text.as_bytes(), None).unwrap();
        assert_eq!(reader.format(), InputFormat::Tsv);
        let mut streamed = (Vec::new(), Vec::new());
        while let Some(next) = reader.next_query().unwrap() {
            match next {
                Ok(q) => streamed.0.push(q),
                Err(e) => streamed.1.push(e),
            }
        }
        assert_eq!(streamed, parse_queries(text, InputFormat::Tsv));
        assert_eq!(streamed.0[1].line, 6);

        let bytes = b"snapback\nbad \xff byte\nsanctions\n";
        let mut reader = QueryReader::new(&bytes[..], Some("q.txt")).unwrap();
        let all: Vec<_> = std::iter::from_fn(|| reader.next_query().unwrap()).collect();
        assert_eq!(all.len(), 3);
        assert!(matches!(&all[1], Err(e) if e.line == 2 && e.message.contains("UTF-8")));
        assert!(matches!(&all[2], Ok(q) if q.query == "sanctions"));
    }
}
