//! `show`, in process: a passage by its id with its neighbours, as JSON and as text, and the
//! errors for a passage or a reference that is not there.

use dossier::engine::ShowError;
use dossier::output::Format;

use crate::common::{corpus, show_json, show_printed, SEED};

#[test]
fn show_prints_a_passage_with_its_neighbours() {
    let id = format!("{SEED}#7");
    let json = show_json(corpus(), &id, 1);
    assert_eq!(json["passage"]["line_start"], 17);
    assert_eq!(json["before"][0]["paragraph"], 6);
    assert_eq!(json["after"][0]["paragraph"], 8);

    let printed = String::from_utf8(show_printed(corpus(), &id, 1, Format::Text)).unwrap();
    assert!(printed.contains(&format!("> {SEED}:17 ¶7")), "{printed}");
    assert!(printed.contains(&format!("  {SEED}:15 ¶6")), "{printed}");

    // Errors (exit code 2), with the message the binary prints.
    let missing = corpus()
        .show(&format!("{SEED}#99"), 0)
        .expect_err("there is no ¶99");
    assert!(
        missing.to_string().contains("has passages 1–18"),
        "{missing}"
    );
    let bad = corpus().show("no-hash-here", 0);
    assert!(matches!(bad, Err(ShowError::BadReference(_))), "{bad:?}");
}
