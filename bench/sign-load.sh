#!/bin/sh
# sign-load.sh - certificates per second of `pkit ca serve` under load.
#
#   bench/sign-load.sh [BUILD_DIR [SECONDS [CONNECTIONS...]]]
#
# Makes a CA with `pkit ca init` (SQLite, synchronous=FULL: every
# certificate is on stable storage before its answer), pre-makes one
# request body per certificate with bench/sign_reqs (a fresh one-time
# token each, 256 distinct CSRs in turn), starts `pkit ca serve` (one
# event loop per core) and drives POST /sign with wrk over keep-alive TLS
# (2 threads, the given connection counts; default 32 and 1000), on the
# same machine.  Reports certificates/s (201 answers only), latency
# percentiles, the server's peak RSS, and checks that the database holds
# exactly the certificates answered.  Then `openssl speed ecdsap256` for
# scale: each certificate costs two P-256 verifications (token, CSR) and
# one signature.
#
# PKIT=FILE runs that pkit binary instead of BUILD_DIR's (to compare two
# builds on the same machine, one run after the other).
#
# With SYSCALLS=1 set, `perf stat` counts the server's system calls per
# certificate.  With PERF=FILE set, `perf record -g` samples the server during each run
# into FILE.<connections>.
#
# Use a build without sanitizers: ./configure CFLAGS="-O2 -g".  Needs wrk
# (Debian package wrk).
set -eu

BUILD=$(cd "${1:-.}" && pwd)
SECS=${2:-10}
shift 2 2>/dev/null || shift $#
CONNS=${*:-32 1000}
SRC=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3

command -v wrk >/dev/null || { echo "sign-load.sh: wrk is needed (apt-get install wrk)" >&2; exit 1; }
make -C "$BUILD" -s pkit bench/sign_reqs >/dev/null
PKIT=${PKIT:-$BUILD/pkit}
TMP=$(mktemp -d /tmp/pkit-signbench.XXXXXX)
SERVER=
cleanup() {
	if test -n "$SERVER"; then
		kill -KILL "$SERVER" 2>/dev/null || :
		wait "$SERVER" 2>/dev/null || :
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
ulimit -n 8192 2>/dev/null || :

export PKITPATH="$TMP/pkit" PKIT_NONINTERACTIVE=1
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "bench password" >"$TMP/pw.txt"
"$PKIT" ca init --name Bench --dns localhost --dns 127.0.0.1 \
	--address "127.0.0.1:$PORT" --password-file "$TMP/pw.txt" 2>/dev/null
jq_() { $PY -c 'import json, sys; print(eval(sys.argv[2], {"d": json.load(open(sys.argv[1]))}))' "$@"; }
jq_ "$PKITPATH/config/ca.json" 'd["authority"]["provisioners"][0]["encryptedKey"]' >"$TMP/ek"
"$PKIT" crypto jwe decrypt --password-file "$TMP/pw.txt" "$TMP/ek" >"$TMP/prov.json"
chmod 600 "$TMP/prov.json"
FP=$(jq_ "$PKITPATH/config/defaults.json" 'd["fingerprint"]')

echo "# pkit ca serve, POST /sign, $(nproc) cores shared with wrk, ${SECS}s per run"
echo "# $(uname -srm); $(openssl version)"
for c in $CONNS; do
	n=$((SECS * 20000))
	rm -f "$TMP"/reqs.*
	"$BUILD/bench/sign_reqs" -k "$TMP/prov.json" -a "https://localhost:$PORT/1.0/sign" \
		-s "$FP" -n "$n" -f 2 -o "$TMP/reqs"
	rm -f "$PKITPATH"/db/pkit.db*
	"$PKIT" ca serve --password-file "$TMP/pw.txt" >"$TMP/serve.out" 2>"$TMP/serve.log" &
	SERVER=$!
	until grep -q "Serving HTTPS" "$TMP/serve.log"; do sleep 0.05; done
	rss0=$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER/status")
	cpu0=$(awk '{ print $14 + $15 }' "/proc/$SERVER/stat")
	for t in /proc/$SERVER/task/*; do
		echo "$(basename "$t") $(awk '{ print $14 + $15 }' "$t/stat")"
	done >"$TMP/threads0"
	echo "## $c connections"
	if test -n "${SYSCALLS:-}"; then
		perf stat -x, -e 'syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_futex,syscalls:sys_enter_pwrite64,syscalls:sys_enter_pread64,syscalls:sys_enter_fdatasync,syscalls:sys_enter_madvise,syscalls:sys_enter_brk,syscalls:sys_enter_mmap,syscalls:sys_enter_munmap,syscalls:sys_enter_getrandom,syscalls:sys_enter_clock_gettime,syscalls:sys_enter_fcntl,syscalls:sys_enter_newfstatat,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_accept4' \
			-p "$SERVER" -o "$TMP/sys.$c" -- sleep "$SECS" >/dev/null 2>&1 &
	fi
	if test -n "${PERF:-}"; then
		perf record -F 499 --call-graph "${PERF_CG:-fp}" -o "$PERF.$c" \
			-p "$SERVER" -- sleep "$SECS" >/dev/null 2>&1 &
	fi
	/usr/bin/time -f "%U %S" -o "$TMP/wrk.time" \
		wrk -t 2 -c "$c" -d "${SECS}s" --timeout 10s -s "$SRC/bench/wrk-sign.lua" \
		"https://127.0.0.1:$PORT" -- "$TMP/reqs" >"$TMP/wrk.out" 2>&1
	sed -n "/^certs /,\$p" "$TMP/wrk.out"; grep -q "^certs " "$TMP/wrk.out" || cat "$TMP/wrk.out"
	grep -E "Requests/sec|Transfer" "$TMP/wrk.out" || :
	cpu1=$(awk '{ print $14 + $15 }' "/proc/$SERVER/stat")
	for t in /proc/$SERVER/task/*; do
		echo "$(basename "$t") $(awk '{ print $14 + $15 }' "$t/stat")"
	done >"$TMP/threads1"
	echo "server RSS: $((rss0 / 1024)) MiB idle, peak $(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$SERVER/status") MiB"
	kill -TERM "$SERVER"
	wait "$SERVER"
	SERVER=
	rows=$($PY -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM pkit_certs").fetchone()[0])' "$PKITPATH/db/pkit.db")
	certs=$(awk '/^certs / { print $2 }' "$TMP/wrk.out")
	echo "recorded in the database: $rows (answered 201: $certs)"
	hz=$(getconf CLK_TCK)
	echo "server CPU per certificate: $(( (cpu1 - cpu0) * 1000000 / hz / (rows > 0 ? rows : 1) )) us"
	echo "wrk CPU per certificate: $(awk -v n="$rows" '{ printf "%d", ($1 + $2) * 1000000 / (n > 0 ? n : 1) }' "$TMP/wrk.time") us"
	if test -n "${SYSCALLS:-}"; then
		sleep 1
		printf "system calls per certificate:"
		awk -F, -v n="$rows" '$1 + 0 > 0 { sub("syscalls:sys_enter_", "", $3);
			if ($1 / n >= 0.05) printf " %s %.2f", $3, $1 / n }' "$TMP/sys.$c"
		echo
	fi
	printf "per thread (us per certificate):"
	join "$TMP/threads0" "$TMP/threads1" | while read -r tid a b; do
		printf " %s" $(( (b - a) * 1000000 / hz / (rows > 0 ? rows : 1) ))
	done
	echo
done
echo "## openssl speed ecdsap256 (one core)"
openssl speed -seconds 3 ecdsap256 2>/dev/null | tail -n 1
