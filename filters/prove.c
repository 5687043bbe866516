/*
 * prove.c - the prover: turns a VC into a proof the checker accepts.
 *
 * Untrusted.  It walks the VC goal-directed: conjunctions split (ANDI),
 * implications introduce hypotheses (IMPI), and each atomic obligation
 * is closed from the hypotheses in scope with a few proof shapes that
 * mirror why compiled code is safe: a length check dominating an access
 * (inb_i, ule_trans, nult, addk), a divisor tested against zero (nz_ult),
 * structural bounds (bits_k).  It never decides safety itself: a wrong
 * proof is simply rejected by the checker.  Terms named by the proof go
 * into the section's term list (lf_ser).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pccf/compat.h"
#include "check.h"
#include "prove.h"
#include "sig_table.h"

/* --- term serialization (docs/proof-format.md) --- */

struct lf_ser {
	const struct lf_tab *tab;
	uint32_t *idx;		/* ref -> 1-based list index, 0 = not yet */
	uint32_t n;
	struct buf out;
};

struct lf_ser *lf_ser_new(const struct lf_tab *tab)
{
	struct lf_ser *s = calloc(1, sizeof(*s));

	s->tab = tab;
	s->idx = calloc(tab->cap + 2, sizeof(uint32_t));
	return s;
}

static void ser_one(struct lf_ser *s, lf_ref r)
{
	const struct lf_term *t = lf_get(s->tab, r);
	uint8_t ar = lf_kind_arity[t->kind];

	buf_byte(&s->out, t->kind);
	if (t->kind == LF_VAR) {
		buf_uleb(&s->out, t->k);
		buf_uleb(&s->out, t->b);
	} else {
		if (ar >= 1)
			buf_uleb(&s->out, s->idx[t->a]);
		if (ar >= 2)
			buf_uleb(&s->out, s->idx[t->b]);
		if (lf_has_k(t->kind))
			buf_uleb(&s->out, t->k);
	}
	s->idx[r] = ++s->n;
}

uint32_t lf_ser_add(struct lf_ser *s, lf_ref root)
{
	lf_ref *st;
	size_t n = 0, cap = 64;
	const struct lf_term *t;

	if (s->idx[root])
		return s->idx[root];
	st = malloc(cap * sizeof(*st));
	st[n++] = root;
	while (n > 0) {		/* postorder: children first */
		lf_ref r = st[n - 1];
		uint8_t ar;
		int pending = 0;

		t = lf_get(s->tab, r);
		ar = t->kind == LF_VAR ? 0 : lf_kind_arity[t->kind];
		if (s->idx[r]) {
			n--;
			continue;
		}
		if (n + 2 >= cap)
			st = realloc(st, (cap *= 2) * sizeof(*st));
		if (ar >= 2 && !s->idx[t->b]) {
			st[n++] = t->b;
			pending = 1;
		}
		if (ar >= 1 && !s->idx[t->a]) {
			st[n++] = t->a;
			pending = 1;
		}
		if (!pending) {
			ser_one(s, r);
			n--;
		}
	}
	free(st);
	return s->idx[root];
}

void lf_ser_emit(struct lf_ser *s, struct buf *out)
{
	buf_uleb(out, s->n);
	buf_put(out, s->out.p, s->out.n);
}

void lf_ser_free(struct lf_ser *s)
{
	free(s->idx);
	free(s->out.p);
	free(s);
}

/* --- proof trees --- */

struct pn {
	uint8_t op;		/* enum lf_node */
	uint32_t arg;		/* HYP: hypothesis level; RULE: rule */
	lf_ref term;		/* ASC */
	struct pn *kid[3];
	int nk;
};

static struct pn *pn(uint8_t op, uint32_t arg)
{
	struct pn *p = calloc(1, sizeof(*p));

	p->op = op;
	p->arg = arg;
	return p;
}

static struct pn *pn1(struct pn *p, struct pn *k)
{
	p->kid[p->nk++] = k;
	return p;
}

static void pn_free(struct pn *p)
{
	int i;

	if (!p)
		return;
	for (i = 0; i < p->nk; i++)
		pn_free(p->kid[i]);
	free(p);
}

static int rule_id(const char *name)
{
	int i;

	for (i = 0; i < SIG_NRULES; i++)
		if (!strcmp(sig_rules[i].name, name))
			return i;
	fprintf(stderr, "prove: no rule %s in the signature\n", name);
	abort();
}

static struct pn *rule(const char *name)
{
	return pn(LF_N_RULE, (uint32_t)rule_id(name));
}

/* --- the prover's state --- */

/* A usable fact: a <= b (ULE), a < b (ULT) or a != 0 (NE0), with a proof
 * template rooted at hypothesis level 'lvl'. */
enum { F_ULE, F_ULT, F_NE0, F_PROP };
struct fact {
	int kind;
	lf_ref a, b;		/* F_PROP: a is the proposition */
	int lvl;
	const char *rule;	/* applied to the hypothesis path, or NULL */
	uint8_t path[8];	/* ANDL/ANDR steps from the hypothesis */
	int npath;
};

struct prover {
	struct lf_tab *tab;
	struct lf_ser *ser;
	struct buf tree;
	int depth;		/* hypotheses in scope */
	struct fact *f;
	int nf, capf;
	char *err;
	size_t errlen;
};

static void addfact(struct prover *p, struct fact x)
{
	if (p->nf == p->capf)
		p->f = realloc(p->f, (p->capf = p->capf * 2 + 16) * sizeof(*p->f));
	p->f[p->nf++] = x;
}

/* facts_of - the facts hypothesis 'h' (level 'lvl') gives, through
 * conjunctions. */
static void facts_of(struct prover *p, lf_ref h, int lvl)
{
	struct { lf_ref h; uint8_t path[8]; int npath; } st[32];
	int n = 0;

	st[n].h = h;
	st[n++].npath = 0;
	while (n > 0) {
		const struct lf_term *t, *u;
		struct fact x;

		n--;
		t = lf_get(p->tab, st[n].h);
		memset(&x, 0, sizeof(x));
		x.lvl = lvl;
		memcpy(x.path, st[n].path, sizeof(x.path));
		x.npath = st[n].npath;
		x.kind = F_PROP;
		x.a = st[n].h;
		addfact(p, x);
		if (t->kind == LF_PAND && st[n].npath < 8 && n + 2 < 32) {
			int k;

			for (k = 0; k < 2; k++) {
				st[n + k].h = k ? t->b : t->a;
				memcpy(st[n + k].path, x.path, sizeof(x.path));
				st[n + k].path[x.npath] = k ? LF_N_ANDR : LF_N_ANDL;
				st[n + k].npath = x.npath + 1;
			}
			n += 2;
			continue;
		}
		if (t->kind == LF_ULE) {
			x.kind = F_ULE; x.a = t->a; x.b = t->b;
		} else if (t->kind == LF_ULT) {
			x.kind = F_ULT; x.a = t->a; x.b = t->b;
		} else if (t->kind == LF_PNOT) {
			u = lf_get(p->tab, t->a);
			if (u->kind == LF_ULT) {
				x.kind = F_ULE; x.a = u->b; x.b = u->a; x.rule = "nult";
			} else if (u->kind == LF_ULE) {
				x.kind = F_ULT; x.a = u->b; x.b = u->a; x.rule = "nule";
			} else if (u->kind == LF_EQ && lf_isconst(p->tab, u->b, &(uint64_t){0}) &&
				   lf_get(p->tab, u->b)->k == 0) {
				x.kind = F_NE0; x.a = u->a;
			} else
				continue;
		} else
			continue;
		addfact(p, x);
	}
}

/* fact_proof - an inferable proof of fact 'x' at the current depth. */
static struct pn *fact_proof(const struct prover *p, const struct fact *x)
{
	struct pn *h = pn(LF_N_HYP, (uint32_t)(p->depth - 1 - x->lvl)), *t;
	int i;

	for (i = x->npath - 1; i >= 0; i--)
		h = pn1(pn(x->path[i], 0), h);
	if (x->rule) {
		t = rule(x->rule);
		h = pn1(t, h);
	}
	return h;
}

static lf_ref mk(struct prover *p, uint8_t k, lf_ref a, lf_ref b, uint64_t kk)
{
	return lf_mk(p->tab, k, a, b, kk);
}

/* split - a term as base + constant (base 0 for a constant). */
static void split(const struct lf_tab *tab, lf_ref t, lf_ref *base, uint64_t *k)
{
	const struct lf_term *x = lf_get(tab, t);

	if (x->kind == LF_CONST) {
		*base = 0;
		*k = x->k;
	} else if (x->kind == LF_ADD && lf_get(tab, x->b)->kind == LF_CONST) {
		*base = x->a;
		*k = lf_get(tab, x->b)->k;
	} else {
		*base = t;
		*k = 0;
	}
}

/* le_small - a checked proof of a <= b where both share a base (or are
 * constants, or a is bounded by its bits), or NULL. */
static struct pn *le_small(struct prover *p, lf_ref a, lf_ref b)
{
	lf_ref ba, bb, g = mk(p, LF_ULE, a, b, 0);
	uint64_t ka, kb;

	if (lf_get(p->tab, g)->kind == LF_TRUE)
		return pn(LF_N_TRUEI, 0);
	split(p->tab, a, &ba, &ka);
	split(p->tab, b, &bb, &kb);
	if (ba && ba == bb && ka <= kb && lf_bitmax(p->tab, ba) <= ~0ull - kb)
		return rule("addk");
	/* a masked index: (x & m) + k1 <= x + k2, x itself maybe y + c */
	if (ba && bb && lf_get(p->tab, ba)->kind == LF_AND) {
		lf_ref x = lf_get(p->tab, ba)->a, bx;
		uint64_t c;

		split(p->tab, x, &bx, &c);
		if (bx == bb && c <= kb && ka <= kb - c &&
		    lf_bitmax(p->tab, x) <= ~0ull - (kb - c))
			return rule("and_addk");
	}
	if (!bb && lf_bitmax(p->tab, a) <= kb)
		return rule("bits_k");
	return NULL;
}

/* prove_ule - a checked proof of ULE(a, b) from the facts, or NULL. */
static struct pn *prove_ule(struct prover *p, lf_ref a, lf_ref b)
{
	struct pn *q;
	int i;

	if ((q = le_small(p, a, b)))
		return q;
	for (i = p->nf - 1; i >= 0; i--) {
		const struct fact *x = &p->f[i];

		if (x->kind != F_ULE || x->b != b)
			continue;
		if (x->a == a)
			return fact_proof(p, x);
		if ((q = le_small(p, a, x->a)))
			return pn1(pn1(rule("ule_trans"), fact_proof(p, x)), q);
	}
	for (i = p->nf - 1; i >= 0; i--) {	/* a < b gives a + 1 <= b */
		const struct fact *x = &p->f[i];
		lf_ref a1;

		if (x->kind != F_ULT || x->b != b)
			continue;
		a1 = mk(p, LF_ADD, x->a, lf_const(p->tab, 1), 0);
		if (a1 == a)
			return pn1(rule("ult_succ"), fact_proof(p, x));
		if ((q = le_small(p, a, a1)))
			return pn1(pn1(rule("ule_trans"),
				       pn1(rule("ult_succ"), fact_proof(p, x))), q);
	}
	return NULL;
}

/* prove_atom - a checked proof of the atomic goal 'g', or NULL. */
static struct pn *prove_atom(struct prover *p, lf_ref g)
{
	const struct lf_term *t = lf_get(p->tab, g);
	struct pn *q;
	int i;

	for (i = p->nf - 1; i >= 0; i--)	/* the goal is a hypothesis */
		if (p->f[i].kind == F_PROP && p->f[i].a == g)
			return fact_proof(p, &p->f[i]);
	switch (t->kind) {
	case LF_INB: {
		lf_ref end = mk(p, LF_ADD, t->a, lf_const(p->tab, t->k), 0);

		if (lf_bitmax(p->tab, t->a) > ~0ull - t->k)
			return NULL;
		if (!(q = prove_ule(p, end, t->b)))
			return NULL;
		return pn1(rule("inb_i"), q);
	}
	case LF_ULE:
		return prove_ule(p, t->a, t->b);
	case LF_ULT:
		if (lf_get(p->tab, t->a)->kind == LF_CONST && lf_get(p->tab, t->a)->k == 0)
			for (i = p->nf - 1; i >= 0; i--)
				if (p->f[i].kind == F_NE0 && p->f[i].a == t->b)
					return pn1(rule("nz_ult"), fact_proof(p, &p->f[i]));
		for (i = p->nf - 1; i >= 0; i--)
			if (p->f[i].kind == F_ULT && p->f[i].a == t->a &&
			    p->f[i].b == t->b)
				return fact_proof(p, &p->f[i]);
		return NULL;
	}
	return NULL;
}

/* emit - serialize proof tree 'q' into the tree buffer. */
static void emit(struct prover *p, const struct pn *q)
{
	int i;

	buf_byte(&p->tree, q->op);
	if (q->op == LF_N_HYP || q->op == LF_N_RULE)
		buf_uleb(&p->tree, q->arg);
	if (q->op == LF_N_ASC)
		buf_uleb(&p->tree, lf_ser_add(p->ser, q->term));
	for (i = 0; i < q->nk; i++)
		emit(p, q->kid[i]);
}

static void describe(struct prover *p, lf_ref g);

/* prove - emit a proof of 'g' in the current context; -1 on failure. */
static int prove(struct prover *p, lf_ref g)
{
	const struct lf_term *t = lf_get(p->tab, g);
	struct pn *q;
	int nf, r;

	switch (t->kind) {
	case LF_TRUE:
		buf_byte(&p->tree, LF_N_TRUEI);
		return 0;
	case LF_PAND:
		buf_byte(&p->tree, LF_N_ANDI);
		return prove(p, t->a) || prove(p, t->b) ? -1 : 0;
	case LF_IMP:
		buf_byte(&p->tree, LF_N_IMPI);
		nf = p->nf;
		facts_of(p, t->a, p->depth++);
		r = prove(p, t->b);
		p->depth--;
		p->nf = nf;
		return r;
	}
	q = prove_atom(p, g);
	if (!q) {
		describe(p, g);
		return -1;
	}
	emit(p, q);
	pn_free(q);
	return 0;
}

static void describe(struct prover *p, lf_ref g)
{
	const struct lf_term *t = lf_get(p->tab, g);

	snprintf(p->err, p->errlen, "cannot prove obligation %s (term %u) from %d hypotheses",
		 lf_kind_name[t->kind], g, p->depth);
}

int prove_vc(struct lf_tab *tab, lf_ref vc, struct buf *proof, char *err,
	     size_t errlen)
{
	struct prover p;
	int r;

	memset(&p, 0, sizeof(p));
	p.tab = tab;
	p.ser = lf_ser_new(tab);
	p.err = err;
	p.errlen = errlen;
	r = prove(&p, vc);
	if (r == 0) {
		lf_ser_emit(p.ser, proof);
		buf_put(proof, p.tree.p, p.tree.n);
	}
	lf_ser_free(p.ser);
	free(p.tree.p);
	free(p.f);
	return r;
}

/* --- printing --- */

static const char *const node_names[LF_N_NODES] = {
	"hyp", "impi", "impe", "andi", "andl", "andr", "truei", "let", "asc",
	"rule"
};

/* print_terms - the term list, one record a line; returns the byte
 * offset after it, or 0 when it is malformed. */
static uint32_t print_terms(FILE *f, const uint8_t *p, uint32_t n)
{
	uint32_t pos = 0, i, j, nops;
	uint64_t cnt, v;

	if (lf_uleb(p, n, &pos, &cnt))
		return 0;
	fprintf(f, "terms: %llu\n", (unsigned long long)cnt);
	for (i = 1; i <= cnt && pos < n; i++) {
		uint8_t kind = p[pos++];

		if (kind == LF_NONE || kind >= LF_NKINDS)
			return 0;
		nops = kind == LF_VAR ? 2 : lf_kind_arity[kind] + lf_has_k(kind);
		fprintf(f, "  t%u = %s", i, lf_kind_name[kind]);
		for (j = 0; j < nops; j++) {
			if (lf_uleb(p, n, &pos, &v))
				return 0;
			fprintf(f, j < lf_kind_arity[kind] && kind != LF_VAR ?
				" t%llu" : " %llu", (unsigned long long)v);
		}
		fputc('\n', f);
	}
	return pos;
}

void print_proof(FILE *f, const uint8_t *p, size_t n)
{
	uint32_t pos = print_terms(f, p, (uint32_t)n), depth = 0;
	uint32_t *left = calloc(n + 1, sizeof(uint32_t));	/* kids to go */
	uint64_t v;

	if (!pos && n) {
		fprintf(f, "malformed term list\n");
		free(left);
		return;
	}
	fprintf(f, "proof:\n");
	while (pos < n) {
		uint8_t op = p[pos++];
		uint32_t kids = 0;

		fprintf(f, "%*s", 2 * (int)depth + 2, "");
		if (op >= LF_N_NODES) {
			fprintf(f, "?? opcode %u\n", op);
			break;
		}
		fprintf(f, "%s", node_names[op]);
		if (op == LF_N_HYP || op == LF_N_ASC || op == LF_N_RULE) {
			if (lf_uleb(p, (uint32_t)n, &pos, &v))
				break;
			if (op == LF_N_RULE && v < SIG_NRULES) {
				fprintf(f, " %s", sig_rules[v].name);
				kids = sig_rules[v].nprem;
			} else
				fprintf(f, op == LF_N_ASC ? " t%llu" : " %llu",
					(unsigned long long)v);
		}
		fputc('\n', f);
		kids += op == LF_N_IMPI || op == LF_N_ANDL || op == LF_N_ANDR ||
			op == LF_N_ASC;
		kids += 2 * (op == LF_N_IMPE || op == LF_N_ANDI || op == LF_N_LET);
		if (kids) {
			left[++depth] = kids;
			continue;
		}
		while (depth > 0 && --left[depth] == 0)
			depth--;
	}
	free(left);
}
