//! Calendar dates as documents carry them and periods as filters name them.
//!
//! A [`Date`] is one day (`2025-02-04`). A [`Period`] is a year, a month or a day (`2025`,
//! `2025-02`, `2025-02-04`): `--since 2025` starts on its first day and `--until 2025` ends
//! after its last one.

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

    /// Reads a date in the forms sources use (`2025-02-04`, `2025-02-04 21:10:15-05:00`,
    /// RFC 3339, `2025/02/04`, `04/09/2026` as month/day/year, `2025` as its January 1st).
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
    /// Reads `2025`, `2025-02`, `2025-02-04` (also with `/` or `.`), `04/09/2026` (month/day/year)
    /// and dates followed by a time (`2025-02-04T21:10:15Z`).
    pub fn parse(value: &str) -> Option<Period> {
        let v = value.trim();
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
        let date_part: String = v
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '/' || *c == '.')
            .collect();
        let parts: Vec<&str> = date_part
            .split(['-', '/', '.'])
            .filter(|p| !p.is_empty())
            .collect();
        let (y, m, d, precision) = match parts.as_slice() {
            [y] if y.len() == 4 && digits(y) => (*y, "1", "1", Precision::Year),
            [y, m] if y.len() == 4 && digits(y) && digits(m) => (*y, *m, "1", Precision::Month),
            [y, m, d] if y.len() == 4 && digits(y) && digits(m) && digits(d) => {
                (*y, *m, *d, Precision::Day)
            }
            [m, d, y] if y.len() == 4 && digits(y) && digits(m) && digits(d) => {
                (*y, *m, *d, Precision::Day)
            }
            _ => return None,
        };
        let start = Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
        Some(Period { start, precision })
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
