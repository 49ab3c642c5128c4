#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 62-check-login.sh - `jailctl check` says what a real login gets.  One
# table of cases: each sets up a config and a jail tree, then a real login
# (tests/pamdriver: open_session, fork, setuid, exec the user's shell, as
# login(1) does) and `jailctl check` both run, and the test asserts they
# report the same thing:
#   refuse MSG  the module refuses the session and logs MSG; check exits 1
#               and prints MSG
#   exec MSG    the session opens and exec of the shell fails with MSG
#               (sshd and login print the same); check exits 1 and says MSG
#   warn MSG    the login works; check exits 3 with a warning matching MSG
#   ok          the login works; check exits 0
# A case is a function that sets things up after `fresh` (one good jail
# for alice); add a row to CASES and a function to add a case.
# central: config mode 0666: the login is refused
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module
rig_require_jailctl

rig_user alice
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$RIG_CONF" "$INIT" | rig_pam_service jailtest
DROPINS=$(dirname "$RIG_CONF")/pam_jail.d
T=$RIG_JAILS/alice
# The rig's /etc/pam.d has no stack with pam_jail: check would only note
# that; an empty directory keeps the PAM lint out of these cases.
install -d -m 755 "$RIG_DIR/pam.none"

fresh() {
	rm -rf "$RIG_JAILS" "$DROPINS"
	: >"$RIG_CONF"
	# devpts = host: the host's books are bound (var/log, var/run); the
	# default's (the jail's own devpts, E15) is the create case below
	{ rig_jail_stanza web 'devpts = host'; rig_rules web user:alice; } | rig_conf_add
	rig_jail_tree alice
	install -d -m 755 "$T/run" "$T/run/user"
	usermod -s /bin/bash alice
}
# merged /usr jail: only /usr bound (README's first example did /bin too)
usr_only() {
	sed -i 's|^bind_ro = .*|bind_ro = /usr|' "$RIG_CONF"
	rmdir "$T/bin" "$T/sbin" "$T/lib" "$T/lib64"
}

c_conf_mode()     { chmod 666 "$RIG_CONF"; }
c_conf_owner()    { chown nobody "$RIG_CONF"; }
c_dropin_mode()   { install -d -m 755 "$DROPINS"
		    printf '[global]\n' >"$DROPINS/10-x.conf"; chmod 666 "$DROPINS/10-x.conf"; }
c_dropin_owner()  { install -d -m 755 "$DROPINS"
		    install -m 644 -o nobody /dev/null "$DROPINS/10-x.conf"; }
c_dropin_dir()    { install -d -m 777 "$DROPINS"; }
c_bad_value()     { sed -i 's|^network = none|network = sometimes|' "$RIG_CONF"; }
c_root_mode()     { chmod 777 "$T"; }
c_root_owner()    { chown alice "$T"; }
c_no_root()       { rm -rf "$T"; }
c_no_proc()       { rmdir "$T/proc"; }
c_no_passwd()     { rm -f "$T/etc/passwd"; }
c_passwd_dir()    { rm -f "$T/etc/group"; mkdir "$T/etc/group"; }
c_symlink_mp()    { rmdir "$T/tmp"; ln -s /var/tmp "$T/tmp"; }
c_usr_only()      { usr_only; }
c_usr_links()     { usr_only; local d
		    for d in bin sbin lib lib64; do [ -L "/$d" ] && ln -s "usr/$d" "$T/$d"; done; }
c_no_interp()     { usr_only; ln -s usr/bin "$T/bin"; ln -s usr/lib "$T/lib"; }
c_shell_noexec()  { install -m 644 /dev/null "$T/etc/sh"; usermod -s /etc/sh alice; }
c_no_var_log()    { rmdir "$T/var/log"; }
c_no_var_run()    { rmdir "$T/var/run"; }
c_no_run_user()   { rmdir "$T/run/user"; }
c_good()          { :; }
# README's own example tree ("The jail tree"), by its commands
c_readme_tree()   { rm -rf "$T"; install -d -m 755 "$RIG_JAILS"
		    awk '/^### The jail tree/ { on = 1; next } /^##/ { on = 0 }
			on && /^    (mkdir|touch) .*\/srv\/jails\/alice/' "$RIG_TOP/README.md" |
			sed "s|/srv/jails|$RIG_JAILS|g" | bash -e; }

# name | function | kind | what both must say (ERE; @C@ the config,
# @D@ the drop-in dir, @T@ the jail root)
CASES=$(cat <<'TABLE'
config mode 0666        | c_conf_mode    | refuse | @C@: writable by group or others
config not root's       | c_conf_owner   | refuse | @C@: not owned by root
drop-in mode 0666       | c_dropin_mode  | refuse | @D@/10-x.conf: writable by group or others
drop-in not root's      | c_dropin_owner | refuse | @D@/10-x.conf: not owned by root
drop-in dir mode 0777   | c_dropin_dir   | refuse | @D@: writable by group or others
bad value               | c_bad_value    | refuse | @C@:[0-9]+: network: expected none or host, got 'sometimes'
root mode 0777          | c_root_mode    | refuse | @T@: alice is writable by group or others
root owned by the user  | c_root_owner   | refuse | @T@.*not owned by root
no root                 | c_no_root      | refuse | @T@.*No such file or directory
no proc mount point     | c_no_proc      | refuse | /proc.*No such file or directory
no etc/passwd           | c_no_passwd    | refuse | /etc/passwd.*No such file or directory
etc/group a directory   | c_passwd_dir   | refuse | @T@/etc/group: mount point is not a regular file
symlinked mount point   | c_symlink_mp   | refuse | @T@/tmp: a component is a symlink
merged /usr, no links   | c_usr_only     | exec   | /bin/bash: No such file or directory
no /lib64 (interpreter) | c_no_interp    | exec   | /bin/bash: No such file or directory
shell not executable    | c_shell_noexec | exec   | /etc/sh: Permission denied
merged /usr with links  | c_usr_links    | ok     |
no var/log              | c_no_var_log   | warn   | @T@/var/log: the host's wtmp and lastlog never record
no var/run              | c_no_var_run   | warn   | @T@/var/run: the host's utmp never lists
no run/user             | c_no_run_user  | warn   | @T@/run/user: sessions get no XDG_RUNTIME_DIR
a good jail             | c_good         | ok     |
README's example tree   | c_readme_tree  | ok     |
TABLE
)

# login: run alice's shell (stdin empty: it exits at once) in a real
# session; the module's syslog line for it, the driver's stderr.
login() {
	rig_syslog_mark
	LOGIN_OUT=$("$DRIVER" -s jailtest alice </dev/null 2>&1) && LOGIN_RC=0 || LOGIN_RC=$?
	# every login logs a line (refused, or jail opened); the listener
	# writes it a moment later
	LOGIN_LOG=$(rig_syslog_grep 'pam_jail\(jailtest:session\)' 5 |
		sed 's/.*pam_jail(jailtest:session): //')
}
checked() {
	CHECK_OUT=$("$JAILCTL" check --pamdir "$RIG_DIR/pam.none" 2>&1) && CHECK_RC=0 || CHECK_RC=$?
}

run_case() {
	local name=$1 fn=$2 kind=$3 re=$4
	re=${re//@C@/$RIG_CONF}; re=${re//@D@/$DROPINS}; re=${re//@T@/$T}
	fresh; "$fn"
	login; checked
	case $kind in
	refuse)
		is "$LOGIN_RC" 254 "$name: the login is refused" || diag "$LOGIN_OUT"
		like "$LOGIN_LOG" "$re" "$name: the module logs /$re/" || diag "$LOGIN_LOG"
		is "$CHECK_RC" 1 "$name: check exits 1" || diag "$CHECK_OUT"
		# the same words: the module's line, verbatim, in check's output
		# (without the module's "user alice: jail web:" context, which
		# check words as the rule and its file:line)
		msg=$(printf '%s\n' "$LOGIN_LOG" | head -n 1 |
			sed -E 's/^user alice(:| jail web:)( jail web:| jail init:)? //')
		if [ -n "$msg" ] && grep -qF -- "$msg" <<<"$CHECK_OUT"; then
			ok "$name: check prints the module's message verbatim"
		else
			not_ok "$name: check prints the module's message verbatim"
			diag "module: $LOGIN_LOG"; diag "check: $CHECK_OUT"
		fi ;;
	exec)
		like "$LOGIN_RC" '^[1-9]' "$name: the session cannot start its shell" || diag "$LOGIN_OUT"
		like "$LOGIN_OUT" "$re" "$name: the exec fails with /$re/"
		is "$CHECK_RC" 1 "$name: check exits 1" || diag "$CHECK_OUT"
		like "$CHECK_OUT" "shell $re" "$name: check says the same" || diag "$CHECK_OUT" ;;
	warn)
		is "$LOGIN_RC" 0 "$name: the login works" || diag "$LOGIN_OUT $LOGIN_LOG"
		is "$CHECK_RC" 3 "$name: check exits 3 (warnings only)" || diag "$CHECK_OUT"
		like "$CHECK_OUT" "warning: .*$re" "$name: check warns /$re/" || diag "$CHECK_OUT" ;;
	ok)
		is "$LOGIN_RC" 0 "$name: the login works" || diag "$LOGIN_OUT $LOGIN_LOG"
		is "$CHECK_RC" 0 "$name: check exits 0" || diag "$CHECK_OUT"
		like "$CHECK_OUT" 'jailctl check: ok' "$name: check says ok" ;;
	esac
}

# trim TEXT: TEXT without its leading and trailing blanks
trim() {
	local t=${1#"${1%%[![:space:]]*}"}
	printf '%s' "${t%"${t##*[![:space:]]}"}"
}

while IFS='|' read -r name fn kind re; do
	name=$(trim "$name") fn=$(trim "$fn") kind=$(trim "$kind")
	re=${re# }; re=${re% }
	run_case "$name" "$fn" "$kind" "$re"
done <<<"$CASES"

# --json, for configuration management: the same findings, one document.
# A jail root whose name holds '"' and '\' must still parse.
fresh; c_no_var_log
odd='/srv/jails/a"b\c'
conf=$(<"$RIG_CONF")
printf '%s\n' "${conf//root = $RIG_JAILS\/%u/root = $odd}" | rig_conf
mv "$T" "$odd"
json=$("$JAILCTL" check --json --pamdir "$RIG_DIR/pam.none") && rc=0 || rc=$?
is "$rc" 3 "check --json: the exit status is the same (3: warnings only)"
is "$(python3 -c '
import json, sys
d = json.load(sys.stdin)
w = [f["message"] for f in d["findings"] if f["level"] == "warning"]
print(d["result"], d["exit"], d["errors"], d["warnings"], len(w), "var/log:" in w[0])
' <<<"$json" 2>&1)" "warnings 3 0 1 1 True" \
	"check --json: valid JSON with result, exit, counts and the warning (root $odd)" ||
	diag "$json"
check "... the same warning as the text output" \
	grep -qF "no directory $odd/var/log:" <<<"$("$JAILCTL" check --pamdir "$RIG_DIR/pam.none")"

# === create lays out what the binds need, check passes it, ssh logs in ===
# The issue's case: only /usr bound on a merged-/usr host, from no tree at
# all.  create makes bin -> usr/bin etc., the records directory (var/log:
# with the jail's own devpts, the default, utmp and wtmp are the jail's,
# E15) and run/user; check then says ok; a real ssh login works and lands
# in the host's lastlog.
rm -rf "$RIG_JAILS" "$DROPINS"
rig_conf <<-EOF
	[jail:min]
	root = $RIG_JAILS/%u
	bind_ro = /usr
	bind_rw = %h
	tmpfs = /tmp
	hostname = %u
	[user:alice]
	jail = min
EOF
o=$("$JAILCTL" create alice 2>&1) && rc=0 || rc=$?
is "$rc" 0 "create alice (bind_ro = /usr only) exits 0" || diag "$o"
if [ -L /bin ]; then
	like "$o" "created $T/bin -> $(readlink /bin)" "create says it made the merged-/usr link bin" ||
		diag "$o"
	is "$(readlink "$T/bin") $(stat -c %u "$T/bin" 2>&1)" "$(readlink /bin) 0" "... a root-owned link, as on the host"
else
	skip "the host's /bin is not a symlink (no merged /usr)" "merged-/usr links"
fi
for d in var/log run/user; do
	like "$o" "created $T/$d/" "create makes $d"
done
unlike "$o" "created $T/var/run/" "create makes no var/run (the jail's own devpts keeps its own utmp)"
o2=$("$JAILCTL" create alice 2>&1)
like "$o2" "nothing to do: $T is complete" "create again: nothing to do (idempotent)" || diag "$o2"
checked
is "$CHECK_RC" 0 "check passes the tree create made" || diag "$CHECK_OUT"
for f in /run/utmp /var/log/wtmp /var/log/lastlog; do	# as on Debian
	install -m 664 -o 0 -g utmp /dev/null "$f"
done
rig_pam_stacks
rig_sshd_up "sshd starts"
is "$(rig_ssh_pty alice 'echo "$0 $(hostname)"' 2>&1)" "bash alice" \
	"a real ssh -tt login works in it: alice's /bin/bash runs, in the jail"
like "$(lastlog -u alice)" "^alice +pts/" \
	"... and the host's lastlog records the jailed login (var/log)"
rig_sshd_stop

done_testing
