#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# install-deps.sh [--missing] - install every package in tests/deps.txt.
#
# With --missing, only what dpkg says is not installed (and nothing at all
# when the list is complete: `make demo` on a ready machine needs no
# network).  Installing openssh-server or cron on a machine without systemd
# would start their daemons on the host: a policy-rc.d that exits 101 is in
# place during the install (and removed after, if we put it there).
#
# The directory packages (slapd, sssd, libnss-sss, libpam-sss) change how the
# host itself logs in: libnss-sss adds "sss" to /etc/nsswitch.conf,
# libpam-sss runs pam-auth-update (pam_sss in common-*), sssd and slapd get
# boot links, slapd's postinst would make a database.  The tests run those
# daemons inside the rig only, so: slapd is preseeded to configure nothing,
# nsswitch.conf and /etc/pam.d/common-* are restored byte for byte after the
# install (and sss dropped from pam-auth-update's choices), and the boot
# links are disabled.  Other rigs copy the host's /etc: it must not change.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POLICY=/usr/sbin/policy-rc.d

packages() {
	sed 's/#.*//' "$HERE/deps.txt" | awk 'NF { print $1 }'
}

missing() {
	local p
	for p in $(packages); do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

CLEANUP=()
cleanup() {
	local c
	for c in "${CLEANUP[@]}"; do eval "$c" || true; done
}
trap cleanup EXIT

no_daemons() {
	[ ! -e "$POLICY" ] || return 0
	printf '#!/bin/sh\n# tests/install-deps.sh: start no daemon while installing\nexit 101\n' >"$POLICY"
	chmod 755 "$POLICY"
	CLEANUP+=('rm -f "$POLICY"')
}

# The host's NSS and PAM configuration, as it was before the install; put
# back on exit whatever the packages' scripts did (even a failed install).
HOST_AUTH_SAVED=
keep_host_auth() {
	local f
	HOST_AUTH_SAVED=$(mktemp -d /tmp/install-deps.XXXXXX)
	mkdir -p "$HOST_AUTH_SAVED/etc/pam.d"
	for f in /etc/nsswitch.conf /etc/pam.d/common-*; do
		[ ! -f "$f" ] || cp -a "$f" "$HOST_AUTH_SAVED$f"
	done
	CLEANUP=('restore_host_auth' "${CLEANUP[@]}")
}

restore_host_auth() {
	[ -n "$HOST_AUTH_SAVED" ] || return 0
	# pam-auth-update remembers the profiles it enabled: forget sss so a
	# later run on the host does not bring pam_sss back
	if command -v pam-auth-update >/dev/null && [ -e /usr/share/pam-configs/sss ]; then
		DEBIAN_FRONTEND=noninteractive pam-auth-update --package --remove sss || true
	fi
	cp -a "$HOST_AUTH_SAVED/etc/." /etc/
	rm -rf "$HOST_AUTH_SAVED"
	HOST_AUTH_SAVED=
}

# Directory daemons never start at boot on the host: the rig runs them.
no_boot_links() {
	local s
	for s in slapd sssd nslcd; do
		if [ -e "/etc/init.d/$s" ]; then
			update-rc.d "$s" disable >/dev/null 2>&1 || true
		fi
		if command -v systemctl >/dev/null && [ -e "/lib/systemd/system/$s.service" ]; then
			systemctl disable "$s.service" >/dev/null 2>&1 || true
		fi
	done
}

# slapd's postinst would otherwise make a database for the host's domain.
preseed() {
	command -v debconf-set-selections >/dev/null || return 0
	echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
}

main() {
	local -a want
	if [ "${1:-}" = --missing ]; then
		mapfile -t want < <(missing)
	else
		mapfile -t want < <(packages)
	fi
	[ "${#want[@]}" -gt 0 ] || return 0
	[ "$(id -u)" = 0 ] || { echo "install-deps.sh: as root, please: ${want[*]}" >&2; return 1; }
	echo "install-deps.sh: installing ${want[*]}"
	no_daemons
	keep_host_auth
	preseed
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${want[@]}"
	no_boot_links
}

main "$@"
