/*
 * trace.c - the benchmark's traces: a seeded synthetic trace with flows,
 * written as a pcap file, and the loader that reads any Ethernet pcap
 * (or a directory of them) into one contiguous buffer.
 *
 * The synthetic mix (by flow, each flow a run of packets of one
 * connection; see bench/README.md for the measured packet shares):
 *
 *   kind                      flows  packets per flow      frame sizes
 *   TCP 80/443 (web, bulk)     33%   4..200, heavy tail     1514 data / 66 acks
 *   TCP 22, 25, high ports     10%   4..60                  66..1514
 *   TCP 21 (FTP control)        4%   4..40                  60..140
 *   UDP 53 (DNS)               20%   2 (query, response)    70..400
 *   UDP 123, 443 (QUIC), high   8%   1..30                  90..1392
 *   UDP fragmented (8 KB)       2%   1..4 datagrams of 3..6 fragments
 *   TCP fragmented              1%   same, to port 21 or 80
 *   ICMP echo                   3%   2..8                   98
 *   IPv6 TCP/UDP/ICMPv6        12%   2..60                  86..1514
 *   ARP request/reply           4%   2                      42 or 60
 *   other (LLDP, STP/LLC,       3%   1..4                   60..300
 *     PPPoE discovery)
 *
 * IPv4 endpoints: 4% of flows run between 128.2.206/24 and 128.2.209/24
 * (either side first), 6% have one end in 128.2.206/24, 3% one end in
 * 128.2.209/24, the rest elsewhere.  Packets go both ways (TCP data one
 * way, acks the other).  6% of flows carry an 802.1Q tag, 3% of IPv4
 * flows have IP options (IHL 6..8), 3% of flows are captured with a
 * short snaplen (68, 96 or 128 bytes), and 0.5% of packets are cut
 * inside their headers (caplen 1..53).  The scheduler keeps 32 flows
 * open and continues the current flow with probability 0.7, so packets
 * arrive in runs, interleaved, as on a real link.
 *
 * Once loaded, the bytes move into one read-only anonymous mapping: a
 * whole segment of 2^TRACE_SEG_BITS bytes aligned to its size (what the
 * SFI mode's address masks assume; bench.h), the same for every
 * technique, and t->ref gets each packet as pointer + lengths.
 *
 * Untrusted tooling.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"

#define SNAP 262144
#define MAXFRAME 1518
#define NACTIVE 32
#define NET_A 0x8002ce00u	/* 128.2.206.0/24 */
#define NET_B 0x8002d100u	/* 128.2.209.0/24 */

/* ---- a small seeded random source ------------------------------------- */

/* next - xorshift64* step of '*s'. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* below - a number in [0, n). */
static uint32_t below(uint64_t *s, uint32_t n)
{
	return (uint32_t)((next(s) >> 32) * n >> 32);
}

/* range - a number in [lo, hi]. */
static uint32_t range(uint64_t *s, uint32_t lo, uint32_t hi)
{
	return lo + below(s, hi - lo + 1);
}

/* chance - 1 with probability 'permille'/1000. */
static int chance(uint64_t *s, uint32_t permille)
{
	return below(s, 1000) < permille;
}

/* ---- frame building ---------------------------------------------------- */

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* csum - the Internet checksum of 'n' bytes at 'p'. */
static uint16_t csum(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0, i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

enum kind {
	K_WEB, K_TCP, K_FTP, K_DNS, K_UDP, K_UFRAG, K_TFRAG, K_ICMP, K_V6,
	K_ARP, K_OTHER, K_N
};

/* Flow-start weights per kind, in tenths of a percent (sum 1000). */
static const uint16_t kind_weight[K_N] = {
	330, 100, 40, 200, 80, 20, 10, 30, 120, 40, 30
};

/* One connection: two endpoints (a = initiator) and its state. */
struct flow {
	enum kind kind;
	uint32_t a, b;		/* IPv4 addresses */
	uint16_t ap, bp;	/* ports (a's, b's) */
	uint8_t proto;		/* IPv4/IPv6 next protocol */
	uint8_t ihl;		/* 5..8 */
	uint16_t vid;		/* 0: untagged */
	uint32_t snap;		/* capture snaplen for this flow */
	uint32_t left;		/* packets still to send */
	uint32_t seq, id;
	uint32_t frag_left, frag_off, frag_size;	/* fragment train */
	int frag_dir;
	uint8_t mac_a[6], mac_b[6];
	uint8_t v6a[16], v6b[16];
};

/* addr_far - an address outside the paper's networks. */
static uint32_t addr_far(uint64_t *s)
{
	static const uint32_t pre[] = {
		0x0a000000, 0xc0a80000, 0xac100000, 0x08080000,
		0x5db8d800, 0x8002cf00,	/* 128.2.207/24: a near miss */
		0x80030000, 0xd83ac000,
	};
	uint32_t p = pre[below(s, sizeof(pre) / sizeof(pre[0]))];

	return p | (uint32_t)(next(s) & (p >= 0x80000000u ? 0xff : 0xffff)) |
	       (uint32_t)(p == 0x08080000 ? 0x0808 : 0);
}

/* endpoints - pick 'a' and 'b' with the paper-network shares. */
static void endpoints(struct flow *f, uint64_t *s)
{
	uint32_t r = below(s, 1000);
	uint32_t x = NET_A | range(s, 1, 254), y = NET_B | range(s, 1, 254);

	if (r < 40) {		/* between the two networks */
		f->a = chance(s, 500) ? x : y;
		f->b = f->a == x ? y : x;
	} else if (r < 100) {	/* one end in 128.2.206/24 */
		f->a = x;
		f->b = addr_far(s);
	} else if (r < 130) {	/* one end in 128.2.209/24 */
		f->a = y;
		f->b = addr_far(s);
	} else {
		f->a = addr_far(s);
		f->b = addr_far(s);
	}
	if (r < 130 && chance(s, 500)) {	/* either may initiate */
		uint32_t t = f->a;

		f->a = f->b;
		f->b = t;
	}
}

/* pick_kind - a flow kind by kind_weight. */
static enum kind pick_kind(uint64_t *s)
{
	uint32_t r = below(s, 1000), acc = 0;
	int k;

	for (k = 0; k < K_N - 1; k++) {
		acc += kind_weight[k];
		if (r < acc)
			break;
	}
	return (enum kind)k;
}

/* flow_len - a heavy-tailed packet count in [lo, hi]. */
static uint32_t flow_len(uint64_t *s, uint32_t lo, uint32_t hi)
{
	uint32_t span = hi - lo + 1, v = span;
	int i;

	for (i = 0; i < 3; i++)	/* min of three: skewed toward short */
		v = v < (uint32_t)below(s, span) ? v : below(s, span);
	return lo + (v >= span ? span - 1 : v);
}

/* flow_new - start a flow of a random kind. */
static void flow_new(struct flow *f, uint64_t *s)
{
	static const uint16_t tcp_ports[] = { 22, 25, 110, 143, 993, 3306, 8080 };
	int i;

	memset(f, 0, sizeof(*f));
	f->kind = pick_kind(s);
	endpoints(f, s);
	f->ap = (uint16_t)range(s, 1024, 65535);
	f->ihl = chance(s, 30) ? (uint8_t)range(s, 6, 8) : 5;
	f->vid = chance(s, 60) ? (uint16_t)range(s, 1, 4094) : 0;
	f->snap = SNAP;
	if (chance(s, 30))
		f->snap = (uint32_t[]){ 68, 96, 128 }[below(s, 3)];
	f->seq = (uint32_t)next(s);
	f->id = (uint32_t)next(s);
	for (i = 0; i < 6; i++) {
		f->mac_a[i] = (uint8_t)next(s);
		f->mac_b[i] = (uint8_t)next(s);
	}
	f->mac_a[0] &= 0xfe;	/* unicast */
	f->mac_b[0] &= 0xfe;
	for (i = 0; i < 16; i++) {
		f->v6a[i] = (uint8_t)next(s);
		f->v6b[i] = (uint8_t)next(s);
	}
	memcpy(f->v6a, "\x20\x01\x0d\xb8", 4);
	memcpy(f->v6b, "\x26\x00\x1f\x18", 4);
	switch (f->kind) {
	case K_WEB:
		f->proto = 6;
		f->bp = chance(s, 700) ? 443 : 80;
		f->left = flow_len(s, 4, 200);
		break;
	case K_TCP:
		f->proto = 6;
		f->bp = chance(s, 600) ? tcp_ports[below(s, 7)]
				       : (uint16_t)range(s, 1024, 65535);
		f->left = flow_len(s, 4, 60);
		break;
	case K_FTP:
		f->proto = 6;
		f->bp = 21;
		f->left = flow_len(s, 4, 40);
		break;
	case K_DNS:
		f->proto = 17;
		f->bp = 53;
		f->left = 2;
		break;
	case K_UDP:
		f->proto = 17;
		f->bp = (uint16_t[]){ 123, 443, 5353, 4500 }[below(s, 4)];
		if (chance(s, 300))
			f->bp = (uint16_t)range(s, 1024, 65535);
		f->left = flow_len(s, 1, 30);
		break;
	case K_UFRAG:
	case K_TFRAG:
		f->proto = f->kind == K_UFRAG ? 17 : 6;
		f->bp = f->kind == K_UFRAG ? 2049 : (chance(s, 500) ? 21 : 80);
		f->left = range(s, 1, 4);
		break;
	case K_ICMP:
		f->proto = 1;
		f->left = range(s, 2, 8);
		break;
	case K_V6:
		f->proto = (uint8_t[]){ 6, 6, 17, 58 }[below(s, 4)];
		f->bp = f->proto == 6 ? (chance(s, 100) ? 21 : 443) : 53;
		f->left = flow_len(s, 2, 60);
		break;
	case K_ARP:
		f->left = 2;
		break;
	default:
		f->left = range(s, 1, 4);
		break;
	}
}

/* eth - Ethernet (+ 802.1Q) header for 'f' in direction 'fwd'; returns
 * the header length. */
static uint32_t eth(uint8_t *b, const struct flow *f, int fwd, uint16_t type)
{
	memcpy(b, fwd ? f->mac_b : f->mac_a, 6);
	memcpy(b + 6, fwd ? f->mac_a : f->mac_b, 6);
	if (f->vid) {
		put16(b + 12, 0x8100);
		put16(b + 14, f->vid);
		put16(b + 16, type);
		return 18;
	}
	put16(b + 12, type);
	return 14;
}

/* fill - 'n' payload bytes at 'p', cheap pseudo-random. */
static void fill(uint8_t *p, uint32_t n, uint64_t *s)
{
	uint64_t v = next(s);
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (!(i & 7))
			v = v * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(v >> (8 * (i & 7)));
	}
}

/* l4 - TCP/UDP/ICMP header of 'f' at 'p' with 'pay' payload bytes after
 * it; returns the header length. */
static uint32_t l4(uint8_t *p, struct flow *f, int fwd, uint32_t pay,
		   uint8_t proto, uint64_t *s)
{
	uint16_t sp = fwd ? f->ap : f->bp, dp = fwd ? f->bp : f->ap;

	if (proto == 6) {
		int ts = chance(s, 700);
		uint32_t hl = ts ? 32 : 20;

		memset(p, 0, hl);
		put16(p, sp);
		put16(p + 2, dp);
		put32(p + 4, f->seq);
		put32(p + 8, f->seq ^ 0x5a5a5a5a);
		f->seq += pay;
		p[12] = (uint8_t)(hl / 4 << 4);
		p[13] = pay ? 0x18 : 0x10;	/* PSH ACK / ACK */
		put16(p + 14, 502);
		if (ts) {
			memcpy(p + 20, "\x01\x01\x08\x0a", 4);
			put32(p + 24, (uint32_t)next(s));
			put32(p + 28, (uint32_t)next(s));
		}
		return hl;
	}
	if (proto == 17) {
		put16(p, sp);
		put16(p + 2, dp);
		put16(p + 4, 8 + pay);
		put16(p + 6, 0);
		return 8;
	}
	p[0] = fwd ? 8 : 0;	/* echo request / reply (ICMPv6: 128/129) */
	if (proto == 58)
		p[0] = fwd ? 128 : 129;
	p[1] = 0;
	put16(p + 2, 0);
	put16(p + 4, f->id & 0xffff);
	put16(p + 6, f->seq++ & 0xffff);
	return 8;
}

/* payload_size - payload bytes for the next packet of 'f'. */
static uint32_t payload_size(const struct flow *f, int fwd, uint64_t *s)
{
	switch (f->kind) {
	case K_WEB:
		return !fwd && chance(s, 850) ? 1448 - 12 : (fwd && chance(s, 200) ? range(s, 200, 900) : 0);
	case K_TCP:
		return chance(s, 500) ? range(s, 0, 1436) : 0;
	case K_FTP:
		return chance(s, 700) ? range(s, 6, 80) : 0;
	case K_DNS:
		return fwd ? range(s, 28, 60) : range(s, 60, 350);
	case K_UDP:
		return f->bp == 443 ? range(s, 30, 1350) : range(s, 48, 200);
	case K_ICMP:
		return 56;
	default:
		return range(s, 0, 1200);
	}
}

/* ipv4 - a whole IPv4 frame of 'f' into 'b'; returns its length. */
static uint32_t ipv4(uint8_t *b, struct flow *f, int fwd, uint64_t *s)
{
	uint32_t h, hl = f->ihl * 4u, pay, n, i;
	uint16_t frag = 0x4000;	/* DF */
	uint8_t *ip;

	if (f->frag_left)	/* a fragment train keeps its direction */
		fwd = f->frag_dir;
	h = eth(b, f, fwd, 0x0800);
	ip = b + h;
	pay = payload_size(f, fwd, s);
	if (f->frag_left) {	/* continuing a fragment train */
		pay = f->frag_size;
		frag = (uint16_t)(f->frag_off / 8) | (f->frag_left > 1 ? 0x2000 : 0);
	}
	if (h + hl + 40 + pay > MAXFRAME)
		pay = MAXFRAME - h - hl - 40;
	memset(ip, 0, hl);
	ip[0] = (uint8_t)(0x40 | f->ihl);
	ip[8] = (uint8_t)range(s, 40, 128);
	ip[9] = f->proto;
	put32(ip + 12, fwd ? f->a : f->b);
	put32(ip + 16, fwd ? f->b : f->a);
	if (hl > 20) {		/* router alert, then NOPs, then EOL */
		memcpy(ip + 20, "\x94\x04\x00\x00", 4);
		for (i = 24; i < hl - 1; i++)
			ip[i] = 1;
		ip[hl - 1] = 0;
	}
	if (f->frag_left) {
		n = pay;
		fill(ip + hl, n, s);
		f->frag_off += pay;
		f->frag_left--;
	} else {
		n = l4(ip + hl, f, fwd, pay, f->proto, s);
		fill(ip + hl + n, pay, s);
		n += pay;
		if (f->kind == K_UFRAG || f->kind == K_TFRAG) {	/* first fragment */
			frag = 0x2000;
			f->frag_dir = fwd;
			f->frag_left = range(s, 2, 5);
			f->frag_off = n;
			f->frag_size = 1480 - (hl - 20);
			f->frag_size &= ~7u;
		}
	}
	put16(ip + 2, hl + n);
	put16(ip + 4, f->id++ & 0xffff);
	put16(ip + 6, frag);
	put16(ip + 10, csum(ip, hl));
	n += h + hl;
	return n < 60 ? 60 : n;	/* Ethernet minimum (padding is zeros) */
}

/* ipv6 - a whole IPv6 frame of 'f' into 'b'. */
static uint32_t ipv6(uint8_t *b, struct flow *f, int fwd, uint64_t *s)
{
	uint32_t h = eth(b, f, fwd, 0x86dd), pay, n;
	uint8_t *ip = b + h;

	pay = f->proto == 6 && !fwd && chance(s, 600) ? 1400 : range(s, 0, 400);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[6] = f->proto;
	ip[7] = 64;
	memcpy(ip + 8, fwd ? f->v6a : f->v6b, 16);
	memcpy(ip + 24, fwd ? f->v6b : f->v6a, 16);
	n = l4(ip + 40, f, fwd, pay, f->proto, s);
	fill(ip + 40 + n, pay, s);
	n += pay;
	put16(ip + 4, n);
	return h + 40 + n;
}

/* arp - an ARP request (fwd) or reply, padded to 60 bytes half the time
 * (captured on the sender, the frame is 42 bytes). */
static uint32_t arp(uint8_t *b, struct flow *f, int fwd, uint64_t *s)
{
	uint32_t h = eth(b, f, fwd, 0x0806);
	uint8_t *p = b + h;

	if (fwd)
		memset(b, 0xff, 6);	/* broadcast request */
	memcpy(p, "\x00\x01\x08\x00\x06\x04", 6);
	put16(p + 6, fwd ? 1 : 2);
	memcpy(p + 8, fwd ? f->mac_a : f->mac_b, 6);
	put32(p + 14, fwd ? f->a : f->b);
	memset(p + 18, 0, 6);
	if (!fwd)
		memcpy(p + 18, f->mac_a, 6);
	put32(p + 24, fwd ? f->b : f->a);
	if (chance(s, 500)) {
		memset(p + 28, 0, 60 - h - 28 + (h > 14 ? 4 : 0));
		return h == 14 ? 60 : 64;
	}
	return h + 28;
}

/* other - LLDP, STP (802.3 + LLC) or PPPoE discovery. */
static uint32_t other(uint8_t *b, struct flow *f, uint64_t *s)
{
	uint32_t r = below(s, 3), n = range(s, 46, 280), h;

	if (r == 0) {
		h = eth(b, f, 1, 0x88cc);
	} else if (r == 1) {
		h = eth(b, f, 1, 0);
		put16(b + h - 2, n);	/* 802.3 length field */
		memcpy(b + h, "\x42\x42\x03", 3);
		fill(b + h + 3, n - 3, s);
		return h + n;
	} else {
		h = eth(b, f, 1, 0x8863);
	}
	fill(b + h, n, s);
	return h + n;
}

/* frame - the next frame of 'f' into 'b'; returns its wire length. */
static uint32_t frame(uint8_t *b, struct flow *f, uint64_t *s)
{
	int fwd = chance(s, f->kind == K_WEB ? 350 : 500);

	if (f->kind == K_DNS || f->kind == K_ARP)
		fwd = f->left == 2;
	switch (f->kind) {
	case K_V6:
		return ipv6(b, f, fwd, s);
	case K_ARP:
		return arp(b, f, fwd, s);
	case K_OTHER:
		return other(b, f, s);
	default:
		return ipv4(b, f, fwd, s);
	}
}

/* ---- writing ------------------------------------------------------------ */

/* gen_all - build 'n' frames into the dumper 'd'. */
static void gen_all(pcap_dumper_t *d, uint64_t seed, size_t n)
{
	struct flow act[NACTIVE];
	struct pcap_pkthdr h;
	uint8_t b[MAXFRAME + 64];
	uint64_t s = seed * 0x9e3779b97f4a7c15ull | 1, usec = 0;
	size_t i;
	int cur = 0, k;

	for (k = 0; k < NACTIVE; k++)
		flow_new(&act[k], &s);
	memset(&h, 0, sizeof(h));
	for (i = 0; i < n; i++) {
		struct flow *f;
		uint32_t len;

		if (!chance(&s, 700))
			cur = (int)below(&s, NACTIVE);
		f = &act[cur];
		memset(b, 0, 64);
		len = frame(b, f, &s);
		if (!f->frag_left && --f->left == 0)
			flow_new(f, &s);
		usec += range(&s, 1, 40);
		h.ts.tv_sec = (time_t)(1700000000 + usec / 1000000);
		h.ts.tv_usec = (suseconds_t)(usec % 1000000);
		h.len = len;
		h.caplen = len < f->snap ? len : f->snap;
		if (chance(&s, 5)) {	/* cut inside the headers */
			uint32_t cut = range(&s, 1, 53);

			h.caplen = cut < len ? cut : len;
		}
		pcap_dump((u_char *)d, &h, b);
	}
}

/* trace_generate - see bench.h. */
int trace_generate(const char *path, uint64_t seed, size_t n, char *err,
		   size_t errlen)
{
	char tmp[4096];
	pcap_t *dead;
	pcap_dumper_t *d;
	int bad;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	dead = pcap_open_dead(DLT_EN10MB, SNAP);
	if (!dead) {
		snprintf(err, errlen, "pcap_open_dead failed");
		return -1;
	}
	d = pcap_dump_open(dead, tmp);
	if (!d) {
		snprintf(err, errlen, "%s", pcap_geterr(dead));
		pcap_close(dead);
		return -1;
	}
	gen_all(d, seed, n);
	bad = pcap_dump_flush(d) != 0;
	pcap_dump_close(d);
	pcap_close(dead);
	if (bad || rename(tmp, path)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- loading ------------------------------------------------------------ */

/* grow - make room for 'more' bytes and one more packet in 't'. */
static int grow(struct trace *t, size_t *cap, size_t *pcap_, size_t more)
{
	if (t->bytes + more + TRACE_ALIGN > *cap) {
		size_t c = *cap ? *cap : 1 << 20;
		uint8_t *p;

		while (t->bytes + more + TRACE_ALIGN > c)
			c *= 2;
		p = realloc(t->data, c);
		if (!p)
			return -1;
		t->data = p;
		*cap = c;
	}
	if (t->n == *pcap_) {
		size_t c = *pcap_ ? *pcap_ * 2 : 4096;
		struct trace_pkt *q = realloc(t->pkt, c * sizeof(*q));

		if (!q)
			return -1;
		t->pkt = q;
		*pcap_ = c;
	}
	return 0;
}

/* load_one - append every record of pcap file 'path' to 't'.  Returns 0,
 * 1 when the file is not Ethernet, -1 with 'err' on a read error. */
static int load_one(struct trace *t, const char *path, size_t *cap,
		    size_t *pcap_, char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc;
	int r;

	pc = pcap_open_offline(path, eb);
	if (!pc) {
		snprintf(err, errlen, "%s", eb);
		return -1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		pcap_close(pc);
		snprintf(err, errlen, "%s: link type %d is not Ethernet", path,
			 pcap_datalink(pc));
		return 1;
	}
	while ((r = pcap_next_ex(pc, &h, &d)) == 1) {
		struct trace_pkt *p;

		if (grow(t, cap, pcap_, h->caplen)) {
			snprintf(err, errlen, "out of memory reading %s", path);
			pcap_close(pc);
			return -1;
		}
		p = &t->pkt[t->n++];
		p->off = t->bytes;
		p->caplen = h->caplen;
		p->wirelen = h->len;
		memcpy(t->data + t->bytes, d, h->caplen);
		t->bytes += (h->caplen + TRACE_ALIGN - 1) & ~(size_t)(TRACE_ALIGN - 1);
	}
	if (r == PCAP_ERROR) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	t->files++;
	return 0;
}

/* by_name - qsort comparator for file names. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_dir - every *.pcap in 'dir', in name order. */
static int load_dir(struct trace *t, const char *dir, size_t *cap,
		    size_t *pcap_, char *err, size_t errlen)
{
	char **names = NULL, path[4096];
	size_t nn = 0, cn = 0, i;
	struct dirent *de;
	DIR *dp = opendir(dir);
	int rc = 0;

	if (!dp) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp))) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".pcap"))
			continue;
		if (nn == cn) {
			char **q = realloc(names, (cn = cn ? 2 * cn : 256) * sizeof(*q));

			if (!q)
				break;
			names = q;
		}
		names[nn++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, nn, sizeof(*names), by_name);
	for (i = 0; i < nn && rc >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc = load_one(t, path, cap, pcap_, err, errlen);
		if (rc > 0) {
			t->skipped++;
			rc = 0;
		}
	}
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rc < 0 ? -1 : 0;
}

/* map_segment - an anonymous mapping whose [seg, seg + 'seg' + guard)
 * part starts at a multiple of 'seg' (the rest unmapped); NULL on error. */
static uint8_t *map_segment(size_t seg, size_t guard)
{
	size_t len = 2 * seg + guard;
	uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (m == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)m + seg - 1) & ~(uintptr_t)(seg - 1);
	if (a > (uintptr_t)m)
		munmap(m, a - (uintptr_t)m);
	if ((uintptr_t)m + len > a + seg + guard)
		munmap((uint8_t *)a + seg + guard, (uintptr_t)m + len - (a + seg + guard));
	return (uint8_t *)a;
}

/* place - move the loaded bytes into their final mapping (bench.h:
 * one aligned SFI segment when they fit) and build t->ref; 0 or -1. */
static int place(struct trace *t)
{
	size_t seg = (size_t)1 << TRACE_SEG_BITS, i;
	uint8_t *m;

	t->ref = malloc(t->n * sizeof(*t->ref));
	if (!t->ref)
		return -1;
	if (t->bytes <= seg) {
		m = map_segment(seg, TRACE_GUARD);
		t->map_len = seg + TRACE_GUARD;
		t->in_segment = m != NULL;
	} else {
		t->map_len = (t->bytes + TRACE_GUARD + 4095) & ~(size_t)4095;
		m = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		m = m == MAP_FAILED ? NULL : m;
	}
	if (!m)
		return -1;
	memcpy(m, t->data, t->bytes);
	free(t->data);
	t->data = t->map = m;
	/* the packets are read-only from now on (the guard too) */
	mprotect(m, t->map_len, PROT_READ);
	for (i = 0; i < t->n; i++) {
		t->ref[i].p = m + t->pkt[i].off;
		t->ref[i].caplen = t->pkt[i].caplen;
		t->ref[i].wirelen = t->pkt[i].wirelen;
	}
	return 0;
}

/* trace_load - see bench.h. */
int trace_load(struct trace *t, const char *path, char *err, size_t errlen)
{
	size_t cap = 0, pcap_ = 0;
	struct stat st;
	int rc;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", path);
	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		rc = load_dir(t, path, &cap, &pcap_, err, errlen);
	else
		rc = load_one(t, path, &cap, &pcap_, err, errlen);
	if (rc)
		return -1;
	if (!t->n) {
		snprintf(err, errlen, "%s: no Ethernet packets", path);
		return -1;
	}
	if (place(t)) {
		snprintf(err, errlen, "%s: cannot map %zu bytes for the trace: %s",
			 path, t->bytes, strerror(errno));
		return -1;
	}
	return 0;
}

/* trace_free - see bench.h. */
void trace_free(struct trace *t)
{
	if (t->map)
		munmap(t->map, t->map_len);
	else
		free(t->data);
	free(t->pkt);
	free(t->ref);
	memset(t, 0, sizeof(*t));
}
