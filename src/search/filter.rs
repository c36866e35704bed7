//! Metadata filters: `--source`, `--since`, `--until`, `--where KEY=VALUE` and the same in query
//! syntax (`country:IRN`, `year:2015..2019`, `date:2025-01..2025-06`). Filters narrow the result;
//! they never change a score.

use std::collections::BTreeSet;
use std::ops::Bound;

use tantivy::query::{ConstScoreQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

use crate::index::{meta_term, Fields};
use crate::model::Period;

/// One filter on document metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// The metadata value of `key` is `value` (whole value, case ignored; one element of a list).
    Meta { key: String, value: String },
    /// The document year between two bounds, both inclusive, either open.
    Year { from: Option<i64>, to: Option<i64> },
    /// The document date from the start of one period to the end of another, either open.
    Date {
        from: Option<Period>,
        to: Option<Period>,
    },
    /// One document (`doc_id=...`, `doc:...`).
    Document(String),
    /// The documents of one file, or of every file under a directory (`path=fixtures/ungd/`).
    Path(String),
    /// Passages whose text an ingest run after this one wrote (watch-lists' "new").
    IngestedAfter(u64),
}

/// The filter in its canonical words (`country=IRN`, `year=2015..2019`,
/// `date=2025-01-01..2025-07-01`): stable from version to version, so a watch-list can tell a
/// changed query from the same one.
impl std::fmt::Display for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bound = |b: Option<String>| b.unwrap_or_default();
        match self {
            Filter::Meta { key, value } => write!(f, "{key}={value}"),
            Filter::Year { from, to } => write!(
                f,
                "year={}..{}",
                bound(from.map(|y| y.to_string())),
                bound(to.map(|y| y.to_string()))
            ),
            Filter::Date { from, to } => write!(
                f,
                "date={}..{}",
                bound(from.map(|p| p.start.to_string())),
                bound(to.map(|p| p.end().to_string()))
            ),
            Filter::Document(id) => write!(f, "doc_id={id}"),
            Filter::Path(path) => write!(f, "path={path}"),
            Filter::IngestedAfter(run) => write!(f, "ingest_seq>{run}"),
        }
    }
}

/// A filter that cannot be read or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("`{0}` is not KEY=VALUE (as in country=IRN)")]
    NotAssignment(String),
    #[error("`{key}` needs a value")]
    NoValue { key: String },
    #[error("ranges (`a..b`) work on `year` and `date`, not on `{key}`")]
    RangeOnKey { key: String },
    #[error("`{value}` is not a year for the {bound} of a year range")]
    NotAYear { value: String, bound: &'static str },
    #[error("`{value}` is not a year: a range of years is written `{from}..{to}`")]
    DashedYears {
        value: String,
        from: String,
        to: String,
    },
    #[error("`{value}` is not a date (use YYYY, YYYY-MM or YYYY-MM-DD, or `April 9, 2026`)")]
    NotADate { value: String },
    #[error(
        "no document in this index has the metadata key `{key}` (keys: {}; fields: title, section, text)",
        known.join(", ")
    )]
    UnknownKey { key: String, known: Vec<String> },
}

impl Filter {
    /// Reads `key` and `value` as given in a query (`year`, `2015..2019`) or `--where`.
    pub fn parse(key: &str, value: &str) -> Result<Filter, FilterError> {
        let key = key.trim().to_lowercase();
        let value = value.trim();
        if value.is_empty() {
            return Err(FilterError::NoValue { key });
        }
        let (from, to) = match value.split_once("..") {
            Some((from, to)) => (from.trim(), to.trim()),
            None => (value, value),
        };
        if let ("year", Some((a, b))) = (key.as_str(), value.split_once('-')) {
            let year =
                |s: &str| s.trim().len() == 4 && s.trim().bytes().all(|c| c.is_ascii_digit());
            if year(a) && year(b) {
                return Err(FilterError::DashedYears {
                    value: value.to_owned(),
                    from: a.trim().to_owned(),
                    to: b.trim().to_owned(),
                });
            }
        }
        match key.as_str() {
            "year" => {
                let year = |s: &str, bound| -> Result<Option<i64>, FilterError> {
                    (!s.is_empty())
                        .then(|| {
                            s.parse::<i64>().map_err(|_| FilterError::NotAYear {
                                value: s.to_owned(),
                                bound,
                            })
                        })
                        .transpose()
                };
                Ok(Filter::Year {
                    from: year(from, "start")?,
                    to: year(to, "end")?,
                })
            }
            "date" => Filter::date_range(
                (!from.is_empty()).then_some(from),
                (!to.is_empty()).then_some(to),
            ),
            _ if value.contains("..") => Err(FilterError::RangeOnKey { key }),
            "doc_id" | "doc" => Ok(Filter::Document(value.to_owned())),
            "path" => Ok(Filter::Path(value.to_owned())),
            _ => Ok(Filter::Meta {
                key,
                value: value.to_owned(),
            }),
        }
    }

    /// `--where KEY=VALUE`.
    pub fn parse_assignment(assignment: &str) -> Result<Filter, FilterError> {
        let (key, value) = assignment
            .split_once('=')
            .ok_or_else(|| FilterError::NotAssignment(assignment.to_owned()))?;
        Filter::parse(key, value)
    }

    /// `--since` / `--until` (or a batch query's `since` / `until`): dates from the start of one
    /// period to the end of another.
    pub fn date_range(since: Option<&str>, until: Option<&str>) -> Result<Filter, FilterError> {
        let period = |s: &str| {
            Period::parse(s).ok_or_else(|| FilterError::NotADate {
                value: s.to_owned(),
            })
        };
        Ok(Filter::Date {
            from: since.map(period).transpose()?,
            to: until.map(period).transpose()?,
        })
    }

    /// The metadata key the filter reads.
    pub fn key(&self) -> &str {
        match self {
            Filter::Meta { key, .. } => key,
            Filter::Year { .. } => "year",
            Filter::Date { .. } => "date",
            Filter::Document(_) => "doc_id",
            Filter::Path(_) => "path",
            Filter::IngestedAfter(_) => "ingest_seq",
        }
    }

    /// The filter as a query that matches without scoring.
    pub fn query(
        &self,
        fields: &Fields,
        known_keys: &BTreeSet<String>,
    ) -> Result<Box<dyn Query>, FilterError> {
        let query: Box<dyn Query> = match self {
            Filter::Meta { key, value } => {
                if !known_keys.contains(key) {
                    return Err(unknown_key(key, known_keys));
                }
                meta_query(fields, key, value)
            }
            Filter::Year { from, to } => {
                let bound = |y: &Option<i64>| {
                    y.map_or(Bound::Unbounded, |y| {
                        Bound::Included(Term::from_field_i64(fields.year, y))
                    })
                };
                Box::new(RangeQuery::new(bound(from), bound(to)))
            }
            Filter::Date { from, to } => {
                let term = |secs| {
                    Term::from_field_date_for_search(
                        fields.date,
                        DateTime::from_timestamp_secs(secs),
                    )
                };
                Box::new(RangeQuery::new(
                    from.map_or(Bound::Unbounded, |p| {
                        Bound::Included(term(p.start.timestamp()))
                    }),
                    to.map_or(Bound::Unbounded, |p| {
                        Bound::Excluded(term(p.end().timestamp()))
                    }),
                ))
            }
            Filter::Document(doc_id) => Box::new(TermQuery::new(
                Term::from_field_text(fields.doc_id, doc_id),
                IndexRecordOption::Basic,
            )),
            Filter::Path(path) => path_query(fields, path),
            Filter::IngestedAfter(run) => Box::new(RangeQuery::new(
                Bound::Excluded(Term::from_field_u64(fields.ingest_seq, *run)),
                Bound::Unbounded,
            )),
        };
        Ok(Box::new(ConstScoreQuery::new(query, 0.0)))
    }
}

/// A file's passages, or (for a path ending in `/`) those of every file under a directory.
fn path_query(fields: &Fields, path: &str) -> Box<dyn Query> {
    let normalized = normalize_path(path);
    if !path.ends_with('/') {
        return Box::new(TermQuery::new(
            Term::from_field_text(fields.path, &normalized),
            IndexRecordOption::Basic,
        ));
    }
    let from = format!("{normalized}/");
    // Every term starting with `dir/`: up to `dir0` (the character after `/`).
    let to = format!("{normalized}0");
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_text(fields.path, &from)),
        Bound::Excluded(Term::from_field_text(fields.path, &to)),
    ))
}

/// A path as ingest records it: `.` components and doubled or trailing `/` dropped.
fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Exact (case-insensitive) match of a metadata value (numbers as they are written).
fn meta_query(fields: &Fields, key: &str, value: &str) -> Box<dyn Query> {
    let term = Term::from_field_text(fields.meta, &meta_term(key, value).to_lowercase());
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn unknown_key(key: &str, known: &BTreeSet<String>) -> FilterError {
    let mut keys: Vec<String> = known.iter().cloned().collect();
    keys.extend(["year", "date", "doc_id", "path"].map(str::to_owned));
    keys.sort_unstable();
    keys.dedup();
    FilterError::UnknownKey {
        key: key.to_owned(),
        known: keys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_from_queries_and_assignments() {
        assert_eq!(
            Filter::parse("Country", "IRN"),
            Ok(Filter::Meta {
                key: "country".into(),
                value: "IRN".into()
            })
        );
        assert_eq!(
            Filter::parse("year", "2015.."),
            Ok(Filter::Year {
                from: Some(2015),
                to: None
            })
        );
        assert_eq!(
            Filter::parse("year", "2015"),
            Ok(Filter::Year {
                from: Some(2015),
                to: Some(2015)
            })
        );
        assert!(Filter::parse("country", "A..B")
            .unwrap_err()
            .to_string()
            .contains("ranges"));
        assert!(Filter::parse_assignment("country")
            .unwrap_err()
            .to_string()
            .contains("KEY=VALUE"));
        assert!(matches!(
            Filter::parse("year", "20x5..2019"),
            Err(FilterError::NotAYear { bound: "start", .. })
        ));
        assert!(matches!(
            Filter::date_range(Some("soon"), None),
            Err(FilterError::NotADate { .. })
        ));
    }

    #[test]
    fn date_filters_run_from_the_first_day_to_after_the_last() {
        let Ok(Filter::Date { from, to }) = Filter::parse("date", "2025-01..2025-06") else {
            panic!("a date range");
        };
        assert_eq!(from.unwrap().start.to_string(), "2025-01-01");
        assert_eq!(to.unwrap().end().to_string(), "2025-07-01");
    }
}
