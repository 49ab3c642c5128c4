/* SPDX-License-Identifier: BSD-3-Clause */
/* idfiles.c - see idfiles.h */
#include "idfiles.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "jailcore/90-support/buf.h"
#include "jailcore/90-support/cleanup.h"

#define IDFILE_MAX (64u << 20) /* as identity.h's NSS buffers */

/* Field I (0-based, ':'-separated) of LINE (LEN bytes): its start, and
 * its length in *N; NULL when the line has fewer fields. */
static const char *field(const char *line, size_t len, int i, size_t *n)
{
	const char *p = line, *end = line + len;

	for (; i > 0; i--) {
		p = memchr(p, ':', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	*n = (size_t)((memchr(p, ':', (size_t)(end - p)) ?
			       (const char *)memchr(p, ':', (size_t)(end - p)) :
			       end) -
		      p);
	return p;
}

static bool field_is(const char *line, size_t len, int i, const char *want)
{
	size_t n;
	const char *f = field(line, len, i, &n);

	return f && n == strlen(want) && memcmp(f, want, n) == 0;
}

/* The line of TEXT whose first field is NAME, or NULL; *LEN its length. */
static const char *find_line(const char *text, const char *name, size_t nlen,
			     size_t *len)
{
	for (const char *l = text; *l; l += *len + (l[*len] == '\n')) {
		*len = strcspn(l, "\n");
		if (*len > nlen && l[nlen] == ':' && memcmp(l, name, nlen) == 0)
			return l;
	}
	return NULL;
}

/* A group line without USER in its member list, then USER added back when
 * ADD; LINE is LEN bytes without its newline. */
static void put_group_line(struct jc_buf *t, const char *line, size_t len,
			   const char *user, bool add)
{
	size_t n, ulen = strlen(user);
	const char *mem = field(line, len, 3, &n);
	bool first = true;

	if (!mem) {
		jc_buf_put(t, line, len); /* not a group line: as it was */
		jc_buf_put(t, "\n", 1);
		return;
	}
	jc_buf_put(t, line, (size_t)(mem - line));
	for (const char *m = mem, *end = mem + n; m < end;) {
		const char *c = memchr(m, ',', (size_t)(end - m));
		size_t mlen = (size_t)((c ? c : end) - m);

		if (mlen && !(mlen == ulen && memcmp(m, user, ulen) == 0)) {
			jc_buf_put(t, ",", !first);
			jc_buf_put(t, m, mlen);
			first = false;
		}
		m += mlen + (c != NULL);
	}
	if (add) {
		jc_buf_put(t, ",", !first);
		jc_buf_put(t, user, ulen);
	}
	jc_buf_put(t, "\n", 1);
}

/* Does MINE put USER in the group line named like LINE? */
static bool mine_has(const char *mine, const char *line, size_t len,
		     const char *user)
{
	size_t n, mlen;
	const char *name = field(line, len, 0, &n);
	const char *m = find_line(mine, name, n, &mlen);

	return m && field_is(m, mlen, 3, user);
}

/* MINE's lines whose name HAVE does not list yet, and those named ALWAYS
 * (the user's own passwd line, which merge_passwd dropped), appended. */
static void put_missing(struct jc_buf *t, const char *have, const char *mine,
			const char *always)
{
	size_t len, n;

	for (const char *l = mine; *l; l += len + (l[len] == '\n')) {
		const char *name;

		len = strcspn(l, "\n");
		name = field(l, len, 0, &n);
		if (len && name &&
		    ((always && field_is(l, len, 0, always)) ||
		     !find_line(have, name, n, &(size_t){ 0 }))) {
			jc_buf_put(t, l, len);
			jc_buf_put(t, "\n", 1);
		}
	}
}

static char *merge_group(const char *have, const char *mine, const char *user)
{
	struct jc_buf t = { 0 };
	size_t len;

	jc_buf_put(&t, "", 0);
	for (const char *l = have; *l; l += len + (l[len] == '\n')) {
		len = strcspn(l, "\n");
		if (len)
			put_group_line(&t, l, len, user,
				       mine_has(mine, l, len, user));
	}
	put_missing(&t, have, mine, NULL); /* groups new to the jail */
	return jc_buf_steal(&t);
}

/* passwd: every line of the user (by name or uid) is replaced by MINE's;
 * MINE's other lines (root, nobody) are added when missing. */
static char *merge_passwd(const char *have, const char *mine, const char *user,
			  uid_t uid)
{
	struct jc_buf t = { 0 };
	char uidstr[24];
	size_t len;

	snprintf(uidstr, sizeof(uidstr), "%u", (unsigned)uid);
	jc_buf_put(&t, "", 0);
	for (const char *l = have; *l; l += len + (l[len] == '\n')) {
		len = strcspn(l, "\n");
		if (!len || field_is(l, len, 0, user) ||
		    (uid != 0 && field_is(l, len, 2, uidstr)))
			continue;
		jc_buf_put(&t, l, len);
		jc_buf_put(&t, "\n", 1);
	}
	put_missing(&t, have, mine, user);
	return jc_buf_steal(&t);
}

char *jc_idfile_merge(const char *have, const char *mine, const char *user,
		      uid_t uid, bool group)
{
	return group ? merge_group(have, mine, user) :
		       merge_passwd(have, mine, user, uid);
}

static char *read_all(int fd)
{
	struct jc_buf t = { 0 };
	char buf[8192];
	ssize_t n;

	jc_buf_put(&t, "", 0);
	while ((n = pread(fd, buf, sizeof(buf), (off_t)t.len)) > 0 &&
	       t.len < IDFILE_MAX)
		jc_buf_put(&t, buf, (size_t)n);
	if (n < 0)
		t.bad = true;
	return jc_buf_steal(&t);
}

/* The files are readable inside the jail, so a process there can hold a
 * lock on them: wait a bounded time, never hang the login's caller. */
static int lock_bounded(int fd)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= 2000)
			return -1;
		nanosleep(&tick, NULL);
	}
	return 0;
}

int jc_idfile_sync(int fd, const char *name, const char *mine, const char *user,
		   uid_t uid, bool group, struct jc_err *err)
{
	cleanup_free char *have = NULL;
	cleanup_free char *merged = NULL;
	int rc = 0;

	if (lock_bounded(fd) < 0)
		return jc_fail(err, errno,
			       "lock the jail's %s (held by a "
			       "process in the jail?)",
			       name);
	have = read_all(fd);
	if (!have || !(merged = jc_idfile_merge(have, mine, user, uid, group)))
		rc = jc_fail(err, have ? ENOMEM : errno, "read the jail's %s",
			     name);
	else if (strcmp(have, merged) != 0 &&
		 (ftruncate(fd, 0) < 0 || pwrite(fd, merged, strlen(merged),
						 0) != (ssize_t)strlen(merged)))
		rc = jc_fail(err, errno, "write the jail's %s", name);
	flock(fd, LOCK_UN);
	return rc;
}
