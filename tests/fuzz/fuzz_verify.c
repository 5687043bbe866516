/*
 * fuzz_verify.c - libFuzzer harness on the consumer's entry point.
 *
 * Each input is taken as a whole certified object and run through
 * pccf_verify(PCCF_CHECK) with the default limits and a fresh arena of
 * pccf_arena_bytes(): one exact-size malloc'd block (so ASan sees its
 * end) whose cursor is reset, and whose first bytes are scribbled, for
 * every input, so nothing carries over from one input to the next.
 * Built with clang -fsanitize=fuzzer,address,undefined (tests/fuzz/fuzz.mk);
 * ASan or UBSan reports, a timeout, or a broken contract below are the
 * bugs.  Contract checked on every input: the return code equals the
 * recorded rejection class, lies in 1..PCCF_NCODES-1 and carries a
 * message; an accepted object has a VC and its proof nodes counted.
 * Untrusted test code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pccf/compat.h"
#include "verify.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pccf_verified out;
	struct pccf_err e;
	int rc;

	if (size > 0xffffffffu)
		return 0;
	ar.used = 0;
	memset(ar.base, 0xa5, 4096);	/* stale state must not help */
	memset(&e, 0, sizeof(e));
	rc = pccf_verify(data, (u32)size, &lim, PCCF_CHECK, &ar, &out, &e);
	if (ar.used > ar.size)
		__builtin_trap();		/* the arena's cap was crossed */
	if (rc) {
		if (rc != e.code || rc <= 0 || rc >= PCCF_NCODES || !e.msg[0] ||
		    !memchr(e.msg, 0, sizeof(e.msg)))
			__builtin_trap();	/* rejection without a reason */
	} else {
		if (e.code || !out.vc || out.proof_nodes == 0)
			__builtin_trap();	/* accepted without a proof */
	}
	return 0;
}
