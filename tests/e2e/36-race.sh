#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 36-race.sh - a user who owns a directory on the way to a mount point
# cannot steer the mount: while the user swaps that directory for a symlink
# and renames it in a tight loop, hundreds of session setups run; every one
# is either refused or mounts exactly where the config says, never through
# the symlink (CVE-2021-30465 was runc following such a symlink).
# central: no mount ever lands outside its place
# releases: 12 (the module's own races, the same on 13; CI time)
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

ROUNDS=${RACE_ROUNDS:-300}
rig_user alice
rig_jail web alice
# A bind whose target lies inside alice's home: the home is bound first,
# so the target directory "data" is alice's, in a tree she writes.
install -d -m 755 /srv/data
echo MARKER >/srv/data/marker
sed -i 's|^bind_rw = %h$|bind_rw = %h /srv/data:/home/alice/data|' "$RIG_CONF"
install -d -o alice -g alice /home/alice/data
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$RIG_CONF" "$INIT" | rig_pam_service racetest
# a jail per setup: every round builds, so every round resolves the target
sed -i 's/^hostname = %u$/hostname = %u\nshare = session/' "$RIG_CONF"

# the check each jailed session runs: where did /srv/data land?
printf '%s\n' '#!/bin/sh' \
	'# the mount point of every mount whose root is /data of the rig'"'"'s /srv' \
	'# (no awk: Debian reaches it through /etc/alternatives, not in the jail)' \
	'while read -r _ _ _ root mp _; do [ "$root" = /data ] && echo "$mp"; done </proc/self/mountinfo' \
	'exit 0' >/home/alice/where.sh
chmod 755 /home/alice/where.sh
check "(control) a session without the race mounts /srv/data at /home/alice/data" \
	sh -c "\"$DRIVER\" -s racetest alice /home/alice/where.sh | grep -qx /home/alice/data"

# The attacker: alice herself, on the host side of her home, swapping the
# target for a symlink to /etc and back, and renaming it, as fast as it can.
runuser -u alice -- timeout 120 sh -c '
	cd /home/alice
	while [ ! -e stop ]; do
		mv data data.real 2>/dev/null; ln -sfn /etc data
		rm -f data; mv data.real data 2>/dev/null
		mv data data.x 2>/dev/null; mkdir -p data; rmdir data.x 2>/dev/null
	done' &
attacker=$!

mounted=0 refused=0 gone=0 wrong=0 details=""
for i in $(seq "$ROUNDS"); do
	out=$("$DRIVER" -s racetest alice /home/alice/where.sh 2>/dev/null)
	rc=$?
	if [ "$rc" = 254 ]; then
		refused=$((refused + 1))
	elif [ -z "$out" ]; then
		# alice's rmdir of the mounted directory, seen from outside the
		# jail, detached the mount (Linux >= 3.18 unmounts a deleted
		# mount point in every namespace): gone, not misplaced
		gone=$((gone + 1))
	elif ! printf '%s\n' "$out" | grep -qv '^/home/alice/data[^/]*$'; then
		# in place: the directory alice named data when it was resolved
		# (her renames after the mount move it within her home)
		mounted=$((mounted + 1))
	else
		wrong=$((wrong + 1)); details="$details | round $i: rc=$rc $out"
	fi
done
touch /home/alice/stop
wait "$attacker"
rm -f /home/alice/stop
[ -z "$details" ] || diag "not in place:${details:0:800}"
diag "$ROUNDS setups under the race: $mounted mounted in place, $refused refused, $gone removed by the user, $wrong elsewhere"
is "$wrong" 0 "no mount ever lands outside its place ($ROUNDS setups under a symlink/rename race)"
like "$refused $mounted" '^[1-9][0-9]* [1-9][0-9]*$' \
	"the race really raced: some setups refused, some mounted ($refused, $mounted)"
unlike "$(cat /etc/passwd)" MARKER "(control) the rig's /etc was never written through the symlink"
check "no jail process left" rig_jail_procs_gone 10
like "$(grep -c 'mount point: /srv/jails/alice/home/alice/data: a component is a symlink' "$RIG_SYSLOG")" \
	'^[1-9]' "refused setups say why: a symlink on the way to the mount point"
done_testing
