#!/usr/bin/env bash
# Builds the binary with the UI, starts it on a fresh SQLite database (or DATABASE_URL when set) on a
# free port, runs the browser scenarios against it, and stops it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
(cd frontend && npm run build >/dev/null)
data=$(mktemp -d)
go build -o "$data/crossover" .
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || echo 18931)
CROSSOVER_DATA_DIR="$data" CROSSOVER_ADDR="127.0.0.1:$port" CROSSOVER_LOG_LEVEL=warn DATABASE_URL= \
  "$data/crossover" serve >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
# The binary and its data dir let the e2e promote an intermediary through the CLI (cohort flow).
cd frontend && CROSSOVER_URL="http://127.0.0.1:$port" CROSSOVER_BIN="$data/crossover" CROSSOVER_DATA_DIR="$data" npm run e2e
