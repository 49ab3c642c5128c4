/* SPDX-License-Identifier: BSD-3-Clause */
/* cgroup.h - the jail's cgroup: where its processes are counted and
 * limited (pids_max, memory_max, cpu_max), and the root of its cgroup
 * namespace.
 *
 * Three cases, decided per login while the caller still sees the host:
 *
 *   SCOPE  systemd runs the host and pam_systemd (earlier in the stack)
 *          gave this login a session scope of its own: the scope is the
 *          session's cgroup (a shared jail's jail-init moves to a scope of
 *          its own, see jc_cgroup_detach_init).  systemd owns every cgroup it made, so the
 *          limits go to the scope as unit properties over D-Bus
 *          (TasksMax, MemoryMax, CPUQuota: what `systemctl show` reports),
 *          never into cgroupfs behind its back.
 *   OWN    no systemd, cgroup v2 mounted writable: pam_jail makes
 *          <v2 mount>/pam_jail/<jail id> itself, enables the controllers
 *          the limits need, writes them, and moves the caller in.  Every
 *          session of a shared jail joins that one cgroup.
 *   NONE   no cgroup v2 hierarchy, a read-only one (a container), or a
 *          systemd host where this login has no scope of its own (cron;
 *          su inside another user's session): the session stays where it
 *          is.  Limits then cannot be applied: one notice line, or a
 *          refusal with limits_required = yes.
 *
 * The jail's pid 1 is cloned with CLONE_NEWCGROUP in the jail's cgroup, so
 * /proc/self/cgroup reads "0::/" in the jail.  A session joining a running
 * jail enters its cgroup namespace only in the OWN case (it is then in the
 * same cgroup); otherwise it unshares one rooted at its own cgroup (its
 * session scope), which is what it must see.
 */
#ifndef JAILCORE_CGROUP_H
#define JAILCORE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "jailcore/90-support/err.h"
#include "jailcore/30-plan/plan.h"

enum jc_cg_kind { JC_CG_NONE, JC_CG_OWN, JC_CG_SCOPE };

struct jc_cgroup {
	enum jc_cg_kind kind;
	char notice[256]; /* what the caller should log, or "" */
};

/* Place the calling process (a login's caller, before it builds or joins
 * the jail whose registry id is ID) in the jail's cgroup and apply PLAN's
 * limits there.  PER_SESSION (share = session): OWN makes ID.PID, one per
 * session, and first removes the empty ones of ended sessions.
 * SD_SESSION is the login's XDG_SESSION_ID from pam_systemd, "" when
 * none. */
JC_MUST_CHECK JC_NONNULL(1, 2, 5) int jc_cgroup_enter(
	const struct jc_plan *plan, const char *id, bool per_session,
	const char *sd_session, struct jc_cgroup *cg, struct jc_err *err);

/* The limits as systemd takes them, parsed from PLAN's cgroup strings:
 * UINT64_MAX for "max" or unset. */
struct jc_cg_limits {
	bool any;
	unsigned long long tasks, memory, cpu_quota_usec, cpu_period_usec;
};
void jc_cgroup_limits(const struct jc_plan *plan, struct jc_cg_limits *l);

/* SCOPE, share = user: the jail outlives the session that built it (other
 * sessions join it, persist keeps it), so its jail-init must not die with
 * that session's scope (loginctl terminate-session, KillUserProcesses=yes,
 * the user's slice stopping): it moves to pam_jail-<id>-<pid>.scope. */
JC_MUST_CHECK JC_NONNULL(1, 2, 3) int jc_cgroup_detach_init(
	const struct jc_cgroup *cg, const char *id, const struct jc_plan *plan,
	pid_t init_pid, struct jc_err *err);

#endif
