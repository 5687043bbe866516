/*
 * emit.h - typed x86-64 instruction emitters for the BPF compiler.
 *
 * Each emitter appends one instruction to a 'struct buf'; the comment
 * on each shows the assembly it produces (Intel syntax), so the byte
 * sequences stay reviewable.  Registers are 'enum x86_reg' numbers
 * (0-15); emitters assert the field widths they encode.  Only what
 * bpf2x86.c needs is here, and only encodings the decoder accepts
 * (the 66 prefix only on the 16-bit rotate and the 16-bit memory
 * compares; byte registers only as setcc al).
 *
 * Untrusted: a wrong byte here shows up as a rejected object (or a
 * differential-test mismatch), never as unsafe accepted code.
 */
#ifndef PCCF_EMIT_H
#define PCCF_EMIT_H

#include <assert.h>
#include <stdint.h>
#include "prove.h"
#include "x86.h"

/* ALU opcode extensions (the /digit of 81 and 83), ORDER x86 group 1. */
enum emit_alu { EMIT_ADD = 0, EMIT_OR = 1, EMIT_AND = 4, EMIT_SUB = 5,
		EMIT_XOR = 6, EMIT_CMP = 7 };

/* Shift and rotate opcode extensions (the /digit of C1 and D3). */
enum emit_shift { EMIT_ROL = 0, EMIT_SHL = 4, EMIT_SHR = 5 };

/* fits8 - true when 'v' survives a round trip through a signed byte. */
static inline int emit_fits8(int64_t v)
{
	return v >= -128 && v <= 127;
}

/* emit_u32at - overwrite 4 bytes at 'pos' of 'b' with 'v', little-endian. */
static inline void emit_u32at(struct buf *b, size_t pos, uint32_t v)
{
	assert(pos + 4 <= b->n);
	b->p[pos] = v & 0xff;
	b->p[pos + 1] = v >> 8 & 0xff;
	b->p[pos + 2] = v >> 16 & 0xff;
	b->p[pos + 3] = v >> 24;
}

/*
 * emit_rex - a REX prefix with W = 'w' and the high bits of the ModRM
 * reg field 'r', the SIB index 'x' and the rm/base 'base'; nothing when
 * all four are clear.
 */
static inline void emit_rex(struct buf *b, int w, int r, int x, int base)
{
	uint8_t v = 0x40 | (w ? 8 : 0) | (r & 8) >> 1 | (x & 8) >> 2 |
		    (base & 8) >> 3;

	assert(r < 16 && x < 16 && base < 16);
	if (v != 0x40)
		buf_byte(b, v);
}

/* emit_modrm_rr - ModRM for a register-direct operand 'rm'. */
static inline void emit_modrm_rr(struct buf *b, int reg, int rm)
{
	buf_byte(b, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/*
 * emit_modrm_mem - ModRM (+ SIB + displacement) for [base + index + disp],
 * 'index' X86_NOREG for none, scale 1.  Encoding traps: rsp/r12 as a
 * base need a SIB byte; rbp/r13 as a base cannot use mod 00 (that means
 * rip-relative / no base), so they take a zero disp8.
 */
static inline void emit_modrm_mem(struct buf *b, int reg, int base, int index,
				  int32_t disp)
{
	int mod = disp == 0 && (base & 7) != 5 ? 0 : emit_fits8(disp) ? 1 : 2;
	int sib = index != X86_NOREG || (base & 7) == 4;

	assert(base < 16 && index != X86_RSP);
	buf_byte(b, mod << 6 | (reg & 7) << 3 | (sib ? 4 : base & 7));
	if (sib)	/* scale 1, index 100 = none */
		buf_byte(b, (index == X86_NOREG ? 4 : index & 7) << 3 |
				    (base & 7));
	if (mod == 1)
		buf_byte(b, (uint8_t)disp);
	else if (mod == 2)
		buf_u32(b, (uint32_t)disp);
}

/* emit_rex_mem - the REX prefix for a memory operand [base + index]. */
static inline void emit_rex_mem(struct buf *b, int w, int reg, int base,
				int index)
{
	emit_rex(b, w, reg, index == X86_NOREG ? 0 : index, base);
}

/* emit_mov32_rr - mov dst32, src32 (zero-extends into dst). */
static inline void emit_mov32_rr(struct buf *b, int dst, int src)
{
	emit_rex(b, 0, src, 0, dst);
	buf_byte(b, 0x89);		/* mov r/m32, r32 */
	emit_modrm_rr(b, src, dst);
}

/* emit_mov64_rr - mov dst, src. */
static inline void emit_mov64_rr(struct buf *b, int dst, int src)
{
	emit_rex(b, 1, src, 0, dst);
	buf_byte(b, 0x89);		/* mov r/m64, r64 */
	emit_modrm_rr(b, src, dst);
}

/* emit_mov32_ri - mov dst32, imm32 (leaves flags alone, unlike xor). */
static inline void emit_mov32_ri(struct buf *b, int dst, uint32_t imm)
{
	emit_rex(b, 0, 0, 0, dst);
	buf_byte(b, 0xb8 + (dst & 7));	/* mov r32, imm32 */
	buf_u32(b, imm);
}

/* emit_alu32_rr - op dst32, src32 for op in enum emit_alu. */
static inline void emit_alu32_rr(struct buf *b, enum emit_alu op, int dst,
				 int src)
{
	emit_rex(b, 0, src, 0, dst);
	buf_byte(b, op << 3 | 1);	/* add/or/and/sub/xor/cmp r/m32, r32 */
	emit_modrm_rr(b, src, dst);
}

/* emit_zero32 - xor dst32, dst32 (the zeroing idiom; writes flags). */
static inline void emit_zero32(struct buf *b, int dst)
{
	emit_alu32_rr(b, EMIT_XOR, dst, dst);
}

/*
 * emit_alu32_ri - op dst32, imm32, the shortest form: 83 /op ib when the
 * immediate fits a signed byte, the eax short form (op*8+5 id) for eax,
 * else 81 /op id.
 */
static inline void emit_alu32_ri(struct buf *b, enum emit_alu op, int dst,
				 uint32_t imm)
{
	if (emit_fits8((int32_t)imm)) {
		emit_rex(b, 0, 0, 0, dst);
		buf_byte(b, 0x83);	/* op r/m32, imm8 */
		emit_modrm_rr(b, op, dst);
		buf_byte(b, (uint8_t)imm);
	} else if (dst == X86_RAX) {
		buf_byte(b, op << 3 | 5);	/* op eax, imm32 */
		buf_u32(b, imm);
	} else {
		emit_rex(b, 0, 0, 0, dst);
		buf_byte(b, 0x81);	/* op r/m32, imm32 */
		emit_modrm_rr(b, op, dst);
		buf_u32(b, imm);
	}
}

/* emit_cmp64_ri - cmp reg, imm (imm sign-extended from 32 bits). */
static inline void emit_cmp64_ri(struct buf *b, int reg, int32_t imm)
{
	emit_rex(b, 1, 0, 0, reg);
	if (emit_fits8(imm)) {
		buf_byte(b, 0x83);	/* cmp r/m64, imm8 */
		emit_modrm_rr(b, EMIT_CMP, reg);
		buf_byte(b, (uint8_t)imm);
	} else {
		buf_byte(b, 0x81);	/* cmp r/m64, imm32 */
		emit_modrm_rr(b, EMIT_CMP, reg);
		buf_u32(b, (uint32_t)imm);
	}
}

/* emit_alu64_rr - op dst, src (64-bit) for op in enum emit_alu. */
static inline void emit_alu64_rr(struct buf *b, enum emit_alu op, int dst,
				 int src)
{
	emit_rex(b, 1, src, 0, dst);
	buf_byte(b, op << 3 | 1);	/* op r/m64, r64 */
	emit_modrm_rr(b, src, dst);
}

/* emit_test32_rr - test a32, b32. */
static inline void emit_test32_rr(struct buf *b, int a, int r)
{
	emit_rex(b, 0, r, 0, a);
	buf_byte(b, 0x85);		/* test r/m32, r32 */
	emit_modrm_rr(b, r, a);
}

/* emit_test32_ri - test reg32, imm32 (A9 id for eax, else F7 /0 id). */
static inline void emit_test32_ri(struct buf *b, int reg, uint32_t imm)
{
	if (reg == X86_RAX) {
		buf_byte(b, 0xa9);	/* test eax, imm32 */
	} else {
		emit_rex(b, 0, 0, 0, reg);
		buf_byte(b, 0xf7);	/* test r/m32, imm32 */
		emit_modrm_rr(b, 0, reg);
	}
	buf_u32(b, imm);
}

/* emit_shift32_ri - shl/shr/rol reg32, imm8 (imm 1..31). */
static inline void emit_shift32_ri(struct buf *b, enum emit_shift op, int reg,
				   uint8_t imm)
{
	assert(imm >= 1 && imm <= 31);
	emit_rex(b, 0, 0, 0, reg);
	buf_byte(b, 0xc1);		/* shl/shr/rol r/m32, imm8 */
	emit_modrm_rr(b, op, reg);
	buf_byte(b, imm);
}

/* emit_shift32_cl - shl/shr reg32, cl. */
static inline void emit_shift32_cl(struct buf *b, enum emit_shift op, int reg)
{
	emit_rex(b, 0, 0, 0, reg);
	buf_byte(b, 0xd3);		/* shl/shr r/m32, cl */
	emit_modrm_rr(b, op, reg);
}

/* emit_rol16_8 - rol reg16, 8: swap the two low bytes (ntohs). */
static inline void emit_rol16_8(struct buf *b, int reg)
{
	buf_byte(b, 0x66);		/* operand size 16 */
	emit_rex(b, 0, 0, 0, reg);
	buf_byte(b, 0xc1);		/* rol r/m16, imm8 */
	emit_modrm_rr(b, EMIT_ROL, reg);
	buf_byte(b, 8);
}

/* emit_bswap32 - bswap reg32 (ntohl). */
static inline void emit_bswap32(struct buf *b, int reg)
{
	emit_rex(b, 0, 0, 0, reg);
	buf_byte(b, 0x0f);		/* bswap r32 */
	buf_byte(b, 0xc8 + (reg & 7));
}

/* emit_neg32 - neg reg32. */
static inline void emit_neg32(struct buf *b, int reg)
{
	emit_rex(b, 0, 0, 0, reg);
	buf_byte(b, 0xf7);		/* neg r/m32 */
	emit_modrm_rr(b, 3, reg);
}

/* emit_imul32_rri - imul dst32, src32, imm (6B ib or 69 id). */
static inline void emit_imul32_rri(struct buf *b, int dst, int src,
				   uint32_t imm)
{
	emit_rex(b, 0, dst, 0, src);
	if (emit_fits8((int32_t)imm)) {
		buf_byte(b, 0x6b);	/* imul r32, r/m32, imm8 */
		emit_modrm_rr(b, dst, src);
		buf_byte(b, (uint8_t)imm);
	} else {
		buf_byte(b, 0x69);	/* imul r32, r/m32, imm32 */
		emit_modrm_rr(b, dst, src);
		buf_u32(b, imm);
	}
}

/* emit_imul32_rr - imul dst32, src32. */
static inline void emit_imul32_rr(struct buf *b, int dst, int src)
{
	emit_rex(b, 0, dst, 0, src);
	buf_byte(b, 0x0f);		/* imul r32, r/m32 */
	buf_byte(b, 0xaf);
	emit_modrm_rr(b, dst, src);
}

/* emit_div32 - div reg32: eax = edx:eax / reg, edx = remainder. */
static inline void emit_div32(struct buf *b, int reg)
{
	emit_rex(b, 0, 0, 0, reg);
	buf_byte(b, 0xf7);		/* div r/m32 */
	emit_modrm_rr(b, 6, reg);
}

/* emit_lea64 - lea dst, [base + disp] (64-bit, no flags). */
static inline void emit_lea64(struct buf *b, int dst, int base, int32_t disp)
{
	emit_rex_mem(b, 1, dst, base, X86_NOREG);
	buf_byte(b, 0x8d);		/* lea r64, m */
	emit_modrm_mem(b, dst, base, X86_NOREG, disp);
}

/* emit_lea64_idx - lea dst, [base + index + disp] (index X86_NOREG: none). */
static inline void emit_lea64_idx(struct buf *b, int dst, int base, int index,
				  int32_t disp)
{
	emit_rex_mem(b, 1, dst, base, index);
	buf_byte(b, 0x8d);		/* lea r64, m */
	emit_modrm_mem(b, dst, base, index, disp);
}

/* emit_alu64_ri - op reg, imm (64-bit; imm sign-extended from 32 bits). */
static inline void emit_alu64_ri(struct buf *b, enum emit_alu op, int reg,
				 int32_t imm)
{
	emit_rex(b, 1, 0, 0, reg);
	if (emit_fits8(imm)) {
		buf_byte(b, 0x83);	/* op r/m64, imm8 */
		emit_modrm_rr(b, op, reg);
		buf_byte(b, (uint8_t)imm);
	} else {
		buf_byte(b, 0x81);	/* op r/m64, imm32 */
		emit_modrm_rr(b, op, reg);
		buf_u32(b, (uint32_t)imm);
	}
}

/*
 * emit_load - dst32 = the 'size'-byte word at [base + index + disp],
 * zero-extended: movzx dst, byte/word [...] or mov dst, dword [...].
 */
static inline void emit_load(struct buf *b, int size, int dst, int base,
			     int index, int32_t disp)
{
	emit_rex_mem(b, 0, dst, base, index);
	if (size == 1) {
		buf_byte(b, 0x0f);	/* movzx r32, r/m8 */
		buf_byte(b, 0xb6);
	} else if (size == 2) {
		buf_byte(b, 0x0f);	/* movzx r32, r/m16 */
		buf_byte(b, 0xb7);
	} else {
		assert(size == 4);
		buf_byte(b, 0x8b);	/* mov r32, r/m32 */
	}
	emit_modrm_mem(b, dst, base, index, disp);
}

/* emit_store32 - mov dword [base + disp], src32. */
static inline void emit_store32(struct buf *b, int base, int32_t disp, int src)
{
	emit_rex_mem(b, 0, src, base, X86_NOREG);
	buf_byte(b, 0x89);		/* mov r/m32, r32 */
	emit_modrm_mem(b, src, base, X86_NOREG, disp);
}

/* emit_store32_imm - mov dword [base + disp], imm32. */
static inline void emit_store32_imm(struct buf *b, int base, int32_t disp,
				    uint32_t imm)
{
	emit_rex_mem(b, 0, 0, base, X86_NOREG);
	buf_byte(b, 0xc7);		/* mov r/m32, imm32 */
	emit_modrm_mem(b, 0, base, X86_NOREG, disp);
	buf_u32(b, imm);
}

/*
 * emit_cmptest_mi - cmp or test (op EMIT_CMP, or -1 for test) of the
 * 'size'-byte word at [base + index + disp] with 'imm' (its low 'size'
 * bytes): 80 /7 ib, [66] 83 /7 ib when the immediate fits a signed
 * byte, [66] 81 /7 iw/id; test: F6 /0 ib, [66] F7 /0 iw/id.
 */
static inline void emit_cmptest_mi(struct buf *b, int op, int size, int base,
				   int index, int32_t disp, uint32_t imm)
{
	int32_t v = size == 1 ? (int8_t)imm : size == 2 ? (int16_t)imm
						       : (int32_t)imm;
	int digit = op < 0 ? 0 : op;

	assert(size == 1 || size == 2 || size == 4);
	if (size == 2)
		buf_byte(b, 0x66);	/* operand size 16 */
	emit_rex_mem(b, 0, 0, base, index);
	if (size == 1)
		buf_byte(b, op < 0 ? 0xf6 : 0x80); /* test/cmp r/m8, imm8 */
	else if (op >= 0 && emit_fits8(v))
		buf_byte(b, 0x83);	/* cmp r/m16/32, imm8 */
	else
		buf_byte(b, op < 0 ? 0xf7 : 0x81); /* test/cmp r/m16/32, imm */
	emit_modrm_mem(b, digit, base, index, disp);
	if (size == 1 || (op >= 0 && emit_fits8(v)))
		buf_byte(b, (uint8_t)v);
	else if (size == 2) {
		buf_byte(b, (uint8_t)v);
		buf_byte(b, (uint8_t)((uint32_t)v >> 8));
	}
	else
		buf_u32(b, (uint32_t)v);
}

/* emit_setcc_al - setcc al (0F 90+cc C0). */
static inline void emit_setcc_al(struct buf *b, enum x86_cc cc)
{
	buf_byte(b, 0x0f);		/* setcc r/m8 */
	buf_byte(b, 0x90 + cc);
	emit_modrm_rr(b, 0, X86_RAX);
}

/* emit_movzx_al - movzx eax, al (0F B6 C0). */
static inline void emit_movzx_al(struct buf *b)
{
	buf_byte(b, 0x0f);		/* movzx r32, r/m8 */
	buf_byte(b, 0xb6);
	emit_modrm_rr(b, X86_RAX, X86_RAX);
}

/* emit_cmov32_rr - cmovcc dst32, src32. */
static inline void emit_cmov32_rr(struct buf *b, enum x86_cc cc, int dst,
				  int src)
{
	emit_rex(b, 0, dst, 0, src);
	buf_byte(b, 0x0f);		/* cmovcc r32, r/m32 */
	buf_byte(b, 0x40 + cc);
	emit_modrm_rr(b, dst, src);
}

/* emit_cmov64_rr - cmovcc dst, src (64-bit). */
static inline void emit_cmov64_rr(struct buf *b, enum x86_cc cc, int dst,
				  int src)
{
	emit_rex(b, 1, dst, 0, src);
	buf_byte(b, 0x0f);		/* cmovcc r64, r/m64 */
	buf_byte(b, 0x40 + cc);
	emit_modrm_rr(b, dst, src);
}

/*
 * emit_jcc - jcc with a zero displacement to be patched: rel8 (70+cc)
 * when 'short_', else rel32 (0F 80+cc).  Returns the offset just past
 * the instruction (the base of the displacement).
 */
static inline size_t emit_jcc(struct buf *b, enum x86_cc cc, int short_)
{
	if (short_) {
		buf_byte(b, 0x70 + cc);	/* jcc rel8 */
		buf_byte(b, 0);
	} else {
		buf_byte(b, 0x0f);	/* jcc rel32 */
		buf_byte(b, 0x80 + cc);
		buf_u32(b, 0);
	}
	return b->n;
}

/* emit_jmp - jmp with a zero displacement to be patched (EB / E9). */
static inline size_t emit_jmp(struct buf *b, int short_)
{
	if (short_) {
		buf_byte(b, 0xeb);	/* jmp rel8 */
		buf_byte(b, 0);
	} else {
		buf_byte(b, 0xe9);	/* jmp rel32 */
		buf_u32(b, 0);
	}
	return b->n;
}

/* emit_ret - ret (certify rewrites it into the relocated return). */
static inline void emit_ret(struct buf *b)
{
	buf_byte(b, 0xc3);		/* ret */
}

#endif
