/* SPDX-License-Identifier: BSD-3-Clause */
/* config_quick.c - a login's first question (config.h): can the section
 * index (config_cache.c) alone say that no rule jails this user?  Most
 * logins on a host with jails are of users no rule names; they should pay
 * for a few stat()s, not for reading and parsing the config and asking NSS
 * for their groups.
 *
 * The index's "Q yes" says that the load that wrote it succeeded and that
 * only [user:] rules can jail anybody (default = none, every [group:] rule
 * says jail = none).  Then a user without a [user:] rule of the same
 * spelling is not jailed -- provided the files are still exactly those the
 * load read.  That is checked without opening them:
 *
 *   - each file by stat(): device, inode, size, mtime and ctime to the
 *     nanosecond, as recorded.  Any write changes the ctime, a
 *     replacement (an editor's rename) the inode; so do chmod and chown,
 *     so the file's admission (root's, closed to others) stands too.
 *   - the drop-in directory by stat() the same way: a drop-in added,
 *     removed or renamed changes the directory's mtime and ctime; one
 *     created where none was is a directory that now exists.
 *
 * An index written within JC_CFG_RACY_S of a recorded change says "racy"
 * and is not used: the kernel's timestamps come from a coarse clock, and a
 * second change in the same tick would keep them (git's "racy clean").
 * Anything unexpected -- no index, a foreign one, a mismatch, a stat that
 * fails -- is "cannot tell", and the login takes the full load, which
 * fails closed as before.  The index itself is trusted only as root's 0600
 * file in root's 0700 directory (as config_cache.c does). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_priv.h"
#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/hash.h"
#include "jailcore/90-support/paths.h"

#define QUICK_MAX (64 * 1024 * 1024)

/* Shared with config_cache.c, here so that the module's door links no more
 * of the config wing than this file (Makefile). */
void jc_cfg_ident_of(const struct stat *st, struct jc_cfg_ident *id)
{
	id->dev = (uint64_t)st->st_dev;
	id->ino = (uint64_t)st->st_ino;
	id->size = (int64_t)st->st_size;
	id->mtime_s = (int64_t)st->st_mtim.tv_sec;
	id->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
	id->ctime_s = (int64_t)st->st_ctim.tv_sec;
	id->ctime_ns = (int64_t)st->st_ctim.tv_nsec;
	id->valid = true;
}

void jc_cfg_index_name(const char *main_path, char *out, size_t size)
{
	snprintf(out, size, "conf-%016" PRIx64 ".idx", jc_fnv_str(main_path));
}

char *jc_cfg_map_index(const char *dir, const char *main_path, int prot,
		       size_t max, size_t *len)
{
	/* reading makes nothing: no index without its directory */
	cleanup_fd int dfd =
		jc_path_private_dir(AT_FDCWD, dir, dir, false, NULL);
	cleanup_fd int fd = -1;
	char name[64];
	struct stat st;
	void *m;

	if (dfd < 0)
		return NULL;
	jc_cfg_index_name(main_path, name, sizeof(name));
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 07777) != 0600 || st.st_size <= 0 ||
	    (size_t)st.st_size > max)
		return NULL;
	*len = (size_t)st.st_size;
	/* the writer renames a new index into place: this one's bytes never
	 * change under the mapping */
	m = mmap(NULL, *len, prot, MAP_PRIVATE, fd, 0);
	return m == MAP_FAILED ? NULL : m;
}

/* The next line of [*P, END) into BUF (NUL-terminated); false when there
 * is none or it does not fit. */
static bool take_line(const char **p, const char *end, char *buf, size_t size)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n;

	if (!nl || (n = (size_t)(nl - *p)) >= size)
		return false;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p = nl + 1;
	return true;
}

/* LINE is "TAG dev ino size mtime ctime... PATH" (config_cache.c's
 * write_ident) and PATH, stat()ed now, is still that; or "D - PATH" and
 * PATH does not exist. */
static bool still_same(const char *line, char tag)
{
	struct jc_cfg_ident rec = { .valid = true }, now;
	struct stat st;
	int off = 0;

	if (line[0] != tag || line[1] != ' ')
		return false;
	if (tag == 'D' && strncmp(line, "D - ", 4) == 0)
		return stat(line + 4, &st) < 0 && errno == ENOENT;
	if (sscanf(line + 2,
		   "%" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64
		   " %" SCNd64 " %" SCNd64 " %n",
		   &rec.dev, &rec.ino, &rec.size, &rec.mtime_s, &rec.mtime_ns,
		   &rec.ctime_s, &rec.ctime_ns, &off) != 7 ||
	    off == 0 || stat(line + 2 + off, &st) < 0)
		return false;
	jc_cfg_ident_of(&st, &now);
	return now.dev == rec.dev && now.ino == rec.ino &&
	       now.size == rec.size && now.mtime_s == rec.mtime_s &&
	       now.mtime_ns == rec.mtime_ns && now.ctime_s == rec.ctime_s &&
	       now.ctime_ns == rec.ctime_ns;
}

/* Is NAME one of the sorted lines of [A, B)?  Bisected by byte offset: a
 * probe backs up to the start of its line. */
static bool sorted_has(const char *a, const char *b, const char *name)
{
	size_t nlen = strlen(name);

	while (a < b) {
		const char *mid = a + (b - a) / 2, *eol;
		size_t len;
		int c;

		while (mid > a && mid[-1] != '\n')
			mid--;
		if (!(eol = memchr(mid, '\n', (size_t)(b - mid))))
			return true; /* malformed: "cannot tell" */
		len = (size_t)(eol - mid);
		c = memcmp(mid, name, len < nlen ? len : nlen);
		if (c == 0)
			c = len < nlen ? -1 : len > nlen;
		if (c == 0)
			return true;
		if (c < 0)
			a = eol + 1;
		else
			b = mid;
	}
	return false;
}

/* Does a [user:] rule name USER?  The sorted names follow the D line and
 * the FILES S lines of [P, BLOCK).  Asked first: a user a rule names (a
 * jailed login) goes to the core without a stat() here, since the core's
 * load checks the same files again. */
static bool named_user(const char *p, const char *block, size_t files,
		       const char *user)
{
	for (size_t i = 0; i <= files; i++) {
		const char *nl = memchr(p, '\n', (size_t)(block - p));

		if (!nl)
			return true; /* malformed: "cannot tell" */
		p = nl + 1;
	}
	return sorted_has(p, block, user);
}

/* Are the drop-in directory and the FILES files of [P, BLOCK) as the
 * load that wrote the index found them, the first at PATH? */
static bool files_unchanged(const char *p, const char *block, size_t files,
			    const char *path)
{
	char line[PATH_MAX + 200];
	int off = 0;

	if (!take_line(&p, block, line, sizeof(line)) || !still_same(line, 'D'))
		return false;
	for (size_t i = 0; i < files; i++) {
		if (!take_line(&p, block, line, sizeof(line)) ||
		    !still_same(line, 'S'))
			return false;
		/* the first file is the one asked about, at the same path */
		if (i == 0 && (sscanf(line, "S %*s %*s %*s %*s %*s %*s %*s %n",
				      &off) != 0 ||
			       off == 0 || strcmp(line + off, path) != 0))
			return false;
	}
	return true;
}

/* The quick block of the mapped index [P, END): 1 when it vouches that
 * USER is not jailed. */
static int quick_verdict(const char *p, const char *end, const char *path,
			 const char *user)
{
	char line[PATH_MAX + 200], verdict[8];
	size_t files, names, quick;
	const char *block;

	if ((size_t)(end - p) < strlen(JC_CFG_INDEX_MAGIC) ||
	    memcmp(p, JC_CFG_INDEX_MAGIC, strlen(JC_CFG_INDEX_MAGIC)) != 0)
		return 0;
	p += strlen(JC_CFG_INDEX_MAGIC);
	if (!take_line(&p, end, line, sizeof(line)) ||
	    sscanf(line, "Q %7s %zu %zu %zu", verdict, &files, &names,
		   &quick) != 4 ||
	    strcmp(verdict, "yes") != 0 || files == 0 ||
	    quick > (size_t)(end - p))
		return 0;
	block = p + quick;
	return !named_user(p, block, files, user) &&
	       files_unchanged(p, block, files, path);
}

int jc_config_quick_unjailed_at(const char *path, const char *user,
				const char *cache_dir)
{
	size_t len = 0;
	char *m;
	int rc;

	if (!path || !user || !*user || !cache_dir || strchr(user, '\n'))
		return 0;
	if (!(m = jc_cfg_map_index(cache_dir, path, PROT_READ, QUICK_MAX,
				   &len)))
		return 0;
	rc = quick_verdict(m, m + len, path, user);
	munmap(m, len);
	return rc;
}

int jc_config_quick_unjailed(const char *path, const char *user)
{
	return jc_config_quick_unjailed_at(path, user, JC_CONF_CACHE_DIR);
}
