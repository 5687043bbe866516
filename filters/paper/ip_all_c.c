/*
 * ip_all_c.c - paper filter 1, tcpdump 'ip', written the usual way in C.
 *
 * The native reference for the benchmark: byte loads in network order,
 * a length check before them, early returns.  Build flags and why: see
 * README.md.  Untrusted: the consumer checks the compiled code.
 */
#include <stdint.h>

uint32_t paper_ip_all_c(const uint8_t *pkt, uint64_t caplen, uint64_t wirelen,
			uint32_t *mem);

/* Accept (262144, libpcap's return for snaplen 262144) IPv4 frames. */
uint32_t paper_ip_all_c(const uint8_t *pkt, uint64_t caplen, uint64_t wirelen,
			uint32_t *mem)
{
	(void)wirelen;
	(void)mem;
	if (caplen < 14)
		return 0;
	if (((pkt[12] << 8) | pkt[13]) != 0x0800)
		return 0;
	return 262144;
}
