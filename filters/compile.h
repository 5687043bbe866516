/*
 * compile.h - the certifying compiler's front door: tcpdump expression
 * (through libpcap's own compiler) or classic BPF, to a certified object.
 *
 * Untrusted.
 */
#ifndef PCCF_COMPILE_H
#define PCCF_COMPILE_H

#include <pcap/pcap.h>
#include "bpf2x86.h"
#include "prove.h"

struct compile_opts {
	int dlt;		/* DLT_EN10MB by default */
	int snaplen;		/* 262144, as tcpdump */
	int optimize;		/* 1; -O0 turns it off */
	uint32_t netmask;	/* PCAP_NETMASK_UNKNOWN by default */
	struct bpf2x86_opts x86;
};

void compile_defaults(struct compile_opts *o);

/* compile_expr - libpcap's BPF for 'expr'; -1 with libpcap's message. */
int compile_expr(const char *expr, const struct compile_opts *o,
		 struct bpf_program *prog, char *err, size_t errlen);

/* compile_bpf - x86 code + certified object for 'prog'; 'code' (may be
 * NULL) gets the raw compiler output. */
int compile_bpf(const struct bpf_insn *prog, uint32_t n,
		const struct compile_opts *o, struct buf *obj, char *err,
		size_t errlen);

/* compile_read_ddd - a program in tcpdump -ddd format from 'f'. */
int compile_read_ddd(FILE *f, struct bpf_program *prog, char *err,
		     size_t errlen);

#endif
