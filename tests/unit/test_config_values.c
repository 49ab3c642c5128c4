/* SPDX-License-Identifier: BSD-3-Clause */
/* test_config_values.c - unit tests for jailcore/20-config/config_values.c (TAP): the
 * checks of section names and of each key's value, seccomp keys included,
 * on texts parsed from memory (no files). */
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "jailcore/20-config/config.h"
#include "conftest.h"
#include "tap.h"

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
	fails("jail named none", "[jail:None]\nroot=/x\n",
	      "t.conf:1:", "'none' is reserved");
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
	fails("relative root", "[jail:a]\nroot = srv/x\n",
	      "t.conf:2: root:", "must start with '/' or %h");
	fails("root with '..'", "[jail:a]\nroot = %h/../x\n",
	      "t.conf:2: root:", "'..' component");
	fails("root %hx", "[jail:a]\nroot = %hx\n",
	      "t.conf:2:", "%h must be followed by '/'");
	fails("unknown token in root", "[jail:a]\nroot = /srv/%x\n",
	      "t.conf:2: root: unknown token %x", NULL);
	fails("bind with two ':'", "[jail:a]\nroot=/x\nbind_ro = /a:/b:/c\n",
	      "t.conf:3: bind_ro: '/a:/b:/c'", "SRC:DST");
	fails("bind with relative destination",
	      "[jail:a]\nroot=/x\nbind_rw = /a:b\n",
	      "t.conf:3: bind_rw:", "must start with '/'");
	fails("bind with '..'", "[jail:a]\nroot=/x\nbind_ro = /usr/../etc\n",
	      "t.conf:3: bind_ro:", "'..'");
	fails("relative tmpfs", "[jail:a]\nroot=/x\ntmpfs = /tmp var\n",
	      "t.conf:3: tmpfs: 'var'", NULL);
}

static void test_values2(void)
{
	/* one size syntax for every key: 1T is a size (as for rlimit_as),
	 * just out of tmpfs_size's range */
	fails("tmpfs_size 1T", "[jail:a]\nroot=/x\ntmpfs_size = 1T\n",
	      "t.conf:3: tmpfs_size: '1T' is out of range (64K to 64G)", NULL);
	fails("tmpfs_size 1X", "[jail:a]\nroot=/x\ntmpfs_size = 1X\n",
	      "t.conf:3: tmpfs_size: expected a number with optional K, M, G or T suffix",
	      NULL);
	fails("tmpfs_size 63K", "[jail:a]\nroot=/x\ntmpfs_size = 63K\n",
	      "t.conf:3: tmpfs_size: '63K' is out of range", NULL);
	fails("tmpfs_size 65G", "[jail:a]\nroot=/x\ntmpfs_size = 65G\n",
	      "out of range", NULL);
	fails("tmpfs_size overflow",
	      "[jail:a]\nroot=/x\ntmpfs_size = 99999999999999999999999G\n",
	      "out of range", NULL);
	fails("root_caps with sys_admin",
	      "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_caps = chown sys_admin\n",
	      "t.conf:4: root_caps: 'sys_admin' is not a capability", NULL);
	fails("root_caps with cap_sys_module",
	      "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_caps = cap_sys_module\n",
	      "t.conf:4: root_caps: 'cap_sys_module'", NULL);
	fails("root_caps with mknod",
	      "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_caps = mknod\n",
	      "'mknod' is not a capability", NULL);
	fails("root_caps with an unknown name",
	      "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_caps = fly\n",
	      "'fly' is not a capability", NULL);
	fails("root_caps without allow_root",
	      "[jail:a]\nroot=/x\nroot_caps = chown\n",
	      "t.conf:3: root_caps needs allow_root = yes", NULL);
	fails("allow_root with the host's /etc bound",
	      "[jail:a]\nroot=/x\nallow_root = yes\nbind_ro = /usr /etc\n",
	      "t.conf:4: bind_ro: the host's /etc must not be bound", NULL);
	fails("allow_root with a file of /etc bound elsewhere",
	      "[jail:a]\nroot=/x\nallow_root = yes\nbind_rw = /etc/ssl:/ssl\n",
	      "t.conf:4: bind_rw: the host's /etc", NULL);
	{
		struct jc_config *r =
			parse_ok("[jail:a]\nroot=/x\nallow_root = yes\n"
				 "bind_ro = /usr /etcetera\n"
				 "[jail:b]\nroot=/y\nallow_root = 1\n"
				 "root_caps = CAP_CHOWN kill\n");

		TAP_OK(r && r->jails[0].allow_root &&
			       r->jails[0].root_caps ==
				       ((1ULL << CAP_CHOWN) |
					(1ULL << CAP_DAC_OVERRIDE) |
					(1ULL << CAP_FOWNER) |
					(1ULL << CAP_FSETID) |
					(1ULL << CAP_KILL) |
					(1ULL << CAP_SETUID) |
					(1ULL << CAP_SETGID) |
					(1ULL << CAP_NET_BIND_SERVICE) |
					(1ULL << CAP_SYS_CHROOT) |
					(1ULL << CAP_AUDIT_WRITE)),
		       "allow_root = yes: the default root_caps");
		TAP_OK(r && r->jails[1].root_caps == ((1ULL << CAP_CHOWN) |
						      (1ULL << CAP_KILL)),
		       "root_caps = CAP_CHOWN kill");
		jc_config_free(r);
	}
	/* uid 0 on the host's network talks to its abstract sockets as root */
	fails("allow_root with network = host",
	      "[jail:a]\nroot=/x\nallow_root = yes\nnetwork = host\n",
	      "t.conf:4: network = host is not allowed with allow_root = yes",
	      NULL);
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
		       cfg->users[0].line == 5,
	       "CRLF line endings");
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
		       a->jails[3].tmpfs_size == 1ULL << 20 &&
		       !a->jails[3].allow_root,
	       "tmpfs_size 64K, 64G, 1g, plain bytes; allow_root = false");
	jc_config_free(a);
	/* the same value means the same bytes under every size key */
	a = parse_ok("[jail:a]\nroot=/x\ntmpfs_size=1G\nrlimit_as=1G\n"
		     "memory_max=1G\n[jail:b]\nroot=/x\nrlimit_as = 1T\n");
	TAP_OK(a && a->jails[0].tmpfs_size == 1ULL << 30 &&
		       a->jails[0].rlimit[JC_RL_AS] == 1ULL << 30 &&
		       a->jails[1].rlimit[JC_RL_AS] == 1ULL << 40,
	       "tmpfs_size and rlimit_as read 1G alike; rlimit_as = 1T");
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
	struct jc_config *cfg =
		parse_ok("[jail:a]\nroot=/x\n"			      /* 1-2 */
			 "[jail:b]\nroot=/x\nseccomp = none\n"	      /* 3-5 */
			 "[jail:c]\nroot=/x\nSECCOMP = Default\n"     /* 6-8 */
			 "seccomp_deny = chroot \tptrace \\\n vm86\n" /* 9-10 */
			 "seccomp_allow = keyctl add_key\n"	      /* 11 */
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
		       cfg->jails[1].key_line[JC_K_SECCOMP] == 5,
	       "seccomp = none");
	s = &cfg->jails[2].seccomp;
	TAP_OK(s->mode == JC_SECCOMP_DEFAULT &&
		       has_words(s->deny, s->n_deny, deny) &&
		       cfg->jails[2].key_line[JC_K_SECCOMP_DENY] == 9,
	       "seccomp_deny: list over a continued line, i386-only vm86 accepted");
	TAP_OK(has_words(s->allow, s->n_allow, allow) &&
		       cfg->jails[2].key_line[JC_K_SECCOMP_ALLOW] == 11,
	       "seccomp_allow: names from the default denylist");
	s = &cfg->jails[3].seccomp;
	TAP_OK(s->mode == JC_SECCOMP_NONE &&
		       has_words(s->deny, s->n_deny, none),
	       "empty seccomp_deny is allowed with seccomp = none");
	jc_config_free(cfg);
}

static void test_seccomp_bad(void)
{
	fails("seccomp = strict", "[jail:a]\nroot=/x\nseccomp = strict\n",
	      "t.conf:3: seccomp: expected default or none, got 'strict'",
	      NULL);
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
	fails("control character in a name",
	      "[jail:a]\nroot=/x\nseccomp_deny = a\x01b\n",
	      "t.conf:3: seccomp_deny: control character", NULL);
	fails("duplicate seccomp_deny key",
	      "[jail:a]\nroot=/x\nseccomp_deny = bpf\nSeccomp_Deny = chroot\n",
	      "t.conf:4: duplicate key 'Seccomp_Deny' in [jail:a] (first at line 3)",
	      NULL);
}

static void test_root_ids(void)
{
	struct jc_config *cfg =
		parse_ok("[jail:a]\nroot=/x\nallow_root = yes\n"
			 "root_ids = 1000-1999, 65534 \t7\n"
			 "[jail:b]\nroot=/x\nallow_root = yes\n");
	const struct jc_jail *a = cfg ? &cfg->jails[0] : NULL;

	TAP_OK(a && a->n_root_ids == 3 && a->root_ids[0].lo == 1000 &&
		       a->root_ids[0].hi == 1999 &&
		       a->root_ids[1].lo == 65534 &&
		       a->root_ids[1].hi == 65534 && a->root_ids[2].lo == 7,
	       "root_ids: ranges and single ids, blanks or commas");
	TAP_OK(cfg && cfg->jails[1].n_root_ids == 0,
	       "root_ids: none by default");
	if (cfg)
		jc_config_free(cfg);
	fails("root_ids without allow_root",
	      "[jail:a]\nroot=/x\nroot_ids = 5\n",
	      "t.conf:3: root_ids needs allow_root = yes", NULL);
	fails("root_ids with -1",
	      "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_ids = 4294967295\n",
	      "t.conf:4: root_ids: expected ids", NULL);
	fails("root_ids upside down",
	      "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_ids = 9-3\n",
	      "got '9-3'", NULL);
	fails("root_ids not a number",
	      "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_ids = nobody\n",
	      "got 'nobody'", NULL);
	fails("root_ids with 17 ranges",
	      "[jail:a]\nroot=/x\nallow_root = yes\n"
	      "root_ids = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
	      "t.conf:4: root_ids: more than 16 ranges", NULL);
}

/* allow_root's private devpts is one jail's: util-linux login reopens
 * /dev/pts/N inside, another user's pty there (E14), and an allow_root
 * jail gives a caller on a host pty no view of the host's devpts
 * (mount_view.c).  Refused where the config shows a second user's way in;
 * accepted for a jail of one user.  devpts = private without allow_root
 * has that view: accepted in a team jail. */
static void test_private_devpts_one_user(void)
{
	const char *team = "[jail:t]\nroot=/x\nallow_root = yes\n";
	char buf[256];
	struct jc_config *cfg;

	snprintf(buf, sizeof(buf), "%s[user:a]\njail=t\n[user:b]\njail=t\n",
		 team);
	fails("allow_root, two [user:] rules", buf,
	      "t.conf:3: jail t: allow_root (a private devpts), and a second "
	      "[user:] rule (line 7) names it",
	      "give it a root with %u");
	snprintf(buf, sizeof(buf), "%s[group:g]\njail=t\n", team);
	fails("allow_root, a [group:] rule", buf,
	      "t.conf:3: jail t: allow_root (a private devpts), and a [group:] "
	      "rule (line 5)",
	      "one [user:] rule only");
	snprintf(buf, sizeof(buf), "[global]\ndefault=t\n%s", team);
	fails("allow_root, the default", buf,
	      "t.conf:5: jail t: allow_root (a private devpts), and default "
	      "(line 2)",
	      NULL);
	fails("a root with a literal %u (written %%u) is no jail per user",
	      "[jail:t]\nroot=/x/%%u\nallow_root = yes\n[group:g]\njail=t\n",
	      "t.conf:3: jail t: allow_root", NULL);
	/* controls: a jail of one user; a private devpts without allow_root */
	snprintf(buf, sizeof(buf), "%s[user:a]\njail=t\n", team);
	cfg = parse_ok(buf);
	TAP_OK(cfg != NULL, "allow_root, one [user:] rule: accepted");
	jc_config_free(cfg);
	cfg = parse_ok(
		"[global]\ndefault=t\n[jail:t]\nroot=/x/%u\nallow_root = yes\n"
		"[group:g]\njail=t\n[jail:u]\nroot=/y/%U\nallow_root = yes\n"
		"[user:a]\njail=u\n[user:b]\njail=u\n");
	TAP_OK(cfg != NULL, "allow_root, a root with %%u or %%U: accepted "
			    "for the default, groups and several users");
	jc_config_free(cfg);
	cfg = parse_ok("[global]\ndefault=t\n[jail:t]\nroot=/x\n"
		       "devpts = private\n[group:g]\njail=t\n"
		       "[user:a]\njail=t\n[user:b]\njail=t\n");
	TAP_OK(cfg != NULL,
	       "devpts = private in a team jail: accepted (a host pty's "
	       "caller gets its own view)");
	jc_config_free(cfg);
	cfg = parse_ok(
		"[jail:t]\nroot=/x\n[group:g]\njail=t\n[user:a]\njail=t\n");
	TAP_OK(cfg != NULL, "devpts = host in a team jail: accepted");
	jc_config_free(cfg);
}

int main(void)
{
	test_names();
	test_values();
	test_values2();
	test_line_endings();
	test_sizes();
	test_seccomp_ok();
	test_seccomp_bad();
	test_root_ids();
	test_private_devpts_one_user();
	return TAP_DONE();
}
