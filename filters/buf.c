/*
 * buf.c - growable byte buffers for the producer's writers.
 *
 * Untrusted.  Out of memory is not a recoverable condition for a
 * command-line producer: it prints a message and aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prove.h"

/* grow - make room for 'n' more bytes in 'b', or abort. */
static void grow(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 64;
	uint8_t *p;

	if (n > SIZE_MAX - b->n) {
		fprintf(stderr, "pccf: buffer size overflow\n");
		abort();
	}
	if (b->n + n <= b->cap)
		return;
	while (cap < b->n + n)
		cap = cap > SIZE_MAX / 2 ? b->n + n : cap * 2;
	p = realloc(b->p, cap);
	if (!p) {
		fprintf(stderr, "pccf: out of memory (%zu bytes)\n", cap);
		abort();
	}
	b->p = p;
	b->cap = cap;
}

/* buf_put - append the 'n' bytes at 'p' to 'b'. */
void buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	grow(b, n);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* buf_byte - append the byte 'c' to 'b'. */
void buf_byte(struct buf *b, uint8_t c)
{
	grow(b, 1);
	b->p[b->n++] = c;
}

/* buf_uleb - append 'v' as unsigned LEB128 (7 bits a byte, low first). */
void buf_uleb(struct buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		buf_byte(b, v ? c | 0x80 : c);
	} while (v);
}

/* buf_u32 - append 'v' little-endian in 4 bytes. */
void buf_u32(struct buf *b, uint32_t v)
{
	uint8_t le[4] = { v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24 };

	buf_put(b, le, sizeof(le));
}
