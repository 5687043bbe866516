/*
 * src_net.S - paper filter 2, tcpdump 'ip src net 128.2.206.0/24',
 * hand-written x86-64.
 *
 * libpcap (DLT_EN10MB):  ldh [12]; jeq #0x800; ld [26]; and #0xffffff00;
 * jeq #0x8002ce00; ret #262144 / ret #0.
 * Every accepting path loads [26..29], so caplen < 30 rejects at once
 * (the paths that would read less all return 0 as well).  Then one
 * branch-free test: (type ^ 0800) | ((src << 8) ^ (128.2.206 << 8)) == 0,
 * the shift dropping the host byte (offset 29) of the little-endian load.
 * ABI: rdi = packet, rsi = caplen, rdx = wirelen, rcx = scratch (unused).
 * Untrusted: the consumer checks it.
 */
	.intel_syntax noprefix
	.text
	.globl	paper_src_net_asm
	.type	paper_src_net_asm, @function
paper_src_net_asm:
	xor	eax, eax
	cmp	rsi, 30
	jb	1f
	movzx	edx, word ptr [rdi + 12]
	mov	r8d, dword ptr [rdi + 26]
	shl	r8d, 8
	xor	edx, 0x0008
	xor	r8d, 0xce028000		/* 80 02 ce in the top three bytes */
	or	edx, r8d
	sete	al
	shl	eax, 18			/* 262144 */
1:	ret
	.size	paper_src_net_asm, . - paper_src_net_asm
	.section .note.GNU-stack, "", @progbits
