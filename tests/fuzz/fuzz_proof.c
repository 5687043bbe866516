/*
 * fuzz_proof.c - libFuzzer harness aimed at the checker.
 *
 * fuzz_verify.c must keep the object's header consistent to get past
 * obj_parse, so a mutation that changes a section's length is mostly
 * wasted.  Here the header is made by the harness: the input is
 *
 *   [u8 seed index][u16 LE annotation bytes A][A bytes][proof bytes]
 *
 * (missing fields read as zero) and the code and relocations are those
 * of one of a few fixed filters (the seed index picks one), so every
 * input reaches the annotation decoder, the VC generator and the
 * checker with a section of exactly the length the fuzzer chose.  Same
 * contract checks as fuzz_verify.c; the object is malloc'd at its exact
 * size so ASan sees any read past it.  Untrusted test code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pccf/compat.h"
#include "verify.h"

/* Fixed codes: ip_all (asm) and "xor eax,eax; ret". */
static const u8 code0[] = {
	0x31, 0xc0, 0x48, 0x83, 0xfe, 0x0e, 0x72, 0x0d, 0x0f, 0xb7, 0x57,
	0x0c, 0x83, 0xfa, 0x08, 0x0f, 0x94, 0xc0, 0xc1, 0xe0, 0x12, 0xe9,
	0x00, 0x00, 0x00, 0x00
};
static const u8 code1[] = { 0x31, 0xc0, 0xe9, 0x00, 0x00, 0x00, 0x00 };
static const struct { const u8 *c; u32 n, rel; } codes[] = {
	{ code0, sizeof(code0), 0x16 }, { code1, sizeof(code1), 3 },
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

static struct pccf_limits lim;
static struct pccf_arena ar;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	pccf_default_limits(&lim);
	ar.size = pccf_arena_bytes(&lim);
	ar.base = malloc(ar.size);
	if (!ar.base)
		abort();
	return 0;
}

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pccf_verified out;
	struct pccf_err e;
	u32 sel, na, np, n;
	u8 *o;
	int rc;

	if (size > (1u << 20))
		return 0;
	sel = size > 0 ? data[0] % NCODES : 0;
	na = size > 2 ? (u32)(data[1] | data[2] << 8) : 0;
	if (size < 3)
		size = 3;	/* treat missing fields as zero */
	if (na > size - 3)
		na = (u32)size - 3;
	np = (u32)size - 3 - na;
	n = OBJ_HDR + codes[sel].n + 8 + na + np;
	o = malloc(n);
	if (!o)
		abort();
	memcpy(o, "PCCF\1\0\1\0", 8);
	put32(o + 8, codes[sel].n);
	put32(o + 12, 8);
	put32(o + 16, na);
	put32(o + 20, np);
	memcpy(o + OBJ_HDR, codes[sel].c, codes[sel].n);
	put32(o + OBJ_HDR + codes[sel].n, codes[sel].rel);
	put32(o + OBJ_HDR + codes[sel].n + 4, OBJ_RELOC_RET);
	if (na + np)
		memcpy(o + OBJ_HDR + codes[sel].n + 8, data + 3, na + np);
	ar.used = 0;
	memset(&e, 0, sizeof(e));
	rc = pccf_verify(o, n, &lim, PCCF_CHECK, &ar, &out, &e);
	if (ar.used > ar.size)
		__builtin_trap();
	if (rc) {
		if (rc != e.code || rc <= 0 || rc >= PCCF_NCODES || !e.msg[0] ||
		    !memchr(e.msg, 0, sizeof(e.msg)))
			__builtin_trap();
	} else if (e.code || !out.vc || out.proof_nodes == 0) {
		__builtin_trap();
	}
	free(o);
	return 0;
}
