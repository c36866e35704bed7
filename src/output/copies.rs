//! Copies in the human format: one line under a hit, `also in N sources: …`.

use std::io::{self, Write};

use crate::search::Copies;

/// Copies named on the line (the rest are counted).
const NAMED: usize = 5;

/// `also in 3 sources: Meridian Wire, 2017-09-20; Atlas Daily, 2017-09-21; Iran — UN General
/// Debate 2017, 2017`: each copy's source (else its title) and date, earliest first.
pub fn line(copies: &Copies) -> String {
    let mut names: Vec<String> = copies
        .passages
        .iter()
        .take(NAMED)
        .map(|p| {
            let name = p
                .meta
                .get("source")
                .and_then(|v| v.as_str())
                .unwrap_or(&p.title);
            match super::json::copy_date(p) {
                Some(date) => format!("{name}, {date}"),
                None => name.to_owned(),
            }
        })
        .collect();
    let rest = copies.total.saturating_sub(names.len());
    if rest > 0 {
        names.push(format!("and {rest} more"));
    }
    format!(
        "also in {} source{}: {}",
        copies.total,
        if copies.total == 1 { "" } else { "s" },
        names.join("; ")
    )
}

/// The line under a hit, indented by `indent`, when it has copies.
pub fn write_line<W: Write>(
    out: &mut W,
    copies: Option<&Copies>,
    indent: &str,
    paint: impl Fn(&str) -> String,
) -> io::Result<()> {
    match copies {
        Some(c) if c.total > 0 => writeln!(out, "{indent}{}", paint(&line(c))),
        _ => Ok(()),
    }
}
