/* SPDX-License-Identifier: BSD-3-Clause */
/* tree.c - the escape probe's attempts on the host tree (H1-H4,
 * H10-H13 of tests/e2e/50-escape.sh) and on a jailed root's own tree
 * (R11, R12): files, directories, handles and links that could lead out
 * of the jail's root, or out of its read-only binds.
 */
#include "probe.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

/* ========================================================================
 * Reaching the host tree
 * ======================================================================== */

static void p_ls_root(int argc, char **argv)
{
	struct dirent **ents;
	char list[4096] = "";
	int n = scandir("/", &ents, NULL, alphasort);

	(void)argc, (void)argv;
	if (n < 0)
		fail("scandir /: %s", en(errno));
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") &&
		    strcmp(ents[i]->d_name, ".."))
			list_add(list, sizeof(list), "%s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	if (access(HOST_MARK, F_OK) == 0)
		escaped("%s is visible; / =%s", HOST_MARK, list);
	blocked(errno, "%s; / =%s", HOST_MARK, list);
}

/* Every process's /proc/PID/root, the host marker through each. */
static void p_proc_roots(int argc, char **argv)
{
	char summary[2048] = "", p[PATH_MAX];
	int e1 = 0;
	DIR *d = proc_dir();
	const char *pid;

	(void)argc, (void)argv;
	while ((pid = next_pid(d))) {
		snprintf(p, sizeof(p), "/proc/%s/root%s", pid, HOST_MARK);
		if (access(p, F_OK) == 0)
			escaped("%s exists", p);
		if (strcmp(pid, "1") == 0)
			e1 = errno;
		list_add(summary, sizeof(summary), "%s:%s", pid, en(errno));
	}
	closedir(d);
	blocked(e1, "/proc/1/root%s: %s; every /proc/PID/root%s:%s", HOST_MARK,
		en(e1), HOST_MARK, summary);
}

static int same_as_root(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void p_dotdot(int argc, char **argv)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), e;

	(void)argc, (void)argv;
	for (int i = 0; fd >= 0 && i < 32; i++) {
		int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

		close(fd);
		fd = up;
	}
	if (fd < 0)
		fail("openat ..: %s", en(errno));
	if (faccessat(fd, HOST_MARK + 1, F_OK, 0) == 0)
		escaped("/.. (32 times) reaches %s", HOST_MARK);
	e = errno;
	if (!same_as_root(fd))
		escaped("/.. (32 times) is not / (but no host marker)");
	close(fd);
	fd = open("/proc/self/root/../..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fail("open /proc/self/root/../..: %s", en(errno));
	if (faccessat(fd, HOST_MARK + 1, F_OK, 0) == 0)
		escaped("/proc/self/root/../.. reaches %s", HOST_MARK);
	if (!same_as_root(fd))
		escaped("/proc/self/root/../.. is not /");
	close(fd);
	if (chdir("/") < 0)
		fail("chdir /: %s", en(errno));
	for (int i = 0; i < 32; i++)
		if (chdir("..") < 0)
			fail("chdir ..: %s", en(errno));
	if (access(HOST_MARK + 1, F_OK) == 0)
		escaped("chdir .. (32 times) reaches %s", HOST_MARK);
	blocked(e,
		"%s from /.. x32, /proc/self/root/../.. and cwd .. x32: "
		"all three are /",
		HOST_MARK);
}

/* The classic: chroot into a subdirectory without entering it, climb
 * out with .., chroot("."). */
static void chroot_trick(const char *how)
{
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			fail("chdir ..: %s", en(errno));
	if (chroot(".") < 0)
		fail("chroot .: %s", en(errno));
	if (chdir("/") < 0)
		fail("chdir /: %s", en(errno));
	if (access(HOST_MARK, F_OK) == 0)
		escaped("chroot trick %s reaches %s", how, HOST_MARK);
	blocked(errno, "the chroot trick %s ends in the jail's /: %s", how,
		HOST_MARK);
}

static void p_chroot_escape(int argc, char **argv)
{
	const char *x = sub("chroot-x");
	int e;

	(void)argc, (void)argv;
	make_dir(x);
	if (chdir(scratch) < 0)
		fail("chdir %s: %s", scratch, en(errno));
	if (chroot(x) == 0)
		chroot_trick("(chroot allowed to the user)");
	e = errno;
	via_userns_or_blocked(0, e, "chroot");
	if (chroot(x) < 0)
		blocked(errno, "chroot: %s; in a new user namespace chroot: %s",
			en(e), en(errno));
	chroot_trick("in a new user namespace");
}

/* "shocker": forge a handle for inode 2 (the root) of the file system
 * /usr is bound from - the host's / - and open it by handle. */
static void p_shocker(int argc, char **argv)
{
	struct {
		struct file_handle h;
		unsigned char b[128];
	} fh;
	int mid, mfd, fd, e1, e2;

	(void)argc, (void)argv;
	mfd = open("/usr", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		fail("open /usr: %s", en(errno));
	fh.h.handle_bytes = sizeof(fh.b);
	if (name_to_handle_at(AT_FDCWD, "/usr", &fh.h, &mid, 0) < 0)
		fail("name_to_handle_at /usr: %s", en(errno));
	/* ext4's FILEID_INO32_GEN: { u32 ino, u32 gen } */
	fh.h.handle_type = 1;
	fh.h.handle_bytes = 8;
	memset(fh.b, 0, 8);
	fh.b[0] = 2;
	fd = open_by_handle_at(mfd, &fh.h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		escaped("opened inode 2 of /usr's file system by a forged handle%s",
			same_as_root(fd) ? " (the jail's /)" :
					   " (not the jail's /)");
	e1 = errno;
	if (open_by_handle_at(-1, &fh.h, O_RDONLY | O_CLOEXEC) < 0)
		e2 = errno;
	else
		e2 = 0;
	blocked(e1,
		"forged root-inode handle through /usr: %s; witness (mount "
		"fd -1): %s",
		en(e1), en(e2));
}

/* name_to_handle_at, then open_by_handle_at of the user's own file. */
static void p_handle(int argc, char **argv)
{
	struct {
		struct file_handle h;
		unsigned char b[128];
	} fh;
	const char *f = sub("handle-file");
	int mid, fd, dfd, e1, e2;

	(void)argc, (void)argv;
	fd = open(f, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		fail("create %s: %s", f, en(errno));
	close(fd);
	fh.h.handle_bytes = sizeof(fh.b);
	if (name_to_handle_at(AT_FDCWD, f, &fh.h, &mid, 0) < 0)
		fail("name_to_handle_at %s: %s", f, en(errno));
	dfd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = open_by_handle_at(dfd, &fh.h, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		escaped("open_by_handle_at opened %s", f);
	e1 = errno;
	e2 = open_by_handle_at(-1, &fh.h, O_RDONLY | O_CLOEXEC) >= 0 ? 0 :
								       errno;
	blocked(e1,
		"name_to_handle_at: OK; open_by_handle_at: %s; witness "
		"(mount fd -1): %s",
		en(e1), en(e2));
}

static void p_symlink(int argc, char **argv)
{
	const char *sh = sub("shadow-link"), *mk = sub("marker-link");
	int fd, e1, e2;

	(void)argc, (void)argv;
	unlink(sh);
	unlink(mk);
	if (symlink("/etc/shadow", sh) < 0 || symlink(HOST_MARK, mk) < 0)
		fail("symlink in %s: %s", scratch, en(errno));
	fd = open(mk, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		escaped("%s -> %s opens the host's file", mk, HOST_MARK);
	e2 = errno;
	fd = open(sh, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;

		fstat(fd, &st);
		if (st.st_size > 0)
			escaped("%s -> /etc/shadow opens a file of %lld bytes",
				sh, (long long)st.st_size);
		e1 = 0;
	} else {
		e1 = errno;
	}
	blocked(e2, "marker-link -> %s: %s; shadow-link -> /etc/shadow: %s",
		HOST_MARK, en(e2), e1 ? en(e1) : "an empty file");
}

static void p_devnode(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/devtest/null";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode))
		escaped("opened device node %s (char %u:%u)", path,
			major(st.st_rdev), minor(st.st_rdev));
	if (fd >= 0)
		fail("%s is not a device node", path);
	blocked(errno, "open %s", path);
}

/* ========================================================================
 * A jailed root's tree seen from the host: a setuid-root file it makes
 * ======================================================================== */

/* Run by a jailed root: copy PROBE to DST with mode 4755, owned by uid 0
 * inside = uid 0 on the host.  Nothing is run here. */
static void p_make_suid(int argc, char **argv)
{
	const char *src = argc > 0 ? argv[0] : "/probe";
	const char *dst = argc > 1 ? argv[1] : "/srv/pamjail-suid";
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (getuid() != 0)
		blocked(EPERM, "make_suid runs as root only (uid %u)",
			(unsigned)getuid());
	if (in < 0)
		fail("open %s: %s", src, en(errno));
	unlink(dst);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0)
		blocked(errno, "create %s", dst);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			fail("write %s: %s", dst, en(errno));
	if (fchown(out, 0, 0) < 0 || fchmod(out, 04755) < 0)
		blocked(errno, "chmod 4755 %s", dst);
	close(out);
	escaped("made %s setuid root (mode 4755, uid 0 on disk)", dst);
}

/* Run by a jailed root (chown is in its root_caps): a file of a
 * read-only bind. */
static void p_chown_ro(int argc, char **argv)
{
	const char *path = argc > 0 ? argv[0] : "/ro/file";

	if (chown(path, 0, 0) == 0)
		escaped("chown %s succeeded", path);
	blocked(errno, "chown 0:0 %s", path);
}

const struct attempt tree_attempts[] = {
	{ "ls_root", p_ls_root },
	{ "proc_roots", p_proc_roots },
	{ "dotdot", p_dotdot },
	{ "chroot_escape", p_chroot_escape },
	{ "shocker", p_shocker },
	{ "handle", p_handle },
	{ "symlink", p_symlink },
	{ "devnode", p_devnode },
	/* a jailed root's */
	{ "make_suid", p_make_suid },
	{ "chown_ro", p_chown_ro },
	{ NULL, NULL },
};
