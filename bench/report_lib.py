# SPDX-License-Identifier: BSD-3-Clause
"""bench/report_lib.py - loading and statistics for bench/report.py (see
its docstring): the raw files of one run, medians, paired costs, bootstrap
intervals, verdicts.  Standard library only."""
import collections
import os
import random
import statistics

RES = None      # the results directory; report.py sets it first


# ------------------------------------------------------------- loading --

def kv(name):
    d = collections.OrderedDict()
    path = os.path.join(RES, name)
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if "\t" in line:
                    k, v = line.split("\t", 1)
                    d[k] = v
    return d


class Run:
    """One pambench output file: name -> {round: ns}, failures."""

    def __init__(self, name):
        self.ok = os.path.exists(os.path.join(RES, name))
        self.s = collections.OrderedDict()
        self.failed = collections.Counter()
        if not self.ok:
            return
        with open(os.path.join(RES, name)) as f:
            for line in f:
                v, r, ns, bad = line.split("\t")
                self.s.setdefault(v, {})
                # a sample with a failed session is counted, not timed
                if int(bad) == 0:
                    self.s[v][int(r)] = int(ns)
                self.failed[v] += int(bad)

    def has(self, v):
        return v in self.s

    def vals(self, v):
        return list(self.s[v].values())

    def n(self, v):
        return len(self.s[v])

    def diff(self, a, b):
        """paired a - b, by round"""
        A, B = self.s[a], self.s[b]
        return [A[r] - B[r] for r in A if r in B]


def med(x):
    return statistics.median(x) if x else float("nan")


def p95(x):
    if not x:
        return float("nan")
    s = sorted(x)
    return s[max(0, -(-95 * len(s) // 100) - 1)]


def ms(ns):
    return "%.2f ms" % (ns / 1e6)


def boot(run, num, den, seed=1):
    """95% interval of med(num pairs) / med(den pairs); num, den are
    (a, b) variant pairs or single variants, resampled by round."""
    def pairs(x):
        if isinstance(x, tuple):
            A, B = run.s[x[0]], run.s[x[1]]
            return {r: A[r] - B[r] for r in A if r in B}
        return dict(run.s[x])
    N, D = pairs(num), pairs(den)
    rounds = [r for r in N if r in D]
    if len(rounds) < 5:
        return None
    rnd = random.Random(seed)
    out = []
    for _ in range(2000):
        pick = [rnd.choice(rounds) for _ in rounds]
        d = med([D[r] for r in pick])
        if d > 0:
            out.append(med([N[r] for r in pick]) / d)
    out.sort()
    return out[int(0.025 * len(out))], out[int(0.975 * len(out)) - 1]


def ratio_txt(run, num, den):
    def m(x):
        return med(run.diff(*x)) if isinstance(x, tuple) else med(run.vals(x))
    r = m(num) / m(den)
    ci = boot(run, num, den)
    return r, ("%.2f" % r) + (" [%.2f, %.2f]" % ci if ci else "")


def verdict(value, target, lower_is_better=True, unit=""):
    if value != value:
        return "not measured"
    if (value <= target) if lower_is_better else (value >= target):
        return "**met** (%.2f%s vs %.2f%s)" % (value, unit, target, unit)
    far = value / target if target else float("inf")
    return "**missed**: %.2f%s, %.1fx the target" % (value, unit, far)
