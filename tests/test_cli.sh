#!/bin/sh
# test_cli.sh [PCCF] - the pccf command-line tool, end to end.
#
# PCCF is the tool to test (default: build/pccf, relative to the
# repository root, where the script changes directory).  Covers help and
# usage errors, certify from .s/.o/.bin (and its determinism), refusal of
# .o files with relocations, check on good, tampered and garbage objects,
# unpack/pack round trips, run -v / --guard on a generated capture
# (including a truncated one), disasm, vc and proof.  Ends with
# "N passed, M failed" and exits 1 if anything failed.
set -u

cd "$(dirname "$0")/.." || exit 2
P=${1:-${PCCF:-build/pccf}}
case $P in /*) ;; *) P=$(pwd)/$P ;; esac
if [ ! -x "$P" ]; then
	echo "test_cli.sh: $P: missing or not executable"
	echo "0 passed, 1 failed"
	exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/pccf-cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM
. "$(pwd)/tests/lib.sh"
cd "$T" || exit 2


# le32 V - V as 4 little-endian bytes.
le32() {
	# shellcheck disable=SC2059 # the format is the bytes, on purpose
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) \
		$((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)))"
}

# pcap_header - a pcap global header (Ethernet, snaplen 65535).
pcap_header() {
	le32 2712847316		# magic a1b2c3d4
	printf '\002\000\004\000'
	le32 0; le32 0; le32 65535; le32 1
}

# pcap_record CAPLEN WIRELEN TYPE - a record whose bytes 12-13 are TYPE
# (two octal escapes), the rest zero.
pcap_record() {
	le32 1; le32 0; le32 "$1"; le32 "$2"
	if [ "$1" -ge 14 ]; then
		head -c 12 /dev/zero
		# shellcheck disable=SC2059 # the format is the bytes, on purpose
		printf "$3"
		head -c $(($1 - 14)) /dev/zero
	else
		head -c "$1" /dev/zero
	fi
}

# ---- help and usage ------------------------------------------------------

expect "--help exits 0" 0 "$P" --help
for c in certify check run disasm vc proof unpack pack help; do
	has "--help lists $c" out "^  $c "
done
expect "help exits 0" 0 "$P" help
expect "no arguments is a usage error" 2 "$P"
expect "unknown command is a usage error" 2 "$P" frobnicate
has "unknown command message" err "^pccf: unknown command"
for c in certify check run disasm vc proof unpack pack; do
	expect "$c --help exits 0" 0 "$P" "$c" --help
	has "$c --help shows usage" out "^usage: pccf $c"
done
expect "help run" 0 "$P" help run
expect "unknown option is a usage error" 2 "$P" check --bogus x.pcc
has "usage error names the option" err "^pccf: unknown option '--bogus'"
expect "missing argument is a usage error" 2 "$P" run x.pcc
expect "certify without -o is a usage error" 2 "$P" certify x.s

# ---- certify --------------------------------------------------------------

cat >one.s <<'EOF'
	.intel_syntax noprefix
	.text
	mov eax, 1
	ret
EOF
cat >len.s <<'EOF'
	.intel_syntax noprefix
	.text
	xor eax, eax
	cmp rsi, 14
	jb 1f
	movzx eax, word ptr [rdi + 12]
	rol ax, 8
1:	ret
	int3
	int3
EOF
cat >caplen.s <<'EOF'
	.intel_syntax noprefix
	.text
	mov eax, esi
	ret
EOF
cat >wirelen.s <<'EOF'
	.intel_syntax noprefix
	.text
	mov eax, edx
	ret
EOF
cat >reloc.s <<'EOF'
	.intel_syntax noprefix
	.text
	mov eax, offset some_symbol
	ret
EOF

expect "certify .s" 0 "$P" certify one.s -o one.pcc
expect "certify .s again" 0 "$P" certify one.s -o one2.pcc
same "certify is deterministic" one.pcc one2.pcc
printf '\270\001\000\000\000\303' >one.bin
expect "certify .bin" 0 "$P" certify one.bin -o one-bin.pcc
same "certify .bin gives the same object" one.pcc one-bin.pcc
if cc -c -x assembler-with-cpp one.s -o one.o 2>/dev/null; then
	expect "certify .o" 0 "$P" certify one.o -o one-o.pcc
	same "certify .o gives the same object" one.pcc one-o.pcc
else
	bad "cc cannot assemble one.s"
fi
if cc -c -x assembler-with-cpp reloc.s -o reloc.o 2>/dev/null; then
	expect "certify refuses .text relocations" 1 "$P" certify reloc.o -o r.pcc
	has "relocation message" err "has 1 relocation; pccf needs position-independent"
else
	bad "cc cannot assemble reloc.s"
fi
expect "certify .s with a packet load" 0 "$P" certify len.s -o len.pcc
expect "certify len.s again" 0 "$P" certify len.s -o len2.pcc
same "certify len.s is deterministic" len.pcc len2.pcc
expect "certify caplen.s" 0 "$P" certify caplen.s -o caplen.pcc
expect "certify wirelen.s" 0 "$P" certify wirelen.s -o wirelen.pcc
expect "certify a missing file" 1 "$P" certify nothere.s -o x.pcc
printf '\377\377' >junk.bin
expect "certify undecodable code" 1 "$P" certify junk.bin -o x.pcc
has "certify error message" err "^pccf: junk.bin: "

# ---- check ------------------------------------------------------------------

expect "check one.pcc" 0 "$P" check one.pcc
has "check reports ok" out "^one.pcc: ok (code 10 bytes, proof [0-9]* bytes, [0-9]* proof nodes, VC gen [0-9.]* us, check [0-9.]* us)$"
expect "check -q" 0 "$P" check -q one.pcc
if [ -s out ]; then bad "check -q is quiet"; else ok "check -q is quiet"; fi
expect "check len.pcc" 0 "$P" check len.pcc
head -c 100 /dev/zero >garbage.pcc
expect "check garbage" 1 "$P" check garbage.pcc
has "check garbage says why" err "^garbage.pcc: rejected: ."
: >empty.pcc
expect "check an empty file" 1 "$P" check empty.pcc
expect "check a missing file" 1 "$P" check nothere.pcc

# ---- unpack / pack ------------------------------------------------------------

expect "unpack" 0 "$P" unpack len.pcc parts
for f in header code reloc annot proof; do
	if [ -f "parts/$f.bin" ]; then ok "unpack wrote $f.bin"; else bad "unpack wrote $f.bin"; fi
done
if [ "$(wc -c <parts/header.bin)" -eq 24 ]; then ok "header.bin is 24 bytes"; else bad "header.bin is 24 bytes"; fi
expect "pack" 0 "$P" pack parts -o repacked.pcc
same "unpack + pack round trip" len.pcc repacked.pcc
expect "unpack garbage" 1 "$P" unpack garbage.pcc gparts

# Tamper: 'cmp rsi, 14' becomes 'cmp rsi, 10' (immediate at code offset 5);
# the proof no longer proves the new code's VC.
cp -r parts tampered
if [ "$(od -An -tx1 -j5 -N1 tampered/code.bin | tr -d ' ')" = 0e ]; then
	printf '\012' | dd of=tampered/code.bin bs=1 seek=5 conv=notrunc 2>/dev/null
	expect "pack tampered" 0 "$P" pack tampered -o tampered.pcc
	expect "check rejects tampered code" 1 "$P" check tampered.pcc
	has "tampered rejection message" err "^tampered.pcc: rejected: ."
else
	bad "len.pcc has the expected layout (0e at code offset 5)"
fi
cp -r parts noproof
: >noproof/proof.bin
expect "pack without proof" 0 "$P" pack noproof -o noproof.pcc
expect "check rejects an empty proof" 1 "$P" check noproof.pcc
cp -r parts swapped
"$P" unpack one.pcc oneparts >/dev/null 2>&1 && cp oneparts/proof.bin swapped/
expect "pack with another filter's proof" 0 "$P" pack swapped -o swapped.pcc
expect "check rejects another filter's proof" 1 "$P" check swapped.pcc
mkdir only-code && cp parts/code.bin only-code/
expect "pack with missing parts" 0 "$P" pack only-code -o only-code.pcc
if [ "$(wc -c <only-code.pcc)" -eq $((24 + $(wc -c <parts/code.bin))) ]; then
	ok "missing parts count as empty"
else
	bad "missing parts count as empty"
fi

# ---- run --------------------------------------------------------------------

{
	pcap_header
	pcap_record 60 60 '\010\000'		# IPv4
	pcap_record 10 10 ''			# too short for the type
	pcap_record 20 100 '\206\335'		# IPv6, caplen < wirelen
} >trace.pcap

expect "run -v len" 0 "$P" run -v len.pcc trace.pcap
printf '2048\n0\n34525\n' >want
same "run -v prints one value per packet" out want
has "run summary" err "^3 packets, 2 accepted$"
expect "run -v caplen" 0 "$P" run -v caplen.pcc trace.pcap
printf '60\n10\n20\n' >want
same "run passes caplen" out want
expect "run -v wirelen" 0 "$P" run -v wirelen.pcc trace.pcap
printf '60\n10\n100\n' >want
same "run passes wirelen" out want
expect "run --guard -v len" 0 "$P" run --guard -v len.pcc trace.pcap
printf '2048\n0\n34525\n' >want
same "run --guard gives the same values" out want
expect "run without -v" 0 "$P" run len.pcc trace.pcap
if [ -s out ]; then bad "run without -v prints nothing on stdout"; else ok "run without -v prints nothing on stdout"; fi
head -c $(($(wc -c <trace.pcap) - 5)) trace.pcap >trunc.pcap
expect "run on a truncated capture" 1 "$P" run -v len.pcc trunc.pcap
printf '2048\n0\n' >want
same "values before the read error" out want
has "read error message" err "^pccf: trunc.pcap: "
expect "run rejects a tampered object" 1 "$P" run -v tampered.pcc trace.pcap
expect "run on a missing capture" 1 "$P" run len.pcc nothere.pcap

# ---- disasm, vc, proof -----------------------------------------------------

expect "disasm" 0 "$P" disasm len.pcc
has "disasm shows the load" out "movzx eax, word \[rdi+0xc\]"
has "disasm marks relocated returns" out "return (relocated)"
expect "disasm garbage" 1 "$P" disasm garbage.pcc
expect "vc" 0 "$P" vc len.pcc
has "vc shows the bounds obligation" out "inb("
expect "proof" 0 "$P" proof len.pcc
if [ -s out ]; then ok "proof prints something"; else bad "proof prints something"; fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
