#!/bin/sh
test_description='ssh config: known_hosts, ssh_config and sshd_config for a CA'
. "$(dirname "$0")/lib.sh"

if ! test_have ssh-keygen; then
	test_skip 'ssh config' 'ssh-keygen is not installed'
	test_done
fi

test_expect_success 'set up CA keys' '
	ssh-keygen -q -t ed25519 -N "" -C user-ca -f user_ca &&
	ssh-keygen -q -t ecdsa -N "" -C host-ca -f host_ca &&
	ssh-keygen -q -t rsa -b 2048 -N "" -C host-ca2 -f host_ca2 &&
	awk "{print \$1, \$2}" user_ca.pub >user.line &&
	awk "{print \$1, \$2}" host_ca.pub >host.line &&
	awk "{print \$1, \$2}" host_ca2.pub >host2.line
'

test_expect_success '--roots prints user CA keys, with --host the host CA keys' '
	pkit ssh config --roots --user-ca user_ca.pub --host-ca host_ca.pub >out &&
	test_cmp user.line out &&
	pkit ssh config --roots --host --user-ca user_ca.pub --host-ca host_ca.pub \
		--host-ca host_ca2.pub >out &&
	cat host.line host2.line >want &&
	test_cmp want out &&
	pkit ssh config --roots --user-ca user_ca >out &&
	test_cmp user.line out
'

test_expect_success 'client config: known_hosts, the include file and ~/.ssh/config' '
	printf "Host old\n\tUser olduser\n" >.ssh_config_before &&
	mkdir -p .ssh && cp .ssh_config_before .ssh/config &&
	pkit ssh config --host-ca host_ca.pub --host-ca host_ca2.pub 2>msg &&
	sed "s/^/@cert-authority * /" host.line host2.line >want &&
	test_cmp want "$PKITPATH/ssh/known_hosts" &&
	printf "Host *\n\tUserKnownHostsFile \"%s\" ~/.ssh/known_hosts\n" \
		"$PKITPATH/ssh/known_hosts" >want &&
	test_cmp want "$PKITPATH/ssh/config" &&
	{
		echo "# BEGIN pkit ssh config" &&
		echo "Host *" &&
		printf "\tInclude \"%s\"\n" "$PKITPATH/ssh/config" &&
		echo "# END pkit ssh config" &&
		echo &&
		cat .ssh_config_before
	} >want &&
	test_cmp want .ssh/config &&
	grep -q "Updated $HOME/.ssh/config" msg &&
	ssh -F .ssh/config -G example.com </dev/null >g 2>/dev/null &&
	grep -q "^userknownhostsfile $PKITPATH/ssh/known_hosts " g &&
	ssh -F .ssh/config -G old </dev/null 2>/dev/null | grep -qx "user olduser"
'

test_expect_success 'a second run needs --force for its own files and keeps one block' '
	test_expect_code 1 pkit ssh config --host-ca host_ca.pub 2>err &&
	test_one_line err &&
	grep -q -- --force err &&
	pkit ssh config --force --host-ca host_ca.pub 2>/dev/null &&
	sed "s/^/@cert-authority * /" host.line >want &&
	test_cmp want "$PKITPATH/ssh/known_hosts" &&
	test $(grep -c "BEGIN pkit ssh config" .ssh/config) -eq 1 &&
	grep -q "User olduser" .ssh/config
'

test_expect_success '--dry-run writes nothing' '
	rm -rf "$PKITPATH" .ssh &&
	pkit ssh config --dry-run --host-ca host_ca.pub >out &&
	test ! -e "$PKITPATH/ssh" && test ! -e .ssh &&
	grep -q "^# $PKITPATH/ssh/known_hosts\$" out &&
	grep -q "^@cert-authority \* ecdsa-sha2-nistp256 " out &&
	grep -q "Include" out
'

test_expect_success 'host config: ca.pub and the sshd_config block' '
	mkdir etc &&
	printf "Port 22\nMatch User x\n\tX11Forwarding no\n" >etc/sshd_config &&
	pkit ssh config --host --user-ca user_ca.pub --dir "$PWD/etc" 2>/dev/null &&
	test_cmp user.line etc/ca.pub &&
	{
		echo "# BEGIN pkit ssh config" &&
		echo "TrustedUserCAKeys \"$PWD/etc/ca.pub\"" &&
		echo "HostKey \"$PWD/etc/ssh_host_ecdsa_key\"" &&
		echo "HostCertificate \"$PWD/etc/ssh_host_ecdsa_key-cert.pub\"" &&
		echo "# END pkit ssh config" &&
		echo &&
		printf "Port 22\nMatch User x\n\tX11Forwarding no\n"
	} >want &&
	test_cmp want etc/sshd_config &&
	pkit ssh config --host --force --user-ca user_ca.pub --dir "$PWD/etc" \
		--set Key=k --set Certificate=/abs/k-cert.pub 2>/dev/null &&
	grep -qx "HostKey \"$PWD/etc/k\"" etc/sshd_config &&
	grep -qx "HostCertificate \"/abs/k-cert.pub\"" etc/sshd_config &&
	test $(grep -c "^TrustedUserCAKeys" etc/sshd_config) -eq 1
'

test_expect_success 'a file with a BEGIN line and no END line is not touched' '
	printf "# BEGIN pkit ssh config\nPort 1\n" >etc2.conf &&
	mkdir etc2 && cp etc2.conf etc2/sshd_config &&
	test_expect_code 1 pkit ssh config --host --user-ca user_ca.pub --dir "$PWD/etc2" 2>err &&
	test_one_line err &&
	grep -q "etc2/sshd_config" err &&
	test_cmp etc2.conf etc2/sshd_config
'

test_expect_success 'errors: usage (exit 2), missing and bad key files (exit 1)' '
	test_expect_code 2 pkit ssh config 2>err && test_one_line err &&
	test_expect_code 2 pkit ssh config --host --host-ca host_ca.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh config --set Key=x --host-ca host_ca.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh config --host --set Foo=x --user-ca user_ca.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh config --dir x --host-ca host_ca.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh config --roots --dry-run --user-ca user_ca.pub 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit ssh config extra 2>err && test_one_line err &&
	rm -rf "$PKITPATH" &&
	test_expect_code 1 pkit ssh config --host-ca nosuch.pub 2>err &&
	test_one_line err &&
	echo "not a key" >bad.pub &&
	test_expect_code 1 pkit ssh config --host-ca bad.pub 2>err &&
	test_one_line err &&
	test ! -e "$PKITPATH/ssh/known_hosts"
'

test_done
