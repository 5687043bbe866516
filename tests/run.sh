#!/bin/sh
# run.sh BUILD_DIR - run every test suite, timing each.
#
# Runs BUILD_DIR/tests/test_* and then the ASan+UBSan builds of the same
# suites, BUILD_DIR/asan/tests/test_* (make test builds both), from the
# repository root.  For each suite it prints a header, the suite's own
# output, and "suite NAME: PASS|FAIL in S.SSs" (wall time); at the end
# "N passed, M failed" counting suites.  Exits 1 if any suite failed or
# if there was no suite at all.
#
# Environment:
#   SKIP_ASAN=1         skip the sanitizer builds (local quick runs only;
#                       CI never sets it)
#   PCCF_TEST_TIMEOUT   seconds before a suite is killed (default 1800)
#
# The Zydis differential suite is slow under ASan, so its asan copy runs
# with a smaller count (argv[1] = ASAN_ZYDIS_COUNT).
set -u

ASAN_ZYDIS_COUNT=100000
TIMEOUT=${PCCF_TEST_TIMEOUT:-1800}

if [ $# -ne 1 ]; then
	echo "usage: sh tests/run.sh BUILD_DIR" >&2
	exit 2
fi
case $1 in
/*) B=$1 ;;
*) B=$(pwd)/$1 ;;
esac
cd "$(dirname "$0")/.." || exit 2

# Make sanitizer reports fatal and readable; callers may override.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

npass=0
nfail=0
failed=""

# now_ns - wall clock in nanoseconds.
now_ns() {
	date +%s%N
}

# run_suite NAME BINARY [ARGS...] - run one suite and record its result.
run_suite() {
	name=$1
	shift
	echo "==== suite $name: $*"
	t0=$(now_ns)
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "run.sh: $1: missing or not executable"
		rc=127
	elif command -v timeout >/dev/null 2>&1; then
		timeout "$TIMEOUT" "$@"
		rc=$?
		[ $rc -eq 124 ] && echo "run.sh: $name killed after ${TIMEOUT}s"
	else
		"$@"
		rc=$?
	fi
	t1=$(now_ns)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	if [ $rc -eq 0 ]; then
		npass=$((npass + 1))
		echo "suite $name: PASS in ${secs}s"
	else
		nfail=$((nfail + 1))
		failed="$failed $name"
		echo "suite $name: FAIL in ${secs}s (exit $rc)"
	fi
	echo
}

nsuites=0
for t in "$B"/tests/test_*; do
	[ -f "$t" ] || continue
	case $t in *.o | *.d | *.dSYM) continue ;; esac
	nsuites=$((nsuites + 1))
	run_suite "$(basename "$t")" "$t"
done

if [ "${SKIP_ASAN:-0}" = 1 ]; then
	echo "run.sh: SKIP_ASAN=1: sanitizer suites skipped (not for CI)"
else
	# Every suite must also have its sanitizer build.  Suites that read
	# PCCF_QUICK run a smaller sample there.
	PCCF_QUICK=1
	export PCCF_QUICK
	for t in "$B"/tests/test_*; do
		[ -f "$t" ] || continue
		case $t in *.o | *.d | *.dSYM) continue ;; esac
		n=$(basename "$t")
		a="$B/asan/tests/$n"
		nsuites=$((nsuites + 1))
		case $n in
		test_zydis) run_suite "asan/$n" "$a" "$ASAN_ZYDIS_COUNT" ;;
		*) run_suite "asan/$n" "$a" ;;
		esac
	done
	unset PCCF_QUICK
fi

# Shell suites drive the tool itself: the normal build, then the ASan one.
for t in tests/test_*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	nsuites=$((nsuites + 1))
	run_suite "$n" sh "$t" "$B/pccf"
	if [ "${SKIP_ASAN:-0}" != 1 ]; then
		nsuites=$((nsuites + 1))
		run_suite "asan/$n" sh "$t" "$B/asan/pccf"
	fi
done

# Hostile input: a short libFuzzer run on the consumer and the soundness
# hunt (mutated certified objects: rejected, or run under guard pages).
nsuites=$((nsuites + 1))
run_suite fuzz-short make -s B="$B" fuzz-short
nsuites=$((nsuites + 1))
run_suite hunt-short make -s B="$B" hunt-short

# Coq: the rules' soundness proofs, and exported certificates re-checked.
nsuites=$((nsuites + 1))
run_suite coq-build sh tools/coq-check.sh build "$B"
nsuites=$((nsuites + 1))
run_suite coq-certificates sh tools/coq-check.sh suite "$B"

# The kernel module under QEMU (installs what it needs; about a minute).
if [ "${SKIP_QEMU:-0}" = 1 ]; then
	echo "run.sh: SKIP_QEMU=1: the QEMU kernel test is skipped (not for CI)"
else
	nsuites=$((nsuites + 1))
	run_suite qemu-test sh tools/qemu-test.sh "$B"
fi

if [ $nsuites -eq 0 ]; then
	echo "run.sh: no test suites found under $B/tests"
	nfail=$((nfail + 1))
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "$npass passed, $nfail failed"
[ $nfail -eq 0 ]
