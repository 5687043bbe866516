/*
 * trusted.c - the "trusted lines" of each technique: the code that must
 * be right for the host to be safe while running the filter.
 *
 *   interp         libpcap's bpf_filter.c: 538 lines, the length of the
 *                  file in libpcap 1.10.3 (quoted: Debian ships no source
 *                  here and the benchmark downloads nothing)
 *   checked, sfi,  the compiler and installer: filters/bpf2x86.c,
 *   jit            filters/emit.h, filters/rewrite.c, kernel/host.c
 *   pcc            the TCB, as tools/tcb.sh counts it ("TCB lines: N")
 *   rust, c        named, not counted: rustc + LLVM; gcc (and the C
 *                  filter's own source, which nothing checks)
 *   pkey, domain*  named: the CPU's keys / the kernel's address spaces
 *                  (the code inside is the certified pcc code)
 *
 * Counted lines are code lines as tools/tcb.sh counts them: the file
 * through clang-format --style=file, then every line with code outside
 * comments (string-aware).  Without clang-format the raw file is
 * counted and the note says so.  libpcap's own compiler (pcap_compile)
 * turns the expression into BPF for every technique alike, so it is
 * trusted equally by all (for the filter's meaning, not for safety) and
 * is in no count.  Untrusted tooling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "bench.h"

#ifndef PCCF_SRC_DIR
#define PCCF_SRC_DIR "."
#endif

static const char *const compiler_files[] = {
	"filters/bpf2x86.c", "filters/emit.h", "filters/rewrite.c", "kernel/host.c"
};

/* code_in - 1 when 'line' has code outside comments; '*in_block' and
 * the string state carry tcb.sh's rules across the line. */
static int code_in(const char *line, int *in_block)
{
	int code = 0;
	char quote = 0;
	size_t i = 0, n = strlen(line);

	while (i < n) {
		char c = line[i];

		if (*in_block) {
			if (!strncmp(line + i, "*/", 2)) {
				*in_block = 0;
				i += 2;
			} else
				i++;
			continue;
		}
		if (quote) {
			code = 1;
			if (c == '\\') {
				i += 2;
				continue;
			}
			if (c == quote)
				quote = 0;
			i++;
			continue;
		}
		if (!strncmp(line + i, "/*", 2)) {
			*in_block = 1;
			i += 2;
		} else if (!strncmp(line + i, "//", 2))
			break;
		else if (c == '"' || c == '\'') {
			quote = c;
			code = 1;
			i++;
		} else {
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
			    c != '\f' && c != '\v')
				code = 1;
			i++;
		}
	}
	return code;
}

/* count_stream - code lines of 'f'. */
static long count_stream(FILE *f)
{
	char line[8192];
	int in_block = 0;
	long n = 0;

	while (fgets(line, sizeof(line), f))
		n += code_in(line, &in_block);
	return n;
}

/* have_clang_format - clang-format is on PATH. */
static int have_clang_format(void)
{
	return system("command -v clang-format >/dev/null 2>&1") == 0;
}

/* count_file - code lines of SRC/'rel', formatted when 'fmt'; -1 if
 * the file is missing. */
static long count_file(const char *rel, int fmt)
{
	char path[4096], cmd[8400];
	struct stat st;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", PCCF_SRC_DIR, rel);
	if (stat(path, &st))
		return -1;
	if (!fmt) {
		f = fopen(path, "r");
		if (!f)
			return -1;
		n = count_stream(f);
		fclose(f);
		return n;
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && clang-format --style=file "
		 "--assume-filename=./x.c < '%s'", PCCF_SRC_DIR, rel);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = count_stream(f);
	return pclose(f) ? -1 : n;
}

/* tcb_lines - "TCB lines: N" from tools/tcb.sh, or -1. */
static long tcb_lines(void)
{
	char cmd[4200], line[512];
	long n = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "sh '%s/tools/tcb.sh' 2>/dev/null", PCCF_SRC_DIR);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (n < 0 && sscanf(line, "TCB lines: %ld", &n) != 1)
			n = -1;
	pclose(f);
	return n;
}

/* set - fill one entry. */
static void set(struct trusted *t, long lines, const char *what,
		const char *note)
{
	t->lines = lines;
	snprintf(t->what, sizeof(t->what), "%s", what);
	snprintf(t->note, sizeof(t->note), "%s", note);
}

/* compute - every entry, once. */
static void compute(struct trusted *tab)
{
	int fmt = have_clang_format();
	long comp = 0, tcb = tcb_lines();
	char note[400];
	size_t i;

	for (i = 0; i < sizeof(compiler_files) / sizeof(compiler_files[0]); i++) {
		long n = count_file(compiler_files[i], fmt);

		if (n < 0) {
			comp = -1;
			break;
		}
		comp += n;
	}
	set(&tab[TECH_INTERP], 538, "bpf_filter.c",
	    "libpcap's interpreter: bpf_filter.c of libpcap 1.10.3, 538 lines "
	    "(the file's length, quoted: no libpcap source on this machine)");
	snprintf(note, sizeof(note), "the code generator and installer: "
		 "filters/bpf2x86.c, emit.h, rewrite.c, kernel/host.c, code lines "
		 "%s (as tools/tcb.sh counts)%s", fmt ? "after clang-format" :
		 "NOT clang-formatted (no clang-format)",
		 comp < 0 ? "; sources not found" : "");
	set(&tab[TECH_CHECKED], comp, "compiler", note);
	set(&tab[TECH_SFI], comp, "compiler", note);
	set(&tab[TECH_JIT], comp, "compiler", note);
	set(&tab[TECH_PCC], tcb, "TCB",
	    tcb < 0 ? "the TCB: tools/tcb.sh did not run here"
		    : "the TCB, 'TCB lines' of tools/tcb.sh: parser, decoder, "
		      "VC generator, checker, signature, installer");
	set(&tab[TECH_RUST], -1, "rustc+LLVM",
	    "rustc and LLVM (named, not counted), and the one unsafe file "
	    "bpf-baseline/rust/shim.rs");
	set(&tab[TECH_C], -1, "gcc+source",
	    "gcc (named, not counted) and the filter's own C source: nothing "
	    "checks what it reads");
	set(&tab[TECH_PKEY], -1, "CPU keys",
	    "the CPU's protection keys, the kernel, bench/pkey.c's trampoline, "
	    "and that the code holds no WRPKRU (ERIM's scan); the code run is "
	    "the certified pcc code");
	set(&tab[TECH_DOMAIN_BATCH], -1, "kernel MMU",
	    "the kernel's address spaces (fork, page tables, futex; named, not "
	    "counted); the code run in the filter process is the certified "
	    "pcc code");
	tab[TECH_DOMAIN] = tab[TECH_DOMAIN_BATCH];
	set(&tab[TECH_NULL], -1, "-", "runs no filter");
}

/* trusted_of - see bench.h. */
const struct trusted *trusted_of(enum tech_id id)
{
	static struct trusted tab[TECH_N];
	static int done;

	if (!done) {
		compute(tab);
		done = 1;
	}
	return (unsigned)id < TECH_N ? &tab[id] : &tab[TECH_NULL];
}
