/* SPDX-License-Identifier: BSD-3-Clause */
/* seccomp_ids.h - the ids a jailed root may switch to (root_ids).
 *
 * A jailed root keeps setuid/setgid (root_caps) so that su, sshd and
 * daemons inside its tree work; without a bound it could become any uid
 * of the host and spend that uid's per-user kernel budgets (processes,
 * inotify instances, mqueue bytes, pipe buffers), uid 0's host daemons'
 * included.  This filter, stacked on the jail's own, lets setuid, setgid,
 * setreuid, setregid, setresuid, setresgid, setfsuid, setfsgid (and the
 * 16/32-bit twins of each ABI) name only ids in the given ranges, or -1
 * ("no change"); anything else fails with EPERM.  Nothing here prints or
 * exits. */
#ifndef JAILCORE_SECCOMP_IDS_H
#define JAILCORE_SECCOMP_IDS_H

#include <stddef.h>

#include "jailcore/90-support/err.h"
#include "seccomp.h"

struct jc_id_range {
	unsigned lo, hi; /* inclusive */
};

/* root_ids holds at most this many ranges; the session's uid and gid
 * are added on top. */
#define JC_ROOT_IDS_MAX 16
#define JC_ID_RANGES_MAX (JC_ROOT_IDS_MAX + 2)

/* Build the program for the N ranges R (N <= JC_ID_RANGES_MAX).  Free
 * with jc_bpf_free; load with jc_seccomp_load_bpf. */
JC_MUST_CHECK
JC_NONNULL(3)
int jc_seccomp_ids_compile(const struct jc_id_range *r, size_t n,
			   struct jc_bpf *out, struct jc_err *err);

#endif
