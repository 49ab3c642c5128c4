/* SPDX-License-Identifier: BSD-3-Clause */
/* config_values.c - validating the values of [jail:NAME] keys.
 *
 * Paths stay templates here (plan.c expands them per user), so the checks
 * are the ones that hold whatever the tokens expand to: absolute, no ".."
 * component, only known %-tokens.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sys/capability.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "config_priv.h"
#include "jailcore/60-confine/seccomp.h"

#define HOSTNAME_TMPL_MAX 64
#define KIB 1024ULL
#define TMPFS_MIN (64 * KIB)
#define TMPFS_MAX (64 * KIB * KIB * KIB)

int jc_cfg_strdup(const struct jc_cfg_ctx *c, const char *s, char **out)
{
	*out = strdup(s);
	return *out ? 0 : jc_fail_conf(c->err, ENOMEM, c->path, 0, "loading");
}

/* Catch a bad %-token at load time rather than at somebody's login. */
int jc_cfg_check_tokens(const struct jc_cfg_ctx *c, const char *key, int line,
			const char *t)
{
	char tok[2];

	for (; (t = strchr(t, '%')); t += 2) {
		if (t[1] == '\0')
			return jc_fail_conf(c->err, 0, c->path, line,
					    "%s: trailing '%%'", key);
		if (!strchr("uUGhj%", t[1]))
			return jc_fail_conf(c->err, 0, c->path, line,
					    "%s: unknown token %%%s", key,
					    jc_vis((char[]){ t[1], 0 }, tok,
						   sizeof(tok)));
	}
	return 0;
}

int jc_cfg_has_dotdot(const char *p)
{
	size_t n;

	for (; *p; p += n) {
		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
	}
	return 0;
}

/* A path template: absolute, or under the home directory ("%h" alone or
 * followed by '/'), with no ".." component anywhere. */
static int check_path(const struct jc_cfg_ctx *c, const char *key, int line,
		      const char *p)
{
	char v[80];

	if (p[0] != '/' && strncmp(p, "%h", 2) != 0)
		return jc_fail_conf(c->err, 0, c->path, line,
				    "%s: '%s' must start with '/' or %%h", key,
				    jc_vis(p, v, sizeof(v)));
	if (p[0] == '%' && p[2] != '\0' && p[2] != '/')
		return jc_fail_conf(c->err, 0, c->path, line,
				    "%s: '%s': %%h must be followed by '/'",
				    key, jc_vis(p, v, sizeof(v)));
	if (jc_cfg_has_dotdot(p))
		return jc_fail_conf(c->err, 0, c->path, line,
				    "%s: '%s' has a '..' component", key,
				    jc_vis(p, v, sizeof(v)));
	return jc_cfg_check_tokens(c, key, line, p);
}

/* Next whitespace-separated word of *P, as a new string in *WORD (NULL at
 * the end of the list). */
static int next_word(const struct jc_cfg_ctx *c, const char **p, char **word)
{
	size_t n;

	*word = NULL;
	*p += strspn(*p, " \t");
	n = strcspn(*p, " \t");
	if (n == 0)
		return 0;
	*word = strndup(*p, n);
	*p += n;
	return *word ? 0 : jc_fail_conf(c->err, ENOMEM, c->path, 0, "loading");
}

/* Split "SRC[:DST]" in place; DST defaults to SRC. */
static int split_bind(const struct jc_cfg_ctx *c, const char *key, int line,
		      char *word, const char **dst)
{
	char *colon = strchr(word, ':');
	char v[80];

	*dst = word;
	if (!colon)
		return 0;
	*colon = '\0';
	*dst = colon + 1;
	if (strchr(*dst, ':') || !*word || !**dst) {
		*colon = ':';
		return jc_fail_conf(c->err, 0, c->path, line,
				    "%s: '%s': expected SRC or SRC:DST", key,
				    jc_vis(word, v, sizeof(v)));
	}
	return 0;
}

static int add_bind(const struct jc_cfg_ctx *c, const char *key, int line,
		    char *word, struct jc_bindspec **arr, size_t *n)
{
	struct jc_bindspec *b;
	const char *dst;

	if (split_bind(c, key, line, word, &dst) < 0 ||
	    check_path(c, key, line, word) < 0 ||
	    check_path(c, key, line, dst) < 0)
		return -1;
	b = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!b)
		return jc_fail_conf(c->err, ENOMEM, c->path, 0, "loading");
	*arr = b;
	b[*n].src = NULL;
	b[*n].dst = NULL;
	(*n)++;
	if (jc_cfg_strdup(c, word, &b[*n - 1].src) < 0)
		return -1;
	return jc_cfg_strdup(c, dst, &b[*n - 1].dst);
}

static int parse_binds(const struct jc_cfg_ctx *c, const char *key, int line,
		       const char *val, struct jc_bindspec **arr, size_t *n)
{
	char *word;
	int rc;

	for (;;) {
		if (next_word(c, &val, &word) < 0)
			return -1;
		if (!word)
			return 0;
		rc = add_bind(c, key, line, word, arr, n);
		free(word);
		if (rc < 0)
			return -1;
	}
}

static int parse_tmpfs(const struct jc_cfg_ctx *c, int line, const char *val,
		       struct jc_jail *j)
{
	char *word, **arr;

	for (;;) {
		if (next_word(c, &val, &word) < 0)
			return -1;
		if (!word)
			return 0;
		arr = NULL;
		if (check_path(c, "tmpfs", line, word) == 0) {
			arr = realloc(j->tmpfs,
				      (j->n_tmpfs + 1) * sizeof(*arr));
			if (!arr)
				jc_fail_conf(c->err, ENOMEM, c->path, 0,
					     "loading");
		}
		if (!arr) {
			free(word);
			return -1;
		}
		j->tmpfs = arr;
		arr[j->n_tmpfs++] = word;
	}
}

/* A size as every size key writes it (jc_cfg_number: K, M, G or T), then
 * tmpfs_size's own range; too large to hold is out of range too. */
static int parse_size(const struct jc_cfg_ctx *c, int line, const char *val,
		      unsigned long long *out)
{
	char v[80];
	int rc = jc_cfg_number(val, true, out);

	if (rc == -1)
		return jc_fail_conf(
			c->err, 0, c->path, line,
			"tmpfs_size: expected a number with optional K, M, G or T suffix, got '%s'",
			jc_vis(val, v, sizeof(v)));
	if (rc < 0 || *out < TMPFS_MIN || *out > TMPFS_MAX)
		return jc_fail_conf(
			c->err, 0, c->path, line,
			"tmpfs_size: '%s' is out of range (64K to 64G)",
			jc_vis(val, v, sizeof(v)));
	return 0;
}

static int parse_network(const struct jc_cfg_ctx *c, int line, const char *val,
			 enum jc_network *out)
{
	char v[80];

	if (strcasecmp(val, "none") == 0)
		*out = JC_NET_NONE;
	else if (strcasecmp(val, "host") == 0)
		*out = JC_NET_HOST;
	else
		return jc_fail_conf(c->err, 0, c->path, line,
				    "network: expected none or host, got '%s'",
				    jc_vis(val, v, sizeof(v)));
	return 0;
}

static int parse_allow_root(const struct jc_cfg_ctx *c, int line,
			    const char *val, bool *out)
{
	char v[80];

	*out = false;
	if (jc_cfg_yes_no(val, out) == 0)
		return 0;
	return jc_fail_conf(c->err, 0, c->path, line,
			    "allow_root: expected yes or no, got '%s'",
			    jc_vis(val, v, sizeof(v)));
}

static int parse_hostname(const struct jc_cfg_ctx *c, int line, const char *val,
			  char **out)
{
	if (!*val)
		return jc_fail_conf(c->err, 0, c->path, line,
				    "hostname: empty value");
	if (strlen(val) > HOSTNAME_TMPL_MAX)
		return jc_fail_conf(c->err, 0, c->path, line,
				    "hostname: longer than %d characters",
				    HOSTNAME_TMPL_MAX);
	if (jc_cfg_check_tokens(c, "hostname", line, val) < 0)
		return -1;
	return jc_cfg_strdup(c, val, out);
}

static int parse_seccomp(const struct jc_cfg_ctx *c, int line, const char *val,
			 enum jc_seccomp_mode *out)
{
	char v[80];

	if (strcasecmp(val, "default") == 0)
		*out = JC_SECCOMP_DEFAULT;
	else if (strcasecmp(val, "none") == 0)
		*out = JC_SECCOMP_NONE;
	else
		return jc_fail_conf(
			c->err, 0, c->path, line,
			"seccomp: expected default or none, got '%s'",
			jc_vis(val, v, sizeof(v)));
	return 0;
}

static bool in_words(char *const *w, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(w[i], s) == 0)
			return true;
	return false;
}

/* One name of seccomp_deny or seccomp_allow (KEY). */
static int check_syscall(const struct jc_cfg_ctx *c, const char *key, int line,
			 const char *name, char *const *seen, size_t n_seen)
{
	bool allow = strcmp(key, "seccomp_allow") == 0;
	char v[80];

	if (jc_seccomp_check_name(name) < 0)
		return jc_fail_conf(c->err, 0, c->path, line,
				    "%s: unknown system call '%s'", key,
				    jc_vis(name, v, sizeof(v)));
	if (allow && !jc_seccomp_default_find(name))
		return jc_fail_conf(c->err, 0, c->path, line,
				    "%s: '%s' is not in the default denylist",
				    key, name);
	if (in_words(seen, n_seen, name))
		return jc_fail_conf(c->err, 0, c->path, line,
				    "%s: '%s' listed twice", key, name);
	return 0;
}

/* "NAME NAME ...": system call names for seccomp_deny/seccomp_allow. */
static int parse_syscalls(const struct jc_cfg_ctx *c, const char *key, int line,
			  const char *val, char ***arr, size_t *n)
{
	char *word, **w;

	for (;;) {
		if (next_word(c, &val, &word) < 0)
			return -1;
		if (!word)
			return 0;
		w = NULL;
		if (check_syscall(c, key, line, word, *arr, *n) == 0) {
			w = realloc(*arr, (*n + 1) * sizeof(*w));
			if (!w)
				jc_fail_conf(c->err, ENOMEM, c->path, 0,
					     "loading");
		}
		if (!w) {
			free(word);
			return -1;
		}
		*arr = w;
		w[(*n)++] = word;
	}
}

/* Parse a capability list (names with or without "cap_") against
 * JC_ROOT_CAPS_ALLOWED into a mask. */
int jc_cfg_caps(const char *list, unsigned long long *mask, char *bad,
		size_t badsz)
{
	char buf[512], *save = NULL, *w;
	cap_value_t v;

	*mask = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (w = strtok_r(buf, " \t,", &save); w;
	     w = strtok_r(NULL, " \t,", &save)) {
		char *name = strncasecmp(w, "cap_", 4) == 0 ? w + 4 : w;
		char padded[64], full[64];

		for (char *q = name; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		snprintf(padded, sizeof(padded), " %s ", name);
		snprintf(full, sizeof(full), "cap_%s", name);
		if (!strstr(" " JC_ROOT_CAPS_ALLOWED " ", padded) ||
		    cap_from_name(full, &v) < 0 || v > 63) {
			snprintf(bad, badsz, "%s", w);
			return -1;
		}
		*mask |= 1ULL << v;
	}
	return 0;
}

static int parse_root_caps(const struct jc_cfg_ctx *c, int line,
			   const char *val, unsigned long long *mask)
{
	char bad[64], v[80];

	if (strlen(val) >= 512)
		return jc_fail_conf(c->err, 0, c->path, line,
				    "root_caps: list too long");
	if (jc_cfg_caps(val, mask, bad, sizeof(bad)) < 0)
		return jc_fail_conf(
			c->err, 0, c->path, line,
			"root_caps: '%s' is not a "
			"capability a jailed root may keep (allowed: %s)",
			jc_vis(bad, v, sizeof(v)), JC_ROOT_CAPS_ALLOWED);
	return 0;
}

/* A source or destination at or below /etc. */
static bool under_etc(const char *path)
{
	return strncmp(path, "/etc", 4) == 0 &&
	       (path[4] == '\0' || path[4] == '/');
}

/* A jailed root with dac_override would read the host's shadow and write
 * its config through a bind of /etc: such a jail keeps its own /etc. */
static int check_root_jail(const struct jc_cfg_ctx *c, struct jc_jail *j)
{
	const struct jc_bindspec *b[2] = { j->bind_ro, j->bind_rw };
	const size_t n[2] = { j->n_bind_ro, j->n_bind_rw };
	char bad[64];

	if (!j->allow_root && j->key_line[JC_K_ROOT_CAPS])
		return jc_fail_conf(c->err, 0, c->path,
				    j->key_line[JC_K_ROOT_CAPS],
				    "root_caps needs allow_root = yes");
	if (!j->allow_root)
		return 0;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < n[k]; i++)
			if (under_etc(b[k][i].src) || under_etc(b[k][i].dst))
				return jc_fail_conf(
					c->err, 0, c->path,
					j->key_line[k ? JC_K_BIND_RW :
							JC_K_BIND_RO],
					"%s: the host's /etc "
					"must not be bound into a jail with "
					"allow_root = yes (it keeps its own /etc)",
					k ? "bind_rw" : "bind_ro");
	return j->key_line[JC_K_ROOT_CAPS] ?
		       0 :
		       jc_cfg_caps(JC_ROOT_CAPS_DEFAULT, &j->root_caps, bad,
				   sizeof(bad));
}

static int check_seccomp_keys(const struct jc_cfg_ctx *c,
			      const struct jc_jail *j);

int jc_cfg_jail_check(const struct jc_cfg_ctx *c, struct jc_jail *j)
{
	if (check_root_jail(c, j) < 0 || jc_cfg_limits_check(c, j) < 0)
		return -1;
	return check_seccomp_keys(c, j);
}

static int check_seccomp_keys(const struct jc_cfg_ctx *c,
			      const struct jc_jail *j)
{
	const struct jc_seccomp_spec *s = &j->seccomp;
	int deny = j->key_line[JC_K_SECCOMP_DENY];
	int allow = j->key_line[JC_K_SECCOMP_ALLOW];
	size_t i;

	if (s->mode == JC_SECCOMP_NONE && (s->n_deny || s->n_allow))
		return jc_fail_conf(
			c->err, 0, c->path, s->n_deny ? deny : allow,
			"%s has no effect with seccomp = none (line %d)",
			s->n_deny ? "seccomp_deny" : "seccomp_allow",
			j->key_line[JC_K_SECCOMP]);
	for (i = 0; i < s->n_deny; i++)
		if (in_words(s->allow, s->n_allow, s->deny[i]))
			return jc_fail_conf(
				c->err, 0, c->path, deny,
				"seccomp_deny: '%s' is also in seccomp_allow (line %d)",
				s->deny[i], allow);
	return 0;
}

int jc_cfg_jail_value(const struct jc_cfg_ctx *c, struct jc_jail *j, int id,
		      int line, const char *val)
{
	switch (id) {
	case JC_K_ROOT:
		if (check_path(c, "root", line, val) < 0)
			return -1;
		return jc_cfg_strdup(c, val, &j->root);
	case JC_K_BIND_RO:
		return parse_binds(c, "bind_ro", line, val, &j->bind_ro,
				   &j->n_bind_ro);
	case JC_K_BIND_RW:
		return parse_binds(c, "bind_rw", line, val, &j->bind_rw,
				   &j->n_bind_rw);
	case JC_K_TMPFS:
		return parse_tmpfs(c, line, val, j);
	case JC_K_TMPFS_SIZE:
		return parse_size(c, line, val, &j->tmpfs_size);
	case JC_K_NETWORK:
		return parse_network(c, line, val, &j->network);
	case JC_K_HOSTNAME:
		return parse_hostname(c, line, val, &j->hostname);
	case JC_K_SECCOMP:
		return parse_seccomp(c, line, val, &j->seccomp.mode);
	case JC_K_SECCOMP_DENY:
		return parse_syscalls(c, "seccomp_deny", line, val,
				      &j->seccomp.deny, &j->seccomp.n_deny);
	case JC_K_SECCOMP_ALLOW:
		return parse_syscalls(c, "seccomp_allow", line, val,
				      &j->seccomp.allow, &j->seccomp.n_allow);
	case JC_K_ROOT_CAPS:
		return parse_root_caps(c, line, val, &j->root_caps);
	case JC_K_ALLOW_ROOT:
		return parse_allow_root(c, line, val, &j->allow_root);
	default:
		return jc_cfg_limits_value(c, j, id, line, val);
	}
}
