#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 80-vm.sh - the cgroup v2 limits (pids_max, memory_max, cpu_max) enforced
# by a real kernel: a Debian 13 guest (its stock kernel, systemd 257,
# OpenSSH 10) under qemu, booted twice from the image tests/vm/image.sh
# caches: once with systemd as pid 1 (the limits on the session scope) and
# once with a small init instead (pam_jail's own cgroups).  The machines
# this suite runs on keep their controllers on cgroup v1, where no limit
# can be seen enforced; the guest has them all on v2.
#
# Here, in the rig: pam_jail is built with the guest's compilers and
# libraries (make in a chroot of an overlay of the image's rootfs; Debian
# 13's libiniparser is not 12's), then each boot runs tests/vm/guest.sh
# from the source tree (9p, read-only) and leaves its TAP in a shared
# directory, printed here.  qemu runs on TCG (KVM on these machines cannot
# run a stock kernel: vm-notes), inside `timeout`, with no network card.
# VM_MODES="systemd own" (the default) picks the boots; VM_KEEP=DIR (with
# RIG_RW=DIR) keeps the consoles and the guest's logs there.
# Run: export VM_IMAGE=$(tests/vm/image.sh)   (on the host, once)
#      tests/rig/isolate.sh tests/e2e/80-vm.sh
# central: (systemd) pids_max 40 stops a fork bomb in the jail
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-500}	# seconds per boot, tests included (run-all: 600 per file)

if [ -z "${VM_IMAGE:-}" ]; then
	skip "${VM_IMAGE_SKIP:-VM_IMAGE is not set (run tests/vm/image.sh)}" \
		"80-vm.sh: needs the guest image it boots"
	done_testing
	exit
fi
rig_assert_inside
rig_need qemu-system-x86_64 "80-vm.sh: boots a guest (tests/deps.txt: qemu-system-x86)" ||
	{ done_testing; exit; }

V=$RIG_DIR/vm
mkdir -p "$V/upper" "$V/work" "$V/root" "$V/out/build"

# vm_build: make pam_jail.so and its core, jail-init and jailctl in a
# chroot of the guest's rootfs (an overlay: the cache stays as it is), the
# tree bound read-only at /src, the objects in the overlay's /build.
vm_build() {
	local r=$V/root f
	mount -t overlay vm-build -o "lowerdir=$(cat "$VM_IMAGE/rootfs"),upperdir=$V/upper,workdir=$V/work" "$r" &&
		mkdir -p "$r/src" "$r/build" &&
		mount --bind -o ro "$RIG_TOP" "$r/src" &&
		mount --bind /dev "$r/dev" || return
	chroot "$r" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C \
		make -s -C /src -j2 BUILD=/build /build/pam_jail.so /build/jail-init /build/jailctl || return
	for f in pam_jail.so pam_jail-core.so jail-init jailctl; do
		cp "$r/build/$f" "$V/out/build/$f" || return
	done
}

# vm_boot MODE [KERNEL_ARG...]: one boot; its serial console in
# $V/console.MODE, qemu's exit status and seconds in $V/rc.MODE.  The disk
# is a snapshot: the image is never written.
vm_boot() {
	local mode=$1 i=$VM_IMAGE start=$SECONDS rc=0
	shift
	TMPDIR=$V timeout -k 5 "$VM_BOOT_TIMEOUT" qemu-system-x86_64 \
		-accel tcg,thread=multi,tb-size=256 -cpu max -m 1024 -smp 2 \
		-kernel "$i/vmlinuz" -initrd "$i/initrd.img" \
		-append "console=ttyS0 root=/dev/vda rw quiet mitigations=off panic=1 $*" \
		-drive "file=$i/root.img,format=raw,if=virtio,snapshot=on" \
		-virtfs "local,path=$RIG_TOP,mount_tag=src,security_model=none,readonly=on" \
		-virtfs "local,path=$V/out,mount_tag=out,security_model=none" \
		-nic none -display none -monitor none -serial "file:$V/console.$mode" \
		-no-reboot </dev/null >"$V/qemu.$mode" 2>&1 || rc=$?
	echo "$rc $((SECONDS - start))" >"$V/rc.$mode"
}

# vm_report MODE LABEL: after its boot, print the guest's TAP.
vm_report() {
	local mode=$1 label=$2 rc secs line
	read -r rc secs <"$V/rc.$mode"
	if [ ! -f "$V/out/done.$mode" ]; then
		not_ok "the $label guest boots and runs tests/vm/guest.sh" \
			"qemu: exit status $rc$([ "$rc" != 124 ] || echo ", timed out after ${VM_BOOT_TIMEOUT}s")" \
			"$(tail -n 20 "$V/qemu.$mode")" "--- console:" "$(tail -n 40 "$V/console.$mode")" \
			"--- guest's TAP so far:" "$(cat "$V/out/tap.$mode" 2>/dev/null)"
		return
	fi
	ok "the $label guest booted, ran its tests and powered off ($secs s)"
	# The guest's verdicts become this file's (and the central one can be
	# turned over by RIG_SELFTEST); its comments pass through.
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$V/out/tap.$mode"
	if grep -q '^not ok' "$V/out/tap.$mode"; then
		diag "--- the guest's kernel log, last lines:" "$(tail -n 30 "$V/out/dmesg.$mode")"
		diag "--- its journal or syslog, last lines:" "$(tail -n 40 "$V/out/log.$mode" 2>&1)"
	fi
}

cleanup() {
	[ -z "${VM_KEEP:-}" ] || cp -a "$V/out" "$V"/console.* "$V"/qemu.* "$VM_KEEP/" 2>/dev/null
	umount "$V/root/src" "$V/root/dev" "$V/root" 2>/dev/null
}
trap cleanup EXIT

start=$(date +%s)
if vm_build >"$V/build.log" 2>&1; then
	ok "pam_jail builds with the guest's compilers and libraries ($(($(date +%s) - start)) s)"
else
	not_ok "pam_jail builds with the guest's compilers and libraries" "$(tail -n 20 "$V/build.log")"
	done_testing
	exit
fi
# boot_mode MODE: the boot of MODE (own: no systemd, pid 1 is
# pam-jail-vm itself, tests/vm/pam-jail-vm).
boot_mode() {
	case $1 in
	systemd) vm_boot systemd ;;
	own) vm_boot own init=/usr/local/sbin/pam-jail-vm ;;
	esac
}
# The two boots at once: each is mostly one busy vCPU, and the machine
# has two cores.
modes=" ${VM_MODES:-systemd own} "
[[ $modes != *" systemd "* ]] || boot_mode systemd &
[[ $modes != *" own "* ]] || boot_mode own &
wait
# A guest whose kernel crashed before its tests ended boots once more.
# Under TCG with two vCPUs (MTTCG) the stock kernel has been seen to trap
# on its own text while patching it ("Oops: int3" in kmem_cache_alloc,
# 32 s into a boot whose twin passed): the emulator's, not the test's.
# A second crash is reported as the failure it is.
for mode in $modes; do
	if [ ! -f "$V/out/done.$mode" ] &&
	   grep -Eq 'Oops:|Kernel panic' "$V/console.$mode" 2>/dev/null; then
		diag "the $mode guest's kernel crashed: $(grep -Em 1 'Oops:|Kernel panic' "$V/console.$mode")" \
			"booting it once more"
		mv "$V/console.$mode" "$V/console.$mode.crashed"
		rm -f "$V/out/tap.$mode" "$V/out/dmesg.$mode" "$V/out/log.$mode"
		boot_mode "$mode"
	fi
done
[[ $modes != *" systemd "* ]] || vm_report systemd "systemd"
[[ $modes != *" own "* ]] || vm_report own "own-cgroup"
done_testing
