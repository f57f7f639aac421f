#!/bin/sh
# db_bench.sh - run bench/db_bench over both database backends.
#
#   bench/db_bench.sh [BUILD_DIR]     (default: the current directory)
#
# SQLite files go to a fresh directory under /tmp (the same disk as the
# CA would use); PostgreSQL is a throwaway server started like
# tests/cli/t6900-cadb-postgres.sh does (skipped when not installed).
# Use a build without sanitizers: ./configure CFLAGS="-O2 -g".
set -eu

BUILD=${1:-.}
make -C "$BUILD" -s bench/db_bench ||
	{ test -x "$BUILD/bench/db_bench" && echo "# (using the last build)"; }
BENCH="$(cd "$BUILD" && pwd)/bench/db_bench"
TMP=$(mktemp -d /tmp/pkit-dbbench.XXXXXX)
PG_BIN=
for d in /usr/lib/postgresql/*/bin; do
	test -x "$d/postgres" && PG_BIN=$d
done
AS=
PG_CTL=
cleanup() {
	if test -n "$PG_CTL" && test -f "$TMP/pg/postmaster.pid"; then
		$PG_CTL -m fast stop >/dev/null 2>&1 || :
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

lite() {
	rm -f "$TMP"/ca.db*
	"$BENCH" -t sqlite -d "$1" -n "$2" -b "$3" -j "$4"
}

echo "# SQLite, synchronous=FULL (durable against power loss)"
lite "$TMP/ca.db" 4000 0 1
lite "$TMP/ca.db" 4000 0 2
lite "$TMP/ca.db" 4000 1 2
lite "$TMP/ca.db" 40000 8 2
lite "$TMP/ca.db" 100000 32 2
echo "# SQLite, synchronous=NORMAL (durable against a process crash)"
lite "file:$TMP/ca.db?synchronous=normal" 20000 0 2
lite "file:$TMP/ca.db?synchronous=normal" 100000 32 2

if test -z "$PG_BIN"; then
	echo "# PostgreSQL: not installed (apt-get install postgresql)"
	exit 0
fi
if test "$(id -u)" -eq 0; then
	AS="setpriv --reuid=postgres --regid=$(id -g postgres) --init-groups --"
	chown postgres "$TMP"
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PG_CTL="$AS $PG_BIN/pg_ctl -D $TMP/pg -l $TMP/pg.log -w"
$AS "$PG_BIN/initdb" -D "$TMP/pg" -U pkit -A trust -E UTF8 --locale=C \
	--no-sync >/dev/null
$PG_CTL -o "-k $TMP -p $PORT -h 127.0.0.1" start >/dev/null
"$PG_BIN/createdb" -h "$TMP" -p "$PORT" -U pkit pkit
DSN="host=$TMP port=$PORT user=pkit dbname=pkit"
echo "# PostgreSQL $("$PG_BIN/postgres" --version | sed -n 's/.*PostgreSQL) \([0-9.]*\).*/\1/p'), Unix socket, synchronous_commit=on"
"$BENCH" -t postgresql -d "$DSN" -n 4000 -b 0 -j 1
"$BENCH" -t postgresql -d "$DSN" -n 4000 -b 0 -j 2
"$BENCH" -t postgresql -d "$DSN" -n 4000 -b 1 -j 2
"$BENCH" -t postgresql -d "$DSN" -n 40000 -b 8 -j 2
"$BENCH" -t postgresql -d "$DSN" -n 100000 -b 32 -j 2
