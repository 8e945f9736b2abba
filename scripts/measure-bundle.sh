#!/usr/bin/env bash
# What a browser gets from the run command's build: the wasm bundle's size (on disk, and
# gzipped as the server sends it) and how long `/` takes to load and hydrate in Chromium on
# loopback. Uses the build run.sh and test.sh make (run either first) and the browser tools
# test.sh installs. Prints the figures the README reports.
#
#   scripts/measure-bundle.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

bin="$CARGO_TARGET_DIR/debug/compute-ledger"
[ -x "$bin" ] || { echo "no build at $bin: run scripts/run.sh or scripts/test.sh first" >&2; exit 1; }
dir=$(mktemp -d)
port=${MEASURE_PORT:-3119}
export DATABASE_URL="sqlite://$dir/measure.db?mode=rwc"
export LEPTOS_SITE_ROOT="$REPO_ROOT/target/site" LEPTOS_SITE_PKG_DIR=pkg LOG=warn
password="measure-$(date +%s)"
echo "$password" | "$bin" user add measure --role viewer >/dev/null
"$bin" serve --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.5
done

step "bundle"
sent() { curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/pkg/$1" | wc -c; }
for file in target/site/pkg/compute-ledger.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  name=$(basename "$file")
  printf '%-40s %10s bytes on disk, %9s bytes as sent (gzip)\n' "$name" "$(stat -c %s "$file")" "$(sent "$name")"
done
# The lazily loaded pages and their shared chunks, each fetched only when a page needs it.
disk=0; gz=0; count=0
for file in target/site/pkg/split_*.wasm target/site/pkg/chunk_*.wasm; do
  [ -e "$file" ] || continue
  disk=$((disk + $(stat -c %s "$file"))); gz=$((gz + $(sent "$(basename "$file")"))); count=$((count + 1))
done
printf '%-40s %10s bytes on disk, %9s bytes as sent (gzip)\n' "$count page chunks (all)" "$disk" "$gz"

step "page load of / in Chromium (signed in, demo ledger)"
(cd end2end && LEDGER_URL="http://127.0.0.1:$port" LEDGER_USER=measure LEDGER_PASSWORD="$password" \
  RUNS="${1:-10}" node measure-load.js)
