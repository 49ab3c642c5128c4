/* SPDX-License-Identifier: BSD-3-Clause */
/* identity.c - see identity.h */
#include "identity.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jailcore/20-config/config_priv.h"
#include "jailcore/90-support/cleanup.h"

#define MAX_GROUPS 65536 /* the kernel's NGROUPS_MAX */

/* ---- the account and its groups ------------------------------------------ */

static int gr_by_name(const void *k, void *e, char *b, size_t n, void **r)
{
	return getgrnam_r(k, e, b, n, (struct group **)r);
}

static int gr_by_gid(const void *k, void *e, char *b, size_t n, void **r)
{
	return getgrgid_r(*(const gid_t *)k, e, b, n, (struct group **)r);
}

static int pw_by_uid(const void *k, void *e, char *b, size_t n, void **r)
{
	return getpwuid_r(*(const uid_t *)k, e, b, n, (struct passwd **)r);
}

static int load_gids(struct jc_identity *id, struct jc_err *err)
{
	int cap = 64, want;

	for (;;) {
		gid_t *ng = realloc(id->gids, (size_t)cap * sizeof(*ng));

		if (!ng)
			return jc_fail(err, ENOMEM, "groups of %s",
				       id->pw.pw_name);
		id->gids = ng;
		want = cap;
		if (getgrouplist(id->pw.pw_name, id->pw.pw_gid, id->gids,
				 &want) >= 0)
			break;
		/* glibc says how many it needs; grow anyway if it did not */
		cap = want > cap ? want : cap * 2;
		if (cap > MAX_GROUPS)
			return jc_fail(err, 0,
				       "groups of %s: more than %d "
				       "(getgrouplist)",
				       id->pw.pw_name, MAX_GROUPS);
	}
	id->n_groups = (size_t)want;
	return 0;
}

/* A gid without a name stays NULL (nothing to list in the jail's group
 * file); a failed lookup is an error: a group rule that silently stops
 * matching could let a user out of a jail. */
static int load_group_names(struct jc_identity *id, struct jc_err *err)
{
	id->names = calloc(id->n_groups + 1, sizeof(*id->names));
	if (!id->names)
		return jc_fail(err, ENOMEM, "groups of %s", id->pw.pw_name);
	for (size_t i = 0; i < id->n_groups; i++) {
		struct group gr;
		char *buf;
		int e, rc = jc_nss_lookup(gr_by_gid, &id->gids[i], &gr, &buf,
					  &e);

		if (rc < 0)
			return jc_fail(err, e,
				       "user %s: looking up group %u "
				       "(getgrgid_r)",
				       id->pw.pw_name, (unsigned)id->gids[i]);
		if (rc == JC_ID_UNKNOWN)
			continue;
		id->names[i] = strdup(gr.gr_name);
		free(buf);
		if (!id->names[i])
			return jc_fail(err, ENOMEM, "groups of %s",
				       id->pw.pw_name);
	}
	return 0;
}

static int resolved(int rc, const char *what, int e, struct jc_identity *id,
		    struct jc_err *err)
{
	if (rc < 0)
		return jc_fail(err, e, "looking up user %s (getpw%s_r)", what,
			       strncmp(what, "uid ", 4) ? "nam" : "uid");
	if (rc == JC_ID_UNKNOWN) {
		jc_fail(err, 0, "no such user: %s (NSS knows none)", what);
		return JC_ID_UNKNOWN;
	}
	return jc_identity_add_groups(id, err) < 0 ? -1 : JC_ID_FOUND;
}

int jc_identity_add_groups(struct jc_identity *id, struct jc_err *err)
{
	if (load_gids(id, err) < 0 || load_group_names(id, err) < 0) {
		jc_identity_free(id);
		return -1;
	}
	return 0;
}

int jc_identity_by_name(const char *name, struct jc_identity *id,
			struct jc_err *err)
{
	int rc = jc_identity_account(name, id, err);

	if (rc != JC_ID_FOUND)
		return rc;
	return jc_identity_add_groups(id, err) < 0 ? -1 : JC_ID_FOUND;
}

int jc_identity_by_uid(uid_t uid, struct jc_identity *id, struct jc_err *err)
{
	char shown[32];
	int e = 0, rc;

	memset(id, 0, sizeof(*id));
	snprintf(shown, sizeof(shown), "uid %u", (unsigned)uid);
	rc = jc_nss_lookup(pw_by_uid, &uid, &id->pw, &id->pwbuf, &e);
	return resolved(rc, shown, e, id, err);
}

/* ---- groups by name ------------------------------------------------------ */

void jc_group_members_free(char **members)
{
	jc_strv_freep(&members);
}

static char **copy_members(char *const *mem)
{
	size_t n = 0;
	char **v;

	while (mem && mem[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++)
		if (!(v[i] = strdup(mem[i]))) {
			jc_group_members_free(v);
			return NULL;
		}
	return v;
}

int jc_group_by_name(const char *name, gid_t *gid, char ***members,
		     struct jc_err *err)
{
	struct group gr;
	char *buf, shown[80];
	int e = 0, rc = jc_nss_lookup(gr_by_name, name, &gr, &buf, &e);

	jc_vis(name, shown, sizeof(shown));
	if (rc < 0)
		return jc_fail(err, e, "looking up group %s (getgrnam_r)",
			       shown);
	if (rc == JC_ID_UNKNOWN) {
		jc_fail(err, 0,
			"NSS knows no group %s (a name that does not "
			"exist, or a directory that cannot answer)",
			shown);
		return JC_ID_UNKNOWN;
	}
	*gid = gr.gr_gid;
	/* JC_ID_FOUND spelled out: jc_nss_lookup is in another file
	 * (account.c), and scan-build cannot see that it returns nothing
	 * else here -- it took a third value for a leak of *MEMBERS */
	rc = JC_ID_FOUND;
	if (members && !(*members = copy_members(gr.gr_mem)))
		rc = jc_fail(err, ENOMEM, "members of group %s", shown);
	free(buf);
	return rc;
}

/* ---- which jail, failing closed --------------------------------------- */

/* What a jail means for ID: uid 0 is jailed only by allow_root jails. */
static const struct jc_jail *effective(const struct jc_identity *id,
				       const struct jc_jail *j)
{
	return j && (id->pw.pw_uid != 0 || j->allow_root) ? j : NULL;
}

static bool has_gid(const struct jc_identity *id, gid_t gid)
{
	for (size_t i = 0; i < id->n_groups; i++)
		if (id->gids[i] == gid)
			return true;
	return gid == id->pw.pw_gid;
}

static bool listed(char *const *members, const char *user)
{
	for (size_t i = 0; members && members[i]; i++)
		if (strcmp(members[i], user) == 0)
			return true;
	return false;
}

/* Is ID in the group rule R names?  Asked by the group's name, so a
 * [group:Students] of a case-folding directory, or a group ID is in only
 * through nesting (sssd's initgroups resolves it into the gid list), is
 * found.  gr_mem counts too: an offline sssd may answer getgrouplist with
 * fewer groups than the group's own entry lists.  1 yes, 0 no, -1 (err)
 * cannot tell. */
static int rule_member(const struct jc_config *cfg, const struct jc_rule *r,
		       const struct jc_identity *id, struct jc_err *err)
{
	char **mem = NULL, rn[80];
	gid_t gid;
	int rc = jc_group_by_name(r->name, &gid, &mem, err);

	/* file:line even for the main file: this goes to syslog */
	if (rc != JC_ID_FOUND)
		return jc_err_wrap(err,
				   "[group:%s] at %s:%d may decide the "
				   "jail, and cannot be resolved",
				   jc_vis(r->name, rn, sizeof(rn)),
				   r->file ? r->file : cfg->path, r->line);
	rc = has_gid(id, gid) || listed(mem, id->pw.pw_name);
	jc_group_members_free(mem);
	return rc;
}

enum { RULE_UNASKED, RULE_MEMBER, RULE_NOT_MEMBER, RULE_UNKNOWN };

/* The group names jc_config_match_groups matches by: NSS's names of the
 * user's gids, then rules found to apply by rule_member. */
struct names {
	const char **v;
	size_t n;
};

static bool name_in(const struct names *nm, const char *name)
{
	for (size_t i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], name) == 0)
			return true;
	return false;
}

/* One pass over the rules that could change M: 1 when a new membership
 * was found (M must be recomputed), 0 when M stands, -1 refused. */
static int settle_pass(const struct jc_config *cfg,
		       const struct jc_identity *id, struct names *nm,
		       int *state, struct jc_match *m, struct jc_err *err)
{
	for (size_t i = 0; i < cfg->n_groups; i++) {
		const struct jc_rule *r = &cfg->groups[i];
		const struct jc_jail *rj = effective(
			id, r->jail ? jc_config_find_jail(cfg, r->jail) : NULL);
		int rc;

		if (state[i] == RULE_UNASKED && name_in(nm, r->name))
			state[i] = RULE_MEMBER;
		if (state[i] != RULE_UNASKED || rj == effective(id, m->jail))
			continue; /* known, or cannot change the outcome */
		rc = rule_member(cfg, r, id, err);
		if (rc < 0 && rj)
			return -1; /* it could jail the user elsewhere */
		if (rc < 0) {
			/* an exemption nobody can confirm: the user stays
			 * jailed, the safe side */
			state[i] = RULE_UNKNOWN;
			snprintf(m->notice, sizeof(m->notice),
				 "%s; kept jailed", err->msg);
			continue;
		}
		state[i] = rc ? RULE_MEMBER : RULE_NOT_MEMBER;
		if (rc) {
			nm->v[nm->n++] = r->name;
			return 1;
		}
	}
	return 0;
}

static int match_names(const struct jc_config *cfg,
		       const struct jc_identity *id, const struct names *nm,
		       struct jc_match *m, struct jc_err *err)
{
	char notice[sizeof(m->notice)];

	snprintf(notice, sizeof(notice), "%s", m->notice);
	if (jc_config_match_groups(cfg, id->pw.pw_name,
				   (const char *const *)nm->v, nm->n, m,
				   err) < 0)
		return -1;
	snprintf(m->notice, sizeof(m->notice), "%s", notice);
	return 0;
}

int jc_identity_match(const struct jc_config *cfg, const struct jc_identity *id,
		      struct jc_match *m, struct jc_err *err)
{
	cleanup_free const char **names = NULL;
	cleanup_free int *state = NULL;
	struct names nm = { 0 };
	int rc;

	if (!cfg || !id || !m || !id->pw.pw_name)
		return jc_fail(err, EINVAL, "jc_identity_match");
	memset(m, 0, sizeof(*m));
	names = calloc(id->n_groups + cfg->n_groups + 1, sizeof(*names));
	state = calloc(cfg->n_groups + 1, sizeof(*state));
	if (!names || !state)
		return jc_fail(err, ENOMEM, "matching %s", id->pw.pw_name);
	nm.v = names;
	for (size_t i = 0; i < id->n_groups; i++)
		if (id->names[i])
			nm.v[nm.n++] = id->names[i];
	/* [user:] rules need no group: they beat every [group:] rule */
	do {
		rc = match_names(cfg, id, &nm, m, err);
	} while (rc == 0 && !m->by_user &&
		 (rc = settle_pass(cfg, id, &nm, state, m, err)) == 1);
	return rc;
}
