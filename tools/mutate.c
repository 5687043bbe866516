/*
 * mutate.c - the soundness hunt: mutate certified objects, and run every
 * mutant the consumer accepts on real packets against guard pages.
 *
 *   mutate [-n MUTANTS] [-s SEED] [-p MAXPKTS] [-o OUTDIR] [-c PCAPDIR]...
 *          OBJ.pcc...
 *
 * For each seed object, MUTANTS mutants are made by 1-4 random edits of
 * its bytes: bit flips, byte sets, small increments, inserts and deletes
 * inside one section (code, relocations, annotations, proof; the header's
 * length field follows, so the mutant reaches the checker, or, one time
 * in eight, it does not), raw edits of the header, and splices: a whole
 * section, or a chunk of one, taken from another seed.  Every mutant goes
 * through pccf_verify(PCCF_CHECK) with the default limits.  A rejected
 * mutant is counted by its rejection class.  An accepted one is
 * installed with host_install in a forked child and run on every packet
 * (loaded from the pcap files of each PCAPDIR, at most MAXPKTS, plus
 * truncations of them to 0..64 bytes), once with the packet and the
 * scratch memory ending at a guard page and once starting right after
 * one, as 'pccf run --guard' does; any signal (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, ...) or a 5 s hang is a fault: an accepted object did
 * something the policy forbids, a soundness bug of the trusted core.
 * A result that differs between the two placements is reported too
 * (the filter read something outside the packet).  Faulting mutants are
 * written to OUTDIR (default tests/fuzz/regress) as unsound-*.pcc.
 * Built with ASan and UBSan (fuzz.mk's mutate-asan, which make hunt
 * uses), a memory error of the trusted core on a mutant stops the hunt
 * and the mutant is saved as unsound-asan-*.pcc.
 *
 * Prints per-class counts and a final line
 *   "hunt: M mutants, R rejected, A accepted, S accepted-and-safe, F faults"
 * and exits 1 when F > 0.  Deterministic for a given SEED.  Untrusted
 * test tooling.
 */
#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pccf/compat.h"
#include "verify.h"
#include "host.h"

struct blob {
	u8 *p;
	size_t n;
	const char *name;
};

struct pkt {
	u8 *p;
	u32 caplen, len;
};

static struct blob *seeds;
static size_t nseeds;
static struct pkt *pkts;
static size_t npkts, maxpkts = 4000, maxcap = 1;
static u64 rng = 0x9e3779b97f4a7c15ull;

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		perror("mutate");
		exit(2);
	}
	return p;
}

static int read_file(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b->p = xrealloc(NULL, (size_t)n);
	b->n = fread(b->p, 1, (size_t)n, f);
	b->name = path;
	fclose(f);
	return b->n == (size_t)n ? 0 : -1;
}

/* add_pkt - remember a copy of 'n' bytes with wire length 'len'. */
static void add_pkt(const u8 *p, u32 n, u32 len)
{
	if (npkts % 256 == 0)
		pkts = xrealloc(pkts, (npkts + 256) * sizeof(*pkts));
	pkts[npkts].p = xrealloc(NULL, n);
	memcpy(pkts[npkts].p, p, n);
	pkts[npkts].caplen = n;
	pkts[npkts].len = len;
	if (n > maxcap)
		maxcap = n;
	npkts++;
}

/* load_pcaps - up to 8 packets of each capture in 'dir'. */
static void load_pcaps(const char *dir)
{
	char errbuf[PCAP_ERRBUF_SIZE], path[4096];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct dirent *de;
	DIR *dd = opendir(dir);
	pcap_t *pc;
	int k;

	if (!dd) {
		fprintf(stderr, "mutate: %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((de = readdir(dd)) && npkts < maxpkts) {
		if (!strstr(de->d_name, ".pcap"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		pc = pcap_open_offline(path, errbuf);
		if (!pc)
			continue;
		for (k = 0; k < 8 && npkts < maxpkts &&
			    pcap_next_ex(pc, &h, &d) == 1; k++)
			add_pkt(d, h->caplen, h->len);
		pcap_close(pc);
	}
	closedir(dd);
}

/* add_edges - every prefix 0..64 of a few packets, and random bytes. */
static void add_edges(void)
{
	size_t i, base = npkts;
	u32 n;
	u8 r[64];

	for (i = 0; i < 4 && i < base; i++)
		for (n = 0; n <= 64 && n <= pkts[i * base / 4].caplen; n++)
			add_pkt(pkts[i * base / 4].p, n, pkts[i * base / 4].len);
	for (n = 0; n <= 64; n++) {
		for (i = 0; i < sizeof(r); i++)
			r[i] = (u8)rnd();
		add_pkt(r, n, n);
	}
}

/* Section boundaries of a well-formed object: [0]=header end, then the
 * end of code, relocs, annotations, proof. */
struct layout {
	u32 off[5];
};

static int layout(const struct blob *b, struct layout *l)
{
	u32 k;

	if (b->n < OBJ_HDR)
		return -1;
	l->off[0] = OBJ_HDR;
	for (k = 0; k < 4; k++) {
		u64 end = (u64)l->off[k] + pccf_le32(b->p + 8 + 4 * k);

		if (end > b->n)
			return -1;
		l->off[k + 1] = (u32)end;
	}
	return l->off[4] == b->n ? 0 : -1;
}

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

/* splice_bytes - replace [at, at+del) of 'm' with 'ins' ('nins' bytes). */
static void splice_bytes(struct blob *m, size_t at, size_t del,
			 const u8 *ins, size_t nins)
{
	u8 *q = xrealloc(NULL, m->n - del + nins);

	memcpy(q, m->p, at);
	if (nins)
		memcpy(q + at, ins, nins);
	memcpy(q + at + nins, m->p + at + del, m->n - at - del);
	free(m->p);
	m->p = q;
	m->n = m->n - del + nins;
}

/* resize - section 's' of 'm' grew by 'd' bytes (may be negative). */
static void resize(struct blob *m, int s, long d)
{
	u32 v = pccf_le32(m->p + 8 + 4 * s);

	if (rnd() % 8)		/* mostly keep the header consistent */
		put32(m->p + 8 + 4 * s, (u32)(v + d));
}

/* pick_section - a section of 'm' (weights: proof 4, code 3, annot 2,
 * reloc 1), -1 when the layout is broken. */
static int pick_section(const struct blob *m, struct layout *l)
{
	static const int w[10] = { 0, 0, 0, 1, 2, 2, 3, 3, 3, 3 };

	if (layout(m, l))
		return -1;
	return w[below(10)];
}

static u64 ops_by_kind[5];

/* mutate_once - one random edit of 'm'. */
static void mutate_once(struct blob *m)
{
	static const u8 vals[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0xfe, 0x40 };
	struct layout l, lo;
	const struct blob *o = &seeds[below(nseeds)];
	int s = pick_section(m, &l), op = (int)below(9);
	size_t lo_s, len, at, k, n;
	u8 buf[16];

	if (s < 0 || rnd() % 16 == 0) {	/* raw edit anywhere, header too */
		if (!m->n)
			return;
		at = below(rnd() % 4 ? (m->n < OBJ_HDR ? m->n : OBJ_HDR) : m->n);
		m->p[at] ^= (u8)(1u << below(8));
		ops_by_kind[4]++;
		return;
	}
	lo_s = l.off[s];
	len = l.off[s + 1] - lo_s;
	ops_by_kind[s]++;
	switch (op) {
	case 0: case 1:		/* bit flip */
		if (len)
			m->p[lo_s + below(len)] ^= (u8)(1u << below(8));
		break;
	case 2:			/* byte set */
		if (len)
			m->p[lo_s + below(len)] = rnd() % 2 ? vals[below(8)] :
						   (u8)rnd();
		break;
	case 3:			/* +-1: uleb operands, opcodes, indices */
		if (len)
			m->p[lo_s + below(len)] += rnd() % 2 ? 1 : 0xff;
		break;
	case 4:			/* insert 1..16 random bytes */
		n = 1 + below(16);
		for (k = 0; k < n; k++)
			buf[k] = (u8)rnd();
		splice_bytes(m, lo_s + below(len + 1), 0, buf, n);
		resize(m, s, (long)n);
		break;
	case 5:			/* delete 1..16 bytes */
		if (!len)
			break;
		at = below(len);
		n = 1 + below(16);
		if (n > len - at)
			n = len - at;
		splice_bytes(m, lo_s + at, n, NULL, 0);
		resize(m, s, -(long)n);
		break;
	case 6:			/* the whole section from another seed */
		if (layout(o, &lo))
			break;
		n = lo.off[s + 1] - lo.off[s];
		{
			u8 *cp = xrealloc(NULL, n);

			memcpy(cp, o->p + lo.off[s], n);
			splice_bytes(m, lo_s, len, cp, n);
			free(cp);
		}
		put32(m->p + 8 + 4 * s, (u32)n);
		break;
	case 7:			/* overwrite a chunk with another seed's */
		if (layout(o, &lo) || !len)
			break;
		n = lo.off[s + 1] - lo.off[s];
		if (!n)
			break;
		k = 1 + below(n < 32 ? n : 32);
		if (k > len)
			k = len;
		at = below(len - k + 1);
		memcpy(m->p + lo_s + at, o->p + lo.off[s] + below(n - k + 1), k);
		break;
	case 8:			/* duplicate a chunk of its own section */
		if (!len)
			break;
		k = 1 + below(len < 16 ? len : 16);
		at = below(len - k + 1);
		memcpy(buf, m->p + lo_s + at, k);
		splice_bytes(m, lo_s + below(len + 1), 0, buf, k);
		resize(m, s, (long)k);
		break;
	}
}

static int same(const struct blob *a, const struct blob *b)
{
	return a->n == b->n && !memcmp(a->p, b->p, a->n);
}

/* run_all - child: install the verified filter and run every packet at
 * both guard placements; exits 0, 3 on a placement-dependent result. */
static void run_all(struct pccf_verified *v)
{
	static const u8 zero[64];
	struct host_filter hf;
	struct host_guard gp, gm;
	struct pccf_err e;
	size_t i;
	u32 a, b;
	u8 *p, *mm;
	int diff = 0;

	alarm(5);
	memset(&e, 0, sizeof(e));
	if (host_install(&v->obj, &v->rel, &hf, &e)) {
		fprintf(stderr, "  install rejected: %s\n", e.msg);
		_exit(4);
	}
	if (host_guard_init(&gp, maxcap) || host_guard_init(&gm, 64))
		_exit(5);
	for (i = 0; i < npkts; i++) {
		p = host_guard_end(&gp, pkts[i].p, pkts[i].caplen);
		mm = host_guard_end(&gm, zero, sizeof(zero));
		a = host_run(&hf, p, pkts[i].caplen, pkts[i].len, (u32 *)mm);
		p = host_guard_start(&gp, pkts[i].p, pkts[i].caplen);
		mm = host_guard_start(&gm, zero, sizeof(zero));
		b = host_run(&hf, p, pkts[i].caplen, pkts[i].len, (u32 *)mm);
		diff |= a != b;
	}
	_exit(diff ? 3 : 0);
}

/* The mutant being verified, saved by the sanitizer's death callback
 * when the trusted core itself trips ASan or UBSan on it. */
static const struct blob *cur;
static const char *cur_tag;
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));
static void save(const struct blob *m, const char *tag);

static void on_death(void)
{
	char tag[160];

	if (!cur)
		return;
	snprintf(tag, sizeof(tag), "asan-%s", cur_tag);
	printf("  %s: the sanitizer stopped verification\n", cur_tag);
	save(cur, tag);
	fflush(stdout);
}

static struct counts {
	u64 mut, rej, acc, safe, fault, same, codechg, div;
	u64 rej_by[PCCF_NCODES];
} c;
static const char *outdir = "tests/fuzz/regress";

/* save - write the mutant 'm' as OUTDIR/unsound-TAG.pcc. */
static void save(const struct blob *m, const char *tag)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/unsound-%s.pcc", outdir, tag);
	f = fopen(path, "wb");
	if (f) {
		fwrite(m->p, 1, m->n, f);
		fclose(f);
	}
	printf("  saved %s\n", path);
}

/* try_mutant - verify 'm'; run it if accepted.  'tag' names it. */
static void try_mutant(const struct blob *m, const struct blob *orig,
		       struct pccf_arena *ar, const struct pccf_limits *lim,
		       const char *tag)
{
	struct pccf_verified v;
	struct pccf_err e;
	struct layout lm, lo;
	pid_t pid;
	int st, rc;

	c.mut++;
	ar->used = 0;
	memset(&e, 0, sizeof(e));
	cur = m;
	cur_tag = tag;
	rc = pccf_verify(m->p, (u32)m->n, lim, PCCF_CHECK, ar, &v, &e);
	cur = NULL;
	if (rc) {
		c.rej++;
		c.rej_by[rc > 0 && rc < PCCF_NCODES ? rc : 0]++;
		if (rc != e.code || !e.msg[0]) {
			printf("  %s: rejection without a reason (rc %d)\n", tag, rc);
			c.fault++;
			save(m, tag);
		}
		return;
	}
	c.acc++;
	if (same(m, orig))
		c.same++;
	else if (!layout(m, &lm) && !layout(orig, &lo) &&
		 (lm.off[1] - lm.off[0] != lo.off[1] - lo.off[0] ||
		  memcmp(m->p + lm.off[0], orig->p + lo.off[0],
			 lm.off[1] - lm.off[0])))
		c.codechg++;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		run_all(&v);
	if (pid < 0 || waitpid(pid, &st, 0) < 0) {
		perror("mutate: fork");
		exit(2);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		c.safe++;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
		c.safe++;	/* no fault, but the result moved with the guard */
		c.div++;
		printf("  %s: accepted; result depends on the packet's placement\n",
		       tag);
		save(m, tag);
	} else {
		c.fault++;
		printf("  %s: ACCEPTED AND FAULTED (%s %d)\n", tag,
		       WIFSIGNALED(st) ? "signal" : "exit",
		       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		save(m, tag);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: mutate [-n MUTANTS] [-s SEED] [-p MAXPKTS] "
		"[-o OUTDIR] [-c PCAPDIR]... OBJ.pcc...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct pccf_limits lim;
	struct pccf_arena ar;
	struct counts saved;
	struct blob m;
	char tag[128];
	const char *base;
	long nmut = 200;
	int opt, i, k, ops;
	size_t s;

	while ((opt = getopt(argc, argv, "n:s:p:o:c:")) != -1) {
		switch (opt) {
		case 'n': nmut = atol(optarg); break;
		case 's': rng = strtoull(optarg, NULL, 0) * 2 + 1; break;
		case 'p': maxpkts = (size_t)atol(optarg); break;
		case 'o': outdir = optarg; break;
		case 'c': load_pcaps(optarg); break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	nseeds = (size_t)(argc - optind);
	seeds = xrealloc(NULL, nseeds * sizeof(*seeds));
	for (i = optind; i < argc; i++)
		if (read_file(argv[i], &seeds[i - optind])) {
			fprintf(stderr, "mutate: cannot read %s\n", argv[i]);
			return 2;
		}
	add_edges();
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);
	pccf_default_limits(&lim);
	ar.size = pccf_arena_bytes(&lim);
	ar.base = xrealloc(NULL, ar.size);
	printf("hunt: %zu seed objects, %ld mutants each, %zu packets\n",
	       nseeds, nmut, npkts);
	for (s = 0; s < nseeds; s++) {
		base = strrchr(seeds[s].name, '/');
		base = base ? base + 1 : seeds[s].name;
		/* the seed itself must be accepted and safe */
		snprintf(tag, sizeof(tag), "%s-orig", base);
		saved = c;
		try_mutant(&seeds[s], &seeds[s], &ar, &lim, tag);
		if (c.safe != saved.safe + 1 || c.div != saved.div) {
			fprintf(stderr, "mutate: seed %s is not accepted and safe\n",
				base);
			return 2;
		}
		c = saved;
		for (k = 0; k < nmut; k++) {
			m.n = seeds[s].n;
			m.p = xrealloc(NULL, m.n);
			memcpy(m.p, seeds[s].p, m.n);
			ops = 1 + (int)below(4);
			while (ops--)
				mutate_once(&m);
			snprintf(tag, sizeof(tag), "%s-%d", base, k);
			try_mutant(&m, &seeds[s], &ar, &lim, tag);
			free(m.p);
		}
	}
	printf("edits by section: code %llu, reloc %llu, annot %llu, proof %llu, header/raw %llu\n",
	       (unsigned long long)ops_by_kind[0], (unsigned long long)ops_by_kind[1],
	       (unsigned long long)ops_by_kind[2], (unsigned long long)ops_by_kind[3],
	       (unsigned long long)ops_by_kind[4]);
	printf("rejected by class: EOBJ %llu, EDECODE %llu, ECFG %llu, EPOLICY %llu, EPROOF %llu, ELIMIT %llu\n",
	       (unsigned long long)c.rej_by[PCCF_EOBJ], (unsigned long long)c.rej_by[PCCF_EDECODE],
	       (unsigned long long)c.rej_by[PCCF_ECFG], (unsigned long long)c.rej_by[PCCF_EPOLICY],
	       (unsigned long long)c.rej_by[PCCF_EPROOF], (unsigned long long)c.rej_by[PCCF_ELIMIT]);
	printf("accepted: %llu identical to the seed, %llu with changed code, "
	       "%llu placement-dependent\n", (unsigned long long)c.same,
	       (unsigned long long)c.codechg, (unsigned long long)c.div);
	printf("hunt: %llu mutants, %llu rejected, %llu accepted, %llu accepted-and-safe, %llu faults\n",
	       (unsigned long long)c.mut, (unsigned long long)c.rej,
	       (unsigned long long)c.acc, (unsigned long long)c.safe,
	       (unsigned long long)c.fault);
	free(ar.base);
	return c.fault ? 1 : 0;
}
