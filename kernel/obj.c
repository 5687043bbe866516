/*
 * obj.c - parse the certified object's container (docs/object-format.md).
 *
 * obj_parse checks the header and the section lengths against the
 * caller's limits and slices the object into code, relocations,
 * annotations and proof.  It judges no section's contents except the
 * relocation table, whose entries it checks for kind, order and range;
 * the decoder, the VC generator and the checker judge the rest.  Every
 * length is untrusted: each comparison either subtracts from what is
 * known to be present or sums 32-bit numbers in 64 bits, so none can
 * wrap.  Trusted.
 */
#include "pccf/compat.h"
#include "obj.h"

/* Header field offsets (obj.h). */
enum {
	H_MAGIC = 0,
	H_VERSION = 4,
	H_POLICY = 6,
	H_CODE = 8,
	H_RELOC = 12,
	H_ANNOT = 16,
	H_PROOF = 20
};

#define RELOC_BYTES 8u /* { u32 offset; u32 kind; } */

/* check_header - magic, version and policy of the 'len'-byte object 'b'. */
static int check_header(const u8 *b, u32 len, struct pccf_err *e)
{
	if (len < OBJ_HDR)
		return pccf_fail(
			e, PCCF_EOBJ,
			"object truncated: header needs %u bytes, got %u",
			(u32)OBJ_HDR, len);
	if (b[0] != (u8)OBJ_MAGIC[0] || b[1] != (u8)OBJ_MAGIC[1] ||
	    b[2] != (u8)OBJ_MAGIC[2] || b[3] != (u8)OBJ_MAGIC[3])
		return pccf_fail(
			e, PCCF_EOBJ,
			"bad magic: bytes %x %x %x %x at offset 0 (expected \"%s\")",
			(u32)b[0], (u32)b[1], (u32)b[2], (u32)b[3], OBJ_MAGIC);
	if (pccf_le16(b + H_VERSION) != OBJ_VERSION)
		return pccf_fail(e, PCCF_EOBJ,
				 "unsupported format version %u (expected %u)",
				 (u32)pccf_le16(b + H_VERSION),
				 (u32)OBJ_VERSION);
	if (pccf_le16(b + H_POLICY) != OBJ_POLICY)
		return pccf_fail(e, PCCF_EOBJ,
				 "unsupported policy %u (expected %u)",
				 (u32)pccf_le16(b + H_POLICY), (u32)OBJ_POLICY);
	return 0;
}

/*
 * check_sizes - each section length of 'o' against 'lim', the shape of R
 * ('nrelb' bytes), then the object's 'len' bytes hold exactly the header
 * and the four sections.  The total is exact: five 32-bit numbers sum
 * below 2^35, so the 64-bit sum cannot wrap.
 */
static int check_sizes(const struct obj *o, u32 nrelb, u32 len,
		       const struct obj_limits *lim, struct pccf_err *e)
{
	u64 total = (u64)OBJ_HDR + o->ncode + nrelb + o->nannot + o->nproof;

	if (o->ncode == 0)
		return pccf_fail(e, PCCF_EOBJ, "code section is empty");
	if (o->ncode > lim->max_code)
		return pccf_fail(
			e, PCCF_ELIMIT,
			"code section of %u bytes exceeds the limit of %u",
			o->ncode, lim->max_code);
	if (nrelb % RELOC_BYTES)
		return pccf_fail(
			e, PCCF_EOBJ,
			"reloc section of %u bytes is not a multiple of %u",
			nrelb, RELOC_BYTES);
	if (nrelb / RELOC_BYTES > lim->max_relocs)
		return pccf_fail(
			e, PCCF_ELIMIT,
			"reloc section of %u entries exceeds the limit of %u",
			nrelb / RELOC_BYTES, lim->max_relocs);
	if (o->nannot > lim->max_annot)
		return pccf_fail(
			e, PCCF_ELIMIT,
			"annotation section of %u bytes exceeds the limit of %u",
			o->nannot, lim->max_annot);
	if (o->nproof > lim->max_proof)
		return pccf_fail(
			e, PCCF_ELIMIT,
			"proof section of %u bytes exceeds the limit of %u",
			o->nproof, lim->max_proof);
	if (total != len)
		return pccf_fail(
			e, PCCF_EOBJ,
			"object length %u does not match header total %U", len,
			total);
	return 0;
}

/*
 * check_relocs - every entry of 'o' is a RET relocation whose 4-byte
 * field lies inside the code; fields strictly ascending and disjoint.
 * 'base' is the object offset of the table, for the messages.
 */
static int check_relocs(const struct obj *o, u32 base, struct pccf_err *e)
{
	u32 i, off, kind, prev = 0;

	for (i = 0; i < o->nreloc; i++) {
		const u8 *r = o->reloc + (size_t)i * RELOC_BYTES;
		u32 at = base + i * RELOC_BYTES; /* < len, no wrap */

		off = pccf_le32(r);
		kind = pccf_le32(r + 4);
		if (kind != OBJ_RELOC_RET)
			return pccf_fail(
				e, PCCF_EOBJ,
				"reloc %u at offset %x: unknown kind %u (expected %u = ret)",
				i, at, kind, (u32)OBJ_RELOC_RET);
		if (o->ncode < 4 || off > o->ncode - 4)
			return pccf_fail(
				e, PCCF_EOBJ,
				"reloc %u at offset %x: rel32 field at code offset %x does not fit in %u code bytes",
				i, at, off, o->ncode);
		if (i > 0 && (off <= prev || off - prev < 4))
			return pccf_fail(
				e, PCCF_EOBJ,
				"reloc %u at offset %x: rel32 field at code offset %x overlaps or precedes the previous one at %x (fields must ascend by at least 4)",
				i, at, off, prev);
		prev = off;
	}
	return 0;
}

/* obj_parse - see obj.h.  On success 'o' points into 'buf'. */
int obj_parse(const u8 *buf, u32 len, const struct obj_limits *lim,
	      struct obj *o, struct pccf_err *e)
{
	u32 nrelb;
	int rc;

	pccf_memset(o, 0, sizeof(*o));
	if (len > lim->max_obj)
		return pccf_fail(e, PCCF_ELIMIT,
				 "object of %u bytes exceeds the limit of %u",
				 len, lim->max_obj);
	rc = check_header(buf, len, e);
	if (rc)
		return rc;
	o->ncode = pccf_le32(buf + H_CODE);
	nrelb = pccf_le32(buf + H_RELOC);
	o->nannot = pccf_le32(buf + H_ANNOT);
	o->nproof = pccf_le32(buf + H_PROOF);
	rc = check_sizes(o, nrelb, len, lim, e);
	if (!rc) {
		/* All four sections lie inside 'buf': the sums below are < len. */
		o->code = buf + OBJ_HDR;
		o->reloc = o->code + o->ncode;
		o->nreloc = nrelb / RELOC_BYTES;
		o->annot = o->reloc + nrelb;
		o->proof = o->annot + o->nannot;
		rc = check_relocs(o, OBJ_HDR + o->ncode, e);
	}
	if (rc)
		pccf_memset(o, 0, sizeof(*o));
	return rc;
}
