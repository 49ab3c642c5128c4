/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_config.c - libFuzzer target for the config loader.
 *
 * Feeds arbitrary bytes to jc_config_parse_string (as a NUL-terminated
 * copy: the string entry point stops at the first NUL, jc_config_load's
 * scanner refuses NULs outright) and checks the loader's contract:
 *   - success comes with a model, failure with no model and a one-line
 *     message that starts with the name given;
 *   - a model can be walked, matched and expanded, and freed (LeakSanitizer
 *     catches what is not).
 * Build and run: `make fuzz` / `make fuzz-regress` (clang, libFuzzer).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jailcore/20-config/config.h"

#define NAME "fuzz.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond)
		abort();
}

/* A call that fails says what and why: a message and a kind. */
static void failed_with_reason(int rc, const struct jc_err *e)
{
	check(rc == 0 || (e->msg[0] != '\0' && e->kind != JC_ERR_NONE));
}

/* TMPL expanded into SIZE bytes (at most 256). */
static void expand_one(const char *tmpl, size_t size)
{
	static const struct jc_tokens t = {
		.user = "alice",
		.uid = 1000,
		.gid = 100,
		.home = "/home/alice",
		.jail = "web",
	};
	char out[256];
	struct jc_err e;

	failed_with_reason(jc_expand(tmpl, &t, out, size, &e), &e);
}

static void expand_all(const struct jc_jail *j)
{
	size_t i;

	expand_one(j->root, 256);
	expand_one(j->hostname, 256);
	for (i = 0; i < j->n_bind_ro; i++) {
		expand_one(j->bind_ro[i].src, 256);
		expand_one(j->bind_ro[i].dst, 16);
	}
	for (i = 0; i < j->n_bind_rw; i++)
		expand_one(j->bind_rw[i].dst, 256);
	for (i = 0; i < j->n_tmpfs; i++)
		expand_one(j->tmpfs[i], 256);
	for (i = 0; i < j->seccomp.n_deny; i++)
		check(jc_seccomp_check_name(j->seccomp.deny[i]) == 0);
	for (i = 0; i < j->seccomp.n_allow; i++)
		check(jc_seccomp_default_find(j->seccomp.allow[i]) != NULL);
}

static void walk(const struct jc_config *cfg)
{
	static const char *const groups[] = { "staff", "customers", "root" };
	struct jc_match m;
	struct jc_err e;
	size_t i;

	for (i = 0; i < cfg->n_jails; i++) {
		check(jc_config_find_jail(cfg, cfg->jails[i].name) != NULL);
		check(cfg->jails[i].root && cfg->jails[i].hostname);
		expand_all(&cfg->jails[i]);
	}
	for (i = 0; i < cfg->n_users; i++)
		failed_with_reason(jc_config_match_groups(cfg,
							  cfg->users[i].name,
							  groups, 3, &m, &e),
				   &e);
	failed_with_reason(jc_config_match_groups(cfg, "alice", groups, 3, &m,
						  &e),
			   &e);
	failed_with_reason(jc_config_match_groups(cfg, "nobody", NULL, 0, &m,
						  &e),
			   &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jc_config *cfg = (struct jc_config *)1;
	struct jc_err e = { 0 };
	char *text = malloc(size + 1);
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = jc_config_parse_string(text, NAME, &cfg, &e);
	if (rc == 0) {
		check(cfg != NULL && strcmp(cfg->path, NAME) == 0);
		walk(cfg);
	} else {
		check(rc == -1 && cfg == NULL);
		check(strncmp(e.msg, NAME, strlen(NAME)) == 0);
		check(strchr(e.msg, '\n') == NULL);
	}
	jc_config_free(rc == 0 ? cfg : NULL);
	free(text);
	return 0;
}
