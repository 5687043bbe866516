/* SPDX-License-Identifier: GPL-2.0 */
/*
 * install.h - pccf.ko's installer (install.c): the executable arena of
 * arena.S, allocated in CHUNK-byte chunks.  Callers hold pccf_lock.
 */
#ifndef PCCF_INSTALL_H
#define PCCF_INSTALL_H

#include "pccf/compat.h"
#include "obj.h"
#include "x86.h"

#ifndef PCCF_ARENA_BYTES
#define PCCF_ARENA_BYTES (256 * 1024)
#endif
#define CHUNK 128u /* allocation unit of the arena */
#define NCHUNKS (PCCF_ARENA_BYTES / CHUNK)

extern u8 pccf_arena[]; /* PCCF_ARENA_BYTES of int3, r-x */

typedef u32 (*pccf_fn)(const u8 *pkt, u64 caplen, u64 wirelen, u32 *mem);

/*
 * arena_install - place verified code 'o' in free chunks (first fit), its
 * relocated returns 'rel' pointed at the RET stub; '*chunk' and '*nchunk'
 * say where.  0, or a negative errno with the reason in 'msg'
 * (PCCF_IOC_MSG bytes).
 */
int arena_install(const struct obj *o, const struct x86_relocs *rel,
		  u32 *chunk, u32 *nchunk, char *msg);

/* arena_wipe - refill chunks [c, c + nc) with int3 and free them. */
void arena_wipe(u32 c, u32 nc);

/* arena_used - bytes of the arena in use. */
u32 arena_used(void);

#endif
