/* SPDX-License-Identifier: BSD-3-Clause */
/* sdbus.c - talking to systemd over the system bus with sd-bus
 * (libsystemd), for the two things a jail on a systemd host needs:
 *
 * - its limits on the session scope: SetUnitProperties with runtime =
 *   true, what `systemctl set-property --runtime` sends.  systemd then
 *   writes pids.max, memory.max and cpu.max itself and keeps them across
 *   its own re-realisations of the cgroup, which a write into cgroupfs
 *   behind its back would not survive.  pam_systemd's own systemd.*
 *   session variables were the other way; they cannot carry cpu.max (only
 *   a CPU weight) and would need a second pam_jail line before pam_systemd.
 * - a transient scope for a shared jail's jail-init: StartTransientUnit,
 *   what `systemd-run --scope` sends.
 *
 * libsystemd is dlopen()ed on first use, as systemd loads its own optional
 * libraries: linked in, it and what it pulls (libgcrypt, liblzma, libzstd,
 * liblz4) were loaded into every login's process on every host, a
 * millisecond or more per session, while only systemd hosts need it.
 */
#include "cgroup.h"
#include "sdbus.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-bus.h>

#define BUS_TIMEOUT_USEC (5ULL * 1000 * 1000)
#define LIBSYSTEMD "libsystemd.so.0"

/* The sd-bus calls used here, resolved from LIBSYSTEMD. */
static struct {
	bool loaded;
	int (*open_system)(sd_bus **);
	sd_bus *(*flush_close_unref)(sd_bus *);
	int (*new_method_call)(sd_bus *, sd_bus_message **, const char *,
			       const char *, const char *, const char *);
	int (*append)(sd_bus_message *, const char *, ...);
	int (*open_container)(sd_bus_message *, char, const char *);
	int (*close_container)(sd_bus_message *);
	int (*read)(sd_bus_message *, const char *, ...);
	int (*is_signal)(sd_bus_message *, const char *, const char *);
	sd_bus_message *(*message_unref)(sd_bus_message *);
	int (*call)(sd_bus *, sd_bus_message *, uint64_t, sd_bus_error *,
		    sd_bus_message **);
	int (*match_signal)(sd_bus *, sd_bus_slot **, const char *,
			    const char *, const char *, const char *,
			    sd_bus_message_handler_t, void *);
	int (*process)(sd_bus *, sd_bus_message **);
	int (*wait)(sd_bus *, uint64_t);
	void (*error_free)(sd_bus_error *);
} sd;

static int load(struct jc_err *err)
{
	static const struct {
		const char *name;
		size_t off;
	} fn[] = {
#define FN(member, symbol) { #symbol, offsetof(__typeof__(sd), member) }
		FN(open_system, sd_bus_open_system),
		FN(flush_close_unref, sd_bus_flush_close_unref),
		FN(new_method_call, sd_bus_message_new_method_call),
		FN(append, sd_bus_message_append),
		FN(open_container, sd_bus_message_open_container),
		FN(close_container, sd_bus_message_close_container),
		FN(read, sd_bus_message_read),
		FN(is_signal, sd_bus_message_is_signal),
		FN(message_unref, sd_bus_message_unref),
		FN(call, sd_bus_call),
		FN(match_signal, sd_bus_match_signal),
		FN(process, sd_bus_process),
		FN(wait, sd_bus_wait),
		FN(error_free, sd_bus_error_free),
#undef FN
	};
	void *lib;

	if (sd.loaded)
		return 0;
	/* kept loaded: libsystemd is not made to be unloaded */
	lib = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return jc_fail(err, 0, "dlopen %s: %s", LIBSYSTEMD, dlerror());
	for (size_t i = 0; i < sizeof(fn) / sizeof(fn[0]); i++) {
		void *f = dlsym(lib, fn[i].name);

		if (!f)
			return jc_fail(err, 0, "%s has no %s", LIBSYSTEMD,
				       fn[i].name);
		memcpy((char *)&sd + fn[i].off, &f, sizeof(f));
	}
	sd.loaded = true;
	return 0;
}

static sd_bus *open_bus(struct jc_err *err)
{
	sd_bus *bus = NULL;
	int r;

	if (load(err) < 0)
		return NULL;
	if ((r = sd.open_system(&bus)) < 0) {
		jc_fail(err, -r, "connect to the system bus");
		return NULL;
	}
	return bus;
}

static sd_bus_message *manager_call(sd_bus *bus, const char *method, int *r)
{
	sd_bus_message *m = NULL;

	*r = sd.new_method_call(bus, &m, "org.freedesktop.systemd1",
				"/org/freedesktop/systemd1",
				"org.freedesktop.systemd1.Manager", method);
	return *r < 0 ? NULL : m;
}

static int call_failed(struct jc_err *err, int r, const sd_bus_error *e,
		       const char *what, const char *unit)
{
	if (e->message)
		return jc_fail(err, 0, "systemd %s %s: %s", what, unit,
			       e->message);
	return jc_fail(err, -r, "systemd %s %s", what, unit);
}

static int append_limits(sd_bus_message *m, const struct jc_cg_limits *l)
{
	int r = sd.open_container(m, 'a', "(sv)");

	if (r >= 0 && l->tasks != UINT64_MAX)
		r = sd.append(m, "(sv)", "TasksMax", "t", (uint64_t)l->tasks);
	if (r >= 0 && l->memory != UINT64_MAX)
		r = sd.append(m, "(sv)", "MemoryMax", "t", (uint64_t)l->memory);
	if (r >= 0 && l->cpu_period_usec) {
		r = sd.append(m, "(sv)", "CPUQuotaPerSecUSec", "t",
			      (uint64_t)l->cpu_quota_usec);
		if (r >= 0)
			r = sd.append(m, "(sv)", "CPUQuotaPeriodUSec", "t",
				      (uint64_t)l->cpu_period_usec);
	}
	if (r >= 0)
		r = sd.close_container(m);
	return r;
}

int jc_systemd_set_limits(const char *unit, const struct jc_cg_limits *l,
			  struct jc_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	sd_bus *bus = open_bus(err);
	int r;

	if (!bus)
		return -1;
	m = manager_call(bus, "SetUnitProperties", &r);
	if (r >= 0)
		r = sd.append(m, "sb", unit, 1);
	if (r >= 0)
		r = append_limits(m, l);
	if (r < 0)
		jc_fail(err, -r, "D-Bus message for %s", unit);
	else if ((r = sd.call(bus, m, BUS_TIMEOUT_USEC, &e, NULL)) < 0)
		call_failed(err, r, &e, "SetUnitProperties", unit);
	sd.error_free(&e);
	sd.message_unref(m);
	sd.flush_close_unref(bus);
	return r < 0 ? -1 : 0;
}

/* Wait until systemd has run JOB (JobRemoved), so the pid is in its scope
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
		int r = sd.process(bus, &sig);

		if (r < 0)
			return jc_fail(err, -r, "systemd: waiting for %s",
				       unit);
		if (sig &&
		    sd.is_signal(sig, "org.freedesktop.systemd1.Manager",
				 "JobRemoved") > 0 &&
		    sd.read(sig, "uoss", &id, &path, &name, &result) >= 0 &&
		    strcmp(path, job) == 0) {
			r = strcmp(result, "done") == 0 ?
				    0 :
				    jc_fail(err, 0, "systemd: starting %s: %s",
					    unit, result);
			sd.message_unref(sig);
			return r;
		}
		sd.message_unref(sig);
		if (r > 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((unsigned long long)(now.tv_sec - t0.tv_sec) * 1000000ULL >=
		    BUS_TIMEOUT_USEC)
			return jc_fail(err, ETIMEDOUT, "systemd: starting %s",
				       unit);
		if ((r = sd.wait(bus, 100000)) < 0)
			return jc_fail(err, -r, "systemd: waiting for %s",
				       unit);
	}
}

static int append_scope(sd_bus_message *m, const char *unit, pid_t pid,
			const char *desc)
{
	int r = sd.append(m, "ss", unit, "fail");

	if (r >= 0)
		r = sd.open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd.append(m, "(sv)(sv)(sv)(sv)", "PIDs", "au", 1,
			      (uint32_t)pid, "Slice", "s", JC_SYSTEMD_SLICE,
			      "Description", "s", desc, "CollectMode", "s",
			      "inactive-or-failed");
	if (r >= 0)
		r = sd.close_container(m);
	if (r >= 0)
		r = sd.append(m, "a(sa(sv))", 0);
	return r;
}

int jc_systemd_start_scope(const char *unit, pid_t pid, const char *desc,
			   struct jc_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	const char *job = NULL;
	sd_bus *bus = open_bus(err);
	int r;

	if (!bus)
		return -1;
	r = sd.match_signal(bus, NULL, "org.freedesktop.systemd1",
			    "/org/freedesktop/systemd1",
			    "org.freedesktop.systemd1.Manager", "JobRemoved",
			    NULL, NULL);
	if (r >= 0)
		m = manager_call(bus, "StartTransientUnit", &r);
	if (r >= 0)
		r = append_scope(m, unit, pid, desc);
	if (r < 0)
		jc_fail(err, -r, "D-Bus message for %s", unit);
	else if ((r = sd.call(bus, m, BUS_TIMEOUT_USEC, &e, &reply)) < 0)
		call_failed(err, r, &e, "StartTransientUnit", unit);
	else if ((r = sd.read(reply, "o", &job)) < 0)
		jc_fail(err, -r, "systemd StartTransientUnit %s: reply", unit);
	else
		r = wait_job(bus, job, unit, err);
	sd.error_free(&e);
	sd.message_unref(reply);
	sd.message_unref(m);
	sd.flush_close_unref(bus);
	return r < 0 ? -1 : 0;
}
