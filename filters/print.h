/*
 * print.h - readable dumps of instructions, terms and proofs.
 *
 * Untrusted: for people (pccf disasm, vc, proof) and for test output.
 */
#ifndef PCCF_PRINT_H
#define PCCF_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "x86.h"
#include "lf.h"

/* print_insn - 'in' in Intel syntax, e.g. "movzx eax, word [rdi+0xc]"
 * (no newline).  Targets of branches are code offsets. */
void print_insn(FILE *f, const struct x86_insn *in);

/*
 * print_term - term 'r' of 'tab' in infix, then a newline.  Subterms used
 * more than once, or too big to read inline, are printed first as
 * numbered definitions "tN = ...", one a line, so the output is linear in
 * the DAG's size; no recursion.
 */
void print_term(FILE *f, const struct lf_tab *tab, lf_ref r);

/*
 * print_proof - the proof section 'proof' ('n' bytes), readably.  The
 * prover's side (the lead) defines the real one; print.c has a weak
 * default that prints a hex dump.
 */
void print_proof(FILE *f, const uint8_t *proof, size_t n);

/* print_hex - a hex dump of 'n' bytes, 16 a line, offsets on the left. */
void print_hex(FILE *f, const uint8_t *p, size_t n);

#endif
