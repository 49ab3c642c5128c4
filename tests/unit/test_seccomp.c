/* test_seccomp.c - unit tests for jailcore/seccomp.c (TAP, run as root).
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
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jailcore/seccomp.h"
#include "tap.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif

extern char **environ;

static char scratch[] = "/tmp/test_seccomp.XXXXXX";
static int pty_master = -1, pty_slave = -1;
/* Memory below 4 GiB for the pointer arguments of int $0x80 calls. */
static char *low;

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

static void child(const struct jc_seccomp_spec *spec, setup_fn setup,
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
static struct res run(const struct jc_seccomp_spec *spec, setup_fn setup,
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

static const char *ename(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "?";
}

static void show(const char *label, const struct res *r)
{
	switch (r->stage) {
	case ST_OK:
		printf("#   %s: rc=%ld errno=%s\n", label, r->rc, ename(r->err));
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

static int failed_with(const struct res *r, int e)
{
	return r->stage == ST_OK && r->rc == -1 && r->err == e;
}

static int succeeded(const struct res *r)
{
	return r->stage == ST_OK && r->rc != -1;
}

/* Refused with WANT under SPEC; if CONTROL, also not WANT without it. */
static void denied_by(const struct jc_seccomp_spec *spec, const char *what,
		      setup_fn setup, probe_fn fn, int want, int control)
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

static void denied(const char *what, setup_fn setup, probe_fn fn, int want)
{
	denied_by(&dflt, what, setup, fn, want, 1);
}

/* Never made unfiltered: only the filtered, invalid-argument call. */
static void denied_only(const char *what, probe_fn fn)
{
	denied_by(&dflt, what, NULL, fn, EPERM, 0);
}

static void works_under(const struct jc_seccomp_spec *spec, const char *what,
			setup_fn setup, probe_fn fn)
{
	struct res r = run(spec, setup, fn);

	TAP_OK(succeeded(&r), "%s", what);
	if (!succeeded(&r))
		show("with filter", &r);
}

static void works(const char *what, setup_fn setup, probe_fn fn)
{
	works_under(&dflt, what, setup, fn);
}

/* ---- setups ------------------------------------------------------------ */

/* A private mount namespace, so nothing can reach the host's mounts. */
static int private_mounts(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* ---- probes: keys, namespaces, mounts ----------------------------------- */

static long p_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
		       KEY_SPEC_SESSION_KEYRING, 0);
}

static long p_add_key(void)
{
	return syscall(SYS_add_key, "pam_jail_no_such_type", "d", "x", 1,
		       KEY_SPEC_PROCESS_KEYRING);
}

static long p_request_key(void)
{
	return syscall(SYS_request_key, "pam_jail_no_such_type", "d", NULL, 0);
}

static long p_unshare_uts(void)
{
	return unshare(CLONE_NEWUTS);
}

static long p_unshare_0(void)
{
	return unshare(0);
}

static long p_setns(void)
{
	return setns(-1, 0);
}

static long p_mount_tmpfs(void)
{
	return mount("pam_jail_test", scratch, "tmpfs",
		     MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16k");
}

static long p_umount2(void)
{
	return umount2(scratch, 0);
}

static long p_fsopen(void)
{
	return syscall(SYS_fsopen, "tmpfs", 0x1 /* FSOPEN_CLOEXEC */);
}

static long p_open_tree(void)
{
	return syscall(SYS_open_tree, AT_FDCWD, scratch, O_CLOEXEC);
}

static long p_pivot_root(void)
{
	return syscall(SYS_pivot_root, "/pam_jail_nonexistent",
		       "/pam_jail_nonexistent");
}

static long reap(long pid)
{
	int status;

	if (pid == 0)
		_exit(0);
	if (pid > 0 && (waitpid((pid_t)pid, &status, 0) < 0 ||
			!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		return -1;
	return pid;
}

static long p_clone_newns(void)
{
	return reap(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0));
}

/* Every CLONE_NEW* flag: -1/EPERM only when all eight are refused. */
static long p_clone_each_ns(void)
{
	static const unsigned long ns[] = {
		CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, 0x80 /* NEWTIME */,
	};
	size_t i;
	long r;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		r = reap(syscall(SYS_clone, ns[i] | SIGCHLD, 0, 0, 0, 0));
		if (r != -1 || errno != EPERM) {
			printf("#   flag %#lx: rc=%ld %s\n", ns[i], r, ename(errno));
			errno = 0;
			return 0;
		}
	}
	return -1;
}

/* Flags in the high half of the register: the kernel only reads the low
 * half of clone's flags, and so does the filter's mask. */
static long p_clone_newns_high(void)
{
	return reap(syscall(SYS_clone, (1UL << 32) | CLONE_NEWNS | SIGCHLD,
			    0, 0, 0, 0));
}

static long p_clone3(void)
{
	return syscall(SYS_clone3, NULL, 0);
}

static long p_fork(void)
{
	return reap(fork());
}

static void *thread_fn(void *arg)
{
	return arg;
}

/* glibc tries clone3 first and falls back to clone on ENOSYS. */
static long p_pthread(void)
{
	static int token;
	void *ret = NULL;
	pthread_t t;
	int rc = pthread_create(&t, NULL, thread_fn, &token);

	if (rc != 0) {
		errno = rc;
		return -1;
	}
	pthread_join(t, &ret);
	return ret == &token ? 0 : -1;
}

static long p_spawn_true(void)
{
	static char arg0[] = "true";
	char *argv[] = { arg0, NULL };
	int status, rc;
	pid_t pid;

	rc = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

static long p_chroot(void)
{
	return chroot("/");
}

static long p_seccomp_mode(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
}

/* ---- probes: terminal, sockets, personality ------------------------------ */

static long p_tiocsti(void)
{
	char c = ' ';

	return ioctl(pty_slave, TIOCSTI, &c);
}

static long p_tiocsti_high(void)
{
	char c = ' ';

	return syscall(SYS_ioctl, pty_slave, (1UL << 32) | TIOCSTI, &c);
}

static long p_tioclinux(void)
{
	char sub = 0;

	return ioctl(pty_slave, TIOCLINUX, &sub);
}

static long p_tiocgwinsz(void)
{
	struct winsize ws;

	return ioctl(pty_slave, TIOCGWINSZ, &ws);
}

static long sock(long family, int type)
{
	long fd = syscall(SYS_socket, family, type | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		close((int)fd);
	return fd;
}

static long p_vsock(void)
{
	return sock(AF_VSOCK, SOCK_STREAM);
}

static long p_vsock_high(void)
{
	return sock((1L << 32) | AF_VSOCK, SOCK_STREAM);
}

static long p_alg(void)
{
	return sock(AF_ALG, SOCK_SEQPACKET);
}

static long p_unix(void)
{
	return sock(AF_UNIX, SOCK_STREAM);
}

static long p_inet(void)
{
	return sock(AF_INET, SOCK_DGRAM);
}

static long p_per_bsd(void)
{
	return syscall(SYS_personality, 0x0006 /* PER_BSD */);
}

static long p_per_bsd_high(void)
{
	return syscall(SYS_personality, (1UL << 32) | 0x0006);
}

static long p_per_norandom(void)
{
	return syscall(SYS_personality, ADDR_NO_RANDOMIZE);
}

static long p_per_query(void)
{
	return syscall(SYS_personality, 0xffffffffUL);
}

/* The harmless ones, each set and then back to PER_LINUX. */
static long p_per_harmless(void)
{
	static const unsigned long ok[] = {
		PER_LINUX32, UNAME26, PER_LINUX32 | UNAME26, PER_LINUX,
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (syscall(SYS_personality, ok[i]) == -1)
			return -1;
	return 0;
}

/* ---- probes: kernel attack surface, invalid arguments --------------------- */

static long p_io_uring_setup(void)
{
	return syscall(SYS_io_uring_setup, 1, NULL);
}

static long p_io_uring_enter(void)
{
	return syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);
}

static long p_io_uring_register(void)
{
	return syscall(SYS_io_uring_register, -1, 0, NULL, 0);
}

static long p_bpf(void)
{
	return syscall(SYS_bpf, 0x7fff, NULL, 0);
}

static long p_perf(void)
{
	return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
}

static long p_userfaultfd(void)
{
	return syscall(SYS_userfaultfd, 0x7fffffff);
}

static long p_open_by_handle(void)
{
	return syscall(SYS_open_by_handle_at, -1, NULL, 0);
}

static long p_fanotify(void)
{
	return syscall(SYS_fanotify_init, 0xffffffffU, 0);
}

/* Filtered only, and refused by the kernel anyway if they ever got
 * through: wrong magic, bad flags, missing paths, NULL pointers. */
static long p_reboot(void)
{
	return syscall(SYS_reboot, 0, 0, 0, NULL);
}

static long p_kexec_load(void)
{
	return syscall(SYS_kexec_load, 0, 1000, NULL, 0xdead0000UL);
}

static long p_init_module(void)
{
	return syscall(SYS_init_module, NULL, 0, "");
}

static long p_finit_module(void)
{
	return syscall(SYS_finit_module, -1, "", 0);
}

static long p_delete_module(void)
{
	return syscall(SYS_delete_module, "pam_jail_no_such_module", O_NONBLOCK);
}

static long p_swapon(void)
{
	return syscall(SYS_swapon, "/pam_jail_nonexistent", 0);
}

static long p_acct(void)
{
	return syscall(SYS_acct, "/pam_jail_nonexistent");
}

static long p_settimeofday(void)
{
	return syscall(SYS_settimeofday, NULL, NULL);
}

static long p_clock_settime(void)
{
	return syscall(SYS_clock_settime, CLOCK_REALTIME, NULL);
}

static long p_clock_gettime(void)
{
	struct timespec ts;

	return clock_gettime(CLOCK_REALTIME, &ts);
}

/* ---- other ABIs (x86-64 only) ------------------------------------------ */

#if defined(__x86_64__)
#define X32_BIT 0x40000000L

/* An i386 system call through int $0x80: the kernel sees AUDIT_ARCH_I386
 * and the i386 numbers; pointers must be below 4 GiB. */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "0"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static long p_i386_getpid(void)
{
	return int80(20, 0, 0, 0) == getpid() ? 0 : -1;
}

static long p_i386_unshare(void)
{
	return int80(310, CLONE_NEWUTS, 0, 0);
}

static long p_i386_personality(void)
{
	return int80(136, 0x0006, 0, 0);
}

static long p_i386_tiocsti(void)
{
	low[0] = ' ';
	return int80(54, pty_slave, TIOCSTI, (long)(uintptr_t)low);
}

static long p_i386_clone3(void)
{
	return int80(435, 0, 0, 0);
}

/* oldumount, an i386-only name in the denylist */
static long p_i386_umount(void)
{
	strcpy(low + 64, scratch);
	return int80(22, (long)(uintptr_t)(low + 64), 0, 0);
}

/* vm86old: i386 only; an x86-64 kernel has no vm86 (ENOSYS unfiltered) */
static long p_i386_vm86old(void)
{
	return int80(113, 0, 0, 0);
}

/* socketcall(SYS_SOCKET, {AF_UNIX, SOCK_STREAM, 0}): the family is behind
 * a pointer, so every socketcall socket() is refused. */
static long p_i386_socketcall(void)
{
	uint32_t *args = (uint32_t *)(void *)(low + 128);
	long fd;

	args[0] = AF_UNIX;
	args[1] = SOCK_STREAM;
	args[2] = 0;
	fd = int80(102, 1 /* SYS_SOCKET */, (long)(uintptr_t)args, 0);
	if (fd >= 0)
		close((int)fd);
	return fd;
}

static long p_x32_unshare(void)
{
	return syscall(X32_BIT | 272, CLONE_NEWUTS);
}

static long p_x32_keyctl(void)
{
	return syscall(X32_BIT | 250, KEYCTL_GET_KEYRING_ID,
		       KEY_SPEC_SESSION_KEYRING, 0);
}

/* Not denied: gets the kernel's own answer (ENOSYS without CONFIG_X86_X32_ABI),
 * and the process is not killed as a foreign architecture. */
static long p_x32_getpid(void)
{
	long r = syscall(X32_BIT | 39);

	if (r == -1 && errno == ENOSYS)
		return 0;
	return r;
}

static void test_i386(void)
{
	struct res r = run(NULL, NULL, p_i386_getpid);

	if (!succeeded(&r)) {
		show("i386 getpid without filter", &r);
		TAP_OK(1, "i386 ABI # SKIP int $0x80 does not work here (no IA32 emulation?)");
		return;
	}
	works("i386 getpid (int $0x80) works under the filter", NULL,
	      p_i386_getpid);
	denied("i386 unshare(CLONE_NEWUTS)", NULL, p_i386_unshare, EPERM);
	denied("i386 personality(PER_BSD)", NULL, p_i386_personality, EPERM);
	denied("i386 ioctl(TIOCSTI)", NULL, p_i386_tiocsti, EPERM);
	denied("i386 clone3", NULL, p_i386_clone3, ENOSYS);
	denied("i386 umount (oldumount, i386 only)", private_mounts,
	       p_i386_umount, EPERM);
	denied("i386 vm86old (i386 only)", NULL, p_i386_vm86old, EPERM);
	denied("i386 socketcall(SYS_SOCKET, AF_UNIX): family unreadable",
	       NULL, p_i386_socketcall, EPERM);
}

/* seccomp runs before the kernel dispatches a call, so an x32 call is
 * refused by the filter even where the kernel has no x32 ABI (which would
 * answer ENOSYS): EPERM here proves the filter has an x32 section. */
static void test_x32(void)
{
	struct res r = run(NULL, NULL, p_x32_unshare);

	printf("# x32 ABI in this kernel: %s\n",
	       failed_with(&r, ENOSYS) ? "no (ENOSYS)" : "yes");
	denied("x32 unshare(CLONE_NEWUTS)", NULL, p_x32_unshare, EPERM);
	denied("x32 keyctl", NULL, p_x32_keyctl, EPERM);
	works("x32 getpid not denied and not killed", NULL, p_x32_getpid);
}
#else
static void test_i386(void)
{
	TAP_OK(1, "i386 ABI # SKIP not an x86-64 build");
}

static void test_x32(void)
{
	TAP_OK(1, "x32 ABI # SKIP not an x86-64 build");
}
#endif

/* ---- the tests ----------------------------------------------------------- */

static void test_keys_ns_mounts(void)
{
	denied("keyctl(KEYCTL_GET_KEYRING_ID)", NULL, p_keyctl, EPERM);
	denied("add_key", NULL, p_add_key, EPERM);
	denied("request_key", NULL, p_request_key, EPERM);
	denied("unshare(CLONE_NEWUTS)", NULL, p_unshare_uts, EPERM);
	denied("unshare(0)", NULL, p_unshare_0, EPERM);
	denied("setns(-1, 0)", NULL, p_setns, EPERM);
	denied("mount tmpfs on a scratch dir", private_mounts, p_mount_tmpfs,
	       EPERM);
	denied("umount2 of the scratch dir", private_mounts, p_umount2, EPERM);
	denied("fsopen(tmpfs)", NULL, p_fsopen, EPERM);
	denied("open_tree(scratch)", NULL, p_open_tree, EPERM);
	denied("pivot_root (missing paths)", private_mounts, p_pivot_root,
	       EPERM);
	denied("clone(CLONE_NEWNS)", NULL, p_clone_newns, EPERM);
	denied("clone(CLONE_NEWNS) with high flag bits", NULL,
	       p_clone_newns_high, EPERM);
	denied_only("clone with each of the 8 CLONE_NEW* flags",
		    p_clone_each_ns);
	denied("clone3", NULL, p_clone3, ENOSYS);
	works("fork() works under the filter", NULL, p_fork);
	works("pthread_create works (clone3 ENOSYS -> clone)", NULL, p_pthread);
	works("posix_spawn /bin/true works", NULL, p_spawn_true);
	works("chroot(\"/\") is not in the default denylist", NULL, p_chroot);
}

static void test_tty_sockets_persona(void)
{
	denied("ioctl(TIOCSTI) on a pty", NULL, p_tiocsti, EPERM);
	denied("ioctl(0x100000000|TIOCSTI): high bits ignored by the kernel",
	       NULL, p_tiocsti_high, EPERM);
	denied("ioctl(TIOCLINUX)", NULL, p_tioclinux, EPERM);
	works("ioctl(TIOCGWINSZ) works", NULL, p_tiocgwinsz);
	denied("socket(AF_VSOCK)", NULL, p_vsock, EPERM);
	denied("socket(0x100000000|AF_VSOCK)", NULL, p_vsock_high, EPERM);
	denied("socket(AF_ALG)", NULL, p_alg, EPERM);
	works("socket(AF_UNIX) works", NULL, p_unix);
	works("socket(AF_INET) works", NULL, p_inet);
	denied("personality(PER_BSD)", NULL, p_per_bsd, EPERM);
	denied("personality(0x100000000|PER_BSD)", NULL, p_per_bsd_high, EPERM);
	denied("personality(ADDR_NO_RANDOMIZE)", NULL, p_per_norandom, EPERM);
	works("personality(0xffffffff) (query) works", NULL, p_per_query);
	works("personality PER_LINUX32, UNAME26, both, PER_LINUX work", NULL,
	      p_per_harmless);
}

static void test_surface(void)
{
	denied("io_uring_setup", NULL, p_io_uring_setup, EPERM);
	denied("io_uring_enter", NULL, p_io_uring_enter, EPERM);
	denied("io_uring_register", NULL, p_io_uring_register, EPERM);
	denied("bpf", NULL, p_bpf, EPERM);
	denied("perf_event_open", NULL, p_perf, EPERM);
	denied("userfaultfd", NULL, p_userfaultfd, EPERM);
	denied("open_by_handle_at", NULL, p_open_by_handle, EPERM);
	denied("fanotify_init", NULL, p_fanotify, EPERM);
	denied_only("reboot (wrong magic)", p_reboot);
	denied_only("kexec_load (bad flags)", p_kexec_load);
	denied_only("init_module (empty image)", p_init_module);
	denied_only("finit_module (fd -1)", p_finit_module);
	denied_only("delete_module (no such module)", p_delete_module);
	denied_only("swapon (missing path)", p_swapon);
	denied_only("acct (missing path)", p_acct);
	denied_only("settimeofday(NULL, NULL)", p_settimeofday);
	denied_only("clock_settime(NULL)", p_clock_settime);
	works("clock_gettime works", NULL, p_clock_gettime);
}

static void test_specs(void)
{
	static char keyctl[] = "keyctl", chroot_[] = "chroot",
		    socket_[] = "socket";
	char *allow_keyctl[] = { keyctl }, *deny_chroot[] = { chroot_ },
	     *deny_socket[] = { socket_ };
	struct jc_seccomp_spec none = { .mode = JC_SECCOMP_NONE },
		allow = { .allow = allow_keyctl, .n_allow = 1 },
		deny = { .deny = deny_chroot, .n_deny = 1 },
		deny_sock = { .deny = deny_socket, .n_deny = 1 };
	struct res r;

	r = run(&none, NULL, p_seccomp_mode);
	TAP_OK(r.stage == ST_OK && r.rc == 0, "mode none installs nothing");
	r = run(&dflt, NULL, p_seccomp_mode);
	TAP_OK(r.stage == ST_OK && r.rc == 2, "mode default installs a filter");
	works_under(&none, "mode none: keyctl is not EPERM", NULL, p_keyctl);
	r = run(&allow, NULL, p_keyctl);
	TAP_OK(r.stage == ST_OK && !failed_with(&r, EPERM),
	       "seccomp_allow keyctl lets keyctl through");
	denied_by(&allow, "seccomp_allow keyctl: add_key", NULL, p_add_key,
		  EPERM, 0);
	denied_by(&deny, "seccomp_deny chroot", NULL, p_chroot, EPERM, 1);
	denied_by(&deny, "seccomp_deny chroot: keyctl", NULL, p_keyctl,
		  EPERM, 0);
	denied_by(&deny_sock, "seccomp_deny socket: AF_UNIX too", NULL, p_unix,
		  EPERM, 1);
}

/* ---- errors and names ---------------------------------------------------- */

static struct res install_fails(const struct jc_seccomp_spec *spec)
{
	struct res r = run(spec, NULL, p_seccomp_mode);

	return r;
}

static long p_install_without_nnp(void)
{
	struct jc_err e = { 0 };

	if (jc_seccomp_install(&dflt, &e) == 0 ||
	    !strstr(e.msg, "no_new_privs is not set")) {
		printf("#   got: %s\n", e.msg);
		return -1;
	}
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : -1;
}

static void test_errors(void)
{
	static char nosuch[] = "nosuch", chroot_[] = "chroot",
		    keyctl[] = "keyctl", bad[] = "key\x01ctl";
	char *l_nosuch[] = { nosuch }, *l_chroot[] = { chroot_ },
	     *l_keyctl[] = { keyctl }, *l_bad[] = { bad };
	struct jc_seccomp_spec s1 = { .deny = l_nosuch, .n_deny = 1 },
		s2 = { .allow = l_chroot, .n_allow = 1 },
		s3 = { .allow = l_keyctl, .n_allow = 1, .deny = l_keyctl,
		       .n_deny = 1 },
		s4 = { .deny = l_bad, .n_deny = 1 },
		s5 = { .mode = (enum jc_seccomp_mode)7 };
	struct res r;

	r = install_fails(&s1);
	TAP_OK(r.stage == ST_INSTALL &&
	       strcmp(r.msg, "seccomp: unknown system call 'nosuch'") == 0,
	       "unknown deny name refused: %s", r.msg);
	r = install_fails(&s2);
	TAP_OK(r.stage == ST_INSTALL && strstr(r.msg, "'chroot': not in the default denylist"),
	       "allow of a name not in the denylist refused: %s", r.msg);
	r = install_fails(&s3);
	TAP_OK(r.stage == ST_INSTALL && strstr(r.msg, "both denied and allowed"),
	       "allow and deny of one name refused: %s", r.msg);
	r = install_fails(&s4);
	TAP_OK(r.stage == ST_INSTALL && strstr(r.msg, "(invalid name)"),
	       "control characters never reach the message: %s", r.msg);
	r = install_fails(&s5);
	TAP_OK(r.stage == ST_INSTALL && strstr(r.msg, "unknown mode 7"),
	       "unknown mode refused: %s", r.msg);
	works_under(NULL, "install without no_new_privs fails, installs nothing",
		    NULL, p_install_without_nnp);
	TAP_OK(jc_seccomp_install(NULL, NULL) == -1, "NULL spec refused");
}

static void test_names(void)
{
	size_t i;
	int bad = 0;

	TAP_OK(jc_seccomp_check_name("keyctl") == 0 &&
	       jc_seccomp_check_name("chroot") == 0,
	       "check_name: native names");
	TAP_OK(jc_seccomp_check_name("vm86") == 0 &&
	       jc_seccomp_check_name("socketcall") == 0 &&
	       jc_seccomp_check_name("clock_settime64") == 0,
	       "check_name: names of the i386 ABI only");
	TAP_OK(jc_seccomp_check_name("nosuch") < 0 &&
	       jc_seccomp_check_name("") < 0 && jc_seccomp_check_name(NULL) < 0 &&
	       jc_seccomp_check_name("KEYCTL") < 0 &&
	       jc_seccomp_check_name("keyctl ") < 0 &&
	       jc_seccomp_check_name("arm_fadvise64_64") < 0,
	       "check_name: unknown, empty, NULL, upper-case, other-arch-only");
	for (i = 0; i < jc_seccomp_default_deny_count; i++) {
		const struct jc_seccomp_deny *d = &jc_seccomp_default_deny[i];

		if (jc_seccomp_check_name(d->name) < 0 || !d->why || !d->when ||
		    jc_seccomp_default_find(d->name) != d) {
			printf("#   bad entry %s\n", d->name);
			bad++;
		}
	}
	TAP_OK(bad == 0 && jc_seccomp_default_deny_count >= 50,
	       "default denylist: %zu entries, all known, documented, unique",
	       jc_seccomp_default_deny_count);
	TAP_OK(!jc_seccomp_default_find("chroot") &&
	       !jc_seccomp_default_find("adjtimex") &&
	       !jc_seccomp_default_find("clock_adjtime") &&
	       jc_seccomp_default_find("clone3")->errnum == ENOSYS,
	       "chroot, adjtimex, clock_adjtime allowed; clone3 is ENOSYS");
}

static void test_export(void)
{
	char path[] = "/tmp/test_seccomp_pfc.XXXXXX", buf[65536];
	struct jc_err e = { 0 };
	int fd = mkstemp(path), rc;
	ssize_t n = -1;

	if (fd >= 0) {
		unlink(path);
		rc = jc_seccomp_export(&dflt, fd, &e);
		n = rc == 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	TAP_OK(n > 0 && strstr(buf, "filter for arch x86_64") &&
	       strstr(buf, "filter for arch x86 ") &&
	       strstr(buf, "filter for arch x32") &&
	       strstr(buf, "\"vm86\" (166)") && !strstr(buf, "\"vm86\" (4"),
	       "export: x86_64, i386 and x32 sections; vm86 on i386 only");
}

static int setup_pty(void)
{
	pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty_master < 0 || grantpt(pty_master) < 0 ||
	    unlockpt(pty_master) < 0)
		return -1;
	pty_slave = open(ptsname(pty_master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	return pty_slave < 0 ? -1 : 0;
}

int main(void)
{
	void *m;

	if (!mkdtemp(scratch) || setup_pty() < 0) {
		printf("Bail out! setup: %s\n", strerror(errno));
		return 1;
	}
#if defined(__x86_64__)
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (m == MAP_FAILED) {
		printf("Bail out! mmap MAP_32BIT: %s\n", strerror(errno));
		return 1;
	}
	low = m;
#else
	(void)m;
#endif
	if (geteuid() != 0)
		printf("# not root: the unfiltered controls will fail\n");
	test_names();
	test_errors();
	test_export();
	test_keys_ns_mounts();
	test_tty_sockets_persona();
	test_surface();
	test_specs();
	test_i386();
	test_x32();
	rmdir(scratch);
	close(pty_slave);
	close(pty_master);
	return TAP_DONE();
}
