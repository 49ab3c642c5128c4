#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# bench/ab.sh OLD_BUILD [NEW_BUILD] - an old and a new module side by side,
# in one pambench run (interleaved rounds, one clock), with the floor and
# bubblewrap in the same rounds: the A/B that a shared, noisy machine
# allows.  Not part of `make bench` or `make check`.
#
#   bench/ab.sh /tmp/old-build          # NEW_BUILD defaults to ./build
#   AB_RUNS=150 AB_PARTS="core join counts phases perf" bench/ab.sh /tmp/old-build
#
# Each build directory holds pam_jail.so, pam_jail-core.so and jail-init
# (`make` output; the door loads the core from its own directory).  Runs
# itself again inside tests/rig/isolate.sh; prints medians of the paired
# costs and, with "counts", strace -f -c system-call and perf page-fault
# counts of one session of each.  Raw samples: $AB_OUT (default
# /tmp/ab-results).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")

if [ -z "${RIG_DIR:-}" ]; then
	[ $# -ge 1 ] || { echo "usage: bench/ab.sh OLD_BUILD [NEW_BUILD]" >&2; exit 2; }
	AB_OLD=$(cd "$1" && pwd) AB_NEW=$(cd "${2:-$TOP/build}" && pwd) || exit 2
	AB_OUT=${AB_OUT:-/tmp/ab-results}
	mkdir -p "$AB_OUT"
	export AB_OLD AB_NEW AB_OUT BENCH_BIN=${BENCH_BIN:-$TOP/build/bench}
	export DRIVER=${DRIVER:-$TOP/build/tests/pamdriver}
	RIG_RW="$AB_OUT" exec timeout -k 10 "${AB_TIMEOUT:-1500}" \
		"$TOP/tests/rig/isolate.sh" "$HERE/ab.sh" </dev/null
fi

# shellcheck source=../tests/lib.sh
. "$RIG_TOP/tests/lib.sh"
rig_assert_inside
RUNS=${AB_RUNS:-150}
PARTS=${AB_PARTS:-core join counts}
PB=$BENCH_BIN/pambench
BINDS='/usr /bin /lib /lib64 /sbin'
log() { printf '[ab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

for u in bn bs bx; do rig_user "$u" || die "useradd $u"; rig_jail_tree "$u" || die "tree $u"; done
jail() { # NAME NET [LINE...]
	local n=$1 net=$2
	shift 2
	printf '%s\n' "[jail:$n]" 'root = /srv/jails/%u' "bind_ro = $BINDS" \
		'bind_rw = %h' 'tmpfs = /tmp' "network = $net" 'hostname = %u' "$@" ''
}
{
	printf '%s\n' '[global]' 'default = none' ''
	jail webn none 'share = session'
	jail shared none 'share = user'
	printf '%s\n' '[user:bn]' 'jail = webn' '' '[user:bs]' 'jail = shared' ''
} | rig_conf || die config
printf 'session required pam_permit.so\n' | rig_pam_service ab-plain
for w in old new; do
	d=AB_${w^^}
	printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
		"${!d}/pam_jail.so" "$RIG_CONF" "${!d}/jail-init" | rig_pam_service "ab-$w"
	[ "$("$DRIVER" -s "ab-$w" bn hostname 2>&1)" = bn ] || die "$w: a jailed session fails"
done
sleep 3	# the config index vouches only for files older than 2 s

summ() { # FILE: medians of the variants and of paired differences
	python3 - "$1" <<'EOF'
import sys, statistics as st, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    name, rnd, ns, _ = line.split('\t')
    rows[name][int(rnd)] = int(ns) / 1e6
def med(name): return st.median(rows[name].values())
def cost(a, b):
    r = [rows[a][k] - rows[b][k] for k in rows[a] if k in rows[b]]
    return st.median(r)
for n in sorted(rows): print(f'{n:12s} n={len(rows[n]):4d} median {med(n):8.3f} ms')
have = set(rows)
pairs = [('old-none', 'plain'), ('new-none', 'plain'), ('floor', 'fork'),
         ('bwrap', 'true'), ('old-join', 'plain'), ('new-join', 'plain')]
c = {f'{a}-{b}': cost(a, b) for a, b in pairs if a in have and b in have}
for k, v in c.items(): print(f'cost {k:18s} {v:8.3f} ms')
def ratio(a, b, label):
    if a in c and b in c: print(f'{label:28s} {c[a] / c[b]:.3f}')
for w in ('old', 'new'):
    ratio(f'{w}-none-plain', 'floor-fork', f'{w}: session / floor')
    ratio(f'{w}-none-plain', 'bwrap-true', f'{w}: session / bwrap')
    ratio(f'{w}-join-plain', f'{w}-none-plain', f'{w}: join / build')
if 'old-none' in have and 'new-none' in have:
    d = [rows['new-none'][k] - rows['old-none'][k] for k in rows['new-none'] if k in rows['old-none']]
    print(f'new-none - old-none, paired median {st.median(d):.3f} ms')
EOF
}

# settle NAME...: pambench -b options, an untimed pause before each sample.
# A jail's namespaces are torn down after its session is timed (the
# kernel's cleanup_net and the mount tree run on the 2 cores meanwhile),
# and without the pause that lands on whichever variant comes next in the
# round: measured, the second of two identical modules came out 0.25-0.7
# ms slower than the first, whichever was second.
# Fills the array SETTLE.
settle() {
	local n
	SETTLE=()
	[ "${AB_SETTLE:-0.05}" != 0 ] || return 0
	for n in "$@"; do SETTLE+=(-b "$n=sleep ${AB_SETTLE:-0.05}"); done
}

bwrap="/usr/bin/bwrap --unshare-ipc --unshare-pid --unshare-uts --unshare-cgroup --unshare-net"
for s in $BINDS; do bwrap="$bwrap --ro-bind $s $s"; done
bwrap="$bwrap --bind /home/bn /home/bn --tmpfs /tmp --dev /dev --proc /proc --hostname bn /bin/true"

for part in $PARTS; do
	case $part in
	core)
		rm -f "$AB_OUT/core.tsv"
		log "core: $RUNS rounds"
		settle fork plain old-none new-none floor true bwrap
		"$PB" -n "$RUNS" -w 5 -o "$AB_OUT/core.tsv" "${SETTLE[@]}" \
			fork=fork plain=pam:ab-plain:bn \
			old-none=pam:ab-old:bn new-none=pam:ab-new:bn \
			floor=floor:/srv/jails/bn,/home/bn,bn,none,min true=exec:/bin/true \
			"bwrap=exec:$bwrap" >&2 || die "core"
		summ "$AB_OUT/core.tsv"
		;;
	join)
		rm -f "$AB_OUT/join.tsv"
		"$DRIVER" -s ab-old bs sleep 3600 </dev/null >/dev/null 2>&1 &
		holder=$!
		sleep 2
		log "join: $RUNS rounds"
		settle plain old-join new-join old-none new-none
		"$PB" -n "$RUNS" -w 5 -o "$AB_OUT/join.tsv" "${SETTLE[@]}" \
			plain=pam:ab-plain:bs \
			old-join=pam:ab-old:bs new-join=pam:ab-new:bs \
			old-none=pam:ab-old:bn new-none=pam:ab-new:bn >&2 || die "join"
		kill "$holder"
		wait "$holder" 2>/dev/null
		summ "$AB_OUT/join.tsv"
		;;
	counts)
		# one session each (pambench -n 1 -w 0: the fork of its child
		# included); plain is the baseline to subtract
		for w in plain old new; do
			for u in bn bs; do
				[ "$u" = bn ] || { "$DRIVER" -s ab-old bs sleep 3600 </dev/null >/dev/null 2>&1 & holder=$!; sleep 2; }
				strace -f -c -o "$AB_OUT/strace-$w-$u.txt" "$PB" -n 1 -w 0 \
					"s=pam:ab-$w:$u" >/dev/null 2>&1
				perf stat -x, -e page-faults -o "$AB_OUT/perf-$w-$u.txt" "$PB" -n 20 -w 0 \
					"s=pam:ab-$w:$u" >/dev/null 2>&1
				printf '%-5s %s: %s system calls a session; %s page faults a session\n' "$w" "$u" \
					"$(awk '$NF == "total" { print $4 }' "$AB_OUT/strace-$w-$u.txt")" \
					"$(awk -F, '/page-faults/ { printf "%.1f", $1 / 20 }' "$AB_OUT/perf-$w-$u.txt")"
				[ "$u" = bn ] || { kill "$holder"; wait "$holder" 2>/dev/null; }
			done
		done
		;;
	phases)
		# bench/phasetrace.so: a few spans of the session, old and new
		for w in old new; do
			PHASETRACE_OUT=$AB_OUT/phases-$w.tsv LD_PRELOAD=$BENCH_BIN/phasetrace.so \
				"$PB" -n "${AB_PHASE_RUNS:-60}" -w 3 "$w=pam:ab-$w:bn" >/dev/null 2>&1
			python3 - "$AB_OUT/phases-$w.tsv" "$w" <<'PY'
import sys, statistics as st, collections
by = collections.defaultdict(list)
for l in open(sys.argv[1]):
    s, r, fn, a, t0, t1 = l.split('\t')
    by[s].append((int(r), fn, int(a), int(t0), int(t1)))
sp = collections.defaultdict(list)
for ev in by.values():
    ev.sort(key=lambda e: e[3])
    one = lambda fn: [e for e in ev if e[0] == 1 and e[1] == fn]
    if not one('pam_open_session') or not one('pam_close_session'):
        continue
    o, c = one('pam_open_session')[0], one('pam_close_session')[0]
    sp['open_session'].append(o[4] - o[3])
    sp['close_session'].append(c[4] - c[3])
    for fn in ('dlopen', 'getgrouplist', 'getpwnam_r', 'iniparser_load'):
        sp['open: ' + fn].append(sum(e[4] - e[3] for e in one(fn) if o[3] <= e[3] <= o[4]))
    cl = [e for e in one('clone') if o[3] <= e[3] <= o[4]]
    if cl:
        sp['open: until the clone'].append(cl[0][3] - o[3])
        sp['open: the build (clone .. exec)'].append(cl[0][4] - cl[0][3])
        sp['open: after the build'].append(o[4] - cl[0][4])
    sp['close: LEAVE .. answer'].append(sum(e[4] - e[3] for e in one('poll') if e[2] == 5000 and c[3] <= e[3] <= c[4]))
for k, v in sp.items():
    print(f'{sys.argv[2]:4s} {k:34s} median {st.median(v) / 1e6:7.3f} ms  (n={len(v)})')
PY
		done
		;;
	perf)
		# perf record -a: where the CPU goes, in the kernel and in user
		# space, over AB_PERF_RUNS sessions of each of AB_PERF (default:
		# a new jail, a join of a running one, the floor); system-wide,
		# so the namespaces' teardown in kworkers and RCU is counted too.
		# Top symbols by self time, then the system calls and library
		# entry points by inclusive time.
		for n in ${AB_PERF:-new-none new-join floor}; do
			case $n in
			new-none) v=pam:ab-new:bn ;;
			new-join) v=pam:ab-new:bs ;;
			floor) v=floor:/srv/jails/bn,/home/bn,bn,none,min ;;
			*) die "AB_PERF: unknown variant $n" ;;
			esac
			holder=
			if [ "$n" = new-join ]; then
				"$DRIVER" -s ab-new bs sleep 3600 </dev/null >/dev/null 2>&1 &
				holder=$!
				sleep 2
			fi
			perf record -a -g -q -o "$AB_OUT/perf-$n.data" -- \
				"$PB" -n "${AB_PERF_RUNS:-200}" -w 5 "$n=$v" >/dev/null 2>"$AB_OUT/perf-$n.err" ||
				die "perf record $n"
			[ -z "$holder" ] || { kill "$holder"; wait "$holder" 2>/dev/null; }
			perf report -i "$AB_OUT/perf-$n.data" --no-children --sort sym \
				--percent-limit 0.7 --stdio -g none 2>/dev/null |
				grep -v '^#' | grep -v '^$' | sed "s/^/$n self /" | head -25
			perf report -i "$AB_OUT/perf-$n.data" --children --sort sym \
				--stdio -g none 2>/dev/null |
				grep -E '\] (__x64_sys_|__do_sys_|_dl_map_object$|_dl_close$|cleanup_net|do_exit$|pam_sm_|jc_)' |
				sed "s/^/$n incl /" | head -40
		done
		;;
	esac
done
exit 0
