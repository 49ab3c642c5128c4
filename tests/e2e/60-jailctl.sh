#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 60-jailctl.sh - jailctl(8), the administrator's tool, in the rig:
#   check   finds every seeded config mistake with its file:line in one run,
#           the jail trees the rules lead to, and fail-open or misplaced
#           pam_jail lines; passes a good config and good (Debian) stacks;
#   show    prints what a real login gets (compared with a jailed session),
#           or why a user is not jailed;
#   create  lays out a tree in which a real jailed login works, is
#           idempotent, and refuses unsafe trees before changing anything.
# central: check exits 1 on a bad config
# releases: 12 13
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

rig_require_jailctl
ctl() { "$JAILCTL" "$@"; }
# out CMD...: stdout and stderr of CMD, then "rc=N" on a line of its own.
out() {
	local rc=0 o
	o=$("$@" 2>&1) || rc=$?
	printf '%s\nrc=%s\n' "$o" "$rc"
}

for u in alice bob carol dave erin frank gina; do rig_user "$u"; done
rig_group customers carol
rig_group team gina
rig_jail web alice
# run/user: XDG_RUNTIME_DIR (check warns without it; the shared rig tree
# leaves it out)
install -d -m 755 "$RIG_JAILS/alice/run" "$RIG_JAILS/alice/run/user"
stack() { # the test's own stack, as in 10-core-pam.sh
	printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
		"$MODULE" "$RIG_CONF" "$INIT" | rig_pam_service jailtest
}
stack
jailed() { "$DRIVER" -s jailtest "$@"; }
tree() { # a snapshot of a tree: path, mode, owner, type, size
	find "$1" -printf '%p %m %u %g %y %s\n' | sort
}
# root-owned 0644 files, like the module wants them
put() { install -d -m 755 "$(dirname "$1")"; cat >"$1"; chmod 644 "$1"; }

# Good stacks: a service including a Debian-like common-session, pam_jail
# appended last.
good=$RIG_DIR/pam.good
put "$good/common-session" <<-'EOF'
	# like Debian's: the jump skips pam_deny only
	session [default=1]  pam_permit.so
	session requisite    pam_deny.so
	session required     pam_permit.so
	session required     pam_unix.so
	-session optional    pam_systemd.so
EOF
put "$good/svc" <<-EOF
	auth    optional pam_jail.so
	@include common-session
	session required $MODULE conf=$RIG_CONF \\
	    init=$INIT
EOF

# === check: a good config and good stacks ===================================
o=$(out ctl check --pamdir "$good")
like "$o" 'rc=0' "check passes a good config and good stacks (exit 0)" || diag "$o"
like "$o" 'jailctl check: ok' "check says ok"
rig_pam_stacks
o=$(out ctl check)
like "$o" 'rc=0' "check passes Debian's stacks with pam_jail appended (the rig's /etc/pam.d)" ||
	diag "$o"
if declare -F rig_pam_examples >/dev/null; then
	rig_pam_examples
	o=$(out ctl check)
	like "$o" 'rc=0' "check passes the example stacks shipped in conf/pam.d/debian$RIG_RELEASE" || diag "$o"
fi
rig_pam_plain

# === check: every seeded config mistake, one run =============================
bad=$RIG_DIR/bad.conf
put "$bad" <<-'EOF'
	[global]
	default = nosuch
	[jail:web]
	root = /srv/jails/%u
	network = sometimes
	colour = blue
	tmpfs_size = huge
	hostname = %x
	[jail:web]
	root = /elsewhere
	[jail:two]
	root = relative
	seccomp_deny = nosuchcall
	this is not ini
	[bogus]
	[user:alice]
	jail = web
	[user:bob]
EOF
put "$RIG_DIR/bad.d/10-more.conf" <<-'EOF'
	; a drop-in that defines alice again
	[user:alice]
	jail = none
EOF
# found while this file is scanned, before 10-more.conf's mistake (found
# across files once all are scanned): sorted by file, it still comes after
put "$RIG_DIR/bad.d/20-late.conf" <<-'EOF'
	[user:carol]
	colour = blue
	jail = web
EOF
o=$(out ctl --conf "$bad" --dropin-dir "$RIG_DIR/bad.d" check --pamdir "$good")
like "$o" 'rc=1' "check exits 1 on a bad config"
for want in \
	"bad.conf:2: unknown jail 'nosuch'" \
	"bad.conf:5: network: expected none or host" \
	"bad.conf:6: unknown key 'colour'" \
	"bad.conf:7: tmpfs_size: " \
	"bad.conf:8: hostname: unknown token %x" \
	"bad.conf:9: duplicate section \[jail:web\] \(first at line 3\)" \
	"bad.conf:12: root: 'relative' must start with '/'" \
	"bad.conf:13: seccomp_deny: unknown system call 'nosuchcall'" \
	"bad.conf:14: syntax error" \
	"bad.conf:15: unknown section \[bogus\]" \
	"bad.conf:18: \[user:bob\]: missing 'jail = NAME'" \
	"10-more.conf:2: \[user:alice\] is already defined at $bad:16" \
	"20-late.conf:2: unknown key 'colour' in \[user:carol\]"; do
	like "$o" "$want" "check reports: $want"
done
is "$(printf '%s\n' "$o" | grep -c '^/run/rig/bad')" 13 \
	"all 13 mistakes in one run, nothing reported twice"
like "$(printf '%s\n' "$o" | grep '^/run/rig/bad' | head -1)" 'bad.conf:2:' \
	"sorted like a compiler's: main file first, by line"
like "$(printf '%s\n' "$o" | grep '^/run/rig/bad' | tail -2 | head -1)" '10-more.conf:2:' \
	"... then the drop-ins, each by its name ..."
like "$(printf '%s\n' "$o" | grep '^/run/rig/bad' | tail -1)" '20-late.conf:2:' \
	"... whatever the order they were found in"
# the module sees the same config and fails on the first error
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$bad" "$INIT" | rig_pam_service badconf
rig_syslog_mark
"$DRIVER" -s badconf alice true >/dev/null 2>&1
is "$?" 254 "(control) the module refuses a session with that config"
like "$(rig_syslog_grep 'pam_jail\(badconf:session\)')" "$bad:6: unknown key 'colour'" \
	"... naming the first error its loader meets, which check lists too"

# === check: the PAM stacks =====================================================
pam=$RIG_DIR/pam.bad
put "$pam/optional" <<-'EOF'
	session required pam_permit.so
	session optional /lib/security/pam_jail.so
EOF
put "$pam/notlast" <<-'EOF'
	session required pam_jail.so
	session optional pam_motd.so
EOF
put "$pam/bracket" <<-'EOF'
	# a comment
	session [success=ok default=ignore] pam_jail.so conf=/x
EOF
put "$pam/viainclude" <<-'EOF'
	session required pam_jail.so
	@include common-extra
EOF
put "$pam/common-extra" <<-'EOF'
	session optional pam_mail.so
EOF
put "$pam/skipped" <<-'EOF'
	session sufficient pam_permit.so
	session required pam_jail.so
EOF
put "$pam/dash" <<-'EOF'
	-session required pam_jail.so
EOF
put "$pam/withsub" <<-'EOF'
	session substack sub-inner
	session required pam_jail.so
EOF
put "$pam/sub-inner" <<-'EOF'
	session sufficient pam_permit.so
EOF
cp "$good/svc" "$good/common-session" "$pam/"
o=$(out ctl check --pamdir "$pam")
like "$o" 'rc=1' "check exits 1 on bad stacks"
like "$o" "$pam/optional:2: pam_jail.so is 'optional'.*fail-open" \
	"an optional pam_jail line, with file:line"
like "$o" "$pam/notlast:1: pam_jail.so is not the last session module: pam_motd.so \($pam/notlast:2\)" \
	"pam_jail not last, naming the module after it"
like "$o" "$pam/bracket:2: pam_jail.so's control \[success=ok default=ignore\] can ignore a failure" \
	"a [...] control with default=ignore is fail-open"
like "$o" "$pam/viainclude:1: pam_jail.so is not the last session module: pam_mail.so \($pam/common-extra:1\)" \
	"an @include after pam_jail is followed"
like "$o" "$pam/skipped:1: pam_permit.so 'sufficient' can end the session stack before pam_jail.so" \
	"a sufficient module before pam_jail can skip it"
like "$o" "$pam/dash:1: '-session' makes libpam skip pam_jail.so" \
	"a '-session' pam_jail line is fail-open"
unlike "$o" "$pam/(svc|common-session|withsub|sub-inner)" \
	"good stacks in the same directory are not flagged (a sufficient inside a substack ends only the substack)"
is "$(printf '%s\n' "$o" | grep -c "^$pam/")" 6 "one finding per mistake"

# === show: what a real login gets ==============================================
o=$(out ctl show alice)
like "$o" 'rc=0' "show alice exits 0"
conf_line=$(grep -n -A1 '^\[user:alice\]' "$RIG_CONF" | sed -n 's/^\([0-9]*\)-jail.*/\1/p')
like "$o" "^jail +web	# \[user:alice\] at line $conf_line$" \
	"show names the rule and its line ([user:alice] at line $conf_line)"
sh_root=$(printf '%s\n' "$o" | awk '$1 == "root" {print $2}')
is "$sh_root" /srv/jails/alice "show: root expanded"
like "$o" '^root +/srv/jails/alice	# \[jail:web\] at line [0-9]+$' "show: root's source"
like "$o" '^tmpfs_size +64M	# default$' "show: a default says so"
is "$(jailed alice ls /)" "$(ls "$sh_root")" "the jailed session's / is show's root"
is "$(jailed alice hostname)" "$(printf '%s\n' "$o" | awk '$1 == "hostname" {print $2}')" \
	"the jailed session's hostname is show's"
binds=$(printf '%s\n' "$o" | awk '$1 == "bind" {print $4, $5}')
is "$(printf '%s\n' "$binds" | awk '{print $1}' | tr '\n' ' ')" \
	"/bin /home/alice /lib /lib64 /sbin /usr " "show lists the binds in mount order"
seen=$(jailed alice cat /proc/self/mountinfo | awk -v want="$binds" '
	BEGIN { n = split(want, w, "\n"); for (i = 1; i <= n; i++) { split(w[i], f, " "); mode[f[1]] = f[2] } }
	($5 in mode) { split($6, o, ","); print $5, o[1]; delete mode[$5] }' | sort)
is "$seen" "$(printf '%s\n' "$binds" | sort)" \
	"every bind show lists is mounted in the session, ro/rw as shown"
like "$(jailed alice cat /proc/self/mountinfo | awk '$5 == "/tmp"')" ' - tmpfs ' \
	"show's tmpfs /tmp is a tmpfs in the session"
is "$(jailed alice cat /etc/passwd)" "$(printf '%s\n' "$o" | sed -n 's/^passwd  *//p')" \
	"show's passwd lines are the session's /etc/passwd"
is "$(jailed alice cat /etc/group)" "$(printf '%s\n' "$o" | sed -n 's/^group  *//p')" \
	"show's group lines are the session's /etc/group"
for k in network hostname allow_root root_caps root_ids seccomp seccomp_deny share devpts \
	rlimit_core pids_max; do
	like "$o" "^$k " "show prints $k"
done

o=$(out ctl show bob)
like "$o" '^not jailed: no rule matches and default is none' "show of an unjailed user says why"
like "$o" 'rc=0' "... and exits 0"
printf '[user:erin]\njail = none\n' | rig_conf_add
like "$(ctl show erin)" '^not jailed: \[user:erin\] at line [0-9]+ \(jail = none\)' \
	"show of an exempted user names the rule"
o=$(out ctl show nosuchuser)
like "$o" 'rc=1' "show of an unknown user exits 1"
like "$o" 'no such user: nosuchuser' "... and says so"
like "$(out ctl show)" 'rc=2' "show without a user is a usage error (exit 2)"
like "$(out ctl frobnicate)" 'rc=2' "an unknown command is a usage error (exit 2)"

# === check: plans of the rules =================================================
printf '[user:carol]\njail = web\n' | rig_conf_add
carol_line=$(grep -n '^\[user:carol\]' "$RIG_CONF" | cut -d: -f1)
o=$(out ctl check --pamdir "$good")
like "$o" 'rc=1' "check fails when a jailed user's tree is missing"
like "$o" "user carol \(\[user:carol\] at line $((carol_line + 1))\): jail web: jail root: /srv/jails/carol" \
	"... naming the user, the rule and the reason"

# === create USER: a tree a real login works in ================================
o=$(out ctl create carol)
like "$o" 'rc=0' "create carol exits 0" || diag "$o"
like "$o" 'created /srv/jails/carol/' "create says what it made"
is "$(find /srv/jails/carol \( ! -user root -o ! -group root \) -print)" "" \
	"every component is root:root"
is "$(find /srv/jails/carol -type d ! -perm 755 -print; find /srv/jails/carol -type f ! -perm 644 -print)" "" \
	"directories 0755, files 0644"
missing=""
for p in usr bin lib lib64 sbin tmp dev proc home/carol etc/passwd etc/group \
	etc/nsswitch.conf etc/hosts var/log var/lib; do
	[ -e "/srv/jails/carol/$p" ] || missing="$missing $p"
done
is "$missing" "" "mount points, the home, etc/passwd, etc/group, a small etc/, var/log and var/lib"
check_fails "no var/run: the jail's own devpts (the default) keeps a utmp of its own (E15)" \
	test -e /srv/jails/carol/var/run
like "$(cat /srv/jails/carol/etc/nsswitch.conf)" 'passwd: files' "etc/nsswitch.conf reads files"
is "$(jailed carol id -un)" carol "a real jailed login of carol works in the new tree"
is "$(jailed carol sh -c 'echo ok > ~/w && cat ~/w')" ok "... with its home bound rw"
is "$(jailed carol hostname)" carol "... and the jail's hostname"
before=$(tree /srv/jails/carol)
o=$(out ctl create carol)
like "$o" 'rc=0' "a second create exits 0"
like "$o" 'nothing to do: /srv/jails/carol is complete' "... says nothing to do"
unlike "$o" 'created' "... and creates nothing"
is "$(tree /srv/jails/carol)" "$before" "... and the tree is unchanged"
o=$(out ctl check --pamdir "$good")
like "$o" 'rc=0' "check passes once carol's tree exists" || diag "$o"

# === create refuses unsafe trees =================================================
printf '[user:dave]\njail = web\n' | rig_conf_add
install -d -m 775 -o 0 -g 0 /srv/jails/dave
o=$(out ctl create dave)
like "$o" 'rc=1' "create refuses a group-writable jail root (exit 1)"
like "$o" 'refusing /srv/jails/dave: writable by group or others' "... and says which and why"
is "$(ls -A /srv/jails/dave)" "" "... having created nothing"
chmod 755 /srv/jails/dave
install -d -m 775 -o 0 -g 0 /srv/jails/dave/home
o=$(out ctl create dave)
like "$o" 'refusing /srv/jails/dave/home: writable by group or others' \
	"create refuses a group-writable directory inside the tree"
is "$(ls -A /srv/jails/dave)" home "... and created nothing else (a dry run comes first)"
chmod 755 /srv/jails/dave/home
chown dave /srv/jails/dave/home
like "$(ctl create dave 2>&1)" 'refusing /srv/jails/dave/home: not owned by root' \
	"create refuses a directory not owned by root"
chown root /srv/jails/dave/home
like "$(out ctl create dave)" 'rc=0' "create completes a partly made tree once it is safe"

sed -i '/^\[user:erin\]/,+1d' "$RIG_CONF"
printf '[user:erin]\njail = web\n' | rig_conf_add
install -d -m 755 -o 0 -g 0 /srv/jails/erin
ln -s /usr /srv/jails/erin/usr
o=$(out ctl create erin)
like "$o" 'rc=1' "create refuses a symlinked component (exit 1)"
like "$o" 'refusing /srv/jails/erin/usr: a symlink' "... and says so"
is "$(ls -A /srv/jails/erin)" usr "... having created nothing"
rm /srv/jails/erin/usr
install -d -m 755 -o 0 -g 0 /srv/jails/erin/etc
ln -s /etc/passwd /srv/jails/erin/etc/passwd
like "$(ctl create erin 2>&1)" 'refusing /srv/jails/erin/etc/passwd: a symlink' \
	"create refuses a symlink as a file mount point"
rm /srv/jails/erin/etc/passwd
like "$(out ctl create erin)" 'rc=0' "create completes erin's tree once the symlink is gone"
# var/run is optional: a tree copied from a real system has var/run -> /run;
# the module then keeps no books there, and check agrees
rmdir /srv/jails/erin/var/run && ln -s /run /srv/jails/erin/var/run
unlike "$(ctl check --pamdir "$good")" 'erin .*var/run' \
	"check does not flag a symlinked var/run (the module skips it)"
"$DRIVER" -s jailtest erin true >/dev/null 2>&1
is "$?" 0 "(control) the module indeed lets erin in"
rm /srv/jails/erin/var/run && install -d -m 755 -o 0 -g 0 /srv/jails/erin/var/run

# === create JAIL: a shared tree, then its users' homes ==========================
rig_conf_add <<-'EOF'
	[jail:shared]
	root = /srv/shared/%j
	bind_ro = /usr /bin /lib /lib64 /sbin
	bind_rw = %h
	tmpfs = /tmp
	hostname = box
	[user:frank]
	jail = shared
EOF
o=$(out ctl create shared)
like "$o" 'rc=0' "create JAIL for a root without a per-user token" || diag "$o"
like "$o" 'note: bind_rw %h:%h is per user' "... leaves the per-user home out, with a note"
# plus the merged-/usr links this host has and the jail does not bind
# (lib32 on amd64 hosts with multilib)
extra=$(for d in lib32 libx32; do [ -L "/$d" ] && printf '%s\n' "$d"; done)
is "$(ls /srv/shared/shared | sort | tr '\n' ' ')" \
	"$(printf '%s\n' bin dev etc lib lib64 proc run sbin tmp usr var ${extra:+"$extra"} | sort | tr '\n' ' ')" \
	"... and makes the shared mount points"
like "$(cat /srv/shared/shared/etc/hosts)" '127\.0\.1\.1	box' "etc/hosts names the jail's hostname"
like "$(ctl create frank)" 'created /srv/shared/shared/home/frank/' "create USER adds the home"
is "$(jailed frank id -un)" frank "a real login works in the shared tree"
like "$(out ctl create nosuchthing)" 'neither a user nor a jail' "create of an unknown name fails"

# === check: jails reached through groups only, or by nobody ==================
rig_conf_add <<-'EOF'
	[jail:team]
	root = /srv/team/%u
	bind_ro = /usr
	[group:team]
	jail = team
	[jail:ghost]
	root = /nonexistent/jails/%u
	[group:nobody-in-it]
	jail = ghost
EOF
groupadd nobody-in-it
team_line=$(grep -n -A1 '^\[group:team\]' "$RIG_CONF" | sed -n 's/^\([0-9]*\)-jail.*/\1/p')
o=$(out ctl check --pamdir "$good")
like "$o" "jail team \(\[group:team\] at line $team_line, checked as user gina\): jail team: jail root: /srv/team/gina" \
	"check tries a member of a group-only jail"
like "$o" 'jail ghost \(no user to check it with\): root /nonexistent/jails/%u: /nonexistent/jails' \
	"with no member, check the root's fixed directories"
ctl create gina >/dev/null
sed -i '/^\[jail:ghost\]/,+3d' "$RIG_CONF"
o=$(out ctl check --pamdir "$good")
like "$o" 'rc=0' "check passes again once gina's tree exists and the ghost is gone" || diag "$o"

done_testing
