//! Chunking benchmark: paragraph-boundary precision, recall and F1 of the chunker on the UN
//! General Debate corpus, plus passage-length distributions and chunking speed.
//!
//! ```sh
//! cargo bench --bench chunking                       # corpus at ../shared/corpora/ungd/
//! DOSSIER_UNGD=/path/speeches.jsonl.gz cargo bench --bench chunking
//! ```
//!
//! Ground truth comes from the one-paragraph-per-line speeches, where every line is a paragraph.
//! The clean ones (no blank lines, no page furniture, every line ending a sentence) are laid out
//! three ways and chunked:
//! 1. as they are (one paragraph per line);
//! 2. with a blank line between paragraphs;
//! 3. re-wrapped at 45–60 columns like the PDF columns of 1992–2014, with no paragraph marks,
//!    occasional page footers (`7 10-54833`) and running heads between blank lines, trailing
//!    spaces, and in one speech out of four an indented first line of each paragraph.
//!
//! A boundary is the source line on which a paragraph starts (the first paragraph of each speech
//! is not counted). Then the real hard-wrapped speeches are chunked and their paragraph and
//! passage lengths compared with the one-per-line speeches'.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::time::Instant;

use dossier::ingest::chunk::{chunk_text, ends_sentence, ChunkOptions, Chunked};
use dossier::ingest::debris::is_page_furniture;

#[derive(serde::Deserialize)]
struct Speech {
    id: String,
    session: u32,
    text: String,
    layout: String,
}

#[derive(Default)]
struct Score {
    true_positives: usize,
    predicted: usize,
    truth: usize,
}

impl Score {
    fn add(&mut self, truth: &BTreeSet<u64>, predicted: &BTreeSet<u64>) {
        self.true_positives += truth.intersection(predicted).count();
        self.predicted += predicted.len();
        self.truth += truth.len();
    }

    fn report(&self, name: &str) {
        let p = self.true_positives as f64 / self.predicted.max(1) as f64;
        let r = self.true_positives as f64 / self.truth.max(1) as f64;
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        println!(
            "{name:<28} boundaries {:>7}  precision {p:.4}  recall {r:.4}  F1 {f1:.4}",
            self.truth
        );
    }
}

/// A tiny deterministic generator (the benchmark must give the same text every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Lines on which paragraphs start, the first one excluded.
fn predicted_starts(chunked: &Chunked) -> BTreeSet<u64> {
    chunked
        .chunks
        .iter()
        .filter(|c| c.part.is_none_or(|p| p == 1))
        .map(|c| c.line_start)
        .skip(1)
        .collect()
}

fn is_clean(paragraphs: &[&str]) -> bool {
    paragraphs.len() >= 3
        && paragraphs.iter().all(|p| {
            !p.trim().is_empty()
                && !is_page_furniture(p)
                && ends_sentence(p)
                && !p.starts_with([' ', '\t'])
                && p.chars().count() >= 20
        })
}

/// Greedy word wrap at `width` characters.
fn wrap(paragraph: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The speech re-wrapped as a PDF column; returns the text and the lines paragraphs start on.
fn rewrap(paragraphs: &[&str], session: u32, rng: &mut Rng) -> (String, BTreeSet<u64>) {
    let width = 45 + rng.below(16) as usize;
    let indent = rng.below(4) == 0;
    let mut out = String::new();
    let mut line_no = 0u64;
    let mut starts = BTreeSet::new();
    let mut next_page_break = 35 + rng.below(30);
    let mut page = 2 + rng.below(20);
    let job = 10_000 + rng.below(89_999);
    let push = |out: &mut String, line: &str, line_no: &mut u64| {
        out.push_str(line);
        out.push('\n');
        *line_no += 1;
    };
    for (i, paragraph) in paragraphs.iter().enumerate() {
        for (j, line) in wrap(paragraph, width).into_iter().enumerate() {
            if line_no >= next_page_break {
                let footer = if page.is_multiple_of(2) {
                    format!("{page} {}-{job}", 10 + session % 90)
                } else {
                    format!("{}-{job} {page}/40", 10 + session % 90)
                };
                push(&mut out, &footer, &mut line_no);
                push(&mut out, "", &mut line_no);
                if rng.below(2) == 0 {
                    let head = format!("A/{session}/PV.{} 2{}/09/2010", 5 + page % 20, page % 9);
                    push(&mut out, &head, &mut line_no);
                    push(&mut out, "", &mut line_no);
                }
                page += 1;
                next_page_break = line_no + 40 + rng.below(30);
            }
            if j == 0 && i > 0 {
                starts.insert(line_no + 1);
            }
            let mut text = String::new();
            if j == 0 && indent {
                text.push(' ');
            }
            text.push_str(&line);
            if rng.below(5) == 0 {
                text.push(' ');
            }
            push(&mut out, &text, &mut line_no);
        }
    }
    (out, starts)
}

struct Lengths(Vec<usize>);

impl Lengths {
    fn report(&mut self, name: &str) {
        let v = &mut self.0;
        v.sort_unstable();
        let n = v.len().max(1) as f64;
        let under = v.iter().filter(|&&l| l < 40).count() as f64 / n;
        let over = v.iter().filter(|&&l| l > 1500).count() as f64 / n;
        println!(
            "{name:<44} n {:>7}  median {:>5}  p90 {:>5}  <40 chars {:>5.2}%  >1500 chars {:>5.2}%",
            v.len(),
            v.get(v.len() / 2).copied().unwrap_or(0),
            v.get(v.len() * 9 / 10).copied().unwrap_or(0),
            under * 100.0,
            over * 100.0
        );
    }
}

fn main() {
    let path = std::env::var_os("DOSSIER_UNGD").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/corpora/ungd/speeches.jsonl.gz")
        },
        PathBuf::from,
    );
    let Ok(file) = std::fs::File::open(&path) else {
        println!(
            "chunking benchmark skipped: no corpus at {} (set DOSSIER_UNGD)",
            path.display()
        );
        return;
    };
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let unsplit = ChunkOptions {
        max_chars: usize::MAX,
    };
    let split = ChunkOptions::default();
    let (mut original, mut blank, mut rewrapped) =
        (Score::default(), Score::default(), Score::default());
    let (mut clean, mut line_speeches, mut wrapped_speeches) = (0, 0, 0);
    let mut paragraph_lengths = [Lengths(Vec::new()), Lengths(Vec::new())];
    let mut passage_lengths = [Lengths(Vec::new()), Lengths(Vec::new())];
    let (mut bytes, mut chunk_time) = (0usize, 0f64);
    let mut rng = Rng(2026);
    for line in reader.lines() {
        let line = line.expect("corpus reads");
        let speech: Speech = serde_json::from_str(&line).expect("corpus record");
        let hard = speech.layout == "hard_wrapped";
        let which = usize::from(hard);
        if hard {
            wrapped_speeches += 1;
        } else {
            line_speeches += 1;
        }
        let started = Instant::now();
        let whole = chunk_text(&speech.text, &unsplit);
        let parts = chunk_text(&speech.text, &split);
        chunk_time += started.elapsed().as_secs_f64() / 2.0;
        bytes += speech.text.len();
        paragraph_lengths[which]
            .0
            .extend(whole.chunks.iter().map(|c| c.text.chars().count()));
        passage_lengths[which]
            .0
            .extend(parts.chunks.iter().map(|c| c.text.chars().count()));
        if hard {
            continue;
        }
        let paragraphs: Vec<&str> = speech.text.split('\n').collect();
        if !is_clean(&paragraphs) {
            continue;
        }
        clean += 1;
        let truth: BTreeSet<u64> = (2..=paragraphs.len() as u64).collect();
        original.add(&truth, &predicted_starts(&whole));

        let spaced = paragraphs.join("\n\n");
        let truth: BTreeSet<u64> = (1..paragraphs.len() as u64).map(|i| 2 * i + 1).collect();
        blank.add(&truth, &predicted_starts(&chunk_text(&spaced, &unsplit)));

        let (text, truth) = rewrap(&paragraphs, speech.session, &mut rng);
        let predicted = predicted_starts(&chunk_text(&text, &unsplit));
        if std::env::var_os("DOSSIER_BENCH_DEBUG").is_some() && truth != predicted {
            let missed: Vec<_> = truth.difference(&predicted).take(3).collect();
            let extra: Vec<_> = predicted.difference(&truth).take(3).collect();
            eprintln!("{}: missed {missed:?} extra {extra:?}", speech.id);
            let lines: Vec<&str> = text.lines().collect();
            for &&m in missed.iter().take(2) {
                let m = m as usize;
                eprintln!("    {:?}\n    {:?}", lines[m - 2], lines[m - 1]);
            }
        }
        rewrapped.add(&truth, &predicted);
    }
    println!("corpus: {} ({line_speeches} one-per-line speeches, {clean} clean; {wrapped_speeches} hard-wrapped)", path.display());
    println!("\nparagraph boundaries on the {clean} clean one-per-line speeches:");
    original.report("original one-per-line");
    blank.report("blank-line paragraphs");
    rewrapped.report("re-wrapped at 45-60 columns");
    println!("\nlengths in characters:");
    paragraph_lengths[0].report("paragraphs, one-per-line speeches");
    paragraph_lengths[1].report("paragraphs, hard-wrapped speeches (rebuilt)");
    passage_lengths[0].report("passages (split at 1500), one-per-line");
    passage_lengths[1].report("passages (split at 1500), hard-wrapped");
    println!(
        "\nchunking speed: {:.1} MB in {:.2} s = {:.1} MB/s (one thread)",
        bytes as f64 / 1e6,
        chunk_time,
        bytes as f64 / 1e6 / chunk_time
    );
}
