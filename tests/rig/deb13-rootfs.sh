#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# deb13-rootfs.sh - print the path of a Debian 13 "trixie" rootfs in which
# the rig runs the Debian 13 callers (OpenSSH 10, util-linux login,
# wtmpdb, lastlog2, PAM 1.7) with pam_jail built inside it (gcc 14),
# building it first when this machine has none yet: tests/rig/rootfs.sh
# does the work (the cache, its key, exit 3 when the archive cannot be
# reached).  isolate.sh --release 13 enters an overlay of it.
set -euo pipefail

pkgs=(
	# build (Makefile): the module, jail-init and the test tools are
	# compiled in the rootfs once per run
	gcc make libc6-dev pkgconf libpam0g-dev libcap-dev libiniparser-dev
	libseccomp-dev libsystemd-dev
	# the callers (cron: by apt-get afterwards, see rootfs.sh)
	openssh-server openssh-sftp-server openssh-client login util-linux
	passwd pamtester libpam-modules libpam-runtime
	# login records on 13
	wtmpdb libpam-wtmpdb lastlog2 libpam-lastlog2
	# what tests/lib.sh and the rig use
	procps psmisc iproute2 python3 expect tmux busybox-static rsync
	bsdutils mount hostname libcap2-bin diffutils
)
PACKAGES=$(IFS=,; echo "${pkgs[*]}")
exec "$(dirname "${BASH_SOURCE[0]}")/rootfs.sh" deb13 trixie "$PACKAGES" cron
