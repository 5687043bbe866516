#!/bin/sh
# deps-kernel.sh BUILD_DIR - what the kernel-module test under QEMU needs.
#
# Installs (as root, only when missing) qemu-system-x86, linux-headers-amd64,
# busybox-static and cpio; then fetches the linux-image .deb that matches the
# installed headers with 'apt-get download' into BUILD_DIR/kernel-image/ and
# unpacks it there with 'dpkg -x' (nothing is installed, no initramfs hooks
# run; only boot/ is kept).  Prints two lines on stdout for the caller:
#   KVER=<version, e.g. 6.1.0-56-amd64>
#   VMLINUZ=<path to the unpacked kernel image>
# Quiet on stderr when everything is present.  POSIX sh.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh tools/deps-kernel.sh BUILD_DIR" >&2
	exit 2
fi
B=$1
PKGS="qemu-system-x86 linux-headers-amd64 busybox-static cpio"

# missing - the packages of "$@" that dpkg does not report installed.
missing() {
	installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" \
		2>/dev/null | awk '$2 == "ii" { sub(/:.*/, "", $1); printf " %s", $1 }')
	for p in "$@"; do
		case "$installed " in
		*" $p "*) ;;
		*) printf '%s\n' "$p" ;;
		esac
	done
}

# shellcheck disable=SC2086 # word splitting wanted
need=$(missing $PKGS | tr '\n' ' ')
need=${need% }
if [ -n "$need" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps-kernel.sh: missing packages: $need; run as root:" >&2
		echo "apt-get update && apt-get install -y --no-install-recommends $need" >&2
		exit 1
	fi
	echo "deps-kernel.sh: installing $need" >&2
	apt-get update >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need >&2
fi

# The versioned headers package the metapackage depends on names the kernel.
hdr=$(dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
	tr ',' '\n' | sed -n 's/^ *\(linux-headers-[0-9][^ ]*\).*/\1/p' | head -n 1)
if [ -z "$hdr" ]; then
	echo "deps-kernel.sh: cannot find the versioned headers package" >&2
	exit 1
fi
kver=${hdr#linux-headers-}
if [ ! -d "/usr/src/$hdr" ]; then
	echo "deps-kernel.sh: /usr/src/$hdr is missing" >&2
	exit 1
fi
hver=$(dpkg-query -W -f='${Version}' "$hdr")
img=linux-image-$kver
dir=$B/kernel-image
vmlinuz=$dir/root/boot/vmlinuz-$kver

if [ ! -f "$vmlinuz" ] || [ "$(cat "$dir/version" 2>/dev/null)" != "$img $hver" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "deps-kernel.sh: fetching $img $hver" >&2
	# apt-get download drops privileges to _apt: let it write there.
	chmod 777 "$dir"
	if ! (cd "$dir" && apt-get download -q "$img=$hver" >&2); then
		[ "$(id -u)" -eq 0 ] || {
			echo "deps-kernel.sh: cannot download $img=$hver" >&2
			exit 1
		}
		apt-get update >&2
		(cd "$dir" && apt-get download -q "$img=$hver" >&2)
	fi
	deb=$(find "$dir" -maxdepth 1 -name '*.deb' | head -n 1)
	[ -n "$deb" ] || { echo "deps-kernel.sh: no .deb for $img" >&2; exit 1; }
	chmod 755 "$dir"
	dpkg -x "$deb" "$dir/root"
	# only boot/vmlinuz-* is needed: drop the 400 MB of modules
	find "$dir/root" -mindepth 1 -maxdepth 1 ! -name boot -exec rm -rf {} +
	rm -f "$deb"
	echo "$img $hver" >"$dir/version"
fi
[ -f "$vmlinuz" ] || { echo "deps-kernel.sh: $vmlinuz missing" >&2; exit 1; }
echo "KVER=$kver"
echo "VMLINUZ=$vmlinuz"
