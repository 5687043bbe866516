#!/bin/sh
# qemu-test.sh BUILD_DIR - test pccf.ko in Debian's own kernel under QEMU.
#
# On the host: install what is missing (tools/deps-kernel.sh: qemu,
# headers, busybox-static, the matching kernel image unpacked into
# BUILD_DIR), build the module against /usr/src/linux-headers-<ver>, the
# static guest tools (pccf-guest: the kernel subcommands; pcaptool), the
# paper's eight filters (tools/mkpaper.sh + pccf certify) and, when the
# tool has 'compile', a few compiled expressions; a replay trace
# (tools/gentrace.c, then only frames loopback delivers unchanged); the
# user-space results ('pccf run -v') that the kernel's counts and capture
# must equal; a set of malformed, tampered and unsafe objects with the
# errno and 'pccf check' message each must be rejected with; and the
# kernel batch: BATCH_MUTANTS (500) mutants of the certified objects
# (tools/qemu/mkbatch.c, the hunt's edits, seed BATCH_SEED = 7), libFuzzer
# corpus inputs and the fuzz regression objects, each with user space's
# verdict, which the kernel must repeat exactly.  Then it
# packs an initramfs around tools/qemu/init.sh, boots
# qemu-system-x86_64 under TCG (no KVM) with a 5-minute timeout, and
# checks the guest's verdict and its capture file (decoded on the host and
# read with tcpdump).  Prints the summary, boot and test times; exits 0
# only when everything matched.
#
# Needs root for the package installation only.  POSIX sh.  Untrusted
# test tooling.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh tools/qemu-test.sh BUILD_DIR" >&2
	exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
B=$(cd "$1" && pwd)
W=$B/qemu
CC=${CC:-cc}
TIMEOUT=300
t_begin=$(date +%s%N)

log() { echo "qemu-test: $*" >&2; }
die() {
	log "FAIL: $*"
	exit 1
}
# hex HEX - write the bytes spelled in hex to stdout.
hex() { python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))' "$1"; }
# secs T0 - seconds since the nanosecond time stamp T0.
secs() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
# nonzero FILE - how many lines of FILE are not "0" (accepted packets)
nonzero() { awk '!/^0$/ { n++ } END { print n + 0 }' "$1"; }

rm -rf "$W"
mkdir -p "$W/root/bin" "$W/root/proc" "$W/root/sys" "$W/root/dev" "$W/root/tmp" "$W/root/test/obj" "$W/root/test/bad" "$W/paper" "$W/raw"

# ---- host: dependencies, module, tools ----------------------------------
eval "$(sh "$ROOT/tools/deps-kernel.sh" "$B")"
KDIR=/usr/src/linux-headers-$KVER
log "kernel $KVER, headers $KDIR"
# The tool and the core library come from the main build (make qemu-test
# depends on them); this script builds only what is its own.
for f in "$B/pccf" "$B/libpccf.a" "$B/gen/sig_table.h"; do
	[ -f "$f" ] || die "$f missing: run 'make B=$B' first (make qemu-test does)"
done
# A clean make: not a sub-make of the caller's jobserver (its notices
# would read as warnings below).
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT/kernel/module" B="$B" KDIR="$KDIR" >"$W/kbuild.log" 2>&1; then
	cat "$W/kbuild.log" >&2
	die "module build failed"
fi
if grep -iE 'warning|error' "$W/kbuild.log" | grep -v 'Skipping BTF'; then
	die "the module build printed warnings"
fi
INC="-I$ROOT/include -I$B/gen -I$ROOT/vcgen -I$ROOT/checker -I$ROOT/kernel -I$ROOT/filters -I$ROOT/cli"
GFLAGS="-O2 -Wall -Wextra -Werror -std=gnu11"
# shellcheck disable=SC2086
$CC $GFLAGS -static $INC "$ROOT/cli/cmd_kernel.c" "$ROOT/tools/qemu/guest_main.c" \
	-o "$W/root/bin/pccf" || die "cannot build pccf-guest"
# shellcheck disable=SC2086
$CC $GFLAGS -static "$ROOT/tools/qemu/pcaptool.c" -o "$W/root/bin/pcaptool" ||
	die "cannot build pcaptool"
# shellcheck disable=SC2086
$CC $GFLAGS $INC "$ROOT/tools/qemu/verdict.c" "$B/libpccf.a" -o "$W/verdict" ||
	die "cannot build verdict"
$CC -O2 -I"$ROOT/tests" "$ROOT/tools/gentrace.c" "$ROOT/tests/pktgen.c" -lpcap \
	-o "$W/gentrace" || die "cannot build gentrace"
PCCF=$B/pccf
PT=$W/root/bin/pcaptool

# ---- host: filters, trace, expected results ------------------------------
T=$W/root/test
sh "$ROOT/tools/mkpaper.sh" "$W/paper"
good=""
for n in ip_all src_net net_pair tcp_dst21; do
	for k in asm c; do
		"$PCCF" certify "$W/paper/${n}_$k.o" -o "$T/obj/${n}_$k.pcc" >/dev/null ||
			die "certify ${n}_$k failed"
		good="$good ${n}_$k"
	done
done
if "$PCCF" help compile >/dev/null 2>&1; then
	i=0
	for e in 'tcp' 'udp port 53' 'arp' 'ip and tcp[tcpflags] & tcp-syn != 0' \
		'ip6' 'icmp or (ip[6:2] & 0x1fff != 0)'; do
		i=$((i + 1))
		if "$PCCF" compile "$e" -o "$T/obj/expr$i.pcc" >/dev/null 2>"$W/compile.err"; then
			good="$good expr$i"
			echo "expr$i: $e" >>"$W/exprs.txt"
		else
			die "pccf compile '$e': $(cat "$W/compile.err")"
		fi
	done
fi
"$W/gentrace" -n 800 -s 4 "$W/trace.pcap" >/dev/null
"$PT" select "$W/trace.pcap" "$T/replay.pcap" 500 >/dev/null
nframes=$("$PT" count "$T/replay.pcap")
[ "$nframes" -gt 100 ] || die "only $nframes replayable frames"
: >"$T/good.txt"
for n in $good; do
	"$PCCF" run -v "$T/obj/$n.pcc" "$T/replay.pcap" >"$W/$n.rets" 2>/dev/null ||
		die "pccf run $n failed"
	acc=$(nonzero "$W/$n.rets")
	echo "$n lo $acc" >>"$T/good.txt"
done
# one more on all interfaces (only lo is up in the guest)
extra=$(grep '^ip_all_asm ' "$T/good.txt" | sed 's/ lo / all /')
echo "$extra" >>"$T/good.txt"
cap=src_net_c
"$PT" cut "$T/replay.pcap" "$W/$cap.rets" "$T/capture.pcap" >/dev/null
ccount=$("$PT" count "$T/capture.pcap")
[ "$ccount" -gt 0 ] || die "the capture filter accepts nothing"
echo "$cap $ccount" >"$T/capture.txt"

# ---- host: malformed, tampered and unsafe objects ------------------------
# raw NAME CODE RELOCS PROOF - an object from hex code, relocs and proof.
raw() {
	d=$W/raw/$1
	mkdir -p "$d"
	hex "$2" >"$d/code.bin"
	hex "$3" >"$d/reloc.bin"
	hex "$4" >"$d/proof.bin"
	"$PCCF" pack "$d" -o "$W/raw/$1.pcc" >/dev/null
}
# setbyte FILE OFFSET HEX - overwrite one byte in place.
setbyte() { hex "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
BAD=$T/bad
G=$T/obj/tcp_dst21_c.pcc
gsize=$(stat -c %s "$G")
head -c $((gsize - 1)) "$G" >"$BAD/truncated.pcc"
cat "$G" "$G" | head -c $((gsize + 1)) >"$BAD/trailing-byte.pcc"
cp "$G" "$BAD/bad-magic.pcc" && setbyte "$BAD/bad-magic.pcc" 0 58
cp "$G" "$BAD/bad-version.pcc" && setbyte "$BAD/bad-version.pcc" 4 09
cp "$G" "$BAD/code-length-overflow.pcc" && setbyte "$BAD/code-length-overflow.pcc" 11 ff
last=$(od -An -tx1 -j $((gsize - 1)) -N1 "$G" | tr -d ' ')
cp "$G" "$BAD/flipped-proof-byte.pcc"
setbyte "$BAD/flipped-proof-byte.pcc" $((gsize - 1)) "$(printf '%02x' $((0x$last ^ 1)))"
"$PCCF" unpack "$G" "$W/raw/g" >/dev/null
rm -f "$W/raw/g/proof.bin"
"$PCCF" pack "$W/raw/g" -o "$BAD/empty-proof.pcc" >/dev/null
"$PCCF" unpack "$T/obj/ip_all_asm.pcc" "$W/raw/a" >/dev/null
"$PCCF" unpack "$T/obj/net_pair_asm.pcc" "$W/raw/n" >/dev/null
cp "$W/raw/n/proof.bin" "$W/raw/a/proof.bin"
"$PCCF" pack "$W/raw/a" -o "$BAD/proof-of-other-filter.pcc" >/dev/null
RET=e900000000                      # jmp rel32 through a RET reloc
# movzx eax, byte [rdi+0x40] without a length check, with ip_all's proof
raw unsafe-read-spliced-proof "0fb64740$RET" 0500000001000000 \
	"$(od -An -tx1 -v "$W/raw/a/proof.bin" | tr -d ' \n')"
raw unsafe-read-trivial-proof "0fb64740$RET" 0500000001000000 0006
raw store-to-packet "c60701b801000000$RET" 0900000001000000 0006
raw writes-rbx "bb01000000b807000000$RET" 0b00000001000000 0006
raw bare-ret "b801000000c3" "" 0006
raw loop "31c085f675fe$RET" 0700000001000000 0006
raw syscall "0f05b800000000$RET" 0800000001000000 0006
raw reloc-kind "b807000000$RET" 0600000002000000 0006
raw empty-code "" "" 0006
raw falls-off-end "b807000000" "" 0006
# a second reloc whose rel32 lies inside 'mov eax, 0xe9' and the next
# instruction: the installer would patch bytes that were verified
raw reloc-inside-insn "b8e900000000c0$RET" 02000000010000000800000001000000 0006
for r in unsafe-read-spliced-proof unsafe-read-trivial-proof store-to-packet \
	writes-rbx bare-ret loop syscall reloc-kind empty-code falls-off-end \
	reloc-inside-insn; do
	cp "$W/raw/$r.pcc" "$BAD/$r.pcc"
done
head -c $((1048576 + 1)) /dev/zero >"$BAD/too-large.pcc"
hostbad=0
nbad=0
for f in "$BAD"/*.pcc; do
	b=${f%.pcc}
	nbad=$((nbad + 1))
	v=$("$W/verdict" "$f")
	if [ "$v" = ok ]; then
		log "FAIL: the trusted core ACCEPTS bad object ${b##*/} (host, user space)"
		hostbad=$((hostbad + 1))
		rm -f "$f"
		continue
	fi
	printf '%s\n' "${v%%	*}" >"$b.errno"
	if "$PCCF" check "$f" >/dev/null 2>"$W/check.err"; then
		die "pccf check accepts ${b##*/} but verdict rejects it"
	fi
	# the message exactly as 'pccf check' prints it
	sed -n "s|^$f: rejected: ||p" "$W/check.err" >"$b.msg"
	[ -s "$b.msg" ] || die "no rejection message from pccf check for ${b##*/}"
done

# ---- host: the kernel batch (fuzzed and mutated objects) -----------------
# tools/qemu/mkbatch.c: BATCH_MUTANTS (default 500) distinct mutants of the
# certified objects above, made by the soundness hunt's edits with a fixed
# seed (BATCH_SEED, default 7), plus 40 inputs of each libFuzzer corpus
# (build/fuzz/corpus-*, when a fuzz run has left them) and the fuzz
# regression objects.  Each file's expectation is what user space says:
# 'pccf check' (exit status, message) and verdict (the class's errno),
# which must agree; an accepted one also gets its accepted count on the
# replay trace ('pccf run -v').
BT=$T/batch
mkdir -p "$BT"
# shellcheck disable=SC2086
$CC $GFLAGS $INC "$ROOT/tools/qemu/mkbatch.c" "$B/libpccf.a" -lpcap -o "$W/mkbatch" ||
	die "cannot build mkbatch"
set --
[ -d "$B/fuzz/corpus-fuzz_verify" ] && set -- "$@" -f "$B/fuzz/corpus-fuzz_verify"
[ -d "$B/fuzz/corpus-fuzz_proof" ] && set -- "$@" -F "$B/fuzz/corpus-fuzz_proof"
[ -d "$ROOT/tests/fuzz/regress" ] && set -- "$@" -r "$ROOT/tests/fuzz/regress"
nmut=${BATCH_MUTANTS:-500}
mkb=$("$W/mkbatch" -n "$nmut" -s "${BATCH_SEED:-7}" -k 40 "$@" -o "$BT" "$T"/obj/*.pcc) ||
	die "mkbatch failed: $mkb"
: >"$T/batch.txt"
nbatch=0
bacc=0
for f in "$BT"/*.pcc; do
	name=${f##*/}
	nbatch=$((nbatch + 1))
	v=$("$W/verdict" "$f")
	if "$PCCF" check -q "$f" 2>"$W/check.err"; then
		[ "$v" = ok ] || die "batch $name: pccf check accepts, verdict says '$v'"
		"$PCCF" run -v "$f" "$T/replay.pcap" >"$W/batch.rets" 2>/dev/null ||
			die "batch $name: accepted, but pccf run fails"
		printf '%s\tok\t%s\n' "$name" "$(nonzero "$W/batch.rets")" >>"$T/batch.txt"
		bacc=$((bacc + 1))
	else
		msg=$(sed -n "s|^$f: rejected: ||p" "$W/check.err")
		[ -n "$msg" ] || die "batch $name: no rejection message from pccf check"
		[ "$v" = "${v%%	*}	$msg" ] ||
			die "batch $name: pccf check says '$msg', verdict '$v'"
		printf '%s\t%s\t%s\n' "$name" "${v%%	*}" "$msg" >>"$T/batch.txt"
	fi
done
[ "$nbatch" -ge 300 ] || die "kernel batch: only $nbatch objects ($mkb)"
log "$mkb; user space: $((nbatch - bacc)) rejected, $bacc accepted"

# ---- initramfs and boot ---------------------------------------------------
cp /bin/busybox "$W/root/bin/busybox"
cp "$ROOT/tools/qemu/init.sh" "$W/root/init"
chmod 755 "$W/root/init"
cp "$B/kmod/pccf.ko" "$W/root/pccf.ko"
(cd "$W/root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$W/initramfs.cpio.gz"
prep=$(secs "$t_begin")
log "host side ready in ${prep}s: $(wc -l <"$T/good.txt") filters, $nframes frames, $nbad bad objects, $nbatch batch objects; booting QEMU (TCG)"
t_boot=$(date +%s%N)
rc=0
timeout "$TIMEOUT" qemu-system-x86_64 -m 512 -smp 2 -nographic -no-reboot -nic none \
	-kernel "$VMLINUZ" -initrd "$W/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet" </dev/null 2>&1 |
	tr -d '\r' >"$W/console.log" || rc=$?
qemu_s=$(secs "$t_boot")
[ $rc -eq 0 ] || log "qemu exited with status $rc (124 = timeout after ${TIMEOUT}s)"

# ---- verdict --------------------------------------------------------------
L=$W/console.log
awk '/^(ok|FAIL): |^  |^kernel log clean/ && !/^  [A-Za-z0-9+\/=]*$/' "$L"
ok=1
grep -q '^PCCF-QEMU-RESULT: PASS' "$L" || ok=0
if [ $ok -eq 0 ]; then
	log "guest did not pass; last console lines:"
	tail -n 40 "$L" >&2
fi
sed -n '/^CAPTURE-PCAP-BEGIN$/,/^CAPTURE-PCAP-END$/p' "$L" | sed '1d;$d' |
	base64 -d >"$W/capture-guest.pcap" 2>/dev/null ||
	log "capture file from the guest: no valid base64 section"
tcp=$(tcpdump -nn -r "$W/capture-guest.pcap" 2>/dev/null | wc -l)
if [ "$tcp" = "$ccount" ] && "$PT" cmp "$W/capture-guest.pcap" "$T/capture.pcap" >/dev/null; then
	log "capture file from the guest: tcpdump reads $tcp packets, equal to user space"
else
	log "FAIL: capture file from the guest: tcpdump reads '$tcp' packets, want $ccount"
	ok=0
fi
[ $hostbad -eq 0 ] || ok=0
boot=$(sed -n 's/.*pccf-init: boot done at \([0-9.]*\)s.*/\1/p' "$L")
tend=$(sed -n 's/.*pccf-init: test done at \([0-9.]*\)s.*/\1/p' "$L")
ttest=$(awk -v a="${boot:-0}" -v b="${tend:-0}" 'BEGIN { printf "%.1f", b - a }')
sed -n 's/^SUMMARY: /qemu-test: guest: /p' "$L" >&2
# the batch: every object checked in the guest, none differently
bline=$(sed -n 's/^BATCH: //p' "$L")
bn=$(echo "$bline" | sed -n 's/^\([0-9]*\) objects,.*/\1/p')
bmis=$(echo "$bline" | sed -n 's/.*mismatches \([0-9]*\).*/\1/p')
if [ -n "$bline" ] && [ "$bn" = "$nbatch" ] && [ "$bmis" = 0 ]; then
	log "kernel batch: $bline"
else
	log "FAIL: kernel batch: '${bline:-no result}' (want $nbatch objects, mismatches 0)"
	ok=0
fi
log "boot ${boot:-?} s (guest uptime at /init), test ${ttest} s in the guest," \
	"QEMU wall ${qemu_s} s, total $(secs "$t_begin") s"
if [ $ok -eq 1 ]; then
	log "PASS"
	exit 0
fi
[ $hostbad -eq 0 ] || log "FAIL: $hostbad bad object(s) accepted by the trusted core on the host"
log "FAIL (console log: $L)"
exit 1
