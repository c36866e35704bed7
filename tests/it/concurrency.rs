//! Concurrency: one writer at a time (a second `ingest`, `ingest --prune` or `remove` is told
//! the index is busy at once, or waits with `--wait`), and readers — `search`, a running
//! `dossier serve`, `dossier watch` — that keep answering during an ingest and only ever see a
//! committed state, never a partial one.

use std::io::{BufRead, BufReader};
use std::process::{Child, Output, Stdio};

use dossier::index::DossierIndex;

use crate::common::generated::{contents, Corpus};
use crate::common::{stderr, TestEnv};

fn indexed(documents: usize) -> (TestEnv, Corpus, String) {
    let env = TestEnv::empty();
    let corpus = Corpus::new(&env.path("docs"), 21, documents);
    let docs = corpus.dir.to_string_lossy().into_owned();
    let out = env.run(&["ingest", &docs, "--index", "idx", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (env, corpus, docs)
}

fn assert_busy(out: &Output, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.starts_with(
            "dossier: error: index at idx is busy: another dossier process is writing to it"
        ) && err.contains("--wait"),
        "{what}: {err}"
    );
}

#[test]
fn a_second_writer_is_refused_at_once_or_waits_with_wait() {
    let (env, mut corpus, docs) = indexed(20);
    let index = DossierIndex::open(&env.path("idx")).unwrap();
    let held = contents(&env.path("idx")).unwrap();
    let doc = corpus.files()[0].to_string_lossy().into_owned();

    let writer = index.updater().unwrap();
    for args in [
        vec!["ingest", &docs, "--index", "idx"],
        vec!["ingest", &docs, "--prune", "--index", "idx"],
        vec!["ingest", &docs, "--rebuild", "--index", "idx"],
        vec!["remove", &doc, "--index", "idx"],
    ] {
        assert_busy(&env.run(&args), args[0]);
    }
    // A wait that runs out: the same error, saying how long it waited.
    let out = env.run(&["remove", &doc, "--index", "idx", "--wait=1"]);
    assert_busy(&out, "remove --wait=1");
    assert!(stderr(&out).contains("is busy: waiting up to 1 s"));
    assert!(stderr(&out).contains("(waited 1 s)"), "{}", stderr(&out));
    assert!(contents(&env.path("idx")).unwrap() == held);

    // A wait that ends when the other writer does: the run goes on and does its work.
    corpus.edit(0.3, 2, 1, 1);
    std::fs::remove_file(&doc).unwrap_or(());
    let spawn = |args: &[&str]| -> Child {
        env.command(args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut child = spawn(&["ingest", &docs, "--prune", "--index", "idx", "--wait=120"]);
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert_eq!(
        first,
        "dossier: index at idx is busy: waiting up to 120 s for the other writer to finish"
    );
    drop(writer);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("pruned")), "{rest:?}");
    assert!(contents(&env.path("idx")).unwrap() == corpus.expected());

    // `--wait` without a value (60 s) before a path, and `--quiet` keeps the wait quiet.
    let writer = index.updater().unwrap();
    let victim = corpus.files()[1].to_string_lossy().into_owned();
    let mut child = spawn(&["remove", "--wait", &victim, "--index", "idx"]);
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    assert!(lines
        .next()
        .unwrap()
        .unwrap()
        .ends_with("waiting up to 60 s for the other writer to finish"));
    drop(writer);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(!contents(&env.path("idx")).unwrap().contains_key(&victim));
    let writer = index.updater().unwrap();
    let child = spawn(&["ingest", &docs, "--index", "idx", "--wait", "--quiet"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(writer);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "", "--quiet");
    assert!(contents(&env.path("idx")).unwrap() == corpus.expected());
}

#[test]
fn searches_serve_and_watch_keep_answering_during_an_ingest_and_see_only_commits() {
    let (env, mut corpus, docs) = indexed(150);
    let total = |c: &crate::common::generated::Contents| c.values().map(Vec::len).sum::<usize>();
    let old = total(&corpus.expected()) as u64;
    corpus.edit(0.6, 300, 20, 1);
    let new = total(&corpus.expected()) as u64;
    assert_ne!(old, new);
    std::fs::write(env.path("watch.txt"), format!("{}\n", corpus.marker)).unwrap();
    let (mut server, url) = env.serve(&[]);
    let marker = corpus.marker;

    // Every reader's count of the passages holding the marker (all of them).
    let search = || -> u64 {
        let out = env.run(&[
            "search", marker, "--index", "idx", "--format", "json", "-n", "1",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["total_hits"].as_u64().unwrap()
    };
    let served = || -> u64 {
        let mut answer = ureq::get(&format!("{url}/api/search?q={marker}&limit=1"))
            .call()
            .unwrap();
        let json: serde_json::Value = answer.body_mut().read_json().unwrap();
        json["total_hits"].as_u64().unwrap()
    };
    let watched = || -> u64 {
        let out = env.run(&[
            "watch",
            "watch.txt",
            "--dry-run",
            "--format",
            "jsonl",
            "-n",
            "1",
            "--index",
            "idx",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: serde_json::Value =
            serde_json::from_slice(out.stdout.split(|&b| b == b'\n').next().unwrap()).unwrap();
        json["new_total"].as_u64().unwrap()
    };
    // A reader in this process that lives through the ingest, as the server's does.
    let engine = dossier::engine::Engine::open(
        &dossier::engine::IndexLocation {
            dir: env.path("idx"),
            is_default: false,
        },
        &mut (),
    )
    .unwrap();
    let in_process = || -> u64 {
        let request = dossier::search::SearchRequest::new(marker, 1);
        engine.search(&request).unwrap().total_hits as u64
    };
    assert_eq!((search(), served(), watched()), (old, old, old));

    let mut ingest = env
        .command(&["ingest", &docs, "--rebuild", "--index", "idx", "-q"])
        .spawn()
        .unwrap();
    let mut during = 0;
    // Bounded: a few hundred answers at most, while the ingest runs.
    for round in 0..300 {
        let running = ingest.try_wait().unwrap().is_none();
        let mut answers = vec![search(), served(), watched()];
        answers.extend((0..20).map(|_| in_process()));
        for n in answers {
            assert!(
                n == old || n == new,
                "round {round}: {n} passages, neither {old} nor {new}"
            );
        }
        if !running {
            break;
        }
        during += 1;
    }
    assert_eq!(ingest.wait().unwrap().code(), Some(0));
    assert!(during > 0, "no answer came while the ingest ran");
    // The server sees the commit within a moment (it rechecks a few times a second).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while served() != new {
        assert!(
            std::time::Instant::now() < deadline,
            "the server never saw the commit"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!((search(), watched()), (new, new));
    std::thread::sleep(std::time::Duration::from_millis(250));
    assert_eq!(in_process(), new);
    server.kill().unwrap();
    server.wait().unwrap();
    eprintln!("concurrency: {during} rounds of search + serve + watch answered during the ingest");
}
