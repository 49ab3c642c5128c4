/* SPDX-License-Identifier: BSD-3-Clause */
/* plan.h - one user's concrete jail: config + passwd entry -> expanded,
 * admitted paths and generated identity files.  Nothing is mounted or
 * changed here; every check that can refuse a login happens here, before
 * anything is touched.  jailctl show prints exactly this. */
#ifndef JAILCORE_PLAN_H
#define JAILCORE_PLAN_H

#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "jailcore/20-config/config.h"
#include "jailcore/90-support/err.h"
#include "jailcore/10-identity/identity.h"
#include "jailcore/60-confine/seccomp.h"

struct jc_bind {
	char src[PATH_MAX]; /* host path */
	char dst[PATH_MAX]; /* path inside the jail */
	bool ro;
	int src_fd; /* O_PATH fd of the admitted source */
};

struct jc_plan {
	char jail[65];
	char user[256];
	uid_t uid;
	gid_t gid;
	char why[384];		      /* which rule matched */
	char notice[JC_ERR_MAX + 32]; /* "" or what a directory outage changed */

	char root[PATH_MAX];
	int root_fd;	       /* O_PATH, admitted (root-owned walk) */
	struct jc_bind *binds; /* sorted: parents before children */
	size_t n_binds;
	char (*tmpfs)[PATH_MAX];
	size_t n_tmpfs;
	unsigned long long tmpfs_size;
	enum jc_network network;
	char hostname[65];
	char tty[PATH_MAX];	   /* host tty device to bind, "" if none */
	char shell[PATH_MAX];	   /* the user's passwd entry, for the */
	char home[PATH_MAX];	   /* identity lines of a team jail */
	char conf_path[PATH_MAX];  /* hidden inside the jail */
	char dropin_dir[PATH_MAX]; /* hidden too; "" when none */

	struct jc_seccomp_spec seccomp; /* a deep copy, outlives the config */

	/* allow_root jails: the tree is a full root filesystem with its own
	 * /etc (no generated passwd/group) */
	bool own_etc;
	/* a devpts instance of the jail's own: the default (E11: the host's
	 * has no per-jail count of ptys), forced by allow_root (a root with
	 * dac_override must not open other sessions' ptys in the host's) */
	bool private_devpts;
	gid_t tty_gid;	   /* gid= of a private devpts */
	bool root_session; /* uid 0 in an allow_root jail */
	/* The caller's terminal is a pty of the host's devpts (PAM_TTY pts/N:
	 * login, su) and the jail has a private devpts without allow_root: the
	 * caller gets a mount namespace of its own where /dev/pts is the
	 * host's (mounts.h, jc_host_view).  Not part of the fingerprint. */
	bool host_pty_view;
	unsigned long long root_caps;		      /* what that root keeps */
	struct jc_id_range root_ids[JC_ROOT_IDS_MAX]; /* and may become */
	size_t n_root_ids;

	enum jc_share share;
	bool persist;
	char netns[80]; /* /run/netns/NAME to join, "" = own/host */
	unsigned long long tmpfs_inodes;
	unsigned long long pty_max; /* 0 = the kernel's */
	unsigned long long rlimit[JC_RL__COUNT];
	char pids_max[32], memory_max[32], cpu_max[64]; /* "" = unset */
	bool limits_required;
	/* The login's XDG_SESSION_ID from pam_systemd ("" when none): its
	 * session scope is the jail's cgroup on a systemd host (cgroup.h).
	 * Set by the caller; not part of the fingerprint. */
	char sd_session[24];
	/* Identity of the jail's setup (root, binds, tmpfs, network, hostname,
	 * devpts, seccomp, root caps): a login joins a running shared jail
	 * only when this matches. */
	char fingerprint[17];

	char *passwd; /* generated /etc/passwd text */
	char *group;  /* generated /etc/group text */
};

enum jc_plan_result {
	JC_PLAN_JAILED = 0,
	JC_PLAN_NOT_JAILED = 1, /* plan->why says why */
};

/* Build the plan for ID (jc_identity_by_name: the canonical account and
 * its groups).  TTY is PAM_TTY (may be NULL, "ssh", "pts/3",
 * "/dev/tty1").  Returns JC_PLAN_JAILED with *out set, JC_PLAN_NOT_JAILED
 * (with *out set, only jail/why filled), or -1 with err. */
JC_MUST_CHECK JC_NONNULL(1, 2, 4) int jc_plan_for_user(
	const struct jc_config *cfg, const struct jc_identity *id,
	const char *tty, struct jc_plan **out, struct jc_err *err);

void jc_plan_free(struct jc_plan *plan);

/* `cleanup_plan struct jc_plan *p = NULL;` frees it on every return
 * (jailcore/90-support/cleanup.h). */
static inline void jc_plan_freep(struct jc_plan **plan)
{
	jc_plan_free(*plan);
	*plan = NULL;
}
#define cleanup_plan __attribute__((cleanup(jc_plan_freep)))

#endif
