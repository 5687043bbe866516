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

/* A trace in memory: every packet's bytes in one buffer, in trace order. */
struct trace {
	uint8_t *data;		/* contiguous packet bytes */
	size_t bytes;		/* used bytes of 'data' */
	struct trace_pkt *pkt;
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
	TECH_RUST,
	TECH_C,
	TECH_PCC,
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
int tech_setup(enum tech_id id, const struct bench_filter *f, struct tech *te,
	       int load_runs, char *err, size_t errlen);

/* tech_release - undo tech_setup. */
void tech_release(struct tech *te);

/* tech_compile - libpcap's program for 'expr' (DLT_EN10MB, snaplen
 * 262144, optimised, netmask unknown).  0 or -1 with 'err'. */
int tech_compile(const char *expr, struct bpf_program *prog, char *err,
		 size_t errlen);

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
 * window runs 'replays' times in a row.  Fills r->t[*][m].  Returns 0,
 * or -1 if a technique's accept count changed between passes.
 */
int bench_time(const struct trace *t, const struct bench_filter *f,
	       struct tech *te, enum bench_mode m, int reps, int replays,
	       struct bench_result *r);

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
