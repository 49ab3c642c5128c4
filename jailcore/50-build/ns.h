/* SPDX-License-Identifier: BSD-3-Clause */
/* ns.h - build a jail (namespaces + filesystem + pid 1) and put the PAM
 * caller into it.
 *
 * Building and entering are separate steps so that a later session of the
 * same user can enter a running jail (setns) instead of building one.
 *
 * Shape of a build (see callers.md: pam_open_session runs in the caller
 * that later forks the session and calls pam_close_session):
 *
 *   caller --clone(CLONE_VM|CLONE_VFORK|CLONE_FILES)--> hop
 *          hop --clone(CLONE_VM|CLONE_VFORK|CLONE_NEW*)--> init (pid 1 of
 *            the new pid ns, in every new namespace from birth): compose
 *            the tree, hostname, lo up, /proc, pivot_root, drop everything,
 *            exec jail-init; the hop then exits
 *   caller (suspended until then): setns(init pidfd, every namespace),
 *            then drops privileges.
 *
 * No copy of the caller's address space is made (sshd's monitor has every
 * PAM module mapped): the hop and init share the caller's memory until
 * init's exec and write their answers there.  init is not the caller's
 * child (login's wait(NULL) and cron's wait() must not wait for it: exec
 * resets any exit signal to SIGCHLD, so a clone child would not do), holds
 * none of the caller's fds, carries no copy of its memory after the exec,
 * and watches the caller through a pidfd: when the caller dies, init exits
 * and the kernel kills every process of the jail.
 */
#ifndef JAILCORE_NS_H
#define JAILCORE_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "jailcore/90-support/err.h"
#include "jailcore/30-plan/plan.h"
#include "jailcore/60-confine/seccomp.h"

struct jc_jail_handle {
	int init_pidfd;	  /* -1 when no jail */
	pid_t init_pid;	  /* as seen from the host */
	int ns_flags;	  /* CLONE_NEW* the jail has */
	int proc_fd;	  /* the jail's /proc, once entered; else -1 */
	int conn;	  /* this session's connection to jail-init */
	char notice[256]; /* something the caller should log, or "" */
	/* A session joining a jail whose cgroup it is not in (cgroup.h):
	 * instead of the jail's cgroup namespace it gets one of its own,
	 * rooted at its own cgroup (its session scope). */
	bool own_cgroupns;
	/* /run/user/UID made for this session in the jail, or "" */
	char runtime_dir[48];
	/* namespace inode numbers, as `ls -i /proc/PID/ns` and lsns show them:
	 * the stable identity of the jail for audit lines */
	unsigned long long mnt_ns, pid_ns, net_ns;
};

/* The CLONE_NEW* flags of PLAN's jail, as setns() takes them. */
int jc_jail_ns_flags(const struct jc_plan *plan);

/* An empty handle, and closing one's fds without ending the jail (what a
 * forked child or pam_end does). */
void jc_jail_handle_init(struct jc_jail_handle *h);
void jc_jail_handle_close(struct jc_jail_handle *h);

/* Build the jail of PLAN with pid 1 = the static binary at INIT_PATH
 * (root-owned) under the compiled filter BPF, CTL its listening control socket (-1: nobody may join),
 * and this session registered with it (h->conn).  The caller is not
 * changed. */
JC_MUST_CHECK JC_NONNULL(1, 2, 5) int jc_jail_build(
	const struct jc_plan *plan, const char *init_path, int ctl,
	const struct jc_bpf *bpf, struct jc_jail_handle *h, struct jc_err *err);

/* Move the calling process into every namespace of the jail: its root and
 * cwd become the jail's "/", and its future children are born in the
 * jail's pid namespace. */
JC_MUST_CHECK JC_NONNULL(1) int jc_jail_enter(struct jc_jail_handle *h,
					      struct jc_err *err);

#endif
