#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# isolate.sh SCRIPT [ARGS...] - run SCRIPT as root inside a throwaway rig.
#
# The rig is a private mount+pid+net+uts+ipc namespace whose pid 1 is this
# script (in --inside mode).  Before SCRIPT runs, pid 1 gives the rig its own
# /proc, a tmpfs copy of /etc, empty tmpfs on /run /tmp /var/tmp /home /srv
# /root /var/mail, copies of /var/log (empty files) and /var/spool/cron, its
# own /dev (fresh devpts instance), lo up, hostname "rig", and a syslog
# listener on /dev/log.  Every mount inherited from the host (/, /sys, any
# separate /var or /home...) and /proc/sys is remounted read-only *in the rig
# only*, so a stray write fails with EROFS instead of touching the machine.  Everything vanishes with the namespace:
# when pid 1 exits, the kernel kills every process in it, and when unshare
# dies (even by SIGKILL) --kill-child SIGKILLs pid 1.
#
# SCRIPT is a file (run with bash unless executable) or any command.
# Exported to SCRIPT: RIG_DIR (/run/rig), RIG_SYSLOG, RIG_TOP (repo root),
# RIG_HOST_MNTNS (the machine's mount namespace, for guards).
# RIG_RW="PATH..." keeps those host paths writable (e.g. a coverage dir).
#
# A SCRIPT file with a line "# rig: cgroup" also gets a cgroup of its own:
# a directory pam_jail-rig.PID in the machine's cgroup v2 hierarchy, made
# the root of the rig's cgroup namespace and mounted writable at the v2
# mount point inside the rig.  The outer isolate.sh removes it (and what a
# test made under it) once the rig has ended; one left by a SIGKILLed run is
# removed by the next run.  RIG_CGROUP=1 is exported to SCRIPT then.
#
# RIG_RELEASE=13 (with RIG_ROOTFS, the Debian 13 rootfs of
# tests/rig/deb13-rootfs.sh, and RIG_BUILD_CACHE, a root-only directory of
# the run's) runs SCRIPT with an overlay of that rootfs as its / instead of
# the machine's: the rig pivots into it with the repository bound at its
# own path, and everything above then happens there -- the callers, PAM
# stacks and libraries the tests meet are Debian 13's.  pam_jail.so,
# jail-init and the test tools are built inside it (its gcc) into
# RIG_BUILD_CACHE once per run, and MODULE, INIT, DRIVER and BUILD point
# there.  Without RIG_RELEASE the rig is the machine's own release
# (RIG_RELEASE=12).  SCRIPT learns which in RIG_RELEASE.
set -euo pipefail

RIG_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIG_SELF=$RIG_HERE/isolate.sh
PY=/usr/bin/python3	# not a pyenv shim: those live in the host's $HOME

die() { printf 'isolate.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- outside --

outside() {
	[ $# -ge 1 ] || die "usage: isolate.sh SCRIPT [ARGS...]"
	[ "$(id -u)" = 0 ] || die "must run as root (it makes mounts in a private namespace)"
	RIG_HOST_MNTNS=$(readlink /proc/self/ns/mnt)
	RIG_TOP=$(cd "$RIG_HERE/../.." && pwd)
	RIG_SCRIPT_IS_FILE=0
	[ ! -f "$1" ] || RIG_SCRIPT_IS_FILE=1
	RIG_CWD=$PWD
	export RIG_HOST_MNTNS RIG_TOP RIG_SCRIPT_IS_FILE RIG_CWD
	if [ -n "${RIG_RELEASE:-}" ] && [ "$RIG_RELEASE" != 12 ]; then
		[ -f "${RIG_ROOTFS:-}/.complete" ] ||
			die "RIG_RELEASE=$RIG_RELEASE needs RIG_ROOTFS (tests/rig/deb13-rootfs.sh)"
		[ -d "${RIG_BUILD_CACHE:-}" ] ||
			die "RIG_RELEASE=$RIG_RELEASE needs RIG_BUILD_CACHE, a directory"
		export RIG_ROOTFS RIG_BUILD_CACHE
	else
		unset RIG_ROOTFS
	fi
	export RIG_RELEASE=${RIG_RELEASE:-12}
	if [ "$RIG_SCRIPT_IS_FILE" = 1 ] && grep -q '^# rig: cgroup' "$1"; then
		with_own_cgroup "$@"
	fi
	# --kill-child: if unshare dies (kill -9 included), pid 1 gets SIGKILL
	# and the kernel then kills the whole pid namespace.
	# --propagation private: no mount made in the rig propagates out.
	exec unshare --mount --pid --net --uts --ipc --fork --kill-child \
		--propagation private -- /bin/bash "$RIG_SELF" --inside "$@"
}

# Where this machine mounts cgroup v2: /sys/fs/cgroup (unified) or
# /sys/fs/cgroup/unified (hybrid).
cgroup2_mount() {
	local m
	for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		[ "$(stat -f -c %T "$m" 2>/dev/null)" = cgroup2fs ] && { echo "$m"; return 0; }
	done
	return 1
}

# rmdir a cgroup tree bottom-up; the tasks of an ended rig may take a
# moment to leave it.
remove_cgroup_tree() {
	local tries=50
	[ -d "$1" ] || return 0
	while ! find "$1" -depth -type d -exec rmdir {} + 2>/dev/null; do
		[ -d "$1" ] || return 0
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || { echo "isolate.sh: cannot remove $1" >&2; return 1; }
		sleep 0.1
	done
}

with_own_cgroup() {
	local top cg d rc=0
	top=$(cgroup2_mount) || die "$1 wants a cgroup, and this machine has no cgroup v2 mount"
	for d in "$top"/pam_jail-rig.*; do	# left by a SIGKILLed run
		[ -d "$d" ] && ! kill -0 "${d##*.}" 2>/dev/null && remove_cgroup_tree "$d"
	done
	cg=$top/pam_jail-rig.$$
	mkdir "$cg"
	export RIG_CGROUP=1 RIG_CGROUP_MOUNT=$top
	(
		echo "$BASHPID" > "$cg/cgroup.procs"
		exec unshare --mount --pid --net --uts --ipc --cgroup --fork \
			--kill-child --propagation private -- \
			/bin/bash "$RIG_SELF" --inside "$@"
	) || rc=$?
	remove_cgroup_tree "$cg" || rc=${rc/#0/1}
	exit "$rc"
}

# ----------------------------------------------------------------- inside --

# Refuse to touch anything unless we are certainly not in the host's view.
assert_isolated() {
	[ "$$" = 1 ] || die "inside mode must be pid 1 of a new pid namespace"
	[ -n "${RIG_HOST_MNTNS:-}" ] || die "RIG_HOST_MNTNS unset: not started by isolate.sh"
	[ "$(readlink /proc/self/ns/mnt)" != "$RIG_HOST_MNTNS" ] ||
		die "still in the host's mount namespace; refusing to mount"
	if grep -q ' shared:' /proc/self/mountinfo; then
		die "a mount is still shared with the host; refusing to mount"
	fi
}

# ---------------------------------------------------- another release --

# Where the rig's build of the tree lives inside the other release's root.
RIG_REL_BUILD=/usr/local/lib/pam_jail-rig

# RIG_ROOTFS becomes /: an overlay (the rootfs read-only below, a tmpfs
# above) with the kernel's filesystems and the repository bound in, then
# pivot_root into it; the machine's tree is detached.  Done first, so every
# later step (the read-only pass, the tmpfs copies of /etc, /var/log...)
# works on the new root as it would on the machine's.
enter_rootfs() {
	local top=/run/rig-rootfs new
	[ -n "${RIG_ROOTFS:-}" ] || return 0
	# the machine's /run, hidden in our namespace only: a staging area
	mount -t tmpfs -o mode=700,nosuid,nodev rig-stage /run
	mkdir -p "$top/upper" "$top/work" "$top/root"
	new=$top/root
	mount -t overlay -o "lowerdir=$RIG_ROOTFS,upperdir=$top/upper,workdir=$top/work" \
		rig-rootfs "$new"
	mount --rbind /proc "$new/proc"
	mount --rbind /sys "$new/sys"
	mount --rbind /dev "$new/dev"
	mkdir -p "$new$RIG_TOP" "$new$RIG_REL_BUILD"
	mount --rbind "$RIG_TOP" "$new$RIG_TOP"
	mount --bind "$RIG_BUILD_CACHE" "$new$RIG_REL_BUILD"
	mkdir -p "$new/.rig-old-root"
	pivot_root "$new" "$new/.rig-old-root"
	cd /
	umount --recursive --lazy /.rig-old-root
	rmdir /.rig-old-root
	cd "$RIG_CWD" 2>/dev/null || cd "$RIG_TOP"
	# the build directory stays writable through read_only_host
	RIG_RW="${RIG_RW:-} $RIG_REL_BUILD"
}

# The tree built with this release's compiler and libraries, once per run
# (RIG_BUILD_CACHE outlives the rig; a lock keeps two rigs from building
# at once).  The tree itself is read-only here: everything goes to BUILD.
build_inside() {
	local b=$RIG_REL_BUILD/build
	[ -n "${RIG_ROOTFS:-}" ] || return 0
	export BUILD=$b MODULE=$b/pam_jail.so INIT=$b/jail-init DRIVER=$b/tests/pamdriver
	(
		flock 8
		[ -f "$b/.complete" ] && exit 0
		rm -rf "$b"
		make -s -C "$RIG_TOP" BUILD="$b" all >"$RIG_REL_BUILD/build.log" 2>&1 ||
			{ tail -n 20 "$RIG_REL_BUILD/build.log" >&2; exit 1; }
		: >"$b/.complete"
	) 8>"$RIG_REL_BUILD/.lock" ||
		die "building the tree inside Debian $RIG_RELEASE failed ($RIG_BUILD_CACHE/build.log)"
}

# /proc shows the pid namespace of whoever mounted it (callers.md).  The
# host's /proc is detached first so mountinfo shows one /proc, not two.
fresh_proc() {
	umount --lazy /proc
	mount -t proc -o nosuid,nodev,noexec proc /proc
}

# tmpfs DIR MODE [UID GID]: an empty tmpfs over DIR.
tmpfs_on() {
	mount -t tmpfs -o "mode=$2,uid=${3:-0},gid=${4:-0},nosuid,nodev" "rig-tmpfs" "$1"
}

# A tmpfs holding a copy of DIR, over DIR.  The copy is read through our cwd,
# which still names the original directory once the tmpfs hides it: no
# staging area.  A whole-directory copy, not single-file binds: useradd and
# chpasswd replace /etc/passwd etc. by rename, which fails with EBUSY on a
# bind-mounted file (rig-notes).  CP_ARGS lets /var/log take attributes only.
copy_on() {
	local dir=$1; shift
	local mode uid gid
	read -r mode uid gid < <(stat -c '%a %u %g' "$dir")
	( cd "$dir" && tmpfs_on "$dir" "$mode" "$uid" "$gid" && cp -a "$@" . "$dir/" )
}

# Fresh, writable copies of everything a login, useradd or sshd writes.
private_dirs() {
	local d mode uid gid
	copy_on /etc
	# A Debian install has /etc/default/locale (a debootstrapped root has
	# none, and pam_env then logs an error at every session)
	if [ -n "${RIG_ROOTFS:-}" ] && [ ! -e /etc/default/locale ]; then
		printf 'LANG=C.UTF-8\n' >/etc/default/locale
	fi
	# The log files (wtmp, btmp, lastlog, faillog...) exist, but empty:
	# the host's journal may be big and its history is not ours.
	copy_on /var/log --attributes-only
	if [ -d /var/spool/cron ]; then copy_on /var/spool/cron; fi
	# Debian 13's login records (wtmpdb, lastlog2): SQLite databases
	# with their journals beside them, so whole directories
	for d in /var/lib/wtmpdb /var/lib/lastlog; do
		if [ -d "$d" ]; then copy_on "$d"; fi
	done
	for d in /tmp /var/tmp; do tmpfs_on "$d" 1777; done
	for d in /home /srv; do tmpfs_on "$d" 755; done
	tmpfs_on /root 700
	if [ -d /var/mail ]; then
		read -r mode uid gid < <(stat -c '%a %u %g' /var/mail)
		tmpfs_on /var/mail "$mode" "$uid" "$gid"
	fi
	fresh_run
}

# The repository stays visible at its own path when it lives under a
# directory private_dirs replaced (/tmp, /home, /srv, /root, /var/tmp): a
# CI checkout may well be in /tmp, and MODULE, INIT, DRIVER point into it.
# fd 9 was opened on it before the tmpfs went on top.  Read-only, like every
# mount inherited from the host -- except a RIG_RW path inside it (bench
# results under build/): --rbind carries that writable bind along.
show_top() {
	if [ ! -e "$RIG_TOP/Makefile" ]; then
		# --no-canonicalize: mount(8) would resolve the magic link to
		# its text, the path the tmpfs now hides
		{ mkdir -p "$RIG_TOP" &&
			mount --no-canonicalize --rbind /proc/self/fd/9 "$RIG_TOP"; } ||
			die "cannot show the repository $RIG_TOP inside the rig"
	fi
	exec 9<&-
}

# The module admits its jail-init only on a path nobody but root can
# change (every directory root-owned, not group/other-writable).  A checkout
# under /tmp (1777) is not such a path: the rig uses a copy on its own /run.
root_owned_init() {
	case ${INIT:-} in
	/*) [ -f "$INIT" ] || return 0 ;;
	*) return 0 ;;
	esac
	install -m 755 -o 0 -g 0 "$INIT" "$RIG_DIR/jail-init" &&
		export INIT="$RIG_DIR/jail-init"
}

# /run: sshd needs /run/sshd (rig-notes); utmp must exist to be written.
fresh_run() {
	tmpfs_on /run 755
	install -d -m 755 /run/sshd /run/rig /run/user
	install -d -m 1777 /run/lock
	install -m 664 -g utmp /dev/null /run/utmp 2>/dev/null ||
		install -m 664 /dev/null /run/utmp
}

# Our own /dev, built at a staging point while the host's nodes are still
# visible, then moved over /dev.  Binds of the harmless nodes; a fresh devpts
# instance so the rig's ptys are its own, with a real ptmx node beside it
# (a bind of the single file /dev/ptmx fails with ENOENT on open, and the
# host's pts/ptmx has ptmxmode=000: callers.md "PTYs inside a jail").
fresh_dev() {
	local stage=/run/rig/.dev n
	install -d -m 755 "$stage"
	# Not tmpfs_on: that one is nodev, and ptmx must be usable.
	mount -t tmpfs -o mode=755,nosuid rig-dev "$stage"
	for n in null zero full random urandom tty; do
		: > "$stage/$n"
		mount --bind "/dev/$n" "$stage/$n"
	done
	mknod -m 666 "$stage/ptmx" c 5 2
	install -d -m 755 "$stage/pts"
	mount -t devpts -o newinstance,ptmxmode=000,mode=620,gid=5,nosuid,noexec \
		devpts "$stage/pts"
	install -d -m 1777 "$stage/shm"
	mount -t tmpfs -o mode=1777,nosuid,nodev rig-shm "$stage/shm"
	ln -s /proc/self/fd "$stage/fd"
	ln -s /proc/self/fd/0 "$stage/stdin"
	ln -s /proc/self/fd/1 "$stage/stdout"
	ln -s /proc/self/fd/2 "$stage/stderr"
	# Detach the host's /dev (and its stacked pts/shm) so mountinfo holds
	# only the rig's /dev: the binds above keep their own references.
	umount --recursive --lazy /dev
	mount --move "$stage" /dev
	rmdir "$stage" 2>/dev/null || true
}

# RIG_RW: bind each PATH over itself before the read-only pass (a bind of
# a read-only mount would be read-only) and remember it, so the pass skips it.
KEPT_RW=" "
keep_rw() {
	local p
	for p in ${RIG_RW:-}; do
		[ -e "$p" ] || die "RIG_RW: $p does not exist"
		p=$(realpath "$p")
		mount --bind "$p" "$p"
		KEPT_RW="$KEPT_RW$p "
	done
}

# The safety net: in the rig only, every mount inherited from the host -
# /, and /home, /var, /tmp... wherever they are separate filesystems - turns
# read-only before the rig's own tmpfs layers go on top.  So an unforeseen
# write (a path we did not think of, a cwd left in a now-hidden host
# directory) fails with EROFS instead of changing the machine.  /sys too
# (cgroup directories would outlive the rig).  /proc and /dev are replaced.
read_only_host() {
	local m
	while IFS= read -r m; do
		m=$(printf '%b' "$m")	# findmnt -r writes a blank as \x20
		case $m in
		/proc | /proc/* | /dev | /dev/*) continue ;;
		esac
		case $KEPT_RW in *" $m "*) continue ;; esac
		mount -o remount,bind,ro "$m" ||
			die "cannot make $m read-only in the rig; refusing to run"
	done < <(findmnt -rn -o TARGET)
}

# RIG_CGROUP: the rig's cgroup namespace is rooted at its own directory;
# a cgroup2 mount made here shows that subtree only, writable.
own_cgroup() {
	[ "${RIG_CGROUP:-0}" = 1 ] || return 0
	# mount(8) calls it "already mounted" while the host's read-only
	# one is still there
	umount --lazy "$RIG_CGROUP_MOUNT"
	mount -t cgroup2 -o nosuid,nodev,noexec rig-cgroup "$RIG_CGROUP_MOUNT"
	# The rig's processes live in a leaf, as a host's do in init.scope:
	# only a cgroup with no process of its own may hand controllers to
	# its children (cgroup v2's "no internal processes" rule), and the
	# module enables them at this root on a host that has them on v2.
	mkdir "$RIG_CGROUP_MOUNT/rig"
	echo $$ >"$RIG_CGROUP_MOUNT/rig/cgroup.procs"
}

# /proc/sys: kernel knobs are global, whatever namespace writes them.
read_only_proc() {
	mount --bind /proc/sys /proc/sys
	mount -o remount,bind,ro /proc/sys
	if [ -e /proc/sysrq-trigger ]; then
		mount --bind /proc/sysrq-trigger /proc/sysrq-trigger
		mount -o remount,bind,ro /proc/sysrq-trigger
	fi
}

# No syslog daemon here (rig-notes): a datagram reader on /dev/log appends
# each message as one line.  It binds a temporary name and renames it into
# place, so /dev/log appears only when it is ready and world-writable.
start_syslog() {
	: > "$RIG_SYSLOG"
	"$PY" - /dev/log "$RIG_SYSLOG" >/dev/null 2>&1 </dev/null <<'PYEOF' &
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
tmp = path + ".rig-tmp"
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(tmp)
os.chmod(tmp, 0o666)
os.rename(tmp, path)
fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
while True:
    data = s.recv(65536).rstrip(b"\0\n").replace(b"\n", b" ")
    os.write(fd, data + b"\n")
PYEOF
	local tries=50
	while [ "$tries" -gt 0 ]; do
		[ -S /dev/log ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	die "syslog listener did not bind /dev/log"
}

net_and_name() {
	ip link set lo up
	hostname rig
}

# Run the command as our child and wait for exactly that pid: in a pid-1
# shell a bare `wait` would also wait for the daemons, forever (rig-notes).
# While blocked in `wait PID`, bash's SIGCHLD handling still reaps every
# orphan the kernel hands to pid 1.
run_payload() {
	local child rc=0
	if [ "$RIG_SCRIPT_IS_FILE" = 1 ] && [ ! -f "$1" ]; then
		die "$1 is hidden in the rig (under /tmp, /home, /root, /run, /srv," \
			"/var/tmp ... which the rig replaces); keep scripts in the repo"
	fi
	if [ -f "$1" ] && [ ! -x "$1" ]; then
		set -- /bin/bash "$@"
	fi
	# <&0: an async command would otherwise get /dev/null as stdin.
	"$@" <&0 &
	child=$!
	wait "$child" || rc=$?
	if [ "$rc" != 0 ] && [ -s "$RIG_SYSLOG" ]; then
		echo "# isolate.sh: command exited $rc; last syslog lines:" >&2
		tail -n 25 "$RIG_SYSLOG" | sed 's/^/#   /' >&2
	fi
	return "$rc"
}

inside() {
	assert_isolated
	# Exiting pid 1 kills the whole namespace: that is our cleanup.
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root RIG_DIR=/run/rig
	export RIG_SYSLOG=$RIG_DIR/syslog.log
	enter_rootfs
	fresh_proc
	keep_rw
	read_only_host
	own_cgroup
	exec 9<"$RIG_TOP"	# the repository, held across private_dirs
	private_dirs
	show_top
	build_inside
	root_owned_init
	fresh_dev
	read_only_proc
	net_and_name
	start_syslog
	: > "$RIG_DIR/.inside"	# lib.sh's guard looks for it
	run_payload "$@"
}

if [ "${1:-}" = --inside ]; then
	shift
	inside "$@"
else
	outside "$@"
fi
