/* SPDX-License-Identifier: BSD-3-Clause */
/* config_load.c - reading pam_jail.conf and its drop-ins, and driving the
 * passes of config_scan.c and config.c over them; see config.h.
 *
 * All files are read first (each fstat'ed and admitted like the main one),
 * then each pass runs over all of them in order: scan, the cross-file
 * duplicate check, iniparser, building the model, jail references.  The
 * module stops at the first error (errs == NULL); jc_config_check records
 * it, skips what it cannot use, and goes on.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iniparser/iniparser.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_priv.h"
#include "paths.h"

#define CONF_MAX (1024 * 1024)	/* no sane pam_jail.conf comes close */

struct file {
	char *path;		/* for messages; the model keeps a copy */
	char *text;
	size_t len;
	int lines;		/* physical: '\n's + 1 */
	struct jc_cfg_ident id;	/* for the section index (config_cache.c) */
	struct jc_scan sc;
	struct jc_ini ini;
	bool dead;		/* collect mode: unusable, its sections ignored */
};

struct loader {
	struct file *f;
	size_t n, cap;
	struct jc_errs *errs;	/* NULL: the first error ends the load */
	struct jc_err *err;
	bool incomplete;	/* collect mode: a file was not used at all */
	const char *only_user;	/* a login's load: see jc_config_load_for */
	const char *cache_dir;	/* the section index's, or NULL */
	bool cached;		/* the index matched: others' rules emptied */
};

/* ---- errors --------------------------------------------------------------- */

static size_t errs_count(const struct jc_errs *e)
{
	return e ? e->n + e->dropped : 0;
}

/* The error that ended collecting (out of memory) is reported too. */
static void errs_final(struct jc_errs *e, struct jc_err *err)
{
	if (!err->msg[0])
		return;
	err->errnum = 0;
	if (!jc_errs_collect(e, err))
		e->dropped++;
}

/* Stop (strict mode, out of memory) or record and go on. */
static int keep_going(struct loader *L)
{
	return jc_errs_collect(L->errs, L->err);
}

/* ---- reading files ---------------------------------------------------- */

/* The rule doas and sshd apply: root's file, nobody else may write it. */
static int check_conf_fd(int fd, const char *path, struct jc_cfg_ident *id,
			 struct jc_err *err)
{
	struct stat st;
	const char *why;

	if (fstat(fd, &st) < 0)
		return jc_fail(err, errno, "%s: fstat", path);
	if (!S_ISREG(st.st_mode))
		return jc_fail(err, 0, "%s: not a regular file", path);
	if ((why = jc_path_not_root_only(&st)))
		return jc_fail(err, 0, "%s: %s", path, why);
	if (st.st_size > CONF_MAX)
		return jc_fail(err, 0, "%s: larger than 1 MiB", path);
	jc_cfg_ident_of(&st, id);
	return 0;
}

/* Read all of FD (at most CONF_MAX bytes: the file may grow after fstat). */
static int read_all(int fd, const char *path, char **buf, size_t *len,
		    struct jc_err *err)
{
	ssize_t n;
	char *small;

	*len = 0;
	*buf = malloc(CONF_MAX + 1);
	if (!*buf)
		return jc_fail(err, ENOMEM, "%s: reading", path);
	do {
		n = read(fd, *buf + *len, CONF_MAX + 1 - *len);
		if (n > 0)
			*len += (size_t)n;
	} while ((n > 0 && *len <= CONF_MAX) || (n < 0 && errno == EINTR));
	if (n < 0 || *len > CONF_MAX) {
		if (n < 0)
			jc_fail(err, errno, "%s: read", path);
		else
			jc_fail(err, 0, "%s: larger than 1 MiB", path);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	/* many drop-ins must not hold a MiB each */
	small = realloc(*buf, *len + 1);
	if (small)
		*buf = small;
	return 0;
}

static struct file *add_file(struct loader *L, const char *path)
{
	struct file *f;
	size_t cap;

	if (L->n == L->cap) {
		cap = L->cap ? L->cap * 2 : 8;
		f = realloc(L->f, cap * sizeof(*f));
		if (!f)
			return NULL;
		L->f = f;
		L->cap = cap;
	}
	f = &L->f[L->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	L->n++;
	return f;
}

/* NAME relative to DIRFD (or AT_FDCWD), shown as PATH in messages. */
static int read_file(struct loader *L, int dirfd, const char *name,
		     const char *path)
{
	struct file *f = add_file(L, path);
	int fd, rc;

	if (!f)
		return jc_fail(L->err, ENOMEM, "%s: loading", path);
	/* O_NONBLOCK: a FIFO in the config's place must not hang the login;
	 * fstat then refuses it. */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		rc = jc_fail(L->err, errno, "%s: cannot open", path);
	else
		rc = check_conf_fd(fd, path, &f->id, L->err);
	if (rc == 0)
		rc = read_all(fd, path, &f->text, &f->len, L->err);
	if (rc == 0)
		f->lines = jc_scan_line_at(f->text, f->len);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		return 0;
	f->dead = true;
	L->incomplete = true;
	return keep_going(L) ? 0 : -1;
}

static int read_dropins(struct loader *L, const char *dir)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = 0, i;
	int dfd, rc = 0;

	if (jc_cfg_open_dropin_dir(dir, &dfd, L->err) < 0 ||
	    (dfd >= 0 && jc_cfg_list_dropins(dfd, dir, &names, &n, L->err) < 0)) {
		if (dfd >= 0)
			close(dfd);
		L->incomplete = true;
		return keep_going(L) ? 0 : -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]) >= sizeof(path))
			rc = jc_fail(L->err, ENAMETOOLONG, "%s", dir);
		else
			rc = read_file(L, dfd, names[i], path);
	}
	jc_cfg_free_names(names, n);
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* ---- the passes ------------------------------------------------------- */

static int scan_files(struct loader *L)
{
	for (size_t i = 0; i < L->n; i++) {
		struct file *f = &L->f[i];
		struct jc_scan_opts o = { .errs = L->errs, .allow_empty = i > 0 };

		if (f->dead)
			continue;
		if (jc_scan_run(f->text, f->len, f->path, &o, &f->sc, L->err) == 0)
			continue;
		/* collect mode: errors recorded, the rest of SC is usable */
		if (!L->errs || L->err->errnum == ENOMEM)
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
static int index_file(struct jc_nameidx *idx, const struct loader *L, size_t i)
{
	for (size_t k = 0; k < L->f[i].sc.n_secs; k++)
		if (jc_nameidx_add(idx, L->f[i].sc.secs[k].text, i, k) < 0)
			return jc_fail(L->err, ENOMEM, "%s: loading", L->f[i].path);
	return 0;
}

static void report_dup(struct loader *L, size_t i, const struct jc_scan_sec *sec,
		       const struct jc_scan_sec *old, const char *where)
{
	char v1[80], v2[80];
	bool other = strcmp(old->text, sec->text) != 0;

	jc_fail(L->err, 0, "%s:%d: [%s] is already defined at %s:%d%s%s%s",
		L->f[i].path, sec->line, jc_vis(sec->text, v1, sizeof(v1)), where,
		old->line, other ? " (as [" : "",
		other ? jc_vis(old->text, v2, sizeof(v2)) : "", other ? "])" : "");
}

static int check_dups(struct loader *L)
{
	struct jc_nameidx idx = { 0 };
	int rc = -1;

	if (L->n && index_file(&idx, L, 0) < 0)
		goto out;
	for (size_t i = 1; i < L->n; i++) {
		struct jc_scan *sc = &L->f[i].sc;

		for (size_t k = 0; k < sc->n_secs;) {
			size_t fi, si;

			if (!jc_nameidx_find(&idx, sc->secs[k].text, &fi, &si)) {
				k++;
				continue;
			}
			report_dup(L, i, &sc->secs[k], &L->f[fi].sc.secs[si],
				   L->f[fi].path);
			if (!keep_going(L))
				goto out;
			drop_section(sc, k);
		}
		if (index_file(&idx, L, i) < 0)
			goto out;
	}
	rc = 0;
out:
	jc_nameidx_free(&idx);
	return rc;
}

/* TEXT with every line the scanner refused emptied (collect mode), so
 * iniparser reads only what the scanner accepted; line numbers stay. */
static char *blanked(const struct file *f, size_t *len)
{
	char *t = malloc(f->len + 1);
	size_t b = 0, o = 0;
	int line = 1;

	if (!t)
		return NULL;
	for (size_t i = 0; i < f->len; i++) {
		while (b < f->sc.n_blank && f->sc.blank[b] < line)
			b++;
		if (f->text[i] == '\n')
			line++;
		else if (b < f->sc.n_blank && f->sc.blank[b] == line)
			continue;
		t[o++] = f->text[i];
	}
	t[o] = '\0';
	*len = o;
	return t;
}

static int ini_file(struct loader *L, struct file *f)
{
	char *blank = NULL;
	size_t len = f->len;
	int rc;

	if (f->sc.n_secs == 0)
		return 0;	/* nothing left to look up (a login's load) */
	if (f->sc.n_blank && !(blank = blanked(f, &len)))
		return jc_fail(L->err, ENOMEM, "%s: loading", f->path);
	rc = jc_cfg_ini_load(blank ? blank : f->text, len, &f->sc, f->path,
			     &f->ini, L->err);
	free(blank);
	return rc;
}

static int ini_files(struct loader *L)
{
	for (size_t i = 0; i < L->n; i++) {
		struct file *f = &L->f[i];

		if (f->dead || ini_file(L, f) == 0)
			continue;
		if (!keep_going(L))
			return -1;
		f->dead = true;
		L->incomplete = true;
	}
	return 0;
}

static int new_model(struct loader *L, struct jc_config **out)
{
	struct jc_cfg_ctx c = { .path = L->f[0].path, .err = L->err };
	struct jc_config *cfg = calloc(1, sizeof(*cfg));
	size_t n[4] = { 0 };

	*out = cfg;
	if (!cfg || !(cfg->path = strdup(L->f[0].path)) ||
	    !(cfg->files = calloc(L->n, sizeof(char *))))
		return jc_fail(L->err, ENOMEM, "%s: loading", c.path);
	for (size_t i = 0; i < L->n; i++) {
		if (!(cfg->files[i] = strdup(L->f[i].path)))
			return jc_fail(L->err, ENOMEM, "%s: loading", c.path);
		cfg->n_files++;
		for (size_t k = 0; !L->f[i].dead && k < L->f[i].sc.n_secs; k++)
			n[L->f[i].sc.secs[k].kind]++;
	}
	return jc_cfg_alloc_model(&c, n, cfg);
}

static int build_model(struct loader *L, struct jc_config *cfg)
{
	size_t u = 0, g = 0;

	for (size_t i = 0; i < L->n; i++) {
		struct file *f = &L->f[i];
		struct jc_cfg_ctx c = { .path = f->path, .err = L->err,
					.ini = &f->ini, .sc = &f->sc,
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
		struct jc_cfg_ctx c = { .path = L->f[i].path, .err = L->err,
					.errs = L->errs };

		if (jc_cfg_check_refs(&c, &L->f[i].sc, cfg, &u, &g) < 0)
			return -1;
	}
	return 0;
}

/* The [user:] sections of other users leave SC and their lines are
 * blanked for iniparser: with 10,000 users a login parses its own rule,
 * not 10,000.  They have been scanned: syntax, names, keys and duplicates
 * of the whole file are checked on every login; only the values of other
 * users' rules wait for those users' own logins (and jailctl check). */
static bool skipped(const struct loader *L, const struct jc_scan_sec *sec)
{
	return sec->kind == JC_SEC_USER && strcmp(sec->name, L->only_user) != 0;
}

static int only_user_file(const struct loader *L, struct file *f)
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
	jc_nameidx_free(&sc->names);	/* indexes of the full list */
	return 0;
}

static int only_user(struct loader *L)
{
	for (size_t i = 0; i < L->n; i++)
		if (!L->f[i].dead && only_user_file(L, &L->f[i]) < 0)
			return jc_fail(L->err, ENOMEM, "%s: loading", L->f[i].path);
	return 0;
}

/* ---- the section index (config_cache.c) ------------------------------- */

static struct jc_cfg_cached *index_view(const struct loader *L)
{
	struct jc_cfg_cached *c = calloc(L->n, sizeof(*c));

	for (size_t i = 0; c && i < L->n; i++)
		c[i] = (struct jc_cfg_cached){ .path = L->f[i].path,
					       .id = L->f[i].id,
					       .lines = L->f[i].lines,
					       .sc = &L->f[i].sc };
	return c;
}

/* A login whose files the index knows: the other users' rules are emptied
 * before the scan (config_cache.c says why that is safe). */
static int use_index(struct loader *L)
{
	struct jc_cfg_cached *c;
	struct jc_cfg_hit hit;
	int rc = 0;

	for (size_t i = 0; i < L->n; i++)
		if (L->f[i].dead)
			return 0;
	if (!(c = index_view(L)))
		return 0;
	if (jc_cfg_cache_lookup(L->cache_dir, L->n, c, L->only_user, &hit) == 1) {
		L->cached = true;
		for (size_t i = 0; i < L->n && rc == 0; i++) {
			const struct jc_cfg_hit_file *h = &hit.files[i];
			size_t drop = h->users - h->has_user;

			/* the main file must keep a section (scan_files) */
			if (drop && !(i == 0 && drop == h->secs) &&
			    jc_cfg_prune(&L->f[i].text, &L->f[i].len, h) < 0)
				rc = jc_fail(L->err, ENOMEM, "%s: loading", L->f[i].path);
		}
		jc_cfg_hit_free(&hit);
	}
	free(c);
	return rc;
}

/* After a full scan without an error: the next login may skip it. */
static void store_index(const struct loader *L)
{
	struct jc_cfg_cached *c;

	if (L->incomplete || !(c = index_view(L)))
		return;
	jc_cfg_cache_store(L->cache_dir, L->n, c);
	free(c);
}

/* BEFORE: the errors recorded before this load began.  A file refused
 * while it was read (its owner, its mode) is one of this load's errors
 * too: counting from here only would let jailctl check pass a config the
 * module refuses. */
static int run_passes(struct loader *L, size_t before, struct jc_config **out)
{
	struct jc_config *cfg = NULL;
	int rc = -1;

	*out = NULL;
	if (L->only_user && L->cache_dir && use_index(L) < 0)
		return -1;
	if (scan_files(L) < 0 || check_dups(L) < 0)
		return -1;
	if (L->only_user && L->cache_dir && !L->cached)
		store_index(L);
	if ((L->only_user && only_user(L) < 0) || ini_files(L) < 0)
		return -1;
	if (new_model(L, &cfg) < 0 || build_model(L, cfg) < 0)
		goto done;
	if (errs_count(L->errs) > before)
		goto done;
	*out = cfg;
	cfg = NULL;
	rc = 0;
done:
	jc_config_free(cfg);
	return rc;
}

static void loader_free(struct loader *L)
{
	for (size_t i = 0; i < L->n; i++) {
		free(L->f[i].path);
		free(L->f[i].text);
		jc_scan_free(&L->f[i].sc);
		jc_cfg_ini_free(&L->f[i].ini);
	}
	free(L->f);
}

/* Read PATH and the drop-ins of DIR (NULL: the default, "": none). */
static int load(struct loader *L, const char *path, const char *dir,
		struct jc_config **out)
{
	char dbuf[PATH_MAX];
	size_t before = errs_count(L->errs);

	*out = NULL;
	if (!dir && jc_config_dropin_dir(path, dbuf, sizeof(dbuf)) < 0)
		return jc_fail(L->err, ENAMETOOLONG, "%s", path);
	if (read_file(L, AT_FDCWD, path, path) < 0 ||
	    ((dir ? *dir : 1) && read_dropins(L, dir ? dir : dbuf) < 0))
		return -1;
	return run_passes(L, before, out);
}

/* ---- entry points ------------------------------------------------------ */

int jc_config_load_dir(const char *path, const char *dir,
		       struct jc_config **out, struct jc_err *err)
{
	struct loader L = { .err = err };
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

int jc_config_load(const char *path, struct jc_config **out,
		   struct jc_err *err)
{
	return jc_config_load_dir(path, NULL, out, err);
}

int jc_config_load_for_at(const char *path, const char *user,
			  const char *cache_dir, struct jc_config **out,
			  struct jc_err *err)
{
	struct loader L = { .err = err, .only_user = user,
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
	struct loader L = { .errs = errs, .err = &err };
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
	struct loader L = { .errs = errs, .err = err };
	struct file *f = add_file(&L, name ? name : "(string)");
	int rc = -1;

	*out = NULL;
	if (f) {
		f->len = strlen(text);
		f->text = strdup(text);
	}
	if (!f || !f->text)
		jc_fail(err, ENOMEM, "%s: loading", name ? name : "(string)");
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
