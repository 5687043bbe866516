/*
 * check.h - the proof checker: does a proof prove the VC?
 *
 * A proof section is a term list (the propositions and words the proof
 * names, decoded through lf_mk into the VC's own table) followed by a
 * proof tree in preorder (docs/proof-format.md).  The checker infers or
 * checks the type of each node against the signature (sig.lf) with an
 * explicit stack: no recursion, no search, one pass over the proof.
 * Trusted.
 */
#ifndef PCCF_CHECK_H
#define PCCF_CHECK_H

#include "pccf/compat.h"
#include "lf.h"

/* Proof tree node opcodes. ORDER LF_PROOF */
enum lf_node {
	LF_N_HYP,		/* uleb i: the i-th innermost hypothesis */
	LF_N_IMPI,		/* p: checks IMP(A,B) by p : B under A */
	LF_N_IMPE,		/* p q: p : IMP(A,B), q : A; gives B */
	LF_N_ANDI,		/* p q: checks PAND(A,B) */
	LF_N_ANDL,		/* p: p : PAND(A,B); gives A */
	LF_N_ANDR,		/* p: gives B */
	LF_N_TRUEI,		/* checks TRUE */
	LF_N_LET,		/* p q: p : A; q under hypothesis A */
	LF_N_ASC,		/* uleb t, p: p checked against term t; gives t */
	LF_N_RULE,		/* uleb r, premises: signature rule r */
	LF_N_NODES
};

struct lf_check_limits {
	u32 max_nodes;		/* proof nodes */
	u32 max_depth;		/* nesting of nodes, and hypotheses in scope */
	u32 max_terms;		/* entries of the term list */
};

/*
 * lf_read_terms - decode a term list at '*pos' of 'p' ('n' bytes) into
 * 'tab', storing the refs in a fresh array '*refs' (count '*nrefs') from
 * 'ar'.  Shared by the annotation and proof sections.
 */
int lf_read_terms(const u8 *p, u32 n, u32 *pos, struct lf_tab *tab,
		  struct pccf_arena *ar, u32 max_terms, lf_ref **refs,
		  u32 *nrefs, struct pccf_err *e);

/* lf_uleb - read an unsigned LEB128 number of at most 10 bytes. */
int lf_uleb(const u8 *p, u32 n, u32 *pos, u64 *v);

/*
 * Matching and instantiation of a signature rule's patterns (sig.lf),
 * exported for the Coq exporter, which replays the checker's steps.
 */
#define LF_MAXMV 8		/* = SIG_MAXMV, checked in check.c */
struct sig_rule;
struct lf_binding {
	lf_ref mv[LF_MAXMV];
	u64 kv[LF_MAXMV];
	u8 bound;		/* bit i: metavariable i is bound */
};

/* lf_match - bind 'b' so that pattern 'root' of rule 'r' denotes 't';
 * 0, or -1 when it cannot (bindings then partial). */
int lf_match(struct lf_tab *tab, const struct sig_rule *r, u8 root, lf_ref t,
	     struct lf_binding *b);

/* lf_inst - the term of pattern node 'root' of 'r' under 'b', or 0 when
 * it needs an unbound metavariable (or the table is full). */
lf_ref lf_inst(struct lf_tab *tab, const struct sig_rule *r, u8 root,
	       const struct lf_binding *b);

/*
 * lf_check - check that 'proof' ('n' bytes) proves 'goal'.  Returns 0,
 * or a PCCF_EPROOF rejection naming the proof node (its index and byte
 * offset), the rule and the mismatch.  '*nodes' gets the nodes checked.
 */
int lf_check(const u8 *proof, u32 n, lf_ref goal, struct lf_tab *tab,
	     struct pccf_arena *ar, const struct lf_check_limits *lim,
	     u32 *nodes, struct pccf_err *e);

#endif
