#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 05-install.sh - `make install DESTDIR=...` puts exactly the expected files
# with the expected modes, never overwrites an existing config, and
# `make uninstall` leaves no file behind (keeping a changed config).
# make runs on the tree as the rig sees it (read-only): the build must be
# up to date, which `make check` sees to.
# central: exactly the module and its core, jail-init, jailctl
# releases: 12 (make install is the same on 13; its rootfs has no man-db)
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_assert_inside

top=${RIG_TOP:-}
build=${BUILD:-$top/build}
if [ -z "$top" ] || ! command -v make >/dev/null; then
	skip "no RIG_TOP or no make" "05-install.sh: make install"
	done_testing
	exit
fi
mk() { make -s -C "$top" BUILD="$build" "$@"; }
if ! mk -q "$build/pam_jail.so" "$build/jail-init" "$build/jailctl" 2>/dev/null; then
	skip "the build in $build is not up to date (make all first)" \
		"05-install.sh: make install"
	done_testing
	exit
fi

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null)
d=$RIG_DIR/destdir
files() { (cd "$d" && find . -type f -printf '%P %m\n' | sort); }
dirs() { (cd "$d" && find . -type d -printf '%P %m\n' | sort); }

res=$(mk install DESTDIR="$d" 2>&1)
is "$?" 0 "make install DESTDIR=... succeeds" || diag "$res"
is "$(files)" "$(printf '%s\n' \
	"etc/security/pam_jail.conf 644" \
	"lib/$multiarch/security/pam_jail-core.so 644" \
	"lib/$multiarch/security/pam_jail.so 644" \
	"usr/lib/systemd/system/user@.service.d/pam_jail.conf 644" \
	"usr/libexec/pam_jail/jail-init 755" \
	"usr/sbin/jailctl 755" \
	"usr/share/man/man5/pam_jail.conf.5 644" \
	"usr/share/man/man8/jailctl.8 644" \
	"usr/share/man/man8/pam_jail.8 644")" \
	"exactly the module and its core, jail-init, jailctl, the example config, the user@.service drop-in and three man pages, with their modes"
like "$(dirs)" '^etc/security/pam_jail.d 755$' "an empty drop-in directory, 0755"
is "$(find "$d" ! -user root -o ! -group root)" "" "everything root:root"
cmp -s "$top/conf/pam_jail.conf" "$d/etc/security/pam_jail.conf"
is "$?" 0 "the config is the example"
check "the installed jailctl runs" "$d/usr/sbin/jailctl" --help
res=$("$d/usr/sbin/jailctl" --conf "$d/etc/security/pam_jail.conf" check --pamdir "$d/etc" 2>&1)
rc=$?
# It must run to its summary: a crash or a silent exit has no error line
# either.  Status 1 is expected: the example's jail trees are not in the rig
# (jailctl(8): 0 ok, 1 problems, 3 warnings only).
like "$rc $(printf '%s\n' "$res" | tail -n 1)" \
	'^(0 jailctl check: ok|1 jailctl check: [0-9]+ problems? found|3 jailctl check: works, with [0-9]+ warnings?) \([0-9]+ files?, [0-9]+ jails?, [0-9]+ PAM stacks? with pam_jail\)$' \
	"jailctl check on the installed example runs to its summary line" || diag "$res"
unlike "$res" 'pam_jail\.conf:[0-9]+:' "the installed example config has no error (jailctl check)" ||
	diag "$res"
for m in man5/pam_jail.conf.5 man8/pam_jail.8 man8/jailctl.8; do
	w=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$d/usr/share/man/$m" 2>&1 >/dev/null)
	is "$w" "" "the installed $m renders without a warning"
done
like "$(MANWIDTH=80 man -l "$d/usr/share/man/man8/jailctl.8" 2>/dev/null)" 'create USER\|JAIL' \
	"jailctl(8) reads as a man page"

# An admin's config is never overwritten, and survives uninstall.
printf '; mine\n' >>"$d/etc/security/pam_jail.conf"
before=$(sha256sum <"$d/etc/security/pam_jail.conf")
mk install DESTDIR="$d" >/dev/null 2>&1
is "$(sha256sum <"$d/etc/security/pam_jail.conf")" "$before" \
	"a second make install keeps the existing config"
res=$(mk uninstall DESTDIR="$d" 2>&1)
is "$(files)" "etc/security/pam_jail.conf 644" "make uninstall keeps a changed config"
like "$res" 'keeping .*pam_jail.conf' "... and says so"

# The untouched example goes with everything else.
rm -rf "$d"
mk install DESTDIR="$d" >/dev/null 2>&1
res=$(mk uninstall DESTDIR="$d" 2>&1)
is "$?" 0 "make uninstall succeeds" || diag "$res"
is "$(files)" "" "make uninstall leaves no file behind"
is "$(find "$d" -name 'pam_jail*' -o -name 'user@.service.d')" "" "... nor pam_jail's own directories"

done_testing
