//! `dossier show PASSAGE [-C N]`

use std::io::{self, BufWriter, Write};

use dossier::engine::IndexLocation;
use dossier::output::{self, text::Style};

use super::{open, text_width, use_color, Status};
use crate::cli::ShowArgs;

pub fn run(location: &IndexLocation, args: &ShowArgs) -> anyhow::Result<Status> {
    let engine = open(location, None)?;
    let shown = engine.show(&args.passage_id, args.context)?;
    let style = Style {
        color: use_color(args.color),
        width: text_width(args.width),
        ..Style::default()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    output::write_passage(
        &mut out,
        &shown.passage,
        &shown.before,
        &shown.after,
        super::search::format(args.format),
        &style,
    )?;
    out.flush()?;
    Ok(Status::Found)
}
