/*
 * net_pair.S - paper filter 3, tcpdump '(ip or arp) and ((src net
 * 128.2.206 and dst net 128.2.209) or (src net 128.2.209 and dst net
 * 128.2.206))', hand-written x86-64.
 *
 * libpcap (DLT_EN10MB, optimised) tests the type, then for IPv4 the
 * /24 of [26] (ip src) and [30] (ip dst), for ARP the /24 of [28] (the
 * sender protocol address) and [38] (the target protocol address).
 * Every accepting path reads its second address: IPv4 accepts need
 * caplen >= 34, ARP accepts caplen >= 42, so caplen < 34 rejects at once.
 * Then the IPv4 words are loaded; if caplen >= 42 an ARP type replaces
 * them by the ARP words with cmov (a cmov from memory always reads:
 * offsets 28..41 are inside 42) and turns the type into 0800, so one
 * branch-free test finishes: type == 0800 and (src, dst) is (206, 209)
 * or (209, 206).  An ARP frame shorter than 42 keeps type 0806: rejected,
 * as libpcap's load of [38] fails (or its [28] test already rejected).
 * Two length branches, both nearly always taken the same way.
 * ABI: rdi = packet, rsi = caplen, rdx = wirelen, rcx = scratch (unused).
 * Untrusted: the consumer checks it.
 */
	.intel_syntax noprefix
	.text
	.globl	paper_net_pair_asm
	.type	paper_net_pair_asm, @function
paper_net_pair_asm:
	xor	eax, eax
	cmp	rsi, 34
	jb	2f
	movzx	edx, word ptr [rdi + 12]
	mov	r8d, dword ptr [rdi + 26]	/* ip src */
	mov	r9d, dword ptr [rdi + 30]	/* ip dst */
	cmp	rsi, 42
	jb	1f
	mov	r10d, 0x0008
	cmp	edx, 0x0608			/* 08 06: ARP */
	cmove	r8d, dword ptr [rdi + 28]	/* arp spa */
	cmove	r9d, dword ptr [rdi + 38]	/* arp tpa */
	cmove	edx, r10d
1:	shl	r8d, 8				/* keep the /24, in the top bytes */
	shl	r9d, 8
	xor	edx, 0x0008			/* 0 iff IPv4 (or ARP taken) */
	mov	r10d, r8d
	xor	r10d, 0xce028000		/* src ^ 128.2.206 */
	mov	r11d, r9d
	xor	r11d, 0xd1028000		/* dst ^ 128.2.209 */
	or	r10d, r11d			/* 0 iff 206 -> 209 */
	xor	r8d, 0xd1028000
	xor	r9d, 0xce028000
	or	r8d, r9d			/* 0 iff 209 -> 206 */
	test	r10d, r10d
	cmovz	r8d, r10d			/* 0 iff either direction */
	or	r8d, edx
	sete	al
	shl	eax, 18				/* 262144 */
2:	ret
	.size	paper_net_pair_asm, . - paper_net_pair_asm
	.section .note.GNU-stack, "", @progbits
