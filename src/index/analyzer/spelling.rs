//! British and American spellings of one word, brought to one form (`favour` → `favor`,
//! `organisation` → `organization`, `centre` → `center`, `defence` → `defense`, `travelled` →
//! `traveled`, `programme` → `program`), so that two texts can be compared word for word across
//! the Atlantic. The stems of the two spellings then agree (`favourable` and `favorable` →
//! `favor`).
//!
//! The rules run on a word's exact form (lower case, folded to ASCII) and only ever compare two
//! texts both brought to this form, so a rule that also rewrites a word with no other spelling
//! (`promise` → `promize`, `detour` → `detor`) does no harm: what matters is that no rule turns
//! a word into a *different* word (`four` is not `for`, `hour` not `hor`, `filled` not `filed`).
//! That is why every suffix rule asks for a few letters before the suffix.

use std::borrow::Cow;

/// Words whose two spellings no suffix rule relates (and their inflections).
const WORDS: &[(&str, &str)] = &[
    ("acknowledgement", "acknowledgment"),
    ("acknowledgements", "acknowledgments"),
    ("ageing", "aging"),
    ("aluminium", "aluminum"),
    ("defence", "defense"),
    ("defences", "defenses"),
    ("draught", "draft"),
    ("draughts", "drafts"),
    ("enrol", "enroll"),
    ("enrolment", "enrollment"),
    ("enrolments", "enrollments"),
    ("enrols", "enrolls"),
    ("fulfil", "fulfill"),
    ("fulfilment", "fulfillment"),
    ("fulfils", "fulfills"),
    ("grey", "gray"),
    ("instalment", "installment"),
    ("instalments", "installments"),
    ("jewellery", "jewelry"),
    ("judgement", "judgment"),
    ("judgements", "judgments"),
    ("licence", "license"),
    ("licences", "licenses"),
    ("manoeuvre", "maneuver"),
    ("manoeuvres", "maneuvers"),
    ("manoeuvring", "maneuvering"),
    ("mould", "mold"),
    ("moulds", "molds"),
    ("offence", "offense"),
    ("offences", "offenses"),
    ("plough", "plow"),
    ("practise", "practice"),
    ("practised", "practiced"),
    ("practises", "practices"),
    ("practising", "practicing"),
    ("pretence", "pretense"),
    ("programme", "program"),
    ("programmes", "programs"),
    ("sceptic", "skeptic"),
    ("sceptical", "skeptical"),
    ("scepticism", "skepticism"),
    ("sceptics", "skeptics"),
    ("skilful", "skillful"),
    ("skilfully", "skillfully"),
    ("wilful", "willful"),
    ("wilfully", "willfully"),
];

/// What may follow the British `-our` (`favour`, `favourable`, `neighbourhood`).
const OUR_ENDINGS: &[&str] = &[
    "", "s", "ed", "ing", "able", "ably", "ite", "ites", "er", "ers", "ful", "fully", "less",
    "hood", "hoods", "ism", "ist", "ists", "y", "al", "ally",
];

/// `-ise` / `-isation` endings and their `-ize` forms.
const ISE_ENDINGS: &[(&str, &str)] = &[
    ("isational", "izational"),
    ("isations", "izations"),
    ("isation", "ization"),
    ("ise", "ize"),
    ("ises", "izes"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("isable", "izable"),
    ("yse", "yze"),
    ("yses", "yzes"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
];

/// Other endings: `-tre` (`centre`), `-bre` (`fibre`), the doubled `l` (`travelled`,
/// `signalled`), `-ogue` (`catalogue`); with the letters they need before them.
const ENDINGS: &[(&str, &str, usize)] = &[
    ("tre", "ter", 2),
    ("tres", "ters", 2),
    ("tred", "tered", 2),
    ("bre", "ber", 2),
    ("bres", "bers", 2),
    ("elled", "eled", 2),
    ("elling", "eling", 2),
    ("eller", "eler", 2),
    ("ellers", "elers", 2),
    ("alled", "aled", 3),
    ("alling", "aling", 3),
    ("ogue", "og", 3),
    ("ogues", "ogs", 3),
];

/// The American spelling of a word in its exact form (lower case, ASCII), or the word itself.
pub fn american_spelling(word: &str) -> Cow<'_, str> {
    if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return Cow::Borrowed(word);
    }
    if let Ok(i) = WORDS.binary_search_by(|(british, _)| british.cmp(&word)) {
        return Cow::Borrowed(WORDS[i].1);
    }
    // `-our`: the last `our` of the word, with at least three letters before it.
    if let Some(at) = word.rfind("our") {
        if at >= 3 && OUR_ENDINGS.contains(&&word[at + 3..]) {
            return Cow::Owned(format!("{}or{}", &word[..at], &word[at + 3..]));
        }
    }
    for &(british, american) in ISE_ENDINGS {
        if let Some(head) = word.strip_suffix(british) {
            if head.len() >= 3 {
                return Cow::Owned(format!("{head}{american}"));
            }
        }
    }
    for &(british, american, before) in ENDINGS {
        if let Some(head) = word.strip_suffix(british) {
            if head.len() >= before {
                return Cow::Owned(format!("{head}{american}"));
            }
        }
    }
    Cow::Borrowed(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_table_is_sorted() {
        assert!(WORDS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn british_spellings_take_the_american_form() {
        for (british, american) in [
            ("favour", "favor"),
            ("favourable", "favorable"),
            ("behaviour", "behavior"),
            ("behavioural", "behavioral"),
            ("neighbourhood", "neighborhood"),
            ("honours", "honors"),
            ("organisation", "organization"),
            ("organisations", "organizations"),
            ("recognised", "recognized"),
            ("analyse", "analyze"),
            ("centre", "center"),
            ("centred", "centered"),
            ("fibre", "fiber"),
            ("travelled", "traveled"),
            ("signalling", "signaling"),
            ("catalogue", "catalog"),
            ("defence", "defense"),
            ("programme", "program"),
            ("judgement", "judgment"),
        ] {
            assert_eq!(american_spelling(british), american, "{british}");
            assert_eq!(
                american_spelling(american),
                american_spelling(british),
                "{american} keeps its form"
            );
        }
    }

    #[test]
    fn no_rule_turns_a_word_into_another_word() {
        for word in [
            "four", "hour", "your", "yours", "flour", "pour", "tour", "ours", "filled", "called",
            "yelled", "rise", "wise", "genre", "acre", "ogre", "vogue", "rogue", "courage",
            "source", "journal", "for",
        ] {
            let american = american_spelling(word);
            assert!(
                american == word || !["for", "hor", "yor", "filed", "caled"].contains(&&*american),
                "{word} → {american}"
            );
        }
        for unchanged in [
            "four", "hour", "your", "flour", "filled", "called", "genre", "acre", "for", "us",
        ] {
            assert_eq!(american_spelling(unchanged), unchanged);
        }
    }
}
