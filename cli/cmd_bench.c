/*
 * cmd_bench.c - 'pccf bench': replay a trace through every technique
 * (libpcap's interpreter, bounds-checked, SFI, unverified JIT, safe Rust,
 * C, PCC, protection keys, a separate process per batch or per packet,
 * null)
 * on the same filters and packets, cross-check every packet's result
 * against the interpreter, time hot and cold passes, and print the
 * comparison (table, CSV, charts).  The pipeline: options -> trace ->
 * filters -> per filter: set up techniques, check, time -> reports.
 * Untrusted glue around bench/ and bpf-baseline/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "../bench/bench.h"
#include "../filters/paper/paper.h"

#define LOAD_RUNS 101		/* pccf_verify runs per stage for the medians */

/* The table entry's texts (cli/pccf.c: synopsis, summary, help). */
const char cmd_bench_synopsis[] =
	"bench [--trace F.pcap|DIR] [--filters paper|corpus|FILE] "
	"[--mode hot|cold|both] [--reps N] [--csv OUT] [--plot DIR] "
	"[--tech LIST] [--packets N] [--seed N] [--hot-replays K] "
	"[--turn N|pass] [--quick]";
const char cmd_bench_summary[] =
	"compare techniques on a trace: interpreter, checked, SFI, JIT, Rust, C, "
	"PCC, pkeys, processes";
const char cmd_bench_help[] =
	"Runs each filter as libpcap's interpreter (interp), bounds-checked native\n"
	"code (checked), SFI native code (sfi), safe Rust (rust) and gcc -O2 C (c;\n"
	"these two for the paper's four filters only), certified PCC native code\n"
	"(pcc), the same compiler output without its proof (jit), pcc's code\n"
	"behind memory protection keys (pkey; \"unsupported here\" without them) or\n"
	"in a separate process reached through a shared ring, one wake-up per 256\n"
	"packets (domain-batch) or per packet (domain, timed on the first 20000\n"
	"packets), and an empty filter showing the harness's cost (null), on the\n"
	"same packets.  Every technique's result on every packet is compared with\n"
	"the interpreter's first: a mismatch is an error (exit 1).  checked, sfi\n"
	"and jit run the compiler's output without a proof check (marked *).\n"
	"The table also gives each technique's trusted lines of code.\n"
	"\n"
	"  --trace F      a pcap file, or a directory of them (Ethernet files used);\n"
	"                 default: the seeded synthetic trace, generated once and\n"
	"                 cached as CACHE/trace-sSEED-nN.pcap (CACHE: $PCCF_BENCH_CACHE,\n"
	"                 else build/bench if ./build exists, else ~/.cache/pccf)\n"
	"  --filters X    paper (default): the paper's four; corpus: every expression\n"
	"                 of the corpus's en10mb.txt that compiles ($PCCF_CORPUS, else\n"
	"                 ../shared/corpus); FILE: one expression per line (# comments)\n"
	"  --mode M       hot (windows of 256 packets already in cache), cold (the\n"
	"                 whole trace streamed) or both (default)\n"
	"  --hot-replays K  hot mode runs each window K times in a row (default 1:\n"
	"                 once, right after it was read into the cache; K > 1 lets\n"
	"                 the branch predictor learn the window)\n"
	"  --turn N       hot mode: the techniques take turns of N windows each\n"
	"                 (default 'pass': each runs the whole trace, then the next)\n"
	"  --reps N       timed repetitions, techniques interleaved (default 11)\n"
	"  --csv OUT      rows filter,mode,technique,ns_median,ns_min,ns_max,accepted,packets\n"
	"  --plot DIR     PNG charts (gnuplot): fig8-MODE.png, and breakeven-NAME.png\n"
	"                 (cumulative cost; NAME: the paper name or the filter number)\n"
	"  --tech LIST    comma-separated techniques (default all; interp always runs)\n"
	"  --packets N    packets in the synthetic trace (default 200000)\n"
	"  --seed N       seed of the synthetic trace (default 1)\n"
	"  --quick        correctness only: cross-check and accept counts, no timing\n"
	"  --corrupt T    (for tests) flip technique T's result on one packet, to\n"
	"                 show that the cross-check catches it\n";

/* Everything the options ask for. */
struct opts {
	const char *trace, *filters, *csv, *plot;
	struct bench_sel sel;
	size_t packets;
	uint64_t seed;
	int quick, corrupt;
};

/* number - 'v' parsed as a decimal >= 'min'; -1 on error. */
static long long number(const char *v, long long min)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (!*v || *end || errno || n < min)
		return -1;
	return n;
}

/* parse_tech - the --tech list into o->sel.tech; 0 or -1. */
static int parse_tech(struct opts *o, const char *list)
{
	char buf[256], *s, *save = NULL;
	int k;

	snprintf(buf, sizeof(buf), "%s", list);
	memset(o->sel.tech, 0, sizeof(o->sel.tech));
	for (s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		k = tech_parse(s);
		if (k < 0)
			return cli_usage("bench", "unknown technique '%s'", s), -1;
		o->sel.tech[k] = 1;
	}
	o->sel.tech[TECH_INTERP] = 1;	/* the reference is always run */
	return 0;
}

/* parse - the options into 'o'; 0, or an exit status. */
static int parse(int argc, char **argv, struct opts *o)
{
	int i, k;

	memset(o, 0, sizeof(*o));
	o->filters = "paper";
	o->sel.reps = 11;
	o->sel.replays = 1;
	o->sel.mode[MODE_HOT] = o->sel.mode[MODE_COLD] = 1;
	o->packets = TRACE_DEFAULT_PACKETS;
	o->seed = TRACE_DEFAULT_SEED;
	o->corrupt = -1;
	for (k = 0; k < TECH_N; k++)
		o->sel.tech[k] = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long long n;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("usage: pccf %s\n\n%s.\n\n%s", cmd_bench_synopsis,
			       cmd_bench_summary, cmd_bench_help);
			return -EXIT_OK - 1000;
		}
		if (!strcmp(a, "--quick")) {
			o->quick = 1;
			continue;
		}
		if (!v)
			return cli_usage("bench", "unknown or incomplete option '%s'", a);
		i++;
		if (!strcmp(a, "--trace"))
			o->trace = v;
		else if (!strcmp(a, "--filters"))
			o->filters = v;
		else if (!strcmp(a, "--csv"))
			o->csv = v;
		else if (!strcmp(a, "--plot"))
			o->plot = v;
		else if (!strcmp(a, "--tech")) {
			if (parse_tech(o, v))
				return EXIT_USAGE;
		} else if (!strcmp(a, "--corrupt")) {
			if ((o->corrupt = tech_parse(v)) < 0)
				return cli_usage("bench", "unknown technique '%s'", v);
		} else if (!strcmp(a, "--mode")) {
			o->sel.mode[MODE_HOT] = !strcmp(v, "hot") || !strcmp(v, "both");
			o->sel.mode[MODE_COLD] = !strcmp(v, "cold") || !strcmp(v, "both");
			if (!o->sel.mode[MODE_HOT] && !o->sel.mode[MODE_COLD])
				return cli_usage("bench", "--mode takes hot, cold or both");
		} else if (!strcmp(a, "--reps")) {
			if ((n = number(v, 1)) < 0 || n > 100000)
				return cli_usage("bench", "--reps takes a number >= 1");
			o->sel.reps = (int)n;
		} else if (!strcmp(a, "--hot-replays")) {
			if ((n = number(v, 1)) < 0 || n > 100000)
				return cli_usage("bench", "--hot-replays takes a number >= 1");
			o->sel.replays = (int)n;
		} else if (!strcmp(a, "--turn")) {
			if (!strcmp(v, "pass"))
				n = 0;
			else if ((n = number(v, 1)) < 0 || n > 100000000)
				return cli_usage("bench", "--turn takes a number >= 1 or 'pass'");
			o->sel.turn = (size_t)n;
		} else if (!strcmp(a, "--packets")) {
			if ((n = number(v, 1)) < 0 || n > 100000000)
				return cli_usage("bench", "--packets takes a number >= 1");
			o->packets = (size_t)n;
		} else if (!strcmp(a, "--seed")) {
			if ((n = number(v, 0)) < 0)
				return cli_usage("bench", "--seed takes a number >= 0");
			o->seed = (uint64_t)n;
		} else
			return cli_usage("bench", "unknown option '%s'", a);
	}
	return 0;
}

/* ---- the trace ---------------------------------------------------------- */

/* cache_dir - where the generated trace is kept (created if needed). */
static const char *cache_dir(char *b, size_t n)
{
	const char *e = getenv("PCCF_BENCH_CACHE"), *home = getenv("HOME");
	struct stat st;

	if (e && *e)
		snprintf(b, n, "%s", e);
	else if (!stat("build", &st) && S_ISDIR(st.st_mode))
		snprintf(b, n, "build/bench");
	else
		snprintf(b, n, "%s/.cache/pccf", home ? home : "/tmp");
	return b;
}

/* mkdirs - mkdir -p 'path'; 0 or -1. */
static int mkdirs(const char *path)
{
	char b[4096], *p;

	snprintf(b, sizeof(b), "%s", path);
	for (p = b + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(b, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(b, 0777) && errno != EEXIST ? -1 : 0;
}

/* get_trace - load --trace, or generate (once) and load the default. */
static int get_trace(const struct opts *o, struct trace *t)
{
	char dir[4096], path[4200], err[512];
	struct stat st;

	if (o->trace) {
		if (trace_load(t, o->trace, err, sizeof(err)))
			return cli_err("%s", err);
		return 0;
	}
	cache_dir(dir, sizeof(dir));
	if (mkdirs(dir))
		return cli_err("cannot create %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/trace-s%llu-n%zu.pcap", dir,
		 (unsigned long long)o->seed, o->packets);
	if (stat(path, &st)) {
		if (isatty(2))
			fprintf(stderr, "pccf: generating %s ...\n", path);
		if (trace_generate(path, o->seed, o->packets, err, sizeof(err)))
			return cli_err("%s", err);
	}
	if (trace_load(t, path, err, sizeof(err)))
		return cli_err("%s", err);
	return 0;
}

/* ---- the filters -------------------------------------------------------- */

/* A growable list of filters. */
struct flist {
	struct bench_filter *f;
	size_t n, cap, skipped;
	char **owned;		/* expression strings to free */
	size_t nowned;
};

/* add - compile 'expr' and append it (named 'name'); a compile failure
 * counts as skipped when 'skip_bad', else it is an error. */
static int add(struct flist *l, const char *name, const char *expr,
	       int paper, int skip_bad)
{
	struct bench_filter *f;
	char err[512];

	if (l->n == l->cap) {
		size_t c = l->cap ? 2 * l->cap : 16;
		struct bench_filter *q = realloc(l->f, c * sizeof(*q));

		if (!q)
			return cli_err("out of memory");
		l->f = q;
		l->cap = c;
	}
	f = &l->f[l->n];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->expr = expr;
	f->paper = paper;
	if (tech_compile(expr, &f->prog, err, sizeof(err))) {
		if (skip_bad) {
			l->skipped++;
			return 0;
		}
		return cli_err("cannot compile '%s': %s", expr, err);
	}
	l->n++;
	return 0;
}

/* paper_index - the paper filter whose expression is 'expr', or -1. */
static int paper_index(const char *expr, const char **name)
{
	static const struct paper_filter t[] = PAPER_TABLE_INIT;
	int i;

	for (i = 0; i < PAPER_NFILTERS; i++)
		if (!strcmp(t[i].expr, expr)) {
			*name = t[i].name;
			return i;
		}
	return -1;
}

/* corpus_file - the corpus's en10mb.txt. */
static const char *corpus_file(char *b, size_t n)
{
	const char *e = getenv("PCCF_CORPUS");
	struct stat st;

	snprintf(b, n, "%s/filters/en10mb.txt", e && *e ? e : "../shared/corpus");
	if (stat(b, &st))
		snprintf(b, n, "/work/shared/corpus/filters/en10mb.txt");
	return b;
}

/* read_list - expressions from 'path', one a line ('#' comments). */
static int read_list(struct flist *l, const char *path, int skip_bad)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	if (!f)
		return cli_err("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\r\n");
		const char *name;
		char *e, **q;
		int p;

		line[len] = 0;
		if (!len || line[0] == '#')
			continue;
		q = realloc(l->owned, (l->nowned + 1) * sizeof(*q));
		if (!q || !(e = strdup(line))) {
			fclose(f);
			return cli_err("out of memory");
		}
		l->owned = q;
		l->owned[l->nowned++] = e;
		name = e;
		p = paper_index(e, &name);
		if (add(l, name, e, p, skip_bad)) {
			fclose(f);
			return EXIT_FAIL;
		}
	}
	fclose(f);
	return 0;
}

/* get_filters - the --filters selection into 'l'. */
static int get_filters(const struct opts *o, struct flist *l)
{
	static const struct paper_filter t[] = PAPER_TABLE_INIT;
	char path[4096];
	int i;

	memset(l, 0, sizeof(*l));
	if (!strcmp(o->filters, "paper")) {
		for (i = 0; i < PAPER_NFILTERS; i++)
			if (add(l, t[i].name, t[i].expr, i, 0))
				return EXIT_FAIL;
		return 0;
	}
	if (!strcmp(o->filters, "corpus"))
		return read_list(l, corpus_file(path, sizeof(path)), 1);
	return read_list(l, o->filters, 0);
}

/* free_filters - release 'l'. */
static void free_filters(struct flist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		pcap_freecode(&l->f[i].prog);
	for (i = 0; i < l->nowned; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->f);
}

/* ---- running ------------------------------------------------------------ */

/* cpu_name - the CPU's model name from /proc/cpuinfo. */
static const char *cpu_name(char *b, size_t n)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(b, n, "unknown CPU");
	if (!f)
		return b;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(b, n, "%s", strchr(line, ':') + 2);
			b[strcspn(b, "\n")] = 0;
			break;
		}
	fclose(f);
	return b;
}

/* corrupt_one - for --corrupt: wrap technique 'k' so that its result on
 * one accepted-or-rejected packet differs (test of the cross-check). */
static const struct trace *corrupt_trace;
static tech_fn corrupt_inner;
static uint32_t corrupt_fn(const uint8_t *pkt, uint64_t caplen,
			   uint64_t wirelen, uint32_t *mem)
{
	uint32_t r = corrupt_inner(pkt, caplen, wirelen, mem);

	if (pkt == corrupt_trace->data + corrupt_trace->pkt[corrupt_trace->n / 2].off)
		r = r ? 0 : 262144;
	return r;
}

/* run_filter - set up, check and time every technique for 'row'. */
static int run_filter(const struct opts *o, const struct trace *t,
		      struct bench_row *row)
{
	char err[512];
	int k, m;

	for (k = 0; k < TECH_N; k++) {
		if (!o->sel.tech[k]) {
			memset(&row->te[k], 0, sizeof(row->te[k]));
			row->te[k].id = k;
			snprintf(row->te[k].why, sizeof(row->te[k].why), "not selected");
			continue;
		}
		if (tech_setup(k, row->f, t, &row->te[k], o->quick ? 0 : LOAD_RUNS,
			       err, sizeof(err)))
			return cli_err("%s", err);
	}
	tech_compare_jit(row->te);
	if (o->corrupt >= 0 && row->te[o->corrupt].avail && o->corrupt != TECH_INTERP) {
		corrupt_trace = t;
		corrupt_inner = row->te[o->corrupt].fn;
		row->te[o->corrupt].fn = corrupt_fn;
	}
	if (bench_check(t, row->f, row->te, &row->r))
		return cli_err("bench: results differ from the interpreter's on "
			       "filter '%s'", row->f->expr);
	for (m = 0; m < MODE_N && !o->quick; m++)
		if (o->sel.mode[m] &&
		    bench_time(t, row->f, row->te, m, o->sel.reps,
			       o->sel.replays, o->sel.turn, &row->r))
			return cli_err("bench: unstable results on '%s'", row->f->expr);
	for (k = 0; k < TECH_N; k++)
		tech_release(&row->te[k]);
	return 0;
}

/* print_quick - the accept counts of a --quick run. */
static void print_quick(const struct bench_row *rows, size_t n,
			const struct opts *o, size_t packets)
{
	size_t i;
	int k;

	printf("cross-check only (--quick): every technique agrees with interp "
	       "on every packet of %zu\n", packets);
	for (i = 0; i < n; i++) {
		printf("%s:", rows[i].f->name);
		for (k = 0; k < TECH_N; k++) {
			const struct tech *te = &rows[i].te[k];

			if (!o->sel.tech[k])
				continue;
			if (te->avail)
				printf(" %s=%llu", tech_name(k),
				       (unsigned long long)rows[i].r.accepted[k]);
			else
				printf(" %s=n/a", tech_name(k));
		}
		printf("\n");
	}
}

/* progress - "[i/n] name" on a terminal. */
static void progress(size_t i, size_t n, const char *name)
{
	if (!isatty(2))
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %.60s", i + 1, n, name);
	if (i + 1 == n)
		fprintf(stderr, "\r\033[K");
}

/* report - the table, CSV and charts. */
static int report(const struct opts *o, const struct trace *t,
		  const struct bench_row *rows, size_t n, size_t skipped)
{
	char cpu[256];
	int rc = EXIT_OK;
	struct bench_sel sel = o->sel;

	sel.trace_name = t->name;
	sel.packets = t->n;
	if (o->quick) {
		print_quick(rows, n, o, t->n);
		if (skipped)
			printf("%zu expressions skipped: libpcap cannot compile them "
			       "here (most need the test suite's host/net name fixtures)\n", skipped);
		report_unavailable(stdout, rows, n, &sel);
		return EXIT_OK;
	}
	printf("pccf bench: %s, %zu packets (%.1f MB in memory%s), %zu filters%s, "
	       "CPU: %s\n", o->trace ? t->name : "generated trace", t->n,
	       t->bytes / 1e6, t->files > 1 ? ", several files" : "", n,
	       skipped ? " (some skipped: do not compile)" : "", cpu_name(cpu, sizeof(cpu)));
	if (skipped)
		printf("%zu expressions skipped: libpcap cannot compile them here "
		       "(most need the test suite's host/net name fixtures)\n", skipped);
	report_table(stdout, rows, n, &sel);
	fflush(stdout);
	if (o->csv && report_csv(o->csv, rows, n, &sel))
		rc = EXIT_FAIL;
	if (o->plot && report_plot(o->plot, rows, n, &sel))
		rc = EXIT_FAIL;
	return rc;
}

/* cmd_bench - 'pccf bench [...]'. */
int cmd_bench(int argc, char **argv)
{
	struct bench_row *rows = NULL;
	struct trace t;
	struct flist fl;
	struct opts o;
	size_t i;
	int rc;

	rc = parse(argc, argv, &o);
	if (rc == -EXIT_OK - 1000)
		return EXIT_OK;
	if (rc)
		return rc;
	memset(&t, 0, sizeof(t));
	memset(&fl, 0, sizeof(fl));
	if (get_filters(&o, &fl) || get_trace(&o, &t)) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (!fl.n) {
		rc = cli_err("no filter to run");
		goto out;
	}
	rows = calloc(fl.n, sizeof(*rows));
	if (!rows) {
		rc = cli_err("out of memory");
		goto out;
	}
	for (i = 0; i < fl.n; i++) {
		rows[i].f = &fl.f[i];
		progress(i, fl.n, fl.f[i].name);
		if (run_filter(&o, &t, &rows[i])) {
			rc = EXIT_FAIL;
			goto out;
		}
	}
	rc = report(&o, &t, rows, fl.n, fl.skipped);
out:
	for (i = 0; rows && i < fl.n; i++) {
		int k;

		for (k = 0; k < TECH_N; k++)
			tech_release(&rows[i].te[k]);
		bench_result_free(&rows[i].r);
	}
	free(rows);
	free_filters(&fl);
	trace_free(&t);
	return rc;
}
