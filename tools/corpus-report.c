/*
 * corpus-report.c - per-expression numbers of the certifying compiler
 * over the corpus (issue 3): a CSV and a summary with medians and maxima.
 *
 * For every expression of corpus/filters/en10mb.txt that libpcap 1.10.3
 * compiles (EN10MB, snaplen 262144, optimizer on, netmask unknown: the
 * defaults of 'pccf compile') and whose BPF is loop-free, one CSV row:
 *
 *   expr         the expression (quoted as RFC 4180 asks)
 *   bpf_insns    libpcap's BPF instructions
 *   code_bytes   x86-64 code in the object (returns rewritten)
 *   proof_bytes  proof section
 *   annot_bytes  annotation section (join invariants)
 *   compile_us   libpcap + bpf2x86 + certify (VC, proof, and the
 *                producer's own self-check with the consumer): median of
 *                -c runs
 *   vcgen_us     pccf_verify up to PCCF_VCGEN (parse + VC generation):
 *                median of -r runs
 *   check_us     the proof check alone: median of -r runs of pccf_verify
 *                up to PCCF_CHECK minus vcgen_us, as 'pccf check' prints
 *                it; vcgen_us + check_us is the consumer's whole
 *                load-time cost (MISSION §8: VC generation + proof check)
 *
 * Then it prints how many expressions were measured and skipped (and
 * why), and for every column the median and maximum, the median of
 * vcgen_us + check_us, and the median proof/code ratio.
 *
 * Usage: corpus-report [-o FILE.csv] [-r RUNS] [-c RUNS] [-C CORPUS]
 *   defaults: -o build/corpus.csv -r 21 -c 5 -C $PCCF_CORPUS or
 *   ../shared/corpus.  Name fixtures are installed in a private mount
 *   namespace when run as root, as tests/test_bpf2x86.c does; otherwise
 *   the expressions that need them are skipped and counted.
 *
 * Untrusted tool; links the library like the tests do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "compile.h"
#include "verify.h"
#include "fixtures.h"

/* One measured expression; times in nanoseconds. */
struct row {
	char *expr;
	uint32_t bpf, code, proof, annot;
	uint64_t compile_ns, vcgen_ns, check_ns;
};

static const char *corpus;

/* now_ns - a monotonic clock in nanoseconds. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* cmpu64 - qsort order for uint64_t. */
static int cmpu64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* median - the median of 'n' values (sorts them; upper median). */
static uint64_t median(uint64_t *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmpu64);
	return v[n / 2];
}

/* ---------------------------------------------------------------- */
/* Measuring                                                         */

/*
 * measure - compile 'expr' 'crun' times (keeping the last object) and
 * verify it 'vrun' times per stage; fills 'r'.  Returns 0, 1 when
 * libpcap rejects the expression, 2 when its BPF loops, -1 on a
 * compiler or consumer failure (message in 'err').
 */
static int measure(const char *expr, int crun, int vrun,
		   struct pccf_arena *ar, const struct pccf_limits *lim,
		   struct row *r, char *err, size_t errlen)
{
	struct compile_opts o;
	struct pccf_verified v;
	struct pccf_err e;
	struct buf obj = { 0 };
	uint64_t *tc = calloc((size_t)crun, sizeof(*tc));
	uint64_t *tv = calloc((size_t)vrun, sizeof(*tv));
	uint64_t *tk = calloc((size_t)vrun, sizeof(*tk));
	uint64_t mv, mk;
	int i, rc = -1;

	compile_defaults(&o);
	for (i = 0; i < crun; i++) {
		struct bpf_program prog;
		uint64_t t0 = now_ns();

		free(obj.p);
		memset(&obj, 0, sizeof(obj));
		if (compile_expr(expr, &o, &prog, err, errlen)) {
			rc = 1;
			goto out;
		}
		if (bpf2x86_validate(prog.bf_insns, prog.bf_len, err, errlen)) {
			pcap_freecode(&prog);
			rc = 2;
			goto out;
		}
		r->bpf = prog.bf_len;
		if (compile_bpf(prog.bf_insns, prog.bf_len, &o, &obj, err,
				errlen)) {
			pcap_freecode(&prog);
			goto out;
		}
		pcap_freecode(&prog);
		tc[i] = now_ns() - t0;
	}
	for (i = -1; i < vrun; i++) {	/* one warm-up run */
		enum pccf_stage st[2] = { PCCF_VCGEN, PCCF_CHECK };
		uint64_t t[2];
		int s;

		for (s = 0; s < 2; s++) {
			uint64_t t0;

			memset(&e, 0, sizeof(e));
			ar->used = 0;
			t0 = now_ns();
			if (pccf_verify(obj.p, (u32)obj.n, lim, st[s], ar, &v,
					&e)) {
				snprintf(err, errlen, "consumer rejects: %s",
					 e.msg);
				goto out;
			}
			t[s] = now_ns() - t0;
		}
		if (i >= 0) {
			tv[i] = t[0];
			tk[i] = t[1];
		}
	}
	r->code = v.obj.ncode;
	r->proof = v.obj.nproof;
	r->annot = v.obj.nannot;
	r->compile_ns = median(tc, (size_t)crun);
	mv = median(tv, (size_t)vrun);
	mk = median(tk, (size_t)vrun);
	r->vcgen_ns = mv;
	r->check_ns = mk > mv ? mk - mv : 0;
	rc = 0;
out:
	free(obj.p);
	free(tc);
	free(tv);
	free(tk);
	return rc;
}

/* csv_field - 's' as a CSV field (quoted when it needs to be). */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* us - nanoseconds as microseconds, 1 decimal. */
static double us(uint64_t ns)
{
	return ns / 1000.0;
}

/* summary - median and maximum of one column. */
static void summary(const char *name, const struct row *rs, size_t n,
		    uint64_t (*get)(const struct row *), int is_time)
{
	uint64_t *v = calloc(n ? n : 1, sizeof(*v)), mx = 0, med;
	size_t i, at = 0;

	for (i = 0; i < n; i++) {
		v[i] = get(&rs[i]);
		if (v[i] > mx) {
			mx = v[i];
			at = i;
		}
	}
	med = median(v, n);
	if (is_time)
		printf("  %-12s median %9.1f  max %9.1f  (%s)\n", name, us(med),
		       us(mx), n ? rs[at].expr : "");
	else
		printf("  %-12s median %9" PRIu64 "  max %9" PRIu64 "  (%s)\n",
		       name, med, mx, n ? rs[at].expr : "");
	free(v);
}

static uint64_t g_bpf(const struct row *r) { return r->bpf; }
static uint64_t g_code(const struct row *r) { return r->code; }
static uint64_t g_proof(const struct row *r) { return r->proof; }
static uint64_t g_annot(const struct row *r) { return r->annot; }
static uint64_t g_comp(const struct row *r) { return r->compile_ns; }
static uint64_t g_vc(const struct row *r) { return r->vcgen_ns; }
static uint64_t g_chk(const struct row *r) { return r->check_ns; }
static uint64_t g_all(const struct row *r) { return r->vcgen_ns + r->check_ns; }

/* usage - print the synopsis; exit status 2. */
static int usage(void)
{
	fprintf(stderr, "usage: corpus-report [-o FILE.csv] [-r RUNS] "
		"[-c RUNS] [-C CORPUS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *out = "build/corpus.csv";
	int vrun = 21, crun = 5, opt, fix, failures = 0;
	unsigned fixture = 0, rejected = 0, loops = 0;
	struct pccf_limits lim;
	struct pccf_arena ar;
	struct row *rs = NULL;
	size_t nr = 0, nexpr = 0, i;
	uint64_t tcode = 0, tproof = 0, *ratio;
	char path[PATH_MAX], *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	FILE *in, *csv;

	corpus = getenv("PCCF_CORPUS") ? getenv("PCCF_CORPUS")
				       : "../shared/corpus";
	while ((opt = getopt(argc, argv, "o:r:c:C:h")) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'r': vrun = atoi(optarg); break;
		case 'c': crun = atoi(optarg); break;
		case 'C': corpus = optarg; break;
		default: return usage();
		}
	}
	if (optind != argc || vrun < 1 || crun < 1)
		return usage();
	snprintf(path, sizeof(path), "%s/filters/en10mb.txt", corpus);
	in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "corpus-report: %s: %s\n", path, strerror(errno));
		return 1;
	}
	csv = fopen(out, "w");
	if (!csv) {
		fprintf(stderr, "corpus-report: %s: %s\n", out, strerror(errno));
		return 1;
	}
	pccf_default_limits(&lim);
	ar.size = pccf_arena_bytes(&lim);
	ar.base = malloc(ar.size);
	ar.used = 0;
	fix = fixtures_setup(corpus);
	{	/* warm up libpcap's first-use costs (services, protocols) */
		struct row w = { 0 };
		char err[1024];

		measure("ip", 1, 1, &ar, &lim, &w, err, sizeof(err));
	}
	fprintf(csv, "expr,bpf_insns,code_bytes,proof_bytes,annot_bytes,"
		"compile_us,vcgen_us,check_us\n");
	while ((len = getline(&line, &lcap, in)) >= 0) {
		struct row r = { 0 };
		char err[1024];
		int rc;

		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		nexpr++;
		if (!fix && strcasestr(line, "libpcap.test")) {
			fixture++;
			continue;
		}
		if (isatty(2))
			fprintf(stderr, "\r%zu expressions", nexpr);
		rc = measure(line, crun, vrun, &ar, &lim, &r, err, sizeof(err));
		if (rc == 1) {
			rejected++;
			continue;
		}
		if (rc == 2) {
			loops++;
			continue;
		}
		if (rc < 0) {
			failures++;
			fprintf(stderr, "corpus-report: '%s': %s\n", line, err);
			continue;
		}
		r.expr = strdup(line);
		csv_field(csv, line);
		fprintf(csv, ",%u,%u,%u,%u,%.1f,%.1f,%.1f\n", r.bpf, r.code,
			r.proof, r.annot, us(r.compile_ns), us(r.vcgen_ns),
			us(r.check_ns));
		rs = realloc(rs, (nr + 1) * sizeof(*rs));
		rs[nr++] = r;
	}
	if (isatty(2))
		fprintf(stderr, "\n");
	free(line);
	fclose(in);
	if (fclose(csv)) {
		fprintf(stderr, "corpus-report: %s: %s\n", out, strerror(errno));
		return 1;
	}
	fixtures_done();
	printf("corpus-report: %zu expressions in %s: %zu measured, %u "
	       "rejected by libpcap 1.10.3, %u protochain (BPF loop, not "
	       "certifiable), %u need name fixtures (not available), %d "
	       "failed\n", nexpr, path, nr, rejected, loops, fixture, failures);
	printf("corpus-report: wrote %s (times: compile median of %d runs, "
	       "VC gen and check medians of %d runs)\n", out, crun, vrun);
	printf("  column       median (us for times)  max  (max's expression)\n");
	summary("bpf_insns", rs, nr, g_bpf, 0);
	summary("code_bytes", rs, nr, g_code, 0);
	summary("proof_bytes", rs, nr, g_proof, 0);
	summary("annot_bytes", rs, nr, g_annot, 0);
	summary("compile_us", rs, nr, g_comp, 1);
	summary("vcgen_us", rs, nr, g_vc, 1);
	summary("check_us", rs, nr, g_chk, 1);
	summary("vc+check_us", rs, nr, g_all, 1);
	ratio = calloc(nr ? nr : 1, sizeof(*ratio));
	for (i = 0; i < nr; i++) {
		tcode += rs[i].code;
		tproof += rs[i].proof;
		ratio[i] = rs[i].code ? rs[i].proof * 1000000ull / rs[i].code : 0;
	}
	printf("  proof/code   median %.3f  (total %" PRIu64 " / %" PRIu64
	       " bytes = %.3f)\n", median(ratio, nr) / 1e6, tproof, tcode,
	       tcode ? (double)tproof / tcode : 0.0);
	for (i = 0; i < nr; i++)
		free(rs[i].expr);
	free(rs);
	free(ratio);
	free(ar.base);
	return failures ? 1 : 0;
}
