/*
 * vc_gen.c - the verification-condition generator: control-flow graph,
 * symbolic evaluation in topological order, and the VC of vc.h.
 *
 * The code is decoded by reachability from offset 0 with an explicit
 * worklist; a per-byte owner array catches jumps into instructions and
 * overlapping decodings.  A depth-first search orders the nodes (an
 * instruction each) and rejects an edge back onto its own path (a
 * cycle).  A forward pass runs the abstract machine (vc_step.c) node by
 * node, each passing its exit state on to its successors, merged at
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
	u8 dfs, next;		/* depth-first search: 0 new, 1 on the path,
				 * 2 done; successors tried */
	u32 npred;
	u32 arrived;		/* predecessors whose state has arrived */
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
	struct vc_state *in;	/* entry state per node */
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

/* built - 0 when the term 'r' was built, else the rejection at 'off':
 * the term table is full, or (a bug) the term was ill-formed. */
static int built(struct gen *g, lf_ref r, u32 off)
{
	if (r && !g->tab->full)
		return 0;
	if (g->tab->full)
		return pccf_fail(g->e, PCCF_ELIMIT,
				 "offset %x: term table full during VC generation",
				 off);
	return pccf_fail(g->e, PCCF_EPOLICY,
			 "offset %x: ill-formed VC term (internal)", off);
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

/* discover - decode every instruction reachable from offset 0, then link
 * them: successor node ids and predecessor counts. */
static int discover(struct gen *g)
{
	u32 *wl = alloc(g, 2 * (size_t)g->max + 2, sizeof(u32));
	u32 nwl = 0, i, j;
	int rc;

	if (!wl)
		return nomem(g);
	wl[nwl++] = 0;
	while (nwl > 0)
		if ((rc = visit(g, wl[--nwl], wl, &nwl)))
			return rc;
	for (i = 0; i < g->n; i++) {
		struct node *v = &g->nd[i];

		if (v->in.mnem == X86_JMP || v->in.mnem == X86_JCC)
			v->succ[v->nsucc++] = g->nid[v->in.target];
		if (falls(&v->in))
			v->succ[v->nsucc++] = g->nid[v->in.off + v->in.len];
		for (j = 0; j < v->nsucc; j++)
			g->nd[v->succ[j]].npred++;
	}
	return relocs_used(g);
}

/* toposort - the reverse postorder of a depth-first search from offset 0
 * into g->order, or the rejection of a cycle: an edge back to a node
 * still on the search path. */
static int toposort(struct gen *g)
{
	u32 *st = alloc(g, g->n, sizeof(u32)), n = 0, tail = g->n, w;
	struct node *v;

	g->order = alloc(g, g->n, sizeof(u32));
	if (!st || !g->order)
		return nomem(g);
	st[n++] = g->nid[0];
	g->nd[st[0]].dfs = 1;
	while (n > 0) {
		v = &g->nd[st[n - 1]];
		if (v->next == v->nsucc) {	/* all successors done */
			v->dfs = 2;
			g->order[--tail] = st[--n];
			continue;
		}
		w = v->succ[v->next++];
		if (g->nd[w].dfs == 1)
			return pccf_fail(g->e, PCCF_ECFG,
					 "control-flow cycle through offset %x",
					 g->nd[w].in.off);
		if (g->nd[w].dfs == 0) {
			g->nd[w].dfs = 1;
			st[n++] = w;
		}
	}
	return 0;
}

/* annotate - attach the annotations to their joins (TRUE elsewhere). */
static int annotate(struct gen *g, const struct vc_annot *an, u32 nan)
{
	lf_ref t = lf_mk(g->tab, LF_TRUE, 0, 0, 0);
	u32 i, off;
	struct node *v;

	if (built(g, t, 0))
		return PCCF_ELIMIT;
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

/* word - state slot 'r' of 's': register r (0-15), scratch word r - 16
 * (16-31), flag r - 32 (32-39); the numbering of fresh variables. */
static lf_ref *word(struct vc_state *s, u32 r)
{
	if (r < 16)
		return &s->reg[r];
	return r < 32 ? &s->slot[r - 16] : &s->flag[r - 32];
}

/* merge - fold the exit state 'p' of one more predecessor of join 'v'
 * into its entry state 's' (vc.h): defined sets intersected; a word
 * unset on either side unset; differing words fresh, or unset if
 * tainted; differing flags unset. */
static void merge(struct gen *g, u32 v, struct vc_state *s,
		  struct vc_state *p)
{
	u64 base = LF_V_FIRST_FREE + (u64)g->nd[v].in.off * 64;
	const struct lf_term *tx, *ty;
	u8 bits;
	u32 r;

	for (r = 0; r < 32 + VC_NFLAGS; r++) {
		lf_ref *x = word(s, r), y = *word(p, r);

		if (r < 16 && !(s->def[r] &= p->def[r]))
			*x = 0;
		if (!*x || *x == y)
			continue;
		tx = lf_get(g->tab, *x);
		ty = lf_get(g->tab, y);		/* t[0] when y is 0 */
		bits = tx->bits > ty->bits ? tx->bits : ty->bits;
		if (!y || r >= 32 || tx->taint || ty->taint)
			*x = 0;
		else
			*x = lf_var(g->tab, base + r, bits ? bits : 1);
		if (r < 16 && !*x)
			s->def[r] = 0;
	}
}

/* retcheck - a return: through the relocated stub, with eax defined and
 * not derived from an address. */
static int retcheck(struct gen *g, const struct x86_insn *in,
		    const struct vc_state *s)
{
	lf_ref eax;
	u32 off = in->off;
	int rc;

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
	if ((rc = built(g, eax, off)))
		return rc;
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
	u32 i, j, w;
	int rc;

	g->in = alloc(g, g->n, sizeof(struct vc_state));
	if (!g->in)
		return nomem(g);
	/* Node 0 is the entry (decoded first); it has no predecessors, since
	 * an edge into it would have closed a cycle, so this is its state. */
	vc_init_state(g->tab, &g->in[0]);
	for (i = 0; i < g->n; i++) {
		struct node *nd = &g->nd[g->order[i]];

		s = g->in[g->order[i]];
		if ((rc = built(g, t, nd->in.off)))	/* full after merge? */
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
		for (j = 0; j < nd->nsucc; j++) {	/* pass s on */
			w = nd->succ[j];
			if (g->nd[w].arrived++ == 0)
				g->in[w] = s;
			else
				merge(g, w, &g->in[w], &s);
		}
	}
	return 0;
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
	int rc;

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
		if ((rc = built(g, v->p, v->in.off)))
			return rc;
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
	return built(g, *vc, 0);
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
	if ((rc = discover(&g)) || (rc = toposort(&g)) ||
	    (rc = annotate(&g, an, nan)) || (rc = forward(&g)) ||
	    (rc = backward(&g)))
		return rc;
	return assemble(&g, vc);
}
