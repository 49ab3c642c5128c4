/* SPDX-License-Identifier: BSD-3-Clause */
/* jail-init - pid 1 of every pam_jail jail.
 *
 *   jail-init JAILNAME [persist]       (fds set up by jailcore/50-build/ns.c, see
 *                                      jailcore/40-session/proto.h)
 *
 * Exec'd (static, from an fd, after the pivot) by the process that became
 * pid 1 of the jail's new pid namespace, with no capabilities, no_new_privs
 * and the jail's seccomp filter.  Its jobs:
 *  - reap orphans: processes of the jail whose parent died are reparented
 *    to it, and a pid 1 that does not wait() fills the jail with zombies;
 *  - count the jail's sessions: each holds a connection (the first one from
 *    the build, later ones accepted on the control socket with JOIN and a
 *    pidfd of their caller).  A session ends on LEAVE, on its connection's
 *    close, or when its caller dies (the pidfd turns readable: sshd's
 *    monitor killed, login crashed).  When the last one ends and the jail
 *    is not persistent, init exits and the kernel kills every process of
 *    the jail's pid namespace;
 *  - relay the jail's /dev/log to the host's syslog, every line attributed
 *    to the jail, like jailkit's jk_socketd;
 *  - exit on SIGTERM or STOP (an administrator ending the jail); never on
 *    a terminal's signals: it is a session leader without a controlling
 *    tty (jailcore/50-build/ns.c), and SIGHUP/SIGINT are left to the kernel, which
 *    drops them for a pid namespace's init.
 * No libraries beyond libc, no files opened, nothing printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jailcore/40-session/proto.h"
#include "jailcore/90-support/cleanup.h"

/* Lines from inside the jail: a burst of LOG_BURST, then LOG_RATE a
 * second, per sending uid; a user must not be able to flood the host's
 * logs, nor drown a co-tenant's lines in a team jail.  Past LOG_UIDS uids
 * (a jailed root switching uids) the rest share one bucket. */
#define LOG_BURST 200
#define LOG_RATE 20
#define LOG_MAX 1024
#define LOG_UIDS 32

/* Older libc headers (Linux 6.5+, 6.9+ for pidfs inodes) */
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD 0x04
#endif
#ifndef PID_FS_MAGIC
#define PID_FS_MAGIC 0x50494446
#endif

struct session {
	int conn;  /* connection, -1 = free slot */
	int pidfd; /* the caller's pidfd */
};

struct bucket {
	double tokens;
	struct timespec last;
	unsigned long dropped;
};

static const char *jail = "?";
static int persist;
static int ctl_fd = -1; /* control socket; absent for share = session */
static struct session sessions[JC_MAX_SESSIONS];
static unsigned n_sessions;
static struct uid_bucket {
	uid_t uid;
	int used;
	struct bucket b;
} buckets[LOG_UIDS + 1]; /* the last one: every uid past LOG_UIDS */

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* ---- syslog relay ------------------------------------------------------ */

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
		return 13; /* user.notice */
	for (m++; *m >= '0' && *m <= '9' && n < 3; m++, n++)
		pri = pri * 10 + (*m - '0');
	if (*m != '>' || n == 0 || pri > 191)
		return 13;
	*msg = m + 1;
	return pri < 8 ? pri | 8 : pri;
}

/* Lines the host's syslog could not take yet (its socket buffer full, a
 * daemon restarting): kept in order and sent when it takes them again,
 * without ever blocking init.  Past LOG_QUEUE lines the oldest wait is
 * the jail's loss, counted like the rate limit's. */
#define LOG_QUEUE 512
static char queue[LOG_QUEUE][LOG_MAX + 160];
static size_t queue_len[LOG_QUEUE];
static unsigned q_head, q_count;
static unsigned long q_dropped;

static int try_send(const char *line, size_t len)
{
	return send(JC_INIT_LOG_OUT, line, len, MSG_NOSIGNAL | MSG_DONTWAIT) >=
		       0 ||
	       (errno != EAGAIN &&
		errno != ENOBUFS); /* gone: nothing to keep */
}

static void flush_queue(void)
{
	char note[160];
	int n;

	while (q_count && try_send(queue[q_head], queue_len[q_head])) {
		q_head = (q_head + 1) % LOG_QUEUE;
		q_count--;
	}
	if (!q_count && q_dropped) {
		n = snprintf(
			note, sizeof(note),
			"<%d>pam_jail-%s: %lu lines from "
			"the jail dropped (the host's syslog was not reading)",
			4 | 32, jail, q_dropped);
		if (try_send(note, (size_t)n))
			q_dropped = 0;
	}
}

static void send_line(const char *line, size_t len)
{
	unsigned slot;

	flush_queue();
	if (!q_count && try_send(line, len))
		return;
	if (q_count == LOG_QUEUE) {
		q_dropped++;
		return;
	}
	slot = (q_head + q_count++) % LOG_QUEUE;
	if (len > sizeof(queue[0]))
		len = sizeof(queue[0]);
	memcpy(queue[slot], line, len);
	queue_len[slot] = len;
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
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	if (b->dropped) {
		n = snprintf(out, sizeof(out),
			     "<%d>pam_jail-%s: %lu lines from "
			     "the jail dropped (rate limit)",
			     4 | 32, jail, b->dropped);
		send_line(out, (size_t)n);
		b->dropped = 0;
	}
	n = snprintf(out, sizeof(out), "<%d>pam_jail-%s[%d]: uid=%u: %s", pri,
		     jail, (int)cr->pid, (unsigned)cr->uid, body);
	if (n > 0)
		send_line(out, (size_t)n < sizeof(out) ? (size_t)n :
							 sizeof(out) - 1);
}

static struct bucket *bucket_of(uid_t uid)
{
	struct uid_bucket *u;

	for (u = buckets; u < buckets + LOG_UIDS; u++)
		if (!u->used || u->uid == uid)
			break;
	if (!u->used) {
		u->used = 1;
		u->uid = uid;
		u->b.tokens = LOG_BURST;
		clock_gettime(CLOCK_MONOTONIC, &u->b.last);
	}
	return &u->b;
}

/* Whether PIDFD (the sender's, from SCM_PIDFD) is the caller of one of the
 * jail's sessions: pidfs gives every process one inode (Linux 6.9+).  A
 * sender outside the jail's pid namespace (pid 0) is not necessarily a
 * caller: a jailed root in a sibling jail (share = session, one tree)
 * can be handed this jail's /dev/log. */
static int is_caller(int pidfd)
{
	struct statfs fs;
	struct stat a, b;

	if (pidfd < 0 || fstatfs(pidfd, &fs) < 0 || fs.f_type != PID_FS_MAGIC ||
	    fstat(pidfd, &a) < 0)
		return 0;
	for (unsigned i = 0; i < JC_MAX_SESSIONS; i++)
		if (sessions[i].conn >= 0 &&
		    fstat(sessions[i].pidfd, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return 1;
	return 0;
}

/* One line from /dev/log; 0 when none was queued. */
static int relay(void)
{
	char buf[LOG_MAX + 1];
	char cbuf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = LOG_MAX };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	struct ucred cr = { .pid = -1, .uid = (uid_t)-1 };
	cleanup_fd int pidfd = -1;
	ssize_t n =
		recvmsg(JC_INIT_LOG_IN, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n < 0)
		return 0;
	buf[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS)
			memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
		else if (cm->cmsg_level == SOL_SOCKET &&
			 cm->cmsg_type == SCM_PIDFD)
			memcpy(&pidfd, CMSG_DATA(cm), sizeof(pidfd));
	if (n == 0) /* an empty datagram: nothing to relay */
		return 1;
	/* pid 0: the sender is outside this pid namespace.  Verbatim only for
	 * a session's own privileged caller (sshd's monitor, login, su),
	 * which lives in the jail's mount namespace but not its pid
	 * namespace, as the kernel's pidfd of the sender proves; anyone else
	 * is tagged and rate-limited like the jail's own processes.  Without
	 * SCM_PIDFD (kernels before 6.9) every line is tagged. */
	if (cr.pid == 0 && cr.uid == 0 && is_caller(pidfd))
		send_line(buf, (size_t)n);
	else
		relay_jailed(buf, &cr, bucket_of(cr.uid));
	return 1;
}

/* Every line queued now, before any session's end is handled: a caller's
 * last lines (pam_unix's "session closed") are sent before its LEAVE and
 * must be judged while it is still a session's caller.  Bounded: a socket
 * buffer holds a few hundred datagrams, a flood cannot keep init here. */
static void relay_queued(void)
{
	for (int i = 0; i < 1024 && relay(); i++)
		;
}

/* ---- sessions ---------------------------------------------------------- */

static uint64_t ns_ino[3]; /* our mnt, pid, net namespace inodes */

static void reply(int conn, enum jc_msg_type type, int fd)
{
	struct jc_msg m = { .type = type,
			    .sessions = n_sessions,
			    .ns = { ns_ino[0], ns_ino[1], ns_ino[2] } };

	(void)jc_send_fd(conn, &m, sizeof(m), fd, MSG_DONTWAIT);
}

static int add_session(int conn, int pidfd)
{
	for (unsigned i = 0; i < JC_MAX_SESSIONS; i++)
		if (sessions[i].conn < 0) {
			sessions[i].conn = conn;
			sessions[i].pidfd = pidfd;
			n_sessions++;
			return 0;
		}
	return -1;
}

/* Relay what is still queued on /dev/log: the session's last lines (sshd's
 * "Disconnected from user", pam_unix's "session closed" from the caller)
 * are sent just before it leaves, and must not die with the jail. */
static void drain_log(void)
{
	struct pollfd p = { .fd = JC_INIT_LOG_IN, .events = POLLIN };
	struct pollfd out = { .fd = JC_INIT_LOG_OUT, .events = POLLOUT };

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN) && relay())
		;
	/* a stalled syslog gets a little time before the jail is gone */
	for (int waited = 0; q_count && waited < 4000; waited += 100)
		if (poll(&out, 1, 100) > 0)
			flush_queue();
}

static void end_session(unsigned i, enum jc_msg_type why)
{
	relay_queued(); /* its caller's last lines, while it is one */
	n_sessions--;
	if (!n_sessions && !persist) {
		/* no new session may join a jail that is ending: a connect
		 * now is refused, and the login builds a new jail */
		jc_closep(&ctl_fd);
		drain_log();
	}
	if (why)
		reply(sessions[i].conn,
		      n_sessions || persist ? JC_MSG_OK : JC_MSG_LAST, -1);
	close(sessions[i].conn);
	close(sessions[i].pidfd);
	sessions[i].conn = sessions[i].pidfd = -1;
}

/* Read one message (and a passed fd) from CONN. */
static ssize_t read_msg(int conn, struct jc_msg *m, int *fd)
{
	return jc_recv_fd(conn, m, sizeof(*m), fd, MSG_DONTWAIT);
}

/* A new connection on the control socket: JOIN (with the caller's pidfd),
 * STOP or INFO.  Returns 1 when init must exit. */
static int accept_one(void)
{
	cleanup_fd int conn = accept4(ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	cleanup_fd int fd = -1; /* a passed fd, whatever the message */
	cleanup_fd int self = -1;
	struct jc_msg m;
	struct pollfd p;

	if (conn < 0)
		return 0;
	p = (struct pollfd){ .fd = conn, .events = POLLIN };
	if (poll(&p, 1, 2000) <= 0 || read_msg(conn, &m, &fd) != sizeof(m))
		return 0;
	if (m.type == JC_MSG_STOP) {
		reply(conn, JC_MSG_LAST, -1);
		return 1;
	}
	if (m.type == JC_MSG_INFO) {
		reply(conn, JC_MSG_OK, -1);
		return 0;
	}
	if (m.type != JC_MSG_JOIN || fd < 0 || add_session(conn, fd) < 0) {
		reply(conn, JC_MSG_FULL, -1);
		return 0;
	}
	(void)steal_fd(&fd); /* the session's now, with conn */
	/* the joiner enters the jail's namespaces through this pidfd */
	self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	reply(conn, JC_MSG_OK, self);
	(void)steal_fd(&conn);
	return 0;
}

/* PFD holds two entries per session listed in IDX (its caller's pidfd,
 * its connection), in that order.  Returns 1 when the jail must end. */
static int check_sessions(const struct pollfd *pfd, const unsigned *idx,
			  unsigned count)
{
	unsigned ended = 0;

	for (unsigned k = 0; k < count; k++) {
		unsigned i = idx[k];
		struct jc_msg m;

		if (pfd[2 * k].revents & POLLIN) { /* the caller died */
			end_session(i, 0);
			ended++;
		} else if (pfd[2 * k + 1].revents &
			   (POLLIN | POLLHUP | POLLERR)) {
			cleanup_fd int fd = -1; /* none is expected */
			ssize_t n = read_msg(sessions[i].conn, &m, &fd);

			if (n == sizeof(m) && m.type == JC_MSG_STOP)
				return 1;
			if (n <= 0 ||
			    (n == sizeof(m) && m.type == JC_MSG_LEAVE)) {
				end_session(i, n > 0 ? JC_MSG_LEAVE : 0);
				ended++;
			}
		}
	}
	return ended && n_sessions == 0 && !persist;
}

/* Returns 1 when init should exit. */
static int handle_signals(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap_all();
		else
			return 1; /* SIGTERM */
	}
	return 0;
}

static int setup(int argc, char **argv)
{
	sigset_t set;

	prctl(PR_SET_NAME, "jail-init");
	/* Not dumpable: a jailed root has our uid, and ptrace or pidfd_getfd
	 * would hand it our fds -- the caller's pidfd and the socket to the
	 * host's /dev/log. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -1;
	if (argc > 1)
		jail = argv[1];
	persist = argc > 2 && strcmp(argv[2], "persist") == 0;
	for (unsigned i = 0; i < JC_MAX_SESSIONS; i++)
		sessions[i].conn = sessions[i].pidfd = -1;
	if (fcntl(JC_INIT_CTL, F_GETFD) >= 0)
		ctl_fd = JC_INIT_CTL;
	for (int i = 0; i < 3; i++) {
		static const char *const ns[3] = { "/proc/self/ns/mnt",
						   "/proc/self/ns/pid",
						   "/proc/self/ns/net" };
		struct stat st;

		if (stat(ns[i], &st) == 0)
			ns_ino[i] = st.st_ino;
	}
	/* the first session: built with the jail */
	if (add_session(JC_INIT_SESSION, JC_INIT_WATCH) < 0)
		return -1;
	/* Only SIGTERM (an administrator) ends the jail.  SIGHUP and SIGINT
	 * are a terminal's signals (a hangup, ^C), and a jail is not any
	 * terminal's: left unblocked at their default action, the kernel
	 * drops them, as it does every default-action signal sent to a pid
	 * namespace's init (SIGNAL_UNKILLABLE) -- a blocked signal would
	 * be queued for us instead.  The builder reset every disposition
	 * and the mask before the fork that made us. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int main(int argc, char **argv)
{
	static struct pollfd pfd[4 + 2 * JC_MAX_SESSIONS];
	static unsigned idx[JC_MAX_SESSIONS];
	int sfd = setup(argc, argv);

	if (sfd < 0)
		return 1;
	/* the sender's pidfd with each line (Linux 6.5+; see is_caller) */
	(void)setsockopt(JC_INIT_LOG_IN, SOL_SOCKET, SO_PASSPIDFD, &(int){ 1 },
			 sizeof(int));
	for (;;) {
		unsigned n = 4, count = 0;

		pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = JC_INIT_LOG_IN,
					  .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = ctl_fd, .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = q_count ? JC_INIT_LOG_OUT : -1,
					  .events = POLLOUT };
		for (unsigned i = 0; i < JC_MAX_SESSIONS; i++)
			if (sessions[i].conn >= 0) {
				idx[count++] = i;
				pfd[n++] = (struct pollfd){
					.fd = sessions[i].pidfd,
					.events = POLLIN
				};
				pfd[n++] =
					(struct pollfd){ .fd = sessions[i].conn,
							 .events = POLLIN };
			}
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			return 1;
		if ((pfd[0].revents & POLLIN) && handle_signals(sfd)) {
			drain_log();
			return 0;
		}
		if (pfd[1].revents & POLLIN)
			relay_queued();
		if (pfd[3].revents & POLLOUT)
			flush_queue();
		if (check_sessions(pfd + 4, idx, count))
			return 0;
		/* after check_sessions: a new session has no poll entry yet */
		if ((pfd[2].revents & POLLIN) && accept_one())
			return 0;
		reap_all();
	}
}
