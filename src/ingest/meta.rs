//! Document metadata: the well-known keys (`source`, `author`, `date`, `year`, `url`, `tags`) and
//! any other key a source brings (a feed's `country`, a page's `lang`), as one JSON object.
//!
//! Values are kept as given, except `date` (normalised to `YYYY-MM-DD`), `year` (a number,
//! derived from the date when missing) and `tags` (a list of strings).

use std::collections::BTreeMap;

use serde_json::Value;

/// Metadata of a document, copied to each of its passages.
pub type Meta = BTreeMap<String, Value>;

/// Keys with a meaning of their own; every other key is kept as it comes.
pub const WELL_KNOWN: &[&str] = &["source", "author", "date", "year", "url", "tags"];

/// Reads a date in the forms sources use (`2025-02-04`, `2025-02-04 21:10:15-05:00`,
/// RFC 3339, `2025/02/04`, `04/09/2026` as month/day/year, `2025`) and returns `YYYY-MM-DD`
/// (`YYYY-01-01` for a bare year).
pub fn normalize_date(value: &str) -> Option<String> {
    let v = value.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let date_part: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '/' || *c == '.')
        .collect();
    let parts: Vec<&str> = date_part
        .split(['-', '/', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let (y, m, d) = match parts.as_slice() {
        [y] if y.len() == 4 && digits(y) => (*y, "1", "1"),
        [y, m] if y.len() == 4 && digits(y) && digits(m) => (*y, *m, "1"),
        [y, m, d] if y.len() == 4 && digits(y) && digits(m) && digits(d) => (*y, *m, *d),
        [m, d, y] if y.len() == 4 && digits(y) && digits(m) && digits(d) => (*y, *m, *d),
        _ => return None,
    };
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Seconds since the Unix epoch at 00:00 UTC of a `YYYY-MM-DD` date.
pub fn date_timestamp(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

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
        ("date", Value::String(s)) => match normalize_date(&s) {
            Some(date) => Value::String(date),
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

/// The `YYYY-MM-DD` date of a document: its `date`, else January 1st of its `year`.
pub fn date_of(meta: &Meta) -> Option<String> {
    if let Some(date) = meta
        .get("date")
        .and_then(Value::as_str)
        .and_then(normalize_date)
    {
        return Some(date);
    }
    let year = meta.get("year")?.as_i64()?;
    (1000..=9999)
        .contains(&year)
        .then(|| format!("{year:04}-01-01"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_sources_use() {
        assert_eq!(normalize_date("2025-02-04").as_deref(), Some("2025-02-04"));
        assert_eq!(
            normalize_date("2025-02-04 21:10:15-05:00").as_deref(),
            Some("2025-02-04")
        );
        assert_eq!(
            normalize_date("2023-09-17T22:00:00Z").as_deref(),
            Some("2023-09-17")
        );
        assert_eq!(normalize_date("04/09/2026").as_deref(), Some("2026-04-09"));
        assert_eq!(normalize_date("2015").as_deref(), Some("2015-01-01"));
        assert_eq!(normalize_date("yesterday"), None);
        assert_eq!(normalize_date("2015-13-01"), None);
    }

    #[test]
    fn timestamps_are_utc_midnight() {
        assert_eq!(date_timestamp("1970-01-01"), Some(0));
        assert_eq!(date_timestamp("2025-02-04"), Some(1_738_627_200));
        assert_eq!(date_timestamp("1946-10-24"), Some(-731_808_000));
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
        assert_eq!(date_of(&meta).as_deref(), Some("2025-02-04"));
    }
}
