/*
 * x86_decode.c - the trusted decoder of the accepted x86-64 subset.
 *
 * A generic interpreter of the rows of x86_table.h: it reads the legacy
 * and REX prefixes, the opcode, finds the one row that matches (opcode
 * map, opcode, ModRM /digit), checks the prefixes against what the row
 * allows, then reads ModRM, SIB, displacement and immediate as the row's
 * operand forms say.  Every byte read is bounds-checked against the code
 * and against the 15-byte limit; anything outside the table is rejected
 * with the offset and, where X86_REJECTS knows it, the instruction's name.
 *
 * Trusts: pccf_fail (compat.c); nothing in the input.
 */
#include "pccf/compat.h"
#include "x86.h"
#include "x86_table.h"

#define X(n, w, u) #n,
const char *const x86_mnem_name[X86_NMNEM] = { X86_MNEMONICS(X) };
#undef X
#define X(n, w, u) (u16)(w),
const u16 x86_flags_written[X86_NMNEM] = { X86_MNEMONICS(X) };
#undef X
#define X(n, w, u) (u16)(u),
const u16 x86_flags_undef[X86_NMNEM] = { X86_MNEMONICS(X) };
#undef X

static const struct x86_row rows[] = { X86_TABLE(X86_ROW) };
static const struct x86_reject rejects[] = { X86_REJECTS(X86_REJ) };
#define NROWS (sizeof(rows) / sizeof(rows[0]))
#define NREJECTS (sizeof(rejects) / sizeof(rejects[0]))

#define MAX_INSN 15

/* Prefix bits seen before the opcode. */
#define P_66   0x01u
#define P_67   0x02u
#define P_F0   0x04u
#define P_F2   0x08u
#define P_F3   0x10u
#define P_SEG  0x20u	/* 26, 2E, 36, 3E */
#define P_FSGS 0x40u	/* 64, 65 */

/* The decoder's cursor over one instruction. */
struct dec {
	const u8 *code;
	u32 len;		/* code length */
	u32 off;		/* first byte of the instruction */
	u32 pos;		/* next byte to read */
	struct pccf_err *e;
	u8 pfx;			/* P_* */
	u8 rex;			/* effective REX byte, 0 if none */
	u8 map, op;
	u8 modrm;		/* valid when has_modrm */
	u8 has_modrm;
};

/* no - the rejection 'fmt' of the instruction ('fmt' takes its offset). */
static int no(const struct dec *d, const char *fmt)
{
	return pccf_fail(d->e, PCCF_EDECODE, fmt, d->off);
}

/* no_on - the rejection 'fmt' (offset, then 'name') of the instruction. */
static int no_on(const struct dec *d, const char *fmt, const char *name)
{
	return pccf_fail(d->e, PCCF_EDECODE, fmt, d->off, name);
}

/* fetch - read the next byte of the instruction into '*b', or reject. */
static int fetch(struct dec *d, u8 *b)
{
	if (d->pos - d->off >= MAX_INSN)
		return no(d, "offset %x: instruction longer than 15 bytes");
	if (d->pos >= d->len)
		return no(d, "instruction at offset %x runs past the end of the code");
	*b = d->code[d->pos++];
	return 0;
}

/* fetch_sext - read an 'n'-byte (1, 2, 4 or 8) little-endian field into
 * '*v', sign-extended to 64 bits. */
static int fetch_sext(struct dec *d, u32 n, s64 *v)
{
	u64 u = 0;
	u32 i;
	u8 b = 0;

	for (i = 0; i < n; i++) {
		if (fetch(d, &b))
			return PCCF_EDECODE;
		u |= (u64)b << (8 * i);
	}
	if (n < 8 && (b & 0x80))	/* 'b' is the top byte: copy its sign up */
		u |= ~(u64)0 << (8 * n);
	*v = (s64)u;
	return 0;
}

/* opname - "0f b6 /3" style text for the opcode in 'd' into 'buf' (12). */
static const char *opname(const struct dec *d, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char *s = buf;

	if (d->map) {
		*s++ = '0';
		*s++ = 'f';
		*s++ = ' ';
	}
	*s++ = hex[d->op >> 4];
	*s++ = hex[d->op & 15];
	if (d->has_modrm) {
		*s++ = ' ';
		*s++ = '/';
		*s++ = (char)('0' + ((d->modrm >> 3) & 7));
	}
	*s = 0;
	return buf;
}

/* legacy_prefix - the P_* bit of legacy prefix byte 'b', 0 if it is none. */
static u8 legacy_prefix(u8 b)
{
	switch (b) {
	case 0x66: return P_66;
	case 0x67: return P_67;
	case 0xf0: return P_F0;
	case 0xf2: return P_F2;
	case 0xf3: return P_F3;
	case 0x26: case 0x2e: case 0x36: case 0x3e: return P_SEG;
	case 0x64: case 0x65: return P_FSGS;
	default: return 0;
	}
}

/* read_prefixes - consume legacy and REX prefixes; leaves 'pos' at the
 * opcode.  A REX counts only directly before the opcode (a legacy
 * prefix after it cancels it); of several REX bytes the last counts. */
static int read_prefixes(struct dec *d)
{
	u8 b = 0;

	for (;;) {
		if (fetch(d, &b))
			return PCCF_EDECODE;
		if (legacy_prefix(b)) {
			d->pfx |= legacy_prefix(b);
			d->rex = 0;
		} else if ((b & 0xf0) == 0x40) {
			d->rex = b;
		} else {
			d->pos--;	/* the opcode: read again by read_opcode */
			return 0;
		}
	}
}

/* check_global_prefixes - reject prefixes no row allows. */
static int check_global_prefixes(struct dec *d)
{
	if (d->pfx & P_F0)
		return no(d, "offset %x: lock prefix (f0)");
	if (d->pfx & P_F2)
		return no(d, "offset %x: repne prefix (f2)");
	if (d->pfx & P_67)
		return no(d, "offset %x: address-size prefix (67)");
	if (d->pfx & P_FSGS)
		return no(d, "offset %x: fs/gs segment prefix (64/65)");
	return 0;
}

/* read_opcode - the opcode map and byte into 'd'. */
static int read_opcode(struct dec *d)
{
	u8 b = 0;

	if (fetch(d, &b))
		return PCCF_EDECODE;
	if (b == 0x0f) {
		d->map = 1;
		if (fetch(d, &b))
			return PCCF_EDECODE;
	}
	d->op = b;
	return 0;
}

/* needs_modrm - whether the opcode 'map'/'op' has a ModRM byte in any
 * row that might match (then the /digit selects among them). */
static int needs_modrm(const struct x86_row *r)
{
	u32 i;

	if (r->digit >= 0 || (r->flags & XF_ENDBR))
		return 1;
	for (i = 0; i < 3; i++)
		if (r->o[i] >= XO_E && r->o[i] <= XO_G)	/* the ModRM forms */
			return 1;
	return 0;
}

/* in_range - whether opcode 'op' of map 'map' falls in 'r_map'/'r_op'/'n'. */
static int in_range(u8 r_map, u8 r_op, u8 n, u8 map, u8 op)
{
	return r_map == map && op >= r_op && (u32)(op - r_op) < n;
}

/* reject_unlisted - the rejection for an opcode without a row. */
static int reject_unlisted(struct dec *d)
{
	char buf[12];
	u32 i;

	for (i = 0; i < NREJECTS; i++) {
		const struct x86_reject *r = &rejects[i];

		if (!in_range(r->map, r->op, r->n, d->map, d->op))
			continue;
		if (r->digit >= 0 &&
		    (!d->has_modrm || ((d->modrm >> 3) & 7) != (u8)r->digit))
			continue;
		return pccf_fail(d->e, PCCF_EDECODE,
				 "offset %x: %s (opcode %s) is not in the accepted subset",
				 d->off, r->name, opname(d, buf));
	}
	return pccf_fail(d->e, PCCF_EDECODE,
			 "offset %x: opcode %s is not in the accepted subset",
			 d->off, opname(d, buf));
}

/* find_row - the row for the opcode in 'd' into '*found', reading the
 * ModRM byte when the opcode has one; the rejection when none matches. */
static int find_row(struct dec *d, const struct x86_row **found)
{
	u32 i;

	for (i = 0; i < NROWS; i++) {
		const struct x86_row *r = &rows[i];

		if (!in_range(r->map, r->op, r->n, d->map, d->op))
			continue;
		if (needs_modrm(r) && !d->has_modrm) {
			if (fetch(d, &d->modrm))
				return PCCF_EDECODE;
			d->has_modrm = 1;
		}
		if (r->digit >= 0 && ((d->modrm >> 3) & 7) != (u8)r->digit)
			continue;
		*found = r;
		return 0;
	}
	return reject_unlisted(d);
}

/* check_row_prefixes - the prefixes of 'd' against what row 'r' allows. */
static int check_row_prefixes(struct dec *d, const struct x86_row *r)
{
	const char *name = x86_mnem_name[r->mnem];

	if ((d->pfx & P_F3) && !(r->flags & XF_F3)) {
		if (d->map == 0 && d->op == 0x90 && !(d->rex & 1))
			return no(d, "offset %x: pause (f3 90) is not in the accepted subset");
		return no_on(d, "offset %x: rep prefix (f3) on %s", name);
	}
	if (!(d->pfx & P_F3) && (r->flags & XF_F3))
		return no(d, "offset %x: opcode 0f 1e without f3 is not in the accepted subset");
	if ((d->pfx & P_66) && !(r->flags & XF_66)) {
		if (r->flags & XF_BR || r->mnem == X86_RET)
			return no_on(d, "offset %x: operand-size prefix (66) on a branch or return (%s)", name);
		return no_on(d, "offset %x: operand-size prefix (66) on %s", name);
	}
	if ((d->pfx & P_SEG) && !(r->flags & XF_SEG))
		return no_on(d, "offset %x: segment prefix on %s (allowed only on multi-byte nops)", name);
	if ((r->flags & XF_W) && !(d->rex & 8))
		return no(d, "offset %x: movsxd without REX.W is not in the accepted subset");
	return 0;
}

/* opsize - the operand size of row 'r' under the prefixes of 'd'. */
static u8 opsize(const struct dec *d, const struct x86_row *r)
{
	if (r->width == XW_B)
		return 1;
	if (r->width == XW_Q || (d->rex & 8))
		return 8;
	return (d->pfx & P_66) ? 2 : 4;
}

/* set_reg - 'o' is register 'r' (0-15) of 'size' bytes.  Without any
 * REX, byte registers 4-7 are ah ch dh bh. */
static void set_reg(const struct dec *d, struct x86_opnd *o, u8 r, u8 size)
{
	o->kind = X86_OREG;
	o->size = size;
	o->reg = r;
	if (size == 1 && !d->rex && r >= 4 && r < 8)
		o->reg = (u8)(X86_AH + (r - 4));
}

/* read_rm - the r/m operand of the ModRM byte into 'o' (size 'size'),
 * reading SIB and displacement; 'memonly'/'regonly' restrict it. */
static int read_rm(struct dec *d, struct x86_opnd *o, u8 size, const char *name,
		   int memonly, int regonly)
{
	u8 mod = d->modrm >> 6, rm = d->modrm & 7, sib = 0;
	s64 disp = 0;

	o->size = size;
	if (mod == 3) {
		if (memonly)
			return no_on(d, "offset %x: %s with a register operand", name);
		set_reg(d, o, (u8)(rm | ((d->rex & 1) << 3)), size);
		return 0;
	}
	if (regonly)
		return no_on(d, "offset %x: %s with a memory operand", name);
	o->kind = X86_OMEM;
	o->mem.base = X86_NOREG;
	o->mem.index = X86_NOREG;
	o->mem.scale = 1;
	if (rm == 4) {
		u8 idx, base;

		if (fetch(d, &sib))
			return PCCF_EDECODE;
		idx = (u8)(((sib >> 3) & 7) | ((d->rex & 2) << 2));
		base = (u8)((sib & 7) | ((d->rex & 1) << 3));
		if (idx != X86_RSP) {
			o->mem.index = idx;
			o->mem.scale = (u8)(1u << (sib >> 6));
		}
		if (!(mod == 0 && (sib & 7) == 5))
			o->mem.base = base;
		else
			mod = 2;	/* disp32, no base */
	} else if (mod == 0 && rm == 5) {
		return no(d, "offset %x: rip-relative addressing");
	} else {
		o->mem.base = (u8)(rm | ((d->rex & 1) << 3));
	}
	if (mod == 1 || mod == 2) {	/* disp8 or disp32 */
		if (fetch_sext(d, mod == 1 ? 1 : 4, &disp))
			return PCCF_EDECODE;
		o->mem.disp = (s32)disp;
	}
	return 0;
}

/* read_imm - an immediate of 'n' bytes, sign-extended, into 'o' (used
 * at 'size' bytes). */
static int read_imm(struct dec *d, struct x86_opnd *o, u32 n, u8 size)
{
	if (fetch_sext(d, n, &o->imm))
		return PCCF_EDECODE;
	o->kind = X86_OIMM;
	o->size = size;
	return 0;
}

/* find_reloc - whether 'at' is in the sorted reloc list 'rel'. */
static int find_reloc(const struct x86_relocs *rel, u32 at)
{
	u32 lo = 0, hi;

	if (!rel || !rel->off)
		return 0;
	hi = rel->n;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (rel->off[mid] == at)
			return 1;
		if (rel->off[mid] < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* branch - rel of 'n' bytes: fill the target of 'x', or turn an E9
 * through a reloc into RET. */
static int branch(struct dec *d, const struct x86_row *r, u32 n,
		  const struct x86_relocs *rel, struct x86_insn *x)
{
	u32 at = d->pos;
	s64 v, t;

	if (fetch_sext(d, n, &v))
		return PCCF_EDECODE;
	if ((r->flags & XF_RELOC) && find_reloc(rel, at)) {
		if (v != 0)
			return pccf_fail(d->e, PCCF_EDECODE,
					 "offset %x: return reloc at %x has a nonzero rel32",
					 d->off, at);
		x->mnem = X86_RET;
		return 0;
	}
	t = (s64)d->pos + v;
	if (t < 0 || t >= (s64)d->len)
		return pccf_fail(d->e, PCCF_EDECODE,
				 "offset %x: %s target %X is outside the code",
				 d->off, x86_mnem_name[r->mnem], (u64)t);
	x->target = (u32)t;
	return 0;
}

/* operand - decode operand form 'f' of row 'r' into 'o'. */
static int operand(struct dec *d, const struct x86_row *r, u8 f,
		   struct x86_opnd *o, u8 size)
{
	const char *name = x86_mnem_name[r->mnem];
	u8 reg = (u8)(((d->modrm >> 3) & 7) | ((d->rex & 4) << 1));

	switch (f) {
	case XO_E:
		return read_rm(d, o, size, name, 0, (r->flags & XF_REG) != 0);
	case XO_M:
		return read_rm(d, o, size, name, 1, 0);
	case XO_Eb: case XO_Ew: case XO_Ed:	/* sizes 1, 2, 4 */
		return read_rm(d, o, (u8)(1u << (f - XO_Eb)), name, 0, 0);
	case XO_G:
		set_reg(d, o, reg, size);
		return 0;
	case XO_Z:
		set_reg(d, o, (u8)((d->op - r->op) | ((d->rex & 1) << 3)), size);
		return 0;
	case XO_A:
		set_reg(d, o, X86_RAX, size);
		return 0;
	case XO_CL:
		set_reg(d, o, X86_RCX, 1);
		return 0;
	case XO_ONE:
		o->kind = X86_OIMM;
		o->size = 1;
		o->imm = 1;
		return 0;
	case XO_I:
		return read_imm(d, o, size > 4 ? 4 : size, size);
	case XO_Ib:
		return read_imm(d, o, 1, size);
	case XO_Ic:
		if (read_imm(d, o, 1, 1))
			return PCCF_EDECODE;
		o->imm &= 0xff;
		return 0;
	case XO_Iv:
		return read_imm(d, o, size, size);
	default:
		return no(d, "offset %x: internal: bad operand form");
	}
}

/* decode_row - operands and special rules of row 'r' into 'x'. */
static int decode_row(struct dec *d, const struct x86_row *r,
		      const struct x86_relocs *rel, struct x86_insn *x)
{
	u32 i;
	u8 size = opsize(d, r);

	x->mnem = r->mnem;
	x->opsize = size;
	if (r->flags & XF_CC)
		x->cc = (u8)(d->op - r->op);
	if (r->flags & XF_ENDBR) {
		if (d->modrm != 0xfa)
			return pccf_fail(d->e, PCCF_EDECODE,
					 "offset %x: f3 0f 1e with ModRM %x is not endbr64",
					 d->off, (u32)d->modrm);
		return 0;
	}
	if (r->flags & XF_BR)
		return branch(d, r, r->o[0] == XO_Jb ? 1 : 4, rel, x);
	for (i = 0; i < 3 && r->o[i] != XO_NONE; i++) {
		if (operand(d, r, r->o[i], &x->o[i], size))
			return PCCF_EDECODE;
	}
	x->nops = (u8)i;
	if ((r->flags & XF_NOOPS) ||
	    ((r->flags & XF_X90) && x->o[0].reg == X86_RAX)) {
		pccf_memset(x->o, 0, sizeof(x->o));
		x->nops = 0;
		x->mnem = X86_NOP;
	}
	return 0;
}

int x86_decode(const u8 *code, u32 len, u32 off, const struct x86_relocs *rel,
	       struct x86_insn *out, struct pccf_err *e)
{
	struct dec d;
	const struct x86_row *r = 0;

	pccf_memset(&d, 0, sizeof(d));
	pccf_memset(out, 0, sizeof(*out));
	d.code = code;
	d.len = len;
	d.off = off;
	d.pos = off;
	d.e = e;
	out->off = off;
	/* off >= len: the first fetch rejects it ("runs past the end") */
	if (read_prefixes(&d) || check_global_prefixes(&d) || read_opcode(&d) ||
	    find_row(&d, &r) || check_row_prefixes(&d, r) ||
	    decode_row(&d, r, rel, out))
		return PCCF_EDECODE;
	out->len = (u8)(d.pos - off);
	return 0;
}

static const char *const names64[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"
};
static const char *const names32[16] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
	"r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"
};
static const char *const names16[16] = {
	"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
	"r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"
};
static const char *const names8[20] = {
	"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
	"r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
	"ah", "ch", "dh", "bh"
};

const char *x86_reg_name(u8 r, u8 size)
{
	if (r >= X86_AH && r <= X86_BH)
		return names8[r];
	if (r > X86_R15)
		return "?";
	switch (size) {
	case 1: return names8[r];
	case 2: return names16[r];
	case 4: return names32[r];
	case 8: return names64[r];
	default: return "?";
	}
}
