/* SPDX-License-Identifier: BSD-3-Clause */
/* test_seccomp_cache.c - the compiled seccomp program kept between logins
 * (jailcore/60-confine/seccomp_cache.c): a hit gives exactly the program a fresh
 * compile gives, and a file that is not root's 0600 file in a root-only
 * directory, or corrupt, or written for other settings, is never taken
 * (TAP).  Everything lives in a temporary directory, never /run/pam_jail. */
#include <dirent.h>
#include <linux/filter.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailcore/60-confine/seccomp_cache.h"
#include "tap.h"

static char dir[] = "/tmp/test_seccomp_cache.XXXXXX";
static char file[400];

/* The one bpf-* file in DIR. */
static int find_file(void)
{
	struct dirent *d;
	DIR *dd = opendir(dir);
	int n = 0;

	if (!dd)
		return 0;
	while ((d = readdir(dd)))
		if (strncmp(d->d_name, "bpf-", 4) == 0) {
			snprintf(file, sizeof(file), "%s/%s", dir, d->d_name);
			n++;
		}
	closedir(dd);
	return n;
}

static int same_program(const struct jc_bpf *a, const struct jc_bpf *b)
{
	return a->len && a->len == b->len &&
	       memcmp(a->insns, b->insns, a->len * sizeof(*a->insns)) == 0;
}

static int hit(const struct jc_seccomp_spec *s)
{
	struct jc_bpf b;
	int h = jc_bpf_cache_get(dir, s, &b);

	jc_bpf_free(&b);
	return h;
}

static void flip_last_instruction_byte(void)
{
	struct stat st;
	int fd = open(file, O_RDWR);
	unsigned char c;

	if (fd < 0 || fstat(fd, &st) < 0 ||
	    pread(fd, &c, 1, st.st_size - 9) != 1)
		return;
	c ^= 0x01;
	(void)!pwrite(fd, &c, 1, st.st_size - 9);
	close(fd);
}

int main(void)
{
	static char acct[] = "acct";
	char *deny[] = { acct };
	struct jc_seccomp_spec spec = { .mode = JC_SECCOMP_DEFAULT };
	struct jc_seccomp_spec other = { .mode = JC_SECCOMP_DEFAULT,
					 .deny = deny,
					 .n_deny = 1 };
	struct jc_bpf fresh, cached, again;
	struct jc_err err = { 0 };
	struct stat st;

	if (!mkdtemp(dir))
		return 1;
	TAP_OK(jc_seccomp_compile(&spec, &fresh, &err) == 0,
	       "a fresh compile: %s", err.msg);
	TAP_OK(!hit(&spec), "an empty directory is a miss");
	TAP_OK(jc_seccomp_compile_cached(&spec, dir, &cached, &err) == 0 &&
		       same_program(&fresh, &cached),
	       "compiled through the cache: the same program");
	TAP_OK(find_file() == 1 && stat(file, &st) == 0 && st.st_uid == 0 &&
		       (st.st_mode & 07777) == 0600,
	       "one file, root's, 0600");
	TAP_OK(jc_bpf_cache_get(dir, &spec, &again) &&
		       same_program(&fresh, &again),
	       "a hit gives exactly the freshly compiled program");
	jc_bpf_free(&again);
	TAP_OK(!hit(&other), "other settings (deny = acct) are a miss");

	chmod(file, 0644);
	TAP_OK(!hit(&spec), "a file of mode 0644 is not taken");
	chmod(file, 0600);
	TAP_OK(hit(&spec), "(control) back at 0600 it is");
	if (chown(file, 1, 1) == 0)
		TAP_OK(!hit(&spec), "a file not root's is not taken");
	if (chown(file, 0, 0) == 0)
		TAP_OK(hit(&spec), "(control) root's again, it is");
	chmod(dir, 0755);
	TAP_OK(!hit(&spec), "a directory open to others is not used");
	chmod(dir, 0700);
	flip_last_instruction_byte();
	TAP_OK(!hit(&spec), "a changed program fails the checksum");
	TAP_OK(jc_seccomp_compile_cached(&spec, dir, &again, &err) == 0 &&
		       same_program(&fresh, &again) && hit(&spec),
	       "a miss compiles and rewrites the file");
	jc_bpf_free(&again);
	TAP_OK(truncate(file, 20) == 0, "(set-up) the file cut to 20 bytes");
	TAP_OK(!hit(&spec), "a short file is a miss");

	jc_bpf_free(&fresh);
	jc_bpf_free(&cached);
	if (find_file())
		unlink(file);
	rmdir(dir);
	return TAP_DONE();
}
