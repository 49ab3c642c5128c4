/* SPDX-License-Identifier: BSD-3-Clause */
/* test_confcache.c - the section index of a validated config
 * (jailcore/20-config/config_cache.c): a login's load gives the same result with it
 * as without, an edited file is scanned in full again, and an index that
 * is not root's 0600 file, or not one, is ignored (TAP).  Everything lives
 * in a temporary directory: the index dir too, never /run/pam_jail. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/20-config/config.h"
#include "jailcore/20-config/config_priv.h"
#include "tap.h"

static char tmpdir[] = "/tmp/test_confcache.XXXXXX";
static char conf[300], cache[300], index_path[900];

static void write_file(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, 0644);
}

static void write_conf(void)
{
	FILE *f = fopen(conf, "w");

	if (!f)
		return;
	fprintf(f, "# pam_jail.conf\n[global]\ndefault = none\n\n"
		   "[jail:web]\nroot = /srv/%%u\n\n");
	for (int i = 0; i < 500; i++)
		fprintf(f, "[user:u%d]\njail = web\n\n", i);
	fprintf(f, "[group:staff]\njail = web\n\n[user:alice]\njail = web\n");
	fclose(f);
	chmod(conf, 0644);
}

/* What a login of USER gets: its rule's name and line, or the error. */
static void load(const char *user, const char *dir, char *out, size_t size)
{
	struct jc_config *c = NULL;
	struct jc_err e = { 0 };

	if (jc_config_load_for_at(conf, user, dir, &c, &e) < 0)
		snprintf(out, size, "error: %s", e.msg);
	else if (c->n_users != 1)
		snprintf(out, size, "%zu users", c->n_users);
	else
		snprintf(out, size, "%s line %d, %zu groups, %zu jails",
			 c->users[0].name, c->users[0].line, c->n_groups,
			 c->n_jails);
	jc_config_free(c);
}

static void find_index(void)
{
	char cmd[400];
	FILE *p;

	index_path[0] = '\0';
	snprintf(cmd, sizeof(cmd), "ls %s/conf-*.idx 2>/dev/null", cache);
	if ((p = popen(cmd, "r"))) {
		if (fgets(index_path, sizeof(index_path), p))
			index_path[strcspn(index_path, "\n")] = '\0';
		pclose(p);
	}
}

/* The index as a login looks it up for USER. */
static int lookup(const char *user, struct jc_cfg_hit *hit)
{
	struct jc_cfg_cached f = { .path = conf };
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = fopen(conf, "r");

	if (!fp || stat(conf, &st) < 0 || getdelim(&text, &len, '\0', fp) < 0) {
		if (fp)
			fclose(fp);
		free(text);
		return -1;
	}
	fclose(fp);
	jc_cfg_ident_of(&st, &f.id);
	f.lines = 1;
	for (char *c = text; *c; c++)
		f.lines += *c == '\n';
	free(text);
	return jc_cfg_cache_lookup(cache, 1, &f, user, hit);
}

/* The file as a login of USER scans it with the index: other users'
 * [user:] sections emptied line by line (the newlines kept), computed here
 * the slow way from the text itself. */
static char *blanked_for(const char *text, const char *user)
{
	char *out = strdup(text), head[300];
	bool drop = false;
	size_t o = 0;

	snprintf(head, sizeof(head), "[user:%s]", user);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (p[0] == '[')
			drop = strncmp(p, "[user:", 6) == 0 &&
			       !(n == strlen(head) && strncmp(p, head, n) == 0);
		if (!drop) {
			memcpy(out + o, p, n);
			o += n;
		}
		if (nl)
			out[o++] = '\n';
		p += n + (nl != NULL);
	}
	out[o] = '\0';
	return out;
}

static void test_prune(const char *user)
{
	struct jc_cfg_hit hit;
	char *text = NULL, *want;
	size_t len = 0, cap = 0;
	FILE *fp = fopen(conf, "r");
	int rc = -2;

	if (!fp || getdelim(&text, &cap, '\0', fp) < 0 ||
	    lookup(user, &hit) != 1) {
		TAP_OK(0, "prune for %s: cannot set up", user);
		if (fp)
			fclose(fp);
		free(text);
		return;
	}
	fclose(fp);
	want = blanked_for(text, user);
	len = strlen(text);
	rc = jc_cfg_prune(&text, &len, &hit.files[0]);
	TAP_OK(rc == 0 && len == strlen(want) && strcmp(text, want) == 0,
	       "pruned by byte offsets, %s's text is the file with the other "
	       "users' rules emptied line by line",
	       user);
	jc_cfg_hit_free(&hit);
	free(text);
	free(want);
}

static void test_same_result(void)
{
	char plain[600], first[600], again[600], other[600], other_plain[600];
	struct stat st;
	struct jc_cfg_hit hit;

	load("alice", NULL, plain, sizeof(plain));
	load("alice", cache, first, sizeof(first));
	find_index();
	TAP_OK(index_path[0] && stat(index_path, &st) == 0 &&
		       (st.st_mode & 07777) == 0600 && st.st_uid == 0,
	       "a login's full scan leaves an index, root's, 0600 (%s)",
	       index_path);
	load("alice", cache, again, sizeof(again));
	TAP_OK(strcmp(plain, first) == 0 && strcmp(plain, again) == 0,
	       "with the index a login gets what it gets without (%s)", again);
	load("u250", NULL, other_plain, sizeof(other_plain));
	load("u250", cache, other, sizeof(other));
	TAP_OK(strcmp(other, other_plain) == 0 &&
		       strstr(other, "u250 line 759"),
	       "so does another user's, line numbers kept (%s)", other);
	TAP_OK(lookup("alice", &hit) == 1 && hit.files[0].has_user &&
		       hit.files[0].user.from == 1511 &&
		       hit.files[0].users == 501 && hit.files[0].n == 2 &&
		       hit.files[0].keep[0].from == 1 &&
		       hit.files[0].keep[0].to == 8,
	       "the index: alice's rule at 1511, two kept ranges, 501 rules skipped");
	jc_cfg_hit_free(&hit);
	TAP_OK(lookup("nobody", &hit) == 1 && !hit.files[0].has_user,
	       "a user with no rule of their own: every [user:] section emptied");
	jc_cfg_hit_free(&hit);
	{
		int found = 0, bad = 0;
		char u[16];

		for (int i = 0; i < 500; i++) {
			snprintf(u, sizeof(u), "u%d", i);
			if (lookup(u, &hit) == 1 && hit.files[0].has_user &&
			    hit.files[0].user.from == 8 + 3 * i)
				found++;
			jc_cfg_hit_free(&hit);
			snprintf(u, sizeof(u), "u%dx", i);
			if (lookup(u, &hit) != 1 || hit.files[0].has_user)
				bad++;
			jc_cfg_hit_free(&hit);
		}
		TAP_OK(found == 500 && bad == 0,
		       "each of 500 users' rules is found "
		       "in the index by its name, at its line (%d), and no other "
		       "name is (%d)",
		       found, bad);
	}
	test_prune("alice");
	test_prune("u0");
	test_prune("u499");
	test_prune("nobody");
}

static void test_edit(void)
{
	char out[600];
	struct jc_cfg_hit hit;

	write_file(conf, "[user:carol]\nbogus = 1\n", "a");
	TAP_OK(lookup("alice", &hit) == 0,
	       "an edited file does not match the index");
	load("alice", cache, out, sizeof(out));
	TAP_OK(strstr(out, "error") && strstr(out, "bogus"),
	       "and a mistake in another user's rule refuses the login again (%s)",
	       out);
	write_conf();
	load("alice", cache, out, sizeof(out));
	TAP_OK(strstr(out, "alice line 1512"), "the repaired file loads (%s)",
	       out);
}

static void test_foreign(void)
{
	char out[600];
	struct jc_cfg_hit hit;

	load("alice", cache, out, sizeof(out)); /* a fresh index */
	find_index();
	chmod(index_path, 0644);
	TAP_OK(lookup("alice", &hit) == 0, "an index of mode 0644 is ignored");
	chmod(index_path, 0600);
	if (chown(index_path, 1, 1) == 0)
		TAP_OK(lookup("alice", &hit) == 0,
		       "so is one that is not root's");
	unlink(index_path);
	write_file(index_path, "pam_jail config index 2\nF garbage\n", "w");
	chmod(index_path, 0600);
	TAP_OK(lookup("alice", &hit) == 0, "and one that does not parse");
	load("alice", cache, out, sizeof(out));
	TAP_OK(strstr(out, "alice line 1512"),
	       "a login past a useless index scans in full and works (%s)",
	       out);
}

/* A main file holding only other users' rules (the jail in a drop-in):
 * emptied, it would have no section at all, which the scan refuses. */
static void test_main_kept(void)
{
	char dir[400], out[600], first[600];

	write_file(conf, "[user:bob]\njail = web\n", "w");
	snprintf(dir, sizeof(dir), "%s/pam_jail.d", tmpdir);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/pam_jail.d/10-web.conf", tmpdir);
	write_file(dir,
		   "[jail:web]\nroot = /srv/%u\n[user:alice]\njail = web\n",
		   "w");
	load("alice", cache, first, sizeof(first));
	load("alice", cache, out, sizeof(out));
	TAP_OK(strcmp(out, first) == 0 && strstr(out, "alice line 4"),
	       "a main file of other users' rules only is kept whole (%s)",
	       out);
	unlink(dir);
	snprintf(dir, sizeof(dir), "%s/pam_jail.d", tmpdir);
	rmdir(dir);
}

/* ---- config_quick.c: "not jailed" from the index and stat()s alone -- */

/* A config in its own directory under tmpdir: NAME/pam_jail.conf with
 * MAIN, and NAME/pam_jail.d/10-a.conf with DROPIN (NULL: no directory). */
static void quick_conf(const char *name, const char *main_text,
		       const char *dropin, char *path, size_t size)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	mkdir(p, 0755);
	snprintf(path, size, "%s/%s/pam_jail.conf", tmpdir, name);
	write_file(path, main_text, "w");
	if (!dropin)
		return;
	snprintf(p, sizeof(p), "%s/%s/pam_jail.d", tmpdir, name);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/pam_jail.d/10-a.conf", tmpdir, name);
	write_file(p, dropin, "w");
}

/* What a login of USER loads from PATH: "jail NAME", "none", or "error". */
static const char *login_of(const char *path, const char *user)
{
	static char out[100];
	struct jc_config *c = NULL;
	struct jc_err e = { 0 };
	struct jc_match m;

	if (jc_config_load_for_at(path, user, cache, &c, &e) < 0 ||
	    jc_config_match_groups(c, user, NULL, 0, &m, &e) < 0)
		snprintf(out, sizeof(out), "error");
	else
		snprintf(out, sizeof(out), "%s%s", m.jail ? "jail " : "none",
			 m.jail ? m.jail->name : "");
	jc_config_free(c);
	return out;
}

#define JAIL_WEB "[global]\ndefault = none\n\n[jail:web]\nroot = /srv/%u\n\n"

static void test_quick(void)
{
	char a[400], b[400], c[400], g[400], m[400], f[400], p[500];

	quick_conf("qa", JAIL_WEB "[user:alice]\njail = web\n", NULL, a,
		   sizeof(a));
	quick_conf("qb", JAIL_WEB, "[user:carol]\njail = web\n", b, sizeof(b));
	quick_conf("qc", JAIL_WEB, "[user:carol]\njail = web\n", c, sizeof(c));
	quick_conf("qg", JAIL_WEB "[group:staff]\njail = web\n", NULL, g,
		   sizeof(g));
	quick_conf("qm", JAIL_WEB "[user:alice]\njail = web\n", NULL, m,
		   sizeof(m));
	quick_conf("qf", JAIL_WEB "[user:alice]\njail = web\n", NULL, f,
		   sizeof(f));
	TAP_OK(jc_config_quick_unjailed_at(a, "nobody", cache) == 0,
	       "no index yet: cannot tell");
	login_of(a, "alice");
	TAP_OK(jc_config_quick_unjailed_at(a, "nobody", cache) == 0,
	       "an index written right after the files changed does not vouch (racy)");
	/* older than JC_CFG_RACY_S: the next logins' indexes vouch */
	sleep(JC_CFG_RACY_S + 1);
	login_of(a, "alice");
	login_of(b, "alice");
	login_of(c, "alice");
	login_of(g, "alice");
	login_of(m, "alice");
	login_of(f, "alice");
	TAP_OK(jc_config_quick_unjailed_at(a, "nobody", cache) == 1 &&
		       strcmp(login_of(a, "nobody"), "none") == 0,
	       "a user no rule names: not jailed, from the index alone");
	TAP_OK(jc_config_quick_unjailed_at(a, "alice", cache) == 0 &&
		       jc_config_quick_unjailed_at(a, "alic", cache) == 1 &&
		       jc_config_quick_unjailed_at(a, "alice2", cache) == 1 &&
		       jc_config_quick_unjailed_at(a, "Alice", cache) == 1,
	       "a user with a [user:] rule: cannot tell; only the exact name is hers");
	TAP_OK(jc_config_quick_unjailed_at(b, "carol", cache) == 0 &&
		       jc_config_quick_unjailed_at(b, "nobody", cache) == 1,
	       "a rule in a drop-in counts the same");
	TAP_OK(jc_config_quick_unjailed_at(g, "nobody", cache) == 0,
	       "a [group:] rule that names a jail: cannot tell without the groups");
	snprintf(p, sizeof(p), "%s/qa/pam_jail.d", tmpdir);
	mkdir(p, 0755);
	TAP_OK(jc_config_quick_unjailed_at(a, "nobody", cache) == 0,
	       "a drop-in directory where there was none: cannot tell");
	snprintf(p, sizeof(p), "%s/qb/pam_jail.d/20-b.conf", tmpdir);
	write_file(p, "[user:nobody]\njail = web\n", "w");
	TAP_OK(jc_config_quick_unjailed_at(b, "nobody", cache) == 0 &&
		       strcmp(login_of(b, "nobody"), "jail web") == 0,
	       "a new drop-in: cannot tell, and the login obeys it");
	snprintf(p, sizeof(p), "%s/qc/pam_jail.d/10-a.conf", tmpdir);
	write_file(p, "[user:nobody]\njail = web\n", "a");
	TAP_OK(jc_config_quick_unjailed_at(c, "nobody", cache) == 0 &&
		       strcmp(login_of(c, "nobody"), "jail web") == 0,
	       "a drop-in edited in place (its directory unchanged): cannot tell, "
	       "and the login obeys it");
	TAP_OK(jc_config_quick_unjailed_at(c, "somebody", cache) == 0,
	       "the index that login wrote is racy: still cannot tell");
	write_file(m, "[user:nobody]\njail = web\n", "a");
	TAP_OK(jc_config_quick_unjailed_at(m, "nobody", cache) == 0 &&
		       strcmp(login_of(m, "nobody"), "jail web") == 0,
	       "the main file edited in place: cannot tell, and the login obeys it");
	jc_cfg_index_name(f, p, sizeof(p));
	snprintf(index_path, sizeof(index_path), "%s/%s", cache, p);
	chmod(index_path, 0644);
	TAP_OK(jc_config_quick_unjailed_at(f, "nobody", cache) == 0,
	       "an index that is not root's 0600 file: cannot tell");
	chmod(index_path, 0600);
	TAP_OK(jc_config_quick_unjailed_at(f, "nobody", cache) == 1,
	       "(control) the same index, 0600 again, vouches");
}

int main(void)
{
	char cmd[400];

	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	if (geteuid() != 0)
		printf("# not root: the index is root's only, these tests fail\n");
	snprintf(conf, sizeof(conf), "%s/pam_jail.conf", tmpdir);
	snprintf(cache, sizeof(cache), "%s/run", tmpdir);
	write_conf();
	test_same_result();
	test_edit();
	test_foreign();
	test_main_kept();
	test_quick();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return TAP_DONE();
}
