# Shared settings for the scripts (sourced, not run).
# One target directory outside the clone, so a fresh clone on the same machine (CI) reuses
# earlier builds; with no cache it is simply created and everything builds cold.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/compute-ledger/target}"
export PATH="$HOME/.cargo/bin:$PATH"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
mkdir -p "$CARGO_TARGET_DIR"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
