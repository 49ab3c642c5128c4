/* SPDX-License-Identifier: BSD-3-Clause */
/* config_dropins.c - the drop-in directory, dirname(conf)/pam_jail.d: its
 * admission and its sorted list of *.conf names; see config_priv.h. */
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
#include "paths.h"

#define DROPIN_MAX 100000	/* one file per customer, and then some */
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

/* The drop-in names of the open directory DFD, sorted (strcmp). */
int jc_cfg_list_dropins(int dfd, const char *dir, char ***out, size_t *n,
			struct jc_err *err)
{
	size_t cap = 64;
	char **v = calloc(cap, sizeof(*v));
	struct dirent *de;
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	*n = 0;
	if (!v || !d) {
		jc_fail(err, v ? errno : ENOMEM, "%s: reading", dir);
		goto fail;
	}
	while ((errno = 0, de = readdir(d))) {
		if (!is_dropin_name(de->d_name))
			continue;
		if (*n == DROPIN_MAX) {
			jc_fail(err, 0, "%s: more than %d drop-in files", dir,
				DROPIN_MAX);
			goto fail;
		}
		if (*n + 1 == cap) {
			char **more = realloc(v, 2 * cap * sizeof(*v));

			if (!more) {
				jc_fail(err, ENOMEM, "%s: reading", dir);
				goto fail;
			}
			v = more;
			cap *= 2;
		}
		if (!(v[(*n)++] = strdup(de->d_name))) {
			jc_fail(err, ENOMEM, "%s: reading", dir);
			goto fail;
		}
	}
	if (errno) {
		jc_fail(err, errno, "%s: readdir", dir);
		goto fail;
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), cmp_names);
	*out = v;
	return 0;
fail:
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	jc_cfg_free_names(v, *n);
	*n = 0;
	return -1;
}

/* Open DIR and admit it: root's, nobody else may add a file to it.  *DFD
 * is -1 when DIR does not exist (no drop-ins). */
int jc_cfg_open_dropin_dir(const char *dir, int *dfd, struct jc_err *err)
{
	struct stat st;
	const char *why;
	int fd;

	*dfd = -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return jc_fail(err, errno, "%s: cannot open", dir);
	if (fstat(fd, &st) < 0) {
		jc_fail(err, errno, "%s: fstat", dir);
	} else if ((why = jc_path_not_root_only(&st))) {
		jc_fail(err, 0, "%s: %s", dir, why);
	} else {
		*dfd = fd;
		return 0;
	}
	close(fd);
	return -1;
}
