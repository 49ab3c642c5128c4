#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 14-handle-pam.sh - one PAM handle, one jailed session: a caller that
# opens, closes and opens again on the same handle is still inside the
# first (ended) jail's namespaces, under its filter and without
# privileges, so the second open is refused with one line -- never a
# success without a jail.  A second pam_jail line within ONE open (Debian's
# su-l includes su) still does nothing.  Runs under ASan too ("-pam").
# central: open -> close -> open on one handle: the second open is refused
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
rig_require_module

rig_user alice
rig_jail web alice
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$RIG_CONF" "$INIT" | rig_pam_service jailtest
rig_mounts_snapshot "$RIG_DIR/mounts.before"

rig_syslog_mark
rm -f /home/alice/runs
rc=0
out=$("$DRIVER" -2 -s jailtest alice sh -c 'echo "$(hostname) $(cat /proc/1/comm)" >> /home/alice/runs' 2>&1) || rc=$?
like "$out" 'first session: 0' "the first session on the handle opens and closes"
is "$rc" 254 "open -> close -> open on one handle: the second open is refused"
is "$(cat /home/alice/runs 2>&1)" "alice jail-init" "only the first session's command ran, jailed"
like "$(rig_syslog_grep 'pam_jail\(jailtest:session\): .*reused handle')" \
	'already closed; a reused handle cannot open another' "one syslog line says why"

# two pam_jail lines in one stack (su-l including su): one jail, success
printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\nsession required %s conf=%s init=%s\n' \
	"$MODULE" "$RIG_CONF" "$INIT" "$MODULE" "$RIG_CONF" "$INIT" | rig_pam_service jailtest
is "$("$DRIVER" -s jailtest alice sh -c 'hostname; cat /proc/1/comm' 2>&1)" "$(printf 'alice\njail-init')" \
	"a second pam_jail line in the same open does nothing: one jail, the session runs"
rig_nothing_left "after the sessions"
done_testing
