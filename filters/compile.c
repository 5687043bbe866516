/*
 * compile.c - expression or BPF in, certified object out (compile.h).
 *
 * libpcap compiles the expression; bpf2x86 compiles the BPF to x86-64
 * and says which caplen facts hold at its join points; certify proves
 * the code safe with those facts as invariants and self-checks the
 * object with the consumer.  Untrusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compile.h"

void compile_defaults(struct compile_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->dlt = DLT_EN10MB;
	o->snaplen = 262144;
	o->optimize = 1;
	o->netmask = PCAP_NETMASK_UNKNOWN;
}

int compile_expr(const char *expr, const struct compile_opts *o,
		 struct bpf_program *prog, char *err, size_t errlen)
{
	pcap_t *p = pcap_open_dead(o->dlt, o->snaplen);
	int rc = 0;

	if (!p) {
		snprintf(err, errlen, "cannot open a libpcap handle for DLT %d", o->dlt);
		return -1;
	}
	if (pcap_compile(p, prog, expr, o->optimize, o->netmask) < 0) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		rc = -1;
	}
	pcap_close(p);
	return rc;
}

int compile_bpf(const struct bpf_insn *prog, uint32_t n,
		const struct compile_opts *o, struct buf *obj, char *err,
		size_t errlen)
{
	struct buf code = { 0 };
	struct bpf2x86_annot *an = NULL;
	struct certify_annot *ca = NULL;
	uint32_t nan = 0, i;
	int rc = -1;

	if (bpf2x86(prog, n, &o->x86, &code, &an, &nan, err, errlen))
		goto out;
	ca = calloc(nan ? nan : 1, sizeof(*ca));
	for (i = 0; i < nan; i++) {
		ca[i].off = an[i].off;
		ca[i].min_caplen = an[i].min_caplen;
	}
	rc = certify_annotated(code.p, code.n, ca, nan, 0, obj, err, errlen);
out:
	free(code.p);
	free(an);
	free(ca);
	return rc;
}

int compile_read_ddd(FILE *f, struct bpf_program *prog, char *err,
		     size_t errlen)
{
	unsigned long cnt, i, code, jt, jf, k;

	if (fscanf(f, "%lu", &cnt) != 1 || cnt == 0 || cnt > BPF2X86_MAXINSNS) {
		snprintf(err, errlen, "expected an instruction count first (tcpdump -ddd format)");
		return -1;
	}
	prog->bf_len = (u_int)cnt;
	prog->bf_insns = calloc(cnt, sizeof(struct bpf_insn));
	for (i = 0; i < cnt; i++) {
		if (fscanf(f, "%lu %lu %lu %lu", &code, &jt, &jf, &k) != 4 ||
		    code > 0xffff || jt > 255 || jf > 255 || k > 0xffffffffu) {
			snprintf(err, errlen, "instruction %lu: expected 'code jt jf k'", i);
			free(prog->bf_insns);
			prog->bf_insns = NULL;
			return -1;
		}
		prog->bf_insns[i].code = (u_short)code;
		prog->bf_insns[i].jt = (u_char)jt;
		prog->bf_insns[i].jf = (u_char)jf;
		prog->bf_insns[i].k = (bpf_u_int32)k;
	}
	return 0;
}
