#!/bin/sh
# jose.sh - the JOSE figures of docs/performance.md.
#
#   bench/jose.sh [BUILD_DIR [STEP ...]]
#
# BUILD_DIR defaults to the current directory.  The steps (default: all):
#   inproc   bench/jose_bench RUNS times (default 5): in-process JWT sign
#            and verify through pkit's library next to EVP_DigestSign/
#            Verify on the same key and signing input; then the median
#            of the runs;
#   kept     bench/jose_bench -k RUNS times: pkit's verification next to
#            the signature alone with its OpenSSL contexts set up once
#            per key (what pkit's per-key cache does: the floor); medians;
#   jws      bench/jose_bench -j RUNS times: verification at the JWS layer
#            (compact JWS, header parsed, no claims) and of the whole JWT,
#            both next to the raw verification; medians;
#   speed    `openssl speed -seconds 3 ecdsap256 rsa2048 ed25519`;
#   process  whole-process `pkit crypto jwt verify` of an ES256 token next
#            to `pkit path` and `pkit version` start-up: hyperfine RUNS
#            times, the median of the medians.
# Use a build without sanitizers: ./configure CFLAGS="-O2 -g".  Needs
# hyperfine and jq.  BENCH_ARGS passes options to jose_bench (-t, -r).
set -eu

BUILD=${1:-.}
test $# -gt 0 && shift
STEPS=${*:-inproc kept jws speed process}
RUNS=${RUNS:-5}
make -C "$BUILD" -s pkit bench/jose_bench ||
	{ test -x "$BUILD/bench/jose_bench" && echo "# (using the last build)"; }
BUILD=$(cd "$BUILD" && pwd)
BENCH=$BUILD/bench/jose_bench
PKIT=$BUILD/pkit
TMP=$(mktemp -d /tmp/pkit-josebench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

load() {
	echo "# $(nproc) CPUs; $(uptime | sed 's/.*\(load average\)/\1/')"
}

inproc() {
	load
	i=1
	while test "$i" -le "$RUNS"; do
		echo "## jose_bench run $i of $RUNS"
		# shellcheck disable=SC2086
		"$BENCH" ${BENCH_ARGS:-} | tee -a "$TMP/runs"
		i=$((i + 1))
	done
	load
	# The median of each figure over the runs; overheads from them.
	echo "## median of $RUNS runs"
	grep '^| [A-Z]' "$TMP/runs" | grep -v '^| alg' | awk -F'|' '
	function med(s,    a, n, t, i, j) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)	# insertion sort
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		alg = $2; gsub(/ /, "", alg)
		if (!(alg in seen)) { seen[alg] = 1; order[++nalg] = alg }
		rs[alg] = rs[alg] " " $3; ps[alg] = ps[alg] " " $4
		rv[alg] = rv[alg] " " $6; pv[alg] = pv[alg] " " $7
	}
	END {
		print "| alg | raw sign/s | pkit sign/s | overhead " \
		    "| raw verify/s | pkit verify/s | overhead |"
		print "|---|---:|---:|---:|---:|---:|---:|"
		for (k = 1; k <= nalg; k++) {
			a = order[k]
			s1 = med(rs[a]); s2 = med(ps[a])
			v1 = med(rv[a]); v2 = med(pv[a])
			printf "| %s | %.0f | %.0f | %+.0f%% | %.0f | %.0f " \
			    "| %+.0f%% |\n", a, s1, s2, (s1 / s2 - 1) * 100,
			    v1, v2, (v1 / v2 - 1) * 100
		}
	}'
}

kept() {
	load
	i=1
	while test "$i" -le "$RUNS"; do
		echo "## jose_bench -k run $i of $RUNS"
		# shellcheck disable=SC2086
		"$BENCH" -k ${BENCH_ARGS:-} | tee -a "$TMP/kept"
		i=$((i + 1))
	done
	load
	echo "## median of $RUNS runs"
	grep '^| [A-Z]' "$TMP/kept" | grep -v '^| alg' | awk -F'|' '
	function med(s,    a, n, t, i, j) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)	# insertion sort
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		alg = $2; gsub(/ /, "", alg)
		if (!(alg in seen)) { seen[alg] = 1; order[++nalg] = alg }
		rk[alg] = rk[alg] " " $3; pv[alg] = pv[alg] " " $4
	}
	END {
		print "| alg | raw verify, contexts kept/s | pkit verify/s " \
		    "| overhead |"
		print "|---|---:|---:|---:|"
		for (k = 1; k <= nalg; k++) {
			a = order[k]
			v1 = med(rk[a]); v2 = med(pv[a])
			printf "| %s | %.0f | %.0f | %+.0f%% |\n", a, v1, v2,
			    (v1 / v2 - 1) * 100
		}
	}'
}

jws() {
	load
	i=1
	while test "$i" -le "$RUNS"; do
		echo "## jose_bench -j run $i of $RUNS"
		# shellcheck disable=SC2086
		"$BENCH" -j ${BENCH_ARGS:-} | tee -a "$TMP/jws"
		i=$((i + 1))
	done
	load
	echo "## median of $RUNS runs"
	grep '^| [A-Z]' "$TMP/jws" | grep -v '^| alg' | awk -F'|' '
	function med(s,    a, n, t, i, j) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)	# insertion sort
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		alg = $2; gsub(/ /, "", alg)
		if (!(alg in seen)) { seen[alg] = 1; order[++nalg] = alg }
		rv[alg] = rv[alg] " " $3; sv[alg] = sv[alg] " " $4
		tv[alg] = tv[alg] " " $6
	}
	END {
		print "| alg | raw verify/s | pkit JWS verify/s | overhead " \
		    "| pkit JWT verify/s | overhead |"
		print "|---|---:|---:|---:|---:|---:|"
		for (k = 1; k <= nalg; k++) {
			a = order[k]
			v1 = med(rv[a]); v2 = med(sv[a]); v3 = med(tv[a])
			printf "| %s | %.0f | %.0f | %+.0f%% | %.0f | %+.0f%% |\n",
			    a, v1, v2, (v1 / v2 - 1) * 100, v3,
			    (v1 / v3 - 1) * 100
		}
	}'
}

speed() {
	load
	echo "## openssl speed -seconds 3 ecdsap256 rsa2048 ed25519"
	openssl speed -seconds 3 ecdsap256 rsa2048 ed25519 2>/dev/null |
		sed -n '/sign *verify/,$p'
}

process() {
	echo "## whole process: pkit crypto jwt verify (ES256), start-up"
	iss=https://ca.example.com
	aud=https://ca.example.com/1.0/sign
	"$PKIT" crypto jwk create "$TMP/pub.json" "$TMP/priv.json" \
		--kty EC --crv P-256 --no-password --insecure >/dev/null
	"$PKIT" crypto jwt sign --key "$TMP/priv.json" --iss "$iss" \
		--aud "$aud" --sub bench.example.com --exp 1h \
		</dev/null >"$TMP/token"
	verify="$PKIT crypto jwt verify --key $TMP/pub.json --iss $iss"
	verify="$verify --aud $aud $TMP/token"
	$verify >/dev/null
	i=1
	while test "$i" -le "$RUNS"; do
		load
		hyperfine -N --warmup 10 -r 300 --export-json "$TMP/hf.json" \
			"$PKIT path" "$PKIT version" "$verify" \
			"openssl version" >/dev/null 2>&1
		jq -r '.results[] | "\(.command)\t\(.median * 1000)\t" +
		    "\(.min * 1000)\t\((.user + .system) * 1000)"' \
		    "$TMP/hf.json" >>"$TMP/hf"
		i=$((i + 1))
	done
	load
	# Per command: the median of the runs' medians, the smallest time,
	# and the median of the runs' mean CPU time (user + system), which
	# a loaded machine disturbs less than the wall time.
	echo "| command | median | min | CPU |"
	echo "|---|---:|---:|---:|"
	sed "s|$TMP/||g; s|$BUILD/||g" "$TMP/hf" | awk -F'\t' '
	function med(a, c, m,    i, j, t) {
		for (i = 2; i <= m; i++)	# insertion sort
			for (j = i; j > 1 && a[c, j - 1] > a[c, j]; j--) {
				t = a[c, j]; a[c, j] = a[c, j - 1]
				a[c, j - 1] = t
			}
		return m % 2 ? a[c, (m + 1) / 2] : \
		    (a[c, m / 2] + a[c, m / 2 + 1]) / 2
	}
	{
		if (!($1 in n)) order[++ncmd] = $1
		v[$1, ++n[$1]] = $2 + 0
		cpu[$1, n[$1]] = $4 + 0
		if (!($1 in lo) || $3 + 0 < lo[$1]) lo[$1] = $3 + 0
	}
	END {
		for (k = 1; k <= ncmd; k++) {
			c = order[k]; m = n[c]
			printf "| `%s` | %.1f ms | %.1f ms | %.1f ms |\n", c,
			    med(v, c, m), lo[c], med(cpu, c, m)
		}
	}'
}

for s in $STEPS; do
	case $s in
	inproc | kept | jws | speed | process) $s ;;
	*) echo "usage: bench/jose.sh [BUILD_DIR [inproc|kept|jws|speed|process ...]]" >&2
	   exit 2 ;;
	esac
done
