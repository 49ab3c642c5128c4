/* SPDX-License-Identifier: BSD-3-Clause */
/* probe.h - what the escape probe's files share: the result lines, the
 * helpers every family of attempts uses, and the families' tables.
 *
 * probe.c has main, the guard and the helpers; each other file is one
 * family of attempts, in the classes of tests/e2e/50-escape.sh's table:
 *
 *   tree.c       the host tree (H) and a jailed root's tree (R11, R12)
 *   procs.c      host processes and their fds (P; H5-H9, R8, R9, R19)
 *   kernel.c     kernel state (K) and the kernel's attack surface (S)
 *   ipc_net.c    host IPC (I) and network reach (W)
 *   privilege.c  privilege regain (V) and terminal injection (T)
 *   edges.c      the jail's edges (tests/e2e/52-edges.sh's table)
 */
#ifndef PROBE_H
#define PROBE_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than some libc headers; the numbers are x86_64's and the ABI's. */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Set up by the test outside every jail: a file only the host side has,
 * and the argv[0] of a process of the user's started outside the jail. */
#define HOST_MARK "/run/pamjail-escape/marker"
#define HOST_SOCK "/run/pamjail-escape/sock"
#define HOST_ABSTRACT "pamjail-escape-test"
#define HOST_PROC_MARK "pamjail-escape-host"

/* The attempt's name (argv[1]): the first word of every line printed. */
extern const char *me;
/* $HOME/.pamjail-escape, the user's own scratch directory. */
extern char scratch[PATH_MAX];

/* ---- one result line; each exits ----------------------------------------- */

/* An errno as its name ("EPERM"), "OK" for 0. */
const char *en(int e);
/* The attempt failed; ERR (0: none) is the decisive errno. */
void blocked(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void escaped(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* The probe could not set itself up: nothing was decided. */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- helpers ------------------------------------------------------------- */

int write_str(const char *path, const char *s);
int read_small(const char *path, char *buf, size_t size);
const char *sub(const char *name);
void make_dir(const char *path);
int arg_int(int argc, char **argv, const char *what);
void list_add(char *list, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
DIR *proc_dir(void);
const char *next_pid(DIR *d);
int userns(int extra);
void via_userns_or_blocked(int extra, int first, const char *what);
void blocked_in_userns(int extra, int first, const char *what)
	__attribute__((noreturn));
int cap_bit(const struct __user_cap_data_struct *d, int set, int c);
int caps_get(struct __user_cap_data_struct d[2]);

/* A capability-gated call with harmless arguments: its errno alone. */
#define SIMPLE(fn, what, call)                                                 \
	static void fn(int argc, char **argv)                                  \
	{                                                                      \
		long r;                                                        \
		(void)argc, (void)argv;                                        \
		r = (call);                                                    \
		if (r >= 0)                                                    \
			escaped("%s returned %ld", what, r);                   \
		blocked(errno, "%s", what);                                    \
	}

/* ---- the families -------------------------------------------------------- */

/* One subcommand: FN gets the arguments after NAME and must end in one
 * of the result lines above. */
struct attempt {
	const char *name;
	void (*fn)(int argc, char **argv);
};

/* Each ends with { NULL, NULL }. */
extern const struct attempt tree_attempts[];
extern const struct attempt procs_attempts[];
extern const struct attempt kernel_attempts[];
extern const struct attempt ipc_net_attempts[];
extern const struct attempt privilege_attempts[];
extern const struct attempt edges_attempts[];

#endif
