#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 50-escape.sh - the escape suite.  Every attempt is made by
# the probe (tests/escape/) from inside a real jailed session (ssh, unless the
# table says otherwise) and must fail in the precise way written below; and
# every attempt is run again where its protection is switched off, where it
# must give a different answer (ESCAPED, or the kernel's own errno instead
# of the filter's EPERM), so that no check here is one that cannot fail.
# releases: 12 (the kernel's edges, not the caller's; the rig's overlay
# root on 13 has no file handles for the shocker probe)
# Run: tests/rig/isolate.sh tests/e2e/50-escape.sh  (MODULE, INIT, DRIVER absolute)
#
# Who runs the probe:
#   J  alice, jail "web" (the default hardening), over ssh
#   N  carol, jail "nofilter": the same jail with `seccomp = none`, over ssh
#   U  alice NOT jailed: setpriv to her uid in the rig, no PAM, no jail
#   D  alice jailed by the project's PAM driver (login's order), whose
#      caller leaks a directory fd of the host (fd 9): shows the fd probes
#      see a leak when there is one
#   B  bob, not jailed, over ssh / su (terminal controls)
#   R  root in an allow_root jail (busybox tree), over ssh
# "witness": the same call with arguments the kernel rejects before any
# capability check; it answers the kernel's errno (EINVAL, EBADF, ENOSYS,
# ENOENT...) when the call reaches the kernel, EPERM behind the filter.
# "userns": the probe's second try, in a new user namespace, which is how an
# ordinary user gets capabilities; the filter forbids making one.
#
# id   attempt (probe NAME)            class           J expects                 control
# ---- ------------------------------- --------------- ------------------------- ------------------------
# H1   ls_root: / and the host marker  host tree       the tree only; ENOENT     U: ESCAPED (marker)
# H2   proc_roots: /proc/*/root/..     host tree       /proc/1/root EACCES       U: ESCAPED
# H3   dotdot: /.., /proc/self/root/.. host tree       all are /; ENOENT         U: ESCAPED
# H4   chroot_escape (mkdir+chroot+..) host tree       EPERM; userns EPERM       N: trick ends in jail /; U: ESCAPED
# H5   fds of the session's shell      host tree       none outside the jail     D: ESCAPED (leaked fd 9)
# H6   fds, ssh -tt session            host tree       none outside (pts ok)     D: ESCAPED
# H7   fds of the parent (sshd child)  host tree       EACCES (not dumpable)     D: ESCAPED (parent sh)
# H8   steal_fds ppid (pidfd_getfd)    host tree       EPERM                     U: takes a same-uid process's fds
# H9   steal_fds 1 (jail-init)         host tree       EPERM                     U: as H8
# H10  shocker: forged inode-2 handle  host tree       EPERM, witness EPERM      N, U: witness EBADF
# H11  handle: name_to/open_by_handle  host tree       EPERM, witness EPERM      U: witness EBADF
# H12  symlink ~ -> /etc/shadow, host  host tree       ENOENT                    U: ESCAPED
# H13  devnode: char 1:3 in a bind     host tree       EACCES (nodev)            U: ESCAPED (same node)
# H14  symlinked tmpfs mount point     host tree       login refused (254)       a real directory: tmpfs lands
# P1   ps_host: a host process of hers host procs      not visible               U: ESCAPED
# P2   kill(host pid of hers, 0)       host procs      ESRCH                     U: ESCAPED
# P3   kill(rig's sshd, 0)             host procs      ESRCH                     U: EPERM (it exists)
# P4   kill(-1, 0), PAM driver session host procs      ESRCH (D)                 U: ESCAPED
# P5   /proc/<host pid>                host procs      ENOENT                    U: ESCAPED
# P6   ptrace(PTRACE_SEIZE, host pid)  host procs      ESRCH                     U: ESCAPED
# P7   pidfd_open(host pid)            host procs      ESRCH                     U: ESCAPED
# P8   ptrace jail-init (pid 1)        host procs      EPERM                     U: ptrace works (P6)
# K1   core_pattern O_WRONLY           kernel state    EACCES; mount ro          none for a user (DAC): R1
# K2   /proc/sys/kernel/hostname       kernel state    EACCES; mount ro          none for a user (DAC): R2
# K3   /proc/sysrq-trigger O_WRONLY    kernel state    absent or masked          U: EACCES (if the kernel has it)
# K4   /sys                            kernel state    ENOENT                    U: ESCAPED
# K5   mount tmpfs on ~/scratch        kernel state    EPERM; userns EPERM       N, U: ESCAPED (userns)
# K6   mount proc on ~/scratch         kernel state    EPERM, witness EPERM      N, U: witness ENOENT
# K7   mount sysfs on ~/scratch        kernel state    EPERM, witness EPERM      N, U: witness ENOENT
# K8   fsopen(tmpfs)                   kernel state    EPERM; userns EPERM       N, U: ESCAPED
# K9   open_tree(OPEN_TREE_CLONE)      kernel state    EPERM; userns EPERM       N, U: ESCAPED
# K10  pivot_root                      kernel state    EPERM; userns EPERM       N, U: ESCAPED
# K11  umount2 /tmp                    kernel state    EPERM, witness EPERM      N, U: witness EINVAL
# K12  mknod c 1:3, b 8:0              kernel state    EPERM (fifo OK)           none: CAP_MKNOD, not the filter
# K13  init_module                     kernel state    EPERM                     N, U: ENOSYS (no modules)
# K14  finit_module                    kernel state    EPERM                     N, U: ENOSYS
# K15  delete_module                   kernel state    EPERM                     N, U: ENOSYS
# K16  kexec_load (invalid arch)       kernel state    EPERM                     N, U: ENOSYS
# K17  kexec_file_load                 kernel state    EPERM                     N, U: ENOSYS
# K18  settimeofday (invalid usec)     kernel state    EPERM                     N, U: EINVAL
# K19  clock_settime(MONOTONIC)        kernel state    EPERM                     N, U: EINVAL
# K20  sethostname                     kernel state    EPERM; userns EPERM       N, U: ESCAPED (own UTS ns)
# K21  swapon (invalid flags)          kernel state    EPERM                     N, U: EINVAL
# K22  reboot (invalid magic)          kernel state    EPERM; userns EPERM       N, U: EINVAL in a user+pid ns
# K23  acct(NULL)                      kernel state    EPERM                     none: capability checked first
# I1   connect @pamjail-escape-test    host IPC        ECONNREFUSED              U: ESCAPED
# I2   connect /run/pamjail-escape/sock host IPC       ENOENT                    U: ESCAPED
# I3   shmget(host key)                host IPC        ENOENT, 0 objects         U: ESCAPED
# I4   msgget(host key)                host IPC        ENOENT                    U: ESCAPED
# I5   semget(host key)                host IPC        ENOENT                    U: ESCAPED
# I6   mq_open(host queue)             host IPC        ENOENT                    U: ESCAPED
# I7   keyctl(GET_KEYRING_ID)          host IPC        EPERM                     N, U: ENOKEY
# I8   add_key (invalid keyring)       host IPC        EPERM                     N, U: EINVAL
# I9   request_key (no such type)      host IPC        EPERM                     N, U: ENOKEY
# W1   connect 127.0.0.1:22 (sshd)     network         ECONNREFUSED              U: ESCAPED
# W2   interfaces                      network         lo only                   U: ESCAPED (rig's veth)
# W3   raw socket                      network         EPERM; userns EPERM       N, U: ESCAPED (userns)
# V1   setuid-root copy of id          privilege       euid stays alice's        U: ESCAPED (euid 0)
# V2   cap_net_raw+ep copy of probe    privilege       no capability             U: ESCAPED
# V3   unshare(CLONE_NEWUSER)          privilege       EPERM                     N, U: ESCAPED
# V4   clone(CLONE_NEWUSER)            privilege       EPERM                     N, U: ESCAPED
# V5   clone3(CLONE_NEWUSER)           privilege       ENOSYS                    N, U: ESCAPED
# V6   int 0x80 unshare                privilege       EPERM                     N, U: ESCAPED
#      (a kernel without IA32 emulation has no i386 entry: ENOSYS everywhere)
# V7   x32 unshare                     privilege       EPERM                     N, U: ENOSYS
# V8   setns(own userns)               privilege       EPERM                     N, U: EINVAL
# V9   PR_CAP_AMBIENT_RAISE            privilege       EPERM; userns EPERM       N, U: ESCAPED
# V10  capset +cap_sys_admin           privilege       EPERM; userns EPERM       N, U: ESCAPED
# V11  personality(READ_IMPLIES_EXEC)  privilege       EPERM                     N, U: ESCAPED
# T1   TIOCSTI, ssh -tt                terminal        EPERM                     N, B: EFAULT (taken)
# T2   TIOCSTI | 1<<32                 terminal        EPERM                     N, B: EFAULT
# T3   TIOCLINUX                       terminal        EPERM                     N, B: ENOTTY
# T4   TIOCSTI after su - (from a pty) terminal        EPERM                     su to N, B: EFAULT
# S1   io_uring_setup                  kernel surface  EPERM                     N, U: ESCAPED
# S2   userfaultfd                     kernel surface  EPERM                     N, U: ESCAPED
# S3   bpf                             kernel surface  EPERM                     N, U: EINVAL
# S4   perf_event_open                 kernel surface  EPERM                     N, U: ESCAPED
# S5   socket(AF_ALG)                  kernel surface  EPERM                     N, U: EAFNOSUPPORT
# S6   socket(AF_VSOCK)                kernel surface  EPERM                     N, U: ESCAPED
# S7   fanotify_init                   kernel surface  EPERM                     N, U: ESCAPED
# R1   core_pattern O_WRONLY           jailed root     EROFS (DAC passed)        J: EACCES (a user stops at DAC)
# R2   /proc/sys/kernel/hostname       jailed root     EROFS                     J: EACCES
# R3   mount proc (2013 recipe)        jailed root     EPERM, witness EPERM      N: witness ENOENT
# R4   mount sysfs (2013 recipe)       jailed root     EPERM, witness EPERM      N: witness ENOENT
# R5   mknod                           jailed root     EPERM                     none (CAP_MKNOD refused)
# R6   init_module                     jailed root     EPERM                     U: ENOSYS
# R7   chroot escape, chroot allowed   jailed root     ends in the jail's /      U: ESCAPED
# R8   /proc/1/fd of jail-init         jailed root     EACCES                    J: EACCES; U: fds of a process
# R9   pidfd_getfd from jail-init      jailed root     EPERM                     U: takes a same-uid process's fds
# R10  ptrace jail-init                jailed root     EPERM                     U: ESCAPED (P6)
# R11  setuid-root file for host users jailed root     host user gets no root    (it is made: mode 4755 uid 0)
# R12  chown in a read-only bind       jailed root     EROFS                     R: chown in /tmp works
# R13  keyctl                          jailed root     EPERM                     U: ENOKEY
# R14  sethostname                     jailed root     EPERM; userns EPERM       N: ESCAPED
# R15  kill(rig's sshd, 0)             jailed root     ESRCH                     U: EPERM
# R16  connect 127.0.0.1:22            jailed root     ECONNREFUSED              U: ESCAPED
# R17  unshare(CLONE_NEWUSER)          jailed root     EPERM                     U: ESCAPED
# R18  ls_root                         jailed root     the tree only             U: ESCAPED
# R19  forge_log via jail-init's fds   jailed root     EPERM, no forged line     J: EPERM
# Resource exhaustion is the limits suite's.  Checks that are not attempts:
# the probe's own guard, su -c's missing controlling tty, and the sshd
# post-auth child's fds seen from the rig.
# central: H1 [host tree] ls_root, jailed:
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

E=/run/pamjail-escape		# host-only objects (the rig's /run)
PROBE=$RIG_DIR/probe
ATTEMPTS=0

# --- the probe ---------------------------------------------------------------
rig_build_probe "$PROBE"
is "$("$PROBE" ls_root 2>&1)" \
	"ls_root: refused: the probe holds CAP_SYS_ADMIN (it only runs unprivileged)" \
	"the probe refuses to run as the rig's root (capget guard)"

# --- users, jails, host-side objects ------------------------------------------
rig_user alice
rig_user carol
rig_user bob	# never jailed
rig_user dave
install -d -m 755 "$E"
echo host-marker >"$E/marker"
# A device node on a tmpfs that allows devices, bound into the jails.
install -d -m 755 "$E/dev"
mount -t tmpfs -o mode=755,nosuid pjescape-dev "$E/dev"
mknod -m 666 "$E/dev/null" c 1 3
jail_section() { # NAME [EXTRA LINE...]
	local name=$1 l
	shift
	printf '[jail:%s]\nroot = /srv/jails/%%u\n' "$name"
	printf 'bind_ro = /usr /bin /lib /lib64 /sbin %s/dev:/devtest\n' "$E"
	printf 'bind_rw = %%h\nnetwork = none\nhostname = %%u\n'
	for l in "$@"; do printf '%s\n' "$l"; done
	printf '\n'
}
{
	jail_section web "tmpfs = /tmp"
	jail_section nofilter "tmpfs = /tmp" "seccomp = none"
	jail_section scratchjail "tmpfs = /tmp %h/scratch"
	printf '[user:alice]\njail = web\n\n[user:carol]\njail = nofilter\n\n'
	printf '[user:dave]\njail = scratchjail\n\n'
} | rig_conf
for u in alice carol dave; do
	rig_jail_tree "$u"
	install -d -m 755 -o 0 -g 0 "/srv/jails/$u/devtest"
	install -m 755 -o 0 -g 0 "$PROBE" "/srv/jails/$u/probe"
done
install -m 4755 -o 0 -g 0 /usr/bin/id /srv/jails/alice/suid-id
HAVE_SETCAP=0
if rig_need setcap "V2 needs setcap (libcap2-bin)"; then
	for u in alice carol; do
		install -m 755 -o 0 -g 0 "$PROBE" "/srv/jails/$u/fcap-probe"
		setcap cap_net_raw+ep "/srv/jails/$u/fcap-probe"
	done
	HAVE_SETCAP=1
fi
mount -o remount,suid /srv	# as on a host: the jail must not rely on nosuid
install -d -m 700 -o dave -g dave /home/dave/scratch
rig_pam_stacks
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$RIG_CONF" "$INIT" | rig_pam_service escdrv

# Listeners on an abstract and a path unix socket, outside the jails.
/usr/bin/python3 -c '
import os, socket, threading
def serve(s):
    while True:
        c, _ = s.accept()
        c.close()
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
a.bind("\0pamjail-escape-test"); a.listen(8)
p = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
p.bind("/run/pamjail-escape/sock"); os.chmod("/run/pamjail-escape/sock", 0o666); p.listen(8)
threading.Thread(target=serve, args=(a,), daemon=True).start()
serve(p)
' </dev/null >/dev/null 2>&1 &
LISTENER=$!
# A process of alice's outside every jail, and SysV/POSIX IPC objects.
setpriv --reuid=alice --regid=alice --init-groups -- \
	bash -c 'exec -a pamjail-escape-host sleep 600' </dev/null >/dev/null 2>&1 &
HOSTPID=$!
ipcmk -M 4096 >/dev/null && ipcmk -Q >/dev/null && ipcmk -S 1 >/dev/null
ipc_key() { ipcs "$1" | awk '$1 ~ /^0x/ {print $1; exit}'; }
SHMKEY=$(ipc_key -m) MSGKEY=$(ipc_key -q) SEMKEY=$(ipc_key -s)
HOME=/home/alice setpriv --reuid=alice --regid=alice --init-groups -- \
	"$PROBE" make_mqueue /pamjail-escape >/dev/null
ip link add pjesc0 type veth peer name pjesc1 || diag "no veth pair: W2's control will fail"
cleanup() { kill "$LISTENER" "$HOSTPID" 2>/dev/null; }
trap cleanup EXIT

if rig_sshd_start; then ok "sshd starts"; else
	not_ok "sshd starts"
	done_testing
	exit
fi
read -r SSHDPID <"$RIG_DIR/sshd.pid"
rig_wait 5 test -S "$E/sock"
like "$HOSTPID $SSHDPID $SHMKEY $MSGKEY $SEMKEY" '^[0-9]+ [0-9]+ 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+$' \
	"host-side objects are set up (host pid, sshd pid, SysV keys)"

# --- how the probe is run -------------------------------------------------------
J() { rig_ssh alice "/probe $*" 2>&1; }
N() { rig_ssh carol "/probe $*" 2>&1; }
U() { (cd /home/alice && HOME=/home/alice setpriv --reuid=alice --regid=alice \
	--init-groups -- /srv/jails/alice/probe "$@") 2>&1; }
R() { rig_ssh root "/probe $*" 2>&1; }
ctx_words() {
	case $1 in
	J) echo "jailed" ;; N) echo "seccomp = none jail" ;; U) echo "unjailed" ;;
	R) echo "jailed root" ;; *) echo "$1" ;;
	esac
}

# controls WHAT 'NAME ARGS' [CTX=ERE...]: the attempt again in each control
# context, its ERE matched after "^NAME: ", each check named "WHAT control
# (CONTEXT): ERE".  NU=ERE is N=ERE U=ERE: where the filter is the only
# protection switched off, the jail without it and no jail answer alike.
controls() {
	local what=$1 args=$2 name=${2%% *} c ctx
	shift 2
	for c in "$@"; do
		ctx=${c%%=*}
		if [ "$ctx" = NU ]; then
			controls "$what" "$args" "N=${c#*=}" "U=${c#*=}"
			continue
		fi
		# shellcheck disable=SC2086 # ARGS are words
		like "$($ctx $args)" "^$name: ${c#*=}" \
			"$what control ($(ctx_words "$ctx")): $(words "${c#*=}")"
	done
}

# try ID CLASS 'NAME ARGS' JAILED_ERE [CTX=ERE...]: one attempt, J first,
# then each control; every ERE is matched after "^NAME: ".
try() {
	local id=$1 class=$2 args=$3 want=$4 name=${3%% *}
	shift 4
	ATTEMPTS=$((ATTEMPTS + 1))
	# shellcheck disable=SC2086 # ARGS are words
	like "$(J $args)" "^$name: $want" "$id [$class] $name, jailed: $(words "$want")"
	controls "$id [$class] $name," "$args" "$@"
}
ESC='ESCAPED '
words() { # an ERE as a description: no backslashes, no trailing $
	local d=${1//\\/}
	printf '%s' "${d%\$}"
}
WIT() { printf 'blocked %s .*witness \\(%s\\): %s\\)$' "$1" "$2" "$3"; }

# ==== reaching the host tree ==================================================
tree=$(cd /srv/jails/alice && LC_ALL=C ls -A | tr '\n' ' ')
try H1 "host tree" ls_root "blocked ENOENT \(/run/pamjail-escape/marker; / = ${tree% }\)$" \
	U="${ESC}/run/pamjail-escape/marker is visible"
try H2 "host tree" proc_roots 'blocked EACCES \(/proc/1/root/run/pamjail-escape/marker: EACCES; ' \
	U="${ESC}/proc/[0-9]+/root/run/pamjail-escape/marker exists"
try H3 "host tree" dotdot 'blocked ENOENT \(.*all three are /\)$' U="${ESC}"
try H4 "host tree" chroot_escape 'blocked EPERM \(chroot: EPERM; unshare\(CLONE_NEWUSER\): EPERM\)$' \
	N="blocked ENOENT \(the chroot trick in a new user namespace ends in the jail's /" \
	U="${ESC}chroot trick in a new user namespace reaches /run/pamjail-escape/marker"

# fds: the probe judges every fd of a process (a path must be the jail's
# own file, no namespace fds, no pidfd of a process outside the jail).
D() { "$DRIVER" -s escdrv alice "$@" 9<"$E" 2>&1; }
ATTEMPTS=$((ATTEMPTS + 3))
like "$(J fds)" '^fds: blocked \(pid [0-9]+ \(probe\) fds: 0=pipe 1=pipe 2=pipe; none outside the jail\)$' \
	"H5 [host tree] fds of the jailed command: none outside the jail"
like "$(rig_ssh_pty alice '/probe fds' 2>&1)" \
	'^fds: blocked \(pid [0-9]+ \(probe\) fds: 0=/dev/pts/[0-9]+ 1=/dev/pts/[0-9]+ 2=/dev/pts/[0-9]+; none outside the jail\)$' \
	"H6 [host tree] fds of a jailed pty session: only its own pty"
like "$(D /probe fds)" '^fds: ESCAPED pid [0-9]+ \(probe\): fd 9 -> /run/pamjail-escape is not the jail.s .*the host marker is readable through it' \
	"H5/H6 control (a caller that leaks a host directory fd): the probe sees it"
like "$(J fds ppid)" '^fds: blocked EACCES \(opendir /proc/[0-9]+/fd \(pid [0-9]+, sshd\)\)$' \
	"H7 [host tree] fds of sshd's post-auth child: not readable (not dumpable)"
like "$(D sh -c '/probe fds ppid; :')" '^fds: ESCAPED pid [0-9]+ \(sh\): fd 9 -> /run/pamjail-escape' \
	"H7 control (a jailed parent holding a leaked fd): the probe sees it"
try H8 "host tree" "steal_fds ppid" 'blocked EPERM \(pidfd_getfd\(pid [0-9]+, 0\)\)$'
like "$(U steal_fds "$HOSTPID")" "^steal_fds: blocked \(took pid $HOSTPID's fds, none reaches outside" \
	"H8/H9 control (unjailed): pidfd_getfd takes the fds of a process of the same uid"
try H9 "host tree" "steal_fds 1" 'blocked EPERM \(pidfd_getfd\(pid 1, 0\)\)$'
try H10 "host tree" shocker "$(WIT EPERM 'mount fd -1' EPERM)" \
	NU="$(WIT EPERM 'mount fd -1' EBADF)"
try H11 "host tree" handle "$(WIT EPERM 'mount fd -1' EPERM)" U="$(WIT EPERM 'mount fd -1' EBADF)"
try H12 "host tree" symlink 'blocked ENOENT \(marker-link -> /run/pamjail-escape/marker: ENOENT; shadow-link -> /etc/shadow: ENOENT\)$' \
	U="${ESC}/home/alice/.pamjail-escape/marker-link -> /run/pamjail-escape/marker opens"
ATTEMPTS=$((ATTEMPTS + 1))
is "$(J devnode /devtest/null)" "devnode: blocked EACCES (open /devtest/null)" \
	"H13 [host tree] a device node in a bind is inert (nodev): EACCES"
is "$(U devnode "$E/dev/null")" "devnode: ESCAPED opened device node $E/dev/null (char 1:3)" \
	"H13 control (unjailed): the same node opens"

# H14: the user turns a mount point inside her home into a symlink (from
# anywhere she is not jailed); the next login must refuse, not follow it.
ATTEMPTS=$((ATTEMPTS + 1))
is "$(rig_ssh dave 'findmnt -n -o FSTYPE --mountpoint "$HOME/scratch"' 2>&1)" tmpfs \
	"H14 control: with a real directory the tmpfs lands on ~/scratch"
rig_mounts_snapshot "$RIG_DIR/mounts.h14"
setpriv --reuid=dave --regid=dave --init-groups -- \
	sh -c 'rmdir /home/dave/scratch && ln -s /etc /home/dave/scratch'
rig_syslog_mark
rig_ssh dave true >/dev/null 2>&1
is "$?" 254 "H14 [host tree] a symlinked mount point in the home refuses the login (254)"
like "$(rig_syslog_grep 'pam_jail.*dave.*symlink')" symlink "H14 syslog says why (symlink)"
check "H14 nothing was mounted in the rig" rig_mounts_compare "$RIG_DIR/mounts.h14"

# Seen from the rig: sshd's post-auth child (the user's uid) holds no fd of
# a file or directory outside the jail.
rig_ssh alice 'sleep 3' &
sshpid=$!
rig_wait 5 pgrep -u alice -f 'sshd: alice@notty'
child=$(pgrep -u alice -f 'sshd: alice@notty' | head -1)
rig_proc_dev=$(stat -c %d /proc)
outside=""
for f in /proc/"$child"/fd/*; do
	l=$(readlink "$f") || continue
	case $l in
	/dev/null) ;;
	/proc) [ "$(stat -L -c %d "$f")" != "$rig_proc_dev" ] || outside="$outside $l(rig's /proc)" ;;
	socket:* | pipe:* | anon_inode:*) ;;
	*) outside="$outside $l" ;;
	esac
done
is "${child:+found}|$outside" "found|" \
	"sshd's post-auth child holds no fd of a file outside the jail (seen from the rig)"
wait "$sshpid"

# ==== seeing and signalling host processes ====================================
try P1 "host procs" ps_host 'blocked \(3 processes visible: 1:jail-init 2:sshd 3:probe; no pamjail-escape-host\)$' \
	U="${ESC}pid $HOSTPID is the host's process: pamjail-escape-host 600"
try P2 "host procs" "kill_pid $HOSTPID" "blocked ESRCH \(kill\($HOSTPID, 0\)\)$" \
	U="${ESC}kill\($HOSTPID, 0\) reached a process"
try P3 "host procs" "kill_pid $SSHDPID" "blocked ESRCH \(kill\($SSHDPID, 0\)\)$" \
	U="blocked EPERM \(kill\($SSHDPID, 0\)\)$"
# In an ssh session kill(-1, 0) reaches sshd's post-auth child, a process
# of the jail; the driver's session holds only the probe and jail-init.
ATTEMPTS=$((ATTEMPTS + 1))
is "$("$DRIVER" -s escdrv alice /probe kill_all 2>&1)" "kill_all: blocked ESRCH (kill(-1, 0))" \
	"P4 [host procs] kill(-1, 0) alone in a jail: ESRCH"
is "$(U kill_all)" "kill_all: ESCAPED kill(-1, 0) reached at least one other process" \
	"P4 control (unjailed): kill(-1, 0) reaches her host process"
try P5 "host procs" "proc_pid $HOSTPID" "blocked ENOENT \(/proc/$HOSTPID/cmdline\)$" \
	U="${ESC}/proc/$HOSTPID/cmdline reads \"pamjail-escape-host 600\""
try P6 "host procs" "ptrace $HOSTPID" "blocked ESRCH \(PTRACE_SEIZE pid $HOSTPID\)$" \
	U="${ESC}PTRACE_SEIZE of pid $HOSTPID succeeded"
try P7 "host procs" "pidfd $HOSTPID" "blocked ESRCH \(pidfd_open\($HOSTPID\)\)$" \
	U="${ESC}pidfd_open\($HOSTPID\)"
try P8 "host procs" "ptrace 1" 'blocked EPERM \(PTRACE_SEIZE pid 1\)$'

# ==== writing kernel state ======================================================
# For an ordinary user DAC answers first (EACCES) whatever the mount; the
# read-only mount is what stops a jailed root (R1, R2).
for f in K1:core_pattern K2:hostname; do
	ATTEMPTS=$((ATTEMPTS + 1))
	is "$(J sysctl "/proc/sys/kernel/${f#*:}")" \
		"sysctl: blocked EACCES (open /proc/sys/kernel/${f#*:} O_WRONLY: EACCES; its mount is read-only; O_RDONLY: OK)" \
		"${f%%:*} [kernel state] /proc/sys/kernel/${f#*:} O_WRONLY: EACCES, its mount read-only, readable"
done
ATTEMPTS=$((ATTEMPTS + 1))
like "$(J sysrq)" '^sysrq: blocked (ENOENT \(open|\(masked: /proc/sysrq-trigger opens /dev/null\))' \
	"K3 [kernel state] /proc/sysrq-trigger is absent or masked"
if [ -e /proc/sysrq-trigger ]; then
	is "$(U sysrq)" "sysrq: blocked EACCES (open /proc/sysrq-trigger O_WRONLY)" \
		"K3 control (unjailed): the real file exists (EACCES for a user)"
else
	ok "K3 control: this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ unset), nothing to mask"
fi
try K4 "kernel state" sys 'blocked ENOENT \(stat /sys\)$' U="${ESC}/sys exists"
try K5 "kernel state" mount_tmpfs 'blocked EPERM \(mount tmpfs: EPERM; unshare\(CLONE_NEWUSER\|CLONE_NEWNS\): EPERM\)$' \
	NU="${ESC}mounted a tmpfs on .* in a new user\+mount namespace"
for t in K6:proc K7:sysfs; do
	id=${t%%:*} t=${t#*:}
	try "$id" "kernel state" "mount_fs $t" \
		"blocked EPERM \(mount -t $t: EPERM; witness \(no such mount point\): EPERM; unshare" \
		N="blocked EPERM \(mount -t $t: EPERM; witness \(no such mount point\): ENOENT; in new user" \
		U="blocked EPERM \(mount -t $t: EPERM; witness \(no such mount point\): ENOENT;"
done
try K8 "kernel state" fsopen 'blocked EPERM \(fsopen: EPERM; unshare\(CLONE_NEWUSER\|CLONE_NEWNS\): EPERM\)$' \
	NU="${ESC}fsopen\(tmpfs\) in a new user\+mount namespace"
try K9 "kernel state" open_tree 'blocked EPERM \(open_tree: EPERM; unshare\(CLONE_NEWUSER\|CLONE_NEWNS\): EPERM\)$' \
	NU="${ESC}open_tree\(OPEN_TREE_CLONE\) in a new user\+mount namespace"
try K10 "kernel state" pivot_root 'blocked EPERM \(pivot_root: EPERM; unshare\(CLONE_NEWUSER\|CLONE_NEWNS\): EPERM\)$' \
	NU="${ESC}pivot_root in a new user\+mount namespace"
try K11 "kernel state" umount "$(WIT EPERM 'invalid flags' EPERM)" \
	NU="$(WIT EPERM 'invalid flags' EINVAL)"
try K12 "kernel state" mknod 'blocked EPERM \(char 1:3: EPERM; block 8:0: EPERM; a fifo in the same directory: OK\)$'
for s in K13:init_module K14:finit_module K15:delete_module K16:kexec_load \
	K17:kexec_file_load; do
	try "${s%%:*}" "kernel state" "${s#*:}" 'blocked EPERM \(' NU='blocked ENOSYS \('
done
try K18 "kernel state" settimeofday 'blocked EPERM \(' NU='blocked EINVAL \('
try K19 "kernel state" clock_settime 'blocked EPERM \(' NU='blocked EINVAL \('
try K20 "kernel state" sethostname 'blocked EPERM \(sethostname: EPERM; unshare\(CLONE_NEWUSER\|CLONE_NEWUTS\): EPERM\)$' \
	NU="${ESC}sethostname in a new user\+UTS namespace"
try K21 "kernel state" swapon 'blocked EPERM \(' NU='blocked EINVAL \('
try K22 "kernel state" reboot 'blocked EPERM \(reboot\(invalid magic\): EPERM; unshare\(CLONE_NEWUSER\|CLONE_NEWPID\): EPERM\)$' \
	NU='blocked EPERM \(reboot\(invalid magic\): EPERM; in a new user\+pid namespace: EINVAL\)$'
try K23 "kernel state" acct 'blocked EPERM \(acct\(NULL\)\)$'

# ==== host IPC ==================================================================
try I1 "host IPC" abstract 'blocked ECONNREFUSED \(connect @pamjail-escape-test\)$' \
	U="${ESC}connected to the abstract socket @pamjail-escape-test"
try I2 "host IPC" unix_path 'blocked ENOENT \(connect /run/pamjail-escape/sock\)$' \
	U="${ESC}connected to /run/pamjail-escape/sock"
for t in "I3 shm $SHMKEY" "I4 msg $MSGKEY" "I5 sem $SEMKEY"; do
	read -r id kind key <<<"$t"
	try "$id" "host IPC" "$kind $key" \
		"blocked ENOENT \(${kind}get\($key\); /proc/sysvipc/$kind lists 0 objects\)$" \
		U="${ESC}${kind}get\($key\) found the host's object"
done
try I6 "host IPC" mqueue 'blocked ENOENT \(mq_open\(/pamjail-escape\)\)$' \
	U="${ESC}mq_open\(/pamjail-escape\) opened the host's queue"
try I7 "host IPC" keyctl 'blocked EPERM \(' NU='blocked ENOKEY \('
try I8 "host IPC" add_key 'blocked EPERM \(' NU='blocked EINVAL \('
try I9 "host IPC" request_key 'blocked EPERM \(' NU='blocked ENOKEY \('

# ==== network reach (network = none) ==============================================
try W1 "network" connect 'blocked ECONNREFUSED \(connect 127.0.0.1:22\)$' \
	N='blocked ECONNREFUSED \(connect 127.0.0.1:22\)$' U="${ESC}connected to 127.0.0.1:22"
try W2 "network" netifs 'blocked \(network interfaces: lo\)$' U="${ESC}network interfaces: lo .*pjesc"
try W3 "network" raw_socket 'blocked EPERM \(socket\(AF_INET, SOCK_RAW\): EPERM; unshare\(CLONE_NEWUSER\|CLONE_NEWNET\): EPERM\)$' \
	NU="${ESC}raw ICMP socket in a new user\+network namespace"

# ==== privilege regain ============================================================
ATTEMPTS=$((ATTEMPTS + 1))
is "$(J suid /suid-id)" "suid: blocked (/suid-id -u printed $(id -u alice), the user's own uid $(id -u alice))" \
	"V1 [privilege] a setuid-root copy of id gives no euid 0"
is "$(U suid /srv/jails/alice/suid-id)" "suid: ESCAPED /srv/jails/alice/suid-id -u printed 0: euid root" \
	"V1 control (unjailed): the same file gives euid 0"
if [ "$HAVE_SETCAP" = 1 ]; then
	ATTEMPTS=$((ATTEMPTS + 1))
	is "$(rig_ssh alice '/fcap-probe filecap' 2>&1)" "filecap: blocked (no capability after exec: eff=0 prm=0)" \
		"V2 [privilege] a cap_net_raw+ep file gives no capability"
	is "$(rig_ssh carol '/fcap-probe filecap' 2>&1)" "filecap: blocked (no capability after exec: eff=0 prm=0)" \
		"V2 seccomp = none: still none (nosuid, no_new_privs, empty bounding set)"
	is "$(HOME=/home/alice setpriv --reuid=alice --regid=alice --init-groups -- \
		/srv/jails/alice/fcap-probe filecap 2>&1)" \
		"filecap: ESCAPED exec gave capabilities: eff=0x2000 prm=0x2000 (cap_net_raw)" \
		"V2 control (unjailed): the same file gives cap_net_raw"
fi
try V3 "privilege" unshare_user 'blocked EPERM \(unshare\(CLONE_NEWUSER\)\)$' \
	NU="${ESC}unshare\(CLONE_NEWUSER\) succeeded"
try V4 "privilege" clone_user 'blocked EPERM \(clone\(CLONE_NEWUSER\|SIGCHLD\)\)$' \
	NU="${ESC}clone\(CLONE_NEWUSER\)"
try V5 "privilege" clone3_user 'blocked ENOSYS \(clone3' NU="${ESC}clone3"
if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	"$PROBE" int80_unshare 2>&1 | grep -q '^int80_unshare: blocked ENOSYS (int 0x80: no IA32'; then
	# a kernel without IA32 emulation: no i386 entry, jailed or not
	try V6 "privilege" int80_unshare 'blocked ENOSYS \(int 0x80: no IA32 emulation' \
		NU='blocked ENOSYS \(int 0x80: no IA32 emulation'
else
	try V6 "privilege" int80_unshare 'blocked EPERM \(int 0x80' NU="${ESC}int 0x80"
fi
# Without the x32 ABI the kernel answers ENOSYS; with it, the call works.
try V7 "privilege" x32_unshare 'blocked EPERM \(x32' NU="(blocked ENOSYS \(x32|${ESC}x32)"
try V8 "privilege" setns 'blocked EPERM \(setns\(own user namespace\): EPERM' \
	NU='blocked EINVAL \(setns'
try V9 "privilege" ambient 'blocked EPERM \(PR_CAP_AMBIENT_RAISE: EPERM; unshare\(CLONE_NEWUSER\): EPERM\)$' \
	NU="${ESC}PR_CAP_AMBIENT_RAISE cap_net_raw in a new user namespace"
try V10 "privilege" capset 'blocked EPERM \(capset \+cap_sys_admin: EPERM; unshare\(CLONE_NEWUSER\): EPERM\)$' \
	NU="${ESC}capset \+cap_sys_admin"
try V11 "privilege" personality 'blocked EPERM \(personality' NU="${ESC}personality"

# ==== terminal injection (the byte pointer is NULL: EFAULT = request taken) ======
tty_try() { # ID NAME JAILED_ERRNO UNFILTERED_ERRNO
	local out
	ATTEMPTS=$((ATTEMPTS + 1))
	like "$(rig_ssh_pty alice "/probe $2" 2>&1)" "^$2: blocked $3 " \
		"$1 [terminal] $2 on the ssh -tt session's tty: $3"
	like "$(rig_ssh_pty carol "/probe $2" 2>&1)" "^$2: blocked $4 " \
		"$1 control (seccomp = none jail): $4"
	out=$(rig_ssh_pty bob "/srv/jails/alice/probe $2" 2>&1)
	like "$out" "^$2: blocked $4 " "$1 control (bob, not jailed): $4"
}
# With dev.tty.legacy_tiocsti = 0 the kernel itself refuses TIOCSTI to
# users (EIO) before looking at the pointer.
taken=EFAULT
[ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ] || taken=EIO
tty_try T1 tiocsti EPERM "$taken"
tty_try T2 tiocsti_hi EPERM "$taken"
tty_try T3 tioclinux EPERM ENOTTY
# su from a terminal the test owns.  With -c, util-linux su gives the
# command a new session (no controlling tty: ENXIO); an interactive su
# shares the caller's terminal, which is the injection case.
is "$(rig_pty "su - alice -c '/probe tiocsti /dev/tty'" 2>&1)" "tiocsti: error open /dev/tty: ENXIO" \
	"su -c: the jailed command has no controlling tty (su's setsid)"
ATTEMPTS=$((ATTEMPTS + 1))
like "$(rig_pty "echo '/probe tiocsti' | su - alice" 2>&1)" '^tiocsti: blocked EPERM ' \
	"T4 [terminal] TIOCSTI into the su caller's terminal from a jailed su - alice: EPERM"
like "$(rig_pty "echo '/probe tiocsti' | su - carol" 2>&1)" "^tiocsti: blocked $taken " \
	"T4 control (su - carol, seccomp = none): $taken, the request was taken"
like "$(rig_pty "echo '/srv/jails/alice/probe tiocsti' | su - bob" 2>&1)" "^tiocsti: blocked $taken " \
	"T4 control (su - bob, not jailed): $taken"

# ==== kernel attack surface ========================================================
try S1 "kernel surface" io_uring 'blocked EPERM \(' NU="${ESC}io_uring_setup"
try S2 "kernel surface" userfaultfd 'blocked EPERM \(' NU="${ESC}userfaultfd"
try S3 "kernel surface" bpf 'blocked EPERM \(' NU='blocked EINVAL \('
try S4 "kernel surface" perf 'blocked EPERM \(' NU="${ESC}perf_event_open"
try S5 "kernel surface" af_alg 'blocked EPERM \(' NU='blocked EAFNOSUPPORT \('
try S6 "kernel surface" af_vsock 'blocked EPERM \(' NU="${ESC}socket\(AF_VSOCK"
try S7 "kernel surface" fanotify 'blocked EPERM \(' NU="${ESC}fanotify_init"

check "after the ordinary users' attempts no jail process is left" rig_jail_procs_gone 10

# ==== a jailed uid 0 (allow_root = yes) ===========================================
# allow_root is implemented (15-jailed-root.sh): root's session in this
# jail is checked first with its own config file, so a regression fails
# here, once, instead of breaking the sections above.
# a directory above a root jail must be closed to other users (jail(8));
# the module refuses an allow_root jail without one (R11)
RB=/srv/rootjails/rootbox
install -d -m 700 -o 0 -g 0 /srv/rootjails
root_jail() {
	printf '[jail:rootbox]\nroot = %s\nallow_root = yes\n' "$RB"
	printf 'bind_ro = %s/ro:/ro\ntmpfs = /tmp\nhostname = rootbox\n\n' "$E"
	printf '[user:root]\njail = rootbox\n\n'
}
install -d -m 755 -o 0 -g 0 "$RB"
for d in bin etc dev proc tmp root srv var var/tmp ro; do install -d -m 755 -o 0 -g 0 "$RB/$d"; done
chmod 700 "$RB/root"
install -d -m 755 "$E/ro" && echo x >"$E/ro/file"
if command -v busybox >/dev/null; then
	install -m 755 -o 0 -g 0 "$(command -v busybox)" "$RB/bin/busybox"
	for a in $(busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$RB/bin/$a"; done
fi
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$RB/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$RB/etc/group"
install -m 755 -o 0 -g 0 "$PROBE" "$RB/probe"
root_jail >"$RIG_DIR/root.conf" && chmod 644 "$RIG_DIR/root.conf"
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$RIG_DIR/root.conf" "$INIT" | rig_pam_service escroot
rig_syslog_mark
root_ns=$("$DRIVER" -s escroot root readlink /proc/self/ns/mnt 2>"$RIG_DIR/root.err")
if ! command -v busybox >/dev/null; then
	skip "busybox not installed" "R1-R18: jailed root (needs busybox-static)"
elif [ -z "$root_ns" ] || [ "$root_ns" = "$(readlink /proc/self/ns/mnt)" ]; then
	not_ok "R0 the module jails root in an allow_root jail (R1-R18 not run)" \
		"mount namespace: '${root_ns}'" "$(cat "$RIG_DIR/root.err")" \
		"$(tail -n "+$RIG_SYSLOG_FROM" "$RIG_SYSLOG" | grep pam_jail)"
else
	root_jail | rig_conf_add
	usermod -s /bin/sh root	# the jail has no bash; sshd reads pw_shell outside
	install -d -m 700 /root/.ssh
	install -m 600 "$(rig_key).pub" /root/.ssh/authorized_keys
	rig_sshd_stop
	rig_sshd_start "Match User root" "	PermitRootLogin prohibit-password" ||
		not_ok "sshd restarts with PermitRootLogin for the root jail"
	read -r SSHDPID <"$RIG_DIR/sshd.pid"
	is "$(rig_ssh root 'id -u; hostname' 2>&1 | tr '\n' ' ')" "0 rootbox " \
		"root logs into the allow_root jail"
	rtry() { # ID 'NAME ARGS' ROOT_ERE [CTX=ERE...]
		local id=$1 args=$2 want=$3 name=${2%% *}
		shift 3
		ATTEMPTS=$((ATTEMPTS + 1))
		# shellcheck disable=SC2086 # ARGS are words
		like "$(R $args)" "^$name: $want" "$id [jailed root] $name: $(words "$want")"
		controls "$id" "$args" "$@"
	}
	rtry R1 "sysctl /proc/sys/kernel/core_pattern" \
		'blocked EROFS \(open /proc/sys/kernel/core_pattern O_WRONLY: EROFS; its mount is read-only; O_RDONLY: OK\)$' \
		J='blocked EACCES \('
	rtry R2 "sysctl /proc/sys/kernel/hostname" 'blocked EROFS \(' J='blocked EACCES \('
	rtry R3 "mount_fs proc" 'blocked EPERM \(mount -t proc: EPERM; witness \(no such mount point\): EPERM' \
		N='blocked EPERM \(mount -t proc: EPERM; witness \(no such mount point\): ENOENT'
	rtry R4 "mount_fs sysfs" 'blocked EPERM \(mount -t sysfs: EPERM; witness \(no such mount point\): EPERM' \
		N='blocked EPERM \(mount -t sysfs: EPERM; witness \(no such mount point\): ENOENT'
	rtry R5 mknod 'blocked EPERM \(char 1:3: EPERM; block 8:0: EPERM'
	rtry R6 init_module 'blocked EPERM \(' U='blocked ENOSYS \('
	rtry R7 chroot_escape "blocked ENOENT \(the chroot trick \(chroot allowed to the user\) ends in the jail's /" \
		U="${ESC}chroot trick"
	# jail-init runs as uid 0 with no capability: a jailed root has the
	# same uid and a superset of its (empty) capabilities, so only
	# "not dumpable" keeps it from jail-init's fds (the caller's pidfd,
	# the host's /dev/log) and from ptrace.
	rtry R8 "fds 1" 'blocked EACCES \((opendir|readlink) /proc/1/fd' J='blocked EACCES \(opendir /proc/1/fd'
	rtry R9 "steal_fds 1" 'blocked EPERM \(pidfd_getfd\(pid 1, 0\)\)$'
	rtry R10 "ptrace 1" 'blocked EPERM \(PTRACE_SEIZE pid 1\)$'
	rig_syslog_mark
	rtry R19 forge_log 'blocked EPERM \(pidfd_getfd\(pid 1, 0\.\.63\)\)$' J='blocked EPERM \('
	sleep 0.3
	unlike "$(tail -n "+$RIG_SYSLOG_FROM" "$RIG_SYSLOG")" '^<13>pamjail-escape: forged by a jailed root$' \
		"R19 the host's syslog holds no unattributed line from the jail"
	ATTEMPTS=$((ATTEMPTS + 1))
	like "$(R make_suid /probe /srv/pamjail-suid)" \
		'^make_suid: ESCAPED made /srv/pamjail-suid setuid root \(mode 4755, uid 0 on disk\)$' \
		"R11 control: a jailed root can make a setuid-root file in its tree (uid 0 inside = 0 on disk)"
	# The planted file, run by a host user.  runuser sets all three
	# uids: setpriv --reuid keeps saved uid 0, and with it the
	# capabilities to walk through a 0700 directory.
	planted_as_bob() {
		(cd /tmp && HOME=/home/bob runuser -u bob -- "$RB/srv/pamjail-suid" ls_root 2>&1)
	}
	out=$(planted_as_bob)
	unlike "$out" 'refused: the probe holds CAP_SYS_ADMIN' \
		"R11 [jailed root] a host user gets no root from a setuid file a jailed root planted"
	like "$out" 'Permission denied' \
		"R11 the planted file is out of reach: the directory above the jail is 0700"
	chmod 711 /srv/rootjails
	out=$(planted_as_bob)
	like "$out" 'refused: the probe holds CAP_SYS_ADMIN' \
		"R11 control: with that directory open the planted file gives a host user root"
	check_refused "R11 so the module refuses a root jail with no closed directory above it" \
		'allow_root: no directory above /srv/rootjails/rootbox is closed' \
		"$DRIVER" -s escroot root true
	chmod 700 /srv/rootjails
	rtry R12 "chown_ro /ro/file" 'blocked EROFS \(chown 0:0 /ro/file\)$'
	like "$(rig_ssh root 'echo x > /tmp/pj-file && /probe chown_ro /tmp/pj-file' 2>&1)" \
		'^chown_ro: ESCAPED chown /tmp/pj-file succeeded$' "R12 control: chown works where writable"
	rtry R13 keyctl 'blocked EPERM \(' U='blocked ENOKEY \('
	rtry R14 sethostname 'blocked EPERM \(sethostname: EPERM; unshare' N="${ESC}sethostname"
	rtry R15 "kill_pid $SSHDPID" "blocked ESRCH \(kill\($SSHDPID, 0\)\)$" U="blocked EPERM \(kill\($SSHDPID, 0\)\)$"
	rtry R16 connect 'blocked ECONNREFUSED \(' U="${ESC}connected"
	rtry R17 unshare_user 'blocked EPERM \(' U="${ESC}unshare"
	rtry R18 ls_root 'blocked ENOENT \(/run/pamjail-escape/marker; / = bin dev etc probe proc ro root srv tmp var\)$' \
		U="${ESC}/run/pamjail-escape/marker is visible"
fi

check "after every attempt no jail process is left" rig_jail_procs_gone 10
rig_sshd_stop
diag "$ATTEMPTS attempts"
done_testing
