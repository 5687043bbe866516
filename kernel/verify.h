/*
 * verify.h - the consumer's entry point: object bytes -> ok | rejection.
 *
 * pccf_verify parses the object, recomputes the VC from the code bytes
 * (vc_gen), decodes the annotations, and checks the proof against the VC
 * (lf_check).  Nothing in the object is believed; everything is checked.
 * All memory comes from the caller's arena.  Trusted; the same code runs
 * in the Linux module and in user space.
 */
#ifndef PCCF_VERIFY_H
#define PCCF_VERIFY_H

#include "pccf/compat.h"
#include "obj.h"
#include "lf.h"
#include "vc.h"

struct pccf_limits {
	struct obj_limits obj;
	struct vc_limits vc;
	u32 max_terms;		/* VC + annotation + proof terms */
	u32 max_proof_nodes;	/* proof tree nodes checked */
	u32 max_depth;		/* hypotheses in scope / checker stack */
};

/* pccf_default_limits - the documented defaults (docs/limits.md). */
void pccf_default_limits(struct pccf_limits *lim);

/* How far pccf_verify goes: later stages include earlier ones. */
enum pccf_stage { PCCF_PARSE, PCCF_VCGEN, PCCF_CHECK };

/* What verification produced; valid only while the arena lives. */
struct pccf_verified {
	struct obj obj;
	struct x86_relocs rel;	/* points into a copy in the arena */
	struct lf_tab tab;
	lf_ref vc;
	u32 proof_nodes;	/* proof tree nodes checked */
};

/*
 * pccf_verify - run the stages up to 'upto' on 'buf' ('len' bytes).
 * Returns 0, or the first rejection's code with its message in 'e'.
 */
int pccf_verify(const u8 *buf, u32 len, const struct pccf_limits *lim,
		enum pccf_stage upto, struct pccf_arena *ar,
		struct pccf_verified *out, struct pccf_err *e);

/* The arena size that suffices for any object within 'lim'. */
size_t pccf_arena_bytes(const struct pccf_limits *lim);

#endif
