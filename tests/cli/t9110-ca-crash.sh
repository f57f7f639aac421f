#!/bin/sh
test_description='ca serve killed with SIGKILL under load loses no certificate and forgets no token'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

# Three rounds: start the CA, let crash-load.py issue certificates from
# four threads, kill -9 the CA at a random moment while requests are in
# flight.  Then restart it and check what the clients got against the
# database: every certificate a client received is recorded with its
# serial, no serial was given twice, and every token a client used is
# still refused.
load() {
	"$SYS_PYTHON" "$TEST_SRC_DIR/crash-load.py" "$@"
}

count_ok() {
	awk '/^OK / { n++ } END { print n + 0 }' got
}

# A loader left running by a failed step must not outlive the script.
LOADER=
trap 'test -n "$LOADER" && kill "$LOADER" 2>/dev/null; ca_cleanup' EXIT

test_expect_success 'a CA made by ca init, and its provisioner key' '
	ca_init_keys Crash &&
	openssl ecparam -name prime256v1 -genkey -noout -out load.key 2>/dev/null &&
	openssl req -new -key load.key -subj /CN=load.example \
		-addext subjectAltName=DNS:load.example -out load.csr 2>/dev/null &&
	: >got
'

for round in 1 2 3
do
	test_expect_success "round $round: SIGKILL while certificates are issued" '
		ca_start --password-file pw.txt &&
		before=$(count_ok) &&
		{ load load "$PORT" "$ROOT" prov.json "$FP" "$CA_URL" got 4 120 & } &&
		LOADER=$! &&
		n=0 &&
		while test $(count_ok) -lt $((before + 8))
		do
			n=$((n + 1)); test $n -le 1200 || return 1; sleep 0.05
		done &&
		sleep "0.$(shuf -i 0-9 -n 1)" &&
		kill -KILL "$CA_PID" &&
		wait "$CA_PID"; test $? = 137 &&
		CA_PID= &&
		wait "$LOADER" &&
		LOADER= &&
		test $(grep -c "^STOP " got) -ge $((4 * round)) &&
		say "round $round: $(( $(count_ok) - before )) certificates answered before the kill"
	'
done

test_expect_success 'after a restart the database holds every certificate answered' '
	ca_start --password-file pw.txt &&
	! grep "^STATUS" got &&
	"$SYS_PYTHON" - "$PKITPATH/db/pkit.db" got <<-\EOF
	import sqlite3, sys
	db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
	rows = [int(s, 16) for (s,) in db.execute("SELECT serial FROM pkit_certs")]
	got = [int(l.split()[1]) for l in open(sys.argv[2]) if l.startswith("OK ")]
	assert len(got) >= 24, len(got)
	assert len(set(got)) == len(got), "a serial was given twice"
	assert len(set(rows)) == len(rows), "a serial is recorded twice"
	missing = set(got) - set(rows)
	assert not missing, "answered but not recorded: %r" % missing
	print("# %d answered, %d recorded" % (len(got), len(rows)))
	EOF
'

test_expect_success 'every token used before a crash is still refused' '
	load replay "$PORT" "$ROOT" got >replay &&
	cat replay &&
	test "$(cut -d" " -f1 replay)" = 401 &&
	test "$(cut -d" " -f2 replay)" = "$(count_ok)" &&
	ca_stop
'

test_done
