/*
 * domain.c - the filter in a separate protection domain: Kea's
 * separate address space, or a micro-kernel's filter server.
 *
 * domain_start forks a child after the filter is installed in this
 * process, so the child has the same code (and the trace) at the same
 * addresses; the two then share only one MAP_SHARED page-aligned ring:
 *
 *   host   writes up to DOMAIN_BATCH descriptors (packet pointer, caplen,
 *          wirelen), bumps 'req', FUTEX_WAKEs the child, FUTEX_WAITs on
 *          'done';
 *   child  FUTEX_WAITs on 'req', runs the filter on each descriptor,
 *          writes the results, sets 'done' = 'req', FUTEX_WAKEs the host.
 *
 * One crossing is one request: 'domain' sends one packet per crossing,
 * 'domain-batch' DOMAIN_BATCH.  No spinning: every crossing is a real
 * sleep and wake-up in both directions, the cost the survey says
 * extensible kernels exist to avoid.  The packet bytes are not copied:
 * the child reads them in its copy-on-write view of the trace (read-only
 * there as here), as a server would read a shared read-only packet
 * buffer.  The child is a fork, not a fresh exec: it starts with a
 * snapshot of the host's memory (a real server would start from its own
 * image); what it cannot do is write the host's memory, which is the
 * protection being paid for.  Untrusted tooling.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

/* The shared page(s): control words on their own cache lines. */
struct ring {
	_Atomic uint32_t req __attribute__((aligned(64)));	/* host -> child */
	uint32_t n;		/* packets in the request */
	uint32_t quit;
	_Atomic uint32_t done __attribute__((aligned(64)));	/* child -> host */
	struct trace_ref d[DOMAIN_BATCH] __attribute__((aligned(64)));
	uint32_t res[DOMAIN_BATCH] __attribute__((aligned(64)));
	uint32_t scratch[16] __attribute__((aligned(64)));	/* the child's M[] */
};

struct domain {
	struct ring *r;
	pid_t pid;
	uint32_t seq;
};

/* futex - the futex(2) system call on a word of the shared ring (not
 * FUTEX_PRIVATE: the two processes share it). */
static long futex(_Atomic uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* wait_change - sleep until '*w' is no longer 'old'; its new value. */
static uint32_t wait_change(_Atomic uint32_t *w, uint32_t old)
{
	uint32_t v;

	while ((v = atomic_load_explicit(w, memory_order_acquire)) == old)
		futex(w, FUTEX_WAIT, old);
	return v;
}

/* serve - the child: answer requests until told to quit. */
__attribute__((noreturn)) static void serve(struct ring *r, tech_fn fn)
{
	uint32_t seen = 0, i;

	for (;;) {
		seen = wait_change(&r->req, seen);
		if (r->quit)
			_exit(0);
		for (i = 0; i < r->n && i < DOMAIN_BATCH; i++)
			r->res[i] = fn(r->d[i].p, r->d[i].caplen, r->d[i].wirelen,
				       r->scratch);
		atomic_store_explicit(&r->done, seen, memory_order_release);
		futex(&r->done, FUTEX_WAKE, 1);
	}
}

/* domain_start - see bench.h. */
struct domain *domain_start(tech_fn fn, char *err, size_t errlen)
{
	struct domain *d = calloc(1, sizeof(*d));
	pid_t parent = getpid();

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->r = mmap(NULL, sizeof(struct ring), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (d->r == MAP_FAILED) {
		snprintf(err, errlen, "mmap of the ring: %s", strerror(errno));
		free(d);
		return NULL;
	}
	fflush(NULL);
	d->pid = fork();
	if (d->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		munmap(d->r, sizeof(struct ring));
		free(d);
		return NULL;
	}
	if (d->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		serve(d->r, fn);
	}
	return d;
}

/* domain_run - see bench.h. */
int domain_run(struct domain *d, const struct trace_ref *r, uint32_t n,
	       uint32_t *res)
{
	struct ring *g = d->r;
	uint32_t i;

	if (n > DOMAIN_BATCH)
		return -1;
	memcpy(g->d, r, n * sizeof(*r));
	g->n = n;
	d->seq++;
	atomic_store_explicit(&g->req, d->seq, memory_order_release);
	futex(&g->req, FUTEX_WAKE, 1);
	for (;;) {
		uint32_t old = atomic_load_explicit(&g->done, memory_order_acquire);
		struct timespec ts = { 1, 0 };

		if (old == d->seq)
			break;
		/* the timeout only serves to notice a dead child */
		if (syscall(SYS_futex, &g->done, FUTEX_WAIT, old, &ts, NULL, 0) &&
		    errno == ETIMEDOUT && waitpid(d->pid, NULL, WNOHANG) != 0) {
			d->pid = -1;
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		res[i] = g->res[i];
	return 0;
}

/* domain_stop - see bench.h. */
void domain_stop(struct domain *d)
{
	if (!d)
		return;
	if (d->pid > 0) {
		d->r->quit = 1;
		atomic_store_explicit(&d->r->req, d->seq + 1, memory_order_release);
		futex(&d->r->req, FUTEX_WAKE, 1);
		waitpid(d->pid, NULL, 0);
	}
	munmap(d->r, sizeof(struct ring));
	free(d);
}
