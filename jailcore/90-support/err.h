/* SPDX-License-Identifier: BSD-3-Clause */
/* err.h - the error value every fallible jailcore call fills in.
 *
 * Library code never prints and never exits (it runs inside sshd's privileged
 * monitor).  A failing call writes one self-contained line into a jc_err --
 * which step, which path or file:line, and strerror(errno) where there is one
 * -- and returns -1.  Callers higher up may prefix context with jc_err_wrap();
 * the door (pam_jail.c, jailctl) logs the final line exactly once.
 */
#ifndef JAILCORE_ERR_H
#define JAILCORE_ERR_H

#include <stddef.h>

#define JC_ERR_MAX 512

struct jc_err {
	int errnum;		/* errno of the failing syscall, 0 when none */
	char msg[JC_ERR_MAX];	/* one line, no trailing newline */
};

/* Record a failure: msg = printf(fmt, ...) and, when errnum != 0,
 * ": strerror(errnum)".  jc_fail(err, errnum, fmt, ...) is -1 so callers
 * can write `return jc_fail(err, errno, "open %s", path);`.  err may be
 * NULL. */
void jc_err_set(struct jc_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an already recorded failure with more context ("jail web: ...");
 * jc_err_wrap(err, fmt, ...) is -1. */
void jc_err_prefix(struct jc_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Macros, not functions, so that the -1 is visible where it is returned:
 * scan-build and gcc -fanalyzer cannot see into err.c and otherwise take
 * `return jc_fail(...)` for a success path (`make analyze`). */
#define jc_fail(...) __extension__ ({ jc_err_set(__VA_ARGS__); -1; })
#define jc_err_wrap(...) __extension__ ({ jc_err_prefix(__VA_ARGS__); -1; })

void jc_err_clear(struct jc_err *err);

/* Copy S into BUF (SIZE > 4) for an error message: bytes outside printable
 * ASCII become '?', and a long S is cut with "...".  NULL prints as "". */
const char *jc_vis(const char *s, char *buf, size_t size);

/* gcc 12's -fanalyzer loses track of memory owned through a struct the
 * caller passed in, or through an array of pointers, and reports leaks
 * that are not there (`make analyze`).  Wrap only a function whose report
 * was read and found false, and say why there. */
#if defined(__GNUC__) && !defined(__clang__)
#define JC_NO_ANALYZER_LEAK_CHECK_BEGIN                                      \
	_Pragma("GCC diagnostic push")                                        \
	_Pragma("GCC diagnostic ignored \"-Wanalyzer-malloc-leak\"")
#define JC_NO_ANALYZER_LEAK_CHECK_END _Pragma("GCC diagnostic pop")
#else
#define JC_NO_ANALYZER_LEAK_CHECK_BEGIN
#define JC_NO_ANALYZER_LEAK_CHECK_END
#endif

#endif
