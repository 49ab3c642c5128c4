#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/pkg/run.sh - the Debian package, end to end; TAP on stdout.
#
# For Debian 12 and 13: `dpkg-buildpackage -us -uc -b` from a copy of the
# tree (on the host when it is that release, else in a cached rootfs of it
# with the build dependencies), `lintian` (an error or warning fails; each
# override in debian/pam-jail.lintian-overrides says why); then, in a
# clean minbase rootfs of the release holding only the .deb's Depends
# (tests/rig/rootfs.sh), on an overlay entered with private mount, pid,
# net, uts and ipc namespaces and pivot_root (pam_jail refuses a chrooted
# caller): dpkg -i, the autopkgtest debian/tests/login (a real su into a
# jail), and dpkg --purge while a jailed session runs: no jail process and
# nothing of /run/pam_jail may be left, nor the conffile.
#
# Runs on the HOST as root (run-all.sh calls it outside the rigs: building
# writes).  Everything it makes is under one /var/tmp directory, removed
# at the end; rootfs stay cached ($SD_CACHE, see rootfs.sh).  When the
# Debian archive cannot be reached for a rootfs that is not cached yet,
# that release's lines are skips (failures with MUST_WORK=1).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
ROOTFS=$TOP/tests/rig/rootfs.sh
BUILD_DEPS=perl-openssl-defaults,build-essential,debhelper,dpkg-dev,fakeroot,lintian,pkgconf,libpam0g-dev,libcap-dev,libiniparser-dev,libseccomp-dev,libsystemd-dev
N=0 FAILED=0

ok() { N=$((N + 1)); printf 'ok %d - %s\n' "$N" "$1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); printf 'not ok %d - %s\n' "$N" "$1"; }
skip() {
	N=$((N + 1))
	if [ "${MUST_WORK:-0}" = 1 ]; then
		FAILED=$((FAILED + 1))
		printf 'not ok %d - %s # SKIP not allowed: %s\n' "$N" "$1" "$2"
	else
		printf 'ok %d - %s # SKIP %s\n' "$N" "$1" "$2"
	fi
}
diag() { sed 's/^/#   /'; }

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
# A package build sees none of make check's variables (BUILD, MODULE...).
unset BUILD BUILD_ASAN MODULE INIT DRIVER MAKEFLAGS MAKELEVEL MFLAGS
W=$(mktemp -d /var/tmp/pam_jail-pkg.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
tar -C "$TOP" --exclude=./build --exclude=./build-asan --exclude=./build-fuzz \
	--exclude=./.git -cf "$W/src.tar" .

# rootfs NAME SUITE PACKAGES: its path in $R, or a skip/failure (status 1).
rootfs() {
	local rc=0
	R=$("$ROOTFS" "$1" "$2" "$3" 2>"$W/rootfs.err") || rc=$?
	[ "$rc" = 0 ] && return 0
	if [ "$rc" = 3 ]; then
		skip "$4" "$(cat "$W/rootfs.err")"
	else
		not_ok "$4"; diag <"$W/rootfs.err"
	fi
	return 1
}

# enter LOWER DIR SCRIPT: run SCRIPT (a file in DIR) as pid 1's child in an
# overlay of LOWER, with DIR at /pkg, in private namespaces, after
# pivot_root.  The upper layer is DIR/../upper-*; nothing outlives it.
enter() {
	local lower=$1 dir=$2 script=$3 base
	base=$(mktemp -d "$W/ov.XXXXXX")
	mkdir -p "$base/u" "$base/w" "$base/m"
	timeout -k 10 900 unshare --mount --pid --net --uts --ipc --fork --kill-child \
		--propagation private /bin/bash -c '
set -e
b=$1 lower=$2 dir=$3 script=$4
mount -t overlay pkg-ov -o "lowerdir=$lower,upperdir=$b/u,workdir=$b/w" "$b/m"
mkdir -p "$b/m/pkg"
mount --bind "$dir" "$b/m/pkg"
mount -t tmpfs -o mode=755,nosuid pkg-dev "$b/m/dev"
for n in null zero full random urandom tty; do
	: >"$b/m/dev/$n"; mount --bind "/dev/$n" "$b/m/dev/$n"
done
mkdir -p "$b/m/dev/pts" "$b/m/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$b/m/dev/pts"
ln -s pts/ptmx "$b/m/dev/ptmx"
for d in run tmp; do mount -t tmpfs -o mode=755,nosuid "pkg-$d" "$b/m/$d"; done
chmod 1777 "$b/m/tmp"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$b/m/sys"
ip link set lo up	# with the ip of the host, before the pivot
cd "$b/m"
mkdir -p .oldroot
pivot_root . .oldroot
mount -t proc -o nosuid,nodev,noexec proc /proc
umount -l /.oldroot
rmdir /.oldroot
hostname pkgtest
cd /
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8
/bin/bash "/pkg/$script"
' - "$base" "$lower" "$dir" "$script"
}

# build SUITE: the .deb in $W/SUITE/, built and linted.  Status 1 when
# there is none.
build() {
	local suite=$1 out=$W/$1 host
	host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	mkdir -p "$out/src"
	tar -C "$out/src" -xf "$W/src.tar"
	cat >"$out/build.sh" <<-'SH'
		set -e
		cd /pkg/src
		dpkg-buildpackage -us -uc -b >/pkg/build.log 2>&1 ||
			{ tail -n 30 /pkg/build.log; exit 1; }
		lintian --fail-on warning,error -I /pkg/*.changes >/pkg/lintian.log 2>&1 ||
			{ echo lintian:; cat /pkg/lintian.log; exit 2; }
		cat /pkg/lintian.log
	SH
	local rc=0 o
	if [ "$suite" = "$host" ]; then
		o=$(cd "$out" && sed "s|/pkg|$out|g" build.sh | bash 2>&1) || rc=$?
	else
		rootfs "pkgbuild" "$suite" "$BUILD_DEPS" "Debian $suite: a build rootfs" || return 1
		o=$(enter "$R" "$out" build.sh 2>&1) || rc=$?
	fi
	if [ "$rc" = 1 ] || ! ls "$out"/pam-jail_*.deb >/dev/null 2>&1; then
		not_ok "Debian $suite: dpkg-buildpackage -us -uc -b builds pam-jail"
		diag <<<"$o"
		return 1
	fi
	ok "Debian $suite: dpkg-buildpackage -us -uc -b builds pam-jail$([ "$suite" = "$host" ] && echo ' (the host)')"
	if [ "$rc" = 0 ]; then
		ok "Debian $suite: lintian finds no error or warning"
	else
		not_ok "Debian $suite: lintian finds no error or warning"
	fi
	grep -E '^[EWIP]: ' "$out/lintian.log" 2>/dev/null | diag
	return 0
}

# The .deb's Depends as debootstrap's --include list (first alternative).
depends_of() {
	dpkg-deb -f "$1" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g' |
		grep -v '^$' | sort -u | paste -sd, -
}

# install SUITE: dpkg -i in a clean rootfs, the autopkgtest, a purge.
install_test() {
	local suite=$1 out=$W/$1 deb o rc=0
	deb=$(ls "$out"/pam-jail_*.deb | head -n 1)
	rootfs "pkgrun" "$suite" "$(depends_of "$deb"),login,passwd,util-linux,procps" \
		"Debian $suite: a clean rootfs to install into" || return 1
	mkdir -p "$out/tests"
	cp "$TOP/debian/tests/login" "$out/tests/login"
	cat >"$out/install.sh" <<-'SH'
		set -u
		step() { echo "### $*"; }
		step install
		dpkg -i /pkg/pam-jail_*.deb || exit 11
		step autopkgtest
		/pkg/tests/login || exit 12
		step purge
		user=pjtest	# the autopkgtest made the user and the tree
		printf '[jail:apt]\nroot = /srv/jails/%%u\nbind_ro = /usr\nbind_rw = %%h\n[user:%s]\njail = apt\n' \
			"$user" >/etc/security/pam_jail.d/50-purge.conf
		echo "session required pam_jail.so" >>/etc/pam.d/su
		su "$user" -c 'sleep 300' </dev/null >/dev/null 2>&1 &
		su_pid=$!
		for i in $(seq 100); do pgrep -x jail-init >/dev/null && break; sleep 0.1; done
		pgrep -x jail-init >/dev/null || { echo "no jail running"; exit 13; }
		sed -i '/pam_jail\.so/d' /etc/pam.d/su
		dpkg --purge pam-jail || exit 14
		for i in $(seq 50); do kill -0 "$su_pid" 2>/dev/null || break; sleep 0.1; done
		left=$(pgrep -a -x 'jail-init|sleep')
		[ -z "$left" ] || { echo "left running: $left"; exit 15; }
		[ ! -e /run/pam_jail ] || { ls -la /run/pam_jail; exit 16; }
		[ ! -e /etc/security/pam_jail.conf ] || exit 17
		[ ! -e /usr/sbin/jailctl ] || exit 18
		echo purged
	SH
	o=$(enter "$R" "$out" install.sh 2>&1) || rc=$?
	case $rc in
	11) not_ok "Debian $suite: dpkg -i installs the .deb in a clean rootfs" ;;
	12) ok "Debian $suite: dpkg -i installs the .deb in a clean rootfs"
	    not_ok "Debian $suite: the autopkgtest logs a user into a jail (su)" ;;
	0|1[3-8])
	    ok "Debian $suite: dpkg -i installs the .deb in a clean rootfs"
	    ok "Debian $suite: the autopkgtest logs a user into a jail (su)"
	    if [ "$rc" = 0 ]; then
		ok "Debian $suite: purge with a jailed session running leaves no jail, no /run/pam_jail, no conffile"
	    else
		not_ok "Debian $suite: purge with a jailed session running leaves no jail, no /run/pam_jail, no conffile (step $rc)"
	    fi ;;
	*) not_ok "Debian $suite: install test (exit $rc)" ;;
	esac
	[ "$rc" = 0 ] || diag <<<"$o"
	[ "$rc" != 0 ] || grep -E '^(PASS|== su)' <<<"$o" | diag
}

for suite in bookworm trixie; do
	if build "$suite"; then
		install_test "$suite"
	fi
done
echo "# tests/pkg/run.sh: ${SECONDS}s"
echo "1..$N"
[ "$FAILED" = 0 ]
