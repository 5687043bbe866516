/*
 * tcp_dst21.S - paper filter 4, tcpdump 'ip and tcp dst port 21',
 * hand-written x86-64.
 *
 * libpcap (DLT_EN10MB, optimised):
 *   ldh [12]; jeq #0x800; ldb [23]; jeq #6; ldh [20]; jset #0x1fff (reject);
 *   ldxb 4*([14]&0xf); ldh [x + 16]; jeq #21; ret #262144 / ret #0.
 * Every accepting path reads [23] and [x+16..x+17] with x = 4 * ihl
 * (ihl < 5 included: libpcap does not check it), so it needs
 * caplen >= 24 and caplen >= x + 18; either failing rejects, as every
 * path that reads less returns 0 too.  The four tests are then folded
 * branch-free: one word for the type, one dword [20..23] masked to the
 * fragment offset and the protocol, one word for the port.
 * ABI: rdi = packet, rsi = caplen, rdx = wirelen, rcx = scratch (unused).
 * Untrusted: the consumer checks it.
 */
	.intel_syntax noprefix
	.text
	.globl	paper_tcp_dst21_asm
	.type	paper_tcp_dst21_asm, @function
paper_tcp_dst21_asm:
	xor	eax, eax
	cmp	rsi, 24
	jb	1f
	movzx	edx, byte ptr [rdi + 14]
	and	edx, 15
	lea	rdx, [rdx * 4 + 18]		/* end of the port field */
	cmp	rsi, rdx
	jb	1f
	movzx	r8d, word ptr [rdi + rdx - 2]	/* tcp dst port */
	xor	r8d, 0x1500			/* 00 15 read little-endian */
	movzx	r9d, word ptr [rdi + 12]
	xor	r9d, 0x0008
	or	r8d, r9d
	mov	r9d, dword ptr [rdi + 20]	/* frag word, ttl, protocol */
	and	r9d, 0xff00ff1f			/* offset bits and protocol */
	xor	r9d, 0x06000000			/* offset 0, protocol 6 */
	or	r8d, r9d
	sete	al
	shl	eax, 18				/* 262144 */
1:	ret
	.size	paper_tcp_dst21_asm, . - paper_tcp_dst21_asm
	.section .note.GNU-stack, "", @progbits
