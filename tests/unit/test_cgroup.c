/* SPDX-License-Identifier: BSD-3-Clause */
/* test_cgroup.c - the cgroup limits as systemd takes them (TasksMax,
 * MemoryMax, CPUQuotaPerSecUSec/CPUQuotaPeriodUSec): jc_cgroup_limits()
 * turns the config's cgroup-file syntax into those numbers (TAP). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jailcore/60-confine/cgroup.h"
#include "tap.h"

static struct jc_plan plan(const char *pids, const char *mem, const char *cpu)
{
	struct jc_plan p;

	memset(&p, 0, sizeof(p));
	snprintf(p.pids_max, sizeof(p.pids_max), "%s", pids);
	snprintf(p.memory_max, sizeof(p.memory_max), "%s", mem);
	snprintf(p.cpu_max, sizeof(p.cpu_max), "%s", cpu);
	return p;
}

int main(void)
{
	struct jc_cg_limits l;
	struct jc_plan p = plan("", "", "");

	jc_cgroup_limits(&p, &l);
	TAP_OK(!l.any && l.tasks == UINT64_MAX && l.memory == UINT64_MAX &&
		       l.cpu_period_usec == 0,
	       "no limit set: nothing to send");

	p = plan("77", "256M", "50000 100000");
	jc_cgroup_limits(&p, &l);
	TAP_OK(l.any && l.tasks == 77, "pids_max = 77 -> TasksMax 77");
	TAP_OK(l.memory == 268435456ULL,
	       "memory_max = 256M -> MemoryMax 268435456");
	TAP_OK(l.cpu_quota_usec == 500000 && l.cpu_period_usec == 100000,
	       "cpu_max = 50000 100000 -> 500ms of CPU per second, period 100ms");

	p = plan("max", "max", "max 100000");
	jc_cgroup_limits(&p, &l);
	TAP_OK(l.any && l.tasks == UINT64_MAX && l.memory == UINT64_MAX &&
		       l.cpu_quota_usec == UINT64_MAX &&
		       l.cpu_period_usec == 100000,
	       "max stays infinity (UINT64_MAX), as systemd writes it");

	p = plan("", "1G", "200000 100000");
	jc_cgroup_limits(&p, &l);
	TAP_OK(l.tasks == UINT64_MAX && l.memory == (1ULL << 30) &&
		       l.cpu_quota_usec == 2000000,
	       "unset pids stays unset; 1G; two CPUs are 2 s per second");
	return TAP_DONE();
}
