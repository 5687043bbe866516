/*
 * x86_table.h - the one table of the accepted x86-64 subset.
 *
 * Every accepted encoding is one row of X86_TABLE; the decoder
 * (x86_decode.c) is a generic interpreter of these rows, the subset's
 * documentation (docs/x86-subset.md) is printed from them by
 * tools/x86doc.c, and the Zydis differential test draws its inputs from
 * them.  X86_REJECTS names well-known encodings outside the subset so a
 * rejection can say "push" rather than "opcode 50"; it accepts nothing.
 *
 * Row: X(map, op, n, digit, mnem, width, o0, o1, o2, flags)
 *   map    0 = one-byte map, 1 = 0F map
 *   op, n  the row covers opcodes op .. op+n-1 (n = 8 for "+r" forms,
 *          where the register is in the opcode's low 3 bits; n = 16 for
 *          the condition-code forms, cc = opcode - op)
 *   digit  the ModRM reg field the row requires (/0../7), or -1
 *   mnem   enum x86_mnem without the X86_ prefix
 *   width  XW_B: operand size 1, prefixes cannot change it
 *          XW_V: 16/32/64: REX.W gives 8 (and wins over 66), 66 gives 2,
 *                otherwise 4
 *          XW_Q: 64-bit, not changeable (branches, ret, endbr64)
 *   o0-o2  operands in Intel order (XO_*, below)
 *   flags  XF_*: which prefixes the row allows and special rules
 *
 * Immediates are stored as their encoded field sign-extended from the
 * field's width (Ib, Iw, Id, the 64-bit Iv), except shift counts (Ic),
 * which are zero-extended; a consumer uses the low 'size' bytes.
 *
 * Prefixes not named by a row's flags are rejected for it: F0, F2, 67,
 * 64, 65 always; F3 except where XF_F3 requires it; 66 except with
 * XF_66; segment prefixes 26/2E/36/3E except with XF_SEG.  REX is
 * allowed everywhere; it counts only directly before the opcode.
 *
 * Trusts: nothing; it is data.
 */
#ifndef PCCF_X86_TABLE_H
#define PCCF_X86_TABLE_H

/* Operand widths of a row. */
enum x86_width { XW_B, XW_V, XW_Q };

/*
 * Operand forms.  E, G, Z and A take the row's operand size.
 *   E   ModRM r/m, register or memory     M   ModRM r/m, memory only
 *   Eb/Ew/Ed  ModRM r/m of fixed size 1/2/4 (movzx, movsx, movsxd, setcc)
 *   G   ModRM reg                          Z   opcode low bits + REX.B
 *   A   the accumulator (al/ax/eax/rax)    CL  register cl (count)
 *   I   immediate of the operand size, at most 32 bits (Ib for size 1,
 *       Iw for size 2, Id sign-extended for sizes 4 and 8: "Iz")
 *   Ib  8-bit immediate, sign-extended     Iv  B8+r: 16/32/64-bit imm
 *   Ic  8-bit shift count, zero-extended, operand size 1
 *   ONE the constant 1 (shift by one)      Jb/Jz  rel8 / rel32 target
 * ORDER X86_OFORM: the decoder relies on E..G being the forms with a
 * ModRM byte and on Eb, Ew, Ed being consecutive.
 */
enum x86_oform {
	XO_NONE, XO_E, XO_M, XO_Eb, XO_Ew, XO_Ed, XO_G, XO_Z, XO_A, XO_CL,
	XO_I, XO_Ib, XO_Ic, XO_Iv, XO_ONE, XO_Jb, XO_Jz
};

/* Row flags. */
#define XF_66   0x001u	/* operand-size prefix allowed */
#define XF_SEG  0x002u	/* CS/DS/ES/SS segment prefixes allowed (nops) */
#define XF_F3   0x004u	/* F3 required (endbr64) */
#define XF_W    0x008u	/* REX.W required (movsxd) */
#define XF_REG  0x010u	/* ModRM must name a register (mod = 3) */
#define XF_CC   0x020u	/* condition code in the opcode's low nibble */
#define XF_X90  0x040u	/* 90+r: register 0 (no REX.B) is NOP */
#define XF_BR   0x080u	/* branch: target computed, must be in the code */
#define XF_ENDBR 0x100u	/* ModRM byte must be FA exactly (endbr64) */
#define XF_NOOPS 0x200u	/* ModRM decoded for its length, no operands kept */
#define XF_RELOC 0x400u	/* E9: becomes RET when its rel32 is a reloc */
#define XF_ANYREG 0x800u /* ModRM reg field is ignored (setcc) */

/*
 * Helpers that expand to several rows.  X86_BV_ROWS is the pair most
 * one-byte opcodes come in: bit 0 of the opcode clear selects the byte
 * form (op), set the full-size form (op + 1, where 66 is allowed).
 */
#define X86_BV_ROWS(X, op, d, M, o0, o1)                               \
	X(0, op, 1, d, M, XW_B, o0, o1, XO_NONE, 0)                    \
	X(0, op + 1, 1, d, M, XW_V, o0, o1, XO_NONE, XF_66)

#define X86_ALU_ROWS(X, base, M)                                       \
	X86_BV_ROWS(X, base + 0, -1, M, XO_E, XO_G)                    \
	X86_BV_ROWS(X, base + 2, -1, M, XO_G, XO_E)                    \
	X86_BV_ROWS(X, base + 4, -1, M, XO_A, XO_I)

#define X86_GRP1_ROWS(X, d, M)                                         \
	X86_BV_ROWS(X, 0x80, d, M, XO_E, XO_I)                         \
	X(0, 0x83, 1, d, M, XW_V, XO_E, XO_Ib, XO_NONE, XF_66)

#define X86_SHIFT_ROWS(X, d, M)                                        \
	X86_BV_ROWS(X, 0xc0, d, M, XO_E, XO_Ic)                        \
	X86_BV_ROWS(X, 0xd0, d, M, XO_E, XO_ONE)                       \
	X86_BV_ROWS(X, 0xd2, d, M, XO_E, XO_CL)

#define X86_TABLE(X)                                                   \
	/* data movement */                                            \
	X86_BV_ROWS(X, 0x88, -1, MOV, XO_E, XO_G)                      \
	X86_BV_ROWS(X, 0x8a, -1, MOV, XO_G, XO_E)                      \
	X86_BV_ROWS(X, 0xc6, 0, MOV, XO_E, XO_I)                       \
	X(0, 0xb0, 8, -1, MOV, XW_B, XO_Z, XO_I, XO_NONE, 0)           \
	X(0, 0xb8, 8, -1, MOV, XW_V, XO_Z, XO_Iv, XO_NONE, XF_66)      \
	X(1, 0xb6, 1, -1, MOVZX, XW_V, XO_G, XO_Eb, XO_NONE, XF_66)    \
	X(1, 0xb7, 1, -1, MOVZX, XW_V, XO_G, XO_Ew, XO_NONE, XF_66)    \
	X(1, 0xbe, 1, -1, MOVSX, XW_V, XO_G, XO_Eb, XO_NONE, XF_66)    \
	X(1, 0xbf, 1, -1, MOVSX, XW_V, XO_G, XO_Ew, XO_NONE, XF_66)    \
	X(0, 0x63, 1, -1, MOVSX, XW_V, XO_G, XO_Ed, XO_NONE, XF_W)     \
	X(0, 0x8d, 1, -1, LEA, XW_V, XO_G, XO_M, XO_NONE, XF_66)       \
	X(0, 0x87, 1, -1, XCHG, XW_V, XO_E, XO_G, XO_NONE, XF_66 | XF_REG) \
	X(0, 0x90, 8, -1, XCHG, XW_V, XO_Z, XO_A, XO_NONE, XF_66 | XF_X90) \
	X(0, 0x98, 1, -1, CDQE, XW_V, XO_NONE, XO_NONE, XO_NONE, XF_66) \
	X(1, 0xc8, 8, -1, BSWAP, XW_V, XO_Z, XO_NONE, XO_NONE, 0)      \
	X(1, 0x90, 16, -1, SETCC, XW_B, XO_E, XO_NONE, XO_NONE, XF_CC | XF_ANYREG) \
	X(1, 0x40, 16, -1, CMOVCC, XW_V, XO_G, XO_E, XO_NONE, XF_66 | XF_CC) \
	/* arithmetic and logic */                                     \
	X86_ALU_ROWS(X, 0x00, ADD)                                     \
	X86_ALU_ROWS(X, 0x08, OR)                                      \
	X86_ALU_ROWS(X, 0x10, ADC)                                     \
	X86_ALU_ROWS(X, 0x18, SBB)                                     \
	X86_ALU_ROWS(X, 0x20, AND)                                     \
	X86_ALU_ROWS(X, 0x28, SUB)                                     \
	X86_ALU_ROWS(X, 0x30, XOR)                                     \
	X86_ALU_ROWS(X, 0x38, CMP)                                     \
	X86_GRP1_ROWS(X, 0, ADD)                                       \
	X86_GRP1_ROWS(X, 1, OR)                                        \
	X86_GRP1_ROWS(X, 2, ADC)                                       \
	X86_GRP1_ROWS(X, 3, SBB)                                       \
	X86_GRP1_ROWS(X, 4, AND)                                       \
	X86_GRP1_ROWS(X, 5, SUB)                                       \
	X86_GRP1_ROWS(X, 6, XOR)                                       \
	X86_GRP1_ROWS(X, 7, CMP)                                       \
	X86_BV_ROWS(X, 0x84, -1, TEST, XO_E, XO_G)                     \
	X86_BV_ROWS(X, 0xa8, -1, TEST, XO_A, XO_I)                     \
	X86_BV_ROWS(X, 0xf6, 0, TEST, XO_E, XO_I)                      \
	X86_BV_ROWS(X, 0xf6, 2, NOT, XO_E, XO_NONE)                    \
	X86_BV_ROWS(X, 0xf6, 3, NEG, XO_E, XO_NONE)                    \
	X(0, 0xf7, 1, 6, DIV, XW_V, XO_E, XO_NONE, XO_NONE, XF_66)     \
	X(1, 0xaf, 1, -1, IMUL, XW_V, XO_G, XO_E, XO_NONE, XF_66)      \
	X(0, 0x69, 1, -1, IMUL, XW_V, XO_G, XO_E, XO_I, XF_66)         \
	X(0, 0x6b, 1, -1, IMUL, XW_V, XO_G, XO_E, XO_Ib, XF_66)        \
	X86_BV_ROWS(X, 0xfe, 0, INC, XO_E, XO_NONE)                    \
	X86_BV_ROWS(X, 0xfe, 1, DEC, XO_E, XO_NONE)                    \
	X86_SHIFT_ROWS(X, 0, ROL)                                      \
	X86_SHIFT_ROWS(X, 1, ROR)                                      \
	X86_SHIFT_ROWS(X, 4, SHL)                                      \
	X86_SHIFT_ROWS(X, 5, SHR)                                      \
	X86_SHIFT_ROWS(X, 7, SAR)                                      \
	/* control */                                                  \
	X(0, 0x70, 16, -1, JCC, XW_Q, XO_Jb, XO_NONE, XO_NONE, XF_CC | XF_BR) \
	X(1, 0x80, 16, -1, JCC, XW_Q, XO_Jz, XO_NONE, XO_NONE, XF_CC | XF_BR) \
	X(0, 0xeb, 1, -1, JMP, XW_Q, XO_Jb, XO_NONE, XO_NONE, XF_BR)   \
	X(0, 0xe9, 1, -1, JMP, XW_Q, XO_Jz, XO_NONE, XO_NONE, XF_BR | XF_RELOC) \
	X(0, 0xc3, 1, -1, RET, XW_Q, XO_NONE, XO_NONE, XO_NONE, 0)     \
	/* hints and padding */                                        \
	X(1, 0x1e, 1, -1, ENDBR64, XW_Q, XO_NONE, XO_NONE, XO_NONE, XF_F3 | XF_ENDBR) \
	X(1, 0x1f, 1, 0, NOP, XW_V, XO_E, XO_NONE, XO_NONE, XF_66 | XF_SEG | XF_NOOPS)

/*
 * Named rejections: R(map, op, n, digit, name).  Looked up only after
 * X86_TABLE found no row, to word the message, so an entry for an opcode
 * (and /digit) that has a row is never used; the first match counts.
 */
#define X86_REJECTS(R)                                                 \
	R(0, 0x50, 8, -1, "push")                                      \
	R(0, 0x58, 8, -1, "pop")                                       \
	R(0, 0x68, 1, -1, "push")                                      \
	R(0, 0x6a, 1, -1, "push")                                      \
	R(0, 0x8f, 1, -1, "pop or XOP (vector)")                       \
	R(0, 0x9c, 1, -1, "pushf")                                     \
	R(0, 0x9d, 1, -1, "popf")                                      \
	R(0, 0xc8, 1, -1, "enter")                                     \
	R(0, 0xc9, 1, -1, "leave")                                     \
	R(0, 0xe8, 1, -1, "call")                                      \
	R(0, 0xff, 1, 2, "indirect call")                              \
	R(0, 0xff, 1, 3, "far call")                                   \
	R(0, 0xff, 1, 4, "indirect jmp")                               \
	R(0, 0xff, 1, 5, "far jmp")                                    \
	R(0, 0xff, 1, 6, "push")                                       \
	R(0, 0xc2, 1, -1, "ret imm16")                                 \
	R(0, 0xca, 2, -1, "far ret")                                   \
	R(0, 0xcf, 1, -1, "iret")                                      \
	R(0, 0xcc, 1, -1, "int3")                                      \
	R(0, 0xcd, 1, -1, "int")                                       \
	R(0, 0xf1, 1, -1, "int1")                                      \
	R(0, 0xf4, 1, -1, "hlt")                                       \
	R(0, 0xe0, 3, -1, "loop")                                      \
	R(0, 0xe3, 1, -1, "jrcxz")                                     \
	R(0, 0xe4, 4, -1, "in/out")                                    \
	R(0, 0xec, 4, -1, "in/out")                                    \
	R(0, 0x6c, 4, -1, "string op (ins/outs)")                      \
	R(0, 0xa4, 4, -1, "string op (movs/cmps)")                     \
	R(0, 0xaa, 6, -1, "string op (stos/lods/scas)")                \
	R(0, 0xa0, 4, -1, "mov with a 64-bit absolute address (moffs)") \
	R(0, 0x8c, 1, -1, "mov from a segment register")               \
	R(0, 0x8e, 1, -1, "mov to a segment register")                 \
	R(0, 0x82, 1, -1, "opcode 82 (invalid in 64-bit mode)")        \
	R(0, 0x86, 1, -1, "xchg of bytes")                             \
	R(0, 0x99, 1, -1, "cwd/cdq/cqo")                               \
	R(0, 0x9b, 1, -1, "fwait")                                     \
	R(0, 0xd8, 8, -1, "x87 floating point")                        \
	R(0, 0xc4, 2, -1, "VEX (vector)")                              \
	R(0, 0x62, 1, -1, "EVEX (vector)")                             \
	R(0, 0xf5, 1, -1, "cmc")                                       \
	R(0, 0xf8, 6, -1, "flag instruction (clc/stc/cli/sti/cld/std)") \
	R(0, 0x9e, 2, -1, "sahf/lahf")                                 \
	R(0, 0xd7, 1, -1, "xlat")                                      \
	R(0, 0xf6, 2, 1, "test alias")                                 \
	R(0, 0xf6, 2, 4, "mul")                                        \
	R(0, 0xf6, 2, 5, "one-operand imul")                           \
	R(0, 0xf6, 1, 6, "8-bit div")                                  \
	R(0, 0xf6, 2, 7, "idiv")                                       \
	R(0, 0xc0, 2, 2, "rcl")                                        \
	R(0, 0xd0, 4, 2, "rcl")                                        \
	R(0, 0xc0, 2, 3, "rcr")                                        \
	R(0, 0xd0, 4, 3, "rcr")                                        \
	R(0, 0xc0, 2, 6, "shift /6 (undocumented alias of shl)")       \
	R(0, 0xd0, 4, 6, "shift /6 (undocumented alias of shl)")       \
	R(1, 0x05, 1, -1, "syscall")                                   \
	R(1, 0x07, 1, -1, "sysret")                                    \
	R(1, 0x34, 2, -1, "sysenter/sysexit")                          \
	R(1, 0x0b, 1, -1, "ud2")                                       \
	R(1, 0xb9, 1, -1, "ud1")                                       \
	R(1, 0xff, 1, -1, "ud0")                                       \
	R(1, 0x00, 4, -1, "system instruction")                        \
	R(1, 0x06, 1, -1, "clts")                                      \
	R(1, 0x08, 2, -1, "invd/wbinvd")                               \
	R(1, 0x20, 4, -1, "mov to/from a control or debug register")   \
	R(1, 0x30, 4, -1, "wrmsr/rdtsc/rdmsr/rdpmc")                   \
	R(1, 0xa2, 1, -1, "cpuid")                                     \
	R(1, 0xa0, 2, -1, "push/pop fs")                               \
	R(1, 0xa8, 2, -1, "push/pop gs")                               \
	R(1, 0xa3, 1, -1, "bt")                                        \
	R(1, 0xab, 1, -1, "bts")                                       \
	R(1, 0xb3, 1, -1, "btr")                                       \
	R(1, 0xbb, 1, -1, "btc")                                       \
	R(1, 0xba, 1, -1, "bit test group")                            \
	R(1, 0xa4, 2, -1, "shld")                                      \
	R(1, 0xac, 2, -1, "shrd")                                      \
	R(1, 0xbc, 2, -1, "bsf/bsr/tzcnt/lzcnt")                       \
	R(1, 0xb8, 1, -1, "popcnt")                                    \
	R(1, 0xb0, 2, -1, "cmpxchg")                                   \
	R(1, 0xc7, 1, -1, "cmpxchg8b/16b or rdrand")                   \
	R(1, 0xc0, 2, -1, "xadd")                                      \
	R(1, 0x0d, 1, -1, "prefetch")                                  \
	R(1, 0x18, 1, -1, "prefetch hint")                             \
	R(1, 0xae, 1, -1, "fence or state save")                       \
	R(1, 0x1f, 1, -1, "hint nop (0f 1f other than /0)")            \
	R(1, 0x19, 5, -1, "hint nop")                                  \
	R(1, 0x10, 8, -1, "SSE (vector)")                              \
	R(1, 0x28, 8, -1, "SSE (vector)")                              \
	R(1, 0x38, 1, -1, "three-byte opcode map 0f 38 (vector)")      \
	R(1, 0x3a, 1, -1, "three-byte opcode map 0f 3a (vector)")      \
	R(1, 0x50, 48, -1, "SSE/MMX (vector)")                         \
	R(1, 0xc2, 5, -1, "SSE (vector)")                              \
	R(1, 0xd0, 47, -1, "SSE/MMX (vector)")

/* A row as the interpreter sees it. */
struct x86_row {
	u8 map, op, n;
	s8 digit;
	u8 mnem, width;
	u8 o[3];
	u16 flags;
};

/* A named rejection. */
struct x86_reject {
	u8 map, op, n;
	s8 digit;
	const char *name;
};

#define X86_ROW(map, op, n, digit, m, w, o0, o1, o2, f)                \
	{ map, op, n, digit, X86_##m, w, { o0, o1, o2 }, f },
#define X86_REJ(map, op, n, digit, name) { map, op, n, digit, name },

#endif
