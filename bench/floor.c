/* SPDX-License-Identifier: BSD-3-Clause */
/* floor.c - the floor for pam_jail's session cost: the same namespaces,
 * mounts, pivot_root and privilege drop as a pam_jail session, done by
 * the plainest code there is - no PAM, no config, no admission checks, no
 * error reporting beyond an exit status.  docs/BENCHMARKS.md compares a
 * pam_jail session against it.
 *
 * One iteration (floor_once), run in a fresh forked child like a PAM
 * session:
 *   unshare(mnt pid ipc uts cgroup [+net]); / made a recursive slave;
 *   the jail root bound onto itself; each bind_ro source bound recursively
 *   and made read-only, nosuid, nodev (recursively); the home bound rw;
 *   a tmpfs on /tmp; a tmpfs on /dev holding null zero full random urandom
 *   tty (binds of the host's nodes), ptmx, a devpts of its own on pts, a
 *   tmpfs on shm, the fd/stdin/stdout/stderr links, then /dev read-only;
 *   hostname; lo up (own network only); fork pid 1, which mounts proc
 *   from the new pid namespace, pivot_root(".", "."), detaches the old
 *   root, drops the whole bounding set and sets no_new_privs.
 * FLOOR_FULL adds what pam_jail also does beyond that list, to tell the
 * cost of those features from the cost of the implementation: generated
 * /etc/passwd and /etc/group bound over the tree's, the /dev/log socket,
 * and /proc's masked (tmpfs or /dev/null over 12 entries) and read-only
 * (4) paths.
 *
 * Standalone:  floor [-n RUNS] [-N] [-F] ROOT HOME HOSTNAME
 *   (-N: keep the host's network; -F: full; prints one line per run in
 *   nanoseconds).  bench/pambench.c links the same code (FLOOR_NO_MAIN).
 */
#include "floor.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MNT_SAFE (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

static const char *const dev_nodes[] = { "null",   "zero",    "full",
					 "random", "urandom", "tty" };

/* Every step either works or ends the child with a distinct status. */
#define TRY(step, expr)                                                        \
	do {                                                                   \
		if ((expr) < 0) {                                              \
			if (getenv("FLOOR_DEBUG"))                             \
				fprintf(stderr, "floor: %s: %s\n", step,       \
					strerror(errno));                      \
			_exit(10);                                             \
		}                                                              \
	} while (0)

static void path2(char *out, size_t n, const char *a, const char *b)
{
	if ((size_t)snprintf(out, n, "%s%s", a, b) >= n)
		_exit(9);
}

static int setattr_rec(const char *path, unsigned long long set)
{
	struct mount_attr a = { .attr_set = set };

	return mount_setattr(AT_FDCWD, path, AT_RECURSIVE, &a, sizeof(a));
}

static void bind_tree(const char *src, const char *root, const char *dst,
		      int ro)
{
	char to[4096];

	path2(to, sizeof(to), root, dst);
	TRY("bind", mount(src, to, NULL, MS_BIND | MS_REC, NULL));
	TRY("bind attr",
	    setattr_rec(to, MNT_SAFE | (ro ? MOUNT_ATTR_RDONLY : 0)));
}

static void touch(const char *path, mode_t mode)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);

	TRY("create", fd);
	close(fd);
}

static void make_dev(const char *root)
{
	char dev[4096], p[4096];

	path2(dev, sizeof(dev), root, "/dev");
	TRY("tmpfs /dev", mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC,
				"mode=0755,size=1m"));
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(*dev_nodes); i++) {
		char host[64];

		path2(host, sizeof(host), "/dev/", dev_nodes[i]);
		path2(p, sizeof(p), dev, host + 4);
		touch(p, 0666);
		TRY("bind node", mount(host, p, NULL, MS_BIND, NULL));
	}
	path2(p, sizeof(p), dev, "/ptmx");
	TRY("mknod ptmx", mknod(p, S_IFCHR | 0666, makedev(5, 2)));
	path2(p, sizeof(p), dev, "/pts");
	TRY("mkdir pts", mkdir(p, 0755));
	/* a devpts of the jail's own, as pam_jail's default (devpts =
	 * private, pty_max 128) */
	TRY("mount pts",
	    mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,gid=5,max=128"));
	path2(p, sizeof(p), dev, "/shm");
	TRY("mkdir shm", mkdir(p, 0755));
	TRY("tmpfs shm",
	    mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=1777,size=64m"));
	path2(p, sizeof(p), dev, "/fd");
	TRY("symlink", symlink("/proc/self/fd", p));
	path2(p, sizeof(p), dev, "/stdin");
	TRY("symlink", symlink("/proc/self/fd/0", p));
	path2(p, sizeof(p), dev, "/stdout");
	TRY("symlink", symlink("/proc/self/fd/1", p));
	path2(p, sizeof(p), dev, "/stderr");
	TRY("symlink", symlink("/proc/self/fd/2", p));
}

/* FLOOR_FULL: pam_jail's generated passwd/group and its /dev/log. */
static void make_identity(const char *root)
{
	char p[4096], e[4096];
	int fd;

	path2(p, sizeof(p), root, "/dev/.passwd");
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	TRY("passwd", fd);
	TRY("write", (int)write(fd, "root:x:0:0::/:/bin/sh\n", 22));
	close(fd);
	path2(e, sizeof(e), root, "/etc/passwd");
	TRY("bind passwd", mount(p, e, NULL, MS_BIND, NULL));
	TRY("ro passwd", mount(NULL, e, NULL,
			       MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
				       MS_NODEV | MS_NOEXEC,
			       NULL));
	unlink(p);
	path2(e, sizeof(e), root, "/etc/group");
	path2(p, sizeof(p), root, "/dev/.group");
	touch(p, 0644);
	TRY("bind group", mount(p, e, NULL, MS_BIND, NULL));
	TRY("ro group", mount(NULL, e, NULL,
			      MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
				      MS_NODEV | MS_NOEXEC,
			      NULL));
	unlink(p);

	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	TRY("socket", s);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dev/log", root);
	TRY("bind log", bind(s, (struct sockaddr *)&sa, sizeof(sa)));
	/* the socket stays open until the child exits, as jail-init's does */
}

static void dev_readonly(const char *root)
{
	char dev[4096];

	path2(dev, sizeof(dev), root, "/dev");
	TRY("ro /dev",
	    mount(NULL, dev, NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC,
		  NULL));
}

static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	TRY("socket", s);
	TRY("SIOCGIFFLAGS", ioctl(s, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	TRY("SIOCSIFFLAGS", ioctl(s, SIOCSIFFLAGS, &ifr));
	close(s);
}

/* FLOOR_FULL: the /proc entries pam_jail masks or makes read-only. */
static void mask_proc(void)
{
	static const char *const masked[] = {
		"/proc/acpi",	     "/proc/asound",   "/proc/interrupts",
		"/proc/kcore",	     "/proc/keys",     "/proc/latency_stats",
		"/proc/sched_debug", "/proc/scsi",     "/proc/timer_list",
		"/proc/timer_stats", "/proc/kallsyms", "/proc/sysrq-trigger",
	};
	static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq",
					  "/proc/sys" };
	struct stat st;

	for (size_t i = 0; i < sizeof(masked) / sizeof(*masked); i++) {
		if (lstat(masked[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			TRY("mask dir",
			    mount("tmpfs", masked[i], "tmpfs",
				  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
				  "mode=0555,size=4k"));
		else
			TRY("mask file",
			    mount("/dev/null", masked[i], NULL, MS_BIND, NULL));
	}
	for (size_t i = 0; i < sizeof(ro) / sizeof(*ro); i++) {
		if (lstat(ro[i], &st) < 0)
			continue;
		TRY("ro bind",
		    mount(ro[i], ro[i], NULL, MS_BIND | MS_REC, NULL));
		TRY("ro attr", setattr_rec(ro[i], MOUNT_ATTR_RDONLY | MNT_SAFE |
							  MOUNT_ATTR_NOEXEC));
	}
}

/* pid 1: proc from the new pid namespace, pivot, privileges. */
static void init_main(const struct floor_cfg *c)
{
	char proc[4096];

	path2(proc, sizeof(proc), c->root, "/proc");
	TRY("proc", mount("proc", proc, "proc",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
	TRY("chdir root", chdir(c->root));
	TRY("pivot_root", (int)syscall(SYS_pivot_root, ".", "."));
	TRY("detach", umount2(".", MNT_DETACH));
	TRY("chdir /", chdir("/"));
	if (c->full)
		mask_proc();
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			_exit(11);
	TRY("no_new_privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	_exit(0);
}

void floor_once(const struct floor_cfg *c)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
		    CLONE_NEWCGROUP | (c->host_net ? 0 : CLONE_NEWNET);
	int status;
	pid_t pid;

	TRY("unshare", unshare(flags));
	TRY("rslave", mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL));
	bind_tree(c->root, c->root, "", 0);
	for (int i = 0; i < c->n_ro; i++)
		bind_tree(c->ro[i], c->root, c->ro[i], 1);
	bind_tree(c->home, c->root, c->home, 0);
	char tmp[4096];

	path2(tmp, sizeof(tmp), c->root, "/tmp");
	TRY("tmpfs /tmp", mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV,
				"mode=1777,size=64m"));
	make_dev(c->root);
	if (c->full)
		make_identity(c->root);
	dev_readonly(c->root);
	TRY("sethostname", sethostname(c->hostname, strlen(c->hostname)));
	if (!c->host_net)
		lo_up();
	pid = fork(); /* the first child after CLONE_NEWPID is pid 1 */
	TRY("fork", pid);
	if (pid == 0)
		init_main(c);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(12);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 13);
}

int floor_parse(const char *spec, struct floor_cfg *c)
{
	/* ROOT,HOME,HOSTNAME,none|host,min|full */
	static char buf[4096];
	char *f[5], *s;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (s = strtok(buf, ","); s && n < 5; s = strtok(NULL, ","))
		f[n++] = s;
	if (n != 5)
		return -1;
	memset(c, 0, sizeof(*c));
	c->root = f[0];
	c->home = f[1];
	c->hostname = f[2];
	c->host_net = strcmp(f[3], "host") == 0;
	c->full = strcmp(f[4], "full") == 0;
	static const char *const ro[] = { "/usr", "/bin", "/lib", "/lib64",
					  "/sbin" };
	c->ro = ro;
	c->n_ro = 5;
	return 0;
}

#ifndef FLOOR_NO_MAIN
int main(int argc, char **argv)
{
	char spec[4096];
	struct floor_cfg c;
	int runs = 10, opt, host = 0, full = 0;

	while ((opt = getopt(argc, argv, "n:NF")) != -1) {
		switch (opt) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'N':
			host = 1;
			break;
		case 'F':
			full = 1;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr,
			"usage: floor [-n RUNS] [-N] [-F] ROOT HOME HOSTNAME\n");
		return 2;
	}
	snprintf(spec, sizeof(spec), "%s,%s,%s,%s,%s", argv[optind],
		 argv[optind + 1], argv[optind + 2], host ? "host" : "none",
		 full ? "full" : "min");
	if (floor_parse(spec, &c) < 0)
		return 2;
	for (int i = 0; i < runs; i++) {
		struct timespec a, b;
		int status;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &a);
		pid = fork();
		if (pid == 0)
			floor_once(&c);
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "floor: run %d failed (status %#x)\n",
				i, status);
			return 1;
		}
		printf("%lld\n",
		       (long long)(b.tv_sec - a.tv_sec) * 1000000000LL +
			       (b.tv_nsec - a.tv_nsec));
	}
	return 0;
}
#endif
