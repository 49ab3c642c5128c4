/* SPDX-License-Identifier: BSD-3-Clause */
/* log.c - see log.h */
#include "log.h"

#include "cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

int jc_log_open(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX,
				  .sun_path = "/dev/log" };
	cleanup_fd int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return steal_fd(&fd);
}

void jc_log(int fd, int prio, const char *ident, const char *fmt, ...)
{
	char msg[1024], line[1200], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fd >= 0) {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
		n = snprintf(line, sizeof(line), "<%d>%s %s[%d]: %s",
			     LOG_AUTHPRIV | prio, stamp, ident, (int)getpid(),
			     msg);
		if (n > 0 && send(fd, line, strlen(line), MSG_NOSIGNAL) >= 0)
			return;
	}
	syslog(LOG_AUTHPRIV | prio, "%s", msg);
}
