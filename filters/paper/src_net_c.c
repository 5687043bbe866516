/*
 * src_net_c.c - paper filter 2, tcpdump 'ip src net 128.2.206.0/24',
 * written the usual way in C.
 *
 * Loads mirror libpcap's: the type needs 14 bytes, the source address 30;
 * a frame too short for a load is rejected, as bpf_filter does.  Build
 * flags: see README.md.  Untrusted: the consumer checks the compiled code.
 */
#include <stdint.h>

uint32_t paper_src_net_c(const uint8_t *pkt, uint64_t caplen, uint64_t wirelen,
			 uint32_t *mem);

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

/* Accept IPv4 frames whose source is in 128.2.206.0/24. */
uint32_t paper_src_net_c(const uint8_t *pkt, uint64_t caplen, uint64_t wirelen,
			 uint32_t *mem)
{
	(void)wirelen;
	(void)mem;
	if (caplen < 14 || ld16(pkt, 12) != 0x0800)
		return 0;
	if (caplen < 30)
		return 0;
	if ((ld32(pkt, 26) & 0xffffff00) != 0x8002ce00)
		return 0;
	return 262144;
}
