/*
 * test_zydis.c - differential test of the trusted decoder against Zydis.
 *
 * Generates instructions from the rows of vcgen/x86_table.h with random
 * legal and illegal prefixes, REX, ModRM, SIB, displacements and
 * immediates, plus random byte strings.  Whenever x86_decode accepts,
 * Zydis (64-bit mode) must decode the same bytes with the same length,
 * the same mnemonic and the same operands (registers by name, memory
 * base/index/scale/disp, immediate values, operand sizes, branch
 * targets).  Zydis saying "invalid" where we accept is a failure.
 *
 *   test_zydis [count [seed [-v]]]   default 1000000, seed 1; -v lists why
 *                                    ours rejected what Zydis decodes
 *
 * Prints "N passed, M failed" (N = compared instructions) and exits 1 on
 * any mismatch.  Flag effects of x86.h's X86_MNEMONICS are compared with
 * Zydis's too and reported (not failed: shift/rotate flags depend on
 * the count, which x86.h documents separately).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <Zydis/Zydis.h>
#include "pccf/compat.h"
#include "x86.h"
#include "x86_table.h"

static const struct x86_row rows[] = { X86_TABLE(X86_ROW) };
#define NROWS (sizeof(rows) / sizeof(rows[0]))

#define OFF 128u		/* where the instruction sits in the code */
#define MAXFAIL_PRINT 20

static u64 rng_state;

/* rnd - xorshift64*: the next pseudo-random 64-bit number. */
static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

/* chance - true with probability 'pct' percent. */
static int chance(u32 pct)
{
	return rnd() % 100 < pct;
}

static const char *const ccnames[16] = {
	"o", "no", "b", "nb", "z", "nz", "be", "nbe",
	"s", "ns", "p", "np", "l", "nl", "le", "nle"
};

/* expected_mnem - the Zydis mnemonic string our decoding stands for;
 * 'first_op' is the opcode (after 0F) to tell movsxd and E9 apart. */
static void expected_mnem(const struct x86_insn *x, u8 map, u8 op, char *buf, size_t n)
{
	const char *name = x86_mnem_name[x->mnem];
	size_t i;

	switch (x->mnem) {
	case X86_SETCC: snprintf(buf, n, "set%s", ccnames[x->cc]); return;
	case X86_CMOVCC: snprintf(buf, n, "cmov%s", ccnames[x->cc]); return;
	case X86_JCC: snprintf(buf, n, "j%s", ccnames[x->cc]); return;
	case X86_CDQE:
		snprintf(buf, n, "%s", x->opsize == 2 ? "cbw" : x->opsize == 4 ? "cwde" : "cdqe");
		return;
	case X86_MOVSX:
		snprintf(buf, n, "%s", map == 0 && op == 0x63 ? "movsxd" : "movsx");
		return;
	case X86_RET:
		snprintf(buf, n, "%s", map == 0 && op == 0xe9 ? "jmp" : "ret");
		return;
	default:
		break;
	}
	for (i = 0; name[i] && i + 1 < n; i++)
		buf[i] = (char)(name[i] | 0x20);
	buf[i] = 0;
}

/* opcode_of - the opcode map and byte of the instruction at 'p'. */
static void opcode_of(const u8 *p, u8 *map, u8 *op)
{
	for (;;) {
		u8 b = *p;
		if (b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
		    b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
		    b == 0x65 || (b & 0xf0) == 0x40) {
			p++;
			continue;
		}
		break;
	}
	*map = *p == 0x0f;
	*op = *map ? p[1] : p[0];
}

/* regstr - Zydis's name for register 'r', "" for none. */
static const char *regstr(ZydisRegister r)
{
	const char *s = r == ZYDIS_REGISTER_NONE ? "" : ZydisRegisterGetString(r);
	return s ? s : "?";
}

/* ourreg - our name for register 'r' (64-bit names for addresses). */
static const char *ourreg(u8 r, u8 size)
{
	return r == X86_NOREG ? "" : x86_reg_name(r, size);
}

static char why[256];

/* cmp_opnd - our operand 'o' against Zydis's 'z'; 0 if equal, else
 * 'why' says what differs.  'ins' gives raw immediates. */
static int cmp_opnd(const struct x86_insn *x, int i, const ZydisDecodedInstruction *zi,
		    const ZydisDecodedOperand *z)
{
	const struct x86_opnd *o = &x->o[i];

	switch (o->kind) {
	case X86_OREG:
		if (z->type != ZYDIS_OPERAND_TYPE_REGISTER ||
		    strcmp(regstr(z->reg.value), x86_reg_name(o->reg, o->size))) {
			snprintf(why, sizeof why, "op%d: reg %s vs zydis %s", i,
				 x86_reg_name(o->reg, o->size),
				 z->type == ZYDIS_OPERAND_TYPE_REGISTER ? regstr(z->reg.value) : "(not reg)");
			return 1;
		}
		break;
	case X86_OMEM:
		if (z->type != ZYDIS_OPERAND_TYPE_MEMORY) {
			snprintf(why, sizeof why, "op%d: mem vs zydis type %d", i, z->type);
			return 1;
		}
		if (strcmp(regstr(z->mem.base), ourreg(o->mem.base, 8)) ||
		    strcmp(regstr(z->mem.index), ourreg(o->mem.index, 8)) ||
		    (o->mem.index != X86_NOREG && z->mem.scale != o->mem.scale) ||
		    z->mem.disp.value != o->mem.disp) {
			snprintf(why, sizeof why,
				 "op%d: mem [%s+%s*%u+%d] vs zydis [%s+%s*%u+%lld]", i,
				 ourreg(o->mem.base, 8), ourreg(o->mem.index, 8), o->mem.scale,
				 o->mem.disp, regstr(z->mem.base), regstr(z->mem.index),
				 z->mem.scale, (long long)z->mem.disp.value);
			return 1;
		}
		if (x->mnem == X86_LEA)
			return 0;	/* Zydis sizes lea's operand by address width */
		break;
	case X86_OIMM: {
		u64 mask = o->size >= 8 ? ~0ULL : (1ULL << (8 * o->size)) - 1;
		if (z->type != ZYDIS_OPERAND_TYPE_IMMEDIATE ||
		    ((u64)o->imm & mask) != (z->imm.value.u & mask)) {
			snprintf(why, sizeof why, "op%d: imm %llx vs zydis %llx", i,
				 (unsigned long long)o->imm, (unsigned long long)z->imm.value.u);
			return 1;
		}
		/* our value is the encoded field sign-extended from its width */
		if (zi->raw.imm[0].size && zi->raw.imm[0].is_signed) {
			u32 bits = zi->raw.imm[0].size;
			u64 v = zi->raw.imm[0].value.u;
			s64 want = bits >= 64 ? (s64)v
				: (s64)((v ^ (1ULL << (bits - 1))) & ((1ULL << bits) - 1)) -
				  (s64)(1ULL << (bits - 1));
			if (want != o->imm) {
				snprintf(why, sizeof why, "op%d: imm %llx not the sign-extended field %llx",
					 i, (unsigned long long)o->imm, (unsigned long long)want);
				return 1;
			}
		}
		return 0;	/* Zydis sizes shift counts as 8 bits */
	}
	default:
		snprintf(why, sizeof why, "op%d: bad kind %d", i, o->kind);
		return 1;
	}
	if (z->size != 8u * o->size) {
		snprintf(why, sizeof why, "op%d: size %u vs zydis %u bits", i, o->size, z->size);
		return 1;
	}
	return 0;
}

/* compare - our decoding 'x' of 'p' (code at 'base', 'len' bytes) against
 * Zydis; 0 if they agree. */
static int compare(const ZydisDecoder *zd, const u8 *base, u32 len, const struct x86_insn *x)
{
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
	char want[16];
	u8 map, op;
	int i;

	if (ZYAN_FAILED(ZydisDecoderDecodeFull(zd, base + x->off, len - x->off, &zi, zo))) {
		snprintf(why, sizeof why, "zydis says invalid");
		return 1;
	}
	if (zi.length != x->len) {
		snprintf(why, sizeof why, "length %u vs zydis %u", x->len, zi.length);
		return 1;
	}
	opcode_of(base + x->off, &map, &op);
	expected_mnem(x, map, op, want, sizeof want);
	if (strcmp(want, ZydisMnemonicGetString(zi.mnemonic))) {
		snprintf(why, sizeof why, "mnemonic %s vs zydis %s", want,
			 ZydisMnemonicGetString(zi.mnemonic));
		return 1;
	}
	switch (x->mnem) {
	case X86_NOP: case X86_ENDBR64: case X86_RET:
		return 0;
	case X86_JCC: case X86_JMP: {
		ZyanU64 a = 0;
		if (zi.operand_count_visible != 1 ||
		    ZYAN_FAILED(ZydisCalcAbsoluteAddress(&zi, &zo[0], x->off, &a)) ||
		    a != x->target) {
			snprintf(why, sizeof why, "target %x vs zydis %llx", x->target,
				 (unsigned long long)a);
			return 1;
		}
		return 0;
	}
	default:
		break;
	}
	if (x->mnem != X86_SETCC && zi.operand_width != 8u * x->opsize) {
		snprintf(why, sizeof why, "operand size %u vs zydis %u bits", x->opsize,
			 zi.operand_width);
		return 1;
	}
	if (zi.operand_count_visible != x->nops) {
		snprintf(why, sizeof why, "%u operands vs zydis %u", x->nops,
			 zi.operand_count_visible);
		return 1;
	}
	for (i = 0; i < x->nops; i++)
		if (cmp_opnd(x, i, &zi, &zo[i]))
			return 1;
	return 0;
}

/* check_flags - x86.h's flag effects of 'x' against Zydis's, noted once
 * per mnemonic in 'seen'. */
static void check_flags(const ZydisDecoder *zd, const u8 *p, u32 n, const struct x86_insn *x,
			u8 *seen)
{
	ZydisDecodedInstruction zi;
	u32 w, u;

	if (seen[x->mnem] || x->mnem == X86_RET)
		return;
	seen[x->mnem] = 1;
	if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(zd, NULL, p, n, &zi)) || !zi.cpu_flags)
		return;
	w = (zi.cpu_flags->modified | zi.cpu_flags->set_0 | zi.cpu_flags->set_1) & X86_ALLF;
	u = zi.cpu_flags->undefined & X86_ALLF;
	w &= ~u;
	if (w != x86_flags_written[x->mnem] || u != x86_flags_undef[x->mnem])
		printf("note: flags of %s: x86.h written %03x undef %03x, zydis %03x %03x\n",
		       x86_mnem_name[x->mnem], x86_flags_written[x->mnem],
		       x86_flags_undef[x->mnem], w, u);
}

static const u8 legacy[] = { 0x66, 0x66, 0x66, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65,
			     0xf0, 0xf2, 0xf3, 0x67 };

/* gen - one test instruction at 'buf' + OFF; returns the code length and
 * may add a reloc to 'rel'. */
static u32 gen(u8 *buf, u32 *relbuf, struct x86_relocs *rel)
{
	const struct x86_row *r;
	u8 *p = buf + OFF;
	u32 i, k, len;
	u8 op;

	for (i = 0; i < 24; i++)
		p[i] = (u8)rnd();
	rel->n = 0;
	len = OFF + 24;
	if (chance(2))
		len = OFF + 1 + (u32)(rnd() % 12);	/* truncated code */
	if (chance(8))
		return len;			/* random bytes */
	r = &rows[rnd() % NROWS];
	k = 0;
	if (chance(3)) {			/* long prefix chains: 15-byte limit */
		u32 np = 4 + (u32)(rnd() % 11);
		for (i = 0; i < np; i++)
			p[k++] = chance(50) ? 0x66 : chance(50) ? 0x2e : (u8)(0x40 | (rnd() & 15));
	} else if (chance(40)) {
		u32 np = 1 + (u32)(rnd() % 3);
		for (i = 0; i < np; i++)
			p[k++] = chance(70) ? legacy[rnd() % 9] :
				chance(50) ? (u8)(0x40 | (rnd() & 15)) : legacy[rnd() % sizeof legacy];
	}
	if ((r->flags & XF_F3) && chance(80))
		p[k++] = 0xf3;
	if (chance(50))
		p[k++] = (u8)(0x40 | (rnd() & 15));
	if (r->map)
		p[k++] = 0x0f;
	op = (u8)(r->op + rnd() % r->n);
	p[k++] = op;
	if (r->flags & XF_BR) {
		s32 v = (s32)(rnd() % 160) - 80;
		if (r->o[0] == XO_Jb) {
			p[k] = (u8)v;
		} else {
			if (chance(90)) {
				p[k] = (u8)v; p[k + 1] = p[k + 2] = p[k + 3] = v < 0 ? 0xff : 0;
			}
			if ((r->flags & XF_RELOC) && chance(50)) {
				relbuf[0] = OFF + k;
				rel->n = 1;
				if (chance(70))
					p[k] = p[k + 1] = p[k + 2] = p[k + 3] = 0;
			}
		}
		return len;
	}
	/* ModRM */
	if (r->flags & XF_ENDBR) {
		if (chance(80))
			p[k] = 0xfa;
	} else if (r->digit >= 0 && chance(90)) {
		p[k] = (u8)((p[k] & 0xc7) | (r->digit << 3));
	}
	if ((r->flags & XF_REG) && chance(70))
		p[k] |= 0xc0;
	if (r->o[1] == XO_M && chance(70) && (p[k] & 0xc0) == 0xc0)
		p[k] &= 0x7f;
	return len;
}

/* Why ours rejected what Zydis decodes, by message (offset stripped). */
#define NWHY 512
static char why_msg[NWHY][PCCF_MSG_MAX];
static u64 why_cnt[NWHY];

/* note_reject - count rejection message 'm' (after its "offset N: "). */
static void note_reject(const char *m)
{
	const char *c = strstr(m, ": ");
	int i;

	m = c ? c + 2 : m;
	for (i = 0; i < NWHY && why_msg[i][0]; i++)
		if (!strcmp(why_msg[i], m))
			break;
	if (i == NWHY)
		return;
	if (!why_msg[i][0])
		snprintf(why_msg[i], PCCF_MSG_MAX, "%s", m);
	why_cnt[i]++;
}

/* hexdump - the first 'n' bytes at 'p' into 'buf'. */
static const char *hexdump(const u8 *p, u32 n, char *buf)
{
	u32 i;

	for (i = 0; i < n; i++)
		sprintf(buf + 3 * i, "%02x ", p[i]);
	buf[3 * n] = 0;
	return buf;
}

int main(int argc, char **argv)
{
	u64 count = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000;
	u64 seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	u64 n, passed = 0, failed = 0, rejected = 0, zyd_only = 0;
	u64 per_mnem[X86_NMNEM] = { 0 };
	static u8 buf[OFF + 64];
	u32 relbuf[1];
	u8 seen[X86_NMNEM] = { 0 };
	ZydisDecoder zd;
	int i;

	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	ZydisDecoderInit(&zd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	for (n = 0; n < count; n++) {
		struct x86_relocs rel = { relbuf, 0 };
		struct x86_insn x;
		struct pccf_err e;
		u32 len = gen(buf, relbuf, &rel);
		char hb[80];

		memset(&e, 0, sizeof e);
		if (x86_decode(buf, len, OFF, &rel, &x, &e)) {
			ZydisDecodedInstruction zi;
			rejected++;
			if (e.code != PCCF_EDECODE || !e.msg[0]) {
				failed++;
				printf("FAIL: rejection without a message: %s\n",
				       hexdump(buf + OFF, 15, hb));
			}
			if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zd, NULL, buf + OFF,
								       len - OFF, &zi))) {
				zyd_only++;
				note_reject(e.msg);
				/* our limits must not be stricter than the hardware's */
				if (strstr(e.msg, "longer than 15") ||
				    (strstr(e.msg, "runs past the end") && zi.length <= len - OFF)) {
					failed++;
					printf("FAIL %s: ours \"%s\", zydis decodes %u bytes\n",
					       hexdump(buf + OFF, 15, hb), e.msg, zi.length);
				}
			}
			continue;
		}
		if (compare(&zd, buf, len, &x)) {
			failed++;
			if (failed <= MAXFAIL_PRINT)
				printf("FAIL %s: %s\n", hexdump(buf + OFF, x.len ? x.len : 15, hb), why);
			continue;
		}
		per_mnem[x.mnem]++;
		check_flags(&zd, buf + OFF, len - OFF, &x, seen);
		passed++;
	}
	printf("accepted by ours: %llu, rejected by ours: %llu (of which Zydis decodes %llu)\n",
	       (unsigned long long)(count - rejected),
	       (unsigned long long)rejected, (unsigned long long)zyd_only);
	if (argc > 3)
		for (i = 0; i < NWHY && why_msg[i][0]; i++)
			printf("rejected, zydis decodes: %8llu  %s\n",
			       (unsigned long long)why_cnt[i], why_msg[i]);
	printf("compared per mnemonic:");
	for (i = 0; i < X86_NMNEM; i++)
		printf(" %s=%llu", x86_mnem_name[i], (unsigned long long)per_mnem[i]);
	printf("\n%llu passed, %llu failed\n", (unsigned long long)passed,
	       (unsigned long long)failed);
	return failed ? 1 : 0;
}
