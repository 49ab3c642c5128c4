/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_run.c - the running jails: list (like jls), enter (like jexec),
 * stop.  They read the registry the module keeps in /run/pam_jail
 * (jailcore/40-session/registry.h) and talk to each jail's pid 1 (jailcore/40-session/proto.h). */
#include "jailctl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jailcore/50-build/ns.h"
#include "jailcore/40-session/session.h"
#include "jailcore/40-session/registry.h"

/* Processes of the jail whose pid namespace is init's, and their memory
 * (the sum of VmRSS, KiB), seen from the host's /proc. */
static void jail_procs(pid_t init, unsigned *procs, unsigned long *rss_kb)
{
	char path[300], want[64], have[64], line[256];
	struct dirent *d;
	DIR *dir;
	ssize_t n;

	*procs = 0;
	*rss_kb = 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	if ((n = readlink(path, want, sizeof(want) - 1)) <= 0 ||
	    !(dir = opendir("/proc")))
		return;
	want[n] = '\0';
	while ((d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", d->d_name);
		if ((n = readlink(path, have, sizeof(have) - 1)) <= 0)
			continue;
		have[n] = '\0';
		if (strcmp(have, want) != 0)
			continue;
		(*procs)++;
		snprintf(path, sizeof(path), "/proc/%s/status", d->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "VmRSS:", 6) == 0)
				*rss_kb += strtoul(line + 6, NULL, 10);
		fclose(f);
	}
	closedir(dir);
}

static void print_entry(const struct jc_reg_entry *e, bool json, bool first)
{
	long long up = e->created ? (long long)time(NULL) - e->created : 0;
	unsigned procs = 0;
	unsigned long rss = 0;

	if (e->alive)
		jail_procs(e->init, &procs, &rss);
	if (json) {
		printf("%s\n  {\"jail\": ", first ? "" : ",");
		json_str(stdout, e->jail);
		printf(", \"id\": ");
		json_str(stdout, e->id);
		printf(", \"root\": ");
		json_str(stdout, e->root);
		printf(", \"users\": ");
		json_str(stdout, e->users);
		printf(", \"sessions\": %u, \"init\": %d, \"processes\": %u, "
		       "\"uptime\": %lld, \"memory_kb\": %lu, \"persist\": %s, "
		       "\"running\": %s}",
		       e->sessions, (int)e->init, procs, up, rss,
		       e->persist ? "true" : "false",
		       e->alive ? "true" : "false");
		return;
	}
	printf("%-12s %-16s %8u %8d %9u %8llds %9luK %s%s\n", e->jail, e->users,
	       e->sessions, (int)e->init, procs, up, rss, e->root,
	       e->persist ? " (persist)" : "");
}

int cmd_list(const struct opts *o, char **args)
{
	struct jc_reg_entry *v;
	struct jc_err err = { 0 };
	size_t n;
	bool first = true;

	(void)args;
	if (jc_reg_list(&v, &n, &err) < 0) {
		complain("list: %s", err.msg);
		return JCTL_FAIL;
	}
	if (o->json)
		printf("[");
	else
		printf("%-12s %-16s %8s %8s %9s %9s %10s %s\n", "JAIL", "USERS",
		       "SESSIONS", "INIT", "PROCESSES", "UPTIME", "MEMORY",
		       "ROOT");
	for (size_t i = 0; i < n; i++)
		if (v[i].alive) { /* a silent entry is stale, not a jail */
			print_entry(&v[i], o->json, first);
			first = false;
		}
	if (o->json)
		printf("%s]\n", first ? "" : "\n");
	free(v);
	return JCTL_OK;
}

/* NAME is a running jail's name or one of its users: its registry entry. */
static int find_running(const char *name, struct jc_reg_entry *out)
{
	struct jc_reg_entry *v;
	struct jc_err err = { 0 };
	size_t n;
	int found = 0;

	if (jc_reg_list(&v, &n, &err) < 0) {
		complain("%s", err.msg);
		return -1;
	}
	for (size_t i = 0; i < n && !found; i++) {
		char users[600], want[300];

		snprintf(users, sizeof(users), ",%s,", v[i].users);
		snprintf(want, sizeof(want), ",%s,", name);
		if (v[i].alive &&
		    (strcmp(v[i].jail, name) == 0 || strstr(users, want))) {
			*out = v[i];
			found = 1;
		}
	}
	free(v);
	if (!found)
		complain("no running jail is named %s or has %s as a user",
			 name, name);
	return found ? 0 : -1;
}

int cmd_stop(const struct opts *o, char **args)
{
	struct jc_reg_entry e;
	struct jc_err err = { 0 };

	(void)o;
	if (find_running(args[0], &e) < 0)
		return JCTL_FAIL;
	if (jc_reg_stop(e.id, 5000, &err) < 0) {
		complain("stop %s: %s", args[0], err.msg);
		return JCTL_FAIL;
	}
	printf("stopped jail %s (%s), init %d\n", e.jail, e.root, (int)e.init);
	return JCTL_OK;
}

/* The entered process: the user's identity, the home, the command; like
 * login's child (initgroups reads the jail's /etc/group, which the join
 * has just brought up to date).  Never returns. */
static void run_as(const struct passwd *pw, char **cmd)
{
	char *shell[] = { pw->pw_shell, NULL };

	if ((pw->pw_uid != 0 &&
	     (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	      setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0))) {
		perror("jailctl enter: switch to the user");
		_exit(126);
	}
	if (chdir(pw->pw_dir) < 0 && chdir("/") < 0)
		_exit(126);
	if (clearenv() != 0 || setenv("HOME", pw->pw_dir, 1) < 0 ||
	    setenv("USER", pw->pw_name, 1) < 0 ||
	    setenv("LOGNAME", pw->pw_name, 1) < 0 ||
	    setenv("SHELL", pw->pw_shell, 1) < 0 ||
	    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1) < 0)
		_exit(126);
	if (!cmd[0])
		cmd = shell;
	execvp(cmd[0], cmd);
	fprintf(stderr, "jailctl enter: %s: %s\n", cmd[0], strerror(errno));
	_exit(127);
}

/* The user to enter as: NAME itself, else the first user of the jail;
 * resolved as the module resolves a login's user. */
static int enter_user(const char *name, const struct jc_reg_entry *e,
		      struct jc_identity *id)
{
	char first[256];
	int rc = lookup_user("enter", name, true, id);

	if (rc != JC_ID_UNKNOWN)
		return rc == JC_ID_FOUND ?
			       0 :
			       lookup_user("enter", name, false, id);
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(e->users, ","),
		 e->users);
	return lookup_user("enter", first, false, id) == JC_ID_FOUND ? 0 : -1;
}

/* jailctl enter: a session of the running jail like a login's (it counts
 * as one while it runs), with the same restrictions: the plan comes from
 * the config for that user, and must be the setup the jail runs.  The
 * command gets a session of its own, and a pty of its own where jailctl
 * was given a terminal (jailctl_pty.c). */
int cmd_enter(const struct opts *o, char **args)
{
	struct jc_jail_handle h;
	struct jc_reg_entry e;
	struct jc_config *cfg;
	struct jc_plan *p = NULL;
	struct jc_err err = { 0 };
	struct jc_identity id;
	struct ctl_pty t;
	int status = 0, rc;
	pid_t pid;

	if (find_running(args[0], &e) < 0 || enter_user(args[0], &e, &id) < 0)
		return JCTL_FAIL;
	if (!(cfg = load(o))) {
		jc_identity_free(&id);
		return JCTL_FAIL;
	}
	rc = jc_plan_for_user(cfg, &id, NULL, &p, &err);
	jc_config_free(cfg);
	if (rc != JC_PLAN_JAILED || jc_session_enter_running(p, &h, &err) < 0) {
		complain("enter %s: %s", args[0],
			 rc == JC_PLAN_NOT_JAILED ? p->why : err.msg);
		jc_plan_free(p);
		jc_identity_free(&id);
		return JCTL_FAIL;
	}
	jc_plan_free(p);
	if (ctl_pty_open(&t) < 0) {
		complain("enter %s: a pty for the command: %s", args[0],
			 strerror(errno));
		jc_identity_free(&id);
		jc_jail_release(&h, 5000, NULL);
		return JCTL_FAIL;
	}
	fflush(NULL);
	pid = fork(); /* born in the jail's pid namespace */
	if (pid == 0) {
		if (ctl_pty_child(&t) < 0) {
			perror("jailctl enter: the command's terminal");
			_exit(126);
		}
		run_as(&id.pw, args + 1);
	}
	jc_identity_free(&id);
	if (pid > 0 && t.master >= 0)
		status = ctl_pty_proxy(&t, pid);
	else
		while (pid > 0 && waitpid(pid, &status, 0) < 0 &&
		       errno == EINTR)
			;
	jc_jail_release(&h, 5000, NULL);
	if (pid < 0)
		return JCTL_FAIL;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
