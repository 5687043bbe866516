/*
 * pktgen.c - synthetic Ethernet frames (see pktgen.h).  Test code: the
 * frames are built byte by byte in network order, no kernel headers.
 */
#include <string.h>
#include "pktgen.h"

#define NET_A 0x8002ce00u	/* 128.2.206.0/24 */
#define NET_B 0x8002d100u	/* 128.2.209.0/24 */

/* Addresses around the paper's two networks, including near misses and
 * byte-swapped look-alikes. */
static const uint32_t addrs[] = {
	NET_A | 7, NET_B | 9, NET_A | 0xff, NET_B,
	0x0a000001,		/* 10.0.0.1 */
	0x8002cf07,		/* 128.2.207.7 */
	0x8003ce07,		/* 128.3.206.7 */
	0x07ce0280,		/* 7.206.2.128: 128.2.206.7 byte-swapped */
	0xce028001,		/* 206.2.128.1 */
	0x0002ce07,		/* 0.2.206.7 */
};
#define NADDRS (sizeof addrs / sizeof addrs[0])

/* Store 'v' big-endian at p[0..1]. */
static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Store 'v' big-endian at p[0..3]. */
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* Ethernet header of type 'type'; returns 14. */
static uint32_t eth(uint8_t *b, uint16_t type)
{
	static const uint8_t mac[12] = { 0x00, 0x16, 0x3e, 0x11, 0x22, 0x33,
					 0x00, 0x16, 0x3e, 0x44, 0x55, 0x66 };
	memcpy(b, mac, 12);
	put16(b + 12, type);
	return 14;
}

/* IPv4 header + L4 header + payload at 'p'; returns its length. */
static uint32_t ip4(uint8_t *p, const struct pktgen_ip4 *ip, uint32_t room)
{
	uint32_t hl = ip->ihl >= 5 ? ip->ihl * 4u : 20u;
	uint32_t l4 = ip->proto == 6 ? 20u : 8u;
	uint32_t n = hl + l4 + ip->payload, i;

	if (n > room)
		n = room;
	memset(p, 0, n);
	p[0] = (uint8_t)(0x40 | (ip->ihl & 15));
	put16(p + 2, ip->tot_len ? ip->tot_len : hl + l4 + ip->payload);
	put16(p + 4, 0x1234);
	put16(p + 6, ip->frag);
	p[8] = 64;
	p[9] = ip->proto;
	put32(p + 12, ip->src);
	put32(p + 16, ip->dst);
	for (i = 20; i < hl && i < n; i++)
		p[i] = 1;	/* NOP options */
	if (hl + 4 <= n) {
		put16(p + hl, ip->sport);
		put16(p + hl + 2, ip->dport);
	}
	if (ip->proto == 6 && hl + 14 <= n) {
		p[hl + 12] = 0x50;
		p[hl + 13] = 0x02;	/* SYN */
	}
	for (i = hl + l4; i < n; i++)
		p[i] = (uint8_t)(i * 7);
	return n;
}

uint32_t pktgen_ipv4(uint8_t *b, const struct pktgen_ip4 *ip)
{
	return eth(b, 0x0800) + ip4(b + 14, ip, PKTGEN_MAX - 14);
}

uint32_t pktgen_vlan_ipv4(uint8_t *b, uint16_t vid, const struct pktgen_ip4 *ip)
{
	eth(b, 0x8100);
	put16(b + 14, vid & 0x0fff);
	put16(b + 16, 0x0800);
	return 18 + ip4(b + 18, ip, PKTGEN_MAX - 18);
}

uint32_t pktgen_arp(uint8_t *b, uint16_t op, uint32_t spa, uint32_t tpa)
{
	uint8_t *a = b + 14;

	eth(b, 0x0806);
	put16(a, 1);		/* Ethernet */
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, "\x00\x16\x3e\x11\x22\x33", 6);
	put32(a + 14, spa);
	memset(a + 18, op == 1 ? 0 : 0xab, 6);
	put32(a + 24, tpa);
	memset(a + 28, 0, 18);	/* padding to the 60-byte minimum */
	return 60;
}

uint32_t pktgen_ipv6(uint8_t *b, uint8_t next, uint16_t dport)
{
	uint8_t *p = b + 14;

	eth(b, 0x86dd);
	memset(p, 0, 60);
	p[0] = 0x60;
	put16(p + 4, 20);
	p[6] = next;
	p[7] = 64;
	p[8] = 0x20;
	p[9] = 0x01;
	p[23] = 1;
	p[24] = 0x20;
	p[25] = 0x01;
	p[39] = 2;
	put16(p + 40, 1024);
	put16(p + 42, dport);
	p[52] = 0x50;
	return 14 + 60;
}

uint32_t pktgen_retype(uint8_t *b, uint16_t type, const uint8_t *frame, uint32_t len)
{
	memmove(b, frame, len);
	put16(b + 12, type);
	return len;
}

/* Appends frames to a bounded array while counting all of them. */
struct sink {
	struct pktgen_pkt *out;
	size_t max, n;
	struct pktgen_pkt tmp;
};

/* Add the frame in s->tmp with caplen = wirelen = 'len'. */
static void add(struct sink *s, uint32_t len)
{
	s->tmp.caplen = s->tmp.wirelen = len;
	if (s->out && s->n < s->max)
		s->out[s->n] = s->tmp;
	s->n++;
}

/* Add s->tmp ('len' bytes) truncated at every length 0..len. */
static void add_truncations(struct sink *s, uint32_t len)
{
	uint32_t c;

	for (c = 0; c <= len; c++) {
		add(s, len);
		if (s->out && s->n - 1 < s->max)
			s->out[s->n - 1].caplen = c;
	}
}

/* IPv4 combinations: addresses, protocols, ports, header lengths,
 * fragment fields. */
static void suite_ipv4(struct sink *s)
{
	static const uint8_t protos[] = { 6, 17, 1 };
	static const uint16_t ports[] = { 21, 80, 0x1500, 20, 0x0115 };
	static const uint8_t ihls[] = { 5, 6, 15, 0, 1, 4, 8 };
	static const uint16_t frags[] = { 0, 0x2000, 0x0001, 0x4000, 0x1fff,
					  0x0100, 0x8000, 0xe000, 0x1000 };
	struct pktgen_ip4 ip = { 0, 0, 6, 5, 0, 0, 1024, 21, 0 };
	size_t i, j, k, l, m;

	for (i = 0; i < NADDRS; i++)
		for (j = 0; j < NADDRS; j++) {
			ip.src = addrs[i];
			ip.dst = addrs[j];
			add(s, pktgen_ipv4(s->tmp.b, &ip));
		}
	for (i = 0; i < 4; i++)		/* src/dst from the first four */
		for (j = 0; j < 3; j++)
			for (k = 0; k < 5; k++)
				for (l = 0; l < 7; l++)
					for (m = 0; m < 9; m++) {
						ip.src = addrs[i];
						ip.dst = addrs[i ^ 1];
						ip.proto = protos[j];
						ip.dport = ports[k];
						ip.ihl = ihls[l];
						ip.frag = frags[m];
						ip.payload = (uint16_t)(m * 3);
						add(s, pktgen_ipv4(s->tmp.b, &ip));
					}
	/* ihl 0: the "port" is the IPv4 total length at offset 16. */
	ip = (struct pktgen_ip4){ NET_A | 1, NET_B | 1, 6, 0, 0, 21, 1024, 80, 0 };
	add(s, pktgen_ipv4(s->tmp.b, &ip));
	ip.tot_len = 22;
	add(s, pktgen_ipv4(s->tmp.b, &ip));
}

/* ARP with every sender/target pair, IPv6, VLAN and relabelled frames. */
static void suite_other(struct sink *s)
{
	static const uint16_t types[] = { 0x0008, 0x0608, 0x0000, 0x05dc,
					  0x8035, 0x0801, 0x0807, 0x8800,
					  0xffff, 0x0806, 0x0800 };
	struct pktgen_ip4 ip = { NET_A | 5, NET_B | 5, 6, 5, 0, 0, 1024, 21, 0 };
	uint8_t frame[PKTGEN_MAX];
	uint32_t n;
	size_t i, j;

	for (i = 0; i < NADDRS; i++)
		for (j = 0; j < NADDRS; j++) {
			add(s, pktgen_arp(s->tmp.b, 1, addrs[i], addrs[j]));
			add(s, pktgen_arp(s->tmp.b, 2, addrs[j], addrs[i]));
		}
	add(s, pktgen_ipv6(s->tmp.b, 6, 21));
	add(s, pktgen_ipv6(s->tmp.b, 17, 21));
	add(s, pktgen_vlan_ipv4(s->tmp.b, 5, &ip));
	/* an IPv4 frame and an ARP frame under every other type */
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		n = pktgen_ipv4(frame, &ip);
		add(s, pktgen_retype(s->tmp.b, types[i], frame, n));
		n = pktgen_arp(frame, 1, NET_B | 3, NET_A | 4);
		add(s, pktgen_retype(s->tmp.b, types[i], frame, n));
	}
	/* ARP whose IPv4 positions (26, 30) hold the pair but 28/38 do not */
	n = pktgen_ipv4(frame, &ip);
	add(s, pktgen_retype(s->tmp.b, 0x0806, frame, n));
	/* short frames, wirelen unlike caplen */
	n = pktgen_ipv4(s->tmp.b, &ip);
	add(s, n);
	if (s->out && s->n - 1 < s->max)
		s->out[s->n - 1].wirelen = 0;
	add(s, n);
	if (s->out && s->n - 1 < s->max)
		s->out[s->n - 1].wirelen = 0xfffffff0u;
}

/* s->tmp ('len' bytes) with each single bit of its first 'len' bytes
 * flipped: the neighbours of an accepted frame. */
static void add_bitflips(struct sink *s, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len * 8; i++) {
		s->tmp.b[i / 8] ^= (uint8_t)(1u << (i % 8));
		add(s, len);
		s->tmp.b[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
}

/* Key frames truncated at every length; the accepted ones also with
 * every single bit flipped. */
static void suite_truncated(struct sink *s)
{
	struct pktgen_ip4 ip = { NET_A | 5, NET_B | 5, 6, 5, 0, 0, 1024, 21, 4 };
	uint32_t n;

	add_truncations(s, n = pktgen_ipv4(s->tmp.b, &ip));
	add_bitflips(s, n);
	ip = (struct pktgen_ip4){ NET_B | 5, NET_A | 5, 6, 15, 0, 0, 1024, 21, 0 };
	add_truncations(s, pktgen_ipv4(s->tmp.b, &ip));
	ip.ihl = 7;
	add_truncations(s, n = pktgen_ipv4(s->tmp.b, &ip));
	add_bitflips(s, n);
	add_bitflips(s, pktgen_arp(s->tmp.b, 1, NET_A | 1, NET_B | 2));
	add_bitflips(s, pktgen_arp(s->tmp.b, 2, NET_B | 1, NET_A | 2));
	ip = (struct pktgen_ip4){ NET_A | 1, NET_B | 1, 6, 0, 0, 21, 1024, 80, 0 };
	add_truncations(s, pktgen_ipv4(s->tmp.b, &ip));
	ip = (struct pktgen_ip4){ NET_A | 1, 0x0a000001, 17, 5, 0, 0, 53, 21, 0 };
	add_truncations(s, pktgen_ipv4(s->tmp.b, &ip));
	add_truncations(s, pktgen_arp(s->tmp.b, 1, NET_A | 1, NET_B | 2));
	add_truncations(s, pktgen_arp(s->tmp.b, 2, NET_B | 1, NET_A | 2));
	add_truncations(s, pktgen_arp(s->tmp.b, 1, NET_A | 1, 0x0a000001));
	add_truncations(s, pktgen_ipv6(s->tmp.b, 6, 21));
}

size_t pktgen_suite(struct pktgen_pkt *out, size_t max)
{
	struct sink s;

	memset(&s, 0, sizeof s);
	s.out = out;
	s.max = max;
	suite_ipv4(&s);
	suite_other(&s);
	suite_truncated(&s);
	return s.n;
}

/* xorshift64: the next pseudo-random number of '*x'. */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A random address: mostly from the two networks, sometimes elsewhere. */
static uint32_t raddr(uint64_t *x)
{
	uint32_t host = (uint32_t)(rnd(x) % 254) + 1;

	switch (rnd(x) % 5) {
	case 0:
	case 1:
		return NET_A | host;
	case 2:
	case 3:
		return NET_B | host;
	default:
		return addrs[4 + rnd(x) % (NADDRS - 4)] ^ (host & 0x3);
	}
}

void pktgen_random(struct pktgen_pkt *p, uint64_t *seed)
{
	static const uint16_t ports[] = { 21, 21, 80, 443, 22, 53, 20, 8080 };
	struct pktgen_ip4 ip;
	uint32_t n, kind = (uint32_t)(rnd(seed) % 100);

	memset(&ip, 0, sizeof ip);
	ip.src = raddr(seed);
	ip.dst = raddr(seed);
	ip.proto = rnd(seed) % 4 ? 6 : 17;
	ip.ihl = 5;
	ip.sport = (uint16_t)(1024 + rnd(seed) % 60000);
	ip.dport = ports[rnd(seed) % 8];
	ip.payload = (uint16_t)(rnd(seed) % 160);
	if (kind < 60) {			/* plain IPv4 */
		n = pktgen_ipv4(p->b, &ip);
	} else if (kind < 65) {			/* IP options */
		ip.ihl = (uint8_t)(6 + rnd(seed) % 10);
		n = pktgen_ipv4(p->b, &ip);
	} else if (kind < 70) {			/* fragments */
		ip.frag = (uint16_t)(rnd(seed) % 2 ? 0x2000 : rnd(seed) % 0x2000);
		n = pktgen_ipv4(p->b, &ip);
	} else if (kind < 82) {			/* ARP */
		n = pktgen_arp(p->b, (uint16_t)(1 + rnd(seed) % 2), ip.src, ip.dst);
	} else if (kind < 92) {			/* IPv6 */
		n = pktgen_ipv6(p->b, ip.proto, ip.dport);
	} else if (kind < 96) {			/* VLAN */
		n = pktgen_vlan_ipv4(p->b, (uint16_t)(rnd(seed) % 4095), &ip);
	} else {				/* other Ethernet types */
		n = pktgen_ipv4(p->b, &ip);
		n = pktgen_retype(p->b, (uint16_t)rnd(seed), p->b, n);
	}
	p->wirelen = n;
	p->caplen = n;
	if (rnd(seed) % 50 == 0)		/* truncated capture */
		p->caplen = (uint32_t)(rnd(seed) % (n + 1));
}
