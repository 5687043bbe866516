#!/bin/sh
# deps.sh - install the Debian 12 packages that pccf's build and tests need.
#
# Quiet and fast when everything is present (one dpkg-query).  As root it
# runs 'apt-get update' only when something is missing, then installs the
# missing packages; as another user it prints the exact command and exits 1.
# POSIX sh: the README runs it as 'sh tools/deps.sh'.
set -eu

# What the build, the tests, the demo and the plots need today.
PKGS="build-essential clang clang-format libpcap-dev libcunit1-dev
libzydis-dev tcpdump gnuplot-nox python3 coq"

# The safe-Rust baseline (bpf-baseline/rust) uses the machine's rustc when
# there is one, else Debian's.  The QEMU kernel test installs its own
# packages (tools/deps-kernel.sh: qemu-system-x86, busybox-static,
# linux-headers-amd64 and the matching kernel image, unpacked).
EXTRA_PKGS=""
command -v rustc >/dev/null 2>&1 || EXTRA_PKGS="$EXTRA_PKGS rustc"

# missing - print the packages of "$@" that dpkg does not report installed.
missing() {
	# One dpkg-query for all; unknown packages print nothing on stdout.
	installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" \
		2>/dev/null | awk '$2 == "ii" { sub(/:.*/, "", $1); printf " %s", $1 }')
	for p in "$@"; do
		case "$installed " in
		*" $p "*) ;;
		*) printf '%s\n' "$p" ;;
		esac
	done
}

# shellcheck disable=SC2086 # word splitting of the package lists is wanted
need=$(missing $PKGS $EXTRA_PKGS | tr '\n' ' ')
need=${need% }
[ -z "$need" ] && exit 0

cmd="DEBIAN_FRONTEND=noninteractive apt-get install -y $need"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: $need" >&2
	echo "deps.sh: run as root:" >&2
	echo "apt-get update && $cmd"
	exit 1
fi

echo "deps.sh: installing $need" >&2
apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y $need
