/*
 * pktgen.h - synthetic Ethernet frames for the paper-filter tests and the
 * demo trace: IPv4 (options, fragments, TCP/UDP/ICMP), ARP, IPv6, VLAN,
 * odd Ethernet types, and truncated copies.  Test code, trusts nothing.
 */
#ifndef PCCF_PKTGEN_H
#define PCCF_PKTGEN_H

#include <stddef.h>
#include <stdint.h>

#define PKTGEN_MAX 256		/* bytes of the largest frame built here */

/* One frame: 'caplen' bytes of 'b' were captured of 'wirelen' on the wire. */
struct pktgen_pkt {
	uint32_t caplen, wirelen;
	uint8_t b[PKTGEN_MAX];
};

/* An IPv4 packet; addresses in host order (0x8002ce07 = 128.2.206.7). */
struct pktgen_ip4 {
	uint32_t src, dst;
	uint8_t proto;		/* 6 TCP (20-byte header), 17 UDP (8), other: 8 bytes */
	uint8_t ihl;		/* 0..15, written as is; options are NOPs */
	uint16_t frag;		/* flags + fragment offset field */
	uint16_t tot_len;	/* 0: the true length */
	uint16_t sport, dport;
	uint16_t payload;	/* bytes after the L4 header */
};

/* Each builder writes a whole frame to 'b' (PKTGEN_MAX bytes) and returns
 * its length. */
uint32_t pktgen_ipv4(uint8_t *b, const struct pktgen_ip4 *ip);
uint32_t pktgen_vlan_ipv4(uint8_t *b, uint16_t vid, const struct pktgen_ip4 *ip);
uint32_t pktgen_arp(uint8_t *b, uint16_t op, uint32_t spa, uint32_t tpa);
uint32_t pktgen_ipv6(uint8_t *b, uint8_t next, uint16_t dport);
/* A frame of Ethernet type 'type' whose bytes 14.. are 'len - 14' bytes
 * copied from 'body' (a frame built above), for relabelled frames. */
uint32_t pktgen_retype(uint8_t *b, uint16_t type, const uint8_t *frame, uint32_t len);

/*
 * pktgen_suite - the synthetic test set: every combination that reaches
 * an accept or reject path of the paper filters, plus truncated copies
 * of key frames at every length.  Fills up to 'max' frames of 'out'
 * ('out' may be NULL) and returns how many the set has.
 */
size_t pktgen_suite(struct pktgen_pkt *out, size_t max);

/* pktgen_random - one frame of a random kind from the same families,
 * driven by the xorshift state '*seed' (nonzero). */
void pktgen_random(struct pktgen_pkt *p, uint64_t *seed);

#endif
