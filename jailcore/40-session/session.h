/* SPDX-License-Identifier: BSD-3-Clause */
/* session.h - a login's way into its jail and out again (session.c):
 * join the running jail of its user or build one (ns.h), enter it,
 * drop the caller's privileges; at close, leave, and end the jail with
 * its last session.
 */
#ifndef JAILCORE_SESSION_H
#define JAILCORE_SESSION_H

#include <stdbool.h>

#include "jailcore/90-support/err.h"
#include "jailcore/50-build/ns.h"
#include "jailcore/30-plan/plan.h"

/* What pam_sm_open_session does (session.c): join the running jail of the
 * plan (share = user) or build it, enter it, apply the session's limits,
 * drop the caller's privileges to JC_CALLER_KEEP, install the filter.
 * *joined tells which. */
JC_MUST_CHECK JC_NONNULL(1, 2, 3, 4) int jc_session_open(
	const struct jc_plan *plan, const char *init_path,
	struct jc_jail_handle *h, bool *joined, struct jc_err *err);

/* jailctl enter: join the running jail of PLAN as a session (never build
 * one), enter it and harden the calling process exactly as a login's
 * caller is hardened; it then forks and setuids like login. */
JC_MUST_CHECK JC_NONNULL(1, 2) int jc_session_enter_running(
	const struct jc_plan *plan, struct jc_jail_handle *h,
	struct jc_err *err);

/* End this session: LEAVE to jail-init.  When it was the last session of
 * a jail that does not persist (or init does not answer), end the jail:
 * SIGKILL to its pid 1 (the kernel then kills every process in the pid
 * namespace) and wait up to TIMEOUT_MS until no process of the jail is
 * alive.  Safe on an empty handle.
 * "Alive" and not "gone": sshd's monitor calls pam_close_session *before*
 * it reaps its post-auth child (mm_answer_term), and a dying pid 1 waits
 * until every zombie of its namespace is reaped -- waiting for init itself
 * would deadlock against the caller.  So the caller's view of the jail's
 * /proc tells when everything but unreaped zombies is gone. */
JC_NONNULL(1)
int jc_jail_release(struct jc_jail_handle *h, int timeout_ms,
		    struct jc_err *err);

#endif
