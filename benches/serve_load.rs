//! A closed-loop HTTP load generator for `benches/serve-load.sh`: N clients, each on its own
//! keep-alive connection, send GET requests for the queries of a TSV file (repeated) for a fixed
//! time, and the run reports requests per second, latency percentiles and errors. Traffic goes
//! only to the URL given (the script gives loopback); the loop is bounded in time and count.
//!
//! ```text
//! cargo bench --bench serve_load -- URL_TEMPLATE QUERIES.tsv [SECONDS] [CLIENTS]
//! ```
//! `URL_TEMPLATE` holds `{q}` where the percent-encoded query goes, e.g.
//! `http://127.0.0.1:7878/api/search?q={q}&limit=10`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// No run sends more than this many requests, whatever the time.
const MAX_REQUESTS: usize = 5_000_000;

fn encode(q: &str) -> String {
    let mut out = String::new();
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Target {
    host: String,
    port: u16,
}

fn parse_url(url: &str) -> (Target, String) {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = authority.rsplit_once(':').expect("HOST:PORT");
    let host = host.to_owned();
    assert!(
        host == "127.0.0.1" || host == "localhost" || host == "[::1]",
        "load is only ever sent to loopback"
    );
    (
        Target {
            host,
            port: port.parse().expect("a port"),
        },
        path.to_owned(),
    )
}

/// Sends one GET on `stream` and reads the whole response; returns the status.
fn request(stream: &mut BufReader<TcpStream>, host: &str, path: &str) -> std::io::Result<u16> {
    let head = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n");
    stream.get_mut().write_all(head.as_bytes())?;
    let mut line = String::new();
    stream.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut length: Option<usize> = None;
    let mut chunked = false;
    loop {
        line.clear();
        stream.read_line(&mut line)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok();
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    if chunked {
        loop {
            line.clear();
            stream.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0u8; size + 2];
            stream.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
        }
    } else if let Some(n) = length {
        let mut body = vec![0u8; n];
        stream.read_exact(&mut body)?;
    } else {
        return Err(std::io::Error::other("a response without a length"));
    }
    Ok(status)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.len() < 2 {
        eprintln!("usage: serve_load URL_TEMPLATE QUERIES.tsv [SECONDS] [CLIENTS]");
        return;
    }
    let template = args[0].clone();
    let queries: Vec<String> = std::fs::read_to_string(&args[1])
        .expect("the queries file")
        .lines()
        .filter_map(|l| l.split_once('\t').map(|(_, q)| q.trim().to_owned()))
        .filter(|q| !q.is_empty())
        .collect();
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let clients: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(50);
    let (target, _) = parse_url(&template.replace("{q}", "x"));
    let target = Arc::new(target);
    let paths: Arc<Vec<String>> = Arc::new(
        queries
            .iter()
            .map(|q| parse_url(&template.replace("{q}", &encode(q))).1)
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (target, paths, next, errors) = (
                Arc::clone(&target),
                Arc::clone(&paths),
                Arc::clone(&next),
                Arc::clone(&errors),
            );
            std::thread::spawn(move || {
                let mut latencies: Vec<u32> = Vec::new();
                let connect = || {
                    TcpStream::connect((target.host.trim_matches(['[', ']']), target.port)).map(
                        |s| {
                            let _ = s.set_nodelay(true);
                            let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
                            BufReader::new(s)
                        },
                    )
                };
                let mut stream = connect().ok();
                while Instant::now() < deadline {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= MAX_REQUESTS {
                        break;
                    }
                    let path = &paths[i % paths.len()];
                    let t = Instant::now();
                    let ok = match stream.as_mut() {
                        Some(s) => matches!(request(s, &target.host, path), Ok(200)),
                        None => false,
                    };
                    if ok {
                        latencies.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                        stream = connect().ok();
                    }
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<u32> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap_or_default())
        .collect();
    let wall = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let at = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        f64::from(all[at]) / 1000.0
    };
    println!(
        "requests {} in {wall:.1} s: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, errors {}, {clients} clients",
        all.len(),
        all.len() as f64 / wall,
        pct(0.50),
        pct(0.99),
        all.last().map_or(0.0, |&m| f64::from(m) / 1000.0),
        errors.load(Ordering::Relaxed),
    );
}
