/* SPDX-License-Identifier: BSD-3-Clause */
/* seccomp.h - the jail's system-call filter (through libseccomp).
 *
 * A denylist, not an allowlist: the jailed session runs whatever the host's
 * /usr holds, so the filter's default action is ALLOW and it only refuses
 * what a caps-less login never needs and what has a history of kernel
 * bugs or escapes (the Docker/LXC default profile, see hardening.md).  The
 * jail's namespaces and dropped capabilities are the real walls; this
 * shrinks the kernel surface behind them.
 *
 * The filter covers every ABI the kernel lets the process use: on x86 the
 * x86-64, i386 (int $0x80) and x32 (nr | 0x40000000) tables.  A name that
 * does not exist on one of them is skipped there.
 *
 * Nothing here prints or exits; errors come back through jc_err.
 */
#ifndef JAILCORE_SECCOMP_H
#define JAILCORE_SECCOMP_H

#include <stddef.h>

#include "jailcore/90-support/err.h"

enum jc_seccomp_mode {
	JC_SECCOMP_DEFAULT = 0, /* the default denylist (+ deny, - allow) */
	JC_SECCOMP_NONE,	/* no filter at all */
};

/* What [jail:NAME] asks for: seccomp, seccomp_deny, seccomp_allow. */
struct jc_seccomp_spec {
	enum jc_seccomp_mode mode;
	char **deny; /* extra names denied outright with EPERM */
	size_t n_deny;
	char **allow; /* names removed from the default denylist */
	size_t n_allow;
};

/* When a default entry applies. */
enum jc_seccomp_cond {
	JC_SC_ALWAYS,	     /* every call */
	JC_SC_CLONE_NS,	     /* clone with any CLONE_NEW* flag */
	JC_SC_TTY_IOCTL,     /* ioctl TIOCSTI or TIOCLINUX */
	JC_SC_SOCKET_FAMILY, /* socket AF_VSOCK or AF_ALG */
	JC_SC_PERSONALITY,   /* personality other than the harmless ones */
};

/* One entry of the default denylist. */
struct jc_seccomp_deny {
	const char *name; /* system call, libseccomp's spelling */
	enum jc_seccomp_cond cond;
	int errnum;	  /* what the call returns: EPERM, ENOSYS */
	const char *when; /* cond in words, e.g. "flags has CLONE_NEW*" */
	const char *why;  /* the group's reason, one line */
};

/* The default denylist, in groups (see seccomp.c for the reasons).  For
 * docs and `jailctl seccomp`. */
extern const struct jc_seccomp_deny jc_seccomp_default_deny[];
extern const size_t jc_seccomp_default_deny_count;

/* The entry for NAME, or NULL when NAME is not in the default denylist. */
const struct jc_seccomp_deny *jc_seccomp_default_find(const char *name);

/* 0 when NAME is a system call of at least one ABI the filter covers
 * (native first: "keyctl"; "vm86" exists on i386 only and is accepted),
 * -1 otherwise.  Used by config validation so that a typo is reported at
 * load time with file:line. */
int jc_seccomp_check_name(const char *name);

/* Install the filter SPEC describes on the calling thread (and everything
 * it later forks and execs).  SPEC->mode == JC_SECCOMP_NONE installs
 * nothing and returns 0.  no_new_privs must already be set (jc_privs_drop
 * does it): the filter is not what should set it behind the caller's back.
 * Only the calling thread is filtered (no TSYNC): see seccomp.c. */
JC_MUST_CHECK
int jc_seccomp_install(const struct jc_seccomp_spec *spec, struct jc_err *err);

/* Write the filter SPEC describes, as libseccomp's pseudo-code (PFC), to
 * FD; nothing is installed.  Mode none writes nothing.  For jailctl and
 * for reading what the filter really checks on each ABI. */
JC_MUST_CHECK
int jc_seccomp_export(const struct jc_seccomp_spec *spec, int fd,
		      struct jc_err *err);

/* A compiled filter (classic BPF), to load in several processes. */
struct sock_filter;
struct jc_bpf {
	struct sock_filter *insns;
	unsigned short len;
	int none; /* seccomp = none: nothing to load */
};

/* Compile SPEC once; jc_seccomp_load_bpf installs it on the calling
 * thread (no_new_privs must be set).  Free with jc_bpf_free. */
JC_MUST_CHECK
JC_NONNULL(2)
int jc_seccomp_compile(const struct jc_seccomp_spec *spec, struct jc_bpf *out,
		       struct jc_err *err);
JC_MUST_CHECK JC_NONNULL(1) int jc_seccomp_load_bpf(const struct jc_bpf *b,
						    struct jc_err *err);
void jc_bpf_free(struct jc_bpf *b);

#endif
