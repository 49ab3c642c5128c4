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
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/hash.h"
#include "jailcore/90-support/paths.h"

#define MAGIC JC_CFG_INDEX_MAGIC
#define IDX_MAX (8 * 1024 * 1024)

/* The index, mapped copy-on-write (the lookup ends its lines in place):
 * at 10,000 users it is a third of a megabyte, of which a login touches
 * a few pages. */
static char *map_index_rw(const char *dir, const char *main_path, size_t *len)
{
	return jc_cfg_map_index(dir, main_path, PROT_READ | PROT_WRITE, IDX_MAX,
				len);
}

static bool same_ident(const struct jc_cfg_ident *a,
		       const struct jc_cfg_ident *b)
{
	return a->valid && b->valid && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime_s == b->mtime_s &&
	       a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s &&
	       a->ctime_ns == b->ctime_ns;
}

/* One "F ..." line: the identity, the counts and the path. */
static bool parse_file_line(char *line, struct jc_cfg_ident *id,
			    struct jc_cfg_hit_file *h, size_t *n_users,
			    size_t *ublen, const char **path)
{
	int off = 0;

	if (sscanf(line,
		   "F %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64
		   " %" SCNd64 " %" SCNd64 " %d %zu %zu %zu %zu %n",
		   &id->dev, &id->ino, &id->size, &id->mtime_s, &id->mtime_ns,
		   &id->ctime_s, &id->ctime_ns, &h->lines, &h->secs, &h->n,
		   n_users, ublen, &off) != 12 ||
	    off == 0)
		return false;
	id->valid = true;
	*path = line + off;
	return true;
}

static bool parse_range(const char *line, char tag, int lines,
			struct jc_cfg_range *r)
{
	char t;

	return sscanf(line, "%c %d %d %zu %zu", &t, &r->from, &r->to, &r->bfrom,
		      &r->bto) == 5 &&
	       t == tag && r->from >= 1 && r->to > r->from &&
	       r->to <= lines + 1 && r->bfrom < r->bto;
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

/* Compare the name that ends line [LINE, EOL) (its last field: a name
 * holds no blank, config_scan.c) with USER (ULEN bytes), as strcmp would
 * order them; *NAME gets its start.  2 when the line has no blank. */
static int cmp_last_field(const char *line, const char *eol, const char *user,
			  size_t ulen, const char **name)
{
	const char *sp = memrchr(line, ' ', (size_t)(eol - line));
	size_t len;
	int c;

	if (!sp)
		return 2;
	*name = sp + 1;
	len = (size_t)(eol - *name);
	c = memcmp(*name, user, len < ulen ? len : ulen);
	return c ? (c < 0 ? -1 : 1) : len < ulen ? -1 : len > ulen;
}

/* USER's "U FROM TO BFROM BTO USER" in the block of *P (UBLEN bytes, its
 * lines sorted by name: config_cache.c's write_file), bisected by byte
 * offset; the block skipped whole (10,000 users are 10,000 lines). */
static bool find_user(char **p, char *end, size_t ublen, int lines,
		      const char *user, struct jc_cfg_hit_file *h)
{
	char *a = *p, *b = *p + ublen;
	size_t ulen = strlen(user);

	if (ublen > (size_t)(end - a) ||
	    (ublen && (a[0] != 'U' || b[-1] != '\n')))
		return false;
	*p = b;
	h->has_user = false;
	while (a < b) {
		char *mid = a + (b - a) / 2, *eol;
		const char *name;
		int c;

		while (mid > a && mid[-1] != '\n')
			mid--;
		eol = memchr(mid, '\n', (size_t)(b - mid));
		c = eol ? cmp_last_field(mid, eol, user, ulen, &name) : 2;
		if (c == 2)
			return false;
		if (c == 0) {
			*eol = '\0';
			h->has_user = parse_range(mid, 'U', lines, &h->user);
			return h->has_user;
		}
		if (c < 0)
			a = eol + 1;
		else
			b = mid;
	}
	return true;
}

/* The "Q" line and the quick block after it (config_quick.c's part). */
static bool skip_quick_block(char **p, char *end, bool *racy_index)
{
	char verdict[8], *line = next_line(p, end);
	size_t files, names, quick;

	if (!line ||
	    sscanf(line, "Q %7s %zu %zu %zu", verdict, &files, &names,
		   &quick) != 4 ||
	    quick > (size_t)(end - *p))
		return false;
	*racy_index = strcmp(verdict, "racy") == 0;
	*p += quick;
	return true;
}

int jc_cfg_cache_lookup(const char *dir, size_t n,
			const struct jc_cfg_cached *f, const char *user,
			struct jc_cfg_hit *hit)
{
	char *p, *end, *line;

	memset(hit, 0, sizeof(*hit));
	if (!n || !(hit->buf = map_index_rw(dir, f[0].path, &hit->len)) ||
	    hit->len < strlen(MAGIC) ||
	    strncmp(hit->buf, MAGIC, strlen(MAGIC)) != 0 ||
	    !(hit->files = calloc(n, sizeof(*hit->files))))
		goto miss;
	hit->n = n;
	p = hit->buf + strlen(MAGIC);
	end = hit->buf + hit->len;
	if (!skip_quick_block(&p, end, &hit->racy))
		goto miss;
	for (size_t i = 0; i < n; i++) {
		struct jc_cfg_hit_file *h = &hit->files[i];
		struct jc_cfg_ident id;
		const char *path;
		size_t n_users, ublen;

		/* F[i].lines < 0: not counted; the same identity is the
		 * same bytes */
		if (!(line = next_line(&p, end)) ||
		    !parse_file_line(line, &id, h, &n_users, &ublen, &path) ||
		    strcmp(path, f[i].path) != 0 ||
		    !same_ident(&id, &f[i].id) ||
		    (f[i].lines >= 0 && h->lines != f[i].lines) ||
		    h->lines < 1 || n_users > h->secs ||
		    h->n > (size_t)h->lines ||
		    !(h->keep = calloc(h->n + 1, sizeof(*h->keep))))
			goto miss;
		h->users = n_users;
		for (size_t k = 0; k < h->n; k++)
			if (!(line = next_line(&p, end)) ||
			    !parse_range(line, 'K', h->lines, &h->keep[k]) ||
			    (k && h->keep[k].from < h->keep[k - 1].to))
				goto miss;
		if (!find_user(&p, end, ublen, h->lines, user, h))
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
	if (hit->buf)
		munmap(hit->buf, hit->len);
	memset(hit, 0, sizeof(*hit));
}

/* The ranges a login keeps of a file, in order: H's kept ones and the
 * user's own rule, merged. */
static size_t kept_ranges(const struct jc_cfg_hit_file *h,
			  struct jc_cfg_range *out)
{
	size_t n = 0, k = 0;
	bool user = h->has_user;

	while (k < h->n || user) {
		if (user && (k == h->n || h->user.from < h->keep[k].from)) {
			out[n++] = h->user;
			user = false;
		} else {
			out[n++] = h->keep[k++];
		}
	}
	return n;
}

/* Do R's byte offsets fit TEXT (LEN bytes, LINES lines), one after the
 * other, each starting a line? */
static bool ranges_fit(const struct jc_cfg_range *r, size_t n, const char *text,
		       size_t len, int lines)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].bto > len ||
		    (i &&
		     (r[i].from < r[i - 1].to || r[i].bfrom < r[i - 1].bto)) ||
		    (r[i].bfrom && text[r[i].bfrom - 1] != '\n') ||
		    (r[i].to <= lines && text[r[i].bto - 1] != '\n'))
			return false;
	return true;
}

int jc_cfg_prune(char **text, size_t *len, const struct jc_cfg_hit_file *h)
{
	cleanup_free struct jc_cfg_range *r = calloc(h->n + 2, sizeof(*r));
	size_t n, nl = 0, want = (size_t)h->lines - 1;
	int line = 1;
	char *out, *o;

	if (!r)
		return -1;
	n = kept_ranges(h, r);
	if (h->lines < 1 || !ranges_fit(r, n, *text, *len, h->lines))
		return 1;
	/* at most: every kept byte, and a newline for each other line */
	if (!(o = out = malloc(*len + 1)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t skip = (size_t)(r[i].from - line);

		memset(o, '\n', skip);
		o += skip;
		memcpy(o, *text + r[i].bfrom, r[i].bto - r[i].bfrom);
		o += r[i].bto - r[i].bfrom;
		nl += skip + (size_t)(r[i].to - r[i].from) -
		      (r[i].to > h->lines);
		line = r[i].to;
	}
	if (nl < want) {
		memset(o, '\n', want - nl);
		o += want - nl;
	}
	*o = '\0';
	free(*text);
	*text = out;
	*len = (size_t)(o - out);
	return 0;
}

/* The byte offset of the start of every line of F: OFF[k] for line k
 * (from 1), OFF[lines + 1] its length. */
static size_t *line_offsets(const struct jc_cfg_cached *f)
{
	size_t *off = calloc((size_t)f->lines + 2, sizeof(*off)), k = 1;

	if (!off)
		return NULL;
	off[1] = 0;
	for (size_t i = 0; i < f->len && k <= (size_t)f->lines; i++)
		if (f->text[i] == '\n')
			off[++k] = i + 1;
	off[f->lines + 1] = f->len;
	return off;
}

static int cmp_sec_name(const void *a, const void *b)
{
	return strcmp((*(const struct jc_scan_sec *const *)a)->name,
		      (*(const struct jc_scan_sec *const *)b)->name);
}

/* F's identity; the line ranges outside its [user:] sections (the
 * preamble and every other section: what all logins keep); then each
 * [user:] section's range and user.  A section runs to the next one's
 * header, the last one to the end of the file; every range is given in
 * lines and in bytes. */
static int write_file(FILE *fp, const struct jc_cfg_cached *f)
{
	const struct jc_scan *sc = f->sc;
	size_t n_users = 0, n_keep = 0, ublen = 0;
	cleanup_free size_t *off = line_offsets(f);
	cleanup_free const struct jc_scan_sec **by_name = NULL;
	int from = 1;

	if (!off)
		return -1;
#define SEC_END(k)                                                             \
	((k) + 1 < sc->n_secs ? sc->secs[(k) + 1].line : f->lines + 1)
#define U_ARGS(k)                                                              \
	sc->secs[k].line, (int)SEC_END(k), off[sc->secs[k].line],              \
		off[SEC_END(k)], sc->secs[k].name
	for (size_t k = 0; k < sc->n_secs; k++) {
		if (sc->secs[k].kind != JC_SEC_USER)
			continue;
		n_users++;
		n_keep += sc->secs[k].line > from;
		from = SEC_END(k);
		ublen += (size_t)snprintf(NULL, 0, "U %d %d %zu %zu %s\n",
					  U_ARGS(k));
	}
	n_keep += from <= f->lines;
	fprintf(fp,
		"F %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64
		" %" PRId64 " %" PRId64 " %d %zu %zu %zu %zu %s\n",
		f->id.dev, f->id.ino, f->id.size, f->id.mtime_s, f->id.mtime_ns,
		f->id.ctime_s, f->id.ctime_ns, f->lines, sc->n_secs, n_keep,
		n_users, ublen, f->path);
	from = 1;
	for (size_t k = 0; k < sc->n_secs; k++) {
		if (sc->secs[k].kind != JC_SEC_USER)
			continue;
		if (sc->secs[k].line > from)
			fprintf(fp, "K %d %d %zu %zu\n", from, sc->secs[k].line,
				off[from], off[sc->secs[k].line]);
		from = SEC_END(k);
	}
	if (from <= f->lines)
		fprintf(fp, "K %d %d %zu %zu\n", from, f->lines + 1, off[from],
			off[f->lines + 1]);
	if (!(by_name = calloc(n_users + 1, sizeof(*by_name))))
		return -1;
	n_users = 0;
	for (size_t k = 0; k < sc->n_secs; k++)
		if (sc->secs[k].kind == JC_SEC_USER)
			by_name[n_users++] = &sc->secs[k];
	/* sorted by name: a login bisects them (find_user) */
	qsort(by_name, n_users, sizeof(*by_name), cmp_sec_name);
	for (size_t u = 0; u < n_users; u++) {
		size_t k = (size_t)(by_name[u] - sc->secs);

		fprintf(fp, "U %d %d %zu %zu %s\n", U_ARGS(k));
	}
#undef U_ARGS
#undef SEC_END
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void write_ident(FILE *fp, char tag, const struct jc_cfg_ident *id,
			const char *path)
{
	fprintf(fp,
		"%c %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64
		" %" PRId64 " %" PRId64 " %s\n",
		tag, id->dev, id->ino, id->size, id->mtime_s, id->mtime_ns,
		id->ctime_s, id->ctime_ns, path);
}

/* The quick block: D (the drop-in directory), an S per file, then every
 * [user:] name of every file, sorted (config_quick.c bisects them). */
static int write_quick(FILE *fp, size_t n, const struct jc_cfg_cached *f,
		       const struct jc_cfg_dirid *d, size_t *n_names)
{
	cleanup_free const char **names = NULL;
	size_t k = 0, total = 0;

	if (d->absent)
		fprintf(fp, "D - %s\n", d->path);
	else
		write_ident(fp, 'D', &d->id, d->path);
	for (size_t i = 0; i < n; i++) {
		write_ident(fp, 'S', &f[i].id, f[i].path);
		total += f[i].sc->n_secs;
	}
	if (!(names = calloc(total + 1, sizeof(*names))))
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < f[i].sc->n_secs; s++)
			if (f[i].sc->secs[s].kind == JC_SEC_USER)
				names[k++] = f[i].sc->secs[s].name;
	qsort(names, k, sizeof(*names), cmp_str);
	for (size_t i = 0; i < k; i++)
		fprintf(fp, "%s\n", names[i]);
	*n_names = k;
	return 0;
}

int jc_cfg_cache_draft(size_t n, const struct jc_cfg_cached *f,
		       const struct jc_cfg_dirid *d, struct jc_cfg_draft *out)
{
	FILE *fp;
	long quick;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!n || !d->seen || strchr(d->path, '\n'))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!f[i].id.valid || !f[i].sc || strchr(f[i].path, '\n'))
			return -1;
	if (!(fp = open_memstream(&out->body, &out->len)))
		return -1;
	if (write_quick(fp, n, f, d, &out->n_names) == 0 &&
	    (quick = ftell(fp)) >= 0) {
		out->quick_len = (size_t)quick;
		rc = 0;
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = write_file(fp, &f[i]);
	}
	if (fclose(fp) != 0)
		rc = -1;
	out->n_files = n;
	if (rc < 0)
		jc_cfg_draft_free(out);
	return rc;
}

void jc_cfg_draft_free(struct jc_cfg_draft *dr)
{
	free(dr->body);
	memset(dr, 0, sizeof(*dr));
}

void jc_cfg_cache_commit(const char *dir, const char *main_path,
			 const struct jc_cfg_draft *dr, const char *verdict)
{
	cleanup_fd int dfd = -1;
	cleanup_file FILE *fp = NULL;
	char name[64], tmp[96];
	bool ok;

	if (!dr->body ||
	    (dfd = jc_path_private_dir(AT_FDCWD, dir, dir, true, NULL)) < 0)
		return;
	jc_cfg_index_name(main_path, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fp = jc_fdopen_owned(openat(dfd, tmp,
				    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					    O_CLOEXEC,
				    0600),
			     "w");
	if (!fp)
		return;
	fprintf(fp, "%sQ %s %zu %zu %zu\n", MAGIC, verdict, dr->n_files,
		dr->n_names, dr->quick_len);
	fwrite(dr->body, 1, dr->len, fp);
	fputs("end\n", fp);
	/* fchmod: the umask of the caller may have taken bits off */
	ok = fflush(fp) == 0 && fchmod(fileno(fp), 0600) == 0;
	ok = fclose(steal_ptr(&fp)) == 0 && ok; /* a full disk shows here */
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
					       .sc = &L->f[i].sc,
					       .text = L->f[i].text,
					       .len = L->f[i].len };
	return c;
}

/* Was anything recorded changed within JC_CFG_RACY_S of now?  Then a
 * change in the same clock tick would keep its timestamps (racy git). */
static bool racy(const struct jc_cfg_loader *L)
{
	struct timespec now;
	int64_t newest = L->dir.absent ? 0 : L->dir.id.ctime_s;

	for (size_t i = 0; i < L->n; i++)
		if (L->f[i].id.ctime_s > newest)
			newest = L->f[i].id.ctime_s;
	return clock_gettime(CLOCK_REALTIME, &now) < 0 ||
	       newest >= (int64_t)now.tv_sec - JC_CFG_RACY_S;
}

/* A login whose files the index knows: the other users' rules are emptied
 * before the scan (config_cache.c says why that is safe).
 * -fanalyzer: the pruned texts are stored in L->f, freed by
 * loader_free (config_load.c). */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
/* The line counts jc_cfg_read_file left to the index. */
static void count_lines(struct jc_cfg_loader *L)
{
	for (size_t i = 0; i < L->n; i++)
		if (L->f[i].lines < 0 && L->f[i].text)
			L->f[i].lines =
				jc_scan_line_at(L->f[i].text, L->f[i].len);
}

static int use_index(struct jc_cfg_loader *L);

int jc_cfg_use_index(struct jc_cfg_loader *L)
{
	int rc = use_index(L);

	count_lines(L); /* a miss: counted now */
	return rc;
}

static int use_index(struct jc_cfg_loader *L)
{
	cleanup_free struct jc_cfg_cached *c = NULL;
	struct jc_cfg_hit hit;
	bool found;
	int rc = 0;

	for (size_t i = 0; i < L->n; i++)
		if (L->f[i].dead)
			return 0;
	if (!(c = index_view(L)))
		return 0;
	/* an index drafted while a file was too new for config_quick.c to
	 * use: once it is old enough, a full scan writes one it can */
	found = jc_cfg_cache_lookup(L->cache_dir, L->n, c, L->only_user,
				    &hit) == 1;
	if (found && hit.racy && !racy(L)) {
		jc_cfg_hit_free(&hit);
		found = false;
	}
	if (found) {
		L->cached = true;
		for (size_t i = 0; i < L->n; i++)
			L->f[i].lines = hit.files[i].lines;
		for (size_t i = 0; i < L->n && rc == 0; i++) {
			const struct jc_cfg_hit_file *h = &hit.files[i];
			size_t drop = h->users - h->has_user;

			/* the main file must keep a section (scan_files) */
			/* a range that does not fit: that file is scanned
			 * whole (prune leaves it) */
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

/* After a full scan without an error: drafted now, while every file's
 * sections are known; written by jc_cfg_commit_index. */
void jc_cfg_store_index(struct jc_cfg_loader *L)
{
	cleanup_free struct jc_cfg_cached *c = NULL;

	if (L->incomplete || !(c = index_view(L)))
		return;
	(void)jc_cfg_cache_draft(L->n, c, &L->dir, &L->draft);
}

/* Can the index alone say "not jailed" for a user without a [user:] rule?
 * Only when no rule but a [user:] one can jail anybody. */
static bool rules_user_only(const struct jc_config *cfg)
{
	if (cfg->default_jail)
		return false;
	for (size_t i = 0; i < cfg->n_groups; i++)
		if (cfg->groups[i].jail)
			return false;
	return true;
}

/* The whole load succeeded: the drafted index may be written. */
void jc_cfg_commit_index(struct jc_cfg_loader *L, const struct jc_config *cfg)
{
	if (!L->draft.body)
		return;
	jc_cfg_cache_commit(L->cache_dir, L->f[0].path, &L->draft,
			    racy(L)		 ? "racy" :
			    rules_user_only(cfg) ? "yes" :
						   "no");
}
