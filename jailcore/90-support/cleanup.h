/* SPDX-License-Identifier: BSD-3-Clause */
/* cleanup.h - fds and buffers that release themselves when the variable
 * holding them goes out of scope (gcc and clang's cleanup attribute, as
 * bubblewrap, systemd, crun and minijail use it).
 *
 * Why: a function that opens an fd or allocates a buffer and then has
 * several ways out (each failing step returns) must release what it owns
 * on every one of them.  Written by hand that is an `if (fd >= 0)
 * close(fd)` before each return or a goto chain at the end, and the one
 * return that forgets it leaks an fd into sshd's monitor, whose open
 * files the jailed session's processes may inherit.  With the attribute
 * the compiler runs the release on every return, and the code reads as
 * the steps it takes.
 *
 * Rules:
 *   - Initialise at the declaration: `cleanup_fd int fd = -1;`,
 *     `cleanup_free char *buf = NULL;`.  The release runs on whatever the
 *     variable holds, also when a return comes before the first
 *     assignment.
 *   - -1 (fd) and NULL (pointers) mean "nothing held"; the release does
 *     nothing for them.
 *   - Hand ownership on with steal_fd(&fd) / steal_ptr(&p): they return
 *     the value and leave -1 / NULL behind, so the release does nothing
 *     (`*out = steal_fd(&fd); return 0;`, `return steal_ptr(&buf);`).
 *   - Releasing keeps errno: a failing step's errno stays readable after
 *     the return (callers such as `return jc_fail(err, errno, ...)` read it
 *     before; callers one level up may read it after).
 *   - Never in a function that leaves by _exit() or exec, or whose frame
 *     is shared with a child (a fork or clone child, the CLONE_VM|
 *     CLONE_VFORK hop in ns.c): those paths must not run the releases
 *     (they skip them, or would run them in the wrong process).  What
 *     such a child calls and returns from may use them: the releases run
 *     in the child, on its own copies of the fds (ns.c's init_setup and
 *     the mount code).  Never on an fd that must outlive the function
 *     (passed to the jail, kept across exec): those are stolen or held
 *     by a struct with its own close function.
 *   - Where the order of closing matters, close by hand with jc_closep()
 *     (session.c's identity_join: a file open for writing makes the
 *     read-only remount after it fail with EBUSY).
 * gcc -fanalyzer follows the attribute; clang's analyzer does not (the
 * Makefile's analyze target says what that means for it).
 */
#ifndef JAILCORE_CLEANUP_H
#define JAILCORE_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* close(2) and fclose(3) may set errno (EINTR, EIO on a network file
 * system); the failing step's errno is what a caller reports.  These are
 * the release functions of the attributes below, and callable by hand:
 * jc_closep(&h->fd) closes a struct's fd and leaves -1 there. */
static inline void jc_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		(void)close(*fd);
		*fd = -1;
		errno = saved;
	}
}

/* P points at a pointer variable (any type). */
static inline void jc_freep(void *p)
{
	int saved = errno;

	free(*(void **)p);
	*(void **)p = NULL;
	errno = saved;
}

static inline void jc_fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;

		(void)fclose(*f);
		*f = NULL;
		errno = saved;
	}
}

static inline void jc_closedirp(DIR **d)
{
	if (*d) {
		int saved = errno;

		(void)closedir(*d);
		*d = NULL;
		errno = saved;
	}
}

/* A NULL-terminated vector of heap strings, each and the vector freed. */
static inline void jc_strv_freep(char ***v)
{
	int saved = errno;

	if (*v) {
		for (char **s = *v; *s; s++)
			free(*s);
		free(*v);
		*v = NULL;
	}
	errno = saved;
}

#define cleanup_fd __attribute__((cleanup(jc_closep)))
#define cleanup_free __attribute__((cleanup(jc_freep)))
#define cleanup_file __attribute__((cleanup(jc_fclosep)))
#define cleanup_strv __attribute__((cleanup(jc_strv_freep)))
#define cleanup_dir __attribute__((cleanup(jc_closedirp)))

/* Take what *fd holds and leave -1: the caller now owns it. */
static inline int steal_fd(int *fd)
{
	int v = *fd;

	*fd = -1;
	return v;
}

/* Take what *pp holds and leave NULL.  A macro so the result keeps the
 * pointer's type: `char *s = steal_ptr(&buf);`. */
#define steal_ptr(pp)                                                          \
	__extension__({                                                        \
		__typeof__(*(pp)) steal_ptr_v_ = *(pp);                        \
		*(pp) = NULL;                                                  \
		steal_ptr_v_;                                                  \
	})

/* fdopendir(3) and fdopen(3) owning FD from the call on: when they fail,
 * FD is closed (errno kept), so the caller holds exactly one thing either
 * way.  FD < 0 (a failed open or dup passed straight in) gives NULL with
 * that call's errno. */
static inline DIR *jc_fdopendir_owned(int fd)
{
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d)
		jc_closep(&fd);
	return d;
}

static inline FILE *jc_fdopen_owned(int fd, const char *mode)
{
	FILE *f = fd >= 0 ? fdopen(fd, mode) : NULL;

	if (!f)
		jc_closep(&fd);
	return f;
}

#endif
