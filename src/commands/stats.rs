//! `dossier stats [--by KEY]`

use std::io::{self, Write};

use dossier::engine::{Engine, IndexLocation};
use dossier::output::stats as printer;

use super::Status;
use crate::cli::{StatsArgs, StatsFormat};

pub fn run(location: &IndexLocation, args: &StatsArgs) -> anyhow::Result<Status> {
    // Stats describe the index that is there: the demo index is never built for them.
    let location = IndexLocation {
        is_default: false,
        ..location.clone()
    };
    let engine = Engine::open(&location, &mut ())?;
    let mut out = io::stdout().lock();
    let json = args.format == StatsFormat::Json;
    match &args.by {
        Some(key) => {
            let counts = engine.facet(key, args.top)?;
            printer::write_facet(&mut out, key, &counts, json)?;
        }
        None => printer::write_stats(&mut out, &engine.stats()?, json)?,
    }
    out.flush()?;
    Ok(Status::Found)
}
