/* SPDX-License-Identifier: BSD-3-Clause */
/* test_err.c - unit tests for the structured error (jailcore/90-support/
 * err.h) (TAP): each setter's kind, path, line and message; that wrapping
 * keeps the structure; that the path resolvers (paths.c) set the kind
 * their callers decide on (a missing optional mount point is skipped, a
 * symlink is refused); and that the config loader's collected errors carry
 * their file and line, which jailctl check sorts by. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/20-config/config.h"
#include "jailcore/90-support/err.h"
#include "jailcore/90-support/paths.h"
#include "tap.h"

static void setters(void)
{
	struct jc_err e;
	char want[JC_ERR_MAX];

	memset(&e, 0x55, sizeof(e));
	TAP_OK(jc_fail(&e, ENOENT, "open %s", "/x") == -1 &&
		       e.kind == JC_ERR_SYS && e.errnum == ENOENT &&
		       e.line == 0 && !e.path[0],
	       "jc_fail: -1, kind sys, no path, no line");
	snprintf(want, sizeof(want), "open /x: %s", strerror(ENOENT));
	TAP_OK(strcmp(e.msg, want) == 0, "jc_fail: \"text: strerror\" (%s)",
	       e.msg);
	jc_fail(&e, ENOMEM, "loading");
	TAP_OK(e.kind == JC_ERR_NOMEM, "jc_fail: ENOMEM is kind nomem");
	jc_fail(&e, 0, "no %s", "way");
	TAP_OK(e.kind == JC_ERR_REFUSED && e.errnum == 0 &&
		       strcmp(e.msg, "no way") == 0,
	       "jc_fail without errno: refused, no suffix");

	TAP_OK(jc_fail_path(&e, JC_ERR_UNSAFE_PATH, 0, "/a/b", "%s: symlink",
			    "/a/b") == -1 &&
		       e.kind == JC_ERR_UNSAFE_PATH &&
		       strcmp(e.path, "/a/b") == 0 &&
		       strcmp(e.msg, "/a/b: symlink") == 0,
	       "jc_fail_path: the kind and path given, the message as formatted");

	TAP_OK(jc_fail_conf(&e, 0, "/etc/p.conf", 12, "unknown key '%s'",
			    "k") == -1 &&
		       e.kind == JC_ERR_CONFIG && e.line == 12 &&
		       strcmp(e.path, "/etc/p.conf") == 0 &&
		       strcmp(e.msg, "/etc/p.conf:12: unknown key 'k'") == 0,
	       "jc_fail_conf: FILE:LINE: prefix, file and line kept (%s)",
	       e.msg);
	jc_fail_conf(&e, 0, "/etc/p.conf", 0, "not a regular file");
	TAP_OK(e.kind == JC_ERR_CONFIG && e.line == 0 &&
		       strcmp(e.msg, "/etc/p.conf: not a regular file") == 0,
	       "jc_fail_conf line 0: FILE: prefix (%s)", e.msg);
	jc_fail_conf(&e, EACCES, "/etc/p.conf", 0, "cannot open");
	snprintf(want, sizeof(want), "/etc/p.conf: cannot open: %s",
		 strerror(EACCES));
	TAP_OK(e.kind == JC_ERR_SYS && e.errnum == EACCES &&
		       strcmp(e.msg, want) == 0,
	       "jc_fail_conf with errno: kind sys, strerror appended");

	jc_fail_conf(&e, 0, "f", 3, "bad");
	TAP_OK(jc_err_wrap(&e, "jail %s", "web") == -1 &&
		       strcmp(e.msg, "jail web: f:3: bad") == 0 &&
		       e.kind == JC_ERR_CONFIG && e.line == 3 &&
		       strcmp(e.path, "f") == 0,
	       "jc_err_wrap prefixes the message and keeps kind, path, line");
	jc_err_clear(&e);
	TAP_OK(e.kind == JC_ERR_NONE && !e.errnum && !e.line && !e.path[0] &&
		       !e.msg[0],
	       "jc_err_clear: nothing recorded");
	TAP_OK(jc_fail(NULL, 0, "x") == -1 &&
		       jc_fail_path(NULL, JC_ERR_SYS, 0, "p", "x") == -1 &&
		       jc_fail_conf(NULL, 0, "f", 1, "x") == -1,
	       "a NULL err is allowed, still -1");
}

static void long_message(void)
{
	struct jc_err e;
	char big[2 * JC_ERR_MAX];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	jc_fail_conf(&e, EIO, "f", 1, "%s", big);
	TAP_OK(strlen(e.msg) == JC_ERR_MAX - 1 && !strchr(e.msg, '\n') &&
		       strncmp(e.msg, "f:1: aaa", 8) == 0,
	       "a long message is cut to one line; the prefix stays");
}

/* A scratch tree: D/file, D/dir, D/link -> dir. */
static char dir[] = "/tmp/test_err.XXXXXX";

static void make_tree(void)
{
	char p[256];
	int fd;

	/* writable by others, like /tmp: a symlink in it is not root's to
	 * vouch for */
	if (!mkdtemp(dir) || chmod(dir, 0777) < 0)
		exit(99);
	snprintf(p, sizeof(p), "%s/file", dir);
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		exit(99);
	close(fd);
	snprintf(p, sizeof(p), "%s/dir", dir);
	if (mkdir(p, 0755) < 0)
		exit(99);
	snprintf(p, sizeof(p), "%s/link", dir);
	if (symlink("dir", p) < 0)
		exit(99);
}

static void remove_tree(void)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/file", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/link", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/dir", dir);
	rmdir(p);
	rmdir(dir);
}

static void open_in(int root, const char *path, enum jc_err_kind want,
		    const char *what)
{
	struct jc_err e = { 0 };
	int fd = -1;
	int rc = jc_path_open_in(root, "<root>", path, &fd, &e);

	TAP_OK(rc == -1 && e.kind == want && strcmp(e.path, path) == 0,
	       "jc_path_open_in %s: kind %d (want %d), path %s: %s", what,
	       (int)e.kind, (int)want, e.path, e.msg);
	if (rc == 0)
		close(fd);
}

static void path_kinds(void)
{
	struct jc_err e = { 0 };
	char p[256];
	int root, fd = -1;

	make_tree();
	root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		exit(99);
	open_in(root, "/missing", JC_ERR_NOT_FOUND, "a missing path");
	open_in(root, "/file/x", JC_ERR_NOT_DIR, "through a regular file");
	open_in(root, "/link", JC_ERR_UNSAFE_PATH, "a symlink");
	open_in(root, "/link/x", JC_ERR_UNSAFE_PATH, "through a symlink");
	TAP_OK(jc_path_open_in(root, "<root>", "/link", &fd, &e) == -1 &&
		       e.errnum == 0 &&
		       strcmp(e.msg, "<root>/link: a component is a "
				     "symlink; mount points must be real "
				     "directories or files") == 0,
	       "a refused symlink: the message as before, no errno in it");
	TAP_OK(jc_path_open_in(root, "<root>", "/dir", &fd, &e) == 0,
	       "jc_path_open_in a real directory");
	close(fd);
	close(root);

	snprintf(p, sizeof(p), "%s/missing", dir);
	TAP_OK(jc_path_open_host(p, 0, &fd, &e) == -1 &&
		       e.kind == JC_ERR_NOT_FOUND && strcmp(e.path, p) == 0,
	       "jc_path_open_host a missing path: not found (%s)", e.msg);
	snprintf(p, sizeof(p), "%s/file", dir);
	TAP_OK(jc_path_open_host(p, JC_ADMIT_DIR, &fd, &e) == -1 &&
		       e.kind == JC_ERR_NOT_DIR,
	       "jc_path_open_host a file as a "
	       "directory: not a directory (%s)",
	       e.msg);
	snprintf(p, sizeof(p), "%s/../x", dir);
	TAP_OK(jc_path_open_host(p, 0, &fd, &e) == -1 &&
		       e.kind == JC_ERR_UNSAFE_PATH,
	       "jc_path_open_host '..': unsafe (%s)", e.msg);
	snprintf(p, sizeof(p), "%s/link", dir);
	TAP_OK(jc_path_open_host(p, 0, &fd, &e) == -1 &&
		       e.kind == JC_ERR_UNSAFE_PATH,
	       "jc_path_open_host a symlink in a "
	       "directory others may write: unsafe (%s)",
	       e.msg);
	remove_tree();
}

/* The line a message names after "NAME:", 0 when none. */
static int line_in(const char *msg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(msg, name, n) != 0 || msg[n] != ':' || msg[n + 1] == ' ')
		return 0;
	return atoi(msg + n + 1);
}

static void config_errors(void)
{
	static const char text[] = "[jail:web]\n"
				   "root = /srv\n"
				   "bogus = 1\n"
				   "\n"
				   "[frob]\n"
				   "network = sideways\n";
	struct jc_errs errs = { 0 };
	struct jc_config *cfg = NULL;
	size_t good = 0;

	TAP_OK(jc_config_check_string(text, "t.conf", &cfg, &errs) < 0 &&
		       errs.n >= 2,
	       "a bad config: errors collected (%zu)", errs.n);
	for (size_t i = 0; i < errs.n; i++) {
		const struct jc_err *e = &errs.v[i];

		if (e->kind == JC_ERR_CONFIG &&
		    strcmp(e->path, "t.conf") == 0 && e->line > 0 &&
		    e->line == line_in(e->msg, "t.conf"))
			good++;
		else
			printf("# kind %d path '%s' line %d: %s\n",
			       (int)e->kind, e->path, e->line, e->msg);
	}
	TAP_OK(errs.n && good == errs.n, "each carries kind config, its file "
					 "and the line its message names");
	TAP_OK(errs.n >= 2 && errs.v[0].line == 3 && errs.v[1].line == 5,
	       "in the order found: line 3, then 5");
	jc_errs_free(&errs);

	TAP_OK(jc_config_check_string("", "empty.conf", &cfg, &errs) < 0 &&
		       errs.n == 1 && errs.v[0].line == 0 &&
		       strcmp(errs.v[0].path, "empty.conf") == 0 &&
		       strcmp(errs.v[0].msg,
			      "empty.conf: no sections (empty config?)") == 0,
	       "an error of the whole file: its file, line 0 (%s)",
	       errs.n ? errs.v[0].msg : "none");
	jc_errs_free(&errs);
}

int main(void)
{
	setters();
	long_message();
	path_kinds();
	config_errors();
	return TAP_DONE();
}
