#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# sd-rootfs.sh - print the path of a Debian 12 rootfs that boots systemd,
# for the systemd-host tests (tests/e2e/70-systemd.sh), building it first
# when this machine has none yet: tests/rig/rootfs.sh does the work (the
# cache, its key, exit 3 when the archive cannot be reached).
set -euo pipefail

PACKAGES=systemd,systemd-sysv,dbus,libpam-systemd,openssh-server,openssh-client,cron,libiniparser1,libseccomp2,libcap2,procps,iproute2,psmisc
exec "$(dirname "${BASH_SOURCE[0]}")/rootfs.sh" sd bookworm "$PACKAGES"
