#!/bin/sh
# tcb.sh [BUILD_DIR] - count the trusted computing base (MISSION §8).
#
# Prints "TCB lines: N" first: the non-blank, non-comment lines of the
# trusted C after formatting with the project's .clang-format, so the
# count does not depend on how densely the code is written: the trusted
# core and the user-space installer (kernel/host.c).  Then "kernel TCB
# lines: M": the same core with the kernel module's installer
# (kernel/module/install.[ch]) instead of host.c.  Then each file with its
# count (u: user space only, k: kernel only).  Comments are // lines and /* */ blocks (every line
# that lies wholly inside a block counts as comment); a line with any code
# outside comments counts as code.  String and character literals are
# skipped correctly, so "/*" inside a string is not a comment.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}

# The trusted files: parser, decoder, VC generator, checker, signature,
# installer (kernel/host.c).  Those that do not exist yet are skipped.
# include/pccf/ioctl.h is left out: it is the /dev/pccf request layout,
# included by no file that decides whether code is safe.
FILES="include/pccf/compat.h vcgen/*.c vcgen/*.h checker/*.c checker/*.h
kernel/compat.c kernel/obj.c kernel/obj.h kernel/verify.c kernel/verify.h
kernel/host.c $B/gen/sig_table.h kernel/module/install.c kernel/module/install.h"

if [ ! -f "$B/gen/sig_table.h" ] && [ -f tools/siggen.py ]; then
	make -s B="$B" "$B/gen/sig_table.h" >&2 ||
		echo "tcb.sh: could not generate $B/gen/sig_table.h" >&2
fi
command -v clang-format >/dev/null ||
	{ echo "tcb.sh: clang-format missing (sh tools/deps.sh)" >&2; exit 1; }

list=""
for f in $FILES; do
	[ -f "$f" ] && list="$list $f"
done
[ -n "$list" ] || { echo "tcb.sh: no trusted files found" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in $list; do
	mkdir -p "$tmp/$(dirname "$f")"
	# --assume-filename makes clang-format use ./.clang-format for every
	# file, including the generated header under the build directory.
	# shellcheck disable=SC2094 # reads $f, writes a copy under $tmp
	clang-format --style=file --assume-filename="./$(basename "$f")" \
		<"$f" >"$tmp/$f"
done

# shellcheck disable=SC2086 # $list is a list of paths without blanks
python3 - "$tmp" $list <<'PY'
import sys

def code_lines(text):
    """Lines with code outside comments and not blank."""
    n = 0
    in_block = False
    for line in text.split("\n"):
        code = False
        i = 0
        quote = None
        while i < len(line):
            c = line[i]
            if in_block:
                if line.startswith("*/", i):
                    in_block = False
                    i += 2
                else:
                    i += 1
                continue
            if quote:
                code = True
                if c == "\\":
                    i += 2
                    continue
                if c == quote:
                    quote = None
                i += 1
                continue
            if line.startswith("/*", i):
                in_block = True
                i += 2
            elif line.startswith("//", i):
                break
            elif c in "\"'":
                quote = c
                code = True
                i += 1
            else:
                if not c.isspace():
                    code = True
                i += 1
        if code:
            n += 1
    return n

root, files = sys.argv[1], sys.argv[2:]
KERNEL = ("kernel/module/install.c", "kernel/module/install.h")
USER = ("kernel/host.c",)
counts = []
for f in files:
    with open(root + "/" + f, encoding="utf-8", errors="replace") as fh:
        counts.append((code_lines(fh.read()), f))
print("TCB lines: %d" % sum(c for c, f in counts if f not in KERNEL))
print("kernel TCB lines: %d" % sum(c for c, f in counts if f not in USER))
for c, f in counts:
    tag = "u:" if f in USER else "k:" if f in KERNEL else "  "
    print("%6d  %s %s" % (c, tag, f))
PY

# ---- HOOK (lead): per-filter VC generation + proof check times ----------
# When the tool can time the trusted path itself, append its report.
# The paper's filters: sizes and median VC generation / check times.
if [ -x "$B/pccf" ]; then
	T=$(mktemp -d)
	echo
	printf '%-16s %6s %6s %9s %9s\n' filter code proof vcgen_us check_us
	sh tools/mkpaper.sh "$T"
	for o in "$T"/*.o; do
		n=$(basename "$o" .o)
		"$B/pccf" certify "$o" -o "$T/$n.pcc" || continue
		"$B/pccf" check "$T/$n.pcc" | sed -n \
			's/.*code \([0-9]*\) bytes, proof \([0-9]*\) bytes.*VC gen \([0-9.]*\) us, check \([0-9.]*\) us.*/\1 \2 \3 \4/p' |
			{ read -r c p v k; printf '%-16s %6s %6s %9s %9s\n' "$n" "$c" "$p" "$v" "$k"; }
	done
	rm -rf "$T"
	echo "(median of 21 runs each; 'pccf check' prints the same)"
fi
# -------------------------------------------------------------------------
