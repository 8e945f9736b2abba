#!/usr/bin/env bash
# Installs the build and test tools Compute Ledger needs on a fresh Debian machine, skipping
# each one that is already present at the right version. No prebuilt binary is downloaded:
# cargo-leptos and wasm-bindgen-cli are built from their crates.io sources, fetched by cargo
# (README, "How long the first run takes", says why each needs a pinned dependency).
#
#   scripts/install-tools.sh [--browser] [--postgres]
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
# Must equal the wasm-bindgen version in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' "$(dirname "$0")/../Cargo.lock" 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

want_browser=0; want_postgres=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --postgres) want_postgres=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# The tools are built once per machine; fat LTO would cost ~15 min of linking on 2 cores
# for a tool whose speed does not matter.
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

# A crate's source, fetched by cargo itself (a throw-away manifest that depends on it; no URL
# of a registry host here), unpacked into a private directory so its lock file can be patched.
unpack_crate() { # name version -> prints the unpacked source dir
  local dir; dir=$(mktemp -d)
  mkdir -p "$dir/fetch/src"
  touch "$dir/fetch/src/lib.rs"
  printf '[package]\nname = "fetch-source"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n%s = "=%s"\n' \
    "$1" "$2" > "$dir/fetch/Cargo.toml"
  (cd "$dir/fetch" && cargo fetch -q) >&2
  local archive
  archive=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$1-$2.crate" | head -n 1)
  tar xzf "$archive" -C "$dir"
  echo "$dir/$1-$2"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION from source (once per machine, ~10 min)"
  src=$(unpack_crate cargo-leptos "$CARGO_LEPTOS_VERSION")
  # cargo-util-schemas 0.14.2 needs rustc 1.96; 0.14.1 is API-compatible and builds on stable.
  (cd "$src" && cargo update -q -p cargo-util-schemas --precise 0.14.1)
  cargo install -q --path "$src" --locked --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION from source (once per machine, ~4 min)"
  src=$(unpack_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION")
  # Its lock file wants webpki-roots 1.0.11, which the registry mirror lacks.
  (cd "$src" && cargo update -q -p webpki-roots --precise 1.0.10)
  cargo install -q --path "$src" --locked
fi

apt_install() {
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

# The layout check of the test run is a Python script.
command -v python3 >/dev/null || { log "installing python3"; apt_install python3; }
# The alert e-mail test sends to a real SMTP server on loopback, Python's aiosmtpd. pip serves
# a python3 of one's own (pyenv, venv); Debian's python3 refuses pip (PEP 668), so its package.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  log "installing aiosmtpd"
  python3 -m pip install --quiet aiosmtpd 2>/dev/null || apt_install python3-aiosmtpd
fi
# The board pack tests read the PDF back with poppler: pdftotext, pdfinfo, pdftoppm.
command -v pdftotext >/dev/null || { log "installing poppler-utils"; apt_install poppler-utils; }

# wasm-opt for the size-optimised bundle: binaryen from the npm registry (Debian's is too old
# for current rustc's wasm), pinned by tools/package-lock.json.
command -v npm >/dev/null || { log "installing Node.js and npm"; apt_install nodejs npm; }
if [ ! -x "$(dirname "$0")/../tools/node_modules/.bin/wasm-opt" ] || [ ! -x "$(dirname "$0")/../tools/node_modules/.bin/validate-api" ]; then
  log "installing wasm-opt (binaryen) and the OpenAPI validator (npm)"
  (cd "$(dirname "$0")/../tools" && npm ci --no-audit --no-fund --silent)
fi

if [ "$want_browser" = 1 ]; then
  command -v chromium >/dev/null || { log "installing Debian chromium"; apt_install chromium; }
  if [ ! -d "$(dirname "$0")/../end2end/node_modules/@playwright/test" ]; then
    log "installing Playwright (test runner only; the browser is Debian's)"
    (cd "$(dirname "$0")/../end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
fi

if [ "$want_postgres" = 1 ]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing PostgreSQL server binaries"
    apt_install postgresql
  fi
fi
log "tools ready"
