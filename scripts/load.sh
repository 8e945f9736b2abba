#!/usr/bin/env bash
# The load test (issue 8): the release server as its own process on loopback, N simulated
# users (default 200, each with an account of their own) for 30 s mixing dashboard views,
# report exports and ledger writes, first on SQLite, then on a throw-away PostgreSQL cluster,
# each holding the 1M-usage-row benchmark ledger.
# Prints throughput, p50/p95/p99 per kind and errors, and fails if any request failed or any
# acknowledged write is missing. Takes ~2 min after the release build.
#
#   scripts/load.sh [--users 200] [--seconds 30]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
step "release build of compute-ledger and ledger-load"
cargo build --release -p server -p bench
bin="$CARGO_TARGET_DIR/release/compute-ledger"
load="$CARGO_TARGET_DIR/release/ledger-load"
data=bench-data/rows-1000000
[ -f "$data/usage.csv" ] || python3 bench/gen_ledger.py --rows 1000000 --out "$data"
work=$(mktemp -d /tmp/ledger-load.XXXXXX)
trap 'rm -rf "$work"' EXIT

import_into() {
  "$bin" --database-url "$1" import "$data/vendors.csv" "$data/contracts.csv" "$data/revenue.csv" "$data/usage.csv"
}

step "SQLite: importing 1M usage rows, then the load"
url="sqlite://$work/load.db?mode=rwc"
import_into "$url"
"$load" --bin "$bin" --database-url "$url" --site "$REPO_ROOT/target/site" --label SQLite "$@"

step "PostgreSQL: importing 1M usage rows, then the load"
export -f import_into
export bin data load REPO_ROOT
scripts/with-postgres.sh bash -c 'import_into "$LEDGER_TEST_POSTGRES_URL" && "$load" --bin "$bin" --database-url "$LEDGER_TEST_POSTGRES_URL" --site "$REPO_ROOT/target/site" --label PostgreSQL "$@"' load "$@"
