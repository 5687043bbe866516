/*
 * host.h - the user-space consumer: install a verified filter and run it.
 *
 * host_install copies verified code into fresh pages, turns every
 * relocated return ('jmp rel32') into 'ret' plus four 'int3' padding bytes,
 * and makes the pages read+execute (never writable and executable at
 * once).  It trusts its caller to have run
 * pccf_verify(PCCF_CHECK) on the object; it re-checks only what it
 * patches.
 *
 * The guard helpers (untrusted, for testing) place a packet or the
 * scratch memory right against an inaccessible page, so that any access
 * past an edge kills the process by its signal.
 */
#ifndef PCCF_HOST_H
#define PCCF_HOST_H

#include "pccf/compat.h"
#include "obj.h"
#include "x86.h"

/* The filter's calling convention (MISSION §3). */
typedef u32 (*host_fn)(const u8 *pkt, u64 caplen, u64 wirelen, u32 *mem);

struct host_filter {
	u8 *map;		/* the read+execute mapping, or NULL */
	size_t maplen;		/* bytes mapped */
	u32 ncode;		/* filter bytes */
	host_fn fn;		/* entry: offset 0 of 'map' */
};

/* What a relocated return becomes: 'ret', then 'int3' over the rel32. */
#define HOST_RET 0xc3
#define HOST_INT3 0xcc

/*
 * host_install - copy 'o's code into executable memory with the
 * relocations 'rel' applied; fills 'hf'.  Returns 0 or a rejection.
 */
int host_install(const struct obj *o, const struct x86_relocs *rel,
		 struct host_filter *hf, struct pccf_err *e);

/* host_run - run the installed filter on one packet. */
u32 host_run(const struct host_filter *hf, const u8 *pkt, u64 caplen,
	     u64 wirelen, u32 *mem);

/* host_free - unmap the filter; 'hf' may be zeroed or already freed. */
void host_free(struct host_filter *hf);

/*
 * Untrusted test support (guard.c).  A guarded buffer: [PROT_NONE page]
 * [cap bytes, page-rounded][PROT_NONE page].  host_guard_end copies 'n' bytes so that they end exactly at
 * the upper guard page; host_guard_start so they start exactly after the
 * lower one.  Both return the copy's address (NULL when n > cap).
 */
struct host_guard {
	u8 *map;		/* whole mapping, or NULL */
	size_t maplen;		/* bytes mapped */
	size_t cap;		/* usable bytes between the guards */
};

int host_guard_init(struct host_guard *g, size_t cap);
u8 *host_guard_end(struct host_guard *g, const void *src, size_t n);
u8 *host_guard_start(struct host_guard *g, const void *src, size_t n);
void host_guard_free(struct host_guard *g);

#endif
