/* SPDX-License-Identifier: BSD-3-Clause */
/* edges.c - attempts at the jail's edges (tests/e2e/52-edges.sh): what a
 * jailed root does with a second jail on its tree, what a process left in
 * a shared jail does to an administrator who enters it. */
#include "probe.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		fail("path too long: %s", path);
	strcpy(sa->sun_path, path);
	return 0;
}

/* In jail A: a datagram socket connected to A's /dev/log, handed to the
 * first process that connects to SOCK (a path in the tree both jails
 * share).  Waits up to 30 s. */
static void p_log_pass(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/srv/pamjail-logpass";
	struct sockaddr_un sa, log;
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, one = '1';
	struct iovec iov = { .iov_base = &one, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int lis = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int dg = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), c;

	unix_addr(path, &sa);
	unix_addr("/dev/log", &log);
	if (lis < 0 || dg < 0)
		fail("socket: %s", en(errno));
	if (connect(dg, (struct sockaddr *)&log, sizeof(log)) < 0)
		blocked(errno, "connect /dev/log");
	unlink(path);
	if (bind(lis, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lis, 1) < 0)
		blocked(errno, "bind %s", path);
	alarm(30);
	c = accept(lis, NULL, NULL);
	if (c < 0)
		fail("accept: %s", en(errno));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &dg, sizeof(int));
	if (sendmsg(c, &mh, 0) < 0)
		fail("sendmsg: %s", en(errno));
	unlink(path);
	/* this jail (and its /dev/log) lives until the other side is done */
	while (read(c, &one, 1) > 0)
		;
	escaped("handed this jail's /dev/log over %s", path);
}

/* In jail B: take jail A's /dev/log from SOCK and send MSG on it, as a
 * process that has no pid in A's pid namespace.  Whether it lands
 * verbatim is for the host's log to say. */
static void p_log_forge(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/srv/pamjail-logpass";
	const char *msg = argc > 1 ? argv[1] : "<38>sshd[4242]: forged";
	struct sockaddr_un sa;
	char cbuf[CMSG_SPACE(sizeof(int))], one;
	struct iovec iov = { .iov_base = &one, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), fd = -1;

	unix_addr(path, &sa);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		blocked(errno, "connect %s", path);
	if (recvmsg(s, &mh, MSG_CMSG_CLOEXEC) <= 0)
		blocked(errno, "recvmsg %s", path);
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	if (fd < 0)
		blocked(0, "no fd came over %s", path);
	if (send(fd, msg, strlen(msg), 0) < 0)
		blocked(errno, "send on the other jail's /dev/log");
	escaped("sent a line on the other jail's /dev/log");
}

/* A left-behind process of the jail's user against an administrator who
 * enters the jail: wait for the entered command's pid in FILE (the
 * command writes it), take its first terminal fd (pidfd_getfd: same uid,
 * dumpable), wait until the command has ended, then see whether the
 * terminal is still alive -- the administrator's, readable from now on --
 * or hung up (a pty of the entry's own, whose master has closed). */
static void p_steal_tty(int argc, char **argv)
{
	const char *file = argc > 0 ? argv[0] : "/tmp/entered";
	char buf[32] = "", link[64], target[PATH_MAX] = "?";
	struct pollfd p;
	int pid = 0, pfd, fd = -1;

	for (int i = 0; i < 300 && pid <= 0; i++) {
		if (read_small(file, buf, sizeof(buf)) == 0)
			pid = atoi(buf);
		if (pid <= 0)
			usleep(50000);
	}
	if (pid <= 0)
		fail("no pid in %s", file);
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		blocked(errno, "pidfd_open(%d)", pid);
	for (int n = 0; n < 3 && fd < 0; n++) {
		int f = (int)syscall(SYS_pidfd_getfd, pfd, n, 0);

		if (f < 0 && errno != EBADF)
			blocked(errno, "pidfd_getfd(pid %d, %d)", pid, n);
		if (f >= 0 && isatty(f))
			fd = f;
		else if (f >= 0)
			close(f);
	}
	if (fd < 0)
		blocked(0, "pid %d has no terminal among fds 0-2", pid);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (readlink(link, target, sizeof(target) - 1) < 0)
		strcpy(target, "?");
	p = (struct pollfd){ .fd = pfd, .events = POLLIN };
	poll(&p, 1, 30000); /* the entered command ends */
	usleep(500000);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 0) >= 0 && (p.revents & (POLLHUP | POLLERR)))
		blocked(0,
			"took pid %d's terminal %s; hung up when the command ended",
			pid, target);
	escaped("kept pid %d's terminal %s after the command ended", pid,
		target);
}

/* A jailed root becomes uid ID (setresuid), the first step to spending
 * that uid's per-user kernel budgets (E12); then it takes one inotify
 * instance as that uid, to show the budget is reached. */
static void p_become_uid(int argc, char **argv)
{
	long id = argc > 0 ? atol(argv[0]) : 4242;
	int fd;

	if (syscall(SYS_setresuid, id, id, id) < 0)
		blocked(errno, "setresuid(%ld)", id);
	fd = inotify_init1(IN_CLOEXEC);
	if (fd < 0)
		blocked(errno, "uid %ld, inotify_init1", id);
	escaped("became uid %ld and holds an inotify instance of its budget",
		id);
}

/* The same for a gid (setresgid). */
static void p_become_gid(int argc, char **argv)
{
	long id = argc > 0 ? atol(argv[0]) : 4242;

	if (syscall(SYS_setresgid, id, id, id) < 0)
		blocked(errno, "setresgid(%ld)", id);
	escaped("became gid %ld", id);
}

/* E11: hold ptys until /dev/ptmx refuses, at most MOST (default 64: a
 * rig whose devpts had no max could otherwise spend the machine's global
 * kernel.pty.max); write the count to FILE, then keep them until FILE is
 * removed (at most 60 s) so the test can try another user's login
 * meanwhile.  The verdict is the test's (did that login get a pty?): this
 * line only says where the devpts stopped the taking. */
static void p_hold_ptys(int argc, char **argv)
{
	const char *file = argc > 0 ? argv[0] : "/tmp/ptys-held";
	int most = argc > 1 ? atoi(argv[1]) : 64, n = 0, e = 0, fd;
	char count[32];
	struct stat st;

	if (most < 1 || most > 256)
		fail("MOST must be 1 to 256");
	for (; n < most; n++) {
		int m = open("/dev/ptmx", O_RDWR | O_NOCTTY);

		if (m < 0) {
			e = errno;
			break;
		}
		/* unlocked: a pty as sshd would hand it out */
		if (unlockpt(m) < 0)
			fail("unlockpt: %s", en(errno));
	}
	snprintf(count, sizeof(count), "%d\n", n);
	unlink(file);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, count, strlen(count)) < 0)
		fail("write %s: %s", file, en(errno));
	close(fd);
	for (int i = 0; i < 600 && stat(file, &st) == 0; i++)
		usleep(100000);
	if (!e)
		escaped("held %d ptys: no limit met", n);
	blocked(e, "after %d ptys", n);
}

/* A co-tenant against a login(1) on a host pty: hold N ptys of the jail's
 * devpts (FILE gets the count when they are held) and wait for a session
 * to come up on one of them -- util-linux login reopens its tty by name,
 * /dev/pts/K, inside the jail.  On the first bytes from a pty, type CMD
 * into it (the other user's shell runs it) and report what came.  Ends
 * when FILE is removed (at most 30 s). */
static void p_take_pty(int argc, char **argv)
{
	const char *file = argc > 0 ? argv[0] : "/tmp/ptys-held";
	int n = argc > 1 ? atoi(argv[1]) : 8, fd;
	const char *cmd = argc > 2 ? argv[2] : "exit";
	struct pollfd p[32];
	char buf[256], said[64] = "", count[32];
	struct stat st;
	int got = -1;

	if (n < 1 || n > 32)
		fail("N must be 1 to 32");
	for (int i = 0; i < n; i++) {
		p[i] = (struct pollfd){ .fd = open("/dev/ptmx",
						   O_RDWR | O_NOCTTY),
					.events = POLLIN };
		if (p[i].fd < 0 || unlockpt(p[i].fd) < 0)
			fail("pty %d: %s", i, en(errno));
	}
	snprintf(count, sizeof(count), "%d\n", n);
	unlink(file);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, count, strlen(count)) < 0)
		fail("write %s: %s", file, en(errno));
	close(fd);
	for (int t = 0; t < 300 && stat(file, &st) == 0; t++) {
		if (poll(p, (nfds_t)n, 100) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			ssize_t r;

			if (!(p[i].revents & POLLIN) ||
			    (r = read(p[i].fd, buf, sizeof(buf) - 1)) <= 0)
				continue;
			if (got < 0) {
				got = i;
				buf[r] = '\0';
				for (ssize_t k = 0, o = 0; k < r && o < 40; k++)
					if (buf[k] >= ' ' && buf[k] < 127)
						said[o++] = buf[k];
				if (write(p[i].fd, cmd, strlen(cmd)) < 0 ||
				    write(p[i].fd, "\n", 1) < 0)
					fail("typing into pty %d: %s", i,
					     en(errno));
			}
		}
	}
	if (got >= 0)
		escaped("another session came up on our pty %d, it said '%s'; "
			"we typed into it",
			got, said);
	blocked(0, "no session came to our %d ptys", n);
}

const struct attempt edges_attempts[] = {
	{ "become_uid", p_become_uid }, { "become_gid", p_become_gid },
	{ "log_pass", p_log_pass },	{ "log_forge", p_log_forge },
	{ "steal_tty", p_steal_tty },	{ "hold_ptys", p_hold_ptys },
	{ "take_pty", p_take_pty },	{ NULL, NULL },
};
