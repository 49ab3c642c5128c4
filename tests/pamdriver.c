/* SPDX-License-Identifier: BSD-3-Clause */
/* pamdriver - open a PAM session the way login(1) does, run a command as
 * the user inside it, close the session.  Used by the PAM-level tests and
 * the benchmarks.
 *
 *   pamdriver [-s SERVICE] [-d CONFDIR] [-t TTY] [-r RHOST] [-2] USER [CMD ARG...]
 *
 * Order as in util-linux login: getpwnam, pam_open_session in this process,
 * fork; child: initgroups (reads the jail's /etc/group), setgid, setuid,
 * chdir(home, else /), exec CMD (default: the user's shell); parent:
 * waitpid(child), pam_close_session, pam_end.  Exit status: the command's,
 * 254 when the session could not be opened (as sshd), 2 on usage errors.
 * PAMDRIVER_FDS=1: print the number of open fds before open_session and
 * after pam_end on stderr (pam_jail keeps its log socket until pam_end: a
 * reused handle's refusal is logged on it).  -2: a second session on the same handle
 * after the first is closed (a caller that reuses its handle); the exit
 * status is then the second's. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "jailcore/90-support/lsan_hook.h"

static int no_conv(int n, const struct pam_message **msg,
		   struct pam_response **resp, void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	return PAM_CONV_ERR;
}

static void run_child(const struct passwd *pw, char **cmd)
{
	char *shell[] = { pw->pw_shell, NULL };

	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		perror("pamdriver: drop to user");
		_exit(126);
	}
	if (chdir(pw->pw_dir) < 0 && chdir("/") < 0)
		_exit(126);
	/* the environment login(1) gives a session */
	if (clearenv() != 0 || setenv("HOME", pw->pw_dir, 1) < 0 ||
	    setenv("USER", pw->pw_name, 1) < 0 ||
	    setenv("LOGNAME", pw->pw_name, 1) < 0 ||
	    setenv("SHELL", pw->pw_shell, 1) < 0 ||
	    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1) < 0)
		_exit(126);
	if (!cmd[0])
		cmd = shell;
	execvp(cmd[0], cmd);
	fprintf(stderr, "pamdriver: exec %s: %s\n", cmd[0], strerror(errno));
	_exit(127);
}

/* Open fds of this process (no /proc: after a jailed open_session the
 * caller's /proc is the jail's, where /proc/self does not exist). */
static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static int run_session(pam_handle_t *pamh, const struct passwd *pw, char **cmd)
{
	int status = 0, rc;
	pid_t pid;

	rc = pam_open_session(pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pamdriver: open_session: %s\n",
			pam_strerror(pamh, rc));
		return 254;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		run_child(pw, cmd);
	if (pid < 0)
		perror("pamdriver: fork");
	else
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	rc = pam_close_session(pamh, 0);
	if (rc != PAM_SUCCESS)
		fprintf(stderr, "pamdriver: close_session: %s\n",
			pam_strerror(pamh, rc));
	if (pid < 0)
		return 125;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return rc != PAM_SUCCESS ? 253 : WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	const char *service = "login", *confdir = NULL, *tty = NULL,
		   *rhost = NULL;
	struct pam_conv conv = { no_conv, NULL };
	pam_handle_t *pamh = NULL;
	struct passwd *pw;
	int opt, rc, twice = 0, fds = count_fds();

	while ((opt = getopt(argc, argv, "+s:d:t:r:2")) != -1) {
		switch (opt) {
		case 's':
			service = optarg;
			break;
		case 'd':
			confdir = optarg;
			break;
		case 't':
			tty = optarg;
			break;
		case 'r':
			rhost = optarg;
			break;
		case '2':
			twice = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: pamdriver [-s SERVICE] [-d CONFDIR] "
				"[-t TTY] [-r RHOST] [-2] USER [CMD...]\n");
		return 2;
	}
	pw = getpwnam(argv[optind]);
	if (!pw) {
		fprintf(stderr, "pamdriver: no user %s\n", argv[optind]);
		return 2;
	}
	rc = confdir ? pam_start_confdir(service, pw->pw_name, &conv, confdir,
					 &pamh) :
		       pam_start(service, pw->pw_name, &conv, &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pamdriver: pam_start: %s\n",
			pam_strerror(pamh, rc));
		return 2;
	}
	if ((tty && pam_set_item(pamh, PAM_TTY, tty) != PAM_SUCCESS) ||
	    (rhost && pam_set_item(pamh, PAM_RHOST, rhost) != PAM_SUCCESS))
		return 2;
	rc = run_session(pamh, pw, argv + optind + 1);
	if (twice) {
		fprintf(stderr, "pamdriver: first session: %d\n", rc);
		rc = run_session(pamh, pw, argv + optind + 1);
	}
	pam_end(pamh, PAM_SUCCESS);
	if (getenv("PAMDRIVER_FDS")) /* the module must not leak fds */
		fprintf(stderr,
			"pamdriver: fds before open %d, after pam_end %d\n",
			fds, count_fds());
	return rc;
}
