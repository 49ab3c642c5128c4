/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_risks.c - `jailctl check`: the combinations the module allows
 * that still leave a tenant something to spend or reach, each with the
 * reason (README, "Security model"; tests/e2e/52-edges.sh's table).  They
 * are notes, not problems: check still passes.  What the module refuses
 * (e.g. a private devpts in a jail several users enter, E14) is an error
 * of the config loader, which check reports as such. */
#include "jailctl.h"

#include <linux/capability.h>
#include <string.h>

static void risk(const struct jc_jail *j, const char *what, const char *why)
{
	note("jail %s: %s: %s", j->name, what, why);
}

static void root_risks(const struct jc_jail *j)
{
	if (!j->allow_root)
		return;
	/* it is uid 0: RLIMIT_NPROC never binds uid 0 (kernel/fork.c
	 * exempts INIT_USER), max_user_instances has no exemption */
	risk(j, "allow_root: the jailed root is uid 0",
	     "it spends uid 0's own per-user kernel budgets, which the host's "
	     "daemons share (inotify instances and watches, mqueue bytes); "
	     "pids_max bounds its processes (rlimit_nproc does not bind uid "
	     "0), seccomp_deny = inotify_init inotify_init1 mq_open the rest");
	if (j->n_root_ids &&
	    (j->root_caps & ((1ULL << CAP_SETUID) | (1ULL << CAP_SETGID))))
		risk(j, "root_ids",
		     "the jailed root can become these ids and spend their "
		     "per-user kernel budgets with the host's processes of "
		     "those ids");
	if (j->share == JC_SHARE_SESSION)
		risk(j, "allow_root with share = session",
		     "two sessions of root are two jails on one tree: they can "
		     "pass sockets through it (their log lines are tagged)");
}

static void user_risks(const struct jc_jail *j)
{
	if (!j->private_devpts)
		risk(j, "devpts = host",
		     "a jailed user can hold every pty of the host's devpts "
		     "(the kernel counts them per instance only; the default, "
		     "a private devpts, is capped by pty_max)");
	if (j->network == JC_NET_HOST)
		risk(j, "network = host",
		     "the host's abstract unix sockets and loopback services "
		     "are reachable with the user's uid");
	if (j->seccomp.mode == JC_SECCOMP_NONE)
		risk(j, "seccomp = none",
		     "keyrings, io_uring, userfaultfd, bpf and TIOCSTI reach the "
		     "host's kernel unfiltered");
	if (!strstr(j->root, "%u"))
		risk(j,
		     "a root without %u (a team jail when several users use it)",
		     "its users share /tmp, IPC, the network namespace and the "
		     "jail's limits; runtime dirs and log rates are per user");
}

void check_risks(const struct jc_config *cfg)
{
	for (size_t i = 0; i < cfg->n_jails; i++) {
		root_risks(&cfg->jails[i]);
		user_risks(&cfg->jails[i]);
	}
}
