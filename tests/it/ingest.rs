//! Ingest, in process: re-ingest without duplicates, remove and prune, stats, and what each
//! source format (HTML, Markdown front matter, JSON Lines feeds) gives the index: text,
//! metadata, filters, facets and citations. Tests that change an index or its files have their
//! own, over a temp copy of the fixtures; the rest read the shared corpus index.
//! (How the binary reports an ingest on stderr is tested in `errors` and `cli`.)

use std::collections::BTreeSet;
use std::path::PathBuf;

use dossier::engine::{IngestOptions, RemoveOutcome};
use dossier::ingest::{FieldNames, ReadOptions};
use dossier::search::{Filter, SearchRequest};

use crate::common::{
    assert_citation_exact, corpus, engine_over, ingest_in_ram, paths, request, root, run, search,
    search_with, stats_json, text_of, HitJson, Pruned, TestEnv, CORPUS,
};

#[test]
fn reingest_makes_no_duplicates_and_a_changed_file_replaces_its_passages() {
    let env = TestEnv::new();
    let corpus = env.paths(CORPUS);
    let (engine, _) = ingest_in_ram(&corpus, &IngestOptions::default());
    let stats = || stats_json(&engine);
    let before = stats();
    let total = search(&engine, "sanctions").total_hits;

    let again = engine
        .ingest(&corpus, &IngestOptions::default(), &mut ())
        .unwrap();
    assert!(again.unchanged > 0, "{again:?}");
    assert_eq!(stats()["passages"], before["passages"]);
    assert_eq!(stats()["documents"], before["documents"]);
    assert_eq!(search(&engine, "sanctions").total_hits, total);

    // Rewrite one file: one old paragraph gone, one new paragraph.
    let file = env.path("fixtures/commentary/hard-wrapped-brief.txt");
    let old = std::fs::read_to_string(&file).unwrap();
    assert!(old.contains("Rotterdam"));
    let new = old.replace("Rotterdam", "Zeebrugge") + "\nA closing note about Valparaiso.\n";
    std::fs::write(&file, new).unwrap();
    let out = engine
        .ingest(&corpus, &IngestOptions::default(), &mut ())
        .unwrap();
    assert_eq!(out.replaced, 1, "{out:?}");

    assert_eq!(search(&engine, "Rotterdam").total_hits, 0);
    let z = search(&engine, "Zeebrugge");
    assert_eq!(z.total_hits, 1);
    assert_citation_exact(root(), &z.hits[0]);
    let v = search(&engine, "Valparaiso");
    assert_eq!(v.total_hits, 1);
    assert_citation_exact(root(), &v.hits[0]);
    let passages = before["passages"].as_u64().unwrap();
    assert_eq!(stats()["passages"].as_u64().unwrap(), passages + 1);
    assert_eq!(stats()["documents"], before["documents"]);
}

#[test]
fn remove_and_prune_take_documents_out() {
    let env = TestEnv::new();
    let (engine, _) = ingest_in_ram(&env.paths(CORPUS), &IngestOptions::default());
    engine
        .ingest(
            &env.paths(&["fixtures/feeds"]),
            &IngestOptions::default(),
            &mut (),
        )
        .unwrap();
    assert!(search(&engine, "Rotterdam").total_hits > 0);
    // As `dossier remove` is given them: document ids, or file paths.
    let remove = |target: &str| engine.remove(&[target.to_owned()]).unwrap();
    let file = |rel: &str| env.path(rel).to_string_lossy().into_owned();

    // Removed, nothing left unfound (exit code 0); a text file's document id is its path.
    let out = remove(&file("fixtures/commentary/hard-wrapped-brief.txt"));
    assert!(
        matches!(out[..], [RemoveOutcome::Document { passages, .. }] if passages > 0),
        "{out:?}"
    );
    assert_eq!(search(&engine, "Rotterdam").total_hits, 0);

    // A feed record by its id, a whole feed by its path.
    remove("IRN_70_2015");
    assert!(search(&engine, "country:IRN")
        .hits
        .iter()
        .all(|h| h.doc_id != "IRN_70_2015"));
    remove(&file("fixtures/feeds/ungd-sample.jsonl.gz"));
    assert_eq!(search(&engine, "country:USA").total_hits, 0);

    let missing = remove("no/such/doc");
    assert!(
        matches!(missing[..], [RemoveOutcome::NotFound { .. }]),
        "{missing:?}"
    );

    std::fs::remove_file(env.path("fixtures/commentary/gulf-shipping.md")).unwrap();
    let mut pruned = Pruned::default();
    engine
        .ingest(
            &env.paths(&["fixtures/commentary"]),
            &IngestOptions {
                prune: true,
                ..IngestOptions::default()
            },
            &mut pruned,
        )
        .unwrap();
    assert_eq!(
        pruned.0,
        [env.id("fixtures/commentary/gulf-shipping.md")],
        "the file that is gone"
    );
    assert_eq!(search(&engine, "Kharg").total_hits, 0);
    // Files outside the pruned paths stay.
    assert!(search(&engine, "snapback").total_hits > 0);
}

#[test]
fn stats_report_documents_passages_size_and_last_ingest() {
    let json = stats_json(corpus());
    let (sources, _) = dossier::ingest::find_sources(&paths(CORPUS));
    assert_eq!(json["documents"].as_u64().unwrap() as usize, sources.len());
    assert!(json["passages"].as_u64().unwrap() > 100);
    assert!(json["size_bytes"].as_u64().unwrap() > 0);
    assert!(json["last_ingest"].as_str().unwrap().starts_with("20"));
}

#[test]
fn html_pages_give_article_text_metadata_and_citations() {
    let (engine, report) = ingest_in_ram(&paths(&["fixtures/articles"]), &Default::default());
    assert!(!report.has_errors(), "{:?}", report.skips);
    let json = search(&engine, "accountability mechanism");
    let hit = json
        .hits
        .iter()
        .find(|h| h.path.ends_with(".html"))
        .expect("the THOMAS page");
    assert!(hit
        .title
        .starts_with("S.RES.84 - A resolution expressing support"));
    assert_eq!(hit.meta["date"], "2011-03-01");
    assert_eq!(hit.meta["author"], "Sen Casey, Robert P., Jr.");
    assert_citation_exact(root(), hit);
    // Navigation and scripts are not passages.
    for chrome in ["\"NEW SEARCH\"", "\"Back to Bill Summary\"", "foresee"] {
        let json = search(&engine, chrome);
        assert_eq!(
            json.total_hits,
            0,
            "{chrome}: {:?}",
            json.hits.first().map(|h| &h.text)
        );
    }
    // Every passage of the page cites its bytes.
    let all = search(&engine, "title:resolution");
    for hit in all.hits.iter().filter(|h| h.path.ends_with(".html")) {
        assert_citation_exact(root(), hit);
    }
}

#[test]
fn markdown_front_matter_gives_metadata_and_date_filters_use_it() {
    let engine = engine_over(&["fixtures/articles", "fixtures/commentary"]);
    let json = search(&engine, "\"maximum pressure\"");
    let sheet: Vec<&HitJson> = json
        .hits
        .iter()
        .filter(|h| h.path.contains("fact-sheet"))
        .collect();
    assert!(!sheet.is_empty());
    for hit in &sheet {
        assert_eq!(
            hit.title,
            "Fact Sheet: President Donald J. Trump Restores Maximum Pressure on Iran"
        );
        assert_eq!(hit.meta["date"], "2025-02-04");
        assert_eq!(hit.meta["tags"], serde_json::json!(["fact-sheets"]));
        assert!(
            !hit.text.contains("**") && !hit.text.contains("]("),
            "markup removed: {}",
            hit.text
        );
        assert_citation_exact(root(), hit);
    }
    // `--since` / `--until`, as the search command turns them into a filter.
    let dated = |since: Option<&str>, until: Option<&str>| -> BTreeSet<String> {
        let request = SearchRequest {
            filters: vec![Filter::date_range(since, until).unwrap()],
            ..request("\"maximum pressure\"")
        };
        search_with(&engine, &request)
            .hits
            .into_iter()
            .map(|h| h.path)
            .collect()
    };
    let in_2025 = dated(Some("2025-01"), Some("2025-02"));
    assert_eq!(in_2025.len(), 1, "{in_2025:?}");
    assert!(in_2025.iter().all(|p| p.contains("fact-sheet")));
    assert!(dated(Some("2025-02-05"), None).is_empty());
    assert_eq!(
        dated(None, Some("2025")),
        in_2025,
        "undated documents are outside any range"
    );
    let tagged = search(&engine, "\"maximum pressure\" tags:fact-sheets");
    assert_eq!(tagged.total_hits, sheet.len());
}

#[test]
fn jsonl_feeds_give_metadata_filters_and_facets() {
    let (engine, report) = ingest_in_ram(&paths(&["fixtures/feeds"]), &Default::default());
    assert!(!report.has_errors(), "{:?}", report.skips);
    // What the summary line prints as "8 documents (8 added)".
    assert_eq!((report.documents(), report.added), (8, 8), "{report:?}");

    let iran = search(&engine, "sanctions country:IRN");
    assert!(!iran.hits.is_empty());
    for hit in &iran.hits {
        assert_eq!(hit.meta["country"], "IRN");
        assert!(hit.doc_id.starts_with("IRN_"));
        assert_eq!(hit.field.as_deref(), Some("text"));
        assert_citation_exact(root(), hit);
    }
    let ranged = search(&engine, "sanctions year:2016..2018");
    assert!(!ranged.hits.is_empty());
    assert!(ranged
        .hits
        .iter()
        .all(|h| (2016..=2018).contains(&h.meta["year"].as_i64().unwrap())));
    // `--where country=usa --where year=2018`.
    let usa = search_with(
        &engine,
        &SearchRequest {
            filters: vec![
                Filter::parse_assignment("country=usa").unwrap(),
                Filter::parse_assignment("year=2018").unwrap(),
            ],
            ..request("Iran")
        },
    );
    assert!(!usa.hits.is_empty());
    assert!(
        usa.hits.iter().all(|h| h.doc_id == "USA_73_2018"),
        "values match whatever their case"
    );
    let any = search(&engine, "country:IRN OR country:USA");
    assert!(any
        .hits
        .iter()
        .all(|h| ["IRN", "USA"].contains(&h.meta["country"].as_str().unwrap())));

    // Text output cites the record's line and the year.
    let text = text_of(&run(
        &engine,
        &SearchRequest::new("sanctions country:IRN", 1),
    ));
    assert!(
        text.contains("fixtures/feeds/ungd-sample.jsonl.gz:"),
        "{text}"
    );
    assert!(text.contains(" · 20"), "{text}");

    // Facets, as `stats --by country --format json` prints them.
    let mut out = Vec::new();
    let counts = engine.facet("country", 50).unwrap();
    dossier::output::stats::write_facet(&mut out, "country", &counts, true).unwrap();
    let facets: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let values = facets["values"].as_array().unwrap();
    let usa = values.iter().find(|v| v["value"] == "USA").unwrap();
    assert_eq!(usa["documents"], 2);
    let iran_passages = search(&engine, "country:IRN").total_hits as u64;
    let irn = values.iter().find(|v| v["value"] == "IRN").unwrap();
    assert_eq!(irn["passages"].as_u64().unwrap(), iran_passages);

    // Unknown keys are errors that list the keys there are.
    let bad = engine
        .search(&request("sanctions contry:IRN"))
        .expect_err("an unknown key is an error")
        .to_string();
    assert!(
        bad.contains("metadata key `contry`") && bad.contains("country"),
        "{bad}"
    );
    assert!(engine.facet("contry", 50).is_err());
    // `--since someday`.
    let bad = Filter::date_range(Some("someday"), None).unwrap_err();
    assert!(bad.to_string().contains("is not a date"), "{bad}");
}

#[test]
fn feed_fields_can_be_named_on_the_command_line() {
    let env = TestEnv::empty();
    std::fs::write(
        env.path("wire.ndjson"),
        "{\"key\": \"w1\", \"headline\": \"Envoy lands\", \"story\": \"The envoy landed in Doha.\", \"when\": \"2024-06-02\", \"outlet\": \"Wire\"}\n",
    )
    .unwrap();
    // `--text-field story --id-field key --date-field when`, as `ingest` maps them.
    let options = IngestOptions {
        read: ReadOptions {
            fields: FieldNames {
                text: Some("story".into()),
                id: Some("key".into()),
                title: None,
                date: Some("when".into()),
            },
            ..ReadOptions::default()
        },
        ..IngestOptions::default()
    };
    let wire: Vec<PathBuf> = env.paths(&["wire.ndjson"]);
    let (engine, report) = ingest_in_ram(&wire, &options);
    assert!(!report.has_errors(), "{:?}", report.skips);
    // `--source wire --since 2024-06`.
    let json = search_with(
        &engine,
        &SearchRequest {
            filters: vec![
                Filter::Meta {
                    key: "source".into(),
                    value: "wire".into(),
                },
                Filter::date_range(Some("2024-06"), None).unwrap(),
            ],
            ..request("Doha")
        },
    );
    assert_eq!(json.hits[0].doc_id, "w1");
    assert_eq!(json.hits[0].title, "Envoy lands");
    assert_eq!(json.hits[0].meta["source"], "Wire");
}
