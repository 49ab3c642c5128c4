/* SPDX-License-Identifier: BSD-3-Clause */
/* ipc_net.c - the escape probe's attempts on host IPC (I1-I9 of
 * tests/e2e/50-escape.sh: unix sockets, SysV and POSIX IPC, keyrings)
 * and on network reach (W1-W3).
 */
#include "probe.h"

#include <linux/keyctl.h>
#include <mqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>

/* ========================================================================
 * Host IPC
 * ======================================================================== */

static void p_abstract(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name = argc > 0 ? argv[0] : HOST_ABSTRACT;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				    strlen(name));

	if (s < 0)
		fail("socket: %s", en(errno));
	memcpy(sa.sun_path + 1, name, strlen(name));
	if (connect(s, (struct sockaddr *)&sa, len) == 0)
		escaped("connected to the abstract socket @%s", name);
	blocked(errno, "connect @%s", name);
}

static void p_unix_path(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = argc > 0 ? argv[0] : HOST_SOCK;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		fail("socket: %s", en(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		escaped("connected to %s", path);
	blocked(errno, "connect %s", path);
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n - 1; /* the header */
}

static void p_sysv(int argc, char **argv)
{
	const char *kind = me;
	key_t key = (key_t)arg_int(argc, argv, "a key");
	char proc[64];
	int id;

	if (strcmp(kind, "shm") == 0)
		id = shmget(key, 0, 0);
	else if (strcmp(kind, "msg") == 0)
		id = msgget(key, 0);
	else
		id = semget(key, 0, 0);
	if (id >= 0)
		escaped("%sget(0x%08x) found the host's object (id %d)", kind,
			(unsigned)key, id);
	snprintf(proc, sizeof(proc), "/proc/sysvipc/%s", kind);
	blocked(errno, "%sget(0x%08x); %s lists %d objects", kind,
		(unsigned)key, proc, count_lines(proc));
}

static void p_mqueue(int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "/pamjail-escape";
	mqd_t q = mq_open(name, O_RDONLY);

	if (q != (mqd_t)-1)
		escaped("mq_open(%s) opened the host's queue", name);
	blocked(errno, "mq_open(%s)", name);
}

/* Test helper, run by the test outside the jail as the ordinary user:
 * create the queue p_mqueue looks for. */
static void p_make_mqueue(int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "/pamjail-escape";
	struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	mqd_t q = mq_open(name, O_RDWR | O_CREAT, 0644, &a);

	if (q == (mqd_t)-1)
		fail("mq_open(%s, O_CREAT): %s", name, en(errno));
	printf("%s: created %s\n", me, name);
	exit(0);
}

SIMPLE(p_keyctl, "keyctl(KEYCTL_GET_KEYRING_ID, thread keyring, no create)",
       syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 0))
SIMPLE(p_add_key, "add_key(\"user\", ..., keyring 0 (invalid))",
       syscall(SYS_add_key, "user", "pamjail-escape", "x", 1UL, 0))
SIMPLE(p_request_key, "request_key(\"pamjail_no_such_type\", ...)",
       syscall(SYS_request_key, "pamjail_no_such_type", "pamjail-escape", NULL,
	       0))

/* ========================================================================
 * Network reach
 * ======================================================================== */

static void p_connect(int argc, char **argv)
{
	int port = argc > 0 ? atoi(argv[0]) : 22;
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		fail("socket: %s", en(errno));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		escaped("connected to 127.0.0.1:%d", port);
	blocked(errno, "connect 127.0.0.1:%d", port);
}

static void p_netifs(int argc, char **argv)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	char list[512] = "";
	int other = 0;

	(void)argc, (void)argv;
	if (!ifs)
		fail("if_nameindex: %s", en(errno));
	for (i = ifs; i->if_name; i++) {
		list_add(list, sizeof(list), "%s", i->if_name);
		other |= strcmp(i->if_name, "lo") != 0;
	}
	if (other)
		escaped("network interfaces:%s", list);
	blocked(0, "network interfaces:%s", list);
}

static void p_raw_socket(int argc, char **argv)
{
	int s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP), e;

	(void)argc, (void)argv;
	if (s >= 0)
		escaped("raw ICMP socket as the user");
	e = errno;
	via_userns_or_blocked(CLONE_NEWNET, e, "socket(AF_INET, SOCK_RAW)");
	if (socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP) >= 0)
		escaped("raw ICMP socket in a new user+network namespace");
	blocked_in_userns(CLONE_NEWNET, e, "raw socket");
}

const struct attempt ipc_net_attempts[] = {
	/* host IPC */
	{ "abstract", p_abstract },
	{ "unix_path", p_unix_path },
	{ "shm", p_sysv },
	{ "msg", p_sysv },
	{ "sem", p_sysv },
	{ "mqueue", p_mqueue },
	{ "make_mqueue", p_make_mqueue },
	{ "keyctl", p_keyctl },
	{ "add_key", p_add_key },
	{ "request_key", p_request_key },
	/* network */
	{ "connect", p_connect },
	{ "netifs", p_netifs },
	{ "raw_socket", p_raw_socket },
	{ NULL, NULL },
};
