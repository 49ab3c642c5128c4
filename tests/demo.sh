#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# demo.sh - `make demo`: log into a jail over ssh, in a throwaway rig.
#
# Installs what tests/deps.txt lists and is missing, then, inside
# tests/rig/isolate.sh (nothing of the host changes): makes user `demo`
# with a jail, puts pam_jail last in Debian's stacks, starts a real sshd
# and logs in over ssh to show what the jail sees.  With a terminal, it
# then leaves you at the jailed shell (`exit` ends it, and the rig).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")

outside() {
	[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (make demo)" >&2; exit 1; }
	"$HERE/install-deps.sh" --missing
	export MODULE=${MODULE:-$TOP/build/pam_jail.so}
	export INIT=${INIT:-$TOP/build/jail-init}
	if [ ! -f "$MODULE" ] || [ ! -f "$INIT" ]; then
		echo "demo.sh: $MODULE or $INIT missing: run make first" >&2
		exit 1
	fi
	exec "$HERE/rig/isolate.sh" "$HERE/demo.sh" --inside
}

# show CMD: print the command, run it in demo's jail over ssh.  stdin is
# /dev/null so ssh does not eat what is typed at the terminal.
show() {
	if [ -t 1 ]; then
		printf '\n\033[1mdemo@jail$ %s\033[0m\n' "$*"
	else
		printf '\ndemo@jail$ %s\n' "$*"
	fi
	rig_ssh demo "$@" </dev/null 2>&1 || true
}

inside() {
	# shellcheck source=lib.sh
	. "$HERE/lib.sh"
	echo "== a throwaway rig: its own /etc, /home, /srv, network and sshd"
	rig_user demo
	rig_jail demo demo
	rig_pam_stacks
	rig_sshd_start
	echo "== user demo logs in over ssh; pam_jail puts the session in /srv/jails/demo"
	show ls /
	show ps -e
	show id
	show hostname
	show grep Cap /proc/self/status
	show cat /etc/shadow
	show ip -o addr
	echo
	grep 'pam_jail(sshd:session): jail opened' "$RIG_SYSLOG" | tail -n 1 |
		sed 's/^/syslog: /'
	if [ -t 0 ] && [ -t 1 ]; then
		printf '\n== your jailed shell: try ls /, ps -e, cat /etc/passwd; exit to leave\n'
		rig_ssh_pty demo || true
	fi
	echo "== done; the rig and everything in it vanish now"
}

if [ "${1:-}" = --inside ]; then inside; else outside; fi
