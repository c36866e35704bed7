//! `dossier quote`: "did X really say this?" Quotations cut from the fixture speeches and the
//! seed article, as printed and as a news piece would alter them, lead to their passage first,
//! with the coverage and the differences the user sees (in process through the engine and the
//! printers); `/api/quote` answers the same JSON; the binary's exit codes and `--batch`.

use std::sync::Arc;

use axum::http::StatusCode;
use dossier::engine::{Engine, IndexLocation};
use dossier::output::{self, text::Style, Format};
use dossier::search::quote::QuoteRequest;
use dossier::server::{self, ServerConfig};
use serde_json::{json, Value};

use crate::common::{corpus, corpus_index_dir, get_json, stderr, stdout, TestEnv, SEED};

const ISR: &str = "fixtures/ungd/ISR_70_2015.txt";
const USA: &str = "fixtures/ungd/USA_72_2017.txt";
const IRN: &str = "fixtures/ungd/IRN_72_2017.txt";

/// `dossier quote QUOTE --format json -n 5`, decoded.
fn quote(text: &str) -> Value {
    quote_with(&QuoteRequest::new(text, 5))
}

fn quote_with(request: &QuoteRequest) -> Value {
    let results = corpus()
        .quote(request)
        .unwrap_or_else(|e| panic!("{}: {e}", request.quote));
    let mut out = Vec::new();
    output::quote::write_results(&mut out, &results, Format::Json, &Style::default()).unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// What `dossier quote QUOTE --color never` prints.
fn quote_text(text: &str) -> String {
    let results = corpus().quote(&QuoteRequest::new(text, 3)).unwrap();
    let mut out = Vec::new();
    output::quote::write_results(&mut out, &results, Format::Text, &Style::default()).unwrap();
    String::from_utf8(out).unwrap()
}

/// The first hit, after checking it is the passage at `path:line`.
fn first_at(json: &Value, path: &str, line: u64) -> Value {
    let hit = json["hits"][0].clone();
    assert_eq!(
        (hit["path"].as_str(), hit["line_start"].as_u64()),
        (Some(path), Some(line)),
        "{json:#}"
    );
    hit
}

/// The texts a hit's highlights cover.
fn highlighted(hit: &Value) -> Vec<String> {
    let text = hit["text"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| text[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize].to_owned())
        .collect()
}

fn differences(hit: &Value) -> Vec<(String, String, String)> {
    hit["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["quote"].as_str().unwrap().to_owned(),
                d["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn diff(kind: &str, quote: &str, source: &str) -> (String, String, String) {
    (kind.into(), quote.into(), source.into())
}

#[test]
fn an_exact_quote_finds_its_passage_whole() {
    let json = quote("I hope it will be enforced — how can I put this? — with a little more rigour than was shown");
    let hit = first_at(&json, ISR, 35);
    assert_eq!(hit["coverage"], 1.0);
    assert_eq!(differences(&hit), []);
    assert_eq!(
        highlighted(&hit),
        ["I hope it will be enforced — how can I put this? — with a little more rigour than was shown"]
    );
    assert_eq!(json["match_mode"], "quote");
    assert_eq!(json["words"], 19);
}

#[test]
fn case_punctuation_and_curly_quotes_change_nothing() {
    let json = quote("“i hope it will be enforced, how can i put this, with a little more RIGOUR than was shown”");
    let hit = first_at(&json, ISR, 35);
    assert_eq!(hit["coverage"], 1.0);
    assert_eq!(differences(&hit), []);
}

#[test]
fn a_quote_trimmed_with_an_ellipsis_matches_each_piece() {
    for ellipsis in ["…", "...", ". . ."] {
        let json = quote(&format!(
            "if Iran wants to be treated like a normal country {ellipsis} a dark theocracy that conquers its neighbours"
        ));
        let hit = first_at(&json, ISR, 17);
        assert_eq!(hit["coverage"], 1.0, "{ellipsis}");
        assert_eq!(
            differences(&hit),
            [],
            "{ellipsis}: the trim is no difference"
        );
        assert_eq!(
            highlighted(&hit),
            [
                "if Iran wants to be treated like a normal country",
                "a dark theocracy that conquers its neighbours"
            ]
        );
    }
}

#[test]
fn a_changed_word_is_shown_beside_the_source_word() {
    let json = quote(
        "The Iran deal was one of the worst and most one-sided agreements the United States has ever entered into",
    );
    let hit = first_at(&json, USA, 23);
    assert_eq!(hit["coverage"], 0.95, "19 of 20 words");
    assert_eq!(
        differences(&hit),
        [diff("changed", "agreements", "transactions")]
    );
    let printed = quote_text(
        "The Iran deal was one of the worst and most one-sided agreements the United States has ever entered into",
    );
    assert!(
        printed.contains("    changed  [quote: agreements → source: transactions]\n"),
        "{printed}"
    );
    assert!(
        printed.contains("[[The Iran deal was one of the worst and most one-sided transactions the United States has ever entered into]]"),
        "{printed}"
    );
}

#[test]
fn added_and_dropped_words_are_differences() {
    // Words left out without an ellipsis, and a word the source does not have.
    let json =
        quote("I hope it will be strictly enforced with a little more rigour than was shown");
    let hit = first_at(&json, ISR, 35);
    assert_eq!(
        differences(&hit),
        [
            diff("added", "strictly", ""),
            diff("dropped", "", "how can I put this"),
        ]
    );
    assert_eq!(hit["coverage"], 0.933, "14 of 15 words");
    let printed =
        quote_text("I hope it will be strictly enforced with a little more rigour than was shown");
    assert!(
        printed.contains("    added    [quote: strictly → source: —]\n"),
        "{printed}"
    );
    assert!(
        printed.contains("    dropped  [quote: — → source: how can I put this]\n"),
        "{printed}"
    );
}

#[test]
fn spelling_variants_and_other_names_match_and_are_listed_as_variants() {
    // American spelling of a British source.
    let json = quote("the defense capabilities of the Islamic Republic of Iran, including its missiles, are solely defensive deterrents");
    let hit = first_at(&json, IRN, 14);
    assert_eq!(hit["coverage"], 1.0);
    assert_eq!(differences(&hit), [diff("variant", "defense", "defence")]);
    let json =
        quote("As a responsible neighbor and friend, we, together with all others, have a goal");
    let hit = first_at(&json, USA, 38);
    assert_eq!(hit["coverage"], 1.0);
    assert_eq!(
        differences(&hit),
        [diff("variant", "neighbor", "neighbour")]
    );
    // A transliteration of the alias table, and another name of the same country.
    let json = quote("Abbas Araqchi, Iran's foreign minister, in response to a question about the possibility of resuming negotiations with the US");
    let hit = first_at(&json, SEED, 17);
    assert_eq!(hit["coverage"], 1.0);
    assert_eq!(
        differences(&hit),
        [
            diff("variant", "Araqchi", "Araghchi"),
            diff("variant", "US", "United States"),
        ]
    );
}

#[test]
fn a_quote_may_run_from_one_sentence_into_the_next() {
    let json = quote("the snapback sanctions actually snap back, and that Iran's violations not be swept under the Persian rug. There is one thing I can assure the Assembly of today");
    let hit = first_at(&json, ISR, 35);
    assert_eq!(hit["coverage"], 1.0);
    assert_eq!(differences(&hit), []);
    // Across the closing quotation mark of the seed article's quote of Trump.
    let json = quote("Before the bombing we were reasonably close to a deal. This narrative seeks to portray military action");
    let hit = first_at(&json, SEED, 15);
    assert_eq!(hit["coverage"], 1.0);
}

#[test]
fn a_quote_may_run_into_the_next_paragraph() {
    let json = quote("over the snapback issue within the same pattern. Araghchi further stated that Tehran has concluded");
    let hit = first_at(&json, SEED, 17);
    assert_eq!(hit["coverage"], 1.0);
    assert_eq!(
        highlighted(&hit),
        ["over the “snapback” issue within the same pattern"]
    );
    let next = &hit["continues"];
    assert_eq!(next["line_start"], 19, "{hit:#}");
    let text = next["text"].as_str().unwrap();
    let h = &next["highlights"][0];
    assert_eq!(
        &text[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize],
        "Araghchi further stated that Tehran has concluded"
    );
    // A hit within one passage has no `continues`.
    let json =
        quote("I hope it will be enforced — how can I put this? — with a little more rigour");
    assert!(json["hits"][0].get("continues").is_none());
}

#[test]
fn a_quote_that_is_nowhere_finds_nothing() {
    let json =
        quote("The purple zebras of Ulaanbaatar have voted for unanimous sanctions on marmalade");
    assert_eq!(json["hits"], json!([]));
    assert_eq!(json["total_hits"], 0);
    let printed = quote_text(
        "The purple zebras of Ulaanbaatar have voted for unanimous sanctions on marmalade",
    );
    assert_eq!(
        printed,
        "no passage holds the quote or something close to it\n"
    );
    // With a low enough bar, the passage with most of its words is shown.
    let mut request = QuoteRequest::new("The purple zebras of Ulaanbaatar voted for sanctions", 1);
    request.options.min_coverage = 0.0;
    assert_eq!(quote_with(&request)["hits"].as_array().unwrap().len(), 1);
}

#[test]
fn a_quote_without_words_is_an_error() {
    let err = corpus().quote(&QuoteRequest::new(" … — !", 5)).unwrap_err();
    assert!(err.to_string().contains("no words"), "{err}");
}

#[test]
fn filters_narrow_the_quote_as_they_narrow_a_search() {
    let text = "As a responsible neighbour and friend, we, together with all others, have a goal";
    let mut request = QuoteRequest::new(text, 5);
    request.filters = vec![dossier::search::Filter::parse("path", "fixtures/seed/").unwrap()];
    assert_eq!(quote_with(&request)["hits"], json!([]));
    request.filters = vec![dossier::search::Filter::parse("path", "fixtures/ungd/").unwrap()];
    first_at(&quote_with(&request), USA, 38);
}

/// Every hit has the search hit's fields and the quote's, in the documented shape.
#[test]
fn the_json_has_the_search_fields_and_the_quote_fields() {
    let json = quote(
        "The Iran deal was one of the worst and most one-sided agreements the United States has ever entered into",
    );
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["hits", "match_mode", "query", "total_hits", "words"]);
    let hit = json["hits"][0].as_object().unwrap();
    for key in [
        "rank",
        "score",
        "passage_id",
        "doc_id",
        "title",
        "section",
        "paragraph",
        "part",
        "source_paragraph",
        "path",
        "line_start",
        "line_end",
        "byte_start",
        "byte_end",
        "field",
        "meta",
        "text",
        "highlights",
        "coverage",
        "differences",
    ] {
        assert!(hit.contains_key(key), "{key} missing: {hit:?}");
    }
    assert_eq!(
        json["hits"][0]["differences"][0],
        json!({"quote": "agreements", "source": "transactions", "kind": "changed"})
    );
    assert_eq!(json["hits"][0]["rank"], 1);
}

// ---------------------------------------------------------------------------------------------
// The HTTP API

fn api(uri: &str) -> (StatusCode, Value) {
    let location = IndexLocation {
        dir: corpus_index_dir().to_path_buf(),
        is_default: false,
    };
    let engine = Arc::new(Engine::open(&location, &mut ()).unwrap());
    let app = server::router(engine, &ServerConfig::default());
    get_json(&app, uri)
}

#[test]
fn the_api_answers_the_cli_json_with_its_time() {
    let text = "The Iran deal was one of the worst and most one-sided agreements the United States has ever entered into";
    let q: String = text
        .bytes()
        .map(|b| match b {
            b' ' => "+".to_owned(),
            b if b.is_ascii_alphanumeric() => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    let (status, mut json) = api(&format!("/api/quote?q={q}&limit=3"));
    assert_eq!(status, StatusCode::OK, "{json}");
    assert!(json["took_ms"].as_f64().unwrap() >= 0.0);
    json.as_object_mut().unwrap().remove("took_ms");
    assert_eq!(json, quote_with(&QuoteRequest::new(text, 3)));

    let (status, json) = api("/api/quote?q=%E2%80%A6+%21");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["kind"], "query", "{json}");
    let (status, json) = api("/api/quote?limit=3");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["kind"], "parameter");
    let (status, json) = api("/api/quote?q=Iran+deal&min_coverage=2");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("min_coverage"));
    let (status, json) = api("/api/quote?q=purple+zebras+of+Ulaanbaatar+voted+marmalade");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["hits"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// The binary

#[test]
fn exit_codes_follow_grep_and_batches_write_a_line_per_quote() {
    let env = TestEnv::ingested();
    let found = env.run(&[
        "quote",
        "--index",
        "idx",
        "if Iran wants to be treated like a normal country … a dark theocracy",
    ]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    assert!(stdout(&found).contains(ISR), "{}", stdout(&found));
    let nowhere = env.run(&[
        "quote",
        "--index",
        "idx",
        "purple zebras of Ulaanbaatar voted",
    ]);
    assert_eq!(nowhere.status.code(), Some(1));
    let empty = env.run(&["quote", "--index", "idx", "… !"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("no words"), "{}", stderr(&empty));

    std::fs::write(
        env.path("quotes.txt"),
        "# quotes to check\nif Iran wants to be treated like a normal country\n{\"id\": \"trump\", \"quote\": \"we were reasonably close to a deal\"}\n",
    )
    .unwrap();
    let batch = env.run(&[
        "quote",
        "--index",
        "idx",
        "--batch",
        "quotes.txt",
        "-n",
        "1",
    ]);
    assert_eq!(batch.status.code(), Some(0), "{}", stderr(&batch));
    let lines: Vec<Value> = stdout(&batch)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (&lines[0]["id"], &lines[0]["line"]),
        (&json!("2"), &json!(2))
    );
    assert_eq!(lines[0]["hits"][0]["path"], ISR);
    assert_eq!(lines[1]["id"], "trump");
    assert_eq!(lines[1]["hits"][0]["path"], SEED);
    assert!(lines[1]["took_ms"].as_f64().is_some());
    assert!(
        stderr(&batch).contains("2 quotes, 2 with a hit"),
        "{}",
        stderr(&batch)
    );
}
