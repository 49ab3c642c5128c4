/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl.h - what jailctl.c and the jailctl_*.c files share.
 *
 * jailctl is the administrator's door to jailcore (see jailctl(8)): it
 * loads the config exactly as the module does and reports; everything it
 * decides comes from jailcore.  Results go to stdout, errors to stderr;
 * exit 0 success, 1 a finding or a failure, 2 a usage error.
 */
#ifndef JAILCTL_H
#define JAILCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <pwd.h>

#include "jailcore/20-config/config.h"
#include "jailcore/90-support/err.h"
#include "jailcore/10-identity/identity.h"
#include "jailcore/30-plan/plan.h"

#define JCTL_PAMDIR "/etc/pam.d"

enum { JCTL_OK = 0, JCTL_FAIL = 1, JCTL_USAGE = 2, JCTL_WARN = 3 };

struct opts {
	const char *conf;
	const char *dropins; /* NULL: dirname(conf)/pam_jail.d */
	const char *pamdir;
	bool json; /* list --json, check --json */
};

/* The config as the module loads it; NULL after complaining. */
struct jc_config *load(const struct opts *o);

/* ---- jailctl_ids.c: accounts --------------------------------------- */

/* The account NAME (as typed) through jailcore's one resolver, as the
 * module resolves it: JC_ID_FOUND, JC_ID_UNKNOWN or -1.  Unless QUIET,
 * complains "CMD: reason" when it is not found or the lookup failed. */
int lookup_user(const char *cmd, const char *name, bool quiet,
		struct jc_identity *id);

/* ---- jailctl_show.c --------------------------------------------------- */
int cmd_show(const struct opts *o, char **args);

/* ---- jailctl_run.c: running jails (/run/pam_jail) -------------------- */
int cmd_list(const struct opts *o, char **args);
int cmd_enter(const struct opts *o, char **args);
int cmd_stop(const struct opts *o, char **args);

/* jailctl_pty.c: `jailctl enter`'s own pty (the administrator's terminal
 * never goes into the jail). */
#include <sys/types.h>
#include <termios.h>
struct ctl_pty {
	int master, slave; /* -1: no terminal among fds 0-2 */
	bool tty[3];	   /* which of fds 0-2 are terminals */
	bool have_saved;
	struct termios saved; /* fd 0's modes, restored at the end */
};
/* 1: a pty opened (some fd 0-2 is a terminal), 0: none needed, -1: error */
int ctl_pty_open(struct ctl_pty *t);
int ctl_pty_child(const struct ctl_pty *t);
int ctl_pty_proxy(struct ctl_pty *t, pid_t pid);

/* ---- jailctl_out.c: what check found, as text or JSON --------------- */

/* Every finding is one line on stdout (one item with --json). */
struct findings {
	unsigned n;	   /* errors: a login is refused or breaks */
	unsigned warnings; /* logins work, something is lost */
};

struct check_counts {
	size_t files, jails;
	unsigned pam_stacks;
};

/* An error: a login the module refuses, or a session that cannot start. */
void finding(struct findings *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "warning: ...": the login works but loses something (login records,
 * XDG_RUNTIME_DIR...). */
void warning(struct findings *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* jailctl_risks.c: combinations allowed but risky, as notes. */
void check_risks(const struct jc_config *cfg);
/* A remark that is not a problem ("note: ..."), on stdout. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "jailctl: ..." on stderr. */
void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* S as a JSON string, quoted and escaped. */
void json_str(FILE *to, const char *s);
/* --json: collect the findings from now on; 0 or -1. */
int out_json_begin(void);
/* The summary line, or the JSON document; check_status: the exit code. */
void out_check_end(const struct findings *f, const struct check_counts *c);
int check_status(const struct findings *f);

/* check: every config error ERRS holds, one finding each, sorted like a
 * compiler's: the main file CONF first, then the drop-ins, each by line. */
void report_config(const struct jc_errs *errs, const char *conf,
		   struct findings *f);

/* ---- jailctl_check.c: what breaks a session after the jail is built --- */

/* Every per-login check beyond the mount points: the user's shell as the
 * jail resolves it, the login records, XDG_RUNTIME_DIR.  LABEL prefixes
 * each finding. */
void check_session(const struct jc_plan *p, const struct jc_identity *id,
		   const char *label, struct findings *f);

/* check: every [group:] rule's group resolved as a login resolves it;
 * one that does not resolve is a finding, and a note says what each rule
 * means while the directory cannot answer. */
void check_groups(const struct jc_config *cfg, struct findings *f);

/* ---- jailctl_tree.c: what a jail's tree must hold -------------------- */

enum ent_kind { ENT_DIR, ENT_FILE, ENT_LINK };

/* One thing inside the jail root: a mount point the module needs, or a
 * small file `create` writes when it is absent. */
struct ent {
	char path[PATH_MAX]; /* absolute, inside the jail */
	enum ent_kind kind;
	char what[PATH_MAX + 16]; /* why it is there: "bind_ro /usr" */
	const char *content;	  /* extra file: what create writes */
	char target[PATH_MAX];	  /* ENT_LINK: the symlink's text */
	bool extra;		  /* not needed by the module */
	bool optional;		  /* a mount point used when present */
	const char *lost;	  /* optional: what is lost without it */
	bool bind;		  /* a bind destination */
	const char *covered;	  /* inside this bind: the source has it */
};

struct layout {
	char root[PATH_MAX]; /* the jail root on the host */
	struct ent *v;
	size_t n, cap;
	char hosts[600]; /* content of etc/hosts */
};

/* The tree PLAN needs (its binds, tmpfs, /dev, /proc, etc/passwd and
 * etc/group unless allow_root), plus etc/nsswitch.conf and etc/hosts, and
 * var/log and var/run, where the module mounts the host's login records
 * when they exist (not for allow_root), and run/user.  On a merged-/usr
 * host whose /usr the jail binds at /usr: the links bin -> usr/bin etc.
 * the host has and the jail binds nothing over. */
int layout_from_plan(const struct jc_plan *p, struct layout *l,
		     struct jc_err *err);

/* The same for jail J without a user: every template that holds a
 * per-user token (%u %U %G %h) is left out with a note; the root must not
 * hold one. */
int layout_from_jail(const struct jc_jail *j, struct layout *l,
		     struct jc_err *err);

void layout_free(struct layout *l);

/* 1 when template T holds a per-user token (%u %U %G %h). */
int has_user_token(const char *t);

/* check: every mount point of L resolves beneath ROOTFD as the module
 * resolves it (no symlink) and has the right type; one finding per
 * problem, prefixed LABEL. */
void layout_check(const struct layout *l, int rootfd, const char *label,
		  struct findings *f);

/* jailctl_create.c -- create: lay out L on disk (see jailctl(8)); a dry run first, so a tree
 * that is refused is left as it was.  *CREATED counts what was made.  0,
 * or -1 after saying why on stderr.  With no entries, only the directories
 * down to the root. */
int layout_create(const struct layout *l, int *created);

/* ---- jailctl_pam.c: the PAM stacks ----------------------------------- */

/* Lint every PAM file of DIR that loads pam_jail.so: fail-open controls,
 * pam_jail not last, modules that can skip it.  *N_FILES: how many files
 * load it.  -1 when DIR cannot be read (said on stderr). */
int pam_lint(const char *dir, struct findings *f, unsigned *n_files);

#endif
