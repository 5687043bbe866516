/*
 * test_model.c - the abstract machine (vcgen/vc_step.c) agrees with the
 * CPU.
 *
 * Random straight-line sequences of 1-8 instructions of the subset
 * (register/immediate ALU, mov/movzx/movsx/lea, shifts, rotates, imul,
 * div, bswap, setcc, cmov, neg/not/inc/dec, xchg, cbw/cwde/cdqe, packet
 * loads) over rax rcx rdx rsi rdi r8-r11 are encoded by the small
 * encoder below, decoded by the trusted decoder, evaluated symbolically
 * by vc_step from a state where each register is a variable and each
 * flag a bit of a variable, and run natively (mmap'd code between a
 * prologue that loads registers and RFLAGS from an array and an epilogue
 * that stores them back).  Every final register and every flag the
 * model calls defined must equal the CPU's, every obligation must hold
 * (a div runs only when its obligation holds), for several random
 * inputs per sequence.  Packet sequences keep rdi as the packet base
 * (a real buffer) and load through it.
 *
 * Usage: test_model [sequences]   (default 20000)
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "pccf/compat.h"
#include "lf.h"
#include "x86.h"
#include "vc.h"
#include "lf_eval.h"

#define NREGSET 9
static const u8 regset[NREGSET] = { 0, 1, 2, 6, 7, 8, 9, 10, 11 };
#define FLAGS_SLOT 16
#define VAR_REG 100		/* register r starts as variable 100 + r */
#define VAR_FLAGS 150		/* RFLAGS at entry */
#define PKTLEN 256

/* The single flags among the model's conditions (vc.h); the combined
 * ones (be, l, le) are checked through vc_cond. */
static const u16 flag_bits[VC_NFLAGS] = { X86_OF, X86_CF, X86_ZF, 0,
					  X86_SF, X86_PF, 0, 0 };
static const char *const flag_names[VC_NFLAGS] = { "OF", "CF", "ZF", "",
						   "SF", "PF", "", "" };

/* ---- random numbers ----------------------------------------------- */

static u64 rs = 0x9e3779b97f4a7c15ull;

static u64 rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static u32 rn(u32 n)
{
	return (u32)(rnd() % n);
}

/* rval - a register value biased to edge cases. */
static u64 rval(void)
{
	static const u64 edge[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000ull, 0xffffffffull, 0x100000000ull,
		0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~0ull - 1
	};

	switch (rn(8)) {
	case 0: return rnd() & 0xff;
	case 1: return rnd() & 0xffff;
	case 2: return (u64)(s64)(s32)rnd();
	case 3: return edge[rn(sizeof(edge) / sizeof(edge[0]))];
	case 4: return rnd() & 0xffffffffull;
	default: return rnd();
	}
}

/* ---- the encoder -------------------------------------------------- */

struct enc {
	u8 b[256];
	u32 n;
	char text[1024];	/* what was encoded, for failure reports */
	u32 tn;
};

static void put(struct enc *e, u8 x)
{
	if (e->n < sizeof(e->b))
		e->b[e->n++] = x;
}

static void putn(struct enc *e, u64 v, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		put(e, (u8)(v >> (8 * i)));
}

static void note(struct enc *e, const char *s)
{
	while (*s && e->tn + 2 < sizeof(e->text))
		e->text[e->tn++] = *s++;
	e->text[e->tn++] = ';';
	e->text[e->tn] = 0;
}

/*
 * Register codes: 0-15 the registers; 16-18 ah ch dh (8-bit, no REX).
 * field - the 4-bit ModRM field of code 'c'.
 */
static u32 field(u32 c)
{
	return c >= 16 ? c - 12 : c;
}

/* needrex - an 8-bit register that exists only with a REX (sil dil...). */
static int needrex(u32 s, u32 c)
{
	return s == 1 && c >= 4 && c < 8;
}

/* pfx - 66 and REX for size 's' with ModRM reg 'r', index 'x', rm/base
 * 'b' (register codes, or 0). */
static void pfx(struct enc *e, u32 s, u32 r, u32 x, u32 b)
{
	u8 rex = 0x40;

	if (s == 2)
		put(e, 0x66);
	if (s == 8)
		rex |= 8;
	if (field(r) >= 8)
		rex |= 4;
	if (field(x) >= 8)
		rex |= 2;
	if (field(b) >= 8)
		rex |= 1;
	if (rex != 0x40 || needrex(s, r) || needrex(s, b))
		put(e, rex);
}

static void modrm_rr(struct enc *e, u32 reg, u32 rm)
{
	put(e, (u8)(0xc0 | (field(reg) & 7) << 3 | (field(rm) & 7)));
}

/* mem_rdi - ModRM (+disp) for [rdi + k] with reg field 'reg'. */
static void mem_rdi(struct enc *e, u32 reg, u32 k)
{
	if (k < 128) {
		put(e, (u8)(0x40 | (field(reg) & 7) << 3 | 7));
		put(e, (u8)k);
	} else {
		put(e, (u8)(0x80 | (field(reg) & 7) << 3 | 7));
		putn(e, k, 4);
	}
}

/* ---- the generator ------------------------------------------------ */

static int pktmode;

/* reg - a random register of the set (never rdi in packet mode). */
static u32 reg(void)
{
	u32 r;

	do
		r = regset[rn(NREGSET)];
	while (pktmode && r == 7);
	return r;
}

/* reg8 - a random 8-bit register code; 'lo' limits to al cl dl and the
 * REX-free registers when the other operand is ah..dh. */
static u32 reg8(int hiok)
{
	for (;;) {
		u32 c = rn(4) == 0 && hiok ? 16 + rn(3) : reg();

		return c;
	}
}

static u32 size(void)
{
	static const u8 s[4] = { 1, 2, 4, 8 };

	return s[rn(4)];
}

static u32 size248(void)
{
	static const u8 s[3] = { 2, 4, 8 };

	return s[rn(3)];
}

/* pair - two register codes for size 's' that can share an encoding. */
static void pair(u32 s, u32 *a, u32 *b)
{
	*a = s == 1 ? reg8(1) : reg();
	if (s == 1 && *a >= 16)
		*b = rn(2) ? 16 + rn(3) : rn(3);	/* no REX possible */
	else
		*b = s == 1 ? reg8(0) : reg();
	if (s == 1 && *b >= 16 && (field(*a) >= 8 || needrex(1, *a)))
		*b = rn(3);
}

/* imm - an immediate of 'n' bytes. */
static u64 imm(void)
{
	return rval();
}

static void g_alu(struct enc *e)
{
	static const char *nm[8] = { "add", "or", "adc", "sbb", "and", "sub",
				     "xor", "cmp" };
	u32 op = rn(8), s = size(), d, src, form = rn(5);

	pair(s, &d, &src);
	note(e, nm[op]);
	if (form == 0 || form == 1) {		/* op r/m, reg */
		pfx(e, s, src, 0, d);
		put(e, (u8)(op * 8 + (s == 1 ? 0 : 1)));
		modrm_rr(e, src, d);
	} else if (form == 2) {			/* op reg, r/m */
		pfx(e, s, d, 0, src);
		put(e, (u8)(op * 8 + (s == 1 ? 2 : 3)));
		modrm_rr(e, d, src);
	} else if (form == 3 && s != 1 && rn(2)) { /* op r/m, ib (83) */
		pfx(e, s, 0, 0, d);
		put(e, 0x83);
		put(e, (u8)(0xc0 | op << 3 | (field(d) & 7)));
		putn(e, imm(), 1);
	} else if (form == 3) {			/* 80/81 /op */
		pfx(e, s, 0, 0, d);
		put(e, s == 1 ? 0x80 : 0x81);
		put(e, (u8)(0xc0 | op << 3 | (field(d) & 7)));
		putn(e, imm(), s == 8 ? 4 : s);
	} else {				/* op al/eax, imm */
		pfx(e, s, 0, 0, 0);
		put(e, (u8)(op * 8 + (s == 1 ? 4 : 5)));
		putn(e, imm(), s == 8 ? 4 : s);
	}
}

static void g_test(struct enc *e)
{
	u32 s = size(), a, b;

	pair(s, &a, &b);
	note(e, "test");
	switch (rn(3)) {
	case 0:
		pfx(e, s, b, 0, a);
		put(e, s == 1 ? 0x84 : 0x85);
		modrm_rr(e, b, a);
		break;
	case 1:
		pfx(e, s, 0, 0, a);
		put(e, s == 1 ? 0xf6 : 0xf7);
		put(e, (u8)(0xc0 | (field(a) & 7)));
		putn(e, imm(), s == 8 ? 4 : s);
		break;
	default:
		pfx(e, s, 0, 0, 0);
		put(e, s == 1 ? 0xa8 : 0xa9);
		putn(e, imm(), s == 8 ? 4 : s);
	}
}

static void g_mov(struct enc *e)
{
	u32 s = size(), d, src;

	pair(s, &d, &src);
	note(e, "mov");
	switch (rn(4)) {
	case 0:
		pfx(e, s, src, 0, d);
		put(e, s == 1 ? 0x88 : 0x89);
		modrm_rr(e, src, d);
		break;
	case 1:
		pfx(e, s, d, 0, src);
		put(e, s == 1 ? 0x8a : 0x8b);
		modrm_rr(e, d, src);
		break;
	case 2:					/* B0+r / B8+r */
		pfx(e, s, 0, 0, d);
		put(e, (u8)((s == 1 ? 0xb0 : 0xb8) + (field(d) & 7)));
		putn(e, imm(), s);
		break;
	default:				/* C6/C7 /0 */
		pfx(e, s, 0, 0, d);
		put(e, s == 1 ? 0xc6 : 0xc7);
		put(e, (u8)(0xc0 | (field(d) & 7)));
		putn(e, imm(), s == 8 ? 4 : s);
	}
}

static void g_movx(struct enc *e)
{
	u32 s = size248(), d = reg(), src, kind = rn(5);

	note(e, "movzx/movsx");
	if (kind == 4) {			/* movsxd r64, r/m32 */
		src = reg();
		pfx(e, 8, d, 0, src);
		put(e, 0x63);
		modrm_rr(e, d, src);
		return;
	}
	if (kind & 1) {				/* 16-bit source */
		src = reg();
		pfx(e, s, d, 0, src);
	} else {				/* 8-bit source */
		src = reg8(!(field(d) >= 8));
		if (src >= 16) {
			d = rn(3);
			if (s == 8)
				s = 4;	/* REX.W would make ah spl */
		}
		pfx(e, s, d, 0, src);
		if (src < 16 && needrex(1, src) && s != 8 && field(d) < 8 &&
		    field(src) < 8)
			put(e, 0x40);
	}
	put(e, 0x0f);
	put(e, (u8)((kind & 2 ? 0xbe : 0xb6) + (kind & 1)));
	modrm_rr(e, d, src);
}

static void g_lea(struct enc *e)
{
	u32 s = size248(), d = reg(), b = reg(), x = reg();

	note(e, "lea");
	pfx(e, s, d, x, b);
	put(e, 0x8d);
	put(e, (u8)(0x84 | (field(d) & 7) << 3));	/* mod 10, SIB */
	put(e, (u8)(rn(4) << 6 | (field(x) & 7) << 3 | (field(b) & 7)));
	putn(e, rval(), 4);
}

static void g_shift(struct enc *e)
{
	static const u8 dig[5] = { 0, 1, 4, 5, 7 };
	u32 s = size(), d = s == 1 ? reg8(1) : reg(), n = dig[rn(5)];
	u32 form = rn(3);

	note(e, n == 0 ? "rol" : n == 1 ? "ror" : n == 4 ? "shl" :
		n == 5 ? "shr" : "sar");
	pfx(e, s, 0, 0, d);
	put(e, (u8)((form == 0 ? 0xc0 : form == 1 ? 0xd0 : 0xd2) +
		    (s == 1 ? 0 : 1)));
	put(e, (u8)(0xc0 | n << 3 | (field(d) & 7)));
	if (form == 0)
		put(e, (u8)(rn(3) == 0 ? rnd() : rn(4) == 0 ? 1 : rn(70)));
}

static void g_imul(struct enc *e)
{
	u32 s = size248(), d = reg(), src = reg(), form = rn(3);

	note(e, "imul");
	pfx(e, s, d, 0, src);
	if (form == 0) {
		put(e, 0x0f);
		put(e, 0xaf);
		modrm_rr(e, d, src);
	} else {
		put(e, form == 1 ? 0x6b : 0x69);
		modrm_rr(e, d, src);
		putn(e, imm(), form == 1 ? 1 : s == 2 ? 2 : 4);
	}
}

static void g_div(struct enc *e)
{
	u32 s = size248(), d;

	do
		d = reg();
	while (d == 0 || d == 2);
	note(e, "div");
	if (s == 8) {
		put(e, 0x31);			/* xor edx, edx */
		put(e, 0xd2);
	}
	pfx(e, s, 0, 0, d);
	put(e, 0xf7);
	put(e, (u8)(0xf0 | (field(d) & 7)));
}

static void g_unary(struct enc *e)
{
	u32 s = size(), d = s == 1 ? reg8(1) : reg(), op = rn(4);

	note(e, op == 0 ? "not" : op == 1 ? "neg" : op == 2 ? "inc" : "dec");
	pfx(e, s, 0, 0, d);
	if (op < 2) {
		put(e, s == 1 ? 0xf6 : 0xf7);
		put(e, (u8)(0xc0 | (2 + op) << 3 | (field(d) & 7)));
	} else {
		put(e, s == 1 ? 0xfe : 0xff);
		put(e, (u8)(0xc0 | (op - 2) << 3 | (field(d) & 7)));
	}
}

static void g_misc(struct enc *e)
{
	u32 s = size248(), a = reg(), b = reg(), cc = rn(16);

	switch (rn(6)) {
	case 0:
		note(e, "bswap");
		s = rn(2) ? 4 : 8;
		pfx(e, s, 0, 0, a);
		put(e, 0x0f);
		put(e, (u8)(0xc8 + (field(a) & 7)));
		break;
	case 1:
		note(e, "xchg");
		pfx(e, s, b, 0, a);
		if (rn(2) && field(a) != 0) {
			put(e, (u8)(0x90 + (field(a) & 7)));	/* xchg a, eax */
		} else {
			put(e, 0x87);
			modrm_rr(e, b, a);
		}
		break;
	case 2:
		note(e, "cbw/cwde/cdqe");
		pfx(e, s, 0, 0, 0);
		put(e, 0x98);
		break;
	case 3:
	case 4:
		note(e, "cmovcc");
		pfx(e, s, a, 0, b);
		put(e, 0x0f);
		put(e, (u8)(0x40 + cc));
		modrm_rr(e, a, b);
		break;
	default:
		note(e, "setcc");
		a = reg8(1);
		pfx(e, 1, 0, 0, a);
		put(e, 0x0f);
		put(e, (u8)(0x90 + cc));
		modrm_rr(e, 0, a);
	}
}

/* g_load - a packet load through rdi (packet mode only). */
static void g_load(struct enc *e)
{
	u32 d = reg(), k, form = rn(6), s;

	note(e, "load [rdi+k]");
	switch (form) {
	case 0:
	case 1:					/* movzx/movsx d, byte/word */
		s = rn(2) ? 1 : 2;
		k = rn(PKTLEN - s + 1);
		pfx(e, rn(2) ? 4 : 8, d, 0, 0);
		put(e, 0x0f);
		put(e, (u8)((form ? 0xbe : 0xb6) + (s == 2)));
		mem_rdi(e, d, k);
		break;
	case 2:					/* mov d, [rdi+k] */
	case 3:					/* alu d, [rdi+k] */
		s = size();
		if (s == 1 && field(d) >= 4 && field(d) < 8)
			d = rn(3);
		k = rn(PKTLEN - s + 1);
		pfx(e, s, d, 0, 0);
		if (s == 1 && needrex(1, d))
			put(e, 0x40);
		put(e, (u8)((form == 2 ? 0x8a : rn(8) * 8 + 2) + (s != 1)));
		mem_rdi(e, d, k);
		break;
	case 4:					/* cmovcc d, [rdi+k] */
		s = size248();
		k = rn(PKTLEN - s + 1);
		pfx(e, s, d, 0, 0);
		put(e, 0x0f);
		put(e, (u8)(0x40 + rn(16)));
		mem_rdi(e, d, k);
		break;
	default:				/* cmp [rdi+k], imm8 */
		s = size();
		k = rn(PKTLEN - s + 1);
		pfx(e, s, 0, 0, 0);
		put(e, s == 1 ? 0x80 : 0x83);
		mem_rdi(e, 7, k);
		put(e, (u8)rnd());
	}
}

/* gen_seq - 1..8 random instructions into 'e'. */
static void gen_seq(struct enc *e)
{
	u32 n = 1 + rn(8), i;

	e->n = 0;
	e->tn = 0;
	e->text[0] = 0;
	for (i = 0; i < n; i++) {
		switch (rn(pktmode ? 14 : 12)) {
		case 0: case 1: case 2: g_alu(e); break;
		case 3: g_test(e); break;
		case 4: g_mov(e); break;
		case 5: g_movx(e); break;
		case 6: g_lea(e); break;
		case 7: g_shift(e); break;
		case 8: g_imul(e); break;
		case 9: g_unary(e); break;
		case 10: g_misc(e); break;
		case 11: rn(4) ? g_misc(e) : g_div(e); break;
		default: g_load(e); break;
		}
	}
}

/* ---- native execution --------------------------------------------- */

static u8 *xmem;
static size_t xsize = 4096;
static sigjmp_buf jb;
static volatile sig_atomic_t faulted;

static void onfault(int sig)
{
	faulted = sig;
	siglongjmp(jb, 1);
}

/* build - prologue + 'e' + epilogue into the executable page. */
static int build(const struct enc *e)
{
	struct enc c = { .n = 0 };
	u32 i;

	if (mprotect(xmem, xsize, PROT_READ | PROT_WRITE))
		return -1;
	put(&c, 0x53);				/* push rbx */
	put(&c, 0x55);				/* push rbp */
	put(&c, 0x48); put(&c, 0x89); put(&c, 0xfb);	/* mov rbx, rdi */
	put(&c, 0x48); put(&c, 0x89); put(&c, 0xf5);	/* mov rbp, rsi */
	put(&c, 0xff); put(&c, 0xb3); putn(&c, 8 * FLAGS_SLOT, 4); /* push [rbx+128] */
	put(&c, 0x9d);				/* popfq */
	for (i = 0; i < NREGSET; i++) {		/* mov r, [rbx + 8r] */
		u32 r = regset[i];

		put(&c, (u8)(0x48 | (r >= 8 ? 4 : 0)));
		put(&c, 0x8b);
		put(&c, (u8)(0x80 | (r & 7) << 3 | 3));
		putn(&c, 8 * r, 4);
	}
	for (i = 0; i < e->n; i++)
		put(&c, e->b[i]);
	for (i = 0; i < NREGSET; i++) {		/* mov [rbp + 8r], r */
		u32 r = regset[i];

		put(&c, (u8)(0x48 | (r >= 8 ? 4 : 0)));
		put(&c, 0x89);
		put(&c, (u8)(0x80 | (r & 7) << 3 | 5));
		putn(&c, 8 * r, 4);
	}
	put(&c, 0x9c);				/* pushfq */
	put(&c, 0x58);				/* pop rax */
	put(&c, 0x48); put(&c, 0x89); put(&c, 0x85); putn(&c, 8 * FLAGS_SLOT, 4);
	put(&c, 0x5d);				/* pop rbp */
	put(&c, 0x5b);				/* pop rbx */
	put(&c, 0xc3);				/* ret */
	memcpy(xmem, c.b, c.n);
	return mprotect(xmem, xsize, PROT_READ | PROT_EXEC);
}

/* run - the built code on 'in' (17 slots) into 'out'; 0 or the signal. */
static int run(u64 *in, u64 *out)
{
	void (*f)(u64 *, u64 *) = (void (*)(u64 *, u64 *))(void *)xmem;

	faulted = 0;
	if (sigsetjmp(jb, 1) == 0)
		f(in, out);
	return faulted;
}

/* ---- the model ---------------------------------------------------- */

static u8 arena_mem[1 << 23];
static struct lf_tab tab;
static u8 pkt[PKTLEN];

struct inputs {
	u64 in[17];
};

static int env_var(void *ctx, uint64_t id, uint64_t *v)
{
	const struct inputs *x = ctx;

	if (id >= VAR_REG && id < VAR_REG + 16)
		*v = x->in[id - VAR_REG];
	else if (id == VAR_FLAGS)
		*v = x->in[FLAGS_SLOT];
	else if (id == LF_V_PKT)
		*v = (u64)(uintptr_t)pkt;
	else if (id == LF_V_CAPLEN)
		*v = PKTLEN;
	else
		return -1;
	return 0;
}

static int env_load(void *ctx, uint64_t addr, unsigned n, uint64_t *v)
{
	u64 off = addr - (u64)(uintptr_t)pkt, r = 0;
	unsigned i;

	(void)ctx;
	if (off > PKTLEN || n > PKTLEN - off)
		return -1;
	for (i = 0; i < n; i++)
		r |= (u64)pkt[off + i] << (8 * i);
	*v = r;
	return 0;
}

/* init_state - registers are variables (rdi the packet base in packet
 * mode), each flag a bit of the entry RFLAGS variable, the combined
 * conditions made from those. */
static void init_state(struct vc_state *s)
{
	lf_ref fl = lf_var(&tab, VAR_FLAGS, 64), one = lf_const(&tab, 1);
	static const u8 pos[VC_NFLAGS] = { 11, 0, 6, 0, 7, 2, 0, 0 };
	lf_ref *f = s->flag, sf, of;
	u32 i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < NREGSET; i++) {
		u32 r = regset[i];

		s->reg[r] = pktmode && r == 7 ? lf_var(&tab, LF_V_PKT, 64)
					      : lf_var(&tab, VAR_REG + r, 64);
		s->def[r] = 0xff;
	}
	for (i = 0; i < VC_NFLAGS; i++)
		s->flag[i] = lf_mk(&tab, LF_EQ,
				   lf_mk(&tab, LF_AND,
					 lf_mk(&tab, LF_SHR, fl,
					       lf_const(&tab, pos[i]), 0),
					 one, 0),
				   one, 0);
	sf = f[VC_SF];
	of = f[VC_OF];
	f[VC_BE] = lf_mk(&tab, LF_POR, f[VC_CF], f[VC_ZF], 0);
	f[VC_LT] = lf_mk(&tab, LF_POR,
			 lf_mk(&tab, LF_PAND, sf, lf_mk(&tab, LF_PNOT, of, 0, 0), 0),
			 lf_mk(&tab, LF_PAND, lf_mk(&tab, LF_PNOT, sf, 0, 0), of, 0), 0);
	f[VC_LE] = lf_mk(&tab, LF_POR, f[VC_ZF], f[VC_LT], 0);
}

static u32 npass, nfail, nrej, nskip, ndecode;

static void report(const struct enc *e, const char *what, u64 want, u64 got,
		   const struct inputs *x)
{
	u32 i;

	if (nfail > 20)
		return;
	printf("FAIL %s: cpu %#llx model %#llx\n  seq: %s\n  bytes:", what,
	       (unsigned long long)want, (unsigned long long)got, e->text);
	for (i = 0; i < e->n; i++)
		printf(" %02x", e->b[i]);
	printf("\n  in:");
	for (i = 0; i < NREGSET; i++)
		printf(" r%u=%#llx", regset[i], (unsigned long long)x->in[regset[i]]);
	printf(" fl=%#llx\n", (unsigned long long)x->in[FLAGS_SLOT]);
}

/* one_seq - generate, model and run one sequence on several inputs. */
static void one_seq(void)
{
	static u64 val[(1 << 16) + 2];
	static u8 ok[(1 << 16) + 2];
	struct pccf_arena ar = { arena_mem, sizeof(arena_mem), 0 };
	struct pccf_err err = { 0, "" };
	struct enc e;
	struct vc_state s;
	struct x86_insn in;
	lf_ref obl;
	struct lf_env env = { env_var, NULL, env_load, NULL };
	u32 off = 0, t, i;
	int bad = 0;

	gen_seq(&e);
	if (lf_init(&tab, &ar, 1 << 16)) {
		nfail++;
		return;
	}
	init_state(&s);
	obl = lf_mk(&tab, LF_TRUE, 0, 0, 0);
	while (off < e.n) {
		if (x86_decode(e.b, e.n, off, NULL, &in, &err)) {
			if (ndecode++ < 5)
				printf("decoder rejects encoder output (%s): %s\n",
				       e.text, err.msg);
			nfail++;
			return;
		}
		if (vc_step(&tab, &in, &s, &obl, &err)) {
			if (getenv("MODEL_VERBOSE"))
				printf("rejected: %s\n", err.msg);
			nrej++;
			return;
		}
		off += in.len;
	}
	if (build(&e)) {
		nfail++;
		return;
	}
	for (t = 0; t < 4; t++) {
		struct inputs x;
		u64 out[17], fl;

		for (i = 0; i < 16; i++)
			x.in[i] = rval();
		x.in[7] = pktmode ? (u64)(uintptr_t)pkt : x.in[7];
		x.in[FLAGS_SLOT] = 0x2 | (rnd() & 0x8d5);
		for (i = 0; i < PKTLEN; i++)
			pkt[i] = (u8)rnd();
		env.ctx = &x;
		lf_eval_all(&tab, tab.n, &env, val, ok);
		if (!ok[obl]) {
			report(&e, "obligation not evaluable", 0, 0, &x);
			bad = 1;
			break;
		}
		if (!val[obl]) {	/* a div the model says may fault */
			nskip++;
			continue;
		}
		memset(out, 0, sizeof(out));
		if (run(x.in, out)) {
			report(&e, "native fault although the obligation holds",
			       0, 0, &x);
			bad = 1;
			break;
		}
		for (i = 0; i < NREGSET; i++) {
			u32 r = regset[i];

			if (s.def[r] != 0xff || !ok[s.reg[r]] ||
			    val[s.reg[r]] != out[r]) {
				report(&e, x86_reg_name((u8)r, 8), out[r],
				       ok[s.reg[r]] ? val[s.reg[r]] : ~0ull, &x);
				bad = 1;
			}
		}
		fl = out[FLAGS_SLOT];
		for (i = 0; i < VC_NFLAGS; i++) {
			lf_ref f = s.flag[i];

			if (!f || !flag_bits[i])
				continue;
			if (!ok[f] || val[f] != !!(fl & flag_bits[i])) {
				report(&e, flag_names[i], !!(fl & flag_bits[i]),
				       ok[f] ? val[f] : ~0ull, &x);
				bad = 1;
			}
		}
		/* every condition (single and combined) agrees with the CPU */
		for (i = 0; i < 16 && !bad; i++) {
			lf_ref c = 0;
			struct pccf_err ce = { 0, "" };
			int cf = !!(fl & X86_CF), zf = !!(fl & X86_ZF);
			int sf = !!(fl & X86_SF), of = !!(fl & X86_OF);
			int pf = !!(fl & X86_PF), want;

			if (vc_cond(&tab, &s, (u8)i, 0, &c, &ce))
				continue;
			switch (i >> 1) {
			case 0: want = of; break;
			case 1: want = cf; break;
			case 2: want = zf; break;
			case 3: want = cf || zf; break;
			case 4: want = sf; break;
			case 5: want = pf; break;
			case 6: want = sf != of; break;
			default: want = zf || sf != of;
			}
			if (i & 1)
				want = !want;
			lf_eval_all(&tab, tab.n, &env, val, ok);
			if (!ok[c] || val[c] != (u64)want) {
				report(&e, "condition", (u64)want, ok[c] ? val[c] : ~0ull, &x);
				printf("  cc %u\n", i);
				bad = 1;
			}
		}
		if (bad)
			break;
	}
	if (bad)
		nfail++;
	else
		npass++;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	u32 n = argc > 1 ? (u32)strtoul(argv[1], NULL, 0) : 20000, i;

	xmem = mmap(NULL, xsize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (xmem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onfault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	for (i = 0; i < n; i++) {
		pktmode = (i % 4) == 3;
		one_seq();
	}
	printf("model: %u sequences, %u rejected by the model (undefined "
	       "flags etc.), %u runs skipped (div obligation false)\n",
	       n, nrej, nskip);
	printf("%u passed, %u failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
