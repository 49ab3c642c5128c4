/* jail-init - pid 1 of every pam_jail jail.
 *
 * Exec'd (static, from an fd, after the pivot) by the process that became
 * pid 1 of the jail's new pid namespace, with no capabilities and
 * no_new_privs.  Its jobs:
 *  - reap orphans: processes of the jail whose parent died are reparented
 *    to it, and a pid 1 that does not wait() fills the jail with zombies;
 *  - watch the session's caller through the pidfd on fd 3: when the caller
 *    is gone (sshd's monitor killed, login crashed) the jail must not live
 *    on, so init exits and the kernel kills every process of the namespace;
 *  - exit on SIGTERM (sent by an administrator or a close that prefers it).
 * pam_close_session ends a jail by SIGKILL to this process.
 * No libraries beyond libc, no files opened, nothing printed.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define WATCH_FD 3

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

int main(void)
{
	struct pollfd pfd[2];
	sigset_t set;
	int sfd;

	prctl(PR_SET_NAME, "jail-init");
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
	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return 1;
		if ((pfd[0].revents & POLLIN) && handle_signals(sfd))
			return 0;
		/* the caller's pidfd turns readable when it exits */
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
			return 0;
		reap_all();
	}
}
