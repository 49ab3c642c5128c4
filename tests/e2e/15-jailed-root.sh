#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 15-jailed-root.sh - allow_root = yes: uid 0 logs into a jail whose tree is
# a full root filesystem of its own (busybox-static), keeps only the
# whitelisted capabilities, can manage its own tree, and nothing more.
# central: ssh root@: uid 0 in the busybox jail
# releases: 12 13
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module
rig_need busybox "busybox-static builds the root jail's tree" || { done_testing; exit; }

# --- a busybox root filesystem, root-owned, with its own /etc -------------
# a directory above a root jail is closed to other users (jail(8)): a
# setuid-root file the jailed root plants must not be reachable from outside
R=/srv/rootjails/rootbox
install -d -m 755 -o 0 -g 0 /srv
install -d -m 700 -o 0 -g 0 /srv/rootjails
install -d -m 755 -o 0 -g 0 "$R"
for d in bin etc dev proc tmp root srv var var/tmp; do
	install -d -m 755 -o 0 -g 0 "$R/$d"
done
chmod 700 "$R/root"
install -m 755 -o 0 -g 0 "$(command -v busybox)" "$R/bin/busybox"
for a in $(busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/srv:/bin/false\n' >"$R/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nwww:x:33:\n' >"$R/etc/group"
chmod 644 "$R/etc/passwd" "$R/etc/group"

rig_conf <<'CONF'
[jail:rootbox]
root = /srv/rootjails/rootbox
allow_root = yes
root_caps = chown dac_override fowner setuid setgid kill
; www, the tree's own account (52-edges.sh E12: other ids are refused)
root_ids = 33
tmpfs = /tmp
hostname = rootbox

[user:root]
jail = rootbox
CONF
rig_pam_stacks
# sshd runs pw_shell from the host's passwd, read before the session: the
# jail has no bash, so the rig's root gets /bin/sh (busybox inside).
usermod -s /bin/sh root
install -d -m 700 /root/.ssh
install -m 600 "$(rig_key).pub" /root/.ssh/authorized_keys
rig_sshd_start "Match User root" "	PermitRootLogin prohibit-password" ||
	not_ok "sshd starts with PermitRootLogin"
rig_mounts_snapshot "$RIG_DIR/mounts.before"

# --- root lands jailed, with exactly root_caps -----------------------------
is "$(rig_ssh root 'id -u; hostname; ls /' 2>&1 | tr '\n' ' ')" \
	"0 rootbox bin dev etc proc root srv tmp var " \
	"ssh root@: uid 0 in the busybox jail, its hostname and tree"
want=$(printf '%016x' $(( (1 << 0) | (1 << 1) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 7) )))
caps=$(rig_ssh root 'grep -E "^Cap(Prm|Eff|Bnd|Amb|Inh)" /proc/self/status' 2>&1)
for set in CapPrm CapEff CapBnd CapAmb; do
	like "$caps" "^$set:[[:space:]]+$want\$" "jailed root's $set is exactly root_caps ($want)"
done
like "$(rig_ssh root 'grep NoNewPrivs /proc/self/status')" '1$' "no_new_privs is set"
is "$(rig_ssh root 'cat /etc/passwd | cut -d: -f1 | tr "\n" " "')" "root www " \
	"the jail's own /etc/passwd (not a generated one)"

chmod 711 /srv/rootjails
check_refused "a root jail whose parents other users can traverse is refused" \
	'allow_root: no directory above /srv/rootjails/rootbox is closed' rig_ssh root true
like "$(rig_syslog_grep 'allow_root: no directory above /srv/rootjails/rootbox is closed')" \
	'mode 0700' "syslog says which directory must be closed"
chmod 700 /srv/rootjails

# --- what a jailed root can do: its own tree --------------------------------
check "jailed root chowns a file in its tree" \
	rig_ssh root 'echo x > /srv/owned && chown 33:33 /srv/owned'
is "$(stat -c '%u:%g' "$R/srv/owned")" "33:33" "uid 33 inside is uid 33 on disk"
is "$(rig_ssh root 'su -s /bin/sh www -c "id -u"' 2>&1)" 33 \
	"jailed root runs a command as another uid inside"
check "jailed root edits its own /etc" \
	rig_ssh root 'echo "svc:x:1234:1234::/srv:/bin/false" >> /etc/passwd'
like "$(cat "$R/etc/passwd")" 'svc:x:1234' "the change is in the jail's tree"

# --- and nothing more (the 2013 mail's recipe first) ------------------------
like "$(rig_ssh root 'mkdir -p /tmp/p && mount -t proc proc /tmp/p' 2>&1)" \
	'denied|not permitted' "jailed root cannot mount procfs"
like "$(rig_ssh root 'mkdir -p /tmp/s && mount -t sysfs sysfs /tmp/s' 2>&1)" \
	'denied|not permitted' "jailed root cannot mount sysfs"
like "$(rig_ssh root 'echo x > /proc/sys/kernel/core_pattern' 2>&1)" \
	'Read-only file system' "jailed root cannot write kernel.core_pattern (EROFS)"
like "$(rig_ssh root 'echo h > /proc/sys/kernel/hostname' 2>&1)" \
	'Read-only file system' "jailed root cannot write a sysctl"
is "$(rig_ssh root 'test -w /proc/sysrq-trigger && echo writable || echo not-writable')" \
	not-writable "no /proc/sysrq-trigger to write"
like "$(rig_ssh root 'mknod /tmp/sda b 8 0' 2>&1)" 'not permitted' "jailed root cannot mknod"
like "$(rig_ssh root 'hostname evil' 2>&1)" 'not permitted|denied' "jailed root cannot set the hostname"
like "$(rig_ssh root 'ls /dev/pts' 2>&1)" '^(ptmx|[0-9])' "the jail has its own devpts"
is "$(rig_ssh root 'ls /dev/pts | grep -c "^[0-9]"' 2>&1)" 0 \
	"no host pty is visible to a jailed root (private devpts)"
like "$(rig_ssh_pty root tty 2>&1)" '^/dev/pts/[0-9]+$' "a pty session works on the private devpts"
is "$(hostname)" rig "(control) the rig's hostname is unchanged"

# --- a normal user in an allow_root jail gets nothing -----------------------
# (a jail of her own on the same tree: a private devpts, which allow_root
# forces, is one user's -- 53-login-reopen.sh)
rig_user carol
usermod -s /bin/sh carol	# the busybox tree has no bash
printf '[jail:carolbox]\nroot = /srv/rootjails/rootbox\nallow_root = yes\ntmpfs = /tmp\n\n[user:carol]\njail = carolbox\n' |
	rig_conf_add
printf 'carol:x:%s:%s::/tmp:/bin/sh\n' "$(id -u carol)" "$(id -g carol)" >>"$R/etc/passwd"
install -d -m 755 "$R/home" "$R/home/carol"
# a rw bind in a jail with a root: its source under a closed directory
install -d -m 700 -o carol /srv/rootjails/carol
sed -i 's|^tmpfs = /tmp$|tmpfs = /tmp\nbind_rw = /srv/rootjails/carol:/home/carol|' "$RIG_CONF"
is "$(rig_ssh carol 'grep -E "^Cap(Prm|Eff|Amb)" /proc/self/status | cut -f2 | sort -u')" \
	0000000000000000 "a normal user in an allow_root jail has no capability"

check "no jail process is left" rig_jail_procs_gone 10
check "the rig's mount table is unchanged" rig_mounts_compare "$RIG_DIR/mounts.before"
rig_sshd_stop
done_testing
