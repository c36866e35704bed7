//! Calendar dates as documents carry them and periods as filters name them.
//!
//! A [`Date`] is one day (`2025-02-04`). A [`Period`] is a year, a month or a day (`2025`,
//! `2025-02`, `2025-02-04`): `--since 2025` starts on its first day and `--until 2025` ends
//! after its last one.
//!
//! The forms read (see [`Period::parse`]), as sources print them:
//! - ISO: `2025`, `2025-02`, `2025-02-04`, also with `/` or `.` (`2025/02/04`), and followed by a
//!   time (`2025-02-04T21:10:15Z`, `2025-02-04 21:10:15-05:00`): the date as written, the time
//!   and zone ignored;
//! - numeric day and month before the year: `04/09/2026` and `04-09-2026` are **month/day/year**
//!   (US order, as US government pages print them: April 9), unless the first number cannot be a
//!   month (`25/12/2026` is December 25); `09.04.2026`, with dots, is **day.month.year** (the
//!   European order: 9 April);
//! - month names, in English, in full or abbreviated (`Apr`, `Apr.`, `Sept.`), any case:
//!   `April 9, 2026`, `April 9 2026`, `April 9th, 2026`, `9 April 2026`, `9 Apr. 2026`,
//!   `Tuesday, April 9, 2026`, `Tue, 09 Apr 2026 10:00:00 GMT` (RFC 2822), and `April 2026` (a
//!   month).
//!
//! Anything else (`yesterday`, `2015-13-01`, `2025-02-30`) is not a date.

use std::fmt;

/// One calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The day, if it exists (`2025-02-30` does not).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Reads a date in the forms sources use (see the [module documentation](self)): a year or a
    /// month is read as its first day (`2015` is 2015-01-01).
    pub fn parse(value: &str) -> Option<Date> {
        Period::parse(value).map(|p| p.start)
    }

    /// Seconds since the Unix epoch at 00:00 UTC of this day.
    pub fn timestamp(&self) -> i64 {
        // Days from civil (Howard Hinnant's algorithm).
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    }

    /// The next day.
    pub fn succ(&self) -> Date {
        if self.day < days_in_month(self.year, self.month) {
            Date {
                day: self.day + 1,
                ..*self
            }
        } else if self.month < 12 {
            Date {
                month: self.month + 1,
                day: 1,
                ..*self
            }
        } else {
            Date {
                year: self.year + 1,
                month: 1,
                day: 1,
            }
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// How much of the calendar a [`Period`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A year, a month or a day: what `--since`, `--until` and `date:` ranges name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Its first day.
    pub start: Date,
    pub precision: Precision,
}

impl Period {
    /// Reads a year, a month or a day written in one of the forms of the
    /// [module documentation](self): `2025`, `2025-02`, `2025-02-04`, `04/09/2026`,
    /// `April 9, 2026`, `9 April 2026`, `April 2026`, ... Only a time, a zone or punctuation may
    /// follow the date (`2025-02-04T21:10:15Z`, `April 9, 2026 (IN12678)`).
    pub fn parse(value: &str) -> Option<Period> {
        let value = value.trim();
        let (period, used) = Period::parse_prefix(value)?;
        let rest = &value[used..];
        let glued = match rest.chars().next() {
            None => false,
            // An ISO time: `T21:10`.
            Some('T') => !rest[1..].starts_with(|c: char| c.is_ascii_digit()),
            Some(c) => c.is_alphanumeric(),
        };
        (!glued).then_some(period)
    }

    /// A date at the very start of `text`, and the number of bytes it takes; what follows is left
    /// alone (`April 9, 2026 (IN12678)` gives April 9, 2026 and 13).
    pub fn parse_prefix(text: &str) -> Option<(Period, usize)> {
        numeric_prefix(text).or_else(|| named_prefix(text))
    }

    /// The first day after the period (so `--until 2025` includes all of 2025).
    pub fn end(&self) -> Date {
        let Date { year, month, .. } = self.start;
        match self.precision {
            Precision::Year => Date {
                year: year + 1,
                month: 1,
                day: 1,
            },
            Precision::Month if month == 12 => Date {
                year: year + 1,
                month: 1,
                day: 1,
            },
            Precision::Month => Date {
                year,
                month: month + 1,
                day: 1,
            },
            Precision::Day => self.start.succ(),
        }
    }
}

/// `2025`, `2025-02`, `2025-02-04`, `04/09/2026`, `09.04.2026` at the start of `text`.
fn numeric_prefix(text: &str) -> Option<(Period, usize)> {
    let used = text
        .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '/' || c == '.'))
        .unwrap_or(text.len());
    let date_part = text[..used].trim_end_matches(['-', '/', '.']);
    let used = date_part.len();
    let separators: Vec<char> = date_part.chars().filter(|c| !c.is_ascii_digit()).collect();
    if separators.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    let year = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    let number = |s: &str| s.parse::<u8>().ok();
    let (y, m, d, precision) = match parts.as_slice() {
        [y] if year(y) => (*y, 1, 1, Precision::Year),
        [y, m] if year(y) && digits(m) => (*y, number(m)?, 1, Precision::Month),
        [y, m, d] if year(y) && digits(m) && digits(d) => {
            (*y, number(m)?, number(d)?, Precision::Day)
        }
        [a, b, y] if year(y) && digits(a) && digits(b) => {
            let (a, b) = (number(a)?, number(b)?);
            let day_first = separators.first() == Some(&'.') || (a > 12 && b <= 12);
            let (m, d) = if day_first { (b, a) } else { (a, b) };
            (*y, m, d, Precision::Day)
        }
        _ => return None,
    };
    let start = Date::new(y.parse().ok()?, m, d)?;
    Some((Period { start, precision }, used))
}

/// `April 9, 2026`, `9 April 2026`, `Tue, 09 Apr 2026`, `April 2026` at the start of `text`.
fn named_prefix(text: &str) -> Option<(Period, usize)> {
    let mut c = Cursor { text, at: 0 };
    let before_weekday = c.at;
    match c.word() {
        Some(w) if is_weekday(w) => {
            c.eat('.');
            c.eat(',');
            c.space();
        }
        _ => c.at = before_weekday,
    }
    let start = c.at;
    if let Some(month) = c.word().and_then(month_number) {
        c.eat('.');
        c.space();
        let after_month = c.at;
        if let Some(day) = c.day() {
            c.eat(',');
            c.space();
            if let Some(year) = c.year() {
                return day_period(year, month, day, c.at);
            }
        }
        c.at = after_month;
        c.eat(',');
        c.space();
        let year = c.year()?;
        let start = Date::new(year, month, 1)?;
        return Some((
            Period {
                start,
                precision: Precision::Month,
            },
            c.at,
        ));
    }
    c.at = start;
    let day = c.day()?;
    c.eat('.');
    c.space();
    let month = c.word().and_then(month_number)?;
    c.eat('.');
    c.eat(',');
    c.space();
    let year = c.year()?;
    day_period(year, month, day, c.at)
}

fn day_period(year: i32, month: u8, day: u8, used: usize) -> Option<(Period, usize)> {
    let start = Date::new(year, month, day)?;
    Some((
        Period {
            start,
            precision: Precision::Day,
        },
        used,
    ))
}

/// The month an English month name or abbreviation (`Apr`, `Sept`) stands for.
fn month_number(word: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    let position = MONTHS.iter().position(|m| {
        *m == word || (m.starts_with(&word) && (word.len() == 3 || word == "sept"))
    })?;
    u8::try_from(position + 1).ok()
}

fn is_weekday(word: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let word = word.to_ascii_lowercase();
    word.len() >= 3
        && DAYS
            .iter()
            .any(|d| *d == word || (d.starts_with(&word) && word.len() <= 5))
}

/// Reads words and numbers off the start of a text.
struct Cursor<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Cursor<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        let eaten = self.rest().starts_with(c);
        if eaten {
            self.at += c.len_utf8();
        }
        eaten
    }

    /// A run of ASCII letters.
    fn word(&mut self) -> Option<&'t str> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        (len > 0).then(|| {
            self.at += len;
            &rest[..len]
        })
    }

    /// A run of 1 to `max` ASCII digits not followed by another digit.
    fn digits(&mut self, min: usize, max: usize) -> Option<&'t str> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        (min..=max).contains(&len).then(|| {
            self.at += len;
            &rest[..len]
        })
    }

    /// A day of the month, with an ordinal suffix if any (`9`, `09`, `9th`).
    fn day(&mut self) -> Option<u8> {
        let start = self.at;
        let Some(day) = self.digits(1, 2).and_then(|d| d.parse().ok()) else {
            self.at = start;
            return None;
        };
        let rest = self.rest().to_ascii_lowercase();
        let suffix = ["st", "nd", "rd", "th"].iter().find(|s| {
            rest.starts_with(*s) && !rest[2..].starts_with(|c: char| c.is_ascii_alphabetic())
        });
        if suffix.is_some() {
            self.at += 2;
        }
        if self.rest().starts_with(|c: char| c.is_ascii_alphabetic()) {
            self.at = start;
            return None;
        }
        Some(day)
    }

    fn year(&mut self) -> Option<i32> {
        self.digits(4, 4).and_then(|y| y.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(value: &str) -> Option<String> {
        Date::parse(value).map(|d| d.to_string())
    }

    #[test]
    fn dates_in_the_forms_sources_use() {
        assert_eq!(day("2025-02-04").as_deref(), Some("2025-02-04"));
        assert_eq!(
            day("2025-02-04 21:10:15-05:00").as_deref(),
            Some("2025-02-04")
        );
        assert_eq!(day("2023-09-17T22:00:00Z").as_deref(), Some("2023-09-17"));
        assert_eq!(day("04/09/2026").as_deref(), Some("2026-04-09"));
        assert_eq!(day("2015").as_deref(), Some("2015-01-01"));
        assert_eq!(day("yesterday"), None);
        assert_eq!(day("2015-13-01"), None);
        assert_eq!(day("2015-02-30"), None, "a day the month does not have");
    }

    /// The forms pages print: CRS `Publication Date: 04/09/2026` and `Updated April 9, 2026`,
    /// White House `September 17, 2023`, feeds' RFC 2822.
    #[test]
    fn dates_with_month_names_and_numeric_orders() {
        for (value, expected) in [
            ("04/09/2026", "2026-04-09"),
            ("04-09-2026", "2026-04-09"),
            ("25/12/2026", "2026-12-25"),
            ("09.04.2026", "2026-04-09"),
            ("2025/02/04", "2025-02-04"),
            ("April 9, 2026", "2026-04-09"),
            ("april 9 2026", "2026-04-09"),
            ("April 9th, 2026", "2026-04-09"),
            ("9 April 2026", "2026-04-09"),
            ("09 Apr. 2026", "2026-04-09"),
            ("Apr. 9, 2026", "2026-04-09"),
            ("Sept. 17, 2023", "2023-09-17"),
            ("September 17, 2023", "2023-09-17"),
            ("Tuesday, April 9, 2026", "2026-04-09"),
            ("Tue, 09 Apr 2026 10:00:00 GMT", "2026-04-09"),
            ("April 9, 2026 (IN12678)", "2026-04-09"),
        ] {
            assert_eq!(day(value).as_deref(), Some(expected), "{value:?}");
        }
        for value in [
            "13/13/2026",
            "April 31, 2026",
            "Aprill 9, 2026",
            "2025abc",
            "9 April",
            "2025/02-04",
        ] {
            assert_eq!(day(value), None, "{value:?}");
        }
    }

    #[test]
    fn periods_keep_their_precision() {
        let read = |v: &str| Period::parse(v).map(|p| (p.start.to_string(), p.precision));
        assert_eq!(read("2025"), Some(("2025-01-01".into(), Precision::Year)));
        assert_eq!(
            read("2025-02"),
            Some(("2025-02-01".into(), Precision::Month))
        );
        assert_eq!(
            read("2025-02-04"),
            Some(("2025-02-04".into(), Precision::Day))
        );
        assert_eq!(
            read("April 2026"),
            Some(("2026-04-01".into(), Precision::Month))
        );
        assert_eq!(
            read("9 April 2026"),
            Some(("2026-04-09".into(), Precision::Day))
        );
        assert_eq!(
            Period::parse("April 2026").unwrap().end().to_string(),
            "2026-05-01"
        );
        assert_eq!(
            Period::parse_prefix("April 9, 2026 (IN12678)").map(|(p, n)| (p.start.to_string(), n)),
            Some(("2026-04-09".into(), 13))
        );
    }

    #[test]
    fn timestamps_are_utc_midnight() {
        let ts = |v: &str| Date::parse(v).unwrap().timestamp();
        assert_eq!(ts("1970-01-01"), 0);
        assert_eq!(ts("2025-02-04"), 1_738_627_200);
        assert_eq!(ts("1946-10-24"), -731_808_000);
    }

    #[test]
    fn periods_end_after_their_last_day() {
        let end = |v: &str| Period::parse(v).unwrap().end().to_string();
        assert_eq!(end("2025"), "2026-01-01");
        assert_eq!(end("2025-12"), "2026-01-01");
        assert_eq!(end("2025-02"), "2025-03-01");
        assert_eq!(end("2025-02-04"), "2025-02-05");
        assert_eq!(end("2024-02-29"), "2024-03-01");
        assert_eq!(end("2025-12-31"), "2026-01-01");
        assert!(Period::parse("soon").is_none());
    }
}
