/* SPDX-License-Identifier: BSD-3-Clause */
/* floor.h - the minimal jail composition (see floor.c). */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

struct floor_cfg {
	const char *root; /* the jail tree, becomes "/" */
	const char *home; /* bound read-write at its own path */
	const char *hostname;
	const char *const *ro; /* bound read-only at their own paths */
	int n_ro;
	int host_net; /* 1: keep the host's network namespace */
	int full;     /* 1: also pam_jail's extras (see floor.c) */
};

/* "ROOT,HOME,HOSTNAME,none|host,min|full"; ro = /usr /bin /lib /lib64
 * /sbin, the rig's jail (tests/lib.sh rig_jail).  Not reentrant. */
int floor_parse(const char *spec, struct floor_cfg *c);

/* Build the jail in the calling process (a throwaway forked child) and
 * _exit: 0 when every step worked. */
void floor_once(const struct floor_cfg *c) __attribute__((noreturn));

#endif
