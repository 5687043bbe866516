/*
 * compat.c - the trusted core's runtime: rejection messages, byte
 * helpers and the arena allocator.
 *
 * Freestanding: no libc, only <stdarg.h> (provided by the compiler, also
 * in the kernel) besides compat.h.  Everything here is bounded by its
 * arguments; nothing allocates outside the caller's arena.  Trusted:
 * the compiler's varargs.
 */
#include <stdarg.h>
#include "pccf/compat.h"

/* Output cursor into a message buffer; always leaves room for the NUL. */
struct out {
	char *p;
	u32 n; /* characters written, at most PCCF_MSG_MAX - 1 */
};

/* put - append character 'c' to 'o' unless the buffer is full. */
static void put(struct out *o, char c)
{
	if (o->n < PCCF_MSG_MAX - 1)
		o->p[o->n++] = c;
}

/* puts_ - append the NUL-terminated string 's' ("(null)" for NULL). */
static void puts_(struct out *o, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s && o->n < PCCF_MSG_MAX - 1)
		put(o, *s++);
}

/* putnum - append 'v' in base 'base' (10 or 16, lower-case digits). */
static void putnum(struct out *o, u64 v, u32 base)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[20]; /* 2^64 - 1 has 20 decimal digits */
	u32 i = 0;

	do {
		tmp[i++] = digits[v % base];
		v /= base;
	} while (v && i < sizeof(tmp));
	while (i)
		put(o, tmp[--i]);
}

/*
 * pccf_fail - see compat.h.  %x and %X print lower-case hex with a 0x
 * prefix (offsets in messages read like the disassembly).  An unknown conversion is copied
 * literally.  A 'code' outside the rejection classes is recorded as
 * PCCF_EOBJ so that a rejection can never read as success.  Returns the
 * recorded (first) code.
 */
int pccf_fail(struct pccf_err *e, int code, const char *fmt, ...)
{
	struct out o;
	va_list ap;

	if (code <= PCCF_OK || code >= PCCF_NCODES)
		code = PCCF_EOBJ;
	if (!e)
		return code;
	if (e->code != PCCF_OK)
		return e->code;
	e->code = code;
	o.p = e->msg;
	o.n = 0;
	va_start(ap, fmt);
	while (fmt && *fmt) {
		char c = *fmt++;

		if (c != '%' || !*fmt) {
			put(&o, c);
			continue;
		}
		switch (c = *fmt++) {
		case 's':
			puts_(&o, va_arg(ap, const char *));
			break;
		case 'u':
		case 'U':
			putnum(&o, c == 'u' ? va_arg(ap, u32) : va_arg(ap, u64),
			       10);
			break;
		case 'x':
		case 'X':
			puts_(&o, "0x");
			putnum(&o, c == 'x' ? va_arg(ap, u32) : va_arg(ap, u64),
			       16);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			put(&o, c);
			break;
		}
	}
	va_end(ap);
	e->msg[o.n] = '\0';
	return code;
}

/* pccf_memcpy - copy 'n' bytes from 'src' to 'dst' (no overlap). */
void pccf_memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
}

/* pccf_memset - set 'n' bytes at 'dst' to 'c'. */
void pccf_memset(void *dst, int c, size_t n)
{
	u8 *d = dst;

	while (n--)
		*d++ = (u8)c;
}

/* zero - clear 'n' bytes at the 8-aligned 'p', a word at a time. */
static void zero(u8 *p, size_t n)
{
	u64 *w = (u64 *)(void *)p;
	size_t i;

	for (i = 0; i < n / 8; i++)
		w[i] = 0;
	for (i = n & ~(size_t)7; i < n; i++)
		p[i] = 0;
}

/*
 * pccf_take - see compat.h.  The padding that aligns the next free byte
 * to 8 is computed from its address, so 'base' need not be aligned; every
 * comparison subtracts from what is left, so no sum can wrap.
 */
void *pccf_take(struct pccf_arena *a, size_t n)
{
	size_t left, pad;
	u8 *p;

	if (!a || !a->base || a->used > a->size)
		return NULL;
	left = a->size - a->used;
	pad = (size_t)(0u - (uintptr_t)(a->base + a->used)) & 7u;
	if (pad > left || n > left - pad)
		return NULL;
	p = a->base + a->used + pad;
	a->used += pad + n;
	return p;
}

/* pccf_alloc - see compat.h. */
void *pccf_alloc(struct pccf_arena *a, size_t n)
{
	u8 *p = pccf_take(a, n);

	if (p)
		zero(p, n);
	return p;
}
