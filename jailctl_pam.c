/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_pam.c - lint the PAM stacks that load pam_jail.so
 * (`jailctl check`); see jailctl.h and pam_jail(8).
 *
 * Each file of the PAM directory is read as libpam reads a service:
 * '#' starts a comment anywhere, a trailing '\' joins lines, "@include F"
 * and "session include|substack F" pull in F's session lines (F relative
 * to the directory, or absolute).  The flattened session stack must have
 * pam_jail.so
 *   - with a control that fails the session when pam_jail fails: required,
 *     requisite, or [...] sending session_err, buf_err, system_err,
 *     module_unknown and symbol_err to bad or die (not optional or
 *     sufficient, no '-' prefix that skips a missing module);
 *   - last: pam_open_session runs in the caller that pam_jail moves into
 *     the jail, so a module after it runs inside, without privileges;
 *   - reached: no module before it may end the stack (done, as in
 *     sufficient) or jump over it on some return value.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailctl.h"

#define PAM_DEPTH_MAX 16 /* libpam's PAM_SUBSTACK_MAX_LEVEL */
#define PAM_LINE_MAX 4096

/* One session line of a flattened stack. */
struct pent {
	char file[PATH_MAX];
	int line;
	char control[512];
	char module[256]; /* basename of the module path */
	bool dash;	  /* "-session": skipped when the module is missing */
	int sub;	  /* the substack it runs in, 0 = the stack's own */
};

struct pstack {
	struct pent *v;
	size_t n, cap;
	int subs; /* substacks seen */
};

/* Actions of a control (pam.conf(5)); a jump is a positive number. */
enum {
	A_UNDEF = 0,
	A_IGNORE = -1,
	A_BAD = -2,
	A_DIE = -3,
	A_OK = -4,
	A_DONE = -5,
	A_RESET = -6,
	A_INVALID = -7
};

/* ---- reading a file like libpam ------------------------------------- */

/* The next logical line of FP into BUF; *LINE is the physical line it
 * starts on, *PHYS counts physical lines.  0 at the end. */
static int next_line(FILE *fp, char *buf, size_t size, int *line, int *phys)
{
	char raw[PAM_LINE_MAX], *s, *hash;
	size_t used = 0, n;

	buf[0] = '\0';
	while (fgets(raw, sizeof(raw), fp)) {
		(*phys)++;
		s = raw + strspn(raw, " \t\n");
		if (!*s || *s == '#')
			continue;
		if (!used)
			*line = *phys;
		hash = strchr(s, '#');
		if (hash)
			*hash = '\0';
		n = strlen(s);
		while (n && strchr(" \t\n", s[n - 1]))
			s[--n] = '\0';
		if (!hash && n && s[n - 1] == '\\') {
			s[n - 1] = ' ';
			snprintf(buf + used, size - used, "%s", s);
			used = strlen(buf);
			continue;
		}
		snprintf(buf + used, size - used, "%s", s);
		return 1;
	}
	return used > 0;
}

/* The next blank-separated word of *P; a control starting with '[' runs
 * to its ']'. */
static char *word(char **p, bool control)
{
	char *s = *p + strspn(*p, " \t"), *e;

	if (!*s)
		return NULL;
	if (control && *s == '[' && (e = strchr(s, ']')))
		e++;
	else
		e = s + strcspn(s, " \t");
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

static int push(struct pstack *st, const char *file, int line,
		const char *control, const char *module, bool dash, int sub)
{
	const char *base = strrchr(module, '/');
	struct pent *v;

	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 32;

		v = realloc(st->v, cap * sizeof(*v));
		if (!v)
			return -1;
		st->v = v;
		st->cap = cap;
	}
	v = &st->v[st->n++];
	snprintf(v->file, sizeof(v->file), "%s", file);
	v->line = line;
	snprintf(v->control, sizeof(v->control), "%s", control);
	snprintf(v->module, sizeof(v->module), "%s", base ? base + 1 : module);
	v->dash = dash;
	v->sub = sub;
	return 0;
}

static int flatten(const char *dir, const char *name, int depth, int sub,
		   struct pstack *st);

static int one_line(const char *dir, const char *file, int line, char *p,
		    int depth, int sub, struct pstack *st)
{
	char *type = word(&p, false), *control, *arg;
	bool dash;

	if (!type)
		return 0;
	if (strcmp(type, "@include") == 0)
		return (arg = word(&p, false)) ?
			       flatten(dir, arg, depth + 1, sub, st) :
			       0;
	dash = type[0] == '-';
	if (strcasecmp(type + dash, "session") != 0)
		return 0;
	control = word(&p, true);
	arg = word(&p, false);
	if (!control || !arg)
		return 0;
	if (!strcasecmp(control, "include"))
		return flatten(dir, arg, depth + 1, sub, st);
	/* done, die and jumps inside a substack end only the substack */
	if (!strcasecmp(control, "substack"))
		return flatten(dir, arg, depth + 1, ++st->subs, st);
	return push(st, file, line, control, arg, dash, sub);
}

/* Append the session lines of NAME (in DIR unless absolute) to ST, as
 * part of substack SUB.  A file that cannot be read adds nothing (libpam
 * then fails the include: closed, not our finding). */
static int flatten(const char *dir, const char *name, int depth, int sub,
		   struct pstack *st)
{
	char path[PATH_MAX], buf[PAM_LINE_MAX * 4];
	int line = 0, phys = 0, rc = 0;
	FILE *fp;

	if (depth > PAM_DEPTH_MAX)
		return 0;
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (rc == 0 && next_line(fp, buf, sizeof(buf), &line, &phys))
		rc = one_line(dir, path, line, buf, depth, sub, st);
	fclose(fp);
	return rc;
}

/* ---- controls ----------------------------------------------------------- */

static int action(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int act;
	} tab[] = {
		{ "ignore", A_IGNORE }, { "bad", A_BAD },
		{ "die", A_DIE },	{ "ok", A_OK },
		{ "done", A_DONE },	{ "reset", A_RESET },
	};
	int jump = 0;

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strlen(tab[i].name) == n && !strncasecmp(s, tab[i].name, n))
			return tab[i].act;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || jump > 10000)
			return A_INVALID;
		jump = jump * 10 + (s[i] - '0');
	}
	return n && jump > 0 ? jump : A_INVALID;
}

/* Walk the value=action pairs of a [...] control; FN sees each one. */
static void pairs(const char *control,
		  void (*fn)(const char *k, size_t kn, int act, void *arg),
		  void *arg)
{
	const char *p = control + 1, *eq, *end;

	for (;;) {
		p += strspn(p, " \t");
		if (!*p || *p == ']')
			return;
		end = p + strcspn(p, " \t]");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq)
			fn(p, (size_t)(eq - p),
			   action(eq + 1, (size_t)(end - eq - 1)), arg);
		p = end;
	}
}

struct lookup {
	const char *value;
	int found, def;
};

static void lookup_one(const char *k, size_t kn, int act, void *arg)
{
	struct lookup *l = arg;

	if (strlen(l->value) == kn && !strncasecmp(k, l->value, kn))
		l->found = act;
	else if (kn == 7 && !strncasecmp(k, "default", 7))
		l->def = act;
}

/* What CONTROL does when the module returns VALUE ("session_err"). */
static int control_action(const char *control, const char *value)
{
	bool success = !strcmp(value, "success") ||
		       !strcmp(value, "new_authtok_reqd");
	struct lookup l = { .value = value };

	if (!strcasecmp(control, "required"))
		return success			? A_OK :
		       !strcmp(value, "ignore") ? A_IGNORE :
						  A_BAD;
	if (!strcasecmp(control, "requisite"))
		return success			? A_OK :
		       !strcmp(value, "ignore") ? A_IGNORE :
						  A_DIE;
	if (!strcasecmp(control, "optional"))
		return success ? A_OK : A_IGNORE;
	if (!strcasecmp(control, "sufficient"))
		return success ? A_DONE : A_IGNORE;
	if (control[0] != '[')
		return A_INVALID;
	pairs(control, lookup_one, &l);
	/* libpam: values a [...] does not name take default, else bad */
	return l.found ? l.found : l.def ? l.def : A_BAD;
}

struct reach {
	bool done;
	int jump;
};

static void reach_one(const char *k, size_t kn, int act, void *arg)
{
	struct reach *r = arg;

	(void)k;
	(void)kn;
	if (act == A_DONE)
		r->done = true;
	if (act > r->jump)
		r->jump = act;
}

/* Can CONTROL end the stack (done) or jump ahead, on some value? */
static struct reach control_reach(const char *control)
{
	struct reach r = { 0 };

	if (!strcasecmp(control, "sufficient"))
		r.done = true;
	else if (control[0] == '[')
		pairs(control, reach_one, &r);
	return r;
}

/* ---- the findings -------------------------------------------------------- */

static bool is_jail(const struct pent *e)
{
	return strcmp(e->module, "pam_jail.so") == 0;
}

static const char *act_name(int act)
{
	static const char *const names[] = {
		"", "ignore", "bad", "die", "ok", "done", "reset", "invalid",
	};

	return act > 0 ? "a jump" : names[-act];
}

/* pam_jail's own control, at its own line. */
static void lint_control(const struct pent *e, struct findings *f)
{
	static const char *const fails[] = {
		"session_err",	  "buf_err",	"system_err",
		"module_unknown", "symbol_err",
	};
	int act;

	if (e->dash)
		finding(f,
			"%s:%d: '-session' makes libpam skip pam_jail.so silently "
			"when the module cannot be loaded, and the session starts "
			"unjailed: drop the '-'",
			e->file, e->line);
	if (!strcasecmp(e->control, "optional") ||
	    !strcasecmp(e->control, "sufficient")) {
		finding(f,
			"%s:%d: pam_jail.so is '%s': when it fails, the session "
			"starts unjailed (fail-open): use 'required'",
			e->file, e->line, e->control);
		return;
	}
	for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
		act = control_action(e->control, fails[i]);
		if (act == A_BAD || act == A_DIE)
			continue;
		finding(f,
			"%s:%d: pam_jail.so's control %s %s: %s=%s lets a "
			"failure through and the session starts unjailed "
			"(fail-open): use 'required'",
			e->file, e->line, e->control,
			act == A_INVALID ? "is not understood" :
					   "can ignore a failure",
			fails[i], act_name(act));
		return;
	}
}

/* Nothing after pam_jail (another pam_jail line is a no-op). */
static void lint_last(const char *service, const struct pstack *st, size_t k,
		      struct findings *f)
{
	const struct pent *e = &st->v[k];

	for (size_t i = k + 1; i < st->n; i++) {
		if (is_jail(&st->v[i]))
			continue;
		finding(f,
			"%s:%d: pam_jail.so is not the last session module%s%s: "
			"%s (%s:%d) runs after it, inside the jail and without "
			"privileges: move pam_jail to the end",
			e->file, e->line,
			strcmp(service, e->file) ? " of " : "",
			strcmp(service, e->file) ? service : "",
			st->v[i].module, st->v[i].file, st->v[i].line);
		return;
	}
}

/* Nothing before pam_jail may end the stack or jump over it. */
static void lint_reached(const char *service, const struct pstack *st, size_t k,
			 struct findings *f)
{
	const struct pent *e = &st->v[k];

	for (size_t i = 0; i < k; i++) {
		struct reach r = control_reach(st->v[i].control);

		if (st->v[i].sub && st->v[i].sub != e->sub)
			continue; /* it ends or jumps within its substack */
		if (!r.done && (r.jump <= 0 || i + (size_t)r.jump < k))
			continue;
		finding(f,
			"%s:%d: %s '%s' can %s pam_jail.so (%s:%d)%s%s: the "
			"session would start unjailed",
			st->v[i].file, st->v[i].line, st->v[i].module,
			st->v[i].control,
			r.done ? "end the session stack before" : "jump over",
			e->file, e->line,
			strcmp(service, e->file) ? " in " : "",
			strcmp(service, e->file) ? service : "");
	}
}

static bool lint_file(const char *dir, const char *name, struct findings *f,
		      unsigned *n_files)
{
	struct pstack st = { 0 };
	char path[PATH_MAX];
	bool any = false;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (flatten(dir, name, 0, 0, &st) < 0)
		complain("%s: out of memory", path);
	for (size_t k = 0; k < st.n; k++) {
		if (!is_jail(&st.v[k]))
			continue;
		if (strcmp(st.v[k].file, path) == 0)
			lint_control(&st.v[k], f);
		if (!any) { /* once per stack: the first pam_jail decides */
			lint_last(path, &st, k, f);
			lint_reached(path, &st, k, f);
		}
		any = true;
	}
	*n_files += any;
	free(st.v);
	return any;
}

/* Editor and package-manager leftovers are no PAM service. */
static bool is_service_name(const char *n)
{
	static const char *const junk[] = {
		"~",	    ".dpkg-old", ".dpkg-dist", ".dpkg-new", ".dpkg-tmp",
		".ucf-old", ".ucf-dist", ".ucf-new",   ".bak",	    ".orig",
		".rpmsave", ".rpmnew",	 ".swp",
	};
	size_t len = strlen(n), k;

	if (n[0] == '.')
		return false;
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		k = strlen(junk[i]);
		if (len >= k && strcmp(n + len - k, junk[i]) == 0)
			return false;
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A user@.service drop-in that runs `jailctl user-manager`
 * (conf/systemd/user@.service.d/pam_jail.conf), wherever systemd reads
 * drop-ins of a system unit. */
static bool user_manager_dropin(void)
{
	static const char *const dirs[] = {
		"/etc/systemd/system/user@.service.d",
		"/run/systemd/system/user@.service.d",
		"/usr/lib/systemd/system/user@.service.d",
		"/lib/systemd/system/user@.service.d",
	};
	bool found = false;

	for (size_t i = 0; !found && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dirent *de;
		DIR *d = opendir(dirs[i]);

		while (d && !found && (de = readdir(d))) {
			char path[PATH_MAX], line[512];
			size_t len = strlen(de->d_name);
			FILE *fp;

			if (len < 5 ||
			    strcmp(de->d_name + len - 5, ".conf") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i],
				 de->d_name);
			if (!(fp = fopen(path, "re")))
				continue;
			while (!found && fgets(line, sizeof(line), fp))
				found = strncmp(line, "ExecCondition=", 14) ==
						0 &&
					strstr(line, "jailctl user-manager") !=
						NULL;
			fclose(fp);
		}
		if (d)
			closedir(d);
	}
	return found;
}

/* On a systemd host, logind starts every user's systemd manager
 * (user@UID.service), outside any jail, with the user's home: jailed users
 * must not get one (README, "systemd hosts"). */
static void lint_user_manager(const char *dir, bool in_systemd_user,
			      struct findings *f)
{
	struct stat st;

	if (lstat("/run/systemd/system", &st) < 0 || !S_ISDIR(st.st_mode))
		return; /* not booted with systemd */
	if (!in_systemd_user &&
	    access("/usr/lib/pam.d/systemd-user", F_OK) == 0 &&
	    access("/etc/pam.d/systemd-user", F_OK) < 0) {
		/* Debian's vendor copy, read when /etc has none */
		unsigned n = 0;

		in_systemd_user =
			lint_file("/usr/lib/pam.d", "systemd-user", f, &n);
	}
	if (in_systemd_user || user_manager_dropin())
		return;
	finding(f,
		"systemd host: jailed users still get a systemd user manager "
		"outside their jail (user@UID.service, which runs units from "
		"their home): install the drop-in user@.service.d/pam_jail.conf, "
		"or add pam_jail to %s/systemd-user",
		dir);
}

/* -fanalyzer: each names[n] is counted as soon as it is set, and the loop
 * below frees names[0..n); the analyzer does not follow the array. */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
int pam_lint(const char *dir, struct findings *f, unsigned *n_files)
{
	char **names = NULL, path[PATH_MAX];
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	*n_files = 0;
	if (!d) {
		complain("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!is_service_name(de->d_name) || stat(path, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			char **v = realloc(names, (cap = cap ? cap * 2 : 64) *
							  sizeof(*v));

			if (!v)
				break;
			names = v;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	bool in_systemd_user = false;

	for (size_t i = 0; i < n; i++) {
		if (lint_file(dir, names[i], f, n_files) &&
		    strcmp(names[i], "systemd-user") == 0)
			in_systemd_user = true;
		free(names[i]);
	}
	free(names);
	if (*n_files)
		lint_user_manager(dir, in_systemd_user, f);
	return 0;
}
JC_NO_ANALYZER_LEAK_CHECK_END
