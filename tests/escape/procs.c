/* SPDX-License-Identifier: BSD-3-Clause */
/* procs.c - the escape probe's attempts on processes outside the jail:
 * the fds a process holds or can take (H5-H9, R8, R9, R19 of
 * tests/e2e/50-escape.sh), and seeing, signalling and tracing host
 * processes (P1-P8).
 */
#include "probe.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* ========================================================================
 * The fds of a process: what it holds, what can be taken from it
 * ======================================================================== */

/* fds of PID: none may name a file outside the jail, a namespace, or a
 * pidfd of a process outside the jail's pid namespace. */
struct fdscan {
	char list[3072];
	char bad[1024];
};

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

	if (read_small(fdinfo, buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "Pid:")))
		return INT_MIN;
	return atoi(p + 4);
}

/* Judge one open file: LINK is what readlink said, MAGIC the path of the
 * magic link (or an fd's /proc/self/fd path), INFO its fdinfo. */
static void fd_judge(struct fdscan *s, int n, const char *link,
		     const char *magic, const char *info)
{
	static const char *const ns[] = {
		"mnt:[",    "net:[",  "pid:[",
		"user:[",   "uts:[",  "ipc:[",
		"cgroup:[", "time:[", "pid_for_children:["
	};
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
			fd_bad(s,
			       "fd %d -> a pidfd of a process outside the "
			       "jail (fdinfo Pid: %d)",
			       n, pid);
		list_add(s->list, sizeof(s->list), "%d=pidfd(%d)", n, pid);
		return;
	}
	if (link[0] != '/') {
		char kind[32];

		snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(link, ":["),
			 link);
		list_add(s->list, sizeof(s->list), "%d=%s", n, kind);
		return;
	}
	list_add(s->list, sizeof(s->list), "%d=%s", n, link);
	if (stat(magic, &t) < 0) {
		fd_bad(s, "fd %d -> %s: stat: %s", n, link, en(errno));
		return;
	}
	if (stat(link, &in) < 0 || in.st_dev != t.st_dev ||
	    in.st_ino != t.st_ino) {
		fd_bad(s, "fd %d -> %s is not the jail's %s%s", n, link, link,
		       S_ISDIR(t.st_mode) ? " (a directory outside the jail)" :
					    "");
		if (S_ISDIR(t.st_mode)) {
			int d = open(magic, O_PATH | O_DIRECTORY | O_CLOEXEC);

			if (d >= 0 && faccessat(d, "marker", F_OK, 0) == 0)
				fd_bad(s,
				       "the host marker is readable through it");
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
			fd_bad(&s, "fd %s: readlink: %s", de->d_name,
			       en(errno));
			continue;
		}
		link[len] = '\0';
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%s", (int)pid,
			 de->d_name);
		fd_judge(&s, atoi(de->d_name), link, path, info);
	}
	closedir(d);
	if (listed && refused == listed)
		blocked(EACCES,
			"readlink %s/*: all %d fds refused (pid %d, %s)", dir,
			listed, (int)pid, comm);
	if (s.bad[0])
		escaped("pid %d (%s): %s; fds:%s", (int)pid, comm, s.bad,
			s.list);
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
		list_add(s->list, sizeof(s->list), "%s:%d", who, n);
		fd_judge(s, n, link, magic, info);
		if (depth == 0 &&
		    (strncmp(link, "pidfd:", 6) == 0 ||
		     strncmp(link, "anon_inode:[pidfd]", 18) == 0) &&
		    fdinfo_pid(info) <= 0) {
			if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) == 0)
				fd_bad(s,
				       "%s's fd %d signals a process outside the "
				       "jail (signal 0 delivered)",
				       who, n);
			steal_from(s, fd, "outside", 1);
		}
		close(fd);
	}
	if (!got)
		list_add(s->list, sizeof(s->list), "%s: pidfd_getfd: %s", who,
			 en(e ? e : EBADF));
}

static void p_steal_fds(int argc, char **argv)
{
	struct fdscan s = { "", "" };
	int pid = argc < 1		       ? 1 :
		  strcmp(argv[0], "ppid") == 0 ? (int)getppid() :
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
			escaped("sent a line to %s through pid 1's fd %d",
				sa.sun_path, n);
		close(fd);
	}
	blocked(e, "pidfd_getfd(pid 1, 0..63)");
}

/* ========================================================================
 * Seeing and signalling host processes
 * ======================================================================== */

static void p_ps_host(int argc, char **argv)
{
	char list[2048] = "", p[300], cmd[256];
	int n = 0;
	DIR *d = proc_dir();
	const char *pid;

	(void)argc, (void)argv;
	while ((pid = next_pid(d))) {
		snprintf(p, sizeof(p), "/proc/%s/cmdline", pid);
		if (read_small(p, cmd, sizeof(cmd)) < 0)
			continue;
		if (strstr(cmd, HOST_PROC_MARK))
			escaped("pid %s is the host's process: %s", pid, cmd);
		snprintf(p, sizeof(p), "/proc/%s/comm", pid);
		read_small(p, cmd, sizeof(cmd));
		list_add(list, sizeof(list), "%s:%s", pid, cmd);
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

const struct attempt procs_attempts[] = {
	{ "fds", p_fds },
	{ "steal_fds", p_steal_fds },
	{ "forge_log", p_forge_log },
	{ "ps_host", p_ps_host },
	{ "kill_pid", p_kill_pid },
	{ "kill_all", p_kill_all },
	{ "proc_pid", p_proc_pid },
	{ "ptrace", p_ptrace },
	{ "pidfd", p_pidfd },
	{ NULL, NULL },
};
