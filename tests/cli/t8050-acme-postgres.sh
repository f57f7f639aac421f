#!/bin/sh
test_description='ACME on PostgreSQL

The ACME flow and hostile runs of t8000 (acme-client.py) with ca.json
naming a throwaway PostgreSQL server: accounts, orders, authorizations,
nonce replay ids and EAB keys live in the same key/value store.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-acme.sh"

if ! test_have dnsmasq || ! "$SYS_PYTHON" -c "import cryptography" 2>/dev/null; then
	say "skip: dnsmasq or python3-cryptography missing"
	test_done
fi
PG_BIN=
for d in /usr/lib/postgresql/*/bin; do
	test -x "$d/postgres" && test -x "$d/initdb" && PG_BIN=$d
done
if test -z "$PG_BIN"; then
	test_skip 'ACME on postgresql' \
		'no PostgreSQL server binaries (apt-get install postgresql)'
	test_done
fi

# PostgreSQL refuses to run as root: run it as postgres (or nobody), in a
# directory that user owns, with a short socket path under /tmp.
AS=
if test "$(id -u)" -eq 0; then
	PG_USER=postgres
	id "$PG_USER" >/dev/null 2>&1 || PG_USER=nobody
	AS="setpriv --reuid=$PG_USER --regid=$(id -g "$PG_USER") --init-groups --"
fi
PGTMP=$(mktemp -d /tmp/pkit-pg.XXXXXX) || exit 99
test -n "$AS" && chown "$PG_USER" "$PGTMP"
PGPORT=$(free_port)
PGDATA="$PGTMP/data"
PG_CTL="$AS $PG_BIN/pg_ctl -D $PGDATA -l $PGTMP/log -w"
PG_OPTS="-k $PGTMP -p $PGPORT -h 127.0.0.1"
DSN="postgresql://pkit@127.0.0.1:$PGPORT/pkit"
B_PID=

stop_all() {
	if test -n "$B_PID"; then
		kill -KILL "$B_PID" 2>/dev/null
		wait "$B_PID" 2>/dev/null
	fi
	acme_cleanup
	if test -f "$PGDATA/postmaster.pid"; then
		$PG_CTL -m immediate stop >/dev/null 2>&1
	fi
	rm -rf "$PGTMP"
}
trap stop_all EXIT
trap 'exit 1' HUP INT TERM

psql_q() {
	"$PG_BIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 \
		"host=$PGTMP port=$PGPORT user=pkit dbname=pkit" "$@"
}

client() {
	"$SYS_PYTHON" "$TEST_SRC_DIR/acme-client.py" "$DIR_URL" ca/root.crt \
		"$HTTP01_PORT" "$1" >"$1.out" 2>"$1.err"
}

test_expect_success 'start a throwaway PostgreSQL server' '
	$AS "$PG_BIN/initdb" -D "$PGDATA" -U pkit -A trust -E UTF8 \
		--locale=C --no-sync >"$PGTMP/initdb.log" 2>&1 &&
	$PG_CTL -o "$PG_OPTS" start >/dev/null &&
	"$PG_BIN/createdb" -h "$PGTMP" -p "$PGPORT" -U pkit pkit
'

test_expect_success 'set up: the ACME provisioner on PostgreSQL' '
	acme_setup &&
	"$SYS_PYTHON" -c "import json, sys
d = json.load(open(\"ca.json\"))
d[\"db\"] = {\"type\": \"postgresql\", \"dataSource\": sys.argv[1]}
json.dump(d, open(\"ca.json\", \"w\"), indent=\"\t\")" "$DSN" &&
	acme_start
'

test_expect_success 'the ACME flow on PostgreSQL' '
	client flow &&
	! grep FAIL flow.out &&
	test "$(grep -c "^ok" flow.out)" = 27 &&
	openssl verify -CAfile ca/root.crt -untrusted ca/int.crt flow.pem
'

test_expect_success 'the hostile run on PostgreSQL: nothing issued' '
	n1=$(psql_q -c "SELECT count(*) FROM pkit_certs") &&
	client hostile &&
	! grep FAIL hostile.out &&
	test "$(grep -c "^ok" hostile.out)" -ge 34 &&
	n2=$(psql_q -c "SELECT count(*) FROM pkit_certs") &&
	test "$n1" = "$n2"
'

test_expect_success 'the state is in PostgreSQL'"'"'s key/value store' '
	test "$(psql_q -c "SELECT count(*) FROM pkit_kv WHERE bucket = '"'"'acme.account'"'"'")" -ge 6 &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_tokens WHERE id LIKE '"'"'acme-nonce:%'"'"'")" -ge 50
'

test_expect_success 'eab add on PostgreSQL' '
	pkit ca acme eab add --config ca.json acme pg1 >add.txt &&
	pkit ca acme eab list --config ca.json acme >list &&
	grep -q "^pg1	" list
'

test_expect_success 'the server stops cleanly' '
	ca_stop
'

test_done
