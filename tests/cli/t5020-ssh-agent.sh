#!/bin/sh
test_description='ssh login, logout and list against a real ssh-agent'
. "$(dirname "$0")/lib.sh"

SSHSIGN="$PKIT_BUILD_DIR/tests/helper/sshsign"

if ! test_have ssh-agent || ! test_have ssh-add || ! test_have ssh-keygen; then
	test_skip 'ssh agent verbs' 'openssh-client is not installed'
	test_done
fi

AGENT_PID=
stop_agent() {
	if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null; fi
	AGENT_PID=
}
trap stop_agent EXIT

test_expect_success 'start an ssh-agent and make keys and certificates' '
	ssh-agent -a "$PWD/agent.sock" >agent.env &&
	AGENT_PID=$(sed -n "s/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p" agent.env) &&
	test -n "$AGENT_PID" &&
	SSH_AUTH_SOCK="$PWD/agent.sock" && export SSH_AUTH_SOCK &&
	ssh-keygen -q -t ed25519 -N "" -C ca -f ca &&
	ssh-keygen -q -t ed25519 -N "" -C plain@example.com -f plain &&
	for k in ed25519 ecdsa rsa
	do
		ssh-keygen -q -t $k -N "" -C $k -f id_$k &&
		"$SSHSIGN" -s ca -I "$k@example.com" -n joe -V -60:+3600 \
			id_$k.pub id_$k-cert.pub || return 1
	done
'

test_expect_success 'an empty agent' '
	pkit ssh list >out &&
	echo "The agent has no identities." >want &&
	test_cmp want out
'

test_expect_success 'login adds key and certificate of each type; list agrees with ssh-add' '
	for k in ed25519 ecdsa rsa
	do
		pkit ssh login --key id_$k 2>msg &&
		grep -q "^Added $k@example.com to the ssh-agent until " msg || return 1
	done &&
	pkit ssh list >got &&
	ssh-add -l >want &&
	test_cmp want got &&
	test $(wc -l <got) -eq 3 &&
	grep -q "(RSA-CERT)\$" got &&
	pkit ssh list --raw >got &&
	ssh-add -L >want &&
	test_cmp want got &&
	pkit ssh list ecdsa@example.com >one &&
	test $(wc -l <one) -eq 1 &&
	grep -q "ecdsa@example.com (ECDSA-CERT)" one
'

test_expect_success 'the agent forgets the identity when the certificate expires' '
	ssh-keygen -q -t ed25519 -N "" -f short &&
	"$SSHSIGN" -s ca -I short -n joe -V -60:+2 short.pub short-cert.pub &&
	pkit ssh login --key short --cert short-cert.pub brief &&
	pkit ssh list brief | grep -q brief &&
	sleep 3 &&
	pkit ssh list brief >out &&
	test ! -s out
'

test_expect_success 'logout removes certificates only, --all plain keys too' '
	ssh-add plain 2>/dev/null &&
	pkit ssh logout ecdsa@example.com >out &&
	echo "Identity removed: ecdsa@example.com" >want &&
	test_cmp want out &&
	! pkit ssh list | grep -q ecdsa@example.com &&
	pkit ssh logout nobody@example.com >out &&
	echo "Identity not found: nobody@example.com" >want &&
	test_cmp want out &&
	pkit ssh logout plain@example.com >out &&
	grep -q "Identity not found" out &&
	pkit ssh list | grep -q "plain@example.com (ED25519)" &&
	pkit ssh logout >out &&
	echo "Identity removed." >want &&
	test_cmp want out &&
	pkit ssh list >out &&
	test $(wc -l <out) -eq 1 &&
	grep -q "plain@example.com (ED25519)" out &&
	pkit ssh login --key id_rsa &&
	pkit ssh logout --all plain@example.com >out &&
	echo "All identities removed: plain@example.com" >want &&
	test_cmp want out &&
	pkit ssh list | grep -q rsa@example.com &&
	pkit ssh logout --all >out &&
	echo "All identities removed." >want &&
	test_cmp want out &&
	ssh-add -l >out; test $? -eq 1
'

test_expect_success 'login refuses a certificate for another key, an expired one, a bad one' '
	test_expect_code 1 pkit ssh login --key id_ed25519 --cert id_ecdsa-cert.pub 2>err &&
	test_one_line err &&
	grep -q "is not for the key in id_ed25519" err &&
	"$SSHSIGN" -s ca -I old -n joe -V -7200:-60 id_ed25519.pub old-cert.pub &&
	test_expect_code 1 pkit ssh login --key id_ed25519 --cert old-cert.pub 2>err &&
	test_one_line err &&
	grep -q "expired" err &&
	sed "s/AAAA/AAAB/2" id_ed25519-cert.pub >bad-cert.pub &&
	test_expect_code 1 pkit ssh login --key id_ed25519 --cert bad-cert.pub 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit ssh login --key nosuch 2>err &&
	test_one_line err &&
	chmod 644 id_ecdsa &&
	test_expect_code 1 pkit ssh login --key id_ecdsa 2>err &&
	test_one_line err &&
	pkit ssh login --insecure --key id_ecdsa 2>/dev/null &&
	ssh-add -l >out && test $(wc -l <out) -eq 1
'

test_expect_success 'no agent: one pkit: line and exit 1; usage errors exit 2' '
	(unset SSH_AUTH_SOCK; test_expect_code 1 pkit ssh list 2>err) &&
	test_one_line err &&
	grep -q SSH_AUTH_SOCK err &&
	(SSH_AUTH_SOCK="$PWD/nosuch.sock" && test_expect_code 1 pkit ssh logout 2>err) &&
	test_one_line err &&
	: >notasocket &&
	(SSH_AUTH_SOCK="$PWD/notasocket" &&
	 test_expect_code 1 pkit ssh login --key id_rsa 2>err) &&
	test_one_line err &&
	test_expect_code 2 pkit ssh login 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh list --bogus 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh logout a b 2>err &&
	test_one_line err
'

test_expect_success 'stop the agent' '
	stop_agent &&
	test_expect_code 1 pkit ssh list 2>err &&
	test_one_line err
'

test_done
