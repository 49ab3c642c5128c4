#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# bench/systemd.sh - `make bench`, part 7: ssh logins on a booted systemd
# host (tests/rig/sd-boot.sh: journald, dbus, logind, sshd as a unit,
# Debian's stacks with pam_systemd), with and without pam_jail.  There a
# jailed login costs what it costs everywhere plus its talks with systemd:
# a shared jail's first session asks for a transient scope for its
# jail-init (StartTransientUnit), a jail with cgroup limits sets them on
# the session scope (SetUnitProperties).  Run by bench/run.sh in a rig of
# its own; results in $BENCH_OUT/sd.tsv and sd-facts.tsv.
# rig: cgroup
set -u
# shellcheck source=../tests/lib.sh
. "$RIG_TOP/tests/lib.sh"
# shellcheck source=../tests/rig/sd-boot.sh
. "$RIG_TOP/tests/rig/sd-boot.sh"
rig_assert_inside

OUT=${BENCH_OUT:?BENCH_OUT unset}
PB=${BENCH_BIN:?BENCH_BIN unset}/pambench
RUNS=${BENCH_SD_RUNS:-40}
log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
fact() { printf '%s\t%s\n' "$1" "$2" >>"$OUT/sd-facts.tsv"; }
die() { log "systemd host: FAILED: $*"; fact error "$*"; exit 1; }

[ -n "${SD_ROOTFS:-}" ] || die "no rootfs: ${SD_ROOTFS_SKIP:-SD_ROOTFS unset}"
trap sd_teardown EXIT
sd_overlay || die "overlay"
printf 'LANG=C.UTF-8\n' >"$SD_ROOT/etc/default/locale"
{ sd_prepare_ssh && sd_user bn && sd_user bl &&
	sd_install_pam_jail "$MODULE" "$INIT" "${JAILCTL:-$(dirname "$MODULE")/jailctl}" &&
	sd_jail_tree bn && sd_jail_tree bl; } || die "preparing the host"
cp "$SD_ROOT/etc/pam.d/sshd" "$RIG_DIR/sshd.plain"
sd_pam_examples sshd || die "conf/pam.d/debian12/sshd"
cp "$SD_ROOT/etc/pam.d/sshd" "$RIG_DIR/sshd.jail"
printf '%s\n' '[global]' 'default = none' '' '[jail:web]' \
	'root = /srv/jails/%u' 'bind_ro = /usr /bin /lib /lib64 /sbin' \
	'bind_rw = %h' 'tmpfs = /tmp' 'network = none' 'hostname = %u' '' \
	'[jail:limited]' 'root = /srv/jails/%u' 'bind_ro = /usr /bin /lib /lib64 /sbin' \
	'bind_rw = %h' 'tmpfs = /tmp' 'network = none' 'hostname = %u' \
	'pids_max = 200' 'memory_max = 1G' 'cpu_max = 100000 100000' '' \
	'[user:bn]' 'jail = web' '' '[user:bl]' 'jail = limited' | sd_conf
sd_boot 2>"$RIG_DIR/sd-boot.err" || die "boot: $(cat "$RIG_DIR/sd-boot.err")"
{ sd_env jailctl create bn >/dev/null && sd_env jailctl create bl >/dev/null; } ||
	die "jailctl create"
fact systemd "$(sd_env systemctl --version | head -n 1)"

# One login as pambench's exec: variant (no shell there): ssh from inside
# the booted host, over its loopback.
cat >"$RIG_DIR/sdssh" <<EOF
#!/bin/sh
exec nsenter -t $SD_PID -a -r -w /usr/bin/env -i PATH=$SD_PATH \\
	ssh -F /dev/null -i $SD_KEY -o IdentitiesOnly=yes -o BatchMode=yes \\
	-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \\
	-o LogLevel=ERROR "\$1@127.0.0.1" true
EOF
chmod 755 "$RIG_DIR/sdssh"
[ "$(sd_ssh bn hostname 2>/dev/null)" = bn ] || die "bn is not jailed"
sw() { echo "cp $RIG_DIR/sshd.$1 $SD_ROOT/etc/pam.d/sshd.new && mv -f $SD_ROOT/etc/pam.d/sshd.new $SD_ROOT/etc/pam.d/sshd"; }
log "systemd host: $RUNS ssh logins per variant"
"$PB" -n "$RUNS" -w 3 -o "$OUT/sd.tsv" \
	-b "sd-plain=$(sw plain)" -b "sd-jail=$(sw jail)" -b "sd-limits=$(sw jail)" \
	"sd-plain=exec:$RIG_DIR/sdssh bn" "sd-jail=exec:$RIG_DIR/sdssh bn" \
	"sd-limits=exec:$RIG_DIR/sdssh bl" >&2 ||
	fact failures "some logins failed (see sd.tsv)"
fact jail_scopes_left "$(sd_env systemctl list-units --plain --no-legend 'pam_jail-*.scope' | grep -c .)"
log "systemd host: done"
