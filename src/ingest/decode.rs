//! Bytes to text: UTF-8 as it is, a declared charset honoured, anything else read as
//! Windows-1252 with a warning naming the first byte that was not UTF-8. Citations must point at
//! the file's own bytes, so a decoded text keeps a map from its offsets back to the source's.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// A file's text and how its offsets map back to the file's bytes.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// The encoding the bytes were read with.
    pub encoding: &'static str,
    /// Set when the bytes were not what they claimed (or were assumed) to be.
    pub warning: Option<String>,
    /// `(text offset, source offset)` at every character, when they differ; empty when the text
    /// is the source bytes themselves.
    map: Vec<(u32, u32)>,
    source_len: usize,
}

impl Decoded {
    /// Text that is the source bytes themselves.
    pub fn identity(text: String) -> Decoded {
        let source_len = text.len();
        Decoded {
            text,
            encoding: "UTF-8",
            warning: None,
            map: Vec::new(),
            source_len,
        }
    }

    /// The byte offset in the source file of the text offset `at` (a character boundary).
    pub fn source_offset(&self, at: usize) -> usize {
        if self.map.is_empty() {
            return at;
        }
        if at >= self.text.len() {
            return self.source_len;
        }
        let i = self.map.partition_point(|&(t, _)| t as usize <= at) - 1;
        self.map[i].1 as usize
    }
}

/// Decodes `bytes`: with the `declared` encoding when there is one, else as UTF-8, falling back to
/// Windows-1252 (which maps every byte to a character) with a warning when that fails.
pub fn decode(bytes: &[u8], declared: Option<&'static Encoding>) -> Decoded {
    let encoding = declared.unwrap_or(UTF_8);
    if encoding == UTF_8 {
        match std::str::from_utf8(bytes) {
            Ok(text) => return Decoded::identity(text.to_owned()),
            Err(e) => {
                let mut decoded = decode_with(bytes, WINDOWS_1252);
                decoded.warning = Some(format!(
                    "not valid UTF-8 (first bad byte at offset {}); read as Windows-1252",
                    e.valid_up_to()
                ));
                return decoded;
            }
        }
    }
    decode_with(bytes, encoding)
}

/// Decodes with a non-UTF-8 encoding, recording where every character came from.
fn decode_with(bytes: &[u8], encoding: &'static Encoding) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut map = Vec::with_capacity(bytes.len());
    let mut had_errors = false;
    let mut char_start = 0;
    for i in 0..bytes.len() {
        let before = text.len();
        text.reserve(16);
        let last = i + 1 == bytes.len();
        let (_, _, errors) = decoder.decode_to_string(&bytes[i..i + 1], &mut text, last);
        had_errors |= errors;
        if text.len() > before {
            // One byte may complete several characters (rare); all start at `char_start`.
            for (offset, _) in text[before..].char_indices() {
                map.push(((before + offset) as u32, char_start as u32));
            }
            char_start = i + 1;
        }
    }
    Decoded {
        text,
        encoding: encoding.name(),
        warning: had_errors
            .then(|| format!("bytes that are not {} were replaced", encoding.name())),
        map,
        source_len: bytes.len(),
    }
}

/// The charset an HTML document declares in its first kilobytes (`<meta charset>` or
/// `http-equiv` content type), or a byte-order mark.
pub fn html_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return Some(encoding);
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")?;
    let label: String = head[at + "charset=".len()..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_the_source_itself() {
        let d = decode("Zürich".as_bytes(), None);
        assert_eq!(d.text, "Zürich");
        assert!(d.warning.is_none());
        assert_eq!(d.source_offset(3), 3);
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252_with_a_warning() {
        let d = decode(b"Caf\xe9 in Gen\xe8ve", None);
        assert_eq!(d.text, "Café in Genève");
        assert!(d.warning.as_deref().unwrap().contains("offset 3"));
        // "in" starts at text offset 6 (é is two bytes) and file offset 5.
        assert_eq!(d.source_offset(6), 5);
        assert_eq!(d.source_offset(d.text.len()), 14);
    }

    #[test]
    fn declared_charsets_are_found_and_honoured() {
        let html = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\" /></head><body>R\xe9sum\xe9</body></html>";
        let enc = html_charset(html).unwrap();
        assert_eq!(enc.name(), "windows-1252");
        let d = decode(html, Some(enc));
        assert!(d.text.ends_with("Résumé</body></html>"));
        assert!(d.warning.is_none());
        assert_eq!(html_charset(b"<meta charset='utf-8'>"), Some(UTF_8));
    }
}
