/* SPDX-License-Identifier: BSD-3-Clause */
/* plan.c - see plan.h */
#include "plan.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/hash.h"
#include "jailcore/10-identity/identity.h"
#include "jailcore/90-support/paths.h"

static int expand_path(const char *tmpl, const struct jc_tokens *t, char *out,
		       const char *what, struct jc_err *err)
{
	if (jc_expand(tmpl, t, out, PATH_MAX, err) < 0)
		return jc_err_wrap(err, "%s", what);
	if (!jc_path_is_clean(out))
		return jc_fail(err, 0,
			       "%s: '%s' (from '%s') is not a clean "
			       "absolute path",
			       what, out, tmpl);
	return 0;
}

static int cmp_bind(const void *a, const void *b)
{
	return strcmp(((const struct jc_bind *)a)->dst,
		      ((const struct jc_bind *)b)->dst);
}

static int add_binds(struct jc_plan *p, const struct jc_bindspec *spec,
		     size_t n, bool ro, const struct jc_tokens *t,
		     struct jc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		struct jc_bind *b = &p->binds[p->n_binds];

		b->ro = ro;
		b->src_fd = -1;
		p->n_binds++;
		if (expand_path(spec[i].src, t, b->src,
				ro ? "bind_ro" : "bind_rw", err) < 0 ||
		    expand_path(spec[i].dst, t, b->dst,
				ro ? "bind_ro" : "bind_rw", err) < 0)
			return -1;
		if (strcmp(b->dst, "/") == 0)
			return jc_fail(err, 0,
				       "%s: cannot bind over the jail's /",
				       b->src);
	}
	return 0;
}

/* Every bind source must exist; it is opened now and cloned later. */
static int admit_binds(struct jc_plan *p, struct jc_err *err)
{
	qsort(p->binds, p->n_binds, sizeof(*p->binds), cmp_bind);
	for (size_t i = 0; i < p->n_binds; i++) {
		if (i > 0 && strcmp(p->binds[i].dst, p->binds[i - 1].dst) == 0)
			return jc_fail(err, 0, "%s is bound twice",
				       p->binds[i].dst);
		if (jc_path_open_host(p->binds[i].src, 0, &p->binds[i].src_fd,
				      err) < 0)
			return jc_err_wrap(err, "bind source");
	}
	return 0;
}

/* A jailed root owns uid 0 files in its tree: a setuid-root binary it
 * plants there is root for any host user who can reach it.  As FreeBSD's
 * jail(8) says, a directory above such a jail's root must be closed to
 * everyone but root (root-owned, mode 0700); the root itself cannot be, or
 * the jail's own users could not use "/".  A bind_rw source is the same
 * kind of place (the jailed root writes there, host users see it): it, or
 * a directory above it, must be closed the same way.  FROM_SELF: whether
 * PATH itself counts. */
static bool closed_at_or_above(const char *path, bool from_self)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if (from_self && stat(dir, &st) == 0 && st.st_uid == 0 &&
	    S_ISDIR(st.st_mode) && !(st.st_mode & (S_IXGRP | S_IXOTH)))
		return true;
	while ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		if (stat(dir, &st) == 0 && st.st_uid == 0 &&
		    !(st.st_mode & (S_IXGRP | S_IXOTH)))
			return true;
	}
	return false;
}

static int closed_above(const struct jc_plan *p, struct jc_err *err)
{
	if (!closed_at_or_above(p->root, false))
		return jc_fail(
			err, 0,
			"allow_root: no directory above %s is "
			"closed to other users; make one of them mode 0700 "
			"(a jailed root could otherwise plant setuid-root "
			"programs for host users)",
			p->root);
	for (size_t i = 0; i < p->n_binds; i++)
		if (!p->binds[i].ro &&
		    !closed_at_or_above(p->binds[i].src, true))
			return jc_fail(
				err, 0,
				"allow_root: bind_rw %s: neither it "
				"nor a directory above it is root-owned and "
				"closed to other users (mode 0700); a jailed "
				"root could plant setuid-root programs there "
				"for host users",
				p->binds[i].src);
	return 0;
}

static int plan_paths(struct jc_plan *p, const struct jc_jail *j,
		      const struct jc_tokens *t, struct jc_err *err)
{
	if (expand_path(j->root, t, p->root, "root", err) < 0)
		return -1;
	p->binds = calloc(j->n_bind_ro + j->n_bind_rw + 1, sizeof(*p->binds));
	p->tmpfs = calloc(j->n_tmpfs + 1, sizeof(*p->tmpfs));
	if (!p->binds || !p->tmpfs)
		return jc_fail(err, ENOMEM, "plan");
	if (add_binds(p, j->bind_ro, j->n_bind_ro, true, t, err) < 0 ||
	    add_binds(p, j->bind_rw, j->n_bind_rw, false, t, err) < 0)
		return -1;
	for (size_t i = 0; i < j->n_tmpfs; i++, p->n_tmpfs++)
		if (expand_path(j->tmpfs[i], t, p->tmpfs[i], "tmpfs", err) < 0)
			return -1;
	p->tmpfs_size = j->tmpfs_size;
	if (jc_path_open_host(p->root, JC_ADMIT_ROOT_OWNED | JC_ADMIT_DIR,
			      &p->root_fd, err) < 0)
		return jc_err_wrap(err, "jail root");
	if (j->allow_root && closed_above(p, err) < 0)
		return -1;
	return admit_binds(p, err);
}

static int plan_hostname(struct jc_plan *p, const struct jc_jail *j,
			 const struct jc_tokens *t, struct jc_err *err)
{
	if (jc_expand(j->hostname, t, p->hostname, sizeof(p->hostname), err) <
	    0)
		return jc_err_wrap(err, "hostname");
	for (const char *c = p->hostname; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.' &&
		    *c != '_')
			return jc_fail(err, 0,
				       "hostname '%s' has a character "
				       "not allowed in a host name",
				       p->hostname);
	if (!p->hostname[0])
		return jc_fail(err, 0, "hostname is empty");
	return 0;
}

/* PAM_TTY -> the host device to bind into the jail's /dev.  sshd passes
 * "ssh" (no pty yet); ptys under /dev/pts come with the devpts bind, or
 * with the session's own view of the host's devpts (host_pty_view);
 * console and serial logins reopen their tty by path (util-linux login),
 * so that node has to exist inside. */
static int plan_tty(struct jc_plan *p, const char *tty, struct jc_err *err)
{
	char path[PATH_MAX];
	struct stat st;

	if (!tty || !tty[0] || strchr(tty, ':') || strcmp(tty, "ssh") == 0)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s%s",
			     strncmp(tty, "/dev/", 5) ? "/dev/" : "",
			     tty) >= sizeof(path))
		return jc_fail(err, ENAMETOOLONG, "PAM_TTY");
	if (!jc_path_is_clean(path))
		return 0;
	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		return 0; /* not a device: nothing to reopen */
	if (strncmp(path, "/dev/pts/", 9) == 0) {
		/* a pty of the host's devpts: with a private one in the jail,
		 * /dev/pts/N there would be another pty (E14) */
		p->host_pty_view = p->private_devpts && !p->own_etc;
		return 0;
	}
	if (strchr(path + 5, '/'))
		return jc_fail(err, 0,
			       "PAM_TTY %s: nested tty paths are not "
			       "supported",
			       tty);
	strcpy(p->tty, path);
	return 0;
}

static bool field_ok(const char *s)
{
	return s && !strpbrk(s, ":\n");
}

static int append(char **buf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int append(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char line[2048];
	int n;
	char *nb;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	nb = realloc(*buf, *len + (size_t)n + 1);
	if (!nb)
		return -1;
	memcpy(nb + *len, line, (size_t)n + 1);
	*buf = nb;
	*len += (size_t)n;
	return 0;
}

static bool gid_listed(const struct jc_identity *g, size_t upto, gid_t gid)
{
	for (size_t i = 0; i < upto; i++)
		if (g->gids[i] == gid && g->names[i])
			return true;
	return false;
}

/* The tty group: sshd's monitor chowns ptys to it (sshpty.c
 * pty_setowner).  A failed lookup refuses; none at all means gid 5. */
static int tty_group(gid_t *gid, bool *known, struct jc_err *err)
{
	int rc = jc_group_by_name("tty", gid, NULL, err);

	*known = rc == JC_ID_FOUND;
	if (rc == JC_ID_UNKNOWN)
		*gid = 5;
	return rc < 0 ? -1 : 0;
}

/* The jail's /etc/passwd and /etc/group: root, nobody, the user and the
 * user's groups -- never the host's other accounts -- all under the names
 * NSS gave (identity.h). */
static int plan_identity(struct jc_plan *p, const struct jc_identity *g,
			 struct jc_err *err)
{
	const struct passwd *pw = &g->pw;
	size_t pl = 0, gl = 0;
	bool tty = false;
	int rc = 0;

	if (tty_group(&p->tty_gid, &tty, err) < 0)
		return -1;

	if (!field_ok(pw->pw_gecos) || !field_ok(pw->pw_dir) ||
	    !field_ok(pw->pw_shell))
		return jc_fail(err, 0,
			       "passwd entry of %s holds ':' or a "
			       "newline",
			       pw->pw_name);
	rc |= append(&p->passwd, &pl,
		     "root:x:0:0:root:/root:/usr/sbin/nologin\n");
	if (pw->pw_uid != 65534)
		rc |= append(&p->passwd, &pl,
			     "nobody:x:65534:65534:nobody:"
			     "/nonexistent:/usr/sbin/nologin\n");
	if (pw->pw_uid != 0)
		rc |= append(&p->passwd, &pl, "%s:x:%u:%u:%s:%s:%s\n",
			     pw->pw_name, pw->pw_uid, pw->pw_gid, pw->pw_gecos,
			     pw->pw_dir, pw->pw_shell);
	if (!gid_listed(g, g->n_groups, 0))
		rc |= append(&p->group, &gl, "root:x:0:\n");
	if (!gid_listed(g, g->n_groups, 65534))
		rc |= append(&p->group, &gl, "nogroup:x:65534:\n");
	if (tty && !gid_listed(g, g->n_groups, p->tty_gid))
		rc |= append(&p->group, &gl, "tty:x:%u:\n", p->tty_gid);
	for (size_t i = 0; i < g->n_groups; i++)
		if (g->names[i] && field_ok(g->names[i]) &&
		    !gid_listed(g, i, g->gids[i]))
			rc |= append(&p->group, &gl, "%s:x:%u:%s\n",
				     g->names[i], g->gids[i], pw->pw_name);
	if (rc)
		return jc_fail(err, ENOMEM, "identity files for %s",
			       pw->pw_name);
	return 0;
}

static int copy_names(char **src, size_t n, char ***dst, size_t *dn)
{
	*dn = 0;
	*dst = calloc(n + 1, sizeof(char *));
	if (!*dst)
		return -1;
	for (; *dn < n; (*dn)++)
		if (!((*dst)[*dn] = strdup(src[*dn])))
			return -1;
	return 0;
}

static int plan_seccomp(struct jc_plan *p, const struct jc_jail *j,
			struct jc_err *err)
{
	p->seccomp.mode = j->seccomp.mode;
	if (copy_names(j->seccomp.deny, j->seccomp.n_deny, &p->seccomp.deny,
		       &p->seccomp.n_deny) < 0 ||
	    copy_names(j->seccomp.allow, j->seccomp.n_allow, &p->seccomp.allow,
		       &p->seccomp.n_allow) < 0)
		return jc_fail(err, ENOMEM, "seccomp spec");
	return 0;
}

static struct jc_plan *plan_new(const struct passwd *pw)
{
	struct jc_plan *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->root_fd = -1;
	snprintf(p->user, sizeof(p->user), "%s", pw->pw_name);
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	snprintf(p->home, sizeof(p->home), "%s", pw->pw_dir);
	snprintf(p->shell, sizeof(p->shell), "%s", pw->pw_shell);
	return p;
}

static void plan_limits(struct jc_plan *p, const struct jc_jail *j)
{
	p->share = j->share;
	p->persist = j->persist;
	snprintf(p->netns, sizeof(p->netns), "%s", j->netns ? j->netns : "");
	p->tmpfs_inodes = j->tmpfs_inodes;
	p->pty_max = j->pty_max;
	memcpy(p->rlimit, j->rlimit, sizeof(p->rlimit));
	snprintf(p->pids_max, sizeof(p->pids_max), "%s",
		 j->pids_max ? j->pids_max : "");
	snprintf(p->memory_max, sizeof(p->memory_max), "%s",
		 j->memory_max ? j->memory_max : "");
	snprintf(p->cpu_max, sizeof(p->cpu_max), "%s",
		 j->cpu_max ? j->cpu_max : "");
	p->limits_required = j->limits_required;
}

/* The fingerprint answers only "is the running jail built the way this
 * login would build it" (hash.h). */
static void fnv(uint64_t *h, const void *data, size_t len)
{
	*h = jc_fnv(*h, data, len);
}

static void fnv_str(uint64_t *h, const char *s)
{
	fnv(h, s, strlen(s) + 1);
}

static void plan_fingerprint(struct jc_plan *p)
{
	uint64_t h = JC_FNV_INIT;

	fnv_str(&h, p->jail);
	fnv_str(&h, p->root);
	for (size_t i = 0; i < p->n_binds; i++) {
		fnv_str(&h, p->binds[i].src);
		fnv_str(&h, p->binds[i].dst);
		fnv(&h, &p->binds[i].ro, sizeof(p->binds[i].ro));
	}
	for (size_t i = 0; i < p->n_tmpfs; i++)
		fnv_str(&h, p->tmpfs[i]);
	fnv(&h, &p->tmpfs_size, sizeof(p->tmpfs_size));
	fnv(&h, &p->tmpfs_inodes, sizeof(p->tmpfs_inodes));
	fnv(&h, &p->network, sizeof(p->network));
	fnv_str(&h, p->netns);
	fnv_str(&h, p->hostname);
	fnv(&h, &p->private_devpts, sizeof(p->private_devpts));
	fnv(&h, &p->pty_max, sizeof(p->pty_max));
	fnv(&h, &p->own_etc, sizeof(p->own_etc));
	fnv(&h, &p->root_caps, sizeof(p->root_caps));
	fnv(&h, p->root_ids, p->n_root_ids * sizeof(p->root_ids[0]));
	fnv(&h, &p->seccomp.mode, sizeof(p->seccomp.mode));
	for (size_t i = 0; i < p->seccomp.n_deny; i++)
		fnv_str(&h, p->seccomp.deny[i]);
	fnv_str(&h, "|");
	for (size_t i = 0; i < p->seccomp.n_allow; i++)
		fnv_str(&h, p->seccomp.allow[i]);
	snprintf(p->fingerprint, sizeof(p->fingerprint), "%016llx",
		 (unsigned long long)h);
}

static int plan_jail(struct jc_plan *p, const struct jc_config *cfg,
		     const struct jc_jail *j, const struct jc_identity *id,
		     const char *tty, struct jc_err *err)
{
	const struct passwd *pw = &id->pw;
	struct jc_tokens t = {
		.user = pw->pw_name,
		.uid = pw->pw_uid,
		.gid = pw->pw_gid,
		.home = pw->pw_dir,
		.jail = j->name,
	};

	snprintf(p->conf_path, sizeof(p->conf_path), "%s", cfg->path);
	if (jc_config_dropin_dir(cfg->path, p->dropin_dir,
				 sizeof(p->dropin_dir)) < 0)
		p->dropin_dir[0] = '\0';
	p->network = j->network;
	p->own_etc = j->allow_root;
	p->private_devpts = j->private_devpts;
	p->root_session = j->allow_root && pw->pw_uid == 0;
	p->root_caps = j->root_caps;
	memcpy(p->root_ids, j->root_ids, sizeof(p->root_ids));
	p->n_root_ids = j->n_root_ids;
	plan_limits(p, j);
	if (plan_paths(p, j, &t, err) < 0 || plan_hostname(p, j, &t, err) < 0 ||
	    plan_tty(p, tty, err) < 0 || plan_identity(p, id, err) < 0 ||
	    plan_seccomp(p, j, err) < 0)
		return jc_err_wrap(err, "jail %s", j->name);
	plan_fingerprint(p);
	return JC_PLAN_JAILED;
}

int jc_plan_for_user(const struct jc_config *cfg, const struct jc_identity *id,
		     const char *tty, struct jc_plan **out, struct jc_err *err)
{
	const struct passwd *pw = &id->pw;
	cleanup_plan struct jc_plan *p = plan_new(pw);
	struct jc_match m;
	int rc;

	if (!p)
		return jc_fail(err, ENOMEM, "plan");
	if (jc_identity_match(cfg, id, &m, err) < 0)
		return -1;
	snprintf(p->why, sizeof(p->why), "%s", m.why);
	snprintf(p->notice, sizeof(p->notice), "%s", m.notice);
	if (m.jail)
		snprintf(p->jail, sizeof(p->jail), "%s", m.jail->name);
	if (!m.jail) {
		rc = JC_PLAN_NOT_JAILED;
	} else if (pw->pw_uid == 0 && !m.jail->allow_root) {
		snprintf(p->why, sizeof(p->why),
			 "uid 0 is never jailed unless "
			 "the jail sets allow_root (matched %s)",
			 m.why);
		rc = JC_PLAN_NOT_JAILED;
	} else {
		rc = plan_jail(p, cfg, m.jail, id, tty, err);
	}
	if (rc < 0)
		return -1;
	*out = steal_ptr(&p);
	return rc;
}

void jc_plan_free(struct jc_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_binds; i++)
		jc_closep(&p->binds[i].src_fd);
	jc_closep(&p->root_fd);
	free(p->binds);
	free(p->tmpfs);
	jc_cfg_free_names(p->seccomp.deny, p->seccomp.n_deny);
	jc_cfg_free_names(p->seccomp.allow, p->seccomp.n_allow);
	free(p->passwd);
	free(p->group);
	free(p);
}
