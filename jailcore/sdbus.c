/* sdbus.c - a jail's limits on its systemd session scope, over the system
 * bus with sd-bus (libsystemd): SetUnitProperties with runtime = true,
 * what `systemctl set-property --runtime` sends.  systemd then writes
 * pids.max, memory.max and cpu.max itself and keeps them across its own
 * re-realisations of the cgroup, which a write into cgroupfs behind its
 * back would not survive.  pam_systemd's own systemd.* session variables
 * were the other way; they cannot carry cpu.max (only a CPU weight) and
 * would need a second pam_jail line before pam_systemd. */
#include "cgroup.h"

#include <stdint.h>
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

int jc_systemd_set_limits(const char *unit, const struct jc_cg_limits *l,
			  struct jc_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	sd_bus *bus = NULL;
	int r = sd_bus_open_system(&bus);

	if (r < 0)
		return jc_fail(err, -r, "connect to the system bus");
	r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
					   "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager",
					   "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = append_limits(m, l);
	if (r < 0) {
		jc_fail(err, -r, "D-Bus message for %s", unit);
	} else if ((r = sd_bus_call(bus, m, BUS_TIMEOUT_USEC, &e, NULL)) < 0) {
		if (e.message)
			jc_fail(err, 0, "systemd SetUnitProperties %s: %s", unit,
				e.message);
		else
			jc_fail(err, -r, "systemd SetUnitProperties %s", unit);
	}
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? -1 : 0;
}
