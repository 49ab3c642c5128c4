/* SPDX-License-Identifier: BSD-3-Clause */
/* test_seccomp_abi.c - unit tests for jailcore/60-confine/seccomp.c (TAP, run as
 * root): the default filter on the x86-64 kernel's other system call ABIs,
 * i386 (int $0x80) and x32, which have their own numbers and so their own
 * sections of the filter.  How a probe runs is in seccomp_probe.h.
 */
#include <errno.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jailcore/60-confine/seccomp.h"
#include "seccomp_probe.h"
#include "tap.h"
#include "int80.h"

#if defined(__x86_64__)
#define X32_BIT 0x40000000L

/* Memory below 4 GiB for the pointer arguments of int $0x80 calls. */
static char *low;

static int map_low(void)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	low = m;
	return 0;
}

static long p_i386_getpid(void)
{
	return int80(20, 0, 0, 0) == getpid() ? 0 : -1;
}

static long p_i386_unshare(void)
{
	return int80(310, CLONE_NEWUTS, 0, 0);
}

static long p_i386_personality(void)
{
	return int80(136, 0x0006, 0, 0);
}

static long p_i386_tiocsti(void)
{
	low[0] = ' ';
	return int80(54, pty_slave, TIOCSTI, (long)(uintptr_t)low);
}

static long p_i386_clone3(void)
{
	return int80(435, 0, 0, 0);
}

/* oldumount, an i386-only name in the denylist */
static long p_i386_umount(void)
{
	strcpy(low + 64, scratch);
	return int80(22, (long)(uintptr_t)(low + 64), 0, 0);
}

/* vm86old: i386 only; an x86-64 kernel has no vm86 (ENOSYS unfiltered) */
static long p_i386_vm86old(void)
{
	return int80(113, 0, 0, 0);
}

/* socketcall(SYS_SOCKET, {AF_UNIX, SOCK_STREAM, 0}): the family is behind
 * a pointer, so every socketcall socket() is refused. */
static long p_i386_socketcall(void)
{
	uint32_t *args = (uint32_t *)(void *)(low + 128);
	long fd;

	args[0] = AF_UNIX;
	args[1] = SOCK_STREAM;
	args[2] = 0;
	fd = int80(102, 1 /* SYS_SOCKET */, (long)(uintptr_t)args, 0);
	if (fd >= 0)
		close((int)fd);
	return fd;
}

static long p_x32_unshare(void)
{
	return syscall(X32_BIT | 272, CLONE_NEWUTS);
}

static long p_x32_keyctl(void)
{
	return syscall(X32_BIT | 250, KEYCTL_GET_KEYRING_ID,
		       KEY_SPEC_SESSION_KEYRING, 0);
}

/* Not denied: gets the kernel's own answer (ENOSYS without CONFIG_X86_X32_ABI),
 * and the process is not killed as a foreign architecture. */
static long p_x32_getpid(void)
{
	long r = syscall(X32_BIT | 39);

	if (r == -1 && errno == ENOSYS)
		return 0;
	return r;
}

static void test_i386(void)
{
	int avail = int80_available();

	if (avail != 1) {
		TAP_OK(avail == 0,
		       "i386 ABI: int $0x80 kills the caller with SIGSEGV on this "
		       "kernel (no IA32 emulation): no i386 way around the filter");
		return;
	}
	works("i386 getpid (int $0x80) works under the filter", NULL,
	      p_i386_getpid);
	denied("i386 unshare(CLONE_NEWUTS)", NULL, p_i386_unshare, EPERM);
	denied("i386 personality(PER_BSD)", NULL, p_i386_personality, EPERM);
	denied("i386 ioctl(TIOCSTI)", NULL, p_i386_tiocsti, EPERM);
	denied("i386 clone3", NULL, p_i386_clone3, ENOSYS);
	denied("i386 umount (oldumount, i386 only)", private_mounts,
	       p_i386_umount, EPERM);
	denied("i386 vm86old (i386 only)", NULL, p_i386_vm86old, EPERM);
	denied("i386 socketcall(SYS_SOCKET, AF_UNIX): family unreadable", NULL,
	       p_i386_socketcall, EPERM);
}

/* seccomp runs before the kernel dispatches a call, so an x32 call is
 * refused by the filter even where the kernel has no x32 ABI (which would
 * answer ENOSYS): EPERM here proves the filter has an x32 section. */
static void test_x32(void)
{
	struct res r = run(NULL, NULL, p_x32_unshare);

	printf("# x32 ABI in this kernel: %s\n",
	       failed_with(&r, ENOSYS) ? "no (ENOSYS)" : "yes");
	denied("x32 unshare(CLONE_NEWUTS)", NULL, p_x32_unshare, EPERM);
	denied("x32 keyctl", NULL, p_x32_keyctl, EPERM);
	works("x32 getpid not denied and not killed", NULL, p_x32_getpid);
}
#else
static int map_low(void)
{
	return 0;
}

static void test_i386(void)
{
	TAP_OK(1, "i386 ABI # SKIP not an x86-64 build");
}

static void test_x32(void)
{
	TAP_OK(1, "x32 ABI # SKIP not an x86-64 build");
}
#endif

int main(void)
{
	if (probe_setup() < 0) {
		printf("Bail out! setup: %s\n", strerror(errno));
		return 1;
	}
	if (map_low() < 0) {
		printf("Bail out! mmap MAP_32BIT: %s\n", strerror(errno));
		return 1;
	}
	test_i386();
	test_x32();
	probe_teardown();
	return TAP_DONE();
}
