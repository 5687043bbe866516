/*
 * guard.c - guard pages for tests: a buffer between two PROT_NONE pages,
 * so a packet or the scratch words can sit exactly against either edge
 * and any access past them faults.  Untrusted test support ('pccf run
 * --guard', the tests); declared in host.h.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "host.h"

/* page_round - 'n' rounded up to whole pages; 0 on overflow. */
static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	if (n > (size_t)-1 - (pg - 1))
		return 0;
	return (n + pg - 1) / pg * pg;
}

/* host_guard_init - map 'cap' usable bytes between two PROT_NONE pages. */
int host_guard_init(struct host_guard *g, size_t cap)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t body = page_round(cap ? cap : 1);
	u8 *map;

	pccf_memset(g, 0, sizeof(*g));
	if (!body || body > (size_t)-1 - 2 * pg)
		return -1;
	map = mmap(NULL, body + 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (map == MAP_FAILED)
		return -1;
	if (mprotect(map + pg, body, PROT_READ | PROT_WRITE)) {
		munmap(map, body + 2 * pg);
		return -1;
	}
	g->map = map;
	g->maplen = body + 2 * pg;
	g->cap = body;
	return 0;
}

/* host_guard_end - copy 'n' bytes of 'src' to end at the upper guard. */
u8 *host_guard_end(struct host_guard *g, const void *src, size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	u8 *dst;

	if (!g->map || n > g->cap)
		return NULL;
	dst = g->map + pg + g->cap - n;
	pccf_memcpy(dst, src, n);
	return dst;
}

/* host_guard_start - copy 'n' bytes of 'src' to start after the lower guard. */
u8 *host_guard_start(struct host_guard *g, const void *src, size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	u8 *dst;

	if (!g->map || n > g->cap)
		return NULL;
	dst = g->map + pg;
	pccf_memcpy(dst, src, n);
	return dst;
}

/* host_guard_free - unmap 'g'; safe on a zeroed or freed guard. */
void host_guard_free(struct host_guard *g)
{
	if (g->map)
		munmap(g->map, g->maplen);
	pccf_memset(g, 0, sizeof(*g));
}
