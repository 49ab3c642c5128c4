/* SPDX-License-Identifier: BSD-3-Clause */
/* kernel.c - the escape probe's attempts on kernel state (K1-K23 of
 * tests/e2e/50-escape.sh: sysctls, /sys, mounts, device nodes, modules,
 * kexec, clocks, hostname, swap, reboot, accounting) and on the kernel's
 * attack surface (S1-S7: interfaces a jail has no use for).
 */
#include "probe.h"

#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <linux/vm_sockets.h>
#include <sched.h>
#include <sys/fanotify.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif

/* ========================================================================
 * Writing kernel state
 * ======================================================================== */

static void p_sysctl(int argc, char **argv)
{
	const char *f = argc > 0 ? argv[0] : "/proc/sys/kernel/core_pattern";
	struct statvfs sv;
	int fd = open(f, O_WRONLY | O_CLOEXEC), e, r;

	if (fd >= 0)
		escaped("opened %s for writing (nothing written)", f);
	e = errno;
	fd = open(f, O_RDONLY | O_CLOEXEC);
	r = fd >= 0 ? 0 : errno;
	if (statvfs(f, &sv) < 0)
		fail("statvfs %s: %s", f, en(errno));
	blocked(e, "open %s O_WRONLY: %s; its mount is %s; O_RDONLY: %s", f,
		en(e), (sv.f_flag & ST_RDONLY) ? "read-only" : "read-write",
		en(r));
}

static void p_sysrq(int argc, char **argv)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	struct stat st;

	(void)argc, (void)argv;
	if (fd < 0)
		blocked(errno, "open /proc/sysrq-trigger O_WRONLY");
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	    st.st_rdev == makedev(1, 3))
		blocked(0, "masked: /proc/sysrq-trigger opens /dev/null");
	escaped("opened /proc/sysrq-trigger for writing (nothing written)");
}

static void p_sys(int argc, char **argv)
{
	struct stat st;
	char list[512] = "";
	DIR *d;
	struct dirent *de;

	(void)argc, (void)argv;
	if (stat("/sys", &st) < 0)
		blocked(errno, "stat /sys");
	if ((d = opendir("/sys/class/net"))) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				list_add(list, sizeof(list), "%s", de->d_name);
		closedir(d);
	}
	escaped("/sys exists; /sys/class/net:%s", list);
}

static void p_mount_tmpfs(int argc, char **argv)
{
	const char *m = sub("mnt");
	int e;

	(void)argc, (void)argv;
	make_dir(m);
	if (mount("pamjail-escape", m, "tmpfs", 0, "size=4k") == 0)
		escaped("mounted a tmpfs on %s", m);
	e = errno;
	via_userns_or_blocked(CLONE_NEWNS, e, "mount tmpfs");
	if (mount("pamjail-escape", m, "tmpfs", 0, "size=4k") == 0)
		escaped("mounted a tmpfs on %s in a new user+mount namespace",
			m);
	blocked_in_userns(CLONE_NEWNS, e, "mount tmpfs");
}

/* FSTYPE (proc, sysfs) on a scratch directory: the 2013 mail's recipe.
 * As the user or a jailed root; then in new user+mount+pid (proc) or
 * +net (sysfs) namespaces, where the kernel only allows it when an
 * unobstructed instance is already visible (mount_too_revealing). */
static void p_mount_fs(int argc, char **argv)
{
	const char *type = argc > 0 ? argv[0] : "proc";
	int proc = strcmp(type, "proc") == 0, e, w, st;
	char m[PATH_MAX];
	pid_t pid;

	snprintf(m, sizeof(m), "%s", sub(type));
	make_dir(m);
	if (mount(type, m, type, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
		escaped("mounted %s on %s", type, m);
	e = errno;
	w = mount(type, "/pamjail-escape-none", type, 0, NULL) == 0 ? 0 : errno;
	if (userns(CLONE_NEWNS | (proc ? CLONE_NEWPID : CLONE_NEWNET)) < 0)
		blocked(e,
			"mount -t %s: %s; witness (no such mount point): %s; "
			"unshare(CLONE_NEWUSER|CLONE_NEWNS|%s): %s",
			type, en(e), en(w),
			proc ? "CLONE_NEWPID" : "CLONE_NEWNET", en(errno));
	pid = fork(); /* the first child is pid 1 of the new pid namespace */
	if (pid == 0)
		_exit(mount(type, m, type, MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    NULL) == 0 ?
			      0 :
			      errno & 0xff);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		fail("fork: %s", en(errno));
	if (WEXITSTATUS(st) == 0)
		escaped("mounted a new %s on %s in new user+mount+%s namespaces",
			type, m, proc ? "pid" : "net");
	blocked(e,
		"mount -t %s: %s; witness (no such mount point): %s; in new "
		"user+mount+%s namespaces: %s",
		type, en(e), en(w), proc ? "pid" : "net", en(WEXITSTATUS(st)));
}

static void p_fsopen(int argc, char **argv)
{
	int fd = (int)syscall(SYS_fsopen, "tmpfs", 0), e;

	(void)argc, (void)argv;
	if (fd >= 0)
		escaped("fsopen(tmpfs) = %d", fd);
	e = errno;
	via_userns_or_blocked(CLONE_NEWNS, e, "fsopen");
	if ((fd = (int)syscall(SYS_fsopen, "tmpfs", 0)) >= 0)
		escaped("fsopen(tmpfs) in a new user+mount namespace = %d", fd);
	blocked_in_userns(CLONE_NEWNS, e, "fsopen");
}

static void p_open_tree(int argc, char **argv)
{
	int fd, e;

	(void)argc, (void)argv;
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, scratch, OPEN_TREE_CLONE);
	if (fd >= 0)
		escaped("open_tree(OPEN_TREE_CLONE) of %s = %d", scratch, fd);
	e = errno;
	via_userns_or_blocked(CLONE_NEWNS, e, "open_tree");
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, scratch, OPEN_TREE_CLONE);
	if (fd >= 0)
		escaped("open_tree(OPEN_TREE_CLONE) in a new user+mount namespace");
	blocked_in_userns(CLONE_NEWNS, e, "open_tree");
}

static void p_pivot_root(int argc, char **argv)
{
	const char *n = sub("pivot"), *old = sub("pivot/old");
	int e;

	(void)argc, (void)argv;
	make_dir(n);
	if (syscall(SYS_pivot_root, n, n) == 0)
		escaped("pivot_root(%s) as the user", n);
	e = errno;
	via_userns_or_blocked(CLONE_NEWNS, e, "pivot_root");
	if (mount("pamjail-escape", n, "tmpfs", 0, "size=4k") < 0)
		blocked(errno,
			"pivot_root: %s; in a new user+mount namespace, "
			"mount: %s",
			en(e), en(errno));
	make_dir(old);
	if (syscall(SYS_pivot_root, n, old) == 0)
		escaped("pivot_root in a new user+mount namespace");
	blocked_in_userns(CLONE_NEWNS, e, "pivot_root");
}

static void p_umount(int argc, char **argv)
{
	int e1, e2;

	(void)argc, (void)argv;
	if (umount2("/tmp", MNT_DETACH) == 0)
		escaped("umount2(/tmp, MNT_DETACH) succeeded");
	e1 = errno;
	e2 = umount2("/tmp", (int)0x80000000) == 0 ? 0 : errno;
	blocked(e1, "umount2 /tmp: %s; witness (invalid flags): %s", en(e1),
		en(e2));
}

static void p_mknod(int argc, char **argv)
{
	const char *c = sub("null-node"), *b = sub("sda-node"),
		   *f = sub("fifo");
	int e1, e2, e3;

	(void)argc, (void)argv;
	unlink(c);
	unlink(b);
	unlink(f);
	if (mknod(c, S_IFCHR | 0600, makedev(1, 3)) == 0)
		escaped("mknod %s c 1 3 succeeded", c);
	e1 = errno;
	if (mknod(b, S_IFBLK | 0600, makedev(8, 0)) == 0)
		escaped("mknod %s b 8 0 succeeded", b);
	e2 = errno;
	e3 = mknod(f, S_IFIFO | 0600, 0) == 0 ? 0 : errno;
	unlink(f);
	blocked(e1,
		"char 1:3: %s; block 8:0: %s; a fifo in the same "
		"directory: %s",
		en(e1), en(e2), en(e3));
}

SIMPLE(p_init_module, "init_module(NULL, 0, \"\")",
       syscall(SYS_init_module, NULL, 0UL, ""))
SIMPLE(p_finit_module, "finit_module(-1, \"\", 0)",
       syscall(SYS_finit_module, -1, "", 0))
SIMPLE(p_delete_module, "delete_module(\"pamjail_escape_none\", O_NONBLOCK)",
       syscall(SYS_delete_module, "pamjail_escape_none", O_NONBLOCK))
SIMPLE(p_kexec_load, "kexec_load(0, 0, NULL, invalid arch 0x7fff0000)",
       syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0x7fff0000UL))
SIMPLE(p_kexec_file_load, "kexec_file_load(-1, -1, 0, \"\", 0)",
       syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0UL))
SIMPLE(p_acct, "acct(NULL)", syscall(SYS_acct, NULL))
SIMPLE(p_swapon, "swapon(\"/pamjail-escape-none\", invalid flags 0x40000000)",
       syscall(SYS_swapon, "/pamjail-escape-none", 0x40000000))

static void p_settimeofday(int argc, char **argv)
{
	struct timeval tv = { 0, -1 }; /* invalid: nothing can be set */

	(void)argc, (void)argv;
	if (syscall(SYS_settimeofday, &tv, NULL) == 0)
		escaped("settimeofday accepted");
	blocked(errno, "settimeofday({0, -1 usec}): the kernel's own answer to "
		       "this invalid time is EINVAL");
}

static void p_clock_settime(int argc, char **argv)
{
	struct timespec ts = { 0, 0 };

	(void)argc, (void)argv;
	if (syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts) == 0)
		escaped("clock_settime(CLOCK_MONOTONIC) accepted");
	blocked(errno, "clock_settime(CLOCK_MONOTONIC, 0): the kernel's own "
		       "answer for this unsettable clock is EINVAL");
}

static void p_sethostname(int argc, char **argv)
{
	int e;

	(void)argc, (void)argv;
	if (sethostname("pamjail-escape", 14) == 0)
		escaped("sethostname succeeded (the jail's UTS namespace)");
	e = errno;
	via_userns_or_blocked(CLONE_NEWUTS, e, "sethostname");
	if (sethostname("pamjail-escape", 14) == 0)
		escaped("sethostname in a new user+UTS namespace");
	blocked_in_userns(CLONE_NEWUTS, e, "sethostname");
}

static void p_reboot(int argc, char **argv)
{
	int e, st;
	pid_t pid;

	(void)argc, (void)argv;
	/* invalid magic: the kernel answers EINVAL once the capability
	 * check passed, and does nothing */
	if (syscall(SYS_reboot, 0x12345678, 0x9abcdef0, 0, NULL) == 0)
		fail("reboot with invalid magic returned 0");
	e = errno;
	via_userns_or_blocked(CLONE_NEWPID, e, "reboot(invalid magic)");
	pid = fork();
	if (pid == 0) {
		syscall(SYS_reboot, 0x12345678, 0x9abcdef0, 0, NULL);
		_exit(errno & 0xff);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		fail("fork in a new pid namespace: %s", en(errno));
	blocked(e, "reboot(invalid magic): %s; in a new user+pid namespace: %s",
		en(e), en(WEXITSTATUS(st)));
}

/* ========================================================================
 * Kernel attack surface
 * ======================================================================== */

static void p_io_uring(int argc, char **argv)
{
	unsigned char params[120] = { 0 }; /* struct io_uring_params */
	int fd;

	(void)argc, (void)argv;
	fd = (int)syscall(SYS_io_uring_setup, 1, params);
	if (fd >= 0)
		escaped("io_uring_setup made a ring (fd %d)", fd);
	blocked(errno, "io_uring_setup(1, {})");
}

SIMPLE(p_userfaultfd, "userfaultfd(UFFD_USER_MODE_ONLY)",
       syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY))

static void p_bpf(int argc, char **argv)
{
	int e;

	(void)argc, (void)argv;
	if (syscall(SYS_bpf, 0x7fff, NULL, 0) == 0)
		fail("bpf(no such command) returned 0");
	e = errno;
	blocked(e, "bpf(no such command 0x7fff, NULL, 0): the kernel's own "
		   "answer is EINVAL");
}

static void p_perf(int argc, char **argv)
{
	struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE,
				     .size = sizeof(a),
				     .config = PERF_COUNT_SW_TASK_CLOCK,
				     .disabled = 1,
				     .exclude_kernel = 1,
				     .exclude_hv = 1 };
	long fd;

	(void)argc, (void)argv;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0UL);
	if (fd >= 0)
		escaped("perf_event_open(task clock, self) = %ld", fd);
	blocked(errno, "perf_event_open(software task clock, self, user only)");
}

SIMPLE(p_af_alg, "socket(AF_ALG, SOCK_SEQPACKET, 0)",
       socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0))
SIMPLE(p_af_vsock, "socket(AF_VSOCK, SOCK_STREAM, 0) (never connected)",
       socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0))
SIMPLE(p_fanotify, "fanotify_init(FAN_CLASS_NOTIF|FAN_REPORT_FID)",
       fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID, O_RDONLY))

const struct attempt kernel_attempts[] = {
	/* kernel state */
	{ "sysctl", p_sysctl },
	{ "sysrq", p_sysrq },
	{ "sys", p_sys },
	{ "mount_tmpfs", p_mount_tmpfs },
	{ "mount_fs", p_mount_fs },
	{ "fsopen", p_fsopen },
	{ "open_tree", p_open_tree },
	{ "pivot_root", p_pivot_root },
	{ "umount", p_umount },
	{ "mknod", p_mknod },
	{ "init_module", p_init_module },
	{ "finit_module", p_finit_module },
	{ "delete_module", p_delete_module },
	{ "kexec_load", p_kexec_load },
	{ "kexec_file_load", p_kexec_file_load },
	{ "settimeofday", p_settimeofday },
	{ "clock_settime", p_clock_settime },
	{ "sethostname", p_sethostname },
	{ "swapon", p_swapon },
	{ "reboot", p_reboot },
	{ "acct", p_acct },
	/* kernel attack surface */
	{ "io_uring", p_io_uring },
	{ "userfaultfd", p_userfaultfd },
	{ "bpf", p_bpf },
	{ "perf", p_perf },
	{ "af_alg", p_af_alg },
	{ "af_vsock", p_af_vsock },
	{ "fanotify", p_fanotify },
	{ NULL, NULL },
};
