/* SPDX-License-Identifier: BSD-3-Clause */
/* mount_priv.h - internal to the mount code (mounts.c, mount_dev.c,
 * mount_proc.c, mount_books.c, mount_view.c, mount_util.c).  Every target
 * is resolved inside the jail with jc_path_open_in (no symlinks); every
 * mount is attached with move_mount from an fd. */
#ifndef JAILCORE_MOUNT_PRIV_H
#define JAILCORE_MOUNT_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#include "jailcore/90-support/err.h"
#include "mounts.h"
#include "jailcore/30-plan/plan.h"

#define CLONE_FLAGS (OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)
#define ATTACH_FLAGS (MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)

/* mount_util.c */
/* mount_setattr(AT_RECURSIVE) of SET on the (cloned) tree at FD, and
 * MS_PRIVATE propagation. */
JC_MUST_CHECK
int jm_set_attr(int fd, unsigned long long set, const char *what,
		struct jc_err *err);
/* open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) of DIRFD/PATH ("" = DIRFD
 * itself) with ATTR set on the clone. */
JC_MUST_CHECK
int jm_clone_tree(int dirfd, const char *path, unsigned long long attr,
		  const char *what, int *out, struct jc_err *err);
/* move_mount TREE onto DST resolved inside ROOTFD. */
JC_MUST_CHECK
int jm_attach(int tree, int rootfd, const char *root_name, const char *dst,
	      struct jc_err *err);
/* A detached tmpfs capped at SIZE bytes (and INODES files, 0 = default). */
JC_MUST_CHECK
int jm_new_tmpfs(const char *mode, unsigned long long size, unsigned int attr,
		 int *out, struct jc_err *err);
JC_MUST_CHECK
int jm_new_tmpfs_inodes(const char *mode, unsigned long long size,
			unsigned long long inodes, unsigned int attr, int *out,
			struct jc_err *err);
/* A tmpfs (MODE, SIZE bytes, INODES files or 0, ATTR) over the jail's DIR
 * when the tree has DIR as a directory (no symlink followed); nothing when
 * it does not.  *out: the tmpfs's fd, or -1.  ERR is needed: its kind
 * tells a missing DIR from a failure. */
JC_MUST_CHECK JC_NONNULL(2, 3, 4, 8, 9) int jm_optional_tmpfs(
	int root, const char *root_name, const char *dir, const char *mode,
	unsigned long long size, unsigned long long inodes, unsigned int attr,
	int *out, struct jc_err *err);
/* An empty file NAME in DIR (a tmpfs of ours) with MODE, umask ignored. */
JC_MUST_CHECK
int jm_make_file(int dir, const char *name, mode_t mode, struct jc_err *err);
/* NAME made in DIR as a mount point, TREE moved onto it. */
JC_MUST_CHECK
int jm_bind_into(int dir, const char *name, int tree, struct jc_err *err);
JC_MUST_CHECK
int jm_write_file(int dir, const char *name, const char *text,
		  struct jc_err *err);
/* File NAME of DIR bound read-only over the regular file DST of the jail;
 * a missing DST is skipped when OPTIONAL. */
JC_MUST_CHECK JC_NONNULL(2, 4, 5, 7) int jm_bind_file_over(
	int dir, const char *name, int root, const char *root_name,
	const char *dst, bool optional, struct jc_err *err);

/* mount_dev.c */
JC_MUST_CHECK
int jm_dev_prepare(const struct jc_plan *p, struct jc_clones *c,
		   struct jc_err *err);
JC_MUST_CHECK
int jm_dev_compose(const struct jc_plan *p, int root, struct jc_clones *c,
		   int *log_sock, struct jc_err *err);

/* mount_books.c */
JC_MUST_CHECK JC_NONNULL(1, 2, 3) int jm_books_prepare(const struct jc_plan *p,
						       struct jc_clones *c,
						       struct jc_err *err);
JC_MUST_CHECK
int jm_books_compose(const struct jc_plan *p, int root, struct jc_clones *c,
		     struct jc_err *err);
/* The books a private devpts made the jail's own (utmp, wtmp): clones
 * of the host's in OUT, and those moved over the jail's ones, for a
 * session's own view of the host's ptys (mount_view.c). */
JC_MUST_CHECK
int jm_books_view_prepare(int out[JC_N_BOOKS], struct jc_err *err);
JC_MUST_CHECK JC_NONNULL(2, 3,
			 4) int jm_books_view_compose(int root,
						      const char *root_name,
						      const int in[JC_N_BOOKS],
						      struct jc_err *err);

/* mount_proc.c */
JC_MUST_CHECK JC_NONNULL(2, 3) int jm_proc_mount(int root,
						 const char *root_name,
						 struct jc_err *err);

#endif
