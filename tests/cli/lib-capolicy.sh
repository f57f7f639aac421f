# lib-capolicy.sh - helpers of the t70xx scripts (policies, templates,
# federation): a CA made with `pkit ca init`, ca.json edits, /sign
# requests for given names.  Source it after lib.sh, lib-ca.sh and
# lib-casign.sh.
#
#   capolicy_setup            ca init, defaults, the provisioner key prov.json
#   set_policy WHERE JSON     authority.policy or the admin provisioner's
#   set_json PYTHON-EXPR      edit ca.json: d is the document
#   sign_names CN SAN...      CSR + token + POST /sign; status printed
#   refused DETAIL            out is a 403 naming DETAIL
#   reload                    SIGHUP the server and wait for "reloaded"

FORBIDDEN='The request was forbidden by the certificate authority: '

# set_json EXPR: run the Python statement EXPR on ca.json as d.
set_json() {
	"$SYS_PYTHON" - "$PKITPATH/config/ca.json" "$1" <<-\EOF
	import json, sys
	path = sys.argv[1]
	d = json.load(open(path))
	exec(sys.argv[2])
	json.dump(d, open(path + ".new", "w"), indent="\t")
	EOF
	mv "$PKITPATH/config/ca.json.new" "$PKITPATH/config/ca.json"
}

reload() {
	: >serve.log &&
	kill -HUP "$CA_PID" &&
	n=0 &&
	while ! grep -q "reloaded" serve.log && test $n -lt 100
	do
		sleep 0.1
		n=$((n + 1))
	done &&
	grep -q "reloaded" serve.log
}

# set_policy WHERE JSON: put JSON at authority.policy (WHERE=authority) or
# at the admin provisioner's "policy" (WHERE=prov); "null" removes it.
set_policy() {
	"$SYS_PYTHON" - "$PKITPATH/config/ca.json" "$1" "$2" <<-\EOF
	import json, sys
	path, where, pol = sys.argv[1:4]
	d = json.load(open(path))
	obj = d["authority"]
	if where == "prov":
	    obj = obj["provisioners"][0]
	pol = json.loads(pol)
	if pol is None:
	    obj.pop("policy", None)
	else:
	    obj["policy"] = pol
	json.dump(d, open(path + ".new", "w"), indent="\t")
	EOF
	mv "$PKITPATH/config/ca.json.new" "$PKITPATH/config/ca.json"
}

# sign_names CN SAN...: a CSR and a token for CN with SANs, POSTed to
# /sign; the status is printed, the body is in out.  $CLAIMS (JSON
# members) and $SIGN_EXTRA (JSON object merged into the request) are
# added when set.
sign_names() {
	n=$1
	shift
	san=
	sans=
	for s in "$@"
	do
		case $s in
		*@*) t=email ;;
		*://*) t=URI ;;
		*[!0-9.]*) t=DNS ;;
		*) t=IP ;;
		esac
		san="${san:+$san,}$t:$s"
		sans="${sans:+$sans, }\"$s\""
	done
	openssl ecparam -name prime256v1 -genkey -noout -out "$n.key" 2>/dev/null &&
	openssl req -new -key "$n.key" -subj "/CN=$n" \
		${san:+-addext "subjectAltName=$san"} -out "$n.csr" 2>/dev/null &&
	printf '{"sans": [%s], "sha": "%s"%s}\n' "$sans" "$FP" \
		"${CLAIMS:+, $CLAIMS}" >claims.json &&
	t=$(pkit crypto jwt sign --key prov.json --iss admin \
		--aud "$CA_URL/1.0/sign" --sub "$n" --exp 5m claims.json) &&
	sign_req "$n.csr" "$t" ${SIGN_EXTRA:+"$SIGN_EXTRA"} &&
	post /sign req.json
}

# refused NAME-DETAIL: out is step's 403 body naming it.
refused() {
	jget out 'd["status"]' >st &&
	test "$(cat st)" = 403 &&
	jget out 'd["message"]' >msg &&
	echo "$FORBIDDEN$1." >want &&
	test_cmp want msg
}

capolicy_setup() {
	test_expect_success 'setup: ca init, the provisioner key' '
	echo "ca keys pw" >pw.txt &&
	pkit ca init --name Test --dns localhost --dns 127.0.0.1 \
		--address "$ADDR" --password-file pw.txt 2>init.log &&
	FP=$(jget "$PKITPATH/config/defaults.json" "d[\"fingerprint\"]") &&
	CA_URL=$(jget "$PKITPATH/config/defaults.json" "d[\"ca-url\"]") &&
	jget "$PKITPATH/config/ca.json" \
		"d[\"authority\"][\"provisioners\"][0][\"encryptedKey\"]" >ek.jwe &&
	pkit crypto jwe decrypt --password-file pw.txt ek.jwe >prov.json &&
	chmod 600 prov.json
'
}
