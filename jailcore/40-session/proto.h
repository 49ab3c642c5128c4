/* SPDX-License-Identifier: BSD-3-Clause */
/* proto.h - the messages between a session's caller and jail-init.
 *
 * Every session of a jail holds one SOCK_SEQPACKET connection to the jail's
 * pid 1 for its whole life.  The first session's comes from a socketpair
 * made when the jail is built; later sessions of a shared jail connect to
 * the jail's control socket (/run/pam_jail/ID/ctl) and send JOIN with a
 * pidfd of themselves.  jail-init ends the jail when its last session
 * leaves (LEAVE, or the caller's pidfd reports its death, or its
 * connection closes), unless the jail is persistent.
 *
 * Included by jail-init.c (static, libc only) and jailcore/50-build/ns.c.
 */
#ifndef JAILCORE_PROTO_H
#define JAILCORE_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum jc_msg_type {
	JC_MSG_JOIN = 1, /* caller -> init, SCM_RIGHTS: caller's pidfd */
	JC_MSG_LEAVE,	 /* caller -> init: this session ends */
	JC_MSG_STOP,	 /* admin -> init: end the jail now */
	JC_MSG_INFO,	 /* admin -> init: how many sessions? */
	JC_MSG_OK,	 /* init -> caller; on JOIN, SCM_RIGHTS: init's pidfd */
	JC_MSG_LAST,	 /* init -> caller: that was the last session,
				   the jail is ending */
	JC_MSG_FULL,	 /* init -> caller: too many sessions */
};

struct jc_msg {
	uint32_t type;
	uint32_t sessions; /* sessions after this request */
	/* in init's replies: the jail's mnt, pid and net namespace inodes,
	 * for a joining session's audit line */
	uint64_t ns[3];
};

/* Fixed fd numbers of jail-init, set up by ns.c before the exec. */
enum jc_init_fd {
	JC_INIT_WATCH = 3, /* first session: its caller's pidfd */
	JC_INIT_EXEC,	   /* the jail-init binary (closed by the exec) */
	JC_INIT_LOG_IN,	   /* the jail's /dev/log socket */
	JC_INIT_LOG_OUT,   /* connected to the host's /dev/log, or absent */
	JC_INIT_REPORT,	   /* setup report (closed by the exec) */
	JC_INIT_CTL,	   /* listening control socket, or absent */
	JC_INIT_SESSION,   /* first session's connection */
	JC_INIT_LAST_FD = JC_INIT_SESSION
};

#define JC_MAX_SESSIONS 1024

/* proto.c: LEN bytes with fd FD (-1: none) passed along, and back (*FD
 * -1 when none came; received fds are CLOEXEC).  sendmsg's/recvmsg's
 * result. */
ssize_t jc_send_fd(int sock, const void *buf, size_t len, int fd, int flags);
ssize_t jc_recv_fd(int sock, void *buf, size_t len, int *fd, int flags);

/* One message, with an optional passed fd; 0 or -1.  jc_msg_recv waits up
 * to 5 s. */
int jc_msg_send(int sock, enum jc_msg_type type, int fd);
int jc_msg_recv(int sock, struct jc_msg *m, int *fd);

#endif
