#!/bin/sh
# test_reject.sh [PCCF] - the consumer rejects unsafe code with a specific
# message, also when the object carries a proof that checks for other code
# (spliced from a certified filter), and rejects tampered, spliced and
# truncated objects.  Each case is assembled here from its source; where
# the producer cannot even rewrite it (instructions outside the subset),
# the raw .text is packed as is.  Ends with "N passed, M failed".
set -u
P=${1:-build/pccf}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_reject OBJ SUBSTRING WHAT: 'pccf check' exits 1 naming SUBSTRING.
expect_reject() {
	out=$("$P" check "$1" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && printf '%s' "$out" | grep -qF -- "$2"; then
		ok
	else
		bad "$3: exit $rc, expected '$2' in: $out"
	fi
}

# assemble NAME 'insn; insn; ...' -> $T/NAME.o and $T/NAME.bin (.text)
assemble() {
	printf '.intel_syntax noprefix\n.text\n%s\n' \
		"$(printf '%s\n' "$2" | sed 's/; /\n/g')" >"$T/$1.s"
	cc -c "$T/$1.s" -o "$T/$1.o" && objcopy -O binary -j .text "$T/$1.o" "$T/$1.bin"
}

# unproved NAME -> $T/NAME.d: the code as the consumer would get it
unproved() {
	rm -rf "$T/$1.d"
	if "$P" certify --no-proof "$T/$1.o" -o "$T/$1.np.pcc" 2>/dev/null; then
		"$P" unpack "$T/$1.np.pcc" "$T/$1.d"
	else
		mkdir -p "$T/$1.d" && cp "$T/$1.bin" "$T/$1.d/code.bin"
	fi
}

# with_proof NAME PROOFFILE OUT: NAME's code and relocs with that proof
with_proof() {
	rm -rf "$T/w" && cp -r "$T/$1.d" "$T/w" && rm -f "$T/w/annot.bin"
	if [ -n "$2" ]; then cp "$2" "$T/w/proof.bin"; else : >"$T/w/proof.bin"; fi
	"$P" pack "$T/w" -o "$3"
}

# Two certified donors whose proofs are spliced into every unsafe object.
sh tools/mkpaper.sh "$T/paper" || { echo "mkpaper failed"; exit 1; }
for d in net_pair_asm tcp_dst21_c; do
	"$P" certify "$T/paper/$d.o" -o "$T/$d.pcc" && "$P" unpack "$T/$d.pcc" "$T/$d.donor" ||
		{ echo "cannot certify donor $d"; exit 1; }
done

# name | expected rejection ("@proof": only the proof can fail) | code
while IFS='|' read -r name expect src; do
	[ -n "$name" ] || continue
	assemble "$name" "$src" || { bad "$name: does not assemble"; continue; }
	if "$P" certify "$T/$name.o" -o "$T/$name.pcc" 2>/dev/null; then
		bad "$name: the producer certified unsafe code"
	else
		ok
	fi
	unproved "$name"
	for proof in "" "$T/net_pair_asm.donor/proof.bin" "$T/tcp_dst21_c.donor/proof.bin"; do
		with_proof "$name" "$proof" "$T/$name.x.pcc"
		want=$expect
		if [ "$expect" = "@proof" ]; then
			if [ -z "$proof" ]; then want="empty proof"; else want="proof node"; fi
		fi
		expect_reject "$T/$name.x.pcc" "$want" "$name (proof: ${proof:-none})"
	done
done <<'CASES'
read_past_check|@proof|cmp rsi, 14; jb 1f; movzx eax, word ptr [rdi+13]; ret; 1: xor eax, eax; ret
missing_check|@proof|movzx eax, byte ptr [rdi+12]; ret
write_packet|write to the packet|cmp rsi, 14; jb 1f; mov byte ptr [rdi], 0; 1: xor eax, eax; ret
write_past_scratch|outside scratch|mov dword ptr [rcx+64], 0; xor eax, eax; ret
straddle|straddles packet and scratch|lea rax, [rdi+rcx]; movzx eax, byte ptr [rax]; ret
cycle|control-flow cycle|xor eax, eax; 1: test eax, eax; je 1b; ret
jump_into_insn|jump into the middle of the instruction|test esi, esi; .byte 0x74, 0x01, 0xb8, 0x31, 0xc0, 0xc3, 0x90; ret
falls_off_end|falls off the end|xor eax, eax
write_rsp|writes rsp|mov rsp, rdi; xor eax, eax; ret
write_rbx|writes ebx|xor ebx, ebx; xor eax, eax; ret
write_rbp|writes ebp|mov ebp, 1; xor eax, eax; ret
write_r12|writes r12d|xor r12d, r12d; xor eax, eax; ret
write_r13|writes r13|mov r13, rdi; xor eax, eax; ret
write_r14|writes r14w|mov r14w, 1; xor eax, eax; ret
write_r15|writes r15|mov r15, rsi; xor eax, eax; ret
write_spl|writes spl|mov spl, 1; xor eax, eax; ret
write_bpl|writes bpl|mov bpl, 1; xor eax, eax; ret
no_eax|returns eax, never written|ret
unwritten_register|reads r9d, never written|mov eax, r9d; ret
unwritten_scratch|reads scratch word 0, never written|mov eax, dword ptr [rcx]; ret
address_returned|returns a value derived from an address|mov rax, rdi; ret
address_stored|address|mov dword ptr [rcx], edi; xor eax, eax; ret
address_branch|derived from an address|xor eax, eax; cmp rdi, 5; je 1f; ret; 1: ret
push|push (opcode 50)|push rax; xor eax, eax; ret
call|call (opcode e8)|call 1f; 1: xor eax, eax; ret
syscall|syscall|syscall; xor eax, eax; ret
int3|int3|int3; xor eax, eax; ret
hlt|hlt|hlt; xor eax, eax; ret
div_by_zero|@proof|mov eax, 1; xor edx, edx; div esi; ret
div_overflow|@proof|mov eax, 1; mov edx, 5; test esi, esi; je 1f; div esi; ret; 1: xor eax, eax; ret
idiv|idiv|mov eax, 1; xor edx, edx; idiv esi; ret
div8|div|mov eax, 1; test sil, sil; je 1f; div sil; 1: ret
wrap32|@proof|cmp rsi, 18; jb 1f; mov eax, dword ptr [rdi+14]; lea edx, [rax+2]; cmp rsi, rdx; jb 1f; movzx eax, word ptr [rdi+rax]; ret; 1: xor eax, eax; ret
lock|lock prefix|xor eax, eax; lock add dword ptr [rcx], eax; ret
rep|rep prefix|xor eax, eax; .byte 0xf3; add eax, eax; ret
addr_size_67|address-size prefix (67)|.byte 0x67; mov eax, dword ptr [rdi]; ret
fs|fs/gs segment prefix|mov eax, dword ptr fs:[rdi]; ret
gs|fs/gs segment prefix|mov eax, dword ptr gs:[rdi]; ret
opsize_66_on_jcc|operand-size prefix (66) on a branch|xor eax, eax; .byte 0x66, 0x74, 0x00; ret
unlisted_opcode|cpuid|cpuid; xor eax, eax; ret
CASES

# A proof made for one filter does not check for another's code.
for pair in "net_pair_asm tcp_dst21_c" "tcp_dst21_c net_pair_asm"; do
	set -- $pair
	rm -rf "$T/s" && cp -r "$T/$1.donor" "$T/s" && cp "$T/$2.donor/proof.bin" "$T/s/proof.bin"
	"$P" pack "$T/s" -o "$T/s.pcc"
	expect_reject "$T/s.pcc" "proof" "proof of $2 on the code of $1"
done

# One changed byte anywhere in a proof, and a missing proof.
obj=$T/net_pair_asm.donor
n=$(wc -c <"$obj/proof.bin")
i=0
alt=0
while [ "$i" -lt "$n" ]; do
	rm -rf "$T/f" && cp -r "$obj" "$T/f"
	python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[$i]^=0x01; open(p,'wb').write(b)" "$T/f/proof.bin"
	"$P" pack "$T/f" -o "$T/f.pcc"
	if "$P" check -q "$T/f.pcc" 2>/dev/null; then
		# Accepted: the only byte changes that can still check are a
		# hypothesis index naming another hypothesis that proves the
		# same step; the mutant is then another valid proof.
		"$P" proof "$T/net_pair_asm.pcc" >"$T/a.txt"
		"$P" proof "$T/f.pcc" >"$T/b.txt"
		d=$(diff "$T/a.txt" "$T/b.txt" | grep '^[<>]' | sed 's/^[<>] *//' | sort -u)
		if [ "$(printf '%s\n' "$d" | grep -cv '^hyp [0-9]*$')" -eq 0 ] &&
		   [ "$(printf '%s\n' "$d" | wc -l)" -eq 2 ]; then
			alt=$((alt + 1))
			ok
		else
			bad "proof byte $i flipped: accepted, and not as another hypothesis: $d"
		fi
	else
		expect_reject "$T/f.pcc" "proof" "proof byte $i flipped"
	fi
	i=$((i + 1))
done
echo "proof bytes flipped: $n, accepted as another valid hypothesis choice: $alt"
rm -rf "$T/m" && cp -r "$obj" "$T/m" && rm "$T/m/proof.bin" && "$P" pack "$T/m" -o "$T/m.pcc"
expect_reject "$T/m.pcc" "empty proof" "missing proof section"

# The object truncated at every length, and a wrong magic and version.
full=$T/net_pair_asm.pcc
len=$(wc -c <"$full")
k=0
while [ "$k" -lt "$len" ]; do
	head -c "$k" "$full" >"$T/t.pcc"
	expect_reject "$T/t.pcc" "" "truncated to $k of $len bytes"
	k=$((k + 1))
done
cp "$full" "$T/mg.pcc" && printf 'X' | dd of="$T/mg.pcc" bs=1 seek=0 conv=notrunc 2>/dev/null
expect_reject "$T/mg.pcc" "bad magic" "wrong magic"
cp "$full" "$T/v.pcc" && printf '\002' | dd of="$T/v.pcc" bs=1 seek=4 conv=notrunc 2>/dev/null
expect_reject "$T/v.pcc" "version" "wrong version"
cp "$full" "$T/l.pcc" && printf '\377' | dd of="$T/l.pcc" bs=1 seek=8 conv=notrunc 2>/dev/null
expect_reject "$T/l.pcc" "" "wrong code length"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
