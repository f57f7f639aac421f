#!/bin/sh
test_description='crypto jwe: several recipients (general JSON), with node jose and python3-jwcrypto'
. "$(dirname "$0")/lib.sh"

umask 077
PEERS="$PKIT_SRC_DIR/tests/interop"

fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

jc() {
	pkit crypto jwk create --no-password --insecure --use enc "$@" >/dev/null
}

test_expect_success 'setup: RSA, EC, X25519 and oct keys with their algorithms' '
	jc --kty RSA --alg RSA-OAEP-256 --kid rsa rsa.pub rsa.json &&
	jc --crv P-256 --alg ECDH-ES+A256KW --kid ec ec.pub ec.json &&
	jc --kty OKP --crv X25519 --alg ECDH-ES+A128KW --kid x x.pub x.json &&
	jc --kty oct --size 32 --alg A256KW --kid oct o32.pub o32.json &&
	jc --crv P-384 --alg ECDH-ES+A192KW --kid other other.pub other.json &&
	printf "to whom it may concern" >msg
'

test_expect_success 'encrypt for four keys; each one decrypts' '
	pkit crypto jwe encrypt --key rsa.pub --key ec.pub --key x.pub --key o32.json msg >m.jwe &&
	test "$(jq -r ".recipients | length" m.jwe)" = 4 &&
	test "$(jq -r "[.recipients[].header.kid] | join(\",\")" m.jwe)" = "rsa,ec,x,oct" &&
	test "$(jq -r "[.recipients[].header.alg] | join(\",\")" m.jwe)" = "RSA-OAEP-256,ECDH-ES+A256KW,ECDH-ES+A128KW,A256KW" &&
	test "$(jq -r .protected m.jwe | tr "_-" "/+" | base64 -d 2>/dev/null | jq -c .)" = "{\"enc\":\"A256GCM\"}" &&
	for k in rsa ec x o32; do
		pkit crypto jwe decrypt --key $k.json m.jwe >out &&
		test_cmp msg out || return 1
	done
'

test_expect_success 'a key that is no recipient, a changed ciphertext, fail in one line' '
	fails 1 pkit crypto jwe decrypt --key other.json m.jwe &&
	jq ".ciphertext |= (if startswith(\"A\") then \"B\" else \"A\" end) + .[1:]" m.jwe >bad.jwe &&
	test "$(jq -r .ciphertext m.jwe)" != "$(jq -r .ciphertext bad.jwe)" &&
	fails 1 pkit crypto jwe decrypt --key rsa.json bad.jwe
'

test_expect_success '--alg applies to every key; dir and ECDH-ES cannot be shared' '
	jc --crv P-256 --kid e2 e2.pub e2.json &&
	fails 2 pkit crypto jwe encrypt --alg ECDH-ES+A128KW --key ec.pub --key e2.pub msg &&
	grep -q "differs from the \"alg\" ECDH-ES+A256KW of ec.pub" err &&
	pkit crypto jwe encrypt --subtle --alg ECDH-ES+A128KW --enc A128CBC-HS256 --key ec.pub --key e2.pub msg >e.jwe &&
	test "$(jq -r "[.recipients[].header.alg] | join(\",\")" e.jwe)" = "ECDH-ES+A128KW,ECDH-ES+A128KW" &&
	pkit crypto jwe decrypt --key e2.json e.jwe >out && test_cmp msg out &&
	fails 1 pkit crypto jwe encrypt --subtle --alg ECDH-ES --key ec.pub --key e2.pub msg &&
	grep -q "several recipients" err &&
	fails 1 pkit crypto jwe encrypt --subtle --alg dir --key o32.json --key o32.json msg &&
	fails 2 pkit crypto jwe encrypt --compact --key ec.pub --key e2.pub msg &&
	fails 2 pkit crypto jwe encrypt --alg PBES2-HS256+A128KW --key ec.pub --key e2.pub msg
'

have_jwcrypto=
if "$SYS_PYTHON" -c 'import jwcrypto.jwe' 2>/dev/null; then
	have_jwcrypto=1
fi
if test -n "$have_jwcrypto"; then
	test_expect_success 'jwcrypto decrypts pkit'"'"'s JWE with each key, and makes one pkit opens' '
		cat >peer.py <<-\EOT &&
		import json, sys
		from jwcrypto import jwe, jwk
		def key(p):
		    return jwk.JWK.from_json(open(p).read())
		if sys.argv[1] == "decrypt":
		    e = jwe.JWE()
		    e.deserialize(open(sys.argv[2]).read(), key=key(sys.argv[3]))
		    sys.stdout.buffer.write(e.payload)
		else:
		    e = jwe.JWE(open(sys.argv[2], "rb").read(),
		                protected=json.dumps({"enc": "A128CBC-HS256"}))
		    for p, alg in zip(sys.argv[3::2], sys.argv[4::2]):
		        k = key(p)
		        e.add_recipient(k, header=json.dumps({"alg": alg, "kid": k.get("kid")}))
		    print(e.serialize())
		EOT
		for k in rsa ec x o32; do
			"$SYS_PYTHON" peer.py decrypt m.jwe $k.json >out &&
			test_cmp msg out || return 1
		done &&
		"$SYS_PYTHON" peer.py encrypt msg rsa.pub RSA-OAEP-256 ec.pub ECDH-ES+A256KW o32.json A256KW >py.jwe &&
		test "$(jq -r ".recipients | length" py.jwe)" = 3 &&
		for k in rsa ec o32; do
			pkit crypto jwe decrypt --key $k.json py.jwe >out &&
			test_cmp msg out || return 1
		done &&
		fails 1 pkit crypto jwe decrypt --key x.json py.jwe
	'
else
	test_skip 'jwcrypto interop' "python3-jwcrypto is not installed for $SYS_PYTHON"
fi

if test_have node && test -f "$PEERS/node_modules/jose/package.json"; then
	test_expect_success 'node jose decrypts pkit'"'"'s JWE with each key, and makes one pkit opens' '
		cat >peer.mjs <<-\EOT &&
		import { readFileSync } from "node:fs";
		import { pathToFileURL } from "node:url";
		const jose = await import(pathToFileURL(process.env.PEERS +
		    "/node_modules/jose/dist/node/esm/index.js").href);
		const [op, file, ...rest] = process.argv.slice(2);
		const key = async (p, alg) => {
		  const j = JSON.parse(readFileSync(p, "utf8"));
		  delete j.use; delete j.key_ops;
		  return jose.importJWK(j, alg ?? j.alg);
		};
		if (op === "decrypt") {
		  const jwe = JSON.parse(readFileSync(file, "utf8"));
		  const k = await key(rest[0]);
		  const { plaintext } = await jose.generalDecrypt(jwe, k);
		  process.stdout.write(plaintext);
		} else {
		  const enc = new jose.GeneralEncrypt(readFileSync(file))
		    .setProtectedHeader({ enc: "A192GCM" });
		  for (let i = 0; i < rest.length; i += 2)
		    enc.addRecipient(await key(rest[i], rest[i + 1]))
		      .setUnprotectedHeader({ alg: rest[i + 1] });
		  console.log(JSON.stringify(await enc.encrypt()));
		}
		EOT
		for k in rsa ec x o32; do
			PEERS="$PEERS" node peer.mjs decrypt m.jwe $k.json >out &&
			test_cmp msg out || return 1
		done &&
		PEERS="$PEERS" node peer.mjs encrypt msg rsa.pub RSA-OAEP-256 x.pub ECDH-ES+A128KW o32.json A256KW >node.jwe &&
		test "$(jq -r ".recipients | length" node.jwe)" = 3 &&
		for k in rsa x o32; do
			pkit crypto jwe decrypt --key $k.json node.jwe >out &&
			test_cmp msg out || return 1
		done &&
		fails 1 pkit crypto jwe decrypt --key ec.json node.jwe
	'
else
	test_skip 'node jose interop' 'node or tests/interop/node_modules/jose missing'
fi

test_done
