/*
 * tech.c - the benchmark's techniques, instantiated for one filter.
 *
 *   interp   libpcap's bpf_filter on libpcap's optimised program
 *   checked  bpf2x86 checked_mode: a bounds check before every packet
 *            access; installed by host_install WITHOUT a proof check
 *   sfi      bpf2x86 sfi_mode (address masking); installed likewise; the
 *            trace is placed in one aligned segment for it (trace.c)
 *   jit      bpf2x86 in pcc's own mode (the options of compile_defaults),
 *            installed likewise WITHOUT a proof check: the same code as
 *            pcc, trusting the code generator (DPF, Linux's JIT)
 *   rust     the paper filters in safe Rust (bpf-baseline/rust)
 *   c        the paper filters in C, gcc -O2 (filters/paper/NAME_c.c)
 *   pcc      compile_bpf (bpf2x86 default mode + certify_annotated, as
 *            'pccf compile'), checked by pccf_verify up to PCCF_CHECK
 *            here, then host_install'ed: the only
 *            technique whose code the consumer has verified
 *   pkey     pcc's certified code, called through a WRPKRU trampoline
 *            that leaves only packet, scratch and stack accessible
 *            (pkey.c); unsupported where the CPU or kernel lacks keys
 *   domain-batch, domain
 *            pcc's certified code in a forked filter process, packets
 *            crossing a shared ring with one wake-up per DOMAIN_BATCH
 *            packets, or per packet (domain.c); 'domain' is timed on the
 *            first DOMAIN_SAMPLE packets only
 *   null     returns 0: the harness's own cost
 *
 * checked, sfi, jit and pcc run through the same installer, so they pay
 * the same call and return path (each relocated return installed as 'ret').
 * Untrusted tooling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "baseline.h"
#include "bpf2x86.h"
#include "compile.h"
#include "rewrite.h"
#include "verify.h"

#define PCCF_STR_(x) #x
#define PCCF_STR(x) PCCF_STR_(x)

/* ORDER TECH */
static const char *const names[TECH_N] = {
	"interp", "checked", "sfi", "jit", "rust", "c", "pcc", "pkey",
	"domain-batch", "domain", "null"
};

/* tech_name - see bench.h. */
const char *tech_name(enum tech_id id)
{
	return (unsigned)id < TECH_N ? names[id] : "?";
}

/* tech_parse - see bench.h. */
int tech_parse(const char *name)
{
	int i;

	for (i = 0; i < TECH_N; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/* tech_compile - see bench.h. */
int tech_compile(const char *expr, struct bpf_program *prog, char *err,
		 size_t errlen)
{
	return baseline_interp_compile(expr, prog, err, errlen);
}

/* unavailable - mark 'te' as not running, for the reason 'fmt'. */
__attribute__((noinline)) static int
unavailable(struct tech *te, const char *fmt, const char *arg)
{
	te->avail = 0;
	snprintf(te->why, sizeof(te->why), fmt, arg);
	return 0;
}

/* compile_x86 - bpf2x86 in the mode of 'id' into 'code'; 0 or -1 with
 * the compiler's message in 'err'. */
static int compile_x86(enum tech_id id, const struct bench_filter *f,
		       struct buf *code, char *err, size_t errlen)
{
	struct compile_opts co;
	struct bpf2x86_opts o;
	struct bpf2x86_annot *an = NULL;
	uint32_t nan = 0;
	int rc;

	compile_defaults(&co);	/* jit: exactly pcc's compiler options */
	o = co.x86;
	o.checked_mode = id == TECH_CHECKED;
	o.sfi_mode = id == TECH_SFI;
	rc = bpf2x86(f->prog.bf_insns, f->prog.bf_len, &o, code, &an, &nan,
		     err, errlen);
	free(an);
	return rc;
}

/* install_plain - install 'code' (bare returns) through the consumer's
 * installer without any proof check, as checked/sfi are. */
static int install_plain(struct tech *te, const struct buf *code, char *err,
			 size_t errlen)
{
	struct buf rw = { 0 };
	uint32_t *rel = NULL, nrel = 0;
	struct x86_relocs xr;
	struct pccf_err e;
	struct obj o;
	int rc = -1;

	memset(&e, 0, sizeof(e));
	memset(&o, 0, sizeof(o));
	if (rewrite_returns(code->p, code->n, &rw, &rel, &nrel, err, errlen))
		goto out;
	o.code = rw.p;
	o.ncode = (u32)rw.n;
	xr.off = rel;
	xr.n = nrel;
	if (host_install(&o, &xr, &te->hf, &e)) {
		snprintf(err, errlen, "host_install: %s", e.msg);
		goto out;
	}
	te->code_bytes = (uint32_t)rw.n;
	te->fn = (tech_fn)te->hf.fn;
	rc = 0;
out:
	free(rw.p);
	free(rel);
	return rc;
}

/* median_of - median of 'n' doubles (sorted in place). */
static double median_of(double *v, int n)
{
	return bench_median(v, n);
}

/* time_load - medians over 'runs' interleaved runs of pccf_verify up to
 * each stage, into te->load. */
static void time_load(struct tech *te, const struct buf *obj,
		      const struct pccf_limits *lim, struct pccf_arena *ar,
		      int runs)
{
	double *t[3];
	struct pccf_verified v;
	struct pccf_err e;
	int i, s;

	for (s = 0; s < 3; s++)
		t[s] = calloc((size_t)runs, sizeof(double));
	for (i = 0; i < runs; i++)
		for (s = PCCF_PARSE; s <= PCCF_CHECK; s++) {
			uint64_t t0;

			ar->used = 0;
			t0 = bench_now_ns();
			pccf_verify(obj->p, (u32)obj->n, lim, (enum pccf_stage)s,
				    ar, &v, &e);
			t[s][i] = (double)(bench_now_ns() - t0) / 1e3;
		}
	te->load.parse_us = median_of(t[PCCF_PARSE], runs);
	te->load.vcgen_us = median_of(t[PCCF_VCGEN], runs);
	te->load.total_us = median_of(t[PCCF_CHECK], runs);
	te->load.check_us = te->load.total_us > te->load.vcgen_us
				    ? te->load.total_us - te->load.vcgen_us : 0;
	for (s = 0; s < 3; s++)
		free(t[s]);
}

/* setup_pcc - compile, certify, verify, time the verification, install. */
static int setup_pcc(const struct bench_filter *f, struct tech *te,
		     int load_runs, char *err, size_t errlen)
{
	struct buf obj = { 0 };
	struct compile_opts co;
	struct pccf_limits lim;
	struct pccf_arena ar = { 0 };
	struct pccf_verified v;
	struct pccf_err e;
	char msg[512];

	memset(&e, 0, sizeof(e));
	pccf_default_limits(&lim);
	compile_defaults(&co);
	if (compile_bpf(f->prog.bf_insns, f->prog.bf_len, &co, &obj, msg,
			sizeof(msg))) {
		unavailable(te, "compile/certify failed: %s", msg);
		goto out;
	}
	ar.size = pccf_arena_bytes(&lim);
	ar.base = malloc(ar.size);
	if (!ar.base) {
		snprintf(err, errlen, "out of memory (arena)");
		free(obj.p);
		return -1;
	}
	if (obj.n > UINT32_MAX ||
	    pccf_verify(obj.p, (u32)obj.n, &lim, PCCF_CHECK, &ar, &v, &e)) {
		unavailable(te, "the consumer rejects the object: %s", e.msg);
		goto out;
	}
	if (host_install(&v.obj, &v.rel, &te->hf, &e)) {
		unavailable(te, "host_install failed: %s", e.msg);
		goto out;
	}
	te->avail = 1;
	te->certified = 1;
	te->fn = (tech_fn)te->hf.fn;
	te->code_bytes = v.obj.ncode;
	te->load.code_bytes = v.obj.ncode;
	te->load.proof_bytes = v.obj.nproof;
	te->load.annot_bytes = v.obj.nannot;
	te->load.proof_nodes = v.proof_nodes;
	if (load_runs > 0)
		time_load(te, &obj, &lim, &ar, load_runs);
out:
	free(ar.base);
	free(obj.p);
	return 0;
}

/* setup_uncertified - checked, sfi or jit: compile and install, no
 * proof. */
static int setup_uncertified(enum tech_id id, const struct bench_filter *f,
			     const struct trace *t, struct tech *te)
{
	struct buf code = { 0 };
	char msg[512];

	if (id == TECH_SFI && !t->in_segment) {
		snprintf(msg, sizeof(msg), "%zu", t->bytes);
		return unavailable(te, "trace of %s bytes does not fit one SFI "
				   "segment of 2^" PCCF_STR(TRACE_SEG_BITS) " bytes", msg);
	}
	if (compile_x86(id, f, &code, msg, sizeof(msg)))
		unavailable(te, "not available: %s", msg);
	else if (install_plain(te, &code, msg, sizeof(msg)))
		unavailable(te, "cannot install: %s", msg);
	else
		te->avail = 1;
	free(code.p);
	return 0;
}

/* setup_pkey - pcc's code behind protection keys (or the reason why
 * this machine cannot). */
static int setup_pkey(const struct bench_filter *f, const struct trace *t,
		      struct tech *te, char *err, size_t errlen)
{
	char why[300];

	if (mpk_probe(why, sizeof(why)))
		return unavailable(te, "%s", why);
	if (setup_pcc(f, te, 0, err, errlen) || !te->avail)
		return 0;
	te->pk = mpk_setup(te->fn, t, why, sizeof(why));
	if (!te->pk) {
		te->avail = 0;
		return unavailable(te, "unsupported here: %s", why);
	}
	return 0;
}

/* setup_domain - pcc's code in a filter process. */
static int setup_domain(enum tech_id id, const struct bench_filter *f,
			struct tech *te, char *err, size_t errlen)
{
	char why[300];

	if (setup_pcc(f, te, 0, err, errlen) || !te->avail)
		return 0;
	te->dom = domain_start(te->fn, why, sizeof(why));
	if (!te->dom) {
		te->avail = 0;
		return unavailable(te, "cannot start the filter process: %s", why);
	}
	if (id == TECH_DOMAIN)
		te->sample = DOMAIN_SAMPLE;
	return 0;
}

/* tech_setup - see bench.h. */
int tech_setup(enum tech_id id, const struct bench_filter *f,
	       const struct trace *t, struct tech *te, int load_runs, char *err,
	       size_t errlen)
{
	baseline_fn fn;

	memset(te, 0, sizeof(*te));
	te->id = id;
	te->cmp = CMP_EXACT;
	switch (id) {
	case TECH_INTERP:
		te->insns = f->prog.bf_insns;
		te->avail = 1;
		return 0;
	case TECH_CHECKED:
	case TECH_SFI:
	case TECH_JIT:
		return setup_uncertified(id, f, t, te);
	case TECH_PCC:
		return setup_pcc(f, te, load_runs, err, errlen);
	case TECH_PKEY:
		return setup_pkey(f, t, te, err, errlen);
	case TECH_DOMAIN:
	case TECH_DOMAIN_BATCH:
		return setup_domain(id, f, te, err, errlen);
	case TECH_RUST:
	case TECH_C:
		te->cmp = CMP_NONZERO;
		if (f->paper < 0)
			return unavailable(te, "%s", "n/a (paper filters only)");
		fn = id == TECH_C ? baseline_c(f->name) : baseline_rust(f->name);
		if (!fn)
			return unavailable(te, "%s", id == TECH_C ? "n/a"
					   : baseline_rust_missing);
		te->fn = fn;
		te->avail = 1;
		return 0;
	case TECH_NULL:
		te->cmp = CMP_NONE;
		te->fn = baseline_null;
		te->avail = 1;
		return 0;
	default:
		snprintf(err, errlen, "unknown technique %d", (int)id);
		return -1;
	}
}

/* tech_compare_jit - see bench.h. */
void tech_compare_jit(struct tech *te)
{
	const struct host_filter *a = &te[TECH_JIT].hf, *b = &te[TECH_PCC].hf;

	te[TECH_JIT].same_as_pcc = te[TECH_JIT].avail && te[TECH_PCC].avail &&
				   a->ncode == b->ncode &&
				   !memcmp(a->map, b->map, a->ncode);
}

/* tech_release - see bench.h. */
void tech_release(struct tech *te)
{
	domain_stop(te->dom);
	te->dom = NULL;
	mpk_free(te->pk);
	te->pk = NULL;
	host_free(&te->hf);
	te->fn = NULL;
	te->insns = NULL;
}
