//! Broken indexes: a truncated or garbage `meta.json`, a missing segment file, an index of
//! another version, a read-only and an unreadable index directory. Each gives one clear
//! message that says what to run, exit code 2 and never a panic, for search, show, stats,
//! ingest, remove and serve; `ingest --rebuild` recovers the damaged ones; a running server
//! answers 503 with the same message and recovers after the rebuild.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use axum::http::StatusCode;
use dossier::engine::{Engine, IndexLocation, IngestOptions};
use dossier::server::{self, ServerConfig};

use crate::common::generated::{contents, Corpus};
use crate::common::{generated_index, get_json, stderr, TestEnv};

/// A small generated corpus ingested into `idx`; returns the env and the corpus.
fn indexed() -> (TestEnv, Corpus) {
    generated_index(3, 12)
}

fn segment_file(index: &Path, ext: &str) -> std::path::PathBuf {
    std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .unwrap()
}

/// The ways an index breaks, each with what its message must say.
fn damage(kind: &str, index: &Path) -> &'static str {
    let meta = index.join("meta.json");
    match kind {
        "truncated meta.json" => {
            let bytes = std::fs::read(&meta).unwrap();
            std::fs::write(&meta, &bytes[..bytes.len() / 2]).unwrap();
            "is damaged (in meta.json: "
        }
        "empty meta.json" => {
            std::fs::write(&meta, "").unwrap();
            "is damaged (in meta.json: "
        }
        "garbage in meta.json" => {
            std::fs::write(&meta, "\u{0}\u{1}not json at all\u{ff}").unwrap();
            "is damaged (in meta.json: "
        }
        "a missing segment file" => {
            std::fs::remove_file(segment_file(index, "store")).unwrap();
            ".store is missing)"
        }
        "another version" => {
            let text = std::fs::read_to_string(&meta).unwrap();
            let version = format!("schema_version\\\":{}", dossier::index::SCHEMA_VERSION);
            assert!(text.contains(&version), "{text}");
            std::fs::write(&meta, text.replace(&version, "schema_version\\\":3")).unwrap();
            "cannot be used by this version of dossier (schema version 3 where"
        }
        _ => unreachable!(),
    }
}

const DAMAGE: [&str; 5] = [
    "truncated meta.json",
    "empty meta.json",
    "garbage in meta.json",
    "a missing segment file",
    "another version",
];

/// Checks the one-line error: exit 2, no panic, the expected words and the command to run.
fn assert_error(out: &Output, says: &str, fix: &str, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: one message: {err}");
    assert!(
        err.starts_with("dossier: error: ") && err.contains(says) && err.contains(fix),
        "{what}: {err}"
    );
}

#[test]
fn a_damaged_or_foreign_index_says_to_rebuild_it_for_every_command_and_rebuild_recovers_it() {
    for kind in DAMAGE {
        let (env, corpus) = indexed();
        let says = damage(kind, &env.path("idx"));
        let fix = "rebuild it with `dossier ingest --rebuild PATH... --index idx`";
        let doc = corpus.files()[0].to_string_lossy().into_owned();
        let first = format!("{doc}#1");
        for args in every_command(corpus.marker, &first, &doc) {
            let out = env.run(&args);
            assert_error(&out, says, fix, &format!("{kind}: {}", args[0]));
        }
        let docs = corpus.dir.to_string_lossy().into_owned();
        let out = env.run(&["ingest", &docs, "--rebuild", "--index", "idx", "-q"]);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", stderr(&out));
        assert!(
            contents(&env.path("idx")).unwrap() == corpus.expected(),
            "{kind}"
        );
    }
}

/// Every command that opens the index, on `idx`: a search for `marker`, `show` of passage
/// `first`, `stats`, an ingest, the removal of document `doc`, and `serve`.
fn every_command<'a>(marker: &'a str, first: &'a str, doc: &'a str) -> [Vec<&'a str>; 6] {
    [
        vec!["search", marker],
        vec!["show", first],
        vec!["stats"],
        vec!["ingest", "docs"],
        vec!["remove", doc],
        vec!["serve", "--addr", "127.0.0.1:0"],
    ]
    .map(|mut args| {
        args.extend(["--index", "idx"]);
        args
    })
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The binary as a user without special rights: root reads and writes through any
/// permission, so as root the command runs as `nobody` (and the temp dir is opened to it).
fn unprivileged(env: &TestEnv, args: &[&str]) -> Command {
    let mut cmd = env.command(args);
    if is_root() {
        std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        cmd.uid(65534).gid(65534);
    }
    cmd
}

/// Sets the mode of `dir` and of everything in it (directories `dir_mode`, files `file_mode`).
fn chmod_tree(dir: &Path, dir_mode: u32, file_mode: u32) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            chmod_tree(&path, dir_mode, file_mode);
        } else {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(file_mode)).unwrap();
        }
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(dir_mode)).unwrap();
}

#[test]
fn a_read_only_index_is_searched_and_a_write_to_it_says_why_it_failed() {
    let (env, corpus) = indexed();
    let index = env.path("idx");
    let held = contents(&index).unwrap();
    chmod_tree(&env.path("docs"), 0o755, 0o644);
    chmod_tree(&index, 0o555, 0o444);
    let run = |args: &[&str]| unprivileged(&env, args).output().unwrap();

    let out = run(&["search", corpus.marker, "--index", "idx", "-n", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["stats", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(
        corpus.files()[0].as_path(),
        "Changed.\n\nzebramark changed.\n",
    )
    .unwrap();
    let doc = corpus.files()[1].to_string_lossy().into_owned();
    for args in [
        vec!["ingest", "docs", "--index", "idx"],
        vec!["ingest", "docs", "--rebuild", "--index", "idx"],
        vec!["remove", &doc, "--index", "idx"],
    ] {
        let out = run(&args);
        assert_error(
            &out,
            "cannot write to index at idx: Permission denied",
            "(the index is unchanged at its last commit)",
            args[0],
        );
    }
    chmod_tree(&index, 0o755, 0o644);
    assert!(contents(&index).unwrap() == held);
}

#[test]
fn an_unreadable_index_says_so_and_how_to_get_access_for_every_command() {
    let (env, corpus) = indexed();
    let index = env.path("idx");
    chmod_tree(&env.path("docs"), 0o755, 0o644);
    let doc = corpus.files()[0].to_string_lossy().into_owned();
    let first = format!("{doc}#1");
    // The directory itself, then only its files.
    for (dir_mode, file_mode) in [(0o000, 0o644), (0o755, 0o000)] {
        chmod_tree(&index, dir_mode, file_mode);
        for args in every_command(corpus.marker, &first, &doc) {
            let out = unprivileged(&env, &args).output().unwrap();
            assert_error(
                &out,
                "cannot read the index at idx: Permission denied",
                "give yourself access to it (`chmod -R u+rwX idx`)",
                &format!("{dir_mode:o}/{file_mode:o} {}", args[0]),
            );
        }
        chmod_tree(&index, 0o755, 0o644);
    }
}

/// The server reloads its view a few times a second: wait until it has looked again.
fn after_recheck() {
    std::thread::sleep(std::time::Duration::from_millis(300));
}

#[test]
fn a_server_whose_index_breaks_answers_503_with_the_message_and_recovers_after_a_rebuild() {
    for kind in [
        "truncated meta.json",
        "garbage in meta.json",
        "another version",
    ] {
        let (env, corpus) = indexed();
        let index = env.path("idx");
        let location = IndexLocation {
            dir: index.clone(),
            is_default: false,
        };
        let engine = Arc::new(Engine::open(&location, &mut ()).unwrap());
        let app = server::router(engine, &ServerConfig::default());
        let search = format!("/api/search?q={}&limit=1", corpus.marker);
        let (status, body) = get_json(&app, &search);
        assert_eq!(status, StatusCode::OK, "{body}");
        let total = body["total_hits"].clone();

        let says = damage(kind, &index);
        after_recheck();
        for uri in [search.as_str(), "/api/stats", "/api/document?id=x"] {
            let (status, body) = get_json(&app, uri);
            assert_eq!(
                status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{kind} {uri}: {body}"
            );
            assert_eq!(body["error"]["kind"], "index", "{kind} {uri}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(says) && message.contains("dossier ingest --rebuild"),
                "{kind} {uri}: {message}"
            );
        }
        assert_eq!(get_json(&app, "/healthz").0, StatusCode::OK);

        let rebuild = IngestOptions {
            rebuild: true,
            ..IngestOptions::default()
        };
        dossier::engine::ingest(&index, &env.paths(&["docs"]), &rebuild, &mut ()).unwrap();
        after_recheck();
        let (status, body) = get_json(&app, &search);
        assert_eq!(status, StatusCode::OK, "{kind}: {body}");
        assert_eq!(body["total_hits"], total, "{kind}");
    }
}
