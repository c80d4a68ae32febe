#!/usr/bin/env bash
# Builds the binary with the UI and runs the browser scenarios against it, each on a fresh embedded
# SQLite database on a free port: run.mjs on an empty platform, then
# journeys.mjs (a member's first hour, per persona) on one started with the demo data.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
(cd frontend && npm run build >/dev/null)
bin=$(mktemp -d)
go build -o "$bin/crossover" .
pids=()
dirs=("$bin")
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "${dirs[@]}"' EXIT

# start DATA_DIR [serve flags…]: a server on a free port; sets $port.
start() {
  local data=$1; shift
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || echo $((18931 + ${#pids[@]})))
  CROSSOVER_DATA_DIR="$data" CROSSOVER_ADDR="127.0.0.1:$port" CROSSOVER_LOG_LEVEL=warn DATABASE_URL= \
    "$bin/crossover" serve "$@" >"$data/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "server on port $port did not become ready:"; cat "$data/server.log"; return 1
}

data=$(mktemp -d); dirs+=("$data")
start "$data"
# The binary and its data dir let the e2e promote an intermediary through the CLI (cohort flow).
(cd frontend && CROSSOVER_URL="http://127.0.0.1:$port" CROSSOVER_BIN="$bin/crossover" CROSSOVER_DATA_DIR="$data" npm run e2e)

demo=$(mktemp -d); dirs+=("$demo")
start "$demo" --demo
(cd frontend && CROSSOVER_URL="http://127.0.0.1:$port" node e2e/journeys.mjs)
