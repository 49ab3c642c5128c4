#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# guest.sh MODE - run inside the Debian 13 guest (tests/vm/pam-jail-vm) as
# root: the cgroup v2 limits of a jail, enforced by the guest's own kernel.
# MODE "systemd": systemd is pid 1, the limits go on the session scope over
# D-Bus (README, "systemd hosts"); MODE "own": no systemd, pam_jail makes
# <v2 mount>/pam_jail/<jail id> itself.  Everything is real: the guest's
# sshd with its own PAM stack plus pam_jail, logins over the guest's
# loopback with its ssh client, the guest's kernel counting and killing.
#
# alice is jailed (jail "tight": pids_max 40, memory_max 64M, cpu_max 20%,
# share = user, the default); bob has no rule and is never jailed: every
# limit is also shown NOT to hold for bob's same job (the test can fail).
# Prints TAP (tests/lib.sh) on stdout; the host copies it out.
set -u
MODE=$1
SRC=/mnt/src
BUILD=/mnt/out/build
RIG_TOP=$SRC	# where sd-boot.sh's install finds conf/
# shellcheck source=../lib.sh
. "$SRC/tests/lib.sh"
# shellcheck source=../rig/sd-boot.sh
. "$SRC/tests/rig/sd-boot.sh"
SD_ROOT=	# sd-boot.sh's helpers work on this host's own /
# sd_ssh runs its client through sd_env: here that is just a clean env.
sd_env() { /usr/bin/env -i PATH="$SD_PATH" HOME=/root LANG=C TERM=dumb "$@"; }

PIDS_MAX=40
CPU_BUSY=4	# seconds of wall time a busy loop runs
L="($MODE)"	# every description says which boot it is from

# ------------------------------------------------------------ helpers --

# wait_for SECONDS CMD...: until CMD succeeds, by the clock (lib.sh's
# rig_wait counts polls, and under TCG one poll can take a second).
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# cg_of PID: its cgroup v2 path; cg_file PID FILE: that cgroup's FILE.
cg_of() { sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }
cg_file() { cat "/sys/fs/cgroup$(cg_of "$1")/$2" 2>&1; }
# pid_of USER ARGS: the oldest process of USER whose command line is ARGS.
pid_of() { pgrep -o -u "$1" -fx "$2"; }

# hold USER ARGS SCRIPT: a background ssh session of USER running SCRIPT
# (its output in $W/hold.USER), which ends by exec'ing ARGS (a sleep):
# HELD is the client's pid, HELD_PID the sleep's once it runs.
hold() {
	sd_ssh "$1" "$3; exec $2" >"$W/hold.$1" 2>&1 &
	HELD=$!
	HELD_PID=
	wait_for 60 pid_of "$1" "$2" && HELD_PID=$(pid_of "$1" "$2")
}

# jobs_for USER: the jobs the tests run, in the user's home (the jail
# binds it), POSIX sh: dash does not retry a failed fork as bash does.
jobs_for() {
	local h=/home/$1
	# bomb: count the sleeps it sees (~/seen), then fork up to 60 more,
	# counting in ~/forks; dash stops at
	# the first fork that fails.  The sleeps let go of the session's
	# output, or sshd would keep the session open until they end.
	cat >"$h/bomb.sh" <<-'EOF'
		pgrep -c -x sleep >"$HOME/seen"
		i=0
		while [ "$i" -lt 60 ]; do
			sleep 60 </dev/null >/dev/null 2>&1 &
			i=$((i + 1))
			echo "$i" >"$HOME/forks"
		done
	EOF
	# hog: one 200 MB buffer, filled
	echo 'dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null; echo "dd=$?"' >"$h/hog.sh"
	# busy: a loop for CPU_BUSY s; prints the CPU it got, in clock ticks
	# (what its waited-for children's utime + stime, fields 16 and 17,
	# grew by: a shell exec'd by bash -c keeps what bash had), and the
	# uptime before and after (under TCG the timeout can end late)
	cat >"$h/busy.sh" <<-EOF
		children() { read -r s </proc/\$\$/stat; set -- \$s; shift 15; echo \$((\$1 + \$2)); }
		c0=\$(children)
		read -r t0 _ </proc/uptime
		timeout $CPU_BUSY sh -c 'while :; do :; done'
		read -r t1 _ </proc/uptime
		echo \$((\$(children) - c0)) \$t0 \$t1
	EOF
	# many N: N sleeps in the background
	# shellcheck disable=SC2016 # expanded by the user's sh
	echo 'n=0; while [ "$n" -lt "$1" ]; do sleep 303 </dev/null >/dev/null 2>&1 & n=$((n + 1)); done' >"$h/many.sh"
	chmod 755 "$h"/*.sh
}

# bomb USER: run it; prints the number of forks that succeeded.
bomb() {
	rm -f "/home/$1/forks"
	sd_ssh "$1" 'sh ~/bomb.sh' >"$W/bomb.$1" 2>&1
	cat "/home/$1/forks" 2>/dev/null || echo 0
}
# reap USER ARGS: end USER's processes ARGS, and wait until they are gone.
reap() {
	pkill -u "$1" -fx "$2"
	wait_for 20 sh -c "! pgrep -u $1 -fx '$2'"
}

# ratio "TICKS T0 T1": CPU seconds per second of the busy loop, two
# decimals.
ratio() {
	printf '%s\n' "$1" | awk 'NF == 3 && $3 > $2 { r = $1 / 100 / ($3 - $2) }
		END { printf "%.2f", r }'
}
# in_range X LO HI: LO <= X <= HI (decimals).
in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# section NAME: a comment line with the guest's uptime (TCG is slow, and
# how slow depends on the machine's load).
section() { diag "$1 (guest uptime $(cut -d' ' -f1 /proc/uptime) s)"; }

# syslog_listener: no syslog daemon runs without systemd; pam_jail's and
# sshd's lines go to /run/vm-syslog (pam-jail-vm copies it out).
syslog_listener() {
	perl -MSocket -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "/dev/log")
			or die "/dev/log: $!";
		chmod 0666, "/dev/log";
		open(my $o, ">>", "/run/vm-syslog") or die;
		$o->autoflush(1);
		while (defined $s->recv(my $m, 8192)) { print $o "$m\n"; }' &
	wait_for 5 test -S /dev/log
}

# cpu_ratio "TICKS T0 T1" LO HI DESC: a busy loop (busy.sh) got LO..HI CPU
# seconds per second (%s in DESC: the ratio).  0.2 for the jail on a
# quiet machine; under TCG on a busy one the guest's clock jumps when its
# vCPU was descheduled, and the task that ran then is charged the gap.
cpu_ratio() {
	local r
	r=$(ratio "$1")
	# shellcheck disable=SC2059 # DESC is the format
	if in_range "$r" "$2" "$3"; then ok "$(printf "$4" "$r")"; else
		not_ok "$(printf "$4" "$r")" "expected $2..$3 (ticks, uptime before and after: $1)"
	fi
}

# procs: every process but the kernel's, with its cgroup (a diagnostic).
# shellcheck disable=SC2009 # ps shows the cgroup column pgrep has not
procs() { ps -eo pid,ppid,user,cgroup:50,args | grep -v ' \['; }

# ------------------------------------------------------------ set up --

setup() {
	sd_install_pam_jail "$BUILD/pam_jail.so" "$BUILD/jail-init" "$BUILD/jailctl" || return
	printf '\nsession required pam_jail.so\n' >>/etc/pam.d/sshd
	sd_conf <<-EOF || return
		[global]
		default = none

		[jail:tight]
		root = /srv/jails/%u
		bind_ro = /usr /bin /lib /lib64 /sbin
		bind_rw = %h
		tmpfs = /tmp
		network = none
		pids_max = $PIDS_MAX
		memory_max = 64M
		cpu_max = 20000 100000

		[user:alice]
		jail = tight
	EOF
	jailctl create alice >/dev/null || return
	jobs_for alice && jobs_for bob || return
	if [ "$MODE" != systemd ]; then
		syslog_listener
		install -d -m 755 /run/sshd && /usr/sbin/sshd || return
		wait_for 30 sh -c 'ss -Hltn "sport = :22" | grep -q .'
	fi
}

W=$(mktemp -d)
section setup
if setup >"$W/setup" 2>&1; then
	ok "$L pam_jail is built for the guest and set up in its sshd stack"
else
	not_ok "$L pam_jail is built for the guest and set up in its sshd stack" "$(cat "$W/setup")"
	done_testing
	exit
fi

# -------------------------------------------- the jail and its cgroup --

section 'the jail and its cgroup'

if hold alice 'sleep 301' true; then
	ok "$L a jailed ssh session of alice stays open"
else
	not_ok "$L a jailed ssh session of alice stays open" "$(cat "$W/hold.alice")" \
		"$(procs)" \
		"$( { journalctl -b -n 40 --no-pager || tail -n 40 /run/vm-syslog; } 2>&1)"
	done_testing
	exit
fi
s1_client=$HELD s1=$HELD_PID
cg1=$(cg_of "$s1")
if [ "$MODE" = systemd ]; then
	like "$cg1" '^/user\.slice/user-[0-9]+\.slice/session-[0-9]+\.scope$' \
		"$L the jailed session is in its logind session scope ($cg1)"
else
	like "$cg1" '^/pam_jail/[^/]+$' "$L the jailed session is in pam_jail's own cgroup ($cg1)"
fi
is "$(cg_file "$s1" pids.max) $(cg_file "$s1" memory.max) $(cg_file "$s1" cpu.max)" \
	"$PIDS_MAX 67108864 20000 100000" "$L pids.max, memory.max and cpu.max there are the jail's"

# ------------------------------------------------- pids_max: fork bomb --

section 'pids_max'

n=$(bomb alice)
if [ "$n" -ge 20 ] && [ "$n" -le "$PIDS_MAX" ]; then
	ok "$L pids_max $PIDS_MAX stops a fork bomb in the jail after $n forks"
else
	not_ok "$L pids_max $PIDS_MAX stops a fork bomb in the jail" "forks: $n (expected 20..$PIDS_MAX)" \
		"$(cat "$W/bomb.alice")"
fi
like "$(cat "$W/bomb.alice")" '[Cc]annot fork|fork' "$L ... whose next fork fails (sh says so)"
# the bomb's cgroup: its scope (the sleeps it left are in it) on systemd,
# the jail's one without
p=$s1
[ "$MODE" != systemd ] || p=$(pid_of alice 'sleep 60')
like "$(cg_file "${p:-0}" pids.events)" '^max [1-9]' "$L ... and the cgroup's pids.events counts it" ||
	diag "$(procs)" "$(tail -n 30 /run/vm-syslog 2>&1)"
reap alice 'sleep 60'

# --------------------------------------------- memory_max: an OOM kill --

section 'memory_max'

dmesg -C
hold alice 'sleep 302' 'sh ~/hog.sh'
m_client=$HELD m=$HELD_PID
like "$(cat "$W/hold.alice")" '^dd=137$' "$L memory_max 64M: a 200 MB dd in the jail is SIGKILLed (exit 137)"
if [ -n "$m" ]; then
	ok "$L ... and the shell that ran it lives on"
else
	not_ok "$L ... and the shell that ran it lives on" "$(cat "$W/hold.alice")"
fi
like "$(cg_file "${m:-0}" memory.events)" 'oom_kill [1-9]' "$L ... memory.events of its cgroup counts the OOM kill"
like "$(dmesg)" "oom-kill:constraint=CONSTRAINT_MEMCG.*oom_memcg=$(cg_of "${m:-0}"),.*task=dd," \
	"$L ... the kernel says: a memory cgroup's OOM, in the jail's cgroup, dd killed"
check "$L ... the session's ssh connection is still up (its sshd-session survived)" kill -0 "$m_client"
check "$L ... and so is the other session of the jail" kill -0 "$s1"
if [ "$MODE" = systemd ]; then
	scope=$(basename "$(cg_of "${m:-0}")")
	is "$(systemctl is-active "$scope")" active "$L ... its scope $scope is still active (OOMPolicy=$(systemctl show -P OOMPolicy "$scope"))"
fi
reap alice 'sleep 302'

# ------------------------------------------- cpu_max: a busy loop held --

section 'cpu_max'

cpu_ratio "$(sd_ssh alice 'sh ~/busy.sh')" 0.05 0.45 \
	"$L cpu_max 20000/100000 holds a busy loop in the jail to %s CPU s/s (20%%, margin to 0.45)"

# ------------------------- share = user: one jail, several sessions --

section 'share = user'

# A second session holds HELD sleeps in the same jail; a third forks
# what it can.  README: on systemd each session has its own scope and so
# its own pids_max; without systemd the jail's sessions share one cgroup.
HELD_N=20
hold alice 'sleep 304' "sh ~/many.sh $HELD_N"
a=$HELD_PID
wait_for 30 sh -c "[ \$(pgrep -c -u alice -fx 'sleep 303') = $HELD_N ]"
n=$(bomb alice)
is "$(cat /home/alice/seen)" $((HELD_N + 2)) \
	"$L (share = user) a third session sees the other two sessions' $((HELD_N + 2)) sleeps: one jail"
if [ "$MODE" = systemd ]; then
	cg_a=$(cg_of "${a:-0}")
	p=$(pid_of alice 'sleep 60')
	cg_b=$(cg_of "${p:-0}")
	if [ -n "$cg_b" ] && [ "$cg_a" != "$cg_b" ]; then
		ok "$L ... each session in its own scope ($cg_a, $cg_b)"
	else
		not_ok "$L ... each session in its own scope" "holder: $cg_a" "bomb: $cg_b"
	fi
	if [ $((n + HELD_N)) -gt "$PIDS_MAX" ] && [ "$n" -le "$PIDS_MAX" ]; then
		ok "$L ... pids_max is per session: $n forks beside the other session's $HELD_N sleeps"
	else
		not_ok "$L ... pids_max is per session" "forks: $n beside $HELD_N held (limit $PIDS_MAX each)" \
			"$(cat "$W/bomb.alice")"
	fi
else
	is "$(cg_of "${a:-0}")" "$cg1" "$L ... every session in the jail's one cgroup $cg1"
	if [ "$n" -ge 1 ] && [ $((n + HELD_N)) -le "$PIDS_MAX" ]; then
		ok "$L ... pids_max is per jail: $n forks beside the other session's $HELD_N sleeps"
	else
		not_ok "$L ... pids_max is per jail" "forks: $n beside $HELD_N held (limit $PIDS_MAX in all)" \
			"$(cat "$W/bomb.alice")"
	fi
fi
reap alice 'sleep 60'
reap alice 'sleep 303'
reap alice 'sleep 304'
reap alice 'sleep 301'
# ----------------------------------------- (control) bob, unjailed --

# One login for the three (each takes seconds under TCG).
section 'control'
rm -f /home/bob/forks
out=$(sd_ssh bob 'sh ~/bomb.sh >/dev/null 2>&1; sh ~/hog.sh; sh ~/busy.sh')
is "$(cat /home/bob/forks 2>&1)" 60 "$L (control) bob's same fork loop, unjailed, forks all 60"
like "$out" '^dd=0$' "$L (control) bob's same dd, unjailed, completes"
cpu_ratio "$(printf '%s\n' "$out" | tail -n 1)" 0.6 2 \
	"$L (control) bob's same busy loop, unjailed, gets %s CPU s/s (>= 0.6)"
reap bob 'sleep 60'

section end
check "$L alice's sessions end" wait_for 30 sh -c "! kill -0 $s1_client 2>/dev/null && ! kill -0 $m_client 2>/dev/null"
done_testing
