/* SPDX-License-Identifier: BSD-3-Clause */
/* config_build.c - stage 4 of loading (config_load.c): the model.  Each
 * section the scanner kept is built from iniparser's values, each value
 * validated by config_values.c or config_limits.c, then the jail
 * references are checked.  Values are only ever fetched for keys the
 * scanner saw, so the scanner alone decides which sections and keys
 * exist.  Freeing and looking up the model are here too; see config.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <iniparser/iniparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_priv.h"

#define TMPFS_DEFAULT (64ULL * 1024 * 1024)

/* The value of KEY in SEC.  The scanner saw the key, so iniparser must
 * have it; control characters have no business in any value. */
static int get_value(const struct jc_cfg_ctx *c, const struct jc_scan_sec *sec,
		     const struct jc_scan_key *key, const char **val)
{
	char lookup[JC_ACCOUNT_NAME_MAX + 64];
	const char *p;

	*val = NULL;
	if ((size_t)snprintf(lookup, sizeof(lookup), "%s:%s", sec->text,
			     key->name) < sizeof(lookup))
		*val = iniparser_getstring(
			c->ini->d[(size_t)(sec - c->sc->secs) / JC_INI_CHUNK],
			lookup, NULL);
	if (!*val)
		return jc_fail_conf(c->err, 0, c->path, key->line,
				    "internal error: iniparser lost '%s'",
				    jc_scan_key_name(sec->kind, key->id));
	for (p = *val; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return jc_fail_conf(c->err, 0, c->path, key->line,
					    "%s: control character in value",
					    jc_scan_key_name(sec->kind,
							     key->id));
	return 0;
}

/* ---- building the model ------------------------------------------------ */

/* Collect mode (jc_config_check): record the error just made and go on. */
static int keep_going(const struct jc_cfg_ctx *c)
{
	return jc_errs_collect(c->errs, c->err);
}

static int build_jail(const struct jc_cfg_ctx *c, const struct jc_scan_sec *sec,
		      struct jc_jail *j)
{
	const char *val;
	char v[80];
	size_t i;
	int bad = 0;

	j->line = sec->line;
	j->tmpfs_size = TMPFS_DEFAULT;
	j->network = JC_NET_NONE;
	jc_cfg_limits_defaults(j);
	if (jc_cfg_strdup(c, sec->name, &j->name) < 0)
		return -1;
	for (i = 0; i < sec->n_keys; i++) {
		const struct jc_scan_key *k = &sec->keys[i];

		j->key_line[k->id] = k->line;
		if (get_value(c, sec, k, &val) < 0 ||
		    jc_cfg_jail_value(c, j, k->id, k->line, val) < 0) {
			if (!keep_going(c))
				return -1;
			bad = 1; /* collect mode: the next key */
		}
	}
	if (!j->root && !j->key_line[JC_K_ROOT]) {
		jc_fail_conf(c->err, 0, c->path, sec->line,
			     "[%s]: missing 'root = ...'",
			     jc_vis(sec->text, v, sizeof(v)));
		if (!keep_going(c))
			return -1;
		bad = 1;
	}
	/* rules between keys only make sense once every key is good */
	if (!bad && jc_cfg_jail_check(c, j) < 0 && !keep_going(c))
		return -1;
	return j->hostname ? 0 : jc_cfg_strdup(c, "%j", &j->hostname);
}

/* "jail = NAME | none" and "default = NAME | none": NULL means none.  The
 * name is checked against the jails once they are all known. */
static int jail_ref(const struct jc_cfg_ctx *c, const struct jc_scan_sec *sec,
		    char **jail, int *line)
{
	const struct jc_scan_key *k = sec->n_keys ? &sec->keys[0] : NULL;
	const char *val;

	*jail = NULL;
	*line = k ? k->line : 0;
	if (!k || get_value(c, sec, k, &val) < 0)
		return k ? -1 : 0;
	if (!*val)
		return jc_fail_conf(c->err, 0, c->path, k->line,
				    "%s: expected a jail name or none",
				    k->name);
	if (strcasecmp(val, "none") == 0)
		return 0;
	return jc_cfg_strdup(c, val, jail);
}

static int build_rule(const struct jc_cfg_ctx *c, const struct jc_scan_sec *sec,
		      struct jc_rule *r)
{
	char v[80];

	if (sec->n_keys == 0)
		return jc_fail_conf(
			c->err, 0, c->path, sec->line,
			"[%s]: missing 'jail = NAME' (or 'jail = none')",
			jc_vis(sec->text, v, sizeof(v)));
	if (jc_cfg_strdup(c, sec->name, &r->name) < 0)
		return -1;
	return jail_ref(c, sec, &r->jail, &r->line);
}

/* N: how many sections of each enum jc_sec_kind all files hold. */
int jc_cfg_alloc_model(const struct jc_cfg_ctx *c, const size_t n[4],
		       struct jc_config *cfg)
{
	/* +1: calloc(0) may return NULL, which is not a failure. */
	cfg->jails = calloc(n[JC_SEC_JAIL] + 1, sizeof(*cfg->jails));
	cfg->users = calloc(n[JC_SEC_USER] + 1, sizeof(*cfg->users));
	cfg->groups = calloc(n[JC_SEC_GROUP] + 1, sizeof(*cfg->groups));
	if (!cfg->jails || !cfg->users || !cfg->groups)
		return jc_fail_conf(c->err, ENOMEM, c->path, 0, "loading");
	return 0;
}

static int build_one(const struct jc_cfg_ctx *c, const struct jc_scan_sec *sec,
		     struct jc_config *cfg, const char *file)
{
	switch (sec->kind) {
	case JC_SEC_JAIL:
		cfg->jails[cfg->n_jails].file = file;
		return build_jail(c, sec, &cfg->jails[cfg->n_jails++]);
	case JC_SEC_USER:
		cfg->users[cfg->n_users].file = file;
		return build_rule(c, sec, &cfg->users[cfg->n_users++]);
	case JC_SEC_GROUP:
		cfg->groups[cfg->n_groups].file = file;
		return build_rule(c, sec, &cfg->groups[cfg->n_groups++]);
	default:
		cfg->default_file = file;
		return jail_ref(c, sec, &cfg->default_jail, &cfg->default_line);
	}
}

int jc_cfg_build_section(const struct jc_cfg_ctx *c,
			 const struct jc_scan_sec *sec, struct jc_config *cfg,
			 const char *file)
{
	if (build_one(c, sec, cfg, file) < 0 && !keep_going(c))
		return -1;
	return 0;
}

static int check_ref(const struct jc_cfg_ctx *c, const struct jc_config *cfg,
		     const char *jail, int line)
{
	char v[80];

	if (!jail || jc_config_find_jail(cfg, jail))
		return 0;
	return jc_fail_conf(c->err, 0, c->path, line, "unknown jail '%s'",
			    jc_vis(jail, v, sizeof(v)));
}

/* Every jail a rule or the default names must exist; checked in file
 * order so the first bad reference is the one reported.  SC is one file's
 * scan; *U and *G count the rules of the files before it. */
int jc_cfg_check_refs(const struct jc_cfg_ctx *c, const struct jc_scan *sc,
		      const struct jc_config *cfg, size_t *u, size_t *g)
{
	const struct jc_rule *r;
	size_t i;
	int rc;

	for (i = 0; i < sc->n_secs; i++) {
		switch (sc->secs[i].kind) {
		case JC_SEC_USER:
			r = &cfg->users[(*u)++];
			break;
		case JC_SEC_GROUP:
			r = &cfg->groups[(*g)++];
			break;
		case JC_SEC_GLOBAL:
			rc = check_ref(c, cfg, cfg->default_jail,
				       cfg->default_line);
			if (rc < 0 && !keep_going(c))
				return -1;
			continue;
		default:
			continue;
		}
		if (check_ref(c, cfg, r->jail, r->line) < 0 && !keep_going(c))
			return -1;
	}
	return 0;
}

static void free_binds(struct jc_bindspec *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(b[i].src);
		free(b[i].dst);
	}
	free(b);
}

static void free_jail(struct jc_jail *j)
{
	free(j->name);
	free(j->root);
	free_binds(j->bind_ro, j->n_bind_ro);
	free_binds(j->bind_rw, j->n_bind_rw);
	jc_cfg_free_names(j->tmpfs, j->n_tmpfs);
	free(j->hostname);
	jc_cfg_limits_free(j);
	jc_cfg_free_names(j->seccomp.deny, j->seccomp.n_deny);
	jc_cfg_free_names(j->seccomp.allow, j->seccomp.n_allow);
}

static void free_rules(struct jc_rule *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].name);
		free(r[i].jail);
	}
	free(r);
}

void jc_config_free(struct jc_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_jails; i++)
		free_jail(&cfg->jails[i]);
	free(cfg->jails);
	free_rules(cfg->users, cfg->n_users);
	free_rules(cfg->groups, cfg->n_groups);
	free(cfg->default_jail);
	free(cfg->path);
	jc_cfg_free_names(cfg->files, cfg->n_files);
	free(cfg);
}

const struct jc_jail *jc_config_find_jail(const struct jc_config *cfg,
					  const char *name)
{
	size_t i;

	if (!cfg || !name)
		return NULL;
	for (i = 0; i < cfg->n_jails; i++)
		if (cfg->jails[i].name && strcmp(cfg->jails[i].name, name) == 0)
			return &cfg->jails[i];
	return NULL;
}

/* ---- a private devpts needs a jail of one user ------------------------ */

/* Does ROOT name the user (%u, %U), so that each user gets a tree -- and a
 * jail -- of its own?  "%%u" is a literal "%u". */
static bool root_per_user(const char *root)
{
	for (const char *p = root; p && *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == 'u' || p[1] == 'U')
			return true;
		if (p[1])
			p++;
	}
	return false;
}

/* The first rule, beyond one [user:] rule, that lets another user into
 * JAIL: the default, a [group:] rule, a second [user:] rule.  NULL when
 * only one [user:] rule names it (or none). */
static const char *second_door(const struct jc_config *cfg, const char *jail,
			       const char **file, int *line)
{
	const struct jc_rule *first = NULL;

	if (cfg->default_jail && !strcmp(cfg->default_jail, jail)) {
		*file = cfg->default_file;
		*line = cfg->default_line;
		return "default";
	}
	for (size_t i = 0; i < cfg->n_groups; i++)
		if (cfg->groups[i].jail && !strcmp(cfg->groups[i].jail, jail)) {
			*file = cfg->groups[i].file;
			*line = cfg->groups[i].line;
			return "a [group:] rule";
		}
	for (size_t i = 0; i < cfg->n_users; i++) {
		if (!cfg->users[i].jail || strcmp(cfg->users[i].jail, jail))
			continue;
		if (first) {
			*file = cfg->users[i].file;
			*line = cfg->users[i].line;
			return "a second [user:] rule";
		}
		first = &cfg->users[i];
	}
	return NULL;
}

/* util-linux login(1) reopens its tty by name, /dev/pts/N, in its child
 * after pam_open_session, i.e. inside the jail (callers.md).  With a
 * private devpts that name is the jail's own pty N: in a jail several
 * users enter, another user holding that pty's master would get the
 * login's shell (E14, tests/e2e/53-login-reopen.sh).  A caller on a host
 * pty gets a view of its own with the host's devpts there (mount_view.c),
 * except in an allow_root jail, where the jailed root must not reach the
 * host's devpts through it: so allow_root's private devpts is for a jail
 * of one user.  A login's load holds only its own [user:] rule: a second
 * user's join of a running jail is refused as well (registry.c,
 * jc_reg_check_identity). */
static int check_private_devpts(struct jc_cfg_loader *L,
				const struct jc_config *cfg)
{
	for (size_t i = 0; i < cfg->n_jails; i++) {
		const struct jc_jail *j = &cfg->jails[i];
		struct jc_cfg_ctx c = { .path = j->file,
					.err = L->err,
					.errs = L->errs };
		const char *rfile = NULL, *door;
		int rline = 0, line;
		char where[PATH_MAX + 16];

		if (!j->allow_root || !j->name || !j->root ||
		    root_per_user(j->root) ||
		    !(door = second_door(cfg, j->name, &rfile, &rline)))
			continue;
		line = j->key_line[JC_K_ALLOW_ROOT] ?
			       j->key_line[JC_K_ALLOW_ROOT] :
			       j->line;
		jc_config_where(cfg, rfile, rline, where, sizeof(where));
		(void)jc_fail_conf(
			c.err, 0, c.path, line,
			"jail %s: allow_root (a private devpts), and %s "
			"(%s) names it: its users would share one devpts, "
			"where util-linux login's reopen of /dev/pts/N is "
			"another user's pty; give it a root with %%u (a "
			"jail per user) or one [user:] rule only",
			j->name, door, where);
		if (!keep_going(&c))
			return -1;
	}
	return 0;
}

/* ---- messages --------------------------------------------------------- */

const char *jc_config_where(const struct jc_config *cfg, const char *file,
			    int line, char *buf, size_t size)
{
	if (!file || (cfg && cfg->path && strcmp(file, cfg->path) == 0))
		snprintf(buf, size, "line %d", line);
	else
		snprintf(buf, size, "%s:%d", file, line);
	return buf;
}

/* ---- over the files of one load -------------------------------------- */

int jc_cfg_new_model(struct jc_cfg_loader *L, struct jc_config **out)
{
	struct jc_cfg_ctx c = { .path = L->f[0].path, .err = L->err };
	struct jc_config *cfg = calloc(1, sizeof(*cfg));
	size_t n[4] = { 0 };

	*out = cfg;
	if (!cfg || !(cfg->path = strdup(L->f[0].path)) ||
	    !(cfg->files = calloc(L->n, sizeof(char *))))
		return jc_fail_conf(L->err, ENOMEM, c.path, 0, "loading");
	for (size_t i = 0; i < L->n; i++) {
		if (!(cfg->files[i] = strdup(L->f[i].path)))
			return jc_fail_conf(L->err, ENOMEM, c.path, 0,
					    "loading");
		cfg->n_files++;
		for (size_t k = 0; !L->f[i].dead && k < L->f[i].sc.n_secs; k++)
			n[L->f[i].sc.secs[k].kind]++;
	}
	return jc_cfg_alloc_model(&c, n, cfg);
}

int jc_cfg_build_model(struct jc_cfg_loader *L, struct jc_config *cfg)
{
	size_t u = 0, g = 0;

	for (size_t i = 0; i < L->n; i++) {
		struct jc_cfg_file *f = &L->f[i];
		struct jc_cfg_ctx c = { .path = f->path,
					.err = L->err,
					.ini = &f->ini,
					.sc = &f->sc,
					.errs = L->errs };

		for (size_t k = 0; !f->dead && k < f->sc.n_secs; k++)
			if (jc_cfg_build_section(&c, &f->sc.secs[k], cfg,
						 cfg->files[i]) < 0)
				return -1;
	}
	/* with a file missing, "unknown jail" would mostly be noise */
	if (L->incomplete)
		return 0;
	for (size_t i = 0; i < L->n; i++) {
		struct jc_cfg_ctx c = { .path = L->f[i].path,
					.err = L->err,
					.errs = L->errs };

		if (jc_cfg_check_refs(&c, &L->f[i].sc, cfg, &u, &g) < 0)
			return -1;
	}
	return check_private_devpts(L, cfg);
}
