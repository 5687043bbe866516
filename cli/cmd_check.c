/*
 * cmd_check.c - 'pccf check' (verify an object) and 'pccf run' (verify,
 * install in user space, replay a capture).  Untrusted glue around the
 * trusted pccf_verify and host_install.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "verify.h"
#include "host.h"

#define TIMING_REPS 21	/* runs whose median 'check' prints */

/* A loaded object and the consumer's arena. */
struct loaded {
	struct buf file;
	struct pccf_limits lim;
	struct pccf_arena ar;
	struct pccf_verified v;
	struct pccf_err e;
};

/* now_us - a monotonic clock in microseconds. */
static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* load - read 'path' and allocate the arena for the default limits. */
static int load(const char *path, struct loaded *l)
{
	memset(l, 0, sizeof(*l));
	if (cli_read(path, &l->file))
		return -1;
	pccf_default_limits(&l->lim);
	l->ar.size = pccf_arena_bytes(&l->lim);
	l->ar.base = malloc(l->ar.size);
	if (!l->ar.base) {
		cli_err("out of memory (arena of %zu bytes)", l->ar.size);
		return -1;
	}
	return 0;
}

/* unload - free what 'load' allocated. */
static void unload(struct loaded *l)
{
	free(l->file.p);
	free(l->ar.base);
}

/* verify - run the consumer up to 'upto'; 0 or the rejection code. */
static int verify(struct loaded *l, enum pccf_stage upto)
{
	memset(&l->e, 0, sizeof(l->e));
	l->ar.used = 0;
	if (l->file.n > UINT32_MAX)
		return pccf_fail(&l->e, PCCF_ELIMIT, "object too large");
	return pccf_verify(l->file.p, (u32)l->file.n, &l->lim, upto, &l->ar,
			   &l->v, &l->e);
}

/* rejected - report a rejection of 'path'; returns EXIT_FAIL. */
static int rejected(const char *path, const struct loaded *l)
{
	fflush(stdout);
	fprintf(stderr, "%s: rejected: %s\n", path, l->e.msg);
	return EXIT_FAIL;
}

/* cmpd - qsort order of doubles. */
static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* time_stage - the median time of TIMING_REPS runs up to 'upto', or < 0. */
static double time_stage(struct loaded *l, enum pccf_stage upto)
{
	double t[TIMING_REPS];
	int i;

	for (i = 0; i < TIMING_REPS; i++) {
		double t0 = now_us();

		if (verify(l, upto))
			return -1;
		t[i] = now_us() - t0;
	}
	qsort(t, TIMING_REPS, sizeof(t[0]), cmpd);
	return t[TIMING_REPS / 2];
}

/* cmd_check - 'pccf check F.pcc [-q]'. */
int cmd_check(int argc, char **argv)
{
	struct cli_opts o;
	struct loaded l;
	double tvc, tall;
	int rc;

	rc = cli_opts(argc, argv, "q", 1, &o);
	if (rc)
		return rc;
	if (load(o.pos[0], &l)) {
		unload(&l);
		return EXIT_FAIL;
	}
	rc = EXIT_FAIL;
	if (verify(&l, PCCF_CHECK)) {
		rejected(o.pos[0], &l);
		goto out;
	}
	tvc = time_stage(&l, PCCF_VCGEN);
	tall = time_stage(&l, PCCF_CHECK);
	if (tvc < 0 || tall < 0) {	/* nondeterministic verdict: a bug */
		cli_err("%s: internal error: the verdict changed between runs",
			o.pos[0]);
		goto out;
	}
	if (!o.quiet)
		printf("%s: ok (code %u bytes, proof %u bytes, %u proof nodes, "
		       "VC gen %.1f us, check %.1f us)\n", o.pos[0],
		       l.v.obj.ncode, l.v.obj.nproof, l.v.proof_nodes, tvc,
		       tall > tvc ? tall - tvc : 0.0);
	rc = EXIT_OK;
out:
	unload(&l);
	return rc;
}

/* ---- run --------------------------------------------------------------- */

/* A replay: the installed filter and, with --guard, the guarded buffers. */
struct replay {
	struct host_filter hf;
	int guard, verbose;
	struct host_guard gpkt, gmem;
	uint64_t npkt, naccept;
};

/* run_plain - the filter on 'pkt' in place, with zeroed scratch. */
static uint32_t run_plain(struct replay *r, const struct pcap_pkthdr *h,
			  const uint8_t *pkt)
{
	uint32_t mem[16] __attribute__((aligned(8)));

	memset(mem, 0, sizeof(mem));
	return host_run(&r->hf, pkt, h->caplen, h->len, mem);
}

/* run_guarded - the filter on 'pkt' ending, then starting, at a guard
 * page (scratch likewise); the two results must agree.  0 or -1. */
static int run_guarded(struct replay *r, const struct pcap_pkthdr *h,
		       const uint8_t *pkt, uint32_t *ret)
{
	static const uint8_t zero[64];
	uint32_t a, b;
	u8 *p, *m;

	if (h->caplen > r->gpkt.cap) {
		host_guard_free(&r->gpkt);
		if (host_guard_init(&r->gpkt, h->caplen)) {
			cli_err("cannot map guard pages");
			return -1;
		}
	}
	p = host_guard_end(&r->gpkt, pkt, h->caplen);
	m = host_guard_end(&r->gmem, zero, sizeof(zero));
	a = host_run(&r->hf, p, h->caplen, h->len, (uint32_t *)m);
	p = host_guard_start(&r->gpkt, pkt, h->caplen);
	m = host_guard_start(&r->gmem, zero, sizeof(zero));
	b = host_run(&r->hf, p, h->caplen, h->len, (uint32_t *)m);
	if (a != b) {
		cli_err("packet %llu: the result depends on where the packet "
			"lies (%u vs %u)", (unsigned long long)r->npkt + 1, a, b);
		return -1;
	}
	*ret = a;
	return 0;
}

/* replay - run the filter on every packet of 'pc'; 0 or -1. */
static int replay(struct replay *r, pcap_t *pc, const char *trace)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint32_t ret;
	int n;

	while ((n = pcap_next_ex(pc, &h, &data)) == 1) {
		if (!r->guard)
			ret = run_plain(r, h, data);
		else if (run_guarded(r, h, data, &ret))
			return -1;
		r->npkt++;
		r->naccept += ret != 0;
		if (r->verbose)
			printf("%u\n", ret);
	}
	if (n == PCAP_ERROR) {
		cli_err("%s: %s", trace, pcap_geterr(pc));
		return -1;
	}
	return 0;
}

/* cmd_run - 'pccf run [--guard] [-v] F.pcc TRACE.pcap'. */
int cmd_run(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct replay r;
	struct cli_opts o;
	struct loaded l;
	pcap_t *pc = NULL;
	int rc;

	rc = cli_opts(argc, argv, "v guard", 2, &o);
	if (rc)
		return rc;
	memset(&r, 0, sizeof(r));
	r.guard = o.guard;
	r.verbose = o.verbose;
	rc = EXIT_FAIL;
	if (load(o.pos[0], &l))
		goto out;
	if (verify(&l, PCCF_CHECK)) {
		rejected(o.pos[0], &l);
		goto out;
	}
	if (host_install(&l.v.obj, &l.v.rel, &r.hf, &l.e)) {
		cli_err("%s: cannot install: %s", o.pos[0], l.e.msg);
		goto out;
	}
	if (r.guard && (host_guard_init(&r.gpkt, 65536) ||
			host_guard_init(&r.gmem, 64))) {
		cli_err("cannot map guard pages");
		goto out;
	}
	pc = pcap_open_offline(o.pos[1], errbuf);
	if (!pc) {
		cli_err("%s", errbuf);
		goto out;
	}
	if (!replay(&r, pc, o.pos[1]))
		rc = EXIT_OK;
	fflush(stdout);
	fprintf(stderr, "%llu packets, %llu accepted\n",
		(unsigned long long)r.npkt, (unsigned long long)r.naccept);
out:
	if (pc)
		pcap_close(pc);
	host_free(&r.hf);
	host_guard_free(&r.gpkt);
	host_guard_free(&r.gmem);
	unload(&l);
	return rc;
}
