/*
 * tcp_dst21_c.c - paper filter 4, tcpdump 'ip and tcp dst port 21',
 * written the usual way in C.
 *
 * As libpcap: IPv4, protocol 6, fragment offset 0, then the destination
 * port at 14 + 4 * ihl + 2 (ihl as found, not checked to be >= 5); a
 * frame too short for a load is rejected.  Build flags: see README.md.
 * Untrusted: the consumer checks the compiled code.
 */
#include <stdint.h>

uint32_t paper_tcp_dst21_c(const uint8_t *pkt, uint64_t caplen,
			   uint64_t wirelen, uint32_t *mem);

/* Big-endian 16-bit load at 'off' (caller checked the length). */
static inline uint32_t ld16(const uint8_t *p, uint64_t off)
{
	return (uint32_t)p[off] << 8 | p[off + 1];
}

/* Accept unfragmented (first-fragment) IPv4 TCP to port 21. */
uint32_t paper_tcp_dst21_c(const uint8_t *pkt, uint64_t caplen,
			   uint64_t wirelen, uint32_t *mem)
{
	uint64_t hl;

	(void)wirelen;
	(void)mem;
	if (caplen < 24)
		return 0;
	if (ld16(pkt, 12) != 0x0800 || pkt[23] != 6)
		return 0;
	if (ld16(pkt, 20) & 0x1fff)
		return 0;
	hl = (uint64_t)(pkt[14] & 0x0f) * 4;
	if (caplen < 14 + hl + 4)
		return 0;
	if (ld16(pkt, 14 + hl + 2) != 21)
		return 0;
	return 262144;
}
