/* SPDX-License-Identifier: BSD-3-Clause */
/* mounts.c - see mounts.h */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_priv.h"
#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/paths.h"

static void clones_init(struct jc_clones *c)
{
	c->root = c->pts = c->tty = -1;
	for (int i = 0; i < JC_N_BOOKS; i++) {
		c->books[i] = -1;
		c->own_book[i] = false;
	}
	c->binds = NULL;
	c->n_binds = 0;
	for (int i = 0; i < JC_N_DEV_NODES; i++)
		c->dev[i] = -1;
}

void jc_clones_close(struct jc_clones *c)
{
	jc_closep(&c->root);
	jc_closep(&c->pts);
	jc_closep(&c->tty);
	for (int i = 0; i < JC_N_BOOKS; i++)
		jc_closep(&c->books[i]);
	for (int i = 0; i < JC_N_DEV_NODES; i++)
		jc_closep(&c->dev[i]);
	for (size_t i = 0; i < c->n_binds; i++)
		jc_closep(&c->binds[i]);
	free(c->binds);
	c->binds = NULL;
	c->n_binds = 0;
}

#define SAFE_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

static int clone_binds(const struct jc_plan *p, struct jc_clones *c,
		       struct jc_err *err)
{
	for (size_t i = 0; i < p->n_binds; i++) {
		const struct jc_bind *b = &p->binds[i];

		if (jm_clone_tree(b->src_fd, "",
				  SAFE_ATTRS | (b->ro ? MOUNT_ATTR_RDONLY : 0),
				  b->src, &c->binds[i], err) < 0)
			return -1;
	}
	return 0;
}

int jc_mounts_prepare(const struct jc_plan *p, struct jc_clones *c,
		      struct jc_err *err)
{
	clones_init(c);
	c->binds = calloc(p->n_binds + 1, sizeof(int));
	if (!c->binds)
		return jc_fail(err, ENOMEM, "clones");
	for (size_t i = 0; i < p->n_binds; i++)
		c->binds[i] = -1;
	c->n_binds = p->n_binds;
	if (jm_clone_tree(p->root_fd, "", SAFE_ATTRS, p->root, &c->root, err) <
		    0 ||
	    clone_binds(p, c, err) < 0 || jm_dev_prepare(p, c, err) < 0 ||
	    jm_books_prepare(p, c, err) < 0) {
		jc_clones_close(c);
		return -1;
	}
	return 0;
}

/* The root is reopened here, in the new namespace, and must be the very
 * directory the plan admitted. */
static int attach_root(const struct jc_plan *p, struct jc_clones *c,
		       struct jc_err *err)
{
	cleanup_fd int fd = -1;
	struct stat a, b;

	if (jc_path_open_host(p->root, JC_ADMIT_ROOT_OWNED | JC_ADMIT_DIR, &fd,
			      err) < 0)
		return jc_err_wrap(err, "jail root");
	if (fstat(fd, &a) < 0 || fstat(p->root_fd, &b) < 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return jc_fail(err, 0, "%s changed during setup", p->root);
	if (move_mount(c->root, "", fd, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "move_mount %s onto itself",
			       p->root);
	return 0;
}

static int compose_tmpfs(const struct jc_plan *p, int root, struct jc_err *err)
{
	for (size_t i = 0; i < p->n_tmpfs; i++) {
		cleanup_fd int m = -1;

		if (jm_new_tmpfs_inodes("1777", p->tmpfs_size, p->tmpfs_inodes,
					MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
					&m, err) < 0)
			return jc_err_wrap(err, "tmpfs %s", p->tmpfs[i]);
		if (jm_attach(m, root, p->root, p->tmpfs[i], err) < 0)
			return -1;
	}
	return 0;
}

/* XDG_RUNTIME_DIR: a tree with run/user gets a tmpfs there, so each
 * session's /run/user/UID (session.c) is the jail's own -- never the
 * host's, where the user's systemd manager listens (systemctl --user,
 * systemd-run --user would run commands outside the jail). */
static int compose_run_user(const struct jc_plan *p, int root,
			    struct jc_err *err)
{
	cleanup_fd int m = -1;

	return jm_optional_tmpfs(root, p->root, "run/user", "0755",
				 p->tmpfs_size, p->tmpfs_inodes,
				 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &m, err);
}

int jc_mounts_runtime_tmpfs(const struct jc_plan *p, int top, const char *name,
			    struct jc_err *err)
{
	cleanup_fd int target = -1;
	cleanup_fd int m = -1;

	target = openat(top, name,
			O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
	if (target < 0)
		return jc_fail(err, errno, "open the jail's /run/user/%s",
			       name);
	if (jm_new_tmpfs_inodes("0700", p->tmpfs_size, p->tmpfs_inodes,
				MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &m,
				err) < 0)
		return jc_err_wrap(err, "/run/user/%s", name);
	if (move_mount(m, "", target, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "mount the jail's /run/user/%s",
			       name);
	return 0;
}

int jc_mounts_compose(const struct jc_plan *p, struct jc_clones *c,
		      int *newroot, int *log_sock, struct jc_err *err)
{
	if (attach_root(p, c, err) < 0)
		return -1;
	for (size_t i = 0; i < p->n_binds; i++)
		if (jm_attach(c->binds[i], c->root, p->root, p->binds[i].dst,
			      err) < 0)
			return jc_err_wrap(err, "bind %s", p->binds[i].src);
	if (compose_tmpfs(p, c->root, err) < 0 ||
	    compose_run_user(p, c->root, err) < 0 ||
	    jm_dev_compose(p, c->root, c, log_sock, err) < 0 ||
	    jm_books_compose(p, c->root, c, err) < 0)
		return -1;
	*newroot = c->root;
	return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one; the lazy
 * unmount then drops the whole host tree: unlike chroot, nothing above the
 * new root stays reachable. */
static int pivot(int root, struct jc_err *err)
{
	if (fchdir(root) < 0)
		return jc_fail(err, errno, "fchdir to jail root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return jc_fail(err, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return jc_fail(err, errno, "detach old root");
	if (chdir("/") < 0)
		return jc_fail(err, errno, "chdir /");
	return 0;
}

int jc_mounts_finish(int root, const char *root_name, struct jc_err *err)
{
	if (jm_proc_mount(root, root_name, err) < 0)
		return -1;
	return pivot(root, err);
}
