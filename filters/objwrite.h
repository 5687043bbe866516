/*
 * objwrite.h - write a certified object (.pcc) in the exact container
 * format that kernel/obj.c parses (docs/object-format.md).
 *
 * Untrusted: a wrong object is rejected by the consumer.
 */
#ifndef PCCF_OBJWRITE_H
#define PCCF_OBJWRITE_H

#include <stdint.h>
#include "prove.h"

/*
 * obj_write - append to 'out' the object made of 'ncode' code bytes, the
 * 'nrel' RET relocations at code offsets 'reloc_offs' (written in the
 * order given), 'nannot' annotation bytes and 'nproof' proof bytes.
 * Pointers may be NULL when their count is 0.  Returns 0, or -1 (writing
 * nothing) when the object would not fit the 32-bit length fields.
 */
int obj_write(struct buf *out, const uint8_t *code, uint32_t ncode,
	      const uint32_t *reloc_offs, uint32_t nrel, const uint8_t *annot,
	      uint32_t nannot, const uint8_t *proof, uint32_t nproof);

#endif
