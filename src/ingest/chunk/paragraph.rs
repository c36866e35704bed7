//! From the source lines of one paragraph to passage text: joining wrapped lines, undoing
//! end-of-line hyphenation, taking off the source's own paragraph number, and cutting paragraphs
//! that are too long into parts at sentence boundaries, while keeping for every word the source
//! bytes it came from (so every part's citation stays exact).

use std::collections::HashSet;

use unicode_segmentation::UnicodeSegmentation;

use super::Piece;

/// One word of the passage text and the source bytes it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WordSpan {
    pub text_start: usize,
    pub text_end: usize,
    pub src_start: usize,
    pub src_end: usize,
}

/// A paragraph's text (whitespace-normalised) with its word-to-source map.
#[derive(Debug, Clone, Default)]
pub(super) struct Joined {
    pub text: String,
    pub words: Vec<WordSpan>,
    /// When the text is the source slice itself (one piece, single spaces, no line breaks):
    /// where it starts in the source. Offsets then map one to one, and `words` stays empty.
    pub verbatim_at: Option<usize>,
}

impl Joined {
    /// Whether the paragraph has any text.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The words of a document, to decide whether `inter-` + `national` is one word broken by the
/// line end or a real compound like `twelve-day`.
#[derive(Debug, Default)]
pub(super) struct Vocabulary {
    words: HashSet<String>,
}

impl Vocabulary {
    /// Every word of `text` except the fragments that end a line with a hyphen.
    pub fn of(text: &str) -> Vocabulary {
        let mut words = HashSet::new();
        for line in text.lines() {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            for (i, token) in tokens.iter().enumerate() {
                let is_line_end_fragment = i + 1 == tokens.len() && token.ends_with('-');
                if is_line_end_fragment {
                    continue;
                }
                let word = core_word(token);
                if !word.is_empty() {
                    words.insert(word.to_lowercase());
                }
            }
        }
        Vocabulary { words }
    }

    fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// How to join `head-` at a line end with `tail` at the start of the next line: `true` to
    /// drop the hyphen (`inter-` `national` → `international`), `false` to keep it
    /// (`twelve-` `day` → `twelve-day`). The document's own spelling decides; with no evidence
    /// either way, a head that is a word of its own (`twelve`, `low`) keeps its hyphen.
    fn drop_hyphen(&self, head: &str, tail: &str) -> bool {
        let head = head.to_lowercase();
        let tail = tail.to_lowercase();
        if self.contains(&format!("{head}{tail}")) {
            return true;
        }
        if self.contains(&format!("{head}-{tail}")) {
            return false;
        }
        !(self.contains(&head) && self.contains(&tail))
    }
}

/// A token without the punctuation around it (inner hyphens and apostrophes stay).
fn core_word(token: &str) -> &str {
    token.trim_matches(|c: char| !c.is_alphanumeric())
}

/// The source's own paragraph number at the start of a paragraph (`22.\tThe peoples…`): the
/// number and the byte length of the marker (number, dot and the whitespace after it).
pub(super) fn paragraph_number(line: &str, allow_space: bool) -> Option<(String, usize)> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 || !rest[digits..].starts_with('.') {
        return None;
    }
    let after = &rest[digits + 1..];
    let gap = after.len() - after.trim_start().len();
    let tab = after.starts_with('\t');
    if gap == 0 || (!tab && !allow_space) || after.trim().is_empty() {
        return None;
    }
    Some((rest[..digits].to_owned(), indent + digits + 1 + gap))
}

/// A stretch of the concatenated paragraph text and where it came from.
struct Span {
    at: usize,
    len: usize,
    src_start: usize,
    src_end: usize,
    /// The text is the source slice itself, so offsets inside it map one to one.
    raw: bool,
}

/// Joins the pieces of one paragraph into whitespace-normalised text, keeping every word's
/// source bytes. With a `vocabulary`, a word broken by a hyphen at a line end is mended.
pub(super) fn join(source: &str, pieces: &[Piece], vocabulary: Option<&Vocabulary>) -> Joined {
    // The common case, a paragraph that is one line of plain prose, needs no word map.
    if let [piece] = pieces {
        if piece.text.is_none() {
            let slice = &source[piece.start..piece.end];
            let trimmed = slice.trim();
            let plain = !trimmed.contains("  ")
                && !trimmed
                    .bytes()
                    // Not `is_ascii_whitespace`, which leaves out the vertical tab.
                    .any(|b| b != b' ' && b < 0x80 && char::from(b).is_whitespace())
                && (trimmed.is_ascii() || !trimmed.chars().any(|c| c != ' ' && c.is_whitespace()));
            if plain {
                let lead = slice.len() - slice.trim_start().len();
                return Joined {
                    text: trimmed.to_owned(),
                    words: Vec::new(),
                    verbatim_at: Some(piece.start + lead),
                };
            }
        }
    }
    let mut concat = String::new();
    let mut spans: Vec<Span> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        if piece.break_before && !concat.is_empty() {
            concat.push('\n');
        }
        let text = piece
            .text
            .as_deref()
            .unwrap_or(&source[piece.start..piece.end]);
        spans.push(Span {
            at: concat.len(),
            len: text.len(),
            src_start: piece.start,
            src_end: piece.end,
            raw: piece.text.is_none(),
        });
        concat.push_str(text);
    }
    let span_of = |x: usize| -> &Span {
        let i = spans.partition_point(|s| s.at + s.len <= x);
        &spans[i.min(spans.len() - 1)]
    };
    let src_start_of = |x: usize| {
        let s = span_of(x);
        if s.raw {
            s.src_start + (x - s.at)
        } else {
            s.src_start
        }
    };
    let src_end_of = |y: usize| {
        let s = span_of(y - 1);
        if s.raw {
            s.src_start + (y - s.at)
        } else {
            s.src_end
        }
    };

    let mut joined = Joined::default();
    let mut words = word_ranges(&concat).peekable();
    while let Some((start, mut end)) = words.next() {
        let text_start = if joined.text.is_empty() {
            0
        } else {
            joined.text.push(' ');
            joined.text.len()
        };
        joined.text.push_str(&concat[start..end]);
        // Mend `inter-` + line break + `national` (and keep `twelve-` + `day` as one word).
        while let (Some(vocabulary), Some(&(next_start, next_end))) = (vocabulary, words.peek()) {
            let head = &concat[start..end];
            let Some(stem) = head.strip_suffix('-') else {
                break;
            };
            let next = &concat[next_start..next_end];
            if !concat[end..next_start].contains('\n')
                || !stem.chars().last().is_some_and(char::is_alphabetic)
            {
                break;
            }
            let head_word = core_word(stem.rsplit(['-', '—', '–']).next().unwrap_or(stem));
            let continues_lower = next.chars().next().is_some_and(char::is_lowercase);
            if continues_lower && vocabulary.drop_hyphen(head_word, core_word(next)) {
                joined.text.pop();
            }
            joined.text.push_str(next);
            end = next_end;
            words.next();
        }
        joined.words.push(WordSpan {
            text_start,
            text_end: joined.text.len(),
            src_start: src_start_of(start),
            src_end: src_end_of(end),
        });
    }
    joined
}

/// Characters a mended line-end hyphen can be (they are in the source, not in the text).
const HYPHENS_MENDED: &[char] = &['-', '\u{ad}', '‐', '‑'];

/// Byte ranges of the whitespace-separated words of `text`.
fn word_ranges(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let base = text.as_ptr() as usize;
    text.split_whitespace().map(move |w| {
        let start = w.as_ptr() as usize - base;
        (start, start + w.len())
    })
}

/// Byte ranges of `text` for the parts of a paragraph: one range when it fits in `max_chars`,
/// else cut at sentence boundaries into parts of similar size, none over `max_chars` unless a
/// single sentence is.
pub(super) fn split_parts(text: &str, max_chars: usize) -> Vec<(usize, usize)> {
    let total = text.chars().count();
    if total <= max_chars || max_chars == 0 {
        return vec![(0, text.len())];
    }
    let parts_needed = total.div_ceil(max_chars);
    let target = total.div_ceil(parts_needed);
    let mut parts = Vec::new();
    let (mut start, mut chars) = (0usize, 0usize);
    for (offset, sentence) in text.split_sentence_bound_indices() {
        let n = sentence.chars().count();
        if chars > 0 && (chars + n > max_chars || chars >= target) {
            parts.push((start, offset));
            start = offset;
            chars = 0;
        }
        chars += n;
    }
    parts.push((start, text.len()));
    parts
        .into_iter()
        .map(|(s, e)| {
            let slice = &text[s..e];
            let lead = slice.len() - slice.trim_start().len();
            (s + lead, s + slice.trim_end().len())
        })
        .filter(|(s, e)| s < e)
        .collect()
}

/// The source byte range behind the text range `start..end` of `joined`.
pub(super) fn source_range(
    source: &str,
    joined: &Joined,
    start: usize,
    end: usize,
) -> (usize, usize) {
    if let Some(at) = joined.verbatim_at {
        return (at + start, at + end);
    }
    let first = joined
        .words
        .iter()
        .find(|w| w.text_end > start)
        .expect("a non-empty part has words");
    let last = joined
        .words
        .iter()
        .rev()
        .find(|w| w.text_start < end)
        .expect("a non-empty part has words");
    // A part can start or end inside a word, where a sentence ends with no space after it
    // (`useful?Iran`): the citation then cuts the word too, where the source has that piece
    // of the word as it is (and not only after a mended hyphen or a decoded entity), so that
    // parts never overlap.
    // Inside a word, the cut is found in the word's source bytes by walking both: the source
    // has the word's characters, with line breaks, indentation and a mended hyphen between
    // them; where they part otherwise (a decoded entity) the cut falls back to the whole word.
    let cut = |w: &WordSpan, at: usize| -> Option<usize> {
        let word = joined.text.get(w.text_start..w.text_end)?;
        let src = source.get(w.src_start..w.src_end)?;
        let mut src_chars = src.char_indices().peekable();
        for (i, c) in word.char_indices() {
            if w.text_start + i == at {
                return src_chars.peek().map(|&(j, _)| w.src_start + j);
            }
            loop {
                let (_, s) = src_chars.next()?;
                if s == c {
                    break;
                }
                if !(s.is_whitespace() || HYPHENS_MENDED.contains(&s)) {
                    return None;
                }
            }
        }
        None
    };
    let src_start = if start > first.text_start {
        cut(first, start).unwrap_or(first.src_start)
    } else {
        first.src_start
    };
    let src_end = if end < last.text_end {
        cut(last, end).unwrap_or(last.src_end)
    } else {
        last.src_end
    };
    (src_start, src_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut start = 0;
        for line in text.split('\n') {
            out.push(Piece::raw(start, start + line.len()));
            start += line.len() + 1;
        }
        out
    }

    fn joined(text: &str) -> String {
        join(text, &pieces(text), Some(&Vocabulary::of(text))).text
    }

    #[test]
    fn line_end_hyphenation_is_undone_from_the_documents_vocabulary() {
        assert_eq!(
            joined("the inter-\nnational community"),
            "the international community"
        );
        // The document spells it with a hyphen elsewhere.
        assert_eq!(
            joined("a twelve-day war\nafter the twelve-\nday war"),
            "a twelve-day war after the twelve-day war"
        );
        // Both halves are words of their own: a compound.
        assert_eq!(
            joined("low income, low\nrates, and low-\nincome countries"),
            "low income, low rates, and low-income countries"
        );
        // The joined form is a word of the document.
        assert_eq!(
            joined("the nuclear non-\nproliferation treaty; nonproliferation"),
            "the nuclear nonproliferation treaty; nonproliferation"
        );
        // Capitalised continuations keep the hyphen; dashes are not hyphens.
        assert_eq!(
            joined("the Non-\nProliferation Treaty"),
            "the Non-Proliferation Treaty"
        );
        assert_eq!(
            joined("benefactors -\nthose Powers"),
            "benefactors - those Powers"
        );
    }

    #[test]
    fn every_word_keeps_its_source_bytes() {
        let text = "the inter-\nnational  community";
        let j = join(text, &pieces(text), Some(&Vocabulary::of(text)));
        let w = j.words[1];
        assert_eq!(&j.text[w.text_start..w.text_end], "international");
        assert_eq!(&text[w.src_start..w.src_end], "inter-\nnational");
        assert_eq!(source_range(text, &j, 4, j.text.len()), (4, text.len()));
    }

    #[test]
    fn decoded_pieces_cite_their_whole_source_range() {
        // `Iran&rsquo;s` decoded, then a raw piece glued to it.
        let source = "<p>Iran&rsquo;s talks</p>";
        let pieces = [
            Piece {
                start: 3,
                end: 15,
                text: Some("Iran’s".into()),
                break_before: false,
            },
            Piece {
                break_before: false,
                ..Piece::raw(15, 21)
            },
        ];
        let j = join(source, &pieces, None);
        assert_eq!(j.text, "Iran’s talks");
        assert_eq!((j.words[0].src_start, j.words[0].src_end), (3, 15));
        assert_eq!(&source[j.words[1].src_start..j.words[1].src_end], "talks");
    }

    #[test]
    fn source_paragraph_numbers() {
        assert_eq!(
            paragraph_number("22.\tThe peoples", false),
            Some(("22".into(), 4))
        );
        assert_eq!(paragraph_number("22. The peoples", false), None);
        assert_eq!(
            paragraph_number("22. The peoples", true),
            Some(("22".into(), 4))
        );
        assert_eq!(paragraph_number("2015.", true), None);
        assert_eq!(paragraph_number("3.5 percent", true), None);
    }

    #[test]
    fn long_paragraphs_split_at_sentences_into_similar_parts() {
        let sentence = "This sentence is exactly fifty characters long ok. ";
        let text = sentence.repeat(7);
        let text = text.trim_end();
        // Three sentences (152 characters) fit in 160; seven need three parts.
        let parts = split_parts(text, 160);
        assert_eq!(parts.len(), 3);
        for &(s, e) in &parts {
            assert!(text[s..e].chars().count() <= 160);
            assert!(text[s..e].ends_with('.'), "{:?}", &text[s..e]);
        }
        assert_eq!(parts[0].0, 0);
        assert_eq!(parts[2].1, text.len());
        // A single sentence over the limit stays whole.
        let long = "word ".repeat(100);
        assert_eq!(split_parts(long.trim(), 50), [(0, long.trim().len())]);
    }
}
