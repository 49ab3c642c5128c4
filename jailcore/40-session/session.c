/* SPDX-License-Identifier: BSD-3-Clause */
/* session.c - a login's way into its jail and out again: join the running
 * jail of its user or build one, enter it, apply the session's limits,
 * drop the caller's privileges; at close, leave (and end the jail when it
 * was the last session).  See ns.h and registry.h. */
#include "jailcore/50-build/ns.h"
#include "session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "jailcore/60-confine/cgroup.h"
#include "idfiles.h"
#include "jailcore/50-build/mounts.h"
#include "jailcore/60-confine/privs.h"
#include "proto.h"
#include "registry.h"
#include "jailcore/60-confine/seccomp.h"
#include "jailcore/60-confine/seccomp_cache.h"
#include "jailcore/60-confine/seccomp_ids.h"
#include "jailcore/90-support/cleanup.h"

#define LOCK_TIMEOUT_MS 30000

/* Register with a running jail over SOCK: JOIN with a pidfd of ourselves,
 * jail-init answers with a pidfd of itself to setns through. */
static int join(const struct jc_plan *p, int sock, struct jc_jail_handle *h,
		struct jc_err *err)
{
	cleanup_fd int self = pidfd_open(getpid(), 0);
	cleanup_fd int fd = -1;
	struct jc_msg m;

	if (self < 0)
		return jc_fail(err, errno, "pidfd_open self");
	if (jc_msg_send(sock, JC_MSG_JOIN, self) < 0 ||
	    jc_msg_recv(sock, &m, &fd) < 0) {
		/* connected just as its last session left: it is ending */
		jc_fail(err, errno, "joining the running jail %s", p->jail);
		return 1;
	}
	if (m.type != JC_MSG_OK || fd < 0)
		return jc_fail(err, 0,
			       "the running jail %s refused the session%s",
			       p->jail,
			       m.type == JC_MSG_FULL ? " (too many sessions)" :
						       "");
	jc_jail_handle_init(h);
	h->init_pidfd = steal_fd(&fd);
	h->conn = sock;
	h->ns_flags = jc_jail_ns_flags(p);
	h->mnt_ns = m.ns[0];
	h->pid_ns = m.ns[1];
	h->net_ns = m.ns[2];
	return 0;
}

/* share = user: one jail per jail name and root.  Under the registry's
 * lock, join the running one or build it, so two racing logins end up in
 * exactly one jail. */
static int join_or_build(const struct jc_plan *p, const char *init_path,
			 const struct jc_bpf *bpf, struct jc_jail_handle *h,
			 bool *joined, struct jc_cgroup *cg, struct jc_err *err)
{
	struct jc_reg_entry e;
	struct jc_reg r;
	int sock = -1, rc;

	if (jc_reg_lock(p, &r, LOCK_TIMEOUT_MS, err) < 0)
		return jc_err_wrap(err, "registry");
	/* under the lock: the first login makes the jail's cgroup, and
	 * every later one finds it there */
	if (jc_cgroup_enter(p, r.id, false, p->sd_session, cg, err) < 0) {
		jc_reg_unlock(&r);
		return -1;
	}
	rc = jc_reg_connect(&r, &sock, err);
	if (rc == 0) {
		*joined = true;
		if (jc_reg_read(&r, &e) < 0 ||
		    strcmp(e.fingerprint, p->fingerprint) != 0)
			rc = jc_fail(
				err, 0,
				"jail %s (%s) is running with another "
				"setup (an older config, or a per-user value "
				"of another user); it ends with its last "
				"session, or stop it with jailctl stop",
				p->jail, p->root);
		else if (jc_reg_check_identity(&e, p, err) < 0)
			rc = -1;
		else
			rc = join(p, sock, h, err);
		if (rc != 0) {
			close(sock);
		} else {
			h->init_pid = e.init;
			h->own_cgroupns = cg->kind != JC_CG_OWN;
			jc_reg_add_user(&r, &e, p);
		}
	}
	if (rc == 1) {
		*joined = false;
		rc = jc_reg_listen(&r, &sock, err);
		if (rc == 0) {
			rc = jc_jail_build(p, init_path, sock, bpf, h, err);
			close(sock);
		}
		if (rc == 0 &&
		    (jc_cgroup_detach_init(cg, r.id, p, h->init_pid, err) < 0 ||
		     jc_reg_write_info(&r, p, h->init_pid, err) < 0)) {
			jc_jail_release(h, 1000, NULL);
			rc = -1;
		}
	}
	jc_reg_unlock(&r);
	return rc;
}

/* A session joining a running jail: its user's entries in the jail's
 * generated passwd and group become what NSS says now (idfiles.h), so
 * initgroups() in sshd's, cron's or login's child gives today's groups --
 * a revoked one is gone, and a team jail's new user is named.  The bind
 * mounts are read-only; lift that for the write. */
static int identity_join(const struct jc_plan *p, struct jc_err *err)
{
	static const char *const files[] = { "/etc/passwd", "/etc/group" };
	struct mount_attr rw = { .attr_clr = MOUNT_ATTR_RDONLY };
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	if (p->own_etc)
		return 0;
	for (int i = 0; i < 2; i++) {
		int fd, rc;

		if (mount_setattr(AT_FDCWD, files[i], AT_SYMLINK_NOFOLLOW, &rw,
				  sizeof(rw)) < 0)
			return jc_fail(err, errno, "mount_setattr %s",
				       files[i]);
		fd = open(files[i], O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		rc = fd < 0 ? jc_fail(err, errno, "open the jail's %s",
				      files[i]) :
			      jc_idfile_sync(fd, files[i],
					     i ? p->group : p->passwd, p->user,
					     p->uid, i == 1, err);
		/* before the read-only remount, which a file open for
		 * writing makes fail (EBUSY) */
		jc_closep(&fd);
		if (mount_setattr(AT_FDCWD, files[i], AT_SYMLINK_NOFOLLOW, &ro,
				  sizeof(ro)) < 0 &&
		    rc == 0)
			rc = jc_fail(err, errno, "mount_setattr %s", files[i]);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* rlimit_* of the jail, set in the caller so every process of the session
 * inherits them (as pam_limits does).  nproc counts the user's processes
 * from the setuid on; root callers are exempt. */
static int apply_rlimits(const struct jc_plan *p, struct jc_err *err)
{
	static const int res[JC_RL__COUNT] = {
		RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_AS,
		RLIMIT_FSIZE, RLIMIT_CPU,    RLIMIT_CORE,
	};

	for (int i = 0; i < JC_RL__COUNT; i++) {
		struct rlimit rl;

		if (p->rlimit[i] == JC_RLIM_UNSET)
			continue;
		rl.rlim_cur = rl.rlim_max = p->rlimit[i] == JC_RLIM_INFINITY ?
						    RLIM_INFINITY :
						    p->rlimit[i];
		if (setrlimit(res[i], &rl) < 0)
			return jc_fail(err, errno, "setrlimit %d", res[i]);
	}
	return 0;
}

/* A jailed root keeps setuid/setgid but may switch only to root_ids and
 * its own uid and gid (seccomp_ids.h): stacked on the jail's filter.  The
 * caller is bound too, and it still has to become the session's user
 * (uid 0, root's gid) -- so those are always in the set. */
static int limit_root_ids(const struct jc_plan *p, struct jc_err *err)
{
	struct jc_id_range r[JC_ID_RANGES_MAX];
	struct jc_bpf bpf;
	size_t n = p->n_root_ids;
	int rc;

	memcpy(r, p->root_ids, n * sizeof(r[0]));
	r[n++] = (struct jc_id_range){ p->uid, p->uid };
	r[n++] = (struct jc_id_range){ p->gid, p->gid };
	if (jc_seccomp_ids_compile(r, n, &bpf, err) < 0)
		return -1;
	rc = jc_seccomp_load_bpf(&bpf, err);
	jc_bpf_free(&bpf);
	return rc;
}

/* After entering: the session's limits, then the privilege drop, then the
 * filter last (it forbids setns and the mount API).  The filter binds the
 * caller too: there is no hook in the session's child, so sshd's monitor,
 * login and su finish their work under it. */
static int harden_caller(const struct jc_plan *p, bool joined,
			 const struct jc_bpf *bpf, struct jc_err *err)
{
	static const cap_value_t keep[] = JC_CALLER_KEEP;

	/* Not dumpable: a jailed root has the caller's uid 0 and must not
	 * ptrace it or take its fds (pidfd_getfd) -- sshd's monitor holds the
	 * client connection and pidfds of the jail. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return jc_fail(err, errno, "prctl PR_SET_DUMPABLE");
	if ((joined && identity_join(p, err) < 0) ||
	    apply_rlimits(p, err) < 0 ||
	    jc_privs_drop(keep, sizeof(keep) / sizeof(keep[0]),
			  p->root_session ? p->root_caps : 0, err) < 0 ||
	    jc_seccomp_load_bpf(bpf, err) < 0 ||
	    (p->root_session && limit_root_ids(p, err) < 0))
		return -1;
	/* Modules before us (pam_unix) left glibc's syslog socket connected
	 * to the host's /dev/log; sshd's post-auth child, forked next and
	 * running as the user, would inherit it.  Closing it makes the next
	 * syslog() connect to the jail's /dev/log, the relay. */
	closelog();
	return 0;
}

static bool is_mount_root(int dir, const char *name)
{
	struct statx sx;

	return statx(dir, name, AT_SYMLINK_NOFOLLOW, 0, &sx) == 0 &&
	       (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* XDG_RUNTIME_DIR inside the jail: /run/user/UID, a tmpfs of the user's
 * own on the jail's /run/user (mounts.c), 0700 and the user's, as
 * pam_systemd makes it on the host.  Nothing when the tree has no
 * run/user.  The caller is in the jail's mount namespace and still root. */
static int make_runtime_dir(const struct jc_plan *p, struct jc_jail_handle *h,
			    struct jc_err *err)
{
	cleanup_fd int top = -1;
	cleanup_fd int fd = -1;
	char name[16];
	struct stat st;

	top = open("/run/user",
		   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0)
		return errno == ENOENT || errno == ENOTDIR ?
			       0 :
			       jc_fail(err, errno, "open the jail's /run/user");
	snprintf(name, sizeof(name), "%u", (unsigned)p->uid);
	if (mkdirat(top, name, 0700) < 0 && errno != EEXIST)
		return jc_fail(err, errno, "mkdir the jail's /run/user/%s",
			       name);
	if (!is_mount_root(top, name) && /* new, or left by a failed login */
	    jc_mounts_runtime_tmpfs(p, top, name, err) < 0)
		return -1;
	fd = openat(top, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jc_fail(err, errno, "open the jail's /run/user/%s",
			       name);
	/* another session of the user made it, or a jailed root planted
	 * something: only a directory of the user's own is taken */
	if (fstat(fd, &st) < 0 || (st.st_uid != p->uid && st.st_uid != 0))
		return jc_fail(err, 0, "the jail's /run/user/%s is not %s's",
			       name, p->user);
	if (st.st_uid != p->uid &&
	    (fchown(fd, p->uid, p->gid) < 0 || fchmod(fd, 0700) < 0))
		return jc_fail(err, errno, "chown the jail's /run/user/%s",
			       name);
	snprintf(h->runtime_dir, sizeof(h->runtime_dir), "/run/user/%s", name);
	return 0;
}

/* setns(CLONE_NEWNS) puts the caller at its new namespace's root mount.
 * That is the jail's root only because init's pivot_root replaced the
 * namespace's root -- which it does only when the caller stood at its
 * namespace's root.  A chrooted caller (sshd in a chroot on a mount point)
 * would land above the jail, in the host's tree: refuse, never run the
 * session there. */
static int check_root(const struct jc_plan *p, struct jc_err *err)
{
	struct stat want, got;

	if (fstat(p->root_fd, &want) < 0)
		return jc_fail(err, errno, "fstat the jail root %s", p->root);
	if (stat("/", &got) < 0)
		return jc_fail(err, errno, "stat / in the jail");
	if (want.st_dev != got.st_dev || want.st_ino != got.st_ino)
		return jc_fail(err, 0,
			       "after entering the jail, / is not its root %s "
			       "(is the caller chrooted? pam_jail needs it at "
			       "the root of its mount namespace)",
			       p->root);
	return 0;
}

/* share = session: a cgroup per session (cgroup.h). */
static int session_cgroup(const struct jc_plan *p, struct jc_cgroup *cg,
			  struct jc_err *err)
{
	char id[96];

	jc_reg_id(p, id, sizeof(id));
	return jc_cgroup_enter(p, id, true, p->sd_session, cg, err);
}

int jc_session_open(const struct jc_plan *p, const char *init_path,
		    struct jc_jail_handle *h, bool *joined, struct jc_err *err)
{
	struct jc_cgroup cg;
	struct jc_bpf bpf;
	struct jc_host_view view;
	int rc;

	*joined = false;
	jc_jail_handle_init(h);
	if (jc_seccomp_compile_cached(&p->seccomp, JC_RUN_DIR, &bpf, err) < 0)
		return -1;
	/* the host's devpts for a caller on a host pty: cloned now, while
	 * the caller still sees the host's mounts */
	if (jc_host_view_prepare(p, &view, err) < 0) {
		jc_bpf_free(&bpf);
		return -1;
	}
	if (p->share == JC_SHARE_SESSION) {
		rc = session_cgroup(p, &cg, err);
		if (rc == 0)
			rc = jc_jail_build(p, init_path, -1, &bpf, h, err);
	} else {
		rc = join_or_build(p, init_path, &bpf, h, joined, &cg, err);
	}
	if (rc == 0 && (jc_jail_enter(h, err) < 0 || check_root(p, err) < 0 ||
			make_runtime_dir(p, h, err) < 0 ||
			jc_host_view_enter(p, &view, err) < 0 ||
			harden_caller(p, *joined, &bpf, err) < 0)) {
		jc_jail_release(h, 1000, NULL);
		rc = -1;
	}
	jc_host_view_close(&view);
	jc_bpf_free(&bpf);
	if (rc < 0)
		return -1;
	memcpy(h->notice, cg.notice, sizeof(h->notice));
	return 0;
}

int jc_session_enter_running(const struct jc_plan *p, struct jc_jail_handle *h,
			     struct jc_err *err)
{
	struct jc_cgroup cg;
	struct jc_reg_entry e;
	struct jc_reg r;
	int sock = -1, rc;

	jc_jail_handle_init(h);
	if (jc_reg_lock(p, &r, LOCK_TIMEOUT_MS, err) < 0)
		return jc_err_wrap(err, "registry");
	rc = jc_reg_connect(&r, &sock, err);
	/* its processes count where the jail's sessions' do (cgroup.h) */
	if (rc == 0 && jc_cgroup_enter(p, r.id, false, "", &cg, err) < 0)
		rc = -1;
	else if (rc == 1)
		rc = jc_fail(err, 0, "jail %s (%s) is not running", p->jail,
			     p->root);
	else if (rc == 0 && (jc_reg_read(&r, &e) < 0 ||
			     strcmp(e.fingerprint, p->fingerprint) != 0))
		rc = jc_fail(err, 0,
			     "jail %s (%s) runs another setup than the "
			     "config gives now",
			     p->jail, p->root);
	else if (rc == 0 && jc_reg_check_identity(&e, p, err) < 0)
		rc = -1;
	else if (rc == 0 && join(p, sock, h, err) != 0)
		rc = -1; /* including a jail just ending */
	if (rc == 0) {
		h->init_pid = e.init;
		h->own_cgroupns = cg.kind != JC_CG_OWN;
	} else {
		jc_closep(&sock);
	}
	jc_reg_unlock(&r);
	if (rc == 0) {
		struct jc_bpf bpf;

		if (jc_seccomp_compile_cached(&p->seccomp, JC_RUN_DIR, &bpf,
					      err) < 0 ||
		    jc_jail_enter(h, err) < 0 || check_root(p, err) < 0 ||
		    harden_caller(p, true, &bpf, err) < 0) {
			jc_jail_release(h, 1000, NULL);
			rc = -1;
		}
		jc_bpf_free(&bpf);
	}
	return rc;
}

/* True when no process of the jail but pid 1 is alive (only zombies
 * waiting for their parent outside the jail, see ns.h). */
static bool only_zombies_left(int proc_fd)
{
	/* a DIR of its own: readdir must not move proc_fd's offset */
	cleanup_dir DIR *dir = jc_fdopendir_owned(dup(proc_fd));
	struct dirent *d;
	bool alive = false;

	if (!dir)
		return false;
	rewinddir(dir);
	while (!alive && (d = readdir(dir))) {
		char path[300], buf[512], *state;
		cleanup_fd int sfd = -1;
		ssize_t n;

		if (d->d_name[0] < '1' || d->d_name[0] > '9' ||
		    strcmp(d->d_name, "1") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/stat", d->d_name);
		sfd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
		if (sfd < 0)
			continue; /* gone meanwhile */
		n = read(sfd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		state = strrchr(buf, ')');
		alive = !state || (state[2] != 'Z' && state[2] != 'X');
	}
	return !alive;
}

static bool init_exited(int pidfd, int timeout_ms)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int n;

	while ((n = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	return n > 0;
}

/* LEAVE: 1 when other sessions (or persist) keep the jail, 0 when it is
 * ending or jail-init is gone. */
static int leave(struct jc_jail_handle *h)
{
	struct jc_msg m;

	if (h->conn < 0 || jc_msg_send(h->conn, JC_MSG_LEAVE, -1) < 0 ||
	    jc_msg_recv(h->conn, &m, NULL) < 0)
		return 0;
	return m.type == JC_MSG_OK;
}

int jc_jail_release(struct jc_jail_handle *h, int timeout_ms,
		    struct jc_err *err)
{
	int rc = 0, waited = 0;

	if (h->init_pidfd < 0 || leave(h)) {
		jc_jail_handle_close(h);
		return 0;
	}
	/* the last session: make sure, even if init did not answer */
	if (pidfd_send_signal(h->init_pidfd, SIGKILL, NULL, 0) < 0 &&
	    errno != ESRCH)
		rc = jc_fail(err, errno, "kill jail init %d", (int)h->init_pid);
	while (rc == 0 && !init_exited(h->init_pidfd, waited ? 10 : 0)) {
		if (h->proc_fd >= 0 && only_zombies_left(h->proc_fd))
			break;
		if ((waited += 10) > timeout_ms)
			rc = jc_fail(err, ETIMEDOUT,
				     "jail init %d: processes "
				     "still alive",
				     (int)h->init_pid);
	}
	jc_jail_handle_close(h);
	return rc;
}
