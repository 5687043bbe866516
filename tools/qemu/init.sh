#!/bin/busybox sh
# init.sh - /init of the QEMU kernel test's initramfs (busybox sh).
#
# Inserts pccf.ko, loads the certified filters listed in /test/good.txt
# ("NAME IFACE ACCEPTED": IFACE is lo or all), replays /test/replay.pcap
# onto lo with an AF_PACKET socket, compares each filter's counters with
# the user-space result computed on the host, unloads them, captures
# through a session filter (/test/capture.txt: "NAME COUNT") and compares
# the pcap file with /test/capture.pcap, then loads every object of
# /test/bad/ and compares errno and message with NAME.errno/NAME.msg,
# then the kernel batch: every fuzzed or mutated object of /test/batch/
# is loaded and must get user space's verdict (/test/batch.txt: same
# message and errno class, or accepted, run on one replay with the same
# counters, and unloaded), with the line "BATCH: N objects, ..."; last it
# checks the kernel log and removes the module.  Every check prints
# "ok: ..." or "FAIL: ..."; the last lines are the summary and the marker
# "PCCF-QEMU-RESULT: PASS|FAIL", then the machine powers off.
# Untrusted test tooling.

/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp

T=/test
fails=0
checks=0
read -r t_start _ </proc/uptime
echo
echo "pccf-init: boot done at ${t_start}s (guest uptime)"

ok() {
	checks=$((checks + 1))
	echo "ok: $*"
}
fail() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $*"
}
# finish - summary, kernel log, marker, power off.
finish() {
	read -r t_end _ </proc/uptime
	echo "pccf-init: test done at ${t_end}s"
	echo "SUMMARY: $*"
	if [ "$fails" -eq 0 ]; then
		echo "PCCF-QEMU-RESULT: PASS ($checks checks)"
	else
		echo "PCCF-QEMU-RESULT: FAIL ($fails of $checks checks failed)"
	fi
	sync
	poweroff -f
	sleep 10
}

ip link set lo up
# Nothing may answer the replayed frames: no IPv6, no forwarding.
for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
	[ -e "$f" ] && echo 1 >"$f"
done
echo 0 >/proc/sys/net/ipv4/ip_forward
echo 10000 >/proc/sys/net/core/netdev_max_backlog

if insmod /pccf.ko && [ -c /dev/pccf ]; then
	ok "insmod pccf.ko, /dev/pccf is a character device"
else
	fail "insmod pccf.ko or /dev/pccf missing"
	dmesg | tail -n 20
	finish "module did not load"
fi

nframes=$(pcaptool count $T/replay.pcap)
if r=$(pcaptool nocap-open /dev/pccf); then
	ok "open without CAP_NET_RAW: $r"
else
	fail "open without CAP_NET_RAW: $r"
fi

# stat_of ID FIELD - a counter ("seen", "accepted", "dropped") of filter ID.
stat_of() {
	pccf stats "$1" | sed -n "s/.* \([0-9]*\) $2.*/\1/p"
}

# wait_seen ID N - wait (up to 60 s) until filter ID has seen N frames.
wait_seen() {
	i=0
	while [ "$(stat_of "$1" seen)" != "$2" ] && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

# ---- persistent filters: load, replay, compare counters, unload ---------
ids=""
nloaded=0
nequal=0
ngood=0
while read -r name iface want; do
	ngood=$((ngood + 1))
	if [ "$iface" = all ]; then opt=""; else opt="-i $iface"; fi
	# shellcheck disable=SC2086
	if out=$(pccf load $T/obj/$name.pcc $opt 2>&1); then
		id=$(echo "$out" | sed -n 's/.*loaded as filter \([0-9]*\) .*/\1/p')
		ids="$ids $id:$name:$want"
		nloaded=$((nloaded + 1))
		echo "  $out"
	else
		fail "load $name: $out"
	fi
done <$T/good.txt
[ "$nloaded" -eq "$ngood" ] && ok "$nloaded of $ngood certified filters loaded"
pccf list

t0=$(cut -d' ' -f1 /proc/uptime)
echo "  $(pcaptool send lo $T/replay.pcap) on lo"
for e in $ids; do
	wait_seen "${e%%:*}" "$nframes"
done
t1=$(cut -d' ' -f1 /proc/uptime)
echo "  replay and filtering took $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }') s"
pccf list
for e in $ids; do
	id=${e%%:*}
	rest=${e#*:}
	name=${rest%%:*}
	want=${rest#*:}
	seen=$(stat_of "$id" seen)
	acc=$(stat_of "$id" accepted)
	if [ "$seen" = "$nframes" ] && [ "$acc" = "$want" ]; then
		nequal=$((nequal + 1))
		ok "filter $id $name: seen $seen, accepted $acc = user space $want"
	else
		fail "filter $id $name: seen $seen (want $nframes), accepted $acc (user space $want)"
	fi
done
for e in $ids; do
	pccf unload "${e%%:*}" >/dev/null || fail "unload ${e%%:*}"
done
if pccf list | grep -q '^0 filters; executable arena: 0 of'; then
	ok "all filters unloaded, arena empty"
else
	fail "filters or arena left after unload: $(pccf list | tail -n 1)"
fi

# ---- capture through a session filter ------------------------------------
capres="not run"
if read -r cname ccount <$T/capture.txt; then
	pccf capture "$T/obj/$cname.pcc" -i lo -c "$ccount" -t 90 -w /tmp/cap.pcap \
		2>/tmp/cap.err &
	cpid=$!
	i=0
	while ! grep -q capturing /tmp/cap.err 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	pcaptool send lo $T/replay.pcap >/dev/null
	wait $cpid
	crc=$?
	cat /tmp/cap.err
	if [ $crc -eq 0 ] && cmp=$(pcaptool cmp /tmp/cap.pcap $T/capture.pcap); then
		capres="$ccount packets equal"
		ok "capture with $cname: $cmp as user space"
	else
		capres="MISMATCH"
		fail "capture with $cname (exit $crc): $cmp"
	fi
	echo "CAPTURE-PCAP-BEGIN"
	base64 /tmp/cap.pcap
	echo "CAPTURE-PCAP-END"
	if pccf list | grep -q '^0 filters'; then
		ok "session filter freed when the capture closed /dev/pccf"
	else
		fail "session filter left after close"
	fi
fi

# ---- loads and unloads while frames flow (RCU, arena reuse, 2 CPUs) -----
(for i in 1 2 3; do pcaptool send lo $T/replay.pcap >/dev/null; done) &
spid=$!
n=0
nerr=0
while [ $n -lt 20 ]; do
	if out=$(pccf load $T/obj/net_pair_c.pcc 2>&1); then
		id=$(echo "$out" | sed -n 's/.*loaded as filter \([0-9]*\) .*/\1/p')
		pccf unload "$id" >/dev/null || nerr=$((nerr + 1))
	else
		nerr=$((nerr + 1))
	fi
	n=$((n + 1))
done
wait $spid
if [ $nerr -eq 0 ] && pccf list | grep -q '^0 filters; executable arena: 0 of'; then
	ok "$n loads and unloads while $((3 * nframes)) frames flowed"
else
	fail "load/unload under traffic: $nerr errors; $(pccf list | tail -n 1)"
fi

# ---- malformed, tampered and unsafe objects -----------------------------
nbad=0
nrej=0
for f in "$T"/bad/*.pcc; do
	b=${f%.pcc}
	name=${b##*/}
	nbad=$((nbad + 1))
	if pccf load "$f" -i lo >/tmp/out 2>/tmp/err; then
		fail "$name: ACCEPTED by the kernel"
		continue
	fi
	got_msg=$(head -n 1 /tmp/err)
	want_msg="$f: rejected: $(cat "$b.msg")"
	want_errno=$(cat "$b.errno")
	if [ "$got_msg" = "$want_msg" ] && grep -q "($want_errno)\$" /tmp/err; then
		nrej=$((nrej + 1))
		ok "$name: $want_errno, $(cat "$b.msg")"
	else
		fail "$name: got '$(cat /tmp/err)', want '$want_msg' and $want_errno"
	fi
done
pccf list | grep -q '^0 filters' || fail "a rejected object left a filter behind"

# ---- the kernel batch: fuzzed and mutated objects ------------------------
# /test/batch.txt: "NAME<TAB>ok<TAB>ACCEPTED" or "NAME<TAB>ERRNO<TAB>MESSAGE",
# user space's verdict on /test/batch/NAME.  A rejection must carry the
# same text and the errno of its class; an accepted object stays loaded
# on lo (up to 32 at a time) until one replay has run through all of them,
# then its counters must equal user space's and it is unloaded.
bn=0
brej=0
bacc=0
bmis=0
brun=0
held=""
nheld=0
# drop_held - replay once through the held filters, compare, unload them.
drop_held() {
	[ "$nheld" -gt 0 ] || return 0
	pcaptool send lo $T/replay.pcap >/dev/null
	for e in $held; do
		wait_seen "${e%%:*}" "$nframes"
	done
	for e in $held; do
		id=${e%%:*}
		rest=${e#*:}
		name=${rest%%:*}
		want=${rest#*:}
		seen=$(stat_of "$id" seen)
		acc=$(stat_of "$id" accepted)
		if [ "$seen" = "$nframes" ] && [ "$acc" = "$want" ]; then
			brun=$((brun + 1))
		else
			bmis=$((bmis + 1))
			fail "batch $name (filter $id): seen $seen (want $nframes), accepted $acc (user space $want)"
		fi
		pccf unload "$id" >/dev/null || fail "batch: unload $id"
	done
	held=""
	nheld=0
}
while IFS='	' read -r name want msg; do
	f=$T/batch/$name
	bn=$((bn + 1))
	if pccf load "$f" -i lo >/tmp/out 2>/tmp/err; then
		id=$(sed -n 's/.*loaded as filter \([0-9]*\) .*/\1/p' /tmp/out)
		if [ "$want" = ok ]; then
			bacc=$((bacc + 1))
			held="$held $id:$name:$msg"
			nheld=$((nheld + 1))
			[ "$nheld" -lt 32 ] || drop_held
		else
			bmis=$((bmis + 1))
			fail "batch $name: ACCEPTED by the kernel; pccf check: $want, $msg"
			pccf unload "$id" >/dev/null
		fi
		continue
	fi
	{
		IFS= read -r l1
		IFS= read -r l2
	} </tmp/err
	if [ "$want" = ok ]; then
		bmis=$((bmis + 1))
		fail "batch $name: rejected by the kernel ($l1 / $l2), accepted by pccf check"
		continue
	fi
	case "$l2" in
	*"($want)") eok=1 ;;
	*) eok=0 ;;
	esac
	if [ "$eok" = 1 ] && [ "$l1" = "$f: rejected: $msg" ]; then
		brej=$((brej + 1))
	else
		bmis=$((bmis + 1))
		fail "batch $name: got '$l1' / '$l2', want '$msg' and $want"
	fi
done <$T/batch.txt
drop_held
if pccf list | grep -q '^0 filters; executable arena: 0 of'; then
	ok "batch: $bn objects loaded, nothing left behind, arena empty"
else
	bmis=$((bmis + 1))
	fail "batch: filters or arena left: $(pccf list | tail -n 1)"
fi
batch="$bn objects, $brej rejected (same message as pccf check), $bacc accepted (same as pccf check; $brun ran the replay with user space's counts), mismatches $bmis"
echo "BATCH: $batch"
[ "$bmis" -eq 0 ] && ok "batch: $batch"

# ---- kernel log, unload --------------------------------------------------
if rmmod pccf; then ok "rmmod pccf"; else fail "rmmod pccf"; fi
[ -e /dev/pccf ] && fail "/dev/pccf still exists after rmmod"
nrep=$(dmesg | grep -cE 'BUG:|Oops|WARNING:|general protection|Call Trace')
echo "kernel log clean: $nrep reports"
if [ "$nrep" -eq 0 ]; then
	ok "kernel log clean"
else
	fail "kernel log has $nrep reports"
	dmesg | grep -B 5 -A 30 -E 'BUG:|Oops|WARNING:|general protection|Call Trace' | head -n 80
fi

finish "filters $nloaded/$ngood loaded, $nframes frames replayed," \
	"counts $nequal/$ngood equal, capture $capres," \
	"rejections $nrej/$nbad as expected, batch of $bn with $bmis mismatches," \
	"kernel log clean: $nrep reports"
