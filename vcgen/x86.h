/*
 * x86.h - the accepted subset of x86-64 and its decoded form.
 *
 * The decoder (x86_decode.c) turns bytes into 'struct x86_insn' or a
 * rejection naming the offset and the reason.  It knows encodings only;
 * what an instruction does is the VC generator's business (vc.c), which
 * reads the flag effects below.  Trusted.
 */
#ifndef PCCF_X86_H
#define PCCF_X86_H

#include "pccf/compat.h"

/* Flag bits, in EFLAGS order. */
#define X86_CF 0x01u
#define X86_PF 0x04u
#define X86_AF 0x10u
#define X86_ZF 0x40u
#define X86_SF 0x80u
#define X86_OF 0x800u
#define X86_ALLF (X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF)
#define X86_LOGF (X86_CF | X86_PF | X86_ZF | X86_SF | X86_OF)

/*
 * The mnemonics of the subset: X(name, flags written, flags left
 * undefined).  Shifts and rotates by a count of zero change no flags and
 * define OF only for a count of one; vc.c handles that (flags listed here
 * are for a nonzero count other than one).  ORDER X86_MNEM
 */
#define X86_MNEMONICS(X)                                          \
	X(MOV, 0, 0)                                              \
	X(MOVZX, 0, 0)                                            \
	X(MOVSX, 0, 0) /* includes movsxd */                      \
	X(LEA, 0, 0)                                              \
	X(ADD, X86_ALLF, 0)                                       \
	X(ADC, X86_ALLF, 0)                                       \
	X(SUB, X86_ALLF, 0)                                       \
	X(SBB, X86_ALLF, 0)                                       \
	X(CMP, X86_ALLF, 0)                                       \
	X(AND, X86_LOGF, X86_AF)                                  \
	X(OR, X86_LOGF, X86_AF)                                   \
	X(XOR, X86_LOGF, X86_AF)                                  \
	X(TEST, X86_LOGF, X86_AF)                                 \
	X(NEG, X86_ALLF, 0)                                       \
	X(NOT, 0, 0)                                              \
	X(INC, X86_ALLF & ~X86_CF, 0)                             \
	X(DEC, X86_ALLF & ~X86_CF, 0)                             \
	X(SHL, X86_CF | X86_PF | X86_ZF | X86_SF, X86_AF | X86_OF) \
	X(SHR, X86_CF | X86_PF | X86_ZF | X86_SF, X86_AF | X86_OF) \
	X(SAR, X86_CF | X86_PF | X86_ZF | X86_SF, X86_AF | X86_OF) \
	X(ROL, X86_CF, X86_OF)                                    \
	X(ROR, X86_CF, X86_OF)                                    \
	X(IMUL, X86_CF | X86_OF, X86_PF | X86_AF | X86_ZF | X86_SF) \
	X(DIV, 0, X86_ALLF)                                       \
	X(BSWAP, 0, 0)                                            \
	X(XCHG, 0, 0)                                             \
	X(CDQE, 0, 0) /* cbw/cwde/cdqe: sign-extend the low half of rax */ \
	X(SETCC, 0, 0)                                            \
	X(CMOVCC, 0, 0)                                           \
	X(JCC, 0, 0)                                              \
	X(JMP, 0, 0)                                              \
	X(RET, 0, 0)  /* bare c3, or a jmp rel32 through a RET reloc */ \
	X(ENDBR64, 0, 0)                                          \
	X(NOP, 0, 0)

enum x86_mnem {
#define X(n, w, u) X86_##n,
	X86_MNEMONICS(X)
#undef X
	X86_NMNEM
};

extern const char *const x86_mnem_name[X86_NMNEM];
extern const u16 x86_flags_written[X86_NMNEM];
extern const u16 x86_flags_undef[X86_NMNEM];

/* Condition codes, in the encoding's order (low nibble of 0F 8x). */
enum x86_cc {
	X86_CC_O, X86_CC_NO, X86_CC_B, X86_CC_AE, X86_CC_E, X86_CC_NE,
	X86_CC_BE, X86_CC_A, X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP,
	X86_CC_L, X86_CC_GE, X86_CC_LE, X86_CC_G
};

/* General registers, hardware numbering; X86_AH..X86_BH are the legacy
 * high-byte registers (only without REX). */
enum x86_reg {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI,
	X86_RDI, X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13,
	X86_R14, X86_R15,
	X86_AH = 16, X86_CH, X86_DH, X86_BH,
	X86_NOREG = 0xff
};

enum x86_opkind { X86_ONONE, X86_OREG, X86_OMEM, X86_OIMM };

struct x86_mem {
	u8 base;		/* enum x86_reg or X86_NOREG */
	u8 index;		/* enum x86_reg or X86_NOREG (never rsp) */
	u8 scale;		/* 1, 2, 4, 8 */
	s32 disp;		/* sign-extended to 64 bits when used */
};

struct x86_opnd {
	u8 kind;		/* enum x86_opkind */
	u8 size;		/* bytes accessed or written: 1, 2, 4, 8 */
	u8 reg;			/* X86_OREG: enum x86_reg */
	struct x86_mem mem;	/* X86_OMEM */
	s64 imm;		/* X86_OIMM: already sign-extended to 64 bits */
};

/*
 * One decoded instruction.  Operands are in Intel order: o[0] is the
 * destination (or the first source of cmp/test), o[1] the source, o[2]
 * the third operand of 3-operand imul.  Implicit operands are not listed
 * here; they follow from the mnemonic (div: rdx:rax by o[0]; cdqe: rax;
 * shifts and rotates: count in o[1], an immediate or cl as X86_OREG
 * X86_RCX of size 1).
 *
 *  - MOVZX/MOVSX: o[0].size is the destination width, o[1].size the
 *    source width.  CDQE: 'opsize' is the destination width (2, 4, 8).
 *  - JCC/JMP: 'target' is the destination offset from the code start,
 *    computed without overflow (a target outside the code is rejected
 *    by the decoder).  RET through a reloc has nops == 0.
 *  - SETCC/CMOVCC/JCC: 'cc' holds the condition.
 *  - XCHG: register-register only (memory xchg is locked, rejected).
 */
struct x86_insn {
	u32 off;		/* offset of the first byte */
	u8 len;			/* 1..15 */
	u8 mnem;		/* enum x86_mnem */
	u8 opsize;		/* operand size in bytes: 1, 2, 4, 8 */
	u8 cc;			/* enum x86_cc, where relevant */
	u8 nops;
	struct x86_opnd o[3];
	u32 target;		/* JCC/JMP */
};

/* Where a 'jmp rel32' may stand for a return: the installer fills the
 * rel32 at 'reloc_off' with the displacement to its return stub. */
struct x86_relocs {
	const u32 *off;		/* sorted ascending, offsets of rel32 fields */
	u32 n;
};

/*
 * x86_decode - decode the instruction at 'off' of 'code' ('len' bytes).
 * A 'jmp rel32' (E9) whose rel32 field starts at an offset listed in
 * 'rel' decodes as RET (its rel32 must be zero in the object).  A bare
 * C3 decodes as RET too; whether it is allowed is the VC generator's
 * policy.  Returns 0 and fills 'out', or a PCCF_EDECODE rejection naming
 * the offset and what was found.
 */
int x86_decode(const u8 *code, u32 len, u32 off, const struct x86_relocs *rel,
	       struct x86_insn *out, struct pccf_err *e);

/* x86_reg_name - "rax", "r8d", "al", "ah"... for register 'r' at 'size'. */
const char *x86_reg_name(u8 r, u8 size);

#endif
