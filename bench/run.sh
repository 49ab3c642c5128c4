#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# bench/run.sh - `make bench`: measure in the rig, write docs/BENCHMARKS.md.
#
# Everything that makes users, PAM stacks, jails or an sshd runs in
# bench/inside.sh under tests/rig/isolate.sh (a private mount+pid+net
# namespace with a copy of /etc); the only host-side writes are the raw
# results in $BUILD/bench-results/ and docs/BENCHMARKS.md.
#
# Knobs (environment): BENCH_RUNS [200], BENCH_WARMUP [10],
# BENCH_SSH_RUNS [40], BENCH_STORM [100], BENCH_STORM_RUNS [5],
# BENCH_SCALE ["1000 5000"], BENCH_SCALE_HOST [1000], BENCH_USERS ["10 1000 10000"], BENCH_SD_RUNS [40],
# BENCH_PROFILE [1], BENCH_PARTS [all, see inside.sh], BENCH_SYSTEMD [1],
# BENCH_SETTLE [0.05] (an untimed pause before each session-cost sample),
# BENCH_DOC [docs/BENCHMARKS.md].
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")
cd "$TOP"

# Host-side orphans (a killed rig's pid 1) come to us (tests/run-all.sh).
if [ "${RIG_SUBREAPER:-}" != "$$" ] && [ -x /usr/bin/python3 ]; then
	exec "$TOP/tests/rig/subreaper" /bin/bash "$HERE/run.sh" "$@"
fi

[ "$(id -u)" = 0 ] || { echo "bench/run.sh: needs root (the rig)" >&2; exit 1; }
BUILD=${BUILD:-$TOP/build}
export MODULE=$BUILD/pam_jail.so INIT=$BUILD/jail-init DRIVER=$BUILD/tests/pamdriver \
	JAILCTL=$BUILD/jailctl
export BENCH_BIN=$BUILD/bench
export BENCH_OUT=$BUILD/bench-results
DOC=${BENCH_DOC:-$TOP/docs/BENCHMARKS.md}
for f in "$MODULE" "$INIT" "$DRIVER" "$BENCH_BIN/pambench" "$BENCH_BIN/floor" \
	"$BENCH_BIN/cfgprof"; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "bench/run.sh: $f missing: make bench-build" >&2; exit 1; }
done

rm -rf "$BENCH_OUT"
mkdir -p "$BENCH_OUT"
# The exact command, the knobs and the machine, for the report.
{
	printf 'command\t%s\n' "${BENCH_COMMAND:-make bench}"
	for v in BENCH_RUNS BENCH_WARMUP BENCH_SSH_RUNS BENCH_STORM BENCH_STORM_RUNS BENCH_SD_RUNS \
		BENCH_SCALE BENCH_SCALE_HOST BENCH_USERS BENCH_PROFILE BENCH_PARTS BENCH_SYSTEMD BENCH_SETTLE; do
		[ -z "${!v:-}" ] || printf 'env_%s\t%s\n' "$v" "${!v}"
	done
	printf 'nproc\t%s\n' "$(nproc)"
	printf 'model\t%s\n' "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	printf 'kernel\t%s\n' "$(uname -srvm)"
	printf 'memtotal_kb\t%s\n' "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
	# shellcheck source=/dev/null # the machine's, not ours
	printf 'os\t%s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")"
	printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'commit\t%s\n' "${BENCH_COMMIT:-$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
	printf 'dirty\t%s\n' "$(git -C "$TOP" status --porcelain 2>/dev/null | grep -vc '^??' || true)"
	printf 'loadavg_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$BENCH_OUT/machine.tsv"

start=$(date +%s)
rc=0
RIG_RW=$BENCH_OUT timeout -k 10 "${BENCH_TIMEOUT:-1800}" \
	"$TOP/tests/rig/isolate.sh" "$HERE/inside.sh" </dev/null || rc=$?
# 7: the systemd host boots from a rootfs built (or cached) here, outside
# the rigs; it has a rig (and a cgroup) of its own.
if [ "$rc" = 0 ] && [ "${BENCH_SYSTEMD:-1}" = 1 ]; then
	if SD_ROOTFS=$("$TOP/tests/rig/sd-rootfs.sh"); then
		export SD_ROOTFS
		RIG_RW=$BENCH_OUT timeout -k 10 600 "$TOP/tests/rig/isolate.sh" \
			"$HERE/systemd.sh" </dev/null || rc=$?
		[ "$rc" = 0 ] ||
			echo "bench/run.sh: the systemd-host part failed (see $BENCH_OUT/sd-facts.tsv)" >&2
	else
		echo "bench/run.sh: no rootfs for the systemd host (tests/rig/sd-rootfs.sh); BENCH_SYSTEMD=0 skips that part" >&2
		rc=1
	fi
fi
printf 'loadavg_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$BENCH_OUT/machine.tsv"
printf 'duration_s\t%s\n' "$(($(date +%s) - start))" >>"$BENCH_OUT/machine.tsv"
if [ "$rc" != 0 ]; then
	echo "bench/run.sh: the measurements failed (exit $rc); raw results in $BENCH_OUT" >&2
	exit "$rc"
fi
# report.py refuses (non-zero, nothing written) when any sample failed
python3 "$HERE/report.py" "$BENCH_OUT" "$DOC"
echo "bench/run.sh: wrote $DOC (raw samples in $BENCH_OUT)"
