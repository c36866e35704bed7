//! Document metadata: the well-known keys (`source`, `author`, `date`, `year`, `url`, `tags`) and
//! any other key a source brings (a feed's `country`, a page's `lang`), as one JSON object.
//!
//! Values are kept as given, except `date` (normalised to `YYYY-MM-DD`), `year` (a number,
//! derived from the date when missing) and `tags` (a list of strings). A source that names its
//! date otherwise (`publication_date`, `published`, `updated`, ...) gets its `date` from that key
//! ([`date_from_aliases`]), the key itself kept as given.

use std::collections::BTreeMap;

use serde_json::Value;

use super::date::Date;

/// Metadata of a document, copied to each of its passages.
pub type Meta = BTreeMap<String, Value>;

/// Keys with a meaning of their own; every other key is kept as it comes.
pub const WELL_KNOWN: &[&str] = &["source", "author", "date", "year", "url", "tags"];

/// Puts a metadata value in its canonical form and stores it under `key`; empty values are
/// dropped. Well-known keys are normalised; `date` also sets `year` when it is missing.
pub fn insert(meta: &mut Meta, key: &str, value: Value) {
    let key = key.trim().to_lowercase();
    if key.is_empty() {
        return;
    }
    let value = match (key.as_str(), value) {
        (_, Value::Null) => return,
        (_, Value::String(s)) if s.trim().is_empty() => return,
        ("date", Value::String(s)) => match Date::parse(&s) {
            Some(date) => Value::String(date.to_string()),
            None => Value::String(s.trim().to_owned()),
        },
        ("date", Value::Number(n)) => match n.as_i64() {
            Some(year) if (1000..=9999).contains(&year) => {
                Value::String(format!("{year:04}-01-01"))
            }
            _ => return,
        },
        ("year", Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(year) => Value::from(year),
            Err(_) => return,
        },
        ("tags", Value::String(s)) => Value::Array(
            s.split([',', ';'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Value::String(t.to_owned()))
                .collect(),
        ),
        (_, Value::String(s)) => Value::String(s.trim().to_owned()),
        (_, Value::Array(items)) => {
            let scalars: Vec<Value> = items
                .into_iter()
                .filter(|v| !v.is_object() && !v.is_array() && !v.is_null())
                .collect();
            if scalars.is_empty() {
                return;
            }
            Value::Array(scalars)
        }
        (_, Value::Object(_)) => return,
        (_, v) => v,
    };
    if key == "date" {
        let year = value
            .as_str()
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse::<i64>().ok());
        if let (Some(year), false) = (year, meta.contains_key("year")) {
            meta.insert("year".to_owned(), Value::from(year));
        }
    }
    meta.insert(key, value);
}

/// Puts the values of `over` (each already in canonical form, as [`insert`] leaves them) over
/// those of `meta`. A `date` that comes without a `year` takes the old `year` away with the old
/// date.
pub fn overlay(meta: &mut Meta, over: &Meta) {
    if over.contains_key("date") && !over.contains_key("year") {
        meta.remove("year");
    }
    for (key, value) in over {
        meta.insert(key.clone(), value.clone());
    }
}

/// Keys that give a document's date under another name, the most telling first: when it was
/// published, then when it was last updated.
pub const DATE_ALIASES: &[&str] = &[
    "published",
    "publication_date",
    "date_published",
    "datepublished",
    "published_at",
    "published_time",
    "publish_date",
    "pubdate",
    "issued",
    "date_issued",
    "updated",
    "last_updated",
    "date_updated",
    "updated_at",
    "modified",
    "date_modified",
    "modified_time",
    "last_modified",
];

/// Sets `date` (and with it `year`, when missing) from the first key of [`DATE_ALIASES`] that
/// holds a date, when the metadata has no `date` that reads as one. Call it once a document's
/// metadata is complete.
pub fn date_from_aliases(meta: &mut Meta) {
    let has_date = meta
        .get("date")
        .and_then(Value::as_str)
        .and_then(Date::parse)
        .is_some();
    if has_date {
        return;
    }
    let alias = DATE_ALIASES
        .iter()
        .find_map(|key| meta.get(*key).and_then(Value::as_str).and_then(Date::parse));
    if let Some(date) = alias {
        insert(meta, "date", Value::String(date.to_string()));
    }
}

/// The date of a document: its `date`, else January 1st of its `year`.
pub fn date_of(meta: &Meta) -> Option<Date> {
    if let Some(date) = meta
        .get("date")
        .and_then(Value::as_str)
        .and_then(Date::parse)
    {
        return Some(date);
    }
    let year = meta.get("year")?.as_i64()?;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    Date::new(i32::try_from(year).ok()?, 1, 1)
}

/// The year of a document, for `year:` ranges: its `year`.
pub fn year_of(meta: &Meta) -> Option<i64> {
    meta.get("year").and_then(Value::as_i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_come_from_their_aliases_when_no_date_is_given() {
        let mut meta = Meta::new();
        insert(&mut meta, "updated", Value::from("April 9, 2026"));
        insert(&mut meta, "publication_date", Value::from("04/08/2026"));
        date_from_aliases(&mut meta);
        assert_eq!(meta["date"], "2026-04-08", "published before updated");
        assert_eq!(meta["year"], 2026);
        assert_eq!(meta["publication_date"], "04/08/2026", "kept as given");

        let mut meta = Meta::new();
        insert(&mut meta, "date", Value::from("2025-02-04"));
        insert(&mut meta, "updated", Value::from("April 9, 2026"));
        date_from_aliases(&mut meta);
        assert_eq!(meta["date"], "2025-02-04", "a date given wins");

        let mut meta = Meta::new();
        insert(&mut meta, "date", Value::from("n.d."));
        insert(&mut meta, "published", Value::from("9 April 2026"));
        date_from_aliases(&mut meta);
        assert_eq!(meta["date"], "2026-04-09", "a date that is none does not");
    }

    #[test]
    fn well_known_keys_are_normalised() {
        let mut meta = Meta::new();
        insert(&mut meta, "Date", Value::from("2025-02-04 21:10:15-05:00"));
        insert(&mut meta, "tags", Value::from("iran, sanctions"));
        insert(&mut meta, "empty", Value::from("  "));
        insert(&mut meta, "nested", serde_json::json!({"a": 1}));
        assert_eq!(meta["date"], "2025-02-04");
        assert_eq!(meta["year"], 2025);
        assert_eq!(meta["tags"], serde_json::json!(["iran", "sanctions"]));
        assert!(!meta.contains_key("empty") && !meta.contains_key("nested"));
        assert_eq!(
            date_of(&meta).map(|d| d.to_string()).as_deref(),
            Some("2025-02-04")
        );
    }
}
