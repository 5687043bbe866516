/*
 * rewrite.h - the producer's return rewriting.
 *
 * Compilers end functions with a bare 'ret' (c3, sometimes 'rep ret',
 * f3 c3); pccf objects return through a 'jmp rel32' to the consumer's
 * return stub, named by a relocation (MISSION §5).  rewrite_returns
 * rewrites every return into 'e9 00 00 00 00', widens short branches
 * that no longer reach, and drops bytes no path reaches (padding).
 * Untrusted: the consumer re-decodes and re-checks the result.
 */
#ifndef PCCF_REWRITE_H
#define PCCF_REWRITE_H

#include <stddef.h>
#include <stdint.h>
#include "prove.h"

/*
 * rewrite_returns - decode 'code' ('len' bytes, entry at 0) by
 * reachability, append the rewritten code to 'out' and return in
 * '*relocs' (malloc'd, ascending; free it) the '*nrel' offsets of the
 * rel32 fields that stand for returns, relative to the start of the
 * appended code.  Returns 0, or -1 with a message in 'err'.
 */
int rewrite_returns(const uint8_t *code, size_t len, struct buf *out,
		    uint32_t **relocs, uint32_t *nrel, char *err, size_t errlen);

/* rewrite_returns_map - the same, also filling 'map' ('len' entries) with
 * the new offset of each reachable instruction's old offset (UINT32_MAX
 * elsewhere), so producers can move their annotations along. */
int rewrite_returns_map(const uint8_t *code, size_t len, struct buf *out,
			uint32_t **relocs, uint32_t *nrel, uint32_t *map,
			char *err, size_t errlen);

#endif
