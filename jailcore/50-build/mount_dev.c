/* SPDX-License-Identifier: BSD-3-Clause */
/* mount_dev.c - the jail's /dev (a read-only tmpfs with a few host nodes,
 * ptmx and pts, shm, /dev/log) and its identity files; see mount_priv.h */
#include "mount_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/paths.h"

/* Files that must never be readable inside a jail even when the admin
 * binds the host's /etc into it. */
static const char *const masked_files[] = { "/etc/shadow", "/etc/gshadow" };

int jm_dev_prepare(const struct jc_plan *p, struct jc_clones *c,
		   struct jc_err *err)
{
	static const char *const nodes[] = JC_DEV_NODES;
	const unsigned long long devattr = MOUNT_ATTR_NOSUID |
					   MOUNT_ATTR_NOEXEC;
	char path[64];

	/* Read-only: the node's inode is the host's, and a jailed root (uid 0,
	 * its owner) could chmod/chown/utime it -- `chmod 000 /dev/urandom`
	 * for the whole machine.  Reads and writes of a device are not
	 * writes to its mount, so the nodes keep working. */
	for (int i = 0; i < JC_N_DEV_NODES; i++) {
		snprintf(path, sizeof(path), "/dev/%s", nodes[i]);
		if (jm_clone_tree(AT_FDCWD, path, devattr | MOUNT_ATTR_RDONLY,
				  path, &c->dev[i], err) < 0)
			return -1;
	}
	/* The caller's devpts: sshd's and login's ptys live there, and the
	 * jail's own /dev/ptmx (made below, beside this "pts") opens it. */
	if (!p->private_devpts && jm_clone_tree(AT_FDCWD, "/dev/pts", devattr,
						"/dev/pts", &c->pts, err) < 0)
		return -1;
	if (p->tty[0] &&
	    jm_clone_tree(AT_FDCWD, p->tty, devattr, p->tty, &c->tty, err) < 0)
		return -1;
	return 0;
}

static int dev_links(int dev, struct jc_err *err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0)
			return jc_fail(err, errno, "symlink /dev/%s",
				       links[i][1]);
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
	cleanup_fd int fs = -1;
	char gid[16], mx[32];
	int m;

	snprintf(gid, sizeof(gid), "%u", (unsigned)tty_gid);
	snprintf(mx, sizeof(mx), "%llu", max);
	fs = fsopen("devpts", FSOPEN_CLOEXEC);
	if (fs < 0)
		return jc_fail(err, errno, "fsopen devpts");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0620", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "gid", gid, 0) < 0 ||
	    (max && fsconfig(fs, FSCONFIG_SET_STRING, "max", mx, 0) < 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return jc_fail(err, errno, "fsconfig devpts");
	m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return jc_fail(err, errno, "fsmount devpts");
	*out = m;
	return 0;
}

static int dev_pts(const struct jc_plan *p, int dev, struct jc_clones *c,
		   struct jc_err *err)
{
	cleanup_fd int target = -1;
	cleanup_fd int own = -1; /* a devpts of the jail's own */

	if (mknodat(dev, "ptmx", S_IFCHR | 0666, makedev(5, 2)) < 0 ||
	    fchmodat(dev, "ptmx", 0666, 0) < 0)
		return jc_fail(err, errno, "mknod /dev/ptmx");
	if (mkdirat(dev, "pts", 0755) < 0)
		return jc_fail(err, errno, "mkdir /dev/pts");
	if (p->private_devpts &&
	    private_devpts(p->tty_gid, p->pty_max, &own, err) < 0)
		return -1;
	target = openat(dev, "pts",
			O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
	if (target < 0)
		return jc_fail(err, errno, "open /dev/pts");
	if (move_mount(own >= 0 ? own : c->pts, "", target, "", ATTACH_FLAGS) <
	    0)
		return jc_fail(err, errno, "move_mount /dev/pts");
	return 0;
}

static int dev_shm(int dev, struct jc_err *err)
{
	cleanup_fd int m = -1;
	cleanup_fd int target = -1;

	if (mkdirat(dev, "shm", 0755) < 0)
		return jc_fail(err, errno, "mkdir /dev/shm");
	if (jm_new_tmpfs("1777", 64ULL << 20,
			 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				 MOUNT_ATTR_NOEXEC,
			 &m, err) < 0)
		return jc_err_wrap(err, "/dev/shm");
	target = openat(dev, "shm",
			O_PATH | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY);
	if (target < 0)
		return jc_fail(err, errno, "open /dev/shm");
	if (move_mount(m, "", target, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "move_mount /dev/shm");
	return 0;
}

static int compose_dev_nodes(const struct jc_plan *p, int dev,
			     struct jc_clones *c, struct jc_err *err)
{
	static const char *const nodes[] = JC_DEV_NODES;

	for (int i = 0; i < JC_N_DEV_NODES; i++)
		if (jm_bind_into(dev, nodes[i], c->dev[i], err) < 0)
			return -1;
	if (c->tty >= 0 && jm_bind_into(dev, p->tty + 5, c->tty, err) < 0)
		return -1;
	if (dev_pts(p, dev, c, err) < 0 || dev_shm(dev, err) < 0 ||
	    dev_links(dev, err) < 0)
		return -1;
	return 0;
}

/* /etc/passwd and /etc/group that name only the user's own world, and
 * empty files over secrets (shadow, the pam_jail config) in case the admin
 * bound the host's /etc.  The source files live briefly in our /dev tmpfs
 * and are unlinked once bound: the mounts keep them. */
/* The drop-in directory of the config, when the jail's tree shows it (a
 * bind of the host's /etc): an empty read-only tmpfs over it. */
static int mask_dir(int root, const char *root_name, const char *dir,
		    struct jc_err *err)
{
	cleanup_fd int target = -1;
	cleanup_fd int m = -1;
	struct stat st;

	if (!dir[0])
		return 0;
	if (jc_path_open_in(root, root_name, dir, &target, err) < 0)
		return err->kind == JC_ERR_NOT_FOUND ||
				       err->kind == JC_ERR_NOT_DIR ?
			       0 :
			       -1;
	if (fstat(target, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (jm_new_tmpfs("0755", 4096,
			 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				 MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			 &m, err) < 0)
		return -1;
	if (move_mount(m, "", target, "", ATTACH_FLAGS) < 0)
		return jc_fail(err, errno, "mask %s%s", root_name, dir);
	return 0;
}

static const char *const identity_tmp[] = { ".passwd", ".group", ".empty" };

static int bind_identity(const struct jc_plan *p, int root, int dev,
			 struct jc_err *err)
{
	const char *const *tmp = identity_tmp;

	if (jm_write_file(dev, tmp[0], p->passwd, err) < 0 ||
	    jm_write_file(dev, tmp[1], p->group, err) < 0 ||
	    jm_make_file(dev, tmp[2], 0, err) < 0)
		return -1;
	if (jm_bind_file_over(dev, tmp[0], root, p->root, "/etc/passwd", false,
			      err) < 0 ||
	    jm_bind_file_over(dev, tmp[1], root, p->root, "/etc/group", false,
			      err) < 0 ||
	    jm_bind_file_over(dev, tmp[2], root, p->root, p->conf_path, true,
			      err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(masked_files) / sizeof(*masked_files);
	     i++)
		if (jm_bind_file_over(dev, tmp[2], root, p->root,
				      masked_files[i], true, err) < 0)
			return -1;
	return mask_dir(root, p->root, p->dropin_dir, err);
}

static int compose_identity(const struct jc_plan *p, int root, int dev,
			    struct jc_err *err)
{
	int rc;

	if (p->own_etc)
		return 0; /* a jailed root's tree keeps its own /etc */
	rc = bind_identity(p, root, dev, err);
	/* the mounts keep the files; the names go, made or not */
	for (size_t i = 0; i < 3; i++)
		unlinkat(dev, identity_tmp[i], 0);
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
	cleanup_fd int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (s < 0)
		return jc_fail(err, errno, "socket /dev/log");
	/* bind() takes a path: reach our own tmpfs through its fd */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/log", dev);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    fchmodat(dev, "log", 0666, 0) < 0)
		return jc_fail(err, errno, "bind /dev/log");
	*log_sock = steal_fd(&s); /* jail-init's, passed on by ns.c */
	return 0;
}

int jm_dev_compose(const struct jc_plan *p, int root, struct jc_clones *c,
		   int *log_sock, struct jc_err *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	cleanup_fd int dev = -1;

	/* no MOUNT_ATTR_NODEV: the bound device nodes must open */
	if (jm_new_tmpfs("0755", 1ULL << 20,
			 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, &dev, err) < 0)
		return jc_err_wrap(err, "/dev");
	if (jm_attach(dev, root, p->root, "/dev", err) < 0 ||
	    compose_dev_nodes(p, dev, c, err) < 0 ||
	    dev_log(dev, log_sock, err) < 0 ||
	    compose_identity(p, root, dev, err) < 0)
		return -1;
	if (mount_setattr(dev, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return jc_fail(err, errno, "mount_setattr /dev read-only");
	return 0;
}
