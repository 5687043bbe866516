/*
 * test_obj.c - the object container: writer/parser round trip and every
 * rejection of obj_parse (truncation, header, lengths, limits, relocs),
 * plus the trusted runtime in kernel/compat.c (pccf_fail, pccf_alloc).
 *
 * Each rejection is checked for its class and its exact message, so a
 * check that fires for the wrong reason fails the test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include "pccf/compat.h"
#include "obj.h"
#include "prove.h"
#include "objwrite.h"

/* A sample filter-like code blob: two relocated 'jmp rel32' returns. */
static const uint8_t code[] = {
	0x31, 0xc0,		/* xor eax, eax */
	0x48, 0x85, 0xf6,	/* test rsi, rsi */
	0x74, 0x05,		/* je +5 */
	0xe9, 0,    0,	  0, 0, /* jmp ret (reloc at 8) */
	0xb8, 1,    0,	  0, 0, /* mov eax, 1 */
	0xe9, 0,    0,	  0, 0, /* jmp ret (reloc at 18) */
};
static const uint32_t rels[] = { 8, 18 };
static const uint8_t annot[] = { 1, 2, 3 };
static const uint8_t proof[] = { 9, 8, 7, 6, 5 };

/* Generous limits, and the documented defaults. */
static const struct obj_limits big = { 0xffffffffu, 0xffffffffu, 0xffffffffu,
				       0xffffffffu, 0xffffffffu };
static const struct obj_limits dflt = { 1u << 20, 64u << 10, 512u << 10,
					64u << 10, 1024 };

/* sample - the sample object in a fresh buffer (caller frees b->p). */
static void sample(struct buf *b)
{
	memset(b, 0, sizeof(*b));
	CU_ASSERT_FATAL(obj_write(b, code, sizeof(code), rels, 2, annot,
				  sizeof(annot), proof, sizeof(proof)) == 0);
}

/* set32 - overwrite the little-endian u32 at 'off' of 'p'. */
static void set32(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = v & 0xff;
	p[off + 1] = v >> 8 & 0xff;
	p[off + 2] = v >> 16 & 0xff;
	p[off + 3] = v >> 24;
}

/* get32 - the little-endian u32 at 'off' of 'p'. */
static uint32_t get32(const uint8_t *p, size_t off)
{
	return pccf_le32(p + off);
}

/* parse - obj_parse 'n' bytes of 'p'; returns the code, fills 'e'. */
static int parse(const uint8_t *p, size_t n, const struct obj_limits *lim,
		 struct obj *o, struct pccf_err *e)
{
	memset(e, 0, sizeof(*e));
	return obj_parse(p, (u32)n, lim, o, e);
}

/* expect - parsing fails with 'code' and exactly the message 'msg'. */
static void expect(const uint8_t *p, size_t n, const struct obj_limits *lim,
		   int code, const char *msg)
{
	struct pccf_err e;
	struct obj o;
	int rc = parse(p, n, lim, &o, &e);

	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(e.code, code);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	CU_ASSERT_PTR_NULL(o.code);
	if (rc != code || strcmp(e.msg, msg))
		fprintf(stderr, "\n  got %d \"%s\"\n  want %d \"%s\"\n", rc,
			e.msg, code, msg);
}

/* expect_mismatch - the length-mismatch rejection for a 'n'-byte object
 * whose header is in 'p'. */
static void expect_mismatch(const uint8_t *p, size_t n)
{
	char msg[PCCF_MSG_MAX];
	uint64_t total = 24 + (uint64_t)get32(p, 8) + get32(p, 12) +
			 get32(p, 16) + get32(p, 20);

	snprintf(msg, sizeof(msg),
		 "object length %zu does not match header total %llu", n,
		 (unsigned long long)total);
	expect(p, n, &big, PCCF_EOBJ, msg);
}

static void test_roundtrip(void)
{
	struct buf b;
	struct obj o;
	struct pccf_err e;
	size_t relat = 24 + sizeof(code);

	sample(&b);
	CU_ASSERT_EQUAL(b.n,
			24 + sizeof(code) + 16 + sizeof(annot) + sizeof(proof));
	CU_ASSERT(memcmp(b.p, "PCCF\1\0\1\0", 8) == 0);
	CU_ASSERT_EQUAL(get32(b.p, 8), sizeof(code));
	CU_ASSERT_EQUAL(get32(b.p, 12), 16);
	CU_ASSERT_EQUAL(get32(b.p, 16), sizeof(annot));
	CU_ASSERT_EQUAL(get32(b.p, 20), sizeof(proof));
	CU_ASSERT_EQUAL(get32(b.p, relat), 8);
	CU_ASSERT_EQUAL(get32(b.p, relat + 4), OBJ_RELOC_RET);
	CU_ASSERT_EQUAL(get32(b.p, relat + 8), 18);
	CU_ASSERT_EQUAL(get32(b.p, relat + 12), OBJ_RELOC_RET);

	CU_ASSERT_EQUAL(parse(b.p, b.n, &dflt, &o, &e), 0);
	CU_ASSERT_EQUAL(e.code, 0);
	CU_ASSERT_EQUAL(o.ncode, sizeof(code));
	CU_ASSERT_EQUAL(o.nreloc, 2);
	CU_ASSERT_EQUAL(o.nannot, sizeof(annot));
	CU_ASSERT_EQUAL(o.nproof, sizeof(proof));
	CU_ASSERT_PTR_EQUAL(o.code, b.p + 24);
	CU_ASSERT_PTR_EQUAL(o.reloc, b.p + relat);
	CU_ASSERT(memcmp(o.code, code, sizeof(code)) == 0);
	CU_ASSERT_EQUAL(pccf_le32(o.reloc), 8);
	CU_ASSERT_EQUAL(pccf_le32(o.reloc + 8), 18);
	CU_ASSERT(memcmp(o.annot, annot, sizeof(annot)) == 0);
	CU_ASSERT(memcmp(o.proof, proof, sizeof(proof)) == 0);
	CU_ASSERT_PTR_EQUAL(o.proof + o.nproof, b.p + b.n);
	free(b.p);
}

static void test_minimal(void)
{
	struct buf b = { 0 };
	struct obj o;
	struct pccf_err e;
	const uint8_t ret = 0xc3;

	CU_ASSERT_EQUAL(obj_write(&b, &ret, 1, NULL, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(b.n, 25);
	CU_ASSERT_EQUAL(parse(b.p, b.n, &dflt, &o, &e), 0);
	CU_ASSERT_EQUAL(o.ncode, 1);
	CU_ASSERT_EQUAL(o.nreloc + o.nannot + o.nproof, 0);
	CU_ASSERT_EQUAL(o.code[0], 0xc3);
	free(b.p);
}

static void test_empty_code(void)
{
	struct buf b = { 0 };

	CU_ASSERT_EQUAL(obj_write(&b, NULL, 0, NULL, 0, NULL, 0, proof, 5), 0);
	expect(b.p, b.n, &dflt, PCCF_EOBJ, "code section is empty");
	free(b.p);
}

/* Every proper prefix of a valid object, and one byte too many. */
static void test_truncation(void)
{
	struct buf b;
	char msg[PCCF_MSG_MAX];
	uint8_t *big_copy;
	size_t n;

	sample(&b);
	for (n = 0; n < b.n; n++) {
		/* A fresh copy of exactly 'n' bytes, so ASan sees overreads. */
		uint8_t *p = malloc(n ? n : 1);

		CU_ASSERT_FATAL(p != NULL);
		memcpy(p, b.p, n);
		if (n < 24) {
			snprintf(
				msg, sizeof(msg),
				"object truncated: header needs 24 bytes, got %zu",
				n);
			expect(p, n, &dflt, PCCF_EOBJ, msg);
		} else {
			expect_mismatch(p, n);
		}
		free(p);
	}
	big_copy = malloc(b.n + 1);
	CU_ASSERT_FATAL(big_copy != NULL);
	memcpy(big_copy, b.p, b.n);
	big_copy[b.n] = 0;
	expect_mismatch(big_copy, b.n + 1);
	free(big_copy);
	free(b.p);
}

static void test_magic_version_policy(void)
{
	struct buf b;
	int i;

	sample(&b);
	for (i = 0; i < 4; i++) {
		uint8_t save = b.p[i];
		char msg[PCCF_MSG_MAX];
		uint8_t m[4] = { 0x50, 0x43, 0x43, 0x46 };

		b.p[i] ^= 0x20; /* "pCCF", "PcCF", ... */
		m[i] ^= 0x20;
		snprintf(
			msg, sizeof(msg),
			"bad magic: bytes %#x %#x %#x %#x at offset 0 (expected \"PCCF\")",
			m[0], m[1], m[2], m[3]);
		expect(b.p, b.n, &dflt, PCCF_EOBJ, msg);
		b.p[i] = save;
	}
	b.p[4] = 0;
	expect(b.p, b.n, &dflt, PCCF_EOBJ,
	       "unsupported format version 0 (expected 1)");
	b.p[4] = 2;
	expect(b.p, b.n, &dflt, PCCF_EOBJ,
	       "unsupported format version 2 (expected 1)");
	b.p[4] = 1;
	b.p[5] = 1;
	expect(b.p, b.n, &dflt, PCCF_EOBJ,
	       "unsupported format version 257 (expected 1)");
	b.p[5] = 0;
	b.p[6] = 0;
	expect(b.p, b.n, &dflt, PCCF_EOBJ, "unsupported policy 0 (expected 1)");
	b.p[6] = 2;
	expect(b.p, b.n, &dflt, PCCF_EOBJ, "unsupported policy 2 (expected 1)");
	b.p[6] = 1;
	b.p[7] = 0x80;
	expect(b.p, b.n, &dflt, PCCF_EOBJ,
	       "unsupported policy 32769 (expected 1)");
	free(b.p);
}

/* Each length field off by one (and by eight, for relocs) both ways,
 * and at its maximum. */
static void test_lengths(void)
{
	static const size_t field[] = { 8, 12, 16, 20 };
	static const int32_t delta[] = { 1, -1, 8, -8 };
	struct buf b;
	size_t f, d;

	sample(&b);
	for (f = 0; f < 4; f++) {
		uint32_t v = get32(b.p, field[f]);

		for (d = 0; d < 4; d++) {
			uint32_t nv = v + (uint32_t)delta[d];
			char msg[PCCF_MSG_MAX];

			set32(b.p, field[f], nv);
			if (field[f] == 12 && nv % 8) {
				snprintf(
					msg, sizeof(msg),
					"reloc section of %u bytes is not a multiple of 8",
					nv);
				expect(b.p, b.n, &big, PCCF_EOBJ, msg);
			} else {
				expect_mismatch(b.p, b.n);
			}
		}
		set32(b.p, field[f],
		      field[f] == 12 ? 0xfffffff8u : 0xffffffffu);
		expect_mismatch(b.p, b.n);
		set32(b.p, field[f], v);
	}
	/* All four at their maximum: the total needs more than 32 bits. */
	set32(b.p, 8, 0xffffffffu);
	set32(b.p, 12, 0xfffffff8u);
	set32(b.p, 16, 0xffffffffu);
	set32(b.p, 20, 0xffffffffu);
	expect(b.p, b.n, &big, PCCF_EOBJ,
	       "object length 70 does not match header total 17179869197");
	free(b.p);
}

/* Each section exactly at its limit passes; one byte over fails. */
static void test_limits(void)
{
	struct buf b;
	struct obj o;
	struct pccf_err e;
	struct obj_limits lim;
	char msg[PCCF_MSG_MAX];

	sample(&b);
	lim.max_obj = (u32)b.n;
	lim.max_code = sizeof(code);
	lim.max_relocs = 2;
	lim.max_annot = sizeof(annot);
	lim.max_proof = sizeof(proof);
	CU_ASSERT_EQUAL(parse(b.p, b.n, &lim, &o, &e), 0);

	lim.max_obj--;
	snprintf(msg, sizeof(msg),
		 "object of %zu bytes exceeds the limit of %zu", b.n, b.n - 1);
	expect(b.p, b.n, &lim, PCCF_ELIMIT, msg);
	lim.max_obj++;

	lim.max_code--;
	expect(b.p, b.n, &lim, PCCF_ELIMIT,
	       "code section of 22 bytes exceeds the limit of 21");
	lim.max_code++;

	lim.max_relocs--;
	expect(b.p, b.n, &lim, PCCF_ELIMIT,
	       "reloc section of 2 entries exceeds the limit of 1");
	lim.max_relocs++;

	lim.max_annot--;
	expect(b.p, b.n, &lim, PCCF_ELIMIT,
	       "annotation section of 3 bytes exceeds the limit of 2");
	lim.max_annot++;

	lim.max_proof--;
	expect(b.p, b.n, &lim, PCCF_ELIMIT,
	       "proof section of 5 bytes exceeds the limit of 4");
	lim.max_proof++;

	/* A lying header hits the limit before the total is even read. */
	set32(b.p, 8, 0x10001);
	expect(b.p, b.n, &dflt, PCCF_ELIMIT,
	       "code section of 65537 bytes exceeds the limit of 65536");
	free(b.p);
}

/* write_rel - an object of the sample code with relocs 'r' ('n') whose
 * kinds are then set to 'kinds' (when not NULL). */
static void write_rel(struct buf *b, const uint32_t *r, uint32_t n,
		      const uint32_t *kinds)
{
	uint32_t i;

	memset(b, 0, sizeof(*b));
	CU_ASSERT_FATAL(obj_write(b, code, sizeof(code), r, n, NULL, 0, proof,
				  sizeof(proof)) == 0);
	for (i = 0; kinds && i < n; i++)
		set32(b->p, 24 + sizeof(code) + 8 * i + 4, kinds[i]);
}

/* expect_rel - relocs 'r' (kinds 'k') are rejected with 'msg'. */
static void expect_rel(const uint32_t *r, uint32_t n, const uint32_t *k,
		       const char *msg)
{
	struct buf b;

	write_rel(&b, r, n, k);
	expect(b.p, b.n, &dflt, PCCF_EOBJ, msg);
	free(b.p);
}

static void test_relocs(void)
{
	struct buf b;
	struct obj o;
	struct pccf_err e;
	const uint32_t at0 = 24 + sizeof(code); /* 0x2e */

	/* Accepted: the last possible field, and fields exactly 4 apart. */
	{
		const uint32_t r[] = { 0, 4, sizeof(code) - 4 };

		write_rel(&b, r, 3, NULL);
		CU_ASSERT_EQUAL(parse(b.p, b.n, &dflt, &o, &e), 0);
		CU_ASSERT_EQUAL(o.nreloc, 3);
		free(b.p);
	}
	/* Misaligned table: 12 bytes. */
	{
		const uint32_t r[] = { 8, 18 };

		write_rel(&b, r, 2, NULL);
		set32(b.p, 12, 12);
		set32(b.p, 20, sizeof(proof) + 4);
		expect(b.p, b.n, &dflt, PCCF_EOBJ,
		       "reloc section of 12 bytes is not a multiple of 8");
		free(b.p);
	}
	{
		const uint32_t r[] = { 18, 8 };

		expect_rel(
			r, 2, NULL,
			"reloc 1 at offset 0x36: rel32 field at code offset 0x8 overlaps or precedes the previous one at 0x12 (fields must ascend by at least 4)");
	}
	{
		const uint32_t r[] = { 8, 8 };

		expect_rel(
			r, 2, NULL,
			"reloc 1 at offset 0x36: rel32 field at code offset 0x8 overlaps or precedes the previous one at 0x8 (fields must ascend by at least 4)");
	}
	{
		const uint32_t r[] = { 8, 11 };

		expect_rel(
			r, 2, NULL,
			"reloc 1 at offset 0x36: rel32 field at code offset 0xb overlaps or precedes the previous one at 0x8 (fields must ascend by at least 4)");
	}
	{
		const uint32_t r[] = { 8, sizeof(code) - 3 };

		expect_rel(
			r, 2, NULL,
			"reloc 1 at offset 0x36: rel32 field at code offset 0x13 does not fit in 22 code bytes");
	}
	{
		const uint32_t r[] = { 0xffffffffu };

		expect_rel(
			r, 1, NULL,
			"reloc 0 at offset 0x2e: rel32 field at code offset 0xffffffff does not fit in 22 code bytes");
	}
	{
		const uint32_t r[] = { 8, 18 }, k[] = { 1, 0 };

		expect_rel(
			r, 2, k,
			"reloc 1 at offset 0x36: unknown kind 0 (expected 1 = ret)");
	}
	{
		const uint32_t r[] = { 8 }, k[] = { 2 };

		expect_rel(
			r, 1, k,
			"reloc 0 at offset 0x2e: unknown kind 2 (expected 1 = ret)");
	}
	/* Code shorter than a rel32 field. */
	{
		const uint8_t c3[3] = { 0xc3, 0xc3, 0xc3 };
		const uint32_t r[] = { 0 };

		memset(&b, 0, sizeof(b));
		CU_ASSERT_EQUAL(obj_write(&b, c3, 3, r, 1, NULL, 0, NULL, 0),
				0);
		expect(b.p, b.n, &dflt, PCCF_EOBJ,
		       "reloc 0 at offset 0x1b: rel32 field at code offset 0x0 does not fit in 3 code bytes");
		free(b.p);
	}
	CU_ASSERT_EQUAL(at0, 0x2e);
}

/* Random corruption: never a crash, and an accepted object's sections
 * always lie inside the buffer and add up to it. */
static void test_mutations(void)
{
	struct buf b;
	uint32_t seed = 12345, i, accepted = 0;

	sample(&b);
	for (i = 0; i < 200000; i++) {
		uint8_t *p = malloc(b.n);
		size_t n = b.n, k;
		struct obj o;
		struct pccf_err e;

		CU_ASSERT_FATAL(p != NULL);
		memcpy(p, b.p, b.n);
		for (k = 0; k < 1 + i % 3; k++) {
			seed = seed * 1103515245u + 12345u;
			p[(seed >> 8) % b.n] ^=
				(uint8_t)(1u << (seed >> 28 & 7));
		}
		if (i % 7 == 0)
			n -= (seed >> 4) % b.n;
		if (parse(p, n, &big, &o, &e) == 0) {
			accepted++;
			CU_ASSERT(o.code == p + 24);
			CU_ASSERT(o.proof + o.nproof == p + n);
			CU_ASSERT(24 + (uint64_t)o.ncode + 8ull * o.nreloc +
					  o.nannot + o.nproof ==
				  n);
		} else {
			CU_ASSERT(e.code != 0 && e.msg[0] != '\0');
		}
		free(p);
	}
	CU_ASSERT(accepted > 0); /* proof/annot/code byte flips */
	free(b.p);
}

static void test_fail_format(void)
{
	struct pccf_err e = { 0 };

	CU_ASSERT_EQUAL(
		pccf_fail(&e, PCCF_EDECODE, "a %s %u %U %x %X %% %q %s end",
			  "str", (u32)4294967295u, (u64)18446744073709551615ull,
			  (u32)0xdeadbeef, (u64)0x123456789abcdef0ull,
			  (const char *)NULL),
		PCCF_EDECODE);
	CU_ASSERT_STRING_EQUAL(
		e.msg,
		"a str 4294967295 18446744073709551615 0xdeadbeef 0x123456789abcdef0 % %q (null) end");
	/* The first failure stays. */
	CU_ASSERT_EQUAL(pccf_fail(&e, PCCF_EPROOF, "second"), PCCF_EDECODE);
	CU_ASSERT_EQUAL(e.code, PCCF_EDECODE);
	CU_ASSERT_NSTRING_EQUAL(e.msg, "a str", 5);

	/* Zero values, and a code of 0 never reads as success. */
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(
		pccf_fail(&e, 0, "%u %U %x %X", (u32)0, (u64)0, (u32)0, (u64)0),
		PCCF_EOBJ);
	CU_ASSERT_STRING_EQUAL(e.msg, "0 0 0x0 0x0");
	CU_ASSERT_EQUAL(pccf_fail(NULL, PCCF_ELIMIT, "x"), PCCF_ELIMIT);
}

static void test_fail_truncates(void)
{
	struct pccf_err e;
	char longs[600];
	size_t i;

	for (i = 0; i < sizeof(longs) - 1; i++)
		longs[i] = (char)('a' + i % 26);
	longs[sizeof(longs) - 1] = '\0';
	memset(&e, 0x55, sizeof(e));
	e.code = 0;
	pccf_fail(&e, PCCF_EPROOF, "%s", longs);
	CU_ASSERT_EQUAL(strlen(e.msg), PCCF_MSG_MAX - 1);
	CU_ASSERT(memcmp(e.msg, longs, PCCF_MSG_MAX - 1) == 0);

	/* Numbers and literal text are cut at the same place. */
	memset(&e, 0x55, sizeof(e));
	e.code = 0;
	pccf_fail(&e, PCCF_EPROOF, "%s%U", longs + 600 - 1 - 230,
		  (u64)12345678901234ull);
	CU_ASSERT_EQUAL(strlen(e.msg), PCCF_MSG_MAX - 1);
	CU_ASSERT(memcmp(e.msg + 230, "123456789", 9) == 0);
}

static void test_alloc(void)
{
	_Alignas(8) uint8_t mem[64];
	struct pccf_arena a = { mem + 1, 63, 0 }; /* base misaligned */
	uint8_t *p, *q;

	memset(mem, 0xaa, sizeof(mem));
	p = pccf_alloc(&a, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL((uintptr_t)p % 8, 0);
	CU_ASSERT_PTR_EQUAL(p, mem + 8);
	CU_ASSERT(p[0] == 0 && p[1] == 0 && p[2] == 0);
	CU_ASSERT_EQUAL(mem[11], 0xaa); /* only 'n' bytes zeroed */
	q = pccf_alloc(&a, 8);
	CU_ASSERT_PTR_EQUAL(q, mem + 16);
	/* 63 - 23 = 40 bytes left from mem + 24: 40 fit, 41 do not. */
	CU_ASSERT_PTR_NULL(pccf_alloc(&a, 41));
	CU_ASSERT_PTR_NULL(pccf_alloc(&a, SIZE_MAX));
	CU_ASSERT_PTR_NULL(pccf_alloc(&a, SIZE_MAX - 3));
	CU_ASSERT_PTR_EQUAL(pccf_alloc(&a, 40), mem + 24);
	CU_ASSERT_EQUAL(a.used, a.size);
	CU_ASSERT_PTR_NULL(pccf_alloc(&a, 1));
	CU_ASSERT_PTR_NOT_NULL(pccf_alloc(&a, 0));
	a.used = a.size + 1; /* a corrupt arena */
	CU_ASSERT_PTR_NULL(pccf_alloc(&a, 0));
	CU_ASSERT_PTR_NULL(pccf_alloc(NULL, 1));
}

static void test_buf(void)
{
	struct buf b = { 0 };
	static const uint8_t want[] = { 0x00, 0x7f, 0x80, 0x01, 0xe5, 0x8e,
					0x26, 0xff, 0xff, 0xff, 0xff, 0xff,
					0xff, 0xff, 0xff, 0xff, 0x01 };
	size_t i;

	buf_uleb(&b, 0);
	buf_uleb(&b, 127);
	buf_uleb(&b, 128);
	buf_uleb(&b, 624485);
	buf_uleb(&b, UINT64_MAX);
	CU_ASSERT_EQUAL(b.n, sizeof(want));
	CU_ASSERT(memcmp(b.p, want, sizeof(want)) == 0);
	b.n = 0;
	buf_u32(&b, 0x11223344);
	CU_ASSERT(memcmp(b.p, "\x44\x33\x22\x11", 4) == 0);
	for (i = 0; i < 100000; i++)
		buf_byte(&b, (uint8_t)i);
	CU_ASSERT_EQUAL(b.n, 100004);
	CU_ASSERT_EQUAL(b.p[100003], (uint8_t)99999);
	CU_ASSERT(b.cap >= b.n);
	buf_put(&b, NULL, 0);
	CU_ASSERT_EQUAL(b.n, 100004);
	free(b.p);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "round trip", test_roundtrip },
		{ "minimal object", test_minimal },
		{ "empty code", test_empty_code },
		{ "every truncation", test_truncation },
		{ "magic, version, policy", test_magic_version_policy },
		{ "length fields", test_lengths },
		{ "limits", test_limits },
		{ "relocations", test_relocs },
		{ "random corruption", test_mutations },
		{ "pccf_fail format", test_fail_format },
		{ "pccf_fail truncation", test_fail_truncates },
		{ "pccf_alloc", test_alloc },
		{ "buf writers", test_buf },
	};
	CU_pSuite s;
	unsigned fails;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("obj", NULL, NULL);
	for (i = 0; s && i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn))
			s = NULL;
	if (!s) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
