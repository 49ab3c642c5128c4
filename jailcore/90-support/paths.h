/* SPDX-License-Identifier: BSD-3-Clause */
/* paths.h - race-free, fd-based path resolution and admission checks.
 *
 * Privileged code never hands a user-influenced path to a syscall that
 * follows symlinks.  Host paths are walked one component at a time from "/"
 * with O_PATH|O_NOFOLLOW; a symlink is followed only when it is root-owned
 * and sits in a directory nobody but root can write (so /bin -> usr/bin on a
 * merged-/usr Debian works, while a symlink a user planted does not).
 * Paths inside a jail are resolved with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS): no symlink at all.
 */
#ifndef JAILCORE_PATHS_H
#define JAILCORE_PATHS_H

#include <stdbool.h>

#include "err.h"

enum jc_admit {
	/* every directory on the way, and the target, root-owned and not
	 * group/other-writable: sshd's rule for ChrootDirectory */
	JC_ADMIT_ROOT_OWNED = 1,
	/* the target must be a directory */
	JC_ADMIT_DIR = 2,
};

/* Resolve absolute host PATH to an O_PATH|O_CLOEXEC fd in *fd.  FLAGS is a
 * mask of enum jc_admit.  Errors name the offending component. */
JC_MUST_CHECK JC_NONNULL(3) int jc_path_open_host(const char *path, int flags,
						  int *fd, struct jc_err *err);

/* Resolve PATH (absolute or relative, taken relative to the jail root)
 * beneath ROOTFD without following any symlink; O_PATH|O_CLOEXEC fd in *fd.
 * ROOT_NAME is used in messages ("<root>/usr"). */
JC_MUST_CHECK JC_NONNULL(2, 3, 4) int jc_path_open_in(int rootfd,
						      const char *root_name,
						      const char *path, int *fd,
						      struct jc_err *err);

/* NAME in AT (AT_FDCWD for an absolute NAME) as a root-only directory:
 * made 0700 when missing and CREATE, refused unless root's and closed to
 * everyone else (/run/pam_jail and its entries).  An O_DIRECTORY fd, or
 * -1. */
JC_MUST_CHECK JC_NONNULL(2, 3) int jc_path_private_dir(int at, const char *name,
						       const char *shown,
						       bool create,
						       struct jc_err *err);

/* The one admission rule for what root trusts (doas's config check, sshd's
 * StrictModes and ChrootDirectory): owned by root, writable by nobody else.
 * NULL when ST passes; else why not, JC_NOT_ROOTS or JC_OTHERS_WRITE (the
 * text fits "PATH: %s" and "PATH: DIR is %s"; compare the pointer). */
struct stat;
extern const char JC_NOT_ROOTS[], JC_OTHERS_WRITE[];
const char *jc_path_not_root_only(const struct stat *st);

/* True when PATH is absolute, has no "." or ".." component and no "//". */
bool jc_path_is_clean(const char *path);

#endif
