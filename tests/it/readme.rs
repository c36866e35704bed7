//! The README's examples are true. SUBPROCESS TEST: every fenced block of README.md that starts
//! with `$ dossier ...` is run, as written, in a copy of the checkout's fixtures on the demo
//! index (the default `./index`, built from the directories under `fixtures/` as on a fresh
//! clone), and what it prints (stderr, then stdout, as a terminal shows them) must be the rest
//! of the block. Text output is compared as a terminal 100 columns wide shows it (`--width 100`
//! is added to `search` and `show` unless the command gives a width or another format).
//!
//! In a block, a line `...` stands for any number of lines, and `...` inside a line for any
//! text (the output's own ellipsis is `…`), so an example can leave out what does not matter.
//! When the binary's output changes, the failure prints what it printed now: paste it in.

use crate::common::{root, stderr, stdout, TestEnv};

/// One example: where it is, the command's words and the output it shows.
#[derive(Debug)]
struct Example {
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
}

/// The fenced blocks whose first line is `$ dossier ...`.
fn examples(readme: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut lines = readme.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        if !line.starts_with("```") {
            continue;
        }
        let block: Vec<(usize, &str)> = lines
            .by_ref()
            .take_while(|(_, l)| !l.starts_with("```"))
            .collect();
        let Some(((number, first), rest)) = block.split_first() else {
            continue;
        };
        let Some(command) = first.strip_prefix("$ dossier ") else {
            continue;
        };
        examples.push(Example {
            line: number + 1,
            args: shell_words(command),
            expected: rest.iter().map(|(_, l)| l.to_string()).collect(),
        });
    }
    examples
}

/// A command line split into words as a POSIX shell does for the quoting the README uses:
/// single quotes keep everything, double quotes keep all but `\"` and `\\`.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                w.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        c => w.push(c),
                    }
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// Whether `line` is `pattern`, where `...` in the pattern stands for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first) || line.len() < first.len() + last.len() || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Whether `lines` are `patterns`, where a pattern line `...` stands for any number of lines.
fn lines_match(patterns: &[String], lines: &[&str]) -> bool {
    match patterns.split_first() {
        None => lines.is_empty(),
        Some((p, rest)) if p == "..." => (0..=lines.len()).any(|k| lines_match(rest, &lines[k..])),
        Some((p, rest)) => {
            !lines.is_empty() && line_matches(p, lines[0]) && lines_match(rest, &lines[1..])
        }
    }
}

#[test]
fn the_readme_examples_print_what_the_binary_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 6, "found {} examples", examples.len());
    let env = TestEnv::new();
    // The first search builds the demo index (and says so on stderr): not part of an example.
    let built = env.run(&["search", "snapback", "-n", "0"]);
    assert!(stderr(&built).contains("building it"), "{}", stderr(&built));

    let mut failures = Vec::new();
    for example in &examples {
        let mut args: Vec<&str> = example.args.iter().map(String::as_str).collect();
        let text_output = !args.iter().any(|a| *a == "--format" || *a == "--width");
        if matches!(args.first(), Some(&"search") | Some(&"show")) && text_output {
            args.extend(["--width", "100"]);
        }
        let out = env.run(&args);
        let printed = format!("{}{}", stderr(&out), stdout(&out));
        let lines: Vec<&str> = printed.lines().map(str::trim_end).collect();
        let expected: Vec<String> = example
            .expected
            .iter()
            .map(|l| l.trim_end().to_owned())
            .collect();
        if !lines_match(&expected, &lines) {
            failures.push(format!(
                "README.md:{}: `dossier {}` printed:\n{}",
                example.line,
                example.args.join(" "),
                printed
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_example_syntax_is_read_as_documented() {
    assert_eq!(
        shell_words(r#"search 'snapback IRGC' --explain "a \"b\"" x"#),
        ["search", "snapback IRGC", "--explain", "a \"b\"", "x"]
    );
    assert_eq!(
        shell_words(r#"search '"maximum pressure'"#),
        ["search", "\"maximum pressure"]
    );
    assert!(line_matches(
        "\"text\": \"The design ... Iran.\",",
        "\"text\": \"The design inverts it, Iran.\","
    ));
    assert!(!line_matches("a...b", "ab c"));
    let patterns: Vec<String> = ["one", "...", "four"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(lines_match(&patterns, &["one", "two", "three", "four"]));
    assert!(lines_match(&patterns, &["one", "four"]));
    assert!(!lines_match(&patterns, &["one", "two"]));
}
