/*
 * prove.h - the producer side: from code to a certified object.
 *
 * Untrusted.  Everything here may be as clever as it likes; a bug can
 * only make the consumer reject the object.
 */
#ifndef PCCF_PROVE_H
#define PCCF_PROVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "lf.h"
#include "vc.h"

/* A growable byte buffer for writers. */
struct buf {
	uint8_t *p;
	size_t n, cap;
};
void buf_put(struct buf *b, const void *p, size_t n);
void buf_byte(struct buf *b, uint8_t c);
void buf_uleb(struct buf *b, uint64_t v);
void buf_u32(struct buf *b, uint32_t v);

/*
 * Terms in a section (annotations, proof) are a list: uleb count, then
 * one record per term, postorder, each operand an index into the list
 * itself (earlier entries only, 1-based; 0 = none).  'lf_ser' appends the
 * terms needed for 'roots' and returns each root's list index in
 * 'idx_out'.  See docs/proof-format.md.
 */
struct lf_ser;
struct lf_ser *lf_ser_new(const struct lf_tab *tab);
uint32_t lf_ser_add(struct lf_ser *s, lf_ref r);	/* index in the list */
void lf_ser_emit(struct lf_ser *s, struct buf *out);
void lf_ser_free(struct lf_ser *s);

/*
 * prove_vc - a proof of 'vc' (built in 'tab') as proof-section bytes.
 * Returns 0, or -1 with a message in 'err' naming the obligation it could
 * not prove.
 */
int prove_vc(struct lf_tab *tab, lf_ref vc, struct buf *proof, char *err,
	     size_t errlen);

/*
 * certify - from raw code (entry at offset 0, bare 'ret's allowed) to a
 * complete object: rewrite returns into relocated 'jmp rel32', compute
 * annotations, generate the VC with the trusted vc_gen, prove it, write
 * the object.  Returns 0 or -1 with 'err'.
 */
int certify(const uint8_t *code, size_t len, struct buf *obj, char *err,
	    size_t errlen);

/* A join-point fact a code producer knows: caplen >= min_caplen at 'off'. */
struct certify_annot {
	uint32_t off;
	uint32_t min_caplen;
};

#define CERTIFY_NO_PROOF 1	/* write the object with an empty proof */

/*
 * certify_code - certify code whose returns are already relocated jumps
 * ('relocs': offsets of their rel32 fields) with join invariants 'an'.
 * With CERTIFY_NO_PROOF the object is written without VC, proof or
 * self-check (for tests and for inspecting what the consumer says).
 */
int certify_code(const uint8_t *code, size_t len, const uint32_t *relocs,
		 uint32_t nrel, const struct certify_annot *an, uint32_t nan,
		 int flags, struct buf *obj, char *err, size_t errlen);

/*
 * certify_annotated - certify raw code (bare 'ret's allowed) with join
 * facts 'an' given at offsets of the raw code; they move with the
 * rewritten returns.  Annotations sorted by offset.
 */
int certify_annotated(const uint8_t *code, size_t len,
		      const struct certify_annot *an, uint32_t nan, int flags,
		      struct buf *obj, char *err, size_t errlen);

/* certify_flags - certify() with CERTIFY_* 'flags'. */
int certify_flags(const uint8_t *code, size_t len, int flags, struct buf *obj,
		  char *err, size_t errlen);

/* print_proof - a readable, indented dump of a proof section. */
void print_proof(FILE *f, const uint8_t *proof, size_t n);

#endif
