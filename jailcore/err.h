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
 * ": strerror(errnum)".  Always returns -1 so callers can write
 * `return jc_fail(err, errno, "open %s", path);`.  err may be NULL. */
int jc_fail(struct jc_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an already recorded failure with more context ("jail web: ...").
 * Returns -1. */
int jc_err_wrap(struct jc_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void jc_err_clear(struct jc_err *err);

#endif
