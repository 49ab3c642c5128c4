/* sdbus.c - a jail's limits on its systemd session scope, over the system
 * bus with sd-bus (libsystemd): SetUnitProperties with runtime = true,
 * what `systemctl set-property --runtime` sends.  systemd then writes
 * pids.max, memory.max and cpu.max itself and keeps them across its own
 * re-realisations of the cgroup, which a write into cgroupfs behind its
 * back would not survive.  pam_systemd's own systemd.* session variables
 * were the other way; they cannot carry cpu.max (only a CPU weight) and
 * would need a second pam_jail line before pam_systemd. */
#include "cgroup.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-bus.h>

#define BUS_TIMEOUT_USEC (5ULL * 1000 * 1000)

static int append_limits(sd_bus_message *m, const struct jc_cg_limits *l)
{
	int r = sd_bus_message_open_container(m, 'a', "(sv)");

	if (r >= 0 && l->tasks != UINT64_MAX)
		r = sd_bus_message_append(m, "(sv)", "TasksMax", "t", (uint64_t)l->tasks);
	if (r >= 0 && l->memory != UINT64_MAX)
		r = sd_bus_message_append(m, "(sv)", "MemoryMax", "t", (uint64_t)l->memory);
	if (r >= 0 && l->cpu_period_usec) {
		r = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t",
					  (uint64_t)l->cpu_quota_usec);
		if (r >= 0)
			r = sd_bus_message_append(m, "(sv)", "CPUQuotaPeriodUSec", "t",
						  (uint64_t)l->cpu_period_usec);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

static sd_bus_message *manager_call(sd_bus *bus, const char *method, int *r)
{
	sd_bus_message *m = NULL;

	*r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
					    "/org/freedesktop/systemd1",
					    "org.freedesktop.systemd1.Manager",
					    method);
	return *r < 0 ? NULL : m;
}

static int call_failed(struct jc_err *err, int r, const sd_bus_error *e,
		       const char *what, const char *unit)
{
	if (e->message)
		return jc_fail(err, 0, "systemd %s %s: %s", what, unit, e->message);
	return jc_fail(err, -r, "systemd %s %s", what, unit);
}

int jc_systemd_set_limits(const char *unit, const struct jc_cg_limits *l,
			  struct jc_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	sd_bus *bus = NULL;
	int r = sd_bus_open_system(&bus);

	if (r < 0)
		return jc_fail(err, -r, "connect to the system bus");
	m = manager_call(bus, "SetUnitProperties", &r);
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = append_limits(m, l);
	if (r < 0) {
		jc_fail(err, -r, "D-Bus message for %s", unit);
	} else if ((r = sd_bus_call(bus, m, BUS_TIMEOUT_USEC, &e, NULL)) < 0) {
		call_failed(err, r, &e, "SetUnitProperties", unit);
	}
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? -1 : 0;
}

/* Wait until systemd has run JOB (JobRemoved), so PID is in its scope
 * when we return.  The signal match was added before the call. */
static int wait_job(sd_bus *bus, const char *job, const char *unit,
		    struct jc_err *err)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		sd_bus_message *sig = NULL;
		const char *path, *result, *name;
		uint32_t id;
		int r = sd_bus_process(bus, &sig);

		if (r < 0)
			return jc_fail(err, -r, "systemd: waiting for %s", unit);
		if (sig && sd_bus_message_is_signal(sig, "org.freedesktop.systemd1.Manager",
						    "JobRemoved") > 0 &&
		    sd_bus_message_read(sig, "uoss", &id, &path, &name, &result) >= 0 &&
		    strcmp(path, job) == 0) {
			r = strcmp(result, "done") == 0 ? 0 :
			    jc_fail(err, 0, "systemd: starting %s: %s", unit, result);
			sd_bus_message_unref(sig);
			return r;
		}
		sd_bus_message_unref(sig);
		if (r > 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((unsigned long long)(now.tv_sec - t0.tv_sec) * 1000000ULL >=
		    BUS_TIMEOUT_USEC)
			return jc_fail(err, ETIMEDOUT, "systemd: starting %s", unit);
		if ((r = sd_bus_wait(bus, 100000)) < 0)
			return jc_fail(err, -r, "systemd: waiting for %s", unit);
	}
}

static int append_scope(sd_bus_message *m, const char *unit, pid_t pid,
			const char *desc)
{
	int r = sd_bus_message_append(m, "ss", unit, "fail");

	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)",
					  "PIDs", "au", 1, (uint32_t)pid,
					  "Slice", "s", JC_SYSTEMD_SLICE,
					  "Description", "s", desc,
					  "CollectMode", "s", "inactive-or-failed");
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	return r;
}

int jc_systemd_start_scope(const char *unit, pid_t pid, const char *desc,
			   struct jc_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	const char *job = NULL;
	sd_bus *bus = NULL;
	int r = sd_bus_open_system(&bus);

	if (r < 0)
		return jc_fail(err, -r, "connect to the system bus");
	r = sd_bus_match_signal(bus, NULL, "org.freedesktop.systemd1",
				"/org/freedesktop/systemd1",
				"org.freedesktop.systemd1.Manager", "JobRemoved",
				NULL, NULL);
	if (r >= 0)
		m = manager_call(bus, "StartTransientUnit", &r);
	if (r >= 0)
		r = append_scope(m, unit, pid, desc);
	if (r < 0)
		jc_fail(err, -r, "D-Bus message for %s", unit);
	else if ((r = sd_bus_call(bus, m, BUS_TIMEOUT_USEC, &e, &reply)) < 0)
		call_failed(err, r, &e, "StartTransientUnit", unit);
	else if ((r = sd_bus_message_read(reply, "o", &job)) < 0)
		jc_fail(err, -r, "systemd StartTransientUnit %s: reply", unit);
	else
		r = wait_job(bus, job, unit, err);
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? -1 : 0;
}
