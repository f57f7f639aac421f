#!/bin/sh
# run.sh - run the libFuzzer harnesses of a --enable-fuzzing build.
#
#   tests/fuzz/run.sh [-b BUILDDIR] [-j JOBS] SECONDS [NAME...]
#
# Each harness (all of them, or the NAMEs: x509 key jose jwk sshcert
# template ca) runs for SECONDS, one after the other, at low priority,
# starting from its checked-in seeds (tests/fuzz/corpus/NAME, read only)
# and a scratch corpus under BUILDDIR/fuzz-work/NAME that grows and is
# kept between runs.  Crashes, leaks and timeouts are written to
# BUILDDIR/fuzz-work/NAME/findings/.  A summary line per harness
# ("NAME: N execs in S s, C corpus units, F findings (exit R)") goes to
# stdout and to BUILDDIR/fuzz-work/summary.txt.  Exit status 1 when any
# harness found something.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=.
jobs=1
while [ $# -gt 0 ]; do
	case $1 in
	-b) build=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "usage: $0 [-b BUILDDIR] [-j JOBS] SECONDS [NAME...]" >&2; exit 2; }
secs=$1; shift
names=${*:-x509 key jose jwk sshcert template ca}
build=$(cd "$build" && pwd)
work=$build/fuzz-work
mkdir -p "$work"
status=0
for name in $names; do
	bin=$build/tests/fuzz/fuzz_$name
	[ -x "$bin" ] || { echo "$name: $bin not built (make fuzzers)" >&2; status=1; continue; }
	mkdir -p "$work/$name/corpus" "$work/$name/findings"
	log=$work/$name/last.log
	# -jobs > 1 forks workers that each run the time; one is the default.
	extra=
	[ "$jobs" -gt 1 ] && extra="-jobs=$jobs -workers=$jobs"
	t0=$(date +%s)
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	nice -n 10 "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=16384 -print_final_stats=1 \
		-artifact_prefix="$work/$name/findings/" $extra \
		"$work/$name/corpus" "$here/corpus/$name" >"$log" 2>&1
	rc=$?
	took=$(( $(date +%s) - t0 ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s+=$1} END {print s+0}')
	units=$(ls "$work/$name/corpus" | wc -l)
	found=$(ls "$work/$name/findings" | wc -l)
	line="$name: $execs execs in $took s, $units corpus units, $found findings (exit $rc)"
	echo "$line"
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $line" >>"$work/summary.txt"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		status=1
		grep -m3 -E 'ERROR|SUMMARY|fuzz_ca:' "$log" >&2
	fi
done
exit $status
