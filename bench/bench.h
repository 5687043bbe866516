/*
 * bench.h - the benchmark: traces in memory, techniques, timing, reports.
 *
 * One header for the bench/ files, grouped by file (trace.c, tech.c,
 * harness.c, report.c); cli/cmd_bench.c is the pipeline that uses them.
 * Everything here is untrusted tooling: it measures the consumer's
 * output (installed, certified code) but decides nothing about safety.
 */
#ifndef PCCF_BENCH_H
#define PCCF_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>
#include "bpf2x86.h"
#include "host.h"
#include "prove.h"

/* ---- trace.c: generated and replayed traces, loaded into memory ------- */

#define TRACE_DEFAULT_PACKETS 200000
#define TRACE_DEFAULT_SEED 1
#define TRACE_ALIGN 16		/* each packet starts 16-aligned (TPACKET_ALIGN) */

/* One packet: its bytes are data[off .. off + caplen). */
struct trace_pkt {
	uint64_t off;
	uint32_t caplen, wirelen;
};

/* The same packet as the timing loops read it: a direct pointer and the
 * two lengths, 16 bytes (one load of metadata per packet, no add). */
struct trace_ref {
	const uint8_t *p;
	uint32_t caplen, wirelen;
};

/*
 * Placement of the packet bytes.  The SFI mode of bpf2x86 masks every
 * packet address into one segment of 2^SFI_SEG_BITS bytes aligned to its
 * size; so that every technique reads the same memory, the whole trace
 * is always placed that way (one anonymous mapping of a whole aligned
 * segment, untouched pages cost nothing), with a read-only guard of
 * TRACE_GUARD bytes after it.  A trace larger than the segment is placed
 * page-aligned instead, and sfi reports that it cannot run.
 */
#ifdef SFI_SEG_BITS
#define TRACE_SEG_BITS SFI_SEG_BITS
#else
#define TRACE_SEG_BITS 28
#endif
#define TRACE_GUARD 65536

/* A trace in memory: every packet's bytes in one buffer, in trace order. */
struct trace {
	uint8_t *data;		/* contiguous packet bytes */
	size_t bytes;		/* used bytes of 'data' */
	struct trace_pkt *pkt;
	struct trace_ref *ref;	/* the same, as pointers (see above) */
	int in_segment;		/* data lies in one aligned SFI segment */
	uint8_t *map;		/* the mapping holding 'data' */
	size_t map_len;
	size_t n;		/* packets */
	size_t files;		/* pcap files read */
	size_t skipped;		/* files skipped (not Ethernet, unreadable) */
	char name[256];		/* for the report: file, directory or "generated" */
};

/*
 * trace_generate - write the seeded synthetic trace ('n' packets) to
 * 'path' (through a temporary file and rename).  0 or -1 with 'err'.
 */
int trace_generate(const char *path, uint64_t seed, size_t n, char *err,
		   size_t errlen);

/*
 * trace_load - read 'path' (a pcap file, or a directory whose *.pcap
 * files are read in name order) into 't'.  Only DLT_EN10MB files are
 * used; a directory's other files are counted in 't->skipped', a single
 * file of another link type is an error.  0 or -1 with 'err'.
 */
int trace_load(struct trace *t, const char *path, char *err, size_t errlen);

/* trace_free - release what trace_load allocated. */
void trace_free(struct trace *t);

/* ---- tech.c: the techniques, instantiated for one filter -------------- */

/* The techniques, in table order (ORDER TECH: names in tech.c). */
enum tech_id {
	TECH_INTERP,
	TECH_CHECKED,
	TECH_SFI,
	TECH_JIT,
	TECH_RUST,
	TECH_C,
	TECH_PCC,
	TECH_PKEY,
	TECH_DOMAIN_BATCH,
	TECH_DOMAIN,
	TECH_NULL,
	TECH_N
};

/* How a technique's result is compared with the interpreter's. */
enum tech_cmp {
	CMP_EXACT,		/* same 32-bit return value */
	CMP_NONZERO,		/* same accept/reject */
	CMP_NONE		/* null: not compared */
};

/* The filter ABI of MISSION §3 (the same as host_fn and paper_fn). */
typedef uint32_t (*tech_fn)(const uint8_t *pkt, uint64_t caplen,
			    uint64_t wirelen, uint32_t *mem);

/* Load-time numbers of a certified filter. */
struct tech_load {
	uint32_t code_bytes, proof_bytes, annot_bytes;
	double parse_us, vcgen_us, check_us, total_us;	/* medians */
	uint32_t proof_nodes;
};

/* Packets of the fixed sample the per-packet domain technique is timed
 * on (a process round trip costs microseconds). */
#define DOMAIN_SAMPLE 20000
#define DOMAIN_BATCH 256	/* packets per crossing in domain-batch */

struct domain;			/* domain.c */
struct mpk_ctx;		/* pkey.c */

/* One technique for one filter. */
struct tech {
	enum tech_id id;
	int avail;		/* 1: runs; 0: 'why' says why not */
	char why[200];
	int certified;		/* pcc: checked by pccf_verify before install */
	enum tech_cmp cmp;
	tech_fn fn;		/* native techniques */
	const struct bpf_insn *insns;	/* interp */
	struct host_filter hf;	/* installed code (checked, sfi, pcc) */
	uint32_t code_bytes;	/* native code size, when known */
	struct tech_load load;	/* pcc only */
	size_t sample;		/* timed on packets [0, sample) only; 0: all */
	int same_as_pcc;	/* jit: byte-identical to pcc's installed code */
	struct domain *dom;	/* domain, domain-batch: the filter process */
	struct mpk_ctx *pk;	/* pkey: keys, filter stack, scratch */
};

/* tech_name - "interp", "checked", ... */
const char *tech_name(enum tech_id id);

/* tech_parse - the technique named 'name', or -1. */
int tech_parse(const char *name);

/* A filter under test: its expression and, for the paper's four, a name. */
struct bench_filter {
	const char *name;	/* "ip_all", or the expression itself */
	const char *expr;
	int paper;		/* index in the paper's table, or -1 */
	struct bpf_program prog;	/* libpcap's program */
};

/*
 * tech_setup - instantiate technique 'id' for 'f' (whose prog is
 * compiled) into 'te'.  A technique that cannot run for this filter gets
 * avail = 0 and a reason; -1 only for an internal failure that makes the
 * whole run meaningless (message in 'err').  'load_runs' is how many
 * timed pccf_verify runs the pcc load-time medians use.
 */
int tech_setup(enum tech_id id, const struct bench_filter *f,
	       const struct trace *t, struct tech *te, int load_runs, char *err,
	       size_t errlen);

/* tech_compare_jit - set te[TECH_JIT].same_as_pcc (both set up). */
void tech_compare_jit(struct tech *te);

/* tech_release - undo tech_setup. */
void tech_release(struct tech *te);

/* tech_compile - libpcap's program for 'expr' (DLT_EN10MB, snaplen
 * 262144, optimised, netmask unknown).  0 or -1 with 'err'. */
int tech_compile(const char *expr, struct bpf_program *prog, char *err,
		 size_t errlen);

/* ---- domain.c: the filter in another process (Kea, micro-kernels) ---- */

/*
 * domain_start - fork the filter process for 'fn' (already installed in
 * this process, so the child has it at the same address) with a shared
 * ring.  NULL with 'err' on failure.
 */
struct domain *domain_start(tech_fn fn, char *err, size_t errlen);

/* domain_run - send packets 'r[0..n)' (n <= DOMAIN_BATCH) across in one
 * crossing (request, wake-up, results back); their results into 'res'.
 * 0, or -1 when the filter process is gone. */
int domain_run(struct domain *d, const struct trace_ref *r, uint32_t n,
	       uint32_t *res);

/* domain_stop - stop and reap the filter process, free 'd'. */
void domain_stop(struct domain *d);

/* ---- pkey.c: memory protection keys around each call ------------------ */

/* mpk_probe - 0 when protection keys work here, else -1 with the
 * reason in 'why'. */
int mpk_probe(char *why, size_t n);

/* mpk_setup - a context running 'fn' with only the trace 't', a
 * scratch and a filter stack accessible.  NULL with 'err'. */
struct mpk_ctx *mpk_setup(tech_fn fn, const struct trace *t, char *err,
			    size_t errlen);

/* mpk_call - one packet through the context (WRPKRU in, call, out). */
uint32_t mpk_call(const uint8_t *pkt, uint64_t caplen, uint64_t wirelen,
		   struct mpk_ctx *c);

/* mpk_free - release what mpk_setup made (the key stays allocated
 * for the next filter of the run). */
void mpk_free(struct mpk_ctx *c);

/* ---- trusted.c: lines of code each technique must trust --------------- */

/* What one technique trusts. */
struct trusted {
	long lines;		/* counted lines, or -1 when only named */
	char what[40];		/* short: "TCB", "compiler", "rustc+LLVM" */
	char note[400];		/* the files or components, and how counted */
};

/* trusted_of - what technique 'id' trusts (counted once per run, from
 * the source tree; see trusted.c). */
const struct trusted *trusted_of(enum tech_id id);

/* ---- harness.c: running and timing ------------------------------------ */

enum bench_mode { MODE_HOT, MODE_COLD, MODE_N };

#define BENCH_WINDOW 256	/* packets per hot window */


/* One technique's times in one mode: ns per packet of each repetition. */
struct bench_times {
	int ran;
	double *ns;		/* 'reps' values */
	double med, min, max;
	uint64_t accepted;	/* nonzero results in one pass */
};

/* The measurements for one filter. */
struct bench_result {
	uint64_t accepted[TECH_N];	/* from the cross-check pass */
	uint64_t sample_accepted[TECH_N];	/* the same over [0, sample) */
	struct bench_times t[TECH_N][MODE_N];
};

/*
 * bench_check - run every available technique once over the whole trace
 * and compare each packet's result with the interpreter's.  Returns 0,
 * or -1 after printing the mismatches (at most a few per technique) to
 * stderr.  Fills r->accepted.
 */
int bench_check(const struct trace *t, const struct bench_filter *f,
		struct tech *te, struct bench_result *r);

/*
 * bench_time - 'reps' interleaved repetitions (every available technique
 * once per repetition, in table order) in mode 'm'; in hot mode each
 * window runs 'replays' times in a row, and the techniques take turns of
 * 'turn' windows (0: a whole pass each).  Fills r->t[*][m].  Returns 0, or
 * -1 if a technique's accept count changed between passes.
 */
int bench_time(const struct trace *t, const struct bench_filter *f,
	       struct tech *te, enum bench_mode m, int reps, int replays,
	       size_t turn, struct bench_result *r);

/* bench_free - release the times in 'r'. */
void bench_result_free(struct bench_result *r);

/* bench_median - median of 'n' values (sorted in place). */
double bench_median(double *v, int n);

/* bench_now_ns - CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* ---- report.c: table, CSV, charts ------------------------------------- */

/* Everything measured for one filter, as the reports read it. */
struct bench_row {
	const struct bench_filter *f;
	struct tech te[TECH_N];
	struct bench_result r;
};

/* Which techniques and modes the run asked for. */
struct bench_sel {
	int tech[TECH_N];
	int mode[MODE_N];
	int reps;
	int replays;		/* hot: runs of each window */
	size_t turn;		/* hot: windows per turn (0: whole passes) */
	const char *trace_name;
	size_t packets;
};

const char *bench_mode_name(enum bench_mode m);

/* report_table - the comparison table and the load-time table to 'out'. */
void report_table(FILE *out, const struct bench_row *rows, size_t n,
		  const struct bench_sel *sel);

/* report_unavailable - which techniques could not run, and why. */
void report_unavailable(FILE *out, const struct bench_row *rows, size_t n,
			const struct bench_sel *sel);

/* report_csv - the CSV rows to 'path'.  0 or -1 (message printed). */
int report_csv(const char *path, const struct bench_row *rows, size_t n,
	       const struct bench_sel *sel);

/* report_plot - PNG charts with gnuplot into 'dir'.  0 or -1. */
int report_plot(const char *dir, const struct bench_row *rows, size_t n,
		const struct bench_sel *sel);

#endif
