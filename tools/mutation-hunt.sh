#!/bin/sh
# mutation-hunt.sh BUILD_DIR [MUTANTS] - the soundness hunt (issue 7).
#
# Runs BUILD_DIR/tools/mutate (tools/mutate.c) on every seed object of
# BUILD_DIR/fuzz/seeds (8 paper filters + 100 corpus expressions, made
# by tests/fuzz/mkseeds.sh), MUTANTS (default 200) random mutants each,
# with the packets of the corpus captures (/work/shared/corpus/pcaps*,
# or $PCCF_PCAPS, a space-separated list of directories).  Every
# accepted mutant is installed and run against guard pages in a child;
# a faulting one is saved to tests/fuzz/regress/unsound-*.pcc and the
# script fails.  HUNT_SEED (default 1) makes the run reproducible.
# MUTATE names the driver (default BUILD_DIR/tools/mutate; make hunt
# uses BUILD_DIR/tools/mutate-asan, the trusted core under ASan+UBSan).
# Ends with "hunt: M mutants, R rejected, A accepted, S accepted-and-safe,
# F faults".
set -u
if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [MUTANTS]" >&2
	exit 2
fi
B=$1
N=${2:-200}
here=$(cd "$(dirname "$0")/.." && pwd)
PCAPS=${PCCF_PCAPS:-/work/shared/corpus/pcaps /work/shared/corpus/pcaps-libpcap}
set --
for d in $PCAPS; do
	[ -d "$d" ] && set -- "$@" -c "$d"
done
mkdir -p "$here/tests/fuzz/regress"
exec "${MUTATE:-$B/tools/mutate}" -n "$N" -s "${HUNT_SEED:-1}" \
	-o "$here/tests/fuzz/regress" "$@" "$B"/fuzz/seeds/*.pcc
