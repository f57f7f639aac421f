#!/bin/sh
test_description='crypto jwk: create (types, uses, algs, encryption), public, thumbprint, keyset'
. "$(dirname "$0")/lib.sh"

umask 022
printf 'correct horse\n' >pw
printf 'other\n' >badpw

# fails CODE cmd...: exits CODE with one "pkit: " line on stderr.
fails() {
	code=$1
	shift
	test_expect_code "$code" "$@" 2>err &&
	test_one_line err
}

# b64url-decoded protected header of a JWE in flattened JSON.
protected() {
	s=$(jq -r .protected "$1" | tr '_-' '/+') &&
	case $((${#s} % 4)) in 2) s="$s==" ;; 3) s="$s=" ;; esac &&
	printf '%s' "$s" | base64 -d
}

test_expect_success 'default: EC P-256 for sig, kid is the thumbprint, private JWK encrypted' '
	pkit crypto jwk create --password-file pw pub.json priv.json &&
	test_mode priv.json 600 &&
	test_mode pub.json 644 &&
	test "$(jq -r .kty pub.json)" = EC &&
	test "$(jq -r .crv pub.json)" = P-256 &&
	test "$(jq -r .alg pub.json)" = ES256 &&
	test "$(jq -r .use pub.json)" = sig &&
	test "$(jq -r .d pub.json)" = null &&
	test "$(jq -r .kid pub.json)" = "$(pkit crypto jwk thumbprint <pub.json)" &&
	test "$(jq -r .ciphertext priv.json)" != null &&
	test "$(jq -r .d priv.json)" = null
'

test_expect_success 'the private JWK is a JWE as step writes it' '
	protected priv.json >hdr &&
	test "$(jq -r .alg hdr)" = PBES2-HS256+A128KW &&
	test "$(jq -r .enc hdr)" = A256GCM &&
	test "$(jq -r .cty hdr)" = jwk+json &&
	test "$(jq -r .p2c hdr)" = 600000 &&
	test "$(jq -r .p2s hdr | wc -c)" = 23
'

test_expect_success 'the members are in step order' '
	jq -r "keys_unsorted | join(\",\")" pub.json >order &&
	echo "use,kty,kid,crv,alg,x,y" >want &&
	test_cmp want order
'

test_expect_success 'jwk public decrypts the private JWK and gives the public one' '
	pkit crypto jwk public --password-file pw priv.json >pub2.json &&
	test_cmp pub.json pub2.json &&
	pkit crypto jwe decrypt --password-file pw priv.json >plain.json &&
	test "$(jq -r .kid plain.json)" = "$(jq -r .kid pub.json)" &&
	test "$(jq -r .d plain.json | wc -c)" = 44
'

test_expect_success 'a wrong password: one line, exit 1' '
	fails 1 pkit crypto jwk public --password-file badpw priv.json &&
	grep -q "password" err
'

test_expect_success 'no terminal and no --password-file: one line naming the flag' '
	fails 1 pkit crypto jwk public priv.json &&
	grep -q -- "--password-file" err
'

test_expect_success '--no-password needs --insecure' '
	fails 2 pkit crypto jwk create --no-password np.pub np.json &&
	grep -q "requires the .--insecure. flag" err &&
	test ! -e np.pub && test ! -e np.json
'

test_expect_success '--no-password --insecure writes the private JWK in the clear, 0600' '
	pkit crypto jwk create --no-password --insecure np.pub np.json &&
	test_mode np.json 600 &&
	test "$(jq -r .d np.json | wc -c)" = 44 &&
	test "$(jq -r .kid np.json)" = "$(jq -r .kid np.pub)"
'

test_expect_success 'EC curves pick their algorithm' '
	pkit crypto jwk create --crv P-384 --no-password --insecure p384.pub p384.json &&
	test "$(jq -r .alg p384.pub)" = ES384 &&
	pkit crypto jwk create --kty EC --crv P-521 --no-password --insecure p521.pub p521.json &&
	test "$(jq -r .alg p521.pub)" = ES512 &&
	test "$(jq -r .x p521.pub | wc -c)" = 89
'

test_expect_success 'RSA, OKP and oct keys' '
	pkit crypto jwk create --kty RSA --no-password --insecure rsa.pub rsa.json &&
	test "$(jq -r .alg rsa.pub)" = RS256 &&
	test "$(jq -r .e rsa.pub)" = AQAB &&
	test "$(jq -r .qi rsa.json)" != null &&
	pkit crypto jwk create --kty OKP --no-password --insecure ed.pub ed.json &&
	test "$(jq -r .crv ed.pub)" = Ed25519 &&
	test "$(jq -r .alg ed.pub)" = EdDSA &&
	pkit crypto jwk create --kty oct --no-password --insecure oct.pub oct.json &&
	test "$(jq -r .alg oct.json)" = HS256 &&
	test "$(jq -r .k oct.json | wc -c)" = 44 &&
	test "$(jq -r .kid oct.json)" = null
'

test_expect_success 'an oct key is secret: its "public" file holds it, mode 0600' '
	test_cmp oct.pub oct.json &&
	test_mode oct.pub 600
'

test_expect_success '--use enc picks the encryption algorithm' '
	pkit crypto jwk create --use enc --no-password --insecure e1.pub e1.json &&
	test "$(jq -r .alg e1.pub)" = ECDH-ES &&
	test "$(jq -r .use e1.pub)" = enc &&
	pkit crypto jwk create --kty RSA --use enc --no-password --insecure e2.pub e2.json &&
	test "$(jq -r .alg e2.pub)" = RSA-OAEP-256 &&
	pkit crypto jwk create --kty oct --use enc --no-password --insecure e3.pub e3.json &&
	test "$(jq -r .alg e3.json)" = A256GCMKW &&
	pkit crypto jwk create --crv X25519 --use enc --no-password --insecure e4.pub e4.json &&
	test "$(jq -r .crv e4.pub)" = X25519 &&
	test "$(jq -r .alg e4.pub)" = ECDH-ES
'

test_expect_success 'Ed25519 does not encrypt, X25519 does not sign' '
	fails 1 pkit crypto jwk create --kty OKP --use enc --no-password --insecure x.pub x.json &&
	grep -q "cannot be used for encryption" err &&
	fails 1 pkit crypto jwk create --crv X25519 --no-password --insecure x.pub x.json &&
	test ! -e x.pub && test ! -e x.json
'

test_expect_success '--alg must suit the key unless --subtle' '
	fails 1 pkit crypto jwk create --alg RS256 --no-password --insecure a.pub a.json &&
	grep -q "RS256" err &&
	test ! -e a.pub &&
	fails 1 pkit crypto jwk create --alg ES384 --no-password --insecure a.pub a.json &&
	pkit crypto jwk create --alg ES384 --subtle --no-password --insecure a.pub a.json &&
	test "$(jq -r .alg a.pub)" = ES384 &&
	pkit crypto jwk create --kty RSA --alg PS512 --no-password --insecure ps.pub ps.json &&
	test "$(jq -r .alg ps.pub)" = PS512
'

test_expect_success '--kid sets the key ID' '
	pkit crypto jwk create --kid my-key --no-password --insecure k.pub k.json &&
	test "$(jq -r .kid k.pub)" = my-key &&
	test "$(jq -r .kid k.json)" = my-key
'

test_expect_success 'size rules: oct under 16 bytes and RSA under 2048 need --insecure' '
	fails 1 pkit crypto jwk create --kty oct --size 8 --password-file pw s.pub s.json &&
	grep -q -- "--insecure" err &&
	test ! -e s.pub &&
	pkit crypto jwk create --kty oct --size 64 --no-password --insecure o64.pub o64.json &&
	test "$(jq -r .k o64.json | wc -c)" = 87 &&
	fails 2 pkit crypto jwk create --kty EC --size 256 --no-password --insecure s.pub s.json &&
	fails 2 pkit crypto jwk create --kty RSA --crv P-256 --no-password --insecure s.pub s.json
'

test_expect_success '--from-pem: a private PEM key becomes a JWK pair' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out k384.pem 2>/dev/null &&
	chmod 600 k384.pem &&
	pkit crypto jwk create --from-pem k384.pem --password-file pw fp.pub fp.json &&
	test "$(jq -r .crv fp.pub)" = P-384 &&
	test "$(jq -r .alg fp.pub)" = ES384 &&
	openssl pkey -in k384.pem -pubout >k384.pub &&
	test "$(pkit crypto jwk thumbprint k384.pub)" = "$(jq -r .kid fp.pub)"
'

test_expect_success '--from-pem with a public key writes only the public JWK' '
	pkit crypto jwk create --from-pem k384.pub --password-file pw only.pub only.json 2>msg &&
	test -f only.pub &&
	test ! -e only.json &&
	grep -q "Only the public JWK" msg
'

test_expect_success 'the same file twice is a usage error' '
	fails 2 pkit crypto jwk create --no-password --insecure same.json same.json &&
	test ! -e same.json
'

test_expect_success 'existing files are kept without --force' '
	cp pub.json keep.json &&
	fails 1 pkit crypto jwk create --no-password --insecure keep.json other.json &&
	grep -q -- "--force" err &&
	test_cmp pub.json keep.json &&
	test ! -e other.json &&
	pkit crypto jwk create --force --no-password --insecure keep.json other.json &&
	! cmp -s pub.json keep.json
'

test_expect_success 'thumbprint: RFC 7638 section 3.1' '
	cat >rfc.json <<-\EOF &&
	{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
	EOF
	echo NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs >want &&
	pkit crypto jwk thumbprint <rfc.json >got &&
	test_cmp want got &&
	pkit crypto jwk thumbprint rfc.json >got2 &&
	test_cmp want got2
'

test_expect_success 'jwk public: an oct key has none; garbage is one line' '
	fails 1 pkit crypto jwk public <oct.json &&
	grep -q "shared secret" err &&
	echo "{not json" >bad.json &&
	fails 1 pkit crypto jwk public bad.json &&
	grep -q "bad.json" err &&
	echo "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}" >bad2.json &&
	fails 1 pkit crypto jwk public bad2.json &&
	grep -q "bad2.json" err
'

test_expect_success 'missing file and bad flag' '
	fails 1 pkit crypto jwk public nosuch.json &&
	grep -q "nosuch.json" err &&
	fails 2 pkit crypto jwk create --kyt EC a b &&
	grep -q "did you mean .--kty." err &&
	fails 2 pkit crypto jwk create --kty DSA a b
'

test_expect_success 'keyset add creates the set (0600), list and find by kid' '
	pkit crypto jwk keyset add set.json <pub.json &&
	pkit crypto jwk keyset add set.json <k.pub &&
	test_mode set.json 600 &&
	pkit crypto jwk keyset list set.json >kids &&
	printf "%s\nmy-key\n" "$(jq -r .kid pub.json)" >want &&
	test_cmp want kids &&
	pkit crypto jwk keyset find --kid my-key set.json >found &&
	test_cmp k.pub found
'

test_expect_success 'keyset add decrypts an encrypted JWK and refuses duplicates' '
	fails 1 pkit crypto jwk keyset add --password-file pw set.json <priv.json &&
	grep -q "already there" err &&
	test "$(jq ".keys | length" set.json)" = 2 &&
	fails 1 pkit crypto jwk keyset add set.json <k.pub &&
	grep -q "already there" err &&
	pkit crypto jwk keyset add set.json <rfc.json &&
	test "$(jq ".keys | length" set.json)" = 3
'

test_expect_success 'keyset remove, and errors for unknown kids' '
	pkit crypto jwk keyset remove --kid my-key set.json &&
	! pkit crypto jwk keyset list set.json | grep -qx my-key &&
	fails 1 pkit crypto jwk keyset remove --kid my-key set.json &&
	fails 1 pkit crypto jwk keyset find --kid my-key set.json &&
	fails 2 pkit crypto jwk keyset find set.json &&
	fails 1 pkit crypto jwk keyset list nosuch.json &&
	echo "[]" >notaset.json &&
	fails 1 pkit crypto jwk keyset list notaset.json
'

test_done
