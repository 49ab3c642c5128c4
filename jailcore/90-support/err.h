/* SPDX-License-Identifier: BSD-3-Clause */
/* err.h - the error value every fallible jailcore call fills in.
 *
 * Library code never prints and never exits (it runs inside sshd's privileged
 * monitor).  A failing call writes one self-contained line into a jc_err --
 * which step, which path or file:line, and strerror(errno) where there is one
 * -- and returns -1.  Callers higher up may prefix context with jc_err_wrap();
 * the door (pam_jail.c, jailctl) logs the final line exactly once.
 *
 * Callers that go on after a failure decide on the kind, set by the
 * function that knew what went wrong, never on errnum or on the text:
 * errnum is for the message only.
 */
#ifndef JAILCORE_ERR_H
#define JAILCORE_ERR_H

#include <limits.h>
#include <stddef.h>

#define JC_ERR_MAX 512

/* What went wrong, as far as a caller may act on it. */
enum jc_err_kind {
	JC_ERR_NONE = 0,
	JC_ERR_SYS,	    /* a system call failed; errnum says why */
	JC_ERR_NOMEM,	    /* out of memory */
	JC_ERR_NOT_FOUND,   /* path: it (or an entry on the way) does not
				 * exist -- an optional mount point is skipped */
	JC_ERR_NOT_DIR,	    /* path: a component on the way is not a
				 * directory */
	JC_ERR_UNSAFE_PATH, /* path: refused -- a symlink where none may
				 * be, '..', not root's */
	JC_ERR_CONFIG,	    /* the config is wrong at path:line */
	JC_ERR_REFUSED,	    /* a check said no: policy, bad input, an
				 * unexpected state (no errno) */
};

struct jc_err {
	enum jc_err_kind kind;
	int errnum;	      /* errno of the failing syscall, 0 when none */
	int line;	      /* JC_ERR_CONFIG...: line of the file path, 0
				 * when the whole file */
	char path[PATH_MAX];  /* the path or config file concerned, or "" */
	char msg[JC_ERR_MAX]; /* one line, no trailing newline */
};

/* The fallible public calls: a result that must be looked at, pointers
 * that must be given. */
#define JC_MUST_CHECK __attribute__((warn_unused_result))
#define JC_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))

/* Record a failure: msg = printf(fmt, ...) and, when errnum != 0,
 * ": strerror(errnum)".  The kind follows errnum: JC_ERR_NOMEM for ENOMEM,
 * JC_ERR_SYS for another errno, JC_ERR_REFUSED for 0; no path.
 * jc_fail(err, errnum, fmt, ...) is -1 so callers can write
 * `return jc_fail(err, errno, "open %s", path);`.  err may be NULL. */
void jc_err_set(struct jc_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same with the KIND and the PATH concerned, which the message names
 * too as it likes: jc_fail_path(err, JC_ERR_NOT_FOUND, errno, path,
 * "%s%s", root, path). */
void jc_err_set_path(struct jc_err *err, enum jc_err_kind kind, int errnum,
		     const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A mistake in config FILE at LINE (0: the file as a whole):
 * msg = "FILE:LINE: " (or "FILE: ") followed by printf(fmt, ...) and,
 * when errnum != 0, ": strerror(errnum)".  Kind JC_ERR_CONFIG, or as
 * jc_fail's for an errnum (a file that cannot be read). */
void jc_err_set_conf(struct jc_err *err, int errnum, const char *file, int line,
		     const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Prefix an already recorded failure with more context ("jail web: ...");
 * kind, path and line stay.  jc_err_wrap(err, fmt, ...) is -1. */
void jc_err_prefix(struct jc_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Macros, not functions, so that the -1 is visible where it is returned:
 * scan-build and gcc -fanalyzer cannot see into err.c and otherwise take
 * `return jc_fail(...)` for a success path (`make analyze`). */
#define jc_fail(...)                                                           \
	__extension__({                                                        \
		jc_err_set(__VA_ARGS__);                                       \
		-1;                                                            \
	})
#define jc_fail_path(...)                                                      \
	__extension__({                                                        \
		jc_err_set_path(__VA_ARGS__);                                  \
		-1;                                                            \
	})
#define jc_fail_conf(...)                                                      \
	__extension__({                                                        \
		jc_err_set_conf(__VA_ARGS__);                                  \
		-1;                                                            \
	})
#define jc_err_wrap(...)                                                       \
	__extension__({                                                        \
		jc_err_prefix(__VA_ARGS__);                                    \
		-1;                                                            \
	})

/* No failure recorded: kind JC_ERR_NONE, empty message and path. */
void jc_err_clear(struct jc_err *err);

/* Copy S into BUF (SIZE > 4) for an error message: bytes outside printable
 * ASCII become '?', and a long S is cut with "...".  NULL prints as "". */
const char *jc_vis(const char *s, char *buf, size_t size);

/* gcc 12's -fanalyzer loses track of memory owned through a struct the
 * caller passed in, or through an array of pointers, and reports leaks
 * that are not there (`make analyze`).  Wrap only a function whose report
 * was read and found false, and say why there. */
#if defined(__GNUC__) && !defined(__clang__)
#define JC_NO_ANALYZER_LEAK_CHECK_BEGIN                                        \
	_Pragma("GCC diagnostic push")                                         \
		_Pragma("GCC diagnostic ignored \"-Wanalyzer-malloc-leak\"")
#define JC_NO_ANALYZER_LEAK_CHECK_END _Pragma("GCC diagnostic pop")
#else
#define JC_NO_ANALYZER_LEAK_CHECK_BEGIN
#define JC_NO_ANALYZER_LEAK_CHECK_END
#endif

#endif
