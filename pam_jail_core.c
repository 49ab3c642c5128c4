/* SPDX-License-Identifier: BSD-3-Clause */
/* pam_jail_core.c - pam_jail-core.so: the module's sessions, past the door
 * (pam_jail.c), which loads this on the first login it cannot answer from
 * the config index alone: arguments, user, and PAM return codes.
 * Everything that decides or changes anything lives in jailcore/.
 *
 *   session required pam_jail.so [conf=PATH] [init=PATH] [debug]
 *
 * Must be `required` (with `optional` a failure lets the session start
 * unjailed) and the last session line (modules after it would run inside
 * the jail, without privileges).  See README.md and pam_jail(8). */
#define PAM_SM_SESSION
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "jailcore/20-config/config.h"
#include "jailcore/10-identity/identity.h"
#include "jailcore/90-support/log.h"
#include "jailcore/50-build/ns.h"
#include "jailcore/40-session/session.h"
#include "jailcore/30-plan/plan.h"
#include "jailcore/90-support/cleanup.h"

#include "pam_jail.h"

struct args {
	const char *conf;
	const char *init;
	bool debug;
};

/* What close_session needs; lives in pam_set_data. */
struct session {
	struct jc_jail_handle jail;
	int logfd;
	char ident[128];
	char fields[1024]; /* the audit line's key=value fields */
	struct timespec start;
	/* close_session ended the jail; kept until pam_end so that a later
	 * open on this handle is refused -- with a line on logfd, the one
	 * socket that still reaches the host's /dev/log */
	bool closed;
};

static int parse_args(int argc, const char **argv, struct args *a,
		      const char **bad)
{
	a->conf = JC_DEFAULT_CONF;
	a->init = JC_INIT_PATH;
	a->debug = false;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "conf=", 5) == 0 && argv[i][5])
			a->conf = argv[i] + 5;
		else if (strncmp(argv[i], "init=", 5) == 0 && argv[i][5])
			a->init = argv[i] + 5;
		else if (strcmp(argv[i], "debug") == 0)
			a->debug = true;
		else {
			*bad = argv[i];
			return -1;
		}
	}
	return 0;
}

static void session_free(struct session *s)
{
	if (!s)
		return;
	jc_jail_handle_close(&s->jail);
	jc_closep(&s->logfd);
	free(s);
}

static void session_freep(struct session **s)
{
	session_free(*s);
	*s = NULL;
}
#define cleanup_session __attribute__((cleanup(session_freep)))

/* pam_end: only release our fds.  The jail is ended by close_session, or
 * by jail-init itself when the caller dies; a forked child calling pam_end
 * (PAM_DATA_SILENT) must not take the jail down. */
static void session_cleanup(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	session_free(data);
}

static struct session *session_new(pam_handle_t *pamh)
{
	struct session *s = calloc(1, sizeof(*s));

	(void)pamh;
	if (!s)
		return NULL;
	jc_jail_handle_init(&s->jail);
	s->logfd = -1; /* session_log_fd */
	snprintf(s->ident, sizeof(s->ident), "%s",
		 program_invocation_short_name);
	return s;
}

/* The syslog socket, connected on first use: a login no rule jails logs
 * nothing (without debug); a jailed one connects it before the jail hides
 * the host's /dev/log (pam_sm_open_session). */
static int session_log_fd(struct session *s)
{
	if (s->logfd < 0)
		s->logfd = jc_log_open();
	return s->logfd;
}

#define LOG(s, prio, svc, fmt, ...)                                            \
	jc_log(session_log_fd(s), prio, (s)->ident,                            \
	       "pam_jail(%s:session): " fmt, (svc), __VA_ARGS__)

static const char *item_str(pam_handle_t *pamh, int item)
{
	const void *v = NULL;

	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS || !v)
		return "";
	return v;
}

/* Append " key=value" to BUF; the value is made safe for key=value
 * parsing (no blanks, quotes, '=' or control characters). */
static void put_field(char *buf, size_t size, const char *key, const char *v)
{
	size_t len = strlen(buf);
	int n = snprintf(buf + len, size - len, "%s%s=", len ? " " : "", key);

	if (n < 0 || (size_t)n >= size - len)
		return;
	for (len += (size_t)n; *v && len + 1 < size; v++)
		buf[len++] = (*v > ' ' && *v < 127 && *v != '"' && *v != '=') ?
				     *v :
				     '?';
	buf[len] = '\0';
}

/* One audit line at open, one at close, same fields, stable key=value
 * form: user service tty rhost jail root init mntns pidns netns. */
static void audit_fields(struct session *s, pam_handle_t *pamh,
			 const char *user, const struct jc_plan *plan)
{
	char num[4][24], *f = s->fields;
	const size_t n = sizeof(s->fields);
	const char *tty = item_str(pamh, PAM_TTY);
	const char *rhost = item_str(pamh, PAM_RHOST);

	snprintf(num[0], sizeof(num[0]), "%d", (int)s->jail.init_pid);
	snprintf(num[1], sizeof(num[1]), "%llu", s->jail.mnt_ns);
	snprintf(num[2], sizeof(num[2]), "%llu", s->jail.pid_ns);
	snprintf(num[3], sizeof(num[3]), "%llu", s->jail.net_ns);
	s->fields[0] = '\0';
	put_field(f, n, "user", user);
	put_field(f, n, "service", item_str(pamh, PAM_SERVICE));
	put_field(f, n, "tty", *tty ? tty : "-");
	put_field(f, n, "rhost", *rhost ? rhost : "-");
	put_field(f, n, "jail", plan->jail);
	put_field(f, n, "root", plan->root);
	put_field(f, n, "init", num[0]);
	put_field(f, n, "mntns", num[1]);
	put_field(f, n, "pidns", num[2]);
	put_field(f, n, "netns", num[3]);
	clock_gettime(CLOCK_MONOTONIC, &s->start);
}

/* Account -> config -> plan.  USER is PAM_USER as typed; everything after
 * the lookup uses the canonical name NSS returns (identity.h).  *GIVEN:
 * the door's lookup of that account, taken (set to NULL) when not NULL.
 * Returns PAM_SUCCESS with *plan when the user is jailed, PAM_IGNORE when
 * not, PAM_SESSION_ERR after logging why. */
static int plan_session(struct session *s, const char *svc,
			const struct args *a, const char *user, const char *tty,
			struct jc_identity **given, struct jc_plan **plan)
{
	cleanup_config struct jc_config *cfg = NULL;
	cleanup_identity struct jc_identity id = { 0 };
	struct jc_err err = { 0 };
	int rc;

	if (*given) { /* the door's lookup of USER: only the groups are new */
		id = **given;
		*given = NULL;
		rc = jc_identity_add_groups(&id, &err) < 0 ? -1 : JC_ID_FOUND;
	} else {
		rc = jc_identity_by_name(user, &id, &err);
	}
	if (rc != JC_ID_FOUND) {
		LOG(s, LOG_ERR, svc, "%s", err.msg);
		return PAM_SESSION_ERR;
	}
	if (jc_config_load_for(a->conf, id.pw.pw_name, &cfg, &err) < 0) {
		LOG(s, LOG_ERR, svc, "user %s: %s", id.pw.pw_name, err.msg);
		return PAM_SESSION_ERR;
	}
	rc = jc_plan_for_user(cfg, &id, tty, plan, &err);
	if (rc < 0) {
		LOG(s, LOG_ERR, svc, "user %s: %s", id.pw.pw_name, err.msg);
		return PAM_SESSION_ERR;
	}
	if ((*plan)->notice[0])
		LOG(s, LOG_NOTICE, svc, "user %s: %s", id.pw.pw_name,
		    (*plan)->notice);
	if (rc == JC_PLAN_NOT_JAILED) {
		if (a->debug)
			LOG(s, LOG_DEBUG, svc, "user %s not jailed: %s",
			    id.pw.pw_name, (*plan)->why);
		jc_plan_freep(plan);
		return PAM_IGNORE;
	}
	return PAM_SUCCESS;
}

/* The jail's own runtime directory (session.c) for the session's
 * environment; pam_systemd set the same path for the host's, which the
 * jail cannot see. */
static int set_runtime_dir(pam_handle_t *pamh, const char *dir)
{
	char env[80];

	snprintf(env, sizeof(env), "XDG_RUNTIME_DIR=%s", dir);
	return pam_putenv(pamh, env) == PAM_SUCCESS ? 0 : -1;
}

static int open_session(pam_handle_t *pamh, int flags, int argc,
			const char **argv, struct jc_identity **given)
{
	const char *svc = item_str(pamh, PAM_SERVICE), *user = NULL, *bad;
	const char *sd_session;
	const void *data = NULL;
	struct session *prev;
	cleanup_plan struct jc_plan *plan = NULL;
	cleanup_session struct session *s = NULL;
	struct jc_err err = { 0 };
	bool joined;
	struct args a;
	int rc;

	(void)flags;
	if (pam_get_data(pamh, DATA_KEY, &data) != PAM_SUCCESS)
		data = NULL;
	prev = (struct session *)(uintptr_t)data;
	if (prev && prev->closed) {
		/* open -> close -> open on one handle: the caller is still in
		 * the ended jail's namespaces, under its seccomp filter and
		 * without privileges; no new jail can be built from there */
		LOG(prev, LOG_ERR, svc, "%s",
		    "this PAM handle's jailed session "
		    "was already closed; a reused handle cannot open another "
		    "(start a new PAM transaction)");
		return PAM_SESSION_ERR;
	}
	/* Debian's su-l and runuser-l @include su and runuser: an admin who
	 * adds pam_jail to both stacks gets it twice in one handle.  The
	 * second line would run inside the jail already built by the first. */
	if (prev)
		return PAM_SUCCESS;
	s = session_new(pamh);
	if (!s)
		return PAM_BUF_ERR;
	if (parse_args(argc, argv, &a, &bad) < 0) {
		LOG(s, LOG_ERR, svc, "unknown module argument '%s'", bad);
		return PAM_SESSION_ERR;
	}
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || !user || !*user) {
		LOG(s, LOG_ERR, svc, "%s", "cannot determine the user");
		return PAM_SESSION_ERR;
	}
	rc = plan_session(s, svc, &a, user, item_str(pamh, PAM_TTY), given,
			  &plan);
	if (rc != PAM_SUCCESS)
		return rc;
	if (svc && strcmp(svc, "systemd-user") == 0) {
		/* user@UID.service: the user's systemd manager would run
		 * outside the jail and start units from the user's home */
		LOG(s, LOG_NOTICE, svc,
		    "user %s is jailed (jail %s): no systemd "
		    "user manager outside the jail",
		    plan->user, plan->jail);
		return PAM_SESSION_ERR;
	}
	(void)session_log_fd(s); /* before the jail: see there */
	sd_session = pam_getenv(pamh, "XDG_SESSION_ID");
	snprintf(plan->sd_session, sizeof(plan->sd_session), "%s",
		 sd_session ? sd_session : "");
	if (jc_session_open(plan, a.init, &s->jail, &joined, &err) < 0) {
		LOG(s, LOG_ERR, svc, "user %s jail %s: %s", plan->user,
		    plan->jail, err.msg);
		return PAM_SESSION_ERR;
	}
	if (s->jail.notice[0])
		LOG(s, LOG_NOTICE, svc, "%s", s->jail.notice);
	if (s->jail.runtime_dir[0] &&
	    set_runtime_dir(pamh, s->jail.runtime_dir) < 0) {
		LOG(s, LOG_ERR, svc,
		    "user %s jail %s: pam_putenv XDG_RUNTIME_DIR", plan->user,
		    plan->jail);
		jc_jail_release(&s->jail, 1000, NULL);
		return PAM_SESSION_ERR;
	}
	audit_fields(s, pamh, plan->user, plan);
	LOG(s, LOG_INFO, svc, "jail %s: %s", joined ? "joined" : "opened",
	    s->fields);
	if (pam_set_data(pamh, DATA_KEY, s, session_cleanup) != PAM_SUCCESS) {
		/* unreachable in practice; the session must not go on
		 * without a way to end the jail */
		jc_jail_release(&s->jail, 1000, NULL);
		return PAM_SESSION_ERR;
	}
	s = NULL; /* PAM's now: session_cleanup at pam_end */
	return PAM_SUCCESS;
}

/* The door's account ID (NULL: none) is used or freed here. */
int jc_pam_open_session(pam_handle_t *pamh, int flags, int argc,
			const char **argv, struct jc_identity *id)
{
	struct jc_identity *given = id;
	int rc = open_session(pamh, flags, argc, argv, &given);

	if (given)
		jc_identity_free(given);
	return rc;
}

int jc_pam_close_session(pam_handle_t *pamh, int flags, int argc,
			 const char **argv)
{
	const char *svc = item_str(pamh, PAM_SERVICE);
	const void *data = NULL;
	struct jc_err err = { 0 };
	struct timespec now;
	struct session *s;

	(void)flags;
	(void)argc;
	(void)argv;
	if (pam_get_data(pamh, DATA_KEY, &data) != PAM_SUCCESS || !data)
		return PAM_IGNORE; /* this session was not jailed */
	s = (struct session *)(uintptr_t)data;
	if (s->closed)
		return PAM_IGNORE;
	s->closed = true;
	if (jc_jail_release(&s->jail, 5000, &err) < 0) {
		LOG(s, LOG_ERR, svc, "%s: %s", s->fields, err.msg);
		return PAM_SESSION_ERR;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	LOG(s, LOG_INFO, svc, "jail closed: %s duration=%lld", s->fields,
	    (long long)(now.tv_sec - s->start.tv_sec));
	return PAM_SUCCESS;
}
