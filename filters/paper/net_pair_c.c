/*
 * net_pair_c.c - paper filter 3, tcpdump '(ip or arp) and ((src net
 * 128.2.206 and dst net 128.2.209) or (src net 128.2.209 and dst net
 * 128.2.206))', written the usual way in C.
 *
 * As libpcap: IPv4 compares the source [26] and destination [30], ARP the
 * sender [28] and target [38] protocol addresses; a frame too short for
 * the address it needs is rejected.  Build flags: see README.md.
 * Untrusted: the consumer checks the compiled code.
 */
#include <stdint.h>

uint32_t paper_net_pair_c(const uint8_t *pkt, uint64_t caplen,
			  uint64_t wirelen, uint32_t *mem);

#define NET_A 0x8002ce00u	/* 128.2.206.0/24 */
#define NET_B 0x8002d100u	/* 128.2.209.0/24 */

/* Big-endian 16-bit load at 'off' (caller checked the length). */
static inline uint32_t ld16(const uint8_t *p, uint64_t off)
{
	return (uint32_t)p[off] << 8 | p[off + 1];
}

/* Big-endian 32-bit load at 'off' (caller checked the length). */
static inline uint32_t ld32(const uint8_t *p, uint64_t off)
{
	return (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
	       (uint32_t)p[off + 2] << 8 | p[off + 3];
}

/* 1 if the /24s of 'src' and 'dst' are A->B or B->A. */
static inline int between(uint32_t src, uint32_t dst)
{
	src &= 0xffffff00;
	dst &= 0xffffff00;
	return (src == NET_A && dst == NET_B) || (src == NET_B && dst == NET_A);
}

/* Accept IPv4 or ARP traffic between 128.2.206/24 and 128.2.209/24. */
uint32_t paper_net_pair_c(const uint8_t *pkt, uint64_t caplen,
			  uint64_t wirelen, uint32_t *mem)
{
	uint32_t type;

	(void)wirelen;
	(void)mem;
	if (caplen < 14)
		return 0;
	type = ld16(pkt, 12);
	if (type == 0x0800) {
		if (caplen < 34)
			return 0;
		return between(ld32(pkt, 26), ld32(pkt, 30)) ? 262144 : 0;
	}
	if (type == 0x0806) {
		if (caplen < 42)
			return 0;
		return between(ld32(pkt, 28), ld32(pkt, 38)) ? 262144 : 0;
	}
	return 0;
}
