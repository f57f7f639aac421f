#!/bin/sh
test_description='ssh config from the CA: /ssh/config renders the templates.ssh of ca.json, pkit ssh config writes them'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"

ROOT=$PKITPATH/certs/root_ca.crt
CAJSON=$PKITPATH/config/ca.json

# api METHOD PATH [BODY]: the CA's answer in out, the status printed.
api() {
	curl -sS -m 20 -o out -w '%{http_code}\n' --cacert "$ROOT" -X "$1" \
		-H 'Content-Type: application/json' --data "${3:-{\}}" \
		"https://localhost:$PORT$2"
}

# content KIND I: the decoded content of template I of the answer in out.
content() {
	"$SYS_PYTHON" -c 'import base64, json, sys
t = json.load(open("out"))[sys.argv[1]][int(sys.argv[2])]
sys.stdout.write(base64.b64decode(t["content"]).decode())' "$1" "$2"
}

# edit EXPR: run the Python statement EXPR on ca.json (bound to d).
edit() {
	"$SYS_PYTHON" -c 'import json, sys
p = sys.argv[1]
d = json.load(open(p))
exec(sys.argv[2])
json.dump(d, open(p, "w"), indent=1)' "$CAJSON" "$1"
}

# wait_log PATTERN: wait (10 s at most) for a line of serve.log.
wait_log() {
	n=0
	while ! grep -q "$1" serve.log; do
		n=$((n + 1))
		test $n -le 200 || return 1
		sleep 0.05
	done
}

if ! test_have ssh-keygen || ! test_have curl; then
	test_skip 'ssh config templates' 'ssh-keygen or curl is missing'
	test_done
fi

test_expect_success 'a CA with SSH keys and no templates.ssh' '
	echo "ca password" >pw.txt &&
	pkit ca init --name SSH --dns localhost --address "$ADDR" \
		--provisioner admin --password-file pw.txt --ssh 2>init.log &&
	ca_start --password-file "$PWD/pw.txt"
'

test_expect_success 'without templates.ssh, pkit ssh config writes what it writes from key files' '
	pkit ssh config 2>err &&
	grep -q "Wrote $PKITPATH/ssh/known_hosts" err &&
	grep -q "Wrote $PKITPATH/ssh/config" err &&
	grep -q "Updated $HOME/.ssh/config" err &&
	mkdir from-ca &&
	mv "$PKITPATH/ssh/known_hosts" from-ca/known_hosts &&
	mv "$PKITPATH/ssh/config" from-ca/config &&
	mv .ssh/config from-ca/user-config &&
	pkit ssh config --host-ca "$PKITPATH/certs/ssh_host_ca_key.pub" 2>err &&
	test_cmp from-ca/known_hosts "$PKITPATH/ssh/known_hosts" &&
	test_cmp from-ca/config "$PKITPATH/ssh/config" &&
	test_cmp from-ca/user-config .ssh/config
'

test_expect_success 'without templates.ssh, --host --dir (relative): the files in it, named absolutely' '
	pkit ssh config --host --dir sshdir --set Key=k --set Certificate=/c/crt 2>err &&
	test_cmp "$PKITPATH/certs/ssh_user_ca_key.pub" sshdir/ca.pub &&
	grep -qx "TrustedUserCAKeys \"$PWD/sshdir/ca.pub\"" sshdir/sshd_config &&
	grep -qx "HostKey \"$PWD/sshdir/k\"" sshdir/sshd_config &&
	grep -qx "HostCertificate \"/c/crt\"" sshdir/sshd_config &&
	test_expect_code 1 pkit ssh config --host --dir sshdir --set "Key=a\"b" 2>err &&
	test_one_line err && grep -q "cannot be written in an ssh configuration file" err
'

test_expect_success 'templates.ssh in ca.json: step default templates, a snippet, a prepend-line, a directory' '
	ca_stop &&
	mkdir -p "$PKITPATH/templates/ssh" &&
	cat >"$PKITPATH/templates/ssh/known_hosts.tpl" <<-\EOF &&
	@cert-authority * {{.Step.SSH.HostKey.Type}} {{.Step.SSH.HostKey.Marshal | toString | b64enc}}
	{{- range .Step.SSH.HostFederatedKeys}}
	@cert-authority * {{.Type}} {{.Marshal | toString | b64enc}}
	{{- end }}
	EOF
	cat >"$PKITPATH/templates/ssh/ca.tpl" <<-\EOF &&
	{{.Step.SSH.UserKey.Type}} {{.Step.SSH.UserKey.Marshal | toString | b64enc}}
	{{- range .Step.SSH.UserFederatedKeys}}
	{{.Type}} {{.Marshal | toString | b64enc}}
	{{- end }}
	EOF
	cat >"$PKITPATH/templates/ssh/team.tpl" <<-\EOF &&
	# team {{ .User.Team | default "none" }} via {{ .Bastion }}
	Host *.{{ .User.Team | default "none" }}.example.com
	{{"\t"}}ProxyJump {{ .Bastion }}
	{{"\t"}}UserKnownHostsFile "{{ .User.StepPath }}/ssh/known_hosts"
	EOF
	printf "%s" "Include \"{{.User.StepPath}}/ssh/config\"" \
		>"$PKITPATH/templates/ssh/step_includes.tpl" &&
	printf "Match all\n\tTrustedUserCAKeys /etc/ssh/ca.pub\n\tHostCertificate /etc/ssh/{{.User.Certificate}}\n\tHostKey /etc/ssh/{{.User.Key}}" \
		>"$PKITPATH/templates/ssh/sshd_config.tpl" &&
	edit "d[\"templates\"] = {\"ssh\": {
 \"user\": [
  {\"name\": \"known_hosts.tpl\", \"type\": \"file\", \"template\": \"templates/ssh/known_hosts.tpl\", \"path\": \"ssh/known_hosts\", \"comment\": \"#\"},
  {\"name\": \"team.tpl\", \"type\": \"snippet\", \"template\": \"templates/ssh/team.tpl\", \"path\": \"~/.ssh/config\"},
  {\"name\": \"step_includes.tpl\", \"type\": \"prepend-line\", \"template\": \"templates/ssh/step_includes.tpl\", \"path\": \"\${STEPPATH}/ssh/includes\", \"comment\": \"#\"},
  {\"name\": \"keys\", \"type\": \"directory\", \"path\": \"ssh/keys.d\"}],
 \"host\": [
  {\"name\": \"sshd_config.tpl\", \"type\": \"snippet\", \"template\": \"templates/ssh/sshd_config.tpl\", \"path\": \"/etc/ssh/sshd_config\", \"comment\": \"#\", \"requires\": [\"Certificate\", \"Key\"]},
  {\"name\": \"ca.tpl\", \"type\": \"file\", \"template\": \"templates/ssh/ca.tpl\", \"path\": \"/etc/ssh/ca.pub\", \"comment\": \"#\"}]},
 \"data\": {\"Bastion\": \"bastion.example.com\"}}" &&
	ca_start --password-file "$PWD/pw.txt"
'

test_expect_success '/ssh/config renders them: .Step keys, .User data, templates.data' '
	test "$(api POST /ssh/config "{\"type\":\"user\",\"data\":{\"StepPath\":\"/s\",\"Team\":\"ops\",\"StepSSHTemplateVersion\":\"v2\"}}")" = 200 &&
	jget out "[(t[\"name\"], t[\"type\"], t[\"path\"], t[\"comment\"]) for t in d[\"userTemplates\"]]" >got &&
	cat >want <<-\EOF &&
	[('"'"'known_hosts.tpl'"'"', '"'"'file'"'"', '"'"'ssh/known_hosts'"'"', '"'"'#'"'"'), ('"'"'team.tpl'"'"', '"'"'snippet'"'"', '"'"'~/.ssh/config'"'"', '"'"'#'"'"'), ('"'"'step_includes.tpl'"'"', '"'"'prepend-line'"'"', '"'"'${STEPPATH}/ssh/includes'"'"', '"'"'#'"'"'), ('"'"'keys'"'"', '"'"'directory'"'"', '"'"'ssh/keys.d'"'"', '"'"''"'"')]
	EOF
	test_cmp want got &&
	content userTemplates 0 >kh &&
	echo "@cert-authority * $(cat "$PKITPATH/certs/ssh_host_ca_key.pub")" >want &&
	test_cmp want kh &&
	content userTemplates 1 >team &&
	printf "# team ops via bastion.example.com\nHost *.ops.example.com\n\tProxyJump bastion.example.com\n\tUserKnownHostsFile \"/s/ssh/known_hosts\"\n" >want &&
	test_cmp want team &&
	content userTemplates 2 >inc &&
	printf "Include \"/s/ssh/config\"" >want && test_cmp want inc &&
	jget out "d[\"userTemplates\"][3][\"content\"]" >got &&
	echo None >want && test_cmp want got
'

test_expect_success '/ssh/config without data: no .User, and step_includes.tpl as a file for old clients' '
	test "$(api POST /ssh/config)" = 200 &&
	content userTemplates 1 >team &&
	grep -q "^# team none via bastion.example.com" team &&
	grep -q "UserKnownHostsFile \"<no value>/ssh/known_hosts\"" team &&
	jget out "(d[\"userTemplates\"][2][\"type\"], d[\"userTemplates\"][2][\"path\"])" >got &&
	echo "('"'"'file'"'"', '"'"'ssh/includes'"'"')" >want && test_cmp want got
'

test_expect_success '/ssh/config/host: requires is checked (400, step text), then rendered' '
	test "$(api POST /ssh/config/host "{\"data\":{\"Key\":\"k\"}}")" = 400 &&
	grep -q "required variable '"'"'Certificate'"'"' is missing, please use \`--set <key=value>\` flag" out &&
	test "$(api POST /ssh/config/host "{\"data\":{\"Key\":\"k\",\"Certificate\":\"c\"}}")" = 200 &&
	content hostTemplates 0 >sshd &&
	printf "Match all\n\tTrustedUserCAKeys /etc/ssh/ca.pub\n\tHostCertificate /etc/ssh/c\n\tHostKey /etc/ssh/k" >want &&
	test_cmp want sshd &&
	content hostTemplates 1 >ca &&
	test_cmp "$PKITPATH/certs/ssh_user_ca_key.pub" ca
'

test_expect_success 'hostile /ssh/config bodies: 400, the CA keeps serving' '
	test "$(api POST /ssh/config "{\"data\":{\"Team\":1}}")" = 400 &&
	test "$(api POST /ssh/config "{\"data\":\"x\"}")" = 400 &&
	test "$(api POST /ssh/config "{\"type\":\"both\"}")" = 400 &&
	test "$(api POST /ssh/config "[1]")" = 400 &&
	test "$(api POST /ssh/config "{\"data\":{\"StepPath\":\"$(printf "%0300000d" 0)\"}}")" != 200 &&
	test "$(api POST /ssh/config)" = 200
'

test_expect_success 'pkit ssh config writes the templates: file, block, first line, directory' '
	rm -rf "$PKITPATH/ssh" .ssh &&
	mkdir -p .ssh "$PKITPATH/ssh" &&
	printf "Host old\n\tUser olduser\n" >.ssh/config &&
	printf "Include other\nInclude \"%s/ssh/config\"\nInclude more\n" "$PKITPATH" >"$PKITPATH/ssh/includes" &&
	pkit ssh config --set Team=ops 2>err &&
	echo "@cert-authority * $(cat "$PKITPATH/certs/ssh_host_ca_key.pub")" >want &&
	test_cmp want "$PKITPATH/ssh/known_hosts" &&
	test_mode "$PKITPATH/ssh/known_hosts" 600 &&
	{
		echo "# BEGIN pkit ssh config" &&
		echo "# team ops via bastion.example.com" &&
		echo "Host *.ops.example.com" &&
		printf "\tProxyJump bastion.example.com\n" &&
		printf "\tUserKnownHostsFile \"%s/ssh/known_hosts\"\n" "$PKITPATH" &&
		echo "# END pkit ssh config" &&
		echo &&
		printf "Host old\n\tUser olduser\n"
	} >want &&
	test_cmp want .ssh/config &&
	printf "Include \"%s/ssh/config\"\nInclude other\nInclude more\n" "$PKITPATH" >want &&
	test_cmp want "$PKITPATH/ssh/includes" &&
	test -d "$PKITPATH/ssh/keys.d" && test_mode "$PKITPATH/ssh/keys.d" 700 &&
	grep -q "Wrote $PKITPATH/ssh/known_hosts" err &&
	grep -q "Updated $HOME/.ssh/config" err &&
	grep -q "Updated $PKITPATH/ssh/includes" err &&
	grep -q "Made $PKITPATH/ssh/keys.d" err &&
	ssh -F .ssh/config -G a.ops.example.com </dev/null >g 2>/dev/null &&
	grep -qi "^proxyjump bastion.example.com" g
'

test_expect_success 'a second run: refused before any write without --force, the same with it' '
	cp .ssh/config config.before &&
	cp "$PKITPATH/ssh/includes" includes.before &&
	test_expect_code 1 pkit ssh config --set Team=dev 2>err &&
	test_one_line err && grep -q "known_hosts" err &&
	test_cmp config.before .ssh/config &&
	test_cmp includes.before "$PKITPATH/ssh/includes" &&
	pkit ssh config --force --set Team=ops 2>err &&
	test_cmp config.before .ssh/config &&
	test_cmp includes.before "$PKITPATH/ssh/includes"
'

test_expect_success 'ssh config --dry-run prints and writes nothing' '
	rm -rf "$PKITPATH/ssh" &&
	pkit ssh config --dry-run --set Team=ops >dry &&
	test ! -e "$PKITPATH/ssh" &&
	grep -qx "# $PKITPATH/ssh/known_hosts" dry &&
	grep -qx "# $HOME/.ssh/config (block)" dry &&
	grep -qx "# $PKITPATH/ssh/includes (first line)" dry &&
	grep -qx "Include \"$PKITPATH/ssh/config\"" dry &&
	grep -qx "# $PKITPATH/ssh/keys.d (directory)" dry &&
	grep -qx "@cert-authority \* $(cat "$PKITPATH/certs/ssh_host_ca_key.pub")" dry
'

test_expect_success 'ssh config --host: the requires of the CA, and nothing outside --dir' '
	test_expect_code 1 pkit ssh config --host --dir "$PWD/etc" 2>err &&
	test_one_line err &&
	grep -q "required variable '"'"'Certificate'"'"' is missing" err &&
	test_expect_code 1 pkit ssh config --host --dir "$PWD/etc" \
		--set Key=k --set Certificate=c 2>err &&
	test_one_line err && grep -q "writes /etc/ssh/sshd_config, which is not in --dir" err &&
	test ! -e etc &&
	pkit ssh config --host --dry-run --set Key=k --set Certificate=c >dry &&
	grep -qx "# /etc/ssh/sshd_config (block)" dry &&
	grep -qx "	HostKey /etc/ssh/k" dry
'

test_expect_success 'ssh config usage errors: one line, exit 2' '
	test_expect_code 2 pkit ssh config --set Team 2>err && test_one_line err &&
	test_expect_code 2 pkit ssh config --set =x 2>err && test_one_line err &&
	test_expect_code 2 pkit ssh config --dir etc 2>err && test_one_line err
'

test_expect_success 'a federated host key: the range over .Step.SSH.HostFederatedKeys' '
	ca_stop &&
	pkit crypto jwk create fed.pub fed.priv --kty OKP --crv Ed25519 \
		--no-password --insecure 2>/dev/null &&
	edit "d[\"ssh\"][\"keys\"] = [{\"type\": \"host\", \"federated\": True, \"key\": json.load(open(\"fed.pub\"))}]" &&
	ca_start --password-file "$PWD/pw.txt" &&
	test "$(api POST /ssh/config)" = 200 &&
	content userTemplates 0 >kh &&
	test "$(wc -l <kh)" = 2 &&
	head -n 1 kh >first &&
	echo "@cert-authority * $(cat "$PKITPATH/certs/ssh_host_ca_key.pub")" >want &&
	test_cmp want first &&
	grep -q "^@cert-authority \* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5" kh
'

test_expect_success 'SIGHUP reloads the templates; a broken one keeps those in use' '
	printf "# reloaded {{ .User.Team }}\n" >"$PKITPATH/templates/ssh/team.tpl" &&
	kill -HUP "$CA_PID" &&
	wait_log "reloaded .*ca.json" &&
	test "$(api POST /ssh/config "{\"data\":{\"Team\":\"x\"}}")" = 200 &&
	content userTemplates 1 >team &&
	echo "# reloaded x" >want && test_cmp want team &&
	printf "{{ if }}" >"$PKITPATH/templates/ssh/team.tpl" &&
	kill -HUP "$CA_PID" &&
	wait_log "keeping the configuration in use" &&
	grep -q "templates.ssh.user\[1\]: team.tpl:1:" serve.log &&
	test "$(api POST /ssh/config "{\"data\":{\"Team\":\"x\"}}")" = 200 &&
	content userTemplates 1 >team && test_cmp want team
'

test_expect_success 'a template that fails when run: 500, the CA keeps serving' '
	printf "{{ fail \"no team\" }}" >"$PKITPATH/templates/ssh/team.tpl" &&
	ca_stop && ca_start --password-file "$PWD/pw.txt" &&
	test "$(api POST /ssh/config)" = 500 &&
	grep -q "no team" serve.log &&
	test "$(api POST /ssh/config/host "{\"data\":{\"Key\":\"k\",\"Certificate\":\"c\"}}")" = 200 &&
	test_expect_code 1 pkit ssh config 2>err && test_one_line err
'

# serve_fails MESSAGE: ca serve refuses ca.json at start, one line naming it.
serve_fails() {
	test_expect_code 1 "$PKIT_BIN" ca serve --password-file "$PWD/pw.txt" \
		>/dev/null 2>serr &&
	test_one_line serr &&
	grep -q "$1" serr
}

test_expect_success 'bad templates in ca.json: ca serve says which and does not start' '
	ca_stop &&
	cp "$CAJSON" good.json &&
	printf "{{ nosuch }}" >"$PKITPATH/templates/ssh/team.tpl" &&
	serve_fails "templates.ssh.user\[1\]: team.tpl:1: function \"nosuch\" not defined" &&
	printf "x" >"$PKITPATH/templates/ssh/team.tpl" &&
	edit "d[\"templates\"][\"ssh\"][\"user\"][0][\"template\"] = \"templates/ssh/nosuch.tpl\"" &&
	serve_fails "templates.ssh.user\[0\]: .*nosuch.tpl" &&
	cp good.json "$CAJSON" &&
	edit "d[\"templates\"][\"ssh\"][\"host\"][1][\"type\"] = \"symlink\"" &&
	serve_fails "templates.ssh.host\[1\]: invalid template type symlink" &&
	cp good.json "$CAJSON" &&
	edit "d[\"templates\"][\"ssh\"][\"user\"][3][\"template\"] = \"templates/ssh/ca.tpl\"" &&
	serve_fails "template must be empty with directory type" &&
	cp good.json "$CAJSON" &&
	edit "d[\"templates\"][\"ssh\"][\"user\"][0][\"path\"] = \"\"" &&
	serve_fails "template path cannot be empty" &&
	cp good.json "$CAJSON" &&
	edit "d[\"templates\"][\"data\"][\"Step\"] = 1" &&
	serve_fails "templates.data cannot have" &&
	cp good.json "$CAJSON" &&
	edit "d[\"templates\"][\"ssh\"][\"user\"] = {}" &&
	serve_fails "templates.ssh.user is not a list" &&
	cp good.json "$CAJSON" &&
	ca_start --password-file "$PWD/pw.txt"
'

test_done
