/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_create.c - laying out a jail's tree from the list jailctl_tree.c
 * builds (`jailctl create`); see jailctl.h.
 *
 * create works on file descriptors only: every component is opened with
 * O_NOFOLLOW relative to its parent, created with mkdirat/openat(O_EXCL),
 * then chowned root:root and chmodded through the new fd.  It never
 * changes anything that exists: a component that is a symlink, not a
 * directory, not root's or writable by group or others is refused (a dry
 * run finds that before anything is created).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/paths.h"
#include "jailctl.h"

struct walker {
	bool dry; /* only look: refuse before anything changes */
	int created;
	char at[PATH_MAX]; /* host path of the current directory */
};

/* DIR/NAME, for messages (a name too long to show is cut). */
static void join(char *out, size_t size, const char *dir, const char *name)
{
	if (snprintf(out, size, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
		     name) >= (int)size)
		out[size - 1] = '\0';
}

/* An existing directory we are about to create things in or below. */
static int trusted(int fd, const char *shown)
{
	struct stat st;
	const char *why;

	if (fstat(fd, &st) < 0) {
		complain("create: %s: %s", shown, strerror(errno));
		return -1;
	}
	why = jc_path_not_root_only(&st);
	if (why == JC_NOT_ROOTS) {
		complain(
			"create: refusing %s: not owned by root (uid %u); create "
			"never changes an existing tree: chown it or remove it",
			shown, (unsigned)st.st_uid);
		return -1;
	}
	if (why == JC_OTHERS_WRITE) {
		complain("create: refusing %s: writable by group or others "
			 "(mode %04o); create never loosens nor repairs an "
			 "existing tree: chmod go-w it or remove it",
			 shown, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* NAME in DIRFD could not be opened as a directory: say what is there. */
static int not_a_dir(int dirfd, const char *name, const char *shown, int errnum)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		complain("create: refusing %s: a symlink (create follows none, "
			 "and the module refuses a symlink on the way to a mount "
			 "point): replace it with a real directory or file",
			 shown);
	else if (errnum == ENOTDIR)
		complain("create: refusing %s: exists and is not a directory",
			 shown);
	else
		complain("create: %s: %s", shown, strerror(errnum));
	return -1;
}

/* mkdir NAME in DIRFD as root:root 0755 and open it. */
static int new_dir(int dirfd, const char *name, const char *shown, int *out)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0) {
		complain("create: mkdir %s: %s", shown, strerror(errno));
		return -1;
	}
	fd = openat(dirfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchown(fd, 0, 0) < 0 || fchmod(fd, 0755) < 0) {
		complain("create: %s: %s", shown, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	printf("created %s/\n", shown);
	*out = fd;
	return 0;
}

/* Step from *FD into directory NAME (creating it).  In a dry run a
 * missing NAME ends the walk: *FD becomes -1, all below it will be new. */
static int descend(struct walker *w, int *fd, const char *name)
{
	char shown[PATH_MAX];
	int nfd;

	join(shown, sizeof(shown), w->at, name);
	nfd = openat(*fd, name,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nfd < 0 && errno == ENOENT && w->dry) {
		close(*fd);
		*fd = -1;
		return 0;
	}
	if (nfd < 0 && errno == ENOENT) {
		if (new_dir(*fd, name, shown, &nfd) < 0)
			return -1;
		w->created++;
	} else if (nfd < 0) {
		return not_a_dir(*fd, name, shown, errno);
	} else if (trusted(nfd, shown) < 0) {
		close(nfd);
		return -1;
	}
	close(*fd);
	*fd = nfd;
	snprintf(w->at, sizeof(w->at), "%s", shown);
	return 0;
}

/* Walk PATH's directories beneath *FD (at w->at); the last component is
 * left in LAST unless ALL. */
static int walk(struct walker *w, int *fd, const char *path, bool all,
		char *last, size_t size)
{
	char buf[PATH_MAX], *save = NULL, *c, *next;

	snprintf(buf, sizeof(buf), "%s", path);
	for (c = strtok_r(buf, "/", &save); c && *fd >= 0; c = next) {
		next = strtok_r(NULL, "/", &save);
		if (!next && !all) {
			snprintf(last, size, "%s", c);
			return 0;
		}
		if (descend(w, fd, c) < 0)
			return -1;
	}
	return 0;
}

static int new_file(int dirfd, const char *name, const char *shown,
		    const char *content)
{
	size_t len = content ? strlen(content) : 0;
	int fd = openat(dirfd, name,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0600);

	if (fd < 0 || (len && write(fd, content, len) != (ssize_t)len) ||
	    fchown(fd, 0, 0) < 0 || fchmod(fd, 0644) < 0) {
		complain("create: %s: %s", shown, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	printf("created %s\n", shown);
	return 0;
}

/* A root-owned symlink NAME -> TARGET (umask does not apply to links). */
static int new_link(int dirfd, const char *name, const char *shown,
		    const char *target)
{
	if (symlinkat(target, dirfd, name) < 0 ||
	    fchownat(dirfd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0) {
		complain("create: %s: %s", shown, strerror(errno));
		return -1;
	}
	printf("created %s -> %s\n", shown, target);
	return 0;
}

/* The last component of E, in DIRFD. */
static int leaf(struct walker *w, int dirfd, const char *name,
		const struct ent *e)
{
	char shown[PATH_MAX];
	struct stat st;
	int fd;

	join(shown, sizeof(shown), w->at, name);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (e->extra)
			return 0; /* the admin's own: leave it */
		if (S_ISLNK(st.st_mode))
			return not_a_dir(dirfd, name, shown, ELOOP);
		if (e->kind == ENT_DIR ? S_ISDIR(st.st_mode) :
					 S_ISREG(st.st_mode))
			return 0;
		complain("create: refusing %s: exists and is not a %s (needed for "
			 "%s)",
			 shown,
			 e->kind == ENT_DIR ? "directory" : "regular file",
			 e->what);
		return -1;
	}
	if (errno != ENOENT) {
		complain("create: %s: %s", shown, strerror(errno));
		return -1;
	}
	if (w->dry)
		return 0;
	w->created++;
	if (e->kind == ENT_LINK)
		return new_link(dirfd, name, shown, e->target);
	if (e->kind == ENT_FILE)
		return new_file(dirfd, name, shown, e->content);
	if (new_dir(dirfd, name, shown, &fd) < 0)
		return -1;
	close(fd);
	return 0;
}

static int open_slash(struct walker *w, int *fd)
{
	*fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(w->at, sizeof(w->at), "/");
	if (*fd < 0) {
		complain("create: /: %s", strerror(errno));
		return -1;
	}
	return trusted(*fd, "/");
}

/* One pass over the root and every entry; -1 after saying why. */
static int pass(const struct layout *l, struct walker *w)
{
	char name[PATH_MAX];
	int rootfd = -1, fd, rc = 0;

	if (open_slash(w, &rootfd) < 0 ||
	    walk(w, &rootfd, l->root, true, NULL, 0) < 0)
		goto out;
	for (size_t i = 0; rootfd >= 0 && i < l->n && rc == 0; i++) {
		const struct ent *e = &l->v[i];

		if (e->covered)
			continue;
		fd = dup(rootfd);
		snprintf(w->at, sizeof(w->at), "%s", l->root);
		name[0] = '\0';
		rc = fd < 0 ? -1 :
			      walk(w, &fd, e->path, false, name, sizeof(name));
		if (rc == 0 && fd >= 0 && name[0])
			rc = leaf(w, fd, name, e);
		if (fd >= 0)
			close(fd);
	}
	if (rootfd >= 0)
		close(rootfd);
	return rc;
out:
	if (rootfd >= 0)
		close(rootfd);
	return -1;
}

int layout_create(const struct layout *l, int *created)
{
	struct walker w = { .dry = true };
	int rc;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].covered)
			note("%s%s: inside the bind at %s, whose source provides it",
			     l->root, l->v[i].path, l->v[i].covered);
	if (pass(l, &w) < 0)
		return -1; /* refused before anything changed */
	w.dry = false;
	rc = pass(l, &w);
	*created += w.created;
	return rc;
}
