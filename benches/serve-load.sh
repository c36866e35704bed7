#!/usr/bin/env bash
# Load benchmark of `dossier serve`: the full UN General Debate corpus (10,952 speeches,
# ~388k passages), 50 concurrent keep-alive clients for 20 s over the queries of
# ../shared/peers/ungd_queries.tsv (repeated), top 10 with highlights and citations; then the
# same load against `tantivy serve` (tantivy-cli, which returns no highlights) in the same run,
# for a ratio. Reports requests/s, p50/p99/max latency, errors and the server's peak RSS.
# All traffic goes to 127.0.0.1; every loop is bounded in time and count.
#
#   benches/serve-load.sh                      # builds the indexes in a temp dir first
#   INDEX=dir benches/serve-load.sh            # reuse a dossier index of speeches.jsonl.gz
#   LOAD_SECONDS=20 CLIENTS=50 benches/serve-load.sh
#
# tantivy-cli: `cargo install tantivy-cli` (../shared/peers/install.sh); skipped when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${DOSSIER_UNGD:-../shared/corpora/ungd/speeches.jsonl.gz}
queries=${QUERIES:-../shared/peers/ungd_queries.tsv}
secs=${LOAD_SECONDS:-20}
clients=${CLIENTS:-50}
peers=../shared/peers
[ -f "$corpus" ] || { echo "no corpus at $corpus (set DOSSIER_UNGD)"; exit 1; }
cargo build --release --quiet
cargo bench --bench serve_load --no-run --quiet 2> /dev/null
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

load() { # URL_TEMPLATE
  cargo bench --quiet --bench serve_load -- "$1" "$queries" "$secs" "$clients" 2> /dev/null
}
peak_rss() { awk '/VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$1/status"; }

index=${INDEX:-$work/index}
if [ -z "${INDEX:-}" ]; then
  target/release/dossier ingest "$corpus" --index "$index" --quiet
fi
target/release/dossier serve --index "$index" --addr 127.0.0.1:0 2> "$work/serve.log" &
pid=$!; pids+=("$pid")
for _ in $(seq 100); do grep -q 'listening on' "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log")
curl -s "$url/api/search?q=nuclear&limit=10" > /dev/null
echo "dossier serve ($(target/release/dossier stats --index "$index" | awk '/passages/ {print $2}') passages, top 10 with highlights and citations):"
echo "  $(load "$url/api/search?q={q}&limit=10"), server peak RSS $(peak_rss "$pid")"
kill "$pid"; wait "$pid" 2> /dev/null || true

if command -v tantivy > /dev/null; then
  python3 "$peers/make_passages.py" "$corpus" "$work/passages.jsonl" > /dev/null 2>&1
  python3 "$peers/peer_tantivy_cli.py" index "$work/passages.jsonl" "$work/tantivy" > /dev/null 2>&1
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  tantivy serve -i "$work/tantivy" --host 127.0.0.1 -p "$port" > /dev/null 2>&1 &
  tpid=$!; pids+=("$tpid")
  for _ in $(seq 300); do curl -s "http://127.0.0.1:$port/api/?q=nuclear&nhits=1" > /dev/null && break; sleep 0.1; done
  echo "tantivy serve (tantivy-cli, same passages, top 10, ids and stored fields, no highlights):"
  echo "  $(load "http://127.0.0.1:$port/api/?q={q}&nhits=10"), server peak RSS $(peak_rss "$tpid")"
else
  echo "tantivy-cli not installed: no peer figure (cargo install tantivy-cli)"
fi
