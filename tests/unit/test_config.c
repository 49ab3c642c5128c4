/* test_config.c - unit tests for jailcore/config.c (TAP). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/config.h"
#include "tap.h"

#define NAME "t.conf"

static char tmpdir[] = "/tmp/test_config.XXXXXX";

static int contains(const char *hay, const char *needle)
{
	return !needle || strstr(hay, needle) != NULL;
}

static struct jc_config *parse_ok(const char *text)
{
	struct jc_config *cfg = NULL;
	struct jc_err e = { 0 };

	if (jc_config_parse_string(text, NAME, &cfg, &e) < 0)
		printf("# unexpected error: %s\n", e.msg);
	return cfg;
}

/* TEXT must be refused with a message holding N1 and N2 (either NULL). */
static void fails(const char *what, const char *text, const char *n1,
		  const char *n2)
{
	struct jc_config *cfg = (struct jc_config *)1;
	struct jc_err e = { 0 };
	int rc = jc_config_parse_string(text, NAME, &cfg, &e);
	int ok = rc == -1 && !cfg && contains(e.msg, n1) && contains(e.msg, n2);

	TAP_OK(ok, "%s", what);
	if (getenv("SHOWMSG"))
		printf("#   -> %s\n", e.msg);
	if (!ok)
		printf("#   got rc=%d msg: %s\n", rc, e.msg);
	if (rc == 0)
		jc_config_free(cfg);
}

static void load_fails(const char *what, const char *path, const char *n1,
		       const char *n2)
{
	struct jc_config *cfg = (struct jc_config *)1;
	struct jc_err e = { 0 };
	int rc = jc_config_load(path, &cfg, &e);
	int ok = rc == -1 && !cfg && contains(e.msg, n1) && contains(e.msg, n2);

	TAP_OK(ok, "%s", what);
	if (getenv("SHOWMSG"))
		printf("#   -> %s\n", e.msg);
	if (!ok)
		printf("#   got rc=%d msg: %s\n", rc, e.msg);
	if (rc == 0)
		jc_config_free(cfg);
}

static char *tpath(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static const char *write_file(const char *name, const char *data, size_t len,
			      mode_t mode, uid_t uid)
{
	const char *path = tpath(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len ||
	    fchown(fd, uid, 0) < 0 || fchmod(fd, mode) < 0)
		printf("# setup of %s failed: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return path;
}

/* ---- a good config ----------------------------------------------------- */

static const char good[] =
	"# pam_jail test config\n"			/* 1 */
	"[global]\n"					/* 2 */
	"default = web\n"				/* 3 */
	"\n"						/* 4 */
	"[jail:web]\n"					/* 5 */
	"root = /srv/jails/%j\n"			/* 6 */
	"bind_ro = /usr /lib:/lib2 %h/ro\n"		/* 7 */
	"bind_rw = %h\n"				/* 8 */
	"tmpfs = /tmp /run\n"				/* 9 */
	"tmpfs_size = 128M\n"				/* 10 */
	"network = host\n"				/* 11 */
	"hostname = box-%u\n"				/* 12 */
	"allow_root = no\n"				/* 13 */
	"\n"						/* 14 */
	"  [ JAIL:Locked.Down_1 ]\n"			/* 15 */
	"ROOT = \"%h/my jail;x\"  ; quoted\n"		/* 16 */
	"bind_ro = /a \\\n"				/* 17 */
	"    /b:/c\n"					/* 18 */
	"[user:Alice]\n"				/* 19 */
	"jail = Locked.Down_1\n"			/* 20 */
	"[user:root]\n"					/* 21 */
	"jail = none\n"					/* 22 */
	"[group:staff]\n"				/* 23 */
	"jail=web # inline comment\n"			/* 24 */
	"[group:exempt]\n"				/* 25 */
	"jail = none\n";				/* 26 */

static void check_web(const struct jc_jail *j)
{
	TAP_OK(j && strcmp(j->name, "web") == 0 && j->line == 5,
	       "jail web: name and line");
	if (!j)
		return;
	TAP_OK(strcmp(j->root, "/srv/jails/%j") == 0 &&
	       j->key_line[JC_K_ROOT] == 6, "jail web: root template and line");
	TAP_OK(j->n_bind_ro == 3 && strcmp(j->bind_ro[0].src, "/usr") == 0 &&
	       strcmp(j->bind_ro[0].dst, "/usr") == 0 &&
	       strcmp(j->bind_ro[1].src, "/lib") == 0 &&
	       strcmp(j->bind_ro[1].dst, "/lib2") == 0 &&
	       strcmp(j->bind_ro[2].src, "%h/ro") == 0 &&
	       j->key_line[JC_K_BIND_RO] == 7, "jail web: bind_ro list");
	TAP_OK(j->n_bind_rw == 1 && strcmp(j->bind_rw[0].dst, "%h") == 0,
	       "jail web: bind_rw");
	TAP_OK(j->n_tmpfs == 2 && strcmp(j->tmpfs[0], "/tmp") == 0 &&
	       strcmp(j->tmpfs[1], "/run") == 0, "jail web: tmpfs list");
	TAP_OK(j->tmpfs_size == 128ULL << 20 &&
	       j->key_line[JC_K_TMPFS_SIZE] == 10, "jail web: tmpfs_size 128M");
	TAP_OK(j->network == JC_NET_HOST && j->key_line[JC_K_NETWORK] == 11,
	       "jail web: network host");
	TAP_OK(strcmp(j->hostname, "box-%u") == 0 && !j->allow_root &&
	       j->key_line[JC_K_ALLOW_ROOT] == 13, "jail web: hostname, allow_root");
}

static void check_locked(const struct jc_jail *j)
{
	TAP_OK(j && j->line == 15, "jail Locked.Down_1: found, keeps its case");
	if (!j)
		return;
	TAP_OK(strcmp(j->root, "%h/my jail;x") == 0 &&
	       j->key_line[JC_K_ROOT] == 16, "quoted value with ';', upper-case key");
	TAP_OK(j->n_bind_ro == 2 && strcmp(j->bind_ro[1].src, "/b") == 0 &&
	       strcmp(j->bind_ro[1].dst, "/c") == 0 &&
	       j->key_line[JC_K_BIND_RO] == 17, "continued line, first line kept");
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
	       cfg->n_users == 2 && cfg->n_groups == 2, "counts and path");
	TAP_OK(strcmp(cfg->default_jail, "web") == 0 && cfg->default_line == 3,
	       "[global] default and line");
	check_web(jc_config_find_jail(cfg, "web"));
	check_locked(jc_config_find_jail(cfg, "Locked.Down_1"));
	TAP_OK(!jc_config_find_jail(cfg, "WEB") &&
	       !jc_config_find_jail(cfg, "locked.down_1"),
	       "find_jail is case-sensitive");
	TAP_OK(strcmp(cfg->users[0].name, "Alice") == 0 &&
	       strcmp(cfg->users[0].jail, "Locked.Down_1") == 0 &&
	       cfg->users[0].line == 20, "[user:Alice] rule");
	TAP_OK(strcmp(cfg->users[1].name, "root") == 0 && !cfg->users[1].jail,
	       "[user:root] jail = none is NULL");
	TAP_OK(strcmp(cfg->groups[0].name, "staff") == 0 &&
	       strcmp(cfg->groups[0].jail, "web") == 0 && cfg->groups[0].line == 24,
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
	load_fails("load: group-writable", p, "g.conf: writable by group or others",
		   NULL);
	p = write_file("o.conf", good, strlen(good), 0646, 0);
	load_fails("load: other-writable", p, "writable by group or others", NULL);
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
	load_fails("load: empty file", p, "empty.conf: no sections (empty config?)",
		   NULL);
	if (!buf)
		return;
	memset(buf, '#', big);
	p = write_file("big.conf", buf, big, 0644, 0);
	load_fails("load: larger than 1 MiB", p, "larger than 1 MiB", NULL);
	free(buf);
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
	TAP_OK(cfg != NULL, "1022-character line is accepted (by both parsers)");
	jc_config_free(cfg);
	strcpy(t + n + 1020, "c\n");
	fails("1023-character line", t, "t.conf:3: line too long", NULL);
	n = sprintf(t, "[jail:a]\nroot = /x\nbind_ro = /%0600d \\\n /%0420d\n", 0, 0);
	fails("continued lines count together", t, "t.conf:4: line too long",
	      NULL);
	free(t);
}

/* ---- section names ----------------------------------------------------- */

static void test_names(void)
{
	fails("user name with ':'", "[user:a:b]\njail=none\n",
	      "t.conf:1: [user:a:b]: invalid user name", "contains ':'");
	fails("user name with '/'", "[user:a/b]\njail=none\n",
	      "invalid user name", "contains '/'");
	fails("group name with a space", "[group:a b]\njail=none\n",
	      "invalid group name", "whitespace");
	fails("user name starting with '-'", "[user:-x]\njail=none\n",
	      "t.conf:1:", "must not start with '-'");
	fails("empty user name", "[user:]\njail=none\n", "t.conf:1:", "empty");
	fails("jail named none", "[jail:None]\nroot=/x\n", "t.conf:1:",
	      "'none' is reserved");
	fails("jail name with a space", "[jail:my jail]\nroot=/x\n",
	      "invalid jail name", "only A-Z");
	fails("jail name '..'", "[jail:..]\nroot=/x\n", "invalid jail name",
	      "'..'");
	fails("65-character jail name",
	      "[jail:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\nroot=/x\n",
	      "invalid jail name", "longer than 64");
	fails("user rule without jail =", "[jail:a]\nroot=/x\n[user:bob]\n",
	      "t.conf:3: [user:bob]: missing 'jail", NULL);
	fails("user rule naming an unknown jail",
	      "[jail:a]\nroot=/x\n[user:bob]\njail = nope\n",
	      "t.conf:4: unknown jail 'nope'", NULL);
	fails("default naming an unknown jail",
	      "[global]\ndefault = Web\n[jail:web]\nroot=/x\n",
	      "t.conf:2: unknown jail 'Web'", NULL);
}

/* ---- values ------------------------------------------------------------ */

static void test_values(void)
{
	fails("bad network", "[jail:a]\nroot=/x\nnetwork = bridge\n",
	      "t.conf:3: network: expected none or host, got 'bridge'", NULL);
	fails("missing root", "\n[jail:web]\nnetwork=none\n",
	      "t.conf:2: [jail:web]: missing 'root", NULL);
	fails("relative root", "[jail:a]\nroot = srv/x\n", "t.conf:2: root:",
	      "must start with '/' or %h");
	fails("root with '..'", "[jail:a]\nroot = %h/../x\n", "t.conf:2: root:",
	      "'..' component");
	fails("root %hx", "[jail:a]\nroot = %hx\n", "t.conf:2:",
	      "%h must be followed by '/'");
	fails("unknown token in root", "[jail:a]\nroot = /srv/%x\n",
	      "t.conf:2: root: unknown token %x", NULL);
	fails("bind with two ':'", "[jail:a]\nroot=/x\nbind_ro = /a:/b:/c\n",
	      "t.conf:3: bind_ro: '/a:/b:/c'", "SRC:DST");
	fails("bind with relative destination", "[jail:a]\nroot=/x\nbind_rw = /a:b\n",
	      "t.conf:3: bind_rw:", "must start with '/'");
	fails("bind with '..'", "[jail:a]\nroot=/x\nbind_ro = /usr/../etc\n",
	      "t.conf:3: bind_ro:", "'..'");
	fails("relative tmpfs", "[jail:a]\nroot=/x\ntmpfs = /tmp var\n",
	      "t.conf:3: tmpfs: 'var'", NULL);
}

static void test_values2(void)
{
	fails("tmpfs_size 1T", "[jail:a]\nroot=/x\ntmpfs_size = 1T\n",
	      "t.conf:3: tmpfs_size: expected a number", NULL);
	fails("tmpfs_size 63K", "[jail:a]\nroot=/x\ntmpfs_size = 63K\n",
	      "t.conf:3: tmpfs_size: '63K' is out of range", NULL);
	fails("tmpfs_size 65G", "[jail:a]\nroot=/x\ntmpfs_size = 65G\n",
	      "out of range", NULL);
	fails("tmpfs_size overflow",
	      "[jail:a]\nroot=/x\ntmpfs_size = 99999999999999999999999G\n",
	      "out of range", NULL);
	fails("root_caps with sys_admin", "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_caps = chown sys_admin\n",
	      "t.conf:4: root_caps: 'sys_admin' is not a capability", NULL);
	fails("root_caps with cap_sys_module", "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_caps = cap_sys_module\n", "t.conf:4: root_caps: 'cap_sys_module'", NULL);
	fails("root_caps with mknod", "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_caps = mknod\n", "'mknod' is not a capability", NULL);
	fails("root_caps with an unknown name", "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_caps = fly\n", "'fly' is not a capability", NULL);
	fails("root_caps without allow_root", "[jail:a]\nroot=/x\nroot_caps = chown\n",
	      "t.conf:3: root_caps needs allow_root = yes", NULL);
	fails("allow_root with the host's /etc bound",
	      "[jail:a]\nroot=/x\nallow_root = yes\nbind_ro = /usr /etc\n",
	      "t.conf:4: bind_ro: the host's /etc must not be bound", NULL);
	fails("allow_root with a file of /etc bound elsewhere",
	      "[jail:a]\nroot=/x\nallow_root = yes\nbind_rw = /etc/ssl:/ssl\n",
	      "t.conf:4: bind_rw: the host's /etc", NULL);
	{
		struct jc_config *r = parse_ok("[jail:a]\nroot=/x\nallow_root = yes\n"
					       "bind_ro = /usr /etcetera\n"
					       "[jail:b]\nroot=/y\nallow_root = 1\n"
					       "root_caps = CAP_CHOWN kill\n");

		TAP_OK(r && r->jails[0].allow_root &&
		       r->jails[0].root_caps == ((1ULL << CAP_CHOWN) |
			(1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_FOWNER) |
			(1ULL << CAP_FSETID) | (1ULL << CAP_KILL) |
			(1ULL << CAP_SETUID) | (1ULL << CAP_SETGID) |
			(1ULL << CAP_NET_BIND_SERVICE) | (1ULL << CAP_SYS_CHROOT) |
			(1ULL << CAP_AUDIT_WRITE)),
		       "allow_root = yes: the default root_caps");
		TAP_OK(r && r->jails[1].root_caps ==
		       ((1ULL << CAP_CHOWN) | (1ULL << CAP_KILL)),
		       "root_caps = CAP_CHOWN kill");
		jc_config_free(r);
	}
	fails("allow_root = maybe", "[jail:a]\nroot=/x\nallow_root = maybe\n",
	      "t.conf:3: allow_root: expected yes or no", NULL);
	fails("hostname over 64 characters",
	      "[jail:a]\nroot=/x\nhostname = hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh\n",
	      "t.conf:3: hostname: longer than 64", NULL);
	fails("control character in a value", "[jail:a]\nroot = /a\x01z\n",
	      "t.conf:2: root: control character", NULL);
	fails("empty jail =", "[jail:a]\nroot=/x\n[group:g]\njail =\n",
	      "t.conf:4:", "expected a jail name or none");
}

static void test_line_endings(void)
{
	struct jc_config *cfg = parse_ok("[jail:a]\r\nroot = /x \\\r\n\r\n"
					 "[user:u]\r\njail = a\r\n");

	TAP_OK(cfg && strcmp(cfg->jails[0].root, "/x") == 0 &&
	       cfg->users[0].line == 5, "CRLF line endings");
	jc_config_free(cfg);
	fails("lines after a continuation keep their physical numbers",
	      "[jail:a]\nroot=/x\nbind_ro = /a \\\n  /b \\\n  /c\nnetwork = x\n",
	      "t.conf:6: network:", NULL);
	fails("error inside a continued value names its first line",
	      "[jail:a]\nroot=/x\nbind_ro = /a \\\n  b\n",
	      "t.conf:3: bind_ro: 'b'", NULL);
	fails("UTF-8 byte order mark", "\xef\xbb\xbf[jail:a]\nroot=/x\n",
	      "t.conf:1: syntax error", NULL);
}

static void test_sizes(void)
{
	struct jc_config *a = parse_ok("[jail:a]\nroot=/x\ntmpfs_size=64K\n"
				       "[jail:b]\nroot=/x\ntmpfs_size=64G\n"
				       "[jail:c]\nroot=/x\ntmpfs_size=1g\n"
				       "[jail:d]\nroot=/x\ntmpfs_size=1048576\n"
				       "allow_root = false\n");

	TAP_OK(a && a->jails[0].tmpfs_size == 65536 &&
	       a->jails[1].tmpfs_size == 64ULL << 30 &&
	       a->jails[2].tmpfs_size == 1ULL << 30 &&
	       a->jails[3].tmpfs_size == 1ULL << 20 && !a->jails[3].allow_root,
	       "tmpfs_size 64K, 64G, 1g, plain bytes; allow_root = false");
	jc_config_free(a);
}

/* ---- seccomp keys ------------------------------------------------------ */

static int has_words(char *const *w, size_t n, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++)
		if (i >= n || strcmp(w[i], want[i]) != 0)
			return 0;
	return i == n;
}

static void test_seccomp_ok(void)
{
	static const char *const deny[] = { "chroot", "ptrace", "vm86", NULL };
	static const char *const allow[] = { "keyctl", "add_key", NULL };
	static const char *const none[] = { NULL };
	struct jc_config *cfg = parse_ok(
		"[jail:a]\nroot=/x\n"				/* 1-2 */
		"[jail:b]\nroot=/x\nseccomp = none\n"		/* 3-5 */
		"[jail:c]\nroot=/x\nSECCOMP = Default\n"		/* 6-8 */
		"seccomp_deny = chroot \tptrace \\\n vm86\n"	/* 9-10 */
		"seccomp_allow = keyctl add_key\n"		/* 11 */
		"[jail:d]\nroot=/x\nseccomp_deny =\nseccomp = none\n");
	const struct jc_seccomp_spec *s;

	TAP_OK(cfg && cfg->n_jails == 4, "seccomp keys parse");
	if (!cfg)
		return;
	s = &cfg->jails[0].seccomp;
	TAP_OK(s->mode == JC_SECCOMP_DEFAULT && !s->n_deny && !s->n_allow &&
	       cfg->jails[0].key_line[JC_K_SECCOMP] == 0,
	       "seccomp: default when absent, no lists");
	s = &cfg->jails[1].seccomp;
	TAP_OK(s->mode == JC_SECCOMP_NONE &&
	       cfg->jails[1].key_line[JC_K_SECCOMP] == 5, "seccomp = none");
	s = &cfg->jails[2].seccomp;
	TAP_OK(s->mode == JC_SECCOMP_DEFAULT &&
	       has_words(s->deny, s->n_deny, deny) &&
	       cfg->jails[2].key_line[JC_K_SECCOMP_DENY] == 9,
	       "seccomp_deny: list over a continued line, i386-only vm86 accepted");
	TAP_OK(has_words(s->allow, s->n_allow, allow) &&
	       cfg->jails[2].key_line[JC_K_SECCOMP_ALLOW] == 11,
	       "seccomp_allow: names from the default denylist");
	s = &cfg->jails[3].seccomp;
	TAP_OK(s->mode == JC_SECCOMP_NONE && has_words(s->deny, s->n_deny, none),
	       "empty seccomp_deny is allowed with seccomp = none");
	jc_config_free(cfg);
}

static void test_seccomp_bad(void)
{
	fails("seccomp = strict", "[jail:a]\nroot=/x\nseccomp = strict\n",
	      "t.conf:3: seccomp: expected default or none, got 'strict'", NULL);
	fails("seccomp_deny of an unknown name",
	      "[jail:a]\nroot=/x\nseccomp_deny = chroot foo\n",
	      "t.conf:3: seccomp_deny: unknown system call 'foo'", NULL);
	fails("seccomp_deny is case-sensitive",
	      "[jail:a]\nroot=/x\nseccomp_deny = KEYCTL\n",
	      "t.conf:3: seccomp_deny: unknown system call 'KEYCTL'", NULL);
	fails("seccomp_deny of a name of another architecture",
	      "[jail:a]\nroot=/x\nseccomp_deny = arm_fadvise64_64\n",
	      "t.conf:3: seccomp_deny: unknown system call 'arm_fadvise64_64'",
	      NULL);
	fails("seccomp_allow of a name not in the denylist",
	      "[jail:a]\nroot=/x\n\nseccomp_allow = keyctl chroot\n",
	      "t.conf:4: seccomp_allow: 'chroot' is not in the default denylist",
	      NULL);
	fails("seccomp_allow of an unknown name",
	      "[jail:a]\nroot=/x\nseccomp_allow = nosuch\n",
	      "t.conf:3: seccomp_allow: unknown system call 'nosuch'", NULL);
	fails("seccomp_deny listing a name twice",
	      "[jail:a]\nroot=/x\nseccomp_deny = chroot ptrace chroot\n",
	      "t.conf:3: seccomp_deny: 'chroot' listed twice", NULL);
	fails("seccomp_deny with seccomp = none",
	      "[jail:a]\nroot=/x\nseccomp = none\nseccomp_deny = chroot\n",
	      "t.conf:4: seccomp_deny has no effect with seccomp = none (line 3)",
	      NULL);
	fails("seccomp_allow with seccomp = none (key order does not matter)",
	      "[jail:a]\nseccomp_allow = bpf\nroot=/x\nseccomp = NONE\n",
	      "t.conf:2: seccomp_allow has no effect with seccomp = none (line 4)",
	      NULL);
	fails("one name in seccomp_deny and seccomp_allow",
	      "[jail:a]\nroot=/x\nseccomp_allow = bpf keyctl\nseccomp_deny = keyctl\n",
	      "t.conf:4: seccomp_deny: 'keyctl' is also in seccomp_allow (line 3)",
	      NULL);
	fails("control character in a name", "[jail:a]\nroot=/x\nseccomp_deny = a\x01b\n",
	      "t.conf:3: seccomp_deny: control character", NULL);
	fails("duplicate seccomp_deny key",
	      "[jail:a]\nroot=/x\nseccomp_deny = bpf\nSeccomp_Deny = chroot\n",
	      "t.conf:4: duplicate key 'Seccomp_Deny' in [jail:a] (first at line 3)",
	      NULL);
}

/* ---- matching ---------------------------------------------------------- */

static const char rules[] =
	"[global]\n"				/* 1 */
	"default = dflt\n"			/* 2 */
	"[jail:dflt]\n"				/* 3 */
	"root = /srv/d\n"			/* 4 */
	"[jail:web]\n"				/* 5 */
	"root = /srv/w\n"			/* 6 */
	"[jail:Locked]\n"			/* 7 */
	"root = /srv/l\n"			/* 8 */
	"[user:Alice]\n"			/* 9 */
	"jail = Locked\n"			/* 10 */
	"[user:first.last]\n"			/* 11 */
	"jail = web\n"				/* 12 */
	"[user:abcdefghijklmnopqrstuvwxyz012345]\n" /* 13 */
	"jail = web\n"				/* 14 */
	"[user:odd%name]\n"			/* 15 */
	"jail = web\n"				/* 16 */
	"[user:root]\n"				/* 17 */
	"jail = none\n"				/* 18 */
	"[group:staff]\n"			/* 19 */
	"jail = web\n"				/* 20 */
	"[group:devs]\n"			/* 21 */
	"jail = web\n"				/* 22 */
	"[group:ops]\n"				/* 23 */
	"jail = none\n"				/* 24 */
	"[group:admins]\n"			/* 25 */
	"jail = Locked\n"			/* 26 */
	"[user:bob]\n"				/* 27 */
	"jail = dflt\n";			/* 28 */

/* Match USER in GROUPS (NULL-terminated); "-" as JAIL means not jailed. */
static void match(const struct jc_config *cfg, const char *user,
		  const char *const *groups, const char *jail, const char *why)
{
	struct jc_match m;
	struct jc_err e = { 0 };
	size_t n = 0;
	int rc;

	while (groups && groups[n])
		n++;
	rc = jc_config_match_groups(cfg, user, groups, n, &m, &e);
	TAP_OK(rc == 0 && (strcmp(jail, "-") == 0 ? !m.jail
			   : m.jail && strcmp(m.jail->name, jail) == 0) &&
	       strcmp(m.why, why) == 0, "match %s -> %s (%s)", user, jail, why);
	if (rc < 0)
		printf("#   %s\n", e.msg);
	else if (strcmp(m.why, why))
		printf("#   why: %s\n", m.why);
}

static void test_match(void)
{
	static const char *const staff[] = { "staff", NULL };
	static const char *const staff_devs[] = { "users", "staff", "devs", NULL };
	static const char *const ops[] = { "ops", NULL };
	static const char *const admins_ops[] = { "admins", "ops", NULL };
	struct jc_config *cfg = parse_ok(rules);

	TAP_OK(cfg != NULL, "rules config parses");
	if (!cfg)
		return;
	match(cfg, "Alice", NULL, "Locked", "[user:Alice] at line 10");
	match(cfg, "alice", NULL, "dflt", "[global] default at line 2");
	match(cfg, "ALICE", staff, "web", "[group:staff] at line 20");
	match(cfg, "root", staff, "-", "[user:root] at line 18");
	match(cfg, "carol", staff_devs, "web", "[group:staff] at line 20");
	match(cfg, "erin", ops, "-", "[group:ops] at line 24");
	match(cfg, "bob", admins_ops, "dflt", "[user:bob] at line 28");
	match(cfg, "Alice", ops, "Locked", "[user:Alice] at line 10");
	match(cfg, "first.last", NULL, "web", "[user:first.last] at line 12");
	match(cfg, "abcdefghijklmnopqrstuvwxyz012345", NULL, "web",
	      "[user:abcdefghijklmnopqrstuvwxyz012345] at line 14");
	match(cfg, "odd%name", NULL, "web", "[user:odd%name] at line 16");
	jc_config_free(cfg);
}

static void test_match_conflict(void)
{
	static const char *const g[] = { "staff", "ops" };
	struct jc_config *cfg = parse_ok(rules);
	struct jc_match m;
	struct jc_err e = { 0 };
	int rc;

	if (!cfg)
		return;
	rc = jc_config_match_groups(cfg, "dave", g, 2, &m, &e);
	TAP_OK(rc == -1 && strstr(e.msg, "user 'dave'") &&
	       strstr(e.msg, "[group:staff] (line 20, jail web)") &&
	       strstr(e.msg, "[group:ops] (line 24, jail none)"),
	       "conflicting group rules name the user and both lines");
	printf("#   %s\n", e.msg);
	jc_config_free(cfg);
	cfg = parse_ok("[jail:a]\nroot=/x\n");
	rc = cfg ? jc_config_match_groups(cfg, "x", NULL, 0, &m, &e) : -1;
	TAP_OK(rc == 0 && !m.jail &&
	       strcmp(m.why, "no rule matches and default is none") == 0,
	       "no rule and no default: not jailed");
	jc_config_free(cfg);
}

/* getgrouplist + getgrgid_r: root's primary group is "root". */
static void test_match_nss(void)
{
	struct jc_config *cfg = parse_ok("[jail:web]\nroot=/x\n[group:root]\njail=web\n");
	struct jc_match m;
	struct jc_err e = { 0 };
	int rc = cfg ? jc_config_match(cfg, "root", 0, &m, &e) : -1;

	TAP_OK(rc == 0 && m.jail && strcmp(m.why, "[group:root] at line 4") == 0,
	       "jc_config_match finds groups through NSS");
	if (rc < 0)
		printf("#   %s\n", e.msg);
	jc_config_free(cfg);
}

/* ---- jc_expand --------------------------------------------------------- */

static const struct jc_tokens tok = {
	.user = "alice", .uid = 1000, .gid = 100, .home = "/home/alice",
	.jail = "web",
};

static void expands(const char *tmpl, const struct jc_tokens *t,
		    const char *want)
{
	char out[256];
	struct jc_err e = { 0 };
	int rc = jc_expand(tmpl, t, out, sizeof(out), &e);

	TAP_OK(rc == 0 && strcmp(out, want) == 0, "expand '%s' -> '%s'", tmpl,
	       want);
	if (rc < 0)
		printf("#   %s\n", e.msg);
}

static void expand_fails(const char *tmpl, const struct jc_tokens *t,
			 size_t outsz, const char *needle)
{
	char out[256] = "junk";
	struct jc_err e = { 0 };
	int rc = jc_expand(tmpl, t, out, outsz, &e);

	TAP_OK(rc == -1 && strstr(e.msg, needle) && out[0] == '\0',
	       "expand '%s' refused: %s", tmpl, needle);
	if (rc == 0 || !strstr(e.msg, needle))
		printf("#   got rc=%d: %s\n", rc, e.msg);
}

static void test_expand(void)
{
	struct jc_tokens t = tok;

	expands("/srv/%j/%u", &tok, "/srv/web/alice");
	expands("%h/x", &tok, "/home/alice/x");
	expands("%U:%G", &tok, "1000:100");
	expands("100%%", &tok, "100%");
	expands("plain", &tok, "plain");
	expand_fails("/a/%x", &tok, 256, "unknown token %x");
	expand_fails("abc%", &tok, 256, "trailing '%'");
	expand_fails("/srv/%j/%u", &tok, 14, "does not fit in 14 bytes");
	{
		char out[15];
		struct jc_err e;

		TAP_OK(jc_expand("/srv/%j/%u", &tok, out, sizeof(out), &e) == 0 &&
		       strcmp(out, "/srv/web/alice") == 0,
		       "expand: exact fit with the NUL");
	}
	t.user = "../x";
	expand_fails("/home/%u", &t, 256, "user name '../x' cannot be used in a path");
	expands("/srv/%j", &t, "/srv/web");	/* %u unused: fine */
	t.user = "..";
	expand_fails("%u", &t, 256, "user name '..' cannot");
	t.user = "-rf";
	expand_fails("%u", &t, 256, "user name '-rf' cannot");
	t.user = "odd%name";
	expand_fails("/srv/%u", &t, 256, "user name 'odd%name' cannot");
	t.user = "a@b.c-d_E";
	expands("/srv/%u", &t, "/srv/a@b.c-d_E");
	t.home = "home/alice";
	expand_fails("%h", &t, 256, "home directory 'home/alice'");
	t.home = "/home/../etc";
	expand_fails("%h/x", &t, 256, "home directory '/home/../etc'");
	t.jail = "a/b";
	expand_fails("/%j", &t, 256, "jail name 'a/b' cannot");
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
				   &cfg, &e) == 0 || !strstr(e.msg, "NUL byte"))
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
			buf[k] = i % 2 ? alpha[rnd(sizeof(alpha) - 1)]
				       : (char)(1 + rnd(255));
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
		"[jail:a]", "[jail:A]", "[user:u]", "[user:U]", "[group:g]",
		"[global]", "root = /x", "ROOT=%h", "jail = a", "jail = none",
		"default = a", "bind_ro = /a:/b \\", "  /c", "tmpfs = /t",
		"# c \\", "; c", "", "x", "=", "[", "]", "[]", "a = \"q",
		"network = host", "hostname = %u", "root = \"/a b\" # c",
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
		"good.conf", "link.conf", "nobody.conf", "badlink.conf",
		"g.conf", "o.conf", "fifo.conf", "nul.conf", "empty.conf",
		"big.conf", "junk.conf", "stderr",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(tpath(files[i]));
	rmdir(tpath("dir.conf"));
	rmdir(tmpdir);
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
	       c->n_users == 1 && strcmp(c->users[0].name, "alice") == 0 &&
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
	test_names();
	test_values();
	test_values2();
	test_line_endings();
	test_sizes();
	test_seccomp_ok();
	test_seccomp_bad();
	test_match();
	test_match_conflict();
	test_match_nss();
	test_expand();
	test_garbage();
	cleanup();
	return TAP_DONE();
}
