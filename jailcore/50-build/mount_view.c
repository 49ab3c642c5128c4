/* SPDX-License-Identifier: BSD-3-Clause */
/* mount_view.c - a session's own view of a jail with a private devpts, for a
 * caller whose terminal is a pty of the host's devpts (see mounts.h).
 *
 * The jail's private devpts numbers its ptys from pts/0 on its own, so the
 * host's pts/3 and the jail's pts/3 are two different terminals under one
 * name.  sshd allocates its ptys inside (the monitor is in the jail's view
 * when it opens /dev/ptmx), so the names agree.  A caller that came in on a
 * host pty does not: util-linux login reopens its tty by name, /dev/pts/N,
 * in its child after pam_open_session (callers.md) -- the jail's pty N,
 * whose master another session may hold (E14) -- and su's shell finds no
 * name for its terminal (`tty`: "not a tty").  Such a caller gets a mount
 * namespace of its own, a copy of the jail's, with the host's devpts over
 * /dev/pts: its name is its own terminal again.  The host's utmp and
 * wtmp are put back over the jail's own (mount_books.c): the lines
 * written in this view are the host's.  Everything else is the jail's
 * same mounts; the sessions that came in by ssh keep the private devpts
 * and its pty_max.
 *
 * New ptys of the host's instance would be outside pty_max, and any process
 * of the user reaches this view through /proc/PID/root of a process in it
 * (same uid, dumpable).  So /dev/ptmx here is the host devpts's own ptmx
 * node (a bind of its pts/ptmx), not the jail's node of mode 0666: with
 * the ptmxmode=000 that Debian and systemd give the host's devpts, the
 * root caller (su --pty, which keeps CAP_DAC_OVERRIDE until it setuids)
 * opens it and the jailed user gets EACCES -- tmux and script start from
 * an ssh session instead (attaching from here works: the client passes
 * its own terminal); a host whose ptmxmode lets others open it gets no
 * view, the session is refused.  A bind of a node *inside* a devpts
 * opens that devpts directly; a bind of any other ptmx node would look for
 * "pts" beside it in its own file system and fail with ENOENT
 * (fs/devpts/inode.c, devpts_acquire).
 */
#include "mount_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/cleanup.h"

void jc_host_view_init(struct jc_host_view *v)
{
	v->pts = -1;
	v->ptmx = -1;
	for (int i = 0; i < JC_N_BOOKS; i++)
		v->books[i] = -1;
}

void jc_host_view_close(struct jc_host_view *v)
{
	jc_closep(&v->pts);
	jc_closep(&v->ptmx);
	for (int i = 0; i < JC_N_BOOKS; i++)
		jc_closep(&v->books[i]);
}

/* The host devpts's ptmx must be root's alone (ptmxmode=000, the kernel's
 * default): were others allowed to open it, the view would hand the jailed
 * user the host's ptys, outside pty_max.  Refused, not papered over. */
static int ptmx_root_only(int ptmx, struct jc_err *err)
{
	struct stat st;

	if (fstat(ptmx, &st) < 0)
		return jc_fail(err, errno, "fstat the host's /dev/pts/ptmx");
	if (st.st_mode & 0066)
		return jc_fail(err, 0,
			       "the host's /dev/pts/ptmx has mode %04o "
			       "(ptmxmode): a view of the host's devpts would "
			       "give the jailed user ptys outside pty_max; "
			       "mount /dev/pts with ptmxmode=000 (the "
			       "kernel's default) or set devpts = host",
			       (unsigned)(st.st_mode & 07777));
	return 0;
}

int jc_host_view_prepare(const struct jc_plan *p, struct jc_host_view *v,
			 struct jc_err *err)
{
	jc_host_view_init(v);
	if (!p->host_pty_view)
		return 0;
	if (jm_clone_tree(AT_FDCWD, "/dev/pts",
			  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/pts",
			  &v->pts, err) < 0 ||
	    /* from that clone: the ptmx of the same instance */
	    jm_clone_tree(v->pts, "ptmx", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
			  "/dev/pts/ptmx", &v->ptmx, err) < 0 ||
	    ptmx_root_only(v->ptmx, err) < 0 ||
	    jm_books_view_prepare(v->books, err) < 0) {
		jc_host_view_close(v);
		return jc_err_wrap(err,
				   "the session's view of the host's ptys");
	}
	return 0;
}

int jc_host_view_enter(const struct jc_plan *p, struct jc_host_view *v,
		       struct jc_err *err)
{
	cleanup_fd int root = -1;

	if (v->pts < 0)
		return 0;
	/* A copy of the jail's namespace; its mounts are private (jm_set_attr),
	 * MS_SLAVE makes sure nothing attached here reaches the jail's. */
	if (unshare(CLONE_NEWNS) < 0)
		return jc_fail(err, errno,
			       "unshare the session's mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return jc_fail(err, errno, "make the session's mounts slaves");
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return jc_fail(err, errno, "open the jail's /");
	if (jm_attach(v->pts, root, p->root, "/dev/pts", err) < 0 ||
	    jm_attach(v->ptmx, root, p->root, "/dev/ptmx", err) < 0 ||
	    jm_books_view_compose(root, p->root, v->books, err) < 0)
		return jc_err_wrap(err,
				   "the session's view of the host's ptys");
	return 0;
}
