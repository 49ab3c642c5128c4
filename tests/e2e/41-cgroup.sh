#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 41-cgroup.sh - a jail's own cgroup on a host without systemd (cgroup.h,
# "OWN"): pam_jail makes <v2 mount>/pam_jail/<jail id>, every session of
# the jail is in it, it is the root of the jail's cgroup namespace; the
# limits' controllers are checked (this machine has them on v1: one notice,
# or the refusal with limits_required); and each session's own
# XDG_RUNTIME_DIR in the jail.
# rig: cgroup
# central: the jail has its cgroup pam_jail/<jail id>
# releases: 12 13
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

CG=$RIG_CGROUP_MOUNT/pam_jail
rig_user alice
rig_user bob
rig_jail web alice
rig_jail solo bob
for u in alice bob; do install -d -m 755 "$RIG_JAILS/$u/run" "$RIG_JAILS/$u/run/user"; done
sed -i '/^\[jail:solo\]/a share = session' "$RIG_CONF"
rig_pam_stacks
rig_sshd_start || not_ok "sshd starts"

inside() { rig_ssh "$@" 2>&1; }
hold() { # USER FLAG: a session that stays open until FLAG appears in ~
	rig_ssh "$1" "touch ~/held.$2; while [ ! -e ~/$2 ]; do sleep 0.1; done" \
		>/dev/null 2>&1 &
	rig_wait 10 test -e "/home/$1/held.$2"
}

# --- the jail's cgroup ------------------------------------------------------
is "$(inside alice 'cat /proc/self/cgroup' | grep '^0::')" "0::/" \
	"inside, the jail's cgroup is the root of its cgroup namespace"
hold alice A || not_ok "a first session stays open"
jcg=$(ls -d "$CG"/web-* 2>/dev/null)
like "$jcg" "^$CG/web-[0-9a-f]{16}\$" "the jail has its cgroup pam_jail/<jail id>"
init=$(pgrep -x jail-init | head -1)
is "$(grep '^0::' "/proc/$init/cgroup")" "0::/pam_jail/${jcg##*/}" \
	"jail-init is in it"
is "$(inside alice 'cat /proc/self/cgroup' | grep '^0::')" "0::/" \
	"a second session joining the jail sees 0::/ too"
# all_in_cgroup USER ERE CGROUP: at least one of USER's processes matches
# ERE (pgrep -f) and every one of them is in CGROUP.
all_in_cgroup() {
	local p n=0
	for p in $(pgrep -u "$1" -f "$2"); do
		grep -qx "0::$3" "/proc/$p/cgroup" ||
			{ echo "pid $p is in $(grep '^0::' "/proc/$p/cgroup")"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || { echo "no process of $1 matches $2"; return 1; }
}
check "the session's processes are in the jail's cgroup" \
	all_in_cgroup alice 'while \[ ! -e' "/pam_jail/${jcg##*/}"
check_fails_with "no cgroupfs inside the jail" "cannot access '/sys/fs/cgroup': No such file" \
	inside alice 'ls /sys/fs/cgroup'
touch /home/alice/A
check "the jail ends with its last session" rig_jail_procs_gone 10
check "its cgroup stays for the next login, empty" \
	sh -c "[ -d '$jcg' ] && [ -z \"\$(tr -d '\\n' < '$jcg/cgroup.procs' | tr -d ' ')\" ] || [ ! -d '$jcg' ]"
is "$(inside alice 'cat /proc/self/cgroup' | grep '^0::')" "0::/" \
	"the next login uses it again"

# --- share = session: a cgroup per session; ended ones are swept -------------
hold bob B1 || not_ok "bob's first session stays open"
n1=$(ls -d "$CG"/solo-*.* 2>/dev/null | wc -l)
is "$n1" 1 "share = session: one cgroup for the session (pam_jail/<id>.<pid>)"
touch /home/bob/B1
rig_wait 10 sh -c "! pgrep -u bob -f 'while \\[ ! -e' >/dev/null"
inside bob true >/dev/null
hold bob B2 || not_ok "bob's second session stays open"
is "$(ls -d "$CG"/solo-*.* 2>/dev/null | wc -l)" 1 \
	"a new session sweeps the empty cgroups of ended ones"
touch /home/bob/B2

# --- limits ---------------------------------------------------------------
sed -i '/^\[jail:web\]/a pids_max = 50' "$RIG_CONF"
if grep -qw pids "$RIG_CGROUP_MOUNT/cgroup.controllers"; then
	# a host with pids on cgroup v2: the limit is written and holds
	hold alice P || not_ok "a session with pids_max = 50 stays open"
	is "$(cat "$jcg/pids.max" 2>&1)" 50 "pids_max = 50 is the jail cgroup's pids.max"
	like "$(inside alice 'for i in $(seq 80); do sleep 5 & done 2>&1; wait' 2>&1)" \
		'Resource temporarily unavailable|retry: ' "... and stops the 80 processes of a loop at 50"
	touch /home/alice/P
	rig_wait 10 rig_jail_procs_gone
else
	# this machine: pids is on cgroup v1
	rig_syslog_mark
	inside alice true >/dev/null
	like "$(rig_syslog_grep 'cgroup limits')" \
		'jail web: cgroup limits \(pids.max\) are not applied: this host.s cgroup v2 has no pids controller' \
		"a limit whose controller is not on cgroup v2 is named in one notice"
	sed -i '/^\[jail:web\]/a limits_required = yes' "$RIG_CONF"
	check_refused "limits_required = yes refuses the login then" \
		'no pids controller, and the jail sets limits_required = yes' inside alice true
	like "$(rig_syslog_grep 'limits_required')" 'no pids controller, and the jail sets limits_required = yes' \
		"... saying why in one line"
fi
sed -i '/^limits_required = yes$/d; /^pids_max = 50$/d' "$RIG_CONF"

# --- XDG_RUNTIME_DIR --------------------------------------------------------
is "$(inside alice 'echo $XDG_RUNTIME_DIR; stat -c "%a %U" "$XDG_RUNTIME_DIR"; touch "$XDG_RUNTIME_DIR/sock" && echo writable' | tr '\n' ' ')" \
	"/run/user/$(id -u alice) 700 alice writable " \
	"a jail whose tree has run/user gives each session XDG_RUNTIME_DIR, 0700, the user's"
is "$(inside alice 'ls /run/user')" "$(id -u alice)" "... and only the user's own is there"
check "... on the jail's own tmpfs, not in the tree" \
	sh -c "[ -z \"\$(ls -A '$RIG_JAILS/alice/run/user')\" ]"

check "no jail left" rig_jail_procs_gone 15
done_testing
