/* SPDX-License-Identifier: BSD-3-Clause */
/* mount_books.c - the host's login records inside a jail, for the caller only.
 *
 * After open_session the privileged caller lives in the jail's mount view:
 * sshd's monitor writes utmp, wtmp and lastlog there (mm_record_login),
 * shadow's login writes utmp and wtmp from its child before the setuid.
 * Without the host's files those records vanish and `who`, `last` and
 * `lastlog` on the host stop showing jailed logins.  So the jail's var/log
 * and var/run (when its tree has them) become small tmpfs directories of
 * mode 0700 holding binds of the host's wtmp, lastlog and utmp (a tree
 * without them, or with symlinks there, simply keeps no books): the root
 * caller (CAP_DAC_OVERRIDE) reaches them by their usual paths, the jailed
 * user cannot even look up a name there, so `who` and `last` inside show
 * nothing of other users.  A jail with its own /etc (allow_root) keeps its
 * own books: its root would get through the 0700 directory.
 *
 * Debian 13 keeps them in SQLite databases instead: wtmpdb (opened as
 * /var/lib/wtmpdb/wtmp.db, a symlink to ../../log/wtmp.db on Debian;
 * written by pam_wtmpdb at open and close and by sshd-session for ptys)
 * and lastlog2 (/var/lib/lastlog/lastlog2.db).  A jailed session's close
 * runs pam_wtmpdb in the jail's view; without the database there it logs
 * "update_logout: Updated wrong number of rows" and the login stays
 * "still logged in".  SQLite puts its rollback journal (or -wal and -shm)
 * beside the database file, and the next opener on the host must find a
 * hot one: so the host's var/lib directories are bound whole into a 0700
 * tmpfs over the jail's var/lib (trees with var/lib; that tmpfs hides the
 * tree's own var/lib from the session, as the one on var/log does), their
 * journals land on the host.  Debian's wtmp.db itself is bound like wtmp,
 * as a file: its journal lives in the jail's var/log tmpfs while a write
 * runs (the locks are the host file's own, so writers still take turns);
 * only a caller killed in the middle of a write would leave a journal the
 * host does not see.
 *
 * Not in a jail with a private devpts (E15, tests/e2e/45-host-books.sh):
 * there sshd and login name the session's tty by the jail's own devpts,
 * pts/0 upwards, and utmp and wtmp key their records by that line (utmp
 * overwrites the entry with the same ut_id, `last` pairs a logout with
 * the login of the same line).  A jailed user who holds the jail's low
 * ptys picks the number of its next login, and so overwrote another
 * user's utmp entry on the host (gone from `who`) and "ended" that
 * user's session in `last` by logging out.  Such a jail gets an empty
 * utmp of its own in the 0700 tmpfs instead and the host's /dev/null as
 * wtmp (the caller's writes succeed, nobody reads them, and an
 * append-only log of a long-lived jail does not fill the tmpfs);
 * lastlog (by uid), wtmpdb and lastlog2 (rows by id and by name) are
 * still the host's.
 *
 * The same way, and for the same caller only: the host's system bus
 * socket at the jail's /run/dbus (trees with run/dbus).  pam_systemd's
 * close_session connects to it from inside the jail's view to tell logind
 * the session ends cleanly (ReleaseSession); it opens a new connection
 * there, the one of its open_session is gone.  A jailed user cannot reach
 * the socket; a jailed root (allow_root) never gets it: as uid 0 on the
 * host's bus it could ask systemd to run anything outside the jail.
 */
#include "mount_priv.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/paths.h"

/* What a jail with a private devpts gets instead of the host's book. */
enum in_private {
	HOSTS,	  /* the host's: not keyed by the tty's name */
	OWN_FILE, /* utmp: an empty one of the jail's (slots are reused) */
	DEV_NULL, /* wtmp, append-only: the host's /dev/null, so a long-lived
		   * jail's logins do not fill its 1 MiB tmpfs */
};

struct book {
	const char *dir; /* in the jail */
	const char *name;
	const char *host; /* the host's file or directory */
	enum in_private in_private;
};

/* Entries with the same dir are adjacent: one tmpfs each. */
static const struct book books[JC_N_BOOKS] = {
	{ "/var/log", "wtmp", "/var/log/wtmp", DEV_NULL },
	{ "/var/log", "lastlog", "/var/log/lastlog", HOSTS },
	{ "/var/log", "wtmp.db", "/var/log/wtmp.db", HOSTS },
	{ "/var/run", "utmp", "/var/run/utmp", OWN_FILE },
	{ "/var/lib", "wtmpdb", "/var/lib/wtmpdb", HOSTS },
	{ "/var/lib", "lastlog", "/var/lib/lastlog", HOSTS },
	{ "/run/dbus", "system_bus_socket", "/run/dbus/system_bus_socket",
	  HOSTS },
};

/* Book I of the host: 1 when the host keeps it (*fd an O_PATH fd of it),
 * 0 when it does not, -1 on error. */
static int open_host_book(int i, int *fd, struct jc_err *err)
{
	if (jc_path_open_host(books[i].host, 0, fd, err) == 0)
		return 1;
	return err->kind == JC_ERR_NOT_FOUND ? 0 : -1;
}

/* A clone of the host's book at FD (a file or a directory). */
static int clone_host_book(int i, int fd, int *out, struct jc_err *err)
{
	return jm_clone_tree(fd, "",
			     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				     MOUNT_ATTR_NOEXEC,
			     books[i].host, out, err);
}

/* Clone the host's files now, in the host's mount namespace; a file the
 * host does not keep is left out. */
int jm_books_prepare(const struct jc_plan *p, struct jc_clones *c,
		     struct jc_err *err)
{
	for (int i = 0; i < JC_N_BOOKS; i++) {
		cleanup_fd int fd = -1;
		int kept;

		c->books[i] = -1;
		c->own_book[i] = false;
		if (p->own_etc)
			continue;
		if ((kept = open_host_book(i, &fd, err)) <= 0) {
			if (kept < 0)
				return -1;
			continue;
		}
		c->own_book[i] = p->private_devpts &&
				 books[i].in_private == OWN_FILE;
		if (c->own_book[i])
			continue; /* an empty one of the jail's, at compose */
		/* a device node: not nodev; read-only still lets it be
		 * written (a device write is not one to the mount) */
		if (p->private_devpts && books[i].in_private == DEV_NULL) {
			if (jm_clone_tree(AT_FDCWD, "/dev/null",
					  MOUNT_ATTR_RDONLY |
						  MOUNT_ATTR_NOSUID |
						  MOUNT_ATTR_NOEXEC,
					  "/dev/null", &c->books[i], err) < 0)
				return -1;
			continue;
		}
		if (clone_host_book(i, fd, &c->books[i], err) < 0)
			return -1;
	}
	return 0;
}

/* An empty book of the jail's own: root's, in the 0700 tmpfs. */
static int own_book(int dirfd, const char *dir, const char *name,
		    struct jc_err *err)
{
	int fd = openat(dirfd, name,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0644);

	if (fd < 0)
		return jc_fail(err, errno, "create the jail's %s/%s", dir,
			       name);
	close(fd);
	return 0;
}

int jm_books_compose(const struct jc_plan *p, int root, struct jc_clones *c,
		     struct jc_err *err)
{
	cleanup_fd int dirfd = -1;
	const char *open_dir = NULL;
	int rc = 0;

	for (int i = 0; i < JC_N_BOOKS && rc == 0; i++) {
		if (c->books[i] < 0 && !c->own_book[i])
			continue;
		if (!open_dir || strcmp(open_dir, books[i].dir) != 0) {
			jc_closep(&dirfd);
			open_dir = books[i].dir;
			/* a tree copied from a real system has var/run -> /run
			 * (no books there then) */
			rc = jm_optional_tmpfs(root, p->root, open_dir, "0700",
					       1ULL << 20, 0,
					       MOUNT_ATTR_NOSUID |
						       MOUNT_ATTR_NODEV |
						       MOUNT_ATTR_NOEXEC,
					       &dirfd, err);
		}
		if (rc == 0 && dirfd >= 0)
			rc = c->own_book[i] ? own_book(dirfd, open_dir,
						       books[i].name, err) :
					      jm_bind_into(dirfd, books[i].name,
							   c->books[i], err);
	}
	return rc;
}

/* A session's own view (mount_view.c) of a jail with a private devpts:
 * the books that jail keeps of its own (utmp, wtmp) are the host's again,
 * since the lines written there are the host's.  Cloned here, in the host's
 * mount namespace. */
int jm_books_view_prepare(int out[JC_N_BOOKS], struct jc_err *err)
{
	for (int i = 0; i < JC_N_BOOKS; i++) {
		cleanup_fd int fd = -1;
		int kept;

		out[i] = -1;
		if (books[i].in_private == HOSTS)
			continue;
		if ((kept = open_host_book(i, &fd, err)) < 0 ||
		    (kept && clone_host_book(i, fd, &out[i], err) < 0))
			return -1;
	}
	return 0;
}

/* Over the jail's own, where the jail has one (a tree without var/run or
 * var/log keeps no books). */
int jm_books_view_compose(int root, const char *root_name,
			  const int in[JC_N_BOOKS], struct jc_err *err)
{
	char path[64];

	for (int i = 0; i < JC_N_BOOKS; i++) {
		if (in[i] < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", books[i].dir,
			 books[i].name);
		if (jm_attach(in[i], root, root_name, path, err) < 0 &&
		    err->kind != JC_ERR_NOT_FOUND)
			return -1;
	}
	return 0;
}
