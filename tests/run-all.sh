#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# run-all.sh - the whole suite; `make check` runs it with MODULE, INIT and
# BUILD set (absolute).  Order:
#   1. unit tests: $BUILD/tests/test_* (on the host, no privileges used),
#      the config fuzz regression (tests/fuzz/regress.sh) and the static
#      checks (tests/lint.sh: shellcheck; make analyze with ANALYZE=1)
#   2. tests/host-unchanged.sh (on the host: the rig cannot change it)
#   3. each tests/e2e/*.sh that covers Debian 12 (its "# releases:" line;
#      all without one), sorted, in its own tests/rig/isolate.sh
#   4. every tests/e2e file whose header says "# releases: ... 13" again,
#      labelled " (debian 13)", in a rig whose / is the Debian 13 rootfs
#      of tests/rig/deb13-rootfs.sh (isolate.sh RIG_RELEASE=13), with the
#      tree built inside it once first
#   5. tests/pkg/run.sh (on the host: it builds the Debian package and
#      installs it in clean Debian 12 and 13 rootfs)
#   6. with BUILD_ASAN set: the unit tests, the asan-capable PAM-level
#      tests (tests/e2e/*-pam*.sh) and the fault walk (35-faults.sh: every
#      failure path, leak-checked) again, against $BUILD_ASAN, and the
#      jailctl files (6[0-9]-*.sh) with $BUILD_ASAN/jailctl
#   7. the host snapshot taken at the start still matches
# `run-all.sh --selftest [FILE...]` instead proves each e2e file can fail
# (see selftest below).
# Every TAP line is shown and counted; the last line is exactly
# "N passed, N failed" (", N skipped" when there are skips).  Exit 1 when
# anything failed, a file exited non-zero without saying "not ok", or no
# test ran.  MUST_WORK=1 (CI) makes every skip a failure.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")
cd "$TOP" || exit 1

# Host-side orphans (a killed rig's pid 1) must come to us, not to the
# machine's pid 1, which never reaps them (rig-notes).
if [ "${RIG_SUBREAPER:-}" != "$$" ] && [ -x /usr/bin/python3 ]; then
	exec "$HERE/rig/subreaper" /bin/bash "$HERE/run-all.sh" "$@"
fi

BUILD=${BUILD:-$TOP/build}
export MODULE=${MODULE:-$BUILD/pam_jail.so}
export INIT=${INIT:-$BUILD/jail-init}
export DRIVER=${DRIVER:-$BUILD/tests/pamdriver}
export BUILD MUST_WORK=${MUST_WORK:-0}
FILE_TIMEOUT=${RIG_FILE_TIMEOUT:-600}	# seconds per test file

PASSED=0 FAILED=0 SKIPPED=0 RAN=0
FAILURES=()
TMP=$(mktemp -d /tmp/pam_jail-run-all.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

# tally NAME: copy TAP from stdin to stdout, counting.  Under MUST_WORK a
# skip counts as a failure even when the test did not say so itself.
tally() {
	local name=$1 line
	F_FAILED=0 F_LINES=0
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"not ok"*)
			F_FAILED=$((F_FAILED + 1)); FAILURES+=("$name: ${line#not ok - }") ;;
		"ok "*"# SKIP"* | "ok "*"# skip"*)
			if [ "$MUST_WORK" = 1 ]; then
				printf '#   ^ a skip is a failure with MUST_WORK=1\n'
				F_FAILED=$((F_FAILED + 1)); FAILURES+=("$name: ${line#ok - }")
			else SKIPPED=$((SKIPPED + 1)); fi ;;
		"ok "* | ok) PASSED=$((PASSED + 1)) ;;
		*) continue ;;
		esac
		F_LINES=$((F_LINES + 1))
	done
	FAILED=$((FAILED + F_FAILED))
}

# run_file NAME CMD...: one section.  A non-zero exit with no "not ok", or
# no TAP line at all, is one failure of its own.
run_file() {
	local name=$1 rc
	shift
	printf '\n# ==== %s\n' "$name"
	tally "$name" < <(timeout -k 10 "$FILE_TIMEOUT" "$@" </dev/null 2>&1
		echo "$?" >"$TMP/rc")
	read -r rc <"$TMP/rc"
	RAN=$((RAN + F_LINES))
	if [ "$rc" != 0 ] && [ "$F_FAILED" = 0 ]; then
		[ "$rc" = 124 ] && rc="$rc (timed out after ${FILE_TIMEOUT}s)"
		printf 'not ok - %s exited with status %s\n' "$name" "$rc"
		FAILED=$((FAILED + 1)); FAILURES+=("$name: exited with status $rc")
	elif [ "$F_LINES" = 0 ]; then
		printf 'not ok - %s printed no test lines\n' "$name"
		FAILED=$((FAILED + 1)); FAILURES+=("$name: printed no test lines")
	fi
}

# A section that could not run at all: a skip (a failure under MUST_WORK).
skip_file() {
	printf '\n# ==== %s\n' "$1"
	tally "$1" < <(printf 'ok - %s # SKIP %s\n' "$1" "$2")
	RAN=$((RAN + 1))
}

run_units() {
	local t
	for t in "$1"/tests/test_*; do
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
		run_file "${t#"$TOP"/}" "$t"
	done
}

# run_e2e LABEL FILE...: each file in its own rig; LABEL marks a re-run.
run_e2e() {
	local label=$1 f
	shift
	for f in "$@"; do
		if [ "$(id -u)" != 0 ]; then
			skip_file "$f$label" "needs root (it builds a namespace rig)"
		else
			run_file "$f$label" "$HERE/rig/isolate.sh" "$f"
		fi
	done
}

# The systemd-host tests boot a Debian rootfs, and the VM leg a guest
# image, that must be built (or found in the cache) here, outside the rigs,
# where host paths are read-only.  cached_tree VAR SCRIPT: VAR is the path
# SCRIPT prints; VAR_SKIP says why there is none (exit 3: the archive
# cannot be reached; any other failure is one failure of its own).
cached_tree() {
	local var=$1 script=$2 out rc=0
	out=$("$script" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		export "$var=${out##*$'\n'}"
	elif [ "$rc" = 3 ]; then
		export "${var}_SKIP=$out"
	else
		export "${var}_SKIP=building it failed: $out"
		printf 'not ok - %s\n' "${script#"$TOP"/}"
		printf '%s\n' "$out" | sed 's/^/#   /'
		FAILED=$((FAILED + 1))
		FAILURES+=("${script#"$TOP"/}")
	fi
}

# The Debian 13 rootfs, like the systemd one: built or found here.
# DEB13_ROOTFS: its path; DEB13_ROOTFS_SKIP: why there is none.
deb13_rootfs() {
	local out rc=0
	out=$("$HERE/rig/deb13-rootfs.sh" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		DEB13_ROOTFS=${out##*$'\n'}
	elif [ "$rc" = 3 ]; then
		DEB13_ROOTFS_SKIP=$out
	else
		DEB13_ROOTFS_SKIP="building the rootfs failed: $out"
		printf 'not ok - tests/rig/deb13-rootfs.sh\n'
		printf '%s\n' "$out" | sed 's/^/#   /'
		FAILED=$((FAILED + 1))
		FAILURES+=("tests/rig/deb13-rootfs.sh")
	fi
}

# covers FILE RELEASE: does FILE's "# releases: 12 13 (why...)" header
# name RELEASE?  A file without one covers 12, the machine's own.
covers() {
	local r
	r=$(sed -n 's/^# releases:[[:space:]]*//p' "$1" 2>/dev/null | head -n 1)
	r=${r%%(*}
	case " ${r:-12} " in *" $2 "*) return 0 ;; esac
	return 1
}

# of_release RELEASE FILE...: the files that cover RELEASE.
of_release() {
	local rel=$1 f
	shift
	for f in "$@"; do
		if covers "$f" "$rel"; then printf '%s\n' "$f"; fi
	done
}

# The e2e files that cover Debian 13, run once more against its callers.
# The tree is built inside the rootfs first (one rig; the build is kept in
# this run's TMP for the rigs after it).
run_release_13() {
	local f label=" (debian 13)" build=$TMP/deb13-build
	local -a files
	mapfile -t files < <(of_release 13 "$@")
	[ "${#files[@]}" -gt 0 ] || return 0
	if [ "$(id -u)" != 0 ]; then
		for f in "${files[@]}"; do skip_file "$f$label" "needs root"; done
		return 0
	fi
	[ -n "${DEB13_ROOTFS:-}" ] || deb13_rootfs
	if [ -z "${DEB13_ROOTFS:-}" ]; then
		for f in "${files[@]}"; do skip_file "$f$label" "$DEB13_ROOTFS_SKIP"; done
		return 0
	fi
	install -d -m 755 "$build"
	export RIG_RELEASE=13 RIG_ROOTFS=$DEB13_ROOTFS RIG_BUILD_CACHE=$build
	# shellcheck disable=SC2016 # expanded in the rig
	run_file "pam_jail built inside Debian 13" "$HERE/rig/isolate.sh" \
		/bin/sh -c 'echo "ok - make all in the rootfs: $(gcc --version | head -n 1)"'
	run_e2e "$label" "${files[@]}"
	unset RIG_RELEASE RIG_ROOTFS RIG_BUILD_CACHE
}

# selftest FILE...: `run-all.sh --selftest [FILE...]` (`make selftest`):
# each e2e file runs in its rig with RIG_SELFTEST=invert, which turns over
# the verdict of the assertion its "# central: DESC" header names
# (tests/lib.sh).  One TAP line per file: ok when the file failed, and
# failed on that inverted assertion.  Not part of make check (it runs the
# whole e2e suite once more).
selftest() {
	local f out rc
	for f in "$@"; do
		printf '\n# ==== %s (RIG_SELFTEST=invert)\n' "$f"
		out=$(RIG_SELFTEST=invert timeout -k 10 "$FILE_TIMEOUT" \
			"$HERE/rig/isolate.sh" "$f" </dev/null 2>&1)
		rc=$?
		printf '%s\n' "$out" | grep -E '^(not ok|# central|#   the central)' | sed 's/^/#   /'
		tally "$f (selftest)" < <(
			if [ "$rc" != 0 ] && printf '%s\n' "$out" | grep -q '^not ok - .* \[RIG_SELFTEST=invert\]$'; then
				printf 'ok - %s fails (status %s) when its central assertion is inverted\n' "$f" "$rc"
			else
				printf 'not ok - %s does not fail on its inverted central assertion (status %s)\n' "$f" "$rc"
			fi)
		RAN=$((RAN + 1))
	done
	summary
}

main() {
	local snap=$TMP/host.snap e2e e2e12 asan_e2e
	if [ "${1:-}" = --selftest ]; then
		shift
		[ $# -gt 0 ] || mapfile -t e2e < <(of_release 12 tests/e2e/*.sh)
		[ $# -eq 0 ] || e2e=("$@")
		if [ "$(id -u)" = 0 ]; then
			cached_tree SD_ROOTFS "$HERE/rig/sd-rootfs.sh"
			cached_tree VM_IMAGE "$HERE/vm/image.sh"
		fi
		selftest "${e2e[@]}"
		return
	fi
	[ "$(id -u)" = 0 ] && bash "$HERE/host-unchanged.sh" snapshot "$snap"
	run_units "$BUILD"
	run_file tests/fuzz/regress.sh "$HERE/fuzz/regress.sh"
	run_file tests/lint.sh "$HERE/lint.sh"
	if [ "$(id -u)" = 0 ]; then
		run_file tests/host-unchanged.sh bash "$HERE/host-unchanged.sh"
	else
		skip_file tests/host-unchanged.sh "needs root"
	fi
	if [ "$(id -u)" = 0 ]; then
		cached_tree SD_ROOTFS "$HERE/rig/sd-rootfs.sh"
		cached_tree VM_IMAGE "$HERE/vm/image.sh"
	fi
	mapfile -t e2e < <(LC_ALL=C ls -1 tests/e2e/*.sh 2>/dev/null)
	mapfile -t e2e12 < <(of_release 12 "${e2e[@]}")
	run_e2e "" "${e2e12[@]}"
	run_release_13 "${e2e[@]}"
	if [ "$(id -u)" = 0 ]; then
		# debootstraps of two releases when not cached yet
		FILE_TIMEOUT=${RIG_PKG_TIMEOUT:-2400} run_file tests/pkg/run.sh "$HERE/pkg/run.sh"
	else
		skip_file tests/pkg/run.sh "needs root (it builds and enters rootfs)"
	fi
	if [ -n "${BUILD_ASAN:-}" ]; then
		# LeakSanitizer on: a leak fails the process that has it.
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 run_units "$BUILD_ASAN"
		mapfile -t asan_e2e < <(of_release 12 tests/e2e/*-pam*.sh \
			tests/e2e/35-faults.sh)
		# Leaks are checked here too, in every PAM caller that stays
		# out of the jail: not jailed, or refused before entering (most
		# of the fault walk's 400 failing steps; a leak there aborts the
		# driver, exit 134).  One that entered cannot run LSan's exit
		# check (its children are born in the jail's pid namespace,
		# dead after close_session): pamdriver skips it only then
		# (tests/pamdriver.c, __lsan_is_turned_off), as 10-core-pam
		# does for its jailed pamtester run.
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		MODULE=$BUILD_ASAN/pam_jail.so INIT=$BUILD_ASAN/jail-init \
			DRIVER=$BUILD_ASAN/tests/pamdriver run_e2e " (asan)" "${asan_e2e[@]}"
		# jailctl too, every command of the jailctl files, leaks
		# checked the same way (jailctl.c includes lsan_hook.h: enter
		# and run skip the check once in a jail).  The module stays the
		# plain build there: sshd cannot load an ASan one.
		mapfile -t asan_e2e < <(of_release 12 tests/e2e/6[0-9]-*.sh)
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		JAILCTL=$BUILD_ASAN/jailctl run_e2e " (asan jailctl)" "${asan_e2e[@]}"
	fi
	if [ -f "$snap" ]; then
		run_file "host unchanged by the whole suite" \
			bash "$HERE/host-unchanged.sh" compare "$snap"
	fi
	summary
}

summary() {
	local f
	if [ "$RAN" = 0 ]; then
		printf 'not ok - no test ran at all\n'
		FAILED=$((FAILED + 1))
	fi
	printf '\n'
	for f in "${FAILURES[@]}"; do printf '# FAILED %s\n' "$f"; done
	if [ "$SKIPPED" -gt 0 ]; then
		printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
	else
		printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
	fi
	[ "$FAILED" = 0 ]
}

main "$@"
