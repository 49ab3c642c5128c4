#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 10-core-pam.sh - the core jail at the PAM level: the project's driver
# opens a session the way login(1) does (open_session in the caller, fork,
# setuid, exec) and pamtester drives open/close.  Runs a second time under
# ASan+UBSan (BUILD_ASAN) because of the "-pam" in its name.
# central: / lists only the jail tree
# releases: 12 13
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

rig_user alice
rig_user bob
rig_group customers alice
rig_jail web alice
stack() { # the test's own minimal stack: pam_permit (libpam refuses a
	# stack where every module says PAM_IGNORE), then pam_jail
	printf 'session required pam_permit.so\nsession required %s conf=%s init=%s %s\n' \
		"$MODULE" "$RIG_CONF" "$INIT" "$*" | rig_pam_service jailtest
}
stack
# pamtester is not built with the sanitizers: an ASan build of the module
# needs their runtimes preloaded into it.
pamtester_() {
	local rt
	rt=$(ldd "$MODULE" | awk '/lib(asan|ubsan)/ {print $3}' | tr '\n' ' ')
	LD_PRELOAD=${rt% } pamtester "$@"
}
# Unlike pamdriver, pamtester cannot tell LeakSanitizer to skip its exit
# check once its open_session has put it into a jail, where the check
# cannot run (tests/pamdriver.c, __lsan_is_turned_off, says why): its
# jailed run is checked by ASan and UBSan only, its unjailed one by LSan too.
pamtester_jailed() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 pamtester_ "$@"
}
# jailed CMD...: run CMD as alice in a jailed session, like login does.
jailed() { "$DRIVER" -s jailtest alice "$@"; }

mount -o remount,suid /srv	# for the setuid control below
rig_mounts_snapshot "$RIG_DIR/mounts.before"
host_root=$(ls /)

# --- what a jailed session sees ------------------------------------------
is "$(jailed ls /)" "$(printf '%s\n' bin dev etc home lib lib64 proc sbin tmp usr var)" \
	"/ lists only the jail tree"
is "$(jailed sh -c 'ps -e -o pid=,comm=' | awk '{print $1, $2}' | tr '\n' ' ')" \
	"1 jail-init 2 sh 3 ps " "ps -e shows only the jail's processes, jail-init as pid 1"
is "$(jailed hostname)" alice "hostname is the jail's (%u)"
is "$(stat -c '%a %U' /run/pam_jail/conf-*.idx 2>&1)" "600 root" \
	"a login leaves the config's section index, root's, 0600 (config_cache.c)"
printf '[user:zed]\njail = web\nbogus = 1\n' >>"$RIG_CONF"
check_refused "an edit is scanned in full: a mistake in another user's rule refuses the login" \
	"pam_jail.conf:[0-9]+: unknown key 'bogus' in \\[user:zed\\]" jailed true
sed -i '/^\[user:zed\]$/,$d' "$RIG_CONF"
is "$(jailed hostname)" alice "... and the repaired config works again"
is "$(hostname)" rig "(control) the caller's hostname is unchanged"
is "$(jailed ip -o link | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo " \
	"network = none: only lo"
like "$(jailed ip -o addr show lo)" '127\.0\.0\.1' "lo is up inside"
caps=$(jailed grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status)
is "$(printf '%s\n' "$caps" | awk '{print $2}' | sort -u | tr '\n' ' ')" \
	"0000000000000000 1 " "all five capability sets are 0 and NoNewPrivs is 1"
like "$caps" 'CapBnd:[[:space:]]+0+' "the bounding set is empty"
like "$(jailed grep Seccomp: /proc/self/status)" 'Seccomp:[[:space:]]+2' \
	"a seccomp filter is installed"
is "$(jailed id)" "uid=$(id -u alice)(alice) gid=$(id -g alice)(alice) groups=$(id -g alice)(alice),$(getent group customers | cut -d: -f3)(customers)" \
	"uid and gids are the host's, untranslated"
is "$(jailed cut -d: -f1 /etc/passwd | tr '\n' ' ')" "root nobody alice " \
	"/etc/passwd lists only root, nobody and the user"
unlike "$(jailed cat /etc/group)" '^bob:' "/etc/group does not list other users' groups"
like "$(jailed cat /etc/group)" '^customers:x:[0-9]+:alice$' "/etc/group lists the user's groups"
check_fails_with "the pam_jail config is not reachable inside" \
	"cat: $RIG_CONF: No such file or directory" jailed cat "$RIG_CONF"

# A jail that binds the host's /etc: the secrets stay hidden.
install -d -m 755 /etc/security/pam_jail.d
printf '[user:nobody-here]\njail = none\n' >/etc/security/pam_jail.d/10-extra.conf
chmod 644 /etc/security/pam_jail.d/10-extra.conf
cp -p "$RIG_CONF" "$RIG_DIR/conf.noetc"
sed -i 's|^bind_ro = /usr /bin /lib /lib64 /sbin$|bind_ro = /usr /bin /lib /lib64 /sbin /etc|' "$RIG_CONF"
is "$(jailed cut -d: -f1 /etc/passwd | tr '\n' ' ')" "root nobody alice " \
	"host /etc bound: /etc/passwd still lists only root, nobody and the user"
is "$(jailed sh -c 'cat /etc/shadow /etc/gshadow '"$RIG_CONF"' 2>&1 | grep -c "Permission denied"')" 3 \
	"host /etc bound: shadow, gshadow and the pam_jail config are masked (mode 000, empty)"
is "$(jailed ls -A /etc/security/pam_jail.d 2>&1)" "" \
	"host /etc bound: the drop-in directory is empty inside"
check "(control) the rig's drop-in directory is not empty" test -s /etc/security/pam_jail.d/10-extra.conf
like "$(jailed cat /etc/debian_version)" '^[0-9]' "host /etc bound: the rest of /etc is there"
cp -p "$RIG_DIR/conf.noetc" "$RIG_CONF"
rm -rf /etc/security/pam_jail.d

# --- filesystem rules ------------------------------------------------------
like "$(jailed sh -c 'touch /usr/probe' 2>&1)" 'Read-only file system' \
	"a write under bind_ro fails with EROFS"
check "the home is writable" jailed sh -c 'echo hi > "$HOME/written"'
is "$(cat /home/alice/written)" hi "a write in the home lands in the host's home"
is "$(jailed sh -c 'echo x > /tmp/t && cat /tmp/t')" x "/tmp is writable inside"
check "(control) the jail's /tmp is private: nothing in the caller's /tmp" test ! -e /tmp/t
like "$(jailed grep -E ' /(usr|home/alice|tmp) ' /proc/self/mountinfo)" \
	'nosuid,nodev' "binds and tmpfs carry nosuid,nodev"
check_fails_with "no /sys in the jail" "cannot access '/sys': No such file" jailed ls /sys
is "$(jailed ls /dev | tr '\n' ' ')" \
	"fd full log null ptmx pts random shm stderr stdin stdout tty urandom zero " \
	"/dev holds only the minimal set"
like "$(jailed sh -c 'touch /dev/x' 2>&1)" 'Read-only|Permission denied' "/dev is not writable"

# A setuid-root binary does not yield euid 0: first prove that it would
# (the rig mounts its /srv nosuid; the jail must not rely on that).
install -m 4755 -o 0 -g 0 /usr/bin/id /srv/jails/alice/suid-id
is "$(runuser -u alice -- /srv/jails/alice/suid-id -u)" 0 \
	"(control) outside the jail the setuid copy gives euid 0"
is "$(jailed /suid-id -u)" "$(id -u alice)" "inside, the setuid-root binary gives no euid 0"
rm -f /srv/jails/alice/suid-id

# --- pid 1, the caller, the end of the session ------------------------------
is "$(jailed sh -c 'sleep 300 & sleep 300 & echo started')" started \
	"background processes started inside"
check "after the session no process of the jail remains" rig_jail_procs_gone 5
check "the caller's mount table is unchanged" rig_mounts_compare "$RIG_DIR/mounts.before"
# init is not the caller's child: login's wait(NULL) must not reap it.
is "$(jailed grep '^PPid:' /proc/1/status)" "PPid:	0" \
	"jail-init's parent is outside the jail"

fds=$(PAMDRIVER_FDS=1 "$DRIVER" -s jailtest alice true 2>&1 | sed -n 's/^pamdriver: fds before open \([0-9]*\), after pam_end \([0-9]*\)$/\1 \2/p')
like "$fds" '^[0-9]+ [0-9]+$' "the driver reports its fds around the session"
is "${fds% *}" "${fds#* }" "close_session and pam_end leave no fd of the module in the caller"

# --- unjailed users are untouched ------------------------------------------
"$DRIVER" -s jailtest bob sh -c 'readlink /proc/self/ns/mnt /proc/self/ns/pid; ls /' \
	>"$RIG_DIR/bob.out" 2>&1
is "$(head -2 "$RIG_DIR/bob.out" | tr '\n' ' ')" \
	"$(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/pid) " \
	"an unjailed user keeps the caller's mount and pid namespaces"
is "$(tail -n +3 "$RIG_DIR/bob.out")" "$host_root" "an unjailed user sees the host's /"
check "pamtester: open and close for an unjailed user" \
	pamtester_ jailtest bob open_session close_session
check "pamtester: open and close for a jailed user" \
	pamtester_jailed jailtest alice open_session close_session
check "root is never jailed (PAM_IGNORE)" "$DRIVER" -s jailtest root true

# --- fail closed: each broken setup refuses, never runs the command --------
refused() { # DESC
	rm -f /home/alice/ran
	"$DRIVER" -s jailtest alice touch /home/alice/ran >/dev/null 2>&1
	local rc=$?
	if [ "$rc" = 254 ] && [ ! -e /home/alice/ran ]; then ok "$1"; else
		not_ok "$1" "driver exit $rc (want 254), ran: $([ -e /home/alice/ran ] && echo yes || echo no)"
	fi
}
cp -p "$RIG_CONF" "$RIG_DIR/conf.good"
restore() { cp -p "$RIG_DIR/conf.good" "$RIG_CONF"; }

rig_syslog_mark
printf '[jail:web\nroot = /x\n' | rig_conf
refused "an unparsable config refuses the session"
like "$(rig_syslog_grep 'pam_jail\(jailtest:session\): user alice: .*pam_jail.conf:1')" \
	'pam_jail.conf:1' "syslog names file:line"
restore

chmod 664 "$RIG_CONF"
rig_syslog_mark
refused "a group-writable config refuses the session"
like "$(rig_syslog_grep 'pam_jail.conf.*writable by group or others')" writable "syslog says why"
restore

chmod 775 /srv/jails/alice
rig_syslog_mark
refused "a group-writable jail root refuses the session"
like "$(rig_syslog_grep 'jail root.*/srv/jails/alice.*writable by group or others')" alice \
	"syslog names the jail root"
chmod 755 /srv/jails/alice

sed -i 's|^bind_ro = .*|& /nonexistent/dir|' "$RIG_CONF"
rig_syslog_mark
refused "a missing bind source refuses the session"
like "$(rig_syslog_grep 'bind source.*/nonexistent')" nonexistent "syslog names the missing path"
restore

rmdir /srv/jails/alice/proc
rig_syslog_mark
refused "a missing mount point refuses the session"
like "$(rig_syslog_grep 'mount point: /srv/jails/alice/proc: No such file')" proc \
	"syslog names the mount point"
install -d -m 755 -o 0 -g 0 /srv/jails/alice/proc

mv /srv/jails/alice/tmp /srv/jails/alice/tmp.real
ln -s /etc /srv/jails/alice/tmp
rig_syslog_mark
refused "a symlinked mount point refuses the session"
like "$(rig_syslog_grep 'symlink')" symlink "syslog says it is a symlink"
rm /srv/jails/alice/tmp && mv /srv/jails/alice/tmp.real /srv/jails/alice/tmp

stack bogus=1
rig_syslog_mark
refused "an unknown module argument refuses the session"
like "$(rig_syslog_grep "unknown module argument 'bogus=1'")" bogus "syslog names the argument"

printf 'session required %s conf=/nonexistent.conf init=%s\n' "$MODULE" "$INIT" |
	rig_pam_service jailtest
refused "a missing config file refuses the session"
printf 'session required %s conf=%s init=/nonexistent\n' "$MODULE" "$RIG_CONF" |
	rig_pam_service jailtest
refused "a missing jail-init refuses the session"
stack

# A caller chrooted to a mount point (sshd in a chroot): the builder's
# pivot_root swaps that root, not its mount namespace's, and setns() puts
# the caller at the namespace's root -- the host's tree, above the jail.
# Refused, never run there.
install -d /run/rig/chroot
mount --rbind / /run/rig/chroot
rig_syslog_mark
out=$(chroot /run/rig/chroot "$DRIVER" -s jailtest alice sh -c 'ls /; touch /run/rig/chroot-ran' 2>&1)
is "$? $(test -e /run/rig/chroot-ran && echo ran)" "254 " 	"a chrooted caller is refused, the command never runs" || diag "$out"
like "$(rig_syslog_grep 'is the caller chrooted')" 	"user alice jail web: after entering the jail, / is not its root $RIG_JAILS/alice" 	"... with one line saying why"
umount --recursive --lazy /run/rig/chroot

check "after every refused session no jail process remains" rig_jail_procs_gone 5
check "and the caller's mount table is unchanged" rig_mounts_compare "$RIG_DIR/mounts.before"
is "$(jailed echo back)" back "the restored setup works again"

# A booted systemd makes the host's / shared (not in a container, so only
# the VM leg, 80-vm.sh, met it): a clone of a shared mount is in its peer
# group, pivot_root refuses a shared new root (EINVAL), and a mount made
# on it before the pivot would propagate to the host's tree.
mount --make-rshared /
is "$(jailed hostname 2>&1)" alice "on a host whose / is shared (a booted systemd's) the jail builds"
check_fails "... and the jail's /tmp tmpfs does not propagate to the host's $RIG_JAILS/alice/tmp" \
	mountpoint -q "$RIG_JAILS/alice/tmp"
umount --lazy "$RIG_JAILS/alice/tmp" 2>/dev/null
mount --make-rprivate /

# --- a user no rule names: the config index and stat()s decide -----------
# (config_quick.c): no config file read, no group lookup -- and a drop-in
# an admin adds or edits in place is obeyed by the very next login.
dropins=$(dirname "$RIG_CONF")/pam_jail.d
install -d -m 755 -o 0 -g 0 "$dropins"
printf '[user:zed]\njail = web\n' >"$dropins/10-x.conf"
chmod 644 "$dropins/10-x.conf"
rig_jail_tree bob
stack debug
sleep 3	# older than JC_CFG_RACY_S (2 s): the next login's index vouches
"$DRIVER" -s jailtest bob true	# the full load, which writes that index
rig_syslog_mark
is "$("$DRIVER" -s jailtest bob hostname 2>&1)" rig "bob, whom no rule names, is not jailed"
like "$(rig_syslog_grep 'user bob: not jailed')" 'default is none \(config index\)' \
	"... decided from the config index, without loading the config"
printf '[user:bob]\njail = web\n' >>"$dropins/10-x.conf"
is "$("$DRIVER" -s jailtest bob hostname 2>&1)" bob \
	"a rule appended in place to a drop-in jails bob's very next login"
printf '[user:zed]\njail = web\n' >"$dropins/10-x.conf"
is "$("$DRIVER" -s jailtest bob hostname 2>&1)" rig "... and its removal frees the next one"
rm -r "$dropins"
stack

done_testing
