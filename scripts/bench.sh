#!/usr/bin/env bash
# The benchmark: release build, synthetic data (1M and 10M usage rows by default), import,
# full recompute vs DuckDB, live-store latency. Takes ~10 min after the build; the release
# build itself takes ~25 min the first time.
#
#   scripts/bench.sh [--rows 1000000,10000000]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
python3 -c 'import duckdb' 2>/dev/null || { step "installing the duckdb Python package (the baseline)"; pip install -q duckdb; }
step "release build of compute-ledger and ledger-bench"
cargo build --release -p server -p bench
step "running the benchmark"
# A throw-away PostgreSQL cluster for the PostgreSQL import and its `psql \copy` baseline.
scripts/with-postgres.sh "$CARGO_TARGET_DIR/release/ledger-bench" --bin "$CARGO_TARGET_DIR/release/compute-ledger" "$@"
