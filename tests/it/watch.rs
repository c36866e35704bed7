//! `dossier watch`: what is new for each standing query since its last run, never an old
//! passage again, never a new one missed.

use std::collections::BTreeSet;
use std::path::Path;

use dossier::engine::{Engine, IndexLocation, IngestOptions};
use dossier::output::watch::{write_watch, WatchFormat, WatchHeader};
use dossier::search::{SearchOptions, SearchSession};
use dossier::watch::{self, StateFile, Status, WatchError, WatchOptions, WatchRun, WatchState};

use crate::common::{stderr, TestEnv};

const LIST: &str = "# standing queries\nsnapback\n\"maximum pressure\"\ncountry:IRN sanctions\n";

fn options() -> WatchOptions {
    WatchOptions {
        limit: 100,
        from_now: false,
        search: SearchOptions::default(),
    }
}

struct Desk {
    env: TestEnv,
}

impl Desk {
    fn new() -> Desk {
        let env = TestEnv::empty();
        std::fs::create_dir_all(env.path("docs")).unwrap();
        Desk { env }
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.env.path(&format!("docs/{name}")), text).unwrap();
    }

    fn ingest(&self, rebuild: bool) {
        let options = IngestOptions {
            rebuild,
            ..IngestOptions::default()
        };
        let report = dossier::engine::ingest(
            &self.env.path("idx"),
            &self.env.paths(&["docs"]),
            &options,
            &mut (),
        )
        .unwrap();
        assert!(!report.has_errors(), "{:?}", report.skips);
    }

    fn engine(&self) -> Engine {
        let location = IndexLocation {
            dir: self.env.path("idx"),
            is_default: false,
        };
        Engine::open(&location, &mut ()).unwrap()
    }

    /// One watch run with the state in memory: the new passages' texts per query id.
    fn run(&self, state: &mut WatchState) -> (WatchRun, Vec<(String, Vec<String>)>) {
        let run = self
            .engine()
            .watch(LIST, Some("list.txt"), &options(), state)
            .unwrap();
        let new = run
            .results
            .iter()
            .map(|r| {
                let texts = match &r.outcome {
                    Ok(n) => n.hits.iter().map(|h| h.passage.text.clone()).collect(),
                    Err(e) => vec![format!("error: {e}")],
                };
                (r.query.id.clone(), texts)
            })
            .collect();
        (run, new)
    }
}

fn texts_of(new: &[(String, Vec<String>)], id: &str) -> Vec<String> {
    new.iter()
        .find(|(q, _)| q == id)
        .map(|(_, t)| t.clone())
        .unwrap()
}

const FEED_IRN: &str = r#"{"id": "irn-2015", "title": "Iran 2015", "country": "IRN", "date": "2015-09-28", "text": "Unilateral sanctions on Iran were unjust.\n\nThe snapback provision is a threat."}"#;

#[test]
fn new_changed_unchanged_and_backfilled_documents() {
    let desk = Desk::new();
    desk.write(
        "a.txt",
        "Brief\n\nThe E3 triggered snapback in August.\n\nTalks resumed.\n",
    );
    desk.write(
        "usa.jsonl",
        r#"{"id": "usa-2017", "title": "USA 2017", "country": "USA", "date": "2017-09-19", "text": "We will not be bullied."}"#,
    );
    desk.ingest(false);
    let mut state = WatchState::default();
    let (run, new) = desk.run(&mut state);
    assert_eq!(
        texts_of(&new, "2"),
        ["The E3 triggered snapback in August."]
    );
    let first = run.results[0].outcome.as_ref().unwrap();
    assert_eq!(first.status, Status::Started);
    assert!(texts_of(&new, "3").is_empty() && texts_of(&new, "4").is_empty());

    // Nothing ingested: nothing new.
    let (run, new) = desk.run(&mut state);
    assert!(new.iter().all(|(_, t)| t.is_empty()), "{new:?}");
    assert_eq!(run.counts(), (0, 0));

    // An unchanged re-ingest yields nothing; a changed document yields only its new text; a
    // new document and a backfilled old-dated feed record are new.
    desk.ingest(false);
    desk.write(
        "a.txt",
        "Brief\n\nThe E3 triggered snapback in August.\n\nTalks resumed.\n\nSnapback is now in force.\n",
    );
    desk.write("b.txt", "Pressure\n\nMaximum pressure is back.\n");
    desk.write("old.jsonl", FEED_IRN);
    desk.ingest(false);
    let (run, new) = desk.run(&mut state);
    let snapback: BTreeSet<String> = texts_of(&new, "2").into_iter().collect();
    assert_eq!(
        snapback,
        BTreeSet::from([
            "Snapback is now in force.".to_owned(),
            "The snapback provision is a threat.".to_owned()
        ]),
        "only the new texts, old-dated or not"
    );
    assert_eq!(texts_of(&new, "3"), ["Maximum pressure is back."]);
    assert_eq!(
        texts_of(&new, "4"),
        ["Unilateral sanctions on Iran were unjust."]
    );
    assert_eq!(run.counts(), (3, 4));

    // A rebuild makes a new index: nothing old is reported again, and what came with it is.
    desk.write("c.txt", "Later\n\nA fresh snapback warning.\n");
    desk.ingest(true);
    let (run, new) = desk.run(&mut state);
    assert_eq!(texts_of(&new, "2"), ["A fresh snapback warning."]);
    assert!(texts_of(&new, "3").is_empty() && texts_of(&new, "4").is_empty());
    assert_eq!(
        run.results[0].outcome.as_ref().unwrap().status,
        Status::Rebuilt
    );
    let (_, new) = desk.run(&mut state);
    assert!(new.iter().all(|(_, t)| t.is_empty()), "{new:?}");
}

#[test]
fn one_view_per_run_and_a_commit_during_it_comes_next_time() {
    let desk = Desk::new();
    desk.write("a.txt", "Brief\n\nSnapback one.\n");
    desk.ingest(false);
    let mut state = WatchState::default();
    desk.run(&mut state);
    let engine = desk.engine();
    let session: SearchSession = engine.session().unwrap();
    // An ingest commits after the run took its view.
    desk.write("b.txt", "More\n\nSnapback two.\n");
    desk.ingest(false);
    let during = watch::run(&session, LIST, Some("list.txt"), &options(), &mut state).unwrap();
    assert_eq!(during.counts(), (0, 0), "not in this run's view");
    let (_, new) = desk.run(&mut state);
    assert_eq!(
        texts_of(&new, "2"),
        ["Snapback two."],
        "but in the next run's"
    );
}

#[test]
fn changed_queries_start_over_removed_ones_are_dropped_and_from_now_only_marks() {
    let desk = Desk::new();
    desk.write("a.txt", "Brief\n\nSnapback one.\n\nMaximum pressure two.\n");
    desk.ingest(false);
    let engine = desk.engine();
    let mut state = WatchState::default();
    let marked = engine
        .watch(
            "snapback\n",
            None,
            &WatchOptions {
                from_now: true,
                ..options()
            },
            &mut state,
        )
        .unwrap();
    let first = marked.results[0].outcome.as_ref().unwrap();
    assert_eq!((first.status, first.total), (Status::Marked, 0));
    let same = engine
        .watch("snapback\n", None, &options(), &mut state)
        .unwrap();
    assert_eq!(same.counts(), (0, 0));
    // Line 1 is now another query: it starts over with its current matches.
    let changed = engine
        .watch("\"maximum pressure\"\n", None, &options(), &mut state)
        .unwrap();
    let restarted = changed.results[0].outcome.as_ref().unwrap();
    assert_eq!((restarted.status, restarted.total), (Status::Restarted, 1));
    engine
        .watch("# nothing\n", None, &options(), &mut state)
        .unwrap();
    assert!(
        state.queries.is_empty(),
        "queries gone from the file leave the state"
    );
}

#[test]
fn the_state_is_locked_written_atomically_and_only_after_the_output() {
    let env = TestEnv::ingested();
    std::fs::write(
        env.path("list.txt"),
        "s1\tsnapback\nbad\t(unclosed\ns2\tsanctions\n",
    )
    .unwrap();
    let state = env.path("list.txt.state.json");
    // A run that stops before saving (a crash, or --dry-run) reports the same again.
    let dry = env.run(&["watch", "list.txt", "--index", "idx", "--dry-run"]);
    assert_eq!(
        dry.status.code(),
        Some(2),
        "a bad line makes the exit code 2"
    );
    assert!(
        stderr(&dry).contains("query bad (line 2)"),
        "{}",
        stderr(&dry)
    );
    assert!(!state.exists());
    let first = env.run(&["watch", "list.txt", "--index", "idx", "--format", "jsonl"]);
    let again_lines = String::from_utf8(first.stdout.clone()).unwrap();
    assert!(again_lines.contains("\"status\":\"started\""));
    assert!(state.is_file());
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(saved["queries"]["s1"]["mark"].as_u64().unwrap() > 0);
    assert!(
        saved["queries"].get("bad").is_none(),
        "a bad line has no state"
    );
    // The good queries advanced: nothing new now (exit 2 still, for the bad line).
    std::fs::write(env.path("list.txt"), "s1\tsnapback\ns2\tsanctions\n").unwrap();
    let next = env.run(&["watch", "list.txt", "--index", "idx"]);
    assert_eq!(next.status.code(), Some(1), "nothing new: exit 1");
    assert!(String::from_utf8_lossy(&next.stdout).contains("0 new passages"));

    // Two runs on one state at once: the second is refused.
    let held = StateFile::open(&state).unwrap();
    assert!(matches!(
        StateFile::open(&state),
        Err(WatchError::Busy { .. })
    ));
    let busy = env.run(&["watch", "list.txt", "--index", "idx"]);
    assert_eq!(busy.status.code(), Some(2));
    assert!(
        stderr(&busy).contains("in use by another"),
        "{}",
        stderr(&busy)
    );
    drop(held);
    assert!(
        !Path::new(&format!("{}.tmp", state.display())).exists(),
        "no temp file left"
    );
}

#[test]
fn the_atom_feed_is_valid_xml_with_stable_entry_ids() {
    let desk = Desk::new();
    desk.write(
        "a.txt",
        "Brief <&>\n\nThe E3 triggered snapback & more <b>.\n",
    );
    desk.ingest(false);
    let header = WatchHeader {
        watch_list: "list.txt".into(),
        run_at: "2026-12-01T08:00:00Z".into(),
    };
    let atom = |run: &WatchRun| {
        let mut out = Vec::new();
        write_watch(&mut out, run, WatchFormat::Atom, &header).unwrap();
        String::from_utf8(out).unwrap()
    };
    let mut state = WatchState::default();
    let (run, _) = desk.run(&mut state);
    let first = atom(&run);
    let doc = roxmltree::Document::parse(&first).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 1);
    let id = |e: &roxmltree::Node| {
        e.children()
            .find(|n| n.has_tag_name("id"))
            .and_then(|n| n.text())
            .unwrap()
            .to_owned()
    };
    let summary = entries[0]
        .children()
        .find(|n| n.has_tag_name("summary"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(summary, "The E3 triggered snapback & more <b>.");
    // The same passage after a rebuild has the same entry id: a reader never shows it twice.
    let mut fresh = WatchState::default();
    desk.ingest(true);
    let (again, _) = desk.run(&mut fresh);
    let doc2_text = atom(&again);
    let doc2 = roxmltree::Document::parse(&doc2_text).unwrap();
    let entries2: Vec<_> = doc2
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(id(&entries[0]), id(&entries2[0]));
}
