//! The search page in a real headless Chromium, driven over WebDriver (chromedriver): type a
//! query, see highlighted results, click a facet, check the URL, go back, open a passage in its
//! document, copy a citation, and see a document full of markup rendered as text.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them the
//! test says it was skipped, except under CI (`CI` set), where it fails.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dossier::engine::{Engine, IndexLocation, IngestOptions};
use dossier::server::ServerConfig;
use serde_json::{json, Value};

use crate::common::{self, paths, TestEnv};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A document that tries every way of running script in a page.
const HOSTILE: &str = "Zanzibarxss notes\n\nThe zanzibarxss paragraph says <script>window.__xss = 1</script> \
and <img src=x onerror=\"window.__xss = 2\"> and <a href=\"javascript:window.__xss=3\">a link</a>.\n";

struct Driver {
    child: Child,
    base: String,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Driver {
    fn start(chromedriver: &Path, chromium: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1000"],
            },
        }}});
        let answer: Value = ureq::post(&format!("{base}/session"))
            .send_json(&capabilities)
            .expect("a browser session")
            .body_mut()
            .read_json()
            .unwrap();
        let session = answer["value"]["sessionId"].as_str().unwrap().to_owned();
        Driver {
            child,
            base,
            session,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        match self.try_post(path, &body) {
            Ok(value) => value,
            Err(error) => panic!("WebDriver {path}: {error}"),
        }
    }

    fn try_post(&self, path: &str, body: &Value) -> Result<Value, Value> {
        let mut response = ureq::post(&self.url(path))
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(body)
            .unwrap();
        let value: Value = response.body_mut().read_json().unwrap();
        if value["value"]["error"].is_null() {
            Ok(value["value"].clone())
        } else {
            Err(value["value"].clone())
        }
    }

    fn get(&self, path: &str) -> Value {
        let mut response = ureq::get(&self.url(path)).call().unwrap();
        let value: Value = response.body_mut().read_json().unwrap();
        value["value"].clone()
    }

    fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url }));
    }

    fn js(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": [] }))
    }

    fn find(&self, css: &str) -> String {
        let found = self.post("/element", json!({ "using": "css selector", "value": css }));
        found[ELEMENT].as_str().unwrap().to_owned()
    }

    /// Clicks the element `css` finds; a page still re-rendering (a stale or covered element)
    /// is tried again for a few seconds.
    fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let element = self.wait(&format!(
                "document.querySelector('{}')",
                css.replace('\'', "\\'")
            ));
            let id = element[ELEMENT].as_str().unwrap_or_default().to_owned();
            match self.try_post(&format!("/element/{id}/click"), &json!({})) {
                Ok(_) => return,
                Err(error) if Instant::now() < deadline => {
                    let _ = error;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(error) => panic!("click {css}: {error}"),
            }
        }
    }

    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.post(&format!("/element/{element}/clear"), json!({}));
        self.post(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    /// Waits until `script` (an expression) is truthy, and returns its value.
    fn wait(&self, script: &str) -> Value {
        // Generous: the suite runs its tests side by side on a small machine.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let value = self.js(&format!("return ({script});"));
            if !(value.is_null()
                || value == json!(false)
                || value == json!("")
                || value == json!(0))
            {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&self, to: &Path) {
        use std::io::Write;
        let data = self.get("/screenshot");
        let png = decode_base64(data.as_str().unwrap());
        std::fs::File::create(to).unwrap().write_all(&png).unwrap();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// The server on an ephemeral port, in a thread of its own, over the demo corpus plus the
/// hostile document.
fn start_server(env: &TestEnv) -> String {
    std::fs::create_dir_all(env.path("hostile")).unwrap();
    std::fs::write(env.path("hostile/xss.txt"), HOSTILE).unwrap();
    let mut sources = paths(&[
        "fixtures/articles",
        "fixtures/commentary",
        "fixtures/feeds",
        "fixtures/seed",
        "fixtures/ungd",
    ]);
    sources.push(env.path("hostile"));
    let index = env.path("idx");
    dossier::engine::ingest(&index, &sources, &IngestOptions::default(), &mut ()).unwrap();
    let engine = Engine::open(
        &IndexLocation {
            dir: index,
            is_default: false,
        },
        &mut (),
    )
    .unwrap();
    let addr = common::serve_in_process(engine, ServerConfig::default());
    format!("http://{addr}")
}

fn tools() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let driver = std::env::var_os("CHROMEDRIVER")
        .map(Into::into)
        .unwrap_or_else(|| std::path::PathBuf::from("/usr/bin/chromedriver"));
    let chromium = std::env::var_os("CHROMIUM")
        .map(Into::into)
        .unwrap_or_else(|| std::path::PathBuf::from("/usr/bin/chromium"));
    (driver.is_file() && chromium.is_file()).then_some((driver, chromium))
}

#[test]
fn the_search_page_works_in_a_real_browser() {
    let Some((chromedriver, chromium)) = tools() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser test: install chromium and chromium-driver (.ci/run does)"
        );
        eprintln!("browser test skipped: no /usr/bin/chromium and /usr/bin/chromedriver");
        return;
    };
    let env = TestEnv::empty();
    let base = start_server(&env);
    let browser = Driver::start(&chromedriver, &chromium);

    // Type a query: results come as they are typed, matches highlighted, phrases as one span.
    browser.goto(&format!("{base}/"));
    browser.type_into("#q", "\"maximum pressure\"");
    browser.wait("document.querySelectorAll('#results .hit').length > 0");
    let marks = browser.js(
        "return Array.from(document.querySelectorAll('#results .hit mark')).map(m => m.textContent.toLowerCase());",
    );
    let marks: Vec<&str> = marks
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(!marks.is_empty());
    assert!(marks.iter().all(|m| *m == "maximum pressure"), "{marks:?}");
    let search = browser.wait("location.search.includes('q=')");
    assert_eq!(
        browser.js("return new URLSearchParams(location.search).get('q');"),
        json!("\"maximum pressure\""),
        "{search}"
    );

    // A facet narrows the results and shows in the URL and as an active filter; back undoes it.
    browser.goto(&format!("{base}/?q=sanctions"));
    browser.wait("document.querySelector('.facet[data-key=\"country\"]')");
    let country =
        browser.js("return document.querySelector('.facet[data-key=\"country\"]').dataset.value;");
    let country = country.as_str().unwrap().to_owned();
    browser.click(".facet[data-key=\"country\"]");
    browser.wait(&format!(
        "new URLSearchParams(location.search).get('country') === '{country}' && \
         document.querySelector('.facet.active') && !document.querySelector('#results[aria-busy]')"
    ));
    let countries =
        browser.js("return Array.from(document.querySelectorAll('#results .citation')).length;");
    assert!(countries.as_u64().unwrap() > 0);
    assert!(browser
        .js("return document.querySelector('#active').textContent;")
        .as_str()
        .unwrap()
        .contains(&country));
    browser.post("/back", json!({}));
    browser.wait("!new URLSearchParams(location.search).get('country') && !document.querySelector('.facet.active')");
    assert_eq!(
        browser.js("return document.querySelector('#q').value;"),
        json!("sanctions"),
        "back restores the page"
    );

    // The trend above the results: a bar narrows the results to its year.
    browser
        .wait("!document.querySelector('#trend').hidden && document.querySelector('#trend .bar')");
    let year = browser.js(
        "return Array.from(document.querySelectorAll('#trend .bar')).find(b => b.getAttribute('height') !== '0').dataset.key;",
    );
    let year = year.as_str().unwrap().to_owned();
    browser.js(&format!(
        "document.querySelector('#trend .bar[data-key=\"{year}\"]').dispatchEvent(new MouseEvent('click', {{bubbles: true}})); return 1;"
    ));
    browser.wait(&format!(
        "new URLSearchParams(location.search).get('since') === '{year}' && new URLSearchParams(location.search).get('until') === '{year}' && !document.querySelector('#results[aria-busy]') && document.querySelectorAll('#results .hit').length > 0"
    ));
    let years = browser.js("return Array.from(document.querySelectorAll('#results .citation')).map(c => c.textContent);");
    assert!(
        years
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.as_str().unwrap().contains(&year)),
        "{years}"
    );
    browser.post("/back", json!({}));
    browser.wait("!new URLSearchParams(location.search).get('since')");

    // Results are grouped by document (one hit per document); the toggle turns that off.
    browser.wait("document.querySelector('#results .hit .group') && document.querySelector('#status').textContent.includes('document')");
    let docs = browser.js("const ids = Array.from(document.querySelectorAll('#results .hit .open')).length; return ids;");
    assert!(docs.as_u64().unwrap() > 0);
    browser.click("#group-toggle");
    browser.wait("new URLSearchParams(location.search).get('group') === '0' && !document.querySelector('#results[aria-busy]') && !document.querySelector('#results .group')");
    browser.post("/back", json!({}));
    browser.wait("document.querySelector('#results .hit .group')");

    // Take the screenshot of the results page (the README links docs/screenshot-search.png).
    browser.wait(
        "document.querySelectorAll('#results .hit').length > 0 && document.querySelector('.facet')",
    );
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshot-search.png");
    browser.screenshot(&shot);
    if let Some(to) = std::env::var_os("DOSSIER_SCREENSHOT") {
        std::fs::copy(&shot, to).unwrap();
    }

    // Copy a citation: the text copied is the citation line shown.
    let shown = browser.js("return document.querySelector('#results .hit .citation').textContent;");
    browser.click("#results .hit .copy");
    let copied = browser.wait("document.querySelector('#results .hit .copy').dataset.copied");
    assert_eq!(copied, shown);
    browser.click("#results .hit .copy-md");
    let markdown = browser.wait("document.querySelector('#results .hit .copy-md').dataset.copied");
    assert!(markdown.as_str().unwrap().starts_with("> "), "{markdown}");

    // Open in document: the reading view, scrolled to the passage, which is marked.
    let text = browser.js("return document.querySelector('#results .hit .text').textContent;");
    browser.click("#results .hit .open");
    browser.wait(
        "!document.querySelector('#reader').hidden && document.querySelector('.passage.target')",
    );
    assert_eq!(
        browser.js("return document.querySelector('.passage.target .text').textContent;"),
        text
    );
    assert!(
        browser
            .js("return document.querySelectorAll('#doc-passages .passage').length;")
            .as_u64()
            .unwrap()
            > 1,
        "the neighbours are there"
    );
    assert!(browser
        .js("return location.search;")
        .as_str()
        .unwrap()
        .contains("doc="));
    browser.post("/back", json!({}));
    browser.wait("document.querySelector('#reader').hidden && document.querySelectorAll('#results .hit').length > 0");

    // Similar passages: from a hit, the passages like it in other documents.
    let source_doc =
        browser.js("return document.querySelector('#results .hit').dataset.passageId;");
    browser.click("#results .hit .similar");
    browser.wait("new URLSearchParams(location.search).get('similar') && !document.querySelector('#results[aria-busy]') && document.querySelectorAll('#results .hit').length > 0");
    assert!(browser
        .js("return document.querySelector('#status').textContent;")
        .as_str()
        .unwrap()
        .starts_with("Similar to"));
    let doc_of = |id: &Value| id.as_str().unwrap().rsplit_once('#').unwrap().0.to_owned();
    let similar_ids = browser.js("return Array.from(document.querySelectorAll('#results .hit')).map(h => h.dataset.passageId);");
    assert!(
        similar_ids
            .as_array()
            .unwrap()
            .iter()
            .all(|id| doc_of(id) != doc_of(&source_doc)),
        "other documents only"
    );
    browser.post("/back", json!({}));
    browser.wait("!new URLSearchParams(location.search).get('similar')");

    // The quote finder: a trimmed, altered quotation leads to its source, differences shown.
    browser.goto(&format!(
        "{base}/?mode=quote&q=The+Iran+deal+was+one+of+the+worst+%E2%80%A6+one-sided+agreements+the+US+has+ever+entered"
    ));
    browser.wait("document.querySelector('#results .hit .differences') && document.querySelector('#quote-toggle').checked");
    let cited = browser.js("return document.querySelector('#results .hit .citation').textContent;");
    assert!(cited.as_str().unwrap().contains("USA_72_2017"), "{cited}");
    let diffs =
        browser.js("return document.querySelector('#results .hit .differences').textContent;");
    assert!(
        diffs.as_str().unwrap().contains("agreements")
            && diffs.as_str().unwrap().contains("transactions"),
        "{diffs}"
    );

    // A document full of markup renders as the literal characters; nothing runs.
    browser.goto(&format!("{base}/?q=zanzibarxss"));
    browser.wait("document.querySelectorAll('#results .hit').length > 0");
    let hostile = browser.js("return document.querySelector('#results .hit .text').textContent;");
    assert!(
        hostile
            .as_str()
            .unwrap()
            .contains("<script>window.__xss = 1</script>"),
        "{hostile}"
    );
    assert!(
        hostile.as_str().unwrap().contains("<img src=x onerror="),
        "{hostile}"
    );
    assert_eq!(
        browser.js(
            "return document.querySelectorAll('#results img, #results script, #results a').length;"
        ),
        json!(0)
    );
    assert_eq!(
        browser.js("return window.__xss === undefined;"),
        json!(true)
    );

    // A bad query says what is wrong and where; no results says why and offers a way on.
    browser.type_into("#q", "\"unclosed");
    let status = browser.wait(
        "document.querySelector('#status.error') && document.querySelector('#status').textContent",
    );
    assert!(status.as_str().unwrap().contains("column 1"), "{status}");
    browser.goto(&format!("{base}/?q=zzqxnothing&country=IRN"));
    let empty = browser.wait(
        "document.querySelector('#status.empty') && document.querySelector('#status').textContent",
    );
    let empty = empty.as_str().unwrap();
    assert!(
        empty.contains("No passage matches") && empty.contains("zzqxnothing"),
        "{empty}"
    );
    assert!(
        empty.contains("search without filters") && empty.contains("any of the words"),
        "{empty}"
    );

    // Keyboard: `/` focuses the box, j moves down, Enter opens.
    browser.goto(&format!("{base}/?q=snapback"));
    browser.wait("document.querySelectorAll('#results .hit').length > 1");
    browser.post(
        "/actions",
        json!({ "actions": [{ "type": "key", "id": "k", "actions": [
            { "type": "keyDown", "value": "j" }, { "type": "keyUp", "value": "j" },
            { "type": "keyDown", "value": "j" }, { "type": "keyUp", "value": "j" },
        ]}]}),
    );
    browser.wait("document.querySelectorAll('#results .hit')[1].classList.contains('selected')");
    browser.post(
        "/actions",
        json!({ "actions": [{ "type": "key", "id": "k", "actions": [
            { "type": "keyDown", "value": "\u{E007}" }, { "type": "keyUp", "value": "\u{E007}" },
        ]}]}),
    );
    browser.wait("!document.querySelector('#reader').hidden");
    browser.post(
        "/actions",
        json!({ "actions": [{ "type": "key", "id": "k", "actions": [
            { "type": "keyDown", "value": "\u{E00C}" }, { "type": "keyUp", "value": "\u{E00C}" },
            { "type": "keyDown", "value": "/" }, { "type": "keyUp", "value": "/" },
        ]}]}),
    );
    browser.wait("document.querySelector('#reader').hidden && document.activeElement === document.querySelector('#q')");
}
