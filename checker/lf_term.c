/*
 * lf_term.c - the hash-consed term table and its canonicalizing builder.
 *
 * Every term of the VC and of a proof is made here, so definitional
 * equality is equality of refs.  lf_mk rewrites a term into canonical
 * form with the identities below; each holds for all 64-bit values
 * (coq/ proves them), and each either folds constants or makes the term
 * smaller, so a rewrite ends after a bounded number of steps:
 *
 *   constants fold (UDIV and UREM by 0 give 0; shift counts mod 64)
 *   commutative ops put a constant on the right; ADD puts an address
 *   (tainted) operand on the left
 *   x+0 = x   (x+c1)+c2 = x+(c1+c2)   (x+c)+y = (x+y)+c
 *   x-c = x+(-c)   x-x = 0   (x+c)-y = (x-y)+c
 *   (..((r+q1)+q2)..+qn) - r = (..(q1+q2)..+qn)       n <= LF_SPINE
 *   x*1 = x   x*0 = 0   x&0 = 0   x&x = x   x|x = x   x^x = 0
 *   x|0 = x   x^0 = x   x<<0 = x   x>>0 = x
 *   x & m = x          when m has every bit below 2^bits(x) set
 *   (x & c1) & c2 = x & (c1 & c2)
 *   SEXT(x, s) = x     when bits(x) < s (the sign bit is zero)
 *   PAND, POR, PNOT, IMP with TRUE or FALSE operands; PNOT(PNOT p) = p
 *   EQ(x,x), ULE(x,x), SLE(x,x) = TRUE; ULT(x,x), SLT(x,x) = FALSE;
 *   ULE(0,x) = TRUE; ULT(x,0) = FALSE
 *   BOOL(TRUE) = 1; BOOL(FALSE) = 0
 *
 * 'bits' is a structural upper bound: the value is below 2^bits.  A
 * variable's bound is part of its identity: VAR(id, bits) denotes a
 * value of that many bits (the filter's caplen and wirelen are 32-bit by
 * the calling convention).  Trusted.
 */
#include "lf.h"

#define X(n, a, p) #n,
const char *const lf_kind_name[LF_NKINDS] = { LF_KINDS(X) };
#undef X
#define X(n, a, p) a,
const u8 lf_kind_arity[LF_NKINDS] = { LF_KINDS(X) };
#undef X
#define X(n, a, p) p,
const u8 lf_kind_isprop[LF_NKINDS] = { LF_KINDS(X) };
#undef X

#define LF_SPINE 8	/* depth of the address-cancelling walk */
#define LF_DEPTH 4	/* nested rewrites per lf_mk call */

/* Bounds of the filter's fixed variables (MISSION §3). */
static const u8 fixed_bits[4] = { 64, 32, 32, 64 };

int lf_init(struct lf_tab *tab, struct pccf_arena *ar, u32 cap)
{
	u32 h = 1;

	pccf_memset(tab, 0, sizeof(*tab));
	if (cap == 0 || cap > (1u << 26))
		return -1;
	while (h < 2 * cap)
		h <<= 1;
	/* entries are written before they are read: no need to zero them */
	tab->t = pccf_take(ar, ((size_t)cap + 1) * sizeof(struct lf_term));
	tab->hash = pccf_alloc(ar, (size_t)h * sizeof(u32));
	if (!tab->t || !tab->hash)
		return -1;
	tab->cap = cap;
	tab->hcap = h;
	pccf_memset(&tab->t[0], 0, sizeof(tab->t[0]));	/* "none" */
	tab->n = 1;
	return 0;
}

static u32 mix(u8 kind, lf_ref a, lf_ref b, u64 k)
{
	u64 h = 0x9e3779b97f4a7c15ull * (kind + 1);

	h ^= a + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
	h ^= b + 0x85ebca6bull + (h << 6) + (h >> 2);
	h ^= k + 0xc2b2ae35ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	return (u32)(h ^ (h >> 32));
}

static u8 bitlen(u64 k)
{
	u8 n = 0;

	while (k) {
		n++;
		k >>= 1;
	}
	return n;
}

int lf_isconst(const struct lf_tab *tab, lf_ref r, u64 *k)
{
	if (tab->t[r].kind != LF_CONST)
		return 0;
	*k = tab->t[r].k;
	return 1;
}

u64 lf_bitmax(const struct lf_tab *tab, lf_ref r)
{
	u8 b = tab->t[r].bits;

	return b >= 64 ? ~0ull : (1ull << b) - 1;
}

static u8 min8(u8 x, u8 y) { return x < y ? x : y; }
static u8 max8(u8 x, u8 y) { return x > y ? x : y; }

/*
 * bits_of - the structural bound of the new term (kind a b k): 0 for a
 * proposition, for a word as coq/Sem.v's 'bits'.
 */
static u8 bits_of(const struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b, u64 k)
{
	u8 ba, bb;
	u64 c;

	if (lf_kind_isprop[kind])
		return 0;
	if (kind == LF_VAR)
		return (u8)b;	/* a VAR's b is its bound, not a term */
	ba = tab->t[a].bits;
	bb = tab->t[b].bits;
	switch (kind) {
	case LF_CONST: return bitlen(k);
	case LF_LD: case LF_BSWAP: return (u8)(8 * k);	/* k bytes */
	case LF_ADD: return min8(64, max8(ba, bb) + 1);
	case LF_MUL: return min8(64, ba + bb);
	case LF_UDIV: return ba;
	case LF_UREM: case LF_AND: return min8(ba, bb);
	case LF_OR: case LF_XOR: return max8(ba, bb);
	case LF_SHL:
		if (lf_isconst(tab, b, &c))
			return (u8)(ba + (c & 63) > 64 ? 64 : ba + (c & 63));
		return 64;
	case LF_SHR:
		if (lf_isconst(tab, b, &c))
			return (c & 63) >= ba ? 0 : (u8)(ba - (c & 63));
		return ba;
	case LF_ROL: case LF_ROR: return (u8)k;
	case LF_BOOL: return 1;
	}
	return 64;		/* SUB NEG NOT SAR SEXT */
}

/* taint_of - the taint of the new term (kind a b k); a load cuts it. */
static u8 taint_of(const struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b, u64 k)
{
	if (kind == LF_VAR)
		return k == LF_V_PKT ? LF_T_PKT : k == LF_V_MEM ? LF_T_MEM : 0;
	return kind == LF_LD ? 0 : tab->t[a].taint | tab->t[b].taint;
}

/*
 * intern - the unique ref of (kind, a, b, k), creating it if new.  A new
 * term's bound and taint are functions of (kind, a, b, k), computed here
 * once, so every term gets them the same way however it was built.
 */
static lf_ref intern(struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b, u64 k)
{
	u32 m = tab->hcap - 1, i = mix(kind, a, b, k) & m;
	struct lf_term *t;

	if (tab->full)
		return 0;
	for (; tab->hash[i]; i = (i + 1) & m) {
		t = &tab->t[tab->hash[i]];
		if (t->kind == kind && t->a == a && t->b == b && t->k == k)
			return tab->hash[i];
	}
	if (tab->n > tab->cap) {
		tab->full = 1;
		return 0;
	}
	t = &tab->t[tab->n];
	t->kind = kind;
	t->bits = bits_of(tab, kind, a, b, k);
	t->taint = taint_of(tab, kind, a, b, k);
	t->a = a;
	t->b = b;
	t->k = k;
	tab->hash[i] = tab->n;
	return tab->n++;
}

static u64 sext(u64 x, u64 s)
{
	u64 m = 1ull << (s - 1);

	x &= (m << 1) - 1;
	return (x ^ m) - m;
}

static u64 bswap(u64 x, u64 bytes)
{
	u64 r = 0, i;

	for (i = 0; i < bytes; i++)
		r = r << 8 | ((x >> (8 * i)) & 0xff);
	return r;
}

static u64 rot(u64 x, u64 c, u64 w, int left)
{
	u64 m = w == 64 ? ~0ull : (1ull << w) - 1;

	x &= m;
	c %= w;
	if (c == 0)
		return x;
	if (!left)
		c = w - c;
	return ((x << c) | (x >> (w - c))) & m;
}

/* fold - the value of word op 'kind' on constants x, y. */
static u64 fold(u8 kind, u64 x, u64 y, u64 k)
{
	switch (kind) {
	case LF_ADD: return x + y;
	case LF_SUB: return x - y;
	case LF_MUL: return x * y;
	case LF_UDIV: return y ? x / y : 0;
	case LF_UREM: return y ? x % y : 0;
	case LF_AND: return x & y;
	case LF_OR: return x | y;
	case LF_XOR: return x ^ y;
	case LF_SHL: return x << (y & 63);
	case LF_SHR: return x >> (y & 63);
	case LF_SAR: return (u64)((s64)x >> (y & 63));
	case LF_NOT: return ~x;
	case LF_NEG: return 0 - x;
	case LF_SEXT: return sext(x, k);
	case LF_BSWAP: return bswap(x, k);
	case LF_ROL: return rot(x, y, k, 1);
	case LF_ROR: return rot(x, y, k, 0);
	}
	return 0;
}

/* cmp - the truth of comparison 'kind' on constants x, y. */
static int cmp(u8 kind, u64 x, u64 y)
{
	switch (kind) {
	case LF_EQ: return x == y;
	case LF_ULT: return x < y;
	case LF_ULE: return x <= y;
	case LF_SLT: return (s64)x < (s64)y;
	case LF_SLE: return (s64)x <= (s64)y;
	}
	return 0;
}

/* wellformed - operands exist, have the right sort, and 'k' is in range. */
static int wellformed(const struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b,
		      u64 k)
{
	u8 ar, sort;

	if (kind == LF_NONE || kind >= LF_NKINDS)
		return 0;
	ar = lf_kind_arity[kind];
	if ((ar < 1 && a) || (ar < 2 && b && kind != LF_VAR))
		return 0;
	if ((ar >= 1 && (a == 0 || a >= tab->n)) ||
	    (ar >= 2 && (b == 0 || b >= tab->n)))
		return 0;
	/* connectives and BOOL take propositions; other operands are words */
	sort = kind == LF_PAND || kind == LF_POR || kind == LF_PNOT ||
	       kind == LF_IMP || kind == LF_BOOL;
	if ((ar >= 1 && lf_kind_isprop[tab->t[a].kind] != sort) ||
	    (ar >= 2 && lf_kind_isprop[tab->t[b].kind] != sort))
		return 0;
	switch (kind) {
	case LF_VAR:
		if (b == 0 || b > 64 || k == 4 || (k > 4 && k < LF_V_FIRST_FREE))
			return 0;
		return k > 3 || b == fixed_bits[k];
	case LF_LD: return k == 1 || k == 2 || k == 4 || k == 8;
	case LF_SEXT: return k == 8 || k == 16 || k == 32;
	case LF_BSWAP: return k == 2 || k == 4 || k == 8;
	case LF_ROL: case LF_ROR:
		return k == 8 || k == 16 || k == 32 || k == 64;
	case LF_CONST: case LF_PVAR: case LF_INB: return 1;
	}
	return k == 0;
}

static lf_ref mk(struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b, u64 k,
		 int depth);

/* truth - the proposition TRUE when 'v' is nonzero, else FALSE. */
static lf_ref truth(struct lf_tab *tab, int v)
{
	return intern(tab, v ? LF_TRUE : LF_FALSE, 0, 0, 0);
}

/* cancel - r subtracted from a left ADD spine holding r, or 0. */
static lf_ref cancel(struct lf_tab *tab, lf_ref a, lf_ref r, int depth)
{
	lf_ref q[LF_SPINE], acc;
	int n = 0;

	while (a != r) {
		if (tab->t[a].kind != LF_ADD || n == LF_SPINE)
			return 0;
		q[n++] = tab->t[a].b;
		a = tab->t[a].a;
	}
	if (n == 0)
		return intern(tab, LF_CONST, 0, 0, 0);
	acc = q[--n];
	while (n > 0 && acc)
		acc = mk(tab, LF_ADD, acc, q[--n], 0, depth + 1);
	return acc;
}

/* rewrite_word - a canonical equal of word op (kind a b k), or 0. */
static lf_ref rewrite_word(struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b,
			   u64 k, int depth)
{
	const struct lf_term *ta = &tab->t[a];
	u64 x = 0, y = 0;
	int ca = lf_isconst(tab, a, &x), cb = b && lf_isconst(tab, b, &y);
	lf_ref t;

	if (ca && (lf_kind_arity[kind] == 1 || cb) && kind != LF_LD)
		return intern(tab, LF_CONST, 0, 0,
			      fold(kind, x, cb ? y : 0, k));
	switch (kind) {
	case LF_ADD:
		if (cb && y == 0)
			return a;
		if (cb && ta->kind == LF_ADD &&
		    lf_isconst(tab, ta->b, &x))
			return mk(tab, LF_ADD, ta->a,
				  intern(tab, LF_CONST, 0, 0, x + y), 0,
				  depth + 1);
		if (!cb && ta->kind == LF_ADD && lf_isconst(tab, ta->b, &x) &&
		    (t = mk(tab, LF_ADD, ta->a, b, 0, depth + 1)))
			return mk(tab, LF_ADD, t, ta->b, 0, depth + 1);
		break;
	case LF_SUB:
		if (a == b)
			return intern(tab, LF_CONST, 0, 0, 0);
		if (cb)
			return mk(tab, LF_ADD, a,
				  intern(tab, LF_CONST, 0, 0, 0 - y), 0,
				  depth + 1);
		if (ta->kind == LF_ADD && lf_isconst(tab, ta->b, &x) &&
		    (t = mk(tab, LF_SUB, ta->a, b, 0, depth + 1)))
			return mk(tab, LF_ADD, t, ta->b, 0, depth + 1);
		if (ta->kind == LF_ADD && ta->b == b)
			return ta->a;
		return cancel(tab, a, b, depth);
	case LF_MUL:
		if (cb && y <= 1)
			return y ? a : b;
		break;
	case LF_AND:
		if (a == b || (cb && y == 0))
			return b;
		if (cb && (y | lf_bitmax(tab, a)) == y)
			return a;
		if (cb && ta->kind == LF_AND && lf_isconst(tab, ta->b, &x))
			return mk(tab, LF_AND, ta->a,
				  intern(tab, LF_CONST, 0, 0, x & y), 0,
				  depth + 1);
		break;
	case LF_OR: case LF_XOR:
		if (cb && y == 0)
			return a;
		if (a == b)
			return kind == LF_OR ? a :
			       intern(tab, LF_CONST, 0, 0, 0);
		break;
	case LF_SHL: case LF_SHR: case LF_SAR:
		if (cb && (y & 63) == 0)
			return a;
		break;
	case LF_SEXT:
		if (ta->bits < k)
			return a;
		break;
	case LF_BOOL:
		if (ta->kind == LF_TRUE || ta->kind == LF_FALSE)
			return intern(tab, LF_CONST, 0, 0, ta->kind == LF_TRUE);
		break;
	}
	return 0;
}

/* rewrite_prop - a canonical equal of proposition (kind a b k), or 0. */
static lf_ref rewrite_prop(struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b)
{
	u8 ka = tab->t[a].kind, kb = b ? tab->t[b].kind : LF_NONE;
	u64 x = 0, y = 0;

	switch (kind) {
	case LF_PAND:
		if (ka == LF_TRUE || kb == LF_FALSE) return b;
		if (kb == LF_TRUE || ka == LF_FALSE) return a;
		break;
	case LF_POR:
		if (ka == LF_FALSE || kb == LF_TRUE) return b;
		if (kb == LF_FALSE || ka == LF_TRUE) return a;
		break;
	case LF_IMP:
		if (ka == LF_TRUE) return b;
		if (ka == LF_FALSE || kb == LF_TRUE) return truth(tab, 1);
		break;
	case LF_PNOT:
		if (ka == LF_TRUE || ka == LF_FALSE)
			return truth(tab, ka == LF_FALSE);
		if (ka == LF_PNOT) return tab->t[a].a;
		break;
	case LF_EQ: case LF_ULT: case LF_ULE: case LF_SLT: case LF_SLE:
		if (lf_isconst(tab, a, &x) && lf_isconst(tab, b, &y))
			return truth(tab, cmp(kind, x, y));
		if (a == b)
			return truth(tab, kind != LF_ULT && kind != LF_SLT);
		if (kind == LF_ULE && lf_isconst(tab, a, &x) && x == 0)
			return truth(tab, 1);
		if (kind == LF_ULT && lf_isconst(tab, b, &y) && y == 0)
			return truth(tab, 0);
		break;
	}
	return 0;
}

static int commutes(u8 kind)
{
	return kind == LF_ADD || kind == LF_MUL || kind == LF_AND ||
	       kind == LF_OR || kind == LF_XOR;
}

static lf_ref mk(struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b, u64 k,
		 int depth)
{
	lf_ref r, s;
	u64 c;

	if (tab->full || !wellformed(tab, kind, a, b, k))
		return 0;
	/* a VAR's b is its bound, not a term: no rewrite may read t[b] */
	if (kind == LF_VAR)
		return intern(tab, kind, 0, b, k);
	if (commutes(kind) &&
	    ((lf_isconst(tab, a, &c) && !lf_isconst(tab, b, &c)) ||
	     (kind == LF_ADD && tab->t[b].taint && !tab->t[a].taint))) {
		s = a;
		a = b;
		b = s;
	}
	if (depth < LF_DEPTH) {
		r = lf_kind_isprop[kind] ? rewrite_prop(tab, kind, a, b) :
		    rewrite_word(tab, kind, a, b, k, depth);
		if (r || tab->full)
			return r;
	}
	return intern(tab, kind, a, b, k);
}

lf_ref lf_mk(struct lf_tab *tab, u8 kind, lf_ref a, lf_ref b, u64 k)
{
	return mk(tab, kind, a, b, k, 0);
}

lf_ref lf_var(struct lf_tab *tab, u64 id, u8 bits)
{
	return mk(tab, LF_VAR, 0, bits, id, 0);
}
