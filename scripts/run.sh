#!/usr/bin/env bash
# Builds and runs Compute Ledger on an embedded SQLite file (data/ledger.db) with the demo
# ledger (wasm size-optimised). First run on a fresh machine: ~45 min (tools ~20, app ~25); later runs start
# in seconds. Arguments are passed to `compute-ledger serve` (e.g. --addr, --no-demo).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

step "installing build tools (skipped when present)"
scripts/install-tools.sh
step "building the app (cargo leptos build --split)"
cargo leptos build --split
scripts/optimise-wasm.sh
step "starting Compute Ledger"
export LEPTOS_SITE_ROOT="$REPO_ROOT/target/site" LEPTOS_SITE_PKG_DIR=pkg
exec "$CARGO_TARGET_DIR/debug/compute-ledger" serve "$@"
