/* SPDX-License-Identifier: BSD-3-Clause */
/* config_match.c - which jail a user gets, and %-token expansion.
 * See config.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_priv.h"

/* ---- matching ---------------------------------------------------------- */

static const struct jc_rule *find_rule(const struct jc_rule *r, size_t n,
				       const char *name)
{
	size_t i;

	/* Exact and case-sensitive: Linux names are. */
	for (i = 0; i < n; i++)
		if (strcmp(r[i].name, name) == 0)
			return &r[i];
	return NULL;
}

static bool in_groups(const char *name, const char *const *groups, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (groups[i] && strcmp(groups[i], name) == 0)
			return true;
	return false;
}

static bool same_jail(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int group_conflict(const struct jc_config *cfg, const char *user,
			  const struct jc_rule *a, const struct jc_rule *b,
			  struct jc_err *err)
{
	char u[80], an[80], bn[80], aj[80], bj[80], aw[160], bw[160];

	return jc_fail_conf(
		err, 0, cfg->path, 0,
		"user '%s' is in [group:%s] (%s, jail %s) and [group:%s] (%s, jail %s), which disagree",
		jc_vis(user, u, sizeof(u)), jc_vis(a->name, an, sizeof(an)),
		jc_config_where(cfg, a->file, a->line, aw, sizeof(aw)),
		a->jail ? jc_vis(a->jail, aj, sizeof(aj)) : "none",
		jc_vis(b->name, bn, sizeof(bn)),
		jc_config_where(cfg, b->file, b->line, bw, sizeof(bw)),
		b->jail ? jc_vis(b->jail, bj, sizeof(bj)) : "none");
}

/* The one group rule that applies, or NULL.  Rules for groups the user is
 * in must agree: which one wins must not depend on file order. */
static int match_group_rule(const struct jc_config *cfg, const char *user,
			    const char *const *groups, size_t n_groups,
			    const struct jc_rule **found, struct jc_err *err)
{
	const struct jc_rule *r;
	size_t i;

	*found = NULL;
	for (i = 0; i < cfg->n_groups; i++) {
		r = &cfg->groups[i];
		if (!in_groups(r->name, groups, n_groups))
			continue;
		if (*found && !same_jail((*found)->jail, r->jail))
			return group_conflict(cfg, user, *found, r, err);
		if (!*found)
			*found = r;
	}
	return 0;
}

static void set_rule_match(const struct jc_config *cfg, const char *kind,
			   const struct jc_rule *r, struct jc_match *m)
{
	char w[160];

	m->jail = r->jail ? jc_config_find_jail(cfg, r->jail) : NULL;
	m->rule = r;
	m->by_user = strcmp(kind, "user") == 0;
	snprintf(m->why, sizeof(m->why), "[%s:%s] at %s", kind, r->name,
		 jc_config_where(cfg, r->file, r->line, w, sizeof(w)));
}

int jc_config_match_groups(const struct jc_config *cfg, const char *user,
			   const char *const *groups, size_t n_groups,
			   struct jc_match *m, struct jc_err *err)
{
	const struct jc_rule *r;
	char w[160];

	if (!cfg || !user || !m || (n_groups && !groups))
		return jc_fail(err, EINVAL, "jc_config_match_groups");
	memset(m, 0, sizeof(*m));
	r = find_rule(cfg->users, cfg->n_users, user);
	if (r) {
		set_rule_match(cfg, "user", r, m);
		return 0;
	}
	if (match_group_rule(cfg, user, groups, n_groups, &r, err) < 0)
		return -1;
	if (r) {
		set_rule_match(cfg, "group", r, m);
		return 0;
	}
	if (!cfg->default_jail) {
		snprintf(m->why, sizeof(m->why),
			 "no rule matches and default is none");
		return 0;
	}
	m->jail = jc_config_find_jail(cfg, cfg->default_jail);
	snprintf(m->why, sizeof(m->why), "[global] default at %s",
		 jc_config_where(cfg, cfg->default_file, cfg->default_line, w,
				 sizeof(w)));
	return 0;
}

/* ---- %-token expansion ------------------------------------------------ */

/* One path component, whatever the template does with it. */
static bool safe_component(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	return len > 0 && s[0] != '-' && strcmp(s, ".") && strcmp(s, "..") &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_.@-") == len;
}

/* Point *VAL at what %TOK stands for (NUM holds numbers). */
static int token(const char *tmpl, char tok, const struct jc_tokens *t,
		 char num[24], const char **val, struct jc_err *err)
{
	char v[120], w[80];

	switch (tok) {
	case '%':
		*val = "%";
		return 0;
	case 'U':
	case 'G':
		snprintf(num, 24, "%lu",
			 (unsigned long)(tok == 'U' ? t->uid : t->gid));
		*val = num;
		return 0;
	case 'u':
	case 'j':
		*val = tok == 'u' ? t->user : t->jail;
		if (safe_component(*val))
			return 0;
		return jc_fail(err, 0, "%s name '%s' cannot be used in a path",
			       tok == 'u' ? "user" : "jail",
			       jc_vis(*val, w, sizeof(w)));
	case 'h':
		*val = t->home;
		if (t->home && t->home[0] == '/' && !jc_cfg_has_dotdot(t->home))
			return 0;
		return jc_fail(
			err, 0,
			"home directory '%s' is not an absolute path without '..'",
			jc_vis(t->home, w, sizeof(w)));
	case '\0':
		return jc_fail(err, 0, "template '%s': trailing '%%'",
			       jc_vis(tmpl, v, sizeof(v)));
	default:
		return jc_fail(err, 0, "template '%s': unknown token %%%s",
			       jc_vis(tmpl, v, sizeof(v)),
			       jc_vis((char[]){ tok, 0 }, w, 2));
	}
}

int jc_expand(const char *tmpl, const struct jc_tokens *t, char *out,
	      size_t outsz, struct jc_err *err)
{
	const char *p, *val;
	char num[24], v[120];
	size_t o = 0, len;

	if (!tmpl || !t || !out || outsz == 0)
		return jc_fail(err, EINVAL, "jc_expand");
	for (p = tmpl; *p; p++) {
		val = p;
		len = 1;
		if (*p == '%') {
			/* On '\0' token() fails, so p never passes the end. */
			if (token(tmpl, *++p, t, num, &val, err) < 0)
				goto fail;
			len = strlen(val);
		}
		if (len >= outsz - o) {
			jc_fail(err, 0,
				"template '%s': expansion does not fit in %zu bytes",
				jc_vis(tmpl, v, sizeof(v)), outsz);
			goto fail;
		}
		memcpy(out + o, val, len);
		o += len;
	}
	out[o] = '\0';
	return 0;
fail:
	out[0] = '\0';
	return -1;
}
