#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# rootfs.sh NAME SUITE PACKAGES [LATER] - print the path of a cached
# Debian rootfs, building it first (debootstrap minbase + PACKAGES) when
# this machine has none yet.  NAME tells rootfs kinds apart (sd: the booted
# systemd host; deb13: the Debian 13 callers); PACKAGES is debootstrap's
# comma list.  LATER (comma list) is installed afterwards by apt-get in
# the new root: debootstrap resolves a dependency "a | b" to a even when b
# is listed, and installs its packages in one dpkg call, which cannot
# honour a Pre-Depends inside it (trixie's cron: "systemd |
# systemd-sysusers", and systemd pre-depends on libsystemd-shared).
#
# Runs on the HOST (run-all.sh calls the wrappers before the rigs start:
# inside a rig every host path is read-only).  The cache is $SD_CACHE
# (default /var/cache/pam_jail-tests); each rootfs is named
# NAME-SUITE-KEY, KEY a hash of this script, the suite and the package
# lists, so a change of either builds a new one and the old NAME-SUITE-*
# versions go (other names and suites stay).  A rootfs is only ever a
# read-only lower layer: the tests boot or enter an overlay of it.
#
# Exit 0 and print the path; exit 3 with the reason on stderr when the
# Debian archive cannot be reached (the caller skips, a failure in CI);
# exit 1 on any other error.
set -euo pipefail

[ $# = 3 ] || [ $# = 4 ] ||
	{ echo "usage: rootfs.sh NAME SUITE PACKAGES [LATER]" >&2; exit 1; }
NAME=$1 SUITE=$2 PACKAGES=$3 LATER=${4:-}
MIRROR=${SD_MIRROR:-http://deb.debian.org/debian}

cache=${SD_CACHE:-/var/cache/pam_jail-tests}
key=$( { cat "${BASH_SOURCE[0]}"; echo "$SUITE $PACKAGES $LATER"; } | sha256sum | cut -c1-12)
root=$cache/$NAME-$SUITE-$key

[ "$(id -u)" = 0 ] || { echo "rootfs.sh: must run as root" >&2; exit 1; }
if [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi
command -v debootstrap >/dev/null ||
	{ echo "rootfs.sh: debootstrap is not installed (tests/deps.txt)" >&2; exit 1; }

# install_later ROOT: apt-get install LATER in ROOT, in a mount namespace
# of its own (its /proc goes with it), no daemon started (policy-rc.d).
install_later() {
	printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
	chmod 755 "$1/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- sh -c '
		mount -t proc proc "$1/proc" &&
		chroot "$1" apt-get install -y --no-install-recommends $2' \
		sh "$1" "${LATER//,/ }" </dev/null || return
	rm -f "$1/usr/sbin/policy-rc.d"
	chroot "$1" apt-get clean
}

install -d -m 755 "$cache"
exec 8>"$cache/.lock-$NAME-$SUITE"
flock 8	# two runs at once build it once
if [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi
# Old versions of this kind go: a rootfs is a few hundred MB.
find "$cache" -mindepth 1 -maxdepth 1 -name "$NAME-$SUITE-*" ! -path "$root" \
	-exec rm -rf {} +
tmp=$root.building
rm -rf "$tmp"
log=$cache/debootstrap-$NAME-$SUITE.log
if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" \
	"$MIRROR" >"$log" 2>&1; then
	rm -rf "$tmp"
	if grep -qiE 'Failed getting release file|Could not resolve|unable to connect|Connection refused|Network is unreachable' "$log"; then
		echo "rootfs.sh: the Debian archive $MIRROR cannot be reached ($(grep -m1 -iE 'fail|resolve|connect|unreachable' "$log"))" >&2
		exit 3
	fi
	echo "rootfs.sh: debootstrap $SUITE failed; last lines of $log:" >&2
	tail -n 5 "$log" >&2
	exit 1
fi
if [ -n "$LATER" ] && ! install_later "$tmp" >>"$log" 2>&1; then
	rm -rf "$tmp"
	echo "rootfs.sh: apt-get install $LATER in the new $SUITE root failed; last lines of $log:" >&2
	tail -n 5 "$log" >&2
	exit 1
fi
# Host keys made by openssh-server's postinst belong to the cache; every
# test makes its own on its overlay (ssh-keygen -A).
rm -f "$tmp"/etc/ssh/ssh_host_*
: > "$tmp/.complete"
mv "$tmp" "$root"
echo "$root"
