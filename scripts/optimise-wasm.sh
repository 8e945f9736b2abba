#!/usr/bin/env bash
# Shrinks the wasm of a `cargo leptos build --split` with wasm-opt -Oz, as cargo-leptos itself
# does only for --release builds. The run and test commands build the wasm in the size profile
# (lib-profile-dev) and then call this, so the browser gets the optimised bundle while the
# server stays a fast debug build. The split build writes the main module and one file per
# lazily loaded page or shared chunk; each is optimised on its own, as cargo-leptos does, two
# at a time. Skipped when no wasm is newer than the last run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

wasm_opt="$REPO_ROOT/tools/node_modules/.bin/wasm-opt"
[ -x "$wasm_opt" ] || { echo "wasm-opt missing: run scripts/install-tools.sh" >&2; exit 1; }
pkg=target/site/pkg
stamp="$pkg/.wasm-optimised"
changed=$(find "$pkg" -name '*.wasm' $([ -e "$stamp" ] && echo -newer "$stamp") | sort)
[ -n "$changed" ] || exit 0
before=$(echo "$changed" | xargs cat | wc -c)
# The flags are the features rustc's wasm32 target emits by default, as cargo-leptos passes.
# Chunks under 2 KB are mostly import glue: optimising them saves nothing worth the ~1 s each.
echo "$changed" | while read -r wasm; do
  [ "$(stat -c %s "$wasm")" -ge 2048 ] && echo "$wasm"
done | xargs -r -P 2 -I{} sh -c '
  "$0" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$1" -o "$1.tmp" 2>/dev/null && mv "$1.tmp" "$1"' "$wasm_opt" {}
touch "$stamp"
after=$(echo "$changed" | xargs cat | wc -c)
printf 'wasm-opt: %s wasm files, %s -> %s bytes\n' "$(echo "$changed" | wc -l)" "$before" "$after"
