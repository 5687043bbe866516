/*
 * mkbatch.c - the QEMU test's kernel batch: write fuzzed and mutated
 * objects to files, deterministically, for loading through /dev/pccf.
 *
 *   mkbatch [-n MUTANTS] [-s SEED] [-k K] [-f VERIFY_CORPUS]
 *           [-F PROOF_CORPUS] [-r REGRESS_DIR] -o OUTDIR OBJ.pcc...
 *
 * Mutants: MUTANTS objects made from the seed objects (round robin) by
 * the soundness hunt's own edits (tools/mutate.c's mutate_once, included
 * below: bit flips, byte sets, +-1, inserts and deletes inside a section
 * with the header's length following or left stale, whole sections and
 * chunks spliced from another seed, raw header flips), 1-4 per mutant,
 * and then, one time in six, a truncation of the whole object to a
 * random length (a third of them inside the header), and one time in
 * sixteen 1-64 random bytes appended.  A mutant equal to a seed or to an
 * earlier mutant is dropped and another is made, so the MUTANTS files
 * are distinct.  Names: mNNN-SEED.pcc.
 * Fuzzer corpora (optional): K inputs of each given libFuzzer corpus,
 * taken evenly from its files in name order.  fuzz_verify inputs are
 * whole objects (cvNNN.pcc); fuzz_proof inputs ([selector][u16 annotation
 * length][annotation][proof]) are turned into objects with the harness's
 * fixed code and relocation, as tests/fuzz/run.sh does (cpNNN.pcc).
 * -r copies every file of REGRESS_DIR (tests/fuzz/regress) as rNNN.pcc.
 *
 * Prints one line "mkbatch: M mutants, V+P corpus inputs, R regress".
 * The same SEED, seeds and corpora give the same files.  Does not
 * verify anything: tools/qemu-test.sh asks 'pccf check' for each
 * file's verdict.  Build (the hunt's driver is compiled in, so the
 * core library and libpcap are linked):
 *   cc -Iinclude -I$B/gen -Ivcgen -Ichecker -Ikernel tools/qemu/mkbatch.c \
 *      $B/libpccf.a -lpcap -o mkbatch
 * Untrusted test tooling.
 */
#define main mutate_main
#include "../mutate.c"
#undef main

#include <sys/stat.h>

static const char *odir;

/* fnv - a 64-bit hash of 'n' bytes. */
static u64 fnv(const u8 *p, size_t n)
{
	u64 h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static u64 *seen;
static size_t nseen;

/* fresh - 1 (and remember it) when 'b' is new, else 0. */
static int fresh(const struct blob *b)
{
	u64 h = fnv(b->p, b->n) ^ (u64)b->n;
	size_t i;

	for (i = 0; i < nseen; i++)
		if (seen[i] == h)
			return 0;
	if (nseen % 256 == 0)
		seen = xrealloc(seen, (nseen + 256) * sizeof(*seen));
	seen[nseen++] = h;
	return 1;
}

/* put - write 'n' bytes as OUTDIR/NAME. */
static void put(const char *name, const u8 *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", odir, name);
	f = fopen(path, "wb");
	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f)) {
		fprintf(stderr, "mkbatch: cannot write %s\n", path);
		exit(2);
	}
}

/* extra - the edits mutate_once does not make: truncation, appending. */
static void extra(struct blob *m)
{
	u8 buf[64];
	size_t k, n;

	if (rnd() % 6 == 0 && m->n) {
		m->n = rnd() % 3 ? below(m->n) : below(m->n < OBJ_HDR ? m->n : OBJ_HDR);
	} else if (rnd() % 16 == 0) {
		n = 1 + below(64);
		for (k = 0; k < n; k++)
			buf[k] = (u8)rnd();
		splice_bytes(m, m->n, 0, buf, n);
	}
}

/* mutants - write 'nmut' distinct mutants of the seeds. */
static long mutants(long nmut)
{
	struct blob m;
	char name[256];
	const char *base, *dot;
	long k = 0, tries = 0;
	size_t s;
	int ops;

	for (s = 0; s < nseeds; s++)
		fresh(&seeds[s]);
	while (k < nmut && tries < nmut * 50) {
		s = (size_t)(tries++ % (long)nseeds);
		m.n = seeds[s].n;
		m.p = xrealloc(NULL, m.n);
		memcpy(m.p, seeds[s].p, m.n);
		for (ops = 1 + (int)below(4); ops > 0; ops--)
			mutate_once(&m);
		extra(&m);
		if (fresh(&m)) {
			base = strrchr(seeds[s].name, '/');
			base = base ? base + 1 : seeds[s].name;
			dot = strrchr(base, '.');
			snprintf(name, sizeof(name), "m%03ld-%.*s.pcc", k, (int)(dot ? dot - base : (long)strlen(base)), base);
			put(name, m.p, m.n);
			k++;
		}
		free(m.p);
	}
	return k;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sorted - the regular files of 'dir' in name order; count in *n. */
static char **sorted(const char *dir, size_t *n)
{
	char **v = NULL, path[4096];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(path);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	return v;
}

/* proof_obj - a fuzz_proof input 'd' as the object that harness checks
 * (tests/fuzz/run.sh's conversion). */
static void proof_obj(const struct blob *d, struct blob *o)
{
	static const u8 c0[] = { 0x31, 0xc0, 0x48, 0x83, 0xfe, 0x0e, 0x72, 0x0d,
				 0x0f, 0xb7, 0x57, 0x0c, 0x83, 0xfa, 0x08, 0x0f,
				 0x94, 0xc0, 0xc1, 0xe0, 0x12, 0xe9, 0, 0, 0, 0 };
	static const u8 c1[] = { 0x31, 0xc0, 0xe9, 0, 0, 0, 0 };
	const u8 *c = d->n && d->p[0] % 2 ? c1 : c0;
	size_t nc = c == c1 ? sizeof(c1) : sizeof(c0);
	u32 rel = c == c1 ? 3 : 0x16;
	size_t na = d->n > 2 ? (size_t)(d->p[1] | d->p[2] << 8) : 0;
	size_t rest = d->n > 3 ? d->n - 3 : 0, np;
	u8 *q;

	if (na > rest)
		na = rest;
	np = rest - na;
	o->n = OBJ_HDR + nc + 8 + na + np;
	o->p = q = xrealloc(NULL, o->n);
	memcpy(q, "PCCF\1\0\1\0", 8);
	put32(q + 8, (u32)nc);
	put32(q + 12, 8);
	put32(q + 16, (u32)na);
	put32(q + 20, (u32)np);
	q += OBJ_HDR;
	memcpy(q, c, nc);
	q += nc;
	put32(q, rel);
	put32(q + 4, 1);
	if (rest)
		memcpy(q + 8, d->p + 3, rest);
}

/* corpus - K inputs of 'dir' taken evenly, written as PFX%03d.pcc. */
static long corpus(const char *dir, long k, const char *pfx, int conv)
{
	struct blob b, o;
	char name[64];
	size_t n, i;
	long w = 0, j;
	char **v = sorted(dir, &n);

	for (j = 0; j < k && (size_t)j < n; j++) {
		i = (size_t)j * n / (size_t)(k < (long)n ? k : (long)n);
		if (read_file(v[i], &b))
			continue;
		if (conv) {
			proof_obj(&b, &o);
			free(b.p);
			b = o;
		}
		if (fresh(&b)) {
			snprintf(name, sizeof(name), "%s%03ld.pcc", pfx, w++);
			put(name, b.p, b.n);
		}
		free(b.p);
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return w;
}

int main(int argc, char **argv)
{
	const char *fv = NULL, *fp = NULL, *rg = NULL;
	long nmut = 300, k = 40, got, ncv = 0, ncp = 0, nr = 0;
	int opt, i;

	while ((opt = getopt(argc, argv, "n:s:k:f:F:r:o:")) != -1) {
		switch (opt) {
		case 'n': nmut = atol(optarg); break;
		case 's': rng = strtoull(optarg, NULL, 0) * 2 + 1; break;
		case 'k': k = atol(optarg); break;
		case 'f': fv = optarg; break;
		case 'F': fp = optarg; break;
		case 'r': rg = optarg; break;
		case 'o': odir = optarg; break;
		default: goto usage;
		}
	}
	if (!odir || optind >= argc)
		goto usage;
	nseeds = (size_t)(argc - optind);
	seeds = xrealloc(NULL, nseeds * sizeof(*seeds));
	for (i = optind; i < argc; i++)
		if (read_file(argv[i], &seeds[i - optind])) {
			fprintf(stderr, "mkbatch: cannot read %s\n", argv[i]);
			return 2;
		}
	got = mutants(nmut);
	if (fv)
		ncv = corpus(fv, k, "cv", 0);
	if (fp)
		ncp = corpus(fp, k, "cp", 1);
	if (rg)
		nr = corpus(rg, 1000, "r", 0);
	printf("mkbatch: %ld mutants, %ld+%ld corpus inputs, %ld regress\n",
	       got, ncv, ncp, nr);
	return got == nmut ? 0 : 1;
usage:
	fprintf(stderr, "usage: mkbatch [-n MUTANTS] [-s SEED] [-k K] [-f DIR] "
		"[-F DIR] [-r DIR] -o OUTDIR OBJ.pcc...\n");
	return 2;
}
