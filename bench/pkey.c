/*
 * pkey.c - the filter behind memory protection keys: the modern analog
 * of Protected Shared Libraries (and of ERIM / Hodor).
 *
 * One key K per run tags the trace's pages (read-only), a scratch page
 * and a 64 KiB filter stack.  mpk_call switches PKRU to "every key but
 * K: no access" (WRPKRU), moves to the filter stack (the return address
 * of the call must land in memory the filter may touch), calls the
 * filter, and switches PKRU and the stack back: while the filter runs it
 * can read the packet and read and write its scratch and stack, and
 * nothing else -- the host's heap, stack and globals are key 0, denied.
 * Instruction fetch is not subject to keys, so the filter's code (key 0)
 * still runs.  Saved state lives in callee-saved registers, since no
 * host memory is readable between the two WRPKRUs.
 *
 * What it trusts: the CPU and kernel's protection keys, this trampoline,
 * and that the filter contains no WRPKRU/XRSTOR of its own (ERIM scans
 * for them; here the filter is the certified pcc code, whose decoder
 * admits neither).  Where the CPU or the kernel lacks keys (no 'pku' in
 * /proc/cpuinfo, or pkey_alloc fails) mpk_probe says so and the
 * technique is reported as unsupported.  Untrusted tooling.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "bench.h"

#define STACK_BYTES (64u << 10)
#define PAGE 4096u

/* The context; the offsets are used by the trampoline below. */
struct mpk_ctx {
	tech_fn fn;		/* +0 */
	uint8_t *stack_top;	/* +8, 16-aligned */
	uint32_t pkru_filter;	/* +16 */
	uint32_t pkru_host;	/* +20 */
	uint32_t *scratch;	/* +24 */
	uint8_t *area;		/* scratch page + stack, key K */
	size_t area_len;
};

_Static_assert(__builtin_offsetof(struct mpk_ctx, scratch) == 24,
	       "the trampoline's offsets");

static int key = -1;		/* the run's key, once allocated */
static char probe_why[200];	/* why keys do not work, once probed */
static const struct trace *tagged;	/* the trace whose pages carry 'key' */

/*
 * mpk_call(pkt rdi, caplen rsi, wirelen rdx, ctx rcx).  WRPKRU takes
 * eax and needs ecx = edx = 0, so wirelen and the scratch pointer are
 * moved into place after it.
 */
__asm__(".text\n"
	".globl mpk_call\n"
	".type mpk_call, @function\n"
	"mpk_call:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	mov %rdx, %rbx\n"	/* wirelen */
	"	mov %rcx, %r12\n"	/* ctx */
	"	mov %rsp, %rbp\n"	/* the host's stack */
	"	mov 24(%r12), %r13\n"	/* scratch */
	"	mov 0(%r12), %r14\n"	/* fn */
	"	mov 20(%r12), %r15d\n"	/* host PKRU */
	"	mov 16(%r12), %eax\n"	/* filter PKRU */
	"	mov 8(%r12), %rsp\n"	/* the filter's stack */
	"	xor %ecx, %ecx\n"
	"	xor %edx, %edx\n"
	"	.byte 0x0f, 0x01, 0xef\n"	/* wrpkru */
	"	mov %rbx, %rdx\n"
	"	mov %r13, %rcx\n"
	"	call *%r14\n"
	"	mov %eax, %ebx\n"
	"	mov %r15d, %eax\n"
	"	xor %ecx, %ecx\n"
	"	xor %edx, %edx\n"
	"	.byte 0x0f, 0x01, 0xef\n"	/* wrpkru */
	"	mov %rbp, %rsp\n"
	"	mov %ebx, %eax\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n"
	".size mpk_call, .-mpk_call\n");

/* cpu_has - the flags line of /proc/cpuinfo lists 'flag'. */
static int cpu_has(const char *flag)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char *s, *save = NULL;

		if (strncmp(line, "flags", 5))
			continue;
		for (s = strtok_r(strchr(line, ':') ? strchr(line, ':') + 1 : line,
				  " \t\n", &save); s && !found;
		     s = strtok_r(NULL, " \t\n", &save))
			found = !strcmp(s, flag);
		break;
	}
	fclose(f);
	return found;
}

/* rdpkru - the current PKRU (only with keys enabled: OSPKE). */
static uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	__asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

/* mpk_probe - see bench.h; allocates the run's key on success. */
int mpk_probe(char *why, size_t n)
{
	if (key >= 0)
		return 0;
	if (!probe_why[0]) {
		int pku = cpu_has("pku"), ospke = cpu_has("ospke");

		if (pku < 0)
			snprintf(probe_why, sizeof(probe_why),
				 "unsupported here: cannot read /proc/cpuinfo");
		else if (!pku)
			snprintf(probe_why, sizeof(probe_why),
				 "unsupported here: no 'pku' flag in /proc/cpuinfo "
				 "(the CPU, or the hypervisor, does not offer "
				 "protection keys)");
		else if (!ospke)
			snprintf(probe_why, sizeof(probe_why),
				 "unsupported here: 'pku' but no 'ospke' in "
				 "/proc/cpuinfo (the kernel has not enabled keys)");
		else if ((key = pkey_alloc(0, 0)) < 0)
			snprintf(probe_why, sizeof(probe_why),
				 "unsupported here: pkey_alloc: %s", strerror(errno));
	}
	if (key >= 0)
		return 0;
	snprintf(why, n, "%s", probe_why);
	return -1;
}

/* mpk_setup - see bench.h. */
struct mpk_ctx *mpk_setup(tech_fn fn, const struct trace *t, char *err,
			    size_t errlen)
{
	struct mpk_ctx *c;

	if (mpk_probe(err, errlen))
		return NULL;
	if (tagged != t) {
		if (pkey_mprotect(t->map, t->map_len, PROT_READ, key)) {
			snprintf(err, errlen, "pkey_mprotect of the trace: %s",
				 strerror(errno));
			return NULL;
		}
		tagged = t;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->area_len = PAGE + STACK_BYTES;
	c->area = mmap(NULL, c->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->area == MAP_FAILED ||
	    pkey_mprotect(c->area, c->area_len, PROT_READ | PROT_WRITE, key)) {
		snprintf(err, errlen, "filter stack and scratch: %s", strerror(errno));
		if (c->area != MAP_FAILED)
			munmap(c->area, c->area_len);
		free(c);
		return NULL;
	}
	c->fn = fn;
	c->scratch = (uint32_t *)c->area;
	c->stack_top = c->area + c->area_len;
	c->pkru_host = rdpkru();
	/* every key: access disabled (AD) and write disabled (WD), but K */
	c->pkru_filter = 0xffffffffu & ~(3u << (2 * key));
	return c;
}

/* mpk_free - see bench.h. */
void mpk_free(struct mpk_ctx *c)
{
	if (!c)
		return;
	munmap(c->area, c->area_len);
	free(c);
}
