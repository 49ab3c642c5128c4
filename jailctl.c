/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl.c - the administrator's door to pam_jail (see jailctl(8)).
 *
 *   jailctl [--conf PATH] [--dropin-dir DIR] check [--pamdir DIR]
 *   jailctl [--conf PATH] show USER
 *   jailctl [--conf PATH] create USER|JAIL
 *
 * It loads the config exactly as the module does (jailcore: the same
 * files, drop-ins, checks and messages) and builds plans exactly as a
 * login would, so what it says is what a login gets.  Results go to
 * stdout, errors to stderr; exit 0 success, 1 a finding or a failure,
 * 2 a usage error, 3 check found warnings only.  jailctl_tree.c lists
 * and checks jail trees, jailctl_create.c lays them out, jailctl_check.c
 * checks the sessions in them, jailctl_pam.c lints the PAM stacks,
 * jailctl_out.c prints.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/paths.h"
#include "jailcore/90-support/lsan_hook.h"
#include "jailctl.h"

#define MEMBERS_MAX 64	     /* candidates tried to check a group's jail */
#define PASSWD_SCAN_MAX 1000 /* passwd entries looked at for the default */

static void usage(FILE *to)
{
	fprintf(to,
		"usage: jailctl [--conf PATH] [--dropin-dir DIR] COMMAND [ARGS]\n"
		"\n"
		"  check [--json] [--pamdir DIR]\n"
		"                        lint the config (every error, with file:line),\n"
		"                        the jail trees and shells its rules lead to,\n"
		"                        and the PAM stacks that load pam_jail.so\n"
		"                        (default %s)\n"
		"  show USER             the jail USER gets and where each setting\n"
		"                        comes from, or why USER is not jailed\n"
		"  create USER|JAIL      lay out the jail tree for USER, or for JAIL\n"
		"                        when its root is not per user\n"
		"  list [--json]         running jails: jail, users, sessions, init,\n"
		"                        processes, uptime, memory\n"
		"  enter JAIL|USER [-- CMD...]\n"
		"                        run CMD (default: the user's shell) inside the\n"
		"                        running jail, as its user, with its restrictions\n"
		"  stop JAIL|USER        end a running jail and every process in it\n"
		"  user-manager USER|UID exit 0 when USER may have a systemd user\n"
		"                        manager (not jailed), 1 when not, 255 on error:\n"
		"                        ExecCondition= of user@.service\n"
		"\n"
		"  --conf PATH           the config (default %s)\n"
		"  --dropin-dir DIR      its drop-ins (default: pam_jail.d beside it;\n"
		"                        \"\" for none)\n"
		"\n"
		"Exit status: 0 success, 1 something found or failed, 2 usage error,\n"
		"3 check found warnings only.\n"
		"See jailctl(8), pam_jail.conf(5), pam_jail(8).\n",
		JCTL_PAMDIR, JC_DEFAULT_CONF);
}

/* ---- loading -------------------------------------------------------------- */

struct jc_config *load(const struct opts *o)
{
	struct jc_config *cfg = NULL;
	struct jc_err err = { 0 };

	if (jc_config_load_dir(o->conf, o->dropins, &cfg, &err) == 0)
		return cfg;
	complain("%s", err.msg);
	complain("the module refuses every session with this config; "
		 "`jailctl check` lists every error");
	return NULL;
}

static const char *rule_where(const struct jc_config *cfg,
			      const struct jc_rule *r, const char *kind,
			      char *buf, size_t size)
{
	char w[PATH_MAX + 32];

	snprintf(buf, size, "[%s:%s] at %s", kind, r->name,
		 jc_config_where(cfg, r->file, r->line, w, sizeof(w)));
	return buf;
}

/* ---- check: plans ----------------------------------------------------------- */

/* Plan PW's jail as a login would (tty NULL) and check its tree.  Returns
 * the plan's result; *JAIL gets the matched jail's name. */
static int check_plan(const struct jc_config *cfg, const struct jc_identity *id,
		      const char *label, struct findings *f, char *jail,
		      size_t jsize)
{
	struct jc_plan *p = NULL;
	struct jc_err err = { 0 };
	struct layout l;
	int rc = jc_plan_for_user(cfg, id, NULL, &p, &err);

	if (rc < 0) {
		finding(f, "%s: %s", label, err.msg);
		return rc;
	}
	snprintf(jail, jsize, "%s", p->jail);
	if (rc == JC_PLAN_JAILED) {
		if (layout_from_plan(p, &l, &err) < 0)
			finding(f, "%s: %s", label, err.msg);
		else
			layout_check(&l, p->root_fd, label, f);
		layout_free(&l);
		check_session(p, id, label, f);
	}
	jc_plan_free(p);
	return rc;
}

static int jail_index(const struct jc_config *cfg, const char *name)
{
	const struct jc_jail *j = jc_config_find_jail(cfg, name);

	return j ? (int)(j - cfg->jails) : -1;
}

static void check_user_rule(const struct jc_config *cfg,
			    const struct jc_rule *r, bool *done,
			    struct findings *f)
{
	char label[600], where[400], jail[80] = "";
	struct jc_identity id;
	struct jc_err err = { 0 };
	int rc;

	if (!r->jail)
		return; /* jail = none */
	rule_where(cfg, r, "user", where, sizeof(where));
	rc = jc_identity_by_name(r->name, &id, &err);
	if (rc == JC_ID_UNKNOWN) {
		note("%s: no such user; not checked", where);
		return;
	}
	if (rc < 0) {
		finding(f, "%s: %s", where, err.msg);
		return;
	}
	if (strcmp(id.pw.pw_name, r->name) != 0)
		finding(f,
			"%s: NSS spells this user '%s': logins match by that "
			"name, so the rule never applies",
			where, id.pw.pw_name);
	snprintf(label, sizeof(label), "user %s (%s)", r->name, where);
	rc = check_plan(cfg, &id, label, f, jail, sizeof(jail));
	if (rc == JC_PLAN_NOT_JAILED && id.pw.pw_uid == 0)
		finding(f,
			"%s: uid 0 is never jailed unless jail %s sets "
			"allow_root = yes: the rule has no effect",
			where, r->jail);
	if (jail_index(cfg, r->jail) >= 0)
		done[jail_index(cfg, r->jail)] = true;
	jc_identity_free(&id);
}

/* Try user NAME as a member of jail J: 1 when its plan was checked. */
static int try_member(const struct jc_config *cfg, const struct jc_jail *j,
		      const char *name, const char *via, struct findings *f)
{
	struct jc_identity id;
	char label[700], jail[80];
	struct jc_match m;
	struct jc_err err = { 0 };
	int found = 0;

	if (jc_identity_by_name(name, &id, &err) != JC_ID_FOUND)
		return 0;
	if (jc_identity_match(cfg, &id, &m, &err) == 0 && m.jail == j &&
	    (id.pw.pw_uid != 0 || j->allow_root)) {
		snprintf(label, sizeof(label),
			 "jail %s (%s, checked as user %s)", j->name, via,
			 id.pw.pw_name);
		check_plan(cfg, &id, label, f, jail, sizeof(jail));
		found = 1;
	}
	jc_identity_free(&id);
	return found;
}

/* Up to MEMBERS_MAX passwd entries that WANT accepts (looking at no more
 * than PASSWD_SCAN_MAX), appended to NAMES. */
static void scan_passwd(bool (*want)(const struct passwd *, gid_t), gid_t gid,
			char **names, size_t *n)
{
	const struct passwd *pw;

	setpwent();
	for (int i = 0;
	     i < PASSWD_SCAN_MAX && *n < MEMBERS_MAX && (pw = getpwent()); i++)
		if (want(pw, gid))
			names[(*n)++] = strdup(pw->pw_name);
	endpwent();
}

/* Check J as each of NAMES the module would put in it (a per-user root,
 * home or shell differs between them); frees NAMES. */
static int try_names(const struct jc_config *cfg, const struct jc_jail *j,
		     char **names, size_t n, const char *via,
		     struct findings *f)
{
	int found = 0;

	for (size_t i = 0; i < n; i++) {
		if (names[i])
			found |= try_member(cfg, j, names[i], via, f);
		free(names[i]);
	}
	return found;
}

/* members by primary group are not in gr_mem */
static bool primary_member(const struct passwd *pw, gid_t gid)
{
	return pw->pw_gid == gid;
}

static bool regular_user(const struct passwd *pw, gid_t unused)
{
	(void)unused;
	return pw->pw_uid >= 1000 && pw->pw_uid != 65534;
}

/* -fanalyzer: every names[i] strdup'ed here and in scan_passwd is freed
 * by try_names, which the analyzer does not follow through the array. */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
static int try_group(const struct jc_config *cfg, const struct jc_jail *j,
		     const struct jc_rule *r, struct findings *f)
{
	char via[400];
	char *names[MEMBERS_MAX], **mem = NULL;
	struct jc_err err = { 0 };
	size_t n = 0;
	gid_t gid;

	if (jc_group_by_name(r->name, &gid, &mem, &err) != JC_ID_FOUND)
		return 0; /* check_groups reports it */
	rule_where(cfg, r, "group", via, sizeof(via));
	for (size_t i = 0; mem[i] && n < MEMBERS_MAX; i++)
		names[n++] = strdup(mem[i]);
	jc_group_members_free(mem);
	scan_passwd(primary_member, gid, names, &n);
	return try_names(cfg, j, names, n, via, f);
}

static int try_default(const struct jc_config *cfg, const struct jc_jail *j,
		       struct findings *f)
{
	char via[400], w[300], *names[MEMBERS_MAX];
	size_t n = 0;

	snprintf(via, sizeof(via), "[global] default at %s",
		 jc_config_where(cfg, cfg->default_file, cfg->default_line, w,
				 sizeof(w)));
	scan_passwd(regular_user, 0, names, &n);
	return try_names(cfg, j, names, n, via, f);
}
JC_NO_ANALYZER_LEAK_CHECK_END

/* No member to check J with: what does not depend on the user. */
static void check_fixed(const struct jc_jail *j, struct findings *f)
{
	char prefix[PATH_MAX], label[200];
	const char *pct = strchr(j->root, '%');
	struct jc_err err = { 0 };
	struct layout l;
	int fd;

	snprintf(label, sizeof(label), "jail %s (no user to check it with)",
		 j->name);
	if (!has_user_token(j->root)) {
		if (layout_from_jail(j, &l, &err) < 0) {
			finding(f, "%s: %s", label, err.msg);
		} else if (jc_path_open_host(l.root,
					     JC_ADMIT_ROOT_OWNED | JC_ADMIT_DIR,
					     &fd, &err) < 0) {
			finding(f, "%s: jail root: %s", label, err.msg);
		} else {
			layout_check(&l, fd, label, f);
			close(fd);
		}
		layout_free(&l);
		return;
	}
	/* the directories above the first token */
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(pct - j->root), j->root);
	*(strrchr(prefix, '/') ? strrchr(prefix, '/') : prefix) = '\0';
	if (prefix[0] != '/' || strchr(prefix, '%'))
		return; /* "%h/...": nothing fixed */
	if (jc_path_open_host(prefix, JC_ADMIT_ROOT_OWNED | JC_ADMIT_DIR, &fd,
			      &err) < 0)
		finding(f, "%s: root %s: %s", label, j->root, err.msg);
	else
		close(fd);
}

static void check_jail(const struct jc_config *cfg, const struct jc_jail *j,
		       struct findings *f)
{
	bool used = false;

	for (size_t i = 0; i < cfg->n_groups; i++) {
		if (!cfg->groups[i].jail ||
		    strcmp(cfg->groups[i].jail, j->name))
			continue;
		used = true;
		if (try_group(cfg, j, &cfg->groups[i], f))
			return;
	}
	if (cfg->default_jail && strcmp(cfg->default_jail, j->name) == 0) {
		used = true;
		if (try_default(cfg, j, f))
			return;
	}
	if (!used) {
		note("jail %s is not used by any rule", j->name);
		return;
	}
	check_fixed(j, f);
}

static void check_plans(const struct jc_config *cfg, struct findings *f)
{
	bool *done = calloc(cfg->n_jails + 1, sizeof(*done));

	if (!done) {
		complain("out of memory");
		f->n++;
		return;
	}
	for (size_t i = 0; i < cfg->n_users; i++)
		check_user_rule(cfg, &cfg->users[i], done, f);
	for (size_t i = 0; i < cfg->n_jails; i++)
		if (!done[i])
			check_jail(cfg, &cfg->jails[i], f);
	free(done);
}

/* No stack loads the module yet (a fresh install never edits one): the
 * one line to add, and where. */
static void how_to_enable(const char *pamdir)
{
	note("no PAM stack in %s loads pam_jail.so: no login is jailed.  To "
	     "jail ssh logins, add this line as the LAST session line of "
	     "%s/sshd (likewise login, su, runuser, cron; see pam_jail(8)): "
	     "session required pam_jail.so",
	     pamdir, pamdir);
}

static int cmd_check(const struct opts *o, char **args)
{
	struct findings f = { 0 };
	struct jc_errs errs = { 0 };
	struct jc_config *cfg = NULL;
	struct check_counts c = { 0 };

	(void)args;
	if (o->json && out_json_begin() < 0) {
		complain("out of memory");
		return JCTL_FAIL;
	}
	if (jc_config_check(o->conf, o->dropins, &cfg, &errs) < 0) {
		report_config(&errs, o->conf, &f);
	} else {
		check_groups(cfg, &f);
		check_plans(cfg, &f);
		check_risks(cfg);
		c.jails = cfg->n_jails;
		c.files = cfg->n_files;
	}
	jc_errs_free(&errs);
	jc_config_free(cfg);
	if (pam_lint(o->pamdir, &f, &c.pam_stacks) < 0)
		f.n++;
	else if (c.pam_stacks == 0)
		how_to_enable(o->pamdir);
	out_check_end(&f, &c);
	return check_status(&f);
}

/* ---- create ------------------------------------------------------------------ */

static int done_creating(const char *root, int created)
{
	if (created)
		printf("%d created: %s is ready\n", created, root);
	else
		printf("nothing to do: %s is complete\n", root);
	return JCTL_OK;
}

/* The jail root USER gets, expanded, without admitting it (it may not
 * exist yet). */
static int user_root(const struct jc_config *cfg, const struct jc_identity *id,
		     char *root, size_t size)
{
	const struct passwd *pw = &id->pw;
	struct jc_tokens t = { .user = pw->pw_name,
			       .uid = pw->pw_uid,
			       .gid = pw->pw_gid,
			       .home = pw->pw_dir };
	struct jc_err err = { 0 };
	struct jc_match m;

	if (jc_identity_match(cfg, id, &m, &err) < 0) {
		complain("create %s: %s", pw->pw_name, err.msg);
		return -1;
	}
	if (!m.jail || (pw->pw_uid == 0 && !m.jail->allow_root)) {
		complain(
			"create: %s is not jailed: %s", pw->pw_name,
			m.jail ?
				"uid 0 is never jailed unless the jail sets allow_root" :
				m.why);
		return -1;
	}
	t.jail = m.jail->name;
	if (jc_expand(m.jail->root, &t, root, size, &err) < 0 ||
	    !jc_path_is_clean(root)) {
		complain("create %s: jail %s: root: %s", pw->pw_name,
			 m.jail->name,
			 err.msg[0] ? err.msg : "not a clean absolute path");
		return -1;
	}
	return 0;
}

/* First the directories down to the root (the plan admits an existing
 * root only), then the plan's mount points. */
static int create_user(const struct jc_config *cfg,
		       const struct jc_identity *id)
{
	const char *name = id->pw.pw_name;
	struct layout l = { 0 };
	struct jc_plan *p = NULL;
	struct jc_err err = { 0 };
	int created = 0, rc;

	if (user_root(cfg, id, l.root, sizeof(l.root)) < 0 ||
	    layout_create(&l, &created) < 0)
		return JCTL_FAIL;
	rc = jc_plan_for_user(cfg, id, NULL, &p, &err);
	if (rc != JC_PLAN_JAILED) {
		complain("create %s: %s", name, rc < 0 ? err.msg : p->why);
		jc_plan_free(p);
		return JCTL_FAIL;
	}
	rc = layout_from_plan(p, &l, &err);
	if (rc < 0)
		complain("create %s: %s", name, err.msg);
	else
		rc = layout_create(&l, &created);
	if (rc == 0)
		done_creating(l.root, created);
	layout_free(&l);
	jc_plan_free(p);
	return rc < 0 ? JCTL_FAIL : JCTL_OK;
}

static int create_jail(const struct jc_jail *j)
{
	struct jc_err err = { 0 };
	struct layout l;
	int created = 0, rc;

	rc = layout_from_jail(j, &l, &err);
	if (rc < 0)
		complain("create: %s", err.msg);
	else
		rc = layout_create(&l, &created);
	if (rc == 0)
		done_creating(l.root, created);
	layout_free(&l);
	return rc < 0 ? JCTL_FAIL : JCTL_OK;
}

/* USER or JAIL: a user first; "user:NAME" and "jail:NAME" say which. */
static int cmd_create(const struct opts *o, char **args)
{
	const char *name = args[0];
	const struct jc_jail *j = NULL;
	struct jc_identity id;
	struct jc_config *cfg = load(o);
	bool as_jail = strncmp(name, "jail:", 5) == 0;
	int rc = JCTL_FAIL, found = JC_ID_UNKNOWN;

	if (!cfg)
		return JCTL_FAIL;
	if (as_jail || strncmp(name, "user:", 5) == 0)
		name += 5;
	if (!as_jail && (found = lookup_user("create", name, true, &id)) < 0) {
		lookup_user("create", name, false, &id); /* says why */
		jc_config_free(cfg);
		return JCTL_FAIL;
	}
	if (found != JC_ID_FOUND && strncmp(args[0], "user:", 5) != 0)
		j = jc_config_find_jail(cfg, name);
	if (found == JC_ID_FOUND) {
		rc = create_user(cfg, &id);
		jc_identity_free(&id);
	} else if (j)
		rc = create_jail(j);
	else
		complain("create: %s is neither a user nor a jail of %s", name,
			 o->conf);
	jc_config_free(cfg);
	return rc;
}

/* ---- user-manager -------------------------------------------------------- */

/* ExecCondition= of user@.service (conf/systemd/user@.service.d/): the
 * user's systemd manager runs outside any jail, reads units from the
 * user's home (which the jail can write) and runs them there.  Exit 0 when
 * it may start (the user is not jailed), 1 when it must not -- systemd
 * then skips the unit without an error --, 255 on any error, which fails
 * the unit: no manager either way. */
#define JCTL_CONDITION_ERROR 255

static int cmd_user_manager(const struct opts *o, char **args)
{
	struct jc_identity id;
	struct jc_plan *p = NULL;
	struct jc_err err = { 0 };
	struct jc_config *cfg;
	char *end;
	unsigned long uid = strtoul(args[0], &end, 10);
	int rc;

	rc = *args[0] && !*end ? jc_identity_by_uid((uid_t)uid, &id, &err) :
				 jc_identity_by_name(args[0], &id, &err);
	if (rc != JC_ID_FOUND) {
		complain("user-manager: %s", err.msg);
		return JCTL_CONDITION_ERROR;
	}
	if (!(cfg = load(o))) {
		jc_identity_free(&id);
		return JCTL_CONDITION_ERROR;
	}
	rc = jc_plan_for_user(cfg, &id, NULL, &p, &err);
	jc_config_free(cfg);
	if (rc < 0)
		complain("user-manager: %s: %s", id.pw.pw_name, err.msg);
	else if (rc == JC_PLAN_JAILED)
		fprintf(stderr,
			"jailctl: user-manager: %s is jailed (jail %s): "
			"no systemd user manager outside the jail\n",
			id.pw.pw_name, p->jail);
	jc_plan_free(p);
	jc_identity_free(&id);
	return rc < 0 ? JCTL_CONDITION_ERROR : rc == JC_PLAN_JAILED ? 1 : 0;
}

/* ---- main ---------------------------------------------------------------- */

/* Commands; nargs -1: one or more (enter), -2: none or one (list). */
static const struct cmd {
	const char *name;
	int (*run)(const struct opts *o, char **args);
	int nargs;
} cmds[] = {
	{ "check", cmd_check, 0 },
	{ "show", cmd_show, 1 },
	{ "create", cmd_create, 1 },
	{ "list", cmd_list, -2 },
	{ "enter", cmd_enter, -1 },
	{ "stop", cmd_stop, 1 },
	{ "user-manager", cmd_user_manager, 1 },
};

static bool nargs_ok(int want, int got)
{
	return want == -1 ? got >= 1 : want == -2 ? got <= 1 : got == want;
}

static int run(const struct opts *o, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name))
			continue;
		if (!nargs_ok(cmds[i].nargs, argc - 1)) {
			complain("%s: expected %d argument%s", cmds[i].name,
				 cmds[i].nargs, cmds[i].nargs == 1 ? "" : "s");
			usage(stderr);
			return JCTL_USAGE;
		}
		return cmds[i].run(o, argv + 1);
	}
	if (strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return JCTL_OK;
	}
	complain("unknown command '%s'", argv[0]);
	usage(stderr);
	return JCTL_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "dropin-dir", required_argument, NULL, 'd' },
		{ "pamdir", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .conf = JC_DEFAULT_CONF, .pamdir = JCTL_PAMDIR };
	int c;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.conf = optarg;
			break;
		case 'd':
			o.dropins = optarg;
			break;
		case 'p':
			o.pamdir = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			usage(stdout);
			return JCTL_OK;
		default:
			usage(stderr);
			return JCTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return JCTL_USAGE;
	}
	umask(022);
	return run(&o, argc - optind, argv + optind);
}
