/* SPDX-License-Identifier: BSD-3-Clause */
/* test_seccomp_ids.c - unit tests for jailcore/60-confine/seccomp_ids.c (TAP, run
 * as root): the filter that holds a jailed root's setuid and friends to
 * root_ids.  Each call runs in a forked child (root, full capabilities),
 * once under the filter and, for every call it must refuse, once without
 * it: there the same call goes through, so the EPERM is the filter's.
 * The ids allowed here: 0 and 1000-1999.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailcore/60-confine/seccomp_ids.h"
#include "tap.h"
#include "int80.h"

static const struct jc_id_range allowed[] = { { 0, 0 }, { 1000, 1999 } };

struct res {
	long rc;
	int err;
	int stage; /* 0 ran, 1 the filter did not load */
};

typedef long (*call_fn)(void);

static struct res run(call_fn fn, int filtered)
{
	struct res r = { .rc = -1, .err = 0, .stage = 1 };
	int fd[2];
	pid_t pid;

	if (pipe(fd) < 0)
		return r;
	pid = fork();
	if (pid == 0) {
		struct jc_err e = { 0 };
		struct jc_bpf b;

		close(fd[0]);
		if (!filtered ||
		    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
		     jc_seccomp_ids_compile(allowed, 2, &b, &e) == 0 &&
		     jc_seccomp_load_bpf(&b, &e) == 0)) {
			r.stage = 0;
			errno = 0;
			r.rc = fn();
			r.err = errno;
		}
		if (write(fd[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(2);
		_exit(0);
	}
	close(fd[1]);
	if (pid < 0 || read(fd[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		r.stage = 1;
	close(fd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return r;
}

/* ---- the calls (native ABI) ---------------------------------------------- */

static long c_setresuid_4242(void)
{
	return syscall(SYS_setresuid, 4242, 4242, 4242);
}
static long c_setresuid_65534(void)
{
	return syscall(SYS_setresuid, -1, 65534, -1);
}
static long c_setresuid_none(void)
{
	return syscall(SYS_setresuid, -1, -1, -1);
}
static long c_setresuid_1500(void)
{
	return syscall(SYS_setresuid, -1, 1500, -1);
}
static long c_setresuid_0(void)
{
	return syscall(SYS_setresuid, 0, 0, 0);
}
static long c_setuid_high(void)
{
	return syscall(SYS_setuid, 0x100000000L | 4242);
}
static long c_setreuid_4242(void)
{
	return syscall(SYS_setreuid, -1, 4242);
}
static long c_setgid_4242(void)
{
	return syscall(SYS_setgid, 4242);
}
static long c_setgid_1001(void)
{
	return syscall(SYS_setgid, 1001);
}
static long c_setresgid_2000(void)
{
	return syscall(SYS_setresgid, 1000, 1000, 2000);
}
static long c_setfsuid_4242(void)
{
	/* returns the old fsuid, 0, when it switched */
	return syscall(SYS_setfsuid, 4242) == 0 &&
			       syscall(SYS_setfsuid, -1) == 4242 ?
		       0 :
		       -1;
}
static long c_setfsuid_query(void)
{
	return syscall(SYS_setfsuid, -1);
}

#if defined(__x86_64__)
#define X32_BIT 0x40000000L

/* i386: setuid (23) takes a 16-bit id, setuid32 (213) a 32-bit one;
 * setresuid (164) 16-bit, where 0xffff is -1. */
static long c_i386_setuid16_4242(void)
{
	return int80(23, 0x10000 | 4242, 0, 0);
}
static long c_i386_setuid16_1500(void)
{
	return int80(23, 0x10000 | 1500, 0, 0);
}
static long c_i386_setresuid16_none(void)
{
	return int80(164, 0xffff, 0, 0xffff);
}
static long c_i386_setuid32_4242(void)
{
	return int80(213, 4242, 0, 0);
}
static long c_i386_setuid32_1500(void)
{
	return int80(213, 1500, 0, 0);
}
static long c_x32_setresuid_4242(void)
{
	return syscall(X32_BIT | SYS_setresuid, 4242, 4242, 4242);
}
#endif

/* Refused with EPERM under the filter, through without it. */
static void denied(const char *what, call_fn fn)
{
	struct res with = run(fn, 1), without = run(fn, 0);

	TAP_OK(with.stage == 0 && with.rc == -1 && with.err == EPERM,
	       "%s: EPERM under the filter (rc %ld, %s)", what, with.rc,
	       strerror(with.err));
	TAP_OK(without.stage == 0 && without.rc == 0,
	       "%s: goes through without it (rc %ld, %s)", what, without.rc,
	       strerror(without.err));
}

#if defined(__x86_64__)
/* A kernel without CONFIG_X86_X32_ABI answers ENOSYS to the call
 * itself: the filter's EPERM still shows it stopped the call first. */
static void x32_denied(void)
{
	struct res with = run(c_x32_setresuid_4242, 1);
	struct res without = run(c_x32_setresuid_4242, 0);

	TAP_OK(with.stage == 0 && with.rc == -1 && with.err == EPERM,
	       "x32 setresuid(4242, 4242, 4242): EPERM under the filter (%s)",
	       strerror(with.err));
	TAP_OK(without.stage == 0 && (without.rc == 0 || without.err == ENOSYS),
	       "x32 setresuid(4242, ...): without it %s",
	       without.rc == 0 ? "goes through" :
				 "ENOSYS (kernel without x32)");
}
#endif

static void passes(const char *what, call_fn fn, long want)
{
	struct res with = run(fn, 1);

	TAP_OK(with.stage == 0 && with.rc == want,
	       "%s: allowed under the filter (rc %ld, %s)", what, with.rc,
	       strerror(with.err));
}

static void compile_limits(void)
{
	struct jc_id_range many[JC_ID_RANGES_MAX + 1] = { { 0, 0 } };
	struct jc_id_range upside = { 5, 4 };
	struct jc_err e = { 0 };
	struct jc_bpf b;

	TAP_OK(jc_seccomp_ids_compile(many, JC_ID_RANGES_MAX + 1, &b, &e) < 0,
	       "more than %d ranges is an error", JC_ID_RANGES_MAX);
	TAP_OK(jc_seccomp_ids_compile(&upside, 1, &b, &e) < 0,
	       "a range 5-4 is an error");
	TAP_OK(jc_seccomp_ids_compile(many, JC_ID_RANGES_MAX, &b, &e) == 0 &&
		       b.len > 0 && b.len < 4096,
	       "%d ranges fit (%u instructions)", JC_ID_RANGES_MAX, b.len);
	jc_bpf_free(&b);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		return 0;
	}
	compile_limits();
	denied("setresuid(4242, 4242, 4242)", c_setresuid_4242);
	denied("setresuid(-1, 65534, -1)", c_setresuid_65534);
	denied("setreuid(-1, 4242)", c_setreuid_4242);
	denied("setuid(1<<32 | 4242), which the kernel reads as 4242",
	       c_setuid_high);
	denied("setgid(4242)", c_setgid_4242);
	denied("setresgid(1000, 1000, 2000)", c_setresgid_2000);
	denied("setfsuid(4242)", c_setfsuid_4242);
	passes("setresuid(-1, -1, -1)", c_setresuid_none, 0);
	passes("setresuid(-1, 1500, -1)", c_setresuid_1500, 0);
	passes("setresuid(0, 0, 0)", c_setresuid_0, 0);
	passes("setgid(1001)", c_setgid_1001, 0);
	passes("setfsuid(-1) (the query)", c_setfsuid_query, 0);
#if defined(__x86_64__)
	x32_denied();
	int i386 = int80_available();
	if (i386 != 1) {
		TAP_OK(i386 == 0,
		       "i386 ABI: int $0x80 kills the caller with SIGSEGV on this "
		       "kernel (no IA32 emulation): no i386 set*id to filter");
		return TAP_DONE();
	}
	denied("i386 setuid (16-bit) 0x10000|4242", c_i386_setuid16_4242);
	denied("i386 setuid32(4242)", c_i386_setuid32_4242);
	passes("i386 setuid (16-bit) 0x10000|1500", c_i386_setuid16_1500, 0);
	passes("i386 setuid32(1500)", c_i386_setuid32_1500, 0);
	passes("i386 setresuid (16-bit) 0xffff, 0, 0xffff",
	       c_i386_setresuid16_none, 0);
#endif
	return TAP_DONE();
}
