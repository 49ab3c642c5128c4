#!/bin/bash
# sd-rootfs.sh - print the path of a Debian rootfs that boots systemd, for
# the systemd-host tests (tests/e2e/70-systemd.sh), building it first when
# this machine has none yet.
#
# Runs on the HOST (run-all.sh calls it before the rigs start: inside a rig
# every host path is read-only).  The rootfs is debootstrap's minbase plus
# the packages below, kept as a cache in $SD_CACHE (default
# /var/cache/pam_jail-tests), named after a hash of this script so a change
# of the package list builds a new one.  It is only ever a read-only lower
# layer: every test run boots an overlay of it that vanishes with its rig.
#
# Exit 0 and print the path; exit 3 with the reason on stderr when the
# Debian archive cannot be reached (the caller skips, a failure in CI);
# exit 1 on any other error.
set -euo pipefail

SUITE=bookworm
MIRROR=${SD_MIRROR:-http://deb.debian.org/debian}
PACKAGES=systemd,systemd-sysv,dbus,libpam-systemd,openssh-server,openssh-client,cron,libiniparser1,libseccomp2,libcap2,procps,iproute2,psmisc

cache=${SD_CACHE:-/var/cache/pam_jail-tests}
key=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
root=$cache/sd-rootfs-$SUITE-$key

[ "$(id -u)" = 0 ] || { echo "sd-rootfs.sh: must run as root" >&2; exit 1; }
if [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi
command -v debootstrap >/dev/null ||
	{ echo "sd-rootfs.sh: debootstrap is not installed (tests/deps.txt)" >&2; exit 1; }

install -d -m 755 "$cache"
exec 8>"$cache/.lock"
flock 8	# two runs at once build it once
if [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi
# Old versions of the cache go: a rootfs is 270 MB.
find "$cache" -mindepth 1 -maxdepth 1 -name 'sd-rootfs-*' ! -path "$root" \
	-exec rm -rf {} +
tmp=$root.building
rm -rf "$tmp"
log=$cache/debootstrap.log
if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" \
	"$MIRROR" >"$log" 2>&1; then
	rm -rf "$tmp"
	if grep -qiE 'Failed getting release file|Could not resolve|unable to connect|Connection refused|Network is unreachable' "$log"; then
		echo "sd-rootfs.sh: the Debian archive $MIRROR cannot be reached ($(grep -m1 -iE 'fail|resolve|connect|unreachable' "$log"))" >&2
		exit 3
	fi
	echo "sd-rootfs.sh: debootstrap failed; last lines of $log:" >&2
	tail -n 5 "$log" >&2
	exit 1
fi
# The host keys debootstrap's openssh-server made are the cache's; every
# boot makes its own (the test's boot does ssh-keygen -A on the overlay).
rm -f "$tmp"/etc/ssh/ssh_host_*
: > "$tmp/.complete"
mv "$tmp" "$root"
echo "$root"
