/* SPDX-License-Identifier: BSD-3-Clause */
/* int80.h - an i386 system call from an x86-64 test (int $0x80): the
 * kernel sees AUDIT_ARCH_I386 and the i386 numbers; pointer arguments
 * must be below 4 GiB.  For test_seccomp_abi.c, test_seccomp_ids.c and the
 * escape probe (tests/escape/privilege.c). */
#ifndef TESTS_INT80_H
#define TESTS_INT80_H

#if defined(__x86_64__)
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static inline long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "0"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

/* Whether this kernel runs i386 system calls at all: 1 when a child's
 * int $0x80 getpid answers its pid, 0 when the child is killed with
 * SIGSEGV (a kernel without IA32 emulation, or booted with
 * ia32_emulation=0: int $0x80 is a general protection fault there, so
 * there is no i386 way around a filter to test), -1 otherwise. */
static inline int int80_available(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		/* the default action: ASan's SEGV handler would exit with
		 * its own status instead */
		signal(SIGSEGV, SIG_DFL);
		_exit(int80(20, 0, 0, 0) == getpid() ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV ? 0 : -1;
}
#endif

#endif
