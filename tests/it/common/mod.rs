//! What the feature modules share: the fixture corpus and its paths, one index of it built once
//! for the whole test binary, in-process searches decoded through the JSON wire format, the
//! citation checks, and temp dirs for the tests that write or that run the `dossier` binary.
//!
//! Paths: a passage cites its file by the path given to ingest. The corpus is ingested from the
//! package root with relative paths (`fixtures/seed/…`), exactly as `dossier ingest` run in a
//! checkout records them, so the expectations below (`SEED`, `fixtures/commentary/…`) are the
//! ones a user sees. Cargo runs integration tests with the package root as working directory;
//! [`root`] checks that. Tests that change files work on a temp copy of the fixtures and ingest
//! it by absolute path.

pub mod generated;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use dossier::engine::{Engine, IndexLocation, IngestObserver, IngestOptions, IngestReport};
use dossier::index::DossierIndex;
use dossier::model::normalize_whitespace;
use dossier::output::{self, text::Style};
use dossier::search::{SearchError, SearchRequest, SearchResults};
use serde::Deserialize;

pub const SEED: &str = "fixtures/seed/will-iran-and-the-us-retreat.txt";
/// The fixture corpus (the fixtures' own README is not part of it).
pub const CORPUS: &[&str] = &["fixtures/commentary", "fixtures/seed", "fixtures/ungd"];

/// `dossier search --format json`, decoded: the wire format the tests hold the printers to.
#[derive(Debug, Deserialize)]
pub struct SearchJson {
    pub query: String,
    pub total_hits: usize,
    pub match_mode: String,
    pub hits: Vec<HitJson>,
}

/// One hit of [`SearchJson`] (also a JSONL line, a batch record's hit, and with rank, score and
/// highlights added, a `dossier chunk` record).
#[derive(Debug, Deserialize)]
pub struct HitJson {
    pub rank: usize,
    pub score: f32,
    pub passage_id: String,
    pub doc_id: String,
    pub title: String,
    pub section: Option<String>,
    pub paragraph: u64,
    pub part: Option<u32>,
    pub source_paragraph: Option<String>,
    pub path: String,
    pub field: Option<String>,
    pub meta: serde_json::Value,
    pub line_start: u64,
    pub line_end: u64,
    pub byte_start: u64,
    pub byte_end: u64,
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
    #[serde(default)]
    pub title_highlights: Vec<[usize; 2]>,
    #[serde(default)]
    pub section_highlights: Vec<[usize; 2]>,
}

// ---------------------------------------------------------------------------------------------
// Paths and engines

/// The package root, which is also the working directory (relative citations resolve there).
pub fn root() -> &'static Path {
    static CHECKED: OnceLock<()> = OnceLock::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    CHECKED.get_or_init(|| {
        let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
        assert_eq!(
            cwd,
            root.canonicalize().unwrap(),
            "run the tests from the package root (cargo test does): fixtures are ingested by \
             relative path"
        );
    });
    root
}

/// Paths relative to the package root, as given to ingest.
pub fn paths(rel: &[&str]) -> Vec<PathBuf> {
    root();
    rel.iter().map(PathBuf::from).collect()
}

struct SharedIndex {
    index: PathBuf,
    engine: Engine,
}

fn shared() -> &'static SharedIndex {
    static SHARED: OnceLock<SharedIndex> = OnceLock::new();
    SHARED.get_or_init(|| {
        let index = shared_index_dir();
        let report =
            dossier::engine::ingest(&index, &paths(CORPUS), &IngestOptions::default(), &mut ())
                .unwrap();
        assert!(!report.has_errors(), "{:?}", report.skips);
        let engine = Engine::open(
            &IndexLocation {
                dir: index.clone(),
                is_default: false,
            },
            &mut (),
        )
        .unwrap();
        SharedIndex { index, engine }
    })
}

/// This process's directory for the shared index, under cargo's scratch directory for
/// integration tests: a static is never dropped, so a `TempDir` would be left behind in the
/// system's temp dir after every run. Instead the directories of runs that ended over an hour
/// ago are removed here.
fn shared_index_dir() -> PathBuf {
    const PREFIX: &str = "it-corpus-";
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    for entry in std::fs::read_dir(scratch).into_iter().flatten().flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if stale && entry.file_name().to_string_lossy().starts_with(PREFIX) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let dir = scratch.join(format!("{PREFIX}{}", std::process::id()));
    // A process id used again: whatever is there is not this run's.
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The fixture corpus, ingested once for every test that only reads it: on disk (so it has a
/// size and can be copied for the binary), as `dossier ingest --index idx` + `CORPUS` run in a
/// checkout would.
pub fn corpus() -> &'static Engine {
    &shared().engine
}

/// The directory of the shared corpus index (never written after it is built).
pub fn corpus_index_dir() -> &'static Path {
    &shared().index
}

/// A fresh in-RAM engine with `paths` ingested with `options`, and the ingest report.
pub fn ingest_in_ram(paths: &[PathBuf], options: &IngestOptions) -> (Engine, IngestReport) {
    let engine = Engine::from_index(DossierIndex::create_in_ram());
    let report = engine.ingest(paths, options, &mut ()).unwrap();
    (engine, report)
}

/// A fresh in-RAM engine over fixture directories (relative to the package root).
pub fn engine_over(rel: &[&str]) -> Engine {
    ingest_in_ram(&paths(rel), &IngestOptions::default()).0
}

/// Hears the paths `--prune` removed (what `dossier ingest` prints as `pruned PATH`).
#[derive(Default)]
pub struct Pruned(pub Vec<String>);

impl IngestObserver for Pruned {
    fn pruned(&mut self, path: &str) {
        self.0.push(path.to_owned());
    }
}

// ---------------------------------------------------------------------------------------------
// Searching in process, through the printers

/// A request as the old end-to-end tests made it: `--limit 1000`, every other option default.
pub fn request(query: &str) -> SearchRequest {
    SearchRequest::new(query, 1000)
}

/// The results as `--format json` prints them, decoded.
pub fn json_of(results: &SearchResults) -> SearchJson {
    let mut out = Vec::new();
    output::write_results(&mut out, results, output::Format::Json, &Style::default()).unwrap();
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
}

/// The results as the text format prints them without colour (`--color never`).
pub fn text_of(results: &SearchResults) -> String {
    let mut out = Vec::new();
    output::write_results(&mut out, results, output::Format::Text, &Style::default()).unwrap();
    String::from_utf8(out).unwrap()
}

/// Runs `request`; a search that fails is a test failure.
pub fn search_with(engine: &Engine, request: &SearchRequest) -> SearchJson {
    json_of(&run(engine, request))
}

/// Runs `query` with [`request`]'s defaults.
pub fn search(engine: &Engine, query: &str) -> SearchJson {
    search_with(engine, &request(query))
}

/// Runs `request` and returns the results as data; a search that fails is a test failure.
pub fn run(engine: &Engine, request: &SearchRequest) -> SearchResults {
    engine
        .search(request)
        .unwrap_or_else(|e: SearchError| panic!("{}: {e}", request.query))
}

/// What `dossier show REFERENCE -C CONTEXT --format FORMAT` prints (text without colour); a
/// passage that cannot be shown is a test failure.
pub fn show_printed(
    engine: &Engine,
    reference: &str,
    context: usize,
    format: output::Format,
) -> Vec<u8> {
    let shown = engine
        .show(reference, context)
        .unwrap_or_else(|e| panic!("{reference}: {e}"));
    let mut out = Vec::new();
    output::write_passage(
        &mut out,
        &shown.passage,
        &shown.before,
        &shown.after,
        format,
        &Style::default(),
    )
    .unwrap();
    out
}

/// `dossier show REFERENCE -C CONTEXT --format json`, decoded.
pub fn show_json(engine: &Engine, reference: &str, context: usize) -> serde_json::Value {
    serde_json::from_slice(&show_printed(
        engine,
        reference,
        context,
        output::Format::Json,
    ))
    .unwrap()
}

/// `dossier stats --format json`, decoded.
pub fn stats_json(engine: &Engine) -> serde_json::Value {
    let mut out = Vec::new();
    output::stats::write_stats(&mut out, &engine.stats().unwrap(), true).unwrap();
    serde_json::from_slice(&out).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Citations

/// The cited bytes of the cited file hold the hit's text, and the cited lines hold those bytes.
/// A relative `path` is read under `base` (the package root for the fixtures, or the directory
/// the binary ran in).
///
/// Plain text: the bytes, whitespace collapsed, are the text (page furniture the chunker dropped
/// aside, and end-of-line hyphens it undid). Markdown and HTML: the text's words appear in order
/// in the bytes (markup and entities sit between them). Feed records: the offsets count inside
/// the record's text field, and the lines are the record's line.
pub fn assert_citation_exact(base: &Path, hit: &HitJson) {
    let bytes = std::fs::read(base.join(&hit.path)).unwrap();
    let (start, end) = (hit.byte_start as usize, hit.byte_end as usize);
    if let Some(field) = &hit.field {
        assert_eq!(hit.line_start, hit.line_end);
        let mut text = String::new();
        if hit.path.ends_with(".gz") {
            flate2::read::MultiGzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap();
        } else {
            text = String::from_utf8(bytes).unwrap();
        }
        let record = text.lines().nth(hit.line_start as usize - 1).unwrap();
        let record: serde_json::Value = serde_json::from_str(record).unwrap();
        let value = record[field].as_str().unwrap();
        assert_words_in_order(&value[start..end], &hit.text, hit);
        return;
    }
    let line_of = |byte: usize| bytes[..byte].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    assert_eq!(
        line_of(start),
        hit.line_start,
        "line_start of {}",
        hit.passage_id
    );
    assert_eq!(
        line_of(end - 1),
        hit.line_end,
        "line_end of {}",
        hit.passage_id
    );
    // Single-byte fallbacks (the ISO-8859-1 page) decode byte for byte.
    let cited = match std::str::from_utf8(&bytes[start..end]) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes[start..end].iter().map(|&b| b as char).collect(),
    };
    if hit.path.ends_with(".md") {
        assert_words_in_order(&cited, &hit.text, hit);
        return;
    }
    if hit.path.ends_with(".html") {
        let mut in_tag = false;
        let untagged: String = cited
            .chars()
            .filter(|&c| {
                let keep = !in_tag && c != '<';
                if c == '<' {
                    in_tag = true;
                } else if c == '>' {
                    in_tag = false;
                }
                keep
            })
            .collect();
        assert_words_in_order(&untagged, &hit.text, hit);
        return;
    }
    let kept: Vec<&str> = cited
        .lines()
        .filter(|l| !dossier::ingest::debris::is_page_furniture(l))
        .collect();
    let kept = kept.join("\n");
    if kept.contains("-\n") {
        let squash = |s: &str| s.replace(['-', ' ', '\n'], "");
        assert_eq!(squash(&normalize_whitespace(&kept)), squash(&hit.text));
    } else {
        assert_eq!(
            normalize_whitespace(&kept),
            hit.text,
            "bytes {start}..{end} of {}",
            hit.path
        );
    }
}

/// Every word of `text` (its runs of letters and digits) appears in `cited`, in order, and the
/// cited range starts at the first word and ends at the last.
fn assert_words_in_order(cited: &str, text: &str, hit: &HitJson) {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (cited_words, text_words) = (words(cited), words(text));
    let mut at = 0;
    for w in &text_words {
        let found = cited_words[at..].iter().position(|c| c == w);
        assert!(
            found.is_some(),
            "`{w}` of {} not in the cited {cited:?}",
            hit.passage_id
        );
        at += found.unwrap() + 1;
    }
    assert_eq!(
        cited_words.first(),
        text_words.first(),
        "start of {}",
        hit.passage_id
    );
    assert_eq!(
        cited_words.last(),
        text_words.last(),
        "end of {}",
        hit.passage_id
    );
}

// ---------------------------------------------------------------------------------------------
// Temp dirs and the binary

/// A temp dir holding a copy of the fixtures; the binary runs inside it.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let env = TestEnv::empty();
        copy_dir(&root().join("fixtures"), &env.path("fixtures"));
        env
    }

    /// A temp dir with nothing in it, for documents a test writes itself.
    pub fn empty() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A fresh env whose `idx/` is a copy of the shared corpus index: the state
    /// `dossier ingest --index idx` + `CORPUS` leaves in it, without ingesting again.
    pub fn ingested() -> TestEnv {
        let env = TestEnv::new();
        copy_dir(corpus_index_dir(), &env.path("idx"));
        env
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Paths inside the env, as given to an in-process ingest (absolute).
    pub fn paths(&self, rel: &[&str]) -> Vec<PathBuf> {
        rel.iter().map(|r| self.path(r)).collect()
    }

    /// `rel` inside the env as the index records it (absolute, `/`-separated).
    pub fn id(&self, rel: &str) -> String {
        dossier::ingest::doc_id_for(&self.path(rel))
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("DOSSIER_INDEX")
            .env_remove("NO_COLOR");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().unwrap();
        assert!(
            !stderr(&out).contains("panicked"),
            "dossier panicked: {}",
            stderr(&out)
        );
        out
    }

    /// `dossier search QUERY --index idx --format json --limit 1000 EXTRA...`, decoded.
    pub fn search(&self, query: &str, extra: &[&str]) -> (SearchJson, Output) {
        let mut args = vec!["search", query, "--index", "idx", "--format", "json"];
        if !extra.contains(&"--limit") {
            args.extend(["--limit", "1000"]);
        }
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {} / {}", stdout(&out), stderr(&out)));
        (json, out)
    }

    /// The engine on the env's `idx/` (written by the binary or by a test).
    pub fn engine(&self) -> Engine {
        Engine::open(
            &IndexLocation {
                dir: self.path("idx"),
                is_default: false,
            },
            &mut (),
        )
        .unwrap()
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `GET uri` on a router in this process: the status and the body as JSON (`Null` when the body
/// is not JSON).
pub fn get_json(app: &axum::Router, uri: &str) -> (axum::http::StatusCode, serde_json::Value) {
    use tower::ServiceExt;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let request = axum::http::Request::builder()
            .uri(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        )
    })
}

/// A temp env with a generated corpus (`Corpus::new(docs, seed, documents)`) ingested into
/// `idx`.
pub fn generated_index(seed: u64, documents: usize) -> (TestEnv, generated::Corpus) {
    let env = TestEnv::empty();
    let corpus = generated::Corpus::new(&env.path("docs"), seed, documents);
    let docs = corpus.dir.to_string_lossy().into_owned();
    let out = env.run(&["ingest", &docs, "--index", "idx", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (env, corpus)
}

/// A server in this process over `engine`, on a free loopback port, with `config`'s bounds, in
/// a thread (and runtime) of its own: its address.
pub fn serve_in_process(
    engine: Engine,
    config: dossier::server::ServerConfig,
) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = dossier::server::router(std::sync::Arc::new(engine), &config);
            dossier::server::serve(listener, app, &config, std::future::pending())
                .await
                .unwrap();
        });
    });
    addr
}

impl TestEnv {
    /// `dossier serve --index idx --addr 127.0.0.1:0` plus `extra`, as a child process: the
    /// child and the URL it says it listens on (its stderr is read on, so it never blocks on a
    /// full pipe).
    pub fn serve(&self, extra: &[&str]) -> (std::process::Child, String) {
        use std::io::BufRead;
        let mut args = vec!["serve", "--index", "idx", "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = self
            .command(&args)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .strip_prefix("dossier: listening on ")
            .unwrap_or_else(|| panic!("{first}"))
            .to_owned();
        std::thread::spawn(move || lines.for_each(drop));
        (child, url)
    }
}
