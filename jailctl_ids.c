/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_ids.c - jailctl and the host's accounts: every command resolves
 * a user through jailcore's one resolver (identity.h), as the module
 * does, and `check` says which [group:] rules depend on a directory that
 * may not answer. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "jailctl.h"

int lookup_user(const char *cmd, const char *name, bool quiet,
		struct jc_identity *id)
{
	struct jc_err err = { 0 };
	int rc = jc_identity_by_name(name, id, &err);

	if (rc != JC_ID_FOUND && !quiet)
		complain("%s: %s", cmd, err.msg);
	return rc;
}

static bool same_default(const struct jc_config *cfg, const char *jail)
{
	return cfg->default_jail && strcmp(cfg->default_jail, jail) == 0;
}

/* Every [group:] rule's group, resolved as a login resolves it
 * (identity.h): one NSS does not know, or cannot look up, makes every
 * login whose jail it could decide fail -- refused, never unjailed.  And
 * which rules change meaning when the directory cannot answer. */
void check_groups(const struct jc_config *cfg, struct findings *f)
{
	for (size_t i = 0; i < cfg->n_groups; i++) {
		const struct jc_rule *r = &cfg->groups[i];
		struct jc_err err = { 0 };
		char where[400], w[PATH_MAX + 32];
		gid_t gid;
		int rc = jc_group_by_name(r->name, &gid, NULL, &err);

		snprintf(where, sizeof(where), "[group:%s] at %s", r->name,
			 jc_config_where(cfg, r->file, r->line, w, sizeof(w)));
		if (rc != JC_ID_FOUND)
			finding(f,
				"%s: %s: logins whose jail this rule could "
				"decide are refused",
				where, err.msg);
		if (!r->jail)
			note("%s: when group %s cannot be resolved, its members "
			     "are jailed as if they were not in it%s",
			     where, r->name,
			     cfg->default_jail ?
				     "" :
				     " (no effect with default = none)");
		else if (!same_default(cfg, r->jail))
			note("%s: when group %s cannot be resolved (a directory "
			     "outage), users without a [user:] rule are refused; "
			     "default = %s would keep them jailed",
			     where, r->name, r->jail);
	}
}
