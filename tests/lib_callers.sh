# SPDX-License-Identifier: BSD-3-Clause
# lib_callers.sh - sourced by tests/lib.sh (never by a test itself): the
# real callers a test drives -- sshd and its clients, login on a pty, su,
# runuser, cron.  The rig_* conventions of lib.sh hold here too.
# shellcheck shell=bash
# ------------------------------------------------------------------- sshd --

# rig_sshd_start [CONFIG_LINE...]: a real sshd on 127.0.0.1:22 of the rig's
# own network namespace, with per-run host keys; extra lines are appended
# (a Match block must come last).  No -E: sshd logs to syslog, where the
# tests read it (rig-notes).
rig_sshd_start() {
	local cfg=$RIG_DIR/sshd_config line
	rig_assert_inside
	[ -f "$RIG_DIR/ssh_host_ed25519_key" ] ||
		ssh-keygen -q -t ed25519 -N '' -f "$RIG_DIR/ssh_host_ed25519_key" || return
	install -d -m 755 /run/sshd	# privsep directory (rig-notes)
	{
		printf '%s\n' \
			"ListenAddress 127.0.0.1" "Port $RIG_SSH_PORT" \
			"HostKey $RIG_DIR/ssh_host_ed25519_key" \
			"PidFile $RIG_DIR/sshd.pid" \
			"UsePAM yes" "PubkeyAuthentication yes" \
			"PasswordAuthentication yes" "KbdInteractiveAuthentication no" \
			"PermitRootLogin no" "AllowTcpForwarding yes" "PrintMotd no" \
			"SyslogFacility AUTH" "LogLevel VERBOSE" \
			"Subsystem sftp /usr/lib/openssh/sftp-server"
		for line in "$@"; do printf '%s\n' "$line"; done
	} >"$cfg"
	/usr/sbin/sshd -t -f "$cfg" || return
	/usr/sbin/sshd -f "$cfg" || return
	rig_wait "$RIG_TIMEOUT" rig__listening "$RIG_SSH_PORT" || {
		echo "rig_sshd_start: sshd is not listening" >&2
		return 1
	}
}

# rig_sshd_up DESC [CONFIG_LINE...]: rig_sshd_start as the check DESC; if
# sshd does not start, the test file ends there (nothing after it can pass).
rig_sshd_up() {
	local desc=$1
	shift
	if rig_sshd_start "$@"; then ok "$desc"; return 0; fi
	not_ok "$desc"
	done_testing
	exit
}

# Listening socket present: asks the kernel, no connection (which sshd
# would log).
rig__listening() {
	[ -n "$(ss -Hltn "sport = :$1")" ]
}

rig_sshd_stop() {
	local pid
	[ -f "$RIG_DIR/sshd.pid" ] || return 0
	read -r pid <"$RIG_DIR/sshd.pid"
	kill "$pid" 2>/dev/null
	rig_wait "$RIG_TIMEOUT" rig__gone "$pid"
	rm -f "$RIG_DIR/sshd.pid"
}

rig__gone() {
	! kill -0 "$1" 2>/dev/null
}

# Client options shared by every rig ssh/scp/sftp call.
rig__ssh_opts() {
	printf '%s\n' -F /dev/null -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o "ConnectTimeout=$RIG_TIMEOUT" -o "Port=$RIG_SSH_PORT"
}
rig__key_opts() {
	printf '%s\n' -i "$(rig_key)" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o PasswordAuthentication=no -o KbdInteractiveAuthentication=no
}

# rig_ssh USER CMD...: key login, CMD run by the user's shell, stdin passed.
rig_ssh() {
	local user=$1
	shift
	local -a o
	mapfile -t o < <(rig__ssh_opts; rig__key_opts)
	# shellcheck disable=SC2029 # CMD is meant for the remote shell
	ssh "${o[@]}" "$user@127.0.0.1" "$@"
}

# rig_ssh_pty USER [CMD...]: as rig_ssh with a pty (-tt); \r removed.
# Without CMD and with a terminal on stdin: an interactive login.
rig_ssh_pty() {
	local user=$1 out rc=0
	shift
	local -a o
	mapfile -t o < <(rig__ssh_opts; rig__key_opts)
	if [ $# -eq 0 ] && [ -t 0 ]; then
		ssh -tt "${o[@]}" "$user@127.0.0.1"
		return
	fi
	out=$(ssh -tt "${o[@]}" "$user@127.0.0.1" "$@") || rc=$?
	printf '%s\n' "${out//$'\r'/}"
	return "$rc"
}

# rig_ssh_password USER PASS CMD...: password login.  sshpass is not
# installed; OpenSSH (>= 8.4) asks SSH_ASKPASS when SSH_ASKPASS_REQUIRE=force,
# without needing a tty or DISPLAY.
rig_ssh_password() {
	local user=$1 pass=$2
	shift 2
	local -a o
	mapfile -t o < <(rig__ssh_opts)
	# shellcheck disable=SC2016 # expanded by the askpass script, later
	printf '#!/bin/sh\nprintf "%%s\\n" "$RIG_ASKPASS_PASS"\n' >"$RIG_DIR/askpass"
	chmod 700 "$RIG_DIR/askpass"
	RIG_ASKPASS_PASS=$pass SSH_ASKPASS=$RIG_DIR/askpass SSH_ASKPASS_REQUIRE=force \
		ssh "${o[@]}" -o BatchMode=no -o PubkeyAuthentication=no \
		-o PreferredAuthentications=password -o NumberOfPasswordPrompts=1 \
		"$user@127.0.0.1" "$@" </dev/null
}

# rig_scp ARGS...: scp with the rig's key and options (host is 127.0.0.1).
rig_scp() {
	local -a o
	mapfile -t o < <(rig__ssh_opts; rig__key_opts)
	scp -q "${o[@]}" "$@"
}

# rig_sftp USER < BATCH: sftp batch mode with the rig's key.
rig_sftp() {
	local -a o
	mapfile -t o < <(rig__ssh_opts; rig__key_opts)
	sftp -q "${o[@]}" -b - "$1@127.0.0.1"
}

# ---------------------------------------------------- login, su, runuser --

# rig_login USER PASS 'COMMANDS': the real /bin/login (shadow 4.13 on
# Debian 12, util-linux 2.41 on 13: needs root and a tty; no -f, we want
# the real auth path) on a fresh pty made by expect.  Answers the login:
# and Password: prompts, waits for a shell prompt, types COMMANDS, reads a
# marker with their status, exits.  Prints the transcript (\r removed).
# Status: COMMANDS' status; 101 login refused; 102 timeout or no shell;
# 103 the session did not end.
#
# expect's spawn starts login as agetty does: a new session whose
# controlling terminal is the pty (setsid, open the slave), then exec.
# util-linux login (Debian 13) first hangs its tty up (vhangup) and opens
# it again; an expect reading the master in between sees EOF.  The script
# waits half a second before it reads; should it still see that EOF, or
# lose a prompt to it, before the password was typed (before any
# authentication), the login is tried again (three times at most).
rig_login() {
	local out rc tries=3
	rig__login_exp
	while :; do
		rc=0
		# TERM=dumb: no bracketed-paste or title escapes in the transcript.
		out=$(TERM=dumb RIG_L_USER=$1 RIG_L_PASS=$2 RIG_L_CMDS=$3 \
			RIG_L_TIMEOUT=$RIG_TIMEOUT expect -f "$RIG_DIR/login.exp" </dev/null 2>&1) || rc=$?
		tries=$((tries - 1))
		if [ "$rc" != 102 ] || [ "$tries" = 0 ] || ! rig__login_retryable "$out"; then
			break
		fi
	done
	printf '%s\n' "${out//$'\r'/}" | rig__no_escapes
	return "$rc"
}

# Whether a failed rig_login transcript ended before the password was
# typed (the tty hangup above, or a prompt lost to it): nothing was
# authenticated yet, so trying again cannot hide a login's verdict.
rig__login_retryable() {
	case $1 in
	*"rig_login: login exited before the prompt"* | \
	*"rig_login: login exited before Password:"* | \
	*"rig_login: no Password: prompt"*) return 0 ;;
	esac
	return 1
}

# Strip terminal escape sequences (CSI and OSC) from a transcript.
rig__no_escapes() {
	sed -E $'s/\x1b\\[[0-9;?]*[A-Za-z]//g; s/\x1b\\][^\x07]*\x07//g'
}

# The expect script.  The end marker is typed as __RIG_DONE""__ so that the
# tty's echo of the typed line does not match; only the shell's output does.
rig__login_exp() {
	[ -f "$RIG_DIR/login.exp" ] && return 0
	cat >"$RIG_DIR/login.exp" <<'EOF'
set timeout $env(RIG_L_TIMEOUT)
log_user 1
spawn -noecho /bin/login
# util-linux login hangs its tty up first (see rig_login): not reading
# the pty meanwhile keeps expect from taking that for the end
sleep 0.5
expect {
	-re "login: $" { send -- "$env(RIG_L_USER)\r" }
	timeout { puts "\nrig_login: no login: prompt"; exit 102 }
	eof { puts "\nrig_login: login exited before the prompt"; exit 102 }
}
expect {
	-re "Password: $" { send -- "$env(RIG_L_PASS)\r" }
	timeout { puts "\nrig_login: no Password: prompt"; exit 102 }
	eof { puts "\nrig_login: login exited before Password:"; exit 102 }
}
# FAIL_DELAY + PAM delay before "Login incorrect": allow for it.
set timeout [expr {$env(RIG_L_TIMEOUT) + 5}]
expect {
	"Login incorrect" { exit 101 }
	-re {[$#] $} { }
	timeout { puts "\nrig_login: no shell prompt"; exit 102 }
	eof { puts "\nrig_login: session ended before a prompt"; exit 102 }
}
send -- "$env(RIG_L_CMDS)\r"
send -- "echo __RIG_DONE\"\"__ \$?\r"
set rc 102
expect {
	-re {__RIG_DONE__ ([0-9]+)} { set rc $expect_out(1,string) }
	timeout { puts "\nrig_login: commands did not finish"; exit 102 }
	eof { puts "\nrig_login: session ended during the commands"; exit 102 }
}
send -- "exit\r"
expect {
	eof { }
	timeout { puts "\nrig_login: the session did not end"; exit 103 }
}
exit $rc
EOF
}

# rig_su USER CMD: `su - USER -c CMD` from root (pam_rootok: no password).
rig_su() {
	su - "$1" -c "$2"
}

# rig_runuser USER CMD: `runuser -l USER -c CMD`.
rig_runuser() {
	runuser -l "$1" -c "$2"
}

# rig_pty CMD: run CMD (a shell command line) on a fresh pty via script(1);
# \r removed.  For callers that behave differently on a terminal.
rig_pty() {
	local out rc=0
	out=$(script -qefc "$1" /dev/null </dev/null) || rc=$?
	printf '%s\n' "${out//$'\r'/}" | rig__no_escapes
	return "$rc"
}

# ---------------------------------------------------------- held sessions --

# rig_hold USER FLAG [pty]: a session of USER over ssh (-tt with "pty")
# that writes its tty to ~/tty.FLAG and stays open until ~/FLAG exists;
# returns once it is up (false after 15 s).  rig_release USER FLAG ends
# it and waits for its client; rig_held_tty USER FLAG: its tty as pts/N.
# A caller that holds a session its own way sets RIG_HOLD_PIDS[USER.FLAG].
declare -gA RIG_HOLD_PIDS=()
rig_hold() {
	local how=rig_ssh
	[ "${3:-}" = pty ] && how=rig_ssh_pty
	rm -f "/home/$1/$2" "/home/$1/held.$2" "/home/$1/tty.$2"
	"$how" "$1" "tty > ~/tty.$2; touch ~/held.$2; while [ ! -e ~/$2 ]; do sleep 0.1; done" \
		>/dev/null 2>&1 &
	RIG_HOLD_PIDS[$1.$2]=$!
	rig_wait 15 test -e "/home/$1/held.$2"
}
rig_release() {
	local pid=${RIG_HOLD_PIDS[$1.$2]:-}
	touch "/home/$1/$2"
	unset "RIG_HOLD_PIDS[$1.$2]"
	[ -z "$pid" ] || wait "$pid"
}
rig_held_tty() {
	local t
	t=$(cat "/home/$1/tty.$2" 2>/dev/null)
	printf '%s\n' "${t#/dev/}"
}

# rig_open_probe FILE DIR PATH...: FILE (mode 644) becomes a python3
# script that opens each PATH for reading and for writing (O_APPEND: it
# never changes a byte) and lists DIR, one "HOW PATH ERRNO-NAME|ok" line
# each.  rig_open_denied DIR PATH...: its output where everything is
# EACCES.
rig_open_probe() {
	local file=$1 dir=$2 paths="" p
	shift 2
	for p in "$@"; do paths="$paths\"$p\", "; done
	printf '%s\n' 'import errno, os' \
		"for p in ($paths):" \
		'    for how, fl in (("read", os.O_RDONLY), ("write", os.O_WRONLY | os.O_APPEND)):' \
		'        try:' \
		'            os.close(os.open(p, fl)); r = "ok"' \
		'        except OSError as e:' \
		'            r = errno.errorcode[e.errno]' \
		'        print(how, p, r)' \
		'try:' \
		"    os.listdir(\"$dir\"); print(\"list $dir ok\")" \
		'except OSError as e:' \
		"    print(\"list $dir\", errno.errorcode[e.errno])" >"$file" &&
		chmod 644 "$file"
}
rig_open_denied() {
	local dir=$1 p
	shift
	for p in "$@"; do printf '%s\n' "read $p EACCES" "write $p EACCES"; done
	printf '%s\n' "list $dir EACCES"
}

# ------------------------------------------------------------------- cron --

# rig_cron_start: cron in the rig (logs to the rig's syslog).  Jobs run on
# the minute: a cron test waits up to ~60 s.
rig_cron_start() {
	rig_assert_inside
	/usr/sbin/cron -L 15 || return
	rig_wait "$RIG_TIMEOUT" test -f /run/crond.pid
}

# rig_cron_job USER CMD: USER's crontab runs CMD every minute.
rig_cron_job() {
	rig_assert_inside
	printf '* * * * * %s\n' "$2" | crontab -u "$1" -
}
