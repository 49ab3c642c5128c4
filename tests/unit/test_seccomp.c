/* SPDX-License-Identifier: BSD-3-Clause */
/* test_seccomp.c - unit tests for jailcore/60-confine/seccomp.c (TAP, run as root):
 * what the default filter denies and lets through on the native ABI, and
 * what seccomp = none, seccomp_allow and seccomp_deny change.  How a probe
 * runs, and why a denied call is also made without the filter, is in
 * seccomp_probe.h.  The i386 and x32 ABIs are in test_seccomp_abi.c, names,
 * install errors and export in test_seccomp_api.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jailcore/60-confine/seccomp.h"
#include "seccomp_probe.h"
#include "tap.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif

extern char **environ;

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
		CLONE_NEWNS,  CLONE_NEWCGROUP,	  CLONE_NEWUTS,
		CLONE_NEWIPC, CLONE_NEWUSER,	  CLONE_NEWPID,
		CLONE_NEWNET, 0x80 /* NEWTIME */,
	};
	size_t i;
	long r;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		r = reap(syscall(SYS_clone, ns[i] | SIGCHLD, 0, 0, 0, 0));
		if (r != -1 || errno != EPERM) {
			printf("#   flag %#lx: rc=%ld %s\n", ns[i], r,
			       ename(errno));
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
	return reap(syscall(SYS_clone, (1UL << 32) | CLONE_NEWNS | SIGCHLD, 0,
			    0, 0, 0));
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
		PER_LINUX32,
		UNAME26,
		PER_LINUX32 | UNAME26,
		PER_LINUX,
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
	return syscall(SYS_delete_module, "pam_jail_no_such_module",
		       O_NONBLOCK);
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
	denied_by(&deny, "seccomp_deny chroot: keyctl", NULL, p_keyctl, EPERM,
		  0);
	denied_by(&deny_sock, "seccomp_deny socket: AF_UNIX too", NULL, p_unix,
		  EPERM, 1);
}

int main(void)
{
	if (probe_setup() < 0) {
		printf("Bail out! setup: %s\n", strerror(errno));
		return 1;
	}
	test_keys_ns_mounts();
	test_tty_sockets_persona();
	test_surface();
	test_specs();
	probe_teardown();
	return TAP_DONE();
}
