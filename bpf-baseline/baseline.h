/*
 * baseline.h - the alternatives to PCC that the benchmark compares:
 * libpcap's interpreter (interp.c), the paper filters in plain C (c.c)
 * and in safe Rust (rust.c + rust/), and the empty filter (null.c).
 * The bounds-checked and SFI techniques are modes of the BPF->x86
 * compiler (filters/bpf2x86.h), set up by bench/tech.c.
 *
 * Every native filter here has the filter ABI of MISSION §3 and returns
 * what libpcap's bpf_filter returns on the optimised program (262144 to
 * accept at snaplen 262144, 0 to reject).  Untrusted.
 */
#ifndef PCCF_BASELINE_H
#define PCCF_BASELINE_H

#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

typedef uint32_t (*baseline_fn)(const uint8_t *pkt, uint64_t caplen,
				uint64_t wirelen, uint32_t *mem);

#define BASELINE_SNAPLEN 262144

/*
 * baseline_interp_compile - libpcap's optimised program for 'expr' on
 * DLT_EN10MB, snaplen 262144, netmask unknown (free it with
 * pcap_freecode).  0, or -1 with libpcap's message in 'err'.
 */
int baseline_interp_compile(const char *expr, struct bpf_program *prog,
			    char *err, size_t errlen);

/* baseline_interp - libpcap's bpf_filter on one packet. */
static inline uint32_t baseline_interp(const struct bpf_insn *insns,
				       const uint8_t *pkt, uint32_t caplen,
				       uint32_t wirelen)
{
	return bpf_filter(insns, pkt, wirelen, caplen);
}

/* baseline_c - the plain-C paper filter 'name' ("ip_all"...), or NULL. */
baseline_fn baseline_c(const char *name);

/* baseline_rust - the safe-Rust paper filter 'name', or NULL when it is
 * not a paper filter or the Rust library was not built; then
 * 'baseline_rust_missing' says why. */
baseline_fn baseline_rust(const char *name);
extern const char *baseline_rust_missing;

/* baseline_null - returns 0 without reading the packet. */
uint32_t baseline_null(const uint8_t *pkt, uint64_t caplen, uint64_t wirelen,
		       uint32_t *mem);

#endif
