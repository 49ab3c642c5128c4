#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 40-shared.sh - one jail per user, not per connection (share = user):
# sessions join the running jail, it ends with its last session unless it
# persists, racing logins build one jail, a SIGKILLed sshd leaves nothing
# stale; and the limits and network modes of a jail.
# central: both sessions are in the same pid namespace
# releases: 12 (the jail registry, the same on 13; CI time, about 3 min)
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

rig_user alice
rig_user bob
rig_user carol
rig_jail web alice bob
rig_pam_stacks
rig_sshd_start || not_ok "sshd starts"
rig_mounts_snapshot "$RIG_DIR/mounts.before"

# t_ssh USER CMD: rig_ssh with an outer time bound (timeout cannot run a
# shell function).
t_ssh() {
	local -a o
	mapfile -t o < <(rig__ssh_opts; rig__key_opts)
	timeout 20 ssh "${o[@]}" "$1@127.0.0.1" "${@:2}"
}
# inside USER CMD: run CMD in a session of USER (over ssh).
inside() { rig_ssh "$@" 2>&1; }
pidns() { inside "$1" 'readlink /proc/self/ns/pid'; }
hold() { # USER FLAG: a session that stays open until FLAG appears in ~
	rig_ssh "$1" "touch ~/held.$2; while [ ! -e ~/$2 ]; do sleep 0.1; done" \
		>/dev/null 2>&1 &
	rig_wait 10 test -e "/home/$1/held.$2"
}

# --- two sessions of one user share the jail --------------------------------
hold alice A || not_ok "a first session stays open"
ns_a=$(readlink "/proc/$(pgrep -f 'jail-init' | head -1)/ns/pid" 2>/dev/null)
check "a second session sees the first one's processes" \
	inside alice 'ps -e -o args= | grep -q "while \[ ! -e"'
is "$(pidns alice)" "$ns_a" "both sessions are in the same pid namespace"
inside alice 'echo shared > /tmp/note' >/dev/null
is "$(inside alice 'cat /tmp/note')" shared "a file in /tmp is seen by the next session"
inside alice 'tmux new-session -d -s work "sleep 600"' >/dev/null
check "tmux detached in one session is attachable from another" \
	inside alice 'tmux has-session -t work'
is "$(pgrep -c -x jail-init)" 1 "one jail-init for alice's sessions"
like "$(rig_syslog_grep 'jail joined: user=alice')" 'jail joined' \
	"syslog says the later sessions joined"
unlike "$(pidns bob)" "^$ns_a\$" "(control) bob's jail is another one"
touch /home/alice/A
check "the jail ends when the last session closes (tmux included)" rig_jail_procs_gone 10
unlike "$(inside alice 'cat /tmp/note 2>&1')" '^shared$' "a new jail starts with an empty /tmp"

# --- racing logins build exactly one jail -----------------------------------
hold alice R1 & hold alice R2 & hold alice R3 &
rig_wait 15 sh -c 'ls /home/alice/held.R1 /home/alice/held.R2 /home/alice/held.R3' ||
	not_ok "three racing sessions open"
is "$(pgrep -c -x jail-init)" 1 "three racing logins built exactly one jail"
touch /home/alice/R1 /home/alice/R2 /home/alice/R3
check "and it ends after the three" rig_jail_procs_gone 10

# --- SIGKILL of sshd mid-session leaves nothing stale -----------------------
hold alice K || not_ok "a session to kill"
mon=$(pgrep -f "$RIG_SSHD_SESSION: alice \[priv\]" | head -1)
kill -9 "$mon"
check "SIGKILL of the session's sshd monitor ends the jail" rig_jail_procs_gone 10
is "$(inside alice 'echo back')" back "the next login is not locked out by stale state"
check "no jail left after it" rig_jail_procs_gone 10
rm -f /home/alice/held.* /home/alice/[A-Z]*

# --- persist = yes keeps the jail ---------------------------------------------
sed -i 's/^hostname = %u$/hostname = %u\npersist = yes/' "$RIG_CONF"
inside alice 'echo kept > /tmp/kept; sleep 600 >/dev/null 2>&1 &' >/dev/null
is "$(pgrep -c -x jail-init)" 1 "persist: the jail outlives its last session"
is "$(inside alice 'cat /tmp/kept')" kept "persist: the next login joins it"
kill -TERM "$(pgrep -x jail-init)"
check "an administrator ends a persistent jail (SIGTERM to its init)" rig_jail_procs_gone 10
sed -i '/^persist = yes$/d' "$RIG_CONF"

# --- a config change while the jail runs --------------------------------------
hold alice C || not_ok "a session before the change"
sed -i 's/^tmpfs = \/tmp$/tmpfs = \/tmp \/var\/tmp/' "$RIG_CONF"
rig_syslog_mark
check_fails "a login whose config changed the running jail's setup is refused" \
	inside alice true
like "$(rig_syslog_grep 'is running with another setup')" 'another setup' \
	"syslog says the running jail has another setup"
touch /home/alice/C
check "the old jail ends with its session" rig_jail_procs_gone 10
is "$(inside alice 'df --output=target /var/tmp | tail -1')" /var/tmp \
	"the next login gets the new setup"
sed -i 's/^tmpfs = \/tmp \/var\/tmp$/tmpfs = \/tmp/' "$RIG_CONF"

# --- share = session -----------------------------------------------------------
printf '[jail:solo]\nroot = /srv/jails/%%u\nbind_ro = /usr /bin /lib /lib64 /sbin\nbind_rw = %%h\ntmpfs = /tmp\nshare = session\n' |
	rig_conf_add
sed -i '/^\[user:bob\]/,/^jail/ s/^jail = web$/jail = solo/' "$RIG_CONF"
hold bob S || not_ok "bob holds a session"
unlike "$(pidns bob)" "^$(readlink /proc/"$(pgrep -x jail-init | head -1)"/ns/pid)\$" \
	"share = session: every session gets its own jail"
touch /home/bob/S
check "no jail left" rig_jail_procs_gone 10

# --- limits -------------------------------------------------------------------
rig_jail_tree carol
printf '[jail:tight]\nroot = /srv/jails/%%u\nbind_ro = /usr /bin /lib /lib64 /sbin\nbind_rw = %%h\ntmpfs = /tmp\ntmpfs_size = 1M\ntmpfs_inodes = 100\nrlimit_nproc = 40\nrlimit_as = 256M\nrlimit_nofile = 64\npids_max = 100\n\n[user:carol]\njail = tight\n' |
	rig_conf_add
# Outer safety bounds, so a limit that does not work fails the test
# instead of taking the machine down: a timeout on every call and an
# RLIMIT_NPROC of the test's own on carol's uid through sshd.
prlimit --pid "$(cat "$RIG_DIR/sshd.pid")" --nproc=400:400
like "$(t_ssh carol 'for i in $(seq 200); do sleep 5 & done 2>&1 | tail -1; wait' 2>&1)" \
	'Resource temporarily unavailable|fork' "a fork bomb stops at rlimit_nproc = 40"
start=$(date +%s%N)
is "$(t_ssh alice 'echo fine' 2>&1)" fine \
	"meanwhile another jailed user's ssh login works"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$ms" -lt 5000 ]; then ok "and is fast (${ms} ms)"; else not_ok "and is fast" "${ms} ms"; fi
like "$(t_ssh carol 'python3 -c "bytearray(1 << 30)"' 2>&1)" \
	'MemoryError' "a memory hog stops at rlimit_as = 256M"
like "$(t_ssh carol 'dd if=/dev/zero of=/tmp/fill bs=64k count=100 2>&1' 2>&1)" \
	'No space left on device' "filling /tmp stops at tmpfs_size = 1M"
like "$(t_ssh carol 'rm -f /tmp/fill; for i in $(seq 150); do : > /tmp/f$i || break; done 2>&1 | tail -1' 2>&1)" \
	'No space left on device' "creating files stops at tmpfs_inodes = 100"
is "$(t_ssh carol 'ulimit -n; ulimit -c' 2>&1 | tr '\n' ' ')" "64 0 " \
	"rlimit_nofile = 64 and core dumps off by default"
rig_syslog_mark
rig_ssh carol true
like "$(rig_syslog_grep 'cgroup')" 'cgroup v2' \
	"no cgroup v2 controllers here: one log line says the cgroup limits are not applied"
sed -i 's/^pids_max = 100$/pids_max = 100\nlimits_required = yes/' "$RIG_CONF"
check_fails "limits_required = yes refuses the session when they cannot apply" \
	rig_ssh carol true
check "no jail left after the limit tests" rig_jail_procs_gone 15

# --- network modes -----------------------------------------------------------
like "$(inside alice 'ip -o link' | awk -F': ' '{print $2}' | tr '\n' ' ')" '^lo $' \
	"network = none: only lo"
check_fails "network = none: the rig's sshd is not reachable" \
	rig_ssh alice 'exec 3<>/dev/tcp/127.0.0.1/22'
sed -i '0,/^network = none$/ s//network = host/' "$RIG_CONF"
check "network = host: the rig's sshd is reachable from inside" \
	rig_ssh alice 'exec 3<>/dev/tcp/127.0.0.1/22'
# netns = NAME: a namespace made with ip netns, joined to the rig by a veth
ip netns add jnet
ip link add veth-rig type veth peer name veth-jail
ip link set veth-jail netns jnet
ip addr add 10.77.0.1/24 dev veth-rig && ip link set veth-rig up
ip -n jnet addr add 10.77.0.2/24 dev veth-jail
ip -n jnet link set veth-jail up && ip -n jnet link set lo up
sed -i '0,/^network = host$/ s//netns = jnet/' "$RIG_CONF"
like "$(inside alice 'ip -o addr show veth-jail')" '10\.77\.0\.2/24' \
	"netns = jnet: the jail has the namespace's veth and address"
python3 -c 'import socket,sys
s=socket.socket(); s.bind(("10.77.0.1", 7777)); s.listen(1)
c,_=s.accept(); c.sendall(b"hello-over-veth\n"); c.close()' &
lp=$!
sleep 0.3
is "$(inside alice 'exec 3<>/dev/tcp/10.77.0.1/7777; head -1 <&3')" hello-over-veth \
	"netns = jnet: the jail reaches the rig over the veth"
kill "$lp" 2>/dev/null
check "no jail left after the network tests" rig_jail_procs_gone 10
ip netns del jnet
# `ip netns add` made /run/netns a mount of the rig's own: not the jails'
is "$(rig_mounts_compare "$RIG_DIR/mounts.before" | grep '^[-+][0-9]' | grep -v /run/netns)" "" \
	"the rig's mount table is unchanged (but for ip netns' own /run/netns)"
rig_sshd_stop
done_testing
