//! `dossier show PASSAGE_ID [-C N]`

use std::io::{self, BufWriter, Write};

use dossier::output::{self, text::Style};

use super::{open_for_reading, use_color, IndexLocation, Status};
use crate::cli::ShowArgs;

pub fn run(location: &IndexLocation, args: &ShowArgs) -> anyhow::Result<Status> {
    let index = open_for_reading(location)?;
    let Some((doc_id, number)) = args.passage_id.rsplit_once('#') else {
        anyhow::bail!(
            "`{}` is not a passage id: passage ids look like `<doc_id>#<paragraph>`, as printed by `dossier search --format json`",
            args.passage_id
        );
    };
    let passages = index.passages_of(doc_id)?;
    let Some(at) = passages.iter().position(|p| p.number() == number) else {
        if passages.is_empty() {
            anyhow::bail!(
                "no document `{doc_id}` in the index at {}",
                index.display_dir()
            );
        }
        let last = passages.last().expect("not empty").number();
        anyhow::bail!("document `{doc_id}` has passages 1–{last}, not {number}");
    };
    let before = &passages[at.saturating_sub(args.context)..at];
    let after = &passages[at + 1..(at + 1 + args.context).min(passages.len())];
    let style = Style {
        color: use_color(args.color),
        ..Style::default()
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    output::write_passage(
        &mut out,
        &passages[at],
        before,
        after,
        super::search::format(args.format),
        &style,
    )?;
    out.flush()?;
    Ok(Status::Found)
}
