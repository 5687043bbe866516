/*
 * ip_all.S - paper filter 1, tcpdump 'ip', hand-written x86-64.
 *
 * libpcap (DLT_EN10MB):  ldh [12]; jeq #0x800; ret #262144 / ret #0.
 * Accept iff caplen >= 14 and the Ethernet type is 0x0800.  One length
 * branch (always predictable), the type test is branch-free.
 * ABI: rdi = packet, rsi = caplen, rdx = wirelen, rcx = scratch (unused).
 * Untrusted: the consumer checks it.
 */
	.intel_syntax noprefix
	.text
	.globl	paper_ip_all_asm
	.type	paper_ip_all_asm, @function
paper_ip_all_asm:
	xor	eax, eax
	cmp	rsi, 14
	jb	1f
	movzx	edx, word ptr [rdi + 12]
	cmp	edx, 0x0008		/* 08 00, read little-endian */
	sete	al
	shl	eax, 18			/* 262144 */
1:	ret
	.size	paper_ip_all_asm, . - paper_ip_all_asm
	.section .note.GNU-stack, "", @progbits
