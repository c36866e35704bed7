//! The alias table: names, acronyms and spellings of the same thing (`IRGC` · `Islamic
//! Revolutionary Guard Corps` · `Revolutionary Guards`), applied at query time.
//!
//! The table ships in `data/aliases.txt` (compiled in, so the binary needs nothing beside it);
//! `--aliases FILE` adds groups, `--no-aliases` turns them off. Names are matched as the analyzer
//! reads them (stems, acronyms), so `revolutionary guard` finds the group of `Revolutionary
//! Guards`.

use std::collections::HashMap;

use crate::index::analyzer::{QueryForm, WordAnalyzer};

/// The table shipped with dossier.
pub const BUILTIN: &str = include_str!("../../data/aliases.txt");

/// Longest name, in words, looked for in a query.
pub const MAX_NAME_WORDS: usize = 8;

/// Groups of names that stand for each other.
#[derive(Debug, Clone, Default)]
pub struct AliasTable {
    groups: Vec<Vec<String>>,
    /// A name's terms (as queries analyse them, capitals marking acronyms) → its group.
    by_terms: HashMap<Vec<String>, usize>,
    /// The same for queries written in capitals throughout (capitals then mark nothing).
    by_plain_terms: HashMap<Vec<String>, usize>,
}

impl AliasTable {
    /// The shipped table.
    pub fn builtin() -> AliasTable {
        let mut table = AliasTable::default();
        table
            .add(BUILTIN)
            .expect("the shipped alias table is well-formed");
        table
    }

    /// Adds the groups of a table text: one group per line, names separated by `|`, `#`
    /// comments. A name already in a group joins that group's names to the new ones.
    pub fn add(&mut self, text: &str) -> Result<(), String> {
        let mut analyzer = WordAnalyzer::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let names: Vec<String> = line
                .split('|')
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect();
            if names.len() < 2 {
                return Err(format!(
                    "line {}: a group needs at least two names separated by `|`",
                    i + 1
                ));
            }
            let keys: Vec<Vec<String>> = names
                .iter()
                .map(|n| name_key(&mut analyzer, n, true))
                .collect();
            let plain_keys: Vec<Vec<String>> = names
                .iter()
                .map(|n| name_key(&mut analyzer, n, false))
                .collect();
            let group = keys
                .iter()
                .find_map(|k| self.by_terms.get(k).copied())
                .unwrap_or_else(|| {
                    self.groups.push(Vec::new());
                    self.groups.len() - 1
                });
            for name in names {
                if !self.groups[group].contains(&name) {
                    self.groups[group].push(name);
                }
            }
            for key in keys.into_iter().filter(|k| !k.is_empty()) {
                self.by_terms.entry(key).or_insert(group);
            }
            for key in plain_keys.into_iter().filter(|k| !k.is_empty()) {
                self.by_plain_terms.entry(key).or_insert(group);
            }
        }
        Ok(())
    }

    /// The names of the group whose name has these query terms, if any; `acronyms` as the
    /// query was analysed (capitals marking acronyms, or a query in capitals throughout).
    pub fn lookup(&self, terms: &[String], acronyms: bool) -> Option<&[String]> {
        let keys = if acronyms {
            &self.by_terms
        } else {
            &self.by_plain_terms
        };
        keys.get(terms).map(|&g| self.groups[g].as_slice())
    }

    /// The group (its number in this table) of the name with these query terms, if any;
    /// `acronyms` as for [`AliasTable::lookup`]. Two names stand for each other when their
    /// groups are the same.
    pub fn group_of(&self, terms: &[String], acronyms: bool) -> Option<usize> {
        let keys = if acronyms {
            &self.by_terms
        } else {
            &self.by_plain_terms
        };
        keys.get(terms).copied()
    }

    /// The shipped table, built once and shared.
    pub fn shared_builtin() -> std::sync::Arc<AliasTable> {
        static BUILTIN: std::sync::OnceLock<std::sync::Arc<AliasTable>> =
            std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| std::sync::Arc::new(AliasTable::builtin()))
            .clone()
    }

    /// The shipped table with the groups of the file at `path` added (`--aliases FILE`).
    pub fn builtin_with_file(path: &std::path::Path) -> Result<AliasTable, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read aliases from {}: {e}", path.display()))?;
        let mut table = AliasTable::builtin();
        table
            .add(&text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(table)
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// A name's terms as a query would analyse it.
fn name_key(analyzer: &mut WordAnalyzer, name: &str, acronyms: bool) -> Vec<String> {
    analyzer
        .query_terms(name, QueryForm::Stem { acronyms })
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    impl AliasTable {
        fn lookup_t(&self, terms: &[String]) -> Option<&[String]> {
            self.lookup(terms, true)
        }
    }

    fn terms(text: &str) -> Vec<String> {
        WordAnalyzer::default()
            .query_terms(text, QueryForm::Stem { acronyms: true })
            .into_iter()
            .flatten()
            .collect()
    }

    #[test]
    fn the_shipped_table_has_the_groups_analysts_need() {
        let table = AliasTable::builtin();
        assert!(table.len() >= 60, "{} groups", table.len());
        let irgc = table.lookup_t(&terms("IRGC")).unwrap();
        assert!(irgc.contains(&"Islamic Revolutionary Guard Corps".to_owned()));
        assert_eq!(
            table.lookup_t(&terms("revolutionary guard")),
            Some(irgc),
            "inflections match"
        );
        let jcpoa = table.lookup_t(&terms("Iran nuclear deal")).unwrap();
        assert!(jcpoa.contains(&"JCPOA".to_owned()));
        for (a, b) in [
            ("Hizballah", "Hezbollah"),
            ("Al-Qaida", "al Qaeda"),
            ("Teheran", "Tehran"),
            ("Khamene'i", "Khamenei"),
            ("Araqchi", "Araghchi"),
            ("Qalibaf", "Ghalibaf"),
            ("Kadhafi", "Gaddafi"),
        ] {
            assert_eq!(
                table.lookup_t(&terms(a)),
                table.lookup_t(&terms(b)),
                "{a} / {b}"
            );
            assert!(table.lookup_t(&terms(a)).is_some(), "{a}");
        }
        assert!(
            table.lookup_t(&terms("us")).is_none(),
            "the pronoun is not the country"
        );
        assert!(
            table.lookup(&["us".to_owned()], false).is_some(),
            "in a query in capitals, US is US"
        );
        assert!(table.lookup_t(&terms("US")).is_some());
    }

    #[test]
    fn user_tables_add_and_merge_groups() {
        let mut table = AliasTable::builtin();
        table
            .add("# mine\nIRGC | Sepah-e Pasdaran\nFoo Bar | Baz\n")
            .unwrap();
        assert!(table
            .lookup_t(&terms("IRGC"))
            .unwrap()
            .contains(&"Sepah-e Pasdaran".to_owned()));
        assert_eq!(table.lookup_t(&terms("baz")).unwrap(), ["Foo Bar", "Baz"]);
        assert!(table.add("lonely\n").unwrap_err().starts_with("line 1"));
    }
}
