/*
 * host.c - the user-space consumer's installer and runner.
 *
 * The install part (host_install, host_run, host_free) is trusted: it
 * copies code the caller has verified into a fresh mapping, turns each
 * relocated return (a 'jmp rel32' whose target the installer chooses)
 * into 'ret' followed by four 'int3' in the same five bytes, and flips
 * the mapping to read+execute.  User space needs no return thunk, so a
 * jmp to a 'ret' stub would only cost a taken jump per packet; the
 * 'ret' in place is the same return.  The rel32 bytes are never
 * executed: the VC generator rejects any jump into an instruction.
 * It trusts
 * pccf_verify, the kernel's mmap/mprotect and the C compiler's calling
 * convention; it re-checks every relocation it patches.  It uses only
 * compat.h and <sys/mman.h>/<unistd.h>.
 *
 * The guard pages for tests (host_guard_*) are in guard.c, untrusted.
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
 * patch_reloc - the return whose rel32 field is at 'off' of 'code'
 * ('ncode' bytes) becomes 'ret; int3; int3; int3; int3'.  The field must
 * lie inside the code, follow an E9 opcode and hold zero.
 */
static int patch_reloc(u8 *code, u32 ncode, u32 off, struct pccf_err *e)
{
	if (off < 1 || off > ncode || 4 > ncode - off)
		return pccf_fail(e, PCCF_EOBJ,
				 "relocation at code offset %x lies outside the code", off);
	if (code[off - 1] != 0xe9 || pccf_le32(code + off) != 0)
		return pccf_fail(e, PCCF_EOBJ,
				 "relocation at code offset %x is not the zero rel32 of a jmp",
				 off);
	code[off - 1] = HOST_RET;
	pccf_memset(code + off, HOST_INT3, 4);
	return 0;
}

/*
 * map_near - 'len' fresh read-write bytes, preferably within 64-192 MiB
 * of this code: on some CPUs an indirect call to code far away (beyond
 * 4 GiB) costs more, about 0.8 ns a call on the AMD EPYC here.
 * MAP_FIXED_NOREPLACE never replaces a mapping; a taken or refused
 * address moves on to the next, and in the end any address will do.
 */
static u8 *map_near(size_t len)
{
	uintptr_t a = (uintptr_t)&page_round & ~(((uintptr_t)1 << 21) - 1);
	int i;
	u8 *m;

	for (i = 0; i < 64; i++) {
		m = mmap((void *)(a + ((uintptr_t)(32 + i) << 21)), len,
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (m != MAP_FAILED)
			return m;
	}
	return mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* host_install - see host.h. */
int host_install(const struct obj *o, const struct x86_relocs *rel,
		 struct host_filter *hf, struct pccf_err *e)
{
	size_t len;
	u8 *map;
	u32 i;
	int rc = 0;

	pccf_memset(hf, 0, sizeof(*hf));
	if (o->ncode == 0 || o->ncode >= 0x7fffffffu)
		return pccf_fail(e, PCCF_EOBJ, "code of %u bytes cannot be installed",
				 o->ncode);
	len = page_round(o->ncode);
	map = map_near(len);
	if (map == MAP_FAILED)
		return pccf_fail(e, PCCF_ELIMIT, "cannot map %U bytes for the code",
				 (u64)len);
	pccf_memcpy(map, o->code, o->ncode);
	for (i = 0; rel && i < rel->n && !rc; i++)
		rc = patch_reloc(map, o->ncode, rel->off[i], e);
	if (!rc && mprotect(map, len, PROT_READ | PROT_EXEC))
		rc = pccf_fail(e, PCCF_ELIMIT, "cannot make the code executable");
	if (rc) {
		munmap(map, len);
		return rc;
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
