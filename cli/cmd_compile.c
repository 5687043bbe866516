/*
 * cmd_compile.c - 'pccf compile': a tcpdump expression (or classic BPF)
 * to a certified object, with tcpdump's options and dumps.  Untrusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "cli.h"
#include "compile.h"

/* dlt_of - a link type by name (EN10MB, RAW, IPV4, IPV6) or number. */
static int dlt_of(const char *s)
{
	int d = pcap_datalink_name_to_val(s);
	char *end;
	long v;

	if (d >= 0)
		return d;
	v = strtol(s, &end, 0);
	return *s && !*end && v >= 0 && v < 65536 ? (int)v : -1;
}

/* dump - run one of the object dump commands on 'path'. */
static int dump(int (*fn)(int, char **), const char *name, const char *path)
{
	char *argv[3] = { (char *)name, (char *)path, NULL };

	fflush(stdout);
	return fn(2, argv);
}

/* cmd_compile - 'pccf compile [options] EXPR -o F.pcc' or '-f PROG'. */
int cmd_compile(int argc, char **argv)
{
	struct compile_opts o;
	struct bpf_program prog = { 0, NULL };
	struct buf obj = { 0 };
	const char *expr = NULL, *out = NULL, *file = NULL;
	int i, nd = 0, x86 = 0, vc = 0, proof = 0, rc = EXIT_FAIL;
	char err[1024], tmp[] = "/tmp/pccf-compile-XXXXXX";
	struct in_addr m;

	compile_defaults(&o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-o") && i + 1 < argc) out = argv[++i];
		else if (!strcmp(a, "-f") && i + 1 < argc) file = argv[++i];
		else if (!strcmp(a, "-O0")) o.optimize = 0;
		else if (!strcmp(a, "-O") || !strcmp(a, "-O1")) o.optimize = 1;
		else if (!strcmp(a, "-d")) nd = 1;
		else if (!strcmp(a, "-dd")) nd = 2;
		else if (!strcmp(a, "-ddd")) nd = 3;
		else if (!strcmp(a, "--x86")) x86 = 1;
		else if (!strcmp(a, "--vc")) vc = 1;
		else if (!strcmp(a, "--proof")) proof = 1;
		else if (!strcmp(a, "--checked")) o.x86.checked_mode = 1;
		else if (!strcmp(a, "--spec-mask")) o.x86.spec_mask = 1;
		else if (!strcmp(a, "-y") && i + 1 < argc) {
			if ((o.dlt = dlt_of(argv[++i])) < 0)
				return cli_usage(argv[0], "unknown link type '%s'", argv[i]);
		} else if (!strcmp(a, "-s") && i + 1 < argc) {
			o.snaplen = atoi(argv[++i]);
			if (o.snaplen <= 0)
				return cli_usage(argv[0], "bad snap length '%s'", argv[i]);
		} else if (!strcmp(a, "-m") && i + 1 < argc) {
			if (inet_pton(AF_INET, argv[++i], &m) != 1)
				return cli_usage(argv[0], "bad netmask '%s' (dotted quad)", argv[i]);
			o.netmask = ntohl(m.s_addr);
		} else if (a[0] == '-' && a[1])
			return cli_usage(argv[0], "unknown option '%s'", a);
		else if (!expr)
			expr = a;
		else
			return cli_usage(argv[0], "one expression, quoted (got '%s')", a);
	}
	if (!!expr == !!file)
		return cli_usage(argv[0], "give an expression or -f PROG");
	if (file) {
		FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;

		if (!f)
			return cli_err("%s: cannot open", file);
		if (compile_read_ddd(f, &prog, err, sizeof err)) {
			if (f != stdin)
				fclose(f);
			return cli_err("%s: %s", file, err);
		}
		if (f != stdin)
			fclose(f);
	} else if (compile_expr(expr, &o, &prog, err, sizeof err)) {
		return cli_err("%s", err);	/* libpcap's own message */
	}
	if (nd) {
		bpf_dump(&prog, nd);
		if (!out && !x86 && !vc && !proof) {
			rc = EXIT_OK;
			goto done;
		}
	}
	if (!out && !x86 && !vc && !proof) {
		rc = cli_usage(argv[0], "missing -o F.pcc");
		goto done;
	}
	if (compile_bpf(prog.bf_insns, prog.bf_len, &o, &obj, err, sizeof err)) {
		cli_err("%s", err);
		goto done;
	}
	if (!out) {
		int fd = mkstemp(tmp);

		if (fd < 0) {
			cli_err("cannot create a temporary file");
			goto done;
		}
		close(fd);
	}
	if (cli_write(out ? out : tmp, obj.p, obj.n))
		goto done;
	rc = EXIT_OK;
	if (x86)
		rc |= dump(cmd_disasm, "disasm", out ? out : tmp);
	if (vc)
		rc |= dump(cmd_vc, "vc", out ? out : tmp);
	if (proof)
		rc |= dump(cmd_proof, "proof", out ? out : tmp);
	if (!out)
		unlink(tmp);
done:
	free(obj.p);
	if (file)
		free(prog.bf_insns);
	else
		pcap_freecode(&prog);
	return rc;
}
