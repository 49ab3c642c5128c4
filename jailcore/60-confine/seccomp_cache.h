/* SPDX-License-Identifier: BSD-3-Clause */
/* seccomp_cache.h - a jail's compiled seccomp program, kept between logins
 * in a root-only directory (see seccomp_cache.c). */
#ifndef JAILCORE_SECCOMP_CACHE_H
#define JAILCORE_SECCOMP_CACHE_H

#include <stdbool.h>

#include "seccomp.h"

/* jc_seccomp_compile, through the cache in DIR (JC_RUN_DIR for logins):
 * the program comes from DIR when a file there was written for exactly
 * this SPEC, this libseccomp and this binary, and is root's own;
 * otherwise it is compiled and stored (best effort).  Errors are
 * jc_seccomp_compile's. */
JC_MUST_CHECK JC_NONNULL(3) int jc_seccomp_compile_cached(
	const struct jc_seccomp_spec *spec, const char *dir, struct jc_bpf *out,
	struct jc_err *err);

/* The two halves, for the tests: true with OUT filled on a hit. */
bool jc_bpf_cache_get(const char *dir, const struct jc_seccomp_spec *spec,
		      struct jc_bpf *out);
void jc_bpf_cache_put(const char *dir, const struct jc_seccomp_spec *spec,
		      const struct jc_bpf *bpf);

#endif
