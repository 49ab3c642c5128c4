#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 53-login-reopen.sh - a co-tenant of a team jail against another user's
# login(1) on a host pty (52-edges.sh's table, note (c)).  util-linux
# login (Debian 13's /bin/login) reopens its tty by name, /dev/pts/N, in
# its child after pam_open_session, i.e. inside the jail.  With the
# default devpts = host that name is the login's own pty; with devpts =
# private it is the jail's own pty N, which a co-tenant may hold.  So a
# private devpts is one user's: the config refuses it for a jail that
# the default, a [group:] rule or two [user:] rules name, and a second
# uid's join of a running jail with a private devpts is refused (a
# login's load sees only its own [user:] rule).  Attempt: dave holds 8
# of the team jail's ptys, erin logs in with login(1) and is refused.
# Control: the same jail named for erin alone -- her login's reopen lands
# on the pty her own ssh session holds, what dave would have got.
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
		devpts = $devpts

		$(rig_rules team "$@")
	EOF
}
team_conf host user:dave user:erin
rig_pam_examples
rig_sshd_up "sshd starts"

# attempt HOLDER DEVPTS RULE...: HOLDER (ssh) holds 8 ptys of the jail's
# devpts; erin logs in with login(1) on a pty of the rig's (the host's)
# devpts.  Prints ONE line (like's grep -E would read a pattern of several
# lines as alternatives): HOLDER's probe line; erin's tty; what the typing
# left; the module's refusal, if any.
attempt() {
	local holder=$1 f p
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
	RIG_TIMEOUT=15 rig_login erin "$(rig_pass erin)" 'echo "erin-on=$(tty)"' \
		>"$RIG_DIR/login.out" 2>&1
	sleep 0.5
	rm -f "$f"
	wait "$p"
	{
		grep -m 1 '^take_pty:' "$RIG_DIR/take.out" || echo "take_pty: (no line)"
		grep -o -m 1 'erin-on=/dev/pts/[0-9]*' "$RIG_DIR/login.out" || echo "erin-on=(none)"
		printf 'taken=%s\n' "$(rig_ssh "$holder" 'cat /tmp/taken 2>/dev/null')"
		printf 'refused=%s\n' "$(tail -n "+$RIG_SYSLOG_FROM" "$RIG_SYSLOG" |
			grep -o 'has a private devpts and runs for user [a-z]*: not letting [a-z]* in' |
			head -n 1)"
	} | paste -sd ';'
}

like "$(attempt dave host user:dave user:erin)" \
	'^take_pty: blocked \(no session came to our 8 ptys\);erin-on=/dev/pts/[0-9]+;taken=;refused=$' \
	"E14 [co-tenant, other tenants] devpts = host: erin's login(1) keeps its own pty, dave's 8 see nothing"
like "$(attempt dave private user:dave user:erin)" \
	'^take_pty: blocked \(no session came to our 8 ptys\);erin-on=\(none\);taken=;refused=has a private devpts and runs for user dave: not letting erin in$' \
	"E14 [co-tenant, other tenants] devpts = private: erin's login(1) into dave's running jail is refused, dave's 8 ptys see nothing"
like "$("$JAILCTL" check 2>&1)" "jail team: devpts = private, and a second \[user:\] rule \(line [0-9]+\) names it: .*use devpts = host, or a root with %u" \
	"E14 jailctl check: devpts = private in a jail two [user:] rules name is an error"
like "$(attempt erin private user:erin)" \
	"^take_pty: ESCAPED another session came up on our pty [0-9]+, it said '.*erin@team.*'; we typed into it;erin-on=\\(none\\);taken=erin;refused=\$" \
	"E14 control (the same jail, erin's alone: allowed): her login(1) reopens /dev/pts/N into the pty her own ssh session holds -- a co-tenant's, were the jail shared"
unlike "$("$JAILCTL" check 2>&1)" 'jail team: devpts = private, and' \
	"E14 jailctl check: (control) no error for a private devpts in a jail of one user"
"$JAILCTL" stop team >/dev/null 2>&1
check "no jail process is left" rig_jail_procs_gone 10
rig_sshd_stop
done_testing
