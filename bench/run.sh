#!/bin/sh
# run.sh BUILD_DIR - 'make bench': the full comparison of issue 5.
#
# Runs BUILD_DIR/pccf bench four times and writes, under BUILD_DIR/bench/,
# NAME.txt (the table), NAME.csv and NAME/ (the charts) for
#   paper            the paper's four filters on the generated trace
#   corpus           every corpus expression that compiles, generated trace
#   captures-paper   the paper's filters on the corpus captures (tcpdump's
#                    test pcaps, Ethernet files, concatenated in memory)
#   captures-corpus  the corpus expressions on the corpus captures
# Environment: PCCF_CORPUS (default ../shared/corpus), BENCH_REPS (11),
# BENCH_CORPUS_REPS (5: the corpus runs have ~400 filters).  The corpus
# runs leave out 'domain' (a process round trip per packet, ~5 us: 0.1 s
# per timed pass and filter); the paper runs have every technique.
set -eu

B=${1:-build}
P=$B/pccf
O=$B/bench
C=${PCCF_CORPUS:-../shared/corpus}
[ -d "$C" ] || C=/work/shared/corpus
REPS=${BENCH_REPS:-11}
CREPS=${BENCH_CORPUS_REPS:-5}
mkdir -p "$O"
PCCF_BENCH_CACHE=$O
PCCF_CORPUS=$C
export PCCF_BENCH_CACHE PCCF_CORPUS

# run NAME ARGS... - one comparison, its table also on stdout.
run() {
	name=$1
	shift
	echo "==== pccf bench $* (-> $O/$name.txt, .csv, $name/)"
	"$P" bench "$@" --csv "$O/$name.csv" --plot "$O/$name" >"$O/$name.txt"
	cat "$O/$name.txt"
	echo
}

run paper --filters paper --reps "$REPS"
CTECH=interp,checked,sfi,jit,rust,c,pcc,pkey,domain-batch,null
run corpus --filters corpus --reps "$CREPS" --tech "$CTECH"
if [ -d "$C/pcaps" ]; then
	run captures-paper --trace "$C/pcaps" --filters paper --reps "$REPS"
	run captures-corpus --trace "$C/pcaps" --filters corpus --reps "$CREPS" --tech "$CTECH"
else
	echo "run.sh: $C/pcaps not found: corpus captures skipped"
fi
echo "bench: tables, CSV and charts in $O/"
