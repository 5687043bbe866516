/*
 * harness.c - running the techniques over a trace: the cross-check pass
 * and the timed passes.
 *
 * Timing: CLOCK_MONOTONIC around whole passes (cold) or around each
 * window's run (hot); ns per packet = pass time / packets.  Nothing is
 * subtracted: the null technique shows what the loop itself costs.
 *
 *   cold  the whole trace, in order, one timed pass.  Before each pass a
 *         64 MiB sweep evicts the caches when the trace is small enough
 *         to stay in them (the generated trace, ~100 MB, is not).
 *   hot   the trace in windows of BENCH_WINDOW consecutive packets; each
 *         window's header lines (bytes 0..191 of each packet) and
 *         metadata are first read, untimed, as a driver that just
 *         received them would have done; then the filter runs over the
 *         window, timed.  The packets are in L1/L2 when the filter reads
 *         them, but the branch history is that of the real trace, not of
 *         a few packets replayed until the predictor has learnt them.
 *         With --hot-replays K > 1 each window is run K times in a row
 *         (all timed): the classic "same packets many times" hot loop,
 *         which lets the branch predictor learn the window.
 *
 * Every native technique goes through the same non-inlined loop, calling
 * the filter through a pointer; the interpreter's loop calls libpcap's
 * bpf_filter.  Untrusted tooling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"
#include "baseline.h"

#define EVICT_BYTES (64u << 20)
#define TOUCH_BYTES 192

/* Scratch memory for the filters (BPF's M[]), 64 bytes, 8-aligned. */
static uint32_t scratch[16] __attribute__((aligned(64)));
static volatile uint64_t sink;

/* bench_now_ns - see bench.h. */
uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* cmp_double - qsort comparator. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* bench_median - see bench.h. */
double bench_median(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* run_native - accept count of 'fn' over packets [lo, hi). */
__attribute__((noinline)) static uint64_t
run_native(tech_fn fn, const struct trace *t, size_t lo, size_t hi)
{
	const struct trace_pkt *p = t->pkt;
	const uint8_t *d = t->data;
	uint64_t acc = 0;
	size_t i;

	for (i = lo; i < hi; i++)
		acc += fn(d + p[i].off, p[i].caplen, p[i].wirelen, scratch) != 0;
	return acc;
}

/* run_interp - accept count of libpcap's interpreter over [lo, hi). */
__attribute__((noinline)) static uint64_t
run_interp(const struct bpf_insn *insns, const struct trace *t, size_t lo,
	   size_t hi)
{
	const struct trace_pkt *p = t->pkt;
	const uint8_t *d = t->data;
	uint64_t acc = 0;
	size_t i;

	for (i = lo; i < hi; i++)
		acc += baseline_interp(insns, d + p[i].off, p[i].caplen,
				       p[i].wirelen) != 0;
	return acc;
}

/* run_range - technique 'te' over [lo, hi); the accept count. */
static uint64_t run_range(const struct tech *te, const struct trace *t,
			  size_t lo, size_t hi)
{
	if (te->id == TECH_INTERP)
		return run_interp(te->insns, t, lo, hi);
	return run_native(te->fn, t, lo, hi);
}

/* result_of - one packet's result under 'te'. */
static uint32_t result_of(const struct tech *te, const struct trace *t,
			  size_t i)
{
	const struct trace_pkt *p = &t->pkt[i];

	if (te->id == TECH_INTERP)
		return baseline_interp(te->insns, t->data + p->off, p->caplen,
				       p->wirelen);
	return te->fn(t->data + p->off, p->caplen, p->wirelen, scratch);
}

/* agrees - 'got' matches the interpreter's 'want' under 'cmp'. */
static int agrees(enum tech_cmp cmp, uint32_t want, uint32_t got)
{
	if (cmp == CMP_EXACT)
		return want == got;
	if (cmp == CMP_NONZERO)
		return !want == !got;
	return 1;
}

/* bench_check - see bench.h. */
int bench_check(const struct trace *t, const struct bench_filter *f,
		struct tech *te, struct bench_result *r)
{
	uint32_t *want = malloc(t->n * sizeof(*want));
	int bad = 0, k;
	size_t i;

	if (!want) {
		fprintf(stderr, "pccf: out of memory\n");
		return -1;
	}
	for (i = 0; i < t->n; i++)
		want[i] = result_of(&te[TECH_INTERP], t, i);
	for (k = 0; k < TECH_N; k++) {
		int shown = 0;
		uint64_t acc = 0;

		if (!te[k].avail)
			continue;
		for (i = 0; i < t->n; i++) {
			uint32_t got = k == TECH_INTERP ? want[i]
							: result_of(&te[k], t, i);

			acc += got != 0;
			if (agrees(te[k].cmp, want[i], got))
				continue;
			if (shown++ < 5)
				fprintf(stderr, "pccf: bench: MISMATCH filter '%s' "
					"technique %s packet %zu (caplen %u, wirelen %u): "
					"interp %u, %s %u\n", f->expr, tech_name(te[k].id),
					i, t->pkt[i].caplen, t->pkt[i].wirelen, want[i],
					tech_name(te[k].id), got);
			bad = 1;
		}
		if (shown > 5)
			fprintf(stderr, "pccf: bench: ... %d mismatches in all for %s\n",
				shown, tech_name(te[k].id));
		r->accepted[k] = acc;
	}
	free(want);
	return bad ? -1 : 0;
}

/* evict - read a buffer twice the size of the last-level cache. */
static void evict(const struct trace *t)
{
	static uint8_t *buf;
	uint64_t s = 0;
	size_t i;

	if (t->bytes + t->n * sizeof(*t->pkt) > 2 * (size_t)EVICT_BYTES)
		return;
	if (!buf) {
		buf = malloc(EVICT_BYTES);
		if (!buf)
			return;
		memset(buf, 1, EVICT_BYTES);
	}
	for (i = 0; i < EVICT_BYTES; i += 64)
		s += buf[i];
	sink += s;
}

/* touch - read the header lines and metadata of packets [lo, hi). */
static void touch(const struct trace *t, size_t lo, size_t hi)
{
	uint64_t s = 0;
	size_t i, j;

	for (i = lo; i < hi; i++) {
		const struct trace_pkt *p = &t->pkt[i];
		size_t end = p->caplen < TOUCH_BYTES ? p->caplen : TOUCH_BYTES;

		for (j = 0; j < end; j += 64)
			s += t->data[p->off + j];
		if (end)
			s += t->data[p->off + end - 1];
	}
	sink += s;
}

/* pass - one timed pass of 'te' in mode 'm' (hot: each window run
 * 'replays' times); ns in '*ns', accepts (per run of the trace) out. */
static uint64_t pass(const struct tech *te, const struct trace *t,
		     enum bench_mode m, int replays, uint64_t *ns)
{
	uint64_t acc = 0, total = 0, t0;
	size_t lo;

	if (m == MODE_COLD) {
		evict(t);
		t0 = bench_now_ns();
		acc = run_range(te, t, 0, t->n);
		*ns = bench_now_ns() - t0;
		return acc;
	}
	for (lo = 0; lo < t->n; lo += BENCH_WINDOW) {
		size_t hi = lo + BENCH_WINDOW < t->n ? lo + BENCH_WINDOW : t->n;

		uint64_t a = 0;
		int r;

		touch(t, lo, hi);
		t0 = bench_now_ns();
		for (r = 0; r < replays; r++)
			a += run_range(te, t, lo, hi);
		total += bench_now_ns() - t0;
		acc += a / (uint64_t)replays;
	}
	*ns = total;
	return acc;
}

/* bench_time - see bench.h. */
int bench_time(const struct trace *t, const struct bench_filter *f,
	       struct tech *te, enum bench_mode m, int reps, int replays,
	       struct bench_result *r)
{
	double runs = m == MODE_HOT ? (double)replays : 1.0;

	int rep, k, bad = 0;

	for (k = 0; k < TECH_N; k++) {
		struct bench_times *bt = &r->t[k][m];

		if (!te[k].avail)
			continue;
		bt->ns = calloc((size_t)reps, sizeof(double));
		if (!bt->ns)
			return -1;
		bt->ran = 1;
	}
	for (rep = 0; rep < reps; rep++)
		for (k = 0; k < TECH_N; k++) {
			struct bench_times *bt = &r->t[k][m];
			uint64_t ns, acc;

			if (!bt->ran)
				continue;
			acc = pass(&te[k], t, m, replays, &ns);
			bt->ns[rep] = (double)ns / ((double)t->n * runs);
			bt->accepted = acc;
			if (acc != r->accepted[k] && !bad++)
				fprintf(stderr, "pccf: bench: filter '%s' technique %s "
					"accepted %llu packets in a timed pass, %llu in "
					"the check\n", f->expr, tech_name(te[k].id),
					(unsigned long long)acc,
					(unsigned long long)r->accepted[k]);
		}
	for (k = 0; k < TECH_N; k++) {
		struct bench_times *bt = &r->t[k][m];
		double *tmp;

		if (!bt->ran)
			continue;
		tmp = malloc((size_t)reps * sizeof(double));
		if (!tmp)
			return -1;
		memcpy(tmp, bt->ns, (size_t)reps * sizeof(double));
		bt->med = bench_median(tmp, reps);
		bt->min = tmp[0];
		bt->max = tmp[reps - 1];
		free(tmp);
	}
	return bad ? -1 : 0;
}

/* bench_result_free - see bench.h. */
void bench_result_free(struct bench_result *r)
{
	int k, m;

	for (k = 0; k < TECH_N; k++)
		for (m = 0; m < MODE_N; m++) {
			free(r->t[k][m].ns);
			r->t[k][m].ns = NULL;
		}
}
