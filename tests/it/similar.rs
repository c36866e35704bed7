//! `dossier similar`: passages like a given one, from its distinctive words.

use dossier::engine::{IngestOptions, ShowError, SimilarError};
use dossier::search::{Note, SearchRequest};

use crate::common::{ingest_in_ram, paths, TestEnv};

#[test]
fn the_passage_most_like_a_paragraph_is_its_reworded_copy_elsewhere() {
    let env = TestEnv::empty();
    std::fs::write(
        env.path("a.txt"),
        "Briefing\n\nThe E3 triggered the snapback mechanism in August, restoring the arms embargo and the asset freezes that Resolution 2231 had lifted.\n\nTalks in Oman resumed later.\n",
    )
    .unwrap();
    std::fs::write(
        env.path("b.txt"),
        "Wire copy\n\nIn August the E3 triggered the snapback mechanism, restoring the asset freezes and the arms embargo lifted by Resolution 2231.\n",
    )
    .unwrap();
    let mut sources = env.paths(&["a.txt", "b.txt"]);
    sources.extend(paths(&["fixtures/commentary", "fixtures/ungd"]));
    let (engine, _) = ingest_in_ram(&sources, &IngestOptions::default());
    let a = format!("{}#1", env.id("a.txt"));
    let results = engine
        .similar(&a, &SearchRequest::new("", 5), false)
        .unwrap();
    assert_eq!(results.hits[0].passage.doc_id, env.id("b.txt"));
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.passage.doc_id != env.id("a.txt")),
        "other documents by default"
    );
    assert!(
        !results.hits[0].highlights.is_empty(),
        "the shared words are highlighted"
    );
    let Some(Note::Similar { terms, .. }) = results.understood.first() else {
        panic!("the words used: {:?}", results.understood);
    };
    let words: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
    assert!(
        words.contains(&"embargo") && words.contains(&"snapback"),
        "{words:?}"
    );
    assert!(!words.contains(&"the"), "no stop words");

    // With its own document: its other passages may come, never itself.
    let same = engine
        .similar(
            &format!("{}:3", env.id("a.txt")),
            &SearchRequest::new("", 50),
            true,
        )
        .unwrap();
    assert!(same.hits.iter().all(|h| h.passage.passage_id != a));

    let missing = engine.similar("nowhere.txt#1", &SearchRequest::new("", 5), false);
    assert!(matches!(
        missing,
        Err(SimilarError::Passage(ShowError::NoDocument { .. }))
    ));
}
