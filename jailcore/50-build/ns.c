/* SPDX-License-Identifier: BSD-3-Clause */
/* ns.c - see ns.h */
#include "ns.h"
#include "jailcore/40-session/session.h"

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
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/log.h"
#include "mounts.h"
#include "jailcore/90-support/paths.h"
#include "jailcore/60-confine/privs.h"
#include "jailcore/40-session/proto.h"
#include "jailcore/60-confine/seccomp.h"

/* A stack for the jail's pid 1 until its exec: it runs in the caller's
 * memory (CLONE_VM), so it needs one of its own. */
#define INIT_STACK_SIZE (512 * 1024)
#define HOP_STACK_SIZE (64 * 1024)

/* The fds of the init process before it execs jail-init, at 3 + role:
 * 3 the caller's pidfd (watched), 4 the jail-init binary, 5 the jail's
 * /dev/log socket, 6 a socket connected to the host's /dev/log, 7 unused
 * (it was the setup report socket of a separate builder process). */
enum init_fd {
	INIT_WATCH,
	INIT_EXEC,
	INIT_LOG_IN,
	INIT_LOG_OUT,
	INIT_REPORT,
	INIT_CTL,
	INIT_SESSION,
	INIT_N_FDS
};
_Static_assert(3 + INIT_SESSION == JC_INIT_SESSION &&
		       3 + INIT_CTL == JC_INIT_CTL &&
		       3 + INIT_REPORT == JC_INIT_REPORT,
	       "fd layout of proto.h");

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
	cleanup_fd int fd = -1;
	char path[128];

	snprintf(path, sizeof(path), "/run/netns/%s", p->netns);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return jc_fail(err, errno, "netns %s", path);
	if (setns(fd, CLONE_NEWNET) < 0)
		return jc_fail(err, errno, "setns %s", path);
	return 0;
}

/* The jail's mnt, pid and net namespace inodes, read by its pid 1 before
 * the pivot (the host's /proc is still mounted; /proc/self resolves in
 * the host's pid namespace, where pid 1 has a pid too). */
static void read_ns(unsigned long long ino[3])
{
	static const char *const ns[3] = { "/proc/self/ns/mnt",
					   "/proc/self/ns/pid",
					   "/proc/self/ns/net" };
	struct stat st;

	for (int i = 0; i < 3; i++)
		ino[i] = stat(ns[i], &st) == 0 ? st.st_ino : 0;
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
	cleanup_fd int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return jc_fail(err, errno, "socket for lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return jc_fail(err, errno, "SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return jc_fail(err, errno, "bring lo up");
	return 0;
}

/* The fds the jail's pid 1 is handed, by role.  jail-init finds them at
 * fixed numbers (see jail-init.c). */
struct init_fds {
	int fd[INIT_N_FDS]; /* indexed by enum init_fd; -1 = none */
};

/* Put every fd of F at its fixed number and close everything else the
 * caller had (sshd's sockets, login's tty, pipes a caller's caller waits
 * on). */
static int place_init_fds(const struct init_fds *f, struct jc_err *err)
{
	int tmp[INIT_N_FDS], null;

	for (int i = 0; i < INIT_N_FDS; i++) {
		tmp[i] = -1;
		if (f->fd[i] >= 0 && (tmp[i] = fcntl(f->fd[i], F_DUPFD_CLOEXEC,
						     3 + INIT_N_FDS)) < 0)
			return jc_fail(err, errno, "dup");
	}
	for (int i = 0; i < INIT_N_FDS; i++) {
		int flags = i == INIT_EXEC || i == INIT_REPORT ? O_CLOEXEC : 0;

		if (tmp[i] >= 0 && dup3(tmp[i], 3 + i, flags) < 0)
			return jc_fail(err, errno, "dup3");
		/* a number with no fd of ours (no control socket, the unused
		 * 7) must not keep the caller's: cron's pipe from its job
		 * held open by jail-init would never reach EOF */
		if (tmp[i] < 0)
			(void)close(3 + i);
	}
	if (close_range(3 + INIT_N_FDS, ~0U, 0) < 0)
		return jc_fail(err, errno, "close_range");
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return jc_fail(err, errno, "open /dev/null");
	if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		return jc_fail(err, errno, "dup2 /dev/null");
	/* a caller that had closed 0, 1 or 2 got /dev/null there: keep it */
	if (null > 2)
		close(null);
	return 0;
}

/* What the caller and the jail's pid 1 share until its exec: pid 1 runs in
 * the caller's memory (CLONE_VM|CLONE_VFORK, the caller is suspended) and
 * writes its answer here.  Everything it changes (fds it opens or closes,
 * the clones it attaches) it changes in copies of its own: its fd table
 * is not the caller's. */
struct spawn {
	const struct jc_plan *p;
	const struct jc_clones *c;
	const struct init_fds *f;
	const struct jc_bpf *bpf;
	char *init_stack; /* pid 1's stack top, below the hop's */
	int flags;	  /* pid 1's clone flags */
	pid_t pid;	  /* pid 1 in the caller's view, from the hop */
	int pidfd;	  /* its pidfd, in the shared fd table */
	bool failed;
	unsigned long long ns[3];
	struct jc_err err;
};

/* In the new namespaces (clone flags): the jail's network, its tree,
 * hostname, lo. */
static int init_setup(const struct jc_plan *p, struct jc_clones *c,
		      int *newroot, int *log_sock, struct jc_err *err)
{
	if (p->netns[0] && join_netns(p, err) < 0)
		return -1;
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

/* init_main and hop_main run on stacks mmap'd here (clone children in the
 * caller's memory).  Under ASan (make asan) the _exit at their ends would
 * call __asan_handle_no_return, which sees a stack it did not make and
 * prints a warning into the caller's stderr -- the PAM caller's, so
 * sshd's, su's and the tests' output.  They are left uninstrumented;
 * what they call still is. */
#ifdef __SANITIZE_ADDRESS__
#define CLONE_CHILD __attribute__((no_sanitize_address))
#else
#define CLONE_CHILD
#endif

/* pid 1 of the jail, born in every new namespace at once: compose the
 * tree, mount /proc, pivot, drop everything, exec jail-init.  No
 * PR_SET_PDEATHSIG: it would outlive the exec and kill a shared jail with
 * the first session's caller; a caller killed mid-build is seen by
 * jail-init through the caller's pidfd (INIT_WATCH), which ends it. */
CLONE_CHILD static int init_main(void *arg)
{
	static char name[] = "jail-init", persist[] = "persist";
	static char *const envp[] = { NULL };
	struct spawn *s = arg;
	const struct jc_plan *p = s->p;
	struct jc_clones c = *s->c;
	struct init_fds f = *s->f;
	char jail[sizeof(p->jail)];
	char *const argv[] = { name, jail, p->persist ? persist : NULL, NULL };
	struct jc_err err = { 0 };
	int newroot;

	memcpy(jail, p->jail, sizeof(jail));
	reset_signals();
	/* A session and process group of its own, without a controlling
	 * terminal.  Else init stays in its caller's: util-linux login (the
	 * Debian 13 /bin/login, and what agetty runs) is a session leader
	 * that gives up its tty with TIOCNOTTY before it forks, and the
	 * kernel then sends SIGHUP and SIGCONT to the tty's foreground
	 * process group -- which held init, and with it the jail. */
	if (setsid() < 0) {
		jc_fail(&err, errno, "setsid");
		jc_err_wrap(&err, "jail init");
		goto fail;
	}
	if (init_setup(p, &c, &newroot, &f.fd[INIT_LOG_IN], &err) < 0)
		goto fail;
	read_ns(s->ns);
	if (jc_mounts_finish(newroot, p->root, &err) < 0 ||
	    place_init_fds(&f, &err) < 0 ||
	    jc_privs_drop(NULL, 0, 0, &err) < 0 ||
	    jc_seccomp_load_bpf(s->bpf, &err) < 0) {
		jc_err_wrap(&err, "jail init");
		goto fail;
	}
	execveat(3 + INIT_EXEC, "", argv, envp, AT_EMPTY_PATH);
	jc_fail(&err, errno, "exec jail-init");
	jc_err_wrap(&err, "jail init");
fail:
	s->err = err;
	s->failed = true;
	_exit(127);
}

/* The hop between the caller and pid 1: it shares the caller's memory and
 * fd table (CLONE_VM|CLONE_FILES) and only clones pid 1, so that pid 1 is
 * not the caller's child -- exec resets any exit signal to SIGCHLD, and
 * login's wait(NULL) or cron's wait() would then wait for jail-init.  It
 * exits once pid 1 has exec'd (CLONE_VFORK), and pid 1 is reparented like
 * any orphan.  Its pidfd (CLONE_PIDFD) lands in the shared fd table. */
CLONE_CHILD static int hop_main(void *arg)
{
	struct spawn *s = arg;

	s->pid = clone(init_main, s->init_stack, s->flags, s, &s->pidfd);
	if (s->pid < 0) {
		jc_fail(&s->err, errno, "clone the jail's pid 1");
		s->failed = true;
	}
	_exit(0);
}

/* Start the jail's pid 1 with clone(CLONE_VM|CLONE_VFORK) and every new
 * namespace, through a hop (hop_main): no copy of the caller's address
 * space (sshd's monitor has every PAM module mapped) is made on the way,
 * and the caller resumes once pid 1 has exec'd jail-init or failed.
 * SIGCHLD is the default while the caller reaps the hop, whatever the
 * caller installed (sshd, cron). */
static int spawn_init(const struct jc_plan *p, const struct jc_clones *c,
		      const struct init_fds *f, const struct jc_bpf *bpf,
		      struct jc_jail_handle *h, struct jc_err *err)
{
	struct spawn s = {
		.p = p, .c = c, .f = f, .bpf = bpf, .pidfd = -1, .pid = -1
	};
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	sigset_t all, saved;
	int status;
	char *stack;
	pid_t hop;

	s.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD |
		  (jc_jail_ns_flags(p) & ~(p->netns[0] ? CLONE_NEWNET : 0));
	stack = mmap(NULL, INIT_STACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return jc_fail(err, errno, "mmap a stack for the jail's pid 1");
	/* the hop's frames at the top, pid 1's below them */
	s.init_stack = stack + INIT_STACK_SIZE - HOP_STACK_SIZE;
	/* no handler of the caller may run on the other side of the shared
	 * memory: both start with every signal blocked; pid 1 resets them */
	sigfillset(&all);
	sigaction(SIGCHLD, &dfl, &old);
	sigprocmask(SIG_SETMASK, &all, &saved);
	hop = clone(hop_main, stack + INIT_STACK_SIZE,
		    CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &s);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (hop > 0)
		while (waitpid(hop, &status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGCHLD, &old, NULL);
	munmap(stack, INIT_STACK_SIZE);
	if (hop < 0)
		return jc_fail(err, errno, "clone the jail's builder");
	h->init_pidfd = s.pidfd;
	h->init_pid = s.pid;
	h->mnt_ns = s.ns[0];
	h->pid_ns = s.ns[1];
	h->net_ns = s.ns[2];
	if (s.failed) {
		*err = s.err;
		return -1;
	}
	if (s.pidfd < 0)
		return jc_fail(err, 0, "jail builder died");
	if (poll(&(struct pollfd){ .fd = s.pidfd, .events = POLLIN }, 1, 0) > 0)
		return jc_fail(err, 0, "jail init exited during setup");
	return 0;
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
	jc_closep(&h->init_pidfd);
	jc_closep(&h->proc_fd);
	jc_closep(&h->conn);
	jc_jail_handle_init(h);
}

static void close_fds(struct init_fds *f)
{
	for (int i = 0; i < INIT_N_FDS; i++)
		jc_closep(&f->fd[i]);
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
		rc = spawn_init(p, &c, &f, bpf, h, err);
		jc_clones_close(&c);
	}
	f.fd[INIT_CTL] = -1; /* the caller's to close */
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
	if (setns(h->init_pidfd,
		  h->ns_flags & ~(h->own_cgroupns ? CLONE_NEWCGROUP : 0)) < 0)
		return jc_fail(err, errno, "setns into the jail");
	if (h->own_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return jc_fail(err, errno,
			       "unshare the session's cgroup namespace");
	h->proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->proc_fd < 0)
		return jc_fail(err, errno, "open the jail's /proc");
	return 0;
}
