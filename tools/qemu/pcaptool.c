/*
 * pcaptool.c - pcap helpers for the QEMU kernel test, without libpcap
 * (it links statically into the guest and runs on the host too).
 *
 *   pcaptool select IN OUT [MAX]   keep frames a loopback replay delivers
 *                                  unchanged: 14 <= caplen == wirelen <= 1514
 *                                  and no VLAN tag (0x8100, 0x88a8, 0x9100);
 *                                  at most MAX of them
 *   pcaptool send IFACE IN         send every frame of IN on IFACE with an
 *                                  AF_PACKET socket; prints "sent N frames"
 *   pcaptool cut IN RETS OUT       the capture a kernel filter should produce:
 *                                  RETS has one return value a line (from
 *                                  'pccf run -v'); frame i is kept when its
 *                                  value is nonzero, cut to min(value, caplen)
 *   pcaptool cmp A B               same packets (lengths and bytes; time
 *                                  stamps ignored)? prints and exits 0 or 1
 *   pcaptool count IN              prints the number of packets
 *   pcaptool nocap-open DEV        drop CAP_NET_RAW from the effective set,
 *                                  open DEV; prints "refused: ERRNO" or
 *                                  "opened" (exit 0 only when refused with EPERM)
 *
 * Reads pcap files in host byte order, microsecond or nanosecond time
 * stamps; writes microsecond, Ethernet.  Untrusted test tooling.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAXPKT 262144

struct pkt {
	uint32_t sec, frac, caplen, len;
	uint8_t data[MAXPKT];
};

static struct pkt pa, pb;

/* die - print a message and exit 2. */
static void die(const char *what, const char *why)
{
	fprintf(stderr, "pcaptool: %s: %s\n", what, why);
	exit(2);
}

/* open_in - open a pcap file and check its header. */
static FILE *open_in(const char *path)
{
	uint32_t h[6];
	FILE *f = fopen(path, "rb");

	if (!f)
		die(path, strerror(errno));
	if (fread(h, 4, 6, f) != 6 ||
	    (h[0] != 0xa1b2c3d4 && h[0] != 0xa1b23c4d))
		die(path, "not a pcap file in host byte order");
	if (h[5] != 1)
		die(path, "link type is not Ethernet");
	return f;
}

/* next - the next packet of 'f' into 'p'; 1, or 0 at the end. */
static int next(FILE *f, const char *path, struct pkt *p)
{
	uint32_t h[4];
	size_t n = fread(h, 4, 4, f);

	if (n == 0 && feof(f))
		return 0;
	if (n != 4)
		die(path, "truncated record header");
	p->sec = h[0];
	p->frac = h[1];
	p->caplen = h[2];
	p->len = h[3];
	if (p->caplen > MAXPKT)
		die(path, "record larger than 256 KiB");
	if (fread(p->data, 1, p->caplen, f) != p->caplen)
		die(path, "truncated record");
	return 1;
}

/* open_out - create a pcap file with the standard header. */
static FILE *open_out(const char *path)
{
	uint32_t h[6] = { 0xa1b2c3d4, 2 | 4u << 16, 0, 0, MAXPKT, 1 };
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(h, 4, 6, f) != 6)
		die(path, strerror(errno));
	return f;
}

/* put - append packet 'p' cut to 'caplen' bytes to 'f'. */
static void put(FILE *f, const struct pkt *p, uint32_t caplen)
{
	uint32_t h[4] = { p->sec, p->frac, caplen, p->len };

	if (fwrite(h, 4, 4, f) != 4 || fwrite(p->data, 1, caplen, f) != caplen)
		die("output", strerror(errno));
}

/* replayable - a frame the loopback path delivers unchanged. */
static int replayable(const struct pkt *p)
{
	unsigned t;

	if (p->caplen < 14 || p->caplen != p->len || p->len > 1514)
		return 0;
	t = (unsigned)p->data[12] << 8 | p->data[13];
	return t != 0x8100 && t != 0x88a8 && t != 0x9100;
}

static int do_select(int argc, char **argv)
{
	unsigned long max = argc > 4 ? strtoul(argv[4], NULL, 10) : 0, n = 0;
	FILE *in = open_in(argv[2]), *out = open_out(argv[3]);

	while ((!max || n < max) && next(in, argv[2], &pa))
		if (replayable(&pa)) {
			put(out, &pa, pa.caplen);
			n++;
		}
	if (fclose(out))
		die(argv[3], strerror(errno));
	printf("selected %lu frames\n", n);
	return 0;
}

static int do_send(char **argv)
{
	struct sockaddr_ll a;
	unsigned long n = 0;
	FILE *in = open_in(argv[3]);
	int s = socket(AF_PACKET, SOCK_RAW, 0);

	if (s < 0)
		die("socket", strerror(errno));
	memset(&a, 0, sizeof(a));
	a.sll_family = AF_PACKET;
	a.sll_ifindex = (int)if_nametoindex(argv[2]);
	a.sll_halen = ETH_ALEN;
	if (!a.sll_ifindex)
		die(argv[2], "no such interface");
	while (next(in, argv[3], &pa)) {
		memcpy(a.sll_addr, pa.data, ETH_ALEN);
		if (sendto(s, pa.data, pa.caplen, 0, (struct sockaddr *)&a,
			   sizeof(a)) != (ssize_t)pa.caplen)
			die("sendto", strerror(errno));
		n++;
	}
	printf("sent %lu frames\n", n);
	return 0;
}

static int do_cut(char **argv)
{
	FILE *in = open_in(argv[2]), *rets = fopen(argv[3], "r"), *out;
	unsigned long v, n = 0;

	if (!rets)
		die(argv[3], strerror(errno));
	out = open_out(argv[4]);
	while (next(in, argv[2], &pa)) {
		if (fscanf(rets, "%lu", &v) != 1)
			die(argv[3], "fewer return values than packets");
		if (v) {
			put(out, &pa, v < pa.caplen ? (uint32_t)v : pa.caplen);
			n++;
		}
	}
	if (fscanf(rets, "%lu", &v) == 1)
		die(argv[3], "more return values than packets");
	if (fclose(out))
		die(argv[4], strerror(errno));
	printf("expected %lu packets\n", n);
	return 0;
}

static int do_cmp(char **argv)
{
	FILE *a = open_in(argv[2]), *b = open_in(argv[3]);
	unsigned long i = 0;

	for (;; i++) {
		int ga = next(a, argv[2], &pa), gb = next(b, argv[3], &pb);

		if (!ga && !gb)
			break;
		if (ga != gb) {
			printf("differ: %s has more packets (after %lu)\n",
			       argv[ga ? 2 : 3], i);
			return 1;
		}
		if (pa.caplen != pb.caplen || pa.len != pb.len ||
		    memcmp(pa.data, pb.data, pa.caplen)) {
			printf("differ at packet %lu: caplen %u/%u wirelen %u/%u\n",
			       i + 1, pa.caplen, pb.caplen, pa.len, pb.len);
			return 1;
		}
	}
	printf("same %lu packets\n", i);
	return 0;
}

static int do_count(char **argv)
{
	FILE *in = open_in(argv[2]);
	unsigned long n = 0;

	while (next(in, argv[2], &pa))
		n++;
	printf("%lu\n", n);
	return 0;
}

static int do_nocap_open(char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int fd;

	if (syscall(SYS_capget, &h, d))
		die("capget", strerror(errno));
	d[CAP_NET_RAW / 32].effective &= ~(1u << (CAP_NET_RAW % 32));
	if (syscall(SYS_capset, &h, d))
		die("capset", strerror(errno));
	fd = open(argv[2], O_RDWR);
	if (fd >= 0) {
		printf("opened\n");
		return 1;
	}
	printf("refused: %s\n", strerror(errno));
	return errno == EPERM ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	if (!strcmp(c, "select") && (argc == 4 || argc == 5))
		return do_select(argc, argv);
	if (!strcmp(c, "send") && argc == 4)
		return do_send(argv);
	if (!strcmp(c, "cut") && argc == 5)
		return do_cut(argv);
	if (!strcmp(c, "cmp") && argc == 4)
		return do_cmp(argv);
	if (!strcmp(c, "count") && argc == 3)
		return do_count(argv);
	if (!strcmp(c, "nocap-open") && argc == 3)
		return do_nocap_open(argv);
	fprintf(stderr,
		"usage: pcaptool select IN OUT [MAX] | send IFACE IN | "
		"cut IN RETS OUT | cmp A B | count IN | nocap-open DEV\n");
	return 2;
}
