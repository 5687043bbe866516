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
 *         Each repetition runs every technique over the whole trace, one
 *         after another (default), or in turns of --turn N windows each,
 *         so that a drift of the machine within a repetition hits all
 *         techniques alike (see README.md).
 *
 * Every native technique goes through its own copy of the same
 * non-inlined loop, calling the filter through a pointer (see LOOP); the
 * interpreter's loop calls libpcap's bpf_filter, pkey's calls the
 * protection-key trampoline, domain and domain-batch send the packets to
 * the filter process one, or DOMAIN_BATCH (= BENCH_WINDOW), per crossing.
 * 'domain' is timed on the first DOMAIN_SAMPLE packets only (hot windows
 * and cold pass alike); it is cross-checked per packet on those and in
 * batches on the rest of the trace.  Untrusted tooling.
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

/*
 * The timing loops.  One loop shape for every technique that calls a
 * filter function per packet: read the packet's pointer and lengths from
 * the compact t->ref array, call through a pointer, count nonzero
 * results.  Each technique gets its own copy of that loop (LOOP below;
 * the asm comment keeps the compiler from merging the copies), so each
 * indirect call site only ever sees one target: when one call site is
 * shared by all techniques, the CPU's indirect-branch predictor treats
 * it as polymorphic and every call costs more (measured here: null went
 * from 1.65 to 2.44 ns per packet).  Every loop here (interp's and
 * pkey's too) is unrolled 4 times, which saves a loop branch per call
 * (null: 1.66 -> 1.18 ns hot).  The scratch (BPF's M[]) is one
 * 64-byte-aligned array passed to every call and not cleared between
 * packets: BPF leaves M[] undefined until written (libpcap's own
 * interpreter keeps it in uninitialised stack) and pcap_compile's
 * programs write each word before reading it, as the compiled code
 * relies on; clearing it per packet would only add a cost no filter
 * needs.
 */
typedef uint64_t (*loop_fn)(tech_fn fn, const struct trace_ref *r, size_t lo,
			    size_t hi);

#define LOOP(name)							\
	__attribute__((noinline)) static uint64_t			\
	name(tech_fn fn, const struct trace_ref *r, size_t lo, size_t hi) \
	{								\
		uint64_t acc = 0;					\
		size_t i;						\
									\
		__asm__ volatile("# " #name);				\
		_Pragma("GCC unroll 4")					\
		for (i = lo; i < hi; i++)				\
			acc += fn(r[i].p, r[i].caplen, r[i].wirelen,	\
				  scratch) != 0;			\
		return acc;						\
	}
LOOP(loop_checked)
LOOP(loop_sfi)
LOOP(loop_jit)
LOOP(loop_rust)
LOOP(loop_c)
LOOP(loop_pcc)
LOOP(loop_null)
LOOP(loop_other)
#undef LOOP

/* loop_of - the loop copy of technique 'id'. */
static loop_fn loop_of(enum tech_id id)
{
	switch (id) {
	case TECH_CHECKED:
		return loop_checked;
	case TECH_SFI:
		return loop_sfi;
	case TECH_JIT:
		return loop_jit;
	case TECH_RUST:
		return loop_rust;
	case TECH_C:
		return loop_c;
	case TECH_PCC:
		return loop_pcc;
	case TECH_NULL:
		return loop_null;
	default:
		return loop_other;
	}
}

/* run_interp - accept count of libpcap's interpreter over [lo, hi). */
__attribute__((noinline)) static uint64_t
run_interp(const struct bpf_insn *insns, const struct trace_ref *r, size_t lo,
	   size_t hi)
{
	uint64_t acc = 0;
	size_t i;

#pragma GCC unroll 4
	for (i = lo; i < hi; i++)
		acc += baseline_interp(insns, r[i].p, r[i].caplen, r[i].wirelen) != 0;
	return acc;
}

/* run_pkey - the same loop through the protection-key trampoline. */
__attribute__((noinline)) static uint64_t
run_pkey(struct mpk_ctx *c, const struct trace_ref *r, size_t lo, size_t hi)
{
	uint64_t acc = 0;
	size_t i;

#pragma GCC unroll 4
	for (i = lo; i < hi; i++)
		acc += mpk_call(r[i].p, r[i].caplen, r[i].wirelen, c) != 0;
	return acc;
}

/* domain_results - results of [lo, hi) from the filter process, 'per'
 * packets per crossing, into 'out' (may be NULL); the accept count, or
 * UINT64_MAX when the process is gone. */
static uint64_t domain_results(struct domain *d, const struct trace_ref *r,
			       size_t lo, size_t hi, uint32_t per, uint32_t *out)
{
	uint32_t res[DOMAIN_BATCH], j;
	uint64_t acc = 0;
	size_t i;

	for (i = lo; i < hi; i += per) {
		uint32_t n = hi - i < per ? (uint32_t)(hi - i) : per;

		if (domain_run(d, r + i, n, res)) {
			fprintf(stderr, "pccf: bench: the filter process died\n");
			return UINT64_MAX;
		}
		for (j = 0; j < n; j++) {
			acc += res[j] != 0;
			if (out)
				out[i - lo + j] = res[j];
		}
	}
	return acc;
}

/* run_range - technique 'te' over [lo, hi); the accept count. */
static uint64_t run_range(const struct tech *te, const struct trace *t,
			  size_t lo, size_t hi)
{
	switch (te->id) {
	case TECH_INTERP:
		return run_interp(te->insns, t->ref, lo, hi);
	case TECH_PKEY:
		return run_pkey(te->pk, t->ref, lo, hi);
	case TECH_DOMAIN:
		return domain_results(te->dom, t->ref, lo, hi, 1, NULL);
	case TECH_DOMAIN_BATCH:
		return domain_results(te->dom, t->ref, lo, hi, DOMAIN_BATCH, NULL);
	default:
		return loop_of(te->id)(te->fn, t->ref, lo, hi);
	}
}

/* results - each packet's result under 'te' over [lo, hi) into 'out'
 * ('domain' crosses per packet only inside its sample, in batches after
 * it); 0, or -1 when a filter process died. */
static int results(const struct tech *te, const struct trace *t, size_t lo,
		   size_t hi, uint32_t *out)
{
	const struct trace_ref *r = t->ref;
	size_t i, cut;

	switch (te->id) {
	case TECH_INTERP:
		for (i = lo; i < hi; i++)
			out[i - lo] = baseline_interp(te->insns, r[i].p, r[i].caplen,
						      r[i].wirelen);
		return 0;
	case TECH_PKEY:
		for (i = lo; i < hi; i++)
			out[i - lo] = mpk_call(r[i].p, r[i].caplen, r[i].wirelen, te->pk);
		return 0;
	case TECH_DOMAIN:
	case TECH_DOMAIN_BATCH:
		cut = te->id == TECH_DOMAIN && te->sample > lo
			      ? (te->sample < hi ? te->sample : hi) : lo;
		if (cut > lo && domain_results(te->dom, r, lo, cut, 1, out) == UINT64_MAX)
			return -1;
		if (hi > cut && domain_results(te->dom, r, cut, hi, DOMAIN_BATCH,
					       out + (cut - lo)) == UINT64_MAX)
			return -1;
		return 0;
	default:
		for (i = lo; i < hi; i++)
			out[i - lo] = te->fn(r[i].p, r[i].caplen, r[i].wirelen, scratch);
		return 0;
	}
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

/* timed_packets - how many packets (from the first) 'te' is timed on. */
static size_t timed_packets(const struct tech *te, const struct trace *t)
{
	return te->sample && te->sample < t->n ? te->sample : t->n;
}

/* bench_check - see bench.h. */
int bench_check(const struct trace *t, const struct bench_filter *f,
		struct tech *te, struct bench_result *r)
{
	uint32_t *want = malloc(t->n * sizeof(*want));
	uint32_t *got = malloc(t->n * sizeof(*got));
	int bad = 0, k;
	size_t i;

	if (!want || !got) {
		fprintf(stderr, "pccf: out of memory\n");
		free(want);
		free(got);
		return -1;
	}
	results(&te[TECH_INTERP], t, 0, t->n, want);
	for (k = 0; k < TECH_N; k++) {
		size_t ns = timed_packets(&te[k], t);
		int shown = 0;
		uint64_t acc = 0, sacc = 0;

		if (!te[k].avail)
			continue;
		if (results(&te[k], t, 0, t->n, got)) {
			bad = 1;
			continue;
		}
		for (i = 0; i < t->n; i++) {
			acc += got[i] != 0;
			sacc += i < ns && got[i] != 0;
			if (agrees(te[k].cmp, want[i], got[i]))
				continue;
			if (shown++ < 5)
				fprintf(stderr, "pccf: bench: MISMATCH filter '%s' "
					"technique %s packet %zu (caplen %u, wirelen %u): "
					"interp %u, %s %u\n", f->expr, tech_name(te[k].id),
					i, t->pkt[i].caplen, t->pkt[i].wirelen, want[i],
					tech_name(te[k].id), got[i]);
			bad = 1;
		}
		if (shown > 5)
			fprintf(stderr, "pccf: bench: ... %d mismatches in all for %s\n",
				shown, tech_name(te[k].id));
		r->accepted[k] = acc;
		r->sample_accepted[k] = sacc;
	}
	free(want);
	free(got);
	return bad ? -1 : 0;
}

/* evict - read a buffer twice the size of the last-level cache. */
static void evict(const struct trace *t)
{
	static uint8_t *buf;
	uint64_t s = 0;
	size_t i;

	if (t->bytes + t->n * sizeof(*t->ref) > 2 * (size_t)EVICT_BYTES)
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
		const struct trace_ref *p = &t->ref[i];
		size_t end = p->caplen < TOUCH_BYTES ? p->caplen : TOUCH_BYTES;

		for (j = 0; j < end; j += 64)
			s += p->p[j];
		if (end)
			s += p->p[end - 1];
	}
	sink += s;
}

/* hot_window - 'te' over window [lo, hi) of the trace: its header lines
 * read first (untimed), then the filter run 'replays' times (timed);
 * adds the time to '*ns' and returns the accepts of one run. */
static uint64_t hot_window(const struct tech *te, const struct trace *t,
			   size_t lo, size_t hi, int replays, uint64_t *ns)
{
	uint64_t a = 0, t0;
	int r;

	touch(t, lo, hi);
	t0 = bench_now_ns();
	for (r = 0; r < replays; r++)
		a += run_range(te, t, lo, hi);
	*ns += bench_now_ns() - t0;
	return a / (uint64_t)replays;
}

/* cold_pass - one timed pass of 'te' over the whole trace (its timed
 * part), caches evicted first; ns in '*ns', accepts out. */
static uint64_t cold_pass(const struct tech *te, const struct trace *t,
			  uint64_t *ns)
{
	uint64_t acc, t0;

	evict(t);
	t0 = bench_now_ns();
	acc = run_range(te, t, 0, timed_packets(te, t));
	*ns = bench_now_ns() - t0;
	return acc;
}

/* order - the techniques of repetition 'rep' in a shuffled order
 * (Fisher-Yates, seeded by 'rep': the same on every run).  Whichever
 * technique runs right after another pays for the state the other left
 * (measured: up to 0.8 ns per packet on this VM for identical code);
 * shuffling spreads that over all of them instead of one fixed one. */
static void order(int rep, int *ord)
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(rep + 1);
	int i, j, t;

	for (i = 0; i < TECH_N; i++)
		ord[i] = i;
	for (i = TECH_N - 1; i > 0; i--) {
		x ^= x << 13;			/* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		j = (int)(x % (uint64_t)(i + 1));
		t = ord[i];
		ord[i] = ord[j];
		ord[j] = t;
	}
}

/* hot_pass - one repetition of hot mode over every technique that runs,
 * in order 'ord': the techniques take turns, 'turn' windows each (0: the
 * whole trace).  Times into ns[], accepts into acc[]. */
static void hot_pass(const struct tech *te, const struct trace *t,
		     const struct bench_result *r, int replays, size_t turn,
		     const int *ord, uint64_t *ns, uint64_t *acc)
{
	size_t step = turn ? turn * BENCH_WINDOW : t->n, lo0, lo, hi, end;
	int j, k;

	for (lo0 = 0; lo0 < t->n; lo0 += step)
		for (j = 0; j < TECH_N; j++) {
			k = ord[j];
			if (!r->t[k][MODE_HOT].ran)
				continue;
			end = timed_packets(&te[k], t);
			if (end > lo0 + step)
				end = lo0 + step;
			for (lo = lo0; lo < end; lo = hi) {
				hi = lo + BENCH_WINDOW < end ? lo + BENCH_WINDOW : end;
				acc[k] += hot_window(&te[k], t, lo, hi, replays,
						     &ns[k]);
			}
		}
}

/* bench_time - see bench.h. */
int bench_time(const struct trace *t, const struct bench_filter *f,
	       struct tech *te, enum bench_mode m, int reps, int replays,
	       size_t turn, struct bench_result *r)
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
	for (rep = 0; rep < reps; rep++) {
		uint64_t ns[TECH_N] = { 0 }, acc[TECH_N] = { 0 };
		int ord[TECH_N], j;

		order(rep, ord);
		if (m == MODE_HOT)
			hot_pass(te, t, r, replays, turn, ord, ns, acc);
		else
			for (j = 0; j < TECH_N; j++)
				if (r->t[ord[j]][m].ran)
					acc[ord[j]] = cold_pass(&te[ord[j]], t,
								&ns[ord[j]]);
		for (k = 0; k < TECH_N; k++) {
			struct bench_times *bt = &r->t[k][m];

			if (!bt->ran)
				continue;
			bt->ns[rep] = (double)ns[k] /
				      ((double)timed_packets(&te[k], t) * runs);
			bt->accepted = acc[k];
			if (acc[k] != r->sample_accepted[k] && !bad++)
				fprintf(stderr, "pccf: bench: filter '%s' technique %s "
					"accepted %llu packets in a timed pass, %llu in "
					"the check\n", f->expr, tech_name(te[k].id),
					(unsigned long long)acc[k],
					(unsigned long long)r->sample_accepted[k]);
		}
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
