//! `dossier serve`: every endpoint and every error status, in process through the router (the
//! same `Router` the binary serves), plus the binary itself on an ephemeral port.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use dossier::engine::{Engine, IndexLocation, IngestOptions};
use dossier::output::{self, text::Style, Format};
use dossier::search::SearchRequest;
use dossier::server::{self, ServerConfig};
use serde_json::Value;
use tower::ServiceExt;

use crate::common::{stderr, TestEnv, SEED};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The whole demo corpus (with the feed and the articles, which carry metadata), ingested
/// once for these tests.
fn full_index_dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("it-server-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sources = crate::common::paths(&[
            "fixtures/articles",
            "fixtures/commentary",
            "fixtures/feeds",
            "fixtures/seed",
            "fixtures/ungd",
        ]);
        let report =
            dossier::engine::ingest(&dir, &sources, &IngestOptions::default(), &mut ()).unwrap();
        assert!(!report.has_errors(), "{:?}", report.skips);
        dir
    })
}

/// An engine of its own on the full demo index (read only).
fn corpus_engine() -> Arc<Engine> {
    let location = IndexLocation {
        dir: full_index_dir().to_path_buf(),
        is_default: false,
    };
    Arc::new(Engine::open(&location, &mut ()).unwrap())
}

fn app() -> Router {
    server::router(corpus_engine(), &ServerConfig::default())
}

struct Answer {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `error` object of a JSON error, after checking the status.
    fn error(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.content_type.starts_with("application/json"),
            "{}",
            self.content_type
        );
        self.json()["error"].clone()
    }
}

fn call(app: &Router, method: &str, uri: &str, body: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    runtime().block_on(async {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Answer {
            status,
            content_type,
            headers,
            body,
        }
    })
}

fn get(app: &Router, uri: &str) -> Answer {
    call(app, "GET", uri, "", &[])
}

#[test]
fn search_answers_the_cli_json_with_timing_and_facets_over_all_matches() {
    let app = app();
    let answer = get(&app, "/api/search?q=sanctions&limit=3&facets=country,year");
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let mut json = answer.json();
    assert!(json["took_ms"].as_f64().unwrap() >= 0.0);
    let facets = json["facets"].take();
    json.as_object_mut().unwrap().remove("took_ms");
    json.as_object_mut().unwrap().remove("facets");

    // The same records, field for field, as `dossier search --format json`.
    let engine = corpus_engine();
    let results = engine.search(&SearchRequest::new("sanctions", 3)).unwrap();
    let mut cli = Vec::new();
    output::write_results(&mut cli, &results, Format::Json, &Style::default()).unwrap();
    let cli: Value = serde_json::from_slice(&cli).unwrap();
    assert_eq!(json, cli);

    // Facets count every match, not the page: documents per country among all matches.
    let all = engine
        .search(&SearchRequest::new("sanctions", 10_000))
        .unwrap();
    let mut by_country: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for hit in &all.hits {
        if let Some(c) = hit.passage.meta.get("country").and_then(Value::as_str) {
            by_country
                .entry(c.to_owned())
                .or_default()
                .insert(hit.passage.doc_id.clone());
        }
    }
    let countries = facets["country"].as_array().unwrap();
    assert!(!countries.is_empty(), "{facets}");
    for value in countries {
        let country = value["value"].as_str().unwrap();
        assert_eq!(
            value["documents"].as_u64().unwrap() as usize,
            by_country[country].len(),
            "{country}"
        );
        assert!(value["passages"].as_u64().unwrap() >= value["documents"].as_u64().unwrap());
    }
    assert!(facets["year"].as_array().is_some_and(|y| !y.is_empty()));
}

#[test]
fn search_takes_the_cli_filters_and_options() {
    let app = app();
    let irn = get(&app, "/api/search?q=sanctions&where=country%3DIRN&limit=50").json();
    assert!(irn["total_hits"].as_u64().unwrap() > 0);
    assert!(irn["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["meta"]["country"] == "IRN"));
    let dated = get(
        &app,
        "/api/search?q=sanctions&since=2017&until=2017&limit=50",
    )
    .json();
    assert!(dated["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["meta"]["year"] == 2017));
    let any = get(&app, "/api/search?q=snapback+zzqx&match=any").json();
    assert!(any["total_hits"].as_u64().unwrap() > 0);
    let explained = get(&app, "/api/search?q=IRGC&explain=1&limit=1").json();
    assert!(explained["explain"]["understood"][0]
        .as_str()
        .unwrap()
        .starts_with("IRGC → "));
    let capped = get(&app, "/api/search?q=the&limit=100000&match=any").json();
    assert!(capped["hits"].as_array().unwrap().len() <= server::MAX_LIMIT);
    let paged = get(&app, "/api/search?q=sanctions&limit=2&offset=2").json();
    assert_eq!(paged["hits"][0]["rank"], 3);
}

#[test]
fn passage_and_document_serve_the_reading_view() {
    let app = app();
    let id = format!("{SEED}%237");
    let shown = get(&app, &format!("/api/passage?id={id}&context=1"));
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text());
    let shown = shown.json();
    assert_eq!(shown["passage"]["line_start"], 17);
    assert_eq!(shown["before"][0]["paragraph"], 6);
    assert_eq!(shown["after"][0]["paragraph"], 8);
    // A printed citation works too.
    let cited = get(&app, &format!("/api/passage?id={SEED}:17")).json();
    assert_eq!(cited["passage"]["paragraph"], 7);

    let doc = get(&app, &format!("/api/document?id={SEED}"));
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert_eq!(doc["doc_id"], SEED);
    let passages = doc["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 18);
    let numbers: Vec<u64> = passages
        .iter()
        .map(|p| p["paragraph"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=18).collect::<Vec<_>>(), "in document order");

    let missing = get(&app, &format!("/api/passage?id={SEED}%2399")).error(StatusCode::NOT_FOUND);
    assert!(missing["message"]
        .as_str()
        .unwrap()
        .contains("has passages 1–18"));
    get(&app, "/api/document?id=nowhere.txt").error(StatusCode::NOT_FOUND);
    get(&app, "/api/passage?id=no-hash-here").error(StatusCode::BAD_REQUEST);
    get(&app, "/api/passage").error(StatusCode::BAD_REQUEST);
}

#[test]
fn stats_and_facets_are_the_cli_objects() {
    let app = app();
    let stats = get(&app, "/api/stats").json();
    assert_eq!(
        stats["documents"],
        corpus_engine().stats().unwrap().documents
    );
    assert!(stats["meta_keys"].as_array().is_some());
    let by = get(&app, "/api/stats?by=country&top=2").json();
    assert_eq!(by["by"], "country");
    assert_eq!(by["values"].as_array().unwrap().len(), 2);
    let unknown = get(&app, "/api/stats?by=colour").error(StatusCode::BAD_REQUEST);
    assert!(unknown["message"].as_str().unwrap().contains("colour"));
}

#[test]
fn batch_answers_what_the_cli_writes_with_errors_in_place() {
    let app = app();
    let body = "snapback\n(unclosed\n\"maximum pressure\"\n";
    let jsonl = call(&app, "POST", "/api/batch?format=jsonl&limit=2", body, &[]);
    assert_eq!(jsonl.status, StatusCode::OK, "{}", jsonl.text());
    let records: Vec<Value> = jsonl
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["query"], "snapback");
    assert!(records[0]["hits"].as_array().unwrap().len() <= 2);
    assert!(
        records[1]["error"].as_str().unwrap().contains("quote")
            || records[1]["error"].as_str().unwrap().contains(")")
    );
    assert_eq!(records[2]["line"], 3);
    let csv = call(&app, "POST", "/api/batch?format=csv&limit=1", body, &[]);
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(csv.text().starts_with("query_id,query,rank"));
    let trec = call(&app, "POST", "/api/batch?format=trec", "snapback\n", &[]);
    assert!(trec
        .text()
        .lines()
        .all(|l| l.split_whitespace().count() == 6));
    call(&app, "POST", "/api/batch?format=pdf", body, &[]).error(StatusCode::BAD_REQUEST);
    let huge = "snapback\n".repeat(server::MAX_BODY_BYTES / 9 + 10);
    call(&app, "POST", "/api/batch", &huge, &[]).error(StatusCode::PAYLOAD_TOO_LARGE);
}

#[test]
fn every_bad_request_gets_a_json_error_with_the_right_status() {
    let app = app();
    let bad = get(&app, "/api/search?q=%22unclosed").error(StatusCode::BAD_REQUEST);
    assert_eq!(bad["kind"], "query");
    assert_eq!(bad["column"], 1);
    let filter = get(&app, "/api/search?q=x&where=year%3D2015-2019").error(StatusCode::BAD_REQUEST);
    assert_eq!(filter["kind"], "filter");
    assert!(filter["message"].as_str().unwrap().contains("2015..2019"));
    let key = get(&app, "/api/search?q=x&where=colour%3Dred").error(StatusCode::BAD_REQUEST);
    assert!(key["message"].as_str().unwrap().contains("colour"));
    for uri in [
        "/api/search",
        "/api/search?q=x&limit=ten",
        "/api/search?q=x&match=some",
        "/api/search?q=x&facets=colour",
        "/api/search?q=%FF%FE",
        "/api/search?q=x&explain=maybe",
    ] {
        let e = get(&app, uri).error(StatusCode::BAD_REQUEST);
        assert!(!e["message"].as_str().unwrap().is_empty(), "{uri}");
    }
    let long_query = format!("/api/search?q={}", "a+".repeat(server::MAX_QUERY_CHARS));
    get(&app, &long_query).error(StatusCode::BAD_REQUEST);
    let long_uri = format!("/api/search?q={}", "a".repeat(server::MAX_URI_BYTES + 1));
    get(&app, &long_uri).error(StatusCode::URI_TOO_LONG);
    get(&app, "/api/nothing").error(StatusCode::NOT_FOUND);
    get(&app, "/etc/passwd").error(StatusCode::NOT_FOUND);
    get(&app, "/../../etc/passwd").error(StatusCode::NOT_FOUND);
    get(&app, "/%2e%2e/%2e%2e/etc/passwd").error(StatusCode::NOT_FOUND);
    call(&app, "DELETE", "/api/search?q=x", "", &[]).error(StatusCode::METHOD_NOT_ALLOWED);
    call(&app, "GET", "/api/batch", "", &[]).error(StatusCode::METHOD_NOT_ALLOWED);
}

#[test]
fn the_page_is_served_with_a_policy_that_forbids_foreign_script() {
    let app = app();
    let page = get(&app, "/");
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/html"));
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(page.text().contains("<script src=\"/app.js\""));
    assert!(!page.text().contains("<script>"), "no inline script");
    let js = get(&app, "/app.js");
    assert!(js.content_type.starts_with("text/javascript"));
    assert!(
        !js.text().contains("innerHTML"),
        "document text is never inserted as HTML"
    );
    assert!(get(&app, "/style.css").content_type.starts_with("text/css"));
    assert!(
        page.headers.get("access-control-allow-origin").is_none(),
        "no CORS by default"
    );
}

#[test]
fn a_token_guards_every_endpoint_but_healthz_and_cors_needs_an_origin() {
    let config = ServerConfig {
        token: Some("s3cret".into()),
        cors: Some("http://localhost:3000".into()),
        ..ServerConfig::default()
    };
    let app = server::router(corpus_engine(), &config);
    for uri in ["/", "/api/search?q=snapback", "/api/stats", "/app.js"] {
        let e = get(&app, uri).error(StatusCode::UNAUTHORIZED);
        assert_eq!(e["kind"], "auth", "{uri}");
        let wrong = call(&app, "GET", uri, "", &[("authorization", "Bearer s3cre")]);
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{uri}");
        let right = call(&app, "GET", uri, "", &[("authorization", "Bearer s3cret")]);
        assert_eq!(right.status, StatusCode::OK, "{uri}");
    }
    assert_eq!(get(&app, "/healthz").status, StatusCode::OK);
    let cors = call(
        &app,
        "GET",
        "/api/stats",
        "",
        &[
            ("authorization", "Bearer s3cret"),
            ("origin", "http://localhost:3000"),
        ],
    );
    assert_eq!(
        cors.headers["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let other = call(
        &app,
        "GET",
        "/api/stats",
        "",
        &[
            ("authorization", "Bearer s3cret"),
            ("origin", "http://evil.example"),
        ],
    );
    assert!(other.headers.get("access-control-allow-origin").is_none());
}

#[test]
fn new_documents_are_searchable_without_a_restart_and_a_lost_index_is_503() {
    let env = TestEnv::empty();
    std::fs::write(env.path("a.txt"), "The first brief mentions snapback.\n").unwrap();
    let index = env.path("idx");
    dossier::engine::ingest(
        &index,
        &env.paths(&["a.txt"]),
        &IngestOptions::default(),
        &mut (),
    )
    .unwrap();
    let location = IndexLocation {
        dir: index.clone(),
        is_default: false,
    };
    let app = server::router(
        Arc::new(Engine::open(&location, &mut ()).unwrap()),
        &ServerConfig::default(),
    );
    assert_eq!(get(&app, "/api/search?q=zanzibar").json()["total_hits"], 0);
    // Another writer commits while the server runs.
    std::fs::write(env.path("b.txt"), "A second brief about Zanzibar.\n").unwrap();
    dossier::engine::ingest(
        &index,
        &env.paths(&["b.txt"]),
        &IngestOptions::default(),
        &mut (),
    )
    .unwrap();
    // Searchable within a second (the server looks for commits a few times a second).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while get(&app, "/api/search?q=zanzibar").json()["total_hits"] != 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the new document never showed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The index disappears under the server: an error, and the server goes on answering.
    std::fs::remove_dir_all(&index).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let e = get(&app, "/api/search?q=zanzibar").error(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(e["kind"], "index");
    assert_eq!(get(&app, "/healthz").status, StatusCode::OK);
}

/// The binary: it prints where it listens, answers on that port, refuses other interfaces
/// without `--allow-remote`, and stops cleanly on SIGTERM.
#[test]
fn dossier_serve_listens_on_loopback_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let env = TestEnv::ingested();
    let refused = env.run(&["serve", "--index", "idx", "--addr", "0.0.0.0:0"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--allow-remote"),
        "{}",
        stderr(&refused)
    );

    let mut child = env
        .command(&["serve", "--index", "idx", "--addr", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("dossier: listening on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let body: Value = ureq::get(&format!("{url}/api/search?q=snapback&limit=1"))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(
        body["hits"][0]["doc_id"],
        "fixtures/commentary/snapback-mechanism.md"
    );
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}

#[test]
fn trend_answers_the_cli_json() {
    let app = app();
    let answer = get(
        &app,
        "/api/trend?q=sanctions&q=nuclear&by=year&where=country%3DIRN",
    );
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    let engine = corpus_engine();
    let template = SearchRequest {
        filters: vec![dossier::search::Filter::parse("country", "IRN").unwrap()],
        ..SearchRequest::new("", 0)
    };
    let trend = engine
        .trend(
            &["sanctions".to_owned(), "nuclear".to_owned()],
            &dossier::search::trend::TrendBy::Year,
            &template,
        )
        .unwrap();
    assert_eq!(json, serde_json::to_value(&trend).unwrap());
    assert_eq!(json["series"].as_array().unwrap().len(), 2);
    get(&app, "/api/trend?q=x&by=colour").error(StatusCode::BAD_REQUEST);
    get(&app, "/api/trend?by=year").error(StatusCode::BAD_REQUEST);
}

#[test]
fn similar_answers_the_search_json_with_the_words_used() {
    let app = app();
    let id = format!("{SEED}%237");
    let answer = get(&app, &format!("/api/similar?id={id}&limit=3"));
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    assert!(json["explain"]["understood"][0]
        .as_str()
        .unwrap()
        .contains("distinctive words"));
    let hits = json["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    assert!(hits.iter().all(|h| h["doc_id"] != SEED));
    get(&app, "/api/similar?id=nowhere.txt%231").error(StatusCode::NOT_FOUND);
    get(&app, "/api/similar").error(StatusCode::BAD_REQUEST);
}

#[test]
fn the_page_lists_watch_lists_with_what_is_new_and_saves_nothing() {
    let env = TestEnv::empty();
    std::fs::create_dir_all(env.path("docs")).unwrap();
    std::fs::write(env.path("docs/a.txt"), "Brief\n\nSnapback in August.\n").unwrap();
    let index = env.path("idx");
    let ingest = || {
        dossier::engine::ingest(
            &index,
            &env.paths(&["docs"]),
            &IngestOptions::default(),
            &mut (),
        )
        .unwrap()
    };
    ingest();
    let list = env.path("list.tsv");
    std::fs::write(&list, "snap\tsnapback\npress\t\"maximum pressure\"\n").unwrap();
    let watched = env.run(&["watch", "list.tsv", "--index", "idx"]);
    assert_eq!(watched.status.code(), Some(0), "{}", stderr(&watched));
    let state_path = env.path("list.tsv.state.json");
    let saved = std::fs::read_to_string(&state_path).unwrap();
    std::fs::write(
        env.path("docs/b.txt"),
        "More\n\nSnapback again in October.\n",
    )
    .unwrap();
    ingest();
    let location = IndexLocation {
        dir: index.clone(),
        is_default: false,
    };
    let config = ServerConfig {
        watch_lists: vec![list.clone()],
        ..ServerConfig::default()
    };
    let app = server::router(Arc::new(Engine::open(&location, &mut ()).unwrap()), &config);
    let lists = get(&app, "/api/watch");
    assert_eq!(lists.status, StatusCode::OK, "{}", lists.text());
    let lists = lists.json();
    assert_eq!(lists["lists"][0]["new_total"], 1);
    assert_eq!(lists["lists"][0]["queries"][0]["id"], "snap");
    assert_eq!(lists["lists"][0]["queries"][0]["new_total"], 1);
    assert_eq!(lists["lists"][0]["queries"][1]["new_total"], 0);
    let one = get(&app, "/api/watch?list=0&query=snap");
    let record: Value = serde_json::from_str(one.text().lines().next().unwrap()).unwrap();
    assert_eq!(record["hits"][0]["text"], "Snapback again in October.");
    assert_eq!(
        std::fs::read_to_string(&state_path).unwrap(),
        saved,
        "the page only reads"
    );
    get(&app, "/api/watch?list=7&query=snap").error(StatusCode::NOT_FOUND);
    get(&app, "/api/watch?list=0&query=nope").error(StatusCode::NOT_FOUND);
}
