/* SPDX-License-Identifier: BSD-3-Clause */
/* paths.c - see paths.h */
#include "paths.h"

#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40

/* What a failed lookup of a path means to the caller: an optional mount
 * point that is not there is skipped, a real failure is not. */
static enum jc_err_kind lookup_kind(int e)
{
	if (e == ENOENT)
		return JC_ERR_NOT_FOUND;
	if (e == ENOTDIR)
		return JC_ERR_NOT_DIR;
	return e == ENOMEM ? JC_ERR_NOMEM : JC_ERR_SYS;
}

static int openat2_path(int dirfd, const char *path, unsigned long long resolve)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
		.resolve = resolve,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

bool jc_path_is_clean(const char *path)
{
	const char *p = path;

	if (!path || path[0] != '/')
		return false;
	while (*p) {
		const char *c = p + 1;
		size_t n = strcspn(c, "/");

		if ((n == 0 && c[0] == '/') || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		p = c + n;
	}
	return true;
}

const char JC_NOT_ROOTS[] = "not owned by root";
const char JC_OTHERS_WRITE[] = "writable by group or others";

const char *jc_path_not_root_only(const struct stat *st)
{
	if (st->st_uid != 0)
		return JC_NOT_ROOTS;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return JC_OTHERS_WRITE;
	return NULL;
}

/* A directory (or symlink) nobody but root can change. */
static bool trusted(const struct stat *st)
{
	return !jc_path_not_root_only(st);
}

static int check_owner(const struct stat *st, const char *path,
		       const char *what, struct jc_err *err)
{
	const char *why = jc_path_not_root_only(st);

	return why ? jc_fail_path(err, JC_ERR_UNSAFE_PATH, 0, path,
				  "%s: %s is %s", path, what, why) :
		     0;
}

struct walk {
	const char *path; /* for messages */
	int flags;
	int dirfd; /* current directory */
	struct stat dirst;
	char rest[PATH_MAX]; /* components still to walk */
	int links;
};

static int walk_restart_at_root(struct walk *w, struct jc_err *err)
{
	int fd = open("/", O_PATH | O_CLOEXEC | O_DIRECTORY);

	if (fd < 0)
		return jc_fail(err, errno, "%s: open /", w->path);
	jc_closep(&w->dirfd);
	w->dirfd = fd;
	if (fstat(fd, &w->dirst) < 0)
		return jc_fail(err, errno, "%s: stat /", w->path);
	if ((w->flags & JC_ADMIT_ROOT_OWNED) &&
	    check_owner(&w->dirst, w->path, "/", err) < 0)
		return -1;
	return 0;
}

/* Splice the target of symlink NAME (in w->dirfd) in front of w->rest. */
static int walk_follow(struct walk *w, const char *name, int linkfd,
		       const struct stat *lst, struct jc_err *err)
{
	char target[PATH_MAX], joined[PATH_MAX];
	ssize_t n;

	if (!trusted(&w->dirst) || lst->st_uid != 0)
		return jc_fail_path(err, JC_ERR_UNSAFE_PATH, 0, w->path,
				    "%s: symlink '%s' is in a directory not "
				    "controlled by root; refusing to follow it",
				    w->path, name);
	if (++w->links > MAX_SYMLINKS)
		return jc_fail_path(err, JC_ERR_UNSAFE_PATH, ELOOP, w->path,
				    "%s", w->path);
	n = readlinkat(linkfd, "", target, sizeof(target) - 1);
	if (n < 0)
		return jc_fail(err, errno, "%s: readlink %s", w->path, name);
	target[n] = '\0';
	if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", target,
			     w->rest) >= sizeof(joined))
		return jc_fail(err, ENAMETOOLONG, "%s", w->path);
	memcpy(w->rest, joined, sizeof(joined));
	if (target[0] == '/')
		return walk_restart_at_root(w, err);
	return 0;
}

/* Pop the next component of w->rest into NAME; returns 0 when none. */
static int next_component(struct walk *w, char *name, size_t size)
{
	char *r = w->rest;
	size_t n;

	while (*r == '/')
		r++;
	n = strcspn(r, "/");
	if (n == 0 || n >= size)
		return n == 0 ? 0 : -1;
	memcpy(name, r, n);
	name[n] = '\0';
	memmove(w->rest, r + n, strlen(r + n) + 1);
	return 1;
}

static int walk_step(struct walk *w, const char *name, struct jc_err *err)
{
	cleanup_fd int fd = -1;
	struct stat st;

	if (strcmp(name, ".") == 0)
		return 0;
	fd = openat(w->dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return jc_fail_path(err, lookup_kind(errno), errno, w->path,
				    "%s: component '%s'", w->path, name);
	if (fstat(fd, &st) < 0)
		return jc_fail(err, errno, "%s: stat '%s'", w->path, name);
	if (S_ISLNK(st.st_mode))
		return walk_follow(w, name, fd, &st, err);
	if ((w->flags & JC_ADMIT_ROOT_OWNED) &&
	    check_owner(&st, w->path, name, err) < 0)
		return -1;
	jc_closep(&w->dirfd);
	w->dirfd = steal_fd(&fd);
	w->dirst = st;
	return 0;
}

/* The walk's open directory, on every way out of jc_path_open_host. */
static void walk_close(struct walk *w)
{
	jc_closep(&w->dirfd);
}

int jc_path_open_host(const char *path, int flags, int *out, struct jc_err *err)
{
	struct walk w __attribute__((cleanup(walk_close))) = {
		.path = path,
		.flags = flags,
		.dirfd = -1,
	};
	char name[NAME_MAX + 1];
	int more;

	if (!path || path[0] != '/')
		return jc_fail_path(err, JC_ERR_UNSAFE_PATH, 0, path,
				    "%s: not an absolute path",
				    path ? path : "(null)");
	if (strlen(path) >= sizeof(w.rest))
		return jc_fail(err, ENAMETOOLONG, "%s", path);
	strcpy(w.rest, path);
	if (walk_restart_at_root(&w, err) < 0)
		return -1;
	while ((more = next_component(&w, name, sizeof(name))) > 0) {
		if (strcmp(name, "..") == 0)
			return jc_fail_path(err, JC_ERR_UNSAFE_PATH, 0, path,
					    "%s: '..' is not allowed", path);
		if (walk_step(&w, name, err) < 0)
			return -1;
	}
	if (more < 0)
		return jc_fail(err, ENAMETOOLONG, "%s", path);
	if ((flags & JC_ADMIT_DIR) && !S_ISDIR(w.dirst.st_mode))
		return jc_fail_path(err, JC_ERR_NOT_DIR, ENOTDIR, path, "%s",
				    path);
	*out = steal_fd(&w.dirfd);
	return 0;
}

int jc_path_open_in(int rootfd, const char *root_name, const char *path,
		    int *out, struct jc_err *err)
{
	/* Kernel-enforced: no symlink, no magic link, no escape above rootfd
	 * (CVE-2021-30465 was runc following a user's symlink here). */
	cleanup_fd int fd = openat2_path(rootfd, path,
					 RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS |
						 RESOLVE_NO_MAGICLINKS);
	struct stat st;

	if (fd < 0 && errno != ELOOP)
		return jc_fail_path(err, lookup_kind(errno), errno, path,
				    "%s%s", root_name, path);
	/* With O_PATH|O_NOFOLLOW a trailing symlink is opened as itself
	 * rather than failing: refuse it here. */
	if (fd < 0 || (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode))) {
		return jc_fail_path(err, JC_ERR_UNSAFE_PATH, 0, path,
				    "%s%s: a component is a symlink; mount "
				    "points must be real directories or files",
				    root_name, path);
	}
	*out = steal_fd(&fd);
	return 0;
}

int jc_path_private_dir(int at, const char *name, const char *shown,
			bool create, struct jc_err *err)
{
	cleanup_fd int fd = -1;
	struct stat st;

	if (create && mkdirat(at, name, 0700) < 0 && errno != EEXIST)
		return jc_fail(err, errno, "mkdir %s", shown);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jc_fail(err, errno, "open %s", shown);
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077))
		return jc_fail(err, 0,
			       "%s: must be a directory owned by root "
			       "with mode 0700",
			       shown);
	return steal_fd(&fd);
}
