/*
 * null.c - the empty filter: returns 0 without touching the packet.  Its
 * time is the harness's own cost per packet (loop, indirect call, trace
 * metadata); the report shows it and never subtracts it.  Kept in its
 * own file so the compiler cannot inline it into the timing loop.
 */
#include "baseline.h"

/* baseline_null - see baseline.h. */
uint32_t baseline_null(const uint8_t *pkt, uint64_t caplen, uint64_t wirelen,
		       uint32_t *mem)
{
	(void)pkt;
	(void)caplen;
	(void)wirelen;
	(void)mem;
	return 0;
}
