#!/bin/bash
# install-deps.sh [--missing] - install every package in tests/deps.txt.
#
# With --missing, only what dpkg says is not installed (and nothing at all
# when the list is complete: `make demo` on a ready machine needs no
# network).  Installing openssh-server or cron on a machine without systemd
# would start their daemons on the host: a policy-rc.d that exits 101 is in
# place during the install (and removed after, if we put it there).
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

no_daemons() {
	[ ! -e "$POLICY" ] || return 0
	printf '#!/bin/sh\n# tests/install-deps.sh: start no daemon while installing\nexit 101\n' >"$POLICY"
	chmod 755 "$POLICY"
	trap 'rm -f "$POLICY"' EXIT
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
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${want[@]}"
}

main "$@"
