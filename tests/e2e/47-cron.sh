#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 47-cron.sh - Debian's cron opens a PAM session for every job: with the
# example cron stack (conf/pam.d/debianN/cron, pam_jail last) a jailed user's job
# runs inside the user's jail (its own when none runs, the running one
# when a login holds it), an unjailed user's job does not, and the open
# and close leave every line in syslog and no module error.  Cron starts
# jobs on the minute: this file waits up to ~70 s.
# releases: 12 13
# Run: tests/rig/isolate.sh tests/e2e/47-cron.sh  (MODULE, INIT absolute)
# central: alice's cron job runs in her jail
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

rig_user alice
rig_user bob	# no rule and default = none: never jailed
rig_user carol	# jailed, and logged in over ssh while her job runs
rig_jail web alice carol
rig_pam_examples
jail_root=$(printf '%s\n' bin dev etc home lib lib64 proc sbin tmp usr var)
if rig_sshd_start; then ok "sshd starts"; else not_ok "sshd starts"; fi

# carol's ssh session holds her jail until ~/C exists.
rm -f /home/carol/C /home/carol/held.C
rig_ssh carol 'readlink /proc/self/ns/pid > ~/ssh.pidns; touch ~/held.C; while [ ! -e ~/C ]; do sleep 0.1; done' \
	>/dev/null 2>&1 &
carol_ssh=$!
rig_wait 15 test -e /home/carol/held.C || not_ok "carol's ssh session stays open"

rig_syslog_mark
JOB='hostname > ~/cron.out; ls / >> ~/cron.out; cat /proc/1/comm >> ~/cron.out'
for u in alice bob; do rig_cron_job "$u" "$JOB"; done
rig_cron_job carol 'readlink /proc/self/ns/pid > ~/cron.out'
if rig_cron_start; then ok "cron starts"; else
	not_ok "cron starts"
	done_testing
	exit
fi
# One run of each job is enough: once alice's file is there, the three
# ran in the same minute.
if rig_wait 70 test -s /home/alice/cron.out; then
	ok "alice's cron job ran within 70 s"
else
	not_ok "alice's cron job ran within 70 s" "$(tail -n 20 "$RIG_SYSLOG")"
fi
for u in alice bob carol; do
	rig_syslog_grep "CRON\[[0-9]+\]: pam_unix\(cron:session\): session closed for user $u\$" 15 >/dev/null
done
rig_syslog_grep 'jail closed: user=alice service=cron ' >/dev/null
sleep 0.5
for u in alice bob carol; do crontab -u "$u" -r; done

is "$(cat /home/alice/cron.out 2>&1)" "$(printf '%s\n' alice "$jail_root" jail-init)" \
	"alice's cron job runs in her jail: hostname alice, / the jail tree, pid 1 jail-init"
is "$(cat /home/bob/cron.out 2>&1)" "$(printf '%s\n' rig "$(ls /)" "$(cat /proc/1/comm)")" \
	"(control) bob's cron job runs unjailed: the rig's hostname, / and pid 1"
is "$(cat /home/carol/cron.out 2>&1)" "$(cat /home/carol/ssh.pidns 2>&1)" \
	"carol's cron job runs in the jail her ssh login holds (same pid namespace)"
like "$(rig_syslog_grep 'pam_jail\(cron:session\): jail joined: user=carol ')" \
	'service=cron tty=cron ' "syslog: carol's job joined the running jail"

# --- syslog: alice's job, from open to close ------------------------------------
# Her job's lines: the ones of the CRON process that opened her session.
cpid=$(rig_syslog_grep 'CRON\[[0-9]+\]: pam_unix\(cron:session\): session opened for user alice\(' |
	sed -nE 's/.*CRON\[([0-9]+)\].*/\1/p' | head -n 1)
lines=$(rig_syslog_grep "CRON\[$cpid\]: " 1)
is "$(printf '%s\n' "$lines" | sed -E 's/^<[0-9]+>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} CRON\[[0-9]+\]: //' |
	sed -E 's/^(pam_[a-z]+\(cron:session\): [a-z]+ [a-z]+).*/\1/; s/^\(alice\) (CMD|END) .*/\1/')" \
	"$(printf '%s\n' 'pam_unix(cron:session): session opened' 'pam_jail(cron:session): jail opened' \
		CMD END 'pam_unix(cron:session): session closed' 'pam_jail(cron:session): jail closed')" \
	"syslog: alice's job logs, in order: pam_unix opened, jail opened, CMD, END, pam_unix closed, jail closed"
like "$(printf '%s\n' "$lines" | grep 'jail opened:')" \
	'jail opened: user=alice service=cron tty=cron rhost=- jail=web root=/srv/jails/alice init=[0-9]+ mntns=[0-9]+ pidns=[0-9]+ netns=[0-9]+$' \
	"syslog: the open audit line's key=value fields"
like "$(printf '%s\n' "$lines" | grep 'jail closed:')" \
	'jail closed: user=alice service=cron tty=cron rhost=- jail=web root=/srv/jails/alice init=[0-9]+ mntns=[0-9]+ pidns=[0-9]+ netns=[0-9]+ duration=[0-9]+$' \
	"syslog: the close audit line's key=value fields and duration="
like "$(printf '%s\n' "$lines" | grep ' CMD ')" "^<[0-9]+>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} CRON\[$cpid\]: \(alice\) CMD \(" \
	"syslog: cron's own CMD line (from the privileged caller, in the jail's view) arrives as cron's, untagged"
is "$(rig_syslog_grep 'CRON\[[0-9]+\]: ' 1 | rig_pam_errors)" "" \
	"the cron stack's open and close (alice's, bob's, carol's jobs) leave no module error in syslog"

touch /home/carol/C
wait "$carol_ssh"
check "no jail process is left after the jobs and carol's logout" rig_jail_procs_gone 10
kill "$(cat /run/crond.pid)" 2>/dev/null
check "sshd stops" rig_sshd_stop
done_testing
