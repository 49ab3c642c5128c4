/* SPDX-License-Identifier: BSD-3-Clause */
/* lsan_hook.h - LeakSanitizer's exit check, skipped only where it cannot run.
 * Include it once per program (it defines a function): tests/pamdriver.c
 * and jailctl.c.  Compiled only into AddressSanitizer builds (make asan).
 *
 * LeakSanitizer checks at exit by stopping the process with a tracer it
 * clones, which reads /proc/<its parent>/task.  A process that entered a
 * jail -- a PAM caller after a jailed open_session, jailctl enter and run,
 * or a caller refused after the setns -- has its children born in the
 * jail's pid namespace (setns CLONE_NEWPID), where the tracer's parent is
 * pid 0, and mostly its /proc replaced by the jail's, where /proc/self does
 * not resolve.  Once the jail has ended no process can be born there at
 * all: clone fails with ENOMEM, LSan's "Failed spawning a tracer thread
 * (errno 12)", a fatal error (or a tracer that never attaches: a hang).
 * Only such a process -- its children's pid namespace is not its own --
 * skips the check; every one that stayed outside (not jailed, refused
 * before entering, jailctl's other commands) is checked.  LSan calls this
 * hook at exit when the program defines it. */
#ifndef JAILCORE_LSAN_HOOK_H
#define JAILCORE_LSAN_HOOK_H

#if defined(__SANITIZE_ADDRESS__)
#include <sys/stat.h>

int __lsan_is_turned_off(void) __attribute__((used, visibility("default")));
int __lsan_is_turned_off(void)
{
	struct stat self, children;

	return stat("/proc/self/ns/pid", &self) != 0 ||
	       stat("/proc/self/ns/pid_for_children", &children) != 0 ||
	       self.st_ino != children.st_ino || self.st_dev != children.st_dev;
}
#endif

#endif
