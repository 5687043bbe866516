/*
 * cmd_kernel.c - the user side of the kernel module (/dev/pccf):
 * 'pccf load', 'list', 'stats', 'unload' and 'capture'.
 *
 * 'load' hands an object to the module as a persistent filter (owned by
 * the module, it outlives the command; 'unload ID' or rmmod removes it).
 * 'capture' loads a filter into its own session and writes what the
 * filter accepts, as text or as a pcap file written by hand (no libpcap,
 * so the tool links statically into the QEMU test's initramfs).  The
 * kernel verifies every object itself; a rejection prints the kernel's
 * message exactly as 'pccf check' prints it, then the errno.
 *
 * Uses only libc, the ioctl ABI (include/pccf/ioctl.h) and cli_err /
 * cli_usage.  Untrusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "pccf/ioctl.h"

#define MAX_OBJ_FILE (64u << 20) /* larger files are not read */
#define READ_BUF (1u << 20)	 /* bytes per read() of the ring */
#define MAX_LIST 1024

/* Options of the kernel subcommands. */
struct kopts {
	const char *pos[2];
	int npos;
	const char *iface;   /* -i */
	const char *out;     /* -w */
	unsigned long count; /* -c, 0 = unlimited */
	unsigned long secs;  /* -t, 0 = unlimited */
};

/* number - a decimal number >= 1 from 's', or 0. */
static unsigned long number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	return (!*s || *end || errno || s[0] == '-') ? 0 : v;
}

/*
 * kopts - parse 'argv' (after argv[0]), accepting the options whose
 * letters are in 'allowed' and between 'minpos' and 'maxpos' positionals.
 * Returns 0 or EXIT_USAGE (message printed).
 */
static int kopts(int argc, char **argv, const char *allowed, int minpos,
		 int maxpos, struct kopts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		char c = a[0] == '-' && a[1] && !a[2] ? a[1] : 0;

		if (!c || !strchr(allowed, c)) {
			if (a[0] == '-' && a[1])
				return cli_usage(argv[0], "unknown option '%s'",
						 a);
			if (o->npos == maxpos)
				return cli_usage(argv[0],
						 "unexpected argument '%s'", a);
			o->pos[o->npos++] = a;
			continue;
		}
		if (i + 1 == argc)
			return cli_usage(argv[0], "%s needs a value", a);
		a = argv[++i];
		if (c == 'i')
			o->iface = a;
		else if (c == 'w')
			o->out = a;
		else if ((c == 'c' && !(o->count = number(a))) ||
			 (c == 't' && !(o->secs = number(a))))
			return cli_usage(
				argv[0],
				"-%c needs a positive number, not '%s'", c, a);
	}
	if (o->npos < minpos)
		return cli_usage(argv[0], "missing argument");
	if (o->iface && strlen(o->iface) >= PCCF_IFNAMSIZ)
		return cli_usage(argv[0], "interface name '%s' too long",
				 o->iface);
	return 0;
}

/* open_dev - /dev/pccf, or -1 with a message (and a hint). */
static int open_dev(void)
{
	int fd = open(PCCF_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		cli_err("%s: %s%s", PCCF_DEV, strerror(errno),
			errno == ENOENT
				? " (is pccf.ko loaded? see docs/kernel.md)"
				: "");
	return fd;
}

/* errno_name - the symbolic name of the errnos the module returns. */
static const char *errno_name(int e)
{
	static const struct {
		int e;
		const char *n;
	} t[] = {
		{ EPROTO, "EPROTO" },	{ ENOEXEC, "ENOEXEC" },
		{ ELOOP, "ELOOP" },	{ EACCES, "EACCES" },
		{ EBADMSG, "EBADMSG" }, { E2BIG, "E2BIG" },
		{ ENOSPC, "ENOSPC" },	{ ENODEV, "ENODEV" },
		{ EMFILE, "EMFILE" },	{ ENOMEM, "ENOMEM" },
		{ EPERM, "EPERM" },	{ ENOENT, "ENOENT" },
		{ EINVAL, "EINVAL" },	{ EFAULT, "EFAULT" },
		{ ERANGE, "ERANGE" },	{ EPFNOSUPPORT, "EPFNOSUPPORT" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	return "E?";
}

/* slurp - the whole file 'path' (malloc'd) into '*p', '*n'; 0 or -1. */
static int slurp(const char *path, uint8_t **p, size_t *n)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, len = 0, got;
	uint8_t *b = NULL, *nb;

	if (!f)
		return cli_err("%s: %s", path, strerror(errno)), -1;
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			nb = cap <= MAX_OBJ_FILE ? realloc(b, cap) : NULL;
			if (!nb) {
				free(b);
				fclose(f);
				return cli_err("%s: too large or out of memory",
					       path),
				       -1;
			}
			b = nb;
		}
		got = fread(b + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		free(b);
		fclose(f);
		return cli_err("%s: read error", path), -1;
	}
	fclose(f);
	*p = b;
	*n = len;
	return 0;
}

/*
 * load_obj - PCCF_IOC_LOAD of file 'path' on 'fd'.  On a rejection prints
 * "PATH: rejected: MSG" (as 'pccf check' does) and the errno line.
 * Returns the filter id, or 0.
 */
static uint32_t load_obj(int fd, const char *path, const char *iface,
			 uint32_t flags, struct pccf_load *ld)
{
	uint8_t *obj;
	size_t n;
	int e;

	if (slurp(path, &obj, &n))
		return 0;
	memset(ld, 0, sizeof(*ld));
	ld->obj = (uint64_t)(uintptr_t)obj;
	ld->obj_len = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	ld->flags = flags;
	if (iface)
		strncpy(ld->ifname, iface, sizeof(ld->ifname) - 1);
	e = ioctl(fd, PCCF_IOC_LOAD, ld) ? errno : 0;
	free(obj);
	if (!e)
		return ld->id;
	fflush(stdout);
	ld->msg[sizeof(ld->msg) - 1] = '\0';
	if (ld->code)
		fprintf(stderr, "%s: rejected: %s\n", path, ld->msg);
	else if (ld->msg[0])
		fprintf(stderr, "%s: not loaded: %s\n", path, ld->msg);
	cli_err("%s: kernel: %s (%s)", path, strerror(e), errno_name(e));
	return 0;
}

/* cmd_load - 'pccf load F.pcc [-i IFACE]'. */
int cmd_load(int argc, char **argv)
{
	struct pccf_load ld;
	struct kopts o;
	uint32_t id;
	int rc, fd;

	rc = kopts(argc, argv, "i", 1, 1, &o);
	if (rc)
		return rc;
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	id = load_obj(fd, o.pos[0], o.iface, PCCF_LOAD_PERSIST, &ld);
	close(fd);
	if (!id)
		return EXIT_FAIL;
	printf("%s: loaded as filter %u on %s (code %u bytes, proof %u bytes, "
	       "%u proof nodes, verified in %.1f us)\n",
	       o.pos[0], id, o.iface ? o.iface : "all interfaces", ld.ncode,
	       ld.nproof, ld.proof_nodes, ld.verify_ns / 1e3);
	return EXIT_OK;
}

/* list - every filter into '*in' (malloc'd), count in '*n'; 0 or -1. */
static int list(int fd, struct pccf_info **in, uint32_t *n, struct pccf_list *l)
{
	memset(l, 0, sizeof(*l));
	*in = calloc(MAX_LIST, sizeof(**in));
	if (!*in)
		return cli_err("out of memory"), -1;
	l->buf = (uint64_t)(uintptr_t)*in;
	l->max = MAX_LIST;
	if (ioctl(fd, PCCF_IOC_LIST, l)) {
		free(*in);
		return cli_err("list: %s", strerror(errno)), -1;
	}
	*n = l->n < MAX_LIST ? l->n : MAX_LIST;
	return 0;
}

/* print_stats - one filter's counters, one line. */
static void print_stats(const struct pccf_info *in)
{
	printf("filter %u (%s): %llu seen, %llu accepted, %llu dropped\n",
	       in->id, in->ifname[0] ? in->ifname : "all",
	       (unsigned long long)in->seen, (unsigned long long)in->accepted,
	       (unsigned long long)in->dropped);
}

/* cmd_list - 'pccf list'. */
int cmd_list(int argc, char **argv)
{
	struct pccf_info *in;
	struct pccf_list l;
	struct kopts o;
	uint32_t i, n;
	int rc, fd;

	rc = kopts(argc, argv, "", 0, 0, &o);
	if (rc)
		return rc;
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	rc = list(fd, &in, &n, &l);
	close(fd);
	if (rc)
		return EXIT_FAIL;
	printf("%4s  %-10s %-8s %7s %7s %6s %12s %12s %12s\n", "ID", "IFACE",
	       "OWNER", "PID", "CODE", "PROOF", "SEEN", "ACCEPTED", "DROPPED");
	for (i = 0; i < n; i++)
		printf("%4u  %-10s %-8s %7d %7u %6u %12llu %12llu %12llu\n",
		       in[i].id, in[i].ifname[0] ? in[i].ifname : "all",
		       in[i].flags & PCCF_INFO_PERSIST	  ? "module"
		       : in[i].flags & PCCF_INFO_DETACHED ? "gone"
							  : "session",
		       in[i].owner, in[i].ncode, in[i].nproof,
		       (unsigned long long)in[i].seen,
		       (unsigned long long)in[i].accepted,
		       (unsigned long long)in[i].dropped);
	printf("%u filter%s; executable arena: %u of %u bytes in use\n", l.n,
	       l.n == 1 ? "" : "s", l.arena_used, l.arena_bytes);
	free(in);
	return EXIT_OK;
}

/* cmd_stats - 'pccf stats [ID]'. */
int cmd_stats(int argc, char **argv)
{
	struct pccf_info *in, one;
	struct pccf_list l;
	struct kopts o;
	uint32_t i, n;
	int rc, fd;

	rc = kopts(argc, argv, "", 0, 1, &o);
	if (rc)
		return rc;
	memset(&one, 0, sizeof(one));
	if (o.npos && !(one.id = (uint32_t)number(o.pos[0])))
		return cli_usage(argv[0], "bad filter id '%s'", o.pos[0]);
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	if (one.id) {
		rc = ioctl(fd, PCCF_IOC_STATS, &one) ? errno : 0;
		close(fd);
		if (rc)
			return cli_err("filter %s: %s", o.pos[0], strerror(rc));
		print_stats(&one);
		return EXIT_OK;
	}
	rc = list(fd, &in, &n, &l);
	close(fd);
	if (rc)
		return EXIT_FAIL;
	for (i = 0; i < n; i++)
		print_stats(&in[i]);
	free(in);
	return EXIT_OK;
}

/* cmd_unload - 'pccf unload ID'. */
int cmd_unload(int argc, char **argv)
{
	struct kopts o;
	uint32_t id;
	int rc, fd;

	rc = kopts(argc, argv, "", 1, 1, &o);
	if (rc)
		return rc;
	if (!(id = (uint32_t)number(o.pos[0])))
		return cli_usage(argv[0], "bad filter id '%s'", o.pos[0]);
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	rc = ioctl(fd, PCCF_IOC_UNLOAD, &id) ? errno : 0;
	close(fd);
	if (rc)
		return cli_err("unload %u: %s%s", id, strerror(rc),
			       rc == EPERM
				       ? " (it belongs to a capture session)"
				       : "");
	printf("filter %u unloaded\n", id);
	return EXIT_OK;
}

/* ---- capture ------------------------------------------------------------ */

static volatile sig_atomic_t stop;

/* on_signal - end the capture loop. */
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* put32/put16 - little-endian fields of the pcap headers. */
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* pcap_header - the pcap file header: microseconds, Ethernet. */
static int pcap_header(FILE *f)
{
	uint8_t h[24];

	put32(h, 0xa1b2c3d4);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);
	put32(h + 12, 0);
	put32(h + 16, 262144); /* snaplen */
	put32(h + 20, 1);      /* LINKTYPE_ETHERNET */
	return fwrite(h, 1, sizeof(h), f) == sizeof(h) ? 0 : -1;
}

/* emit - one captured packet, to the pcap file 'f' or as a text line. */
static int emit(FILE *f, const struct pccf_rec *r, const uint8_t *data)
{
	uint32_t sec = (uint32_t)(r->ts_ns / 1000000000u);
	uint32_t usec = (uint32_t)(r->ts_ns % 1000000000u / 1000u);
	uint8_t h[16];

	if (!f) {
		printf("%u.%06u filter %u caplen %u wirelen %u\n", sec, usec,
		       r->id, r->caplen, r->wirelen);
		return 0;
	}
	put32(h, sec);
	put32(h + 4, usec);
	put32(h + 8, r->caplen);
	put32(h + 12, r->wirelen);
	if (fwrite(h, 1, sizeof(h), f) != sizeof(h) ||
	    fwrite(data, 1, r->caplen, f) != r->caplen)
		return -1;
	return 0;
}

/* drain - emit the records in 'b' ('n' bytes); counts into '*got'. */
static int drain(FILE *f, const uint8_t *b, size_t n, unsigned long max,
		 unsigned long *got)
{
	size_t pos = 0;

	while (n - pos >= sizeof(struct pccf_rec) && (!max || *got < max)) {
		struct pccf_rec r;

		memcpy(&r, b + pos, sizeof(r));
		if (r.caplen > n - pos - sizeof(r))
			return cli_err("capture: malformed record from the kernel"),
			       -1;
		if (emit(f, &r, b + pos + sizeof(r)))
			return cli_err("capture: write error: %s",
				       strerror(errno)),
			       -1;
		pos += sizeof(r) + ((r.caplen + 7u) & ~7u);
		(*got)++;
	}
	return 0;
}

/* now_s - monotonic seconds. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* capture_loop - read records from 'fd' until -c, -t or a signal. */
static int capture_loop(int fd, FILE *f, const struct kopts *o,
			unsigned long *got)
{
	double end = o->secs ? now_s() + o->secs : 0;
	uint8_t *buf = malloc(READ_BUF);
	int rc = 0;

	if (!buf)
		return cli_err("out of memory"), -1;
	while (!stop && !rc && (!o->count || *got < o->count)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (end && now_s() >= end)
			break;
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(fd, buf, READ_BUF);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			rc = cli_err("capture: read: %s", strerror(errno));
			break;
		}
		rc = drain(f, buf, (size_t)n, o->count, got);
		if (f)
			fflush(f);
	}
	free(buf);
	return rc;
}

/* cmd_capture - 'pccf capture F.pcc [-i IFACE] [-c N] [-t SEC] [-w OUT]'. */
int cmd_capture(int argc, char **argv)
{
	struct pccf_info st;
	struct pccf_load ld;
	struct sigaction sa;
	unsigned long got = 0;
	struct kopts o;
	FILE *f = NULL;
	int rc, fd;

	rc = kopts(argc, argv, "icwt", 1, 1, &o);
	if (rc)
		return rc;
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (!load_obj(fd, o.pos[0], o.iface, 0, &ld)) {
		close(fd);
		return EXIT_FAIL;
	}
	if (o.out && (!(f = fopen(o.out, "wb")) || pcap_header(f))) {
		close(fd);
		return cli_err("%s: %s", o.out, strerror(errno));
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "pccf: capturing on %s with filter %u\n",
		o.iface ? o.iface : "all interfaces", ld.id);
	rc = capture_loop(fd, f, &o, &got) ? EXIT_FAIL : EXIT_OK;
	memset(&st, 0, sizeof(st));
	st.id = ld.id;
	if (ioctl(fd, PCCF_IOC_STATS, &st) == 0)
		fprintf(stderr,
			"pccf: %lu packets captured; filter %u: %llu seen, "
			"%llu accepted, %llu dropped\n",
			got, st.id, (unsigned long long)st.seen,
			(unsigned long long)st.accepted,
			(unsigned long long)st.dropped);
	close(fd);
	if (f && fclose(f))
		rc = cli_err("%s: %s", o.out, strerror(errno));
	return rc;
}
