//! End-to-end tests: the real `dossier` binary on copies of `fixtures/` in temp dirs, its JSON
//! output decoded and checked against the source files.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dossier::model::normalize_whitespace;
use serde::Deserialize;

const SEED: &str = "fixtures/seed/will-iran-and-the-us-retreat.txt";
/// The fixture corpus (the fixtures' own README is not part of it).
const CORPUS: &[&str] = &["fixtures/commentary", "fixtures/seed", "fixtures/ungd"];

#[derive(Debug, Deserialize)]
struct SearchJson {
    query: String,
    total_hits: usize,
    match_mode: String,
    hits: Vec<HitJson>,
}

#[derive(Debug, Deserialize)]
struct HitJson {
    rank: usize,
    score: f32,
    passage_id: String,
    doc_id: String,
    title: String,
    section: Option<String>,
    paragraph: u64,
    part: Option<u32>,
    source_paragraph: Option<String>,
    path: String,
    field: Option<String>,
    meta: serde_json::Value,
    line_start: u64,
    line_end: u64,
    byte_start: u64,
    byte_end: u64,
    text: String,
    highlights: Vec<[usize; 2]>,
}

/// A temp dir holding a copy of the fixtures; commands run inside it.
struct TestEnv {
    dir: tempfile::TempDir,
}

impl TestEnv {
    fn new() -> TestEnv {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            &dir.path().join("fixtures"),
        );
        TestEnv { dir }
    }

    /// A fresh env with the fixtures ingested into `idx/`.
    fn ingested() -> TestEnv {
        let env = TestEnv::new();
        let out = env.run(&[&["ingest", "--index", "idx"], CORPUS].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        env
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("DOSSIER_INDEX")
            .env_remove("NO_COLOR");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().unwrap();
        assert!(
            !stderr(&out).contains("panicked"),
            "dossier panicked: {}",
            stderr(&out)
        );
        out
    }

    fn search(&self, query: &str, extra: &[&str]) -> (SearchJson, Output) {
        let mut args = vec!["search", query, "--index", "idx", "--format", "json"];
        if !extra.contains(&"--limit") {
            args.extend(["--limit", "1000"]);
        }
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {} / {}", stdout(&out), stderr(&out)));
        (json, out)
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The cited bytes of the cited file hold the hit's text, and the cited lines hold those bytes.
///
/// Plain text: the bytes, whitespace collapsed, are the text (page furniture the chunker dropped
/// aside, and end-of-line hyphens it undid). Markdown and HTML: the text's words appear in order
/// in the bytes (markup and entities sit between them). Feed records: the offsets count inside
/// the record's text field, and the lines are the record's line.
fn assert_citation_exact(env: &TestEnv, hit: &HitJson) {
    let bytes = std::fs::read(env.path(&hit.path)).unwrap();
    let (start, end) = (hit.byte_start as usize, hit.byte_end as usize);
    if let Some(field) = &hit.field {
        assert_eq!(hit.line_start, hit.line_end);
        let mut text = String::new();
        if hit.path.ends_with(".gz") {
            flate2::read::MultiGzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap();
        } else {
            text = String::from_utf8(bytes).unwrap();
        }
        let record = text.lines().nth(hit.line_start as usize - 1).unwrap();
        let record: serde_json::Value = serde_json::from_str(record).unwrap();
        let value = record[field].as_str().unwrap();
        assert_words_in_order(&value[start..end], &hit.text, hit);
        return;
    }
    let line_of = |byte: usize| bytes[..byte].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    assert_eq!(
        line_of(start),
        hit.line_start,
        "line_start of {}",
        hit.passage_id
    );
    assert_eq!(
        line_of(end - 1),
        hit.line_end,
        "line_end of {}",
        hit.passage_id
    );
    // Single-byte fallbacks (the ISO-8859-1 page) decode byte for byte.
    let cited = match std::str::from_utf8(&bytes[start..end]) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes[start..end].iter().map(|&b| b as char).collect(),
    };
    if hit.path.ends_with(".md") {
        assert_words_in_order(&cited, &hit.text, hit);
        return;
    }
    if hit.path.ends_with(".html") {
        let mut in_tag = false;
        let untagged: String = cited
            .chars()
            .filter(|&c| {
                let keep = !in_tag && c != '<';
                if c == '<' {
                    in_tag = true;
                } else if c == '>' {
                    in_tag = false;
                }
                keep
            })
            .collect();
        assert_words_in_order(&untagged, &hit.text, hit);
        return;
    }
    let kept: Vec<&str> = cited
        .lines()
        .filter(|l| !dossier::ingest::debris::is_page_furniture(l))
        .collect();
    let kept = kept.join("\n");
    if kept.contains("-\n") {
        let squash = |s: &str| s.replace(['-', ' ', '\n'], "");
        assert_eq!(squash(&normalize_whitespace(&kept)), squash(&hit.text));
    } else {
        assert_eq!(
            normalize_whitespace(&kept),
            hit.text,
            "bytes {start}..{end} of {}",
            hit.path
        );
    }
}

/// Every word of `text` (its runs of letters and digits) appears in `cited`, in order, and the
/// cited range starts at the first word and ends at the last.
fn assert_words_in_order(cited: &str, text: &str, hit: &HitJson) {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (cited_words, text_words) = (words(cited), words(text));
    let mut at = 0;
    for w in &text_words {
        let found = cited_words[at..].iter().position(|c| c == w);
        assert!(
            found.is_some(),
            "`{w}` of {} not in the cited {cited:?}",
            hit.passage_id
        );
        at += found.unwrap() + 1;
    }
    assert_eq!(
        cited_words.first(),
        text_words.first(),
        "start of {}",
        hit.passage_id
    );
    assert_eq!(
        cited_words.last(),
        text_words.last(),
        "end of {}",
        hit.passage_id
    );
}

#[test]
fn snapback_finds_the_araghchi_paragraph_of_the_seed_article() {
    let env = TestEnv::ingested();
    let (json, out) = env.search("snapback", &[]);
    assert_eq!(out.status.code(), Some(0));
    let hit = json
        .hits
        .iter()
        .find(|h| h.path == SEED)
        .expect("the seed article is among the hits");
    assert_eq!(hit.line_start, 17);
    assert_eq!(hit.line_end, 17);
    assert_eq!(hit.paragraph, 7);
    assert!(hit
        .text
        .starts_with("Abbas Araghchi, Iran’s foreign minister"));
    assert_eq!(
        hit.section.as_deref(),
        Some("Peace From the Barrel of a Gun: Trump’s Narrative of Coercive Diplomacy")
    );
    assert_eq!(
        hit.title,
        "Will Iran and the United States Retreat From Their Positions?"
    );
    let lit: Vec<&str> = hit
        .highlights
        .iter()
        .map(|[s, e]| &hit.text[*s..*e])
        .collect();
    assert_eq!(lit, ["snapback"]);
    assert_citation_exact(&env, hit);

    // The text format cites the same line.
    let out = env.run(&["search", "snapback", "--index", "idx", "--color", "never"]);
    assert!(stdout(&out).contains(&format!("{SEED}:17 ¶7 — Will Iran")));
}

#[test]
fn a_phrase_returns_exactly_the_passages_containing_it_and_highlights_only_it() {
    let env = TestEnv::ingested();
    let (json, _) = env.search("\"maximum pressure\"", &[]);
    let found: BTreeSet<&str> = json.hits.iter().map(|h| h.passage_id.as_str()).collect();

    // Brute force over every passage of the corpus, chunked by the library.
    let mut expected = BTreeSet::new();
    let mut passages = Vec::new();
    let roots: Vec<PathBuf> = CORPUS.iter().map(|c| env.path(c)).collect();
    let (sources, _) = dossier::ingest::find_sources(&roots);
    for source in sources {
        for item in dossier::ingest::read_all(&source, &Default::default()) {
            if let dossier::ingest::Item::Document(doc) = item {
                passages.extend(doc.passages);
            }
        }
    }
    for p in &passages {
        if p.text.to_lowercase().contains("maximum pressure") {
            expected.insert(p.passage_id.clone());
        }
    }
    let found: BTreeSet<String> = found
        .iter()
        .map(|id| {
            // Passage ids are relative to the cwd of the run; the library ran on absolute paths.
            env.path(id).to_string_lossy().into_owned()
        })
        .collect();
    assert_eq!(found, expected);
    assert_eq!(json.total_hits, expected.len());
    assert!(expected.len() >= 6, "the fixtures use the phrase widely");

    for hit in &json.hits {
        assert!(!hit.highlights.is_empty());
        for [s, e] in &hit.highlights {
            assert_eq!(
                hit.text[*s..*e].to_lowercase(),
                "maximum pressure",
                "in {}",
                hit.passage_id
            );
        }
    }
    // The paragraph with "pressure ... maximum" apart is not a phrase match.
    assert!(json.hits.iter().all(|h| !h.text.contains("condensate")));
}

#[test]
fn every_cited_line_and_byte_range_holds_the_hit_text() {
    let env = TestEnv::ingested();
    for query in [
        "snapback",
        "sanctions",
        "\"Security Council\"",
        "IRGC",
        "Tehran’s",
        "résumé",
        "Zürich",
        "U.S.",
        "Kharg OR Hormuz",
        "nuclear -Israel",
        "section:deadlock",
    ] {
        let (json, out) = env.search(query, &[]);
        assert_eq!(out.status.code(), Some(0), "{query}: {}", stderr(&out));
        assert!(!json.hits.is_empty(), "{query}");
        for hit in &json.hits {
            assert_citation_exact(&env, hit);
        }
    }
}

#[test]
fn ranks_scores_and_paging() {
    let env = TestEnv::ingested();
    let (all, _) = env.search("sanctions", &[]);
    assert!(all.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(all.query, "sanctions");
    let (page, _) = env.search("sanctions", &["--limit", "3", "--offset", "2"]);
    assert_eq!(page.total_hits, all.total_hits);
    assert_eq!(page.hits.len(), 3);
    assert_eq!(page.hits[0].rank, 3);
    assert_eq!(page.hits[0].passage_id, all.hits[2].passage_id);
}

#[test]
fn jsonl_prints_one_hit_per_line() {
    let env = TestEnv::ingested();
    let out = env.run(&[
        "search", "snapback", "--index", "idx", "--format", "jsonl", "-n", "3",
    ]);
    let lines: Vec<HitJson> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2].rank, 3);
}

#[test]
fn query_syntax_works_end_to_end() {
    let env = TestEnv::ingested();
    let ids = |q: &str| -> Vec<String> {
        env.search(q, &[])
            .0
            .hits
            .into_iter()
            .map(|h| h.passage_id)
            .collect()
    };
    // Every word must match.
    for id in ids("Kharg shadow") {
        assert!(id.contains("gulf-shipping"), "{id}");
    }
    // Exclusion.
    let excluded = env.search("nuclear -Israel", &[]).0;
    assert!(excluded
        .hits
        .iter()
        .all(|h| !h.text.to_lowercase().contains("israel")
            && !h.title.to_lowercase().contains("israel")));
    // OR.
    let either = ids("Kharg OR Musandam");
    assert_eq!(either.len(), 2);
    // Fields.
    let titled = env.search("title:timeline", &[]).0;
    assert!(!titled.hits.is_empty());
    assert!(titled.hits.iter().all(|h| h.title.contains("Timeline")));
    // Prefix: a real prefix match, not the bare word.
    let prefix = env.search("snap*", &[]).0;
    let lit: BTreeSet<String> = prefix
        .hits
        .iter()
        .flat_map(|h| {
            h.highlights
                .iter()
                .map(|[s, e]| h.text[*s..*e].to_lowercase())
        })
        .collect();
    assert!(lit.contains("snapback"), "{lit:?}");
    assert!(lit.contains("snap"), "{lit:?}");
    assert!(lit.iter().all(|w| w.starts_with("snap")));
    // Sloppy phrase: "pressure was at its maximum" is not in order, "maximum economic pressure"-like
    // gaps are.
    let slop = env.search("\"maximum pressure\"~2", &[]).0;
    assert!(slop.total_hits >= env.search("\"maximum pressure\"", &[]).0.total_hits);
}

#[test]
fn no_passage_with_every_word_falls_back_to_any_word() {
    let env = TestEnv::ingested();
    let (json, out) = env.search("snapback zzyzxq", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json.match_mode, "any");
    assert!(!json.hits.is_empty());
    assert!(stderr(&out).contains("any of them"), "{}", stderr(&out));
    // An explicit AND means it: no fallback.
    let (strict, out) = env.search("snapback AND zzyzxq", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(strict.total_hits, 0);
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
fn reingest_makes_no_duplicates_and_a_changed_file_replaces_its_passages() {
    let env = TestEnv::ingested();
    let stats = |env: &TestEnv| -> serde_json::Value {
        let out = env.run(&["stats", "--index", "idx", "--format", "json"]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let before = stats(&env);
    let total = env.search("sanctions", &[]).0.total_hits;

    let again = env.run(&[&["ingest", "--index", "idx"], CORPUS].concat());
    assert!(stderr(&again).contains("unchanged"), "{}", stderr(&again));
    assert_eq!(stats(&env)["passages"], before["passages"]);
    assert_eq!(stats(&env)["documents"], before["documents"]);
    assert_eq!(env.search("sanctions", &[]).0.total_hits, total);

    // Rewrite one file: one old paragraph gone, one new paragraph.
    let file = "fixtures/commentary/hard-wrapped-brief.txt";
    let old = std::fs::read_to_string(env.path(file)).unwrap();
    assert!(old.contains("Rotterdam"));
    let new = old.replace("Rotterdam", "Zeebrugge") + "\nA closing note about Valparaiso.\n";
    std::fs::write(env.path(file), new).unwrap();
    let out = env.run(&[&["ingest", "--index", "idx"], CORPUS].concat());
    assert!(stderr(&out).contains("1 replaced"), "{}", stderr(&out));

    assert_eq!(env.search("Rotterdam", &[]).1.status.code(), Some(1));
    let (z, _) = env.search("Zeebrugge", &[]);
    assert_eq!(z.total_hits, 1);
    assert_citation_exact(&env, &z.hits[0]);
    let (v, _) = env.search("Valparaiso", &[]);
    assert_eq!(v.total_hits, 1);
    assert_citation_exact(&env, &v.hits[0]);
    let passages = before["passages"].as_u64().unwrap();
    assert_eq!(stats(&env)["passages"].as_u64().unwrap(), passages + 1);
    assert_eq!(stats(&env)["documents"], before["documents"]);
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

    // Everything good was committed.
    for (query, path) in [
        ("Kharg", "mixed/good.txt"),
        ("Genève", "mixed/latin1.txt"),
        ("Salalah", "mixed/feed.jsonl"),
        ("Muscat", "mixed/feed.jsonl"),
    ] {
        let (json, _) = env.search(query, &[]);
        assert_eq!(json.hits.len(), 1, "{query}");
        assert_eq!(json.hits[0].path, path);
        assert_citation_exact(&env, &json.hits[0]);
    }
    let (duqm, _) = env.search("Duqm", &[]);
    assert!(
        duqm.total_hits > 50,
        "records before the break: {}",
        duqm.total_hits
    );
}

#[test]
fn html_pages_give_article_text_metadata_and_citations() {
    let env = TestEnv::new();
    let out = env.run(&["ingest", "fixtures/articles", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (json, _) = env.search("accountability mechanism", &[]);
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
    assert_citation_exact(&env, hit);
    // Navigation and scripts are not passages.
    for chrome in ["\"NEW SEARCH\"", "\"Back to Bill Summary\"", "foresee"] {
        let (json, out) = env.search(chrome, &[]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{chrome}: {:?}",
            json.hits.first().map(|h| &h.text)
        );
    }
    // Every passage of the page cites its bytes.
    let (all, _) = env.search("title:resolution", &[]);
    for hit in all.hits.iter().filter(|h| h.path.ends_with(".html")) {
        assert_citation_exact(&env, hit);
    }
}

#[test]
fn markdown_front_matter_gives_metadata_and_date_filters_use_it() {
    let env = TestEnv::new();
    env.run(&[
        "ingest",
        "fixtures/articles",
        "fixtures/commentary",
        "--index",
        "idx",
    ]);
    let (json, _) = env.search("\"maximum pressure\"", &[]);
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
        assert_citation_exact(&env, hit);
    }
    let dated = |extra: &[&str]| -> BTreeSet<String> {
        env.search("\"maximum pressure\"", extra)
            .0
            .hits
            .into_iter()
            .map(|h| h.path)
            .collect()
    };
    let in_2025 = dated(&["--since", "2025-01", "--until", "2025-02"]);
    assert_eq!(in_2025.len(), 1, "{in_2025:?}");
    assert!(in_2025.iter().all(|p| p.contains("fact-sheet")));
    assert!(dated(&["--since", "2025-02-05"]).is_empty());
    assert_eq!(
        dated(&["--until", "2025"]),
        in_2025,
        "undated documents are outside any range"
    );
    let (tagged, _) = env.search("\"maximum pressure\" tags:fact-sheets", &[]);
    assert_eq!(tagged.total_hits, sheet.len());
}

#[test]
fn jsonl_feeds_give_metadata_filters_and_facets() {
    let env = TestEnv::new();
    let out = env.run(&["ingest", "fixtures/feeds", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("8 documents (8 added)"),
        "{}",
        stderr(&out)
    );

    let (iran, _) = env.search("sanctions country:IRN", &[]);
    assert!(!iran.hits.is_empty());
    for hit in &iran.hits {
        assert_eq!(hit.meta["country"], "IRN");
        assert!(hit.doc_id.starts_with("IRN_"));
        assert_eq!(hit.field.as_deref(), Some("text"));
        assert_citation_exact(&env, hit);
    }
    let (ranged, _) = env.search("sanctions year:2016..2018", &[]);
    assert!(!ranged.hits.is_empty());
    assert!(ranged
        .hits
        .iter()
        .all(|h| (2016..=2018).contains(&h.meta["year"].as_i64().unwrap())));
    let (usa, _) = env.search("Iran", &["--where", "country=usa", "--where", "year=2018"]);
    assert!(!usa.hits.is_empty());
    assert!(
        usa.hits.iter().all(|h| h.doc_id == "USA_73_2018"),
        "values match whatever their case"
    );
    let (any, _) = env.search("country:IRN OR country:USA", &[]);
    assert!(any
        .hits
        .iter()
        .all(|h| ["IRN", "USA"].contains(&h.meta["country"].as_str().unwrap())));

    // Text output cites the record's line and the year.
    let text = env.run(&[
        "search",
        "sanctions country:IRN",
        "--index",
        "idx",
        "-n",
        "1",
        "--color",
        "never",
    ]);
    assert!(
        stdout(&text).contains("fixtures/feeds/ungd-sample.jsonl.gz:"),
        "{}",
        stdout(&text)
    );
    assert!(stdout(&text).contains(" · 20"), "{}", stdout(&text));

    // Facets.
    let out = env.run(&[
        "stats", "--index", "idx", "--by", "country", "--format", "json",
    ]);
    let facets: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let values = facets["values"].as_array().unwrap();
    let usa = values.iter().find(|v| v["value"] == "USA").unwrap();
    assert_eq!(usa["documents"], 2);
    let iran_passages = env.search("country:IRN", &[]).0.total_hits as u64;
    let irn = values.iter().find(|v| v["value"] == "IRN").unwrap();
    assert_eq!(irn["passages"].as_u64().unwrap(), iran_passages);

    // Unknown keys are errors that list the keys there are.
    let bad = env.run(&["search", "sanctions contry:IRN", "--index", "idx"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("metadata key `contry`") && stderr(&bad).contains("country"),
        "{}",
        stderr(&bad)
    );
    let bad = env.run(&["stats", "--index", "idx", "--by", "contry"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = env.run(&[
        "search",
        "sanctions",
        "--index",
        "idx",
        "--since",
        "someday",
    ]);
    assert!(stderr(&bad).contains("is not a date"), "{}", stderr(&bad));
}

#[test]
fn feed_fields_can_be_named_on_the_command_line() {
    let env = TestEnv::new();
    std::fs::write(
        env.path("wire.ndjson"),
        "{\"key\": \"w1\", \"headline\": \"Envoy lands\", \"story\": \"The envoy landed in Doha.\", \"when\": \"2024-06-02\", \"outlet\": \"Wire\"}\n",
    )
    .unwrap();
    let out = env.run(&[
        "ingest",
        "wire.ndjson",
        "--index",
        "idx",
        "--text-field",
        "story",
        "--id-field",
        "key",
        "--date-field",
        "when",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (json, _) = env.search("Doha", &["--source", "wire", "--since", "2024-06"]);
    assert_eq!(json.hits[0].doc_id, "w1");
    assert_eq!(json.hits[0].title, "Envoy lands");
    assert_eq!(json.hits[0].meta["source"], "Wire");
}

#[test]
fn remove_and_prune_take_documents_out() {
    let env = TestEnv::new();
    env.run(&[&["ingest", "--index", "idx"], CORPUS].concat());
    env.run(&["ingest", "fixtures/feeds", "--index", "idx"]);
    assert_eq!(env.search("Rotterdam", &[]).1.status.code(), Some(0));

    let out = env.run(&[
        "remove",
        "fixtures/commentary/hard-wrapped-brief.txt",
        "--index",
        "idx",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(env.search("Rotterdam", &[]).1.status.code(), Some(1));

    // A feed record by its id, a whole feed by its path.
    env.run(&["remove", "IRN_70_2015", "--index", "idx"]);
    assert!(env
        .search("country:IRN", &[])
        .0
        .hits
        .iter()
        .all(|h| h.doc_id != "IRN_70_2015"));
    env.run(&[
        "remove",
        "fixtures/feeds/ungd-sample.jsonl.gz",
        "--index",
        "idx",
    ]);
    assert_eq!(env.search("country:USA", &[]).1.status.code(), Some(1));

    let missing = env.run(&["remove", "no/such/doc", "--index", "idx"]);
    assert_eq!(missing.status.code(), Some(1));

    std::fs::remove_file(env.path("fixtures/commentary/gulf-shipping.md")).unwrap();
    let out = env.run(&["ingest", "fixtures/commentary", "--prune", "--index", "idx"]);
    assert!(
        stderr(&out).contains("pruned fixtures/commentary/gulf-shipping.md"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.search("Kharg", &[]).1.status.code(), Some(1));
    // Files outside the pruned paths stay.
    assert_eq!(env.search("snapback", &[]).1.status.code(), Some(0));
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
fn show_prints_a_passage_with_its_neighbours() {
    let env = TestEnv::ingested();
    let id = format!("{SEED}#7");
    let out = env.run(&["show", &id, "-C", "1", "--index", "idx", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["passage"]["line_start"], 17);
    assert_eq!(json["before"][0]["paragraph"], 6);
    assert_eq!(json["after"][0]["paragraph"], 8);

    let text = env.run(&["show", &id, "-C", "1", "--index", "idx", "--color", "never"]);
    let printed = stdout(&text);
    assert!(printed.contains(&format!("> {SEED}:17 ¶7")), "{printed}");
    assert!(printed.contains(&format!("  {SEED}:15 ¶6")), "{printed}");

    let missing = env.run(&["show", &format!("{SEED}#99"), "--index", "idx"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("has passages 1–18"),
        "{}",
        stderr(&missing)
    );
    let bad = env.run(&["show", "no-hash-here", "--index", "idx"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn stats_report_documents_passages_size_and_last_ingest() {
    let env = TestEnv::ingested();
    let out = env.run(&["stats", "--index", "idx", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let roots: Vec<PathBuf> = CORPUS.iter().map(|c| env.path(c)).collect();
    let (sources, _) = dossier::ingest::find_sources(&roots);
    assert_eq!(json["documents"].as_u64().unwrap() as usize, sources.len());
    assert!(json["passages"].as_u64().unwrap() > 100);
    assert!(json["size_bytes"].as_u64().unwrap() > 0);
    assert!(json["last_ingest"].as_str().unwrap().starts_with("20"));
}

#[test]
fn the_seed_article_yields_its_eighteen_body_paragraphs() {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)).unwrap();
    let (doc, warning) = dossier::ingest::document_from_bytes(
        Path::new(SEED),
        dossier::ingest::Format::Text,
        &bytes,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(warning, None);
    assert_eq!(doc.passages.len(), 18);
    assert!(doc.passages[..4].iter().all(|p| p.section.is_none()));
    let sections: BTreeSet<_> = doc
        .passages
        .iter()
        .filter_map(|p| p.section.clone())
        .collect();
    assert_eq!(sections.len(), 4);
    assert!(doc
        .passages
        .iter()
        .all(|p| !p.text.contains("Was this news useful")));
}

#[test]
fn color_is_used_only_when_asked_or_on_a_terminal() {
    let env = TestEnv::ingested();
    let piped = env.run(&["search", "snapback", "--index", "idx"]);
    assert!(!stdout(&piped).contains('\x1b'));
    let always = env.run(&["search", "snapback", "--index", "idx", "--color", "always"]);
    assert!(stdout(&always).contains("\x1b[1;31msnapback\x1b[0m"));
}

#[test]
fn chunk_shows_the_passages_ingest_would_index() {
    let env = TestEnv::new();
    let out = env.run(&["chunk", "fixtures/ungd", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let passages: Vec<HitJson> = stdout(&out)
        .lines()
        .map(|l| {
            // Chunk records are search hits without rank, score and highlights.
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["rank"] = 0.into();
            v["score"] = 0.0.into();
            v["highlights"] = serde_json::json!([]);
            serde_json::from_value(v).unwrap()
        })
        .collect();
    for p in &passages {
        assert_citation_exact(&env, p);
        assert!(p.text.chars().count() <= 1500 || !p.text.trim_end_matches('.').contains(". "));
        assert!(!p.text.contains("27/55") && !p.text.contains("A/70/PV.22 01/10/2015"));
    }
    // Hard-wrapped speech: rebuilt paragraphs, not one blob and not 50-character fragments.
    let usa: Vec<&HitJson> = passages
        .iter()
        .filter(|p| p.path.ends_with("USA_60_2005.txt"))
        .collect();
    assert!(usa.len() > 15, "{} passages", usa.len());
    let median = {
        let mut l: Vec<usize> = usa.iter().map(|p| p.text.len()).collect();
        l.sort_unstable();
        l[l.len() / 2]
    };
    assert!(
        (200..1500).contains(&median),
        "median passage {median} bytes"
    );
    // Numbered 1970 speech: the record's own numbers, outside the text.
    let irn: Vec<&HitJson> = passages
        .iter()
        .filter(|p| p.path.ends_with("IRN_25_1970.txt"))
        .collect();
    assert_eq!(irn[0].source_paragraph.as_deref(), Some("31"));
    assert!(
        irn.iter()
            .all(|p| !p.text.starts_with(|c: char| c.is_ascii_digit())
                || p.source_paragraph.is_none())
    );

    let text = env.run(&["chunk", "fixtures/ungd/IRN_25_1970.txt"]);
    let printed = stdout(&text);
    assert!(printed.contains("one paragraph per line"), "{printed}");
    assert!(
        printed.contains("¶1 (source ¶31) — Iran — UN General Debate 1970"),
        "{printed}"
    );
}

#[test]
fn long_paragraphs_are_split_into_parts_that_search_and_show_cite() {
    let env = TestEnv::new();
    let out = env.run(&[
        "ingest",
        "fixtures/ungd",
        "--index",
        "idx",
        "--max-passage-chars",
        "300",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (json, _) = env.search("sanctions", &[]);
    let part = json
        .hits
        .iter()
        .find(|h| h.part == Some(2))
        .expect("some hit is a second part");
    assert_citation_exact(&env, part);
    let shown = env.run(&[
        "show",
        &part.passage_id,
        "-C",
        "1",
        "--index",
        "idx",
        "--format",
        "json",
    ]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["before"][0]["part"], 1);
    assert_eq!(shown["before"][0]["paragraph"], part.paragraph);
}

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
fn batch_runs_a_watch_list_in_order_with_errors_in_their_place() {
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
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["2", "4", "5", "6", "7"],
        "input order, ids are line numbers"
    );
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("unclosed quote"));
    assert_eq!(lines[4]["total_hits"], 0);
    // Each record has the search JSON shape: the same hits as `dossier search`.
    let (single, _) = env.search("\"maximum pressure\"", &["--limit", "10"]);
    let hits: Vec<HitJson> = serde_json::from_value(lines[1]["hits"].clone()).unwrap();
    assert_eq!(
        hits.iter().map(|h| &h.passage_id).collect::<Vec<_>>(),
        single
            .hits
            .iter()
            .map(|h| &h.passage_id)
            .collect::<Vec<_>>()
    );
    for hit in &hits {
        assert_citation_exact(&env, hit);
        assert!(!hit.highlights.is_empty());
    }
}

#[test]
fn batch_writes_csv_tsv_that_spreadsheets_read_back() {
    let env = TestEnv::ingested();
    std::fs::write(
        env.path("q.tsv"),
        "q1\t\"maximum pressure\"\nq2\tsnapback\n",
    )
    .unwrap();
    for (format, delimiter) in [("csv", b','), ("tsv", b'\t')] {
        let out = env.run(&[
            "batch", "q.tsv", "--index", "idx", "--format", format, "-n", "3",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(out.stdout.as_slice());
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "query_id");
        assert_eq!(header.iter().next_back(), Some("text"));
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 6);
        assert_eq!(
            (&rows[0][0], &rows[0][1], &rows[0][2]),
            ("q1", "\"maximum pressure\"", "1")
        );
        assert_eq!(&rows[3][0], "q2");
        // The text survives quoting (commas, quotes, curly quotes) intact.
        let (json, _) = env.search("\"maximum pressure\"", &["--limit", "1"]);
        assert_eq!(&rows[0][19], json.hits[0].text);
        assert_eq!(&rows[0][4], json.hits[0].passage_id);
    }
}

#[test]
fn batch_reads_jsonl_queries_with_limits_and_filters_from_stdin() {
    let env = TestEnv::new();
    env.run(&["ingest", "fixtures/feeds", "--index", "idx"]);
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
fn batch_writes_trec_runs_by_passage_or_document_and_markdown_reports() {
    let env = TestEnv::ingested();
    std::fs::write(env.path("q.txt"), "sanctions\nsnapback\n").unwrap();
    let out = env.run(&[
        "batch",
        "q.txt",
        "--index",
        "idx",
        "--format",
        "trec",
        "--trec-unit",
        "document",
        "-n",
        "5",
    ]);
    let run = stdout(&out);
    let rows: Vec<Vec<&str>> = run.lines().map(|l| l.split(' ').collect()).collect();
    assert!(rows
        .iter()
        .all(|r| r.len() == 6 && r[1] == "Q0" && r[5] == "dossier"));
    let first: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "1").collect();
    assert_eq!(first.len(), 5);
    let docs: BTreeSet<&str> = first.iter().map(|r| r[2]).collect();
    assert_eq!(docs.len(), 5, "one line per document");
    assert_eq!(
        first.iter().map(|r| r[3]).collect::<Vec<_>>(),
        ["1", "2", "3", "4", "5"]
    );
    assert!(docs.iter().all(|d| !d.contains('#')));

    let out = env.run(&[
        "batch", "q.txt", "--index", "idx", "--format", "trec", "-n", "3",
    ]);
    assert!(
        stdout(&out)
            .lines()
            .all(|l| l.split(' ').nth(2).unwrap().contains('#')),
        "passage ids"
    );

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
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).is_empty());
    let md = std::fs::read_to_string(report).unwrap();
    assert!(md.starts_with("# Search report"));
    assert!(md.contains("## 2 — `snapback`"), "{md}");
    assert!(md.contains("**snapback**"), "matches in bold: {md}");
    assert!(
        md.contains("will-iran-and-the-us-retreat.txt:17 ¶7")
            || md.contains("snapback-mechanism.md"),
        "{md}"
    );
}

#[test]
fn eval_scores_runs_and_queries_like_trec_eval() {
    let env = TestEnv::ingested();
    // A run and judgments with known answers (see src/eval/mod.rs for the arithmetic).
    std::fs::write(
        env.path("qrels"),
        "1 0 a 2\n1 0 b 1\n1 0 c 0\n1 0 d 1\n2 0 x 1\n",
    )
    .unwrap();
    std::fs::write(
        env.path("run"),
        "1 Q0 a 1 3.0 t\n1 Q0 c 2 2.0 t\n1 Q0 b 3 1.0 t\n",
    )
    .unwrap();
    let out = env.run(&[
        "eval",
        "--qrels",
        "qrels",
        "--run",
        "run",
        "--format",
        "json",
        "--per-query",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["queries"], 1);
    assert_eq!(json["unanswered"], 1);
    let ap = json["mean"]["AP"].as_f64().unwrap();
    assert!((ap - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-9, "{ap}");
    assert_eq!(json["mean"]["P@10"], 0.2);

    // --queries runs the batch itself: documents judged by their best passage.
    let seed = SEED;
    std::fs::write(env.path("topics.tsv"), "t1\tsnapback\nt2\tKharg Island\n").unwrap();
    std::fs::write(
        env.path("judged"),
        format!("t1 0 {seed} 1\nt1 0 fixtures/commentary/snapback-mechanism.md 1\nt2 0 fixtures/commentary/gulf-shipping.md 1\n"),
    )
    .unwrap();
    let out = env.run(&[
        "eval",
        "--qrels",
        "judged",
        "--queries",
        "topics.tsv",
        "--index",
        "idx",
        "--per-query",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("nDCG@10") && text.contains("2 queries scored"),
        "{text}"
    );
    let t2 = text.lines().find(|l| l.starts_with("t2")).unwrap();
    assert!(
        t2.contains("1.0000"),
        "Kharg Island finds the Gulf shipping piece first: {t2}"
    );

    let bad = env.run(&["eval", "--qrels", "run", "--run", "run"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("line 1"), "{}", stderr(&bad));
}

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
    let out = env.run(&["ingest", "table", "--index", "idx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let found = |query: &str, extra: &[&str]| -> BTreeSet<String> {
        let mut args = vec![
            "search", query, "--index", "idx", "--format", "json", "--limit", "100",
        ];
        args.extend_from_slice(extra);
        let out = env.run(&args);
        assert_ne!(out.status.code(), Some(2), "{query}: {}", stderr(&out));
        let json: SearchJson = serde_json::from_slice(&out.stdout).unwrap();
        json.hits
            .iter()
            .map(|h| {
                h.doc_id
                    .trim_start_matches("table/")
                    .trim_end_matches(".txt")
                    .to_owned()
            })
            .collect()
    };
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
        let hits = found(typed, &[]);
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
    assert_eq!(found("sanctions", &["--exact"]), found("=sanctions", &[]));
    assert!(!found("IRGC", &["--no-aliases"]).contains("irgc2"));
    // A user table adds groups.
    std::fs::write(env.path("mine.txt"), "Speaker of the Majlis | Ghalibaf\n").unwrap();
    assert!(found("\"Speaker of the Majlis\"", &["--aliases", "mine.txt"]).contains("ghal"));
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
    env.run(&["ingest", "h", "--index", "idx"]);
    for (query, lit) in [
        ("snapback", vec!["snap-back"]),
        ("IRGC", vec!["Islamic Revolutionary Guard Corps"]),
        ("Ghalibaff~1", vec!["Ghalibaf"]),
        ("sanction*", vec!["sanctioned"]),
        ("\"guard corps\"", vec!["Guard Corps"]),
    ] {
        let (json, _) = env.search(query, &[]);
        let hit = &json.hits[0];
        let shown: Vec<&str> = hit
            .highlights
            .iter()
            .map(|[s, e]| &hit.text[*s..*e])
            .collect();
        assert_eq!(shown, lit, "{query}");
    }
}

#[test]
fn explain_tells_how_the_query_was_read_and_why_a_hit_scored() {
    let env = TestEnv::ingested();
    let out = env.run(&[
        "search",
        "snapback IRGC",
        "--index",
        "idx",
        "--explain",
        "--format",
        "json",
        "-n",
        "2",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let understood: Vec<&str> = json["explain"]["understood"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        understood
            .iter()
            .any(|l| l.starts_with("IRGC → ")
                && l.contains("alias `Islamic Revolutionary Guard Corps`")),
        "{understood:?}"
    );
    assert!(
        understood
            .iter()
            .any(|l| l.contains("no passage has every word")),
        "{understood:?}"
    );
    let why = &json["hits"][0]["explain"];
    assert!(why["score"].as_f64().unwrap() > 0.0);
    assert!(why["matched"][0].as_str().unwrap().contains("→"), "{why}");
    let text = env.run(&[
        "search",
        "sanctions",
        "--index",
        "idx",
        "--explain",
        "-n",
        "1",
        "--color",
        "never",
    ]);
    let printed = stdout(&text);
    assert!(
        printed.starts_with("query understood as:\n  sanctions → sanction (as typed)"),
        "{printed}"
    );
    assert!(printed.contains("why: "), "{printed}");
}
