#!/bin/sh
test_description='proof: a real sshd and ssh accept the certificates of pkit ca serve, configured by pkit ssh config from the CA'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

SSHD=/usr/sbin/sshd

if ! test -x "$SSHD" || ! test_have ssh || ! test_have ssh-keygen ||
	! test_have ssh-agent || ! test_have ssh-add; then
	test_skip 'sshd login with CA certificates' 'openssh-server or -client is not installed'
	test_done
fi
if [ "$(id -u)" -ne 0 ]; then
	test_skip 'sshd login with CA certificates' 'sshd must run as root'
	test_done
fi

SSH_PORT=$(free_port)
SSHD_PID=
AGENT_PID=

stop_all() {
	if [ -n "$SSHD_PID" ]; then kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null; fi
	if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null; fi
	SSHD_PID= AGENT_PID=
	ca_cleanup
}
trap stop_all EXIT

# start_sshd: sshd in the background (its log appended to sshd.log),
# until it accepts connections.
start_sshd() {
	"$SSHD" -D -e -f "$PWD/etc/sshd_config" >/dev/null 2>>sshd.log &
	SSHD_PID=$!
	for i in $(seq 1 100)
	do
		"$SYS_PYTHON" -c "import socket; socket.create_connection((\"127.0.0.1\", $SSH_PORT), 1)" 2>/dev/null && break
		sleep 0.1
	done
	kill -0 "$SSHD_PID"
}

# try_ssh KNOWN_HOSTS ARGS...: ssh as root to the test sshd, checking the
# host by the known_hosts pkit wrote and nothing else.
try_ssh() {
	kh=$1
	shift
	ssh -F /dev/null -p "$SSH_PORT" -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$kh" -o GlobalKnownHostsFile=/dev/null \
		-o ConnectTimeout=10 -o LogLevel=ERROR "$@" root@127.0.0.1 \
		echo logged-in-as-\$\(id -un\)
}

test_expect_success 'a CA with SSH keys: ca init --ssh, ca serve' '
	echo "ca password" >pw.txt &&
	pkit ca init --name SSHD --dns localhost --address "$ADDR" \
		--provisioner admin --password-file pw.txt --ssh 2>init.log &&
	ca_start --password-file "$PWD/pw.txt"
'

test_expect_success 'the host certificate: pkit ssh certificate --host --sign' '
	ssh-keygen -q -t ed25519 -N "" -C host -f hostkey &&
	pkit ssh certificate --host --sign --principal 127.0.0.1 \
		--principal localhost test-host hostkey.pub --provisioner admin \
		--provisioner-password-file pw.txt 2>err &&
	ssh-keygen -L -f hostkey-cert.pub | grep -q "host certificate"
'

test_expect_success 'sshd config: TrustedUserCAKeys from the CA /ssh/roots' '
	pkit ssh config --host --dir "$PWD/etc" \
		--set Key="$PWD/hostkey" --set Certificate="$PWD/hostkey-cert.pub" &&
	test_cmp "$PKITPATH/certs/ssh_user_ca_key.pub" etc/ca.pub &&
	grep -qx "TrustedUserCAKeys \"$PWD/etc/ca.pub\"" etc/sshd_config &&
	grep -qx "HostCertificate \"$PWD/hostkey-cert.pub\"" etc/sshd_config &&
	cat >>etc/sshd_config <<-EOF &&
	Port $SSH_PORT
	ListenAddress 127.0.0.1
	PidFile $PWD/sshd.pid
	StrictModes no
	UsePAM no
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	AuthorizedKeysFile none
	LogLevel VERBOSE
	EOF
	mkdir -p /run/sshd &&
	"$SSHD" -t -f etc/sshd_config
'

test_expect_success 'start sshd on a free loopback port' '
	: >sshd.log &&
	start_sshd
'

test_expect_success 'client config: @cert-authority known_hosts from the CA' '
	pkit ssh config 2>err &&
	known="$PKITPATH/ssh/known_hosts" &&
	echo "@cert-authority * $(cat "$PKITPATH/certs/ssh_host_ca_key.pub")" >want &&
	test_cmp want "$known"
'

test_expect_success 'ssh logs in with the user certificate of pkit ssh certificate' '
	pkit ssh certificate joe@example.com id_joe --principal root \
		--provisioner admin --provisioner-password-file pw.txt \
		--no-password --insecure 2>err &&
	s=$(ssh-keygen -L -f id_joe-cert.pub | awk "\$1 == \"Serial:\" {print \$2}") &&
	try_ssh "$known" -i id_joe -o IdentitiesOnly=yes >out &&
	grep -qx logged-in-as-root out &&
	grep -q "Accepted publickey for root .* ECDSA-CERT SHA256:.* ID joe@example.com (serial $s) CA ECDSA" sshd.log
'

test_expect_success 'the default principals of root@example.com include root' '
	pkit ssh certificate root@example.com id_root --provisioner admin \
		--provisioner-password-file pw.txt --no-password --insecure 2>err &&
	try_ssh "$known" -i id_root -o IdentitiesOnly=yes >out &&
	grep -qx logged-in-as-root out
'

test_expect_success 'an encrypted key from pkit ssh certificate works through the agent' '
	echo "key password" >kpw.txt &&
	pkit ssh certificate enc@example.com id_enc --principal root \
		--provisioner admin --provisioner-password-file pw.txt \
		--password-file kpw.txt 2>err &&
	grep -q ENCRYPTED id_enc &&
	ssh-agent -a "$PWD/agent.sock" >agent.env &&
	AGENT_PID=$(sed -n "s/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p" agent.env) &&
	test -n "$AGENT_PID" &&
	SSH_AUTH_SOCK="$PWD/agent.sock" pkit ssh login --key id_enc \
		--password-file kpw.txt 2>err &&
	try_ssh "$known" -o IdentityAgent="$PWD/agent.sock" -o IdentityFile=none >out &&
	grep -qx logged-in-as-root out &&
	SSH_AUTH_SOCK="$PWD/agent.sock" pkit ssh logout enc@example.com >/dev/null
'

test_expect_success 'ssh logs in with the certificate pkit ssh login got from the CA' '
	SSH_AUTH_SOCK="$PWD/agent.sock" pkit ssh login ann@example.com \
		--principal root --provisioner admin \
		--provisioner-password-file pw.txt 2>err &&
	grep -q "Added ann@example.com to the ssh-agent until" err &&
	try_ssh "$known" -o IdentityAgent="$PWD/agent.sock" -o IdentityFile=none >out &&
	grep -qx logged-in-as-root out &&
	grep -q "Accepted publickey for root .* ID ann@example.com" sshd.log
'

test_expect_success 'ssh proxycommand: a certificate for root into an empty agent, then the relay' '
	SSH_AUTH_SOCK="$PWD/agent.sock" ssh-add -D 2>/dev/null &&
	SSH_AUTH_SOCK="$PWD/agent.sock" ssh -F /dev/null -p "$SSH_PORT" \
		-o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$known" -o GlobalKnownHostsFile=/dev/null \
		-o IdentityAgent="$PWD/agent.sock" -o IdentityFile=none \
		-o ProxyCommand="$PKIT_BIN ssh proxycommand %r %h %p --provisioner admin --provisioner-password-file $PWD/pw.txt" \
		-o LogLevel=ERROR root@127.0.0.1 echo logged-in-as-\$\(id -un\) >out 2>err &&
	grep -qx logged-in-as-root out &&
	SSH_AUTH_SOCK="$PWD/agent.sock" ssh-add -L | grep -q "cert-v01@openssh.com .* root$" &&
	SSH_AUTH_SOCK="$PWD/agent.sock" pkit ssh proxycommand root 127.0.0.1 \
		"$SSH_PORT" </dev/null >banner &&
	grep -q "^SSH-2.0-OpenSSH" banner
'

test_expect_success 'refused: a certificate without the root principal' '
	pkit ssh certificate bob@example.com id_bob --provisioner admin \
		--provisioner-password-file pw.txt --no-password --insecure 2>err &&
	test_expect_code 255 try_ssh "$known" -i id_bob -o IdentitiesOnly=yes >out 2>err &&
	grep -q "Permission denied (publickey)" err &&
	grep -q "name is not a listed principal" sshd.log
'

test_expect_success 'refused: the host, once its certificate is from another CA' '
	ssh-keygen -q -t ed25519 -N "" -f otherca &&
	echo "@cert-authority * $(cat otherca.pub)" >wrong_known &&
	test_expect_code 255 try_ssh wrong_known -i id_joe -o IdentitiesOnly=yes >out 2>err &&
	grep -q "Host key verification failed" err
'

test_expect_success 'the renewed host certificate is accepted after an sshd restart' '
	pkit ssh renew hostkey-cert.pub hostkey 2>err &&
	kill "$SSHD_PID" &&
	{ wait "$SSHD_PID"; SSHD_PID=; } &&
	start_sshd &&
	try_ssh "$known" -i id_joe -o IdentitiesOnly=yes >out &&
	grep -qx logged-in-as-root out
'

test_expect_success 'stop sshd, the agent and the CA' '
	kill "$SSHD_PID" &&
	{ wait "$SSHD_PID"; SSHD_PID=; } &&
	kill "$AGENT_PID" && AGENT_PID= &&
	ca_stop
'

test_done
