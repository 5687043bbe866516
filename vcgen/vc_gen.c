/*
 * vc_gen.c - the verification-condition generator: control-flow graph,
 * symbolic evaluation in topological order, and the VC of vc.h.
 *
 * The code is decoded by reachability from offset 0 with an explicit
 * worklist; a per-byte owner array catches jumps into instructions and
 * overlapping decodings.  Kahn's algorithm orders the nodes (an
 * instruction each); nodes left over lie on a cycle.  A forward pass
 * runs the abstract machine (vc_step.c) node by node, merging states at
 * joins as vc.h says; a backward pass builds P(n) and the VC.
 * No recursion; every array comes from the caller's arena.
 *
 * Trusts: x86_decode, vc_step/vc_cond, lf_mk, pccf_alloc.
 */
#include "vc.h"

/* One instruction of the graph. */
struct node {
	struct x86_insn in;
	u32 succ[2];		/* node ids: [0] taken/next, [1] fall-through */
	u8 nsucc;
	u8 hasinv;		/* an annotation names this join */
	u32 npred;
	lf_ref inv;		/* join invariant, TRUE if none */
	lf_ref obl;		/* O(n) */
	lf_ref cond;		/* jcc: taken condition */
	lf_ref p;		/* P(n) */
};

/* The generator's working set, all carved from the arena. */
struct gen {
	const u8 *code;
	u32 len;
	const struct x86_relocs *rel;
	struct lf_tab *tab;
	struct pccf_arena *ar;
	struct pccf_err *e;
	struct node *nd;
	u32 n, max;
	u32 *own;		/* per byte: 1 + start of the covering insn, 0 */
	u32 *nid;		/* per byte: node id of the insn starting here */
	u32 *order;		/* topological order of node ids */
	u32 *pstart, *plist;	/* predecessors, CSR */
	struct vc_state *out;	/* exit state per node */
};

/* alloc - 'n' zeroed elements of 'sz' bytes, or NULL (overflow-checked). */
static void *alloc(struct gen *g, size_t n, size_t sz)
{
	if (n && sz > ((size_t)-1) / n)
		return 0;
	return pccf_alloc(g->ar, n && sz ? n * sz : 1);
}

/* nomem - the rejection for an exhausted arena. */
static int nomem(struct gen *g)
{
	return pccf_fail(g->e, PCCF_ELIMIT,
			 "VC generation: out of memory (arena cap)");
}

/* tabfull - a rejection if the term table failed, else 0. */
static int tabfull(struct gen *g, u32 off)
{
	if (!g->tab->full)
		return 0;
	return pccf_fail(g->e, PCCF_ELIMIT,
			 "offset %x: term table full during VC generation", off);
}

/* falls - whether instruction 'in' can continue at the next one. */
static int falls(const struct x86_insn *in)
{
	return in->mnem != X86_JMP && in->mnem != X86_RET;
}

/* visit - decode the instruction at 'off' unless done; push its
 * successor offsets on 'wl' ('*nwl' entries, room for two more). */
static int visit(struct gen *g, u32 off, u32 *wl, u32 *nwl)
{
	struct node *v;
	u32 i, next;
	int rc;

	if (g->own[off]) {
		if (g->own[off] - 1 == off)
			return 0;
		return pccf_fail(g->e, PCCF_ECFG,
				 "offset %x: jump into the middle of the instruction at %x",
				 off, g->own[off] - 1);
	}
	if (g->n >= g->max)
		return pccf_fail(g->e, PCCF_ELIMIT,
				 "offset %x: more than %u reachable instructions",
				 off, g->max);
	v = &g->nd[g->n];
	if ((rc = x86_decode(g->code, g->len, off, g->rel, &v->in, g->e)))
		return rc;
	if (v->in.len == 0 || v->in.len > g->len - off)
		return pccf_fail(g->e, PCCF_EDECODE,
				 "offset %x: bad instruction length", off);
	for (i = 1; i < v->in.len; i++)
		if (g->own[off + i])
			return pccf_fail(g->e, PCCF_ECFG,
					 "offset %x: jump into the middle of the instruction at %x",
					 off + i, off);
	for (i = 0; i < v->in.len; i++)
		g->own[off + i] = off + 1;
	g->nid[off] = g->n++;
	next = off + v->in.len;
	if (falls(&v->in)) {
		if (next >= g->len)
			return pccf_fail(g->e, PCCF_ECFG,
					 "offset %x: falls off the end of the code",
					 off);
		wl[(*nwl)++] = next;
	}
	if (v->in.mnem == X86_JMP || v->in.mnem == X86_JCC) {
		if (v->in.target >= g->len)
			return pccf_fail(g->e, PCCF_ECFG,
					 "offset %x: branch target %x outside the code",
					 off, v->in.target);
		wl[(*nwl)++] = v->in.target;
	}
	return 0;
}

/*
 * relocs_used - every relocation must be the rel32 of a reachable
 * return: the installer writes those 4 bytes, so a relocation anywhere
 * else would change code after it was checked.
 */
static int relocs_used(struct gen *g)
{
	const struct node *v;
	u32 i, r;

	for (i = 0; i < g->rel->n; i++) {
		r = g->rel->off[i];
		if (r == 0 || r > g->len - 1 || !g->own[r - 1])
			goto bad;
		v = &g->nd[g->nid[g->own[r - 1] - 1]];
		if (v->in.mnem != X86_RET || v->in.off + v->in.len != r + 4 ||
		    g->code[r - 1] != 0xe9)
			goto bad;
	}
	return 0;
bad:
	return pccf_fail(g->e, PCCF_ECFG,
			 "reloc at %x is not the rel32 of a reachable return",
			 g->rel->off[i]);
}

/* discover - decode every instruction reachable from offset 0. */
static int discover(struct gen *g)
{
	u32 *wl = alloc(g, 2 * (size_t)g->max + 2, sizeof(u32));
	u32 nwl = 0;
	int rc;

	if (!wl)
		return nomem(g);
	wl[nwl++] = 0;
	while (nwl > 0)
		if ((rc = visit(g, wl[--nwl], wl, &nwl)))
			return rc;
	return relocs_used(g);
}

/* edges - successor node ids and predecessor lists (CSR). */
static int edges(struct gen *g)
{
	u32 i, j, k, total = 0, *fill;

	for (i = 0; i < g->n; i++) {
		struct node *v = &g->nd[i];
		u32 next = v->in.off + v->in.len;

		v->nsucc = 0;
		if (v->in.mnem == X86_JMP || v->in.mnem == X86_JCC)
			v->succ[v->nsucc++] = g->nid[v->in.target];
		if (falls(&v->in))
			v->succ[v->nsucc++] = g->nid[next];
		for (j = 0; j < v->nsucc; j++)
			g->nd[v->succ[j]].npred++;
		total += v->nsucc;
	}
	g->pstart = alloc(g, (size_t)g->n + 1, sizeof(u32));
	g->plist = alloc(g, (size_t)total + 1, sizeof(u32));
	fill = alloc(g, (size_t)g->n + 1, sizeof(u32));
	if (!g->pstart || !g->plist || !fill)
		return nomem(g);
	for (i = 0; i < g->n; i++)
		g->pstart[i + 1] = g->pstart[i] + g->nd[i].npred;
	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->nd[i].nsucc; j++) {
			k = g->nd[i].succ[j];
			g->plist[g->pstart[k] + fill[k]++] = i;
		}
	return 0;
}

/* cycle - the offset of an instruction on a cycle among the nodes Kahn's
 * algorithm left with 'deg' > 0 (walk predecessors n times from one). */
static u32 cycle(struct gen *g, const u32 *deg)
{
	u32 v = 0, i, j;

	for (i = 0; i < g->n; i++)
		if (deg[i]) {
			v = i;
			break;
		}
	for (i = 0; i < g->n; i++)
		for (j = g->pstart[v]; j < g->pstart[v + 1]; j++)
			if (deg[g->plist[j]]) {
				v = g->plist[j];
				break;
			}
	return g->nd[v].in.off;
}

/* toposort - Kahn's algorithm into g->order, or a cycle rejection. */
static int toposort(struct gen *g)
{
	u32 *deg = alloc(g, g->n, sizeof(u32)), head = 0, tail = 0, i, j;

	g->order = alloc(g, g->n, sizeof(u32));
	if (!deg || !g->order)
		return nomem(g);
	for (i = 0; i < g->n; i++) {
		deg[i] = g->nd[i].npred;
		if (!deg[i])
			g->order[tail++] = i;
	}
	while (head < tail) {
		struct node *v = &g->nd[g->order[head++]];

		for (j = 0; j < v->nsucc; j++)
			if (--deg[v->succ[j]] == 0)
				g->order[tail++] = v->succ[j];
	}
	if (tail < g->n)
		return pccf_fail(g->e, PCCF_ECFG,
				 "control-flow cycle through offset %x",
				 cycle(g, deg));
	return 0;
}

/* annotate - attach the annotations to their joins (TRUE elsewhere). */
static int annotate(struct gen *g, const struct vc_annot *an, u32 nan)
{
	lf_ref t = lf_mk(g->tab, LF_TRUE, 0, 0, 0);
	u32 i, off;
	struct node *v;

	if (!t)
		return tabfull(g, 0) ? PCCF_ELIMIT :
		       pccf_fail(g->e, PCCF_ELIMIT, "term table unusable");
	for (i = 0; i < g->n; i++)
		g->nd[i].inv = t;
	for (i = 0; i < nan; i++) {
		off = an[i].off;
		if (off >= g->len || g->own[off] != off + 1 ||
		    g->nd[g->nid[off]].npred < 2)
			return pccf_fail(g->e, PCCF_EOBJ,
					 "annotation at offset %x is not at a join point",
					 off);
		v = &g->nd[g->nid[off]];
		if (v->hasinv)
			return pccf_fail(g->e, PCCF_EOBJ,
					 "two annotations at offset %x", off);
		if (!an[i].inv || an[i].inv >= g->tab->n ||
		    !lf_kind_isprop[lf_get(g->tab, an[i].inv)->kind])
			return pccf_fail(g->e, PCCF_EOBJ,
					 "annotation at offset %x is not a proposition",
					 off);
		v->hasinv = 1;
		v->inv = an[i].inv;
	}
	return 0;
}

/* merge - the entry state of join 'v' from its predecessors' exit
 * states (vc.h): differing words fresh, tainted ones undefined, defined
 * sets intersected, differing flags undefined. */
static void merge(struct gen *g, u32 v, struct vc_state *s)
{
	const u32 *pl = &g->plist[g->pstart[v]];
	u32 np = g->nd[v].npred, i, r;
	u64 base = LF_V_FIRST_FREE + (u64)g->nd[v].in.off * 64;
	const struct vc_state *p0 = &g->out[pl[0]];

	*s = *p0;
	for (r = 0; r < 16; r++) {
		u8 def = 0xff;
		int same = 1;
		u8 bits = 0, taint = 0;

		for (i = 0; i < np; i++) {
			const struct vc_state *p = &g->out[pl[i]];

			def &= p->def[r];
			if (p->reg[r] != p0->reg[r])
				same = 0;
			if (p->reg[r]) {
				const struct lf_term *t = lf_get(g->tab, p->reg[r]);

				bits = t->bits > bits ? t->bits : bits;
				taint |= t->taint;
			}
		}
		s->def[r] = def;
		if (!def || (!same && taint)) {
			s->def[r] = 0;
			s->reg[r] = 0;
		} else if (!same) {
			s->reg[r] = lf_var(g->tab, base + r, bits ? bits : 1);
		}
	}
	for (r = 0; r < 16; r++) {
		int same = 1, unset = 0;
		u8 bits = 0;

		for (i = 0; i < np; i++) {
			lf_ref t = g->out[pl[i]].slot[r];

			if (!t)
				unset = 1;
			else if (lf_get(g->tab, t)->bits > bits)
				bits = lf_get(g->tab, t)->bits;
			if (t != p0->slot[r])
				same = 0;
		}
		if (unset)
			s->slot[r] = 0;
		else if (!same)
			s->slot[r] = lf_var(g->tab, base + 16 + r,
					    bits ? bits : 1);
	}
	for (r = 0; r < VC_NFLAGS; r++)
		for (i = 1; i < np; i++)
			if (g->out[pl[i]].flag[r] != p0->flag[r])
				s->flag[r] = 0;
	for (i = 1; i < np; i++) {
		const struct vc_state *p = &g->out[pl[i]];

		if (p->fkind != p0->fkind || p->fwidth != p0->fwidth ||
		    p->fmask != p0->fmask || p->fa != p0->fa ||
		    p->fb != p0->fb || p->fres != p0->fres) {
			s->fkind = 0xff;
			s->fwidth = 0;
			s->fmask = 0;
			s->fa = s->fb = s->fres = 0;
		}
	}
}

/* retcheck - a return: through the relocated stub, with eax defined and
 * not derived from an address. */
static int retcheck(struct gen *g, const struct x86_insn *in,
		    const struct vc_state *s)
{
	lf_ref eax;
	u32 off = in->off;

	if (in->len < 5 || g->code[off + in->len - 5] != 0xe9)
		return pccf_fail(g->e, PCCF_EPOLICY,
				 "offset %x: bare ret: returns must go through the relocated stub",
				 off);
	if ((s->def[X86_RAX] & 0x0f) != 0x0f)
		return pccf_fail(g->e, PCCF_EPOLICY,
				 "offset %x: returns eax, never written on this path",
				 off);
	eax = lf_mk(g->tab, LF_AND, s->reg[X86_RAX],
		    lf_mk(g->tab, LF_CONST, 0, 0, 0xffffffffu), 0);
	if (!eax)
		return tabfull(g, off) ? PCCF_ELIMIT :
		       pccf_fail(g->e, PCCF_EPOLICY,
				 "offset %x: ill-formed eax (internal)", off);
	if (lf_get(g->tab, eax)->taint)
		return pccf_fail(g->e, PCCF_EPOLICY,
				 "offset %x: returns a value derived from an address",
				 off);
	return 0;
}

/* forward - run the machine over the nodes in topological order. */
static int forward(struct gen *g)
{
	struct vc_state s;
	lf_ref t = lf_mk(g->tab, LF_TRUE, 0, 0, 0);
	u32 i, v;
	int rc;

	g->out = alloc(g, g->n, sizeof(struct vc_state));
	if (!g->out)
		return nomem(g);
	for (i = 0; i < g->n; i++) {
		struct node *nd = &g->nd[v = g->order[i]];

		if (nd->npred == 0)
			vc_init_state(g->tab, &s);
		else if (nd->npred == 1)
			s = g->out[g->plist[g->pstart[v]]];
		else
			merge(g, v, &s);
		if ((rc = tabfull(g, nd->in.off)))
			return rc;
		nd->obl = t;
		if (nd->in.mnem == X86_JCC)
			rc = vc_cond(g->tab, &s, nd->in.cc, nd->in.off,
				     &nd->cond, g->e);
		else if (nd->in.mnem == X86_RET)
			rc = retcheck(g, &nd->in, &s);
		else if (nd->in.mnem != X86_JMP)
			rc = vc_step(g->tab, &nd->in, &s, &nd->obl, g->e);
		if (rc)
			return rc;
		g->out[v] = s;
	}
	return tabfull(g, 0);
}

/* ent - E(m): the invariant of a join, else P(m). */
static lf_ref ent(struct gen *g, u32 m)
{
	return g->nd[m].npred >= 2 ? g->nd[m].inv : g->nd[m].p;
}

/* backward - P(n) for every node in reverse topological order. */
static int backward(struct gen *g)
{
	struct lf_tab *tab = g->tab;
	u32 i;
	lf_ref c;

	for (i = g->n; i-- > 0;) {
		struct node *v = &g->nd[g->order[i]];

		if (v->in.mnem == X86_RET)
			c = lf_mk(tab, LF_TRUE, 0, 0, 0);
		else if (v->in.mnem == X86_JCC)
			c = lf_mk(tab, LF_PAND,
				  lf_mk(tab, LF_IMP, v->cond,
					ent(g, v->succ[0]), 0),
				  lf_mk(tab, LF_IMP,
					lf_mk(tab, LF_PNOT, v->cond, 0, 0),
					ent(g, v->succ[1]), 0), 0);
		else
			c = ent(g, v->succ[0]);
		v->p = lf_mk(tab, LF_PAND, v->obl, c, 0);
		if (!v->p)
			return tabfull(g, v->in.off) ? PCCF_ELIMIT :
			       pccf_fail(g->e, PCCF_EPOLICY,
					 "offset %x: ill-formed VC term (internal)",
					 v->in.off);
	}
	return 0;
}

/* assemble - VC = PAND(P(0), PAND(R(j1), ...)) over joins by offset. */
static int assemble(struct gen *g, lf_ref *vc)
{
	struct lf_tab *tab = g->tab;
	lf_ref acc = lf_mk(tab, LF_TRUE, 0, 0, 0);
	u32 off;

	for (off = g->len; off-- > 0;) {
		struct node *v;

		if (g->own[off] != off + 1)
			continue;
		v = &g->nd[g->nid[off]];
		if (v->npred < 2)
			continue;
		acc = lf_mk(tab, LF_PAND,
			    lf_mk(tab, LF_IMP, v->inv, v->p, 0), acc, 0);
	}
	*vc = lf_mk(tab, LF_PAND, g->nd[g->nid[0]].p, acc, 0);
	if (!*vc)
		return tabfull(g, 0) ? PCCF_ELIMIT :
		       pccf_fail(g->e, PCCF_EPOLICY,
				 "ill-formed VC term (internal)");
	return 0;
}

int vc_gen(const u8 *code, u32 len, const struct x86_relocs *rel,
	   const struct vc_annot *an, u32 nan, const struct vc_limits *lim,
	   struct lf_tab *tab, struct pccf_arena *ar, lf_ref *vc,
	   struct pccf_err *e)
{
	struct gen g;
	int rc;

	pccf_memset(&g, 0, sizeof(g));
	*vc = 0;
	if (len == 0)
		return pccf_fail(e, PCCF_ECFG, "offset %x: empty code", 0);
	if (len > lim->max_code)
		return pccf_fail(e, PCCF_ELIMIT,
				 "code of %u bytes exceeds the limit of %u",
				 len, lim->max_code);
	g.code = code;
	g.len = len;
	g.rel = rel;
	g.tab = tab;
	g.ar = ar;
	g.e = e;
	g.max = lim->max_insns < len ? lim->max_insns : len;	/* >= 1 byte each */
	g.nd = alloc(&g, g.max ? g.max : 1, sizeof(struct node));
	g.own = alloc(&g, len, sizeof(u32));
	g.nid = alloc(&g, len, sizeof(u32));
	if (!g.nd || !g.own || !g.nid)
		return nomem(&g);
	if ((rc = discover(&g)) || (rc = edges(&g)) || (rc = toposort(&g)) ||
	    (rc = annotate(&g, an, nan)) || (rc = forward(&g)) ||
	    (rc = backward(&g)) || (rc = assemble(&g, vc)))
		return rc;
	return 0;
}
