#!/bin/sh
# run.sh BUILD_DIR SECONDS [HARNESS] - fuzz pccf_verify for SECONDS s.
#
# Runs BUILD_DIR/fuzz/HARNESS (libFuzzer + ASan + UBSan; fuzz_verify,
# the default, takes whole objects; fuzz_proof takes a selector, the
# annotation and the proof section for fixed code, see fuzz_proof.c) on
# the working corpus BUILD_DIR/fuzz/corpus-HARNESS, which starts from
# the seeds in BUILD_DIR/fuzz/seeds (tests/fuzz/mkseeds.sh; for
# fuzz_proof their annotation and proof sections, cut out with
# BUILD_DIR/pccf unpack) and the regression inputs of tests/fuzz/regress,
# and keeps growing across runs.  Any crash, leak, timeout (> 10 s for
# one input) or out-of-memory input is copied into tests/fuzz/regress/
# as an object (fuzz_proof inputs are converted; test_hostile replays
# that directory) and the run fails.  Prints libFuzzer's final statistics and one summary line:
#   "fuzz: N execs in S s, cov C, ft F, corpus K inputs, 0 crashes".
# Extra libFuzzer flags may be passed in FUZZ_ARGS.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS [fuzz_verify|fuzz_proof]" >&2
	exit 2
fi
B=$1
SECS=$2
H=${3:-fuzz_verify}
here=$(cd "$(dirname "$0")" && pwd)
F=$B/fuzz
C=$F/corpus-$H
A=$F/artifacts-$H
mkdir -p "$C" "$A" "$here/regress"
rm -f "$A"/*
if [ "$H" = fuzz_proof ]; then
	# [selector 0][u16 annotation length][annotation][proof] per seed
	t=$(mktemp -d)
	for s in "$F"/seeds/*.pcc "$here"/regress/*; do
		[ -f "$s" ] || continue
		rm -rf "$t/u"
		"$B/pccf" unpack "$s" "$t/u" >/dev/null 2>&1 || continue
		na=$(wc -c <"$t/u/annot.bin")
		[ "$na" -lt 65536 ] || continue
		{ printf "\\000\\$(printf %o $((na % 256)))\\$(printf %o $((na / 256)))"
		  cat "$t/u/annot.bin" "$t/u/proof.bin"; } >"$C/$(basename "$s")"
	done
	rm -rf "$t"
else
	cp "$F"/seeds/*.pcc "$C/" 2>/dev/null
	for r in "$here"/regress/*; do
		[ -f "$r" ] && cp "$r" "$C/"
	done
fi
log=$F/$H.log
"$F/$H" "$C" -max_total_time="$SECS" -timeout=10 \
	-rss_limit_mb=4096 -max_len=65536 -len_control=200 \
	-print_final_stats=1 -artifact_prefix="$A/" ${FUZZ_ARGS:-} \
	>"$log" 2>&1
rc=$?
grep -E '^(#[0-9]+[[:space:]]+DONE|stat::|Done )' "$log"
ncrash=0
for a in "$A"/*; do
	[ -f "$a" ] || continue
	ncrash=$((ncrash + 1))
	dst=$here/regress/$H-$(basename "$a").pcc
	tmpd=$F/$H.new.pcc
	if [ "$H" = fuzz_proof ]; then
		python3 - "$a" "$tmpd" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
codes = [(bytes.fromhex("31c04883fe0e720d0fb7570c83fa080f94c0c1e012e900000000"), 0x16),
         (bytes.fromhex("31c0e900000000"), 3)]
c, rel = codes[(d[0] if d else 0) % 2]
na = d[1] | d[2] << 8 if len(d) > 2 else 0
rest = d[3:]
na = min(na, len(rest))
a, p = rest[:na], rest[na:]
hdr = b"PCCF\1\0\1\0" + struct.pack("<IIII", len(c), 8, len(a), len(p))
open(sys.argv[2], "wb").write(hdr + c + struct.pack("<II", rel, 1) + a + p)
PY
	else
		cp "$a" "$tmpd"
	fi
	old=
	for r in "$here"/regress/*; do
		[ -f "$r" ] && cmp -s "$r" "$tmpd" && old=$r
	done
	if [ -n "$old" ]; then
		rm -f "$tmpd"
		echo "fuzz: failing input, already kept as $old"
	else
		mv "$tmpd" "$dst"
		echo "fuzz: new failing input $dst"
	fi
done
last=$(grep -E '^#[0-9]+' "$log" | tail -1)
execs=$(printf '%s' "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
cov=$(printf '%s' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s' "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
echo "fuzz: $H: ${execs:-0} execs in $SECS s, cov ${cov:-?}, ft ${ft:-?}," \
	"corpus $(ls "$C" | wc -l) inputs, $ncrash crashes"
if [ $rc -ne 0 ] || [ $ncrash -ne 0 ]; then
	tail -40 "$log"
	exit 1
fi
