#!/bin/sh
# coq-check.sh - build and check pccf's Coq development (coq/), and re-check
# exported certificates against it.
#
#   tools/coq-check.sh build [B]      regenerate coq/Sig.v from checker/sig.lf,
#                                     compile coq/*.v into B/coq (B = build),
#                                     refuse Admitted/admit/Axiom/Parameter,
#                                     and require "Closed under the global
#                                     context" for the final theorems
#   tools/coq-check.sh check F.v [B]  compile an exported certificate against
#                                     B/coq; fails if Coq rejects it or if it
#                                     depends on any axiom
#   tools/coq-check.sh suite [B]      export and re-check the paper filters
#                                     (certified here) and 50 compiled corpus
#                                     filters; tampered proofs must fail in
#                                     Coq as in C; prints the median Coq time
#                                     (EXPORT overrides "B/pccf export-coq")
#
# Needs coqc (Debian: apt-get install coq; 8.16).  Untrusted tooling: Coq's
# kernel is what checks.
set -eu
cd "$(dirname "$0")/.."
cmd=${1:-build}
B=${3:-${2:-build}}
[ "$cmd" = check ] && B=${3:-build}
OUT=$B/coq
ORDER="Sem Rewrite Sig Rules Export"
BANNED='\<(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Conjecture|Hypothesis)\>'

die() { echo "coq-check: $*" >&2; exit 1; }
command -v coqc >/dev/null || die "coqc not found (apt-get install coq)"

# closed FILE THEOREM... - Print Assumptions of each theorem must be closed
closed() {
	lib=$1; shift
	chk=$OUT/Assumptions_$$.v
	{ echo "From Pccf Require Import $lib."
	  for t in "$@"; do echo "Print Assumptions $t."; done; } > "$chk"
	res=$(coqc -Q "$OUT" Pccf "$chk" 2>&1) || die "Print Assumptions failed: $res"
	rm -f "$chk" "${chk%.v}.vo" "${chk%.v}.vok" "${chk%.v}.vos" "${chk%.v}.glob" \
	      "$(dirname "$chk")/.$(basename "${chk%.v}").aux"
	n=$(printf '%s\n' "$res" | awk '/Closed under the global context/ { n++ } END { print n + 0 }')
	[ "$n" -eq "$#" ] || { printf '%s\n' "$res" >&2; die "assumptions remain in $*"; }
	echo "coq-check: $*: Closed under the global context"
}

case $cmd in
build)
	mkdir -p "$OUT"
	python3 tools/siggen.py coq checker/sig.lf > "$OUT/Sig.v.new"
	if ! cmp -s "$OUT/Sig.v.new" coq/Sig.v; then
		cp "$OUT/Sig.v.new" coq/Sig.v
		echo "coq-check: regenerated coq/Sig.v from checker/sig.lf"
	fi
	rm -f "$OUT/Sig.v.new"
	if grep -nE "$BANNED" coq/*.v; then die "forbidden vernacular in coq/"; fi
	for f in $ORDER; do
		cp coq/$f.v "$OUT/$f.v"
		echo "coqc $f.v"
		( cd "$OUT" && coqc -Q . Pccf "$f.v" ) || die "$f.v does not compile"
	done
	nrules=$(python3 tools/siggen.py list checker/sig.lf | wc -l)
	nproved=$(grep -c '^Lemma rule_' coq/Rules.v)
	echo "coq-check: $nrules signature rules, $nproved proven (all_rules_sound covers all)"
	closed Rules all_rules_sound deriv_sound vc_sound Rewrite.mkb_sound Sem.bits_sound
	;;
check)
	v=${2:?usage: coq-check.sh check F.v [B]}
	[ -f "$OUT/Rules.vo" ] || die "build the development first: tools/coq-check.sh build"
	if grep -nE "$BANNED" "$v"; then die "$v: forbidden vernacular"; fi
	name=$(basename "$v" .v | tr -c 'A-Za-z0-9_\n' '_')
	case $name in [A-Za-z]*) ;; *) name=C$name ;; esac
	tmp=$B/coq-cert; mkdir -p "$tmp"
	cp "$v" "$tmp/$name.v"
	rm -f "$tmp/$name.vo"
	if ! log=$(cd "$tmp" && coqc -Q ../coq Pccf -Q . Cert "$name.v" 2>&1) ||
	   [ ! -f "$tmp/$name.vo" ]; then
		printf '%s\n' "$log" | grep -v 'remapped\|overriding' | head -8 >&2
		die "$v: Coq rejects the certificate"
	fi
	chk=$tmp/Chk_$name.v
	printf 'From Cert Require Import %s.\nPrint Assumptions %s.certificate.\n' "$name" "$name" > "$chk"
	res=$(cd "$tmp" && coqc -Q ../coq Pccf -Q . Cert "$(basename "$chk")" 2>&1) || die "$res"
	printf '%s\n' "$res" | grep -q 'Closed under the global context' ||
		{ printf '%s\n' "$res" >&2; die "$v: the certificate depends on assumptions"; }
	echo "coq-check: $v: accepted by Coq, closed under the global context"
	;;
suite)
	B=${2:-build}
	EXPORT=${EXPORT:-"$B/pccf export-coq"}
	[ -f "$OUT/Rules.vo" ] || "$0" build "$B"
	d=$B/coq-suite; rm -rf "$d"; mkdir -p "$d/corpus"
	pass=0; fail=0; : > "$d/times"
	# the paper's eight filters (assembly and C), certified here
	sh tools/mkpaper.sh "$d/paper" || die "mkpaper failed"
	for o in "$d"/paper/*.o; do
		"$B/pccf" certify "$o" -o "$d/$(basename "$o" .o).pcc" ||
			die "cannot certify $o"
	done
	awk -F'\t' 'NR > 1 && $1 == "accept" && $3 == "" { print $8 }' \
	    ../shared/corpus/filters/en10mb-sources.tsv 2>/dev/null |
	    awk 'NR % 7 == 1' | head -60 > "$d/corpus/exprs"
	i=0
	while IFS= read -r ex; do
		i=$((i + 1))
		# an expression libpcap rejects is simply not exported
		if ! "$B/pccf" compile "$ex" -o "$d/corpus/c$i.pcc" >/dev/null 2>&1; then
			rm -f "$d/corpus/c$i.pcc"
		fi
	done < "$d/corpus/exprs"
	for f in "$d"/*.pcc "$d"/corpus/*.pcc; do
		v=${f%.pcc}.v
		if ! $EXPORT "$f" -o "$v"; then fail=$((fail + 1)); continue; fi
		t0=$(date +%s%N)
		if "$0" check "$v" "$B" >/dev/null; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
		echo $(( ($(date +%s%N) - t0) / 1000000 )) >> "$d/times"
	done
	echo "coq-check: exported certificates: $pass passed, $fail failed;" \
	     "median Coq time $(sort -n "$d/times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') ms"
	python3 coq/tamper.py "$B/pccf" "$EXPORT" "$d/tcp_dst21_c.pcc" "$d/tamper" "$B" | tail -1
	[ "$fail" -eq 0 ] && [ "$pass" -ge 58 ]
	;;
*) die "usage: coq-check.sh build [B] | check F.v [B] | suite [B]" ;;
esac
