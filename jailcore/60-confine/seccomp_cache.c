/* SPDX-License-Identifier: BSD-3-Clause */
/* seccomp_cache.c - see seccomp_cache.h.
 *
 * libseccomp's generator costs a jailed login about 0.7 ms (12% of it in
 * bench/'s phase trace, more than the floor's mount work), and its output
 * is a pure function of three things: the jail's seccomp settings (the
 * spec), the libseccomp version, and this code (the default denylist and
 * how it is turned into rules).  So the program is compiled once and kept
 * in DIR/bpf-HASH with a KEY naming all three -- the spec serialized, the
 * libseccomp version and API level, and the identity (device, inode,
 * size, mtime) of the binary holding this code, so a rebuilt or upgraded
 * module never takes an old program.
 *
 * A file is taken only when its key equals ours byte for byte, its
 * checksum holds, and it is a regular file of root's, mode 0600, in
 * root's 0700 directory (jc_path_private_dir): nobody but root can plant
 * a filter.  Anything else -- missing, foreign, short, corrupt, another
 * key -- is a miss: the filter is compiled as before and the file
 * rewritten, best effort (like the config index, config_cache.c). */
#include "seccomp_cache.h"

#include <dlfcn.h>
#include <linux/filter.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/90-support/buf.h"
#include "jailcore/90-support/cleanup.h"
#include "jailcore/90-support/hash.h"
#include "jailcore/90-support/paths.h"

#define MAGIC "pam_jail bpf 1\n"
#define FILE_MAX (1024 * 1024)

/* A new field of the spec must become part of the key (spec_key): the
 * same key for two different specs would hand one jail another's filter. */
_Static_assert(
	sizeof(struct jc_seccomp_spec) ==
		sizeof(enum jc_seccomp_mode) + 4 +
			2 * (sizeof(char **) + sizeof(size_t)),
	"struct jc_seccomp_spec changed: update spec_key in seccomp_cache.c");

static void put_names(struct jc_buf *b, const char *what, char *const *names,
		      size_t n)
{
	jc_buf_printf(b, "%s %zu\n", what, n);
	for (size_t i = 0; i < n; i++)
		jc_buf_printf(b, "%s\n", names[i]);
}

/* The binary this code runs from: pam_jail.so, or a program linking
 * jailcore (jailctl, the tests), for which glibc's dladdr names argv[0]. */
static bool code_identity(struct jc_buf *b)
{
	const char *path;
	Dl_info info;
	struct stat st;

	if (!dladdr((void *)code_identity, &info) || !info.dli_fname)
		return false;
	path = info.dli_fname == program_invocation_name ? "/proc/self/exe" :
							   info.dli_fname;
	if (path[0] != '/' || stat(path, &st) < 0)
		return false;
	jc_buf_printf(b,
		      "binary %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64
		      " %ld\n",
		      (uint64_t)st.st_dev, (uint64_t)st.st_ino,
		      (int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec,
		      st.st_mtim.tv_nsec);
	return true;
}

/* Everything the program depends on, as text; false when it cannot be
 * named (then nothing is cached). */
static bool spec_key(const struct jc_seccomp_spec *s, struct jc_buf *key)
{
	const struct scmp_version *v = seccomp_version();

	if (!v || !code_identity(key))
		return false;
	jc_buf_printf(key, "libseccomp %u.%u.%u api %u\nmode %d\n", v->major,
		      v->minor, v->micro, seccomp_api_get(), (int)s->mode);
	put_names(key, "deny", s->deny, s->n_deny);
	put_names(key, "allow", s->allow, s->n_allow);
	return !key->bad;
}

static void file_name(const struct jc_buf *key, char *out, size_t size)
{
	snprintf(out, size, "bpf-%016" PRIx64,
		 jc_fnv(JC_FNV_INIT, key->p, key->len));
}

/* The file's bytes when it is root's own regular file, mode 0600. */
static bool read_own_file(int dfd, const char *name, struct jc_buf *f)
{
	cleanup_fd int fd =
		openat(dfd, name,
		       O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 07777) != 0600 || st.st_size <= 0 ||
	    st.st_size > FILE_MAX || !(f->p = malloc((size_t)st.st_size)))
		return false;
	f->len = f->cap = (size_t)st.st_size;
	return read(fd, f->p, f->len) == st.st_size;
}

/* MAGIC | u32 key length | key | u32 instructions | program | u64 FNV of
 * everything before it. */
static bool parse(const struct jc_buf *f, const struct jc_buf *key,
		  struct jc_bpf *out)
{
	const char *p = f->p, *end = f->p + f->len;
	uint32_t klen, n;
	uint64_t sum;
	size_t size;

	if (f->len < strlen(MAGIC) + 16 || memcmp(p, MAGIC, strlen(MAGIC)) != 0)
		return false;
	p += strlen(MAGIC);
	memcpy(&klen, p, 4);
	p += 4;
	if (klen != key->len || (size_t)(end - p) < (size_t)klen + 4 + 8 ||
	    memcmp(p, key->p, klen) != 0)
		return false;
	p += klen;
	memcpy(&n, p, 4);
	p += 4;
	size = (size_t)n * sizeof(struct sock_filter);
	if (n == 0 || n > 0xffff || (size_t)(end - p) != size + 8)
		return false;
	memcpy(&sum, p + size, 8);
	if (sum != jc_fnv(JC_FNV_INIT, f->p, f->len - 8) ||
	    !(out->insns = malloc(size)))
		return false;
	memcpy(out->insns, p, size);
	out->len = (unsigned short)n;
	out->none = 0;
	return true;
}

bool jc_bpf_cache_get(const char *dir, const struct jc_seccomp_spec *spec,
		      struct jc_bpf *out)
{
	cleanup_buf struct jc_buf key = { .max = FILE_MAX };
	cleanup_buf struct jc_buf f = { .max = FILE_MAX };
	cleanup_fd int dfd = -1;
	char name[32];

	memset(out, 0, sizeof(*out));
	if (spec->mode != JC_SECCOMP_DEFAULT || !spec_key(spec, &key))
		return false;
	/* reading makes nothing: no cache without its directory */
	dfd = jc_path_private_dir(AT_FDCWD, dir, dir, false, NULL);
	if (dfd < 0)
		return false;
	file_name(&key, name, sizeof(name));
	return read_own_file(dfd, name, &f) && parse(&f, &key, out);
}

void jc_bpf_cache_put(const char *dir, const struct jc_seccomp_spec *spec,
		      const struct jc_bpf *bpf)
{
	cleanup_buf struct jc_buf key = { .max = FILE_MAX };
	cleanup_buf struct jc_buf f = { .max = FILE_MAX };
	cleanup_fd int dfd = -1;
	cleanup_fd int fd = -1;
	char name[32], tmp[64];
	uint32_t klen, n = bpf->len;
	uint64_t sum;
	bool ok;

	if (!spec || bpf->none || !bpf->len ||
	    spec->mode != JC_SECCOMP_DEFAULT || !spec_key(spec, &key) ||
	    (dfd = jc_path_private_dir(AT_FDCWD, dir, dir, true, NULL)) < 0)
		return;
	klen = (uint32_t)key.len;
	jc_buf_put(&f, MAGIC, strlen(MAGIC));
	jc_buf_put(&f, &klen, 4);
	jc_buf_put(&f, key.p, key.len);
	jc_buf_put(&f, &n, 4);
	jc_buf_put(&f, bpf->insns, (size_t)n * sizeof(struct sock_filter));
	if (f.bad)
		return;
	sum = jc_fnv(JC_FNV_INIT, f.p, f.len);
	jc_buf_put(&f, &sum, 8);
	file_name(&key, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd = openat(dfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	/* fchmod: the caller's umask may have taken bits off; pwrite: one
	 * call, not a loop the fault walk would have to learn */
	ok = !f.bad && pwrite(fd, f.p, f.len, 0) == (ssize_t)f.len &&
	     fchmod(fd, 0600) == 0;
	jc_closep(&fd);
	if (!ok || renameat(dfd, tmp, dfd, name) < 0)
		(void)unlinkat(dfd, tmp, 0);
}

int jc_seccomp_compile_cached(const struct jc_seccomp_spec *spec,
			      const char *dir, struct jc_bpf *out,
			      struct jc_err *err)
{
	if (!spec) /* jc_seccomp_compile says what is wrong */
		return jc_seccomp_compile(spec, out, err);
	if (jc_bpf_cache_get(dir, spec, out))
		return 0;
	if (jc_seccomp_compile(spec, out, err) < 0)
		return -1;
	jc_bpf_cache_put(dir, spec, out);
	return 0;
}
