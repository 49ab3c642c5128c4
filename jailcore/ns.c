/* SPDX-License-Identifier: BSD-3-Clause */
/* ns.c - see ns.h */
#include "ns.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "mounts.h"
#include "paths.h"
#include "privs.h"
#include "proto.h"
#include "seccomp.h"

#define BUILD_TIMEOUT_MS 30000

/* The fds of the init process before it execs jail-init, at 3 + role:
 * 3 the caller's pidfd (watched), 4 the jail-init binary, 5 the jail's
 * /dev/log socket, 6 a socket connected to the host's /dev/log, 7 the
 * setup report socket (CLOEXEC). */
enum init_fd {
	INIT_WATCH, INIT_EXEC, INIT_LOG_IN, INIT_LOG_OUT, INIT_REPORT,
	INIT_CTL, INIT_SESSION, INIT_N_FDS
};
_Static_assert(3 + INIT_SESSION == JC_INIT_SESSION && 3 + INIT_CTL == JC_INIT_CTL &&
	       3 + INIT_REPORT == JC_INIT_REPORT, "fd layout of proto.h");

/* One message on the setup socket: an error, or (from the builder) the
 * pidfd of init in SCM_RIGHTS. */
struct report {
	int ok;
	int errnum;
	pid_t pid;		/* init's pid in the host's view */
	unsigned long long ns[3];	/* mnt, pid, net namespace inodes */
	char msg[JC_ERR_MAX];
};

/* Every namespace of a jail, as setns() takes them: with network = none
 * its own network namespace, with netns = NAME that one; with network =
 * host the caller's. */
int jc_jail_ns_flags(const struct jc_plan *p)
{
	return CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP |
	       CLONE_NEWPID | (p->network == JC_NET_NONE ? CLONE_NEWNET : 0);
}

/* netns = NAME: join /run/netns/NAME (made by `ip netns add`, so an admin
 * can give the jail a veth and an address) instead of a fresh one. */
static int join_netns(const struct jc_plan *p, struct jc_err *err)
{
	char path[128];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", p->netns);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return jc_fail(err, errno, "netns %s", path);
	if (setns(fd, CLONE_NEWNET) < 0)
		rc = jc_fail(err, errno, "setns %s", path);
	close(fd);
	return rc;
}

/* The jail's mnt, pid and net namespace inodes, through NSDIR, the
 * builder's /proc/self/ns opened before it forked init: init's pivot_root
 * moves the builder's root too, and the jail's /proc has no /proc/self
 * for it; pid_for_children can only be read once pid 1 exists. */
static void read_ns(int nsdir, unsigned long long ino[3])
{
	static const char *const ns[3] = { "mnt", "pid_for_children", "net" };
	struct stat st;

	for (int i = 0; i < 3; i++)
		ino[i] = nsdir >= 0 && fstatat(nsdir, ns[i], &st, 0) == 0 ?
			 st.st_ino : 0;
}

static void send_report(int sock, const struct jc_err *err, int fd,
			pid_t pid, const unsigned long long ns[3])
{
	struct report r = { .ok = err == NULL, .pid = pid };

	if (ns)
		memcpy(r.ns, ns, sizeof(r.ns));
	if (err) {
		r.errnum = err->errnum;
		memcpy(r.msg, err->msg, sizeof(r.msg));
	}
	(void)jc_send_fd(sock, &r, sizeof(r), fd, 0);
}

/* Returns 1 with a message (and *fd when one came), 0 on EOF, -1 on
 * error or timeout. */
static int recv_report(int sock, struct report *r, int *fd,
		       struct jc_err *err)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	ssize_t n;
	int prc;

	while ((prc = poll(&pfd, 1, BUILD_TIMEOUT_MS)) < 0 && errno == EINTR)
		;
	if (prc <= 0)
		return jc_fail(err, prc == 0 ? ETIMEDOUT : errno,
			       "waiting for the jail to be built");
	n = jc_recv_fd(sock, r, sizeof(*r), fd, 0);
	if (n < 0)
		return jc_fail(err, errno, "setup socket");
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(*r))
		return jc_fail(err, 0, "short message from the jail builder");
	r->msg[sizeof(r->msg) - 1] = '\0';
	return 1;
}

static void reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		(void)sigaction(s, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int loopback_up(struct jc_err *err)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (s < 0)
		return jc_fail(err, errno, "socket for lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		rc = jc_fail(err, errno, "SIOCGIFFLAGS lo");
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			rc = jc_fail(err, errno, "bring lo up");
	}
	close(s);
	return rc;
}

/* The fds the jail's pid 1 is handed, by role.  jail-init finds them at
 * fixed numbers (see jail-init.c). */
struct init_fds {
	int fd[INIT_N_FDS];	/* indexed by enum init_fd; -1 = none */
};

/* Put every fd of F at its fixed number and close everything else the
 * caller had (sshd's sockets, login's tty, pipes a caller's caller waits
 * on).  The report socket stays CLOEXEC: its EOF tells the caller that the
 * exec worked. */
static int place_init_fds(const struct init_fds *f, struct jc_err *err)
{
	int tmp[INIT_N_FDS], null;

	for (int i = 0; i < INIT_N_FDS; i++) {
		tmp[i] = -1;
		if (f->fd[i] >= 0 &&
		    (tmp[i] = fcntl(f->fd[i], F_DUPFD_CLOEXEC, 3 + INIT_N_FDS)) < 0)
			return jc_fail(err, errno, "dup");
	}
	for (int i = 0; i < INIT_N_FDS; i++) {
		int flags = i == INIT_EXEC || i == INIT_REPORT ? O_CLOEXEC : 0;

		if (tmp[i] >= 0 && dup3(tmp[i], 3 + i, flags) < 0)
			return jc_fail(err, errno, "dup3");
	}
	if (close_range(3 + INIT_N_FDS, ~0U, 0) < 0)
		return jc_fail(err, errno, "close_range");
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return jc_fail(err, errno, "open /dev/null");
	if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		return jc_fail(err, errno, "dup2 /dev/null");
	close(null);
	return 0;
}

/* pid 1 of the jail, still a copy of the caller until the exec. */
static void init_main(const struct jc_plan *p, int newroot,
		      const struct init_fds *f, const struct jc_bpf *bpf)
{
	static char name[] = "jail-init", persist[] = "persist";
	char jail[sizeof(p->jail)];
	char *const argv[] = { name, jail, p->persist ? persist : NULL, NULL };
	static char *const envp[] = { NULL };
	struct jc_err err = { 0 };
	int report = f->fd[INIT_REPORT];

	memcpy(jail, p->jail, sizeof(jail));
	/* A session and process group of its own, without a controlling
	 * terminal.  Else init stays in its caller's: util-linux login (the
	 * Debian 13 /bin/login, and what agetty runs) is a session leader
	 * that gives up its tty with TIOCNOTTY before it forks, and the
	 * kernel then sends SIGHUP and SIGCONT to the tty's foreground
	 * process group -- which held init, and with it the jail. */
	if (setsid() < 0) {
		jc_fail(&err, errno, "setsid");
		goto fail;
	}
	if (jc_mounts_finish(newroot, p->root, &err) < 0 ||
	    place_init_fds(f, &err) < 0)
		goto fail;
	report = 3 + INIT_REPORT;
	if (jc_privs_drop(NULL, 0, 0, &err) < 0 ||
	    jc_seccomp_load_bpf(bpf, &err) < 0)
		goto fail;
	execveat(3 + INIT_EXEC, "", argv, envp, AT_EMPTY_PATH);
	jc_fail(&err, errno, "exec jail-init");
fail:
	jc_err_wrap(&err, "jail init");
	send_report(report, &err, -1, 0, NULL);
	_exit(127);
}

static int builder_setup(const struct jc_plan *p, struct jc_clones *c,
			 int *newroot, int *log_sock, struct jc_err *err)
{
	if (p->netns[0] && join_netns(p, err) < 0)
		return -1;
	if (unshare(jc_jail_ns_flags(p) & ~(p->netns[0] ? CLONE_NEWNET : 0)) < 0)
		return jc_fail(err, errno, "unshare");
	/* pivot_root refuses shared mounts, and nothing we mount may
	 * propagate back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return jc_fail(err, errno, "make / a slave mount");
	if (jc_mounts_compose(p, c, newroot, log_sock, err) < 0)
		return -1;
	if (sethostname(p->hostname, strlen(p->hostname)) < 0)
		return jc_fail(err, errno, "sethostname %s", p->hostname);
	if (p->network == JC_NET_NONE && !p->netns[0] && loopback_up(err) < 0)
		return -1;
	return 0;
}

static void builder_main(const struct jc_plan *p, struct jc_clones *c,
			 struct init_fds *f, const struct jc_bpf *bpf)
{
	struct jc_err err = { 0 };
	int newroot, pidfd, report = f->fd[INIT_REPORT];
	unsigned long long ns[3];
	int nsdir;
	pid_t pid;

	reset_signals();
	/* a caller killed mid-build takes its half-built jail with it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		jc_fail(&err, errno, "prctl PR_SET_PDEATHSIG");
		goto fail;
	}
	if (builder_setup(p, c, &newroot, &f->fd[INIT_LOG_IN], &err) < 0)
		goto fail;
	nsdir = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	pid = fork();	/* the first child after CLONE_NEWPID is pid 1 */
	if (pid < 0) {
		jc_fail(&err, errno, "fork jail init");
		goto fail;
	}
	if (pid == 0)
		init_main(p, newroot, f, bpf);
	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0) {
		jc_fail(&err, errno, "pidfd_open init");
		kill(pid, SIGKILL);
		goto fail;
	}
	read_ns(nsdir, ns);
	send_report(report, NULL, pidfd, pid, ns);
	_exit(0);
fail:
	send_report(report, &err, -1, 0, NULL);
	_exit(1);
}

/* A failure reported by the builder or init: its message already ends in
 * strerror; keep the errno for the caller. */
static int report_error(struct jc_err *err, const struct report *r)
{
	jc_fail(err, 0, "%s", r->msg);
	err->errnum = r->errnum;
	return -1;
}

/* The builder's answer (init's pidfd), then init's: EOF once its exec
 * closed the CLOEXEC socket, or an error message. */
static int await_init(int sock, struct jc_jail_handle *h, struct jc_err *err)
{
	struct report r;
	int fd = -1, rc = recv_report(sock, &r, &fd, err);

	if (rc <= 0)
		return rc == 0 ? jc_fail(err, 0, "jail builder died") : -1;
	if (!r.ok)
		return report_error(err, &r);
	if (fd < 0)
		return jc_fail(err, 0, "jail builder sent no pidfd");
	h->init_pidfd = fd;
	h->init_pid = r.pid;
	h->mnt_ns = r.ns[0];
	h->pid_ns = r.ns[1];
	h->net_ns = r.ns[2];
	rc = recv_report(sock, &r, NULL, err);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return report_error(err, &r);
	if (poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 0) > 0)
		return jc_fail(err, 0, "jail init exited during setup");
	return 0;
}

/* Fork the builder with default SIGCHLD handling so waitpid works whatever
 * the caller installed (sshd, cron), and restore it afterwards.  F holds
 * every fd init gets except the report socket, made here. */
static int run_builder(const struct jc_plan *p, struct jc_clones *c,
		       struct init_fds *f, const struct jc_bpf *bpf,
		       struct jc_jail_handle *h, struct jc_err *err)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	sigset_t all, saved;
	int sp[2], rc = -1, status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return jc_fail(err, errno, "socketpair");
	f->fd[INIT_REPORT] = sp[1];
	sigfillset(&all);
	sigaction(SIGCHLD, &dfl, &old);
	sigprocmask(SIG_SETMASK, &all, &saved);
	pid = fork();
	if (pid == 0)
		builder_main(p, c, f, bpf);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	close(sp[1]);
	f->fd[INIT_REPORT] = -1;
	if (pid < 0)
		jc_fail(err, errno, "fork jail builder");
	else
		rc = await_init(sp[0], h, err);
	if (pid > 0) {
		if (rc < 0)
			kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sigaction(SIGCHLD, &old, NULL);
	close(sp[0]);
	return rc;
}

void jc_jail_handle_init(struct jc_jail_handle *h)
{
	h->init_pidfd = -1;
	h->init_pid = 0;
	h->ns_flags = 0;
	h->proc_fd = -1;
	h->conn = -1;
	h->mnt_ns = h->pid_ns = h->net_ns = 0;
	h->notice[0] = '\0';
	h->own_cgroupns = false;
	h->runtime_dir[0] = '\0';
}

void jc_jail_handle_close(struct jc_jail_handle *h)
{
	if (h->init_pidfd >= 0)
		close(h->init_pidfd);
	if (h->proc_fd >= 0)
		close(h->proc_fd);
	if (h->conn >= 0)
		close(h->conn);
	jc_jail_handle_init(h);
}

static void close_fds(struct init_fds *f)
{
	for (int i = 0; i < INIT_N_FDS; i++)
		if (f->fd[i] >= 0)
			close(f->fd[i]);
}

/* Everything init is handed, opened while the caller still sees the host:
 * the caller's pidfd, the jail-init binary, the host's /dev/log, the
 * first session's connection (the caller keeps the other end). */
static int open_init_fds(const char *init_path, int ctl, struct init_fds *f,
			 int *conn, struct jc_err *err)
{
	int sp[2];

	for (int i = 0; i < INIT_N_FDS; i++)
		f->fd[i] = -1;
	f->fd[INIT_CTL] = ctl;
	if (jc_path_open_host(init_path, JC_ADMIT_ROOT_OWNED, &f->fd[INIT_EXEC],
			      err) < 0)
		return jc_err_wrap(err, "init helper");
	f->fd[INIT_WATCH] = pidfd_open(getpid(), 0);
	if (f->fd[INIT_WATCH] < 0)
		return jc_fail(err, errno, "pidfd_open self");
	f->fd[INIT_LOG_OUT] = jc_log_open();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return jc_fail(err, errno, "socketpair");
	*conn = sp[0];
	f->fd[INIT_SESSION] = sp[1];
	return 0;
}

int jc_jail_build(const struct jc_plan *p, const char *init_path, int ctl,
		  const struct jc_bpf *bpf, struct jc_jail_handle *h,
		  struct jc_err *err)
{
	struct init_fds f;
	struct jc_clones c;
	int rc = -1;

	jc_jail_handle_init(h);
	h->ns_flags = jc_jail_ns_flags(p);
	if (open_init_fds(init_path, ctl, &f, &h->conn, err) == 0 &&
	    jc_mounts_prepare(p, &c, err) == 0) {
		rc = run_builder(p, &c, &f, bpf, h, err);
		jc_clones_close(&c);
	}
	f.fd[INIT_CTL] = -1;	/* the caller's to close */
	close_fds(&f);
	if (rc < 0)
		jc_jail_release(h, 1000, NULL);
	return rc;
}

int jc_jail_enter(struct jc_jail_handle *h, struct jc_err *err)
{
	/* One setns with a pidfd switches every namespace at once (5.8+):
	 * root and cwd become the jail's "/", and CLONE_NEWPID makes the
	 * caller's future children members of the jail's pid namespace. */
	if (setns(h->init_pidfd, h->ns_flags & ~(h->own_cgroupns ?
						  CLONE_NEWCGROUP : 0)) < 0)
		return jc_fail(err, errno, "setns into the jail");
	if (h->own_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return jc_fail(err, errno, "unshare the session's cgroup namespace");
	h->proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->proc_fd < 0)
		return jc_fail(err, errno, "open the jail's /proc");
	return 0;
}

