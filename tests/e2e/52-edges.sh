#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 52-edges.sh - the jail's edges under a hostile tenant (issue 14): a jailed
# root, two jails on one tree, co-tenants of a team jail, a process left in
# a shared jail, an administrator who enters.  Every attempt is made from a
# real session (ssh, jailctl enter, su) and has a control that shows it gets
# through where its protection is off; 50-escape.sh holds the core's
# attempts (a plain jailed user in a fresh jail).
# Run: tests/rig/isolate.sh tests/e2e/52-edges.sh  (MODULE, INIT, DRIVER absolute)
# central: E1 [jailed root, host devices]
#
# THE THREAT TABLE.  Rows: actors; columns: assets.  A cell names the
# attempts (E ids below; H/P/K/I/W/V/T/S/R ids are 50-escape.sh's) or
# says why it is empty.
#
#                   host files  host devices host procs   host syslog  per-uid      other        network
#                                            and ttys     and records  budgets      tenants      outside
# jailed user       H1-H14 E3   H13 K3 K4    P1-P8 T1-T3  E8 (rate,    E3 E11 E16   (b)          W1-W3 I1-I9
#                   E9 (init)                             tagged) E15  (a)
# co-tenant of a    (c)         (c)          (c)          E8           (c)          E7 E8 E14    (c)
#  team jail
# later session of  (d)         (d)          (d)          (d)          (d)          (d)          (d)
#  the same user
# jailed root       E4 R11 R12  E1           R8-R10 R15   R19 E2 (e)   E2 E12 (a)   (f)          E5 R16
# same root in two  (g)         (g)          (g)          E6           (g)          (g)          (g)
#  share=session
# process left in   (h)         (h)          E10 (i)      (h)          (h)          (h)          (h)
#  a shared jail
# admin who enters  -           -            E10 E13 (i)  -            -            -            -
#  (jailctl enter,
#  su -, runuser)
#
# (a) per-uid kernel budgets (inotify instances, nproc, mqueue bytes, pipe
#     buffers, keys) are counted by the kernel per uid across every
#     namespace but the user one; a jailed user only spends its own uid's
#     (as on the host).  E3: key-users (who holds keys) is masked.  E12: a
#     jailed root may setuid/setgid only to 0, root's gid and root_ids
#     (seccomp_ids.c); the same attempt on an id of root_ids is its
#     control.  What stays open: a jailed root IS uid 0 and spends uid 0's
#     own budgets, which host daemons share -- processes (the kernel
#     exempts uid 0 from RLIMIT_NPROC: pids_max is the bound), inotify
#     instances and watches, mqueue bytes (no per-jail control; the admin
#     can seccomp_deny inotify_init inotify_init1 mq_open); jailctl check
#     notes it.  E11: pty exhaustion -- closed by default: a jail has a
#     devpts instance of its own, capped at pty_max (128 by default; 4 for
#     carol), where sshd allocates its sessions' ptys; the attempt holds
#     what /dev/ptmx gives while a host user's ssh -t still gets a pty of
#     the rig's devpts (capped at 12 so the machine's stay free).  Its
#     control is devpts = host, which the admin may still choose: the host
#     instance has no per-user/per-jail/per-cgroup count (kernel.pty.max
#     is global; kernel.pty.reserve only serves instances mounted with
#     "reserve"), so frank holds every free pty and ssh -t gets none;
#     jailctl check flags it.  A session that came in on a host pty gets
#     the host's devpts in a view of its own, where only the root caller
#     opens ptmx (E16, 54-host-pty-view.sh).
# (b) a jailed user in its own jail has no other tenant: its jail is its.
# (c) a co-tenant is a jailed user (row 1) whose jail holds another
#     user too: everything of row 1 applies; what is new is the other
#     tenant, E7 and E8, and E14 (53-login-reopen.sh, Debian 13 only:
#     Debian 12's shadow login does not reopen its tty): a util-linux
#     login on the host's pts/N reopens /dev/pts/N by name inside, which
#     in the jail's own devpts is the jail's pty N, a co-tenant's to hold
#     -- closed: a caller on a host pty gets a mount namespace of its own
#     with the host's devpts there (mount_view.c; 53: erin's login keeps
#     its terminal while dave holds 8 of the jail's ptys; its control
#     shows the jail's /dev/pts/N is dave's).  allow_root jails get no
#     such view: there a private devpts is for a jail of one user (the
#     config refuses a team one, checked below; a second uid's join of
#     such a running jail is refused).
# (d) a later session joins the same jail (setns): it is the same user
#     with the same rights, so it can reach nothing the earlier could not;
#     40-shared.sh shows that it joins and that a jail built with another
#     setup is refused.
# (e) login records (wtmp/lastlog/utmp) are written by the caller through
#     binds only it holds (45-host-books.sh); the jail sees none of them.
#     E15 (45-host-books.sh, Debian 12): utmp and wtmp key records by the
#     tty's name, and a jail with a private devpts numbers its ptys from 0
#     on its own -- so they are not the host's there (a utmp of the
#     jail's own, wtmp to /dev/null); lastlog (by uid) still is.
# (f) a root jail has no other tenant unless it is a team jail, whose
#     other tenants a jailed root controls by design (it is their root).
# (g) two share=session jails of one root are two jails of row 4; the
#     tree they share is theirs; E6 is what the second jail adds.
# (h) a process left behind is the jailed user of row 1, older.
# (i) E10: jailctl enter gives the command a pty of its own.  su and
#     runuser from an admin's terminal hand that terminal to the jail (the
#     E10 and E13 controls); the module cannot give su a pty (it runs in
#     su's pam_open_session, before su forks the shell, and su hands the
#     shell its own fds 0-2): README tells admins to use `su --pty` /
#     `runuser --pty` (E13) or `jailctl enter`.
# -   the administrator is not an attacker; what enters with it is its
#     terminal, the column where the left-behind process can reach it.
#
# id   actor / attempt                      blocked expects            control (protection off)
# ---- ------------------------------------ -------------------------- -----------------------------
# E1   root: chmod the host's /dev/urandom  EROFS (read-only bind)     root chmods its own file (DAC ok)
# E2   root: read /proc/kpage* iomem ...    0 bytes (masked)           rig root reads them
# E3   user: /proc/key-users                0 lines (masked)           alice unjailed: host uids listed
# E4   root: setuid file in a bind_rw dir   host user: EACCES          dir above opened: host user root
#      config: bind_rw with no closed dir   login refused, file named  a closed source: login works
# E5   config: allow_root + network = host  refused with file:line     network = none: accepted
# E6   root in jail B sends on jail A's     tagged pam_jail-...[0]     the caller's own lines verbatim
#      /dev/log (share = session, 1 tree)
# E7   tenant fills its /run/user/UID       other tenant logs in       the filler's own tmpfs is full
# E8   tenant floods /dev/log               other's line relayed       the flooder's lines are dropped
# E9   hardening of jail-init               static-pie, relro, now,    a plain static build: flagged
#                                           stack protector, fortify
# E10  left-behind process takes the fd of  its own pty, hung up when   su - alice: the admin's terminal
#      `jailctl enter`'s command            the command ends           is kept after su returns
# E11  user holds every pty /dev/ptmx       the default (own devpts,   devpts = host: every pty held,
#      gives; a host user's ssh -t          pty_max 128): 128 held,    ssh -t gets none; check flags it
#                                           the host user gets a pty
# E12  root setresuid/setresgid to 4242,   EPERM (id filter)          the same to ids of root_ids: through
#      65534, 1 (ids it does not own)
# E13  the same thief against su --pty -    su's inner pty, hung up    plain su - / runuser -l -c: the
#      and runuser --pty -l (-c CMD)        when the command ends      admin's terminal is kept
# E16  user's ssh process opens ptmx in a   EACCES (the view's ptmx    her own /dev/ptmx opens
#      su session's view of the host's      is the host devpts's own,  (54-host-pty-view.sh)
#      devpts via /proc/PID/root            mode 000)
# E15  user in a devpts = private jail      bob still in who, still    (in 45-host-books.sh) carol's
#      logs in on its pts/0 = bob's host    logged in in last after    login went on pts/0 into her
#      line, then out (45-host-books.sh)    carol's logout             jail's utmp; old module: overwrote
# mountinfo shows the bind sources' paths inside their file systems (the
# kernel prints a mount's root dentry); it names what the admin bound, gives
# no access, and masking it would break findmnt/df in the jail: left.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

E=/run/pamjail-edges
PROBE=$RIG_DIR/probe

rig_build_probe "$PROBE"

# ==== E9: jail-init's hardening (no session needed) ==========================
# hardened FILE: the flags the module's build has, read back from the ELF.
hardened() {
	local f=$1 miss=""
	readelf -hW "$f" | grep -q 'Type:.*DYN' || miss="$miss not-pie"
	readelf -lW "$f" | grep -q 'GNU_RELRO' || miss="$miss no-relro"
	readelf -dW "$f" | grep -Eq 'FLAGS.*(BIND_NOW|NOW)' || miss="$miss no-bind-now"
	# the program's own functions call the canary check (libc.a brings
	# __stack_chk_fail into any static binary, protected or not)
	objdump -d --no-show-raw-insn "$f" | awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 }
		/call.*<__stack_chk_fail/ { print fn }' |
		grep -Eq '^<(main|relay|relay_jailed|accept_one|flush_queue)>:$' ||
		miss="$miss no-stack-protector"
	readelf -sW "$f" | grep -Eq '__[a-z]*printf_chk|__[a-z]+_chk ' || miss="$miss no-fortify"
	readelf -lW "$f" | grep -q 'INTERP' && miss="$miss dynamic"
	echo "${miss:- hardened}"
}
is "$(hardened "$INIT")" " hardened" "E9 jail-init is a static PIE with relro, bind-now, stack protector, fortify"
printf '#include <stdio.h>\nint main(int c, char **v) { char b[64]; snprintf(b, sizeof b, "%%s", v[c-1]); return puts(b); }\n' \
	>"$RIG_DIR/plain.c"
cc -O2 -static -no-pie -fno-stack-protector -U_FORTIFY_SOURCE -o "$RIG_DIR/plain" "$RIG_DIR/plain.c"
is "$(hardened "$RIG_DIR/plain")" ' not-pie no-bind-now no-stack-protector no-fortify' \
	"E9 control: a plain static build is flagged"

# ==== users, jails ================================================================
rig_user alice
rig_user bob		# never jailed: the host user
rig_user dave
rig_user erin
rig_user carol	# devpts = private, pty_max = 4 (E11)
rig_user frank	# devpts = host (E11's control)
install -d -m 755 "$E"
install -d -m 700 -o 0 -g 0 /srv/rootjails
RB=/srv/rootjails/rootbox
install -d -m 755 -o 0 -g 0 "$RB"
for d in bin etc dev proc tmp root srv var var/tmp shared; do install -d -m 755 -o 0 -g 0 "$RB/$d"; done
chmod 700 "$RB/root"
install -d -m 755 -o 0 -g 0 /srv/rootjails/shared
if command -v busybox >/dev/null; then
	install -m 755 -o 0 -g 0 "$(command -v busybox)" "$RB/bin/busybox"
	for a in $(busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$RB/bin/$a"; done
fi
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$RB/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$RB/etc/group"
install -m 755 -o 0 -g 0 "$PROBE" "$RB/probe"
rig_jail web alice
install -m 755 -o 0 -g 0 "$PROBE" /srv/jails/alice/probe
rig_jail_tree carol
install -m 755 -o 0 -g 0 "$PROBE" /srv/jails/carol/probe
rig_jail_tree frank
install -m 755 -o 0 -g 0 "$PROBE" /srv/jails/frank/probe
# the team jail: one tree, two users, a small inode budget per tmpfs
TEAM=/srv/jails/team
install -d -m 755 -o 0 -g 0 /srv/jails "$TEAM"
for d in usr bin lib lib64 sbin etc dev proc tmp home home/dave home/erin run run/user \
	var var/tmp var/log var/run; do
	install -d -m 755 -o 0 -g 0 "$TEAM/$d"
done
rig__jail_etc "$TEAM/etc" team
rig_conf_add <<EOF
[jail:rootbox]
root = $RB
allow_root = yes
share = session
bind_rw = /srv/rootjails/shared:/shared
tmpfs = /tmp
hostname = rootbox
root_ids = 4300-4399

[user:root]
jail = rootbox

[jail:team]
root = $TEAM
bind_ro = /usr /bin /lib /lib64 /sbin
tmpfs = /tmp
tmpfs_inodes = 64
network = none
hostname = team
persist = yes

[user:dave]
jail = team

[user:erin]
jail = team
EOF
{
	rig_jail_stanza capped 'devpts = private' 'pty_max = 4'
	rig_rules capped user:carol
	rig_jail_stanza hostpts 'devpts = host'
	rig_rules hostpts user:frank
} | rig_conf_add
rig_pam_stacks
mount -o remount,suid /srv	# as on a host: the jail must not rely on nosuid
usermod -s /bin/sh root	# the root jail has no bash; sshd reads pw_shell outside
install -d -m 700 /root/.ssh
install -m 600 "$(rig_key).pub" /root/.ssh/authorized_keys
if rig_sshd_start "Match User root" "	PermitRootLogin prohibit-password"; then ok "sshd starts"; else
	not_ok "sshd starts"
	done_testing
	exit
fi
R() { rig_ssh root "$@" 2>&1; }
J() { rig_ssh alice "$@" 2>&1; }
if ! command -v busybox >/dev/null; then
	skip "busybox not installed" "E1 E2 E4 E6: jailed root (needs busybox-static)"
	HAVE_ROOT=0
else
	is "$(R 'id -u; hostname' | tr '\n' ' ')" "0 rootbox " "root logs into the allow_root jail"
	HAVE_ROOT=1
fi

# ==== E1: host devices ============================================================
if [ "$HAVE_ROOT" = 1 ]; then
	mode=$(stat -c %a /dev/urandom)
	# the same mode: harmless where it gets through, proof where it fails
	out=$(R "chmod $mode /dev/urandom; chmod $(stat -c %a /dev/null) /dev/null")
	# one line each: like takes a one-line pattern (tests/lib.sh)
	like "$out" '^chmod: /dev/urandom: Read-only file system$' \
		"E1 [jailed root, host devices] chmod of the host's device nodes: EROFS"
	like "$out" '^chmod: /dev/null: Read-only file system$' \
		"E1 chmod of the host's /dev/null: EROFS"
	is "$(R 'head -c 4 /dev/urandom | wc -c; echo x > /dev/null && echo written')" "4
written" "E1 the read-only nodes still read and write"
	is "$(R 'echo x > /tmp/own && chmod 600 /tmp/own && stat -c %a /tmp/own')" 600 \
		"E1 control: a jailed root chmods a file it owns where the mount is writable"
	is "$(stat -c %a /dev/urandom)" "$mode" "E1 the host's /dev/urandom keeps its mode"
fi

# ==== E12: which uids a jailed root may become =====================================
if [ "$HAVE_ROOT" = 1 ]; then
	is "$(R 'for u in 4242 65534 1; do /probe become_uid $u; /probe become_gid $u; done')" \
		"become_uid: blocked EPERM (setresuid(4242))
become_gid: blocked EPERM (setresgid(4242))
become_uid: blocked EPERM (setresuid(65534))
become_gid: blocked EPERM (setresgid(65534))
become_uid: blocked EPERM (setresuid(1))
become_gid: blocked EPERM (setresgid(1))" \
		"E12 [jailed root, per-uid budgets] setresuid/setresgid to 4242, 65534, 1 (not in root_ids): EPERM"
	is "$(R '/probe become_uid 4321; /probe become_gid 4399; /probe become_uid 0')" \
		"become_uid: ESCAPED became uid 4321 and holds an inotify instance of its budget
become_gid: ESCAPED became gid 4399
become_uid: ESCAPED became uid 0 and holds an inotify instance of its budget" \
		"E12 control: the same attempts on ids of root_ids (4300-4399) and on uid 0 go through"
fi

# ==== E2, E3: host kernel state through /proc ====================================
KPAGE="kpagecount kpageflags kpagecgroup iomem pagetypeinfo slabinfo"
proc_bytes() { # the first bytes of each file, counted
	local f
	for f in $KPAGE; do printf '%s=%s ' "$f" "$(head -c 64 "/proc/$f" 2>/dev/null | wc -c)"; done
}
host=$(proc_bytes)
want=$(for f in $KPAGE; do printf '%s=0 ' "$f"; done)
if [ "$HAVE_ROOT" = 1 ]; then
	# shellcheck disable=SC2016 # expanded inside the jail
	is "$(R 'for f in '"$KPAGE"'; do printf "%s=%s " $f $(head -c 64 /proc/$f 2>/dev/null | wc -c); done')" \
		"$want" "E2 [jailed root, per-uid/kernel] physical page state, iomem, slabinfo: masked (0 bytes)"
fi
like "$host" '^kpagecount=64 kpageflags=64 .*iomem=[1-9]' \
	"E2 control: the rig's root reads them (uid 0, the DAC check a jailed root also passes)"
is "$(J 'wc -l < /proc/key-users')" 0 "E3 [jailed user, per-uid budgets] /proc/key-users lists no host uid"
like "$(setpriv --reuid=alice --regid=alice --init-groups -- cat /proc/key-users)" \
	'^ +0: ' "E3 control (alice unjailed): key-users lists the host's uids"

# ==== E4: a jailed root's bind_rw and the host's users ============================
if [ "$HAVE_ROOT" = 1 ]; then
	like "$(R '/probe make_suid /probe /shared/pamjail-suid')" \
		'^make_suid: ESCAPED made /shared/pamjail-suid setuid root' \
		"E4 control: a jailed root makes a setuid-root file in its bind_rw"
	planted() { (cd /tmp && HOME=/home/bob runuser -u bob -- /srv/rootjails/shared/pamjail-suid ls_root 2>&1); }
	out=$(planted)
	like "$out" 'Permission denied' \
		"E4 [jailed root, host files] a host user cannot reach it: the bind's source is under a closed dir"
	chmod 711 /srv/rootjails
	like "$(planted)" 'refused: the probe holds CAP_SYS_ADMIN' \
		"E4 control: with that directory open the planted file gives a host user root"
	chmod 700 /srv/rootjails
	rm -f /srv/rootjails/shared/pamjail-suid
	# the module refuses the open case: a source no closed directory hides
	install -d -m 755 "$E/shared"
	{
		printf '[jail:rootbox]\nroot = %s\nallow_root = yes\n' "$RB"
		printf 'bind_rw = %s/shared:/shared\ntmpfs = /tmp\n' "$E"
		printf '[user:root]\njail = rootbox\n'
	} >"$RIG_DIR/open.conf"
	chmod 644 "$RIG_DIR/open.conf"
	printf 'session required %s conf=%s init=%s\n' "$MODULE" "$RIG_DIR/open.conf" \
		"$INIT" | rig_pam_service edgeopen
	check_refused "E4 [config] an allow_root jail whose bind_rw source is open to host users is refused" \
		"bind_rw $E/shared: neither it nor a directory above it" "$DRIVER" -s edgeopen root true
	like "$(rig_syslog_grep "bind_rw $E/shared: neither it nor a directory above it is root-owned and closed" 2)" \
		'mode 0700' "E4 the log line names the source and the fix"
	is "$(R 'echo ok')" ok "E4 control: the same jail with its source under a closed directory starts"
fi

# ==== E5: allow_root + network = host ==========================================
{
	printf '[jail:netroot]\nroot = %s\nallow_root = yes\n' "$RB"
	printf 'network = host\ntmpfs = /tmp\n[user:root]\njail = netroot\n'
} >"$RIG_DIR/net.conf"
chmod 644 "$RIG_DIR/net.conf"
printf 'session required %s conf=%s init=%s\n' "$MODULE" "$RIG_DIR/net.conf" \
	"$INIT" | rig_pam_service edgenet
check_refused "E5 [jailed root, network] allow_root with network = host is refused" \
	'network = host is not allowed with allow_root' "$DRIVER" -s edgenet root true
like "$(rig_syslog_grep 'net.conf:4: network = host is not allowed with allow_root' 2)" \
	'abstract sockets as uid 0' "E5 the log line names file:line and why"
sed -i 's/^network = host$/network = none/' "$RIG_DIR/net.conf"
check "E5 control: the same jail with network = none is accepted" "$DRIVER" -s edgenet root true

# ==== E6: one jailed root, two share = session jails, one tree ==================
if [ "$HAVE_ROOT" = 1 ]; then
	rig_syslog_mark
	R '/probe log_pass /srv/pamjail-logpass' >"$RIG_DIR/logpass.out" &
	passer=$!
	rig_wait 10 test -S "$RB/srv/pamjail-logpass" || diag "jail A's socket did not appear"
	FORGED='<38>sshd[4242]: Accepted password for root from 203.0.113.9 port 22 ssh2'
	like "$(R "/probe log_forge /srv/pamjail-logpass '$FORGED'")" \
		'^log_forge: ESCAPED sent a line on the other jail.s /dev/log' \
		"E6 control: jail B's root sends on jail A's /dev/log (pid 0 there, uid 0)"
	wait "$passer"
	like "$(cat "$RIG_DIR/logpass.out")" '^log_pass: ESCAPED handed' "E6 jail A handed its /dev/log over"
	rig_syslog_grep 'session closed for user root$' >/dev/null
	sleep 0.5
	log=$(tail -n "+$RIG_SYSLOG_FROM" "$RIG_SYSLOG")
	unlike "$log" '^<38>sshd\[4242\]: Accepted password' \
		"E6 [two jails of one root, host syslog] the line is not relayed as the host's sshd"
	like "$log" 'pam_jail-rootbox\[0\]: uid=0: sshd\[4242\]: Accepted password' \
		"E6 it is relayed tagged with the jail and the kernel's pid and uid"
	like "$log" '^<[0-9]+>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} sshd\[[0-9]+\]: pam_unix\(sshd:session\): session closed for user root$' \
		"E6 control: the session's own caller (sshd's monitor, pid 0 too) is still relayed verbatim"
fi

# ==== E10, E13: a process left in a shared jail, an administrator who enters ==
# alice's jail stays up with a session that waits; her left-behind thief
# waits for the entered command's pid (which it writes to the jail's /tmp).
# The admin's own terminal is named ADMIN-TTY in what the thief reports.
JAILCTL=${JAILCTL:-$BUILD/jailctl}
entered() { # ADMIN_COMMAND_LINE: run on a fresh pty, as an admin's shell would
	local t tty
	rig_ssh alice 'rm -f /tmp/entered' >/dev/null 2>&1
	rig_ssh alice '/probe steal_tty /tmp/entered' >"$RIG_DIR/thief.out" 2>&1 &
	t=$!
	rig_wait 10 pgrep -x probe >/dev/null
	# sleep: the admin's terminal outlives the command, as an admin's shell
	rig_pty "tty >$RIG_DIR/admin.tty; $1; sleep 2" >"$RIG_DIR/admin.out" 2>&1 ||
		diag "admin: $(cat "$RIG_DIR/admin.out")"
	wait "$t"
	tty=$(cat "$RIG_DIR/admin.tty")
	sed -Ei "s#(terminal )$tty([; ])#\1ADMIN-TTY\2#" "$RIG_DIR/thief.out"
	# what the thief got, for the log (stderr: not the verdict's text)
	diag "the admin on $tty ran: $1" "the thief: $(cat "$RIG_DIR/thief.out")" >&2
	cat "$RIG_DIR/thief.out"
}
rig_ssh alice 'sleep 300' >/dev/null 2>&1 &
holder=$!
# shellcheck disable=SC2016 # $$ is the entered shell's
CMD='echo $$ > /tmp/entered; sleep 2'
# (a name only: in the jail's own devpts the entry's pty may have the
# number of the admin's host pty, and shows as ADMIN-TTY; hung up is what
# tells it from the admin's terminal, which outlives the command)
OWN='^steal_tty: blocked \(took pid [0-9]+.s terminal (/dev/pts/[0-9]+|ADMIN-TTY); hung up when the command ended\)$'
KEPT='^steal_tty: ESCAPED kept pid [0-9]+.s terminal ADMIN-TTY after the command ended$'
like "$(entered "$JAILCTL enter alice -- sh -c '$CMD'")" "$OWN" \
	"E10 [left-behind process, admin's tty] jailctl enter: the stolen terminal is the entry's own pty, hung up after"
like "$(entered "echo '$CMD' | su - alice")" "$KEPT" \
	"E10 control: su - alice shares the admin's terminal, which the thief keeps"
# E13: what README tells admins who use su/runuser (util-linux 2.38 has
# --pty: su's parent, outside the jail, keeps the master; the command gets
# a pty of its own, made after pam_open_session, in the jail's devpts)
like "$(entered "su --pty - alice -c '$CMD'")" "$OWN" \
	"E13 [admin who enters, host ttys] su --pty - alice -c: the thief gets su's inner pty, hung up after"
like "$(entered "runuser --pty -l alice -c '$CMD'")" "$OWN" \
	"E13 runuser --pty -l alice -c: the thief gets runuser's inner pty, hung up after"
like "$(entered "su - alice -c '$CMD'")" "$KEPT" \
	"E13 control: plain su - alice -c from the same pty hands the thief the admin's terminal"
like "$(entered "runuser -l alice -c '$CMD'")" "$KEPT" \
	"E13 control: plain runuser -l alice -c hands it over too"
check "alice's jail stops (its holder's sleep with it)" "$JAILCTL" stop alice
wait "$holder" 2>/dev/null

# ==== E11: a jailed user holds every pty =====================================
# The rig's devpts is an instance of its own (isolate.sh's fresh_dev),
# standing in for the host's: capped at PTYS here, so the attempt spends a
# dozen of the machine's ptys (kernel.pty.max is global), not all of them.
# alice (the default: a devpts of the jail's own, pty_max 128), carol
# (pty_max = 4) and frank (devpts = host) each hold what /dev/ptmx gives
# them; meanwhile bob, a host user, logs in with ssh -t.
PTYS=12
held() { # USER MOST: USER's probe takes ptys until refused; bob logs in meanwhile
	local f=/home/$1/.ptys-held h out
	rm -f "$f"
	rig_ssh "$1" "/probe hold_ptys $f $2" >"$RIG_DIR/hold.out" 2>&1 &
	h=$!
	rig_wait 15 test -s "$f" || diag "$1's probe wrote no count: $(cat "$RIG_DIR/hold.out")"
	out=$(printf 'held=%s\n' "$(cat "$f" 2>/dev/null)"; rig_ssh_pty bob tty 2>&1)
	rm -f "$f"
	wait "$h"
	# one line: like's grep -E reads a pattern of several lines as
	# alternatives, any one of which would pass; ssh ends its own lines
	# with CR LF
	printf '%s\n' "$out" "$(cat "$RIG_DIR/hold.out")" | tr -d '\r' | paste -sd ';'
}
mount -o "remount,max=$PTYS" /dev/pts
if [ "$(findmnt -n -o OPTIONS /dev/pts | grep -o "max=[0-9]*")" != "max=$PTYS" ]; then
	skip "the rig's devpts takes no max= on remount" "E11: pty exhaustion"
else
	free=$((PTYS - $(find /dev/pts -name '[0-9]*' | wc -l)))
	like "$(held alice 200)" '^held=128;/dev/pts/[0-9]+;hold_ptys: blocked ENOSPC \(after 128 ptys\)$' \
		"E11 [jailed user, per-uid budgets] the default devpts (the jail's own, pty_max 128): alice holds 128, bob's ssh -t gets a pty"
	like "$(held carol 64)" '^held=4;/dev/pts/[0-9]+;hold_ptys: blocked ENOSPC \(after 4 ptys\)$' \
		"E11 pty_max = 4: carol holds 4, bob's ssh -t gets a pty"
	like "$(held frank 64)" "^held=$free;PTY allocation request failed on channel 0;(not a tty;)?hold_ptys: blocked ENOSPC \\(after $free ptys\\)\$" \
		"E11 control: devpts = host (no count of its own): frank holds all $free free ptys, bob's ssh -t gets none"
	like "$(rig_ssh_pty bob tty 2>&1)" '^/dev/pts/[0-9]+$' "E11 once frank lets go, bob's ssh -t gets a pty again"
fi
mount -o remount,max=1048576 /dev/pts	# the kernel's default (NR_UNIX98_PTY_MAX)

# ==== E7, E8: two tenants of a team jail ======================================
rig_ssh dave 'true' >/dev/null 2>&1	# builds the persistent jail
fill=$(rig_ssh dave 'cd "$XDG_RUNTIME_DIR" && i=0; while touch f$i 2>/dev/null; do i=$((i+1)); done
	touch last 2>/dev/null || echo "full at $i files: $XDG_RUNTIME_DIR"' 2>&1)
like "$fill" "^full at [0-9]+ files: /run/user/$(id -u dave)\$" \
	"E7 control: dave fills his runtime dir until the tmpfs says ENOSPC"
is "$(rig_ssh erin 'touch "$XDG_RUNTIME_DIR/mine" && echo "$XDG_RUNTIME_DIR ok"' 2>&1)" \
	"/run/user/$(id -u erin) ok" \
	"E7 [co-tenant, other tenants] erin logs into the same jail and writes her runtime dir"
is "$(rig_ssh dave 'readlink /proc/1/ns/pid' 2>&1)" "$(rig_ssh erin 'readlink /proc/1/ns/pid' 2>&1)" \
	"E7 dave and erin are in one jail"

rig_syslog_mark
rig_ssh dave 'timeout 4 sh -c "while :; do seq 500; done | logger -t flood-dave"' >/dev/null 2>&1 &
flooder=$!
sleep 1.5
rig_ssh erin 'logger -t erin-mark hello-from-erin' >/dev/null 2>&1
wait "$flooder"
sleep 0.5
log=$(tail -n "+$RIG_SYSLOG_FROM" "$RIG_SYSLOG")
like "$log" "pam_jail-team\[[0-9]+\]: uid=$(id -u erin): .*hello-from-erin" \
	"E8 [co-tenant, host syslog] erin's line is relayed while dave floods /dev/log"
flood=$(grep -c 'flood-dave' <<<"$log")
if [ "$flood" -lt 400 ]; then ok "E8 control: dave's flood was cut by his rate limit ($flood lines relayed)"
else not_ok "E8 control: dave's flood was cut by his rate limit ($flood lines relayed)"; fi
like "$log" 'pam_jail-team: [0-9]+ lines from the jail dropped \(rate limit\)' \
	"E8 control: the dropped lines are counted"
check "the persistent team jail stops" "$JAILCTL" stop team

# ==== jailctl check: what stays allowed is flagged with its reason ============
o=$("$JAILCTL" check 2>&1)
like "$o" "^note: jail rootbox: allow_root: the jailed root is uid 0: it spends uid 0's own per-user kernel budgets" \
	"check flags what a jailed root still spends (E12: uid 0's own budgets)"
like "$o" '^note: jail rootbox: root_ids: the jailed root can become these ids' \
	"check flags the ids of root_ids (E12)"
like "$("$JAILCTL" show root 2>&1)" '^root_ids +4300-4399	# \[jail:rootbox\] at line [0-9]+$' \
	"show prints the ids a jailed root may become (E12: root_ids)"
like "$("$JAILCTL" show alice 2>&1)" '^root_ids +-	# allow_root = no$' \
	"show: (control) no root_ids for a jail without allow_root"
like "$o" '^note: jail rootbox: allow_root with share = session: ' "check flags share = session with allow_root (E6)"
like "$o" '^note: jail hostpts: devpts = host: a jailed user can hold every pty' "check flags devpts = host (E11)"
like "$o" '^note: jail team: a root without %u .*runtime dirs and log rates are per user' \
	"check flags a team jail's shared parts (E7, E8)"
unlike "$o" '^note: jail (web|rootbox|capped): devpts' \
	"check: (control) no devpts note where the devpts is the jail's own (the default, allow_root, pty_max = 4)"
# E15: with a private devpts utmp and wtmp are the jail's own, so only
# var/log (the host's lastlog) is asked for, not var/run
rmdir "$RIG_JAILS/carol/var/run" "$RIG_JAILS/carol/var/log"
o2=$("$JAILCTL" check 2>&1)
like "$o2" "user carol .*no directory $RIG_JAILS/carol/var/log: the host's lastlog never records this jail's logins" \
	"check: a private devpts jail's tree without var/log loses only the host's lastlog (E15)"
unlike "$o2" "no directory $RIG_JAILS/carol/var/run" \
	"check: a private devpts jail's tree needs no var/run (its utmp is its own, E15)"
install -d -m 755 -o 0 -g 0 "$RIG_JAILS/carol/var/run" "$RIG_JAILS/carol/var/log"
# a team jail with a private devpts: util-linux login (Debian 13) reopens
# its host pty by name, /dev/pts/N, which a caller on a host pty finds in
# a view of its own (E14, 53-login-reopen.sh): accepted; allow_root gives
# no such view, so there it is an error of check
sed 's/^persist = yes$/devpts = private/' "$RIG_CONF" >"$RIG_DIR/teampriv.conf"
unlike "$("$JAILCTL" --conf "$RIG_DIR/teampriv.conf" check 2>&1)" 'jail team: .*, and a second \[user:\] rule' \
	"check: devpts = private in a team jail is accepted (E14: login's reopen finds its own view)"
sed 's/^persist = yes$/allow_root = yes/' "$RIG_CONF" >"$RIG_DIR/teamroot.conf"
like "$("$JAILCTL" --conf "$RIG_DIR/teamroot.conf" check 2>&1)" \
	'jail team: allow_root \(a private devpts\), and a second \[user:\] rule \(line [0-9]+\) names it: .*give it a root with %u' \
	"check: allow_root in a team jail is an error (E14: no view of the host's devpts there)"
unlike "$o" 'jail (team|rootbox|capped|web): allow_root \(a private devpts\), and' \
	"check: (control) no such error for a team jail without allow_root, a root jail of one rule, a jail per user"

check "after every attempt no jail process is left" rig_jail_procs_gone 10
rig_sshd_stop
done_testing
