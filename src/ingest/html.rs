//! HTML pages: the article's own text only, read with a WHATWG-compliant tokenizer (html5gum,
//! with byte spans) so every passage cites the place in the file where its text sits.
//!
//! - navigation, headers, footers, scripts, styles, asides, forms, cookie banners, share widgets
//!   and other page furniture (recognised by element, and by class and id words such as
//!   `cookie`, `share`, `breadcrumb`, `sidebar`) are not passages;
//! - when the page marks its content (`<article>`, `<main>`, `role="main"`), only that counts;
//! - paragraphs come from block elements (`p`, `li`, `blockquote`, `dd`, table rows, ...); `h1`–`h6`
//!   become sections;
//! - title from `og:title`, `<title>` or the first `h1`; date from `article:published_time`,
//!   `<meta name="date">` and the other publication-date names (Dublin Core, `citation_*`,
//!   `dcterms.*`, `parsely-pub-date`, ...), JSON-LD `datePublished` (also inside `CDATA`) or the
//!   first `<time>` (its `datetime`, else its text: `<time>April 9, 2026</time>`); the update
//!   date (`article:modified_time`, `og:updated_time`, JSON-LD `dateModified`) as `updated`,
//!   which gives the `date` when nothing else does; source from `og:site_name`; author, url,
//!   tags and language when the page gives them.

use html5gum::{DefaultEmitter, Token, Tokenizer};
use serde_json::Value;

use super::chunk::{assemble, ChunkOptions, Chunked, Layout, Piece, Unit};
use crate::model::meta::{self, Meta};
use crate::model::normalize_whitespace;

/// Elements whose content is never article text.
const SKIPPED_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "option", "svg", "iframe", "canvas", "object", "audio", "video", "map",
    "dialog", "menu",
];

/// Class and id words of page furniture.
const FURNITURE_WORDS: &[&str] = &[
    "cookie",
    "cookies",
    "consent",
    "banner",
    "share",
    "sharing",
    "social",
    "newsletter",
    "subscribe",
    "breadcrumb",
    "breadcrumbs",
    "nav",
    "navbar",
    "navbox",
    "navigation",
    "menu",
    "sidebar",
    "comment",
    "comments",
    "related",
    "promo",
    "advert",
    "advertisement",
    "ads",
    "footer",
    "header",
    "masthead",
    "toc",
    "editsection",
    "reflist",
    "references",
    "reference",
    "catlinks",
    "printfooter",
    "noprint",
    "jump",
    "hatnote",
    "infobox",
    "metadata",
    "popup",
    "modal",
    "skip",
    "toolbar",
    "pagination",
];

/// A paragraph with at least this share of its characters in links is navigation.
const NAVIGATION_LINK_SHARE: f64 = 0.7;

/// Elements that start and end a paragraph.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
    "caption",
    "html",
    "head",
    "title",
];

const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The title, metadata and passages of an HTML page (`text` already decoded).
pub fn read(text: &str, options: &ChunkOptions) -> (Chunked, Meta) {
    let mut page = Page::default();
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(text, emitter).flatten() {
        page.token(text, token);
    }
    page.flush(text);

    let keep_root = page.units.iter().any(|(_, in_root)| *in_root);
    let units: Vec<Unit> = page
        .units
        .into_iter()
        .filter(|(_, in_root)| *in_root || !keep_root)
        .map(|(unit, _)| unit)
        .collect();
    let mut m = page.meta;
    let title = page
        .og_title
        .or(page.dc_title)
        .or(page.title)
        .or(page.first_h1)
        .map(|t| normalize_whitespace(&t));
    if !m.contains_key("date") {
        if let Some(date) = page.time_datetime {
            meta::insert(&mut m, "date", Value::String(date));
        }
    }
    meta::date_from_aliases(&mut m);
    let mut chunked = assemble(text, units, Layout::Html, options, false);
    chunked.title = title;
    (chunked, m)
}

/// The tokenizer's span of a text `value`, made a range a citation can use: inside `text`, on
/// character boundaries and not empty (the tokenizer can give an empty span, as for a lone `&`
/// at the end of a page: then the value's own bytes at its start, or the next character).
/// `None` when nothing of `text` is left to cite.
fn source_span(text: &str, value: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let ceil = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at += 1;
        }
        at
    };
    let start = floor(start);
    let mut end = ceil(end.max(start));
    if end == start {
        if !value.is_empty() && text[start..].starts_with(value) {
            end = start + value.len();
        } else {
            end = ceil(start + 1);
        }
    }
    (start < end).then_some((start, end))
}

/// How many of the innermost open elements an end tag is matched against.
const END_TAG_WINDOW: usize = 1_000;

#[derive(Default)]
struct Page {
    /// Open elements: name, whether its content is skipped (it or an element around it skips
    /// its content), whether it is inside a content root (it or one around it is one). The
    /// flags are carried down so that neither needs a walk of the stack, which would make a
    /// page nested 100,000 deep quadratic.
    stack: Vec<(String, bool, bool)>,
    units: Vec<(Unit, bool)>,
    pieces: Vec<Piece>,
    heading: Option<String>,
    break_next: bool,
    meta: Meta,
    title: Option<String>,
    og_title: Option<String>,
    first_h1: Option<String>,
    time_datetime: Option<String>,
    /// The text of a `<time>` element without `datetime`, while it is read.
    in_time: Option<String>,
    in_title: Option<String>,
    json_ld: Option<String>,
    dc_title: Option<String>,
    /// Open `<a>` elements, and the characters of link text in the current paragraph.
    link_depth: usize,
    links: usize,
    link_chars: usize,
}

impl Page {
    fn skipping(&self) -> bool {
        self.stack.last().is_some_and(|(_, skip, _)| *skip)
    }

    fn in_root(&self) -> bool {
        self.stack.last().is_some_and(|(_, _, root)| *root)
    }

    fn token(&mut self, text: &str, token: Token<usize>) {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                let attr = |key: &str| {
                    tag.attributes
                        .get(key.as_bytes())
                        .map(|v| String::from_utf8_lossy(&v.value).into_owned())
                };
                self.start_tag(text, &name, &attr, tag.self_closing);
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                self.end_tag(text, &name);
            }
            Token::String(s) => {
                let value = String::from_utf8_lossy(&s.value);
                self.string(text, &value, s.span.start, s.span.end);
            }
            _ => {}
        }
    }

    fn start_tag(
        &mut self,
        text: &str,
        name: &str,
        attr: &dyn Fn(&str) -> Option<String>,
        self_closing: bool,
    ) {
        match name {
            "meta" => self.meta_tag(attr),
            "link" if attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) => {
                if let Some(href) = attr("href") {
                    self.meta.entry("url".into()).or_insert(Value::String(href));
                }
            }
            "html" => {
                if let Some(lang) = attr("lang") {
                    meta::insert(&mut self.meta, "lang", Value::String(lang));
                }
            }
            "time" if self.time_datetime.is_none() && !self.skipping() => match attr("datetime") {
                Some(datetime) => self.time_datetime = Some(datetime),
                None => self.in_time = Some(String::new()),
            },
            "br" => {
                self.break_next = true;
                if let Some(heading) = &mut self.heading {
                    heading.push(' ');
                }
            }
            "a" => {
                self.link_depth += 1;
                self.links += 1;
            }
            _ => {}
        }
        if is_block(name) {
            self.flush(text);
        }
        if VOID_ELEMENTS.contains(&name) || self_closing {
            return;
        }
        // A new <p> or <li> closes an open one of the same kind.
        if matches!(name, "p" | "li" | "dt" | "dd" | "tr")
            && self.stack.last().is_some_and(|(top, _, _)| top == name)
        {
            self.stack.pop();
        }
        let is_json_ld = name == "script"
            && attr("type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"));
        if is_json_ld {
            self.json_ld = Some(String::new());
        }
        let skip = SKIPPED_ELEMENTS.contains(&name)
            || attr("hidden").is_some()
            || attr("aria-hidden").is_some_and(|v| v == "true")
            || attr("style").is_some_and(|s| {
                s.replace(' ', "")
                    .to_ascii_lowercase()
                    .contains("display:none")
            })
            || [attr("class"), attr("id")]
                .into_iter()
                .flatten()
                .any(|v| is_furniture(&v));
        let root = matches!(name, "article" | "main")
            || attr("role").is_some_and(|r| r.eq_ignore_ascii_case("main"));
        if name == "title" {
            self.in_title = Some(String::new());
        }
        if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") && !self.skipping() && !skip {
            self.heading = Some(String::new());
        }
        let (skip, root) = (skip || self.skipping(), root || self.in_root());
        self.stack.push((name.to_owned(), skip, root));
    }

    fn end_tag(&mut self, text: &str, name: &str) {
        if name == "time" {
            if let Some(shown) = self.in_time.take() {
                let shown = normalize_whitespace(&shown);
                if crate::model::Date::parse(&shown).is_some() {
                    self.time_datetime = Some(shown);
                }
            }
        }
        if name == "a" {
            self.link_depth = self.link_depth.saturating_sub(1);
        }
        if name == "script" {
            if let Some(json) = self.json_ld.take() {
                self.json_ld_metadata(&json);
            }
        }
        if name == "title" {
            if let Some(t) = self.in_title.take() {
                if self.title.is_none() && !t.trim().is_empty() {
                    self.title = Some(t);
                }
            }
        }
        if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            if let Some(heading) = self.heading.take() {
                let heading = normalize_whitespace(&heading);
                if !heading.is_empty() {
                    if name == "h1" && self.first_h1.is_none() {
                        self.first_h1 = Some(heading.clone());
                    }
                    let in_root = self.in_root();
                    self.units.push((Unit::Heading { text: heading }, in_root));
                }
            }
        }
        if is_block(name) {
            self.flush(text);
        }
        // An end tag closes the nearest open element of its name, looked for among the
        // innermost ones only: a stray end tag costs bounded time however deep the page.
        let window = self.stack.len().saturating_sub(END_TAG_WINDOW);
        if let Some(at) = self.stack[window..].iter().rposition(|(n, _, _)| n == name) {
            self.stack.truncate(window + at);
        }
    }

    fn string(&mut self, text: &str, value: &str, start: usize, end: usize) {
        if let Some(json) = &mut self.json_ld {
            json.push_str(value);
            return;
        }
        if let Some(title) = &mut self.in_title {
            title.push_str(value);
            return;
        }
        if self.skipping() {
            return;
        }
        if let Some(shown) = &mut self.in_time {
            shown.push_str(value);
        }
        if let Some(heading) = &mut self.heading {
            heading.push_str(value);
            return;
        }
        if value.trim().is_empty() && self.pieces.is_empty() {
            return;
        }
        let Some((start, end)) = source_span(text, value, start, end) else {
            return;
        };
        let raw = text.get(start..end) == Some(value);
        if self.link_depth > 0 {
            self.link_chars += value.trim().chars().count();
        }
        self.pieces.push(Piece {
            start,
            end,
            text: (!raw).then(|| value.to_owned()),
            break_before: std::mem::take(&mut self.break_next),
        });
    }

    /// Ends the current paragraph (at the start or end of a block element). A paragraph that is
    /// mostly link text is navigation ("NEW SEARCH | HOME | HELP", "Back to ...") and dropped.
    fn flush(&mut self, text: &str) {
        self.break_next = false;
        let (links, link_chars) = (
            std::mem::take(&mut self.links),
            std::mem::take(&mut self.link_chars),
        );
        if self.pieces.is_empty() {
            return;
        }
        let pieces = std::mem::take(&mut self.pieces);
        let chars: usize = pieces
            .iter()
            .map(|p| {
                let t = p.text.as_deref().unwrap_or(&text[p.start..p.end]);
                t.chars().filter(|c| !c.is_whitespace()).count()
            })
            .sum();
        let link_chars_no_space = link_chars.min(chars);
        if links > 0 && link_chars_no_space as f64 >= NAVIGATION_LINK_SHARE * chars as f64 {
            return;
        }
        let in_root = self.in_root();
        self.units.push((Unit::Paragraph(pieces), in_root));
    }

    fn meta_tag(&mut self, attr: &dyn Fn(&str) -> Option<String>) {
        let key = attr("property")
            .or_else(|| attr("name"))
            .or_else(|| attr("itemprop"))
            .map(|k| k.to_ascii_lowercase());
        let (Some(key), Some(content)) = (key, attr("content")) else {
            return;
        };
        let target = match key.as_str() {
            "og:title" => {
                self.og_title.get_or_insert(content);
                return;
            }
            "dc.title" => {
                self.dc_title.get_or_insert(content);
                return;
            }
            "og:site_name" | "application-name" => "source",
            "article:published_time" | "datepublished" => "date",
            "dc.date"
            | "date"
            | "pubdate"
            | "publish-date"
            | "publish_date"
            | "publishdate"
            | "publication_date"
            | "date_published"
            | "dc.date.issued"
            | "dc.date.created"
            | "dcterms.date"
            | "dcterms.issued"
            | "dcterms.created"
            | "citation_publication_date"
            | "citation_date"
            | "citation_online_date"
            | "og:published_time"
            | "parsely-pub-date"
            | "sailthru.date"
                if !self.meta.contains_key("date") =>
            {
                "date"
            }
            "article:modified_time"
            | "og:updated_time"
            | "datemodified"
            | "dcterms.modified"
            | "dc.date.modified"
            | "last-modified"
                if !self.meta.contains_key("updated") =>
            {
                "updated"
            }
            "author" | "article:author" | "dc.creator" => "author",
            "og:url" => "url",
            "article:tag" => {
                let tags = self
                    .meta
                    .entry("tags".into())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = tags {
                    items.push(Value::String(content));
                }
                return;
            }
            "keywords" | "news_keywords" => "tags",
            "description" | "og:description" | "dc.description" => "description",
            _ => return,
        };
        if target == "date" || !self.meta.contains_key(target) {
            meta::insert(&mut self.meta, target, Value::String(content));
        }
    }

    fn json_ld_metadata(&mut self, json: &str) {
        // Some pages wrap the block for old XHTML parsers: `<![CDATA[ {...} ]]>`.
        let json = json.trim().trim_start_matches("//").trim_start();
        let json = json
            .strip_prefix("<![CDATA[")
            .map_or(json, |inner| {
                inner.trim_end().trim_end_matches("//").trim_end()
            })
            .trim_end();
        let json = json.strip_suffix("]]>").unwrap_or(json);
        let Ok(value) = serde_json::from_str::<Value>(json) else {
            return;
        };
        let items: Vec<&Value> = match &value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(o) => match o.get("@graph") {
                Some(Value::Array(graph)) => graph.iter().collect(),
                _ => vec![&value],
            },
            _ => return,
        };
        let name_of = |v: &Value| -> Option<String> {
            match v {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => o.get("name")?.as_str().map(str::to_owned),
                Value::Array(a) => a.first().and_then(|f| match f {
                    Value::Object(o) => o.get("name")?.as_str().map(str::to_owned),
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                }),
                _ => None,
            }
        };
        for item in items {
            if let Some(date) = item.get("datePublished").and_then(Value::as_str) {
                if !self.meta.contains_key("date") {
                    meta::insert(&mut self.meta, "date", Value::String(date.to_owned()));
                }
            }
            if let Some(updated) = item.get("dateModified").and_then(Value::as_str) {
                if !self.meta.contains_key("updated") {
                    meta::insert(&mut self.meta, "updated", Value::String(updated.to_owned()));
                }
            }
            if let Some(author) = item.get("author").and_then(name_of) {
                self.meta
                    .entry("author".into())
                    .or_insert(Value::String(author));
            }
            if let Some(publisher) = item.get("publisher").and_then(name_of) {
                self.meta
                    .entry("source".into())
                    .or_insert(Value::String(publisher));
            }
            // An article's name is its title; its headline, when it has no name (MediaWiki's
            // headline is the subject's one-line description).
            let is_article = item
                .get("@type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.ends_with("Article") || t == "BlogPosting" || t == "Report");
            let name = item
                .get("name")
                .and_then(Value::as_str)
                .filter(|_| is_article);
            if let Some(title) = name.or_else(|| item.get("headline").and_then(Value::as_str)) {
                self.og_title.get_or_insert_with(|| title.to_owned());
            }
        }
    }
}

fn is_block(name: &str) -> bool {
    BLOCK_ELEMENTS.contains(&name) || matches!(name, "td" | "th")
}

/// Whether a class or id value names page furniture (`cookie-banner`, `share_tools`, `nav`).
fn is_furniture(value: &str) -> bool {
    value
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|word| FURNITURE_WORDS.contains(&word.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::texts;

    fn read_default(text: &str) -> (Chunked, Meta) {
        read(text, &ChunkOptions::default())
    }

    const PAGE: &str = r##"<!DOCTYPE html>
<html lang="en"><head>
<title>Iran talks | Example News</title>
<meta property="og:title" content="Iran and the US resume talks">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-04-12T09:30:00Z">
<script>var x = "<p>not text</p>"; if (a < b) {}</script>
<style>p { color: red }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<article>
<h1>Iran and the US resume talks</h1>
<p>Negotiators met in <b>Muscat</b> on Saturday &amp; agreed to meet again.</p>
<h2>What changed</h2>
<p>The envoy said Iran&rsquo;s position
had not changed.</p>
<ul><li>First point</li><li>Second point</li></ul>
<div class="share-tools"><a href="#">Share this article</a></div>
<aside>Related: other stories</aside>
</article>
<footer>© Example News</footer>
</body></html>"##;

    #[test]
    fn article_text_only_with_sections() {
        let (c, meta) = read_default(PAGE);
        assert_eq!(c.title.as_deref(), Some("Iran and the US resume talks"));
        assert_eq!(
            texts(&c),
            [
                "Negotiators met in Muscat on Saturday & agreed to meet again.",
                "The envoy said Iran’s position had not changed.",
                "First point",
                "Second point",
            ]
        );
        assert_eq!(
            c.chunks[0].section.as_deref(),
            Some("Iran and the US resume talks")
        );
        assert_eq!(c.chunks[1].section.as_deref(), Some("What changed"));
        assert_eq!(meta["source"], "Example News");
        assert_eq!(meta["date"], "2025-04-12");
        assert_eq!(meta["lang"], "en");
    }

    #[test]
    fn citations_point_at_the_elements_text() {
        let (c, _) = read_default(PAGE);
        let first = &c.chunks[0];
        let cited = &PAGE[first.byte_start as usize..first.byte_end as usize];
        assert_eq!(
            cited,
            "Negotiators met in <b>Muscat</b> on Saturday &amp; agreed to meet again."
        );
        let second = &c.chunks[1];
        assert_eq!(
            &PAGE[second.byte_start as usize..second.byte_end as usize],
            "The envoy said Iran&rsquo;s position\nhad not changed."
        );
        assert_eq!(second.line_end, second.line_start + 1);
    }

    #[test]
    fn printed_and_named_dates_give_the_date() {
        let date = |page: &str| {
            let (_, meta) = read_default(page);
            (
                meta.get("date").cloned().unwrap_or_default(),
                meta.get("year").cloned().unwrap_or_default(),
            )
        };
        let expect = |d: &str, y: i64| (Value::from(d), Value::from(y));
        assert_eq!(
            date(r#"<head><meta name="date" content="April 9, 2026"></head><p>Text.</p>"#),
            expect("2026-04-09", 2026)
        );
        assert_eq!(
            date(r#"<meta name="citation_publication_date" content="2026/04/09"><p>Text.</p>"#),
            expect("2026-04-09", 2026)
        );
        assert_eq!(
            date("<body><p>By staff, <time>September 17, 2023</time></p></body>"),
            expect("2023-09-17", 2023)
        );
        // Only an update date: it is the date.
        assert_eq!(
            date(
                r#"<meta property="article:modified_time" content="2025-02-04T21:10:16-05:00"><p>Text.</p>"#
            ),
            expect("2025-02-04", 2025)
        );
        // JSON-LD wrapped in CDATA, as MediaWiki writes it.
        let page = "<script type=\"application/ld+json\">\n<![CDATA[\n{\"@type\":\"Article\",\"name\":\"New Zealand\",\"headline\":\"constitutional monarchy in Oceania\",\"datePublished\":\"2001-10-29T01:59:14Z\",\"dateModified\":\"2019-09-26T11:35:37Z\"}\n]]>\n</script><p>Text.</p>";
        let (c, meta) = read_default(page);
        assert_eq!(c.title.as_deref(), Some("New Zealand"));
        assert_eq!(meta["date"], "2001-10-29");
        assert_eq!(meta["updated"], "2019-09-26T11:35:37Z");
        assert_eq!(texts(&c), ["Text."]);
        // A <time> whose text is no date gives none, and stays text.
        let (c, meta) = read_default("<p>Posted <time>last week</time>.</p>");
        assert!(!meta.contains_key("date"));
        assert_eq!(texts(&c), ["Posted last week."]);
    }

    #[test]
    fn json_ld_and_time_give_dates_and_authors() {
        let page = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-03-01","author":{"name":"A. Writer"},"publisher":{"name":"Daily"}}</script></head><body><p>Text.</p><time datetime="2020-01-01">x</time></body></html>"#;
        let (_, meta) = read_default(page);
        assert_eq!(meta["date"], "2024-03-01");
        assert_eq!(meta["author"], "A. Writer");
        assert_eq!(meta["source"], "Daily");
        let (_, meta) =
            read_default("<body><time datetime=\"2020-01-02T10:00\">Jan 2</time><p>Hi.</p></body>");
        assert_eq!(meta["date"], "2020-01-02");
    }

    /// A page nested 20,000 deep, with as many stray end tags, is read (in time linear in its
    /// size: neither the open elements nor an end tag's match walk the whole stack).
    #[test]
    fn deeply_nested_pages_are_read() {
        let depth = 20_000;
        let page = format!(
            "<html><body>{}<script>{}</script><p>Deep in the page: sanctions.</p>{}{}</body></html>",
            "<div>".repeat(depth),
            "<div>".repeat(10),
            "</span>".repeat(depth),
            "</div>".repeat(depth)
        );
        let (chunked, _) = read(&page, &ChunkOptions::default());
        assert_eq!(texts(&chunked), ["Deep in the page: sanctions."]);
    }
}
