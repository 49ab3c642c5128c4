/* SPDX-License-Identifier: BSD-3-Clause */
/* config_limits.c - the keys of a [jail:NAME] section about sharing,
 * networks and resource limits; see config_priv.h and pam_jail.conf(5). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "config_priv.h"

#define TMPFS_INODES_DEFAULT 65536ULL

static const char *const rlimit_key[JC_RL__COUNT] = {
	"rlimit_nproc", "rlimit_nofile", "rlimit_as",
	"rlimit_fsize", "rlimit_cpu",	 "rlimit_core",
};

void jc_cfg_limits_defaults(struct jc_jail *j)
{
	j->share = JC_SHARE_USER;
	j->tmpfs_inodes = TMPFS_INODES_DEFAULT;
	/* a devpts of the jail's own (E11: the host's has no per-jail count,
	 * so a jailed user could hold every pty of the host) */
	j->private_devpts = true;
	for (int i = 0; i < JC_RL__COUNT; i++)
		j->rlimit[i] = JC_RLIM_UNSET;
	j->rlimit[JC_RL_CORE] = 0; /* no core dumps of jailed processes */
}

void jc_cfg_limits_free(struct jc_jail *j)
{
	free(j->netns);
	free(j->pids_max);
	free(j->memory_max);
	free(j->cpu_max);
}

/* A decimal number, with a K, M, G or T suffix (1024-based) when SUFFIX;
 * overflow is -2 (see config.h). */
int jc_cfg_number(const char *p, bool suffix, unsigned long long *out)
{
	static const char sfx[] = "KMGT";
	unsigned long long n = 0, mult = 1;
	const char *s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (~0ULL - 9) / 10)
			return -2;
		n = n * 10 + (unsigned long long)(*p - '0');
	}
	if (*p) {
		s = strchr(sfx, toupper((unsigned char)*p));
		if (!suffix || !s || p[1])
			return -1;
		mult = 1ULL << (10 * (s - sfx + 1));
	}
	if (n > (JC_RLIM_UNSET - 1) / mult)
		return -2;
	*out = n * mult;
	return 0;
}

/* The one yes/no of the config (allow_root, persist, limits_required):
 * yes, true, 1 / no, false, 0, any case.  -1 on anything else. */
int jc_cfg_yes_no(const char *val, bool *out)
{
	if (!strcasecmp(val, "yes") || !strcasecmp(val, "true") ||
	    !strcmp(val, "1"))
		*out = true;
	else if (!strcasecmp(val, "no") || !strcasecmp(val, "false") ||
		 !strcmp(val, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int bad(const struct jc_cfg_ctx *c, int line, const char *key,
	       const char *want, const char *val)
{
	char v[80];

	return jc_fail_conf(c->err, 0, c->path, line,
			    "%s: expected %s, got '%s'", key, want,
			    jc_vis(val, v, sizeof(v)));
}

/* pids.max and memory.max take a number or "max"; cpu.max "QUOTA PERIOD"
 * or "max PERIOD" (microseconds). */
static int cgroup_value(const struct jc_cfg_ctx *c, int id, int line,
			const char *val, char **out)
{
	const char *key = id == JC_K_PIDS_MAX	? "pids_max" :
			  id == JC_K_MEMORY_MAX ? "memory_max" :
						  "cpu_max";
	unsigned long long n;
	char q[32], per[32], extra;

	if (id == JC_K_CPU_MAX) {
		if (sscanf(val, "%31s %31s %c", q, per, &extra) != 2 ||
		    (strcmp(q, "max") && jc_cfg_number(q, false, &n)) ||
		    jc_cfg_number(per, false, &n) || n < 1000)
			return bad(c, line, key,
				   "'QUOTA PERIOD' in microseconds "
				   "(e.g. '50000 100000' for half a CPU)",
				   val);
	} else if (strcmp(val, "max") &&
		   jc_cfg_number(val, id == JC_K_MEMORY_MAX, &n)) {
		return bad(c, line, key, "a number or max", val);
	}
	return jc_cfg_strdup(c, val, out);
}

static int rlimit_value(const struct jc_cfg_ctx *c, int id, int line,
			const char *val, struct jc_jail *j)
{
	int r = id - JC_K_RLIMIT_NPROC;
	bool bytes = r == JC_RL_AS || r == JC_RL_FSIZE || r == JC_RL_CORE;

	if (!strcasecmp(val, "unlimited") || !strcasecmp(val, "infinity")) {
		j->rlimit[r] = JC_RLIM_INFINITY;
		return 0;
	}
	if (jc_cfg_number(val, bytes, &j->rlimit[r]) < 0)
		return bad(
			c, line, rlimit_key[r],
			bytes ? "a number with optional K, M, G or T, or unlimited" :
				"a number or unlimited",
			val);
	return 0;
}

static bool safe_name(const char *s)
{
	if (!*s || strlen(s) > 64 || *s == '.' || *s == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

static int word_value(const struct jc_cfg_ctx *c, struct jc_jail *j, int id,
		      int line, const char *val)
{
	bool b;

	switch (id) {
	case JC_K_SHARE:
		if (!strcasecmp(val, "user") || !strcasecmp(val, "session")) {
			j->share = strcasecmp(val, "user") ? JC_SHARE_SESSION :
							     JC_SHARE_USER;
			return 0;
		}
		return bad(c, line, "share", "user or session", val);
	case JC_K_DEVPTS:
		if (!strcasecmp(val, "host") || !strcasecmp(val, "private")) {
			j->private_devpts = !strcasecmp(val, "private");
			return 0;
		}
		return bad(c, line, "devpts", "host or private", val);
	case JC_K_NETNS:
		if (!safe_name(val))
			return bad(c, line, "netns",
				   "the name of a network "
				   "namespace in /run/netns ([A-Za-z0-9_.-])",
				   val);
		return jc_cfg_strdup(c, val, &j->netns);
	default:
		if (jc_cfg_yes_no(val, &b) < 0)
			return bad(c, line,
				   id == JC_K_PERSIST ? "persist" :
							"limits_required",
				   "yes or no", val);
		*(id == JC_K_PERSIST ? &j->persist : &j->limits_required) = b;
		return 0;
	}
}

/* One word of root_ids: N or N-M, ids from 0 to 4294967294 (the top
 * value is -1, "no change", to set*id). */
static int id_range(const char *w, struct jc_id_range *r)
{
	unsigned long long lo, hi;
	char buf[32];
	char *dash;

	if (strlen(w) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", w);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (jc_cfg_number(buf, false, &lo) < 0 ||
	    jc_cfg_number(dash ? dash + 1 : buf, false, &hi) < 0 || lo > hi ||
	    hi >= 0xffffffffULL)
		return -1;
	r->lo = (unsigned)lo;
	r->hi = (unsigned)hi;
	return 0;
}

/* root_ids = N N-M ...: blanks or commas between words. */
static int root_ids_value(const struct jc_cfg_ctx *c, int line, const char *val,
			  struct jc_jail *j)
{
	char buf[512], *save = NULL, *w;

	j->n_root_ids = 0;
	if (strlen(val) >= sizeof(buf))
		return bad(c, line, "root_ids", "at most 511 characters",
			   "...");
	snprintf(buf, sizeof(buf), "%s", val);
	for (w = strtok_r(buf, " \t,", &save); w;
	     w = strtok_r(NULL, " \t,", &save)) {
		if (j->n_root_ids == JC_ROOT_IDS_MAX)
			return jc_fail_conf(c->err, 0, c->path, line,
					    "root_ids: more than %d ranges",
					    JC_ROOT_IDS_MAX);
		if (id_range(w, &j->root_ids[j->n_root_ids++]) < 0)
			return bad(c, line, "root_ids",
				   "ids or ranges N-M from 0 to 4294967294", w);
	}
	return 0;
}

int jc_cfg_limits_value(const struct jc_cfg_ctx *c, struct jc_jail *j, int id,
			int line, const char *val)
{
	unsigned long long n;

	if (id >= JC_K_RLIMIT_NPROC && id <= JC_K_RLIMIT_CORE)
		return rlimit_value(c, id, line, val, j);
	switch (id) {
	case JC_K_PIDS_MAX:
		return cgroup_value(c, id, line, val, &j->pids_max);
	case JC_K_MEMORY_MAX:
		return cgroup_value(c, id, line, val, &j->memory_max);
	case JC_K_CPU_MAX:
		return cgroup_value(c, id, line, val, &j->cpu_max);
	case JC_K_ROOT_IDS:
		return root_ids_value(c, line, val, j);
	case JC_K_TMPFS_INODES:
	case JC_K_PTY_MAX:
		if (jc_cfg_number(val, false, &n) < 0 || n == 0 ||
		    n > (1ULL << 31))
			return bad(c, line,
				   id == JC_K_PTY_MAX ? "pty_max" :
							"tmpfs_inodes",
				   "a number from 1 to 2^31", val);
		*(id == JC_K_PTY_MAX ? &j->pty_max : &j->tmpfs_inodes) = n;
		return 0;
	default:
		return word_value(c, j, id, line, val);
	}
}

/* Rules between keys.  A private devpts (the default) is capped at
 * JC_PTY_MAX_DEFAULT unless pty_max says otherwise; allow_root refuses
 * devpts = host (a root with dac_override must not open the host's
 * ptys). */
int jc_cfg_limits_check(const struct jc_cfg_ctx *c, struct jc_jail *j)
{
	if (j->netns && j->network == JC_NET_HOST)
		return jc_fail_conf(c->err, 0, c->path, j->key_line[JC_K_NETNS],
				    "netns and network = host "
				    "(line %d) exclude each other",
				    j->key_line[JC_K_NETWORK]);
	/* uid 0 in the host's network namespace reaches the host's abstract
	 * unix sockets, and daemons that trust SO_PEERCRED uid 0 obey it
	 * (containerd-shim, CVE-2020-15257). */
	if (j->allow_root && j->network == JC_NET_HOST)
		return jc_fail_conf(
			c->err, 0, c->path, j->key_line[JC_K_NETWORK],
			"network = host is not allowed "
			"with allow_root = yes (a jailed root would talk "
			"to the host's abstract sockets as uid 0)");
	if (j->allow_root && !j->private_devpts)
		return jc_fail_conf(c->err, 0, c->path,
				    j->key_line[JC_K_DEVPTS],
				    "devpts = host is not allowed "
				    "with allow_root = yes");
	if (j->pty_max && !j->private_devpts)
		return jc_fail_conf(
			c->err, 0, c->path, j->key_line[JC_K_PTY_MAX],
			"pty_max needs devpts = private "
			"(the host's devpts is shared by every session)");
	if (!j->allow_root && j->key_line[JC_K_ROOT_IDS])
		return jc_fail_conf(c->err, 0, c->path,
				    j->key_line[JC_K_ROOT_IDS],
				    "root_ids needs allow_root = yes");
	if (j->persist && j->share == JC_SHARE_SESSION)
		return jc_fail_conf(c->err, 0, c->path,
				    j->key_line[JC_K_PERSIST],
				    "persist needs share = user");
	if (j->private_devpts && !j->pty_max)
		j->pty_max = JC_PTY_MAX_DEFAULT;
	return 0;
}
