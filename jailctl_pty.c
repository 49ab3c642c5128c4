/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_pty.c - the terminal of `jailctl enter`: the administrator's
 * terminal never goes into the jail.
 *
 * A process of the jail's user left behind in a shared jail has the same
 * uid as the entered command, which is dumpable after its exec: with
 * pidfd_getfd it can take the command's fd 0 and keep it, reading the
 * administrator's keystrokes after the command has returned (the classic
 * su pty hijack; denying TIOCSTI stops injection, not reading).  So, like
 * `machinectl shell` and util-linux `su --pty`, the command gets a fresh
 * pty of the jail's devpts and a session of its own; jailctl keeps the
 * master outside the jail's pid namespace and copies bytes between it and
 * the real terminal until the command ends, then closes it: a stolen
 * slave is hung up from then on. */
#include "jailctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int ctl_pty_open(struct ctl_pty *t)
{
	struct winsize ws;

	memset(t, 0, sizeof(*t));
	t->master = t->slave = -1;
	for (int fd = 0; fd < 3; fd++)
		t->tty[fd] = isatty(fd);
	if (!t->tty[0] && !t->tty[1] && !t->tty[2])
		return 0;
	/* in the jail's mount namespace: its /dev/ptmx, its devpts */
	t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->master < 0 || unlockpt(t->master) < 0)
		return -1;
	/* the slave from the master itself (4.13+): no path to resolve */
	t->slave = ioctl(t->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->slave < 0)
		return -1;
	if (t->tty[0] && tcgetattr(0, &t->saved) == 0) {
		t->have_saved = true;
		tcsetattr(t->slave, TCSANOW, &t->saved);
	}
	for (int fd = 0; fd < 3; fd++)
		if (t->tty[fd] && ioctl(fd, TIOCGWINSZ, &ws) == 0) {
			ioctl(t->slave, TIOCSWINSZ, &ws);
			break;
		}
	return 1;
}

/* In the child: a session of its own (no controlling terminal of the
 * host's), the pty as its controlling terminal and as each standard fd
 * that was a terminal. */
int ctl_pty_child(const struct ctl_pty *t)
{
	if (setsid() < 0)
		return -1;
	if (t->master < 0)
		return 0;
	if (ioctl(t->slave, TIOCSCTTY, 0) < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (t->tty[fd] && dup2(t->slave, fd) < 0)
			return -1;
	return 0;
}

/* Copy what is readable on FROM to TO; -1 when FROM is done. */
static int pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && errno == EINTR ? 0 : -1;
	for (ssize_t off = 0, w; off < n; off += w) {
		w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno != EINTR)
			return -1;
		if (w < 0)
			w = 0;
	}
	return 0;
}

static void raw_mode(const struct ctl_pty *t)
{
	struct termios raw = t->saved;

	if (!t->have_saved)
		return;
	cfmakeraw(&raw);
	tcsetattr(0, TCSADRAIN, &raw);
}

/* The parent: copy between the real terminal and the master until the
 * command PID ends, then close the master.  Returns waitpid's status. */
int ctl_pty_proxy(struct ctl_pty *t, pid_t pid)
{
	int out = t->tty[1] ? 1 : 2, status = 0, sfd, pfd;
	struct winsize ws;
	sigset_t set;

	close(t->slave);
	t->slave = -1;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	pfd = pidfd_open(pid, 0);
	raw_mode(t);
	for (bool in_open = t->tty[0], m_open = true;;) {
		struct pollfd p[4] = {
			{ .fd = pfd, .events = POLLIN },
			{ .fd = m_open ? t->master : -1, .events = POLLIN },
			{ .fd = in_open ? 0 : -1, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};

		if (poll(p, 4, pfd < 0 ? 200 : -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) &&
		    pump(t->master, out) < 0)
			m_open = false; /* no slave open (EIO) until one is */
		if (p[2].revents & (POLLIN | POLLHUP) && pump(0, t->master) < 0)
			in_open = false;
		if (p[3].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) > 0)
				;
			if (ioctl(out, TIOCGWINSZ, &ws) == 0)
				ioctl(t->master, TIOCSWINSZ, &ws);
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	/* the command's last words, then the master closes: any slave fd
	 * still held in the jail is hung up */
	fcntl(t->master, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 64 && pump(t->master, out) == 0; i++)
		;
	if (t->have_saved)
		tcsetattr(0, TCSADRAIN, &t->saved);
	close(t->master);
	t->master = -1;
	if (pfd >= 0)
		close(pfd);
	if (sfd >= 0)
		close(sfd);
	return status;
}
