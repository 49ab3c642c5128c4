#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 54-host-pty-view.sh - a session that comes in on a host pty, in a jail
# with its own devpts (the default).  The jail's ptys are numbered from
# pts/0 on their own, so a caller whose terminal is the host's pts/N (su,
# runuser, login on a pty) gets a mount namespace of its own with the
# host's devpts at /dev/pts (mount_view.c):
#  - su - and login(1) there: tty names the caller's own terminal, the
#    host's instance; at the same time the user's ssh sessions see only
#    the jail's devpts (the view stays the session's);
#  - su --pty: su's parent (root) makes its pty in the host's instance;
#    the user makes none there (the view's /dev/ptmx is the host devpts's
#    own node, mode 000), so its ptys stay within pty_max;
#  - E16 [jailed user, per-uid budgets]: the user's ssh process reaches
#    the view through /proc/PID/root of the su session's shell (same uid,
#    dumpable) and opens its ptmx nodes: EACCES; control: its own
#    /dev/ptmx opens; a host devpts whose ptmx others may open
#    (ptmxmode=0666) gives no view: the session is refused;
#  - Debian 12: login(1) in the view records its host line in the host's
#    wtmp (last, with the logout), while the ssh session's line, the
#    jail's own pts/N, is not in it (E15, 45-host-books.sh).
# releases: 12 13
# central: E16 [jailed user, per-uid budgets] through /proc/PID/root
# Run: tests/rig/isolate.sh tests/e2e/54-host-pty-view.sh  (MODULE, INIT absolute)
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

UL_LOGIN=0
login --version 2>/dev/null | grep -q util-linux && UL_LOGIN=1
if [ "$UL_LOGIN" = 0 ]; then # Debian 12: the host's books, as 45 has them
	for f in /run/utmp /var/log/wtmp /var/log/lastlog; do
		install -m 664 -o 0 -g utmp /dev/null "$f"
	done
fi
rig_user carol
rig_jail pv carol # rig_jail_stanza: no devpts key, the default
rig_pam_examples
rig_sshd_up "sshd starts"
host_pts=$(stat -c %d /dev/pts)

# ---- the default: the jail's own devpts, for ssh ----------------------------
o=$(rig_ssh_pty carol 'echo "$(tty) $(stat -c %d /dev/pts)"' 2>&1)
like "$o" '^/dev/pts/0 [0-9]+$' "default devpts: carol's ssh -t gets pts/0 of a devpts of the jail's"
unlike "$o" " $host_pts\$" "default devpts: (control) that devpts is not the host's"
rig_hold carol h1 pty || diag "carol's held session did not come up"

# ---- su - and login(1) from a host pty: the view --------------------------------
# view_line CMD: on a fresh pty, "out=TTY:DEV" of that pty, then what CMD
# (a su that prints "in=TTY:DEV:PTSDEV") saw inside, on one line
view_line() {
	rig_pty "echo out=\$(tty):\$(stat -L -c %d /proc/self/fd/0); $1" |
		grep -E '^(out|in)=' | paste -sd ' '
}
o=$(view_line 'su - carol -c "echo in=\$(tty):\$(stat -L -c %d /proc/self/fd/0):\$(stat -c %d /dev/pts)"')
like "$o" "^out=(/dev/pts/[0-9]+):$host_pts in=\\1:$host_pts:$host_pts\$" \
	"su - carol from a host pty: tty names the caller's own terminal, /dev/pts is the host's there"
o=$(rig_ssh carol 'ls /dev/pts | paste -sd " "; stat -c %d /dev/pts' | paste -sd ' ')
like "$o" "^0 ptmx [0-9]+\$" "meanwhile carol's ssh session sees only the jail's devpts (its one pty)"
unlike "$o" " $host_pts\$" "the view did not reach the jail's mount namespace"
# (script shows a NUL that su --pty's relay sends first as "^@")
o=$(rig_pty 'su --pty - carol -c "echo in=\$(tty):\$(stat -L -c %d /proc/self/fd/0)"' |
	grep -o 'in=.*')
like "$o" "^in=/dev/pts/[0-9]+:$host_pts\$" \
	"su --pty - carol: su's parent makes its pty in the host's devpts, tty names it"
o=$(rig_pty 'su - carol -c "script -qc true /dev/null; echo rc=\$?"' | paste -sd ' ')
like "$o" 'Permission denied.*rc=1' \
	"in the view carol makes no pty (the host devpts's ptmx, mode 000): its ptys stay within pty_max"

# ---- E16: the view through /proc/PID/root ------------------------------------
rm -f /home/carol/supid /home/carol/go
rig_pty 'su - carol -c "echo \$\$ > ~/supid; while [ ! -e ~/go ]; do sleep 0.1; done"' >/dev/null 2>&1 &
su_pid=$!
rig_wait 15 test -s /home/carol/supid || diag "the su session did not start"
# shellcheck disable=SC2016 # for carol's shell
o=$(rig_ssh carol 'P=$(cat ~/supid) python3 -c "
import os
p = os.environ[\"P\"]
for q in (\"/proc/%s/root/dev/ptmx\" % p, \"/proc/%s/root/dev/pts/ptmx\" % p, \"/dev/ptmx\"):
    try:
        os.close(os.open(q, os.O_RDWR | os.O_NOCTTY)); r = \"ok\"
    except OSError as e:
        r = e.strerror
    print(q.replace(\"/proc/\" + p + \"/\", \"/proc/PID/\"), r)
"' 2>&1 | paste -sd ';')
touch /home/carol/go
wait "$su_pid"
like "$o" '^/proc/PID/root/dev/ptmx Permission denied;/proc/PID/root/dev/pts/ptmx Permission denied;' \
	"E16 [jailed user, per-uid budgets] through /proc/PID/root of a su session's shell, carol opens no ptmx of the host's devpts"
like "$o" ';/dev/ptmx ok$' "E16 control: her own /dev/ptmx (the jail's devpts) opens"

# ---- a host devpts whose ptmx others may open: no view, refused ------------
# (ptmxmode=0666: the view's /dev/ptmx would give carol the host's ptys)
mount -o remount,ptmxmode=0666 /dev/pts
rig_syslog_mark
o=$(rig_pty 'su - carol -c "echo in=\$(tty)"' 2>&1 | grep -a -o 'in=.*')
is "$o" "" "a host devpts with ptmxmode=0666: su - carol from a host pty is refused"
like "$(rig_syslog_grep 'pam_jail\(su-l:session\)' 5)" \
	"the host's /dev/pts/ptmx has mode 0666 \\(ptmxmode\\): a view of the host's devpts would give the jailed user ptys outside pty_max" \
	"... with one log line naming the mode and the fix"
mount -o remount,ptmxmode=000 /dev/pts
o=$(rig_pty 'su - carol -c "echo in=\$(tty)"' 2>&1 | grep -a -o 'in=.*')
like "$o" '^in=/dev/pts/[0-9]+$' "(control) ptmxmode=000 again: su - carol works"

# ---- login(1) on a host pty ----------------------------------------------------
o=$(rig_login carol "$(rig_pass carol)" 'echo "in=$(tty):$(stat -L -c %d /proc/self/fd/0):$(stat -c %d /dev/pts)"' 2>&1)
like "$(printf '%s\n' "$o" | grep -E '^in=' | tail -n 1)" "^in=/dev/pts/[0-9]+:$host_pts:$host_pts\$" \
	"login(1) on a host pty: its shell's tty is its own terminal, in the host's devpts"
line=$(printf '%s\n' "$o" | sed -n 's|^in=/dev/\(pts/[0-9]*\):.*|\1|p' | tail -n 1)
if [ "$UL_LOGIN" = 0 ]; then
	sleep 1.1 # last says "still running" for a logout in the current second
	like "$(last -w carol | grep '^carol')" "^carol +$line .* - [0-9]{2}:[0-9]{2} +\([0-9:+]+\)\$" \
		"Debian 12: the login's host line is in the host's wtmp, with its logout (the view binds it)"
	is "$(last -w carol | grep -c '^carol')" 1 \
		"Debian 12: (control) the ssh session on the jail's pts/0 is not in it (E15)"
fi
rig_release carol h1
check "no jail process is left" rig_jail_procs_gone 10
rig_sshd_stop
done_testing
