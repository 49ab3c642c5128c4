/* SPDX-License-Identifier: BSD-3-Clause */
/* test_manpages.c - the man pages say what the code does (TAP).
 *
 * docs/pam_jail.conf.5 must document every key the config loader knows
 * (as a ".BI key " tag) and every entry of the default seccomp denylist;
 * docs/pam_jail.8 every module argument.  So a key added to config_scan.c
 * without a word in the man page fails `make check`.  Run from the top of
 * the tree (tests/run-all.sh does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jailcore/20-config/config_priv.h"
#include "jailcore/60-confine/seccomp.h"
#include "tap.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = calloc(1, (size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* A tag line ".BI KEY " as the page defines a key. */
static int has_tag(const char *page, const char *key)
{
	char tag[128];

	snprintf(tag, sizeof(tag), "\n.BI %s \"", key);
	return strstr(page, tag) != NULL;
}

/* NAME as a whole word of TEXT. */
static int has_word(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; (p = strstr(p, name)); p += n)
		if ((p == text || strchr(" \n", p[-1])) && strchr(" \n", p[n]))
			return 1;
	return 0;
}

static void test_conf_page(const char *page)
{
	const char *deny = strstr(page, "\n.SH THE DEFAULT SECCOMP DENYLIST");
	int missing = 0;

	for (int id = 0; id < JC_K__COUNT; id++) {
		const char *key = jc_scan_key_name(JC_SEC_JAIL, id);

		if (!has_tag(page, key)) {
			printf("#   [jail:] key '%s' is not documented\n", key);
			missing++;
		}
	}
	TAP_OK(missing == 0, "pam_jail.conf(5) documents all %d [jail:] keys",
	       JC_K__COUNT);
	TAP_OK(has_tag(page, jc_scan_key_name(JC_SEC_GLOBAL, JC_SK_ONLY)) &&
		       has_tag(page, jc_scan_key_name(JC_SEC_USER, JC_SK_ONLY)),
	       "pam_jail.conf(5) documents default and jail");
	missing = 0;
	for (size_t i = 0; deny && i < jc_seccomp_default_deny_count; i++) {
		if (has_word(deny, jc_seccomp_default_deny[i].name))
			continue;
		printf("#   denylist entry '%s' is not documented\n",
		       jc_seccomp_default_deny[i].name);
		missing++;
	}
	TAP_OK(deny && missing == 0,
	       "pam_jail.conf(5) lists all %zu entries of the default denylist",
	       jc_seccomp_default_deny_count);
}

int main(void)
{
	char *conf = slurp("docs/pam_jail.conf.5");
	char *pam = slurp("docs/pam_jail.8");

	if (!conf || !pam) {
		printf("ok - man pages # SKIP docs/ not found (run from the top of the tree)\n");
		return 0;
	}
	test_conf_page(conf);
	TAP_OK(strstr(pam, "\n.BI conf= PATH") &&
		       strstr(pam, "\n.BI init= PATH") &&
		       strstr(pam, "\n.B debug\n"),
	       "pam_jail(8) documents conf=, init= and debug");
	free(conf);
	free(pam);
	return TAP_DONE();
}
