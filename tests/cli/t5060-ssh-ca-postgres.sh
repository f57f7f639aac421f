#!/bin/sh
test_description='the SSH CA on PostgreSQL: certificates, revocations, hosts and token ids in the shared key/value store, and two ca serve instances agreeing on them'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-pg.sh"

if ! test_have ssh-keygen; then
	test_skip 'the SSH CA on postgresql' 'no ssh-keygen'
	test_done
fi
pg_setup 'the SSH CA on postgresql'
B_PID=
PORT_B=$(free_port)

stop_all() {
	if test -n "$B_PID"; then
		kill -KILL "$B_PID" 2>/dev/null
		wait "$B_PID" 2>/dev/null
	fi
	ca_cleanup
	pg_stop
}
trap stop_all EXIT
trap 'exit 1' HUP INT TERM

serial() {
	ssh-keygen -L -f "$1" | awk '$1 == "Serial:" {print $2}'
}

# on_b ARGS...: a pkit CA client verb against the second instance.
on_b() {
	pkit "$@" --ca-url "https://localhost:$PORT_B"
}

test_expect_success 'start a throwaway PostgreSQL server' '
	pg_start
'

test_expect_success 'ca init --ssh --db postgresql://, two ca serve instances' '
	echo "ca password" >pw.txt &&
	pkit ca init --name PG --dns localhost --address "$ADDR" \
		--provisioner admin --password-file pw.txt --ssh --db "$DSN" 2>init.log &&
	: >b.log
	"$PKIT_BIN" ca serve --password-file pw.txt --address "127.0.0.1:$PORT_B" \
		>b.out 2>b.log &
	B_PID=$!
	ca_start --password-file pw.txt &&
	n=0 &&
	while ! grep -q "Serving HTTPS on" b.log
	do
		n=$((n + 1)) && test $n -lt 400 && sleep 0.05 || return 1
	done
'

test_expect_success 'a host certificate from A is known to B (hosts, check-host)' '
	ssh-keygen -q -t ecdsa -N "" -f hostkey &&
	pkit ssh certificate --host --sign --principal db1 db1 hostkey.pub \
		--provisioner admin --provisioner-password-file pw.txt 2>err &&
	on_b ssh hosts >got && echo db1 >want && test_cmp want got &&
	on_b ssh check-host db1 >got && echo true >want && test_cmp want got
'

test_expect_success 'renewed on B, revoked on A, refused on B' '
	on_b ssh renew hostkey-cert.pub hostkey 2>err &&
	s=$(serial hostkey-cert.pub) &&
	pkit ssh revoke "$s" --provisioner admin --provisioner-password-file pw.txt 2>err &&
	test_expect_code 1 on_b ssh renew hostkey-cert.pub hostkey 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err &&
	test_expect_code 1 on_b ssh revoke "$s" --provisioner admin \
		--provisioner-password-file pw.txt 2>err &&
	grep -q "is already revoked" err
'

test_expect_success 'a token used on A is refused by B' '
	ssh-keygen -q -t ecdsa -N "" -f userkey &&
	T=$(pkit ca token --ssh --principal root joe --provisioner admin \
		--provisioner-password-file pw.txt 2>/dev/null) &&
	pkit ssh certificate --sign joe userkey.pub --token "$T" 2>err &&
	test_expect_code 1 on_b ssh certificate --sign joe userkey.pub \
		--token "$T" --force 2>err &&
	test_one_line err && grep -q "lacked necessary authorization" err
'

test_expect_success 'PostgreSQL holds the SSH certificates, revocation and hosts' '
	test "$(psql_q -c "SELECT count(*) FROM pkit_kv WHERE bucket = '"'"'ssh_certs'"'"'")" = 3 &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_kv WHERE bucket = '"'"'revoked_ssh_certs'"'"'")" = 1 &&
	test "$(psql_q -c "SELECT key FROM pkit_kv WHERE bucket = '"'"'ssh_host_principals'"'"'")" = db1 &&
	test "$(psql_q -c "SELECT count(*) FROM pkit_tokens")" -ge 4
'

test_expect_success 'stop both instances' '
	kill "$B_PID" && wait "$B_PID" && B_PID= &&
	ca_stop
'

test_done
