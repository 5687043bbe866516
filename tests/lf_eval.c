/*
 * lf_eval.c - concrete evaluation of lf terms (tests only, untrusted).
 *
 * Meanings follow lf.h: words are unsigned 64-bit, shifts take the
 * count modulo 64, UDIV/UREM by zero give 0, SEXT a k sign-extends the
 * low k bits, BSWAP reverses the low k bytes, ROL/ROR rotate the low k
 * bits by the count modulo k, INB a b k is "a <= b and k <= b - a",
 * BOOL p is the word 1 when p holds, else 0.
 */
#include <stdlib.h>
#include "lf_eval.h"

static uint64_t sext(uint64_t x, uint64_t k)
{
	uint64_t m;

	if (k == 0 || k >= 64)
		return x;
	m = (uint64_t)1 << (k - 1);
	x &= ((uint64_t)1 << k) - 1;
	return (x ^ m) - m;
}

static uint64_t bswap(uint64_t x, uint64_t k)
{
	uint64_t r = 0, i;

	for (i = 0; i < k && i < 8; i++)
		r = r << 8 | ((x >> (8 * i)) & 0xff);
	return r;
}

static uint64_t rot(uint64_t x, uint64_t c, uint64_t w, int left)
{
	uint64_t m = w >= 64 ? ~0ull : (1ull << w) - 1;

	if (w == 0)
		return 0;
	x &= m;
	c %= w;
	if (c == 0)
		return x;
	if (!left)
		c = w - c;
	return ((x << c) | (x >> (w - c))) & m;
}

/* one - the value of term 't' given its operands' values 'x', 'y'. */
static int one(const struct lf_term *t, uint64_t x, uint64_t y,
	       const struct lf_env *env, uint64_t *v)
{
	switch (t->kind) {
	case LF_CONST: *v = t->k; return 0;
	case LF_VAR: return env->var ? env->var(env->ctx, t->k, v) : -1;
	case LF_PVAR: return env->pvar ? env->pvar(env->ctx, t->k, v) : -1;
	case LF_LD:
		return env->load ? env->load(env->ctx, x, (unsigned)t->k, v) : -1;
	case LF_ADD: *v = x + y; return 0;
	case LF_SUB: *v = x - y; return 0;
	case LF_MUL: *v = x * y; return 0;
	case LF_UDIV: *v = y ? x / y : 0; return 0;
	case LF_UREM: *v = y ? x % y : 0; return 0;
	case LF_AND: *v = x & y; return 0;
	case LF_OR: *v = x | y; return 0;
	case LF_XOR: *v = x ^ y; return 0;
	case LF_SHL: *v = x << (y & 63); return 0;
	case LF_SHR: *v = x >> (y & 63); return 0;
	case LF_SAR: *v = (uint64_t)((int64_t)x >> (y & 63)); return 0;
	case LF_NOT: *v = ~x; return 0;
	case LF_NEG: *v = 0 - x; return 0;
	case LF_SEXT: *v = sext(x, t->k); return 0;
	case LF_BSWAP: *v = bswap(x, t->k); return 0;
	case LF_ROL: *v = rot(x, y, t->k, 1); return 0;
	case LF_ROR: *v = rot(x, y, t->k, 0); return 0;
	case LF_TRUE: *v = 1; return 0;
	case LF_FALSE: *v = 0; return 0;
	case LF_PAND: *v = x && y; return 0;
	case LF_POR: *v = x || y; return 0;
	case LF_PNOT: *v = !x; return 0;
	case LF_IMP: *v = !x || y; return 0;
	case LF_EQ: *v = x == y; return 0;
	case LF_ULT: *v = x < y; return 0;
	case LF_ULE: *v = x <= y; return 0;
	case LF_SLT: *v = (int64_t)x < (int64_t)y; return 0;
	case LF_SLE: *v = (int64_t)x <= (int64_t)y; return 0;
	case LF_INB: *v = x <= y && t->k <= y - x; return 0;
	case LF_BOOL: *v = x != 0; return 0;
	}
	return -1;
}

void lf_eval_all(const struct lf_tab *tab, uint32_t upto,
		 const struct lf_env *env, uint64_t *val, uint8_t *ok)
{
	uint32_t i;

	if (upto > tab->n)
		upto = tab->n;
	if (upto)
		ok[0] = 0;
	for (i = 1; i < upto; i++) {
		const struct lf_term *t = &tab->t[i];
		uint8_t ar = t->kind < LF_NKINDS ? lf_kind_arity[t->kind] : 0;
		uint64_t x = 0, y = 0;

		ok[i] = 0;
		if (ar >= 1 && t->kind != LF_VAR) {
			if (t->a >= i || !ok[t->a])
				continue;
			x = val[t->a];
		}
		if (ar >= 2) {
			if (t->b >= i || !ok[t->b])
				continue;
			y = val[t->b];
		}
		if (one(t, x, y, env, &val[i]) == 0)
			ok[i] = 1;
	}
}

int lf_eval(const struct lf_tab *tab, lf_ref r, const struct lf_env *env,
	    uint64_t *out)
{
	uint64_t *val;
	uint8_t *ok;
	int rc = -1;

	if (r == 0 || r >= tab->n)
		return -1;
	val = malloc(((size_t)r + 1) * sizeof(*val));
	ok = malloc((size_t)r + 1);
	if (val && ok) {
		lf_eval_all(tab, r + 1, env, val, ok);
		if (ok[r]) {
			*out = val[r];
			rc = 0;
		}
	}
	free(val);
	free(ok);
	return rc;
}
