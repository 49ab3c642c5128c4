/* SPDX-License-Identifier: BSD-3-Clause */
/* err.c - see err.h */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void jc_err_set(struct jc_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (errnum && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s",
			 strerror(errnum));
	err->errnum = errnum;
}

void jc_err_prefix(struct jc_err *err, const char *fmt, ...)
{
	char prefix[JC_ERR_MAX], old[JC_ERR_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* a long chain of context may be cut; the line stays one line */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) >=
	    (int)sizeof(err->msg))
		err->msg[sizeof(err->msg) - 1] = '\0';
}

void jc_err_clear(struct jc_err *err)
{
	if (err) {
		err->errnum = 0;
		err->msg[0] = '\0';
	}
}

const char *jc_vis(const char *s, char *buf, size_t size)
{
	size_t i = 0;

	if (!s)
		s = "";
	for (; *s && i + 1 < size; s++, i++)
		buf[i] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	buf[i] = '\0';
	if (*s && size > 4)	/* cut: say so */
		memcpy(buf + size - 4, "...", 4);
	return buf;
}
