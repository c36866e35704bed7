//! Crashes and full disks: `dossier ingest` killed with SIGKILL at random moments, and writes
//! that fail (a file size limit on the process: every write past it fails, as on a full disk).
//! After each, the index holds exactly one committed state — every document with all its
//! passages, none twice — searches work, and the next ingest finishes the job and removes what
//! the dead writer left behind.
//!
//! The documents are generated (`common::generated`), so a run is a few hundred small files;
//! `benches/crash.sh` runs a longer kill campaign.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::generated::{self, contents, difference, leftovers, which, Contents, Corpus};
use crate::common::{stderr, TestEnv};

const KILLS: usize = 24;

/// `dossier ingest DOCS --index IDX [--prune | --rebuild] --quiet`.
fn ingest(env: &TestEnv, docs: &Path, rebuild: bool) -> Command {
    let mut cmd = env.command(&[
        "ingest",
        docs.to_str().unwrap(),
        "--index",
        "idx",
        "--quiet",
    ]);
    cmd.arg(if rebuild { "--rebuild" } else { "--prune" });
    cmd
}

fn finished(mut cmd: Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    out
}

/// A search through the binary: it opens the index and answers (0: hits, 1: none).
fn assert_searchable(env: &TestEnv, word: &str) {
    let out = env.run(&["search", word, "--index", "idx", "--format", "json"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "search failed: {}",
        stderr(&out)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["total_hits"].is_u64());
}

#[test]
fn ingest_killed_at_random_moments_leaves_one_committed_state_and_the_next_run_finishes_it() {
    let env = TestEnv::empty();
    let docs = env.path("docs");
    let mut corpus = Corpus::new(&docs, 11, 240);
    let index = env.path("idx");

    let started = Instant::now();
    let out = finished(ingest(&env, &docs, false));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // How long a run takes, to spread the kills over a whole run: a rebuild, and an
    // incremental run of one round of edits (measured again on every run that did the work).
    let mut full = started.elapsed().as_secs_f64();
    let mut incremental = full / 2.0;
    let mut committed: Contents = corpus.expected();
    assert_eq!(contents(&index).unwrap(), committed);

    let campaign = Instant::now();
    let mut rng = generated::Rng::new(7);
    let (mut before_commit, mut after_commit, mut left_behind) = (0, 0, 0);
    let mut at = Vec::new();
    for round in 0..KILLS {
        let rebuild = round % 4 == 3;
        corpus.edit(0.15, 4, 3, round + 1);
        let next = corpus.expected();

        let window = if rebuild { full } else { incremental };
        let delay = rng.unit() * window;
        at.push(delay / window);
        let mut child = ingest(&env, &docs, rebuild)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs_f64(delay));
        let exited_by_itself = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();

        // Exactly the last commit or the new one: nothing half written, nothing twice.
        let now = contents(&index).unwrap_or_else(|e| panic!("round {round}: {e}"));
        match which(&now, [&committed, &next]) {
            Some(0) => {
                assert!(
                    !exited_by_itself,
                    "round {round}: the run ended uncommitted"
                );
                before_commit += 1;
            }
            Some(_) => after_commit += 1,
            None => panic!(
                "round {round}: killed after {delay:.3} s, the index holds neither state: {}",
                difference(&now, &next)
            ),
        }
        assert_searchable(&env, corpus.marker);
        if !leftovers(&index).is_empty() {
            left_behind += 1;
        }

        // The next run finishes the job, with nothing twice, and tidies up.
        let started = Instant::now();
        let out = finished(ingest(&env, &docs, rebuild));
        assert_eq!(
            out.status.code(),
            Some(0),
            "round {round}: {}",
            stderr(&out)
        );
        if which(&now, [&committed, &next]) == Some(0) {
            let took = started.elapsed().as_secs_f64();
            if rebuild {
                full = took;
            } else {
                incremental = took;
            }
        }
        let now = contents(&index).unwrap();
        assert!(
            now == next,
            "round {round}: after the next run: {}",
            difference(&now, &next)
        );
        assert_eq!(leftovers(&index), Vec::<String>::new(), "round {round}");
        committed = next;
    }
    // The final index is what a clean ingest of the same files makes.
    let clean = TestEnv::empty();
    let out = clean.run(&["ingest", docs.to_str().unwrap(), "--index", "idx", "-q"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(contents(&clean.path("idx")).unwrap() == committed);
    // The kills fell all over the runs, and both before and after their commits.
    at.sort_by(f64::total_cmp);
    assert!(at[0] < 0.25 && at[KILLS - 1] > 0.75, "{at:?}");
    assert!(before_commit > 0, "no kill fell before a commit");
    eprintln!(
        "crash: {KILLS} kills in {:.1} s: {before_commit} before the commit, {after_commit} \
         after it; {left_behind} left files behind, all removed by the next run",
        campaign.elapsed().as_secs_f64()
    );
}

/// Runs `cmd` with every file write past `bytes` failing (`RLIMIT_FSIZE`, SIGXFSZ ignored so
/// the write returns EFBIG instead of killing the process): a disk that fills up.
fn with_file_size_limit(cmd: &mut Command, bytes: u64) {
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
}

#[test]
fn a_disk_that_fills_up_is_an_error_naming_the_index_and_the_index_stays_at_its_last_commit() {
    let env = TestEnv::empty();
    let docs = env.path("docs");
    let mut corpus = Corpus::new(&docs, 5, 80);
    let index = env.path("idx");
    let out = finished(ingest(&env, &docs, false));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let committed = contents(&index).unwrap();
    // Every document rewritten: each run writes tens of kilobytes, past every limit below.
    corpus.edit(1.0, 20, 2, 1);
    let next = corpus.expected();

    // Limits that fail the writing at different points: a segment file, the store, the commit.
    for (limit, rebuild) in [
        (1_000, false),
        (4_000, true),
        (8_000, false),
        (12_000, true),
    ] {
        let mut cmd = ingest(&env, &docs, rebuild);
        with_file_size_limit(&mut cmd, limit);
        let out = finished(cmd);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "limit {limit}: {err}");
        assert!(
            err.contains("dossier: error: cannot write to index at idx: File too large")
                && err.contains("(the index is unchanged at its last commit)"),
            "limit {limit}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "one message: {err}");
        let now = contents(&index).unwrap();
        assert!(
            now == committed,
            "limit {limit}: {}",
            difference(&now, &committed)
        );
        assert_searchable(&env, corpus.marker);
    }
    // A removal that cannot write its commit.
    let victim = corpus.files()[0].to_string_lossy().into_owned();
    let mut cmd = env.command(&["remove", &victim, "--index", "idx"]);
    with_file_size_limit(&mut cmd, 100);
    let out = finished(cmd);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write to index at idx"));
    assert!(contents(&index).unwrap() == committed);

    // With room again, the next ingest does it all and removes what the failed ones left.
    let out = finished(ingest(&env, &docs, false));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let now = contents(&index).unwrap();
    assert!(now == next, "{}", difference(&now, &next));
    assert_eq!(leftovers(&index), Vec::<String>::new());
}
