//! Metadata filters: `--source`, `--since`, `--until`, `--where KEY=VALUE` and the same in query
//! syntax (`country:IRN`, `year:2015..2019`, `date:2025-01..2025-06`). Filters narrow the result;
//! they never change a score.

use std::collections::BTreeSet;
use std::ops::Bound;

use tantivy::query::{ConstScoreQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

use crate::index::{meta_term, Fields};
use crate::ingest::meta::{date_timestamp, normalize_date};

/// One filter on document metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// The metadata value of `key` is `value` (whole value, case ignored; one element of a list).
    Meta { key: String, value: String },
    /// `year` or `date` between two bounds, both inclusive, either open.
    Range {
        key: String,
        from: Option<String>,
        to: Option<String>,
    },
}

impl Filter {
    /// Reads `key` and `value` as given in a query (`year`, `2015..2019`) or `--where`.
    pub fn parse(key: &str, value: &str) -> Result<Filter, String> {
        let key = key.trim().to_lowercase();
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("`{key}` needs a value"));
        }
        let is_range_key = key == "year" || key == "date";
        match value.split_once("..") {
            Some((from, to)) => {
                if !is_range_key {
                    return Err(format!(
                        "ranges (`a..b`) work on `year` and `date`, not on `{key}`"
                    ));
                }
                let bound = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
                Ok(Filter::Range {
                    key,
                    from: bound(from),
                    to: bound(to),
                })
            }
            None if is_range_key => Ok(Filter::Range {
                key,
                from: Some(value.to_owned()),
                to: Some(value.to_owned()),
            }),
            None => Ok(Filter::Meta {
                key,
                value: value.to_owned(),
            }),
        }
    }

    /// `--where KEY=VALUE`.
    pub fn parse_assignment(assignment: &str) -> Result<Filter, String> {
        let (key, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("`{assignment}` is not KEY=VALUE (as in country=IRN)"))?;
        Filter::parse(key, value)
    }

    /// The filter as a query that matches without scoring.
    pub fn query(
        &self,
        fields: &Fields,
        known_keys: &BTreeSet<String>,
    ) -> Result<Box<dyn Query>, String> {
        let query: Box<dyn Query> = match self {
            Filter::Meta { key, value } => {
                if !known_keys.contains(key) {
                    return Err(unknown_key(key, known_keys));
                }
                meta_query(fields, key, value)
            }
            Filter::Range { key, from, to } if key == "year" => {
                let year = |s: &Option<String>, what: &str| -> Result<Option<i64>, String> {
                    s.as_deref()
                        .map(|y| {
                            y.parse::<i64>().map_err(|_| {
                                format!("`{y}` is not a year for the {what} of a year range")
                            })
                        })
                        .transpose()
                };
                let (from, to) = (year(from, "start")?, year(to, "end")?);
                Box::new(RangeQuery::new(
                    from.map_or(Bound::Unbounded, |y| {
                        Bound::Included(Term::from_field_i64(fields.year, y))
                    }),
                    to.map_or(Bound::Unbounded, |y| {
                        Bound::Included(Term::from_field_i64(fields.year, y))
                    }),
                ))
            }
            Filter::Range { from, to, .. } => {
                let start = from.as_deref().map(day_start).transpose()?;
                let end = to.as_deref().map(period_end).transpose()?;
                let term = |secs| {
                    Term::from_field_date_for_search(
                        fields.date,
                        DateTime::from_timestamp_secs(secs),
                    )
                };
                Box::new(RangeQuery::new(
                    start.map_or(Bound::Unbounded, |s| Bound::Included(term(s))),
                    end.map_or(Bound::Unbounded, |e| Bound::Excluded(term(e))),
                ))
            }
        };
        Ok(Box::new(ConstScoreQuery::new(query, 0.0)))
    }
}

/// Exact (case-insensitive) match of a metadata value (numbers as they are written).
fn meta_query(fields: &Fields, key: &str, value: &str) -> Box<dyn Query> {
    let term = Term::from_field_text(fields.meta, &meta_term(key, value).to_lowercase());
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn unknown_key(key: &str, known: &BTreeSet<String>) -> String {
    let mut keys: Vec<&str> = known.iter().map(String::as_str).collect();
    keys.extend(["year", "date"]);
    keys.sort_unstable();
    keys.dedup();
    format!(
        "no document in this index has the metadata key `{key}` (keys: {}; fields: title, section, text)",
        keys.join(", ")
    )
}

fn parse_date(value: &str) -> Result<String, String> {
    normalize_date(value)
        .ok_or_else(|| format!("`{value}` is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"))
}

/// The first second of the day (or month, or year) `value` names.
fn day_start(value: &str) -> Result<i64, String> {
    let date = parse_date(value)?;
    Ok(date_timestamp(&date).expect("normalised dates have timestamps"))
}

/// The first second after the day, month or year `value` names (so `--until 2025` includes all
/// of 2025).
fn period_end(value: &str) -> Result<i64, String> {
    let date = parse_date(value)?;
    let parts = value
        .trim()
        .split(['-', '/', '.'])
        .filter(|p| !p.is_empty())
        .count();
    let (y, m): (i64, i64) = (
        date[..4].parse().unwrap_or(0),
        date[5..7].parse().unwrap_or(1),
    );
    let next = match parts {
        1 => format!("{:04}-01-01", y + 1),
        2 if m == 12 => format!("{:04}-01-01", y + 1),
        2 => format!("{y:04}-{:02}-01", m + 1),
        _ => return Ok(date_timestamp(&date).expect("normalised") + 86_400),
    };
    Ok(date_timestamp(&next).expect("valid date"))
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
            Ok(Filter::Range {
                key: "year".into(),
                from: Some("2015".into()),
                to: None
            })
        );
        assert!(Filter::parse("country", "A..B")
            .unwrap_err()
            .contains("ranges"));
        assert!(Filter::parse_assignment("country")
            .unwrap_err()
            .contains("KEY=VALUE"));
    }

    #[test]
    fn periods_end_after_their_last_day() {
        assert_eq!(
            period_end("2025").unwrap(),
            date_timestamp("2026-01-01").unwrap()
        );
        assert_eq!(
            period_end("2025-12").unwrap(),
            date_timestamp("2026-01-01").unwrap()
        );
        assert_eq!(
            period_end("2025-02").unwrap(),
            date_timestamp("2025-03-01").unwrap()
        );
        assert_eq!(
            period_end("2025-02-04").unwrap(),
            date_timestamp("2025-02-05").unwrap()
        );
        assert!(day_start("soon").is_err());
    }
}
