/* SPDX-License-Identifier: BSD-3-Clause */
/* privs.h - capabilities, securebits and no_new_privs (through libcap). */
#ifndef JAILCORE_PRIVS_H
#define JAILCORE_PRIVS_H

#include <stddef.h>
#include <sys/capability.h>

#include "jailcore/90-support/err.h"

/* What the PAM caller still needs after open_session, kept in its permitted
 * and effective sets (the bounding set is emptied regardless, so nothing it
 * forks and execs can get them back):
 *   chown, fowner, fsetid - sshd's monitor chowns/chmods the session's pty
 *                           (sshpty.c pty_setowner), login chowns its tty
 *   dac_override          - opening ptys/ttys and utmp-style files as root
 *   setuid, setgid        - sshd's post-auth child, login's and su's child
 *                           switch to the user (setgroups/setgid/setuid)
 *   kill                  - the caller signals the session's processes
 *   audit_write           - loginuid/audit records written after open
 * Everything else, CAP_SYS_ADMIN first, is gone from the caller too. */
#define JC_CALLER_KEEP                                                         \
	{                                                                      \
		CAP_CHOWN, CAP_FOWNER, CAP_FSETID, CAP_DAC_OVERRIDE,           \
			CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_AUDIT_WRITE      \
	}

/* Empty the bounding set (but for AMBIENT), lock securebits (NOROOT,
 * NO_CAP_AMBIENT_RAISE set; KEEP_CAPS and NO_SETUID_FIXUP locked off), keep
 * exactly KEEP + AMBIENT in permitted and effective, AMBIENT in inheritable
 * and ambient, set no_new_privs.  AMBIENT (a mask of 1ULL << CAP_*) is 0
 * except for a jailed root (allow_root): what its shell keeps across exec.
 * A setuid to a non-zero uid clears ambient, permitted and effective. */
int jc_privs_drop(const cap_value_t *keep, size_t n_keep,
		  unsigned long long ambient, struct jc_err *err);

#endif
