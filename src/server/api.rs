//! The JSON API: parameters → one engine call → the CLI's JSON records.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::StringRejection;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

use super::{with_engine, AppState, MAX_BATCH_QUERIES, MAX_LIMIT, MAX_QUERY_CHARS};
use crate::batch::BatchOptions;
use crate::engine::{ShowError, SimilarError};
use crate::eval::TrecUnit;
use crate::index::{FacetError, IndexError};
use crate::output::batch::{write_batch, BatchFormat};
use crate::output::json::{
    PassageJson, QuoteApiJson, QuoteJson, SearchApiJson, SearchJson, ShowJson,
};
use crate::search::quote::{QuoteOptions, QuoteRequest};
use crate::search::trend::TrendBy;
use crate::search::{Filter, FilterError, Forms, MatchMode, SearchError, SearchOptions};
use crate::search::{SearchRequest, Syntax};

/// An error as JSON: `{"error": {"kind", "message", "column"?}}` with its status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    /// For a bad query: the 1-based character column of the problem.
    pub column: Option<usize>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind,
            message: message.into(),
            column: None,
        }
    }

    fn parameter(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "parameter", message)
    }

    pub(super) fn busy() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "the server is busy; try again in a moment",
        )
    }

    fn index(e: &IndexError) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "index", e.to_string())
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": ErrorBody {
            kind: self.kind,
            message: &self.message,
            column: self.column,
        }});
        (self.status, Json(body)).into_response()
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        match e {
            SearchError::Query(q) => ApiError {
                status: StatusCode::BAD_REQUEST,
                kind: "query",
                message: q.message,
                column: Some(q.column),
            },
            SearchError::Filter(f) => {
                ApiError::new(StatusCode::BAD_REQUEST, "filter", f.to_string())
            }
            SearchError::Facet(FacetError::Index(i)) | SearchError::Index(i) => ApiError::index(&i),
            SearchError::Facet(f) => ApiError::parameter(f.to_string()),
        }
    }
}

impl From<ShowError> for ApiError {
    fn from(e: ShowError) -> ApiError {
        match e {
            ShowError::BadReference(_) => ApiError::parameter(e.to_string()),
            ShowError::Index(i) => ApiError::index(&i),
            _ => ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
        }
    }
}

/// A value as the JSON body of an answer.
fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

/// A JSON body as an answer.
fn json_response(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The parameters of a query string, decoded (repeated keys kept in order).
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: Option<String>) -> Result<Params, ApiError> {
        let mut pairs = Vec::new();
        for part in raw.as_deref().unwrap_or("").split('&') {
            if part.is_empty() {
                continue;
            }
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            pairs.push((decode(k)?, decode(v)?));
        }
        Ok(Params(pairs))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get(key).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .map(|n| n.min(max))
                .map_err(|_| ApiError::parameter(format!("`{key}` must be a number, not `{v}`"))),
        }
    }

    fn flag(&self, key: &str) -> Result<bool, ApiError> {
        self.flag_or(key, false)
    }

    /// A true-or-false parameter, `default` when absent.
    fn flag_or(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(key) {
            None => Ok(default),
            Some("" | "1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(v) => Err(ApiError::parameter(format!(
                "`{key}` is true or false, not `{v}`"
            ))),
        }
    }
}

/// A query-string component, percent-decoded; invalid UTF-8 and a `%` not followed by two hex
/// digits are errors, not guesses.
fn decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('%') {
        let hex = bytes.get(at + 1..at + 3);
        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            return Err(ApiError::parameter(format!(
                "the query string has a `%` not followed by two hex digits (`{}`): write a \
                 literal `%` as `%25`",
                text.get(at..(at + 3).min(text.len())).unwrap_or("%")
            )));
        }
    }
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ApiError::parameter("the query string is not valid UTF-8 once decoded"))
}

/// The search request of `/api/search`'s parameters.
fn search_request(params: &Params) -> Result<SearchRequest, ApiError> {
    let query = params
        .get("q")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| ApiError::parameter("`q` (the query) is missing"))?;
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "parameter",
            format!("the query has {chars} characters; at most {MAX_QUERY_CHARS} are read"),
        ));
    }
    let mut filters = Vec::new();
    if let Some(source) = params.get("source").filter(|s| !s.is_empty()) {
        filters.push(Filter::Meta {
            key: "source".into(),
            value: source.to_owned(),
        });
    }
    let since = params.get("since").filter(|s| !s.is_empty());
    let until = params.get("until").filter(|s| !s.is_empty());
    if since.is_some() || until.is_some() {
        filters.push(Filter::date_range(since, until).map_err(filter_error)?);
    }
    for assignment in params.all("where").filter(|w| !w.is_empty()) {
        filters.push(Filter::parse_assignment(assignment).map_err(filter_error)?);
    }
    let mode = match params.get("match") {
        None | Some("" | "all") => MatchMode::All,
        Some("any") => MatchMode::Any,
        Some(other) => {
            return Err(ApiError::parameter(format!(
                "`match` is `all` or `any`, not `{other}`"
            )))
        }
    };
    Ok(SearchRequest {
        query: query.to_owned(),
        filters,
        limit: params.number("limit", 10, MAX_LIMIT)?,
        offset: params.number("offset", 0, 1_000_000)?,
        options: SearchOptions {
            mode,
            syntax: if params.flag("plain")? {
                Syntax::Plain
            } else {
                Syntax::Query
            },
            forms: if params.flag("exact")? {
                Forms::Exact
            } else {
                Forms::Stems
            },
            explain: params.flag("explain")?,
            // Copies fold unless `fold=0` (searches) or `count_copies=1` (trends).
            fold: params.flag_or("fold", true)? && !params.flag("count_copies")?,
            group: match params.get("group") {
                None | Some("" | "none" | "0") => None,
                Some("doc") => Some(params.number("group_size", 2, 20)?),
                Some(other) => {
                    return Err(ApiError::parameter(format!(
                        "`group` is `doc` or `none`, not `{other}`"
                    )))
                }
            },
            ..SearchOptions::default()
        },
    })
}

fn filter_error(e: FilterError) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "filter", e.to_string())
}

/// `GET /api/search`: the `dossier search --format json` object, with `took_ms` and `facets`.
pub(super) async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let params = Params::parse(raw)?;
    let request = search_request(&params)?;
    let facets: Vec<String> = params
        .get("facets")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .take(16)
        .map(str::to_owned)
        .collect();
    let top = params.number("top", 20, 1_000)?;
    let body = with_engine(&state, move |engine| {
        let (results, counted) = engine.search_with_facets(&request, &facets, top)?;
        let took_ms = (started.elapsed().as_secs_f64() * 1e4).round() / 10.0;
        to_json(&SearchApiJson::new(&results, &counted, took_ms))
    })
    .await?;
    Ok(json_response(body))
}

/// `GET /api/trend?q=&q=&by=year|month|day|KEY` (and the search filters): the
/// `dossier trend --format json` object.
pub(super) async fn trend(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw)?;
    let template = search_request(&params)?;
    let queries: Vec<String> = params
        .all("q")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .take(8)
        .map(str::to_owned)
        .collect();
    let by = TrendBy::parse(params.get("by").filter(|b| !b.is_empty()).unwrap_or("year"));
    let body = with_engine(&state, move |engine| {
        let trend = engine.trend(&queries, &by, &template)?;
        to_json(&trend)
    })
    .await?;
    Ok(json_response(body))
}

/// `GET /api/similar?id=PASSAGE&limit=&offset=&same_doc=` (and the search filters): the
/// `dossier similar --format json` object, the words used in `explain.understood`.
pub(super) async fn similar(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw)?;
    let id = params
        .get("id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::parameter("`id` (a passage id or citation) is missing"))?
        .to_owned();
    let same_doc = params.flag("same_doc")?;
    let mut with_query = params.0.clone();
    with_query.push(("q".into(), "similar".into()));
    let request = search_request(&Params(with_query))?;
    let body = with_engine(&state, move |engine| {
        let mut results = engine
            .similar(&id, &request, same_doc)
            .map_err(|e| match e {
                SimilarError::Passage(p) => ApiError::from(p),
                SimilarError::Search(s) => ApiError::from(s),
            })?;
        results.explained = true;
        to_json(&SearchJson::new(&results))
    })
    .await?;
    Ok(json_response(body))
}

/// `GET /api/watch`: the watch-lists given to `dossier serve --watch`, each query with how many
/// passages are new for it since its last `dossier watch` run (nothing is saved);
/// `GET /api/watch?list=N&query=ID`: that query's new passages (as `dossier watch --format
/// jsonl` writes a query).
pub(super) async fn watch(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw)?;
    let lists = Arc::clone(&state.watch_lists);
    let list = match params.get("list").filter(|l| !l.is_empty()) {
        Some(n) => Some(
            n.parse::<usize>()
                .ok()
                .filter(|&n| n < lists.len())
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::NOT_FOUND,
                        "not_found",
                        format!("no watch-list {n}"),
                    )
                })?,
        ),
        None => None,
    };
    let query = params.get("query").map(str::to_owned);
    let limit = params.number("limit", 20, MAX_LIMIT)?;
    let body = with_engine(&state, move |engine| {
        let run_list = |path: &std::path::Path| -> Result<crate::watch::WatchRun, ApiError> {
            let text = std::fs::read_to_string(path).map_err(|e| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "watch",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let mut watch_state = crate::watch::read_state(&crate::watch::default_state_path(path))
                .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "watch", e.to_string()))?;
            let options = crate::watch::WatchOptions {
                limit,
                from_now: false,
                search: SearchOptions::default(),
            };
            let name = path.to_string_lossy();
            engine
                .watch(&text, Some(&name), &options, &mut watch_state)
                .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "watch", e.to_string()))
        };
        match list {
            None => {
                let mut out = Vec::new();
                for (i, path) in lists.iter().enumerate() {
                    let run = run_list(path)?;
                    let queries: Vec<Value> = run
                        .results
                        .iter()
                        .map(|r| match &r.outcome {
                            Ok(n) => json!({"id": r.query.id, "query": r.query.query, "new_total": n.total, "status": n.status}),
                            Err(e) => json!({"id": r.query.id, "query": r.query.query, "error": e}),
                        })
                        .collect();
                    let (_, new) = run.counts();
                    out.push(json!({"list": i, "name": path.display().to_string(), "new_total": new, "queries": queries}));
                }
                to_json(&json!({ "lists": out }))
            }
            Some(i) => {
                let run = run_list(&lists[i])?;
                let wanted = query.unwrap_or_default();
                let Some(r) = run.results.iter().find(|r| r.query.id == wanted) else {
                    return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no query `{wanted}` in that watch-list")));
                };
                let mut out = Vec::new();
                let single = crate::watch::WatchRun {
                    results: vec![crate::watch::WatchResult {
                        query: r.query.clone(),
                        outcome: match &r.outcome {
                            Ok(n) => Ok(crate::watch::NewHits { status: n.status, total: n.total, hits: n.hits.clone() }),
                            Err(e) => Err(e.clone()),
                        },
                    }],
                    index_id: run.index_id.clone(),
                    mark: run.mark,
                };
                crate::output::watch::write_watch(
                    &mut out,
                    &single,
                    crate::output::watch::WatchFormat::Jsonl,
                    &crate::output::watch::WatchHeader { watch_list: String::new(), run_at: String::new() },
                )
                .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
                Ok(out)
            }
        }
    })
    .await?;
    Ok(json_response(body))
}

/// `GET /api/quote?q=&limit=N&min_coverage=&source=&since=&until=&where=`: the
/// `dossier quote --format json` object, with `took_ms`.
pub(super) async fn quote(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let params = Params::parse(raw)?;
    // The quote, its limit and its filters are read as a search's.
    let search = search_request(&params)?;
    let mut options = QuoteOptions::default();
    if let Some(v) = params.get("min_coverage").filter(|v| !v.is_empty()) {
        options.min_coverage = v
            .parse::<f32>()
            .ok()
            .filter(|c| (0.0..=1.0).contains(c))
            .ok_or_else(|| {
                ApiError::parameter(format!(
                    "`min_coverage` is a share between 0 and 1, not `{v}`"
                ))
            })?;
    }
    let request = QuoteRequest {
        quote: search.query,
        filters: search.filters,
        limit: search.limit,
        options,
    };
    let body = with_engine(&state, move |engine| {
        let results = engine.quote(&request)?;
        let took_ms = (started.elapsed().as_secs_f64() * 1e4).round() / 10.0;
        let answer = QuoteApiJson {
            quote: QuoteJson::new(&results),
            took_ms,
        };
        serde_json::to_vec(&answer).map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /api/passage?id=&context=N`: the `dossier show --format json` object.
pub(super) async fn passage(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw)?;
    let id = params
        .get("id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::parameter("`id` (a passage id or citation) is missing"))?
        .to_owned();
    let context = params.number("context", 0, 50)?;
    let body = with_engine(&state, move |engine| {
        let shown = engine.show(&id, context)?;
        Ok(
            serde_json::to_value(ShowJson::new(&shown.passage, &shown.before, &shown.after))
                .unwrap_or(Value::Null),
        )
    })
    .await?;
    Ok(Json(body).into_response())
}

/// `GET /api/document?id=DOC_ID`: the document's metadata and all its passages in order.
pub(super) async fn document(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw)?;
    let id = params
        .get("id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::parameter("`id` (a document id) is missing"))?
        .to_owned();
    let body = with_engine(&state, move |engine| {
        let passages = engine.document(&id)?;
        let first = &passages[0];
        Ok(json!({
            "doc_id": first.doc_id,
            "title": first.title,
            "path": first.path,
            "meta": *first.meta,
            "passages": passages.iter().map(PassageJson::new).collect::<Vec<_>>(),
        }))
    })
    .await?;
    Ok(Json(body).into_response())
}

/// `GET /api/stats` and `GET /api/stats?by=KEY&top=N`: the `dossier stats --format json` objects.
pub(super) async fn stats(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw)?;
    let by = params
        .get("by")
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let top = params.number("top", 50, 100_000)?;
    let body = with_engine(&state, move |engine| match by {
        Some(key) => {
            let values = engine.facet(&key, top).map_err(|e| match e {
                FacetError::Index(i) => ApiError::index(&i),
                other => ApiError::parameter(other.to_string()),
            })?;
            Ok(json!({ "by": key, "values": values }))
        }
        None => {
            let stats = engine.stats().map_err(|e| ApiError::index(&e))?;
            Ok(serde_json::to_value(stats).unwrap_or(Value::Null))
        }
    })
    .await?;
    Ok(Json(body).into_response())
}

/// `POST /api/batch?format=&limit=N`: a batch file in the body; what `dossier batch` writes.
pub(super) async fn batch(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    body: Result<String, StringRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| {
        let status = e.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "the batch is larger than {} bytes: split it, or run `dossier batch`",
                super::MAX_BODY_BYTES
            )
        } else {
            e.body_text()
        };
        // The body did not come within the body timeout.
        let status = if message.contains("timeout") {
            StatusCode::REQUEST_TIMEOUT
        } else {
            status
        };
        ApiError::new(status, "parameter", message)
    })?;
    let params = Params::parse(raw)?;
    let (format, content_type) = match params.get("format").unwrap_or("jsonl") {
        "jsonl" => (BatchFormat::Jsonl, "application/x-ndjson"),
        "csv" => (BatchFormat::Csv, "text/csv; charset=utf-8"),
        "tsv" => (BatchFormat::Tsv, "text/tab-separated-values; charset=utf-8"),
        "trec" => (BatchFormat::Trec, "text/plain; charset=utf-8"),
        "markdown" => (BatchFormat::Markdown, "text/markdown; charset=utf-8"),
        other => {
            return Err(ApiError::parameter(format!(
                "`format` is jsonl, csv, tsv, trec or markdown, not `{other}`"
            )))
        }
    };
    let lines = body.lines().filter(|l| !l.trim().is_empty()).count();
    if lines > MAX_BATCH_QUERIES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "parameter",
            format!("the batch has {lines} lines; at most {MAX_BATCH_QUERIES} are run per request"),
        ));
    }
    let limit = params.number("limit", 10, MAX_LIMIT)?;
    let fold = params.flag_or("fold", true)?;
    let out = with_engine(&state, move |engine| {
        let options = BatchOptions {
            limit,
            search: SearchOptions {
                highlights: matches!(format, BatchFormat::Jsonl | BatchFormat::Markdown),
                fold,
                ..SearchOptions::default()
            },
            per_document: false,
            // The server's concurrency bound already shares the cores between requests.
            threads: 1,
        };
        let results = engine
            .batch(&body, None, &options, &[])
            .map_err(|e| ApiError::index(&e))?;
        let mut out = Vec::new();
        write_batch(&mut out, &results, format, TrecUnit::Passage).map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })?;
        Ok(out)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, content_type)], out).into_response())
}

/// No such endpoint.
pub(super) async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint: the API is /api/search, /api/quote, /api/passage, /api/document, /api/stats, /api/batch",
    )
}

/// A known endpoint with the wrong method.
pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method",
        "this endpoint does not take that method (searches are GET, batches are POST)",
    )
}
