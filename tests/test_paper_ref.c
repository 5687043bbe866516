/*
 * test_paper_ref.c - the paper's four filters agree with libpcap.
 *
 * For each filter of filters/paper/paper.h, compiles the tcpdump
 * expression with libpcap (DLT_EN10MB, snaplen 262144, optimised, netmask
 * unknown) and compares bpf_filter's verdict with the native filter's on
 * every packet of every Ethernet capture in the corpus (pcaps/ and
 * pcaps-libpcap/) and on the synthetic set of tests/pktgen.c, for the
 * hand-written assembly and the plain C version.  Each native run sees
 * the packet in a guarded buffer, once ending exactly at a PROT_NONE page
 * and once starting right after one, with the packet pages read-only:
 * an out-of-bounds read or a write to the packet crashes the test.
 *
 * The eight entry points come from the table 'fns' (filled by
 * load_filters): the linked symbols when the objects are linked in,
 * otherwise the .text of the objects tools/mkpaper.sh builds (in
 * $PCCF_PAPER_DIR, or a fresh temporary directory).  Replace
 * load_filters to run other code (e.g. certified objects) for the same
 * names.  The corpus is ../shared/corpus from the repository root, or
 * $PCCF_CORPUS.  Prints per filter: compared, accepted, mismatches; ends
 * with "N passed, M failed" (N counts filter x version x packet
 * comparisons); exits 1 on any mismatch.  Test code, trusts nothing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "paper/paper.h"
#include "pktgen.h"
#include "prove.h"
#include "verify.h"
#include "host.h"

/* Linked symbols are optional: without the objects they resolve to NULL. */
#define WEAK_(n, e)                                                    \
	__typeof__(paper_##n##_asm) paper_##n##_asm __attribute__((weak)); \
	__typeof__(paper_##n##_c) paper_##n##_c __attribute__((weak));
PAPER_FILTERS(WEAK_)

#define NVER 2
static const char *const ver_name[NVER] = { "asm", "c" };
static const struct paper_filter table[PAPER_NFILTERS] = PAPER_TABLE_INIT;

/* The entry points under test: fns[filter][0 asm, 1 C]. */
static paper_fn fns[PAPER_NFILTERS][NVER];
static struct bpf_program progs[PAPER_NFILTERS];

struct count {
	unsigned long compared, accepted, mismatches;
};
static struct count counts[PAPER_NFILTERS][NVER];
static unsigned long bpf_accepts[PAPER_NFILTERS], npackets;
static unsigned long passed, failed;

/* ---- loading the filters ---- */

/* Copy 'n' bytes of code into fresh executable memory. */
static paper_fn map_code(const uint8_t *code, size_t n)
{
	void *m = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	memcpy(m, code, n);
	if (mprotect(m, n ? n : 1, PROT_READ | PROT_EXEC) != 0)
		return NULL;
	return (paper_fn)m;
}

/* Read the whole file 'path'; NULL on error. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n)) &&
	    fread(p, 1, (size_t)n, f) == (size_t)n)
		*len = (size_t)n;
	else {
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}

/* Little-endian loads for the ELF reader. */
static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/*
 * Certify 'code' (the producer), verify the object (the consumer) and
 * install it in W^X memory: the function that runs is the checked one.
 * The filter ABI is the installed code's own, so host_run's signature
 * matches paper_fn; the installed mappings stay for the whole test.
 */
static struct host_filter installed[PAPER_NFILTERS * NVER];
static int ninstalled;

static paper_fn certify_install(const char *path, const uint8_t *code, size_t n)
{
	struct buf obj = { 0 };
	struct pccf_limits lim;
	struct pccf_arena ar;
	struct pccf_verified v;
	struct pccf_err e = { 0 };
	struct host_filter *hf = &installed[ninstalled];
	char err[512];
	paper_fn fn = NULL;

	pccf_default_limits(&lim);
	ar.size = pccf_arena_bytes(&lim);
	ar.base = malloc(ar.size);
	ar.used = 0;
	if (certify(code, n, &obj, err, sizeof err)) {
		fprintf(stderr, "%s: certify: %s\n", path, err);
	} else if (pccf_verify(obj.p, (u32)obj.n, &lim, PCCF_CHECK, &ar, &v, &e) ||
		   host_install(&v.obj, &v.rel, hf, &e)) {
		fprintf(stderr, "%s: rejected: %s\n", path, e.msg);
	} else {
		fn = (paper_fn)(void *)hf->map;
		ninstalled++;
		printf("  %s: certified, code %u bytes, proof %u bytes\n", path,
		       v.obj.ncode, v.obj.nproof);
	}
	free(ar.base);
	free(obj.p);
	return fn;
}

/* Run the certified objects (default) or the raw .text (PCCF_RAW=1). */
static int certified = 1;

/*
 * The .text of the ELF64 relocatable 'path' as a function (entry at
 * offset 0), refusing objects with relocations against .text.
 */
static paper_fn load_text(const char *path)
{
	size_t len = 0, i, shoff, shnum, strndx, off, size;
	const uint8_t *sh, *str = NULL;
	paper_fn fn = NULL;
	uint8_t *o = slurp(path, &len);

	if (!o || len < 64 || memcmp(o, "\177ELF\2\1", 6) != 0)
		goto out;
	shoff = le(o + 40, 8);
	shnum = le(o + 60, 2);
	strndx = le(o + 62, 2);
	if (shoff > len || shnum * 64 > len - shoff || strndx >= shnum)
		goto out;
	sh = o + shoff + strndx * 64;
	if (le(sh + 24, 8) > len)
		goto out;
	str = o + le(sh + 24, 8);
	for (i = 0; i < shnum; i++) {
		sh = o + shoff + i * 64;
		const char *name = (const char *)str + le(sh, 4);
		if (!strcmp(name, ".rela.text") || !strcmp(name, ".rel.text")) {
			fprintf(stderr, "%s: .text has relocations\n", path);
			fn = NULL;
			goto out;
		}
		if (!strcmp(name, ".text") && !fn) {
			off = le(sh + 24, 8);
			size = le(sh + 32, 8);
			if (off <= len && size <= len - off)
				fn = certified ? certify_install(path, o + off, size) :
				     map_code(o + off, size);
		}
	}
out:
	free(o);
	return fn;
}

/* Fill 'fns': the linked symbols, else the objects mkpaper.sh builds. */
static int load_filters(void)
{
	paper_fn linked[PAPER_NFILTERS][NVER] = {
#define LINKED_(n, e) { paper_##n##_asm, paper_##n##_c },
		PAPER_FILTERS(LINKED_)
	};
	char dir[256], path[512], cmd[600];
	const char *env = getenv("PCCF_PAPER_DIR");
	int i, v, missing = 0;

	certified = !getenv("PCCF_RAW");
	for (i = 0; i < PAPER_NFILTERS; i++)
		for (v = 0; v < NVER; v++)
			missing += !(fns[i][v] = linked[i][v]);
	if (!missing && !certified) {
		printf("filters: linked in\n");
		return 0;
	}
	if (env) {
		snprintf(dir, sizeof dir, "%s", env);
	} else {
		snprintf(dir, sizeof dir, "/tmp/pccf-paper-XXXXXX");
		if (!mkdtemp(dir))
			return -1;
		snprintf(cmd, sizeof cmd, "sh tools/mkpaper.sh '%s'", dir);
		if (system(cmd) != 0) {
			fprintf(stderr, "tools/mkpaper.sh failed\n");
			return -1;
		}
	}
	printf("filters: %s .text of the objects in %s\n", certified ? "certified" : "raw", dir);
	for (i = 0; i < PAPER_NFILTERS; i++)
		for (v = 0; v < NVER; v++) {
			snprintf(path, sizeof path, "%s/%s", dir,
				 v ? table[i].c_obj : table[i].asm_obj);
			if (!(fns[i][v] = load_text(path))) {
				fprintf(stderr, "cannot load %s\n", path);
				missing = -1;
			}
			if (!env)
				unlink(path);
		}
	if (!env)
		rmdir(dir);
	return missing < 0 ? -1 : 0;
}

/* ---- guarded packet buffer ---- */

static uint8_t *gbase;		/* [NONE page][data pages][NONE page] */
static size_t gdata, gpage;

/* Copy 'pkt' into the guard so that it ends at the upper guard page
 * ('at_end') or starts right after the lower one; the data pages are
 * read-only when this returns. */
static const uint8_t *guard_place(const uint8_t *pkt, uint32_t caplen, int at_end)
{
	size_t need = (caplen + gpage - 1) / gpage * gpage;
	uint8_t *dst;

	if (need == 0)
		need = gpage;
	if (need > gdata) {
		if (gbase)
			munmap(gbase, gdata + 2 * gpage);
		gbase = mmap(NULL, need + 2 * gpage, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (gbase == MAP_FAILED) {
			perror("mmap");
			exit(2);
		}
		gdata = need;
	}
	if (mprotect(gbase + gpage, gdata, PROT_READ | PROT_WRITE) != 0) {
		perror("mprotect");
		exit(2);
	}
	dst = at_end ? gbase + gpage + gdata - caplen : gbase + gpage;
	memcpy(dst, pkt, caplen);
	mprotect(gbase + gpage, gdata, PROT_READ);
	return dst;
}

/* ---- comparing ---- */

/* Print the first bytes of a mismatching packet. */
static void dump(const char *what, const uint8_t *p, uint32_t caplen, uint32_t wirelen)
{
	uint32_t i;

	fprintf(stderr, "  %s caplen %u wirelen %u:", what, caplen, wirelen);
	for (i = 0; i < caplen && i < 64; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n    ", p[i]);
	fprintf(stderr, "\n");
}

/* Compare every filter and version with libpcap on one packet. */
static void compare(const char *what, const uint8_t *pkt, uint32_t caplen,
		    uint32_t wirelen)
{
	uint32_t mem[16] __attribute__((aligned(8)));
	const uint8_t *g;
	int i, v, side, want, got[2];

	npackets++;
	for (i = 0; i < PAPER_NFILTERS; i++) {
		g = guard_place(pkt, caplen, 1);
		want = bpf_filter(progs[i].bf_insns, g, wirelen, caplen) != 0;
		bpf_accepts[i] += want;
		for (v = 0; v < NVER; v++) {
			for (side = 0; side < 2; side++) {
				g = guard_place(pkt, caplen, !side);
				memset(mem, 0xa5, sizeof mem);
				got[side] = fns[i][v](g, caplen, wirelen, mem) != 0;
			}
			counts[i][v].compared++;
			counts[i][v].accepted += got[0];
			if (got[0] == want && got[1] == want) {
				passed++;
				continue;
			}
			failed++;
			if (counts[i][v].mismatches++ < 5) {
				fprintf(stderr, "MISMATCH %s/%s on %s: libpcap %d, native %d/%d\n",
					table[i].name, ver_name[v], what, want,
					got[0], got[1]);
				dump("packet", pkt, caplen, wirelen);
			}
		}
	}
}

/* Compare on every packet of the Ethernet captures in 'dir'; returns the
 * number of Ethernet files read, -1 if 'dir' is missing. */
static int run_dir(const char *dir)
{
	char err[PCAP_ERRBUF_SIZE], path[8192], what[8300];
	struct dirent **ents;
	struct pcap_pkthdr *h;
	const u_char *data;
	int n, k, files = 0, r;
	unsigned long idx;
	pcap_t *p;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -1;
	for (k = 0; k < n; k++) {
		size_t l = strlen(ents[k]->d_name);
		if (l < 5 || strcmp(ents[k]->d_name + l - 5, ".pcap") != 0)
			goto next;
		snprintf(path, sizeof path, "%s/%s", dir, ents[k]->d_name);
		if (!(p = pcap_open_offline(path, err))) {
			fprintf(stderr, "skip %s: %s\n", path, err);
			goto next;
		}
		if (pcap_datalink(p) == DLT_EN10MB) {
			files++;
			idx = 0;
			while ((r = pcap_next_ex(p, &h, &data)) == 1) {
				snprintf(what, sizeof what, "%s #%lu", path, ++idx);
				compare(what, data, h->caplen, h->len);
			}
			if (r == PCAP_ERROR)
				fprintf(stderr, "%s: %s\n", path, pcap_geterr(p));
		}
		pcap_close(p);
next:
		free(ents[k]);
	}
	free(ents);
	return files;
}

/* The corpus root: $PCCF_CORPUS or ../shared/corpus. */
static const char *corpus_root(void)
{
	const char *env = getenv("PCCF_CORPUS");

	return env && *env ? env : "../shared/corpus";
}

int main(void)
{
	static const char *const sub[] = { "pcaps", "pcaps-libpcap" };
	struct pktgen_pkt *syn;
	char dir[4096], what[64];
	size_t nsyn, s;
	int i, v, files;
	pcap_t *dead;

	gpage = (size_t)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (load_filters() != 0) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	dead = pcap_open_dead(DLT_EN10MB, 262144);
	for (i = 0; i < PAPER_NFILTERS; i++)
		if (pcap_compile(dead, &progs[i], table[i].expr, 1,
				 PCAP_NETMASK_UNKNOWN) != 0) {
			fprintf(stderr, "pcap_compile '%s': %s\n", table[i].expr,
				pcap_geterr(dead));
			printf("0 passed, 1 failed\n");
			return 1;
		}

	for (s = 0; s < 2; s++) {
		snprintf(dir, sizeof dir, "%s/%s", corpus_root(), sub[s]);
		files = run_dir(dir);
		if (files < 0) {
			fprintf(stderr, "corpus directory %s missing (set PCCF_CORPUS)\n", dir);
			failed++;
		} else {
			printf("%s: %d Ethernet captures\n", dir, files);
		}
	}
	unsigned long corpus_packets = npackets, corpus_accepts[PAPER_NFILTERS];
	memcpy(corpus_accepts, bpf_accepts, sizeof corpus_accepts);

	nsyn = pktgen_suite(NULL, 0);
	syn = calloc(nsyn, sizeof *syn);
	if (!syn)
		return 2;
	pktgen_suite(syn, nsyn);
	for (s = 0; s < nsyn; s++) {
		snprintf(what, sizeof what, "synthetic #%zu", s);
		compare(what, syn[s].b, syn[s].caplen, syn[s].wirelen);
	}
	free(syn);
	printf("packets: %lu from the corpus, %zu synthetic\n", corpus_packets, nsyn);

	for (i = 0; i < PAPER_NFILTERS; i++) {
		printf("%-9s '%s': libpcap accepts %lu (%lu corpus, %lu synthetic)\n",
		       table[i].name, table[i].expr, bpf_accepts[i], corpus_accepts[i],
		       bpf_accepts[i] - corpus_accepts[i]);
		for (v = 0; v < NVER; v++)
			printf("  %-3s compared %lu, accepted %lu, mismatches %lu\n",
			       ver_name[v], counts[i][v].compared,
			       counts[i][v].accepted, counts[i][v].mismatches);
		pcap_freecode(&progs[i]);
	}
	pcap_close(dead);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
