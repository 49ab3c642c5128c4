#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 70-systemd.sh - pam_jail on a systemd host: a real systemd (journald,
# dbus, logind, sshd and cron as units) booted in the rig from a Debian 12
# rootfs (tests/rig/sd-boot.sh), Debian's own PAM stacks with pam_systemd
# and pam_jail last.  A jailed login is a proper logind session (its scope
# holds the session, terminate-session ends it; a shared jail's init has a
# scope of its own), the jail sees no cgroup tree and no /sys, the open and
# close leave no error in the journal, the user manager is no way out (the
# user@.service drop-in, pam_jail in systemd-user), a jail's cgroup limits
# land on the session scope, and cron and su are jailed too.  Cron starts
# jobs on the minute: its job is queued first and checked last.
# releases: 12 (boots tests/rig/sd-rootfs.sh's Debian 12 systemd 252;
# a booted Debian 13 systemd host is not built yet)
# Run: export SD_ROOTFS=$(tests/rig/sd-rootfs.sh)   (on the host, once)
#      tests/rig/isolate.sh tests/e2e/70-systemd.sh
# rig: cgroup
# central: a jailed ssh login works on the systemd host
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../rig/sd-boot.sh
. "$(dirname "$0")/../rig/sd-boot.sh"

if [ -z "${SD_ROOTFS:-}" ]; then
	skip "${SD_ROOTFS_SKIP:-SD_ROOTFS is not set (run tests/rig/sd-rootfs.sh)}" \
		"70-systemd.sh: needs the Debian rootfs it boots"
	done_testing
	exit
fi
rig_require_module
rig_assert_inside
rig_require_jailctl
if [ "${RIG_CGROUP:-0}" != 1 ]; then
	not_ok "the rig has a cgroup of its own (# rig: cgroup)" "RIG_CGROUP is unset"
	done_testing
	exit
fi
trap sd_teardown EXIT

# ------------------------------------------------------------ the host --

# alice: jail "web"; bob: jail "tight" with cgroup limits; carol: no rule
# and default = none, so never jailed (the control).
sd_overlay || { not_ok "the booted host's overlay mounts"; done_testing; exit; }
echo sdhost >"$SD_ROOT/etc/hostname"
# Debian's installer writes it (debootstrap does not), and pam_env logs an
# error for every session without it.
printf 'LANG=C.UTF-8\n' >"$SD_ROOT/etc/default/locale"
if ! { sd_prepare_ssh && sd_user alice && sd_user bob && sd_user carol &&
	sd_install_pam_jail "$MODULE" "$INIT" "$JAILCTL" &&
	sd_jail_tree alice && sd_jail_tree bob; }; then
	not_ok "the booted host's tree is prepared"
	done_testing
	exit
fi
check "conf/pam.d/debian12's sshd, su, cron and systemd-user are the booted host's Debian stacks plus pam_jail, and its stacks now" \
	sd_pam_examples sshd su cron systemd-user
JAIL_WEB='root = /srv/jails/%u
bind_ro = /usr /bin /lib /lib64 /sbin
bind_rw = %h
tmpfs = /tmp
network = none
hostname = %u'
conf_text() {
	printf '[global]\ndefault = none\n\n[jail:web]\n%s\n\n' "$JAIL_WEB"
	printf '[jail:tight]\n%s\npids_max = 77\nmemory_max = 256M\ncpu_max = 50000 100000\n%s\n' \
		"$JAIL_WEB" "$1"
	printf '[user:alice]\njail = web\n\n[user:bob]\njail = tight\n'
}
conf_text "" | sd_conf

if sd_boot 2>"$RIG_DIR/sd-boot.err"; then
	ok "systemd boots as pid 1 of the booted host ($(sd_env systemctl is-system-running 2>&1))"
	failed=$(sd_env systemctl --failed --no-legend --no-pager 2>&1)
	[ -z "$failed" ] || diag "systemctl --failed:" "$failed"
else
	not_ok "systemd boots as pid 1 of the booted host" "$(cat "$RIG_DIR/sd-boot.err")" \
		"$(sd_boot_diag)"
	done_testing
	exit
fi
alice_uid=$(sd_env id -u alice)
carol_uid=$(sd_env id -u carol)

# The admin's tool lays out whatever the module needs beyond rig_jail_tree's
# skeleton, and finds nothing wrong in the config, the trees or the stacks.
out=$(sd_env jailctl create alice 2>&1 && sd_env jailctl create bob 2>&1)
check "jailctl check: the booted host's config, trees and PAM stacks are fine" \
	sd_env jailctl check || diag "jailctl create said:" "$out"
jail_ls=$(sd_env ls /srv/jails/alice)

# cron: alice's job goes in first (it runs on the next minute); checked last.
CRON_JOB='{ cat /proc/self/cgroup; echo --; hostname; echo --; ls /; } > ~/cron.tmp && mv ~/cron.tmp ~/cron.out'
printf 'MAILTO=""\n* * * * * %s\n' "$CRON_JOB" | sd_env crontab -u alice - ||
	not_ok "alice's crontab is installed"
cron_since=$(date +%s)
# cron_reap: once the job has run, no more jobs (a job every minute would
# be an alice process when a check wants none).
cron_reap() {
	[ -s "$SD_ROOT/home/alice/cron.out" ] && sd_env crontab -u alice -r 2>/dev/null
	return 0
}

# ------------------------------------------------------------- helpers --

# hold USER N: an ssh session of USER that writes its /proc/self/cgroup to
# ~/cg.N and then runs `sleep 30N` until release USER N (or its end).
hold() {
	rm -f "$SD_ROOT/home/$1/cg.$2"
	sd_ssh "$1" "cat /proc/self/cgroup > ~/cg.$2; exec sleep 30$2" \
		>"$RIG_DIR/hold.$1.$2" 2>&1 &
	HELD=$!
	rig_wait 15 test -s "$SD_ROOT/home/$1/cg.$2" && rig_wait 10 held_pid "$1" "$2"
}
held_pid() { sd_env pgrep -u "$1" -fx "sleep 30$2"; }
release() { sd_env pkill -u "$1" -fx "sleep 30$2"; }
# client_gone PID: the rig-side ssh client has returned (gone or a zombie).
client_gone() {
	[ ! -e "/proc/$1" ] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}
no_procs() { ! sd_env pgrep -u "$1" >/dev/null; }
no_jail() { ! sd_env jailctl list | awk 'NR > 1' | grep -qw "$1"; }
# The cgroup path (v2 line) of a process, in the booted host's view.
cg_of() { sd_env cat "/proc/$1/cgroup" | sed -n 's/^0:://p'; }
# A session's id from its scope: .../session-N.scope -> N.
sid_of_cg() { sed -nE 's|.*/session-([^/]+)\.scope$|\1|p'; }
# The live (non-closing) logind sessions of USER.
sessions_of() {
	local id
	for id in $(sd_env loginctl list-sessions --no-legend | awk -v u="$1" '$3 == u {print $1}'); do
		[ "$(sd_env loginctl show-session "$id" -p State --value)" = closing ] ||
			printf '%s\n' "$id"
	done
}
# in_jail USER CMD: CMD in a jailed ssh session of USER; stderr too.
in_jail() { sd_ssh "$1" "$2" 2>&1; }
# rc_of CMD...: the exit status of CMD.
rc_of() { local rc=0; "$@" >/dev/null 2>&1 || rc=$?; echo "$rc"; }
# The cgroup view inside a jail: the v2 line "0::/" and, on a machine that
# still has v1 hierarchies mounted (listed whatever a process mounts), each
# of those at the namespace root too.
cg_is_root() { # DESC TEXT
	is "$(printf '%s\n' "$2" | grep '^0::')" "0::/" "$1"
	unlike "$2" ':/.' "$1: no hierarchy shows a path below or above its root"
}
user_gone() { ! sd_env loginctl show-user "$1" >/dev/null 2>&1; }

# ---------------------------------------- 3: open and close are clean --

sd_journal_mark
out=$(in_jail alice 'echo in; hostname')
is "$out" "$(printf 'in\nalice')" "a jailed ssh login works on the systemd host (hostname alice)"
sd_journal_grep 'pam_jail\(sshd:session\): jail closed: user=alice ' 10 >/dev/null
# Narrowest first: the sshd session's own modules (pam_systemd's close
# runs in the jailed caller), then anything at all, the user manager's
# start for alice included (pam_jail refuses it in systemd-user).
is "$(sd_journal -o short | grep -E 'pam_[a-z_]+\(sshd:session\): .*([Ff]ail|[Ee]rror)')" "" \
	"no PAM module of the sshd session (pam_systemd included) reports an error at open or close"
is "$(sd_journal -p err -o short)" "" \
	"the jailed login's open and close log nothing at priority err or worse"
is "$(sd_journal -o short | grep -E 'Failed to|pam_systemd.*(error|fail)')" "" \
	"no 'Failed to' line in the journal for it"
like "$(sd_journal -o short | grep 'pam_jail(sshd:session): jail opened:')" \
	"jail opened: user=alice service=sshd .*rhost=127\.0\.0\.1 jail=web " \
	"the journal has pam_jail's 'jail opened:' audit line"
like "$(sd_journal -o short | grep 'pam_jail(sshd:session): jail closed:')" \
	"jail closed: user=alice service=sshd .*duration=[0-9]+" \
	"and its 'jail closed:' line"
rig_wait 10 no_procs alice

# -------------------------------------- 1: a jailed session in logind --

sd_journal_mark
if hold alice 1; then ok "a jailed ssh session of alice stays open"; else
	not_ok "a jailed ssh session of alice stays open" "$(cat "$RIG_DIR/hold.alice.1")" \
		"$(sd_journal -o short | tail -n 20)"
fi
s1_client=$HELD
pid=$(held_pid alice 1 | head -n 1)
ids=$(sessions_of alice)
is "$(printf '%s\n' "$ids" | grep -c .)" 1 "loginctl list-sessions has one live session of alice"
sid=$(printf '%s\n' "$ids" | head -n 1)
is "$(sd_env loginctl show-session "$sid" -p Name -p RemoteHost -p Service -p Scope 2>&1 | sort)" \
	"$(printf '%s\n' Name=alice RemoteHost=127.0.0.1 "Scope=session-$sid.scope" Service=sshd)" \
	"loginctl show-session: alice, from 127.0.0.1, by sshd, scope session-$sid.scope"
like "$(cg_of "${pid:-0}")" "/session-$sid\\.scope\$" \
	"the jailed process (host pid ${pid:-none}) is in the session's scope"
cg_is_root "inside the jail /proc/self/cgroup is 0::/" "$(cat "$SD_ROOT/home/alice/cg.1" 2>&1)"
is "$(in_jail alice 'test -e /sys/fs/cgroup && echo there || echo absent')" absent \
	"inside the jail /sys/fs/cgroup does not exist"
is "$(in_jail alice 'ls -A /sys 2>/dev/null')" "" "inside the jail ls /sys fails or is empty"

# ------------------------------------- 2: terminate-session ends it --

sd_journal_mark
check "loginctl terminate-session $sid" sd_env loginctl terminate-session "$sid"
if rig_wait 10 no_procs alice; then ok "within seconds no process of alice is left"; else
	not_ok "within seconds no process of alice is left" "$(sd_env ps -u alice -o pid,cgroup,args 2>&1)"
fi
cron_reap
# (waited for: a cron job of alice's on the minute is a jail for a moment)
rig_wait 5 no_jail alice
is "$(sd_env jailctl list 2>&1 | awk 'NR > 1' | grep -w alice)" "" \
	"jailctl list shows no live jail of alice"
check "the ssh client has returned" rig_wait 10 client_gone "$s1_client"
like "$(sd_journal_grep 'jail closed: user=alice ' 10)" 'jail closed: user=alice service=sshd ' \
	"and pam_jail's close ran ('jail closed:' in the journal)"
rig_wait 15 user_gone alice

# ---------------------------------- 4: two sessions share one jail --

hold alice 2 || not_ok "alice's first session stays open" "$(cat "$RIG_DIR/hold.alice.2")"
c2=$HELD
hold alice 3 || not_ok "and a second one" "$(cat "$RIG_DIR/hold.alice.3")"
c3=$HELD
p2=$(held_pid alice 2 | head -n 1)
p3=$(held_pid alice 3 | head -n 1)
ns2=$(sd_env readlink "/proc/${p2:-0}/ns/pid")
ns3=$(sd_env readlink "/proc/${p3:-0}/ns/pid")
if [ -n "$ns2" ] && [ "$ns2" = "$ns3" ]; then
	ok "(share = user) the second session joined the first one's jail"
else
	not_ok "(share = user) the second session joined the first one's jail" \
		"pid ${p2:-none}: ${ns2:-?}" "pid ${p3:-none}: ${ns3:-?}"
fi
cg_is_root "the second session too sees 0::/" "$(cat "$SD_ROOT/home/alice/cg.3" 2>&1)"
cg_is_root "and the first one still does" "$(cat "$SD_ROOT/home/alice/cg.2" 2>&1)"
s2=$(cg_of "${p2:-0}" | sid_of_cg)
s3=$(cg_of "${p3:-0}" | sid_of_cg)
if [ -n "$s2" ] && [ -n "$s3" ] && [ "$s2" != "$s3" ]; then
	is "$(printf '%s\n' "$s2" "$s3" | sort)" "$(sessions_of alice | sort)" \
		"each session's processes are in its own session scope ($s2, $s3)"
else
	not_ok "each session's processes are in its own session scope" \
		"pid ${p2:-none}: $(cg_of "${p2:-0}")" "pid ${p3:-none}: $(cg_of "${p3:-0}")"
fi
# The shared jail's pid 1 is not in the scope of the session that built
# it: ending that session leaves the other one its jail.
init=$(sd_env pgrep -x jail-init | head -n 1)
like "$(cg_of "${init:-0}")" '^/pam_jail\.slice/pam_jail-web-[0-9a-f]{16}-[0-9]+\.scope$' \
	"the shared jail's jail-init has a scope of its own in pam_jail.slice"
check "loginctl terminate-session of the session that built the jail" \
	sd_env loginctl terminate-session "${s2:-none}"
check "... ends that session's processes" rig_wait 10 client_gone "$c2"
is "$(sd_env readlink "/proc/${p3:-0}/ns/pid" 2>&1)" "$ns3" \
	"... and the other session lives on in the same jail"
is "$(sd_env pgrep -x jail-init | head -n 1)" "$init" "... with the same jail-init"
release alice 3
rig_wait 10 client_gone "$c3"
check "and the jail ends with its last session" rig_wait 10 no_procs alice
check "its scope goes with it" rig_wait 10 sh -c \
	"[ -z \"\$(nsenter -t $SD_PID -a -r -w systemctl list-units --plain --no-legend 'pam_jail-*.scope' 2>&1)\" ]"
cron_reap
rig_wait 15 user_gone alice

# -------------------------------- 5: the user manager is no way out --

hold alice 4 || not_ok "alice holds a session" "$(cat "$RIG_DIR/hold.alice.4")"
c4=$HELD
# The host's system bus is at the jail's /run/dbus for the root caller's
# pam_systemd only (mount_books.c): alice cannot reach it.
check "(control) on the host the system bus answers" sd_env busctl --system list
is "$(in_jail alice 'ls /run/dbus >/dev/null 2>&1 && echo listed; busctl --system list >/dev/null 2>&1 && echo reached; systemctl --system is-system-running >/dev/null 2>&1 && echo asked; echo done')" "done" \
	"inside the jail the host's system bus is out of reach (/run/dbus 0700 root; busctl, systemctl)"
for cmd in 'systemd-run --user true' 'systemctl --user status' 'busctl --user list'; do
	rc=$(rc_of sd_ssh alice "$cmd")
	if [ "$rc" -ge 1 ] && [ "$rc" -le 125 ]; then ok "inside the jail '$cmd' fails (exit $rc)"; else
		not_ok "inside the jail '$cmd' fails" "exit status $rc" "$(in_jail alice "$cmd")"
	fi
done
# shellcheck disable=SC2016 # expanded inside the jail
is "$(in_jail alice 'echo $XDG_RUNTIME_DIR')" "/run/user/$alice_uid" \
	"XDG_RUNTIME_DIR is /run/user/$alice_uid"
# shellcheck disable=SC2016
is "$(in_jail alice 'stat -c "%U %a" "$XDG_RUNTIME_DIR" && touch "$XDG_RUNTIME_DIR/w" && echo writable')" \
	"$(printf 'alice 700\nwritable')" "inside the jail it exists, alice's, mode 700, writable"
if sd_env test -d "/run/user/$alice_uid"; then
	sd_env touch "/run/user/$alice_uid/root-was-here"
	is "$(in_jail alice "test -e /run/user/$alice_uid/root-was-here && echo seen ||
		{ test -d /run/user/$alice_uid && echo unseen; }")" unseen \
		"a file root puts in the host's /run/user/$alice_uid is not seen inside"
else
	ok "the host has no /run/user/$alice_uid, so nothing of it can be seen inside"
fi
is "$(in_jail alice 'ls -A /run/user')" "$alice_uid" "ls /run/user inside shows alice's own dir only"
# a start of it, if any, has had its time to fail
sleep 2
st=$(sd_env systemctl is-active "user@$alice_uid.service")
unlike "$st" '^(active|activating|reloading)$' \
	"user@$alice_uid.service is not running for jailed alice ($st)"
PLANT='[Unit]
Description=planted by %u

[Service]
Type=oneshot
ExecStart=/bin/sh -c "id -un > /tmp/planted.%u"

[Install]
WantedBy=default.target'
in_jail alice "mkdir -p ~/.config/systemd/user/default.target.wants &&
	printf '%s\n' '$PLANT' > ~/.config/systemd/user/planted.service &&
	ln -sf ../planted.service ~/.config/systemd/user/default.target.wants/planted.service" >/dev/null
check "alice plants a user unit from inside the jail" \
	test -L "$SD_ROOT/home/alice/.config/systemd/user/default.target.wants/planted.service"
release alice 4
rig_wait 10 client_gone "$c4"
rig_wait 10 no_procs alice
cron_reap
# a real logout: logind lets the user go (UserStopDelaySec, 10 s)
rig_wait 20 user_gone alice || diag "alice is still known to logind"
hold alice 5 || not_ok "alice logs in again" "$(cat "$RIG_DIR/hold.alice.5")"
c5=$HELD
sleep 4
check_fails "the planted unit never ran on the host (no /tmp/planted.alice)" \
	sd_env test -e /tmp/planted.alice
unlike "$(sd_env systemctl is-active "user@$alice_uid.service")" '^(active|activating)$' \
	"and user@$alice_uid.service is still not running"
release alice 5
rig_wait 10 client_gone "$c5"

like "$(sd_journal -o short | grep "user@$alice_uid.service")" \
	"user@$alice_uid.service: Skipped due to .exec-condition." \
	"the drop-in's ExecCondition (jailctl user-manager) skips it: a condition, not a failure"

# Lingering starts a user's manager at boot and keeps it, without a login:
# the drop-in skips it for a jailed user all the same.
rig_wait 20 user_gone alice
sd_journal_mark
sd_env loginctl enable-linger alice
like "$(sd_journal_grep "user@$alice_uid.service: Skipped due to .exec-condition." 10)" \
	'Skipped' "with lingering on (no login), alice's manager is skipped by the drop-in too"
unlike "$(sd_env systemctl is-active "user@$alice_uid.service")" '^(active|activating)$' \
	"... and does not run"
sd_env loginctl disable-linger alice

# carol has no jail: her user manager works, and runs her planted unit (so
# the check above could have seen one).
install -d -m 755 -o "$carol_uid" -g "$carol_uid" "$SD_ROOT/home/carol/.config" \
	"$SD_ROOT/home/carol/.config/systemd" "$SD_ROOT/home/carol/.config/systemd/user" \
	"$SD_ROOT/home/carol/.config/systemd/user/default.target.wants"
printf '%s\n' "$PLANT" >"$SD_ROOT/home/carol/.config/systemd/user/planted.service"
ln -s ../planted.service "$SD_ROOT/home/carol/.config/systemd/user/default.target.wants/planted.service"
chown -h "$carol_uid:$carol_uid" "$SD_ROOT/home/carol/.config/systemd/user/planted.service" \
	"$SD_ROOT/home/carol/.config/systemd/user/default.target.wants/planted.service"
hold carol 6 || not_ok "carol (no jail) holds a session" "$(cat "$RIG_DIR/hold.carol.6")"
c6=$HELD
if rig_wait 20 sd_env systemctl is-active --quiet "user@$carol_uid.service"; then
	ok "(control) unjailed carol gets a working user manager (user@$carol_uid.service active)"
else
	not_ok "(control) unjailed carol gets a working user manager" \
		"$(sd_env systemctl status --no-pager "user@$carol_uid.service" 2>&1 | tail -n 15)"
fi
check "(control) and her planted unit runs (/tmp/planted.carol)" \
	rig_wait 15 sd_env test -e /tmp/planted.carol
like "$(cat "$SD_ROOT/home/carol/cg.6")" "^0::/user.slice/user-$carol_uid.slice/session-[^/]+\\.scope\$" \
	"(control) carol's session sees the host's cgroup tree"
release carol 6
rig_wait 10 client_gone "$c6"

# ------------------------------------- 6: limits on the session scope --

sd_journal_mark
hold bob 7 || not_ok "bob (jail tight) holds a session" "$(cat "$RIG_DIR/hold.bob.7")"
c7=$HELD
bsid=$(cg_of "$(held_pid bob 7 | head -n 1)" | sid_of_cg)
[ -n "$bsid" ] || bsid=$(sessions_of bob | head -n 1)
is "$(sd_env systemctl show "session-$bsid.scope" -p TasksMax -p MemoryMax -p CPUQuotaPerSecUSec 2>&1 | sort)" \
	"$(printf '%s\n' CPUQuotaPerSecUSec=500ms MemoryMax=268435456 TasksMax=77)" \
	"bob's session scope carries the jail's limits: TasksMax=77, MemoryMax=256M, CPUQuota 50%"
like "$(sd_journal_grep 'pam_jail.*(not enforced|not applied|no cgroup v2 controllers)' 5)" \
	'pam_jail' "the journal says the limits are not enforced (no cgroup v2 controllers here)"
release bob 7
rig_wait 10 client_gone "$c7"
rig_wait 10 no_procs bob
conf_text "limits_required = yes" | sd_conf
sd_journal_mark
check_fails "with limits_required = yes bob's ssh login is refused" sd_ssh bob true
sd_journal_grep 'sshd.*(session closed|Disconnected|Connection closed)' 5 >/dev/null
# (pam_systemd started bob's user manager before pam_jail refused the
# session; pam_jail's line for systemd-user is another service's)
lines=$(sd_journal -o short | grep 'pam_jail(sshd:session)')
if [ "$(printf '%s\n' "$lines" | grep -c .)" = 1 ] &&
	printf '%s\n' "$lines" | grep -Eq 'cgroup|limit|controller'; then
	ok "the journal has one pam_jail line naming the reason"
else
	not_ok "the journal has one pam_jail line naming the reason" "$lines"
fi
conf_text "" | sd_conf
check "no process of bob is left" rig_wait 10 no_procs bob

# ----------------------------------------------- 7: su and cron jailed --

is "$(sd_env su - alice -c 'hostname; ls /' 2>&1)" "$(printf 'alice\n%s' "$jail_ls")" \
	"su - alice (root on the host) lands in her jail: hostname alice, / the jail tree"
rig_wait 10 no_procs alice
left=$((cron_since + 70 - $(date +%s)))
[ "$left" -gt 0 ] || left=1
if rig_wait "$left" test -s "$SD_ROOT/home/alice/cron.out"; then
	ok "alice's cron job ran (cron.service on the host)"
else
	not_ok "alice's cron job ran (cron.service on the host)" \
		"$(sd_env journalctl -q --no-pager -u cron.service 2>&1 | tail -n 15)"
fi
sd_env crontab -u alice -r 2>/dev/null
cron_out=$(cat "$SD_ROOT/home/alice/cron.out" 2>&1)
cg_is_root "alice's cron job sees 0::/" "$(printf '%s\n' "$cron_out" | sed '/^--$/,$d')"
is "$(printf '%s\n' "$cron_out" | sed '1,/^--$/d')" "$(printf 'alice\n--\n%s' "$jail_ls")" \
	"alice's cron job runs in her jail: hostname alice, / the jail tree"

# ------------ without the drop-in, pam_jail in systemd-user refuses it --

sd_env rm -f "$SD_DROPIN"
sd_env systemctl daemon-reload
check "jailctl check: the PAM line in systemd-user alone is enough" sd_env jailctl check
sd_env mv /etc/pam.d/systemd-user /etc/pam.d/systemd-user.off
like "$(sd_env jailctl check 2>&1)" 'systemd host: jailed users still get a systemd user manager outside their jail' \
	"jailctl check flags a systemd host with neither the drop-in nor pam_jail in systemd-user"
sd_env mv /etc/pam.d/systemd-user.off /etc/pam.d/systemd-user
rig_wait 20 user_gone alice
sd_journal_mark
hold alice 8 || not_ok "alice holds a session (no drop-in)" "$(cat "$RIG_DIR/hold.alice.8")"
c8=$HELD
like "$(sd_journal_grep 'pam_jail\(systemd-user:session\)' 10)" \
	'user alice is jailed \(jail web\): no systemd user manager outside the jail' \
	"without the drop-in, pam_jail in the systemd-user stack refuses alice's manager, saying why"
sleep 2
unlike "$(sd_env systemctl is-active "user@$alice_uid.service")" '^(active|activating)$' \
	"and user@$alice_uid.service does not run"
release alice 8
rig_wait 10 client_gone "$c8"

# ---------------------------------------------------------- the end --

is "$(sd_env systemctl list-units --all --plain --no-legend 'pam_jail*.scope' 2>&1)" "" \
	"no scope of pam_jail's is left on the host once the jails have ended"

sd_teardown
check "nothing of the booted host is left running" sd__gone "$SD_PID"
check "nor mounted" sh -c "! grep -q ' $SD_DIR' /proc/self/mountinfo"
done_testing
