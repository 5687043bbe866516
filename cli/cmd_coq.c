/*
 * cmd_coq.c - 'pccf export-coq F.pcc -o F.v': an object's VC and proof as
 * a Coq file that Coq re-checks against coq/ (tools/coq-check.sh check).
 *
 * The VC comes from the trusted core (pccf_verify up to PCCF_VCGEN); by
 * default the whole object is verified first (PCCF_CHECK), and
 * --no-verify-proof skips that, to show that Coq rejects what the C
 * checker rejects.  The translation is untrusted: Coq's kernel checks the
 * result.  Each term of the table the certificate names becomes one
 * Definition (shared subterms stay shared, decimal numerals, the terms'
 * shape as the VC generator built them); the proof becomes one Coq proof
 * term of 'forall ev, holds ev vc = true' built from coq/Export.v's lemmas
 * for the checker's nodes and the rules' canonical forms csig_of_sig_NAME
 * rule_NAME (coq/Sig.v, coq/Rules.v).  Two passes over the proof tree: the
 * first recomputes each node's proposition and each rule's metavariables
 * as check.c does (same matching, same lf_mk), the second prints.  The
 * output grows linearly with the certificate.  Untrusted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "verify.h"
#include "check.h"
#include "sig_table.h"

int cmd_export_coq(int argc, char **argv);

enum { CHECK, INFER };

/* What pass 1 learned about one proof node (preorder index). */
struct xnode {
	lf_ref type;		/* the proposition it proves (0: unknown) */
	u32 rule;		/* RULE: the rule */
	u32 arg;		/* HYP: index, ASC: term */
	lf_ref mv[SIG_MAXMV];	/* RULE: the binding */
	u64 kv[SIG_MAXMV];
	u8 bound;
};

struct exporter {
	const u8 *p;
	u32 n, pos;
	struct lf_tab *tab;
	lf_ref *terms;
	u32 nterms;
	struct xnode *nd;	/* nodes, preorder */
	u32 nnd, capnd;
	lf_ref *hyp;		/* hypotheses in scope, innermost last */
	u32 nhyp, caphyp;
	u8 *used;		/* terms to define */
	int bad;		/* the proof does not check (Coq will say why) */
	FILE *out;
};

/* --- pass 1: recompute types (check.c's matching, replayed) --- */

/* newnode - the next node's record and its opcode; -1 when undecodable. */
static int newnode(struct exporter *x, u32 *idx)
{
	struct xnode *nd;
	u64 v = 0;
	u8 op;

	if (x->pos >= x->n)
		return -1;
	if (x->nnd == x->capnd) {
		x->capnd = x->capnd ? 2 * x->capnd : 256;
		x->nd = realloc(x->nd, x->capnd * sizeof(*x->nd));
		if (!x->nd)
			return -1;
	}
	*idx = x->nnd++;
	nd = &x->nd[*idx];
	memset(nd, 0, sizeof(*nd));
	op = x->p[x->pos++];
	if (op >= LF_N_NODES)
		return -1;
	if ((op == LF_N_HYP || op == LF_N_ASC || op == LF_N_RULE) &&
	    lf_uleb(x->p, x->n, &x->pos, &v))
		return -1;
	nd->arg = v > 0xffffffffu ? 0xffffffffu : (u32)v;
	return op;
}

static int pushhyp(struct exporter *x, lf_ref a)
{
	if (x->nhyp == x->caphyp) {
		x->caphyp = x->caphyp ? 2 * x->caphyp : 64;
		x->hyp = realloc(x->hyp, x->caphyp * sizeof(*x->hyp));
		if (!x->hyp)
			return -1;
	}
	x->hyp[x->nhyp++] = a;
	return 0;
}

static lf_ref walk(struct exporter *x, int mode, lf_ref goal);

/* walk_rule - pass 1 for a RULE node (record 'i'). */
static lf_ref walk_rule(struct exporter *x, u32 i, int mode, lf_ref goal)
{
	const struct sig_rule *r;
	struct lf_binding b;
	lf_ref t, res;
	u8 k;

	if (x->nd[i].arg >= SIG_NRULES)
		return 0;
	x->nd[i].rule = x->nd[i].arg;
	r = &sig_rules[x->nd[i].rule];
	memset(&b, 0, sizeof(b));
	/* as check.c: matching the goal only binds early; on a mismatch
	 * the premises bind, and the conclusion is compared at the end */
	if (mode == CHECK && lf_match(x->tab, r, r->concl, goal, &b))
		memset(&b, 0, sizeof(b));
	for (k = 0; k < r->nprem; k++) {
		t = lf_inst(x->tab, r, r->prem[k], &b);
		if (t) {
			if (walk(x, CHECK, t) != t)
				x->bad = 1;
			continue;
		}
		res = walk(x, INFER, 0);
		if (!res || lf_match(x->tab, r, r->prem[k], res, &b) ||
		    lf_inst(x->tab, r, r->prem[k], &b) != res)
			x->bad = 1;
	}
	memcpy(x->nd[i].mv, b.mv, sizeof(b.mv));
	memcpy(x->nd[i].kv, b.kv, sizeof(b.kv));
	x->nd[i].bound = b.bound;
	return lf_inst(x->tab, r, r->concl, &b);
}

/* walk - pass 1 over the node at the cursor; its proposition or 0. */
static lf_ref walk(struct exporter *x, int mode, lf_ref goal)
{
	const struct lf_term *g = lf_get(x->tab, goal);
	lf_ref t = 0, a;
	u32 i = 0;
	int op = newnode(x, &i);

	if (op < 0) {
		x->bad = 1;
		return 0;
	}
	switch (op) {
	case LF_N_HYP:
		t = x->nd[i].arg < x->nhyp ? x->hyp[x->nhyp - 1 - x->nd[i].arg] : 0;
		break;
	case LF_N_TRUEI:
		t = g->kind == LF_TRUE ? goal : 0;
		break;
	case LF_N_IMPI:
		if (mode != CHECK || g->kind != LF_IMP)
			x->bad = 1;
		if (pushhyp(x, g->kind == LF_IMP ? g->a : 0))
			return x->bad = 1, 0;
		walk(x, CHECK, g->kind == LF_IMP ? g->b : 0);
		x->nhyp--;
		t = g->kind == LF_IMP ? goal : 0;
		break;
	case LF_N_ANDI:
		if (mode != CHECK || g->kind != LF_PAND)
			x->bad = 1;
		walk(x, CHECK, g->kind == LF_PAND ? g->a : 0);
		walk(x, CHECK, g->kind == LF_PAND ? g->b : 0);
		t = g->kind == LF_PAND ? goal : 0;
		break;
	case LF_N_ANDL: case LF_N_ANDR:
		a = walk(x, INFER, 0);
		if (a && lf_get(x->tab, a)->kind == LF_PAND)
			t = op == LF_N_ANDL ? lf_get(x->tab, a)->a : lf_get(x->tab, a)->b;
		break;
	case LF_N_IMPE:
		a = walk(x, INFER, 0);
		if (lf_get(x->tab, a)->kind != LF_IMP)
			a = 0;
		walk(x, CHECK, a ? lf_get(x->tab, a)->a : 0);
		t = a ? lf_get(x->tab, a)->b : 0;
		break;
	case LF_N_LET:
		a = walk(x, INFER, 0);
		if (pushhyp(x, a))
			return x->bad = 1, 0;
		t = walk(x, mode, goal);
		x->nhyp--;
		break;
	case LF_N_ASC:
		t = x->nd[i].arg > 0 && x->nd[i].arg <= x->nterms ?
		    x->terms[x->nd[i].arg] : 0;
		walk(x, CHECK, t);
		break;
	case LF_N_RULE:
		t = walk_rule(x, i, mode, goal);
		break;
	default:
		x->bad = 1;
		return 0;
	}
	if (!t || (mode == CHECK && t != goal))
		x->bad = 1;
	x->nd[i].type = t;
	return t;
}

/* --- pass 2: print --- */

static void use(struct exporter *x, lf_ref r) { if (r) x->used[r] = 1; }

static void name(struct exporter *x, lf_ref r)
{
	if (r)
		fprintf(x->out, " t%u", r);
	else
		fprintf(x->out, " _");	/* unknown: Coq will reject it */
	use(x, r);
}

/* emit - pass 2 over the node at the cursor (record 'i' = next). */
static void emit(struct exporter *x, u32 *next, int depth)
{
	u32 i = (*next)++, c, k;
	struct xnode *nd;
	const struct sig_rule *r;
	const struct lf_term *t;
	u8 op;
	u64 v;

	if (i >= x->nnd || x->pos >= x->n) {
		fprintf(x->out, "missing_proof_node");
		return;
	}
	nd = &x->nd[i];
	t = lf_get(x->tab, nd->type);
	op = x->p[x->pos++];

	if (op == LF_N_HYP || op == LF_N_ASC || op == LF_N_RULE)
		lf_uleb(x->p, x->n, &x->pos, &v);
	switch (op) {
	case LF_N_HYP:
		if (nd->arg < (u32)depth)
			fprintf(x->out, "h%u", depth - 1 - nd->arg);
		else
			fprintf(x->out, "no_such_hypothesis");
		return;
	case LF_N_TRUEI:
		fprintf(x->out, "(truei ev)");
		return;
	case LF_N_IMPI:
		fprintf(x->out, "(impi ev");
		name(x, t->a);
		name(x, t->b);
		fprintf(x->out, " (fun h%d : holds ev t%u = true =>\n", depth, t->a);
		emit(x, next, depth + 1);
		fprintf(x->out, "))");
		return;
	case LF_N_ANDI:
		fprintf(x->out, "(andi ev");
		name(x, t->a);
		name(x, t->b);
		fprintf(x->out, "\n");
		emit(x, next, depth);
		fprintf(x->out, "\n");
		emit(x, next, depth);
		fprintf(x->out, ")");
		return;
	case LF_N_ANDL: case LF_N_ANDR: case LF_N_IMPE:
		c = *next;	/* the child's record */
		t = lf_get(x->tab, c < x->nnd ? x->nd[c].type : 0);
		fprintf(x->out, "(%s ev", op == LF_N_ANDL ? "andl" : op == LF_N_ANDR ? "andr" : "impe");
		name(x, t->a);
		name(x, t->b);
		fprintf(x->out, "\n");
		emit(x, next, depth);
		if (op == LF_N_IMPE) {
			fprintf(x->out, "\n");
			emit(x, next, depth);
		}
		fprintf(x->out, ")");
		return;
	case LF_N_LET:
		c = *next;
		fprintf(x->out, "(let h%d : holds ev", depth);
		name(x, c < x->nnd ? x->nd[c].type : 0);
		fprintf(x->out, " = true :=\n");
		emit(x, next, depth);
		fprintf(x->out, " in\n");
		emit(x, next, depth + 1);
		fprintf(x->out, ")");
		return;
	case LF_N_ASC:
		emit(x, next, depth);
		return;
	case LF_N_RULE:
		if (nd->arg >= SIG_NRULES) {
			fprintf(x->out, "no_such_rule");
			return;
		}
		r = &sig_rules[nd->rule];
		fprintf(x->out, "(csig_of_sig_%s rule_%s ev", r->name, r->name);
		for (k = 0; k < r->nmv; k++) {
			if (!(nd->bound & (1u << k)))
				fprintf(x->out, " _");
			else if (r->pat[k].op == SIG_P_KMV)
				fprintf(x->out, " %llu", (unsigned long long)nd->kv[k]);
			else
				name(x, nd->mv[k]);
		}
		for (k = 0; k < r->nmv; k++)
			if (r->pat[k].op == SIG_P_KMV)
				fprintf(x->out, " eq_refl");
		for (k = 0; k < r->nside; k++)
			fprintf(x->out, " eq_refl");
		for (k = 0; k < r->nprem; k++) {
			fprintf(x->out, "\n");
			emit(x, next, depth);
		}
		fprintf(x->out, ")");
		return;
	default:
		fprintf(x->out, "undecodable_proof_node");
	}
}

static const char *width(u64 bits)
{
	return bits == 8 ? "W8" : bits == 16 ? "W16" : bits == 32 ? "W32" : "W64";
}

/* define - the Definition of term 'r' (its operands are defined). */
static void define(struct exporter *x, lf_ref r)
{
	const struct lf_term *t = lf_get(x->tab, r);
	const char *kn = lf_kind_name[t->kind];

	fprintf(x->out, "Definition t%u : %s := ", r,
		lf_kind_isprop[t->kind] ? "prop" : "word");
	switch (t->kind) {
	case LF_CONST:
		fprintf(x->out, "CONST %llu", (unsigned long long)t->k);
		break;
	case LF_VAR:
		fprintf(x->out, "VAR %llu %u", (unsigned long long)t->k, t->b);
		break;
	case LF_PVAR:
		fprintf(x->out, "PVAR %llu", (unsigned long long)t->k);
		break;
	case LF_LD: case LF_BSWAP:
		fprintf(x->out, "%s t%u %s", kn, t->a, width(8 * t->k));
		break;
	case LF_SEXT:
		fprintf(x->out, "SEXT t%u %s", t->a, width(t->k));
		break;
	case LF_ROL: case LF_ROR:
		fprintf(x->out, "%s t%u t%u %s", kn, t->a, t->b, width(t->k));
		break;
	case LF_INB:
		fprintf(x->out, "INB t%u t%u %llu", t->a, t->b, (unsigned long long)t->k);
		break;
	case LF_TRUE: case LF_FALSE:
		fprintf(x->out, "%s", kn);
		break;
	default:
		if (lf_kind_arity[t->kind] == 1)
			fprintf(x->out, "%s t%u", kn, t->a);
		else
			fprintf(x->out, "%s t%u t%u", kn, t->a, t->b);
	}
	fprintf(x->out, ".\n");
}

/* export - write the Coq file for the verified object 'v'. */
static int export(struct pccf_verified *v, struct pccf_arena *ar,
		  const struct pccf_limits *lim, const char *src, FILE *out)
{
	struct exporter x;
	struct pccf_err e;
	u32 r, next = 0, start;

	memset(&x, 0, sizeof(x));
	memset(&e, 0, sizeof(e));
	x.p = v->obj.proof;
	x.n = v->obj.nproof;
	x.tab = &v->tab;
	x.out = out;
	if (x.n == 0)
		return cli_err("%s: the object has no proof", src);
	if (lf_read_terms(x.p, x.n, &x.pos, x.tab, ar, lim->max_terms, &x.terms,
			  &x.nterms, &e))
		return cli_err("%s: proof term list: %s", src, e.msg);
	start = x.pos;
	walk(&x, CHECK, v->vc);
	if (x.pos != x.n)
		x.bad = 1;
	x.used = calloc(x.tab->n + 1, 1);
	if (!x.used)
		return cli_err("out of memory");
	fprintf(out, "(* %s: exported by 'pccf export-coq'; check with\n"
		"   tools/coq-check.sh check FILE.v.  t<N> is term N of the\n"
		"   verifier's table; vc is the verification condition the VC\n"
		"   generator computed from the code; certificate is the proof. *)\n"
		"From Coq Require Import ZArith.\n"
		"From Pccf Require Import Sem Rewrite Sig Rules Export.\n"
		"Open Scope Z_scope.\n\n", src);
	/* the proof first into a temporary file, to learn which terms it names */
	{
		FILE *pf = tmpfile();
		char buf[65536];
		size_t k;

		if (!pf)
			return cli_err("tmpfile failed");
		x.out = pf;
		x.pos = start;
		x.nhyp = 0;
		emit(&x, &next, 0);
		use(&x, v->vc);
		x.out = out;
		for (r = x.tab->n; r-- > 1;)	/* operands are earlier terms */
			if (x.used[r]) {
				const struct lf_term *t = lf_get(x.tab, r);

				if (lf_kind_arity[t->kind] >= 1 && t->kind != LF_VAR)
					x.used[t->a] = 1;
				if (lf_kind_arity[t->kind] >= 2)
					x.used[t->b] = 1;
			}
		for (r = 1; r < x.tab->n; r++)
			if (x.used[r])
				define(&x, r);
		fprintf(out, "\nDefinition vc : prop := t%u.\n\n", v->vc);
		fprintf(out, "Theorem certificate : forall ev : env, holds ev vc = true.\n"
			"Proof.\n  exact (fun ev =>\n");
		rewind(pf);
		while ((k = fread(buf, 1, sizeof(buf), pf)) > 0)
			fwrite(buf, 1, k, out);
		fclose(pf);
		fprintf(out, ").\nQed.\n");
	}
	free(x.used);
	free(x.nd);
	free(x.hyp);
	return x.bad ? 3 : 0;
}

int cmd_export_coq(int argc, char **argv)
{
	const char *src = NULL, *dst = NULL;
	int noverify = 0, i, rc;
	struct buf file;
	struct pccf_limits lim;
	struct pccf_arena ar;
	struct pccf_verified v;
	struct pccf_err e;
	FILE *out;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dst = argv[++i];
		else if (!strcmp(argv[i], "--no-verify-proof"))
			noverify = 1;
		else if (argv[i][0] != '-' && !src)
			src = argv[i];
		else
			return cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
	}
	if (!src || !dst)
		return cli_usage(argv[0], "need F.pcc and -o F.v");
	if (cli_read(src, &file))
		return EXIT_FAIL;
	pccf_default_limits(&lim);
	ar.size = pccf_arena_bytes(&lim);
	ar.base = malloc(ar.size);
	if (!ar.base || file.n > UINT32_MAX)
		return cli_err("out of memory or object too large");
	memset(&e, 0, sizeof(e));
	ar.used = 0;
	if (!noverify && pccf_verify(file.p, (u32)file.n, &lim, PCCF_CHECK, &ar, &v, &e))
		return cli_err("%s: rejected: %s", src, e.msg);
	ar.used = 0;	/* again, only up to the VC: the table as the checker starts */
	if (pccf_verify(file.p, (u32)file.n, &lim, PCCF_VCGEN, &ar, &v, &e))
		return cli_err("%s: rejected: %s", src, e.msg);
	out = fopen(dst, "w");
	if (!out)
		return cli_err("%s: cannot write", dst);
	rc = export(&v, &ar, &lim, src, out);
	if (fclose(out))
		return cli_err("%s: write error", dst);
	free(file.p);
	free(ar.base);
	if (rc == 3)
		fprintf(stderr, "pccf: %s: the proof does not check; exported anyway\n", src);
	return rc == 0 || rc == 3 ? (rc ? EXIT_FAIL : EXIT_OK) : EXIT_FAIL;
}
