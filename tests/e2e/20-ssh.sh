#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 20-ssh.sh - real logins over a real sshd, Debian's stack with pam_jail as
# the last session line (required): a command, a pty (tty, stty, script,
# tmux), sftp, scp (both protocols), rsync, ten jailed users at once, a
# jailed and an unjailed user side by side, the audit lines and the lines
# relayed from inside the jail, and nothing left behind after any session.
# releases: 12 13
# Run: tests/rig/isolate.sh tests/e2e/20-ssh.sh  (MODULE, INIT absolute)
# central: ssh alice ls /: only the jail tree
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

TEN="u1 u2 u3 u4 u5 u6 u7 u8 u9 u10"
rig_user alice
rig_user bob	# no rule and default = none: never jailed
for u in $TEN; do rig_user "$u"; done
# shellcheck disable=SC2086 # one word per user
rig_jail web alice $TEN
rig_pam_stacks
rig_mounts_snapshot "$RIG_DIR/mounts.before"
host_root=$(ls /)
jail_root=$(printf '%s\n' bin dev etc home lib lib64 proc sbin tmp usr var)
alice_uid=$(id -u alice)

rig_sshd_up "sshd starts with pam_jail in its session stack"

# --- ssh USER CMD ----------------------------------------------------------
is "$(rig_ssh alice ls / 2>&1)" "$jail_root" "ssh alice ls /: only the jail tree"
is "$(rig_ssh alice 'ps -e -o pid=,comm=' 2>&1 | awk '{print $1, $2}' | tr '\n' ' ')" \
	"1 jail-init 2 $RIG_SSHD_SESSION 3 ps " \
	"ssh alice ps -e: jail-init is pid 1, then only sshd's child and ps"
is "$(rig_ssh alice hostname 2>&1)" alice "ssh alice hostname: the jail's (%u)"
is "$(hostname)" rig "(control) the rig's hostname is unchanged"
like "$(rig_ssh alice id 2>&1)" "^uid=$alice_uid\(alice\)" "the command runs as alice"
is "$(rig_ssh alice pwd 2>&1)" /home/alice "the command starts in alice's home"
is "$(rig_ssh alice cat <<<'stdin reaches the jail' 2>&1)" 'stdin reaches the jail' \
	"stdin reaches the jailed command"
rig_nothing_left "after ssh commands"

# --- ssh -tt: a pty, stty, a nested pty, tmux -----------------------------
out=$(rig_ssh_pty alice 'tty; hostname' 2>&1)
like "$out" '^/dev/pts/[0-9]+$' "ssh -tt: tty prints a /dev/pts path"
like "$out" '^alice$' "ssh -tt: the pty session is jailed (hostname alice)"
out=$(rig_ssh_pty alice 'stty -a; echo "stty-rc=$?"' 2>&1)
like "$out" '^stty-rc=0$' "ssh -tt: stty -a succeeds on the pty"
like "$out" 'speed [0-9]+ baud.*line = ' "ssh -tt: stty -a prints the pty's settings"
out=$(rig_ssh_pty alice 'tty; script -qc tty /dev/null' 2>&1)
outer=$(printf '%s\n' "$out" | sed -n 1p)
inner=$(printf '%s\n' "$out" | sed -n 2p)
like "$inner" '^/dev/pts/[0-9]+$' "script(1) inside opens a nested pty"
if [ -n "$inner" ] && [ "$inner" != "$outer" ]; then
	ok "the nested pty is a new one ($inner inside $outer)"
else
	not_ok "the nested pty is a new one" "outer: $outer" "inner: $inner"
fi
# tmux: its server daemonizes and is left running on purpose; the end of
# the session must take it down with the jail.
rm -f /home/alice/tmux-tty
# shellcheck disable=SC2016 # expanded by alice's shell
out=$(rig_ssh_pty alice 'tmux new-session -d -s jailed "tty > ~/tmux-tty; exec sleep 300";
	i=0; while [ ! -s ~/tmux-tty ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	tmux has-session -t jailed && echo has-session; ls "/tmp/tmux-$(id -u)"' 2>&1)
like "$out" '^has-session$' "tmux inside the jail starts a session"
like "$(cat /home/alice/tmux-tty 2>&1)" '^/dev/pts/[0-9]+$' \
	"the tmux pane runs on a pty of its own"
like "$out" '^default$' "tmux's socket is in the jail's /tmp"
check "(control) tmux's socket is not in the rig's /tmp" test ! -e "/tmp/tmux-$alice_uid"
rig_nothing_left "after the pty sessions (tmux server left running)"

# --- sftp, scp, rsync -----------------------------------------------------
# The jail's /etc/hosts (rig_jail_tree) names the user: a file fetched from
# /etc/hosts says from which root the server side served it.
jail_hosts=$(cat /srv/jails/alice/etc/hosts)
if [ "$(cat /etc/hosts)" != "$jail_hosts" ]; then
	ok "(control) the jail's /etc/hosts differs from the rig's"
else
	not_ok "(control) the jail's /etc/hosts differs from the rig's"
fi
payload="payload-$RANDOM-$$"
echo "$payload" >/tmp/up.txt
rm -f /tmp/sftp-back.txt /tmp/sftp-hosts
out=$(rig_sftp alice 2>&1 <<-EOF
	put /tmp/up.txt sftp-up.txt
	get sftp-up.txt /tmp/sftp-back.txt
	get /etc/hosts /tmp/sftp-hosts
	ls -1 /
EOF
)
is "$(cat /home/alice/sftp-up.txt 2>&1)" "$payload" "sftp put lands in alice's home"
is "$(cat /tmp/sftp-back.txt 2>&1)" "$payload" "sftp get brings it back"
is "$(cat /tmp/sftp-hosts 2>&1)" "$jail_hosts" "sftp get /etc/hosts: the jail's file"
is "$(printf '%s\n' "$out" | grep '^/' | sed 's|^/||')" "$jail_root" \
	"sftp ls /: only the jail tree"

rm -f /tmp/scp-back.txt /tmp/scp-hosts /tmp/scp-o-back.txt /tmp/scp-o-hosts
rig_scp /tmp/up.txt alice@127.0.0.1:scp-up.txt 2>&1
is "$(cat /home/alice/scp-up.txt 2>&1)" "$payload" "scp up (SFTP protocol)"
rig_scp alice@127.0.0.1:scp-up.txt /tmp/scp-back.txt 2>&1
is "$(cat /tmp/scp-back.txt 2>&1)" "$payload" "scp down (SFTP protocol)"
rig_scp alice@127.0.0.1:/etc/hosts /tmp/scp-hosts 2>&1
is "$(cat /tmp/scp-hosts 2>&1)" "$jail_hosts" "scp of /etc/hosts fetches the jail's file"
# -O: the legacy protocol runs scp -t / scp -f in the jailed session.
rig_scp -O /tmp/up.txt alice@127.0.0.1:scp-o-up.txt 2>&1
is "$(cat /home/alice/scp-o-up.txt 2>&1)" "$payload" "scp -O up"
rig_scp -O alice@127.0.0.1:scp-o-up.txt /tmp/scp-o-back.txt 2>&1
is "$(cat /tmp/scp-o-back.txt 2>&1)" "$payload" "scp -O down"
rig_scp -O alice@127.0.0.1:/etc/hosts /tmp/scp-o-hosts 2>&1
is "$(cat /tmp/scp-o-hosts 2>&1)" "$jail_hosts" "scp -O of /etc/hosts fetches the jail's file"
rig_scp -O /tmp/up.txt "alice@127.0.0.1:/tmp/scp-o-$payload" 2>&1
check "scp -O to /tmp lands in the jail's private /tmp, not the rig's" \
	test ! -e "/tmp/scp-o-$payload"

rsync_ssh="ssh $(rig__ssh_opts | tr '\n' ' ') $(rig__key_opts | tr '\n' ' ')"
rm -rf /tmp/rs-up /tmp/rs-down /tmp/rs-hosts
mkdir -p /tmp/rs-up/sub
echo "$payload" >/tmp/rs-up/a
echo "b-$payload" >/tmp/rs-up/sub/b
rsync -a -e "$rsync_ssh" /tmp/rs-up/ alice@127.0.0.1:rs-dir/ 2>&1
check "rsync -e ssh up: the tree lands in alice's home" diff -r /tmp/rs-up /home/alice/rs-dir
rsync -a -e "$rsync_ssh" alice@127.0.0.1:rs-dir/ /tmp/rs-down/ 2>&1
check "rsync -e ssh down: the tree comes back" diff -r /tmp/rs-up /tmp/rs-down
rsync -e "$rsync_ssh" alice@127.0.0.1:/etc/hosts /tmp/rs-hosts 2>&1
is "$(cat /tmp/rs-hosts 2>&1)" "$jail_hosts" "rsync of /etc/hosts fetches the jail's file"
rig_nothing_left "after sftp, scp and rsync"

# --- ten jailed users at once ---------------------------------------------
# Each session says it started, then waits until all ten run before looking
# around, so every one of them looks while the nine others are alive.  ps
# runs first, into the jail's /tmp, so that it sees only the session's
# shell and not the subshells that format the answer (no awk: Debian's is
# a symlink through /etc/alternatives, which the jail does not have).
# shellcheck disable=SC2016 # expanded by each user's shell
conc='touch ~/started; i=0; while [ ! -e ~/go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	ps -e -o comm= >/tmp/comm; ps -e -o uid= >/tmp/uid
	echo "host=$(hostname)"; echo "home=$(ls /home | tr "\n" " ")"
	echo "procs=$(sort /tmp/comm | tr "\n" " ")"
	echo "uids=$(tr -d " " </tmp/uid | sort -un | tr "\n" " ")"'
all_started() {
	local u
	for u in $TEN; do [ -e "/home/$u/started" ] || return 1; done
}
pids=()
for u in $TEN; do
	rig_ssh "$u" "$conc" >"$RIG_DIR/conc.$u" 2>&1 &
	pids+=("$!")
done
if rig_wait 30 all_started; then ok "ten jailed ssh sessions start"; else
	not_ok "ten jailed ssh sessions start" "$(ls /home/*/started 2>&1)"
fi
is "$(pgrep -xc jail-init)" 10 "ten jails exist at the same time (ten jail-init)"
for u in $TEN; do touch "/home/$u/go"; done
i=0
for u in $TEN; do
	rc=0
	wait "${pids[$i]}" || rc=$?
	i=$((i + 1))
	# jail-init runs as root without capabilities (uid 0 is in the list).
	is "$rc|$(cat "$RIG_DIR/conc.$u")" \
		"0|$(printf '%s\n' "host=$u" "home=$u " "procs=$(printf "%s\n" bash jail-init ps "$RIG_SSHD_SESSION" | sort | tr "\n" " ")" "uids=0 $(id -u "$u") ")" \
		"concurrent $u sees only itself: its hostname, its home, its processes"
done
rig_nothing_left "after ten concurrent sessions"

# --- a jailed and an unjailed user side by side ---------------------------
# shellcheck disable=SC2016 # expanded by the user's shell
side='touch ~/started2; i=0; while [ ! -e ~/go2 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	hostname; ls /'
rig_ssh alice "$side" >"$RIG_DIR/side.alice" 2>&1 &
pa=$!
rig_ssh bob "$side" >"$RIG_DIR/side.bob" 2>&1 &
pb=$!
if rig_wait 20 test -e /home/alice/started2 -a -e /home/bob/started2; then
	ok "a jailed and an unjailed session run side by side"
else
	not_ok "a jailed and an unjailed session run side by side"
fi
touch /home/alice/go2 /home/bob/go2
wait "$pa"
wait "$pb"
is "$(cat "$RIG_DIR/side.alice")" "$(printf 'alice\n%s' "$jail_root")" \
	"side by side: jailed alice sees her jail and hostname"
is "$(cat "$RIG_DIR/side.bob")" "$(printf 'rig\n%s' "$host_root")" \
	"side by side: unjailed bob sees the rig's / and hostname \"rig\""
rig_nothing_left "after the side-by-side sessions"

# --- syslog: audit lines, relayed lines, a forged line -----------------------
rig_syslog_mark
rig_ssh alice true
opened=$(rig_syslog_grep 'pam_jail\(sshd:session\): jail opened: user=alice service=sshd .*jail=web root=/srv/jails/alice init=[0-9]+ ')
closed=$(rig_syslog_grep 'pam_jail\(sshd:session\): jail closed: user=alice service=sshd .*jail=web root=/srv/jails/alice init=[0-9]+ .*duration=[0-9]+$')
like "$opened" 'jail opened: user=alice .*jail=web .*init=[0-9]+' \
	"syslog: 'jail opened:' with user=, jail=, init="
like "$closed" 'jail closed: user=alice .*jail=web .*init=[0-9]+' \
	"syslog: 'jail closed:' with user=, jail=, init="
init_o=$(printf '%s\n' "$opened" | sed -nE 's/.* init=([0-9]+) .*/\1/p')
init_c=$(printf '%s\n' "$closed" | sed -nE 's/.* init=([0-9]+) .*/\1/p')
if [ -n "$init_o" ] && [ "$init_o" = "$init_c" ]; then
	ok "the open and close lines name the same jail-init ($init_o)"
else
	not_ok "the open and close lines name the same jail-init" "$opened" "$closed"
fi

# Lines from inside the jail go through jail-init's relay, tagged with the
# jail and the sender's uid.
rig_syslog_mark
for i in 1 2 3; do rig_ssh alice true; done
relayed=$(rig_syslog_grep "^<[0-9]+>pam_jail-web\[[0-9]+\]: uid=$alice_uid: .*$RIG_SSHD_SESSION\[[0-9]+\]: Disconnected from user alice ")
like "$relayed" "pam_jail-web\[[0-9]+\]: uid=$alice_uid: " \
	"sshd's post-auth child's 'Disconnected from user' arrives tagged pam_jail-web[...] uid="
is "$(rig_syslog_grep 'Disconnected from user alice ' 1 | grep -Evc '^<[0-9]+>pam_jail-web\[')" 0 \
	"no 'Disconnected from user alice' line arrives untagged"
rig_syslog_mark
rig_ssh bob true
like "$(rig_syslog_grep 'Disconnected from user bob ')" "^<[0-9]+>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} $RIG_SSHD_SESSION\[[0-9]+\]: " \
	"(control) an unjailed session's line arrives untagged, as sshd's own"

# The end of a session must not lose its last lines: sshd's child's
# "Disconnected from user" and the monitor's pam_unix "session closed" both
# go through the relay just before close_session ends the jail (before
# jail-init drained /dev/log on its way out, about half of the pam_unix
# lines were lost: 20 sessions make a pass by luck practically impossible).
n=20
rig_syslog_mark
for i in $(seq "$n"); do rig_ssh alice true; done
rig_syslog_grep "jail closed: user=alice " >/dev/null
sleep 1
n_closed=$(rig_syslog_grep "jail closed: user=alice " 1 | wc -l)
n_disc=$(rig_syslog_grep "pam_jail-web\[[0-9]+\]: uid=$alice_uid: .*Disconnected from user alice " 1 | wc -l)
n_unix=$(rig_syslog_grep 'pam_unix\(sshd:session\): session closed for user alice' 1 | wc -l)
is "$n_closed $n_disc $n_unix" "$n $n $n" \
	"$n sessions: every one's last lines reach syslog (jail closed, relayed Disconnected, pam_unix session closed)"
n=5
rig_syslog_mark
for i in $(seq "$n"); do rig_ssh_pty alice true >/dev/null 2>&1; done
rig_syslog_grep "jail closed: user=alice " >/dev/null
sleep 1
n_closed=$(rig_syslog_grep "jail closed: user=alice " 1 | wc -l)
n_unix=$(rig_syslog_grep 'pam_unix\(sshd:session\): session closed for user alice' 1 | wc -l)
is "$n_closed $n_unix" "$n $n" \
	"$n pty sessions: every one's pam_unix 'session closed' reaches syslog"

# A jailed user cannot pass a line off as the host's sshd.
tok="forged-$RANDOM$RANDOM"
rig_syslog_mark
# the sleep keeps the line clear of the end-of-session loss above
rig_ssh alice "logger -t sshd '$tok'; sleep 0.3"
like "$(rig_syslog_grep "$tok")" "^<[0-9]+>pam_jail-web\[[0-9]+\]: uid=$alice_uid: .*sshd: $tok\$" \
	"logger -t sshd inside the jail arrives tagged pam_jail-web[...] uid="
is "$(rig_syslog_grep "$tok" 1 | grep -Evc '^<[0-9]+>pam_jail-web\[')" 0 \
	"no line carrying the forged text arrives untagged"
tok2="forged-$RANDOM$RANDOM"
rig_ssh bob "logger -t sshd '$tok2'"
like "$(rig_syslog_grep "$tok2")" "^<[0-9]+>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} sshd: $tok2\$" \
	"(control) the same logger call unjailed arrives as an untagged sshd line"
rig_nothing_left "after the syslog sessions"

check "sshd stops" rig_sshd_stop
done_testing
