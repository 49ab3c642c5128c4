/* SPDX-License-Identifier: BSD-3-Clause */
/* mount_util.c - small mount helpers shared by mounts.c, mount_dev.c,
 * mount_proc.c and mount_books.c; see mount_priv.h */
#include "mount_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/paths.h"

/* Recursive on purpose: a plain MS_REMOUNT|MS_RDONLY leaves submounts of a
 * bind writable; mount_setattr(AT_RECURSIVE) covers them all.
 * Private too: a clone joins its source's peer group, and a booted
 * systemd makes the host's / shared (it leaves it alone in a container,
 * which is why only a VM showed it).  A shared jail root fails pivot_root
 * with EINVAL, and a mount made on a shared bind inside the jail would
 * propagate to the host's tree. */
int jm_set_attr(int fd, unsigned long long set, const char *what,
		struct jc_err *err)
{
	struct mount_attr a = { .attr_set = set, .propagation = MS_PRIVATE };

	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) <
	    0)
		return jc_fail(err, errno, "mount_setattr %s", what);
	return 0;
}

int jm_clone_tree(int dirfd, const char *path, unsigned long long attr,
		  const char *what, int *out, struct jc_err *err)
{
	cleanup_fd int fd =
		open_tree(dirfd, path,
			  CLONE_FLAGS | (path[0] ? 0 : AT_EMPTY_PATH));

	if (fd < 0)
		return jc_fail(err, errno, "open_tree %s", what);
	if (jm_set_attr(fd, attr, what, err) < 0)
		return -1;
	*out = steal_fd(&fd);
	return 0;
}

int jm_attach(int tree, int rootfd, const char *root_name, const char *dst,
	      struct jc_err *err)
{
	cleanup_fd int target = -1;

	if (jc_path_open_in(rootfd, root_name, dst, &target, err) < 0)
		return jc_err_wrap(err, "mount point");
	if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "move_mount onto %s%s", root_name,
			       dst);
	return 0;
}

/* A tmpfs capped in bytes and (INODES != 0) in files. */
int jm_new_tmpfs_inodes(const char *mode, unsigned long long size,
			unsigned long long inodes, unsigned int attr, int *out,
			struct jc_err *err)
{
	cleanup_fd int fs = -1;
	char sz[32], in[32];
	int m;

	snprintf(sz, sizeof(sz), "%llu", size);
	snprintf(in, sizeof(in), "%llu", inodes);
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return jc_fail(err, errno, "fsopen tmpfs");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", mode, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", sz, 0) < 0 ||
	    (inodes &&
	     fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", in, 0) < 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return jc_fail(err, errno, "fsconfig tmpfs");
	m = fsmount(fs, FSMOUNT_CLOEXEC, attr);
	if (m < 0)
		return jc_fail(err, errno, "fsmount tmpfs");
	*out = m;
	return 0;
}

/* A new tmpfs, detached, as an fd ready for move_mount. */
int jm_new_tmpfs(const char *mode, unsigned long long size, unsigned int attr,
		 int *out, struct jc_err *err)
{
	return jm_new_tmpfs_inodes(mode, size, 0, attr, out, err);
}

/* Create an empty file NAME in DIR (our own /dev tmpfs) with MODE. */
int jm_make_file(int dir, const char *name, mode_t mode, struct jc_err *err)
{
	cleanup_fd int fd =
		openat(dir, name,
		       O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
		       mode);

	if (fd < 0)
		return jc_fail(err, errno, "create mount point %s", name);
	/* the caller's umask must not decide the jail's modes */
	if (fchmod(fd, mode) < 0)
		return jc_fail(err, errno, "chmod %s", name);
	return 0;
}

/* NAME in DEV (a tmpfs of ours) becomes the mount point of TREE: an empty
 * file, or a directory when TREE is one (mount_books.c binds the host's wtmpdb
 * directory). */
int jm_bind_into(int dev, const char *name, int tree, struct jc_err *err)
{
	cleanup_fd int target = -1;
	struct stat st;

	if (fstat(tree, &st) < 0)
		return jc_fail(err, errno, "stat the tree for %s", name);
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dev, name, 0700) < 0)
			return jc_fail(err, errno, "create mount point %s",
				       name);
	} else if (jm_make_file(dev, name, 0666, err) < 0) {
		return -1;
	}
	target = openat(dev, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (target < 0)
		return jc_fail(err, errno, "open mount point %s", name);
	if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "move_mount onto %s", name);
	return 0;
}

int jm_write_file(int dir, const char *name, const char *text,
		  struct jc_err *err)
{
	size_t len = strlen(text), off = 0;
	cleanup_fd int fd =
		openat(dir, name,
		       O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
		       0644);

	if (fd < 0)
		return jc_fail(err, errno, "create %s", name);
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return jc_fail(err, n < 0 ? errno : EIO, "write %s",
				       name);
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) < 0)
		return jc_fail(err, errno, "chmod %s", name);
	return 0;
}

/* Bind file NAME of DIR read-only over DST inside the jail.  DST must be
 * an existing regular file (no symlink) unless OPTIONAL, when a missing
 * DST is skipped. */
int jm_bind_file_over(int dir, const char *name, int root,
		      const char *root_name, const char *dst, bool optional,
		      struct jc_err *err)
{
	cleanup_fd int target = -1;
	cleanup_fd int tree = -1;
	struct stat st;

	if (jc_path_open_in(root, root_name, dst, &target, err) < 0)
		return optional && err->kind == JC_ERR_NOT_FOUND ? 0 : -1;
	if (fstat(target, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (optional)
			return 0;
		return jc_fail(err, 0,
			       "%s%s: mount point is not a regular file",
			       root_name, dst);
	}
	tree = open_tree(dir, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return jc_fail(err, errno, "open_tree %s", name);
	if (jm_set_attr(tree,
			MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			dst, err) < 0)
		return -1;
	if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "move_mount onto %s%s", root_name,
			       dst);
	return 0;
}

int jm_optional_tmpfs(int root, const char *root_name, const char *dir,
		      const char *mode, unsigned long long size,
		      unsigned long long inodes, unsigned int attr, int *out,
		      struct jc_err *err)
{
	cleanup_fd int target = -1;
	cleanup_fd int m = -1;
	struct stat st;

	*out = -1;
	if (jc_path_open_in(root, root_name, dir, &target, err) < 0)
		return err->kind == JC_ERR_NOT_FOUND ||
				       err->kind == JC_ERR_NOT_DIR ||
				       err->kind == JC_ERR_UNSAFE_PATH ?
			       0 :
			       -1;
	if (fstat(target, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	jc_closep(&target);
	if (jm_new_tmpfs_inodes(mode, size, inodes, attr, &m, err) < 0)
		return jc_err_wrap(err, "%s%s", root_name, dir);
	if (jm_attach(m, root, root_name, dir, err) < 0)
		return -1;
	*out = steal_fd(&m);
	return 0;
}
