/*
 * host.c - the user-space consumer's installer and runner.
 *
 * The install part (host_install, host_run, host_free) is trusted: it
 * copies code the caller has verified into a fresh mapping, appends the
 * host return stub (one 'ret' byte right after the code), fills each
 * relocated return's rel32 with the displacement from the end of its
 * jmp to the stub, and flips the mapping to read+execute.  It trusts
 * pccf_verify, the kernel's mmap/mprotect and the C compiler's calling
 * convention; it re-checks every relocation it patches.  It uses only
 * compat.h and <sys/mman.h>/<unistd.h>.
 *
 * The guard part (host_guard_*) is untrusted test support.
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

/*
 * patch_reloc - fill the rel32 field at 'off' of 'code' ('ncode' bytes,
 * stub at 'ncode') with the displacement to the stub.  The field must
 * lie inside the code, follow an E9 opcode and hold zero.
 */
static int patch_reloc(u8 *code, u32 ncode, u32 off, struct pccf_err *e)
{
	u32 disp;

	if (off < 1 || off > ncode || 4 > ncode - off)
		return pccf_fail(e, PCCF_EOBJ,
				 "relocation at code offset %x lies outside the code", off);
	if (code[off - 1] != 0xe9 || pccf_le32(code + off) != 0)
		return pccf_fail(e, PCCF_EOBJ,
				 "relocation at code offset %x is not the zero rel32 of a jmp",
				 off);
	disp = ncode - (off + 4);	/* >= 0; ncode < 2^31 checked */
	code[off] = (u8)disp;
	code[off + 1] = (u8)(disp >> 8);
	code[off + 2] = (u8)(disp >> 16);
	code[off + 3] = (u8)(disp >> 24);
	return 0;
}

/* host_install - see host.h. */
int host_install(const struct obj *o, const struct x86_relocs *rel,
		 struct host_filter *hf, struct pccf_err *e)
{
	size_t len;
	u8 *map;
	u32 i;

	pccf_memset(hf, 0, sizeof(*hf));
	if (o->ncode == 0 || o->ncode >= 0x7fffffffu)
		return pccf_fail(e, PCCF_EOBJ, "code of %u bytes cannot be installed",
				 o->ncode);
	len = page_round((size_t)o->ncode + 1);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (map == MAP_FAILED)
		return pccf_fail(e, PCCF_ELIMIT, "cannot map %U bytes for the code",
				 (u64)len);
	pccf_memcpy(map, o->code, o->ncode);
	map[o->ncode] = HOST_STUB_BYTE;
	for (i = 0; rel && i < rel->n; i++) {
		if (patch_reloc(map, o->ncode, rel->off[i], e)) {
			munmap(map, len);
			return e ? e->code : PCCF_EOBJ;
		}
	}
	if (mprotect(map, len, PROT_READ | PROT_EXEC)) {
		munmap(map, len);
		return pccf_fail(e, PCCF_ELIMIT, "cannot make the code executable");
	}
	hf->map = map;
	hf->maplen = len;
	hf->ncode = o->ncode;
	hf->fn = (host_fn)(uintptr_t)map;
	return 0;
}

/* host_run - see host.h. */
u32 host_run(const struct host_filter *hf, const u8 *pkt, u64 caplen,
	     u64 wirelen, u32 *mem)
{
	return hf->fn(pkt, caplen, wirelen, mem);
}

/* host_free - see host.h. */
void host_free(struct host_filter *hf)
{
	if (hf->map)
		munmap(hf->map, hf->maplen);
	pccf_memset(hf, 0, sizeof(*hf));
}

/* ---- guard pages (untrusted test support) ------------------------------ */

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
