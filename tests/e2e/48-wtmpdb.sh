#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 48-wtmpdb.sh - Debian 13's login records.  The host keeps wtmpdb
# (/var/lib/wtmpdb/wtmp.db: pam_wtmpdb in common-session, skip_if=sshd;
# sshd-session records its ptys itself) and lastlog2
# (/var/lib/lastlog/lastlog2.db) instead of utmp, wtmp and lastlog.  With
# the project's Debian 13 example stacks (conf/pam.d/debian13):
#  - a jailed ssh -tt login and a jailed login(1) on a pty appear in the
#    host's `wtmpdb last` while they last and with their logout after,
#    and in lastlog2; su - is recorded and closed the same way;
#  - no pam_wtmpdb error at close ("update_logout: Updated wrong number of
#    rows": the close runs in the jail's view, mount_books.c binds the host's
#    database directories there, for the caller only);
#  - inside the jail the databases cannot be read, written or listed
#    (a 0700 tmpfs over the jail's var/lib), and wtmpdb last shows nothing.
# Debian 12 keeps utmp, wtmp and lastlog: 45-host-books.sh.
# releases: 13
# central: ssh -tt: after the logout the host's wtmpdb has it closed
# Run: RIG_RELEASE=13 RIG_ROOTFS=... RIG_BUILD_CACHE=... tests/rig/isolate.sh tests/e2e/48-wtmpdb.sh
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

DB=/var/lib/wtmpdb/wtmp.db
LL=/var/lib/lastlog/lastlog2.db
if ! command -v wtmpdb >/dev/null || ! command -v lastlog2 >/dev/null; then
	skip "wtmpdb or lastlog2 not installed (Debian 13 only)" "48-wtmpdb.sh: Debian 13's records"
	done_testing
	exit
fi
rig_user alice
rig_user bob	# no rule and default = none: never jailed
rig_jail web alice	# its tree has var/lib and var/log (rig_jail_tree)
rig_pam_examples
rig_mounts_snapshot "$RIG_DIR/mounts.before"
rig_sshd_up "sshd starts with the example sshd stack"

# One login as bob first: the databases exist (and are world-readable,
# as on a Debian 13 host) before alice's sessions.
rig_login bob "$(rig_pass bob)" true >/dev/null 2>&1
check "(control) after an unjailed login the host has $DB" test -f "$DB"
check "(control) and $LL" test -f "$LL"
check "(control) an unjailed user can read $DB" runuser -u bob -- sh -c "cat '$DB' >/dev/null"

# A probe run by the jailed user: open each database for reading and for
# writing, and list /var/lib; one "HOW PATH ERRNO-NAME|ok" line each.
rig_open_probe /home/alice/dbs.py /var/lib "$DB" "$LL"
cp /home/alice/dbs.py /home/bob/dbs.py	# homes are 0700 on Debian 13
probe_expected=$(rig_open_denied /var/lib "$DB" "$LL")
is "$(rig_ssh bob 'python3 ~/dbs.py' 2>&1 | grep -E '^(read|list) ')" \
	"$(printf '%s\n' "read $DB ok" "read $LL ok" "list /var/lib ok")" \
	"(control) for an unjailed user the probe reads both databases and lists /var/lib"

# The held ssh -tt sessions are rig_hold's (rig_release, rig_held_tty).
# last_of USER TTY: the host's newest wtmpdb line for USER on TTY.
last_of() {
	wtmpdb last "$1" 2>/dev/null | grep -E "^$1 +$2 " | head -n 1
}
# logged_out USER TTY: that line has a logout time (not "still logged in").
logged_out() {
	last_of "$1" "$2" | grep -Eq ' - [0-9]{2}:[0-9]{2} +\([0-9:+]+\)'
}
WRONG='update_logout: Updated wrong number of rows'

# --- a jailed ssh -tt login --------------------------------------------------
rig_syslog_mark
rig_hold alice S pty || not_ok "a jailed ssh -tt session stays open"
line=$(rig_held_tty alice S)
like "$line" '^pts/[0-9]+$' "the held ssh -tt session has a pty ($line)"
like "$(last_of alice "$line")" "still logged in" \
	"ssh -tt: the host's wtmpdb last shows alice on $line, still logged in (sshd-session's record)"
is "$(rig_ssh alice "python3 ~/dbs.py" 2>&1)" "$probe_expected" \
	"inside the jail wtmp.db and lastlog2.db cannot be opened for reading or writing, nor /var/lib listed (EACCES)"
out=$(rig_ssh alice 'wtmpdb last 2>&1; echo "rc=$?"' 2>&1)
unlike "$out" "alice +$line|pts/" "inside the jail wtmpdb last shows no login"
rig_release alice S
check "ssh -tt: after the logout the host's wtmpdb has it closed" \
	rig_wait 10 logged_out alice "$line"
is "$(rig_syslog_grep "$WRONG" 1)" "" "ssh -tt: no pam_wtmpdb '$WRONG' at close"
like "$(lastlog2 -u alice 2>&1)" "^alice +(ssh|$line|pts/[0-9]+) " \
	"ssh -tt: lastlog2 on the host has alice's login"

# --- login(1) on a pty -----------------------------------------------------------
rig_syslog_mark
out=$(rig_login alice "$(rig_pass alice)" "tty > ~/tty.L; wtmpdb last > ~/last.L 2>&1; true")
is "$?" 0 "login: a jailed login(1) session runs and ends" || diag "$out"
line=$(rig_held_tty alice L)
like "$line" '^pts/[0-9]+$' "the login(1) session had a pty ($line)"
check "login: the host's wtmpdb has the login with its logout" \
	rig_wait 10 logged_out alice "$line"
unlike "$(cat /home/alice/last.L)" "alice +$line" "login: inside the session wtmpdb last shows no login"
is "$(rig_syslog_grep "$WRONG" 1)" "" "login: no pam_wtmpdb '$WRONG' at close"
is "$(rig_syslog_grep 'pam_wtmpdb|pam_lastlog2' 1 | rig_pam_errors)" "" \
	"login: neither pam_wtmpdb nor pam_lastlog2 logs an error"
like "$(lastlog2 -u alice 2>&1)" "^alice +$line " \
	"login: lastlog2 on the host has alice's login on $line"

# --- su - (from a pty, so that pam_wtmpdb has a tty to record) ------------------
rig_syslog_mark
out=$(rig_pty "su - alice -c 'tty > ~/tty.U'")
is "$?" 0 "su - alice on a pty: runs and ends" || diag "$out"
line=$(rig_held_tty alice U)
check "su -: the host's wtmpdb has the session with its logout" \
	rig_wait 10 logged_out alice "$line"
is "$(rig_syslog_grep "$WRONG" 1)" "" "su -: no pam_wtmpdb '$WRONG' at close"

rig_nothing_left "after the sessions"
check "sshd stops" rig_sshd_stop
done_testing
