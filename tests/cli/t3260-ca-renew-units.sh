#!/bin/sh
test_description='the pkit-renew@ systemd units and the cron line of docs/renewal.md: what they run works'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-caops.sh"

UNITS="$PKIT_SRC_DIR/contrib/systemd"

# unit_cmd KEY: the command line of KEY= in the service, for NAME "www",
# with pkit, $CERT and $KEY pointing into the test.
unit_cmd() {
	sed -n "s/^$1=//p" "$UNITS/pkit-renew@.service" |
	sed -e "s|/usr/bin/pkit|$PKIT_BIN|g" -e "s|\${CERT}|$PWD/www.crt|g" \
		-e "s|\${KEY}|$PWD/www.key|g" -e "s|%i|www|g"
}

test_expect_success 'setup: a CA and a certificate of 30 seconds' '
	mkprov admin "admin pw" &&
	echo "admin pw" >pw.txt &&
	signing_ca ca --backdate 0 &&
	pkit ca bootstrap --ca-url "$(url ca)" --fingerprint "$(fingerprint root.crt)" 2>err &&
	pkit ca certificate www www.crt www.key --not-after 30s \
		--provisioner-password-file pw.txt 2>err
'

if test_have systemd-analyze; then
	test_expect_success 'the units are valid (systemd-analyze verify)' '
		mkdir units &&
		for u in pkit-renew@.service pkit-renew@.timer; do
			sed "s|/usr/bin/pkit|$PKIT_BIN|g" "$UNITS/$u" >"units/$u" || return 1
		done &&
		systemd-analyze verify --man=no units/pkit-renew@www.service \
			units/pkit-renew@www.timer >out 2>&1 &&
		test ! -s out
	'
else
	test_skip 'the units are valid (systemd-analyze verify)' 'no systemd-analyze'
fi

test_expect_success 'the service: ExecCondition on needs-renewal, ExecStart renews' '
	grep -qx "ExecCondition=/usr/bin/pkit certificate needs-renewal \${CERT}" \
		"$UNITS/pkit-renew@.service" &&
	grep -qx "ExecStart=/usr/bin/pkit ca renew --force \${CERT} \${KEY}" \
		"$UNITS/pkit-renew@.service" &&
	grep -qx "Type=oneshot" "$UNITS/pkit-renew@.service" &&
	grep -qx "OnCalendar=\*:0/15" "$UNITS/pkit-renew@.timer" &&
	grep -qx "WantedBy=timers.target" "$UNITS/pkit-renew@.timer"
'

test_expect_success 'a fresh certificate: the condition skips the run (exit 1)' '
	cond=$(unit_cmd ExecCondition) &&
	test_expect_code 1 eval "$cond"
'

test_expect_success 'two thirds used: the condition passes, ExecStart renews' '
	sleep 21 &&
	cond=$(unit_cmd ExecCondition) &&
	start=$(unit_cmd ExecStart) &&
	s0=$(serial www.crt) &&
	eval "$cond" &&
	eval "$start" 2>err &&
	test "$(serial www.crt)" != "$s0" &&
	test_expect_code 1 eval "$cond"
'

test_expect_success 'no certificate: the condition skips (exit 2), not a failure' '
	rm -f gone.crt &&
	test_expect_code 2 pkit certificate needs-renewal gone.crt 2>err
'

test_expect_success 'the cron line of docs/renewal.md' '
	sed -n "s/^\*\/15  \*  \*   \*   \*    //p" "$PKIT_SRC_DIR/docs/renewal.md" >cron &&
	test "$(wc -l <cron)" -eq 1 &&
	sed -e "s| pkit | $PKIT_BIN |g" -e "s|PKITPATH=/etc/pkit|PKITPATH=$PKITPATH|g" \
		-e "s|/etc/pkit/certs/www|$PWD/www|g" \
		-e "s|systemctl reload nginx|echo reloaded >reload.log|" cron >cron.sh &&
	grep -q "needs-renewal $PWD/www.crt && " cron.sh &&
	sh cron.sh; st=$? &&
	test $st -eq 1 && test ! -e reload.log &&
	sleep 21 && s0=$(serial www.crt) &&
	sh cron.sh 2>err &&
	test "$(serial www.crt)" != "$s0" &&
	test -s reload.log
'

test_done
