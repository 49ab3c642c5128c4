# SPDX-License-Identifier: BSD-3-Clause
# lib_directory.sh - a real directory inside the rig: OpenLDAP's slapd on
# the rig's loopback and sssd (id_provider = ldap) in front of it, with all
# their state on the rig's tmpfs; NSS in the rig's /etc copy asks
# "files sss".  Sourced by tests that need LDAP users and groups, after
# lib.sh.  Facts behind the choices: /work/shared/reference/directory-notes.md
# (sssd's stale pipes, its memcache, SIGUSR2 after an outage).
#
# Two sssd domains on one slapd:
#   dir   ou=dir,dc=rig   rfc2307 (memberUid), case_sensitive = false
#   nest  ou=nest,dc=rig  rfc2307bis (member DNs), nested groups resolved
#                         by sssd (ldap_group_nesting_level), case-exact
# shellcheck shell=bash

DIR_PORT=3389
DIR_URI=ldap://127.0.0.1:$DIR_PORT
DIR_BASE=dc=rig
DIR_ADMIN=cn=admin,$DIR_BASE
DIR_PW=rig-admin-pw
DIR_STATE=${RIG_DIR:-/run/rig}/ldap

# dir_need: true when slapd, ldap-utils and sssd are installed; else one
# skip line (a failure under MUST_WORK).
dir_need() {
	local b
	for b in /usr/sbin/slapd /usr/sbin/slapadd /usr/bin/ldapmodify /usr/sbin/sssd; do
		[ -x "$b" ] && continue
		skip "$b is not installed (tests/deps.txt)" "a real directory (slapd + sssd)"
		return 1
	done
	[ -e /lib/x86_64-linux-gnu/libnss_sss.so.2 ] || [ -e /usr/lib/x86_64-linux-gnu/libnss_sss.so.2 ] || {
		skip "libnss-sss is not installed (tests/deps.txt)" "a real directory (slapd + sssd)"
		return 1
	}
}

# groupOfNames has no gidNumber, and nis.schema's posixGroup is structural
# (rfc2307bis makes it auxiliary): an auxiliary class of the test's own,
# under the IANA example enterprise arc, gives nested groups their gid.
dir__schema() {
	# continuation lines start with a blank (slapd.conf syntax)
	printf '%s\n' \
		"objectclass ( 1.3.6.1.4.1.32473.1.2.1 NAME 'rigPosixGroupAux'" \
		"  DESC 'pam_jail tests: a gidNumber for groupOfNames'" \
		"  SUP top AUXILIARY MAY ( gidNumber \$ memberUid ) )"
}

dir__slapd_conf() {
	local s=/etc/ldap/schema
	cat <<-EOF
		include $s/core.schema
		include $s/cosine.schema
		include $s/nis.schema
		include $s/inetorgperson.schema
		include $DIR_STATE/rig.schema
		pidfile $DIR_STATE/slapd.pid
		argsfile $DIR_STATE/slapd.args
		modulepath /usr/lib/ldap
		moduleload back_mdb
		database mdb
		maxsize 268435456
		suffix "$DIR_BASE"
		rootdn "$DIR_ADMIN"
		rootpw $DIR_PW
		directory $DIR_STATE/db
		index objectClass eq
		index uid,memberUid,cn,uidNumber,gidNumber,member eq
	EOF
}

# The tree every test starts from: the two OUs.
dir__base_ldif() {
	printf 'dn: %s\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: rig\ndc: rig\n\n' "$DIR_BASE"
	local ou
	for ou in dir nest; do
		printf 'dn: ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n\n' "$ou" "$DIR_BASE" "$ou"
	done
}

# dir_user_ldif NAME UID [OU] [RDN]: an account (primary group = its own
# gid, UID); RDN defaults to uid=NAME (caseIgnore: ALICE is the same DN).
dir_user_ldif() {
	local name=$1 uid=$2 ou=${3:-dir} rdn=${4:-uid=$1}
	printf 'dn: %s,ou=%s,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n' "$rdn" "$ou" "$DIR_BASE"
	printf 'cn: %s\nsn: %s\nuid: %s\nuidNumber: %s\ngidNumber: %s\n' "$name" "$name" "$name" "$uid" "$uid"
	printf 'homeDirectory: /home/%s\nloginShell: /bin/bash\ngecos: %s directory user\n\n' "$name" "$name"
}

# dir_group_ldif NAME GID MEMBER...: an rfc2307 group (memberUid) in ou=dir;
# also the user's private group NAME when it is called with no members.
dir_group_ldif() {
	local name=$1 gid=$2 m
	shift 2
	printf 'dn: cn=%s,ou=dir,%s\nobjectClass: posixGroup\ncn: %s\ngidNumber: %s\n' "$name" "$DIR_BASE" "$name" "$gid"
	for m in "$@"; do printf 'memberUid: %s\n' "$m"; done
	printf '\n'
}

# dir_nested_ldif NAME GID MEMBER_DN...: an rfc2307bis group in ou=nest.
dir_nested_ldif() {
	local name=$1 gid=$2 m
	shift 2
	printf 'dn: cn=%s,ou=nest,%s\nobjectClass: groupOfNames\nobjectClass: rigPosixGroupAux\ncn: %s\ngidNumber: %s\n' \
		"$name" "$DIR_BASE" "$name" "$gid"
	for m in "$@"; do printf 'member: %s\n' "$m"; done
	printf '\n'
}

# dir_slapd_start < LDIF: a fresh database with the base tree plus LDIF
# (slapadd, offline: a 10,000-member group loads in milliseconds), then
# slapd on 127.0.0.1:DIR_PORT.
dir_slapd_start() {
	rig_assert_inside
	rm -rf "$DIR_STATE"
	install -d -m 700 "$DIR_STATE" "$DIR_STATE/db"
	dir__schema >"$DIR_STATE/rig.schema"
	dir__slapd_conf >"$DIR_STATE/slapd.conf"
	{ dir__base_ldif; cat; } >"$DIR_STATE/data.ldif"
	slapadd -q -f "$DIR_STATE/slapd.conf" -l "$DIR_STATE/data.ldif" || return
	dir_slapd_resume
}

# dir_slapd_resume: slapd again on the same database (after dir_slapd_stop).
dir_slapd_resume() {
	/usr/sbin/slapd -f "$DIR_STATE/slapd.conf" -h "$DIR_URI/" || return
	rig_wait "$RIG_TIMEOUT" dir__ldap_answers
}

dir__ldap_answers() {
	ldapsearch -x -H "$DIR_URI" -b "$DIR_BASE" -s base dn >/dev/null 2>&1
}

dir_slapd_pid() {
	cat "$DIR_STATE/slapd.pid" 2>/dev/null
}

dir_slapd_stop() {
	local pid
	pid=$(dir_slapd_pid) || return 0
	kill "$pid" 2>/dev/null
	rig_wait "$RIG_TIMEOUT" rig__gone "$pid"
}

# dir_modify < LDIF: ldapmodify as the directory's admin (changetype in LDIF).
dir_modify() {
	ldapmodify -x -H "$DIR_URI" -D "$DIR_ADMIN" -w "$DIR_PW" >/dev/null
}

# dir__sssd_domain NAME SCHEMA EXTRA_LINE...: one domain on ou=NAME;
# short LDAP timeouts keep a hung-slapd test brief.
dir__sssd_domain() {
	local name=$1 schema=$2
	shift 2
	printf '%s\n' "" "[domain/$name]" "id_provider = ldap" "auth_provider = none" \
		"access_provider = permit" "ldap_uri = $DIR_URI" \
		"ldap_search_base = ou=$name,$DIR_BASE" "ldap_schema = $schema" \
		"ldap_id_use_start_tls = false" "ldap_tls_reqcert = never" \
		"ldap_network_timeout = 2" "ldap_opt_timeout = 3" \
		"ldap_search_timeout = 3" "$@"
}

dir__sssd_conf() {
	printf '%s\n' "[sssd]" "services = nss" "domains = dir, nest" "" "[nss]" \
		"filter_users = root" "filter_groups = root"
	dir__sssd_domain dir rfc2307 "case_sensitive = false" "offline_timeout = 5"
	dir__sssd_domain nest rfc2307bis "ldap_group_object_class = groupOfNames" \
		"ldap_group_nesting_level = 3"
}

# dir_sssd_start: sssd in the foreground of a background job, its state on
# a tmpfs over /var/lib/sss (the host's is read-only in the rig), and
# "files sss" for passwd and group in the rig's nsswitch.conf.
dir_sssd_start() {
	local d
	rig_assert_inside
	if ! mountpoint -q /var/lib/sss; then
		mount -t tmpfs -o mode=755 rig-sss /var/lib/sss || return
	fi
	for d in db pipes pipes/private mc pubconf gpo_cache; do
		install -d -m 755 "/var/lib/sss/$d"
	done
	chmod 700 /var/lib/sss/db /var/lib/sss/pipes/private
	install -d -m 750 /var/log/sssd
	install -d -m 711 /etc/sssd
	dir__sssd_conf >/etc/sssd/sssd.conf
	chmod 600 /etc/sssd/sssd.conf
	sed -i -E 's/^(passwd|group|shadow):.*/\1: files sss/' /etc/nsswitch.conf
	dir_sssd_resume
}

# dir_sssd_resume: start sssd (again); stale pipes first (notes).
dir_sssd_resume() {
	rm -f /var/lib/sss/pipes/nss /var/lib/sss/pipes/pam
	/usr/sbin/sssd -i --logger=files >/dev/null 2>&1 &
	DIR_SSSD_PID=$!
	rig_wait "$RIG_TIMEOUT" test -S /var/lib/sss/pipes/nss
}

# dir_sssd_kill: sssd and its memcache gone (clients read the memcache
# directly; without removing it a "dead sssd" still answers for 300 s).
dir_sssd_kill() {
	[ -n "${DIR_SSSD_PID:-}" ] || return 0
	kill "$DIR_SSSD_PID" 2>/dev/null
	rig_wait "$RIG_TIMEOUT" rig__gone "$DIR_SSSD_PID"
	DIR_SSSD_PID=
}

# dir_sssd_forget: sssd restarted with nothing cached (its database and
# memcache removed): the next lookups ask slapd, or find nothing when it
# is down.  (sss_cache would need sssd-tools, and shadow's useradd and
# friends run sss_cache whenever it is installed.)
dir_sssd_forget() {
	dir_sssd_kill
	rm -rf /var/lib/sss/db/* /var/lib/sss/mc/*
	dir_sssd_resume
}

# dir_home NAME: /home/NAME for a directory user, with the rig's key.
dir_home() {
	local name=$1 uid gid
	uid=$(id -u "$name") && gid=$(id -g "$name") || return
	install -d -m 755 -o "$uid" -g "$gid" "/home/$name"
	install -d -m 700 -o "$uid" -g "$gid" "/home/$name/.ssh"
	install -m 600 -o "$uid" -g "$gid" "$(rig_key).pub" "/home/$name/.ssh/authorized_keys"
}
