/* SPDX-License-Identifier: BSD-3-Clause */
/* buf.c - a growing byte buffer; see buf.h */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jc_buf_put(struct jc_buf *b, const void *data, size_t len)
{
	if (b->bad)
		return;
	if (!b->p || b->len + len + 1 > b->cap) {
		size_t cap = (b->len + len + 1) * 2 + 256;
		char *p = !b->max || cap <= b->max ? realloc(b->p, cap) : NULL;

		if (!p) {
			b->bad = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void jc_buf_printf(struct jc_buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		b->bad = true;
	else
		jc_buf_put(b, line, (size_t)n);
}

char *jc_buf_steal(struct jc_buf *b)
{
	char *p = b->bad ? NULL : b->p;

	if (b->bad)
		free(b->p);
	*b = (struct jc_buf){ 0 };
	return p;
}

void jc_buf_free(struct jc_buf *b)
{
	free(b->p);
	*b = (struct jc_buf){ 0 };
}
