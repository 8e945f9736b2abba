#!/usr/bin/env bash
# Deletes superseded debug binaries from the shared target dir. Every rebuild of the server
# links each test binary anew (~1.4 GB each: polars with line tables) under a new hash, and
# cargo never removes the old ones, so a long-lived target dir fills the disk by ~25 GB per
# rebuild. The newest binary of each name stays; a build relinks anything it still needs.
set -euo pipefail
source "$(dirname "$0")/env.sh"
deps="$CARGO_TARGET_DIR/debug/deps"
[ -d "$deps" ] || exit 0
find "$deps" -maxdepth 1 -type f -perm -u+x ! -name '*.*' -printf '%T@ %s %f\n' | sort -rn |
  awk '{ name = $3; sub(/-[0-9a-f]+$/, "", name); if (seen[name]++) { print $3; freed += $2 } }
       END { if (freed) printf "pruned %.1f GB of superseded binaries\n", freed / 1e9 > "/dev/stderr" }' |
  (cd "$deps" && xargs -r rm -f)
