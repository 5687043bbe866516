/*
 * bpf2x86.h - the untrusted classic BPF -> x86-64 compiler core.
 *
 * bpf2x86 turns a classic BPF program (as pcap_compile produces it, or
 * any program bpf_validate-style checks accept) into raw x86-64 code
 * with the filter ABI of MISSION §3:
 *
 *   uint32_t f(const uint8_t *pkt,   rdi
 *              uint64_t caplen,      rsi
 *              uint64_t wirelen,     rdx   (BPF 'len')
 *              uint32_t *mem);       rcx   (BPF M[0..15])
 *
 * The code ends every path in a bare 'ret' (c3) with the result in eax;
 * it runs as is in user space, and certify() rewrites the returns into
 * relocated jumps before proving it.  The result equals libpcap
 * 1.10.3's bpf_filter(prog, pkt, wirelen, caplen) on every packet
 * (see bpf2x86.c for the few places where that needs care).
 *
 * Untrusted: a bug here can only make the consumer reject the object.
 */
#ifndef PCCF_BPF2X86_H
#define PCCF_BPF2X86_H

#include <stddef.h>
#include <stdint.h>
#include <pcap/bpf.h>
#include "prove.h"

/* SFI mode's sandbox: segments of 2^SFI_SEG_BITS bytes, aligned to
 * their size (see bpf2x86_opts.sfi_mode). */
#define SFI_SEG_BITS 28

/* The largest program bpf2x86 accepts, in BPF instructions. */
#define BPF2X86_MAXINSNS (1u << 20)

/* Numbers about one compilation, for the CSV and the tests. */
struct bpf2x86_stats {
	uint32_t bpf_insns;	/* input instructions */
	uint32_t live_insns;	/* reachable after folding */
	uint32_t checks;	/* constant caplen checks emitted */
	uint32_t ind_checks;	/* variable-offset (X+k) checks emitted */
	uint32_t folded;	/* instructions rewritten by constant folding */
	uint32_t short_jumps, long_jumps;
	uint32_t regions;	/* parts emitted branch-free */
	uint32_t reused;	/* loads whose value a register already held */
};

struct bpf2x86_opts {
	/* Speculation hardening: after each variable-offset (X+k) bounds
	 * check, force the index to 0 with a cmov on the check's flags, so
	 * a mispredicted check cannot read far out of bounds.  The proof
	 * does not need it. */
	int spec_mask;
	/* The "type-safe" baseline for the benchmark: one bounds check
	 * right before every packet access, no coalescing, no
	 * annotations needed. */
	int checked_mode;
	/* The SFI baseline (MiSFIT / Wahbe et al. style), for the
	 * benchmark: the default mode's code, all its own bounds checks
	 * kept (so results are identical), and in addition every packet
	 * address is forced into the caller's sandbox segment before the
	 * access: ea' = (ea & (2^SFI_SEG_BITS - 1)) | (pkt & ~(2^SFI_SEG_BITS
	 * - 1)), the segment base computed once at entry into r11 (or
	 * recomputed into r9 per access when r11 holds wirelen), and the
	 * scratch base forced to its 64-byte block (rcx &= -64; the M[k]
	 * offsets are constants < 64).  Caller contract: the packet lies
	 * wholly inside one 2^SFI_SEG_BITS-aligned segment (then every
	 * mask is a no-op on in-bounds addresses) and 'mem' is 64-byte
	 * aligned.  The code is not meant to be certified. */
	int sfi_mode;
	/* Disable rel8 branches (every branch rel32). */
	int no_short;
	/* Optional output: numbers about the compilation (may be NULL). */
	struct bpf2x86_stats *stats;
};

/*
 * A join-point fact for the certifier: at x86 offset 'off' (a join of
 * two or more edges), caplen >= 'min_caplen' holds on every incoming
 * edge, and the code after it relies on that.  The certifier states it
 * as the invariant ULE(min_caplen, caplen).  Joins that need no fact
 * (e.g. the shared 'return 0' block) are not listed.  Offsets are in
 * the code bpf2x86 produced (before certify rewrites the returns).
 */
struct bpf2x86_annot {
	uint32_t off;
	uint32_t min_caplen;
};


/*
 * bpf2x86 - compile the 'n'-instruction program 'prog' with options
 * 'opt' (NULL for defaults), appending the code to 'code' and storing
 * in '*annot' (malloc'd, free it; NULL when none) the '*nannot'
 * annotations, sorted by offset.  Returns 0, or
 * -1 with a message in 'err' (an invalid program: bad opcode, jump out
 * of range or backward, scratch index >= 16, division by constant 0,
 * no final return).
 */
int bpf2x86(const struct bpf_insn *prog, uint32_t n,
	    const struct bpf2x86_opts *opt, struct buf *code,
	    struct bpf2x86_annot **annot, uint32_t *nannot, char *err,
	    size_t errlen);

/*
 * bpf2x86_validate - the static checks bpf2x86 makes, alone: 0 when
 * 'prog' is a valid forward-only program, else -1 with 'err' naming
 * the instruction and the reason.
 */
int bpf2x86_validate(const struct bpf_insn *prog, uint32_t n, char *err,
		     size_t errlen);

#endif
