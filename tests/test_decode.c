/*
 * test_decode.c - the trusted x86-64 decoder (vcgen/x86_decode.c):
 * byte sequences to mnemonic, operands and length for every form of the
 * subset, every rejection with its message, and the encoding traps
 * (41 90 is xchg, a REX not directly before the opcode is dropped, ah
 * versus spl, 66 on branches, E9 through a reloc is a return).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include "pccf/compat.h"
#include "x86.h"

static struct x86_insn X;
static struct pccf_err E;
static u8 code[256];

/* dec_full - decode 'n' bytes 'p' placed at offset 'at' of a code area
 * of 'clen' bytes (zero padded), with relocs 'rel'. */
static int dec_full(const u8 *p, u32 n, u32 at, u32 clen, const struct x86_relocs *rel)
{
	int rc;

	memset(code, 0, sizeof(code));
	memcpy(code + at, p, n);
	memset(&E, 0, sizeof(E));
	rc = x86_decode(code, clen, at, rel, &X, &E);
	if (rc && getenv("DECODE_VERBOSE"))
		printf("  [%s]\n", E.msg);
	return rc;
}

/* dec - decode exactly the 'n' bytes 'p' (code ends with them). */
static int dec(const u8 *p, u32 n)
{
	return dec_full(p, n, 0, n, NULL);
}

#define B(...) ((const u8[]){ __VA_ARGS__ }), sizeof((const u8[]){ __VA_ARGS__ })
#define OK(...) CU_ASSERT_EQUAL_FATAL(dec(B(__VA_ARGS__)), 0)
/* REJ - the bytes are rejected with a message containing 's'. */
#define REJ(s, ...)                                                   \
	do {                                                          \
		CU_ASSERT_EQUAL(dec(B(__VA_ARGS__)), PCCF_EDECODE);   \
		CU_ASSERT_EQUAL(E.code, PCCF_EDECODE);                \
		if (!strstr(E.msg, s))                                \
			printf("\n  want \"%s\", got \"%s\"", s, E.msg); \
		CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, s));             \
	} while (0)

/* is_reg - operand 'i' of X is register 'r' of 'size' bytes. */
static int is_reg(int i, u8 r, u8 size)
{
	return X.o[i].kind == X86_OREG && X.o[i].reg == r && X.o[i].size == size;
}

/* is_imm - operand 'i' of X is immediate 'v'. */
static int is_imm(int i, s64 v)
{
	return X.o[i].kind == X86_OIMM && X.o[i].imm == v;
}

/* is_mem - operand 'i' of X is [base + index*scale + disp] of 'size'. */
static int is_mem(int i, u8 base, u8 index, u8 scale, s32 disp, u8 size)
{
	const struct x86_opnd *o = &X.o[i];

	return o->kind == X86_OMEM && o->mem.base == base && o->mem.index == index &&
	       (index == X86_NOREG || o->mem.scale == scale) && o->mem.disp == disp &&
	       o->size == size;
}

static void test_mov(void)
{
	OK(0x89, 0xc8);				/* mov eax, ecx */
	CU_ASSERT(X.mnem == X86_MOV && X.len == 2 && X.nops == 2 && X.opsize == 4);
	CU_ASSERT(is_reg(0, X86_RAX, 4) && is_reg(1, X86_RCX, 4));
	OK(0x48, 0x89, 0xc8);			/* mov rax, rcx */
	CU_ASSERT(X.opsize == 8 && is_reg(0, X86_RAX, 8) && X.len == 3);
	OK(0x66, 0x89, 0xc8);			/* mov ax, cx */
	CU_ASSERT(X.opsize == 2 && is_reg(1, X86_RCX, 2));
	OK(0x66, 0x48, 0x89, 0xc8);		/* REX.W wins over 66 */
	CU_ASSERT(X.opsize == 8);
	OK(0x4d, 0x8b, 0x0a);			/* mov r9, [r10] */
	CU_ASSERT(is_reg(0, X86_R9, 8) && is_mem(1, X86_R10, X86_NOREG, 1, 0, 8));
	OK(0x8a, 0x47, 0x0c);			/* mov al, [rdi+12] */
	CU_ASSERT(is_reg(0, X86_RAX, 1) && is_mem(1, X86_RDI, X86_NOREG, 1, 12, 1));
	OK(0x88, 0x01);				/* mov [rcx], al */
	CU_ASSERT(is_mem(0, X86_RCX, X86_NOREG, 1, 0, 1) && is_reg(1, X86_RAX, 1));
	OK(0xc6, 0x01, 0xff);			/* mov byte [rcx], 0xff */
	CU_ASSERT(X.len == 3 && is_imm(1, -1) && X.o[1].size == 1);
	OK(0xc7, 0x41, 0x08, 0x78, 0x56, 0x34, 0x12);	/* mov dword [rcx+8], imm32 */
	CU_ASSERT(X.len == 7 && is_mem(0, X86_RCX, X86_NOREG, 1, 8, 4) && is_imm(1, 0x12345678));
	OK(0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff);	/* mov rax, -1 (Iz sign-extended) */
	CU_ASSERT(X.opsize == 8 && is_imm(1, -1));
	OK(0x66, 0xc7, 0xc0, 0x34, 0x12);	/* mov ax, 0x1234: Iz is 16 bits */
	CU_ASSERT(X.len == 5 && is_imm(1, 0x1234) && X.o[1].size == 2);
	OK(0xb0, 0x7f);				/* mov al, 0x7f */
	CU_ASSERT(is_reg(0, X86_RAX, 1) && is_imm(1, 0x7f));
	OK(0xb4, 0x01);				/* mov ah, 1 */
	CU_ASSERT(is_reg(0, X86_AH, 1));
	OK(0x41, 0xb4, 0x01);			/* mov r12b, 1 */
	CU_ASSERT(is_reg(0, X86_R12, 1));
	OK(0xbf, 0x01, 0x00, 0x00, 0x00);	/* mov edi, 1 */
	CU_ASSERT(X.len == 5 && is_reg(0, X86_RDI, 4) && is_imm(1, 1));
	OK(0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);	/* movabs */
	CU_ASSERT(X.len == 10 && X.opsize == 8 && is_imm(1, 0x1122334455667788LL));
	OK(0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0x80);	/* movabs r11, 1<<63 */
	CU_ASSERT(is_reg(0, X86_R11, 8) && X.o[1].imm == (s64)(0x8000000000000000ULL));
	OK(0x66, 0xb9, 0xff, 0xff);		/* mov cx, 0xffff */
	CU_ASSERT(X.len == 4 && is_imm(1, -1) && X.o[1].size == 2);
	REJ("runs past the end", 0x48, 0xb8, 1, 2, 3, 4);
	REJ("opcode c6 /1 is not", 0xc6, 0xc8, 0);		/* C6 /1 is not mov */
}

static void test_movx_lea(void)
{
	OK(0x0f, 0xb6, 0x47, 0x17);		/* movzx eax, byte [rdi+23] */
	CU_ASSERT(X.mnem == X86_MOVZX && is_reg(0, X86_RAX, 4) &&
		  is_mem(1, X86_RDI, X86_NOREG, 1, 23, 1));
	OK(0x0f, 0xb7, 0xc1);			/* movzx eax, cx */
	CU_ASSERT(is_reg(0, X86_RAX, 4) && is_reg(1, X86_RCX, 2));
	OK(0x48, 0x0f, 0xbe, 0xc1);		/* movsx rax, cl */
	CU_ASSERT(X.mnem == X86_MOVSX && is_reg(0, X86_RAX, 8) && is_reg(1, X86_RCX, 1));
	OK(0x0f, 0xbf, 0x06);			/* movsx eax, word [rsi] */
	CU_ASSERT(X.mnem == X86_MOVSX && is_mem(1, X86_RSI, X86_NOREG, 1, 0, 2));
	OK(0x48, 0x63, 0xc1);			/* movsxd rax, ecx */
	CU_ASSERT(X.mnem == X86_MOVSX && is_reg(0, X86_RAX, 8) && is_reg(1, X86_RCX, 4));
	REJ("movsxd without REX.W", 0x63, 0xc1);
	OK(0x48, 0x8d, 0x44, 0x24, 0x08);	/* lea rax, [rsp+8] */
	CU_ASSERT(X.mnem == X86_LEA && is_mem(1, X86_RSP, X86_NOREG, 1, 8, 8));
	OK(0x8d, 0x04, 0x8f);			/* lea eax, [rdi+rcx*4] */
	CU_ASSERT(is_mem(1, X86_RDI, X86_RCX, 4, 0, 4));
	REJ("LEA with a register operand", 0x8d, 0xc0);
}

static void test_addressing(void)
{
	OK(0x42, 0x8b, 0x04, 0xa7);		/* mov eax, [rdi+r12*4] */
	CU_ASSERT(is_mem(1, X86_RDI, X86_R12, 4, 0, 4));
	OK(0x8b, 0x04, 0x24);			/* mov eax, [rsp]: index 100 = none */
	CU_ASSERT(is_mem(1, X86_RSP, X86_NOREG, 1, 0, 4));
	OK(0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12);	/* absolute [0x12345678] */
	CU_ASSERT(X.len == 7 && is_mem(1, X86_NOREG, X86_NOREG, 1, 0x12345678, 4));
	OK(0x41, 0x8b, 0x04, 0x2c);		/* mov eax, [r12+rbp] */
	CU_ASSERT(is_mem(1, X86_R12, X86_RBP, 1, 0, 4));
	OK(0x41, 0x8b, 0x45, 0x00);		/* mov eax, [r13+0] */
	CU_ASSERT(is_mem(1, X86_R13, X86_NOREG, 1, 0, 4));
	OK(0x41, 0x8b, 0x44, 0x25, 0xf8);	/* mov eax, [r13-8]: SIB base r13 */
	CU_ASSERT(X.len == 5 && is_mem(1, X86_R13, X86_NOREG, 1, -8, 4));
	OK(0x43, 0x8b, 0x44, 0xfd, 0x00);	/* mov eax, [r13+r15*8+0] */
	CU_ASSERT(is_mem(1, X86_R13, X86_R15, 8, 0, 4));
	OK(0x8b, 0x04, 0xcd, 0x10, 0, 0, 0);	/* [rcx*8+16], no base */
	CU_ASSERT(is_mem(1, X86_NOREG, X86_RCX, 8, 16, 4));
	OK(0x8b, 0x87, 0x00, 0x00, 0x00, 0x80);	/* disp32 sign-extended */
	CU_ASSERT(is_mem(1, X86_RDI, X86_NOREG, 1, (s32)0x80000000u, 4));
	REJ("rip-relative", 0x8b, 0x05, 0, 0, 0, 0);
	REJ("rip-relative", 0x48, 0x8d, 0x05, 0, 0, 0, 0);
	REJ("runs past the end", 0x8b, 0x04);
	REJ("runs past the end", 0x8b, 0x87, 0, 0);
}

static void test_alu(void)
{
	static const u8 m[8] = { X86_ADD, X86_OR, X86_ADC, X86_SBB,
				 X86_AND, X86_SUB, X86_XOR, X86_CMP };
	u8 b[8];
	int i;

	for (i = 0; i < 8; i++) {
		b[0] = (u8)(8 * i + 1); b[1] = 0xc8;		/* op eax, ecx */
		CU_ASSERT_FATAL(dec(b, 2) == 0);
		CU_ASSERT(X.mnem == m[i] && is_reg(0, X86_RAX, 4) && is_reg(1, X86_RCX, 4));
		b[0] = (u8)(8 * i + 2); b[1] = 0x07;		/* op al, [rdi] */
		CU_ASSERT_FATAL(dec(b, 2) == 0);
		CU_ASSERT(X.mnem == m[i] && is_reg(0, X86_RAX, 1) && X.o[1].kind == X86_OMEM);
		b[0] = (u8)(8 * i + 4); b[1] = 0x80;		/* op al, 0x80 */
		CU_ASSERT_FATAL(dec(b, 2) == 0);
		CU_ASSERT(X.mnem == m[i] && is_imm(1, -128));
		b[0] = 0x48; b[1] = (u8)(8 * i + 5); b[2] = 0xff; b[3] = 0xff; b[4] = 0xff; b[5] = 0x7f;
		CU_ASSERT_FATAL(dec(b, 6) == 0);			/* op rax, imm32 */
		CU_ASSERT(X.mnem == m[i] && is_reg(0, X86_RAX, 8) && is_imm(1, 0x7fffffff));
		b[0] = 0x83; b[1] = (u8)(0xc0 | i << 3); b[2] = 0xf0;	/* op eax, -16 */
		CU_ASSERT_FATAL(dec(b, 3) == 0);
		CU_ASSERT(X.mnem == m[i] && is_imm(1, -16) && X.len == 3);
		b[0] = 0x80; b[1] = (u8)(0x01 | i << 3); b[2] = 0x05;	/* op byte [rcx], 5 */
		CU_ASSERT_FATAL(dec(b, 3) == 0);
		CU_ASSERT(X.mnem == m[i] && X.opsize == 1 && is_imm(1, 5));
		b[0] = 0x81; b[1] = (u8)(0xc1 | i << 3);		/* op ecx, imm32 */
		b[2] = 0; b[3] = 0; b[4] = 0; b[5] = 0x80;
		CU_ASSERT_FATAL(dec(b, 6) == 0);
		CU_ASSERT(X.mnem == m[i] && is_imm(1, (s32)0x80000000u));
	}
	REJ("invalid in 64-bit mode", 0x82, 0xc0, 0x01);
	OK(0x85, 0xc0);				/* test eax, eax */
	CU_ASSERT(X.mnem == X86_TEST);
	OK(0xa8, 0x01);				/* test al, 1 */
	CU_ASSERT(X.mnem == X86_TEST && is_reg(0, X86_RAX, 1) && is_imm(1, 1));
	OK(0xa9, 0, 1, 0, 0);			/* test eax, 0x100 */
	CU_ASSERT(X.len == 5 && is_imm(1, 0x100));
	OK(0xf6, 0xc1, 0x80);			/* test cl, 0x80 */
	CU_ASSERT(X.mnem == X86_TEST && is_reg(0, X86_RCX, 1));
	OK(0x48, 0xf7, 0xc1, 1, 0, 0, 0);	/* test rcx, 1 */
	CU_ASSERT(X.mnem == X86_TEST && X.opsize == 8);
	REJ("test alias", 0xf7, 0xc8, 1, 0, 0, 0);
	OK(0xf7, 0xd8);				/* neg eax */
	CU_ASSERT(X.mnem == X86_NEG && X.nops == 1 && is_reg(0, X86_RAX, 4));
	OK(0xf6, 0xd1);				/* not cl */
	CU_ASSERT(X.mnem == X86_NOT && is_reg(0, X86_RCX, 1));
	OK(0xff, 0xc0);				/* inc eax */
	CU_ASSERT(X.mnem == X86_INC);
	OK(0xfe, 0xc8);				/* dec al */
	CU_ASSERT(X.mnem == X86_DEC && is_reg(0, X86_RAX, 1));
	OK(0x48, 0xff, 0x09);			/* dec qword [rcx] */
	CU_ASSERT(X.mnem == X86_DEC && is_mem(0, X86_RCX, X86_NOREG, 1, 0, 8));
	REJ("opcode fe /2 is not", 0xfe, 0xd0);
}

static void test_mul_div(void)
{
	OK(0xf7, 0xf1);				/* div ecx */
	CU_ASSERT(X.mnem == X86_DIV && X.nops == 1 && is_reg(0, X86_RCX, 4));
	OK(0x48, 0xf7, 0x31);			/* div qword [rcx] */
	CU_ASSERT(X.mnem == X86_DIV && X.opsize == 8);
	REJ("8-bit div", 0xf6, 0xf1);
	REJ("idiv", 0xf7, 0xf9);
	REJ("idiv", 0xf6, 0xf9);
	REJ("one-operand imul", 0xf7, 0xe9);
	REJ("mul", 0xf7, 0xe1);
	OK(0x0f, 0xaf, 0xc1);			/* imul eax, ecx */
	CU_ASSERT(X.mnem == X86_IMUL && X.nops == 2);
	OK(0x6b, 0xc0, 0xf0);			/* imul eax, eax, -16 */
	CU_ASSERT(X.mnem == X86_IMUL && X.nops == 3 && is_imm(2, -16));
	OK(0x48, 0x69, 0xc1, 0x10, 0, 0, 0);	/* imul rax, rcx, 16 */
	CU_ASSERT(X.nops == 3 && is_reg(1, X86_RCX, 8) && is_imm(2, 16) && X.len == 7);
}

static void test_shifts(void)
{
	OK(0xc1, 0xe0, 0x05);			/* shl eax, 5 */
	CU_ASSERT(X.mnem == X86_SHL && is_imm(1, 5) && X.o[1].size == 1);
	OK(0xc1, 0xe8, 0x05);
	CU_ASSERT(X.mnem == X86_SHR);
	OK(0x48, 0xc1, 0xf8, 0x3f);
	CU_ASSERT(X.mnem == X86_SAR && X.opsize == 8);
	OK(0xc1, 0xc0, 0x08);
	CU_ASSERT(X.mnem == X86_ROL);
	OK(0x66, 0xc1, 0xc8, 0x08);		/* ror ax, 8 */
	CU_ASSERT(X.mnem == X86_ROR && X.opsize == 2);
	OK(0xc0, 0xe0, 0xff);			/* count is zero-extended */
	CU_ASSERT(is_imm(1, 0xff));
	OK(0xd1, 0xe0);				/* shl eax, 1 */
	CU_ASSERT(X.mnem == X86_SHL && is_imm(1, 1) && X.len == 2);
	OK(0xd3, 0xe0);				/* shl eax, cl */
	CU_ASSERT(is_reg(1, X86_RCX, 1));
	OK(0x40, 0xd2, 0xee);			/* shr sil, cl */
	CU_ASSERT(is_reg(0, X86_RSI, 1) && X.opsize == 1);
	REJ("rcl", 0xd1, 0xd0);
	REJ("rcr", 0xc1, 0xd8, 1);
	REJ("alias of shl", 0xd1, 0xf0);
	REJ("alias of shl", 0xc0, 0xf0, 1);
}

static void test_misc(void)
{
	OK(0x0f, 0xc8);				/* bswap eax */
	CU_ASSERT(X.mnem == X86_BSWAP && is_reg(0, X86_RAX, 4));
	OK(0x49, 0x0f, 0xcb);			/* bswap r11 */
	CU_ASSERT(is_reg(0, X86_R11, 8));
	REJ("operand-size prefix (66) on BSWAP", 0x66, 0x0f, 0xc8);
	OK(0x98);
	CU_ASSERT(X.mnem == X86_CDQE && X.opsize == 4 && X.nops == 0);
	OK(0x48, 0x98);
	CU_ASSERT(X.mnem == X86_CDQE && X.opsize == 8);
	OK(0x66, 0x98);
	CU_ASSERT(X.mnem == X86_CDQE && X.opsize == 2);
	OK(0x0f, 0x94, 0xc0);			/* sete al */
	CU_ASSERT(X.mnem == X86_SETCC && X.cc == X86_CC_E && is_reg(0, X86_RAX, 1));
	OK(0x0f, 0x9f, 0xf8);			/* setg al (reg field ignored) */
	CU_ASSERT(X.mnem == X86_SETCC && X.cc == X86_CC_G && is_reg(0, X86_RAX, 1));
	OK(0x0f, 0x92, 0x01);			/* setb byte [rcx] */
	CU_ASSERT(X.cc == X86_CC_B && is_mem(0, X86_RCX, X86_NOREG, 1, 0, 1));
	OK(0x41, 0x0f, 0x95, 0xc0);		/* setne r8b */
	CU_ASSERT(is_reg(0, X86_R8, 1));
	OK(0x48, 0x0f, 0x47, 0xc1);		/* cmova rax, rcx */
	CU_ASSERT(X.mnem == X86_CMOVCC && X.cc == X86_CC_A && is_reg(0, X86_RAX, 8) &&
		  is_reg(1, X86_RCX, 8));
	OK(0x87, 0xca);				/* xchg edx, ecx */
	CU_ASSERT(X.mnem == X86_XCHG && is_reg(0, X86_RDX, 4) && is_reg(1, X86_RCX, 4));
	REJ("XCHG with a memory operand", 0x87, 0x0a);
	REJ("xchg of bytes", 0x86, 0xc1);
}

static void test_traps(void)
{
	OK(0x90);
	CU_ASSERT(X.mnem == X86_NOP && X.nops == 0 && X.len == 1);
	OK(0x41, 0x90);				/* xchg r8d, eax -- not a nop */
	CU_ASSERT(X.mnem == X86_XCHG && is_reg(0, X86_R8, 4) && is_reg(1, X86_RAX, 4));
	OK(0x49, 0x90);				/* xchg r8, rax */
	CU_ASSERT(X.mnem == X86_XCHG && is_reg(0, X86_R8, 8));
	OK(0x48, 0x90);				/* xchg rax, rax = nop */
	CU_ASSERT(X.mnem == X86_NOP);
	OK(0x66, 0x90);
	CU_ASSERT(X.mnem == X86_NOP && X.len == 2);
	OK(0x93);				/* xchg ebx, eax */
	CU_ASSERT(X.mnem == X86_XCHG && is_reg(0, X86_RBX, 4));
	REJ("pause", 0xf3, 0x90);
	/* a REX not directly before the opcode is dropped */
	OK(0x48, 0x66, 0x89, 0xc0);		/* mov ax, ax */
	CU_ASSERT(X.mnem == X86_MOV && X.opsize == 2 && X.len == 4);
	OK(0x41, 0x66, 0x89, 0xc0);		/* REX.B dropped: mov ax, ax */
	CU_ASSERT(is_reg(0, X86_RAX, 2));
	OK(0x48, 0x40, 0x89, 0xc0);		/* only the last REX counts */
	CU_ASSERT(X.opsize == 4);
	OK(0x40, 0x48, 0x89, 0xc0);
	CU_ASSERT(X.opsize == 8);
	/* byte registers: ah..bh without REX, spl..dil with any REX */
	OK(0x88, 0xe0);				/* mov al, ah */
	CU_ASSERT(is_reg(0, X86_RAX, 1) && is_reg(1, X86_AH, 1));
	OK(0x40, 0x88, 0xe0);			/* mov al, spl */
	CU_ASSERT(is_reg(1, X86_RSP, 1));
	OK(0x88, 0xfb);				/* mov bl, bh */
	CU_ASSERT(is_reg(0, X86_RBX, 1) && is_reg(1, X86_BH, 1));
	OK(0x40, 0x88, 0xfb);			/* mov bl, dil */
	CU_ASSERT(is_reg(1, X86_RDI, 1));
	OK(0x40, 0x66, 0x0f, 0xb6, 0xc4);	/* REX dropped: movzx ax, ah */
	CU_ASSERT(is_reg(0, X86_RAX, 2) && is_reg(1, X86_AH, 1));
	OK(0x66, 0x40, 0x0f, 0xb6, 0xc4);	/* movzx ax, spl */
	CU_ASSERT(is_reg(1, X86_RSP, 1));
	OK(0x0f, 0x94, 0xc4);			/* sete ah */
	CU_ASSERT(is_reg(0, X86_AH, 1));
	OK(0x40, 0x0f, 0x94, 0xc4);		/* sete spl */
	CU_ASSERT(is_reg(0, X86_RSP, 1));
	OK(0x40, 0xb7, 0x01);			/* mov dil, 1 */
	CU_ASSERT(is_reg(0, X86_RDI, 1));
	OK(0xb7, 0x01);				/* mov bh, 1 */
	CU_ASSERT(is_reg(0, X86_BH, 1));
}

static void test_branches(void)
{
	static const u32 r1[] = { 1 }, r2[] = { 3, 9, 21 };
	struct x86_relocs rel1 = { r1, 1 }, rel2 = { r2, 3 };

	CU_ASSERT_FATAL(dec_full(B(0x74, 0x02), 0, 16, NULL) == 0);
	CU_ASSERT(X.mnem == X86_JCC && X.cc == X86_CC_E && X.target == 4 && X.nops == 0);
	CU_ASSERT_FATAL(dec_full(B(0x0f, 0x8f, 0x04, 0, 0, 0), 0, 16, NULL) == 0);
	CU_ASSERT(X.mnem == X86_JCC && X.cc == X86_CC_G && X.len == 6 && X.target == 10);
	CU_ASSERT_FATAL(dec_full(B(0xeb, 0xf0), 20, 30, NULL) == 0);	/* backward */
	CU_ASSERT(X.mnem == X86_JMP && X.target == 6);
	CU_ASSERT_FATAL(dec_full(B(0x7f, 0xfe), 4, 8, NULL) == 0);	/* to itself */
	CU_ASSERT(X.target == 4);
	CU_ASSERT_FATAL(dec_full(B(0xe9, 0xf6, 0xff, 0xff, 0xff), 10, 16, NULL) == 0);
	CU_ASSERT(X.mnem == X86_JMP && X.target == 5);
	CU_ASSERT(dec_full(B(0x74, 0x0e), 0, 16, NULL) == PCCF_EDECODE);	/* = len */
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "outside the code"));
	CU_ASSERT(dec_full(B(0x74, 0x80), 0, 16, NULL) == PCCF_EDECODE);	/* < 0 */
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "outside the code"));
	CU_ASSERT(dec_full(B(0xe9, 0xff, 0xff, 0xff, 0x7f), 0, 16, NULL) == PCCF_EDECODE);
	CU_ASSERT(dec_full(B(0xe9, 0, 0, 0, 0x80), 8, 16, NULL) == PCCF_EDECODE);
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "outside the code"));
	REJ("operand-size prefix (66) on a branch", 0x66, 0x74, 0x00, 0x90);
	REJ("operand-size prefix (66) on a branch", 0x66, 0x0f, 0x84, 0, 0, 0, 0, 0x90);
	REJ("operand-size prefix (66) on a branch", 0x66, 0xeb, 0x00, 0x90);
	REJ("operand-size prefix (66) on a branch", 0x66, 0xe9, 0, 0, 0, 0, 0x90);
	REJ("operand-size prefix (66) on a branch or return (RET)", 0x66, 0xc3);
	REJ("segment prefix on JCC", 0x2e, 0x74, 0x00, 0x90);	/* branch hint */
	OK(0xc3);
	CU_ASSERT(X.mnem == X86_RET && X.len == 1);
	REJ("ret imm16", 0xc2, 0, 0);
	/* E9 through a reloc is a return */
	CU_ASSERT_FATAL(dec_full(B(0xe9, 0, 0, 0, 0), 0, 5, &rel1) == 0);
	CU_ASSERT(X.mnem == X86_RET && X.nops == 0 && X.len == 5);
	CU_ASSERT(dec_full(B(0xe9, 1, 0, 0, 0), 0, 5, &rel1) == PCCF_EDECODE);
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "nonzero rel32"));
	CU_ASSERT_FATAL(dec_full(B(0xe9, 0, 0, 0, 0), 8, 13, &rel2) == 0);
	CU_ASSERT(X.mnem == X86_RET && X.off == 8);
	CU_ASSERT_FATAL(dec_full(B(0xe9, 0, 0, 0, 0), 20, 30, &rel2) == 0);
	CU_ASSERT(X.mnem == X86_RET);
	CU_ASSERT_FATAL(dec_full(B(0xe9, 0, 0, 0, 0), 4, 16, &rel2) == 0);	/* not a reloc */
	CU_ASSERT(X.mnem == X86_JMP && X.target == 9);
	CU_ASSERT(dec_full(B(0xe9, 0, 0, 0, 0), 0, 5, NULL) == PCCF_EDECODE);
}

static void test_nops_endbr(void)
{
	static const struct { u8 n; u8 b[15]; } nops[] = {
		{ 3, { 0x0f, 0x1f, 0x00 } },
		{ 4, { 0x0f, 0x1f, 0x40, 0x00 } },
		{ 5, { 0x0f, 0x1f, 0x44, 0x00, 0x00 } },
		{ 6, { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 } },
		{ 7, { 0x0f, 0x1f, 0x80, 0, 0, 0, 0 } },
		{ 8, { 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0 } },
		{ 9, { 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0 } },
		{ 10, { 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0 } },
		{ 11, { 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0 } },
		{ 15, { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84,
			0, 0, 0, 0, 0 } },
		{ 4, { 0x3e, 0x0f, 0x1f, 0x00 } },
		{ 4, { 0x26, 0x0f, 0x1f, 0x00 } },
		{ 4, { 0x36, 0x0f, 0x1f, 0x00 } },
		{ 3, { 0x0f, 0x1f, 0xc0 } },
	};
	size_t i;

	for (i = 0; i < sizeof(nops) / sizeof(nops[0]); i++) {
		CU_ASSERT(dec(nops[i].b, nops[i].n) == 0);
		CU_ASSERT(X.mnem == X86_NOP && X.len == nops[i].n && X.nops == 0);
	}
	REJ("longer than 15 bytes", 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x2e, 0x0f,
	    0x1f, 0x84, 0, 0, 0, 0, 0);
	REJ("longer than 15 bytes", 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90);
	REJ("rip-relative", 0x0f, 0x1f, 0x05, 0, 0, 0, 0);
	REJ("fs/gs segment prefix", 0x64, 0x0f, 0x1f, 0x00);
	REJ("hint nop (0f 1f other than /0) (opcode 0f 1f /1)", 0x0f, 0x1f, 0xc8);
	REJ("segment prefix on XCHG (allowed only on multi-byte nops)", 0x2e, 0x90);
	OK(0xf3, 0x0f, 0x1e, 0xfa);
	CU_ASSERT(X.mnem == X86_ENDBR64 && X.len == 4 && X.nops == 0);
	REJ("is not endbr64", 0xf3, 0x0f, 0x1e, 0xfb);		/* endbr32 */
	REJ("without f3", 0x0f, 0x1e, 0xfa);
	REJ("repne prefix (f2)", 0xf2, 0x0f, 0x1e, 0xfa);
	REJ("operand-size prefix (66) on ENDBR64", 0x66, 0xf3, 0x0f, 0x1e, 0xfa);
}

static void test_prefix_rejections(void)
{
	REJ("lock prefix (f0)", 0xf0, 0x01, 0x01);
	REJ("repne prefix (f2)", 0xf2, 0x01, 0xc0);
	REJ("rep prefix (f3) on ADD", 0xf3, 0x01, 0xc0);
	REJ("address-size prefix (67)", 0x67, 0x8b, 0x00);
	REJ("fs/gs segment prefix", 0x64, 0x8b, 0x00);
	REJ("fs/gs segment prefix", 0x65, 0x48, 0x8b, 0x00);
	REJ("segment prefix on MOV", 0x2e, 0x8b, 0x00);
	REJ("segment prefix on MOV", 0x3e, 0x8b, 0x00);
	REJ("operand-size prefix (66) on SETCC", 0x66, 0x0f, 0x94, 0xc0);
	REJ("operand-size prefix (66) on MOV", 0x66, 0x88, 0xc0);
	REJ("string op (movs/cmps) (opcode a4)", 0xf3, 0xa4);
	REJ("rep prefix (f3) on MOV", 0xf3, 0x48, 0x89, 0xc0);
}

static void test_unlisted(void)
{
	REJ("push", 0x50);
	REJ("push", 0x41, 0x57);
	REJ("pop", 0x5d);
	REJ("call", 0xe8, 0, 0, 0, 0);
	REJ("indirect call", 0xff, 0xd0);
	REJ("indirect jmp", 0xff, 0xe0);
	REJ("syscall", 0x0f, 0x05);
	REJ("int3", 0xcc);
	REJ("hlt", 0xf4);
	REJ("string op", 0xa4);
	REJ("string op", 0x48, 0xab);
	REJ("SSE", 0x0f, 0x58, 0xc0);
	REJ("SSE", 0x66, 0x0f, 0xef, 0xc0);
	REJ("VEX", 0xc5, 0xf9, 0xef, 0xc0);
	REJ("EVEX", 0x62, 0xf1, 0x7d, 0x48, 0xef, 0xc0);
	REJ("three-byte opcode map 0f 38", 0x0f, 0x38, 0x00, 0xc0);
	REJ("ud2", 0x0f, 0x0b);
	REJ("cpuid", 0x0f, 0xa2);
	REJ("cwd/cdq/cqo", 0x99);
	REJ("leave", 0xc9);
	REJ("opcode d6 is not in the accepted subset", 0xd6);
	REJ("opcode 0f 0e is not in the accepted subset", 0x0f, 0x0e);
	REJ("runs past the end", 0x0f);
	REJ("runs past the end", 0x66);
	REJ("runs past the end", 0x48);
	REJ("runs past the end", 0xf7);
	REJ("runs past the end", 0x83, 0xc0);
}

static void test_offsets_and_names(void)
{
	u8 buf[8] = { 0x90, 0x90, 0xf0, 0x01, 0x01, 0x90, 0, 0 };

	memset(&E, 0, sizeof(E));
	CU_ASSERT(x86_decode(buf, 6, 2, NULL, &X, &E) == PCCF_EDECODE);
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "offset "));
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "2: lock prefix (f0)"));
	memset(&E, 0, sizeof(E));
	CU_ASSERT(x86_decode(buf, 6, 6, NULL, &X, &E) == PCCF_EDECODE);
	CU_ASSERT_PTR_NOT_NULL(strstr(E.msg, "runs past the end"));
	memset(&E, 0, sizeof(E));
	CU_ASSERT(x86_decode(buf, 6, 0xffffffffu, NULL, &X, &E) == PCCF_EDECODE);
	memset(&E, 0, sizeof(E));
	CU_ASSERT(x86_decode(buf, 6, 1, NULL, &X, &E) == 0);
	CU_ASSERT(X.off == 1 && X.len == 1 && X.mnem == X86_NOP);
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_RAX, 8), "rax");
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_R8, 4), "r8d");
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_R15, 2), "r15w");
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_RSP, 1), "spl");
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_R9, 1), "r9b");
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_AH, 1), "ah");
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_BH, 1), "bh");
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_NOREG, 8), "?");
	CU_ASSERT_STRING_EQUAL(x86_reg_name(X86_RAX, 3), "?");
	CU_ASSERT_STRING_EQUAL(x86_mnem_name[X86_MOVZX], "MOVZX");
	CU_ASSERT_STRING_EQUAL(x86_mnem_name[X86_NOP], "NOP");
	CU_ASSERT_EQUAL(x86_flags_written[X86_ADD], X86_ALLF);
	CU_ASSERT_EQUAL(x86_flags_undef[X86_AND], X86_AF);
	CU_ASSERT_EQUAL(x86_flags_undef[X86_DIV], X86_ALLF);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "mov", test_mov },
		{ "movzx, movsx, movsxd, lea", test_movx_lea },
		{ "addressing modes", test_addressing },
		{ "alu, test, neg, not, inc, dec", test_alu },
		{ "imul, div", test_mul_div },
		{ "shifts and rotates", test_shifts },
		{ "bswap, cdqe, setcc, cmovcc, xchg", test_misc },
		{ "traps: 41 90, dropped REX, byte registers", test_traps },
		{ "branches and relocated returns", test_branches },
		{ "nops and endbr64", test_nops_endbr },
		{ "prefix rejections", test_prefix_rejections },
		{ "unlisted instructions", test_unlisted },
		{ "offsets and names", test_offsets_and_names },
	};
	CU_pSuite s;
	unsigned fails, asserts;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("decode", NULL, NULL);
	for (i = 0; s && i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn))
			s = NULL;
	if (!s) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	asserts = CU_get_number_of_asserts() - CU_get_number_of_failures();
	CU_cleanup_registry();
	printf("%u passed, %u failed\n", asserts, fails);
	return fails ? 1 : 0;
}
