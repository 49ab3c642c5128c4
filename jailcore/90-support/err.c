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
	size_t n = (size_t)snprintf(err->msg, sizeof(err->msg), "%s", prefix);
	int m;

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

/* A path longer than the field is cut: it is for callers that compare
 * or show it, the message keeps the whole. */
static void set_path(struct jc_err *err, const char *path)
{
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
}

void jc_err_set(struct jc_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	set_msg(err, errnum, "", fmt, ap);
	va_end(ap);
	err->kind = kind_of(errnum);
	err->errnum = errnum;
	err->line = 0;
	err->path[0] = '\0';
}

void jc_err_set_path(struct jc_err *err, enum jc_err_kind kind, int errnum,
		     const char *path, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	set_msg(err, errnum, "", fmt, ap);
	va_end(ap);
	err->kind = kind;
	err->errnum = errnum;
	err->line = 0;
	set_path(err, path);
}

void jc_err_set_conf(struct jc_err *err, int errnum, const char *file,
		     int line, const char *fmt, ...)
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
	set_msg(err, errnum, where, fmt, ap);
	va_end(ap);
	err->kind = errnum ? kind_of(errnum) : JC_ERR_CONFIG;
	err->errnum = errnum;
	err->line = line > 0 ? line : 0;
	set_path(err, file);
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
