/*
 * check.c - the proof checker (see check.h and docs/proof-format.md).
 *
 * Checking is bidirectional type checking of a natural-deduction proof
 * whose constants are the rules of sig.lf.  A node is either checked
 * against a known goal (IMPI, ANDI, TRUEI need one) or its type is
 * inferred (HYP, ANDL, ANDR, IMPE); ASC turns a goal-less position into a
 * checked one.  A rule's metavariables are bound by first-order matching
 * of its conclusion against the goal, then of each premise in order
 * against its proof's inferred type; a premise whose pattern is fully
 * bound is checked instead.  Terms are hash-consed, so "equal" is ref
 * equality, and lf_mk's canonical forms are the only conversion.  The
 * traversal keeps an explicit stack; nothing recurses.  Trusted.
 */
#include "check.h"
#include "sig_table.h"

static const char *const node_name[LF_N_NODES] = {
	"hyp", "impi", "impe", "andi", "andl", "andr", "truei", "let",
	"asc", "rule"
};

enum { CHECK, INFER };

/* One node being checked. */
struct frame {
	u32 at;			/* byte offset of the node, for messages */
	u32 idx;		/* node number, for messages */
	u8 op, mode, stage;
	u8 hyp;			/* IMPI, LET: pushed a hypothesis */
	u8 chk;			/* RULE: the last premise was checked */
	lf_ref goal;		/* CHECK: the expected proposition */
	lf_ref tmp;		/* IMPE: the result; ASC: the ascribed term */
	u32 rule;
	u32 bind;		/* RULE: index into the binding stack */
};

_Static_assert(SIG_MAXMV == LF_MAXMV, "check.h's binding size");

struct checker {
	const u8 *p;
	u32 n, pos;
	struct lf_tab *tab;
	lf_ref *terms;		/* the proof's term list */
	u32 nterms;
	struct frame *fr;	/* node stack */
	u32 nfr;
	lf_ref *hyp;		/* hypotheses in scope, innermost last */
	u32 nhyp;
	struct lf_binding *bd;	/* binding stack, one per RULE frame */
	u32 nbd;
	u32 nodes;
	u32 depth;		/* stack sizes: min(max_depth, proof bytes) */
	const struct lf_check_limits *lim;
	struct pccf_err *e;
};

int lf_uleb(const u8 *p, u32 n, u32 *pos, u64 *v)
{
	u64 r = 0;
	u32 i;

	for (i = 0; i < 10; i++) {
		if (*pos >= n)
			return -1;
		r |= (u64)(p[*pos] & 0x7f) << (7 * i);
		if (!(p[(*pos)++] & 0x80))
			break;
	}
	if (i == 10 || (i == 9 && p[*pos - 1] > 1))
		return -1;	/* longer than 64 bits */
	*v = r;
	return 0;
}

int lf_read_terms(const u8 *p, u32 n, u32 *pos, struct lf_tab *tab,
		  struct pccf_arena *ar, u32 max_terms, lf_ref **refs,
		  u32 *nrefs, struct pccf_err *e)
{
	u64 cnt, v[3];
	u32 i, j, at, nops;
	u8 kind, arity;

	if (lf_uleb(p, n, pos, &cnt))
		return pccf_fail(e, PCCF_EPROOF, "term list: bad count at byte %u", *pos);
	if (cnt > max_terms)
		return pccf_fail(e, PCCF_ELIMIT, "term list: %U terms exceed the limit of %u", cnt, max_terms);
	if (cnt > n - *pos)	/* each record takes at least one byte */
		return pccf_fail(e, PCCF_EPROOF, "term list: %U terms cannot fit in %u bytes", cnt, n - *pos);
	*refs = pccf_alloc(ar, (size_t)(cnt + 1) * sizeof(lf_ref));
	if (!*refs)
		return pccf_fail(e, PCCF_ELIMIT, "term list: out of memory for %U terms", cnt);
	for (i = 1; i <= cnt; i++) {
		at = *pos;
		if (*pos >= n)	/* records may be longer than a byte */
			return pccf_fail(e, PCCF_EPROOF, "term %u (byte %u): truncated", i, at);
		kind = p[(*pos)++];
		if (kind == LF_NONE || kind >= LF_NKINDS)
			return pccf_fail(e, PCCF_EPROOF, "term %u (byte %u): unknown kind %u", i, at, kind);
		arity = lf_kind_arity[kind];
		nops = kind == LF_VAR ? 2 : arity + lf_has_k(kind);
		v[0] = v[1] = v[2] = 0;
		for (j = 0; j < nops; j++)
			if (lf_uleb(p, n, pos, &v[j]))
				return pccf_fail(e, PCCF_EPROOF, "term %u (byte %u): truncated", i, at);
		for (j = 0; j < arity; j++) {
			if (v[j] == 0 || v[j] >= i)
				return pccf_fail(e, PCCF_EPROOF, "term %u (byte %u): operand %U is not an earlier term", i, at, v[j]);
			v[j] = (*refs)[v[j]];
		}
		if (kind == LF_VAR)		/* id, bits */
			(*refs)[i] = lf_mk(tab, kind, 0, (lf_ref)(v[1] > 64 ? 0 : v[1]), v[0]);
		else	/* the operands, then k; v[arity] is 0 for a kind without k */
			(*refs)[i] = lf_mk(tab, kind, arity >= 1 ? (lf_ref)v[0] : 0,
					   arity == 2 ? (lf_ref)v[1] : 0, v[arity]);
		if (tab->full)
			return pccf_fail(e, PCCF_ELIMIT, "term %u: term table full", i);
		if (!(*refs)[i])
			return pccf_fail(e, PCCF_EPROOF, "term %u (byte %u): ill-formed %s", i, at, lf_kind_name[kind]);
	}
	*nrefs = (u32)cnt;
	return 0;
}

static int fail(struct checker *c, const struct frame *f, const char *what)
{
	int named = f->op == LF_N_RULE && f->rule < SIG_NRULES;

	return pccf_fail(c->e, PCCF_EPROOF, "proof node %u (byte %u, %s%s%s): %s",
			 f->idx, f->at, node_name[f->op], named ? " " : "",
			 named ? sig_rules[f->rule].name : "", what);
}

/* push - start the node at the cursor in 'mode' against 'goal'. */
static int push(struct checker *c, u8 mode, lf_ref goal)
{
	struct frame *f;
	u64 v;

	if (c->nfr >= c->depth)
		return pccf_fail(c->e, PCCF_ELIMIT, "proof nesting deeper than %u at byte %u", c->depth, c->pos);
	if (c->nodes >= c->lim->max_nodes)
		return pccf_fail(c->e, PCCF_ELIMIT, "proof has more than %u nodes", c->lim->max_nodes);
	if (c->pos >= c->n)
		return pccf_fail(c->e, PCCF_EPROOF, "proof truncated: node %u expected at byte %u", c->nodes, c->pos);
	f = &c->fr[c->nfr++];
	pccf_memset(f, 0, sizeof(*f));
	f->at = c->pos;
	f->idx = c->nodes++;
	f->op = c->p[c->pos++];
	f->mode = mode;
	f->goal = goal;
	if (f->op >= LF_N_NODES)
		return pccf_fail(c->e, PCCF_EPROOF, "proof node %u (byte %u): unknown opcode %u", f->idx, f->at, f->op);
	if (f->op == LF_N_HYP || f->op == LF_N_ASC || f->op == LF_N_RULE) {
		if (lf_uleb(c->p, c->n, &c->pos, &v))
			return fail(c, f, "truncated operand");
		f->tmp = (lf_ref)(v > 0xffffffffu ? 0xffffffffu : v);
		f->rule = SIG_NRULES;	/* named once rule_step accepts it */
	}
	if (mode == INFER && (f->op == LF_N_IMPI || f->op == LF_N_ANDI ||
			      f->op == LF_N_TRUEI))
		return fail(c, f, "needs a goal here (wrap it in asc)");
	return 0;
}

static int pushhyp(struct checker *c, struct frame *f, lf_ref a)
{
	if (c->nhyp >= c->depth)
		return fail(c, f, "too many hypotheses in scope");
	c->hyp[c->nhyp++] = a;
	f->hyp = 1;
	return 0;
}

/* --- rules: matching and instantiation of sig_rules patterns --- */

/* split - 'x' as base + constant ('*base' 0 for a constant). */
static void split(const struct lf_tab *tab, lf_ref x, lf_ref *base, u64 *k)
{
	const struct lf_term *t = lf_get(tab, x);

	*base = x;
	*k = 0;
	if (t->kind == LF_CONST) {
		*base = 0;
		*k = t->k;
	} else if (t->kind == LF_ADD && lf_isconst(tab, t->b, k)) {
		*base = t->a;
	}
}

/* offset_of - the constant d with t = a + d (same base), or -1. */
static int offset_of(const struct lf_tab *tab, lf_ref t, lf_ref a, u64 *d)
{
	lf_ref bt, ba;
	u64 kt, ka;

	split(tab, t, &bt, &kt);
	split(tab, a, &ba, &ka);
	if (bt != ba)
		return -1;
	*d = kt - ka;
	return 0;
}

/* lf_match - see check.h. */
int lf_match(struct lf_tab *tab, const struct sig_rule *r, u8 root, lf_ref t,
	     struct lf_binding *b)
{
	/* each node of the tree under 'root' is pushed at most once, and
	 * siggen.py asserts no tree has more than SIG_MAXPAT nodes */
	struct { u8 p; lf_ref t; } st[SIG_MAXPAT];
	const struct sig_pat *q;
	const struct lf_term *tt;
	int n = 0;
	u64 k;

	st[n].p = root;
	st[n++].t = t;
	while (n > 0) {
		n--;
		q = &r->pat[st[n].p];
		t = st[n].t;
		tt = lf_get(tab, t);
		switch (q->op) {
		case SIG_P_MV: case SIG_P_PMV:
			if (lf_kind_isprop[tt->kind] != (q->op == SIG_P_PMV))
				return -1;
			if (b->bound & (1u << q->mv)) {
				if (b->mv[q->mv] != t)
					return -1;
			} else {
				b->mv[q->mv] = t;
				b->bound |= (u8)(1u << q->mv);
			}
			continue;
		case SIG_P_KMV:
			if (!lf_isconst(tab, t, &k))
				return -1;
			goto bindk;
		case SIG_P_BITMAX:
			if (!(b->bound & (1u << q->mv)) || !lf_isconst(tab, t, &k) ||
			    k != lf_bitmax(tab, b->mv[q->mv]))
				return -1;
			continue;
		case SIG_P_LIT:
			if (!lf_isconst(tab, t, &k) || k != q->k)
				return -1;
			continue;
		case SIG_P_CAPLEN:
			if (tt->kind != LF_VAR || tt->k != LF_V_CAPLEN)
				return -1;
			continue;
		}
		if (q->op == LF_ADD && r->pat[q->b].op == SIG_P_KMV &&
		    r->pat[q->a].op == SIG_P_MV &&
		    (b->bound & (1u << r->pat[q->a].mv))) {
			/* (add a k) with a bound: k is what t adds to a's base
			 * (lf_mk folds (x + c1) + c2, so a need not appear) */
			if (offset_of(tab, t, b->mv[r->pat[q->a].mv], &k))
				return -1;
			q = &r->pat[q->b];
			goto bindk;
		}
		if (q->op == LF_ADD && r->pat[q->b].op == SIG_P_KMV &&
		    !(tt->kind == LF_ADD && lf_isconst(tab, tt->b, &k))) {
			/* (add a k) against a term that is not a sum: k = 0 */
			st[n].p = q->a;		/* a matches t itself */
			st[n++].t = t;
			q = &r->pat[q->b];
			k = 0;
			goto bindk;
		}
		if (tt->kind != q->op)
			return -1;
		if (q->op == LF_INB) {	/* the access size is a constant mv */
			k = tt->k;
			st[n].p = q->a;
			st[n++].t = tt->a;
			st[n].p = q->b;
			st[n++].t = tt->b;
			goto bindk;
		}
		if (lf_kind_arity[q->op] >= 2) {
			st[n].p = q->b;
			st[n++].t = tt->b;
		}
		if (lf_kind_arity[q->op] >= 1) {
			st[n].p = q->a;
			st[n++].t = tt->a;
		}
		continue;
bindk:
		if (b->bound & (1u << q->mv)) {
			if (b->kv[q->mv] != k)
				return -1;
		} else {
			b->kv[q->mv] = k;
			b->bound |= (u8)(1u << q->mv);
		}
	}
	return 0;
}

/* lf_inst - see check.h.  Operands come before their nodes, so one pass
 * over the nodes under 'root' builds each from its operands.  A node that
 * needs an unbound metavariable is 0, and so is every node above it:
 * lf_mk rejects a 0 operand. */
lf_ref lf_inst(struct lf_tab *tab, const struct sig_rule *r, u8 root,
	       const struct lf_binding *b)
{
	lf_ref v[SIG_MAXPAT];
	const struct sig_pat *q;
	u8 i;

	for (i = 0; i <= root; i++) {
		q = &r->pat[i];
		v[i] = 0;
		if (!(r->pat[root].under & (1u << i)))
			continue;	/* not part of this term */
		if ((q->op == SIG_P_MV || q->op == SIG_P_PMV ||
		     q->op == SIG_P_KMV || q->op == SIG_P_BITMAX ||
		     q->op == LF_INB) &&
		    !(b->bound & (1u << q->mv)))
			continue;
		switch (q->op) {
		case SIG_P_MV: case SIG_P_PMV: v[i] = b->mv[q->mv]; break;
		case SIG_P_KMV: v[i] = lf_const(tab, b->kv[q->mv]); break;
		case SIG_P_BITMAX:
			v[i] = lf_const(tab, lf_bitmax(tab, b->mv[q->mv]));
			break;
		case SIG_P_LIT: v[i] = lf_const(tab, q->k); break;
		case SIG_P_CAPLEN: v[i] = lf_var(tab, LF_V_CAPLEN, 32); break;
		case LF_INB:
			v[i] = lf_mk(tab, LF_INB, v[q->a], v[q->b], b->kv[q->mv]);
			break;
		default:
			v[i] = lf_mk(tab, q->op,
				     lf_kind_arity[q->op] >= 1 ? v[q->a] : 0,
				     lf_kind_arity[q->op] >= 2 ? v[q->b] : 0, 0);
		}
	}
	return v[root];
}

/* sides - whether the side conditions of 'r' hold under 'b'. */
static int sides(const struct checker *c, const struct sig_rule *r,
		 const struct lf_binding *b)
{
	u8 i, x, y;

	for (i = 0; i < r->nside; i++) {
		x = r->side[i][1];
		y = r->side[i][2];
		if (!(b->bound & (1u << x)) || !(b->bound & (1u << y)))
			return -1;
		if (r->side[i][0] == SIG_S_LE && !(b->kv[x] <= b->kv[y]))
			return -1;
		if (r->side[i][0] == SIG_S_NOWRAP &&
		    lf_bitmax(c->tab, b->mv[x]) > ~0ull - b->kv[y])
			return -1;
		if (r->side[i][0] == SIG_S_BITLE &&
		    lf_bitmax(c->tab, b->mv[x]) > b->kv[y])
			return -1;
	}
	return 0;
}

/* rule_step - advance RULE frame 'f'; 'res' is the last child's type. */
static int rule_step(struct checker *c, struct frame *f, lf_ref res,
		     lf_ref *out, int *done)
{
	const struct sig_rule *r = &sig_rules[f->rule];
	struct lf_binding *b;
	lf_ref t;
	u8 i = f->stage;

	if (f->stage == 0) {
		if (f->tmp >= SIG_NRULES)
			return fail(c, f, "no such rule");
		f->rule = f->tmp;
		r = &sig_rules[f->rule];
		if (c->nbd >= c->depth)
			return fail(c, f, "rules nested too deeply");
		f->bind = c->nbd++;
		pccf_memset(&c->bd[f->bind], 0, sizeof(struct lf_binding));
		/* Matching the goal only binds metavariables early; a goal
		 * that folds (e.g. a constant for 'add a 1') may not match,
		 * and then the premises bind them.  The conclusion is always
		 * compared with the goal at the end. */
		if (f->mode == CHECK &&
		    lf_match(c->tab, r, r->concl, f->goal, &c->bd[f->bind]))
			pccf_memset(&c->bd[f->bind], 0, sizeof(struct lf_binding));
	}
	b = &c->bd[f->bind];
	if (i > 0 && !f->chk) {	/* premise i-1 was inferred: match it */
		if (lf_match(c->tab, r, r->prem[i - 1], res, b) ||
		    lf_inst(c->tab, r, r->prem[i - 1], b) != res)
			return pccf_fail(c->e, PCCF_EPROOF, "proof node %u (byte %u, rule %s): premise %u has the wrong form",
					 f->idx, f->at, r->name, (u32)i);
	}
	if (i < r->nprem) {
		f->stage++;
		t = lf_inst(c->tab, r, r->prem[i], b);
		f->chk = t != 0;
		if (t)
			return push(c, CHECK, t);
		if (c->tab->full)
			return pccf_fail(c->e, PCCF_ELIMIT, "term table full");
		return push(c, INFER, 0);
	}
	if (sides(c, r, b))
		return fail(c, f, "side condition fails");
	t = lf_inst(c->tab, r, r->concl, b);
	if (!t)
		return fail(c, f, c->tab->full ? "term table full" :
			    "a metavariable is not determined (add asc)");
	*out = t;
	*done = 1;
	c->nbd--;
	return 0;
}

/* step - advance the top frame; '*res' carries types up the stack. */
static int step(struct checker *c, lf_ref *res)
{
	struct frame *f = &c->fr[c->nfr - 1];
	const struct lf_term *g = lf_get(c->tab, f->goal);
	lf_ref t = 0;
	int done = 1, err;	/* a RULE frame may not be done yet */
	u8 s = f->stage;

	/* andl, andr, impe and let start by inferring their first child */
	if (s == 0 && (f->op == LF_N_ANDL || f->op == LF_N_ANDR ||
		       f->op == LF_N_IMPE || f->op == LF_N_LET)) {
		f->stage = 1;
		return push(c, INFER, 0);
	}
	switch (f->op) {
	case LF_N_HYP:
		if (f->tmp >= c->nhyp)
			return fail(c, f, "hypothesis index out of scope");
		t = c->hyp[c->nhyp - 1 - f->tmp];
		break;
	case LF_N_TRUEI:
		if (g->kind != LF_TRUE)
			return fail(c, f, "goal is not TRUE");
		t = f->goal;
		break;
	case LF_N_IMPI:
		if (s == 0) {
			if (g->kind != LF_IMP)
				return fail(c, f, "goal is not an implication");
			f->stage = 1;
			if ((err = pushhyp(c, f, g->a)))
				return err;
			return push(c, CHECK, g->b);
		}
		t = f->goal;
		break;
	case LF_N_ANDI:
		if (s == 0 && g->kind != LF_PAND)
			return fail(c, f, "goal is not a conjunction");
		if (s < 2) {
			f->stage++;
			return push(c, CHECK, s == 0 ? g->a : g->b);
		}
		t = f->goal;
		break;
	case LF_N_ANDL: case LF_N_ANDR:
		if (lf_get(c->tab, *res)->kind != LF_PAND)
			return fail(c, f, "premise is not a conjunction");
		t = f->op == LF_N_ANDL ? lf_get(c->tab, *res)->a :
		    lf_get(c->tab, *res)->b;
		break;
	case LF_N_IMPE:
		if (s == 1) {
			if (lf_get(c->tab, *res)->kind != LF_IMP)
				return fail(c, f, "premise is not an implication");
			f->tmp = lf_get(c->tab, *res)->b;
			f->stage = 2;
			return push(c, CHECK, lf_get(c->tab, *res)->a);
		}
		t = f->tmp;
		break;
	case LF_N_LET:
		if (s == 1) {
			f->stage = 2;
			if ((err = pushhyp(c, f, *res)))
				return err;
			return push(c, f->mode, f->goal);
		}
		t = *res;
		break;
	case LF_N_ASC:
		if (s == 0) {
			if (f->tmp == 0 || f->tmp > c->nterms ||
			    !lf_kind_isprop[lf_get(c->tab, c->terms[f->tmp])->kind])
				return fail(c, f, "ascribed term is not a proposition of the term list");
			f->tmp = c->terms[f->tmp];
			f->stage = 1;
			return push(c, CHECK, f->tmp);
		}
		t = f->tmp;
		break;
	case LF_N_RULE:
		done = 0;
		if ((err = rule_step(c, f, *res, &t, &done)))
			return err;
		break;
	}
	if (!done)
		return 0;
	if (f->mode == CHECK && t != f->goal)
		return fail(c, f, "proves a different proposition than the goal");
	if (f->hyp)
		c->nhyp--;
	*res = t;
	c->nfr--;
	return 0;
}

int lf_check(const u8 *proof, u32 n, lf_ref goal, struct lf_tab *tab,
	     struct pccf_arena *ar, const struct lf_check_limits *lim,
	     u32 *nodes, struct pccf_err *e)
{
	struct checker c = { .p = proof, .n = n, .tab = tab, .lim = lim, .e = e };
	lf_ref res = 0;
	int err;

	if (n == 0)
		return pccf_fail(e, PCCF_EPROOF, "empty proof");
	if ((err = lf_read_terms(proof, n, &c.pos, tab, ar, lim->max_terms,
				 &c.terms, &c.nterms, e)))
		return err;
	/* nesting never exceeds the nodes, nor the nodes the bytes */
	c.depth = lim->max_depth < n ? lim->max_depth : n;
	c.fr = pccf_alloc(ar, (size_t)c.depth * sizeof(*c.fr));
	c.hyp = pccf_alloc(ar, (size_t)c.depth * sizeof(*c.hyp));
	c.bd = pccf_alloc(ar, (size_t)c.depth * sizeof(*c.bd));
	if (!c.fr || !c.hyp || !c.bd)
		return pccf_fail(e, PCCF_ELIMIT, "checker: out of memory");
	if ((err = push(&c, CHECK, goal)))
		return err;
	while (c.nfr > 0)
		if ((err = step(&c, &res)))
			return err;
	*nodes = c.nodes;
	if (c.pos != n)
		return pccf_fail(e, PCCF_EPROOF, "proof has %u trailing bytes after its last node", n - c.pos);
	return 0;
}
