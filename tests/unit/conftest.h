/* SPDX-License-Identifier: BSD-3-Clause */
/* conftest.h - helpers shared by the config loader's unit tests
 * (test_config*.c, test_dropins.c): writing root-owned files, parsing a
 * text that must pass, and checking a refusal's message.
 *
 * Everything is static inline so that a test program using only some of
 * it still builds with -Werror (no "defined but not used").
 */
#ifndef TESTS_CONFTEST_H
#define TESTS_CONFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/20-config/config.h"
#include "tap.h"

/* The name parse_ok and fails give their texts; messages start with it. */
#define NAME "t.conf"

/* NEEDLE NULL matches anything: most refusals check one part only. */
static inline int contains(const char *hay, const char *needle)
{
	return !needle || strstr(hay, needle) != NULL;
}

/* DIR/NAME in one of four static buffers, so that one call can take a
 * few paths (symlink(tpath(a), tpath(b))) without the test owning memory. */
static inline char *path_in(const char *dir, const char *name)
{
	static char buf[4][700];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* PATH with LEN bytes of DATA, owned by UID:0 with MODE: the loader
 * checks owner and mode, so every file is set up exactly.  A failed setup
 * is only reported: the check that follows fails on it. */
static inline const char *write_at(const char *path, const void *data,
				   size_t len, mode_t mode, uid_t uid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len ||
	    fchown(fd, uid, 0) < 0 || fchmod(fd, mode) < 0)
		printf("# setup of %s failed: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return path;
}

static inline struct jc_config *parse_ok(const char *text)
{
	struct jc_config *cfg = NULL;
	struct jc_err e = { 0 };

	if (jc_config_parse_string(text, NAME, &cfg, &e) < 0)
		printf("# unexpected error: %s\n", e.msg);
	return cfg;
}

/* The loader's answer RC, CFG, E must be a refusal: -1, no model, and a
 * message holding N1 and N2 (either NULL).  SHOWMSG=1 in the environment
 * prints every message, to review their wording. */
static inline void expect_refused(const char *what, int rc,
				  struct jc_config *cfg, const struct jc_err *e,
				  const char *n1, const char *n2)
{
	int ok = rc == -1 && !cfg && contains(e->msg, n1) &&
		 contains(e->msg, n2);

	TAP_OK(ok, "%s", what);
	if (getenv("SHOWMSG"))
		printf("#   -> %s\n", e->msg);
	if (!ok)
		printf("#   got rc=%d msg: %s\n", rc, e->msg);
	if (rc == 0)
		jc_config_free(cfg);
}

/* CFG starts non-NULL so that a refusal must also clear it. */
static inline void fails(const char *what, const char *text, const char *n1,
			 const char *n2)
{
	struct jc_config *cfg = (struct jc_config *)1;
	struct jc_err e = { 0 };
	int rc = jc_config_parse_string(text, NAME, &cfg, &e);

	expect_refused(what, rc, cfg, &e, n1, n2);
}

static inline void load_fails(const char *what, const char *path,
			      const char *n1, const char *n2)
{
	struct jc_config *cfg = (struct jc_config *)1;
	struct jc_err e = { 0 };
	int rc = jc_config_load(path, &cfg, &e);

	expect_refused(what, rc, cfg, &e, n1, n2);
}

#endif
