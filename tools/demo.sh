#!/bin/sh
# demo.sh [BUILD_DIR] - the main job on its built-in default (make demo).
#
# Certifies the paper's four filters (hand-written assembly and gcc -O2 C)
# and a few expressions (pccf compile), checks each object in the
# user-space consumer, replays the seeded trace through each certified
# filter, compares every accept count with libpcap's own compiler and
# interpreter (tcpdump -r), and prints the speed comparison (pccf bench).
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
D=$B/demo
mkdir -p "$D"
PCCF=$B/pccf

sh tools/mkpaper.sh "$D/obj"
[ -x "$B/gentrace" ] || gcc -O2 -Itests tools/gentrace.c tests/pktgen.c -lpcap -o "$B/gentrace"
TRACE=$D/paper-demo.pcap
"$B/gentrace" -n 20000 -s 1 "$TRACE" >/dev/null

printf '%-10s %-4s %6s %6s %8s %8s %9s %9s %s\n' filter src code proof vcgen_us check_us accepted libpcap same
fail=0
while IFS='|' read -r name expr; do
	ref=$(tcpdump -nr "$TRACE" "$expr" 2>/dev/null | wc -l)
	for v in asm c; do
		o=$D/${name}_$v.pcc
		"$PCCF" certify "$D/obj/${name}_$v.o" -o "$o"
		line=$("$PCCF" check "$o")
		code=$(echo "$line" | sed -n 's/.*code \([0-9]*\) bytes.*/\1/p')
		proof=$(echo "$line" | sed -n 's/.*proof \([0-9]*\) bytes.*/\1/p')
		vcus=$(echo "$line" | sed -n 's/.*VC gen \([0-9.]*\) us.*/\1/p')
		chus=$(echo "$line" | sed -n 's/.*check \([0-9.]*\) us.*/\1/p')
		acc=$("$PCCF" run "$o" "$TRACE" 2>&1 >/dev/null | sed -n 's/.* \([0-9]*\) accepted.*/\1/p')
		same=yes
		[ "$acc" = "$ref" ] || { same=NO; fail=1; }
		printf '%-10s %-4s %6s %6s %8s %8s %9s %9s %s\n' "$name" "$v" "$code" "$proof" "$vcus" "$chus" "$acc" "$ref" "$same"
	done
done <<'LIST'
ip_all|ip
src_net|ip src net 128.2.206.0/24
net_pair|(ip or arp) and ((src net 128.2.206 and dst net 128.2.209) or (src net 128.2.209 and dst net 128.2.206))
tcp_dst21|ip and tcp dst port 21
LIST

# A few expressions through the certifying compiler (pccf compile).
echo
printf '%-40s %6s %6s %9s %9s %s\n' expression code proof accepted libpcap same
for expr in 'tcp port 80' 'udp port 53' 'icmp' 'vlan and ip' 'ip6' 'arp' \
	'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 'ip[6:2] & 0x1fff != 0'; do
	o=$D/expr.pcc
	"$PCCF" compile "$expr" -o "$o"
	line=$("$PCCF" check "$o")
	code=$(echo "$line" | sed -n 's/.*code \([0-9]*\) bytes.*/\1/p')
	proof=$(echo "$line" | sed -n 's/.*proof \([0-9]*\) bytes.*/\1/p')
	acc=$("$PCCF" run "$o" "$TRACE" 2>&1 >/dev/null | sed -n 's/.* \([0-9]*\) accepted.*/\1/p')
	ref=$(tcpdump -nr "$TRACE" "$expr" 2>/dev/null | wc -l)
	same=yes
	[ "$acc" = "$ref" ] || { same=NO; fail=1; }
	printf '%-40s %6s %6s %9s %9s %s\n' "$expr" "$code" "$proof" "$acc" "$ref" "$same"
done
[ "$fail" = 0 ] || { echo "demo: accept counts differ from libpcap" >&2; exit 1; }
echo "demo: every certified filter accepts exactly what libpcap accepts on $TRACE"

# The speed comparison (pccf bench; 'make bench' runs the full one).
echo
"$PCCF" bench --filters paper --reps 3
