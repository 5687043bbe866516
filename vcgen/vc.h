/*
 * vc.h - the abstract machine and the verification-condition generator.
 *
 * vc_gen decodes the code by reachability from offset 0, builds the
 * control-flow graph (instructions are nodes), rejects cycles, jumps
 * into instructions and falls off the end, evaluates each instruction
 * symbolically in topological order, enforces the syntactic parts of the
 * policy on the way (registers, definedness, taint, scratch slots, flags)
 * and returns the VC: a proposition whose proof shows the rest (every
 * packet access in bounds, every div safe).  Trusted.
 *
 * Shape of the VC (the prover follows the term, not this description,
 * and lf_mk drops TRUE conjuncts and the like):
 *
 *   VC      = PAND(P(0), PAND(R(j1), PAND(R(j2), ...)))  joins by offset
 *   R(j)    = IMP(inv(j), P(j))         inv(j) from the annotations, or TRUE
 *   P(n)    = PAND(O(n), C(n))          O(n): n's obligations, PAND-chained
 *   C(n)    = TRUE                                      for a return
 *           = PAND(IMP(c, E(t)), IMP(PNOT(c), E(f)))    for jcc (c: taken)
 *           = E(next)                                   otherwise
 *   E(m)    = inv(m) if m is a join (two or more predecessors), else P(m)
 *
 * At a join, a register or scratch word whose terms differ on the
 * incoming edges becomes a fresh variable whose 'bits' is the largest
 * incoming 'bits'; one tainted on any edge becomes undefined there; a
 * flag that differs becomes undefined; the defined set is the
 * intersection.  Fresh variable ids are LF_V_FIRST_FREE + off * 64 +
 * slot, where slot is the register number (0-15) or 16 + scratch word.  Invariants may
 * mention only the filter's inputs, packet loads and constants.
 *
 * Obligations:
 *   packet read of n bytes at ea:   INB(ea - pkt, caplen, n)
 *   div by d (w bits), high half h: PAND(PNOT(EQ(d, 0)), ULT(h, d))
 * Scratch accesses must be at mem + 4*i (4 bytes) or mem + 8*i (8 bytes),
 * checked syntactically.
 */
#ifndef PCCF_VC_H
#define PCCF_VC_H

#include "pccf/compat.h"
#include "lf.h"
#include "x86.h"

/*
 * The flags as the conditions that read them, indexed by condition pair
 * (cc >> 1): flag[i] is the proposition "j<cc 2i> jumps", so OF, CF, ZF,
 * SF, PF and the combined CF|ZF (be), SF^OF (l), ZF|(SF^OF) (le).  AF is
 * not kept: no accepted instruction reads it.
 */
enum vc_flag {
	VC_OF, VC_CF, VC_ZF, VC_BE, VC_SF, VC_PF, VC_LT, VC_LE, VC_NFLAGS
};

/* The machine state at one program point. */
struct vc_state {
	lf_ref reg[16];		/* 64-bit values */
	u8 def[16];		/* defined bytes of each register, bit i = byte i */
	lf_ref slot[16];	/* scratch words (32-bit values); 0 = unwritten */
	lf_ref flag[VC_NFLAGS];	/* conditions (enum vc_flag); 0 = undefined */
};

struct vc_annot {
	u32 off;		/* a join point */
	lf_ref inv;		/* a proposition */
};

struct vc_limits {
	u32 max_code;		/* bytes */
	u32 max_insns;
};

/* vc_init_state - the state at entry: rdi, rsi, rdx, rcx defined. */
void vc_init_state(struct lf_tab *tab, struct vc_state *s);

/*
 * vc_step - execute 'in' symbolically on 's' (not for branches or ret),
 * appending obligations to '*obl' (a PAND chain, TRUE to start).
 * Returns 0 or a rejection naming in->off.  Used by vc_gen and by the
 * machine-model tests.
 */
int vc_step(struct lf_tab *tab, const struct x86_insn *in, struct vc_state *s,
	    lf_ref *obl, struct pccf_err *e);

/* vc_cond - the proposition "condition 'cc' holds" in state 's', or a
 * rejection when it reads an undefined flag. */
int vc_cond(struct lf_tab *tab, const struct vc_state *s, u8 cc, u32 off,
	    lf_ref *out, struct pccf_err *e);

/*
 * vc_gen - the VC of 'code' (the bytes that will run, relocated returns
 * as decoded by x86_decode) with annotations 'an'; scratch from 'ar'.
 */
int vc_gen(const u8 *code, u32 len, const struct x86_relocs *rel,
	   const struct vc_annot *an, u32 nan, const struct vc_limits *lim,
	   struct lf_tab *tab, struct pccf_arena *ar, lf_ref *vc,
	   struct pccf_err *e);

#endif
