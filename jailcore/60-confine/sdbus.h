/* SPDX-License-Identifier: BSD-3-Clause */
/* sdbus.h - the two things a jail on a systemd host asks systemd over
 * the system bus (sdbus.c, sd-bus): limits on the login's scope, and a
 * scope of its own for a shared jail's jail-init (see cgroup.h).
 */
#ifndef JAILCORE_SDBUS_H
#define JAILCORE_SDBUS_H

#include <sys/types.h>

#include "cgroup.h"
#include "jailcore/90-support/err.h"

/* Set L on the systemd unit UNIT (runtime, as `systemctl
 * set-property --runtime` does). */
JC_MUST_CHECK JC_NONNULL(1, 2) int jc_systemd_set_limits(
	const char *unit, const struct jc_cg_limits *l, struct jc_err *err);

/* Put PID (a shared jail's jail-init) in a transient scope UNIT
 * of pam_jail.slice, as `systemd-run --scope` does, and wait until it is
 * there. */
#define JC_SYSTEMD_SLICE "pam_jail.slice"
JC_MUST_CHECK JC_NONNULL(1, 3) int jc_systemd_start_scope(const char *unit,
							  pid_t pid,
							  const char *desc,
							  struct jc_err *err);

#endif
