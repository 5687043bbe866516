/*
 * lf_eval.h - a concrete evaluator of lf terms, for tests only.
 *
 * Untrusted and independent of lf_term.c's rewrites: it gives each term
 * kind its meaning from lf.h (64-bit words, propositions as 0/1) and
 * evaluates a table bottom-up, so a test can compare the abstract
 * machine's terms with what the CPU computed.
 */
#ifndef PCCF_LF_EVAL_H
#define PCCF_LF_EVAL_H

#include <stdint.h>
#include "lf.h"

/* Where variables, proposition variables and loads get their values.
 * Each callback returns 0 and fills '*v', or -1 (unknown value). */
struct lf_env {
	int (*var)(void *ctx, uint64_t id, uint64_t *v);
	int (*pvar)(void *ctx, uint64_t id, uint64_t *v);
	int (*load)(void *ctx, uint64_t addr, unsigned n, uint64_t *v);
	void *ctx;
};

/*
 * lf_eval_all - evaluate terms 1 .. 'upto' - 1 of 'tab' into 'val'
 * ('ok'[i] = 1 when term i has a value; both arrays have 'upto' slots).
 */
void lf_eval_all(const struct lf_tab *tab, uint32_t upto,
		 const struct lf_env *env, uint64_t *val, uint8_t *ok);

/* lf_eval - the value of term 'r' (0/1 for a proposition); 0 or -1. */
int lf_eval(const struct lf_tab *tab, lf_ref r, const struct lf_env *env,
	    uint64_t *out);

#endif
