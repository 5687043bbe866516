/*
 * test_hostile.c - hostile objects against the consumer (issue 7).
 *
 * 1. Hand-crafted attacks on the checker through pccf_verify with an
 *    arena of exactly pccf_arena_bytes(): deep term chains (200k), term
 *    sharing that would blow up if expanded, proofs of millions of nodes,
 *    huge annotations, constants out of range, de Bruijn indices out of
 *    scope, cycles (forward and self references) in the term table,
 *    nesting beyond max_depth.  Each must get its specific verdict
 *    without exhausting the arena; each is timed and its ns per input
 *    byte printed (the worst at the end; no timing assertion).
 * 2. Every resource limit of struct pccf_limits is enforced exactly: the
 *    object at the limit is accepted, one less is a PCCF_ELIMIT
 *    rejection naming the limit.
 * 3. Replay of tests/fuzz/regress (crashes found by the fuzzer, faults
 *    found by the soundness hunt): each object is placed right against a
 *    guard page and verified in a child process; the child must exit
 *    cleanly, every rejection must carry a class and a message, an
 *    'unsound-*' or 'oob-*' object must be rejected, and an accepted one
 *    is installed and run on edge-case packets against guard pages.
 *    $PCCF_REGRESS_DIR overrides the directory (empty: skip, as
 *    tools/mutants.sh does).
 * 4. Regression cases for mutants of the trusted core that survived the
 *    other suites (tools/mutants.sh).
 */
#include <CUnit/Basic.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "pccf/compat.h"
#include "verify.h"
#include "check.h"
#include "host.h"
#include "prove.h"
#include "objwrite.h"
#include "sig_table.h"

/*
 * The base filter: the paper's ip_all in assembly.  xor eax,eax; cmp
 * rsi,14; jb ret; movzx edx,word [rdi+12]; cmp edx,8; sete al; shl
 * eax,18; ret (a relocated jmp to the host stub).  VC: !(caplen < 14)
 * => inb(12, caplen, 2).
 */
static const u8 code[] = {
	0x31, 0xc0, 0x48, 0x83, 0xfe, 0x0e, 0x72, 0x0d, 0x0f, 0xb7, 0x57,
	0x0c, 0x83, 0xfa, 0x08, 0x0f, 0x94, 0xc0, 0xc1, 0xe0, 0x12, 0xe9,
	0x00, 0x00, 0x00, 0x00
};
static const uint32_t reloc[] = { 0x16 };
/* its proof tree (after the term list): impi (rule inb_i (rule nult
 * (hyp 0))) */
static u8 tree[] = { LF_N_IMPI, LF_N_RULE, 0, LF_N_RULE, 0, LF_N_HYP, 0 };

static struct pccf_limits dflt, big;	/* big: larger sections only */
static struct pccf_arena ar;
static double worst_nspb, worst_big;	/* all inputs; >= 16 KiB */
static char worst_name[64], worst_big_name[64];

static int rule_no(const char *name)
{
	int i;

	for (i = 0; i < SIG_NRULES; i++)
		if (!strcmp(sig_rules[i].name, name))
			return i;
	return -1;
}

static int setup(void)
{
	pccf_default_limits(&dflt);
	big = dflt;
	big.obj.max_obj = 64u << 20;
	big.obj.max_proof = 32u << 20;
	tree[2] = (u8)rule_no("inb_i");
	tree[4] = (u8)rule_no("nult");
	return 0;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* object - the base code with annotations 'a' and proof 'p'. */
static struct buf object(const struct buf *a, const struct buf *p)
{
	struct buf o = { 0 };

	CU_ASSERT_FATAL(obj_write(&o, code, sizeof(code), reloc, 1,
				  a ? a->p : NULL, a ? a->n : 0,
				  p ? p->p : NULL, p ? p->n : 0) == 0);
	return o;
}

/* verify - pccf_verify under 'lim' with a fresh arena of exactly
 * pccf_arena_bytes(lim); the arena must never be what rejects. */
static int verify(const struct buf *o, const struct pccf_limits *lim,
		  struct pccf_err *e)
{
	struct pccf_verified v;
	size_t need = pccf_arena_bytes(lim);
	int rc;

	if (ar.size < need) {
		free(ar.base);
		ar.base = malloc(need);
		CU_ASSERT_FATAL(ar.base != NULL);
	}
	ar.size = need;
	ar.used = 0;
	memset(e, 0, sizeof(*e));
	rc = pccf_verify(o->p, (u32)o->n, lim, PCCF_CHECK, &ar, &v, e);
	CU_ASSERT(ar.used <= ar.size);
	if (rc) {
		CU_ASSERT_EQUAL(rc, e->code);
		CU_ASSERT(e->msg[0] != 0);
		if (strstr(e->msg, "out of memory")) {
			printf("\n  arena exhausted: %s\n", e->msg);
			CU_FAIL("the arena cap rejected an object within the limits");
		}
	}
	return rc;
}

/*
 * attack - verify 'o' under 'lim', expect 'code' and 'sub' in the
 * message; time it (best of a few runs) and print ns per byte.
 */
static void attack(const char *name, struct buf *o, const struct pccf_limits *lim,
		   int code_, const char *sub)
{
	struct pccf_err e;
	double best = 1e30, t0, t;
	int i, rc = 0, runs = o->n > (1u << 20) ? 2 : 5;

	for (i = 0; i < runs; i++) {
		t0 = now_ns();
		rc = verify(o, lim ? lim : &dflt, &e);
		t = now_ns() - t0;
		if (t < best)
			best = t;
	}
	CU_ASSERT_EQUAL(rc, code_);
	if (rc != code_ || (sub && !strstr(e.msg, sub))) {
		printf("\n  %s: got %d \"%s\", expected %d \"%s\"\n", name, rc,
		       e.msg, code_, sub ? sub : "");
		CU_FAIL("verdict");
	}
	printf("\n  %-30s %8zu bytes %9.2f ms %7.1f ns/byte  %s", name, o->n,
	       best / 1e6, best / (double)o->n, rc ? e.msg : "accepted");
	if (best / (double)o->n > worst_nspb) {
		worst_nspb = best / (double)o->n;
		snprintf(worst_name, sizeof(worst_name), "%s", name);
	}
	if (o->n >= 16384 && best / (double)o->n > worst_big) {
		worst_big = best / (double)o->n;
		snprintf(worst_big_name, sizeof(worst_big_name), "%s", name);
	}
	free(o->p);
	o->p = NULL;
}

/* proof - term list header 'count' then records 'terms' then 'tr'. */
static struct buf proof(u64 count, const struct buf *terms, const u8 *tr,
			size_t ntr)
{
	struct buf p = { 0 };

	buf_uleb(&p, count);
	if (terms)
		buf_put(&p, terms->p, terms->n);
	buf_put(&p, tr, ntr);
	return p;
}

static void rec(struct buf *b, u8 kind, u64 x, u64 y, u64 z, int nops)
{
	buf_byte(b, kind);
	if (nops > 0)
		buf_uleb(b, x);
	if (nops > 1)
		buf_uleb(b, y);
	if (nops > 2)
		buf_uleb(b, z);
}

/* chain - 'n' terms: caplen, then t(i+1) = MUL(t(i), caplen). */
static struct buf chain(u32 n)
{
	struct buf t = { 0 };
	u32 i;

	rec(&t, LF_VAR, LF_V_CAPLEN, 32, 0, 2);
	for (i = 2; i <= n; i++)
		rec(&t, LF_MUL, i - 1, 1, 0, 2);
	return t;
}

static void test_base_accepted(void)
{
	struct buf p = proof(0, NULL, tree, sizeof(tree)), o = object(NULL, &p);

	attack("base object", &o, NULL, 0, NULL);
	free(p.p);
}

static void test_deep_chain(void)
{
	u8 bad[] = { LF_N_IMPI, LF_N_HYP, 1 };
	struct buf t = chain(200000), p, o;

	/* 200k terms take about 1 MB: over the default proof section */
	p = proof(200000, &t, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("term chain 200k, defaults", &o, NULL, PCCF_ELIMIT, "proof section of");
	o = object(NULL, &p);
	attack("term chain 200k + proof", &o, &big, 0, NULL);
	free(p.p);
	p = proof(200000, &t, bad, sizeof(bad));
	o = object(NULL, &p);
	attack("term chain 200k, bad hyp", &o, &big, PCCF_EPROOF, "out of scope");
	free(p.p);
	free(t.p);
	/* the longest chain within the default sections */
	t = chain(100000);
	p = proof(100000, &t, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("term chain 100k + proof", &o, NULL, 0, NULL);
	free(p.p);
	free(t.p);
	/* more terms than max_terms: rejected before any is built */
	t = chain(dflt.max_terms + 1);
	p = proof(dflt.max_terms + 1, &t, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("term chain over max_terms", &o, &big, PCCF_ELIMIT, "exceed the limit");
	free(p.p);
	free(t.p);
	/* exactly max_terms: fits the list limit, not the table (VC terms) */
	t = chain(dflt.max_terms);
	p = proof(dflt.max_terms, &t, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("term chain = max_terms", &o, &big, PCCF_ELIMIT, "term table full");
	free(p.p);
	free(t.p);
}

static void test_sharing(void)
{
	/* t(i+1) = t(i) + t(i): 2^100000 leaves if expanded; EQ(t,t) = TRUE */
	struct buf t = { 0 }, p, o;
	u32 i, n = 70000;
	u8 tr[16];
	size_t k = 0;

	rec(&t, LF_VAR, LF_V_CAPLEN, 32, 0, 2);
	for (i = 2; i <= n; i++)
		rec(&t, LF_ADD, i - 1, i - 1, 0, 2);
	rec(&t, LF_EQ, n, n, 0, 2);
	rec(&t, LF_PAND, n + 1, n + 1, 0, 2);	/* TRUE and TRUE = TRUE */
	/* let (asc t(n+2) truei) <the real proof>: the shared term is used */
	tr[k++] = LF_N_LET;
	tr[k++] = LF_N_ASC;
	{
		struct buf u = { 0 };

		buf_uleb(&u, n + 2);
		memcpy(tr + k, u.p, u.n);
		k += u.n;
		free(u.p);
	}
	tr[k++] = LF_N_TRUEI;
	memcpy(tr + k, tree, sizeof(tree));
	k += sizeof(tree);
	p = proof(n + 2, &t, tr, k);
	o = object(NULL, &p);
	attack("sharing 2^70000", &o, NULL, 0, NULL);
	free(p.p);
	free(t.p);
}

/*
 * A complete binary ANDI tree: B(0) = IMP(p, p) proved by impi (hyp 0),
 * B(k) = PAND(B(k-1), B(k-1)); proving B(k) takes 3 * 2^(k+1) nodes.
 * The proof: let (asc B(k) TREE) <the real proof>.
 */
static struct buf andtree(int k)
{
	struct buf t = { 0 }, p = { 0 };
	u32 leaves = 1u << k, i;
	int j;

	rec(&t, LF_PVAR, 7, 0, 0, 1);
	rec(&t, LF_IMP, 1, 1, 0, 2);
	for (j = 1; j <= k; j++)
		rec(&t, LF_PAND, (u64)j + 1, (u64)j + 1, 0, 2);
	buf_uleb(&p, (u64)k + 2);
	buf_put(&p, t.p, t.n);
	buf_byte(&p, LF_N_LET);
	buf_byte(&p, LF_N_ASC);
	buf_uleb(&p, (u64)k + 2);
	/* preorder of a complete tree: an internal node is ANDI, a leaf
	 * IMPI HYP 0; leaf i is preceded by ctz(i) ANDIs (i >= 1), leaf 0
	 * by k */
	for (i = 0; i < leaves; i++) {
		int z = i ? __builtin_ctz(i) : k;

		for (j = 0; j < z; j++)
			buf_byte(&p, LF_N_ANDI);
		buf_byte(&p, LF_N_IMPI);
		buf_byte(&p, LF_N_HYP);
		buf_byte(&p, 0);
	}
	buf_put(&p, tree, sizeof(tree));
	free(t.p);
	return p;
}

static void test_long_proofs(void)
{
	struct pccf_limits big = dflt;
	struct buf p, o;

	/* within the default limits: about 200k nodes */
	p = andtree(16);
	o = object(NULL, &p);
	attack("proof tree 2^16 leaves", &o, NULL, 0, NULL);
	free(p.p);
	/* the proof section limit comes first with the defaults */
	p = andtree(17);
	o = object(NULL, &p);
	attack("proof tree 2^17 leaves", &o, NULL, PCCF_ELIMIT,
	       "proof section of");
	free(p.p);
	/* raised section limits: 3 million nodes hit the node limit */
	big.obj.max_obj = 64u << 20;
	big.obj.max_proof = 32u << 20;
	p = andtree(20);
	o = object(NULL, &p);
	attack("proof 3M nodes, node limit", &o, &big, PCCF_ELIMIT,
	       "more than 1000000 nodes");
	/* and with the node limit raised too, it checks, linearly */
	big.max_proof_nodes = 4000000;
	o = object(NULL, &p);
	attack("proof 3M nodes, accepted", &o, &big, 0, NULL);
	free(p.p);
}

static void test_annotations(void)
{
	struct buf t = chain(16000), a = { 0 }, p, o;
	u32 i;

	p = proof(0, NULL, tree, sizeof(tree));
	/* 16000 terms, then an entry count far beyond the section */
	buf_uleb(&a, 16000);
	buf_put(&a, t.p, t.n);
	buf_uleb(&a, 1ull << 40);
	o = object(&a, &p);
	attack("annotations: huge count", &o, NULL, PCCF_EOBJ, "bad entry count");
	/* up to the section limit with entries: offsets ascend by one;
	 * offset 0 is not a join, which is the rejection */
	a.n = 0;
	buf_uleb(&a, 16000);
	buf_put(&a, t.p, t.n);
	rec(&a, LF_TRUE, 0, 0, 0, 0);
	a.p[0] = 0;	/* placeholder, rewritten below */
	a.n = 0;
	buf_uleb(&a, 16001);
	buf_put(&a, t.p, t.n);
	rec(&a, LF_TRUE, 0, 0, 0, 0);
	buf_uleb(&a, sizeof(code));
	for (i = 0; i < sizeof(code); i++) {
		buf_uleb(&a, i);
		buf_uleb(&a, 16001);
	}
	o = object(&a, &p);
	attack("annotations: every offset", &o, NULL, PCCF_EOBJ, "not at a join");
	/* entries naming a word, and an offset beyond the code */
	a.n = 0;
	buf_uleb(&a, 1);
	rec(&a, LF_CONST, 5, 0, 0, 1);
	buf_uleb(&a, 1);
	buf_uleb(&a, 0);
	buf_uleb(&a, 1);
	o = object(&a, &p);
	attack("annotation names a word", &o, NULL, PCCF_EOBJ, "invalid");
	a.p[a.n - 2] = sizeof(code);
	a.p[a.n - 1] = 1;
	o = object(&a, &p);
	attack("annotation past the code", &o, NULL, PCCF_EOBJ, "invalid");
	/* over the section limit */
	a.n = 0;
	while (a.n <= dflt.obj.max_annot)
		buf_byte(&a, 0);
	o = object(&a, &p);
	attack("annotations over max_annot", &o, NULL, PCCF_ELIMIT,
	       "annotation section of 65537 bytes");
	free(a.p);
	free(p.p);
	free(t.p);
}

/* put_raw - append raw bytes. */
static void put_raw(struct buf *b, const char *bytes, size_t n)
{
	buf_put(b, bytes, n);
}

static void test_constants(void)
{
	struct buf t = { 0 }, p, o;
	u8 asc[] = { LF_N_LET, LF_N_ASC };

	/* an 11-byte uleb: rejected, not wrapped */
	buf_byte(&t, LF_CONST);
	put_raw(&t, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 11);
	p = proof(1, &t, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("const: 11-byte uleb", &o, NULL, PCCF_EPROOF, "truncated");
	free(p.p);
	/* 10 bytes with bits above 2^64 */
	t.n = 0;
	buf_byte(&t, LF_CONST);
	put_raw(&t, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10);
	p = proof(1, &t, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("const: value >= 2^64", &o, NULL, PCCF_EPROOF, "truncated");
	free(p.p);
	/* 2^64 - 1 is fine */
	t.n = 0;
	buf_byte(&t, LF_CONST);
	put_raw(&t, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);
	p = proof(1, &t, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("const: 2^64 - 1", &o, NULL, 0, NULL);
	free(p.p);
	/* term count of 2^64 - 1 and an 11-byte count */
	p.p = NULL;
	p.n = p.cap = 0;
	put_raw(&p, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);
	buf_put(&p, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("term count 2^64 - 1", &o, NULL, PCCF_ELIMIT, "exceed the limit");
	p.n = 0;
	put_raw(&p, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 11);
	buf_put(&p, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("term count 11-byte uleb", &o, NULL, PCCF_EPROOF, "bad count");
	free(p.p);
	/* ill-formed operands that fit in a uleb */
	{
		static const struct { const char *name; u8 kind; u64 x, y, z; int n; } ill[] = {
			{ "VAR bits 65", LF_VAR, 20, 65, 0, 2 },
			{ "VAR bits 2^40", LF_VAR, 20, 1ull << 40, 0, 2 },
			{ "VAR id 4", LF_VAR, 4, 64, 0, 2 },
			{ "VAR caplen 64 bits", LF_VAR, LF_V_CAPLEN, 64, 0, 2 },
			{ "LD 3 bytes", LF_LD, 1, 3, 0, 2 },
			{ "SEXT 7", LF_SEXT, 1, 7, 0, 2 },
			{ "BSWAP 2^32+4", LF_BSWAP, 1, (1ull << 32) + 4, 0, 2 },
			{ "ROL width 2^32+64", LF_ROL, 1, 1, (1ull << 32) + 64, 3 },
		};
		size_t i;
		char name[64];

		for (i = 0; i < sizeof(ill) / sizeof(ill[0]); i++) {
			t.n = 0;
			rec(&t, LF_CONST, 9, 0, 0, 1);
			rec(&t, ill[i].kind, ill[i].x, ill[i].y, ill[i].z, ill[i].n);
			p = proof(2, &t, tree, sizeof(tree));
			o = object(NULL, &p);
			snprintf(name, sizeof(name), "ill-formed %s", ill[i].name);
			attack(name, &o, NULL, PCCF_EPROOF, "ill-formed");
			free(p.p);
		}
	}
	/* an ascription index 2^32 + 1 must not alias term 1 */
	t.n = 0;
	rec(&t, LF_TRUE, 0, 0, 0, 0);
	p = proof(1, &t, asc, sizeof(asc));
	buf_uleb(&p, (1ull << 32) + 1);
	buf_byte(&p, LF_N_TRUEI);
	buf_put(&p, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("asc index 2^32 + 1", &o, NULL, PCCF_EPROOF, "not a proposition of the term list");
	free(p.p);
	/* a rule number 2^32 + inb_i must not alias inb_i */
	p = proof(0, NULL, tree, 2);
	buf_uleb(&p, (1ull << 32) + (u64)rule_no("inb_i"));
	buf_put(&p, tree + 3, sizeof(tree) - 3);
	o = object(NULL, &p);
	attack("rule index 2^32 + inb_i", &o, NULL, PCCF_EPROOF, "no such rule");
	free(p.p);
	free(t.p);
}

static void test_debruijn(void)
{
	struct buf p, o;
	u64 idx[] = { 1, 2, 1ull << 32, (1ull << 33) + 0, ~0ull };
	char name[64];
	size_t i;

	/* the real proof with its hyp 0 replaced: only index 0 is in scope */
	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		p = proof(0, NULL, tree, sizeof(tree) - 1);
		buf_uleb(&p, idx[i]);
		o = object(NULL, &p);
		snprintf(name, sizeof(name), "hyp %llu, 1 in scope",
			 (unsigned long long)idx[i]);
		attack(name, &o, NULL,
		       PCCF_EPROOF, "hypothesis index out of scope");
		free(p.p);
	}
	/* a hypothesis with none in scope */
	{
		u8 tr[] = { LF_N_HYP, 0 };

		p = proof(0, NULL, tr, sizeof(tr));
		o = object(NULL, &p);
		attack("hyp 0, none in scope", &o, NULL, PCCF_EPROOF,
		       "hypothesis index out of scope");
		free(p.p);
	}
}

static void test_cycles(void)
{
	static const struct { const char *name; u64 a, b; } c[] = {
		{ "operand is itself", 2, 1 },
		{ "operand is later", 1, 3 },
		{ "operand is 0", 0, 1 },
		{ "operand 2^32 + 1", (1ull << 32) + 1, 1 },
		{ "operand 2^64 - 1", ~0ull, 1 },
	};
	struct buf t = { 0 }, p, o;
	size_t i;
	char name[64];

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		t.n = 0;
		rec(&t, LF_VAR, LF_V_CAPLEN, 32, 0, 2);
		rec(&t, LF_ADD, c[i].a, c[i].b, 0, 2);
		rec(&t, LF_ADD, 1, 1, 0, 2);
		p = proof(3, &t, tree, sizeof(tree));
		o = object(NULL, &p);
		snprintf(name, sizeof(name), "cycle: %s", c[i].name);
		attack(name, &o, NULL, PCCF_EPROOF, "is not an earlier term");
		free(p.p);
	}
	free(t.p);
}

/* lets - 'n' nested "let (asc B(0) (impi (hyp 0))) ..." around the real
 * proof: n hypotheses and 2n + 3 frames deep at the innermost node. */
static struct buf lets(u32 n)
{
	struct buf p = { 0 };
	u32 i;

	buf_uleb(&p, 2);
	rec(&p, LF_PVAR, 7, 0, 0, 1);
	rec(&p, LF_IMP, 1, 1, 0, 2);
	for (i = 0; i < n; i++) {
		buf_byte(&p, LF_N_LET);
		buf_byte(&p, LF_N_ASC);
		buf_byte(&p, 2);
		buf_byte(&p, LF_N_IMPI);
		buf_byte(&p, LF_N_HYP);
		buf_byte(&p, 0);
	}
	buf_put(&p, tree, sizeof(tree));
	return p;
}

static void test_nesting(void)
{
	struct buf p, o;
	struct pccf_limits lim = dflt;
	u32 n = 4000, i;

	p = lets(n);
	o = object(NULL, &p);
	attack("4000 nested lets", &o, NULL, 0, NULL);
	free(p.p);
	p = lets(5000);
	o = object(NULL, &p);
	attack("5000 nested lets", &o, NULL, PCCF_ELIMIT, "deeper than 4096");
	free(p.p);
	/* 200k nested lets with a raised depth: linear, not quadratic */
	lim.max_depth = 1u << 20;
	lim.obj.max_obj = 4u << 20;
	lim.obj.max_proof = 2u << 20;
	p = lets(200000);
	o = object(NULL, &p);
	attack("200k nested lets, deep lim", &o, &lim, 0, NULL);
	free(p.p);
	/* an ascription of IMP nested 5000 deep */
	{
		struct buf t = { 0 };

		rec(&t, LF_PVAR, 7, 0, 0, 1);
		for (i = 2; i <= 5001; i++)
			rec(&t, LF_IMP, 1, i - 1, 0, 2);
		p = proof(5001, &t, NULL, 0);
		buf_byte(&p, LF_N_LET);
		buf_byte(&p, LF_N_ASC);
		buf_uleb(&p, 5001);
		for (i = 0; i < 5000; i++)
			buf_byte(&p, LF_N_IMPI);
		buf_byte(&p, LF_N_HYP);
		buf_byte(&p, 0);
		buf_put(&p, tree, sizeof(tree));
		o = object(NULL, &p);
		attack("5000 nested impi", &o, NULL, PCCF_ELIMIT, "deeper than 4096");
		free(p.p);
		free(t.p);
	}
}

/* --- every limit, exactly --------------------------------------------- */

/* nops_code - 'n' times "xor eax, eax" then a relocated return. */
static struct buf nops_object(u32 n)
{
	struct buf c = { 0 }, o = { 0 }, p = { 0 };
	uint32_t r;
	u32 i;

	for (i = 0; i < n; i++) {
		buf_byte(&c, 0x31);
		buf_byte(&c, 0xc0);
	}
	buf_byte(&c, 0xe9);
	r = (uint32_t)c.n;
	buf_u32(&c, 0);
	buf_uleb(&p, 0);
	buf_byte(&p, LF_N_TRUEI);
	CU_ASSERT_FATAL(obj_write(&o, c.p, (uint32_t)c.n, &r, 1, NULL, 0, p.p,
				  (uint32_t)p.n) == 0);
	free(c.p);
	free(p.p);
	return o;
}

/* at_limit - 'o' is accepted under 'lim', rejected with ELIMIT and
 * 'msg' when '*field' is one less. */
static void at_limit(const char *name, struct buf *o, struct pccf_limits *lim,
		     u32 *field, const char *msg)
{
	struct pccf_err e;
	int rc;

	rc = verify(o, lim, &e);
	if (rc) {
		printf("\n  %s at the limit: %s", name, e.msg);
		CU_FAIL("rejected at the limit");
	}
	(*field)--;
	rc = verify(o, lim, &e);
	(*field)++;
	CU_ASSERT_EQUAL(rc, PCCF_ELIMIT);
	if (rc != PCCF_ELIMIT || !strstr(e.msg, msg)) {
		printf("\n  %s: got %d \"%s\", expected \"%s\"", name, rc, e.msg, msg);
		CU_FAIL("limit message");
	} else {
		printf("\n  %-16s %s", name, e.msg);
	}
}

static void test_every_limit(void)
{
	struct buf p = proof(0, NULL, tree, sizeof(tree)), o = object(NULL, &p);
	struct buf n = nops_object(100), d = lets(10), od = object(NULL, &d);
	struct pccf_limits l;
	char m[128];

	l = dflt;
	l.obj.max_obj = (u32)o.n;
	snprintf(m, sizeof(m), "object of %zu bytes exceeds the limit of %zu", o.n, o.n - 1);
	at_limit("obj.max_obj", &o, &l, &l.obj.max_obj, m);
	l = dflt;
	l.obj.max_code = sizeof(code);
	at_limit("obj.max_code", &o, &l, &l.obj.max_code, "code section of 26 bytes exceeds the limit of 25");
	l = dflt;
	l.obj.max_proof = (u32)p.n;
	at_limit("obj.max_proof", &o, &l, &l.obj.max_proof, "proof section of 8 bytes exceeds the limit of 7");
	l = dflt;
	l.obj.max_relocs = 1;
	at_limit("obj.max_relocs", &o, &l, &l.obj.max_relocs, "reloc section of 1 entries exceeds the limit of 0");
	l = dflt;
	l.obj.max_annot = 0;	/* empty annotations fit 0; see test_annotations */
	{
		struct buf a = { 0 }, oa;

		buf_uleb(&a, 0);
		buf_uleb(&a, 0);
		oa = object(&a, &p);
		l.obj.max_annot = 2;
		at_limit("obj.max_annot", &oa, &l, &l.obj.max_annot, "annotation section of 2 bytes exceeds the limit of 1");
		free(a.p);
		free(oa.p);
	}
	l = dflt;
	l.vc.max_code = sizeof(code);
	at_limit("vc.max_code", &o, &l, &l.vc.max_code, "code of 26 bytes exceeds the limit of 25");
	l = dflt;
	l.max_terms = 5;	/* the VC itself does not fit */
	{
		struct pccf_err e;

		CU_ASSERT_EQUAL(verify(&o, &l, &e), PCCF_ELIMIT);
		CU_ASSERT(strstr(e.msg, "term table full") != NULL);
		printf("\n  %-16s %s", "max_terms (VC)", e.msg);
	}
	l = dflt;
	l.vc.max_insns = 101;
	at_limit("vc.max_insns", &n, &l, &l.vc.max_insns, "more than 100 reachable instructions");
	l = dflt;
	l.max_proof_nodes = 4 * 10 + 4;	/* lets(10): 4 nodes per let + 4 */
	at_limit("max_proof_nodes", &od, &l, &l.max_proof_nodes, "proof has more than 43 nodes");
	l = dflt;
	l.max_depth = 10 + 4;	/* 10 lets on the stack + impi rule rule hyp */
	at_limit("max_depth", &od, &l, &l.max_depth, "proof nesting deeper than 13");
	/* max_terms bounds the term list and the table (VC + list terms):
	 * find the least value that accepts a 1000-term list, then one less
	 * must be an ELIMIT naming the term table */
	{
		struct buf t = chain(1000), pt = proof(1000, &t, tree, sizeof(tree));
		struct buf ot = object(NULL, &pt);
		struct pccf_err e;

		l = dflt;
		for (l.max_terms = 1000; l.max_terms < 2000; l.max_terms++)
			if (verify(&ot, &l, &e) == 0)
				break;
		CU_ASSERT(l.max_terms > 1000 && l.max_terms < 2000);
		at_limit("max_terms", &ot, &l, &l.max_terms, "term table full");
		l.max_terms = 999;
		CU_ASSERT_EQUAL(verify(&ot, &l, &e), PCCF_ELIMIT);
		CU_ASSERT(strstr(e.msg, "1000 terms exceed the limit") != NULL);
		printf("\n  %-16s %s", "max_terms (list)", e.msg);
		free(t.p);
		free(pt.p);
		free(ot.p);
	}
	free(p.p);
	free(o.p);
	free(n.p);
	free(d.p);
	free(od.p);
}

/* --- rejection paths the other suites leave unreached ------------------ */

/* with_code - 'c' ('n' bytes, relocs 'r' ('nr')) with the base proof. */
static struct buf with_code(const u8 *c, u32 n, const uint32_t *r, u32 nr)
{
	struct buf p = proof(0, NULL, tree, sizeof(tree)), o = { 0 };

	CU_ASSERT_FATAL(obj_write(&o, c, n, r, nr, NULL, 0, p.p, (uint32_t)p.n) == 0);
	free(p.p);
	return o;
}

static void test_more_rejections(void)
{
	struct buf p = proof(0, NULL, tree, sizeof(tree)), a = { 0 }, o, t = { 0 };
	u8 andl[] = { LF_N_IMPI, LF_N_ANDL, LF_N_HYP, 0 };
	/* jmp +0x100: out of the code */
	static const u8 far[] = { 0xe9, 0x00, 0x01, 0x00, 0x00 };
	/* xor eax,eax; ret (relocated); an unreachable relocated jmp */
	static const u8 dead[] = { 0x31, 0xc0, 0xe9, 0, 0, 0, 0, 0xe9, 0, 0, 0, 0 };
	static const uint32_t dead_rel[] = { 3, 8 };

	/* unknown term kinds */
	buf_byte(&t, LF_NONE);
	{
		struct buf q = proof(1, &t, tree, sizeof(tree));

		o = object(NULL, &q);
		attack("term kind 0", &o, NULL, PCCF_EPROOF, "unknown kind 0");
		q.p[1] = LF_NKINDS;
		o = object(NULL, &q);
		attack("term kind past the last", &o, NULL, PCCF_EPROOF, "unknown kind");
		free(q.p);
	}
	/* impi against a goal that is not an implication */
	{
		u8 ii[] = { LF_N_IMPI, LF_N_IMPI, LF_N_HYP, 0 };
		struct buf q = proof(0, NULL, ii, sizeof(ii));

		o = object(NULL, &q);
		attack("impi of a non-implication", &o, NULL, PCCF_EPROOF,
		       "goal is not an implication");
		free(q.p);
	}
	/* andl of a proof that is not a conjunction */
	{
		struct buf q = proof(0, NULL, andl, sizeof(andl));

		o = object(NULL, &q);
		attack("andl of a non-conjunction", &o, NULL, PCCF_EPROOF,
		       "premise is not a conjunction");
		free(q.p);
	}
	/* annotation entries: truncated, not ascending, trailing bytes */
	buf_uleb(&a, 1);
	rec(&a, LF_TRUE, 0, 0, 0, 0);
	buf_uleb(&a, 1);
	buf_uleb(&a, 6);
	o = object(&a, &p);
	attack("annotation truncated", &o, NULL, PCCF_EOBJ, "annotation 0 truncated");
	a.n = 0;
	buf_uleb(&a, 1);
	rec(&a, LF_TRUE, 0, 0, 0, 0);
	buf_uleb(&a, 2);
	buf_uleb(&a, 21);
	buf_uleb(&a, 1);
	buf_uleb(&a, 21);
	buf_uleb(&a, 1);
	o = object(&a, &p);
	attack("annotations not ascending", &o, NULL, PCCF_EOBJ, "offsets not ascending");
	a.n = 0;
	buf_uleb(&a, 1);
	rec(&a, LF_TRUE, 0, 0, 0, 0);
	buf_uleb(&a, 0);
	buf_byte(&a, 0);
	o = object(&a, &p);
	attack("annotation trailing byte", &o, NULL, PCCF_EOBJ, "1 trailing bytes");
	/* control flow */
	o = with_code(far, sizeof(far), NULL, 0);
	attack("jmp outside the code", &o, NULL, PCCF_EDECODE, "outside the code");
	o = with_code(dead, sizeof(dead), dead_rel, 2);
	attack("reloc on unreachable jmp", &o, NULL, PCCF_ECFG,
	       "not the rel32 of a reachable return");
	free(a.p);
	free(p.p);
	free(t.p);
}

/*
 * Arenas smaller than pccf_arena_bytes(): every size from 0 up, in steps
 * of 8 bytes, gives a clean ELIMIT "out of memory" rejection until the
 * object fits, and then the right verdict; never a crash or a write past
 * the arena (ASan build).  The object has relocations, annotations and
 * a proof term list, so each allocation's failure is met on the way.
 */
static void test_small_arenas(void)
{
	struct buf t = chain(300), a = { 0 }, p = proof(300, &t, tree, sizeof(tree)), o;
	struct pccf_verified v;
	struct pccf_err e;
	struct pccf_arena sa;
	char seen[16][PCCF_MSG_MAX];
	size_t sz, full = pccf_arena_bytes(&dflt);
	int rc, nmem = 0, nseen = 0, i;

	buf_uleb(&a, 300);
	for (i = 0; i < 300; i++)
		rec(&a, LF_TRUE, 0, 0, 0, 0);
	buf_uleb(&a, 1);
	buf_uleb(&a, 0x15);
	buf_uleb(&a, 1);
	o = object(&a, &p);
	sa.base = malloc(full);
	CU_ASSERT_FATAL(sa.base != NULL);
	for (sz = 0; sz < full; sz += 8) {
		sa.size = sz;
		sa.used = 0;
		memset(&e, 0, sizeof(e));
		rc = pccf_verify(o.p, (u32)o.n, &dflt, PCCF_CHECK, &sa, &v, &e);
		CU_ASSERT(sa.used <= sa.size);
		if (!rc)
			break;
		CU_ASSERT_EQUAL(rc, PCCF_ELIMIT);
		if (rc != PCCF_ELIMIT || !strstr(e.msg, "out of memory")) {
			printf("\n  arena %zu: %s", sz, e.msg);
			CU_FAIL("not an out-of-memory rejection");
		}
		nmem++;
		for (i = 0; i < nseen && strcmp(seen[i], e.msg); i++)
			;
		if (i == nseen && nseen < 16)
			strcpy(seen[nseen++], e.msg);
	}
	CU_ASSERT_EQUAL(rc, 0);
	printf("\n  %d arena sizes out of memory, accepted from %zu bytes "
	       "(bound %zu); messages:", nmem, sz, full);
	for (i = 0; i < nseen; i++)
		printf("\n    %s", seen[i]);
	CU_ASSERT(nseen >= 6);
	free(sa.base);
	free(o.p);
	free(p.p);
	free(a.p);
	free(t.p);
}

/*
 * vc_gen's own checks that pccf_verify's earlier stages make
 * unreachable (defence in depth): called directly they still reject.
 */
static void test_vc_gen_direct(void)
{
	struct pccf_verified v;
	struct pccf_err e;
	struct lf_tab tab;
	struct vc_annot an[2];
	struct x86_relocs rel;
	struct pccf_arena sa;
	uint32_t roff = 0x16;
	lf_ref vc;

	sa.size = pccf_arena_bytes(&dflt);
	sa.base = malloc(sa.size);
	CU_ASSERT_FATAL(sa.base != NULL);
	rel.off = &roff;
	rel.n = 1;
#define FRESH() do { sa.used = 0; memset(&e, 0, sizeof(e)); \
		CU_ASSERT_FATAL(lf_init(&tab, &sa, 4096) == 0); } while (0)
	FRESH();
	CU_ASSERT_EQUAL(vc_gen(code, 0, &rel, NULL, 0, &dflt.vc, &tab, &sa, &vc, &e),
			PCCF_ECFG);
	CU_ASSERT(strstr(e.msg, "empty code") != NULL);
	FRESH();
	an[0].off = an[1].off = 0x15;
	an[0].inv = an[1].inv = lf_mk(&tab, LF_TRUE, 0, 0, 0);
	CU_ASSERT_EQUAL(vc_gen(code, sizeof(code), &rel, an, 2, &dflt.vc, &tab, &sa,
			       &vc, &e), PCCF_EOBJ);
	CU_ASSERT(strstr(e.msg, "two annotations at offset") != NULL);
	FRESH();
	an[0].inv = lf_const(&tab, 7);
	CU_ASSERT_EQUAL(vc_gen(code, sizeof(code), &rel, an, 1, &dflt.vc, &tab, &sa,
			       &vc, &e), PCCF_EOBJ);
	CU_ASSERT(strstr(e.msg, "is not a proposition") != NULL);
	FRESH();
	tab.full = 1;
	CU_ASSERT_EQUAL(vc_gen(code, sizeof(code), &rel, NULL, 0, &dflt.vc, &tab, &sa,
			       &vc, &e), PCCF_ELIMIT);
	printf("\n  full table: %s", e.msg);
#undef FRESH
	(void)v;
	free(sa.base);
}

/* --- tests for mutants that survived the other suites (mutants.sh) ------ */

/* let_asc - proof: term list 't' ('n' terms), then "let (asc T <sub>)
 * <the real proof>", where T is term 'n' and 'sub' its proof. */
static struct buf let_asc(const struct buf *t, u32 n, const u8 *sub, size_t nsub)
{
	struct buf p = proof(n, t, NULL, 0);

	buf_byte(&p, LF_N_LET);
	buf_byte(&p, LF_N_ASC);
	buf_uleb(&p, n);
	buf_put(&p, sub, nsub);
	buf_put(&p, tree, sizeof(tree));
	return p;
}

/* x8 - terms 1..4: pkt, 1, pkt + 1, x = pkt[1] (8 bits). */
static void x8(struct buf *t)
{
	t->n = 0;
	rec(t, LF_VAR, LF_V_PKT, 64, 0, 2);
	rec(t, LF_CONST, 1, 0, 0, 1);
	rec(t, LF_ADD, 1, 2, 0, 2);
	rec(t, LF_LD, 3, 1, 0, 2);
}

static void test_rule_side_conditions(void)
{
	struct buf t = { 0 }, p, o;
	u8 addk[] = { LF_N_RULE, (u8)rule_no("addk") };
	u8 bitsk[] = { LF_N_RULE, (u8)rule_no("bits_k") };

	/* addk: x+3 <= x+3 yes, x+4 <= x+3 no (le k1 k2, exactly) */
	x8(&t);
	rec(&t, LF_CONST, 3, 0, 0, 1);		/* 5 */
	rec(&t, LF_CONST, 4, 0, 0, 1);		/* 6 */
	rec(&t, LF_ADD, 4, 5, 0, 2);		/* 7: x+3 */
	rec(&t, LF_ADD, 4, 6, 0, 2);		/* 8: x+4 */
	rec(&t, LF_ULE, 7, 7, 0, 2);		/* 9: TRUE by rewriting */
	rec(&t, LF_ULE, 8, 7, 0, 2);		/* 10 */
	p = let_asc(&t, 10, addk, sizeof(addk));
	o = object(NULL, &p);
	attack("addk x+4 <= x+3", &o, NULL, PCCF_EPROOF, "side condition fails");
	free(p.p);
	/* bits_k: x <= 255 yes, x <= 254 no (bitle a k, exactly) */
	x8(&t);
	rec(&t, LF_CONST, 255, 0, 0, 1);	/* 5 */
	rec(&t, LF_ULE, 4, 5, 0, 2);		/* 6 */
	p = let_asc(&t, 6, bitsk, sizeof(bitsk));
	o = object(NULL, &p);
	attack("bits_k x8 <= 255", &o, NULL, 0, NULL);
	free(p.p);
	x8(&t);
	rec(&t, LF_CONST, 254, 0, 0, 1);	/* 5 */
	rec(&t, LF_ULE, 4, 5, 0, 2);		/* 6 */
	p = let_asc(&t, 6, bitsk, sizeof(bitsk));
	o = object(NULL, &p);
	attack("bits_k x8 <= 254", &o, NULL, PCCF_EPROOF, "side condition fails");
	free(p.p);
	/* nz_ult's literal: from x != 5, 0 < x does not follow */
	x8(&t);
	rec(&t, LF_CONST, 5, 0, 0, 1);		/* 5 */
	rec(&t, LF_EQ, 4, 5, 0, 2);		/* 6: x = 5 */
	rec(&t, LF_PNOT, 6, 0, 0, 1);		/* 7 */
	rec(&t, LF_IMP, 7, 7, 0, 2);		/* 8: hypothesis for impi */
	{
		/* asc (x != 5 -> 0 < x) (impi (rule nz_ult (hyp 0))) */
		struct buf q;
		u8 sub[] = { LF_N_IMPI, LF_N_RULE, (u8)rule_no("nz_ult"), LF_N_HYP, 0 };

		rec(&t, LF_CONST, 0, 0, 0, 1);	/* 9 */
		rec(&t, LF_ULT, 9, 4, 0, 2);	/* 10: 0 < x */
		rec(&t, LF_IMP, 7, 10, 0, 2);	/* 11 */
		q = let_asc(&t, 11, sub, sizeof(sub));
		o = object(NULL, &q);
		attack("nz_ult from x != 5", &o, NULL, PCCF_EPROOF, "different proposition");
		free(q.p);
	}
	{
		/* the same with nz_ult inferred (a let's first child), where
		 * only the literal 0 in its premise stands in the way */
		struct buf q;
		u8 sub[] = { LF_N_IMPI, LF_N_LET, LF_N_RULE, (u8)rule_no("nz_ult"),
			     LF_N_HYP, 0, LF_N_HYP, 0 };

		q = let_asc(&t, 11, sub, sizeof(sub));
		o = object(NULL, &q);
		attack("nz_ult inferred, x != 5", &o, NULL, PCCF_EPROOF,
		       "premise 1 has the wrong form");
		free(q.p);
	}
	free(t.p);
}

static void test_connectives(void)
{
	struct buf t = { 0 }, p, o;
	/* A = p -> p, B = p -> (p -> p), C = A and B */
	u8 ok_l[] = { LF_N_ANDL, LF_N_ASC, 4, LF_N_ANDI, LF_N_IMPI, LF_N_HYP, 0,
		      LF_N_IMPI, LF_N_IMPI, LF_N_HYP, 0 };
	u8 impe[] = { LF_N_IMPI, LF_N_IMPE, LF_N_HYP, 0, LF_N_TRUEI };

	rec(&t, LF_PVAR, 7, 0, 0, 1);		/* 1: p */
	rec(&t, LF_IMP, 1, 1, 0, 2);		/* 2: A */
	rec(&t, LF_IMP, 1, 2, 0, 2);		/* 3: B */
	rec(&t, LF_PAND, 2, 3, 0, 2);		/* 4: C */
	rec(&t, LF_IMP, 3, 3, 0, 2);		/* 5: unused */
	/* let (asc A (andl (asc C ...))): accepted; as B: rejected */
	p = proof(5, &t, NULL, 0);
	buf_byte(&p, LF_N_LET);
	buf_byte(&p, LF_N_ASC);
	buf_byte(&p, 2);
	buf_put(&p, ok_l, sizeof(ok_l));
	buf_put(&p, tree, sizeof(tree));
	o = object(NULL, &p);
	attack("andl gives the left", &o, NULL, 0, NULL);
	p.p[p.n - sizeof(tree) - sizeof(ok_l) - 1] = 3;	/* asc B */
	o = object(NULL, &p);
	attack("andl is not the right", &o, NULL, PCCF_EPROOF, "different proposition");
	p.p[p.n - sizeof(tree) - sizeof(ok_l)] = LF_N_ANDR;	/* andr as B */
	o = object(NULL, &p);
	attack("andr gives the right", &o, NULL, 0, NULL);
	free(p.p);
	/* impe of a hypothesis that is not an implication */
	p = proof(0, NULL, impe, sizeof(impe));
	o = object(NULL, &p);
	attack("impe of a non-implication", &o, NULL, PCCF_EPROOF,
	       "premise is not an implication");
	free(p.p);
	free(t.p);
}

/* fill - the arena's bytes as copies of the 32-bit word 'w' (what stale
 * arena memory may hold). */
static void fill(u32 w)
{
	size_t i;

	for (i = 0; i + 4 <= ar.size; i += 4)
		memcpy(ar.base + i, &w, 4);
}

/* verify_stale - pccf_verify up to 'stage' on an arena full of 'w'. */
static int verify_stale(const struct buf *o, u32 w, enum pccf_stage stage,
			struct pccf_verified *v, struct pccf_err *e)
{
	struct pccf_err dummy;

	verify(&(struct buf){ (u8 *)"", 0, 0 }, &dflt, &dummy);	/* sized */
	fill(w);
	ar.used = 0;
	memset(e, 0, sizeof(*e));
	return pccf_verify(o->p, (u32)o->n, &dflt, stage, &ar, v, e);
}

/*
 * Indices one past a term list must be rejected even when the arena word
 * after the list's array holds a valid proposition: the array of n + 1
 * refs is followed by alignment padding when n + 1 is odd, and stale
 * arena memory there may name any term.
 */
static void test_index_past_list(void)
{
	struct buf t = { 0 }, p, a = { 0 }, o;
	struct pccf_verified v;
	struct pccf_err e;
	u32 r, truth = 0;
	int rc;

	/* asc with index n + 1, n = 2, the padding naming the VC */
	rec(&t, LF_TRUE, 0, 0, 0, 0);
	rec(&t, LF_FALSE, 0, 0, 0, 0);
	p = proof(2, &t, NULL, 0);
	buf_byte(&p, LF_N_ASC);
	buf_byte(&p, 3);
	buf_put(&p, tree, sizeof(tree));
	o = object(NULL, &p);
	CU_ASSERT_EQUAL_FATAL(verify_stale(&o, 0, PCCF_VCGEN, &v, &e), 0);
	rc = verify_stale(&o, v.vc, PCCF_CHECK, &v, &e);
	CU_ASSERT_EQUAL(rc, PCCF_EPROOF);
	CU_ASSERT(strstr(e.msg, "not a proposition of the term list") != NULL);
	printf("\n  asc index n+1, stale VC ref: %s", rc ? e.msg : "ACCEPTED");
	free(o.p);
	free(p.p);
	/* an annotation naming term n + 1, the padding naming TRUE */
	p = proof(0, NULL, tree, sizeof(tree));
	t.n = 0;
	buf_uleb(&a, 2);
	rec(&a, LF_TRUE, 0, 0, 0, 0);
	rec(&a, LF_PVAR, 3, 0, 0, 1);
	buf_uleb(&a, 1);
	buf_uleb(&a, 0x15);	/* the join of ip_all's two paths */
	buf_uleb(&a, 3);
	o = object(&a, &p);
	CU_ASSERT_EQUAL(verify_stale(&o, 0, PCCF_PARSE, &v, &e), 0);
	/* find TRUE's ref with a valid index first */
	a.p[a.n - 1] = 1;
	free(o.p);
	o = object(&a, &p);
	rc = verify_stale(&o, 0, PCCF_CHECK, &v, &e);
	CU_ASSERT_EQUAL(rc, 0);
	for (r = 1; r < v.tab.n; r++)
		if (v.tab.t[r].kind == LF_TRUE)
			truth = r;
	CU_ASSERT_FATAL(truth != 0);
	a.p[a.n - 1] = 3;
	free(o.p);
	o = object(&a, &p);
	rc = verify_stale(&o, truth, PCCF_CHECK, &v, &e);
	CU_ASSERT_EQUAL(rc, PCCF_EOBJ);
	CU_ASSERT(strstr(e.msg, "invalid") != NULL);
	printf("\n  annotation term n+1, stale TRUE ref: %s", rc ? e.msg : "ACCEPTED");
	free(o.p);
	free(p.p);
	free(a.p);
	free(t.p);
}

/* --- the fuzzer's and the hunt's findings ----------------------------- */

/* child - verify 'b' ('n' bytes) placed against a guard page; run it
 * if accepted.  Exit 0 when all is well, 1 on a broken contract. */
static void child(const u8 *b, size_t n, int must_reject)
{
	static const u8 zero[64];
	struct host_guard g, gp, gm;
	struct pccf_verified v;
	struct pccf_err e;
	struct host_filter hf;
	u8 pkt[64], *obj, *pp, *mm;
	u32 i, len;
	int rc;

	if (host_guard_init(&g, n ? n : 1))
		_exit(2);
	obj = host_guard_end(&g, b, n);
	ar.used = 0;
	memset(&e, 0, sizeof(e));
	rc = pccf_verify(obj, (u32)n, &dflt, PCCF_CHECK, &ar, &v, &e);
	if (rc) {
		printf("    rejected: %s\n", e.msg);
		_exit(rc == e.code && rc > 0 && rc < PCCF_NCODES && e.msg[0] ? 0 : 1);
	}
	printf("    accepted\n");
	if (must_reject)
		_exit(1);
	if (host_install(&v.obj, &v.rel, &hf, &e) || host_guard_init(&gp, 64) ||
	    host_guard_init(&gm, 64))
		_exit(1);
	for (len = 0; len <= 64; len++)
		for (i = 0; i < 4; i++) {
			memset(pkt, i == 0 ? 0 : i == 1 ? 0xff : 0x45, sizeof(pkt));
			if (i == 3)
				pkt[12] = 8, pkt[13] = 0;
			pp = host_guard_end(&gp, pkt, len);
			mm = host_guard_end(&gm, zero, sizeof(zero));
			host_run(&hf, pp, len, len, (u32 *)mm);
			pp = host_guard_start(&gp, pkt, len);
			mm = host_guard_start(&gm, zero, sizeof(zero));
			host_run(&hf, pp, len, len, (u32 *)mm);
		}
	_exit(0);
}

static void test_regress(void)
{
	const char *dir = getenv("PCCF_REGRESS_DIR");
	char path[4096];
	struct dirent *de;
	DIR *dd;
	FILE *f;
	u8 *b;
	long n;
	int st, nfiles = 0;
	pid_t pid;

	if (!dir)
		dir = "tests/fuzz/regress";
	if (!dir[0]) {
		printf("\n  PCCF_REGRESS_DIR is empty: replay skipped");
		return;
	}
	/* room for any object within the default limits */
	verify(&(struct buf){ (u8 *)"", 0, 0 }, &dflt, &(struct pccf_err){ 0 });
	dd = opendir(dir);
	if (!dd) {
		printf("\n  no %s (run from the repository root)", dir);
		CU_FAIL("regression directory missing");
		return;
	}
	while ((de = readdir(dd))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		b = malloc(n ? (size_t)n : 1);
		CU_ASSERT_FATAL(b && fread(b, 1, (size_t)n, f) == (size_t)n);
		fclose(f);
		printf("\n  %s (%ld bytes)\n", de->d_name, n);
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			child(b, (size_t)n, !strncmp(de->d_name, "unsound-", 8) ||
					    !strncmp(de->d_name, "oob-", 4));
		CU_ASSERT_FATAL(pid > 0 && waitpid(pid, &st, 0) == pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("    FAILED: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
			       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			CU_FAIL("regression input");
		}
		free(b);
		nfiles++;
	}
	closedir(dd);
	printf("  %d regression inputs replayed", nfiles);
}

static void test_worst(void)
{
	printf("\n  worst check time: %.1f ns/byte over all inputs (%s; small "
	       "inputs are dominated by the fixed cost of a few us), %.1f ns/byte "
	       "over inputs >= 16 KiB (%s)", worst_nspb, worst_name, worst_big,
	       worst_big_name);
	CU_PASS("reported");
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	CU_initialize_registry();
	s = CU_add_suite("hostile", setup, NULL);
	CU_add_test(s, "base object accepted", test_base_accepted);
	CU_add_test(s, "deep term chains", test_deep_chain);
	CU_add_test(s, "sharing that would blow up", test_sharing);
	CU_add_test(s, "very long proofs", test_long_proofs);
	CU_add_test(s, "huge annotations", test_annotations);
	CU_add_test(s, "constants and indices out of range", test_constants);
	CU_add_test(s, "de Bruijn indices out of scope", test_debruijn);
	CU_add_test(s, "cycles in the term table", test_cycles);
	CU_add_test(s, "nesting beyond max_depth", test_nesting);
	CU_add_test(s, "every limit enforced exactly", test_every_limit);
	CU_add_test(s, "more rejection paths", test_more_rejections);
	CU_add_test(s, "rule side conditions, exactly", test_rule_side_conditions);
	CU_add_test(s, "andl, andr, impe", test_connectives);
	CU_add_test(s, "indices one past a term list", test_index_past_list);
	CU_add_test(s, "arenas below the bound", test_small_arenas);
	CU_add_test(s, "vc_gen's own checks", test_vc_gen_direct);
	CU_add_test(s, "regression inputs", test_regress);
	CU_add_test(s, "worst time per byte", test_worst);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	free(ar.base);
	return fails ? 1 : 0;
}
