//! The query language: parsing what the analyst typed into a [`QueryExpr`] tree.
//!
//! ```text
//! words            every word must match (falls back to any word when nothing has them all)
//! "a phrase"       the words next to each other, in order;  "a phrase"~3  up to 3 positions apart
//! -word  NOT word  exclude;  +word  require (also in the any-word fallback)
//! a OR b           either (OR binds tighter than the implicit AND:  iran OR tehran sanctions)
//! a AND b          both (also what a space means)
//! ( ... )          grouping
//! title:w section:"p"   search one field only
//! snap*            every word starting with `snap`
//! =sanctions       only the exact form (no other inflection); also ="a phrase"
//! Ghalibaff~1      words within 1 edit (typos; ~2 at most)
//! country:IRN      metadata filter (any metadata key; values match whole, ignoring case)
//! year:2015..2019  year or date range (`date:2025-01..2025-06`, open ends `year:2015..`)
//! ```
//!
//! Parsing is separate from analysis: this module only knows the syntax. Errors carry the
//! character column where the problem is, so the CLI can point at it.

use std::fmt;

/// The most words (whitespace-separated pieces, quoted ones included) a query may have: a
/// longer one is an error rather than a search that takes minutes and gigabytes (a question or
/// a test collection's topic has tens of words; `quote` and `similar` use at most 25).
pub const MAX_QUERY_WORDS: usize = 1_000;

/// How deeply parentheses (and the `=`/`field:` prefixes, which nest the same way) may nest:
/// the parser and every walk over the query recurse, so a hostile query of 100,000 `(` must be
/// an error, not a stack overflow.
pub const MAX_NESTING: usize = 100;

/// Fields a query word can be restricted to with `field:`.
pub const QUERY_FIELDS: &[&str] = &["title", "section", "text", "body"];

/// Where a leaf searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Body, title and section (title and section with lower weight).
    All,
    Title,
    Section,
    /// The passage body only (`text:`).
    Body,
}

/// What a leaf matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeafKind {
    /// A word as typed (may analyze to several tokens, e.g. `snap-back`: then a phrase).
    Word(String),
    /// A quoted phrase with its slop.
    Phrase { text: String, slop: u32 },
    /// `word*`.
    Prefix(String),
    /// `word~N`: words within `distance` edits.
    Fuzzy { word: String, distance: u8 },
    /// `key:value` on metadata (`country:IRN`, `year:2015..2019`): filters, does not score.
    Filter { key: String, value: String },
}

/// A searchable unit of the query with the span it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub scope: Scope,
    pub kind: LeafKind,
    /// `=word`: the exact form only.
    pub exact: bool,
    /// Character columns (1-based, inclusive start) of the leaf in the query.
    pub column: usize,
}

/// How a clause of a conjunction takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// A plain clause: required in the default all-words mode, optional in the fallback.
    Default,
    /// `+clause`: required in every mode.
    Require,
    /// `-clause` or `NOT clause`.
    Exclude,
}

/// The parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryExpr {
    Leaf(Leaf),
    /// Clauses joined by spaces or `AND`; `explicit` when the user wrote `AND` (no fallback then).
    And {
        clauses: Vec<(Occur, QueryExpr)>,
        explicit: bool,
    },
    Or(Vec<QueryExpr>),
}

impl QueryExpr {
    /// The words the query searches for (words, phrases, prefixes and fuzzy words, without
    /// operators, field names or filters), separated by spaces: what the analyzer judges
    /// whether the query is written in capitals throughout.
    pub fn words_text(&self) -> String {
        let mut out = String::new();
        self.collect_words(&mut out);
        out
    }

    fn collect_words(&self, out: &mut String) {
        match self {
            QueryExpr::Leaf(leaf) => {
                let text = match &leaf.kind {
                    LeafKind::Word(w) | LeafKind::Prefix(w) => w,
                    LeafKind::Phrase { text, .. } => text,
                    LeafKind::Fuzzy { word, .. } => word,
                    LeafKind::Filter { .. } => return,
                };
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(text);
            }
            QueryExpr::And { clauses, .. } => {
                for (_, clause) in clauses {
                    clause.collect_words(out);
                }
            }
            QueryExpr::Or(alternatives) => {
                for alternative in alternatives {
                    alternative.collect_words(out);
                }
            }
        }
    }
}

/// A query the parser cannot read, with the 1-based character column of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at column {column})")]
pub struct QueryError {
    pub message: String,
    pub column: usize,
}

impl QueryError {
    fn new(column: usize, message: impl fmt::Display) -> QueryError {
        QueryError {
            message: message.to_string(),
            column,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted { text: String, slop: u32 },
    Field(String),
    LParen,
    RParen,
    Or,
    And,
    Not,
    Plus,
    Minus,
    Exact,
}

impl Tok {
    /// The token as the user wrote it, for messages.
    fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("word `{w}`"),
            Tok::Quoted { text, .. } => format!("phrase \"{text}\""),
            Tok::Field(f) => format!("field `{f}:`"),
            Tok::LParen => "`(`".to_owned(),
            Tok::RParen => "`)`".to_owned(),
            Tok::Or => "`OR`".to_owned(),
            Tok::And => "`AND`".to_owned(),
            Tok::Not => "`NOT`".to_owned(),
            Tok::Plus => "`+`".to_owned(),
            Tok::Minus => "`-`".to_owned(),
            Tok::Exact => "`=`".to_owned(),
        }
    }
}

fn lex(input: &str) -> Result<Vec<(usize, Tok)>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    // Whether the previous character ends a term (so `-`/`+` here would be inside a word).
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                toks.push((column, Tok::LParen));
                i += 1;
            }
            ')' => {
                toks.push((column, Tok::RParen));
                i += 1;
            }
            '"' | '“' | '”' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&q| q == '"' || q == '”' || q == '“')
                    .ok_or_else(|| QueryError::new(column, "unclosed quote: add a closing `\"`"))?;
                let text: String = chars[i + 1..i + 1 + close].iter().collect();
                i += close + 2;
                let mut slop = 0;
                if chars.get(i) == Some(&'~') {
                    let digits: String = chars[i + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .collect();
                    if digits.is_empty() {
                        return Err(QueryError::new(
                            i + 1,
                            "`~` after a phrase needs a number, as in \"maximum pressure\"~2",
                        ));
                    }
                    slop = digits.parse().map_err(|_| {
                        QueryError::new(i + 1, format!("phrase distance `{digits}` is too large"))
                    })?;
                    i += 1 + digits.len();
                }
                if text.trim().is_empty() {
                    return Err(QueryError::new(column, "empty phrase `\"\"`"));
                }
                toks.push((column, Tok::Quoted { text, slop }));
            }
            '=' if chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() && *n != ')') =>
            {
                toks.push((column, Tok::Exact));
                i += 1;
            }
            '-' | '+'
                if chars
                    .get(i + 1)
                    .is_some_and(|n| !n.is_whitespace() && *n != ')') =>
            {
                toks.push((column, if c == '-' { Tok::Minus } else { Tok::Plus }));
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"' | '“' | '”')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.as_str() {
                    "OR" | "||" => toks.push((column, Tok::Or)),
                    "AND" | "&&" => toks.push((column, Tok::And)),
                    "NOT" => toks.push((column, Tok::Not)),
                    _ => {
                        // `note: text` is prose; `country:IRN`, `title:"a b"`, `title:(..)` are fields.
                        let field = split_field(&word).filter(|(name, rest)| {
                            !rest.is_empty()
                                || QUERY_FIELDS.contains(name)
                                || chars.get(i).is_some_and(|c| matches!(c, '"' | '“' | '('))
                        });
                        if let Some((field, rest)) = field {
                            toks.push((column, Tok::Field(field.to_owned())));
                            if !rest.is_empty() {
                                toks.push((
                                    column + field.chars().count() + 1,
                                    Tok::Word(rest.to_owned()),
                                ));
                            }
                        } else {
                            toks.push((column, Tok::Word(word)));
                        }
                    }
                }
            }
        }
    }
    Ok(toks)
}

/// `name:rest` where `name` looks like a field name (`http://x` and `12:30` are words).
fn split_field(word: &str) -> Option<(&str, &str)> {
    let (name, rest) = word.split_once(':')?;
    let is_name = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !rest.starts_with('/');
    is_name.then_some((name, rest))
}

/// An error when `input` has more than [`MAX_QUERY_WORDS`] words, at the first word too many.
fn check_length(input: &str) -> Result<(), QueryError> {
    let mut words = 0;
    let mut in_word = false;
    for (column, c) in input.chars().enumerate() {
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > MAX_QUERY_WORDS {
                return Err(QueryError::new(
                    column + 1,
                    format!("the query is too long: at most {MAX_QUERY_WORDS} words"),
                ));
            }
        }
    }
    Ok(())
}

/// Parses a query string.
pub fn parse(input: &str) -> Result<QueryExpr, QueryError> {
    check_length(input)?;
    let toks = lex(input)?;
    if toks.is_empty() {
        return Err(QueryError::new(1, "empty query: give at least one word"));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end_column: input.chars().count() + 1,
        depth: 0,
    };
    let expr = p.conjunction()?;
    if let Some((column, tok)) = p.toks.get(p.pos) {
        let what = match tok {
            Tok::RParen => "unmatched `)`".to_owned(),
            other => format!("unexpected {}", other.describe()),
        };
        return Err(QueryError::new(*column, what));
    }
    check_not_only_exclusions(&expr, 1)?;
    Ok(expr)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end_column: usize,
    /// How many [`Parser::primary`] calls are open (each `(`, `=` and `field:` opens one).
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn column(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end_column, |(c, _)| *c)
    }

    /// clause ((AND)? clause)*
    fn conjunction(&mut self) -> Result<QueryExpr, QueryError> {
        let mut clauses = Vec::new();
        let mut explicit = false;
        loop {
            match self.peek() {
                None | Some(Tok::RParen) => break,
                Some(Tok::And) => {
                    if clauses.is_empty() {
                        return Err(QueryError::new(
                            self.column(),
                            "`AND` needs a word before it",
                        ));
                    }
                    explicit = true;
                    self.pos += 1;
                    if matches!(
                        self.peek(),
                        None | Some(Tok::RParen) | Some(Tok::Or) | Some(Tok::And)
                    ) {
                        return Err(QueryError::new(
                            self.column(),
                            "`AND` needs a word after it",
                        ));
                    }
                    continue;
                }
                Some(Tok::Or) => {
                    return Err(QueryError::new(
                        self.column(),
                        "`OR` needs a word before it",
                    ));
                }
                _ => {}
            }
            let occur = match self.peek() {
                Some(Tok::Minus | Tok::Not) => {
                    self.pos += 1;
                    Occur::Exclude
                }
                Some(Tok::Plus) => {
                    self.pos += 1;
                    Occur::Require
                }
                _ => Occur::Default,
            };
            let expr = self.disjunction()?;
            clauses.push((occur, expr));
        }
        if clauses.is_empty() {
            return Err(QueryError::new(self.column(), "expected a word here"));
        }
        if clauses.len() == 1 && clauses[0].0 == Occur::Default {
            return Ok(clauses.pop().expect("one clause").1);
        }
        Ok(QueryExpr::And { clauses, explicit })
    }

    /// primary (OR primary)*
    fn disjunction(&mut self) -> Result<QueryExpr, QueryError> {
        let mut alternatives = vec![self.primary(Scope::All)?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            if matches!(
                self.peek(),
                None | Some(Tok::RParen) | Some(Tok::Or) | Some(Tok::And)
            ) {
                return Err(QueryError::new(self.column(), "`OR` needs a word after it"));
            }
            if matches!(self.peek(), Some(Tok::Minus | Tok::Not | Tok::Plus)) {
                return Err(QueryError::new(
                    self.column(),
                    "`+`, `-` and `NOT` cannot follow `OR`: group the alternative in parentheses",
                ));
            }
            alternatives.push(self.primary(Scope::All)?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.pop().expect("one alternative")
        } else {
            QueryExpr::Or(alternatives)
        })
    }

    /// One term, counting how deeply terms nest (see [`MAX_NESTING`]).
    fn primary(&mut self, scope: Scope) -> Result<QueryExpr, QueryError> {
        if self.depth >= MAX_NESTING {
            return Err(QueryError::new(
                self.column(),
                format!("the query nests too deeply: at most {MAX_NESTING} levels of parentheses"),
            ));
        }
        self.depth += 1;
        let term = self.term(scope);
        self.depth -= 1;
        term
    }

    fn term(&mut self, scope: Scope) -> Result<QueryExpr, QueryError> {
        let column = self.column();
        let Some(tok) = self.peek().cloned() else {
            return Err(QueryError::new(
                column,
                "the query ends where a word was expected",
            ));
        };
        self.pos += 1;
        match tok {
            Tok::LParen => {
                let inner = self.conjunction()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(QueryError::new(column, "unclosed `(`: add a closing `)`"));
                }
                self.pos += 1;
                Ok(rescope(inner, scope))
            }
            Tok::Field(name) => {
                if scope != Scope::All {
                    return Err(QueryError::new(
                        column,
                        "a field cannot be nested in another field",
                    ));
                }
                let scope = match name.as_str() {
                    "title" => Scope::Title,
                    "section" => Scope::Section,
                    "text" | "body" => Scope::Body,
                    _ => return self.filter(name, column),
                };
                if matches!(
                    self.peek(),
                    None | Some(Tok::RParen) | Some(Tok::Or) | Some(Tok::And)
                ) {
                    return Err(QueryError::new(
                        column,
                        format!("`{name}:` needs a word after it"),
                    ));
                }
                self.primary(scope)
            }
            Tok::Exact => match self.primary(scope)? {
                QueryExpr::Leaf(mut leaf)
                    if matches!(leaf.kind, LeafKind::Word(_) | LeafKind::Phrase { .. }) =>
                {
                    leaf.exact = true;
                    Ok(QueryExpr::Leaf(leaf))
                }
                _ => Err(QueryError::new(
                    column,
                    "`=` goes before a word or a quoted phrase, as in =sanctions",
                )),
            },
            Tok::Word(word) => word_leaf(&word, scope, column).map(QueryExpr::Leaf),
            Tok::Quoted { text, slop } => Ok(QueryExpr::Leaf(Leaf {
                scope,
                kind: LeafKind::Phrase { text, slop },
                exact: false,
                column,
            })),
            Tok::RParen => Err(QueryError::new(column, "unmatched `)`")),
            Tok::Or | Tok::And => Err(QueryError::new(column, "expected a word here")),
            Tok::Not | Tok::Plus | Tok::Minus => Err(QueryError::new(
                column,
                "`+`, `-` and `NOT` go before a word, not after `OR` or a field",
            )),
        }
    }
}

impl Parser {
    /// `key:value` or `key:"a value"` after a metadata key.
    fn filter(&mut self, key: String, column: usize) -> Result<QueryExpr, QueryError> {
        let value = match self.peek().cloned() {
            Some(Tok::Word(word)) => word,
            Some(Tok::Quoted { text, .. }) => text,
            _ => {
                return Err(QueryError::new(
                    column,
                    format!("`{key}:` needs a value after it, as in {key}:IRN"),
                ))
            }
        };
        self.pos += 1;
        Ok(QueryExpr::Leaf(Leaf {
            scope: Scope::All,
            kind: LeafKind::Filter { key, value },
            exact: false,
            column,
        }))
    }
}

fn rescope(expr: QueryExpr, scope: Scope) -> QueryExpr {
    if scope == Scope::All {
        return expr;
    }
    match expr {
        QueryExpr::Leaf(mut leaf) => {
            leaf.scope = scope;
            QueryExpr::Leaf(leaf)
        }
        QueryExpr::And { clauses, explicit } => QueryExpr::And {
            clauses: clauses
                .into_iter()
                .map(|(o, e)| (o, rescope(e, scope)))
                .collect(),
            explicit,
        },
        QueryExpr::Or(alts) => QueryExpr::Or(alts.into_iter().map(|e| rescope(e, scope)).collect()),
    }
}

fn word_leaf(word: &str, scope: Scope, column: usize) -> Result<Leaf, QueryError> {
    if let Some(tilde) = word.find('~') {
        let (stem, distance) = (&word[..tilde], &word[tilde + 1..]);
        let at = column + stem.chars().count();
        let distance: u8 = match distance {
            "" => 1,
            d => d.parse().ok().filter(|d| *d <= 2).ok_or_else(|| {
                QueryError::new(
                    at,
                    format!("`~{d}`: a word can be at most 2 edits away, as in Ghalibaff~1"),
                )
            })?,
        };
        if stem.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
            return Err(QueryError::new(
                column,
                "a fuzzy word needs at least three letters before `~`",
            ));
        }
        if stem.contains(['*', '~']) {
            return Err(QueryError::new(at, "`~N` goes at the end of a plain word"));
        }
        return Ok(Leaf {
            scope,
            kind: LeafKind::Fuzzy {
                word: stem.to_owned(),
                distance,
            },
            exact: false,
            column,
        });
    }
    let stripped = word.trim_end_matches('*');
    if let Some(star) = stripped.find('*') {
        let at = column + stripped[..star].chars().count();
        return Err(QueryError::new(
            at,
            "`*` only works at the end of a word, as in snap*",
        ));
    }
    let kind = if stripped.len() < word.len() {
        if stripped.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            return Err(QueryError::new(
                column,
                format!("prefix `{word}` is too short: give at least two letters before `*`"),
            ));
        }
        LeafKind::Prefix(stripped.to_owned())
    } else {
        LeafKind::Word(word.to_owned())
    };
    Ok(Leaf {
        scope,
        kind,
        exact: false,
        column,
    })
}

/// Reads a query as plain words, without any syntax: every whitespace-separated word is a word
/// (`NOT`, `-`, quotes and `*` are just characters the analyzer drops).
pub fn parse_plain(input: &str) -> Result<QueryExpr, QueryError> {
    check_length(input)?;
    let mut clauses = Vec::new();
    let mut column = 1;
    let mut rest = input;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        column += rest[..start].chars().count();
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        clauses.push((
            Occur::Default,
            QueryExpr::Leaf(Leaf {
                scope: Scope::All,
                kind: LeafKind::Word(word.to_owned()),
                exact: false,
                column,
            }),
        ));
        column += word.chars().count();
        rest = &rest[end..];
    }
    match clauses.len() {
        0 => Err(QueryError::new(1, "empty query: give at least one word")),
        1 => Ok(clauses.pop().expect("one clause").1),
        _ => Ok(QueryExpr::And {
            clauses,
            explicit: false,
        }),
    }
}

/// A group made only of exclusions matches nothing: say so instead of returning no hits.
fn check_not_only_exclusions(expr: &QueryExpr, column: usize) -> Result<(), QueryError> {
    match expr {
        QueryExpr::Leaf(_) => Ok(()),
        QueryExpr::Or(alts) => alts
            .iter()
            .try_for_each(|a| check_not_only_exclusions(a, column)),
        QueryExpr::And { clauses, .. } => {
            if clauses.iter().all(|(o, _)| *o == Occur::Exclude) {
                return Err(QueryError::new(
                    first_column(expr).unwrap_or(column),
                    "nothing to search for: `-word` only excludes; add a word to find",
                ));
            }
            clauses
                .iter()
                .try_for_each(|(_, e)| check_not_only_exclusions(e, column))
        }
    }
}

fn first_column(expr: &QueryExpr) -> Option<usize> {
    match expr {
        QueryExpr::Leaf(l) => Some(l.column),
        QueryExpr::Or(alts) => alts.first().and_then(first_column),
        QueryExpr::And { clauses, .. } => clauses.first().and_then(|(_, e)| first_column(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str, column: usize) -> QueryExpr {
        QueryExpr::Leaf(Leaf {
            scope: Scope::All,
            kind: LeafKind::Word(w.into()),
            exact: false,
            column,
        })
    }

    #[test]
    fn words_are_an_implicit_conjunction() {
        assert_eq!(
            parse("irgc sanctions").unwrap(),
            QueryExpr::And {
                clauses: vec![
                    (Occur::Default, word("irgc", 1)),
                    (Occur::Default, word("sanctions", 6))
                ],
                explicit: false
            }
        );
    }

    #[test]
    fn or_binds_tighter_than_and() {
        let q = parse("iran OR tehran sanctions").unwrap();
        let QueryExpr::And { clauses, .. } = q else {
            panic!("{q:?}")
        };
        assert_eq!(clauses.len(), 2);
        assert!(matches!(clauses[0].1, QueryExpr::Or(ref a) if a.len() == 2));
    }

    #[test]
    fn phrases_slop_prefix_fields_and_modifiers() {
        let q =
            parse("\"maximum pressure\"~2 snap* -israel +title:iran section:(war peace)").unwrap();
        let QueryExpr::And { clauses, .. } = q else {
            panic!()
        };
        assert!(matches!(
            &clauses[0].1,
            QueryExpr::Leaf(Leaf {
                kind: LeafKind::Phrase { slop: 2, .. },
                ..
            })
        ));
        assert!(
            matches!(&clauses[1].1, QueryExpr::Leaf(Leaf { kind: LeafKind::Prefix(p), .. }) if p == "snap")
        );
        assert_eq!(clauses[2].0, Occur::Exclude);
        assert_eq!(clauses[3].0, Occur::Require);
        assert!(matches!(
            &clauses[3].1,
            QueryExpr::Leaf(Leaf {
                scope: Scope::Title,
                ..
            })
        ));
        let QueryExpr::And { clauses: inner, .. } = &clauses[4].1 else {
            panic!()
        };
        assert!(inner.iter().all(|(_, e)| matches!(
            e,
            QueryExpr::Leaf(Leaf {
                scope: Scope::Section,
                ..
            })
        )));
    }

    #[test]
    fn exact_and_fuzzy_words() {
        let QueryExpr::And { clauses, .. } =
            parse("=sanctions Ghalibaff~1 =\"maximum pressure\" typo~").unwrap()
        else {
            panic!()
        };
        assert!(
            matches!(&clauses[0].1, QueryExpr::Leaf(Leaf { exact: true, kind: LeafKind::Word(w), .. }) if w == "sanctions")
        );
        assert!(matches!(
            &clauses[1].1,
            QueryExpr::Leaf(Leaf {
                kind: LeafKind::Fuzzy { distance: 1, .. },
                ..
            })
        ));
        assert!(matches!(
            &clauses[2].1,
            QueryExpr::Leaf(Leaf {
                exact: true,
                kind: LeafKind::Phrase { .. },
                ..
            })
        ));
        assert!(matches!(
            &clauses[3].1,
            QueryExpr::Leaf(Leaf {
                kind: LeafKind::Fuzzy { distance: 1, .. },
                ..
            })
        ));
    }

    #[test]
    fn hyphens_inside_words_are_not_exclusions() {
        assert_eq!(parse("snap-back").unwrap(), word("snap-back", 1));
    }

    #[test]
    fn errors_name_the_problem_and_the_column() {
        let cases = [
            ("\"maximum pressure", 1, "unclosed quote"),
            ("(iran OR tehran", 1, "unclosed `(`"),
            ("iran)", 5, "unmatched `)`"),
            ("iran OR", 8, "`OR` needs a word after it"),
            ("OR iran", 1, "`OR` needs a word before it"),
            ("country:\"\"", 9, "empty phrase"),
            ("-iran", 2, "nothing to search for"),
            ("s*", 1, "too short"),
            ("sn*ap", 3, "only works at the end"),
            ("\"a b\"~x", 6, "needs a number"),
            ("Ghalibaff~3", 10, "at most 2 edits"),
            ("ab~1", 1, "at least three letters"),
            ("=(a b)", 1, "`=` goes before a word"),
            ("", 1, "empty query"),
            ("title:", 1, "needs a word after it"),
        ];
        for (query, column, needle) in cases {
            let err = parse(query).expect_err(query);
            assert!(err.message.contains(needle), "{query:?}: {err}");
            assert_eq!(err.column, column, "{query:?}: {err}");
        }
    }

    /// Whatever is typed, the parser answers with a query or an error that points inside it.
    #[test]
    fn random_input_never_panics() {
        let alphabet: Vec<char> = "ab Z9\"()-+*~=:.,OR AND NOT title:country:'’–é"
            .chars()
            .collect();
        let mut next = crate::testing::lcg(0xdecade);
        for _ in 0..20_000 {
            let len = next() % 20;
            let text: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            if let Err(e) = parse(&text) {
                assert!(
                    e.column >= 1 && e.column <= text.chars().count() + 1,
                    "{text:?}: {e}"
                );
            }
            let _ = parse_plain(&text);
        }
    }

    #[test]
    fn plain_queries_have_no_syntax() {
        let q = parse_plain("EFFORTS OF \"LODGE\" NOT (DIEM) -x snap*").unwrap();
        let QueryExpr::And { clauses, .. } = q else {
            panic!()
        };
        let words: Vec<&str> = clauses
            .iter()
            .map(|(_, e)| match e {
                QueryExpr::Leaf(Leaf {
                    kind: LeafKind::Word(w),
                    ..
                }) => w.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            words,
            ["EFFORTS", "OF", "\"LODGE\"", "NOT", "(DIEM)", "-x", "snap*"]
        );
        assert!(parse_plain("  ").is_err());
    }

    #[test]
    fn metadata_filters() {
        let q = parse("sanctions country:IRN year:2015..2019 source:\"UN News\"").unwrap();
        let QueryExpr::And { clauses, .. } = q else {
            panic!()
        };
        let filters: Vec<(&str, &str)> = clauses
            .iter()
            .filter_map(|(_, e)| match e {
                QueryExpr::Leaf(Leaf {
                    kind: LeafKind::Filter { key, value },
                    ..
                }) => Some((key.as_str(), value.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            filters,
            [
                ("country", "IRN"),
                ("year", "2015..2019"),
                ("source", "UN News")
            ]
        );
    }

    #[test]
    fn urls_times_and_prose_colons_are_words_not_fields() {
        assert!(parse("https://example.org").is_ok());
        assert!(parse("12:30").is_ok());
        assert!(matches!(
            parse("note: sanctions").unwrap(),
            QueryExpr::And { .. }
        ));
    }

    /// A hostile query is an error with a column, never a stack overflow or a search that
    /// runs for minutes: deep parentheses (and `=`, which nests the same way), too many words.
    #[test]
    fn deep_nesting_and_long_queries_are_errors_with_a_column() {
        let deep = format!("{}iran{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.column, MAX_NESTING + 1, "{e}");
        assert!(e.message.contains("nests too deeply"), "{e}");
        let ok = format!(
            "{}iran{}",
            "(".repeat(MAX_NESTING - 1),
            ")".repeat(MAX_NESTING - 1)
        );
        assert!(parse(&ok).is_ok());
        let negated = format!("title:({}iran{})", "-(".repeat(50_000), ")".repeat(50_001));
        assert!(parse(&negated)
            .unwrap_err()
            .message
            .contains("nests too deeply"));
        let exact = format!("{}iran", "=".repeat(100_000));
        assert!(parse(&exact)
            .unwrap_err()
            .message
            .contains("nests too deeply"));

        let long = "sanctions ".repeat(MAX_QUERY_WORDS + 1);
        for e in [parse(&long).unwrap_err(), parse_plain(&long).unwrap_err()] {
            assert_eq!(e.column, MAX_QUERY_WORDS * 10 + 1, "{e}");
            assert!(e.message.contains("too long"), "{e}");
        }
        assert!(parse(&"sanctions ".repeat(MAX_QUERY_WORDS)).is_ok());
    }
}
