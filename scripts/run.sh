#!/usr/bin/env bash
# Builds and runs Compute Ledger on an embedded SQLite file (data/ledger.db) with the demo
# ledger. First run on a fresh machine: ~30 min (tool builds ~20, app ~10); later runs start
# in seconds. Pass --release for an optimised build (slower to build, faster to run).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

profile_flag=""; profile_dir=debug
if [ "${1:-}" = "--release" ]; then profile_flag="--release"; profile_dir=release; shift; fi

step "installing build tools (skipped when present)"
scripts/install-tools.sh
step "building the app (cargo leptos build $profile_flag)"
cargo leptos build $profile_flag
step "starting Compute Ledger"
export LEPTOS_SITE_ROOT="$REPO_ROOT/target/site" LEPTOS_SITE_PKG_DIR=pkg
exec "$CARGO_TARGET_DIR/$profile_dir/compute-ledger" serve "$@"
