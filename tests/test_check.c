/*
 * test_check.c - the proof checker on hand-built VCs: proofs from the
 * prover are accepted, and every forged, truncated, tampered or
 * mismatched proof is rejected with a specific message.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pccf/compat.h"
#include "lf.h"
#include "check.h"
#include "prove.h"
#include "sig_table.h"

static struct pccf_arena ar;
static struct lf_tab tab;
static lf_ref pkt, cap, vc_abs, vc_ind, vc_div;
static struct lf_check_limits lim = { 100000, 4096, 100000 };

static lf_ref K(u64 k) { return lf_const(&tab, k); }
static lf_ref M(u8 kind, lf_ref a, lf_ref b, u64 k) { return lf_mk(&tab, kind, a, b, k); }

/* not (caplen < 34) -> inb(12, caplen, 2): an absolute load after a check */
static int build(void)
{
	lf_ref h, g, b, x, h2, g2, d, hz, gd;

	ar.size = 256 << 20;
	ar.base = malloc(ar.size);
	ar.used = 0;
	if (!ar.base || lf_init(&tab, &ar, 200000))
		return -1;
	pkt = lf_var(&tab, LF_V_PKT, 64);
	cap = lf_var(&tab, LF_V_CAPLEN, 32);
	h = M(LF_PNOT, M(LF_ULT, cap, K(34), 0), 0, 0);
	g = M(LF_INB, M(LF_SUB, M(LF_ADD, pkt, K(12), 0), pkt, 0), cap, 2);
	vc_abs = M(LF_IMP, h, g, 0);
	/* x = 4*(pkt[14] & 15); not (caplen < x + 24) -> inb(x + 20, caplen, 2) */
	b = M(LF_LD, M(LF_ADD, pkt, K(14), 0), 0, 1);
	x = M(LF_SHL, M(LF_AND, b, K(15), 0), K(2), 0);
	h2 = M(LF_PNOT, M(LF_ULT, cap, M(LF_ADD, x, K(24), 0), 0), 0, 0);
	g2 = M(LF_INB, M(LF_SUB, M(LF_ADD, M(LF_ADD, pkt, x, 0), K(20), 0), pkt, 0), cap, 2);
	vc_ind = M(LF_IMP, h, M(LF_PAND, g, M(LF_IMP, h2, g2, 0), 0), 0);
	/* d = pkt[16] ; d != 0 -> (d != 0 and 0 < d) */
	d = M(LF_LD, M(LF_ADD, pkt, K(16), 0), 0, 1);
	hz = M(LF_PNOT, M(LF_EQ, d, K(0), 0), 0, 0);
	gd = M(LF_PAND, hz, M(LF_ULT, K(0), d, 0), 0);
	vc_div = M(LF_IMP, h, M(LF_IMP, hz, gd, 0), 0);
	return 0;
}

static struct buf prove(lf_ref vc)
{
	struct buf p = { 0 };
	char err[256];

	CU_ASSERT_FATAL(prove_vc(&tab, vc, &p, err, sizeof(err)) == 0);
	return p;
}

/* check - run the checker with a fresh stack area; returns the code. */
static int check(const u8 *p, size_t n, lf_ref goal, struct pccf_err *e)
{
	size_t used = ar.used;
	u32 nodes;
	int r;

	memset(e, 0, sizeof(*e));
	r = lf_check(p, (u32)n, goal, &tab, &ar, &lim, &nodes, e);
	ar.used = used;	/* the term table keeps what the proof added */
	return r;
}

static void expect(const u8 *p, size_t n, lf_ref goal, int code, const char *sub)
{
	struct pccf_err e;
	int r = check(p, n, goal, &e);

	CU_ASSERT_EQUAL(r, code);
	if (sub && !strstr(e.msg, sub)) {
		printf("\n  expected \"%s\" in \"%s\"\n", sub, e.msg);
		CU_FAIL("message");
	}
}

static void test_accepts(void)
{
	lf_ref vcs[3] = { vc_abs, vc_ind, vc_div };
	struct pccf_err e;
	int i;

	for (i = 0; i < 3; i++) {
		struct buf p = prove(vcs[i]);

		CU_ASSERT_EQUAL(check(p.p, p.n, vcs[i], &e), 0);
		free(p.p);
	}
}

static void test_every_bitflip_rejected(void)
{
	lf_ref vcs[3] = { vc_abs, vc_ind, vc_div };
	struct pccf_err e;
	size_t i;
	int b, k, accepted = 0, total = 0;

	for (k = 0; k < 3; k++) {
		struct buf p = prove(vcs[k]);

		for (i = 0; i < p.n; i++)
			for (b = 0; b < 8; b++) {
				p.p[i] ^= (u8)(1 << b);
				accepted += check(p.p, p.n, vcs[k], &e) == 0;
				CU_ASSERT(e.code == 0 || e.msg[0] != 0);
				p.p[i] ^= (u8)(1 << b);
				total++;
			}
		free(p.p);
	}
	CU_ASSERT_EQUAL(accepted, 0);
	printf("\n  %d single-bit flips, %d accepted\n", total, accepted);
}

static void test_truncated_and_trailing(void)
{
	struct buf p = prove(vc_ind);
	size_t n;
	struct pccf_err e;

	for (n = 0; n < p.n; n++)
		CU_ASSERT_NOT_EQUAL(check(p.p, n, vc_ind, &e), 0);
	expect(p.p, 0, vc_ind, PCCF_EPROOF, "empty proof");
	buf_byte(&p, LF_N_TRUEI);
	expect(p.p, p.n, vc_ind, PCCF_EPROOF, "trailing bytes");
	free(p.p);
}

static void test_proof_for_other_goal(void)
{
	struct buf p = prove(vc_abs);
	lf_ref other = M(LF_IMP, M(LF_PNOT, M(LF_ULT, cap, K(34), 0), 0, 0),
			 M(LF_INB, K(12), cap, 23), 0);

	expect(p.p, p.n, other, PCCF_EPROOF, "proof node");
	expect(p.p, p.n, vc_ind, PCCF_EPROOF, NULL);
	free(p.p);
}

/* A term list of 'n' records followed by 'tree'. */
static struct buf raw(const u8 *terms, size_t nt, u32 count, const u8 *tree, size_t n)
{
	struct buf b = { 0 };

	buf_uleb(&b, count);
	buf_put(&b, terms, nt);
	buf_put(&b, tree, n);
	return b;
}

static int rule_no(const char *name)
{
	int i;

	for (i = 0; i < SIG_NRULES; i++)
		if (!strcmp(sig_rules[i].name, name))
			return i;
	return -1;
}

static void test_malformed_nodes(void)
{
	lf_ref imp = M(LF_IMP, M(LF_ULE, K(5), cap, 0), M(LF_ULE, K(5), cap, 0), 0);
	u8 t_hyp[] = { LF_N_IMPI, LF_N_HYP, 0 };
	u8 t_scope[] = { LF_N_IMPI, LF_N_HYP, 1 };
	u8 t_op[] = { 0x7f };
	u8 t_rule[] = { LF_N_RULE, 0x7f };
	u8 t_goal[] = { LF_N_ANDI, LF_N_TRUEI, LF_N_TRUEI };
	u8 t_true[] = { LF_N_TRUEI };
	u8 fwd[] = { LF_ADD, 2, 1, LF_CONST, 1 };	/* operand 2 not earlier */
	u8 sort[] = { LF_TRUE, LF_ADD, 1, 1 };		/* ADD of a proposition */
	u8 asc[] = { LF_N_ASC, 1, LF_N_TRUEI };
	u8 t_const[] = { LF_CONST, 5 };
	struct buf b;

	b = raw(NULL, 0, 0, t_hyp, sizeof(t_hyp));
	expect(b.p, b.n, imp, 0, NULL);
	free(b.p);
	b = raw(NULL, 0, 0, t_scope, sizeof(t_scope));
	expect(b.p, b.n, imp, PCCF_EPROOF, "hypothesis index out of scope");
	free(b.p);
	b = raw(NULL, 0, 0, t_op, sizeof(t_op));
	expect(b.p, b.n, imp, PCCF_EPROOF, "unknown opcode");
	free(b.p);
	b = raw(NULL, 0, 0, t_rule, sizeof(t_rule));
	expect(b.p, b.n, imp, PCCF_EPROOF, "no such rule");
	free(b.p);
	b = raw(NULL, 0, 0, t_goal, sizeof(t_goal));
	expect(b.p, b.n, imp, PCCF_EPROOF, "goal is not a conjunction");
	free(b.p);
	b = raw(NULL, 0, 0, t_true, sizeof(t_true));
	expect(b.p, b.n, imp, PCCF_EPROOF, "goal is not TRUE");
	free(b.p);
	b = raw(fwd, sizeof(fwd), 2, t_true, sizeof(t_true));
	expect(b.p, b.n, imp, PCCF_EPROOF, "not an earlier term");
	free(b.p);
	b = raw(sort, sizeof(sort), 2, t_true, sizeof(t_true));
	expect(b.p, b.n, imp, PCCF_EPROOF, "ill-formed ADD");
	free(b.p);
	b = raw(t_const, sizeof(t_const), 1, asc, sizeof(asc));
	expect(b.p, b.n, imp, PCCF_EPROOF, "not a proposition");
	free(b.p);
}

static void test_rules_side_conditions(void)
{
	/* addk proves x+3 <= x+5 for an 8-bit x, not x+5 <= x+3 */
	lf_ref x = M(LF_LD, M(LF_ADD, pkt, K(1), 0), 0, 1);
	lf_ref ok = M(LF_ULE, M(LF_ADD, x, K(3), 0), M(LF_ADD, x, K(5), 0), 0);
	lf_ref bad = M(LF_ULE, M(LF_ADD, x, K(5), 0), M(LF_ADD, x, K(3), 0), 0);
	lf_ref wide = lf_var(&tab, LF_V_FIRST_FREE + 7, 64);
	lf_ref wrap = M(LF_ULE, M(LF_ADD, wide, K(3), 0), M(LF_ADD, wide, K(5), 0), 0);
	u8 t[] = { LF_N_RULE, (u8)rule_no("addk") };
	u8 f[] = { LF_N_RULE, (u8)rule_no("false_e"), LF_N_TRUEI };

	expect(t, sizeof(t), ok, PCCF_EPROOF, "cannot fit");	/* no term list */
	{
		struct buf b = raw(NULL, 0, 0, t, sizeof(t));

		expect(b.p, b.n, ok, 0, NULL);
		expect(b.p, b.n, bad, PCCF_EPROOF, "side condition fails");
		expect(b.p, b.n, wrap, PCCF_EPROOF, "side condition fails");
		free(b.p);
		b = raw(NULL, 0, 0, f, sizeof(f));
		expect(b.p, b.n, ok, PCCF_EPROOF, "goal is not TRUE");
		free(b.p);
	}
}

static void test_limits(void)
{
	/* IMPI nested deeper than the limit */
	struct lf_check_limits save = lim;
	struct buf b = { 0 };
	lf_ref g = M(LF_ULE, K(10), cap, 0);
	int i;

	for (i = 10; i > 0; i--)
		g = M(LF_IMP, M(LF_ULE, K(i), cap, 0), g, 0);
	buf_uleb(&b, 0);
	for (i = 0; i < 10; i++)
		buf_byte(&b, LF_N_IMPI);
	buf_byte(&b, LF_N_HYP);
	buf_byte(&b, 0);
	expect(b.p, b.n, g, 0, NULL);
	lim.max_depth = 5;
	expect(b.p, b.n, g, PCCF_ELIMIT, "deeper than 5");
	lim = save;
	lim.max_nodes = 4;
	expect(b.p, b.n, g, PCCF_ELIMIT, "more than 4 nodes");
	lim = save;
	free(b.p);
}

static void test_sharing_is_linear(void)
{
	/* t1 = pkt[0]; t_{i+1} = t_i + t_i: 2^2000 leaves if expanded */
	struct buf b = { 0 };
	u8 tree[] = { LF_N_ASC, 0, LF_N_TRUEI };
	int i, n = 2000;

	buf_uleb(&b, (u64)n + 2);
	buf_byte(&b, LF_VAR);
	buf_uleb(&b, LF_V_CAPLEN);
	buf_uleb(&b, 32);
	for (i = 2; i <= n + 1; i++) {
		buf_byte(&b, LF_ADD);
		buf_uleb(&b, (u64)i - 1);
		buf_uleb(&b, (u64)i - 1);
	}
	buf_byte(&b, LF_EQ);
	buf_uleb(&b, (u64)n + 1);
	buf_uleb(&b, (u64)n + 1);	/* EQ(t, t) = TRUE */
	tree[1] = 0;
	buf_put(&b, tree, 1);
	buf_uleb(&b, (u64)n + 2);
	buf_byte(&b, LF_N_TRUEI);
	expect(b.p, b.n, M(LF_TRUE, 0, 0, 0), 0, NULL);
	free(b.p);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	CU_initialize_registry();
	s = CU_add_suite("checker", build, NULL);
	CU_add_test(s, "prover's proofs accepted", test_accepts);
	CU_add_test(s, "every bit flip rejected", test_every_bitflip_rejected);
	CU_add_test(s, "truncated and trailing", test_truncated_and_trailing);
	CU_add_test(s, "proof for another goal", test_proof_for_other_goal);
	CU_add_test(s, "malformed nodes and terms", test_malformed_nodes);
	CU_add_test(s, "rule side conditions", test_rules_side_conditions);
	CU_add_test(s, "depth and node limits", test_limits);
	CU_add_test(s, "sharing stays linear", test_sharing_is_linear);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	free(ar.base);
	return fails ? 1 : 0;
}
