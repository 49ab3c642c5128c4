#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 53-login-reopen.sh - a co-tenant of a team jail against another user's
# login(1) on a host pty (52-edges.sh's table, note (c)).  util-linux
# login (Debian 13's /bin/login) reopens its tty by name, /dev/pts/N, in
# its child after pam_open_session, i.e. inside the jail.  With devpts =
# host that name is the login's own pty.  In the jail's own devpts (the
# default) it would be the jail's pty N, which a co-tenant may hold: so a
# caller on a host pty gets a mount namespace of its own with the host's
# devpts there (mount_view.c, 54-host-pty-view.sh).  Attempt: dave holds
# 8 of the team jail's ptys, erin logs in with login(1): her login keeps
# its own terminal, dave's 8 see nothing.  Control: meanwhile the jail's
# own /dev/pts/N -- the name erin's login reopened -- is one of dave's,
# what the login got before the view (the old module's refusal of a
# second user is gone; allow_root jails, which get no view, keep it, and
# jailctl check's error).
# releases: 13 (Debian 12's /bin/login is shadow's, which does not reopen)
# central: E14 [co-tenant, other tenants] devpts = private
# Run: RIG_RELEASE=13 RIG_ROOTFS=... RIG_BUILD_CACHE=... tests/rig/isolate.sh tests/e2e/53-login-reopen.sh
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module
rig_require_jailctl
if ! login --version 2>/dev/null | grep -q util-linux; then
	skip "login(1) is not util-linux's (shadow's, Debian 12's, does not reopen its tty)" \
		"53-login-reopen.sh: util-linux login"
	done_testing
	exit
fi

PROBE=$RIG_DIR/probe
rig_build_probe "$PROBE"
rig_user dave
rig_user erin
rig_jail_tree team
install -m 755 -o 0 -g 0 "$PROBE" "$RIG_JAILS/team/probe"
team_conf() { # DEVPTS RULE...: one jail, the homes bound, named by RULEs
	# (DEVPTS "default": no devpts key, the jail's own devpts)
	local devpts=$1
	shift
	rig_conf <<-EOF
		[jail:team]
		root = $RIG_JAILS/team
		bind_ro = /usr /bin /lib /lib64 /sbin
		bind_rw = /home
		tmpfs = /tmp
		network = none
		hostname = team
		persist = yes
		$([ "$devpts" = default ] || echo "devpts = $devpts")

		$(rig_rules team "$@")
	EOF
}
team_conf host user:dave user:erin
rig_pam_examples
rig_sshd_up "sshd starts"

# attempt HOLDER DEVPTS RULE...: HOLDER (ssh) holds 8 ptys of the jail's
# devpts; erin logs in with login(1) on a pty of the rig's (the host's)
# devpts.  Prints ONE line (like's grep -E would read a pattern of several
# lines as alternatives): HOLDER's probe line; erin's tty and whether its
# devpts is the host's; what the typing left; whether the jail's own
# /dev/pts/N (N: erin's line) is a pty HOLDER holds; any refusal.
attempt() {
	local holder=$1 f p n in_jail
	shift
	f=/home/$holder/.ptys-held
	"$JAILCTL" stop team >/dev/null 2>&1
	team_conf "$@"
	rm -f "$f"
	rig_syslog_mark
	rig_ssh "$holder" "rm -f /tmp/taken; /probe take_pty $f 8 'id -un > /tmp/taken; exit'" \
		>"$RIG_DIR/take.out" 2>&1 &
	p=$!
	rig_wait 15 test -s "$f" || diag "$holder's probe: $(cat "$RIG_DIR/take.out")"
	RIG_TIMEOUT=15 rig_login erin "$(rig_pass erin)" \
		'echo "erin-on=$(tty) host=$([ "$(stat -L -c %d /proc/self/fd/0)" = '"$(stat -c %d /dev/pts)"' ] && echo yes)"' \
		>"$RIG_DIR/login.out" 2>&1
	n=$(grep -a -o -m 1 'erin-on=/dev/pts/[0-9]*' "$RIG_DIR/login.out" | sed 's|.*/||')
	in_jail=$(rig_ssh "$holder" "[ -n '$n' ] && [ -c /dev/pts/$n ] && stat -c %U /dev/pts/$n" 2>/dev/null)
	sleep 0.5
	rm -f "$f"
	wait "$p"
	{
		grep -m 1 '^take_pty:' "$RIG_DIR/take.out" || echo "take_pty: (no line)"
		grep -a -o -m 1 'erin-on=/dev/pts/[0-9]* host=[a-z]*' "$RIG_DIR/login.out" || echo "erin-on=(none)"
		printf 'taken=%s\n' "$(rig_ssh "$holder" 'cat /tmp/taken 2>/dev/null')"
		printf 'jail-pts-N=%s\n' "${in_jail:+owned by $in_jail}"
		printf 'refused=%s\n' "$(tail -n "+$RIG_SYSLOG_FROM" "$RIG_SYSLOG" |
			grep -o 'not letting [a-z]* in' | head -n 1)"
	} | paste -sd ';'
}

like "$(attempt dave host user:dave user:erin)" \
	'^take_pty: blocked \(no session came to our 8 ptys\);erin-on=/dev/pts/[0-9]+ host=yes;taken=;jail-pts-N=;refused=$' \
	"E14 [co-tenant, other tenants] devpts = host: erin's login(1) keeps its own pty, dave's 8 see nothing"
o=$(attempt dave default user:dave user:erin)
like "$o" \
	'^take_pty: blocked \(no session came to our 8 ptys\);erin-on=/dev/pts/[0-9]+ host=yes;taken=;jail-pts-N=.*;refused=$' \
	"E14 [co-tenant, other tenants] devpts = private (the default): erin's login(1) into dave's running jail keeps its own terminal (its view of the host's devpts), dave's 8 ptys see nothing"
like "$o" ';jail-pts-N=owned by dave;' \
	"E14 control: meanwhile the jail's own /dev/pts/N, the name erin's login reopened, is one of dave's ptys (where it landed before the view)"
unlike "$("$JAILCTL" check 2>&1)" 'jail team: .*, and a second \[user:\] rule' \
	"E14 jailctl check: devpts = private in a team jail is no longer an error"
"$JAILCTL" stop team >/dev/null 2>&1
check "no jail process is left" rig_jail_procs_gone 10
rig_sshd_stop
done_testing
