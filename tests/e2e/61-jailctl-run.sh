#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 61-jailctl-run.sh - jailctl list, enter and stop against real running
# jails of real ssh sessions.
# central: list shows alice's jail
# releases: 12 (jailctl against running jails, the same on 13; CI time)
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module
JAILCTL=${JAILCTL:-${BUILD:-$RIG_TOP/build}/jailctl}
ctl() { "$JAILCTL" --conf "$RIG_CONF" "$@"; }

rig_user alice
rig_user bob
rig_jail web alice bob
rig_pam_stacks
rig_sshd_start || not_ok "sshd starts"
hold() { # USER FLAG: an ssh session that stays until ~/FLAG exists
	rig_ssh "$1" "touch ~/held.$2; sleep 300 & while [ ! -e ~/$2 ]; do sleep 0.1; done" \
		>/dev/null 2>&1 &
	rig_wait 10 test -e "/home/$1/held.$2"
}

is "$(ctl list | tail -n +2)" "" "list with no jail running shows only the header"
hold alice A || not_ok "alice holds a session"
hold alice B || not_ok "alice holds a second one"
init=$(pgrep -x jail-init)
out=$(ctl list)
like "$out" "^web +alice +2 +$init +[0-9]+ +[0-9]+s +[0-9]+K /srv/jails/alice" \
	"list shows alice's jail: name, user, 2 sessions, its init pid, processes, uptime, memory"
procs=$(printf '%s\n' "$out" | awk 'NR == 2 {print $5}')
like "$procs" '^([5-9]|[1-9][0-9])$' "list counts the jail's processes ($procs)"
json=$(ctl list --json)
like "$json" "\"jail\": \"web\".*\"users\": \"alice\".*\"sessions\": 2.*\"init\": $init" \
	"list --json gives the same for scripts"
check "list --json is valid JSON" python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$json"

# enter lands in the same pid namespace, as the user, with the jail's limits
is "$(ctl enter alice -- sh -c 'id -un; readlink /proc/self/ns/pid; hostname')" \
	"$(printf 'alice\n%s\nalice' "$(readlink /proc/"$init"/ns/pid)")" \
	"enter alice runs as alice in the jail's pid namespace, with its hostname"
is "$(ctl enter web -- sh -c 'ps -e -o args= | grep -c "^sleep 300$"')" 2 \
	"enter web (by jail name) sees the sessions' processes"
caps=$(ctl enter alice -- grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status)
like "$caps" 'CapEff:[[:space:]]+0+' "the entered process has no capability"
like "$caps" 'CapBnd:[[:space:]]+0+' "and an empty bounding set"
like "$caps" 'NoNewPrivs:[[:space:]]+1' "and no_new_privs"
like "$caps" 'Seccomp:[[:space:]]+2' "and the jail's seccomp filter"
is "$(ctl list | awk 'NR == 2 {print $3}')" 2 "after enter returns, the jail has its 2 sessions again"
check_fails "enter of a user with no running jail fails" ctl enter bob -- true
check_fails "enter of an unknown name fails" ctl enter nosuchjail -- true

# jail-init closes an fd passed with a message that takes none: an INFO,
# or a message cut short.  Each leaked one would stay in init's fd table
# for the jail's life (jail-init.c, accept_one).
ctl_sock=$(find /run/pam_jail -mindepth 2 -maxdepth 2 -name ctl -type s | head -n 1)
fds_before=$(find /proc/"$init"/fd -mindepth 1 | wc -l)
python3 - "$ctl_sock" <<'PY' || not_ok "the fd-passing client ran"
import os, socket, struct, sys
null = os.open("/dev/null", os.O_RDONLY)
info = struct.pack("=II3Q", 4, 0, 0, 0, 0)	# struct jc_msg, JC_MSG_INFO
for msg in [info] * 10 + [info[:4]] * 10:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    socket.send_fds(s, [msg], [null])
    s.recv(64)	# the reply, or EOF: init is done with it
    s.close()
PY
is "$(find /proc/"$init"/fd -mindepth 1 | wc -l)" "$fds_before" \
	"jail-init keeps none of 20 fds passed with INFO or a short message"

# stop ends the jail and every process of its sessions
out=$(ctl stop alice)
like "$out" "^stopped jail web \(/srv/jails/alice\), init $init$" "stop alice ends alice's jail"
check "no process of the jail is left" rig_jail_procs_gone 10
is "$(ctl list | tail -n +2)" "" "list no longer shows it"
check_fails "stop of a jail that is not running fails" ctl stop alice
is "$(rig_ssh alice 'echo again')" again "the next login builds a fresh jail"
touch /home/alice/A /home/alice/B
check "no jail left at the end" rig_jail_procs_gone 10
rig_sshd_stop

# list --json escapes what it prints: a user name from NSS may hold '"' and
# '\' (useradd refuses them, LDAP does not); the rig's own passwd has one.
weird='q"a\b'
groupadd -g 2345 weird
printf '%s:x:2345:2345::/home/weird:/bin/sh\n' "$weird" >>/etc/passwd
printf '%s:!:19000::::::\n' "$weird" >>/etc/shadow
install -d -o 2345 -g 2345 /home/weird
rig_jail_tree weird
printf '[jail:odd]\nroot = /srv/jails/weird\nbind_ro = /usr /bin /lib /lib64 /sbin\nbind_rw = %%h\nhostname = odd\n[group:weird]\njail = odd\n' |
	rig_conf_add
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$RIG_CONF" "$INIT" | rig_pam_service jailtest
"$DRIVER" -s jailtest "$weird" sh -c 'while [ ! -e ~/go ]; do sleep 0.1; done' \
	>/dev/null 2>&1 &
rig_wait 10 sh -c '"$1" list | grep -q "^odd "' - "$JAILCTL" || not_ok "the odd user's jail runs"
json=$(ctl list --json)
is "$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["users"])' <<<"$json" 2>&1)" \
	"$weird" "list --json escapes a user name with '\"' and '\\' (it parses back to the name)" ||
	diag "$json"
touch /home/weird/go
check "no jail left after the odd user's session" rig_jail_procs_gone 10
done_testing
