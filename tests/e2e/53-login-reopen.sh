#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 53-login-reopen.sh - a co-tenant of a team jail against another user's
# login(1) on a host pty (52-edges.sh's table, note (c)).  util-linux
# login (Debian 13's /bin/login) reopens its tty by name, /dev/pts/N, in
# its child after pam_open_session, i.e. inside the jail.  With the
# default devpts = host that name is the login's own pty; with devpts =
# private it is the jail's own pty N, which a co-tenant may hold: dave
# holds 8 of them, erin logs in, and dave types into erin's shell.  OPEN
# with devpts = private (README "Security model"; jailctl check notes a
# team jail with a private devpts); the default is not affected.
# releases: 13 (Debian 12's /bin/login is shadow's, which does not reopen)
# central: E14 [co-tenant, other tenants] devpts = host
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
team_conf() { # DEVPTS: one jail for dave and erin, their homes bound
	rig_conf <<-EOF
		[jail:team]
		root = $RIG_JAILS/team
		bind_ro = /usr /bin /lib /lib64 /sbin
		bind_rw = /home
		tmpfs = /tmp
		network = none
		hostname = team
		persist = yes
		devpts = $1

		$(rig_rules team user:dave user:erin)
	EOF
}
team_conf host
rig_pam_examples
rig_sshd_up "sshd starts"

# attempt DEVPTS: dave (ssh) holds 8 ptys of the jail's devpts; erin logs
# in with login(1) on a pty of the rig's (the host's) devpts.  Prints
# dave's probe line, erin's transcript and what dave's typing left.
attempt() {
	local f=/home/dave/.ptys-held p
	"$JAILCTL" stop team >/dev/null 2>&1
	team_conf "$1"
	rm -f "$f"
	rig_ssh dave "rm -f /tmp/taken; /probe take_pty $f 8 'id -un > /tmp/taken; exit'" \
		>"$RIG_DIR/take.out" 2>&1 &
	p=$!
	rig_wait 15 test -s "$f" || diag "dave's probe: $(cat "$RIG_DIR/take.out")"
	RIG_TIMEOUT=15 rig_login erin "$(rig_pass erin)" 'echo "erin-on=$(tty)"' \
		>"$RIG_DIR/login.out" 2>&1
	sleep 0.5
	rm -f "$f"
	wait "$p"
	cat "$RIG_DIR/take.out"
	grep -o 'erin-on=/dev/pts/[0-9]*' "$RIG_DIR/login.out" || echo "erin-on=(none)"
	printf 'taken=%s\n' "$(rig_ssh dave 'cat /tmp/taken 2>/dev/null')"
}

like "$(attempt host)" '^take_pty: blocked \(no session came to our 8 ptys\)
erin-on=/dev/pts/[0-9]+
taken=$' "E14 [co-tenant, other tenants] devpts = host: erin's login(1) keeps its own pty, dave's 8 see nothing"
like "$(attempt private)" "^take_pty: ESCAPED another session came up on our pty [0-9]+, it said '.*erin@team.*'; we typed into it
erin-on=\\(none\\)
taken=erin\$" "E14 control (OPEN with devpts = private): erin's login(1) reopens /dev/pts/N into dave's pty; dave runs a command as erin"
like "$("$JAILCTL" check 2>&1)" '^note: jail team: devpts = private in a team jail: ' \
	"E14 jailctl check notes the combination"
"$JAILCTL" stop team >/dev/null 2>&1
check "no jail process is left" rig_jail_procs_gone 10
rig_sshd_stop
done_testing
