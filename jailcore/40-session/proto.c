/* SPDX-License-Identifier: BSD-3-Clause */
/* proto.c - messages with a passed fd (SCM_RIGHTS), for the session
 * protocol of proto.h.  libc only: the
 * static jail-init links it too. */
#include "proto.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#define REPLY_TIMEOUT_MS 5000

ssize_t jc_send_fd(int sock, const void *buf, size_t len, int fd, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf,
			     .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL | flags);
}

ssize_t jc_recv_fd(int sock, void *buf, size_t len, int *fd, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	if (fd)
		*fd = -1;
	while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags)) < 0 &&
	       errno == EINTR)
		;
	for (cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL; cm;
	     cm = CMSG_NXTHDR(&mh, cm))
		if (fd && cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

int jc_msg_send(int sock, enum jc_msg_type type, int fd)
{
	struct jc_msg m = { .type = type };

	return jc_send_fd(sock, &m, sizeof(m), fd, 0) == (ssize_t)sizeof(m) ?
		       0 :
		       -1;
}

int jc_msg_recv(int sock, struct jc_msg *m, int *fd)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };

	if (fd)
		*fd = -1;
	if (poll(&p, 1, REPLY_TIMEOUT_MS) <= 0)
		return -1;
	return jc_recv_fd(sock, m, sizeof(*m), fd, 0) == (ssize_t)sizeof(*m) ?
		       0 :
		       -1;
}
