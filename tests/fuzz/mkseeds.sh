#!/bin/sh
# mkseeds.sh PCCF OUTDIR [N] - build the fuzzing and mutation-hunt seeds:
# certified objects of the 8 paper filters (paper_*.pcc) and of about N
# (default 100) corpus expressions (expr_*.pcc), sampled evenly from
# /work/shared/corpus/filters/en10mb.txt (or $PCCF_CORPUS_FILTERS).
# Expressions the compiler rejects are skipped.  Untrusted tooling: the
# seeds only steer the fuzzer; prints "N seeds in OUTDIR".
set -eu
if [ $# -lt 2 ]; then
	echo "usage: $0 PCCF OUTDIR [N]" >&2
	exit 2
fi
P=$1
OUT=$2
N=${3:-100}
LIST=${PCCF_CORPUS_FILTERS:-/work/shared/corpus/filters/en10mb.txt}
here=$(dirname "$0")
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sh "$here/../../tools/mkpaper.sh" "$tmp/paper"
for o in "$tmp"/paper/*.o; do
	n=$(basename "$o" .o)
	"$P" certify "$o" -o "$OUT/paper_$n.pcc" >/dev/null
done

if [ -r "$LIST" ]; then
	# Compile every expression, then keep N of those that compiled,
	# evenly spread over the list.
	mkdir -p "$tmp/all"
	i=0
	grep -v '^[[:space:]]*\(#\|$\)' "$LIST" | while IFS= read -r expr; do
		i=$((i + 1))
		"$P" compile "$expr" -o "$tmp/all/expr_$(printf %03d "$i").pcc" \
			>/dev/null 2>&1 || rm -f "$tmp/all/expr_$(printf %03d "$i").pcc"
	done
	ls "$tmp/all" | awk -v n="$N" '{ f[NR] = $0 }
		END { s = NR / n; if (s < 1) s = 1
		      for (x = 1; x <= NR && c < n; x += s) { print f[int(x)]; c++ } }' |
		while read -r f; do cp "$tmp/all/$f" "$OUT/$f"; done
fi
echo "$(ls "$OUT" | wc -l) seeds in $OUT"
