#!/usr/bin/env bash
# Shrinks the wasm bundle of a `cargo leptos build` with wasm-opt -Oz, as cargo-leptos itself
# does only for --release builds. The run and test commands build the wasm in the size profile
# (lib-profile-dev) and then call this, so the browser gets the optimised bundle while the
# server stays a fast debug build. Skipped when the bundle is already optimised.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

wasm_opt="$REPO_ROOT/tools/node_modules/.bin/wasm-opt"
[ -x "$wasm_opt" ] || { echo "wasm-opt missing: run scripts/install-tools.sh" >&2; exit 1; }
for wasm in target/site/pkg/*.wasm; do
  stamp="$wasm.optimised"
  if [ -e "$stamp" ] && [ "$stamp" -nt "$wasm" ]; then
    continue
  fi
  before=$(stat -c %s "$wasm")
  # The features rustc's wasm32 target emits by default; the same flags cargo-leptos passes.
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$wasm.tmp"
  mv "$wasm.tmp" "$wasm"
  touch "$stamp"
  printf 'wasm-opt: %s %s -> %s bytes\n' "$(basename "$wasm")" "$before" "$(stat -c %s "$wasm")"
done
