/*
 * cli.h - shared pieces of the pccf command-line tool.
 *
 * Each subcommand is one function 'cmd_NAME(argc, argv)' (argv[0] is the
 * subcommand's name) returning the exit status: 0 ok, 1 rejection or
 * error, 2 usage.  pccf.c holds the table of subcommands, the help and
 * the helpers below.  Untrusted.
 */
#ifndef PCCF_CLI_H
#define PCCF_CLI_H

#include <stddef.h>
#include <stdint.h>
#include "prove.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* One subcommand: its name, entry point, synopsis and help text. */
struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *synopsis;	/* e.g. "certify SRC -o F.pcc" */
	const char *summary;	/* one line for 'pccf --help' */
	const char *help;	/* the rest of 'pccf CMD --help' */
};

/* Options a subcommand may accept (parsed by cli_opts). */
struct cli_opts {
	const char *out;	/* -o FILE */
	int quiet;		/* -q */
	int verbose;		/* -v */
	int guard;		/* --guard */
	int noproof;		/* --no-proof */
	const char *pos[4];	/* positional arguments */
	int npos;
};

/*
 * cli_opts - parse 'argv' (after argv[0]) accepting only the options
 * named in 'allowed' ("o", "q", "v", "guard", space-separated) and
 * exactly 'npos' positionals.  Returns 0, or prints a usage error and
 * returns EXIT_USAGE.
 */
int cli_opts(int argc, char **argv, const char *allowed, int npos,
	     struct cli_opts *o);

/* cli_err - print "pccf: ..." to stderr; returns EXIT_FAIL. */
int cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_usage - print "pccf: ..." and the subcommand's synopsis; EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cli_read - the whole file 'path' into '*out' (malloc'd). 0 or -1
 * (message printed). */
int cli_read(const char *path, struct buf *out);

/* cli_write - write 'n' bytes to 'path' (replacing it). 0 or -1. */
int cli_write(const char *path, const void *p, size_t n);

/* The subcommands. */
int cmd_certify(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_export_coq(int argc, char **argv);
int cmd_bench(int argc, char **argv);
extern const char cmd_bench_synopsis[], cmd_bench_summary[], cmd_bench_help[];
int cmd_load(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_vc(int argc, char **argv);
int cmd_proof(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_unpack(int argc, char **argv);

#endif
