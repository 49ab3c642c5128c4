/* SPDX-License-Identifier: BSD-3-Clause */
/* buf.h - a growing byte buffer that remembers a failed allocation.
 *
 * Writers append without checking each step (a generated /etc/group, a
 * cache file's key) and look at `bad` once at the end, so the failure
 * paths stay in one place.  The bytes are kept NUL-terminated, so a text
 * built here is a C string.
 */
#ifndef JAILCORE_BUF_H
#define JAILCORE_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct jc_buf {
	char *p;    /* NULL until the first jc_buf_put */
	size_t len; /* bytes in p, the NUL not counted */
	size_t cap; /* bytes allocated */
	size_t max; /* 0: no limit; else a larger buffer is bad */
	bool bad;   /* an allocation failed or max was passed */
};

/* Append LEN bytes of DATA (none: still allocate, so p is a string). */
void jc_buf_put(struct jc_buf *b, const void *data, size_t len);

/* Append printf(FMT, ...); a line over 511 bytes makes B bad. */
void jc_buf_printf(struct jc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The bytes, now the caller's to free; NULL (and freed) when B is bad. */
char *jc_buf_steal(struct jc_buf *b);

void jc_buf_free(struct jc_buf *b);
#define cleanup_buf __attribute__((cleanup(jc_buf_free)))

#endif
