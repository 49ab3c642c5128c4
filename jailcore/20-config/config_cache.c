/* SPDX-License-Identifier: BSD-3-Clause */
/* config_cache.c - the section index of a validated config, so that a
 * login of one user among 10,000 need not scan 10,000 rules.
 *
 * Every login scans the whole config (syntax, names, keys, duplicates
 * across files) and then parses only its own [user:] rule
 * (jc_config_load_for).  The scan is the cost that grows with the file:
 * about 7 ms for 10,000 users.  Once a login has scanned a set of files
 * without error, it writes their identities (device, inode, size, mtime
 * and ctime to the nanosecond, path, in order) and the line ranges of their
 * [user:] sections to JC_CONF_CACHE_DIR/conf-HASH.idx.  A later login whose
 * files have exactly those identities knows the scan would pass again --
 * the same bytes, scanned the same way -- and empties the other users'
 * ranges before scanning, as the scan itself would drop them afterwards.
 * Any write to a file changes its ctime (and a replacement its inode), so
 * an edited config is scanned in full again; a broken one then refuses
 * the login as before.
 *
 * The index is an optimisation only: a missing, foreign or unreadable one
 * is ignored (the full scan runs), a failed write is not reported.  It
 * lives in root's 0700 /run/pam_jail and is taken only when it is a
 * regular file of root's, mode 0600: nobody else can make a login skip a
 * check. */
#include "config_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/hash.h"
#include "jailcore/90-support/paths.h"

#define MAGIC "pam_jail config index 2\n"
#define IDX_MAX (8 * 1024 * 1024)

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

static void index_name(const char *main_path, char *out, size_t size)
{
	snprintf(out, size, "conf-%016" PRIx64 ".idx", jc_fnv_str(main_path));
}

static char *read_index(const char *dir, const char *main_path)
{
	/* reading makes nothing: no index without its directory */
	cleanup_fd int dfd = jc_path_private_dir(AT_FDCWD, dir, dir, false, NULL);
	cleanup_fd int fd = -1;
	cleanup_free char *buf = NULL;
	char name[64];
	struct stat st;

	if (dfd < 0)
		return NULL;
	index_name(main_path, name, sizeof(name));
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 07777) != 0600 || st.st_size <= 0 ||
	    st.st_size > IDX_MAX || !(buf = malloc((size_t)st.st_size + 1)) ||
	    read(fd, buf, (size_t)st.st_size) != st.st_size)
		return NULL;
	buf[st.st_size] = '\0';
	return steal_ptr(&buf);
}

static bool same_ident(const struct jc_cfg_ident *a, const struct jc_cfg_ident *b)
{
	return a->valid && b->valid && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime_s == b->mtime_s &&
	       a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s &&
	       a->ctime_ns == b->ctime_ns;
}

/* One "F ..." line: the identity, the counts and the path. */
static bool parse_file_line(char *line, struct jc_cfg_ident *id,
			    struct jc_cfg_hit_file *h, size_t *n_users,
			    const char **path)
{
	int off = 0;

	if (sscanf(line, "F %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %"
		   SCNd64 " %" SCNd64 " %" SCNd64 " %d %zu %zu %zu %n", &id->dev,
		   &id->ino, &id->size, &id->mtime_s, &id->mtime_ns,
		   &id->ctime_s, &id->ctime_ns, &h->lines, &h->secs, &h->n,
		   n_users, &off) != 11 || off == 0)
		return false;
	id->valid = true;
	*path = line + off;
	return true;
}

static bool parse_range(const char *line, char tag, int lines,
			struct jc_cfg_range *r)
{
	char t;

	return sscanf(line, "%c %d %d", &t, &r->from, &r->to) == 3 && t == tag &&
	       r->from >= 1 && r->to > r->from && r->to <= lines + 1;
}

/* The next line of *P (up to END), NUL-terminated in place. */
static char *next_line(char **p, char *end)
{
	char *line = *p, *nl;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (!nl)
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return line;
}

/* USER's "U FROM TO USER" among the N lines at *P: found by its name, the
 * other lines only skipped (10,000 users are 10,000 lines). */
static bool find_user(char **p, char *end, size_t n, int lines,
		      const char *user, struct jc_cfg_hit_file *h)
{
	char *block = *p, pat[300];
	size_t plen;

	for (size_t k = 0; k < n; k++) {
		char *nl = memchr(*p, '\n', (size_t)(end - *p));

		if (!nl || (*p)[0] != 'U')
			return false;
		*p = nl + 1;
	}
	plen = (size_t)snprintf(pat, sizeof(pat), " %s\n", user);
	h->has_user = false;
	for (char *q = block; plen < sizeof(pat) &&
	     (q = memmem(q, (size_t)(*p - q), pat, plen)); q += plen) {
		char *ls = q;

		while (ls > block && ls[-1] != '\n')
			ls--;
		/* the name is the line's last field: no blank in a name */
		if (memchr(ls, ' ', (size_t)(q - ls)) && q[plen - 1] == '\n') {
			char *line = ls;

			q[plen - 1] = '\0';
			if (!parse_range(line, 'U', lines, &h->user) ||
			    strcmp(q + 1, user) != 0)
				return false;
			h->has_user = true;
			break;
		}
	}
	return true;
}

int jc_cfg_cache_lookup(const char *dir, size_t n, const struct jc_cfg_cached *f,
			const char *user, struct jc_cfg_hit *hit)
{
	char *p, *end, *line;

	memset(hit, 0, sizeof(*hit));
	if (!n || !(hit->buf = read_index(dir, f[0].path)) ||
	    strncmp(hit->buf, MAGIC, strlen(MAGIC)) != 0 ||
	    !(hit->files = calloc(n, sizeof(*hit->files))))
		goto miss;
	hit->n = n;
	p = hit->buf + strlen(MAGIC);
	end = p + strlen(p);
	for (size_t i = 0; i < n; i++) {
		struct jc_cfg_hit_file *h = &hit->files[i];
		struct jc_cfg_ident id;
		const char *path;
		size_t n_users;

		if (!(line = next_line(&p, end)) ||
		    !parse_file_line(line, &id, h, &n_users, &path) ||
		    strcmp(path, f[i].path) != 0 || !same_ident(&id, &f[i].id) ||
		    h->lines != f[i].lines || n_users > h->secs ||
		    h->n > (size_t)h->lines ||
		    !(h->keep = calloc(h->n + 1, sizeof(*h->keep))))
			goto miss;
		h->users = n_users;
		for (size_t k = 0; k < h->n; k++)
			if (!(line = next_line(&p, end)) ||
			    !parse_range(line, 'K', h->lines, &h->keep[k]) ||
			    (k && h->keep[k].from < h->keep[k - 1].to))
				goto miss;
		if (!find_user(&p, end, n_users, h->lines, user, h))
			goto miss;
	}
	if (!(line = next_line(&p, end)) || strcmp(line, "end") != 0)
		goto miss;
	return 1;
miss:
	jc_cfg_hit_free(hit);
	return 0;
}

void jc_cfg_hit_free(struct jc_cfg_hit *hit)
{
	for (size_t i = 0; hit->files && i < hit->n; i++)
		free(hit->files[i].keep);
	free(hit->files);
	free(hit->buf);
	memset(hit, 0, sizeof(*hit));
}

static bool in_range(const struct jc_cfg_range *r, int line)
{
	return r->from <= line && line < r->to;
}

int jc_cfg_prune(char **text, size_t *len, const struct jc_cfg_hit_file *h)
{
	const char *p = *text, *end = *text + *len;
	char *out = malloc(*len + 1), *o = out;
	size_t r = 0;
	int line = 1;

	if (!out)
		return -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		while (r < h->n && h->keep[r].to <= line)
			r++;
		if ((r < h->n && in_range(&h->keep[r], line)) ||
		    (h->has_user && in_range(&h->user, line))) {
			memcpy(o, p, n);
			o += n;
		}
		if (nl)
			*o++ = '\n';
		p += n + (nl != NULL);
		line++;
	}
	*o = '\0';
	free(*text);
	*text = out;
	*len = (size_t)(o - out);
	return 0;
}

/* F's identity; the line ranges outside its [user:] sections (the
 * preamble and every other section: what all logins keep); then each
 * [user:] section's range and user.  A section runs to the next one's
 * header, the last one to the end of the file. */
static void write_file(FILE *fp, const struct jc_cfg_cached *f)
{
	const struct jc_scan *sc = f->sc;
	size_t n_users = 0, n_keep = 0;
	int from = 1;

#define SEC_END(k) ((k) + 1 < sc->n_secs ? sc->secs[(k) + 1].line : f->lines + 1)
	for (size_t k = 0; k < sc->n_secs; k++) {
		if (sc->secs[k].kind != JC_SEC_USER)
			continue;
		n_users++;
		n_keep += sc->secs[k].line > from;
		from = SEC_END(k);
	}
	n_keep += from <= f->lines;
	fprintf(fp, "F %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64
		" %" PRId64 " %" PRId64 " %d %zu %zu %zu %s\n", f->id.dev,
		f->id.ino, f->id.size, f->id.mtime_s, f->id.mtime_ns,
		f->id.ctime_s, f->id.ctime_ns, f->lines, sc->n_secs, n_keep,
		n_users, f->path);
	from = 1;
	for (size_t k = 0; k < sc->n_secs; k++) {
		if (sc->secs[k].kind != JC_SEC_USER)
			continue;
		if (sc->secs[k].line > from)
			fprintf(fp, "K %d %d\n", from, sc->secs[k].line);
		from = SEC_END(k);
	}
	if (from <= f->lines)
		fprintf(fp, "K %d %d\n", from, f->lines + 1);
	for (size_t k = 0; k < sc->n_secs; k++)
		if (sc->secs[k].kind == JC_SEC_USER)
			fprintf(fp, "U %d %d %s\n", sc->secs[k].line,
				(int)SEC_END(k), sc->secs[k].name);
#undef SEC_END
}

void jc_cfg_cache_store(const char *dir, size_t n, const struct jc_cfg_cached *f)
{
	cleanup_fd int dfd = -1;
	cleanup_file FILE *fp = NULL;
	char name[64], tmp[96];
	bool ok;

	for (size_t i = 0; i < n; i++)
		if (!f[i].id.valid || !f[i].sc || strchr(f[i].path, '\n'))
			return;
	if (!n || (dfd = jc_path_private_dir(AT_FDCWD, dir, dir, true, NULL)) < 0)
		return;
	index_name(f[0].path, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fp = jc_fdopen_owned(openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
				    O_NOFOLLOW | O_CLOEXEC, 0600), "w");
	if (!fp)
		return;
	fputs(MAGIC, fp);
	for (size_t i = 0; i < n; i++)
		write_file(fp, &f[i]);
	fputs("end\n", fp);
	/* fchmod: the umask of the caller may have taken bits off */
	ok = fflush(fp) == 0 && fchmod(fileno(fp), 0600) == 0;
	ok = fclose(steal_ptr(&fp)) == 0 && ok;	/* a full disk shows here */
	if (!ok || renameat(dfd, tmp, dfd, name) < 0)
		(void)unlinkat(dfd, tmp, 0);
}

/* ---- a login's load (config_load.c) ---------------------------------- */

static struct jc_cfg_cached *index_view(const struct jc_cfg_loader *L)
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
 * before the scan (config_cache.c says why that is safe).
 * -fanalyzer: the pruned texts are stored in L->f, freed by
 * loader_free (config_load.c). */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
int jc_cfg_use_index(struct jc_cfg_loader *L)
{
	cleanup_free struct jc_cfg_cached *c = NULL;
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
				rc = jc_fail_conf(L->err, ENOMEM, L->f[i].path,
						  0, "loading");
		}
		jc_cfg_hit_free(&hit);
	}
	return rc;
}
JC_NO_ANALYZER_LEAK_CHECK_END

/* After a full scan without an error: the next login may skip it. */
void jc_cfg_store_index(const struct jc_cfg_loader *L)
{
	cleanup_free struct jc_cfg_cached *c = NULL;

	if (L->incomplete || !(c = index_view(L)))
		return;
	jc_cfg_cache_store(L->cache_dir, L->n, c);
}
