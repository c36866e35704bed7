//! The analyzer as analysts meet it: what a typed word also finds (stems, compounds, dashes,
//! apostrophes, acronyms, aliases, transliterations, fuzzy words) and what it must not, and
//! what each kind of match highlights. In process, on small documents written for the purpose.

use std::collections::BTreeSet;

use dossier::engine::IngestOptions;
use dossier::search::{AliasTable, Forms, SearchOptions, SearchRequest, SearchSession};

use crate::common::{ingest_in_ram, json_of, search, TestEnv};

/// Every row of the analyst's table: what is typed, what it must also find, what it must not.
#[test]
fn the_analyzer_finds_what_analysts_mean() {
    let env = TestEnv::new();
    let docs: &[(&str, &str)] = &[
        (
            "snap1",
            "The snapback of UN sanctions was triggered by the E3 in August.",
        ),
        (
            "snap2",
            "European officials prepared the snap-back of the old measures.",
        ),
        (
            "snap3",
            "Tehran warned that the measures would snap back within thirty days.",
        ),
        ("dash1", "Iran–US talks resumed in Oman after a pause."),
        ("dash2", "The Iran/US channel stayed open through Muscat."),
        ("apos1", "Iran’s foreign minister spoke to reporters."),
        ("apos2", "Iran rejected the proposal outright."),
        ("us1", "U.S. forces left the base in the spring."),
        ("us2", "U. S. forces were redeployed to the Gulf."),
        ("us3", "The US envoy met the minister on Tuesday."),
        (
            "us4",
            "THE U.S . FIRST PROPOSED TO HELP NATO DEVELOP ITS OWN NUCLEAR STRIKE FORCE .",
        ),
        (
            "pron",
            "Let us work together, said the minister, for all of us.",
        ),
        (
            "caps",
            "THE DIPLOMATS TOLD US THAT THE NATO ALLIES WOULD WAIT FOR THE SUMMIT .",
        ),
        ("zur", "The negotiators met quietly in Zürich last week."),
        ("ara1", "Abbas Arághchi arrived in Geneva for the talks."),
        ("sanc1", "New sanctions were announced on Monday."),
        ("sanc2", "Three firms were sanctioned for shipping oil."),
        ("sanc3", "The sanction regime was tightened again."),
        ("sanc4", "Sanctioning banks proved harder than expected."),
        (
            "irgc1",
            "The Islamic Revolutionary Guard Corps expanded its naval drills.",
        ),
        (
            "irgc2",
            "Commanders of the Revolutionary Guards denied the report.",
        ),
        (
            "jcpoa1",
            "Signatories of the Joint Comprehensive Plan of Action met in Vienna.",
        ),
        (
            "jcpoa2",
            "Critics of the Iran nuclear deal returned to the question.",
        ),
        (
            "ghal",
            "Mohammad Bagher Ghalibaf, the Speaker, dismissed the claim.",
        ),
        ("gad1", "Qaddafi ruled Libya for four decades."),
        ("gad2", "Kadhafi's son spoke on television."),
    ];
    std::fs::create_dir_all(env.path("table")).unwrap();
    for (id, text) in docs {
        std::fs::write(env.path(&format!("table/{id}.txt")), format!("{text}\n")).unwrap();
    }
    let (engine, report) = ingest_in_ram(&[env.path("table")], &IngestOptions::default());
    assert!(!report.has_errors(), "{:?}", report.skips);

    // Documents are named by their file (the table ingested by absolute path).
    let table = format!("{}/", env.id("table"));
    let names = |results| -> BTreeSet<String> {
        json_of(&results)
            .hits
            .iter()
            .map(|h| {
                h.doc_id
                    .trim_start_matches(&table)
                    .trim_end_matches(".txt")
                    .to_owned()
            })
            .collect()
    };
    // `--exact`, `--no-aliases` and `--aliases FILE` as the search command maps them.
    let found_with = |query: &str, options: SearchOptions| -> BTreeSet<String> {
        let request = SearchRequest {
            options,
            ..SearchRequest::new(query, 100)
        };
        names(
            engine
                .search(&request)
                .unwrap_or_else(|e| panic!("{query}: {e}")),
        )
    };
    let found = |query: &str| found_with(query, SearchOptions::default());
    let rows: &[(&str, &[&str], &[&str])] = &[
        // typed, must find, must not find
        ("snapback", &["snap1", "snap2", "snap3"], &[]),
        ("\"snap back\"", &["snap1", "snap2", "snap3"], &[]),
        ("snap-back", &["snap1", "snap2", "snap3"], &[]),
        ("Iran-US", &["dash1", "dash2"], &["apos1", "apos2"]),
        ("Iran US", &["dash1", "dash2"], &[]),
        ("Iran's", &["apos1", "apos2"], &[]),
        ("US", &["us1", "us2", "us3", "us4"], &["pron", "caps"]),
        ("U.S.", &["us1", "us2", "us3", "us4"], &["pron"]),
        ("Zurich", &["zur"], &[]),
        ("Araghchi", &["ara1"], &[]),
        ("sanction", &["sanc1", "sanc2", "sanc3", "sanc4"], &[]),
        (
            "=sanctions",
            &["sanc1", "snap1"],
            &["sanc2", "sanc3", "sanc4"],
        ),
        ("IRGC", &["irgc1", "irgc2"], &[]),
        ("JCPOA", &["jcpoa1", "jcpoa2"], &[]),
        ("Araqchi", &["ara1"], &[]),
        ("Qalibaf", &["ghal"], &[]),
        ("Gaddafi", &["gad1", "gad2"], &[]),
        ("sanction*", &["sanc1", "sanc2", "sanc3", "sanc4"], &[]),
        ("Ghalibaff~1", &["ghal"], &[]),
        ("Ghalibaff", &[], &["ghal"]),
        ("NATO", &["us4", "caps"], &[]),
    ];
    for (typed, must, must_not) in rows {
        let hits = found(typed);
        for id in *must {
            assert!(hits.contains(*id), "`{typed}` must find {id}: {hits:?}");
        }
        for id in *must_not {
            assert!(
                !hits.contains(*id),
                "`{typed}` must not find {id}: {hits:?}"
            );
        }
    }
    // --exact is =word for every word; --no-aliases turns the table off.
    let exact = SearchOptions {
        forms: Forms::Exact,
        ..SearchOptions::default()
    };
    assert_eq!(found_with("sanctions", exact), found("=sanctions"));
    let no_aliases = SearchOptions {
        aliases: false,
        ..SearchOptions::default()
    };
    assert!(!found_with("IRGC", no_aliases).contains("irgc2"));
    // A user table adds groups.
    std::fs::write(env.path("mine.txt"), "Speaker of the Majlis | Ghalibaf\n").unwrap();
    let mine = AliasTable::builtin_with_file(&env.path("mine.txt")).unwrap();
    let session = SearchSession::with_aliases(engine.index(), mine).unwrap();
    let speaker = session
        .search(&SearchRequest::new("\"Speaker of the Majlis\"", 100))
        .unwrap();
    assert!(names(speaker).contains("ghal"));
}

#[test]
fn highlights_show_what_each_kind_of_match_matched() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.path("h")).unwrap();
    std::fs::write(
        env.path("h/a.txt"),
        "The snap-back of measures worried the Islamic Revolutionary Guard Corps, said Ghalibaf, and sanctioned banks.\n",
    )
    .unwrap();
    let (engine, _) = ingest_in_ram(&[env.path("h")], &IngestOptions::default());
    for (query, lit) in [
        ("snapback", vec!["snap-back"]),
        ("IRGC", vec!["Islamic Revolutionary Guard Corps"]),
        ("Ghalibaff~1", vec!["Ghalibaf"]),
        ("sanction*", vec!["sanctioned"]),
        ("\"guard corps\"", vec!["Guard Corps"]),
    ] {
        let json = search(&engine, query);
        let hit = &json.hits[0];
        let shown: Vec<&str> = hit
            .highlights
            .iter()
            .map(|[s, e]| &hit.text[*s..*e])
            .collect();
        assert_eq!(shown, lit, "{query}");
    }
}
