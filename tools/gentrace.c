/*
 * gentrace.c - write a small seeded pcap trace for `make demo`: Ethernet
 * frames mixing the kinds the paper's filters tell apart (IPv4 between
 * and outside 128.2.206/24 and 128.2.209/24, TCP to port 21 and others,
 * IP options, fragments, ARP, IPv6, VLAN, odd types, a few truncated
 * captures), built by tests/pktgen.c.  The same seed gives the same file.
 *
 *   gentrace [-n COUNT] [-s SEED] [OUT]      (default 2000, 1, paper-demo.pcap)
 *
 * Build: gcc -O2 -Itests tools/gentrace.c tests/pktgen.c -lpcap -o build/gentrace
 * Untrusted tooling.
 */
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pktgen.h"

/* Print the usage line to 'f'. */
static void usage(FILE *f)
{
	fprintf(f, "usage: gentrace [-n COUNT] [-s SEED] [OUT]\n"
		   "  writes COUNT (2000) seeded Ethernet frames to OUT (paper-demo.pcap)\n");
}

/* Parse a positive decimal number, or exit with an error naming 'what'. */
static unsigned long number(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v == 0) {
		fprintf(stderr, "gentrace: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long n = 2000, i;
	uint64_t seed = 1;
	const char *out = "paper-demo.pcap";
	struct pcap_pkthdr h;
	struct pktgen_pkt p;
	pcap_dumper_t *d;
	pcap_t *dead;
	int c;

	while ((c = getopt(argc, argv, "n:s:h")) != -1)
		switch (c) {
		case 'n':
			n = number(optarg, "count");
			break;
		case 's':
			seed = number(optarg, "seed");
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (optind < argc)
		out = argv[optind++];
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	seed = seed * 0x9e3779b97f4a7c15ull | 1;	/* xorshift needs nonzero */
	dead = pcap_open_dead(DLT_EN10MB, 262144);
	d = pcap_dump_open(dead, out);
	if (!d) {
		fprintf(stderr, "gentrace: %s\n", pcap_geterr(dead));
		return 1;
	}
	memset(&h, 0, sizeof h);
	h.ts.tv_sec = 1700000000;
	for (i = 0; i < n; i++) {
		pktgen_random(&p, &seed);
		h.ts.tv_usec = (suseconds_t)(i * 37 % 1000000);
		h.ts.tv_sec = 1700000000 + (time_t)(i * 37 / 1000000);
		h.caplen = p.caplen;
		h.len = p.wirelen;
		pcap_dump((u_char *)d, &h, p.b);
	}
	if (pcap_dump_flush(d) != 0) {
		fprintf(stderr, "gentrace: cannot write %s\n", out);
		pcap_dump_close(d);
		return 1;
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}
