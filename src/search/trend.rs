//! Trends: how talk of a query changes over time (or across the values of a metadata key).
//!
//! Per bucket: the **documents** and **passages** that match, the **documents in that bucket**
//! under the same filters with the query removed (the denominator), and their **share**
//! (documents / all documents): Media Cloud's and GDELT's normalisation, which is what analysts
//! compare across years of unequal volume. For a time axis, every bucket between the first and
//! the last of the filtered corpus is there, zeros included. Counted with aggregations over fast
//! fields; no stored text is read.
//!
//! Copies count once (see `search::fold`, [`SearchOptions::fold`](super::SearchOptions::fold)):
//! in a bucket, a copy cluster's matching passages count as one passage, and a document whose
//! matching passages there are all copies of passages of earlier-ingested documents of the same
//! bucket is not counted (a wire story in twenty outlets is one document that year). The
//! denominator, the bucket's documents, counts every document. `--count-copies` (`fold` off)
//! counts every copy.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::{SearchError, SearchRequest, SearchSession};
use crate::index::{BucketField, BucketKey};

/// What a trend's buckets are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrendBy {
    Year,
    /// `YYYY-MM`, from documents with a date that names the month.
    Month,
    /// `YYYY-MM-DD`, from documents with a full date.
    Day,
    /// The values of a metadata key (source, country, speaker…).
    Key(String),
}

impl TrendBy {
    /// `year`, `month`, `day`, or any other word as a metadata key.
    pub fn parse(text: &str) -> TrendBy {
        match text.trim().to_lowercase().as_str() {
            "year" => TrendBy::Year,
            "month" => TrendBy::Month,
            "day" => TrendBy::Day,
            key => TrendBy::Key(key.to_owned()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            TrendBy::Year => "year",
            TrendBy::Month => "month",
            TrendBy::Day => "day",
            TrendBy::Key(k) => k,
        }
    }

    fn field(&self) -> BucketField {
        match self {
            TrendBy::Year => BucketField::Year,
            TrendBy::Month => BucketField::Month,
            TrendBy::Day => BucketField::Day,
            TrendBy::Key(k) => BucketField::Meta(k.clone()),
        }
    }
}

/// One bucket of one series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// `2017`, `2017-09`, `2017-09-19`, or the metadata value.
    pub key: serde_json::Value,
    pub documents: u64,
    pub passages: u64,
    pub all_documents: u64,
    pub share: f64,
}

/// The buckets of one query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub query: String,
    /// Passages matching the query in all buckets (and outside them: undated documents).
    pub total_hits: usize,
    pub buckets: Vec<Bucket>,
}

/// A trend of one or more queries over the same buckets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub by: String,
    pub series: Vec<Series>,
}

impl SearchSession<'_> {
    /// The trend of each query of `queries` (with the filters and options of `template`).
    pub fn trend(
        &self,
        queries: &[String],
        by: &TrendBy,
        template: &SearchRequest,
    ) -> Result<Trend, SearchError> {
        let field = by.field();
        // The denominator: one passage per document (its first), under the filters alone.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(self.index.fields().seq, 1),
                IndexRecordOption::Basic,
            )),
        )];
        for filter in &template.filters {
            clauses.push((
                Occur::Must,
                filter.query(self.index.fields(), &self.meta_keys)?,
            ));
        }
        let denominator: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        let all = self
            .index
            .histogram(&self.searcher, &*denominator, &field, false)?;
        let keys = bucket_keys(by, &all);
        let mut series = Vec::with_capacity(queries.len());
        for query in queries {
            let request = SearchRequest {
                query: query.clone(),
                limit: 0,
                offset: 0,
                ..template.clone()
            };
            let Some(super::Matching {
                query: matching,
                total: total_hits,
            }) = self.matching_query(&request)?
            else {
                return Err(super::QueryError {
                    message: "the query has no searchable words (only punctuation or symbols)"
                        .into(),
                    column: 1,
                }
                .into());
            };
            let mut counts = self
                .index
                .histogram(&self.searcher, &*matching, &field, true)?;
            if template.options.fold {
                self.count_copies_once(&*matching, &field, &mut counts)?;
            }
            let buckets = keys
                .iter()
                .map(|key| {
                    let (documents, passages) = counts.get(key).copied().unwrap_or((0, 0));
                    let all_documents = all.get(key).map_or(0, |c| c.0);
                    Bucket {
                        key: key.to_json(by),
                        documents,
                        passages,
                        all_documents,
                        share: if all_documents == 0 {
                            0.0
                        } else {
                            documents as f64 / all_documents as f64
                        },
                    }
                })
                .collect();
            series.push(Series {
                query: query.clone(),
                total_hits,
                buckets,
            });
        }
        Ok(Trend {
            by: by.name().to_owned(),
            series,
        })
    }
}

/// The buckets of a trend: for time, every year, month or day from the first to the last one
/// the filtered corpus has (zeros included); for a key, every value it has.
fn bucket_keys(by: &TrendBy, all: &BTreeMap<BucketKey, (u64, u64)>) -> Vec<BucketKey> {
    let numbers: Vec<i64> = all
        .keys()
        .filter_map(|k| match k {
            BucketKey::Number(n) => Some(*n),
            BucketKey::Text(_) => None,
        })
        .collect();
    let (Some(&first), Some(&last)) = (numbers.first(), numbers.last()) else {
        return all.keys().cloned().collect();
    };
    let mut keys = Vec::new();
    match by {
        TrendBy::Year => keys.extend((first..=last).map(BucketKey::Number)),
        TrendBy::Month => {
            let mut m = first;
            while m <= last && keys.len() < 100_000 {
                keys.push(BucketKey::Number(m));
                m = if m % 100 >= 12 {
                    (m / 100 + 1) * 100 + 1
                } else {
                    m + 1
                };
            }
        }
        TrendBy::Day => {
            let to_date = |n: i64| {
                crate::model::Date::new(
                    (n / 10_000) as i32,
                    ((n / 100) % 100) as u8,
                    (n % 100) as u8,
                )
            };
            let (Some(mut d), Some(end)) = (to_date(first), to_date(last)) else {
                return all.keys().cloned().collect();
            };
            while d <= end && keys.len() < 1_000_000 {
                keys.push(BucketKey::Number(
                    i64::from(d.year) * 10_000 + i64::from(d.month) * 100 + i64::from(d.day),
                ));
                d = d.succ();
            }
        }
        TrendBy::Key(_) => return all.keys().cloned().collect(),
    }
    keys
}

impl BucketKey {
    /// `2017`, `"2017-09"`, `"2017-09-19"`, or the metadata value as it is.
    fn to_json(&self, by: &TrendBy) -> serde_json::Value {
        match (self, by) {
            (BucketKey::Number(n), TrendBy::Month) => {
                format!("{:04}-{:02}", n / 100, n % 100).into()
            }
            (BucketKey::Number(n), TrendBy::Day) => {
                format!("{:04}-{:02}-{:02}", n / 10_000, (n / 100) % 100, n % 100).into()
            }
            (BucketKey::Number(n), _) => serde_json::Value::from(*n),
            (BucketKey::Text(t), _) => serde_json::Value::from(t.clone()),
        }
    }
}
