/* SPDX-License-Identifier: BSD-3-Clause */
/* config.c - see config.h.
 *
 * Loading is three passes over the same bytes of each file: config_scan.c
 * learns the structure (original spellings, lines, duplicates), iniparser
 * parses the values, and the code below validates each value and builds
 * the model.  Values are only ever fetched for keys the scanner saw, so the
 * scanner alone decides which sections and keys exist.  config_load.c
 * reads the files (the main one and its drop-ins) and drives the passes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <iniparser/iniparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_priv.h"

#define TMPFS_DEFAULT (64ULL * 1024 * 1024)

/* ---- iniparser --------------------------------------------------------- */

/* iniparser reports through one global callback and would otherwise write
 * to stderr (which, inside sshd, may be the client's connection).  Keep
 * the first message of the current load; later ones are follow-ups.  Set
 * only around iniparser_load (ini_load_chunk). */
static _Thread_local char ini_msg[256];
static _Thread_local int ini_msg_set;

static int ini_error_cb(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int ini_error_cb(const char *fmt, ...)
{
	va_list ap;

	if (ini_msg_set)
		return 0;
	ini_msg_set = 1;
	va_start(ap, fmt);
	vsnprintf(ini_msg, sizeof(ini_msg), fmt, ap);
	va_end(ap);
	return 0;
}

/* The scanner refuses everything iniparser would complain about, so this
 * is a backstop; still give the line iniparser names ("... (N)"). */
static int ini_fail(const char *path, int line_offset, struct jc_err *err)
{
	const char *paren = strrchr(ini_msg, '(');
	int line = paren ? atoi(paren + 1) + line_offset : 0;
	char v[120];

	if (line > 0 && strstr(ini_msg, "syntax error"))
		return jc_fail(err, 0, "%s:%d: syntax error (iniparser)", path,
			       line);
	if (line > 0 && strstr(ini_msg, "too long"))
		return jc_fail(err, 0, "%s:%d: line too long (iniparser)", path,
			       line);
	ini_msg[strcspn(ini_msg, "\n")] = '\0';
	return jc_fail(err, 0, "%s: %s", path,
		       ini_msg_set ? jc_vis(ini_msg, v, sizeof(v))
				   : "iniparser could not parse the file");
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* iniparser 4.1 can only load a named file: hand it the very bytes we
 * scanned through an anonymous memfd, so nothing can change in between.
 * FIRST_LINE: the line of TEXT's first line in the file, for messages. */
static int ini_load_chunk(const char *text, size_t len, const char *path,
			  int first_line, dictionary **out, struct jc_err *err)
{
	char fdpath[64];
	int fd;

	*out = NULL;
	fd = memfd_create("pam_jail.conf", MFD_CLOEXEC);
	if (fd < 0)
		return jc_fail(err, errno, "%s: memfd_create", path);
	if (write_all(fd, text, len) < 0) {
		jc_fail(err, errno, "%s: writing memfd", path);
		close(fd);
		return -1;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	ini_msg_set = 0;
	ini_msg[0] = '\0';
	iniparser_set_error_callback(ini_error_cb);
	*out = iniparser_load(fdpath);
	/* The callback is process-wide and libpam may unload pam_jail.so
	 * after pam_end: point it back at iniparser's default (NULL means
	 * that in 4.1 and 4.2; there is no getter to restore another). */
	iniparser_set_error_callback(NULL);
	close(fd);
	/* On memory failure iniparser may return a partial dictionary. */
	if (*out && !ini_msg_set)
		return 0;
	if (*out)
		iniparser_freedict(*out);
	*out = NULL;
	return ini_fail(path, first_line - 1, err);
}

/* Byte offset in TEXT of the start of LINE (1-based), from FROM, which
 * starts line *AT. */
static size_t line_offset(const char *text, size_t len, size_t from, int *at,
			  int line)
{
	while (*at < line && from < len) {
		const char *nl = memchr(text + from, '\n', len - from);

		if (!nl)
			return len;
		from = (size_t)(nl - text) + 1;
		(*at)++;
	}
	return from;
}

int jc_cfg_ini_load(const char *text, size_t len, const struct jc_scan *sc,
		    const char *path, struct jc_ini *out, struct jc_err *err)
{
	size_t chunks = sc->n_secs ? (sc->n_secs - 1) / JC_INI_CHUNK + 1 : 1;
	size_t start = 0;
	int at = 1, start_line = 1;

	out->n = 0;
	out->d = calloc(chunks, sizeof(*out->d));
	if (!out->d)
		return jc_fail(err, ENOMEM, "%s: loading", path);
	for (size_t k = 0; k < chunks; k++) {
		size_t next = sc->n_secs > (k + 1) * JC_INI_CHUNK ?
			      (k + 1) * JC_INI_CHUNK : sc->n_secs;
		/* chunks end where the first section of the next begins */
		size_t end = next < sc->n_secs ?
			     line_offset(text, len, start, &at, sc->secs[next].line) : len;

		if (ini_load_chunk(text + start, end - start, path, start_line,
				   &out->d[k], err) < 0) {
			jc_cfg_ini_free(out);
			return -1;
		}
		out->n++;
		start = end;
		start_line = at;
	}
	return 0;
}

void jc_cfg_ini_free(struct jc_ini *ini)
{
	for (size_t k = 0; k < ini->n; k++)
		iniparser_freedict(ini->d[k]);
	free(ini->d);
	ini->d = NULL;
	ini->n = 0;
}

/* The value of KEY in SEC.  The scanner saw the key, so iniparser must
 * have it; control characters have no business in any value. */
static int get_value(const struct jc_cfg_ctx *c,
		     const struct jc_scan_sec *sec,
		     const struct jc_scan_key *key, const char **val)
{
	char lookup[JC_ACCOUNT_NAME_MAX + 64];
	const char *p;

	*val = NULL;
	if ((size_t)snprintf(lookup, sizeof(lookup), "%s:%s", sec->text,
			     key->name) < sizeof(lookup))
		*val = iniparser_getstring(c->ini->d[(size_t)(sec - c->sc->secs) /
						     JC_INI_CHUNK], lookup, NULL);
	if (!*val)
		return jc_fail(c->err, 0, "%s:%d: internal error: iniparser lost '%s'",
			       c->path, key->line, jc_scan_key_name(sec->kind, key->id));
	for (p = *val; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return jc_fail(c->err, 0, "%s:%d: %s: control character in value",
				       c->path, key->line,
				       jc_scan_key_name(sec->kind, key->id));
	return 0;
}

/* ---- building the model ------------------------------------------------ */

/* Collect mode (jc_config_check): record the error just made and go on. */
static int keep_going(const struct jc_cfg_ctx *c)
{
	return jc_errs_collect(c->errs, c->err);
}

static int build_jail(const struct jc_cfg_ctx *c,
		      const struct jc_scan_sec *sec, struct jc_jail *j)
{
	const char *val;
	char v[80];
	size_t i;
	int bad = 0;

	j->line = sec->line;
	j->tmpfs_size = TMPFS_DEFAULT;
	j->network = JC_NET_NONE;
	jc_cfg_limits_defaults(j);
	if (jc_cfg_strdup(c, sec->name, &j->name) < 0)
		return -1;
	for (i = 0; i < sec->n_keys; i++) {
		const struct jc_scan_key *k = &sec->keys[i];

		j->key_line[k->id] = k->line;
		if (get_value(c, sec, k, &val) < 0 ||
		    jc_cfg_jail_value(c, j, k->id, k->line, val) < 0) {
			if (!keep_going(c))
				return -1;
			bad = 1;	/* collect mode: the next key */
		}
	}
	if (!j->root && !j->key_line[JC_K_ROOT]) {
		jc_fail(c->err, 0, "%s:%d: [%s]: missing 'root = ...'",
			c->path, sec->line, jc_vis(sec->text, v, sizeof(v)));
		if (!keep_going(c))
			return -1;
		bad = 1;
	}
	/* rules between keys only make sense once every key is good */
	if (!bad && jc_cfg_jail_check(c, j) < 0 && !keep_going(c))
		return -1;
	return j->hostname ? 0 : jc_cfg_strdup(c, "%j", &j->hostname);
}

/* "jail = NAME | none" and "default = NAME | none": NULL means none.  The
 * name is checked against the jails once they are all known. */
static int jail_ref(const struct jc_cfg_ctx *c,
		    const struct jc_scan_sec *sec, char **jail, int *line)
{
	const struct jc_scan_key *k = sec->n_keys ? &sec->keys[0] : NULL;
	const char *val;

	*jail = NULL;
	*line = k ? k->line : 0;
	if (!k || get_value(c, sec, k, &val) < 0)
		return k ? -1 : 0;
	if (!*val)
		return jc_fail(c->err, 0, "%s:%d: %s: expected a jail name or none",
			       c->path, k->line, k->name);
	if (strcasecmp(val, "none") == 0)
		return 0;
	return jc_cfg_strdup(c, val, jail);
}

static int build_rule(const struct jc_cfg_ctx *c,
		      const struct jc_scan_sec *sec, struct jc_rule *r)
{
	char v[80];

	if (sec->n_keys == 0)
		return jc_fail(c->err, 0, "%s:%d: [%s]: missing 'jail = NAME' (or 'jail = none')",
			       c->path, sec->line, jc_vis(sec->text, v, sizeof(v)));
	if (jc_cfg_strdup(c, sec->name, &r->name) < 0)
		return -1;
	return jail_ref(c, sec, &r->jail, &r->line);
}

/* N: how many sections of each enum jc_sec_kind all files hold. */
int jc_cfg_alloc_model(const struct jc_cfg_ctx *c, const size_t n[4],
		       struct jc_config *cfg)
{
	/* +1: calloc(0) may return NULL, which is not a failure. */
	cfg->jails = calloc(n[JC_SEC_JAIL] + 1, sizeof(*cfg->jails));
	cfg->users = calloc(n[JC_SEC_USER] + 1, sizeof(*cfg->users));
	cfg->groups = calloc(n[JC_SEC_GROUP] + 1, sizeof(*cfg->groups));
	if (!cfg->jails || !cfg->users || !cfg->groups)
		return jc_fail(c->err, ENOMEM, "%s: loading", c->path);
	return 0;
}

static int build_one(const struct jc_cfg_ctx *c,
		     const struct jc_scan_sec *sec, struct jc_config *cfg,
		     const char *file)
{
	switch (sec->kind) {
	case JC_SEC_JAIL:
		cfg->jails[cfg->n_jails].file = file;
		return build_jail(c, sec, &cfg->jails[cfg->n_jails++]);
	case JC_SEC_USER:
		cfg->users[cfg->n_users].file = file;
		return build_rule(c, sec, &cfg->users[cfg->n_users++]);
	case JC_SEC_GROUP:
		cfg->groups[cfg->n_groups].file = file;
		return build_rule(c, sec, &cfg->groups[cfg->n_groups++]);
	default:
		cfg->default_file = file;
		return jail_ref(c, sec, &cfg->default_jail, &cfg->default_line);
	}
}

int jc_cfg_build_section(const struct jc_cfg_ctx *c,
			 const struct jc_scan_sec *sec, struct jc_config *cfg,
			 const char *file)
{
	if (build_one(c, sec, cfg, file) < 0 && !keep_going(c))
		return -1;
	return 0;
}

static int check_ref(const struct jc_cfg_ctx *c, const struct jc_config *cfg,
		     const char *jail, int line)
{
	char v[80];

	if (!jail || jc_config_find_jail(cfg, jail))
		return 0;
	return jc_fail(c->err, 0, "%s:%d: unknown jail '%s'", c->path, line,
		       jc_vis(jail, v, sizeof(v)));
}

/* Every jail a rule or the default names must exist; checked in file
 * order so the first bad reference is the one reported.  SC is one file's
 * scan; *U and *G count the rules of the files before it. */
int jc_cfg_check_refs(const struct jc_cfg_ctx *c, const struct jc_scan *sc,
		      const struct jc_config *cfg, size_t *u, size_t *g)
{
	const struct jc_rule *r;
	size_t i;
	int rc;

	for (i = 0; i < sc->n_secs; i++) {
		switch (sc->secs[i].kind) {
		case JC_SEC_USER:
			r = &cfg->users[(*u)++];
			break;
		case JC_SEC_GROUP:
			r = &cfg->groups[(*g)++];
			break;
		case JC_SEC_GLOBAL:
			rc = check_ref(c, cfg, cfg->default_jail,
				       cfg->default_line);
			if (rc < 0 && !keep_going(c))
				return -1;
			continue;
		default:
			continue;
		}
		if (check_ref(c, cfg, r->jail, r->line) < 0 && !keep_going(c))
			return -1;
	}
	return 0;
}

static void free_binds(struct jc_bindspec *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(b[i].src);
		free(b[i].dst);
	}
	free(b);
}

static void free_jail(struct jc_jail *j)
{
	free(j->name);
	free(j->root);
	free_binds(j->bind_ro, j->n_bind_ro);
	free_binds(j->bind_rw, j->n_bind_rw);
	jc_cfg_free_names(j->tmpfs, j->n_tmpfs);
	free(j->hostname);
	jc_cfg_limits_free(j);
	jc_cfg_free_names(j->seccomp.deny, j->seccomp.n_deny);
	jc_cfg_free_names(j->seccomp.allow, j->seccomp.n_allow);
}

static void free_rules(struct jc_rule *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].name);
		free(r[i].jail);
	}
	free(r);
}

void jc_config_free(struct jc_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_jails; i++)
		free_jail(&cfg->jails[i]);
	free(cfg->jails);
	free_rules(cfg->users, cfg->n_users);
	free_rules(cfg->groups, cfg->n_groups);
	free(cfg->default_jail);
	free(cfg->path);
	jc_cfg_free_names(cfg->files, cfg->n_files);
	free(cfg);
}

const struct jc_jail *jc_config_find_jail(const struct jc_config *cfg,
					  const char *name)
{
	size_t i;

	if (!cfg || !name)
		return NULL;
	for (i = 0; i < cfg->n_jails; i++)
		if (cfg->jails[i].name && strcmp(cfg->jails[i].name, name) == 0)
			return &cfg->jails[i];
	return NULL;
}

/* ---- errors: collect mode (jailctl check) and messages ---------------- */

/* -fanalyzer: the grown e->v is stored in *e, which the caller owns and
 * frees with jc_errs_free. */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
int jc_errs_collect(struct jc_errs *e, struct jc_err *err)
{
	struct jc_err *v;
	size_t cap;

	if (!e || !err || err->errnum == ENOMEM)
		return 0;
	if (e->n >= JC_ERRS_MAX) {
		e->dropped++;
	} else {
		if (e->n == e->cap) {
			cap = e->cap ? e->cap * 2 : 16;
			v = realloc(e->v, cap * sizeof(*v));
			if (!v) {
				err->errnum = ENOMEM;
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

void jc_errs_free(struct jc_errs *e)
{
	if (!e)
		return;
	free(e->v);
	memset(e, 0, sizeof(*e));
}

const char *jc_config_where(const struct jc_config *cfg, const char *file,
			    int line, char *buf, size_t size)
{
	if (!file || (cfg && cfg->path && strcmp(file, cfg->path) == 0))
		snprintf(buf, size, "line %d", line);
	else
		snprintf(buf, size, "%s:%d", file, line);
	return buf;
}
