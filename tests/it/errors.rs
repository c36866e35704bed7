//! How the binary reports what went wrong: messages on stderr, exit code 2, nothing on stdout.
//! SUBPROCESS TESTS: every test here runs the `dossier` binary, because the messages and exit
//! codes are what is tested (what ingest committed despite bad input is then read in process).

use crate::common::{assert_citation_exact, search, stderr, stdout, TestEnv};

#[test]
fn a_malformed_query_names_the_problem_and_where_it_is() {
    let env = TestEnv::ingested();
    for (query, needle) in [
        ("\"maximum pressure", "unclosed quote"),
        ("(iran OR", "`OR` needs a word after it"),
        ("iran)", "unmatched `)`"),
        ("country:IRN", "metadata key `country`"),
        ("-israel", "nothing to search for"),
        ("s*", "too short"),
        ("— …", "no searchable words"),
    ] {
        let out = env.run(&["search", query, "--index", "idx"]);
        assert_eq!(out.status.code(), Some(2), "{query}");
        let err = stderr(&out);
        assert!(
            err.contains("bad query") && err.contains(needle),
            "{query}: {err}"
        );
        assert!(err.contains("column"), "{query}: {err}");
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn a_missing_index_is_an_error_naming_dossier_ingest() {
    let env = TestEnv::new();
    for args in [
        vec!["search", "snapback", "--index", "nowhere"],
        vec!["show", "a.txt#1", "--index", "nowhere"],
        vec!["stats", "--index", "nowhere"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("dossier ingest"), "{}", stderr(&out));
    }
    assert!(
        !env.path("nowhere").exists(),
        "reading never creates an index"
    );
}

#[test]
fn bad_input_is_reported_and_skipped_while_every_good_document_is_committed() {
    use std::io::Write;
    let env = TestEnv::new();
    let dir = env.path("mixed");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("good.txt"),
        "Good Title\n\nThe Kharg terminal reopened.\n",
    )
    .unwrap();
    std::fs::write(dir.join("binary.txt"), b"\x00\x01\x02 not text").unwrap();
    std::fs::write(dir.join("latin1.txt"), b"Caf\xe9 diplomacy in Gen\xe8ve.\n").unwrap();
    std::fs::write(dir.join("empty.md"), "").unwrap();
    std::fs::write(dir.join("report.pdf"), "%PDF-1.4").unwrap();
    std::os::unix::fs::symlink(dir.join("gone.txt"), dir.join("dangling.txt")).unwrap();
    std::fs::write(
        dir.join("feed.jsonl"),
        "{\"id\": \"a\", \"text\": \"Record about Muscat talks.\"}\n{\"id\": \"b\", \"text\": broken}\n{\"id\": \"c\", \"text\": \"Record about Salalah port.\"}\n",
    )
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..300 {
        writeln!(
            gz,
            "{{\"id\": \"t{i}\", \"text\": \"Truncated feed record {i} on the Duqm shipyard.\"}}"
        )
        .unwrap();
    }
    let full = gz.finish().unwrap();
    std::fs::write(dir.join("cut.jsonl.gz"), &full[..full.len() / 2]).unwrap();

    let out = env.run(&["ingest", "mixed", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "errors make the exit code 2: {err}"
    );
    assert!(err.contains("binary.txt: binary file"), "{err}");
    assert!(err.contains("dangling.txt"), "{err}");
    assert!(err.contains("feed.jsonl: line 2: invalid JSON"), "{err}");
    assert!(
        err.contains("cut.jsonl.gz: stream ends early after line"),
        "{err}"
    );
    assert!(
        err.contains("warning: mixed/latin1.txt: not valid UTF-8 (first bad byte at offset 3)"),
        "{err}"
    );
    assert!(
        err.contains("1 empty") && err.contains("1 unsupported format"),
        "{err}"
    );
    assert!(
        err.contains("1 binary") && err.contains("1 bad record") && err.contains("1 truncated"),
        "{err}"
    );

    // Everything good was committed (read in process; the paths are relative to the env, where
    // the binary ran).
    let engine = env.engine();
    for (query, path) in [
        ("Kharg", "mixed/good.txt"),
        ("Genève", "mixed/latin1.txt"),
        ("Salalah", "mixed/feed.jsonl"),
        ("Muscat", "mixed/feed.jsonl"),
    ] {
        let json = search(&engine, query);
        assert_eq!(json.hits.len(), 1, "{query}");
        assert_eq!(json.hits[0].path, path);
        assert_citation_exact(env.dir.path(), &json.hits[0]);
    }
    let duqm = search(&engine, "Duqm");
    assert!(
        duqm.total_hits > 50,
        "records before the break: {}",
        duqm.total_hits
    );
}

/// Zero hits with a way forward: the binary names the spelling the index knows.
#[test]
fn a_search_that_finds_nothing_says_did_you_mean_on_stderr() {
    let env = TestEnv::ingested();
    let out = env.run(&["search", "ghalibaff", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("dossier: no passage matches; did you mean: ghalibaf\n"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["search", "zzyzxq", "--index", "idx"]);
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
}
