#!/bin/sh
test_description='pkit ca serve: issuance policies (authority.policy and a provisioner'"'"'s policy)

/sign refuses a request with any name outside policy with a 403 naming
it, in step-ca'"'"'s words; deny wins; renew and rekey go through the
authority'"'"'s policy; a policy that does not parse stops the start.'
. "$(dirname "$0")/lib.sh"
. "$TEST_SRC_DIR/lib-ca.sh"
. "$TEST_SRC_DIR/lib-casign.sh"
. "$TEST_SRC_DIR/lib-capolicy.sh"

capolicy_setup

test_expect_success 'setup: an authority policy and a provisioner policy' '
	set_policy authority "{\"x509\": {\"allow\": {\"dns\": [\"*.localhost\"],
		\"ip\": [\"127.0.0.0/8\"], \"email\": [\"@example.com\"]},
		\"deny\": {\"dns\": [\"bad.localhost\"], \"ip\": [\"127.0.0.66\"]}}}" &&
	set_policy prov "{\"x509\": {\"deny\": {\"dns\": [\"secret.localhost\"],
		\"cn\": [\"root.localhost\"]}}}" &&
	ca_start --password-file pw.txt
'

test_expect_success 'names inside the policy are signed' '
	test "$(sign_names api.localhost api.localhost 127.0.0.1)" = 201 &&
	crt_of out api.crt &&
	verify_chain api.crt &&
	test "$(sign_names web.localhost web.localhost ops@example.com)" = 201
'

test_expect_success 'a denied DNS name is a 403 naming it (deny wins over *.localhost)' '
	test "$(sign_names bad.localhost bad.localhost)" = 403 &&
	refused "dns name \"bad.localhost\" not allowed"
'

test_expect_success 'one name outside among good ones refuses the request' '
	test "$(sign_names ok.localhost ok.localhost 127.0.0.1 10.0.0.1)" = 403 &&
	refused "ip name \"10.0.0.1\" not allowed" &&
	test "$(sign_names x.localhost x.localhost 127.0.0.66)" = 403 &&
	refused "ip name \"127.0.0.66\" not allowed" &&
	test "$(sign_names y.localhost y.localhost jane@example.org)" = 403 &&
	refused "email name \"jane@example.org\" not allowed"
'

test_expect_success 'a name the allow list does not cover, or a type it has no rule for' '
	test "$(sign_names a.b.localhost a.b.localhost)" = 403 &&
	refused "dns name \"a.b.localhost\" not allowed" &&
	test "$(sign_names u.localhost u.localhost https://u.localhost/)" = 403 &&
	refused "uri name \"https://u.localhost/\" not allowed"
'

test_expect_success 'a literal wildcard needs allowWildcardNames' '
	test "$(sign_names w.localhost "*.localhost")" = 403 &&
	refused "dns name \"*.localhost\" not allowed"
'

test_expect_success 'the provisioner policy applies too (DNS and common name)' '
	test "$(sign_names secret.localhost secret.localhost)" = 403 &&
	refused "dns name \"secret.localhost\" not allowed" &&
	test "$(sign_names root.localhost root.localhost)" = 403 &&
	refused "cn name \"root.localhost\" not allowed"
'

test_expect_success 'refusals are logged with the name, and the server keeps serving' '
	grep -q "bad.localhost" serve.log &&
	test "$(health)" = 200
'

# A deny-only policy refuses literal wildcards too (step-ca would let
# "*.localhost" through a deny of secret.localhost): each level must say
# allowWildcardNames.
test_expect_success 'allowWildcardNames admits *.localhost after a reload (SIGHUP), at both levels' '
	set_policy authority "{\"x509\": {\"allow\": {\"dns\": [\"*.localhost\"],
		\"ip\": [\"127.0.0.0/8\"]}, \"allowWildcardNames\": true}}" &&
	reload &&
	test "$(sign_names w.localhost "*.localhost")" = 403 &&
	refused "dns name \"*.localhost\" not allowed" &&
	set_policy prov "{\"x509\": {\"deny\": {\"dns\": [\"secret.localhost\"]},
		\"allowWildcardNames\": true}}" &&
	reload &&
	test "$(sign_names w.localhost "*.localhost")" = 201
'

test_expect_success 'renew and rekey go through the authority policy' '
	test "$(post /renew /dev/null --cert api.crt --key api.localhost.key)" = 201 &&
	crt_of out renewed.crt &&
	set_policy authority "{\"x509\": {\"deny\": {\"dns\": [\"api.localhost\"]}}}" &&
	reload &&
	test "$(post /renew /dev/null --cert renewed.crt --key api.localhost.key)" = 403 &&
	refused "dns name \"api.localhost\" not allowed" &&
	openssl ecparam -name prime256v1 -genkey -noout -out rk.key &&
	openssl req -new -key rk.key -subj "/CN=api.localhost" -out rk.csr &&
	"$SYS_PYTHON" -c "import json; json.dump({\"csr\": open(\"rk.csr\").read()}, open(\"rk.json\", \"w\"))" &&
	test "$(post /rekey rk.json --cert renewed.crt --key api.localhost.key)" = 403 &&
	refused "dns name \"api.localhost\" not allowed"
'

test_expect_success 'without a policy everything is signed again' '
	set_policy authority null &&
	set_policy prov null &&
	ca_stop &&
	ca_start --password-file pw.txt &&
	test "$(sign_names bad.localhost bad.localhost 10.0.0.1)" = 201 &&
	test "$(sign_names secret.localhost secret.localhost)" = 201
'

test_expect_success 'a policy that does not parse stops the start, naming it' '
	ca_stop &&
	set_policy authority "{\"x509\": {\"allow\": {\"ip\": [\"10.0.0.0/33\"]}}}" &&
	test_must_fail pkit ca serve --password-file pw.txt 2>err &&
	test_one_line err &&
	grep -q "authority.policy.x509.allow.ip: cannot parse 10.0.0.0/33" err &&
	set_policy authority null &&
	set_policy prov "{\"x509\": {\"allow\": {\"dnsNames\": [\"a.b\"]}}}" &&
	test_must_fail pkit ca serve --password-file pw.txt 2>err &&
	test_one_line err &&
	grep -q "provisioner admin: policy.x509.allow: unknown key dnsNames" err
'

test_done
