/* probe.c - the escape suite's attempts, one subcommand each.
 *
 *   probe NAME [ARG...]     (probe list: every NAME, one per line)
 *
 * Built by tests/e2e/50-escape.sh (static, so it also runs in a busybox
 * tree) and run from inside a real jailed ssh session, and again as the
 * same ordinary user outside the jail or in a jail whose protection is
 * switched off, so that every attempt is shown to be able to fail.  Each
 * run prints exactly one line:
 *
 *   NAME: blocked ERRNO (detail)   the attempt failed; ERRNO is the
 *                                  decisive call's (detail has the others)
 *   NAME: blocked (detail)         the attempt failed, no single errno
 *   NAME: ESCAPED detail           the attempt succeeded
 *   NAME: error detail             the probe could not set itself up
 *   NAME: refused ...              see below; nothing was attempted
 *
 * Many attempts also make a "witness" call: the same system call with
 * arguments the kernel rejects early, before any capability check, with
 * an errno of its own (EINVAL, EBADF, ENOSYS...).  Unfiltered, the witness
 * answers that errno; behind the jail's seccomp filter it answers EPERM.
 * That is how a test tells the filter from a missing capability.  Where an
 * ordinary user can get the capability for real - in a new user namespace
 * - the attempt tries that too ("via a new user namespace"), which is what
 * an attacker would do and what the filter exists to stop.
 *
 * Harmless even where an attempt gets through: files are opened for
 * writing but never written, system calls get arguments that change
 * nothing (invalid magic, invalid flags, NULL pointers), mounts go on a
 * scratch directory in a private namespace that dies with the probe,
 * signals are 0, and only processes the test started are looked at.
 *
 * SAFETY: the probe refuses to run while it holds CAP_SYS_ADMIN (or any
 * other capability that reaches the host: module, boot, time, rawio,
 * net_admin, ptrace, mknod, ...) in its effective or permitted set, asking
 * the kernel with capget(2).  A probe started by mistake as root on a
 * machine would otherwise do real damage (rig-notes.md).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <linux/vm_sockets.h>
#include <mqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
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

#define X32_BIT 0x40000000L
#define I386_UNSHARE 310

/* Set up by the test outside every jail: a file only the host side has,
 * and the argv[0] of a process of the user's started outside the jail. */
#define HOST_MARK "/run/pamjail-escape/marker"
#define HOST_SOCK "/run/pamjail-escape/sock"
#define HOST_ABSTRACT "pamjail-escape-test"
#define HOST_PROC_MARK "pamjail-escape-host"

static const char *me = "probe";
static char scratch[PATH_MAX];

/* ---- one result line ---------------------------------------------------- */

static const char *en(int e)
{
	const char *s = e ? strerrorname_np(e) : "OK";

	return s ? s : "E?";
}

static void line(const char *verdict, int err, const char *fmt, va_list ap)
{
	printf("%s: %s", me, verdict);
	if (err)
		printf(" %s", en(err));
	if (fmt) {
		printf(err || strcmp(verdict, "blocked") == 0 ? " (" : " ");
		vprintf(fmt, ap);
		if (err || strcmp(verdict, "blocked") == 0)
			putchar(')');
	}
	putchar('\n');
	fflush(stdout);
}

/* The attempt failed; ERR (0: none) is the decisive errno. */
static void __attribute__((format(printf, 2, 3)))
blocked(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("blocked", err, fmt, ap);
	va_end(ap);
	exit(0);
}

static void __attribute__((format(printf, 1, 2))) escaped(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("ESCAPED", 0, fmt, ap);
	va_end(ap);
	exit(1);
}

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("error", 0, fmt, ap);
	va_end(ap);
	exit(2);
}

/* ---- small helpers ------------------------------------------------------ */

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	errno = e;
	return n < 0 ? -1 : 0;
}

static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0' || buf[i] == '\n')
			buf[i] = ' ';
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return 0;
}

static const char *sub(const char *name)
{
	static char p[4][PATH_MAX + 64];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", scratch, name);
	return p[i];
}

/* $HOME/.pamjail-escape: the user's own scratch directory. */
static void make_scratch(void)
{
	const char *home = getenv("HOME");

	if (!home || !*home || access(home, W_OK) != 0)
		home = "/tmp";
	snprintf(scratch, sizeof(scratch), "%s/.pamjail-escape", home);
	if (mkdir(scratch, 0700) < 0 && errno != EEXIST)
		fail("mkdir %s: %s", scratch, en(errno));
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		fail("mkdir %s: %s", path, en(errno));
}

static int arg_int(int argc, char **argv, const char *what)
{
	if (argc < 1)
		fail("needs %s", what);
	return (int)strtol(argv[0], NULL, 0);
}

/* unshare(CLONE_NEWUSER|EXTRA) and map our ids to 0 in it: how an
 * ordinary user gets capabilities over new namespaces.  -1 with errno. */
static int userns(int extra)
{
	char m[64];
	uid_t u = geteuid();
	gid_t g = getegid();

	if (unshare(CLONE_NEWUSER | extra) < 0)
		return -1;
	snprintf(m, sizeof(m), "0 %u 1", (unsigned)u);
	if (write_str("/proc/self/uid_map", m) < 0)
		fail("in a new user namespace: uid_map: %s", en(errno));
	if (write_str("/proc/self/setgroups", "deny") < 0)
		fail("in a new user namespace: setgroups: %s", en(errno));
	snprintf(m, sizeof(m), "0 %u 1", (unsigned)g);
	if (write_str("/proc/self/gid_map", m) < 0)
		fail("in a new user namespace: gid_map: %s", en(errno));
	if ((extra & CLONE_NEWNS) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("in a new mount namespace: make / private: %s", en(errno));
	return 0;
}

static const char *ns_words(int extra)
{
	switch (extra) {
	case 0: return "CLONE_NEWUSER";
	case CLONE_NEWNS: return "CLONE_NEWUSER|CLONE_NEWNS";
	case CLONE_NEWUTS: return "CLONE_NEWUSER|CLONE_NEWUTS";
	case CLONE_NEWNET: return "CLONE_NEWUSER|CLONE_NEWNET";
	case CLONE_NEWPID: return "CLONE_NEWUSER|CLONE_NEWPID";
	default: return "CLONE_NEWUSER|...";
	}
}

/* Try the attacker's route: a new user namespace.  Returns only when it
 * worked; otherwise the attempt is blocked with FIRST, the errno of the
 * direct try, and both errnos in the detail. */
static void via_userns_or_blocked(int extra, int first, const char *what)
{
	if (userns(extra) == 0)
		return;
	blocked(first, "%s: %s; unshare(%s): %s", what, en(first),
		ns_words(extra), en(errno));
}

static int cap_bit(const struct __user_cap_data_struct *d, int set, int c)
{
	const __u32 *w = set == 0 ? &d[c / 32].effective :
			 set == 1 ? &d[c / 32].permitted : &d[c / 32].inheritable;

	return (*w >> (c % 32)) & 1;
}

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, d);
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

/* ---- the guard ----------------------------------------------------------- */

static void guard(void)
{
	static const struct { int cap; const char *name; } danger[] = {
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" }, { CAP_SYS_MODULE, "CAP_SYS_MODULE" },
		{ CAP_SYS_RAWIO, "CAP_SYS_RAWIO" }, { CAP_SYS_BOOT, "CAP_SYS_BOOT" },
		{ CAP_SYS_TIME, "CAP_SYS_TIME" }, { CAP_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE" }, { CAP_MKNOD, "CAP_MKNOD" },
		{ CAP_SYS_PACCT, "CAP_SYS_PACCT" },
		{ CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH" },
		{ CAP_SYSLOG, "CAP_SYSLOG" }, { CAP_MAC_ADMIN, "CAP_MAC_ADMIN" },
		{ CAP_BPF, "CAP_BPF" }, { CAP_PERFMON, "CAP_PERFMON" },
	};
	struct __user_cap_data_struct d[2];

	if (caps_get(d) < 0) {
		printf("%s: refused: capget: %s\n", me, en(errno));
		exit(3);
	}
	for (size_t i = 0; i < sizeof(danger) / sizeof(danger[0]); i++)
		if (cap_bit(d, 0, danger[i].cap) || cap_bit(d, 1, danger[i].cap)) {
			printf("%s: refused: the probe holds %s (it only runs "
			       "unprivileged)\n", me, danger[i].name);
			exit(3);
		}
}

/* ========================================================================
 * Reaching the host tree
 * ======================================================================== */

static void p_ls_root(int argc, char **argv)
{
	struct dirent **ents;
	char list[4096] = "";
	int n = scandir("/", &ents, NULL, alphasort);

	(void)argc, (void)argv;
	if (n < 0)
		fail("scandir /: %s", en(errno));
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			strncat(list, " ", sizeof(list) - strlen(list) - 1);
			strncat(list, ents[i]->d_name, sizeof(list) - strlen(list) - 1);
		}
		free(ents[i]);
	}
	free(ents);
	if (access(HOST_MARK, F_OK) == 0)
		escaped("%s is visible; / =%s", HOST_MARK, list);
	blocked(errno, "%s; / =%s", HOST_MARK, list);
}

/* Every process's /proc/PID/root, the host marker through each. */
static void p_proc_roots(int argc, char **argv)
{
	char summary[2048] = "", p[PATH_MAX], one[300];
	int e1 = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;

	(void)argc, (void)argv;
	if (!d)
		fail("opendir /proc: %s", en(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/root%s", de->d_name, HOST_MARK);
		if (access(p, F_OK) == 0)
			escaped("%s exists", p);
		if (strcmp(de->d_name, "1") == 0)
			e1 = errno;
		snprintf(one, sizeof(one), " %s:%s", de->d_name, en(errno));
		strncat(summary, one, sizeof(summary) - strlen(summary) - 1);
	}
	closedir(d);
	blocked(e1, "/proc/1/root%s: %s; every /proc/PID/root%s:%s", HOST_MARK,
		en(e1), HOST_MARK, summary);
}

static int same_as_root(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void p_dotdot(int argc, char **argv)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), e;

	(void)argc, (void)argv;
	for (int i = 0; fd >= 0 && i < 32; i++) {
		int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

		close(fd);
		fd = up;
	}
	if (fd < 0)
		fail("openat ..: %s", en(errno));
	if (faccessat(fd, HOST_MARK + 1, F_OK, 0) == 0)
		escaped("/.. (32 times) reaches %s", HOST_MARK);
	e = errno;
	if (!same_as_root(fd))
		escaped("/.. (32 times) is not / (but no host marker)");
	close(fd);
	fd = open("/proc/self/root/../..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fail("open /proc/self/root/../..: %s", en(errno));
	if (faccessat(fd, HOST_MARK + 1, F_OK, 0) == 0)
		escaped("/proc/self/root/../.. reaches %s", HOST_MARK);
	if (!same_as_root(fd))
		escaped("/proc/self/root/../.. is not /");
	close(fd);
	if (chdir("/") < 0)
		fail("chdir /: %s", en(errno));
	for (int i = 0; i < 32; i++)
		if (chdir("..") < 0)
			fail("chdir ..: %s", en(errno));
	if (access(HOST_MARK + 1, F_OK) == 0)
		escaped("chdir .. (32 times) reaches %s", HOST_MARK);
	blocked(e, "%s from /.. x32, /proc/self/root/../.. and cwd .. x32: "
		"all three are /", HOST_MARK);
}

/* The classic: chroot into a subdirectory without entering it, climb
 * out with .., chroot("."). */
static void chroot_trick(const char *how)
{
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			fail("chdir ..: %s", en(errno));
	if (chroot(".") < 0)
		fail("chroot .: %s", en(errno));
	if (chdir("/") < 0)
		fail("chdir /: %s", en(errno));
	if (access(HOST_MARK, F_OK) == 0)
		escaped("chroot trick %s reaches %s", how, HOST_MARK);
	blocked(errno, "the chroot trick %s ends in the jail's /: %s", how,
		HOST_MARK);
}

static void p_chroot_escape(int argc, char **argv)
{
	const char *x = sub("chroot-x");
	int e;

	(void)argc, (void)argv;
	make_dir(x);
	if (chdir(scratch) < 0)
		fail("chdir %s: %s", scratch, en(errno));
	if (chroot(x) == 0)
		chroot_trick("(chroot allowed to the user)");
	e = errno;
	via_userns_or_blocked(0, e, "chroot");
	if (chroot(x) < 0)
		blocked(errno, "chroot: %s; in a new user namespace chroot: %s",
			en(e), en(errno));
	chroot_trick("in a new user namespace");
}

/* fds of PID: none may name a file outside the jail, a namespace, or a
 * pidfd of a process outside the jail's pid namespace. */
struct fdscan {
	char list[3072];
	char bad[1024];
};

static void fd_note(struct fdscan *s, const char *fmt, ...)
{
	char one[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	strncat(s->list, " ", sizeof(s->list) - strlen(s->list) - 1);
	strncat(s->list, one, sizeof(s->list) - strlen(s->list) - 1);
}

static void fd_bad(struct fdscan *s, const char *fmt, ...)
{
	char one[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	if (s->bad[0])
		strncat(s->bad, "; ", sizeof(s->bad) - strlen(s->bad) - 1);
	strncat(s->bad, one, sizeof(s->bad) - strlen(s->bad) - 1);
}

static int fdinfo_pid(const char *fdinfo)
{
	char buf[1024], *p;

	if (read_small(fdinfo, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "Pid:")))
		return INT_MIN;
	return atoi(p + 4);
}

/* Judge one open file: LINK is what readlink said, MAGIC the path of the
 * magic link (or an fd's /proc/self/fd path), INFO its fdinfo. */
static void fd_judge(struct fdscan *s, int n, const char *link,
		     const char *magic, const char *info)
{
	static const char *const ns[] = { "mnt:[", "net:[", "pid:[", "user:[",
		"uts:[", "ipc:[", "cgroup:[", "time:[", "pid_for_children:[" };
	struct stat t, in;

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (strncmp(link, ns[i], strlen(ns[i])) == 0) {
			fd_bad(s, "fd %d -> %s is a namespace", n, link);
			return;
		}
	if (strncmp(link, "anon_inode:[pidfd]", 18) == 0 ||
	    strncmp(link, "pidfd:", 6) == 0) {
		int pid = fdinfo_pid(info);

		if (pid <= 0)
			fd_bad(s, "fd %d -> a pidfd of a process outside the "
			       "jail (fdinfo Pid: %d)", n, pid);
		fd_note(s, "%d=pidfd(%d)", n, pid);
		return;
	}
	if (link[0] != '/') {
		char kind[32];

		snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(link, ":["), link);
		fd_note(s, "%d=%s", n, kind);
		return;
	}
	fd_note(s, "%d=%s", n, link);
	if (stat(magic, &t) < 0) {
		fd_bad(s, "fd %d -> %s: stat: %s", n, link, en(errno));
		return;
	}
	if (stat(link, &in) < 0 || in.st_dev != t.st_dev || in.st_ino != t.st_ino) {
		fd_bad(s, "fd %d -> %s is not the jail's %s%s", n, link, link,
		       S_ISDIR(t.st_mode) ? " (a directory outside the jail)" : "");
		if (S_ISDIR(t.st_mode)) {
			int d = open(magic, O_PATH | O_DIRECTORY | O_CLOEXEC);

			if (d >= 0 && faccessat(d, "marker", F_OK, 0) == 0)
				fd_bad(s, "the host marker is readable through it");
			if (d >= 0)
				close(d);
		}
	}
}

static void p_fds(int argc, char **argv)
{
	struct fdscan s = { "", "" };
	char dir[64], comm[64] = "?", path[PATH_MAX], link[PATH_MAX];
	pid_t pid = getpid();
	struct dirent *de;
	DIR *d;

	if (argc > 0)
		pid = strcmp(argv[0], "ppid") == 0 ? getppid() : atoi(argv[0]);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	read_small(path, comm, sizeof(comm));
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		blocked(errno, "opendir %s (pid %d, %s)", dir, (int)pid, comm);
	int listed = 0, refused = 0;

	while ((de = readdir(d))) {
		ssize_t len;
		char info[300];

		if (de->d_name[0] == '.')
			continue;
		if (pid == getpid() && atoi(de->d_name) == dirfd(d))
			continue;
		listed++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0 && errno == EACCES) {
			/* a root owner may list the numbers (DAC), but a
			 * non-dumpable process's fds stay closed to it */
			refused++;
			continue;
		}
		if (len < 0) {
			fd_bad(&s, "fd %s: readlink: %s", de->d_name, en(errno));
			continue;
		}
		link[len] = '\0';
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%s", (int)pid, de->d_name);
		fd_judge(&s, atoi(de->d_name), link, path, info);
	}
	closedir(d);
	if (listed && refused == listed)
		blocked(EACCES, "readlink %s/*: all %d fds refused (pid %d, %s)",
			dir, listed, (int)pid, comm);
	if (s.bad[0])
		escaped("pid %d (%s): %s; fds:%s", (int)pid, comm, s.bad, s.list);
	blocked(0, "pid %d (%s) fds:%s; none outside the jail", (int)pid, comm,
		s.list);
}

/* Take the fds of a process with pidfd_getfd (ptrace-attach rights
 * needed); judge each; follow a pidfd of a process outside the jail one
 * step further. */
static void steal_from(struct fdscan *s, int pidfd, const char *who, int depth)
{
	int got = 0, e = 0;

	for (int n = 0; n < 64; n++) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, n, 0);
		char magic[64], info[64], link[PATH_MAX];
		ssize_t len;

		if (fd < 0) {
			if (errno != EBADF)
				e = errno;
			continue;
		}
		got++;
		snprintf(magic, sizeof(magic), "/proc/self/fd/%d", fd);
		snprintf(info, sizeof(info), "/proc/self/fdinfo/%d", fd);
		len = readlink(magic, link, sizeof(link) - 1);
		link[len > 0 ? len : 0] = '\0';
		fd_note(s, "%s:%d", who, n);
		fd_judge(s, n, link, magic, info);
		if (depth == 0 && (strncmp(link, "pidfd:", 6) == 0 ||
				   strncmp(link, "anon_inode:[pidfd]", 18) == 0) &&
		    fdinfo_pid(info) <= 0) {
			if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) == 0)
				fd_bad(s, "%s's fd %d signals a process outside the "
				       "jail (signal 0 delivered)", who, n);
			steal_from(s, fd, "outside", 1);
		}
		close(fd);
	}
	if (!got)
		fd_note(s, "%s: pidfd_getfd: %s", who, en(e ? e : EBADF));
}

static void p_steal_fds(int argc, char **argv)
{
	struct fdscan s = { "", "" };
	int pid = argc < 1 ? 1 : strcmp(argv[0], "ppid") == 0 ? (int)getppid() :
		  atoi(argv[0]);
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int probe;

	if (pfd < 0)
		blocked(errno, "pidfd_open(%d)", pid);
	probe = (int)syscall(SYS_pidfd_getfd, pfd, 0, 0);
	if (probe < 0 && errno != EBADF)
		blocked(errno, "pidfd_getfd(pid %d, 0)", pid);
	if (probe >= 0)
		close(probe);
	steal_from(&s, pfd, "init", 0);
	if (s.bad[0])
		escaped("took pid %d's fds: %s; taken:%s", pid, s.bad, s.list);
	blocked(0, "took pid %d's fds, none reaches outside:%s", pid, s.list);
}

/* Take pid 1's fds one by one; on a datagram socket connected to a syslog
 * socket (jail-init's relay to the host's /dev/log), send one marked line:
 * it lands in the host's log without the jail's attribution. */
static void p_forge_log(int argc, char **argv)
{
	static const char msg[] = "<13>pamjail-escape: forged by a jailed root";
	int pfd = (int)syscall(SYS_pidfd_open, 1, 0), e = EBADF;

	(void)argc, (void)argv;
	if (pfd < 0)
		blocked(errno, "pidfd_open(1)");
	for (int n = 0; n < 64; n++) {
		struct sockaddr_un sa;
		socklen_t len = sizeof(sa);
		int fd = (int)syscall(SYS_pidfd_getfd, pfd, n, 0), type = 0;
		socklen_t tl = sizeof(type);

		if (fd < 0) {
			if (errno != EBADF)
				e = errno;
			continue;
		}
		memset(&sa, 0, sizeof(sa));
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 &&
		    type == SOCK_DGRAM &&
		    getpeername(fd, (struct sockaddr *)&sa, &len) == 0 &&
		    sa.sun_family == AF_UNIX && strstr(sa.sun_path, "log") &&
		    send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL) > 0)
			escaped("sent a line to %s through pid 1's fd %d", sa.sun_path, n);
		close(fd);
	}
	blocked(e, "pidfd_getfd(pid 1, 0..63)");
}

/* "shocker": forge a handle for inode 2 (the root) of the file system
 * /usr is bound from - the host's / - and open it by handle. */
static void p_shocker(int argc, char **argv)
{
	struct { struct file_handle h; unsigned char b[128]; } fh;
	int mid, mfd, fd, e1, e2;

	(void)argc, (void)argv;
	mfd = open("/usr", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		fail("open /usr: %s", en(errno));
	fh.h.handle_bytes = sizeof(fh.b);
	if (name_to_handle_at(AT_FDCWD, "/usr", &fh.h, &mid, 0) < 0)
		fail("name_to_handle_at /usr: %s", en(errno));
	/* ext4's FILEID_INO32_GEN: { u32 ino, u32 gen } */
	fh.h.handle_type = 1;
	fh.h.handle_bytes = 8;
	memset(fh.b, 0, 8);
	fh.b[0] = 2;
	fd = open_by_handle_at(mfd, &fh.h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		escaped("opened inode 2 of /usr's file system by a forged handle%s",
			same_as_root(fd) ? " (the jail's /)" : " (not the jail's /)");
	e1 = errno;
	if (open_by_handle_at(-1, &fh.h, O_RDONLY | O_CLOEXEC) < 0)
		e2 = errno;
	else
		e2 = 0;
	blocked(e1, "forged root-inode handle through /usr: %s; witness (mount "
		"fd -1): %s", en(e1), en(e2));
}

/* name_to_handle_at, then open_by_handle_at of the user's own file. */
static void p_handle(int argc, char **argv)
{
	struct { struct file_handle h; unsigned char b[128]; } fh;
	const char *f = sub("handle-file");
	int mid, fd, dfd, e1, e2;

	(void)argc, (void)argv;
	fd = open(f, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		fail("create %s: %s", f, en(errno));
	close(fd);
	fh.h.handle_bytes = sizeof(fh.b);
	if (name_to_handle_at(AT_FDCWD, f, &fh.h, &mid, 0) < 0)
		fail("name_to_handle_at %s: %s", f, en(errno));
	dfd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = open_by_handle_at(dfd, &fh.h, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		escaped("open_by_handle_at opened %s", f);
	e1 = errno;
	e2 = open_by_handle_at(-1, &fh.h, O_RDONLY | O_CLOEXEC) >= 0 ? 0 : errno;
	blocked(e1, "name_to_handle_at: OK; open_by_handle_at: %s; witness "
		"(mount fd -1): %s", en(e1), en(e2));
}

static void p_symlink(int argc, char **argv)
{
	const char *sh = sub("shadow-link"), *mk = sub("marker-link");
	int fd, e1, e2;

	(void)argc, (void)argv;
	unlink(sh);
	unlink(mk);
	if (symlink("/etc/shadow", sh) < 0 || symlink(HOST_MARK, mk) < 0)
		fail("symlink in %s: %s", scratch, en(errno));
	fd = open(mk, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		escaped("%s -> %s opens the host's file", mk, HOST_MARK);
	e2 = errno;
	fd = open(sh, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;

		fstat(fd, &st);
		if (st.st_size > 0)
			escaped("%s -> /etc/shadow opens a file of %lld bytes", sh,
				(long long)st.st_size);
		e1 = 0;
	} else {
		e1 = errno;
	}
	blocked(e2, "marker-link -> %s: %s; shadow-link -> /etc/shadow: %s",
		HOST_MARK, en(e2), e1 ? en(e1) : "an empty file");
}

static void p_devnode(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/devtest/null";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode))
		escaped("opened device node %s (char %u:%u)", path,
			major(st.st_rdev), minor(st.st_rdev));
	if (fd >= 0)
		fail("%s is not a device node", path);
	blocked(errno, "open %s", path);
}

/* ========================================================================
 * Seeing and signalling host processes
 * ======================================================================== */

static void p_ps_host(int argc, char **argv)
{
	char list[2048] = "", p[300], cmd[256], one[600];
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;

	(void)argc, (void)argv;
	if (!d)
		fail("opendir /proc: %s", en(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/cmdline", de->d_name);
		if (read_small(p, cmd, sizeof(cmd)) < 0)
			continue;
		if (strstr(cmd, HOST_PROC_MARK))
			escaped("pid %s is the host's process: %s", de->d_name, cmd);
		snprintf(p, sizeof(p), "/proc/%s/comm", de->d_name);
		read_small(p, cmd, sizeof(cmd));
		snprintf(one, sizeof(one), " %s:%s", de->d_name, cmd);
		strncat(list, one, sizeof(list) - strlen(list) - 1);
		n++;
	}
	closedir(d);
	blocked(0, "%d processes visible:%s; no %s", n, list, HOST_PROC_MARK);
}

static void p_kill_pid(int argc, char **argv)
{
	int pid = arg_int(argc, argv, "a pid");

	if (kill(pid, 0) == 0)
		escaped("kill(%d, 0) reached a process", pid);
	blocked(errno, "kill(%d, 0)", pid);
}

static void p_kill_all(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (kill(-1, 0) == 0)
		escaped("kill(-1, 0) reached at least one other process");
	blocked(errno, "kill(-1, 0)");
}

static void p_proc_pid(int argc, char **argv)
{
	int pid = arg_int(argc, argv, "a pid");
	char p[64], cmd[256];

	snprintf(p, sizeof(p), "/proc/%d/cmdline", pid);
	if (read_small(p, cmd, sizeof(cmd)) == 0)
		escaped("%s reads \"%s\"", p, cmd);
	blocked(errno, "%s", p);
}

static void p_ptrace(int argc, char **argv)
{
	int pid = arg_int(argc, argv, "a pid");

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0)
		escaped("PTRACE_SEIZE of pid %d succeeded", pid);
	blocked(errno, "PTRACE_SEIZE pid %d", pid);
}

static void p_pidfd(int argc, char **argv)
{
	int pid = arg_int(argc, argv, "a pid");
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd >= 0)
		escaped("pidfd_open(%d) = %d", pid, fd);
	blocked(errno, "pidfd_open(%d)", pid);
}

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
		en(e), (sv.f_flag & ST_RDONLY) ? "read-only" : "read-write", en(r));
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
			if (de->d_name[0] != '.') {
				strncat(list, " ", sizeof(list) - strlen(list) - 1);
				strncat(list, de->d_name, sizeof(list) - strlen(list) - 1);
			}
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
		escaped("mounted a tmpfs on %s in a new user+mount namespace", m);
	blocked(errno, "mount tmpfs: %s; in a new user+mount namespace: %s",
		en(e), en(errno));
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
		blocked(e, "mount -t %s: %s; witness (no such mount point): %s; "
			"unshare(CLONE_NEWUSER|CLONE_NEWNS|%s): %s", type, en(e),
			en(w), proc ? "CLONE_NEWPID" : "CLONE_NEWNET", en(errno));
	pid = fork();	/* the first child is pid 1 of the new pid namespace */
	if (pid == 0)
		_exit(mount(type, m, type, MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    NULL) == 0 ? 0 : errno & 0xff);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		fail("fork: %s", en(errno));
	if (WEXITSTATUS(st) == 0)
		escaped("mounted a new %s on %s in new user+mount+%s namespaces",
			type, m, proc ? "pid" : "net");
	blocked(e, "mount -t %s: %s; witness (no such mount point): %s; in new "
		"user+mount+%s namespaces: %s", type, en(e), en(w),
		proc ? "pid" : "net", en(WEXITSTATUS(st)));
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
	blocked(errno, "fsopen: %s; in a new user+mount namespace: %s", en(e),
		en(errno));
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
	blocked(errno, "open_tree: %s; in a new user+mount namespace: %s", en(e),
		en(errno));
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
		blocked(errno, "pivot_root: %s; in a new user+mount namespace, "
			"mount: %s", en(e), en(errno));
	make_dir(old);
	if (syscall(SYS_pivot_root, n, old) == 0)
		escaped("pivot_root in a new user+mount namespace");
	blocked(errno, "pivot_root: %s; in a new user+mount namespace: %s",
		en(e), en(errno));
}

static void p_umount(int argc, char **argv)
{
	int e1, e2;

	(void)argc, (void)argv;
	if (umount2("/tmp", MNT_DETACH) == 0)
		escaped("umount2(/tmp, MNT_DETACH) succeeded");
	e1 = errno;
	e2 = umount2("/tmp", (int)0x80000000) == 0 ? 0 : errno;
	blocked(e1, "umount2 /tmp: %s; witness (invalid flags): %s", en(e1), en(e2));
}

static void p_mknod(int argc, char **argv)
{
	const char *c = sub("null-node"), *b = sub("sda-node"), *f = sub("fifo");
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
	blocked(e1, "char 1:3: %s; block 8:0: %s; a fifo in the same "
		"directory: %s", en(e1), en(e2), en(e3));
}

/* A capability-gated call with harmless arguments: its errno alone. */
#define SIMPLE(fn, what, call)                                               \
	static void fn(int argc, char **argv)                                \
	{                                                                    \
		long r;                                                      \
		(void)argc, (void)argv;                                      \
		r = (call);                                                  \
		if (r >= 0)                                                  \
			escaped("%s returned %ld", what, r);                 \
		blocked(errno, "%s", what);                                  \
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
	struct timeval tv = { 0, -1 };	/* invalid: nothing can be set */

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
	blocked(errno, "sethostname: %s; in a new user+UTS namespace: %s", en(e),
		en(errno));
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
 * Host IPC
 * ======================================================================== */

static void p_abstract(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name = argc > 0 ? argv[0] : HOST_ABSTRACT;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				    strlen(name));

	if (s < 0)
		fail("socket: %s", en(errno));
	memcpy(sa.sun_path + 1, name, strlen(name));
	if (connect(s, (struct sockaddr *)&sa, len) == 0)
		escaped("connected to the abstract socket @%s", name);
	blocked(errno, "connect @%s", name);
}

static void p_unix_path(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = argc > 0 ? argv[0] : HOST_SOCK;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		fail("socket: %s", en(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		escaped("connected to %s", path);
	blocked(errno, "connect %s", path);
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n - 1;	/* the header */
}

static void p_sysv(int argc, char **argv)
{
	const char *kind = me;
	key_t key = (key_t)arg_int(argc, argv, "a key");
	char proc[64];
	int id;

	if (strcmp(kind, "shm") == 0)
		id = shmget(key, 0, 0);
	else if (strcmp(kind, "msg") == 0)
		id = msgget(key, 0);
	else
		id = semget(key, 0, 0);
	if (id >= 0)
		escaped("%sget(0x%08x) found the host's object (id %d)", kind,
			(unsigned)key, id);
	snprintf(proc, sizeof(proc), "/proc/sysvipc/%s", kind);
	blocked(errno, "%sget(0x%08x); %s lists %d objects", kind, (unsigned)key,
		proc, count_lines(proc));
}

static void p_mqueue(int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "/pamjail-escape";
	mqd_t q = mq_open(name, O_RDONLY);

	if (q != (mqd_t)-1)
		escaped("mq_open(%s) opened the host's queue", name);
	blocked(errno, "mq_open(%s)", name);
}

/* Test helper, run by the test outside the jail as the ordinary user:
 * create the queue p_mqueue looks for. */
static void p_make_mqueue(int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "/pamjail-escape";
	struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	mqd_t q = mq_open(name, O_RDWR | O_CREAT, 0644, &a);

	if (q == (mqd_t)-1)
		fail("mq_open(%s, O_CREAT): %s", name, en(errno));
	printf("%s: created %s\n", me, name);
	exit(0);
}

SIMPLE(p_keyctl, "keyctl(KEYCTL_GET_KEYRING_ID, thread keyring, no create)",
       syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 0))
SIMPLE(p_add_key, "add_key(\"user\", ..., keyring 0 (invalid))",
       syscall(SYS_add_key, "user", "pamjail-escape", "x", 1UL, 0))
SIMPLE(p_request_key, "request_key(\"pamjail_no_such_type\", ...)",
       syscall(SYS_request_key, "pamjail_no_such_type", "pamjail-escape",
	       NULL, 0))

/* ========================================================================
 * Network reach
 * ======================================================================== */

static void p_connect(int argc, char **argv)
{
	int port = argc > 0 ? atoi(argv[0]) : 22;
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		fail("socket: %s", en(errno));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		escaped("connected to 127.0.0.1:%d", port);
	blocked(errno, "connect 127.0.0.1:%d", port);
}

static void p_netifs(int argc, char **argv)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	char list[512] = "";
	int other = 0;

	(void)argc, (void)argv;
	if (!ifs)
		fail("if_nameindex: %s", en(errno));
	for (i = ifs; i->if_name; i++) {
		strncat(list, " ", sizeof(list) - strlen(list) - 1);
		strncat(list, i->if_name, sizeof(list) - strlen(list) - 1);
		other |= strcmp(i->if_name, "lo") != 0;
	}
	if (other)
		escaped("network interfaces:%s", list);
	blocked(0, "network interfaces:%s", list);
}

static void p_raw_socket(int argc, char **argv)
{
	int s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP), e;

	(void)argc, (void)argv;
	if (s >= 0)
		escaped("raw ICMP socket as the user");
	e = errno;
	via_userns_or_blocked(CLONE_NEWNET, e, "socket(AF_INET, SOCK_RAW)");
	if (socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP) >= 0)
		escaped("raw ICMP socket in a new user+network namespace");
	blocked(errno, "raw socket: %s; in a new user+network namespace: %s",
		en(e), en(errno));
}

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
		escaped("exec gave capabilities: eff=%#llx prm=%#llx%s", eff, prm,
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

static void reap(pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
}

static void p_clone_user(int argc, char **argv)
{
	long pid;

	(void)argc, (void)argv;
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid > 0) {
		reap((pid_t)pid);
		escaped("clone(CLONE_NEWUSER) made a child in a new user namespace");
	}
	blocked(errno, "clone(CLONE_NEWUSER|SIGCHLD)");
}

static void p_clone3_user(int argc, char **argv)
{
	struct clone_args a = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	long pid;

	(void)argc, (void)argv;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid > 0) {
		reap((pid_t)pid);
		escaped("clone3(CLONE_NEWUSER) made a child in a new user namespace");
	}
	blocked(errno, "clone3({.flags = CLONE_NEWUSER})");
}

/* unshare through the i386 entry point from this 64-bit process. */
static void p_int80_unshare(int argc, char **argv)
{
	long r;

	(void)argc, (void)argv;
#if defined(__x86_64__)
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
	blocked(e, "setns(own user namespace): %s (the kernel's own answer is "
		"EINVAL); open /proc/1/ns/mnt: %s", en(e), en(e1));
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
		fail("capset inheritable in a new user namespace: %s", en(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0)
		escaped("PR_CAP_AMBIENT_RAISE cap_net_raw in a new user namespace");
	blocked(errno, "PR_CAP_AMBIENT_RAISE: %s; in a new user namespace: %s",
		en(e), en(errno));
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
	blocked(errno, "capset: %s; in a new user namespace: %s", en(e), en(errno));
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

static void tty_ioctl(int argc, char **argv, unsigned long cmd, const char *what)
{
	const char *path = argc > 0 ? argv[0] : "/dev/tty";
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		fail("open %s: %s", path, en(errno));
	if (syscall(SYS_ioctl, fd, cmd, NULL) == 0)
		escaped("ioctl(%s, %s) returned 0", path, what);
	blocked(errno, "ioctl(%s, %s, NULL): EFAULT would mean the kernel "
		"took the request", path, what);
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

/* ========================================================================
 * Kernel attack surface
 * ======================================================================== */

static void p_io_uring(int argc, char **argv)
{
	unsigned char params[120] = { 0 };	/* struct io_uring_params */
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
				     .disabled = 1, .exclude_kernel = 1,
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

/* ========================================================================
 * A jailed root's tree seen from the host: a setuid-root file it makes
 * ======================================================================== */

/* Run by a jailed root: copy PROBE to DST with mode 4755, owned by uid 0
 * inside = uid 0 on the host.  Nothing is run here. */
static void p_make_suid(int argc, char **argv)
{
	const char *src = argc > 0 ? argv[0] : "/probe";
	const char *dst = argc > 1 ? argv[1] : "/srv/pamjail-suid";
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (getuid() != 0)
		blocked(EPERM, "make_suid runs as root only (uid %u)",
			(unsigned)getuid());
	if (in < 0)
		fail("open %s: %s", src, en(errno));
	unlink(dst);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0)
		blocked(errno, "create %s", dst);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			fail("write %s: %s", dst, en(errno));
	if (fchown(out, 0, 0) < 0 || fchmod(out, 04755) < 0)
		blocked(errno, "chmod 4755 %s", dst);
	close(out);
	escaped("made %s setuid root (mode 4755, uid 0 on disk)", dst);
}

/* Run by a jailed root (chown is in its root_caps): a file of a
 * read-only bind. */
static void p_chown_ro(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/ro/file";

	if (chown(path, 0, 0) == 0)
		escaped("chown %s succeeded", path);
	blocked(errno, "chown 0:0 %s", path);
}

/* ---- the table ----------------------------------------------------------- */

struct attempt {
	const char *name;
	void (*fn)(int argc, char **argv);
};

static const struct attempt attempts[] = {
	/* host tree */
	{ "ls_root", p_ls_root },	{ "proc_roots", p_proc_roots },
	{ "dotdot", p_dotdot },		{ "chroot_escape", p_chroot_escape },
	{ "fds", p_fds },		{ "steal_fds", p_steal_fds },
	{ "forge_log", p_forge_log },
	{ "shocker", p_shocker },	{ "handle", p_handle },
	{ "symlink", p_symlink },	{ "devnode", p_devnode },
	/* host processes */
	{ "ps_host", p_ps_host },	{ "kill_pid", p_kill_pid },
	{ "kill_all", p_kill_all },	{ "proc_pid", p_proc_pid },
	{ "ptrace", p_ptrace },		{ "pidfd", p_pidfd },
	/* kernel state */
	{ "sysctl", p_sysctl },		{ "sysrq", p_sysrq },
	{ "sys", p_sys },		{ "mount_tmpfs", p_mount_tmpfs },
	{ "mount_fs", p_mount_fs },	{ "fsopen", p_fsopen },
	{ "open_tree", p_open_tree },	{ "pivot_root", p_pivot_root },
	{ "umount", p_umount },		{ "mknod", p_mknod },
	{ "init_module", p_init_module }, { "finit_module", p_finit_module },
	{ "delete_module", p_delete_module }, { "kexec_load", p_kexec_load },
	{ "kexec_file_load", p_kexec_file_load },
	{ "settimeofday", p_settimeofday }, { "clock_settime", p_clock_settime },
	{ "sethostname", p_sethostname }, { "swapon", p_swapon },
	{ "reboot", p_reboot },		{ "acct", p_acct },
	/* host IPC */
	{ "abstract", p_abstract },	{ "unix_path", p_unix_path },
	{ "shm", p_sysv },		{ "msg", p_sysv },
	{ "sem", p_sysv },		{ "mqueue", p_mqueue },
	{ "make_mqueue", p_make_mqueue },
	{ "keyctl", p_keyctl },		{ "add_key", p_add_key },
	{ "request_key", p_request_key },
	/* network */
	{ "connect", p_connect },	{ "netifs", p_netifs },
	{ "raw_socket", p_raw_socket },
	/* privilege regain */
	{ "suid", p_suid },		{ "filecap", p_filecap },
	{ "unshare_user", p_unshare_user }, { "clone_user", p_clone_user },
	{ "clone3_user", p_clone3_user }, { "int80_unshare", p_int80_unshare },
	{ "x32_unshare", p_x32_unshare }, { "setns", p_setns },
	{ "ambient", p_ambient },	{ "capset", p_capset },
	{ "personality", p_personality },
	/* terminal */
	{ "tiocsti", p_tiocsti },	{ "tiocsti_hi", p_tiocsti_hi },
	{ "tioclinux", p_tioclinux },
	/* kernel attack surface */
	{ "io_uring", p_io_uring },	{ "userfaultfd", p_userfaultfd },
	{ "bpf", p_bpf },		{ "perf", p_perf },
	{ "af_alg", p_af_alg },		{ "af_vsock", p_af_vsock },
	{ "fanotify", p_fanotify },
	/* jailed root */
	{ "make_suid", p_make_suid },	{ "chown_ro", p_chown_ro },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: probe NAME [ARG...] | probe list\n");
		return 2;
	}
	me = argv[1];
	if (strcmp(me, "list") == 0) {
		for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++)
			printf("%s\n", attempts[i].name);
		return 0;
	}
	guard();
	alarm(20);
	make_scratch();
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++)
		if (strcmp(attempts[i].name, me) == 0) {
			attempts[i].fn(argc - 2, argv + 2);
			fail("attempt returned without a verdict");
		}
	printf("%s: error: no such attempt\n", me);
	return 2;
}
