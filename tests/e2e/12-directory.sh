#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 12-directory.sh - real central accounts: OpenLDAP's slapd on the rig's
# loopback and sssd (id_provider = ldap) in front of it, NSS "files sss".
# Users and groups that exist only in the directory are jailed by group
# rules, also for a 10,000-member group, a member of 300 groups and a
# nested group; a case-folding domain lands ALICE in exactly alice's jail;
# a directory that is down, emptied or hanging never lets a group-jailed
# user in unjailed; a revoked group and a recreated account are followed
# by the next login and cron job (local files and directory alike); and
# `jailctl show` answers as the login does in every case.
# Run: tests/rig/isolate.sh tests/e2e/12-directory.sh  (MODULE, INIT absolute)
# central: a member of a 10,000-member group ([group:students]) is jailed
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib_directory.sh
. "$(dirname "$0")/../lib_directory.sh"
rig_require_module
rig_require_jailctl
dir_need || { done_testing; exit; }

# ---- the directory ---------------------------------------------------------
# dir (rfc2307, case-insensitive): alice (a [user:] rule), s1 (one of the
# 10,000 students), dave (in g1..g300), ol1/ol2 (webusers, for outages),
# dora (recreated later); nest (rfc2307bis): nina in inner, inner in outer.
t0=$(date +%s)
{
	for u in alice:5001 s1:5002 dave:5003 ol1:5004 ol2:5005 dora:5006; do
		dir_user_ldif "${u%%:*}" "${u##*:}"
		dir_group_ldif "${u%%:*}" "${u##*:}"
	done
	dir_group_ldif students 6000 $(seq -f 'stud%g' 1 9999) s1
	for i in $(seq 1 300); do dir_group_ldif "g$i" $((6300 + i)) dave; done
	dir_group_ldif webusers 6001 ol1 ol2
	dir_group_ldif secret 6002 alice
	dir_user_ldif nina 5100 nest
	dir_nested_ldif inner 6101 "uid=nina,ou=nest,$DIR_BASE"
	dir_nested_ldif outer 6102 "cn=inner,ou=nest,$DIR_BASE"
} | dir_slapd_start || { not_ok "slapd starts on 127.0.0.1:$DIR_PORT"; done_testing; exit; }
ok "slapd starts on 127.0.0.1:$DIR_PORT with 10,000 + 300 groups"
if dir_sssd_start && rig_wait 20 id alice >/dev/null 2>&1; then
	ok "sssd answers for the directory (id alice)"
else
	not_ok "sssd answers for the directory (id alice)" "$(tail -n 20 /var/log/sssd/*.log)"
	done_testing
	exit
fi
for u in alice s1 dave ol1 ol2 dora nina; do dir_home "$u"; done

# local accounts: lena (a local group revoked), rita (recreated), bob
# (exempt by a [user:] rule), carol (no rule at all)
for u in lena bob carol; do rig_user "$u"; done
rig_user rita 7001
rig_group lsecret lena
for u in alice s1 dave ol1 ol2 dora nina lena rita; do rig_jail_tree "$u"; done

CONF_GROUPS=$(
	printf '[global]\ndefault = none\n\n'
	rig_jail_stanza web 'persist = yes'
	rig_rules web user:alice user:lena user:rita user:dora
	rig_rules none user:bob
	rig_rules web group:students group:g300 group:outer group:webusers
)$'\n'
printf '%s' "$CONF_GROUPS" | rig_conf
rig_pam_examples
rig_sshd_up "sshd starts"
rig_mounts_snapshot "$RIG_DIR/mounts.before"

# t_ssh USER CMD: a key login with an outer time bound.
t_ssh() {
	local -a o
	mapfile -t o < <(rig__ssh_opts; rig__key_opts)
	timeout "${T_SSH:-30}" ssh "${o[@]}" "$1@127.0.0.1" "${@:2}" 2>/dev/null
}
# where USER: "jail:HOSTNAME" when the session is jailed, "host" when not,
# "refused" when no command ran (pam_motd may have printed the motd
# before pam_jail refused: sshd then runs nothing).
where() {
	local out
	out=$(t_ssh "$1" 'if [ "$(cat /proc/1/comm)" = jail-init ]; then echo "=jail:$(hostname)"; else echo =host; fi' |
		sed -n 's/^=//p')
	printf '%s\n' "${out:-refused}"
}
# shows USER: what `jailctl show` says -- "jail:NAME", "host" or "refused".
shows() {
	local out rc=0
	out=$("$JAILCTL" --conf "$RIG_CONF" show "$1" 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then echo refused
	elif printf '%s\n' "$out" | grep -q '^not jailed'; then echo host
	else printf 'jail:%s\n' "$(printf '%s\n' "$out" | awk '$1 == "jail" { print $2; exit }')"
	fi
}
# agree USER WANT DESC: the login lands in WANT ("jail:web" = jailed,
# hostname USER), and jailctl show gives the same answer.
agree() {
	local user=$1 want=$2 got
	got=$(where "$user")
	is "$got" "${want/jail:web/jail:${user,,}}" "$3"
	is "$(shows "$user")" "$want" "... and jailctl show $user agrees"
}

# ---- directory users, big groups, nesting, case --------------------------
rig_syslog_mark
agree s1 jail:web "a member of a 10,000-member group ([group:students]) is jailed"
agree dave jail:web "a member of 300 groups is jailed by [group:g300]"
is "$(t_ssh dave 'id -G | wc -w')" 301 "... and has all 301 groups inside"
agree nina jail:web "nested: nina is in outer through inner (rfc2307bis), [group:outer] jails her"
agree alice jail:web "a directory-only user with a [user:] rule is jailed"
out=$(t_ssh alice 'id; ls -ld ~ /etc/passwd; cat /etc/passwd /etc/group')
like "$out" 'uid=5001\(alice\) gid=5001\(alice\) groups=5001\(alice\),6002\(secret\)' \
	"inside, id names the directory user and her groups"
like "$out" "drwxr-xr-x +[0-9]+ alice +alice +[0-9]+ .* /home/alice" "inside, ls -l shows her name, not a number"
like "$out" 'alice:x:5001:5001:alice directory user:/home/alice:/bin/bash' "the jail's passwd has her entry from the directory"
like "$out" 'secret:x:6002:alice' "the jail's group lists her directory group"
is "$(t_ssh nina 'id -Gn' | tr ' ' '\n' | sort | xargs)" "5100 inner outer" \
	"nina's nested groups have names inside (her primary gid has none in the directory)"

# case folding: ALICE is alice in the case-insensitive domain
rig_syslog_mark
is "$(where ALICE)" "jail:alice" "ssh ALICE@ (case_sensitive = false) lands in alice's jail"
like "$(rig_syslog_grep 'pam_jail\(sshd:session\): jail (opened|joined):')" \
	'jail (opened|joined): user=alice service=sshd ' "the audit line names the canonical user alice"
is "$(shows ALICE)" "jail:web" "... and jailctl show ALICE agrees"
is "$(where NINA)" refused "ssh NINA@ in the case-sensitive domain is an unknown user"
is "$(t_ssh ALICE 'readlink /proc/self/ns/pid')" "$(t_ssh alice 'readlink /proc/self/ns/pid')" \
	"ALICE and alice share one jail (same pid namespace)"

# ---- outages ---------------------------------------------------------------
# sssd_fresh: sssd with nothing cached; then ol1's passwd entry only (sshd
# needs it to authenticate), not its groups.
sssd_fresh() {
	dir_sssd_forget && rig_wait 20 getent passwd "$1" >/dev/null
}
sssd_fresh ol1
dir_slapd_stop
rig_syslog_mark
is "$(where ol1)" refused "slapd down, groups not cached: a [group:webusers] user is refused, never unjailed"
line=$(rig_syslog_grep 'pam_jail\(sshd:session\): .*ol1')
like "$line" 'user ol1: \[group:[a-z0-9]+\] at /etc/security/pam_jail.conf:[0-9]+ may decide the jail, and cannot be resolved: NSS knows no group' \
	"... with one line naming the rule, its file:line and the lookup"
is "$(printf '%s\n' "$line" | wc -l)" 1 "... exactly one line"
[ -n "$line" ] || diag "$(tail -n +"$RIG_SYSLOG_FROM" "$RIG_SYSLOG" | tail -n 30)"
is "$(shows ol1)" refused "... and jailctl show ol1 refuses as well"
out=$("$JAILCTL" --conf "$RIG_CONF" check 2>&1)
like "$out" '\[group:webusers\] at .*NSS knows no group webusers' "jailctl check reports the rule whose group does not resolve"
like "$out" 'note: \[group:students\] at .*when group students cannot be resolved.*refused' \
	"jailctl check says which rules change meaning when a lookup fails"
is "$(where bob)" host "bob (a [user:] rule, jail = none) logs in unjailed, without any group lookup"
is "$(where carol)" refused "carol (no rule, default = none) is refused: her outcome depends on the rules"

# default = JAIL: the safe posture; an exemption that cannot be resolved
# keeps the user jailed
printf '%s' "$CONF_GROUPS" | sed 's/^default = none/default = web/' | rig_conf
printf '[group:dadmins]\njail = none\n' | rig_conf_add
rig_syslog_mark
is "$(where ol1)" jail:ol1 "default = web: ol1 stays jailed while the exemption [group:dadmins] cannot be resolved"
like "$(rig_syslog_grep 'pam_jail\(sshd:session\): user ol1: .*dadmins')" 'kept jailed' "... and a notice says so"
printf '%s' "$CONF_GROUPS" | rig_conf

# slapd back: the same login works (sssd told to go online, no restart)
dir_slapd_resume
kill -USR2 "$DIR_SSSD_PID"
rig_wait 20 sh -c "test \"\$(getent group webusers | cut -d: -f1)\" = webusers"
agree ol1 jail:web "slapd back: ol1 is jailed again, sssd not restarted"

# sssd dead, memcache gone: lookups fail outright
dir_sssd_kill
rm -f /var/lib/sss/mc/*
is "$(where bob)" host "sssd dead: bob (local, [user:] rule) still logs in, unjailed"
is "$(where carol)" refused "sssd dead: carol's group rules cannot be asked: refused"
dir_sssd_resume
rig_wait 20 getent passwd ol2 >/dev/null

# a hanging directory: slapd stopped with SIGSTOP, sssd's timeouts decide
sssd_fresh ol2
kill -STOP "$(dir_slapd_pid)"
t1=$(date +%s)
got=$(T_SSH=60 where ol2)
t2=$(date +%s)
kill -CONT "$(dir_slapd_pid)"
case $got in refused | jail:ol2) ok "slapd paused: ol2's login is refused or jailed ($got), never unjailed" ;;
*) not_ok "slapd paused: ol2's login is refused or jailed ($got), never unjailed" ;; esac
if [ $((t2 - t1)) -lt 60 ]; then ok "... within sssd's timeouts ($((t2 - t1)) s)"
else not_ok "... within sssd's timeouts ($((t2 - t1)) s)"; fi
check "... and no sshd monitor of ol2 is left" rig_wait 15 sh -c '! pgrep -f "^sshd: ol2" >/dev/null'
kill -USR2 "$DIR_SSSD_PID"
rig_wait 20 sh -c 'getent group webusers >/dev/null'

# ---- a running jail follows the accounts ----------------------------------
rig_hold alice A || not_ok "alice's session holds her jail"
rig_hold lena L || not_ok "lena's session holds her jail"
is "$(t_ssh alice 'id -Gn')" "alice secret" "alice has secret while it is hers"
is "$(t_ssh lena 'id -Gn')" "lena lsecret" "lena has lsecret while it is hers"
printf 'dn: cn=secret,ou=dir,%s\nchangetype: modify\ndelete: memberUid\nmemberUid: alice\n' "$DIR_BASE" | dir_modify
dir_sssd_forget	# as the cache would expire
gpasswd -d lena lsecret >/dev/null
rig_syslog_mark
is "$(t_ssh alice 'id -Gn')" "alice" "secret revoked in the directory: alice's next login (joining her running jail) no longer has it"
is "$(t_ssh lena 'id -Gn')" "lena" "lsecret revoked in /etc/group: lena's next login no longer has it"
like "$(rig_syslog_grep 'jail joined: user=alice ')" 'jail=web' "... both joined the running jail"
for u in alice lena; do rig_cron_job "$u" 'id -Gn > ~/cron.groups'; done
cron_ok=0
if rig_cron_start && rig_wait 70 test -s /home/lena/cron.groups && rig_wait 10 test -s /home/alice/cron.groups; then
	cron_ok=1
fi
is "$(cat /home/alice/cron.groups 2>&1)" alice "alice's cron job (in her running jail) has no secret"
is "$(cat /home/lena/cron.groups 2>&1)" lena "lena's cron job (in her running jail) has no lsecret"
[ "$cron_ok" = 1 ] || diag "$(tail -n 20 "$RIG_SYSLOG")"
for u in alice lena; do crontab -u "$u" -r; done

# recreated accounts: same name, new uid
rig_hold rita R || not_ok "rita's session holds her jail"
rig_hold dora D || not_ok "dora's session holds her jail"
userdel rita && useradd -m -u 7002 -s /bin/bash rita 2>/dev/null && dir_home rita
{
	printf 'dn: uid=dora,ou=dir,%s\nchangetype: delete\n\n' "$DIR_BASE"
	dir_user_ldif dora 5306 | sed '1a changetype: add'
} | dir_modify
dir_sssd_forget
rig_wait 20 sh -c '[ "$(id -u dora)" = 5306 ]'
dir_home dora
rig_syslog_mark
is "$(where rita)" refused "rita recreated with uid 7002 (local): her login does not join the old rita's jail"
like "$(rig_syslog_grep 'pam_jail\(sshd:session\): .*rita')" \
	'runs for user rita with uid 7001, and rita is now uid 7002.*jailctl stop' "... one line names the uids and jailctl stop"
is "$(where dora)" refused "dora recreated with uid 5306 (directory): her login does not join the old jail"
for u in alice:A lena:L rita:R dora:D; do rig_release "${u%%:*}" "${u##*:}"; done
for u in alice lena rita dora; do "$JAILCTL" stop "$u" >/dev/null 2>&1; done
is "$(where rita)" jail:rita "after jailctl stop, the new rita gets a jail of her own"
"$JAILCTL" stop rita >/dev/null 2>&1

dir_slapd_stop
dir_sssd_kill
diag "directory file: $(($(date +%s) - t0)) s"
done_testing
