/*
 * objwrite.c - the producer's object writer (docs/object-format.md).
 *
 * Untrusted: lays out header, code, relocations, annotations and proof
 * exactly as kernel/obj.c expects; it checks only that the lengths fit.
 */
#include <stdint.h>
#include "obj.h"
#include "objwrite.h"

/* buf_u16 - append 'v' little-endian in 2 bytes. */
static void buf_u16(struct buf *b, uint16_t v)
{
	buf_byte(b, v & 0xff);
	buf_byte(b, v >> 8);
}

/* obj_write - see objwrite.h. */
int obj_write(struct buf *out, const uint8_t *code, uint32_t ncode,
	      const uint32_t *reloc_offs, uint32_t nrel, const uint8_t *annot,
	      uint32_t nannot, const uint8_t *proof, uint32_t nproof)
{
	uint64_t nrelb = (uint64_t)nrel * 8;
	uint64_t total = OBJ_HDR + (uint64_t)ncode + nrelb + nannot + nproof;
	uint32_t i;

	if (total > UINT32_MAX)
		return -1;
	buf_put(out, OBJ_MAGIC, 4);
	buf_u16(out, OBJ_VERSION);
	buf_u16(out, OBJ_POLICY);
	buf_u32(out, ncode);
	buf_u32(out, (uint32_t)nrelb);
	buf_u32(out, nannot);
	buf_u32(out, nproof);
	buf_put(out, code, ncode);
	for (i = 0; i < nrel; i++) {
		buf_u32(out, reloc_offs[i]);
		buf_u32(out, OBJ_RELOC_RET);
	}
	buf_put(out, annot, nannot);
	buf_put(out, proof, nproof);
	return 0;
}
