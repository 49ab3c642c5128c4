/* SPDX-License-Identifier: BSD-3-Clause */
/* pam_jail.c - the PAM door: pam_jail.so.
 *
 *   session required pam_jail.so [conf=PATH] [init=PATH] [debug]
 *
 * Most logins on a host with jails are of users no rule names.  The door
 * answers those alone -- the account (getpwnam_r: the canonical name), the
 * config index and a few stat()s (config_quick.c) -- and links nothing but
 * libc and libpam, so such a login does not pay for loading libseccomp,
 * libcap and libiniparser and binding their symbols (libpam dlopens
 * modules RTLD_NOW).  Every other login, and everything the door cannot
 * tell -- no index, a changed file, an unknown user, a bad argument -- goes
 * to the core, pam_jail-core.so next to this file (pam_jail_core.c), which
 * decides, logs and fails closed exactly as before.  A core that cannot be
 * loaded refuses the session.  See README.md and pam_jail(8). */
#define PAM_SM_SESSION
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_modules.h>

#include "pam_jail.h"
#include "jailcore/10-identity/identity.h"
#include "jailcore/20-config/config.h"
#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/log.h"

typedef int (*close_fn)(pam_handle_t *, int, int, const char **);
typedef int (*open_fn)(pam_handle_t *, int, int, const char **,
		       struct jc_identity *);

static const char *item_str(pam_handle_t *pamh, int item)
{
	const void *v = NULL;

	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS || !v)
		return "";
	return v;
}

/* One syslog line from the door (the core logs everything else), in the
 * core's form: "pam_jail(SERVICE:session): user NAME: ...". */
static void door_log(pam_handle_t *pamh, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void door_log(pam_handle_t *pamh, int prio, const char *fmt, ...)
{
	cleanup_fd int fd = jc_log_open();
	char msg[600], user[80];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jc_log(fd, prio, program_invocation_short_name,
	       "pam_jail(%s:session): user %s: %s", item_str(pamh, PAM_SERVICE),
	       jc_vis(item_str(pamh, PAM_USER), user, sizeof(user)), msg);
}

/* The core's entry NAME, loaded once (never unloaded: a jailed session's
 * pam_set_data cleanup lives in it, and pam_end calls that after libpam
 * has unloaded this door).  From the door's own directory: the path the
 * administrator's PAM stack named, root's like the stack itself. */
static void *core_entry(pam_handle_t *pamh, const char *name)
{
	char path[PATH_MAX];
	const char *slash;
	Dl_info self;
	void *h, *fn;

	if (!dladdr((void *)core_entry, &self) || !self.dli_fname ||
	    !(slash = strrchr(self.dli_fname, '/')) ||
	    (size_t)snprintf(path, sizeof(path), "%.*s/%s",
			     (int)(slash - self.dli_fname), self.dli_fname,
			     JC_CORE_FILE) >= sizeof(path)) {
		door_log(pamh, LOG_ERR,
			 "cannot find %s: the module's own file "
			 "is unknown (dladdr)",
			 JC_CORE_FILE);
		return NULL;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h || !(fn = dlsym(h, name))) {
		door_log(pamh, LOG_ERR, "cannot load %s: %s", path,
			 dlerror() ? dlerror() : "no error text");
		return NULL;
	}
	return fn;
}

/* Is the user one the config index vouches no rule jails?  False on
 * anything else: the core decides (and reports) those.  *HAVE: ID holds
 * the account (the core's to use and free). */
static bool quick_unjailed(pam_handle_t *pamh, int argc, const char **argv,
			   struct jc_identity *id, bool *have)
{
	const char *conf = JC_DEFAULT_CONF, *user = NULL;
	struct jc_err err = { 0 };
	bool debug = false;

	*have = false;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "conf=", 5) == 0 && argv[i][5])
			conf = argv[i] + 5;
		else if (strcmp(argv[i], "debug") == 0)
			debug = true;
		else if (strncmp(argv[i], "init=", 5) != 0 || !argv[i][5])
			return false; /* the core names the bad argument */
	}
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || !user || !*user ||
	    jc_identity_account(user, id, &err) != JC_ID_FOUND)
		return false;
	if (!jc_config_quick_unjailed(conf, id->pw.pw_name)) {
		*have = true;
		return false;
	}
	if (debug)
		door_log(pamh, LOG_DEBUG,
			 "not jailed (%s): no rule matches and "
			 "default is none (config index)",
			 id->pw.pw_name);
	jc_identity_free(id);
	return true;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	struct jc_identity id;
	const void *data = NULL;
	bool have = false;
	open_fn open_core;

	/* a session already on this handle is the core's business */
	if ((pam_get_data(pamh, DATA_KEY, &data) != PAM_SUCCESS || !data) &&
	    quick_unjailed(pamh, argc, argv, &id, &have))
		return PAM_IGNORE;
	if (!(open_core = (open_fn)core_entry(pamh, "jc_pam_open_session"))) {
		if (have)
			jc_identity_free(&id);
		return PAM_SESSION_ERR;
	}
	return open_core(pamh, flags, argc, argv, have ? &id : NULL);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
				    const char **argv)
{
	const void *data = NULL;
	close_fn close_core;

	if (pam_get_data(pamh, DATA_KEY, &data) != PAM_SUCCESS || !data)
		return PAM_IGNORE; /* this session was not jailed */
	close_core = (close_fn)core_entry(pamh, "jc_pam_close_session");
	return close_core ? close_core(pamh, flags, argc, argv) :
			    PAM_SESSION_ERR;
}
