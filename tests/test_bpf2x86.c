/*
 * test_bpf2x86.c - differential test of the BPF -> x86-64 compiler
 * (filters/bpf2x86.c) against libpcap's bpf_filter, running the
 * generated code natively, uncertified (its bare 'ret's work as is).
 *
 *  1. Unit cases: validation rejections, A / X / M[] starting at 0,
 *     division by X == 0, shifts by 32 or more, ancillary loads.
 *  2. Every expression of corpus/filters/en10mb.txt that pcap_compile
 *     accepts (EN10MB, snaplen 262144, optimiser on, netmask unknown),
 *     on every packet of every Ethernet capture in corpus/pcaps and
 *     corpus/pcaps-libpcap, in the default, checked and spec-mask modes.
 *  3. Random valid programs using every opcode, on random and corpus
 *     packets, in all modes.
 *
 * Each packet is copied so that it ends right before a PROT_NONE page:
 * a load past caplen faults instead of passing silently.  Each program's
 * code is also decoded with Zydis: every byte decodes, branches go
 * forward to instruction starts, no path falls off the end, and every
 * annotation sits on a join (two or more incoming edges).
 *
 * Usage: test_bpf2x86 [NRANDOM [SEED]]   (default 3000 programs, seed 1)
 *        test_bpf2x86 -d 'EXPR'          dump BPF and x86 for one filter
 * The corpus is found at $PCCF_CORPUS, default ../shared/corpus.
 * Name fixtures: when run as root (and PCCF_NO_FIXTURES is unset), the
 * test enters a private mount namespace, lays an overlay over /etc and
 * appends corpus/filters/fixtures/{hosts,ethers,networks} there, as the
 * corpus README describes; the machine's own files are not touched.
 * Otherwise the expressions naming '*.libpcap.test' are skipped (and
 * counted) without asking the resolver.
 * Ends with "N passed, M failed"; exits 1 on any failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <inttypes.h>
#include <sched.h>
#include <sys/mount.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <Zydis/Zydis.h>
#include "bpf2x86.h"
#include "prove.h"
#include "verify.h"
#include "host.h"
#include "fixtures.h"

#define SNAPLEN 262144
#define NMODES 5
#define CERTIFIED 4	/* the default code, certified, verified, installed */

typedef uint32_t (*filter_fn)(const uint8_t *pkt, uint64_t caplen,
			      uint64_t wirelen, uint32_t *mem);

struct pkt {
	uint32_t caplen, wirelen;
	uint8_t *data;
};

static const char *const mode_name[NMODES] = { "default", "checked",
					       "spec-mask", "rel32", "certified" };
static struct pkt *pkts;
static size_t npkts, cappkts;
static uint8_t *guard_end;	/* first byte of the PROT_NONE page */
static unsigned passed, failed;
static uint64_t nonzero;	/* comparisons where bpf_filter returned != 0 */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* rnd - the next xorshift64* number (32 bits). */
static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* check - count one assertion, printing 'what' when it fails. */
static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

/* add_pkt - keep a copy of one packet. */
static void add_pkt(const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	if (npkts == cappkts) {
		cappkts = cappkts ? 2 * cappkts : 1024;
		pkts = realloc(pkts, cappkts * sizeof(*pkts));
	}
	pkts[npkts].caplen = caplen;
	pkts[npkts].wirelen = wirelen;
	pkts[npkts].data = malloc(caplen ? caplen : 1);
	memcpy(pkts[npkts].data, data, caplen);
	npkts++;
}

/* cmpstr - qsort order for file names. */
static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_dir - every packet of every Ethernet .pcap in 'dir'; files read. */
static int load_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4096], eb[PCAP_ERRBUF_SIZE];
	size_t nn = 0, i;
	int files = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".pcap")) {
			names = realloc(names, (nn + 1) * sizeof(*names));
			names[nn++] = strdup(e->d_name);
		}
	closedir(d);
	qsort(names, nn, sizeof(*names), cmpstr);
	for (i = 0; i < nn; i++) {
		pcap_t *p;
		struct pcap_pkthdr *h;
		const u_char *data;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		p = pcap_open_offline(path, eb);
		if (!p)
			continue;
		if (pcap_datalink(p) == DLT_EN10MB) {
			files++;
			while (pcap_next_ex(p, &h, &data) == 1)
				add_pkt(data, h->caplen, h->len);
		}
		pcap_close(p);
	}
	free(names);
	return files;
}

/* guard_setup - a buffer whose end is followed by a PROT_NONE page. */
static void guard_setup(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t i, max = 2048, span;

	for (i = 0; i < npkts; i++)
		max = pkts[i].caplen > max ? pkts[i].caplen : max;
	span = (max + pg - 1) / pg * pg;
	uint8_t *m = mmap(NULL, span + pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || mprotect(m + span, pg, PROT_NONE)) {
		perror("guard mmap");
		exit(1);
	}
	guard_end = m + span;
}

/* place - copy packet 'p' so it ends at the guard page; its new base. */
static const uint8_t *place(const struct pkt *p)
{
	uint8_t *at = guard_end - p->caplen;

	memcpy(at, p->data, p->caplen);
	return at;
}

/* A compiled program mapped executable. */
struct jit {
	void *mem;
	size_t len;
	filter_fn fn;
};

/* jit_map - copy 'code' into fresh RX memory. */
static int jit_map(struct jit *j, const struct buf *code)
{
	long pg = sysconf(_SC_PAGESIZE);

	j->len = (code->n + pg - 1) / pg * pg;
	j->mem = mmap(NULL, j->len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (j->mem == MAP_FAILED)
		return -1;
	memset(j->mem, 0xcc, j->len);		/* int3 in the tail */
	memcpy(j->mem, code->p, code->n);
	if (mprotect(j->mem, j->len, PROT_READ | PROT_EXEC))
		return -1;
	j->fn = (filter_fn)j->mem;
	return 0;
}

/* jit_unmap - release what jit_map mapped. */
static void jit_unmap(struct jit *j)
{
	if (j->len)
		munmap(j->mem, j->len);
}

/*
 * cert_map - certify 'code' with its join facts (the producer), verify
 * the object (the consumer) and install it through the host installer:
 * the function that runs is exactly the checked code.  -1 with 'err'.
 */
static struct host_filter cert_hf;
static struct pccf_arena cert_ar;
static uint64_t cert_code, cert_proof, cert_n;

static int cert_map(struct jit *j, const struct buf *code,
		    const struct bpf2x86_annot *an, uint32_t nan, char *err,
		    size_t errlen)
{
	struct certify_annot *ca = calloc(nan ? nan : 1, sizeof(*ca));
	struct buf obj = { 0 };
	struct pccf_limits lim;
	struct pccf_verified v;
	struct pccf_err e = { 0 };
	uint32_t i;
	int rc = -1;

	for (i = 0; i < nan; i++) {
		ca[i].off = an[i].off;
		ca[i].min_caplen = an[i].min_caplen;
	}
	pccf_default_limits(&lim);
	if (!cert_ar.base) {
		cert_ar.size = pccf_arena_bytes(&lim);
		cert_ar.base = malloc(cert_ar.size);
	}
	cert_ar.used = 0;
	if (certify_annotated(code->p, code->n, ca, nan, 0, &obj, err, errlen))
		goto out;
	if (pccf_verify(obj.p, (u32)obj.n, &lim, PCCF_CHECK, &cert_ar, &v, &e) ||
	    host_install(&v.obj, &v.rel, &cert_hf, &e)) {
		snprintf(err, errlen, "rejected: %s", e.msg);
		goto out;
	}
	cert_code += v.obj.ncode;
	cert_proof += v.obj.nproof;
	cert_n++;
	j->mem = cert_hf.map;
	j->len = 0;
	j->fn = (filter_fn)(void *)cert_hf.map;
	rc = 0;
out:
	free(ca);
	free(obj.p);
	return rc;
}

/*
 * zcheck - decode 'code' linearly with Zydis and check the shape: every
 * byte decodes; jumps go forward to instruction starts; the last
 * instruction is a ret or jmp; every annotation sits on an instruction
 * with two or more incoming edges.  Returns NULL or what is wrong.
 */
static const char *zcheck(const struct buf *code,
			  const struct bpf2x86_annot *an, uint32_t nan)
{
	static ZydisDecoder zd;
	static int init;
	static uint8_t *start;
	static uint32_t *preds, cap;
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
	size_t off = 0;
	uint32_t i, last = ZYDIS_MNEMONIC_INVALID;

	if (!init) {
		ZydisDecoderInit(&zd, ZYDIS_MACHINE_MODE_LONG_64,
				 ZYDIS_STACK_WIDTH_64);
		init = 1;
	}
	if (code->n + 1 > cap) {
		cap = code->n + 1;
		start = realloc(start, cap);
		preds = realloc(preds, cap * sizeof(*preds));
	}
	memset(start, 0, code->n + 1);
	memset(preds, 0, (code->n + 1) * sizeof(*preds));
	while (off < code->n) {
		uint64_t to;
		int fall;

		if (ZYAN_FAILED(ZydisDecoderDecodeFull(&zd, code->p + off,
						       code->n - off, &zi, zo)))
			return "Zydis cannot decode an instruction";
		start[off] = 1;
		last = zi.mnemonic;
		fall = zi.mnemonic != ZYDIS_MNEMONIC_RET &&
		       zi.mnemonic != ZYDIS_MNEMONIC_JMP;
		if (fall)
			preds[off + zi.length]++;
		if (zi.meta.category == ZYDIS_CATEGORY_COND_BR ||
		    zi.meta.category == ZYDIS_CATEGORY_UNCOND_BR) {
			if (ZYAN_FAILED(ZydisCalcAbsoluteAddress(&zi, &zo[0],
								 off, &to)))
				return "cannot compute a branch target";
			if (to <= off || to >= code->n)
				return "branch backward or outside the code";
			preds[to]++;
		}
		off += zi.length;
	}
	if (last != ZYDIS_MNEMONIC_RET && last != ZYDIS_MNEMONIC_JMP)
		return "the code can fall off its end";
	for (off = 0; off < code->n; off++)
		if (preds[off] && !start[off])
			return "a branch lands inside an instruction";
	for (i = 0; i < nan; i++) {
		if (an[i].off >= code->n || !start[an[i].off])
			return "annotation not on an instruction start";
		if (preds[an[i].off] < 2)
			return "annotation not on a join";
		if (an[i].min_caplen == 0)
			return "annotation with bound 0";
		if (i && an[i].off <= an[i - 1].off)
			return "annotations not sorted";
	}
	return NULL;
}

/* dump_code - the disassembly of 'code', one instruction a line. */
static void dump_code(const struct buf *code, const struct bpf2x86_annot *an,
		      uint32_t nan)
{
	ZydisDisassembledInstruction in;
	size_t off = 0;
	uint32_t a = 0;

	while (off < code->n &&
	       ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64,
						  off, code->p + off,
						  code->n - off, &in))) {
		while (a < nan && an[a].off == off)
			printf("      ; join: caplen >= %u\n", an[a++].min_caplen);
		printf("%5zx  %s\n", off, in.text);
		off += in.info.length;
	}
}

/* set_mode - the options of test mode 'm'. */
static void set_mode(struct bpf2x86_opts *o, int m, struct bpf2x86_stats *st)
{
	memset(o, 0, sizeof(*o));
	o->checked_mode = m == 1;
	o->spec_mask = m == 2;
	o->no_short = m == 3;	/* CERTIFIED: the default options */
	o->stats = st;
}

/* Totals over the corpus, per mode. */
struct sizes {
	uint64_t bytes, checks, ind, annots;
	uint32_t *each, n;
};
static struct sizes sizes[NMODES];

/*
 * run_prog - compile 'prog' in mode 'm' and compare it with bpf_filter
 * on packets 'ps' (whose bpf_filter results are 'want', or NULL to
 * compute).  Returns the mismatch count, or -1 when it did not compile.
 */
static long run_prog(const struct bpf_insn *prog, uint32_t n, int m,
		     const struct pkt *ps, size_t np, const uint32_t *want,
		     const char *label, int quiet_reject)
{
	struct bpf2x86_opts o;
	struct bpf2x86_stats st;
	struct buf code = { 0 };
	struct bpf2x86_annot *an;
	uint32_t nan, mem[BPF_MEMWORDS];
	char err[256];
	const char *bad;
	struct jit j;
	long mism = 0;
	size_t i;

	set_mode(&o, m, &st);
	if (bpf2x86(prog, n, &o, &code, &an, &nan, err, sizeof(err)) < 0) {
		if (!quiet_reject)
			printf("FAIL: %s [%s]: bpf2x86: %s\n", label,
			       mode_name[m], err);
		free(code.p);
		return -1;
	}
	bad = zcheck(&code, an, nan);
	if (bad) {
		printf("FAIL: %s [%s]: %s\n", label, mode_name[m], bad);
		dump_code(&code, an, nan);
		free(code.p);
		free(an);
		return 1;
	}
	if (m == CERTIFIED) {
		if (cert_map(&j, &code, an, nan, err, sizeof(err))) {
			printf("FAIL: %s [%s]: %s\n", label, mode_name[m], err);
			free(code.p);
			free(an);
			return -1;
		}
	} else if (jit_map(&j, &code)) {
		perror("jit mmap");
		exit(1);
	}
	for (i = 0; i < np; i++) {
		const uint8_t *at = place(&ps[i]);
		uint32_t exp, got;

		exp = want ? want[i] : bpf_filter(prog, at, ps[i].wirelen,
						  ps[i].caplen);
		nonzero += exp != 0;
		memset(mem, 0xa5, sizeof(mem));
		got = j.fn(at, ps[i].caplen, ps[i].wirelen, mem);
		if (got != exp) {
			if (mism++ < 3)
				printf("MISMATCH %s [%s] packet %zu (caplen %u "
				       "wirelen %u): bpf_filter %u, x86 %u\n",
				       label, mode_name[m], i, ps[i].caplen,
				       ps[i].wirelen, exp, got);
		}
	}
	if (m == CERTIFIED)
		host_free(&cert_hf);
	else
		jit_unmap(&j);
	if (label[0] == 'E') {	/* corpus expression: keep size stats */
		struct sizes *s = &sizes[m];

		s->bytes += code.n;
		s->checks += st.checks;
		s->ind += st.ind_checks;
		s->annots += nan;
		s->each = realloc(s->each, (s->n + 1) * sizeof(*s->each));
		s->each[s->n++] = (uint32_t)code.n;
	}
	free(code.p);
	free(an);
	return mism;
}

/* ---------------------------------------------------------------- */
/* Unit cases                                                        */

#define S(c, k) { (uint16_t)(c), 0, 0, (uint32_t)(k) }
#define J(c, k, t, f) { (uint16_t)(c), (t), (f), (uint32_t)(k) }

/* expect_reject - 'prog' must not compile. */
static void expect_reject(const struct bpf_insn *prog, uint32_t n,
			  const char *what)
{
	struct buf code = { 0 };
	struct bpf2x86_annot *an;
	uint32_t nan;
	char err[256] = "", msg[512];
	int rc = bpf2x86(prog, n, NULL, &code, &an, &nan, err, sizeof(err));

	snprintf(msg, sizeof(msg), "reject %s (got rc %d: %s)", what, rc, err);
	check(rc < 0 && err[0], msg);
	free(code.p);
}

/* expect_value - 'prog' must return 'v' on a fixed 64-byte packet. */
static void expect_value(const struct bpf_insn *prog, uint32_t n, uint32_t v,
			 const char *what)
{
	static uint8_t data[64];
	struct pkt p = { 64, 80, data };
	char msg[256];
	int m;

	for (m = 0; m < 64; m++)
		data[m] = (uint8_t)(m * 7 + 1);
	if (strncmp(what, "M[]", 3) != 0) {	/* bpf_filter defines it */
		snprintf(msg, sizeof(msg), "%s: bpf_filter gives %u", what, v);
		check(bpf_filter(prog, data, p.wirelen, p.caplen) == v, msg);
	}
	for (m = 0; m < NMODES; m++) {
		long r = run_prog(prog, n, m, &p, 1, &v, what, 0);

		snprintf(msg, sizeof(msg), "%s [%s]", what, mode_name[m]);
		check(r == 0, msg);
	}
}

/* unit_tests - validation and the semantic corner cases. */
static void unit_tests(void)
{
	static const struct bpf_insn back[] = { S(BPF_LD | BPF_IMM, 1),
		S(BPF_JMP | BPF_JA, -2), S(BPF_RET | BPF_K, 0) };
	static const struct bpf_insn badop[] = { S(0xff, 0),
		S(BPF_RET | BPF_K, 0) };
	static const struct bpf_insn mem16[] = { S(BPF_LD | BPF_MEM, 16),
		S(BPF_RET | BPF_A, 0) };
	static const struct bpf_insn div0[] = { S(BPF_ALU | BPF_DIV | BPF_K, 0),
		S(BPF_RET | BPF_A, 0) };
	static const struct bpf_insn noret[] = { S(BPF_LD | BPF_IMM, 1) };
	static const struct bpf_insn jrange[] = {
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(BPF_RET | BPF_K, 0) };
	/* M[3] read, never written: 0. */
	static const struct bpf_insn memz[] = { S(BPF_LD | BPF_MEM, 3),
		S(BPF_RET | BPF_A, 0) };
	/* M[2] written on one path only, then read: 0 on the other. */
	static const struct bpf_insn memp[] = { S(BPF_LD | BPF_B | BPF_ABS, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 99, 0, 2),
		S(BPF_LD | BPF_IMM, 7), S(BPF_ST, 2),
		S(BPF_LD | BPF_MEM, 2), S(BPF_RET | BPF_A, 0) };
	/* A and X unknown-but-zero across a join. */
	static const struct bpf_insn axz[] = { S(BPF_LD | BPF_B | BPF_ABS, 1),
		J(BPF_JMP | BPF_JEQ | BPF_K, 8, 0, 1), S(BPF_LDX | BPF_IMM, 5),
		S(BPF_MISC | BPF_TXA, 0), S(BPF_RET | BPF_A, 0) };
	static const struct bpf_insn divx0[] = { S(BPF_LD | BPF_W | BPF_LEN, 0),
		S(BPF_ALU | BPF_SUB | BPF_K, 80), S(BPF_MISC | BPF_TAX, 0),
		S(BPF_LD | BPF_IMM, 9), S(BPF_ALU | BPF_DIV | BPF_X, 0),
		S(BPF_RET | BPF_K, 5) };
	static const struct bpf_insn lshx[] = { S(BPF_LD | BPF_B | BPF_ABS, 9),
		S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_ALU | BPF_ADD | BPF_K, 0),
		S(BPF_ALU | BPF_LSH | BPF_X, 0), S(BPF_RET | BPF_A, 0) };
	static const struct bpf_insn lshk[] = { S(BPF_LD | BPF_B | BPF_ABS, 9),
		S(BPF_ALU | BPF_LSH | BPF_K, 40), S(BPF_RET | BPF_A, 0) };
	static const struct bpf_insn vlan[] = {
		S(BPF_LD | BPF_B | BPF_ABS, 0xfffff02c), S(BPF_RET | BPF_K, 1) };
	static const struct bpf_insn far[] = {
		S(BPF_LD | BPF_W | BPF_ABS, 0xfffffffd), S(BPF_RET | BPF_K, 1) };
	static const struct bpf_insn big[] = {
		S(BPF_LD | BPF_H | BPF_ABS, 0x80000000u), S(BPF_RET | BPF_K, 1) };
	static const struct bpf_insn bigind[] = { S(BPF_LDX | BPF_IMM, 1),
		S(BPF_LD | BPF_B | BPF_IND, 0x7ffffff0u), S(BPF_RET | BPF_K, 1) };
	static const struct bpf_insn ind[] = { S(BPF_LDX | BPF_MSH | BPF_B, 0),
		S(BPF_LD | BPF_H | BPF_IND, 2), S(BPF_RET | BPF_A, 0) };

	expect_reject(back, 3, "backward jump");
	expect_reject(badop, 2, "invalid opcode");
	expect_reject(mem16, 2, "scratch index 16");
	expect_reject(div0, 2, "division by constant 0");
	expect_reject(noret, 1, "no final return");
	expect_reject(jrange, 2, "jump out of range");
	expect_reject(memz, 0, "empty program");
	expect_value(memz, 2, 0, "M[] starts at 0");
	/* data[0] = 1 != 99: the store is skipped */
	expect_value(memp, 6, 0, "M[] written on one path");
	/* data[1] = 8: X = 5 path; the jf path must give X = 0 */
	expect_value(axz, 5, 5, "X written on one path");
	/* len 80 - 80 = 0: division by X == 0 returns 0 */
	expect_value(divx0, 6, 0, "division by X == 0");
	/* X = 80 >= 32: shift gives 0 */
	expect_value(lshx, 5, 0, "lsh by X >= 32");
	/* data[9] = 64; << (40 & 31) */
	expect_value(lshk, 3, 64u << 8, "lsh by K = 40 (1.10.3 masks)");
	expect_value(vlan, 2, 0, "VLAN ancillary load");
	expect_value(far, 2, 0, "load beyond 2^32");
	expect_value(big, 2, 0, "load at 2^31");
	expect_value(bigind, 3, 0, "indirect load near 2^31");
	/* X = 4 * (1 & 15) = 4; [6..7] = 43, 50 */
	expect_value(ind, 3, 43u << 8 | 50, "MSH then ldh [x + 2]");
}

/* ---------------------------------------------------------------- */
/* Corpus                                                            */

/* read_lines - the non-empty lines of 'path'. */
static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[8192], **v = NULL;

	*n = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	return v;
}

/* median - the median of 'n' values (sorts them). */
static int cmpu32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t median(uint32_t *v, uint32_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmpu32);
	return v[n / 2];
}


/* corpus_tests - every compilable expression on every corpus packet. */
static void corpus_tests(const char *corpus)
{
	char path[4096], label[64];
	size_t nexpr, e, i;
	char **ex;
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	unsigned ok = 0, fixture = 0, libpcap_rej = 0, ours_rej = 0;
	uint64_t cmp = 0, mism = 0, bpf_total = 0;
	uint32_t *want = malloc((npkts ? npkts : 1) * sizeof(*want));
	int m, fix = fixtures_setup(corpus);

	printf("corpus: name fixtures %s\n", fix ? "installed (private mount "
	       "namespace)" : "not available: those expressions are skipped");
	snprintf(path, sizeof(path), "%s/filters/en10mb.txt", corpus);
	ex = read_lines(path, &nexpr);
	if (!ex) {
		check(0, "cannot read en10mb.txt");
		return;
	}
	for (e = 0; e < nexpr; e++) {
		struct bpf_program bp;
		char err[256];

		if (!fix && strcasestr(ex[e], "libpcap.test")) {
			fixture++;
			continue;
		}
		if (pcap_compile(pd, &bp, ex[e], 1, PCAP_NETMASK_UNKNOWN) < 0) {
			if (!fix && strcasestr(ex[e], "libpcap.test"))
				fixture++;
			else {
				libpcap_rej++;
				printf("  skip (libpcap 1.10.3 rejects): %s: %s\n",
				       ex[e], pcap_geterr(pd));
			}
			continue;
		}
		if (bpf2x86_validate(bp.bf_insns, bp.bf_len, err,
				     sizeof(err)) < 0) {
			ours_rej++;
			printf("  skip (not compilable): %s: %s\n", ex[e], err);
			pcap_freecode(&bp);
			continue;
		}
		ok++;
		bpf_total += bp.bf_len;
		for (i = 0; i < npkts; i++)
			want[i] = bpf_filter(bp.bf_insns, pkts[i].data,
					     pkts[i].wirelen, pkts[i].caplen);
		snprintf(label, sizeof(label), "E%zu", e + 1);
		for (m = 0; m < NMODES; m++) {
			long r = run_prog(bp.bf_insns, bp.bf_len, m, pkts,
					  npkts, want, label, 0);
			char msg[8300];

			snprintf(msg, sizeof(msg), "expression %zu '%s' [%s]",
				 e + 1, ex[e], mode_name[m]);
			check(r == 0, msg);
			cmp += npkts;
			mism += r < 0 ? npkts : (uint64_t)r;
		}
		pcap_freecode(&bp);
	}
	printf("corpus: %zu expressions: %u compiled, %u skipped (need the "
	       "name fixtures), %u rejected by libpcap 1.10.3, %u not "
	       "compilable (backward jumps: protochain loops)\n",
	       nexpr, ok, fixture, libpcap_rej, ours_rej);
	printf("corpus: %u expressions x %zu packets x %d modes = %" PRIu64
	       " comparisons, %" PRIu64 " mismatches\n",
	       ok, npkts, NMODES, cmp, mism);
	for (m = 0; m < NMODES; m++) {
		struct sizes *s = &sizes[m];
		uint32_t n = s->n, max = 0, k;

		for (k = 0; k < n; k++)
			max = s->each[k] > max ? s->each[k] : max;
		printf("code size [%s]: total %" PRIu64 " bytes for %" PRIu64
		       " BPF insns (%.2f bytes/insn), median %u, max %u; "
		       "%" PRIu64 " caplen checks, %" PRIu64 " X+k checks, %"
		       PRIu64 " annotations\n",
		       mode_name[m], s->bytes, bpf_total,
		       bpf_total ? (double)s->bytes / bpf_total : 0.0,
		       median(s->each, n), max, s->checks, s->ind, s->annots);
	}
	for (e = 0; e < nexpr; e++)
		free(ex[e]);
	free(ex);
	free(want);
	pcap_close(pd);
	fixtures_done();
}

/* ---------------------------------------------------------------- */
/* Random programs                                                   */

/* roff - a packet offset: mostly small, sometimes far or near 2^31/2^32. */
static uint32_t roff(void)
{
	switch (rnd() % 10) {
	case 0: return rnd() % 2000;
	case 1: return 0x7ffffff0u + rnd() % 32;
	case 2: return 0xfffffff0u + rnd() % 16;
	case 3: return 0xfffff000u + rnd() % 64;
	default: return rnd() % 72;
	}
}

/* rimm - an immediate: small, a byte, a boundary value or anything. */
static uint32_t rimm(void)
{
	static const uint32_t edge[] = { 0, 1, 2, 31, 32, 33, 0x7fffffff,
					 0x80000000u, 0xffffffffu, 0x800, 6 };

	switch (rnd() % 4) {
	case 0: return rnd() % 16;
	case 1: return rnd() & 0xff;
	case 2: return edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];
	default: return rnd();
	}
}

/* rjump - a forward offset from 'i' staying inside an 'n' program. */
static uint32_t rjump(uint32_t i, uint32_t n, uint32_t lim)
{
	uint32_t room = n - i - 2;	/* i + 1 + k <= n - 1 */

	if (room > lim)
		room = lim;
	return rnd() % 3 == 0 ? rnd() % (room + 1) : rnd() % (room < 4 ? room + 1 : 4);
}

/* gen_prog - a random valid program of 'n' instructions (n >= 20). */
static void gen_prog(struct bpf_insn *p, uint32_t n)
{
	static const uint16_t alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV,
		BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH };
	static const uint16_t jops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	static const uint16_t sz[] = { BPF_W, BPF_H, BPF_B };
	static const uint16_t memops[] = { BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM,
					   BPF_ST, BPF_STX };
	static const uint16_t misc[] = { BPF_ALU | BPF_NEG, BPF_MISC | BPF_TAX,
					 BPF_MISC | BPF_TXA };
	uint32_t i = 0, k;
	int usemem = rnd() % 2;

	memset(p, 0, n * sizeof(*p));
	if (usemem) {		/* every M[] word defined first */
		p[i++] = (struct bpf_insn)S(BPF_LDX | BPF_IMM, rimm());
		for (k = 0; k < BPF_MEMWORDS; k++)
			p[i++] = (struct bpf_insn)S(BPF_STX, k);
	}
	for (; i < n - 1; i++) {
		uint16_t op = alu_ops[rnd() % 10], s = sz[rnd() % 3];
		uint32_t c = rnd() % 26;

		if (c < 4)
			p[i] = (struct bpf_insn)S(BPF_LD | s | BPF_ABS, roff());
		else if (c < 6)
			p[i] = (struct bpf_insn)S(BPF_LD | s | BPF_IND,
						  rnd() % 4 ? rnd() % 40 : roff());
		else if (c < 7)
			p[i] = (struct bpf_insn)S(BPF_LDX | BPF_MSH | BPF_B,
						  rnd() % 4 ? 14 : roff());
		else if (c < 8)
			p[i] = (struct bpf_insn)S(rnd() % 2 ? BPF_LD | BPF_IMM
							     : BPF_LDX | BPF_IMM,
						  rimm());
		else if (c < 9)
			p[i] = (struct bpf_insn)S(rnd() % 2 ? BPF_LD | BPF_W | BPF_LEN
							     : BPF_LDX | BPF_W | BPF_LEN, 0);
		else if (c < 11 && usemem)
			p[i] = (struct bpf_insn)S(memops[rnd() % 4],
						  rnd() % BPF_MEMWORDS);
		else if (c < 15) {
			uint32_t kk = rimm();

			if ((op == BPF_DIV || op == BPF_MOD) && kk == 0)
				kk = 3;
			if (op == BPF_LSH || op == BPF_RSH)
				kk = rnd() % 40;
			p[i] = (struct bpf_insn)S(BPF_ALU | op | BPF_K, kk);
		} else if (c < 17)
			p[i] = (struct bpf_insn)S(BPF_ALU | op | BPF_X, 0);
		else if (c < 18)
			p[i] = (struct bpf_insn)S(misc[rnd() % 3], 0);
		else if (c < 19)
			p[i] = (struct bpf_insn)S(BPF_JMP | BPF_JA, rjump(i, n, 1000));
		else if (c < 24)
			p[i] = (struct bpf_insn)J(BPF_JMP | jops[rnd() % 4] |
						  (rnd() % 3 ? BPF_K : BPF_X),
						  rimm(), rjump(i, n, 255),
						  rjump(i, n, 255));
		else if (c < 25)
			p[i] = (struct bpf_insn)S(rnd() % 2 ? BPF_RET | BPF_A
							     : BPF_RET | BPF_K, rimm());
		else
			p[i] = (struct bpf_insn)S(BPF_LD | BPF_B | BPF_ABS,
						  0xfffff02cu + 4 * (rnd() % 2));
	}
	p[n - 1] = (struct bpf_insn)S(rnd() % 2 ? BPF_RET | BPF_A : BPF_RET | BPF_K,
				      rimm());
}

/* rand_pkt - a random packet, often IPv4-looking, into 'p'. */
static void rand_pkt(struct pkt *p, uint8_t *buf, uint32_t max)
{
	uint32_t i;

	p->caplen = rnd() % 4 ? rnd() % 100 : rnd() % max;
	p->wirelen = rnd() % 4 ? p->caplen + rnd() % 3 : rnd() % 200;
	for (i = 0; i < p->caplen; i++)
		buf[i] = rnd() % 3 ? (uint8_t)(rnd() % 8) : (uint8_t)rnd();
	if (p->caplen > 14 && rnd() % 2) {
		buf[12] = 8, buf[13] = 0;
		buf[14] = 0x40 | (uint8_t)(rnd() % 16);
	}
	p->data = buf;
}

/* random_tests - 'count' random programs on random and corpus packets. */
static void random_tests(unsigned count)
{
	enum { NR = 64, NC = 128 };
	static uint8_t bufs[NR][1600];
	struct pkt *ps = malloc((NR + NC) * sizeof(*ps));
	struct bpf_insn prog[300];
	uint64_t cmp = 0, mism = 0, nz0 = nonzero;
	unsigned t, bad = 0, rej = 0, shown = 0;
	char label[64];
	size_t np, i;
	int m;

	for (t = 0; t < count; t++) {
		uint32_t n = 20 + rnd() % 120;

		gen_prog(prog, n);
		for (i = 0; i < NR; i++)
			rand_pkt(&ps[i], bufs[i], sizeof(bufs[i]));
		np = NR;
		for (i = 0; i < NC && npkts; i++)
			ps[np++] = pkts[rnd() % npkts];
		snprintf(label, sizeof(label), "random program %u", t);
		for (m = 0; m < NMODES; m++) {
			long r = run_prog(prog, n, m, ps, np, NULL, label, 0);

			cmp += np;
			if (r < 0)
				rej++;
			if (r != 0) {
				mism += r < 0 ? np : (uint64_t)r;
				bad++;
			}
		}
		if (bad && shown++ < 2) {
			printf("  program (%u insns):\n", n);
			for (i = 0; i < n; i++)
				printf("    %s\n", bpf_image(&prog[i], (int)i));
		}
	}
	printf("random: %u programs x ~%zu packets x %d modes = %" PRIu64
	       " comparisons (%" PRIu64 " with a nonzero result), %" PRIu64
	       " mismatches, %u rejected\n", count, (size_t)(NR + NC), NMODES,
	       cmp, nonzero - nz0, mism, rej);
	check(mism == 0 && bad == 0, "random programs identical to bpf_filter");
	free(ps);
}

/* ---------------------------------------------------------------- */
/* Reused loads in branch-free regions                               */

/* Expressions whose regions load the same masked word twice (the
 * paper's net_pair and its kin): the second load must reuse the first's
 * register, and the code must still agree with bpf_filter. */
static const char *const reuse_exprs[] = {
	"(ip or arp) and ((src net 128.2.206 and dst net 128.2.209) or "
	"(src net 128.2.209 and dst net 128.2.206))",
	"(src net 10.1.2.0/24 and dst net 10.1.3.0/24) or "
	"(src net 10.1.3.0/24 and dst net 10.1.2.0/24)",
	"(src net 10.0.0.0/8 and dst net 11.0.0.0/8) or "
	"(src net 11.0.0.0/8 and dst net 10.0.0.0/8)",
};

/* reuse_prog - a random region-shaped program: NG groups 'ld [k]; and/
 * or/xor #c ...; jeq/jset #c' drawn from a small pool (so that groups
 * repeat), each jumping forward to a later group or to 'ret #S' /
 * 'ret #0'.  Returns its length. */
static uint32_t reuse_prog(struct bpf_insn *p)
{
	static const uint16_t sz[] = { BPF_W, BPF_H, BPF_B };
	static const uint16_t alu[] = { BPF_AND, BPF_AND, BPF_OR, BPF_XOR };
	static const uint32_t ks[] = { 0xffffff00u, 0xff00, 0xf0, 0x3, 0x101,
				       0x70000, 0 };
	enum { NG = 8 };
	uint32_t start[NG + 1], n = 0, g, j, pool = 2 + rnd() % 3;
	struct bpf_insn grp[4][4];
	uint32_t glen[4];

	for (g = 0; g < pool; g++) {	/* the pool of groups */
		uint32_t a = rnd() % 3;

		glen[g] = a + 1;
		grp[g][0] = (struct bpf_insn)S(BPF_LD | sz[rnd() % 3] | BPF_ABS,
					       rnd() % 24);
		for (j = 1; j <= a; j++) {
			uint16_t op = alu[rnd() % 4];
			uint32_t k = ks[rnd() % 7];

			if ((grp[g][0].code & 0x18) == BPF_H && op != BPF_AND)
				k &= 0xffff;	/* keep byte-swappable */
			grp[g][j] = (struct bpf_insn)S(BPF_ALU | op | BPF_K, k);
		}
	}
	for (g = 0; g < NG; g++) {	/* NG groups, each then a jump */
		uint32_t w = rnd() % pool;

		start[g] = n;
		memcpy(&p[n], grp[w], glen[w] * sizeof(*p));
		n += glen[w] + 1;
	}
	start[NG] = n;			/* ret #S at n, ret #0 at n + 1 */
	for (g = 0; g < NG; g++) {
		uint32_t at = start[g + 1] - 1, t[2];

		for (j = 0; j < 2; j++) {
			uint32_t c = rnd() % 4, to = g + 1 + rnd() % (NG - g);

			t[j] = c == 0 ? n : c == 1 ? n + 1 : start[to < NG ? to : NG];
			if (to >= NG && c > 1)
				t[j] = n + (rnd() % 2);
			t[j] -= at + 1;
		}
		p[at] = (struct bpf_insn)J(BPF_JMP | (rnd() % 3 ? BPF_JEQ : BPF_JSET) |
					   BPF_K, rnd() % 4 ? rnd() % 8 : rnd() % 0x10000,
					   t[0], t[1]);
	}
	p[n] = (struct bpf_insn)S(BPF_RET | BPF_K, 0x40000);
	p[n + 1] = (struct bpf_insn)S(BPF_RET | BPF_K, 0);
	return n + 2;
}

/* reuse_tests - the expressions above on every corpus packet and
 * 'count' random region-shaped programs on random and corpus packets,
 * in every mode; the default mode must have reused loads. */
static void reuse_tests(unsigned count)
{
	enum { NR = 64, NC = 128 };
	static uint8_t bufs[NR][128];
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	struct pkt *ps = malloc((NR + NC) * sizeof(*ps));
	struct bpf_insn prog[64];
	struct bpf2x86_stats st;
	struct bpf2x86_opts o;
	uint64_t mism = 0, cmp = 0, reused = 0;
	unsigned e, t, bad = 0, rej = 0;
	char label[64], msg[512];
	size_t i, np;
	int m;

	for (e = 0; e < sizeof(reuse_exprs) / sizeof(*reuse_exprs); e++) {
		struct bpf_program bp;
		struct buf code = { 0 };
		struct bpf2x86_annot *an;
		uint32_t nan;
		char err[256];

		if (pcap_compile(pd, &bp, reuse_exprs[e], 1,
				 PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(msg, sizeof(msg), "reuse expression '%s': %s",
				 reuse_exprs[e], pcap_geterr(pd));
			check(0, msg);
			continue;
		}
		set_mode(&o, 0, &st);
		snprintf(msg, sizeof(msg), "'%s' reuses a load", reuse_exprs[e]);
		check(bpf2x86(bp.bf_insns, bp.bf_len, &o, &code, &an, &nan, err,
			      sizeof(err)) == 0 && st.reused > 0, msg);
		free(code.p);
		free(an);
		for (m = 0; m < NMODES; m++) {
			long r = run_prog(bp.bf_insns, bp.bf_len, m, pkts, npkts,
					  NULL, reuse_exprs[e], 0);

			snprintf(msg, sizeof(msg), "'%s' [%s]", reuse_exprs[e],
				 mode_name[m]);
			check(r == 0, msg);
			cmp += npkts;
		}
		pcap_freecode(&bp);
	}
	for (t = 0; t < count; t++) {
		uint32_t n = reuse_prog(prog);

		for (i = 0; i < NR; i++)
			rand_pkt(&ps[i], bufs[i], sizeof(bufs[i]));
		np = NR;
		for (i = 0; i < NC && npkts; i++)
			ps[np++] = pkts[rnd() % npkts];
		set_mode(&o, 0, &st);
		{
			struct buf code = { 0 };
			struct bpf2x86_annot *an;
			uint32_t nan;
			char err[256];

			if (bpf2x86(prog, n, &o, &code, &an, &nan, err,
				    sizeof(err)) == 0)
				reused += st.reused;
			free(code.p);
			free(an);
		}
		snprintf(label, sizeof(label), "region program %u", t);
		for (m = 0; m < NMODES; m++) {
			long r = run_prog(prog, n, m, ps, np, NULL, label, 0);

			cmp += np;
			rej += r < 0;
			if (r != 0) {
				mism += r < 0 ? np : (uint64_t)r;
				if (bad++ < 2)
					for (i = 0; i < n; i++)
						printf("    %s\n",
						       bpf_image(&prog[i], (int)i));
			}
		}
	}
	printf("reuse: %zu expressions and %u region programs, %" PRIu64
	       " loads reused, %" PRIu64 " comparisons, %" PRIu64
	       " mismatches, %u rejected\n",
	       sizeof(reuse_exprs) / sizeof(*reuse_exprs), count, reused, cmp,
	       mism, rej);
	check(bad == 0 && reused > count / 8,
	      "region programs with reused loads identical to bpf_filter");
	free(ps);
	pcap_close(pd);
}

/* dump_expr - print the BPF and x86 of one expression (-d). */
static int dump_expr(const char *expr)
{
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	struct bpf_program bp;
	struct buf code = { 0 };
	struct bpf2x86_annot *an;
	struct bpf2x86_stats st;
	struct bpf2x86_opts o;
	uint32_t nan, i;
	char err[256];

	if (pcap_compile(pd, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		fprintf(stderr, "%s\n", pcap_geterr(pd));
		return 1;
	}
	for (i = 0; i < bp.bf_len; i++)
		printf("%s\n", bpf_image(&bp.bf_insns[i], (int)i));
	set_mode(&o, 0, &st);
	if (bpf2x86(bp.bf_insns, bp.bf_len, &o, &code, &an, &nan, err,
		    sizeof(err)) < 0) {
		fprintf(stderr, "bpf2x86: %s\n", err);
		return 1;
	}
	dump_code(&code, an, nan);
	printf("; %zu bytes, %u checks, %u X+k checks, %u folded, %u/%u "
	       "short/long branches, %u reused loads\n", code.n, st.checks,
	       st.ind_checks, st.folded, st.short_jumps, st.long_jumps,
	       st.reused);
	return 0;
}

int main(int argc, char **argv)
{
	const char *corpus = getenv("PCCF_CORPUS");
	unsigned nrand = 3000;
	char dir[4096];
	int f1, f2;

	if (argc == 3 && !strcmp(argv[1], "-d"))
		return dump_expr(argv[2]);
	if (argc > 1)
		nrand = (unsigned)strtoul(argv[1], NULL, 0);
	if (argc > 2)
		rng = strtoull(argv[2], NULL, 0) * 0x9e3779b97f4a7c15ull + 1;
	if (!corpus)
		corpus = "../shared/corpus";
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(dir, sizeof(dir), "%s/pcaps", corpus);
	f1 = load_dir(dir);
	snprintf(dir, sizeof(dir), "%s/pcaps-libpcap", corpus);
	f2 = load_dir(dir);
	guard_setup();
	printf("packets: %zu from %d + %d Ethernet captures in %s\n", npkts,
	       f1, f2, corpus);
	check(f1 > 0 && f2 > 0 && npkts > 0, "corpus captures found "
	      "(set PCCF_CORPUS)");
	unit_tests();
	corpus_tests(corpus);
	random_tests(nrand);
	reuse_tests(nrand / 3);
	if (cert_n)
		printf("certified: %" PRIu64 " objects, code %" PRIu64 " bytes, "
		       "proof %" PRIu64 " bytes (proof/code %.2f)\n", cert_n,
		       cert_code, cert_proof,
		       cert_code ? (double)cert_proof / cert_code : 0.0);
	free(cert_ar.base);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
