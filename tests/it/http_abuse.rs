//! The HTTP server under hostile clients, over raw TCP on loopback: malformed requests (bad
//! UTF-8, invalid percent-encoding, unknown methods, garbage), huge heads, over-long URIs and
//! bodies, 1,000 idle connections, slow clients, attempts to read files that are not indexed
//! documents, and requests without the token. The server answers each with the status that
//! fits and goes on answering normal requests. Every loop here is bounded in count, and every
//! read in time.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

use dossier::engine::{Engine, IndexLocation};
use dossier::server::ServerConfig;

use crate::common::generated::Corpus;
use crate::common::{self, generated_index, TestEnv};

/// A `dossier serve` child on a free loopback port, killed when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An env with a small generated corpus in `idx`, and a file beside it that is not indexed.
fn indexed() -> (TestEnv, Corpus) {
    let (env, corpus) = generated_index(31, 8);
    std::fs::write(env.path("secret.txt"), "TOPSECRET the launch codes\n").unwrap();
    (env, corpus)
}

fn serve(env: &TestEnv, extra: &[&str]) -> Served {
    let (child, url) = env.serve(extra);
    let addr = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("{url}"))
        .parse()
        .unwrap();
    Served { child, addr }
}

/// The status and body of the answer to `request` (raw bytes, sent as they are).
fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // A server may answer and close before the whole request is sent (a body too large).
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_owned());
    (status, body)
}

fn get(addr: SocketAddr, target: &str, headers: &str) -> (u16, String) {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n")
            .as_bytes(),
    )
}

/// A normal search still gets its answer.
fn assert_answers(addr: SocketAddr) {
    let (status, body) = get(addr, "/api/search?q=zebramark&limit=1", "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"total_hits\""), "{body}");
}

/// The JSON error of an answer, after checking its status.
fn json_error(answer: (u16, String), status: u16, what: &str) -> serde_json::Value {
    assert_eq!(answer.0, status, "{what}: {}", answer.1);
    let json: serde_json::Value =
        serde_json::from_str(&answer.1).unwrap_or_else(|e| panic!("{what}: {e}: {}", answer.1));
    json["error"].clone()
}

#[test]
fn malformed_requests_get_the_status_that_fits_and_the_server_keeps_answering() {
    let (env, _corpus) = indexed();
    let server = serve(&env, &[]);
    let addr = server.addr;

    // Query strings that do not decode: JSON errors from the API.
    for target in [
        "/api/search?q=%FF%FE",
        "/api/search?q=%C3%28",
        "/api/search?q=%zz",
        "/api/search?q=abc%4",
        "/api/search?q=abc%",
        "/api/search?q=x&limit=%00",
        "/api/search?q=x&where=%ZZ%3D1",
        "/api/passage?id=%E0%80%AF",
    ] {
        let e = json_error(get(addr, target, ""), 400, target);
        assert_eq!(e["kind"], "parameter", "{target}");
    }
    // Bytes that are not allowed in a request line at all: refused by the HTTP layer.
    for request in [
        &b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"[..],
        b"GET /api/search?q=a b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        b"HELLO\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost a\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/9.9\r\nConnection: close\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"POST /api/batch HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\nConnection: close\r\n\r\n",
        b"POST /api/batch HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello",
    ] {
        let (status, body) = raw(addr, request);
        assert!(
            (400..=505).contains(&status) && status != 500,
            "{:?}: {status} {body}",
            String::from_utf8_lossy(request)
        );
    }
    // Wrong methods on every endpoint: 405 with a JSON error.
    for (method, target) in [
        ("DELETE", "/api/search?q=x"),
        ("PUT", "/api/search?q=x"),
        ("PATCH", "/api/document?id=x"),
        ("POST", "/api/search?q=x"),
        ("POST", "/"),
        ("GET", "/api/batch"),
        ("TRACE", "/api/stats"),
        ("FROB", "/api/stats"),
    ] {
        let answer = raw(
            addr,
            format!("{method} {target} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        let e = json_error(answer, 405, &format!("{method} {target}"));
        assert_eq!(e["kind"], "method");
    }
    // Heads too large: one huge header, many headers.
    let huge = format!("X-Big: {}\r\n", "a".repeat(100 * 1024));
    assert_eq!(get(addr, "/api/stats", &huge).0, 431);
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    assert_eq!(get(addr, "/api/stats", &many).0, 431);
    // URIs too long: ours (JSON, over 16 KiB), then the HTTP layer's (over its head size).
    let long = format!("/api/search?q={}", "a".repeat(20 * 1024));
    let e = json_error(get(addr, &long, ""), 414, "20 KiB URI");
    assert_eq!(e["kind"], "parameter");
    let longer = format!("/api/search?q={}", "a".repeat(70 * 1024));
    assert!(matches!(get(addr, &longer, "").0, 414 | 431));
    // A body over the limit is refused from its length, before it is read.
    let answer = raw(
        addr,
        b"POST /api/batch HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\nsnapback\n",
    );
    json_error(answer, 413, "2 MB body");
    // And chunked, without a length: refused once the limit is passed.
    let mut chunked =
        b"POST /api/batch HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            .to_vec();
    for _ in 0..40 {
        chunked.extend_from_slice(
            format!("{:x}\r\n{}\r\n", 64 * 1024, "q".repeat(64 * 1024)).as_bytes(),
        );
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(raw(addr, &chunked).0, 413);
    assert_answers(addr);
}

/// Raises this test process's open-file limit (the clients' sockets are files); returns it.
fn raise_own_file_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct they are given.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
    }
    limit.rlim_cur
}

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_thousand_idle_connections_and_slow_clients_do_not_stop_normal_requests() {
    let (env, _corpus) = indexed();
    let server = serve(&env, &[]);
    let addr = server.addr;
    assert_answers(addr);
    let before = resident_kib(server.child.id());

    let idle = 1000.min(raise_own_file_limit().saturating_sub(200) as usize);
    let mut held = Vec::with_capacity(idle);
    for i in 0..idle {
        let mut stream = TcpStream::connect(addr).unwrap();
        // Some say nothing at all, some start a request and stop.
        if i % 3 == 0 {
            stream.write_all(b"GET /api/stats HTTP/1.1\r\nHo").unwrap();
        }
        held.push(stream);
    }
    let started = Instant::now();
    for _ in 0..5 {
        assert_answers(addr);
    }
    let took = started.elapsed();
    let during = resident_kib(server.child.id());

    // Slow clients: a header byte every 100 ms, each on its own thread, while normal requests
    // are answered.
    let slow: Vec<_> = (0..20)
        .map(|_| {
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(addr).unwrap();
                for byte in b"GET /api/stats HTTP/1.1\r\nHost:" {
                    if stream.write_all(&[*byte]).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        })
        .collect();
    for _ in 0..10 {
        assert_answers(addr);
        std::thread::sleep(Duration::from_millis(100));
    }
    for t in slow {
        t.join().unwrap();
    }
    drop(held);
    assert_answers(addr);
    eprintln!(
        "http: {idle} idle connections held: 5 searches answered in {:.0} ms; server RSS \
         {before} KiB before, {during} KiB with them",
        took.as_secs_f64() * 1e3
    );
    assert!(
        during < before + 200 * 1024,
        "{during} KiB with {idle} connections, {before} KiB before"
    );
}

/// A server in this process, on a free port, with `config`'s bounds.
fn serve_in_process(env: &TestEnv, config: ServerConfig) -> SocketAddr {
    let location = IndexLocation {
        dir: env.path("idx"),
        is_default: false,
    };
    common::serve_in_process(Engine::open(&location, &mut ()).unwrap(), config)
}

/// Reads until the server closes the connection (or `limit` passes): whether it did.
fn closed_by_server(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn slow_and_idle_clients_are_cut_off_and_connections_beyond_the_bound_are_closed() {
    let (env, _corpus) = indexed();
    let addr = serve_in_process(
        &env,
        ServerConfig {
            max_connections: 8,
            header_timeout: Duration::from_millis(500),
            ..ServerConfig::default()
        },
    );
    assert_answers(addr);
    // A client that sends a header byte every 100 ms is closed once its head takes longer than
    // the header timeout (it would need 3 s for the line below).
    let mut slow = TcpStream::connect(addr).unwrap();
    let mut sent = 0;
    let started = Instant::now();
    for byte in b"GET /api/stats HTTP/1.1\r\nHost: localhost\r\n\r\n" {
        if slow.write_all(&[*byte]).is_err() {
            break;
        }
        sent += 1;
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    assert!(
        closed_by_server(&mut slow, Duration::from_secs(5)),
        "sent {sent} bytes"
    );
    // An idle keep-alive connection is closed too.
    let mut idle = TcpStream::connect(addr).unwrap();
    assert!(closed_by_server(&mut idle, Duration::from_secs(5)));

    // Beyond the bound: eight connections held, the ninth is closed at once.
    let held: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(100));
    let mut ninth = TcpStream::connect(addr).unwrap();
    let _ = ninth.write_all(b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
    assert!(closed_by_server(&mut ninth, Duration::from_secs(5)));
    drop(held);
    // Once they go (closed by the client, or cut off by the timeout), requests are served.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let _ = stream.read_to_string(&mut answer);
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "never served again: {answer:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn no_request_reads_a_file_that_is_not_an_indexed_document() {
    let (env, corpus) = indexed();
    let secret = env.path("secret.txt");
    let secret = secret.to_str().unwrap();
    // A link inside the ingested directory, made after the ingest, to the file outside it.
    let link = corpus.dir.join("link.txt");
    std::os::unix::fs::symlink(secret, &link).unwrap();
    let link = link.to_str().unwrap();
    let indexed_doc = corpus.files()[0].to_string_lossy().into_owned();
    let escape = |s: &str| s.replace('/', "%2F").replace('#', "%23");
    std::fs::write(env.path("watch.txt"), "zebramark\n").unwrap();
    let server = serve(&env, &["--watch", "watch.txt"]);
    let addr = server.addr;

    let mut targets: Vec<String> = Vec::new();
    for id in [
        secret.to_owned(),
        link.to_owned(),
        format!("{}/../secret.txt", corpus.dir.display()),
        "../secret.txt".to_owned(),
        "../../../../etc/passwd".to_owned(),
        "/etc/passwd".to_owned(),
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd".to_owned(),
        "..%2F..%2Fsecret.txt".to_owned(),
        format!("{indexed_doc}/../../secret.txt"),
        "file:///etc/passwd".to_owned(),
    ] {
        let encoded = if id.contains('%') {
            id.clone()
        } else {
            escape(&id)
        };
        targets.push(format!("/api/document?id={encoded}"));
        targets.push(format!("/api/passage?id={encoded}%231"));
        targets.push(format!("/api/passage?id={}", escape(&format!("{id}:1"))));
        targets.push(format!("/api/similar?id={encoded}%231"));
    }
    for raw_path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/app.js/../../secret.txt",
        "/static/../../secret.txt",
        "/secret.txt",
        "/api/watch?list=1",
        "/api/watch?list=..%2F..%2Fsecret.txt",
        "/api/watch?list=0&query=..%2F..%2Fsecret.txt",
        "/api/stats?by=..%2F..%2Fsecret.txt",
    ] {
        targets.push(raw_path.to_owned());
    }
    for target in &targets {
        let (status, body) = get(addr, target, "");
        assert!(
            matches!(status, 400 | 404 | 503),
            "{target}: {status} {body}"
        );
        assert!(!body.contains("TOPSECRET"), "{target}: {body}");
        assert!(!body.contains("root:"), "{target}: {body}");
    }
    // The indexed document itself is served.
    let (status, body) = get(
        addr,
        &format!("/api/document?id={}", escape(&indexed_doc)),
        "",
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn with_a_token_every_endpoint_but_healthz_refuses_requests_without_it() {
    let (env, corpus) = indexed();
    std::fs::write(env.path("watch.txt"), "zebramark\n").unwrap();
    let server = serve(&env, &["--token", "s3cret-token", "--watch", "watch.txt"]);
    let addr = server.addr;
    let doc = corpus.files()[0].to_string_lossy().replace('/', "%2F");
    let routes = [
        ("GET", "/".to_owned()),
        ("GET", "/app.js".to_owned()),
        ("GET", "/style.css".to_owned()),
        ("GET", "/api/search?q=zebramark".to_owned()),
        ("GET", "/api/quote?q=zebramark".to_owned()),
        ("GET", format!("/api/passage?id={doc}%231")),
        ("GET", format!("/api/document?id={doc}")),
        ("GET", "/api/stats".to_owned()),
        ("GET", "/api/stats?by=year".to_owned()),
        ("GET", "/api/trend?q=zebramark".to_owned()),
        ("GET", format!("/api/similar?id={doc}%231")),
        ("GET", "/api/watch".to_owned()),
        ("GET", "/api/watch?list=0&query=1".to_owned()),
        ("POST", "/api/batch".to_owned()),
        ("GET", "/api/nothing".to_owned()),
        ("DELETE", "/api/search?q=x".to_owned()),
    ];
    let send = |method: &str, target: &str, auth: &str| {
        raw(
            addr,
            format!(
                "{method} {target} HTTP/1.1\r\nHost: a\r\n{auth}Content-Length: 9\r\nConnection: close\r\n\r\nzebramark"
            )
            .as_bytes(),
        )
    };
    for (method, target) in &routes {
        for auth in [
            "",
            "Authorization: Bearer wrong\r\n",
            "Authorization: Bearer s3cret-toke\r\n",
            "Authorization: Bearer s3cret-tokenX\r\n",
            "Authorization: Basic s3cret-token\r\n",
            "Authorization: s3cret-token\r\n",
            "X-Token: s3cret-token\r\n",
        ] {
            let e = json_error(
                send(method, target, auth),
                401,
                &format!("{method} {target} {auth}"),
            );
            assert_eq!(e["kind"], "auth");
        }
        let (status, body) = send(method, target, "Authorization: Bearer s3cret-token\r\n");
        assert_ne!(status, 401, "{method} {target}: {body}");
        assert!(status < 500, "{method} {target}: {status} {body}");
        let with_query = format!(
            "{target}{}token=s3cret-token",
            if target.contains('?') { "&" } else { "?" }
        );
        assert_eq!(send(method, &with_query, "").0, 401, "{with_query}");
    }
    assert_eq!(get(addr, "/healthz", "").0, 200);
}
