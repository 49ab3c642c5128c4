#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# bench/install-deps.sh - what `make bench` needs: tests/deps.txt (build,
# rig, sshd) and bench/deps.txt (bubblewrap, valgrind, perf), both through
# tests/install-deps.sh, the means .ci/run uses (no daemon is started while
# installing; nothing is fetched when everything is there already).
#
# tests/install-deps.sh reads the deps.txt beside itself, so for the bench
# list it runs from a private copy with bench/deps.txt beside it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$HERE")

"$TOP/tests/install-deps.sh" --missing </dev/null
tmp=$(mktemp -d /tmp/pam_jail-bench-deps.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp "$TOP/tests/install-deps.sh" "$tmp/install-deps.sh"
cp "$HERE/deps.txt" "$tmp/deps.txt"
"$tmp/install-deps.sh" --missing </dev/null
