#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 30-failclosed.sh - a broken setup refuses the session, over the real
# callers (sshd, login, su) with Debian's stacks and pam_jail last and
# `required`: an unparsable config, a group-writable jail root, a missing
# bind source, pam_jail.so itself missing, and its core missing.  For each: the ssh command
# does not run (exit 254), local port forwarding is refused, login and su
# refuse, syslog has exactly one line giving the reason per refused
# session, and nothing is left behind.  Then `optional` with a broken
# config: the session starts UNJAILED - the README's reason for `required`.
# releases: 12 (the same module paths as on 13, where 20 and 21 cover
# the callers; kept to one release for CI time, about 3 min a run)
# Run: tests/rig/isolate.sh tests/e2e/30-failclosed.sh  (MODULE, INIT absolute)
# central: unparsable config: ssh alice CMD exits 254 and CMD did not run
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

rig_user alice
rig_user bob	# no rule and default = none: never jailed
rig_jail web alice
rig_pam_stacks
cp -p "$RIG_CONF" "$RIG_DIR/conf.good"
rig_mounts_snapshot "$RIG_DIR/mounts.before"
host_root=$(ls /)

rig_sshd_up "sshd starts with pam_jail in its session stack"

# since_mark ERE: syslog lines after the mark matching ERE, without waiting.
since_mark() {
	tail -n "+${RIG_SYSLOG_FROM:-1}" "$RIG_SYSLOG" | grep -E -- "$1"
}

# fence: every line sent before now has reached RIG_SYSLOG (one socket,
# read in order: once our own line is there, so is everything before it).
fence() {
	local t="fence-$RANDOM$RANDOM"
	logger -t rig-fence "$t"
	rig_syslog_grep "rig-fence.*$t" >/dev/null
}

# one_reason DESC SVC ERE: since the mark, exactly one pam_jail line, from
# SVC's session, matching ERE (the file:line, the path...).
one_reason() {
	local lines
	fence
	lines=$(since_mark 'pam_jail\(')
	if [ "$(printf '%s' "$lines" | grep -c '^')" = 1 ] &&
		printf '%s\n' "$lines" | grep -Eq -- "pam_jail\($2:session\): user alice: .*$3"; then
		ok "$1"
	else
		not_ok "$1" "want exactly one pam_jail($2:session) line matching: $3" \
			"got:" "${lines:-(none)}"
	fi
}

# one_libpam DESC: pam_jail.so cannot be loaded: no pam_jail line (the
# module never ran), exactly one line of libpam naming the missing path.
one_libpam() {
	local lines
	fence
	lines=$(since_mark 'pam_jail\(|unable to dlopen')
	if [ "$(printf '%s' "$lines" | grep -c '^')" = 1 ] &&
		printf '%s\n' "$lines" | grep -Eq 'PAM unable to dlopen\(/nonexistent/pam_jail\.so\)'; then
		ok "$1"
	else
		not_ok "$1" "want exactly one 'PAM unable to dlopen(/nonexistent/pam_jail.so)' line" \
			"got:" "${lines:-(none)}"
	fi
}

# ran WHAT: was the marker of WHAT created (by a session that ran)?
ran() {
	if [ -e "/home/alice/ran-$1" ]; then echo ran; else echo "not run"; fi
}

# forward USER PORT: `ssh -N -L 127.0.0.1:PORT:127.0.0.1:22` in the
# background (by its own pid, ended after), then one connection to PORT:
# prints what came back within 3 s - sshd's banner starts "SSH-2.0".
FWD_PORT=2200
forward() {
	local user=$1 port=$2 pid got
	local -a o
	mapfile -t o < <(rig__ssh_opts; rig__key_opts)
	ssh "${o[@]}" -N -o ExitOnForwardFailure=yes \
		-L "127.0.0.1:$port:127.0.0.1:22" "$user@127.0.0.1" >/dev/null 2>&1 &
	pid=$!
	# ssh listens on PORT only after authentication.
	if rig_wait "$RIG_TIMEOUT" rig__listening "$port"; then
		# shellcheck disable=SC2016 # $1 is the inner shell's
		got=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && head -c 7 <&3' \
			_ "$port" 2>/dev/null)
	else
		got="(ssh -L never listened on $port)"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	printf '%s\n' "$got"
}

# reason DESC SVC: the syslog check for the current breakage: REASON is
# the ERE of pam_jail's line, or "libpam" when the module cannot load.
reason() {
	if [ "$REASON" = libpam ]; then one_libpam "$1"; else one_reason "$1" "$2" "$REASON"; fi
}

# refused_everywhere WHAT: with the setup broken as WHAT says, ssh, ssh -L,
# login and su all refuse alice's session, each logging its reason once,
# and nothing is left behind.
refused_everywhere() {
	local what=$1 out rc got
	rm -f /home/alice/ran-*

	rig_syslog_mark
	rig_ssh alice 'touch /home/alice/ran-ssh' >/dev/null 2>&1
	rc=$?
	is "$rc, $(ran ssh)" "254, not run" "$what: ssh alice CMD exits 254 and CMD did not run"
	rig_syslog_grep "$RIG_SSHD_SESSION\[[0-9]+\]: Disconnected from user alice " >/dev/null
	reason "$what: ssh: one syslog line gives the reason" sshd

	FWD_PORT=$((FWD_PORT + 1))
	rig_syslog_mark
	got=$(forward alice "$FWD_PORT")
	is "$got" "" "$what: ssh -L: a connection to the forwarded port gets no sshd banner"
	like "$(rig_syslog_grep "$RIG_SSHD_SESSION\[[0-9]+\]: refused local port forward: .*target 127\.0\.0\.1 port 22")" \
		refused "$what: ssh -L: sshd says it refused the forward"
	rig_syslog_grep "$RIG_SSHD_SESSION\[[0-9]+\]: (Disconnected from user alice|Connection closed by)" >/dev/null
	reason "$what: ssh -L: one syslog line gives the reason" sshd

	rig_syslog_mark
	out=$(rig_login alice "$(rig_pass alice)" 'touch /home/alice/ran-login')
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 101 ] && [ "$(ran login)" = "not run" ] &&
		printf '%s\n' "$out" | grep -Eq '^(Cannot make/remove an entry for the specified session|Module is unknown)$'; then
		ok "$what: login refuses the session after the password (no shell command ran)"
	else
		not_ok "$what: login refuses the session after the password (no shell command ran)" \
			"rig_login status $rc (want neither 0 nor 101), marker: $(ran login)" "$out"
	fi
	reason "$what: login: one syslog line gives the reason" login

	rig_syslog_mark
	out=$(su - alice -c 'touch /home/alice/ran-su' 2>&1)
	rc=$?
	if [ "$rc" != 0 ] && [ "$(ran su)" = "not run" ]; then
		ok "$what: su - alice refuses (exit $rc: ${out//$'\n'/ })"
	else
		not_ok "$what: su - alice refuses" "exit $rc, marker: $(ran su)" "$out"
	fi
	reason "$what: su: one syslog line gives the reason" su-l

	rig_nothing_left "after the refused sessions ($what)"
}

# --- controls: the working setup ------------------------------------------
is "$(rig_ssh alice hostname 2>&1)" alice "(control) the working setup jails alice over ssh"
FWD_PORT=$((FWD_PORT + 1))
is "$(forward bob "$FWD_PORT")" "SSH-2.0" \
	"(control) an allowed ssh -L forward reaches sshd's banner (the probe can see success)"

# --- 1. unparsable config ---------------------------------------------------
printf '[jail:web\nroot = /x\n' | rig_conf
REASON='/etc/security/pam_jail\.conf:1: '
refused_everywhere "unparsable config"
cp -p "$RIG_DIR/conf.good" "$RIG_CONF"

# --- 2. jail root writable by its group -------------------------------------
chmod 775 /srv/jails/alice
REASON='/srv/jails/alice.*writable by group or others'
refused_everywhere "group-writable jail root"
chmod 755 /srv/jails/alice

# --- 3. a bind source that does not exist -----------------------------------
sed -i 's|^bind_ro = .*|& /nonexistent/dir|' "$RIG_CONF"
REASON='bind source.*/nonexistent/dir'
refused_everywhere "missing bind source"
cp -p "$RIG_DIR/conf.good" "$RIG_CONF"

# --- 4. pam_jail.so missing -------------------------------------------------
# The stacks name a module path that does not exist: libpam cannot load it,
# and a `required` module that cannot be loaded fails the session.
rig_pam_plain
for s in sshd login su runuser; do
	printf 'session required /nonexistent/pam_jail.so conf=%s init=%s\n' \
		"$RIG_CONF" "$INIT" >>"/etc/pam.d/$s"
done
REASON=libpam
refused_everywhere "pam_jail.so missing"
rig_pam_stacks

# --- 4b. its core, pam_jail-core.so, missing --------------------------------
# The door (pam_jail.so) loads pam_jail-core.so from its own directory for
# every login the config index cannot answer alone: without it, refused.
install -d -m 755 /run/rig/door
install -m 644 "$MODULE" /run/rig/door/pam_jail.so
rig_pam_plain
for s in sshd login su runuser; do
	printf 'session required /run/rig/door/pam_jail.so conf=%s init=%s\n' \
		"$RIG_CONF" "$INIT" >>"/etc/pam.d/$s"
done
REASON='cannot load /run/rig/door/pam_jail-core\.so'
refused_everywhere "pam_jail-core.so missing"
rig_pam_stacks

is "$(rig_ssh alice hostname 2>&1)" alice "the restored setup jails alice again"
rig_nothing_left "after the restored session"

# --- `optional`: the failure mode `required` exists for -----------------------
# With `session optional pam_jail.so` a broken config is logged and ignored:
# the session starts, UNJAILED.  These checks assert exactly that danger.
RIG_PAM_CONTROL=optional rig_pam_stacks
printf '[jail:web\nroot = /x\n' | rig_conf
rm -f /home/alice/ran-*
rig_syslog_mark
out=$(rig_ssh alice 'touch /home/alice/ran-ssh; hostname; ls /' 2>&1)
is "$?, $(ran ssh)" "0, ran" "optional + broken config: the ssh command runs"
is "$out" "$(printf 'rig\n%s' "$host_root")" \
	"optional + broken config: the session is UNJAILED (the rig's hostname and /)"
REASON='/etc/security/pam_jail\.conf:1: '
rig_syslog_grep 'pam_unix\(sshd:session\): session closed for user alice' >/dev/null
one_reason "optional + broken config: the reason is still logged, once" sshd "$REASON"
FWD_PORT=$((FWD_PORT + 1))
is "$(forward alice "$FWD_PORT")" "SSH-2.0" \
	"optional + broken config: alice's ssh -L reaches the rig's sshd (no jail network)"
is "$(su - alice -c hostname 2>&1)" rig "optional + broken config: su - alice is UNJAILED too"
cp -p "$RIG_DIR/conf.good" "$RIG_CONF"
rig_pam_stacks
rig_nothing_left "after the optional sessions"

check "sshd stops" rig_sshd_stop
done_testing
