#!/bin/sh
test_description='crypto hash digest|compare against coreutils and openssl dgst'
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: some files' '
	printf abc >abc &&
	printf "line one\nline two\n" >two-lines &&
	: >empty &&
	head -c 300000 /dev/urandom >random.bin
'

test_expect_success 'sha256 by default, exactly as sha256sum prints it' '
	pkit crypto hash digest abc two-lines empty random.bin >out 2>err &&
	test ! -s err &&
	sha256sum abc two-lines empty random.bin >want &&
	test_cmp want out
'

test_expect_success 'sha256sum -c reads the output' '
	pkit crypto hash digest abc random.bin >sums &&
	sha256sum -c sums >check &&
	grep -qx "abc: OK" check &&
	grep -qx "random.bin: OK" check &&
	printf x >>random.bin &&
	test_must_fail sha256sum -c sums >check 2>/dev/null &&
	grep -qx "random.bin: FAILED" check
'

test_expect_success 'the other SHA-2 sizes match sha224sum, sha384sum, sha512sum' '
	for n in 224 384 512
	do
		pkit crypto hash digest --alg sha$n abc random.bin >out &&
		sha${n}sum abc random.bin >want &&
		test_cmp want out || return 1
	done
'

test_expect_success 'blake2b-512 matches b2sum' '
	pkit crypto hash digest --alg blake2b-512 two-lines random.bin >out &&
	b2sum two-lines random.bin >want &&
	test_cmp want out
'

test_expect_success 'every algorithm matches openssl dgst' '
	for a in sha256:sha256 sha224:sha224 sha384:sha384 sha512:sha512 \
		sha512-224:sha512-224 sha512-256:sha512-256 sha3-256:sha3-256 \
		sha3-384:sha3-384 sha3-512:sha3-512 blake2b-512:blake2b512 \
		blake2s-256:blake2s256
	do
		ours=${a%%:*} theirs=${a#*:} &&
		pkit crypto hash digest --alg $ours random.bin | cut -d" " -f1 >out &&
		openssl dgst -$theirs -r random.bin | cut -d" " -f1 >want &&
		test_cmp want out || { echo "differs: $ours" >&2; return 1; }
	done
'

test_expect_success 'known answers for "abc"' '
	pkit crypto hash digest --alg sha3-256 abc >out &&
	echo "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532  abc" >want &&
	test_cmp want out &&
	pkit crypto hash digest --alg blake2s-256 abc >out &&
	echo "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982  abc" >want &&
	test_cmp want out
'

test_expect_success 'md5 and sha1 need --insecure, then match md5sum and sha1sum' '
	test_expect_code 1 pkit crypto hash digest --alg md5 abc >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	grep -q -- "--insecure" err &&
	test_expect_code 1 pkit crypto hash digest --alg sha1 abc >out 2>err &&
	test_one_line err &&
	pkit crypto hash digest --alg md5 --insecure abc random.bin >out &&
	md5sum abc random.bin >want &&
	test_cmp want out &&
	pkit crypto hash digest --alg sha1 --insecure abc random.bin >out &&
	sha1sum abc random.bin >want &&
	test_cmp want out
'

test_expect_success 'no path or - reads standard input' '
	pkit crypto hash digest <two-lines >out &&
	sha256sum <two-lines >want &&
	test_cmp want out &&
	pkit crypto hash digest - <two-lines >out &&
	test_cmp want out &&
	cat random.bin | pkit crypto hash digest --alg sha512 - >out &&
	sha512sum - <random.bin >want &&
	test_cmp want out
'

test_expect_success 'a big file is streamed, not read into memory' '
	truncate -s 256M sparse.bin &&
	"$SYS_PYTHON" -c "
import resource, subprocess, sys
out = subprocess.run([sys.argv[1], \"crypto\", \"hash\", \"digest\", \"sparse.bin\"],
    check=True, capture_output=True).stdout
sys.stdout.buffer.write(out)
kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(kib, file=sys.stderr)
sys.exit(0 if kib < 128 * 1024 else 1)
" "$PKIT_BIN" >out &&
	sha256sum sparse.bin >want &&
	test_cmp want out &&
	rm -f sparse.bin
'

test_expect_success 'names with a backslash or newline are escaped as sha256sum does' '
	printf 1 >"back\\slash" &&
	printf 2 >"new
line" &&
	pkit crypto hash digest "back\\slash" "new
line" >out &&
	sha256sum "back\\slash" "new
line" >want &&
	test_cmp want out &&
	grep -q "^\\\\" out
'

test_expect_success 'setup: a directory tree' '
	mkdir -p tree/sub/deep tree/a-b tree/empty &&
	echo one >tree/x &&
	echo two >tree/sub/y &&
	echo three >tree/a-b/z &&
	echo four >"tree/sub/deep/with space" &&
	printf five >"tree/back\\slash" &&
	ln -s ../x tree/sub/link-to-x &&
	ln -s sub/deep tree/link-to-dir
'

# The definition in the help: the digest of the sorted manifest that
# sha256sum prints for the regular files (links followed).
manifest_digest() {
	(cd "$1" && find -L . -type f | sed "s|^\./||" | LC_ALL=C sort |
		xargs -d "\n" $2 | $2 | cut -d" " -f1)
}

test_expect_success 'a directory digest is the digest of its sorted manifest' '
	pkit crypto hash digest tree >out &&
	echo "$(manifest_digest tree sha256sum)  tree" >want &&
	test_cmp want out &&
	pkit crypto hash digest tree/ >out &&
	echo "$(manifest_digest tree sha256sum)  tree/" >want &&
	test_cmp want out &&
	pkit crypto hash digest --alg sha512 tree >out &&
	echo "$(manifest_digest tree sha512sum)  tree" >want &&
	test_cmp want out
'

test_expect_success 'a directory digest follows names and contents only' '
	pkit crypto hash digest tree >before &&
	chmod 600 tree/x && touch -d @0 tree/sub/y && mkdir tree/empty2 &&
	pkit crypto hash digest tree >after &&
	test_cmp before after &&
	echo changed >tree/sub/y &&
	pkit crypto hash digest tree >changed &&
	! test_cmp before changed >/dev/null &&
	echo two >tree/sub/y &&
	mv tree/x tree/x2 && ln -sf ../x2 tree/sub/link-to-x &&
	pkit crypto hash digest tree >renamed &&
	! test_cmp before renamed >/dev/null &&
	mv tree/x2 tree/x && ln -sf ../x tree/sub/link-to-x &&
	pkit crypto hash digest tree >again &&
	test_cmp before again
'

test_expect_success 'files and directories mix in one run' '
	pkit crypto hash digest abc tree two-lines >out &&
	test "$(wc -l <out)" -eq 3 &&
	sed -n 2p out | grep -q "  tree$"
'

test_expect_success 'a symbolic link loop in a directory is an error' '
	mkdir -p loopy/d && echo x >loopy/d/f && ln -s .. loopy/d/up &&
	test_expect_code 1 pkit crypto hash digest loopy >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	grep -q "loopy/d/up: symbolic link loop" err
'

test_expect_success 'a FIFO or a broken link in a directory is an error' '
	mkdir fifo-dir && mkfifo fifo-dir/p &&
	test_expect_code 1 pkit crypto hash digest fifo-dir >out 2>err &&
	test_one_line err &&
	grep -q "fifo-dir/p: not a regular file or directory" err &&
	mkdir broken && ln -s nowhere broken/l &&
	test_expect_code 1 pkit crypto hash digest broken 2>err &&
	test_one_line err &&
	grep -q "broken/l: broken symbolic link" err
'

test_expect_success 'a missing file: one line, the other paths still hashed, exit 1' '
	test_expect_code 1 pkit crypto hash digest abc missing empty >out 2>err &&
	test_one_line err &&
	grep -q "^pkit: missing: no such file" err &&
	sha256sum abc empty >want &&
	test_cmp want out
'

test_expect_success 'bad flag values and unknown options are usage errors' '
	test_expect_code 2 pkit crypto hash digest --alg sha257 abc >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	grep -q "sha257" err &&
	test_expect_code 2 pkit crypto hash digest --algo sha256 abc 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto hash 2>err &&
	grep -q "^usage: pkit crypto hash" err
'

test_expect_success 'compare: equal digests exit 0 and print nothing' '
	sum=$(sha256sum random.bin | cut -d" " -f1) &&
	pkit crypto hash compare "$sum" random.bin >out 2>err &&
	test ! -s out && test ! -s err &&
	upper=$(echo "$sum" | tr a-f A-F) &&
	pkit crypto hash compare "$upper" random.bin &&
	pkit crypto hash compare "$sum" - <random.bin &&
	sum=$(sha384sum abc | cut -d" " -f1) &&
	pkit crypto hash compare --alg sha384 "$sum" abc &&
	dsum=$(manifest_digest tree sha256sum) &&
	pkit crypto hash compare "$dsum" tree
'

test_expect_success 'compare: a different digest is one line and exit 1' '
	sum=$(sha256sum abc | cut -d" " -f1) &&
	test_expect_code 1 pkit crypto hash compare "$sum" two-lines >out 2>err &&
	test ! -s out &&
	test_one_line err &&
	grep -qx "pkit: two-lines: digest does not match" err &&
	case $sum in 0*) c=1 ;; *) c=0 ;; esac &&
	flipped=$c$(echo "$sum" | cut -c2-) &&
	test "$flipped" != "$sum" &&
	test_expect_code 1 pkit crypto hash compare "$flipped" abc 2>err &&
	test_one_line err
'

test_expect_success 'compare: a malformed or wrong-size digest is one line and exit 1' '
	test_expect_code 1 pkit crypto hash compare nothex abc 2>err &&
	test_one_line err &&
	grep -q "not a sha256 digest" err &&
	sum=$(sha256sum abc | cut -d" " -f1) &&
	test_expect_code 1 pkit crypto hash compare --alg sha512 "$sum" abc 2>err &&
	test_one_line err &&
	test_expect_code 1 pkit crypto hash compare "$sum" missing 2>err &&
	test_one_line err &&
	grep -q "missing: no such file" err
'

test_expect_success 'compare: wrong number of arguments is a usage error' '
	test_expect_code 2 pkit crypto hash compare abc 2>err &&
	test_one_line err &&
	test_expect_code 2 pkit crypto hash compare a b c 2>err &&
	test_one_line err
'

test_done
