/* SPDX-License-Identifier: BSD-3-Clause */
/* registry.c - see registry.h */
#include "registry.h"

#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/hash.h"
#include "jailcore/90-support/paths.h"
#include "proto.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

void jc_reg_id(const struct jc_plan *p, char *id, size_t size)
{
	snprintf(id, size, "%s-%016llx", p->jail,
		 (unsigned long long)jc_fnv_str(p->root));
}

static int lock_wait(int fd, int timeout_ms, struct jc_err *err)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return jc_fail(err, errno, "flock");
		if (waited >= timeout_ms)
			return jc_fail(err, ETIMEDOUT,
				       "waiting for another login "
				       "building the same jail");
		nanosleep(&tick, NULL);
	}
	return 0;
}

int jc_reg_lock(const struct jc_plan *p, struct jc_reg *r, int timeout_ms,
		struct jc_err *err)
{
	cleanup_fd int top = -1;
	char shown[200];

	r->dirfd = r->lockfd = -1;
	jc_reg_id(p, r->id, sizeof(r->id));
	top = jc_path_private_dir(AT_FDCWD, JC_RUN_DIR, JC_RUN_DIR, true, err);
	if (top < 0)
		return -1;
	snprintf(shown, sizeof(shown), JC_RUN_DIR "/%s", r->id);
	r->dirfd = jc_path_private_dir(top, r->id, shown, true, err);
	if (r->dirfd < 0)
		return -1;
	r->lockfd = openat(r->dirfd, "lock",
			   O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (r->lockfd < 0) {
		jc_fail(err, errno, "open %s/lock", shown);
	} else if (lock_wait(r->lockfd, timeout_ms, err) == 0) {
		return 0;
	}
	jc_reg_unlock(r);
	return -1;
}

void jc_reg_unlock(struct jc_reg *r)
{
	jc_closep(&r->lockfd); /* drops the flock */
	jc_closep(&r->dirfd);
}

/* bind() and connect() take a path: reach the entry through its fd. */
static void ctl_addr(const struct jc_reg *r, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/ctl",
		 r->dirfd);
}

int jc_reg_connect(const struct jc_reg *r, int *sock, struct jc_err *err)
{
	cleanup_fd int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa;

	if (s < 0)
		return jc_fail(err, errno, "socket");
	ctl_addr(r, &sa);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*sock = steal_fd(&s);
		return 0;
	}
	/* no socket, or a socket nobody listens on: a jail that is gone */
	if (errno == ENOENT || errno == ECONNREFUSED)
		return 1;
	return jc_fail(err, errno, "connect " JC_RUN_DIR "/%s/ctl", r->id);
}

int jc_reg_listen(const struct jc_reg *r, int *sock, struct jc_err *err)
{
	cleanup_fd int s = -1;
	struct sockaddr_un sa;

	if (unlinkat(r->dirfd, "ctl", 0) < 0 && errno != ENOENT)
		return jc_fail(err, errno, "remove stale " JC_RUN_DIR "/%s/ctl",
			       r->id);
	unlinkat(r->dirfd, "info", 0);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return jc_fail(err, errno, "socket");
	ctl_addr(r, &sa);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s, 64) < 0)
		return jc_fail(err, errno, "listen on " JC_RUN_DIR "/%s/ctl",
			       r->id);
	*sock = steal_fd(&s);
	return 0;
}

/* ---- the info file: one reader, one writer ---------------------------- */

static void set_field(struct jc_reg_entry *e, const char *key, const char *v)
{
	if (!strcmp(key, "jail"))
		snprintf(e->jail, sizeof(e->jail), "%s", v);
	else if (!strcmp(key, "root"))
		snprintf(e->root, sizeof(e->root), "%s", v);
	else if (!strcmp(key, "users"))
		snprintf(e->users, sizeof(e->users), "%s", v);
	else if (!strcmp(key, "ids"))
		snprintf(e->ids, sizeof(e->ids), "%s", v);
	else if (!strcmp(key, "fingerprint"))
		snprintf(e->fingerprint, sizeof(e->fingerprint), "%s", v);
	else if (!strcmp(key, "init"))
		e->init = (pid_t)atoi(v);
	else if (!strcmp(key, "persist"))
		e->persist = strcmp(v, "yes") == 0;
	else if (!strcmp(key, "created"))
		e->created = atoll(v);
}

int jc_reg_read(const struct jc_reg *r, struct jc_reg_entry *e)
{
	cleanup_file FILE *f =
		jc_fdopen_owned(openat(r->dirfd, "info",
				       O_RDONLY | O_NOFOLLOW | O_CLOEXEC),
				"r");
	char line[PATH_MAX + 64];

	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", r->id);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (eq) {
			*eq = '\0';
			set_field(e, line, eq + 1);
		}
	}
	return e->fingerprint[0] ? 0 : -1;
}

/* Replace the info file with E, atomically (rename). */
static int write_entry(const struct jc_reg *r, const struct jc_reg_entry *e,
		       struct jc_err *err)
{
	cleanup_file FILE *f =
		jc_fdopen_owned(openat(r->dirfd, "info.new",
				       O_WRONLY | O_CREAT | O_TRUNC |
					       O_NOFOLLOW | O_CLOEXEC,
				       0600),
				"w");

	if (!f)
		return jc_fail(err, errno, "write " JC_RUN_DIR "/%s/info",
			       r->id);
	fprintf(f,
		"jail=%s\nroot=%s\ninit=%d\nusers=%s\nids=%s\nfingerprint=%s\n"
		"persist=%s\ncreated=%lld\n",
		e->jail, e->root, (int)e->init, e->users, e->ids,
		e->fingerprint, e->persist ? "yes" : "no", e->created);
	if (fclose(steal_ptr(&f)) != 0 ||
	    renameat(r->dirfd, "info.new", r->dirfd, "info") < 0)
		return jc_fail(err, errno, "write " JC_RUN_DIR "/%s/info",
			       r->id);
	return 0;
}

int jc_reg_write_info(const struct jc_reg *r, const struct jc_plan *p,
		      pid_t init_pid, struct jc_err *err)
{
	struct jc_reg_entry e = { .init = init_pid,
				  .persist = p->persist,
				  .created = (long long)time(NULL) };

	snprintf(e.jail, sizeof(e.jail), "%s", p->jail);
	snprintf(e.root, sizeof(e.root), "%s", p->root);
	snprintf(e.users, sizeof(e.users), "%s", p->user);
	snprintf(e.ids, sizeof(e.ids), "%s:%u:%u", p->user, (unsigned)p->uid,
		 (unsigned)p->gid);
	snprintf(e.fingerprint, sizeof(e.fingerprint), "%s", p->fingerprint);
	return write_entry(r, &e, err);
}

/* Append ",ITEM" (or ITEM to an empty LIST) unless it is there already;
 * false when it does not fit. */
static bool list_add(char *list, size_t size, const char *item)
{
	char padded[1100], want[300];
	size_t len = strlen(list);

	snprintf(padded, sizeof(padded), ",%s,", list);
	snprintf(want, sizeof(want), ",%s,", item);
	if (strstr(padded, want))
		return true;
	if (len + strlen(item) + 2 > size)
		return false;
	snprintf(list + len, size - len, "%s%s", len ? "," : "", item);
	return true;
}

void jc_reg_add_user(const struct jc_reg *r, struct jc_reg_entry *e,
		     const struct jc_plan *p)
{
	char id[300];

	snprintf(id, sizeof(id), "%s:%u:%u", p->user, (unsigned)p->uid,
		 (unsigned)p->gid);
	/* best effort for users= (it only informs jailctl list); ids= is
	 * what later joins are checked against */
	list_add(e->users, sizeof(e->users), p->user);
	list_add(e->ids, sizeof(e->ids), id);
	(void)write_entry(r, e, NULL);
}

int jc_reg_check_identity(const struct jc_reg_entry *e, const struct jc_plan *p,
			  struct jc_err *err)
{
	char name[256];
	unsigned uid, gid;

	for (const char *s = e->ids; *s;
	     s += strcspn(s, ",") + (s[strcspn(s, ",")] == ',')) {
		if (sscanf(s, "%255[^:,]:%u:%u", name, &uid, &gid) != 3)
			continue;
		if (strcmp(name, p->user) == 0 && uid != (unsigned)p->uid)
			return jc_fail(
				err, 0,
				"jail %s (%s) runs for user %s with "
				"uid %u, and %s is now uid %u (an account "
				"deleted and made anew?): not joining it; "
				"`jailctl stop %s` ends the old jail",
				p->jail, p->root, name, uid, p->user,
				(unsigned)p->uid, name);
		if (strcmp(name, p->user) != 0 && uid == (unsigned)p->uid)
			return jc_fail(
				err, 0,
				"jail %s (%s) runs uid %u as user "
				"%s, not %s: not joining it; `jailctl stop "
				"%s` ends it",
				p->jail, p->root, uid, name, p->user, name);
		/* one devpts instance for two users in an allow_root jail,
		 * where a caller on a host pty gets no view of the host's
		 * devpts (mount_view.c): util-linux login's child reopens
		 * its tty by name, /dev/pts/N, inside -- the jail's pty N,
		 * which the other user may hold (E14,
		 * tests/e2e/53-login-reopen.sh).  The config check
		 * (config_build.c) cannot see other users' [user:] rules
		 * in a login's load; this can. */
		if (p->private_devpts && p->own_etc && uid != (unsigned)p->uid)
			return jc_fail(err, 0,
				       "jail %s (%s) has allow_root (a private "
				       "devpts) and runs for user %s: not "
				       "letting %s in (a second user could take "
				       "a login's /dev/pts/N); give it a root "
				       "with %%u",
				       p->jail, p->root, name, p->user);
	}
	return 0;
}

/* ---- listing and stopping, for jailctl ------------------------------- */

/* An existing entry, without its lock (list and stop only read it). */
static int open_entry(const char *id, struct jc_reg *r)
{
	char path[200];

	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(path, sizeof(path), JC_RUN_DIR "/%s", id);
	r->lockfd = -1;
	r->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return r->dirfd < 0 ? -1 : 0;
}

static void read_entry(const struct jc_reg *r, struct jc_reg_entry *e)
{
	cleanup_fd int sock = -1;
	struct jc_msg m;

	(void)jc_reg_read(r, e);
	if (jc_reg_connect(r, &sock, NULL) != 0)
		return;
	if (jc_msg_send(sock, JC_MSG_INFO, -1) == 0 &&
	    jc_msg_recv(sock, &m, NULL) == 0 && m.type == JC_MSG_OK) {
		e->alive = 1;
		e->sessions = m.sessions;
	}
}

int jc_reg_list(struct jc_reg_entry **out, size_t *n, struct jc_err *err)
{
	cleanup_dir DIR *dir = opendir(JC_RUN_DIR);
	/* the caller gets all or nothing: its failure path frees nothing */
	cleanup_free struct jc_reg_entry *v = NULL;
	struct dirent *d;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!dir)
		return errno == ENOENT ?
			       0 :
			       jc_fail(err, errno, "open " JC_RUN_DIR);
	while ((d = readdir(dir))) {
		struct jc_reg_entry *more;
		struct jc_reg r;

		if (d->d_name[0] == '.' || open_entry(d->d_name, &r) < 0)
			continue;
		more = realloc(v, (k + 1) * sizeof(*v));
		if (!more) {
			jc_reg_unlock(&r);
			return jc_fail(err, ENOMEM, "listing jails");
		}
		v = more;
		read_entry(&r, &v[k++]);
		jc_reg_unlock(&r);
	}
	*out = steal_ptr(&v);
	*n = k;
	return 0;
}

int jc_reg_stop(const char *id, int timeout_ms, struct jc_err *err)
{
	struct jc_reg r;
	struct jc_msg m;
	pid_t init;
	struct jc_reg_entry e;
	cleanup_fd int sock = -1;
	cleanup_fd int pidfd = -1;
	int rc;

	if (open_entry(id, &r) < 0)
		return jc_fail(err, errno, "no jail %s in " JC_RUN_DIR, id);
	(void)jc_reg_read(&r, &e);
	init = e.init;
	rc = jc_reg_connect(&r, &sock, err);
	jc_reg_unlock(&r);
	if (rc != 0)
		return rc < 0 ? -1 :
				jc_fail(err, 0, "jail %s is not running", id);
	/* a pidfd first, so its end can be awaited */
	pidfd = init > 0 ? pidfd_open(init, 0) : -1;
	rc = jc_msg_send(sock, JC_MSG_STOP, -1) == 0 &&
			     jc_msg_recv(sock, &m, NULL) == 0 ?
		     0 :
		     jc_fail(err, errno, "jail %s did not answer STOP", id);
	jc_closep(&sock); /* done with it before the wait */
	if (rc == 0 && pidfd >= 0 &&
	    poll(&(struct pollfd){ .fd = pidfd, .events = POLLIN }, 1,
		 timeout_ms) <= 0)
		rc = jc_fail(err, ETIMEDOUT, "jail %s: init %d did not exit",
			     id, (int)init);
	return rc;
}
