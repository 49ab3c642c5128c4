/* SPDX-License-Identifier: BSD-3-Clause */
/* mounts.h - compose the jail's filesystem from a plan.
 *
 * Three phases, because of where the kernel lets each step happen:
 *  1. jc_mounts_prepare (in the caller, host mount namespace): clone every
 *     source with open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) into detached
 *     trees and set their flags with mount_setattr(AT_RECURSIVE).  open_tree
 *     only clones mounts of the current namespace, so this cannot wait until
 *     after unshare(CLONE_NEWNS).
 *  2. jc_mounts_compose (in the jail's pid 1, new mount namespace): attach the
 *     root and every clone with move_mount onto targets resolved by openat2
 *     inside the root; tmpfs mounts; /dev; the identity files.
 *  3. jc_mounts_finish (then, in the same pid 1): /proc --
 *     it shows the pid namespace of whoever mounts it -- then pivot_root.
 */
#ifndef JAILCORE_MOUNTS_H
#define JAILCORE_MOUNTS_H

#include <stdbool.h>

#include "jailcore/90-support/err.h"
#include "jailcore/30-plan/plan.h"

/* Host device nodes bound into the jail's /dev. */
#define JC_DEV_NODES                                                           \
	{                                                                      \
		"null", "zero", "full", "random", "urandom", "tty"             \
	}
#define JC_N_DEV_NODES 6
#define JC_N_BOOKS 7

struct jc_clones {
	int root;
	int *binds; /* plan->n_binds entries */
	size_t n_binds;
	int dev[JC_N_DEV_NODES];
	int pts;
	int tty;	       /* plan->tty, or -1 */
	int books[JC_N_BOOKS]; /* the host's login records, bus (mount_books.c) */
	bool own_book[JC_N_BOOKS]; /* an empty one of the jail's instead */
};

JC_MUST_CHECK JC_NONNULL(1, 2,
			 3) int jc_mounts_prepare(const struct jc_plan *plan,
						  struct jc_clones *c,
						  struct jc_err *err);
void jc_clones_close(struct jc_clones *c);

/* Attach everything; *newroot receives an fd of the attached jail root,
 * *log_sock the socket bound at the jail's /dev/log (for jail-init to
 * relay).  Must run after unshare(CLONE_NEWNS). */
JC_MUST_CHECK JC_NONNULL(1, 2, 3, 4,
			 5) int jc_mounts_compose(const struct jc_plan *plan,
						  struct jc_clones *c,
						  int *newroot, int *log_sock,
						  struct jc_err *err);

/* Mount /proc and pivot_root into NEWROOT (ROOT_NAME, the host path, is
 * for messages); detach the old root. */
JC_MUST_CHECK JC_NONNULL(2, 3) int jc_mounts_finish(int newroot,
						    const char *root_name,
						    struct jc_err *err);

/* A tmpfs of the plan's size for one user's /run/user/UID, NAME in the
 * jail's /run/user (TOP, a directory only root writes): in a team jail each
 * tenant fills only its own, never the shared /run/user that the next
 * tenant's login needs.  In the caller, inside the jail's mount namespace. */
JC_MUST_CHECK
JC_NONNULL(1, 3)
int jc_mounts_runtime_tmpfs(const struct jc_plan *plan, int top,
			    const char *name, struct jc_err *err);

/* A session's own view of a jail with a private devpts, for a caller on
 * a pty of the host's (plan->host_pty_view: util-linux login reopens
 * /dev/pts/N by name, su's shell names its terminal): a mount namespace of
 * its own with the host's devpts over /dev/pts, the host devpts's ptmx
 * (mode 000: only root opens it) over /dev/ptmx, and the host's utmp and
 * wtmp over the jail's (mount_view.c).  jc_host_view_prepare clones them
 * in the host's mount namespace (nothing when the plan needs no view);
 * jc_host_view_enter, in the caller after it entered the jail, unshares
 * CLONE_NEWNS and attaches them. */
struct jc_host_view {
	int pts;
	int ptmx; /* the host devpts's own ptmx node, for /dev/ptmx */
	int books[JC_N_BOOKS];
};

void jc_host_view_init(struct jc_host_view *v);
JC_MUST_CHECK JC_NONNULL(1, 2,
			 3) int jc_host_view_prepare(const struct jc_plan *plan,
						     struct jc_host_view *v,
						     struct jc_err *err);
JC_MUST_CHECK JC_NONNULL(1, 2,
			 3) int jc_host_view_enter(const struct jc_plan *plan,
						   struct jc_host_view *v,
						   struct jc_err *err);
void jc_host_view_close(struct jc_host_view *v);

#endif
