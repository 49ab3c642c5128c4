#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 21-login-su.sh - the local callers with Debian's stacks and pam_jail as
# the last session line (required): login(1) on a pty with the real
# password, su -, plain su (which keeps the caller's cwd), runuser -l, and
# su on a pty.  Each is jailed, keeps a working tty where it has one, and
# leaves no jail process and no mount behind.  In every one jail-init
# leads a session and process group of its own, without a controlling tty:
# util-linux login (Debian 13's /bin/login, started on the pty as agetty
# starts it: a session leader with the pty as its controlling terminal)
# gives up its tty with TIOCNOTTY before it forks, and the kernel's SIGHUP
# to the pty's foreground group must not reach the jail.
# releases: 12 13
# Run: tests/rig/isolate.sh tests/e2e/21-login-su.sh  (MODULE, INIT absolute)
# central: login: jailed (hostname alice
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

rig_user alice
rig_user bob	# no rule and default = none: never jailed
rig_jail web alice
rig_pam_stacks
rig_mounts_snapshot "$RIG_DIR/mounts.before"
# shellcheck disable=SC2012 # plain names, compared as text
host_root=$(ls / | tr '\n' ' ')
jail_root="bin dev etc home lib lib64 proc sbin tmp usr var "

# LOOK: what a session sees, one KEY=value line each: hostname, /, the
# name of pid 1, the cwd (the shell's and getcwd's).
# shellcheck disable=SC2016 # expanded by the session's shell
LOOK='echo "H=$(hostname)"; echo "R=$(ls / | tr "\n" " ")"; echo "I=$(cat /proc/1/comm)"; echo "P=$(pwd)"; echo "W=$(/bin/pwd)"; echo "G=$(cut -d" " -f5-7 /proc/1/stat)"'
# field OUT KEY: the value of KEY= in OUT (the last one: a login transcript
# also holds the echo of the typed line, which never has a plain value).
field() {
	printf '%s\n' "$1" | sed -n "s/^$2=//p" | tail -n 1
}
# jailed_view OUT HOW: OUT is alice's view from inside her jail.
jailed_view() {
	is "$(field "$1" H)|$(field "$1" R)|$(field "$1" I)" \
		"alice|$jail_root|jail-init" \
		"$2: jailed (hostname alice, / is the jail tree, pid 1 is jail-init)"
	# /proc/1/stat: process group, session, controlling tty (0: none).
	# In the caller's session they would read "0 0 <tty>" from inside.
	is "$(field "$1" G)" "1 1 0" \
		"$2: jail-init leads its own session and process group, with no controlling tty"
}
# audit SERVICE: the module's open and close lines for alice's SERVICE session.
audit() {
	like "$(rig_syslog_grep "pam_jail\($1:session\): jail opened: user=alice service=$1 ")" \
		'jail=web .*init=[0-9]+' "syslog: jail opened for service=$1"
	like "$(rig_syslog_grep "pam_jail\($1:session\): jail closed: user=alice service=$1 ")" \
		'jail=web .*init=[0-9]+' "syslog: jail closed for service=$1"
}

# --- login(1) on a pty ------------------------------------------------------
rig_syslog_mark
out=$(rig_login alice "$(rig_pass alice)" "tty; $LOOK")
rc=$?
is "$rc" 0 "login: the shell ran the commands and logout returned" || diag "$out"
like "$out" '^/dev/pts/[0-9]+$' "login: tty prints a /dev/pts path"
jailed_view "$out" "login"
is "$(field "$out" P)" /home/alice "login: the shell starts in alice's home"
audit login
like "$(rig_syslog_grep 'pam_jail\(login:session\): jail opened: user=alice ')" \
	'tty=/dev/pts/[0-9]+ ' "login: the audit line names the tty"
rig_nothing_left "after login"

out=$(rig_login bob "$(rig_pass bob)" "$LOOK")
is "$?|$(field "$out" H)|$(field "$out" R)" "0|rig|$host_root" \
	"(control) login as unjailed bob sees the rig's hostname and /"

# --- a terminal's signals never end a jail ----------------------------------
# SIGHUP and SIGINT are what a terminal sends its process groups (a hangup,
# util-linux login's TIOCNOTTY, ^C); sent to jail-init itself from the
# host, they must not end the jail either.  Only SIGTERM does.
rm -f /home/alice/held.H /home/alice/H
su - alice -c 'touch ~/held.H; while [ ! -e ~/H ]; do sleep 0.1; done' >/dev/null 2>&1 &
hold=$!
rig_wait 10 test -e /home/alice/held.H
init=$(pgrep -x jail-init)
kill -HUP "$init"; kill -INT "$init"
sleep 0.5
check "SIGHUP and SIGINT to jail-init ($init) from the host do not end the jail" \
	kill -0 "$init"
touch /home/alice/H
wait "$hold"
rig_nothing_left "after the signals"

# --- su - alice -c CMD from root ----------------------------------------------
rig_syslog_mark
out=$(su - alice -c "$LOOK" 2>&1)
is "$?" 0 "su - alice -c: exit status 0"
jailed_view "$out" "su - alice -c"
is "$(field "$out" P)" /home/alice "su - alice -c: starts in alice's home"
audit su-l
is "$(su - alice -c 'exit 7' >/dev/null 2>&1; echo $?)" 7 \
	"su - alice -c: the command's exit status comes back"
out=$(su - bob -c "$LOOK" 2>&1)
is "$(field "$out" H)|$(field "$out" R)" "rig|$host_root" \
	"(control) su - bob (unjailed) sees the rig's hostname and /"
rig_nothing_left "after su -"

# --- plain su alice -c CMD: keeps the caller's cwd --------------------------
# The caller's cwd (/srv) is not inside the jail: after the pivot the cwd
# must be a directory of the jail, reachable (getcwd works), "/" or the home.
rig_syslog_mark
out=$(cd /srv && su alice -c "$LOOK; ls . >/dev/null && echo L=ok" 2>&1)
is "$?" 0 "su alice -c: exit status 0"
jailed_view "$out" "su alice -c"
like "$(field "$out" P)" '^(/|/home/alice)$' "su alice -c from /srv: pwd is / or the home"
is "$(field "$out" W)" "$(field "$out" P)" "su alice -c: getcwd (/bin/pwd) agrees, not '(unreachable)'"
is "$(field "$out" L)" ok "su alice -c: the cwd can be listed"
audit su
rig_nothing_left "after su"

# --- runuser -l alice -c CMD ------------------------------------------------
rig_syslog_mark
out=$(runuser -l alice -c "$LOOK" 2>&1)
is "$?" 0 "runuser -l alice -c: exit status 0"
jailed_view "$out" "runuser -l alice -c"
is "$(field "$out" P)" /home/alice "runuser -l alice -c: starts in alice's home"
audit runuser-l
rig_nothing_left "after runuser -l"

# --- su on a pty --------------------------------------------------------------
rig_syslog_mark
out=$(rig_pty "su - alice -c 'tty; stty -a >/dev/null && echo stty=ok; $LOOK'" 2>&1)
is "$?" 0 "su on a pty: exit status 0"
like "$out" '^/dev/pts/[0-9]+$' "su on a pty: tty prints a /dev/pts path"
is "$(field "$out" stty)" ok "su on a pty: stty works on it"
jailed_view "$out" "su on a pty"
like "$(rig_syslog_grep 'pam_jail\(su-l:session\): jail opened: user=alice ')" \
	'tty=/dev/pts/[0-9]+ ' "su on a pty: the audit line names the tty"
rig_nothing_left "after su on a pty"

done_testing
