/* SPDX-License-Identifier: BSD-3-Clause */
/* test_identity.c - unit tests for jailcore/10-identity/identity.c (TAP): the one
 * resolution of an account through NSS (on this host: files), and the
 * fail-closed matching of [group:] rules -- a rule that could change a
 * user's jail and cannot be resolved refuses, never "does not match".
 * Real directories (slapd + sssd, outages, big groups, case folding) are
 * tested in tests/e2e/12-directory.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jailcore/10-identity/identity.h"
#include "conftest.h"
#include "tap.h"

#define NO_GROUP "pam-jail-no-such-group-7f3a"

static void test_lookup(void)
{
	struct jc_identity id;
	struct jc_err e = { 0 };
	gid_t gid = 1;
	int rc = jc_identity_by_name("root", &id, &e);

	TAP_OK(rc == JC_ID_FOUND && strcmp(id.pw.pw_name, "root") == 0 &&
		       id.pw.pw_uid == 0 && id.n_groups >= 1 &&
		       id.gids[0] == 0 && id.names[0] &&
		       strcmp(id.names[0], "root") == 0,
	       "root: found, primary group first, with its name");
	if (rc == JC_ID_FOUND)
		jc_identity_free(&id);
	rc = jc_identity_by_uid(0, &id, &e);
	TAP_OK(rc == JC_ID_FOUND && strcmp(id.pw.pw_name, "root") == 0,
	       "uid 0 resolves to root");
	if (rc == JC_ID_FOUND)
		jc_identity_free(&id);
	rc = jc_identity_by_name("pam-jail-no-such-user", &id, &e);
	TAP_OK(rc == JC_ID_UNKNOWN && strstr(e.msg, "no such user:"),
	       "an unknown user is 'not found', not a lookup error (%s)",
	       e.msg);
	rc = jc_group_by_name("root", &gid, NULL, &e);
	TAP_OK(rc == JC_ID_FOUND && gid == 0, "group root by name");
	rc = jc_group_by_name(NO_GROUP, &gid, NULL, &e);
	TAP_OK(rc == JC_ID_UNKNOWN && strstr(e.msg, "NSS knows no group"),
	       "an unknown group is 'not found' (%s)", e.msg);
}

/* A user that exists only here: uid, primary gid, groups (gids and the
 * names NSS would give; NULL for a gid without one). */
struct fake {
	struct jc_identity id;
	gid_t gids[4];
	char *names[4];
};

static const struct jc_identity *fake(struct fake *f, const char *name,
				      uid_t uid, gid_t gid, const char *gname)
{
	memset(f, 0, sizeof(*f));
	f->id.pw.pw_name = (char *)(uintptr_t)name;
	f->id.pw.pw_uid = uid;
	f->id.pw.pw_gid = gid;
	f->gids[0] = gid;
	f->names[0] = (char *)(uintptr_t)gname;
	f->id.gids = f->gids;
	f->id.names = f->names;
	f->id.n_groups = 1;
	return &f->id;
}

/* CONF matched for ID: "-" not jailed, "!" refused (ERR_PART in the
 * message), else the jail's name. */
static void outcome(const char *conf, const struct jc_identity *id,
		    const char *want, const char *part, const char *what)
{
	struct jc_config *cfg = parse_ok(conf);
	struct jc_match m;
	struct jc_err e = { 0 };
	int rc = cfg ? jc_identity_match(cfg, id, &m, &e) : -2;
	bool ok;

	if (strcmp(want, "!") == 0)
		ok = rc == -1 && contains(e.msg, part);
	else if (strcmp(want, "-") == 0)
		ok = rc == 0 &&
		     (!m.jail || (id->pw.pw_uid == 0 && !m.jail->allow_root));
	else
		ok = rc == 0 && m.jail && strcmp(m.jail->name, want) == 0 &&
		     contains(m.notice, part);
	TAP_OK(ok, "%s", what);
	printf("#   %s\n", rc < 0		  ? e.msg :
			   rc == 0 && m.notice[0] ? m.notice :
			   rc == 0		  ? m.why :
						    "");
	jc_config_free(cfg);
}

#define JAILS "[jail:web]\nroot=/x\n[jail:adm]\nroot=/y/%u\nallow_root=yes\n"

static void test_fail_closed(void)
{
	struct fake f;
	const struct jc_identity *u = fake(&f, "u", 4242, 4242, NULL);

	outcome(JAILS "[group:" NO_GROUP "]\njail=web\n", u, "!",
		"[group:" NO_GROUP "] at t.conf:7 may decide the jail",
		"a rule group NSS does not know refuses a user it could jail");
	outcome("[global]\ndefault=web\n" JAILS "[group:" NO_GROUP
		"]\njail=web\n",
		u, "web", "",
		"... not when the rule cannot change the outcome (default = its jail)");
	outcome("[global]\ndefault=web\n" JAILS "[group:" NO_GROUP
		"]\njail=none\n",
		u, "web", NO_GROUP,
		"an exemption that cannot be resolved leaves the user jailed, with a notice");
	outcome("[global]\ndefault=web\n" JAILS "[group:" NO_GROUP
		"]\njail=adm\n",
		u, "!", "may decide the jail",
		"a rule for another jail that cannot be resolved refuses");
	outcome(JAILS "[group:" NO_GROUP "]\njail=web\n[user:u]\njail=none\n",
		u, "-", NULL, "a [user:] rule needs no group lookup");
	u = fake(&f, "root", 0, 0, NULL);
	outcome(JAILS "[group:" NO_GROUP "]\njail=web\n", u, "-", NULL,
		"uid 0: a rule for a jail without allow_root cannot change it");
	outcome(JAILS "[group:" NO_GROUP "]\njail=adm\n", u, "!",
		"may decide the jail",
		"uid 0: an allow_root jail's rule refuses");
}

/* The user's group list from getgrouplist is matched by gid against the
 * rule groups' own entries: a gid NSS gave no name for still matches. */
static void test_by_gid(void)
{
	struct fake f;
	const struct jc_identity *u = fake(&f, "u", 4242, 0, NULL);

	outcome(JAILS "[group:root]\njail=web\n", u, "web", "",
		"membership by gid: the rule's group resolved by name");
	u = fake(&f, "u", 4242, 4242, NULL);
	outcome(JAILS "[group:root]\njail=web\n", u, "-", NULL,
		"not a member by gid: not jailed");
	u = fake(&f, "u", 4242, 0, "root");
	outcome(JAILS "[group:root]\njail=web\n[group:" NO_GROUP
		      "]\njail=web\n",
		u, "web", "",
		"matched by name: an unresolvable rule for the same jail is moot");
	outcome(JAILS "[group:root]\njail=web\n[group:" NO_GROUP
		      "]\njail=adm\n",
		u, "!", NO_GROUP,
		"... one for another jail refuses (it could conflict)");
}

int main(void)
{
	test_lookup();
	test_fail_closed();
	test_by_gid();
	return TAP_DONE();
}
