/* SPDX-License-Identifier: BSD-3-Clause */
/* config_sections.c - stage 2 of loading (config_load.c), over all the
 * files of one load once config_scan.c has scanned each: a section defined
 * again in a later file, and a login's view that keeps only its own
 * [user:] rule of the scanned sections.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

int jc_cfg_scan_files(struct jc_cfg_loader *L)
{
	for (size_t i = 0; i < L->n; i++) {
		struct jc_cfg_file *f = &L->f[i];
		struct jc_scan_opts o = { .errs = L->errs,
					  .allow_empty = i > 0 };

		if (f->dead)
			continue;
		if (jc_scan_run(f->text, f->len, f->path, &o, &f->sc, L->err) ==
		    0)
			continue;
		/* collect mode: errors recorded, the rest of SC is usable */
		if (!L->errs || L->err->kind == JC_ERR_NOMEM)
			return -1;
	}
	return 0;
}

static void drop_section(struct jc_scan *sc, size_t i)
{
	struct jc_scan_sec *s = &sc->secs[i];

	for (size_t k = 0; k < s->n_keys; k++)
		free(s->keys[k].name);
	free(s->keys);
	free(s->text);
	memmove(s, s + 1, (sc->n_secs - i - 1) * sizeof(*s));
	sc->n_secs--;
}

/* A section defined again in a later file.  iniparser's case folding does
 * not reach across files, but a name that differs only in case is refused
 * here too: one config, one rule.  One index over all files, so 10,000
 * drop-ins of one user each are not quadratic. */
static int index_file(struct jc_nameidx *idx, const struct jc_cfg_loader *L,
		      size_t i)
{
	for (size_t k = 0; k < L->f[i].sc.n_secs; k++)
		if (jc_nameidx_add(idx, L->f[i].sc.secs[k].text, i, k) < 0)
			return jc_fail_conf(L->err, ENOMEM, L->f[i].path, 0,
					    "loading");
	return 0;
}

static void report_dup(struct jc_cfg_loader *L, size_t i,
		       const struct jc_scan_sec *sec,
		       const struct jc_scan_sec *old, const char *where)
{
	char v1[80], v2[80];
	bool other = strcmp(old->text, sec->text) != 0;

	jc_fail_conf(L->err, 0, L->f[i].path, sec->line,
		     "[%s] is already defined at %s:%d%s%s%s",
		     jc_vis(sec->text, v1, sizeof(v1)), where, old->line,
		     other ? " (as [" : "",
		     other ? jc_vis(old->text, v2, sizeof(v2)) : "",
		     other ? "])" : "");
}

int jc_cfg_check_dups(struct jc_cfg_loader *L)
{
	cleanup_nameidx struct jc_nameidx idx = { 0 };

	if (L->n && index_file(&idx, L, 0) < 0)
		return -1;
	for (size_t i = 1; i < L->n; i++) {
		struct jc_scan *sc = &L->f[i].sc;

		for (size_t k = 0; k < sc->n_secs;) {
			size_t fi, si;

			if (!jc_nameidx_find(&idx, sc->secs[k].text, &fi,
					     &si)) {
				k++;
				continue;
			}
			report_dup(L, i, &sc->secs[k], &L->f[fi].sc.secs[si],
				   L->f[fi].path);
			if (!jc_cfg_keep_going(L))
				return -1;
			drop_section(sc, k);
		}
		if (index_file(&idx, L, i) < 0)
			return -1;
	}
	return 0;
}

/* The [user:] sections of other users leave SC and their lines are
 * blanked for iniparser: with 10,000 users a login parses its own rule,
 * not 10,000.  They have been scanned: syntax, names, keys and duplicates
 * of the whole file are checked on every login; only the values of other
 * users' rules wait for those users' own logins (and jailctl check). */
static bool skipped(const struct jc_cfg_loader *L,
		    const struct jc_scan_sec *sec)
{
	return sec->kind == JC_SEC_USER && strcmp(sec->name, L->only_user) != 0;
}

static int only_user_file(const struct jc_cfg_loader *L, struct jc_cfg_file *f)
{
	struct jc_scan *sc = &f->sc;
	int last = f->lines;
	size_t keep = 0;

	for (size_t k = 0; k < sc->n_secs; k++) {
		struct jc_scan_sec *s = &sc->secs[k];
		int end = k + 1 < sc->n_secs ? sc->secs[k + 1].line : last + 1;

		if (!skipped(L, s)) {
			sc->secs[keep++] = *s;
			continue;
		}
		if (jc_scan_blank(sc, s->line, end - 1) < 0)
			return -1;
		for (size_t i = 0; i < s->n_keys; i++)
			free(s->keys[i].name);
		free(s->keys);
		free(s->text);
	}
	sc->n_secs = keep;
	jc_nameidx_free(&sc->names); /* indexes of the full list */
	return 0;
}

int jc_cfg_only_user(struct jc_cfg_loader *L)
{
	for (size_t i = 0; i < L->n; i++)
		if (!L->f[i].dead && only_user_file(L, &L->f[i]) < 0)
			return jc_fail_conf(L->err, ENOMEM, L->f[i].path, 0,
					    "loading");
	return 0;
}
