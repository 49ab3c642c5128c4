# SPDX-License-Identifier: BSD-3-Clause
# lib.sh - sourced by the test scripts; a test reads like a user story:
#
#	. "$(dirname "$0")/../lib.sh"
#	rig_user alice
#	rig_sshd_start
#	like "$(rig_ssh alice id)" 'uid=[0-9]+\(alice\)' "alice logs in with her key"
#	done_testing
#
# Output is TAP-ish, one line per check: "ok - DESC", "not ok - DESC" (with
# "#" diagnostics), "ok - DESC # SKIP reason".  tests/run-all.sh counts them.
#
# The rig_* helpers change /etc, /home, /srv ... and refuse to run unless
# they are inside tests/rig/isolate.sh (see rig_assert_inside).  The TAP
# helpers work anywhere (tests/host-unchanged.sh uses them on the host).
# shellcheck shell=bash

# ------------------------------------------------------------------- TAP --

T_PASSED=0
T_FAILED=0
T_SKIPPED=0

# Self-test (tests/run-all.sh --selftest, `make selftest`): each e2e file
# names its central assertion in a header line "# central: DESC", a prefix
# of that check's description.  With RIG_SELFTEST=invert, the first verdict
# whose description starts so is inverted (ok <-> not ok, marked
# "[RIG_SELFTEST=invert]"): the file must then fail, which proves that the
# assertion decides on what it measures and that its failure reaches the
# file's exit status and run-all.sh's count.
# Under MUST_WORK=1 a file whose central assertion never ran fails, so the
# header cannot silently drift from the descriptions.
T_CENTRAL=$(sed -n 's/^# central: //p' "$0" 2>/dev/null | head -n 1)
T_CENTRAL_RAN=0
t__inverted() { # DESC: is this the verdict RIG_SELFTEST=invert turns over?
	[ -n "$T_CENTRAL" ] && [ "$T_CENTRAL_RAN" = 0 ] &&
		[ "${1#"$T_CENTRAL"}" != "$1" ] || return 1
	T_CENTRAL_RAN=1
	[ "${RIG_SELFTEST:-}" = invert ]
}

# One line, and a '#' that cannot be read as a TAP directive.
t__desc() {
	local d=${*//$'\n'/ }
	printf '%s' "${d//#/\\#}"
}

# diag LINE...: diagnostics, each line prefixed "# ".
diag() {
	local line
	printf '%s\n' "$@" | while IFS= read -r line; do
		printf '#   %s\n' "$line"
	done
}

ok() {
	if t__inverted "$*"; then
		not_ok "$* [RIG_SELFTEST=invert]" "the central assertion passed; inverted, it fails"
		return 1
	fi
	T_PASSED=$((T_PASSED + 1))
	printf 'ok - %s\n' "$(t__desc "$@")"
}

# not_ok DESC [DIAG...]
not_ok() {
	if t__inverted "$1"; then
		ok "$1 [RIG_SELFTEST=invert: it failed]"
		return 0
	fi
	T_FAILED=$((T_FAILED + 1))
	printf 'not ok - %s\n' "$(t__desc "$1")"
	shift
	[ $# -eq 0 ] || diag "$@"
	return 1
}

# skip REASON DESC.  CI sets MUST_WORK=1: there a skip is a failure, so a
# missing tool or a half-built module can never turn the suite green.
skip() {
	if [ "${MUST_WORK:-0}" = 1 ]; then
		T_FAILED=$((T_FAILED + 1))
		printf 'not ok - %s # SKIP not allowed: %s\n' "$(t__desc "$2")" "$(t__desc "$1")"
		return 1
	fi
	T_SKIPPED=$((T_SKIPPED + 1))
	printf 'ok - %s # SKIP %s\n' "$(t__desc "$2")" "$(t__desc "$1")"
}

# is ACTUAL EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else
		not_ok "$3" "expected: $2" "got:      $1"
	fi
}

# like ACTUAL ERE DESC / unlike ACTUAL ERE DESC.  grep reads a pattern with
# a newline as one pattern per line, any of them matching, so such a check
# could not fail as written: a test bug, reported as one.
one_line_pattern() {
	case $1 in
	*$'\n'*)
		not_ok "$2" "test bug: a multi-line pattern matches if any line does:" "$1"
		return 1 ;;
	esac
}
like() {
	one_line_pattern "$2" "$3" || return 0
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok "$3"; else
		not_ok "$3" "expected to match: $2" "got:" "$1"
	fi
}
unlike() {
	one_line_pattern "$2" "$3" || return 0
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		not_ok "$3" "expected NOT to match: $2" "got:" "$1"
	else ok "$3"; fi
}

# check DESC CMD...: ok when CMD succeeds; its output is the diagnostic.
check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then ok "$desc"; else
		not_ok "$desc" "command: $*" "exit status: $rc" "$out"
	fi
}

# check_fails DESC CMD...: ok when CMD fails.
check_fails() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then ok "$desc"; else
		not_ok "$desc" "command unexpectedly succeeded: $*" "$out"
	fi
}

# check_fails_with DESC ERE CMD...: ok when CMD fails AND its output
# (stdout and stderr) matches ERE -- it failed for the reason the test is
# about, not because e.g. the session never opened.
check_fails_with() {
	local desc=$1 re=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		not_ok "$desc" "command unexpectedly succeeded: $*" "$out"
	elif ! printf '%s\n' "$out" | grep -Eq -- "$re"; then
		not_ok "$desc" "command failed (status $rc), but not with: $re" "$out"
	else ok "$desc"; fi
}

# check_refused DESC ERE CMD...: ok when CMD fails AND pam_jail logged a
# refusal matching ERE while it ran (inside the rig: its syslog).
check_refused() {
	local desc=$1 re=$2 out rc=0
	shift 2
	rig_syslog_mark
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		not_ok "$desc" "command unexpectedly succeeded: $*" "$out"
	elif ! rig_syslog_grep "pam_jail.*$re" >/dev/null; then
		not_ok "$desc" "command failed (status $rc), but pam_jail logged no refusal matching: $re" \
			"$out" "syslog since the command:" \
			"$(tail -n "+${RIG_SYSLOG_FROM:-1}" "$RIG_SYSLOG")"
	else ok "$desc"; fi
}

# done_testing: the script's exit status says whether every check passed.
done_testing() {
	if [ "$T_CENTRAL_RAN" = 0 ] && { [ "${RIG_SELFTEST:-}" = invert ] ||
		{ [ -n "$T_CENTRAL" ] && [ "${MUST_WORK:-0}" = 1 ]; }; }; then
		not_ok "the central assertion ran (header: '# central: ${T_CENTRAL:-<none>}')"
	fi
	printf '# %s: %d passed, %d failed, %d skipped\n' \
		"$(basename "$0")" "$T_PASSED" "$T_FAILED" "$T_SKIPPED"
	[ "$T_FAILED" = 0 ]
}

# ------------------------------------------------------------ rig basics --

RIG_TIMEOUT=${RIG_TIMEOUT:-10}	# seconds any single wait may take
RIG_JAILS=/srv/jails
RIG_CONF=/etc/security/pam_jail.conf
# The stacks rig_pam_stacks edits (Debian's real ones, copied into the rig).
RIG_PAM_SERVICES="sshd login su su-l runuser runuser-l cron"
RIG_SSH_PORT=22	# the rig has its own network namespace
# make check passes absolute MODULE, INIT (and run-all.sh DRIVER); a hand run
# of isolate.sh gets the tree's build/.
if [ -n "${RIG_TOP:-}" ]; then
	: "${MODULE:=$RIG_TOP/build/pam_jail.so}" "${INIT:=$RIG_TOP/build/jail-init}"
	: "${DRIVER:=$RIG_TOP/build/tests/pamdriver}"
	export MODULE INIT DRIVER
fi

# The release the rig runs (tests/rig/isolate.sh: 12 is the machine's own,
# 13 the Debian 13 rootfs), and what differs with it, as data for the
# tests: the name of the process that holds an ssh session and logs for it
# (OpenSSH 10 runs sshd-session, 9.2 forks sshd).
RIG_RELEASE=${RIG_RELEASE:-12}
# shellcheck disable=SC2034 # for the tests that source this file
if [ -x /usr/lib/openssh/sshd-session ]; then
	RIG_SSHD_SESSION=sshd-session
else
	RIG_SSHD_SESSION=sshd
fi

# rig_assert_inside: every helper that writes /etc, /home or /srv calls this.
# Inside the rig /etc is a tmpfs, the mount namespace is not the host's and
# isolate.sh left a marker on the rig's /run.  On the host, none holds.
rig_assert_inside() {
	local why=""
	if [ -z "${RIG_DIR:-}" ] || [ ! -e "$RIG_DIR/.inside" ]; then
		why="no ${RIG_DIR:-\$RIG_DIR}/.inside marker"
	elif [ "$(findmnt -n -o FSTYPE --mountpoint /etc 2>/dev/null)" != tmpfs ]; then
		why="/etc is not the rig's tmpfs copy"
	elif [ "$(readlink /proc/self/ns/mnt)" = "${RIG_HOST_MNTNS:-}" ]; then
		why="still in the host's mount namespace"
	fi
	[ -z "$why" ] && return 0
	# stdout for the TAP count, stderr in case stdout is a $(...) capture.
	printf 'not ok - rig guard: refusing to change the machine (%s); run under tests/rig/isolate.sh\n' "$why"
	printf 'rig guard: refusing to change the machine (%s)\n' "$why" >&2
	exit 2
}

# rig_wait SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
rig_wait() {
	local tenths=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		tenths=$((tenths - 1))
		[ "$tenths" -gt 0 ] || return 1
		sleep 0.1
	done
}

# rig_need CMD REASON: true if CMD exists; otherwise one skip line.
rig_need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	skip "$1 not installed" "$2"
	return 1
}

# rig_require_module: end this test file early (one skip, which MUST_WORK
# turns into a failure) when the module or its init is not built yet.
rig_require_module() {
	local f
	for f in "${MODULE:-}" "${INIT:-}"; do
		case $f in
		/*) [ -f "$f" ] && continue ;;
		esac
		skip "module not built: MODULE=${MODULE:-unset} INIT=${INIT:-unset}" \
			"$(basename "$0"): needs pam_jail.so and jail-init"
		done_testing
		exit
	done
}

# rig_require_jailctl: set JAILCTL (default: jailctl in BUILD, else in the
# tree's build/) and end this test file early, as rig_require_module does,
# when it is not built.
rig_require_jailctl() {
	JAILCTL=${JAILCTL:-${BUILD:-${RIG_TOP:-.}/build}/jailctl}
	[ -x "$JAILCTL" ] && return 0
	skip "jailctl not built: $JAILCTL" "$(basename "$0"): needs jailctl"
	done_testing
	exit
}

# ----------------------------------------------------------------- users --

# rig_pass NAME: the known password of a rig user.
rig_pass() {
	printf 'Rig-%s-pw1\n' "$1"
}

# One ed25519 key per run, for every rig user.
rig_key() {
	[ -f "$RIG_DIR/id_ed25519" ] ||
		ssh-keygen -q -t ed25519 -N '' -C rig -f "$RIG_DIR/id_ed25519" >/dev/null
	printf '%s\n' "$RIG_DIR/id_ed25519"
}

# rig_user NAME [UID]: a login-capable user with home /home/NAME, password
# $(rig_pass NAME) and the rig's key in ~/.ssh/authorized_keys.
rig_user() {
	local name=$1 uid=${2:-} key
	rig_assert_inside
	useradd -m -d "/home/$name" -s /bin/bash ${uid:+-u "$uid"} "$name" || return
	printf '%s:%s\n' "$name" "$(rig_pass "$name")" | chpasswd || return
	key=$(rig_key) || return
	# sshd's StrictModes: ~/.ssh and the key file owned by the user, not
	# group/other-writable.
	install -d -m 700 -o "$name" -g "$(id -g "$name")" "/home/$name/.ssh"
	install -m 600 -o "$name" -g "$(id -g "$name")" "$key.pub" \
		"/home/$name/.ssh/authorized_keys"
}

# rig_group GROUP USER...: make GROUP if needed and add the users to it.
rig_group() {
	local group=$1 user
	shift
	rig_assert_inside
	getent group "$group" >/dev/null || groupadd "$group" || return
	for user in "$@"; do usermod -a -G "$group" "$user" || return; done
}

# ----------------------------------------------------------------- jails --

# rig_conf < TEXT: replace the rig's pam_jail.conf (root-owned 0644: the
# module refuses anything else).  rig_conf_add < TEXT appends.
rig_conf() {
	rig_assert_inside
	install -d -m 755 -o 0 -g 0 "$(dirname "$RIG_CONF")"
	cat > "$RIG_CONF.new" && chown 0:0 "$RIG_CONF.new" &&
		chmod 0644 "$RIG_CONF.new" && mv -f "$RIG_CONF.new" "$RIG_CONF"
}
rig_conf_add() {
	rig_assert_inside
	{ [ ! -f "$RIG_CONF" ] || cat "$RIG_CONF"; cat; } | rig_conf
}

# rig_jail_tree USER: /srv/jails/USER with the mount points the module binds
# onto (it does not create them) and a small etc/ of its own.  Every
# component is root-owned 0755: the module's admission walk refuses a tree
# a user could change.
rig_jail_tree() {
	local user=$1 root=$RIG_JAILS/$1 d
	rig_assert_inside
	install -d -m 755 -o 0 -g 0 /srv "$RIG_JAILS" "$root"
	# var/log, var/run and var/lib: where the module binds the host's
	# wtmp, lastlog and utmp (Debian 12) or wtmpdb and lastlog2
	# (Debian 13) for the caller (mount_books.c)
	for d in usr bin lib lib64 sbin etc dev proc tmp home "home/$user" \
		var var/tmp var/log var/run var/lib; do
		install -d -m 755 -o 0 -g 0 "$root/$d"
	done
	rig__jail_etc "$root/etc" "$user"
}

# The jail's etc/.  passwd and group are empty placeholders: the module
# binds generated ones over them.
rig__jail_etc() {
	local etc=$1 user=$2
	install -m 644 -o 0 -g 0 /dev/null "$etc/passwd"
	install -m 644 -o 0 -g 0 /dev/null "$etc/group"
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$etc/nsswitch.conf"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost\n' "$user" >"$etc/hosts"
	printf '%s\n' 'PATH=/usr/local/bin:/usr/bin:/bin' 'export PATH' >"$etc/profile"
	printf '%s\n' "PS1='\\u@\\h:\\w\\\$ '" >"$etc/bash.bashrc"
	printf '%s\n' /bin/sh /usr/bin/sh /bin/bash /usr/bin/bash >"$etc/shells"
	cp /etc/ld.so.cache "$etc/ld.so.cache"
	chown 0:0 "$etc"/*
	chmod 644 "$etc"/*
}

# rig_jail_stanza NAME [LINE...]: the rig's usual [jail:NAME] section (a
# tree per user under RIG_JAILS, the system directories read-only, the home
# read-write, a /tmp of its own, no network), LINE... (more keys) after it,
# then a blank line.  rig_rules JAIL RULE...: a "[RULE]" section naming
# JAIL for each RULE (user:NAME, group:NAME).  Both print; rig_conf or
# rig_conf_add writes.
rig_jail_stanza() {
	local name=$1
	shift
	printf '[jail:%s]\nroot = %s/%%u\nbind_ro = /usr /bin /lib /lib64 /sbin\n' \
		"$name" "$RIG_JAILS"
	printf '%s\n' 'bind_rw = %h' 'tmpfs = /tmp' 'network = none' 'hostname = %u' "$@"
	printf '\n'
}
rig_rules() {
	local jail=$1 rule
	shift
	for rule in "$@"; do printf '[%s]\njail = %s\n\n' "$rule" "$jail"; done
}

# rig_jail NAME USER...: a [jail:NAME] section (once) and, per user, a
# jail tree and a [user:USER] rule.  Extra keys: write your own with
# rig_jail_stanza and rig_conf / rig_conf_add.
rig_jail() {
	local name=$1 user
	shift
	rig_assert_inside
	if ! grep -qxF "[jail:$name]" "$RIG_CONF" 2>/dev/null; then
		rig_jail_stanza "$name" | rig_conf_add || return
	fi
	for user in "$@"; do
		rig_jail_tree "$user" || return
		rig_rules "$name" "user:$user" | rig_conf_add || return
	done
}

# ------------------------------------------------------------ PAM stacks --

# Debian's stacks as the rig found them, kept once so every variant starts
# from the same text.
rig__pam_pristine() {
	local s
	[ -d "$RIG_DIR/pam.d.orig" ] && return 0
	install -d -m 700 "$RIG_DIR/pam.d.orig"
	for s in $RIG_PAM_SERVICES; do
		[ -f "/etc/pam.d/$s" ] && cp -p "/etc/pam.d/$s" "$RIG_DIR/pam.d.orig/$s"
	done
	return 0
}

# rig_pam_plain: Debian's stacks, without pam_jail.
rig_pam_plain() {
	local s
	rig_assert_inside
	rig__pam_pristine
	for s in $RIG_PAM_SERVICES; do
		[ -f "$RIG_DIR/pam.d.orig/$s" ] &&
			cp -p "$RIG_DIR/pam.d.orig/$s" "/etc/pam.d/$s"
	done
	return 0
}

# rig_pam_line [ARG...]: the line rig_pam_stacks appends.
rig_pam_line() {
	printf 'session %s %s conf=%s init=%s' "${RIG_PAM_CONTROL:-required}" \
		"$MODULE" "$RIG_CONF" "$INIT"
	[ $# -eq 0 ] || printf ' %s' "$@"
	printf '\n'
}

# rig__includes FILE: does FILE pull in another stack we edit?  Debian's
# su-l includes su and runuser-l includes runuser: those get the line
# through the include (README: "add it to su, not also to su-l").
rig__includes() {
	local s
	for s in $RIG_PAM_SERVICES; do
		grep -Eq "^[[:space:]]*session[[:space:]]+(include|substack)[[:space:]]+${s}[[:space:]]*\$" \
			"$1" && return 0
	done
	return 1
}

# rig__module_paths CALLER: MODULE and INIT, which a stack names, are
# absolute paths to existing files; if not, say so on stderr as CALLER and
# fail.
rig__module_paths() {
	local f
	for f in "${MODULE:-}" "${INIT:-}"; do
		case $f in
		/*) [ -f "$f" ] || { echo "$1: $f missing" >&2; return 1; } ;;
		*) echo "$1: MODULE and INIT must be absolute paths" >&2; return 1 ;;
		esac
	done
}

# rig_pam_stacks [MODULE_ARG...]: Debian's stacks with pam_jail as the last
# session line.  Appending at the end of the file is "last" even after the
# `@include common-session` lines.  MODULE and INIT must be absolute paths
# (make check passes them); RIG_PAM_CONTROL overrides "required".
rig_pam_stacks() {
	local s
	rig_assert_inside
	rig__module_paths rig_pam_stacks || return 1
	rig_pam_plain
	for s in $RIG_PAM_SERVICES; do
		[ -f "/etc/pam.d/$s" ] || continue
		rig__includes "/etc/pam.d/$s" && continue
		rig_pam_line "$@" >>"/etc/pam.d/$s"
	done
	return 0
}

# The project's example stacks for the rig's release: its sshd, login, su,
# runuser and cron with `session required pam_jail.so` appended
# (conf/pam.d/debian12, conf/pam.d/debian13; README).
RIG_PAM_EXAMPLES=${RIG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/conf/pam.d/debian$RIG_RELEASE

# rig_pam_example FILE [MODULE_ARG...]: FILE with "pam_jail.so" on its
# session line replaced by "$MODULE conf=$RIG_CONF init=$INIT [ARG...]"
# (stdout): the line rig_pam_line writes.
rig_pam_example() {
	local f=$1 r
	shift
	r="$MODULE conf=$RIG_CONF init=$INIT${*:+ $*}"
	r=${r//\\/\\\\} r=${r//&/\\&} r=${r//|/\\|}
	sed -E "s|^(session[[:space:]]+[^[:space:]]+[[:space:]]+)pam_jail\\.so([[:space:]]\|\$)|\\1$r\\2|" "$f"
}

# rig_pam_examples [MODULE_ARG...]: the rig's stacks are exactly the
# examples (su-l and runuser-l stay Debian's: they include su and runuser).
rig_pam_examples() {
	local f
	rig_assert_inside
	rig__module_paths rig_pam_examples || return 1
	rig_pam_plain
	for f in "$RIG_PAM_EXAMPLES"/*; do
		[ -f "$f" ] || continue
		rig_pam_example "$f" "$@" >"/etc/pam.d/${f##*/}" || return
		chmod 644 "/etc/pam.d/${f##*/}"
	done
}

# rig_pam_service NAME < TEXT: a stack of the test's own (e.g. for pamtester).
rig_pam_service() {
	rig_assert_inside
	cat >"/etc/pam.d/$1" && chmod 644 "/etc/pam.d/$1"
}

# ------------------------------------------------------ sshd, login, cron --

# The callers (sshd, login, su, runuser, cron) live in lib_callers.sh.
# shellcheck source=lib_callers.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_callers.sh"

# ----------------------------------------------------------------- syslog --

# rig_syslog_mark: later rig_syslog_grep calls only look at newer lines.
rig_syslog_mark() {
	RIG_SYSLOG_FROM=$(($(wc -l <"$RIG_SYSLOG") + 1))
}

# rig_syslog_grep ERE [SECONDS]: wait (default RIG_TIMEOUT) until a syslog
# line after the mark matches; print the matching lines.
rig_syslog_grep() {
	local re=$1 tenths=$((${2:-$RIG_TIMEOUT} * 10))
	while :; do
		if tail -n "+${RIG_SYSLOG_FROM:-1}" "$RIG_SYSLOG" | grep -E -- "$re"; then
			return 0
		fi
		tenths=$((tenths - 1))
		[ "$tenths" -gt 0 ] || return 1
		sleep 0.1
	done
}

# rig_pam_errors < LINES: the syslog lines in which a PAM module reports
# an error or failure (pam_systemd without a system bus and pam_limits'
# debug lines are expected in the rig and left out).
rig_pam_errors() {
	awk 'match($0, /^<[0-9]+>/) { pri = substr($0, 2, RLENGTH - 2) % 8 }
		/pam_[a-z0-9_]+\(/ && tolower($0) ~ /error|fail|could not|cannot|no such/ &&
		!(/pam_systemd\(/ && /bus/) && !(/pam_limits\(/ && pri == 7)'
}

# ------------------------------------------------------------ leftovers --

# Mount table of PID (default: this shell, i.e. the rig's namespace) without
# the mount and parent ids, so two snapshots compare structure.
rig__mounts() {
	cut -d' ' -f3- "/proc/${1:-self}/mountinfo" | sort
}

# rig_mounts_snapshot FILE [PID] / rig_mounts_compare FILE [PID]: did a
# session leave a mount behind in the caller's namespace?  Compare prints
# the difference.
rig_mounts_snapshot() {
	rig__mounts "${2:-}" >"$1"
}
rig_mounts_compare() {
	diff -u "$1" <(rig__mounts "${2:-}")
}

# rig_nothing_left DESC: two checks -- no process of any jail is alive, and
# the rig's mount table is $RIG_DIR/mounts.before (rig_mounts_snapshot'ed
# before the first session).
rig_nothing_left() {
	check "$1: no jail process is left" rig_jail_procs_gone
	check "$1: the rig's mount table is unchanged" \
		rig_mounts_compare "$RIG_DIR/mounts.before"
}

# rig_jail_procs: processes not in the rig's own view - another mount or pid
# namespace than pid 1, or a root that is not "/".  (A pivoted process in
# its own namespace can read back as "/", hence the namespace checks.)
rig_jail_procs() {
	local p mnt1 pid1 mnt pidns root
	mnt1=$(readlink /proc/1/ns/mnt)
	pid1=$(readlink /proc/1/ns/pid)
	for p in /proc/[0-9]*; do
		mnt=$(readlink "$p/ns/mnt" 2>/dev/null) || continue	# gone, zombie
		pidns=$(readlink "$p/ns/pid" 2>/dev/null) || continue
		root=$(readlink "$p/root" 2>/dev/null) || continue
		if [ "$mnt" != "$mnt1" ] || [ "$pidns" != "$pid1" ] || [ "$root" != / ]; then
			printf '%s %s root=%s %s\n' "${p#/proc/}" \
				"$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" "$root" "$mnt"
		fi
	done
}

# rig_jail_procs_gone [SECONDS]: wait until no such process is left; on
# timeout print them and fail.
rig_jail_procs_gone() {
	if rig_wait "${1:-$RIG_TIMEOUT}" rig__no_jail_procs; then return 0; fi
	rig_jail_procs
	return 1
}
rig__no_jail_procs() {
	[ -z "$(rig_jail_procs)" ]
}

# rig_build_probe OUT: the escape probe (tests/escape/*.c), static, at OUT,
# as one test line; a file that cannot build it ends there.
rig_build_probe() {
	if ! cc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o "$1" \
		"$(dirname "${BASH_SOURCE[0]}")"/escape/*.c >"$RIG_DIR/probe.build" 2>&1; then
		not_ok "the probe builds (static)" "$(cat "$RIG_DIR/probe.build")"
		done_testing
		exit
	fi
	ok "the probe builds (static)"
}
