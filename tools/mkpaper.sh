#!/bin/sh
# mkpaper.sh OUTDIR - build the paper's four filters, hand-written
# assembly and plain C, into OUTDIR/<name>_asm.o and OUTDIR/<name>_c.o.
#
# Each object holds one function at offset 0 of .text, with no
# relocations; the script checks both and prints nothing on success.
# The C flags are explained in filters/paper/README.md.  Untrusted
# producer tooling: the consumer checks whatever comes out.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
src=$(dirname "$0")/../filters/paper
CC=${PCCF_PAPER_CC:-gcc}	# not $CC: the C reference is gcc -O2 by definition
CFLAGS_PAPER="-O2 -mgeneral-regs-only -fno-stack-protector \
-fno-asynchronous-unwind-tables -fcf-protection=none -fno-pic"
mkdir -p "$out"

# check OBJ SYM - SYM is global at .text offset 0, .text has no relocations.
check() {
	if readelf -rW "$1" | grep -q "'\.rela\?\.text'"; then
		echo "$0: $1: .text has relocations" >&2
		exit 1
	fi
	if ! readelf -sW "$1" |
		awk -v s="$2" '$8 == s && $2 ~ /^0+$/ && $5 == "GLOBAL" { f = 1 } END { exit !f }'; then
		echo "$0: $1: $2 is not a global symbol at offset 0" >&2
		exit 1
	fi
}

for n in ip_all src_net net_pair tcp_dst21; do
	$CC -c "$src/$n.S" -o "$out/${n}_asm.o"
	check "$out/${n}_asm.o" "paper_${n}_asm"
	# shellcheck disable=SC2086
	$CC $CFLAGS_PAPER -Wall -Wextra -Werror -c "$src/${n}_c.c" -o "$out/${n}_c.o"
	check "$out/${n}_c.o" "paper_${n}_c"
done
