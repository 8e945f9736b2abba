#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL cluster on loopback, then stops and deletes it.
# The command sees LEDGER_TEST_POSTGRES_URL (an admin URL; tests create their own databases).
#
#   scripts/with-postgres.sh cargo test -p store
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found; run scripts/install-tools.sh --postgres" >&2; exit 1; }
port=${LEDGER_PG_PORT:-55432}
dir=$(mktemp -d /tmp/ledger-pg.XXXXXX)
# PostgreSQL refuses to run as root: run the cluster as the postgres user when we are root.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U ledger --auth=trust --no-sync -E UTF8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
export LEDGER_TEST_POSTGRES_URL="postgres://ledger@127.0.0.1:$port/postgres"
# How a test restarts the server under a running app (server/tests/faults.rs).
export LEDGER_TEST_PG_RESTART="${as_owner[*]} $bindir/pg_ctl -D $dir/data -m fast -w restart -o '-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200' -l $dir/server.log >/dev/null"
echo "throw-away PostgreSQL at $LEDGER_TEST_POSTGRES_URL"
"$@"
