#!/bin/sh
test_description='ca serve with a database it cannot write: 5xx, a clear log line, nothing issued unrecorded'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

# one: a /sign request with a fresh token; status printed, answer in out.
one() {
	"$SYS_PYTHON" "$TEST_SRC_DIR/crash-load.py" one "$PORT" "$ROOT" \
		prov.json "$FP" "$CA_URL"
}

rows() {
	"$SYS_PYTHON" -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print(db.execute("SELECT count(*) FROM pkit_certs").fetchone()[0])' "$DB"
}

# set_db DSN: ca.json's db.dataSource.
set_db() {
	"$SYS_PYTHON" -c 'import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["db"] = {"type": "sqlite", "dataSource": sys.argv[2]}
json.dump(d, open(p, "w"), indent="\t")' "$PKITPATH/config/ca.json" "$1"
}

# start_limited BYTES: ca serve with RLIMIT_FSIZE (the shell's ulimit -f,
# in 512-byte blocks for sh); its log through a pipe, which no file size
# limit cuts.
start_limited() {
	: >serve.log &&
	rm -f ca.pid &&
	{ sh -c 'echo $$ >ca.pid && ulimit -f "$1" && exec "$2" ca serve \
		--password-file pw.txt' sh $(( $1 / 512 )) "$PKIT_BIN" \
		2>&1 >serve.out | cat >serve.log & } &&
	n=0 &&
	while ! grep -q "Serving HTTPS on" serve.log
	do
		n=$((n + 1)); test $n -le 600 || { cat serve.log >&2; return 1; }
		sleep 0.05
	done &&
	CA_PID=$(cat ca.pid)
}

test_expect_success 'a CA made by ca init, one certificate issued' '
	ca_init_keys Dbfail &&
	DB=$PKITPATH/db/pkit.db &&
	openssl ecparam -name prime256v1 -genkey -noout -out load.key 2>/dev/null &&
	openssl req -new -key load.key -subj /CN=load.example \
		-addext subjectAltName=DNS:load.example -out load.csr 2>/dev/null &&
	ca_start --password-file pw.txt &&
	test "$(one)" = 201 &&
	ca_stop &&
	test "$(rows)" = 1
'

test_expect_success 'a read-only database: 500, the reason in the log, nothing issued' '
	set_db "file:$DB?mode=ro" &&
	ca_start --password-file pw.txt &&
	test "$(one)" = 500 &&
	grep -q "\"status\":500" out &&
	! grep -q "BEGIN CERTIFICATE" out &&
	grep -q "status=500" serve.log &&
	grep -i "readonly\|read-only" serve.log &&
	test "$(get /health --cacert "$ROOT")" = 200 &&
	test "$(one)" = 500 &&
	ca_stop &&
	test "$(rows)" = 1
'

test_expect_success 'writable again: it issues and records' '
	set_db "$DB" &&
	ca_start --password-file pw.txt &&
	test "$(one)" = 201 &&
	ca_stop &&
	test "$(rows)" = 2
'

# Disk full: RLIMIT_FSIZE just above the database and its 32 KiB shared
# memory file, so that it starts and the write-ahead log fills up after a
# few certificates.  Every 201 must then be in the database, and the
# answer that could not be recorded a 500 without a certificate.
test_expect_success 'disk full (RLIMIT_FSIZE): 500 once full, every 201 recorded' '
	rm -f "$DB-wal" "$DB-shm" &&
	size=$(stat -c %s "$DB") &&
	if test $size -lt 32768; then size=32768; fi &&
	start_limited $((size + 8192)) &&
	ok=0 && i=0 && st=201 &&
	while test $i -lt 60 && test "$st" = 201
	do
		i=$((i + 1)) && st=$(one) &&
		if test "$st" = 201; then ok=$((ok + 1)); fi
	done &&
	say "$ok certificates issued before the disk was full" &&
	test "$st" = 500 &&
	grep -q "\"status\":500" out &&
	! grep -q "BEGIN CERTIFICATE" out &&
	grep "status=500" serve.log &&
	grep -i -e "disk" -e "full" -e "too large" -e "I/O" serve.log &&
	test "$(get /health --cacert "$ROOT")" = 200 &&
	test "$(one)" = 500 &&
	kill -TERM "$CA_PID" && CA_PID= && sleep 2 &&
	test "$(rows)" = $((2 + ok))
'

test_expect_success 'too little space to start: refused with the reason' '
	test_expect_code 1 sh -c '"'"'ulimit -f 8 && exec "$0" ca serve \
		--password-file pw.txt'"'"' "$PKIT_BIN" 2>err &&
	grep "pkit: .*pkit.db: .*I/O error" err
'

test_expect_success 'space again: the server serves, and the database is whole' '
	ca_start --password-file pw.txt &&
	test "$(one)" = 201 &&
	ca_stop &&
	test "$(rows)" = $((3 + ok)) &&
	test "$("$SYS_PYTHON" -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"PRAGMA integrity_check\").fetchone()[0])" "$DB")" = ok
'

test_done
