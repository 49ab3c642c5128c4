/* SPDX-License-Identifier: BSD-3-Clause */
/* config_read.c - stage 1 of loading (config_load.c): reading
 * pam_jail.conf and the drop-ins of dirname(conf)/pam_jail.d, each file
 * opened without following a FIFO, fstat'ed and admitted like the main one
 * (root's, nobody else may write it), at most CONF_MAX bytes.  The
 * drop-in directory: its admission and its sorted list of *.conf names.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_priv.h"
#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/paths.h"

#define DROPIN_MAX 100000 /* one file per customer, and then some */
#define DROPIN_DIR_NAME "pam_jail.d"

int jc_config_dropin_dir(const char *path, char *buf, size_t size)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	int n;

	if (!path)
		return -1;
	if (slash)
		n = snprintf(buf, size, "%.*s/%s", (int)(slash - path), path,
			     DROPIN_DIR_NAME);
	else
		n = snprintf(buf, size, "%s", DROPIN_DIR_NAME);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int is_dropin_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 5 && strcmp(n + len - 5, ".conf") == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void jc_cfg_free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The drop-in names of the open directory DFD, sorted (strcmp).  V stays
 * NULL-terminated while it grows, so its release frees what is in it.
 * -fanalyzer: the names go to *OUT, which the caller frees with
 * jc_cfg_free_names (an array of pointers, see err.h). */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
int jc_cfg_list_dropins(int dfd, const char *dir, char ***out, size_t *n,
			struct jc_err *err)
{
	size_t cap = 64, k = 0;
	cleanup_strv char **v = calloc(cap, sizeof(*v));
	cleanup_dir DIR *d = jc_fdopendir_owned(dup(dfd));
	struct dirent *de;

	*n = 0;
	if (!v || !d)
		return jc_fail_conf(err, v ? errno : ENOMEM, dir, 0, "reading");
	while ((errno = 0, de = readdir(d))) {
		if (!is_dropin_name(de->d_name))
			continue;
		if (k == DROPIN_MAX)
			return jc_fail_conf(err, 0, dir, 0,
					    "more than %d drop-in files",
					    DROPIN_MAX);
		if (k + 1 == cap) {
			char **more = realloc(v, 2 * cap * sizeof(*v));

			if (!more)
				return jc_fail_conf(err, ENOMEM, dir, 0,
						    "reading");
			v = more;
			cap *= 2;
		}
		if (!(v[k] = strdup(de->d_name)))
			return jc_fail_conf(err, ENOMEM, dir, 0, "reading");
		v[++k] = NULL;
	}
	if (errno)
		return jc_fail_conf(err, errno, dir, 0, "readdir");
	qsort(v, k, sizeof(*v), cmp_names);
	*n = k;
	*out = steal_ptr(&v);
	return 0;
}
JC_NO_ANALYZER_LEAK_CHECK_END

/* Open DIR and admit it: root's, nobody else may add a file to it.  *DFD
 * is -1 when DIR does not exist (no drop-ins). */
int jc_cfg_open_dropin_dir(const char *dir, int *dfd, struct jc_cfg_dirid *id,
			   struct jc_err *err)
{
	cleanup_fd int fd = -1;
	struct stat st;
	const char *why;

	*dfd = -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		if (id)
			*id = (struct jc_cfg_dirid){ .seen = true,
						     .absent = true,
						     .path = dir };
		return 0;
	}
	if (fd < 0)
		return jc_fail_conf(err, errno, dir, 0, "cannot open");
	if (fstat(fd, &st) < 0)
		return jc_fail_conf(err, errno, dir, 0, "fstat");
	if ((why = jc_path_not_root_only(&st)))
		return jc_fail_conf(err, 0, dir, 0, "%s", why);
	if (id) {
		*id = (struct jc_cfg_dirid){ .seen = true, .path = dir };
		jc_cfg_ident_of(&st, &id->id);
	}
	*dfd = steal_fd(&fd);
	return 0;
}

/* ---- the files of one load ------------------------------------------- */

#define CONF_MAX (1024 * 1024) /* no sane pam_jail.conf comes close */

/* The rule doas and sshd apply: root's file, nobody else may write it. */
static int check_conf_fd(int fd, const char *path, struct jc_cfg_ident *id,
			 struct jc_err *err)
{
	struct stat st;
	const char *why;

	if (fstat(fd, &st) < 0)
		return jc_fail_conf(err, errno, path, 0, "fstat");
	if (!S_ISREG(st.st_mode))
		return jc_fail_conf(err, 0, path, 0, "not a regular file");
	if ((why = jc_path_not_root_only(&st)))
		return jc_fail_conf(err, 0, path, 0, "%s", why);
	if (st.st_size > CONF_MAX)
		return jc_fail_conf(err, 0, path, 0, "larger than 1 MiB");
	jc_cfg_ident_of(&st, id);
	return 0;
}

/* Read all of FD (at most CONF_MAX bytes: the file may grow after fstat).
 * -fanalyzer: *BUF is the caller's (a file of the loader, freed with it). */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
static int read_all(int fd, const char *path, char **buf, size_t *len,
		    struct jc_err *err)
{
	ssize_t n;
	char *small;

	*len = 0;
	*buf = malloc(CONF_MAX + 1);
	if (!*buf)
		return jc_fail_conf(err, ENOMEM, path, 0, "reading");
	do {
		n = read(fd, *buf + *len, CONF_MAX + 1 - *len);
		if (n > 0)
			*len += (size_t)n;
	} while ((n > 0 && *len <= CONF_MAX) || (n < 0 && errno == EINTR));
	if (n < 0 || *len > CONF_MAX) {
		if (n < 0)
			jc_fail_conf(err, errno, path, 0, "read");
		else
			jc_fail_conf(err, 0, path, 0, "larger than 1 MiB");
		free(*buf);
		*buf = NULL;
		return -1;
	}
	/* many drop-ins must not hold a MiB each */
	small = realloc(*buf, *len + 1);
	if (small)
		*buf = small;
	return 0;
}
JC_NO_ANALYZER_LEAK_CHECK_END

/* -fanalyzer: the path is stored in L->f, freed by loader_free
 * (config_load.c). */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
struct jc_cfg_file *jc_cfg_add_file(struct jc_cfg_loader *L, const char *path)
{
	struct jc_cfg_file *f;
	size_t cap;

	if (L->n == L->cap) {
		cap = L->cap ? L->cap * 2 : 8;
		f = realloc(L->f, cap * sizeof(*f));
		if (!f)
			return NULL;
		L->f = f;
		L->cap = cap;
	}
	f = &L->f[L->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	L->n++;
	return f;
}
JC_NO_ANALYZER_LEAK_CHECK_END

/* NAME relative to DIRFD (or AT_FDCWD), shown as PATH in messages.
 * -fanalyzer: what read_all reads is stored in L->f, freed by
 * loader_free (config_load.c). */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
int jc_cfg_read_file(struct jc_cfg_loader *L, int dirfd, const char *name,
		     const char *path)
{
	struct jc_cfg_file *f = jc_cfg_add_file(L, path);
	cleanup_fd int fd = -1;
	int rc;

	if (!f)
		return jc_fail_conf(L->err, ENOMEM, path, 0, "loading");
	/* O_NONBLOCK: a FIFO in the config's place must not hang the login;
	 * fstat then refuses it. */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		rc = jc_fail_conf(L->err, errno, path, 0, "cannot open");
	else
		rc = check_conf_fd(fd, path, &f->id, L->err);
	if (rc == 0)
		rc = read_all(fd, path, &f->text, &f->len, L->err);
	/* a login's load counts them only when the index does not know the
	 * file (jc_cfg_use_index): 10,000 users are 30,000 lines */
	if (rc == 0)
		f->lines = L->only_user && L->cache_dir ?
				   -1 :
				   jc_scan_line_at(f->text, f->len);
	if (rc == 0)
		return 0;
	f->dead = true;
	L->incomplete = true;
	return jc_cfg_keep_going(L) ? 0 : -1;
}
JC_NO_ANALYZER_LEAK_CHECK_END

int jc_cfg_read_dropins(struct jc_cfg_loader *L, const char *dir)
{
	cleanup_strv char **names = NULL;
	cleanup_fd int dfd = -1;
	char path[PATH_MAX];
	size_t n = 0, i;
	int rc = 0;

	/* the path is the loader's caller's (config_load.c: lives as long) */
	if (jc_cfg_open_dropin_dir(dir, &dfd, &L->dir, L->err) < 0 ||
	    (dfd >= 0 &&
	     jc_cfg_list_dropins(dfd, dir, &names, &n, L->err) < 0)) {
		L->incomplete = true;
		return jc_cfg_keep_going(L) ? 0 : -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]) >= sizeof(path))
			rc = jc_fail_path(L->err, JC_ERR_SYS, ENAMETOOLONG, dir,
					  "%s", dir);
		else
			rc = jc_cfg_read_file(L, dfd, names[i], path);
	}
	return rc;
}
