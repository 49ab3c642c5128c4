/* SPDX-License-Identifier: BSD-3-Clause */
/* test_dropins.c - unit tests for pam_jail.d drop-ins (jailcore/20-config/config_read.c)
 * and for jc_config_check, the loader's collect-every-error mode (TAP, run
 * as root: the files must be root-owned).
 *
 * Every case builds its own directory under a fresh mkdtemp: main.conf and
 * main.conf's drop-in directory, pam_jail.d.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/20-config/config.h"
#include "conftest.h"
#include "tap.h"

static char top[] = "/tmp/test_dropins.XXXXXX";
static int ncase;
static char dir[512]; /* the current case's directory */

/* A fresh directory for one case, with an empty pam_jail.d (mode 0755). */
static void new_case(int with_dropins)
{
	char d[600];

	snprintf(dir, sizeof(dir), "%s/case%d", top, ++ncase);
	if (mkdir(dir, 0755) < 0)
		printf("# mkdir %s: %s\n", dir, strerror(errno));
	snprintf(d, sizeof(d), "%s/pam_jail.d", dir);
	if (with_dropins && mkdir(d, 0755) < 0)
		printf("# mkdir %s: %s\n", d, strerror(errno));
}

static const char *path_of(const char *name)
{
	return path_in(dir, name);
}

/* NAME relative to the case directory ("main.conf", "pam_jail.d/a.conf"). */
static const char *put(const char *name, const char *text, mode_t mode)
{
	return write_at(path_of(name), text, strlen(text), mode, 0);
}

static const char main_conf[] = "[global]\n"		 /* 1 */
				"default = none\n"	 /* 2 */
				"[jail:web]\n"		 /* 3 */
				"root = /srv/jails/%u\n" /* 4 */
				"[user:alice]\n"	 /* 5 */
				"jail = web\n";		 /* 6 */

static struct jc_config *load_ok(const char *what)
{
	struct jc_config *cfg = NULL;
	struct jc_err e = { 0 };
	int rc = jc_config_load(path_of("main.conf"), &cfg, &e);

	TAP_OK(rc == 0 && cfg, "%s", what);
	if (rc < 0)
		printf("#   got: %s\n", e.msg);
	return rc == 0 ? cfg : NULL;
}

/* The case's main.conf, drop-ins and all, must be refused. */
static void case_fails(const char *what, const char *n1, const char *n2)
{
	load_fails(what, path_of("main.conf"), n1, n2);
}

/* Most cases: main_conf, and pam_jail.d when WITH_DROPINS. */
static void main_case(int with_dropins)
{
	new_case(with_dropins);
	put("main.conf", main_conf, 0644);
}

/* main_conf and one drop-in, a.conf, holding TEXT with MODE: refused. */
static void dropin_fails(const char *what, const char *text, mode_t mode,
			 const char *n1, const char *n2)
{
	main_case(1);
	put("pam_jail.d/a.conf", text, mode);
	case_fails(what, n1, n2);
}

static const struct jc_rule *user_rule(const struct jc_config *cfg,
				       const char *name)
{
	for (size_t i = 0; i < cfg->n_users; i++)
		if (strcmp(cfg->users[i].name, name) == 0)
			return &cfg->users[i];
	return NULL;
}

/* ---- drop-ins ------------------------------------------------------------ */

static void test_order(void)
{
	struct jc_config *cfg;
	const struct jc_rule *r;
	const struct jc_jail *j;
	struct jc_match m;
	struct jc_err e = { 0 };
	char d[700];

	main_case(1);
	/* 20-b uses a jail defined by 10-a: references are resolved once
	 * every file is read */
	put("pam_jail.d/20-b.conf", "[user:bob]\njail = team\n", 0644);
	put("pam_jail.d/10-a.conf",
	    "; team jail\n[jail:team]\nroot = /srv/team\n"
	    "network = host\n",
	    0644);
	put("pam_jail.d/30-C.conf", "[user:carol]\njail = team\n", 0644);
	put("pam_jail.d/30-c.conf", "[user:dave]\njail = web\n", 0644);
	put("pam_jail.d/00-empty.conf", "; nothing yet\n", 0644);
	/* never read: not *.conf, or a dotfile, or a backup */
	put("pam_jail.d/README", "not a config\n", 0644);
	put("pam_jail.d/.hidden.conf", "garbage\n", 0644);
	put("pam_jail.d/40-d.conf.dpkg-old", "garbage\n", 0644);
	put("pam_jail.d/50-e.conf~", "garbage\n", 0644);
	put("pam_jail.d/.conf", "garbage\n", 0644);
	cfg = load_ok("main file + drop-ins load");
	if (!cfg)
		return;
	snprintf(d, sizeof(d), "%s/pam_jail.d", dir);
	TAP_OK(cfg->n_files == 6 &&
		       strcmp(cfg->files[0], path_of("main.conf")) == 0 &&
		       strstr(cfg->files[1], "/00-empty.conf") &&
		       strstr(cfg->files[2], "/10-a.conf") &&
		       strstr(cfg->files[3], "/20-b.conf") &&
		       strstr(cfg->files[4], "/30-C.conf") &&
		       strstr(cfg->files[5], "/30-c.conf"),
	       "drop-ins read in C-locale order (30-C before 30-c), others ignored");
	for (size_t i = 0; i < cfg->n_files; i++)
		printf("#   file %zu: %s\n", i, cfg->files[i]);
	j = jc_config_find_jail(cfg, "team");
	TAP_OK(j && j->network == JC_NET_HOST && j->line == 2 &&
		       strcmp(j->file, cfg->files[2]) == 0,
	       "a drop-in's jail keeps its file and line");
	r = user_rule(cfg, "bob");
	TAP_OK(r && r->line == 2 && strcmp(r->file, cfg->files[3]) == 0,
	       "a drop-in's rule keeps its file and line");
	TAP_OK(user_rule(cfg, "alice") &&
		       user_rule(cfg, "alice")->file == cfg->files[0],
	       "the main file's rule names the main file");
	if (jc_config_match_groups(cfg, "bob", NULL, 0, &m, &e) == 0) {
		char want[800];

		snprintf(want, sizeof(want), "[user:bob] at %s/20-b.conf:2", d);
		TAP_OK(m.jail == j && strcmp(m.why, want) == 0,
		       "match names the drop-in file and line: %s", m.why);
	} else {
		TAP_OK(0, "match bob: %s", e.msg);
	}
	if (jc_config_match_groups(cfg, "alice", NULL, 0, &m, &e) == 0)
		TAP_OK(strcmp(m.why, "[user:alice] at line 6") == 0,
		       "a main-file match still says 'at line N': %s", m.why);
	jc_config_free(cfg);
}

static void test_duplicates(void)
{
	dropin_fails("a section defined in main and a drop-in is refused",
		     "\n\n[user:alice]\njail = none\n", 0644,
		     "pam_jail.d/a.conf:3: [user:alice] is already defined at ",
		     "main.conf:5");

	main_case(1);
	put("pam_jail.d/a.conf", "[jail:other]\nroot = /x\n", 0644);
	put("pam_jail.d/b.conf", "; b\n[jail:other]\nroot = /y\n", 0644);
	case_fails("a section defined in two drop-ins names both",
		   "b.conf:2: [jail:other] is already defined at ",
		   "/a.conf:1");

	dropin_fails("the same section spelled in another case is refused too",
		     "[JAIL:web]\nroot = /x\n", 0644,
		     "a.conf:1: [JAIL:web] is already defined at ",
		     "main.conf:3 (as [jail:web])");
	dropin_fails("[global] only once", "[global]\ndefault = web\n", 0644,
		     "a.conf:1: [global] is already defined", "main.conf:1");
}

static void test_refused_files(void)
{
	char d[700];

	dropin_fails("a group-writable drop-in refuses the whole config",
		     "[user:bob]\njail = web\n", 0664,
		     "pam_jail.d/a.conf: writable by group or others", NULL);

	main_case(1);
	put("pam_jail.d/a.conf", "[user:bob]\njail = web\n", 0644);
	if (chown(path_of("pam_jail.d/a.conf"), 65534, 0) < 0)
		printf("# chown: %s\n", strerror(errno));
	case_fails("a drop-in not owned by root is refused",
		   "a.conf: not owned by root", NULL);

	main_case(1);
	snprintf(d, sizeof(d), "%s/pam_jail.d", dir);
	if (chmod(d, 0775) < 0)
		printf("# chmod: %s\n", strerror(errno));
	case_fails("a group-writable drop-in directory is refused",
		   "pam_jail.d: writable by group or others", NULL);
	if (chmod(d, 0755) < 0 || chown(d, 65534, 0) < 0)
		printf("# chown: %s\n", strerror(errno));
	case_fails("a drop-in directory not owned by root is refused",
		   "pam_jail.d: not owned by root", NULL);

	main_case(1);
	snprintf(d, sizeof(d), "%s/pam_jail.d/x.conf", dir);
	if (mkdir(d, 0755) < 0)
		printf("# mkdir: %s\n", strerror(errno));
	case_fails("a directory named *.conf is refused",
		   "x.conf: not a regular file", NULL);

	main_case(0);
	put("pam_jail.d", "a file, not a directory\n", 0644);
	case_fails("a pam_jail.d that is not a directory is refused",
		   "pam_jail.d: cannot open", "Not a directory");
}

static void test_missing_dir(void)
{
	struct jc_config *cfg;

	main_case(0);
	cfg = load_ok("no pam_jail.d: the main file alone");
	TAP_OK(cfg && cfg->n_files == 1, "one file read");
	jc_config_free(cfg);
}

static void test_messages(void)
{
	struct jc_config *cfg = NULL;
	struct jc_err e = { 0 };
	char d[700];
	int rc;

	dropin_fails("a bad value in a drop-in names the drop-in's file:line",
		     "[jail:x]\nroot = /x\n\nnetwork = sometimes\n", 0644,
		     "pam_jail.d/a.conf:4: network: expected none or host",
		     NULL);
	dropin_fails("an unknown jail in a drop-in names the drop-in",
		     "[user:bob]\njail = nosuch\n", 0644,
		     "a.conf:2: unknown jail 'nosuch'", NULL);

	new_case(1);
	put("main.conf", "[user:bob]\njail = later\n", 0644);
	put("pam_jail.d/a.conf", "[jail:later]\nroot = /x\n", 0644);
	cfg = load_ok("the main file may use a jail a drop-in defines");
	jc_config_free(cfg);

	/* "": no drop-ins, whatever the directory holds */
	main_case(1);
	put("pam_jail.d/a.conf", "broken\n", 0644);
	rc = jc_config_load_dir(path_of("main.conf"), "", &cfg, &e);
	TAP_OK(rc == 0 && cfg && cfg->n_files == 1,
	       "jc_config_load_dir(PATH, \"\") reads no drop-ins");
	jc_config_free(cfg);
	snprintf(d, sizeof(d), "%s/pam_jail.d", top);
	rc = jc_config_load_dir(path_of("main.conf"), d, &cfg, &e);
	TAP_OK(rc == 0 && cfg && cfg->n_files == 1,
	       "jc_config_load_dir with another (missing) directory");
	jc_config_free(cfg);

	TAP_OK(jc_config_dropin_dir("/etc/security/pam_jail.conf", d,
				    sizeof(d)) == 0 &&
		       strcmp(d, "/etc/security/pam_jail.d") == 0,
	       "the drop-in directory of /etc/security/pam_jail.conf");
	TAP_OK(jc_config_dropin_dir("/x.conf", d, sizeof(d)) == 0 &&
		       strcmp(d, "/pam_jail.d") == 0,
	       "... of /x.conf");
	TAP_OK(jc_config_dropin_dir("x.conf", d, sizeof(d)) == 0 &&
		       strcmp(d, "pam_jail.d") == 0,
	       "... of a relative x.conf");
}

/* ---- collect mode ---------------------------------------------------------- */

static const char many[] =
	"[global]\n"		      /* 1 */
	"default = nosuch\n"	      /* 2: unknown jail */
	"[jail:web]\n"		      /* 3 */
	"root = /srv/jails/%u\n"      /* 4 */
	"network = sometimes\n"	      /* 5: bad value */
	"colour = blue\n"	      /* 6: unknown key */
	"tmpfs_size = huge\n"	      /* 7: bad size */
	"hostname = %x\n"	      /* 8: unknown token */
	"[jail:web]\n"		      /* 9: duplicate section */
	"root = /elsewhere\n"	      /* 10: skipped with it */
	"[jail:ok]\n"		      /* 11 */
	"root = relative\n"	      /* 12: not absolute */
	"seccomp_deny = nosuchcall\n" /* 13: unknown syscall */
	"this is not ini\n"	      /* 14: syntax error */
	"[bogus]\n"		      /* 15: unknown section */
	"root = /x\n"		      /* 16: skipped with it */
	"[user:alice]\n"	      /* 17 */
	"jail = web\n"		      /* 18 */
	"[user:bob]\n"		      /* 19: missing jail = */
	"[jail:noroot]\n"	      /* 20: missing root */
	"network = host\n";	      /* 21 */

static void test_collect(void)
{
	static const char *const want[] = {
		"t.conf:6: unknown key 'colour' in [jail:web]",
		"t.conf:9: duplicate section [jail:web] (first at line 3)",
		"t.conf:14: syntax error",
		"t.conf:15: unknown section [bogus]",
		"t.conf:5: network: expected none or host",
		"t.conf:7: tmpfs_size:",
		"t.conf:8: hostname: unknown token %x",
		"t.conf:12: root: 'relative' must start with '/'",
		"t.conf:13: seccomp_deny: unknown system call 'nosuchcall'",
		"t.conf:19: [user:bob]: missing 'jail = NAME'",
		"t.conf:20: [jail:noroot]: missing 'root = ...'",
		"t.conf:2: unknown jail 'nosuch'",
	};
	const size_t n = sizeof(want) / sizeof(want[0]);
	struct jc_config *cfg = (struct jc_config *)1, *strict = NULL;
	struct jc_errs errs = { 0 };
	struct jc_err e = { 0 };
	size_t i, found = 0;
	int rc;

	rc = jc_config_check_string(many, "t.conf", &cfg, &errs);
	TAP_OK(rc == -1 && !cfg, "check: a config with %zu mistakes fails", n);
	for (i = 0; i < errs.n; i++)
		printf("#   %s\n", errs.v[i].msg);
	for (i = 0; i < n; i++) {
		int hit = i < errs.n && contains(errs.v[i].msg, want[i]);

		found += hit;
		if (!hit)
			printf("#   missing (at %zu): %s\n", i, want[i]);
	}
	TAP_OK(found == n && errs.n == n,
	       "check: every mistake reported once, in the loader's order (%zu of %zu, %zu in all)",
	       found, n, errs.n);
	rc = jc_config_parse_string(many, "t.conf", &strict, &e);
	TAP_OK(rc == -1 && errs.n && strcmp(e.msg, errs.v[0].msg) == 0,
	       "the module's error is the first one check reports");
	jc_errs_free(&errs);

	rc = jc_config_check_string(main_conf, "t.conf", &cfg, &errs);
	TAP_OK(rc == 0 && cfg && errs.n == 0, "check: a good config passes");
	jc_config_free(cfg);
	jc_errs_free(&errs);
}

static void test_collect_lines(void)
{
	static const char text[] = "[jail:a]\n"		 /* 1 */
				   "root = /x\n"	 /* 2 */
				   "bind_ro = /usr \\\n" /* 3: continued */
				   "   /nosuch/../x\n"	 /* 4 */
				   "network = host\n"	 /* 5 */
				   "[user:u]\n"		 /* 6 */
				   "jail = a\n";	 /* 7 */
	struct jc_config *cfg = NULL;
	struct jc_errs errs = { 0 };
	char *big = malloc(3000);
	int rc;

	rc = jc_config_check_string(text, "t.conf", &cfg, &errs);
	TAP_OK(rc == -1 && errs.n == 1 &&
		       contains(errs.v[0].msg,
				"t.conf:3: bind_ro: '/nosuch/../x' has a '..'"),
	       "check: an error on a continued line names its first line");
	jc_errs_free(&errs);
	if (!big)
		return;
	/* an overlong continued line: its continuation is skipped with it */
	snprintf(big, 3000,
		 "[jail:a]\nroot = /x\nbind_ro = /%01100d \\\n"
		 "  /more\nnetwork = hots\n[user:u]\njail = a\n",
		 0);
	rc = jc_config_check_string(big, "t.conf", &cfg, &errs);
	TAP_OK(rc == -1 && errs.n == 2 &&
		       contains(errs.v[0].msg, "t.conf:3: line too long") &&
		       contains(errs.v[1].msg,
				"t.conf:5: network: expected none or host"),
	       "check: an overlong line and what follows it");
	for (size_t i = 0; i < errs.n; i++)
		printf("#   %s\n", errs.v[i].msg);
	jc_errs_free(&errs);
	free(big);
}

static void test_collect_files(void)
{
	struct jc_config *cfg = (struct jc_config *)1;
	struct jc_errs errs = { 0 };
	int rc, a = 0, b = 0, c = 0, d = 0;

	new_case(1);
	put("main.conf",
	    "[global]\ndefault = none\n[jail:web]\nroot = /x\n"
	    "network = wrong\n[user:alice]\njail = web\n",
	    0644);
	put("pam_jail.d/a.conf", "[user:alice]\njail = none\n", 0644);
	put("pam_jail.d/b.conf", "[jail:b]\nroot = /b\ncolour = red\n", 0644);
	put("pam_jail.d/c.conf", "[user:c]\njail = web\n", 0664);
	rc = jc_config_check(path_of("main.conf"), NULL, &cfg, &errs);
	for (size_t i = 0; i < errs.n; i++) {
		printf("#   %s\n", errs.v[i].msg);
		a += contains(errs.v[i].msg, "main.conf:5: network");
		b += contains(errs.v[i].msg,
			      "a.conf:1: [user:alice] is already defined");
		c += contains(errs.v[i].msg, "b.conf:3: unknown key 'colour'");
		d += contains(errs.v[i].msg,
			      "c.conf: writable by group or others");
	}
	TAP_OK(rc == -1 && !cfg && a == 1 && b == 1 && c == 1 && d == 1 &&
		       errs.n == 4,
	       "check: errors in several files, all in one run");
	jc_errs_free(&errs);
}

/* On every saved fuzz input: check and the module's loader agree on
 * whether the text is good, and the module's error is check's first. */
static void test_agree_corpus(void)
{
	const char *cdir = "tests/fuzz/corpus";
	DIR *dp = opendir(cdir);
	struct dirent *de;
	int n = 0, agree = 0;

	if (!dp) {
		printf("ok - check agrees with the loader on the fuzz corpus # SKIP %s not found (run from the top directory)\n",
		       cdir);
		return;
	}
	while ((de = readdir(dp))) {
		char p[600], buf[65536];
		struct jc_config *c1 = NULL, *c2 = NULL;
		struct jc_errs errs = { 0 };
		struct jc_err e = { 0 };
		FILE *f;
		size_t len;
		int r1, r2;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", cdir, de->d_name);
		f = fopen(p, "r");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		r1 = jc_config_parse_string(buf, "c.conf", &c1, &e);
		r2 = jc_config_check_string(buf, "c.conf", &c2, &errs);
		n++;
		if (r1 == r2 &&
		    (r1 == 0 ? errs.n == 0 :
			       errs.n > 0 && strcmp(e.msg, errs.v[0].msg) == 0))
			agree++;
		else
			printf("#   %s: load %d '%s', check %d '%s'\n", p, r1,
			       e.msg, r2, errs.n ? errs.v[0].msg : "");
		jc_config_free(c1);
		jc_config_free(c2);
		jc_errs_free(&errs);
	}
	closedir(dp);
	TAP_OK(n > 0 && agree == n,
	       "check agrees with the loader on %d fuzz corpus inputs", n);
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p) < 0 ? -1 : 0;
}

int main(void)
{
	if (!mkdtemp(top)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	if (geteuid() != 0)
		printf("# not root: file ownership tests will fail\n");
	test_order();
	test_duplicates();
	test_refused_files();
	test_missing_dir();
	test_messages();
	test_collect();
	test_collect_lines();
	test_collect_files();
	test_agree_corpus();
	if (nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		printf("# cleanup of %s: %s\n", top, strerror(errno));
	return TAP_DONE();
}
