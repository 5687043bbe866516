/*
 * guest_main.c - main() of pccf-guest, the statically linked 'pccf' of
 * the QEMU test's initramfs.
 *
 * Debian's libpcap cannot be linked statically, so the guest tool is the
 * kernel subcommands of cli/cmd_kernel.c (load, list, stats, unload,
 * capture), which need only libc, behind this small dispatcher with its
 * own cli_err/cli_usage (the full tool's live in cli/pccf.c).  Build:
 *   cc -static -Iinclude -I$B/gen -Ivcgen -Ichecker -Ikernel -Ifilters -Icli \
 *      cli/cmd_kernel.c tools/qemu/guest_main.c -o $B/pccf-guest
 * Untrusted test tooling.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

int cmd_load(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_capture(int argc, char **argv);

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *synopsis;
} cmds[] = {
	{ "load", cmd_load, "load F.pcc [-i IFACE]" },
	{ "list", cmd_list, "list" },
	{ "stats", cmd_stats, "stats [ID]" },
	{ "unload", cmd_unload, "unload ID" },
	{ "capture", cmd_capture,
	  "capture F.pcc [-i IFACE] [-c N] [-t SEC] [-w OUT.pcap]" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

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
	va_list ap;
	size_t i;

	fputs("pccf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, cmd))
			fprintf(stderr, "usage: pccf %s\n", cmds[i].synopsis);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc > 1 && i < NCMDS; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr,
		"usage: pccf COMMAND [ARGS]   (guest build: kernel commands only)\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(stderr, "  pccf %s\n", cmds[i].synopsis);
	return EXIT_USAGE;
}
