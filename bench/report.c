/*
 * report.c - what the benchmark prints: the comparison table with
 * speed-ups, a summary with geometric means and the targets, the
 * load-time table with break-even counts, the CSV rows and the gnuplot
 * charts (the paper's Figure 8 and its break-even figure).
 *
 * Speed-up of technique T over U = U's median ns / T's median ns, each
 * including the harness cost.  Break-even of PCC against T = PCC's
 * one-time verification time (pccf_verify up to PCCF_CHECK, median) /
 * (T's ns - PCC's ns per packet): the packet count after which PCC's
 * load cost has paid for itself; "never" when T is not slower.  Other
 * techniques' own set-up costs (compiling, bpf_validate) are not
 * counted, which can only make PCC look worse.  Untrusted tooling.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "bench.h"

#define MAX_BAR_FILTERS 12	/* above this, charts show geometric means */

/* bench_mode_name - see bench.h. */
const char *bench_mode_name(enum bench_mode m)
{
	return m == MODE_HOT ? "hot" : "cold";
}

/* times - the measurements of technique 'k' in mode 'm', or NULL. */
static const struct bench_times *times(const struct bench_row *row, int k,
				       int m)
{
	const struct bench_times *bt = &row->r.t[k][m];

	return row->te[k].avail && bt->ran ? bt : NULL;
}

/* speedup - how many times faster 'k' is than 'base' (0: unknown). */
static double speedup(const struct bench_row *row, int k, int base, int m)
{
	const struct bench_times *a = times(row, base, m), *b = times(row, k, m);

	return a && b && b->med > 0 ? a->med / b->med : 0;
}

/*
 * paired - k's speed-up over 'base' repetition by repetition (both ran
 * in the same repetition, one right after the other), as quartiles
 * q[0..2] of the 'reps' ratios.  A slow drift of the machine moves both
 * times of a pair alike, so these ratios are steadier than the ratio of
 * the two medians.  Returns 0, or -1 when either did not run.
 */
static int paired(const struct bench_row *row, int k, int base, int m,
		  int reps, double q[3])
{
	const struct bench_times *a = times(row, base, m), *b = times(row, k, m);
	double *v;
	int i;

	if (!a || !b || !a->ns || !b->ns || reps < 1)
		return -1;
	v = malloc((size_t)reps * sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < reps; i++)
		v[i] = b->ns[i] > 0 ? a->ns[i] / b->ns[i] : 0;
	q[1] = bench_median(v, reps);		/* sorts v */
	q[0] = v[(reps - 1) / 4];
	q[2] = v[reps - 1 - (reps - 1) / 4];
	free(v);
	return 0;
}

/* struct goal - the worst paper filter for one "pcc at least as fast as
 * X" target, judged on paired ratios (see paired). */
struct goal {
	double med, q1, q3;	/* the worst filter's paired quartiles */
	const char *name;
	int tie;		/* every filter below 1x has q3 >= 1 */
};

/* goal_add - fold filter 'row's paired ratio of pcc over 'base' into 'g'. */
static void goal_add(struct goal *g, const struct bench_row *row, int base,
		     int m, int reps)
{
	double q[3];

	if (paired(row, TECH_PCC, base, m, reps, q))
		return;
	if (q[1] < 1 && q[2] < 1)
		g->tie = 0;
	if (!g->name || q[1] < g->med) {
		g->med = q[1], g->q1 = q[0], g->q3 = q[2];
		g->name = row->f->name;
	}
}

/* goal_print - one target line: met, a tie within noise, or not met. */
static void goal_print(FILE *out, const char *what, const struct goal *g)
{
	if (!g->name)
		return;
	fprintf(out, "    %-37s min %.2fx (%s; paired quartiles %.2f..%.2f)  %s\n",
		what, g->med, g->name, g->q1, g->q3,
		g->med >= 1 ? "met" : g->tie ? "tie within noise" : "NOT met");
}

/* tech_label - the technique's name, starred when installed unverified. */
static const char *tech_label(const struct tech *te, char *b, size_t n)
{
	int unverified = te->id == TECH_CHECKED || te->id == TECH_SFI ||
			 te->id == TECH_JIT;

	snprintf(b, n, "%s%s", tech_name(te->id), unverified ? "*" : "");
	return b;
}

/* trusted_short - the trusted-lines cell of technique 'k'. */
static const char *trusted_short(int k, char *b, size_t n)
{
	const struct trusted *tr = trusted_of(k);

	if (tr->lines >= 0)
		snprintf(b, n, "%ld %s", tr->lines, tr->what);
	else
		snprintf(b, n, "%s", tr->what);
	return b;
}

/* print_rows - one filter's rows in mode 'm'. */
static void print_rows(FILE *out, const struct bench_row *row, int m,
		       const struct bench_sel *sel)
{
	char lab[32], tb[64];
	int k;

	for (k = 0; k < TECH_N; k++) {
		const struct tech *te = &row->te[k];
		const struct bench_times *bt = times(row, k, m);
		double si = speedup(row, k, TECH_INTERP, m);
		double sc = speedup(row, k, TECH_C, m);

		if (!sel->tech[k])
			continue;
		fprintf(out, "  %-4s  %-12s ", bench_mode_name(m),
			tech_label(te, lab, sizeof(lab)));
		if (!bt) {
			fprintf(out, " %s\n", te->avail ? "(not timed)" : te->why);
			continue;
		}
		fprintf(out, "%8.2f [%7.2f ..%8.2f]  ", bt->med, bt->min, bt->max);
		if (si > 0)
			fprintf(out, "%7.2fx", si);
		else
			fprintf(out, "%8s", "-");
		if (sc > 0)
			fprintf(out, "%7.2fx", sc);
		else
			fprintf(out, "%8s", "-");
		fprintf(out, "  %10llu%s  %s\n", (unsigned long long)bt->accepted,
			te->sample ? "s" : " ", trusted_short(k, tb, sizeof(tb)));
	}
}

/* geomean_vs - geometric mean of k's speed-up over 'base' in mode 'm'
 * across rows where both ran ('paper_only': the paper's rows only);
 * '*cnt' gets the number of rows. */
static double geomean_vs(const struct bench_row *rows, size_t n, int k,
			 int base, int m, int paper_only, int *cnt)
{
	double s = 0;
	size_t i;

	*cnt = 0;
	for (i = 0; i < n; i++) {
		double x = speedup(&rows[i], k, base, m);

		if (x <= 0 || (paper_only && rows[i].f->paper < 0))
			continue;
		s += log(x);
		(*cnt)++;
	}
	return *cnt ? exp(s / *cnt) : 0;
}

/* print_targets - the hot-mode goals on the paper's filters.
 * "At least as fast as" goals are judged on paired ratios (see paired):
 * 'tie within noise' when the worst filter's median is below 1x but its
 * upper quartile is not. */
static void print_targets(FILE *out, const struct bench_row *rows, size_t n,
			  int m, int reps)
{
	struct goal gc = { 0, 0, 0, NULL, 1 }, gk = { 0, 0, 0, NULL, 1 };
	double g, gj, gch, worst = 1e9;
	const char *wn = "-";
	int cnt, c2, same;
	size_t i;

	g = geomean_vs(rows, n, TECH_PCC, TECH_INTERP, m, 1, &cnt);
	if (cnt < 4)		/* the targets are about all four paper filters */
		return;
	for (i = 0; i < n; i++) {
		const struct bench_row *r = &rows[i];
		double x = speedup(r, TECH_PCC, TECH_INTERP, m);

		if (r->f->paper < 0)
			continue;
		if (x > 0 && x < worst)
			worst = x, wn = r->f->name;
		goal_add(&gc, r, TECH_C, m, reps);
		goal_add(&gk, r, TECH_CHECKED, m, reps);
		goal_add(&gk, r, TECH_SFI, m, reps);
	}
	fprintf(out, "  targets (issue 5, %s, paper filters):\n", bench_mode_name(m));
	fprintf(out, "    pcc vs interp, geometric mean >= 5x:  %.2fx over %d  %s\n",
		g, cnt, g >= 5 ? "met" : "NOT met");
	fprintf(out, "    pcc vs interp, every filter >= 3x:    min %.2fx (%s)  %s\n",
		worst, wn, worst >= 3 ? "met" : "NOT met");
	goal_print(out, "pcc at least as fast as C:", &gc);
	goal_print(out, "pcc vs checked/sfi, every filter:", &gk);
	gch = geomean_vs(rows, n, TECH_PCC, TECH_CHECKED, m, 1, &c2);
	if (c2)
		fprintf(out, "    pcc vs checked, geometric mean > 1x:  %.2fx  %s\n",
			gch, gch > 1 ? "met" : "NOT met");
	g = geomean_vs(rows, n, TECH_PCC, TECH_SFI, m, 1, &c2);
	if (c2)
		fprintf(out, "    pcc vs sfi, geometric mean > 1x:      %.2fx  %s\n",
			g, g > 1 ? "met" : "NOT met");
	gj = geomean_vs(rows, n, TECH_PCC, TECH_JIT, m, 1, &c2);
	for (i = 0, same = 0; i < n; i++)
		same += rows[i].f->paper >= 0 && rows[i].te[TECH_JIT].same_as_pcc;
	if (c2)
		fprintf(out, "    pcc vs jit (unverified; byte-identical code on "
			"%d of %d filters): geomean %.2fx\n", same, c2, gj);
}

/* print_summary - geometric means per technique for mode 'm'. */
static void print_summary(FILE *out, const struct bench_row *rows, size_t n,
			  int m, const struct bench_sel *sel)
{
	int k, cnt;

	fprintf(out, "\nsummary, %s mode: geometric mean speed-up over interp "
		"(filters)\n ", bench_mode_name(m));
	for (k = 0; k < TECH_N; k++) {
		double g = geomean_vs(rows, n, k, TECH_INTERP, m, 0, &cnt);

		if (!sel->tech[k] || k == TECH_INTERP)
			continue;
		if (cnt)
			fprintf(out, " %s %.2fx (%d)", tech_name(k), g, cnt);
		else
			fprintf(out, " %s -", tech_name(k));
	}
	fprintf(out, "\n");
	print_targets(out, rows, n, m, sel->reps);
}

/* breakeven - packets after which PCC's load cost is repaid against 'k'
 * in mode 'm', into 'b'. */
static const char *breakeven(const struct bench_row *row, int k, int m,
			     char *b, size_t n)
{
	const struct bench_times *p = times(row, TECH_PCC, m), *o = times(row, k, m);

	if (!p || !o)
		snprintf(b, n, "-");
	else if (o->med <= p->med)
		snprintf(b, n, "never");
	else
		snprintf(b, n, "%.0f", ceil(row->te[TECH_PCC].load.total_us * 1e3 /
					    (o->med - p->med)));
	return b;
}

/* print_load - the load-time table. */
static void print_load(FILE *out, const struct bench_row *rows, size_t n,
		       const struct bench_sel *sel)
{
	static const int vs[] = { TECH_INTERP, TECH_CHECKED, TECH_SFI, TECH_JIT,
				  TECH_RUST, TECH_C, TECH_DOMAIN_BATCH };
	int m = sel->mode[MODE_HOT] ? MODE_HOT : MODE_COLD, any = 0;
	double *vc = calloc(n + 1, sizeof(double)), *ck = calloc(n + 1, sizeof(double));
	double *tot = calloc(n + 1, sizeof(double)), *ratio = calloc(n + 1, sizeof(double));
	char b[32];
	size_t i, j, np = 0;

	for (i = 0; i < n; i++)
		any |= rows[i].te[TECH_PCC].avail;
	if (!any || !vc || !ck || !tot || !ratio)
		goto out;
	fprintf(out, "\nload time of pcc (median of each pccf_verify stage; "
		"break-even in packets, %s mode)\n", bench_mode_name(m));
	fprintf(out, "  %-24s %6s %6s %6s %8s %8s %8s   break-even vs:", "filter",
		"code B", "prf B", "prf/cd", "VCgen us", "check us", "total us");
	for (j = 0; j < sizeof(vs) / sizeof(vs[0]); j++)
		fprintf(out, " %12s", tech_name(vs[j]));
	fprintf(out, "\n");
	for (i = 0; i < n; i++) {
		const struct tech *p = &rows[i].te[TECH_PCC];

		if (!p->avail)
			continue;
		fprintf(out, "  %-24.24s %6u %6u %6.2f %8.1f %8.1f %8.1f                 ",
			rows[i].f->name, p->load.code_bytes, p->load.proof_bytes,
			(double)p->load.proof_bytes / (p->load.code_bytes ? p->load.code_bytes : 1),
			p->load.vcgen_us, p->load.check_us, p->load.total_us);
		for (j = 0; j < sizeof(vs) / sizeof(vs[0]); j++)
			fprintf(out, " %12s", breakeven(&rows[i], vs[j], m, b, sizeof(b)));
		fprintf(out, "\n");
		vc[np] = p->load.vcgen_us;
		ck[np] = p->load.check_us;
		tot[np] = p->load.total_us;
		ratio[np++] = (double)p->load.proof_bytes /
			      (p->load.code_bytes ? p->load.code_bytes : 1);
	}
	fprintf(out, "  median over %zu filters: VC gen %.1f us, check %.1f us, "
		"total %.1f us (goal <= 20), proof/code %.2f (goal <= 1)\n", np,
		bench_median(vc, (int)np), bench_median(ck, (int)np),
		bench_median(tot, (int)np), bench_median(ratio, (int)np));
out:
	free(vc);
	free(ck);
	free(tot);
	free(ratio);
}

/* same_reason - 'a' and 'b' equal once every run of digits is taken as
 * one and the same number ("insn 19" ~ "insn 18"). */
static int same_reason(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (isdigit((unsigned char)*a))
				a++;
			while (isdigit((unsigned char)*b))
				b++;
			continue;
		}
		if (*a++ != *b++)
			return 0;
	}
	return *a == *b;
}

/* report_unavailable - techniques that did not run, grouped by reason
 * (paper-only techniques on other filters are left out). */
void report_unavailable(FILE *out, const struct bench_row *rows, size_t n,
			const struct bench_sel *sel)
{
	size_t i, j;
	int k, head = 0;

	for (k = 0; k < TECH_N; k++)
		for (i = 0; i < n; i++) {
			const struct tech *te = &rows[i].te[k];
			size_t cnt = 0;
			int seen = 0;

			if (!sel->tech[k] || te->avail || strstr(te->why, "paper filters only"))
				continue;
			for (j = 0; j < i && !seen; j++)
				seen = !rows[j].te[k].avail &&
				       same_reason(rows[j].te[k].why, te->why);
			if (seen)
				continue;
			for (j = i; j < n; j++)
				cnt += !rows[j].te[k].avail &&
				       same_reason(rows[j].te[k].why, te->why);
			if (!head++)
				fprintf(out, "\ntechniques that could not run:\n");
			fprintf(out, "  %-8s %zu filter%s (first: %.60s): %s\n",
				tech_name(k), cnt, cnt == 1 ? "" : "s", rows[i].f->name,
				te->why);
		}
}

/* print_trusted - the trusted-lines table. */
static void print_trusted(FILE *out, const struct bench_sel *sel)
{
	char tb[64];
	int k;

	fprintf(out, "\ntrusted lines: the code that must be right for the host "
		"to be safe while the filter runs\n(libpcap's compiler, "
		"pcap_compile, turns the expression into BPF for every technique "
		"alike: trusted by all equally, for meaning not safety, in no "
		"count)\n");
	for (k = 0; k < TECH_N; k++)
		if (sel->tech[k])
			fprintf(out, "  %-12s %-18s %s\n", tech_name(k),
				trusted_short(k, tb, sizeof(tb)), trusted_of(k)->note);
}

/* report_table - see bench.h. */
void report_table(FILE *out, const struct bench_row *rows, size_t n,
		  const struct bench_sel *sel)
{
	size_t i;
	int m;

	fprintf(out, "ns per packet, median [min .. max] of %d repetitions, "
		"harness included (see null);\nspeed-ups are interp/technique "
		"and C/technique; * = compiler output installed without a "
		"proof check\n", sel->reps);
	if (sel->tech[TECH_DOMAIN])
		fprintf(out, "s = domain (a process round trip per packet) is timed "
			"on a fixed sample: the first %d packets; its accepted "
			"count is over those\n", DOMAIN_SAMPLE);
	if (sel->mode[MODE_HOT])
		fprintf(out, "hot: windows of %d packets read into the cache, then "
			"filtered %d time%s each; %s\n", BENCH_WINDOW, sel->replays,
			sel->replays == 1 ? "" : "s in a row",
			sel->turn ? "techniques take turns" : "one technique's whole pass after another");
	for (i = 0; i < n; i++) {
		fprintf(out, "\n%s%s%s\n", rows[i].f->name,
			rows[i].f->paper >= 0 ? ": " : "",
			rows[i].f->paper >= 0 ? rows[i].f->expr : "");
		fprintf(out, "  %-4s  %-12s %8s [%7s ..%8s] %8s%8s  %10s   %s\n",
			"mode", "tech", "ns/pkt", "min", "max", "x interp", "x C",
			"accepted", "trusted lines");
		for (m = 0; m < MODE_N; m++)
			if (sel->mode[m])
				print_rows(out, &rows[i], m, sel);
	}
	for (m = 0; m < MODE_N; m++)
		if (sel->mode[m])
			print_summary(out, rows, n, m, sel);
	print_load(out, rows, n, sel);
	print_trusted(out, sel);
	report_unavailable(out, rows, n, sel);
}

/* csv_field - 's' as a CSV field (quoted when it needs to be). */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
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

/* report_csv - see bench.h. */
int report_csv(const char *path, const struct bench_row *rows, size_t n,
	       const struct bench_sel *sel)
{
	FILE *f = fopen(path, "w");
	size_t i;
	int k, m;

	if (!f) {
		fprintf(stderr, "pccf: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "filter,mode,technique,ns_median,ns_min,ns_max,accepted,packets\n");
	for (i = 0; i < n; i++)
		for (m = 0; m < MODE_N; m++)
			for (k = 0; k < TECH_N; k++) {
				const struct bench_times *bt = times(&rows[i], k, m);

				if (!bt || !sel->mode[m])
					continue;
				csv_field(f, rows[i].f->name);
				fprintf(f, ",%s,%s,%.3f,%.3f,%.3f,%llu,%zu\n",
					bench_mode_name(m), tech_name(k), bt->med,
					bt->min, bt->max,
					(unsigned long long)bt->accepted,
					rows[i].te[k].sample && rows[i].te[k].sample < sel->packets
						? rows[i].te[k].sample : sel->packets);
			}
	if (fclose(f)) {
		fprintf(stderr, "pccf: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- charts ------------------------------------------------------------- */

/* gp_label - 's' made safe inside a gnuplot double-quoted string. */
static void gp_label(FILE *f, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++)
		fputc(s[i] == '"' || s[i] == '\\' ? '\'' : s[i] == '_' ? '-' : s[i], f);
	if (s[i])
		fputs("...", f);
}

/* bars_data - the Figure 8 data of mode 'm': one line per filter, for
 * each technique median min max (or "-" when it did not run).  With many
 * filters, one line of geometric-mean speed-ups instead.  Returns the
 * techniques written (their ids in 'cols'). */
static int bars_data(FILE *f, const struct bench_row *rows, size_t n, int m,
		     const struct bench_sel *sel, int *cols)
{
	int k, nc = 0, cnt;
	size_t i;

	for (k = 0; k < TECH_N; k++) {
		int ran = 0;

		for (i = 0; i < n; i++)
			ran |= times(&rows[i], k, m) != NULL;
		/* domain (microseconds per packet) would flatten every other
		 * bar; it is in the table, the CSV and the break-even chart */
		if (sel->tech[k] && ran && k != TECH_DOMAIN)
			cols[nc++] = k;
	}
	if (n > MAX_BAR_FILTERS) {
		fprintf(f, "\"geometric mean over %zu filters\"", n);
		for (k = 0; k < nc; k++) {
			double g = geomean_vs(rows, n, cols[k], TECH_INTERP, m, 0, &cnt);

			fprintf(f, " %.4f %.4f %.4f", g, g, g);
		}
		fprintf(f, "\n");
		return nc;
	}
	for (i = 0; i < n; i++) {
		fputc('"', f);
		gp_label(f, rows[i].f->name, 28);
		fputc('"', f);
		for (k = 0; k < nc; k++) {
			const struct bench_times *bt = times(&rows[i], cols[k], m);

			if (bt)
				fprintf(f, " %.4f %.4f %.4f", bt->med, bt->min, bt->max);
			else
				fprintf(f, " - - -");
		}
		fprintf(f, "\n");
	}
	return nc;
}

/* bars_script - gnuplot commands for Figure 8 of mode 'm'. */
static void bars_script(FILE *g, const char *dir, int m, const int *cols,
			int nc, int geo)
{
	int k;

	fprintf(g, "set terminal pngcairo size 1200,600 noenhanced\n"
		"set output '%s/fig8-%s.png'\n"
		"set datafile missing '-'\n"
		"set style data histogram\n"
		"set style histogram errorbars gap 2 lw 1\n"
		"set style fill solid 0.8 border -1\n"
		"set key top left\nset grid ytics\nset xtics rotate by -20\n",
		dir, bench_mode_name(m));
	if (geo)
		fprintf(g, "set title 'speed-up over the libpcap interpreter "
			"(%s cache), geometric mean'\nset ylabel 'x interp'\n",
			bench_mode_name(m));
	else
		fprintf(g, "set title 'ns per packet by technique (%s cache; "
			"bars: median, whiskers: min..max)'\nset ylabel "
			"'ns per packet'\nset yrange [0:*]\n", bench_mode_name(m));
	fprintf(g, "plot ");
	for (k = 0; k < nc; k++)
		fprintf(g, "%s'%s/fig8-%s.dat' using %d:%d:%d%s title '%s'",
			k ? ", " : "", dir, bench_mode_name(m), 2 + 3 * k,
			3 + 3 * k, 4 + 3 * k, k ? "" : ":xtic(1)",
			tech_name(cols[k]));
	fprintf(g, "\n");
}

/* breakeven_script - the cumulative-cost chart of row 'i'. */
static void breakeven_script(FILE *g, const char *dir, const struct bench_row *row,
			     size_t i, int m)
{
	const struct bench_times *p = times(row, TECH_PCC, m);
	double load = row->te[TECH_PCC].load.total_us;
	int k, first = 1;

	fprintf(g, "set terminal pngcairo size 900,600 noenhanced\n"
		"set output '%s/breakeven-", dir);
	if (row->f->paper >= 0)
		fprintf(g, "%s.png'\n", row->f->name);
	else
		fprintf(g, "%zu.png'\n", i + 1);
	fprintf(g, "set title \"cumulative cost vs packets: ");
	gp_label(g, row->f->name, 60);
	fprintf(g, " (%s; pcc includes its %.1f us VC + proof check)\"\n"
		"set logscale xy\nset xrange [1:1e7]\nset samples 400\n"
		"set xlabel 'packets'\nset ylabel 'cumulative time (us)'\n"
		"set key top left\nset grid\nset format x '1e%%L'\n"
		"set format y '%%g'\nplot ", bench_mode_name(m), load);
	for (k = 0; k < TECH_N; k++) {
		const struct bench_times *bt = times(row, k, m);

		if (!bt || k == TECH_NULL)
			continue;
		if (k == TECH_PCC)
			fprintf(g, "%s%.6f + %.6f*x/1000 title 'pcc, VC + check "
				"included' lw 3", first ? "" : ", ", load, p->med);
		else
			fprintf(g, "%s%.6f*x/1000 title '%s' lw 2", first ? "" : ", ",
				bt->med, tech_name(k));
		first = 0;
	}
	fprintf(g, "\n");
}

/* run_gnuplot - run 'script'; 0 or -1. */
static int run_gnuplot(const char *script)
{
	char cmd[4200];
	int rc;

	snprintf(cmd, sizeof(cmd), "gnuplot '%s'", script);
	rc = system(cmd);
	if (rc) {
		fprintf(stderr, "pccf: gnuplot failed on %s (is gnuplot installed?)\n",
			script);
		return -1;
	}
	return 0;
}

/* report_plot - see bench.h. */
int report_plot(const char *dir, const struct bench_row *rows, size_t n,
		const struct bench_sel *sel)
{
	char path[4096], script[4096];
	int cols[TECH_N], nc, m, rc = 0;
	FILE *f, *g;
	size_t i;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "pccf: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	snprintf(script, sizeof(script), "%s/charts.gp", dir);
	g = fopen(script, "w");
	if (!g) {
		fprintf(stderr, "pccf: %s: %s\n", script, strerror(errno));
		return -1;
	}
	for (m = 0; m < MODE_N; m++) {
		if (!sel->mode[m])
			continue;
		snprintf(path, sizeof(path), "%s/fig8-%s.dat", dir, bench_mode_name(m));
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "pccf: %s: %s\n", path, strerror(errno));
			fclose(g);
			return -1;
		}
		nc = bars_data(f, rows, n, m, sel, cols);
		fclose(f);
		if (nc)
			bars_script(g, dir, m, cols, nc, n > MAX_BAR_FILTERS);
	}
	m = sel->mode[MODE_HOT] ? MODE_HOT : MODE_COLD;
	for (i = 0; i < n && i < MAX_BAR_FILTERS; i++)
		if (times(&rows[i], TECH_PCC, m))
			breakeven_script(g, dir, &rows[i], i, m);
	if (fclose(g)) {
		fprintf(stderr, "pccf: %s: %s\n", script, strerror(errno));
		return -1;
	}
	rc = run_gnuplot(script);
	return rc;
}
