/*
 * paper.h - the four filters of Necula & Lee's OSDI'96 comparison, as a
 * table: short name, tcpdump expression (DLT_EN10MB), and the symbols of
 * the hand-written assembly (filters/paper/<name>.S) and plain C
 * (filters/paper/<name>_c.c) versions that tools/mkpaper.sh builds into
 * <name>_asm.o and <name>_c.o.  Untrusted producer data.
 *
 * Every filter has the pccf ABI: rdi = packet, rsi = caplen, rdx =
 * wirelen, rcx = 64 bytes of scratch; it returns 262144 (libpcap's return
 * for snaplen 262144) to accept and 0 to reject, exactly when libpcap's
 * bpf_filter does on the expression compiled with optimisation.
 */
#ifndef PCCF_PAPER_H
#define PCCF_PAPER_H

#include <stdint.h>

typedef uint32_t (*paper_fn)(const uint8_t *pkt, uint64_t caplen,
			     uint64_t wirelen, uint32_t *mem);

/* X(name, expression): the four filters in the paper's order. */
#define PAPER_FILTERS(X)                                                   \
	X(ip_all, "ip")                                                    \
	X(src_net, "ip src net 128.2.206.0/24")                            \
	X(net_pair, "(ip or arp) and ((src net 128.2.206 and dst net "     \
		    "128.2.209) or (src net 128.2.209 and dst net 128.2.206))") \
	X(tcp_dst21, "ip and tcp dst port 21")

#define PAPER_NFILTERS 4
#define PAPER_ASM_SYM(name) "paper_" #name "_asm"
#define PAPER_C_SYM(name) "paper_" #name "_c"
#define PAPER_ASM_OBJ(name) #name "_asm.o"
#define PAPER_C_OBJ(name) #name "_c.o"

/* One row of the table; PAPER_TABLE_INIT fills an array of them. */
struct paper_filter {
	const char *name;	/* "ip_all" */
	const char *expr;	/* tcpdump expression */
	const char *asm_sym;	/* "paper_ip_all_asm", in <name>_asm.o */
	const char *c_sym;	/* "paper_ip_all_c", in <name>_c.o */
	const char *asm_obj;	/* "ip_all_asm.o" */
	const char *c_obj;	/* "ip_all_c.o" */
};

#define PAPER_ROW_(n, e) \
	{ #n, e, PAPER_ASM_SYM(n), PAPER_C_SYM(n), PAPER_ASM_OBJ(n), PAPER_C_OBJ(n) },
/* Use as: static const struct paper_filter t[] = PAPER_TABLE_INIT; */
#define PAPER_TABLE_INIT { PAPER_FILTERS(PAPER_ROW_) }

/* The entry points, for callers that link the objects directly. */
#define PAPER_DECL_(n, e)                                                   \
	uint32_t paper_##n##_asm(const uint8_t *, uint64_t, uint64_t, uint32_t *); \
	uint32_t paper_##n##_c(const uint8_t *, uint64_t, uint64_t, uint32_t *);
PAPER_FILTERS(PAPER_DECL_)

#endif
