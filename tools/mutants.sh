#!/bin/sh
# mutants.sh - mutation check of the trusted core (issue 7).
#
# Copies the source tree (without build/ and coq/) to a temporary
# directory, builds it once, and checks that the fast suites pass there.
# Then, one at a time, applies each deliberate bug below to the copy
# (never to this tree), rebuilds incrementally, runs the fast suites:
#   test_obj test_decode test_vc test_check test_model(2000) test_host
#   test_paper_ref test_hostile (without the regress replay), and a
#   short soundness hunt (build/tools/mutate, 10 mutants per seed object,
#   whose first check is that every seed is accepted and runs safely)
# and restores the file.  A mutant is killed when some suite fails
# (non-zero exit, crash or timeout).  MUT_SLOW=1 adds test_reject.sh.
# MUT_ONLY=ID runs one mutant.  Prints one line per mutant and
#   "mutants: K killed of N (S survived)"; exits 1 if any survived.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/pccf-mutants.XXXXXX)
trap 'rm -rf "$W"' EXIT
SUITES="test_obj test_decode test_vc test_check test_model test_host test_paper_ref test_hostile"
TO=${MUT_TIMEOUT:-120}

(cd "$ROOT" && tar cf - --exclude=./build --exclude=./coq --exclude=./.git .) |
	(cd "$W" && tar xf -)
mkdir -p "$W/empty-regress"

build() {
	targets="build/pccf build/tools/mutate"
	for s in $SUITES; do targets="$targets build/tests/$s"; done
	(cd "$W" && make -s -j2 -f - $targets >"$W/build.log" 2>&1 <<'MK'
include Makefile
include tests/fuzz/fuzz.mk
MK
	)
}

# run_suites - 0 when every suite passes in the copy.
run_suites() {
	for s in $SUITES; do
		arg=
		[ "$s" = test_model ] && arg=2000
		if ! (cd "$W" && PCCF_REGRESS_DIR= PCCF_CORPUS=/work/shared/corpus timeout "$TO" "build/tests/$s" $arg \
			>"$W/$s.log" 2>&1); then
			echo "$s"
			return 1
		fi
	done
	if ! (cd "$W" && timeout "$TO" build/tools/mutate -n 10 -o "$W/empty-regress" \
		-c /work/shared/corpus/pcaps-libpcap "$ROOT"/build/fuzz/seeds/*.pcc \
		>"$W/hunt.log" 2>&1); then
		echo "hunt"
		return 1
	fi
	if [ "${MUT_SLOW:-0}" = 1 ] && ! (cd "$W" && timeout 600 sh tests/test_reject.sh \
		build/pccf >"$W/reject.log" 2>&1); then
		echo "test_reject.sh"
		return 1
	fi
	return 0
}

if [ ! -d "$ROOT/build/fuzz/seeds" ]; then
	echo "mutants: no seeds; run 'make hunt-short' (or tests/fuzz/mkseeds.sh) first" >&2
	exit 2
fi
build || { tail -20 "$W/build.log"; echo "mutants: baseline build failed"; exit 2; }
if ! f=$(run_suites); then
	echo "mutants: baseline suite $f fails; fix that first"
	exit 2
fi
echo "mutants: baseline builds and passes"

total=0
killed=0
survivors=""
# ID~file~original text (exactly once)~mutated text
while IFS='~' read -r id file old new; do
	case $id in ''|'#'*) continue ;; esac
	[ -n "${MUT_ONLY:-}" ] && [ "$id" != "$MUT_ONLY" ] && continue
	total=$((total + 1))
	cp "$W/$file" "$W/$file.orig"
	if ! python3 - "$W/$file" "$old" "$new" <<'PY'
import sys
p, old, new = sys.argv[1:]
s = open(p).read()
if s.count(old) != 1:
    sys.exit("pattern found %d times" % s.count(old))
open(p, "w").write(s.replace(old, new))
PY
	then
		echo "mutant $id: NOT APPLICABLE ($file changed?)"
		total=$((total - 1))
		continue
	fi
	touch "$W/$file"
	if ! build; then
		verdict="killed (does not build)"
		killed=$((killed + 1))
	elif f=$(run_suites); then
		verdict="SURVIVED"
		survivors="$survivors $id"
	else
		verdict="killed by $f"
		killed=$((killed + 1))
	fi
	echo "mutant $id ($file): $verdict"
	mv "$W/$file.orig" "$W/$file"
	touch "$W/$file"
done <<'MUTANTS'
goal~checker/check.c~if (f->mode == CHECK && t != f->goal)~if (0 && f->mode == CHECK && t != f->goal)
hyp-scope~checker/check.c~if (f->tmp >= c->nhyp)~if (f->tmp > c->nhyp)
side-le~checker/check.c~!(b->kv[x] <= b->kv[y])~!(b->kv[x] <= b->kv[y] + 1)
side-nowrap~checker/check.c~r->side[i][0] == SIG_S_NOWRAP &&~r->side[i][0] == SIG_S_NOWRAP && 0 &&
side-bitle~checker/check.c~r->side[i][0] == SIG_S_BITLE &&~r->side[i][0] == SIG_S_BITLE && 0 &&
truei~checker/check.c~if (g->kind != LF_TRUE)~if (0)
impe-kind~checker/check.c~if (lf_get(c->tab, *res)->kind != LF_IMP)~if (0)
premise-form~checker/check.c~lf_inst(c->tab, r, r->prem[i - 1], b) != res)~0)
forward-ref~checker/check.c~if (v[j] == 0 || v[j] >= i)~if (v[j] == 0 || v[j] > i)
trailing~checker/check.c~if (c.pos != n)~if (0)
asc-range~checker/check.c~f->tmp == 0 || f->tmp > c->nterms~f->tmp > c->nterms + 1
lit-match~checker/check.c~if (!lf_isconst(tab, t, &k) || k != q->k)~if (!lf_isconst(tab, t, &k))
andl-swap~checker/check.c~t = f->op == LF_N_ANDL ? lf_get(c->tab, *res)->a :~t = f->op != LF_N_ANDL ? lf_get(c->tab, *res)->a :
fold-ult~checker/lf_term.c~case LF_ULT: return x < y;~case LF_ULT: return x <= y;
bits-add~checker/lf_term.c~case LF_ADD: return min8(64, max8(ba, bb) + 1);~case LF_ADD: return min8(64, max8(ba, bb));
var-bits~checker/lf_term.c~return k > 3 || b == fixed_bits[k];~return k > 3 || b >= fixed_bits[k];
and-mask~checker/lf_term.c~if (cb && (y | lf_bitmax(tab, a)) == y)~if (cb && (y & lf_bitmax(tab, a)) == y)
ult-zero~checker/lf_term.c~if (kind == LF_ULT && lf_isconst(tab, b, &y) && y == 0)~if (kind == LF_ULT && lf_isconst(tab, a, &y) && y == 0)
obj-total~kernel/obj.c~if (total != len)~if (total > len)
obj-reloc~kernel/obj.c~off > o->ncode - 4)~off > o->ncode)
annot-index~kernel/verify.c~t == 0 || t > nt ||~t == 0 || t > nt + 1 ||
no-check~kernel/verify.c~return lf_check(out->obj.proof~return 0 * lf_check(out->obj.proof
reloc-ret~vcgen/vc_gen.c~	for (i = 0; i < g->rel->n; i++) {~	for (i = 0; i < 0 * g->rel->n; i++) {
cycle~vcgen/vc_gen.c~if (g->nd[w].dfs == 1)~if (0)
merge-taint~vcgen/vc_gen.c~|| tx->taint || ty->taint)~)
cond-taint~vcgen/vc_step.c~	if (taint(m, c))~	if (0)
inb-size~vcgen/vc_step.c~atom = mk(m, LF_INB, off, lf_var(m->tab, LF_V_CAPLEN, 32), n);~atom = mk(m, LF_INB, off, lf_var(m->tab, LF_V_CAPLEN, 32), 1);
pkt-write~vcgen/vc_step.c~if (taint(m, ea) == LF_T_PKT)~if (0)
decode-end~vcgen/x86_decode.c~if (d->pos >= d->len)~if (d->pos > d->len)
branch-range~vcgen/x86_decode.c~if (t < 0 || t >= (s64)d->len)~if (t < 0 || t > (s64)d->len)
MUTANTS
echo "mutants: $killed killed of $total ($((total - killed)) survived:${survivors:- none})"
[ -z "$survivors" ]
