/* SPDX-License-Identifier: BSD-3-Clause */
/* probe.c - the escape suite's attempts, one subcommand each: main, the
 * result lines, the helpers the attempts share and the guard.  The
 * attempts themselves are in one file per family (probe.h lists them).
 *
 *   probe NAME [ARG...]     (probe list: every NAME, one per line)
 *
 * Built from every .c file here by tests/e2e/50-escape.sh (static, so it
 * also runs in a busybox tree) and run from inside a real jailed ssh
 * session, and again as the same ordinary user outside the jail or in a
 * jail whose protection is switched off, so that every attempt is shown
 * to be able to fail.  Each run prints exactly one line:
 *
 *   NAME: blocked ERRNO (detail)   the attempt failed; ERRNO is the
 *                                  decisive call's (detail has the others)
 *   NAME: blocked (detail)         the attempt failed, no single errno
 *   NAME: ESCAPED detail           the attempt succeeded
 *   NAME: error detail             the probe could not set itself up
 *   NAME: refused ...              see below; nothing was attempted
 *
 * Many attempts also make a "witness" call: the same system call with
 * arguments the kernel rejects early, before any capability check, with
 * an errno of its own (EINVAL, EBADF, ENOSYS...).  Unfiltered, the witness
 * answers that errno; behind the jail's seccomp filter it answers EPERM.
 * That is how a test tells the filter from a missing capability.  Where an
 * ordinary user can get the capability for real - in a new user namespace
 * - the attempt tries that too ("via a new user namespace"), which is what
 * an attacker would do and what the filter exists to stop.
 *
 * Harmless even where an attempt gets through: files are opened for
 * writing but never written, system calls get arguments that change
 * nothing (invalid magic, invalid flags, NULL pointers), mounts go on a
 * scratch directory in a private namespace that dies with the probe,
 * signals are 0, and only processes the test started are looked at.
 *
 * SAFETY: the probe refuses to run while it holds CAP_SYS_ADMIN (or any
 * other capability that reaches the host: module, boot, time, rawio,
 * net_admin, ptrace, mknod, ...) in its effective or permitted set, asking
 * the kernel with capget(2).  A probe started by mistake as root on a
 * machine would otherwise do real damage (rig-notes.md).
 */
#include "probe.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

const char *me = "probe";
char scratch[PATH_MAX];

/* ---- one result line ----------------------------------------------------- */

const char *en(int e)
{
	const char *s = e ? strerrorname_np(e) : "OK";

	return s ? s : "E?";
}

static void line(const char *verdict, int err, const char *fmt, va_list ap)
{
	printf("%s: %s", me, verdict);
	if (err)
		printf(" %s", en(err));
	if (fmt) {
		printf(err || strcmp(verdict, "blocked") == 0 ? " (" : " ");
		vprintf(fmt, ap);
		if (err || strcmp(verdict, "blocked") == 0)
			putchar(')');
	}
	putchar('\n');
	fflush(stdout);
}

/* The attempt failed; ERR (0: none) is the decisive errno. */
void blocked(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("blocked", err, fmt, ap);
	va_end(ap);
	exit(0);
}

void escaped(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("ESCAPED", 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("error", 0, fmt, ap);
	va_end(ap);
	exit(2);
}

/* ---- small helpers ------------------------------------------------------- */

int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	errno = e;
	return n < 0 ? -1 : 0;
}

int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0' || buf[i] == '\n')
			buf[i] = ' ';
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return 0;
}

/* scratch/NAME, in one of four buffers: an attempt holds a few at once. */
const char *sub(const char *name)
{
	static char p[4][PATH_MAX + 64];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", scratch, name);
	return p[i];
}

/* $HOME/.pamjail-escape: the user's own scratch directory. */
static void make_scratch(void)
{
	const char *home = getenv("HOME");

	if (!home || !*home || access(home, W_OK) != 0)
		home = "/tmp";
	snprintf(scratch, sizeof(scratch), "%s/.pamjail-escape", home);
	if (mkdir(scratch, 0700) < 0 && errno != EEXIST)
		fail("mkdir %s: %s", scratch, en(errno));
}

void make_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		fail("mkdir %s: %s", path, en(errno));
}

int arg_int(int argc, char **argv, const char *what)
{
	if (argc < 1)
		fail("needs %s", what);
	return (int)strtol(argv[0], NULL, 0);
}

/* Append " WORD" to LIST (SIZE bytes), cut where it is full: a detail
 * listing what was seen may end early but never overflow. */
void list_add(char *list, size_t size, const char *fmt, ...)
{
	char one[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	strncat(list, " ", size - strlen(list) - 1);
	strncat(list, one, size - strlen(list) - 1);
}

/* /proc, to walk its processes with next_pid(). */
DIR *proc_dir(void)
{
	DIR *d = opendir("/proc");

	if (!d)
		fail("opendir /proc: %s", en(errno));
	return d;
}

/* The next process's directory name in /proc, NULL after the last. */
const char *next_pid(DIR *d)
{
	struct dirent *de;

	while ((de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			return de->d_name;
	return NULL;
}

/* unshare(CLONE_NEWUSER|EXTRA) and map our ids to 0 in it: how an
 * ordinary user gets capabilities over new namespaces.  -1 with errno. */
int userns(int extra)
{
	char m[64];
	uid_t u = geteuid();
	gid_t g = getegid();

	if (unshare(CLONE_NEWUSER | extra) < 0)
		return -1;
	snprintf(m, sizeof(m), "0 %u 1", (unsigned)u);
	if (write_str("/proc/self/uid_map", m) < 0)
		fail("in a new user namespace: uid_map: %s", en(errno));
	if (write_str("/proc/self/setgroups", "deny") < 0)
		fail("in a new user namespace: setgroups: %s", en(errno));
	snprintf(m, sizeof(m), "0 %u 1", (unsigned)g);
	if (write_str("/proc/self/gid_map", m) < 0)
		fail("in a new user namespace: gid_map: %s", en(errno));
	if ((extra & CLONE_NEWNS) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("in a new mount namespace: make / private: %s", en(errno));
	return 0;
}

/* How a verdict names the namespaces of the second try: as unshare's
 * flags where unshare failed, in words where the try ran inside them. */
static const struct ns_name {
	int extra;
	const char *flags, *words;
} ns_names[] = {
	{ 0, "CLONE_NEWUSER", "user" },
	{ CLONE_NEWNS, "CLONE_NEWUSER|CLONE_NEWNS", "user+mount" },
	{ CLONE_NEWUTS, "CLONE_NEWUSER|CLONE_NEWUTS", "user+UTS" },
	{ CLONE_NEWNET, "CLONE_NEWUSER|CLONE_NEWNET", "user+network" },
	{ CLONE_NEWPID, "CLONE_NEWUSER|CLONE_NEWPID", "user+pid" },
	{ -1, "CLONE_NEWUSER|...", "user+..." }, /* any other: last */
};

static const struct ns_name *ns_name(int extra)
{
	size_t i = 0;

	while (ns_names[i].extra != extra && ns_names[i].extra != -1)
		i++;
	return &ns_names[i];
}

/* Try the attacker's route: a new user namespace.  Returns only when it
 * worked; otherwise the attempt is blocked with FIRST, the errno of the
 * direct try, and both errnos in the detail. */
void via_userns_or_blocked(int extra, int first, const char *what)
{
	if (userns(extra) == 0)
		return;
	blocked(first, "%s: %s; unshare(%s): %s", what, en(first),
		ns_name(extra)->flags, en(errno));
}

/* The try in the new user namespace failed as well: WHAT with both
 * errnos, the second decisive - it is what an attacker is left with. */
void blocked_in_userns(int extra, int first, const char *what)
{
	int e = errno;

	blocked(e, "%s: %s; in a new %s namespace: %s", what, en(first),
		ns_name(extra)->words, en(e));
}

/* Bit C of set SET (0 effective, 1 permitted, 2 inheritable) of D. */
int cap_bit(const struct __user_cap_data_struct *d, int set, int c)
{
	const __u32 *w = set == 0 ? &d[c / 32].effective :
			 set == 1 ? &d[c / 32].permitted :
				    &d[c / 32].inheritable;

	return (*w >> (c % 32)) & 1;
}

int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, d);
}

/* ---- the guard ----------------------------------------------------------- */

static void guard(void)
{
	static const struct {
		int cap;
		const char *name;
	} danger[] = {
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
		{ CAP_SYS_MODULE, "CAP_SYS_MODULE" },
		{ CAP_SYS_RAWIO, "CAP_SYS_RAWIO" },
		{ CAP_SYS_BOOT, "CAP_SYS_BOOT" },
		{ CAP_SYS_TIME, "CAP_SYS_TIME" },
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE" },
		{ CAP_MKNOD, "CAP_MKNOD" },
		{ CAP_SYS_PACCT, "CAP_SYS_PACCT" },
		{ CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH" },
		{ CAP_SYSLOG, "CAP_SYSLOG" },
		{ CAP_MAC_ADMIN, "CAP_MAC_ADMIN" },
		{ CAP_BPF, "CAP_BPF" },
		{ CAP_PERFMON, "CAP_PERFMON" },
	};
	struct __user_cap_data_struct d[2];

	if (caps_get(d) < 0) {
		printf("%s: refused: capget: %s\n", me, en(errno));
		exit(3);
	}
	for (size_t i = 0; i < sizeof(danger) / sizeof(danger[0]); i++)
		if (cap_bit(d, 0, danger[i].cap) ||
		    cap_bit(d, 1, danger[i].cap)) {
			printf("%s: refused: the probe holds %s (it only runs "
			       "unprivileged)\n",
			       me, danger[i].name);
			exit(3);
		}
}

/* ---- dispatch ------------------------------------------------------------ */

/* In this order `probe list` names them. */
static const struct attempt *const families[] = {
	tree_attempts,	  procs_attempts,     kernel_attempts,
	ipc_net_attempts, privilege_attempts, edges_attempts,
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

static const struct attempt *find(const char *name)
{
	for (size_t f = 0; f < NFAMILIES; f++)
		for (const struct attempt *a = families[f]; a->name; a++)
			if (strcmp(a->name, name) == 0)
				return a;
	return NULL;
}

int main(int argc, char **argv)
{
	const struct attempt *a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: probe NAME [ARG...] | probe list\n");
		return 2;
	}
	me = argv[1];
	if (strcmp(me, "list") == 0) {
		for (size_t f = 0; f < NFAMILIES; f++)
			for (a = families[f]; a->name; a++)
				printf("%s\n", a->name);
		return 0;
	}
	guard();
	alarm(20);
	make_scratch();
	a = find(me);
	if (a) {
		a->fn(argc - 2, argv + 2);
		fail("attempt returned without a verdict");
	}
	printf("%s: error: no such attempt\n", me);
	return 2;
}
