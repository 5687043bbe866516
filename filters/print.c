/*
 * print.c - readable printers for instructions, terms and proofs.
 *
 * Untrusted: output for people.  Terms are printed without recursion:
 * a subterm used twice or bigger than INLINE_MAX nodes gets a definition
 * line of its own, so every inline expansion is at most INLINE_MAX deep
 * and a fixed explicit stack suffices.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "print.h"

/* ---- instructions ------------------------------------------------------ */

static const char *const cc_name[16] = {
	"o", "no", "b", "ae", "e", "ne", "be", "a",
	"s", "ns", "p", "np", "l", "ge", "le", "g"
};

/* size_kw - the Intel size keyword of a 'size'-byte memory operand. */
static const char *size_kw(uint8_t size)
{
	switch (size) {
	case 1: return "byte";
	case 2: return "word";
	case 4: return "dword";
	case 8: return "qword";
	default: return "?";
	}
}

/* print_num - 'v' as decimal below 10, else as 0x hex, with sign. */
static void print_num(FILE *f, int64_t v)
{
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (v < 0)
		fputc('-', f);
	if (m < 10)
		fprintf(f, "%" PRIu64, m);
	else
		fprintf(f, "0x%" PRIx64, m);
}

/* print_imm - immediate 'v' used at 'size' bytes: unsigned below 8
 * bytes (as objdump does), signed at 8. */
static void print_imm(FILE *f, int64_t v, uint8_t size)
{
	if (size >= 8 || size == 0)
		print_num(f, v);
	else
		print_num(f, (int64_t)((uint64_t)v & ((1ull << (8 * size)) - 1)));
}

/* print_mem - memory operand 'm' of 'size' bytes; 'kw': print the size. */
static void print_mem(FILE *f, const struct x86_mem *m, uint8_t size, int kw)
{
	int any = 0;

	if (kw)
		fprintf(f, "%s ", size_kw(size));
	fputc('[', f);
	if (m->base != X86_NOREG) {
		fputs(x86_reg_name(m->base, 8), f);
		any = 1;
	}
	if (m->index != X86_NOREG) {
		fprintf(f, "%s%s", any ? "+" : "", x86_reg_name(m->index, 8));
		if (m->scale > 1)
			fprintf(f, "*%u", m->scale);
		any = 1;
	}
	if (m->disp || !any) {
		if (any && m->disp >= 0)
			fputc('+', f);
		print_num(f, m->disp);
	}
	fputc(']', f);
}

/* print_opnd - operand 'o'; 'kw': size keyword on memory operands. */
static void print_opnd(FILE *f, const struct x86_opnd *o, int kw)
{
	switch (o->kind) {
	case X86_OREG:
		fputs(x86_reg_name(o->reg, o->size), f);
		break;
	case X86_OMEM:
		print_mem(f, &o->mem, o->size, kw);
		break;
	case X86_OIMM:
		print_imm(f, o->imm, o->size);
		break;
	default:
		fputs("?", f);
		break;
	}
}

/* print_lower - 's' in lower case. */
static void print_lower(FILE *f, const char *s)
{
	while (*s)
		fputc(tolower((unsigned char)*s++), f);
}

/* print_mnem - the mnemonic of 'in', with its condition or width. */
static void print_mnem(FILE *f, const struct x86_insn *in)
{
	static const char *const cdq[9] = { [2] = "cbw", [4] = "cwde",
					    [8] = "cdqe" };

	switch (in->mnem) {
	case X86_JCC:
		fprintf(f, "j%s", cc_name[in->cc & 15]);
		return;
	case X86_SETCC:
		fprintf(f, "set%s", cc_name[in->cc & 15]);
		return;
	case X86_CMOVCC:
		fprintf(f, "cmov%s", cc_name[in->cc & 15]);
		return;
	case X86_CDQE:
		fputs(in->opsize <= 8 && cdq[in->opsize] ? cdq[in->opsize] : "cdqe", f);
		return;
	case X86_MOVSX:
		fputs(in->nops > 1 && in->o[1].size == 4 ? "movsxd" : "movsx", f);
		return;
	default:
		if (in->mnem < X86_NMNEM)
			print_lower(f, x86_mnem_name[in->mnem]);
		else
			fputs("(bad)", f);
	}
}

/* print_insn - see print.h. */
void print_insn(FILE *f, const struct x86_insn *in)
{
	int i;

	if (in->mnem == X86_RET && in->len == 5) {
		fputs("jmp <return stub>", f);
		return;
	}
	print_mnem(f, in);
	if (in->mnem == X86_JCC || in->mnem == X86_JMP) {
		fprintf(f, " 0x%x", in->target);
		return;
	}
	for (i = 0; i < in->nops && i < 3; i++) {
		fputs(i ? ", " : " ", f);
		print_opnd(f, &in->o[i], in->mnem != X86_LEA);
	}
}

/* ---- terms ------------------------------------------------------------- */

#define INLINE_MAX 24	/* nodes printed inline before a subterm is named */

/* A pending piece of an inline expansion. */
struct frame {
	lf_ref r;
	uint8_t step;	/* operands already printed */
	uint8_t bare;	/* print without parentheses: the outermost term of
			 * a line, or the right operand of the same
			 * associative operator */
};

/* The printer's view of one DAG. */
struct tp {
	FILE *f;
	const struct lf_tab *tab;
	uint8_t *named;		/* named[r]: printed as "tN" inside others */
};

static const char *const var_name[4] = { "pkt", "caplen", "wirelen", "mem" };
static const char *const flag_name[6] = { "cf", "pf", "af", "zf", "sf", "of" };

/* infix_op - the operator of binary infix kind 'k', or NULL. */
static const char *infix_op(uint8_t k)
{
	switch (k) {
	case LF_ADD: return " + ";
	case LF_SUB: return " - ";
	case LF_MUL: return " * ";
	case LF_UDIV: return " /u ";
	case LF_UREM: return " %u ";
	case LF_AND: return " & ";
	case LF_OR: return " | ";
	case LF_XOR: return " ^ ";
	case LF_SHL: return " << ";
	case LF_SHR: return " >>u ";
	case LF_SAR: return " >>s ";
	case LF_PAND: return " /\\ ";
	case LF_POR: return " \\/ ";
	case LF_IMP: return " => ";
	case LF_EQ: return " == ";
	case LF_ULT: return " <u ";
	case LF_ULE: return " <=u ";
	case LF_SLT: return " <s ";
	case LF_SLE: return " <=s ";
	default: return NULL;
	}
}

/* print_var - variable 'id': an input, or a join variable "rax@0x1c". */
static void print_var(FILE *f, uint64_t id)
{
	uint64_t off, slot;

	if (id < 4) {
		fputs(var_name[id], f);
		return;
	}
	if (id < LF_V_FIRST_FREE) {
		fprintf(f, "v%" PRIu64, id);
		return;
	}
	off = (id - LF_V_FIRST_FREE) / 64;
	slot = (id - LF_V_FIRST_FREE) % 64;
	if (slot < 16)
		fputs(x86_reg_name((uint8_t)slot, 8), f);
	else if (slot < 32)
		fprintf(f, "m%" PRIu64, slot - 16);
	else if (slot < 32 + 6)
		fputs(flag_name[slot - 32], f);
	else
		fprintf(f, "s%" PRIu64, slot);
	fprintf(f, "@0x%" PRIx64, off);
}

/* print_leaf - a term without operands. */
static void print_leaf(FILE *f, const struct lf_term *t)
{
	switch (t->kind) {
	case LF_CONST:
		if (t->k < 10)
			fprintf(f, "%" PRIu64, t->k);
		else
			fprintf(f, "0x%" PRIx64, t->k);
		break;
	case LF_VAR:
		print_var(f, t->k);
		break;
	case LF_TRUE:
		fputs("true", f);
		break;
	case LF_FALSE:
		fputs("false", f);
		break;
	case LF_PVAR:
		fprintf(f, "p%" PRIu64, t->k);
		break;
	default:
		fputs("none", f);
		break;
	}
}

/* piece - print what comes before operand 'step' of 't' (or after the
 * last operand when 'step' equals its arity). */
static void piece(FILE *f, const struct lf_term *t, int step, int top)
{
	const char *op = infix_op(t->kind);
	int last = step == lf_kind_arity[t->kind];

	if (op) {
		fputs(step == 0 ? (top ? "" : "(") : last ? (top ? "" : ")") : op, f);
		return;
	}
	if (last) {
		if (t->kind == LF_INB)
			fprintf(f, ", %" PRIu64 ")", t->k);
		else if (t->kind == LF_LD)
			fputs("]", f);
		else if (t->kind != LF_NOT && t->kind != LF_NEG && t->kind != LF_PNOT)
			fputs(")", f);
		return;
	}
	if (step > 0) {
		fputs(", ", f);
		return;
	}
	switch (t->kind) {
	case LF_LD: fprintf(f, "ld%" PRIu64 "[", t->k); break;
	case LF_NOT: fputs("~", f); break;
	case LF_NEG: fputs("-", f); break;
	case LF_PNOT: fputs("!", f); break;
	case LF_SEXT: fprintf(f, "sext%" PRIu64 "(", t->k); break;
	case LF_BSWAP: fprintf(f, "bswap%" PRIu64 "(", t->k); break;
	case LF_ROL: fprintf(f, "rol%" PRIu64 "(", t->k); break;
	case LF_ROR: fprintf(f, "ror%" PRIu64 "(", t->k); break;
	case LF_INB: fputs("inb(", f); break;
	default: fprintf(f, "%s(", t->kind < LF_NKINDS ? lf_kind_name[t->kind] : "?");
	}
}

/* chains - 1 when 'c' continues a chain of associative operator 'k'
 * ("a /\ b /\ c" for a /\ (b /\ c)). */
static int chains(uint8_t k, const struct lf_tab *tab, lf_ref c)
{
	switch (k) {
	case LF_PAND: case LF_POR: case LF_ADD: case LF_MUL: case LF_AND:
	case LF_OR: case LF_XOR:
		return lf_get(tab, c)->kind == k;
	default:
		return 0;
	}
}

/* operand - operand 'i' (0 or 1) of 't'. */
static lf_ref operand(const struct lf_term *t, int i)
{
	return i == 0 ? t->a : t->b;
}

/* expand - print the body of 'r' inline; named operands as "tN". */
static void expand(const struct tp *p, lf_ref r)
{
	struct frame st[INLINE_MAX + 4];
	int sp = 0;

	st[sp++] = (struct frame){ r, 0, 1 };
	while (sp) {
		struct frame *fr = &st[sp - 1];
		const struct lf_term *t = lf_get(p->tab, fr->r);
		int ar = t->kind < LF_NKINDS ? lf_kind_arity[t->kind] : 0;
		lf_ref c;

		piece(p->f, t, fr->step, fr->bare);
		if (fr->step == ar) {
			sp--;
			continue;
		}
		c = operand(t, fr->step++);
		if (c == 0 || c >= fr->r)	/* none, or not a DAG: never */
			fputs(c ? "?" : "none", p->f);
		else if (p->named[c] || sp >= INLINE_MAX + 3)
			fprintf(p->f, "t%u", c);
		else if (lf_kind_arity[lf_get(p->tab, c)->kind] == 0)
			print_leaf(p->f, lf_get(p->tab, c));
		else
			st[sp++] = (struct frame){ c, 0, fr->step == 2 &&
						   chains(t->kind, p->tab, c) };
	}
}

/* mark - decide which reachable subterms of 'root' get definitions. */
static void mark(const struct lf_tab *tab, lf_ref root, uint8_t *named,
		 uint8_t *reach)
{
	uint32_t *uses = calloc((size_t)root + 1, sizeof(*uses));
	uint32_t *size = calloc((size_t)root + 1, sizeof(*size));
	lf_ref i;

	if (!uses || !size) {
		fprintf(stderr, "pccf: out of memory\n");
		abort();
	}
	reach[root] = 1;
	for (i = root; i > 0; i--) {	/* operands are earlier terms */
		const struct lf_term *t = lf_get(tab, i);

		if (!reach[i])
			continue;
		if (t->a && t->a < i) {
			reach[t->a] = 1;
			uses[t->a]++;
		}
		if (t->b && t->b < i) {
			reach[t->b] = 1;
			uses[t->b]++;
		}
	}
	for (i = 1; i <= root; i++) {
		const struct lf_term *t = lf_get(tab, i);
		uint32_t s = 1;

		if (!reach[i] || t->kind >= LF_NKINDS || !lf_kind_arity[t->kind])
			continue;
		if (t->a && t->a < i)
			s += named[t->a] ? 1 : size[t->a];
		if (t->b && t->b < i)
			s += named[t->b] ? 1 : size[t->b];
		size[i] = s;
		named[i] = i != root && (uses[i] > 1 || s > INLINE_MAX);
		if (named[i])
			size[i] = 1;
	}
	free(uses);
	free(size);
}

/* print_term - see print.h. */
void print_term(FILE *f, const struct lf_tab *tab, lf_ref r)
{
	struct tp p = { f, tab, NULL };
	uint8_t *reach;
	lf_ref i;

	if (r == 0 || r >= tab->n) {
		fputs("(none)\n", f);
		return;
	}
	p.named = calloc((size_t)r + 1, 1);
	reach = calloc((size_t)r + 1, 1);
	if (!p.named || !reach) {
		fprintf(stderr, "pccf: out of memory\n");
		abort();
	}
	mark(tab, r, p.named, reach);
	for (i = 1; i < r; i++) {
		if (!p.named[i])
			continue;
		fprintf(f, "t%u = ", i);
		expand(&p, i);
		fputc('\n', f);
	}
	if (lf_kind_arity[lf_get(tab, r)->kind] == 0)
		print_leaf(f, lf_get(tab, r));
	else
		expand(&p, r);
	fputc('\n', f);
	free(p.named);
	free(reach);
}

/* ---- proofs ------------------------------------------------------------ */

/* print_hex - see print.h. */
void print_hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			fprintf(f, "%s%08zx:", i ? "\n" : "", i);
		fprintf(f, " %02x", p[i]);
	}
	if (n)
		fputc('\n', f);
}
