/* SPDX-License-Identifier: BSD-3-Clause */
/* test_config_match.c - unit tests for jailcore/20-config/config_match.c (TAP): which
 * rule jails a user (jc_config_match_groups; through NSS: test_identity),
 * and the %-tokens of a jail's
 * templates (jc_expand). */
#include <stdio.h>
#include <string.h>

#include "jailcore/20-config/config.h"
#include "conftest.h"
#include "tap.h"

/* ---- matching ---------------------------------------------------------- */

static const char rules[] = "[global]\n"				/* 1 */
			    "default = dflt\n"				/* 2 */
			    "[jail:dflt]\n"				/* 3 */
			    "root = /srv/d\n"				/* 4 */
			    "[jail:web]\n"				/* 5 */
			    "root = /srv/w\n"				/* 6 */
			    "[jail:Locked]\n"				/* 7 */
			    "root = /srv/l\n"				/* 8 */
			    "[user:Alice]\n"				/* 9 */
			    "jail = Locked\n"				/* 10 */
			    "[user:first.last]\n"			/* 11 */
			    "jail = web\n"				/* 12 */
			    "[user:abcdefghijklmnopqrstuvwxyz012345]\n" /* 13 */
			    "jail = web\n"				/* 14 */
			    "[user:odd%name]\n"				/* 15 */
			    "jail = web\n"				/* 16 */
			    "[user:root]\n"				/* 17 */
			    "jail = none\n"				/* 18 */
			    "[group:staff]\n"				/* 19 */
			    "jail = web\n"				/* 20 */
			    "[group:devs]\n"				/* 21 */
			    "jail = web\n"				/* 22 */
			    "[group:ops]\n"				/* 23 */
			    "jail = none\n"				/* 24 */
			    "[group:admins]\n"				/* 25 */
			    "jail = Locked\n"				/* 26 */
			    "[user:bob]\n"				/* 27 */
			    "jail = dflt\n";				/* 28 */

/* Match USER in GROUPS (NULL-terminated); "-" as JAIL means not jailed. */
static void match(const struct jc_config *cfg, const char *user,
		  const char *const *groups, const char *jail, const char *why)
{
	struct jc_match m;
	struct jc_err e = { 0 };
	size_t n = 0;
	int rc;

	while (groups && groups[n])
		n++;
	rc = jc_config_match_groups(cfg, user, groups, n, &m, &e);
	TAP_OK(rc == 0 &&
		       (strcmp(jail, "-") == 0 ?
				!m.jail :
				m.jail && strcmp(m.jail->name, jail) == 0) &&
		       strcmp(m.why, why) == 0,
	       "match %s -> %s (%s)", user, jail, why);
	if (rc < 0)
		printf("#   %s\n", e.msg);
	else if (strcmp(m.why, why))
		printf("#   why: %s\n", m.why);
}

static void test_match(void)
{
	static const char *const staff[] = { "staff", NULL };
	static const char *const staff_devs[] = { "users", "staff", "devs",
						  NULL };
	static const char *const ops[] = { "ops", NULL };
	static const char *const admins_ops[] = { "admins", "ops", NULL };
	struct jc_config *cfg = parse_ok(rules);

	TAP_OK(cfg != NULL, "rules config parses");
	if (!cfg)
		return;
	match(cfg, "Alice", NULL, "Locked", "[user:Alice] at line 10");
	match(cfg, "alice", NULL, "dflt", "[global] default at line 2");
	match(cfg, "ALICE", staff, "web", "[group:staff] at line 20");
	match(cfg, "root", staff, "-", "[user:root] at line 18");
	match(cfg, "carol", staff_devs, "web", "[group:staff] at line 20");
	match(cfg, "erin", ops, "-", "[group:ops] at line 24");
	match(cfg, "bob", admins_ops, "dflt", "[user:bob] at line 28");
	match(cfg, "Alice", ops, "Locked", "[user:Alice] at line 10");
	match(cfg, "first.last", NULL, "web", "[user:first.last] at line 12");
	match(cfg, "abcdefghijklmnopqrstuvwxyz012345", NULL, "web",
	      "[user:abcdefghijklmnopqrstuvwxyz012345] at line 14");
	match(cfg, "odd%name", NULL, "web", "[user:odd%name] at line 16");
	jc_config_free(cfg);
}

static void test_match_conflict(void)
{
	static const char *const g[] = { "staff", "ops" };
	struct jc_config *cfg = parse_ok(rules);
	struct jc_match m;
	struct jc_err e = { 0 };
	int rc;

	if (!cfg)
		return;
	rc = jc_config_match_groups(cfg, "dave", g, 2, &m, &e);
	TAP_OK(rc == -1 && strstr(e.msg, "user 'dave'") &&
		       strstr(e.msg, "[group:staff] (line 20, jail web)") &&
		       strstr(e.msg, "[group:ops] (line 24, jail none)"),
	       "conflicting group rules name the user and both lines");
	printf("#   %s\n", e.msg);
	jc_config_free(cfg);
	cfg = parse_ok("[jail:a]\nroot=/x\n");
	rc = cfg ? jc_config_match_groups(cfg, "x", NULL, 0, &m, &e) : -1;
	TAP_OK(rc == 0 && !m.jail &&
		       strcmp(m.why, "no rule matches and default is none") ==
			       0,
	       "no rule and no default: not jailed");
	jc_config_free(cfg);
}

/* ---- jc_expand --------------------------------------------------------- */

static const struct jc_tokens tok = {
	.user = "alice",
	.uid = 1000,
	.gid = 100,
	.home = "/home/alice",
	.jail = "web",
};

static void expands(const char *tmpl, const struct jc_tokens *t,
		    const char *want)
{
	char out[256];
	struct jc_err e = { 0 };
	int rc = jc_expand(tmpl, t, out, sizeof(out), &e);

	TAP_OK(rc == 0 && strcmp(out, want) == 0, "expand '%s' -> '%s'", tmpl,
	       want);
	if (rc < 0)
		printf("#   %s\n", e.msg);
}

static void expand_fails(const char *tmpl, const struct jc_tokens *t,
			 size_t outsz, const char *needle)
{
	char out[256] = "junk";
	struct jc_err e = { 0 };
	int rc = jc_expand(tmpl, t, out, outsz, &e);

	TAP_OK(rc == -1 && strstr(e.msg, needle) && out[0] == '\0',
	       "expand '%s' refused: %s", tmpl, needle);
	if (rc == 0 || !strstr(e.msg, needle))
		printf("#   got rc=%d: %s\n", rc, e.msg);
}

static void test_expand(void)
{
	struct jc_tokens t = tok;

	expands("/srv/%j/%u", &tok, "/srv/web/alice");
	expands("%h/x", &tok, "/home/alice/x");
	expands("%U:%G", &tok, "1000:100");
	expands("100%%", &tok, "100%");
	expands("plain", &tok, "plain");
	expand_fails("/a/%x", &tok, 256, "unknown token %x");
	expand_fails("abc%", &tok, 256, "trailing '%'");
	expand_fails("/srv/%j/%u", &tok, 14, "does not fit in 14 bytes");
	{
		char out[15];
		struct jc_err e;

		TAP_OK(jc_expand("/srv/%j/%u", &tok, out, sizeof(out), &e) ==
				       0 &&
			       strcmp(out, "/srv/web/alice") == 0,
		       "expand: exact fit with the NUL");
	}
	t.user = "../x";
	expand_fails("/home/%u", &t, 256,
		     "user name '../x' cannot be used in a path");
	expands("/srv/%j", &t, "/srv/web"); /* %u unused: fine */
	t.user = "..";
	expand_fails("%u", &t, 256, "user name '..' cannot");
	t.user = "-rf";
	expand_fails("%u", &t, 256, "user name '-rf' cannot");
	t.user = "odd%name";
	expand_fails("/srv/%u", &t, 256, "user name 'odd%name' cannot");
	t.user = "a@b.c-d_E";
	expands("/srv/%u", &t, "/srv/a@b.c-d_E");
	t.home = "home/alice";
	expand_fails("%h", &t, 256, "home directory 'home/alice'");
	t.home = "/home/../etc";
	expand_fails("%h/x", &t, 256, "home directory '/home/../etc'");
	t.jail = "a/b";
	expand_fails("/%j", &t, 256, "jail name 'a/b' cannot");
}

int main(void)
{
	test_match();
	test_match_conflict();
	test_expand();
	return TAP_DONE();
}
