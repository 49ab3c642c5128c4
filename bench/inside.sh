#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# bench/inside.sh - the measurements of `make bench`.  Runs ONLY inside
# tests/rig/isolate.sh (bench/run.sh starts it there): it makes users, PAM
# stacks, jail trees, configs and an sshd, all of which vanish with the rig.
#
# Writes into $BENCH_OUT (kept writable by RIG_RW):
#   *.tsv      raw samples from bench/pambench (NAME ROUND NS FAILED)
#   facts.tsv  KEY <TAB> VALUE: memory, mount counts, probes, notes
#   *.txt      profiles
# bench/report.py turns them into docs/BENCHMARKS.md.
#
# Environment (defaults in brackets): BENCH_RUNS [200] samples per variant
# for the session-cost figures, BENCH_WARMUP [10], BENCH_SSH_RUNS [40],
# BENCH_STORM [100] concurrent logins, BENCH_STORM_RUNS [5],
# BENCH_SCALE ["1000 5000"] live-jail levels (0 is always measured),
# BENCH_SCALE_HOST [1000] network = host jails for the netns comparison,
# BENCH_USERS ["10 1000 10000"] config sizes, BENCH_PROFILE [1], BENCH_SETTLE
# [0.05] seconds of untimed pause before each core and join sample,
# BENCH_PARTS [all: "core join config_size profiles ssh_e2e dropins scale"]
# the parts to run (a reduced run for a quick look; report.py marks what is
# missing as not measured).
set -u
# shellcheck source=../tests/lib.sh
. "$RIG_TOP/tests/lib.sh"
rig_assert_inside

OUT=${BENCH_OUT:?BENCH_OUT unset}
BIN=${BENCH_BIN:?BENCH_BIN unset}
RUNS=${BENCH_RUNS:-200}
WARM=${BENCH_WARMUP:-10}
SSH_RUNS=${BENCH_SSH_RUNS:-40}
STORM=${BENCH_STORM:-100}
STORM_RUNS=${BENCH_STORM_RUNS:-5}
SCALE=${BENCH_SCALE:-1000 5000}
USERS=${BENCH_USERS:-10 1000 10000}
PROFILE=${BENCH_PROFILE:-1}
# scale runs last: thousands of network namespaces are torn down in the
# kernel's background (cleanup_net) long after their jails end, and would
# slow whatever is measured next.
PARTS=${BENCH_PARTS:-core join config_size profiles ssh_e2e dropins scale}
PB=$BIN/pambench
CONFDIR=/etc/security
BINDS='/usr /bin /lib /lib64 /sbin'

# A thousand live jails: three processes and a few dozen fds each.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
ulimit -u unlimited 2>/dev/null || true

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
# fact KEY VALUE: a result that cannot be written ends the run (a report
# from half the facts would be wrong, not short).
fact() {
	printf '%s\t%s\n' "$1" "$2" >>"$OUT/facts.tsv" ||
		{ log "FAILED: cannot write $OUT/facts.tsv"; exit 1; }
}
die() { log "FAILED: $*"; fact error "$*"; exit 1; }
# settle VARIANT...: pambench -b options in the array SETTLE, an untimed
# pause of BENCH_SETTLE seconds [0.05] before each sample.  A jail's
# namespaces are torn down after its session is timed (cleanup_net, the
# mount tree), and without the pause that work lands on whichever variant
# runs next in the round: two identical modules measured 0.25-0.7 ms
# apart, the second the slower (bench/ab.sh, bench/notes.md).
settle() {
	local v
	SETTLE=()
	[ "${BENCH_SETTLE:-0.05}" != 0 ] || return 0
	for v in "$@"; do SETTLE+=(-b "${v%%=*}=sleep ${BENCH_SETTLE:-0.05}"); done
}
# pb WHAT PAMBENCH-ARGS...: a failed sample ends the run, loudly: a median
# over the sessions that happened to work would hide a broken module.  The
# syslog lines that say why go to stderr and facts.tsv; bench/run.sh then
# exits non-zero and writes no report.
pb() {
	local what=$1 why
	shift
	rig_syslog_mark
	"$PB" "$@" >&2 && return 0
	why=$(rig_syslog_grep '^<8[0-3]>.*pam_jail' 1 | sort | uniq -c | sort -rn | head -n 3 | cut -c1-400 | tr '\n' ' ')
	fact "failed_$what" "$why"
	die "$what: pambench failed (failed samples or no output): ${why:-no pam_jail error in syslog}"
}

# ------------------------------------------------------------- set-up --

# jail_section NAME NETWORK [EXTRA_LINE...]: a jail like tests/lib.sh's
# rig_jail (the composition floor.c and bubblewrap rebuild).
jail_section() {
	local name=$1 net=$2
	shift 2
	printf '%s\n' "[jail:$name]" 'root = /srv/jails/%u' "bind_ro = $BINDS" \
		'bind_rw = %h' 'tmpfs = /tmp' "network = $net" 'hostname = %u' "$@" ''
}

# conf_file PATH < TEXT: root-owned 0644, as the module demands.
conf_file() {
	cat >"$1.new" && chown 0:0 "$1.new" && chmod 0644 "$1.new" && mv -f "$1.new" "$1"
}

# stack NAME CONF: pam_permit, then pam_jail with CONF (README: last).
stack() {
	printf 'session required pam_permit.so\nsession required %s conf=%s init=%s\n' \
		"$MODULE" "$2" "$INIT" | rig_pam_service "$1"
}

# share_probe: does the config accept `share = user` (shared jails)?
# Sets SHARED=1 and PER_SESSION='share = session' (one jail per session,
# for the live-jail and storm figures, which need N jails, not N sessions
# of one jail: share = user is the default once shared jails exist).
SHARED=0
PER_SESSION=
share_probe() {
	local conf=$CONFDIR/pam_jail-probe.conf out
	rig_user bs || die "useradd bs"
	rig_jail_tree bs || die "jail tree bs"
	{
		printf '%s\n' '[global]' 'default = none' ''
		jail_section shared none 'share = user'
		printf '%s\n' '[user:bs]' 'jail = shared' ''
	} | conf_file "$conf"
	stack bench-share "$conf"
	rig_syslog_mark
	out=$("$DRIVER" -s bench-share bs hostname 2>&1)
	if [ "$out" = bs ]; then
		SHARED=1
		PER_SESSION='share = session'
		fact share supported
	else
		fact share "not supported: $(rig_syslog_grep 'pam_jail' 1 | tail -n 1 | cut -c1-300)"
	fi
}

setup() {
	local u
	for u in bn bh bx hold holdh cfgu bst; do rig_user "$u" || die "useradd $u"; done
	for u in bn bh hold holdh cfgu bst; do rig_jail_tree "$u" || die "jail tree $u"; done
	share_probe
	{
		printf '%s\n' '[global]' 'default = none' ''
		jail_section webn none
		jail_section webh host
		jail_section webs none ${PER_SESSION:+"$PER_SESSION"}
		jail_section webhs host ${PER_SESSION:+"$PER_SESSION"}
		printf '%s\n' '[user:bn]' 'jail = webn' '' '[user:bh]' 'jail = webh' '' \
			'[user:hold]' 'jail = webs' '' '[user:bst]' 'jail = webs' '' \
			'[user:holdh]' 'jail = webhs' ''
	} | rig_conf || die "config"
	printf 'session required pam_permit.so\n' | rig_pam_service bench-plain
	stack bench-jail "$RIG_CONF"
	# the module works at all, for both networks (hostname = %u)
	[ "$("$DRIVER" -s bench-jail bn hostname 2>&1)" = bn ] || die "a jailed session (network none) does not work"
	[ "$("$DRIVER" -s bench-jail bh hostname 2>&1)" = bh ] || die "a jailed session (network host) does not work"
	[ "$("$DRIVER" -s bench-jail bx hostname 2>&1)" = rig ] || die "bx should not be jailed"
	# The config index vouches for a user no rule names only once the
	# files are older than 2 s (config_quick.c: timestamps come from a
	# coarse clock), as on a host whose config is not being edited; the
	# next login then writes an index that does.
	sleep 3
	"$DRIVER" -s bench-jail bx true || die "bx: a login after the pause"
}

# ------------------------------------------- 1-3: session cost, floor --

bwrap_cmd() { # USER NETFLAG
	local s cmd="/usr/bin/bwrap --unshare-ipc --unshare-pid --unshare-uts --unshare-cgroup $2"
	for s in $BINDS; do cmd="$cmd --ro-bind $s $s"; done
	printf '%s --bind /home/%s /home/%s --tmpfs /tmp --dev /dev --proc /proc --hostname %s /bin/true' \
		"$cmd" "$1" "$1" "$1"
}

core() {
	local -a v
	# shellcheck disable=SC2054 # floor: takes comma-separated arguments
	v=(fork=fork
		plain=pam:bench-plain:bn
		loaded=pam:bench-jail:bx
		jail-none=pam:bench-jail:bn
		jail-host=pam:bench-jail:bh
		floor-none=floor:/srv/jails/bn,/home/bn,bn,none,min
		floor-host=floor:/srv/jails/bh,/home/bh,bh,host,min
		floor-full=floor:/srv/jails/bn,/home/bn,bn,none,full
		true=exec:/bin/true)
	if [ -x /usr/bin/bwrap ]; then
		/usr/bin/bwrap --unshare-net --ro-bind / / /bin/true ||
			die "bwrap does not run here"
		v+=("bwrap-none=exec:$(bwrap_cmd bn --unshare-net)"
			"bwrap-host=exec:$(bwrap_cmd bh '')")
		fact bwrap_version "$(/usr/bin/bwrap --version)"
		fact bwrap_cmd "$(bwrap_cmd bn --unshare-net)"
	else
		fact bwrap_version "not installed"
	fi
	log "session cost, floor, bubblewrap: ${#v[@]} variants x $RUNS runs"
	settle "${v[@]}"
	pb core -n "$RUNS" -w "$WARM" -o "$OUT/core.tsv" "${SETTLE[@]}" "${v[@]}"
}

# ------------------------------------------------ join a shared jail --

count_inits() {
	local n=0 f c
	for f in /proc/[0-9]*/comm; do
		read -r c 2>/dev/null <"$f" || continue
		[ "$c" = jail-init ] && n=$((n + 1))
	done
	printf '%d\n' "$n"
}

# wait_inits N [SECONDS]: until exactly N jail-init processes run.
wait_inits() {
	local want=$1 tenths=$((${2:-120} * 10))
	while [ "$(count_inits)" != "$want" ]; do
		tenths=$((tenths - 1))
		[ "$tenths" -gt 0 ] || return 1
		sleep 0.1
	done
}

join() {
	local holder
	if [ "$SHARED" != 1 ]; then
		fact join "not measured yet (shared jails not built): share = user refused by the config"
		log "join: share = user not accepted; row marked not measured"
		return 0
	fi
	log "join: share = user accepted; measuring joins"
	"$DRIVER" -s bench-share bs sleep 3600 </dev/null >/dev/null 2>&1 &
	holder=$!
	wait_inits 1 30 || die "join: the holding session did not start"
	settle plain join jail-none
	pb join -n "$RUNS" -w "$WARM" -o "$OUT/join.tsv" "${SETTLE[@]}" \
		plain=pam:bench-plain:bs join=pam:bench-share:bs jail-none=pam:bench-jail:bn
	fact join measured
	fact join_inits_during "$(count_inits)"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	wait_inits 0 30 || die "join: the shared jail outlived its sessions"
}

# ----------------------------------------------------- 6: config size --

# big_conf PATH N: N [user:...] rules, the measured user cfgu last.
big_conf() {
	local path=$1 n=$2
	{
		printf '%s\n' '[global]' 'default = none' ''
		jail_section web none
		awk -v n="$n" 'BEGIN { for (i = 1; i < n; i++)
			printf "[user:u%d]\njail = web\n\n", i }'
		printf '%s\n' '[user:cfgu]' 'jail = web'
	} | conf_file "$path"
}

config_size() {
	local n
	local -a v=(plain=pam:bench-plain:cfgu)
	for n in $USERS; do
		big_conf "$CONFDIR/pam_jail-$n.conf" "$n"
		stack "bench-cfg$n" "$CONFDIR/pam_jail-$n.conf"
		[ "$("$DRIVER" -s "bench-cfg$n" cfgu hostname 2>&1)" = cfgu ] ||
			die "config of $n users: cfgu is not jailed"
		v+=("users-$n=pam:bench-cfg$n:cfgu")
		fact "cfg_bytes_$n" "$(stat -c %s "$CONFDIR/pam_jail-$n.conf")"
		# in-process: config load + plan alone (no namespaces)
		fact "cfg_parse_us_$n" "$("$BIN/cfgprof" -n 15 "$CONFDIR/pam_jail-$n.conf" cfgu)"
	done
	log "config size: ${#v[@]} variants x $RUNS runs"
	pb cfg -n "$RUNS" -w "$WARM" -o "$OUT/cfg.tsv" "${v[@]}"
}

# dropin_files DIR N: N files, one [user:...] each, cfgu's among them.
dropin_files() {
	local i
	printf '%s\n' '[user:cfgu]' 'jail = web' >"$1/cfgu.conf"
	for ((i = 1; i < $2; i++)); do
		printf '[user:u%d]\njail = web\n' "$i" >"$1/u$i.conf"
	done
	chown 0:0 "$1"/*.conf
	chmod 0644 "$1"/*.conf
}

# Drop-ins: supported when a rule that lives only in pam_jail.d jails cfgu.
dropins() {
	local d=$CONFDIR/pam_jail.d conf=$CONFDIR/pam_jail-dropin.conf n max=0 i
	for n in $USERS; do [ "$n" -gt "$max" ] && max=$n; done
	{
		printf '%s\n' '[global]' 'default = none' ''
		jail_section web none
	} | conf_file "$conf"
	install -d -m 755 -o 0 -g 0 "$d"
	printf '%s\n' '[user:cfgu]' 'jail = web' | conf_file "$d/cfgu.conf"
	stack bench-dropin "$conf"
	rig_syslog_mark
	if [ "$("$DRIVER" -s bench-dropin cfgu hostname 2>&1)" != cfgu ]; then
		fact dropin "not measured: $d/*.conf is not read (drop-ins not built)"
		log "drop-ins: not supported; not measured"
		rm -rf "$d"
		return 0
	fi
	log "drop-ins: supported; $max files"
	dropin_files "$d" "$max"
	rig_syslog_mark
	if [ "$("$DRIVER" -s bench-dropin cfgu hostname 2>&1)" != cfgu ]; then
		# a limit of the module: say so, then measure at that limit
		local why lim
		why=$(rig_syslog_grep '^<8[0-3]>.*pam_jail' 1 | tail -n 1 | sed 's/.*: user cfgu: //')
		fact dropin_refused "$max files: refused ($why)"
		lim=$(printf '%s\n' "$why" | sed -n 's/.*more than \([0-9][0-9]*\) drop-in.*/\1/p')
		[ -n "$lim" ] || die "drop-ins: cfgu not jailed with $max files: $why"
		log "drop-ins: $max refused ($why); measuring $lim"
		rm -f "$d"/*.conf
		max=$lim
		dropin_files "$d" "$max"
		[ "$("$DRIVER" -s bench-dropin cfgu hostname 2>&1)" = cfgu ] ||
			die "drop-ins: cfgu not jailed with $max files"
	fi
	fact dropin measured
	fact dropin_files "$max"
	fact "cfg_parse_us_dropin" "$("$BIN/cfgprof" -n 5 "$conf" cfgu 2>/dev/null || echo NA)"
	pb dropin -n "$RUNS" -w "$WARM" -o "$OUT/dropin.tsv" plain=pam:bench-plain:cfgu \
		"dropin-$max=pam:bench-dropin:cfgu"
	if [ "$PROFILE" = 1 ] && command -v valgrind >/dev/null 2>&1; then
		log "profile: callgrind of the config load with $max drop-ins"
		valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.dropin.out" \
			"$BIN/cfgprof" -n 1 "$conf" cfgu >/dev/null 2>&1 &&
			callgrind_annotate --inclusive=yes "$OUT/callgrind.dropin.out" 2>/dev/null |
			head -n 60 >"$OUT/callgrind-cfg-dropin$max.txt"
	fi
	rm -rf "$d"
}

# --------------------------------------------------- 5: live jails ----

meminfo() { # PREFIX: the kernel's counters, kB
	awk -v p="$1" '/^(MemFree|MemAvailable|Slab|SReclaimable|SUnreclaim|Percpu|KernelStack|PageTables|Shmem):/ {
		sub(":", "", $1); printf "%s_%s\t%s\n", p, $1, $2 }' /proc/meminfo >>"$OUT/facts.tsv"
}

mounts() { wc -l </proc/self/mountinfo; }

# slabs NAME: the kernel's slab caches now (name, objects, object size,
# bytes), for the per-jail deltas of report.py.
slabs() {
	awk 'NR > 2 { printf "%s\t%s\t%s\t%d\n", $1, $3, $4, $3 * $4 }' /proc/slabinfo \
		>"$OUT/slab-$1.tsv" 2>/dev/null || fact "slab_$1" "unreadable"
}

# jailctl_list PREFIX: how long `jailctl list` takes, and how many lines.
jailctl_list() {
	local t0 t1 n
	[ -x "${JAILCTL:-}" ] || return 0
	t0=$(date +%s%N)
	n=$("$JAILCTL" list 2>/dev/null | wc -l)
	t1=$(date +%s%N)
	fact "$1_jailctl_list_ms" "$(( (t1 - t0) / 1000000 ))"
	fact "$1_jailctl_list_lines" "$n"
}

# snapshot PREFIX: every kernel counter the report compares.
snapshot() {
	meminfo "$1"
	slabs "$1"
	fact "$1_procs" "$(ls -d /proc/[0-9]* | wc -l)"
}

# jail-init's memory: median and max PSS, RSS (kB) over every live one.
init_pss() { # PREFIX
	local pids f c
	pids=()
	for f in /proc/[0-9]*/comm; do
		read -r c 2>/dev/null <"$f" || continue
		[ "$c" = jail-init ] && { c=${f#/proc/}; pids+=("${c%/comm}"); }
	done
	# one awk over every file: a process per jail is minutes at 5,000
	for c in "${pids[@]}"; do printf '/proc/%s/smaps_rollup\n' "$c"; done |
		xargs -r tail -n +1 2>/dev/null |
		awk 'function out() { if (n) print v["Pss:"], v["Rss:"], v["Private_Dirty:"] + v["Private_Clean:"] }
			/^==> / { out(); n = 1; delete v; next }
			/^(Pss|Rss|Private_Dirty|Private_Clean):/ { v[$1] = $2 }
			END { out() }' |
		sort -n | awk -v p="$1" '{ pss[NR] = $1; rss[NR] = $2; priv[NR] = $3 }
		END { if (NR) { m = int((NR + 1) / 2)
			printf "%s_pss_median\t%s\n%s_pss_max\t%s\n%s_rss_median\t%s\n%s_private_median\t%s\n",
				p, pss[m], p, pss[NR], p, rss[m], p, priv[m] } }' >>"$OUT/facts.tsv"
}

HOLDERS=()
# hold STACK N: N more sessions of `hold`, each DRIVER running sleep.
hold() {
	local i
	for ((i = 0; i < $2; i++)); do
		"$DRIVER" -s "$1" "${HOLD_USER:-hold}" sleep 3600 </dev/null >/dev/null 2>&1 &
		HOLDERS+=($!)
	done
}
# release: end every held session.  Jailed ones by killing their drivers
# (jail-init sees its caller die and the kernel ends the jail); unjailed
# ones by ending their commands (by pid), after which the drivers close.
release() {
	local p
	if [ "${1:-}" = commands ]; then
		for p in $(pgrep -u "${HOLD_USER:-hold}" -x sleep); do kill "$p" 2>/dev/null; done
	else
		for p in "${HOLDERS[@]}"; do kill "$p" 2>/dev/null; done
	fi
	for p in "${HOLDERS[@]}"; do wait "$p" 2>/dev/null; done
	HOLDERS=()
}

# The sessions' commands: sleep processes of user hold.
count_hold_sleeps() { pgrep -c -u "${HOLD_USER:-hold}" -x sleep || true; }
hold_sleeps_at_least() { [ "$(count_hold_sleeps)" -ge "$1" ]; }
hold_sleeps_none() { [ "$(count_hold_sleeps)" = 0 ]; }

scale() {
	local lvl prev=0 t0 t1 max=0
	for lvl in $SCALE; do [ "$lvl" -gt "$max" ] && max=$lvl; done
	fact pid_max "$(cat /proc/sys/kernel/pid_max)"
	fact threads_max "$(cat /proc/sys/kernel/threads-max)"
	local ns
	for ns in net mnt pid ipc uts cgroup; do
		fact "max_${ns}_namespaces" "$(cat "/proc/sys/user/max_${ns}_namespaces" 2>/dev/null || echo '?')"
	done
	fact mount_max "$(cat /proc/sys/fs/mount-max 2>/dev/null || echo '?')"
	fact ulimit_n "$(ulimit -n)"
	fact mounts_rig_start "$(mounts)"

	# control: the same number of held sessions without pam_jail
	snapshot ctl0
	hold bench-plain "$max"
	rig_wait 120 hold_sleeps_at_least "$max" || die "control holders did not start"
	sleep 2
	snapshot "ctl$max"
	fact ctl_n "$max"
	release commands
	rig_wait 60 hold_sleeps_none || die "control holders did not end"
	sleep 2

	snapshot live0
	jailctl_list live0
	fact live0_mounts "$(mounts)"
	log "live jails: 0"
	pb scale0 -n "$RUNS" -w "$WARM" -o "$OUT/scale-0.tsv" plain=pam:bench-plain:bn \
		jail-none=pam:bench-jail:bn fork=fork floor-none=floor:/srv/jails/bn,/home/bn,bn,none,min
	for lvl in $SCALE; do
		log "live jails: starting $((lvl - prev)) more"
		t0=$(date +%s.%N)
		hold bench-jail $((lvl - prev))
		wait_inits "$lvl" 600 || die "only $(count_inits) of $lvl jails started"
		rig_wait 60 hold_sleeps_at_least "$lvl" || die "not every held session runs its command"
		t1=$(date +%s.%N)
		fact "live${lvl}_start_s" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
		fact "live${lvl}_started" "$((lvl - prev))"
		sleep 2
		snapshot "live$lvl"
		jailctl_list "live$lvl"
		init_pss "live$lvl"
		fact "live${lvl}_mounts" "$(mounts)"
		fact "live${lvl}_inits" "$(count_inits)"
		fact "live${lvl}_procs" "$(ls -d /proc/[0-9]* | wc -l)"
		log "live jails: $lvl; measuring"
		pb "scale$lvl" -n "$RUNS" -w "$WARM" -o "$OUT/scale-$lvl.tsv" \
			plain=pam:bench-plain:bn jail-none=pam:bench-jail:bn fork=fork \
			floor-none=floor:/srv/jails/bn,/home/bn,bn,none,min
		prev=$lvl
	done
	log "live jails: tearing down"
	release
	wait_inits 0 300 || die "$(count_inits) jail-init left after the drivers were killed"
	scale_host "$max"
	fact inits_left "$(count_inits)"
	fact mounts_rig_end "$(mounts)"
}

# scale_host N: the same N jails without a network namespace of their own
# (network = host), for the kernel memory a jail's netns costs.
scale_host() {
	local n=${BENCH_SCALE_HOST:-1000}
	[ "$n" -gt 0 ] || return 0
	sleep 2
	snapshot host0
	log "live jails without a netns: $n"
	HOLD_USER=holdh
	hold bench-jail "$n"
	wait_inits "$n" 900 || die "only $(count_inits) of $n network = host jails started"
	rig_wait 60 hold_sleeps_at_least "$n" || die "not every held session runs its command"
	sleep 2
	snapshot "host$n"
	init_pss "host$n"
	fact host_n "$n"
	release
	HOLD_USER=hold
	wait_inits 0 300 || die "$(count_inits) jail-init left after the drivers were killed"
}

# ------------------------------------------------- 4: ssh end to end --

ssh_e2e() {
	local -a o v
	local cmd
	rig_sshd_start "MaxStartups $((STORM * 2)):30:$((STORM * 4))" \
		"MaxSessions $((STORM * 2))" || die "sshd"
	fact sshd_version "$(/usr/sbin/sshd -V 2>&1 | head -n 1)"
	rig_pam_plain
	cp /etc/pam.d/sshd "$RIG_DIR/sshd.plain"
	rig_pam_stacks
	cp /etc/pam.d/sshd "$RIG_DIR/sshd.jail"
	fact pam_line "$(tail -n 1 "$RIG_DIR/sshd.jail")"
	mapfile -t o < <(rig__ssh_opts; rig__key_opts)
	cmd="exec:/usr/bin/ssh -o ControlMaster=no ${o[*]} bn@127.0.0.1 true"
	# the storm: one user whose jail has a jail per session (share =
	# session where shared jails exist): STORM jails are built, not joined
	storm="exec:/usr/bin/ssh -o ControlMaster=no ${o[*]} bst@127.0.0.1 true"
	fact storm_user "bst, jail webs${PER_SESSION:+ ($PER_SESSION)}"
	[ "$(rig_ssh bn hostname)" = bn ] || die "ssh: bn not jailed with pam_jail in sshd's stack"
	cp "$RIG_DIR/sshd.plain" /etc/pam.d/sshd
	[ "$(rig_ssh bn hostname)" = rig ] || die "ssh: the plain stack still jails"
	v=("ssh-plain=$cmd" "ssh-jail=$cmd")
	local sw_plain="cp $RIG_DIR/sshd.plain /etc/pam.d/sshd.new && mv -f /etc/pam.d/sshd.new /etc/pam.d/sshd"
	local sw_jail="cp $RIG_DIR/sshd.jail /etc/pam.d/sshd.new && mv -f /etc/pam.d/sshd.new /etc/pam.d/sshd"
	log "ssh: $SSH_RUNS logins each"
	pb ssh -n "$SSH_RUNS" -w 3 -o "$OUT/ssh.tsv" -b "ssh-plain=$sw_plain" \
		-b "ssh-jail=$sw_jail" "${v[@]}"
	log "login storm: $STORM concurrent logins x $STORM_RUNS"
	"$PB" -c "$STORM" -n "$STORM_RUNS" -w 1 -o "$OUT/storm.tsv" \
		-b "ssh-plain=$sw_plain" -b "ssh-jail=$sw_jail" \
		"ssh-plain=$storm" "ssh-jail=$storm" >&2 ||
		die "some logins of the storm failed (see storm.tsv)"
	fact storm_n "$STORM"
	wait_inits 0 60 || fact storm_inits_left "$(count_inits)"
	[ "$PROFILE" != 1 ] || storm_profile "$sw_plain" "$sw_jail"
	rig_sshd_stop
}

# busy_ms: CPU time spent by the whole machine so far (all CPUs, every
# state but idle and iowait), in ms, from /proc/stat (USER_HZ ticks).
busy_ms() {
	awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {
		printf "%d", ($2 + $3 + $4 + $7 + $8 + $9) * 1000 / hz }' /proc/stat
}

# storm_profile SWITCH_PLAIN SWITCH_JAIL: one more storm of each, for where
# a storm's time goes -- the CPU the whole machine spent (so the jails'
# teardown in kworkers and RCU after the last login counts: the storm is
# followed until jail-init has gone and a settle of 2 s), and perf record
# -a of the same storm, summarised by reason (report.py).
storm_profile() {
	local v sw b0 t0 t1 b1
	command -v perf >/dev/null 2>&1 || return 0
	for v in ssh-plain ssh-jail; do
		sw=$1
		[ "$v" = ssh-plain ] || sw=$2
		sh -c "$sw"
		sleep 2
		b0=$(busy_ms) t0=$(date +%s%N)
		perf record -a -g -q -o "$OUT/perf-storm-$v.data" -- \
			"$PB" -c "$STORM" -n 1 -w 0 "$v=$storm" >/dev/null 2>&1 ||
			die "perf record of a storm ($v)"
		t1=$(date +%s%N)
		wait_inits 0 60 || true
		sleep 2
		b1=$(busy_ms)
		fact "storm_prof_${v}_wall_ms" "$(((t1 - t0) / 1000000))"
		fact "storm_prof_${v}_busy_ms" "$((b1 - b0))"
		perf report -i "$OUT/perf-storm-$v.data" --children --sort sym \
			--stdio -g none 2>/dev/null | grep -v '^$' |
			head -n 400 >"$OUT/storm-profile-$v.txt"
		perf report -i "$OUT/perf-storm-$v.data" --sort comm --stdio \
			-g none 2>/dev/null | grep -v '^$' | head -n 40 >"$OUT/storm-comm-$v.txt"
	done
}

# ------------------------------------------------------- profiles ----

profiles() {
	local n max=0
	[ "$PROFILE" = 1 ] || return 0
	# perf: hardware counters?  (not in most VMs)
	if perf stat -e instructions -x, true 2>&1 | grep -q 'not supported'; then
		fact perf_instructions "not supported"
	else
		fact perf_instructions "supported"
	fi
	for n in $USERS; do [ "$n" -gt "$max" ] && max=$n; done
	if command -v valgrind >/dev/null 2>&1; then
		log "profile: callgrind of the config load at $max users"
		valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.cfg.out" \
			"$BIN/cfgprof" -n 1 "$CONFDIR/pam_jail-$max.conf" cfgu >/dev/null 2>&1 &&
			callgrind_annotate --inclusive=yes "$OUT/callgrind.cfg.out" 2>/dev/null |
			head -n 60 >"$OUT/callgrind-cfg-$max.txt"
		valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.cfg10.out" \
			"$BIN/cfgprof" -n 1 "$CONFDIR/pam_jail-10.conf" cfgu >/dev/null 2>&1 &&
			callgrind_annotate --inclusive=yes "$OUT/callgrind.cfg10.out" 2>/dev/null |
			head -n 40 >"$OUT/callgrind-cfg-10.txt"
	fi
	# where the time of a session goes: libc/libseccomp/libpam calls timed
	# by bench/phasetrace.so in the caller, the builder and the jail's pid 1
	if [ -f "$BIN/phasetrace.so" ]; then
		log "profile: phases of a session"
		PHASETRACE_OUT=$OUT/phases-none.tsv LD_PRELOAD=$BIN/phasetrace.so \
			"$PB" -n 100 -w 5 jail-none=pam:bench-jail:bn >/dev/null
		PHASETRACE_OUT=$OUT/phases-plain.tsv LD_PRELOAD=$BIN/phasetrace.so \
			"$PB" -n 100 -w 5 plain=pam:bench-plain:bn >/dev/null
		PHASETRACE_OUT=$OUT/phases-loaded.tsv LD_PRELOAD=$BIN/phasetrace.so \
			"$PB" -n 100 -w 5 loaded=pam:bench-jail:bx >/dev/null
		[ ! -f "/etc/pam.d/bench-cfg$max" ] ||
			PHASETRACE_OUT=$OUT/phases-cfg$max.tsv LD_PRELOAD=$BIN/phasetrace.so \
			"$PB" -n 20 -w 2 "users-$max=pam:bench-cfg$max:cfgu" >/dev/null
	fi
}

main() {
	local part
	: >"$OUT/facts.tsv"
	fact rig_kernel "$(uname -r)"
	fact parts "$PARTS"
	setup
	for part in $PARTS; do
		case $part in
		core | join | config_size | scale | ssh_e2e | dropins | profiles) "$part" ;;
		*) die "BENCH_PARTS: unknown part '$part'" ;;
		esac
	done
	log "done"
}

main "$@"
