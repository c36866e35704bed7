//! Metadata for files that cannot carry their own (a plain-text speech named `IRN_65_2010.txt`
//! knows nothing of its country or year), given beside them:
//!
//! - **a sidecar file** `FILE.meta.json` beside `FILE` (`IRN_65_2010.txt.meta.json`; also
//!   `IRN_65_2010.meta.json`, for every file of that stem): a JSON object of `key: value`;
//! - **a metadata table** in the file's directory, keyed by file name: `metadata.csv` (a header
//!   row, a `file` column holding the file name, or its stem, and one column per key; a header
//!   `Publication Date` is the key `publication_date`) or
//!   `metadata.jsonl` (one object per line, with a `file` field). A table applies to the files of
//!   its own directory, not to subdirectories;
//! - **a file-name pattern** ([`NamePattern`], `{country}_{session}_{year}`): the parts of the
//!   file name are the values of the keys.
//!
//! A key `title` sets the document's title; every other key is metadata, read like any other
//! (`year` as a number, `date` normalised, `tags` split at commas). Where they disagree, the
//! most specific wins: the document's own metadata, then the name pattern, then the table, then
//! the sidecar file. Sidecars, tables and patterns apply to text, Markdown and HTML files; a
//! feed's records carry their own fields.
//!
//! A sidecar or a table is never a document itself (`metadata.jsonl` is a table, not a feed, when
//! other documents sit beside it). A malformed one is a warning naming its path (and the line, in
//! a table), and the document is still read, without the metadata it could not give. What the
//! sidecars give is part of the document's version: editing them re-ingests the document.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::model::meta::{self, Meta};

/// The metadata table of a directory, as CSV.
pub const TABLE_CSV: &str = "metadata.csv";
/// The metadata table of a directory, as JSON Lines.
pub const TABLE_JSONL: &str = "metadata.jsonl";
/// What a sidecar file's name ends with.
pub const SIDECAR_SUFFIX: &str = ".meta.json";
/// The column (or field) of a table that names the file a row is for.
const FILE_COLUMN: &str = "file";

/// Whether `path` names a sidecar file or a CSV table: metadata, never a document. (Whether a
/// `metadata.jsonl` is a table depends on what sits beside it: see [`is_metadata_table`].)
pub fn is_sidecar(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    name.ends_with(SIDECAR_SUFFIX) || name == TABLE_CSV
}

/// Whether `path` is a metadata table rather than a document: a `metadata.csv`, or a
/// `metadata.jsonl` with other documents beside it (alone, it is read as a feed).
pub fn is_metadata_table(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    match name.to_ascii_lowercase().as_str() {
        TABLE_CSV => true,
        TABLE_JSONL => has_documents_beside(path),
        _ => false,
    }
}

fn has_documents_beside(path: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(directory_of(path)) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let other = entry.path();
        let visible = !entry.file_name().to_string_lossy().starts_with('.');
        visible
            && other.file_name() != path.file_name()
            && entry.file_type().is_ok_and(|t| t.is_file())
            && super::format_for(&other).is_some()
            && !is_sidecar(&other)
            && !other
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case(TABLE_JSONL))
    })
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// A file-name pattern such as `{country}_{session}_{year}`: the parts of a file's name (its
/// stem, without the extension) between the literal text become the values of the keys in
/// braces. `{_}` matches a part that is not kept. Each key takes the shortest text that lets
/// the rest of the name match, and the whole stem must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// A key (`None`: `{_}`, matched but not kept).
    Field(Option<String>),
}

impl NamePattern {
    /// Reads a pattern; the error says what is wrong with it.
    pub fn parse(pattern: &str) -> Result<NamePattern, String> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        while !rest.is_empty() {
            match rest.find(['{', '}']) {
                Some(0) if rest.starts_with('}') => {
                    return Err(format!("`}}` without `{{` in `{pattern}`"));
                }
                Some(0) => {
                    let close = rest
                        .find('}')
                        .ok_or_else(|| format!("`{{` without `}}` in `{pattern}`"))?;
                    let key = rest[1..close].trim();
                    if key.is_empty() || key.contains('{') {
                        return Err(format!(
                            "empty or nested key in `{pattern}` (name it: `{{country}}`, or `{{_}}` to skip a part)"
                        ));
                    }
                    if !key
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                    {
                        return Err(format!(
                            "key `{key}` in `{pattern}`: use letters, digits, `_` and `-`"
                        ));
                    }
                    if matches!(parts.last(), Some(Part::Field(_))) {
                        return Err(format!(
                            "two keys in a row in `{pattern}`: put the text that separates them between them"
                        ));
                    }
                    parts.push(Part::Field((key != "_").then(|| key.to_lowercase())));
                    rest = &rest[close + 1..];
                }
                Some(at) => {
                    parts.push(Part::Literal(rest[..at].to_owned()));
                    rest = &rest[at..];
                }
                None => {
                    parts.push(Part::Literal(rest.to_owned()));
                    rest = "";
                }
            }
        }
        if !parts.iter().any(|p| matches!(p, Part::Field(Some(_)))) {
            return Err(format!(
                "no key in `{pattern}` (write the keys in braces: `{{country}}_{{session}}_{{year}}`)"
            ));
        }
        Ok(NamePattern {
            source: pattern.to_owned(),
            parts,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The keys and values the pattern reads from a file stem (`IRN_65_2010` →
    /// country `IRN`, session `65`, year `2010`), or `None` when the name does not match.
    pub fn apply(&self, file_stem: &str) -> Option<Vec<(String, String)>> {
        let mut values = Vec::new();
        match_parts(&self.parts, file_stem, &mut values).then_some(values)
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Matches `parts` against all of `text`, pushing the keys' values; backtracks over the lengths
/// of the fields, shortest first.
fn match_parts(parts: &[Part], text: &str, values: &mut Vec<(String, String)>) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((Part::Literal(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|after| match_parts(rest, after, values)),
        Some((Part::Field(key), rest)) => {
            let ends = text
                .char_indices()
                .map(|(i, c)| i + c.len_utf8())
                .collect::<Vec<_>>();
            for end in ends {
                let mark = values.len();
                if let Some(key) = key {
                    values.push((key.clone(), text[..end].to_owned()));
                }
                if match_parts(rest, &text[end..], values) {
                    return true;
                }
                values.truncate(mark);
            }
            false
        }
    }
}

/// The metadata tables read in this run, by path, so that each is read (and its problems
/// reported) once however many files it describes. Clones share the tables read.
#[derive(Debug, Clone, Default)]
pub struct MetadataTables {
    /// By path: the table, or `None` when there is no file there.
    read: Arc<Mutex<HashMap<PathBuf, Option<Arc<Table>>>>>,
}

impl MetadataTables {
    /// The table at `path` (`None` when there is none), and whether it was read just now.
    fn get(&self, path: &Path) -> Option<(Arc<Table>, bool)> {
        if let Ok(read) = self.read.lock() {
            if let Some(known) = read.get(path) {
                return known.clone().map(|table| (table, false));
            }
        }
        let table = Table::read(path).map(Arc::new);
        if let Ok(mut read) = self.read.lock() {
            read.insert(path.to_path_buf(), table.clone());
        }
        table.map(|table| (table, true))
    }
}

/// One metadata table: its rows by file name, and its problems.
#[derive(Debug, Default)]
struct Table {
    rows: HashMap<String, Vec<(String, Value)>>,
    /// Problems of the table as a whole, or of rows that name no file: `(line, message)`.
    problems: Vec<(Option<u64>, String)>,
    /// Problems of the rows of one file, by file name.
    row_problems: HashMap<String, Vec<(u64, String)>>,
}

impl Table {
    /// Reads the table at `path`; `None` when there is no such file.
    fn read(path: &Path) -> Option<Table> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                return Some(Table {
                    problems: vec![(None, format!("cannot read the metadata table: {e}"))],
                    ..Table::default()
                })
            }
        };
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let mut table = Table::default();
        if is_csv {
            table.read_csv(bytes);
        } else {
            table.read_jsonl(bytes);
        }
        Some(table)
    }

    fn read_csv(&mut self, bytes: &[u8]) {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(column_key).collect(),
            Err(e) => {
                self.problems
                    .push((Some(1), format!("cannot read the header row: {e}")));
                return;
            }
        };
        let Some(file_column) = headers.iter().position(|h| h == FILE_COLUMN) else {
            self.problems.push((
                Some(1),
                format!(
                    "no `{FILE_COLUMN}` column to name the files (the header is: {})",
                    headers.join(", ")
                ),
            ));
            return;
        };
        for record in reader.records() {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    self.problems.push((line, format!("unreadable row: {e}")));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let file = record.get(file_column).unwrap_or("").to_owned();
            if record.len() != headers.len() {
                let message = format!(
                    "{} fields where the header has {}; the row is not used",
                    record.len(),
                    headers.len()
                );
                self.row_problem(&file, line, message);
                continue;
            }
            let values = headers
                .iter()
                .zip(record.iter())
                .enumerate()
                .filter(|(i, _)| *i != file_column)
                .map(|(_, (key, value))| (key.clone(), Value::String(value.to_owned())))
                .collect();
            self.add_row(file, line, values);
        }
    }

    fn read_jsonl(&mut self, bytes: &[u8]) {
        for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = i as u64 + 1;
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut record: Map<String, Value> = match serde_json::from_slice(raw) {
                Ok(Value::Object(record)) => record,
                Ok(_) => {
                    self.problems
                        .push((Some(line), "not a JSON object".to_owned()));
                    continue;
                }
                Err(e) => {
                    self.problems
                        .push((Some(line), format!("invalid JSON: {e}")));
                    continue;
                }
            };
            let file = match record.remove(FILE_COLUMN) {
                Some(Value::String(file)) => file,
                _ => String::new(),
            };
            self.add_row(file, line, record.into_iter().collect());
        }
    }

    fn add_row(&mut self, file: String, line: u64, values: Vec<(String, Value)>) {
        let file = file.trim().to_owned();
        if file.is_empty() {
            self.problems.push((
                Some(line),
                format!("no file name in the `{FILE_COLUMN}` field; the row is not used"),
            ));
            return;
        }
        match self.rows.entry(file) {
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(values);
            }
            std::collections::hash_map::Entry::Occupied(entry) => {
                let file = entry.key().clone();
                let message = format!("`{file}` is listed twice; its first row is used");
                self.row_problem(&file, line, message);
            }
        }
    }

    fn row_problem(&mut self, file: &str, line: u64, message: String) {
        if file.trim().is_empty() {
            self.problems.push((Some(line), message));
        } else {
            self.row_problems
                .entry(file.trim().to_owned())
                .or_default()
                .push((line, message));
        }
    }
}

/// The metadata key a column header names: `Publication Date` → `publication_date`.
fn column_key(header: &str) -> String {
    let key: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    key.trim_matches('_').to_owned()
}

/// What the sidecars, the tables and the name pattern say of one file.
#[derive(Debug, Default)]
pub struct FileMeta {
    /// The metadata, merged in order (pattern, table, sidecar file).
    pub meta: Meta,
    /// A `title` given for the file.
    pub title: Option<String>,
    /// Problems with the sidecars: the sidecar's path and what is wrong.
    pub warnings: Vec<(PathBuf, String)>,
}

impl FileMeta {
    /// A digest of what the sidecars give, for the document's version (empty when they give
    /// nothing).
    pub fn digest(&self) -> String {
        if self.meta.is_empty() && self.title.is_none() {
            return String::new();
        }
        let value = serde_json::json!({ "meta": self.meta, "title": self.title });
        value.to_string()
    }

    fn add(&mut self, key: &str, value: Value) {
        if key.trim().eq_ignore_ascii_case("title") {
            if let Some(title) = value.as_str().map(crate::model::normalize_whitespace) {
                if !title.is_empty() {
                    self.title = Some(title);
                }
            }
            return;
        }
        let mut one = Meta::new();
        meta::insert(&mut one, key, value);
        meta::overlay(&mut self.meta, &one);
    }
}

/// The metadata a file's name gives under `pattern` (nothing without one, or when the name does
/// not match).
pub fn for_name(path: &Path, pattern: Option<&NamePattern>) -> FileMeta {
    let mut found = FileMeta::default();
    let stem = path.file_stem().map(|n| n.to_string_lossy());
    if let Some(values) = pattern.zip(stem).and_then(|(p, stem)| p.apply(&stem)) {
        for (key, value) in values {
            found.add(&key, Value::String(value));
        }
    }
    found
}

/// The metadata a file gets from beside it: its name under `pattern`, its directory's tables
/// (`metadata.csv`, then `metadata.jsonl`) and its sidecar file, in that order.
pub fn for_file(path: &Path, pattern: Option<&NamePattern>, tables: &MetadataTables) -> FileMeta {
    let mut found = for_name(path, pattern);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = directory_of(path);
    for table_name in [TABLE_CSV, TABLE_JSONL] {
        let table_path = dir.join(table_name);
        if table_path == path {
            continue;
        }
        let Some((table, first_read)) = tables.get(&table_path) else {
            continue;
        };
        if first_read {
            for (line, message) in &table.problems {
                let message = match line {
                    Some(line) => format!("line {line}: {message}"),
                    None => message.clone(),
                };
                found.warnings.push((table_path.clone(), message));
            }
        }
        let mut keys = vec![name.as_str()];
        if stem != name {
            keys.push(stem.as_str());
        }
        for (line, message) in keys
            .iter()
            .filter_map(|k| table.row_problems.get(*k))
            .flatten()
        {
            found
                .warnings
                .push((table_path.clone(), format!("line {line}: {message}")));
        }
        // A row for the file's name, else one for its stem.
        if let Some(row) = keys.iter().find_map(|k| table.rows.get(*k)) {
            for (k, v) in row {
                found.add(k, v.clone());
            }
        }
    }
    for sidecar in [
        format!("{name}{SIDECAR_SUFFIX}"),
        format!("{stem}{SIDECAR_SUFFIX}"),
    ] {
        let sidecar = dir.join(sidecar);
        if sidecar == path || !sidecar.is_file() {
            continue;
        }
        match read_sidecar(&sidecar) {
            Ok(values) => {
                for (k, v) in values {
                    found.add(&k, v);
                }
            }
            Err(message) => found.warnings.push((sidecar, message)),
        }
        break;
    }
    found
}

/// The keys and values of a `FILE.meta.json`.
fn read_sidecar(path: &Path) -> Result<Map<String, Value>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the sidecar: {e}"))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the sidecar is not a JSON object of `key: value`; not used".to_owned()),
        Err(e) => Err(format!("invalid JSON ({e}); not used")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(p: &str) -> NamePattern {
        NamePattern::parse(p).unwrap()
    }

    #[test]
    fn name_patterns_read_the_parts_of_a_file_name() {
        let p = pattern("{country}_{session}_{year}");
        assert_eq!(
            p.apply("IRN_65_2010"),
            Some(vec![
                ("country".into(), "IRN".into()),
                ("session".into(), "65".into()),
                ("year".into(), "2010".into())
            ])
        );
        assert_eq!(p.apply("EU_73_2018").unwrap()[0].1, "EU");
        assert_eq!(p.apply("notes"), None, "the whole name must match");
        assert_eq!(p.apply("IRN_65"), None);
        // Shortest first, with the rest still matching.
        let p = pattern("{source}-{_}-{date}");
        assert_eq!(
            p.apply("crs-IN12678-2026-04-09"),
            Some(vec![
                ("source".into(), "crs".into()),
                ("date".into(), "2026-04-09".into())
            ])
        );
        assert_eq!(
            pattern("speech {year}").apply("speech 2015").unwrap()[0].1,
            "2015"
        );
        assert_eq!(p.to_string(), "{source}-{_}-{date}");
    }

    #[test]
    fn bad_name_patterns_say_what_is_wrong() {
        for (bad, says) in [
            ("{country", "without `}`"),
            ("country}", "without `{`"),
            ("{}_{year}", "empty"),
            ("{country}{year}", "two keys in a row"),
            ("plain", "no key"),
            ("{_}_{_}", "no key"),
            ("{a b}", "letters"),
        ] {
            let error = NamePattern::parse(bad).unwrap_err();
            assert!(error.contains(says), "{bad:?}: {error}");
        }
    }

    use crate::ingest::{find_sources, read_all, Format, Item, ReadOptions, SourceFile};
    use crate::model::Document;

    const SPEECH: &str = "Iran — UN General Debate 2010\n\nThe Islamic Republic of Iran calls for a world free of nuclear weapons.\n";

    fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    fn text_source(path: &Path) -> SourceFile {
        SourceFile {
            path: path.to_path_buf(),
            format: Format::Text,
        }
    }

    /// The document read from `path` and the warnings raised, as `path: message`.
    fn read(path: &Path, options: &ReadOptions) -> (Document, Vec<String>) {
        let mut doc = None;
        let mut warnings = Vec::new();
        for item in read_all(&text_source(path), options) {
            match item {
                Item::Document(d) => doc = Some(*d),
                Item::Warning { path, message } => {
                    warnings.push(format!("{}: {message}", path.display()))
                }
                other => panic!("{other:?}"),
            }
        }
        (doc.expect("a document"), warnings)
    }

    fn version(path: &Path, options: &ReadOptions) -> String {
        read(path, options).0.version
    }

    #[test]
    fn a_sidecar_file_gives_metadata_and_the_title() {
        let dir = tempfile::tempdir().unwrap();
        let speech = write(dir.path(), "IRN_65_2010.txt", SPEECH);
        let options = ReadOptions::default();
        let bare = version(&speech, &options);
        write(
            dir.path(),
            "IRN_65_2010.txt.meta.json",
            r#"{"country": "IRN", "year": "2010", "speaker": "Mahmoud Ahmadinejad", "title": "Iran 2010", "tags": "nuclear, sanctions"}"#,
        );
        let (doc, warnings) = read(&speech, &options);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.title, "Iran 2010");
        assert_eq!(doc.meta["country"], "IRN");
        assert_eq!(doc.meta["year"], 2010);
        assert_eq!(
            doc.meta["tags"],
            serde_json::json!(["nuclear", "sanctions"])
        );
        assert!(!doc.meta.contains_key("title"));
        let p = &doc.passages[0];
        assert_eq!(p.meta["speaker"], "Mahmoud Ahmadinejad");
        assert_eq!(p.title, "Iran 2010");
        assert_eq!((p.line_start, p.byte_start), (3, 33), "citations unchanged");
        // Editing the sidecar changes the version, so a re-ingest picks it up.
        let with = doc.version;
        assert_ne!(with, bare);
        write(
            dir.path(),
            "IRN_65_2010.txt.meta.json",
            r#"{"country": "IRN", "year": 2011}"#,
        );
        let edited = version(&speech, &options);
        assert_ne!(edited, with);
        assert_eq!(
            edited,
            version(&speech, &options),
            "the same sidecar, the same version"
        );
    }

    #[test]
    fn a_malformed_sidecar_is_a_warning_and_the_document_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let speech = write(dir.path(), "IRN_65_2010.txt", SPEECH);
        let sidecar = write(
            dir.path(),
            "IRN_65_2010.meta.json",
            "{\"country\": \"IRN\",",
        );
        let (doc, warnings) = read(&speech, &ReadOptions::default());
        assert_eq!(doc.passages.len(), 1);
        assert!(doc.meta.is_empty());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(&format!("{}: invalid JSON", sidecar.display())),
            "{warnings:?}"
        );
        write(dir.path(), "IRN_65_2010.meta.json", "[1, 2]");
        let (_, warnings) = read(&speech, &ReadOptions::default());
        assert!(warnings[0].contains("not a JSON object"), "{warnings:?}");
    }

    #[test]
    fn a_csv_table_describes_the_files_of_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let iran = write(dir.path(), "IRN_65_2010.txt", SPEECH);
        let usa = write(dir.path(), "USA_65_2010.txt", SPEECH);
        let cuba = write(dir.path(), "CUB_65_2010.txt", SPEECH);
        let table = write(
            dir.path(),
            "metadata.csv",
            "file,country,year,speaker\nIRN_65_2010.txt,IRN,2010,\"Ahmadinejad, Mahmoud\"\nUSA_65_2010,USA,2010\n,XXX,1999,nobody\nCUB_65_2010.txt,CUB,2010,Rodriguez\n",
        );
        let options = ReadOptions::default();
        let (doc, warnings) = read(&iran, &options);
        assert_eq!(doc.meta["country"], "IRN");
        assert_eq!(doc.meta["year"], 2010);
        assert_eq!(doc.meta["speaker"], "Ahmadinejad, Mahmoud");
        // The table's own problem is reported once, with the first file that reads it.
        let table_path = table.display();
        assert_eq!(
            warnings,
            [format!(
                "{table_path}: line 4: no file name in the `file` field; the row is not used"
            )]
        );
        // A row with too few fields is not used, and its file is told which line.
        let (doc, warnings) = read(&usa, &options);
        assert!(doc.meta.is_empty(), "{:?}", doc.meta);
        assert_eq!(
            warnings,
            [format!(
                "{table_path}: line 3: 3 fields where the header has 4; the row is not used"
            )]
        );
        let (doc, warnings) = read(&cuba, &options);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.meta["speaker"], "Rodriguez");
        // Headers are keys; a publication date under its own name is the date.
        write(
            dir.path(),
            "metadata.csv",
            "File,Country,Publication Date\nIRN_65_2010.txt,IRN,09/23/2010\n",
        );
        let (doc, warnings) = read(&iran, &ReadOptions::default());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.meta["publication_date"], "09/23/2010");
        assert_eq!(doc.meta["date"], "2010-09-23");
        assert_eq!(doc.meta["year"], 2010);
        // A table without a `file` column says so.
        write(
            dir.path(),
            "metadata.csv",
            "name,country\nIRN_65_2010.txt,IRN\n",
        );
        let (doc, warnings) = read(&iran, &ReadOptions::default());
        assert!(doc.meta.is_empty());
        assert!(
            warnings[0].contains("line 1: no `file` column"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_jsonl_table_beside_documents_is_metadata_not_a_feed() {
        let dir = tempfile::tempdir().unwrap();
        let iran = write(dir.path(), "IRN_65_2010.txt", SPEECH);
        write(
            dir.path(),
            "metadata.jsonl",
            "{\"file\": \"IRN_65_2010.txt\", \"country\": \"IRN\", \"session\": 65}\nnot json\n",
        );
        let (sources, skips) = find_sources(&[dir.path().to_path_buf()]);
        assert_eq!(sources.len(), 1, "{sources:?}");
        assert_eq!(sources[0].path, iran);
        assert_eq!(skips.len(), 1);
        assert_eq!(skips[0].reason, crate::ingest::SkipReason::Metadata);
        let (doc, warnings) = read(&iran, &ReadOptions::default());
        assert_eq!(doc.meta["country"], "IRN");
        assert_eq!(doc.meta["session"], 65);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("metadata.jsonl: line 2: invalid JSON"),
            "{warnings:?}"
        );
        // Alone in its directory, a metadata.jsonl is a feed like any other.
        let feed_dir = tempfile::tempdir().unwrap();
        write(
            feed_dir.path(),
            "metadata.jsonl",
            "{\"id\": \"a\", \"text\": \"Hello.\"}\n",
        );
        let (sources, _) = find_sources(&[feed_dir.path().to_path_buf()]);
        assert_eq!(sources.len(), 1);
    }

    #[test]
    fn name_pattern_table_and_sidecar_in_order_of_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let md = write(
            dir.path(),
            "IRN_65_2010.md",
            "---\nsource: UN\ncountry: Iran\n---\n\nThe Islamic Republic calls for disarmament.\n",
        );
        write(
            dir.path(),
            "metadata.csv",
            "file,session,speaker\nIRN_65_2010.md,sixty-five,Mottaki\n",
        );
        write(
            dir.path(),
            "IRN_65_2010.md.meta.json",
            r#"{"speaker": "Ahmadinejad"}"#,
        );
        let options = ReadOptions {
            name_pattern: Some(pattern("{country}_{session}_{year}")),
            ..ReadOptions::default()
        };
        let source = SourceFile {
            path: md.clone(),
            format: Format::Markdown,
        };
        let doc = read_all(&source, &options)
            .into_iter()
            .find_map(|i| match i {
                Item::Document(d) => Some(d),
                _ => None,
            })
            .unwrap();
        assert_eq!(doc.meta["source"], "UN", "the document's own");
        assert_eq!(doc.meta["country"], "IRN", "the name over the document");
        assert_eq!(doc.meta["year"], 2010);
        assert_eq!(doc.meta["session"], "sixty-five", "the table over the name");
        assert_eq!(
            doc.meta["speaker"], "Ahmadinejad",
            "the sidecar over the table"
        );
    }

    #[test]
    fn the_name_pattern_needs_no_sidecar() {
        let options = ReadOptions {
            name_pattern: Some(pattern("{country}_{session}_{year}")),
            ..ReadOptions::default()
        };
        let (doc, _) = crate::ingest::document_from_bytes(
            Path::new("ungd/IRN_65_2010.txt"),
            Format::Text,
            SPEECH.as_bytes(),
            &options,
        )
        .unwrap();
        assert_eq!(doc.meta["country"], "IRN");
        assert_eq!(doc.meta["session"], "65");
        assert_eq!(doc.meta["year"], 2010);
        let (doc, _) = crate::ingest::document_from_bytes(
            Path::new("notes.txt"),
            Format::Text,
            SPEECH.as_bytes(),
            &options,
        )
        .unwrap();
        assert!(
            doc.meta.is_empty(),
            "a name that does not match gives nothing"
        );
    }

    #[test]
    fn sidecar_and_table_names() {
        assert!(is_sidecar(Path::new("a/IRN_65_2010.txt.meta.json")));
        assert!(is_sidecar(Path::new("a/METADATA.csv")));
        assert!(!is_sidecar(Path::new("a/metadata.jsonl")));
        assert!(!is_sidecar(Path::new("a/IRN_65_2010.txt")));
    }
}
