/* SPDX-License-Identifier: BSD-3-Clause */
/* config_load.c - the config wing's one door (config.h): loading
 * pam_jail.conf and its drop-ins is a pipeline of stages, each a file,
 * each over all the files of the load before the next one starts:
 *
 *   1. read      config_read.c      the main file, then the drop-ins,
 *                                   each admitted (root's, closed to others)
 *      index     config_cache.c     a login's load: when the section index
 *                                   knows these files, empty the other
 *                                   users' rules before scanning them
 *   2. scan      config_scan.c      each file's raw text: syntax, names,
 *                config_sections.c  keys, duplicates (file:line); across
 *                                   files: a section defined twice;
 *      index     config_cache.c     then a login's load stores the index
 *                config_sections.c  and keeps only its own [user:] rule
 *   3. parse     config_parse.c     iniparser over the accepted lines
 *   4. validate  config_build.c     the model, each value checked by
 *                config_values.c    config_values.c / config_limits.c,
 *                config_limits.c    then the jail references
 *
 * and then config_match.c answers which jail a user gets.  The module stops
 * at the first error (errs == NULL); jc_config_check records it, skips what
 * it cannot use, and goes on.  The stages share config_priv.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"
#include "jailcore/90-support/cleanup.h"

/* ---- errors ------------------------------------------------------------ */

static size_t errs_count(const struct jc_errs *e)
{
	return e ? e->n + e->dropped : 0;
}

static int errs_push(struct jc_errs *e, struct jc_err *err);

/* The error that ended collecting (out of memory) is reported too. */
static void errs_final(struct jc_errs *e, struct jc_err *err)
{
	if (!err->msg[0])
		return;
	if (!errs_push(e, err))
		e->dropped++;
}

/* The stages after reading (see the top of this file).  BEFORE: the
 * errors recorded before this load began.  A file refused while it was
 * read (its owner, its mode) is one of this load's errors too: counting
 * from here only would let jailctl check pass a config the module
 * refuses. */
static int run_passes(struct jc_cfg_loader *L, size_t before,
		      struct jc_config **out)
{
	bool login = L->only_user && L->cache_dir;
	cleanup_config struct jc_config *cfg = NULL;

	*out = NULL;
	if (login && jc_cfg_use_index(L) < 0) /* index */
		return -1;
	if (jc_cfg_scan_files(L) < 0 || jc_cfg_check_dups(L) < 0) /* scan */
		return -1;
	if (login && !L->cached) /* index */
		jc_cfg_store_index(L);
	if (L->only_user && jc_cfg_only_user(L) < 0)
		return -1;
	if (jc_cfg_parse_files(L) < 0) /* parse */
		return -1;
	if (jc_cfg_new_model(L, &cfg) < 0 || /* validate */
	    jc_cfg_build_model(L, cfg) < 0)
		return -1;
	if (errs_count(L->errs) > before)
		return -1;
	if (login)
		jc_cfg_commit_index(L, cfg); /* index */
	*out = steal_ptr(&cfg);
	return 0;
}

static void loader_free(struct jc_cfg_loader *L)
{
	for (size_t i = 0; i < L->n; i++) {
		free(L->f[i].path);
		free(L->f[i].text);
		jc_scan_free(&L->f[i].sc);
		jc_cfg_ini_free(&L->f[i].ini);
	}
	free(L->f);
	jc_cfg_draft_free(&L->draft);
}

/* Read PATH and the drop-ins of DIR (NULL: the default, "": none), then
 * run the other stages. */
static int load(struct jc_cfg_loader *L, const char *path, const char *dir,
		struct jc_config **out)
{
	char dbuf[PATH_MAX];
	size_t before = errs_count(L->errs);

	*out = NULL;
	if (!dir && jc_config_dropin_dir(path, dbuf, sizeof(dbuf)) < 0)
		return jc_fail_path(L->err, JC_ERR_SYS, ENAMETOOLONG, path,
				    "%s", path);
	if (jc_cfg_read_file(L, AT_FDCWD, path, path) < 0 ||
	    ((dir ? *dir : 1) && jc_cfg_read_dropins(L, dir ? dir : dbuf) < 0))
		return -1;
	return run_passes(L, before, out);
}

/* ---- entry points ------------------------------------------------------ */

int jc_config_load_dir(const char *path, const char *dir,
		       struct jc_config **out, struct jc_err *err)
{
	struct jc_cfg_loader L = { .err = err };
	struct jc_err local = { 0 };
	int rc;

	if (!path || !out)
		return jc_fail(err, EINVAL, "jc_config_load");
	if (!err)
		L.err = &local;
	rc = load(&L, path, dir, out);
	loader_free(&L);
	return rc;
}

int jc_config_load(const char *path, struct jc_config **out, struct jc_err *err)
{
	return jc_config_load_dir(path, NULL, out, err);
}

int jc_config_load_for_at(const char *path, const char *user,
			  const char *cache_dir, struct jc_config **out,
			  struct jc_err *err)
{
	struct jc_cfg_loader L = { .err = err,
				   .only_user = user,
				   .cache_dir = cache_dir };
	int rc;

	if (!path || !out || !user || !err)
		return jc_fail(err, EINVAL, "jc_config_load_for");
	rc = load(&L, path, NULL, out);
	loader_free(&L);
	return rc;
}

int jc_config_load_for(const char *path, const char *user,
		       struct jc_config **out, struct jc_err *err)
{
	return jc_config_load_for_at(path, user, JC_CONF_CACHE_DIR, out, err);
}

int jc_config_check(const char *path, const char *dir, struct jc_config **out,
		    struct jc_errs *errs)
{
	struct jc_err err = { 0 };
	struct jc_cfg_loader L = { .errs = errs, .err = &err };
	int rc;

	if (!path || !out || !errs)
		return -1;
	rc = load(&L, path, dir, out);
	if (rc < 0)
		errs_final(errs, &err);
	loader_free(&L);
	return rc;
}

/* One in-memory text: no file, no drop-ins, no ownership check. */
static int parse_string(const char *text, const char *name,
			struct jc_config **out, struct jc_errs *errs,
			struct jc_err *err)
{
	struct jc_cfg_loader L = { .errs = errs, .err = err };
	struct jc_cfg_file *f = jc_cfg_add_file(&L, name ? name : "(string)");
	int rc = -1;

	*out = NULL;
	if (f) {
		f->len = strlen(text);
		f->text = strdup(text);
	}
	if (!f || !f->text)
		jc_fail_conf(err, ENOMEM, name ? name : "(string)", 0,
			     "loading");
	else
		rc = run_passes(&L, errs_count(errs), out);
	loader_free(&L);
	return rc;
}

int jc_config_parse_string(const char *text, const char *name,
			   struct jc_config **out, struct jc_err *err)
{
	struct jc_err local = { 0 };

	if (!text || !out)
		return jc_fail(err, EINVAL, "jc_config_parse_string");
	return parse_string(text, name, out, NULL, err ? err : &local);
}

int jc_config_check_string(const char *text, const char *name,
			   struct jc_config **out, struct jc_errs *errs)
{
	struct jc_err err = { 0 };
	int rc;

	if (!text || !out || !errs)
		return -1;
	rc = parse_string(text, name, out, errs, &err);
	if (rc < 0)
		errs_final(errs, &err);
	return rc;
}

/* -fanalyzer: the grown e->v is stored in *e, which the caller owns and
 * frees with jc_errs_free. */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
static int errs_push(struct jc_errs *e, struct jc_err *err)
{
	struct jc_err *v;
	size_t cap;

	if (e->n >= JC_ERRS_MAX) {
		e->dropped++;
	} else {
		if (e->n == e->cap) {
			cap = e->cap ? e->cap * 2 : 16;
			v = realloc(e->v, cap * sizeof(*v));
			if (!v) {
				err->kind = JC_ERR_NOMEM;
				return 0;
			}
			e->v = v;
			e->cap = cap;
		}
		e->v[e->n++] = *err;
	}
	jc_err_clear(err);
	return 1;
}
JC_NO_ANALYZER_LEAK_CHECK_END

/* Out of memory ends collecting: what is left cannot be trusted to be
 * checked. */
int jc_errs_collect(struct jc_errs *e, struct jc_err *err)
{
	if (!e || !err || err->kind == JC_ERR_NOMEM)
		return 0;
	return errs_push(e, err);
}

void jc_errs_free(struct jc_errs *e)
{
	if (!e)
		return;
	free(e->v);
	memset(e, 0, sizeof(*e));
}
