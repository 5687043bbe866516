/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arena.S - the module's executable arena and the filters' return stub.
 *
 * Linux >= 5.8 gives modules no way to allocate executable memory, so the
 * arena is reserved here, inside the module's own text: PCCF_ARENA_BYTES
 * of int3, page-aligned.  The kernel maps it read-only + executable
 * (STRICT_MODULE_RWX) and it stays so; pccf_main.c writes verified code
 * through a temporary writable, non-executable alias (vmap of the same
 * pages), never through this mapping.
 *
 * pccf_ret_stub is where every filter returns: a relocated 'jmp rel32' in
 * the filter lands here, and the stub is the kernel's RET macro, which
 * the kernel patches at insmod to its return thunk (SRSO/retbleed
 * mitigations), exactly like every compiled return of the module.  No
 * filter ever executes a bare 'ret'.
 *
 * Trusts: the kernel's module loader and its return-thunk patching.
 */
#include <linux/linkage.h>

#ifndef PCCF_ARENA_BYTES
#define PCCF_ARENA_BYTES (256 * 1024)
#endif

	.section .text.pccf_stub, "ax", @progbits
SYM_FUNC_START(pccf_ret_stub)
	RET
SYM_FUNC_END(pccf_ret_stub)

	.section .text.pccf_arena, "ax", @progbits
	.balign 4096
SYM_DATA_START(pccf_arena)
	.fill PCCF_ARENA_BYTES, 1, 0xcc
SYM_DATA_END(pccf_arena)
	.balign 4096
