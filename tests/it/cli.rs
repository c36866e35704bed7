//! The binary itself. SUBPROCESS TESTS: each runs `dossier` in a temp dir holding a copy of the
//! fixtures, for what only the binary does: exit codes, stderr notices, where the index is
//! (`--index`, `DOSSIER_INDEX`, the demo index built on first search), colour, standard input,
//! `--output`, the busy-writer message, and that what it prints is what the library's printers
//! write (which the feature modules then test in process).
//!
//! `TestEnv::ingested()` gives the env a copy of the shared corpus index: the state
//! `dossier ingest --index idx fixtures/commentary fixtures/seed fixtures/ungd` leaves there.

use std::process::Output;

use dossier::engine::IngestOptions;
use dossier::output::{self, text::Style};
use dossier::search::SearchRequest;

use crate::common::{corpus, paths, request, run, stderr, stdout, TestEnv, SEED};

fn run_with_stdin(env: &TestEnv, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = env
        .command(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn exit_codes_follow_grep() {
    let env = TestEnv::ingested();
    assert_eq!(
        env.run(&["search", "snapback", "--index", "idx"])
            .status
            .code(),
        Some(0)
    );
    let none = env.run(&["search", "zzyzxq", "--index", "idx"]);
    assert_eq!(none.status.code(), Some(1));
    let bad = env.run(&["search", "\"maximum pressure", "--index", "idx"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// The JSON, JSON Lines and text the binary prints are the printers' output for the same search,
/// byte for byte, and the JSON has the documented shape.
#[test]
fn search_prints_what_the_library_printers_write() {
    let env = TestEnv::ingested();
    let printed = |request: &SearchRequest, format| {
        let mut out = Vec::new();
        output::write_results(&mut out, &run(corpus(), request), format, &Style::default())
            .unwrap();
        String::from_utf8(out).unwrap()
    };

    let (json, out) = env.search("snapback", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json.query, "snapback");
    assert!(json.total_hits > 0 && json.hits[0].rank == 1);
    assert!(json.hits.iter().any(|h| h.path == SEED));
    assert_eq!(
        stdout(&out),
        printed(&request("snapback"), output::Format::Json)
    );

    let jsonl = env.run(&[
        "search", "snapback", "--index", "idx", "--format", "jsonl", "-n", "3",
    ]);
    assert_eq!(
        stdout(&jsonl),
        printed(&SearchRequest::new("snapback", 3), output::Format::Jsonl)
    );

    let text = env.run(&["search", "snapback", "--index", "idx", "--color", "never"]);
    assert_eq!(
        stdout(&text),
        printed(&SearchRequest::new("snapback", 10), output::Format::Text)
    );
}

#[test]
fn the_any_word_fallback_is_announced_on_stderr() {
    let env = TestEnv::ingested();
    let (json, out) = env.search("snapback zzyzxq", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json.match_mode, "any");
    assert!(stderr(&out).contains("any of them"), "{}", stderr(&out));
    // An explicit AND means it: no fallback, no hits.
    let (strict, out) = env.search("snapback AND zzyzxq", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(strict.total_hits, 0);
    assert!(!stderr(&out).contains("any of them"), "{}", stderr(&out));
}

#[test]
fn the_default_index_is_built_from_the_fixtures_on_first_search() {
    let env = TestEnv::new();
    let out = env.run(&["search", "snapback", "--color", "never"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("building it from ./fixtures/"));
    assert!(stdout(&out).contains(SEED));
    assert!(
        !stdout(&out).contains("fixtures/README.md"),
        "the fixtures' README is not corpus"
    );
    // Second run: the index is there, nothing is rebuilt.
    let again = env.run(&["search", "snapback"]);
    assert!(!stderr(&again).contains("building"));
    assert!(env.path("index/meta.json").is_file());
}

#[test]
fn the_index_location_comes_from_the_flag_then_the_environment() {
    let env = TestEnv::ingested();
    let out = env
        .command(&["search", "snapback"])
        .env("DOSSIER_INDEX", "idx")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !env.path("index").exists(),
        "the default index was not built"
    );
}

#[test]
fn a_second_writer_is_told_the_index_is_busy_and_searches_keep_working() {
    let env = TestEnv::ingested();
    let index = dossier::index::DossierIndex::open(&env.path("idx")).unwrap();
    let updater = index.updater().unwrap();

    let out = env.run(&["ingest", "fixtures", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is busy"), "{}", stderr(&out));

    let (json, out) = env.search("snapback", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!json.hits.is_empty());
    drop(updater);
    let out = env.run(&["ingest", "fixtures", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn color_is_used_only_when_asked_or_on_a_terminal() {
    let env = TestEnv::ingested();
    let piped = env.run(&["search", "snapback", "--index", "idx"]);
    assert!(!stdout(&piped).contains('\x1b'));
    let always = env.run(&["search", "snapback", "--index", "idx", "--color", "always"]);
    assert!(stdout(&always).contains("\x1b[1;31msnapback\x1b[0m"));
}

/// A pipe gets one line per passage; `--width` wraps passages to it (each line indented like
/// the passage) and fits the citations, counting no colour codes.
#[test]
fn passages_wrap_to_the_width_given_and_pipes_get_one_line_each() {
    let env = TestEnv::ingested();
    let piped = stdout(&env.run(&["search", "snapback", "--index", "idx"]));
    let hits = piped.lines().filter(|l| l.contains(" ¶")).count();
    let passages = piped
        .lines()
        .filter(|l| l.starts_with("    ") && !l.starts_with("    matched in the"))
        .count();
    assert!(hits > 5);
    assert_eq!(passages, hits, "one line per passage:\n{piped}");
    for color in ["never", "always"] {
        let out = env.run(&[
            "search", "snapback", "--index", "idx", "--width", "72", "--color", color,
        ]);
        let text = stdout(&out);
        let mut plain = String::new();
        let mut in_code = false;
        for c in text.chars() {
            match c {
                '\x1b' => in_code = true,
                'm' if in_code => in_code = false,
                _ if in_code => {}
                _ => plain.push(c),
            }
        }
        let long: Vec<&str> = plain.lines().filter(|l| l.chars().count() > 72).collect();
        assert!(long.is_empty(), "lines longer than 72 ({color}): {long:?}");
        assert!(
            plain.lines().filter(|l| l.starts_with("    ")).count() > 3 * passages,
            "{plain}"
        );
    }
}

/// `search --format markdown`: the batch brief's header and its section for one query.
#[test]
fn search_writes_a_markdown_section_for_a_brief() {
    let env = TestEnv::ingested();
    let out = env.run(&[
        "search",
        "snapback",
        "--index",
        "idx",
        "--format",
        "markdown",
        "-n",
        "2",
        "--where",
        "path=fixtures/commentary/",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.starts_with("# Search report\n\n- Index: `idx`\n- Filters: `--where path=fixtures/commentary/`\n- Run on: 20"), "{md}");
    let date = md
        .lines()
        .find_map(|l| l.strip_prefix("- Run on: "))
        .unwrap();
    assert!(
        date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
        "{date}"
    );
    assert!(md.contains("\n## `snapback`\n\n"), "{md}");
    assert!(md.contains("; the first 2:\n\n1. `fixtures/"), "{md}");
    assert!(md.contains("The **Snapback** Mechanism"), "{md}");
}

#[test]
fn batch_reads_jsonl_queries_with_limits_and_filters_from_stdin() {
    let env = TestEnv::new();
    // The feeds indexed (in process) as `dossier ingest fixtures/feeds --index idx` would.
    dossier::engine::ingest(
        &env.path("idx"),
        &paths(&["fixtures/feeds"]),
        &IngestOptions::default(),
        &mut (),
    )
    .unwrap();
    let input = "{\"id\": \"iran\", \"query\": \"sanctions\", \"limit\": 2, \"filters\": {\"country\": \"IRN\"}}\n{\"id\": \"late\", \"query\": \"Iran\", \"filters\": {\"year\": \"2018..\"}}\n";
    let out = run_with_stdin(&env, &["batch", "-", "--index", "idx"], input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["hits"].as_array().unwrap().len(), 2);
    assert!(lines[0]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["meta"]["country"] == "IRN"));
    assert!(lines[1]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["meta"]["year"].as_i64() >= Some(2018)));
}

#[test]
fn batch_reports_failed_queries_on_stderr_and_exits_2() {
    let env = TestEnv::ingested();
    std::fs::write(
        env.path("watch.txt"),
        "# Iran watch-list\nsnapback\n\n\"maximum pressure\"\n\"unclosed quote\nIRGC sanctions\nzzyzxq\n",
    )
    .unwrap();
    let out = env.run(&["batch", "watch.txt", "--index", "idx"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a failed query makes the exit code 2"
    );
    let err = stderr(&out);
    assert!(
        err.contains("query 5 (line 5): bad query: unclosed quote"),
        "{err}"
    );
    assert!(
        err.contains("5 queries") && err.contains("1 with no hits") && err.contains("1 failed"),
        "{err}"
    );
    assert_eq!(
        stdout(&out).lines().count(),
        5,
        "every query has its record"
    );
}

#[test]
fn batch_output_goes_to_the_file_and_nothing_to_stdout() {
    let env = TestEnv::ingested();
    std::fs::write(env.path("q.txt"), "sanctions\nsnapback\n").unwrap();
    let report = env.path("brief.md");
    let out = env.run(&[
        "batch",
        "q.txt",
        "--index",
        "idx",
        "--format",
        "markdown",
        "-n",
        "2",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let md = std::fs::read_to_string(report).unwrap();
    assert!(md.starts_with("# Search report"));
    assert!(md.contains("## 2 — `snapback`"), "{md}");
}
