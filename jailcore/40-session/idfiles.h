/* SPDX-License-Identifier: BSD-3-Clause */
/* idfiles.h - a running jail's generated /etc/passwd and /etc/group
 * follow the host's accounts.
 *
 * sshd's post-auth child, cron's job child and login's child call
 * initgroups() AFTER pam_open_session, inside the jail: they read the
 * jail's /etc/group, written when the jail was built.  A session joining a
 * running jail therefore rewrites its user's entries from the account as
 * NSS gives it now (identity.h): the passwd line is replaced, the user is
 * removed from every group line and added back to the groups it is in
 * today -- a revoked group is gone for the next login or cron job, a new
 * one is there.  Other users' lines (team jails) are left as they are.
 * Processes already running keep their groups, as with newgrp or a login
 * that started before the change.
 */
#ifndef JAILCORE_IDFILES_H
#define JAILCORE_IDFILES_H

#include <stdbool.h>
#include <sys/types.h>

#include "jailcore/90-support/err.h"

/* HAVE (the jail's file) merged with MINE (the plan's generated text) for
 * USER with uid UID: a malloc'ed text, or NULL (out of memory).  GROUP
 * selects the /etc/group rules, else /etc/passwd's. */
char *jc_idfile_merge(const char *have, const char *mine, const char *user,
		      uid_t uid, bool group);

/* Rewrite the file open as FD (read-write, the jail's /etc/passwd or
 * /etc/group) with jc_idfile_merge, under an exclusive flock so two
 * joining sessions do not interleave (waited for 2 s at most: a process
 * in the jail can hold one).  NAME is for messages. */
JC_MUST_CHECK JC_NONNULL(2, 3, 4) int jc_idfile_sync(int fd, const char *name,
						     const char *mine,
						     const char *user,
						     uid_t uid, bool group,
						     struct jc_err *err);

#endif
