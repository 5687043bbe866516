/*
 * obj.h - the certified object (.pcc) as the consumer sees it.
 *
 * Layout (little-endian, no padding, no slack; docs/object-format.md):
 *
 *   off  size  field
 *   0    4     magic "PCCF"
 *   4    2     format version (OBJ_VERSION)
 *   6    2     policy id (OBJ_POLICY): the signature and safety policy
 *   8    4     code bytes      (C)
 *   12   4     reloc bytes     (R, a multiple of 8)
 *   16   4     annot bytes     (A)
 *   20   4     proof bytes     (P)
 *   24   C     code
 *   ..   R     relocs: { u32 offset of a rel32 field; u32 kind (1 = ret) }
 *   ..   A     annotations (term list + entries, see docs)
 *   ..   P     proof (term list + proof tree, see docs)
 *
 * The object's size must equal 24 + C + R + A + P exactly.  obj_parse
 * only slices; every byte is judged later.  Trusted.
 */
#ifndef PCCF_OBJ_H
#define PCCF_OBJ_H

#include "pccf/compat.h"

#define OBJ_MAGIC "PCCF"
#define OBJ_VERSION 1
#define OBJ_POLICY 1
#define OBJ_HDR 24
#define OBJ_RELOC_RET 1

struct obj_limits {
	u32 max_obj, max_code, max_proof, max_annot, max_relocs;
};

struct obj {
	const u8 *code, *reloc, *annot, *proof;
	u32 ncode, nreloc, nannot, nproof;	/* bytes; nreloc is entries */
};

/* obj_parse - slice 'buf' ('len' bytes) into sections, checking lengths. */
int obj_parse(const u8 *buf, u32 len, const struct obj_limits *lim,
	      struct obj *o, struct pccf_err *e);

#endif
