/*
 * rewrite.c - rewrite returns into relocated 'jmp rel32' (see rewrite.h).
 *
 * The code is decoded by reachability from offset 0 with the trusted
 * decoder (no relocations), so padding after the last reachable
 * instruction (int3, nops, other functions) is dropped.  Reachable
 * instructions keep their order; every 'ret' becomes e9 00 00 00 00 with
 * a relocation, every branch is re-encoded to its target's new offset,
 * and a short branch that no longer reaches is widened to rel32.  Sizes
 * only grow, so the layout reaches a fixed point.  Untrusted: trusts
 * nothing, but a bug here only makes the consumer reject the object.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "x86.h"
#include "rewrite.h"

/* What becomes of one reachable instruction. */
enum { K_COPY, K_RET, K_JMP, K_JCC };

struct item {
	uint32_t off;		/* original offset */
	uint8_t len;		/* original length */
	uint8_t kind;		/* K_* */
	uint8_t cc;		/* K_JCC: condition */
	uint8_t wide;		/* K_JMP/K_JCC: rel32 encoding */
	uint32_t target;	/* K_JMP/K_JCC: original target offset */
	uint32_t noff;		/* new offset */
};

/* The rewriter's state over one piece of code. */
struct rw {
	const uint8_t *code;
	uint32_t len;
	uint32_t *start;	/* start[off]: 1 + index in 'it' of the insn at off */
	uint32_t *cover;	/* cover[b]: 1 + offset of the insn covering byte b */
	struct item *it;
	uint32_t nit;
	uint32_t *work;		/* offsets still to decode */
	size_t nwork, capwork;
	char *err;
	size_t errlen;
};

/* fail - format a message into the rewriter's error buffer; returns -1. */
static int fail(struct rw *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct rw *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (r->errlen)
		vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* xalloc - 'n' zeroed elements of 'size' bytes, or abort. */
static void *xalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "pccf: out of memory\n");
		abort();
	}
	return p;
}

/* push - schedule offset 'off' for decoding. */
static void push(struct rw *r, uint32_t off)
{
	if (r->nwork == r->capwork) {
		r->capwork = r->capwork ? 2 * r->capwork : 64;
		r->work = realloc(r->work, r->capwork * sizeof(*r->work));
		if (!r->work) {
			fprintf(stderr, "pccf: out of memory\n");
			abort();
		}
	}
	r->work[r->nwork++] = off;
}

/* is_rel8 - 1 when the branch 'in' is encoded with a rel8 displacement. */
static int is_rel8(const uint8_t *code, const struct x86_insn *in)
{
	uint8_t op;

	if (in->len < 2)
		return 0;
	op = code[in->off + in->len - 2];
	return op == 0xeb || (op >= 0x70 && op <= 0x7f);
}

/* decode_one - decode the instruction at 'off' into a new item of 'r'. */
static int decode_one(struct rw *r, uint32_t off, struct item *out)
{
	static const struct x86_relocs none = { NULL, 0 };
	struct pccf_err e;
	struct x86_insn in;

	memset(&e, 0, sizeof(e));
	memset(out, 0, sizeof(*out));
	out->off = off;
	if (x86_decode(r->code, r->len, off, &none, &in, &e)) {
		/* 'rep ret' (f3 c3), in case the decoder refuses the prefix. */
		if (r->len - off >= 2 && r->code[off] == 0xf3 &&
		    r->code[off + 1] == 0xc3) {
			out->len = 2;
			out->kind = K_RET;
			return 0;
		}
		return fail(r, "%s", e.msg);
	}
	out->len = in.len;
	switch (in.mnem) {
	case X86_RET:
		out->kind = K_RET;
		break;
	case X86_JMP:
	case X86_JCC:
		out->kind = in.mnem == X86_JMP ? K_JMP : K_JCC;
		out->cc = in.cc;
		out->target = in.target;
		out->wide = !is_rel8(r->code, &in);
		break;
	default:
		out->kind = K_COPY;
		break;
	}
	return 0;
}

/* claim - record item 'idx' at its offset, refusing overlaps. */
static int claim(struct rw *r, uint32_t idx)
{
	const struct item *t = &r->it[idx];
	uint32_t b;

	for (b = t->off; b < t->off + t->len; b++)
		if (r->cover[b])
			return fail(r, "instruction at offset 0x%x overlaps the "
				    "instruction at offset 0x%x", t->off,
				    r->cover[b] - 1);
	for (b = t->off; b < t->off + t->len; b++)
		r->cover[b] = t->off + 1;
	r->start[t->off] = idx + 1;
	return 0;
}

/* successors - schedule the offsets control may reach after item 'idx'. */
static int successors(struct rw *r, uint32_t idx)
{
	const struct item *t = &r->it[idx];
	uint32_t next = t->off + t->len;

	if (t->kind == K_JMP || t->kind == K_JCC)
		push(r, t->target);
	if (t->kind == K_RET || t->kind == K_JMP)
		return 0;
	if (next >= r->len)
		return fail(r, "control falls off the end of the code after "
			    "the instruction at offset 0x%x", t->off);
	push(r, next);
	return 0;
}

/* explore - decode every instruction reachable from offset 0. */
static int explore(struct rw *r)
{
	push(r, 0);
	while (r->nwork) {
		uint32_t off = r->work[--r->nwork];

		if (off >= r->len)
			return fail(r, "a branch targets offset 0x%x, outside the "
				    "code", off);
		if (r->start[off])
			continue;
		if (r->cover[off])
			return fail(r, "a branch targets offset 0x%x, inside the "
				    "instruction at offset 0x%x", off,
				    r->cover[off] - 1);
		if (decode_one(r, off, &r->it[r->nit]))
			return -1;
		if (claim(r, r->nit))
			return -1;
		r->nit++;
		if (successors(r, r->nit - 1))
			return -1;
	}
	return 0;
}

/* sort_items - put the items in offset order and renumber 'start'. */
static void sort_items(struct rw *r)
{
	struct item *sorted = xalloc(r->nit, sizeof(*sorted));
	uint32_t off, n = 0;

	for (off = 0; off < r->len; off++) {
		if (!r->start[off])
			continue;
		sorted[n] = r->it[r->start[off] - 1];
		r->start[off] = ++n;
	}
	free(r->it);
	r->it = sorted;
}

/* new_len - the rewritten length of item 't'. */
static uint32_t new_len(const struct item *t)
{
	switch (t->kind) {
	case K_RET:
		return 5;
	case K_JMP:
		return t->wide ? 5 : 2;
	case K_JCC:
		return t->wide ? 6 : 2;
	default:
		return t->len;
	}
}

/* disp - the displacement of branch item 'i' to its target's new offset. */
static int64_t disp(const struct rw *r, uint32_t i)
{
	const struct item *t = &r->it[i];
	const struct item *d = &r->it[r->start[t->target] - 1];

	return (int64_t)d->noff - ((int64_t)t->noff + new_len(t));
}

/* layout - assign new offsets, widening short branches until all fit;
 * returns the new code length. */
static uint64_t layout(struct rw *r)
{
	uint64_t pos;
	uint32_t i;
	int changed;

	do {
		pos = 0;
		for (i = 0; i < r->nit; i++) {
			r->it[i].noff = (uint32_t)pos;
			pos += new_len(&r->it[i]);
		}
		changed = 0;
		for (i = 0; i < r->nit; i++) {
			struct item *t = &r->it[i];
			int64_t d;

			if ((t->kind != K_JMP && t->kind != K_JCC) || t->wide)
				continue;
			d = disp(r, i);
			if (d < -128 || d > 127) {
				t->wide = 1;
				changed = 1;
			}
		}
	} while (changed && pos <= UINT32_MAX);
	return pos;
}

/* put32 - append 'v' little-endian. */
static void put32(struct buf *out, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	buf_put(out, b, 4);
}

/* emit - append item 'i' rewritten; a return records its reloc in 'rel'. */
static void emit(const struct rw *r, uint32_t i, struct buf *out,
		 uint32_t *rel, uint32_t *nrel)
{
	const struct item *t = &r->it[i];

	switch (t->kind) {
	case K_RET:
		buf_byte(out, 0xe9);		/* jmp rel32 -> return stub */
		rel[(*nrel)++] = t->noff + 1;
		put32(out, 0);
		break;
	case K_JMP:
		if (t->wide) {
			buf_byte(out, 0xe9);	/* jmp rel32 */
			put32(out, (uint32_t)disp(r, i));
		} else {
			buf_byte(out, 0xeb);	/* jmp rel8 */
			buf_byte(out, (uint8_t)disp(r, i));
		}
		break;
	case K_JCC:
		if (t->wide) {
			buf_byte(out, 0x0f);	/* jcc rel32 */
			buf_byte(out, (uint8_t)(0x80 + t->cc));
			put32(out, (uint32_t)disp(r, i));
		} else {
			buf_byte(out, (uint8_t)(0x70 + t->cc));	/* jcc rel8 */
			buf_byte(out, (uint8_t)disp(r, i));
		}
		break;
	default:
		buf_put(out, r->code + t->off, t->len);
		break;
	}
}

/* rewrite_returns - see rewrite.h. */
int rewrite_returns(const uint8_t *code, size_t len, struct buf *out,
		    uint32_t **relocs, uint32_t *nrel, char *err, size_t errlen)
{
	return rewrite_returns_map(code, len, out, relocs, nrel, NULL, err,
				   errlen);
}

/* rewrite_returns_map - see rewrite.h. */
int rewrite_returns_map(const uint8_t *code, size_t len, struct buf *out,
			uint32_t **relocs, uint32_t *nrel, uint32_t *map,
			char *err, size_t errlen)
{
	struct rw r;
	uint32_t i, *rel = NULL;
	uint64_t newlen;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.code = code;
	r.err = err;
	r.errlen = errlen;
	*relocs = NULL;
	*nrel = 0;
	if (len == 0)
		return fail(&r, "the code is empty");
	if (len >= UINT32_MAX / 2)
		return fail(&r, "the code is too large (%zu bytes)", len);
	r.len = (uint32_t)len;
	r.start = xalloc(len, sizeof(*r.start));
	r.cover = xalloc(len, sizeof(*r.cover));
	r.it = xalloc(len, sizeof(*r.it));
	if (explore(&r))
		goto out;
	sort_items(&r);
	newlen = layout(&r);
	if (newlen > UINT32_MAX / 2) {
		fail(&r, "the rewritten code is too large");
		goto out;
	}
	rel = xalloc(r.nit, sizeof(*rel));
	for (i = 0; i < r.nit; i++)
		emit(&r, i, out, rel, nrel);
	if (map) {
		for (i = 0; i < len; i++)
			map[i] = UINT32_MAX;
		for (i = 0; i < r.nit; i++)
			map[r.it[i].off] = r.it[i].noff;
	}
	*relocs = rel;
	rel = NULL;
	rc = 0;
out:
	free(rel);
	free(r.start);
	free(r.cover);
	free(r.it);
	free(r.work);
	return rc;
}
