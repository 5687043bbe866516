/*
 * vc_step.c - the abstract machine: one instruction of the x86-64 subset
 * evaluated symbolically on a 'struct vc_state'.
 *
 * Every value is a 64-bit term built with lf_mk; an operation of width w
 * bytes computes on masked operands and masks its result, so a term
 * always equals what the CPU holds in the bytes the def mask marks as
 * defined.  Every flag is a proposition built exactly from the operands
 * (the CPU is the reference; tests/test_model.c compares the two).  On
 * the way the syntactic parts of the policy (MISSION §3.1, 3.4-3.6) are
 * enforced: register writes, definedness of registers, scratch words and
 * flags, memory regions, taint.
 *
 * A flag computed from an address-derived operand is a tainted
 * proposition (lf_mk propagates taint); every reader of a flag (jcc,
 * setcc, cmov, adc, sbb) goes through cond, which rejects a tainted one.
 * Where a flag must become a word (setcc, cmov, adc, sbb) it is the 0/1
 * word BOOL(p).
 *
 * Trusts: lf_mk (canonical terms, taint, exact 64-bit identities) and
 * the decoder's 'struct x86_insn'.
 */
#include "vc.h"

/* One step's context: sticky failure of term building. */
struct mach {
	struct lf_tab *tab;
	struct vc_state *s;
	u32 off;
	lf_ref *obl;
	struct pccf_err *e;
	int bad;		/* an lf_mk returned 0 */
};

static const char *const flag_name[VC_NFLAGS] = {
	"OF", "CF", "ZF", "CF/ZF", "SF", "PF", "SF/OF", "ZF/SF/OF"
};
/* The EFLAGS bits each condition reads (one bit for a single flag). */
static const u16 flag_reads[VC_NFLAGS] = {
	X86_OF, X86_CF, X86_ZF, X86_CF | X86_ZF, X86_SF, X86_PF,
	X86_SF | X86_OF, X86_ZF | X86_SF | X86_OF
};

/* no - the rejection "offset <m->off>: <why>" of class 'code'. */
static int no(struct mach *m, int code, const char *why)
{
	return pccf_fail(m->e, code, "offset %x: %s", m->off, why);
}

/* mk - lf_mk that remembers a failure in 'm' and propagates it. */
static lf_ref mk(struct mach *m, u8 kind, lf_ref a, lf_ref b, u64 k)
{
	lf_ref r;

	if (m->bad)
		return 0;
	r = lf_mk(m->tab, kind, a, b, k);
	if (!r)
		m->bad = 1;
	return r;
}

/* K - the constant word 'v'. */
static lf_ref K(struct mach *m, u64 v)
{
	return mk(m, LF_CONST, 0, 0, v);
}

static lf_ref pfalse(struct mach *m)
{
	return mk(m, LF_FALSE, 0, 0, 0);
}

/* wmask - the value mask of a 'w'-byte operand. */
static u64 wmask(u32 w)
{
	return w >= 8 ? ~(u64)0 : ((u64)1 << (8 * w)) - 1;
}

/* msk - 'x' truncated to 'w' bytes. */
static lf_ref msk(struct mach *m, lf_ref x, u32 w)
{
	return w >= 8 ? x : mk(m, LF_AND, x, K(m, wmask(w)), 0);
}

/* sx - the 'w'-byte value 'x' (already masked) sign-extended to 64 bits. */
static lf_ref sx(struct mach *m, lf_ref x, u32 w)
{
	return w >= 8 ? x : mk(m, LF_SEXT, x, 0, 8 * w);
}

/* taint - the taint bits of term 'x' (0 for a failed build). */
static u8 taint(struct mach *m, lf_ref x)
{
	return x ? lf_get(m->tab, x)->taint : 0;
}

/* bitp - the proposition "bit 'i' of 'x' is set". */
static lf_ref bitp(struct mach *m, lf_ref x, u32 i)
{
	lf_ref y = i ? mk(m, LF_SHR, x, K(m, i), 0) : x;

	return mk(m, LF_EQ, mk(m, LF_AND, y, K(m, 1), 0), K(m, 1), 0);
}

/* msbp - "the sign bit of the 'w'-byte masked value 'x' is set". */
static lf_ref msbp(struct mach *m, lf_ref x, u32 w)
{
	return mk(m, LF_SLT, sx(m, x, w), K(m, 0), 0);
}

/* parity - PF of 'r': the low byte has an even number of ones. */
static lf_ref parity(struct mach *m, lf_ref r)
{
	lf_ref p = mk(m, LF_XOR, r, mk(m, LF_SHR, r, K(m, 4), 0), 0);

	p = mk(m, LF_XOR, p, mk(m, LF_SHR, p, K(m, 2), 0), 0);
	p = mk(m, LF_XOR, p, mk(m, LF_SHR, p, K(m, 1), 0), 0);
	return mk(m, LF_EQ, mk(m, LF_AND, p, K(m, 1), 0), K(m, 0), 0);
}

/* zerop - "'r' is zero". */
static lf_ref zerop(struct mach *m, lf_ref r)
{
	return mk(m, LF_EQ, r, K(m, 0), 0);
}

/* ---- registers ---------------------------------------------------- */

/* phys - the full register of 'r' (ah..bh are rax..rbx). */
static u8 phys(u8 r)
{
	return r >= X86_AH ? (u8)(r - X86_AH) : r;
}

/* bytemask - the bytes of the full register that 'r' at 'w' covers. */
static u8 bytemask(u8 r, u32 w)
{
	if (r >= X86_AH)
		return 0x02;
	return w >= 8 ? 0xff : (u8)((1u << w) - 1);
}

/* okreg - 0 when 'r'/'w' is a register the machine knows, else a rejection. */
static int okreg(struct mach *m, u8 r, u32 w)
{
	if (r > X86_BH || (r >= X86_AH && w != 1) ||
	    (w != 1 && w != 2 && w != 4 && w != 8))
		return pccf_fail(m->e, PCCF_EDECODE,
				 "offset %x: bad register operand %u/%u",
				 m->off, r, w);
	return 0;
}

/* rdreg - the 'w'-byte value of register 'r' into '*v', or a rejection
 * when one of its bytes was never written on this path. */
static int rdreg(struct mach *m, u8 r, u32 w, lf_ref *v)
{
	u8 p = phys(r), bm = bytemask(r, w);
	lf_ref x;
	int rc = okreg(m, r, w);

	if (rc)
		return rc;
	if ((m->s->def[p] & bm) != bm)
		return pccf_fail(m->e, PCCF_EPOLICY,
				 "offset %x: reads %s, never written on this path",
				 m->off, x86_reg_name(r, (u8)w));
	x = m->s->reg[p];
	if (r >= X86_AH)
		x = mk(m, LF_SHR, x, K(m, 8), 0);
	*v = msk(m, x, w);
	return 0;
}

/* wrreg - register 'r' at width 'w' := 'v' ('v' already masked to 'w'):
 * 32-bit writes zero-extend, 8/16-bit writes merge. */
static int wrreg(struct mach *m, u8 r, u32 w, lf_ref v)
{
	u8 p = phys(r), bm = bytemask(r, w);
	u32 sh = r >= X86_AH ? 8 : 0;
	lf_ref nv;
	int rc = okreg(m, r, w);

	if (rc)
		return rc;
	if (p == X86_RSP || p == X86_RBX || p == X86_RBP || p >= X86_R12)
		return pccf_fail(m->e, PCCF_EPOLICY,
				 "offset %x: writes %s (rsp, rbx, rbp and r12-r15 belong to the caller)",
				 m->off, x86_reg_name(r, (u8)w));
	if (w >= 4) {
		m->s->reg[p] = v;
		m->s->def[p] = 0xff;
		return 0;
	}
	nv = sh ? mk(m, LF_SHL, v, K(m, sh), 0) : v;
	if (m->s->def[p])
		nv = mk(m, LF_OR,
			mk(m, LF_AND, m->s->reg[p], K(m, ~(wmask(w) << sh)), 0),
			nv, 0);
	m->s->reg[p] = nv;
	m->s->def[p] |= bm;
	return 0;
}

/* ---- memory ------------------------------------------------------- */

/* eaddr - the effective address of 'mm' as a term. */
static int eaddr(struct mach *m, const struct x86_mem *mm, lf_ref *ea)
{
	lf_ref x = 0, y;
	int rc;

	if (mm->base != X86_NOREG && (rc = rdreg(m, mm->base, 8, &x)))
		return rc;
	if (mm->index != X86_NOREG) {
		if (mm->scale != 1 && mm->scale != 2 && mm->scale != 4 &&
		    mm->scale != 8)
			return pccf_fail(m->e, PCCF_EDECODE,
					 "offset %x: bad scale %u", m->off,
					 mm->scale);
		if ((rc = rdreg(m, mm->index, 8, &y)))
			return rc;
		y = mk(m, LF_MUL, y, K(m, mm->scale), 0); /* lf_mk: y*1 = y */
		x = x ? mk(m, LF_ADD, x, y, 0) : y;
	}
	y = K(m, (u64)(s64)mm->disp);
	*ea = x ? mk(m, LF_ADD, x, y, 0) : y; /* lf_mk: x+0 = x */
	return 0;
}

/* region - classify address 'ea' of an 'n'-byte access: 0 = packet with
 * '*off' = ea - pkt, 1 = scratch word '*slot', or a rejection. */
static int region(struct mach *m, lf_ref ea, u32 n, int *kind, lf_ref *off,
		  u32 *slot)
{
	u8 t = taint(m, ea);
	const char *why = 0;
	u64 k;

	if (t == LF_T_PKT) {
		*off = mk(m, LF_SUB, ea, lf_var(m->tab, LF_V_PKT, 64), 0);
		if (taint(m, *off))	/* 0 on a failed build: caller checks bad */
			return no(m, PCCF_EPOLICY, "packet address not of the form pkt + offset");
		*kind = 0;
		return 0;
	}
	if (t == (LF_T_PKT | LF_T_MEM))
		return no(m, PCCF_EPOLICY, "address straddles packet and scratch");
	if (t != LF_T_MEM)
		return no(m, PCCF_EPOLICY, "access outside packet and scratch (address not based on rdi or rcx)");
	*off = mk(m, LF_SUB, ea, lf_var(m->tab, LF_V_MEM, 64), 0);
	if (m->bad)
		return 0;
	if (!lf_isconst(m->tab, *off, &k))
		return no(m, PCCF_EPOLICY, "scratch address is not mem + constant");
	if (n != 4 && n != 8)
		why = "not supported (4 or 8 only)";
	else if (k > 64 || n > 64 - k)
		why = "is outside scratch";
	else if (k % n)
		why = "not aligned";
	if (why)
		return pccf_fail(m->e, PCCF_EPOLICY,
				 "offset %x: scratch access at mem+%U of %u bytes %s",
				 m->off, k, n, why);
	*kind = 1;
	*slot = (u32)(k / 4);
	return 0;
}

/* rdmem - load 'n' bytes at 'mm' into '*v', appending the packet
 * obligation to '*m->obl'. */
static int rdmem(struct mach *m, const struct x86_mem *mm, u32 n, lf_ref *v)
{
	lf_ref ea = 0, off = 0, atom;
	u32 i = 0;
	int kind = 0, rc;

	if ((rc = eaddr(m, mm, &ea)) || m->bad)
		return rc;
	if ((rc = region(m, ea, n, &kind, &off, &i)) || m->bad)
		return rc;
	if (kind == 0) {
		atom = mk(m, LF_INB, off, lf_var(m->tab, LF_V_CAPLEN, 32), n);
		*m->obl = mk(m, LF_PAND, *m->obl, atom, 0);
		*v = mk(m, LF_LD, ea, 0, n);
		return 0;
	}
	if (!m->s->slot[i] || (n == 8 && !m->s->slot[i + 1]))
		return pccf_fail(m->e, PCCF_EPOLICY,
				 "offset %x: reads scratch word %u, never written on this path",
				 m->off, m->s->slot[i] ? i + 1 : i);
	*v = m->s->slot[i];
	if (n == 8)
		*v = mk(m, LF_OR, *v,
			mk(m, LF_SHL, m->s->slot[i + 1], K(m, 32), 0), 0);
	return 0;
}

/* wrmem - store the 'n'-byte value 'v' at 'mm': scratch only, untainted. */
static int wrmem(struct mach *m, const struct x86_mem *mm, u32 n, lf_ref v)
{
	lf_ref ea = 0, off = 0;
	u32 i = 0;
	int kind = 0, rc;

	if ((rc = eaddr(m, mm, &ea)) || m->bad)
		return rc;
	if (taint(m, ea) == LF_T_PKT)
		return no(m, PCCF_EPOLICY, "write to the packet");
	if ((rc = region(m, ea, n, &kind, &off, &i)) || m->bad)
		return rc;
	if (taint(m, v))
		return no(m, PCCF_EPOLICY, "stores a value derived from an address");
	if (n == 4) {
		m->s->slot[i] = v;
	} else {
		m->s->slot[i] = mk(m, LF_AND, v, K(m, 0xffffffffu), 0);
		m->s->slot[i + 1] = mk(m, LF_SHR, v, K(m, 32), 0);
	}
	return 0;
}

/* ---- operands ----------------------------------------------------- */

/* rdop - operand 'o' as a masked term; immediates are masked to 'w'. */
static int rdop(struct mach *m, const struct x86_opnd *o, u32 w, lf_ref *v)
{
	switch (o->kind) {
	case X86_OREG:
		return rdreg(m, o->reg, o->size, v);
	case X86_OMEM:
		return rdmem(m, &o->mem, o->size, v);
	case X86_OIMM:
		*v = K(m, (u64)o->imm & wmask(w));
		return 0;
	}
	return no(m, PCCF_EDECODE, "missing operand");
}

/* wrop - operand 'o' := 'v' (masked to o->size). */
static int wrop(struct mach *m, const struct x86_opnd *o, lf_ref v)
{
	switch (o->kind) {
	case X86_OREG:
		return wrreg(m, o->reg, o->size, v);
	case X86_OMEM:
		return wrmem(m, &o->mem, o->size, v);
	}
	return no(m, PCCF_EDECODE, "destination is not a register or memory");
}

/* ---- flags ------------------------------------------------------- */

/* pxor - the proposition "exactly one of 'p', 'q'". */
static lf_ref pxor(struct mach *m, lf_ref p, lf_ref q)
{
	return mk(m, LF_POR, mk(m, LF_PAND, p, mk(m, LF_PNOT, q, 0, 0), 0),
		  mk(m, LF_PAND, mk(m, LF_PNOT, p, 0, 0), q, 0), 0);
}

/*
 * setflags - install the single flags in 'wr' (EFLAGS bits; props in
 * 'f', by vc_flag index) and clear those in 'un'.  The combined
 * conditions come from 'f' when given there (cmp, test), else from the
 * single flags now in the state; undefined when one of those is.
 */
static void setflags(struct mach *m, u16 wr, u16 un, const lf_ref *f)
{
	lf_ref *s = m->s->flag, be, lt;
	u32 i;

	/* this also writes the combined ones; they are recomputed below */
	for (i = 0; i < VC_NFLAGS; i++) {
		if (wr & flag_reads[i])
			s[i] = f[i];
		else if (un & flag_reads[i])
			s[i] = 0;
	}
	be = s[VC_CF] && s[VC_ZF] ? mk(m, LF_POR, s[VC_CF], s[VC_ZF], 0) : 0;
	lt = s[VC_SF] && s[VC_OF] ? pxor(m, s[VC_SF], s[VC_OF]) : 0;
	s[VC_BE] = f[VC_BE] ? f[VC_BE] : be;
	s[VC_LT] = f[VC_LT] ? f[VC_LT] : lt;
	s[VC_LE] = f[VC_LE] ? f[VC_LE] :
		   s[VC_ZF] && lt ? mk(m, LF_POR, s[VC_ZF], lt, 0) : 0;
}

/* szp - ZF, SF, PF of the 'w'-byte result 'r' into 'f'. */
static void szp(struct mach *m, lf_ref *f, lf_ref r, u32 w)
{
	f[VC_ZF] = zerop(m, r);
	f[VC_SF] = msbp(m, r, w);
	f[VC_PF] = parity(m, r);
}

/*
 * arith - r = x + y + c ('sub' 0) or r = x - y - c ('sub' 1) at width
 * 'w', its flags into 'f'; 'c' is the carry (borrow) in, a proposition
 * added as the word BOOL(c), or 0.  Carry out: r < x (add), x < y (sub),
 * or with a carry in also r == x (add), x == y (sub).  Overflow: the sign
 * of (x ^ r) & (y ^ r) (add), (x ^ r) & (y ^ x) (sub).
 */
static lf_ref arith(struct mach *m, lf_ref *f, int sub, lf_ref x, lf_ref y,
		    lf_ref c, u32 w)
{
	u8 op = sub ? LF_SUB : LF_ADD;
	lf_ref r = mk(m, op, x, y, 0), lo, hi;

	if (c)
		r = mk(m, op, r, mk(m, LF_BOOL, c, 0, 0), 0);
	r = msk(m, r, w);
	lo = sub ? x : r;
	hi = sub ? y : x;
	f[VC_CF] = mk(m, LF_ULT, lo, hi, 0);
	if (c)
		f[VC_CF] = mk(m, LF_POR, f[VC_CF],
			      mk(m, LF_PAND, c, mk(m, LF_EQ, lo, hi, 0), 0), 0);
	f[VC_OF] = msbp(m, mk(m, LF_AND, mk(m, LF_XOR, x, r, 0),
			      mk(m, LF_XOR, y, lo, 0), 0), w);
	szp(m, f, r, w);
	return r;
}

/* ---- conditions --------------------------------------------------- */

/* cond - vc_cond's work on a context 'm'. */
static int cond(struct mach *m, const struct vc_state *s, u8 cc, lf_ref *out)
{
	static const u8 order[4] = { VC_CF, VC_ZF, VC_SF, VC_OF };
	u32 pair = (cc & 15) >> 1, i;
	lf_ref c = s->flag[pair];
	const char *name = flag_name[pair];

	if (!c) {	/* name the first undefined flag it reads */
		for (i = 4; i-- > 0;)
			if ((flag_reads[pair] & flag_reads[order[i]]) &&
			    !s->flag[order[i]])
				name = flag_name[order[i]];
		return pccf_fail(m->e, PCCF_EPOLICY,
				 "offset %x: reads flag %s, undefined on this path",
				 m->off, name);
	}
	if (taint(m, c))
		return no(m, PCCF_EPOLICY, "condition derived from an address");
	*out = cc & 1 ? mk(m, LF_PNOT, c, 0, 0) : c;
	return 0;
}

/* ---- instructions ------------------------------------------------- */

/* alu - add adc sub sbb cmp and or xor test: o[0] op= o[1]. */
static int alu(struct mach *m, const struct x86_insn *in)
{
	u32 w = in->opsize;
	u8 op = in->mnem;
	const struct x86_opnd *d = &in->o[0], *src = &in->o[1];
	lf_ref a = 0, b = 0, r = 0, c = 0, f[VC_NFLAGS] = { 0 };
	int rc;

	if ((op == X86_XOR || op == X86_SUB || op == X86_SBB) &&
	    d->kind == X86_OREG && src->kind == X86_OREG &&
	    d->reg == src->reg && d->size == src->size) {
		a = b = K(m, 0);	/* zeroing idiom: no earlier value */
	} else if ((rc = rdop(m, d, w, &a)) || (rc = rdop(m, src, w, &b))) {
		return rc;
	}
	if ((op == X86_ADC || op == X86_SBB) &&
	    (rc = cond(m, m->s, X86_CC_B, &c)))
		return rc;
	switch (op) {
	case X86_ADD:
	case X86_ADC:
		r = arith(m, f, 0, a, b, c, w);
		break;
	case X86_SUB:
	case X86_SBB:
	case X86_CMP:
		r = arith(m, f, 1, a, b, c, w);
		break;
	default:
		r = mk(m, op == X86_OR ? LF_OR : op == X86_XOR ? LF_XOR : LF_AND,
		       a, b, 0);
		f[VC_CF] = f[VC_OF] = pfalse(m);
		szp(m, f, r, w);
		f[VC_LE] = mk(m, LF_SLE, sx(m, r, w), K(m, 0), 0);
	}
	if (op == X86_CMP || op == X86_SUB) {	/* conditions on a and b */
		f[VC_ZF] = mk(m, LF_EQ, a, b, 0);
		f[VC_BE] = mk(m, LF_ULE, a, b, 0);
		f[VC_LT] = mk(m, LF_SLT, sx(m, a, w), sx(m, b, w), 0);
		f[VC_LE] = mk(m, LF_SLE, sx(m, a, w), sx(m, b, w), 0);
	}
	setflags(m, x86_flags_written[op], x86_flags_undef[op], f);
	if (op == X86_CMP || op == X86_TEST)
		return 0;
	return wrop(m, d, r);
}

/* unary - neg not inc dec on o[0]. */
static int unary(struct mach *m, const struct x86_insn *in)
{
	u32 w = in->opsize;
	u8 op = in->mnem;
	lf_ref a = 0, r, f[VC_NFLAGS] = { 0 };
	int rc;

	if ((rc = rdop(m, &in->o[0], w, &a)))
		return rc;
	switch (op) {
	case X86_NOT:
		return wrop(m, &in->o[0], msk(m, mk(m, LF_NOT, a, 0, 0), w));
	case X86_NEG:
		r = arith(m, f, 1, K(m, 0), a, 0, w);
		break;
	case X86_INC:
		r = arith(m, f, 0, a, K(m, 1), 0, w);
		break;
	default:		/* DEC */
		r = arith(m, f, 1, a, K(m, 1), 0, w);
	}
	setflags(m, x86_flags_written[op], x86_flags_undef[op], f);
	return wrop(m, &in->o[0], r);
}

/* shiftflags - flags of a shift or rotate by the constant count 'c'
 * (1..63, masked) of the 'w'-byte value 'a' with result 'r'. */
static void shiftflags(struct mach *m, u8 op, u32 w, u32 c, lf_ref a,
		       lf_ref r)
{
	u32 W = 8 * w, rol = op == X86_ROL;
	u16 wr = x86_flags_written[op], un = x86_flags_undef[op];
	lf_ref f[VC_NFLAGS] = { 0 }, x;

	if (c == 1)
		wr |= X86_OF;	/* defined for a count of one only */
	if (op == X86_ROL || op == X86_ROR) {
		/* CF: the bit rotated in; OF: msb ^ (rol: CF, ror: msb-1) */
		x = mk(m, LF_SHL, r, K(m, rol ? W - 1 : 1), 0);
		f[VC_CF] = bitp(m, r, rol ? 0 : W - 1);
		f[VC_OF] = bitp(m, mk(m, LF_XOR, r, x, 0), W - 1);
		setflags(m, wr, un, f);
		return;
	}
	if (c < W) {
		f[VC_CF] = op == X86_SHL ? bitp(m, a, W - c) : bitp(m, a, c - 1);
	} else {
		wr &= (u16)~X86_CF;	/* count >= width: CPU-specific */
		un |= X86_CF;
	}
	if (c == 1)
		f[VC_OF] = op == X86_SHL ? msbp(m, mk(m, LF_XOR, a, r, 0), w) :
			   op == X86_SHR ? msbp(m, a, w) : pfalse(m);
	szp(m, f, r, w);
	setflags(m, wr, un, f);
}

/* shift - shl shr sar rol ror o[0] by o[1] (an immediate or cl). */
static int shift(struct mach *m, const struct x86_insn *in)
{
	u32 w = in->opsize, W = 8 * w;
	u8 op = in->mnem;
	u64 cmask = w == 8 ? 63 : 31, k = 0;
	lf_ref a = 0, cl = 0, cnt, r, f[VC_NFLAGS] = { 0 };
	int rc, isk = 1;

	if ((rc = rdop(m, &in->o[0], w, &a)))
		return rc;
	if (in->o[1].kind == X86_OIMM) {
		k = (u64)in->o[1].imm & cmask;
	} else {
		if (in->o[1].kind != X86_OREG || in->o[1].reg != X86_RCX)
			return no(m, PCCF_EDECODE, "shift count is not cl");
		if ((rc = rdreg(m, X86_RCX, 1, &cl)))
			return rc;
		isk = !m->bad && lf_isconst(m->tab, cl, &k);
		k &= cmask;
	}
	if (isk && k == 0)	/* no flags change; 32-bit still zero-extends */
		return wrop(m, &in->o[0], a);
	if (op == X86_ROL || op == X86_ROR) {
		cnt = isk ? K(m, k % W) : mk(m, LF_AND, cl, K(m, W - 1), 0);
		r = mk(m, op == X86_ROL ? LF_ROL : LF_ROR, a, cnt, W);
	} else {
		cnt = isk ? K(m, k) : mk(m, LF_AND, cl, K(m, cmask), 0);
		if (op == X86_SHL)
			r = msk(m, mk(m, LF_SHL, a, cnt, 0), w);
		else if (op == X86_SHR)
			r = mk(m, LF_SHR, a, cnt, 0);
		else
			r = msk(m, mk(m, LF_SAR, sx(m, a, w), cnt, 0), w);
	}
	if (isk)
		shiftflags(m, op, w, (u32)k, a, r);
	else
		setflags(m, 0, x86_flags_written[op] | x86_flags_undef[op], f);
	return wrop(m, &in->o[0], r);
}

/* imul - 2- and 3-operand imul: CF = OF = "the signed product does not
 * fit"; exact for 16 and 32 bits, left undefined for 64 bits (the high
 * half of a 128-bit product has no term). */
static int imul(struct mach *m, const struct x86_insn *in)
{
	u32 w = in->opsize;
	/* the sources: o[1] and the immediate o[2], or o[0] and o[1] */
	const struct x86_opnd *src =
		in->o[2].kind == X86_OIMM ? &in->o[1] : &in->o[0];
	lf_ref a = 0, b = 0, r, full, f[VC_NFLAGS] = { 0 };
	u16 wr = 0;
	int rc;

	if (w < 2)
		return no(m, PCCF_EDECODE, "8-bit imul not accepted");
	if ((rc = rdop(m, src, w, &a)) || (rc = rdop(m, src + 1, w, &b)))
		return rc;
	r = msk(m, mk(m, LF_MUL, a, b, 0), w);
	if (w < 8) {
		full = mk(m, LF_MUL, sx(m, a, w), sx(m, b, w), 0);
		f[VC_CF] = f[VC_OF] =
			mk(m, LF_PNOT, mk(m, LF_EQ, full, sx(m, r, w), 0), 0, 0);
		wr = X86_CF | X86_OF;
	}
	setflags(m, wr, X86_ALLF, f);	/* wr wins over undefined */
	return wrop(m, &in->o[0], r);
}

/* udiv - div o[0]: rdx:rax by the divisor, with the obligation that the
 * divisor is nonzero and above the high half.  A 64-bit div needs a high
 * half that is the constant 0 (the 128-bit dividend has no term). */
static int udiv(struct mach *m, const struct x86_insn *in)
{
	u32 w = in->opsize;
	lf_ref d = 0, lo = 0, hi = 0, n, q, rem, ob, f[VC_NFLAGS] = { 0 };
	u64 k;
	int rc;

	if (w < 2)
		return no(m, PCCF_EDECODE, "8-bit div not accepted");
	if ((rc = rdop(m, &in->o[0], w, &d)) ||
	    (rc = rdreg(m, X86_RAX, w, &lo)) || (rc = rdreg(m, X86_RDX, w, &hi)))
		return rc;
	if (m->bad)
		return 0;
	if (taint(m, d) || taint(m, lo) || taint(m, hi))
		return no(m, PCCF_EPOLICY, "div operand derived from an address");
	ob = mk(m, LF_PAND, mk(m, LF_PNOT, zerop(m, d), 0, 0),
		mk(m, LF_ULT, hi, d, 0), 0);
	*m->obl = mk(m, LF_PAND, *m->obl, ob, 0);
	if (lf_isconst(m->tab, hi, &k) && k == 0)
		n = lo;
	else if (w == 8)
		return no(m, PCCF_EPOLICY, "64-bit div with a high half (rdx) that is not 0 is not supported");
	else
		n = mk(m, LF_OR, mk(m, LF_SHL, hi, K(m, 8 * w), 0), lo, 0);
	q = mk(m, LF_UDIV, n, d, 0);
	rem = mk(m, LF_UREM, n, d, 0);
	setflags(m, 0, X86_ALLF, f);
	if ((rc = wrreg(m, X86_RAX, w, q)))
		return rc;
	return wrreg(m, X86_RDX, w, rem);
}

/* moves - mov movzx movsx lea bswap xchg cdqe setcc cmovcc: no flags. */
static int moves(struct mach *m, const struct x86_insn *in)
{
	u32 w = in->opsize;
	lf_ref v = 0, v2 = 0, c = 0, mm;
	int rc;

	switch (in->mnem) {
	case X86_MOV:
	case X86_MOVZX:
		if ((rc = rdop(m, &in->o[1], in->o[0].size, &v)))
			return rc;
		return wrop(m, &in->o[0], v);
	case X86_MOVSX:
		if ((rc = rdop(m, &in->o[1], in->o[1].size, &v)))
			return rc;
		v = msk(m, sx(m, v, in->o[1].size), in->o[0].size);
		return wrop(m, &in->o[0], v);
	case X86_LEA:
		if (in->o[1].kind != X86_OMEM || in->o[0].kind != X86_OREG)
			return no(m, PCCF_EDECODE, "bad lea operands");
		if ((rc = eaddr(m, &in->o[1].mem, &v)))
			return rc;
		return wrop(m, &in->o[0], msk(m, v, in->o[0].size));
	case X86_BSWAP:
		if (w != 4 && w != 8)
			return no(m, PCCF_EDECODE, "16-bit bswap not accepted");
		if ((rc = rdop(m, &in->o[0], w, &v)))
			return rc;
		return wrop(m, &in->o[0], mk(m, LF_BSWAP, v, 0, w));
	case X86_XCHG:
		if (in->o[0].kind != X86_OREG || in->o[1].kind != X86_OREG)
			return no(m, PCCF_EDECODE, "xchg with memory not accepted");
		if ((rc = rdop(m, &in->o[0], w, &v)) ||
		    (rc = rdop(m, &in->o[1], w, &v2)) ||
		    (rc = wrop(m, &in->o[0], v2)))
			return rc;
		return wrop(m, &in->o[1], v);
	case X86_SETCC:
		if ((rc = cond(m, m->s, in->cc, &c)))
			return rc;
		return wrop(m, &in->o[0], mk(m, LF_BOOL, c, 0, 0));
	case X86_CMOVCC:	/* a memory source is read even when false */
		if (in->o[0].kind != X86_OREG)
			return no(m, PCCF_EDECODE, "cmov to memory");
		if ((rc = rdop(m, &in->o[1], w, &v)) ||
		    (rc = rdop(m, &in->o[0], w, &v2)) ||
		    (rc = cond(m, m->s, in->cc, &c)))
			return rc;
		/* all ones when taken */
		mm = mk(m, LF_NEG, mk(m, LF_BOOL, c, 0, 0), 0, 0);
		return wrop(m, &in->o[0],
			    mk(m, LF_OR, mk(m, LF_AND, v, mm, 0),
			       mk(m, LF_AND, v2, mk(m, LF_NOT, mm, 0, 0), 0), 0));
	default:		/* CDQE: rax's low half sign-extended */
		if (w != 2 && w != 4 && w != 8)
			return no(m, PCCF_EDECODE, "bad cbw/cwde/cdqe size");
		if ((rc = rdreg(m, X86_RAX, w / 2, &v)))
			return rc;
		return wrreg(m, X86_RAX, w, msk(m, sx(m, v, w / 2), w));
	}
}

/* dispatch - the instruction's effect, by mnemonic; any 'in->mnem' not
 * listed (also one >= X86_NMNEM) is rejected before a table is indexed. */
static int dispatch(struct mach *m, const struct x86_insn *in)
{
	switch (in->mnem) {
	case X86_ADD: case X86_ADC: case X86_SUB: case X86_SBB:
	case X86_CMP: case X86_AND: case X86_OR: case X86_XOR:
	case X86_TEST:
		return alu(m, in);
	case X86_NEG: case X86_NOT: case X86_INC: case X86_DEC:
		return unary(m, in);
	case X86_SHL: case X86_SHR: case X86_SAR: case X86_ROL:
	case X86_ROR:
		return shift(m, in);
	case X86_IMUL:
		return imul(m, in);
	case X86_DIV:
		return udiv(m, in);
	case X86_MOV: case X86_MOVZX: case X86_MOVSX: case X86_LEA:
	case X86_BSWAP: case X86_XCHG: case X86_CDQE: case X86_SETCC:
	case X86_CMOVCC:
		return moves(m, in);
	case X86_ENDBR64: case X86_NOP:
		return 0;
	case X86_JCC: case X86_JMP: case X86_RET:
		return no(m, PCCF_EDECODE, "control transfer given to vc_step");
	}
	return pccf_fail(m->e, PCCF_EDECODE, "offset %x: unknown mnemonic %u",
			 m->off, in->mnem);
}

/* finish - turn a term-building failure of 'm' into a rejection. */
static int finish(struct mach *m, int rc)
{
	if (rc || !m->bad)
		return rc;
	if (m->tab->full)
		return no(m, PCCF_ELIMIT, "term table full");
	return no(m, PCCF_EPOLICY, "ill-formed term (internal)");
}

void vc_init_state(struct lf_tab *tab, struct vc_state *s)
{
	pccf_memset(s, 0, sizeof(*s));
	s->reg[X86_RDI] = lf_var(tab, LF_V_PKT, 64);
	s->reg[X86_RSI] = lf_var(tab, LF_V_CAPLEN, 32);
	s->reg[X86_RDX] = lf_var(tab, LF_V_WIRELEN, 32);
	s->reg[X86_RCX] = lf_var(tab, LF_V_MEM, 64);
	s->def[X86_RDI] = s->def[X86_RSI] = 0xff;
	s->def[X86_RDX] = s->def[X86_RCX] = 0xff;
}

int vc_step(struct lf_tab *tab, const struct x86_insn *in, struct vc_state *s,
	    lf_ref *obl, struct pccf_err *e)
{
	struct mach m = { .tab = tab, .s = s, .off = in->off, .obl = obl, .e = e };

	return finish(&m, dispatch(&m, in));
}

int vc_cond(struct lf_tab *tab, const struct vc_state *s, u8 cc, u32 off,
	    lf_ref *out, struct pccf_err *e)
{
	struct mach m = { .tab = tab, .off = off, .e = e };

	return finish(&m, cond(&m, s, cc, out));
}
