/* SPDX-License-Identifier: BSD-3-Clause */
/* err.c - see err.h */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* msg = the text of FMT/AP after PREFIX, then ": strerror(errnum)". */
static void set_msg(struct jc_err *err, int errnum, const char *prefix,
		    const char *fmt, va_list ap)
{
	size_t n = 0;
	int m;

	if (*prefix)
		n = (size_t)snprintf(err->msg, sizeof(err->msg), "%s", prefix);
	if (n >= sizeof(err->msg))
		return;
	m = vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	if (m > 0)
		n += (size_t)m;
	if (errnum && n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s",
			 strerror(errnum));
}

static enum jc_err_kind kind_of(int errnum)
{
	if (errnum == ENOMEM)
		return JC_ERR_NOMEM;
	return errnum ? JC_ERR_SYS : JC_ERR_REFUSED;
}

/* Everything a setter records.  A path longer than the field is cut: it
 * is for callers that compare or show it, the message keeps the whole. */
static void record(struct jc_err *err, enum jc_err_kind kind, int errnum,
		   const char *path, int line, const char *prefix,
		   const char *fmt, va_list ap)
{
	set_msg(err, errnum, prefix, fmt, ap);
	err->kind = kind;
	err->errnum = errnum;
	err->line = line;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
}

void jc_err_set(struct jc_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	record(err, kind_of(errnum), errnum, NULL, 0, "", fmt, ap);
	va_end(ap);
}

void jc_err_set_path(struct jc_err *err, enum jc_err_kind kind, int errnum,
		     const char *path, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	record(err, kind, errnum, path, 0, "", fmt, ap);
	va_end(ap);
}

void jc_err_set_conf(struct jc_err *err, int errnum, const char *file, int line,
		     const char *fmt, ...)
{
	char where[PATH_MAX + 16];
	va_list ap;

	if (!err)
		return;
	if (line > 0)
		snprintf(where, sizeof(where), "%s:%d: ", file, line);
	else
		snprintf(where, sizeof(where), "%s: ", file);
	va_start(ap, fmt);
	record(err, errnum ? kind_of(errnum) : JC_ERR_CONFIG, errnum, file,
	       line > 0 ? line : 0, where, fmt, ap);
	va_end(ap);
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
		err->kind = JC_ERR_NONE;
		err->errnum = 0;
		err->line = 0;
		err->path[0] = '\0';
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
	if (*s && size > 4) /* cut: say so */
		memcpy(buf + size - 4, "...", 4);
	return buf;
}
