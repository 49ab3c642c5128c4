# SPDX-License-Identifier: BSD-3-Clause
"""bench/report_scale.py - section 5 of docs/BENCHMARKS.md, the kernel's
share: memory per live jail at each level, with and without a network
namespace, the slab caches that grow, and the limit a 24 GiB host reaches
first.  Called by bench/report.py; standard library only."""
import os

import report_lib
from report_lib import Run, med, ms

KERNEL_COUNTERS = ("Slab", "Percpu", "KernelStack", "PageTables")


def counter_delta(facts, a, b, k):
    """/proc/meminfo counter K, snapshot B minus snapshot A, in KiB"""
    return int(facts["%s_%s" % (b, k)]) - int(facts["%s_%s" % (a, k)])


def slab_delta(a, b):
    """{cache: bytes} of slab snapshot B minus A"""
    def load(n):
        d = {}
        path = os.path.join(report_lib.RES, "slab-%s.tsv" % n)
        if os.path.exists(path):
            with open(path) as fh:
                for line in fh:
                    f = line.rstrip("\n").split("\t")
                    if len(f) == 4:
                        d[f[0]] = int(f[3])
        return d
    A, B = load(a), load(b)
    return {k: B.get(k, 0) - A.get(k, 0) for k in set(A) | set(B)} if A and B else {}


def kernel_memory(w, facts, levels, top, ctl_n):
    """Per-jail kernel memory at every level, with and without a network
    namespace, the top slab caches, and the limit a 24 GiB host meets."""
    w("Kernel memory per live jail at each level: growth of Slab + Percpu + "
      "KernelStack + PageTables from 0 live jails, divided by the number of "
      "jails (the held session's driver and sleep included; the control row "
      "is the same number of sessions held without pam_jail).  `jailctl "
      "list` is timed once per level.")
    w("")
    w("| live jails | kernel per jail | of which Slab | SUnreclaim | PageTables | KernelStack | jail-init PSS (median) | session cost | `jailctl list` |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = med(Run("scale-0.tsv").diff("jail-none", "plain")) if 0 in levels else float("nan")
    for lv in levels:
        run = Run("scale-%d.tsv" % lv)
        cost = ms(med(run.diff("jail-none", "plain")))
        lst = facts.get("live%d_jailctl_list_ms" % lv)
        lst = "%s ms" % lst if lst else ""
        if lv == 0:
            w("| 0 | | | | | | | %s | %s |" % (cost, lst))
            continue
        try:
            per = {k: counter_delta(facts, "live0", "live%d" % lv, k) / lv
                   for k in KERNEL_COUNTERS + ("SUnreclaim",)}
        except (KeyError, ValueError):
            continue
        w("| %d | %.1f KiB | %.1f KiB | %.1f KiB | %.1f KiB | %.1f KiB | %s KiB | %s | %s |" % (
            lv, sum(per[k] for k in KERNEL_COUNTERS), per["Slab"], per["SUnreclaim"],
            per["PageTables"], per["KernelStack"], facts.get("live%d_pss_median" % lv, "?"), cost, lst))
    try:
        ctl = {k: counter_delta(facts, "ctl0", "ctl%d" % ctl_n, k) / ctl_n for k in KERNEL_COUNTERS}
        w("| control: %d sessions, no jail | %.1f KiB | %.1f KiB | | %.1f KiB | %.1f KiB | | | |" % (
            ctl_n, sum(ctl.values()), ctl["Slab"], ctl["PageTables"], ctl["KernelStack"]))
    except (KeyError, ValueError, ZeroDivisionError):
        ctl = None
    w("")
    if not top:
        return      # only the level of 0 live jails was measured
    hn = int(facts.get("host_n", "0") or 0)
    with_net = no_net = None
    # compared at the same number of jails where that level was measured
    top = hn if hn and hn in levels else top
    try:
        with_net = {k: counter_delta(facts, "live0", "live%d" % top, k) / top
                    for k in KERNEL_COUNTERS + ("SUnreclaim", "SReclaimable")}
        if hn:
            no_net = {k: counter_delta(facts, "host0", "host%d" % hn, k) / hn
                      for k in KERNEL_COUNTERS + ("SUnreclaim", "SReclaimable")}
    except (KeyError, ValueError, ZeroDivisionError):
        pass
    if with_net and no_net:
        w("With and without a network namespace: %d jails with `network = none` "
          "(their own netns, lo up) against %d with `network = host` (no netns), "
          "per jail:" % (top, hn))
        w("")
        w("| counter | network = none | network = host | the netns's share |")
        w("|---|---:|---:|---:|")
        for k in KERNEL_COUNTERS + ("SUnreclaim", "SReclaimable"):
            w("| %s | %.1f KiB | %.1f KiB | %.1f KiB |" % (k, with_net[k], no_net[k], with_net[k] - no_net[k]))
        w("")
    sd = slab_delta("live0", "live%d" % top)
    if sd:
        sh = slab_delta("host0", "host%d" % hn) if hn else {}
        w("Slab caches that grew most (/proc/slabinfo, objects x object size), per jail:")
        w("")
        w("| cache | network = none | network = host |")
        w("|---|---:|---:|")
        for k, v in sorted(sd.items(), key=lambda kv_: -kv_[1])[:14]:
            w("| %s | %.1f KiB | %s |" % (k, v / top / 1024.0,
              "%.1f KiB" % (sh.get(k, 0) / hn / 1024.0) if sh else ""))
        w("")
    # the first limit of a 24 GiB host
    if with_net:
        kern = sum(with_net[k] for k in KERNEL_COUNTERS) - (sum(ctl.values()) if ctl else 0)
        pss = float(facts.get("live%d_pss_median" % top, "0") or 0)
        per = kern + pss
        limits = [("memory, counted: 24 GiB / (%.0f KiB kernel, jailed minus control, + %.0f KiB "
                   "jail-init PSS) per jail" % (kern, pss), int(24 * 1048576 / per) if per > 0 else None)]
        try:
            avail = (-counter_delta(facts, "live0", "live%d" % top, "MemAvailable") / top +
                     counter_delta(facts, "ctl0", "ctl%d" % ctl_n, "MemAvailable") / ctl_n)
            limits.append(("memory, all: 24 GiB / %.0f KiB per jail, the drop of MemAvailable per "
                           "jailed session minus a held session without a jail (the jail's tmpfs "
                           "Shmem and page cache too; noisy on a shared machine)" % avail,
                           int(24 * 1048576 / avail) if avail > 0 else None))
        except (KeyError, ValueError, ZeroDivisionError):
            pass
        for key, label in [("threads_max", "kernel.threads-max (one task per jail-init, "
                                            "before the sessions' own processes)"),
                           ("pid_max", "kernel.pid_max"),
                           ("max_net_namespaces", "user.max_net_namespaces"),
                           ("max_mnt_namespaces", "user.max_mnt_namespaces"),
                           ("max_pid_namespaces", "user.max_pid_namespaces")]:
            try:
                limits.append((label + " (this rig: %s)" % facts[key], int(facts[key])))
            except (KeyError, ValueError):
                pass
        limits = [x for x in limits if x[1]]
        limits.sort(key=lambda x: x[1])
        w("The limit a 24 GiB host reaches first, from the figures above (jails "
          "alone, no session processes counted):")
        w("")
        w("| limit | jails |")
        w("|---|---:|")
        for label, n in limits:
            w("| %s | %s |" % (label, "{:,}".format(n)))
        w("")
        if limits:
            w("First: **%s**, at about %s jails.  threads-max is sized from the "
              "RAM at boot (1/8 of it in task structures), so the memory figure "
              "and threads-max move together; a session's own processes (shell, "
              "sshd's monitor and its child) take more of both than the jail "
              "does." % (limits[0][0], "{:,}".format(limits[0][1])))
            w("")
