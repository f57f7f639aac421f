#!/bin/sh
test_description='the CA database on a real PostgreSQL server

Starts a throwaway PostgreSQL (Debian package postgresql) on a Unix
socket and a free loopback port, runs the database unit tests against it
(tests/unit/test_cadb reads PKIT_TEST_PG_DSN), crashes and restarts the
server in between, and stops it on exit.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-pg.sh"

UNIT="$PKIT_BUILD_DIR/tests/unit/test_cadb"
CMOCKA_MESSAGE_OUTPUT=TAP
export CMOCKA_MESSAGE_OUTPUT
if ! test -x "$UNIT"; then
	test_skip 'postgresql backend' 'unit tests not built (--disable-tests)'
	test_done
fi
pg_setup 'postgresql backend'
# the unit tests take libpq's keyword form
DSN="host=$PGTMP port=$PGPORT user=pkit dbname=pkit"

trap pg_stop EXIT
trap 'exit 1' HUP INT TERM

test_expect_success 'start a throwaway PostgreSQL server' '
	pg_start &&
	test "$(psql_q -c "SHOW fsync")" = on
'

test_expect_success 'commits survive a crash of the server' '
	PKIT_TEST_PG_DSN="$DSN" PKIT_TEST_PG_PHASE=prepare "$UNIT" >out 2>&1 ||
	{ cat out; false; } &&
	grep -q "^ok 1 - postgresql_test_pg_prepare" out &&
	$PG_CTL -m immediate stop >/dev/null &&
	$PG_CTL -o "$PG_OPTS" start >/dev/null &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_tokens WHERE id = '"'restart-jti'"'")" = 1
'

test_expect_success 'the schema is versioned and stores DER as bytea' '
	test "$(psql_q -c "SELECT version FROM pkit_schema")" = 1 &&
	test "$(psql_q -c "SELECT data_type FROM information_schema.columns
		WHERE table_name = '"'pkit_certs'"' AND column_name = '"'der'"'")" = bytea &&
	test "$(psql_q -c "SELECT encode(der, '"'hex'"') FROM pkit_certs
		WHERE serial = '"'cafe'"'")" = 300302010000ff30
'

test_expect_success 'a trigger makes inserting serial "dead" fail' '
	psql_q <<-\EOF
	CREATE FUNCTION pkit_test_boom() RETURNS trigger LANGUAGE plpgsql AS
	$$ BEGIN
		IF NEW.serial = '"'dead'"' THEN RAISE EXCEPTION '"'boom'"'; END IF;
		RETURN NEW;
	END $$;
	CREATE TRIGGER pkit_test_boom BEFORE INSERT ON pkit_certs
		FOR EACH ROW EXECUTE FUNCTION pkit_test_boom();
	EOF
'

test_expect_success 'the database unit tests pass on PostgreSQL' '
	PKIT_TEST_PG_DSN="$DSN" PKIT_TEST_PG_TRIGGER=1 \
	PKIT_TEST_PG_RESTART="$PG_CTL -m fast restart >/dev/null 2>&1" \
		"$UNIT" >out 2>&1 ||
	{ cat out; false; } &&
	cat out &&
	! grep "^not ok" out &&
	test "$(grep -c "^ok .* - postgresql_" out)" -eq 12 &&
	grep -q "^ok .* - postgresql_test_batch_failure" out &&
	grep -q "^ok .* - postgresql_test_pg_after_restart" out &&
	grep -q "^ok .* - postgresql_test_concurrent_replay" out
'

test_expect_success 'the server log shows no unexpected errors' '
	! grep -E "PANIC|deadlock detected" "$PGTMP/log"
'

test_done
