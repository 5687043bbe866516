/*
 * bpf2x86.c - the untrusted classic BPF -> x86-64 compiler core.
 *
 * A flat pipeline of passes over a private copy of the program:
 *
 *   validate  static checks, as bpf_validate plus opcode and range checks
 *   fold      loads that can never succeed -> 'ret #0'; jump threading;
 *             constant propagation of A and X (folds ALU ops, decides
 *             conditional jumps, turns X operands into K)
 *   analyse   reachability; must-be-written sets of A, X and M[] (what
 *             the entry must zero); per instruction the caplen every
 *             path from it needs anyway (ANT) and the largest any
 *             reachable load needs (MAXREQ)
 *   emit      one linear pass in BPF order, repeated until the rel8 /
 *             rel32 choice of every branch is stable; where an
 *             instruction roots a qualifying region, that region is
 *             emitted branch-free (cmov / or on reach registers, see
 *             "Branch-free regions"), else instruction by instruction
 *
 * SFI mode (bpf2x86_opts.sfi_mode) emits the same code with every
 * packet address masked into the caller's 2^SFI_SEG_BITS segment
 * (pkt_load) and the scratch base masked to its 64-byte block.
 *
 * Semantics: those of libpcap 1.10.3's bpf_filter, measured on the
 * installed library where the C is undefined.  In particular:
 *  - a packet load that does not fit in caplen returns 0 from the whole
 *    filter; so does division or modulo by X == 0;
 *  - 'ldb [SKF_AD_OFF + SKF_AD_VLAN_TAG(_PRESENT)]' returns 0 (no aux
 *    data in user space); other ancillary offsets are ordinary loads
 *    that fail;
 *  - lsh/rsh by X >= 32 give 0; lsh/rsh by a constant K use K mod 32
 *    (1.10.3's 'A <<= pc->k' compiles to an x86 shift, which masks);
 *  - A, X and M[] start at 0 (1.10.3 leaves M[] uninitialised; its
 *    optimiser never reads a word before writing it).  The code zeroes
 *    at entry exactly the registers and words some path reads before
 *    writing, so every read is of a defined value, as the policy asks.
 *
 * Bounds checks.  A constant-offset load of n bytes at k needs
 * caplen >= k + n.  ANT(i) is the largest K such that every path from
 * instruction i either performs, before returning, a load needing
 * caplen >= K, or ends in 'ret #0' (which returns what a failed load
 * returns); if caplen < ANT(i) every path from i returns 0 anyway, so
 * 'cmp rsi, K; jb ret0' at i is exact for any K <= ANT(i).  A load whose
 * need is not yet known to hold on the x86 path emits that check with
 * K = min(ANT(i), MAXREQ(i)), which then covers the following loads.  The known bound is tracked along
 * edges; at a join it is the minimum over the incoming edges, and it is
 * exported as an annotation (caplen >= K) because the VC generator
 * forgets path facts at joins.  X+k loads check 'lea r10, [r8+k+n];
 * cmp rsi, r10; jb ret0' right before the access.
 *
 * Register map: A = eax, X = r8d, rdi = packet, rsi = caplen,
 * rdx = wirelen (moved to r11 when the program divides and reads len),
 * rcx = M[]; r9 and r10 are temporaries.  Never written: rsp rbx rbp
 * r12-r15.
 *
 * Untrusted: a bug here can only make the consumer reject the object.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bpf2x86.h"
#include "emit.h"

enum {
	R_A = X86_RAX,		/* BPF accumulator */
	R_X = X86_R8,		/* BPF index register */
	R_PKT = X86_RDI,	/* packet base */
	R_CAP = X86_RSI,	/* caplen */
	R_MEM = X86_RCX,	/* M[0..15], 4 bytes each */
	R_T0 = X86_R9,		/* temp: saved M[] pointer, zero for cmov */
	R_T1 = X86_R10,		/* temp: bounds and addresses */
	R_WL2 = X86_R11,	/* wirelen when div needs rdx */
};

#define RET0 UINT32_MAX		/* jump target: the shared 'return 0' */
#define NOBOUND UINT64_MAX	/* known_in of an instruction with no edge */
#define MAX_PASSES 16

/* Linux ancillary offsets that bpf_filter 1.10.3 treats specially. */
#define SKF_AD_OFF_ 0xfffff000u
#define SKF_AD_VLAN_TAG_ 44u
#define SKF_AD_VLAN_TAG_PRESENT_ 48u

/* Must-write bits: A, X, then M[0..15]. */
#define D_A 1u
#define D_X 2u
#define D_M(k) (4u << (k))

/* One instruction with absolute jump targets ('jt' for ja). */
struct ins {
	uint16_t code;
	uint32_t k;
	uint32_t jt, jf;
};

/* A branch whose displacement is patched at the end of a pass. */
struct jfix {
	uint32_t end;		/* offset just past the branch */
	uint32_t target;	/* BPF index or RET0 */
	uint8_t short_;
};

struct ctx {
	struct ins *p;
	uint32_t n;
	struct bpf2x86_opts opt;
	struct bpf2x86_stats st;
	uint8_t *reach;
	uint32_t *defin;	/* must-written bits at entry */
	uint64_t *ant, *maxreq;
	uint32_t init;		/* bits the entry must zero */
	int wl;			/* register holding wirelen */
	/* per emission pass */
	struct buf *code;
	size_t base;		/* code->n when bpf2x86 started */
	uint32_t *off;		/* offset of each emitted instruction */
	uint32_t *xpred;	/* x86 edges into each instruction */
	uint64_t *known_in;	/* min caplen bound over those edges */
	uint64_t known;		/* caplen bound on the current path */
	struct jfix *jf;
	uint32_t njf, capjf;
	uint8_t *shortj;	/* rel8 decisions, by branch number */
	uint32_t nshort;
	int ret0_used;
	uint32_t ret0_off;	/* offset of the shared 'return 0' */
	struct bpf2x86_annot *an;
	uint32_t nan, capan;
	/* branch-free regions */
	uint32_t *rmark, *rpos;	/* DFS stamp, position in the region */
	uint32_t stamp;
	int8_t *rslot;		/* register holding an instruction's reach */
	uint8_t *rgno;		/* 1: no branch-free region starts here */
	uint32_t guard_next;	/* where the last guard test continues */
	int sfibase;		/* SFI: register with the segment base */
};

/* fail - format the message into 'err' and return -1. */
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* xcalloc - zeroed memory for 'n' items of 'size', or abort. */
static void *xcalloc(size_t n, size_t size)
{
	void *q = calloc(n ? n : 1, size);

	if (!q) {
		fprintf(stderr, "pccf: out of memory\n");
		abort();
	}
	return q;
}

/* ---------------------------------------------------------------- */
/* Validation                                                        */

/* valid_code - true for the opcodes bpf_filter interprets. */
static int valid_code(uint16_t code)
{
	switch (code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LDX | BPF_MSH | BPF_B:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
		return 1;
	}
	if (BPF_CLASS(code) != BPF_ALU || (code & ~0xffu) != 0)
		return 0;
	switch (BPF_OP(code)) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_MOD:
	case BPF_AND: case BPF_OR: case BPF_XOR: case BPF_LSH: case BPF_RSH:
		return 1;
	}
	return 0;
}

int bpf2x86_validate(const struct bpf_insn *prog, uint32_t n, char *err,
		     size_t errlen)
{
	uint32_t i;

	if (n == 0)
		return fail(err, errlen, "empty BPF program");
	if (n > BPF2X86_MAXINSNS)
		return fail(err, errlen, "BPF program too long: %u instructions "
			    "(at most %u)", n, BPF2X86_MAXINSNS);
	for (i = 0; i < n; i++) {
		const struct bpf_insn *q = &prog[i];
		uint32_t left = n - i - 1;	/* instructions after i */

		if (!valid_code(q->code))
			return fail(err, errlen, "BPF insn %u: invalid opcode "
				    "0x%02x", i, q->code);
		switch (q->code) {
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (q->k >= BPF_MEMWORDS)
				return fail(err, errlen, "BPF insn %u: scratch "
					    "index %u out of range 0-15", i,
					    q->k);
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_MOD | BPF_K:
			if (q->k == 0)
				return fail(err, errlen, "BPF insn %u: division "
					    "by constant 0", i);
			break;
		case BPF_JMP | BPF_JA:
			if ((int32_t)q->k < 0)
				return fail(err, errlen, "BPF insn %u: backward "
					    "jump (ja %d; a loop, as 'protochain'"
					    " makes): the safety policy needs an "
					    "acyclic program", i, (int32_t)q->k);
			if (q->k >= left)
				return fail(err, errlen, "BPF insn %u: jump "
					    "target %u out of range", i,
					    q->k);
			break;
		default:
			if (BPF_CLASS(q->code) == BPF_JMP &&
			    (q->jt >= left || q->jf >= left))
				return fail(err, errlen, "BPF insn %u: jump "
					    "target out of range (jt %u jf %u)",
					    i, q->jt, q->jf);
		}
	}
	if (BPF_CLASS(prog[n - 1].code) != BPF_RET)
		return fail(err, errlen, "BPF program does not end with a "
			    "return (insn %u)", n - 1);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Folding                                                           */

/* ldsize - bytes read by packet load 'code', or 0 for other opcodes. */
static uint32_t ldsize(uint16_t code)
{
	uint16_t cl = BPF_CLASS(code), md = BPF_MODE(code);

	if (code == (BPF_LDX | BPF_MSH | BPF_B))
		return 1;
	if (cl != BPF_LD || (md != BPF_ABS && md != BPF_IND))
		return 0;
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

/* set_ret - make 'q' 'ret #k'. */
static void set_ret(struct ins *q, uint32_t k)
{
	q->code = BPF_RET | BPF_K;
	q->k = k;
}

/* set_ja - make instruction 'i' (in 'q') 'ja' to the absolute 't'. */
static void set_ja(struct ins *q, uint32_t t)
{
	q->code = BPF_JMP | BPF_JA;
	q->jt = q->jf = t;
	q->k = 0;
}

/* set_ldi - make 'q' 'ld #k' (A = k). */
static void set_ldi(struct ins *q, uint32_t k)
{
	q->code = BPF_LD | BPF_IMM;
	q->k = k;
}

/*
 * fold_loads - loads that can never succeed become 'ret #0': the VLAN
 * ancillary loads (bpf_filter has no aux data), and any packet load
 * with k + n > 2^32 - 1 (caplen < 2^32 by the ABI; X >= 0).
 */
static void fold_loads(struct ctx *c)
{
	uint32_t i;

	for (i = 0; i < c->n; i++) {
		struct ins *q = &c->p[i];
		uint32_t sz = ldsize(q->code);

		if (q->code == (BPF_LD | BPF_B | BPF_ABS) &&
		    (q->k == SKF_AD_OFF_ + SKF_AD_VLAN_TAG_ ||
		     q->k == SKF_AD_OFF_ + SKF_AD_VLAN_TAG_PRESENT_)) {
			set_ret(q, 0);
			c->st.folded++;
		} else if (sz && (uint64_t)q->k + sz > UINT32_MAX) {
			set_ret(q, 0);
			c->st.folded++;
		}
	}
}

/* thread - the first non-'ja' instruction reached from 't'. */
static uint32_t thread(const struct ins *p, uint32_t t)
{
	while (p[t].code == (BPF_JMP | BPF_JA))
		t = p[t].jt;
	return t;
}

/*
 * thread_jumps - retarget every jump past the 'ja's it would reach, and
 * make a conditional jump whose two targets meet a 'ja'.  Backwards, so
 * the targets are final when a jump is threaded; afterwards no jump
 * targets a 'ja' (which may emit no code), so every join has code.
 */
static void thread_jumps(struct ctx *c)
{
	uint32_t i;

	for (i = c->n; i-- > 0;) {
		struct ins *q = &c->p[i];

		if (BPF_CLASS(q->code) != BPF_JMP)
			continue;
		if (q->code == (BPF_JMP | BPF_JA)) {
			q->jt = q->jf = thread(c->p, q->jt);
		} else {
			q->jt = thread(c->p, q->jt);
			q->jf = thread(c->p, q->jf);
			if (q->jt == q->jf)
				set_ja(q, q->jt);
		}
	}
}

/* What constant propagation knows at one instruction. */
struct cval {
	uint8_t seen, ka, kx;
	uint32_t a, x;
};

/* merge - meet of the facts 's' into 'd'. */
static void merge(struct cval *d, const struct cval *s)
{
	if (!d->seen) {
		*d = *s;
		return;
	}
	if (d->ka && (!s->ka || s->a != d->a))
		d->ka = 0;
	if (d->kx && (!s->kx || s->x != d->x))
		d->kx = 0;
}

/* alu - A op k with bpf_filter 1.10.3's results (shifts by K mod 32). */
static uint32_t alu(uint16_t op, uint32_t a, uint32_t k)
{
	switch (op) {
	case BPF_ADD: return a + k;
	case BPF_SUB: return a - k;
	case BPF_MUL: return a * k;
	case BPF_DIV: return a / k;
	case BPF_MOD: return a % k;
	case BPF_AND: return a & k;
	case BPF_OR: return a | k;
	case BPF_XOR: return a ^ k;
	case BPF_LSH: return a << (k & 31);
	case BPF_RSH: return a >> (k & 31);
	}
	return 0;	/* BPF_NEG handled by the caller */
}

/* fold_alu - simplify ALU instruction 'i' given facts 's'; update 's'. */
static void fold_alu(struct ctx *c, uint32_t i, struct cval *s)
{
	struct ins *q = &c->p[i];
	uint16_t op = BPF_OP(q->code);
	uint16_t code0 = q->code;
	uint32_t k0 = q->k;

	if (op == BPF_NEG) {
		if (s->ka)
			set_ldi(q, 0u - s->a);
	} else if (BPF_SRC(q->code) == BPF_X && s->kx) {
		if ((op == BPF_DIV || op == BPF_MOD) && s->x == 0)
			set_ret(q, 0);
		else if ((op == BPF_LSH || op == BPF_RSH) && s->x >= 32)
			set_ldi(q, 0);
		else {
			q->code = BPF_ALU | op | BPF_K;
			q->k = s->x;
		}
	}
	if (BPF_CLASS(q->code) == BPF_ALU && BPF_SRC(q->code) == BPF_K &&
	    op != BPF_NEG) {
		uint32_t k = q->k;

		if (s->ka)
			set_ldi(q, alu(op, s->a, k));
		else if ((op == BPF_MUL || op == BPF_AND) && k == 0)
			set_ldi(q, 0);
		else if (op == BPF_MOD && k == 1)
			set_ldi(q, 0);
		else if (((op == BPF_ADD || op == BPF_SUB || op == BPF_OR ||
			   op == BPF_XOR) && k == 0) ||
			 ((op == BPF_LSH || op == BPF_RSH) && (k & 31) == 0) ||
			 ((op == BPF_MUL || op == BPF_DIV) && k == 1) ||
			 (op == BPF_AND && k == UINT32_MAX))
			set_ja(q, i + 1);
	}
	if (q->code != code0 || q->k != k0)
		c->st.folded++;
	if (q->code == (BPF_LD | BPF_IMM)) {
		s->ka = 1;
		s->a = q->k;
	} else if (BPF_CLASS(q->code) == BPF_ALU) {
		s->ka = 0;
	}
}

/* decide - the outcome of conditional jump 'q' on A = 'a': 1 taken. */
static int decide(const struct ins *q, uint32_t a)
{
	switch (BPF_OP(q->code)) {
	case BPF_JEQ: return a == q->k;
	case BPF_JGT: return a > q->k;
	case BPF_JGE: return a >= q->k;
	default: return (a & q->k) != 0;	/* BPF_JSET */
	}
}

/* fold_jump - decide conditional jump 'i' where the facts allow. */
static void fold_jump(struct ctx *c, uint32_t i, const struct cval *s)
{
	struct ins *q = &c->p[i];
	uint16_t op = BPF_OP(q->code);

	if (q->code == (BPF_JMP | BPF_JA))
		return;
	if (BPF_SRC(q->code) == BPF_X && s->kx) {
		q->code = BPF_JMP | op | BPF_K;
		q->k = s->x;
		c->st.folded++;
	}
	if (q->jt == q->jf) {
		set_ja(q, q->jt);
	} else if (BPF_SRC(q->code) == BPF_K && s->ka) {
		set_ja(q, decide(q, s->a) ? q->jt : q->jf);
	} else if (BPF_SRC(q->code) == BPF_K &&
		   ((op == BPF_JGT && q->k == UINT32_MAX) ||
		    (op == BPF_JSET && q->k == 0))) {
		set_ja(q, q->jf);
	} else if (BPF_SRC(q->code) == BPF_K && op == BPF_JGE && q->k == 0) {
		set_ja(q, q->jt);
	} else {
		return;
	}
	c->st.folded++;
}

/* transfer - facts after instruction 'i' (already folded) from 's'. */
static void transfer(const struct ins *q, struct cval *s)
{
	switch (q->code) {
	case BPF_LD | BPF_IMM:
		s->ka = 1, s->a = q->k;
		break;
	case BPF_LDX | BPF_IMM:
		s->kx = 1, s->x = q->k;
		break;
	case BPF_MISC | BPF_TAX:
		s->kx = s->ka, s->x = s->a;
		break;
	case BPF_MISC | BPF_TXA:
		s->ka = s->kx, s->a = s->x;
		break;
	default:
		if (BPF_CLASS(q->code) == BPF_LD || BPF_CLASS(q->code) == BPF_ALU)
			s->ka = 0;
		else if (BPF_CLASS(q->code) == BPF_LDX)
			s->kx = 0;
	}
}

/* constprop - propagate constant A and X forward, folding on the way. */
static void constprop(struct ctx *c)
{
	struct cval *in = xcalloc(c->n, sizeof(*in));
	uint32_t i;

	in[0].seen = in[0].ka = in[0].kx = 1;	/* A = X = 0 at entry */
	for (i = 0; i < c->n; i++) {
		struct ins *q = &c->p[i];
		struct cval s = in[i];

		if (!s.seen)
			continue;
		if (BPF_CLASS(q->code) == BPF_ALU)
			fold_alu(c, i, &s);
		else if (BPF_CLASS(q->code) == BPF_JMP)
			fold_jump(c, i, &s);
		else if (q->code == (BPF_RET | BPF_A) && s.ka)
			set_ret(q, s.a), c->st.folded++;
		transfer(q, &s);
		if (BPF_CLASS(q->code) == BPF_RET)
			continue;
		if (BPF_CLASS(q->code) != BPF_JMP) {
			merge(&in[i + 1], &s);
		} else {
			merge(&in[q->jt], &s);
			merge(&in[q->jf], &s);
		}
	}
	free(in);
}

/* ---------------------------------------------------------------- */
/* Analyses                                                          */

/* succs - the successors of 'q' at index 'i'; returns how many. */
static int succs(const struct ins *q, uint32_t i, uint32_t out[2])
{
	if (BPF_CLASS(q->code) == BPF_RET)
		return 0;
	if (BPF_CLASS(q->code) != BPF_JMP) {
		out[0] = i + 1;
		return 1;
	}
	out[0] = q->jt;
	out[1] = q->jf;
	return q->jt == q->jf ? 1 : 2;
}

/* reads - the must-write bits instruction 'q' reads. */
static uint32_t reads(const struct ins *q)
{
	switch (q->code) {
	case BPF_RET | BPF_A:
	case BPF_ST:
	case BPF_MISC | BPF_TAX:
	case BPF_ALU | BPF_NEG:
		return D_A;
	case BPF_STX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
		return D_X;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		return D_M(q->k);
	}
	if (BPF_CLASS(q->code) == BPF_ALU ||
	    (BPF_CLASS(q->code) == BPF_JMP && q->code != (BPF_JMP | BPF_JA)))
		return D_A | (BPF_SRC(q->code) == BPF_X ? D_X : 0);
	return 0;
}

/* writes - the must-write bits instruction 'q' writes. */
static uint32_t writes(const struct ins *q)
{
	switch (BPF_CLASS(q->code)) {
	case BPF_LD:
	case BPF_ALU:
		return D_A;
	case BPF_LDX:
		return D_X;
	case BPF_ST:
	case BPF_STX:
		return D_M(q->k);
	case BPF_MISC:
		return q->code == (BPF_MISC | BPF_TAX) ? D_X : D_A;
	}
	return 0;
}

/* req - caplen a constant-offset load at 'q' needs, else 0. */
static uint64_t req(const struct ins *q)
{
	if (BPF_CLASS(q->code) == BPF_LD && BPF_MODE(q->code) != BPF_ABS)
		return 0;
	return ldsize(q->code) ? (uint64_t)q->k + ldsize(q->code) : 0;
}

/* analyse - reachability, must-write sets and ANT / MAXREQ. */
static void analyse(struct ctx *c)
{
	uint32_t i, s[2];
	int j, ns;

	c->reach[0] = 1;
	for (i = 0; i < c->n; i++)
		c->defin[i] = UINT32_MAX;
	c->defin[0] = 0;
	for (i = 0; i < c->n; i++) {
		const struct ins *q = &c->p[i];
		uint32_t d;

		if (!c->reach[i])
			continue;
		c->st.live_insns++;
		d = c->defin[i];
		c->init |= reads(q) & ~d;
		d |= writes(q);
		ns = succs(q, i, s);
		for (j = 0; j < ns; j++) {
			c->reach[s[j]] = 1;
			c->defin[s[j]] &= d;
		}
	}
	for (i = c->n; i-- > 0;) {
		const struct ins *q = &c->p[i];
		uint64_t a = UINT64_MAX, m = 0, r = req(q);

		if (!c->reach[i])
			continue;
		ns = succs(q, i, s);
		for (j = 0; j < ns; j++) {
			a = c->ant[s[j]] < a ? c->ant[s[j]] : a;
			m = c->maxreq[s[j]] > m ? c->maxreq[s[j]] : m;
		}
		if (ns == 0)	/* 'ret #0' returns what a failed load does */
			a = q->code == (BPF_RET | BPF_K) && q->k == 0 ? UINT64_MAX
								     : 0;
		c->ant[i] = r > a ? r : a;
		c->maxreq[i] = r > m ? r : m;
	}
}

/* needs_r11 - true when wirelen must leave rdx: 'div' and 'len' both. */
static int needs_r11(const struct ctx *c)
{
	int div = 0, len = 0;
	uint32_t i;

	for (i = 0; i < c->n; i++) {
		const struct ins *q = &c->p[i];
		uint16_t op = BPF_OP(q->code);

		if (!c->reach[i])
			continue;
		if (BPF_CLASS(q->code) == BPF_ALU &&
		    (op == BPF_DIV || op == BPF_MOD) &&
		    (BPF_SRC(q->code) == BPF_X || (q->k & (q->k - 1))))
			div = 1;
		if (q->code == (BPF_LD | BPF_W | BPF_LEN) ||
		    q->code == (BPF_LDX | BPF_W | BPF_LEN))
			len = 1;
	}
	return div && len;
}

/* ---------------------------------------------------------------- */
/* Emission                                                          */

/* pos - the current code offset, relative to the start of our code. */
static uint32_t pos(const struct ctx *c)
{
	return (uint32_t)(c->code->n - c->base);
}

/* edge - record an x86 edge from the current point into 't'. */
static void edge(struct ctx *c, uint32_t t)
{
	c->xpred[t]++;
	if (c->known < c->known_in[t])
		c->known_in[t] = c->known;
}

/* branch - emit jcc 'cc' (or jmp when cc < 0) to 't', to be patched. */
static void branch(struct ctx *c, int cc, uint32_t t)
{
	int sh = c->njf < c->nshort && c->shortj[c->njf];
	size_t end = cc < 0 ? emit_jmp(c->code, sh)
			    : emit_jcc(c->code, (enum x86_cc)cc, sh);

	if (c->njf == c->capjf) {
		c->capjf = c->capjf ? 2 * c->capjf : 64;
		c->jf = realloc(c->jf, c->capjf * sizeof(*c->jf));
		if (!c->jf)
			abort();
	}
	c->jf[c->njf].end = (uint32_t)(end - c->base);
	c->jf[c->njf].target = t;
	c->jf[c->njf].short_ = (uint8_t)sh;
	c->njf++;
	if (t == RET0)
		c->ret0_used = 1;
	else
		edge(c, t);
}

/* land - where a jump to 't' should go: 'ret #0' goes to the shared block. */
static uint32_t land(const struct ctx *c, uint32_t t)
{
	const struct ins *q = &c->p[t];

	return q->code == (BPF_RET | BPF_K) && q->k == 0 ? RET0 : t;
}

/* falls - true when 't' would be the next instruction emitted after 'i'. */
static int falls(const struct ctx *c, uint32_t i, uint32_t t)
{
	uint32_t j;

	if (t == RET0 || t <= i)
		return 0;
	for (j = i + 1; j < t; j++)
		if (c->xpred[j])
			return 0;
	return 1;
}

/* emit_retk - mov eax, k (xor for 0); ret. */
static void emit_retk(struct ctx *c, uint32_t k)
{
	if (k == 0)
		emit_zero32(c->code, R_A);	/* xor eax, eax */
	else
		emit_mov32_ri(c->code, R_A, k);	/* mov eax, k */
	emit_ret(c->code);			/* ret */
}

/* go - an unconditional transfer from 'i' to 't' (or RET0). */
static void go(struct ctx *c, uint32_t i, uint32_t t)
{
	if (falls(c, i, t)) {
		edge(c, t);
	} else if (t == RET0) {
		emit_retk(c, 0);
	} else if (c->p[t].code == (BPF_RET | BPF_K)) {
		emit_retk(c, c->p[t].k);	/* tail-duplicate the return */
	} else if (c->p[t].code == (BPF_RET | BPF_A)) {
		emit_ret(c->code);		/* ret: A is in eax */
	} else {
		branch(c, -1, t);		/* jmp t */
	}
}

/* Checks are hoisted (coalesced) for at most RG_FAR bytes, Ethernet +
 * IPv4 + TCP headers: short packets are common, so an early check for
 * more would be a data-dependent branch taken by packets the filter
 * rejects anyway.  In a branch-free region a must-pass load needing
 * more gets a gate (see RG_GATE) and its own check where it is. */
#define RG_FAR 54

/*
 * check_abs - make sure caplen >= 'need' on this path before load 'i':
 * cmp rsi, K; jb ret0 with K = ANT(i) (or 'need' in checked mode).
 */
static void check_abs(struct ctx *c, uint32_t i, uint64_t need)
{
	uint64_t k = c->ant[i] < c->maxreq[i] ? c->ant[i] : c->maxreq[i];

	if (c->opt.checked_mode)
		k = need;
	if (k > RG_FAR)		/* hoist no further (see RG_FAR) */
		k = need > RG_FAR ? need : RG_FAR;

	if (!c->opt.checked_mode && c->known >= need)
		return;
	if (k <= INT32_MAX) {
		emit_cmp64_ri(c->code, R_CAP, (int32_t)k); /* cmp rsi, k */
	} else {
		emit_mov32_ri(c->code, R_T1, (uint32_t)k); /* mov r10d, k */
		emit_alu64_rr(c->code, EMIT_CMP, R_CAP, R_T1); /* cmp rsi, r10 */
	}
	branch(c, X86_CC_B, RET0);			/* jb ret0 */
	c->st.checks++;
	if (k > c->known)
		c->known = k;
}

/* byteorder - make the 'size'-byte load in 'reg' host order (ntohs/l). */
static void byteorder(struct ctx *c, int size, int reg)
{
	if (size == 2)
		emit_rol16_8(c->code, reg);	/* rol r16, 8 */
	else if (size == 4)
		emit_bswap32(c->code, reg);	/* bswap r32 */
}

/*
 * pkt_load - reg32 = the 'size' bytes at [rdi + index + disp] as stored
 * (network order), zero-extended; 'index' X86_NOREG for none.  In SFI
 * mode the address goes through r10 and is forced into the segment:
 * r10 = ((rdi + index + disp) & (2^SFI_SEG_BITS - 1)) | base.
 */
static void pkt_load(struct ctx *c, int size, int reg, int index, int32_t disp)
{
	struct buf *b = c->code;

	if (!c->opt.sfi_mode) {
		/* movzx reg, byte/word [rdi + index + disp] / mov reg, [...] */
		emit_load(b, size, reg, R_PKT, index, disp);
		return;
	}
	emit_lea64_idx(b, R_T1, R_PKT, index, disp); /* lea r10, [rdi+index+disp] */
	emit_alu32_ri(b, EMIT_AND, R_T1, (1u << SFI_SEG_BITS) - 1); /* and r10d, mask */
	if (c->sfibase == R_T0) {	/* r11 holds wirelen: rebuild the base */
		emit_mov64_rr(b, R_T0, R_PKT);	/* mov r9, rdi */
		emit_alu64_ri(b, EMIT_AND, R_T0,
			      -(int32_t)(1u << SFI_SEG_BITS)); /* and r9, ~mask */
	}
	emit_alu64_rr(b, EMIT_OR, R_T1, c->sfibase);	/* or r10, base */
	emit_load(b, size, reg, R_T1, X86_NOREG, 0);	/* movzx reg, [r10] */
}

/* load_abs - reg32 = the 'size' bytes at packet offset 'k', in host
 * order unless 'raw' (then as stored, for a caller that compares
 * against byte-swapped constants). */
static void load_abs(struct ctx *c, int size, int reg, uint32_t k, int raw)
{
	if (k <= INT32_MAX) {
		pkt_load(c, size, reg, X86_NOREG, (int32_t)k);	/* [rdi + k] */
	} else {
		emit_mov32_ri(c->code, R_T1, k);	/* mov r10d, k */
		pkt_load(c, size, reg, R_T1, 0);	/* [rdi + r10] */
	}
	if (!raw)
		byteorder(c, size, reg);
}

/* check_ind - return 0 unless caplen >= X + 'end' ('end' = k + size
 * <= INT32_MAX): lea r10, [r8 + end]; cmp rsi, r10; jb ret0. */
static void check_ind(struct ctx *c, uint64_t end)
{
	struct buf *b = c->code;

	c->st.ind_checks++;
	emit_lea64(b, R_T1, R_X, (int32_t)end);		/* lea r10, [r8+k+n] */
	emit_alu64_rr(b, EMIT_CMP, R_CAP, R_T1);	/* cmp rsi, r10 */
	branch(c, X86_CC_B, RET0);			/* jb ret0 */
}

/*
 * load_ind - eax = the 'size' bytes at packet offset X + k (host order
 * unless 'raw'), or return 0 when they are not all inside caplen.
 * fold_loads made k + size <= 2^32 - 1.
 */
static void load_ind(struct ctx *c, int size, uint32_t k, int raw)
{
	uint64_t end = (uint64_t)k + size;
	struct buf *b = c->code;

	if (end > INT32_MAX) {
		c->st.ind_checks++;
		emit_mov32_ri(b, R_T1, (uint32_t)end);	/* mov r10d, k+n */
		emit_alu64_rr(b, EMIT_ADD, R_T1, R_X);	/* add r10, r8 */
		emit_alu64_rr(b, EMIT_CMP, R_CAP, R_T1); /* cmp rsi, r10 */
		branch(c, X86_CC_B, RET0);		/* jb ret0 */
		emit_mov32_ri(b, R_T1, k);		/* mov r10d, k */
		emit_alu64_rr(b, EMIT_ADD, R_T1, R_X);	/* add r10, r8 */
		pkt_load(c, size, R_A, R_T1, 0);	/* [rdi + r10] */
	} else if (c->opt.spec_mask) {
		c->st.ind_checks++;
		emit_lea64(b, R_T0, R_X, (int32_t)end);	/* lea r9, [r8+k+n] */
		emit_alu64_rr(b, EMIT_CMP, R_CAP, R_T0); /* cmp rsi, r9 */
		branch(c, X86_CC_B, RET0);		/* jb ret0 */
		/* Mask the index X itself: a mispredicted check loads from
		 * [rdi + k].  The proof needs no path fact: (X & m) + k + n
		 * <= X + k + n (rule and_addk), which the check bounds. */
		emit_mov64_rr(b, R_T1, R_X);		/* mov r10, r8 */
		emit_mov32_ri(b, R_T0, 0);		/* mov r9d, 0 */
		emit_cmov64_rr(b, X86_CC_B, R_T1, R_T0); /* cmovb r10, r9 */
		pkt_load(c, size, R_A, R_T1, (int32_t)k); /* [rdi + r10 + k] */
	} else {
		check_ind(c, end);
		/* movzx eax, byte/word [rdi + r8 + k] / mov eax, [...] */
		pkt_load(c, size, R_A, R_X, (int32_t)k);
	}
	if (!raw)
		byteorder(c, size, R_A);
}

/* ilog2 - log2 of 'k' when it is a power of two, else -1. */
static int ilog2(uint32_t k)
{
	int s = 0;

	if (k == 0 || (k & (k - 1)))
		return -1;
	while (k >>= 1)
		s++;
	return s;
}

/* emit_divmod - A = A / d or A % d ('mod'), d in r32 'dreg' (nonzero). */
static void emit_divmod(struct ctx *c, int dreg, int mod)
{
	emit_zero32(c->code, X86_RDX);		/* xor edx, edx */
	emit_div32(c->code, dreg);		/* div dreg */
	if (mod)
		emit_mov32_rr(c->code, R_A, X86_RDX); /* mov eax, edx */
}

/* emit_shift_x - A <<= X or A >>= X, 0 when X >= 32 (bpf_filter 1.10.3). */
static void emit_shift_x(struct ctx *c, enum emit_shift op)
{
	struct buf *b = c->code;

	emit_mov64_rr(b, R_T0, R_MEM);		/* mov r9, rcx */
	emit_mov32_rr(b, X86_RCX, R_X);		/* mov ecx, r8d */
	emit_shift32_cl(b, op, R_A);		/* shl/shr eax, cl */
	emit_mov64_rr(b, R_MEM, R_T0);		/* mov rcx, r9 */
	emit_zero32(b, R_T0);			/* xor r9d, r9d */
	emit_alu32_ri(b, EMIT_CMP, R_X, 32);	/* cmp r8d, 32 */
	emit_cmov32_rr(b, X86_CC_AE, R_A, R_T0); /* cmovae eax, r9d */
}

/* emit_alu_k - A = A op k (folding left no identities or constant A). */
static void emit_alu_k(struct ctx *c, uint16_t op, uint32_t k)
{
	struct buf *b = c->code;
	int s = ilog2(k);

	switch (op) {
	case BPF_ADD: emit_alu32_ri(b, EMIT_ADD, R_A, k); break; /* add eax, k */
	case BPF_SUB: emit_alu32_ri(b, EMIT_SUB, R_A, k); break; /* sub eax, k */
	case BPF_AND: emit_alu32_ri(b, EMIT_AND, R_A, k); break; /* and eax, k */
	case BPF_OR: emit_alu32_ri(b, EMIT_OR, R_A, k); break;	 /* or eax, k */
	case BPF_XOR: emit_alu32_ri(b, EMIT_XOR, R_A, k); break; /* xor eax, k */
	case BPF_MUL:
		if (s > 0)
			emit_shift32_ri(b, EMIT_SHL, R_A, (uint8_t)s); /* shl eax, s */
		else
			emit_imul32_rri(b, R_A, R_A, k); /* imul eax, eax, k */
		break;
	case BPF_DIV:
	case BPF_MOD:
		if (s >= 0 && op == BPF_DIV) {
			emit_shift32_ri(b, EMIT_SHR, R_A, (uint8_t)s); /* shr eax, s */
		} else if (s >= 0) {
			emit_alu32_ri(b, EMIT_AND, R_A, k - 1); /* and eax, k-1 */
		} else {
			emit_mov32_ri(b, R_T1, k);	/* mov r10d, k */
			emit_divmod(c, R_T1, op == BPF_MOD);
		}
		break;
	case BPF_LSH:
		emit_shift32_ri(b, EMIT_SHL, R_A, k & 31);	/* shl eax, k */
		break;
	case BPF_RSH:
		emit_shift32_ri(b, EMIT_SHR, R_A, k & 31);	/* shr eax, k */
		break;
	}
}

/* emit_alu_x - A = A op X. */
static void emit_alu_x(struct ctx *c, uint16_t op)
{
	struct buf *b = c->code;

	switch (op) {
	case BPF_ADD: emit_alu32_rr(b, EMIT_ADD, R_A, R_X); break; /* add eax, r8d */
	case BPF_SUB: emit_alu32_rr(b, EMIT_SUB, R_A, R_X); break; /* sub eax, r8d */
	case BPF_AND: emit_alu32_rr(b, EMIT_AND, R_A, R_X); break; /* and eax, r8d */
	case BPF_OR: emit_alu32_rr(b, EMIT_OR, R_A, R_X); break;   /* or eax, r8d */
	case BPF_XOR: emit_alu32_rr(b, EMIT_XOR, R_A, R_X); break; /* xor eax, r8d */
	case BPF_MUL: emit_imul32_rr(b, R_A, R_X); break;	   /* imul eax, r8d */
	case BPF_DIV:
	case BPF_MOD:
		emit_test32_rr(b, R_X, R_X);		/* test r8d, r8d */
		branch(c, X86_CC_E, RET0);		/* je ret0 */
		emit_divmod(c, R_X, op == BPF_MOD);
		break;
	case BPF_LSH: emit_shift_x(c, EMIT_SHL); break;
	case BPF_RSH: emit_shift_x(c, EMIT_SHR); break;
	}
}

/* emit_cond - conditional jump 'i': compare, then branch / fall through. */
static void emit_cond(struct ctx *c, uint32_t i)
{
	const struct ins *q = &c->p[i];
	uint32_t t = land(c, q->jt), f = land(c, q->jf);
	uint16_t op = BPF_OP(q->code);
	int x = BPF_SRC(q->code) == BPF_X;
	int cc;

	if (t == f) {
		go(c, i, t);
		return;
	}
	if (op == BPF_JSET) {
		if (x)
			emit_test32_rr(c->code, R_A, R_X); /* test eax, r8d */
		else
			emit_test32_ri(c->code, R_A, q->k); /* test eax, k */
		cc = X86_CC_NE;
	} else {
		if (x)
			emit_alu32_rr(c->code, EMIT_CMP, R_A, R_X); /* cmp eax, r8d */
		else if (q->k == 0)
			emit_test32_rr(c->code, R_A, R_A); /* test eax, eax */
		else
			emit_alu32_ri(c->code, EMIT_CMP, R_A, q->k); /* cmp eax, k */
		cc = op == BPF_JEQ ? X86_CC_E : op == BPF_JGT ? X86_CC_A
							      : X86_CC_AE;
	}
	if (falls(c, i, f) && (t == RET0 || f < t)) {
		branch(c, cc, t);		/* jcc jt; fall into jf */
		edge(c, f);
	} else if (falls(c, i, t)) {
		branch(c, cc ^ 1, f);		/* j!cc jf; fall into jt */
		edge(c, t);
	} else {
		branch(c, cc, t);		/* jcc jt */
		go(c, i, f);			/* jmp jf */
	}
}

/* emit_insn - the code of non-branch instruction 'i'. */
static void emit_insn(struct ctx *c, uint32_t i)
{
	const struct ins *q = &c->p[i];
	struct buf *b = c->code;
	int wl = c->wl;

	switch (q->code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
		check_abs(c, i, req(q));
		load_abs(c, (int)ldsize(q->code), R_A, q->k, 0);
		break;
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
		load_ind(c, (int)ldsize(q->code), q->k, 0);
		break;
	case BPF_LDX | BPF_MSH | BPF_B:
		check_abs(c, i, req(q));
		load_abs(c, 1, R_X, q->k, 0);	/* movzx r8d, byte [rdi + k] */
		emit_alu32_ri(b, EMIT_AND, R_X, 15);	/* and r8d, 15 */
		emit_shift32_ri(b, EMIT_SHL, R_X, 2);	/* shl r8d, 2 */
		break;
	case BPF_LD | BPF_W | BPF_LEN:
		emit_mov32_rr(b, R_A, wl);		/* mov eax, edx/r11d */
		break;
	case BPF_LDX | BPF_W | BPF_LEN:
		emit_mov32_rr(b, R_X, wl);		/* mov r8d, edx/r11d */
		break;
	case BPF_LD | BPF_IMM:
		if (q->k)
			emit_mov32_ri(b, R_A, q->k);	/* mov eax, k */
		else
			emit_zero32(b, R_A);		/* xor eax, eax */
		break;
	case BPF_LDX | BPF_IMM:
		if (q->k)
			emit_mov32_ri(b, R_X, q->k);	/* mov r8d, k */
		else
			emit_zero32(b, R_X);		/* xor r8d, r8d */
		break;
	case BPF_LD | BPF_MEM:
		emit_load(b, 4, R_A, R_MEM, X86_NOREG, 4 * q->k); /* mov eax, [rcx+4k] */
		break;
	case BPF_LDX | BPF_MEM:
		emit_load(b, 4, R_X, R_MEM, X86_NOREG, 4 * q->k); /* mov r8d, [rcx+4k] */
		break;
	case BPF_ST:
		emit_store32(b, R_MEM, 4 * q->k, R_A);	/* mov [rcx+4k], eax */
		break;
	case BPF_STX:
		emit_store32(b, R_MEM, 4 * q->k, R_X);	/* mov [rcx+4k], r8d */
		break;
	case BPF_MISC | BPF_TAX:
		emit_mov32_rr(b, R_X, R_A);		/* mov r8d, eax */
		break;
	case BPF_MISC | BPF_TXA:
		emit_mov32_rr(b, R_A, R_X);		/* mov eax, r8d */
		break;
	case BPF_ALU | BPF_NEG:
		emit_neg32(b, R_A);			/* neg eax */
		break;
	default:
		if (BPF_SRC(q->code) == BPF_X)
			emit_alu_x(c, BPF_OP(q->code));
		else
			emit_alu_k(c, BPF_OP(q->code), q->k);
	}
}

/* ---------------------------------------------------------------- */
/* Branch-free regions                                               */

/*
 * A region is every instruction reachable from a root r.  When all of
 * them are loads, ALU ops and comparisons of A or X with K or X, every
 * return is 'ret #0' or 'ret #S' for one S != 0, and the region's
 * constant-offset loads need at most max(known, ANT(r)), the region is
 * emitted without data-dependent branches:
 *
 *  - one 'cmp rsi, K; jb ret0' at r (exact: K <= ANT(r)), then every
 *    instruction once, in BPF order, on the real eax / r8d;
 *  - each instruction n has a reach register holding S when the path
 *    of the packet goes through n, else 0: r's holds S; a comparison
 *    splits its reach with cmovcc into the two successors' registers
 *    (a successor 'ret #0' just drops it: one cmov); joins OR them;
 *  - the result is the reach of the 'ret #S' block: 'mov eax, R; ret'.
 *
 * That equals the branchy run because every value an instruction reads
 * comes from one definition on every path into it, and that definition
 * is the last write of the register before it in BPF order (checked
 * below), so the straight-line value equals the path value on every
 * path through the instruction.  Loads off the packet's path are in
 * bounds by the one check.  An X+k load keeps its own 'jb ret0' check;
 * that is exact only when every path to 'ret #S' passes through it
 * (then a failing check means a failing load or a path returning 0),
 * which is required.  Loads are left in network order where only
 * and/or/xor and jeq/jset use them, compared against byte-swapped
 * constants.
 */
#define RG_MAXN 48	/* instructions (not returns) in a region */
#ifndef RG_MAXJ
#define RG_MAXJ 16	/* conditional jumps in a region */
#endif
/* An X+k load needing more than X + RG_GATE bytes fails on many short
 * packets; its check would then be a data-dependent branch taken by
 * packets the branchy code never brought there.  Such loads are gated
 * by one branch on their reach first (taken exactly when the branchy
 * code would have left earlier), which keeps the check predictable. */
#define RG_GATE 40
#define DEF_ENTRY (UINT32_MAX - 1)	/* defined before the region */
#define DEF_MANY UINT32_MAX		/* different on different paths */
#define T_DROP (-2)			/* successor: 'ret #0' */
#define T_ACC (-1)			/* successor: 'ret #S' */

struct region {
	uint32_t node[RG_MAXN];	/* non-return instructions, BPF order */
	uint32_t nn, nj;
	uint32_t s;		/* the one nonzero return value */
	uint64_t req;		/* caplen the constant loads need */
	int uses_x, has_ind;
	uint8_t memop[RG_MAXN];	/* load compared in memory (rg_memops) */
	uint8_t far[RG_MAXN];	/* load checked where it is (RG_FAR) */
	/* Reused loads (rg_reuse): a 'group' is 'ld [k]' and the and/or/xor
	 * #k right after it, read only by jeq/jset #k.  A group that
	 * recomputes an earlier one's value takes it from the register the
	 * earlier one was computed in. */
	int cse;		/* reuse groups in this emission */
	uint8_t glen[RG_MAXN];	/* group at p: its ALU ops, or 0 */
	uint8_t keep[RG_MAXN];	/* group at p: a later one recomputes it */
	int8_t same[RG_MAXN];	/* group at p recomputes group same[p], or -1 */
};

/* rg_op_ok - true for the instructions a region may contain. */
static int rg_op_ok(const struct ins *q)
{
	uint16_t op = BPF_OP(q->code);

	switch (q->code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LDX | BPF_MSH | BPF_B:
		return q->k <= INT32_MAX;
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
		return q->k <= INT32_MAX - 4;
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_ALU | BPF_NEG:
	case BPF_JMP | BPF_JA:
		return 1;
	}
	if (BPF_CLASS(q->code) == BPF_JMP)
		return 1;
	if (BPF_CLASS(q->code) != BPF_ALU)
		return 0;
	if (BPF_SRC(q->code) == BPF_X)
		return op == BPF_ADD || op == BPF_SUB || op == BPF_AND ||
		       op == BPF_OR || op == BPF_XOR || op == BPF_MUL;
	return (op != BPF_DIV && op != BPF_MOD) || ilog2(q->k) >= 0;
}

/* rg_succ - successor 'j' (0 or 1) of 'q' at 'i' as an instruction,
 * or -1 for none. */
static int64_t rg_succ(const struct ins *q, uint32_t i, int j)
{
	if (BPF_CLASS(q->code) == BPF_RET)
		return -1;
	if (BPF_CLASS(q->code) != BPF_JMP)
		return j == 0 ? (int64_t)i + 1 : -1;
	if (q->code == (BPF_JMP | BPF_JA))
		return j == 0 ? (int64_t)q->jt : -1;
	return j == 0 ? (int64_t)q->jt : (int64_t)q->jf;
}

/* rg_collect - the region's instructions from 'r' in BPF order; 0, or
 * -1 when it is too big or holds something a region may not. */
static int rg_collect(struct ctx *c, uint32_t r, struct region *g)
{
	uint32_t stack[2 * RG_MAXN + 2], ns = 0, a, b;
	int j;

	memset(g, 0, sizeof(*g));
	c->stamp++;
	c->rmark[r] = c->stamp;
	stack[ns++] = r;
	while (ns > 0) {
		uint32_t i = stack[--ns];
		const struct ins *q = &c->p[i];

		if (BPF_CLASS(q->code) == BPF_RET) {
			if (q->code != (BPF_RET | BPF_K) ||
			    (q->k && g->s && q->k != g->s))
				return -1;
			if (q->k)
				g->s = q->k;
			continue;
		}
		if (!rg_op_ok(q) || g->nn == RG_MAXN)
			return -1;
		g->node[g->nn++] = i;
		for (j = 0; j < 2; j++) {
			int64_t t = rg_succ(q, i, j);

			if (t < 0 || c->rmark[t] == c->stamp)
				continue;
			c->rmark[t] = c->stamp;
			stack[ns++] = (uint32_t)t;
		}
	}
	for (a = 1; a < g->nn; a++)	/* insertion sort: BPF order */
		for (b = a; b > 0 && g->node[b - 1] > g->node[b]; b--) {
			uint32_t t = g->node[b];

			g->node[b] = g->node[b - 1];
			g->node[b - 1] = t;
		}
	for (a = 0; a < g->nn; a++)
		c->rpos[g->node[a]] = a;
	return 0;
}

/* rg_kind - where an edge into 't' goes: T_DROP, T_ACC, or a region
 * position. */
static int rg_kind(const struct ctx *c, const struct region *g, uint32_t t)
{
	const struct ins *q = &c->p[t];

	(void)g;
	if (BPF_CLASS(q->code) == BPF_RET)
		return q->k ? T_ACC : T_DROP;
	return (int)c->rpos[t];
}

/* rg_defs - true when every A and X read in the region comes from one
 * definition on all paths, which is also the last one before it in
 * BPF order. */
static int rg_defs(struct ctx *c, struct region *g)
{
	uint32_t adef[RG_MAXN], xdef[RG_MAXN], lasta = DEF_ENTRY,
		 lastx = DEF_ENTRY, p;
	int j;

	for (p = 0; p < g->nn; p++)
		adef[p] = xdef[p] = p ? DEF_MANY - 2 : DEF_ENTRY; /* unset */
	for (p = 0; p < g->nn; p++) {
		uint32_t i = g->node[p];
		const struct ins *q = &c->p[i];
		uint32_t rd = reads(q), wr = writes(q), ao, xo;

		if (q->code == (BPF_JMP | BPF_JA))
			rd = wr = 0;
		if ((rd | wr) & D_X)
			g->uses_x = 1;
		if ((rd & D_A) && adef[p] != lasta)
			return 0;
		if ((rd & D_X) && xdef[p] != lastx)
			return 0;
		ao = (wr & D_A) ? i : adef[p];
		xo = (wr & D_X) ? i : xdef[p];
		if (wr & D_A)
			lasta = i;
		if (wr & D_X)
			lastx = i;
		for (j = 0; j < 2; j++) {
			int64_t t = rg_succ(q, i, j);
			int k;

			if (t < 0 || (k = rg_kind(c, g, (uint32_t)t)) < 0)
				continue;
			adef[k] = adef[k] == DEF_MANY - 2 || adef[k] == ao
					  ? ao : DEF_MANY;
			xdef[k] = xdef[k] == DEF_MANY - 2 || xdef[k] == xo
					  ? xo : DEF_MANY;
		}
	}
	return 1;
}

/* rg_mustpass - true when every path from the root to 'ret #S' passes
 * through region position 'm'. */
static int rg_mustpass(struct ctx *c, const struct region *g, uint32_t m)
{
	uint8_t on[RG_MAXN];
	uint32_t p;
	int j;

	memset(on, 0, sizeof(on));
	on[0] = 1;
	for (p = 0; p < g->nn; p++) {
		uint32_t i = g->node[p];

		if (!on[p] || p == m)
			continue;
		for (j = 0; j < 2; j++) {
			int64_t t = rg_succ(&c->p[i], i, j);
			int k;

			if (t < 0)
				continue;
			k = rg_kind(c, g, (uint32_t)t);
			if (k == T_ACC)
				return 0;
			if (k >= 0)
				on[k] = 1;
		}
	}
	return 1;
}

/* rg_memok - true when jump 'q' can compare a 'size'-byte load in
 * memory: jeq or jset with K, a jeq constant the load can equal. */
static int rg_memok(const struct ins *q, int size)
{
	uint16_t op = BPF_OP(q->code);

	if (BPF_CLASS(q->code) != BPF_JMP || BPF_SRC(q->code) != BPF_K)
		return 0;
	if (op == BPF_JSET)
		return 1;
	return op == BPF_JEQ && (size == 4 || q->k <= (size == 1 ? 0xffu : 0xffffu));
}

/* rg_memops - mark the loads whose value only jeq/jset #k read: they
 * are emitted as 'cmp/test size [rdi + (r8) + k], imm' at each reader
 * instead of a load into eax.  A load's readers are the nodes after it
 * in BPF order up to the next write of A (rg_defs made every read's
 * definition the last write before it); an X+k load also needs X
 * unchanged up to its last reader. */
static void rg_memops(const struct ctx *c, struct region *g)
{
	uint32_t p, t;

	if (c->opt.sfi_mode || c->opt.checked_mode)
		return;
	for (p = 0; p < g->nn; p++) {
		const struct ins *q = &c->p[g->node[p]];
		int ind = BPF_MODE(q->code) == BPF_IND, n = 0, ok = 1;

		if (BPF_CLASS(q->code) != BPF_LD ||
		    (BPF_MODE(q->code) != BPF_ABS && !ind) ||
		    (ind && (c->opt.spec_mask ||
			     (uint64_t)q->k + ldsize(q->code) > INT32_MAX)))
			continue;
		for (t = p + 1; t < g->nn && ok; t++) {
			const struct ins *u = &c->p[g->node[t]];
			uint32_t rd = reads(u), wr = writes(u);

			if (u->code == (BPF_JMP | BPF_JA))
				continue;
			if (rd & D_A) {
				ok = rg_memok(u, (int)ldsize(q->code));
				n++;
			} else if (wr & D_A) {
				break;
			}
			if (ind && (wr & D_X))
				ok = 0;
		}
		g->memop[p] = (uint8_t)(ok && n > 0);
	}
}

/* swap_ok - 'k' can be used byte-swapped against a value loaded in
 * network order ('sw' bytes, 0 for a byte) by bitwise op or test 'op'. */
static int swap_ok(int sw, uint16_t op, uint32_t k)
{
	return sw != 2 || op == BPF_AND || op == BPF_JSET || k <= 0xffff;
}

/* rg_group - the number of and/or/xor #k right after the 'ld [k]' at
 * position 'p' when they and the load form a reusable group: the load
 * is not compared in memory, each op directly follows the previous one,
 * all can use byte-swapped constants, and every instruction that reads
 * the result (up to the next write of A) is jeq/jset #k that can too;
 * else 0. */
static uint32_t rg_group(const struct ctx *c, const struct region *g,
			 uint32_t p)
{
	const struct ins *q = &c->p[g->node[p]], *u;
	int sw = (int)ldsize(q->code);
	uint32_t t, n = 0;
	uint16_t op;

	if (BPF_CLASS(q->code) != BPF_LD || BPF_MODE(q->code) != BPF_ABS ||
	    g->memop[p] || g->far[p])
		return 0;
	sw = sw > 1 ? sw : 0;
	for (t = p + 1; t < g->nn && g->node[t] == g->node[t - 1] + 1; t++) {
		u = &c->p[g->node[t]];
		op = BPF_OP(u->code);
		if (BPF_CLASS(u->code) != BPF_ALU || BPF_SRC(u->code) != BPF_K ||
		    (op != BPF_AND && op != BPF_OR && op != BPF_XOR))
			break;
		if (!swap_ok(sw, op, u->k))
			return 0;
		n++;
	}
	for (; n > 0 && t < g->nn; t++) {
		u = &c->p[g->node[t]];
		op = BPF_OP(u->code);
		if (u->code == (BPF_JMP | BPF_JA))
			continue;
		if (reads(u) & D_A) {
			if (BPF_CLASS(u->code) != BPF_JMP ||
			    BPF_SRC(u->code) != BPF_K ||
			    (op != BPF_JEQ && op != BPF_JSET) || !swap_ok(sw, op, u->k))
				return 0;
		} else if (writes(u) & D_A) {
			break;
		}
	}
	return n;
}

/* rg_reuse - find the groups that recompute an earlier group's value:
 * the same load and the same ops with the same constants compute the
 * same value from the same packet. */
static void rg_reuse(const struct ctx *c, struct region *g)
{
	uint32_t p, e, j;

	for (p = 0; p < g->nn; p++) {
		g->glen[p] = (uint8_t)rg_group(c, g, p);
		g->same[p] = -1;
		for (e = 0; e < p && g->glen[p]; e++) {
			for (j = 0; j <= g->glen[p]; j++) {
				const struct ins *a = &c->p[g->node[e + j]];
				const struct ins *b = &c->p[g->node[p + j]];

				if (a->code != b->code || a->k != b->k)
					break;
			}
			if (g->glen[e] == g->glen[p] && j > g->glen[p]) {
				g->same[p] = (int8_t)e;
				g->keep[e] = 1;
				break;
			}
		}
	}
}

/* rg_find - the region rooted at 'r' if it qualifies (statically). */
static int rg_find(struct ctx *c, uint32_t r, struct region *g)
{
	uint32_t p;

	if (rg_collect(c, r, g) < 0 || g->s == 0 || g->node[0] != r)
		return -1;
	for (p = 0; p < g->nn; p++) {
		const struct ins *q = &c->p[g->node[p]];

		if (BPF_CLASS(q->code) == BPF_JMP && q->code != (BPF_JMP | BPF_JA))
			g->nj++;
		if (BPF_CLASS(q->code) == BPF_LD && BPF_MODE(q->code) == BPF_IND) {
			g->has_ind = 1;
			if (!rg_mustpass(c, g, p))
				return -1;
		}
		if (BPF_CLASS(q->code) == BPF_LD && BPF_MODE(q->code) == BPF_ABS &&
		    req(q) > RG_FAR && req(q) <= INT32_MAX && rg_mustpass(c, g, p))
			g->far[p] = 1;
		else if (req(q) > g->req)
			g->req = req(q);
	}
	if (g->nj == 0 || g->nj > RG_MAXJ || !rg_defs(c, g))
		return -1;
	rg_memops(c, g);
	rg_reuse(c, g);
	return 0;
}

/* Register state of one region emission. */
struct rgregs {
	uint32_t freeset;	/* bit r: register r is free */
	int acc;		/* reach of 'ret #S', or -1 */
	int areg;		/* the register holding A: eax, or a group's */
	uint32_t galu;		/* ALU ops of the current group still to come */
	uint32_t gskip;		/* ALU ops of a reused group still to skip */
	int8_t greg[RG_MAXN];	/* group at p: its register, or -1 */
	int8_t gsw[RG_MAXN];	/* group at p: its byte order (sw) */
	int sw;			/* A (in areg) is byte-swapped: 0, 2 or 4 */
	int mem;		/* A is not in eax but in memory: */
	int msize, mindex;	/* 'msize' bytes at [rdi + mindex + mdisp] */
	int32_t mdisp;		/* (mindex X86_NOREG or r8) */
};

/* rg_alloc - a free register, or -1. */
static int rg_alloc(struct rgregs *s)
{
	int r;

	for (r = 0; r < 16; r++)
		if (s->freeset & (1u << r)) {
			s->freeset &= ~(1u << r);
			return r;
		}
	return -1;
}

/* rg_slot - the register holding the reach of target 'k' so far, or -1. */
static int rg_slot(const struct ctx *c, const struct region *g,
		   const struct rgregs *s, int k)
{
	if (k == T_ACC)
		return s->acc;
	return k >= 0 ? c->rslot[g->node[k]] : -1;
}

/* rg_deliver - add the reach in 'reg' to target 'k' (T_DROP, T_ACC or a
 * position); frees or hands over 'reg'. */
static void rg_deliver(struct ctx *c, const struct region *g,
		       struct rgregs *s, int reg, int k)
{
	int8_t *dst = k == T_ACC ? NULL : k >= 0 ? &c->rslot[g->node[k]] : NULL;
	int cur = k == T_ACC ? s->acc : dst ? *dst : -1;

	if (k == T_DROP) {
		s->freeset |= 1u << reg;
		return;
	}
	if (cur < 0) {
		if (dst)
			*dst = (int8_t)reg;
		else
			s->acc = reg;
		return;
	}
	emit_alu32_rr(c->code, EMIT_OR, cur, reg);	/* or cur, reg */
	s->freeset |= 1u << reg;
}

/* bswap16 / bswap32 - byte-swapped constants. */
static uint32_t bswap16(uint32_t k)
{
	return (k & 0xff) << 8 | (k >> 8 & 0xff);
}

static uint32_t bswap32(uint32_t k)
{
	return k >> 24 | (k >> 8 & 0xff00) | (k << 8 & 0xff0000) | k << 24;
}

/* rg_swapk - 'k' in eax's current byte order for a bitwise op or an
 * equality test, or 0 with '*ok' clear when that cannot be done. */
static uint32_t rg_swapk(const struct rgregs *s, uint16_t op, uint32_t k,
			 int *ok)
{
	*ok = 1;
	if (s->sw == 4)
		return bswap32(k);
	if (s->sw == 2) {
		if (op == BPF_AND || op == BPF_JSET)
			return bswap16(k & 0xffff);
		if (k <= 0xffff)
			return bswap16(k);
		*ok = 0;
	}
	return k;
}

/* rg_host - put A back in host order (A is in eax: rg_group lets only
 * jeq/jset with swappable constants read a group's register). */
static void rg_host(struct ctx *c, struct rgregs *s)
{
	if (s->sw)
		byteorder(c, s->sw, R_A);
	s->sw = 0;
}

/* rg_memload - A is now the 'size' bytes at [rdi + index + k], left in
 * memory for its readers' cmp/test (rg_memops). */
static void rg_memload(struct rgregs *s, int size, int index, uint32_t k)
{
	s->mem = 1;
	s->msize = size;
	s->mindex = index;
	s->mdisp = (int32_t)k;
}

/* rg_compare - set the flags for conditional jump 'q'; returns the
 * condition code that means 'taken'. */
static int rg_compare(struct ctx *c, struct rgregs *s, const struct ins *q)
{
	uint16_t op = BPF_OP(q->code);
	uint32_t k = q->k;
	int ok = 0;

	if (s->mem) {	/* rg_memops: jeq/jset #k whose constant fits */
		k = s->msize == 1 ? k & 0xff : rg_swapk(s, op, k, &ok);
		/* cmp/test byte/word/dword [rdi + (r8) + k], k */
		emit_cmptest_mi(c->code, op == BPF_JSET ? -1 : EMIT_CMP,
				s->msize, R_PKT, s->mindex, s->mdisp, k);
		return op == BPF_JSET ? X86_CC_NE : X86_CC_E;
	}
	if (BPF_SRC(q->code) == BPF_X ||
	    (op != BPF_JEQ && op != BPF_JSET))
		rg_host(c, s);
	else
		k = rg_swapk(s, op, k, &ok);
	if (!ok && s->sw) {
		rg_host(c, s);
		k = q->k;
	}
	if (op == BPF_JSET) {
		if (BPF_SRC(q->code) == BPF_X)
			emit_test32_rr(c->code, R_A, R_X);	/* test eax, r8d */
		else
			emit_test32_ri(c->code, s->areg, k);	/* test A, k */
		return X86_CC_NE;
	}
	if (BPF_SRC(q->code) == BPF_X)
		emit_alu32_rr(c->code, EMIT_CMP, R_A, R_X);	/* cmp eax, r8d */
	else if (k == 0)
		emit_test32_rr(c->code, s->areg, s->areg);	/* test A, A */
	else
		emit_alu32_ri(c->code, EMIT_CMP, s->areg, k);	/* cmp A, k */
	return op == BPF_JEQ ? X86_CC_E : op == BPF_JGT ? X86_CC_A : X86_CC_AE;
}

/* rg_bitop - and/or/xor A (in s->areg, left in network order by its
 * load), k: emitted with k byte-swapped to match; 0, or -1 with nothing
 * emitted when k cannot be swapped (rg_swapk). */
static int rg_bitop(struct ctx *c, struct rgregs *s, uint16_t op, uint32_t k)
{
	int ok;

	k = rg_swapk(s, op, k, &ok);
	if (!ok)
		return -1;
	emit_alu32_ri(c->code, (enum emit_alu)(op == BPF_AND ? EMIT_AND :
		      op == BPF_OR ? EMIT_OR : EMIT_XOR),
		      s->areg, k);	/* and/or/xor A, swapped k */
	return 0;
}

/* rg_gate - before the must-pass load 'i': test reach, reach; jz ret0.
 * A packet whose path misses the load returns 0 anyway, and for it the
 * load's own check (a data-dependent branch) is never run. */
static void rg_gate(struct ctx *c, uint32_t i)
{
	if (c->rslot[i] < 0)
		return;
	emit_test32_rr(c->code, c->rslot[i], c->rslot[i]); /* test r, r */
	branch(c, X86_CC_E, RET0);			    /* jz ret0 */
}

/* rg_group_op - region position 'p' as part of a reused group (see
 * struct region); 1 when it emitted what it needed, else 0. */
static int rg_group_op(struct ctx *c, const struct region *g,
		       struct rgregs *s, uint32_t p)
{
	const struct ins *q = &c->p[g->node[p]];
	int sz = (int)ldsize(q->code), e = g->same[p], r;

	if (s->gskip) {		/* an op of a reused group: done already */
		s->gskip--;
		return 1;
	}
	if (s->galu) {		/* an op of a kept group: on its register */
		s->galu--;
		/* swappable: rg_group checked every op's constant */
		rg_bitop(c, s, BPF_OP(q->code), q->k);
		return 1;
	}
	if (e >= 0 && s->greg[e] >= 0) {	/* the value is in greg[e] */
		s->areg = s->greg[e];
		s->sw = s->gsw[e];
		s->mem = 0;
		s->gskip = g->glen[p];
		c->st.reused++;
		return 1;
	}
	if (!g->keep[p] || (r = rg_alloc(s)) < 0)
		return 0;
	load_abs(c, sz, r, q->k, 1);	/* mov r, [rdi + k]: network order */
	s->greg[p] = (int8_t)r;
	s->gsw[p] = (int8_t)(sz > 1 ? sz : 0);
	s->areg = r;
	s->sw = s->gsw[p];
	s->mem = 0;
	s->galu = g->glen[p];
	return 1;
}

/* rg_op - the code of non-jump region instruction at position 'p'. */
static void rg_op(struct ctx *c, const struct region *g, struct rgregs *s,
		  uint32_t p)
{
	uint32_t i = g->node[p];
	const struct ins *q = &c->p[i];
	uint16_t op = BPF_OP(q->code);
	int sz = (int)ldsize(q->code), memop = g->memop[p];

	if (g->cse && rg_group_op(c, g, s, p))
		return;
	if (writes(q) & D_A) {
		s->mem = 0;
		s->areg = R_A;
	}
	switch (q->code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
		if (g->far[p]) {	/* exact: the load is must-pass */
			rg_gate(c, i);
			check_abs(c, i, req(q));	/* hoists no further */
		}
		if (memop)
			rg_memload(s, sz, X86_NOREG, q->k);
		else
			load_abs(c, sz, R_A, q->k, 1);	/* network order */
		s->sw = sz > 1 ? sz : 0;
		return;
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
		if (q->k + sz > RG_GATE)
			rg_gate(c, i);
		if (memop) {
			check_ind(c, (uint64_t)q->k + sz);
			rg_memload(s, sz, R_X, q->k);
		} else {
			load_ind(c, sz, q->k, 1);
		}
		s->sw = sz > 1 ? sz : 0;
		return;
	case BPF_MISC | BPF_TAX:
		rg_host(c, s);
		break;
	case BPF_LD | BPF_IMM:
	case BPF_MISC | BPF_TXA:
		s->sw = 0;
		break;
	}
	if (BPF_CLASS(q->code) == BPF_ALU) {
		if (BPF_SRC(q->code) == BPF_K && s->sw &&
		    (op == BPF_AND || op == BPF_OR || op == BPF_XOR) &&
		    rg_bitop(c, s, op, q->k) == 0)
			return;
		rg_host(c, s);
	}
	emit_insn(c, i);
}

/* rg_single - the position of the one conditional jump of 'g' when its
 * two sides are 'ret #0' and 'ret #S', else -1. */
static int rg_single(const struct ctx *c, const struct region *g)
{
	uint32_t p;
	int t, f;

	if (g->nj != 1)
		return -1;
	for (p = 0; p < g->nn; p++) {
		const struct ins *q = &c->p[g->node[p]];

		if (BPF_CLASS(q->code) != BPF_JMP || q->code == (BPF_JMP | BPF_JA))
			continue;
		t = rg_kind(c, g, q->jt);
		f = rg_kind(c, g, q->jf);
		return (t == T_ACC && f == T_DROP) || (t == T_DROP && f == T_ACC)
			       ? (int)p : -1;
	}
	return -1;
}

/*
 * rg_emit_single - region 'g' whose one jump at position 'pj' decides
 * between 'ret #0' and 'ret #S' (every other instruction lies before
 * it): the instructions, then the result built from the flags as a C
 * compiler would: [xor eax, eax;] cmp/test; setcc al; [movzx eax, al;]
 * shl eax, log2(S) (or neg eax; and eax, S when S is not a power of
 * two); ret.
 */
static void rg_emit_single(struct ctx *c, const struct region *g,
			   struct rgregs *s, uint32_t pj)
{
	const struct ins *q = &c->p[g->node[pj]];
	struct buf *b = c->code;
	int cc, sh = ilog2(g->s), mem;
	uint32_t p;

	for (p = 0; p < pj; p++)
		if (c->p[g->node[p]].code != (BPF_JMP | BPF_JA))
			rg_op(c, g, s, p);
	mem = s->mem;
	if (mem)
		emit_zero32(b, R_A);			/* xor eax, eax */
	cc = rg_compare(c, s, q);
	if (rg_kind(c, g, q->jt) != T_ACC)
		cc ^= 1;
	emit_setcc_al(b, (enum x86_cc)cc);		/* setcc al */
	if (!mem)
		emit_movzx_al(b);			/* movzx eax, al */
	if (sh > 0) {
		emit_shift32_ri(b, EMIT_SHL, R_A, (uint8_t)sh); /* shl eax, sh */
	} else if (sh < 0) {
		emit_neg32(b, R_A);			/* neg eax */
		emit_alu32_ri(b, EMIT_AND, R_A, g->s);	/* and eax, S */
	}
	emit_ret(b);					/* ret */
}

/* rg_emit - the branch-free code of region 'g' rooted at 'r'; -1 when
 * registers run out or the bound does not hold (nothing to keep). */
static int rg_emit(struct ctx *c, uint32_t r, const struct region *g)
{
	static const int pool[] = { X86_RDX, X86_RCX, R_WL2, R_T0, R_T1, R_X };
	struct buf *b = c->code;
	struct rgregs s;
	uint32_t p;
	int z, r0, pj;
	size_t j;

	if (g->req > c->known && g->req > c->ant[r])
		return -1;
	memset(&s, 0, sizeof(s));
	s.acc = -1;
	s.areg = R_A;
	memset(s.greg, -1, sizeof(s.greg));
	for (j = 0; j < sizeof(pool) / sizeof(pool[0]); j++)
		s.freeset |= 1u << pool[j];
	if (g->uses_x)
		s.freeset &= ~(1u << R_X);
	if (g->has_ind || c->opt.sfi_mode)	/* X+k bounds, SFI addresses */
		s.freeset &= ~(1u << R_T1);
	if ((g->has_ind && c->opt.spec_mask) ||
	    (c->opt.sfi_mode && c->sfibase == R_T0))
		s.freeset &= ~(1u << R_T0);
	if (c->opt.sfi_mode)
		s.freeset &= ~(1u << c->sfibase);
	if (g->req > c->known) {
		emit_cmp64_ri(b, R_CAP, (int32_t)g->req);	/* cmp rsi, req */
		branch(c, X86_CC_B, RET0);			/* jb ret0 */
		c->st.checks++;
		c->known = g->req;
	}
	for (p = 0; p < g->nn; p++)
		c->rslot[g->node[p]] = -1;
	if ((pj = rg_single(c, g)) >= 0) {
		rg_emit_single(c, g, &s, (uint32_t)pj);
		return 0;
	}
	z = rg_alloc(&s);
	r0 = rg_alloc(&s);
	if (z < 0 || r0 < 0)
		return -1;
	emit_zero32(b, z);				/* xor z, z */
	emit_mov32_ri(b, r0, g->s);			/* mov r0, S */
	c->rslot[r] = (int8_t)r0;
	for (p = 0; p < g->nn; p++) {
		uint32_t i = g->node[p];
		const struct ins *q = &c->p[i];
		int rr = c->rslot[i], cc, t, f, rt, cur;

		if (q->code == (BPF_JMP | BPF_JA) || BPF_CLASS(q->code) != BPF_JMP) {
			if (q->code != (BPF_JMP | BPF_JA))
				rg_op(c, g, &s, p);
			if (rr >= 0)
				rg_deliver(c, g, &s, rr,
					   rg_kind(c, g, (uint32_t)rg_succ(q, i, 0)));
			continue;
		}
		cc = rg_compare(c, &s, q);
		if (rr < 0)
			continue;
		t = rg_kind(c, g, q->jt);
		f = rg_kind(c, g, q->jf);
		if (t == T_DROP && f == T_DROP) {
			rg_deliver(c, g, &s, rr, T_DROP);
		} else if (t == T_DROP || f == T_DROP) {
			/* cmovcc rr, z: drop the reach on the 'ret #0' side */
			emit_cmov32_rr(b, (enum x86_cc)(t == T_DROP ? cc : cc ^ 1),
				       rr, z);
			rg_deliver(c, g, &s, rr, t == T_DROP ? f : t);
		} else if ((cur = rg_slot(c, g, &s, t)) >= 0) {
			/* reaches are exclusive (one path), so tgt | rr is
			 * tgt + rr, which lea computes without flags */
			if ((rt = rg_alloc(&s)) < 0)
				return -1;
			emit_lea64_idx(b, rt, cur, rr, 0); /* lea rt, [tgt + rr] */
			emit_cmov32_rr(b, (enum x86_cc)cc, cur, rt); /* cmovcc tgt, rt */
			emit_cmov32_rr(b, (enum x86_cc)cc, rr, z);  /* cmovcc rr, z */
			s.freeset |= 1u << rt;
			rg_deliver(c, g, &s, rr, f);
		} else {
			if ((rt = rg_alloc(&s)) < 0)
				return -1;
			emit_mov32_ri(b, rt, 0);		/* mov rt, 0 */
			emit_cmov32_rr(b, (enum x86_cc)cc, rt, rr); /* cmovcc rt, rr */
			emit_cmov32_rr(b, (enum x86_cc)cc, rr, z);  /* cmovcc rr, z */
			rg_deliver(c, g, &s, rt, t);
			rg_deliver(c, g, &s, rr, f);
		}
	}
	if (s.acc < 0)
		emit_zero32(b, R_A);			/* xor eax, eax */
	else
		emit_mov32_rr(b, R_A, s.acc);		/* mov eax, acc */
	emit_ret(b);					/* ret */
	return 0;
}

/*
 * rg_guard - true when the first test of the region at 'r' should stay
 * a branch: it follows only straight-line instructions, one side of it
 * returns, more tests follow, and it does not ask for IPv4 or IPv6; at
 * a root other than the entry or a guard's continuation ('first' clear)
 * it must also compare with a constant >= 0x5dc (an ethertype, or the
 * 802.3 length bound), as net_pair's 'ethertype == ARP'.  Such a test is
 * usually the link-layer type asking for a rare protocol: it sends nearly
 * every packet of real traffic the same way, so a branch predicts it and
 * lets them leave at once, where a region would evaluate every test for
 * them.  A test for IPv4 or IPv6 goes both ways often enough on a mixed
 * link that the region wins (docs/compiler-speed.md).  The instructions
 * up to the test get no region (rgno); the next region (or guard) starts
 * where it continues.
 */
static int rg_guard(struct ctx *c, const struct region *g, uint32_t r,
		    int first)
{
	const struct ins *q;
	uint16_t op;
	uint32_t p;
	int t, f;

	if (g->nj < 2)
		return 0;
	for (p = 0; p < g->nn; p++) {
		q = &c->p[g->node[p]];
		if (g->node[p] != r + p || q->code == (BPF_JMP | BPF_JA))
			return 0;
		if (BPF_CLASS(q->code) == BPF_JMP)
			break;
	}
	if (p == g->nn)
		return 0;
	t = rg_kind(c, g, q->jt);
	f = rg_kind(c, g, q->jf);
	if ((t >= 0) == (f >= 0))	/* one side must return, one go on */
		return 0;
	op = BPF_OP(q->code);
	if (!first && (BPF_SRC(q->code) != BPF_K || q->k < 0x5dc ||
		       (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE)))
		return 0;
	if (q->code == (BPF_JMP | BPF_JEQ | BPF_K) &&
	    (q->k == 0x800 || q->k == 0x86dd))
		return 0;
	memset(c->rgno + r, 1, p + 1);
	c->guard_next = g->node[t >= 0 ? t : f];
	return 1;
}

/* region - emit instruction 'i' and everything after it branch-free
 * when it roots a region; returns 1 if it did (and emitted), else 0
 * with nothing emitted. */
static int region(struct ctx *c, uint32_t i)
{
	struct region g;
	size_t n0 = c->code->n;
	uint32_t njf0 = c->njf, checks0 = c->st.checks;
	uint32_t ind0 = c->st.ind_checks, reused0 = c->st.reused;
	int used0 = c->ret0_used;
	uint64_t known0 = c->known;

	if (c->opt.checked_mode || c->rgno[i] ||
	    BPF_CLASS(c->p[i].code) == BPF_RET)
		return 0;
	if (rg_find(c, i, &g) < 0) {
		c->rgno[i] = 1;
		return 0;
	}
	if (rg_guard(c, &g, i, i == 0 || i == c->guard_next))
		return 0;
	/* with reused loads first; without if registers run out; else
	 * undo and emit it the branchy way */
	for (g.cse = 1; g.cse >= 0; g.cse--) {
		if (rg_emit(c, i, &g) == 0) {
			c->st.regions++;
			return 1;
		}
		c->code->n = n0;
		c->njf = njf0;
		c->st.checks = checks0;
		c->st.ind_checks = ind0;
		c->st.reused = reused0;
		c->ret0_used = used0;
		c->known = known0;
	}
	return 0;
}

/* prologue - move wirelen out of rdx if needed; zero what is read unset. */
static void prologue(struct ctx *c)
{
	uint32_t k;

	if (c->wl == R_WL2)
		emit_mov64_rr(c->code, R_WL2, X86_RDX);	/* mov r11, rdx */
	if (c->opt.sfi_mode) {
		if (c->sfibase == R_WL2) {
			emit_mov64_rr(c->code, R_WL2, R_PKT);	/* mov r11, rdi */
			/* and r11, ~(2^SFI_SEG_BITS - 1): the segment base */
			emit_alu64_ri(c->code, EMIT_AND, R_WL2,
				      -(int32_t)(1u << SFI_SEG_BITS));
		}
		emit_alu64_ri(c->code, EMIT_AND, R_MEM, -64);	/* and rcx, -64 */
	}
	if (c->init & D_A)
		emit_zero32(c->code, R_A);		/* xor eax, eax */
	if (c->init & D_X)
		emit_zero32(c->code, R_X);		/* xor r8d, r8d */
	for (k = 0; k < BPF_MEMWORDS; k++)
		if (c->init & D_M(k))
			emit_store32_imm(c->code, R_MEM, 4 * k, 0); /* mov dword [rcx+4k], 0 */
}

/* annotate - record 'caplen >= v' at the current offset. */
static void annotate(struct ctx *c, uint64_t v)
{
	if (c->nan == c->capan) {
		c->capan = c->capan ? 2 * c->capan : 16;
		c->an = realloc(c->an, c->capan * sizeof(*c->an));
		if (!c->an)
			abort();
	}
	c->an[c->nan].off = pos(c);
	c->an[c->nan].min_caplen = (uint32_t)v;
	c->nan++;
}

/* enter - start instruction 'i': its label, bound and join annotation. */
static void enter(struct ctx *c, uint32_t i)
{
	c->off[i] = pos(c);
	if (i == 0) {
		c->known = 0;
		return;
	}
	c->known = c->known_in[i];
	if (c->xpred[i] >= 2 && !c->opt.checked_mode) {
		if (c->maxreq[i] < c->known)
			c->known = c->maxreq[i];
		if (c->known > 0)
			annotate(c, c->known);
	}
}

/* patch - fill in every branch displacement; -1 if a rel8 overflows. */
static int patch(struct ctx *c, uint32_t ret0)
{
	uint32_t j;

	for (j = 0; j < c->njf; j++) {
		const struct jfix *f = &c->jf[j];
		uint32_t to = f->target == RET0 ? ret0 : c->off[f->target];
		int64_t rel = (int64_t)to - f->end;
		size_t at = c->base + f->end;

		if (f->short_) {
			if (!emit_fits8(rel))
				return -1;
			c->code->p[at - 1] = (uint8_t)rel;
		} else {
			emit_u32at(c->code, at - 4, (uint32_t)(int32_t)rel);
		}
	}
	return 0;
}

/* pass - emit the whole program once with the current rel8 choices. */
static int pass(struct ctx *c)
{
	uint32_t i;

	c->code->n = c->base;
	c->njf = c->nan = 0;
	c->ret0_used = 0;
	c->st.checks = c->st.ind_checks = c->st.regions = c->st.reused = 0;
	memset(c->xpred, 0, c->n * sizeof(*c->xpred));
	for (i = 0; i < c->n; i++)
		c->known_in[i] = NOBOUND;
	prologue(c);
	for (i = 0; i < c->n; i++) {
		const struct ins *q = &c->p[i];

		if (i != 0 && !c->xpred[i])
			continue;
		enter(c, i);
		if (region(c, i))
			continue;
		if (q->code == (BPF_RET | BPF_K))
			emit_retk(c, q->k);
		else if (q->code == (BPF_RET | BPF_A))
			emit_ret(c->code);		/* ret */
		else if (q->code == (BPF_JMP | BPF_JA))
			go(c, i, land(c, q->jt));
		else if (BPF_CLASS(q->code) == BPF_JMP)
			emit_cond(c, i);
		else {
			emit_insn(c, i);
			edge(c, i + 1);			/* fall through */
		}
	}
	c->ret0_off = pos(c);
	if (c->ret0_used)
		emit_retk(c, 0);			/* ret0: xor eax, eax; ret */
	return patch(c, c->ret0_off);
}

/* shrink - mark more branches rel8; returns how many changed. */
static uint32_t shrink(struct ctx *c)
{
	uint32_t j, changed = 0;

	if (c->nshort < c->njf) {
		c->shortj = realloc(c->shortj, c->njf);
		if (!c->shortj)
			abort();
		memset(c->shortj + c->nshort, 0, c->njf - c->nshort);
		c->nshort = c->njf;
	}
	for (j = 0; j < c->njf; j++) {
		const struct jfix *f = &c->jf[j];
		uint32_t to = f->target == RET0 ? c->ret0_off : c->off[f->target];
		int64_t rel = (int64_t)to - f->end;

		if (f->short_)
			continue;
		if (emit_fits8(rel)) {	/* all branches go forward */
			c->shortj[j] = 1;
			changed++;
		}
	}
	return changed;
}

/* emit_all - run passes until the rel8 choices settle. */
static int emit_all(struct ctx *c, char *err, size_t errlen)
{
	int k;

	for (k = 0; k < MAX_PASSES; k++) {
		if (pass(c) < 0)
			return fail(err, errlen, "internal error: rel8 branch "
				    "out of range");
		if (c->opt.no_short || shrink(c) == 0)
			break;
	}
	if (k == MAX_PASSES && pass(c) < 0)
		return fail(err, errlen, "internal error: rel8 branch out of "
			    "range");
	return 0;
}

/* ---------------------------------------------------------------- */

/* setup - the private copy of 'prog' and the per-instruction arrays. */
static void setup(struct ctx *c, const struct bpf_insn *prog, uint32_t n)
{
	uint32_t i;

	c->n = n;
	c->p = xcalloc(n, sizeof(*c->p));
	for (i = 0; i < n; i++) {
		struct ins *q = &c->p[i];

		q->code = prog[i].code;
		q->k = prog[i].k;
		if (q->code == (BPF_JMP | BPF_JA))
			q->jt = q->jf = i + 1 + prog[i].k;
		else
			q->jt = i + 1 + prog[i].jt, q->jf = i + 1 + prog[i].jf;
	}
	c->reach = xcalloc(n, 1);
	c->defin = xcalloc(n, sizeof(*c->defin));
	c->ant = xcalloc(n, sizeof(*c->ant));
	c->maxreq = xcalloc(n, sizeof(*c->maxreq));
	c->off = xcalloc(n, sizeof(*c->off));
	c->xpred = xcalloc(n, sizeof(*c->xpred));
	c->known_in = xcalloc(n, sizeof(*c->known_in));
	c->rmark = xcalloc(n, sizeof(*c->rmark));
	c->rpos = xcalloc(n, sizeof(*c->rpos));
	c->rslot = xcalloc(n, sizeof(*c->rslot));
	c->rgno = xcalloc(n, 1);
}

/* teardown - free what setup and the passes allocated. */
static void teardown(struct ctx *c)
{
	free(c->p);
	free(c->reach);
	free(c->defin);
	free(c->ant);
	free(c->maxreq);
	free(c->off);
	free(c->xpred);
	free(c->known_in);
	free(c->rmark);
	free(c->rpos);
	free(c->rslot);
	free(c->rgno);
	free(c->jf);
	free(c->shortj);
	free(c->an);
}

int bpf2x86(const struct bpf_insn *prog, uint32_t n,
	    const struct bpf2x86_opts *opt, struct buf *code,
	    struct bpf2x86_annot **annot, uint32_t *nannot, char *err,
	    size_t errlen)
{
	struct ctx c;
	uint32_t j;
	int rc;

	*annot = NULL;
	*nannot = 0;
	if (bpf2x86_validate(prog, n, err, errlen) < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	if (opt)
		c.opt = *opt;
	setup(&c, prog, n);
	c.st.bpf_insns = n;
	fold_loads(&c);
	thread_jumps(&c);
	constprop(&c);
	thread_jumps(&c);
	analyse(&c);
	c.wl = needs_r11(&c) ? R_WL2 : X86_RDX;
	c.sfibase = c.wl == R_WL2 ? R_T0 : R_WL2;
	c.code = code;
	c.base = code->n;
	rc = emit_all(&c, err, errlen);
	if (rc == 0) {
		for (j = 0; j < c.njf; j++)
			c.jf[j].short_ ? c.st.short_jumps++ : c.st.long_jumps++;
		if (c.opt.stats)
			*c.opt.stats = c.st;
		if (c.nan) {
			*annot = c.an;
			*nannot = c.nan;
			c.an = NULL;
		}
	} else {
		code->n = c.base;
	}
	teardown(&c);
	return rc;
}
