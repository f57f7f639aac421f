#!/bin/sh
test_description='ca renew --daemon: a 5-minute certificate renewed again and again, --exec, signals, back-off while the CA is down, kills'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-caops.sh"

DPID=
daemon_cleanup() {
	if test -n "$DPID"; then
		kill -KILL $DPID 2>/dev/null
		DPID=
	fi
	stop_stepca
}
trap daemon_cleanup EXIT

# daemon ARGS...: run `pkit ca renew --daemon ARGS` in the background,
# its output in d.out and d.err.
daemon() {
	rm -f d.out d.err
	"$PKIT_BIN" ca renew --daemon "$@" >d.out 2>d.err &
	DPID=$!
}

# stop_daemon [SIG]: signal it (TERM) and print its exit status.
stop_daemon() {
	kill -"${1:-TERM}" $DPID
	wait $DPID
	echo $? >d.status
	DPID=
}

# wait_lines FILE PATTERN N [SECONDS]: until FILE has N lines matching.
wait_lines() {
	n=0
	while c=$(grep -cE "$2" "$1" 2>/dev/null); test "${c:-0}" -lt "$3"; do
		n=$((n + 1))
		if test $n -gt $((${4:-30} * 10)); then
			echo "wait_lines: fewer than $3 lines like '$2' in $1:" >&2
			cat "$1" >&2
			return 1
		fi
		sleep 0.1
	done
}

# same_key CRT KEY: the certificate parses and is for the key.
same_key() {
	pubkey "$1" >sk.a && pubkey "$2" >sk.b && cmp -s sk.a sk.b
}

INFO='^INFO: [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} '
ERROR='^ERROR: [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} '

test_expect_success 'setup: a CA issuing 5-minute certificates' '
	mkprov admin "admin pw" &&
	echo "admin pw" >pw.txt &&
	signing_ca ca --lifetime 300 &&
	pkit ca bootstrap --ca-url "$(url ca)" --fingerprint "$(fingerprint root.crt)" 2>err &&
	pkit ca certificate localhost d.crt d.key --provisioner-password-file pw.txt 2>err &&
	printf "#!/bin/sh\necho \"\$*\" >>hook.log\n" >hook.sh && chmod +x hook.sh
'

test_expect_success 'every --renew-period: step'"'"'s log lines, --exec each time' '
	s0=$(serial d.crt) &&
	daemon --renew-period 2s --exec "./hook.sh renewed d.crt" d.crt d.key &&
	wait_lines d.out "certificate renewed" 3 &&
	stop_daemon &&
	test "$(cat d.status)" -eq 0 &&
	sed -n 1p d.out | grep -qE "${INFO}first renewal in 2s$" &&
	sed -n "2,\$p" d.out >rest &&
	test "$(grep -cvE "${INFO}localhost certificate renewed, next in 2s$" rest)" -eq 0 &&
	test "$(wc -l <hook.log)" -ge 3 &&
	test "$(sort -u hook.log)" = "renewed d.crt" &&
	test ! -s d.err &&
	test "$(serial d.crt)" != "$s0" &&
	same_key d.crt d.key &&
	test "$(requests ca | grep -c "POST /renew")" -ge 3
'

test_expect_success 'the 2/3 schedule with jitter; SIGHUP renews at once; SIGINT stops' '
	rm -f hook.log &&
	daemon --exec ./hook.sh d.crt d.key &&
	wait_lines d.out "first renewal" 1 &&
	grep -qE "${INFO}first renewal in (2m[1-5][0-9]s|3m0s)$" d.out &&
	s0=$(serial d.crt) &&
	kill -HUP $DPID &&
	wait_lines d.out "certificate renewed" 1 5 &&
	grep -qE "${INFO}localhost certificate renewed, next in (2m[1-5][0-9]s|3m0s)$" d.out &&
	test "$(serial d.crt)" != "$s0" &&
	test -s hook.log &&
	stop_daemon INT &&
	test "$(cat d.status)" -eq 0
'

test_expect_success 'a 5-minute certificate renewed again and again on its own (--expires-in)' '
	rm -f hook.log &&
	daemon --expires-in 4m55s --exec ./hook.sh d.crt d.key &&
	wait_lines d.out "certificate renewed" 3 30 &&
	stop_daemon &&
	grep -qE "${INFO}first renewal in [0-5]s$" d.out &&
	grep -E "certificate renewed" d.out | sed "s/.*next in //" >nexts &&
	test "$(grep -cvE "^[0-5]s$" nexts)" -eq 0 &&
	test "$(wc -l <hook.log)" -ge 3 &&
	same_key d.crt d.key
'

test_expect_success 'the CA down: errors with a growing back-off, then recovery' '
	daemon --renew-period 2s d.crt d.key &&
	wait_lines d.out "certificate renewed" 1 &&
	stop_stepca &&
	wait_lines d.err "retrying in" 4 30 &&
	restart_ca ca --lifetime 300 &&
	n=$(grep -c "certificate renewed" d.out) &&
	wait_lines d.out "certificate renewed" $((n + 1)) 40 &&
	stop_daemon &&
	test "$(cat d.status)" -eq 0 &&
	test "$(grep -cvE "${ERROR}https://127.0.0.1:[0-9]+/renew: .*; retrying in [0-9]+s$" d.err)" -eq 0 &&
	sed "s/.*retrying in \([0-9]*\)s$/\1/" d.err >delays &&
	first=$(sed -n 1p delays) && fourth=$(sed -n 4p delays) &&
	test "$first" -le 1 && test "$fourth" -ge 2 &&
	sort -n -c delays &&
	same_key d.crt d.key
'

test_expect_success 'expired while the CA is down: it gives up, status 1' '
	pkit ca certificate short s.crt s.key --not-before -10s --not-after 16s \
		--provisioner-password-file pw.txt 2>err &&
	stop_stepca &&
	daemon s.crt s.key &&
	n=0 && while kill -0 $DPID 2>/dev/null && test $n -lt 300; do
		sleep 0.1; n=$((n + 1))
	done &&
	wait $DPID; echo $? >d.status; DPID= &&
	test "$(cat d.status)" -eq 1 &&
	grep -qE "${ERROR}.*the certificate expired at [0-9T:-]+Z: giving up$" d.err &&
	test "$(grep -c "retrying in" d.err)" -ge 2 &&
	restart_ca ca --lifetime 300
'

test_expect_success 'killed at any moment: the certificate is the old or the new one' '
	i=0 &&
	while test $i -lt 25; do
		"$PKIT_BIN" ca renew --daemon --renew-period 1s d.crt d.key >/dev/null 2>&1 &
		DPID=$! &&
		sleep 0.$((i % 5))$(( (i * 7) % 10 )) &&
		kill -HUP $DPID 2>/dev/null;
		sleep 0.0$(( (i * 3) % 10 )) &&
		kill -KILL $DPID && wait $DPID 2>/dev/null; DPID=
		same_key d.crt d.key || { echo "broken after kill $i" >&2; return 1; }
		openssl verify -CAfile root.crt -untrusted d.crt d.crt >/dev/null ||
		return 1
		i=$((i + 1))
	done &&
	test "$(requests ca | grep -c "POST /renew")" -ge 3
'

test_expect_success 'rekey --daemon: a new key each time, the pair always matching' '
	cp d.key k0 &&
	{ "$PKIT_BIN" ca rekey --daemon --rekey-period 1s d.crt d.key >d.out 2>d.err & } &&
	DPID=$! &&
	wait_lines d.out "certificate rekeyed" 2 &&
	stop_daemon &&
	test "$(cat d.status)" -eq 0 &&
	! cmp -s d.key k0 &&
	same_key d.crt d.key &&
	test "$(requests ca | grep -c "POST /rekey")" -ge 2
'

test_expect_success 'daemon flags checked before it starts: exit 2' '
	test_expect_code 2 pkit ca renew --daemon --renew-period 6m d.crt d.key 2>err &&
	test_one_line err && grep -q "must be shorter than the certificate" err &&
	test_expect_code 2 pkit ca rekey --daemon --private-key d.key d.crt d.key 2>err &&
	test_one_line err
'

test_done
