/* SPDX-License-Identifier: BSD-3-Clause */
/* log.h - a syslog channel that survives entering the jail.
 *
 * After open_session the caller lives in the jail's mount namespace, where
 * /dev/log does not exist; syslog(3) reconnects by path and its lines would
 * be lost.  jc_log_open() connects to the host's /dev/log *before* anything
 * changes and the module keeps that socket for the session's lifetime, so
 * its own lines (failures after setns, the close) still reach the host. */
#ifndef JAILCORE_LOG_H
#define JAILCORE_LOG_H

/* Connected AF_UNIX datagram socket to /dev/log (CLOEXEC), or -1. */
int jc_log_open(void);

/* Send one line "<prio>Mmm dd hh:mm:ss IDENT[PID]: MSG" on FD (facility
 * LOG_AUTHPRIV is added); falls back to syslog(3) when FD < 0 or the send
 * fails. */
void jc_log(int fd, int prio, const char *ident, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
