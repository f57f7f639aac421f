# lib-pg.sh - a throwaway PostgreSQL server for the t*-postgres scripts.
#
#   pg_setup WHAT   find the server binaries (Debian package postgresql)
#                   or skip the whole script, saying WHAT is skipped;
#                   set PG_BIN, PGTMP, PGPORT, PGDATA, PG_CTL, PG_OPTS and
#                   DSN (a postgresql:// URL for ca.json)
#   pg_start        initdb, start on 127.0.0.1:$PGPORT, create database pkit
#   pg_stop         stop it at once and remove its files (for EXIT traps)
#   psql_q ARGS...  psql on the database, unaligned, tuples only
#
# PostgreSQL refuses to run as root: as root the server runs as postgres
# (or nobody), in a directory that user owns.  Its Unix socket path must
# stay short, so the directory is under /tmp, not in the trash directory.

pg_setup() {
	PG_BIN=
	for d in /usr/lib/postgresql/*/bin; do
		test -x "$d/postgres" && test -x "$d/initdb" && PG_BIN=$d
	done
	if test -z "$PG_BIN"; then
		test_skip "$1" \
			'no PostgreSQL server binaries (apt-get install postgresql)'
		test_done
	fi
	PG_AS=
	if test "$(id -u)" -eq 0; then
		PG_USER=postgres
		id "$PG_USER" >/dev/null 2>&1 || PG_USER=nobody
		PG_AS="setpriv --reuid=$PG_USER --regid=$(id -g "$PG_USER") --init-groups --"
	fi
	PGTMP=$(mktemp -d /tmp/pkit-pg.XXXXXX) || exit 99
	test -n "$PG_AS" && chown "$PG_USER" "$PGTMP"
	PGPORT=$(free_port)
	PGDATA="$PGTMP/data"
	PG_CTL="$PG_AS $PG_BIN/pg_ctl -D $PGDATA -l $PGTMP/log -w"
	PG_OPTS="-k $PGTMP -p $PGPORT -h 127.0.0.1"
	DSN="postgresql://pkit@127.0.0.1:$PGPORT/pkit"
}

pg_start() {
	$PG_AS "$PG_BIN/initdb" -D "$PGDATA" -U pkit -A trust -E UTF8 \
		--locale=C --no-sync >"$PGTMP/initdb.log" 2>&1 &&
	$PG_CTL -o "$PG_OPTS" start >/dev/null &&
	"$PG_BIN/createdb" -h "$PGTMP" -p "$PGPORT" -U pkit pkit
}

pg_stop() {
	if test -n "${PGDATA:-}" && test -f "$PGDATA/postmaster.pid"; then
		$PG_CTL -m immediate stop >/dev/null 2>&1
	fi
	test -n "${PGTMP:-}" && rm -rf "$PGTMP"
}

psql_q() {
	"$PG_BIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 \
		"host=$PGTMP port=$PGPORT user=pkit dbname=pkit" "$@"
}
