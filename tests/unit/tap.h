/* SPDX-License-Identifier: BSD-3-Clause */
/* tap.h - minimal TAP output for the jailcore unit tests.
 * Each check prints "ok - NAME" or "not ok - NAME"; tests/run-all.sh counts. */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdio.h>

static int tap_failed;

#define TAP_OK(cond, ...)                                                      \
	do {                                                                   \
		int tap_c_ = !!(cond);                                         \
		printf("%s - ", tap_c_ ? "ok" : "not ok");                     \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		if (!tap_c_) {                                                 \
			tap_failed++;                                          \
			printf("#   at %s:%d: %s\n", __FILE__, __LINE__,       \
			       #cond);                                         \
		}                                                              \
		fflush(stdout);                                                \
	} while (0)

#define TAP_DONE() (tap_failed ? 1 : 0)

#endif
