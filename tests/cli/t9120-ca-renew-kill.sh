#!/bin/sh
test_description='ca renew and ca rekey killed with SIGKILL at random moments leave the old pair or the new pair'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

ROUNDS=${PKIT_KILL_ROUNDS:-40}

# pair_ok: leaf.crt and leaf.key are whole, parse, and belong together;
# the pair is one seen before or the one the last run meant to write.
HALFWAY=0
pair_ok() {
	# Killed between the two renames of a rekey (SIGKILL lands when the
	# first rename returns): the new key, and the new certificate still
	# staged beside it, which the next run renames.  It must match.
	if test -e leaf.crt.pkit-new && ! test -e leaf.key.pkit-new
	then
		openssl x509 -in leaf.crt.pkit-new -noout -pubkey >crt.pub &&
		openssl pkey -in leaf.key -pubout >key.pub &&
		cmp -s crt.pub key.pub ||
		{ echo "the staged certificate does not match leaf.key" >&2; return 1; }
		HALFWAY=$((HALFWAY + 1))
		return 0
	fi
	test -s leaf.crt && test -s leaf.key &&
	openssl x509 -in leaf.crt -noout -pubkey >crt.pub 2>/dev/null &&
	openssl pkey -in leaf.key -pubout >key.pub 2>/dev/null &&
	cmp -s crt.pub key.pub ||
	{ echo "leaf.crt and leaf.key do not match" >&2; return 1; }
	test "$(stat -c %a leaf.key)" = 600 ||
	{ echo "leaf.key is not 0600" >&2; return 1; }
}

test_expect_success 'a CA, and a certificate from it' '
	echo "ca keys pw" >pw.txt &&
	pkit ca init --name Kill --dns localhost --dns 127.0.0.1 \
		--address "$ADDR" --password-file pw.txt 2>init.log &&
	ca_start --password-file pw.txt &&
	pkit ca certificate --provisioner-password-file pw.txt \
		--san localhost localhost leaf.crt leaf.key 2>err &&
	pair_ok
'

# Kill after a random time within what one rekey takes on this machine
# (measured first), so that most runs die somewhere in the middle however
# fast or loaded the machine is.
test_expect_success 'how long one rekey takes here' '
	t0=$(date +%s%N) &&
	pkit ca rekey --force leaf.crt leaf.key 2>err &&
	RUN_MS=$(( ($(date +%s%N) - t0) / 1000000 )) &&
	say "one rekey: $RUN_MS ms" &&
	pair_ok
'

test_expect_success "$ROUNDS renewals and rekeys, each killed at a random moment" '
	i=0 killed=0 done_=0 &&
	while test $i -lt $ROUNDS
	do
		i=$((i + 1)) &&
		if test $((i % 2)) = 0; then verb=rekey; else verb=renew; fi &&
		{ "$PKIT_BIN" ca $verb --force leaf.crt leaf.key >/dev/null 2>err & } &&
		pid=$! &&
		ms=$(shuf -i 0-"$RUN_MS" -n 1) &&
		sleep "$((ms / 1000)).$(printf "%03d" $((ms % 1000)))" &&
		if kill -KILL $pid 2>/dev/null; then killed=$((killed + 1)); else done_=$((done_ + 1)); fi &&
		{ wait $pid; :; } &&
		pair_ok || { echo "after $verb round $i" >&2; return 1; }
	done &&
	say "$killed runs killed, $done_ finished before the signal;" \
		"$HALFWAY left a swap half done (finished by the next run);" \
		"$(ls | grep -c "\.tmp\.") temporary files left by killed runs" &&
	test $killed -ge $((ROUNDS / 4))
'

test_expect_success 'a rekey killed between its two renames is finished by the next run' '
	pkit ca rekey --force --out-cert n.crt --out-key n.key leaf.crt leaf.key 2>err &&
	cp leaf.crt old.crt &&
	cp n.key leaf.key && cp n.crt leaf.crt.pkit-new &&
	openssl x509 -in leaf.crt -noout -pubkey >crt.pub &&
	openssl pkey -in leaf.key -pubout >key.pub &&
	! cmp -s crt.pub key.pub &&
	pkit ca renew --force leaf.crt leaf.key 2>err &&
	! test -e leaf.crt.pkit-new &&
	pair_ok &&
	! cmp -s leaf.crt old.crt
'

test_expect_success 'one killed before its renames leaves the old pair, and the stage is dropped' '
	cp leaf.crt old.crt && cp leaf.key old.key &&
	echo partial >leaf.key.pkit-new && echo partial >leaf.crt.pkit-new &&
	pkit ca renew --force leaf.crt leaf.key 2>err &&
	! test -e leaf.key.pkit-new && ! test -e leaf.crt.pkit-new &&
	pair_ok &&
	cmp -s leaf.key old.key
'

test_expect_success 'a certificate valid until 9966: the schedule saturates, no overflow' '
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout long.key -subj /CN=long -days 2900000 -out long.crt 2>/dev/null &&
	test_expect_code 1 pkit certificate needs-renewal --verbose long.crt >out 2>err &&
	grep -q "does not need renewal" out &&
	! grep -q "runtime error" err
'

test_expect_success 'the last pair still renews' '
	pkit ca renew --force leaf.crt leaf.key 2>err &&
	pair_ok &&
	ca_stop
'

test_done
