/* SPDX-License-Identifier: BSD-3-Clause */
/* phasetrace.so - where the time of a PAM session goes, without touching
 * the module: an LD_PRELOAD library for bench/pambench that times the
 * calls pam_jail makes into libc, libpam, libiniparser, libseccomp and
 * libcap (interposed through the PLT), in the session's caller and the
 * jail's pid 1 (until it execs jail-init).
 *
 *   PHASETRACE_OUT=FILE LD_PRELOAD=.../phasetrace.so pambench ...
 *
 * Every timed call is one event {session, role, function, arg, t0, t1}
 * (CLOCK_MONOTONIC ns) in a MAP_SHARED buffer that every forked process
 * inherits; role 0 is pambench, 1 the session's caller (pambench's child),
 * 3 the jail's pid 1: a clone(CLONE_VM) child of the caller, which shares
 * the caller's memory (this library's variables too), so it is told apart
 * by its pid.
 * When pambench exits the buffer is written to FILE, one TSV line per
 * event: SESSION ROLE FUNCTION ARG T0 T1.  bench/report.py reads it.
 * Test-only: never load this into a real login.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS (1 << 18)

struct event {
	int sess;
	short role;
	short fn;
	long arg;
	long long t0, t1;
};

struct buffer {
	volatile long n;
	struct event ev[MAX_EVENTS];
};

enum fn {
	F_PAM_START,
	F_PAM_OPEN,
	F_PAM_CLOSE,
	F_PAM_END,
	F_GETPWNAM_R,
	F_INIPARSER_LOAD,
	F_GETGROUPLIST,
	F_FORK,
	F_UNSHARE,
	F_SETNS,
	F_POLL,
	F_SECCOMP_INIT,
	F_SECCOMP_LOAD,
	F_CAP_SET_PROC,
	F_CAP_DROP_BOUND,
	F_PIDFD_SEND_SIGNAL,
	F_OPEN_TREE,
	F_MOVE_MOUNT,
	F_MOUNT_SETATTR,
	F_FSOPEN,
	F_FSCONFIG,
	F_FSMOUNT,
	F_SYSCALL,
	F_UMOUNT2,
	F_EXECVEAT,
	F_MOUNT,
	F_WAITPID,
	F_PIDFD_OPEN,
	F_CLONE,
	F_SECCOMP_EXPORT_BPF,
	F_DLOPEN,
	F_N
};

static const char *const fn_name[F_N] = {
	"pam_start",
	"pam_open_session",
	"pam_close_session",
	"pam_end",
	"getpwnam_r",
	"iniparser_load",
	"getgrouplist",
	"fork",
	"unshare",
	"setns",
	"poll",
	"seccomp_init",
	"seccomp_load",
	"cap_set_proc",
	"cap_drop_bound",
	"pidfd_send_signal",
	"open_tree",
	"move_mount",
	"mount_setattr",
	"fsopen",
	"fsconfig",
	"fsmount",
	"syscall",
	"umount2",
	"execveat",
	"mount",
	"waitpid",
	"pidfd_open",
	"clone",
	"seccomp_export_bpf",
	"dlopen",
};

static struct buffer *buf;
static const char *out_path;
static pid_t top_pid;
static int role; /* 0 pambench, 1 caller, 3 init (see record) */
static int sess;

static long long now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void record(enum fn f, long arg, long long t0, long long t1)
{
	long i;

	if (!buf || role == 0)
		return;
	i = __atomic_fetch_add(&buf->n, 1, __ATOMIC_RELAXED);
	if (i >= MAX_EVENTS)
		return;
	/* the caller's clone(CLONE_VM) child sees the caller's ROLE */
	buf->ev[i] = (struct event){
		sess,	  (short)(role == 1 && getpid() != sess ? 3 : role),
		(short)f, arg,
		t0,	  t1
	};
}

/* libpam dlopens modules RTLD_LOCAL: pam_jail.so's own libraries are not
 * in the global scope RTLD_NEXT searches, so look there by soname. */
static void *next(const char *name)
{
	static const char *const libs[] = { "libseccomp.so.2",
					    "libiniparser.so.1", "libcap.so.2",
					    "libpam.so.0" };
	void *p = dlsym(RTLD_NEXT, name);

	for (size_t i = 0; !p && i < sizeof(libs) / sizeof(*libs); i++) {
		void *h = dlopen(libs[i], RTLD_LAZY | RTLD_NOLOAD);

		if (h)
			p = dlsym(h, name);
	}
	if (!p) {
		static const char msg[] = "phasetrace: a symbol is missing\n";

		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return p;
}

/* WRAP(ret, fn, enum, arg-for-the-log, (params), (args)) */
#define WRAP(R, NAME, F, ARG, PARAMS, ARGS)                                    \
	R NAME PARAMS                                                          \
	{                                                                      \
		static R(*real) PARAMS;                                        \
		long long t0;                                                  \
		R ret_;                                                        \
		if (!real)                                                     \
			real = (R(*) PARAMS)next(#NAME);                       \
		t0 = now();                                                    \
		ret_ = real ARGS;                                              \
		record(F, (long)(ARG), t0, now());                             \
		return ret_;                                                   \
	}

struct pam_handle;
struct pam_conv;
typedef struct pam_handle pam_handle_t;
typedef void *scmp_filter_ctx;
typedef void *cap_t;
typedef int cap_value_t;

WRAP(int, pam_start, F_PAM_START, 0,
     (const char *s, const char *u, const struct pam_conv *c, pam_handle_t **h),
     (s, u, c, h))
WRAP(int, pam_open_session, F_PAM_OPEN, 0, (pam_handle_t * h, int f), (h, f))
WRAP(int, pam_close_session, F_PAM_CLOSE, 0, (pam_handle_t * h, int f), (h, f))
WRAP(int, pam_end, F_PAM_END, 0, (pam_handle_t * h, int s), (h, s))
WRAP(int, getpwnam_r, F_GETPWNAM_R, 0,
     (const char *n, struct passwd *p, char *b, size_t l, struct passwd **r),
     (n, p, b, l, r))
WRAP(void *, iniparser_load, F_INIPARSER_LOAD, 0, (const char *p), (p))
WRAP(int, getgrouplist, F_GETGROUPLIST, 0,
     (const char *u, gid_t g, gid_t *gs, int *n), (u, g, gs, n))
WRAP(int, unshare, F_UNSHARE, fl, (int fl), (fl))
WRAP(int, setns, F_SETNS, 0, (int fd, int t), (fd, t))
WRAP(int, poll, F_POLL, to, (struct pollfd * p, nfds_t n, int to), (p, n, to))
WRAP(scmp_filter_ctx, seccomp_init, F_SECCOMP_INIT, 0, (uint32_t a), (a))
WRAP(int, seccomp_load, F_SECCOMP_LOAD, 0, (scmp_filter_ctx c), (c))
WRAP(int, cap_set_proc, F_CAP_SET_PROC, 0, (cap_t c), (c))
WRAP(int, cap_drop_bound, F_CAP_DROP_BOUND, c, (cap_value_t c), (c))
WRAP(int, pidfd_send_signal, F_PIDFD_SEND_SIGNAL, s,
     (int fd, int s, siginfo_t *i, unsigned int f), (fd, s, i, f))
WRAP(int, open_tree, F_OPEN_TREE, 0, (int d, const char *p, unsigned int f),
     (d, p, f))
WRAP(int, move_mount, F_MOVE_MOUNT, 0,
     (int a, const char *b, int c, const char *d, unsigned int f),
     (a, b, c, d, f))
WRAP(int, mount_setattr, F_MOUNT_SETATTR, 0,
     (int d, const char *p, unsigned int f, struct mount_attr *a, size_t s),
     (d, p, f, a, s))
WRAP(int, fsopen, F_FSOPEN, 0, (const char *n, unsigned int f), (n, f))
WRAP(int, fsconfig, F_FSCONFIG, cmd,
     (int fd, unsigned int cmd, const char *k, const void *v, int a),
     (fd, cmd, k, v, a))
WRAP(int, fsmount, F_FSMOUNT, 0, (int fd, unsigned int f, unsigned int a),
     (fd, f, a))
WRAP(int, umount2, F_UMOUNT2, 0, (const char *p, int f), (p, f))
WRAP(int, execveat, F_EXECVEAT, 0,
     (int d, const char *p, char *const a[], char *const e[], int f),
     (d, p, a, e, f))
WRAP(int, mount, F_MOUNT, 0,
     (const char *s, const char *t, const char *ty, unsigned long f,
      const void *d),
     (s, t, ty, f, d))
WRAP(pid_t, waitpid, F_WAITPID, 0, (pid_t p, int *s, int o), (p, s, o))
WRAP(int, pidfd_open, F_PIDFD_OPEN, 0, (pid_t p, unsigned int f), (p, f))
WRAP(int, seccomp_export_bpf, F_SECCOMP_EXPORT_BPF, 0,
     (scmp_filter_ctx c, int fd), (c, fd))

/* The module's door (pam_jail.c) loads its core, pam_jail-core.so, with
 * dlopen for every login it cannot answer alone. */
WRAP(void *, dlopen, F_DLOPEN, 0, (const char *f, int fl), (f, fl))

/* The jail's pid 1 (ns.c): the caller is suspended (CLONE_VFORK) for the
 * whole build, so this one span is the build. */
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	static int (*real)(int (*)(void *), void *, int, void *, ...);
	void *ptid, *tls, *ctid;
	long long t0;
	va_list ap;
	int r;

	if (!real)
		real = (int (*)(int (*)(void *), void *, int, void *, ...))next(
			"clone");
	va_start(ap, arg);
	ptid = va_arg(ap, void *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, void *);
	va_end(ap);
	t0 = now();
	r = real(fn, stack, flags, arg, ptid, tls, ctid);
	record(F_CLONE, r, t0, now());
	return r;
}

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6], r;
	long long t0;
	va_list ap;

	if (!real)
		real = (long (*)(long, ...))next("syscall");
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	t0 = now();
	r = real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	record(F_SYSCALL, nr, t0, now());
	return r;
}

pid_t fork(void)
{
	static pid_t (*real)(void);
	long long t0;
	pid_t r;

	if (!real)
		real = (pid_t(*)(void))next("fork");
	t0 = now();
	r = real();
	if (r == 0) {
		role++;
		if (role == 1)
			sess = getpid();
		return 0;
	}
	record(F_FORK, r, t0, now());
	return r;
}

__attribute__((constructor)) static void init(void)
{
	out_path = getenv("PHASETRACE_OUT");
	if (!out_path)
		return;
	out_path = strdup(out_path);
	/* only pambench itself: not the sh of -b, not exec'd commands */
	unsetenv("LD_PRELOAD");
	unsetenv("PHASETRACE_OUT");
	buf = mmap(NULL, sizeof(*buf), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		buf = NULL;
	top_pid = getpid();
}

__attribute__((destructor)) static void fini(void)
{
	FILE *f;
	long n;

	if (!buf || getpid() != top_pid || !out_path)
		return;
	f = fopen(out_path, "w");
	if (!f)
		return;
	n = buf->n < MAX_EVENTS ? buf->n : MAX_EVENTS;
	for (long i = 0; i < n; i++) {
		const struct event *e = &buf->ev[i];

		fprintf(f, "%d\t%d\t%s\t%ld\t%lld\t%lld\n", e->sess, e->role,
			fn_name[e->fn], e->arg, e->t0, e->t1);
	}
	fclose(f);
}
