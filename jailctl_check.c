/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_check.c - what breaks a session after its jail is built (see
 * jailctl.h, check_session).  The module admits the tree and mounts; then
 * the caller execs the user's shell inside the jail.  A shell the jail
 * does not hold, or whose ELF interpreter or #! interpreter it does not
 * hold, ends every login at once ("/bin/bash: No such file or directory"),
 * a failure no log line of pam_jail can name.  So check resolves the shell
 * the way the kernel will inside the jail: through the jail's own tree and
 * symlinks and the plan's binds (a bind's destination shows its source),
 * each absolute link from the jail's "/".
 *
 * Each item is a small function of the table at the end: add one there.
 * It only reads (lstat, readlink, read) as root: a user-writable bind
 * source could change under it, which makes a report stale, never unsafe.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailctl.h"

#define LINKS_MAX 40 /* as the kernel's MAXSYMLINKS */

/* Where jail path JP lies on the host: under the deepest bind whose
 * destination holds it, else under the root.  0; -1 (ENOENT) inside a
 * tmpfs, /dev or /proc, which start empty or hold no program. */
static int host_path(const struct jc_plan *p, const char *jp, char *out,
		     size_t size)
{
	const struct jc_bind *best = NULL;
	size_t blen = 0, len;

	for (size_t i = 0; i < p->n_tmpfs; i++) {
		len = strlen(p->tmpfs[i]);
		if (!strncmp(jp, p->tmpfs[i], len) && jp[len] == '/')
			return -1;
	}
	if (!strncmp(jp, "/dev/", 5) || !strncmp(jp, "/proc/", 6))
		return -1;
	for (size_t i = 0; i < p->n_binds; i++) {
		len = strlen(p->binds[i].dst);
		if (len >= blen && !strncmp(jp, p->binds[i].dst, len) &&
		    (jp[len] == '/' || !jp[len])) {
			best = &p->binds[i];
			blen = len;
		}
	}
	if (best)
		snprintf(out, size, "%s%s", best->src, jp + blen);
	else
		snprintf(out, size, "%s%s", p->root, jp);
	return 0;
}

struct resolved {
	char jail[PATH_MAX];	/* the final path inside the jail */
	char host[PATH_MAX];	/* where that is on the host */
	char missing[PATH_MAX]; /* on failure: the component not found */
	struct stat st;
};

/* Resolve PATH inside P's jail (following every symlink) into R.  0, or
 * an errno value: ENOENT (r->missing says which), ENOTDIR, ELOOP. */
static int resolve(const struct jc_plan *p, const char *path,
		   struct resolved *r)
{
	char todo[PATH_MAX * 2], cur[PATH_MAX] = "", link[PATH_MAX];
	int links = 0;

	snprintf(todo, sizeof(todo), "%s", path);
	for (char *c = todo; *c;) {
		char *slash, name[NAME_MAX + 1], rest[PATH_MAX];
		ssize_t n;

		while (*c == '/')
			c++;
		if (!*c)
			break;
		slash = strchr(c, '/');
		snprintf(name, sizeof(name), "%.*s",
			 (int)(slash ? slash - c : (long)strlen(c)), c);
		snprintf(rest, sizeof(rest), "%s", slash ? slash : "");
		if (!strcmp(name, ".") || !strcmp(name, "..")) {
			if (!strcmp(name, "..") && strrchr(cur, '/'))
				*strrchr(cur, '/') = '\0';
			snprintf(todo, sizeof(todo), "%s", rest);
			c = todo;
			continue;
		}
		if ((size_t)snprintf(r->jail, sizeof(r->jail), "%s/%s", cur,
				     name) >= sizeof(r->jail))
			return ENAMETOOLONG;
		if (host_path(p, r->jail, r->host, sizeof(r->host)) < 0 ||
		    lstat(r->host, &r->st) < 0) {
			snprintf(r->missing, sizeof(r->missing), "%s", r->jail);
			return ENOENT;
		}
		if (S_ISLNK(r->st.st_mode)) {
			if (++links > LINKS_MAX)
				return ELOOP;
			n = readlink(r->host, link, sizeof(link) - 1);
			if (n <= 0)
				return ENOENT;
			link[n] = '\0';
			/* an absolute link starts again at the jail's "/" */
			if (link[0] == '/')
				cur[0] = '\0';
			snprintf(todo, sizeof(todo), "%s%s", link, rest);
			c = todo;
			continue;
		}
		if (slash && !S_ISDIR(r->st.st_mode))
			return ENOTDIR;
		snprintf(cur, sizeof(cur), "%s", r->jail);
		snprintf(todo, sizeof(todo), "%s", rest);
		c = todo;
	}
	if (!cur[0]) { /* "/" itself */
		snprintf(r->jail, sizeof(r->jail), "/");
		return host_path(p, "/", r->host, sizeof(r->host)) < 0 ||
				       stat(r->host, &r->st) < 0 ?
			       ENOENT :
			       0;
	}
	return 0;
}

/* May ID execute a file of ST (the kernel's permission check as the user,
 * with the groups the login sets, and no capability in the jail)? */
static bool user_may_exec(const struct jc_identity *id, const struct stat *st)
{
	if (st->st_uid == id->pw.pw_uid)
		return st->st_mode & S_IXUSR;
	for (size_t i = 0; i < id->n_groups; i++)
		if (id->gids[i] == st->st_gid)
			return st->st_mode & S_IXGRP;
	return st->st_mode & S_IXOTH;
}

/* The interpreter the kernel loads for the file at HOST: PT_INTERP of an
 * ELF file, the #! line of a script.  "" when none. */
static void interpreter(const char *host, char *out, size_t size)
{
	unsigned char buf[4096];
	ssize_t n;
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	out[0] = '\0';
	if (fd < 0)
		return;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n > 2 && buf[0] == '#' && buf[1] == '!') {
		buf[n] = '\0';
		sscanf((char *)buf + 2, " %4095[^ \t\n]", out);
	} else if (n >= (ssize_t)sizeof(Elf64_Ehdr) &&
		   !memcmp(buf, ELFMAG, SELFMAG) &&
		   buf[EI_CLASS] == ELFCLASS64) {
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;

		for (int i = 0; i < eh->e_phnum; i++) {
			Elf64_Phdr ph;
			off_t at = (off_t)(eh->e_phoff +
					   (Elf64_Off)i * eh->e_phentsize);

			if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
				break;
			if (ph.p_type == PT_INTERP && ph.p_filesz < size) {
				if (pread(fd, out, ph.p_filesz,
					  (off_t)ph.p_offset) !=
				    (ssize_t)ph.p_filesz)
					out[0] = '\0';
				else
					out[ph.p_filesz] = '\0';
				break;
			}
		}
	}
	close(fd);
}

/* The reason into BUF (a message: cut when too long). */
static void why(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void why(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* Can PATH be executed inside the jail as PW?  NULL, or why not (in BUF),
 * worded as the failed exec will be: "PATH: No such file or directory"
 * also when what is missing is its interpreter (the kernel's ENOENT). */
static const char *exec_problem(const struct jc_plan *p,
				const struct jc_identity *id, const char *path,
				char *buf, size_t size)
{
	struct resolved r, ri;
	char interp[PATH_MAX];
	int e = resolve(p, path, &r);

	if (e == ENOENT) {
		why(buf, size,
		    "%s: No such file or directory in the jail "
		    "(%s is not in %s%s)",
		    path, r.missing, p->root,
		    strcmp(r.missing, path) ? ", nor bound" : "");
		return buf;
	}
	if (e) {
		why(buf, size, "%s: %s in the jail", path, strerror(e));
		return buf;
	}
	if (!S_ISREG(r.st.st_mode) || !user_may_exec(id, &r.st)) {
		why(buf, size,
		    "%s: Permission denied in the jail (%s: %s, "
		    "mode %04o)",
		    path, r.jail,
		    S_ISREG(r.st.st_mode) ? "not executable by the user" :
					    "not a regular file",
		    (unsigned)(r.st.st_mode & 07777));
		return buf;
	}
	interpreter(r.host, interp, sizeof(interp));
	if (!interp[0])
		return NULL;
	e = resolve(p, interp, &ri);
	if (e == ENOENT)
		why(buf, size,
		    "%s: No such file or directory in the jail "
		    "(its interpreter %s: %s is not in %s, nor bound)",
		    path, interp, ri.missing, p->root);
	else if (e)
		why(buf, size, "%s: its interpreter %s: %s in the jail", path,
		    interp, strerror(e));
	else if (!S_ISREG(ri.st.st_mode) || !user_may_exec(id, &ri.st))
		why(buf, size,
		    "%s: Permission denied in the jail (its "
		    "interpreter %s is not executable by the user)",
		    path, interp);
	else
		return NULL;
	return buf;
}

/* ---- the items -------------------------------------------------------- */

/* The caller execs the passwd shell inside the jail (sshd: also for a
 * command, `shell -c CMD`; sftp's internal-sftp needs none). */
static void check_shell(const struct jc_plan *p, const struct jc_identity *id,
			const char *label, struct findings *f)
{
	const struct passwd *pw = &id->pw;
	char reason[PATH_MAX * 3];
	const char *shell = pw->pw_shell && *pw->pw_shell ? pw->pw_shell :
							    "/bin/sh";

	if (exec_problem(p, id, shell, reason, sizeof(reason)))
		finding(f,
			"%s: shell %s: the login ends at once (jailctl create "
			"%s lays out what the binds need)",
			label, reason, pw->pw_name);
}

typedef void check_item(const struct jc_plan *p, const struct jc_identity *id,
			const char *label, struct findings *f);

static check_item *const items[] = {
	check_shell,
};

void check_session(const struct jc_plan *p, const struct jc_identity *id,
		   const char *label, struct findings *f)
{
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		items[i](p, id, label, f);
}
