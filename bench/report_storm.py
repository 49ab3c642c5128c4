# SPDX-License-Identifier: BSD-3-Clause
"""bench/report_storm.py - where a login storm's time goes, for
bench/report.py: one storm of each variant under `perf record -a`
(bench/inside.sh, storm_profile), read back as CPU per login by process
and by kernel work, next to what the session cost of section 1 predicts.
Standard library only."""
import os
import re

import report_lib

# kernel work of a jail, by inclusive time (perf report --children)
KERNEL = (("copy_namespaces", "making namespaces (clone of pid 1)"),
          ("cleanup_net", "tearing network namespaces down (kworker)"),
          ("_dl_map_object", "loading shared objects (every PAM module, NSS)"),
          ("exc_page_fault", "page faults"))


def _read(name):
    path = os.path.join(report_lib.RES, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read()


def _total_ms(text):
    m = re.search(r"Event count \(approx\.\): (\d+)", text)
    return int(m.group(1)) / 1e6 if m else None


def _comm_shares(text):
    """comm -> percent of all samples, sshd's processes merged."""
    out = {}
    for m in re.finditer(r"^\s+([\d.]+)%\s+[\d.]+%\s+(\S.*?)\s*$", text, re.M):
        name = m.group(2)
        if name.startswith("sshd"):
            name = "sshd"
        out[name] = out.get(name, 0.0) + float(m.group(1))
    return out


def _incl(text, sym):
    m = re.search(r"^\s+([\d.]+)%\s+[\d.]+%\s+\[.\] " + re.escape(sym) + r"\s*$",
                  text, re.M)
    return float(m.group(1)) if m else 0.0


def storm_profile(facts, n_logins, session_ms, spread):
    """Lines for BENCHMARKS.md and the target's reason, or ([], None)."""
    v = ("ssh-plain", "ssh-jail")
    prof = {x: _read("storm-profile-%s.txt" % x) for x in v}
    comm = {x: _read("storm-comm-%s.txt" % x) for x in v}
    busy = {x: facts.get("storm_prof_%s_busy_ms" % x) for x in v}
    wall = {x: facts.get("storm_prof_%s_wall_ms" % x) for x in v}
    if not all(prof.values()) or not all(comm.values()) or \
            not all(busy.values()) or not all(wall.values()):
        return [], None
    n = float(n_logins)
    busy = {x: float(busy[x]) for x in v}
    wall = {x: float(wall[x]) for x in v}
    lines = ["One more storm of each under `perf record -a` (the whole machine; "
             "its CPU is counted from /proc/stat until the jails are gone and "
             "2 s more):", "",
             "| per login | ssh-plain | ssh-jail | difference |",
             "|---|---:|---:|---:|"]

    def row(label, a, b):
        lines.append("| %s | %.2f ms | %.2f ms | %+.2f ms |" % (label, a, b, b - a))

    row("wall time of the storm / logins", wall[v[0]] / n, wall[v[1]] / n)
    row("CPU of the machine (all cores)", busy[v[0]] / n, busy[v[1]] / n)
    shares = {x: _comm_shares(comm[x]) for x in v}
    tot = {x: _total_ms(comm[x]) or 0.0 for x in v}
    # kernel threads are outside the rig's pid namespace: perf names no
    # command for them, so the kernel's share is by function below
    for name in ("ssh", "sshd", "jail-init", "swapper"):
        label = {"ssh": "  the ssh client", "sshd": "  sshd and sshd-session (PAM runs here)",
                 "jail-init": "  jail-init", "swapper": "  idle (perf's clock)"}[name]
        row(label, shares[v[0]].get(name, 0) * tot[v[0]] / 100 / n,
            shares[v[1]].get(name, 0) * tot[v[1]] / 100 / n)
    for sym, label in KERNEL:
        row("  of all: " + label, _incl(prof[v[0]], sym) * tot[v[0]] / 100 / n,
            _incl(prof[v[1]], sym) * tot[v[1]] / 100 / n)
    extra = (busy[v[1]] - busy[v[0]]) / n
    if not session_ms:
        return lines, None
    ncpu = int(report_lib.kv("machine.tsv").get("nproc") or os.cpu_count() or 1)
    ssh_share = (shares[v[0]].get("ssh", 0) + shares[v[0]].get("sshd", 0))
    predicted = session_ms / (busy[v[0]] / n) * 100
    lines += ["", "The storm is CPU-bound: %.1f of the %d cores' %.1f s were busy "
              "without pam_jail, %.0f%% of them in the ssh client and sshd "
              "(both run on the same cores).  pam_jail adds %+.2f ms of CPU per "
              "login in this storm; section 1's session cost (%.2f ms, one "
              "session at a time) is %.1f%% of a login's CPU here%s." % (
                  busy[v[0]] / 1000, ncpu, ncpu * wall[v[0]] / 1000, ssh_share, extra,
                  session_ms, predicted,
                  "; the storms of one variant spread over %s" % spread if spread else "")]
    why = ("the storm is CPU-bound on %d cores, and the ssh client and sshd "
           "take %.0f%% of its CPU; one jailed session costs %.2f ms (section 1) "
           "against %.1f ms of CPU per login in the storm, i.e. %.1f%% expected "
           "(so <= 3%% needs a session cost near the floor's); under perf, one "
           "storm each: %+.2f ms CPU per login%s" % (
               ncpu, ssh_share, session_ms, busy[v[0]] / n, predicted, extra,
               "; storms of one variant spread over %s" % spread if spread else ""))
    return lines, why
