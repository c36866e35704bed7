//! JSON Lines feeds (`.jsonl`, `.ndjson`, optionally gzip-compressed): one document per record.
//!
//! Common field names are recognised (text/body/content, id, title, date/published/year,
//! source, url, author, tags); `--text-field`, `--id-field`, `--title-field` and `--date-field`
//! name others. Every other scalar field is kept as metadata. A record's passages cite the file,
//! the record's line, and byte offsets inside its text field.
//!
//! A malformed record is reported with its line and the parser's message and skipped; a
//! compressed stream that ends early keeps every record read before the break.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::{
    build_document, chunk, doc_id_for, DocumentParts, Item, ReadOptions, Skip, SkipReason,
    SourceFile, MAX_INFLATION,
};
use crate::model::meta::{self, Meta};

const TEXT_FIELDS: &[&str] = &[
    "text",
    "body",
    "content",
    "full_text",
    "article",
    "abstract",
];
const ID_FIELDS: &[&str] = &["id", "doc_id", "docid", "_id", "uuid", "guid"];
const TITLE_FIELDS: &[&str] = &["title", "headline", "name"];
const DATE_FIELDS: &[&str] = &[
    "date",
    "published",
    "published_at",
    "datepublished",
    "pubdate",
    "publication_date",
    "timestamp",
];

/// Which record fields hold the text, id, title and date (`None`: recognise common names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldNames {
    pub text: Option<String>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
}

/// Reads a feed, handing each record's document (or skip) to `sink`.
pub(super) fn read<E>(
    source: &SourceFile,
    gzip: bool,
    options: &ReadOptions,
    is_current: &mut dyn FnMut(&str, &str) -> bool,
    sink: &mut dyn FnMut(Item) -> Result<(), E>,
) -> Result<(), E> {
    let skip = |reason| {
        Item::Skip(Skip {
            path: source.path.clone(),
            reason,
        })
    };
    let file = match std::fs::File::open(&source.path) {
        Ok(file) => file,
        Err(e) => return sink(skip(SkipReason::Unreadable(e.kind().to_string()))),
    };
    let compressed = file.metadata().map_or(0, |m| m.len());
    let inner: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut reader = BufReader::with_capacity(1 << 18, inner);
    let path = doc_id_for(&source.path);
    let limit = options.max_document_bytes();
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut records = 0u64;
    // Bytes read (inflated, for a compressed feed), to stop a decompression bomb.
    let mut inflated = 0u64;
    let read_error = |e: std::io::Error, number: u64| {
        if gzip {
            SkipReason::Truncated {
                line: number,
                message: e.to_string(),
            }
        } else {
            SkipReason::Unreadable(e.to_string())
        }
    };
    loop {
        line.clear();
        // A line is read up to the document limit only: a longer record is skipped, the rest
        // of its line read through without being kept.
        match (&mut reader).take(limit + 1).read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(n) => inflated += n as u64,
            Err(e) => return sink(skip(read_error(e, number))),
        }
        let too_long = line.len() as u64 > limit && line.last() != Some(&b'\n');
        if too_long {
            // Through a compressed feed, no further than a bomb would take it.
            let budget = match gzip {
                true => MAX_INFLATION
                    .saturating_mul(compressed)
                    .saturating_sub(inflated)
                    .saturating_add(1),
                false => u64::MAX,
            };
            match skip_line(&mut reader, budget) {
                Ok(n) => inflated += n,
                Err(e) => return sink(skip(read_error(e, number + 1))),
            }
        }
        if gzip && inflated > limit && inflated > MAX_INFLATION.saturating_mul(compressed) {
            return sink(skip(SkipReason::TooLarge {
                line: Some(number + 1),
                message: format!(
                    "the compressed feed inflates to more than {MAX_INFLATION} times its size \
                     ({inflated} bytes from {compressed}): a decompression bomb? It is read no \
                     further; the records before this line were read"
                ),
            }));
        }
        if too_long {
            number += 1;
            sink(skip(super::too_large(Some(number), "the record", limit)))?;
            continue;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record: Map<String, Value> = match serde_json::from_slice(&line) {
            Ok(Value::Object(record)) => record,
            Ok(_) => {
                sink(skip(SkipReason::BadRecord {
                    line: number,
                    message: "not a JSON object".into(),
                }))?;
                continue;
            }
            Err(e) => {
                sink(skip(SkipReason::BadRecord {
                    line: number,
                    message: format!("invalid JSON: {e}"),
                }))?;
                continue;
            }
        };
        records += 1;
        match record_document(record, &path, number, &line, options, is_current) {
            Ok(item) => sink(item)?,
            Err(message) => sink(skip(SkipReason::BadRecord {
                line: number,
                message,
            }))?,
        }
    }
    if records == 0 && number == 0 {
        return sink(skip(SkipReason::Empty));
    }
    Ok(())
}

/// Reads through the rest of a line without keeping it (or through `budget` bytes of it, if
/// fewer); the bytes read.
fn skip_line(reader: &mut impl BufRead, budget: u64) -> std::io::Result<u64> {
    let mut skipped = 0u64;
    while skipped < budget {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(skipped);
        }
        let (used, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        reader.consume(used);
        skipped += used as u64;
        if done {
            return Ok(skipped);
        }
    }
    Ok(skipped)
}

/// Takes the first present field of `names` (or the one the user named) out of the record.
fn take_field(
    record: &mut Map<String, Value>,
    chosen: Option<&str>,
    names: &[&str],
) -> Option<(String, Value)> {
    if let Some(name) = chosen {
        return record.remove(name).map(|v| (name.to_owned(), v));
    }
    let key = record
        .keys()
        .find(|k| names.contains(&k.to_ascii_lowercase().as_str()))?
        .clone();
    record.remove(&key).map(|v| (key, v))
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn record_document(
    mut record: Map<String, Value>,
    path: &str,
    line: u64,
    raw: &[u8],
    options: &ReadOptions,
    is_current: &mut dyn FnMut(&str, &str) -> bool,
) -> Result<Item, String> {
    let fields = &options.fields;
    let Some((text_field, text)) = take_field(&mut record, fields.text.as_deref(), TEXT_FIELDS)
    else {
        return Err(match &fields.text {
            Some(name) => format!("no `{name}` field"),
            None => format!(
                "no text field (looked for {}; name it with --text-field)",
                TEXT_FIELDS.join(", ")
            ),
        });
    };
    let Value::String(text) = text else {
        return Err(format!("field `{text_field}` is not a string"));
    };
    let doc_id = take_field(&mut record, fields.id.as_deref(), ID_FIELDS)
        .and_then(|(_, v)| scalar_text(&v))
        .filter(|id| !id.trim().is_empty())
        .unwrap_or_else(|| format!("{path}:{line}"));
    let version = options.version(raw);
    if is_current(&doc_id, &version) {
        return Ok(Item::Unchanged { doc_id });
    }
    let title = take_field(&mut record, fields.title.as_deref(), TITLE_FIELDS)
        .and_then(|(_, v)| scalar_text(&v))
        .filter(|t| !t.trim().is_empty());
    let mut meta = Meta::new();
    if let Some((_, date)) = take_field(&mut record, fields.date.as_deref(), DATE_FIELDS) {
        meta::insert(&mut meta, "date", date);
    }
    for (key, value) in record {
        let key = match key.to_ascii_lowercase().as_str() {
            "outlet" | "publisher" | "site" | "site_name" => "source".to_owned(),
            "link" | "permalink" => "url".to_owned(),
            "byline" | "authors" => "author".to_owned(),
            "keywords" => "tags".to_owned(),
            _ => key,
        };
        meta::insert(&mut meta, &key, value);
    }
    meta::date_from_aliases(&mut meta);
    // The whole text field is the record's: its first line is only the title when the record
    // has none, or when it repeats it.
    let chunked = chunk::chunk_record(&text, &options.chunk, title.as_deref());
    if chunked.chunks.is_empty() {
        return Ok(Item::Skip(Skip {
            path: PathBuf::from(path),
            reason: SkipReason::EmptyRecord {
                line,
                field: text_field,
            },
        }));
    }
    let title = title
        .or_else(|| chunked.title.clone())
        .unwrap_or_else(|| doc_id.clone());
    let mut doc = build_document(
        DocumentParts {
            doc_id,
            path: path.to_owned(),
            title,
            meta,
            field: Some(text_field),
            bytes: raw.len() as u64,
            record_line: Some(line),
        },
        chunked,
        None,
    );
    doc.version = version;
    Ok(Item::Document(Box::new(doc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{read_all, Format};
    use std::io::Write;

    fn items(content: &[u8], gzip: bool, options: &ReadOptions) -> Vec<Item> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir
            .path()
            .join(if gzip { "feed.jsonl.gz" } else { "feed.jsonl" });
        let bytes = if gzip {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(content).unwrap();
            enc.finish().unwrap()
        } else {
            content.to_vec()
        };
        std::fs::write(&path, bytes).unwrap();
        read_all(
            &SourceFile {
                path,
                format: Format::Jsonl { gzip },
            },
            options,
        )
    }

    const FEED: &[u8] = br#"{"id": "IRN_72_2017", "country": "IRN", "year": 2017, "session": 72, "title": "Iran 2017", "text": "First paragraph of the speech, long enough to be a paragraph of a speech read out in the General Assembly hall.\nSecond paragraph, about sanctions, which the delegation wishes to raise before the General Assembly today."}
{"id": "bad", "text": "unterminated
{"id": "USA_72_2017", "body": "Only one paragraph here.", "published": "2017-09-19", "outlet": "UN"}
{"title": "no text"}
"#;

    #[test]
    fn records_become_documents_with_metadata_and_citations() {
        let all = items(FEED, false, &ReadOptions::default());
        let docs: Vec<&crate::model::Document> = all
            .iter()
            .filter_map(|i| match i {
                Item::Document(d) => Some(d.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(docs.len(), 2);
        let iran = docs[0];
        assert_eq!(iran.doc_id, "IRN_72_2017");
        assert_eq!(iran.title, "Iran 2017");
        assert_eq!(iran.meta["country"], "IRN");
        assert_eq!(iran.meta["year"], 2017);
        assert!(!iran.meta.contains_key("date"), "a year is not a date");
        let second = &iran.passages[1];
        assert_eq!(second.passage_id, "IRN_72_2017#2");
        assert_eq!((second.line_start, second.line_end), (1, 1));
        assert_eq!(second.field.as_deref(), Some("text"));
        let field: Value =
            serde_json::from_slice(FEED.split(|&b| b == b'\n').next().unwrap()).unwrap();
        let field = field["text"].as_str().unwrap();
        assert_eq!(
            &field[second.byte_start as usize..second.byte_end as usize],
            second.text,
            "offsets count inside the text field"
        );
        let usa = docs[1];
        assert_eq!(usa.meta["source"], "UN");
        assert_eq!(usa.meta["date"], "2017-09-19");
        assert_eq!(usa.passages[0].line_start, 3);

        let skips: Vec<String> = all
            .iter()
            .filter_map(|i| match i {
                Item::Skip(s) => Some(s.reason.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(skips.len(), 2, "{skips:?}");
        assert!(skips[0].starts_with("line 2: invalid JSON"), "{skips:?}");
        assert!(skips[1].starts_with("line 4: no text field"), "{skips:?}");
    }

    /// A headline feed: a record with any text is a document; one without is reported with its
    /// line (by default, not only with --verbose) and counted.
    #[test]
    fn short_records_are_documents_and_empty_ones_are_reported() {
        let feed = br#"{"id":"c","title":"Wire","text":"Iran rejects new sanctions on oil"}
{"id":"d","title":"Wire","text":""}
{"id":"e","text":"Oil Embargo\n\nTehran says it will not negotiate."}
{"id":"f","text":"   \n "}
"#;
        let all = items(feed, false, &ReadOptions::default());
        let docs: Vec<&crate::model::Document> = all
            .iter()
            .filter_map(|i| match i {
                Item::Document(d) => Some(d.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(docs.len(), 2, "{all:?}");
        let wire = docs[0];
        assert_eq!(wire.doc_id, "c");
        assert_eq!(wire.title, "Wire");
        assert_eq!(wire.passages.len(), 1);
        let p = &wire.passages[0];
        assert_eq!(p.text, "Iran rejects new sanctions on oil");
        assert_eq!(p.section, None);
        assert_eq!((p.line_start, p.line_end), (1, 1));
        assert_eq!((p.byte_start, p.byte_end), (0, 33));
        assert_eq!(p.field.as_deref(), Some("text"));
        // Without a title field, a title-like first line is the title, and not lost.
        assert_eq!(docs[1].title, "Oil Embargo");
        assert_eq!(
            docs[1].passages[0].text,
            "Tehran says it will not negotiate."
        );

        let skips: Vec<&SkipReason> = all
            .iter()
            .filter_map(|i| match i {
                Item::Skip(s) => Some(&s.reason),
                _ => None,
            })
            .collect();
        assert_eq!(skips.len(), 2, "{skips:?}");
        for (skip, line) in skips.iter().zip([2, 4]) {
            assert_eq!(
                **skip,
                SkipReason::EmptyRecord {
                    line,
                    field: "text".into()
                }
            );
            assert!(skip.is_reported() && !skip.is_error());
            assert_eq!(
                skip.to_string(),
                format!("line {line}: the record has no text to index in its `text` field")
            );
        }
    }

    #[test]
    fn a_records_update_date_gives_the_date_when_it_has_none() {
        let feed =
            br#"{"id": "u", "text": "Iran rejects new sanctions.", "updated": "Apr. 9, 2026"}"#;
        let all = items(feed, false, &ReadOptions::default());
        let Item::Document(doc) = &all[0] else {
            panic!("{all:?}")
        };
        assert_eq!(doc.meta["date"], "2026-04-09");
        assert_eq!(doc.meta["year"], 2026);
        assert_eq!(doc.meta["updated"], "Apr. 9, 2026");
        assert_eq!(doc.passages[0].meta["date"], "2026-04-09");
    }

    #[test]
    fn fields_can_be_named() {
        let feed =
            br#"{"key": "a1", "headline": "H", "story": "Some story text.", "when": "2020-05-06"}"#;
        let options = ReadOptions {
            fields: FieldNames {
                text: Some("story".into()),
                id: Some("key".into()),
                title: None,
                date: Some("when".into()),
            },
            ..ReadOptions::default()
        };
        let all = items(feed, false, &options);
        let Item::Document(doc) = &all[0] else {
            panic!("{all:?}")
        };
        assert_eq!(doc.doc_id, "a1");
        assert_eq!(doc.title, "H");
        assert_eq!(doc.meta["date"], "2020-05-06");
        assert_eq!(doc.passages[0].field.as_deref(), Some("story"));
    }

    #[test]
    fn a_truncated_gzip_stream_keeps_the_records_before_the_break() {
        let mut content = Vec::new();
        for i in 0..200 {
            content.extend_from_slice(
                format!("{{\"id\": \"d{i}\", \"text\": \"Record number {i} about the sanctions regime and its effects.\"}}\n").as_bytes(),
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&content).unwrap();
        let full = enc.finish().unwrap();
        std::fs::write(&path, &full[..full.len() * 2 / 3]).unwrap();
        let all = read_all(
            &SourceFile {
                path,
                format: Format::Jsonl { gzip: true },
            },
            &ReadOptions::default(),
        );
        let docs = all
            .iter()
            .filter(|i| matches!(i, Item::Document(_)))
            .count();
        assert!(docs > 50, "{docs} documents before the break");
        assert!(
            matches!(
                all.last(),
                Some(Item::Skip(Skip {
                    reason: SkipReason::Truncated { .. },
                    ..
                }))
            ),
            "{:?}",
            all.last()
        );
    }

    /// A record over the document limit is skipped with its line and the records after it are
    /// read; a gzip bomb (here a run of 4 MB of one byte, inflating some 1,000 times) is read
    /// no further once it inflates past the limit and 100 times its size.
    #[test]
    fn records_over_the_limit_and_gzip_bombs_are_skipped_with_bounded_memory() {
        let options = ReadOptions {
            max_document_bytes: Some(1 << 10),
            ..ReadOptions::default()
        };
        let huge = format!(
            "{{\"id\": \"big\", \"text\": \"{}\"}}",
            "word ".repeat(1000)
        );
        let feed = format!(
            "{{\"id\": \"a\", \"text\": \"Before.\"}}\n{huge}\n{{\"id\": \"b\", \"text\": \"After.\"}}\n"
        );
        for gzip in [false, true] {
            let found = items(feed.as_bytes(), gzip, &options);
            let ids: Vec<&str> = found
                .iter()
                .filter_map(|i| match i {
                    Item::Document(d) => Some(d.doc_id.as_str()),
                    _ => None,
                })
                .collect();
            assert_eq!(ids, ["a", "b"], "gzip {gzip}");
            let skip = found
                .iter()
                .find_map(|i| match i {
                    Item::Skip(s) => Some(s.reason.clone()),
                    _ => None,
                })
                .unwrap();
            assert!(matches!(skip, SkipReason::TooLarge { line: Some(2), .. }));
            assert!(skip.is_error());
            assert!(skip.to_string().contains("--max-document-mb"), "{skip}");
        }

        let mut bomb = b"{\"id\": \"a\", \"text\": \"Before the bomb.\"}\n".to_vec();
        bomb.extend(std::iter::repeat_n(b'a', 4 << 20));
        bomb.extend(b"\n{\"id\": \"b\", \"text\": \"Never read.\"}\n");
        let found = items(&bomb, true, &options);
        assert!(matches!(&found[0], Item::Document(d) if d.doc_id == "a"));
        let Item::Skip(skip) = &found[1] else {
            panic!("{:?}", found[1])
        };
        assert!(
            skip.reason.to_string().contains("decompression bomb"),
            "{}",
            skip.reason
        );
        assert_eq!(found.len(), 2);
    }
}
