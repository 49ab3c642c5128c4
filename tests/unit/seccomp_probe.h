/* SPDX-License-Identifier: BSD-3-Clause */
/* seccomp_probe.h - running system calls under a seccomp filter, for
 * the unit tests of jailcore/60-confine/seccomp.c (test_seccomp*.c; they run as root).
 *
 * Every probe runs in a forked child: set no_new_privs, install the
 * filter, make the call with harmless arguments, report rc and errno
 * through a pipe.  So that each check can fail, a denied call is also made
 * once without the filter (same arguments, again in a child) and must not
 * fail with the filter's errno: with the filter the kernel never sees the
 * call, without it the call succeeds harmlessly or fails for another
 * reason (EBADF, EFAULT, EINVAL).  Calls that could change the machine
 * (reboot, kexec, modules, swap, clock, acct) are never made without the
 * filter, and with it only with arguments the kernel would refuse anyway.
 * Mounts happen only on a scratch directory in the child's private mount
 * namespace.
 *
 * Everything is static inline so that a test program using only some of
 * it still builds with -Werror (no "defined but not used").
 */
#ifndef TESTS_SECCOMP_PROBE_H
#define TESTS_SECCOMP_PROBE_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailcore/60-confine/seccomp.h"
#include "tap.h"

/* The fixture of probe_setup: a directory to mount on, a terminal for
 * the ioctl probes. */
static char scratch[] = "/tmp/test_seccomp.XXXXXX";
static int pty_master = -1, pty_slave = -1;

static const struct jc_seccomp_spec dflt = { .mode = JC_SECCOMP_DEFAULT };

/* ---- running a probe in a child ---------------------------------------- */

typedef long (*probe_fn)(void);
typedef int (*setup_fn)(void);

enum stage { ST_OK, ST_SETUP, ST_INSTALL, ST_DIED };

struct res {
	enum stage stage;
	long rc;
	int err;
	char msg[JC_ERR_MAX];
};

static inline void child(const struct jc_seccomp_spec *spec, setup_fn setup,
			 probe_fn fn, int fd)
{
	struct res r = { .stage = ST_OK };
	struct jc_err e = { 0 };

	if (setup && setup() < 0) {
		r.stage = ST_SETUP;
		r.err = errno;
	} else if (spec && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
			    jc_seccomp_install(spec, &e) < 0)) {
		r.stage = ST_INSTALL;
		memcpy(r.msg, e.msg, sizeof(r.msg));
	} else {
		errno = 0;
		r.rc = fn();
		r.err = errno;
	}
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(2);
	_exit(0);
}

/* FN after SETUP (may be NULL), under SPEC (NULL: no filter at all). */
static inline struct res run(const struct jc_seccomp_spec *spec, setup_fn setup,
			     probe_fn fn)
{
	struct res r = { .stage = ST_DIED };
	int p[2], status = 0;
	ssize_t n = 0;
	pid_t pid;

	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0)
		return r;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(spec, setup, fn, p[1]);
	}
	close(p[1]);
	if (pid > 0)
		n = read(p[0], &r, sizeof(r));
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (n != (ssize_t)sizeof(r)) {
		r.stage = ST_DIED;
		r.rc = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
	}
	return r;
}

static inline const char *ename(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "?";
}

static inline void show(const char *label, const struct res *r)
{
	switch (r->stage) {
	case ST_OK:
		printf("#   %s: rc=%ld errno=%s\n", label, r->rc,
		       ename(r->err));
		break;
	case ST_SETUP:
		printf("#   %s: setup failed: %s\n", label, strerror(r->err));
		break;
	case ST_INSTALL:
		printf("#   %s: install failed: %s\n", label, r->msg);
		break;
	default:
		printf("#   %s: child died (signal %ld)\n", label, r->rc);
	}
}

static inline int failed_with(const struct res *r, int e)
{
	return r->stage == ST_OK && r->rc == -1 && r->err == e;
}

static inline int succeeded(const struct res *r)
{
	return r->stage == ST_OK && r->rc != -1;
}

/* Refused with WANT under SPEC; if CONTROL, also not WANT without it. */
static inline void denied_by(const struct jc_seccomp_spec *spec,
			     const char *what, setup_fn setup, probe_fn fn,
			     int want, int control)
{
	struct res f = run(spec, setup, fn), c;

	TAP_OK(failed_with(&f, want), "%s: %s with the filter", what,
	       ename(want));
	if (!failed_with(&f, want))
		show("with filter", &f);
	if (!control)
		return;
	c = run(NULL, setup, fn);
	TAP_OK(c.stage == ST_OK && !failed_with(&c, want),
	       "%s: not %s without it (%s)", what, ename(want),
	       c.rc == -1 ? ename(c.err) : "succeeds");
	if (c.stage != ST_OK || failed_with(&c, want))
		show("without filter", &c);
}

static inline void denied(const char *what, setup_fn setup, probe_fn fn,
			  int want)
{
	denied_by(&dflt, what, setup, fn, want, 1);
}

/* Never made unfiltered: only the filtered, invalid-argument call. */
static inline void denied_only(const char *what, probe_fn fn)
{
	denied_by(&dflt, what, NULL, fn, EPERM, 0);
}

static inline void works_under(const struct jc_seccomp_spec *spec,
			       const char *what, setup_fn setup, probe_fn fn)
{
	struct res r = run(spec, setup, fn);

	TAP_OK(succeeded(&r), "%s", what);
	if (!succeeded(&r))
		show("with filter", &r);
}

static inline void works(const char *what, setup_fn setup, probe_fn fn)
{
	works_under(&dflt, what, setup, fn);
}

/* ---- setups ------------------------------------------------------------ */

/* A private mount namespace, so nothing can reach the host's mounts. */
static inline int private_mounts(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* 0 without a filter, 2 (SECCOMP_MODE_FILTER) with one. */
static inline long p_seccomp_mode(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
}

/* ---- the fixture ------------------------------------------------------- */

static inline int setup_pty(void)
{
	pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty_master < 0 || grantpt(pty_master) < 0 ||
	    unlockpt(pty_master) < 0)
		return -1;
	pty_slave = open(ptsname(pty_master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	return pty_slave < 0 ? -1 : 0;
}

/* -1 (errno set) when the fixture cannot be made: the caller bails out. */
static inline int probe_setup(void)
{
	if (!mkdtemp(scratch) || setup_pty() < 0)
		return -1;
	if (geteuid() != 0)
		printf("# not root: the unfiltered controls will fail\n");
	return 0;
}

static inline void probe_teardown(void)
{
	rmdir(scratch);
	close(pty_slave);
	close(pty_master);
}

#endif
