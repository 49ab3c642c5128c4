/* SPDX-License-Identifier: BSD-3-Clause */
/* privilege.c - the escape probe's attempts to regain privilege (V1-V11
 * of tests/e2e/50-escape.sh: setuid and file-capability executables,
 * user namespaces by every entry point, capability sets, personality)
 * and to inject input into a terminal (T1-T4), which is taking over
 * whoever reads it - the su caller's shell, say.
 */
#include "probe.h"
#include "../unit/int80.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

#define X32_BIT 0x40000000L
#define I386_UNSHARE 310

/* ========================================================================
 * Privilege regain
 * ======================================================================== */

/* Run PATH -u (a setuid-root copy of id) and read the euid it prints. */
static void p_suid(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/suid-id";
	char out[64] = "";
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		fail("pipe: %s", en(errno));
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execl(path, path, "-u", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	waitpid(pid, &st, 0);
	if (strcmp(out, "0") == 0)
		escaped("%s -u printed 0: euid root", path);
	if (!out[0])
		fail("%s printed nothing (exit %d)", path, WEXITSTATUS(st));
	blocked(0, "%s -u printed %s, the user's own uid %u", path, out,
		(unsigned)getuid());
}

static unsigned long long caps_word(const struct __user_cap_data_struct *d,
				    int set)
{
	unsigned long long w = 0;

	for (int c = 0; c < 64; c++)
		if (cap_bit(d, set, c))
			w |= 1ULL << c;
	return w;
}

/* Run by the test as a file-capability copy of the probe: which
 * capabilities did exec give? */
static void p_filecap(int argc, char **argv)
{
	struct __user_cap_data_struct d[2];
	unsigned long long eff, prm;

	(void)argc, (void)argv;
	if (caps_get(d) < 0)
		fail("capget: %s", en(errno));
	eff = caps_word(d, 0);
	prm = caps_word(d, 1);
	if (eff || prm)
		escaped("exec gave capabilities: eff=%#llx prm=%#llx%s", eff,
			prm,
			cap_bit(d, 0, CAP_NET_RAW) ? " (cap_net_raw)" : "");
	blocked(0, "no capability after exec: eff=0 prm=0");
}

static void p_unshare_user(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (unshare(CLONE_NEWUSER) == 0)
		escaped("unshare(CLONE_NEWUSER) succeeded");
	blocked(errno, "unshare(CLONE_NEWUSER)");
}

/* PID is what clone(CLONE_NEWUSER) or clone3 gave: in the child, leave
 * at once; in the parent, a child is the escape. */
static void judge_clone(long pid, const char *call, const char *detail)
{
	int st;

	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid > 0) {
		waitpid((pid_t)pid, &st, 0);
		escaped("%s made a child in a new user namespace", call);
	}
	blocked(errno, "%s", detail);
}

static void p_clone_user(int argc, char **argv)
{
	long pid;

	(void)argc, (void)argv;
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	judge_clone(pid, "clone(CLONE_NEWUSER)",
		    "clone(CLONE_NEWUSER|SIGCHLD)");
}

static void p_clone3_user(int argc, char **argv)
{
	struct clone_args a = { .flags = CLONE_NEWUSER,
				.exit_signal = SIGCHLD };
	long pid;

	(void)argc, (void)argv;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	judge_clone(pid, "clone3(CLONE_NEWUSER)",
		    "clone3({.flags = CLONE_NEWUSER})");
}

/* unshare through the i386 entry point from this 64-bit process. */
static void p_int80_unshare(int argc, char **argv)
{
	long r;

	(void)argc, (void)argv;
#if defined(__x86_64__)
	/* a kernel without IA32 emulation has no i386 entry: int $0x80 is a
	 * general protection fault there (SIGSEGV) */
	if (int80_available() != 1)
		blocked(ENOSYS, "int 0x80: no IA32 emulation in this kernel, "
				"no i386 entry to reach");
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"((long)I386_UNSHARE), "b"((long)CLONE_NEWUSER)
			 : "rcx", "r8", "r9", "r10", "r11", "memory", "cc");
#else
	r = -ENOSYS;
#endif
	if (r == 0)
		escaped("int 0x80 unshare(CLONE_NEWUSER) succeeded");
	blocked((int)-r, "int 0x80 (i386 ABI) unshare(CLONE_NEWUSER)");
}

static void p_x32_unshare(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (syscall(X32_BIT | SYS_unshare, CLONE_NEWUSER) == 0)
		escaped("x32 unshare(CLONE_NEWUSER) succeeded");
	blocked(errno, "x32 ABI (nr | 0x40000000) unshare(CLONE_NEWUSER): the "
		       "kernel's own answer without the x32 ABI is ENOSYS");
}

static void p_setns(int argc, char **argv)
{
	int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC), e, e1;

	(void)argc, (void)argv;
	if (fd < 0)
		fail("open /proc/self/ns/user: %s", en(errno));
	if (setns(fd, CLONE_NEWUSER) == 0)
		escaped("setns into its own user namespace succeeded");
	e = errno;
	e1 = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC) >= 0 ? 0 : errno;
	blocked(e,
		"setns(own user namespace): %s (the kernel's own answer is "
		"EINVAL); open /proc/1/ns/mnt: %s",
		en(e), en(e1));
}

static void p_ambient(int argc, char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int e;

	(void)argc, (void)argv;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0)
		escaped("PR_CAP_AMBIENT_RAISE cap_net_raw succeeded");
	e = errno;
	via_userns_or_blocked(0, e, "PR_CAP_AMBIENT_RAISE");
	if (caps_get(d) < 0)
		fail("capget: %s", en(errno));
	d[0].inheritable |= 1u << CAP_NET_RAW;
	if (syscall(SYS_capset, &h, d) < 0)
		fail("capset inheritable in a new user namespace: %s",
		     en(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0)
		escaped("PR_CAP_AMBIENT_RAISE cap_net_raw in a new user namespace");
	blocked_in_userns(0, e, "PR_CAP_AMBIENT_RAISE");
}

static void p_capset(int argc, char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int e;

	(void)argc, (void)argv;
	if (caps_get(d) < 0)
		fail("capget: %s", en(errno));
	d[0].effective |= 1u << CAP_SYS_ADMIN;
	d[0].permitted |= 1u << CAP_SYS_ADMIN;
	if (syscall(SYS_capset, &h, d) == 0)
		escaped("capset raised cap_sys_admin");
	e = errno;
	via_userns_or_blocked(0, e, "capset +cap_sys_admin");
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (caps_get(d) < 0)
		fail("capget: %s", en(errno));
	d[0].inheritable |= 1u << CAP_SYS_ADMIN;
	if (syscall(SYS_capset, &h, d) == 0)
		escaped("capset +cap_sys_admin (inheritable) in a new user namespace");
	blocked_in_userns(0, e, "capset");
}

static void p_personality(int argc, char **argv)
{
	int old = personality(0xffffffff);

	(void)argc, (void)argv;
	if (personality(READ_IMPLIES_EXEC) != -1) {
		personality((unsigned long)old);
		escaped("personality(READ_IMPLIES_EXEC) accepted");
	}
	blocked(errno, "personality(READ_IMPLIES_EXEC)");
}

/* ========================================================================
 * Terminal injection.  The byte pointer is NULL: where the kernel accepts
 * the request, it answers EFAULT and injects nothing.
 * ======================================================================== */

static void tty_ioctl(int argc, char **argv, unsigned long cmd,
		      const char *what)
{
	const char *path = argc > 0 ? argv[0] : "/dev/tty";
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		fail("open %s: %s", path, en(errno));
	if (syscall(SYS_ioctl, fd, cmd, NULL) == 0)
		escaped("ioctl(%s, %s) returned 0", path, what);
	blocked(errno,
		"ioctl(%s, %s, NULL): EFAULT would mean the kernel "
		"took the request",
		path, what);
}

static void p_tiocsti(int argc, char **argv)
{
	tty_ioctl(argc, argv, TIOCSTI, "TIOCSTI");
}

static void p_tiocsti_hi(int argc, char **argv)
{
	tty_ioctl(argc, argv, 0x100000000UL | TIOCSTI, "TIOCSTI|1<<32");
}

static void p_tioclinux(int argc, char **argv)
{
	tty_ioctl(argc, argv, TIOCLINUX, "TIOCLINUX");
}

const struct attempt privilege_attempts[] = {
	/* privilege regain */
	{ "suid", p_suid },
	{ "filecap", p_filecap },
	{ "unshare_user", p_unshare_user },
	{ "clone_user", p_clone_user },
	{ "clone3_user", p_clone3_user },
	{ "int80_unshare", p_int80_unshare },
	{ "x32_unshare", p_x32_unshare },
	{ "setns", p_setns },
	{ "ambient", p_ambient },
	{ "capset", p_capset },
	{ "personality", p_personality },
	/* terminal */
	{ "tiocsti", p_tiocsti },
	{ "tiocsti_hi", p_tiocsti_hi },
	{ "tioclinux", p_tioclinux },
	{ NULL, NULL },
};
