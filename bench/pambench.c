/* SPDX-License-Identifier: BSD-3-Clause */
/* pambench - time variants side by side, each sample in a fresh forked
 * child, the variants interleaved so that the machine's noise falls on all
 * of them alike.
 *
 *   pambench [-n RUNS] [-w WARMUP] [-c CONC] [-o FILE] [-b NAME=CMD]...
 *            NAME=KIND[:ARGS]...       (options before the variants)
 *
 * KIND:
 *   pam:SERVICE:USER   pam_start -> pam_open_session -> pam_close_session
 *                      -> pam_end, as USER with /etc/pam.d/SERVICE.  After
 *                      a jailed open_session the process is in the jail
 *                      without privileges, hence one child per session.
 *   fork               the child only exits (the cost of fork + waitpid)
 *   floor:SPEC         bench/floor.c's minimal jail (SPEC: see floor.h)
 *   exec:CMD ARG...    execv of the command (split on blanks; stdin,
 *                      stdout and stderr /dev/null)
 *
 * A sample is the CLOCK_MONOTONIC time from just before fork() to the
 * return of waitpid().  With -c CONC a sample forks CONC children of the
 * variant at once and ends when the last one is reaped (a login storm).
 * Round r runs every variant once, starting at variant r mod N.  -b runs
 * CMD (sh -c) before each sample of NAME, untimed (e.g. to switch a PAM
 * stack).  -w rounds are run first and dropped.
 *
 * Output: with -o, one line per sample appended to FILE:
 *   NAME <TAB> ROUND <TAB> NANOSECONDS <TAB> FAILED_CHILDREN
 * and on stdout a short summary per variant.  Exit status 1 when any
 * sample had a failed child (the samples are still written). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "floor.h"

#define MAX_VARIANTS 32
#define MAX_ARGS 128
#define MAX_CONC 4096

enum kind { K_PAM, K_FORK, K_FLOOR, K_EXEC };

struct variant {
	char *name;
	enum kind kind;
	const char *service, *user; /* K_PAM */
	struct floor_cfg floor;	    /* K_FLOOR */
	char *argv[MAX_ARGS];	    /* K_EXEC */
	const char *before;	    /* -b */
	long long *ns;
	int *failed;
	int n;
};

static struct variant vs[MAX_VARIANTS];
static int nv;

static int no_conv(int n, const struct pam_message **msg,
		   struct pam_response **resp, void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	return PAM_CONV_ERR;
}

static void die(const char *what)
{
	fprintf(stderr, "pambench: %s\n", what);
	exit(2);
}

/* The child's part; never returns. */
static void child(const struct variant *v)
{
	struct pam_conv conv = { no_conv, NULL };
	pam_handle_t *pamh = NULL;
	int null;

	switch (v->kind) {
	case K_FORK:
		_exit(0);
	case K_FLOOR:
		floor_once(&v->floor);
	case K_PAM:
		if (pam_start(v->service, v->user, &conv, &pamh) != PAM_SUCCESS)
			_exit(3);
		if (pam_open_session(pamh, 0) != PAM_SUCCESS)
			_exit(4);
		if (pam_close_session(pamh, 0) != PAM_SUCCESS)
			_exit(5);
		_exit(pam_end(pamh, PAM_SUCCESS) == PAM_SUCCESS ? 0 : 6);
	case K_EXEC:
		null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    (!getenv("PAMBENCH_STDERR") && dup2(null, 2) < 0))
			_exit(7);
		execv(v->argv[0], v->argv);
		_exit(127);
	}
	_exit(8);
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int run_before(const struct variant *v)
{
	int status;
	pid_t pid;

	if (!v->before)
		return 0;
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", v->before, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* One sample: CONC children at once; returns the number that failed. */
static int sample(const struct variant *v, int conc, long long *ns)
{
	static pid_t pids[MAX_CONC];
	int failed = 0, status, started = 0;
	long long t0;

	fflush(NULL);
	t0 = now_ns();
	for (int i = 0; i < conc; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			child(v);
		if (pids[i] < 0) {
			failed++;
			continue;
		}
		started++;
	}
	for (int i = 0; i < conc; i++) {
		if (pids[i] <= 0)
			continue;
		while (waitpid(pids[i], &status, 0) < 0) {
			if (errno != EINTR) {
				status = -1;
				break;
			}
		}
		if (status == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			if (failed < 3 && getenv("PAMBENCH_DEBUG"))
				fprintf(stderr,
					"pambench: %s: child status %#x\n",
					v->name, status);
			failed++;
		}
	}
	*ns = now_ns() - t0;
	(void)started;
	return failed;
}

static void parse_variant(char *arg)
{
	struct variant *v;
	char *eq = strchr(arg, '='), *kind, *rest;

	if (!eq || nv == MAX_VARIANTS)
		die("variant: NAME=KIND[:ARGS]");
	v = &vs[nv++];
	*eq = '\0';
	v->name = arg;
	kind = eq + 1;
	rest = strchr(kind, ':');
	if (rest)
		*rest++ = '\0';
	if (strcmp(kind, "fork") == 0) {
		v->kind = K_FORK;
	} else if (strcmp(kind, "pam") == 0 && rest) {
		char *user = strchr(rest, ':');

		if (!user)
			die("pam:SERVICE:USER");
		*user++ = '\0';
		v->kind = K_PAM;
		v->service = rest;
		v->user = user;
	} else if (strcmp(kind, "floor") == 0 && rest) {
		v->kind = K_FLOOR;
		if (floor_parse(rest, &v->floor) < 0)
			die("floor:ROOT,HOME,HOSTNAME,none|host,min|full");
		/* floor_parse keeps its strings in one static buffer */
		v->floor.root = strdup(v->floor.root);
		v->floor.home = strdup(v->floor.home);
		v->floor.hostname = strdup(v->floor.hostname);
	} else if (strcmp(kind, "exec") == 0 && rest) {
		int n = 0;

		v->kind = K_EXEC;
		for (char *s = strtok(rest, " \t"); s;
		     s = strtok(NULL, " \t")) {
			if (n == MAX_ARGS - 1)
				die("exec: too many arguments");
			v->argv[n++] = s;
		}
		if (n == 0)
			die("exec: no command");
	} else {
		die("unknown variant kind");
	}
}

static void set_before(char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq)
		die("-b NAME=CMD");
	*eq = '\0';
	for (int i = 0; i < nv; i++)
		if (strcmp(vs[i].name, arg) == 0) {
			vs[i].before = eq + 1;
			return;
		}
	die("-b: no such variant");
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void summary(const struct variant *v)
{
	long long *s = malloc(sizeof(*s) * (size_t)(v->n ? v->n : 1));
	int bad = 0;

	if (!s)
		die("out of memory");
	memcpy(s, v->ns, sizeof(*s) * (size_t)v->n);
	qsort(s, (size_t)v->n, sizeof(*s), cmp_ll);
	for (int i = 0; i < v->n; i++)
		bad += v->failed[i];
	if (v->n)
		printf("%-24s n=%-5d median=%9.3f ms  p95=%9.3f ms  failed=%d\n",
		       v->name, v->n, s[v->n / 2] / 1e6,
		       s[(v->n * 95 + 99) / 100 - 1] / 1e6, bad);
	free(s);
}

int main(int argc, char **argv)
{
	int runs = 100, warm = 5, conc = 1, opt, bad = 0;
	const char *out = NULL;
	char *befores[MAX_VARIANTS];
	int nb = 0;
	FILE *f = NULL;

	while ((opt = getopt(argc, argv, "+n:w:c:o:b:")) != -1) {
		switch (opt) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			warm = atoi(optarg);
			break;
		case 'c':
			conc = atoi(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'b':
			if (nb == MAX_VARIANTS)
				die("too many -b");
			befores[nb++] = optarg;
			break;
		default:
			return 2;
		}
	}
	if (runs < 1 || warm < 0 || conc < 1 || conc > MAX_CONC ||
	    optind >= argc)
		die("usage: pambench [-n RUNS] [-w WARMUP] [-c CONC] [-o FILE] "
		    "[-b NAME=CMD] NAME=KIND[:ARGS]...");
	for (int i = optind; i < argc; i++)
		parse_variant(argv[i]);
	for (int i = 0; i < nb; i++)
		set_before(befores[i]);
	for (int i = 0; i < nv; i++) {
		vs[i].ns = calloc((size_t)runs, sizeof(long long));
		vs[i].failed = calloc((size_t)runs, sizeof(int));
		if (!vs[i].ns || !vs[i].failed)
			die("out of memory");
	}
	if (out && !(f = fopen(out, "a")))
		die("cannot open the output file");
	signal(SIGPIPE, SIG_IGN);
	for (int r = -warm; r < runs; r++) {
		for (int k = 0; k < nv; k++) {
			struct variant *v = &vs[((r < 0 ? -r : r) + k) % nv];
			long long ns;
			int failed;

			if (run_before(v) < 0)
				die("a -b command failed");
			failed = sample(v, conc, &ns);
			if (r < 0)
				continue;
			v->ns[v->n] = ns;
			v->failed[v->n++] = failed;
			bad += failed;
			if (f)
				fprintf(f, "%s\t%d\t%lld\t%d\n", v->name, r, ns,
					failed);
		}
	}
	if (f && fclose(f) != 0)
		die("writing the output file");
	for (int i = 0; i < nv; i++)
		summary(&vs[i]);
	return bad ? 1 : 0;
}
