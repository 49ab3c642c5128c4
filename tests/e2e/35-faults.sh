#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 35-faults.sh - every step of building or entering a jail can fail, and
# each failure refuses the login cleanly: tests/fault/faultshim.so (an
# LD_PRELOAD shim, test-only) first traces the system and library calls
# pam_jail.so makes during a login, then fails each one in turn with EIO.
# For every step: the session is refused (the driver exits 254 as sshd
# would), the user's command never runs, one syslog line from pam_jail names
# the failure, and no process or mount is left behind.  The rig has a
# writable cgroup v2 of its own, so the jail's cgroup (cgroup.h, "OWN") is
# made and entered at every login, and each of those steps fails too.
# Runs a second time under ASan+UBSan with LeakSanitizer (tests/run-all.sh):
# a failure path that leaks makes the driver abort, not exit 254.
# rig: cgroup
# central: build: all 
# releases: 12 (the module's own failure paths, the same on 13; CI time)
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module
rig_need cc "the fault shim is compiled by the test" || { done_testing; exit; }

SHIM=$RIG_DIR/faultshim.so
# Under ASan the shim is preloaded ahead of the sanitizer's runtime, which
# ASan refuses unless told that the order is meant.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cc -std=gnu11 -O2 -fPIC -shared -o "$SHIM" "$RIG_TOP/tests/fault/faultshim.c" -ldl ||
	not_ok "the fault shim builds"
rig_user alice
rig_jail web alice
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$RIG_CONF" "$INIT" | rig_pam_service faulttest
rig_mounts_snapshot "$RIG_DIR/mounts.before"

# Steps of the jail's pid 1 after its pivot: it closes every fd it does not
# hand to jail-init, the trace file too, so they are listed here (ns.c
# init_main: jc_privs_drop, the filter, the exec).  Pid 1 shares the
# caller's memory, the shim's counters too, and libcap's prctl calls are
# counted: prctl 1-41 drop the bounding set (cap 0-40), 42 is
# PR_CAP_AMBIENT_CLEAR_ALL, 43 libcap's securebits, 44 PR_SET_NO_NEW_PRIVS,
# 45-46 the filter's PR_GET_NO_NEW_PRIVS and PR_SET_SECCOMP.
INIT_TAIL="cap_drop_bound:1:child prctl:2:child prctl:42:child cap_set_proc:1:child
cap_set_secbits:1:child prctl:43:child cap_set_proc:2:child prctl:44:child prctl:45:child
prctl:46:child execveat:1:child"

# What the syslog line must say for a failing call, beyond the errno.
keyword() {
	case $1 in
	openat2) echo 'srv/jails/alice|/proc|mount point' ;;
	pivot_root) echo 'pivot_root' ;;
	umount2) echo 'detach old root' ;;
	mknodat) echo 'mknod' ;;
	mkdirat) echo 'mkdir' ;;
	symlinkat) echo 'symlink' ;;
	execveat) echo 'exec jail-init' ;;
	cap_drop_bound) echo 'bounding set' ;;
	cap_set_secbits) echo 'securebits' ;;
	# libcap's bounding, securebits and ambient calls are prctl()s too
	prctl) echo 'PR_SET|PDEATHSIG|bounding set|securebits|ambient|no_new_privs|seccomp' ;;
	move_mount) echo 'move_mount|mask /proc|read-only /proc' ;;
	seccomp_load) echo 'seccomp' ;;
	write) echo 'writ' ;;
	bind) echo 'bind|listen' ;;
	fork) echo 'fork' ;;
	setns) echo 'setns' ;;
	mount) echo 'slave' ;;
	*) echo "$1" ;;
	esac
}

# steps TRACEFILE: the distinct FUNC:COUNT:ROLE of a trace.
steps() { awk '{print $1 ":" $2 ":" $3}' "$1" | sort -u; }

walk() { # LABEL STEPS... : fail each step of a login
	local label=$1 st func line rc n=0 bad=0
	shift
	for st in "$@"; do
		func=${st%%:*}
		rm -f /home/alice/ran
		rig_syslog_mark
		LD_PRELOAD=$SHIM FAULT=${st%:*}:5:${st##*:} \
			"$DRIVER" -s faulttest alice touch /home/alice/ran >/dev/null 2>&1
		rc=$?
		line=$(rig_syslog_grep 'pam_jail\(faulttest:session\): user alice' 5 | head -3)
		n=$((n + 1))
		if [ "$rc" != 254 ] || [ -e /home/alice/ran ]; then
			not_ok "$label: $st refuses the login" "driver exit $rc, ran: $([ -e /home/alice/ran ] && echo yes || echo no)"
			bad=$((bad + 1))
		elif ! printf '%s\n' "$line" | grep -q 'Input/output error' ||
		     ! printf '%s\n' "$line" | grep -Eq "$(keyword "$func")"; then
			not_ok "$label: $st is named in one syslog line" "got: $line"
			bad=$((bad + 1))
		elif [ "$(printf '%s\n' "$line" | grep -c .)" != 1 ]; then
			not_ok "$label: $st gives exactly one syslog line" "$line"
			bad=$((bad + 1))
		elif ! rig_jail_procs_gone 5 >/dev/null; then
			not_ok "$label: $st leaves no process" "$(rig_jail_procs)"
			bad=$((bad + 1))
		elif ! rig_mounts_compare "$RIG_DIR/mounts.before" >/dev/null; then
			not_ok "$label: $st leaves no mount" "$(rig_mounts_compare "$RIG_DIR/mounts.before")"
			bad=$((bad + 1))
		fi
	done
	[ "$bad" = 0 ] && ok "$label: all $n fault points refuse the login, log one line naming the step, leave nothing"
	diag "$label: $n fault points walked"
}

# --- building a jail ------------------------------------------------------
# The trace is of a login that finds the config's section index
# (config_cache.c), as every login after the first does: the first one
# writes it, best effort, and its steps are not walked.
"$DRIVER" -s faulttest alice true
LD_PRELOAD=$SHIM FAULT_TRACE=$RIG_DIR/trace.build "$DRIVER" -s faulttest alice true
is "$?" 0 "(control) with the shim loaded and no fault a login works"
# shellcheck disable=SC2086 # INIT_TAIL is a list of words
mapfile -t build < <(steps "$RIG_DIR/trace.build"; printf '%s\n' $INIT_TAIL)
like "${#build[@]}" '^([5-9][0-9]|[1-9][0-9][0-9])$' "the build trace has many steps (${#build[@]})"
walk "build" "${build[@]}"

# --- entering a running shared jail -----------------------------------------
"$DRIVER" -s faulttest alice sh -c 'touch ~/held; while [ -e ~/held ]; do sleep 0.1; done' &
holder=$!
rig_wait 10 test -e /home/alice/held || not_ok "a session holds the jail open"
LD_PRELOAD=$SHIM FAULT_TRACE=$RIG_DIR/trace.join "$DRIVER" -s faulttest alice true
is "$?" 0 "(control) a second session joins with the shim loaded"
mapfile -t join < <(steps "$RIG_DIR/trace.join")
# walk_entry LABEL WHAT STEPS...: fail each step of an entry into the held
# jail (DRV_TTY: the driver's PAM_TTY, "" for none); the jail stays, so
# without the leftover checks
walk_entry() {
	local label=$1 what=$2 st rc bad=0
	local -a t=()
	shift 2
	[ -z "${DRV_TTY:-}" ] || t=(-t "$DRV_TTY")
	for st in "$@"; do
		rm -f /home/alice/ran
		LD_PRELOAD=$SHIM FAULT=${st%:*}:5:${st##*:} \
			"$DRIVER" -s faulttest "${t[@]}" alice touch /home/alice/ran >/dev/null 2>&1
		rc=$?
		if [ "$rc" != 254 ] || [ -e /home/alice/ran ]; then
			not_ok "$label: $st refuses the login" "driver exit $rc"
			bad=$((bad + 1))
		fi
	done
	[ "$bad" = 0 ] && ok "$label: all $# fault points of $what refuse the login"
}
walk_entry join "entering a running jail" "${join[@]}"
is "$(pgrep -c -x jail-init)" 1 "the running jail survived every failed join"

# --- entering from a host pty: the session's own view (mount_view.c) ------
# PAM_TTY names a pty of the rig's devpts (one a helper holds open): the
# caller clones the host's devpts, ptmx and books and unshares a mount
# namespace of its own after entering; each of those steps fails too.
python3 -c 'import os, time; m, s = os.openpty(); print(os.ttyname(s), flush=True); time.sleep(600)' \
	>"$RIG_DIR/pty.name" &
ptyholder=$!
rig_wait 10 test -s "$RIG_DIR/pty.name" || not_ok "a helper holds a pty of the rig's devpts"
tty=$(head -n 1 "$RIG_DIR/pty.name")
LD_PRELOAD=$SHIM FAULT_TRACE=$RIG_DIR/trace.view "$DRIVER" -s faulttest -t "${tty#/dev/}" alice true
is "$?" 0 "(control) a session from a host pty ($tty) joins with the shim loaded"
mapfile -t view < <(steps "$RIG_DIR/trace.view")
is "$(printf '%s\n' "${view[@]}" | grep -c '^unshare:')" \
	"$(( $(printf '%s\n' "${join[@]}" | grep -c '^unshare:') + 1 ))" \
	"the host-pty trace has the view's own steps (one more unshare: CLONE_NEWNS)"
DRV_TTY=${tty#/dev/} walk_entry view "entering from a host pty" "${view[@]}"
is "$(pgrep -c -x jail-init)" 1 "the running jail survived every failed entry from a host pty"
kill "$ptyholder" 2>/dev/null
wait "$ptyholder" 2>/dev/null
rm -f /home/alice/held
wait "$holder"
check "no jail process is left" rig_jail_procs_gone 10
check "the rig's mount table is unchanged" rig_mounts_compare "$RIG_DIR/mounts.before"
diag "fault points covered: $(( ${#build[@]} + ${#join[@]} + ${#view[@]} ))"
done_testing
