/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_show.c - jailctl show USER: the jail USER would get and every
 * effective setting with its source, like `sshd -T -C user=...`. */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>
#include "jailcore/90-support/paths.h"
#include "jailctl.h"

/* ---- show ------------------------------------------------------------------ */

struct show {
	const struct jc_config *cfg;
	const struct jc_jail *j;
	const struct jc_plan *p;
};

/* Where key K of the jail comes from. */
static const char *src(const struct show *s, int k, char *buf, size_t size)
{
	char w[PATH_MAX + 32];

	if (!s->j->key_line[k])
		return "default";
	snprintf(buf, size, "[jail:%s] at %s", s->j->name,
		 jc_config_where(s->cfg, s->j->file, s->j->key_line[k], w,
				 sizeof(w)));
	return buf;
}

static void kv(const char *key, const char *source, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kv(const char *key, const char *source, const char *fmt, ...)
{
	va_list ap;

	printf("%-14s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\t# %s\n", source);
}

static const char *size_str(unsigned long long n, char *buf, size_t size)
{
	static const char sfx[] = "KMGT";
	int i = -1;

	while (i < 3 && n && n % 1024 == 0) {
		n /= 1024;
		i++;
	}
	snprintf(buf, size, "%llu%.*s", n, i >= 0, i >= 0 ? sfx + i : "");
	return buf;
}

static const char *limit_str(unsigned long long v, bool bytes, char *buf,
			     size_t size)
{
	if (v == JC_RLIM_UNSET)
		return "unset (the caller's limit stays)";
	if (v == JC_RLIM_INFINITY)
		return "unlimited";
	if (bytes)
		return size_str(v, buf, size);
	snprintf(buf, size, "%llu", v);
	return buf;
}

static const char *words(char *const *w, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? " " : "",
				      w[i]);
	return n ? buf : "-";
}

static const char *caps_str(unsigned long long mask, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64 && o < size; c++) {
		char *name;

		if (!(mask & (1ULL << c)))
			continue;
		name = cap_to_name((cap_value_t)c);
		o += (size_t)snprintf(
			buf + o, size - o, "%s%s", o ? " " : "",
			name ? name + (strncmp(name, "cap_", 4) ? 0 : 4) : "?");
		cap_free(name);
	}
	return o ? buf : "-";
}

/* root_ids as the config spells them: "N" or "N-M", blank-separated. */
static const char *ids_str(const struct jc_id_range *r, size_t n, char *buf,
			   size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++)
		o += (size_t)(r[i].lo == r[i].hi ?
				      snprintf(buf + o, size - o, "%s%u",
					       i ? " " : "", r[i].lo) :
				      snprintf(buf + o, size - o, "%s%u-%u",
					       i ? " " : "", r[i].lo, r[i].hi));
	return n ? buf : "- (none: only uid 0 and root's gid)";
}

static void show_paths(const struct show *s)
{
	const struct jc_plan *p = s->p;
	char b1[PATH_MAX + 64], b2[64];

	kv("root", src(s, JC_K_ROOT, b1, sizeof(b1)), "%s", p->root);
	for (size_t i = 0; i < p->n_binds; i++)
		kv("bind",
		   src(s, p->binds[i].ro ? JC_K_BIND_RO : JC_K_BIND_RW, b1,
		       sizeof(b1)),
		   "%s -> %s %s", p->binds[i].src, p->binds[i].dst,
		   p->binds[i].ro ? "ro" : "rw");
	for (size_t i = 0; i < p->n_tmpfs; i++)
		kv("tmpfs", src(s, JC_K_TMPFS, b1, sizeof(b1)), "%s",
		   p->tmpfs[i]);
	kv("tmpfs_size", src(s, JC_K_TMPFS_SIZE, b1, sizeof(b1)), "%s",
	   size_str(p->tmpfs_size, b2, sizeof(b2)));
	kv("tmpfs_inodes", src(s, JC_K_TMPFS_INODES, b1, sizeof(b1)), "%llu",
	   p->tmpfs_inodes);
	kv("dev", "pam_jail", "/dev %s",
	   p->private_devpts ? "(read-only tmpfs, a private devpts)" :
			       "(read-only tmpfs, the host's devpts)");
	kv("proc", "pam_jail", "%s",
	   "/proc (the jail's processes; sensitive "
	   "files masked)");
}

static void show_ns(const struct show *s)
{
	const struct jc_plan *p = s->p;
	char b1[PATH_MAX + 64], b2[64];

	kv("network", src(s, JC_K_NETWORK, b1, sizeof(b1)), "%s",
	   p->network == JC_NET_HOST ? "host" : "none");
	kv("netns", src(s, JC_K_NETNS, b1, sizeof(b1)), "%s",
	   p->netns[0] ? p->netns : "-");
	kv("hostname", src(s, JC_K_HOSTNAME, b1, sizeof(b1)), "%s",
	   p->hostname);
	kv("share", src(s, JC_K_SHARE, b1, sizeof(b1)), "%s",
	   p->share == JC_SHARE_SESSION ? "session" : "user");
	kv("persist", src(s, JC_K_PERSIST, b1, sizeof(b1)), "%s",
	   p->persist ? "yes" : "no");
	kv("devpts",
	   s->j->allow_root && !s->j->key_line[JC_K_DEVPTS] ?
		   "allow_root = yes" :
		   src(s, JC_K_DEVPTS, b1, sizeof(b1)),
	   "%s", p->private_devpts ? "private" : "host");
	kv("pty_max", src(s, JC_K_PTY_MAX, b1, sizeof(b1)), "%s",
	   p->private_devpts ?
		   (snprintf(b2, sizeof(b2), "%llu", p->pty_max), b2) :
		   "- (the host's devpts: no count of its own)");
}

static void show_privs(const struct show *s)
{
	const struct jc_plan *p = s->p;
	char b1[PATH_MAX + 64], b2[1024];

	kv("allow_root", src(s, JC_K_ALLOW_ROOT, b1, sizeof(b1)), "%s",
	   s->j->allow_root ? "yes" : "no");
	kv("root_caps",
	   s->j->allow_root ? src(s, JC_K_ROOT_CAPS, b1, sizeof(b1)) :
			      "allow_root = no",
	   "%s",
	   s->j->allow_root ? caps_str(p->root_caps, b2, sizeof(b2)) : "-");
	/* the ids the id filter lets a jailed root become (seccomp_ids.c) */
	kv("root_ids",
	   s->j->allow_root ? src(s, JC_K_ROOT_IDS, b1, sizeof(b1)) :
			      "allow_root = no",
	   "%s",
	   s->j->allow_root ?
		   ids_str(p->root_ids, p->n_root_ids, b2, sizeof(b2)) :
		   "-");
	kv("seccomp", src(s, JC_K_SECCOMP, b1, sizeof(b1)), "%s",
	   p->seccomp.mode == JC_SECCOMP_NONE ? "none" : "default");
	kv("seccomp_deny", src(s, JC_K_SECCOMP_DENY, b1, sizeof(b1)), "%s",
	   words(p->seccomp.deny, p->seccomp.n_deny, b2, sizeof(b2)));
	kv("seccomp_allow", src(s, JC_K_SECCOMP_ALLOW, b1, sizeof(b1)), "%s",
	   words(p->seccomp.allow, p->seccomp.n_allow, b2, sizeof(b2)));
}

static void show_limits(const struct show *s)
{
	static const char *const name[JC_RL__COUNT] = {
		"rlimit_nproc", "rlimit_nofile", "rlimit_as",
		"rlimit_fsize", "rlimit_cpu",	 "rlimit_core",
	};
	static const bool bytes[JC_RL__COUNT] = {
		[JC_RL_AS] = true,
		[JC_RL_FSIZE] = true,
		[JC_RL_CORE] = true,
	};
	const struct jc_plan *p = s->p;
	char b1[PATH_MAX + 64], b2[64];

	for (int r = 0; r < JC_RL__COUNT; r++)
		kv(name[r], src(s, JC_K_RLIMIT_NPROC + r, b1, sizeof(b1)), "%s",
		   limit_str(p->rlimit[r], bytes[r], b2, sizeof(b2)));
	kv("pids_max", src(s, JC_K_PIDS_MAX, b1, sizeof(b1)), "%s",
	   p->pids_max[0] ? p->pids_max : "-");
	kv("memory_max", src(s, JC_K_MEMORY_MAX, b1, sizeof(b1)), "%s",
	   p->memory_max[0] ? p->memory_max : "-");
	kv("cpu_max", src(s, JC_K_CPU_MAX, b1, sizeof(b1)), "%s",
	   p->cpu_max[0] ? p->cpu_max : "-");
	kv("limits_required", src(s, JC_K_LIMITS_REQUIRED, b1, sizeof(b1)),
	   "%s", p->limits_required ? "yes" : "no");
}

/* Each line of TEXT as "KEY LINE". */
static void show_lines(const char *key, const char *text)
{
	const char *nl;

	for (; text && *text; text = nl + 1) {
		nl = strchr(text, '\n');
		if (!nl) {
			printf("%-14s %s\n", key, text);
			return;
		}
		printf("%-14s %.*s\n", key, (int)(nl - text), text);
	}
}

static void show_plan(const struct show *s, const struct passwd *pw)
{
	const struct jc_plan *p = s->p;

	printf("%-14s %s uid=%u gid=%u home=%s\n", "user", pw->pw_name,
	       (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, pw->pw_dir);
	kv("jail", p->why, "%s", p->jail);
	for (size_t i = 0; i < s->cfg->n_files; i++)
		printf("%-14s %s\n", "config", s->cfg->files[i]);
	show_paths(s);
	show_ns(s);
	show_privs(s);
	show_limits(s);
	if (p->own_etc) {
		kv("passwd", "allow_root = yes", "%s",
		   "the jail's own /etc/passwd and /etc/group");
		return;
	}
	show_lines("passwd", p->passwd);
	show_lines("group", p->group);
}

int cmd_show(const struct opts *o, char **args)
{
	struct jc_config *cfg;
	struct jc_plan *p = NULL;
	struct jc_err err = { 0 };
	struct jc_identity id;
	const struct passwd *pw = &id.pw;
	int rc;

	if (lookup_user("show", args[0], false, &id) != JC_ID_FOUND) {
		complain("the module refuses %s's sessions", args[0]);
		return JCTL_FAIL;
	}
	if (!(cfg = load(o))) {
		jc_identity_free(&id);
		return JCTL_FAIL;
	}
	rc = jc_plan_for_user(cfg, &id, NULL, &p, &err);
	if (rc >= 0 && p->notice[0])
		printf("note: %s\n", p->notice);
	if (rc < 0) {
		complain("show %s: %s", pw->pw_name, err.msg);
		complain("the module refuses %s's sessions", pw->pw_name);
		rc = JCTL_FAIL;
	} else if (rc == JC_PLAN_NOT_JAILED) {
		printf("not jailed: %s%s\n", p->why,
		       p->why[0] == '[' ? " (jail = none)" : "");
		rc = JCTL_OK;
	} else {
		struct show s = { cfg, jc_config_find_jail(cfg, p->jail), p };

		if (s.j)
			show_plan(&s, pw);
		rc = s.j ? JCTL_OK : JCTL_FAIL;
	}
	jc_plan_free(p);
	jc_config_free(cfg);
	jc_identity_free(&id);
	return rc;
}
