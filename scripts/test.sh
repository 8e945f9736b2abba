#!/usr/bin/env bash
# Installs what the tests need (build tools, Debian Chromium, Playwright, PostgreSQL) and runs
# every test: Rust unit and integration tests on SQLite, the store tests again on a throw-away
# PostgreSQL cluster, and the Playwright browser tests against the built app.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

step "installing test tools (skipped when present)"
scripts/install-tools.sh --browser --postgres

step "source layout: no file over 500 lines, no import circle"
scripts/check-layout.py

step "building the app, server and wasm (cargo leptos build --split)"
scripts/prune-target.sh
# Tests find their fixtures through their crate's path as compiled in (env!), and the shared
# target dir keeps artifacts across clones by content age: after a build from another clone
# (CI's), an unchanged crate's tests would look in that clone. Rebuild the workspace's own
# crates (not the dependencies) when the target dir was last built from elsewhere.
built_from="$CARGO_TARGET_DIR/.built-from"
if [ "$(cat "$built_from" 2>/dev/null)" != "$REPO_ROOT" ]; then
  git ls-files -z -- '*/src/lib.rs' '*/src/main.rs' | xargs -0 touch
  # Every test binary is about to be linked again (~1.4 GB each): make room first.
  find "$CARGO_TARGET_DIR/debug/deps" -maxdepth 1 -type f -perm -u+x ! -name '*.*' -delete 2>/dev/null || true
  echo "$REPO_ROOT" > "$built_from"
fi
cargo leptos build --split
scripts/optimise-wasm.sh

step "Rust tests on SQLite"
# One test at a time: several page tests of one binary, each on its own tokio runtime, hung
# intermittently when run in parallel (see README, known gaps); serially they never did.
cargo test --quiet -- --test-threads=1

step "database tests again on PostgreSQL"
# The whole package set again (not `-p store`): a narrower selection unifies features
# differently and would recompile sea-orm. Tests that take a database use the cluster.
scripts/with-postgres.sh cargo test --quiet -- --test-threads=1

step "browser tests (Playwright in Debian Chromium)"
mkdir -p end2end/screenshots
(cd end2end && LEDGER_BIN="$CARGO_TARGET_DIR/debug/compute-ledger" LEDGER_SITE_ROOT="$REPO_ROOT/target/site" npx playwright test)

step "all tests passed (screenshots in end2end/screenshots/)"
