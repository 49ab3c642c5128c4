#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# host-unchanged.sh - the rig cannot change the machine, even when killed.
#
# Runs on the HOST (run-all.sh calls it outside any rig), as root:
#   host-unchanged.sh                 the test: snapshot; a rig that adds
#                                     users, rewrites pam.d, starts sshd and
#                                     is SIGKILLed mid-run; a rig that exits
#                                     normally; after each, the snapshot
#                                     matches and no rig process is left.
#   host-unchanged.sh snapshot FILE   write the host snapshot to FILE
#   host-unchanged.sh compare FILE    one TAP line: host still matches FILE
# (--payload MODE is what runs inside the rig.)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# ------------------------------------------------------------- snapshot --

# What a broken rig would damage: accounts, PAM stacks, the jail config,
# homes, logs of logins, the hostname, the mount table, the network.
# Mountinfo keeps everything but the mount/parent ids; devices' counters
# are left out of `ip link`.
snapshot() {
	local f
	for f in /etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/subuid \
		/etc/subgid /etc/hostname /etc/ssh/sshd_config /etc/pam.d/* \
		/etc/security/* /var/log/wtmp /var/log/btmp /var/log/lastlog \
		/var/log/faillog; do
		[ -f "$f" ] && sha256sum "$f"
	done
	ls -la --time-style=full-iso /home /srv /etc/pam.d /etc/security \
		/var/mail /var/spool/cron/crontabs 2>&1
	echo "hostname: $(hostname)"
	cut -d' ' -f3- /proc/self/mountinfo | sort
	ip -o link | sed 's/ qlen.*//'
	# cgroups a rig ("# rig: cgroup") or a jail made and left behind
	local m
	for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		[ "$(stat -f -c %T "$m" 2>/dev/null)" = cgroup2fs ] &&
			find "$m" -maxdepth 2 -type d -name 'pam_jail*' | sort
	done
	# A leftover user of the rig would show here even if the files
	# matched (e.g. an nscd cache).
	getent passwd | cut -d: -f1 | sort | tr '\n' ' '
	echo
}

compare() {
	local diffs
	if diffs=$(diff -u "$1" <(snapshot) 2>&1); then
		ok "${2:-the host is unchanged}"
	else
		not_ok "${2:-the host is unchanged}" "$diffs"
	fi
}

# ---------------------------------------------------- inside the rig --

# The rig does everything a test does to a machine, and then either waits
# to be killed or exits.
payload() {
	local s
	rig_user hu_alice
	rig_user hu_bob 2345
	rig_group hu_jailed hu_alice
	rig_jail web hu_alice
	rig_pam_plain
	for s in $RIG_PAM_SERVICES common-session common-auth; do
		echo "session optional pam_permit.so # host-unchanged probe" \
			>>"/etc/pam.d/$s"
	done
	echo "probe" >/etc/security/host-unchanged-probe
	hostname hu-probe
	rig_sshd_start >&2 || echo "payload: sshd did not start" >&2
	rig_ssh hu_alice true >&2 || echo "payload: ssh failed" >&2
	echo READY
	if [ "$1" = kill ]; then
		sleep 300
	fi
}

# ----------------------------------------------------------- the test --

# start_rig MODE: the rig in the background; sets RIG_PID (unshare's pid,
# since isolate.sh execs it) and OUT (the payload's stdout).
start_rig() {
	OUT=$TMP/payload.$1
	"$HERE/rig/isolate.sh" "$HERE/host-unchanged.sh" --payload "$1" \
		>"$OUT" 2>"$OUT.err" </dev/null &
	RIG_PID=$!
}

# The rig's namespaces, read from its pid 1 (the child of unshare).
rig_ns() {
	local kids
	# "PID " with no newline: read(1) would report EOF as failure.
	kids=$(cat "/proc/$RIG_PID/task/$RIG_PID/children") || return 1
	RIG_PID1=${kids%% *}
	RIG_MNTNS=$(readlink "/proc/$RIG_PID1/ns/mnt") &&
		RIG_PIDNS=$(readlink "/proc/$RIG_PID1/ns/pid") &&
		[ -n "$RIG_MNTNS" ] && [ -n "$RIG_PIDNS" ]
}

# Processes still in the rig's mount or pid namespace, plus the rig's pid 1
# if it still exists (a zombie has no namespace links left to read).
leftovers() {
	local p
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/ns/mnt" 2>/dev/null) $(readlink "$p/ns/pid" 2>/dev/null)" in
		"$RIG_MNTNS "* | *" $RIG_PIDNS")
			printf '%s %s\n' "${p#/proc/}" "$(tr '\0' ' ' <"$p/cmdline")" ;;
		esac
	done
	[ ! -e "/proc/$RIG_PID1" ] || printf '%s (the rig pid 1) %s\n' "$RIG_PID1" \
		"$(grep State: "/proc/$RIG_PID1/status" 2>/dev/null)"
}

no_leftovers() {
	[ -z "$(leftovers)" ]
}

wait_ready() {
	rig_wait 60 grep -qx READY "$OUT"
}

# A rig killed with SIGKILL (unshare itself) in the middle of its work.
test_killed() {
	start_rig kill
	if ! wait_ready; then
		not_ok "killed rig: payload got ready" "$(cat "$OUT" "$OUT.err")"
		kill -9 "$RIG_PID" 2>/dev/null
		wait "$RIG_PID"
		return
	fi
	ok "killed rig: payload added users, rewrote pam.d, started sshd"
	local known=1
	rig_ns || { not_ok "killed rig: its namespaces can be read"; known=0; }
	compare "$SNAP" "while the rig runs, the host is unchanged"
	# The detector must see the live rig, or its "nothing left" means nothing.
	like "$(leftovers)" 'sshd' "the leftover probe sees the running rig's sshd"
	kill -9 "$RIG_PID"
	wait "$RIG_PID" 2>/dev/null
	if [ "$known" = 0 ]; then
		skip "the rig's namespaces are unknown" "killed rig: no process is left"
	elif rig_wait 10 no_leftovers; then
		ok "killed rig: no process is left"
	else
		not_ok "killed rig: no process is left" "$(leftovers)"
	fi
	compare "$SNAP" "after kill -9 of the rig, the host is unchanged"
}

# The same work, ending normally.
test_normal() {
	local rc=0
	start_rig exit
	wait "$RIG_PID" || rc=$?
	is "$rc" 0 "normal rig: payload ran and exited 0" || diag "$(cat "$OUT" "$OUT.err")"
	like "$(cat "$OUT")" '^READY$' "normal rig: payload reached its end"
	compare "$SNAP" "after a normal rig run, the host is unchanged"
}

# The safety net itself: a write outside the rig's tmpfs fails (EROFS).
test_readonly() {
	local probe=/var/lib/pam_jail-rig-probe.$$
	if "$HERE/rig/isolate.sh" /bin/sh -c "echo x > $probe" >/dev/null 2>&1; then
		not_ok "the rig refuses a write to the host's /var/lib"
	else
		ok "the rig refuses a write to the host's /var/lib"
	fi
	if [ -e "$probe" ]; then
		not_ok "no probe file reached the host" "$probe exists"
		rm -f "$probe"
	else
		ok "no probe file reached the host"
	fi
	# A cwd inherited from the host names a directory the rig's /tmp
	# hides; writing through it must fail too.
	( cd "$TMP" && "$HERE/rig/isolate.sh" /bin/sh -c 'echo x > ./cwd-probe' ) >/dev/null 2>&1
	if [ -e "$TMP/cwd-probe" ]; then
		not_ok "a write through a cwd inherited from the host does not land"
	else
		ok "a write through a cwd inherited from the host does not land"
	fi
}

main() {
	[ "$(id -u)" = 0 ] || { skip "needs root" "host-unchanged"; return; }
	# Killed rigs' pid 1 must be reaped by us, not left to the machine's
	# pid 1 (rig-notes): be a subreaper.
	if [ "${RIG_SUBREAPER:-}" != "$$" ]; then
		exec "$HERE/rig/subreaper" /bin/bash "$HERE/host-unchanged.sh"
	fi
	TMP=$(mktemp -d /tmp/pam_jail-host-unchanged.XXXXXX) || exit 1
	trap 'rm -rf "$TMP"' EXIT
	SNAP=$TMP/before
	snapshot >"$SNAP"
	test_killed
	test_normal
	test_readonly
	done_testing
}

case "${1:-}" in
snapshot) snapshot >"$2" ;;
compare) compare "$2" && done_testing ;;
--payload) set -e; payload "$2" ;;
*) main ;;
esac
