#!/bin/sh
# test_compile_cli.sh [PCCF] - 'pccf compile' end to end, as a user runs it.
#
# PCCF is the tool to test (default: $PCCF or build/pccf, relative to the
# repository root, where the script changes directory).  The corpus is
# $PCCF_CORPUS (default ../shared/corpus).  Covers:
#  - usage errors (exit 2) and libpcap's rejections (exit 1, "pccf: " and
#    libpcap's own message on stderr, no object written);
#  - the object checks ('pccf check') and is byte-identical run to run, with
#    -f on the -ddd dump of the same expression, and with -f - (stdin);
#  - -d, -dd, -ddd print exactly what tcpdump -d/-dd/-ddd print for the same
#    expression, link type and snaplen (when tcpdump is installed), -O0 too;
#  - -y RAW / IPV4 / IPV6 with 'pccf run -v' on corpus captures of that type;
#  - -m: 'ip broadcast' needs a netmask;
#  - protochain's loop (from -f) is refused with the reason, not a crash;
#  - --x86, --vc, --proof, --checked, --spec-mask;
#  - libpcap's apply tests through the tool: for each EN10MB row of
#    filters/apply-tests.tsv that compiles, 'pccf compile -s SNAPLEN
#    [-m NETMASK] EXPR' then 'pccf run -v' on the savefile must print the
#    row's expected per-packet values.
# Ends with "N passed, M failed" and exits 1 if anything failed.
set -u

cd "$(dirname "$0")/.." || exit 2
P=${1:-${PCCF:-build/pccf}}
case $P in /*) ;; *) P=$(pwd)/$P ;; esac
C=${PCCF_CORPUS:-../shared/corpus}
case $C in /*) ;; *) C=$(pwd)/$C ;; esac
if [ ! -x "$P" ]; then
	echo "test_compile_cli.sh: $P: missing or not executable"
	echo "0 passed, 1 failed"
	exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/pccf-compile-cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM
. "$(pwd)/tests/lib.sh"
cd "$T" || exit 2


# snaplen FILE - the snap length in a little-endian pcap header (empty
# when the file is not one).
snaplen() {
	[ "$(od -An -tx1 -N4 "$1" | tr -d ' ')" = d4c3b2a1 ] || return 0
	od -An -tu1 -j16 -N4 "$1" |
		awk '{ print $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }'
}

# ---- usage and rejections ------------------------------------------------

expect "no expression: usage" 2 "$P" compile -o x.pcc
expect "no -o: usage" 2 "$P" compile 'ip'
expect "two expressions: usage" 2 "$P" compile ip tcp -o x.pcc
expect "unknown link type: usage" 2 "$P" compile -y NOSUCHDLT ip -o x.pcc
expect "bad snaplen: usage" 2 "$P" compile -s 0 ip -o x.pcc
expect "bad netmask: usage" 2 "$P" compile -m 255.255.0 ip -o x.pcc
expect "unknown option: usage" 2 "$P" compile --nosuch ip -o x.pcc
expect "syntax error: exit 1" 1 "$P" compile 'ip proto' -o bad.pcc
has "syntax error: libpcap's message" err '^pccf: can.t parse filter expression: syntax error$'
if [ -e bad.pcc ]; then bad "rejected expression writes no object"; else
	ok "rejected expression writes no object"; fi
expect "unknown host: exit 1" 1 "$P" compile 'host nosuchhost.invalid' -o bad.pcc
has "unknown host: libpcap's message" err "^pccf: .*nosuchhost.invalid"
expect "ip broadcast needs a netmask" 1 "$P" compile 'ip broadcast' -o bad.pcc
has "ip broadcast: libpcap's message" err "netmask not known"
expect "ip broadcast with -m" 0 "$P" compile -m 255.255.255.0 'ip broadcast' -o bc.pcc
expect "ip broadcast object checks" 0 "$P" check -q bc.pcc
expect "-f: missing file" 1 "$P" compile -f nosuch.ddd -o x.pcc
printf '2\n6 0 0 0\n' >trunc.ddd
expect "-f: truncated program" 1 "$P" compile -f trunc.ddd -o x.pcc
if printf '1\n6 0 0 0\n' | "$P" compile -f - -o stdin.pcc >out 2>err; then ok "-f -: program from stdin"; else bad "-f -: program from stdin"; fi
"$P" compile -ddd 'ip protochain 6' >loop.ddd 2>err
expect "-f: protochain's loop is refused" 1 "$P" compile -f loop.ddd -o x.pcc
has "-f: loop refusal says why" err "backward jump.*acyclic"

# ---- objects: check, determinism, -f ------------------------------------

E='ip and tcp dst port 21'
expect "compile '$E'" 0 "$P" compile "$E" -o a.pcc
expect "check a.pcc" 0 "$P" check a.pcc
has "check says ok" out ": ok ("
expect "compile again" 0 "$P" compile "$E" -o b.pcc
same "byte-identical objects" a.pcc b.pcc
expect "-ddd dump" 0 "$P" compile -ddd "$E"
cp out prog.ddd
expect "-f on the -ddd dump" 0 "$P" compile -f prog.ddd -o c.pcc
same "-f gives the same object as the expression" a.pcc c.pcc
expect "-O0 compiles" 0 "$P" compile -O0 "$E" -o o0.pcc
expect "-O0 object checks" 0 "$P" check -q o0.pcc
for opt in --checked --spec-mask; do
	expect "$opt compiles" 0 "$P" compile $opt "$E" -o m.pcc
	expect "$opt object checks" 0 "$P" check -q m.pcc
done
expect "--x86" 0 "$P" compile --x86 "$E"
has "--x86 disassembles" out "cmp"
expect "--vc" 0 "$P" compile --vc "$E"
if [ -s out ]; then ok "--vc prints the VC"; else bad "--vc prints the VC"; fi
expect "--proof" 0 "$P" compile --proof "$E"
if [ -s out ]; then ok "--proof prints the proof"; else bad "--proof prints the proof"; fi

# ---- -d/-dd/-ddd against tcpdump ------------------------------------------

F=$C/pcaps-libpcap/vrrp.pcap
S=$(snaplen "$F")
if command -v tcpdump >/dev/null 2>&1 && tcpdump -r "$F" -d ip >/dev/null 2>&1; then
	n=0 diff=0
	for e in 'ip' 'tcp port 80' 'ip src net 128.2.206.0/24' "$E" \
		'vlan and udp' 'ip6 and icmp6[icmp6type] == icmp6-echo' \
		'ether[0] & 1 != 0 or len > 1000'; do
		for d in -d -dd -ddd; do
			for o in "" -O; do
				n=$((n + 1))
				po=${o:+-O0}	# tcpdump's -O is pccf's -O0
				# shellcheck disable=SC2086 # $o, $po: empty or one word
				tcpdump -r "$F" $o "$d" "$e" >t.txt 2>/dev/null
				# shellcheck disable=SC2086
				"$P" compile -s "$S" $po "$d" "$e" >p.txt 2>&1
				cmp -s t.txt p.txt || { diff=$((diff + 1)); \
					echo "     | differs: $o $d '$e'"; }
			done
		done
	done
	if [ $diff -eq 0 ]; then
		ok "-d/-dd/-ddd (and -O0) identical to tcpdump's ($n dumps)"
	else
		bad "-d/-dd/-ddd: $diff of $n dumps differ from tcpdump's"
	fi
else
	echo "skip -d/-dd/-ddd vs tcpdump: tcpdump not available"
fi

# ---- other link types ----------------------------------------------------

for pair in RAW:ip IPV4:ip IPV6:ip6; do
	dlt=${pair%%:*} proto=${pair#*:}
	expect "-y $dlt 'ip or ip6'" 0 "$P" compile -y "$dlt" 'ip or ip6' -o "$dlt.pcc"
	expect "-y $dlt object checks" 0 "$P" check -q "$dlt.pcc"
	expect "-y $dlt -d '$proto' starts at the IP header" 0 "$P" compile -y "$dlt" -d "$proto"
	if grep -q '\[12\]' out; then bad "-y $dlt: no Ethernet type load"; else
		ok "-y $dlt: no Ethernet type load"; fi
done
expect "-y RAW: arp rejected with libpcap's message" 1 "$P" compile -y RAW 'arp' -o x.pcc
has "-y RAW arp: message" err "^pccf: "
# run on a raw-IP capture: every packet is IPv4 or IPv6 -> all accepted
for f in "$C"/pcaps/*.pcap; do
	lt=$(od -An -tu1 -j20 -N1 "$f" | tr -d ' ')
	[ "$(od -An -tx1 -N4 "$f" | tr -d ' ')" = d4c3b2a1 ] || continue
	case $lt in 101) dlt=RAW ;; 228) dlt=IPV4 ;; 229) dlt=IPV6 ;; *) continue ;; esac
	"$P" run -v "$dlt.pcc" "$f" >vals 2>err || { bad "run $dlt.pcc on $f"; continue; }
	echo "$dlt $(grep -c . vals) $(grep -vc '^0$' vals)" >>raw-runs
done
if [ -s raw-runs ]; then
	ok "-y RAW/IPV4/IPV6 filters run on $(wc -l <raw-runs) captures"
else
	bad "no RAW/IPV4/IPV6 capture found in $C/pcaps"
fi

# ---- libpcap's apply tests through the tool ----------------------------

A=$C/filters/apply-tests.tsv
if [ -r "$A" ]; then
	rows=0 passed_rows=0 rejected=0 missing=0 loops=0 failed_rows=0
	# columns: savefile dlt netmask skip_condition expr expected; tabs
	# become \037 because IFS white space would merge empty fields
	us=$(printf '\037')
	tr '\t' '\037' <"$A" >apply.txt
	while IFS=$us read -r file dlt mask _skip expr want; do
		[ "$dlt" = EN10MB ] || continue
		rows=$((rows + 1))
		f=$C/pcaps-libpcap/$file
		s=$( [ -r "$f" ] && snaplen "$f")
		if [ -z "$s" ]; then missing=$((missing + 1)); continue; fi
		set -- -s "$s"
		[ -n "$mask" ] && set -- "$@" -m "$mask"
		if ! "$P" compile "$@" "$expr" -o r.pcc >out 2>err; then
			if grep -q "backward jump" err; then
				loops=$((loops + 1))
			elif grep -q "^pccf: " err; then
				rejected=$((rejected + 1))
			else
				failed_rows=$((failed_rows + 1))
				echo "     | compile failed: $expr"
			fi
			continue
		fi
		"$P" run -v r.pcc "$f" 2>err | paste -sd, - >got
		if [ "$(cat got)" = "$want" ]; then
			passed_rows=$((passed_rows + 1))
		else
			failed_rows=$((failed_rows + 1))
			echo "     | $file '$expr': got $(cat got), want $want"
		fi
	done <apply.txt
	echo "apply tests through the tool: $rows EN10MB rows: $passed_rows" \
		"reproduce the expected values, $rejected rejected by libpcap" \
		"1.10.3, $loops protochain (loop), $missing savefile not in the" \
		"corpus, $failed_rows failed"
	if [ $failed_rows -eq 0 ] && [ $passed_rows -gt 0 ]; then
		ok "apply tests through pccf compile + pccf run -v"
	else
		bad "apply tests through pccf compile + pccf run -v"
	fi
else
	bad "cannot read $A (set PCCF_CORPUS)"
fi

echo "$npass passed, $nfail failed"
[ $nfail -eq 0 ]
