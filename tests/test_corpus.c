/*
 * test_corpus.c - the certifying compiler against libpcap's own test
 * data (issue 3, "Must show"), through the whole pipeline: libpcap
 * compiles the expression (compile_expr), bpf2x86 + the prover make a
 * certified object (compile_bpf), the consumer verifies it
 * (pccf_verify up to PCCF_CHECK), the host installer maps it
 * (host_install) and the installed code runs on real packets, each
 * placed right before a PROT_NONE page (host_guard_end).
 *
 *  1. apply: libpcap's apply tests (corpus/filters/apply-tests.tsv), the
 *     EN10MB rows: each expression compiled with the savefile's own
 *     snaplen and the row's netmask, optimizer on and off; on every
 *     packet of the savefile (corpus/pcaps-libpcap) the certified filter
 *     must return the row's expected value and bpf_filter's value.
 *  2. dlts: the RAW, IPV4 and IPV6 rows of filters/other-dlts.tsv,
 *     compiled with that DLT, certified, and run on every corpus capture
 *     (corpus/pcaps) whose pcap_datalink is that DLT, against bpf_filter.
 *  3. invalid: every expression of filters/en10mb-invalid.txt: when
 *     libpcap 1.10.3 rejects it, compile_expr must fail with exactly
 *     pcap_geterr's message; a sample also runs the real tool
 *     (PCCF_BIN, default ../pccf next to this test's directory), which
 *     must exit 1 with "pccf: MESSAGE" on stderr, write no object, and
 *     not crash.  Expressions 1.10.3 accepts (inbound, outbound: valid
 *     only for a live Linux capture upstream) must compile and certify.
 *
 * Skips are counted and explained: apply rows whose savefile is pcapng
 * (not in the corpus), expressions 1.10.3 rejects (vxlan, gateway),
 * protochain (its BPF loops; the policy forbids cycles), fixtures that
 * cannot be installed.
 *
 * Name fixtures: as root (PCCF_NO_FIXTURES unset) the test enters a
 * private mount namespace with an overlay over /etc carrying
 * corpus/filters/fixtures/{hosts,ethers,networks}, as test_bpf2x86
 * does; the machine's files are not touched.
 *
 * Environment: PCCF_CORPUS (default ../shared/corpus), PCCF_QUICK=1 (a
 * smaller run for the sanitizer build: optimizer on only, every 4th
 * DLT row, every 5th invalid expression, fewer tool runs), PCCF_BIN.
 * Ends with "N passed, M failed"; exits 1 on any failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "compile.h"
#include "verify.h"
#include "host.h"
#include "fixtures.h"

#define GUARD_CAP (1u << 20)	/* largest packet the guard buffer holds */

struct pkt {
	uint32_t caplen, wirelen;
	uint8_t *data;
};

/* The packets of one capture file. */
struct cap {
	char *name;
	int dlt, snaplen;
	struct pkt *p;
	size_t n;
};

static unsigned passed, failed;
static int quick;
static const char *corpus;
static struct host_guard guard;
static struct pccf_limits lim;
static struct pccf_arena arena;

/* check - count one assertion; print the formatted message on failure. */
static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* now_s - a monotonic clock in seconds. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- */
/* Files                                                             */

/* read_lines - the non-empty lines of 'path' (NULL when unreadable). */
static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, **v = NULL;
	size_t cap = 0;
	ssize_t len;

	*n = 0;
	if (!f)
		return NULL;
	while ((len = getline(&line, &cap, f)) >= 0) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(line);
	}
	free(line);
	fclose(f);
	return v;
}

/* free_lines - free what read_lines returned. */
static void free_lines(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* split_tab - split 'line' in place at tabs into at most 'max' fields. */
static int split_tab(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	while (n < max && (line = strchr(line, '\t'))) {
		*line++ = 0;
		f[n++] = line;
	}
	return n;
}

/* column - the index of 'name' among the header fields, or -1. */
static int column(char **hdr, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(hdr[i], name))
			return i;
	return -1;
}

/* load_cap - every record of the capture 'path' (libpcap's caplen and
 * wirelen); 0 or -1. */
static int load_cap(const char *path, struct cap *c)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, eb);
	const char *slash = strrchr(path, '/');

	memset(c, 0, sizeof(*c));
	if (!p)
		return -1;
	c->name = strdup(slash ? slash + 1 : path);
	c->dlt = pcap_datalink(p);
	c->snaplen = pcap_snapshot(p);
	while (pcap_next_ex(p, &h, &data) == 1) {
		struct pkt *k;

		c->p = realloc(c->p, (c->n + 1) * sizeof(*c->p));
		k = &c->p[c->n++];
		k->caplen = h->caplen;
		k->wirelen = h->len;
		k->data = malloc(h->caplen ? h->caplen : 1);
		memcpy(k->data, data, h->caplen);
	}
	pcap_close(p);
	return 0;
}

/* free_cap - release what load_cap allocated. */
static void free_cap(struct cap *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->p[i].data);
	free(c->p);
	free(c->name);
}

/* cmpstr - qsort order for file names. */
static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_dir - every capture in 'dir' (sorted by name); how many. */
static size_t load_dir(const char *dir, struct cap **out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[PATH_MAX];
	size_t nn = 0, i, nc = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".pcap")) {
			names = realloc(names, (nn + 1) * sizeof(*names));
			names[nn++] = strdup(e->d_name);
		}
	closedir(d);
	qsort(names, nn, sizeof(*names), cmpstr);
	*out = calloc(nn ? nn : 1, sizeof(**out));
	for (i = 0; i < nn; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (load_cap(path, &(*out)[nc]) == 0)
			nc++;
		free(names[i]);
	}
	free(names);
	return nc;
}

/* ---------------------------------------------------------------- */
/* Certify, verify, install, run                                     */

/*
 * certify_install - compile_bpf 'prog' with 'o', verify the object with
 * the consumer and install it into 'hf'.  0, or -1 with 'err'.
 */
static int certify_install(const struct bpf_program *prog,
			   const struct compile_opts *o, struct host_filter *hf,
			   char *err, size_t errlen)
{
	struct buf obj = { 0 };
	struct pccf_verified v;
	struct pccf_err e = { 0 };
	int rc = -1;

	if (compile_bpf(prog->bf_insns, prog->bf_len, o, &obj, err, errlen))
		goto out;
	arena.used = 0;
	if (pccf_verify(obj.p, (u32)obj.n, &lim, PCCF_CHECK, &arena, &v, &e) ||
	    host_install(&v.obj, &v.rel, hf, &e)) {
		snprintf(err, errlen, "consumer rejects the object: %s", e.msg);
		goto out;
	}
	rc = 0;
out:
	free(obj.p);
	return rc;
}

/*
 * run_cap - run 'hf' and bpf_filter('prog') on every packet of 'c';
 * with 'want' (c->n values) compare with it too.  Adds the packet runs
 * to '*cmp' and returns the mismatch count (the first few printed).
 */
static uint64_t run_cap(const struct host_filter *hf,
			const struct bpf_program *prog, const struct cap *c,
			const uint32_t *want, const char *label, uint64_t *cmp)
{
	uint32_t mem[BPF_MEMWORDS];
	uint64_t mism = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct pkt *k = &c->p[i];
		const uint8_t *at = host_guard_end(&guard, k->data, k->caplen);
		uint32_t ref, got;

		if (!at) {
			check(0, "%s: packet %zu of %s (%u bytes) does not fit "
			      "the guard buffer", label, i, c->name, k->caplen);
			continue;
		}
		ref = bpf_filter(prog->bf_insns, at, k->wirelen, k->caplen);
		memset(mem, 0xa5, sizeof(mem));
		got = host_run(hf, at, k->caplen, k->wirelen, mem);
		++*cmp;
		if (got != ref || (want && got != want[i])) {
			mism++;
			if (mism <= 3)
				printf("MISMATCH %s: %s packet %zu (caplen %u "
				       "wirelen %u): certified %u, bpf_filter "
				       "%u, expected %s%u\n", label, c->name, i,
				       k->caplen, k->wirelen, got, ref,
				       want ? "" : "-", want ? want[i] : 0);
		}
	}
	return mism;
}

/* ---------------------------------------------------------------- */
/* 1. Apply tests                                                    */

/* find_cap - the capture named 'name' among 'cs', or NULL. */
static struct cap *find_cap(struct cap *cs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(cs[i].name, name))
			return &cs[i];
	return NULL;
}

/* parse_values - the comma-separated numbers of 's'; how many (<= max). */
static size_t parse_values(const char *s, uint32_t *v, size_t max)
{
	size_t n = 0;
	char *end;

	while (*s && n < max) {
		v[n++] = (uint32_t)strtoul(s, &end, 10);
		if (end == s)
			return SIZE_MAX;
		s = *end == ',' ? end + 1 : end;
	}
	return *s ? SIZE_MAX : n;
}

/* Counts for the apply tests. */
struct apply_counts {
	unsigned rows, compiled, no_file, no_fixture, vxlan, gateway,
		 other_rej, loops;
	uint64_t values, mism, ref_values, ref_mism;
};

/*
 * apply_row - one EN10MB apply test with optimizer 'opt' on capture 'c'.
 * Returns 1 when libpcap compiled it, 0 when it rejected it.
 */
static int apply_row(char **f, int ci_mask, int ci_expr, int ci_want,
		     struct cap *c, int opt, struct apply_counts *n)
{
	struct compile_opts o;
	struct bpf_program prog;
	struct host_filter hf = { 0 };
	struct in_addr m;
	uint32_t *want = calloc(c->n + 1, sizeof(*want));
	char err[1024], label[300];
	size_t nv, i;
	uint64_t cmp = 0;

	compile_defaults(&o);
	o.snaplen = c->snaplen;
	o.optimize = opt;
	if (f[ci_mask][0]) {
		check(inet_pton(AF_INET, f[ci_mask], &m) == 1,
		      "apply: bad netmask '%s'", f[ci_mask]);
		o.netmask = ntohl(m.s_addr);
	}
	snprintf(label, sizeof(label), "apply '%s' on %s -s %d -O%d%s%s",
		 f[ci_expr], c->name, c->snaplen, opt,
		 f[ci_mask][0] ? " -m " : "", f[ci_mask]);
	if (compile_expr(f[ci_expr], &o, &prog, err, sizeof(err))) {
		free(want);
		if (opt == 1) {
			if (strstr(f[ci_expr], "vxlan"))
				n->vxlan++;
			else if (strstr(f[ci_expr], "gateway"))
				n->gateway++;
			else
				n->other_rej++;
			printf("  skip (libpcap 1.10.3 rejects): %s: %s\n",
			       label, err);
		}
		return 0;
	}
	nv = parse_values(f[ci_want], want, c->n + 1);
	check(nv == c->n, "%s: %zu expected values for %zu packets", label,
	      nv, c->n);
	/* libpcap's own interpreter reproduces the upstream values */
	for (i = 0; i < c->n && nv == c->n; i++) {
		const uint8_t *at = host_guard_end(&guard, c->p[i].data,
						   c->p[i].caplen);
		uint32_t r = bpf_filter(prog.bf_insns, at, c->p[i].wirelen,
					c->p[i].caplen);

		n->ref_values++;
		n->ref_mism += r != want[i];
	}
	if (bpf2x86_validate(prog.bf_insns, prog.bf_len, err, sizeof(err))) {
		n->loops += opt == 1;
		if (opt == 1)
			printf("  skip (not certifiable: %s): %s\n", err, label);
		check(strstr(f[ci_expr], "protochain") != NULL,
		      "%s: only protochain may loop: %s", label, err);
		goto out;
	}
	n->compiled++;
	if (certify_install(&prog, &o, &hf, err, sizeof(err))) {
		check(0, "%s: %s", label, err);
		goto out;
	}
	if (nv == c->n) {
		uint64_t mm = run_cap(&hf, &prog, c, want, label, &cmp);

		n->values += cmp;
		n->mism += mm;
		check(mm == 0, "%s: %" PRIu64 " mismatches", label, mm);
	}
	host_free(&hf);
out:
	pcap_freecode(&prog);
	free(want);
	return 1;
}

/* apply_tests - section 1. */
static void apply_tests(int fix)
{
	struct apply_counts n = { 0 };
	char path[PATH_MAX], *hdr[8], *f[8];
	struct cap *cs;
	size_t nc, nl, l;
	char **lines;
	int ci_file, ci_dlt, ci_mask, ci_skip, ci_expr, ci_want, nh, opt;
	unsigned nopt = quick ? 1 : 2;

	snprintf(path, sizeof(path), "%s/pcaps-libpcap", corpus);
	nc = load_dir(path, &cs);
	snprintf(path, sizeof(path), "%s/filters/apply-tests.tsv", corpus);
	lines = read_lines(path, &nl);
	if (!lines || nl < 2 || nc == 0) {
		check(0, "apply: cannot read %s or the savefiles", path);
		return;
	}
	nh = split_tab(lines[0], hdr, 8);
	ci_file = column(hdr, nh, "savefile");
	ci_dlt = column(hdr, nh, "dlt");
	ci_mask = column(hdr, nh, "netmask");
	ci_skip = column(hdr, nh, "skip_condition");
	ci_expr = column(hdr, nh, "expr");
	ci_want = column(hdr, nh, "expected_per_packet_results");
	if (ci_file < 0 || ci_dlt < 0 || ci_mask < 0 || ci_skip < 0 ||
	    ci_expr < 0 || ci_want < 0) {
		check(0, "apply: unexpected header in apply-tests.tsv");
		return;
	}
	for (l = 1; l < nl; l++) {
		struct cap *c;

		if (split_tab(lines[l], f, 8) != nh) {
			check(0, "apply: line %zu has the wrong field count", l + 1);
			continue;
		}
		if (strcmp(f[ci_dlt], "EN10MB"))
			continue;
		n.rows++;
		c = find_cap(cs, nc, f[ci_file]);
		if (!c || c->dlt != DLT_EN10MB) {
			n.no_file++;
			printf("  skip (savefile not in the corpus): %s: %s\n",
			       f[ci_file], f[ci_expr]);
			continue;
		}
		if (f[ci_skip][0] && !fix) {
			n.no_fixture++;
			printf("  skip (%s: no fixtures): %s\n", f[ci_skip],
			       f[ci_expr]);
			continue;
		}
		for (opt = 1; opt >= 2 - (int)nopt; opt--)
			if (!apply_row(f, ci_mask, ci_expr, ci_want, c, opt, &n))
				break;
	}
	printf("apply: %u EN10MB rows: %u certified and run (optimizer on%s; "
	       "%u compilations), skipped: %u savefile not in the corpus "
	       "(pcapng), %u need fixtures, %u vxlan + %u gateway + %u other "
	       "rejected by libpcap 1.10.3, %u protochain (BPF loop, the "
	       "policy forbids cycles)\n", n.rows,
	       quick ? n.compiled : n.compiled / 2, quick ? "" : " and off",
	       n.compiled, n.no_file, n.no_fixture, n.vxlan, n.gateway,
	       n.other_rej, n.loops);
	printf("apply: %" PRIu64 " packet runs, each compared with the "
	       "expected value and bpf_filter: %" PRIu64 " mismatches; bpf_filter vs expected on every "
	       "compiled row (protochain included): %" PRIu64 " values, %"
	       PRIu64 " mismatches\n", n.values, n.mism, n.ref_values,
	       n.ref_mism);
	check(n.compiled > 0 && n.mism == 0, "apply: certified filters "
	      "reproduce every expected value");
	check(n.ref_mism == 0, "apply: bpf_filter reproduces the expected "
	      "values");
	free_lines(lines, nl);
	for (l = 0; l < nc; l++)
		free_cap(&cs[l]);
	free(cs);
}

/* ---------------------------------------------------------------- */
/* 2. RAW, IPV4, IPV6                                                */

/* dlts_tests - section 2. */
static void dlts_tests(void)
{
	static const char *const names[] = { "RAW", "IPV4", "IPV6" };
	unsigned ok[3] = { 0 }, rows[3] = { 0 }, rej[3] = { 0 }, loops[3] = { 0 },
		 bad[3] = { 0 };
	uint64_t cmp[3] = { 0 }, mism[3] = { 0 };
	size_t npk[3] = { 0 }, nfile[3] = { 0 };
	char path[PATH_MAX], *f[4];
	struct cap *cs;
	size_t nc, nl, l, i;
	char **lines;
	int d, dlt[3];

	for (d = 0; d < 3; d++)
		dlt[d] = pcap_datalink_name_to_val(names[d]);
	snprintf(path, sizeof(path), "%s/pcaps", corpus);
	nc = load_dir(path, &cs);
	for (i = 0; i < nc; i++)
		for (d = 0; d < 3; d++)
			if (cs[i].dlt == dlt[d]) {
				nfile[d]++;
				npk[d] += cs[i].n;
			}
	printf("dlts: DLT values from libpcap: RAW %d, IPV4 %d, IPV6 %d; "
	       "captures: %zu/%zu/%zu files, %zu/%zu/%zu packets\n", dlt[0],
	       dlt[1], dlt[2], nfile[0], nfile[1], nfile[2], npk[0], npk[1],
	       npk[2]);
	check(nfile[0] && nfile[1] && nfile[2], "dlts: captures of each "
	      "link type found");
	snprintf(path, sizeof(path), "%s/filters/other-dlts.tsv", corpus);
	lines = read_lines(path, &nl);
	if (!lines) {
		check(0, "dlts: cannot read %s", path);
		return;
	}
	for (l = 1; l < nl; l++) {
		struct compile_opts o;
		struct bpf_program prog;
		struct host_filter hf = { 0 };
		char err[1024], label[300];

		if (split_tab(lines[l], f, 4) != 2)
			continue;
		for (d = 0; d < 3 && strcmp(f[0], names[d]); d++)
			;
		if (d == 3)
			continue;
		rows[d]++;
		if (quick && rows[d] % 4 != 1)
			continue;
		compile_defaults(&o);
		o.dlt = dlt[d];
		snprintf(label, sizeof(label), "-y %s '%s'", names[d], f[1]);
		if (compile_expr(f[1], &o, &prog, err, sizeof(err))) {
			rej[d]++;
			printf("  skip (libpcap 1.10.3 rejects): %s: %s\n",
			       label, err);
			continue;
		}
		if (bpf2x86_validate(prog.bf_insns, prog.bf_len, err,
				     sizeof(err))) {
			loops[d]++;
			check(strstr(f[1], "protochain") != NULL,
			      "%s: only protochain may loop: %s", label, err);
			pcap_freecode(&prog);
			continue;
		}
		if (certify_install(&prog, &o, &hf, err, sizeof(err))) {
			bad[d]++;
			check(0, "%s: %s", label, err);
			pcap_freecode(&prog);
			continue;
		}
		ok[d]++;
		for (i = 0; i < nc; i++) {
			uint64_t mm;

			if (cs[i].dlt != dlt[d])
				continue;
			mm = run_cap(&hf, &prog, &cs[i], NULL, label, &cmp[d]);
			mism[d] += mm;
			check(mm == 0, "%s on %s: %" PRIu64 " mismatches", label,
			      cs[i].name, mm);
		}
		host_free(&hf);
		pcap_freecode(&prog);
	}
	for (d = 0; d < 3; d++)
		printf("dlts: %s: %u rows%s: %u certified, %u failed, %u "
		       "rejected by libpcap 1.10.3, %u protochain (loop); %"
		       PRIu64 " packet runs compared with bpf_filter, %" PRIu64
		       " mismatches\n", names[d], rows[d],
		       quick ? " (every 4th run: PCCF_QUICK)" : "", ok[d], bad[d],
		       rej[d], loops[d], cmp[d], mism[d]);
	check(ok[0] && ok[1] && ok[2], "dlts: rows of each link type certified");
	free_lines(lines, nl);
	for (l = 0; l < nc; l++)
		free_cap(&cs[l]);
	free(cs);
}

/* ---------------------------------------------------------------- */
/* 3. Invalid expressions                                            */

/* tool_path - the pccf binary to run: $PCCF_BIN or ../pccf beside us. */
static const char *tool_path(void)
{
	static char p[PATH_MAX];
	ssize_t n;
	char *s;

	if (getenv("PCCF_BIN"))
		return getenv("PCCF_BIN");
	n = readlink("/proc/self/exe", p, sizeof(p) - 16);
	if (n <= 0)
		return "build/pccf";
	p[n] = 0;
	s = strrchr(p, '/');
	*s = 0;			/* .../tests */
	s = strrchr(p, '/');
	strcpy(s ? s + 1 : p, "pccf");
	return p;
}

/*
 * run_tool - run 'pccf compile EXPR -o OUT', its stderr into 'err'.
 * Returns the wait status, or -1 when it could not run.
 */
static int run_tool(const char *tool, const char *expr, const char *out,
		    char *err, size_t errlen)
{
	int fd[2], st;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(nul, 1);
		dup2(fd[1], 2);
		close(fd[0]);
		execl(tool, tool, "compile", expr, "-o", out, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while ((r = read(fd[0], err + got, errlen - 1 - got)) > 0)
		got += (size_t)r;
	err[got] = 0;
	close(fd[0]);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

/* expected_errors - upstream's expected error text per invalid expr. */
static char **upstream_err(size_t *n, char ***exprs)
{
	char path[PATH_MAX], **lines, *f[8], **errs;
	size_t nl, l;
	int ce, cx, nh;

	snprintf(path, sizeof(path), "%s/filters/en10mb-invalid-sources.tsv",
		 corpus);
	lines = read_lines(path, &nl);
	*n = 0;
	*exprs = NULL;
	if (!lines)
		return NULL;
	nh = split_tab(lines[0], f, 8);
	ce = column(f, nh, "expr");
	cx = column(f, nh, "expected_error");
	errs = calloc(nl, sizeof(*errs));
	*exprs = calloc(nl, sizeof(**exprs));
	for (l = 1; l < nl && ce >= 0 && cx >= 0; l++) {
		if (split_tab(lines[l], f, 8) != nh)
			continue;
		(*exprs)[*n] = strdup(f[ce]);
		errs[(*n)++] = strdup(f[cx]);
	}
	free_lines(lines, nl);
	return errs;
}

/* invalid_tests - section 3. */
static void invalid_tests(void)
{
	char path[PATH_MAX], out[64], msg[PCAP_ERRBUF_SIZE + 64];
	char err[1024], serr[4096], want[1200];
	const char *tool = tool_path();
	unsigned tested = 0, rejected = 0, same = 0, accepted = 0,
		 acc_cert = 0, runs = 0, runs_ok = 0, crashes = 0, up_same = 0,
		 up_known = 0;
	size_t nl, l, nup, u;
	char **lines, **upe, **upx;
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 262144);
	unsigned step = quick ? 5 : 1, tstep = quick ? 200 : 20;
	int fd;

	snprintf(path, sizeof(path), "%s/filters/en10mb-invalid.txt", corpus);
	lines = read_lines(path, &nl);
	if (!lines) {
		check(0, "invalid: cannot read %s", path);
		return;
	}
	upe = upstream_err(&nup, &upx);
	snprintf(out, sizeof(out), "/tmp/pccf-invalid-XXXXXX");
	fd = mkstemp(out);
	if (fd >= 0)
		close(fd);
	unlink(out);
	check(access(tool, X_OK) == 0, "invalid: the tool %s is missing (set "
	      "PCCF_BIN)", tool);
	for (l = 0; l < nl; l++) {
		struct compile_opts o;
		struct bpf_program prog, ref;
		int lib, ours, st;

		if (l % step && strcmp(lines[l], "inbound") &&
		    strcmp(lines[l], "outbound"))
			continue;
		tested++;
		compile_defaults(&o);
		lib = pcap_compile(pd, &ref, lines[l], 1, PCAP_NETMASK_UNKNOWN);
		snprintf(msg, sizeof(msg), "%s", lib < 0 ? pcap_geterr(pd) : "");
		ours = compile_expr(lines[l], &o, &prog, err, sizeof(err));
		if (lib == 0) {	/* valid for 1.10.3: must certify too */
			struct host_filter hf = { 0 };

			accepted++;
			printf("  libpcap 1.10.3 accepts '%s' (upstream rejects "
			       "it on a savefile)\n", lines[l]);
			check(ours == 0, "invalid: '%s': compile_expr fails: %s",
			      lines[l], err);
			if (ours == 0 && certify_install(&prog, &o, &hf, err,
							 sizeof(err)) == 0) {
				acc_cert++;
				host_free(&hf);
			} else if (ours == 0) {
				check(0, "invalid: '%s': %s", lines[l], err);
			}
			if (ours == 0)
				pcap_freecode(&prog);
			pcap_freecode(&ref);
		} else {
			rejected++;
			same += ours < 0 && !strcmp(err, msg);
			check(ours < 0 && !strcmp(err, msg), "invalid: '%s': "
			      "compile_expr gives '%s', pcap_geterr '%s'",
			      lines[l], ours < 0 ? err : "(compiles)", msg);
			if (ours == 0)
				pcap_freecode(&prog);
			for (u = 0; u < nup; u++)
				if (!strcmp(upx[u], lines[l]))
					break;
			if (u < nup) {
				up_known++;
				up_same += strstr(msg, upe[u]) != NULL;
			}
		}
		if ((l % tstep && strcmp(lines[l], "inbound") &&
		     strcmp(lines[l], "outbound")) || access(tool, X_OK))
			continue;
		runs++;
		st = run_tool(tool, lines[l], out, serr, sizeof(serr));
		if (st != -1 && WIFSIGNALED(st)) {
			crashes++;
			check(0, "invalid: '%s': %s killed by signal %d", lines[l],
			      tool, WTERMSIG(st));
			continue;
		}
		if (lib == 0) {
			int ok = st != -1 && WIFEXITED(st) &&
				 WEXITSTATUS(st) == 0 && access(out, F_OK) == 0;

			runs_ok += ok;
			check(ok, "invalid: '%s' (1.10.3 accepts): pccf compile "
			      "status %d, stderr '%s'", lines[l], st, serr);
		} else {
			int ok;

			snprintf(want, sizeof(want), "pccf: %s\n", msg);
			ok = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1 &&
			     !strcmp(serr, want) && access(out, F_OK) != 0;
			runs_ok += ok;
			check(ok, "invalid: '%s': pccf compile exit %d, stderr "
			      "'%s', want exit 1 and '%s'", lines[l],
			      WIFEXITED(st) ? WEXITSTATUS(st) : -1, serr, want);
		}
		unlink(out);
	}
	printf("invalid: %zu expressions, %u tested%s: %u rejected by libpcap "
	       "1.10.3, compile_expr gives pcap_geterr's message for %u; %u "
	       "accepted by 1.10.3 (listed above), %u of them certified\n",
	       nl, tested, quick ? " (every 5th: PCCF_QUICK)" : "", rejected,
	       same, accepted, acc_cert);
	printf("invalid: %s compile run on %u of them (every %uth): %u as "
	       "expected (exit 1, 'pccf: MESSAGE' on stderr, no object), %u "
	       "crashes\n", tool, runs, tstep, runs_ok, crashes);
	printf("invalid: upstream's expected error text (a newer libpcap) "
	       "found in 1.10.3's message for %u of %u\n", up_same, up_known);
	check(rejected > 0 && same == rejected, "invalid: every message is "
	      "libpcap's");
	for (u = 0; u < nup; u++) {
		free(upe[u]);
		free(upx[u]);
	}
	free(upe);
	free(upx);
	free_lines(lines, nl);
	pcap_close(pd);
}

/*
 * __lsan_default_suppressions - LeakSanitizer's hook (used only in the
 * sanitizer build): libpcap 1.10.3 leaks the address pcap_ether_hostton
 * returns when the expression using it then fails ("gateway NAME").
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:pcap_ether_hostton\n";
}

int main(void)
{
	const char *q = getenv("PCCF_QUICK");
	double t0 = now_s(), t1;
	int fix;

	setvbuf(stdout, NULL, _IOLBF, 0);
	corpus = getenv("PCCF_CORPUS") ? getenv("PCCF_CORPUS")
				       : "../shared/corpus";
	quick = q && *q && strcmp(q, "0");
	pccf_default_limits(&lim);
	arena.size = pccf_arena_bytes(&lim);
	arena.base = malloc(arena.size);
	if (!arena.base || host_guard_init(&guard, GUARD_CAP)) {
		printf("cannot allocate the arena or the guard buffer\n");
		return 1;
	}
	fix = fixtures_setup(corpus);
	printf("corpus %s%s; name fixtures %s\n", corpus,
	       quick ? " (PCCF_QUICK: smaller run)" : "",
	       fix ? "installed (private mount namespace)"
		   : "not available: rows needing them are skipped");
	apply_tests(fix);
	t1 = now_s();
	printf("apply: %.1f s\n", t1 - t0);
	dlts_tests();
	printf("dlts: %.1f s\n", now_s() - t1);
	t1 = now_s();
	invalid_tests();
	printf("invalid: %.1f s\n", now_s() - t1);
	fixtures_done();
	host_guard_free(&guard);
	free(arena.base);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
