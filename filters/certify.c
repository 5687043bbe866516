/*
 * certify.c - from raw code to a certified object (see prove.h).
 *
 * The pipeline: rewrite returns (rewrite.c), generate the VC with the
 * consumer's own trusted vc_gen, prove it (prove_vc), write the object
 * (objwrite.c), then run the consumer, pccf_verify up to PCCF_CHECK, on
 * the bytes just written: a producer that makes an object its consumer
 * rejects fails here, loudly, with the consumer's message.  Untrusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prove.h"
#include "rewrite.h"
#include "objwrite.h"
#include "verify.h"

/* arena_new - a malloc'd arena of 'size' bytes, or -1 with 'err'. */
static int arena_new(struct pccf_arena *ar, size_t size, char *err,
		     size_t errlen)
{
	ar->base = malloc(size);
	ar->size = size;
	ar->used = 0;
	if (!ar->base) {
		snprintf(err, errlen, "out of memory (arena of %zu bytes)", size);
		return -1;
	}
	return 0;
}

/* make_vc - the VC of 'code' with relocs 'rel' and annotations 'an'. */
static int make_vc(const struct buf *code, const struct x86_relocs *rel,
		   const struct vc_annot *an, uint32_t nan,
		   const struct pccf_limits *lim, struct pccf_arena *ar,
		   struct lf_tab *tab, lf_ref *vc, char *err, size_t errlen)
{
	struct pccf_err e;

	memset(&e, 0, sizeof(e));
	if (vc_gen(code->p, (u32)code->n, rel, an, nan, &lim->vc, tab, ar, vc,
		   &e)) {
		snprintf(err, errlen, "%s", e.msg);
		return -1;
	}
	return 0;
}

/* annotations - the invariants ULE(min_caplen, caplen) in 'tab' and the
 * annotation section that names them. */
static int annotations(struct lf_tab *tab, const struct certify_annot *ca,
		       uint32_t n, struct vc_annot **an, struct buf *sec)
{
	struct lf_ser *ser;
	struct buf ent = { 0 };
	uint32_t i;

	*an = NULL;
	if (n == 0)
		return 0;
	*an = calloc(n, sizeof(**an));
	ser = lf_ser_new(tab);
	buf_uleb(&ent, n);
	for (i = 0; i < n; i++) {
		(*an)[i].off = ca[i].off;
		(*an)[i].inv = lf_mk(tab, LF_ULE, lf_const(tab, ca[i].min_caplen),
				     lf_var(tab, LF_V_CAPLEN, 32), 0);
		buf_uleb(&ent, ca[i].off);
		buf_uleb(&ent, lf_ser_add(ser, (*an)[i].inv));
	}
	lf_ser_emit(ser, sec);
	buf_put(sec, ent.p, ent.n);
	lf_ser_free(ser);
	free(ent.p);
	return 0;
}

/* self_check - run the consumer on the object at 'p' ('n' bytes). */
static int self_check(const uint8_t *p, size_t n, const struct pccf_limits *lim,
		      struct pccf_arena *ar, char *err, size_t errlen)
{
	struct pccf_verified v;
	struct pccf_err e;

	memset(&e, 0, sizeof(e));
	ar->used = 0;
	if (n > UINT32_MAX ||
	    pccf_verify(p, (u32)n, lim, PCCF_CHECK, ar, &v, &e)) {
		snprintf(err, errlen,
			 "internal error: the consumer rejects the object "
			 "the producer made: %s", n > UINT32_MAX ? "too large" : e.msg);
		return -1;
	}
	return 0;
}

/* certify_code - see prove.h. */
int certify_code(const uint8_t *code, size_t len, const uint32_t *relocs,
		 uint32_t nrel, const struct certify_annot *ca, uint32_t nca,
		 int flags, struct buf *obj, char *err, size_t errlen)
{
	struct buf proof = { 0 }, annot = { 0 };
	struct buf rw = { (uint8_t *)code, len, len };
	struct pccf_limits lim;
	struct pccf_arena ar = { 0 };
	struct x86_relocs rel = { relocs, nrel };
	struct vc_annot *an = NULL;
	struct lf_tab tab;
	size_t start = obj->n;
	lf_ref vc;
	int rc = -1;

	pccf_default_limits(&lim);
	if (arena_new(&ar, pccf_arena_bytes(&lim), err, errlen))
		goto out;
	if (lf_init(&tab, &ar, lim.max_terms)) {
		snprintf(err, errlen, "cannot allocate the term table");
		goto out;
	}
	annotations(&tab, ca, nca, &an, &annot);
	if (!(flags & CERTIFY_NO_PROOF) &&
	    (make_vc(&rw, &rel, an, nca, &lim, &ar, &tab, &vc, err, errlen) ||
	     prove_vc(&tab, vc, &proof, err, errlen)))
		goto out;
	if (obj_write(obj, code, (uint32_t)len, relocs, nrel, annot.p,
		      (uint32_t)annot.n, proof.p, (uint32_t)proof.n)) {
		snprintf(err, errlen, "the object does not fit the format's "
			 "32-bit lengths");
		goto out;
	}
	if (!(flags & CERTIFY_NO_PROOF) &&
	    self_check(obj->p + start, obj->n - start, &lim, &ar, err, errlen)) {
		obj->n = start;
		goto out;
	}
	rc = 0;
out:
	free(ar.base);
	free(proof.p);
	free(annot.p);
	free(an);
	return rc;
}

/* certify_flags - see prove.h. */
int certify_flags(const uint8_t *code, size_t len, int flags, struct buf *obj,
		  char *err, size_t errlen)
{
	struct buf rw = { 0 };
	uint32_t *relocs = NULL, nrel = 0;
	int rc = -1;

	if (!rewrite_returns(code, len, &rw, &relocs, &nrel, err, errlen))
		rc = certify_code(rw.p, rw.n, relocs, nrel, NULL, 0, flags, obj,
				  err, errlen);
	free(rw.p);
	free(relocs);
	return rc;
}

/* certify - see prove.h. */
int certify(const uint8_t *code, size_t len, struct buf *obj, char *err,
	    size_t errlen)
{
	return certify_flags(code, len, 0, obj, err, errlen);
}

/* certify_annotated - see prove.h. */
int certify_annotated(const uint8_t *code, size_t len,
		      const struct certify_annot *an, uint32_t nan, int flags,
		      struct buf *obj, char *err, size_t errlen)
{
	struct buf rw = { 0 };
	struct certify_annot *moved = NULL;
	uint32_t *relocs = NULL, nrel = 0, *map = NULL, i, n = 0;
	int rc = -1;

	map = calloc(len ? len : 1, sizeof(*map));
	moved = calloc(nan ? nan : 1, sizeof(*moved));
	if (!map || !moved) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (rewrite_returns_map(code, len, &rw, &relocs, &nrel, map, err, errlen))
		goto out;
	for (i = 0; i < nan; i++) {
		if (an[i].off >= len || map[an[i].off] == UINT32_MAX)
			continue;	/* dropped with unreachable code */
		moved[n].off = map[an[i].off];
		moved[n++].min_caplen = an[i].min_caplen;
	}
	rc = certify_code(rw.p, rw.n, relocs, nrel, moved, n, flags, obj, err,
			  errlen);
out:
	free(rw.p);
	free(relocs);
	free(map);
	free(moved);
	return rc;
}
