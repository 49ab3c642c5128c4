/* mounts.c - see mounts.h */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "paths.h"

#define CLONE_FLAGS (OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)
#define ATTACH_FLAGS (MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)

/* Files that must never be readable inside a jail even when the admin
 * binds the host's /etc into it. */
static const char *const masked_files[] = { "/etc/shadow", "/etc/gshadow" };

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Recursive on purpose: a plain MS_REMOUNT|MS_RDONLY leaves submounts of a
 * bind writable; mount_setattr(AT_RECURSIVE) covers them all. */
static int set_attr(int fd, unsigned long long set, const char *what,
		    struct jc_err *err)
{
	struct mount_attr a = { .attr_set = set };

	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return jc_fail(err, errno, "mount_setattr %s", what);
	return 0;
}

static int clone_tree(int dirfd, const char *path, unsigned long long attr,
		      const char *what, int *out, struct jc_err *err)
{
	int fd = open_tree(dirfd, path, CLONE_FLAGS |
			   (path[0] ? 0 : AT_EMPTY_PATH));

	if (fd < 0)
		return jc_fail(err, errno, "open_tree %s", what);
	if (set_attr(fd, attr, what, err) < 0) {
		close(fd);
		return -1;
	}
	*out = fd;
	return 0;
}

static void clones_init(struct jc_clones *c)
{
	c->root = c->pts = c->tty = -1;
	c->binds = NULL;
	c->n_binds = 0;
	for (int i = 0; i < JC_N_DEV_NODES; i++)
		c->dev[i] = -1;
}

void jc_clones_close(struct jc_clones *c)
{
	close_fd(&c->root);
	close_fd(&c->pts);
	close_fd(&c->tty);
	for (int i = 0; i < JC_N_DEV_NODES; i++)
		close_fd(&c->dev[i]);
	for (size_t i = 0; i < c->n_binds; i++)
		close_fd(&c->binds[i]);
	free(c->binds);
	c->binds = NULL;
	c->n_binds = 0;
}

static int prepare_dev(const struct jc_plan *p, struct jc_clones *c,
		       struct jc_err *err)
{
	static const char *const nodes[] = JC_DEV_NODES;
	const unsigned long long devattr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
	char path[64];

	for (int i = 0; i < JC_N_DEV_NODES; i++) {
		snprintf(path, sizeof(path), "/dev/%s", nodes[i]);
		if (clone_tree(AT_FDCWD, path, devattr, path, &c->dev[i], err) < 0)
			return -1;
	}
	/* The caller's devpts: sshd's and login's ptys live there, and the
	 * jail's own /dev/ptmx (made below, beside this "pts") opens it. */
	if (!p->private_devpts &&
	    clone_tree(AT_FDCWD, "/dev/pts", devattr, "/dev/pts", &c->pts, err) < 0)
		return -1;
	if (p->tty[0] && clone_tree(AT_FDCWD, p->tty, devattr, p->tty, &c->tty,
				    err) < 0)
		return -1;
	return 0;
}

int jc_mounts_prepare(const struct jc_plan *p, struct jc_clones *c,
		      struct jc_err *err)
{
	const unsigned long long safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

	clones_init(c);
	c->binds = calloc(p->n_binds + 1, sizeof(int));
	if (!c->binds)
		return jc_fail(err, ENOMEM, "clones");
	for (size_t i = 0; i < p->n_binds; i++)
		c->binds[i] = -1;
	c->n_binds = p->n_binds;
	if (clone_tree(p->root_fd, "", safe, p->root, &c->root, err) < 0)
		goto fail;
	for (size_t i = 0; i < p->n_binds; i++) {
		const struct jc_bind *b = &p->binds[i];

		if (clone_tree(b->src_fd, "", safe | (b->ro ? MOUNT_ATTR_RDONLY : 0),
			       b->src, &c->binds[i], err) < 0)
			goto fail;
	}
	if (prepare_dev(p, c, err) < 0)
		goto fail;
	return 0;
fail:
	jc_clones_close(c);
	return -1;
}

static int attach(int tree, int rootfd, const char *root_name,
		  const char *dst, struct jc_err *err)
{
	int target, rc = 0;

	if (jc_path_open_in(rootfd, root_name, dst, &target, err) < 0)
		return jc_err_wrap(err, "mount point");
	if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		rc = jc_fail(err, errno, "move_mount onto %s%s", root_name, dst);
	close(target);
	return rc;
}

static int new_tmpfs_inodes(const char *mode, unsigned long long size,
			    unsigned long long inodes, unsigned int attr,
			    int *out, struct jc_err *err);

/* A new tmpfs, detached, as an fd ready for move_mount. */
static int new_tmpfs(const char *mode, unsigned long long size,
		     unsigned int attr, int *out, struct jc_err *err)
{
	return new_tmpfs_inodes(mode, size, 0, attr, out, err);
}

/* A tmpfs capped in bytes and (INODES != 0) in files. */
static int new_tmpfs_inodes(const char *mode, unsigned long long size,
			    unsigned long long inodes, unsigned int attr,
			    int *out, struct jc_err *err)
{
	char sz[32], in[32];
	int fs, m;

	snprintf(sz, sizeof(sz), "%llu", size);
	snprintf(in, sizeof(in), "%llu", inodes);
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return jc_fail(err, errno, "fsopen tmpfs");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", mode, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", sz, 0) < 0 ||
	    (inodes && fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", in, 0) < 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		jc_fail(err, errno, "fsconfig tmpfs");
		close(fs);
		return -1;
	}
	m = fsmount(fs, FSMOUNT_CLOEXEC, attr);
	close(fs);
	if (m < 0)
		return jc_fail(err, errno, "fsmount tmpfs");
	*out = m;
	return 0;
}

/* The root is reopened here, in the new namespace, and must be the very
 * directory the plan admitted. */
static int attach_root(const struct jc_plan *p, struct jc_clones *c,
		       struct jc_err *err)
{
	struct stat a, b;
	int fd, rc = 0;

	if (jc_path_open_host(p->root, JC_ADMIT_ROOT_OWNED | JC_ADMIT_DIR, &fd,
			      err) < 0)
		return jc_err_wrap(err, "jail root");
	if (fstat(fd, &a) < 0 || fstat(p->root_fd, &b) < 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		rc = jc_fail(err, 0, "%s changed during setup", p->root);
	else if (move_mount(c->root, "", fd, "", ATTACH_FLAGS) < 0)
		rc = jc_fail(err, errno, "move_mount %s onto itself", p->root);
	close(fd);
	return rc;
}

static int compose_tmpfs(const struct jc_plan *p, int root,
			 struct jc_err *err)
{
	for (size_t i = 0; i < p->n_tmpfs; i++) {
		int m, rc;

		if (new_tmpfs_inodes("1777", p->tmpfs_size, p->tmpfs_inodes,
				     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &m, err) < 0)
			return jc_err_wrap(err, "tmpfs %s", p->tmpfs[i]);
		rc = attach(m, root, p->root, p->tmpfs[i], err);
		close(m);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Create an empty file NAME in DIR (our own /dev tmpfs) with MODE. */
static int make_file(int dir, const char *name, mode_t mode,
		     struct jc_err *err)
{
	int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
			O_NOFOLLOW, mode);

	if (fd < 0)
		return jc_fail(err, errno, "create /dev/%s", name);
	/* the caller's umask must not decide the jail's modes */
	if (fchmod(fd, mode) < 0) {
		close(fd);
		return jc_fail(err, errno, "chmod /dev/%s", name);
	}
	close(fd);
	return 0;
}

static int bind_into_dev(int dev, const char *name, int tree,
			 struct jc_err *err)
{
	int rc = 0, target;

	if (make_file(dev, name, 0666, err) < 0)
		return -1;
	target = openat(dev, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (target < 0)
		return jc_fail(err, errno, "open /dev/%s", name);
	if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		rc = jc_fail(err, errno, "move_mount /dev/%s", name);
	close(target);
	return rc;
}

static int dev_links(int dev, struct jc_err *err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },   { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0)
			return jc_fail(err, errno, "symlink /dev/%s", links[i][1]);
	return 0;
}

/* ptmx: a bind of the host's node would open the devpts beside the
 * *host's* /dev/ptmx dentry (ENOENT here); a node of our own beside the
 * "pts" bind opens that devpts, so tmux and script get ptys inside. */
/* A devpts instance of the jail's own (every devpts mount is a new
 * instance since Linux 4.7): sshd's monitor allocates the session's pty
 * through the jail's /dev/ptmx, so it lands here; ptys of the host are not
 * visible.  Used where a jailed root could otherwise open them. */
static int private_devpts(gid_t tty_gid, unsigned long long max, int *out,
			  struct jc_err *err)
{
	char gid[16], mx[32];
	int fs, m;

	snprintf(gid, sizeof(gid), "%u", (unsigned)tty_gid);
	snprintf(mx, sizeof(mx), "%llu", max);
	fs = fsopen("devpts", FSOPEN_CLOEXEC);
	if (fs < 0)
		return jc_fail(err, errno, "fsopen devpts");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0620", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "gid", gid, 0) < 0 ||
	    (max && fsconfig(fs, FSCONFIG_SET_STRING, "max", mx, 0) < 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		close(fs);
		return jc_fail(err, errno, "fsconfig devpts");
	}
	m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	close(fs);
	if (m < 0)
		return jc_fail(err, errno, "fsmount devpts");
	*out = m;
	return 0;
}

static int dev_pts(const struct jc_plan *p, int dev, struct jc_clones *c,
		   struct jc_err *err)
{
	int target, tree = c->pts, rc = 0;

	if (mknodat(dev, "ptmx", S_IFCHR | 0666, makedev(5, 2)) < 0 ||
	    fchmodat(dev, "ptmx", 0666, 0) < 0)
		return jc_fail(err, errno, "mknod /dev/ptmx");
	if (mkdirat(dev, "pts", 0755) < 0)
		return jc_fail(err, errno, "mkdir /dev/pts");
	if (p->private_devpts &&
	    private_devpts(p->tty_gid, p->pty_max, &tree, err) < 0)
		return -1;
	target = openat(dev, "pts", O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
	if (target < 0)
		rc = jc_fail(err, errno, "open /dev/pts");
	else if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		rc = jc_fail(err, errno, "move_mount /dev/pts");
	if (target >= 0)
		close(target);
	if (tree != c->pts)
		close(tree);
	return rc;
}

static int dev_shm(int dev, struct jc_err *err)
{
	int m, target, rc = 0;

	if (mkdirat(dev, "shm", 0755) < 0)
		return jc_fail(err, errno, "mkdir /dev/shm");
	if (new_tmpfs("1777", 64ULL << 20, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		      MOUNT_ATTR_NOEXEC, &m, err) < 0)
		return jc_err_wrap(err, "/dev/shm");
	target = openat(dev, "shm", O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
	if (target < 0)
		rc = jc_fail(err, errno, "open /dev/shm");
	else if (move_mount(m, "", target, "", ATTACH_FLAGS) < 0)
		rc = jc_fail(err, errno, "move_mount /dev/shm");
	if (target >= 0)
		close(target);
	close(m);
	return rc;
}

static int compose_dev_nodes(const struct jc_plan *p, int dev,
			     struct jc_clones *c, struct jc_err *err)
{
	static const char *const nodes[] = JC_DEV_NODES;

	for (int i = 0; i < JC_N_DEV_NODES; i++)
		if (bind_into_dev(dev, nodes[i], c->dev[i], err) < 0)
			return -1;
	if (c->tty >= 0 && bind_into_dev(dev, p->tty + 5, c->tty, err) < 0)
		return -1;
	if (dev_pts(p, dev, c, err) < 0 || dev_shm(dev, err) < 0 ||
	    dev_links(dev, err) < 0)
		return -1;
	return 0;
}

static int write_file(int dir, const char *name, const char *text,
		      struct jc_err *err)
{
	size_t len = strlen(text), off = 0;
	int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
			O_NOFOLLOW, 0644);

	if (fd < 0)
		return jc_fail(err, errno, "create %s", name);
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return jc_fail(err, n < 0 ? errno : EIO, "write %s", name);
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) < 0) {
		close(fd);
		return jc_fail(err, errno, "chmod %s", name);
	}
	close(fd);
	return 0;
}

/* Bind file NAME of DIR read-only over DST inside the jail.  DST must be
 * an existing regular file (no symlink) unless OPTIONAL, when a missing
 * DST is skipped. */
static int bind_file_over(int dir, const char *name, int root,
			  const char *root_name, const char *dst, bool optional,
			  struct jc_err *err)
{
	struct stat st;
	int target, tree, rc = 0;

	if (jc_path_open_in(root, root_name, dst, &target, err) < 0)
		return optional && err->errnum == ENOENT ? 0 : -1;
	if (fstat(target, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(target);
		if (optional)
			return 0;
		return jc_fail(err, 0, "%s%s: mount point is not a regular file",
			       root_name, dst);
	}
	tree = open_tree(dir, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		rc = jc_fail(err, errno, "open_tree %s", name);
	else if (set_attr(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			  MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, dst, err) < 0)
		rc = -1;
	else if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		rc = jc_fail(err, errno, "move_mount onto %s%s", root_name, dst);
	if (tree >= 0)
		close(tree);
	close(target);
	return rc;
}

/* /etc/passwd and /etc/group that name only the user's own world, and
 * empty files over secrets (shadow, the pam_jail config) in case the admin
 * bound the host's /etc.  The source files live briefly in our /dev tmpfs
 * and are unlinked once bound: the mounts keep them. */
static int compose_identity(const struct jc_plan *p, int root, int dev,
			    struct jc_err *err)
{
	static const char *const tmp[] = { ".passwd", ".group", ".empty" };
	int rc = -1;

	if (p->own_etc)
		return 0;	/* a jailed root's tree keeps its own /etc */

	if (write_file(dev, tmp[0], p->passwd, err) < 0 ||
	    write_file(dev, tmp[1], p->group, err) < 0 ||
	    make_file(dev, tmp[2], 0, err) < 0)
		goto out;
	if (bind_file_over(dev, tmp[0], root, p->root, "/etc/passwd", false, err) < 0 ||
	    bind_file_over(dev, tmp[1], root, p->root, "/etc/group", false, err) < 0 ||
	    bind_file_over(dev, tmp[2], root, p->root, p->conf_path, true, err) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(masked_files) / sizeof(*masked_files); i++)
		if (bind_file_over(dev, tmp[2], root, p->root, masked_files[i],
				   true, err) < 0)
			goto out;
	rc = 0;
out:
	for (size_t i = 0; i < 3; i++)
		unlinkat(dev, tmp[i], 0);
	return rc;
}

/* /dev/log of the jail: a datagram socket that jail-init reads and relays
 * to the host's syslog, every line attributed to the jail (see
 * jail-init.c).  The jail never gets the host's socket: sshd's post-auth
 * child runs as the user and logs by path, so whatever serves /dev/log is
 * reachable by the user. */
static int dev_log(int dev, int *log_sock, struct jc_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;

	if (s < 0)
		return jc_fail(err, errno, "socket /dev/log");
	/* bind() takes a path: reach our own tmpfs through its fd */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/log", dev);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    fchmodat(dev, "log", 0666, 0) < 0) {
		close(s);
		return jc_fail(err, errno, "bind /dev/log");
	}
	*log_sock = s;
	return 0;
}

static int compose_dev(const struct jc_plan *p, int root, struct jc_clones *c,
		       int *log_sock, struct jc_err *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	int dev, rc = -1;

	/* no MOUNT_ATTR_NODEV: the bound device nodes must open */
	if (new_tmpfs("0755", 1ULL << 20, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
		      &dev, err) < 0)
		return jc_err_wrap(err, "/dev");
	if (attach(dev, root, p->root, "/dev", err) < 0 ||
	    compose_dev_nodes(p, dev, c, err) < 0 ||
	    dev_log(dev, log_sock, err) < 0 ||
	    compose_identity(p, root, dev, err) < 0)
		goto out;
	if (mount_setattr(dev, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		jc_fail(err, errno, "mount_setattr /dev read-only");
		goto out;
	}
	rc = 0;
out:
	close(dev);
	return rc;
}

int jc_mounts_compose(const struct jc_plan *p, struct jc_clones *c,
		      int *newroot, int *log_sock, struct jc_err *err)
{
	if (attach_root(p, c, err) < 0)
		return -1;
	for (size_t i = 0; i < p->n_binds; i++)
		if (attach(c->binds[i], c->root, p->root, p->binds[i].dst, err) < 0)
			return jc_err_wrap(err, "bind %s", p->binds[i].src);
	if (compose_tmpfs(p, c->root, err) < 0 || compose_dev(p, c->root, c, log_sock, err) < 0)
		return -1;
	*newroot = c->root;
	return 0;
}

static int mount_proc(int root, const char *root_name, struct jc_err *err)
{
	int fs, m, rc;

	fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return jc_fail(err, errno, "fsopen proc");
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		close(fs);
		return jc_fail(err, errno, "fsconfig proc");
	}
	m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		    MOUNT_ATTR_NOEXEC);
	close(fs);
	if (m < 0)
		return jc_fail(err, errno, "fsmount proc");
	rc = attach(m, root, root_name, "/proc", err);
	close(m);
	return rc;
}

/* pivot_root(".", ".") stacks the old root on top of the new one; the lazy
 * unmount then drops the whole host tree: unlike chroot, nothing above the
 * new root stays reachable. */
static int pivot(int root, struct jc_err *err)
{
	if (fchdir(root) < 0)
		return jc_fail(err, errno, "fchdir to jail root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return jc_fail(err, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return jc_fail(err, errno, "detach old root");
	if (chdir("/") < 0)
		return jc_fail(err, errno, "chdir /");
	return 0;
}

/* Files and directories of /proc that leak host state or kernel
 * addresses, or are attack surface (the list runc, moby and LXC mask). */
static const char *const proc_masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore",
	"/proc/keys", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
	"/proc/timer_list", "/proc/timer_stats", "/proc/kallsyms",
	"/proc/sysrq-trigger",
};

/* Writable for uid 0 by an owner check with no capability test: a
 * read-only mount is what keeps a jailed root away from
 * kernel.core_pattern and friends (the 2013 mail's recipe). */
static const char *const proc_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
};

static int mask_one(int root, const char *path, struct jc_err *err)
{
	struct stat st;
	int target, tree = -1, rc = 0;

	if (jc_path_open_in(root, "", path, &target, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	if (fstat(target, &st) < 0) {
		rc = jc_fail(err, errno, "stat %s", path);
	} else if (S_ISDIR(st.st_mode)) {
		rc = new_tmpfs("0555", 4096, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			       MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &tree, err);
	} else {
		tree = open_tree(root, "dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (tree < 0)
			rc = jc_fail(err, errno, "open_tree /dev/null");
	}
	if (rc == 0 && move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		rc = jc_fail(err, errno, "mask %s", path);
	if (tree >= 0)
		close(tree);
	close(target);
	return rc;
}

static int readonly_one(int root, const char *path, struct jc_err *err)
{
	int target, tree, rc = 0;

	if (jc_path_open_in(root, "", path, &target, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	if (clone_tree(target, "", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
		       MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, path, &tree, err) < 0) {
		close(target);
		return -1;
	}
	if (move_mount(tree, "", target, "", ATTACH_FLAGS) < 0)
		rc = jc_fail(err, errno, "read-only %s", path);
	close(tree);
	close(target);
	return rc;
}

static int mask_proc(int root, struct jc_err *err)
{
	for (size_t i = 0; i < sizeof(proc_masked) / sizeof(*proc_masked); i++)
		if (mask_one(root, proc_masked[i], err) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(proc_readonly) / sizeof(*proc_readonly); i++)
		if (readonly_one(root, proc_readonly[i], err) < 0)
			return -1;
	return 0;
}

int jc_mounts_finish(int root, const char *root_name, struct jc_err *err)
{
	if (mount_proc(root, root_name, err) < 0 || mask_proc(root, err) < 0)
		return -1;
	return pivot(root, err);
}
