/* SPDX-License-Identifier: BSD-3-Clause */
/* faultshim.so - make the Nth call of a chosen function fail, for the fault
 * walk of tests/e2e/40-faults.sh.  Test-only: LD_PRELOADed into the PAM
 * caller, never built into the module.
 *
 *   FAULT_TRACE=FILE        append "FUNC COUNT ROLE" for every call made
 *                           from pam_jail.so, to learn the steps; ROLE is
 *                           "caller" (the process the shim was loaded in)
 *                           or "child" (the jail's pid 1 before its
 *                           exec).  The jail's pid 1
 *                           closes every fd and loses the trace file
 *                           after its pivot; the test adds those steps.
 *   FAULT=FUNC:COUNT:ERRNO:ROLE  make call number COUNT of FUNC (as
 *                           traced) in ROLE return -1 with ERRNO
 *
 * Only calls whose return address lies in pam_jail.so or its core,
 * pam_jail-core.so, count, so sshd's or login's own calls are never
 * touched.  Counters are per process and
 * inherited across fork, exactly as in the trace.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum {
	F_UNSHARE,
	F_MOUNT,
	F_OPEN_TREE,
	F_MOVE_MOUNT,
	F_MOUNT_SETATTR,
	F_FSOPEN,
	F_FSCONFIG,
	F_FSMOUNT,
	F_SETNS,
	F_FORK,
	F_EXECVEAT,
	F_SETHOSTNAME,
	F_PIDFD_OPEN,
	F_SOCKETPAIR,
	F_MKNODAT,
	F_MKDIRAT,
	F_SYMLINKAT,
	F_OPENAT2,
	F_PIVOT_ROOT,
	F_UMOUNT2,
	F_CAP_DROP_BOUND,
	F_CAP_SET_SECBITS,
	F_CAP_SET_PROC,
	F_CAP_RESET_AMBIENT,
	F_PRCTL,
	F_SECCOMP_LOAD,
	F_WRITE,
	F_BIND,
	F_CLONE,
	F_N
};

static const char *const names[F_N] = {
	"unshare",	  "mount",
	"open_tree",	  "move_mount",
	"mount_setattr",  "fsopen",
	"fsconfig",	  "fsmount",
	"setns",	  "fork",
	"execveat",	  "sethostname",
	"pidfd_open",	  "socketpair",
	"mknodat",	  "mkdirat",
	"symlinkat",	  "openat2",
	"pivot_root",	  "umount2",
	"cap_drop_bound", "cap_set_secbits",
	"cap_set_proc",	  "cap_reset_ambient",
	"prctl",	  "seccomp_load",
	"write",	  "bind",
	"clone",
};

static unsigned counts[F_N];
static pid_t loader;
static const char *role(void);

static const char *role(void)
{
	return getpid() == loader ? "caller" : "child";
}

static int from_module(void *ret)
{
	Dl_info info;

	/* the module is a door and its core (pam_jail.c, pam_jail_core.c) */
	return dladdr(ret, &info) && info.dli_fname &&
	       (strstr(info.dli_fname, "pam_jail.so") ||
		strstr(info.dli_fname, "pam_jail-core.so"));
}

/* The trace file is opened once, at load: after the caller's setns its
 * path would name a file inside the jail. */
static int trace_fd = -1;

static void trace(int f)
{
	char line[96];
	int n, saved = errno;

	if (trace_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %u %s\n", names[f], counts[f],
		     role());
	if (n > 0)
		(void)!write(trace_fd, line, (size_t)n);
	errno = saved;
}

/* 1 when this call must fail (errno set). */
static int hit(int f, void *ret)
{
	const char *spec = getenv("FAULT");
	char name[32], who[16];
	unsigned n;
	int e;

	if (!from_module(ret))
		return 0;
	counts[f]++;
	trace(f);
	if (!spec || sscanf(spec, "%31[^:]:%u:%d:%15s", name, &n, &e, who) != 4)
		return 0;
	if (strcmp(name, names[f]) != 0 || n != counts[f] ||
	    strcmp(who, role()) != 0)
		return 0;
	errno = e;
	return 1;
}

/* The real functions, looked up once at load: after the jail's pivot
 * and close_range a lazy dlsym may find nothing it needs. */
static void *real[F_N + 1];

__attribute__((constructor)) static void resolve(void)
{
	loader = getpid();
	if (getenv("FAULT_TRACE"))
		trace_fd = open(getenv("FAULT_TRACE"),
				O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
				0600);
	for (int i = 0; i < F_N; i++)
		real[i] = dlsym(RTLD_NEXT, names[i]);
	real[F_N] = dlsym(RTLD_NEXT, "syscall");
}

static void *lookup(const char *name)
{
	int i = 0;

	while (i < F_N && strcmp(names[i], name) != 0)
		i++;
	if (!real[i]) /* called before our constructor ran */
		real[i] = dlsym(RTLD_NEXT, name);
	/* libcap and libseccomp come in with pam_jail.so through libpam's
	 * dlopen, RTLD_LOCAL: RTLD_NEXT does not see them */
	if (!real[i])
		real[i] = dlsym(dlopen("libcap.so.2", RTLD_LAZY | RTLD_NOLOAD),
				name);
	if (!real[i])
		real[i] = dlsym(dlopen("libseccomp.so.2",
				       RTLD_LAZY | RTLD_NOLOAD),
				name);
	return real[i];
}

#define REAL(ret, fn, ...) ((ret(*)(__VA_ARGS__))lookup(#fn))

#define RA __builtin_return_address(0)

int unshare(int flags)
{
	return hit(F_UNSHARE, RA) ? -1 : REAL(int, unshare, int)(flags);
}

int mount(const char *s, const char *t, const char *fs, unsigned long f,
	  const void *d)
{
	return hit(F_MOUNT, RA) ? -1 :
				  REAL(int, mount, const char *, const char *,
				       const char *, unsigned long,
				       const void *)(s, t, fs, f, d);
}

int open_tree(int dfd, const char *p, unsigned int f)
{
	return hit(F_OPEN_TREE, RA) ? -1 :
				      REAL(int, open_tree, int, const char *,
					   unsigned int)(dfd, p, f);
}

int move_mount(int a, const char *b, int c, const char *d, unsigned int f)
{
	return hit(F_MOVE_MOUNT, RA) ?
		       -1 :
		       REAL(int, move_mount, int, const char *, int,
			    const char *, unsigned int)(a, b, c, d, f);
}

int mount_setattr(int dfd, const char *p, unsigned int f, struct mount_attr *a,
		  size_t s)
{
	return hit(F_MOUNT_SETATTR, RA) ?
		       -1 :
		       REAL(int, mount_setattr, int, const char *, unsigned int,
			    struct mount_attr *, size_t)(dfd, p, f, a, s);
}

int fsopen(const char *fs, unsigned int f)
{
	return hit(F_FSOPEN, RA) ?
		       -1 :
		       REAL(int, fsopen, const char *, unsigned int)(fs, f);
}

int fsconfig(int fd, unsigned int cmd, const char *k, const void *v, int a)
{
	return hit(F_FSCONFIG, RA) ?
		       -1 :
		       REAL(int, fsconfig, int, unsigned int, const char *,
			    const void *, int)(fd, cmd, k, v, a);
}

int fsmount(int fd, unsigned int f, unsigned int a)
{
	return hit(F_FSMOUNT, RA) ? -1 :
				    REAL(int, fsmount, int, unsigned int,
					 unsigned int)(fd, f, a);
}

int setns(int fd, int t)
{
	return hit(F_SETNS, RA) ? -1 : REAL(int, setns, int, int)(fd, t);
}

pid_t fork(void)
{
	return hit(F_FORK, RA) ? -1 : REAL(pid_t, fork, void)();
}

/* ns.c starts the jail's pid 1 with clone(CLONE_VM|CLONE_VFORK|...): it
 * shares the caller's memory, so the counters are shared with it too --
 * the trace sees the same numbers, so the walk still finds every step. */
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	void *ptid, *tls, *ctid;
	va_list ap;

	va_start(ap, arg);
	ptid = va_arg(ap, void *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, void *);
	va_end(ap);
	return hit(F_CLONE, RA) ?
		       -1 :
		       REAL(int, clone, int (*)(void *), void *, int, void *,
			    void *, void *,
			    void *)(fn, stack, flags, arg, ptid, tls, ctid);
}

int execveat(int d, const char *p, char *const a[], char *const e[], int f)
{
	return hit(F_EXECVEAT, RA) ?
		       -1 :
		       REAL(int, execveat, int, const char *, char *const *,
			    char *const *, int)(d, p, a, e, f);
}

int sethostname(const char *n, size_t l)
{
	return hit(F_SETHOSTNAME, RA) ?
		       -1 :
		       REAL(int, sethostname, const char *, size_t)(n, l);
}

int pidfd_open(pid_t p, unsigned int f)
{
	return hit(F_PIDFD_OPEN, RA) ?
		       -1 :
		       REAL(int, pidfd_open, pid_t, unsigned int)(p, f);
}

int socketpair(int d, int t, int p, int sv[2])
{
	return hit(F_SOCKETPAIR, RA) ?
		       -1 :
		       REAL(int, socketpair, int, int, int, int *)(d, t, p, sv);
}

int mknodat(int d, const char *p, mode_t m, dev_t dev)
{
	return hit(F_MKNODAT, RA) ? -1 :
				    REAL(int, mknodat, int, const char *,
					 mode_t, dev_t)(d, p, m, dev);
}

int mkdirat(int d, const char *p, mode_t m)
{
	return hit(F_MKDIRAT, RA) ?
		       -1 :
		       REAL(int, mkdirat, int, const char *, mode_t)(d, p, m);
}

int symlinkat(const char *t, int d, const char *p)
{
	return hit(F_SYMLINKAT, RA) ? -1 :
				      REAL(int, symlinkat, const char *, int,
					   const char *)(t, d, p);
}

int umount2(const char *t, int f)
{
	return hit(F_UMOUNT2, RA) ? -1 :
				    REAL(int, umount2, const char *, int)(t, f);
}

int cap_drop_bound(cap_value_t c)
{
	return hit(F_CAP_DROP_BOUND, RA) ?
		       -1 :
		       REAL(int, cap_drop_bound, cap_value_t)(c);
}

int cap_set_secbits(unsigned b)
{
	return hit(F_CAP_SET_SECBITS, RA) ?
		       -1 :
		       REAL(int, cap_set_secbits, unsigned)(b);
}

int cap_set_proc(cap_t c)
{
	return hit(F_CAP_SET_PROC, RA) ? -1 : REAL(int, cap_set_proc, cap_t)(c);
}

int cap_reset_ambient(void)
{
	return hit(F_CAP_RESET_AMBIENT, RA) ?
		       -1 :
		       REAL(int, cap_reset_ambient, void)();
}

int prctl(int o, ...)
{
	unsigned long a[4];
	va_list ap;

	va_start(ap, o);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	return hit(F_PRCTL, RA) ?
		       -1 :
		       REAL(int, prctl, int, unsigned long, unsigned long,
			    unsigned long,
			    unsigned long)(o, a[0], a[1], a[2], a[3]);
}

int seccomp_load(void *ctx)
{
	/* libseccomp returns -errno, not -1 */
	if (hit(F_SECCOMP_LOAD, RA))
		return -errno;
	return REAL(int, seccomp_load, void *)(ctx);
}

ssize_t write(int fd, const void *b, size_t n)
{
	return hit(F_WRITE, RA) ? -1 :
				  REAL(ssize_t, write, int, const void *,
				       size_t)(fd, b, n);
}

int bind(int s, const struct sockaddr *a, socklen_t l)
{
	return hit(F_BIND, RA) ? -1 :
				 REAL(int, bind, int, const struct sockaddr *,
				      socklen_t)(s, a, l);
}

long syscall(long nr, ...)
{
	long a[6];
	va_list ap;
	int f = nr == SYS_openat2    ? F_OPENAT2 :
		nr == SYS_pivot_root ? F_PIVOT_ROOT :
				       -1;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (f >= 0 && hit(f, RA))
		return -1;
	return REAL(long, syscall, long, long, long, long, long, long,
		    long)(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
