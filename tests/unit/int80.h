/* SPDX-License-Identifier: BSD-3-Clause */
/* int80.h - an i386 system call from an x86-64 test (int $0x80): the
 * kernel sees AUDIT_ARCH_I386 and the i386 numbers; pointer arguments
 * must be below 4 GiB.  For test_seccomp_abi.c and test_seccomp_ids.c. */
#ifndef TESTS_INT80_H
#define TESTS_INT80_H

#if defined(__x86_64__)
#include <errno.h>

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
#endif

#endif
