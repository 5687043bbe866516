/*
 * pccf.c - the pccf command-line tool: the table of subcommands, help,
 * option parsing and file helpers.  The subcommands live in cmd_*.c.
 *
 * Exit status: 0 ok, 1 rejection or error, 2 usage.  Errors go to stderr
 * as "pccf: ...".  Untrusted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static int cmd_help(int argc, char **argv);

/* The subcommands, in the order 'pccf --help' lists them. */
static const struct cli_cmd cmds[] = {
	{ "certify", cmd_certify, "certify [--no-proof] SRC -o F.pcc",
	  "certify x86-64 code (.s/.S, .o or .bin) into an object",
	  "SRC is assembly (.s or .S, assembled with 'cc -c'), an ELF64\n"
	  "relocatable (.o: its .text, which must have no relocations) or raw\n"
	  "bytes (.bin).  The entry point is offset 0.  Returns are rewritten\n"
	  "into relocated jumps, the VC is generated and proved, and the\n"
	  "object is checked by the consumer before it is written.  The same\n"
	  "input always gives a byte-identical object.\n"
	  "  --no-proof  write the rewritten code with an empty proof and no\n"
	  "              checks (to see what the consumer says about it)\n" },
	{ "compile", cmd_compile,
	  "compile [-O0] [-y DLT] [-s SNAPLEN] [-m NETMASK] EXPR -o F.pcc",
	  "compile a tcpdump expression (or BPF) into a certified object",
	  "libpcap compiles EXPR to classic BPF (optimizer on; -O0 turns it\n"
	  "off); pccf compiles that to x86-64, proves it safe and writes the\n"
	  "object, checked by the consumer first.\n"
	  "  -y DLT       link type: EN10MB (default), RAW, IPV4, IPV6, ...\n"
	  "  -s SNAPLEN   snap length (default 262144, as tcpdump)\n"
	  "  -m NETMASK   netmask, dotted quad (default unknown)\n"
	  "  -f PROG      classic BPF in tcpdump -ddd format instead of EXPR\n"
	  "               ('-' for stdin)\n"
	  "  -d, -dd, -ddd  print the BPF as tcpdump's options of those names\n"
	  "  --x86, --vc, --proof  print the code, the VC, the proof\n"
	  "  --checked    one bounds check before every access (benchmark)\n"
	  "  --spec-mask  mask indices after variable-offset checks\n" },
	{ "check", cmd_check, "check F.pcc [-q]",
	  "verify an object: recompute its VC and check its proof",
	  "Prints \"F.pcc: ok (...)\" with sizes and times, or\n"
	  "\"F.pcc: rejected: MESSAGE\" on stderr and exits 1.\n"
	  "  -q   print nothing on success\n" },
	{ "run", cmd_run, "run [--guard] [-v] F.pcc TRACE.pcap",
	  "verify, install and run a filter on every packet of a capture",
	  "Prints \"N packets, A accepted\" on stderr.\n"
	  "  -v       print each packet's return value, one a line, on stdout\n"
	  "  --guard  run each packet twice, placed against an inaccessible\n"
	  "           page at its end and at its start (likewise the scratch\n"
	  "           memory): an out-of-bounds access kills the process\n" },
	{ "bench", cmd_bench, cmd_bench_synopsis, cmd_bench_summary,
	  cmd_bench_help },
	{ "load", cmd_load, "load F.pcc [-i IFACE]",
	  "verify an object in the kernel (pccf.ko) and attach it",
	  "The kernel verifies the object itself; a rejection prints the same\n"
	  "text as 'pccf check' and the errno.  The filter stays loaded after\n"
	  "the command exits (see 'pccf unload').  Without -i it runs on every\n"
	  "interface.\n" },
	{ "list", cmd_list, "list", "list the filters loaded in the kernel", "" },
	{ "stats", cmd_stats, "stats [ID]",
	  "print kernel filters' packets seen, accepted and dropped", "" },
	{ "unload", cmd_unload, "unload ID", "detach and free a kernel filter", "" },
	{ "capture", cmd_capture,
	  "capture F.pcc -i IFACE [-c N] [-t SEC] [-w OUT.pcap]",
	  "capture packets through a kernel filter",
	  "  -c N    stop after N packets\n"
	  "  -t SEC  stop after SEC seconds\n"
	  "  -w OUT  write a pcap file (tcpdump -r reads it) instead of one\n"
	  "          line a packet\n" },
	{ "disasm", cmd_disasm, "disasm F.pcc",
	  "disassemble an object's code",
	  "Prints each instruction with its offset and bytes; relocated\n"
	  "returns are marked.\n" },
	{ "vc", cmd_vc, "vc F.pcc",
	  "print the verification condition of an object's code",
	  "Shared or large subterms are printed first as definitions tN.\n" },
	{ "proof", cmd_proof, "proof F.pcc", "print an object's proof", "" },
	{ "export-coq", cmd_export_coq, "export-coq F.pcc -o F.v [--no-verify-proof]",
	  "write an object's VC and proof as a Coq file (re-checked by Coq)",
	  "The VC (recomputed from the code by the trusted generator) becomes a\n"
	  "Coq proposition, shared subterms as definitions, and the LF proof a\n"
	  "Coq proof term over the rule lemmas of coq/Rules.v, so Coq re-checks\n"
	  "the certificate independently of the C checker:\n"
	  "  make coq-check V=F.v\n"
	  "  --no-verify-proof  export even if the C checker rejects the proof\n" },
	{ "unpack", cmd_unpack, "unpack F.pcc DIR",
	  "split an object into DIR/{header,code,reloc,annot,proof}.bin",
	  "Only the header's lengths are used; nothing is checked.\n" },
	{ "pack", cmd_pack, "pack DIR -o F.pcc",
	  "build an object from DIR/{header,code,reloc,annot,proof}.bin",
	  "Missing files count as empty.  Magic, version and policy come from\n"
	  "DIR/header.bin when present; the lengths are recomputed.  Nothing\n"
	  "is checked, so any object can be built (for tests).\n" },
	{ "help", cmd_help, "help [COMMAND]", "show help for pccf or a command",
	  "" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* find - the subcommand named 'name', or NULL. */
static const struct cli_cmd *find(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/* usage_all - the list of subcommands, to 'f'. */
static void usage_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pccf COMMAND [ARGS]\n\n"
		"Proof-carrying code packet filters.\n\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'pccf COMMAND --help' describes each command.\n");
}

/* usage_cmd - the help of subcommand 'c', to 'f'. */
static void usage_cmd(FILE *f, const struct cli_cmd *c)
{
	fprintf(f, "usage: pccf %s\n\n%s.\n", c->synopsis, c->summary);
	if (c->help[0])
		fprintf(f, "\n%s", c->help);
}

/* cmd_help - 'pccf help [COMMAND]'. */
static int cmd_help(int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 2) {
		usage_all(stdout);
		return EXIT_OK;
	}
	c = find(argv[1]);
	if (!c || argc > 2)
		return cli_usage("help", "unknown command '%s'", argv[1]);
	usage_cmd(stdout, c);
	return EXIT_OK;
}

/* cli_err - see cli.h. */
int cli_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("pccf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

/* cli_usage - see cli.h. */
int cli_usage(const char *cmd, const char *fmt, ...)
{
	const struct cli_cmd *c = find(cmd);
	va_list ap;

	fputs("pccf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fprintf(stderr, "usage: pccf %s\n", c->synopsis);
	return EXIT_USAGE;
}

/* allows - 1 when the space-separated list 'allowed' names 'opt'. */
static int allows(const char *allowed, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = allowed;

	while ((p = strstr(p, opt)) != NULL) {
		if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

/* cli_opts - see cli.h. */
int cli_opts(int argc, char **argv, const char *allowed, int npos,
	     struct cli_opts *o)
{
	int i, dashdash = 0;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			if (o->npos == npos || o->npos == 4)
				return cli_usage(argv[0], "unexpected argument '%s'", a);
			o->pos[o->npos++] = a;
		} else if (!strcmp(a, "--")) {
			dashdash = 1;
		} else if (!strcmp(a, "-o") && allows(allowed, "o")) {
			if (i + 1 == argc)
				return cli_usage(argv[0], "-o needs a file name");
			o->out = argv[++i];
		} else if (!strcmp(a, "-q") && allows(allowed, "q")) {
			o->quiet = 1;
		} else if (!strcmp(a, "-v") && allows(allowed, "v")) {
			o->verbose = 1;
		} else if (!strcmp(a, "--guard") && allows(allowed, "guard")) {
			o->guard = 1;
		} else if (!strcmp(a, "--no-proof") && allows(allowed, "no-proof")) {
			o->noproof = 1;
		} else {
			return cli_usage(argv[0], "unknown option '%s'", a);
		}
	}
	if (o->npos < npos)
		return cli_usage(argv[0], "missing argument");
	return 0;
}

/* cli_read - see cli.h. */
int cli_read(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	uint8_t tmp[65536];
	size_t n;

	out->n = 0;
	if (!f) {
		cli_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (out->n > ((size_t)1 << 30)) {
			fclose(f);
			cli_err("%s: file too large", path);
			return -1;
		}
		buf_put(out, tmp, n);
	}
	if (ferror(f)) {
		cli_err("%s: read error: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* cli_write - see cli.h. */
int cli_write(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f) {
		cli_err("%s: %s", path, strerror(errno));
		return -1;
	}
	bad = n && fwrite(p, 1, n, f) != n;
	if (fclose(f))
		bad = 1;
	if (bad) {
		cli_err("%s: write error: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* wants_help - 1 when 'argv' asks for help (-h or --help before "--"). */
static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 2) {
		usage_all(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_all(stdout);
		return EXIT_OK;
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "pccf: unknown command '%s'\n", argv[1]);
		fprintf(stderr, "run 'pccf --help' for the list of commands\n");
		return EXIT_USAGE;
	}
	if (wants_help(argc - 1, argv + 1)) {
		usage_cmd(stdout, c);
		return EXIT_OK;
	}
	return c->fn(argc - 1, argv + 1);
}
