# SPDX-License-Identifier: BSD-3-Clause
# sd-boot.sh - sourced by tests/e2e/70-systemd.sh: a real systemd host
# (systemd as pid 1, journald, dbus, logind, sshd as a unit, cron) booted
# inside the rig, so pam_jail meets pam_systemd and logind as on a Debian
# machine, which the rig itself (a shell as pid 1, no bus) cannot show.
#
#	. "$(dirname "$0")/../lib.sh"          # first: rig_wait, the TAP helpers
#	. "$(dirname "$0")/../rig/sd-boot.sh"
#	sd_overlay                      # $SD_ROOT: a writable copy of $SD_ROOTFS
#	sd_chroot useradd -m alice      # prepare it before the boot
#	sd_boot || ...                  # systemd up, "running" or "degraded"
#	sd_env systemctl --failed       # a command in the booted host, as root
#	sd_ssh alice 'cat /proc/self/cgroup'
#	sd_teardown                     # trap EXIT: nothing left running or mounted
#
# The layers: $SD_ROOTFS (tests/rig/sd-rootfs.sh, a cached read-only
# debootstrap) is the lower layer of an overlay whose upper layer lives on
# a tmpfs of the rig, so every run boots a fresh copy and the cache is never
# written.  The overlay is mounted in the rig's own mount namespace: the rig
# reads and writes the booted host's files at $SD_ROOT/... (homes, /srv,
# /etc), while /proc, /sys, /dev, /run and /tmp are the booted host's own,
# mounted in its private namespace (sd__pid1) and seen only through sd_env.
#
# The booted host gets new mount, pid, net, uts, ipc and cgroup namespaces
# and the cgroup $RIG_CGROUP_MOUNT/sd (the test needs "# rig: cgroup"):
# systemd owns that subtree as its whole hierarchy, as a container manager
# would give it.  Its pid 1 is a child of `unshare --kill-child`, so one
# SIGKILL of that unshare ends systemd and every process of the host.
# shellcheck shell=bash

SD_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sd-boot.sh
SD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SD_BOOT_TIMEOUT=${SD_BOOT_TIMEOUT:-90}	# seconds to reach running/degraded
SD_MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
# What `make install` puts where (Makefile: PAMDIR, LIBEXECDIR, SBINDIR);
# PAMDIR's /lib is /usr/lib on Debian 12 (merged /usr).
SD_PAMDIR=/usr/lib/$SD_MULTIARCH/security
SD_INIT_PATH=/usr/libexec/pam_jail/jail-init
SD_JAILCTL_PATH=/usr/sbin/jailctl
SD_CONF=/etc/security/pam_jail.conf
# no user manager for jailed users (README, "systemd hosts")
SD_DROPIN=/usr/lib/systemd/system/user@.service.d/pam_jail.conf
SD_KEY=/root/.ssh/id_ed25519	# root's key in the booted host

# sd__pid1 ROOT LOG: run as `bash sd-boot.sh --pid1 ROOT LOG` by sd_boot,
# already pid 1 of the new namespaces.  The mounts every systemd container
# manager provides (systemd's "Container Interface"): /proc, a read-only
# /sys with a writable cgroup2 of our subtree, a small /dev with a devpts
# instance of its own, tmpfs /run and /tmp.  No /dev/console: systemd
# writes there only to a tty, and in a container it logs to the journal
# (its stdio it points at /dev/null), so LOG gets only this function's own
# errors; the journal is the boot log.  Then pivot_root, not chroot:
# pam_jail pivots too, and under a chroot its jails came up with the
# mount namespace's root -- the rig's, the machine's / -- as their "/".
sd__pid1() {
	local r=$1 log=$2 n
	set -e
	exec >>"$log" 2>&1 </dev/null
	mount -t proc -o nosuid,nodev,noexec proc "$r/proc"
	mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$r/sys"
	# The cgroup namespace made by unshare is rooted at .../sd: the
	# mount shows that subtree only, which systemd takes as its own.
	mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$r/sys/fs/cgroup"
	# Not nodev: the binds below are device nodes.
	mount -t tmpfs -o mode=755,nosuid sd-dev "$r/dev"
	for n in null zero full random urandom tty; do
		: >"$r/dev/$n"
		mount --bind "/dev/$n" "$r/dev/$n"
	done
	mkdir -m 755 "$r/dev/pts"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5,nosuid,noexec \
		devpts "$r/dev/pts"
	ln -s pts/ptmx "$r/dev/ptmx"
	mkdir -m 1777 "$r/dev/shm"
	mount -t tmpfs -o mode=1777,nosuid,nodev sd-shm "$r/dev/shm"
	ln -s /proc/self/fd "$r/dev/fd"
	for n in stdin:0 stdout:1 stderr:2; do ln -s "/proc/self/fd/${n#*:}" "$r/dev/${n%:*}"; done
	mount -t tmpfs -o mode=755,nosuid,nodev sd-run "$r/run"
	mount -t tmpfs -o mode=1777,nosuid,nodev sd-tmp "$r/tmp"
	mkdir "$r/run/.oldroot"
	cd "$r"
	pivot_root . run/.oldroot
	# From here on the commands are the booted host's own.
	cd /
	umount --lazy /run/.oldroot
	rmdir /run/.oldroot
	# container=: systemd skips what a container must not touch.
	exec /usr/bin/env -i container=other /lib/systemd/systemd
}

# sd_overlay: tmpfs $SD_DIR with the overlay's upper and work dirs, and the
# overlay of $SD_ROOTFS on $SD_ROOT.
sd_overlay() {
	SD_DIR=$RIG_DIR/sd
	SD_ROOT=$SD_DIR/root
	SD_LOG=$RIG_DIR/sd-boot.log
	install -d -m 755 "$SD_DIR"
	mount -t tmpfs -o mode=755 sd-upper "$SD_DIR" || return
	mkdir "$SD_DIR/upper" "$SD_DIR/work" "$SD_ROOT" || return
	mount -t overlay sd-root \
		-o "lowerdir=$SD_ROOTFS,upperdir=$SD_DIR/upper,workdir=$SD_DIR/work" "$SD_ROOT"
}

# sd_chroot CMD...: CMD in the booted host's tree before the boot (no
# /proc, /dev there yet: useradd, ssh-keygen and friends do not need them).
sd_chroot() {
	chroot "$SD_ROOT" /usr/bin/env -i PATH="$SD_PATH" HOME=/root LANG=C "$@"
}

# sd_prepare_ssh: host keys, a key-only sshd that logs VERBOSE, and root's
# client key (its public half is what sd_user authorizes).
sd_prepare_ssh() {
	sd_chroot ssh-keygen -A >/dev/null || return
	install -d -m 700 "$SD_ROOT/root/.ssh"
	sd_chroot ssh-keygen -q -t ed25519 -N '' -C sd-root -f "$SD_KEY" || return
	printf '%s\n' 'PasswordAuthentication no' 'KbdInteractiveAuthentication no' \
		'PubkeyAuthentication yes' 'LogLevel VERBOSE' 'UsePAM yes' \
		>"$SD_ROOT/etc/ssh/sshd_config.d/rig.conf"
}

# sd_user NAME: a login user with root's key authorized (sshd's
# StrictModes: ~/.ssh and the file owned by the user, not group-writable).
sd_user() {
	local name=$1 h=$SD_ROOT/home/$1 ug
	sd_chroot useradd -m -s /bin/bash "$name" || return
	ug=$(sd_chroot id -u "$name"):$(sd_chroot id -g "$name") || return
	install -d -m 700 "$h/.ssh" && chown "$ug" "$h/.ssh" &&
		install -m 600 "$SD_ROOT$SD_KEY.pub" "$h/.ssh/authorized_keys" &&
		chown "$ug" "$h/.ssh/authorized_keys"
}

# sd_install_pam_jail MODULE INIT JAILCTL: the built files where `make
# install` puts them (the module's core, pam_jail-core.so, from next to
# MODULE), root-owned (the user@.service drop-in included), and
# an empty drop-in directory.
sd_install_pam_jail() {
	install -d -m 755 -o 0 -g 0 "$SD_ROOT$SD_PAMDIR" "$(dirname "$SD_ROOT$SD_INIT_PATH")" \
		"$SD_ROOT/etc/security/pam_jail.d" || return
	install -m 644 -o 0 -g 0 "$1" "$SD_ROOT$SD_PAMDIR/pam_jail.so" &&
		install -m 644 -o 0 -g 0 "$(dirname "$1")/pam_jail-core.so" \
			"$SD_ROOT$SD_PAMDIR/pam_jail-core.so" &&
		install -m 755 -o 0 -g 0 "$2" "$SD_ROOT$SD_INIT_PATH" &&
		install -m 755 -o 0 -g 0 "$3" "$SD_ROOT$SD_JAILCTL_PATH" &&
		install -D -m 644 -o 0 -g 0 "$RIG_TOP/conf/systemd/user@.service.d/pam_jail.conf" \
			"$SD_ROOT$SD_DROPIN"
}

# sd_conf < TEXT: the booted host's pam_jail.conf (root 0644, or the module
# refuses it).
sd_conf() {
	cat >"$SD_ROOT$SD_CONF.new" && chown 0:0 "$SD_ROOT$SD_CONF.new" &&
		chmod 644 "$SD_ROOT$SD_CONF.new" && mv -f "$SD_ROOT$SD_CONF.new" "$SD_ROOT$SD_CONF"
}

# sd_pam_examples SERVICE...: the project's Debian 12 stacks (conf/pam.d/debian12) as
# the booted host's.  Each must be that host's own Debian stack (its
# /etc/pam.d file, or /usr/lib/pam.d for systemd-user, which Debian ships
# there) byte for byte below the example's header, plus the pam_jail block
# at the end (a blank line, a comment, the line): the stacks the README
# shows are the stacks this test runs.
sd_pam_examples() {
	local s ex orig
	for s in "$@"; do
		ex=$RIG_TOP/conf/pam.d/debian12/$s
		orig=$SD_ROOT/etc/pam.d/$s
		[ -f "$orig" ] || orig=$SD_ROOT/usr/lib/pam.d/$s
		if ! sed '1,/^$/d' "$ex" | head -n -3 | cmp -s - "$orig"; then
			echo "sd_pam_examples: conf/pam.d/debian12/$s is not $orig plus pam_jail" >&2
			return 1
		fi
		install -m 644 -o 0 -g 0 "$ex" "$SD_ROOT/etc/pam.d/$s" || return
	done
}

# sd_jail_tree USER: the jail tree rig_jail_tree lays out (mount points,
# root-owned 0755, and a small etc/), in the booted host's /srv/jails.
# `jailctl create` (sd_env, after the boot) adds what the module needs
# beyond that.
sd_jail_tree() {
	local user=$1 root=$SD_ROOT/srv/jails/$1 d etc
	install -d -m 755 -o 0 -g 0 "$SD_ROOT/srv/jails" "$root" || return
	for d in usr bin lib lib64 sbin etc dev proc tmp run home "home/$user" \
		var var/tmp var/log var/run; do
		install -d -m 755 -o 0 -g 0 "$root/$d" || return
	done
	etc=$root/etc
	install -m 644 -o 0 -g 0 /dev/null "$etc/passwd"
	install -m 644 -o 0 -g 0 /dev/null "$etc/group"
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$etc/nsswitch.conf"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost\n' "$user" >"$etc/hosts"
	printf '%s\n' 'PATH=/usr/local/bin:/usr/bin:/bin' 'export PATH' >"$etc/profile"
	printf '%s\n' /bin/sh /usr/bin/sh /bin/bash /usr/bin/bash >"$etc/shells"
	: >"$etc/bash.bashrc"
	cp "$SD_ROOT/etc/ld.so.cache" "$etc/ld.so.cache"
	chown 0:0 "$etc"/* && chmod 644 "$etc"/*
}

# sd_boot: start the booted host (uses lib.sh's rig_wait) (its pid 1 in $SD_PID, the unshare that
# holds it in $SD_UNSHARE_PID) and wait until systemd says running or
# degraded, sshd is active and lo is up.  On failure: why, on stderr.
sd_boot() {
	local st tenths
	if [ -z "${RIG_CGROUP_MOUNT:-}" ] || ! mkdir -p "$RIG_CGROUP_MOUNT/sd"; then
		echo "sd_boot: no cgroup of the rig's own (the test needs # rig: cgroup)" >&2
		return 1
	fi
	SD_CG=$RIG_CGROUP_MOUNT/sd
	: >"$SD_LOG"
	# unshare's own errors go to the log too (sd__pid1 reopens it itself).
	# shellcheck disable=SC2094 # the path is an argument, not read here
	(
		echo "$BASHPID" >"$SD_CG/cgroup.procs" &&
			exec unshare --mount --pid --net --uts --ipc --cgroup --fork \
				--kill-child --propagation private -- \
				/bin/bash "$SD_LIB" --pid1 "$SD_ROOT" "$SD_LOG"
	) </dev/null >>"$SD_LOG" 2>&1 &
	SD_UNSHARE_PID=$!
	SD_PID=
	tenths=100
	while [ "$tenths" -gt 0 ]; do
		SD_PID=$(pgrep -P "$SD_UNSHARE_PID" | head -n 1)
		[ -n "$SD_PID" ] && [ "$(cat "/proc/$SD_PID/comm" 2>/dev/null)" = systemd ] && break
		kill -0 "$SD_UNSHARE_PID" 2>/dev/null || break
		sleep 0.1
		tenths=$((tenths - 1))
	done
	if [ "$(cat "/proc/${SD_PID:-0}/comm" 2>/dev/null)" != systemd ]; then
		echo "sd_boot: systemd did not start" >&2
		return 1
	fi
	# Polled rather than `is-system-running --wait`: that one gives up
	# at once while systemd's private socket does not exist yet.
	tenths=$((SD_BOOT_TIMEOUT * 10))
	while :; do
		st=$(sd_env systemctl is-system-running 2>&1)
		case $st in
		running | degraded) break ;;
		esac
		tenths=$((tenths - 2))
		if [ "$tenths" -le 0 ] || ! kill -0 "$SD_PID" 2>/dev/null; then
			echo "sd_boot: systemd is '$st' after ${SD_BOOT_TIMEOUT}s" >&2
			return 1
		fi
		sleep 0.2
	done
	sd_env ip link set lo up
	rig_wait 20 sd_env systemctl is-active --quiet ssh.service ||
		{ echo "sd_boot: ssh.service is not active" >&2; return 1; }
	rig_wait 20 sd_env sh -c 'ss -Hltn "sport = :22" | grep -q .' ||
		{ echo "sd_boot: sshd does not listen on :22" >&2; return 1; }
}

# sd_boot_diag: what to show when the boot failed: sd__pid1's own errors,
# and while systemd lives, its failed units, its queued jobs and the end of
# the journal (pid 1 logs there, not to a console).
sd_boot_diag() {
	echo "--- $SD_LOG:"
	tail -n 30 "$SD_LOG" 2>/dev/null
	if [ -n "${SD_PID:-}" ] && kill -0 "$SD_PID" 2>/dev/null; then
		echo "--- systemctl --failed:"
		sd_env systemctl --failed --no-legend --no-pager 2>&1
		echo "--- systemctl list-jobs:"
		sd_env systemctl list-jobs --no-legend --no-pager 2>&1 | head -n 20
		echo "--- journalctl -b, last 40 lines:"
		sd_env journalctl -b --no-pager -q -n 40 2>&1
	else
		echo "--- systemd (pid ${SD_PID:-none}) is not running"
	fi
}

# sd_env CMD...: CMD as root in the booted host: all its namespaces, its
# root and cwd, a clean environment.  It runs in the top of the booted
# host's cgroup tree, not the rig's (above the host's cgroup namespace
# root): logind can then move a `su` it starts into a session scope.
sd_env() {
	(
		echo "$BASHPID" >"$SD_CG/cgroup.procs" &&
			exec nsenter -t "$SD_PID" -a -r -w /usr/bin/env -i PATH="$SD_PATH" \
				HOME=/root LANG=C TERM=dumb "$@"
	)
}

# sd_ssh USER CMD...: key login over the booted host's loopback, from the
# booted host's own ssh client; CMD is run by the user's shell, stdin is
# /dev/null (-n: a hand run must not lose its terminal's input to it).
sd_ssh() {
	local user=$1
	shift
	sd_env ssh -n -F /dev/null -i "$SD_KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o LogLevel=ERROR -o ConnectTimeout=10 "$user@127.0.0.1" "$@"
}

# sd_journal_mark: later sd_journal calls see only newer entries.
sd_journal_mark() {
	sd_env journalctl --sync 2>/dev/null
	SD_CURSOR=$(sd_env journalctl -q -n 1 --show-cursor --no-pager -o cat 2>/dev/null |
		sed -n 's/^-- cursor: //p')
}

# sd_journal [JOURNALCTL_ARG...]: the entries since the mark (flushed first).
# shellcheck disable=SC2120 # the tests pass journalctl's options
sd_journal() {
	sd_env journalctl --sync 2>/dev/null
	sd_env journalctl -q --no-pager ${SD_CURSOR:+--after-cursor="$SD_CURSOR"} "$@"
}

# sd_journal_grep ERE [SECONDS]: wait until an entry since the mark matches;
# print the matching lines.
sd_journal_grep() {
	local tenths=$((${2:-10} * 10))
	while :; do
		sd_journal 2>/dev/null | grep -E -- "$1" && return 0
		tenths=$((tenths - 5))
		[ "$tenths" -gt 0 ] || return 1
		sleep 0.5
	done
}

# sd_teardown: SIGKILL the unshare (its --kill-child SIGKILLs systemd,
# which takes the whole pid namespace with it), then unmount the overlay.
# The rig removes the cgroup tree once it has ended.
sd_teardown() {
	if [ -n "${SD_UNSHARE_PID:-}" ]; then
		kill -KILL "$SD_UNSHARE_PID" 2>/dev/null
		wait "$SD_UNSHARE_PID" 2>/dev/null
		[ -z "${SD_PID:-}" ] || rig_wait 10 sd__gone "$SD_PID"
		SD_UNSHARE_PID=
	fi
	if [ -n "${SD_ROOT:-}" ] && mountpoint -q "$SD_ROOT"; then
		umount "$SD_ROOT" || umount --lazy "$SD_ROOT"
	fi
	if [ -n "${SD_DIR:-}" ] && mountpoint -q "$SD_DIR"; then
		umount "$SD_DIR" || umount --lazy "$SD_DIR"
	fi
}
sd__gone() {
	! kill -0 "$1" 2>/dev/null
}

if [ "${1:-}" = --pid1 ] && [ "${BASH_SOURCE[0]}" = "$0" ]; then
	shift
	sd__pid1 "$@"
fi
