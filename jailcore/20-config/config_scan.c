/* SPDX-License-Identifier: BSD-3-Clause */
/* config_scan.c - the raw-text scanner; see config_priv.h */
#include "config_priv.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/hash.h"

/* Known keys per section kind, indexed by key id. */
static const char *const jail_keys[] = {
	[JC_K_ROOT] = "root",
	[JC_K_BIND_RO] = "bind_ro",
	[JC_K_BIND_RW] = "bind_rw",
	[JC_K_TMPFS] = "tmpfs",
	[JC_K_TMPFS_SIZE] = "tmpfs_size",
	[JC_K_NETWORK] = "network",
	[JC_K_HOSTNAME] = "hostname",
	[JC_K_ALLOW_ROOT] = "allow_root",
	[JC_K_SECCOMP] = "seccomp",
	[JC_K_SECCOMP_DENY] = "seccomp_deny",
	[JC_K_SECCOMP_ALLOW] = "seccomp_allow",
	[JC_K_ROOT_CAPS] = "root_caps",
	[JC_K_SHARE] = "share",
	[JC_K_PERSIST] = "persist",
	[JC_K_NETNS] = "netns",
	[JC_K_TMPFS_INODES] = "tmpfs_inodes",
	[JC_K_DEVPTS] = "devpts",
	[JC_K_PTY_MAX] = "pty_max",
	[JC_K_RLIMIT_NPROC] = "rlimit_nproc",
	[JC_K_RLIMIT_NOFILE] = "rlimit_nofile",
	[JC_K_RLIMIT_AS] = "rlimit_as",
	[JC_K_RLIMIT_FSIZE] = "rlimit_fsize",
	[JC_K_RLIMIT_CPU] = "rlimit_cpu",
	[JC_K_RLIMIT_CORE] = "rlimit_core",
	[JC_K_PIDS_MAX] = "pids_max",
	[JC_K_MEMORY_MAX] = "memory_max",
	[JC_K_CPU_MAX] = "cpu_max",
	[JC_K_LIMITS_REQUIRED] = "limits_required",
	[JC_K_ROOT_IDS] = "root_ids",
};
_Static_assert(sizeof(jail_keys) / sizeof(jail_keys[0]) == JC_K__COUNT,
	       "jail_keys must name every enum jc_jail_key");

static const char *const global_keys[] = { "default" };
static const char *const rule_keys[] = { "jail" };

struct key_table {
	const char *const *names;
	int count;
};

static struct key_table keys_of(enum jc_sec_kind kind)
{
	switch (kind) {
	case JC_SEC_JAIL:
		return (struct key_table){ jail_keys, JC_K__COUNT };
	case JC_SEC_GLOBAL:
		return (struct key_table){ global_keys, 1 };
	default:
		return (struct key_table){ rule_keys, 1 };
	}
}

const char *jc_scan_key_name(enum jc_sec_kind kind, int id)
{
	struct key_table t = keys_of(kind);

	return id >= 0 && id < t.count ? t.names[id] : "?";
}

/* iniparser uses isspace() in the C locale; spell that set out so a
 * caller's locale cannot change what we see. */
static bool is_sp(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

static bool is_ctl(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

/* ---- section names ---------------------------------------------------- */

static const char *jail_name_problem(const char *n)
{
	size_t len = strlen(n);

	if (len == 0)
		return "it is empty";
	if (len > JC_JAIL_NAME_MAX)
		return "it is longer than 64 characters";
	if (strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") != len)
		return "only A-Z a-z 0-9 _ . - are allowed";
	if (strcasecmp(n, "none") == 0)
		return "'none' is reserved";
	/* %j is used as a path component (jc_expand refuses these too;
	 * refusing them here reports the mistake at load, not at login). */
	if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
		return "'.' and '..' are not allowed";
	if (n[0] == '-')
		return "it must not start with '-'";
	return NULL;
}

/* User and group names as Linux (and LDAP/SSSD) may hand them to us: we
 * only refuse what no account name can hold or what would break the file
 * format or log lines. */
static const char *account_name_problem(const char *n)
{
	size_t len = strlen(n);
	const char *p;

	if (len == 0)
		return "it is empty";
	if (len > JC_ACCOUNT_NAME_MAX)
		return "it is longer than 256 characters";
	if (n[0] == '-')
		return "it must not start with '-'";
	for (p = n; *p; p++) {
		if (is_sp(*p))
			return "it contains whitespace";
		if (is_ctl(*p))
			return "it contains a control character";
		if (*p == '/')
			return "it contains '/'";
		if (*p == ':')
			return "it contains ':'";
	}
	return NULL;
}

/* ---- the scanner ------------------------------------------------------- */

struct scanner {
	const char *path;
	struct jc_scan *sc;
	struct jc_err *err;
	char buf[JC_SCAN_LINE_MAX + 1]; /* the logical line being built */
	size_t last;			/* bytes carried by a trailing '\' */
	bool pending;			/* the previous line ended in '\' */
	int start; /* physical line the logical one began */
	int cur;   /* physical line being fed */
	/* collect mode (jc_scan_run with errs) */
	struct jc_errs *errs;
	bool bad_sec;  /* in a refused section: skip its keys */
	bool too_long; /* feed() refused an overlong line */
	bool discard;  /* rest of an overlong logical line */
};

static int oom(struct scanner *s)
{
	return jc_fail_conf(s->err, ENOMEM, s->path, 0, "scanning");
}

/* Make room for one more element; returns the (maybe moved) array, or
 * NULL with ARR untouched when memory runs out. */
static void *grow(void *arr, size_t *cap, size_t n, size_t elsize)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(arr, ncap * elsize);
	if (p)
		*cap = ncap;
	return p;
}

static int parse_kind(struct scanner *s, const char *text,
		      enum jc_sec_kind *kind, const char **name)
{
	static const struct {
		const char *prefix;
		enum jc_sec_kind kind;
	} pre[] = {
		{ "jail:", JC_SEC_JAIL },
		{ "user:", JC_SEC_USER },
		{ "group:", JC_SEC_GROUP },
	};
	char v[80];
	size_t i;

	if (strcasecmp(text, "global") == 0) {
		*kind = JC_SEC_GLOBAL;
		*name = text + strlen(text);
		return 0;
	}
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		if (strncasecmp(text, pre[i].prefix, strlen(pre[i].prefix)))
			continue;
		*kind = pre[i].kind;
		*name = text + strlen(pre[i].prefix);
		return 0;
	}
	return jc_fail_conf(s->err, 0, s->path, s->start,
			    "unknown section [%s]", jc_vis(text, v, sizeof(v)));
}

static int check_sec_name(struct scanner *s, enum jc_sec_kind kind,
			  const char *text, const char *name)
{
	static const char *const what[] = {
		[JC_SEC_JAIL] = "jail",
		[JC_SEC_USER] = "user",
		[JC_SEC_GROUP] = "group",
	};
	const char *why;
	char v[80];

	if (kind == JC_SEC_GLOBAL)
		return 0;
	why = kind == JC_SEC_JAIL ? jail_name_problem(name) :
				    account_name_problem(name);
	if (!why)
		return 0;
	return jc_fail_conf(s->err, 0, s->path, s->start,
			    "[%s]: invalid %s name: %s",
			    jc_vis(text, v, sizeof(v)), what[kind], why);
}

/* iniparser lower-cases section names, so two headers equal but for case
 * are one section to it.  Names of users, groups and jails are
 * case-sensitive, so say plainly that the file cannot express both. */
static int check_dup_sec(struct scanner *s, const struct jc_scan_sec *new)
{
	const struct jc_scan_sec *old;
	char v1[80], v2[80];
	size_t i, unused;

	if (!jc_nameidx_find(&s->sc->names, new->text, &unused, &i))
		return 0;
	old = &s->sc->secs[i];
	if (strcmp(old->name, new->name) == 0)
		return jc_fail_conf(s->err, 0, s->path, new->line,
				    "duplicate section [%s] (first at line %d)",
				    jc_vis(new->text, v1, sizeof(v1)),
				    old->line);
	return jc_fail_conf(
		s->err, 0, s->path, new->line,
		"[%s] and [%s] (line %d) differ only in case; iniparser cannot tell them apart",
		jc_vis(new->text, v1, sizeof(v1)),
		jc_vis(old->text, v2, sizeof(v2)), old->line);
}

/* TEXT is ours: stored in the scan, or freed. */
static int add_section(struct scanner *s, char *text)
{
	cleanup_free char *owned = text;
	struct jc_scan_sec sec = { .text = text, .line = s->start };
	struct jc_scan *sc = s->sc;
	struct jc_scan_sec *secs;

	if (parse_kind(s, text, &sec.kind, &sec.name) < 0 ||
	    check_sec_name(s, sec.kind, text, sec.name) < 0 ||
	    check_dup_sec(s, &sec) < 0)
		return -1;
	secs = grow(sc->secs, &sc->cap_secs, sc->n_secs, sizeof(*secs));
	if (!secs)
		return oom(s);
	sc->secs = secs;
	if (jc_nameidx_add(&sc->names, text, 0, sc->n_secs) < 0)
		return oom(s);
	sec.text = steal_ptr(&owned);
	sc->secs[sc->n_secs++] = sec;
	return 0;
}

static void strip(const char **p, size_t *n)
{
	while (*n && is_sp(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_sp((*p)[*n - 1]))
		(*n)--;
}

/* LINE (N bytes, stripped) starts with '[' and ends with ']'.  iniparser
 * takes the text up to the first ']' and ignores the rest, and leaves the
 * previous section in force for "[]": refuse both rather than guess. */
static int on_section(struct scanner *s, const char *line, size_t n)
{
	const char *in = line + 1;
	size_t len = n - 2;
	char *text;

	if (memchr(in, ']', len))
		return jc_fail_conf(s->err, 0, s->path, s->start,
				    "malformed section header");
	strip(&in, &len);
	if (len == 0)
		return jc_fail_conf(s->err, 0, s->path, s->start,
				    "empty section name");
	text = strndup(in, len);
	if (!text)
		return oom(s);
	return add_section(s, text);
}

static int find_key_id(enum jc_sec_kind kind, const char *name)
{
	struct key_table t = keys_of(kind);
	int i;

	for (i = 0; i < t.count; i++)
		if (strcasecmp(t.names[i], name) == 0)
			return i;
	return -1;
}

static int check_key(struct scanner *s, const struct jc_scan_sec *sec,
		     const char *name, int id)
{
	char v1[80], v2[80];
	size_t i;

	if (id < 0)
		return jc_fail_conf(s->err, 0, s->path, s->start,
				    "unknown key '%s' in [%s]",
				    jc_vis(name, v1, sizeof(v1)),
				    jc_vis(sec->text, v2, sizeof(v2)));
	/* iniparser would keep only the last value: refuse instead. */
	for (i = 0; i < sec->n_keys; i++)
		if (sec->keys[i].id == id)
			return jc_fail_conf(
				s->err, 0, s->path, s->start,
				"duplicate key '%s' in [%s] (first at line %d)",
				jc_vis(name, v1, sizeof(v1)),
				jc_vis(sec->text, v2, sizeof(v2)),
				sec->keys[i].line);
	return 0;
}

/* LINE holds a '=' at offset EQ > 0: iniparser reads "key = value" with
 * the key being the text before the first '='. */
static int on_key(struct scanner *s, const char *line, size_t eq)
{
	cleanup_free char *name = NULL;
	struct jc_scan_sec *sec;
	struct jc_scan_key key = { .line = s->start }, *keys;
	char v[80];

	strip(&line, &eq);
	name = strndup(line, eq);
	if (!name)
		return oom(s);
	if (s->sc->n_secs == 0)
		return jc_fail_conf(s->err, 0, s->path, s->start,
				    "key '%s' outside any section",
				    jc_vis(name, v, sizeof(v)));
	sec = &s->sc->secs[s->sc->n_secs - 1];
	key.id = find_key_id(sec->kind, name);
	if (check_key(s, sec, name, key.id) < 0)
		return -1;
	keys = grow(sec->keys, &sec->cap_keys, sec->n_keys, sizeof(*keys));
	if (!keys)
		return oom(s);
	sec->keys = keys;
	key.name = steal_ptr(&name);
	sec->keys[sec->n_keys++] = key;
	return 0;
}

/* One logical line, NUL-terminated, trailing whitespace already gone. */
static int refuse_lines(struct scanner *s, int from, int to);

static int classify(struct scanner *s, const char *line, size_t n)
{
	const char *eq;
	int rc;

	strip(&line, &n);
	if (n == 0 || line[0] == '#' || line[0] == ';')
		return 0;
	if (n >= 2 && line[0] == '[' && line[n - 1] == ']') {
		rc = on_section(s, line, n);
		s->bad_sec = rc < 0;
		return rc;
	}
	/* collect mode: the keys of a refused section are skipped */
	if (s->bad_sec)
		return refuse_lines(s, s->start, s->cur);
	eq = memchr(line, '=', n);
	if (!eq || eq == line)
		return jc_fail_conf(
			s->err, 0, s->path, s->start,
			"syntax error: expected [section], key = value or a comment");
	return on_key(s, line, (size_t)(eq - line));
}

/* Feed one physical line (N bytes, no newline) the way iniparser's fgets
 * loop sees it: it is appended after any text carried by a trailing '\',
 * trailing whitespace is dropped, and a '\' left at the end carries it on
 * (the '\' itself is overwritten by the next line). */
static int feed(struct scanner *s, const char *p, size_t n, int lineno)
{
	size_t end;

	s->cur = lineno;
	if (!s->pending)
		s->start = lineno;
	s->too_long = s->last + n > JC_SCAN_LINE_MAX;
	if (s->too_long)
		return jc_fail_conf(
			s->err, 0, s->path, lineno,
			"line too long (iniparser takes at most %d characters)",
			JC_SCAN_LINE_MAX);
	memcpy(s->buf + s->last, p, n);
	end = s->last + n;
	while (end && is_sp(s->buf[end - 1]))
		end--;
	s->buf[end] = '\0';
	s->pending = end && s->buf[end - 1] == '\\';
	if (s->pending) {
		s->last = end - 1;
		return 0;
	}
	s->last = 0;
	return classify(s, s->buf, end);
}

/* The '\n's among 8 bytes: a byte of X ^ '\n'... is 0 exactly where W
 * holds one; the sum below sets a byte's high bit only for a zero byte
 * (no carry crosses bytes: each is at most 0x7f + 0x7f); the multiply
 * adds the eight 0-or-1 bytes into the top one (no popcnt needed). */
static unsigned newlines8(uint64_t w)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t x = w ^ 0x0a0a0a0a0a0a0a0aULL;
	uint64_t zero = ~(((x & low7) + low7) | x | low7) >> 7;

	return (unsigned)((zero * 0x0101010101010101ULL) >> 56);
}

int jc_scan_line_at(const char *text, size_t off)
{
	size_t line = 1, i = 0;

	/* eight bytes at a time: a memchr call per line cost more on a
	 * file of 10,000 short rules (bench/cfgprof) */
	for (; i + 8 <= off; i += 8) {
		uint64_t w;

		memcpy(&w, text + i, sizeof(w));
		line += newlines8(w);
	}
	for (; i < off; i++)
		line += text[i] == '\n';
	return line > INT_MAX ? INT_MAX : (int)line;
}

/* ---- collect mode ------------------------------------------------------ */

int jc_scan_blank(struct jc_scan *sc, int first, int last)
{
	int *b;

	for (; first <= last; first++) {
		b = grow(sc->blank, &sc->cap_blank, sc->n_blank, sizeof(*b));
		if (!b)
			return -1;
		sc->blank = b;
		sc->blank[sc->n_blank++] = first;
	}
	return 0;
}

/* Physical lines FROM..TO were refused: iniparser must never see them. */
static int refuse_lines(struct scanner *s, int from, int to)
{
	return jc_scan_blank(s->sc, from, to) < 0 ? oom(s) : 0;
}

/* A physical line (N bytes) whose text goes on into the next one. */
static bool continues(const char *p, size_t n)
{
	while (n && is_sp(p[n - 1]))
		n--;
	return n && p[n - 1] == '\\';
}

/* feed() refused line s->cur: record the error, blank the logical line
 * and go on with the next one.  Returns -1 when the scan must stop (not
 * collecting, or out of memory). */
static int refused(struct scanner *s, const char *p, size_t n)
{
	int from = s->start;

	if (!jc_errs_collect(s->errs, s->err))
		return -1;
	if (s->too_long) {
		/* the rest of this logical line goes too */
		s->discard = continues(p, n);
		s->too_long = false;
	}
	s->pending = false;
	s->last = 0;
	return refuse_lines(s, from, s->cur);
}

/* One physical line in collect mode. */
static int feed_collect(struct scanner *s, const char *p, size_t n, int lineno)
{
	if (s->discard) {
		s->discard = continues(p, n);
		return refuse_lines(s, lineno, lineno);
	}
	if (feed(s, p, n, lineno) == 0)
		return 0;
	return refused(s, p, n);
}

/* ---- the scan ---------------------------------------------------------- */

static int scan_lines(struct scanner *s, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len), *nl;
	size_t pos = 0, n;
	int lineno = 0, rc;

	if (nul)
		return jc_fail_conf(s->err, 0, s->path,
				    jc_scan_line_at(text, (size_t)(nul - text)),
				    "NUL byte");
	while (pos < len) {
		/* a run of empty lines outside a continued line is nothing to
		 * iniparser: skipped eight bytes at a time (a login's pruned
		 * text is mostly those, config_cache.c) */
		if (text[pos] == '\n' && !s->pending && !s->discard) {
			size_t end = pos + 1;
			uint64_t w;

			while (end + 8 <= len && (memcpy(&w, text + end, 8),
						  w == 0x0a0a0a0a0a0a0a0aULL))
				end += 8;
			while (end < len && text[end] == '\n')
				end++;
			lineno += (int)(end - pos);
			pos = end;
			continue;
		}
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		rc = s->errs ? feed_collect(s, text + pos, n, ++lineno) :
			       feed(s, text + pos, n, ++lineno);
		if (rc < 0)
			return -1;
		pos += n + (nl != NULL);
	}
	/* iniparser silently drops a logical line still open at EOF. */
	if (s->pending) {
		jc_fail_conf(
			s->err, 0, s->path, s->start,
			"'\\' at the end of the last line continues into nothing");
		if (!jc_errs_collect(s->errs, s->err) ||
		    refuse_lines(s, s->start, lineno) < 0)
			return -1;
	}
	return 0;
}

int jc_scan_run(const char *text, size_t len, const char *path,
		const struct jc_scan_opts *o, struct jc_scan *sc,
		struct jc_err *err)
{
	cleanup_free struct scanner *s = NULL;
	size_t before = o->errs ? o->errs->n + o->errs->dropped : 0;
	int rc;

	memset(sc, 0, sizeof(*sc));
	s = calloc(1, sizeof(*s));
	if (!s)
		return jc_fail_conf(err, ENOMEM, path, 0, "scanning");
	s->path = path;
	s->sc = sc;
	s->err = err;
	s->errs = o->errs;
	rc = scan_lines(s, text, len);
	if (rc == 0 && sc->n_secs == 0 && !o->allow_empty)
		rc = jc_fail_conf(err, 0, path, 0,
				  "no sections (empty config?)");
	if (o->errs) {
		/* keep what was accepted; say whether anything was not */
		if (rc < 0 && jc_errs_collect(o->errs, err))
			rc = 0;
		if (rc == 0 && o->errs->n + o->errs->dropped > before)
			return -1;
	}
	if (rc < 0)
		jc_scan_free(sc);
	return rc;
}

int jc_scan_text(const char *text, size_t len, const char *path,
		 struct jc_scan *sc, struct jc_err *err)
{
	const struct jc_scan_opts o = { 0 };

	return jc_scan_run(text, len, path, &o, sc, err);
}

void jc_scan_free(struct jc_scan *sc)
{
	size_t i, k;

	if (!sc)
		return;
	for (i = 0; i < sc->n_secs; i++) {
		for (k = 0; k < sc->secs[i].n_keys; k++)
			free(sc->secs[i].keys[k].name);
		free(sc->secs[i].keys);
		free(sc->secs[i].text);
	}
	jc_nameidx_free(&sc->names);
	free(sc->secs);
	free(sc->blank);
	memset(sc, 0, sizeof(*sc));
}
