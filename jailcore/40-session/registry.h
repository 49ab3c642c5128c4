/* SPDX-License-Identifier: BSD-3-Clause */
/* registry.h - running shared jails, under /run/pam_jail (root-only).
 *
 *   /run/pam_jail/               0700 root
 *   /run/pam_jail/ID/            0700 root, ID = JAIL-HASH (hash of the
 *                                jail name and its expanded root)
 *   /run/pam_jail/ID/lock        flock()ed while a login decides to build
 *                                or join, so two racing logins of one user
 *                                end up in exactly one jail
 *   /run/pam_jail/ID/ctl         jail-init's control socket (proto.h)
 *   /run/pam_jail/ID/info        key=value: jail root init users ids
 *                                fingerprint persist created; ids lists
 *                                NAME:UID:GID of every user that entered
 *
 * Nothing here is trusted blindly: a jail is running only if its control
 * socket answers, so the state a SIGKILLed caller or a dead init leaves
 * behind is recognised as stale and replaced, never locks anyone out.
 */
#ifndef JAILCORE_REGISTRY_H
#define JAILCORE_REGISTRY_H

#include <limits.h>
#include <sys/types.h>

#include "jailcore/90-support/err.h"
#include "jailcore/30-plan/plan.h"

#define JC_RUN_DIR "/run/pam_jail"

struct jc_reg {
	char id[96];
	int dirfd;  /* /run/pam_jail/ID */
	int lockfd; /* held with LOCK_EX while open */
};

/* The jail's ID: JAIL-HASH, HASH of its expanded root. */
void jc_reg_id(const struct jc_plan *plan, char *id, size_t size);

/* Open (creating) the jail's registry entry and take its lock, waiting up
 * to TIMEOUT_MS for a concurrent login to finish building. */
JC_MUST_CHECK JC_NONNULL(1, 2) int jc_reg_lock(const struct jc_plan *plan,
					       struct jc_reg *r, int timeout_ms,
					       struct jc_err *err);

/* Connect to the running jail's control socket: 0 with *sock, 1 when no
 * jail is running (no socket, or nobody answers: stale), -1 on error. */
JC_MUST_CHECK JC_NONNULL(1, 2) int jc_reg_connect(const struct jc_reg *r,
						  int *sock,
						  struct jc_err *err);

/* Replace any stale socket with a new listening one for a jail about to
 * be built. */
JC_MUST_CHECK JC_NONNULL(1, 2) int jc_reg_listen(const struct jc_reg *r,
						 int *sock, struct jc_err *err);

void jc_reg_unlock(struct jc_reg *r);

/* One running (or stale) jail, as jailctl list shows it. */
struct jc_reg_entry {
	char id[96];
	char jail[65];
	char root[PATH_MAX];
	char users[512];      /* comma-separated */
	char ids[1024];	      /* NAME:UID:GID,... of those users */
	char fingerprint[32]; /* the setup's (plan.h) */
	pid_t init;	      /* host pid */
	long long created;    /* unix time */
	int persist;
	int alive;	   /* its control socket answered */
	unsigned sessions; /* as jail-init counts them */
};

/* Record what a login needs to decide whether it may join. */
JC_MUST_CHECK JC_NONNULL(1, 2) int jc_reg_write_info(const struct jc_reg *r,
						     const struct jc_plan *plan,
						     pid_t init_pid,
						     struct jc_err *err);

/* The info file, read once: 0, or -1 when there is none (a stale entry
 * or one being built). */
int jc_reg_read(const struct jc_reg *r, struct jc_reg_entry *e);

/* Add PLAN's user to E's users= and ids= lists and rewrite the file (a
 * team jail's joiner). */
void jc_reg_add_user(const struct jc_reg *r, struct jc_reg_entry *e,
		     const struct jc_plan *plan);

/* May PLAN's user enter the running jail E?  A jail is bound to the uids
 * that entered it: the same name with another uid is an account deleted
 * and made anew (another person), and another name with the same uid an
 * alias; both are refused with a line naming jailctl stop.  A jail with
 * a private devpts admits one uid only (E14).  0, or -1. */
JC_MUST_CHECK
JC_NONNULL(1, 2)
int jc_reg_check_identity(const struct jc_reg_entry *e,
			  const struct jc_plan *plan, struct jc_err *err);

/* Every entry under /run/pam_jail; *out is malloc'ed (free it).  On
 * failure *out is NULL: nothing to free. */
JC_MUST_CHECK JC_NONNULL(1, 2) int jc_reg_list(struct jc_reg_entry **out,
					       size_t *n, struct jc_err *err);

/* End the running jail ID: STOP to its jail-init, then wait up to
 * TIMEOUT_MS for it to be gone. */
JC_MUST_CHECK JC_NONNULL(1) int jc_reg_stop(const char *id, int timeout_ms,
					    struct jc_err *err);

#endif
