#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""bench/report.py RESULTS_DIR DOC - docs/BENCHMARKS.md from bench/inside.sh's
raw results (see bench/run.sh).  Standard library only.

Statistics: every figure comes from samples taken side by side in one
bench/pambench run (variants interleaved round by round).  A *cost* is the
paired difference A[r] - B[r] of two variants in the same round r; its
median and p95 are over rounds.  Ratios are of medians; the [lo, hi] after a
ratio is a 95% bootstrap interval over rounds (2000 resamples, fixed seed).
"""
import collections
import os
import re
import sys

RES, DOC = sys.argv[1], sys.argv[2]


import report_lib
report_lib.RES = RES
from report_lib import kv, Run, med, p95, ms, ratio_txt, verdict, boot  # noqa: E402
from report_scale import kernel_memory  # noqa: E402
from report_storm import storm_profile  # noqa: E402

facts = kv("facts.tsv")
mach = kv("machine.tsv")


def refuse_failed_runs():
    """A run with a failed sample or an error is no benchmark: say what
    failed and exit non-zero before anything is written."""
    bad = ["%s: %s" % (k, v) for k, v in facts.items()
           if k == "error" or k.startswith("failed_")]
    for name in sorted(os.listdir(RES)):
        if not name.endswith(".tsv") or name in ("facts.tsv", "machine.tsv") \
                or name.startswith(("phases-", "sd-facts", "slab-")):
            continue
        run = Run(name)
        bad += ["%s: %d failed samples of %s" % (name, n, v)
                for v, n in run.failed.items() if n]
    if bad:
        sys.stderr.write("bench/report.py: not writing %s; the run failed:\n  %s\n"
                         % (DOC, "\n  ".join(bad)))
        sys.exit(1)


refuse_failed_runs()


# ---------------------------------------------------------------- text --

out = []
w = out.append
targets = []          # (item, figure, measured, target, verdict)
why = collections.OrderedDict()   # item -> the measured reason, for a missed target

w("# Benchmarks")
w("")
w("Produced by `%s` (bench/run.sh; the measurements run in "
  "tests/rig/isolate.sh, raw samples in build/bench-results/).  Not part of "
  "`make check` or CI.  Regenerate with the same command; knobs: "
  "`BENCH_RUNS` (samples per variant, default 200), `BENCH_SSH_RUNS`, "
  "`BENCH_STORM`, `BENCH_STORM_RUNS`, `BENCH_SCALE`, `BENCH_USERS`, "
  "`BENCH_PROFILE`, `BENCH_PARTS`, `BENCH_SETTLE` (an untimed pause before "
  "each session-cost sample, so a jail's teardown is not charged to the "
  "next variant)." % mach.get("command", "make bench"))
w("")
w("## Machine")
w("")
w("| | |")
w("|---|---|")
for k, label in [("nproc", "nproc"), ("model", "model name"), ("kernel", "kernel"),
                 ("os", "OS"), ("date", "date"), ("commit", "commit"),
                 ("loadavg_start", "load average at start"),
                 ("loadavg_end", "load average at end"), ("duration_s", "run time (s)")]:
    if k in mach:
        v = mach[k]
        if k == "commit" and mach.get("dirty", "0") not in ("0", ""):
            v += " (+%s uncommitted changes in tracked files)" % mach["dirty"]
        w("| %s | %s |" % (label, v))
if "memtotal_kb" in mach:
    w("| memory | %.1f GiB |" % (int(mach["memtotal_kb"]) / 1048576))
envs = [(k[4:], v) for k, v in mach.items() if k.startswith("env_")]
if envs:
    w("| knobs | %s |" % ", ".join("%s=%s" % kv_ for kv_ in envs))
w("")
w("The machine is shared and noisy: every figure below compares variants "
  "measured side by side in the same run (interleaved round by round), and "
  "reports medians, p95 and the number of runs *n*.  A *cost* is the "
  "per-round difference between two variants (its median and p95 over "
  "rounds); a ratio is of medians, with a 95% bootstrap interval in "
  "brackets.")
w("")

# ------------------------------------------------ 1-3: core session --

core = Run("core.tsv")
TARGET_SECTION = len(out)   # the summary is inserted here at the end
if core.ok:
    w("## 1-3. Session cost, the floor, bubblewrap")
    w("")
    w("Each sample is one forked child, timed from fork() to waitpid() "
      "(bench/pambench.c):")
    w("")
    desc = collections.OrderedDict([
        ("fork", "fork + exit + waitpid, nothing else"),
        ("plain", "PAM cycle (pam_start, open_session, close_session, pam_end), stack = pam_permit only"),
        ("loaded", "same cycle, stack = pam_permit + pam_jail, user matched by no rule (not jailed)"),
        ("jail-none", "same cycle, jailed user, `network = none`"),
        ("jail-host", "same cycle, jailed user, `network = host`"),
        ("floor-none", "bench/floor.c: same namespaces (+net), mounts, pivot_root, privilege drop; no PAM"),
        ("floor-host", "bench/floor.c without a network namespace"),
        ("floor-full", "floor-none plus pam_jail's extras: generated passwd/group, /dev/log, /proc masks"),
        ("true", "fork + exec /bin/true"),
        ("bwrap-none", "bubblewrap, same composition, around /bin/true"),
        ("bwrap-host", "bubblewrap without --unshare-net"),
    ])
    w("| variant | what | n | median | p95 | failed |")
    w("|---|---|---:|---:|---:|---:|")
    for v in core.s:
        w("| %s | %s | %d | %s | %s | %d |" % (v, desc.get(v, ""), core.n(v),
          ms(med(core.vals(v))), ms(p95(core.vals(v))), core.failed[v]))
    w("")
    costs = [
        ("session cost, network = none", "jail-none", "plain"),
        ("session cost, network = host", "jail-host", "plain"),
        ("pam_jail loaded, user not jailed", "loaded", "plain"),
        ("floor, network = none", "floor-none", "fork"),
        ("floor, network = host", "floor-host", "fork"),
        ("floor + pam_jail's extras", "floor-full", "fork"),
        ("bubblewrap over /bin/true, network = none", "bwrap-none", "true"),
        ("bubblewrap over /bin/true, network = host", "bwrap-host", "true"),
    ]
    w("Costs (paired differences):")
    w("")
    w("| cost | = | n | median | p95 |")
    w("|---|---|---:|---:|---:|")
    for label, a, b in costs:
        if core.has(a) and core.has(b):
            d = core.diff(a, b)
            if a == "loaded":
                lm = med(d) / 1e6
                targets.append(("1u", "user matched by no rule: cost over the plain stack (loaded - plain)",
                                "%.2f ms" % lm, "<= 0.1 ms", verdict(lm, 0.1, unit=" ms")))
            w("| %s | %s - %s | %d | %s | %s |" % (label, a, b, len(d), ms(med(d)), ms(p95(d))))
    w("")
    w("Ratios:")
    w("")
    w("| ratio | value [95% CI] | target |")
    w("|---|---|---|")
    rows = [
        ("(1)/(2): session cost / floor, network = none", ("jail-none", "plain"), ("floor-none", "fork"), 2.5, "<= 2.5"),
        ("(1)/(2): session cost / floor, network = host", ("jail-host", "plain"), ("floor-host", "fork"), None, ""),
        ("session cost / floor with pam_jail's extras, network = none", ("jail-none", "plain"), ("floor-full", "fork"), None, ""),
    ]
    if core.has("bwrap-none"):
        rows += [
            ("(1)/(3): session cost / bubblewrap's own cost (bwrap - /bin/true), none", ("jail-none", "plain"), ("bwrap-none", "true"), 0.7, "<= 0.7"),
            ("(1)/(3): session cost / bubblewrap's whole time, none", ("jail-none", "plain"), "bwrap-none", None, ""),
            ("(1)/(3): session cost / bubblewrap's own cost, host", ("jail-host", "plain"), ("bwrap-host", "true"), None, ""),
        ]
    for label, num, den, tgt, ttxt in rows:
        r, txt = ratio_txt(core, num, den)
        w("| %s | %s | %s |" % (label, txt, ttxt))
        if tgt is not None:
            targets.append(("1/2" if tgt == 2.5 else "1/3", label, txt, ttxt, verdict(r, tgt)))
    w("")
    w("bubblewrap command (bn's): `%s`" % facts.get("bwrap_cmd", "?"))
    w("")

# ---------------------------------------------------------------- join --

join = Run("join.tsv")
w("### Joining a running shared jail (`share = user`)")
w("")
if join.ok and join.has("join"):
    w("One session of the user held open (pamdriver running sleep); then "
      "sessions of the same user join it.")
    w("")
    w("| variant | n | median | p95 |")
    w("|---|---:|---:|---:|")
    for v in join.s:
        w("| %s | %d | %s | %s |" % (v, join.n(v), ms(med(join.vals(v))), ms(p95(join.vals(v)))))
    dj, db = join.diff("join", "plain"), join.diff("jail-none", "plain")
    w("")
    jr, jtxt = ratio_txt(join, ("join", "plain"), ("jail-none", "plain"))
    w("join cost (join - plain): median %s, p95 %s; a new jail in the same "
      "run (jail-none - plain): median %s; join / new = %s." % (
          ms(med(dj)), ms(p95(dj)), ms(med(db)), jtxt))
    why["1j"] = ("a join costs %s and a build only %s more (%s): what both pay -- passwd, "
                 "config, the plan with the user's NSS groups, admission walks, entering, the "
                 "privilege drop and the filter -- is %.0f%% of a build" % (
                     ms(med(dj)), ms(med(db) - med(dj)), ms(med(db)), med(dj) / med(db) * 100))
    targets.append(("1j", "join / build (joining a running shared jail / building one)", jtxt,
                    "<= 0.25", verdict(jr, 0.25)))
else:
    w("join: %s" % facts.get("join", "not measured yet (shared jails not built)"))
    if "join_probe" in facts:
        w("")
        w("(probe: `%s`)" % facts["join_probe"])
w("")

# ----------------------------------------------------------- 4: ssh ----

ssh = Run("ssh.tsv")
storm = Run("storm.tsv")
if ssh.ok:
    w("## 4. End to end: ssh")
    w("")
    w("`ssh -o ControlMaster=no bn@127.0.0.1 true` (key login) against one "
      "sshd (%s); before each sample the sshd PAM stack is switched "
      "(untimed) between Debian's and Debian's + `%s`." % (
          facts.get("sshd_version", "?"), facts.get("pam_line", "pam_jail")))
    w("")
    w("| variant | n | median | p95 | failed |")
    w("|---|---:|---:|---:|---:|")
    for v in ssh.s:
        w("| %s | %d | %s | %s | %d |" % (v, ssh.n(v), ms(med(ssh.vals(v))), ms(p95(ssh.vals(v))), ssh.failed[v]))
    d = ssh.diff("ssh-jail", "ssh-plain")
    r, txt = ratio_txt(ssh, "ssh-jail", "ssh-plain")
    pr, ptxt = ratio_txt(ssh, ("ssh-jail", "ssh-plain"), "ssh-plain")
    over, pover = (r - 1) * 100, pr * 100
    w("")
    ci = boot(ssh, ("ssh-jail", "ssh-plain"), "ssh-plain")
    w("Overhead per login: paired median %s (p95 %s), i.e. **%+.1f%%** of "
      "ssh-plain's median (95%% CI %s); ratio of the medians "
      "ssh-jail / ssh-plain = %s, i.e. %+.1f%%." % (
          ms(med(d)), ms(p95(d)), pover,
          "[%+.1f%%, %+.1f%%]" % (ci[0] * 100, ci[1] * 100) if ci else "?", txt, over))
    v = verdict(pover, 3.0, unit="%")
    if (pover <= 3.0) != (over <= 3.0):
        v = "borderline: %s by the paired estimate, %s by the ratio of medians (%+.1f%%)" % (
            "met" if pover <= 3.0 else "missed", "met" if over <= 3.0 else "missed", over)
    why["4"] = ("one login's paired difference has a 95%% interval of %s around %s: the "
                "machine's noise is larger than pam_jail's share of an ssh login" % (
                    "[%+.1f%%, %+.1f%%]" % (ci[0] * 100, ci[1] * 100) if ci else "?", ms(med(d))))
    targets.append(("4", "ssh login overhead", "%+.1f%% paired, %+.1f%% ratio of medians" % (pover, over),
                    "<= 3%", v))
    w("")
if storm.ok:
    n = facts.get("storm_n", "?")
    w("Login storm: %s concurrent `ssh ... true`, time until the last one "
      "is done (sshd MaxStartups/MaxSessions raised); each run is one storm." % n)
    w("")
    w("| variant | runs | median | p95 | each run | failed logins |")
    w("|---|---:|---:|---:|---|---:|")
    for v in storm.s:
        w("| %s | %d | %s | %s | %s | %d |" % (v, storm.n(v), ms(med(storm.vals(v))),
          ms(p95(storm.vals(v))), ", ".join("%.0f" % (x / 1e6) for x in storm.vals(v)),
          storm.failed[v]))
    if storm.has("ssh-jail") and storm.has("ssh-plain"):
        r = med(storm.vals("ssh-jail")) / med(storm.vals("ssh-plain"))
        w("")
        w("storm with / without pam_jail: %.2f (%+.1f%%)." % (r, (r - 1) * 100))
        targets.append(("4s", "%s-login ssh storm overhead (median of %d storms each)" % (
            facts.get("storm_n", "?"), storm.n("ssh-jail")), "%+.1f%%" % ((r - 1) * 100),
            "<= 3%", verdict((r - 1) * 100, 3.0, unit="%")))
    if "storm_failures" in facts:
        w("")
        w("Note: %s." % facts["storm_failures"])
    w("")
    sess = med(core.diff("jail-none", "plain")) / 1e6 \
        if core.ok and core.has("jail-none") and core.has("plain") else None
    spread = None
    if storm.has("ssh-plain") and storm.n("ssh-plain") > 1:
        vals = storm.vals("ssh-plain")
        spread = "%.0f-%.0f ms (%+.0f%%)" % (min(vals) / 1e6, max(vals) / 1e6,
                                             (max(vals) / min(vals) - 1) * 100)
    lines, why_storm = storm_profile(facts, facts.get("storm_n", 100), sess, spread)
    for line in lines:
        w(line)
    if why_storm:
        why["4s"] = why_storm
        w("")

# ---------------------------------------------------------- 5: scale ---

levels = sorted(int(f[6:-4]) for f in os.listdir(RES) if f.startswith("scale-") and f.endswith(".tsv"))
if levels:
    w("## 5. Scale: live jails")
    w("")
    w("Live jails are sessions of user `hold` held open by the project's "
      "driver (build/tests/pamdriver running `sleep 3600`).  The session "
      "cost (jail-none - plain, as in 1) is measured at each level.")
    w("")
    w("| live jails | n | session cost median | p95 | vs 0 live | floor (floor-none - fork) | floor vs 0 live | failed sessions | jail-init running | rig mounts |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = fbase = None
    for lv in levels:
        run = Run("scale-%d.tsv" % lv)
        d = run.diff("jail-none", "plain")
        f = run.diff("floor-none", "fork") if run.has("floor-none") else []
        if base is None:
            base = med(d)
            fbase = med(f) if f else None
        w("| %d | %d | %s | %s | %.2f | %s | %s | %d | %s | %s |" % (lv, len(d), ms(med(d)), ms(p95(d)),
          med(d) / base, ms(med(f)) if f else "", "%.2f" % (med(f) / fbase) if f and fbase else "",
          run.failed["jail-none"], facts.get("live%d_inits" % lv, "0" if lv == 0 else "?"),
          facts.get("live%d_mounts" % lv, "?")))
    top = levels[-1]
    rtop = med(Run("scale-%d.tsv" % top).diff("jail-none", "plain")) / base
    trun = Run("scale-%d.tsv" % top)
    if fbase and trun.has("floor-none"):
        dj = med(trun.diff("jail-none", "plain")) - base
        df = med(trun.diff("floor-none", "fork")) - fbase
        w("")
        w("From 0 to %d live jails the session cost grew by %s; the floor, "
          "measured in the same rounds, grew by %s (x%.2f): %.0f%% of the "
          "growth is the kernel's (more namespaces, mounts and processes "
          "alive), the rest (%s) is pam_jail's own." % (
              top, ms(dj), ms(df), med(trun.diff("floor-none", "fork")) / fbase,
              min(100.0, df / dj * 100) if dj > 0 else 100.0, ms(max(0.0, dj - df))))
    tl = 1000 if 1000 in levels else top
    rtl = med(Run("scale-%d.tsv" % tl).diff("jail-none", "plain")) / base
    lrun = Run("scale-%d.tsv" % tl)
    if fbase and lrun.has("floor-none"):
        why["5"] = ("at %d live jails the floor (no pam_jail) grew x%.2f in the same rounds, "
                    "the session cost x%.2f: the kernel's namespaces, mounts and processes" % (
                        tl, med(lrun.diff("floor-none", "fork")) / fbase, rtl))
    targets.append(("5", "session cost at %d live jails / at 0" % tl, "%.2f" % rtl, "<= 1.15",
                    verdict(rtl, 1.15)))
    w("")
    w("Mounts: the rig's /proc/self/mountinfo had %s lines at the start, "
      "%s at the end; with %d live jails: %s (jails must add none)." % (
          facts.get("mounts_rig_start", "?"), facts.get("mounts_rig_end", "?"), top,
          facts.get("live%d_mounts" % top, "?")))
    added = None
    try:
        added = int(facts["live%d_mounts" % top]) - int(facts["live0_mounts"])
        targets.append(("5", "host mounts added by %d jails" % top, str(added), "0",
                        "**met**" if added == 0 else "**missed**"))
    except (KeyError, ValueError):
        pass
    w("")
    # memory
    w("Memory per live jail.  Userspace: jail-init's PSS "
      "(/proc/PID/smaps_rollup, median over all live ones).  Kernel: growth "
      "of /proc/meminfo counters per held session, jailed minus the same "
      "number of sessions held without pam_jail (control: the stack "
      "pam_permit only, the same driver and sleep).")
    w("")
    w("| | per jail |")
    w("|---|---:|")
    pss = facts.get("live%d_pss_median" % top)
    if pss:
        w("| jail-init PSS (median of %d) | %s KiB |" % (top, pss))
        w("| jail-init PSS (max) | %s KiB |" % facts.get("live%d_pss_max" % top, "?"))
        w("| jail-init RSS (median) | %s KiB |" % facts.get("live%d_rss_median" % top, "?"))
        targets.append(("5", "userspace memory per live jail (jail-init PSS)", "%s KiB" % pss,
                        "<= 256 KiB", verdict(float(pss), 256.0, unit=" KiB")))
    ctl_n = int(facts.get("ctl_n", "0") or 0)
    kern_total = 0.0
    krows = []
    for k in ["Slab", "SUnreclaim", "SReclaimable", "Percpu", "KernelStack", "PageTables", "Shmem"]:
        try:
            jail = (int(facts["live%d_%s" % (top, k)]) - int(facts["live0_%s" % k])) / top
            ctl = ((int(facts["ctl%d_%s" % (ctl_n, k)]) - int(facts["ctl0_%s" % k])) / ctl_n
                   if ctl_n else 0.0)
        except (KeyError, ValueError, ZeroDivisionError):
            continue
        krows.append((k, jail, ctl))
        if k in ("Slab", "Percpu", "KernelStack", "PageTables"):
            kern_total += jail - ctl
    w("| kernel total (Slab + Percpu + KernelStack + PageTables), jailed minus control | %.1f KiB |" % kern_total)
    try:
        free = (int(facts["live0_MemAvailable"]) - int(facts["live%d_MemAvailable" % top])) / top
        w("| MemAvailable drop per jailed session (incl. the driver and sleep) | %.1f KiB |" % free)
    except (KeyError, ValueError):
        pass
    w("")
    if krows:
        w("Kernel counters (/proc/meminfo), growth per held session, %d jailed "
          "sessions vs %d held without pam_jail:" % (top, ctl_n))
        w("")
        w("| counter | jailed | control | per jail |")
        w("|---|---:|---:|---:|")
        for k, jail, ctl in krows:
            w("| %s | %.1f KiB | %.1f KiB | %.1f KiB |" % (k, jail, ctl, jail - ctl))
        w("")
    kernel_memory(w, facts, levels, top, ctl_n)
    for lv in levels[1:]:
        if "live%d_start_s" % lv in facts:
            w("Starting %s held sessions took %s s (sequential, from one shell)." % (
                facts["live%d_started" % lv], facts["live%d_start_s" % lv]))
    w("")
    w("Limits in the rig: kernel.pid_max %s, threads-max %s, open files %s; "
      "after the drivers were killed %s jail-init were left." % (
          facts.get("pid_max", "?"), facts.get("threads_max", "?"),
          facts.get("ulimit_n", "?"), facts.get("inits_left", "?")))
    w("")

# --------------------------------------------------- 6: config size ----

cfg = Run("cfg.tsv")
if cfg.ok:
    sizes = sorted(int(v.split("-")[1]) for v in cfg.s if v.startswith("users-"))
    w("## 6. Config size")
    w("")
    w("The INI file holds N `[user:uI]` rules (`jail = web`; only the "
      "measured user exists, its rule is the last).  Session cost = "
      "users-N - plain.  *config load + plan* is a login's share alone, in process "
      "(jc_config_load_for: the whole file scanned, only the user's own rule "
      "parsed; then the plan) "
      "(bench/cfgprof.c, median of 15).")
    w("")
    w("| users | file size | n | session cost median | p95 | vs 10 | config load + plan |")
    w("|---:|---:|---:|---:|---:|---:|---:|")
    base = None
    for n in sizes:
        d = cfg.diff("users-%d" % n, "plain")
        if base is None:
            base = med(d)
        w("| %d | %s B | %d | %s | %s | %.2f | %s us |" % (n, facts.get("cfg_bytes_%d" % n, "?"),
          len(d), ms(med(d)), ms(p95(d)), med(d) / base, facts.get("cfg_parse_us_%d" % n, "?")))
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        r, txt = ratio_txt(cfg, ("users-%d" % hi, "plain"), ("users-%d" % lo, "plain"))
        targets.append(("6", "session cost at %d users / at %d" % (hi, lo), txt, "<= 1.1",
                        verdict(r, 1.1)))
        try:
            parse_hi = float(facts["cfg_parse_us_%d" % hi]) * 1e3
            share = parse_hi / med(cfg.diff("users-%d" % hi, "plain")) * 100
            w("")
            w("Config load + plan: %.0f%% of the session cost at %d users "
              "(%s of %s)." % (share, hi, ms(parse_hi), ms(med(cfg.diff("users-%d" % hi, "plain")))))
            lo_cost = med(cfg.diff("users-%d" % lo, "plain"))
            why["6"] = ("the session cost grew by %s from %d to %d users; config load + plan "
                        "alone (in process) is %s at %d users and %s at %d" % (
                            ms(med(cfg.diff("users-%d" % hi, "plain")) - lo_cost), lo, hi,
                            ms(parse_hi), hi, ms(float(facts.get("cfg_parse_us_%d" % lo, "nan")) * 1e3), lo))
        except (KeyError, ValueError, ZeroDivisionError):
            pass
    w("")
    dropin = Run("dropin.tsv")
    if "dropin_refused" in facts:
        w("Drop-ins: %s.  Measured instead at the largest count accepted." % facts["dropin_refused"])
        w("")
    if dropin.ok:
        v = [x for x in dropin.s if x.startswith("dropin-")][0]
        d = dropin.diff(v, "plain")
        w("Drop-ins: %s files in /etc/security/pam_jail.d/, one user each "
          "(measured in its own run): session cost median %s, p95 %s, n %d; "
          "config load + plan %s us; vs 10 users in one file (the run above): "
          "%.2f." % (facts.get("dropin_files", "?"), ms(med(d)), ms(p95(d)), len(d),
                     facts.get("cfg_parse_us_dropin", "?"),
                     med(d) / med(cfg.diff("users-%d" % sizes[0], "plain"))))
    else:
        w("Drop-ins: %s" % facts.get("dropin", "not measured"))
    w("")

# ------------------------------------------------- 7: systemd host ----

sdr = Run("sd.tsv")
sdf = kv("sd-facts.tsv")
w("## 7. A systemd host")
w("")
if sdr.ok and sdr.has("sd-plain") and sdr.has("sd-jail"):
    w("`ssh bn@127.0.0.1 true` from inside a booted systemd host (%s; "
      "tests/rig/sd-boot.sh: journald, dbus, logind, sshd as a unit, Debian's "
      "stacks with pam_systemd).  sd-plain: Debian's sshd stack; sd-jail: "
      "conf/pam.d/debian12/sshd (pam_jail last), a shared jail built at each login, "
      "whose jail-init gets a transient scope (StartTransientUnit); sd-limits: "
      "the same for a jail with pids_max, memory_max and cpu_max, set on the "
      "session scope (SetUnitProperties).  The stack is switched (untimed) "
      "before each sample." % sdf.get("systemd", "systemd"))
    w("")
    w("| variant | n | median | p95 | failed |")
    w("|---|---:|---:|---:|---:|")
    for v in sdr.s:
        w("| %s | %d | %s | %s | %d |" % (v, sdr.n(v), ms(med(sdr.vals(v))),
                                          ms(p95(sdr.vals(v))), sdr.failed[v]))
    w("")
    for v in ("sd-jail", "sd-limits"):
        if not sdr.has(v):
            continue
        d = sdr.diff(v, "sd-plain")
        w("%s - sd-plain, paired: median %s (p95 %s), i.e. %+.1f%% of sd-plain's "
          "median." % (v, ms(med(d)), ms(p95(d)), 100.0 * med(d) / med(sdr.vals("sd-plain"))))
        w("")
    if sdr.has("sd-limits"):
        d = sdr.diff("sd-limits", "sd-jail")
        w("The limits' own cost (sd-limits - sd-jail): median %s." % ms(med(d)))
        w("")
    w("pam_jail scopes left after the run: %s." % sdf.get("jail_scopes_left", "?"))
else:
    w("Not measured: %s" % sdf.get("error", "no results"))
w("")

# ------------------------------------------------- where time goes ----

def phases(name):
    """session -> list of (role, fn, arg, t0, t1)"""
    path = os.path.join(RES, name)
    if not os.path.exists(path):
        return None
    by = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            s, role, fn, arg, t0, t1 = line.rstrip("\n").split("\t")
            by[int(s)].append((int(role), fn, int(arg), int(t0), int(t1)))
    return by


def phase_rows(by):
    """per session: named spans (ns)"""
    rows = collections.defaultdict(list)
    for evs in by.values():
        evs.sort(key=lambda e: e[3])
        get = lambda r, fn: [e for e in evs if e[0] == r and e[1] == fn]
        span = {}
        for fn in ("pam_start", "pam_open_session", "pam_close_session", "pam_end"):
            e = get(1, fn)
            if e:
                span[fn] = e[0][4] - e[0][3]
        op = get(1, "pam_open_session")
        if not op:
            continue
        o0, o1 = op[0][3], op[0][4]
        inside = [e for e in evs if e[0] == 1 and o0 <= e[3] <= o1]
        clones = [e for e in inside if e[1] == "clone"]
        setns = [e for e in inside if e[1] == "setns"]
        for fn in ("getpwnam_r", "iniparser_load", "getgrouplist", "dlopen"):
            span["open: " + fn] = sum(e[4] - e[3] for e in inside if e[1] == fn)
        walks = [e for e in inside if e[1] == "syscall" and e[2] == 437]
        span["open: openat2 calls"] = sum(e[4] - e[3] for e in walks)
        if clones:
            c0 = clones[0][3]
            span["open: until pid 1 is cloned"] = c0 - o0
            span["open: open_tree clones in the caller"] = sum(
                e[4] - e[3] for e in inside if e[1] == "open_tree" and e[3] < c0)
            span["open: build (clone of pid 1 .. its exec; caller suspended)"] = clones[0][4] - c0
            sc = [e for e in inside if e[1] == "seccomp_init" and e[3] < c0]
            sx = [e for e in inside if e[1] == "seccomp_export_bpf" and e[3] < c0]
            if sc and sx:
                span["open: seccomp filter compiled by libseccomp (once per login)"] = sx[-1][4] - sc[0][3]
        if setns:
            span["open: enter + drop + filter (setns..end)"] = o1 - setns[0][3]
        i = [e for e in evs if e[0] == 3]
        if i:
            span["pid 1: mount API calls"] = sum(e[4] - e[3] for e in i if e[1] in (
                "open_tree", "move_mount", "mount_setattr", "fsopen", "fsconfig", "fsmount", "mount"))
            span["pid 1: pivot_root + detach"] = sum(e[4] - e[3] for e in i if (e[1] == "syscall" and e[2] == 155) or e[1] == "umount2")
            span["pid 1: seccomp_load / prctl filter"] = sum(e[4] - e[3] for e in i if e[1] == "seccomp_load")
            span["pid 1: execveat jail-init"] = sum(e[4] - e[3] for e in i if e[1] == "execveat")
        cl = get(1, "pam_close_session")
        if cl:
            c0, c1 = cl[0][3], cl[0][4]
            ps = [e for e in evs if e[0] == 1 and e[1] == "pidfd_send_signal" and c0 <= e[3] <= c1]
            if ps:
                span["close: SIGKILL to pid 1 .. end"] = c1 - ps[0][3]
            # LEAVE's answer (jc_msg_recv: poll, 5 s): jail-init must have
            # exec'd and started to give it, and drains the jail's log first
            lv = [e for e in evs if e[0] == 1 and e[1] == "poll" and e[2] == 5000 and c0 <= e[3] <= c1]
            span["close: LEAVE .. jail-init's answer"] = sum(e[4] - e[3] for e in lv)
        for k, v in span.items():
            rows[k].append(v)
    return rows


ph = phases("phases-none.tsv")
if ph:
    plain = phases("phases-plain.tsv")
    loaded = phases("phases-loaded.tsv")
    rows = phase_rows(ph)
    prow = phase_rows(plain) if plain else {}
    lrow = phase_rows(loaded) if loaded else {}
    w("## Where the time of a jailed session goes")
    w("")
    w("bench/phasetrace.so (LD_PRELOAD into pambench; the module is not "
      "changed) times the calls pam_jail makes into libc, libpam, "
      "libiniparser, libseccomp and libcap in the caller and the jail's "
      "pid 1 (cloned with CLONE_VM|CLONE_VFORK: the caller is suspended "
      "while it builds).  Medians over %d sessions (network = none)." % len(ph))
    w("")
    w("| span | jailed | plain stack | loaded, not jailed |")
    w("|---|---:|---:|---:|")
    for k, v in rows.items():
        if not v or med(v) == 0:
            continue
        w("| %s | %s | %s | %s |" % (k, ms(med(v)),
          ms(med(prow[k])) if k in prow and prow[k] else "",
          ms(med(lrow[k])) if k in lrow and lrow[k] else ""))
    w("")
    if core.ok and core.has("jail-none"):
        S1 = med(core.diff("jail-none", "plain"))
        F = med(core.diff("floor-none", "fork"))
        g = lambda rr, k: med(rr[k]) if k in rr and rr[k] else 0.0
        ops = ("pam_start", "pam_open_session", "pam_close_session", "pam_end")
        S = sum(g(rows, k) for k in ops) - sum(g(prow, k) for k in ops)
        parts = [
            ("loading pam_jail.so, the door (pam_start, jailed - plain)",
             g(rows, "pam_start") - g(prow, "pam_start")),
            ("loading its core pam_jail-core.so and its libraries (dlopen, in open_session)",
             g(rows, "open: dlopen")),
            ("before pid 1 is cloned: passwd, config, plan, NSS groups, admission walks, tree clones, filter",
             g(rows, "open: until pid 1 is cloned")),
            ("  of which getgrouplist (NSS)", g(rows, "open: getgrouplist")),
            ("  of which the seccomp filter, compiled by libseccomp",
             g(rows, "open: seccomp filter compiled by libseccomp (once per login)")),
            ("building (pid 1: namespaces, tree, /proc, pivot, drop, exec jail-init)",
             g(rows, "open: build (clone of pid 1 .. its exec; caller suspended)")),
            ("entering, dropping privileges, the caller's filter", g(rows, "open: enter + drop + filter (setns..end)")),
            ("close_session + pam_end (jailed - plain)",
             g(rows, "pam_close_session") + g(rows, "pam_end") - g(prow, "pam_close_session") - g(prow, "pam_end")),
        ]
        w("Shares are of this traced run's own session cost (the four PAM "
          "calls, jailed minus plain: %s; section 1 measured %s, the floor "
          "%s).  Parts overlap where noted:" % (ms(S), ms(S1), ms(F)))
        w("")
        w("| part | median | share of the session cost |")
        w("|---|---:|---:|")
        for label, v in parts:
            w("| %s | %s | %.0f%% |" % (label, ms(v), v / S * 100 if S else 0))
        w("")
        pre = g(rows, "open: until pid 1 is cloned")
        ent = g(rows, "open: enter + drop + filter (setns..end)")
        ld = g(rows, "pam_start") - g(prow, "pam_start")
        sec = g(rows, "open: seccomp filter compiled by libseccomp (once per login)")
        build_ = g(rows, "open: build (clone of pid 1 .. its exec; caller suspended)")
        why["1/2"] = why["1/3"] = (
            "traced: loading the module %s (the door) + %s (its core and libraries), before "
            "the clone of pid 1 %s (the core's load, NSS groups %s, passwd %s, "
            "the filter's compile %s, config, admission walks, tree clones), the build "
            "%s, entering + dropping + the caller's filter %s, close_session's wait for "
            "jail-init's answer to LEAVE %s (it relays the jail's last log lines first); "
            "the floor %s has none of the first, second, fourth or fifth" % (
                ms(ld), ms(g(rows, "open: dlopen")), ms(pre),
                ms(g(rows, "open: getgrouplist")), ms(g(rows, "open: getpwnam_r")),
                ms(sec), ms(build_), ms(ent), ms(g(rows, "close: LEAVE .. jail-init's answer")),
                ms(F)))
        if lrow:
            lo = g(lrow, "pam_open_session") - g(prow, "pam_open_session")
            why["1u"] = ("traced, user not jailed: loading the door %s, open_session %s over "
                         "the plain stack's, of which getpwnam_r %s (the canonical name), the "
                         "config index and its stat()s the rest; the config read %s, "
                         "getgrouplist %s, the core's load %s (none is expected when the index "
                         "vouches)" % (
                             ms(g(lrow, "pam_start") - g(prow, "pam_start")), ms(lo),
                             ms(g(lrow, "open: getpwnam_r")), ms(g(lrow, "open: iniparser_load")),
                             ms(g(lrow, "open: getgrouplist")), ms(g(lrow, "open: dlopen"))))
        build = g(rows, "open: build (clone of pid 1 .. its exec; caller suspended)")
        w("The floor (bench/floor.c, as the issue defines it) has no seccomp "
          "filter, no PAM, no config and no exec of a pid 1.  Compiling the "
          "filter (once per login; pid 1 and the caller load the same "
          "program) took %s (%.0f%% of the session cost); the build itself, "
          "from the clone of pid 1 to its exec of jail-init, %s against the "
          "floor's %s for the same namespaces and mounts." % (
              ms(sec), sec / S * 100 if S else 0, ms(build), ms(F)))
        w("")

for f in sorted(os.listdir(RES)):
    if f.startswith("phases-cfg") and f.endswith(".tsv"):
        by = phases(f)
        rr = phase_rows(by)
        nl = [sum(1 for e in evs if e[0] == 1 and e[1] == "iniparser_load") for evs in by.values()]
        tl = [sum(e[4] - e[3] for e in evs if e[0] == 1 and e[1] == "iniparser_load") for evs in by.values()]
        w("### A session at %s users, traced" % f[10:-4])
        w("")
        w("%d sessions: iniparser_load called %s time(s) per session, %s in all "
          "(median); open_session %s, of which %s before pid 1 is cloned; "
          "pam_end %s; close_session %s." % (
              len(by), "/".join(str(x) for x in sorted(set(nl))), ms(med(tl)),
              ms(med(rr["pam_open_session"])), ms(med(rr.get("open: until pid 1 is cloned", [0]))),
              ms(med(rr["pam_end"])), ms(med(rr["pam_close_session"]))))
        w("")
for f in sorted(os.listdir(RES)):
    if f.startswith("callgrind-cfg-") and f.endswith(".txt"):
        w("### callgrind: config load + plan, %s users (bench/cfgprof, inclusive)" % f[14:-4])
        w("")
        w("```")
        with open(os.path.join(RES, f)) as fh:
            lines = [l.rstrip() for l in fh if l.strip()]
        keep = [l for l in lines if re.match(r"^\s*[\d,]+ \(", l)]
        for l in (keep or lines)[:28]:
            w(l[:150])
        w("```")
        w("")
w("perf hardware counters (`perf stat -e instructions true`): %s." %
  facts.get("perf_instructions", "not probed"))
w("")
if "error" in facts:
    w("**The run stopped early: %s**" % facts["error"])
    w("")

# -------------------------------------------------------- summary ----

notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
if os.path.exists(notes):
    with open(notes) as fh:
        w(fh.read().rstrip("\n"))
    w("")

summ = ["## Targets", "",
        "| item | figure | measured | target | verdict |",
        "|---|---|---|---|---|"]
for t in targets:
    summ.append("| %s | %s | %s | %s | %s |" % t)
if not join.ok or not join.has("join"):
    summ.append("| 1j | join / build | not measured in this run | <= 0.25 | |")
summ.append("")
missed = [t for t in targets if "missed" in t[4]]
if missed:
    summ.append("Why a missed target is missed, from this run's own measurements "
                "(details in the sections below):")
    summ.append("")
    for t in missed:
        summ.append("- %s: %s." % (t[1], why.get(t[0], "see the section")))
    summ.append("")
out[TARGET_SECTION:TARGET_SECTION] = summ

with open(DOC + ".new", "w") as f:
    f.write("\n".join(out) + "\n")
os.replace(DOC + ".new", DOC)
