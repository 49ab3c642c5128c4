/* SPDX-License-Identifier: BSD-3-Clause */
/* test_config.c - unit tests for jailcore/config_*.c (TAP): a good config
 * and what it parses to, loading files (ownership, mode, type, size, the
 * per-login load), structural errors and random garbage.  The checks of
 * single values are in test_config_values.c, matching and token expansion
 * in test_config_match.c. */
#include <errno.h>
#include <fcntl.h>
#include <iniparser/iniparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/20-config/config.h"
#include "conftest.h"
#include "tap.h"

static char tmpdir[] = "/tmp/test_config.XXXXXX";

static char *tpath(const char *name)
{
	return path_in(tmpdir, name);
}

static const char *write_file(const char *name, const char *data, size_t len,
			      mode_t mode, uid_t uid)
{
	return write_at(tpath(name), data, len, mode, uid);
}

/* ---- a good config ----------------------------------------------------- */

static const char good[] = "# pam_jail test config\n"		 /* 1 */
			   "[global]\n"				 /* 2 */
			   "default = web\n"			 /* 3 */
			   "\n"					 /* 4 */
			   "[jail:web]\n"			 /* 5 */
			   "root = /srv/jails/%j\n"		 /* 6 */
			   "bind_ro = /usr /lib:/lib2 %h/ro\n"	 /* 7 */
			   "bind_rw = %h\n"			 /* 8 */
			   "tmpfs = /tmp /run\n"		 /* 9 */
			   "tmpfs_size = 128M\n"		 /* 10 */
			   "network = host\n"			 /* 11 */
			   "hostname = box-%u\n"		 /* 12 */
			   "allow_root = no\n"			 /* 13 */
			   "\n"					 /* 14 */
			   "  [ JAIL:Locked.Down_1 ]\n"		 /* 15 */
			   "ROOT = \"%h/my jail;x\"  ; quoted\n" /* 16 */
			   "bind_ro = /a \\\n"			 /* 17 */
			   "    /b:/c\n"			 /* 18 */
			   "[user:Alice]\n"			 /* 19 */
			   "jail = Locked.Down_1\n"		 /* 20 */
			   "[user:root]\n"			 /* 21 */
			   "jail = none\n"			 /* 22 */
			   "[group:staff]\n"			 /* 23 */
			   "jail=web # inline comment\n"	 /* 24 */
			   "[group:exempt]\n"			 /* 25 */
			   "jail = none\n";			 /* 26 */

static void check_web(const struct jc_jail *j)
{
	TAP_OK(j && strcmp(j->name, "web") == 0 && j->line == 5,
	       "jail web: name and line");
	if (!j)
		return;
	TAP_OK(strcmp(j->root, "/srv/jails/%j") == 0 &&
		       j->key_line[JC_K_ROOT] == 6,
	       "jail web: root template and line");
	TAP_OK(j->n_bind_ro == 3 && strcmp(j->bind_ro[0].src, "/usr") == 0 &&
		       strcmp(j->bind_ro[0].dst, "/usr") == 0 &&
		       strcmp(j->bind_ro[1].src, "/lib") == 0 &&
		       strcmp(j->bind_ro[1].dst, "/lib2") == 0 &&
		       strcmp(j->bind_ro[2].src, "%h/ro") == 0 &&
		       j->key_line[JC_K_BIND_RO] == 7,
	       "jail web: bind_ro list");
	TAP_OK(j->n_bind_rw == 1 && strcmp(j->bind_rw[0].dst, "%h") == 0,
	       "jail web: bind_rw");
	TAP_OK(j->n_tmpfs == 2 && strcmp(j->tmpfs[0], "/tmp") == 0 &&
		       strcmp(j->tmpfs[1], "/run") == 0,
	       "jail web: tmpfs list");
	TAP_OK(j->tmpfs_size == 128ULL << 20 &&
		       j->key_line[JC_K_TMPFS_SIZE] == 10,
	       "jail web: tmpfs_size 128M");
	TAP_OK(j->network == JC_NET_HOST && j->key_line[JC_K_NETWORK] == 11,
	       "jail web: network host");
	TAP_OK(strcmp(j->hostname, "box-%u") == 0 && !j->allow_root &&
		       j->key_line[JC_K_ALLOW_ROOT] == 13,
	       "jail web: hostname, allow_root");
}

static void check_locked(const struct jc_jail *j)
{
	TAP_OK(j && j->line == 15, "jail Locked.Down_1: found, keeps its case");
	if (!j)
		return;
	TAP_OK(strcmp(j->root, "%h/my jail;x") == 0 &&
		       j->key_line[JC_K_ROOT] == 16,
	       "quoted value with ';', upper-case key");
	TAP_OK(j->n_bind_ro == 2 && strcmp(j->bind_ro[1].src, "/b") == 0 &&
		       strcmp(j->bind_ro[1].dst, "/c") == 0 &&
		       j->key_line[JC_K_BIND_RO] == 17,
	       "continued line, first line kept");
	TAP_OK(j->tmpfs_size == 64ULL << 20 && j->network == JC_NET_NONE &&
		       strcmp(j->hostname, "%j") == 0 && !j->allow_root &&
		       j->n_tmpfs == 0 && j->key_line[JC_K_NETWORK] == 0,
	       "defaults: 64M, network none, hostname %%j, line 0");
}

static void test_good(void)
{
	struct jc_config *cfg = parse_ok(good);

	TAP_OK(cfg != NULL, "good config parses");
	if (!cfg)
		return;
	TAP_OK(strcmp(cfg->path, NAME) == 0 && cfg->n_jails == 2 &&
		       cfg->n_users == 2 && cfg->n_groups == 2,
	       "counts and path");
	TAP_OK(strcmp(cfg->default_jail, "web") == 0 && cfg->default_line == 3,
	       "[global] default and line");
	check_web(jc_config_find_jail(cfg, "web"));
	check_locked(jc_config_find_jail(cfg, "Locked.Down_1"));
	TAP_OK(!jc_config_find_jail(cfg, "WEB") &&
		       !jc_config_find_jail(cfg, "locked.down_1"),
	       "find_jail is case-sensitive");
	TAP_OK(strcmp(cfg->users[0].name, "Alice") == 0 &&
		       strcmp(cfg->users[0].jail, "Locked.Down_1") == 0 &&
		       cfg->users[0].line == 20,
	       "[user:Alice] rule");
	TAP_OK(strcmp(cfg->users[1].name, "root") == 0 && !cfg->users[1].jail,
	       "[user:root] jail = none is NULL");
	TAP_OK(strcmp(cfg->groups[0].name, "staff") == 0 &&
		       strcmp(cfg->groups[0].jail, "web") == 0 &&
		       cfg->groups[0].line == 24,
	       "[group:staff], inline comment dropped");
	jc_config_free(cfg);
}

/* ---- loading files ----------------------------------------------------- */

static void test_load_ok(void)
{
	const char *p = write_file("good.conf", good, strlen(good), 0644, 0);
	struct jc_config *cfg = NULL;
	struct jc_err e = { 0 };
	int rc = jc_config_load(p, &cfg, &e);

	TAP_OK(rc == 0 && cfg && strcmp(cfg->path, p) == 0 && cfg->n_jails == 2,
	       "load: root-owned 0644 file");
	if (rc < 0)
		printf("#   %s\n", e.msg);
	jc_config_free(cfg);
	if (symlink(p, tpath("link.conf")) < 0)
		printf("# symlink: %s\n", strerror(errno));
	rc = jc_config_load(tpath("link.conf"), &cfg, &e);
	TAP_OK(rc == 0 && cfg, "load: symlink to a good file is followed");
	jc_config_free(cfg);
}

static void test_load_refused(void)
{
	const char *p;

	load_fails("load: missing file", tpath("nope.conf"),
		   "nope.conf: cannot open", "No such file");
	p = write_file("nobody.conf", good, strlen(good), 0644, 65534);
	load_fails("load: not root-owned", p, "nobody.conf: not owned by root",
		   NULL);
	if (symlink(p, tpath("badlink.conf")) < 0)
		printf("# symlink: %s\n", strerror(errno));
	load_fails("load: symlink to a non-root file: target checked",
		   tpath("badlink.conf"), "not owned by root", NULL);
	p = write_file("g.conf", good, strlen(good), 0664, 0);
	load_fails("load: group-writable", p,
		   "g.conf: writable by group or others", NULL);
	p = write_file("o.conf", good, strlen(good), 0646, 0);
	load_fails("load: other-writable", p, "writable by group or others",
		   NULL);
	mkdir(tpath("dir.conf"), 0755);
	load_fails("load: directory", tpath("dir.conf"), "not a regular file",
		   NULL);
	mkfifo(tpath("fifo.conf"), 0644);
	load_fails("load: FIFO refused without blocking", tpath("fifo.conf"),
		   "not a regular file", NULL);
}

static void test_load_content(void)
{
	static const char nul[] = "[jail:a]\nroot = /x\nab\0cd\n";
	size_t big = 1024 * 1024 + 1;
	char *buf = malloc(big);
	const char *p;

	p = write_file("nul.conf", nul, sizeof(nul) - 1, 0644, 0);
	load_fails("load: NUL byte names its line", p, "nul.conf:3: NUL byte",
		   NULL);
	p = write_file("empty.conf", "", 0, 0644, 0);
	load_fails("load: empty file", p,
		   "empty.conf: no sections (empty config?)", NULL);
	if (!buf)
		return;
	memset(buf, '#', big);
	p = write_file("big.conf", buf, big, 0644, 0);
	load_fails("load: larger than 1 MiB", p, "larger than 1 MiB", NULL);
	free(buf);
}

/* A login's load (jc_config_load_for) parses only the user's own [user:]
 * rule of many; the whole file is still scanned. */
static void test_load_for(void)
{
	char path[300];
	struct jc_config *c = NULL;
	struct jc_err e = { 0 };
	FILE *f;

	snprintf(path, sizeof(path), "%s/for.conf", tmpdir);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "[global]\ndefault = none\n[jail:web]\nroot = /srv/%%u\n"
		   "[user:alice]\njail = web\n[user:bob]\njail = nosuch\n"
		   "[group:staff]\njail = web\n");
	for (int i = 0; i < 300; i++)
		fprintf(f, "[user:u%d]\njail = web\n", i);
	fclose(f);
	chmod(path, 0644);
	TAP_OK(jc_config_load_for_at(path, "alice", NULL, &c, &e) == 0 && c &&
		       c->n_users == 1 &&
		       strcmp(c->users[0].name, "alice") == 0 &&
		       c->n_groups == 1 && c->n_jails == 1,
	       "load_for alice: her rule, the groups and jails, not 301 others");
	TAP_OK(c && jc_config_find_jail(c, "web") && c->users[0].line == 6,
	       "load_for keeps the file's line numbers");
	jc_config_free(c);
	c = NULL;
	TAP_OK(jc_config_load_for_at(path, "bob", NULL, &c, &e) < 0 &&
		       strstr(e.msg, ":8:") && strstr(e.msg, "nosuch"),
	       "load_for bob: his broken rule refuses him (%s)", e.msg);
	TAP_OK(jc_config_load(path, &c, &e) < 0 && strstr(e.msg, "nosuch"),
	       "the full load (jailctl, every other path) refuses the file");
	f = fopen(path, "a");
	if (f) {
		fprintf(f, "[user:carol]\nbogus = 1\n");
		fclose(f);
	}
	TAP_OK(jc_config_load_for_at(path, "alice", NULL, &c, &e) < 0 &&
		       strstr(e.msg, "bogus"),
	       "load_for still refuses an unknown key in another user's section");
	unlink(path);
}

/* ---- structural errors ------------------------------------------------- */

static void test_structure(void)
{
	fails("empty text", "", "t.conf: no sections (empty config?)", NULL);
	fails("only comments", "# a\n; b\n\n", "no sections", NULL);
	fails("unknown section names its line",
	      "[jail:a]\nroot=/x\n\n[global]\n\n# c\n[jails:web]\n",
	      "t.conf:7: unknown section [jails:web]", NULL);
	fails("unknown key", "[jail:a]\nroot=/x\nrot = /y\n",
	      "t.conf:3: unknown key 'rot' in [jail:a]", NULL);
	fails("key outside any section", "root = /x\n[jail:a]\n",
	      "t.conf:1: key 'root' outside any section", NULL);
	fails("duplicate key names both lines (case-insensitive)",
	      "[jail:a]\nroot=/x\nnetwork=none\nROOT=/y\n",
	      "t.conf:4: duplicate key 'ROOT' in [jail:a]", "first at line 2");
	fails("duplicate section names both lines",
	      "[jail:a]\nroot=/x\n[global]\n[jail:a]\nroot=/y\n",
	      "t.conf:4: duplicate section [jail:a] (first at line 1)", NULL);
	fails("case-only duplicate users",
	      "[jail:a]\nroot=/x\n[user:Alice]\njail=a\n[user:alice]\njail=none\n",
	      "t.conf:5: [user:alice] and [user:Alice] (line 3) differ only in case; iniparser cannot tell them apart",
	      NULL);
	fails("header with a trailing comment is a syntax error",
	      "[jail:a] ; web\nroot=/x\n", "t.conf:1: syntax error", NULL);
	fails("a bare word is a syntax error", "[jail:a]\nroot=/x\nnetwork\n",
	      "t.conf:3: syntax error", NULL);
	fails("empty section name", "[jail:a]\nroot=/x\n[ ]\n",
	      "t.conf:3: empty section name", NULL);
	fails("text after ']' in a header", "[jail:a]x]\nroot=/x\n",
	      "t.conf:1: malformed section header", NULL);
	fails("'\\' on the last line", "[jail:a]\nroot=/x\nnetwork = none \\\n",
	      "t.conf:3:", "continues into nothing");
	/* iniparser joins a comment ending in '\' with the next line. */
	fails("comment continued over a key", "[jail:a]\n# note \\\nroot=/x\n",
	      "t.conf:1: [jail:a]: missing 'root", NULL);
}

static void test_long_lines(void)
{
	char *t = malloc(12000);
	int n;

	if (!t)
		return;
	n = sprintf(t, "[jail:a]\nroot = /x\nhostname = ");
	memset(t + n, 'h', 10000);
	strcpy(t + n + 10000, "\n");
	fails("10,000-character line", t, "t.conf:3: line too long", NULL);
	/* The longest line iniparser takes: 1022 characters. */
	n = sprintf(t, "[jail:a]\nroot = /x\n# ");
	memset(t + n, 'c', 1020);
	strcpy(t + n + 1020, "\n");
	struct jc_config *cfg = parse_ok(t);
	TAP_OK(cfg != NULL,
	       "1022-character line is accepted (by both parsers)");
	jc_config_free(cfg);
	strcpy(t + n + 1020, "c\n");
	fails("1023-character line", t, "t.conf:3: line too long", NULL);
	n = sprintf(t, "[jail:a]\nroot = /x\nbind_ro = /%0600d \\\n /%0420d\n",
		    0, 0);
	fails("continued lines count together", t, "t.conf:4: line too long",
	      NULL);
	free(t);
}

/* ---- garbage ------------------------------------------------------------ */

static int rnd(int n)
{
	return rand() % n;
}

static void test_garbage_bytes(void)
{
	char buf[4096];
	int i, bad = 0;
	size_t len, k;

	for (i = 0; i < 100; i++) {
		struct jc_config *cfg = NULL;
		struct jc_err e = { 0 };

		len = 1 + (size_t)rnd(sizeof(buf));
		for (k = 0; k < len; k++)
			buf[k] = (char)rnd(256);
		buf[rnd((int)len)] = '\0';
		if (jc_config_load(write_file("junk.conf", buf, len, 0644, 0),
				   &cfg, &e) == 0 ||
		    !strstr(e.msg, "NUL byte"))
			bad++;
		jc_config_free(cfg);
	}
	TAP_OK(bad == 0, "100 random binary files refused (NUL byte)");
}

static void test_garbage_text(void)
{
	static const char alpha[] = "[]=;#\\ \t\n:%/abcjilru";
	char buf[2048];
	int i, bad = 0;
	size_t len, k;

	for (i = 0; i < 2000; i++) {
		struct jc_config *cfg = NULL;
		struct jc_err e = { 0 };

		len = (size_t)rnd(sizeof(buf));
		for (k = 0; k < len; k++)
			buf[k] = i % 2 ? alpha[rnd(sizeof(alpha) - 1)] :
					 (char)(1 + rnd(255));
		buf[len] = '\0';
		if (jc_config_parse_string(buf, NAME, &cfg, &e) == 0 ||
		    strncmp(e.msg, NAME, strlen(NAME)) != 0)
			bad++;
		jc_config_free(cfg);
	}
	TAP_OK(bad == 0, "2000 random texts refused with a t.conf message");
}

/* Shuffled plausible lines: may parse or not, must never crash or leak,
 * and a success must come with a model, a failure with a message. */
static void test_garbage_lines(void)
{
	static const char *const lines[] = {
		"[jail:a]",
		"[jail:A]",
		"[user:u]",
		"[user:U]",
		"[group:g]",
		"[global]",
		"root = /x",
		"ROOT=%h",
		"jail = a",
		"jail = none",
		"default = a",
		"bind_ro = /a:/b \\",
		"  /c",
		"tmpfs = /t",
		"# c \\",
		"; c",
		"",
		"x",
		"=",
		"[",
		"]",
		"[]",
		"a = \"q",
		"network = host",
		"hostname = %u",
		"root = \"/a b\" # c",
	};
	const size_t nl = sizeof(lines) / sizeof(lines[0]);
	char buf[2048];
	int i, j, bad = 0, parsed = 0;

	for (i = 0; i < 3000; i++) {
		struct jc_config *cfg = NULL;
		struct jc_err e = { 0 };
		int n = rnd(12), rc;

		buf[0] = '\0';
		for (j = 0; j < n; j++) {
			strcat(buf, lines[rnd((int)nl)]);
			if (rnd(8))
				strcat(buf, "\n");
		}
		rc = jc_config_parse_string(buf, NAME, &cfg, &e);
		bad += rc == 0 ? !cfg : (cfg || !e.msg[0]);
		parsed += rc == 0;
		jc_config_free(cfg);
	}
	TAP_OK(bad == 0, "3000 shuffled configs: clean result either way");
	printf("# %d of them parsed\n", parsed);
}

/* iniparser must never write to stderr (inside sshd it can be the
 * client's channel): run the garbage with stderr captured. */
static void test_garbage(void)
{
	int saved = dup(2), fd = open(tpath("stderr"), O_RDWR | O_CREAT, 0600);
	struct stat st;

	fflush(stderr);
	if (saved < 0 || fd < 0 || dup2(fd, 2) < 0)
		printf("# capturing stderr failed\n");
	srand(1);
	test_garbage_bytes();
	test_garbage_text();
	test_garbage_lines();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	TAP_OK(fstat(fd, &st) == 0 && st.st_size == 0,
	       "nothing was written to stderr");
	close(fd);
}

static void cleanup(void)
{
	static const char *const files[] = {
		"good.conf",  "link.conf", "nobody.conf", "badlink.conf",
		"g.conf",     "o.conf",	   "fifo.conf",	  "nul.conf",
		"empty.conf", "big.conf",  "junk.conf",	  "stderr",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(tpath(files[i]));
	rmdir(tpath("dir.conf"));
	rmdir(tmpdir);
}

/* iniparser's error callback is process-wide and has no getter: after a
 * load it must be iniparser's default again, not a function of pam_jail.so
 * (libpam dlcloses the module; the next iniparser user in the process, or
 * the next load of the module, would call into unmapped code).  The
 * default writes to stderr, so: a bad file loaded after jailcore's loads
 * must say so on stderr. */
static void test_ini_callback(void)
{
	char bad[300], out[300], got[512] = "";
	struct jc_config *cfg = NULL;
	struct jc_err e;
	int fd, saved;
	ssize_t n;
	dictionary *d;

	if (jc_config_parse_string("[jail:a]\nroot = /x\n", NAME, &cfg, &e) ==
	    0)
		jc_config_free(cfg);
	snprintf(bad, sizeof(bad), "%s/bad.ini", tmpdir);
	snprintf(out, sizeof(out), "%s/stderr", tmpdir);
	fd = open(bad, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "[s]\nnot a key value line\n", 25) != 25)
		printf("# writing %s: %s\n", bad, strerror(errno));
	close(fd);
	fflush(stderr);
	saved = dup(2);
	fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	d = iniparser_load(bad);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, got, sizeof(got) - 1, 0);
	got[n > 0 ? n : 0] = '\0';
	close(fd);
	if (d)
		iniparser_freedict(d);
	unlink(bad);
	unlink(out);
	TAP_OK(strstr(got, "syntax error") != NULL,
	       "after a config load iniparser reports through its default again");
	if (!strstr(got, "syntax error"))
		printf("#   stderr: '%s'\n", got);
}

/* config_parse.c hands iniparser a run of empty lines cut to one (a
 * login's pruned text is mostly those): a '\' continued into the run must
 * still end there, and the keys after it keep their values. */
static void test_blank_runs(void)
{
	struct jc_config *cfg = NULL;
	struct jc_err e = { 0 };
	const struct jc_jail *j;
	int rc = jc_config_parse_string(
		"[jail:a]\nroot = /x\nbind_ro = /usr \\\n"
		"\n\n\n\n\ntmpfs = /tmp\n\n\n\n[user:u]\n"
		"jail = a\n",
		NAME, &cfg, &e);

	j = rc == 0 ? jc_config_find_jail(cfg, "a") : NULL;
	TAP_OK(j && j->n_bind_ro == 1 &&
		       strcmp(j->bind_ro[0].src, "/usr") == 0 &&
		       j->n_tmpfs == 1 && strcmp(j->tmpfs[0], "/tmp") == 0 &&
		       cfg->n_users == 1 && cfg->users[0].line == 14,
	       "a continued line ending in a run of empty lines: the same values "
	       "and lines as without the run cut (%s)",
	       rc ? e.msg : "loaded");
	jc_config_free(cfg);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	if (geteuid() != 0)
		printf("# not root: file ownership tests will fail\n");
	test_good();
	test_load_for();
	test_load_ok();
	test_load_refused();
	test_load_content();
	test_structure();
	test_long_lines();
	test_garbage();
	test_ini_callback();
	test_blank_runs();
	cleanup();
	return TAP_DONE();
}
