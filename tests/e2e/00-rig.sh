#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 00-rig.sh - the rig's own self tests, on Debian's stacks WITHOUT pam_jail:
# if these fail, no jail test after them means anything.
# releases: 12 13
# Run: bash tests/rig/isolate.sh tests/e2e/00-rig.sh
# central: the rig has its own hostname
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# --- the rig itself -------------------------------------------------------

is "$(readlink /proc/1/exe)" /usr/bin/bash "pid 1 is the rig's shell"
is "$(hostname)" rig "the rig has its own hostname"
is "$(ip -o link | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo " \
	"the rig's network holds only lo"
like "$(ip -o addr show lo)" '127\.0\.0\.1' "lo is up with 127.0.0.1"
is "$(findmnt -n -o FSTYPE --mountpoint /etc)" tmpfs "/etc is the rig's tmpfs copy"
check "/etc copy holds the real files" test -s /etc/passwd -a -f /etc/pam.d/sshd
check "a write under /etc stays in the rig" touch /etc/rig-probe
check_fails "a write outside the rig's tmpfs fails (read-only /)" \
	touch /var/lib/rig-write-probe
check_fails "/sys is read-only in the rig" touch /sys/fs/cgroup/rig-probe
for d in /run /tmp /var/tmp /home /srv /root /var/log /var/mail /var/spool/cron /dev; do
	is "$(findmnt -n -o FSTYPE --mountpoint "$d")" tmpfs "$d is a rig tmpfs"
done
is "$(findmnt -n -o FSTYPE --mountpoint /dev/pts)" devpts "/dev/pts is mounted"
like "$(findmnt -n -o OPTIONS --mountpoint /dev/pts)" 'ptmxmode=000' \
	"/dev/pts is a fresh instance whose own pts/ptmx only root opens (as on a Debian host)"
check "its /dev/ptmx (a node beside it) gives a user a pty" \
	setpriv --reuid=65534 --regid=65534 --clear-groups python3 -c 'import os; os.close(os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY))'
like "$(rig_pty tty)" '^/dev/pts/[0-9]+$' "script(1) gets a pty"
tmux new-session -d -s rig 'sleep 30' 2>/dev/null
check "tmux gets a pty and keeps a session" tmux has-session -t rig
tmux kill-server 2>/dev/null
check "the syslog listener owns /dev/log" test -S /dev/log
logger -p auth.info -t rig-selftest "hello from the rig"
like "$(rig_syslog_grep 'rig-selftest.*hello from the rig')" hello \
	"logger's line reaches RIG_SYSLOG"

# pid 1 must reap what is orphaned to it (the machine's pid 1 does not).
sh -c 'sleep 0.2 & exit 0'
sleep 0.6
# shellcheck disable=SC2009 # pgrep cannot select by state
is "$(ps -eo stat= | grep -c '^Z')" 0 "orphans are reaped by the rig's pid 1"

# --- helpers: users, jail trees, config, stacks ---------------------------

rig_user alice
rig_user bob 2345
like "$(id alice)" 'uid=[0-9]+\(alice\)' "rig_user makes alice"
is "$(id -u bob)" 2345 "rig_user honours a uid"
is "$(stat -c '%U %a' /home/alice/.ssh/authorized_keys)" "alice 600" \
	"authorized_keys belongs to alice, mode 600"
like "$(grep '^alice:' /etc/shadow | cut -d: -f2)" '^\$' "alice has a password hash"

rig_user dave
rig_jail web dave
bad=$(find /srv /srv/jails /srv/jails/dave -maxdepth 0 \( ! -user root -o -perm /022 \) -print;
	find /srv/jails/dave \( ! -user root -o -perm /022 \) -print)
is "$bad" "" "every jail tree component is root-owned, not g/o-writable"
missing=""
for d in usr bin lib lib64 sbin etc dev proc tmp home/dave var/tmp; do
	[ -d "/srv/jails/dave/$d" ] || missing="$missing $d"
done
is "$missing" "" "jail tree holds the mount points"
is "$(stat -c '%s' /srv/jails/dave/etc/passwd)" 0 "jail passwd is an empty placeholder"
check "jail has an ld.so.cache" test -s /srv/jails/dave/etc/ld.so.cache
is "$(stat -c '%U %a' /etc/security/pam_jail.conf)" "root 644" "pam_jail.conf is root 0644"
is "$(grep -c '^\[jail:web\]' /etc/security/pam_jail.conf)" 1 "one [jail:web] section"
like "$(cat /etc/security/pam_jail.conf)" '^\[user:dave\]' "dave has a [user:] rule"

orig_sshd=$(sha256sum </etc/pam.d/sshd)
MODULE=/usr/bin/true INIT=/usr/bin/true rig_pam_stacks debug
line="session required /usr/bin/true conf=/etc/security/pam_jail.conf init=/usr/bin/true debug"
for s in sshd login su runuser cron; do
	is "$(tail -n 1 "/etc/pam.d/$s")" "$line" "rig_pam_stacks: pam_jail is the last line of $s"
done
# su-l and runuser-l include su and runuser: one pam_jail line, last, via
# the include (README: "add it to su, not also to su-l").
for s in su-l runuser-l; do
	is "$(grep -c true /etc/pam.d/"$s")|$(tail -n 1 /etc/pam.d/"$s" | awk '{print $2, $3}')" \
		"0|include ${s%-l}" "rig_pam_stacks: $s gets pam_jail through its include"
done
check_fails "rig_pam_stacks refuses a relative MODULE" \
	env MODULE=build/pam_jail.so INIT=/usr/bin/true bash -c ". tests/lib.sh; rig_pam_stacks"
rig_pam_plain
is "$(sha256sum </etc/pam.d/sshd)" "$orig_sshd" "rig_pam_plain restores Debian's stack"

# --- real callers on the unjailed stack -----------------------------------

rig_mounts_snapshot "$RIG_DIR/mounts.before"
if rig_sshd_start; then ok "sshd starts"; else not_ok "sshd starts"; fi
rig_syslog_mark
like "$(rig_ssh alice id 2>&1)" '^uid=[0-9]+\(alice\)' "ssh with a key runs id"
like "$(rig_syslog_grep "$RIG_SSHD_SESSION\[[0-9]+\]: Accepted publickey for alice")" Accepted \
	"syslog has sshd's Accepted publickey line"
like "$(rig_ssh_password alice "$(rig_pass alice)" id 2>&1)" '^uid=[0-9]+\(alice\)' \
	"ssh with a password runs id"
check_fails "a wrong password is refused" rig_ssh_password alice wrong-pw true
like "$(rig_ssh_pty alice tty 2>&1)" '^/dev/pts/[0-9]+$' "ssh -tt gets a /dev/pts pty"
is "$(rig_ssh alice 'cat' <<<'stdin reaches the session' 2>&1)" \
	'stdin reaches the session' "ssh passes stdin"

# File transfer: sftp both ways, scp both ways (9.2's scp speaks SFTP;
# -O forces the old scp protocol, which runs scp in the session).
echo "payload-$RANDOM" >/tmp/up.txt
rig_sftp alice >/dev/null 2>&1 <<-EOF
	put /tmp/up.txt sftp-up.txt
	get sftp-up.txt /tmp/sftp-back.txt
EOF
is "$(cat /tmp/sftp-back.txt 2>&1)" "$(cat /tmp/up.txt)" "sftp put and get"
rig_scp /tmp/up.txt alice@127.0.0.1:scp-up.txt 2>&1
rig_scp alice@127.0.0.1:scp-up.txt /tmp/scp-back.txt 2>&1
is "$(cat /tmp/scp-back.txt 2>&1)" "$(cat /tmp/up.txt)" "scp up and down"
rig_scp -O /tmp/up.txt alice@127.0.0.1:scp-o.txt 2>&1
is "$(cat /home/alice/scp-o.txt 2>&1)" "$(cat /tmp/up.txt)" "scp -O (legacy protocol)"

out=$(rig_login alice "$(rig_pass alice)" 'id; tty')
rc=$?
is "$rc" 0 "login on a pty: commands ran"
like "$out" 'uid=[0-9]+\(alice\)' "login runs id as alice" || diag "$out"
like "$out" '^/dev/pts/[0-9]+$' "login's tty is a /dev/pts path"
out=$(rig_login alice wrong-pw 'id')
is "$?" 101 "login refuses a wrong password" || diag "$out"

like "$(rig_su alice id 2>&1)" '^uid=[0-9]+\(alice\)' "su - alice -c id"
like "$(rig_su alice pwd 2>&1)" '^/home/alice$' "su - starts in alice's home"
like "$(rig_runuser alice id 2>&1)" '^uid=[0-9]+\(alice\)' "runuser -l alice -c id"
like "$(rig_pty 'su - alice -c tty' 2>&1)" '^/dev/pts/[0-9]+$' "su on a pty keeps the caller's tty"

# cron: started, takes a user crontab (a job runs on the minute: jail tests
# that need one wait up to 60 s, so the self test does not).
check "cron starts in the rig" rig_cron_start
rig_cron_job alice 'true'
like "$(crontab -u alice -l 2>&1)" '^\* \* \* \* \* true$' "rig_cron_job installs alice's crontab"

# Nothing was jailed, so nothing may be left: the helpers agree.
check "no session left a mount in the rig's namespace" \
	rig_mounts_compare "$RIG_DIR/mounts.before"
check "no process outside the rig's namespaces or root" rig_jail_procs_gone
check "sshd stops" rig_sshd_stop

done_testing
