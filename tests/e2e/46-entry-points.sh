#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 46-entry-points.sh - every way into sshd lands in the jail and works,
# with the project's example stacks (conf/pam.d/debianN) and the example sftp-only
# block (conf/sshd_config.sftp-only):
#  - the examples for the rig's release (conf/pam.d/debian12 or debian13)
#    are its stacks byte for byte plus the pam_jail line, and
#    rig_pam_stacks (used by the other tests) builds the same;
#  - an interactive shell, a command, a command on a pty, the sftp-server
#    subsystem, ForceCommand internal-sftp (an sftp-only user), scp,
#    rsync, local forwarding (-L reaches the jail's own loopback, not the
#    rig's sshd), remote forwarding (-R listens in the jail's network
#    namespace), agent forwarding (-A: the socket in the jail's /tmp) and
#    multiplexed channels (one connection, one jail).
# releases: 12 13
# Run: tests/rig/isolate.sh tests/e2e/46-entry-points.sh  (MODULE, INIT absolute)
# central: command: ssh alice CMD runs in the jail
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

TOP=${RIG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
rig_user alice
rig_user bob	# no rule and default = none: never jailed
rig_user carol	# sftp only
rig_group sftponly carol
rig_jail web alice carol
jail_root=$(printf '%s\n' bin dev etc home lib lib64 proc sbin tmp usr var)
alice_hosts=$(cat /srv/jails/alice/etc/hosts)
carol_hosts=$(cat /srv/jails/carol/etc/hosts)

# --- the example stacks ----------------------------------------------------
# effective FILE: a stack's lines without comments and blank lines.
effective() { grep -Ev '^[[:space:]]*(#|$)' "$1"; }
for s in sshd login su runuser cron; do
	case $s in
	sshd) pkg=openssh-server ;;
	su | runuser) pkg=util-linux ;;
	*) pkg=$s ;;
	esac
	f=$RIG_PAM_EXAMPLES/$s
	want=$(dpkg-query -W -f='${Conffiles}\n' "$pkg" 2>/dev/null |
		awk -v p="/etc/pam.d/$s" '$1 == p { print $2 }')
	# the header ends at the first blank line; the pam_jail block is the
	# last three lines (a blank, a comment, the line)
	got=$(sed '1,/^$/d' "$f" | head -n -3 | md5sum | cut -d' ' -f1)
	is "$got" "${want:-no conffile $pkg:/etc/pam.d/$s}" \
		"conf/pam.d/debian$RIG_RELEASE/$s is Debian $RIG_RELEASE's $pkg stack byte for byte (md5 of dpkg's conffile)"
	is "$(effective "$f" | tail -n 1)" "session required pam_jail.so" \
		"conf/pam.d/debian$RIG_RELEASE/$s: 'session required pam_jail.so' is the last line"
	is "$(grep -Ec '^[^#]*pam_jail\.so' "$f")" 1 "conf/pam.d/debian$RIG_RELEASE/$s: one pam_jail line"
done
rig_pam_stacks
for s in sshd login su runuser cron; do
	is "$(effective "/etc/pam.d/$s")" "$(effective <(rig_pam_example "$RIG_PAM_EXAMPLES/$s"))" \
		"rig_pam_stacks' $s stack is the example's, with pam_jail.so replaced by the build's module"
done
rig_pam_examples
for s in sshd login su runuser cron; do
	check "rig_pam_examples installs conf/pam.d/debian$RIG_RELEASE/$s as the rig's $s stack" \
		cmp "/etc/pam.d/$s" <(rig_pam_example "$RIG_PAM_EXAMPLES/$s")
done
for s in su-l runuser-l; do
	check "rig_pam_examples leaves $s Debian's (it includes ${s%-l})" \
		cmp "/etc/pam.d/$s" "$RIG_DIR/pam.d.orig/$s"
done

# --- sshd with the example sftp-only block -----------------------------------
mapfile -t sftp_only < <(effective "$TOP/conf/sshd_config.sftp-only")
if rig_sshd_start "${sftp_only[@]}"; then
	ok "sshd starts with conf/sshd_config.sftp-only appended"
else
	not_ok "sshd starts with conf/sshd_config.sftp-only appended"
	done_testing
	exit
fi
mapfile -t O < <(rig__ssh_opts; rig__key_opts)
# t_ssh ARGS...: ssh with the rig's options and an outer time bound.
t_ssh() { timeout 30 ssh "${O[@]}" "$@"; }
# LOOK: one line that says where a session runs.
# shellcheck disable=SC2016 # expanded by the session's shell
LOOK='echo "host=$(hostname) init=$(cat /proc/1/comm) root=$(ls / | tr "\n" " ")"'
jailed_look="host=alice init=jail-init root=$(printf '%s' "$jail_root" | tr '\n' ' ') "
leftovers() {
	check "after $1: no jail process is left" rig_jail_procs_gone 10
}

# --- shell, command, pty -----------------------------------------------------
# shellcheck disable=SC2016 # typed into the remote login shell
out=$(printf '%s\n' "$LOOK"'; echo "zero=$0 tty=$(tty)"' exit |
	t_ssh -tt alice@127.0.0.1 2>&1 | tr -d '\r' | rig__no_escapes)
like "$out" '^zero=-bash tty=/dev/pts/[0-9]+$' "shell: ssh -tt without a command runs alice's login shell on a pty"
like "$out" "^${jailed_look}\$" "shell: it is jailed (hostname alice, pid 1 jail-init, / the jail tree)"
is "$(rig_ssh alice "$LOOK" 2>&1)" "$jailed_look" "command: ssh alice CMD runs in the jail"
out=$(rig_ssh_pty alice "tty; $LOOK" 2>&1)
like "$out" '^/dev/pts/[0-9]+$' "pty: ssh -tt alice CMD gets a pty"
like "$out" "^${jailed_look}\$" "pty: and runs in the jail"
leftovers "shell, command and pty"

# --- the sftp-server subsystem ------------------------------------------------
tok="payload-$RANDOM$RANDOM"
echo "$tok" >"$RIG_DIR/up.txt"
rm -f "$RIG_DIR/sftp-hosts" "$RIG_DIR/sftp-back"
rig_syslog_mark
out=$(rig_sftp alice 2>&1 <<-EOF
	put $RIG_DIR/up.txt sftp-up.txt
	get sftp-up.txt $RIG_DIR/sftp-back
	get /etc/hosts $RIG_DIR/sftp-hosts
	ls -1 /
EOF
)
is "$(printf '%s\n' "$out" | grep '^/' | sed 's|^/||')" "$jail_root" "sftp subsystem: ls / shows only the jail tree"
is "$(cat "$RIG_DIR/sftp-hosts" 2>&1)" "$alice_hosts" "sftp subsystem: /etc/hosts is the jail's"
is "$(cat /home/alice/sftp-up.txt 2>&1)|$(cat "$RIG_DIR/sftp-back" 2>&1)" "$tok|$tok" \
	"sftp subsystem: put lands in alice's home, get brings it back"
like "$(rig_syslog_grep "Starting session: subsystem 'sftp' for alice ")" \
	'^<[0-9]+>pam_jail-web\[[0-9]+\]: uid=[0-9]+: ' "sftp subsystem: sshd's session line comes from inside the jail"
leftovers "sftp"

# --- ForceCommand internal-sftp: carol is sftp-only ---------------------------
rig_syslog_mark
out=$(rig_ssh carol 'id; hostname' </dev/null 2>&1)
rc=$?
unlike "$out" 'uid=|^carol$|^rig$' "sftp-only: ssh carol CMD does not run CMD"
like "$rc|$out" '^[1-9][0-9]*\|.*This service allows sftp connections only\.' \
	"sftp-only: it is refused (non-zero exit, 'This service allows sftp connections only.')"
like "$(rig_syslog_grep "Starting session: forced-command \(config\) 'internal-sftp -l INFO' for carol ")" \
	'^<[0-9]+>pam_jail-web\[[0-9]+\]: uid=[0-9]+: ' "sftp-only: sshd forced internal-sftp, inside the jail"
like "$(rig_syslog_grep 'pam_jail\(sshd:session\): jail opened: user=carol ')" 'root=/srv/jails/carol ' \
	"sftp-only: carol's session is jailed in /srv/jails/carol"
rm -f "$RIG_DIR/carol-hosts" "$RIG_DIR/carol-passwd"
rig_syslog_mark
out=$(rig_sftp carol 2>&1 <<-EOF
	put $RIG_DIR/up.txt carol-up.txt
	get /etc/hosts $RIG_DIR/carol-hosts
	get /etc/passwd $RIG_DIR/carol-passwd
	ls -1 /
	ls -1 /home
EOF
)
is "$(printf '%s\n' "$out" | grep -E '^/[a-z0-9]+$' | sed 's|^/||')" "$jail_root" \
	"sftp-only: internal-sftp's / is the jail tree"
like "$out" '^/home/carol$' "sftp-only: /home holds only carol"
unlike "$out" '/home/(alice|bob)' "sftp-only: no other user's home is visible"
is "$(cat /home/carol/carol-up.txt 2>&1)" "$tok" "sftp-only: put lands in carol's home"
is "$(cat "$RIG_DIR/carol-hosts" 2>&1)" "$carol_hosts" "sftp-only: /etc/hosts is carol's jail's"
is "$(cut -d: -f1 "$RIG_DIR/carol-passwd" 2>&1 | tr '\n' ' ')" "root nobody carol " \
	"sftp-only: /etc/passwd is the jail's generated one"
like "$(rig_syslog_grep 'session opened for local user carol ')" \
	"^<[0-9]+>pam_jail-web\[[0-9]+\]: uid=$(id -u carol): " \
	"sftp-only: internal-sftp's own log lines arrive tagged with the jail"
like "$(t_ssh -o ExitOnForwardFailure=yes -R 127.0.0.1:19999:127.0.0.1:22 carol@127.0.0.1 true </dev/null 2>&1)" \
	'remote port forwarding failed' "sftp-only: forwarding is refused (AllowTcpForwarding no)"
leftovers "the sftp-only sessions"

# --- scp and rsync --------------------------------------------------------------
rm -f "$RIG_DIR/scp-back" "$RIG_DIR/scp-hosts" /home/alice/scp-up.txt /home/alice/scp-o-up.txt
rig_scp "$RIG_DIR/up.txt" alice@127.0.0.1:scp-up.txt 2>&1
rig_scp alice@127.0.0.1:scp-up.txt "$RIG_DIR/scp-back" 2>&1
is "$(cat /home/alice/scp-up.txt 2>&1)|$(cat "$RIG_DIR/scp-back" 2>&1)" "$tok|$tok" "scp: up and down"
rig_scp alice@127.0.0.1:/etc/hosts "$RIG_DIR/scp-hosts" 2>&1
is "$(cat "$RIG_DIR/scp-hosts" 2>&1)" "$alice_hosts" "scp: /etc/hosts is the jail's"
# -O: the legacy protocol runs scp -t / scp -f in the jailed session
rm -f "$RIG_DIR/scp-o-hosts"
rig_scp -O "$RIG_DIR/up.txt" alice@127.0.0.1:scp-o-up.txt 2>&1
is "$(cat /home/alice/scp-o-up.txt 2>&1)" "$tok" "scp -O (scp -t in the jail): up"
rig_scp -O alice@127.0.0.1:/etc/hosts "$RIG_DIR/scp-o-hosts" 2>&1
is "$(cat "$RIG_DIR/scp-o-hosts" 2>&1)" "$alice_hosts" "scp -O (scp -f in the jail): /etc/hosts is the jail's"
rsh="ssh $(printf '%s ' "${O[@]}")"
rm -rf "$RIG_DIR/rs-up" "$RIG_DIR/rs-down" "$RIG_DIR/rs-hosts"
mkdir -p "$RIG_DIR/rs-up/sub"
echo "$tok" >"$RIG_DIR/rs-up/a"
echo "b-$tok" >"$RIG_DIR/rs-up/sub/b"
rsync -a -e "$rsh" "$RIG_DIR/rs-up/" alice@127.0.0.1:rs-dir/ 2>&1
check "rsync over ssh: up" diff -r "$RIG_DIR/rs-up" /home/alice/rs-dir
rsync -a -e "$rsh" alice@127.0.0.1:rs-dir/ "$RIG_DIR/rs-down/" 2>&1
check "rsync over ssh: down" diff -r "$RIG_DIR/rs-up" "$RIG_DIR/rs-down"
rsync -e "$rsh" alice@127.0.0.1:/etc/hosts "$RIG_DIR/rs-hosts" 2>&1
is "$(cat "$RIG_DIR/rs-hosts" 2>&1)" "$alice_hosts" "rsync over ssh: /etc/hosts is the jail's"
leftovers "scp and rsync"

# --- local forwarding: the jail's own loopback ----------------------------------
# banner PORT: the first bytes a TCP connection to 127.0.0.1:PORT of the
# rig's namespace sends (an ssh server says "SSH-2.0-..."), or EOF.
banner() {
	python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.settimeout(5)
try:
    d = s.recv(64).decode(errors="replace").strip()
except OSError as e:
    d = "error: %s" % e
print(d or "EOF")' "$1" 2>&1
}
# hold_fwd USER FLAG SSH-ARGS...: a session with the given forwarding
# options that stays open until ~/FLAG exists.
hold_fwd() {
	local user=$1 flag=$2
	shift 2
	rm -f "/home/$user/$flag" "/home/$user/held.$flag"
	t_ssh -o ExitOnForwardFailure=yes "$@" "$user@127.0.0.1" \
		"touch ~/held.$flag; while [ ! -e ~/$flag ]; do sleep 0.1; done" >/dev/null 2>&1 &
	HOLD_PID=$!
	rig_wait 15 test -e "/home/$user/held.$flag"
}
release() {
	touch "/home/$1/$2"
	wait "$HOLD_PID"
}

# A web server inside alice's jail, on the jail's 127.0.0.1:8080, serving
# the jail's /tmp.  Its session holds the jail; the others join it.
timeout 60 ssh "${O[@]}" alice@127.0.0.1 \
	"echo $tok > /tmp/marker; exec python3 -m http.server 8080 --bind 127.0.0.1 --directory /tmp" \
	>/dev/null 2>&1 &
web=$!	# timeout's pid: it passes a SIGTERM on to ssh
check "a listener inside the jail on 127.0.0.1:8080" \
	rig_wait 15 sh -c "ssh $(printf '%s ' "${O[@]}") alice@127.0.0.1 'ss -Hltn \"sport = :8080\"' | grep -q 8080"
check "(control) nothing listens on 8080 in the rig's own network namespace" test -z "$(ss -Hltn 'sport = :8080')"
like "$(banner 22)" '^SSH-2\.0-' "(control) the rig's sshd answers on the rig's 127.0.0.1:22"
hold_fwd alice L -L 127.0.0.1:18080:127.0.0.1:8080 -L 127.0.0.1:18022:127.0.0.1:22 ||
	not_ok "a session with -L forwards stays open"
is "$(python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:18080/marker", timeout=5).read().decode().strip())' 2>&1)" \
	"$tok" "-L to 127.0.0.1:8080 reaches the listener inside the jail"
is "$(banner 18022)" EOF \
	"-L to 127.0.0.1:22 does not reach the rig's sshd (the jail's loopback, where nothing listens: no banner)"
release alice L
hold_fwd bob LB -L 127.0.0.1:18023:127.0.0.1:22 || not_ok "bob's session with -L stays open"
like "$(banner 18023)" '^SSH-2\.0-' "(control) the same -L to 127.0.0.1:22 by an unjailed user reaches the rig's sshd"
release bob LB
kill "$web" 2>/dev/null
wait "$web" 2>/dev/null
leftovers "the -L sessions"

# --- remote forwarding: the listener lives in the jail's network namespace ------
python3 -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 19191)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.sendall(sys.argv[1].encode() + b"\n"); c.close()' "rig-$tok" &
target=$!
rm -f /home/alice/R /home/alice/held.R /home/alice/r.out
# shellcheck disable=SC2016 # expanded by the session's shell
t_ssh -o ExitOnForwardFailure=yes -R 127.0.0.1:19090:127.0.0.1:19191 alice@127.0.0.1 \
	'i=0; until ss -Hltn "sport = :19090" | grep -q 19090 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	ss -Hltn "sport = :19090" > ~/r.out; touch ~/held.R
	while [ ! -e ~/R ]; do sleep 0.1; done
	exec 3<>/dev/tcp/127.0.0.1/19090; head -n 1 <&3' >"$RIG_DIR/r.fwd" 2>&1 &
HOLD_PID=$!
rig_wait 15 test -e /home/alice/held.R || not_ok "a session with -R stays open"
like "$(cat /home/alice/r.out)" '127\.0\.0\.1:19090' "-R: the session sees the listener (ss -ltn inside the jail)"
is "$(ss -Hltn 'sport = :19090')" "" "-R: the rig's ss -ltn does not: it is in the jail's network namespace"
release alice R
is "$(cat "$RIG_DIR/r.fwd")" "rig-$tok" "-R: a connection to it from inside the jail reaches the client's side"
kill "$target" 2>/dev/null
wait "$target" 2>/dev/null
leftovers "the -R session"

# --- agent forwarding ---------------------------------------------------------------
eval "$(ssh-agent -s -a "$RIG_DIR/agent.sock")" >/dev/null
ssh-add -q "$(rig_key)" 2>&1
fp=$(ssh-keygen -lf "$(rig_key).pub" | awk '{print $2}' | sed 's/[][\.*^$+?(){}|/]/\\&/g')
# shellcheck disable=SC2016 # expanded by the session's shell
out=$(t_ssh -A alice@127.0.0.1 'echo "sock=$SSH_AUTH_SOCK"; test -S "$SSH_AUTH_SOCK" && echo is-socket; ssh-add -l' 2>&1)
sock=$(printf '%s\n' "$out" | sed -n 's/^sock=//p')
like "$sock" '^/tmp/ssh-[A-Za-z0-9]+/agent\.[0-9]+$' "-A: SSH_AUTH_SOCK points into /tmp ($sock)"
like "$out" '^is-socket$' "-A: the socket exists inside the jail"
check "-A: it is the jail's /tmp, not the rig's" test ! -e "$sock"
like "$out" "^256 $fp rig \(ED25519\)\$" "-A: ssh-add -l inside lists the rig's key through the forwarded agent"
ssh-agent -k >/dev/null 2>&1
leftovers "the -A session"

# --- multiplexed channels: one connection, one jail -------------------------------
cp="$RIG_DIR/cm.sock"
rig_syslog_mark
t_ssh -o ControlMaster=yes -o ControlPath="$cp" -o ControlPersist=60 -N -f alice@127.0.0.1 2>&1
check "a ControlMaster connection is up" ssh "${O[@]}" -o ControlPath="$cp" -O check alice@127.0.0.1
mux=""
for _ in 1 2 3; do
	# shellcheck disable=SC2016 # expanded by the session's shell
	mux="$mux$(t_ssh -o ControlMaster=no -o ControlPath="$cp" alice@127.0.0.1 \
		'echo "$(readlink /proc/self/ns/pid) $(cat /proc/1/comm) $(hostname) $$"' 2>&1)"$'\n'
done
init=$(rig_syslog_grep 'jail opened: user=alice ' | sed -nE 's/.* init=([0-9]+) .*/\1/p')
is "$(printf '%s' "$mux" | cut -d' ' -f1-3 | sort -u)" "$(readlink "/proc/$init/ns/pid") jail-init alice" \
	"three commands over one connection all run in its jail (the pid namespace of the jail-init its session started, hostname alice)"
is "$(printf '%s' "$mux" | cut -d' ' -f4 | sort -u | wc -l)" 3 "each in a process of its own"
is "$(rig_syslog_grep 'Accepted publickey for alice ' 1 | wc -l)|$(rig_syslog_grep 'jail (opened|joined): user=alice ' 1 | wc -l)" \
	"1|1" "one connection, one PAM session, one jail"
ssh "${O[@]}" -o ControlPath="$cp" -O exit alice@127.0.0.1 2>/dev/null
leftovers "the multiplexed connection"

check "sshd stops" rig_sshd_stop
done_testing
