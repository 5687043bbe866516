/*
 * lf.h - object-level terms of the logic: 64-bit words and propositions.
 *
 * Terms live in one hash-consed table ('struct lf_tab'); a term is named
 * by its index ('lf_ref', 0 = none), and every operand names an earlier
 * term, so the table is a DAG with back-references only.  All terms are
 * built through lf_mk, which folds closed arithmetic and applies a few
 * fixed rewrites (documented in lf_term.c), each a 64-bit identity; so
 * two terms are definitionally equal exactly when their refs are equal.
 * The VC generator builds the VC here, and the checker builds the terms
 * of a proof here, through the same function.  Trusted.
 *
 * Words are unsigned 64-bit; narrower x86 values are 64-bit terms whose
 * upper bits are zero (masks are explicit).  Propositions are boolean:
 * every one is decidable, so the logic is classical.
 */
#ifndef PCCF_LF_H
#define PCCF_LF_H

#include "pccf/compat.h"

typedef u32 lf_ref;

/*
 * Term kinds: X(name, operands, prop?).  Operand use per kind:
 *   CONST k; VAR k = id; LD a = address, k = bytes (1,2,4,8);
 *   SEXT a, k = source bits (8,16,32); BSWAP a, k = bytes (4, 8);
 *   ROL/ROR a, b = count, k = width bits; PVAR k = id (an opaque but
 *   fixed truth value, e.g. a flag nobody models); INB a = offset,
 *   b = region length, k = access bytes: "a <= b and k <= b - a";
 *   BOOL a = a proposition: the word 1 when it holds, else 0.
 *   Shifts use the count modulo 64; UDIV/UREM by zero give 0.
 * ORDER LF_KIND (the proof format numbers kinds in this order)
 */
#define LF_KINDS(X)                                           \
	X(NONE, 0, 0)                                         \
	X(CONST, 0, 0) X(VAR, 0, 0) X(LD, 1, 0)               \
	X(ADD, 2, 0) X(SUB, 2, 0) X(MUL, 2, 0) X(UDIV, 2, 0)  \
	X(UREM, 2, 0) X(AND, 2, 0) X(OR, 2, 0) X(XOR, 2, 0)   \
	X(SHL, 2, 0) X(SHR, 2, 0) X(SAR, 2, 0) X(NOT, 1, 0)   \
	X(NEG, 1, 0) X(SEXT, 1, 0) X(BSWAP, 1, 0)             \
	X(ROL, 2, 0) X(ROR, 2, 0)                             \
	X(TRUE, 0, 1) X(FALSE, 0, 1) X(PVAR, 0, 1)            \
	X(PAND, 2, 1) X(POR, 2, 1) X(PNOT, 1, 1) X(IMP, 2, 1) \
	X(EQ, 2, 1) X(ULT, 2, 1) X(ULE, 2, 1) X(SLT, 2, 1)    \
	X(SLE, 2, 1) X(INB, 2, 1) X(BOOL, 1, 0)

enum lf_kind {
#define X(n, a, p) LF_##n,
	LF_KINDS(X)
#undef X
	LF_NKINDS
};

extern const char *const lf_kind_name[LF_NKINDS];
extern const u8 lf_kind_arity[LF_NKINDS];
extern const u8 lf_kind_isprop[LF_NKINDS];

/* Fixed variables: the filter's arguments (MISSION §3). */
enum lf_var {
	LF_V_PKT = 0,		/* rdi: packet base (an address) */
	LF_V_CAPLEN = 1,	/* rsi: captured bytes, < 2^32 */
	LF_V_WIRELEN = 2,	/* rdx: wire length, < 2^32 */
	LF_V_MEM = 3,		/* rcx: scratch base (an address) */
	LF_V_FIRST_FREE = 16	/* VC generator's fresh variables start here */
};

/* Taint bits: the term's value depends on an address (MISSION §3.5). */
#define LF_T_PKT 1u
#define LF_T_MEM 2u

struct lf_term {
	u8 kind;		/* enum lf_kind */
	u8 bits;		/* value < 2^bits (words only; 0..64) */
	u8 taint;		/* LF_T_* */
	lf_ref a, b;
	u64 k;
};

struct lf_tab {
	struct lf_term *t;	/* t[0] is the unused "none" entry */
	u32 n, cap;
	u32 *hash;		/* open addressing, hcap a power of two */
	u32 hcap;
	int full;		/* sticky: the table's cap was hit */
};

/* lf_init - a table of at most 'cap' terms carved from 'ar'; 0 or -1. */
int lf_init(struct lf_tab *tab, struct pccf_arena *ar, u32 cap);

/*
 * lf_mk - the canonical term (kind, a, b, k); 0 when the table is full
 * (sticky: check tab->full once) or when the operands are ill-formed
 * (wrong sort or out of range), which the caller reports.
 */
lf_ref lf_mk(struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b, u64 k);

/* lf_var - variable 'id' whose value is known to be below 2^bits. */
lf_ref lf_var(struct lf_tab *tab, u64 id, u8 bits);

static inline lf_ref lf_const(struct lf_tab *tab, u64 k)
{
	return lf_mk(tab, LF_CONST, 0, 0, k);
}

static inline const struct lf_term *lf_get(const struct lf_tab *tab, lf_ref r)
{
	return &tab->t[r];
}

/* lf_has_k - whether a term record of 'kind' in a section's term list
 * carries the number k (docs/proof-format.md): one definition for the
 * reader (check.c) and the writer (filters/prove.c). */
static inline int lf_has_k(u8 kind)
{
	return kind == LF_CONST || kind == LF_VAR || kind == LF_PVAR ||
	       kind == LF_LD || kind == LF_SEXT || kind == LF_BSWAP ||
	       kind == LF_ROL || kind == LF_ROR || kind == LF_INB;
}

/* lf_isconst - 1 and '*k' set when 'r' is a constant word. */
int lf_isconst(const struct lf_tab *tab, lf_ref r, u64 *k);

/* lf_bitmax - the largest value a word term can take: 2^bits - 1. */
u64 lf_bitmax(const struct lf_tab *tab, lf_ref r);

#endif
