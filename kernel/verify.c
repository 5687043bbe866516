/*
 * verify.c - the consumer's single entry point (see verify.h).
 *
 * Parse the object, recompute the VC from the code with vc_gen, decode
 * the annotations (invariants at join points), and check the proof
 * against the VC.  Stages run in that order; the first rejection stops
 * verification and is reported as is.  Trusted.
 */
#include "verify.h"
#include "check.h"

void pccf_default_limits(struct pccf_limits *lim)
{
	lim->obj.max_obj = 1u << 20;
	lim->obj.max_code = 1u << 16;
	lim->obj.max_proof = 1u << 19;
	lim->obj.max_annot = 1u << 16;
	lim->obj.max_relocs = 1024;
	lim->vc.max_code = 1u << 16;
	lim->vc.max_insns = 16384;
	lim->max_terms = 1u << 18;
	lim->max_proof_nodes = 1000000;
	lim->max_depth = 4096;
}

size_t pccf_arena_bytes(const struct pccf_limits *lim)
{
	size_t terms = (size_t)lim->max_terms + 1, h = 1;

	while (h < 2 * terms)
		h <<= 1;
	return terms * sizeof(struct lf_term) + h * sizeof(u32) +
	       (size_t)lim->vc.max_insns * 512 + (size_t)lim->vc.max_code * 8 +
	       (size_t)lim->max_depth * 160 + (size_t)lim->obj.max_relocs * 4 +
	       /* term lists of annotations and proof */
	       (size_t)lim->obj.max_annot * 4 + (size_t)lim->obj.max_proof * 4 +
	       (1u << 16);
}

/* relocs - copy the reloc offsets out of the object into the arena. */
static int relocs(const struct obj *o, struct pccf_arena *ar,
		  struct x86_relocs *rel, struct pccf_err *e)
{
	u32 *off = pccf_alloc(ar, ((size_t)o->nreloc + 1) * sizeof(u32));
	u32 i;

	if (!off)
		return pccf_fail(e, PCCF_ELIMIT, "out of memory for relocations");
	for (i = 0; i < o->nreloc; i++)
		off[i] = pccf_le32(o->reloc + 8 * (size_t)i);
	rel->off = off;
	rel->n = o->nreloc;
	return 0;
}

/* annots - decode the annotation section: a term list, then a count and
 * (offset, term index) pairs naming propositions. */
static int annots(const struct obj *o, struct lf_tab *tab,
		  struct pccf_arena *ar, u32 max_terms, struct vc_annot **an,
		  u32 *nan, struct pccf_err *e)
{
	u32 pos = 0, nt, i;
	lf_ref *terms;
	u64 cnt, off, t;
	int err;

	*an = 0;
	*nan = 0;
	if (o->nannot == 0)
		return 0;
	if ((err = lf_read_terms(o->annot, o->nannot, &pos, tab, ar, max_terms,
				 &terms, &nt, e)))
		return err;
	if (lf_uleb(o->annot, o->nannot, &pos, &cnt) || cnt > o->nannot - pos)
		return pccf_fail(e, PCCF_EOBJ, "annotations: bad entry count at byte %u", pos);
	*an = pccf_alloc(ar, ((size_t)cnt + 1) * sizeof(struct vc_annot));
	if (!*an)
		return pccf_fail(e, PCCF_ELIMIT, "annotations: out of memory");
	for (i = 0; i < cnt; i++) {
		if (lf_uleb(o->annot, o->nannot, &pos, &off) ||
		    lf_uleb(o->annot, o->nannot, &pos, &t))
			return pccf_fail(e, PCCF_EOBJ, "annotation %u truncated", i);
		if (off >= o->ncode || t == 0 || t > nt ||
		    !lf_kind_isprop[lf_get(tab, terms[t])->kind])
			return pccf_fail(e, PCCF_EOBJ, "annotation %u: offset %U or term %U invalid", i, off, t);
		if (i > 0 && off <= (*an)[i - 1].off)
			return pccf_fail(e, PCCF_EOBJ, "annotation %u: offsets not ascending", i);
		(*an)[i].off = (u32)off;
		(*an)[i].inv = terms[t];
	}
	if (pos != o->nannot)
		return pccf_fail(e, PCCF_EOBJ, "annotations: %u trailing bytes", o->nannot - pos);
	*nan = (u32)cnt;
	return 0;
}

int pccf_verify(const u8 *buf, u32 len, const struct pccf_limits *lim,
		enum pccf_stage upto, struct pccf_arena *ar,
		struct pccf_verified *out, struct pccf_err *e)
{
	struct lf_check_limits cl;
	struct vc_annot *an;
	u32 nan;
	u64 cap;
	int err;

	pccf_memset(out, 0, sizeof(*out));
	if ((err = obj_parse(buf, len, &lim->obj, &out->obj, e)) ||
	    (err = relocs(&out->obj, ar, &out->rel, e)))
		return err;
	if (upto == PCCF_PARSE)
		return 0;
	/* The term table grows with the object, up to the limit: at most
	 * two dozen terms per code byte (an instruction's value and flags;
	 * compiled filters use about 3), one per annotation or proof byte at
	 * most. */
	cap = out->obj.ncode;
	cap = cap * 24 + (out->obj.nannot + out->obj.nproof) * 2 + 512;
	if (cap > lim->max_terms)
		cap = lim->max_terms;
	if (lf_init(&out->tab, ar, (u32)cap))
		return pccf_fail(e, PCCF_ELIMIT, "out of memory for %U terms", cap);
	if ((err = annots(&out->obj, &out->tab, ar, lim->max_terms, &an, &nan, e)) ||
	    (err = vc_gen(out->obj.code, out->obj.ncode, &out->rel, an, nan,
			  &lim->vc, &out->tab, ar, &out->vc, e)))
		return err;
	if (upto == PCCF_VCGEN)
		return 0;
	cl.max_nodes = lim->max_proof_nodes;
	cl.max_depth = lim->max_depth;
	cl.max_terms = lim->max_terms;
	return lf_check(out->obj.proof, out->obj.nproof, out->vc, &out->tab, ar,
			&cl, &out->proof_nodes, e);
}
