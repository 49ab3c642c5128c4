/* SPDX-License-Identifier: BSD-3-Clause */
/* cgroup.c - see cgroup.h */
#include "cgroup.h"
#include "sdbus.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "jailcore/20-config/config.h"
#include "jailcore/90-support/cleanup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CG_TOP "pam_jail" /* OWN: <v2 mount>/pam_jail/<name> */

/* The three controllers and the limit file each takes ("max" resets
 * any).  A mask of them: bit i for ctl[i]. */
static const struct {
	const char *ctrl, *file;
} ctl[3] = {
	{ "pids", "pids.max" },
	{ "memory", "memory.max" },
	{ "cpu", "cpu.max" },
};

static const char *limit_value(const struct jc_plan *p, int i)
{
	const char *v[3] = { p->pids_max, p->memory_max, p->cpu_max };

	return v[i][0] ? v[i] : NULL;
}

static unsigned wanted(const struct jc_plan *p)
{
	unsigned m = 0;

	for (int i = 0; i < 3; i++)
		m |= limit_value(p, i) ? 1u << i : 0;
	return m;
}

/* "pids memory" (FIELD 0: the controllers) or "pids.max memory.max"
 * (FIELD 1: the files) of MASK. */
static void mask_text(unsigned mask, int field, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < 3; i++)
		if (mask & (1u << i))
			snprintf(out + strlen(out), size - strlen(out), "%s%s",
				 out[0] ? " " : "",
				 field ? ctl[i].file : ctl[i].ctrl);
}

/* Where cgroup v2 is mounted: /sys/fs/cgroup on a unified host,
 * /sys/fs/cgroup/unified on a hybrid one (the v1 controllers beside it).
 * "" when neither. */
static int find_v2_mount(char *out, size_t size, bool *readonly,
			 struct jc_err *err)
{
	static const char *const where[] = { "/sys/fs/cgroup",
					     "/sys/fs/cgroup/unified" };

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		struct statfs sf;

		if (statfs(where[i], &sf) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			return jc_fail(err, errno, "statfs %s", where[i]);
		}
		if ((unsigned long)sf.f_type != CGROUP2_SUPER_MAGIC)
			continue;
		snprintf(out, size, "%s", where[i]);
		*readonly = (sf.f_flags & ST_RDONLY) != 0;
		return 0;
	}
	return 0;
}

/* The caller's cgroup v2 path, from the "0::" line of /proc/self/cgroup. */
static int own_cgroup_path(char *out, size_t size, struct jc_err *err)
{
	cleanup_fd int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	char buf[4096], *line, *save = NULL;
	ssize_t n;

	if (fd < 0)
		return jc_fail(err, errno, "open /proc/self/cgroup");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return jc_fail(err, errno, "read /proc/self/cgroup");
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "0::", 3) == 0) {
			snprintf(out, size, "%s", line + 3);
			return 0;
		}
	return jc_fail(err, 0, "/proc/self/cgroup has no cgroup v2 line");
}

/* sd_booted(3)'s test: systemd is pid 1 of this host. */
static int systemd_booted(bool *yes, struct jc_err *err)
{
	struct stat st;

	if (lstat("/run/systemd/system", &st) == 0) {
		*yes = S_ISDIR(st.st_mode);
		return 0;
	}
	if (errno != ENOENT)
		return jc_fail(err, errno, "lstat /run/systemd/system");
	*yes = false;
	return 0;
}

/* *MISSING: the limits PLAN sets whose controller is not among the
 * hierarchy's (its root's cgroup.controllers). */
static int missing_controllers(const struct jc_plan *p, int mnt,
			       unsigned *missing, struct jc_err *err)
{
	cleanup_fd int fd =
		openat(mnt, "cgroup.controllers", O_RDONLY | O_CLOEXEC);
	char have[512] = " ";
	ssize_t n;

	if (fd < 0)
		return jc_fail(err, errno, "open cgroup.controllers");
	n = read(fd, have + 1, sizeof(have) - 3);
	if (n < 0)
		return jc_fail(err, errno, "read cgroup.controllers");
	have[n + 1] = '\0';
	for (char *c = have; *c; c++)
		if (*c == '\n')
			*c = ' ';
	strcat(have, " ");
	*missing = 0;
	for (int i = 0; i < 3; i++) {
		char word[16];

		snprintf(word, sizeof(word), " %s ", ctl[i].ctrl);
		if (limit_value(p, i) && !strstr(have, word))
			*missing |= 1u << i;
	}
	return 0;
}

/* The limits of MASK cannot be applied (or are not enforced): a notice,
 * or with limits_required the refusal. */
static int unapplied(const struct jc_plan *p, unsigned mask,
		     struct jc_cgroup *cg, const char *why, struct jc_err *err)
{
	char which[64];

	if (!mask)
		return 0;
	mask_text(mask, 1, which, sizeof(which));
	snprintf(cg->notice, sizeof(cg->notice),
		 "jail %s: cgroup limits (%s) %s", p->jail, which, why);
	if (p->limits_required)
		return jc_fail(err, 0,
			       "%s, and the jail sets limits_required = yes",
			       cg->notice);
	return 0;
}

static int write_at(int dir, const char *file, const char *text,
		    const char *where, struct jc_err *err)
{
	cleanup_fd int fd =
		openat(dir, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return jc_fail(err, errno, "open %s/%s", where, file);
	if (write(fd, text, strlen(text)) < 0)
		return jc_fail(err, errno, "write '%s' to %s/%s", text, where,
			       file);
	return 0;
}

/* mkdir DIR/NAME (an existing one is reused) and open it. */
static int make_dir(int dir, const char *name, const char *shown,
		    struct jc_err *err)
{
	int fd;

	if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
		return jc_fail(err, errno, "mkdir %s", shown);
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jc_fail(err, errno, "open %s", shown);
	return fd;
}

/* The controllers of MASK, enabled for the children of DIR (a cgroup with
 * no process of its own: the hierarchy's root or pam_jail/). */
static int enable_controllers(unsigned mask, int dir, const char *where,
			      struct jc_err *err)
{
	for (int i = 0; i < 3; i++) {
		char plus[16];

		if (!(mask & (1u << i)))
			continue;
		snprintf(plus, sizeof(plus), "+%s", ctl[i].ctrl);
		if (write_at(dir, "cgroup.subtree_control", plus, where, err) <
		    0)
			return -1;
	}
	return 0;
}

/* Every limit file of the jail's cgroup gets PLAN's value, or "max" when
 * PLAN has none: a reused cgroup keeps nothing of an older setup. */
static int write_limits(const struct jc_plan *p, int dir, const char *where,
			struct jc_err *err)
{
	for (int i = 0; i < 3; i++) {
		const char *v = limit_value(p, i);

		/* no file: the controller is not on v2 (the notice said so) */
		if (faccessat(dir, ctl[i].file, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (write_at(dir, ctl[i].file, v ? v : "max", where, err) < 0)
			return -1;
	}
	return 0;
}

/* share = session: remove the cgroups ID.* of ended sessions from TOP
 * (rmdir fails on one that still has a process).  Best effort. */
static void sweep_sessions(int top, const char *id)
{
	cleanup_dir DIR *dir = jc_fdopendir_owned(dup(top));
	size_t len = strlen(id);
	struct dirent *d;

	while (dir && (d = readdir(dir)))
		if (strncmp(d->d_name, id, len) == 0 && d->d_name[len] == '.')
			(void)unlinkat(top, d->d_name, AT_REMOVEDIR);
}

static int enter_own(const struct jc_plan *p, const char *mount, int mnt,
		     const char *id, bool per_session, struct jc_cgroup *cg,
		     struct jc_err *err)
{
	char name[128], where[256];
	unsigned missing, usable;
	char top[96];
	cleanup_fd int pj = -1;
	cleanup_fd int dir = -1;

	if (missing_controllers(p, mnt, &missing, err) < 0)
		return -1;
	usable = wanted(p) & ~missing;
	if (missing) {
		char names[32], why[128];

		mask_text(missing, 0, names, sizeof(names));
		snprintf(why, sizeof(why),
			 "are not applied: this host's cgroup "
			 "v2 has no %s controller",
			 names);
		if (unapplied(p, missing, cg, why, err) < 0)
			return -1;
	}
	if (per_session)
		snprintf(name, sizeof(name), "%.96s.%d", id, (int)getpid());
	else
		snprintf(name, sizeof(name), "%.96s", id);
	snprintf(top, sizeof(top), "%s/" CG_TOP, mount);
	snprintf(where, sizeof(where), "%s/%s", top, name);
	if ((pj = make_dir(mnt, CG_TOP, top, err)) < 0)
		return -1;
	if (per_session)
		sweep_sessions(pj, id);
	if (enable_controllers(usable, mnt, mount, err) < 0 ||
	    enable_controllers(usable, pj, top, err) < 0)
		return -1;
	if ((dir = make_dir(pj, name, where, err)) < 0 ||
	    write_limits(p, dir, where, err) < 0 ||
	    write_at(dir, "cgroup.procs", "0", where, err) < 0)
		return -1;
	cg->kind = JC_CG_OWN;
	return 0;
}

/* SCOPE: pam_systemd made "session-ID.scope" for this login, and the
 * caller is in it (not in the scope of an enclosing session, as su run
 * inside one is). */
static bool own_session_scope(const char *path, const char *sd_session,
			      char *unit, size_t size)
{
	const char *last = strrchr(path, '/');

	if (!sd_session[0] || !last)
		return false;
	snprintf(unit, size, "session-%s.scope", sd_session);
	return strcmp(last + 1, unit) == 0;
}

static int enter_scope(const struct jc_plan *p, int mnt, const char *unit,
		       struct jc_cgroup *cg, struct jc_err *err)
{
	struct jc_cg_limits l;
	char names[32], why[256];
	unsigned missing;

	cg->kind = JC_CG_SCOPE;
	jc_cgroup_limits(p, &l);
	if (!l.any)
		return 0;
	if (jc_systemd_set_limits(unit, &l, err) < 0)
		return jc_err_wrap(err, "jail %s: limits", p->jail);
	if (missing_controllers(p, mnt, &missing, err) < 0)
		return -1;
	if (!missing)
		return 0;
	mask_text(missing, 0, names, sizeof(names));
	snprintf(why, sizeof(why),
		 "are set on %s but not enforced: this host's "
		 "cgroup v2 has no %s controller",
		 unit, names);
	return unapplied(p, missing, cg, why, err);
}

int jc_cgroup_enter(const struct jc_plan *p, const char *id, bool per_session,
		    const char *sd_session, struct jc_cgroup *cg,
		    struct jc_err *err)
{
	char mount[64], path[256], unit[80];
	bool ro = false, sd = false;
	cleanup_fd int mnt = -1;

	cg->kind = JC_CG_NONE;
	cg->notice[0] = '\0';
	if (find_v2_mount(mount, sizeof(mount), &ro, err) < 0)
		return -1;
	if (!mount[0])
		return unapplied(p, wanted(p), cg,
				 "are not applied: this host "
				 "has no cgroup v2 hierarchy",
				 err);
	if (systemd_booted(&sd, err) < 0 ||
	    own_cgroup_path(path, sizeof(path), err) < 0)
		return -1;
	if (!sd && ro)
		return unapplied(p, wanted(p), cg,
				 "are not applied: cgroup v2 "
				 "is mounted read-only here",
				 err);
	if (sd && !own_session_scope(path, sd_session, unit, sizeof(unit)))
		return unapplied(p, wanted(p), cg,
				 "are not applied: this login "
				 "has no systemd session scope of its own "
				 "(pam_systemd is not in its stack, or it runs "
				 "inside another session)",
				 err);
	mnt = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mnt < 0)
		return jc_fail(err, errno, "open %s", mount);
	return sd ? enter_scope(p, mnt, unit, cg, err) :
		    enter_own(p, mount, mnt, id, per_session, cg, err);
}

void jc_cgroup_limits(const struct jc_plan *p, struct jc_cg_limits *l)
{
	unsigned long long q, per;
	char qs[32], ps[32];

	l->tasks = l->memory = l->cpu_quota_usec = UINT64_MAX;
	l->cpu_period_usec = 0;
	l->any = wanted(p) != 0;
	/* the config checked these (config_limits.c); "max" stays UINT64_MAX */
	if (p->pids_max[0] && jc_cfg_number(p->pids_max, false, &q) == 0)
		l->tasks = q;
	if (p->memory_max[0] && jc_cfg_number(p->memory_max, true, &q) == 0)
		l->memory = q;
	if (p->cpu_max[0] && sscanf(p->cpu_max, "%31s %31s", qs, ps) == 2 &&
	    jc_cfg_number(ps, false, &per) == 0 && per > 0) {
		l->cpu_period_usec = per;
		if (jc_cfg_number(qs, false, &q) == 0)
			l->cpu_quota_usec = q * 1000000ULL / per;
	}
}

int jc_cgroup_detach_init(const struct jc_cgroup *cg, const char *id,
			  const struct jc_plan *p, pid_t init_pid,
			  struct jc_err *err)
{
	char unit[160], desc[PATH_MAX + 128];

	if (cg->kind != JC_CG_SCOPE)
		return 0;
	/* the pid keeps the name unique: the scope of an ended jail of the
	 * same id may not be collected yet */
	snprintf(unit, sizeof(unit), "pam_jail-%.96s-%d.scope", id,
		 (int)init_pid);
	snprintf(desc, sizeof(desc), "pam_jail jail %s (%s)", p->jail, p->root);
	return jc_systemd_start_scope(unit, init_pid, desc, err);
}
