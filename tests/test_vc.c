/*
 * test_vc.c - the VC generator and abstract machine (vcgen/vc_gen.c,
 * vcgen/vc_step.c): small hand-assembled programs (bytes annotated with
 * their assembly) accepted or rejected with the expected reason, the VC's
 * shape, and the machine's register/flag rules checked on its terms
 * (evaluated with tests/lf_eval.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include "pccf/compat.h"
#include "lf.h"
#include "x86.h"
#include "vc.h"
#include "lf_eval.h"

static u8 arena_mem[1 << 24];
static struct pccf_arena AR;
static struct lf_tab TAB;
static struct pccf_err E;
static lf_ref VC;

/* fresh - reset the arena, the term table and the error. */
static void fresh(void)
{
	AR.base = arena_mem;
	AR.size = sizeof(arena_mem);
	AR.used = 0;
	memset(&E, 0, sizeof(E));
	CU_ASSERT_FATAL(lf_init(&TAB, &AR, 1 << 16) == 0);
}

/*
 * gen - vc_gen on 'n' bytes 'p'; every 'jmp rel32' (E9 00 00 00 00) is a
 * return: its rel32 offset is listed as a reloc.  'an'/'nan' annotations.
 */
static int gen_an(const u8 *p, u32 n, const struct vc_annot *an, u32 nan)
{
	static u32 rel[64];
	struct x86_relocs R = { rel, 0 };
	struct vc_limits lim = { 4096, 1024 };
	u32 i;
	int rc;

	for (i = 0; i + 5 <= n && R.n < 64; i++)
		if (p[i] == 0xe9 && !p[i + 1] && !p[i + 2] && !p[i + 3] &&
		    !p[i + 4])
			rel[R.n++] = i + 1;
	rc = vc_gen(p, n, &R, an, nan, &lim, &TAB, &AR, &VC, &E);
	if (getenv("VC_VERBOSE"))
		printf("\n  [rc %d: %s]", rc, E.msg);
	return rc;
}

static int gen(const u8 *p, u32 n)
{
	fresh();
	return gen_an(p, n, NULL, 0);
}

#define B(...) ((const u8[]){ __VA_ARGS__ }), sizeof((const u8[]){ __VA_ARGS__ })
#define RET 0xe9, 0, 0, 0, 0	/* jmp rel32 through a return reloc */

#define ACCEPT(...)                                                   \
	do {                                                          \
		int rc_ = gen(B(__VA_ARGS__));                        \
		if (rc_)                                              \
			printf("\n  unexpected rejection: %s", E.msg); \
		CU_ASSERT_EQUAL(rc_, 0);                              \
	} while (0)

/* REJECT - rejected with code 'c' and a message containing 's'. */
#define REJECT(c, s, ...)                                             \
	do {                                                          \
		int rc_ = gen(B(__VA_ARGS__));                        \
		CU_ASSERT_EQUAL(rc_, c);                              \
		if (!strstr(E.msg, s))                                \
			printf("\n  want \"%s\", got \"%s\"", s, E.msg); \
		CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, s));             \
	} while (0)

/* contains - whether the DAG under 'root' has a term (kind, a, b, k)
 * ('a' or 'b' 0 = any). */
static int contains(lf_ref root, u8 kind, lf_ref a, lf_ref b)
{
	static lf_ref st[1 << 16];
	static u8 seen[1 << 16];
	u32 sp = 0;

	memset(seen, 0, sizeof(seen));
	st[sp++] = root;
	while (sp) {
		lf_ref r = st[--sp];
		const struct lf_term *t;

		if (!r || r >= (1u << 16) || seen[r])
			continue;
		seen[r] = 1;
		t = lf_get(&TAB, r);
		if (t->kind == kind && (!a || t->a == a) && (!b || t->b == b))
			return 1;
		if (t->kind != LF_VAR && lf_kind_arity[t->kind] >= 1)
			st[sp++] = t->a;
		if (lf_kind_arity[t->kind] >= 2)
			st[sp++] = t->b;
	}
	return 0;
}

static lf_ref K(u64 v) { return lf_const(&TAB, v); }
static lf_ref CAPLEN(void) { return lf_var(&TAB, LF_V_CAPLEN, 32); }
static lf_ref WIRELEN(void) { return lf_var(&TAB, LF_V_WIRELEN, 32); }

/* ---- acceptance and the VC's shape ---------------------------------- */

static void test_accept_simple(void)
{
	ACCEPT(0xb8, 1, 0, 0, 0,	/* mov eax, 1 */
	       RET);			/* ret (relocated) */
	CU_ASSERT_EQUAL(VC, lf_mk(&TAB, LF_TRUE, 0, 0, 0));
	ACCEPT(0xf3, 0x0f, 0x1e, 0xfa,	/* endbr64 */
	       0x31, 0xc0,		/* xor eax, eax */
	       0x90,			/* nop */
	       RET);
}

static void test_packet_read_vc(void)
{
	lf_ref inb, cond;

	ACCEPT(0x48, 0x83, 0xfe, 0x0e,		/* 0: cmp rsi, 14 */
	       0x72, 0x0a,			/* 4: jb 0x10 */
	       0x0f, 0xb7, 0x47, 0x0c,		/* 6: movzx eax, word [rdi+12] */
	       0xe9, 0, 0, 0, 0,		/* a: ret */
	       0x90,				/* f: nop (dead) */
	       0x31, 0xc0,			/* 10: xor eax, eax */
	       RET);				/* 12: ret */
	inb = lf_mk(&TAB, LF_INB, K(12), CAPLEN(), 2);
	cond = lf_mk(&TAB, LF_ULT, CAPLEN(), K(14), 0);
	/* VC = PAND(IMP(c, TRUE), IMP(PNOT c, INB)) = IMP(PNOT c, INB) */
	CU_ASSERT_EQUAL(VC, lf_mk(&TAB, LF_IMP, lf_mk(&TAB, LF_PNOT, cond, 0, 0),
				  inb, 0));
}

static void test_join_annotation(void)
{
	/* 0: cmp esi, edx; 2: jb 6; 4: mov eax, esi; 6: ... join */
	static const u8 code[] = {
		0x39, 0xd6,		/* 0: cmp esi, edx */
		0x72, 0x04,		/* 2: jb 8 */
		0x89, 0xf0,		/* 4: mov eax, esi */
		0xeb, 0x02,		/* 6: jmp a */
		0x89, 0xd0,		/* 8: mov eax, edx */
		0x0f, 0xb6, 0x0f,	/* a: movzx ecx, byte [rdi] (join) */
		0x01, 0xc8,		/* d: add eax, ecx */
		RET,			/* f: ret */
	};
	struct vc_annot an = { 0x0a, 0 };
	lf_ref inv, inb;

	fresh();
	CU_ASSERT_EQUAL(gen_an(code, sizeof(code), NULL, 0), 0);
	inb = lf_mk(&TAB, LF_INB, K(0), CAPLEN(), 1);
	/* VC = PAND(P(0) = TRUE-ish, IMP(TRUE, P(a))) = INB(0, caplen, 1) */
	CU_ASSERT_EQUAL(VC, inb);

	fresh();
	inv = lf_mk(&TAB, LF_ULT, K(0), CAPLEN(), 0);
	an.inv = inv;
	CU_ASSERT_EQUAL(gen_an(code, sizeof(code), &an, 1), 0);
	/* both edges must prove inv; R(a) = IMP(inv, INB) */
	inb = lf_mk(&TAB, LF_INB, K(0), CAPLEN(), 1);
	CU_ASSERT_EQUAL(lf_get(&TAB, VC)->kind, LF_PAND);
	CU_ASSERT(contains(lf_get(&TAB, VC)->a, LF_IMP, 0, inv));
	CU_ASSERT(contains(VC, LF_IMP, inv, inb));

	fresh();
	an.off = 4;			/* not a join */
	an.inv = lf_mk(&TAB, LF_TRUE, 0, 0, 0);
	CU_ASSERT_EQUAL(gen_an(code, sizeof(code), &an, 1), PCCF_EOBJ);
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "not at a join point"));
}

static void test_join_fresh_vars(void)
{
	/* eax differs on the two edges: a fresh variable (id from the join's
	 * offset, slot 0); ecx equal on both: kept */
	static const u8 code[] = {
		0x39, 0xd6,		/* 0: cmp esi, edx */
		0x72, 0x04,		/* 2: jb 8 */
		0x89, 0xf0,		/* 4: mov eax, esi */
		0xeb, 0x02,		/* 6: jmp a */
		0x89, 0xd0,		/* 8: mov eax, edx */
		0x8b, 0x04, 0x07,	/* a: mov eax, [rdi+rax] (join) */
		RET,			/* d: ret */
	};
	lf_ref v;

	fresh();
	CU_ASSERT_EQUAL(gen_an(code, sizeof(code), NULL, 0), 0);
	v = lf_var(&TAB, LF_V_FIRST_FREE + 0x0a * 64 + 0, 32);
	CU_ASSERT(contains(VC, LF_INB, v, CAPLEN()));
}

/* ---- registers ------------------------------------------------------ */

static void test_forbidden_writes(void)
{
	REJECT(PCCF_EPOLICY, "writes rsp", 0x48, 0x89, 0xfc, RET); /* mov rsp, rdi */
	REJECT(PCCF_EPOLICY, "writes ebx", 0xbb, 1, 0, 0, 0, RET); /* mov ebx, 1 */
	REJECT(PCCF_EPOLICY, "writes ebp", 0x31, 0xed, RET);	/* xor ebp, ebp */
	REJECT(PCCF_EPOLICY, "writes r12", 0x49, 0x89, 0xfc, RET); /* mov r12, rdi */
	REJECT(PCCF_EPOLICY, "reads r15, never", 0x49, 0xff, 0xc7, RET); /* inc r15 */
	REJECT(PCCF_EPOLICY, "writes r15d", 0x41, 0xbf, 1, 0, 0, 0, RET); /* mov r15d, 1 */
	REJECT(PCCF_EPOLICY, "writes r13w", 0x66, 0x41, 0x89, 0xf5, RET); /* mov r13w, si */
	REJECT(PCCF_EPOLICY, "writes spl", 0x40, 0x88, 0xfc, RET); /* mov spl, dil */
	REJECT(PCCF_EPOLICY, "writes bpl", 0x40, 0xb5, 0x01, RET); /* mov bpl, 1 */
	REJECT(PCCF_EPOLICY, "writes bh", 0xb7, 0x01, RET);	/* mov bh, 1 */
	REJECT(PCCF_EPOLICY, "writes r14", 0x4c, 0x8d, 0x37, RET); /* lea r14, [rdi] */
	/* ah is rax's byte 1: fine */
	ACCEPT(0xb8, 5, 0, 0, 0,	/* mov eax, 5 */
	       0xb4, 0x01,		/* mov ah, 1 */
	       RET);
}

static void test_unwritten_reads(void)
{
	REJECT(PCCF_EPOLICY, "returns eax, never written", RET);
	REJECT(PCCF_EPOLICY, "reads r8d, never written", 0x44, 0x89, 0xc0, RET); /* mov eax, r8d */
	REJECT(PCCF_EPOLICY, "reads ebx, never written", 0x89, 0xd8, RET); /* mov eax, ebx */
	REJECT(PCCF_EPOLICY, "reads rsp, never written", 0x8b, 0x04, 0x24, RET); /* mov eax, [rsp] */
	/* al written, ah not: reading ax fails */
	REJECT(PCCF_EPOLICY, "reads ax, never written",
	       0xb0, 0x05,		/* mov al, 5 */
	       0x66, 0x89, 0xc2,	/* mov dx, ax */
	       0x31, 0xc0, RET);
	/* zeroing idioms do not read */
	ACCEPT(0x31, 0xc0, RET);		/* xor eax, eax */
	ACCEPT(0x29, 0xc0, RET);		/* sub eax, eax */
	REJECT(PCCF_EPOLICY, "reads flag CF", 0x19, 0xc0, RET); /* sbb eax, eax */
	ACCEPT(0x39, 0xd6,			/* cmp esi, edx */
	       0x19, 0xc0, RET);		/* sbb eax, eax */
	/* a register defined on one edge only is undefined at the join */
	REJECT(PCCF_EPOLICY, "reads r8d, never written",
	       0x39, 0xd6,			/* 0: cmp esi, edx */
	       0x72, 0x03,			/* 2: jb 7 */
	       0x41, 0x89, 0xf0,		/* 4: mov r8d, esi */
	       0x44, 0x89, 0xc0,		/* 7: mov eax, r8d */
	       RET);
}

/* ---- memory --------------------------------------------------------- */

static void test_scratch(void)
{
	REJECT(PCCF_EPOLICY, "reads scratch word 2",
	       0x8b, 0x41, 0x08, RET);		/* mov eax, [rcx+8] */
	ACCEPT(0x89, 0x71, 0x08,		/* mov [rcx+8], esi */
	       0x8b, 0x41, 0x08, RET);		/* mov eax, [rcx+8] */
	ACCEPT(0x48, 0x89, 0x71, 0x38,		/* mov [rcx+56], rsi */
	       0x8b, 0x41, 0x3c, RET);		/* mov eax, [rcx+60] */
	REJECT(PCCF_EPOLICY, "outside scratch",
	       0x89, 0x71, 0x40, 0x31, 0xc0, RET); /* mov [rcx+64], esi */
	REJECT(PCCF_EPOLICY, "outside scratch",
	       0x48, 0x89, 0x71, 0x3c, 0x31, 0xc0, RET); /* mov [rcx+60], rsi */
	REJECT(PCCF_EPOLICY, "outside scratch",
	       0x89, 0x71, 0xfc, 0x31, 0xc0, RET); /* mov [rcx-4], esi */
	REJECT(PCCF_EPOLICY, "not supported",
	       0x88, 0x51, 0x04, 0x31, 0xc0, RET); /* mov [rcx+4], dl */
	REJECT(PCCF_EPOLICY, "not aligned",
	       0x89, 0x71, 0x02, 0x31, 0xc0, RET); /* mov [rcx+2], esi */
	REJECT(PCCF_EPOLICY, "not mem + constant",
	       0x89, 0x34, 0x31, 0x31, 0xc0, RET); /* mov [rcx+rsi], esi */
	/* an unwritten word is unwritten at a join if one edge lacks it */
	REJECT(PCCF_EPOLICY, "reads scratch word 0",
	       0x39, 0xd6,			/* 0: cmp esi, edx */
	       0x72, 0x02,			/* 2: jb 6 */
	       0x89, 0x31,			/* 4: mov [rcx], esi */
	       0x8b, 0x01, RET);		/* 6: mov eax, [rcx] */
}

static void test_regions(void)
{
	REJECT(PCCF_EPOLICY, "write to the packet",
	       0x31, 0xc0,			/* xor eax, eax */
	       0x89, 0x07, RET);		/* mov [rdi], eax */
	REJECT(PCCF_EPOLICY, "write to the packet",
	       0x80, 0x47, 0x03, 0x01, 0x31, 0xc0, RET); /* add byte [rdi+3], 1 */
	REJECT(PCCF_EPOLICY, "straddles packet and scratch",
	       0x48, 0x8d, 0x04, 0x0f,		/* lea rax, [rdi+rcx] */
	       0x8b, 0x00, RET);		/* mov eax, [rax] */
	REJECT(PCCF_EPOLICY, "outside packet and scratch",
	       0x8b, 0x06, RET);		/* mov eax, [rsi] */
	REJECT(PCCF_EPOLICY, "outside packet and scratch",
	       0x0f, 0xb6, 0x07,		/* movzx eax, byte [rdi] */
	       0x8b, 0x00, RET);		/* mov eax, [rax] (a loaded value) */
	REJECT(PCCF_EPOLICY, "not of the form pkt + offset",
	       0x8b, 0x04, 0x3f, RET);		/* mov eax, [rdi+rdi] */
	/* the packet read through a copy of rdi plus an index */
	ACCEPT(0x48, 0x89, 0xf8,		/* mov rax, rdi */
	       0x0f, 0xb6, 0x14, 0x30,		/* movzx edx, byte [rax+rsi] */
	       0x89, 0xd0, RET);		/* mov eax, edx */
	CU_ASSERT(contains(VC, LF_INB, CAPLEN(), CAPLEN()));
	/* cmov with a memory source reads even when false */
	ACCEPT(0x31, 0xc0,			/* xor eax, eax */
	       0x39, 0xd6,			/* cmp esi, edx */
	       0x0f, 0x42, 0x47, 0x10,		/* cmovb eax, [rdi+16] */
	       RET);
	CU_ASSERT_EQUAL(VC, lf_mk(&TAB, LF_INB, K(16), CAPLEN(), 4));
}

/* ---- control flow --------------------------------------------------- */

static void test_cfg(void)
{
	REJECT(PCCF_ECFG, "control-flow cycle through offset",
	       0x31, 0xc0,			/* 0: xor eax, eax */
	       0xff, 0xc0,			/* 2: inc eax */
	       0xeb, 0xfc);			/* 4: jmp 2 */
	REJECT(PCCF_ECFG, "jump into the middle of the instruction at 0",
	       0xb8, 0x01, 0, 0, 0,		/* 0: mov eax, 1 */
	       0xeb, 0xfa);			/* 5: jmp 1 */
	/* the target is decoded first (6: xor eax, eax; 8: nop; 9: ret),
	 * then the instruction at 4 covers it */
	REJECT(PCCF_ECFG, "offset 0x6: jump into the middle of the instruction at 0x4",
	       0x39, 0xd6,			/* 0: cmp esi, edx */
	       0x72, 0x02,			/* 2: jb 6 */
	       0xb8, 0x90, 0x31, 0xc0, 0x90,	/* 4: mov eax, 0x90c03190 */
	       RET);				/* 9: ret */
	REJECT(PCCF_ECFG, "falls off the end",
	       0xb8, 0x01, 0, 0, 0);		/* mov eax, 1 */
	REJECT(PCCF_ECFG, "offset 0xb: falls off the end",
	       0xeb, 0x05,			/* 0: jmp 7 */
	       RET,				/* 2: ret */
	       0x31, 0xc0,			/* 7: xor eax, eax */
	       0x39, 0xd6,			/* 9: cmp esi, edx */
	       0x72, 0xf5);			/* b: jb 2 (falls off) */
	REJECT(PCCF_EPOLICY, "bare ret",
	       0x31, 0xc0, 0xc3);		/* xor eax, eax; ret */
	/* backward branch without a cycle: shared return block */
	ACCEPT(0xeb, 0x07,			/* 0: jmp 9 */
	       0xe9, 0, 0, 0, 0,		/* 2: ret */
	       0x90, 0x90,			/* 7: padding */
	       0x31, 0xc0,			/* 9: xor eax, eax */
	       0xeb, 0xf5);			/* b: jmp 2 */
	/* jcc to the next instruction: a join of two edges from one node */
	ACCEPT(0x31, 0xc0, 0x39, 0xd6, 0x72, 0x00, RET);
}

/* ---- confidentiality ------------------------------------------------ */

static void test_taint(void)
{
	REJECT(PCCF_EPOLICY, "returns a value derived from an address",
	       0x48, 0x89, 0xf8, RET);		/* mov rax, rdi */
	REJECT(PCCF_EPOLICY, "returns a value derived from an address",
	       0x8d, 0x04, 0x0e, RET);		/* lea eax, [rsi+rcx] */
	REJECT(PCCF_EPOLICY, "stores a value derived from an address",
	       0x89, 0x39, 0x31, 0xc0, RET);	/* mov [rcx], edi */
	REJECT(PCCF_EPOLICY, "derived from an address",
	       0x48, 0x39, 0xf7,		/* cmp rdi, rsi */
	       0x72, 0x00, 0x31, 0xc0, RET);	/* jb +0 */
	REJECT(PCCF_EPOLICY, "derived from an address",
	       0x48, 0x85, 0xc9,		/* test rcx, rcx */
	       0x0f, 0x94, 0xc0, RET);		/* sete al */
	REJECT(PCCF_EPOLICY, "condition derived from an address",
	       0x31, 0xc0, 0x48, 0x39, 0xf7,	/* xor eax, eax; cmp rdi, rsi */
	       0x83, 0xd0, 0x00, RET);		/* adc eax, 0 */
	REJECT(PCCF_EPOLICY, "div operand derived from an address",
	       0x31, 0xd2, 0x89, 0xf8,		/* xor edx, edx; mov eax, edi */
	       0xf7, 0xf6, RET);		/* div esi */
	/* an address that differs at a join becomes undefined, not fresh */
	REJECT(PCCF_EPOLICY, "returns eax, never written",
	       0x48, 0x89, 0xf8,		/* 0: mov rax, rdi */
	       0x39, 0xd6, 0x72, 0x03,		/* 3: cmp esi, edx; jb a */
	       0x48, 0x89, 0xf0, RET);		/* 7: mov rax, rsi; a: ret */
	/* address arithmetic that cancels the base is fine */
	ACCEPT(0x48, 0x8d, 0x44, 0x37, 0x05,	/* lea rax, [rdi+rsi+5] */
	       0x48, 0x29, 0xf8, RET);		/* sub rax, rdi */
}

/* ---- flags ---------------------------------------------------------- */

static void test_div(void)
{
	lf_ref d;

	ACCEPT(0x41, 0x89, 0xd0,		/* mov r8d, edx */
	       0x31, 0xd2,			/* xor edx, edx */
	       0x89, 0xf0,			/* mov eax, esi */
	       0x41, 0xf7, 0xf0,		/* div r8d */
	       RET);
	d = WIRELEN();
	CU_ASSERT(contains(VC, LF_PNOT, lf_mk(&TAB, LF_EQ, d, K(0), 0), 0));
	CU_ASSERT(contains(VC, LF_ULT, K(0), d));
	REJECT(PCCF_EPOLICY, "high half",
	       0x48, 0x89, 0xf0,		/* mov rax, rsi */
	       0x48, 0xf7, 0xf6,		/* div rsi (rdx = wirelen) */
	       RET);
	/* 32-bit div with a nonzero high half is modelled exactly */
	ACCEPT(0x89, 0xf0, 0xf7, 0xf6, RET);	/* mov eax, esi; div esi */
	CU_ASSERT(contains(VC, LF_ULT, WIRELEN(), CAPLEN()));
}

static void test_undefined_flags(void)
{
	REJECT(PCCF_EPOLICY, "reads flag ZF, undefined",
	       0x6b, 0xc6, 0x03,		/* imul eax, esi, 3 */
	       0x74, 0x00, RET);		/* jz +0 */
	REJECT(PCCF_EPOLICY, "reads flag SF, undefined",
	       0x31, 0xc0,			/* xor eax, eax */
	       0x48, 0x0f, 0xaf, 0xf2,		/* imul rsi, rdx */
	       0x0f, 0x48, 0xc6, RET);		/* cmovs eax, esi */
	REJECT(PCCF_EPOLICY, "reads flag OF, undefined",
	       0x48, 0x0f, 0xaf, 0xf2,		/* imul rsi, rdx (64-bit) */
	       0x0f, 0x90, 0xc0, RET);		/* seto al */
	ACCEPT(0x0f, 0xaf, 0xf2,		/* imul esi, edx (32-bit) */
	       0x0f, 0x90, 0xc0,		/* seto al */
	       0x0f, 0xb6, 0xc0, RET);		/* movzx eax, al */
	REJECT(PCCF_EPOLICY, "reads flag CF, undefined",
	       0x41, 0x89, 0xd0, 0x31, 0xd2, 0x89, 0xf0, /* as test_div */
	       0x41, 0xf7, 0xf0,		/* div r8d */
	       0x72, 0x00, RET);		/* jb +0 */
	REJECT(PCCF_EPOLICY, "reads flag ZF, undefined",
	       0x89, 0xd1,			/* mov ecx, edx */
	       0x89, 0xf0,			/* mov eax, esi */
	       0xd3, 0xe0,			/* shl eax, cl */
	       0x74, 0x00, RET);		/* jz +0 */
	REJECT(PCCF_EPOLICY, "reads flag OF, undefined",
	       0x89, 0xf0, 0xc1, 0xe0, 0x02,	/* mov eax, esi; shl eax, 2 */
	       0x70, 0x00, RET);		/* jo +0 */
	ACCEPT(0x89, 0xf0, 0xd1, 0xe0,		/* mov eax, esi; shl eax, 1 */
	       0x70, 0x00, RET);		/* jo +0 */
	/* a shift by cl = 0 (known) changes no flags: the cmp's CF stands */
	ACCEPT(0x31, 0xc9,			/* xor ecx, ecx */
	       0x39, 0xd6,			/* cmp esi, edx */
	       0x89, 0xf0, 0xd3, 0xe0,		/* mov eax, esi; shl eax, cl */
	       0x72, 0x00, RET);		/* jb +0 */
	/* inc keeps CF */
	ACCEPT(0x39, 0xd6, 0x89, 0xf0,		/* cmp esi, edx; mov eax, esi */
	       0xff, 0xc0, 0x72, 0x00, RET);	/* inc eax; jb +0 */
	/* flags differing at a join are undefined */
	REJECT(PCCF_EPOLICY, "reads flag ZF, undefined",
	       0x31, 0xc0,			/* 0: xor eax, eax */
	       0x39, 0xd6,			/* 2: cmp esi, edx */
	       0x72, 0x02,			/* 4: jb 8 */
	       0x85, 0xf6,			/* 6: test esi, esi */
	       0x74, 0x00, RET);		/* 8: jz a */
}

/* step - decode the bytes 'p' one after another and vc_step them on 's'. */
static int step(struct vc_state *s, const u8 *p, u32 n)
{
	struct x86_insn in;
	lf_ref obl = lf_mk(&TAB, LF_TRUE, 0, 0, 0);
	u32 off = 0;
	int rc;

	while (off < n) {
		if ((rc = x86_decode(p, n, off, NULL, &in, &E)))
			return rc;
		if ((rc = vc_step(&TAB, &in, s, &obl, &E)))
			return rc;
		off += in.len;
	}
	return 0;
}

static u64 IN_RAX = 0x1122334455667788ull, IN_CAP = 1000, IN_WIRE = 1500;

static int env_var(void *ctx, uint64_t id, uint64_t *v)
{
	(void)ctx;
	if (id == 100) *v = IN_RAX;
	else if (id == LF_V_CAPLEN) *v = IN_CAP;
	else if (id == LF_V_WIRELEN) *v = IN_WIRE;
	else return -1;
	return 0;
}

static const struct lf_env ENV = { env_var, NULL, NULL, NULL };

/* rax_after - run 'p' from the entry state with rax = var 100 (64 bits),
 * and evaluate rax. */
static u64 rax_after(const u8 *p, u32 n, struct vc_state *s)
{
	u64 v = 0xdeadull;

	fresh();
	vc_init_state(&TAB, s);
	s->reg[X86_RAX] = lf_var(&TAB, 100, 64);
	s->def[X86_RAX] = 0xff;
	CU_ASSERT_EQUAL(step(s, p, n), 0);
	CU_ASSERT_EQUAL(lf_eval(&TAB, s->reg[X86_RAX], &ENV, &v), 0);
	return v;
}

static void test_widths(void)
{
	struct vc_state s;

	/* 8/16-bit writes merge */
	CU_ASSERT_EQUAL(rax_after(B(0xb0, 0x05), &s), /* mov al, 5 */
			(IN_RAX & ~0xffull) | 5);
	CU_ASSERT_EQUAL(rax_after(B(0x88, 0xd4), &s), /* mov ah, dl */
			(IN_RAX & ~0xff00ull) | ((IN_WIRE & 0xff) << 8));
	CU_ASSERT_EQUAL(rax_after(B(0x66, 0x89, 0xf0), &s), /* mov ax, si */
			(IN_RAX & ~0xffffull) | IN_CAP);
	CU_ASSERT_EQUAL(rax_after(B(0x66, 0x83, 0xc0, 0x01), &s), /* add ax, 1 */
			(IN_RAX & ~0xffffull) | ((IN_RAX + 1) & 0xffff));
	/* 32-bit writes zero-extend */
	CU_ASSERT_EQUAL(rax_after(B(0x83, 0xc0, 0x01), &s), /* add eax, 1 */
			(IN_RAX + 1) & 0xffffffffull);
	CU_ASSERT_EQUAL(rax_after(B(0x89, 0xc0), &s), /* mov eax, eax */
			IN_RAX & 0xffffffffull);
	CU_ASSERT_EQUAL(rax_after(B(0xc1, 0xe0, 0x00), &s), /* shl eax, 0 */
			IN_RAX & 0xffffffffull);
	CU_ASSERT_EQUAL(rax_after(B(0x87, 0xc0), &s), /* xchg eax, eax */
			IN_RAX & 0xffffffffull);
	CU_ASSERT_EQUAL(rax_after(B(0x90), &s), IN_RAX); /* nop (90) */
	/* 32-bit cmov zero-extends even when its condition is false */
	CU_ASSERT_EQUAL(rax_after(B(0x39, 0xd6,	/* cmp esi, edx (1000 < 1500) */
				    0x0f, 0x43, 0xc6), &s), /* cmovae eax, esi */
			IN_RAX & 0xffffffffull);
	CU_ASSERT(lf_get(&TAB, s.reg[X86_RAX])->bits <= 32);
	CU_ASSERT_EQUAL(rax_after(B(0x39, 0xd6, 0x0f, 0x42, 0xc6), &s), /* cmovb */
			IN_CAP);
	CU_ASSERT_EQUAL(rax_after(B(0x48, 0x39, 0xd6,	/* cmp rsi, rdx */
				    0x48, 0x0f, 0x43, 0xc6), &s), /* cmovae rax, rsi */
			IN_RAX);
	/* setcc merges one byte */
	CU_ASSERT_EQUAL(rax_after(B(0x39, 0xd6, 0x0f, 0x92, 0xc0), &s), /* setb al */
			(IN_RAX & ~0xffull) | 1);
	/* a byte write to an undefined register defines that byte only */
	fresh();
	vc_init_state(&TAB, &s);
	CU_ASSERT_EQUAL(step(&s, B(0x41, 0xb0, 0x07)), 0);	/* mov r8b, 7 */
	CU_ASSERT_EQUAL(s.def[X86_R8], 0x01);
	CU_ASSERT_EQUAL(step(&s, B(0x41, 0xb4, 0x07)), PCCF_EPOLICY); /* mov r12b, 7 */
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "writes r12b"));
}

/* BOOL: the 0/1 word of a proposition; setcc, cmov, adc and sbb use it */
static void test_bool(void)
{
	struct vc_state s;
	lf_ref p, b;

	fresh();
	p = lf_mk(&TAB, LF_ULT, CAPLEN(), WIRELEN(), 0);
	b = lf_mk(&TAB, LF_BOOL, p, 0, 0);
	CU_ASSERT_NOT_EQUAL(b, 0);
	CU_ASSERT_EQUAL(lf_get(&TAB, b)->bits, 1);
	CU_ASSERT_EQUAL(lf_mk(&TAB, LF_BOOL, lf_mk(&TAB, LF_TRUE, 0, 0, 0), 0, 0), K(1));
	CU_ASSERT_EQUAL(lf_mk(&TAB, LF_BOOL, lf_mk(&TAB, LF_FALSE, 0, 0, 0), 0, 0), K(0));
	CU_ASSERT_EQUAL(lf_mk(&TAB, LF_BOOL, CAPLEN(), 0, 0), 0);	/* a word */
	CU_ASSERT_EQUAL(lf_mk(&TAB, LF_PNOT, b, 0, 0), 0);		/* not a prop */
	/* setb al after cmp esi, edx: al = BOOL(caplen < wirelen) */
	vc_init_state(&TAB, &s);
	CU_ASSERT_EQUAL(step(&s, B(0x31, 0xc0, 0x39, 0xd6, 0x0f, 0x92, 0xc0)), 0);
	CU_ASSERT_EQUAL(s.reg[X86_RAX], b);
	/* adc eax, 0 adds the carry as a 0/1 word */
	CU_ASSERT_EQUAL(rax_after(B(0x39, 0xd6, 0x83, 0xd0, 0x00), &s), /* adc eax, 0 */
			(IN_RAX + 1) & 0xffffffffull);
	CU_ASSERT_EQUAL(rax_after(B(0x39, 0xf2, 0x83, 0xd8, 0x00), &s), /* sbb eax, 0 */
			IN_RAX & 0xffffffffull);
}

static void test_flag_records(void)
{
	struct vc_state s;
	lf_ref c = 0;

	/* after and: CF/OF false */
	fresh();
	vc_init_state(&TAB, &s);
	CU_ASSERT_EQUAL(step(&s, B(0x89, 0xf0, 0x21, 0xd0)), 0); /* mov eax, esi; and eax, edx */
	CU_ASSERT_EQUAL(s.flag[VC_CF], lf_mk(&TAB, LF_FALSE, 0, 0, 0));
	CU_ASSERT_NOT_EQUAL(s.flag[VC_ZF], 0);
	/* test: jz is EQ(r, 0) directly */
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_E, 0, &c, &E), 0);
	CU_ASSERT_EQUAL(c, lf_mk(&TAB, LF_EQ, lf_mk(&TAB, LF_AND, CAPLEN(), WIRELEN(), 0),
				 K(0), 0));

	/* rol/ror keep ZF from an earlier cmp; the direct formula stays */
	fresh();
	vc_init_state(&TAB, &s);
	CU_ASSERT_EQUAL(step(&s, B(0x89, 0xf0,	/* mov eax, esi */
				   0x39, 0xd6,	/* cmp esi, edx */
				   0xc1, 0xc0, 0x03, /* rol eax, 3 */
				   0xd1, 0xc8)), 0); /* ror eax, 1 */
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_E, 0, &c, &E), 0);
	CU_ASSERT_EQUAL(c, lf_mk(&TAB, LF_EQ, CAPLEN(), WIRELEN(), 0));
	/* jle also reads OF, which ror redefined: generic, not SLE */
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_LE, 0, &c, &E), 0);
	CU_ASSERT_NOT_EQUAL(c, lf_mk(&TAB, LF_SLE, CAPLEN(), WIRELEN(), 0));
	/* jb reads the rotate's CF (generic) and jo its OF (count 1) */
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_B, 0, &c, &E), 0);
	CU_ASSERT_NOT_EQUAL(c, lf_mk(&TAB, LF_ULT, CAPLEN(), WIRELEN(), 0));
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_O, 0, &c, &E), 0);
	/* rol by 3 left OF undefined; a later rol by 2 too */
	CU_ASSERT_EQUAL(step(&s, B(0xc1, 0xc0, 0x02)), 0);
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_O, 0, &c, &E), PCCF_EPOLICY);
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_NE, 0, &c, &E), 0);

	/* cmp then jb/ja/jl: direct */
	fresh();
	vc_init_state(&TAB, &s);
	CU_ASSERT_EQUAL(step(&s, B(0x48, 0x39, 0xd6)), 0); /* cmp rsi, rdx */
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_B, 0, &c, &E), 0);
	CU_ASSERT_EQUAL(c, lf_mk(&TAB, LF_ULT, CAPLEN(), WIRELEN(), 0));
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_A, 0, &c, &E), 0);
	CU_ASSERT_EQUAL(c, lf_mk(&TAB, LF_PNOT,
				 lf_mk(&TAB, LF_ULE, CAPLEN(), WIRELEN(), 0), 0, 0));
	CU_ASSERT_EQUAL(vc_cond(&TAB, &s, X86_CC_L, 0, &c, &E), 0);
	CU_ASSERT_EQUAL(c, lf_mk(&TAB, LF_SLT, CAPLEN(), WIRELEN(), 0));
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("vc", NULL, NULL);
	CU_add_test(s, "accept simple", test_accept_simple);
	CU_add_test(s, "packet read VC", test_packet_read_vc);
	CU_add_test(s, "join annotation", test_join_annotation);
	CU_add_test(s, "join fresh vars", test_join_fresh_vars);
	CU_add_test(s, "forbidden writes", test_forbidden_writes);
	CU_add_test(s, "unwritten reads", test_unwritten_reads);
	CU_add_test(s, "scratch", test_scratch);
	CU_add_test(s, "regions", test_regions);
	CU_add_test(s, "cfg", test_cfg);
	CU_add_test(s, "taint", test_taint);
	CU_add_test(s, "div", test_div);
	CU_add_test(s, "undefined flags", test_undefined_flags);
	CU_add_test(s, "widths", test_widths);
	CU_add_test(s, "flag records", test_flag_records);
	CU_add_test(s, "bool", test_bool);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	printf("%u passed, %u failed\n",
	       CU_get_number_of_tests_run() - CU_get_number_of_tests_failed(),
	       CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
