/* jail-init - pid 1 of every pam_jail jail.
 *
 *   jail-init JAILNAME        (fds 3..6 set up by jailcore/ns.c)
 *
 * Exec'd (static, from an fd, after the pivot) by the process that became
 * pid 1 of the jail's new pid namespace, with no capabilities and
 * no_new_privs.  Its jobs:
 *  - reap orphans: processes of the jail whose parent died are reparented
 *    to it, and a pid 1 that does not wait() fills the jail with zombies;
 *  - watch the session's caller through the pidfd on fd 3: when the caller
 *    is gone (sshd's monitor killed, login crashed) the jail must not live
 *    on, so init exits and the kernel kills every process of the namespace;
 *  - relay the jail's /dev/log (fd 5) to the host's syslog (fd 6), every
 *    line attributed to the jail, like jailkit's jk_socketd;
 *  - exit on SIGTERM (sent by an administrator).
 * pam_close_session ends a jail by SIGKILL to this process.
 * No libraries beyond libc, no files opened, nothing printed.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { WATCH_FD = 3, LOG_IN_FD = 5, LOG_OUT_FD = 6 };

/* Lines from inside the jail: a burst of LOG_BURST, then LOG_RATE a
 * second; a user must not be able to flood the host's logs. */
#define LOG_BURST 200
#define LOG_RATE 20
#define LOG_MAX 1024

static const char *jail = "?";

struct bucket {
	double tokens;
	struct timespec last;
	unsigned long dropped;
};

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Returns 1 when init should exit. */
static int handle_signals(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap_all();
		else
			return 1;	/* SIGTERM, SIGINT, SIGHUP */
	}
	return 0;
}

static int take_token(struct bucket *b)
{
	struct timespec now;
	double dt;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - b->last.tv_sec) +
	     (double)(now.tv_nsec - b->last.tv_nsec) / 1e9;
	b->last = now;
	b->tokens += dt * LOG_RATE;
	if (b->tokens > LOG_BURST)
		b->tokens = LOG_BURST;
	if (b->tokens < 1) {
		b->dropped++;
		return 0;
	}
	b->tokens -= 1;
	return 1;
}

/* "<PRI>" of a syslog line; the kernel facility (0) is not the jail's to
 * claim, it becomes user. */
static int parse_pri(const char **msg)
{
	const char *m = *msg;
	int pri = 0, n = 0;

	if (*m != '<')
		return 13;	/* user.notice */
	for (m++; *m >= '0' && *m <= '9' && n < 3; m++, n++)
		pri = pri * 10 + (*m - '0');
	if (*m != '>' || n == 0 || pri > 191)
		return 13;
	*msg = m + 1;
	return pri < 8 ? pri | 8 : pri;
}

static void send_line(const char *line, size_t len)
{
	(void)send(LOG_OUT_FD, line, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* A line from a process of the jail: its own words, but under a tag that
 * names the jail and the sender's uid and pid as the kernel reported them,
 * so it cannot pass for a line from outside the jail. */
static void relay_jailed(char *msg, const struct ucred *cr, struct bucket *b)
{
	char out[LOG_MAX + 160];
	const char *body = msg;
	int pri = parse_pri(&body), n;

	if (!take_token(b))
		return;
	for (char *c = msg; *c; c++)
		if (*c == '\n' || (unsigned char)*c < 0x20)
			*c = ' ';
	if (b->dropped) {
		n = snprintf(out, sizeof(out), "<%d>pam_jail-%s: %lu lines from "
			     "the jail dropped (rate limit)", 4 | 32, jail,
			     b->dropped);
		send_line(out, (size_t)n);
		b->dropped = 0;
	}
	n = snprintf(out, sizeof(out), "<%d>pam_jail-%s[%d]: uid=%u: %s", pri,
		     jail, (int)cr->pid, (unsigned)cr->uid, body);
	if (n > 0)
		send_line(out, (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1);
}

static void relay(struct bucket *b)
{
	char buf[LOG_MAX + 1];
	char cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { .iov_base = buf, .iov_len = LOG_MAX };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	struct ucred cr = { .pid = -1, .uid = (uid_t)-1 };
	ssize_t n = recvmsg(LOG_IN_FD, &mh, MSG_DONTWAIT);

	if (n <= 0)
		return;
	buf[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS)
			memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
	/* pid 0: the sender is outside this pid namespace -- the session's
	 * privileged caller (sshd's monitor, login, su), which lives in the
	 * jail's mount namespace but not its pid namespace.  No process of
	 * the jail can send with pid 0, and only root can claim uid 0. */
	if (cr.pid == 0 && cr.uid == 0)
		send_line(buf, (size_t)n);
	else
		relay_jailed(buf, &cr, b);
}

int main(int argc, char **argv)
{
	struct bucket b = { .tokens = LOG_BURST };
	struct pollfd pfd[3];
	sigset_t set;
	int sfd;

	prctl(PR_SET_NAME, "jail-init");
	if (argc > 1)
		jail = argv[1];
	clock_gettime(CLOCK_MONOTONIC, &b.last);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return 1;
	pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = WATCH_FD, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = LOG_IN_FD, .events = POLLIN };
	for (;;) {
		if (poll(pfd, 3, -1) < 0 && errno != EINTR)
			return 1;
		if ((pfd[0].revents & POLLIN) && handle_signals(sfd))
			return 0;
		/* the caller's pidfd turns readable when it exits */
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
			return 0;
		if (pfd[2].revents & POLLIN)
			relay(&b);
		else if (pfd[2].revents & POLLNVAL)
			pfd[2].fd = -1;
		reap_all();
	}
}
