// SPDX-License-Identifier: GPL-2.0
/*
 * install.c - pccf.ko's installer: verified code into the executable arena.
 *
 * The kernel counterpart of kernel/host.c, and trusted like it: it copies
 * code that pccf_verify accepted into free chunks of the arena (arena.S,
 * module text, read+execute), points every relocated return at the RET
 * stub there (the kernel's return thunk), and writes through a writable,
 * non-executable vmap alias of the arena's pages, never through the
 * arena's own mapping.  Freed chunks are refilled with int3.  It
 * re-checks every relocation it patches.
 *
 * Trusts: pccf_verify for the code's safety; the kernel for vmap,
 * vmalloc_to_page and on_each_cpu; its callers to hold pccf_lock.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/bitmap.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <asm/sync_core.h>

#include "pccf/compat.h"
#include "pccf/ioctl.h"
#include "install.h"

extern void pccf_ret_stub(void); /* the RET macro, patched at insmod */

static DECLARE_BITMAP(arena_map, NCHUNKS); /* under pccf_lock */

/* sync_one - make this CPU execute a serialising instruction. */
static void sync_one(void *unused)
{
	sync_core();
}

/*
 * arena_write - copy 'n' bytes to 'off' of the arena through a writable,
 * non-executable alias of its pages, then serialise every CPU.  The
 * arena's own mapping is never made writable.
 */
static int arena_write(u32 off, const u8 *src, u32 n)
{
	unsigned long start = (unsigned long)pccf_arena + off;
	unsigned long first = start & PAGE_MASK;
	unsigned int np = (start + n - 1 - first) / PAGE_SIZE + 1, i;
	struct page **pages;
	u8 *alias;

	pages = kmalloc_array(np, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < np; i++) {
		pages[i] = vmalloc_to_page((void *)(first + i * PAGE_SIZE));
		if (!pages[i]) {
			kfree(pages);
			return -EFAULT;
		}
	}
	alias = vmap(pages, np, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	if (!alias)
		return -ENOMEM;
	memcpy(alias + (start - first), src, n);
	vunmap(alias);
	on_each_cpu(sync_one, NULL, 1);
	return 0;
}

/* arena_wipe - refill chunks [c, c + nc) with int3 and free them. */
void arena_wipe(u32 c, u32 nc)
{
	u8 *fill = kmalloc(nc * CHUNK, GFP_KERNEL);

	if (fill) {
		memset(fill, 0xcc, nc * CHUNK);
		if (arena_write(c * CHUNK, fill, nc * CHUNK))
			pr_warn("pccf: could not wipe arena chunk %u\n", c);
		kfree(fill);
	}
	bitmap_clear(arena_map, c, nc);
}

/*
 * patch_relocs - point each relocated return of 'code' ('ncode' bytes,
 * to run at address 'at') at pccf_ret_stub.  Re-checks what it patches:
 * the field lies inside the code after an E9 and holds zero.
 */
static int patch_relocs(u8 *code, u32 ncode, unsigned long at,
			const struct x86_relocs *rel, char *msg)
{
	unsigned long stub = (unsigned long)pccf_ret_stub;
	u32 i;

	for (i = 0; i < rel->n; i++) {
		u32 off = rel->off[i];
		s64 d;

		if (off < 1 || off > ncode || 4 > ncode - off ||
		    code[off - 1] != 0xe9 || pccf_le32(code + off)) {
			snprintf(
				msg, PCCF_IOC_MSG,
				"relocation at code offset 0x%x is not the zero rel32 of a jmp",
				off);
			return -ENOEXEC;
		}
		d = (s64)(stub - (at + off + 4));
		if (d != (s32)d) {
			snprintf(msg, PCCF_IOC_MSG,
				 "return stub out of rel32 reach");
			return -ERANGE;
		}
		code[off] = (u8)d;
		code[off + 1] = (u8)(d >> 8);
		code[off + 2] = (u8)(d >> 16);
		code[off + 3] = (u8)(d >> 24);
	}
	return 0;
}

/*
 * arena_install - place verified code in free chunks (first fit), with
 * returns relocated; '*chunk' and '*nchunk' say where.  Under pccf_lock.
 */
int arena_install(const struct obj *o, const struct x86_relocs *rel,
		  u32 *chunk, u32 *nchunk, char *msg)
{
	u32 nc = DIV_ROUND_UP(o->ncode, CHUNK);
	unsigned long c;
	u8 *code;
	int err;

	if (o->ncode == 0 || o->ncode > PCCF_ARENA_BYTES) {
		snprintf(msg, PCCF_IOC_MSG,
			 "code of %u bytes does not fit the arena of %u bytes",
			 o->ncode, (u32)PCCF_ARENA_BYTES);
		return -ENOSPC;
	}
	c = bitmap_find_next_zero_area(arena_map, NCHUNKS, 0, nc, 0);
	if (c >= NCHUNKS) {
		snprintf(msg, PCCF_IOC_MSG,
			 "executable arena full: no %u free bytes in a row",
			 nc * CHUNK);
		return -ENOSPC;
	}
	code = kmalloc(nc * CHUNK, GFP_KERNEL);
	if (!code)
		return -ENOMEM;
	memset(code, 0xcc, nc * CHUNK);
	memcpy(code, o->code, o->ncode);
	err = patch_relocs(code, o->ncode,
			   (unsigned long)pccf_arena + c * CHUNK, rel, msg);
	if (!err)
		err = arena_write(c * CHUNK, code, nc * CHUNK);
	kfree(code);
	if (err)
		return err;
	bitmap_set(arena_map, c, nc);
	*chunk = c;
	*nchunk = nc;
	return 0;
}

/* arena_used - bytes of the arena in use.  Under pccf_lock. */
u32 arena_used(void)
{
	return bitmap_weight(arena_map, NCHUNKS) * CHUNK;
}
