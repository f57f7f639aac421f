#!/bin/sh
test_description='crypto jwt|jws: x5c chains signed in, and verified against --roots'
. "$(dirname "$0")/lib.sh"

umask 022

fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

b64url() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

cc() {
	pkit certificate create --no-password --insecure "$@" >/dev/null
}

test_expect_success 'setup: root, intermediate, leaves; another root' '
	cc --profile root-ca "Root" root.crt root.key &&
	cc --profile intermediate-ca --ca root.crt --ca-key root.key "Int" int.crt int.key &&
	cc --ca int.crt --ca-key int.key signer.example leaf.crt leaf.key &&
	cat leaf.crt int.crt >chain.crt &&
	cc --profile root-ca "Other" other.crt other.key &&
	cc --ca other.crt --ca-key other.key signer.example oleaf.crt oleaf.key &&
	cc --ca int.crt --ca-key int.key --not-before -2h --not-after -1h old.example old.crt old.key &&
	cat old.crt int.crt >oldchain.crt &&
	cc --kty RSA --ca int.crt --ca-key int.key rsa.example rsa.crt rsa.key &&
	cat rsa.crt int.crt >rsachain.crt
'

test_expect_success 'jwt: a token with the chain verifies against the root; the key is the leaf'"'"'s' '
	pkit crypto jwt sign --x5c-key leaf.key --x5c-cert chain.crt --iss me --aud api --sub s --exp 5m </dev/null >t.tok &&
	pkit crypto jwt inspect --insecure t.tok >insp &&
	test "$(jq -r ".header.x5c | length" insp)" = 2 &&
	test "$(jq -r ".header.alg" insp)" = ES256 &&
	pkit crypto jwt verify --roots root.crt --iss me --aud api t.tok >out &&
	test "$(jq -r .payload.sub out)" = s &&
	pkit crypto jwt verify --root root.crt --iss me --aud api <t.tok >/dev/null
'

test_expect_success 'jwt: RSA leaf; the header'"'"'s RS256 or PS256 is taken, HS256 never' '
	pkit crypto jwt sign --key rsa.key --x5c-cert rsachain.crt --alg PS256 --subtle </dev/null >r.tok &&
	pkit crypto jwt verify --roots root.crt --subtle r.tok >/dev/null &&
	pkit crypto jwt verify --roots root.crt --subtle --alg RS256 r.tok 2>err;
	test $? = 1 && grep -q "not the expected" err &&
	pkit crypto jwt inspect --insecure r.tok >rinsp &&
	pkit crypto jwk create --kty oct --no-password --insecure hs.pub hs.json &&
	pkit crypto jwt sign --key hs.json --subtle \
		--header "x5c=$(jq -c .header.x5c rinsp)" </dev/null >hs.tok &&
	fails 1 pkit crypto jwt verify --roots root.crt --subtle hs.tok &&
	grep -q "HS256\" does not suit" err
'

test_expect_success 'jwt: an untrusted root, an expired leaf, a wrong key are refused' '
	fails 1 pkit crypto jwt verify --roots other.crt --iss me --aud api t.tok &&
	grep -q "x5c: unable to get local issuer" err &&
	pkit crypto jwt sign --key old.key --x5c-cert oldchain.crt --subtle </dev/null >old.tok &&
	fails 1 pkit crypto jwt verify --roots root.crt --subtle old.tok &&
	grep -q "x5c: certificate has expired" err &&
	pkit crypto jwt sign --key oleaf.key --subtle \
		--header "x5c=$(jq -c .header.x5c insp)" </dev/null >swap.tok &&
	fails 1 pkit crypto jwt verify --roots root.crt --subtle swap.tok &&
	grep -q "invalid signature" err
'

test_expect_success 'jwt: the leaf alone needs the intermediate in the roots' '
	pkit crypto jwt sign --key leaf.key --x5c-cert leaf.crt --subtle </dev/null >l.tok &&
	fails 1 pkit crypto jwt verify --roots root.crt --subtle l.tok &&
	cat root.crt int.crt >both.crt &&
	pkit crypto jwt verify --roots both.crt --subtle l.tok >/dev/null
'

test_expect_success 'x5t#S256 must be the leaf'"'"'s thumbprint' '
	good=$(openssl x509 -in leaf.crt -outform DER | openssl dgst -sha256 -binary | b64url) &&
	bad=$(openssl x509 -in int.crt -outform DER | openssl dgst -sha256 -binary | b64url) &&
	pkit crypto jwt sign --key leaf.key --x5c-cert chain.crt --header "x5t#S256=$good" --subtle </dev/null >g.tok &&
	pkit crypto jwt verify --roots root.crt --subtle g.tok >/dev/null &&
	pkit crypto jwt sign --key leaf.key --x5c-cert chain.crt --header "x5t#S256=$bad" --subtle </dev/null >b.tok &&
	fails 1 pkit crypto jwt verify --roots root.crt --subtle b.tok &&
	grep -q "x5t#S256" err
'

test_expect_success 'a leaf without digitalSignature cannot vouch for a token' '
	cat >ku.tpl <<-\EOT &&
	{ "subject": {{ toJson .Subject }}, "keyUsage": ["keyAgreement"] }
	EOT
	cc --template ku.tpl --ca int.crt --ca-key int.key ku.example ku.crt ku.key &&
	cat ku.crt int.crt >kuchain.crt &&
	kux5c=$(for c in ku.crt int.crt; do openssl x509 -in $c -outform DER | base64 -w0; echo; done | jq -Rsc "split(\"\n\") | map(select(length > 0))") &&
	pkit crypto jwt sign --key ku.key --header "x5c=$kux5c" --subtle </dev/null >ku.tok &&
	fails 1 pkit crypto jwt verify --roots root.crt --subtle ku.tok &&
	grep -q "digitalSignature" err
'

test_expect_success 'malformed x5c: not a list, not base64, not DER, base64url' '
	for v in "\"abc\"" "[]" "[\"!!\"]" "[\"YWJj\"]" \
		"[\"$(openssl x509 -in leaf.crt -outform DER | b64url)\"]"; do
		pkit crypto jwt sign --key leaf.key --header "x5c=$v" --subtle </dev/null >m.tok &&
		fails 1 pkit crypto jwt verify --roots root.crt --subtle m.tok &&
		grep -q "x5c" err || return 1
	done
'

test_expect_success 'no x5c with --roots; --roots with --key is a usage error' '
	pkit crypto jwt sign --key leaf.key --subtle </dev/null >n.tok &&
	fails 1 pkit crypto jwt verify --roots root.crt --subtle n.tok &&
	grep -q "no \"x5c\"" err &&
	fails 2 pkit crypto jwt verify --roots root.crt --key leaf.crt --subtle t.tok &&
	fails 1 pkit crypto jwt verify --roots nosuch.crt --subtle t.tok
'

test_expect_success 'jwt sign --x5c-insecure names the header x5cInsecure; --roots ignores it' '
	pkit crypto jwt sign --key leaf.key --x5c-cert chain.crt --x5c-insecure --subtle </dev/null >i.tok &&
	pkit crypto jwt inspect --insecure i.tok >insp2 &&
	test "$(jq -r ".header.x5cInsecure | length" insp2)" = 2 &&
	test "$(jq -r ".header.x5c" insp2)" = null &&
	fails 1 pkit crypto jwt verify --roots root.crt --subtle i.tok &&
	fails 2 pkit crypto jwt sign --key leaf.key --x5c-insecure --subtle </dev/null
'

test_expect_success 'jws: sign with --x5c-cert, verify with --roots (compact and JSON)' '
	printf "payload" >p &&
	pkit crypto jws sign --x5c-key leaf.key --x5c-cert chain.crt p >p.jws &&
	pkit crypto jws verify --roots root.crt p.jws >out &&
	test "$(cat out)" = payload &&
	pkit crypto jws sign --key leaf.key --x5c-cert chain.crt --json p >pj.jws &&
	pkit crypto jws verify --roots root.crt pj.jws >out &&
	test "$(cat out)" = payload &&
	fails 1 pkit crypto jws verify --roots other.crt p.jws
'

PEERS="$PKIT_SRC_DIR/tests/interop"
if test_have node && test -f "$PEERS/node_modules/jose/package.json"; then
	test_expect_success 'node jose: verifies pkit'"'"'s x5c token with the leaf; pkit verifies node'"'"'s against the root' '
		cat >peer.mjs <<-\EOT &&
		import { readFileSync } from "node:fs";
		import { pathToFileURL } from "node:url";
		const jose = await import(pathToFileURL(process.env.PEERS +
		    "/node_modules/jose/dist/node/esm/index.js").href);
		const [op, file, ...rest] = process.argv.slice(2);
		const pem = (b64) => "-----BEGIN CERTIFICATE-----\n" +
		    b64.match(/.{1,64}/g).join("\n") + "\n-----END CERTIFICATE-----\n";
		if (op === "verify") {
		  const tok = readFileSync(file, "utf8").trim();
		  const h = jose.decodeProtectedHeader(tok);
		  const key = await jose.importX509(pem(h.x5c[0]), h.alg);
		  const { payload } = await jose.jwtVerify(tok, key, { issuer: "me", audience: "api" });
		  console.log(payload.sub);
		} else {
		  const key = await jose.importPKCS8(readFileSync(rest[0], "utf8"), "ES256");
		  const x5c = readFileSync(file, "utf8").match(/-----BEGIN CERTIFICATE-----[^-]+/g)
		    .map((b) => b.replace(/-----BEGIN CERTIFICATE-----|\s/g, ""));
		  console.log(await new jose.SignJWT({ sub: "node" })
		    .setProtectedHeader({ alg: "ES256", x5c })
		    .setIssuer("me").setAudience("api").setExpirationTime("5m")
		    .sign(key));
		}
		EOT
		test "$(PEERS="$PEERS" node peer.mjs verify t.tok)" = s &&
		PEERS="$PEERS" node peer.mjs sign chain.crt leaf.key >node.tok &&
		pkit crypto jwt verify --roots root.crt --iss me --aud api node.tok >out &&
		test "$(jq -r .payload.sub out)" = node &&
		fails 1 pkit crypto jwt verify --roots other.crt --iss me --aud api node.tok
	'
else
	test_skip 'node jose x5c interop' 'node or tests/interop/node_modules/jose missing'
fi

test_done
