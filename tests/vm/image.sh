#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# image.sh - print the directory of a cached Debian 13 guest image for the
# VM leg (tests/e2e/80-vm.sh), building it first when this machine has none:
#   vmlinuz, initrd.img  the guest's own (Debian's stock) kernel and initramfs
#   root.img             its root file system, ext4, booted with snapshot=on
#                        (never written: one image serves every boot)
#   rootfs               the path of the rootfs it was made from, where
#                        80-vm.sh builds pam_jail with the guest's compilers
#
# The rootfs is tests/rig/rootfs.sh's (debootstrap trixie + a kernel,
# systemd, sshd and pam_jail's build dependencies).  The image is made from
# an overlay of it in a private mount namespace (the cached rootfs is never
# written, no mount outlives this script) with what every boot needs and
# is slow to make under TCG: host keys, root's client key, alice and bob,
# alice's jail tree, an initramfs that can mount a virtio disk, and the
# entry points (the systemd unit and the init of the own-cgroup boot, both
# tests/vm/pam-jail-vm).  The tests themselves are not in the image: the
# guest reads them from the source tree over 9p at every boot.
#
# The image lives beside the rootfs in $SD_CACHE (default
# /var/cache/pam_jail-tests) as vm-image-trixie-KEY, KEY a hash of this
# script, pam-jail-vm, tests/rig/sd-boot.sh (whose helpers it uses) and
# the rootfs's own key, so a
# change of any builds a new one and the old ones go.  Runs on the host, as
# root, like tests/rig/sd-rootfs.sh.  Exit 0 and print the path; exit 3
# with the reason on stderr when the Debian archive cannot be reached; exit
# 1 on any other error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$(dirname "$HERE")")
# The guest: its kernel and the boot (initramfs-tools, systemd, udev, dbus,
# logind), sshd and client, the tools the tests use, and what `make` needs
# to build pam_jail against the guest's own libraries (80-vm.sh builds it
# in a chroot of this rootfs: Debian 13's libiniparser is .so.4, 12's .so.1).
PACKAGES=linux-image-amd64,initramfs-tools,systemd,systemd-sysv,udev,dbus,libpam-systemd
PACKAGES+=,openssh-server,openssh-client,procps,iproute2,kmod
PACKAGES+=,gcc,make,libc6-dev,pkg-config,libpam0g-dev,libcap-dev,libiniparser-dev
PACKAGES+=,libseccomp-dev,libsystemd-dev

outside() {
	local rc=0 rootfs cache key img tmp log
	rootfs=$("$TOP/tests/rig/rootfs.sh" vm trixie "$PACKAGES") || rc=$?
	[ "$rc" = 0 ] || return "$rc"

	cache=$(dirname "$rootfs")
	key=$(cat "${BASH_SOURCE[0]}" "$HERE/pam-jail-vm" "$TOP/tests/rig/sd-boot.sh" \
		<(echo "$rootfs") | sha256sum | cut -c1-12)
	img=$cache/vm-image-trixie-$key
	if [ -f "$img/.complete" ]; then
		echo "$img"
		return 0
	fi
	command -v mkfs.ext4 >/dev/null ||
		{ echo "image.sh: mkfs.ext4 is not installed (tests/deps.txt: e2fsprogs)" >&2; return 1; }

	exec 8>"$cache/.lock-vm-image-trixie"
	flock 8
	if [ -f "$img/.complete" ]; then
		echo "$img"
		return 0
	fi
	find "$cache" -mindepth 1 -maxdepth 1 -name 'vm-image-trixie-*' ! -path "$img" \
		-exec rm -rf {} +
	tmp=$img.building
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log=$cache/vm-image-trixie.log
	if ! unshare --mount --propagation private -- \
		/bin/bash "$HERE/image.sh" --inside "$rootfs" "$tmp" >"$log" 2>&1; then
		rm -rf "$tmp"
		echo "image.sh: making the guest image failed; last lines of $log:" >&2
		tail -n 10 "$log" >&2
		return 1
	fi
	echo "$rootfs" >"$tmp/rootfs"
	: >"$tmp/.complete"
	mv "$tmp" "$img"
	echo "$img"
}

# inside ROOTFS OUT: in a private mount namespace (unshare above), so every
# mount here ends with it.
inside() {
	local rootfs=$1 out=$2 w kver
	w=$(mktemp -d /tmp/pam_jail-vm-image.XXXXXX)
	mount -t tmpfs -o mode=755 vm-image "$w"
	mkdir "$w/upper" "$w/work" "$w/root"
	mount -t overlay vm-root -o "lowerdir=$rootfs,upperdir=$w/upper,workdir=$w/work" "$w/root"
	# shellcheck source=../rig/sd-boot.sh
	. "$TOP/tests/rig/sd-boot.sh"
	SD_ROOT=$w/root
	sd_prepare_ssh
	sd_user alice
	sd_user bob
	sd_jail_tree alice
	echo vm >"$SD_ROOT/etc/hostname"
	printf 'LANG=C.UTF-8\n' >"$SD_ROOT/etc/default/locale"
	install -d -m 755 "$SD_ROOT/mnt/src" "$SD_ROOT/mnt/out"
	install -m 755 "$HERE/pam-jail-vm" "$SD_ROOT/usr/local/sbin/pam-jail-vm"
	systemd_unit
	initramfs
	for kver in "$SD_ROOT"/lib/modules/*; do kver=${kver##*/}; done
	cp "$SD_ROOT/boot/vmlinuz-$kver" "$out/vmlinuz"
	cp "$SD_ROOT/boot/initrd.img-$kver" "$out/initrd.img"
	# 2 GB, sparse: the rootfs and room for what the tests write (the
	# writes go to qemu's snapshot file, never to the image)
	mkfs.ext4 -q -F -L root -d "$SD_ROOT" "$out/root.img" 2G
	umount "$w/root" "$w"
	rmdir "$w"
}

# The systemd boot runs the tests from a unit once sshd, logind and
# systemd-user-sessions (which lifts /run/nologin, else pam_nologin refuses
# every user but root) are up.  No getty: the serial console is the
# tests' log (a getty on it would take it over).
systemd_unit() {
	local d=$SD_ROOT/etc/systemd/system
	cat >"$d/pam-jail-vm.service" <<-EOF
		[Unit]
		Description=pam_jail VM leg (tests/vm)
		After=ssh.service systemd-logind.service dbus.service systemd-user-sessions.service
		Wants=ssh.service

		[Service]
		Type=oneshot
		ExecStart=/usr/local/sbin/pam-jail-vm systemd
		StandardOutput=journal+console
		StandardError=journal+console

		[Install]
		WantedBy=multi-user.target
	EOF
	install -d "$d/multi-user.target.wants"
	ln -sf ../pam-jail-vm.service "$d/multi-user.target.wants/pam-jail-vm.service"
	ln -sf /dev/null "$d/serial-getty@ttyS0.service"
	ln -sf /dev/null "$d/getty@tty1.service"
	# No user managers (for anybody): under TCG each one takes seconds to
	# start, and 70-systemd.sh shows what pam_jail does about them.
	ln -sf /dev/null "$d/user@.service"
	# it looks for an AF_VSOCK the guest has not, and fails, slowly
	install -d "$SD_ROOT/etc/systemd/system-generators"
	ln -sf /dev/null "$SD_ROOT/etc/systemd/system-generators/systemd-ssh-generator"
}

# Debian's kernel has virtio_blk and ext4 as modules: the initramfs must
# bring them (and only them: 11 MB instead of 36 MB, a faster boot).
initramfs() {
	sed -i 's/^MODULES=.*/MODULES=list/' "$SD_ROOT/etc/initramfs-tools/initramfs.conf"
	printf '%s\n' virtio_pci virtio_blk ext4 >>"$SD_ROOT/etc/initramfs-tools/modules"
	mount --bind /proc "$SD_ROOT/proc"
	mount --bind /dev "$SD_ROOT/dev"
	mount --bind /sys "$SD_ROOT/sys"
	sd_chroot update-initramfs -u -k all
	umount "$SD_ROOT/proc" "$SD_ROOT/dev" "$SD_ROOT/sys"
}

if [ "${1:-}" = --inside ]; then
	shift
	inside "$@"
else
	outside
fi
