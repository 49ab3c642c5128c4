#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 45-host-books.sh - the host keeps its books.  With the project's example
# stacks (conf/pam.d/debian12, Debian 12's with pam_jail last), in a jail
# with devpts = host:
#  - a jailed ssh -tt login and a jailed login(1) appear in the host's utmp
#    (who), wtmp (last, with the logout) and lastlog, while inside the jail
#    who and last show nothing and the books cannot be read, written or
#    listed (mount_books.c: a 0700 tmpfs over the jail's var/log and var/run);
#  - everything sshd, login, su, runuser and the PAM modules log about a
#    jailed ssh command, pty and sftp session, su -, runuser -l and login
#    reaches syslog, the close included, in order around the module's
#    audit lines, which carry the key=value fields and name the session's
#    own jail (init, mnt, pid and net namespaces); so do the lines of a
#    session that joins a running jail, and of a session that ends while
#    syslog is stalled; a line a jailed user forges arrives tagged with
#    the jail and the uid, and a flood of them is rate-limited;
#  - in a jail with a devpts of its own (the default; ptys numbered from
#    0 by the jail) the host's utmp and wtmp, keyed by line, are not
#    bound: a jailed login cannot overwrite another user's host entry
#    (E15); lastlog still is;
#  - no module logs an error for any of these sessions (login: with
#    etc/security/group.conf in the jail tree, see conf/pam.d/debian12/login).
# releases: 12 (Debian 13 has no utmp, wtmp or lastlog: its wtmpdb and
# lastlog2 are 48-wtmpdb.sh's; the syslog half is 20-ssh.sh's and
# 21-login-su.sh's there)
# Run: tests/rig/isolate.sh tests/e2e/45-host-books.sh  (MODULE, INIT absolute)
# central: inside the jail who shows nothing
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

# The host's books, as a Debian system has them.
for f in /run/utmp /var/log/wtmp /var/log/lastlog; do
	install -m 664 -o 0 -g utmp /dev/null "$f"
done
rig_user alice
rig_user bob	# no rule and default = none: never jailed
# devpts = host: the tty names are the host's, so utmp and wtmp are too
# (the default, a devpts of the jail's own, is E15's case below)
{ rig_jail_stanza web 'devpts = host'; rig_rules web user:alice; } | rig_conf_add
rig_jail_tree alice
rig_pam_examples
alice_uid=$(id -u alice)
rig_sshd_up "sshd starts with the example sshd stack"

# The held sessions are rig_hold's (rig_release, rig_held_tty).  A probe
# run by the jailed user: open each book for reading and for appending, and
# list /var/log; one "HOW PATH ERRNO-NAME|ok" line each.
BOOKS=(/var/log/wtmp /var/run/utmp /var/log/lastlog)
rig_open_probe /home/alice/books.py /var/log "${BOOKS[@]}"
probe_expected=$(rig_open_denied /var/log "${BOOKS[@]}")

# --- controls: the books are there and readable to an unjailed user ---------
check "(control) an unjailed user can read the rig's /var/log/wtmp (mode 664)" \
	runuser -u bob -- cat /var/log/wtmp
is "$(rig_ssh bob 'cat /var/log/wtmp /var/run/utmp /var/log/lastlog >/dev/null && echo readable' 2>&1)" \
	readable "(control) so can an unjailed ssh session: wtmp, utmp and lastlog"
is "$(rig_ssh bob 'python3 ~alice/books.py' 2>&1)" \
	"$(printf '%s\n' "$probe_expected" | sed -E 's/^(read|list) (.*) EACCES$/\1 \2 ok/')" \
	"(control) for an unjailed user the probe reads all three books and lists /var/log (writing needs group utmp)"

# --- a jailed ssh -tt login ------------------------------------------------
rig_syslog_mark
rig_hold alice S pty || not_ok "a jailed ssh -tt session stays open"
line=$(rig_held_tty alice S)
like "$line" '^pts/[0-9]+$' "the held ssh -tt session has a pty ($line)"
like "$(who)" "^alice +$line +.*\(127\.0\.0\.1\)$" \
	"during a jailed ssh -tt session the host's who lists alice on $line from 127.0.0.1"
like "$(last alice)" "^alice +$line +127\.0\.0\.1 .*still logged in" \
	"the host's wtmp has the login: last shows alice on $line, still logged in"
like "$(lastlog -u alice)" "^alice +$line +127\.0\.0\.1 " \
	"the host's lastlog has alice's login on $line from 127.0.0.1"
init=$(rig_syslog_grep 'jail opened: user=alice ' | sed -nE 's/.* init=([0-9]+) .*/\1/p')
is "$(pgrep -x jail-init)" "$init" "the audit line's init= is the running jail-init's pid"

wtmp_size=$(stat -c %s /var/log/wtmp)
is "$(rig_ssh alice 'who; echo "who-status=$?"' 2>&1)" "who-status=0" \
	"inside the jail who shows nothing (while the host's who lists alice)"
out=$(rig_ssh alice 'last' 2>&1)
unlike "$out" "alice|$line|pts/" "inside the jail last shows no login"
like "$out" 'cannot open /var/log/wtmp: Permission denied' \
	"inside the jail last cannot open wtmp (EACCES)"
is "$(rig_ssh alice 'python3 ~/books.py' 2>&1)" "$probe_expected" \
	"inside the jail wtmp, utmp and lastlog cannot be opened for reading or writing, nor /var/log listed (EACCES)"
is "$(rig_ssh alice 'ls /var/log 2>&1; echo "rc=$?"' 2>&1)" \
	"$(printf '%s\n' "ls: cannot open directory '/var/log': Permission denied" rc=2)" \
	"inside the jail ls /var/log fails: Permission denied"
is "$(stat -c %s /var/log/wtmp)" "$wtmp_size" "(control) the attempts left the host's wtmp unchanged"

rig_release alice S
check "after the ssh logout the host's who no longer lists alice" \
	rig_wait 10 sh -c "! who | grep -q '^alice '"
sleep 1.1	# last says "still running" for a logout in the current second
like "$(last alice)" "^alice +$line +127\.0\.0\.1 .* - [0-9]{2}:[0-9]{2} +\([0-9:+]+\)$" \
	"the host's wtmp has the logout: last shows the ssh session closed"
like "$(utmpdump /var/log/wtmp 2>/dev/null)" "^\[8\] .*\[$line +\]" \
	"wtmp holds sshd's DEAD_PROCESS record for $line"

# --- E15: a private devpts numbers its ptys from 0; the host's books key by line --
# utmp overwrites the entry with the same ut_id and `last` pairs a logout
# with the login on the same line.  With the host's books bound into a
# devpts = private jail, carol's ssh -tt (her jail's pts/0) overwrote bob's
# host entry on pts/0 -- bob gone from who -- and her logout "ended" his
# session in last.  Such a jail keeps a utmp of its own and writes wtmp
# to /dev/null (mount_books.c); lastlog is by uid and stays the host's.
rig_user carol
rig_jail_tree carol
{ rig_jail_stanza priv 'devpts = private'; rig_rules priv user:carol; } | rig_conf_add
rig_hold bob B pty || not_ok "an unjailed ssh -tt session of bob stays open"
bline=$(rig_held_tty bob B)
rig_syslog_mark
rig_hold carol C pty || not_ok "carol's ssh -tt session in a devpts = private jail stays open"
cline=$(rig_held_tty carol C)
is "$cline" "$bline" "(control) carol's jail numbers its ptys on its own: her ssh -tt has bob's host line $bline"
cinit=$(rig_syslog_grep 'jail opened: user=carol ' | sed -nE 's/.* init=([0-9]+) .*/\1/p')
like "$(utmpdump "/proc/$cinit/root/var/run/utmp" 2>/dev/null)" "^\[7\] .*\[carol +\] \[$cline +\]" \
	"(control) sshd wrote carol's login on $cline -- into her jail's own utmp"
is "$(stat -c '%F %t:%T' "/proc/$cinit/root/var/log/wtmp")" "character special file 1:3" \
	"carol's jail's wtmp is /dev/null: its logins are not appended anywhere (nor fill its 1 MiB tmpfs)"
like "$(who)" "^bob +$bline " "with carol logged in on her own $cline, the host's who still lists bob on $bline"
unlike "$(who)" "^carol " "the host's who does not list carol (her line is not a host line)"
rig_release carol C
sleep 1.1
like "$(who)" "^bob +$bline " "after carol's logout the host's who still lists bob on $bline"
like "$(last bob | head -n 1)" "^bob +$bline .*still logged in" \
	"after carol's logout the host's last still shows bob logged in on $bline"
is "$(last carol | grep -c '^carol')" 0 "the host's wtmp has no line-keyed record of carol's"
like "$(lastlog -u carol)" "^carol +$cline +127\.0\.0\.1 " "the host's lastlog (by uid) has carol's login"
rig_release bob B

# --- login(1) on a pty: an unjailed control, then alice -------------------------
# The session writes its tty, runs who and last, then waits for a flag.
login_held() { # USER FLAG
	rm -f "/home/$1/$2" "/home/$1/held.$2"
	rig_login "$1" "$(rig_pass "$1")" "tty > ~/tty.$2; who > ~/who.$2 2>&1; last > ~/last.$2 2>&1; touch ~/held.$2; while [ ! -e ~/$2 ]; do sleep 0.1; done" \
		>"$RIG_DIR/login.$1" 2>&1 &
	# shellcheck disable=SC2034 # read by rig_release (lib_callers.sh)
	RIG_HOLD_PIDS[$1.$2]=$!
	rig_wait 20 test -e "/home/$1/held.$2"
}
login_held bob B || not_ok "an unjailed login(1) session stays open" "$(cat "$RIG_DIR/login.bob")"
bline=$(rig_held_tty bob B)
like "$(who)" "^bob +$bline " "(control) during an unjailed login(1) session who lists bob on $bline"
rig_release bob B

rig_syslog_mark
login_held alice L || not_ok "a jailed login(1) session stays open" "$(cat "$RIG_DIR/login.alice")"
line=$(rig_held_tty alice L)
like "$line" '^pts/[0-9]+$' "the held login(1) session has a pty ($line)"
rec=$(utmpdump /run/utmp 2>/dev/null | grep -E "^\[7\] .*\[alice +\] \[$line +\]")
like "$rec" '^\[7\]' "during a jailed login(1) session the host's utmp holds alice's USER_PROCESS record on $line"
# shadow's login writes utmp from its child, which is in the jail's pid
# namespace: getpid() there is the jail's pid (2), not the host's.
rpid=$(printf '%s\n' "$rec" | sed -nE 's/^\[7\] \[0*([0-9]+)\].*/\1/p')
# A documented limitation (README, "shadow's login and who"): the record's
# pid is the jail's, so `who` (which drops records of dead pids) does not
# list it; who --all does, and last and lastlog are right.
like "$rpid" '^[0-9]+$' "the record carries login's child's pid as the jail sees it ($rpid)"
like "$(last alice | head -n 1)" "^alice +$line .*still logged in" \
	"the host's wtmp has the login: last shows alice on $line, still logged in"
like "$(lastlog -u alice)" "^alice +$line " "the host's lastlog has alice's login on $line"
is "$(cat /home/alice/who.L)" "" "inside the login session who shows nothing"
like "$(cat /home/alice/last.L)" '^last: cannot open /var/log/wtmp: Permission denied$' \
	"inside the login session last cannot open wtmp (EACCES) and shows no login"
rig_release alice L
sleep 1.1
like "$(last alice | head -n 1)" "^alice +$line .* - [0-9]{2}:[0-9]{2} +\([0-9:+]+\)$" \
	"the host's wtmp has the logout (pam_lastlog's close, written from the jail): last shows it closed"
# Without group.conf in the jail tree: pam_setcred after open_session.
like "$(rig_syslog_grep 'pam_group\(login:setcred\)' 2)" 'error opening /etc/security/group.conf' \
	"(why the jail tree needs etc/security/group.conf) without it pam_group logs an error at a jailed login"
install -d -m 755 -o 0 -g 0 /srv/jails/alice/etc/security
install -m 644 -o 0 -g 0 /etc/security/group.conf /srv/jails/alice/etc/security/group.conf

# --- syslog: every line of a session, in order, and the audit lines ------------
# sess KIND USER: one session of KIND (command pty sftp su runuser login) as USER;
# waits until its close is logged; prints its syslog lines.  The session's
# output goes to $RIG_DIR/sess.out.
sess() {
	local kind=$1 user=$2 svc=sshd
	rig_syslog_mark
	case $kind in
	command) rig_ssh "$user" 'readlink /proc/self/ns/mnt /proc/self/ns/pid /proc/self/ns/net' ;;
	pty) rig_ssh_pty "$user" tty ;;
	sftp) printf 'ls /\n' | rig_sftp "$user" ;;
	su) svc=su-l; su - "$user" -c true ;;
	runuser) svc=runuser-l; runuser -l "$user" -c true ;;
	login) svc=login; rig_login "$user" "$(rig_pass "$user")" true ;;
	esac >"$RIG_DIR/sess.out" 2>&1
	rig_syslog_grep "pam_unix\($svc:session\): session closed for user $user\$" >/dev/null
	[ "$user" != alice ] || rig_syslog_grep "jail closed: user=$user service=$svc " >/dev/null
	[ "$svc" != sshd ] || rig_syslog_grep "Disconnected from user $user " >/dev/null
	sleep 0.3
	tail -n "+$RIG_SYSLOG_FROM" "$RIG_SYSLOG"
}
# norm: syslog lines as "prog: message" with the relay's tag, timestamps,
# pids, numbers, user names and keys masked, the module's own lines
# dropped; sorted (the relay and direct lines may interleave differently).
# sshd's "Close session:" is left out: sshd logs it in some sessions and
# not in others, jailed or not (it depends on whether the channel or the
# connection closes first).
norm() {
	sed -E -e 's/^<[0-9]+>//' -e 's/^pam_jail-web\[[0-9]+\]: uid=[0-9]+: //' \
		-e 's/^[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} //' -e 's/^([A-Za-z_-]+)\[[0-9]+\]: /\1: /' \
		-e 's/SHA256:[A-Za-z0-9+\/]+/KEY/g' -e 's/(alice|bob)/USER/g' \
		-e 's/ by [A-Za-z]*\(uid=/ by (uid=/' -e 's/[0-9]+/N/g' |
		grep -v -e 'pam_jail(' -e '^sshd: Close session: ' | sort
}
# missing UNJAILED JAILED: the normalised lines of the unjailed session
# that the jailed one lacks (as multisets: extra lines are no loss).
missing() {
	comm -23 <(printf '%s\n' "$1" | norm) <(printf '%s\n' "$2" | norm)
}
# steps: the session's milestones in arrival order: U+ pam_unix opened,
# J+ jail opened/joined, R a line relayed from inside the jail, D sshd's
# "Disconnected from user", U- pam_unix closed, J- jail closed.
steps() {
	sed -nE -e 's/.*pam_unix\([a-z-]+:session\): session opened.*/U+/p' \
		-e 's/.*pam_jail\([a-z-]+:session\): jail (opened|joined): .*/J+/p' \
		-e 's/.*Disconnected from user .*/D/p' \
		-e 's/^<[0-9]+>pam_jail-web\[.*/R/p' \
		-e 's/.*pam_unix\([a-z-]+:session\): session closed.*/U-/p' \
		-e 's/.*pam_jail\([a-z-]+:session\): jail closed: .*/J-/p' | uniq | tr '\n' ' '
}
# audit LINES SVC TTY RHOST KIND: the open and close audit lines.
audit() {
	local o c
	o=$(printf '%s\n' "$1" | sed -nE "s/.*pam_jail\($2:session\): jail (opened|joined): //p")
	c=$(printf '%s\n' "$1" | sed -nE "s/.*pam_jail\($2:session\): jail closed: //p")
	like "$o" "^user=alice service=$2 tty=$3 rhost=$4 jail=web root=/srv/jails/alice init=[0-9]+ mntns=[0-9]+ pidns=[0-9]+ netns=[0-9]+\$" \
		"$5: the open audit line has user service tty rhost jail root init mntns pidns netns as key=value"
	like "$c" ' duration=[0-9]+$' "$5: the close audit line ends with duration="
	is "${c% duration=*}" "$o" "$5: the close audit line repeats the open line's fields"
}

for kind in command pty sftp su runuser login; do
	case $kind in
	su) svc=su-l tty=- rhost=- ;;
	runuser) svc=runuser-l tty=- rhost=- ;;
	login) svc=login tty='/dev/pts/[0-9]+' rhost=- ;;
	*) svc=sshd tty=ssh rhost='127\.0\.0\.1' ;;
	esac
	a=$(sess "$kind" alice)
	b=$(sess "$kind" bob)
	is "$(missing "$b" "$a")" "" \
		"$kind: every line sshd/login/su and the modules log for an unjailed session arrives for the jailed one too"
	want="U+ J+ U- J- "
	[ "$svc" != sshd ] || want="U+ J+ R D U- J- "
	is "$(printf '%s\n' "$a" | steps)" "$want" \
		"$kind: in order: pam_unix opened, jail opened, the session's lines, pam_unix closed, jail closed"
	like "$(printf '%s\n' "$a" | tail -n 1)" 'pam_jail\([a-z-]+:session\): jail closed: ' \
		"$kind: the module's close line is the session's last line"
	audit "$a" "$svc" "$tty" "$rhost" "$kind"
	is "$(printf '%s\n' "$a" | rig_pam_errors)" "" "$kind: no PAM module logs an error (open and close)"
done

# The audit lines name the session's jail: init, and the mnt, pid and net
# namespaces the session's processes are in -- every time.  300 sessions
# that build a jail, opened the way login(1) does by the project's PAM
# driver with the example runuser stack (about 10 ms each); then, while
# one holds the jail, 10 ssh sessions that join it, which must also keep
# their order.
# ns_of FIELDS: "mnt:[M] pid:[P] net:[N] init=I" from an audit line's fields.
ns_of() {
	printf '%s\n' "$1" | sed -E 's/ duration=[0-9]+$//' |
		sed -nE 's/.* init=([0-9]+) mntns=([0-9]+) pidns=([0-9]+) netns=([0-9]+)$/mnt:[\2] pid:[\3] net:[\4] init=\1/p'
}
# sess_ns: what the last sess printed (its namespaces), on one line.
sess_ns() { tr '\n' ' ' <"$RIG_DIR/sess.out" | sed 's/ $//'; }
n_closed() {
	[ "$(tail -n "+$RIG_SYSLOG_FROM" "$RIG_SYSLOG" | grep -c "jail closed: user=alice service=runuser ")" -ge "$1" ]
}
rig_syslog_mark
: >"$RIG_DIR/ns.sessions"
for i in $(seq 300); do
	"$DRIVER" -s runuser alice readlink /proc/self/ns/mnt /proc/self/ns/pid /proc/self/ns/net 2>&1 |
		tr '\n' ' ' | sed 's/ $//' >>"$RIG_DIR/ns.sessions"
	echo >>"$RIG_DIR/ns.sessions"
done
rig_wait 10 n_closed 300
rig_syslog_grep 'pam_jail\(runuser:session\): jail opened: user=alice ' 1 |
	sed -nE 's/.* mntns=([0-9]+) pidns=([0-9]+) netns=([0-9]+)$/mnt:[\1] pid:[\2] net:[\3]/p' >"$RIG_DIR/ns.audit"
bad=$(paste -d'|' "$RIG_DIR/ns.sessions" "$RIG_DIR/ns.audit" | awk -F'|' '$1 != $2 { print NR ": session " $1 ", audit line " $2 }')
if [ "$(wc -l <"$RIG_DIR/ns.audit")" = 300 ] && [ -z "$bad" ]; then
	ok "300 jails built: every 'jail opened:' line names the session's own mnt, pid and net namespaces"
else
	not_ok "MODULE BUG: 300 jails built: every 'jail opened:' line names the session's own mnt, pid and net namespaces" \
		"$(wc -l <"$RIG_DIR/ns.audit") opened lines, $(printf '%s' "$bad" | grep -c .) wrong (0: not read):" \
		"$(printf '%s\n' "$bad" | head -n 5)"
fi

rig_syslog_mark
rig_hold alice J || not_ok "a session holds the jail"
held=$(rig_syslog_grep 'jail opened: user=alice ' | sed -E 's/.*jail opened: //')
order="" bad="" joined=""
for i in $(seq 10); do
	j=$(sess command alice)
	s=$(printf '%s\n' "$j" | steps)
	[ "$s" = "U+ J+ R D U- J- " ] || order="$order$i: $s"$'\n'
	joined=$(printf '%s\n' "$j" | sed -nE 's/.*jail joined: //p')
	o=$(ns_of "$joined")
	c=$(ns_of "$(printf '%s\n' "$j" | sed -nE 's/.*jail closed: //p')")
	[ "${o% init=*}|$c|$o" = "$(sess_ns)|$o|$(ns_of "$held")" ] ||
		bad="$bad$i: session: $(sess_ns); joined: $o; closed: $c"$'\n'
done
is "$order" "" "10 joining sessions: each in order (pam_unix opened, jail joined, its lines, pam_unix closed, jail closed)"
like "$joined" '^user=alice service=sshd tty=ssh rhost=127\.0\.0\.1 jail=web root=/srv/jails/alice init=[0-9]+ mntns=[0-9]+ pidns=[0-9]+ netns=[0-9]+$' \
	"the 'jail joined:' audit line has the key=value fields"
if [ -z "$bad" ]; then
	ok "10 joining sessions: the 'jail joined:' and 'jail closed:' lines name the running jail (init, mnt, pid, net namespaces: the session's own)"
else
	not_ok "MODULE BUG: 10 joining sessions: the 'jail joined:' and 'jail closed:' lines name the running jail (init, mnt, pid, net namespaces: the session's own)" \
		"the holder's jail opened: $(ns_of "$held")" "$bad" "(0: the value was not read)"
fi
rig_release alice J
check "no jail process is left" rig_jail_procs_gone

# --- lines from inside the jail: tagged, and rate-limited ------------------
rig_syslog_mark
rig_ssh alice 'logger -p auth.crit -t sshd "Accepted publickey for root from 10.9.9.9 port 22 ssh2"; sleep 0.3' 2>&1
forged=$(rig_syslog_grep 'Accepted publickey for root from 10\.9\.9\.9')
like "$forged" "^<34>pam_jail-web\[[0-9]+\]: uid=$alice_uid: .*sshd: Accepted publickey for root from 10\.9\.9\.9 port 22 ssh2\$" \
	"a jailed user's logger -p auth.crit -t sshd line arrives tagged pam_jail-web[pid] uid=$alice_uid"
is "$(printf '%s\n' "$forged" | grep -vc '^<[0-9]*>pam_jail-web\[')" 0 \
	"no copy of the forged line arrives untagged, as the host's sshd"
printf '%s\n' 'import socket' \
	's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)' \
	's.connect("/dev/log")' \
	'for i in range(1000):' \
	'    s.send(b"<14>flood: line %d" % i)' >/home/alice/flood.py
chmod 644 /home/alice/flood.py
rig_syslog_mark
rig_ssh alice 'python3 ~/flood.py; sleep 0.5; logger -t flood-end done; sleep 0.3' 2>&1
rig_syslog_grep 'flood-end: done' >/dev/null
sleep 0.3
n=$(rig_syslog_grep 'flood: line [0-9]+$' 1 | wc -l)
if [ "$n" -gt 0 ] && [ "$n" -lt 1000 ]; then
	ok "a flood of 1000 lines from the jail is rate-limited ($n arrived)"
else
	not_ok "a flood of 1000 lines from the jail is rate-limited" "$n of 1000 arrived"
fi
like "$(rig_syslog_grep 'lines from the jail dropped' 1 | head -n 1)" \
	'^<[0-9]+>pam_jail-web: [0-9]+ lines from the jail dropped \(rate limit\)$' \
	"a 'lines from the jail dropped (rate limit)' line says so"
check "no jail process is left" rig_jail_procs_gone

# A slow syslog (here: its reader stopped for 2 s; net.unix.max_dgram_qlen
# is 10 without systemd's sysctl) must not lose lines: glibc's syslog()
# blocks until the reader takes them.  The session logs 30 lines (within
# the relay's burst) and ends while the reader is stopped.
stalled() { # USER: what arrived of the 30 lines and of the session's close
	# (run it in a subshell: its EXIT trap resumes the reader)
	local reader
	reader=$(pgrep -f -- "- /dev/log $RIG_SYSLOG" | head -n 1)
	rm -f "/home/$1/go.T" "/home/$1/held.T"
	# shellcheck disable=SC2016 # expanded by the session's shell
	rig_ssh "$1" 'touch ~/held.T; while [ ! -e ~/go.T ]; do sleep 0.1; done
		for i in $(seq 30); do logger -t "burst-$USER" "line $i"; done' >/dev/null 2>&1 &
	HOLD_PID=$!
	rig_wait 15 test -e "/home/$1/held.T"
	sleep 0.3
	rig_syslog_mark
	# shellcheck disable=SC2064 # this reader, now; the subshell's exit resumes it
	trap "kill -CONT $reader 2>/dev/null" EXIT
	kill -STOP "$reader"
	touch "/home/$1/go.T"
	sleep 2
	kill -CONT "$reader"
	wait "$HOLD_PID"
	rig_syslog_grep "session closed for user $1\$|jail closed: user=$1 " >/dev/null
	sleep 1
	printf 'lines=%s disconnected=%s closed=%s\n' \
		"$(rig_syslog_grep "burst-$1: line [0-9]+\$" 1 | wc -l)" \
		"$(rig_syslog_grep "Disconnected from user $1 " 1 | wc -l)" \
		"$(rig_syslog_grep "pam_unix\(sshd:session\): session closed for user $1\$" 1 | wc -l)"
}
is "$(stalled bob)" "lines=30 disconnected=1 closed=1" \
	"(control) syslog stalled for 2 s: every line of an unjailed session arrives once it resumes"
out=$(stalled alice)
if [ "$out" = "lines=30 disconnected=1 closed=1" ]; then
	ok "syslog stalled for 2 s: every line of a jailed session arrives once it resumes"
else
	not_ok "MODULE BUG: syslog stalled for 2 s: every line of a jailed session arrives once it resumes" \
		"expected: lines=30 disconnected=1 closed=1" "got:      $out" \
		"lines relayed by jail-init while the host's syslog socket was full (send" \
		"MSG_DONTWAIT) were lost, uncounted, the caller's own (sshd, pam_unix) included"
fi
check "no jail process is left" rig_jail_procs_gone

check "sshd stops" rig_sshd_stop
done_testing
