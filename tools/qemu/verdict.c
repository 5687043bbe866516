/*
 * verdict.c - what the kernel module must answer for an object, computed
 * in user space by the same trusted core: "ok", or the rejection's errno
 * name (include/pccf/ioctl.h's mapping of the pccf_code) and message.
 *
 *   verdict F.pcc     prints "ok" or "ERRNO_NAME<TAB>MESSAGE"
 *
 * Used by tools/qemu-test.sh on the host to write the guest's
 * expectations for malformed, tampered and unsafe objects.  Build:
 *   cc -Iinclude -I$B/gen -Ivcgen -Ichecker -Ikernel tools/qemu/verdict.c \
 *      $B/libpccf.a -o $B/verdict
 * Untrusted test tooling.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "verify.h"
#include "pccf/ioctl.h"

static const char *const names[PCCF_NCODES] = {
	[PCCF_EOBJ] = "EPROTO",	   [PCCF_EDECODE] = "ENOEXEC",
	[PCCF_ECFG] = "ELOOP",	   [PCCF_EPOLICY] = "EACCES",
	[PCCF_EPROOF] = "EBADMSG", [PCCF_ELIMIT] = "E2BIG",
};

int main(int argc, char **argv)
{
	static u8 buf[(1u << 20) + 2];
	struct pccf_limits lim;
	struct pccf_verified v;
	struct pccf_arena ar;
	struct pccf_err e = { 0, "" };
	FILE *f;
	size_t n;
	int code;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: verdict F.pcc\n");
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	pccf_default_limits(&lim);
	ar.size = pccf_arena_bytes(&lim);
	ar.used = 0;
	ar.base = malloc(ar.size);
	if (!ar.base)
		return 2;
	code = pccf_verify(buf, (u32)n, &lim, PCCF_CHECK, &ar, &v, &e);
	if (!code)
		printf("ok\n");
	else
		printf("%s\t%s\n", names[code], e.msg);
	return 0;
}
