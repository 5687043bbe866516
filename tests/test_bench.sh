#!/bin/sh
# test_bench.sh - correctness of 'pccf bench' (issues 5 and 8), no timing
# assertions: option handling, the seeded trace (same seed, same bytes),
# the cross-check of every technique against libpcap's interpreter
# (including jit, domain, domain-batch, and pkey or its "unsupported"
# reason), the cross-check catching a corrupted result, the trusted-lines
# table, and the CSV/chart outputs.
#
#   sh tests/test_bench.sh [PCCF]     (default: the pccf next to this
#                                      script's directory, else build/pccf)
#
# Copied to BUILD/tests/test_bench it tests BUILD/pccf.  Ends with
# "N passed, M failed"; exits 1 on any failure.
set -u

here=$(dirname "$0")
if [ $# -ge 1 ]; then
	P=$1
elif [ -x "$here/../pccf" ]; then
	P=$here/../pccf
else
	P=build/pccf
fi
corpus=${PCCF_CORPUS:-}
for c in "$here/../../shared/corpus" "$here/../../../shared/corpus" ../shared/corpus /work/shared/corpus; do
	[ -n "$corpus" ] && break
	[ -d "$c" ] && corpus=$c
done
T=$(mktemp -d "${TMPDIR:-/tmp}/pccf-test-bench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
PCCF_BENCH_CACHE=$T/cache
export PCCF_BENCH_CACHE

npass=0
nfail=0

# ok NAME - record a pass; bad NAME WHY - record a failure.
ok() {
	npass=$((npass + 1))
	echo "ok   $1"
}
bad() {
	nfail=$((nfail + 1))
	echo "FAIL $1: $2"
}

# expect_rc NAME RC CMD... - run CMD (output to $T/out, $T/err), want RC.
expect_rc() {
	name=$1
	want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name"
	else
		bad "$name" "exit $rc, wanted $want; stderr: $(head -c 400 "$T/err")"
	fi
}

# check_counts FILE - every technique's accept count equals interp's
# (null: 0) on every line of a --quick output; prints problems.
check_counts() {
	awk '
	/^cross-check only/ { next }
	/^[^ ].*: interp=/ {
		n++
		want = ""
		for (i = 1; i <= NF; i++) {
			if ($i !~ /^[a-z-]+=([0-9]+|n\/a)$/) continue
			split($i, kv, "=")
			if (kv[1] == "interp") want = kv[2]
		}
		for (i = 1; i <= NF; i++) {
			if ($i !~ /^[a-z-]+=([0-9]+|n\/a)$/) continue
			split($i, kv, "=")
			if (kv[2] == "n/a") continue
			if (kv[1] == "null") { if (kv[2] != 0) print "null accepted " kv[2]; continue }
			if (kv[2] != want) print "line " n ": " kv[1] "=" kv[2] " interp=" want
		}
	}
	END { if (n == 0) print "no result lines" }' "$1"
}

# 1. usage
expect_rc "--help exits 0" 0 "$P" bench --help
grep -q -- "--reps" "$T/out" && ok "--help lists --reps" || bad "--help lists --reps" "no --reps"
expect_rc "--reps 0 is a usage error" 2 "$P" bench --reps 0
expect_rc "--mode warm is a usage error" 2 "$P" bench --mode warm
expect_rc "unknown technique is a usage error" 2 "$P" bench --tech interp,fast
expect_rc "unknown option is a usage error" 2 "$P" bench --frobnicate 1

# 2. the paper filters, cross-checked on a small generated trace
expect_rc "quick run on the paper filters" 0 "$P" bench --quick --packets 20000 --seed 7
cp "$T/out" "$T/quick.txt"
lines=$(grep -c '^[a-z_0-9]*: interp=' "$T/quick.txt")
[ "$lines" -eq 4 ] && ok "four paper filters reported" || bad "four paper filters reported" "$lines lines"
probs=$(check_counts "$T/quick.txt")
[ -z "$probs" ] && ok "every technique's accept count equals interp's" ||
	bad "every technique's accept count equals interp's" "$probs"
grep -q 'pcc=[0-9]' "$T/quick.txt" && ok "pcc ran (certified, verified, installed)" ||
	bad "pcc ran" "$(grep -m1 pcc "$T/quick.txt")"
zero=$(awk '/^[a-z_0-9]*: interp=/ { split($2, kv, "="); if (kv[2] == 0 || kv[2] >= 20000) print $1 }' "$T/quick.txt")
[ -z "$zero" ] && ok "each paper filter accepts some but not all packets" ||
	bad "each paper filter accepts some but not all packets" "$zero"

for t in jit domain-batch domain; do
	grep -q " $t=[0-9]" "$T/quick.txt" && ok "$t ran and was cross-checked" ||
		bad "$t ran and was cross-checked" "$(grep -m1 "$t=" "$T/quick.txt")"
done
if grep -q ' pkey=[0-9]' "$T/quick.txt"; then
	ok "pkey ran and was cross-checked"
elif grep -q ' pkey=n/a' "$T/quick.txt" && grep -q '^  pkey .*unsupported here: ' "$T/quick.txt"; then
	ok "pkey: unsupported here, reason given"
else
	bad "pkey ran or says why not" "$(grep -m1 pkey "$T/quick.txt")"
fi
# domain crosses per packet on its 20000-packet sample and in batches after
expect_rc "domain across its sample boundary" 0 "$P" bench --quick --packets 20300 --seed 3 --tech interp,domain,domain-batch
probs=$(check_counts "$T/out")
[ -z "$probs" ] && grep -q ' domain=[0-9]' "$T/out" && ok "domain agrees past its sample" ||
	bad "domain agrees past its sample" "$probs $(head -3 "$T/out")"

# 3. the trace is seeded: the same seed gives the same file
f1=$T/cache/trace-s7-n20000.pcap
if [ -f "$f1" ]; then
	mkdir -p "$T/cache2"
	PCCF_BENCH_CACHE=$T/cache2 "$P" bench --quick --packets 20000 --seed 7 --tech interp >/dev/null 2>&1
	cmp -s "$f1" "$T/cache2/trace-s7-n20000.pcap" && ok "same seed, same trace bytes" ||
		bad "same seed, same trace bytes" "files differ"
	PCCF_BENCH_CACHE=$T/cache2 "$P" bench --quick --packets 20000 --seed 8 --tech interp >/dev/null 2>&1
	cmp -s "$f1" "$T/cache2/trace-s8-n20000.pcap" && bad "another seed, another trace" "files equal" ||
		ok "another seed, another trace"
else
	bad "trace cached" "$f1 missing"
fi

# 4. a corrupted result is an error, not a row
for t in pcc c checked; do
	expect_rc "corrupted $t result exits 1" 1 "$P" bench --quick --packets 5000 --corrupt $t --tech interp,$t
	if grep -q "MISMATCH.*technique $t" "$T/err"; then
		ok "corrupted $t result named"
	elif grep -q "$t=n/a" "$T/out"; then
		ok "corrupted $t: technique not available here"
	else
		bad "corrupted $t result named" "$(head -c 300 "$T/err")"
	fi
done

# 5. timing path, CSV and charts (values not asserted)
expect_rc "timed run with CSV" 0 "$P" bench --reps 1 --mode both --packets 5000 --csv "$T/b.csv"
head -1 "$T/b.csv" | grep -qx 'filter,mode,technique,ns_median,ns_min,ns_max,accepted,packets' &&
	ok "CSV header" || bad "CSV header" "$(head -1 "$T/b.csv")"
badrows=$(awk -F, 'NR > 1 && (NF != 8 || $2 !~ /^(hot|cold)$/ ||
	$3 !~ /^(interp|checked|sfi|jit|rust|c|pcc|pkey|domain-batch|domain|null)$/ ||
	$8 != 5000 || $4 !~ /^[0-9.]+$/) { print NR": "$0 }' "$T/b.csv")
[ -z "$badrows" ] && ok "CSV rows well formed" || bad "CSV rows well formed" "$badrows"
n=$(awk -F, 'NR > 1 && $3 == "interp"' "$T/b.csv" | wc -l)
[ "$n" -eq 8 ] && ok "interp rows for 4 filters x 2 modes" || bad "interp rows" "$n"
grep -q 'not available' "$T/b.csv" && bad "no unavailable rows in CSV" "found" || ok "no unavailable rows in CSV"
mism=$(awk -F, 'NR > 1 && $3 == "interp" { a[$1] = $7 } NR > 1 && $3 != "interp" && $3 != "null" { b[$1 "," $3] = $7; f[$1 "," $3] = $1 }
	END { for (k in b) if (b[k] != a[f[k]]) print k }' "$T/b.csv")
[ -z "$mism" ] && ok "CSV accept counts agree with interp" || bad "CSV accept counts agree" "$mism"
for t in jit domain-batch domain; do
	n=$(awk -F, -v t=$t 'NR > 1 && $3 == t' "$T/b.csv" | wc -l)
	[ "$n" -eq 8 ] && ok "$t rows for 4 filters x 2 modes" || bad "$t rows" "$n"
done
if grep -q 'unsupported here' "$T/out"; then
	awk -F, 'NR > 1 && $3 == "pkey"' "$T/b.csv" | grep -q . &&
		bad "unsupported pkey has no CSV row" "row found" || ok "unsupported pkey has no CSV row"
fi
grep -q '^trusted lines:' "$T/out" && ok "trusted-lines table printed" || bad "trusted-lines table" "missing"
grep -Eq '^  pcc +[0-9]+ TCB ' "$T/out" && ok "pcc's trusted lines counted (tools/tcb.sh)" ||
	bad "pcc's trusted lines counted" "$(grep -m1 '^  pcc  ' "$T/out")"
grep -Eq '^  jit +[0-9]+ compiler ' "$T/out" && ok "jit's trusted lines: the compiler, counted" ||
	bad "jit's trusted lines" "$(grep -m1 '^  jit  ' "$T/out")"
grep -q 'byte-identical code on 4 of 4 filters' "$T/out" && ok "jit runs pcc's code, unverified" ||
	bad "jit runs pcc's code" "$(grep -m1 'pcc vs jit' "$T/out")"
expect_rc "hot windows replayed" 0 "$P" bench --reps 2 --mode hot --hot-replays 3 --packets 2000 --tech interp,c,pcc
grep -q 'filtered 3 times in a row' "$T/out" && ok "replays reported" || bad "replays reported" "$(head -4 "$T/out")"
expect_rc "--hot-replays 0 is a usage error" 2 "$P" bench --hot-replays 0
expect_rc "techniques taking turns of 2 windows" 0 "$P" bench --reps 3 --mode hot --turn 2 --packets 3000 --tech interp,checked,c,pcc
grep -q 'techniques take turns' "$T/out" && ok "turns reported" || bad "turns reported" "$(head -4 "$T/out")"
grep -q 'pcc at least as fast as C: .*paired quartiles' "$T/out" && ok "paired target line" ||
	bad "paired target line" "$(grep -m1 'as fast as C' "$T/out")"
expect_rc "--turn 0 is a usage error" 2 "$P" bench --turn 0
"$P" bench --reps 1 --mode both --packets 5000 >"$T/out" 2>"$T/err"
grep -q 'load time of pcc' "$T/out" && ok "load-time table printed" ||
	bad "load-time table printed" "missing"
if command -v gnuplot >/dev/null 2>&1; then
	expect_rc "charts" 0 "$P" bench --reps 1 --mode hot --packets 3000 --plot "$T/plots"
	[ -s "$T/plots/fig8-hot.png" ] && ok "fig8-hot.png written" || bad "fig8-hot.png" "missing"
	ls "$T"/plots/breakeven-*.png >/dev/null 2>&1 && ok "break-even charts written" ||
		echo "skip break-even charts (pcc did not run)"
else
	echo "skip charts: gnuplot not installed"
fi

# 6. filters from a file, and a replayed capture directory
printf '# comment\nip\ntcp port 80\nip6 and udp\n' >"$T/f.txt"
expect_rc "--filters FILE" 0 "$P" bench --quick --packets 3000 --filters "$T/f.txt"
probs=$(check_counts "$T/out")
[ -z "$probs" ] && ok "--filters FILE results agree" || bad "--filters FILE results agree" "$probs"
grep -q '^ip_all: interp=' "$T/out" && ok "a paper expression gets its paper name" ||
	bad "a paper expression gets its paper name" "$(head -3 "$T/out")"
printf 'ip and bogus\n' >"$T/g.txt"
expect_rc "an expression that does not compile is an error" 1 "$P" bench --quick --packets 3000 --filters "$T/g.txt"
if [ -d "$corpus/pcaps" ]; then
	expect_rc "replay of the corpus captures" 0 "$P" bench --quick --trace "$corpus/pcaps"
	probs=$(check_counts "$T/out")
	[ -z "$probs" ] && ok "corpus captures: results agree" || bad "corpus captures: results agree" "$probs"
else
	echo "skip corpus captures: $corpus/pcaps not found"
fi
expect_rc "a missing trace is an error" 1 "$P" bench --quick --trace "$T/none.pcap"

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
