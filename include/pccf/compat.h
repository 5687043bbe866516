/*
 * compat.h - the trusted core's only view of its environment.
 *
 * The trusted core (object parser, x86 decoder, VC generator, term
 * builder, proof checker, installer) is freestanding C: it includes
 * nothing but this header, uses no libc, no floating point and no
 * hidden allocation.  The same sources compile into the Linux module
 * (PCCF_KERNEL defined) and into user space.
 *
 * Trusts: the compiler's fixed-width integer types.
 */
#ifndef PCCF_COMPAT_H
#define PCCF_COMPAT_H

#ifdef PCCF_KERNEL
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int32_t s32;
typedef int64_t s64;
#endif

/* A rejection: a stable code for scripts and a precise message for people. */
#define PCCF_MSG_MAX 240
struct pccf_err {
	int code;		/* enum pccf_code, 0 = ok */
	char msg[PCCF_MSG_MAX];
};

/* Rejection classes; the kernel maps each to an errno. ORDER PCCF_CODE */
enum pccf_code {
	PCCF_OK = 0,
	PCCF_EOBJ,		/* malformed object: header, lengths, sections */
	PCCF_EDECODE,		/* instruction outside the accepted subset */
	PCCF_ECFG,		/* control flow: cycle, bad target, falls off */
	PCCF_EPOLICY,		/* register, taint or flag rule broken */
	PCCF_EPROOF,		/* proof malformed or does not prove the VC */
	PCCF_ELIMIT,		/* a resource limit was exceeded */
	PCCF_NCODES
};

/*
 * pccf_fail - record the first rejection in 'e' and return its code.
 * 'fmt' understands %s, %u (u32), %U (u64 decimal), %x (u32 hex) and
 * %X (u64 hex), hex printed with a 0x prefix; nothing else.  Later failures never overwrite the first.
 */
int pccf_fail(struct pccf_err *e, int code, const char *fmt, ...);

/* Byte helpers, so the core need not include string.h. */
void pccf_memcpy(void *dst, const void *src, size_t n);
void pccf_memset(void *dst, int c, size_t n);

/* Little-endian reads from untrusted bytes (caller has bounds-checked). */
static inline u32 pccf_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline u16 pccf_le16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

/*
 * A caller-given arena with a hard cap: the only allocator of the core.
 * Allocations are never freed individually; the caller resets or drops
 * the whole arena.
 */
struct pccf_arena {
	u8 *base;
	size_t size, used;
};

/* pccf_alloc - 'n' zeroed bytes, 8-aligned, or NULL when the cap is hit. */
void *pccf_alloc(struct pccf_arena *a, size_t n);

/* pccf_take - like pccf_alloc but not zeroed: for arrays written before
 * they are read. */
void *pccf_take(struct pccf_arena *a, size_t n);

#endif
