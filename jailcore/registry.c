/* registry.c - see registry.h */
#include "registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* A directory of the registry: created 0700 if missing, and refused
 * unless root-owned and closed to everyone else. */
static int open_private_dir(int at, const char *name, const char *shown,
			    struct jc_err *err)
{
	struct stat st;
	int fd;

	if (mkdirat(at, name, 0700) < 0 && errno != EEXIST)
		return jc_fail(err, errno, "mkdir %s", shown);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jc_fail(err, errno, "open %s", shown);
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077)) {
		close(fd);
		return jc_fail(err, 0, "%s: must be a directory owned by root "
			       "with mode 0700", shown);
	}
	return fd;
}

static void make_id(const struct jc_plan *p, char *id, size_t size)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (const char *c = p->root; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	snprintf(id, size, "%s-%016llx", p->jail, h);
}

static int lock_wait(int fd, int timeout_ms, struct jc_err *err)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return jc_fail(err, errno, "flock");
		if (waited >= timeout_ms)
			return jc_fail(err, ETIMEDOUT, "waiting for another login "
				       "building the same jail");
		nanosleep(&tick, NULL);
	}
	return 0;
}

int jc_reg_lock(const struct jc_plan *p, struct jc_reg *r, int timeout_ms,
		struct jc_err *err)
{
	char shown[200];
	int top;

	r->dirfd = r->lockfd = -1;
	make_id(p, r->id, sizeof(r->id));
	top = open_private_dir(AT_FDCWD, JC_RUN_DIR, JC_RUN_DIR, err);
	if (top < 0)
		return -1;
	snprintf(shown, sizeof(shown), JC_RUN_DIR "/%s", r->id);
	r->dirfd = open_private_dir(top, r->id, shown, err);
	close(top);
	if (r->dirfd < 0)
		return -1;
	r->lockfd = openat(r->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW |
			   O_CLOEXEC, 0600);
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
	if (r->lockfd >= 0)
		close(r->lockfd);	/* drops the flock */
	if (r->dirfd >= 0)
		close(r->dirfd);
	r->lockfd = r->dirfd = -1;
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
	struct sockaddr_un sa;
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (s < 0)
		return jc_fail(err, errno, "socket");
	ctl_addr(r, &sa);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*sock = s;
		return 0;
	}
	close(s);
	/* no socket, or a socket nobody listens on: a jail that is gone */
	if (errno == ENOENT || errno == ECONNREFUSED)
		return 1;
	return jc_fail(err, errno, "connect " JC_RUN_DIR "/%s/ctl", r->id);
}

int jc_reg_listen(const struct jc_reg *r, int *sock, struct jc_err *err)
{
	struct sockaddr_un sa;
	int s;

	if (unlinkat(r->dirfd, "ctl", 0) < 0 && errno != ENOENT)
		return jc_fail(err, errno, "remove stale " JC_RUN_DIR "/%s/ctl",
			       r->id);
	unlinkat(r->dirfd, "info", 0);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return jc_fail(err, errno, "socket");
	ctl_addr(r, &sa);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 64) < 0) {
		close(s);
		return jc_fail(err, errno, "listen on " JC_RUN_DIR "/%s/ctl", r->id);
	}
	*sock = s;
	return 0;
}

int jc_reg_write_info(const struct jc_reg *r, const struct jc_plan *p,
		      pid_t init_pid, struct jc_err *err)
{
	FILE *f;
	int fd = openat(r->dirfd, "info.new", O_WRONLY | O_CREAT | O_TRUNC |
			O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return jc_fail(err, errno, "write " JC_RUN_DIR "/%s/info", r->id);
	}
	fprintf(f, "jail=%s\nroot=%s\ninit=%d\nusers=%s\nfingerprint=%s\n"
		"persist=%s\ncreated=%lld\n", p->jail, p->root, (int)init_pid,
		p->user, p->fingerprint, p->persist ? "yes" : "no",
		(long long)time(NULL));
	if (fclose(f) != 0 || renameat(r->dirfd, "info.new", r->dirfd, "info") < 0)
		return jc_fail(err, errno, "write " JC_RUN_DIR "/%s/info", r->id);
	return 0;
}

/* The value of KEY= in the info file, or "". */
static void info_value(const struct jc_reg *r, const char *key, char *out,
		       size_t size)
{
	char line[1024];
	size_t klen = strlen(key);
	int fd = openat(r->dirfd, "info", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	out[0] = '\0';
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, size, "%s", line + klen + 1);
			break;
		}
	fclose(f);
}

pid_t jc_reg_read_init(const struct jc_reg *r)
{
	char v[32];

	info_value(r, "init", v, sizeof(v));
	return (pid_t)atoi(v);
}

int jc_reg_read_fingerprint(const struct jc_reg *r, char *out, size_t size)
{
	info_value(r, "fingerprint", out, size);
	return out[0] ? 0 : -1;
}

void jc_reg_add_user(const struct jc_reg *r, const char *user)
{
	char users[900], padded[960], want[300], line[1024];
	int fd, out;
	FILE *f;

	info_value(r, "users", users, sizeof(users));
	snprintf(padded, sizeof(padded), ",%s,", users);
	snprintf(want, sizeof(want), ",%s,", user);
	if (strstr(padded, want))
		return;
	fd = openat(r->dirfd, "info", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	out = openat(r->dirfd, "info.new", O_WRONLY | O_CREAT | O_TRUNC |
		     O_NOFOLLOW | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	while (f && out >= 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "users=", 6) == 0)
			snprintf(line, sizeof(line), "users=%s,%s\n", users, user);
		(void)!write(out, line, strlen(line));
	}
	if (f)
		fclose(f);
	else if (fd >= 0)
		close(fd);
	if (out >= 0) {
		close(out);
		renameat(r->dirfd, "info.new", r->dirfd, "info");
	}
}
